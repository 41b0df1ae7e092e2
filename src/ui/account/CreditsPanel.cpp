// CreditsPanel: the session's credits, the balance snapshots and the ledger into figures, a forecast,
// a trend chart and the low-balance banner.
#include "ui/account/CreditsPanel.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/api/Clock.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/Settings.h"
#include "core/storage/UsageLedger.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/common/EndpointStateView.h"
#include "ui/common/Format.h"
#include "ui/common/Palette.h"

#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDateTimeAxis>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QLabel* valueLabel(QWidget* parent, const QString& accessibleName)
{
    auto* l = new QLabel(parent);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    l->setWordWrap(true);
    l->setAccessibleName(accessibleName);
    return l;
}

QString money(double usd)
{
    return format::usd(usd);
}

QString localTime(const QDateTime& t, QLocale::FormatType format = QLocale::ShortFormat)
{
    return QLocale().toString(t.toLocalTime(), format);
}

} // namespace

CreditsPanel::CreditsPanel(AppContext* context, QWidget* parent)
    : QWidget(parent), m_context(context), m_clock(SystemClock::instance())
{
    setAccessibleName(tr("Credits"));
    auto* outer = new QVBoxLayout(this);

    auto* header = new QHBoxLayout;
    m_title = new QLabel(tr("Credits"), this);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    m_title->setFont(f);
    m_refreshButton = new QPushButton(tr("&Refresh"), this);
    m_refreshButton->setToolTip(tr("Read the balance from the gateway again"));
    header->addWidget(m_title, 1);
    header->addWidget(m_refreshButton);
    outer->addLayout(header);

    m_state = new EndpointStateView(tr("the credit balance"), u"/credits"_s, this);
    m_state->setAccessibleName(tr("Credits status"));
    m_state->setMessage(EndpointStatus::State::Unsupported, tr("This gateway does not report credits."));
    m_state->setMessage(EndpointStatus::State::Forbidden,
                        tr("This key cannot read the balance; add a management key (ak_…) to this "
                           "workspace in its settings."));
    // The gateway's own words say it all (its sentence already points at the workspace's settings).
    m_state->setMessage(EndpointStatus::State::Unauthorized, u"%1"_s);
    outer->addWidget(m_state);

    m_lowBanner = valueLabel(this, tr("Low balance warning"));
    m_lowBanner->setStyleSheet(
        u"QLabel { background: %1; color: %2; border: 1px solid %3;"
        " border-radius: 4px; padding: 6px; }"_s.arg(palette::color(palette::Role::BannerBackground).name(),
                                                     palette::color(palette::Role::BannerText).name(),
                                                     palette::color(palette::Role::BannerBorder).name()));
    m_lowBanner->hide();
    outer->addWidget(m_lowBanner);

    auto* top = new QHBoxLayout;
    auto* balanceBox = new QGroupBox(tr("Balance"), this);
    auto* form = new QFormLayout(balanceBox);
    m_balance = valueLabel(balanceBox, tr("Balance"));
    QFont big = m_balance->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_balance->setFont(big);
    m_totalCredits = valueLabel(balanceBox, tr("Total credits"));
    m_totalUsage = valueLabel(balanceBox, tr("Total usage"));
    m_updated = valueLabel(balanceBox, tr("Last reading"));
    form->addRow(tr("Balance:"), m_balance);
    form->addRow(tr("Total credits:"), m_totalCredits);
    form->addRow(tr("Total usage:"), m_totalUsage);
    form->addRow(tr("Last reading:"), m_updated);
    top->addWidget(balanceBox, 2);

    auto* forecastBox = new QGroupBox(tr("Forecast"), this);
    auto* forecastLayout = new QVBoxLayout(forecastBox);
    m_forecast = valueLabel(forecastBox, tr("Burn-rate forecast"));
    m_forecastSource = valueLabel(forecastBox, tr("Forecast source"));
    m_forecastSource->setStyleSheet(palette::textCss(palette::Role::Muted));
    forecastLayout->addWidget(m_forecast);
    forecastLayout->addWidget(m_forecastSource);
    forecastLayout->addStretch(1);
    auto* thresholdRow = new QHBoxLayout;
    auto* thresholdLabel = new QLabel(tr("&Warn when the balance falls below:"), forecastBox);
    m_threshold = new QDoubleSpinBox(forecastBox);
    m_threshold->setRange(0.0, 1'000'000.0);
    m_threshold->setDecimals(2);
    m_threshold->setSingleStep(1.0);
    m_threshold->setPrefix(u"$"_s);
    m_threshold->setSpecialValueText(tr("Off"));
    m_threshold->setAccelerated(true);
    m_threshold->setAccessibleName(tr("Low-balance threshold in US dollars"));
    m_threshold->setToolTip(tr("A balance below this amount shows a warning in the status bar. 0 turns the "
                               "warning off. Applies to every workspace."));
    m_threshold->setValue(m_context->settings() ? m_context->settings()->lowBalanceThreshold() : 1.0);
    thresholdLabel->setBuddy(m_threshold);
    thresholdRow->addWidget(thresholdLabel);
    thresholdRow->addWidget(m_threshold);
    thresholdRow->addStretch(1);
    forecastLayout->addLayout(thresholdRow);
    top->addWidget(forecastBox, 3);
    outer->addLayout(top);

    m_chartBox = new QGroupBox(
        tr("Balance over the last %1 days (readings kept on this computer)").arg(kChartDays), this);
    auto* chartLayout = new QVBoxLayout(m_chartBox);
    m_chartStack = new QStackedWidget(m_chartBox);
    auto* stack = m_chartStack;
    m_chart = new QChart;
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_series = new QLineSeries(m_chart);
    m_series->setName(tr("Balance"));
    m_series->setPointsVisible(true);
    QPen pen(palette::color(palette::Role::Accent));
    pen.setWidthF(2.0);
    m_series->setPen(pen);
    m_thresholdLine = new QLineSeries(m_chart);
    m_thresholdLine->setName(tr("Warning level"));
    QPen dashed(palette::color(palette::Role::Warning));
    dashed.setStyle(Qt::DashLine);
    dashed.setWidthF(1.5);
    m_thresholdLine->setPen(dashed);
    m_chart->addSeries(m_series);
    m_chart->addSeries(m_thresholdLine);
    m_axisX = new QDateTimeAxis(m_chart);
    m_axisX->setTickCount(6);
    m_axisY = new QValueAxis(m_chart);
    m_axisY->setLabelFormat(u"$%.2f"_s);
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    for (QLineSeries* s : {m_series, m_thresholdLine}) {
        s->attachAxis(m_axisX);
        s->attachAxis(m_axisY);
    }
    m_chartView = new QChartView(m_chart, stack);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(240);
    m_chartView->setAccessibleName(tr("Balance trend chart"));
    m_chartEmpty = new QLabel(stack);
    m_chartEmpty->setAlignment(Qt::AlignCenter);
    m_chartEmpty->setWordWrap(true);
    m_chartEmpty->setStyleSheet(palette::textCss(palette::Role::Muted));
    stack->addWidget(m_chartView);
    stack->addWidget(m_chartEmpty);
    chartLayout->addWidget(stack);
    outer->addWidget(m_chartBox, 1);

    connect(m_series, &QLineSeries::hovered, this, [this](const QPointF& point, bool state) {
        if (state)
            QToolTip::showText(QCursor::pos(), toolTipAt(point), m_chartView);
        else
            QToolTip::hideText();
    });
    connect(m_refreshButton, &QPushButton::clicked, this, &CreditsPanel::refresh);
    connect(m_state, &EndpointStateView::settingsRequested, this, &CreditsPanel::workspaceSettingsRequested);
    connect(m_state, &EndpointStateView::retryRequested, this, &CreditsPanel::refresh);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        // The value lives in Settings; the session's AccountStatus owns the rule and the warning.
        if (m_account)
            m_account->setLowBalanceThreshold(v);
        else if (m_context->settings())
            m_context->settings()->setLowBalanceThreshold(v);
        updateChart();
        updateLowBalance();
    });
    connect(context, &AppContext::sessionChanged, this, &CreditsPanel::bindSession);
    bindSession(context->session());
}

void CreditsPanel::setClock(Clock* clock)
{
    m_clock = clock ? clock : SystemClock::instance();
}

QDateTime CreditsPanel::now() const
{
    return QDateTime::fromMSecsSinceEpoch(m_clock->nowMs(), Qt::UTC);
}

std::optional<Credits> CreditsPanel::credits() const
{
    return m_account ? m_account->credits() : std::nullopt;
}

LowBalance CreditsPanel::lowBalance() const
{
    return m_account ? m_account->lowBalance() : LowBalance{};
}

QPushButton* CreditsPanel::settingsButton() const
{
    return m_state->settingsButton();
}

bool CreditsPanel::unavailable() const
{
    return m_account && m_account->creditsUnavailable();
}

QString CreditsPanel::balanceText() const
{
    return m_balance->text();
}

QString CreditsPanel::statusText() const
{
    return m_state->isHidden() ? QString() : m_state->text();
}

QString CreditsPanel::forecastText() const
{
    return m_forecast->text();
}

int CreditsPanel::chartPointCount() const
{
    return int(m_series->count());
}

void CreditsPanel::bindSession(WorkspaceSession* session)
{
    if (m_account)
        disconnect(m_account, nullptr, this, nullptr); // the old session is deleted right after this
    m_account = session ? session->account() : nullptr;
    m_workspaceId = session ? session->workspaceId() : QString();
    const QString name = session ? session->workspace().name : QString();
    m_title->setText(name.isEmpty() ? tr("Credits") : tr("Credits — %1").arg(name));
    if (m_account) {
        // The status bar's warning words amounts as this panel does.
        m_account->setMoneyFormatter(&money);
        connect(m_account, &AccountStatus::creditsChanged, this, &CreditsPanel::onCreditsChanged);
        connect(m_account, &AccountStatus::lowBalanceChanged, this, &CreditsPanel::updateLowBalance);
        connect(m_account, &AccountStatus::creditsRead, this, &CreditsPanel::refreshFinished);
    }
    onCreditsChanged();
}

void CreditsPanel::refresh()
{
    if (m_account)
        m_account->refreshCredits();
}

void CreditsPanel::onCreditsChanged()
{
    const EndpointStatus status = m_account ? m_account->creditsStatus() : EndpointStatus::idle();
    // Only problems are told in the state line; loading shows in the figures.
    m_state->setStatus(status.isProblem() ? status : EndpointStatus::ready());
    m_refreshButton->setEnabled(m_account && !m_account->isReadingCredits());
    updateFigures();
    reloadLocalData();
    if (m_account && !credits() && !status.isProblem())
        m_forecast->setText(tr("Waiting for the balance…")); // a forecast without it would say "unknown"
    updateLowBalance();
}

void CreditsPanel::updateFigures()
{
    const QString notReported = tr("not reported by this gateway");
    const std::optional<Credits> c = credits();
    if (!c) {
        const EndpointStatus status = m_account ? m_account->creditsStatus() : EndpointStatus::idle();
        if (!m_account) {
            m_balance->setText(tr("No workspace selected"));
        } else if (!status.isProblem()) {
            m_balance->setText(tr("Loading…"));
        } else {
            m_balance->setText(tr("—"));
        }
        const QString rest = status.isProblem() ? tr("—") : QString();
        for (QLabel* l : {m_totalCredits, m_totalUsage, m_updated})
            l->setText(rest);
        return;
    }
    m_balance->setText(c->balance ? money(*c->balance) : tr("—"));
    m_totalCredits->setText(c->totalCredits ? money(*c->totalCredits) : notReported);
    m_totalUsage->setText(c->totalUsage ? money(*c->totalUsage) : notReported);
    m_updated->setText(localTime(m_account->creditsReadAt()));
}

void CreditsPanel::reloadLocalData()
{
    m_readings.clear();
    BurnRate::Input in;
    const std::optional<Credits> current = credits();
    const QDateTime fetchedAt = current ? m_account->creditsReadAt() : QDateTime();
    const QDateTime t = fetchedAt.isValid() ? fetchedAt : now();
    BalanceHistory* history = m_context->balanceHistory();
    UsageLedger* ledger = m_context->ledger();
    if (!m_workspaceId.isEmpty() && history) {
        const QList<BalanceSnapshot> stored = history->list(m_workspaceId, t.addDays(-kChartDays), t);
        for (const BalanceSnapshot& s : stored)
            m_readings.append({s.at, s.balance, s.totalUsage});
        in.snapshots = stored;
        if (!stored.isEmpty())
            in.ledgerSince = stored.first().at;
    }
    if (current && fetchedAt.isValid() && (m_readings.isEmpty() || m_readings.last().at < fetchedAt)) {
        // Not stored (a snapshot is younger than 10 minutes), yet the freshest figure: show it.
        m_readings.append({fetchedAt, current->balance, current->totalUsage});
        in.snapshots.append({fetchedAt, current->balance, current->totalUsage});
    }
    if (!m_workspaceId.isEmpty() && ledger) {
        // Hourly sums, not rows: a busy week is tens of thousands of rows, and this runs on the GUI
        // thread after every credits reading.
        in.ledger = ledger->hourlyCosts(m_workspaceId, t.addDays(-BurnRate::kDefaultWindowDays), t);
        // The ledger's own history, not its first row inside the window: a quiet start of the week
        // must not shorten the span the spend is averaged over.
        const QDateTime first = ledger->firstEntryAt(m_workspaceId);
        if (first.isValid() && (!in.ledgerSince.isValid() || first < in.ledgerSince))
            in.ledgerSince = first;
        for (LedgerEntry& hour : in.ledger) { // the first hour starts at the first request, not before
            if (first.isValid() && hour.at < first)
                hour.at = first;
        }
    }
    // Without a current reading, an old snapshot's balance would pose as today's: no forecast from it.
    in.balance = current ? current->balance : std::nullopt;
    m_burn = BurnRate::compute(in, t);
    if (!current) {
        m_burn.daysLeft.reset();
        m_burn.balance.reset();
    }

    m_forecast->setText(m_burn.describe(&money));
    QString source;
    switch (m_burn.source) {
    case BurnRate::Source::TotalUsage:
        source = tr("From the gateway's total usage in the balance readings kept on this computer.");
        break;
    case BurnRate::Source::BalanceDrops:
        source = tr("From drops of the balance between readings; top-ups are not counted as spend.");
        break;
    case BurnRate::Source::Ledger:
        source = tr("From the costs of this app's own requests; spend by other clients is not included.");
        break;
    case BurnRate::Source::None:
        break;
    }
    m_forecastSource->setText(source);
    m_forecastSource->setVisible(!source.isEmpty());
    updateChart();
}

void CreditsPanel::updateChart()
{
    QList<QPointF> points;
    for (const Reading& r : std::as_const(m_readings)) {
        if (r.balance)
            points.append(QPointF(double(r.at.toMSecsSinceEpoch()), *r.balance));
    }
    m_series->replace(points);
    if (points.isEmpty()) {
        m_thresholdLine->clear();
        if (m_workspaceId.isEmpty())
            m_chartEmpty->setText(tr("No workspace selected."));
        else if (unavailable())
            m_chartEmpty->setText(
                tr("No balance readings for this workspace: its balance cannot be read (see "
                   "above)."));
        else
            m_chartEmpty->setText(
                tr("No balance readings kept yet for this workspace. Each time the balance is "
                   "read (at most every 10 minutes), a reading is kept here to draw the "
                   "trend."));
        m_chartStack->setCurrentWidget(m_chartEmpty);
        return;
    }
    m_chartStack->setCurrentWidget(m_chartView);

    double lo = points.first().y(), hi = lo;
    for (const QPointF& p : std::as_const(points)) {
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
    }
    qint64 first = qint64(points.first().x()), last = qint64(points.last().x());
    if (last - first < 3'600'000) {
        // One reading (or a few within an hour): give the line an hour either side to sit in.
        first -= 3'600'000;
        last += 3'600'000;
    } else {
        // A little room either side so the first and last dots are not cut by the plot edge.
        const qint64 room = (last - first) / 60;
        first -= room;
        last += room;
    }
    // The warning level is drawn when it is near the data; one far below would flatten the trend
    // into a line at the top of the chart.
    const double threshold = m_threshold->value();
    const bool showThreshold = threshold > 0 && threshold >= lo - (hi - lo) - 1.0;
    if (showThreshold) {
        m_thresholdLine->replace({QPointF(double(first), threshold), QPointF(double(last), threshold)});
        lo = std::min(lo, threshold);
        hi = std::max(hi, threshold);
    } else {
        m_thresholdLine->clear();
    }
    const auto markers = m_chart->legend()->markers(m_thresholdLine);
    for (QLegendMarker* m : markers)
        m->setVisible(showThreshold);

    const double span = hi - lo;
    const double pad = span < 0.01 ? std::max(std::abs(hi) * 0.1, 0.5) : span * 0.12;
    double yMin = lo - pad;
    if (lo >= 0 && yMin < 0)
        yMin = 0; // a balance that never went negative needs no negative axis
    m_axisY->setRange(yMin, hi + pad);
    m_axisY->applyNiceNumbers();

    const QDateTime from = QDateTime::fromMSecsSinceEpoch(first, Qt::UTC).toLocalTime();
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(last, Qt::UTC).toLocalTime();
    m_axisX->setFormat(from.daysTo(to) >= 2 ? u"MMM d"_s : u"MMM d hh:mm"_s);
    m_axisX->setTickCount(from.secsTo(to) >= 4 * 86400 ? 6 : 4);
    m_axisX->setRange(from, to);
}

QString CreditsPanel::toolTipAt(const QPointF& value) const
{
    const Reading* best = nullptr;
    double bestDistance = 0;
    for (const Reading& r : m_readings) {
        if (!r.balance)
            continue;
        const double d = std::abs(double(r.at.toMSecsSinceEpoch()) - value.x());
        if (!best || d < bestDistance) {
            best = &r;
            bestDistance = d;
        }
    }
    if (!best)
        return {};
    QString text = tr("%1\nBalance: %2").arg(localTime(best->at), money(*best->balance));
    if (best->totalUsage)
        text += tr("\nTotal usage: %1").arg(money(*best->totalUsage));
    return text;
}

void CreditsPanel::updateLowBalance()
{
    const LowBalance low = lowBalance();
    m_lowBanner->setText(low.message);
    m_lowBanner->setVisible(low.low);
}

} // namespace anyrouter
