// CatalogRepository: one workspace's catalog — from the local cache at once, then from the gateway in
// the background — with the change marks of the latest refresh and a status line. One per
// WorkspaceSession: every page, the model picker and the overview read the same one.
#pragma once

#include "core/catalog/CatalogEntry.h"
#include "core/catalog/CatalogWorker.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>

namespace anyrouter {

class CatalogCache;
class CatalogService;
class Clock;

// Loads the cached catalog of its workspace, then refreshes from the gateway in the background;
// computes change marks; keeps working (with a clear status) when the gateway is down. Parsing,
// diffing and storing run on a CatalogWorker thread: the first screenful of the cache arrives first
// (isComplete() false), the whole list right after. Replies and worker results for a repository that
// is gone are dropped (the service calls take it as context; its worker jobs carry a cancel token).
class CatalogRepository : public QObject
{
    Q_OBJECT
public:
    // `service` asks the gateway (it must point at this workspace while the repository lives);
    // `worker` is shared (AppContext's); nullptr: the repository runs a worker of its own. `clock`
    // may be nullptr (wall clock).
    CatalogRepository(const QString& workspaceId, CatalogService* service, CatalogCache* cache,
                      CatalogWorker* worker, Clock* clock, QObject* parent = nullptr);
    ~CatalogRepository() override;

    const QList<CatalogEntry>& entries() const;
    QDateTime fetchedAt() const; // of the data shown (cache or live); invalid when nothing is shown
    bool isRefreshing() const;
    bool isLoading() const { return m_loading; }            // the cache is still being read
    bool isComplete() const { return m_snapshot.complete; } // false while only the first screenful is in
    QString
    statusText() const; // "Updated 5 min ago", "Gateway unreachable — showing the catalog from <time>" ...
    bool lastRefreshFailed() const;
    QString lastFailure() const { return m_failure; } // why the last refresh failed; empty if it did not
    std::optional<CatalogEntry> find(const QString& id) const;
    QStringList providers() const; // provider slugs, sorted
    QHash<QString, QString> providerNames() const { return m_snapshot.providerNames; } // slug -> name
    QStringList capabilities() const; // sorted, unknown names included
    QStringList modalities() const;   // input and output modalities together, sorted
    QString workspaceId() const { return m_workspaceId; }
    bool hasEntries() const { return !m_snapshot.entries.isEmpty(); }
    void loadCache(); // shows the stored catalog (read on the worker)
    void refresh();   // background fetch from the gateway; one at a time
    void load();      // loadCache(), then refresh()

    // Where the change marks of the latest refresh are persisted (one JSON file per workspace).
    // Default: <AppDataLocation>/catalog-marks.
    void setMarksDirectory(const QString& dir);
    QString marksDirectory() const;

signals:
    void entriesChanged(); // after cache load and after each successful refresh
    void statusChanged();

private:
    void show(CatalogSnapshot snapshot);
    void finishRefresh(bool failed, const QString& failure);
    QString marksPath(const QString& workspaceId) const;
    qint64 nowMs() const;
    // Runs on the GUI thread once the worker delivers, while this repository lives.
    CatalogWorker::Deliver deliver();

    CatalogService* m_service;
    CatalogCache* m_cache;
    Clock* m_clock;
    std::unique_ptr<CatalogWorker> m_ownWorker;
    CatalogWorker* m_worker;
    std::shared_ptr<std::atomic<bool>> m_cancelled; // set on destruction: queued worker jobs are skipped
    CatalogSnapshot m_snapshot;                     // what is shown
    QString m_workspaceId;
    bool m_loading = false;
    bool m_refreshing = false;
    bool m_failed = false;
    bool m_unreachable = false; // the last failure was the network, not an answer
    QString m_failure;          // why the last refresh failed, for the status line
    QString m_marksDir;
};

} // namespace anyrouter
