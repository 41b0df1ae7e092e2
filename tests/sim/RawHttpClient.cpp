// Raw HTTP/1.1 client and strict SSE splitter used by the simulator tests.
#include "RawHttpClient.h"

#include <QEventLoop>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace anyrouter::test {

QByteArray RawHttpResponse::header(QByteArrayView name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

qsizetype RawHttpResponse::parse(const QByteArray& buf, bool eof)
{
    *this = RawHttpResponse();
    const qsizetype headEnd = buf.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return 0;
    const QList<QByteArray> lines = buf.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    qsizetype pos = headEnd + 4;
    chunked = header("transfer-encoding").toLower().contains("chunked");
    hasContentLength = !header("content-length").isEmpty();
    if (status == 100) { // interim response: report it on its own
        complete = true;
        raw = buf.left(pos);
        return pos;
    }
    if (chunked) {
        for (;;) {
            const qsizetype eol = buf.indexOf("\r\n", pos);
            if (eol < 0)
                return 0;
            bool ok = false;
            const qsizetype size = buf.mid(pos, eol - pos).split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok)
                return 0;
            pos = eol + 2;
            if (size == 0) {
                if (buf.size() < pos + 2 || buf.mid(pos, 2) != "\r\n")
                    return 0;
                pos += 2;
                break;
            }
            if (buf.size() < pos + size + 2)
                return 0;
            body.append(buf.constData() + pos, size);
            pos += size + 2;
        }
    } else if (hasContentLength) {
        const qsizetype len = header("content-length").toLongLong();
        if (buf.size() < pos + len)
            return 0;
        body = buf.mid(pos, len);
        pos += len;
    } else {
        if (!eof)
            return 0;
        body = buf.mid(pos);
        pos = buf.size();
    }
    complete = true;
    raw = buf.left(pos);
    return pos;
}

bool parseSse(const QByteArray& body, QList<SseEvent>* events)
{
    events->clear();
    qsizetype pos = 0;
    while (pos < body.size()) {
        const qsizetype end = body.indexOf("\n\n", pos);
        if (end < 0)
            return false;
        SseEvent ev;
        const QList<QByteArray> lines = body.mid(pos, end - pos).split('\n');
        for (const QByteArray& line : lines) {
            if (line.startsWith(':'))
                ev.comments.append(line.mid(1).trimmed());
            else if (line.startsWith("data: "))
                ev.dataLines.append(line.mid(6));
            else if (line.startsWith("data:"))
                ev.dataLines.append(line.mid(5));
        }
        events->append(ev);
        pos = end + 2;
    }
    return true;
}

RawHttpClient::RawHttpClient(quint16 port, QObject* parent) : QObject(parent), m_port(port)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
        const QByteArray data = m_socket.readAll();
        m_reads.append(data);
        m_buf += data;
        emit activity();
    });
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        m_closed = true;
        emit activity();
    });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_closed = true;
            emit activity();
        }
    });
    connect(&m_socket, &QTcpSocket::connected, this, &RawHttpClient::activity);
}

bool RawHttpClient::spin(const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &RawHttpClient::activity, &loop, [&] {
        if (done())
            loop.quit();
    });
    timer.start(timeoutMs);
    loop.exec();
    return done();
}

bool RawHttpClient::connectToServer(int timeoutMs)
{
    m_closed = false;
    m_socket.connectToHost(QHostAddress::LocalHost, m_port);
    spin([&] { return m_socket.state() == QAbstractSocket::ConnectedState || m_closed; }, timeoutMs);
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void RawHttpClient::send(const QByteArray& bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

bool RawHttpClient::readResponse(RawHttpResponse* out, int timeoutMs)
{
    qsizetype used = 0;
    qsizetype scanned = 0; // the chunked terminator can only be in bytes not yet looked at
    auto ready = [&] {
        // Cheap checks first: a full parse of a 10 MB body on every read would be quadratic.
        if (!m_closed) {
            const qsizetype headEnd = m_buf.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return false;
            const QByteArray head = m_buf.left(headEnd).toLower();
            if (head.contains("transfer-encoding: chunked")) {
                const qsizetype from = qMax(headEnd, scanned - 8);
                scanned = m_buf.size();
                if (m_buf.indexOf("0\r\n\r\n", from) < 0)
                    return false;
            }
        }
        used = out->parse(m_buf, m_closed);
        return used > 0;
    };
    spin(ready, timeoutMs);
    if (used == 0)
        return false;
    m_buf.remove(0, used);
    return true;
}

bool RawHttpClient::waitFor(const std::function<bool(const QByteArray&)>& predicate, int timeoutMs)
{
    spin([&] { return predicate(m_buf) || m_closed; }, timeoutMs);
    return predicate(m_buf);
}

bool RawHttpClient::waitForDisconnected(int timeoutMs)
{
    return spin([&] { return m_closed; }, timeoutMs);
}

QByteArray RawHttpClient::request(const QByteArray& method, const QByteArray& path, const QByteArray& body,
                                  const QList<QPair<QByteArray, QByteArray>>& headers,
                                  const QByteArray& version)
{
    QByteArray r = method + ' ' + path + ' ' + version + "\r\nHost: 127.0.0.1\r\n";
    bool hasLength = false;
    for (const auto& h : headers) {
        r += h.first + ": " + h.second + "\r\n";
        hasLength = hasLength || h.first.compare("transfer-encoding", Qt::CaseInsensitive) == 0;
    }
    if (!hasLength && (!body.isEmpty() || method == "POST" || method == "PATCH"))
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    r += "\r\n";
    r += body;
    return r;
}

RawHttpResponse RawHttpClient::fetch(quint16 port, const QByteArray& requestBytes, int timeoutMs)
{
    RawHttpClient client(port);
    RawHttpResponse r;
    if (!client.connectToServer())
        return r;
    client.send(requestBytes);
    client.readResponse(&r, timeoutMs);
    return r;
}

} // namespace anyrouter::test
