// WorkspaceEditor: URL policy, key validation and workspace CRUD with keys kept in the SecretStore.
#include "core/workspace/WorkspaceEditor.h"

#include "core/api/ApiClient.h"
#include "core/storage/WorkspaceStore.h"
#include "core/workspace/WorkspaceManager.h"

#include <QHostAddress>
#include <QLoggingCategory>
#include <QUuid>

#include <memory>

namespace anyrouter {

Q_LOGGING_CATEGORY(lcWorkspaceEditor, "anyrouter.workspace")

using namespace Qt::StringLiterals;

namespace {

bool isKeychainDown(SecretStore::Status s)
{
    return s == SecretStore::Status::Unavailable || s == SecretStore::Status::Timeout;
}

} // namespace

WorkspaceEditor::WorkspaceEditor(QNetworkAccessManager* nam, WorkspaceStore* store, SecretStore* secrets,
                                 WorkspaceManager* manager, QObject* parent)
    : QObject(parent), m_nam(nam), m_store(store), m_secrets(secrets), m_manager(manager)
{}

WorkspaceEditor::~WorkspaceEditor()
{
    cancelValidation();
}

QString WorkspaceEditor::newWorkspaceId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool WorkspaceEditor::isLoopbackHost(const QString& host)
{
    // Same rule as ApiClient's transport check, so what passes here is never refused there.
    const QString h = host.toLower();
    if (h == u"localhost"_s)
        return true;
    QHostAddress addr;
    return addr.setAddress(h) && addr.isLoopback();
}

WorkspaceEditor::UrlCheck WorkspaceEditor::checkUrl(const QString& text, bool allowInsecureHttp)
{
    UrlCheck r;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        r.message = tr("Enter the gateway's base URL, e.g. %1.").arg(Workspace::defaultBaseUrl().toString());
        return r;
    }
    QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || scheme.isEmpty() || url.host().isEmpty()) {
        r.message = tr("“%1” is not a valid URL. It should look like %2.")
                        .arg(trimmed, Workspace::defaultBaseUrl().toString());
        return r;
    }
    if (scheme != u"https"_s && scheme != u"http"_s) {
        r.message =
            tr("Only https:// (or http:// to this computer) URLs are supported, not “%1:”.").arg(scheme);
        return r;
    }
    if (!url.userInfo().isEmpty()) {
        r.message = tr("Do not put a user name or password in the URL; enter the API key below instead.");
        return r;
    }
    if (url.hasQuery() || url.hasFragment()) {
        r.message = tr("The base URL cannot have a query (?…) or a fragment (#…).");
        return r;
    }
    if (scheme == u"http"_s && !isLoopbackHost(url.host()) && !allowInsecureHttp) {
        r.needsInsecureConsent = true;
        r.message = tr("Plain http:// sends your API key unencrypted to %1. Use https://, or tick "
                       "“Allow unencrypted HTTP for this host” if you trust the network.")
                        .arg(url.host());
        return r;
    }
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    url.setScheme(scheme);
    r.ok = true;
    r.url = url;
    return r;
}

bool WorkspaceEditor::isUsable(const KeyCapabilities& caps)
{
    return !caps.authError.isError() && (caps.inference || caps.credits || caps.keyManagement);
}

void WorkspaceEditor::cancelValidation()
{
    // Deleting the holder deletes the temporary client and its replies; their callbacks were bound
    // to the holder, so none runs.
    delete m_validation.data();
}

void WorkspaceEditor::validate(const QUrl& baseUrl, bool allowInsecureHttp, const QString& inferenceKey,
                               const QString& managementKey, QObject* context,
                               std::function<void(const KeyCapabilities&)> cb)
{
    cancelValidation();
    auto* holder = new QObject(this);
    m_validation = holder;
    auto* client = new ApiClient(m_nam, holder);
    client->setBaseUrl(baseUrl);
    client->setKeys(inferenceKey, managementKey);
    client->setAllowInsecureHttp(allowInsecureHttp);
    client->setRetryPolicy(RetryPolicy::none()); // the user is waiting; a failure is reported, not retried
    client->setTransferTimeoutMs(20000);
    auto* account = new AccountService(client, holder);
    QPointer<QObject> ctx(context);
    account->validateKeys(holder, [this, holder, ctx, cb](const KeyCapabilities& caps) {
        qCDebug(lcWorkspaceEditor) << "validation finished:" << caps.inference << caps.credits
                                   << caps.keyManagement;
        if (m_validation == holder)
            m_validation = nullptr;
        holder->deleteLater();
        if (ctx)
            cb(caps);
    });
}

bool WorkspaceEditor::canKeepForSession() const
{
    return qobject_cast<SessionSecretStore*>(m_secrets.data()) != nullptr;
}

void WorkspaceEditor::readKeys(
    const QString& workspaceId, QObject* context,
    std::function<void(SecretStore::Status, const QString&, const QString&, const QString&)> cb)
{
    if (!m_secrets) {
        QMetaObject::invokeMethod(
            context, [cb] { cb(SecretStore::Status::Unavailable, {}, {}, tr("No secret store.")); },
            Qt::QueuedConnection);
        return;
    }
    QPointer<SecretStore> secrets = m_secrets;
    m_secrets->read(secretKeyFor(workspaceId, KeyKind::Inference), context,
                    [secrets, workspaceId, context, cb](const SecretStore::Result& inf) {
                        if (!secrets)
                            return;
                        secrets->read(secretKeyFor(workspaceId, KeyKind::Management), context,
                                      [inf, cb](const SecretStore::Result& mgmt) {
                                          const QString m = mgmt.status == SecretStore::Status::Ok
                                                                ? mgmt.secret
                                                                : QString();
                                          cb(inf.status,
                                             inf.status == SecretStore::Status::Ok ? inf.secret : QString(),
                                             m, inf.errorString);
                                      });
                    });
}

void WorkspaceEditor::save(const Workspace& ws, KeyChange inference, KeyChange management, QObject* context,
                           SaveCallback cb)
{
    if (ws.id.isEmpty() || ws.isEphemeral()) {
        SaveResult r{Outcome::Failed, tr("This workspace cannot be saved."), ws};
        QMetaObject::invokeMethod(
            context, [cb, r] { cb(r); }, Qt::QueuedConnection);
        return;
    }
    writeKeys(ws, std::move(inference), std::move(management), context, std::move(cb));
}

// Writes (or removes) the inference key, then the management key, then commits the row. Keys first:
// a workspace row whose keys never reached the keychain would look saved but could not work.
void WorkspaceEditor::writeKeys(const Workspace& ws, KeyChange inference, KeyChange management,
                                QObject* context, SaveCallback cb)
{
    struct Step
    {
        QString account;
        KeyChange change;
    };
    auto steps = std::make_shared<QList<Step>>(QList<Step>{
        {secretKeyFor(ws.id, KeyKind::Inference), std::move(inference)},
        {secretKeyFor(ws.id, KeyKind::Management), std::move(management)},
    });
    auto next = std::make_shared<std::function<void()>>();
    QPointer<QObject> ctx(context);
    *next = [this, ws, steps, next, ctx, cb]() {
        while (!steps->isEmpty() && !steps->first().change)
            steps->removeFirst();
        if (steps->isEmpty()) {
            const Workspace w = ws; // copies: resetting *next destroys this lambda's captures
            const SaveCallback done = cb;
            const QPointer<QObject> asker = ctx;
            WorkspaceEditor* self = this;
            const auto holder = next;
            *holder = nullptr;                       // from here on, no capture of this lambda may be touched
            const SaveResult r = self->commitRow(w); // completes even if the asking dialog closed
            if (asker)
                done(r);
            return;
        }
        const Step step = steps->takeFirst();
        const auto onDone = [ws, next, ctx, cb](const SecretStore::Result& res) {
            if (res.status == SecretStore::Status::Ok || res.status == SecretStore::Status::NotFound) {
                (*next)();
                return;
            }
            *next = nullptr;
            if (!ctx)
                return;
            SaveResult r;
            r.workspace = ws;
            r.outcome = isKeychainDown(res.status) ? Outcome::KeychainUnavailable : Outcome::Failed;
            r.message =
                isKeychainDown(res.status)
                    ? tr("The system keychain is not available (%1), so the key could not be stored "
                         "safely. Nothing was saved.")
                          .arg(res.errorString.isEmpty() ? SecretStore::statusName(res.status)
                                                         : res.errorString)
                    : tr("The key could not be stored in the system keychain: %1").arg(res.errorString);
            qCWarning(lcWorkspaceEditor) << "keychain write failed:" << SecretStore::statusName(res.status);
            cb(r);
        };
        if (!m_secrets) {
            onDone({SecretStore::Status::Unavailable, {}, tr("no secret store")});
            return;
        }
        if (step.change->isEmpty())
            m_secrets->remove(step.account, this, onDone); // `this`: the chain always completes
        else
            m_secrets->write(step.account, *step.change, this, onDone);
    };
    (*next)();
}

WorkspaceEditor::SaveResult WorkspaceEditor::commitRow(const Workspace& ws)
{
    SaveResult r;
    r.workspace = ws;
    if (!m_store || !m_store->save(ws)) {
        r.outcome = Outcome::Failed;
        r.message = tr("The workspace could not be written to the database.");
        return r;
    }
    afterChange(ws.id, false);
    r.message = tr("Saved “%1”.").arg(ws.name);
    return r;
}

WorkspaceEditor::SaveResult WorkspaceEditor::saveForSession(const Workspace& ws, const QString& inference,
                                                            const QString& management)
{
    auto* session = qobject_cast<SessionSecretStore*>(m_secrets.data());
    if (!session)
        return {Outcome::Failed, tr("Keeping keys for this session only is not possible here."), ws};
    if (!inference.isEmpty())
        session->keepForSession(secretKeyFor(ws.id, KeyKind::Inference), inference);
    if (!management.isEmpty())
        session->keepForSession(secretKeyFor(ws.id, KeyKind::Management), management);
    SaveResult r = commitRow(ws);
    if (r.outcome == Outcome::Ok)
        r.message = tr("Saved “%1”. Its keys are kept in memory for this session only; enter them again "
                       "after restarting.")
                        .arg(ws.name);
    return r;
}

void WorkspaceEditor::duplicate(const QString& workspaceId, const QString& newName, QObject* context,
                                SaveCallback cb)
{
    const auto source = m_store ? m_store->find(workspaceId) : std::nullopt;
    if (!source) {
        SaveResult r{Outcome::Failed, tr("Only stored workspaces can be duplicated."), {}};
        QMetaObject::invokeMethod(
            context, [cb, r] { cb(r); }, Qt::QueuedConnection);
        return;
    }
    Workspace copy = *source;
    copy.id = newWorkspaceId();
    copy.name = newName.isEmpty() ? tr("%1 (copy)").arg(source->name) : newName;
    readKeys(workspaceId, context,
             [this, copy, context, cb](SecretStore::Status st, const QString& inf, const QString& mgmt,
                                       const QString& error) {
                 if (st != SecretStore::Status::Ok && st != SecretStore::Status::NotFound) {
                     SaveResult r{
                         isKeychainDown(st) ? Outcome::KeychainUnavailable : Outcome::Failed,
                         tr("The original workspace's keys could not be read from the keychain (%1); "
                            "nothing was copied.")
                             .arg(error.isEmpty() ? SecretStore::statusName(st) : error),
                         copy};
                     cb(r);
                     return;
                 }
                 writeKeys(copy, inf.isEmpty() ? KeyChange{} : KeyChange{inf},
                           mgmt.isEmpty() ? KeyChange{} : KeyChange{mgmt}, context, cb);
             });
}

void WorkspaceEditor::remove(const QString& workspaceId, QObject* context, SaveCallback cb)
{
    const auto ws = m_store ? m_store->find(workspaceId) : std::nullopt;
    if (!ws || !m_secrets) {
        SaveResult r{Outcome::Failed, tr("Only stored workspaces can be deleted."), {}};
        QMetaObject::invokeMethod(
            context, [cb, r] { cb(r); }, Qt::QueuedConnection);
        return;
    }
    QPointer<SecretStore> secrets = m_secrets;
    const Workspace w = *ws;
    // Keys first, the row after: if the keychain refuses, the workspace stays so the user can retry
    // instead of leaving orphaned secrets behind.
    secrets->remove(secretKeyFor(w.id, KeyKind::Inference), context,
                    [this, secrets, w, context, cb](const SecretStore::Result& a) {
                        if (!secrets)
                            return;
                        secrets->remove(
                            secretKeyFor(w.id, KeyKind::Management), context,
                            [this, w, a, cb](const SecretStore::Result& b) {
                                const SecretStore::Result& bad = a.status != SecretStore::Status::Ok ? a : b;
                                SaveResult r;
                                r.workspace = w;
                                if (bad.status != SecretStore::Status::Ok &&
                                    bad.status != SecretStore::Status::NotFound) {
                                    r.outcome = isKeychainDown(bad.status) ? Outcome::KeychainUnavailable
                                                                           : Outcome::Failed;
                                    r.message = tr("The keys of “%1” could not be removed from the system "
                                                   "keychain (%2); the workspace was kept. Try again later.")
                                                    .arg(w.name, bad.errorString.isEmpty()
                                                                     ? SecretStore::statusName(bad.status)
                                                                     : bad.errorString);
                                    cb(r);
                                    return;
                                }
                                if (!m_store->remove(w.id)) {
                                    r.outcome = Outcome::Failed;
                                    r.message = tr("The workspace could not be removed from the database.");
                                    cb(r);
                                    return;
                                }
                                afterChange(w.id, true);
                                r.message = tr("Deleted “%1”. Its conversations were kept.").arg(w.name);
                                cb(r);
                            });
                    });
}

void WorkspaceEditor::afterChange(const QString& id, bool removed)
{
    if (!m_manager)
        return;
    const QString current = m_manager->current().id;
    m_manager->reload();
    if (current != id)
        return;
    // Re-select so every page re-binds to the new URL/keys (or to another workspace after a delete).
    if (!removed) {
        m_manager->select(id);
    } else {
        const auto all = m_manager->workspaces();
        if (!all.isEmpty())
            m_manager->select(all.first().id);
    }
}

} // namespace anyrouter
