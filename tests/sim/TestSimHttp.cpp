// Tests of the simulator's hand-written HTTP/1.1 layer: keep-alive with several sequential and
// pipelined requests per connection, chunked request bodies, Expect: 100-continue, HTTP/1.0,
// malformed input, clients vanishing at any moment (no crash, no leaked connection), and the
// SimServerThread wrapper used by --demo and the benchmarks.
#include "ApiCaller.h"
#include "RawHttpClient.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace anyrouter;
using namespace anyrouter::test;

namespace {

const QList<QPair<QByteArray, QByteArray>> kAuth = {{"Authorization"_ba, "Bearer sk-ar-v1-sim-full-0000"_ba}};

QByteArray chatJson(int tokens, bool stream)
{
    return QJsonDocument(chatBody(u"openai/gpt-5.4-mini"_s,
                                  u"HTTP test [[tokens="_s + QString::number(tokens) + u"]]"_s, stream))
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestSimHttp : public QObject
{
    Q_OBJECT

private:
    SimFixture m_sim;

private slots:
    void initTestCase() { initHermeticEnvironment(); }

    void init() { QVERIFY(m_sim.start(SimFixture::fastConfig())); }

    void cleanup() { m_sim.stop(); }

    void keepAliveSequential()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        for (int i = 0; i < 5; ++i) {
            const bool stream = i % 2 == 1;
            client.send(
                RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba, chatJson(5, stream), kAuth));
            RawHttpResponse r;
            QVERIFY(client.readResponse(&r));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("connection"), "keep-alive"_ba);
            QVERIFY(client.isConnected());
            QVERIFY(client.buffer().isEmpty());
        }
        QCOMPARE(m_sim.server()->openConnectionCount(), 1);
        QCOMPARE(m_sim.server()->requestCount(), 5);
    }

    void qnamReusesConnection()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        for (int i = 0; i < 4; ++i)
            QCOMPARE(api.post(u"/chat/completions"_s,
                              chatBody(u"openai/gpt-5.4-mini"_s, u"x [[tokens=3]]"_s, true))
                         .status,
                     200);
        QCOMPARE(api.get(u"/models/count"_s).status, 200);
        QCOMPARE(m_sim.server()->openConnectionCount(), 1);
    }

    void pipelined()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(
            RawHttpClient::request("GET"_ba, "/api/v1/models/count"_ba, {}, kAuth) +
            RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba, chatJson(4, true), kAuth) +
            RawHttpClient::request("GET"_ba, "/api/v1/health"_ba));
        RawHttpResponse a, b, c;
        QVERIFY(client.readResponse(&a));
        QVERIFY(client.readResponse(&b));
        QVERIFY(client.readResponse(&c));
        QCOMPARE(QJsonDocument::fromJson(a.body).object().value(u"count"_s).toInt(),
                 m_sim.server()->modelCount());
        QVERIFY(b.chunked && b.body.endsWith("data: [DONE]\n\n"));
        QCOMPARE(QJsonDocument::fromJson(c.body).object().value(u"status"_s).toString(), u"ok"_s);
    }

    void chunkedRequestBody()
    {
        const QByteArray body = chatJson(6, false);
        QByteArray chunked;
        for (qsizetype pos = 0; pos < body.size(); pos += 17) {
            const QByteArray part = body.mid(pos, 17);
            chunked += QByteArray::number(part.size(), 16) + ";ext=1\r\n" + part + "\r\n";
        }
        chunked += "0\r\nX-Trailer: yes\r\n\r\n";
        QList<QPair<QByteArray, QByteArray>> headers = kAuth;
        headers.append({"Transfer-Encoding"_ba, "chunked"_ba});
        headers.append({"Content-Type"_ba, "application/json"_ba});
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        const QByteArray request =
            RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba, {}, headers);
        // Dribble the request in small pieces: the parser must wait for the whole body.
        const QByteArray all = request + chunked;
        for (qsizetype pos = 0; pos < all.size(); pos += 23) {
            client.send(all.mid(pos, 23));
            QCoreApplication::processEvents();
        }
        RawHttpResponse r;
        QVERIFY(client.readResponse(&r));
        QCOMPARE(r.status, 200);
        QCOMPARE(QJsonDocument::fromJson(r.body)
                     .object()
                     .value(u"usage"_s)
                     .toObject()
                     .value(u"completion_tokens"_s)
                     .toInt(),
                 6);
        QCOMPARE(m_sim.server()->lastRequestBody(u"/chat/completions"_s), body);
    }

    void expectContinue()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        const QByteArray body = chatJson(2, false);
        QList<QPair<QByteArray, QByteArray>> headers = kAuth;
        headers += {{"Expect"_ba, "100-continue"_ba},
                    {"Content-Type"_ba, "application/json"_ba},
                    {"Content-Length"_ba, QByteArray::number(body.size())}};
        QByteArray head = RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba, {}, headers);
        client.send(head);
        RawHttpResponse interim;
        QVERIFY(client.readResponse(&interim));
        QCOMPARE(interim.status, 100);
        client.send(body);
        RawHttpResponse r;
        QVERIFY(client.readResponse(&r));
        QCOMPARE(r.status, 200);
    }

    void http10ClosesAndNeverChunks()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba, chatJson(5, true), kAuth,
                                           "HTTP/1.0"_ba));
        QVERIFY(client.waitForDisconnected());
        RawHttpResponse r;
        QVERIFY(r.parse(client.buffer(), true) > 0);
        QCOMPARE(r.status, 200);
        QVERIFY(!r.chunked);
        QCOMPARE(r.header("connection"), "close"_ba);
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
    }

    void connectionCloseRequested()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        QList<QPair<QByteArray, QByteArray>> headers = kAuth;
        headers.append({"Connection"_ba, "close"_ba});
        client.send(RawHttpClient::request("GET"_ba, "/api/v1/models/count"_ba, {}, headers));
        RawHttpResponse r;
        QVERIFY(client.readResponse(&r));
        QCOMPARE(r.header("connection"), "close"_ba);
        QVERIFY(client.waitForDisconnected());
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << "garbage\r\n\r\n"_ba << 400;
        QTest::newRow("bad header") << "GET /api/v1/health HTTP/1.1\r\nno colon here\r\n\r\n"_ba << 400;
        QTest::newRow("bad length")
            << "POST /api/v1/chat/completions HTTP/1.1\r\nContent-Length: x\r\n\r\n"_ba << 400;
        QTest::newRow("huge length")
            << "POST /api/v1/chat/completions HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n"_ba << 413;
        QTest::newRow("huge head") << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(80000, 'a')) << 431;
        QTest::newRow("outside api") << "GET /elsewhere HTTP/1.1\r\n\r\n"_ba << 404;
    }

    void malformedRequests()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(bytes);
        RawHttpResponse r;
        QVERIFY(client.readResponse(&r));
        QCOMPARE(r.status, status);
        QVERIFY(QJsonDocument::fromJson(r.body).object().value(u"error"_s).isObject());
        if (status != 404)
            QVERIFY(client.waitForDisconnected());
        // The server is still fine.
        QCOMPARE(ApiCaller(m_sim.baseUrl(), QString()).get(u"/health"_s).status, 200);
    }

    void clientVanishes_data()
    {
        QTest::addColumn<int>("stage");
        QTest::addColumn<sim::StreamFraming>("framing");
        // 0: mid request head, 1: mid request body, 2: after the request, before any byte back,
        // 3: after the response head, 4: mid stream, 5: mid non-streamed wait
        for (int stage = 0; stage <= 5; ++stage) {
            QTest::addRow("stage %d chunked", stage) << stage << sim::StreamFraming::Chunked;
            QTest::addRow("stage %d close", stage) << stage << sim::StreamFraming::CloseDelimited;
        }
    }

    void clientVanishes()
    {
        QFETCH(int, stage);
        QFETCH(sim::StreamFraming, framing);
        sim::SimConfig cfg;
        cfg.framing = framing;
        cfg.ttftMs = stage == 2 ? 200 : 5;
        cfg.tokensPerSecond = 500;
        cfg.keepAliveMs = 3;
        QVERIFY(m_sim.start(cfg));
        const double before = m_sim.server()->balance();
        QSignalSpy served(m_sim.server(), &sim::SimServer::requestServed);
        for (int round = 0; round < 5; ++round) {
            RawHttpClient client(m_sim.port());
            QVERIFY(client.connectToServer());
            const QByteArray request = RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba,
                                                              chatJson(2000, stage != 5), kAuth);
            switch (stage) {
            case 0:
                client.send(request.left(20));
                break;
            case 1:
                client.send(request.left(request.size() - 5));
                break;
            case 2:
                client.send(request);
                break;
            case 3:
                client.send(request);
                QVERIFY(client.waitFor([](const QByteArray& b) { return b.contains("\r\n\r\n"); }));
                break;
            case 4:
                client.send(request);
                QVERIFY(client.waitFor(
                    [round](const QByteArray& b) { return b.count("\"content\"") > 10 * round; }));
                break;
            case 5:
                client.send(request);
                break;
            }
            QCoreApplication::processEvents();
            if (round % 2)
                client.socket().abort();
            else
                client.socket().disconnectFromHost();
        }
        QTRY_COMPARE(m_sim.server()->openConnectionCount(), 0);
        // Started generations were billed for what was produced, then the server went on serving.
        QVERIFY(m_sim.server()->balance() <= before);
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r = api.post(u"/chat/completions"_s,
                                     chatBody(u"openai/gpt-5.4-mini"_s, u"Still alive [[tokens=5]]"_s, true));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
        if (stage >= 2)
            QTRY_VERIFY(served.size() >= 5);
    }

    void manyConcurrentStreams()
    {
        sim::SimConfig cfg = SimFixture::fastConfig();
        cfg.tokensPerSecond = 2000;
        QVERIFY(m_sim.start(cfg));
        QList<RawHttpClient*> clients;
        for (int i = 0; i < 20; ++i) {
            auto* c = new RawHttpClient(m_sim.port(), this);
            QVERIFY(c->connectToServer());
            c->send(
                RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba, chatJson(100, true), kAuth));
            clients.append(c);
        }
        for (RawHttpClient* c : std::as_const(clients)) {
            RawHttpResponse r;
            QVERIFY(c->readResponse(&r));
            QList<SseEvent> events;
            QVERIFY(parseSse(r.body, &events));
            QCOMPARE(events.size(), 100 + 2);
        }
        qDeleteAll(clients);
        QTRY_COMPARE(m_sim.server()->openConnectionCount(), 0);
    }

    void stopWithOpenStreams()
    {
        sim::SimConfig cfg;
        cfg.tokensPerSecond = 50;
        cfg.ttftMs = 0;
        QVERIFY(m_sim.start(cfg));
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(
            RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba, chatJson(1000, true), kAuth));
        QVERIFY(client.waitFor([](const QByteArray& b) { return b.contains("\"content\""); }));
        m_sim.stop(); // destroys the server mid-stream
        QVERIFY(client.waitForDisconnected());
    }

    void serverThread()
    {
        sim::SimConfig cfg = SimFixture::fastConfig();
        sim::SimServerThread thread(cfg);
        QString error;
        QVERIFY2(thread.start(&error), qPrintable(error));
        QVERIFY(thread.port() > 0);
        QCOMPARE(thread.baseUrl().toString(),
                 u"http://127.0.0.1:"_s + QString::number(thread.port()) + u"/api/v1"_s);
        QVERIFY(thread.server()->thread() != QThread::currentThread());
        ApiCaller api(thread.baseUrl(), sim::fullKey());
        QCOMPARE(api.get(u"/models/count"_s).object().value(u"count"_s).toInt(), 174);
        const ApiResult r = api.post(u"/chat/completions"_s,
                                     chatBody(u"openai/gpt-5.4-mini"_s, u"Threaded [[tokens=50]]"_s, true));
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
        int count = 0;
        QMetaObject::invokeMethod(
            thread.server(), [&] { count = thread.server()->requestCount(u"/chat/completions"_s); },
            Qt::BlockingQueuedConnection);
        QCOMPARE(count, 1);
        // Stop while a client still holds a keep-alive connection.
        thread.stop();
        QCOMPARE(thread.port(), quint16(0));
        QVERIFY(thread.server() == nullptr);
        QVERIFY(thread.start());
        QVERIFY(ApiCaller(thread.baseUrl(), sim::fullKey()).get(u"/health"_s).status == 200);
    }

    void portInUse()
    {
        sim::SimConfig cfg;
        cfg.port = m_sim.port();
        sim::SimServer second(cfg);
        QString error;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot listen"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot listen"_s));
        QVERIFY(!second.start(&error));
        QVERIFY(!error.isEmpty());
        sim::SimServerThread thread(cfg);
        QVERIFY(!thread.start(&error));
        QCOMPARE(thread.port(), quint16(0));
    }
};

QTEST_GUILESS_MAIN(TestSimHttp)
#include "TestSimHttp.moc"
