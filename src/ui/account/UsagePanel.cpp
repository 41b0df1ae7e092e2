// UsagePanel: controls -> the session's UsageReports -> series -> chart, table and texts.
#include "ui/account/UsagePanel.h"

#include "core/AppContext.h"
#include "core/usage/UsageReports.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/account/UsageTableModel.h"
#include "ui/common/EndpointStateView.h"
#include "ui/common/Format.h"
#include "ui/common/Palette.h"

#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QCursor>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStackedBarSeries>
#include <QTableView>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QString metricTitle(UsageMetric m)
{
    switch (m) {
    case UsageMetric::Cost:
        return UsagePanel::tr("Cost (USD)");
    case UsageMetric::Tokens:
        return UsagePanel::tr("Tokens (prompt + completion)");
    case UsageMetric::Requests:
        return UsagePanel::tr("Requests");
    }
    return {};
}

QString groupTitle(UsageGroupBy g)
{
    switch (g) {
    case UsageGroupBy::Model:
        return UsagePanel::tr("model");
    case UsageGroupBy::Key:
        return UsagePanel::tr("key");
    case UsageGroupBy::Workspace:
        return UsagePanel::tr("workspace");
    }
    return {};
}

// A round axis maximum (1, 2, 2.5, 5 x 10^n) above the tallest stack.
double niceCeiling(double v)
{
    if (v <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (step * magnitude >= v * 1.0001)
            return step * magnitude;
    }
    return 10 * magnitude;
}

void addItems(QComboBox* box, const QList<QPair<QString, int>>& items)
{
    for (const auto& [text, value] : items)
        box->addItem(text, value);
}

void selectData(QComboBox* box, int value)
{
    const int i = box->findData(value);
    if (i >= 0)
        box->setCurrentIndex(i);
}

} // namespace

UsagePanel::UsagePanel(AppContext* context, QWidget* parent)
    : QWidget(parent), m_zone(QTimeZone::systemTimeZone())
{

    m_range = new QComboBox(this);
    addItems(m_range, {{tr("Last 24 hours"), int(UsageRange::Hours24)},
                       {tr("Last 7 days"), int(UsageRange::Days7)},
                       {tr("Last 30 days"), int(UsageRange::Days30)},
                       {tr("Custom…"), int(UsageRange::Custom)}});
    selectData(m_range, int(UsageRange::Days7));
    const QDate today = QDateTime::currentDateTimeUtc().toTimeZone(m_zone).date();
    m_from = new QDateEdit(today.addDays(-29), this);
    m_to = new QDateEdit(today, this);
    for (QDateEdit* e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(u"yyyy-MM-dd"_s);
        e->setVisible(false);
    }
    m_metric = new QComboBox(this);
    addItems(m_metric, {{tr("Cost"), int(UsageMetric::Cost)},
                        {tr("Tokens"), int(UsageMetric::Tokens)},
                        {tr("Requests"), int(UsageMetric::Requests)}});
    m_group = new QComboBox(this);
    addItems(m_group, {{tr("Model"), int(UsageGroupBy::Model)},
                       {tr("Key"), int(UsageGroupBy::Key)},
                       {tr("Workspace"), int(UsageGroupBy::Workspace)}});
    m_source = new QComboBox(this);
    addItems(m_source, {{tr("This app's ledger"), int(UsageSource::Ledger)},
                        {tr("Gateway activity"), int(UsageSource::Gateway)},
                        {tr("Reconciled"), int(UsageSource::Reconciled)}});
    m_source->setToolTip(tr("This app's ledger: every request AnyRouter Desktop made, on every gateway.\n"
                            "Gateway activity: what the gateway counted for the whole account, per day "
                            "and model, including other clients.\n"
                            "Reconciled: both side by side, per UTC day and model."));
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);
    m_exportPng = new QPushButton(tr("Export PNG…"), this);

    auto* controls = new QHBoxLayout;
    const auto labelled = [&](const QString& text, QWidget* w) {
        auto* l = new QLabel(text, this);
        l->setBuddy(w);
        controls->addWidget(l);
        controls->addWidget(w);
    };
    labelled(tr("&Range:"), m_range);
    controls->addWidget(m_from);
    controls->addWidget(m_to);
    labelled(tr("&Show:"), m_metric);
    labelled(tr("Stack &by:"), m_group);
    labelled(tr("S&ource:"), m_source);
    controls->addStretch(1);
    // The actions sit beside the source line, not in the controls row: with the custom range's two
    // date fields that row alone would widen the whole window past 1,100 px.
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_refresh);
    actions->addWidget(m_exportCsv);
    actions->addWidget(m_exportPng);

    m_sourceLabel = new QLabel(this);
    m_sourceLabel->setWordWrap(true);
    m_sourceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_chart = new QChart;
    // Beside the plot: model ids are long, and a legend below would cut them to "anthropic/cl…".
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_chart->legend()->setShowToolTips(true);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chartView = new QChartView(m_chart, this);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(320); // room for rotated day labels under 30 bars

    m_model = new UsageTableModel(this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->verticalHeader()->setDefaultAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chartView);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({420, 240});
    split->setChildrenCollapsible(false);

    m_stateView = new EndpointStateView(tr("the gateway's account activity"), u"/activity"_s, this);
    m_stateView->setMessage(EndpointStatus::State::Unsupported,
                            tr("This gateway does not offer account activity (/activity): the charts show "
                               "this app's ledger."));
    m_stateView->setMessage(EndpointStatus::State::Forbidden,
                            tr("The workspace's key may not read account activity (403). Add a management "
                               "key (ak_…) to the workspace to see it; the charts show this app's ledger."));
    m_stateView->setVisible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_stateView);
    auto* sourceRow = new QHBoxLayout;
    sourceRow->addWidget(m_sourceLabel, 1);
    sourceRow->addLayout(actions);
    layout->addLayout(sourceRow);
    layout->addWidget(split, 1);
    layout->addWidget(m_summaryLabel);

    const auto changed = [this] {
        const bool custom = m_range->currentData().toInt() == int(UsageRange::Custom);
        m_from->setVisible(custom);
        m_to->setVisible(custom);
        if (m_reports)
            m_reports->setQuery(query());
        updateTexts();
    };
    for (QComboBox* box : {m_range, m_metric, m_group, m_source})
        connect(box, &QComboBox::currentIndexChanged, this, changed);
    for (QDateEdit* e : {m_from, m_to})
        connect(e, &QDateEdit::dateChanged, this, changed);
    connect(m_refresh, &QPushButton::clicked, this, &UsagePanel::refresh);
    connect(m_exportCsv, &QPushButton::clicked, this, &UsagePanel::chooseCsvFile);
    connect(m_exportPng, &QPushButton::clicked, this, &UsagePanel::choosePngFile);
    connect(m_stateView, &EndpointStateView::retryRequested, this, &UsagePanel::refresh);
    connect(m_stateView, &EndpointStateView::settingsRequested, this,
            &UsagePanel::workspaceSettingsRequested);

    connect(context, &AppContext::sessionChanged, this, &UsagePanel::bindSession);
    bindSession(context->session());
}

UsagePanel::~UsagePanel() = default;

void UsagePanel::bindSession(WorkspaceSession* session)
{
    if (m_reports)
        disconnect(m_reports, nullptr, this, nullptr);
    m_reports = session ? session->usage() : nullptr;
    // Nothing from the previous workspace stays on screen.
    m_series = UsageSeries();
    m_reconciliation.reset();
    m_readFailed = false;
    m_shownQuery = query();
    m_model->setSeries(m_series);
    rebuildChart();
    if (m_reports) {
        connect(m_reports, &UsageReports::reportChanged, this, &UsagePanel::onReportChanged);
        connect(m_reports, &UsageReports::busyChanged, this, &UsagePanel::updateTexts);
        connect(m_reports, &UsageReports::activityStatusChanged, this, [this] {
            updateTexts();
            emit activityStatusChanged();
        });
        connect(m_reports, &UsageReports::destroyed, this, [this] { updateTexts(); });
        m_reports->setTimeZone(m_zone);
        if (isVisible())
            m_reports->setQuery(query()); // in view: the new workspace's figures at once
        else if (m_reports->isLoaded())
            onReportChanged();
    }
    updateTexts();
    emit activityStatusChanged();
}

void UsagePanel::setTimeZone(const QTimeZone& zone)
{
    m_zone = zone;
    if (m_reports)
        m_reports->setTimeZone(zone);
}

UsageQuery UsagePanel::query() const
{
    UsageQuery q;
    q.range = UsageRange(m_range->currentData().toInt());
    q.customFrom = m_from->date();
    q.customTo = m_to->date();
    q.metric = UsageMetric(m_metric->currentData().toInt());
    q.groupBy = UsageGroupBy(m_group->currentData().toInt());
    q.source = UsageSource(m_source->currentData().toInt());
    return q;
}

void UsagePanel::setQuery(const UsageQuery& q)
{
    {
        const QSignalBlocker b1(m_range), b2(m_from), b3(m_to), b4(m_metric), b5(m_group), b6(m_source);
        selectData(m_range, int(q.range));
        if (q.customFrom.isValid())
            m_from->setDate(q.customFrom);
        if (q.customTo.isValid())
            m_to->setDate(q.customTo);
        selectData(m_metric, int(q.metric));
        selectData(m_group, int(q.groupBy));
        selectData(m_source, int(q.source));
    }
    m_from->setVisible(q.range == UsageRange::Custom);
    m_to->setVisible(q.range == UsageRange::Custom);
    if (m_reports)
        m_reports->setQuery(query());
    updateTexts();
}

void UsagePanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh(); // the first look loads; later ones re-read (a chat may have added ledger rows)
}

void UsagePanel::refresh()
{
    if (!m_reports)
        return;
    if (!m_reports->isLoaded())
        m_reports->setQuery(query());
    else
        m_reports->refresh();
    updateTexts();
}

EndpointStatus UsagePanel::activityStatus() const
{
    return m_reports ? m_reports->activityStatus() : EndpointStatus::idle();
}

bool UsagePanel::isBusy() const
{
    return m_reports && m_reports->isBusy();
}

UsageSource UsagePanel::effectiveSource() const
{
    const UsageSource wanted = UsageSource(m_source->currentData().toInt());
    return wanted != UsageSource::Ledger && !activityStatus().isReady() ? UsageSource::Ledger : wanted;
}

QString UsagePanel::gatewayAbsentReason() const
{
    const EndpointStatus status = activityStatus();
    switch (status.state) {
    case EndpointStatus::State::Idle:
        return tr("the workspace's keys are not loaded yet");
    case EndpointStatus::State::Loading:
        return tr("asking the gateway for its activity…");
    case EndpointStatus::State::Ready:
        return {};
    case EndpointStatus::State::NoKey:
        return tr("the workspace has no key to ask the gateway with");
    case EndpointStatus::State::Unsupported:
        return tr("this gateway does not offer account activity (/activity)");
    case EndpointStatus::State::Forbidden:
        return tr("the workspace's key may not read account activity (403); add a management key (ak_…) "
                  "to the workspace to see it");
    default:
        return status.message(tr("the gateway's account activity"), u"/activity"_s);
    }
}

void UsagePanel::onReportChanged()
{
    if (!m_reports)
        return;
    const UsageReport& report = m_reports->report();
    m_readFailed = !report.readError.isEmpty();
    m_shownQuery = report.query;
    m_series = report.series;
    m_reconciliation = report.reconciliation;
    m_model->setSeries(m_series);
    m_table->resizeColumnsToContents();
    for (int c = 0; c < m_model->columnCount(); ++c)
        m_table->setColumnWidth(c, qMin(m_table->columnWidth(c), 240)); // the header tooltip has the rest
    m_table->scrollToBottom(); // the latest bucket (buckets run oldest first, like the chart)
    rebuildChart();
    updateTexts();
    emit seriesUpdated();
}

void UsagePanel::rebuildChart()
{
    m_chart->removeAllSeries(); // deletes the series and its sets
    m_bars = nullptr;
    const QList<QAbstractAxis*> axes = m_chart->axes();
    for (QAbstractAxis* axis : axes) {
        m_chart->removeAxis(axis);
        delete axis;
    }

    m_bars = new QStackedBarSeries;
    for (int g = 0; g < m_series.groupCount(); ++g) {
        auto* set = new QBarSet(m_series.groups.at(g));
        for (int b = 0; b < m_series.bucketCount(); ++b)
            set->append(m_series.value(g, b));
        if (g == m_series.otherGroup)
            set->setColor(palette::color(palette::Role::Unknown, this->palette()));
        connect(set, &QBarSet::hovered, this,
                [this, set](bool status, int index) { onBarHovered(set, status, index); });
        m_bars->append(set);
    }
    m_bars->setBarWidth(0.8);
    m_chart->addSeries(m_bars);

    // A value axis with labels on chosen bars, not a QBarCategoryAxis: that one labels every bar,
    // and with 24-30 bars it elides each label to "…". About a dozen labels stay readable unrotated.
    auto* x = new QCategoryAxis;
    const int n = m_series.bucketCount();
    const int step = qMax(1, (n + 11) / 12);
    x->setStartValue(-0.5);
    x->setRange(-0.5, qMax(0, n) - 0.5);
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    QSet<QString> used; // labels are keys: a repeated hour (DST fall-back) stays unlabelled
    for (int b = 0; b < n; b += step) {
        const QString label = UsageTableModel::bucketLabel(m_series, b, true);
        if (!used.contains(label)) {
            used.insert(label);
            x->append(label, b);
        }
    }
    x->setGridLineVisible(false);
    m_chart->addAxis(x, Qt::AlignBottom);
    m_bars->attachAxis(x);

    auto* y = new QValueAxis;
    double top = 0;
    for (double t : std::as_const(m_series.bucketTotals))
        top = qMax(top, t);
    const double ceiling =
        m_series.metric == UsageMetric::Cost ? niceCeiling(top) : qMax(5.0, niceCeiling(top));
    y->setRange(0, ceiling);
    y->setTickCount(6);
    if (m_series.metric == UsageMetric::Cost) {
        // Enough decimals to tell the ticks apart ($0.04, $0.0005), never fewer than cents.
        const double interval = ceiling / 5;
        const int decimals = qMax(2, int(std::ceil(-std::log10(interval) - 1e-9)));
        y->setLabelFormat(u"$%.%1f"_s.arg(decimals));
    } else {
        y->setLabelFormat(u"%.0f"_s);
    }
    y->setTitleText(m_series.metric == UsageMetric::Cost     ? tr("USD")
                    : m_series.metric == UsageMetric::Tokens ? tr("Tokens")
                                                             : tr("Requests"));
    m_chart->addAxis(y, Qt::AlignLeft);
    m_bars->attachAxis(y);

    m_chart->legend()->setVisible(m_series.groupCount() > 0);
    QString title = m_series.source == UsageSource::Reconciled
                        ? tr("%1: this app's ledger vs the gateway").arg(metricTitle(m_series.metric))
                        : tr("%1 by %2").arg(metricTitle(m_series.metric), groupTitle(m_series.groupBy));
    if (m_series.total == 0)
        title = tr("No usage in this range");
    m_chart->setTitle(title);
}

void UsagePanel::onBarHovered(QBarSet* set, bool status, int index)
{
    if (!m_bars || !status) {
        QToolTip::hideText();
        return;
    }
    const int group = int(m_bars->barSets().indexOf(set));
    if (group < 0 || index < 0 || index >= m_series.bucketCount())
        return;
    const double value = m_series.value(group, index);
    const double bucketTotal = m_series.bucketTotals.at(index);
    const QString share =
        bucketTotal > 0 ? QLocale().toString(100.0 * value / bucketTotal, 'f', 1) + u'%' : QString(u"—"_s);
    m_hoverText = tr("%1\n%2: %3 (%4 of this %5)\nTotal for this %5: %6")
                      .arg(m_series.groups.at(group), UsageTableModel::bucketLabel(m_series, index, false),
                           UsageTableModel::formatValue(value, m_series.metric), share,
                           m_series.window.granularity == UsageGranularity::Hour ? tr("hour") : tr("day"),
                           UsageTableModel::formatValue(bucketTotal, m_series.metric));
    QToolTip::showText(QCursor::pos(), m_hoverText, m_chartView);
}

QString UsagePanel::sourceText() const
{
    if (!m_reports)
        return tr("No workspace is selected.");
    const QString workspaceName = m_reports->workspaceName();
    const UsageSource wanted = UsageSource(m_source->currentData().toInt());
    const UsageSource shown = effectiveSource();
    QString text;
    switch (shown) {
    case UsageSource::Ledger:
        text = m_group->currentData().toInt() == int(UsageGroupBy::Workspace)
                   ? tr("Source: this app's ledger — the requests AnyRouter Desktop made, in all workspaces.")
                   : tr("Source: this app's ledger — the requests AnyRouter Desktop made in workspace “%1”.")
                         .arg(workspaceName);
        if (wanted != UsageSource::Ledger)
            text = tr("Gateway activity is not shown: %1. Showing this app's ledger instead.")
                       .arg(gatewayAbsentReason()) +
                   u' ' + text;
        break;
    case UsageSource::Gateway:
        text = tr("Source: the gateway's activity for the account behind workspace “%1”, per UTC day and "
                  "model. It counts requests from every client that uses this account, not only this app.")
                   .arg(workspaceName);
        break;
    case UsageSource::Reconciled:
        text =
            tr("Source: this app's ledger (workspace “%1”) reconciled with the gateway's activity, per UTC "
               "day and model. Requests made from other clients with the same account show up only on the "
               "gateway side.")
                .arg(workspaceName);
        break;
    }
    if (shown != UsageSource::Ledger && m_range->currentData().toInt() == int(UsageRange::Hours24))
        text +=
            u' ' + tr("The gateway counts whole days, so the last 24 hours show as the UTC days they touch.");
    if (!m_series.note.isEmpty() && m_shownQuery.source == shown)
        text += u' ' + m_series.note;
    if (isBusy())
        text += u' ' + tr("Updating…");
    return text;
}

QString UsagePanel::summaryText() const
{
    if (m_readFailed)
        return tr("The usage ledger could not be read; see the log for details.");
    const auto money = [](double v) { return format::usd(v); };
    const auto count = [](qint64 n) { return QLocale().toString(n); };
    QStringList parts;
    if (m_series.source == UsageSource::Reconciled && m_reconciliation) {
        const UsageReconciliation& r = *m_reconciliation;
        const UsageTotals diff = r.difference();
        QString gap;
        if (diff.requests > 0 || (diff.requests == 0 && diff.cost > 0))
            gap = tr("the difference (%1, %2 requests) is requests from other clients or not yet reconciled.")
                      .arg(money(diff.cost), count(diff.requests));
        else if (diff.requests < 0 || diff.cost < 0)
            gap = tr("this app recorded %1 and %2 requests more: requests the gateway has not counted yet, "
                     "failed ones it did not bill, or requests sent with this workspace to another gateway.")
                      .arg(money(-diff.cost), count(-diff.requests));
        else
            gap = tr("the two agree.");
        parts.append(tr("Gateway reports %1 over %2 requests; this app recorded %3 over %4; %5")
                         .arg(money(r.gateway.cost), count(r.gateway.requests), money(r.ledger.cost),
                              count(r.ledger.requests), gap));
        const auto dayList = [](const QList<QDate>& list) {
            constexpr int kShown = 5;
            QStringList days;
            for (qsizetype i = 0; i < list.size() && i < kShown; ++i)
                days.append(QLocale().toString(list.at(i), u"d MMM"_s));
            QString text = days.join(u", "_s);
            if (list.size() == kShown + 1)
                text += u' ' + tr("and 1 more day");
            else if (list.size() > kShown + 1)
                text += u' ' + tr("and %1 more days").arg(list.size() - kShown);
            return text;
        };
        if (!r.gatewayOnlyDays.isEmpty())
            parts.append(tr("Only on the gateway: %1.").arg(dayList(r.gatewayOnlyDays)));
        if (!r.ledgerOnlyDays.isEmpty())
            parts.append(tr("Only in this app's ledger: %1.").arg(dayList(r.ledgerOnlyDays)));
        if (r.unbilledLedgerRows == 1)
            parts.append(tr("1 failed request without tokens is left out."));
        else if (r.unbilledLedgerRows > 1)
            parts.append(
                tr("%1 failed requests without tokens are left out.").arg(count(r.unbilledLedgerRows)));
        return parts.join(u' ');
    }
    const QString total = UsageTableModel::formatValue(m_series.total, m_series.metric);
    if (m_series.failedRequests > 0)
        parts.append(tr("Total: %1 over %2 requests (%3 failed or cancelled).")
                         .arg(total, count(m_series.requests), count(m_series.failedRequests)));
    else
        parts.append(tr("Total: %1 over %2 requests.").arg(total, count(m_series.requests)));
    if (m_series.metric == UsageMetric::Cost && m_series.unpricedRequests == 1)
        parts.append(tr("1 request has no known cost and counts as $0."));
    else if (m_series.metric == UsageMetric::Cost && m_series.unpricedRequests > 1)
        parts.append(
            tr("%1 requests have no known cost and count as $0.").arg(count(m_series.unpricedRequests)));
    return parts.join(u' ');
}

void UsagePanel::updateTexts()
{
    // The reason gateway figures are missing gets the shared state widget (with the way to fix it)
    // while a gateway source is chosen; the ledger alone needs no gateway.
    const EndpointStatus status = activityStatus();
    const bool wantsGateway = m_source->currentData().toInt() != int(UsageSource::Ledger);
    m_stateView->setStatus(status);
    m_stateView->setVisible(wantsGateway && m_reports && status.isProblem());
    m_sourceLabel->setText(sourceText());
    m_summaryLabel->setText(summaryText());
    m_exportCsv->setEnabled(m_series.bucketCount() > 0);
}

bool UsagePanel::exportCsv(const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toCsv(m_series)) < 0 || !file.commit()) {
        emit exportFailed(
            tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return false;
    }
    emit exported(path);
    return true;
}

bool UsagePanel::exportPng(const QString& path)
{
    // A chart rebuilt moments ago lays itself out on posted events; without them the picture would
    // show the previous series' axes and title.
    QCoreApplication::sendPostedEvents();
    const QPixmap pixmap = m_chartView->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        emit exportFailed(tr("Could not write %1.").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    emit exported(path);
    return true;
}

void UsagePanel::chooseCsvFile()
{
    auto* dialog = new QFileDialog(this, tr("Export usage as CSV"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilter(tr("CSV files (*.csv)"));
    dialog->setDefaultSuffix(u"csv"_s);
    dialog->selectFile(u"anyrouter-usage-%1.csv"_s.arg(UsageSeries::metricColumn(m_series.metric)));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        if (!exportCsv(path)) {
            auto* box = new QMessageBox(
                QMessageBox::Warning, tr("Export CSV"),
                tr("The usage table could not be saved to %1.").arg(QDir::toNativeSeparators(path)),
                QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
    });
    dialog->open();
}

void UsagePanel::choosePngFile()
{
    auto* dialog = new QFileDialog(this, tr("Export chart as PNG"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilter(tr("PNG images (*.png)"));
    dialog->setDefaultSuffix(u"png"_s);
    dialog->selectFile(u"anyrouter-usage-%1.png"_s.arg(UsageSeries::metricColumn(m_series.metric)));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        if (!exportPng(path)) {
            auto* box =
                new QMessageBox(QMessageBox::Warning, tr("Export PNG"),
                                tr("The chart could not be saved to %1.").arg(QDir::toNativeSeparators(path)),
                                QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
    });
    dialog->open();
}

} // namespace anyrouter
