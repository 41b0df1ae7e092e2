// SecretStore: where API keys live. An async interface (OS keychains answer asynchronously and may
// hang while a prompt cannot show) with three implementations:
//  - KeychainSecretStore: the OS keychain through QtKeychain, never a plaintext fallback;
//  - MemorySecretStore: in-process only, for tests and the demo workspace;
//  - SessionSecretStore: the keychain plus an in-memory overlay for keys the user chose to keep
//    "for this session only" after the keychain proved unavailable.
// Contract for every implementation: the callback runs asynchronously (never from inside
// read/write/remove), exactly once, on `context`'s thread, and not at all if `context` died first.
// Secret values are never logged.
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>
#include <functional>

namespace anyrouter {

class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Status
    {
        Ok,
        NotFound,
        Unavailable, // no keychain answered / no backend / access refused: the UI may offer "this session
                     // only"
        Timeout,     // the keychain did not answer in time (e.g. waiting on a prompt nobody can see)
        Error,
    };
    Q_ENUM(Status)
    struct Result
    {
        Status status = Status::Ok;
        QString secret;      // read() only
        QString errorString; // for the user; never contains the secret
    };
    using Callback = std::function<void(const Result&)>;
    using QObject::QObject;

    virtual void read(const QString& account, QObject* context, Callback cb) = 0;
    virtual void write(const QString& account, const QString& secret, QObject* context, Callback cb) = 0;
    // Removing an absent entry succeeds (Ok).
    virtual void remove(const QString& account, QObject* context, Callback cb) = 0;
    virtual bool isPersistent() const = 0;

    static QString statusName(Status s);

protected:
    // Queues cb(result) to context (falling back to this store when context is null), so delivery
    // is never re-entrant and is dropped when the receiver is gone.
    void deliver(QObject* context, Callback cb, Result result);
};

class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    static inline constexpr char16_t kDefaultService[] = u"AnyRouter Desktop";

    static inline constexpr std::chrono::milliseconds kDefaultTimeout{15000};

    explicit KeychainSecretStore(QObject* parent = nullptr);
    explicit KeychainSecretStore(const QString& service, std::chrono::milliseconds timeout = kDefaultTimeout,
                                 QObject* parent = nullptr);
    // Pending operations are answered with Status::Error ("shut down"); their keychain jobs finish
    // (and delete themselves) in the background.
    ~KeychainSecretStore() override;

    void read(const QString& account, QObject* context, Callback cb) override;
    void write(const QString& account, const QString& secret, QObject* context, Callback cb) override;
    void remove(const QString& account, QObject* context, Callback cb) override;
    bool isPersistent() const override { return true; }

    QString service() const { return m_service; }
    std::chrono::milliseconds timeout() const { return m_timeout; }
    int pendingCount() const { return int(m_pending.size()); }

private:
    enum class Op
    {
        Read,
        Write,
        Remove
    };
    struct Pending;
    void start(Op op, const QString& account, const QString& secret, QObject* context, Callback cb);
    void finish(quint64 id, Result result);

    QString m_service;
    std::chrono::milliseconds m_timeout;
    quint64 m_nextId = 1;
    QHash<quint64, Pending*> m_pending;
};

class MemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString& account, QObject* context, Callback cb) override;
    void write(const QString& account, const QString& secret, QObject* context, Callback cb) override;
    void remove(const QString& account, QObject* context, Callback cb) override;
    bool isPersistent() const override { return false; }

    bool contains(const QString& account) const { return m_secrets.contains(account); }

private:
    QHash<QString, QString> m_secrets;
};

class SessionSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // Takes ownership of `persistent` when it has no parent.
    SessionSecretStore(SecretStore* persistent, QObject* parent = nullptr);

    // read() answers from the overlay first. write() goes to the persistent store only and, on
    // success, drops the overlay copy; it never falls back to memory on its own: a failed write
    // reports Unavailable/Timeout/Error so the UI can ask, then call keepForSession().
    void read(const QString& account, QObject* context, Callback cb) override;
    void write(const QString& account, const QString& secret, QObject* context, Callback cb) override;
    // Drops the overlay copy and removes from the persistent store (its result is reported).
    void remove(const QString& account, QObject* context, Callback cb) override;
    bool isPersistent() const override { return m_persistent && m_persistent->isPersistent(); }

    void keepForSession(const QString& account, const QString& secret);
    bool hasSessionOnly(const QString& account) const;
    void forgetSession(const QString& account);
    SecretStore* persistentStore() const { return m_persistent; }

private:
    QPointer<SecretStore> m_persistent;
    QHash<QString, QString> m_session;
};

} // namespace anyrouter
