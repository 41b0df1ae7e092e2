// UsagePanel: the usage charts of the account console. Cost, tokens or requests over the last 24 h
// (hourly), 7 d, 30 d or a custom range (daily), stacked by model, key or workspace, from this
// app's ledger, the gateway's /activity, or both reconciled. A stacked bar chart (hover shows exact
// values) over a table with the same numbers; a line says which source is shown and, when gateway
// data is missing, why. Exports CSV and PNG.
//
// A month of ledger rows can reach tens of thousands (measured for 50k in a release build: about
// 0.3 s to read, 10-30 ms to aggregate), so reading and aggregating run on a worker thread with its
// own database connection when setLedgerDatabasePath() was given; without it the rows are read on the
// GUI thread through the UsageLedger and only the aggregation runs on the worker.
#pragma once

#include "core/domain/Account.h"
#include "core/domain/Workspace.h"
#include "core/storage/UsageLedger.h"
#include "core/usage/UsageAggregator.h"

#include <QThreadPool>
#include <QTimeZone>
#include <QWidget>

#include <functional>
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

class ApiError;
class UsageTableModel;
class WorkspaceManager;
class WorkspaceStore;

class UsagePanel : public QWidget
{
    Q_OBJECT
public:
    enum class GatewayState
    {
        NotLoaded,   // no workspace, or keys not read yet
        Loading,     // /activity request in flight
        Loaded,      // activity rows available
        NoKey,       // the workspace has no key to ask with
        Unsupported, // the gateway answers 404/405/501 on /activity
        Forbidden,   // 403: the key lacks the management permission
        Failed       // any other error
    };
    Q_ENUM(GatewayState)

    UsagePanel(WorkspaceManager* workspaces, UsageLedger* ledger, WorkspaceStore* store,
               QWidget* parent = nullptr);
    ~UsagePanel() override;

    // Re-reads the ledger and asks the gateway for its activity again.
    void refresh();
    // The database file behind the ledger: ledger rows are then read on a worker thread through a
    // connection of its own (SQLite in WAL mode lets it read while the GUI thread writes).
    void setLedgerDatabasePath(const QString& path);
    // On: the panel fetches the gateway's activity only while shown, and re-reads everything each
    // time it comes into view (the ledger says nothing when a chat adds a row). The account page is
    // built at start-up and mostly unseen; tests leave it off.
    void setDeferredWhileHidden(bool on) { m_deferWhileHidden = on; }

    UsageQuery query() const;
    void setQuery(const UsageQuery& query); // sets the controls and recomputes

    // What the chart and table show right now.
    const UsageSeries& series() const { return m_series; }
    const std::optional<UsageReconciliation>& reconciliation() const { return m_reconciliation; }
    GatewayState gatewayState() const { return m_gatewayState; }
    QString sourceText() const;
    QString summaryText() const;
    bool isBusy() const { return m_running; }

    bool exportCsv(const QString& path);
    bool exportPng(const QString& path);

    // Test seams: the clock and zone the buckets are computed in (default: now, the system zone).
    void setClock(std::function<QDateTime()> now);
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
    QPushButton* exportCsvButton() const { return m_exportCsv; }
    QPushButton* exportPngButton() const { return m_exportPng; }

protected:
    void showEvent(QShowEvent* event) override;

signals:
    void seriesUpdated();       // the chart and table show a new series
    void gatewayStateChanged(); // activity arrived, or why it did not
    void exported(const QString& path);
    void exportFailed(const QString& message);

private:
    struct Job;
    struct JobResult;
    static JobResult runJob(const Job& job);

    void onWorkspaceChanged(const Workspace& ws);
    void fetchActivity();
    void setGatewayState(GatewayState state, const QString& reason = {});
    void recompute();
    void startJob();
    void applyResult(quint64 generation, const JobResult& result);
    void rebuildChart();
    void updateTexts();
    void onBarHovered(QBarSet* set, bool status, int index);
    QHash<QString, QString> workspaceNames() const;
    UsageSource effectiveSource() const;
    QString gatewayAbsentReason() const;
    void chooseCsvFile();
    void choosePngFile();

    WorkspaceManager* m_workspaces;
    UsageLedger* m_ledger;
    WorkspaceStore* m_store;
    QString m_databasePath;
    std::function<QDateTime()> m_now;
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

    QString m_workspaceId;
    QString m_workspaceName;
    QList<ActivityRow> m_activity;
    GatewayState m_gatewayState = GatewayState::NotLoaded;
    QString m_gatewayError;
    quint64 m_activityGeneration = 0; // late /activity answers for another workspace are dropped

    UsageSeries m_series;
    std::optional<UsageReconciliation> m_reconciliation;
    UsageQuery m_shownQuery; // the query m_series answers (the controls may have moved on)
    QString m_hoverText;
    quint64 m_jobGeneration = 0;
    bool m_deferWhileHidden = false;
    bool m_running = false;
    bool m_rerun = false;
    bool m_readFailed = false;
    QThreadPool m_pool; // one worker: a newer request waits for (and supersedes) the running one
};

} // namespace anyrouter
