// RawHttpClient: a byte-level HTTP/1.1 client for simulator tests. QNetworkAccessManager hides the
// wire (framing, chunk boundaries, how a connection ends), and those are exactly what the
// simulator must get right, so these tests read the raw bytes and parse them independently.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpSocket>

#include <functional>

namespace anyrouter::test {

struct RawHttpResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body; // de-chunked
    QByteArray raw;  // everything received for this response, head included
    bool complete = false;
    bool chunked = false;
    bool hasContentLength = false;

    QByteArray header(QByteArrayView name) const;
    // Parses one response from the front of buf; sets complete and returns the bytes it used
    // (0 if incomplete). eof: the peer closed, which completes a close-delimited body.
    qsizetype parse(const QByteArray& buf, bool eof);
};

struct SseEvent
{
    QList<QByteArray> dataLines;
    QList<QByteArray> comments;
    QByteArray data() const { return dataLines.join('\n'); }
};

// Splits an SSE body strictly: every event must end with a blank line ("\n\n"). Returns false
// (and what was parsed so far) if the body ends mid-event.
bool parseSse(const QByteArray& body, QList<SseEvent>* events);

class RawHttpClient : public QObject
{
    Q_OBJECT
public:
    explicit RawHttpClient(quint16 port, QObject* parent = nullptr);

    bool connectToServer(int timeoutMs = 5000);
    void send(const QByteArray& bytes);
    // Waits (processing events) for one complete response, which it removes from the buffer.
    bool readResponse(RawHttpResponse* out, int timeoutMs = 15000);
    // Runs the event loop until predicate(buffer) holds or the peer closed; no polling sleeps,
    // so an in-process server in the same thread runs at full speed meanwhile.
    bool waitFor(const std::function<bool(const QByteArray&)>& predicate, int timeoutMs = 15000);
    bool waitForDisconnected(int timeoutMs = 15000);
    bool isConnected() const { return !m_closed; }
    const QByteArray& buffer() const { return m_buf; }
    const QList<QByteArray>& reads() const { return m_reads; } // each readyRead's bytes
    QTcpSocket& socket() { return m_socket; }

    static QByteArray request(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
                              const QList<QPair<QByteArray, QByteArray>>& headers = {},
                              const QByteArray& version = "HTTP/1.1");
    // One request on a fresh connection; returns the parsed response.
    static RawHttpResponse fetch(quint16 port, const QByteArray& requestBytes, int timeoutMs = 15000);

signals:
    void activity(); // bytes arrived or the connection ended

private:
    bool spin(const std::function<bool()>& done, int timeoutMs);

    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_buf;
    QList<QByteArray> m_reads;
    bool m_closed = true;
};

} // namespace anyrouter::test
