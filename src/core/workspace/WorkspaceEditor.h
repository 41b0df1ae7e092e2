// WorkspaceEditor: the non-widget half of the workspace editor — URL policy, key validation against
// the gateway on a throw-away ApiClient, and create/edit/duplicate/delete with the keys stored only
// in the SecretStore (never the database, settings or logs). The dialogs stay thin on top of it.
#pragma once

#include "core/api/AccountService.h"
#include "core/domain/Workspace.h"
#include "core/storage/SecretStore.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace anyrouter {

class ApiClient;
class WorkspaceManager;
class WorkspaceStore;

class WorkspaceEditor : public QObject
{
    Q_OBJECT
public:
    struct UrlCheck
    {
        bool ok = false;
        bool needsInsecureConsent = false; // http:// to a non-loopback host without the user's consent
        QUrl url;                          // normalised (no trailing slash) when ok
        QString message;                   // why it was refused, in plain words
    };
    // Refuses malformed URLs, non-http(s) schemes, credentials in the URL, and plain http:// to a
    // non-loopback host unless allowInsecureHttp.
    static UrlCheck checkUrl(const QString& text, bool allowInsecureHttp);
    static bool isLoopbackHost(const QString& host);

    enum class Outcome
    {
        Ok,
        KeychainUnavailable, // the keychain did not take the keys: the UI may offer "this session only"
        Failed,
    };
    struct SaveResult
    {
        Outcome outcome = Outcome::Ok;
        QString message; // for the user; never contains a secret
        Workspace workspace;
    };
    using SaveCallback = std::function<void(const SaveResult&)>;
    // A key change: nullopt = leave the stored key as it is; empty = remove it; else store it.
    using KeyChange = std::optional<QString>;

    WorkspaceEditor(QNetworkAccessManager* nam, WorkspaceStore* store, SecretStore* secrets,
                    WorkspaceManager* manager = nullptr, QObject* parent = nullptr);
    ~WorkspaceEditor() override;

    static QString newWorkspaceId();

    // Probes the gateway at `baseUrl` with these keys (credits, models, keys). One validation at a
    // time: a new one cancels the previous. The callback does not run after cancelValidation().
    // allowInsecureHttp: the user's consent for plain http:// to a non-loopback host (else ApiClient
    // refuses to send the keys there).
    void validate(const QUrl& baseUrl, bool allowInsecureHttp, const QString& inferenceKey,
                  const QString& managementKey, QObject* context,
                  std::function<void(const KeyCapabilities&)> cb);
    void cancelValidation();
    bool isValidating() const { return !m_validation.isNull(); }
    // Whether a probe result is good enough to save without a warning.
    static bool isUsable(const KeyCapabilities& caps);

    // Reads both keys of a stored workspace. status is the inference key's read status (Ok/NotFound/...).
    void readKeys(const QString& workspaceId, QObject* context,
                  std::function<void(SecretStore::Status status, const QString& inference,
                                     const QString& management, const QString& error)>
                      cb);

    // Writes the key changes to the SecretStore, then the workspace row; then reloads the manager
    // (re-selecting the workspace if it was current). A new workspace needs a non-empty id.
    void save(const Workspace& ws, KeyChange inference, KeyChange management, QObject* context,
              SaveCallback cb);
    // After Outcome::KeychainUnavailable: keeps the keys in memory for this session (only possible
    // when the SecretStore is a SessionSecretStore) and saves the workspace row.
    bool canKeepForSession() const;
    SaveResult saveForSession(const Workspace& ws, const QString& inference, const QString& management);
    // Copies the workspace under a new id and name, keys copied keychain -> keychain.
    void duplicate(const QString& workspaceId, const QString& newName, QObject* context, SaveCallback cb);
    // Removes the keys from the keychain and the workspace row. Conversations and the usage ledger
    // are kept. When the current workspace is removed the manager selects the first one left.
    void remove(const QString& workspaceId, QObject* context, SaveCallback cb);

private:
    void writeKeys(const Workspace& ws, KeyChange inference, KeyChange management, QObject* context,
                   SaveCallback cb);
    SaveResult commitRow(const Workspace& ws);
    void afterChange(const QString& id, bool removed);

    QNetworkAccessManager* m_nam;
    WorkspaceStore* m_store;
    QPointer<SecretStore> m_secrets;
    QPointer<WorkspaceManager> m_manager;
    QPointer<QObject> m_validation; // owns the temporary ApiClient of the running validation
};

} // namespace anyrouter
