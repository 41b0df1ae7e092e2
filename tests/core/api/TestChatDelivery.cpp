// TestChatDelivery: a prompt is billed once. A chat POST (and any other non-idempotent request)
// reaches the server exactly once when the connection closes after the request was read but
// before any byte of response — neither Qt's automatic resend nor ChatStream's retries send it
// again, and the stream fails saying the gateway closed the connection without answering. Only
// when the client knows nothing was delivered (connection refused) does ChatStream try again.
#include "LoopbackHttpServer.h"
#include "TestSupport.h"
#include "core/api/ApiClient.h"
#include "core/api/ChatStream.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestChatDelivery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void chatPostClosedBeforeResponse_data();
    void chatPostClosedBeforeResponse();
    void otherPostClosedBeforeResponse_data();
    void otherPostClosedBeforeResponse();
    void refusedConnectionIsRetried();

private:
    static ChatRequest request();
    // Runs the stream to its end, firing every retry it schedules on the manual clock.
    static void runToEnd(ChatStream& stream, ManualClock& clock);
};

ChatRequest TestChatDelivery::request()
{
    ChatRequest req;
    req.model = u"openai/gpt-5.4-mini"_s;
    req.messages = {{u"user"_s, u"Bill me once, please."_s}};
    return req;
}

void TestChatDelivery::runToEnd(ChatStream& stream, ManualClock& clock)
{
    for (int guard = 0; guard < 10 && !stream.isFinished(); ++guard) {
        QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished() || clock.pendingCount() > 0, 10000);
        if (clock.pendingCount() > 0)
            clock.advance(clock.nextDueInMs());
    }
    QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished(), 10000);
}

void TestChatDelivery::chatPostClosedBeforeResponse_data()
{
    QTest::addColumn<bool>("streamed");
    QTest::newRow("streamed") << true;
    QTest::newRow("not streamed") << false;
}

void TestChatDelivery::chatPostClosedBeforeResponse()
{
    QFETCH(bool, streamed);
    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setMode(test::LoopbackHttpServer::Mode::CloseAfterRequest);
    QNetworkAccessManager nam;
    ManualClock clock;
    ApiClient client(&nam, nullptr, &clock);
    client.setBaseUrl(server.baseUrl());
    client.setKeys(u"sk-ar-v1-delivery-test-0000000000000000"_s);
    ChatRequest req = request();
    req.stream = streamed;
    ChatStream stream(&client, req);
    stream.start();
    runToEnd(stream, clock);

    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(server.requestLines().value(0), "POST /api/v1/chat/completions HTTP/1.1"_ba);
    QCOMPARE(stream.state(), ChatStream::State::Failed);
    QCOMPARE(ApiError::categoryName(stream.error().category()), u"connection_closed"_s);
    const QString msg = stream.error().userMessage();
    QVERIFY2(msg.contains(u"closed the connection"_s), qPrintable(msg));
    QVERIFY2(msg.contains(u"not sent again"_s), qPrintable(msg));
    QVERIFY2(!msg.contains(u"Could not reach"_s), qPrintable(msg));
}

void TestChatDelivery::otherPostClosedBeforeResponse_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::newRow("POST") << "POST"_ba;
    QTest::newRow("PATCH") << "PATCH"_ba;
}

void TestChatDelivery::otherPostClosedBeforeResponse()
{
    // Creating a key twice is as wrong as billing a prompt twice.
    QFETCH(QByteArray, verb);
    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setMode(test::LoopbackHttpServer::Mode::CloseAfterRequest);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(server.baseUrl());
    client.setKeys(u"sk-ar-v1-delivery-test-0000000000000000"_s);
    ApiReply* reply = client.send(verb, u"/keys"_s, KeyRole::Management, QJsonObject{{u"name"_s, u"ci"_s}});
    QSignalSpy finished(reply, &ApiReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(reply->attempts(), 1);
    QCOMPARE(ApiError::categoryName(reply->error().category()), u"connection_closed"_s);
}

void TestChatDelivery::refusedConnectionIsRetried()
{
    // Nothing listens: the prompt cannot have been received, so trying again is safe.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QNetworkAccessManager nam;
    ManualClock clock;
    ApiClient client(&nam, nullptr, &clock);
    client.setBaseUrl(QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(port)));
    client.setKeys(u"sk-ar-v1-delivery-test-0000000000000000"_s);
    ChatStream stream(&client, request());
    stream.start();
    runToEnd(stream, clock);
    QCOMPARE(clock.scheduledDelays().size(), 2);
    QCOMPARE(stream.state(), ChatStream::State::Failed);
    QCOMPARE(stream.error().category(), ApiError::Category::Network);
}

QTEST_GUILESS_MAIN(TestChatDelivery)
#include "TestChatDelivery.moc"
