// TestErrorMessages: each failure says what happened, and is retried only when that can help.
// Against a raw loopback server (and names that cannot resolve): a stream cut off mid-reply, one
// ending without a finish reason (incomplete) or after one without [DONE] or usage (complete), an
// HTML page answering 200 with or without a content type, an empty stream, a 307, a failed TLS
// handshake, a host name that does not resolve and this app's own refusal of plain http — none
// says "Could not reach the gateway", and TLS and name-resolution failures are not retried, by
// ChatStream or by ApiClient's GET retries. Retrying GETs publish one retry plan for all of
// them (attempt n of m, when), which cancelRetries() ends at once.
#include "LoopbackHttpServer.h"
#include "TestSupport.h"
#include "core/api/ApiClient.h"
#include "core/api/ChatStream.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::test::LoopbackHttpServer::Mode)

namespace {

using Mode = test::LoopbackHttpServer::Mode;

const QString kKey = u"sk-ar-v1-messages-test-00000000000000"_s;

QByteArray contentEvent(const QByteArray& text, const QByteArray& finish = {})
{
    return R"(data: {"id":"gen-m","model":"openai/gpt-5.4-mini","choices":[{"index":0,"delta":{"content":")" +
           text + R"("},"finish_reason":)" + (finish.isEmpty() ? "null"_ba : "\"" + finish + "\"") +
           "}]}\n\n";
}

QByteArray response(int status, const QByteArray& headers, const QByteArray& body)
{
    return "HTTP/1.1 " + QByteArray::number(status) + " Test\r\n" + headers +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

QByteArray chunked(const QByteArray& piece)
{
    return QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
}

const QByteArray kHtml = "<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body>Hi</body></html>\n";

} // namespace

class TestErrorMessages : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void streamEndings_data();
    void streamEndings();
    void getFailures_data();
    void getFailures();
    void retryPlanIsOnePerOutage();

private:
    static void runToEnd(ChatStream& stream, ManualClock& clock);
};

void TestErrorMessages::runToEnd(ChatStream& stream, ManualClock& clock)
{
    for (int guard = 0; guard < 10 && !stream.isFinished(); ++guard) {
        QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished() || clock.pendingCount() > 0, 15000);
        if (clock.pendingCount() > 0)
            clock.advance(clock.nextDueInMs());
    }
    QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished(), 15000);
}

void TestErrorMessages::streamEndings_data()
{
    QTest::addColumn<QString>("baseUrl"); // "https" / "http": the loopback server; else as given
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("completes");
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("messageHas");
    QTest::addColumn<QString>("content");
    QTest::addColumn<int>("connections"); // -1: no server involved

    const QByteArray sse = "Content-Type: text/event-stream\r\n";
    const QByteArray hel = contentEvent("Hel");

    QTest::newRow("cut off mid-stream")
        << u"http"_s << Mode::Respond
        << "HTTP/1.1 200 OK\r\n" + sse + "Transfer-Encoding: chunked\r\n\r\n" + chunked(hel) << false
        << u"stream_cut_off"_s << u"cut off"_s << u"Hel"_s << 1;
    QTest::newRow("[DONE], then the connection breaks")
        << u"http"_s << Mode::Respond
        << "HTTP/1.1 200 OK\r\n" + sse + "Transfer-Encoding: chunked\r\n\r\n" +
               chunked(hel + contentEvent("lo", "stop") + "data: [DONE]\n\n")
        << true << QString() << QString() << u"Hello"_s << 1;
    QTest::newRow("finish reason, then the connection breaks")
        << u"http"_s << Mode::Respond
        << "HTTP/1.1 200 OK\r\n" + sse + "Transfer-Encoding: chunked\r\n\r\n" +
               chunked(hel + contentEvent("lo", "stop"))
        << true << QString() << QString() << u"Hello"_s << 1;
    QTest::newRow("ends without a finish reason")
        << u"http"_s << Mode::Respond << response(200, sse, hel + contentEvent("lo")) << false
        << u"stream_cut_off"_s << u"without a finish reason"_s << u"Hello"_s << 1;
    QTest::newRow("finish reason, no [DONE], no usage")
        << u"http"_s << Mode::Respond << response(200, sse, hel + contentEvent("lo", "stop")) << true
        << QString() << QString() << u"Hello"_s << 1;
    QTest::newRow("empty event stream")
        << u"http"_s << Mode::Respond << response(200, sse, "\n") << false << u"stream_cut_off"_s
        << u"without sending anything"_s << QString() << 1;
    QTest::newRow("HTML 200 without content type")
        << u"http"_s << Mode::Respond << response(200, {}, kHtml) << false << u"bad_response"_s
        << u"web page (HTML)"_s << QString() << 1;
    QTest::newRow("HTML 200 text/html")
        << u"http"_s << Mode::Respond << response(200, "Content-Type: text/html\r\n", kHtml) << false
        << u"bad_response"_s << u"web page (HTML)"_s << QString() << 1;
    QTest::newRow("JSON 200 without content type")
        << u"http"_s << Mode::Respond
        << response(200, {},
                    R"({"id":"gen-j","choices":[{"message":{"content":"Whole"},"finish_reason":"stop"}]})")
        << true << QString() << QString() << u"Whole"_s << 1;
    QTest::newRow("307 redirect")
        << u"http"_s << Mode::Respond
        << response(307, "Location: https://elsewhere.example/api/v1/chat/completions\r\n", {}) << false
        << u"redirect"_s << u"HTTP 307 to https://elsewhere.example/api/v1/chat/completions"_s << QString()
        << 1;
    QTest::newRow("TLS handshake fails")
        << u"https"_s << Mode::RespondAtOnce << "HTTP/1.1 400 Bad Request\r\n\r\nnot TLS"_ba << false
        << u"tls"_s << u"TLS"_s << QString() << 1;
    QTest::newRow("host name does not resolve")
        << u"https://gateway.invalid/api/v1"_s << Mode::Respond << QByteArray() << false
        << u"name_resolution"_s << u"host name"_s << QString() << -1;
    QTest::newRow("plain http refused by this app")
        << u"http://gateway.example.com/api/v1"_s << Mode::Respond << QByteArray() << false
        << u"insecure_transport"_s << u"unencrypted"_s << QString() << -1;
}

void TestErrorMessages::streamEndings()
{
    QFETCH(QString, baseUrl);
    QFETCH(Mode, mode);
    QFETCH(QByteArray, raw);
    QFETCH(bool, completes);
    QFETCH(QString, category);
    QFETCH(QString, messageHas);
    QFETCH(QString, content);
    QFETCH(int, connections);

    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setMode(mode);
    server.setRawResponse(raw);
    QNetworkAccessManager nam;
    ManualClock clock;
    ApiClient client(&nam, nullptr, &clock);
    if (baseUrl == u"http"_s || baseUrl == u"https"_s)
        client.setBaseUrl(QUrl(u"%1://127.0.0.1:%2/api/v1"_s.arg(baseUrl).arg(server.port())));
    else
        client.setBaseUrl(QUrl(baseUrl));
    client.setKeys(kKey);
    ChatRequest req;
    req.model = u"openai/gpt-5.4-mini"_s;
    req.messages = {{u"user"_s, u"hi"_s}};
    ChatStream stream(&client, req);
    stream.start();
    runToEnd(stream, clock);

    QCOMPARE(stream.content(), content);
    if (connections >= 0)
        QCOMPARE(server.connectionCount(), connections);
    QVERIFY2(clock.scheduledDelays().isEmpty(), "retried, though a retry cannot help");
    if (completes) {
        QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
        return;
    }
    QCOMPARE(stream.state(), ChatStream::State::Failed);
    QCOMPARE(ApiError::categoryName(stream.error().category()), category);
    const QString msg = stream.error().userMessage();
    QVERIFY2(msg.contains(messageHas), qPrintable(msg));
    QVERIFY2(!msg.contains(u"Could not reach the gateway"_s), qPrintable(msg));
    QVERIFY2(!msg.contains(u"refused the request as invalid"_s), qPrintable(msg));
    QVERIFY2(!msg.contains(u"%1"_s) && !msg.contains(u"%n"_s), qPrintable(msg));
}

void TestErrorMessages::getFailures_data()
{
    QTest::addColumn<QString>("baseUrl");
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("messageHas");
    QTest::addColumn<int>("attempts");

    QTest::newRow("host name does not resolve")
        << u"https://gateway.invalid/api/v1"_s << Mode::Respond << QByteArray() << u"name_resolution"_s
        << u"host name"_s << 1;
    QTest::newRow("TLS handshake fails")
        << u"https"_s << Mode::RespondAtOnce << "HTTP/1.1 400 Bad Request\r\n\r\nnot TLS"_ba << u"tls"_s
        << u"TLS"_s << 1;
    QTest::newRow("redirect to another host")
        << u"http"_s << Mode::Respond
        << response(307, "Location: https://elsewhere.example/api/v1/models\r\n", {}) << u"redirect"_s
        << u"HTTP 307 to https://elsewhere.example/api/v1/models"_s << 1;
    QTest::newRow("plain http refused by this app")
        << u"http://gateway.example.com/api/v1"_s << Mode::Respond << QByteArray() << u"insecure_transport"_s
        << u"unencrypted"_s << 0;
}

void TestErrorMessages::getFailures()
{
    QFETCH(QString, baseUrl);
    QFETCH(Mode, mode);
    QFETCH(QByteArray, raw);
    QFETCH(QString, category);
    QFETCH(QString, messageHas);
    QFETCH(int, attempts);

    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setMode(mode);
    server.setRawResponse(raw);
    QNetworkAccessManager nam;
    ManualClock clock;
    ApiClient client(&nam, nullptr, &clock);
    if (baseUrl == u"http"_s || baseUrl == u"https"_s)
        client.setBaseUrl(QUrl(u"%1://127.0.0.1:%2/api/v1"_s.arg(baseUrl).arg(server.port())));
    else
        client.setBaseUrl(QUrl(baseUrl));
    client.setKeys(kKey);
    ApiReply* reply = client.get(u"/models"_s, KeyRole::Inference);
    bool done = false;
    int got = -1;
    ApiError error;
    connect(reply, &ApiReply::finished, this, [&] {
        done = true;
        got = reply->attempts();
        error = reply->error();
    });
    for (int guard = 0; guard < 10 && !done; ++guard) {
        QTRY_VERIFY_WITH_TIMEOUT(done || clock.pendingCount() > 0, 15000);
        if (clock.pendingCount() > 0)
            clock.advance(clock.nextDueInMs());
    }
    QVERIFY(done);
    QCOMPARE(got, attempts);
    QCOMPARE(ApiError::categoryName(error.category()), category);
    QVERIFY(!error.isRetryable());
    const QString msg = error.userMessage();
    QVERIFY2(msg.contains(messageHas), qPrintable(msg));
    QVERIFY2(!msg.contains(u"Could not reach the gateway"_s), qPrintable(msg));
    QVERIFY2(!msg.contains(u"refused the request as invalid"_s), qPrintable(msg));
}

void TestErrorMessages::retryPlanIsOnePerOutage()
{
    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setResponse(503, "application/json", R"({"error":{"message":"No healthy upstream","code":503}})");
    QNetworkAccessManager nam;
    ManualClock clock;
    ApiClient client(&nam, nullptr, &clock);
    client.setBaseUrl(server.baseUrl());
    client.setKeys(kKey);
    client.setJitterSeed(1);
    QList<RetryPlan> plans;
    connect(&client, &ApiClient::retryPlanChanged, this, [&](const RetryPlan& p) { plans << p; });

    // Three start-up requests failing the same way.
    int finished = 0;
    for (const QString& path : {u"/models"_s, u"/credits"_s, u"/health"_s}) {
        ApiReply* r = client.get(path, KeyRole::Inference);
        connect(r, &ApiReply::finished, this, [&finished, r] {
            ++finished;
            QCOMPARE(r->error().category(), ApiError::Category::Upstream);
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(clock.pendingCount(), 3, 10000);
    RetryPlan plan = client.retryPlan();
    QVERIFY(plan.active);
    QCOMPARE(plan.requests, 3);
    QCOMPARE(plan.nextAttempt, 2);
    QCOMPARE(plan.maxAttempts, 5);
    QCOMPARE(plan.httpStatus, 503);
    QCOMPARE(plan.category, ApiError::Category::Upstream);
    QVERIFY(plan.retryAtMs - clock.nowMs() >= 1000 && plan.retryAtMs - clock.nowMs() <= 1250);

    // The first retries go out and fail again: still the same outage, now at attempt 3.
    clock.advance(1250); // the longest first wait, jitter included
    QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 6, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(clock.pendingCount(), 3, 10000);
    QCOMPARE(client.retryPlan().nextAttempt, 3);
    QVERIFY(client.retryPlan().active);
    for (const RetryPlan& p : std::as_const(plans))
        QVERIFY2(p.active, "the plan went inactive between attempts (a flickering status line)");

    // "Stop retrying": everything waiting ends now with its last error; nothing more is sent.
    client.cancelRetries();
    QCOMPARE(finished, 3);
    QVERIFY(!client.retryPlan().active);
    QVERIFY(!plans.last().active);
    clock.advance(60000);
    QTest::qWait(0);
    QCOMPARE(server.requestCount(), 6);

    // A later request retries as usual.
    client.get(u"/models"_s, KeyRole::Inference);
    QTRY_VERIFY_WITH_TIMEOUT(client.retryPlan().active, 10000);
}

QTEST_GUILESS_MAIN(TestErrorMessages)
#include "TestErrorMessages.moc"
