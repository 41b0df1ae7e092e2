// WorkspaceManager: the list of workspaces (stored ones, plus the ephemeral "Environment" workspace
// from ANYROUTER_* variables and the "Demo" one backed by the simulator), which one is current, and
// the ApiClient + services bound to it. Keys come from the SecretStore asynchronously; ephemeral
// workspaces keep theirs in memory only and are never written to disk.
#pragma once

#include "core/api/AccountService.h"
#include "core/api/ApiClient.h"
#include "core/api/CatalogService.h"
#include "core/api/HealthService.h"
#include "core/api/UsageService.h"
#include "core/domain/Workspace.h"

#include <QHash>
#include <QObject>
#include <QProcessEnvironment>

#include <functional>

namespace anyrouter {

class SecretStore;
class WorkspaceStore;

class WorkspaceManager : public QObject
{
    Q_OBJECT
public:
    enum class KeyState
    {
        Unknown,
        Loading,
        Loaded,
        Missing,
        KeychainUnavailable
    };

    WorkspaceManager(QNetworkAccessManager* nam, WorkspaceStore* store, SecretStore* secrets,
                     QObject* parent = nullptr);

    // Reads ANYROUTER_API_KEY / ANYROUTER_BASE_URL / ANYROUTER_MODEL; adds "Environment" if a key is set.
    void addEnvironmentWorkspace(const QProcessEnvironment& env);
    // Adds an in-memory workspace (Demo, Environment) with its keys.
    void addEphemeral(const Workspace& ws, const QString& inferenceKey, const QString& managementKey = {});
    // The Demo workspace's server is started on first selection by this hook (lazy: no cost at start-up).
    void setDemoStarter(std::function<QUrl()> starter) { m_demoStarter = std::move(starter); }

    void reload(); // re-reads stored workspaces
    QList<Workspace> workspaces() const { return m_workspaces; }
    std::optional<Workspace> find(const QString& id) const;
    Workspace current() const { return m_current; }
    KeyState keyState() const { return m_keyState; }
    QString keyStateMessage() const { return m_keyMessage; }
    bool select(const QString& id);
    // Changes a workspace's default model: saved for stored workspaces, in memory only for the
    // ephemeral ones (Demo, Environment). False for an unknown id or a failed save.
    bool setDefaultModel(const QString& id, const QString& model);

    ApiClient* client() const { return m_client; }
    CatalogService* catalog() const { return m_catalog; }
    AccountService* account() const { return m_account; }
    UsageService* usage() const { return m_usage; }
    HealthService* health() const { return m_health; }

    static QString demoWorkspaceId() { return QStringLiteral("demo"); }
    static QString environmentWorkspaceId() { return QStringLiteral("env"); }

signals:
    void workspacesChanged();
    void currentChanged(const anyrouter::Workspace& ws); // client now points at it
    void keysReady(const anyrouter::Workspace& ws);      // keys loaded (or known missing): safe to fetch
    void keyStateChanged(anyrouter::WorkspaceManager::KeyState state, const QString& message);

private:
    void loadKeys(const Workspace& ws);
    void setKeyState(KeyState s, const QString& message);

    WorkspaceStore* m_store;
    SecretStore* m_secrets;
    ApiClient* m_client;
    CatalogService* m_catalog;
    AccountService* m_account;
    UsageService* m_usage;
    HealthService* m_health;
    QList<Workspace> m_workspaces;
    QHash<QString, QPair<QString, QString>> m_ephemeralKeys; // id -> (inference, management), memory only
    std::function<QUrl()> m_demoStarter;
    Workspace m_current;
    KeyState m_keyState = KeyState::Unknown;
    QString m_keyMessage;
    quint64 m_generation = 0; // guards against late keychain answers for a workspace no longer current
};

} // namespace anyrouter
