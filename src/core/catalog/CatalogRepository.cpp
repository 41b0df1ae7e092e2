// CatalogRepository: cache-first loading, background refresh, change marks and the status line.
#include "core/catalog/CatalogRepository.h"

#include "core/api/CatalogService.h"
#include "core/api/Clock.h"
#include "core/catalog/CatalogLog.h"
#include "core/storage/CatalogCache.h"

#include <QCoreApplication>
#include <QLocale>
#include <QPointer>
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

CatalogRepository::CatalogRepository(const QString& workspaceId, CatalogService* service, CatalogCache* cache,
                                     CatalogWorker* worker, Clock* clock, QObject* parent)
    : QObject(parent), m_service(service), m_cache(cache), m_clock(clock), m_worker(worker),
      m_cancelled(std::make_shared<std::atomic<bool>>(false)), m_workspaceId(workspaceId)
{
    m_marksDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/catalog-marks"_s;
    if (!m_worker) {
        m_ownWorker = std::make_unique<CatalogWorker>(cache, cache ? cache->databasePath() : QString());
        m_worker = m_ownWorker.get();
    }
    m_snapshot.workspaceId = workspaceId;
}

CatalogRepository::~CatalogRepository()
{
    m_cancelled->store(true);
}

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
    if (m_clock)
        return m_clock->nowMs();
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

namespace {

// Runs `fn` on the GUI thread if the repository still lives then (see DatabaseWorker::deliver: a
// workspace switch may delete the repository at any moment). Called from the worker thread.
void postToRepository(const QPointer<CatalogRepository>& repository,
                      const std::shared_ptr<std::atomic<bool>>& cancelled,
                      std::function<void(CatalogRepository*)> fn)
{
    DatabaseWorker::deliver(repository, cancelled, std::move(fn));
}

} // namespace

CatalogWorker::Deliver CatalogRepository::deliver()
{
    return [self = QPointer<CatalogRepository>(this), cancelled = m_cancelled](CatalogSnapshot snapshot) {
        postToRepository(self, cancelled, [snapshot = std::move(snapshot)](CatalogRepository* repo) mutable {
            repo->show(std::move(snapshot));
        });
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

void CatalogRepository::loadCache()
{
    m_snapshot = CatalogSnapshot{};
    m_snapshot.workspaceId = m_workspaceId;
    m_loading = m_cache && !m_workspaceId.isEmpty();
    if (m_loading) {
        const auto unit =
            m_service ? m_service->anyRouterPriceUnit() : CatalogService::AnyRouterPriceUnit::Per1K;
        m_worker->load(m_cancelled, m_workspaceId, marksPath(m_workspaceId), unit, kHeadCount, deliver());
    }
    emit entriesChanged();
    emit statusChanged();
}

void CatalogRepository::load()
{
    m_refreshing = false;
    m_failed = false;
    m_unreachable = false;
    m_failure.clear();
    loadCache();
    refresh();
}

void CatalogRepository::refresh()
{
    if (!m_service || m_refreshing)
        return;
    if (m_workspaceId.isEmpty()) {
        emit statusChanged();
        return;
    }
    m_refreshing = true;
    emit statusChanged();
    const QString workspaceId = m_workspaceId;
    const auto unit = m_service->anyRouterPriceUnit();
    m_service->fetchModelsBody(this, [this, workspaceId, unit](const Result<QByteArray>& r) {
        if (!r.ok()) {
            m_unreachable = r.error.isUnreachable();
            qCInfo(lcCatalog) << "catalog refresh failed:" << ApiError::categoryName(r.error.category());
            finishRefresh(true,
                          r.unsupported ? tr("the gateway does not list models") : r.error.userMessage());
            return;
        }
        // Parsing, diffing and storing happen on the worker; it queues behind a cache load of the same
        // workspace, so the diff's baseline is the stored list, never a half-read one.
        const QDateTime fetchedAt = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
        const CatalogWorker::Deliver shown = deliver();
        m_worker->applyFetched(
            m_cancelled, workspaceId, r.value, fetchedAt, marksPath(workspaceId), unit,
            [self = QPointer<CatalogRepository>(this), cancelled = m_cancelled,
             shown](CatalogSnapshot snapshot) {
                shown(snapshot);
                postToRepository(self, cancelled,
                                 [](CatalogRepository* repo) { repo->finishRefresh(false, {}); });
            },
            [self = QPointer<CatalogRepository>(this), cancelled = m_cancelled](const QString& message) {
                postToRepository(self, cancelled, [message](CatalogRepository* repo) {
                    repo->m_unreachable = false;
                    repo->finishRefresh(true, message);
                });
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
