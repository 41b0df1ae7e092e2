// UsagePanel: the usage charts of the account console. Cost, tokens or requests over the last 24 h
// (hourly), 7 d, 30 d or a custom range (daily), stacked by model, key or workspace, from this
// app's ledger, the gateway's /activity, or both reconciled. A stacked bar chart (hover shows exact
// values) over a table with the same numbers; a line says which source is shown and, when gateway
// data is missing, why. Exports CSV and PNG.
//
// A view over the selected workspace's UsageReports (WorkspaceSession::usage()): the controls set
// the reports' query, the reports fetch /activity and compute the series on the shared UsageWorker,
// and the panel draws what they hold. Nothing is asked while the panel was never shown; once shown
// it re-reads each time it comes into view (the ledger says nothing when a chat adds a row).
#pragma once

#include "core/api/EndpointState.h"
#include "core/domain/Account.h"
#include "core/usage/UsageAggregator.h"

#include <QPointer>
#include <QTimeZone>
#include <QWidget>

#include <optional>

class QBarSet;
class QChart;
class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QPushButton;
class QStackedBarSeries;
class QTableView;

namespace anyrouter {

class AppContext;
class EndpointStateView;
class UsageReports;
class UsageTableModel;
class WorkspaceSession;

class UsagePanel : public QWidget
{
    Q_OBJECT
public:
    // Observes `context`'s selected workspace session (and the next one on a switch).
    explicit UsagePanel(AppContext* context, QWidget* parent = nullptr);
    ~UsagePanel() override;

    // Asks the gateway for its activity again and re-reads the ledger (loads, the first time).
    void refresh();

    UsageQuery query() const;
    void setQuery(const UsageQuery& query); // sets the controls and recomputes

    // What the chart and table show right now.
    const UsageSeries& series() const { return m_series; }
    const std::optional<UsageReconciliation>& reconciliation() const { return m_reconciliation; }
    // The gateway's activity for this workspace: Idle until the panel is shown (or asked), then why
    // it is there or not.
    EndpointStatus activityStatus() const;
    QString sourceText() const;
    QString summaryText() const;
    bool isBusy() const;

    bool exportCsv(const QString& path);
    bool exportPng(const QString& path);

    // The zone ledger buckets are computed in (default: the system's; tests pin it).
    void setTimeZone(const QTimeZone& zone);
    QString hoverText() const { return m_hoverText; } // what the last bar hover showed

    QChartView* chartView() const { return m_chartView; }
    QStackedBarSeries* barSeries() const { return m_bars; }
    QTableView* tableView() const { return m_table; }
    UsageTableModel* tableModel() const { return m_model; }
    QComboBox* rangeBox() const { return m_range; }
    QComboBox* metricBox() const { return m_metric; }
    QComboBox* groupBox() const { return m_group; }
    QComboBox* sourceBox() const { return m_source; }
    QDateEdit* fromEdit() const { return m_from; }
    QDateEdit* toEdit() const { return m_to; }
    QLabel* sourceLabel() const { return m_sourceLabel; }
    // Why gateway activity is missing when a gateway source is chosen (hidden otherwise).
    EndpointStateView* stateView() const { return m_stateView; }
    QPushButton* exportCsvButton() const { return m_exportCsv; }
    QPushButton* exportPngButton() const { return m_exportPng; }

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void seriesUpdated();         // the chart and table show a new series
    void activityStatusChanged(); // activity arrived, or why it did not
    void workspaceSettingsRequested();
    void exported(const QString& path);
    void exportFailed(const QString& message);

private:
    void bindSession(WorkspaceSession* session);
    void onReportChanged();
    void rebuildChart();
    void updateTexts();
    void onBarHovered(QBarSet* set, bool status, int index);
    UsageSource effectiveSource() const;
    QString gatewayAbsentReason() const;
    void chooseCsvFile();
    void choosePngFile();

    QPointer<UsageReports> m_reports; // the selected workspace's; gone with its session
    QTimeZone m_zone;

    QComboBox* m_range;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QComboBox* m_metric;
    QComboBox* m_group;
    QComboBox* m_source;
    QPushButton* m_refresh;
    QPushButton* m_exportCsv;
    QPushButton* m_exportPng;
    QLabel* m_sourceLabel;
    QLabel* m_summaryLabel;
    QChart* m_chart;
    QChartView* m_chartView;
    QStackedBarSeries* m_bars = nullptr;
    QTableView* m_table;
    UsageTableModel* m_model;

    EndpointStateView* m_stateView;

    UsageSeries m_series;
    std::optional<UsageReconciliation> m_reconciliation;
    UsageQuery m_shownQuery; // the query m_series answers (the controls may have moved on)
    QString m_hoverText;
    bool m_readFailed = false;
};

} // namespace anyrouter
