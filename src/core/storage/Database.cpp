// Database: connection set-up, pragmas, damage checks (header, quick_check, move aside), migration,
// nestable transactions and the wording of SQLite errors.
#include "core/storage/Database.h"

#include "core/storage/Migrations.h"
#include "core/storage/StorageLog.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>
#include <QtEndian>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {
QAtomicInteger<quint64> s_connectionCounter;

QString tr(const char* text)
{
    return QCoreApplication::translate("Database", text);
}

bool isMemoryPath(const QString& path)
{
    return path == u":memory:" || path.startsWith(u"file::memory:");
}

QString native(const QString& path)
{
    return QDir::toNativeSeparators(path);
}

// Cheap checks of the first 100 bytes (the SQLite header) before SQLite sees the file: a file that
// is not a database, a damaged header, or one cut short. Empty when nothing is wrong so far.
QString headerProblem(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists() || info.size() == 0)
        return {}; // SQLite makes an empty file a new database
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {}; // the open itself will say why
    const QByteArray h = f.read(100);
    static const QByteArray magic("SQLite format 3\0", 16);
    if (!h.startsWith(magic))
        return tr("it is not a SQLite database");
    if (h.size() < 100)
        return tr("the file is truncated (%1 bytes)").arg(info.size());
    quint32 pageSize = (quint32(uchar(h[16])) << 8) | uchar(h[17]);
    if (pageSize == 1)
        pageSize = 65536;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
        return tr("its header is damaged");
    const auto be32 = [&h](int at) { return qFromBigEndian<quint32>(h.constData() + at); };
    const quint32 pages = be32(28);
    // The page count in the header is only meant when its "valid for" counter matches; and pages a
    // WAL still holds may not be in the main file yet.
    const QFileInfo wal(path + u"-wal"_s);
    const bool walHasFrames = wal.exists() && wal.size() > 32;
    if (!walHasFrames && pages > 0 && be32(92) == be32(24) && info.size() < qint64(pages) * pageSize) {
        return tr("the file is truncated (%1 of %2 bytes)")
            .arg(QString::number(info.size()), QString::number(qint64(pages) * pageSize));
    }
    return {};
}

QString checkRows(QSqlQuery& q)
{
    QStringList problems;
    while (q.next()) {
        const QString row = q.value(0).toString();
        if (problems.size() < 3)
            problems.append(row.left(200));
    }
    if (problems.size() == 1 && problems.constFirst() == u"ok")
        return {};
    if (problems.isEmpty())
        return tr("the integrity check gave no answer");
    return problems.join(u"; "_s);
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
    closeConnection();
    if (QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
}

void Database::closeConnection()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (db.isOpen())
        db.close();
    m_transactionDepth = 0;
}

bool Database::fail(QString* error, const QString& message)
{
    qCWarning(lcStorage).noquote() << message;
    if (error)
        *error = message;
    closeConnection();
    return false;
}

int Database::sqliteCode(const QSqlError& e)
{
    bool ok = false;
    const int code = e.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : 0;
}

bool Database::isCorruption(const QSqlError& e)
{
    const int code = sqliteCode(e);
    return code == SqliteCorrupt || code == SqliteNotADb;
}

QString Database::causeText(const QSqlError& e)
{
    switch (sqliteCode(e)) {
    case SqliteFull:
        return tr("the disk is full");
    case SqliteCorrupt:
        return tr("the database file is damaged");
    case SqliteNotADb:
        return tr("the file is not a database");
    case SqliteIoErr:
        return tr("the disk reported a read or write error");
    case SqliteReadOnly:
        return tr("the database is read-only");
    case SqliteBusy:
    case SqliteLocked:
        return tr("the database is locked by another program");
    case SqliteCantOpen:
        return tr("the file cannot be opened");
    case SqlitePerm:
        return tr("permission denied");
    default:
        break;
    }
    const QString detail = e.databaseText().isEmpty() ? e.text() : e.databaseText();
    return detail.isEmpty() ? tr("an unknown database error") : detail;
}

QString Database::writeErrorText(const QSqlError& e) const
{
    return tr("Could not save to the database %1: %2.").arg(native(m_filePath), causeText(e));
}

QString Database::movedAsideNotice() const
{
    if (m_movedAsidePath.isEmpty())
        return {};
    return tr("The database was damaged (%1). It was moved aside to %2 and a new, empty one was started.")
        .arg(m_corruptionReason, native(m_movedAsidePath));
}

QString Database::describeOpenError(const QSqlError& e) const
{
    const QString file = native(m_filePath);
    const int code = sqliteCode(e);
    if (code == SqliteNotADb || code == SqliteCorrupt) {
        return u"The file %1 is not a usable AnyRouter database (%2). Move it aside to start with an "
               "empty one."_s.arg(file, e.databaseText());
    }
    if (code == SqliteReadOnly || code == SqliteCantOpen || code == SqlitePerm) {
        const QFileInfo info(m_filePath);
        const QString dir = native(info.absolutePath());
        if (!QFileInfo(info.absolutePath()).isWritable())
            return u"Cannot open the database %1: the folder %2 is not writable."_s.arg(file, dir);
        if (info.exists() && !info.isWritable())
            return u"Cannot open the database %1: the file is read-only."_s.arg(file);
    }
    if (code != 0)
        return tr("Cannot open the database %1: %2.").arg(file, causeText(e));
    return u"Cannot open the database %1: %2"_s.arg(file, e.text());
}

QString Database::quickCheck(const QString& filePath, bool* conclusive)
{
    if (conclusive)
        *conclusive = true;
    if (isMemoryPath(filePath) || !QFileInfo::exists(filePath))
        return {};
    if (const QString header = headerProblem(filePath); !header.isEmpty())
        return header;
    const QString name =
        u"anyrouter-check-"_s + QString::number(s_connectionCounter.fetchAndAddRelaxed(1) + 1);
    QString result;
    bool ran = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(filePath);
        // Read-only: closing a read-write connection, the last one on the file, would checkpoint
        // the WAL into a damaged file and delete the -wal and -shm that should go aside with it.
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=3000"_s);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"PRAGMA quick_check"_s)) {
                result = checkRows(q);
                ran = true;
            } else if (isCorruption(q.lastError())) {
                result = causeText(q.lastError());
                ran = true;
            } else { // busy, I/O, no -shm to read with: not a verdict on the file
                qCInfo(lcStorage) << "quick_check could not run:" << q.lastError().text();
            }
            q.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    if (conclusive)
        *conclusive = ran;
    return result;
}

QString Database::moveAside(const QString& filePath, QString* error)
{
    const QString base =
        filePath + u".corrupt-"_s + QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
    QString target = base;
    const auto taken = [](const QString& t) {
        return QFileInfo::exists(t) || QFileInfo::exists(t + u"-wal"_s) || QFileInfo::exists(t + u"-shm"_s);
    };
    for (int n = 2; taken(target); ++n)
        target = base + u'-' + QString::number(n);
    QFile main(filePath);
    if (!main.rename(target)) {
        if (error)
            *error = main.errorString();
        return {};
    }
    // The WAL goes with its file: left beside a new database, SQLite would replay it into that one.
    const QString wal = filePath + u"-wal"_s;
    if (QFileInfo::exists(wal) && !QFile::rename(wal, target + u"-wal"_s)) {
        QFile back(target);
        back.rename(filePath);
        if (error)
            *error = tr("its -wal file could not be moved");
        return {};
    }
    const QString shm = filePath + u"-shm"_s;
    if (QFileInfo::exists(shm) && !QFile::rename(shm, target + u"-shm"_s))
        qCWarning(lcStorage) << "could not move" << shm << "aside (SQLite rebuilds it)";
    qCWarning(lcStorage).noquote() << "moved the damaged database" << native(filePath) << "to"
                                   << native(target);
    return target;
}

bool Database::markDamaged(const QString& filePath, const QString& reason)
{
    QSaveFile f(damageMarkerPath(filePath));
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(reason.toUtf8());
    return f.commit();
}

bool Database::open(QString* error)
{
    if (isOpen())
        return true;
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return fail(error, u"The SQLite driver of Qt (QSQLITE) is not available."_s);
    m_movedAsidePath.clear();
    m_corruptionReason.clear();
    m_checkDeferred = false;

    const bool memory = isMemoryPath(m_filePath);
    const bool mayMove = !memory && m_policy == CorruptFilePolicy::MoveAside;
    const QString marker = damageMarkerPath(m_filePath);
    QString corruption;
    if (mayMove && QFileInfo::exists(marker)) {
        // A check in the last session found damage it could not act on while the file was in use.
        QFile f(marker);
        if (f.open(QIODevice::ReadOnly))
            corruption = QString::fromUtf8(f.read(1000)).trimmed();
        if (corruption.isEmpty())
            corruption = tr("a check found the file damaged");
        if (!QFileInfo::exists(m_filePath)) {
            QFile::remove(marker);
            corruption.clear();
        }
    }
    if (corruption.isEmpty()) {
        const Outcome first = openOnce(error, &corruption);
        if (first != Outcome::Corrupt)
            return first == Outcome::Opened;
    }
    const QString file = native(m_filePath);
    if (!mayMove) {
        return fail(error,
                    u"The file %1 is not a usable AnyRouter database (%2). Move it aside to start with "
                    "an empty one."_s.arg(file, corruption));
    }
    closeConnection();
    QString moveError;
    const QString moved = moveAside(m_filePath, &moveError);
    if (moved.isEmpty()) {
        return fail(error, tr("The database %1 is damaged (%2) and could not be moved aside: %3.")
                               .arg(file, corruption, moveError));
    }
    QFile::remove(marker); // the note is ours; the data file was moved, not deleted
    m_movedAsidePath = moved;
    m_corruptionReason = corruption;
    QString again;
    const Outcome fresh = openOnce(error, &again);
    if (fresh == Outcome::Corrupt)
        return fail(error, tr("A new database at %1 could not be started: %2.").arg(file, again));
    return fresh == Outcome::Opened;
}

Database::Outcome Database::openOnce(QString* error, QString* corruption)
{
    const bool memory = isMemoryPath(m_filePath);
    qint64 fileSize = 0;
    if (!memory) {
        const QFileInfo info(m_filePath);
        if (info.exists() && info.isDir()) {
            fail(error, u"Cannot open the database %1: it is a folder."_s.arg(native(m_filePath)));
            return Outcome::Failed;
        }
        const QString dirPath = info.absolutePath();
        if (!QDir().mkpath(dirPath)) {
            fail(error, u"Cannot create the data folder %1."_s.arg(native(dirPath)));
            return Outcome::Failed;
        }
        // SQLite would quietly open a read-only file read-only, and every later write would fail.
        if (info.exists() && !info.isWritable()) {
            fail(error, u"Cannot open the database %1: the file is read-only."_s.arg(native(m_filePath)));
            return Outcome::Failed;
        }
        if (const QString header = headerProblem(m_filePath); !header.isEmpty()) {
            *corruption = header;
            return Outcome::Corrupt;
        }
        fileSize = info.exists() ? info.size() : 0;
    }
    // quick_check is O(size) (figures in TestDamagedDatabase::quickCheckTiming); a file above the
    // limit is checked later on another thread by whoever opened it (AppContext).
    bool checkOnThisConnection = false;
    if (!memory && fileSize > 0) {
        if (m_quickCheckLimit < 0 || fileSize <= m_quickCheckLimit) {
            bool conclusive = false;
            const QString problem = quickCheck(m_filePath, &conclusive);
            if (!problem.isEmpty()) {
                *corruption = problem;
                return Outcome::Corrupt;
            }
            checkOnThisConnection = !conclusive;
        } else {
            m_checkDeferred = true;
        }
    }

    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(m_filePath);
    if (!db.open()) {
        fail(error, describeOpenError(db.lastError()));
        return Outcome::Failed;
    }

    // SQLite opens any file lazily; the first statement is what finds out that it is not a
    // database (or is damaged, or cannot be written), so ask for the journal mode first.
    QSqlQuery q(db);
    if (!q.exec(u"PRAGMA journal_mode=WAL"_s) || !q.next()) {
        const QSqlError e = q.lastError();
        q.finish();
        if (isCorruption(e)) {
            *corruption = causeText(e);
            closeConnection();
            return Outcome::Corrupt;
        }
        fail(error, describeOpenError(e));
        return Outcome::Failed;
    }
    const QString mode = q.value(0).toString();
    if (mode.compare(u"wal", Qt::CaseInsensitive) != 0 && !memory)
        qCWarning(lcStorage) << "WAL journal mode not available, using" << mode;
    QStringList pragmas = {u"PRAGMA foreign_keys=ON"_s, u"PRAGMA synchronous=NORMAL"_s,
                           u"PRAGMA busy_timeout=3000"_s};
    if (m_maxPageCount > 0)
        pragmas.append(u"PRAGMA max_page_count=%1"_s.arg(m_maxPageCount));
    for (const QString& p : std::as_const(pragmas)) {
        if (!q.exec(p)) {
            const QString reason = q.lastError().text();
            q.finish();
            fail(error, u"Cannot configure the database %1: %2"_s.arg(native(m_filePath), reason));
            return Outcome::Failed;
        }
    }
    if (checkOnThisConnection) {
        QString problem;
        if (q.exec(u"PRAGMA quick_check"_s))
            problem = checkRows(q);
        else if (isCorruption(q.lastError()))
            problem = causeText(q.lastError());
        if (!problem.isEmpty()) {
            q.finish();
            *corruption = problem;
            closeConnection();
            return Outcome::Corrupt;
        }
    }
    q.finish();

    QString migrationError;
    if (!migrations::migrate(db, &migrationError)) {
        // Damage the checks above did not reach (a deferred check): the schema itself is unreadable.
        if (migrationError.contains(u"malformed"_s) || migrationError.contains(u"not a database"_s)) {
            *corruption = migrationError;
            closeConnection();
            return Outcome::Corrupt;
        }
        fail(error, u"Cannot update the database %1: %2"_s.arg(native(m_filePath), migrationError));
        return Outcome::Failed;
    }
    qCDebug(lcStorage) << "opened database" << m_filePath << "schema version" << schemaVersion();
    return Outcome::Opened;
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
            m_lastTransactionError = db.lastError();
            qCWarning(lcStorage) << "BEGIN failed:" << db.lastError().text();
            return false;
        }
    } else {
        QSqlQuery q(db);
        if (!q.exec(u"SAVEPOINT sp%1"_s.arg(m_transactionDepth))) {
            m_lastTransactionError = q.lastError();
            qCWarning(lcStorage) << "SAVEPOINT failed:" << q.lastError().text();
            return false;
        }
    }
    ++m_transactionDepth;
    m_lastTransactionError = QSqlError();
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
            m_lastTransactionError = db.lastError();
            qCWarning(lcStorage) << "COMMIT failed:" << db.lastError().text();
            // A failed COMMIT leaves the transaction open; end it so the connection stays usable.
            db.rollback();
            m_transactionDepth = 0;
            return false;
        }
    } else {
        QSqlQuery q(db);
        if (!q.exec(u"RELEASE SAVEPOINT sp%1"_s.arg(m_transactionDepth - 1))) {
            m_lastTransactionError = q.lastError();
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
