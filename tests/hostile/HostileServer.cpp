// HostileServer: request parsing, per-case response scripts and their timed delivery. The responses
// are written byte for byte here (status line, headers, chunked framing, SSE events) on purpose: no
// HTTP or SSE library stands between the test and the bytes the app has to survive.
#include "HostileServer.h"

#include <QTcpSocket>
#include <QTimer>

namespace anyrouter::hostile {

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype kMaxRequestBytes = 16 * 1024 * 1024;

// The reply every well-formed case streams, one content event per piece (non-ASCII on purpose).
const QStringList& pieces()
{
    static const QStringList p{u"The hostile "_s, u"server says "_s, u"hello. "_s,  u"Ünïcödé — "_s,
                               u"日本語 "_s,      u"and more "_s,    u"text to "_s, u"finish."_s};
    return p;
}
constexpr int kPartialPieces = 4; // what the mid-stream faults send before failing

QString joined(int n)
{
    QString s;
    for (int i = 0; i < n && i < pieces().size(); ++i)
        s += pieces().at(i);
    return s;
}

} // namespace

QString HostileServer::imageReplyText(const QString& imageTarget)
{
    return u"Look: ![z]("_s + imageTarget +
           u") and [local](file:///etc/passwd), [app](evil-scheme://run?x=1), "
           u"[mail](mailto:someone@example.com), [web](https://example.com/)."_s;
}

namespace {

// A JSON string literal (with quotes) for s; non-ASCII stays raw UTF-8, as servers send it.
QByteArray jsonString(const QString& s)
{
    QByteArray out = "\"";
    const QByteArray utf8 = s.toUtf8();
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += QByteArray::number(u, 16).rightJustified(2, '0');
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

QByteArray chunkPrefix()
{
    return R"({"id":"gen-hostile-0001","object":"chat.completion.chunk","created":1767225600,)"
           R"("model":"hostile/echo-1","provider":"Hostile",)"_ba;
}

// One chunk whose delta content is the given (already JSON-encoded) string literal.
QByteArray contentChunk(const QByteArray& jsonLiteral)
{
    return chunkPrefix() + R"("choices":[{"index":0,"delta":{"content":)"_ba + jsonLiteral +
           R"(},"finish_reason":null}]})"_ba;
}
QByteArray roleChunk()
{
    return chunkPrefix() + R"("choices":[{"index":0,"delta":{"role":"assistant","content":""},)"
                           R"("finish_reason":null}]})"_ba;
}
QByteArray finishChunk()
{
    return chunkPrefix() + R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"_ba;
}
QByteArray usageChunk(const QByteArray& usageJson)
{
    return chunkPrefix() + R"("choices":[],"usage":)"_ba + usageJson + "}";
}
const QByteArray kSaneUsage =
    R"({"prompt_tokens":12,"completion_tokens":8,"total_tokens":20,"cost":0.00012})"_ba;

struct Framing
{
    QByteArray lineEnd = "\n";
    QByteArray dataPrefix = "data: ";
    QByteArray event(const QByteArray& payload) const { return dataPrefix + payload + lineEnd + lineEnd; }
};

QByteArray httpChunk(const QByteArray& data)
{
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

QByteArray sseHead(bool chunked)
{
    QByteArray h = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                   "Cache-Control: no-cache\r\nConnection: close\r\n";
    if (chunked)
        h += "Transfer-Encoding: chunked\r\n";
    return h + "\r\n";
}

QByteArray fixedResponse(const QByteArray& statusLine, const QByteArray& headers, const QByteArray& body)
{
    return "HTTP/1.1 " + statusLine + "\r\n" + headers +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

QByteArray jsonError(int code, const QByteArray& message)
{
    return R"({"error":{"message":)"_ba + message + R"(,"code":)"_ba + QByteArray::number(code) + "}}";
}

// Events of a complete stream of the standard reply with the given usage object.
QList<QByteArray> completeEvents(const QByteArray& usageJson, bool withFinish = true, bool withUsage = true,
                                 bool withDone = true)
{
    QList<QByteArray> events{roleChunk()};
    for (const QString& p : pieces())
        events.append(contentChunk(jsonString(p)));
    if (withFinish)
        events.append(finishChunk());
    if (withUsage)
        events.append(usageChunk(usageJson));
    if (withDone)
        events.append("[DONE]"_ba);
    return events;
}

const QStringList& allCases()
{
    static const QStringList c{
        u"complete"_s,
        u"no-done"_s,             // finish reason, then the end: no usage, no [DONE] (complete)
        u"no-finish"_s,           // text, then a clean end without a finish reason (cut off)
        u"drop-before-headers"_s, // request read, connection closed without a byte
        u"drop-after-role"_s,     // 200, the role chunk, then the connection closes mid-body
        u"drop-mid-content"_s,    // half the text, then the connection closes mid-body
        u"stall-before-headers"_s,
        u"stall-mid-content"_s,
        u"slow-drip"_s,   // the complete stream, two bytes at a time
        u"until-close"_s, // the complete stream in one burst, no length, no chunks: ends at the close
        u"cr-framing"_s,
        u"crlf-framing"_s,
        u"data-no-space"_s,
        u"invalid-utf8"_s,
        u"huge-line"_s, // 10 MB in one SSE line
        u"redirect-307-port"_s,
        u"redirect-302-port"_s,
        u"redirect-file"_s,
        u"json-not-sse"_s,
        u"html-200"_s, // a web page, 200, no content type
        u"error-key-metadata"_s,
        u"error-key-stream"_s,
        u"error-text-key-300"_s,
        u"usage-negative"_s,
        u"usage-huge"_s,
        u"retry-after-huge"_s,
        u"retry-after-inf"_s,
        u"retry-after-nan"_s,
        u"retry-after-9999"_s,
        u"surrogate-split"_s,
        u"image-and-links"_s,
    };
    return c;
}

} // namespace

HostileServer::HostileServer(QObject* parent) : QObject(parent)
{
    connect(&m_main, &QTcpServer::newConnection, this, [this] { onNewConnection(&m_main); });
    connect(&m_other, &QTcpServer::newConnection, this, [this] { onNewConnection(&m_other); });
}

HostileServer::~HostileServer()
{
    stop();
}

bool HostileServer::start(QString* error)
{
    stop();
    m_clock.start();
    if (!m_main.listen(QHostAddress::LocalHost) || !m_other.listen(QHostAddress::LocalHost)) {
        if (error)
            *error = m_main.errorString() + u" / "_s + m_other.errorString();
        stop();
        return false;
    }
    return true;
}

void HostileServer::stop()
{
    m_main.close();
    m_other.close();
    for (const QPointer<QTcpSocket>& s : std::as_const(m_sockets)) {
        if (s) {
            s->disconnect(this);
            s->abort();
            s->deleteLater();
        }
    }
    m_sockets.clear();
    m_buffers.clear();
}

quint16 HostileServer::port() const
{
    return m_main.serverPort();
}

quint16 HostileServer::otherPort() const
{
    return m_other.serverPort();
}

QUrl HostileServer::baseUrl(const QString& caseName, bool tls) const
{
    return QUrl(u"%1://127.0.0.1:%2/c/%3/v1"_s.arg(tls ? u"https"_s : u"http"_s).arg(port()).arg(caseName));
}

QByteArray HostileServer::chatPath(const QString& caseName)
{
    return "/c/" + caseName.toUtf8() + "/v1/chat/completions";
}

QStringList HostileServer::caseNames()
{
    return allCases();
}

bool HostileServer::isCase(const QString& caseName)
{
    return allCases().contains(caseName);
}

QString HostileServer::foreignKey()
{
    return u"sk-or-v1-5f1c0ffee0ddba11cafe0123456789abcdef0123456789abcdef01234567"_s;
}

QString HostileServer::foreignManagementKey()
{
    return u"ak_9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddcc"_s;
}

QString HostileServer::fullText(const QString& c)
{
    if (c == u"surrogate-split")
        return u"Smile: \U0001F600 done."_s;
    if (c == u"image-and-links")
        return imageReplyText(u"/dev/zero"_s); // the default target; tests that change it know theirs
    if (c == u"huge-line")
        return {};
    return joined(int(pieces().size()));
}

QString HostileServer::replyText(const QString& c)
{
    if (c == u"drop-mid-content" || c == u"stall-mid-content" || c == u"error-key-stream")
        return joined(kPartialPieces);
    if (c == u"huge-line")
        return pieces().at(0);
    if (c == u"invalid-utf8")
        return {};
    if (c == u"drop-before-headers" || c == u"drop-after-role" || c == u"stall-before-headers" ||
        c.startsWith(u"redirect-") || c == u"html-200" || c == u"error-key-metadata" ||
        c == u"error-text-key-300" || c.startsWith(u"retry-after-"))
        return u""_s;
    return fullText(c);
}

int HostileServer::requestCount(const QByteArray& path) const
{
    int n = 0;
    for (const HostileRequest& r : m_requests)
        n += r.path == path ? 1 : 0;
    return n;
}

QList<HostileRequest> HostileServer::requests(const QByteArray& path) const
{
    if (path.isEmpty())
        return m_requests;
    QList<HostileRequest> out;
    for (const HostileRequest& r : m_requests)
        if (r.path == path)
            out.append(r);
    return out;
}

int HostileServer::otherPortRequests() const
{
    int n = 0;
    for (const HostileRequest& r : m_requests)
        n += r.port == m_other.serverPort() ? 1 : 0;
    return n;
}

int HostileServer::openConnections() const
{
    int n = 0;
    for (const QPointer<QTcpSocket>& s : m_sockets)
        n += s && s->state() == QAbstractSocket::ConnectedState ? 1 : 0;
    return n;
}

void HostileServer::resetCounts()
{
    m_requests.clear();
    m_tlsHandshakes = 0;
}

void HostileServer::onNewConnection(QTcpServer* server)
{
    while (QTcpSocket* s = server->nextPendingConnection()) {
        m_sockets.removeAll(QPointer<QTcpSocket>());
        m_sockets.append(s);
        m_buffers.insert(s, {});
        connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
        connect(s, &QTcpSocket::disconnected, this, [this, s] {
            m_buffers.remove(s);
            s->deleteLater();
        });
    }
}

void HostileServer::onReadyRead(QTcpSocket* s)
{
    auto it = m_buffers.find(s);
    if (it == m_buffers.end()) { // request already handled: whatever else the client sends is ignored
        s->readAll();
        return;
    }
    QByteArray& buf = *it;
    buf += s->readAll();
    if (buf.startsWith('\x16')) { // a TLS ClientHello on a plain port: the handshake must fail
        ++m_tlsHandshakes;
        m_buffers.erase(it);
        s->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        s->disconnectFromHost();
        return;
    }
    const qsizetype headerEnd = buf.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buf.size() > 64 * 1024) {
            m_buffers.erase(it);
            s->abort();
        }
        return;
    }
    HostileRequest req;
    const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    req.method = requestLine.value(0);
    const QByteArray target = requestLine.value(1);
    const qsizetype q = target.indexOf('?');
    req.path = q < 0 ? target : target.left(q);
    req.query = q < 0 ? QByteArray() : target.mid(q + 1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            req.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    bool ok = false;
    const qint64 length = req.headers.value("content-length", "0").toLongLong(&ok);
    if (!ok || length < 0 || length > kMaxRequestBytes) {
        m_buffers.erase(it);
        s->abort();
        return;
    }
    if (buf.size() < headerEnd + 4 + length)
        return; // body still arriving
    req.body = buf.mid(headerEnd + 4, length);
    req.atMs = m_clock.elapsed();
    req.port = s->localPort();
    m_buffers.erase(it);
    m_requests.append(req);
    handle(s, req);
}

void HostileServer::handle(QTcpSocket* s, const HostileRequest& req)
{
    run(s, std::make_shared<Script>(scriptFor(req)), 0);
}

void HostileServer::run(QTcpSocket* s, const std::shared_ptr<Script>& script, qsizetype index)
{
    while (index < script->steps.size() && script->steps.at(index).delayMs <= 0)
        s->write(script->steps.at(index++).bytes);
    if (index < script->steps.size()) {
        QTimer::singleShot(script->steps.at(index).delayMs, s, [this, s, script, index] {
            if (s->state() != QAbstractSocket::ConnectedState)
                return;
            s->write(script->steps.at(index).bytes);
            run(s, script, index + 1);
        });
        return;
    }
    if (script->end == End::Hold) {
        QTimer::singleShot(script->holdMs, s, [s] { s->disconnectFromHost(); });
        return;
    }
    s->disconnectFromHost(); // sends what is buffered first
}

HostileServer::Script HostileServer::scriptFor(const HostileRequest& req) const
{
    Script sc;
    auto raw = [&sc](const QByteArray& bytes, int delayMs = 0) { sc.steps.append({bytes, delayMs}); };

    // /c/<case>/v1/<endpoint>
    const QList<QByteArray> parts = req.path.split('/');
    const QString c = QString::fromUtf8(parts.value(2));
    const bool isChat = req.method == "POST" && req.path.endsWith("/chat/completions");
    if (parts.value(1) != "c" || !isCase(c) || !isChat) {
        raw(fixedResponse("404 Not Found", "Content-Type: application/json\r\n",
                          jsonError(404, R"("no such endpoint here")"_ba)));
        return sc;
    }
    const QByteArray bearer = req.headers.value("authorization").mid(7); // after "Bearer "
    const QByteArray echoedKey = bearer.isEmpty() ? QByteArray("sk-none") : bearer;

    // A chunked SSE body of these events, optionally without its end (the connection then closes
    // mid-body: a network error, not a clean end).
    auto chunkedSse = [&](const QList<QByteArray>& events, bool terminate, const Framing& f = {}) {
        raw(sseHead(true));
        for (const QByteArray& e : events)
            raw(httpChunk(f.event(e)));
        if (terminate)
            raw("0\r\n\r\n");
    };
    // An SSE body delimited by the connection's end (no length, no chunks), as many proxies send.
    auto untilCloseSse = [&](const QList<QByteArray>& events, const Framing& f) {
        QByteArray body = sseHead(false);
        for (const QByteArray& e : events)
            body += f.event(e);
        return body;
    };

    if (c == u"complete") {
        QList<QByteArray> events = completeEvents(kSaneUsage);
        raw(sseHead(true));
        raw(httpChunk(": hostile keep-alive comment\n\n"));
        for (const QByteArray& e : events)
            raw(httpChunk(Framing{}.event(e)));
        raw("0\r\n\r\n");
    } else if (c == u"no-done") {
        chunkedSse(completeEvents(kSaneUsage, true, false, false), true);
    } else if (c == u"no-finish") {
        chunkedSse(completeEvents(kSaneUsage, false, false, false), true);
    } else if (c == u"drop-before-headers") {
        // nothing: the connection closes right after the request was read
    } else if (c == u"drop-after-role") {
        chunkedSse({roleChunk()}, false);
    } else if (c == u"drop-mid-content" || c == u"stall-mid-content") {
        QList<QByteArray> events{roleChunk()};
        for (int i = 0; i < kPartialPieces; ++i)
            events.append(contentChunk(jsonString(pieces().at(i))));
        chunkedSse(events, false);
        if (c == u"stall-mid-content") {
            sc.end = End::Hold;
            sc.holdMs = m_stallMs;
        }
    } else if (c == u"stall-before-headers") {
        sc.end = End::Hold;
        sc.holdMs = m_stallMs;
    } else if (c == u"slow-drip") {
        const QByteArray all = untilCloseSse(completeEvents(kSaneUsage), Framing{});
        for (qsizetype i = 0; i < all.size(); i += 2)
            raw(all.mid(i, 2), m_dripMs);
    } else if (c == u"until-close") {
        raw(untilCloseSse(completeEvents(kSaneUsage), Framing{}));
    } else if (c == u"cr-framing") {
        raw(untilCloseSse(completeEvents(kSaneUsage), Framing{"\r", "data: "}));
    } else if (c == u"crlf-framing") {
        raw(untilCloseSse(completeEvents(kSaneUsage), Framing{"\r\n", "data: "}));
    } else if (c == u"data-no-space") {
        chunkedSse(completeEvents(kSaneUsage), true, Framing{"\n", "data:"});
    } else if (c == u"invalid-utf8") {
        QList<QByteArray> events{roleChunk(), contentChunk(jsonString(pieces().at(0))),
                                 contentChunk("\"bad \xff\xfe bytes \xc3( here \xed\xa0\x80 \""_ba)};
        for (int i = 1; i < pieces().size(); ++i)
            events.append(contentChunk(jsonString(pieces().at(i))));
        events += {finishChunk(), usageChunk(kSaneUsage), "[DONE]"_ba};
        chunkedSse(events, true);
    } else if (c == u"huge-line") {
        raw(sseHead(true));
        raw(httpChunk(Framing{}.event(roleChunk())));
        raw(httpChunk(Framing{}.event(contentChunk(jsonString(pieces().at(0))))));
        raw(httpChunk("data: " + QByteArray(10 * 1024 * 1024, 'A') + "\n\n"));
        raw(httpChunk(Framing{}.event(finishChunk()) + Framing{}.event("[DONE]")));
        raw("0\r\n\r\n");
    } else if (c == u"redirect-307-port" || c == u"redirect-302-port") {
        const QByteArray status = c == u"redirect-307-port" ? "307 Temporary Redirect" : "302 Found";
        const QByteArray location =
            "http://127.0.0.1:" + QByteArray::number(m_other.serverPort()) + chatPath(u"complete"_s);
        raw(fixedResponse(status, "Location: " + location + "\r\nContent-Type: text/plain\r\n", "moved"));
    } else if (c == u"redirect-file") {
        raw(fixedResponse("307 Temporary Redirect", "Location: file:///etc/hostname\r\n", {}));
    } else if (c == u"json-not-sse") {
        const QByteArray body =
            R"({"id":"gen-hostile-json","object":"chat.completion","created":1767225600,"model":"hostile/echo-1",)"
            R"("choices":[{"index":0,"message":{"role":"assistant","content":)"_ba +
            jsonString(fullText(c)) + R"(},"finish_reason":"stop"}],"usage":)"_ba + kSaneUsage + "}";
        raw(fixedResponse("200 OK", "Content-Type: application/json\r\n", body));
    } else if (c == u"html-200") {
        raw(fixedResponse("200 OK", {},
                          "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n"
                          "<body><h1>Welcome to nginx!</h1><p>data: not an event</p></body></html>\n"));
    } else if (c == u"error-key-metadata") {
        const QByteArray body = R"({"error":{"message":"Provider returned error for key )"_ba +
                                foreignKey().toUtf8() + R"( and Bearer )"_ba +
                                foreignManagementKey().toUtf8() +
                                R"(","code":400,"metadata":{"provider_name":")"_ba + echoedKey +
                                R"(","raw":"upstream echoed )"_ba + echoedKey + R"("}}})"_ba;
        raw(fixedResponse("400 Bad Request", "Content-Type: application/json\r\n", body));
    } else if (c == u"error-key-stream") {
        QList<QByteArray> events{roleChunk()};
        for (int i = 0; i < kPartialPieces; ++i)
            events.append(contentChunk(jsonString(pieces().at(i))));
        events.append(R"({"id":"gen-hostile-0001","object":"chat.completion.chunk","error":{"message":)"
                      R"("Upstream failed for )"_ba +
                      foreignKey().toUtf8() + R"(","code":502,"metadata":{"provider_name":")"_ba + echoedKey +
                      R"("}},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})"_ba);
        chunkedSse(events, true);
    } else if (c == u"error-text-key-300") {
        // The key starts at byte 262, so a cut at 300 bytes before redaction leaves 38 of its
        // characters behind (the issue saw 40 of 42).
        QByteArray body = "upstream refused the request: ";
        while (body.size() < 262)
            body += "blah ";
        body = body.left(262) + echoedKey + " was the key it got; the rest of this text is long.";
        raw(fixedResponse("400 Bad Request", "Content-Type: text/plain\r\n", body));
    } else if (c == u"usage-negative") {
        chunkedSse(
            completeEvents(R"({"prompt_tokens":12,"completion_tokens":-5,"total_tokens":7,"cost":-12.5})"_ba),
            true);
    } else if (c == u"usage-huge") {
        chunkedSse(completeEvents(R"({"prompt_tokens":1e308,"completion_tokens":1e308,"total_tokens":1e308,)"
                                  R"("cost":1e308})"_ba),
                   true);
    } else if (c.startsWith(u"retry-after-")) {
        const QByteArray value = c == u"retry-after-huge"  ? "99999999999"
                                 : c == u"retry-after-inf" ? "inf"
                                 : c == u"retry-after-nan" ? "nan"
                                                           : "Fri, 31 Dec 9999 23:59:59 GMT";
        raw(fixedResponse("429 Too Many Requests",
                          "Content-Type: application/json\r\nRetry-After: " + value + "\r\n",
                          jsonError(429, R"("Rate limit exceeded, slow down")"_ba)));
    } else if (c == u"surrogate-split") {
        // JavaScript servers slice UTF-16 strings: an emoji's two halves land in two events.
        chunkedSse({roleChunk(), contentChunk(R"("Smile: ")"), contentChunk(R"("\ud83d")"),
                    contentChunk(R"("\ude00")"), contentChunk(R"(" done.")"), finishChunk(),
                    usageChunk(kSaneUsage), "[DONE]"},
                   true);
    } else if (c == u"image-and-links") {
        const QString text = imageReplyText(m_imageTarget);
        QList<QByteArray> events{roleChunk()};
        for (qsizetype i = 0; i < text.size();) {
            qsizetype n = qMin<qsizetype>(16, text.size() - i);
            if (text.at(i + n - 1).isHighSurrogate() && i + n < text.size())
                ++n;
            events.append(contentChunk(jsonString(text.mid(i, n))));
            i += n;
        }
        events += {finishChunk(), usageChunk(kSaneUsage), "[DONE]"_ba};
        chunkedSse(events, true);
    }
    return sc;
}

} // namespace anyrouter::hostile
