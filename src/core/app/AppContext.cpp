#include "AppContext.h"

#include "WorkspaceManager.h"
#include "storage/BalanceHistory.h"
#include "storage/CatalogCache.h"
#include "storage/ConversationStore.h"
#include "storage/Database.h"
#include "storage/SecretStore.h"
#include "storage/Settings.h"
#include "storage/UsageLedger.h"
#include "storage/WorkspaceStore.h"

#include <QLockFile>
#include <QNetworkAccessManager>
#include <QStandardPaths>

namespace anyrouter {

AppContext::AppContext(Options options, QObject* parent)
    : QObject(parent),
      m_dbPath(options.databasePath.isEmpty() ? Database::defaultPath() : options.databasePath),
      m_nam(new QNetworkAccessManager(this)), m_settings(std::make_unique<Settings>()),
      m_maxPageCount(options.maxPageCount)
{
    if (m_maxPageCount <= 0 &&
        (qEnvironmentVariableIntValue("ANYROUTER_TESTING") == 1 || QStandardPaths::isTestModeEnabled()))
        m_maxPageCount = qEnvironmentVariableIntValue("ANYROUTER_TEST_MAX_PAGE_COUNT");
    if (options.secretStore) {
        m_secrets = std::move(options.secretStore);
    } else {
        auto* keychain = new KeychainSecretStore(QStringLiteral("AnyRouter Desktop"));
        auto session = std::make_unique<SessionSecretStore>(keychain, nullptr);
        keychain->setParent(session.get());
        m_secrets = std::move(session);
    }
}

AppContext::~AppContext()
{
    delete m_workspaces; // before the stores it uses
    m_workspaces = nullptr;
}

bool AppContext::open(QString* error)
{
    m_db = std::make_unique<Database>(m_dbPath);
    m_db->setMaxPageCount(m_maxPageCount);
    if (!m_db->open(error))
        return false;
    m_conversations = std::make_unique<ConversationStore>(*m_db);
    m_ledger = std::make_unique<UsageLedger>(*m_db);
    m_catalogCache = std::make_unique<CatalogCache>(*m_db);
    m_balanceHistory = std::make_unique<BalanceHistory>(*m_db);
    m_workspaceStore = std::make_unique<WorkspaceStore>(*m_db);
    // QLockFile notices a lock left by a dead process (same host, pid gone) and takes it over, so a
    // crash never blocks recovery on the next start.
    m_instanceLock = std::make_unique<QLockFile>(m_dbPath + QStringLiteral(".lock"));
    m_primary = m_instanceLock->tryLock(0);
    if (m_primary)
        m_recovered = m_conversations->recoverInterrupted();
    m_workspaces = new WorkspaceManager(m_nam, m_workspaceStore.get(), m_secrets.get(), this);
    return true;
}

} // namespace anyrouter
