// KeyManager: the selected workspace's API keys (GET /keys) and the management operations on them —
// create, reveal, rename, spend limit, disable/enable, delete — with their rules: what may be asked
// (a name is required and unique, one change per key at a time, reveal only where the gateway allows
// it), how a row changes from the server's answer, what an error means (the key was deleted
// elsewhere: reload; 405/501: the gateway lacks that change; 409 on reveal: it cannot be shown again).
// One per WorkspaceSession; the Keys panel only observes it. The list is fetched once something
// observes it (ensureLoaded(), the Keys tab shown), then kept. Requests are bound to the manager's
// lifetime (its children are the services' context), so a switch drops late answers; each list
// request gets a fresh context and deletes the previous one, so only the latest list answer counts.
// Secrets handed out by create/reveal go to the caller's handler once and are kept nowhere here.
#pragma once

#include "core/api/AccountService.h"
#include "core/api/EndpointState.h"
#include "core/domain/Account.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSet>

#include <functional>

namespace anyrouter {

class WorkspaceSession;
class WorkspaceManager;

// One management operation, as reported by operationStarted / operationFinished.
struct KeyOperation
{
    enum class Kind
    {
        Create,
        Rename,
        ChangeLimit,
        Disable,
        Enable,
        Delete,
        Reveal
    };
    enum class Outcome
    {
        Pending,       // under way
        Done,          // the gateway did it
        Failed,        // see error
        Unsupported,   // 405/501: the gateway does not offer this change
        Gone,          // 404: the key was deleted elsewhere; the list is being reloaded
        NotRevealable, // 409 on reveal: the key predates reveal support (the row says so now)
    };

    Kind kind = Kind::Create;
    Outcome outcome = Outcome::Pending;
    ApiKeyInfo key;    // the row before the change (Create: only the requested name)
    ApiKeyInfo result; // the row after it (Done; Create: may have no hash when the gateway sent none)
    ApiError error;    // Failed, Unsupported, Gone, NotRevealable

    bool ok() const { return outcome == Outcome::Done; }
};

// A secret the gateway handed out, given once to the caller's handler.
struct KeySecret
{
    bool created = false; // false: revealed
    QString keyName;
    QString workspaceName; // the workspace it belongs to (a create may finish after a switch)
    QString secret;
};

class KeyManager : public QObject
{
    Q_OBJECT
public:
    using SecretHandler = std::function<void(const KeySecret&)>;

    // A child of `session`; it reads the session's workspace through the context's WorkspaceManager.
    explicit KeyManager(WorkspaceSession* session);
    ~KeyManager() override;

    // Something shows the list: fetch it now (or once the keys are read), unless it is loaded.
    void ensureLoaded();
    // Fetches the list again (F5, "Try again"); an earlier list request still on its way is dropped.
    void refresh();
    bool isObserved() const { return m_observed; }

    // The list endpoint's state. Ready with a kept list even when a later refresh failed (then
    // refreshFailed() was emitted); Forbidden, Unauthorized and Unsupported clear the list.
    EndpointStatus status() const { return m_status; }
    // For NoKey: why (the keychain did not answer), or empty for "the workspace has no key".
    QString noKeyMessage() const { return m_noKeyMessage; }
    // The workspace has a management key (for Forbidden: it lacks the permission rather than being
    // an inference key).
    bool hasManagementKey() const;
    QString workspaceName() const;
    QString workspaceHost() const;

    const QList<ApiKeyInfo>& keys() const { return m_keys; }
    std::optional<ApiKeyInfo> find(const QString& hash) const;
    QDateTime listedAt() const { return m_listedAt; }
    bool isListing() const { return m_listContext != nullptr; }
    bool isPending(const QString& hash) const { return m_pending.contains(hash); }
    int creatingCount() const { return m_creating; }
    bool isSaving() const { return !m_pending.isEmpty() || m_creating > 0; } // an operation under way
    bool isBusy() const { return isListing() || isSaving(); }

    // The rules the forms check before offering OK (names compare trimmed and case-insensitively).
    bool isNameTaken(const QString& name, const QString& exceptHash = {}) const;
    bool canCreate() const;                    // the list is loaded
    bool canChange(const QString& hash) const; // the key is listed and no change of it is under way
    bool canReveal(const QString& hash) const;

    // Each returns false, sending nothing, when a rule refuses (see canCreate/canChange, an empty
    // or taken name, an update that changes nothing). Outcomes arrive as operationFinished.
    // create: the secret goes to onSecret once; `receiver` (may be null: this manager) bounds its
    // lifetime instead of the manager's, because the gateway hands a new key's secret out only
    // once — a create that finishes after a switch still shows it (named with its workspace), while
    // the list part of the answer is dropped with this manager.
    bool createKey(const NewKeyRequest& request, QObject* receiver, SecretHandler onSecret);
    // Only the fields set in `update` are sent; the row is updated in place from the answer.
    bool updateKey(const QString& hash, const KeyUpdate& update);
    bool setDisabled(const QString& hash, bool disabled);
    bool deleteKey(const QString& hash);
    // The secret goes to onSecret once, while this manager lives (after a switch: never).
    bool revealKey(const QString& hash, SecretHandler onSecret);

    // A management answer may carry only part of the row (or nothing): keep what was known and
    // apply the change locally, so a row never goes blank.
    static ApiKeyInfo merged(const ApiKeyInfo& before, const ApiKeyInfo& answer, const KeyUpdate& update);

signals:
    void statusChanged();
    // The whole list was replaced (a list answer, or cleared).
    void keysReset();
    // One row changed or was added in place (from a management answer).
    void keyUpdated(const anyrouter::ApiKeyInfo& key);
    void keyRemoved(const QString& hash);
    // A refresh failed while a list was shown: the list is kept, it may be out of date.
    void refreshFailed(const anyrouter::ApiError& error);
    void operationStarted(const anyrouter::KeyOperation& operation);
    void operationFinished(const anyrouter::KeyOperation& operation);
    // isBusy() may have changed (a list or an operation started or finished).
    void busyChanged();

private:
    void setStatus(const EndpointStatus& status);
    void clearKeys();
    void startList();
    void onListed(const Result<QList<ApiKeyInfo>>& result);
    void upsert(const ApiKeyInfo& key);
    void finish(KeyOperation operation, const ApiError& error);
    // Marks the key as changing and announces the operation.
    KeyOperation begin(KeyOperation::Kind kind, const ApiKeyInfo& key);

    WorkspaceSession* m_session;
    WorkspaceManager* m_workspaces;
    EndpointStatus m_status;
    QString m_noKeyMessage;
    QList<ApiKeyInfo> m_keys;
    QDateTime m_listedAt;
    bool m_observed = false;
    // The context of the list request on its way; deleting it drops (and aborts) that request.
    QObject* m_listContext = nullptr;
    QSet<QString> m_pending; // key hashes with a change under way
    int m_creating = 0;
};

} // namespace anyrouter
