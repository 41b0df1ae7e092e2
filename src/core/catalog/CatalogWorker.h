// CatalogWorker: the heavy half of the catalog — reading and parsing thousands of cached models,
// parsing a fresh /models body, diffing it against the previous list, writing the cache and the change
// marks — on a DatabaseWorker (a thread of its own with its own database connection). The GUI thread
// only swaps in finished snapshots (a 10,000-model catalog takes ~250 ms to parse and as long to store).
#pragma once

#include "core/api/CatalogService.h"
#include "core/catalog/CatalogEntry.h"
#include "core/storage/DatabaseWorker.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace anyrouter {

class CatalogCache;

// One workspace's catalog, ready to show: entries with their change marks and the lookups built over
// them. Values are implicitly shared, so handing one from the worker to the GUI thread copies nothing.
struct CatalogSnapshot
{
    QString workspaceId;
    QList<CatalogEntry> entries;
    QHash<QString, qsizetype> index; // id -> position in entries
    QStringList providers, capabilities, modalities;
    QHash<QString, QString> providerNames; // slug -> display name, where the gateway gave one
    QDateTime fetchedAt;                   // invalid: nothing stored or fetched yet
    bool complete = true;     // false: the first screenful of a cache load; the full list follows
    qsizetype totalCount = 0; // models the full list holds (== entries.size() when complete)
    bool stored = true;       // after a refresh: whether the local cache took it

    void rebuildIndex();
};

class CatalogWorker
{
public:
    using Unit = CatalogService::AnyRouterPriceUnit;
    using Deliver = std::function<void(CatalogSnapshot)>; // called on the worker thread

    // databasePath empty (or an in-memory database): no thread; jobs run at once on the caller's
    // thread against `cache`. Otherwise the worker opens its own connection to the file (with the
    // first job).
    CatalogWorker(CatalogCache* cache, const QString& databasePath);
    ~CatalogWorker(); // lets the running job finish, drops queued ones, joins the thread
    CatalogWorker(const CatalogWorker&) = delete;
    CatalogWorker& operator=(const CatalogWorker&) = delete;

    // Set (to true) by the owner of a job when nobody wants its result any more (the repository
    // that asked is gone): a queued job is then skipped, a running one stops before delivering more.
    using CancelToken = anyrouter::CancelToken;

    // Reads the cache: delivers the first `headCount` models first when the cache holds more, then
    // the whole list with the persisted change marks applied. An empty workspace id delivers nothing.
    void load(const CancelToken& cancelled, const QString& workspaceId, const QString& marksPath, Unit unit,
              qsizetype headCount, Deliver deliver);
    // Parses a /models body, marks what is new or repriced against the previous list of that
    // workspace, stores the list and the marks, and delivers the snapshot. A body that does not parse
    // delivers nothing and calls failed(message) instead.
    void applyFetched(const CancelToken& cancelled, const QString& workspaceId, const QByteArray& body,
                      const QDateTime& fetchedAt, const QString& marksPath, Unit unit, Deliver deliver,
                      std::function<void(QString)> failed);
    bool isThreaded() const { return m_worker.isThreaded(); }

private:
    // nullptr: no database (it would not open): jobs still parse and deliver, without the cache.
    using Job = std::function<void(CatalogCache*)>;
    void post(const CancelToken& cancelled, Job job);

    CatalogSnapshot readCache(CatalogCache* cache, const QString& workspaceId, const QString& marksPath,
                              Unit unit, qsizetype limit);
    CatalogSnapshot diffAndStore(CatalogCache* cache, const QString& workspaceId,
                                 const QList<ModelInfo>& models, const QDateTime& fetchedAt,
                                 const QString& marksPath, Unit unit);

    CatalogCache* m_inlineCache = nullptr; // no thread: jobs run against this
    // Worker-side: the last full list produced (for one workspace), the baseline of the next diff.
    // Only touched by jobs, which run one at a time.
    CatalogSnapshot m_baseline;
    // Last: destroyed first, so no job still runs while the members above go.
    DatabaseWorker m_worker;
};

} // namespace anyrouter
