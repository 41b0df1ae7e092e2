// KeychainSecretStore: SecretStore over QtKeychain (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows).
//
// Two QtKeychain properties shape this file:
//  - Jobs can hang (a keychain waiting on an unlock prompt nobody can see, a bus that never
//    answers), so every job gets a timer and reports Status::Timeout.
//  - A job must outlive its backend call: the libsecret backend keeps a raw pointer to the job and
//    calls it back whenever the answer arrives. So a timed-out job is never deleted; it is left
//    running with autoDelete and cleans itself up if it ever finishes. QtKeychain also runs one job
//    at a time, so while a job hangs, later ones queue behind it (and time out too).
#include "core/storage/SecretStore.h"

#include "core/storage/StorageLog.h"

#include <qt6keychain/keychain.h>

#include <QTimer>

namespace anyrouter {

using namespace Qt::StringLiterals;

struct KeychainSecretStore::Pending
{
    Op op = Op::Read;
    QString account;
    QPointer<QObject> context;
    bool hadContext = false;
    Callback cb;
    QTimer* timer = nullptr;
    QMetaObject::Connection jobConnection;
};

namespace {

// The libsecret backend reports D-Bus trouble (no session bus, no Secret Service on it) and a
// keyring without a usable default collection (its create/unlock prompt could not be shown: "Object
// does not exist at path .../collection/login") as a plain OtherError. Recognise those so the user
// is offered "this session only" instead of a dead end.
bool looksUnreachable(const QString& message)
{
    static const char* const hints[] = {
        "org.freedesktop.secrets",
        "ServiceUnknown",
        "Could not connect",
        "D-Bus",
        "DBus",
        "dbus",
        "autolaunch",
        "No such interface",
        "NoReply",
        "Cannot spawn",
        "not provided by any .service",
        "Object does not exist",
        "prompt",
    };
    for (const char* hint : hints) {
        if (message.contains(QLatin1String(hint), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject* parent)
    : KeychainSecretStore(QString::fromUtf16(kDefaultService), kDefaultTimeout, parent)
{}

KeychainSecretStore::KeychainSecretStore(const QString& service, std::chrono::milliseconds timeout,
                                         QObject* parent)
    : SecretStore(parent), m_service(service), m_timeout(timeout)
{}

KeychainSecretStore::~KeychainSecretStore()
{
    const auto pending = std::exchange(m_pending, {});
    for (Pending* p : pending) {
        QObject::disconnect(p->jobConnection);
        if (p->hadContext && p->context) {
            const Result r{
                Status::Error, {}, u"The keychain access was cancelled because the app is closing."_s};
            QMetaObject::invokeMethod(
                p->context.data(), [cb = std::move(p->cb), r]() { cb(r); }, Qt::QueuedConnection);
        }
        delete p; // its timer is a child of this and goes with it
    }
}

void KeychainSecretStore::read(const QString& account, QObject* context, Callback cb)
{
    start(Op::Read, account, {}, context, std::move(cb));
}

void KeychainSecretStore::write(const QString& account, const QString& secret, QObject* context, Callback cb)
{
    start(Op::Write, account, secret, context, std::move(cb));
}

void KeychainSecretStore::remove(const QString& account, QObject* context, Callback cb)
{
    start(Op::Remove, account, {}, context, std::move(cb));
}

void KeychainSecretStore::start(Op op, const QString& account, const QString& secret, QObject* context,
                                Callback cb)
{
    QKeychain::Job* job = nullptr;
    switch (op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case Op::Write: {
        auto* w = new QKeychain::WritePasswordJob(m_service);
        w->setTextData(secret);
        job = w;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    // No parent: the job must not die with this store while the backend may still call it.
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext copy in QSettings
    job->setKey(account);

    const quint64 id = m_nextId++;
    auto* p = new Pending;
    p->op = op;
    p->account = account;
    p->context = context;
    p->hadContext = context != nullptr;
    p->cb = std::move(cb);
    p->timer = new QTimer(this);
    p->timer->setSingleShot(true);
    p->timer->setTimerType(Qt::PreciseTimer); // a coarse timer may fire up to 5% early
    p->timer->setInterval(m_timeout);
    connect(p->timer, &QTimer::timeout, this, [this, id] {
        finish(id, {Status::Timeout,
                    {},
                    u"The system keychain did not answer within %1 seconds. It may be locked and "
                    "waiting for a password prompt that cannot be shown."_s.arg(double(m_timeout.count()) /
                                                                                1000.0)});
    });
    p->jobConnection = connect(job, &QKeychain::Job::finished, this, [this, id, op](QKeychain::Job* j) {
        Result r;
        const QString message = j->errorString();
        switch (j->error()) {
        case QKeychain::NoError:
            r.status = Status::Ok;
            if (op == Op::Read)
                r.secret = static_cast<QKeychain::ReadPasswordJob*>(j)->textData();
            break;
        case QKeychain::EntryNotFound:
            r.status = op == Op::Remove ? Status::Ok : Status::NotFound;
            break;
        case QKeychain::AccessDeniedByUser:
        case QKeychain::AccessDenied:
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
            r.status = Status::Unavailable;
            break;
        case QKeychain::CouldNotDeleteEntry:
            r.status = Status::Error;
            break;
        case QKeychain::OtherError:
            r.status = looksUnreachable(message) ? Status::Unavailable : Status::Error;
            break;
        }
        if (r.status != Status::Ok)
            r.errorString = message;
        finish(id, std::move(r));
    });
    m_pending.insert(id, p);
    p->timer->start();
    job->start();
}

void KeychainSecretStore::finish(quint64 id, Result result)
{
    Pending* p = m_pending.take(id);
    if (!p)
        return; // already answered (finished vs. timed out race)
    QObject::disconnect(p->jobConnection);
    p->timer->stop();
    p->timer->deleteLater(); // we may be inside its timeout() emission
    static const char* const opNames[] = {"read", "write", "remove"};
    if (result.status == Status::Ok || result.status == Status::NotFound) {
        qCDebug(lcStorage) << "keychain" << opNames[int(p->op)] << p->account << statusName(result.status);
    } else {
        qCWarning(lcStorage).noquote() << "keychain" << opNames[int(p->op)] << p->account
                                       << statusName(result.status) << "-" << result.errorString;
    }
    if (!p->hadContext || p->context)
        deliver(p->context.data(), std::move(p->cb), std::move(result));
    delete p;
}

} // namespace anyrouter
