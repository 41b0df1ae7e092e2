#include "core/workspace/WorkspaceManager.h"

#include "core/storage/SecretStore.h"
#include "core/storage/WorkspaceStore.h"

#include <QProcessEnvironment>

#include <memory>

namespace anyrouter {

using namespace Qt::StringLiterals;

WorkspaceManager::WorkspaceManager(QNetworkAccessManager* nam, WorkspaceStore* store, SecretStore* secrets,
                                   QObject* parent)
    : QObject(parent), m_store(store), m_secrets(secrets), m_client(new ApiClient(nam, this)),
      m_catalog(new CatalogService(m_client, this)), m_account(new AccountService(m_client, this)),
      m_usage(new UsageService(m_client, this)), m_health(new HealthService(m_client, this))
{
    reload();
}

void WorkspaceManager::addEnvironmentWorkspace(const QProcessEnvironment& env)
{
    const QString key = env.value(u"ANYROUTER_API_KEY"_s).trimmed();
    if (key.isEmpty())
        return;
    Workspace ws;
    ws.id = environmentWorkspaceId();
    ws.name = tr("Environment");
    ws.kind = Workspace::Kind::Environment;
    const QString base = env.value(u"ANYROUTER_BASE_URL"_s).trimmed();
    ws.baseUrl = base.isEmpty() ? Workspace::defaultBaseUrl() : QUrl(base);
    ws.defaultModel = env.value(u"ANYROUTER_MODEL"_s).trimmed();
    // Explicit opt-in for a plain-http gateway on another host (keys would travel in clear text).
    ws.allowInsecureHttp = env.value(u"ANYROUTER_ALLOW_INSECURE_HTTP"_s) == u"1"_s;
    addEphemeral(ws, key);
}

void WorkspaceManager::addEphemeral(const Workspace& ws, const QString& inferenceKey,
                                    const QString& managementKey)
{
    m_ephemeralKeys.insert(ws.id, {inferenceKey, managementKey});
    for (qsizetype i = 0; i < m_workspaces.size(); ++i) {
        if (m_workspaces[i].id == ws.id) {
            m_workspaces[i] = ws;
            emit workspacesChanged();
            return;
        }
    }
    m_workspaces.prepend(ws);
    emit workspacesChanged();
}

void WorkspaceManager::reload()
{
    QList<Workspace> next;
    for (const Workspace& w : std::as_const(m_workspaces)) {
        if (w.isEphemeral())
            next.append(w);
    }
    if (m_store)
        next += m_store->list();
    m_workspaces = next;
    emit workspacesChanged();
}

std::optional<Workspace> WorkspaceManager::find(const QString& id) const
{
    for (const Workspace& w : m_workspaces) {
        if (w.id == id)
            return w;
    }
    return std::nullopt;
}

bool WorkspaceManager::select(const QString& id)
{
    auto ws = find(id);
    if (!ws)
        return false;
    if (ws->kind == Workspace::Kind::Demo && m_demoStarter) {
        const QUrl url = m_demoStarter(); // idempotent; returns the running simulator's URL
        if (url.isValid())
            ws->baseUrl = url;
        for (Workspace& w : m_workspaces) {
            if (w.id == ws->id)
                w.baseUrl = ws->baseUrl;
        }
    }
    ++m_generation;
    m_current = *ws;
    m_client->setBaseUrl(ws->baseUrl);
    m_client->setAllowInsecureHttp(ws->allowInsecureHttp);
    Attribution attribution; // the app's own, unless the workspace overrides a field
    if (!ws->attributionTitle.isEmpty())
        attribution.title = ws->attributionTitle;
    if (!ws->attributionSource.isEmpty())
        attribution.source = ws->attributionSource;
    if (!ws->attributionReferer.isEmpty())
        attribution.referer = ws->attributionReferer;
    m_client->setAttribution(attribution);
    m_client->setKeys({}, {});
    emit currentChanged(m_current);
    loadKeys(m_current);
    return true;
}

void WorkspaceManager::setKeyState(KeyState s, const QString& message)
{
    m_keyState = s;
    m_keyMessage = message;
    emit keyStateChanged(s, message);
}

void WorkspaceManager::loadKeys(const Workspace& ws)
{
    if (ws.isEphemeral() || !m_secrets) {
        const auto keys = m_ephemeralKeys.value(ws.id);
        m_client->setKeys(keys.first, keys.second);
        setKeyState(keys.first.isEmpty() ? KeyState::Missing : KeyState::Loaded,
                    keys.first.isEmpty() ? tr("No API key set for this workspace.") : QString());
        emit keysReady(ws);
        return;
    }
    setKeyState(KeyState::Loading, tr("Reading the workspace's keys from the system keychain…"));
    const quint64 gen = m_generation;
    auto inference = std::make_shared<SecretStore::Result>();
    m_secrets->read(secretKeyFor(ws.id, KeyKind::Inference), this, [=, this](const SecretStore::Result& r) {
        if (gen != m_generation)
            return;
        *inference = r;
        m_secrets->read(
            secretKeyFor(ws.id, KeyKind::Management), this, [=, this](const SecretStore::Result& m) {
                if (gen != m_generation)
                    return;
                const QString mgmt = m.status == SecretStore::Status::Ok ? m.secret : QString();
                if (inference->status == SecretStore::Status::Ok) {
                    m_client->setKeys(inference->secret, mgmt);
                    setKeyState(KeyState::Loaded, {});
                } else if (inference->status == SecretStore::Status::NotFound) {
                    m_client->setKeys({}, mgmt);
                    setKeyState(KeyState::Missing, tr("No API key is stored for this workspace."));
                } else {
                    m_client->setKeys({}, {});
                    setKeyState(KeyState::KeychainUnavailable, tr("The system keychain did not answer (%1). "
                                                                  "Keys cannot be read; you can enter a key "
                                                                  "for this session only.")
                                                                   .arg(inference->errorString));
                }
                emit keysReady(m_current);
            });
    });
}

bool WorkspaceManager::setDefaultModel(const QString& id, const QString& model)
{
    for (Workspace& w : m_workspaces) {
        if (w.id != id)
            continue;
        Workspace next = w;
        next.defaultModel = model;
        if (!next.isEphemeral() && m_store && !m_store->save(next))
            return false;
        w = next;
        if (m_current.id == id)
            m_current.defaultModel = model;
        emit workspacesChanged();
        return true;
    }
    return false;
}

} // namespace anyrouter
