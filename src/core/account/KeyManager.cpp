// KeyManager: the key list's request pipeline and state, and the management operations' rules.
#include "core/account/KeyManager.h"

#include "core/AppContext.h"
#include "core/account/AccountLog.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"

#include <QPointer>

namespace anyrouter {

namespace {

// What a failed management answer means for the user (and for the list).
KeyOperation::Outcome classify(KeyOperation::Kind kind, const ApiError& error)
{
    if (kind == KeyOperation::Kind::Create)
        return KeyOperation::Outcome::Failed; // a create has no row to be gone or unsupported for
    if (kind == KeyOperation::Kind::Reveal && error.category() == ApiError::Category::Conflict)
        return KeyOperation::Outcome::NotRevealable;
    const int status = error.httpStatus();
    if (status == 405 || status == 501)
        return KeyOperation::Outcome::Unsupported;
    if (error.category() == ApiError::Category::NotFound)
        return KeyOperation::Outcome::Gone;
    return KeyOperation::Outcome::Failed;
}

KeyOperation::Kind kindOf(const KeyUpdate& update)
{
    if (update.name)
        return KeyOperation::Kind::Rename;
    if (update.disabled)
        return *update.disabled ? KeyOperation::Kind::Disable : KeyOperation::Kind::Enable;
    return KeyOperation::Kind::ChangeLimit;
}

} // namespace

KeyManager::KeyManager(WorkspaceSession* session)
    : QObject(session), m_session(session), m_workspaces(session->context()->workspaces())
{
    // The keys were read (again, e.g. after the workspace's settings changed): an observed list
    // follows them; an unobserved one waits for ensureLoaded().
    connect(session, &WorkspaceSession::keysBecameReady, this, [this] {
        if (m_observed)
            refresh();
    });
    connect(session, &WorkspaceSession::refreshRequested, this, [this] {
        if (m_observed)
            refresh();
    });
}

KeyManager::~KeyManager() = default;

void KeyManager::ensureLoaded()
{
    if (!m_observed)
        refresh(); // afterwards the list is kept, and follows the keys and F5 (see the constructor)
}

void KeyManager::refresh()
{
    m_observed = true;
    if (!m_session->keysReady()) {
        setStatus(EndpointStatus::loading()); // keysBecameReady fetches
        return;
    }
    if (m_workspaces->keyState() == WorkspaceManager::KeyState::KeychainUnavailable) {
        m_noKeyMessage = m_workspaces->keyStateMessage();
        clearKeys();
        setStatus(EndpointStatus::noKey());
        return;
    }
    const ApiClient* client = m_workspaces->client();
    if (!client->hasInferenceKey() && !client->hasManagementKey()) {
        m_noKeyMessage.clear();
        clearKeys();
        setStatus(EndpointStatus::noKey());
        return;
    }
    startList();
}

void KeyManager::startList()
{
    // A fresh context per request: deleting the previous one drops its answer (and aborts it), so
    // only the latest list counts.
    delete m_listContext;
    m_listContext = new QObject(this);
    if (m_status.isReady())
        emit statusChanged(); // still ready, now refreshing (isListing())
    else
        setStatus(EndpointStatus::loading());
    emit busyChanged();
    m_workspaces->account()->listKeys(m_listContext,
                                      [this](const Result<QList<ApiKeyInfo>>& r) { onListed(r); });
}

void KeyManager::onListed(const Result<QList<ApiKeyInfo>>& r)
{
    m_listContext->deleteLater(); // we are inside its call; it owns nothing else
    m_listContext = nullptr;
    emit busyChanged();
    if (r.unsupported) {
        clearKeys();
        setStatus(EndpointStatus::from(r));
        return;
    }
    if (!r.ok()) {
        qCInfo(lcAccount) << "key list failed:" << ApiError::categoryName(r.error.category())
                          << r.error.httpStatus();
        const EndpointStatus failed = EndpointStatus::from(r);
        const bool refused = failed.state == EndpointStatus::State::Forbidden ||
                             failed.state == EndpointStatus::State::Unauthorized;
        if (!refused && m_status.isReady()) {
            // Keep the list we have; say that it may be out of date.
            emit statusChanged();
            emit refreshFailed(r.error);
            return;
        }
        clearKeys();
        setStatus(failed);
        return;
    }
    m_keys = r.value;
    m_listedAt = QDateTime::currentDateTime();
    qCDebug(lcAccount) << "listed" << m_keys.size() << "keys";
    emit keysReset();
    setStatus(EndpointStatus::ready());
}

void KeyManager::setStatus(const EndpointStatus& status)
{
    m_status = status;
    emit statusChanged();
}

void KeyManager::clearKeys()
{
    m_listedAt = {};
    if (m_keys.isEmpty())
        return;
    m_keys.clear();
    emit keysReset();
}

bool KeyManager::hasManagementKey() const
{
    return m_workspaces->client()->hasManagementKey();
}

QString KeyManager::workspaceName() const
{
    return m_session->workspace().name;
}

QString KeyManager::workspaceHost() const
{
    return m_session->workspace().baseUrl.host();
}

std::optional<ApiKeyInfo> KeyManager::find(const QString& hash) const
{
    for (const ApiKeyInfo& k : m_keys) {
        if (k.hash == hash)
            return k;
    }
    return std::nullopt;
}

bool KeyManager::isNameTaken(const QString& name, const QString& exceptHash) const
{
    const QString wanted = name.trimmed();
    for (const ApiKeyInfo& k : m_keys) {
        if (k.hash != exceptHash && k.name.compare(wanted, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool KeyManager::canCreate() const
{
    return m_status.isReady();
}

bool KeyManager::canChange(const QString& hash) const
{
    return m_status.isReady() && !hash.isEmpty() && !m_pending.contains(hash) && find(hash).has_value();
}

bool KeyManager::canReveal(const QString& hash) const
{
    const auto key = find(hash);
    return canChange(hash) && key && key->canReveal;
}

void KeyManager::upsert(const ApiKeyInfo& key)
{
    for (ApiKeyInfo& k : m_keys) {
        if (k.hash == key.hash) {
            k = key;
            emit keyUpdated(key);
            return;
        }
    }
    m_keys.append(key);
    emit keyUpdated(key);
}

KeyOperation KeyManager::begin(KeyOperation::Kind kind, const ApiKeyInfo& key)
{
    KeyOperation operation;
    operation.kind = kind;
    operation.key = key;
    if (!key.hash.isEmpty())
        m_pending.insert(key.hash);
    emit operationStarted(operation);
    emit busyChanged();
    return operation;
}

void KeyManager::finish(KeyOperation operation, const ApiError& error)
{
    m_pending.remove(operation.key.hash);
    if (error.isError()) {
        operation.outcome = classify(operation.kind, error);
        operation.error = error;
    } else {
        operation.outcome = KeyOperation::Outcome::Done;
    }
    if (operation.outcome == KeyOperation::Outcome::NotRevealable && find(operation.key.hash)) {
        ApiKeyInfo noReveal = *find(operation.key.hash);
        noReveal.canReveal = false; // not offered again
        upsert(noReveal);
    }
    emit operationFinished(operation);
    emit busyChanged();
    if (operation.outcome == KeyOperation::Outcome::Gone)
        refresh(); // someone else deleted it: show the list as it is now
}

ApiKeyInfo KeyManager::merged(const ApiKeyInfo& before, const ApiKeyInfo& answer, const KeyUpdate& u)
{
    if (!answer.name.isEmpty() || !answer.maskedKey.isEmpty()) {
        ApiKeyInfo out = answer;
        out.hash = before.hash;
        return out;
    }
    ApiKeyInfo out = before;
    if (u.name)
        out.name = *u.name;
    if (u.disabled)
        out.disabled = *u.disabled;
    if (u.limit)
        out.limit = *u.limit;
    if (u.limitReset)
        out.limitReset = *u.limitReset;
    return out;
}

bool KeyManager::createKey(const NewKeyRequest& request, QObject* receiver, SecretHandler onSecret)
{
    NewKeyRequest req = request;
    req.name = req.name.trimmed();
    if (!canCreate() || req.name.isEmpty() || isNameTaken(req.name))
        return false;
    ApiKeyInfo named;
    named.name = req.name;
    ++m_creating;
    const KeyOperation op = begin(KeyOperation::Kind::Create, named);
    // Bound to the receiver, not to this manager: see the header. The job object ends with the
    // answer; if the receiver goes first, the request is dropped with it.
    auto* job = new QObject(receiver ? receiver : this);
    const QPointer<KeyManager> self(this);
    const QMetaObject::Connection dropped = connect(job, &QObject::destroyed, this, [this] {
        --m_creating; // the receiver went before the answer came
        emit busyChanged();
    });
    const QString workspaceName = this->workspaceName();
    m_workspaces->account()->createKey(
        req, job,
        [self, job, dropped, op, workspaceName, onSecret = std::move(onSecret)](const Result<CreatedKey>& r) {
            QObject::disconnect(dropped);
            job->deleteLater();
            if (r.ok() && onSecret) {
                const QString keyName = r.value.info.name.isEmpty() ? op.key.name : r.value.info.name;
                onSecret({true, keyName, workspaceName, r.value.secret});
            }
            if (!self)
                return; // the workspace was switched meanwhile: its list is gone
            --self->m_creating;
            KeyOperation done = op;
            if (r.ok()) {
                done.result = r.value.info;
                done.result.name = done.result.name.isEmpty() ? op.key.name : done.result.name;
                if (r.value.info.hash.isEmpty())
                    self->refresh(); // a gateway that answers with the secret only: list to get the row
                else
                    self->upsert(done.result);
            }
            self->finish(done, r.error);
        });
    return true;
}

bool KeyManager::updateKey(const QString& hash, const KeyUpdate& update)
{
    if (!canChange(hash))
        return false;
    if (!update.name && !update.disabled && !update.limit && !update.limitReset)
        return false; // nothing to change
    if (update.name && (update.name->trimmed().isEmpty() || isNameTaken(*update.name, hash)))
        return false;
    KeyUpdate u = update;
    if (u.name)
        u.name = u.name->trimmed();
    const KeyOperation op = begin(kindOf(u), *find(hash));
    m_workspaces->account()->updateKey(hash, u, this, [this, op, u](const Result<ApiKeyInfo>& r) {
        KeyOperation done = op;
        if (r.ok()) {
            done.result = merged(op.key, r.value, u);
            if (find(op.key.hash)) // a refresh may have dropped it meanwhile
                upsert(done.result);
        }
        finish(done, r.error);
    });
    return true;
}

bool KeyManager::setDisabled(const QString& hash, bool disabled)
{
    KeyUpdate u;
    u.disabled = disabled;
    return updateKey(hash, u);
}

bool KeyManager::deleteKey(const QString& hash)
{
    if (!canChange(hash))
        return false;
    const KeyOperation op = begin(KeyOperation::Kind::Delete, *find(hash));
    m_workspaces->account()->deleteKey(hash, this, [this, op](const Result<bool>& r) {
        if (r.ok()) {
            const qsizetype removed =
                m_keys.removeIf([&](const ApiKeyInfo& k) { return k.hash == op.key.hash; });
            if (removed > 0)
                emit keyRemoved(op.key.hash);
        }
        finish(op, r.error);
    });
    return true;
}

bool KeyManager::revealKey(const QString& hash, SecretHandler onSecret)
{
    if (!canReveal(hash))
        return false;
    const KeyOperation op = begin(KeyOperation::Kind::Reveal, *find(hash));
    // Bound to this manager: after a switch the user has moved on; do not pop a secret up unasked.
    m_workspaces->account()->revealKey(hash, this,
                                       [this, op, onSecret = std::move(onSecret)](const Result<QString>& r) {
                                           KeyOperation done = op;
                                           if (r.ok()) {
                                               done.result = op.key;
                                               if (onSecret)
                                                   onSecret({false, op.key.name, workspaceName(), r.value});
                                           }
                                           finish(done, r.error);
                                       });
    return true;
}

} // namespace anyrouter
