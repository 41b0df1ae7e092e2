#include "core/AppContext.h"

#include "core/catalog/CatalogWorker.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/CatalogCache.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/SecretStore.h"
#include "core/storage/Settings.h"
#include "core/storage/UsageLedger.h"
#include "core/storage/WorkspaceStore.h"
#include "core/usage/UsageWorker.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QStandardPaths>
#include <QThread>

namespace anyrouter {

AppContext::AppContext(Options options, QObject* parent)
    : QObject(parent),
      m_dbPath(options.databasePath.isEmpty() ? Database::defaultPath() : options.databasePath),
      m_nam(new QNetworkAccessManager(this)), m_settings(std::make_unique<Settings>()),
      m_quickCheckLimit(options.quickCheckLimitBytes), m_maxPageCount(options.maxPageCount),
      m_workspaceSessions(options.workspaceSessions)
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
    if (m_checkThread) {
        // Reads only; at quit it is let finish rather than killed mid-read (it owns a connection).
        m_checkThread->wait();
        delete m_checkThread;
        m_checkThread = nullptr;
    }
    m_session.reset(); // before the worker and the manager it uses
    m_catalogWorker.reset();
    m_usageWorker.reset();
    delete m_workspaces; // before the stores it uses
    m_workspaces = nullptr;
}

bool AppContext::open(QString* error)
{
    // QLockFile notices a lock left by a dead process (same host, pid gone) and takes it over, so a
    // crash never blocks recovery on the next start. Taken before the file is opened: only the first
    // instance may move a damaged file aside (a second one, e.g. --ask beside the window, must not
    // pull the file from under the first).
    QDir().mkpath(QFileInfo(m_dbPath).absolutePath());
    m_instanceLock = std::make_unique<QLockFile>(m_dbPath + QStringLiteral(".lock"));
    m_primary = m_instanceLock->tryLock(0);
    m_db = std::make_unique<Database>(m_dbPath);
    m_db->setCorruptFilePolicy(m_primary ? Database::CorruptFilePolicy::MoveAside
                                         : Database::CorruptFilePolicy::Refuse);
    m_db->setQuickCheckLimitBytes(m_quickCheckLimit);
    m_db->setMaxPageCount(m_maxPageCount);
    if (!m_db->open(error))
        return false;
    m_databaseNotice = m_db->movedAsideNotice();
    m_conversations = std::make_unique<ConversationStore>(*m_db);
    m_ledger = std::make_unique<UsageLedger>(*m_db);
    m_catalogCache = std::make_unique<CatalogCache>(*m_db);
    m_balanceHistory = std::make_unique<BalanceHistory>(*m_db);
    m_workspaceStore = std::make_unique<WorkspaceStore>(*m_db);
    if (m_primary)
        m_recovered = m_conversations->recoverInterrupted();
    m_workspaces = new WorkspaceManager(m_nam, m_workspaceStore.get(), m_secrets.get(), this);
    m_catalogWorker = std::make_unique<CatalogWorker>(m_catalogCache.get(), m_catalogCache->databasePath());
    // Its thread starts with the first report: nothing runs until the Usage tab is shown.
    m_usageWorker = std::make_unique<UsageWorker>(m_db->filePath(), m_db.get());
    if (m_workspaceSessions)
        connect(m_workspaces, &WorkspaceManager::currentChanged, this, &AppContext::startSession);
    if (m_db->integrityCheckDeferred() && m_primary)
        startBackgroundCheck();
    return true;
}

void AppContext::startSession()
{
    // The new session exists before the old one goes, so observers never see none; deleting the old
    // one drops every reply still on its way for it.
    std::unique_ptr<WorkspaceSession> previous = std::move(m_session);
    m_session = std::make_unique<WorkspaceSession>(this, m_workspaces->current());
    emit sessionChanged(m_session.get());
    previous.reset();
}

void AppContext::startBackgroundCheck()
{
    const QString path = m_dbPath;
    QPointer<AppContext> self(this);
    m_checkThread = QThread::create([path, self] {
        const QString problem = Database::quickCheck(path); // its own connection, on this thread
        // Noted here, not in the queued call: the app may be quitting (--ask done) and drop that.
        if (!problem.isEmpty())
            Database::markDamaged(path, problem);
        QMetaObject::invokeMethod(
            self.data(),
            [path, self, problem] {
                if (!self)
                    return;
                if (self->m_checkThread) {
                    self->m_checkThread->wait();
                    delete self->m_checkThread;
                    self->m_checkThread = nullptr;
                }
                if (!problem.isEmpty()) {
                    const QString message =
                        QCoreApplication::translate(
                            "AppContext",
                            "The database %1 is damaged (%2). It will be moved aside and a new one "
                            "started the next time AnyRouter Desktop starts; until then some "
                            "conversations may not open or save.")
                            .arg(QDir::toNativeSeparators(path), problem);
                    self->m_databaseNotice = message;
                    emit self->databaseDamaged(message);
                }
                emit self->databaseCheckFinished();
            },
            Qt::QueuedConnection);
    });
    m_checkThread->start(QThread::LowPriority);
}

} // namespace anyrouter
