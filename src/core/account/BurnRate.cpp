// BurnRate: spend over the last days from snapshots or the ledger, and the forecast text.
#include "core/account/BurnRate.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

constexpr double kMsPerDay = 86'400'000.0;
constexpr double kHourInDays = 1.0 / 24.0;

QString tr(const char* text)
{
    return QCoreApplication::translate("anyrouter::BurnRate", text);
}

struct Point
{
    QDateTime at;
    double value = 0;
};

// Spend seen in one series of readings, restricted to (windowStart, now].
struct SeriesSpend
{
    bool valid = false;
    double spend = 0;
    double spanDays = 0;
    int wrongWay = 0;
};

// falling = true: spend is a decrease (balance); false: an increase (total usage). A step the other
// way (a top-up, a usage counter reset) counts as no spend rather than negative spend.
SeriesSpend seriesSpend(QList<Point> points, const QDateTime& windowStart, const QDateTime& now, bool falling)
{
    SeriesSpend out;
    std::stable_sort(points.begin(), points.end(),
                     [](const Point& a, const Point& b) { return a.at < b.at; });
    QList<Point> used;
    for (const Point& p : points) {
        if (p.at > now)
            continue; // a reading from the future (clock changed): ignore it
        if (p.at <= windowStart) {
            used = {p}; // only the newest reading at or before the window start is the baseline
            continue;
        }
        used.append(p);
    }
    if (used.size() < 2)
        return out;
    out.valid = true;
    for (qsizetype i = 1; i < used.size(); ++i) {
        const Point& prev = used.at(i - 1);
        const Point& cur = used.at(i);
        double delta = falling ? prev.value - cur.value : cur.value - prev.value;
        if (delta < 0) {
            ++out.wrongWay;
            delta = 0;
        }
        double weight = 1.0;
        if (prev.at < windowStart) {
            // The step straddles the window start: count the part inside it, assuming an even pace.
            weight = double(windowStart.msecsTo(cur.at)) / double(prev.at.msecsTo(cur.at));
        }
        out.spend += delta * weight;
    }
    const QDateTime start = std::max(windowStart, used.first().at);
    out.spanDays = double(start.msecsTo(used.last().at)) / kMsPerDay;
    return out;
}

} // namespace

QString describeSpan(double days)
{
    if (days < 1.0) {
        const int hours = std::max(1, int(std::lround(days * 24.0)));
        return hours == 1 ? tr("1 hour") : tr("%1 hours").arg(hours);
    }
    const double whole = std::round(days);
    if (std::abs(days - whole) < 0.05)
        return whole == 1.0 ? tr("1 day") : tr("%1 days").arg(qint64(whole));
    return tr("%1 days").arg(QLocale().toString(days, 'f', 1));
}

QString BurnRate::sourceName(Source s)
{
    switch (s) {
    case Source::TotalUsage:
        return tr("total usage");
    case Source::BalanceDrops:
        return tr("balance");
    case Source::Ledger:
        return tr("this app's requests");
    case Source::None:
        break;
    }
    return tr("none");
}

BurnRate BurnRate::compute(const Input& input, const QDateTime& now, int windowDays)
{
    BurnRate r;
    r.windowDays = std::max(1, windowDays);
    const QDateTime windowStart = now.addDays(-r.windowDays);

    // The current balance: given, else the newest snapshot that has one.
    // Bogus readings (1e308, inf, nan) are left out everywhere: no spend or forecast from them.
    const auto plausible = [](std::optional<double> v) {
        return v && isPlausibleAccountUsd(*v) ? v : std::nullopt;
    };
    r.balance = plausible(input.balance);
    if (!r.balance) {
        QDateTime newest;
        for (const BalanceSnapshot& s : input.snapshots) {
            if (plausible(s.balance) && s.at <= now && (!newest.isValid() || s.at >= newest)) {
                newest = s.at;
                r.balance = s.balance;
            }
        }
    }

    QList<Point> usage, balance;
    for (const BalanceSnapshot& s : input.snapshots) {
        if (!s.at.isValid())
            continue;
        if (plausible(s.totalUsage))
            usage.append({s.at, *s.totalUsage});
        if (plausible(s.balance))
            balance.append({s.at, *s.balance});
    }
    const SeriesSpend fromUsage = seriesSpend(usage, windowStart, now, false);
    const SeriesSpend fromBalance = seriesSpend(balance, windowStart, now, true);

    // The ledger: every request this app made is in it, so its span runs to now.
    SeriesSpend fromLedger;
    QDateTime ledgerStart = input.ledgerSince;
    for (const LedgerEntry& e : input.ledger) {
        // An absurd cost (-12.5, 1e308, inf) is no cost: it neither counts nor starts the span. The
        // rows may be hourly sums (UsageLedger::hourlyCosts), so the bound is an account's, not a
        // request's.
        if (!e.cost || !std::isfinite(*e.cost) || *e.cost < 0 || *e.cost > kMaxAccountUsd ||
            !e.at.isValid() || e.at > now)
            continue;
        if (!ledgerStart.isValid() || e.at < ledgerStart)
            ledgerStart = e.at;
        if (e.at > windowStart)
            fromLedger.spend += std::max(0.0, *e.cost);
    }
    if (ledgerStart.isValid() && ledgerStart <= now) {
        fromLedger.valid = true;
        fromLedger.spanDays = double(std::max(windowStart, ledgerStart).msecsTo(now)) / kMsPerDay;
    }

    const SeriesSpend* gateway = fromUsage.valid ? &fromUsage : (fromBalance.valid ? &fromBalance : nullptr);
    const SeriesSpend* chosen = nullptr;
    if (gateway &&
        (!fromLedger.valid || gateway->spanDays >= 1.0 || gateway->spanDays >= fromLedger.spanDays)) {
        chosen = gateway;
        r.source = gateway == &fromUsage ? Source::TotalUsage : Source::BalanceDrops;
    } else if (fromLedger.valid) {
        chosen = &fromLedger;
        r.source = Source::Ledger;
    }
    if (!chosen || (chosen->spend <= 0 && chosen->spanDays < kHourInDays)) {
        r.source = Source::None;
        return r;
    }

    r.spend = chosen->spend;
    r.historyDays = std::min(double(r.windowDays), chosen->spanDays);
    r.partial = r.historyDays + kHourInDays < double(r.windowDays);
    r.topUps = chosen->wrongWay;
    r.perDay = r.spend / std::max(r.historyDays, 1.0);
    if (r.perDay > 0 && r.balance)
        r.daysLeft = std::max(0.0, *r.balance) / r.perDay;
    return r;
}

QString BurnRate::describe(const MoneyFormatter& money) const
{
    if (source == Source::None)
        return tr("No forecast yet: it needs a few hours of balance readings or of requests made by "
                  "this app.");

    const QString window = windowDays == 1 ? tr("1 day") : tr("%1 days").arg(windowDays);
    if (spend <= 0) {
        const QString text = partial ? tr("No spend in the %1 of history so far (less than %2)")
                                           .arg(describeSpan(historyDays), window)
                                     : tr("No spend in the last %1").arg(window);
        return source == Source::Ledger
                   ? text + tr(" by this app; other clients of the account are not seen.")
                   : text + tr(": the balance is not running down.");
    }

    const QString amount = tr("%1 (%2 a day)").arg(formatMoney(money, spend), formatMoney(money, perDay));
    const QString spent = source == Source::Ledger ? tr("this app's requests cost %1").arg(amount)
                                                   : tr("you spent %1").arg(amount);
    QString text = partial ? tr("In the %1 of history so far (less than %2), %3")
                                 .arg(describeSpan(historyDays), window, spent)
                           : tr("In the last %1 %2").arg(window, spent);
    if (!balance) {
        text += tr(". The balance is unknown, so there is no forecast.");
    } else if (*balance <= 0) {
        text += tr("; the balance of %1 is used up.").arg(formatMoney(money, *balance));
    } else if (daysLeft) {
        // A hair under a whole number from division (8.9999…) must still read "about 9 days".
        const double days = std::floor(*daysLeft + 1e-9);
        QString lasts;
        if (days < 1.0)
            lasts = tr("less than a day");
        else if (days > 365.0)
            lasts = tr("more than a year");
        else if (days == 1.0)
            lasts = tr("about 1 day");
        else
            lasts = tr("about %1 days").arg(qint64(days));
        text += tr("; at that rate the balance of %1 lasts %2.").arg(formatMoney(money, *balance), lasts);
    }
    if (source == Source::Ledger)
        text += tr(" (Only this app's requests are counted.)");
    return text;
}

} // namespace anyrouter
