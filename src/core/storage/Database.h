// Database: the one SQLite file of local data (conversations, messages, usage ledger, catalog cache).
// Opens in WAL mode with foreign keys on and brings the schema up to date through the forward-only
// migrations in Migrations.cpp. Each instance owns its own named QSqlDatabase connection; the store
// classes borrow it through connection(), so everything stays on the thread that opened it.
//
// Damage: open() checks the file (its header, then PRAGMA quick_check for files up to
// quickCheckLimitBytes(); a larger file is checked by quickCheck() on another thread, see
// AppContext). With CorruptFilePolicy::MoveAside a damaged file — or one that is not a database
// at all, or is truncated — is renamed (never deleted) with its -wal/-shm to
// "<name>.corrupt-YYYYMMDD-HHMMSS" and a fresh database is started; movedAsidePath() says where.
// The default policy refuses such a file with a sentence saying what is wrong.
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

namespace anyrouter {

class Database
{
public:
    enum class CorruptFilePolicy
    {
        Refuse,   // open() fails and leaves the file alone (tests, tools, a second instance)
        MoveAside // open() renames the damaged file and starts an empty database (the app)
    };

    // SQLite primary result codes the app tells apart (the low byte of an extended code).
    enum SqliteCode
    {
        SqlitePerm = 3,
        SqliteBusy = 5,
        SqliteLocked = 6,
        SqliteReadOnly = 8,
        SqliteIoErr = 10,
        SqliteCorrupt = 11,
        SqliteFull = 13,
        SqliteCantOpen = 14,
        SqliteNotADb = 26
    };

    // connectionName empty -> a unique name per instance, so several databases (tests) can coexist.
    explicit Database(QString filePath, QString connectionName = {});
    ~Database(); // closes and removes the connection
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void setCorruptFilePolicy(CorruptFilePolicy policy) { m_policy = policy; }
    // Files up to this size are quick-checked inside open(); < 0 = always. Larger ones are left to
    // quickCheck() off the GUI thread (integrityCheckDeferred() is then true). The default, 0, checks
    // only the header: the extra connections of a running app (worker threads) must not read the
    // whole file again each time; AppContext sets the limit for the app's own connection.
    void setQuickCheckLimitBytes(qint64 bytes) { m_quickCheckLimit = bytes; }
    qint64 quickCheckLimitBytes() const { return m_quickCheckLimit; }
    // Test seam: caps the file at this many pages on this connection (PRAGMA max_page_count), so a
    // full disk can be simulated without filling one. 0 = no cap.
    void setMaxPageCount(qint64 pages) { m_maxPageCount = pages; }

    // Creates the folder, opens the file, sets the pragmas and migrates. On failure returns false and
    // puts a sentence fit for the user in *error (also logged).
    bool open(QString* error = nullptr);
    bool isOpen() const;
    QSqlDatabase connection() const;
    QString filePath() const { return m_filePath; }
    QString connectionName() const { return m_connectionName; }

    // Where open() moved a damaged file (empty when it did not), and what was wrong with it.
    QString movedAsidePath() const { return m_movedAsidePath; }
    QString corruptionReason() const { return m_corruptionReason; }
    // A sentence for the user about the moved file (empty when nothing was moved).
    QString movedAsideNotice() const;
    bool integrityCheckDeferred() const { return m_checkDeferred; }

    int schemaVersion() const; // 0 when no schema yet
    static int latestSchemaVersion();
    static QString defaultPath(); // AppDataLocation + "/anyrouter.sqlite"

    // Nestable: the outermost call is a real transaction, inner ones are savepoints, so store
    // methods that use a transaction can run inside a caller's transaction.
    bool transaction();
    bool commit();
    void rollback();
    // The error of the last failed transaction()/commit() on this database (none after success).
    QSqlError lastTransactionError() const { return m_lastTransactionError; }

    // --- errors -----------------------------------------------------------------------------
    // The primary SQLite result code of a QSQLITE error (0 when it carries none).
    static int sqliteCode(const QSqlError& e);
    // What went wrong, as a phrase: "the disk is full", "the database file is damaged", …
    static QString causeText(const QSqlError& e);
    // "Could not save to the database /path/file: the disk is full." — names the file and cause.
    QString writeErrorText(const QSqlError& e) const;
    static bool isCorruption(const QSqlError& e);

    // --- damage -----------------------------------------------------------------------------
    // PRAGMA quick_check on its own read-only connection, so it may run on any thread. Empty when
    // the file is sound (or absent, or the check could not run: *conclusive false); else what is
    // wrong. Reads the whole file: O(size).
    static QString quickCheck(const QString& filePath, bool* conclusive = nullptr);
    // Renames filePath and its -wal/-shm to "<filePath>.corrupt-YYYYMMDD-HHMMSS[-N]"; returns the
    // new name of the main file, or empty (with *error) when it could not be moved.
    static QString moveAside(const QString& filePath, QString* error);
    // A file noting that a deferred check found damage: the next open() with MoveAside moves the
    // file aside before using it (the running app keeps the connection it has).
    static QString damageMarkerPath(const QString& filePath) { return filePath + QStringLiteral(".damaged"); }
    static bool markDamaged(const QString& filePath, const QString& reason);

private:
    enum class Outcome
    {
        Opened,
        Failed,
        Corrupt
    };
    Outcome openOnce(QString* error, QString* corruption);
    bool fail(QString* error, const QString& message);
    void closeConnection();
    QString describeOpenError(const QSqlError& e) const;

    QString m_filePath;
    QString m_connectionName;
    int m_transactionDepth = 0;
    CorruptFilePolicy m_policy = CorruptFilePolicy::Refuse;
    qint64 m_quickCheckLimit = 0;
    qint64 m_maxPageCount = 0;
    QString m_movedAsidePath;
    QString m_corruptionReason;
    bool m_checkDeferred = false;
    QSqlError m_lastTransactionError;
};

} // namespace anyrouter
