// SingleInstance: one GUI instance per user and profile. The first launch owns a lock file and a
// local socket that only this user can reach; a later launch finds the lock taken, hands its command
// line over that socket and exits. A lock or socket left behind by an instance that died is taken
// over. Messages are small (at most maxMessageBytes()), read by the primary without blocking its
// event loop, and acknowledged so the sender knows it was delivered.
#pragma once

#include <QLockFile>
#include <QObject>
#include <QString>
#include <QStringList>

class QLocalServer;
class QLocalSocket;

namespace anyrouter {

class SingleInstance : public QObject
{
    Q_OBJECT
public:
    enum class Role
    {
        Primary,   // we hold the lock and listen: later launches talk to us
        Secondary, // another live process holds the lock: hand over with sendToPrimary()
        Failed,    // neither could be established (see errorString()); run without hand-over
    };
    Q_ENUM(Role)

    // `key` names the instance: two objects with the same key (and user) are one instance. Derive it
    // from what must not be shared by two processes (the app identity and its data directory), so
    // test mode or another profile gets an instance of its own.
    explicit SingleInstance(const QString& key, QObject* parent = nullptr);
    ~SingleInstance() override;

    // Decides the role once; later calls return the same answer. Never waits for another process.
    Role claim();
    Role role() const { return m_role; }

    // Secondary: delivers `arguments` to the primary and waits (blocking, at most `timeoutMs` in
    // all) for its acknowledgement. False with `error` set when the message is too large, nobody
    // listens, or the primary does not answer in time (it hangs). Only for a process that exits
    // right after: it blocks the calling thread.
    bool sendToPrimary(const QStringList& arguments, int timeoutMs = 1000, QString* error = nullptr);

    // Why claim() failed, or the last listen problem.
    QString errorString() const { return m_error; }
    // Where the lock and the socket live (per user; Unix: $XDG_RUNTIME_DIR).
    QString lockFilePath() const { return m_lockPath; }
    QString serverName() const { return m_serverName; }

    // The largest serialised argument list accepted, either side.
    static constexpr qsizetype maxMessageBytes() { return 64 * 1024; }
    // Test seam: the frame a sender writes for `arguments` (length prefix + payload), unchecked.
    static QByteArray encodeMessage(const QStringList& arguments);

signals:
    // Primary: a later launch's command line (argv[0] first). Emitted after it was acknowledged.
    void messageReceived(const QStringList& arguments);

private:
    void acceptConnections();
    void readFrom(QLocalSocket* socket);

    QString m_lockPath;
    QString m_serverName;
    QLockFile m_lock;
    QLocalServer* m_server = nullptr;
    Role m_role = Role::Failed;
    bool m_claimed = false;
    QString m_error;
};

} // namespace anyrouter
