// UsageReports: /activity and ledger reports of one workspace, fetched once observed.
#include "core/usage/UsageReports.h"

#include "core/AppContext.h"
#include "core/api/ApiClient.h"
#include "core/api/Clock.h"
#include "core/api/UsageService.h"
#include "core/storage/WorkspaceStore.h"
#include "core/usage/UsageLog.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"

#include <QPointer>

namespace anyrouter {

UsageReports::UsageReports(WorkspaceSession* session)
    : QObject(session), m_session(session), m_workspaceId(session->workspaceId()),
      m_workspaceName(session->workspace().name), m_zone(QTimeZone::systemTimeZone())
{
    connect(session, &WorkspaceSession::keysBecameReady, this, [this] {
        if (m_observed)
            fetchActivity(); // the keys were read (again): ask with them
    });
    connect(session, &WorkspaceSession::refreshRequested, this, &UsageReports::refresh);
    connect(session->context()->workspaces(), &WorkspaceManager::workspacesChanged, this, [this] {
        if (const auto ws = m_session->context()->workspaces()->find(m_workspaceId))
            m_workspaceName = ws->name;
        recompute(); // stacks by workspace show the names
    });
}

UsageReports::~UsageReports() = default; // m_job cancels the report on its way

void UsageReports::ensureLoaded()
{
    if (m_observed)
        return;
    m_observed = true;
    fetchActivity();
    recompute();
}

void UsageReports::setQuery(const UsageQuery& query)
{
    m_query = query;
    if (!m_observed) {
        ensureLoaded();
        return;
    }
    recompute();
}

void UsageReports::refresh()
{
    if (!m_observed)
        return;
    fetchActivity();
    recompute();
}

void UsageReports::setTimeZone(const QTimeZone& zone)
{
    if (zone == m_zone)
        return;
    m_zone = zone;
    recompute();
}

UsageSource UsageReports::effectiveSource() const
{
    return m_query.source != UsageSource::Ledger && !m_activityStatus.isReady() ? UsageSource::Ledger
                                                                                : m_query.source;
}

qint64 UsageReports::nowMs() const
{
    if (const Clock* clock = m_session->context()->workspaces()->client()->clock())
        return clock->nowMs();
    return QDateTime::currentMSecsSinceEpoch();
}

void UsageReports::fetchActivity()
{
    if (!m_observed || m_workspaceId.isEmpty())
        return;
    // Right after a switch the keys are still being read: that is not "no key"; keysBecameReady asks.
    if (!m_session->keysReady())
        return;
    delete m_activityRequest; // only the latest request counts: an earlier answer is dropped with it
    m_activityRequest = nullptr;
    WorkspaceManager* workspaces = m_session->context()->workspaces();
    const ApiClient* client = workspaces->client();
    if (!client->hasInferenceKey() && !client->hasManagementKey()) {
        m_activity.clear();
        setActivityStatus(EndpointStatus::noKey());
        recompute();
        return;
    }
    m_activityRequest = new QObject(this);
    QObject* request = m_activityRequest;
    setActivityStatus(EndpointStatus::loading());
    workspaces->usage()->fetchActivity(
        QDate(), request, [this, request](const Result<QList<ActivityRow>>& r) {
            m_activity = r.ok() ? r.value : QList<ActivityRow>();
            const EndpointStatus status = EndpointStatus::from(r);
            if (!status.isReady())
                qCInfo(lcUsage).noquote()
                    << "no gateway activity:" << EndpointStatus::stateName(status.state);
            m_activityRequest = nullptr;
            request->deleteLater();
            setActivityStatus(status);
            recompute();
        });
}

void UsageReports::setActivityStatus(const EndpointStatus& status)
{
    m_activityStatus = status;
    emit activityStatusChanged();
}

QHash<QString, QString> UsageReports::workspaceNames() const
{
    QHash<QString, QString> names;
    AppContext* context = m_session->context();
    if (WorkspaceStore* store = context->workspaceStore()) {
        for (const Workspace& w : store->list())
            names.insert(w.id, w.name);
    }
    for (const Workspace& w : context->workspaces()->workspaces())
        names.insert(w.id, w.name);
    return names;
}

void UsageReports::recompute()
{
    if (!m_observed)
        return;
    UsageWorker* worker = m_session->context()->usageWorker();
    if (!worker)
        return;
    UsageReportJob job;
    job.query = m_query;
    job.query.source = effectiveSource();
    job.now = QDateTime::fromMSecsSinceEpoch(nowMs(), QTimeZone::utc());
    job.zone = m_zone;
    job.names = workspaceNames();
    if (job.query.source != UsageSource::Ledger)
        job.activity = m_activity;
    // Without a workspace there is nothing to show: never fall back to every workspace's rows.
    job.readLedger = job.query.source != UsageSource::Gateway && !m_workspaceId.isEmpty();
    job.workspaceFilter = UsageAggregator::ledgerWorkspaceFilter(job.query, m_workspaceId);

    m_job.renew(); // a report still on its way answers an older query: drop it
    const CancelToken token = m_job.token();
    setBusy(true);
    worker->report(token, std::move(job), [self = QPointer<UsageReports>(this), token](UsageReport report) {
        DatabaseWorker::deliver(
            self, token, [report = std::move(report)](UsageReports* reports) { reports->apply(report); });
    });
}

void UsageReports::apply(const UsageReport& report)
{
    qCDebug(lcUsage) << "usage series:" << report.rows << "ledger rows, read" << report.readMs
                     << "ms, aggregated" << report.aggregateMs << "ms";
    if (!report.readError.isEmpty())
        qCWarning(lcUsage).noquote() << "could not read the usage ledger:" << report.readError;
    m_report = report;
    m_busy = false; // emitted after the report, so an observer of busyChanged sees the new one
    emit reportChanged();
    emit busyChanged();
}

void UsageReports::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

} // namespace anyrouter
