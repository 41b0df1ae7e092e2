// Hand-written HTTP/1.1 for the simulator (QtHttpServer 6.4 cannot stream, and faults need
// control over every byte on the wire).
#include "sim/SimHttpConnection.h"

#include "sim/SimLog.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

namespace {
constexpr qsizetype kMaxHeadBytes = 64 * 1024;
constexpr qint64 kMaxBodyBytes = 64LL * 1024 * 1024;
constexpr qint64 kLowWater = 256 * 1024;
constexpr int kIdleTimeoutMs = 120'000;
constexpr int kSplitPiecesPerTick = 16;

bool equalsIgnoreCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}
} // namespace

QByteArray SimHttpRequest::header(QByteArrayView name) const
{
    for (const auto& h : headers) {
        if (equalsIgnoreCase(h.first, name))
            return h.second;
    }
    return {};
}

bool SimHttpRequest::hasHeader(QByteArrayView name) const
{
    for (const auto& h : headers) {
        if (equalsIgnoreCase(h.first, name))
            return true;
    }
    return false;
}

SimHttpConnection::SimHttpConnection(QTcpSocket* socket, QObject* parent)
    : QObject(parent), m_socket(socket), m_dripTimer(new QTimer(this)), m_idleTimer(new QTimer(this))
{
    m_socket->setParent(this);
    // Streams are many small writes that must leave at once, not wait for Nagle.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &SimHttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &SimHttpConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &SimHttpConnection::handleClosed);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            handleClosed();
    });
    connect(m_dripTimer, &QTimer::timeout, this, &SimHttpConnection::onDripTick);
    m_idleTimer->setSingleShot(true);
    m_idleTimer->setInterval(kIdleTimeoutMs);
    connect(m_idleTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Reading && m_in.isEmpty() && !m_closed)
            m_socket->disconnectFromHost();
    });
    m_idleTimer->start();
}

SimHttpConnection::~SimHttpConnection() = default;

QByteArray SimHttpConnection::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue"_ba;
    case 200:
        return "OK"_ba;
    case 201:
        return "Created"_ba;
    case 204:
        return "No Content"_ba;
    case 400:
        return "Bad Request"_ba;
    case 401:
        return "Unauthorized"_ba;
    case 402:
        return "Payment Required"_ba;
    case 403:
        return "Forbidden"_ba;
    case 404:
        return "Not Found"_ba;
    case 405:
        return "Method Not Allowed"_ba;
    case 409:
        return "Conflict"_ba;
    case 413:
        return "Payload Too Large"_ba;
    case 422:
        return "Unprocessable Entity"_ba;
    case 429:
        return "Too Many Requests"_ba;
    case 431:
        return "Request Header Fields Too Large"_ba;
    case 500:
        return "Internal Server Error"_ba;
    case 502:
        return "Bad Gateway"_ba;
    case 503:
        return "Service Unavailable"_ba;
    case 504:
        return "Gateway Timeout"_ba;
    default:
        return "Status"_ba;
    }
}

void SimHttpConnection::onReadyRead()
{
    if (m_closed)
        return;
    m_in.append(m_socket->readAll());
    m_idleTimer->start();
    if (m_state == State::Reading && !m_stopReading)
        parse();
}

void SimHttpConnection::parse()
{
    if (m_closed || m_state != State::Reading || m_stopReading)
        return;
    if (!m_haveHead && !parseHead())
        return;
    if (!m_haveHead || !takeBody())
        return;
    m_haveHead = false;
    m_sentContinue = false;
    m_state = State::Responding;
    m_headSent = false;
    m_finishing = false;
    m_closeAfter = false;
    m_status = 0;
    m_request.timer.start();
    m_idleTimer->stop();
    emit requestReceived(this);
}

bool SimHttpConnection::parseHead()
{
    // Tolerate stray line breaks between pipelined requests (RFC 9112 §2.2).
    qsizetype start = 0;
    while (start < m_in.size() && (m_in.at(start) == '\r' || m_in.at(start) == '\n'))
        ++start;
    if (start > 0)
        m_in.remove(0, start);
    qsizetype end = m_in.indexOf("\r\n\r\n");
    qsizetype sepLen = 4;
    const qsizetype lfEnd = m_in.indexOf("\n\n");
    if (lfEnd >= 0 && (end < 0 || lfEnd < end)) {
        end = lfEnd;
        sepLen = 2;
    }
    if (end < 0) {
        if (m_in.size() > kMaxHeadBytes)
            failRequest(431, "request head too large"_ba);
        return false;
    }
    const QByteArray head = m_in.left(end);
    m_in.remove(0, end + sepLen);

    SimHttpRequest req;
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray requestLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !parts.at(2).startsWith("HTTP/1.")) {
        failRequest(400, "malformed request line"_ba);
        return false;
    }
    req.method = parts.at(0);
    req.target = parts.at(1);
    req.version = parts.at(2);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            failRequest(400, "malformed header line"_ba);
            return false;
        }
        req.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }

    QByteArray target = req.target;
    if (target.startsWith("http://") || target.startsWith("https://")) {
        const qsizetype slash = target.indexOf('/', target.indexOf("//") + 2);
        target = slash < 0 ? "/"_ba : target.mid(slash);
    }
    const qsizetype q = target.indexOf('?');
    req.rawPath = q < 0 ? target : target.left(q);
    if (q >= 0)
        req.query.setQuery(QString::fromUtf8(target.mid(q + 1)));
    req.path = QUrl::fromPercentEncoding(req.rawPath);

    const QByteArray connectionHeader = req.header("connection").toLower();
    if (req.version == "HTTP/1.0")
        req.keepAlive = connectionHeader.contains("keep-alive");
    else
        req.keepAlive = !connectionHeader.contains("close");

    m_chunkedBody = req.header("transfer-encoding").toLower().contains("chunked");
    m_contentLength = 0;
    if (!m_chunkedBody && req.hasHeader("content-length")) {
        bool ok = false;
        m_contentLength = req.header("content-length").toLongLong(&ok);
        if (!ok || m_contentLength < 0) {
            failRequest(400, "bad Content-Length"_ba);
            return false;
        }
        if (m_contentLength > kMaxBodyBytes) {
            failRequest(413, "request body too large"_ba);
            return false;
        }
    }
    m_request = std::move(req);
    m_haveHead = true;
    if (!m_sentContinue && m_request.header("expect").toLower() == "100-continue") {
        m_sentContinue = true;
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    return true;
}

bool SimHttpConnection::takeBody()
{
    if (!m_chunkedBody) {
        if (m_in.size() < m_contentLength)
            return false;
        m_request.body = m_in.left(m_contentLength);
        m_in.remove(0, m_contentLength);
        return true;
    }
    // Decode from the start each time: request bodies are small, and this keeps no extra state.
    QByteArray body;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype eol = m_in.indexOf("\r\n", pos);
        if (eol < 0)
            return false;
        QByteArray sizeField = m_in.mid(pos, eol - pos);
        const qsizetype semi = sizeField.indexOf(';');
        if (semi >= 0)
            sizeField.truncate(semi);
        bool ok = false;
        const qint64 size = sizeField.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0 || body.size() + size > kMaxBodyBytes) {
            failRequest(ok ? 413 : 400, "bad chunked body"_ba);
            return false;
        }
        pos = eol + 2;
        if (size == 0) {
            // Trailer section: header lines until an empty line.
            for (;;) {
                const qsizetype tEol = m_in.indexOf("\r\n", pos);
                if (tEol < 0)
                    return false;
                const bool empty = tEol == pos;
                pos = tEol + 2;
                if (empty)
                    break;
            }
            m_request.body = body;
            m_in.remove(0, pos);
            return true;
        }
        if (m_in.size() < pos + size + 2)
            return false;
        body.append(m_in.constData() + pos, size);
        pos += size + 2;
    }
}

void SimHttpConnection::failRequest(int status, const QByteArray& message)
{
    qCDebug(lcSim) << "rejecting request:" << message;
    m_stopReading = true;
    m_state = State::Responding;
    m_request.keepAlive = false;
    m_request.method = "?"_ba;
    QByteArray body = R"({"error":{"message":")"_ba + message +
                      R"(","type":"invalid_request_error","code":"bad_request","param":null}})"_ba;
    sendResponse(status, {{"Content-Type"_ba, "application/json"_ba}}, body);
}

void SimHttpConnection::setWriteMode(WriteMode mode, int delayMs)
{
    m_writeMode = mode;
    m_dripTimer->setTimerType(Qt::PreciseTimer);
    m_dripTimer->setInterval(mode == WriteMode::SlowDrip ? qMax(0, delayMs) : 0);
}

void SimHttpConnection::writeHead(int status, const SimHeaders& headers, Framing framing,
                                  qint64 contentLength)
{
    if (m_closed || m_headSent)
        return;
    m_status = status;
    if (framing == Framing::Chunked && m_request.version == "HTTP/1.0")
        framing = Framing::CloseDelimited;
    m_framing = framing;
    m_closeAfter = !m_request.keepAlive || framing == Framing::CloseDelimited;
    m_headSent = true;

    QByteArray head;
    head.reserve(512);
    head += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    head += "Server: anyrouter-sim/" ANYROUTER_VERSION "\r\n";
    for (const auto& h : headers)
        head += h.first + ": " + h.second + "\r\n";
    if (framing == Framing::ContentLength)
        head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    else if (framing == Framing::Chunked)
        head += "Transfer-Encoding: chunked\r\n";
    head += m_closeAfter ? "Connection: close\r\n"_ba : "Connection: keep-alive\r\n"_ba;
    head += "\r\n";
    out(head);
}

void SimHttpConnection::writeBody(const QByteArray& data)
{
    if (m_closed || data.isEmpty())
        return;
    if (m_framing == Framing::Chunked) {
        QByteArray framed;
        framed.reserve(data.size() + 12);
        framed += QByteArray::number(data.size(), 16) + "\r\n";
        framed += data;
        framed += "\r\n";
        out(framed);
    } else {
        out(data);
    }
}

void SimHttpConnection::finish()
{
    if (m_closed || m_finishing || m_state != State::Responding)
        return;
    if (m_framing == Framing::Chunked)
        out("0\r\n\r\n"_ba);
    m_finishing = true;
    maybeComplete();
}

void SimHttpConnection::sendResponse(int status, const SimHeaders& headers, const QByteArray& body)
{
    writeHead(status, headers, Framing::ContentLength, body.size());
    writeBody(body);
    finish();
}

void SimHttpConnection::reset()
{
    if (m_closed)
        return;
    m_resetPending = true;
    m_socket->flush();
    if (pendingBytes() == 0)
        doReset();
}

void SimHttpConnection::abort()
{
    if (m_closed)
        return;
    m_socket->abort();
    handleClosed();
}

qint64 SimHttpConnection::pendingBytes() const
{
    return m_closed ? 0 : m_socket->bytesToWrite() + m_queue.size();
}

void SimHttpConnection::out(const QByteArray& bytes)
{
    if (m_closed)
        return;
    if (m_writeMode == WriteMode::Direct && m_queue.isEmpty()) {
        m_socket->write(bytes);
        return;
    }
    m_queue.append(bytes);
    if (!m_dripTimer->isActive())
        m_dripTimer->start();
}

void SimHttpConnection::onDripTick()
{
    if (m_closed) {
        m_dripTimer->stop();
        return;
    }
    if (m_writeMode == WriteMode::SlowDrip) {
        m_socket->write(m_queue.constData(), 1);
        m_queue.remove(0, 1);
        m_socket->flush();
    } else {
        // Each piece ends right after a UTF-8 lead byte, so every multi-byte sequence arrives
        // in two separate writes (and, with TCP_NODELAY, usually in two segments).
        for (int i = 0; i < kSplitPiecesPerTick && !m_queue.isEmpty(); ++i) {
            qsizetype len = 0;
            while (len < m_queue.size() && len < 5) {
                const auto c = static_cast<unsigned char>(m_queue.at(len));
                ++len;
                if (c >= 0xC0)
                    break;
            }
            m_socket->write(m_queue.constData(), len);
            m_queue.remove(0, len);
            m_socket->flush();
        }
    }
    if (m_queue.isEmpty()) {
        m_dripTimer->stop();
        onBytesWritten();
    }
}

void SimHttpConnection::onBytesWritten()
{
    if (m_closed)
        return;
    if (m_resetPending) {
        if (pendingBytes() == 0)
            doReset();
        return;
    }
    maybeComplete();
    if (!m_closed && pendingBytes() < kLowWater)
        emit drained();
}

void SimHttpConnection::maybeComplete()
{
    if (m_finishing && m_queue.isEmpty())
        completeResponse();
}

void SimHttpConnection::completeResponse()
{
    m_finishing = false;
    m_state = State::Reading;
    const int status = m_status;
    emit responseFinished(this, status, true);
    if (m_closed)
        return;
    if (m_closeAfter || m_stopReading) {
        m_stopReading = true;
        m_socket->disconnectFromHost(); // flushes what is buffered first
        return;
    }
    m_idleTimer->start();
    if (!m_in.isEmpty())
        QTimer::singleShot(0, this, &SimHttpConnection::parse);
}

void SimHttpConnection::doReset()
{
    if (m_closed)
        return;
    const qintptr fd = m_socket->socketDescriptor();
    if (fd >= 0) {
        // Linger 0 turns close() into a RST: the peer sees an abrupt failure even when the body
        // is close-delimited, where an orderly FIN would look like a normal end.
        struct linger lg;
        lg.l_onoff = 1;
        lg.l_linger = 0;
#ifdef Q_OS_WIN
        ::setsockopt(static_cast<SOCKET>(fd), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&lg),
                     sizeof lg);
#else
        ::setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
#endif
    }
    m_socket->abort();
    handleClosed();
}

void SimHttpConnection::handleClosed()
{
    if (m_closed)
        return;
    m_closed = true;
    m_dripTimer->stop();
    m_idleTimer->stop();
    m_queue.clear();
    if (m_state == State::Responding) {
        m_state = State::Reading;
        emit responseFinished(this, m_status, false);
    }
    emit closed();
    deleteLater();
}

} // namespace anyrouter::sim
