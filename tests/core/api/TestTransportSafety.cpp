// Keys stay secret on the wire and in texts: plain http:// to a remote host is refused before any
// byte leaves (loopback and explicit opt-in allowed), keys echoed by a server in an error are masked,
// masking always hides at least 16 characters, and a stalled GET reports a timeout, not a cancel.
#include "TestSupport.h"

#include "core/api/ApiClient.h"
#include "core/api/ChatStream.h"
#include "core/domain/Workspace.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestTransportSafety : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void plainHttpPolicy_data();
    void plainHttpPolicy();
    void refusedRequestNeverConnects();
    void chatStreamRefusedToo();
    void echoedKeyIsMasked();
    void maskHidesEnough_data();
    void maskHidesEnough();
    void stalledGetIsATimeout();
};

void TestTransportSafety::plainHttpPolicy_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("allowInsecure");
    QTest::addColumn<bool>("refused");
    QTest::newRow("https remote") << u"https://anyrouter.dev/api/v1"_s << false << false;
    QTest::newRow("http remote") << u"http://gateway.example.com/api/v1"_s << false << true;
    QTest::newRow("http remote ip") << u"http://10.1.2.3:8080/v1"_s << false << true;
    QTest::newRow("http remote, opted in") << u"http://gateway.example.com/api/v1"_s << true << false;
    QTest::newRow("http 127.0.0.1") << u"http://127.0.0.1:8080/v1"_s << false << false;
    QTest::newRow("http 127.8.9.10") << u"http://127.8.9.10:8080/v1"_s << false << false;
    QTest::newRow("http localhost") << u"http://LocalHost:11434/v1"_s << false << false;
    QTest::newRow("http ::1") << u"http://[::1]:8080/v1"_s << false << false;
}

void TestTransportSafety::plainHttpPolicy()
{
    QFETCH(QString, url);
    QFETCH(bool, allowInsecure);
    QFETCH(bool, refused);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(QUrl(url));
    client.setKeys(u"sk-ar-v1-transport-test-key-0000"_s);
    client.setAllowInsecureHttp(allowInsecure);
    const auto refusal = client.transportRefusal();
    QCOMPARE(refusal.has_value(), refused);
    if (refused) {
        QVERIFY(refusal->userMessage().contains(u"unencrypted"_s));
        QVERIFY(!refusal->userMessage().contains(u"sk-ar-v1-transport-test-key-0000"_s));
    }
}

void TestTransportSafety::refusedRequestNeverConnects()
{
    // A listener that records connections, reached through a non-loopback name would be ideal; the
    // refusal happens before name resolution, so an unresolvable host proves nothing was attempted:
    // the error is the refusal, not a DNS failure.
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(QUrl(u"http://gateway.invalid/api/v1"_s));
    client.setKeys(u"sk-ar-v1-transport-test-key-0000"_s);
    ApiReply* reply = client.get(u"/models"_s, KeyRole::Inference);
    QSignalSpy finished(reply, &ApiReply::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(reply->error().category(), ApiError::Category::InsecureTransport);
    QCOMPARE(reply->attempts(), 0);
    QVERIFY(reply->error().userMessage().contains(u"gateway.invalid"_s));
}

void TestTransportSafety::chatStreamRefusedToo()
{
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(QUrl(u"http://gateway.invalid/api/v1"_s));
    client.setKeys(u"sk-ar-v1-transport-test-key-0000"_s);
    ChatRequest req;
    req.model = u"openai/gpt-5.4-mini"_s;
    req.messages = {{u"user"_s, u"hi"_s}};
    ChatStream stream(&client, req);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(stream.state(), ChatStream::State::Failed);
    QVERIFY(stream.error().userMessage().contains(u"unencrypted"_s));
}

void TestTransportSafety::echoedKeyIsMasked()
{
    // A proxy that puts the key it was sent into its 401 message.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const QString key = u"sk-local-proxy-key-abcdefghijklmnop"_s;
    connect(&server, &QTcpServer::newConnection, &server, [&server, key] {
        QTcpSocket* s = server.nextPendingConnection();
        connect(s, &QTcpSocket::readyRead, s, [s, key] {
            s->readAll();
            const QByteArray body = R"({"error":{"message":"Incorrect API key provided: )" + key.toUtf8() +
                                    R"(","type":"authentication_error","code":"invalid_api_key"}})";
            s->write("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
            s->disconnectFromHost();
        });
    });
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(QUrl(u"http://127.0.0.1:%1/v1"_s.arg(server.serverPort())));
    client.setKeys(key);
    ApiReply* reply = client.get(u"/models"_s, KeyRole::Inference);
    QSignalSpy finished(reply, &ApiReply::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(reply->error().category(), ApiError::Category::Auth);
    const QString shown = reply->error().userMessage();
    QVERIFY2(!shown.contains(key), qPrintable(shown));
    QVERIFY(shown.contains(u"Incorrect API key provided"_s));
    QVERIFY(shown.contains(maskKey(key)));
}

void TestTransportSafety::maskHidesEnough_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("anyrouter v1") << u"sk-ar-v1-0123456789abcdef0123456789abcdef"_s;
    QTest::newRow("management") << u"ak_0123456789abcdef0123456789"_s;
    QTest::newRow("short local") << u"sk-1234567890123"_s;
    QTest::newRow("tiny") << u"abc"_s;
    QTest::newRow("sim full") << u"sk-ar-v1-sim-full-0000"_s;
}

void TestTransportSafety::maskHidesEnough()
{
    QFETCH(QString, key);
    const QString masked = maskKey(key);
    QVERIFY(!masked.isEmpty());
    QVERIFY(!masked.contains(key));
    // Count the key's characters still visible (prefix + suffix kept by the mask).
    qsizetype visible = 0;
    const QStringList parts = masked.split(u'…');
    for (const QString& p : parts)
        visible += p.count(u'•') == p.size() ? 0 : p.size();
    QVERIFY2(key.size() - visible >= qMin<qsizetype>(16, key.size()), qPrintable(masked));
}

void TestTransportSafety::stalledGetIsATimeout()
{
    QTcpServer silent; // accepts, never answers
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QList<QTcpSocket*> held;
    connect(&silent, &QTcpServer::newConnection, &silent,
            [&] { held.append(silent.nextPendingConnection()); });
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(QUrl(u"http://127.0.0.1:%1/v1"_s.arg(silent.serverPort())));
    client.setKeys(u"sk-ar-v1-transport-test-key-0000"_s);
    client.setTransferTimeoutMs(300);
    client.setRetryPolicy(RetryPolicy::none());
    ApiReply* reply = client.get(u"/models"_s, KeyRole::Inference);
    QSignalSpy finished(reply, &ApiReply::finished);
    QVERIFY(finished.wait(5000));
    QCOMPARE(reply->error().category(), ApiError::Category::Timeout);
    QVERIFY(reply->error().isRetryable());

    // A user abort stays a cancellation.
    ApiReply* second = client.get(u"/models"_s, KeyRole::Inference);
    QSignalSpy secondDone(second, &ApiReply::finished);
    QTimer::singleShot(50, second, [second] { second->abort(); });
    QVERIFY(secondDone.wait(5000));
    QCOMPARE(second->error().category(), ApiError::Category::Cancelled);
}

QTEST_GUILESS_MAIN(TestTransportSafety)
#include "TestTransportSafety.moc"
