// Tests of the simulator's request log (SimServer::requestLog / requestCount(method, path) /
// clearRequestLog): one entry per request received, answered or refused, keyed by method and the
// path without its query string, in order, bounded, and readable from another thread while a
// SimServerThread serves.
#include "ApiCaller.h"
#include "RawHttpClient.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;
using namespace anyrouter;
using namespace anyrouter::test;

class TestSimRequestLog : public QObject
{
    Q_OBJECT

private:
    SimFixture m_sim;

private slots:
    void initTestCase() { initHermeticEnvironment(); }

    void cleanup() { m_sim.stop(); }

    void countsPerMethodAndPath()
    {
        QVERIFY(m_sim.start(SimFixture::fastConfig()));
        sim::SimServer* server = m_sim.server();
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        QCOMPARE(api.get(u"/models"_s).status, 200);
        QCOMPARE(api.get(u"/models?supported_parameters=tools"_s).status, 200);
        QCOMPARE(api.call("POST", u"/models"_s).status, 405);
        QCOMPARE(api.get(u"/models/count"_s).status, 200);
        QCOMPARE(api.get(u"/models"_s).status, 200);

        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/models"_s),
                 3); // the query string is not part of it
        QCOMPARE(server->requestCount(u"POST"_s, u"/api/v1/models"_s), 1);
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/models/count"_s), 1);
        QCOMPARE(server->requestCount(u"GET"_s, u"/models"_s), 0); // exact path, no prefix matching
        QCOMPARE(server->requestCount(u"DELETE"_s, u"/api/v1/models"_s), 0);
        QCOMPARE(server->requestLog(),
                 (QStringList{u"GET /api/v1/models"_s, u"GET /api/v1/models"_s, u"POST /api/v1/models"_s,
                              u"GET /api/v1/models/count"_s, u"GET /api/v1/models"_s}));
        // The prefix count reads the same numbers.
        QCOMPARE(server->requestCount(u"/models"_s), 5);
        QCOMPARE(server->requestCount(u"/models/count"_s), 1);
    }

    void refusedRequestsAreLoggedToo()
    {
        sim::SimConfig cfg = SimFixture::fastConfig();
        cfg.rateLimitPerMinute = 2;
        QVERIFY(m_sim.start(cfg));
        sim::SimServer* server = m_sim.server();
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        QCOMPARE(api.get(u"/credits"_s).status, 403);
        QCOMPARE(api.get(u"/credits"_s).status, 403);
        QCOMPARE(api.get(u"/credits"_s).status, 429); // over the limit: never reaches a route
        api.setKey(u"sk-ar-v1-nobody"_s);
        QCOMPARE(api.get(u"/health"_s).status, 200);
        QCOMPARE(api.get(u"/keys"_s).status, 401);

        RawHttpClient raw(m_sim.port());
        QVERIFY(raw.connectToServer());
        raw.send(RawHttpClient::request("GET"_ba, "/cli/device?code=NONE-0000"_ba));
        RawHttpResponse page;
        QVERIFY(raw.readResponse(&page));
        QCOMPARE(page.status, 404);
        raw.send(RawHttpClient::request("PUT"_ba, "/outside%20api"_ba));
        RawHttpResponse outside;
        QVERIFY(raw.readResponse(&outside));
        QCOMPARE(outside.status, 404);

        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/credits"_s), 3);
        QCOMPARE(server->requestLog(),
                 (QStringList{u"GET /api/v1/credits"_s, u"GET /api/v1/credits"_s, u"GET /api/v1/credits"_s,
                              u"GET /api/v1/health"_s, u"GET /api/v1/keys"_s, u"GET /cli/device"_s,
                              u"PUT /outside api"_s})); // the path as decoded
    }

    void clearForgetsLogAndCounts()
    {
        QVERIFY(m_sim.start(SimFixture::fastConfig()));
        sim::SimServer* server = m_sim.server();
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        QCOMPARE(api.get(u"/credits"_s).status, 200);
        QCOMPARE(api.get(u"/credits"_s).status, 200);
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/credits"_s), 2);
        server->clearRequestLog();
        QVERIFY(server->requestLog().isEmpty());
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/credits"_s), 0);
        QCOMPARE(server->requestCount(), 0);
        QCOMPARE(api.get(u"/credits"_s).status, 200);
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/credits"_s), 1);
        QCOMPARE(server->requestLog(), QStringList{u"GET /api/v1/credits"_s});
        // Only the log is forgotten: the last request's body and headers are still there.
        QVERIFY(!server->lastRequestHeaders(u"/credits"_s).isEmpty());
    }

    void logKeepsTheNewestEntries()
    {
        sim::SimConfig cfg = SimFixture::fastConfig();
        cfg.requestLogLimit = 3;
        QVERIFY(m_sim.start(cfg));
        sim::SimServer* server = m_sim.server();
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        for (const QString& path :
             {u"/models/count"_s, u"/credits"_s, u"/keys"_s, u"/activity"_s, u"/credits"_s})
            QCOMPARE(api.get(path).status, 200);
        QCOMPARE(server->requestLog(),
                 (QStringList{u"GET /api/v1/keys"_s, u"GET /api/v1/activity"_s, u"GET /api/v1/credits"_s}));
        // Counts are not bounded by the log.
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/models/count"_s), 1);
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/credits"_s), 2);
        QCOMPARE(server->requestCount(), 5);
    }

    // The app's demo runs its simulator on a SimServerThread; a test must be able to read the log
    // from its own thread, while the server thread appends to it.
    void readFromAnotherThreadWhileServing()
    {
        sim::SimServerThread thread(SimFixture::fastConfig());
        QString error;
        QVERIFY2(thread.start(&error), qPrintable(error));
        sim::SimServer* server = thread.server();
        QVERIFY(server->thread() != QThread::currentThread());

        std::atomic<bool> stop = false;
        std::atomic<bool> wentBackwards = false;
        std::atomic<int> reads = 0;
        std::thread reader([&] {
            qsizetype lastSize = 0;
            int lastCount = 0;
            while (!stop.load()) {
                const QStringList log = server->requestLog();
                const int count = server->requestCount(u"GET"_s, u"/api/v1/models/count"_s);
                if (log.size() < lastSize || count < lastCount)
                    wentBackwards = true;
                lastSize = log.size();
                lastCount = count;
                ++reads;
            }
        });

        constexpr int kRequests = 60;
        ApiCaller api(thread.baseUrl(), sim::fullKey());
        int ok = 0;
        for (int i = 0; i < kRequests; ++i)
            ok += api.get(u"/models/count"_s).status == 200 ? 1 : 0;
        stop = true;
        reader.join();

        QCOMPARE(ok, kRequests);
        QVERIFY(reads.load() > 0);
        QVERIFY(!wentBackwards.load());
        // Read directly, not through the server's thread.
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/models/count"_s), kRequests);
        const QStringList log = server->requestLog();
        QCOMPARE(log.size(), kRequests);
        QCOMPARE(log.count(u"GET /api/v1/models/count"_s), kRequests);
        server->clearRequestLog();
        QCOMPARE(server->requestCount(u"GET"_s, u"/api/v1/models/count"_s), 0);
        thread.stop();
    }
};

QTEST_GUILESS_MAIN(TestSimRequestLog)
#include "TestSimRequestLog.moc"
