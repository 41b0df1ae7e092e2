// UsageReports: one workspace's usage figures, owned by its WorkspaceSession — the gateway's
// /activity (with an EndpointStatus saying why it is missing when it is), the report for the current
// UsageQuery (ledger read and aggregation on the shared UsageWorker), and the reconciliation of the
// two. Nothing is asked until something observes it (the Usage tab shown calls ensureLoaded() or
// setQuery()), so start-up asks nothing it does not show; then it re-reads on refresh() and when
// the keys are read again. Late answers need no bookkeeping: a reply or report for a deleted
// session dies with it, and a superseded query's job carries a cancelled token.
#pragma once

#include "core/api/EndpointState.h"
#include "core/domain/Account.h"
#include "core/usage/UsageWorker.h"

#include <QObject>
#include <QTimeZone>

#include <optional>

namespace anyrouter {

class WorkspaceSession;

class UsageReports : public QObject
{
    Q_OBJECT
public:
    // A child of `session` (it must outlive the reports); uses the session's AppContext for the
    // gateway, the ledger worker and the workspace names.
    explicit UsageReports(WorkspaceSession* session);
    ~UsageReports() override;

    // The first observer is here: asks the gateway for its activity (once the keys are ready) and
    // computes the report of the current query. Later calls do nothing.
    void ensureLoaded();
    bool isLoaded() const { return m_observed; }
    // Computes the report of `query` (and loads, if nothing did yet). A report still being computed
    // for an earlier query is dropped, queued or running.
    void setQuery(const UsageQuery& query);
    UsageQuery query() const { return m_query; }
    // Asks the gateway for its activity again and re-reads the ledger (F5, the tab shown again: the
    // ledger says nothing when a chat adds a row). Only once loaded.
    void refresh();
    // Re-reads the ledger for the current query (the activity stays). Only once loaded.
    void recompute();

    // The zone ledger buckets are computed in (default: the system's; tests pin it).
    void setTimeZone(const QTimeZone& zone);
    QTimeZone timeZone() const { return m_zone; }

    QString workspaceId() const { return m_workspaceId; }
    QString workspaceName() const { return m_workspaceName; }

    // The gateway's activity: Idle until loaded and the keys are read, then Loading, Ready or why not.
    EndpointStatus activityStatus() const { return m_activityStatus; }
    const QList<ActivityRow>& activity() const { return m_activity; }
    // The source a report of the current query uses: the one asked for, or the ledger while the
    // gateway's activity is not there.
    UsageSource effectiveSource() const;

    // The latest report (empty until the first one arrives).
    const UsageReport& report() const { return m_report; }
    const UsageSeries& series() const { return m_report.series; }
    const std::optional<UsageReconciliation>& reconciliation() const { return m_report.reconciliation; }
    bool readFailed() const { return !m_report.readError.isEmpty(); }
    // A report for the current query is being computed.
    bool isBusy() const { return m_busy; }

signals:
    void reportChanged();         // a new report arrived
    void activityStatusChanged(); // activity arrived, or why it did not
    void busyChanged();           // a report started or finished

private:
    void fetchActivity();
    void setActivityStatus(const EndpointStatus& status);
    void apply(const UsageReport& report);
    void setBusy(bool busy);
    QHash<QString, QString> workspaceNames() const;
    qint64 nowMs() const;

    WorkspaceSession* m_session;
    QString m_workspaceId;
    QString m_workspaceName;
    QTimeZone m_zone;
    UsageQuery m_query;
    bool m_observed = false;
    bool m_busy = false;

    EndpointStatus m_activityStatus;
    QList<ActivityRow> m_activity;
    QObject* m_activityRequest = nullptr; // the context of the /activity request on its way

    UsageReport m_report;
    CancelSource m_job; // renewed per report: only the latest query's report is delivered
};

} // namespace anyrouter
