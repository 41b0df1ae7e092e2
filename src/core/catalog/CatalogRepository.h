// CatalogRepository: the catalog of the current workspace — from the local cache at once, then from
// the gateway in the background — with the change marks of the latest refresh and a status line.
#pragma once

#include "CatalogEntry.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace anyrouter {

class CatalogCache;
class WorkspaceManager;

// Loads the cached catalog for the current workspace instantly, then refreshes from the gateway in the
// background; computes change marks; keeps working (with a clear status) when the gateway is down.
class CatalogRepository : public QObject
{
    Q_OBJECT
public:
    CatalogRepository(WorkspaceManager* workspaces, CatalogCache* cache, QObject* parent = nullptr);
    ~CatalogRepository() override;

    const QList<CatalogEntry>& entries() const;
    QDateTime fetchedAt() const; // of the data shown (cache or live); invalid when nothing is shown
    bool isRefreshing() const;
    QString
    statusText() const; // "Updated 5 min ago", "Gateway unreachable — showing the catalog from <time>" ...
    bool lastRefreshFailed() const;
    std::optional<CatalogEntry> find(const QString& id) const;
    QStringList providers() const;    // provider slugs, sorted
    QStringList capabilities() const; // sorted, unknown names included
    QStringList modalities() const;   // input and output modalities together, sorted
    void refresh();                   // background fetch via WorkspaceManager::catalog()
    void loadForCurrentWorkspace();   // cache first (synchronous, must be fast), then refresh()

    // Where the change marks of the latest refresh are persisted (one JSON file per workspace).
    // Default: <AppDataLocation>/catalog-marks.
    void setMarksDirectory(const QString& dir);
    QString marksDirectory() const;

signals:
    void entriesChanged(); // after cache load and after each successful refresh
    void statusChanged();

private:
    void loadCache(const QString& workspaceId);
    void applyFetched(const QString& workspaceId, const QList<ModelInfo>& models);
    void finishRefresh(bool failed, const QString& failure);
    void rebuildIndex();
    void applyMarks(const QString& workspaceId);
    void saveMarks(const QString& workspaceId) const;
    QString marksPath(const QString& workspaceId) const;
    qint64 nowMs() const;

    WorkspaceManager* m_workspaces;
    CatalogCache* m_cache;
    QList<CatalogEntry> m_entries;
    QHash<QString, qsizetype> m_index; // id -> position in m_entries
    QStringList m_providers, m_capabilities, m_modalities;
    QString m_workspaceId; // whose catalog m_entries holds
    QDateTime m_fetchedAt;
    bool m_refreshing = false;
    bool m_failed = false;
    bool m_unreachable = false; // the last failure was the network, not an answer
    QString m_failure;          // why the last refresh failed, for the status line
    quint64 m_generation = 0;   // guards against late replies for another workspace
    QString m_marksDir;
};

} // namespace anyrouter
