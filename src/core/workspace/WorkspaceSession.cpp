// WorkspaceSession: builds the per-workspace objects and starts them once the keys are ready.
#include "core/workspace/WorkspaceSession.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/account/KeyManager.h"
#include "core/catalog/CatalogRepository.h"
#include "core/usage/UsageReports.h"
#include "core/workspace/WorkspaceManager.h"

namespace anyrouter {

WorkspaceSession::WorkspaceSession(AppContext* context, const Workspace& workspace, QObject* parent)
    : QObject(parent), m_context(context), m_workspace(workspace)
{
    WorkspaceManager* ws = context->workspaces();
    m_catalog = new CatalogRepository(workspace.id, ws->catalog(), context->catalogCache(),
                                      context->catalogWorker(), ws->client()->clock(), this);
    // The manager answers for the current workspace only; this session is created on currentChanged,
    // before the keys are read (at once for Demo/Environment, later from the keychain).
    connect(ws, &WorkspaceManager::keysReady, this, [this](const Workspace& w) {
        if (w.id == m_workspace.id)
            onKeysReady();
    });
    m_catalog->loadCache();
    m_account = new AccountStatus(this);
    m_keys = new KeyManager(this);
    m_usage = new UsageReports(this);
}

WorkspaceSession::~WorkspaceSession() = default;

void WorkspaceSession::onKeysReady()
{
    m_keysReady = true;
    m_catalog->refresh(); // one at a time: a refresh already on its way is not asked again
    emit keysBecameReady();
}

void WorkspaceSession::refresh()
{
    if (!m_keysReady)
        return; // keysBecameReady fetches everything anyway
    m_catalog->refresh();
    emit refreshRequested();
}

} // namespace anyrouter
