// LoopbackHttpServer: a raw-socket HTTP/1.1 server on 127.0.0.1 for the API tests that need what
// the simulator does not do (and code that is not the simulator's): a canned response for every
// request, or a connection closed as soon as a whole request has been read. It counts the requests
// it read completely, so a test can tell how many times a POST really reached a server.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

namespace anyrouter::test {

class LoopbackHttpServer : public QObject
{
    Q_OBJECT
public:
    enum class Mode
    {
        Respond,           // write the canned response, then close
        CloseAfterRequest, // read the request, close without a byte of response
        RespondAtOnce,     // write the canned bytes on the first bytes received (e.g. to a TLS hello)
    };

    explicit LoopbackHttpServer(QObject* parent = nullptr);

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QUrl baseUrl() const; // http://127.0.0.1:<port>/api/v1

    void setMode(Mode mode) { m_mode = mode; }
    // A response with Content-Length framing and Connection: close.
    void setResponse(int status, const QByteArray& contentType, const QByteArray& body,
                     const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {});
    // The exact bytes to write (for framings setResponse() does not make).
    void setRawResponse(const QByteArray& raw) { m_response = raw; }

    int requestCount() const { return int(m_requestLines.size()); }
    int connectionCount() const { return m_connections; }
    QList<QByteArray> requestLines() const { return m_requestLines; } // "POST /api/v1/... HTTP/1.1"

signals:
    void requestRead();

private:
    void serve(class QTcpSocket* socket);

    QTcpServer m_server;
    Mode m_mode = Mode::Respond;
    QByteArray m_response;
    QList<QByteArray> m_requestLines;
    int m_connections = 0;
};

} // namespace anyrouter::test
