// CatalogRepository: the catalog of the current workspace — from the local cache at once, then from
// the gateway in the background — with the change marks of the latest refresh and a status line.
#pragma once

#include "core/catalog/CatalogEntry.h"
#include "core/catalog/CatalogWorker.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace anyrouter {

class CatalogCache;
class WorkspaceManager;

// Loads the cached catalog for the current workspace, then refreshes from the gateway in the
// background; computes change marks; keeps working (with a clear status) when the gateway is down.
// Parsing, diffing and storing run on a CatalogWorker thread: the first screenful of the cache arrives
// first (isComplete() false), the whole list right after.
class CatalogRepository : public QObject
{
    Q_OBJECT
public:
    CatalogRepository(WorkspaceManager* workspaces, CatalogCache* cache, QObject* parent = nullptr);
    ~CatalogRepository() override;

    const QList<CatalogEntry>& entries() const;
    QDateTime fetchedAt() const; // of the data shown (cache or live); invalid when nothing is shown
    bool isRefreshing() const;
    bool isLoading() const { return m_loading; }            // the cache is still being read
    bool isComplete() const { return m_snapshot.complete; } // false while only the first screenful is in
    QString
    statusText() const; // "Updated 5 min ago", "Gateway unreachable — showing the catalog from <time>" ...
    bool lastRefreshFailed() const;
    std::optional<CatalogEntry> find(const QString& id) const;
    QStringList providers() const; // provider slugs, sorted
    QHash<QString, QString> providerNames() const { return m_snapshot.providerNames; } // slug -> name
    QStringList capabilities() const; // sorted, unknown names included
    QStringList modalities() const;   // input and output modalities together, sorted
    void refresh();                   // background fetch via WorkspaceManager::catalog()
    void loadForCurrentWorkspace();   // cache first (on the worker), then refresh()

    // Where the change marks of the latest refresh are persisted (one JSON file per workspace).
    // Default: <AppDataLocation>/catalog-marks.
    void setMarksDirectory(const QString& dir);
    QString marksDirectory() const;

signals:
    void entriesChanged(); // after cache load and after each successful refresh
    void statusChanged();

private:
    void loadCache(const QString& workspaceId);
    void show(CatalogSnapshot snapshot);
    void finishRefresh(bool failed, const QString& failure);
    QString marksPath(const QString& workspaceId) const;
    qint64 nowMs() const;
    // Runs on the GUI thread once the worker delivers, unless a newer load or switch came since.
    CatalogWorker::Deliver deliverTo(quint64 generation);

    WorkspaceManager* m_workspaces;
    CatalogCache* m_cache;
    std::unique_ptr<CatalogWorker> m_worker;
    CatalogSnapshot m_snapshot; // what is shown
    QString m_workspaceId;      // whose catalog is shown (or being loaded)
    bool m_loading = false;
    bool m_refreshing = false;
    bool m_failed = false;
    bool m_unreachable = false; // the last failure was the network, not an answer
    QString m_failure;          // why the last refresh failed, for the status line
    quint64 m_generation = 0;   // guards against late replies for another workspace
    QString m_marksDir;
};

} // namespace anyrouter
