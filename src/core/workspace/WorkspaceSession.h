// WorkspaceSession: everything the app knows about the selected workspace — its catalog, account
// status, keys list and usage reports — fetched once and shared by every observer (pages, the model
// picker, the overview, the status bar, later the tray). AppContext creates one per selected
// workspace and deletes the previous one on a switch. Every request a session makes is bound to the
// session's lifetime (its objects are the services' context), so a late reply for a workspace no
// longer selected is dropped by Qt itself: no generation counters.
#pragma once

#include "core/domain/Workspace.h"

#include <QObject>

namespace anyrouter {

class AccountStatus;
class AppContext;
class CatalogRepository;
class KeyManager;
class UsageReports;

class WorkspaceSession : public QObject
{
    Q_OBJECT
public:
    // `context` must outlive the session (it owns it). The session starts fetching once the
    // workspace's keys are ready (WorkspaceManager::keysReady for this workspace).
    WorkspaceSession(AppContext* context, const Workspace& workspace, QObject* parent = nullptr);
    ~WorkspaceSession() override;

    Workspace workspace() const { return m_workspace; }
    QString workspaceId() const { return m_workspace.id; }
    AppContext* context() const { return m_context; }
    // True once this workspace's keys were read (or are known to be missing): fetching makes sense.
    bool keysReady() const { return m_keysReady; }

    // The workspace's model catalog: cached at once, refreshed from the gateway once keys are ready.
    CatalogRepository* catalog() const { return m_catalog; }
    // The workspace's credits, balance snapshots, low-balance state and gateway health: read once the
    // keys are ready, re-read every 10 minutes and on refresh().
    AccountStatus* account() const { return m_account; }
    // The workspace's API keys and their management; the list is fetched once observed.
    KeyManager* keys() const { return m_keys; }
    // The workspace's usage reports (gateway activity, ledger charts, reconciliation): fetched once observed.
    UsageReports* usage() const { return m_usage; }

    // Fetches every figure again (F5): catalog, account status, keys and usage where observed.
    void refresh();

signals:
    // This workspace's keys were read (or are known to be missing).
    void keysBecameReady();
    // A fresh fetch of everything was asked for (F5); observers of optional data re-read theirs.
    void refreshRequested();

private:
    void onKeysReady();

    AppContext* m_context;
    Workspace m_workspace;
    bool m_keysReady = false;
    CatalogRepository* m_catalog = nullptr;
    AccountStatus* m_account = nullptr;
    KeyManager* m_keys = nullptr;
    UsageReports* m_usage = nullptr;
};

} // namespace anyrouter
