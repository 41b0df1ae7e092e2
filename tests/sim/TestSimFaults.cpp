// Tests of the simulator's fault injection: each fault named in X-Sim-Fault (or carried by a
// sk-ar-v1-sim-fault-<name> key) produces exactly the misbehaviour it promises on the wire, and
// count=K limits it to the first K requests so retry logic can be tested.
#include "ApiCaller.h"
#include "RawHttpClient.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace anyrouter;
using namespace anyrouter::test;

namespace {

QByteArray streamRequest(const QByteArray& fault, int tokens = 20, const QString& key = sim::fullKey())
{
    const QJsonObject body =
        chatBody(u"openai/gpt-5.4-mini"_s, u"Fault me [[tokens="_s + QString::number(tokens) + u"]]"_s, true);
    QList<QPair<QByteArray, QByteArray>> headers = {{"Authorization"_ba, "Bearer "_ba + key.toUtf8()}};
    if (!fault.isEmpty())
        headers.append({"X-Sim-Fault"_ba, fault});
    return RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba,
                                  QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

// De-chunks whatever arrived so far, even without the terminating chunk.
QByteArray partialBody(const QByteArray& raw)
{
    const qsizetype headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return {};
    const bool chunked = raw.left(headEnd).toLower().contains("transfer-encoding: chunked");
    qsizetype pos = headEnd + 4;
    if (!chunked)
        return raw.mid(pos);
    QByteArray body;
    for (;;) {
        const qsizetype eol = raw.indexOf("\r\n", pos);
        if (eol < 0)
            break;
        bool ok = false;
        const qsizetype size = raw.mid(pos, eol - pos).toLongLong(&ok, 16);
        if (!ok || size == 0 || raw.size() < eol + 2 + size)
            break;
        body += raw.mid(eol + 2, size);
        pos = eol + 2 + size + 2;
    }
    return body;
}

int contentEvents(const QByteArray& body)
{
    int n = 0;
    qsizetype pos = 0;
    while ((pos = body.indexOf("\"content\":", pos)) >= 0) {
        ++n;
        ++pos;
    }
    return n;
}

} // namespace

class TestSimFaults : public QObject
{
    Q_OBJECT

private:
    SimFixture m_sim;

private slots:
    void initTestCase() { initHermeticEnvironment(); }

    void init() { QVERIFY(m_sim.start(SimFixture::fastConfig())); }

    void cleanup() { m_sim.stop(); }

    void statusFaults_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("shape");
        QTest::newRow("429") << "429;retry_after=7"_ba << 429 << u"envelope:rate_limit_error"_s;
        QTest::newRow("500") << "500"_ba << 500 << u"envelope:internal_server_error"_s;
        QTest::newRow("502") << "502"_ba << 502 << u"envelope:upstream_error"_s;
        QTest::newRow("503") << "503"_ba << 503 << u"envelope:service_unavailable"_s;
        QTest::newRow("402") << "402"_ba << 402 << u"envelope:insufficient_credits"_s;
        QTest::newRow("401") << "401"_ba << 401 << u"envelope:authentication_error"_s;
        QTest::newRow("envelope-string") << "envelope-string"_ba << 500 << u"string"_s;
        QTest::newRow("envelope-numeric") << "envelope-numeric"_ba << 429 << u"numeric"_s;
        QTest::newRow("envelope-numeric status") << "envelope-numeric;status=502"_ba << 502 << u"numeric"_s;
        QTest::newRow("envelope-oauth") << "envelope-oauth"_ba << 400 << u"oauth"_s;
        QTest::newRow("html-502") << "html-502"_ba << 502 << u"html"_s;
    }

    void statusFaults()
    {
        QFETCH(QByteArray, fault);
        QFETCH(int, status);
        QFETCH(QString, shape);
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        // Status faults apply to any endpoint, streamed chat included.
        for (const bool chat : {false, true}) {
            const ApiResult r =
                chat ? api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"x"_s, true),
                                {{"X-Sim-Fault"_ba, fault}})
                     : api.get(u"/models/count"_s, {{"X-Sim-Fault"_ba, fault}});
            QCOMPARE(r.status, status);
            QVERIFY(!r.header("x-ratelimit-limit").isEmpty());
            const QJsonObject o = r.object();
            if (shape.startsWith(u"envelope:"_s)) {
                const QJsonObject e = o.value(u"error"_s).toObject();
                QCOMPARE(e.value(u"type"_s).toString(), shape.mid(9));
                QVERIFY(e.value(u"code"_s).isString());
                QVERIFY(e.contains(u"param"_s));
            } else if (shape == u"string"_s) {
                QVERIFY(o.value(u"error"_s).isString());
            } else if (shape == u"numeric"_s) {
                QCOMPARE(o.value(u"error"_s).toObject().value(u"code"_s).toInt(), status);
                QVERIFY(o.value(u"error"_s)
                            .toObject()
                            .value(u"metadata"_s)
                            .toObject()
                            .contains(u"provider_name"_s));
            } else if (shape == u"oauth"_s) {
                QCOMPARE(o.value(u"error"_s).toString(), u"invalid_grant"_s);
                QVERIFY(!o.value(u"error_description"_s).toString().isEmpty());
            } else if (shape == u"html"_s) {
                QVERIFY(r.header("content-type").startsWith("text/html"));
                QVERIFY(r.json().isNull());
                QVERIFY(r.body.contains("502 Bad Gateway"));
            }
            if (status == 429 && shape.startsWith(u"envelope"_s))
                QCOMPARE(r.header("retry-after"), "7"_ba);
        }
    }

    void faultKey()
    {
        ApiCaller api(m_sim.baseUrl(), u"sk-ar-v1-sim-fault-503"_s);
        QCOMPARE(api.get(u"/models/count"_s).status, 503);
        // Authenticates as full access.
        api.setKey(u"sk-ar-v1-sim-fault-slow-drip"_s);
        m_sim.server()->config().tokensPerSecond = 0;
        QCOMPARE(api.get(u"/credits"_s).status, 200);
    }

    void countLimitsFaults()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const QList<QPair<QByteArray, QByteArray>> fault = {{"X-Sim-Fault"_ba, "500;count=2"_ba}};
        QCOMPARE(api.get(u"/models/count"_s, fault).status, 500);
        QCOMPARE(api.get(u"/models/count"_s, fault).status, 500);
        QCOMPARE(api.get(u"/models/count"_s, fault).status, 200);
        QCOMPARE(m_sim.server()->requestCount(u"/models/count"_s), 3);
        // Tracked per fault name.
        QCOMPARE(api.get(u"/models/count"_s, {{"X-Sim-Fault"_ba, "502;count=1"_ba}}).status, 502);
        m_sim.server()->resetFaultCounters();
        QCOMPARE(api.get(u"/models/count"_s, fault).status, 500);
    }

    void unknownFaultIsRejected()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r = api.get(u"/models/count"_s, {{"X-Sim-Fault"_ba, "explode"_ba}});
        QCOMPARE(r.status, 400);
        QVERIFY(
            r.object().value(u"error"_s).toObject().value(u"message"_s).toString().contains(u"explode"_s));
    }

    void drop_data()
    {
        QTest::addColumn<sim::StreamFraming>("framing");
        QTest::newRow("chunked") << sim::StreamFraming::Chunked;
        QTest::newRow("close-delimited") << sim::StreamFraming::CloseDelimited;
    }

    void drop()
    {
        QFETCH(sim::StreamFraming, framing);
        m_sim.server()->config().framing = framing;
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(streamRequest("drop;after=3"_ba));
        QVERIFY(client.waitForDisconnected());
        const QByteArray body = partialBody(client.buffer());
        QCOMPARE(contentEvents(body), 3);
        QVERIFY(!body.contains("[DONE]"));
        QVERIFY(!body.contains("\"usage\""));
        // Through QNetworkAccessManager: the reply ends after 5 events (default after=5) with no
        // usage and no [DONE]. Qt 6.4 reports NoError for a reset even mid-chunked-body, so a
        // client can only tell truncation by the missing [DONE].
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r =
            api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"x [[tokens=20]]"_s, true),
                     {{"X-Sim-Fault"_ba, "drop"_ba}});
        QVERIFY(r.finished);
        QCOMPARE(contentEvents(r.body), 5);
        QVERIFY(!r.body.contains("[DONE]"));
        QTRY_COMPARE(m_sim.server()->openConnectionCount(), 0);
    }

    void stall()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(streamRequest("stall;after=2"_ba));
        QVERIFY(client.waitFor([](const QByteArray& b) { return contentEvents(partialBody(b)) >= 2; }));
        // Nothing more arrives, yet the connection stays open.
        QSignalSpy more(&client.socket(), &QTcpSocket::readyRead);
        QVERIFY(!more.wait(300));
        QVERIFY(client.isConnected());
        QCOMPARE(contentEvents(partialBody(client.buffer())), 2);
        QCOMPARE(m_sim.server()->openConnectionCount(), 1);
        client.socket().abort();
        QTRY_COMPARE(m_sim.server()->openConnectionCount(), 0);
    }

    void truncate_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<int>("events");
        QTest::addColumn<bool>("finishReason");
        QTest::newRow("at end") << "truncate"_ba << 20 << true;
        QTest::newRow("after 4") << "truncate;after=4"_ba << 4 << false;
    }

    void truncate()
    {
        QFETCH(QByteArray, fault);
        QFETCH(int, events);
        QFETCH(bool, finishReason);
        const RawHttpResponse r = RawHttpClient::fetch(m_sim.port(), streamRequest(fault));
        QVERIFY(r.complete); // the body ends cleanly (terminating chunk present)...
        QCOMPARE(r.status, 200);
        QList<SseEvent> sse;
        QVERIFY(parseSse(r.body, &sse));
        QCOMPARE(contentEvents(r.body), events);
        QVERIFY(!r.body.contains("[DONE]")); // ...but without usage and [DONE]
        QVERIFY(!r.body.contains("\"usage\""));
        QCOMPARE(r.body.contains("\"finish_reason\":\"stop\""), finishReason);
    }

    void errorEvent()
    {
        const RawHttpResponse r = RawHttpClient::fetch(m_sim.port(), streamRequest("error-event;after=2"_ba));
        QCOMPARE(r.status, 200);
        QList<SseEvent> sse;
        QVERIFY(parseSse(r.body, &sse));
        QCOMPARE(sse.size(), 4);
        QCOMPARE(contentEvents(sse.at(0).data()) + contentEvents(sse.at(1).data()), 2);
        const QJsonObject err = QJsonDocument::fromJson(sse.at(2).data()).object();
        QCOMPARE(err.value(u"error"_s).toObject().value(u"type"_s).toString(), u"upstream_error"_s);
        QCOMPARE(err.value(u"choices"_s).toArray().at(0).toObject().value(u"finish_reason"_s).toString(),
                 u"error"_s);
        QCOMPARE(sse.at(3).data(), "[DONE]"_ba);
    }

    void malformedJson()
    {
        const RawHttpResponse r =
            RawHttpClient::fetch(m_sim.port(), streamRequest("malformed-json;after=3"_ba));
        QList<SseEvent> sse;
        QVERIFY(parseSse(r.body, &sse));
        int invalid = 0;
        int invalidAt = -1;
        for (qsizetype i = 0; i < sse.size(); ++i) {
            const QByteArray data = sse.at(i).data();
            if (data == "[DONE]")
                continue;
            QJsonParseError pe;
            QJsonDocument::fromJson(data, &pe);
            if (pe.error != QJsonParseError::NoError) {
                ++invalid;
                invalidAt = int(i);
            }
        }
        QCOMPARE(invalid, 1);
        QCOMPARE(invalidAt, 3);
        QVERIFY(r.body.contains("\"usage\""));
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
    }

    void splitUtf8()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(streamRequest("split-utf8"_ba, 150));
        RawHttpResponse r;
        QVERIFY(client.readResponse(&r));
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
        // Each read ending inside a multi-byte sequence proves the split reached the client.
        int splitReads = 0;
        for (const QByteArray& chunk : client.reads()) {
            for (int back = 1; back <= 3 && back <= chunk.size(); ++back) {
                const auto c = static_cast<unsigned char>(chunk.at(chunk.size() - back));
                if ((c & 0xC0) == 0x80)
                    continue; // continuation byte: look further back
                const int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                if (need > back)
                    ++splitReads;
                break;
            }
        }
        QVERIFY2(splitReads > 0, qPrintable(QString::number(client.reads().size())));
        QVERIFY(client.reads().size() > 50);
        QString content;
        QList<SseEvent> sse;
        QVERIFY(parseSse(r.body, &sse));
        for (const SseEvent& ev : sse) {
            const QJsonObject o = QJsonDocument::fromJson(ev.data()).object();
            content += o.value(u"choices"_s)
                           .toArray()
                           .at(0)
                           .toObject()
                           .value(u"delta"_s)
                           .toObject()
                           .value(u"content"_s)
                           .toString();
        }
        QVERIFY(std::any_of(content.cbegin(), content.cend(), [](QChar c) { return c.unicode() > 0x7f; }));
        QVERIFY(!content.contains(QChar::ReplacementCharacter));
    }

    void hugeLine()
    {
        const RawHttpResponse r = RawHttpClient::fetch(m_sim.port(), streamRequest("huge-line"_ba, 5), 60000);
        QVERIFY(r.complete);
        QList<SseEvent> sse;
        QVERIFY(parseSse(r.body, &sse));
        qsizetype longest = 0;
        for (const SseEvent& ev : sse)
            longest = qMax(longest, ev.data().size());
        QVERIFY(longest >= 10 * 1024 * 1024);
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
        // A smaller one on request.
        const RawHttpResponse small =
            RawHttpClient::fetch(m_sim.port(), streamRequest("huge-line;bytes=70000"_ba, 5));
        QVERIFY(small.body.size() > 70000 && small.body.size() < 1024 * 1024);
    }

    void slowDrip()
    {
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(streamRequest("slow-drip;delay_ms=0"_ba, 2));
        RawHttpResponse r;
        QVERIFY(client.readResponse(&r, 60000));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
        // Byte by byte: many more reads than events, each tiny.
        QVERIFY2(client.reads().size() > 100, qPrintable(QString::number(client.reads().size())));
        qsizetype largest = 0;
        for (const QByteArray& chunk : client.reads())
            largest = qMax(largest, chunk.size());
        QVERIFY2(largest < 64, qPrintable(QString::number(largest)));
    }

    void nonStreamedDropAndStall()
    {
        RawHttpClient dropClient(m_sim.port());
        QVERIFY(dropClient.connectToServer());
        dropClient.send(RawHttpClient::request(
            "GET"_ba, "/api/v1/models"_ba, {},
            {{"Authorization"_ba, "Bearer "_ba + sim::fullKey().toUtf8()}, {"X-Sim-Fault"_ba, "drop"_ba}}));
        QVERIFY(dropClient.waitForDisconnected());
        RawHttpResponse r;
        QCOMPARE(r.parse(dropClient.buffer(), false), 0); // fewer bytes than Content-Length
        QVERIFY(dropClient.buffer().contains("Content-Length:"));

        RawHttpClient stallClient(m_sim.port());
        QVERIFY(stallClient.connectToServer());
        stallClient.send(RawHttpClient::request(
            "GET"_ba, "/api/v1/models"_ba, {},
            {{"Authorization"_ba, "Bearer "_ba + sim::fullKey().toUtf8()}, {"X-Sim-Fault"_ba, "stall"_ba}}));
        QVERIFY(stallClient.waitFor([](const QByteArray& b) { return b.contains("\r\n\r\n"); }));
        QSignalSpy more(&stallClient.socket(), &QTcpSocket::readyRead);
        while (more.wait(200)) {
        }
        QVERIFY(stallClient.isConnected());
        QCOMPARE(r.parse(stallClient.buffer(), false), 0);
    }

    void streamOnlyFaultIgnoredWhenNotStreaming()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const QList<QPair<QByteArray, QByteArray>> fault = {{"X-Sim-Fault"_ba, "error-event;count=1"_ba}};
        const ApiResult plain =
            api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"x"_s), fault);
        QCOMPARE(plain.status, 200);
        QVERIFY(!plain.object().contains(u"error"_s));
        // ...and it did not use up the count: the next streamed request still gets it.
        const ApiResult streamed = api.post(
            u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"x [[tokens=8]]"_s, true), fault);
        QVERIFY(streamed.body.contains("\"finish_reason\":\"error\""));
    }
};

QTEST_GUILESS_MAIN(TestSimFaults)
#include "TestSimFaults.moc"
