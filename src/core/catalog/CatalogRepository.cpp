// CatalogRepository: cache-first loading, background refresh, change marks and the status line.
#include "core/catalog/CatalogRepository.h"

#include "core/api/CatalogService.h"
#include "core/catalog/CatalogLog.h"
#include "core/storage/CatalogCache.h"
#include "core/workspace/WorkspaceManager.h"

#include <QLocale>
#include <QStandardPaths>
#include <QUrl>

#include <algorithm>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QString describeAge(qint64 ageMs)
{
    const qint64 minutes = std::max<qint64>(0, ageMs) / 60'000;
    if (minutes < 1)
        return CatalogRepository::tr("just now");
    if (minutes < 60)
        return CatalogRepository::tr("%n min ago", nullptr, int(minutes));
    const qint64 hours = minutes / 60;
    if (hours < 48)
        return CatalogRepository::tr("%n h ago", nullptr, int(hours));
    return CatalogRepository::tr("%n days ago", nullptr, int(hours / 24));
}

} // namespace

namespace {
// The first screenful (and some): enough for the table to paint real rows while the rest parses.
constexpr qsizetype kHeadCount = 150;
} // namespace

CatalogRepository::CatalogRepository(WorkspaceManager* workspaces, CatalogCache* cache, QObject* parent)
    : QObject(parent), m_workspaces(workspaces), m_cache(cache),
      m_worker(std::make_unique<CatalogWorker>(cache, cache ? cache->databasePath() : QString()))
{
    m_marksDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/catalog-marks"_s;
    if (m_workspaces) {
        // Keys arrive asynchronously after a workspace switch; a refresh before that would only fail.
        connect(m_workspaces, &WorkspaceManager::keysReady, this, [this](const Workspace& ws) {
            if (ws.id == m_workspaceId && !m_refreshing)
                refresh();
        });
    }
}

CatalogRepository::~CatalogRepository() = default;

const QList<CatalogEntry>& CatalogRepository::entries() const
{
    return m_snapshot.entries;
}

QDateTime CatalogRepository::fetchedAt() const
{
    return m_snapshot.fetchedAt;
}

bool CatalogRepository::isRefreshing() const
{
    return m_refreshing;
}

bool CatalogRepository::lastRefreshFailed() const
{
    return m_failed;
}

qint64 CatalogRepository::nowMs() const
{
    if (m_workspaces && m_workspaces->client() && m_workspaces->client()->clock())
        return m_workspaces->client()->clock()->nowMs();
    return QDateTime::currentMSecsSinceEpoch();
}

QString CatalogRepository::statusText() const
{
    if (m_workspaceId.isEmpty())
        return tr("No workspace selected");
    const QDateTime fetched = m_snapshot.fetchedAt;
    const bool haveData = fetched.isValid();
    const QDateTime local = fetched.toLocalTime();
    const QString when = local.date() == QDateTime::fromMSecsSinceEpoch(nowMs()).toLocalTime().date()
                             ? QLocale().toString(local.time(), QLocale::ShortFormat)
                             : QLocale().toString(local, QLocale::ShortFormat);
    if (m_loading && !m_snapshot.complete)
        return tr("Reading the stored catalog… %1 of %2 models")
            .arg(QLocale().toString(m_snapshot.entries.size()), QLocale().toString(m_snapshot.totalCount));
    if (m_refreshing)
        return haveData ? tr("Refreshing… (catalog from %1)").arg(when) : tr("Loading the catalog…");
    if (m_failed) {
        const QString reason =
            m_unreachable ? tr("Gateway unreachable") : tr("Refresh failed: %1").arg(m_failure);
        if (haveData)
            return tr("%1 — showing the catalog from %2").arg(reason, when);
        return m_loading ? tr("%1 — reading the stored catalog…").arg(reason)
                         : tr("%1 — no stored catalog yet").arg(reason);
    }
    if (m_loading)
        return tr("Reading the stored catalog…");
    if (!haveData)
        return tr("No catalog yet");
    return tr("Updated %1").arg(describeAge(nowMs() - fetched.toMSecsSinceEpoch()));
}

std::optional<CatalogEntry> CatalogRepository::find(const QString& id) const
{
    const auto it = m_snapshot.index.constFind(id);
    if (it == m_snapshot.index.constEnd())
        return std::nullopt;
    return m_snapshot.entries.at(*it);
}

QStringList CatalogRepository::providers() const
{
    return m_snapshot.providers;
}

QStringList CatalogRepository::capabilities() const
{
    return m_snapshot.capabilities;
}

QStringList CatalogRepository::modalities() const
{
    return m_snapshot.modalities;
}

void CatalogRepository::setMarksDirectory(const QString& dir)
{
    m_marksDir = dir;
}

QString CatalogRepository::marksDirectory() const
{
    return m_marksDir;
}

CatalogWorker::Deliver CatalogRepository::deliverTo(quint64 generation)
{
    return [this, generation](CatalogSnapshot snapshot) {
        // Queued to this object's thread; dropped by Qt if the repository is gone by then.
        QMetaObject::invokeMethod(
            this,
            [this, generation, snapshot = std::move(snapshot)]() mutable {
                if (generation != m_generation || snapshot.workspaceId != m_workspaceId)
                    return; // for a workspace or a load no longer shown
                show(std::move(snapshot));
            },
            Qt::QueuedConnection);
    };
}

void CatalogRepository::show(CatalogSnapshot snapshot)
{
    // A head arriving after the full list (cannot happen in order, but cheap to rule out) is ignored.
    if (!snapshot.complete && m_snapshot.complete && m_snapshot.workspaceId == snapshot.workspaceId &&
        !m_loading)
        return;
    if (snapshot.complete)
        m_loading = false;
    const bool nothingToRedraw = m_snapshot.entries.isEmpty() && snapshot.entries.isEmpty(); // no cache yet
    m_snapshot = std::move(snapshot);
    if (!nothingToRedraw)
        emit entriesChanged();
    emit statusChanged();
}

void CatalogRepository::loadCache(const QString& workspaceId)
{
    ++m_generation; // a reply or a load still on its way belongs to what was shown before
    m_worker->setGeneration(m_generation);
    m_workspaceId = workspaceId;
    m_snapshot = CatalogSnapshot{};
    m_snapshot.workspaceId = workspaceId;
    m_loading = m_cache && !workspaceId.isEmpty();
    if (m_loading) {
        const auto unit = m_workspaces ? m_workspaces->catalog()->anyRouterPriceUnit()
                                       : CatalogService::AnyRouterPriceUnit::Per1K;
        m_worker->load(m_generation, workspaceId, marksPath(workspaceId), unit, kHeadCount,
                       deliverTo(m_generation));
    }
}

void CatalogRepository::loadForCurrentWorkspace()
{
    m_refreshing = false;
    m_failed = false;
    m_unreachable = false;
    m_failure.clear();
    loadCache(m_workspaces ? m_workspaces->current().id : QString());
    emit entriesChanged();
    emit statusChanged();
    refresh();
}

void CatalogRepository::refresh()
{
    if (!m_workspaces || m_refreshing)
        return;
    const QString workspaceId = m_workspaces->current().id;
    if (workspaceId.isEmpty()) {
        emit statusChanged();
        return;
    }
    if (workspaceId != m_workspaceId) {
        // The workspace changed under us: show its cache before its live list.
        loadCache(workspaceId);
        emit entriesChanged();
    }
    m_refreshing = true;
    emit statusChanged();
    const quint64 generation = m_generation;
    const auto unit = m_workspaces->catalog()->anyRouterPriceUnit();
    m_workspaces->catalog()->fetchModelsBody(
        this, [this, generation, workspaceId, unit](const Result<QByteArray>& r) {
            if (generation != m_generation || workspaceId != m_workspaceId)
                return; // late answer for a workspace no longer shown
            if (!r.ok()) {
                m_unreachable = r.error.isUnreachable();
                qCInfo(lcCatalog) << "catalog refresh failed:" << ApiError::categoryName(r.error.category());
                finishRefresh(true,
                              r.unsupported ? tr("the gateway does not list models") : r.error.userMessage());
                return;
            }
            // Parsing, diffing and storing happen on the worker; it queues behind a cache load of
            // the same workspace, so the diff's baseline is the stored list, never a half-read one.
            const QDateTime fetchedAt = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
            const CatalogWorker::Deliver shown = deliverTo(generation);
            m_worker->applyFetched(
                generation, workspaceId, r.value, fetchedAt, marksPath(workspaceId), unit,
                [this, shown, generation](CatalogSnapshot snapshot) {
                    shown(snapshot);
                    QMetaObject::invokeMethod(
                        this,
                        [this, generation] {
                            if (generation == m_generation)
                                finishRefresh(false, {});
                        },
                        Qt::QueuedConnection);
                },
                [this, generation](const QString& message) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, generation, message] {
                            if (generation != m_generation)
                                return;
                            m_unreachable = false;
                            finishRefresh(true, message);
                        },
                        Qt::QueuedConnection);
                });
        });
}

void CatalogRepository::finishRefresh(bool failed, const QString& failure)
{
    m_refreshing = false;
    m_failed = failed;
    m_failure = failure;
    if (!failed)
        m_unreachable = false;
    emit statusChanged();
}

QString CatalogRepository::marksPath(const QString& workspaceId) const
{
    // Workspace ids are ours (uuids, "demo", "env"), but percent-encoding keeps any id a safe file name.
    return m_marksDir + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(workspaceId)) + u".json"_s;
}

} // namespace anyrouter
