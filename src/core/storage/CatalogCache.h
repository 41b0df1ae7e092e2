// CatalogCache: the last model list fetched per workspace, so the catalog shows at once on start
// and offline. Not bound to a thread: CatalogRepository runs it on a worker with its own Database. Raw JSON
// is kept (parsing rules may improve between versions); first_seen_at of each model survives refreshes, which
// is what "new model" badges need.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace anyrouter {

class Database;

struct CachedCatalog
{
    QList<QJsonObject> models; // in the order the gateway listed them
    QDateTime fetchedAt;
    QHash<QString, QDateTime> firstSeenAt; // model id -> when this cache first saw it
};

class CatalogCache
{
public:
    explicit CatalogCache(Database& db);

    // Replaces the workspace's cached list in one transaction. Models without a string "id" are
    // skipped; models that disappeared are dropped; known ids keep their first_seen_at.
    bool store(const QString& workspaceId, const QList<QJsonObject>& rawModels, const QDateTime& fetchedAt);
    // nullopt: never stored. limit >= 0 reads only the first `limit` models (a first screenful).
    std::optional<CachedCatalog> load(const QString& workspaceId, qsizetype limit = -1) const;
    qsizetype count(const QString& workspaceId) const; // models cached for the workspace
    // The file behind it, for a worker thread that opens its own connection to it.
    QString databasePath() const;
    // Stable digest of a model's pricing object (empty without one); stored per row.
    static QString priceSignature(const QJsonObject& rawModel);

private:
    Database& m_db;
};

} // namespace anyrouter
