// SimHttpConnection: one accepted TCP connection of the simulator, speaking HTTP/1.1 by hand.
// Parses requests (Content-Length or chunked bodies, pipelined/keep-alive), writes responses with
// Content-Length, chunked or close-delimited framing, and can misbehave on purpose (split writes,
// one byte at a time, abrupt reset) for fault injection. Survives the peer vanishing at any point:
// it then reports the response as incomplete, emits closed() and deletes itself.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrlQuery>

class QTcpSocket;
class QTimer;

namespace anyrouter::sim {

using SimHeaders = QList<QPair<QByteArray, QByteArray>>;

struct SimHttpRequest
{
    QByteArray method;
    QByteArray target;  // as sent
    QByteArray version; // "HTTP/1.1"
    QByteArray rawPath; // path part of target, still percent-encoded
    QString path;       // decoded path
    QUrlQuery query;
    SimHeaders headers;
    QByteArray body;
    bool keepAlive = true;
    QElapsedTimer timer; // started when the request was complete

    QByteArray header(QByteArrayView name) const; // case-insensitive, first match, empty if none
    bool hasHeader(QByteArrayView name) const;
};

class SimHttpConnection : public QObject
{
    Q_OBJECT
public:
    enum class Framing
    {
        ContentLength,
        Chunked,
        CloseDelimited
    };
    enum class WriteMode
    {
        Direct,
        SplitUtf8,
        SlowDrip
    };

    explicit SimHttpConnection(QTcpSocket* socket, QObject* parent = nullptr);
    ~SimHttpConnection() override;

    const SimHttpRequest& request() const { return m_request; }
    bool isOpen() const { return !m_closed; }
    bool responseStarted() const { return m_headSent; }
    int status() const { return m_status; }

    // Applies to everything written after the call, head included.
    void setWriteMode(WriteMode mode, int delayMs = 1);
    void writeHead(int status, const SimHeaders& headers, Framing framing, qint64 contentLength = -1);
    void writeBody(const QByteArray& data);
    void finish();
    void sendResponse(int status, const SimHeaders& headers, const QByteArray& body);
    // Abrupt close (TCP RST) once what was written so far has left the process.
    void reset();
    // Closes at once, discarding unsent output (server shutdown).
    void abort();
    qint64 pendingBytes() const;

    static QByteArray reasonPhrase(int status);

signals:
    void requestReceived(anyrouter::sim::SimHttpConnection* connection);
    void responseFinished(anyrouter::sim::SimHttpConnection* connection, int status, bool complete);
    void drained(); // pending output fell below the low-water mark
    void closed();

private:
    enum class State
    {
        Reading,
        Responding
    };

    void onReadyRead();
    void parse();
    bool parseHead();
    bool takeBody();
    void failRequest(int status, const QByteArray& message);
    void out(const QByteArray& bytes);
    void onDripTick();
    void onBytesWritten();
    void maybeComplete();
    void completeResponse();
    void doReset();
    void handleClosed();

    QTcpSocket* m_socket = nullptr;
    QTimer* m_dripTimer = nullptr;
    QTimer* m_idleTimer = nullptr;
    QByteArray m_in;
    QByteArray m_queue; // output held back by a non-direct write mode
    SimHttpRequest m_request;
    State m_state = State::Reading;
    WriteMode m_writeMode = WriteMode::Direct;
    Framing m_framing = Framing::ContentLength;
    bool m_haveHead = false;
    bool m_chunkedBody = false;
    qint64 m_contentLength = 0;
    bool m_sentContinue = false;
    bool m_headSent = false;
    bool m_finishing = false;
    bool m_closeAfter = false;
    bool m_resetPending = false;
    bool m_closed = false;
    bool m_stopReading = false;
    int m_status = 0;
};

} // namespace anyrouter::sim
