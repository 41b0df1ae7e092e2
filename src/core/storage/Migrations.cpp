// Every schema change of the local database, in order. Rules: never edit a released step, only
// append one; each step runs in one transaction together with the version bump, so a crash leaves
// the file at the previous version. Timestamps are UTC milliseconds since the epoch (INTEGER).
#include "core/storage/Migrations.h"

#include "core/storage/StorageLog.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

namespace anyrouter::migrations {

using namespace Qt::StringLiterals;

namespace {

struct Migration
{
    int version;
    const char* description;
    QStringList statements;
};

const QList<Migration>& allMigrations()
{
    static const QList<Migration> list = {
        {1,
         "initial schema",
         {
             u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s,
             u"INSERT INTO schema_version (version) VALUES (0)"_s,
             // No secrets here, ever: keys live in the SecretStore.
             u"CREATE TABLE workspaces ("
             "  id TEXT PRIMARY KEY,"
             "  name TEXT NOT NULL DEFAULT '',"
             "  base_url TEXT NOT NULL DEFAULT '',"
             "  default_model TEXT NOT NULL DEFAULT '',"
             "  allow_insecure_http INTEGER NOT NULL DEFAULT 0,"
             "  created_at INTEGER NOT NULL,"
             "  sort_order INTEGER NOT NULL DEFAULT 0)"_s,
             // workspace_id is not a foreign key: conversations of the ephemeral env/demo
             // workspaces are kept although those workspaces have no row.
             u"CREATE TABLE conversations ("
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  workspace_id TEXT NOT NULL,"
             "  title TEXT NOT NULL DEFAULT '',"
             "  model TEXT NOT NULL DEFAULT '',"
             "  system_prompt TEXT NOT NULL DEFAULT '',"
             "  pinned INTEGER NOT NULL DEFAULT 0,"
             "  parameters TEXT NOT NULL DEFAULT '{}',"
             "  routing TEXT NOT NULL DEFAULT '{}',"
             "  created_at INTEGER NOT NULL,"
             "  updated_at INTEGER NOT NULL)"_s,
             u"CREATE TABLE messages ("
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
             "  parent_id INTEGER,"
             "  role TEXT NOT NULL,"
             "  content TEXT NOT NULL DEFAULT '',"
             "  reasoning TEXT NOT NULL DEFAULT '',"
             "  status TEXT NOT NULL DEFAULT 'complete',"
             "  model TEXT NOT NULL DEFAULT '',"
             "  served_model TEXT NOT NULL DEFAULT '',"
             "  provider TEXT NOT NULL DEFAULT '',"
             "  generation_id TEXT NOT NULL DEFAULT '',"
             "  finish_reason TEXT NOT NULL DEFAULT '',"
             "  error_text TEXT NOT NULL DEFAULT '',"
             "  error_category TEXT NOT NULL DEFAULT '',"
             "  prompt_tokens INTEGER,"
             "  completion_tokens INTEGER,"
             "  cached_tokens INTEGER,"
             "  reasoning_tokens INTEGER,"
             "  cost REAL,"
             "  ttft_ms REAL,"
             "  tokens_per_second REAL,"
             "  key_label TEXT NOT NULL DEFAULT '',"
             "  created_at INTEGER NOT NULL,"
             "  updated_at INTEGER NOT NULL)"_s,
             u"CREATE INDEX messages_conversation ON messages (conversation_id, id)"_s,
             // Every request this app made, kept when its conversation is deleted (no FK).
             u"CREATE TABLE usage_ledger ("
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  at INTEGER NOT NULL,"
             "  workspace_id TEXT NOT NULL DEFAULT '',"
             "  key_label TEXT NOT NULL DEFAULT '',"
             "  endpoint TEXT NOT NULL DEFAULT '',"
             "  model TEXT NOT NULL DEFAULT '',"
             "  provider TEXT NOT NULL DEFAULT '',"
             "  generation_id TEXT NOT NULL DEFAULT '',"
             "  prompt_tokens INTEGER NOT NULL DEFAULT 0,"
             "  completion_tokens INTEGER NOT NULL DEFAULT 0,"
             "  cached_tokens INTEGER NOT NULL DEFAULT 0,"
             "  reasoning_tokens INTEGER NOT NULL DEFAULT 0,"
             "  cost REAL,"
             "  cost_source TEXT NOT NULL DEFAULT '',"
             "  latency_ms REAL NOT NULL DEFAULT 0,"
             "  ttft_ms REAL,"
             "  status TEXT NOT NULL DEFAULT 'ok',"
             "  error_category TEXT NOT NULL DEFAULT '',"
             "  message_id INTEGER)"_s,
             u"CREATE INDEX usage_ledger_at ON usage_ledger (at)"_s,
             u"CREATE TABLE catalog_cache ("
             "  workspace_id TEXT NOT NULL,"
             "  model_id TEXT NOT NULL,"
             "  raw TEXT NOT NULL,"
             "  fetched_at INTEGER NOT NULL,"
             "  first_seen_at INTEGER NOT NULL,"
             "  price_signature TEXT NOT NULL DEFAULT '',"
             "  position INTEGER NOT NULL DEFAULT 0,"
             "  PRIMARY KEY (workspace_id, model_id))"_s,
             u"CREATE TABLE catalog_meta ("
             "  workspace_id TEXT PRIMARY KEY,"
             "  fetched_at INTEGER NOT NULL)"_s,
             u"CREATE TABLE balance_snapshots ("
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  workspace_id TEXT NOT NULL,"
             "  at INTEGER NOT NULL,"
             "  balance REAL,"
             "  total_usage REAL)"_s,
             u"CREATE INDEX balance_snapshots_workspace_at ON balance_snapshots (workspace_id, at)"_s,
         }},
        {2,
         "full-text search over messages, indexes for the list and recovery queries",
         {
             // External-content FTS5: the text lives once, in messages; triggers keep the index in
             // step (FK cascade deletes fire the delete trigger too). Replies still streaming are
             // left out, so the frequent streaming writes never re-tokenize a growing text; a reply
             // enters the index when its status leaves 'streaming' (finalised or recovered).
             u"CREATE VIRTUAL TABLE messages_fts USING fts5("
             "  content, content='messages', content_rowid='id',"
             "  tokenize='unicode61 remove_diacritics 2')"_s,
             u"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status <> 'streaming' "
             u"BEGIN"
             "  INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);"
             " END"_s,
             u"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.status <> 'streaming' "
             u"BEGIN"
             "  INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, "
             "old.content);"
             " END"_s,
             // One trigger, two guarded statements, so the old text always leaves before the new
             // one enters. Status/usage-only updates of indexed rows touch nothing.
             u"CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status ON messages BEGIN"
             "  INSERT INTO messages_fts (messages_fts, rowid, content) SELECT 'delete', old.id, old.content"
             "   WHERE old.status <> 'streaming' AND (new.status = 'streaming' OR old.content IS NOT "
             "new.content);"
             "  INSERT INTO messages_fts (rowid, content) SELECT new.id, new.content"
             "   WHERE new.status <> 'streaming' AND (old.status = 'streaming' OR old.content IS NOT "
             "new.content);"
             " END"_s,
             // Index what a v1 database already holds, minus streaming rows (as the triggers would).
             u"INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')"_s,
             u"INSERT INTO messages_fts (messages_fts, rowid, content)"
             " SELECT 'delete', id, content FROM messages WHERE status = 'streaming'"_s,
             u"CREATE INDEX conversations_workspace ON conversations (workspace_id, pinned, updated_at)"_s,
             u"CREATE INDEX messages_parent ON messages (parent_id)"_s,
             // Partial index: recoverInterrupted() at start-up touches only streaming rows.
             u"CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming'"_s,
             u"CREATE INDEX usage_ledger_workspace_at ON usage_ledger (workspace_id, at)"_s,
         }},
        {3,
         "conversation thread selection (which version of each edited or regenerated message is shown)",
         {
             // JSON object {"<parent id>": <child id>}; absent = the newest child of every parent.
             u"ALTER TABLE conversations ADD COLUMN thread_selection TEXT"_s,
         }},
        {4,
         "workspace routing defaults and attribution overrides; catalog cache in list order",
         {
             // The first screenful of a 10,000-model cache without sorting all of it.
             u"CREATE INDEX catalog_cache_position ON catalog_cache (workspace_id, position)"_s,
             // JSON: RoutingPrefs::toJson() and {"title","source","referer"}; empty = none.
             u"ALTER TABLE workspaces ADD COLUMN routing TEXT NOT NULL DEFAULT ''"_s,
             u"ALTER TABLE workspaces ADD COLUMN attribution TEXT NOT NULL DEFAULT ''"_s,
         }},
        {5,
         "usage figures the gateway sent that failed validation, kept as sent for the record",
         {
             // JSON object {"<field>": <value as sent>} (Usage::rejected); NULL when every figure was valid.
             u"ALTER TABLE messages ADD COLUMN usage_rejected TEXT"_s,
         }},
        {6,
         "where a conversation was started (the chat page or the quick prompt window)",
         {
             // ConversationOrigin's stored names; every conversation before this step is a chat.
             // A plain column (no index, no CHECK): older files take one ALTER, nothing rewritten.
             u"ALTER TABLE conversations ADD COLUMN origin TEXT NOT NULL DEFAULT 'chat'"_s,
         }},
    };
    return list;
}

bool exec(QSqlQuery& q, const QString& sql, QString* error)
{
    if (q.exec(sql))
        return true;
    if (error)
        *error = q.lastError().text();
    return false;
}

} // namespace

int latestVersion()
{
    return allMigrations().constLast().version;
}

int currentVersion(const QSqlDatabase& db, QString* error)
{
    QSqlQuery q(db);
    if (!q.exec(u"SELECT name FROM sqlite_master WHERE type = 'table'"_s)) {
        if (error)
            *error = q.lastError().text();
        return -1;
    }
    bool hasVersionTable = false;
    bool hasOtherTables = false;
    while (q.next()) {
        const QString name = q.value(0).toString();
        if (name == u"schema_version")
            hasVersionTable = true;
        else if (!name.startsWith(u"sqlite_"))
            hasOtherTables = true;
    }
    if (!hasVersionTable) {
        if (hasOtherTables) {
            // Some other program's SQLite file: never migrate (and so alter) it.
            if (error)
                *error = u"the file holds tables but no schema_version; it was not created by this app"_s;
            return -1;
        }
        return 0;
    }
    if (!q.exec(u"SELECT MAX(version) FROM schema_version"_s) || !q.next()) {
        if (error)
            *error = q.lastError().text();
        return -1;
    }
    return q.value(0).toInt();
}

bool migrate(QSqlDatabase& db, QString* error)
{
    const int from = currentVersion(db, error);
    if (from < 0)
        return false;
    if (from > latestVersion()) {
        if (error)
            *error = u"the file has schema version %1, newer than this app understands (%2); "
                     "it was written by a newer AnyRouter Desktop"_s.arg(QString::number(from),
                                                                         QString::number(latestVersion()));
        return false;
    }
    for (const Migration& m : allMigrations()) {
        if (m.version <= from)
            continue;
        // BEGIN IMMEDIATE takes the write lock before the version is read again: two processes
        // opening one fresh file at once (the window and --ask) must not both run a step.
        QSqlQuery q(db);
        if (!exec(q, u"BEGIN IMMEDIATE"_s, error))
            return false;
        const int now = currentVersion(db, error);
        if (now < 0) {
            exec(q, u"ROLLBACK"_s, nullptr);
            return false;
        }
        if (now >= m.version) {
            exec(q, u"ROLLBACK"_s, nullptr); // another process applied it meanwhile
            continue;
        }
        qCInfo(lcStorage) << "migrating database to schema version" << m.version << "-" << m.description;
        bool ok = true;
        for (const QString& sql : m.statements) {
            if (!exec(q, sql, error)) {
                ok = false;
                break;
            }
        }
        if (ok) {
            ok = q.prepare(u"UPDATE schema_version SET version = ?"_s);
            q.addBindValue(m.version);
            ok = ok && q.exec();
            if (!ok && error)
                *error = q.lastError().text();
        }
        q.finish();
        if (!ok) {
            if (error)
                *error = u"migration to version %1 failed: %2"_s.arg(QString::number(m.version), *error);
            exec(q, u"ROLLBACK"_s, nullptr);
            return false;
        }
        if (!exec(q, u"COMMIT"_s, error)) {
            exec(q, u"ROLLBACK"_s, nullptr);
            return false;
        }
    }
    return true;
}

} // namespace anyrouter::migrations
