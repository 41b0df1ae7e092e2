// SingleInstance: lock file + user-only local socket, the hand-over protocol, stale-lock recovery.
//
// Frame (big-endian): quint32 magic "ARS1", quint32 payload length, payload. The payload is the
// argument list, each as quint32 byte length + UTF-8 bytes. The primary answers "ok\n" once it has
// the whole frame, closes, then emits messageReceived. Anything else (wrong magic, a length above
// maxMessageBytes(), a list that does not parse, a sender that stalls) is dropped unanswered.
#include "core/platform/SingleInstance.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#if defined(Q_OS_WIN)
#include <qt_windows.h>
#elif defined(Q_OS_UNIX)
#include <unistd.h>
#endif

#include <algorithm>

namespace anyrouter {

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcInstance, "anyrouter.platform")

namespace {

constexpr quint32 kMagic = 0x41525331; // "ARS1"
constexpr qsizetype kHeaderBytes = 8;
const QByteArray kAck = QByteArrayLiteral("ok\n");
// A connection that has not delivered a whole frame by then is dropped (it holds a socket).
constexpr int kIncompleteTimeoutMs = 5000;
// How long a lock file that names no process may be young: QLockFile writes its content right after
// creating it, so an unreadable lock older than this was left by a writer that died in between.
constexpr qint64 kUnreadableLockGraceSecs = 5;

// Where this user's lock and socket live: a directory only they can write to.
QString instanceDirectory()
{
#if defined(Q_OS_WIN) || defined(Q_OS_MACOS)
    // Per user on both (%TEMP%, $TMPDIR), and short enough for a socket path on macOS.
    QString dir = QStandardPaths::writableLocation(QStandardPaths::TempLocation);
#else
    // $XDG_RUNTIME_DIR: mode 0700, owned by the user, on tmpfs (so nothing survives a reboot).
    QString dir = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
#endif
    if (dir.isEmpty())
        dir = QDir::tempPath();
    return dir;
}

QString userTag()
{
#if defined(Q_OS_WIN)
    // Named pipes are machine-wide: the name must differ per user.
    return qEnvironmentVariable("USERDOMAIN") + u'\\' + qEnvironmentVariable("USERNAME");
#elif defined(Q_OS_UNIX)
    return QString::number(::getuid());
#else
    return qEnvironmentVariable("USER");
#endif
}

QString baseName(const QString& key)
{
    const QByteArray digest =
        QCryptographicHash::hash((key + u'\n' + userTag()).toUtf8(), QCryptographicHash::Sha256).toHex();
    return u"anyrouter-"_s + QString::fromLatin1(digest.left(16));
}

QString socketNameFor(const QString& dir, const QString& base)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(dir)
    return base; // a pipe name, \\.\pipe\<base>
#else
    const QString path = dir + u'/' + base + u".socket"_s;
    // sockaddr_un holds 104 (macOS) to 108 bytes: beyond that let Qt place it in its temp dir.
    if (QFile::encodeName(path).size() >= 100)
        return base;
    return path;
#endif
}

void putUint32(QByteArray& out, quint32 value)
{
    char bytes[4];
    qToBigEndian(value, bytes);
    out.append(bytes, 4);
}

quint32 getUint32(const char* p)
{
    return qFromBigEndian<quint32>(p);
}

// The argument list in a payload, or false when it does not parse (every length is checked against
// what is left, so a hostile length cannot make it read or allocate past the payload).
bool decodeArguments(const QByteArray& payload, QStringList* arguments)
{
    qsizetype pos = 0;
    while (pos < payload.size()) {
        if (payload.size() - pos < 4)
            return false;
        const quint32 length = getUint32(payload.constData() + pos);
        pos += 4;
        if (length > quint32(payload.size() - pos))
            return false;
        arguments->append(QString::fromUtf8(payload.constData() + pos, qsizetype(length)));
        pos += qsizetype(length);
    }
    return true;
}

} // namespace

SingleInstance::SingleInstance(const QString& key, QObject* parent)
    : QObject(parent), m_lockPath(instanceDirectory() + u'/' + baseName(key) + u".lock"_s),
      m_serverName(socketNameFor(instanceDirectory(), baseName(key))), m_lock(m_lockPath)
{
    // A live primary never goes stale however long it runs; a dead one is detected by its PID.
    m_lock.setStaleLockTime(0);
}

SingleInstance::~SingleInstance()
{
    if (m_server)
        m_server->close(); // removes the socket file before the lock is released
}

QByteArray SingleInstance::encodeMessage(const QStringList& arguments)
{
    QByteArray payload;
    for (const QString& a : arguments) {
        const QByteArray utf8 = a.toUtf8();
        putUint32(payload, quint32(utf8.size()));
        payload += utf8;
    }
    QByteArray frame;
    frame.reserve(kHeaderBytes + payload.size());
    putUint32(frame, kMagic);
    putUint32(frame, quint32(payload.size()));
    frame += payload;
    return frame;
}

SingleInstance::Role SingleInstance::claim()
{
    if (m_claimed)
        return m_role;
    m_claimed = true;

    QDir().mkpath(QFileInfo(m_lockPath).absolutePath());
    // tryLock() itself removes a lock whose process is gone (same host, PID not running or running
    // another program); a lock held by a live process stays.
    if (!m_lock.tryLock(0)) {
        if (m_lock.error() != QLockFile::LockFailedError) {
            m_error = tr("Cannot create the lock file %1.").arg(QDir::toNativeSeparators(m_lockPath));
            m_role = Role::Failed;
            return m_role;
        }
        qint64 pid = 0;
        QString host;
        QString app;
        const bool readable = m_lock.getLockInfo(&pid, &host, &app);
        const qint64 age = QFileInfo(m_lockPath).lastModified().secsTo(QDateTime::currentDateTime());
        if (readable || age < kUnreadableLockGraceSecs || !m_lock.removeStaleLockFile() ||
            !m_lock.tryLock(0)) {
            m_role = Role::Secondary;
            return m_role;
        }
        qCInfo(lcInstance) << "took over an unreadable lock file" << m_lockPath;
    }

    // We hold the lock, so nobody else listens: a socket file here is a dead primary's.
    QLocalServer::removeServer(m_serverName);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_serverName)) {
        // The lock stays held: a second copy on the same data would be worse than no hand-over.
        m_error = tr("Cannot listen on %1: %2").arg(m_serverName, m_server->errorString());
        delete m_server;
        m_server = nullptr;
        m_role = Role::Failed;
        return m_role;
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::acceptConnections);
    m_role = Role::Primary;
    return m_role;
}

void SingleInstance::acceptConnections()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        // Never more than one frame is buffered, so a sender cannot make us hold more.
        socket->setReadBufferSize(kHeaderBytes + maxMessageBytes());
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QIODevice::readyRead, this, [this, socket] { readFrom(socket); });
        QTimer::singleShot(kIncompleteTimeoutMs, socket, [socket] {
            qCWarning(lcInstance) << "dropped a hand-over connection that sent no whole message";
            socket->abort();
            socket->deleteLater();
        });
        readFrom(socket); // what arrived before the connection was taken
    }
}

void SingleInstance::readFrom(QLocalSocket* socket)
{
    const qint64 available = socket->bytesAvailable();
    if (available < kHeaderBytes)
        return;
    const QByteArray header = socket->peek(kHeaderBytes);
    const quint32 magic = getUint32(header.constData());
    const quint32 length = getUint32(header.constData() + 4);
    if (magic != kMagic || length > quint32(maxMessageBytes())) {
        if (magic != kMagic)
            qCWarning(lcInstance) << "refused a hand-over connection that sent no message";
        else
            qCWarning(lcInstance).nospace() << "refused a hand-over message of " << length
                                            << " bytes (at most " << maxMessageBytes() << ")";
        disconnect(socket, &QIODevice::readyRead, this, nullptr);
        socket->abort();
        socket->deleteLater();
        return;
    }
    if (available < kHeaderBytes + qint64(length))
        return;
    socket->skip(kHeaderBytes);
    const QByteArray payload = socket->read(qint64(length));
    disconnect(socket, &QIODevice::readyRead, this, nullptr);
    QStringList arguments;
    if (!decodeArguments(payload, &arguments)) {
        qCWarning(lcInstance) << "refused a hand-over message that does not parse";
        socket->abort();
        socket->deleteLater();
        return;
    }
    socket->write(kAck);
    socket->disconnectFromServer(); // after the ack is written; deleted on disconnected
    // After the ack: however long the handler takes, the sender is not kept waiting.
    emit messageReceived(arguments);
}

bool SingleInstance::sendToPrimary(const QStringList& arguments, int timeoutMs, QString* error)
{
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    const QByteArray frame = encodeMessage(arguments);
    if (frame.size() - kHeaderBytes > maxMessageBytes())
        return fail(
            tr("The command line is too long to hand over to the running instance (%1 bytes, at most %2).")
                .arg(frame.size() - kHeaderBytes)
                .arg(maxMessageBytes()));

#if defined(Q_OS_WIN)
    // Windows lets only the foreground process give the foreground away: allow the primary to raise
    // its window when it handles this message.
    ::AllowSetForegroundWindow(ASFW_ANY);
#endif

    const QDeadlineTimer deadline(std::max(timeoutMs, 0));
    const auto remaining = [&deadline] { return int(std::max<qint64>(deadline.remainingTime(), 0)); };
    QLocalSocket socket;
    // The primary takes the lock before it listens: retry until the deadline. Blocking is fine
    // here, this process exits right after.
    for (;;) {
        socket.connectToServer(m_serverName);
        if (socket.waitForConnected(remaining()))
            break;
        socket.abort();
        if (deadline.hasExpired())
            return fail(tr("AnyRouter Desktop is already running but cannot be reached (%1).")
                            .arg(socket.errorString()));
        QThread::msleep(std::min(20, remaining()));
    }
    const auto notAnswering = [&] {
        if (socket.state() != QLocalSocket::ConnectedState)
            return fail(tr("The running instance of AnyRouter Desktop refused the request."));
        return fail(tr("AnyRouter Desktop is already running but does not answer (no reply within %1 ms).")
                        .arg(timeoutMs));
    };
    socket.write(frame);
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(remaining()))
            return notAnswering();
    }
    QByteArray ack;
    while (ack.size() < kAck.size()) {
        if (socket.bytesAvailable() > 0) {
            ack += socket.read(kAck.size() - ack.size());
            continue;
        }
        if (socket.state() != QLocalSocket::ConnectedState ||
            (!socket.waitForReadyRead(remaining()) && socket.bytesAvailable() == 0))
            return notAnswering();
    }
    if (ack != kAck)
        return fail(tr("The running instance of AnyRouter Desktop gave an unexpected answer."));
    return true;
}

} // namespace anyrouter
