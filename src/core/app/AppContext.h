// AppContext: the composition root of the core — builds each service once (network manager,
// database and stores, secret store, workspace manager) and hands them down. No singletons.
#pragma once

#include "storage/SecretStore.h"

#include <QObject>
#include <QString>

#include <memory>

class QLockFile;
class QNetworkAccessManager;

namespace anyrouter {

class BalanceHistory;
class CatalogCache;
class ConversationStore;
class Database;

class Settings;
class UsageLedger;
class WorkspaceManager;
class WorkspaceStore;

class AppContext : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString databasePath;                     // empty = Database::defaultPath()
        std::unique_ptr<SecretStore> secretStore; // empty = keychain (with session-only overlay)
        // Test seam: cap the database at this many pages (a full disk without filling one). The
        // environment can set it too, for the real binary in tests: ANYROUTER_TEST_MAX_PAGE_COUNT=N,
        // honoured only together with ANYROUTER_TESTING=1 (or in QStandardPaths test mode).
        qint64 maxPageCount = 0;
    };

    explicit AppContext(Options options, QObject* parent = nullptr);
    ~AppContext() override;

    // Opens the database (runs migrations) and recovers replies a crash left "streaming".
    bool open(QString* error);
    int recoveredMessages() const { return m_recovered; }
    // True for the first instance on this database. Only it recovers replies left "streaming": a
    // second instance (e.g. --ask beside the window) must not mark the other's live reply incomplete.
    bool isPrimaryInstance() const { return m_primary; }

    QNetworkAccessManager* network() const { return m_nam; }
    Database* database() const { return m_db.get(); }
    ConversationStore* conversations() const { return m_conversations.get(); }
    UsageLedger* ledger() const { return m_ledger.get(); }
    CatalogCache* catalogCache() const { return m_catalogCache.get(); }
    BalanceHistory* balanceHistory() const { return m_balanceHistory.get(); }
    WorkspaceStore* workspaceStore() const { return m_workspaceStore.get(); }
    Settings* settings() const { return m_settings.get(); }
    SecretStore* secrets() const { return m_secrets.get(); }
    WorkspaceManager* workspaces() const { return m_workspaces; }

private:
    QString m_dbPath;
    QNetworkAccessManager* m_nam;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_conversations;
    std::unique_ptr<UsageLedger> m_ledger;
    std::unique_ptr<CatalogCache> m_catalogCache;
    std::unique_ptr<BalanceHistory> m_balanceHistory;
    std::unique_ptr<WorkspaceStore> m_workspaceStore;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<SecretStore> m_secrets;
    WorkspaceManager* m_workspaces = nullptr;
    int m_recovered = 0;
    bool m_primary = false;
    std::unique_ptr<QLockFile> m_instanceLock;
    qint64 m_maxPageCount;
};

} // namespace anyrouter
