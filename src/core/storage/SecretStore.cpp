// SecretStore base, MemorySecretStore and SessionSecretStore. The keychain implementation is in
// KeychainSecretStore.cpp, the only file that talks to QtKeychain.
#include "core/storage/SecretStore.h"

#include "core/storage/StorageLog.h"

#include <QMetaEnum>

namespace anyrouter {

using namespace Qt::StringLiterals;

QString SecretStore::statusName(Status s)
{
    return QString::fromLatin1(QMetaEnum::fromType<Status>().valueToKey(int(s)));
}

void SecretStore::deliver(QObject* context, Callback cb, Result result)
{
    QObject* receiver = context ? context : this;
    // A queued functor call is discarded by Qt when the receiver is destroyed before it runs.
    QMetaObject::invokeMethod(
        receiver, [cb = std::move(cb), result = std::move(result)]() { cb(result); }, Qt::QueuedConnection);
}

// --- MemorySecretStore -----------------------------------------------------------------------

void MemorySecretStore::read(const QString& account, QObject* context, Callback cb)
{
    const auto it = m_secrets.constFind(account);
    if (it == m_secrets.constEnd())
        deliver(context, std::move(cb), {Status::NotFound, {}, u"No key is stored for %1."_s.arg(account)});
    else
        deliver(context, std::move(cb), {Status::Ok, it.value(), {}});
}

void MemorySecretStore::write(const QString& account, const QString& secret, QObject* context, Callback cb)
{
    m_secrets.insert(account, secret);
    deliver(context, std::move(cb), {Status::Ok, {}, {}});
}

void MemorySecretStore::remove(const QString& account, QObject* context, Callback cb)
{
    m_secrets.remove(account);
    deliver(context, std::move(cb), {Status::Ok, {}, {}});
}

// --- SessionSecretStore ----------------------------------------------------------------------

SessionSecretStore::SessionSecretStore(SecretStore* persistent, QObject* parent)
    : SecretStore(parent), m_persistent(persistent)
{
    if (persistent && !persistent->parent())
        persistent->setParent(this);
}

void SessionSecretStore::read(const QString& account, QObject* context, Callback cb)
{
    const auto it = m_session.constFind(account);
    if (it != m_session.constEnd()) {
        deliver(context, std::move(cb), {Status::Ok, it.value(), {}});
        return;
    }
    if (!m_persistent) {
        deliver(context, std::move(cb), {Status::Unavailable, {}, u"No keychain is configured."_s});
        return;
    }
    m_persistent->read(account, context, std::move(cb));
}

void SessionSecretStore::write(const QString& account, const QString& secret, QObject* context, Callback cb)
{
    if (!m_persistent) {
        deliver(context, std::move(cb), {Status::Unavailable, {}, u"No keychain is configured."_s});
        return;
    }
    QPointer<SessionSecretStore> self(this);
    m_persistent->write(account, secret, context, [self, account, cb = std::move(cb)](const Result& r) {
        // Once the keychain holds the key, the session copy is redundant (and could go stale).
        if (r.status == Status::Ok && self)
            self->m_session.remove(account);
        cb(r);
    });
}

void SessionSecretStore::remove(const QString& account, QObject* context, Callback cb)
{
    m_session.remove(account);
    if (!m_persistent) {
        deliver(context, std::move(cb), {Status::Ok, {}, {}});
        return;
    }
    m_persistent->remove(account, context, std::move(cb));
}

void SessionSecretStore::keepForSession(const QString& account, const QString& secret)
{
    qCInfo(lcStorage) << "keeping the key for" << account << "in memory for this session only";
    m_session.insert(account, secret);
}

bool SessionSecretStore::hasSessionOnly(const QString& account) const
{
    return m_session.contains(account);
}

void SessionSecretStore::forgetSession(const QString& account)
{
    m_session.remove(account);
}

} // namespace anyrouter
