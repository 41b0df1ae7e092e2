// WorkspaceStore: rows of the workspaces table <-> Workspace values.
#include "core/storage/WorkspaceStore.h"

#include "core/storage/Database.h"
#include "core/storage/SqlUtil.h"
#include "core/storage/StorageLog.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {
const QString kColumns = u"id, name, base_url, default_model, allow_insecure_http, routing, attribution"_s;

QJsonObject objectFrom(const QVariant& v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

QString compact(const QJsonObject& o)
{
    return o.isEmpty() ? QString() : QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

Workspace fromRow(const QSqlQuery& q)
{
    Workspace w;
    w.id = q.value(0).toString();
    w.name = q.value(1).toString();
    w.baseUrl = QUrl(q.value(2).toString());
    w.defaultModel = q.value(3).toString();
    w.allowInsecureHttp = q.value(4).toBool();
    w.routing = RoutingPrefs::fromJson(objectFrom(q.value(5)));
    const QJsonObject attribution = objectFrom(q.value(6));
    w.attributionTitle = attribution.value(u"title"_s).toString();
    w.attributionSource = attribution.value(u"source"_s).toString();
    w.attributionReferer = attribution.value(u"referer"_s).toString();
    w.kind = Workspace::Kind::Stored;
    return w;
}
} // namespace

WorkspaceStore::WorkspaceStore(Database& db) : m_db(db) {}

QList<Workspace> WorkspaceStore::list() const
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"SELECT "_s + kColumns + u" FROM workspaces ORDER BY sort_order, created_at, id"_s);
    return sql::selectAll(q, "list workspaces", fromRow);
}

bool WorkspaceStore::save(const Workspace& w)
{
    if (w.isEphemeral()) {
        qCWarning(lcStorage) << "refusing to store ephemeral workspace" << w.id;
        return false;
    }
    if (w.id.isEmpty()) {
        qCWarning(lcStorage) << "refusing to store a workspace without id";
        return false;
    }
    QSqlQuery q(m_db.connection());
    q.prepare(u"INSERT INTO workspaces (id, name, base_url, default_model, allow_insecure_http, routing, "
              u"attribution,"
              u" created_at, sort_order)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM workspaces))"
              " ON CONFLICT(id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url,"
              " default_model = excluded.default_model, allow_insecure_http = excluded.allow_insecure_http,"
              " routing = excluded.routing, attribution = excluded.attribution"_s);
    q.addBindValue(sql::text(w.id));
    q.addBindValue(sql::text(w.name));
    q.addBindValue(sql::text(w.baseUrl.toString()));
    q.addBindValue(sql::text(w.defaultModel));
    q.addBindValue(w.allowInsecureHttp ? 1 : 0);
    q.addBindValue(sql::text(w.routing.isEmpty() ? QString() : compact(w.routing.toJson())));
    QJsonObject attribution;
    if (!w.attributionTitle.isEmpty())
        attribution.insert(u"title"_s, w.attributionTitle);
    if (!w.attributionSource.isEmpty())
        attribution.insert(u"source"_s, w.attributionSource);
    if (!w.attributionReferer.isEmpty())
        attribution.insert(u"referer"_s, w.attributionReferer);
    q.addBindValue(sql::text(compact(attribution)));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return sql::exec(q, "save workspace");
}

bool WorkspaceStore::remove(const QString& id)
{
    if (!m_db.transaction())
        return false;
    QSqlQuery q(m_db.connection());
    const char* const statements[] = {
        "DELETE FROM workspaces WHERE id = ?",
        "DELETE FROM catalog_cache WHERE workspace_id = ?",
        "DELETE FROM catalog_meta WHERE workspace_id = ?",
        "DELETE FROM balance_snapshots WHERE workspace_id = ?",
    };
    for (const char* statement : statements) {
        q.prepare(QString::fromLatin1(statement));
        q.addBindValue(sql::text(id));
        if (!sql::exec(q, "remove workspace")) {
            q.finish();
            m_db.rollback();
            return false;
        }
    }
    q.finish();
    return m_db.commit();
}

std::optional<Workspace> WorkspaceStore::find(const QString& id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"SELECT "_s + kColumns + u" FROM workspaces WHERE id = ?"_s);
    q.addBindValue(sql::text(id));
    return sql::selectOne(q, "find workspace", fromRow);
}

bool WorkspaceStore::setOrder(const QStringList& ids)
{
    if (!m_db.transaction())
        return false;
    QSqlQuery q(m_db.connection());
    // Unlisted ids move behind the listed ones, keeping their relative order.
    q.prepare(u"UPDATE workspaces SET sort_order = sort_order + ?"_s);
    q.addBindValue(ids.size() + 1);
    bool ok = sql::exec(q, "reorder workspaces");
    q.prepare(u"UPDATE workspaces SET sort_order = ? WHERE id = ?"_s);
    for (qsizetype i = 0; ok && i < ids.size(); ++i) {
        q.addBindValue(int(i));
        q.addBindValue(sql::text(ids.at(i)));
        ok = sql::exec(q, "reorder workspaces");
    }
    q.finish();
    if (!ok) {
        m_db.rollback();
        return false;
    }
    return m_db.commit();
}

} // namespace anyrouter
