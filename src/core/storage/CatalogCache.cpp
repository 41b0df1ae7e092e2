// CatalogCache: SQL for catalog_cache and catalog_meta.
#include "core/storage/CatalogCache.h"

#include "core/storage/Database.h"
#include "core/storage/SqlUtil.h"
#include "core/storage/StorageLog.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QSqlQuery>

namespace anyrouter {

using namespace Qt::StringLiterals;

CatalogCache::CatalogCache(Database& db) : m_db(db) {}

QString CatalogCache::priceSignature(const QJsonObject& rawModel)
{
    const QJsonValue pricing = rawModel.value(u"pricing"_s);
    if (!pricing.isObject())
        return {};
    // QJsonObject serialises keys sorted, so equal prices give equal signatures.
    const QByteArray json = QJsonDocument(pricing.toObject()).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(json, QCryptographicHash::Sha1).toHex());
}

bool CatalogCache::store(const QString& workspaceId, const QList<QJsonObject>& rawModels,
                         const QDateTime& fetchedAt)
{
    const QDateTime at = fetchedAt.isValid() ? fetchedAt : sql::nowUtc();
    const qint64 atMs = at.toMSecsSinceEpoch();
    if (!m_db.transaction())
        return false;
    QSqlQuery q(m_db.connection());
    // Mark every cached row; the upserts below unmark what the gateway still lists, so the rest can
    // be dropped afterwards. Upserting keeps first_seen_at of known ids without reading them first.
    q.prepare(u"UPDATE catalog_cache SET position = -1 WHERE workspace_id = ?"_s);
    q.addBindValue(sql::text(workspaceId));
    bool ok = sql::exec(q, "mark catalog cache");
    q.prepare(u"INSERT INTO catalog_cache (workspace_id, model_id, raw, fetched_at, first_seen_at,"
              " price_signature, position) VALUES (?, ?, ?, ?, ?, ?, ?)"
              " ON CONFLICT(workspace_id, model_id) DO UPDATE SET raw = excluded.raw,"
              " fetched_at = excluded.fetched_at, price_signature = excluded.price_signature,"
              " position = excluded.position"_s);
    int position = 0;
    int skipped = 0;
    for (const QJsonObject& model : rawModels) {
        if (!ok)
            break;
        const QString id = model.value(u"id"_s).toString();
        if (id.isEmpty()) {
            ++skipped;
            continue;
        }
        q.addBindValue(sql::text(workspaceId));
        q.addBindValue(sql::text(id));
        q.addBindValue(QString::fromUtf8(QJsonDocument(model).toJson(QJsonDocument::Compact)));
        q.addBindValue(atMs);
        q.addBindValue(atMs);
        q.addBindValue(sql::text(priceSignature(model)));
        q.addBindValue(position++);
        ok = sql::exec(q, "store catalog model");
    }
    if (skipped > 0)
        qCWarning(lcStorage) << "catalog cache skipped" << skipped << "model(s) without an id";
    if (ok) {
        // Rows this refresh did not touch are models the gateway no longer lists.
        q.prepare(u"DELETE FROM catalog_cache WHERE workspace_id = ? AND position < 0"_s);
        q.addBindValue(sql::text(workspaceId));
        ok = sql::exec(q, "prune catalog cache");
    }
    if (ok) {
        q.prepare(u"INSERT INTO catalog_meta (workspace_id, fetched_at) VALUES (?, ?)"
                  " ON CONFLICT(workspace_id) DO UPDATE SET fetched_at = excluded.fetched_at"_s);
        q.addBindValue(sql::text(workspaceId));
        q.addBindValue(atMs);
        ok = sql::exec(q, "store catalog meta");
    }
    q.finish();
    if (!ok) {
        m_db.rollback();
        return false;
    }
    return m_db.commit();
}

QString CatalogCache::databasePath() const
{
    return m_db.filePath();
}

qsizetype CatalogCache::count(const QString& workspaceId) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"SELECT COUNT(*) FROM catalog_cache WHERE workspace_id = ?"_s);
    q.addBindValue(sql::text(workspaceId));
    return sql::selectOne(q, "count catalog cache",
                          [](const QSqlQuery& row) { return row.value(0).toLongLong(); })
        .value_or(0);
}

std::optional<CachedCatalog> CatalogCache::load(const QString& workspaceId, qsizetype limit) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(u"SELECT fetched_at FROM catalog_meta WHERE workspace_id = ?"_s);
    q.addBindValue(sql::text(workspaceId));
    const auto fetchedAt = sql::selectOne(q, "read catalog meta",
                                          [](const QSqlQuery& row) { return sql::toTime(row.value(0)); });
    if (!fetchedAt)
        return std::nullopt;
    CachedCatalog cache;
    cache.fetchedAt = *fetchedAt;
    q.finish();

    q.prepare(
        u"SELECT model_id, raw, first_seen_at FROM catalog_cache WHERE workspace_id = ? ORDER BY position"
        " LIMIT ?"_s);
    q.addBindValue(sql::text(workspaceId));
    q.addBindValue(qint64(limit)); // SQLite: a negative LIMIT is no limit
    const bool ok = sql::forEachRow(q, "read catalog cache", [&cache](const QSqlQuery& row) {
        const QJsonDocument doc = QJsonDocument::fromJson(row.value(1).toString().toUtf8());
        if (!doc.isObject())
            return;
        cache.models.append(doc.object());
        cache.firstSeenAt.insert(row.value(0).toString(), sql::toTime(row.value(2)));
    });
    if (!ok)
        return std::nullopt;
    return cache;
}

} // namespace anyrouter
