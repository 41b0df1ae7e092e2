// HostileServer: an independent, deliberately hostile HTTP/1.1 "gateway" for tests, written on raw
// sockets (QTcpServer/QTcpSocket writing the bytes itself) and sharing no code with the simulator in
// src/sim, so the app is tested against framing and faults nobody here designed it around.
//
// It listens on 127.0.0.1 on two ports: the main one, and an "other origin" one that redirects point
// to (a test asserts the key never reaches it). The case is chosen by the URL path: a client with the
// base URL baseUrl("drop-mid-content") POSTs to /c/drop-mid-content/v1/chat/completions. Every request
// is recorded (method, path, headers, body, arrival time), so a test can assert that a chat POST
// arrived exactly once. A TLS ClientHello on a plain port is counted and answered with plain-text
// garbage (the "TLS handshake fails" case). Cases are listed in caseNames(); each one's reply text is
// replyText() (the whole reply for cases that complete, what arrives before the fault otherwise).
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QUrl>

#include <memory>

class QTcpSocket;

namespace anyrouter::hostile {

struct HostileRequest
{
    QByteArray method;
    QByteArray path; // without the query
    QByteArray query;
    QHash<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;
    qint64 atMs = 0; // since the server started
    quint16 port = 0;
};

class HostileServer : public QObject
{
    Q_OBJECT
public:
    explicit HostileServer(QObject* parent = nullptr);
    ~HostileServer() override;

    bool start(QString* error = nullptr);
    void stop();
    quint16 port() const;
    quint16 otherPort() const;

    // http://127.0.0.1:PORT/c/<case>/v1 (https:// with tls = true: the handshake then fails).
    QUrl baseUrl(const QString& caseName, bool tls = false) const;
    static QByteArray chatPath(const QString& caseName); // /c/<case>/v1/chat/completions
    static QStringList caseNames();
    static bool isCase(const QString& caseName);
    // The text a case streams: whole for cases that end complete, else the part sent before the fault.
    // Cases whose text is not well defined (invalid UTF-8) return a null string.
    static QString replyText(const QString& caseName);
    // The whole reply the case would have sent had it not failed (replyText() for complete ones).
    static QString fullText(const QString& caseName);
    // What `image-and-links` streams for a given image target.
    static QString imageReplyText(const QString& imageTarget);
    // A key-shaped string of somebody else that error bodies echo ("redact anything like a key").
    static QString foreignKey();
    static QString foreignManagementKey();

    // Where `image-and-links` points its Markdown image (default /dev/zero).
    void setImageTarget(const QString& pathOrUrl) { m_imageTarget = pathOrUrl; }
    // How long the stall cases hold the connection open before closing it (default 20 s).
    void setStallMs(int ms) { m_stallMs = ms; }
    // Pause between two bytes of `slow-drip` (default 1 ms).
    void setDripIntervalMs(int ms) { m_dripMs = ms; }

    int requestCount(const QByteArray& path) const;
    int chatPosts(const QString& caseName) const { return requestCount(chatPath(caseName)); }
    QList<HostileRequest> requests(const QByteArray& path = {}) const; // all when path is empty
    int otherPortRequests() const;
    int tlsHandshakes() const { return m_tlsHandshakes; }
    int openConnections() const;
    void resetCounts();

private:
    struct Step
    {
        QByteArray bytes;
        int delayMs = 0;
    };
    enum class End
    {
        Close, // flush what was written, then FIN
        Hold,  // keep the connection open for holdMs, then close
    };
    struct Script
    {
        QList<Step> steps;
        End end = End::Close;
        int holdMs = 0;
    };

    void onNewConnection(QTcpServer* server);
    void onReadyRead(QTcpSocket* socket);
    void handle(QTcpSocket* socket, const HostileRequest& request);
    Script scriptFor(const HostileRequest& request) const;
    void run(QTcpSocket* socket, const std::shared_ptr<Script>& script, qsizetype index);

    QTcpServer m_main;
    QTcpServer m_other;
    QElapsedTimer m_clock;
    QList<HostileRequest> m_requests;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QList<QPointer<QTcpSocket>> m_sockets;
    QString m_imageTarget = QStringLiteral("/dev/zero");
    int m_stallMs = 20000;
    int m_dripMs = 1;
    int m_tlsHandshakes = 0;
};

} // namespace anyrouter::hostile
