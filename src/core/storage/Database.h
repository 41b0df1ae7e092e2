// Database: the one SQLite file of local data (conversations, messages, usage ledger, catalog cache).
// Opens in WAL mode with foreign keys on and brings the schema up to date through the forward-only
// migrations in Migrations.cpp. Each instance owns its own named QSqlDatabase connection; the store
// classes borrow it through connection(), so everything stays on the thread that opened it.
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

namespace anyrouter {

class Database
{
public:
    // connectionName empty -> a unique name per instance, so several databases (tests) can coexist.
    explicit Database(QString filePath, QString connectionName = {});
    ~Database(); // closes and removes the connection
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Creates the folder, opens the file, sets the pragmas and migrates. On failure returns false and
    // puts a sentence fit for the user in *error (also logged).
    bool open(QString* error = nullptr);
    bool isOpen() const;
    QSqlDatabase connection() const;
    QString filePath() const { return m_filePath; }
    QString connectionName() const { return m_connectionName; }

    int schemaVersion() const; // 0 when no schema yet
    static int latestSchemaVersion();
    static QString defaultPath(); // AppDataLocation + "/anyrouter.sqlite"

    // Nestable: the outermost call is a real transaction, inner ones are savepoints, so store
    // methods that use a transaction can run inside a caller's transaction.
    bool transaction();
    bool commit();
    void rollback();

private:
    bool fail(QString* error, const QString& message);
    QString describeOpenError(const QSqlError& e) const;

    QString m_filePath;
    QString m_connectionName;
    int m_transactionDepth = 0;
};

} // namespace anyrouter
