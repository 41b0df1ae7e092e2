// Tests of Database: opening, pragmas, migrations (including from a hand-built v1 file), clear
// failures on bad files and folders.
#include "TestSupport.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"

#include <QDir>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestDatabase : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void openCreatesFileInWalMode();
    void pragmasAreSet();
    void schemaIsLatest();
    void reopenIsIdempotent();
    void migratesHandBuiltV1();
    void refusesNewerSchema();
    void refusesForeignSqliteFile();
    void failsOnBadFile_data();
    void failsOnBadFile();
    void failsWhenFolderCannotBeCreated();
    void failsInReadOnlyFolder();
    void failsOnReadOnlyFile();
    void nestedTransactions();
    void defaultPathHonoursTestMode();
    void errorTextPerSqliteCode_data();
    void errorTextPerSqliteCode();
    void fullDiskIsReportedAsSuch();
    void extraConnectionsDoNotReadTheWholeFile();

private:
    QString path(const QString& name) const { return m_dir->filePath(name); }
    static QVariant scalar(Database& db, const QString& sql);
    std::unique_ptr<QTemporaryDir> m_dir;
};

QVariant TestDatabase::scalar(Database& db, const QString& sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

void TestDatabase::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestDatabase::openCreatesFileInWalMode()
{
    const QString file = path(u"sub/dir/anyrouter.sqlite"_s);
    Database db(file);
    QString error;
    QVERIFY2(db.open(&error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(db.isOpen());
    QVERIFY(QFile::exists(file));
    QCOMPARE(scalar(db, u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    // WAL really in use: a write creates the -wal file next to the database.
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"INSERT INTO workspaces (id, created_at) VALUES ('w', 1)"_s));
    QVERIFY(QFile::exists(file + u"-wal"_s));
}

void TestDatabase::pragmasAreSet()
{
    Database db(path(u"p.sqlite"_s));
    QVERIFY(db.open());
    QCOMPARE(scalar(db, u"PRAGMA foreign_keys"_s).toInt(), 1);
    QCOMPARE(scalar(db, u"PRAGMA synchronous"_s).toInt(), 1); // NORMAL
    QVERIFY(scalar(db, u"PRAGMA busy_timeout"_s).toInt() > 0);
}

void TestDatabase::schemaIsLatest()
{
    Database db(path(u"s.sqlite"_s));
    QCOMPARE(db.schemaVersion(), 0); // not open yet
    QVERIFY(db.open());
    QVERIFY(Database::latestSchemaVersion() >= 2);
    QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
    const QStringList tables = db.connection().tables();
    for (const char* t : {"workspaces", "conversations", "messages", "messages_fts", "usage_ledger",
                          "catalog_cache", "catalog_meta", "balance_snapshots", "schema_version"})
        QVERIFY2(tables.contains(QLatin1String(t)), t);
}

void TestDatabase::reopenIsIdempotent()
{
    const QString file = path(u"r.sqlite"_s);
    {
        Database db(file);
        QVERIFY(db.open());
        QVERIFY(db.open()); // second call on an open instance is a no-op
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(u"INSERT INTO workspaces (id, name, created_at) VALUES ('w1', 'One', 1)"_s));
    }
    for (int i = 0; i < 3; ++i) {
        Database db(file);
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM schema_version"_s).toInt(), 1);
        QCOMPARE(scalar(db, u"SELECT name FROM workspaces WHERE id = 'w1'"_s).toString(), u"One"_s);
    }
    // Two instances on the same file at once (unique connection names) both work.
    Database a(file), b(file);
    QVERIFY(a.open());
    QVERIFY(b.open());
    QVERIFY(a.connectionName() != b.connectionName());
}

void TestDatabase::migratesHandBuiltV1()
{
    // A v1 file as an older release wrote it, built with literal SQL (not the Migrations code), so a
    // change to the v1 step that breaks existing files shows up here.
    const QString file = path(u"v1.sqlite"_s);
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1-builder"_s);
        raw.setDatabaseName(file);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        const QStringList script = {
            u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s,
            u"INSERT INTO schema_version VALUES (1)"_s,
            u"CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', base_url TEXT NOT "
            u"NULL "
            "DEFAULT '', default_model TEXT NOT NULL DEFAULT '', allow_insecure_http INTEGER NOT NULL "
            "DEFAULT 0, "
            "created_at INTEGER NOT NULL, sort_order INTEGER NOT NULL DEFAULT 0)"_s,
            u"CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL, "
            u"title "
            "TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '', system_prompt TEXT NOT NULL DEFAULT "
            "'', pinned "
            "INTEGER NOT NULL DEFAULT 0, parameters TEXT NOT NULL DEFAULT '{}', routing TEXT NOT NULL "
            "DEFAULT '{}', "
            "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)"_s,
            u"CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL "
            "REFERENCES conversations(id) ON DELETE CASCADE, parent_id INTEGER, role TEXT NOT NULL, content "
            "TEXT NOT "
            "NULL DEFAULT '', reasoning TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'complete', "
            "model TEXT "
            "NOT NULL DEFAULT '', served_model TEXT NOT NULL DEFAULT '', provider TEXT NOT NULL DEFAULT '', "
            "generation_id TEXT NOT NULL DEFAULT '', finish_reason TEXT NOT NULL DEFAULT '', error_text TEXT "
            "NOT NULL "
            "DEFAULT '', error_category TEXT NOT NULL DEFAULT '', prompt_tokens INTEGER, completion_tokens "
            "INTEGER, "
            "cached_tokens INTEGER, reasoning_tokens INTEGER, cost REAL, ttft_ms REAL, tokens_per_second "
            "REAL, "
            "key_label TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)"_s,
            u"CREATE INDEX messages_conversation ON messages (conversation_id, id)"_s,
            u"CREATE TABLE usage_ledger (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, "
            u"workspace_id TEXT "
            "NOT NULL DEFAULT '', key_label TEXT NOT NULL DEFAULT '', endpoint TEXT NOT NULL DEFAULT '', "
            "model TEXT "
            "NOT NULL DEFAULT '', provider TEXT NOT NULL DEFAULT '', generation_id TEXT NOT NULL DEFAULT '', "
            "prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0, "
            "cached_tokens "
            "INTEGER NOT NULL DEFAULT 0, reasoning_tokens INTEGER NOT NULL DEFAULT 0, cost REAL, cost_source "
            "TEXT NOT "
            "NULL DEFAULT '', latency_ms REAL NOT NULL DEFAULT 0, ttft_ms REAL, status TEXT NOT NULL DEFAULT "
            "'ok', "
            "error_category TEXT NOT NULL DEFAULT '', message_id INTEGER)"_s,
            u"CREATE INDEX usage_ledger_at ON usage_ledger (at)"_s,
            u"CREATE TABLE catalog_cache (workspace_id TEXT NOT NULL, model_id TEXT NOT NULL, raw TEXT NOT "
            u"NULL, "
            "fetched_at INTEGER NOT NULL, first_seen_at INTEGER NOT NULL, price_signature TEXT NOT NULL "
            "DEFAULT '', "
            "position INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (workspace_id, model_id))"_s,
            u"CREATE TABLE catalog_meta (workspace_id TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL)"_s,
            u"CREATE TABLE balance_snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT "
            u"NULL, at "
            "INTEGER NOT NULL, balance REAL, total_usage REAL)"_s,
            u"CREATE INDEX balance_snapshots_workspace_at ON balance_snapshots (workspace_id, at)"_s,
            u"INSERT INTO conversations (id, workspace_id, title, created_at, updated_at) VALUES "
            "(1, 'ws', 'Old chat about zebras', 1000, 2000), (2, 'ws', 'Other', 1000, 1500)"_s,
            u"INSERT INTO messages (conversation_id, parent_id, role, content, status, created_at, "
            u"updated_at) VALUES "
            "(1, NULL, 'user', 'Tell me about zebras and their stripes', 'complete', 1000, 1000),"
            "(1, 1, 'assistant', 'Zebras have unique stripe patterns', 'streaming', 1001, 1001),"
            "(2, NULL, 'user', 'Crème brûlée recipe please', 'complete', 1002, 1002)"_s,
            u"INSERT INTO usage_ledger (at, workspace_id, model, prompt_tokens, cost) VALUES (1000, 'ws', 'm', 12, 0.5)"_s,
        };
        for (const QString& sql : script)
            QVERIFY2(q.exec(sql), qPrintable(q.lastError().text() + u" in "_s + sql));
        q.finish();
        raw.close();
    }
    QSqlDatabase::removeDatabase(u"v1-builder"_s);

    Database db(file);
    QString error;
    QVERIFY2(db.open(&error), qPrintable(error));
    QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
    // Data intact.
    QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM messages"_s).toInt(), 3);
    QCOMPARE(scalar(db, u"SELECT title FROM conversations WHERE id = 1"_s).toString(),
             u"Old chat about zebras"_s);
    QCOMPARE(scalar(db, u"SELECT cost FROM usage_ledger"_s).toDouble(), 0.5);
    // The v2 indexes exist.
    QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                        "('conversations_workspace', 'messages_parent', 'messages_streaming', "
                        "'usage_ledger_workspace_at')"_s)
                 .toInt(),
             4);
    // Old messages are searchable (the migration rebuilt the index), except the reply a crash
    // left streaming, which joins once recovered; new messages are indexed too.
    ConversationStore store(db);
    QList<SearchHit> hits = store.search(u"ws"_s, u"zebra"_s);
    QCOMPARE(hits.size(), 1);
    hits = store.search(u"ws"_s, u"creme brulee"_s);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().conversationTitle, u"Other"_s);
    Message m;
    m.conversationId = 2;
    m.role = MessageRole::Assistant;
    m.content = u"Caramelise the sugar with a torch"_s;
    QVERIFY(store.insertMessage(m));
    QCOMPARE(store.search({}, u"caramelise"_s).size(), 1);
    // The streaming row of the old file is recovered like any other.
    QCOMPARE(store.recoverInterrupted(), 1);
    QCOMPARE(store.search(u"ws"_s, u"zebra"_s).size(), 2);
    QSqlQuery check(db.connection());
    QVERIFY2(check.exec(u"INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"_s),
             qPrintable(check.lastError().text()));
}

void TestDatabase::refusesNewerSchema()
{
    const QString file = path(u"future.sqlite"_s);
    {
        Database db(file);
        QVERIFY(db.open());
        QSqlQuery q(db.connection());
        q.prepare(u"UPDATE schema_version SET version = ?"_s);
        q.addBindValue(Database::latestSchemaVersion() + 1);
        QVERIFY(q.exec());
    }
    Database db(file);
    QString error;
    QVERIFY(!db.open(&error));
    QVERIFY2(error.contains(u"newer"_s), qPrintable(error));
    QVERIFY(!db.isOpen());
}

void TestDatabase::refusesForeignSqliteFile()
{
    const QString file = path(u"other-app.sqlite"_s);
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"foreign"_s);
        raw.setDatabaseName(file);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        QVERIFY(q.exec(u"CREATE TABLE contacts (name TEXT)"_s));
        q.finish();
        raw.close();
    }
    QSqlDatabase::removeDatabase(u"foreign"_s);
    Database db(file);
    QString error;
    QVERIFY(!db.open(&error));
    QVERIFY2(error.contains(u"not created by this app"_s), qPrintable(error));
    // Left untouched.
    Database check(file);
    QVERIFY(!check.open());
}

void TestDatabase::failsOnBadFile_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("text") << QByteArray("this is not a database, just some text\n").repeated(200);
    QTest::newRow("random") << QByteArray(8192, '\xA5');
    // A real header followed by garbage: a damaged database.
    QTest::newRow("truncated header") << QByteArray("SQLite format 3\0", 16) + QByteArray(4080, '\x7F');
}

void TestDatabase::failsOnBadFile()
{
    QFETCH(QByteArray, content);
    const QString file = path(u"corrupt.sqlite"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    Database db(file);
    QString error;
    QVERIFY(!db.open(&error));
    QVERIFY2(error.contains(u"corrupt.sqlite"_s) && error.contains(u"not a usable AnyRouter database"_s),
             qPrintable(error));
    QVERIFY(!db.isOpen());
    // The file is not overwritten or "repaired".
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), content);
}

void TestDatabase::failsWhenFolderCannotBeCreated()
{
    // A regular file where the data folder should be: fails for every user, root included.
    QFile blocker(path(u"blocker"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    Database db(path(u"blocker/data/anyrouter.sqlite"_s));
    QString error;
    QVERIFY(!db.open(&error));
    QVERIFY2(error.contains(u"Cannot create the data folder"_s), qPrintable(error));

    Database dir(m_dir->path());
    QVERIFY(!dir.open(&error));
    QVERIFY2(error.contains(u"it is a folder"_s), qPrintable(error));
}

void TestDatabase::failsInReadOnlyFolder()
{
    const QString ro = path(u"readonly"_s);
    QVERIFY(QDir().mkpath(ro));
    QVERIFY(QFile::setPermissions(ro, QFile::ReadOwner | QFile::ExeOwner));
    auto restore = qScopeGuard(
        [&] { QFile::setPermissions(ro, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner); });
    {
        QFile probe(ro + u"/probe"_s);
        if (probe.open(QIODevice::WriteOnly)) {
            probe.close();
            probe.remove();
            QSKIP("file permissions are not enforced for this user (root?)");
        }
    }
    Database db(ro + u"/anyrouter.sqlite"_s);
    QString error;
    QVERIFY(!db.open(&error));
    QVERIFY2(error.contains(u"is not writable"_s), qPrintable(error));
    QVERIFY(!db.isOpen());
}

void TestDatabase::failsOnReadOnlyFile()
{
    const QString file = path(u"ro.sqlite"_s);
    {
        Database db(file);
        QVERIFY(db.open());
    }
    QVERIFY(QFile::setPermissions(file, QFile::ReadOwner));
    auto restore = qScopeGuard([&] { QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner); });
    {
        QFile probe(file);
        if (probe.open(QIODevice::ReadWrite))
            QSKIP("file permissions are not enforced for this user (root?)");
    }
    Database db(file);
    QString error;
    QVERIFY(!db.open(&error));
    QVERIFY2(error.contains(u"read-only"_s), qPrintable(error));
}

void TestDatabase::nestedTransactions()
{
    Database db(path(u"tx.sqlite"_s));
    QVERIFY(db.open());
    auto count = [&] { return scalar(db, u"SELECT COUNT(*) FROM workspaces"_s).toInt(); };
    auto insert = [&](const QString& id) {
        QSqlQuery q(db.connection());
        q.prepare(u"INSERT INTO workspaces (id, created_at) VALUES (?, 1)"_s);
        q.addBindValue(id);
        return q.exec();
    };
    QVERIFY(db.transaction());
    QVERIFY(insert(u"a"_s));
    QVERIFY(db.transaction()); // savepoint
    QVERIFY(insert(u"b"_s));
    db.rollback(); // only b goes
    QVERIFY(db.transaction());
    QVERIFY(insert(u"c"_s));
    QVERIFY(db.commit());
    QVERIFY(db.commit());
    QCOMPARE(count(), 2);
    QCOMPARE(scalar(db, u"SELECT group_concat(id) FROM (SELECT id FROM workspaces ORDER BY id)"_s).toString(),
             u"a,c"_s);

    QVERIFY(db.transaction());
    QVERIFY(insert(u"d"_s));
    db.rollback();
    QCOMPARE(count(), 2);
    QVERIFY(!db.commit()); // unbalanced
}

void TestDatabase::defaultPathHonoursTestMode()
{
    const QString p = Database::defaultPath();
    QVERIFY(p.endsWith(u"/anyrouter.sqlite"_s));
    QVERIFY2(p.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)), qPrintable(p));
    QVERIFY2(p.contains(u"qttest"_s), qPrintable(p)); // QStandardPaths test mode
}

void TestDatabase::errorTextPerSqliteCode_data()
{
    QTest::addColumn<QString>("nativeCode");
    QTest::addColumn<QString>("expected");
    // QSQLITE reports the (possibly extended) result code as text; the low byte is the primary code.
    QTest::newRow("SQLITE_FULL") << u"13"_s << u"the disk is full"_s;
    QTest::newRow("SQLITE_CORRUPT") << u"11"_s << u"the database file is damaged"_s;
    QTest::newRow("SQLITE_CORRUPT_INDEX (extended)") << u"779"_s << u"the database file is damaged"_s;
    QTest::newRow("SQLITE_NOTADB") << u"26"_s << u"the file is not a database"_s;
    QTest::newRow("SQLITE_IOERR") << u"10"_s << u"the disk reported a read or write error"_s;
    QTest::newRow("SQLITE_IOERR_WRITE (extended)")
        << u"778"_s << u"the disk reported a read or write error"_s;
    QTest::newRow("SQLITE_READONLY") << u"8"_s << u"the database is read-only"_s;
    QTest::newRow("SQLITE_BUSY") << u"5"_s << u"the database is locked by another program"_s;
    QTest::newRow("other: the driver's text") << u"1"_s << u"near \"x\": syntax error"_s;
}

void TestDatabase::errorTextPerSqliteCode()
{
    QFETCH(QString, nativeCode);
    QFETCH(QString, expected);
    const QSqlError e(u"Unable to fetch row"_s, u"near \"x\": syntax error"_s, QSqlError::StatementError,
                      nativeCode);
    QCOMPARE(Database::causeText(e), expected);
    Database db(path(u"named.sqlite"_s));
    const QString sentence = db.writeErrorText(e);
    QVERIFY2(sentence.contains(QDir::toNativeSeparators(path(u"named.sqlite"_s))), qPrintable(sentence));
    QVERIFY2(sentence.contains(expected), qPrintable(sentence));
    // "disk full" only for SQLITE_FULL.
    QCOMPARE(sentence.contains(u"disk is full"_s), (nativeCode.toInt() & 0xff) == 13);
}

// A real SQLITE_FULL from the driver (the file capped with max_page_count) carries code 13.
void TestDatabase::fullDiskIsReportedAsSuch()
{
    Database db(path(u"full.sqlite"_s));
    QVERIFY(db.open());
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"PRAGMA page_count"_s) && q.next());
    const int pages = q.value(0).toInt();
    QVERIFY(q.exec(u"PRAGMA max_page_count=%1"_s.arg(pages)));
    q.prepare(u"INSERT INTO conversations (workspace_id, title, model, system_prompt, pinned, created_at,"
              " updated_at) VALUES ('w', ?, '', '', 0, 0, 0)"_s);
    q.addBindValue(QString(200000, u'x'));
    QVERIFY(!q.exec());
    QCOMPARE(Database::sqliteCode(q.lastError()), int(Database::SqliteFull));
    QVERIFY2(db.writeErrorText(q.lastError()).contains(u"the disk is full"_s),
             qPrintable(db.writeErrorText(q.lastError())));
}

// Worker threads open their own connection per job (usage charts, catalog): by default only the
// header is checked, the whole-file quick_check is left to whoever asks for it (AppContext).
void TestDatabase::extraConnectionsDoNotReadTheWholeFile()
{
    const QString file = path(u"shared.sqlite"_s);
    {
        Database first(file);
        QVERIFY(first.open());
    }
    Database worker(file);
    QVERIFY(worker.open());
    QVERIFY(worker.integrityCheckDeferred());
    Database checked(file);
    checked.setQuickCheckLimitBytes(-1);
    QVERIFY(checked.open());
    QVERIFY(!checked.integrityCheckDeferred());
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "TestDatabase.moc"
