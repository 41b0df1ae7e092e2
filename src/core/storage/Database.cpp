// Database: connection set-up, pragmas, migration and nestable transactions.
#include "Database.h"

#include "Migrations.h"
#include "StorageLog.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {
QAtomicInteger<quint64> s_connectionCounter;

bool isMemoryPath(const QString& path)
{
    return path == u":memory:" || path.startsWith(u"file::memory:");
}
} // namespace

Database::Database(QString filePath, QString connectionName)
    : m_filePath(std::move(filePath)), m_connectionName(std::move(connectionName))
{
    if (m_connectionName.isEmpty())
        m_connectionName =
            u"anyrouter-db-"_s + QString::number(s_connectionCounter.fetchAndAddRelaxed(1) + 1);
}

Database::~Database()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    if (QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
}

bool Database::fail(QString* error, const QString& message)
{
    qCWarning(lcStorage).noquote() << message;
    if (error)
        *error = message;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (db.isOpen())
        db.close();
    return false;
}

QString Database::describeOpenError(const QSqlError& e) const
{
    const QString file = QDir::toNativeSeparators(m_filePath);
    // Primary SQLite result codes (the low byte of an extended code).
    const int code = e.nativeErrorCode().toInt() & 0xff;
    enum
    {
        SqliteCorrupt = 11,
        SqliteNotADb = 26,
        SqliteReadOnly = 8,
        SqliteCantOpen = 14,
        SqlitePerm = 3
    };
    if (code == SqliteNotADb || code == SqliteCorrupt) {
        return u"The file %1 is not a usable AnyRouter database (%2). Move it aside to start with an "
               "empty one."_s.arg(file, e.databaseText());
    }
    if (code == SqliteReadOnly || code == SqliteCantOpen || code == SqlitePerm) {
        const QFileInfo info(m_filePath);
        const QString dir = QDir::toNativeSeparators(info.absolutePath());
        if (!QFileInfo(info.absolutePath()).isWritable())
            return u"Cannot open the database %1: the folder %2 is not writable."_s.arg(file, dir);
        if (info.exists() && !info.isWritable())
            return u"Cannot open the database %1: the file is read-only."_s.arg(file);
    }
    return u"Cannot open the database %1: %2"_s.arg(file, e.text());
}

bool Database::open(QString* error)
{
    if (isOpen())
        return true;
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return fail(error, u"The SQLite driver of Qt (QSQLITE) is not available."_s);

    if (!isMemoryPath(m_filePath)) {
        const QFileInfo info(m_filePath);
        if (info.exists() && info.isDir())
            return fail(error, u"Cannot open the database %1: it is a folder."_s.arg(
                                   QDir::toNativeSeparators(m_filePath)));
        const QString dirPath = info.absolutePath();
        if (!QDir().mkpath(dirPath))
            return fail(error, u"Cannot create the data folder %1."_s.arg(QDir::toNativeSeparators(dirPath)));
        // SQLite would quietly open a read-only file read-only, and every later write would fail.
        if (info.exists() && !info.isWritable()) {
            return fail(error, u"Cannot open the database %1: the file is read-only."_s.arg(
                                   QDir::toNativeSeparators(m_filePath)));
        }
    }

    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_filePath);
    if (!db.open())
        return fail(error, describeOpenError(db.lastError()));

    // SQLite opens any file lazily; the first statement is what finds out that it is not a
    // database (or is damaged, or cannot be written), so ask for the journal mode first.
    QSqlQuery q(db);
    if (!q.exec(u"PRAGMA journal_mode=WAL"_s) || !q.next()) {
        const QSqlError e = q.lastError();
        q.finish();
        return fail(error, describeOpenError(e));
    }
    const QString mode = q.value(0).toString();
    if (mode.compare(u"wal", Qt::CaseInsensitive) != 0 && !isMemoryPath(m_filePath))
        qCWarning(lcStorage) << "WAL journal mode not available, using" << mode;
    const QStringList pragmas = {u"PRAGMA foreign_keys=ON"_s, u"PRAGMA synchronous=NORMAL"_s,
                                 u"PRAGMA busy_timeout=3000"_s};
    for (const QString& p : pragmas) {
        if (!q.exec(p)) {
            const QString reason = q.lastError().text();
            q.finish();
            return fail(error, u"Cannot configure the database %1: %2"_s.arg(
                                   QDir::toNativeSeparators(m_filePath), reason));
        }
    }
    q.finish();

    QString migrationError;
    if (!migrations::migrate(db, &migrationError)) {
        return fail(error, u"Cannot update the database %1: %2"_s.arg(QDir::toNativeSeparators(m_filePath),
                                                                      migrationError));
    }
    qCDebug(lcStorage) << "opened database" << m_filePath << "schema version" << schemaVersion();
    return true;
}

bool Database::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) &&
           QSqlDatabase::database(m_connectionName, false).isOpen();
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

int Database::schemaVersion() const
{
    if (!isOpen())
        return 0;
    return std::max(0, migrations::currentVersion(connection()));
}

int Database::latestSchemaVersion()
{
    return migrations::latestVersion();
}

QString Database::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/anyrouter.sqlite"_s;
}

bool Database::transaction()
{
    QSqlDatabase db = connection();
    if (m_transactionDepth == 0) {
        if (!db.transaction()) {
            qCWarning(lcStorage) << "BEGIN failed:" << db.lastError().text();
            return false;
        }
    } else {
        QSqlQuery q(db);
        if (!q.exec(u"SAVEPOINT sp%1"_s.arg(m_transactionDepth))) {
            qCWarning(lcStorage) << "SAVEPOINT failed:" << q.lastError().text();
            return false;
        }
    }
    ++m_transactionDepth;
    return true;
}

bool Database::commit()
{
    if (m_transactionDepth <= 0) {
        qCWarning(lcStorage) << "commit() without transaction()";
        return false;
    }
    QSqlDatabase db = connection();
    if (m_transactionDepth == 1) {
        if (!db.commit()) {
            qCWarning(lcStorage) << "COMMIT failed:" << db.lastError().text();
            // A failed COMMIT leaves the transaction open; end it so the connection stays usable.
            db.rollback();
            m_transactionDepth = 0;
            return false;
        }
    } else {
        QSqlQuery q(db);
        if (!q.exec(u"RELEASE SAVEPOINT sp%1"_s.arg(m_transactionDepth - 1))) {
            qCWarning(lcStorage) << "RELEASE failed:" << q.lastError().text();
            return false;
        }
    }
    --m_transactionDepth;
    return true;
}

void Database::rollback()
{
    if (m_transactionDepth <= 0) {
        qCWarning(lcStorage) << "rollback() without transaction()";
        return;
    }
    QSqlDatabase db = connection();
    if (m_transactionDepth == 1) {
        if (!db.rollback())
            qCWarning(lcStorage) << "ROLLBACK failed:" << db.lastError().text();
    } else {
        QSqlQuery q(db);
        const QString name = u"sp%1"_s.arg(m_transactionDepth - 1);
        if (!q.exec(u"ROLLBACK TO SAVEPOINT "_s + name) || !q.exec(u"RELEASE SAVEPOINT "_s + name))
            qCWarning(lcStorage) << "ROLLBACK TO failed:" << q.lastError().text();
    }
    --m_transactionDepth;
}

} // namespace anyrouter
