// AppContext: the composition root of the core — builds each service once (network manager,
// database and stores, secret store, workspace manager, the catalog worker thread) and hands them
// down; and holds the WorkspaceSession of the selected workspace, swapped on every workspace change.
// No singletons.
#pragma once

#include "core/storage/SecretStore.h"

#include <QObject>
#include <QString>

#include <memory>

class QLockFile;
class QNetworkAccessManager;
class QThread;

namespace anyrouter {

class BalanceHistory;
class CatalogCache;
class CatalogWorker;
class ConversationStore;
class Database;

class Settings;
class UsageLedger;
class UsageWorker;
class WorkspaceManager;
class WorkspaceSession;
class WorkspaceStore;

class AppContext : public QObject
{
    Q_OBJECT
public:
    // A database file up to this size is checked for damage (PRAGMA quick_check) inside open();
    // a larger one on a background thread afterwards. quick_check reads the whole file: measured
    // 290-520 ms (warm cache) for a 246 MB file of 300,000 messages, ~1 ms for 0.5 MB
    // (TestDamagedDatabase::quickCheckTiming), so inside open() only up to ~10 ms worth.
    static constexpr qint64 kDefaultQuickCheckLimitBytes = 8 * 1024 * 1024;

    struct Options
    {
        QString databasePath;                     // empty = Database::defaultPath()
        std::unique_ptr<SecretStore> secretStore; // empty = keychain (with session-only overlay)
        // < 0: always check inside open().
        qint64 quickCheckLimitBytes = kDefaultQuickCheckLimitBytes;
        // Test seam: cap the database at this many pages (a full disk without filling one). The
        // environment can set it too, for the real binary in tests: ANYROUTER_TEST_MAX_PAGE_COUNT=N,
        // honoured only together with ANYROUTER_TESTING=1 (or in QStandardPaths test mode).
        qint64 maxPageCount = 0;
        // false: no WorkspaceSession is built on a workspace change (tests of one per-workspace
        // object on its own, which would otherwise share the gateway and the cache with the session's).
        bool workspaceSessions = true;
    };

    explicit AppContext(Options options, QObject* parent = nullptr);
    ~AppContext() override;

    // Opens the database (runs migrations) and recovers replies a crash left "streaming". A damaged
    // file is moved aside (by the first instance only) and a new one started; databaseNotice() then
    // says where it went.
    bool open(QString* error);
    // A sentence for the user about the database (a damaged file moved aside), or empty.
    QString databaseNotice() const { return m_databaseNotice; }
    // True while the background damage check of a large file runs.
    bool isCheckingDatabase() const { return m_checkThread != nullptr; }
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
    // The one thread that parses, diffs and stores catalogs (with its own database connection).
    CatalogWorker* catalogWorker() const { return m_catalogWorker.get(); }
    // The one thread that reads the usage ledger and aggregates usage reports (its own connection).
    UsageWorker* usageWorker() const { return m_usageWorker.get(); }
    // The selected workspace's session: its catalog, account status, keys and usage. nullptr before
    // the first workspace is selected. Replaced (the old one deleted) on every workspace change.
    WorkspaceSession* session() const { return m_session.get(); }

signals:
    // A new session replaced the previous one (deleted right after this signal): observers rebind.
    void sessionChanged(anyrouter::WorkspaceSession* session);
    // The background check found the open database damaged: it is moved aside at the next start.
    void databaseDamaged(const QString& message);
    void databaseCheckFinished();

private:
    void startBackgroundCheck();
    void startSession();

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
    std::unique_ptr<CatalogWorker> m_catalogWorker;
    std::unique_ptr<UsageWorker> m_usageWorker;
    std::unique_ptr<WorkspaceSession> m_session;
    int m_recovered = 0;
    bool m_primary = false;
    std::unique_ptr<QLockFile> m_instanceLock;
    qint64 m_quickCheckLimit;
    qint64 m_maxPageCount;
    bool m_workspaceSessions;
    QString m_databaseNotice;
    QThread* m_checkThread = nullptr;
};

} // namespace anyrouter
