// UsageAggregator: bucketing, grouping (top N + "Other") and reconciliation. Every figure is
// bounded before it is summed (a ledger row or gateway row may hold -12.5, 1e308 or a negative
// count), so no total, bucket or difference is negative on its own or infinite.
#include "core/usage/UsageAggregator.h"

#include "core/domain/Usage.h"

#include <QCoreApplication>
#include <QMap>

#include <algorithm>
#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("anyrouter::UsageAggregator", text, nullptr, n);
}

// Bucket starts plus the final end, in msecs since the epoch, for a binary search per row.
QList<qint64> boundsOf(const UsageWindow& w)
{
    QList<qint64> b;
    b.reserve(w.buckets.size() + 1);
    for (const UsageBucket& bucket : w.buckets)
        b.append(bucket.start.toMSecsSinceEpoch());
    if (!w.buckets.isEmpty())
        b.append(w.buckets.constLast().end.toMSecsSinceEpoch());
    return b;
}

int bucketOf(const QList<qint64>& bounds, qint64 t)
{
    if (bounds.size() < 2 || t < bounds.constFirst() || t >= bounds.constLast())
        return -1;
    return int(std::upper_bound(bounds.cbegin(), bounds.cend(), t) - bounds.cbegin()) - 1;
}

bool isFailed(const LedgerEntry& e)
{
    return e.status == u"error"_s || e.status == u"cancelled"_s;
}

// A ledger row's figures within Usage's bounds: an absurd cost is no cost (unpriced), an absurd
// count none. UsageLedger::entries() already does this; rows built elsewhere may not have.
std::optional<double> ledgerCost(const LedgerEntry& e)
{
    return e.cost && Usage::isValidCost(*e.cost) ? e.cost : std::nullopt;
}

qint64 ledgerTokens(const LedgerEntry& e)
{
    const auto valid = [](qint64 n) { return Usage::isValidTokenCount(n) ? n : 0; };
    return valid(e.promptTokens) + valid(e.completionTokens);
}

// A gateway activity row is a day's total per model, so its bounds are wider than one request's;
// past them (or negative, or non-finite) a figure is absent (usage) or 0 (counts).
constexpr double kMaxActivityUsd = 1e9;
constexpr qint64 kMaxActivityCount = 1'000'000'000'000'000LL; // 1e15

std::optional<double> activityUsage(const ActivityRow& r)
{
    if (r.usage && std::isfinite(*r.usage) && *r.usage >= 0 && *r.usage <= kMaxActivityUsd)
        return r.usage;
    return std::nullopt;
}

qint64 activityCount(qint64 n)
{
    return n >= 0 && n <= kMaxActivityCount ? n : 0;
}

qint64 activityTokens(const ActivityRow& r)
{
    return activityCount(r.promptTokens) + activityCount(r.completionTokens);
}

double ledgerValue(const LedgerEntry& e, UsageMetric metric)
{
    switch (metric) {
    case UsageMetric::Cost:
        return ledgerCost(e).value_or(0.0);
    case UsageMetric::Tokens:
        return double(ledgerTokens(e));
    case UsageMetric::Requests:
        return 1;
    }
    return 0;
}

QString modelName(const QString& model)
{
    return model.isEmpty() ? tr("(unknown model)") : model;
}

// Collects values per raw group key, then orders the stacks and merges the tail into "Other".
class GroupCollector
{
public:
    explicit GroupCollector(int buckets) : m_buckets(buckets) {}

    void add(const QString& key, int bucket, double value)
    {
        auto it = m_index.constFind(key);
        int g;
        if (it == m_index.cend()) {
            g = int(m_keys.size());
            m_index.insert(key, g);
            m_keys.append(key);
            m_values.append(QList<double>(m_buckets, 0.0));
        } else {
            g = *it;
        }
        m_values[g][bucket] += value;
    }

    // labelOf maps a raw key to its display name; equal names get the key appended so two stacks
    // never share a legend entry.
    template <typename LabelOf> void finish(UsageSeries& s, int topGroups, LabelOf labelOf) const
    {
        struct G
        {
            QString label;
            double total;
            int index;
        };
        QList<G> groups;
        QHash<QString, int> labelCount;
        for (int g = 0; g < m_keys.size(); ++g) {
            double total = 0;
            for (double v : m_values.at(g))
                total += v;
            if (total == 0)
                continue; // e.g. a model that only had unpriced rows, on the cost chart
            groups.append({labelOf(m_keys.at(g)), total, g});
            ++labelCount[groups.constLast().label];
        }
        for (G& g : groups) {
            if (labelCount.value(g.label) > 1 && g.label != m_keys.at(g.index))
                g.label += u" ("_s + m_keys.at(g.index).left(8) + u')';
        }
        std::sort(groups.begin(), groups.end(), [](const G& a, const G& b) {
            return a.total != b.total ? a.total > b.total : a.label < b.label;
        });
        const int top = qMax(1, topGroups);
        // "Other" of a single group would hide a name for nothing.
        const qsizetype keep = groups.size() <= top + 1 ? groups.size() : top;
        for (qsizetype i = 0; i < keep; ++i) {
            s.groups.append(groups.at(i).label);
            s.values.append(m_values.at(groups.at(i).index));
        }
        if (keep < groups.size()) {
            QList<double> other(m_buckets, 0.0);
            for (qsizetype i = keep; i < groups.size(); ++i) {
                const QList<double>& v = m_values.at(groups.at(i).index);
                for (int b = 0; b < m_buckets; ++b)
                    other[b] += v.at(b);
            }
            s.otherGroup = int(s.groups.size());
            s.groups.append(tr("Other (%n more)", int(groups.size() - keep)));
            s.values.append(other);
        }
    }

private:
    int m_buckets;
    QHash<QString, int> m_index;
    QStringList m_keys;
    QList<QList<double>> m_values;
};

void computeTotals(UsageSeries& s)
{
    s.bucketTotals = QList<double>(s.bucketCount(), 0.0);
    s.total = 0;
    for (const QList<double>& v : std::as_const(s.values)) {
        for (int b = 0; b < s.bucketCount(); ++b)
            s.bucketTotals[b] += v.at(b);
    }
    for (double t : std::as_const(s.bucketTotals))
        s.total += t;
}

UsageSeries emptySeries(const UsageQuery& q, const UsageWindow& w, UsageSource source)
{
    UsageSeries s;
    s.source = source;
    s.metric = q.metric;
    s.groupBy = q.groupBy;
    s.window = w;
    return s;
}

} // namespace

double UsageTotals::value(UsageMetric metric) const
{
    switch (metric) {
    case UsageMetric::Cost:
        return cost;
    case UsageMetric::Tokens:
        return double(tokens);
    case UsageMetric::Requests:
        return double(requests);
    }
    return 0;
}

UsageTotals& UsageTotals::operator+=(const UsageTotals& o)
{
    cost += o.cost;
    requests += o.requests;
    tokens += o.tokens;
    return *this;
}

UsageTotals UsageTotals::operator-(const UsageTotals& o) const
{
    return {cost - o.cost, requests - o.requests, tokens - o.tokens};
}

QString UsageAggregator::matchedGroupName()
{
    return tr("Counted by both");
}

QString UsageAggregator::gatewayOnlyGroupName()
{
    return tr("Gateway only (other clients)");
}

QString UsageAggregator::ledgerOnlyGroupName()
{
    return tr("This app only");
}

QString UsageAggregator::ledgerWorkspaceFilter(const UsageQuery& query, const QString& currentWorkspaceId)
{
    return query.source == UsageSource::Ledger && query.groupBy == UsageGroupBy::Workspace
               ? QString()
               : currentWorkspaceId;
}

bool UsageAggregator::isBillable(const LedgerEntry& e)
{
    return !isFailed(e) || ledgerTokens(e) > 0 || ledgerCost(e).value_or(0) > 0;
}

UsageSeries UsageAggregator::fromLedger(const UsageQuery& query, const UsageWindow& window,
                                        const QList<LedgerEntry>& entries,
                                        const QHash<QString, QString>& workspaceNames)
{
    UsageSeries s = emptySeries(query, window, UsageSource::Ledger);
    const QList<qint64> bounds = boundsOf(window);
    GroupCollector groups(s.bucketCount());
    for (const LedgerEntry& e : entries) {
        const int b = bucketOf(bounds, e.at.toMSecsSinceEpoch());
        if (b < 0)
            continue;
        ++s.requests;
        if (isFailed(e))
            ++s.failedRequests;
        if (!ledgerCost(e))
            ++s.unpricedRequests;
        const QString& key = query.groupBy == UsageGroupBy::Model ? e.model
                             : query.groupBy == UsageGroupBy::Key ? e.keyLabel
                                                                  : e.workspaceId;
        groups.add(key, b, ledgerValue(e, query.metric));
    }
    groups.finish(s, query.topGroups, [&](const QString& key) {
        switch (query.groupBy) {
        case UsageGroupBy::Model:
            return modelName(key);
        case UsageGroupBy::Key:
            return key.isEmpty() ? tr("(no key recorded)") : key;
        case UsageGroupBy::Workspace:
            if (const auto it = workspaceNames.constFind(key); it != workspaceNames.cend() && !it->isEmpty())
                return *it;
            return key.isEmpty() ? tr("(no workspace)") : tr("Removed workspace %1").arg(key.left(8));
        }
        return key;
    });
    computeTotals(s);
    return s;
}

UsageSeries UsageAggregator::fromActivity(const UsageQuery& query, const UsageWindow& window,
                                          const QList<ActivityRow>& rows)
{
    UsageSeries s = emptySeries(query, window, UsageSource::Gateway);
    s.groupBy = UsageGroupBy::Model;
    if (query.groupBy != UsageGroupBy::Model)
        s.note =
            tr("The gateway reports activity per model only, not per key or workspace: grouped by model.");
    GroupCollector groups(s.bucketCount());
    for (const ActivityRow& r : rows) {
        const int b = window.indexOfDay(r.date);
        if (b < 0)
            continue;
        const qint64 requests = activityCount(r.requests);
        const std::optional<double> usage = activityUsage(r);
        s.requests += requests;
        if (!usage)
            s.unpricedRequests += requests;
        double v = 0;
        switch (query.metric) {
        case UsageMetric::Cost:
            v = usage.value_or(0.0);
            break;
        case UsageMetric::Tokens:
            v = double(activityTokens(r));
            break;
        case UsageMetric::Requests:
            v = double(requests);
            break;
        }
        groups.add(r.model, b, v);
    }
    groups.finish(s, query.topGroups, modelName);
    computeTotals(s);
    return s;
}

UsageReconciliation UsageAggregator::reconcile(const UsageWindow& window, const QList<LedgerEntry>& entries,
                                               const QList<ActivityRow>& rows)
{
    UsageReconciliation rec;
    const QList<qint64> bounds = boundsOf(window);
    QMap<QPair<QDate, QString>, ReconciliationRow> byDayModel;
    for (const LedgerEntry& e : entries) {
        const int b = bucketOf(bounds, e.at.toMSecsSinceEpoch());
        if (b < 0)
            continue;
        if (!isBillable(e)) {
            ++rec.unbilledLedgerRows;
            continue;
        }
        const QDate day = window.buckets.at(b).start.date();
        ReconciliationRow& r = byDayModel[{day, e.model}];
        r.day = day;
        r.model = e.model;
        r.inLedger = true;
        r.ledger += UsageTotals{ledgerCost(e).value_or(0.0), 1, ledgerTokens(e)};
    }
    for (const ActivityRow& a : rows) {
        if (window.indexOfDay(a.date) < 0)
            continue;
        ReconciliationRow& r = byDayModel[{a.date, a.model}];
        r.day = a.date;
        r.model = a.model;
        r.onGateway = true;
        r.gateway +=
            UsageTotals{activityUsage(a).value_or(0.0), activityCount(a.requests), activityTokens(a)};
    }
    rec.rows = byDayModel.values();

    for (const UsageBucket& b : window.buckets) {
        ReconciliationDay d;
        d.day = b.start.date();
        rec.days.append(d);
    }
    for (const ReconciliationRow& r : std::as_const(rec.rows)) {
        ReconciliationDay& d = rec.days[window.indexOfDay(r.day)];
        d.ledger += r.ledger;
        d.gateway += r.gateway;
        if (r.onGateway && !r.inLedger)
            d.gatewayOnlyModels.append(modelName(r.model));
        if (r.inLedger && !r.onGateway)
            d.ledgerOnlyModels.append(modelName(r.model));
        rec.ledger += r.ledger;
        rec.gateway += r.gateway;
    }
    for (const ReconciliationDay& d : std::as_const(rec.days)) {
        const bool ledgerSide = d.ledger.requests > 0;
        const bool gatewaySide =
            d.gateway.requests > 0 || d.gateway.cost != 0 || !d.gatewayOnlyModels.isEmpty();
        if (gatewaySide && !ledgerSide)
            rec.gatewayOnlyDays.append(d.day);
        else if (ledgerSide && !gatewaySide)
            rec.ledgerOnlyDays.append(d.day);
    }
    return rec;
}

UsageSeries UsageAggregator::fromReconciliation(const UsageQuery& query, const UsageWindow& window,
                                                const UsageReconciliation& rec)
{
    UsageSeries s = emptySeries(query, window, UsageSource::Reconciled);
    s.groupBy = UsageGroupBy::Model;
    if (query.groupBy != UsageGroupBy::Model)
        s.note = tr("Reconciliation compares per day and model: the gateway cannot tell keys or workspaces "
                    "apart.");
    s.groups = {matchedGroupName(), gatewayOnlyGroupName(), ledgerOnlyGroupName()};
    s.values = QList<QList<double>>(3, QList<double>(s.bucketCount(), 0.0));
    for (const ReconciliationRow& r : rec.rows) {
        const int b = window.indexOfDay(r.day);
        if (b < 0)
            continue;
        const double l = r.ledger.value(query.metric);
        const double g = r.gateway.value(query.metric);
        const double both = qMin(l, g);
        s.values[0][b] += both;
        s.values[1][b] += g - both;
        s.values[2][b] += l - both;
        s.requests += qMax(r.ledger.requests, r.gateway.requests);
    }
    computeTotals(s);
    return s;
}

UsageWindow UsageAggregator::windowFor(const UsageQuery& query, const QDateTime& now, const QTimeZone& zone)
{
    return query.source == UsageSource::Ledger ? UsageWindow::forQuery(query, now, zone)
                                               : UsageWindow::utcDaysForQuery(query, now);
}

UsageSeries UsageAggregator::aggregate(const UsageQuery& query, const QDateTime& now, const QTimeZone& zone,
                                       const QList<LedgerEntry>& entries, const QList<ActivityRow>& activity,
                                       const QHash<QString, QString>& workspaceNames)
{
    const UsageWindow window = windowFor(query, now, zone);
    switch (query.source) {
    case UsageSource::Ledger:
        return fromLedger(query, window, entries, workspaceNames);
    case UsageSource::Gateway:
        return fromActivity(query, window, activity);
    case UsageSource::Reconciled:
        return fromReconciliation(query, window, reconcile(window, entries, activity));
    }
    return {};
}

} // namespace anyrouter
