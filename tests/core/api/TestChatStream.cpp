// TestChatStream: streamed chat completions against the simulator over real loopback HTTP — the
// streamed text equals the non-streamed reply for the same prompt (chunked and close-delimited
// framing, keep-alive comments, reasoning deltas), metadata and timing are filled in, and every
// injected fault ends in a clear ApiError with the content received so far kept; abort() is
// immediate and final.
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/api/ChatStream.h"
#include "core/domain/ModelInfo.h"
#include "sim/SimKeys.h"

#include <QFile>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <cmath>
#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::sim::StreamFraming)

namespace {

const QString kModel = u"openai/gpt-5.4-mini"_s;

// Everything a stream emitted, recorded as it happened.
struct Recorder
{
    QStringList deltas;
    QStringList reasoning;
    int metadata = 0;
    int finished = 0;
    int deltasAfterFinish = 0;

    void attach(ChatStream* s)
    {
        QObject::connect(s, &ChatStream::contentReceived, s, [this](const QString& d) {
            deltas.append(d);
            if (finished)
                ++deltasAfterFinish;
        });
        QObject::connect(s, &ChatStream::reasoningReceived, s,
                         [this](const QString& d) { reasoning.append(d); });
        QObject::connect(s, &ChatStream::metadataReceived, s, [this] { ++metadata; });
        QObject::connect(s, &ChatStream::finished, s, [this] { ++finished; });
    }
};

QByteArray headerValue(const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& name)
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

// Peak resident set of this process, in KiB (Linux); -1 elsewhere.
qint64 peakRssKiB()
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

class TestChatStream : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void normalStream_data();
    void normalStream();
    void nonStreamedRequest();
    void reasoningDeltas();
    void midStreamFaults_data();
    void midStreamFaults();
    void truncatedAfterFinishReason();
    void faultSelectedByKey();
    void statusFaultsBeforeContent_data();
    void statusFaultsBeforeContent();
    void splitUtf8();
    void hugeLineIsBounded();
    void slowDrip();
    void abortWhileStreaming();
    void abortBeforeFirstByte();
    void abortDuringRetryWait();
    void connectionRefused();
    void abortDuringReconnectWait();

private:
    std::unique_ptr<ApiClient> makeClient(Clock* clock = nullptr);
    ChatRequest request(const QString& prompt, const QString& model = kModel) const;
    // The non-streamed reply for the same request, fetched with a plain POST (an oracle that does
    // not go through ChatStream). Returns the parsed body; empty object on failure.
    QJsonObject referenceReply(const ChatRequest& req, const QByteArray& fault = {});
    static QString contentOf(const QJsonObject& reply);

    QNetworkAccessManager* m_nam = nullptr;
    test::SimFixture m_sim;
};

void TestChatStream::initTestCase()
{
    anyrouter::test::initHermeticEnvironment();
}

void TestChatStream::init()
{
    // Reading a reply Qt already closed is a bug in the stream's bookkeeping, not noise.
    QTest::failOnWarning(QRegularExpression(u"QIODevice::read"_s));
    m_nam = new QNetworkAccessManager(this);
    sim::SimConfig config = test::SimFixture::fastConfig(); // as fast as possible unless a test slows it down
    config.ttftMs = 5;
    QVERIFY(m_sim.start(config));
}

void TestChatStream::cleanup()
{
    m_sim.stop();
    delete m_nam;
    m_nam = nullptr;
}

std::unique_ptr<ApiClient> TestChatStream::makeClient(Clock* clock)
{
    auto client = std::make_unique<ApiClient>(m_nam, nullptr, clock);
    client->setBaseUrl(m_sim.baseUrl());
    client->setKeys(sim::fullKey());
    return client;
}

ChatRequest TestChatStream::request(const QString& prompt, const QString& model) const
{
    ChatRequest req;
    req.model = model;
    req.messages = {{u"system"_s, u"Answer briefly."_s}, {u"user"_s, prompt}};
    return req;
}

QJsonObject TestChatStream::referenceReply(const ChatRequest& req, const QByteArray& fault)
{
    auto client = makeClient();
    if (!fault.isEmpty())
        client->setExtraHeaders({{"X-Sim-Fault", fault}});
    ChatRequest plain = req;
    plain.stream = false;
    ApiReply* reply = client->send("POST", u"/chat/completions"_s, KeyRole::Inference, plain.toJson());
    QJsonObject out;
    bool done = false;
    connect(reply, &ApiReply::finished, this, [&] {
        done = true;
        if (reply->isOk())
            out = reply->json().object();
    });
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        qWarning("reference request did not finish");
    return out;
}

QString TestChatStream::contentOf(const QJsonObject& reply)
{
    return reply.value(u"choices"_s)
        .toArray()
        .at(0)
        .toObject()
        .value(u"message"_s)
        .toObject()
        .value(u"content"_s)
        .toString();
}

void TestChatStream::normalStream_data()
{
    QTest::addColumn<sim::StreamFraming>("framing");
    QTest::addColumn<int>("keepAliveMs");
    QTest::addColumn<double>("tokensPerSecond");
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<int>("maxTokens"); // 0: none
    QTest::addColumn<int>("completionTokens");
    QTest::addColumn<QString>("finishReason");

    QTest::newRow("chunked") << sim::StreamFraming::Chunked << 0 << 0.0
                             << u"What does a router do? [[tokens=40]]"_s << 0 << 40 << u"stop"_s;
    QTest::newRow("close-delimited") << sim::StreamFraming::CloseDelimited << 0 << 0.0
                                     << u"What does a router do? [[tokens=40]]"_s << 0 << 40 << u"stop"_s;
    QTest::newRow("keep-alive comments")
        << sim::StreamFraming::Chunked << 5 << 400.0 << u"Explain keep-alive comments [[tokens=30]]"_s << 0
        << 30 << u"stop"_s;
    QTest::newRow("keep-alive, close-delimited")
        << sim::StreamFraming::CloseDelimited << 5 << 400.0 << u"Explain keep-alive comments [[tokens=30]]"_s
        << 0 << 30 << u"stop"_s;
    QTest::newRow("max_tokens -> length")
        << sim::StreamFraming::Chunked << 0 << 0.0 << u"Tell me a long story about gateways"_s << 7 << 7
        << u"length"_s;
    QTest::newRow("long reply") << sim::StreamFraming::Chunked << 0 << 0.0 << u"Write a lot [[tokens=600]]"_s
                                << 0 << 600 << u"stop"_s;
}

void TestChatStream::normalStream()
{
    QFETCH(sim::StreamFraming, framing);
    QFETCH(int, keepAliveMs);
    QFETCH(double, tokensPerSecond);
    QFETCH(QString, prompt);
    QFETCH(int, maxTokens);
    QFETCH(int, completionTokens);
    QFETCH(QString, finishReason);

    m_sim.server()->config().framing = framing;
    m_sim.server()->config().keepAliveMs = keepAliveMs;
    m_sim.server()->config().tokensPerSecond = tokensPerSecond;
    ChatRequest req = request(prompt);
    if (maxTokens > 0)
        req.maxTokens = maxTokens;

    const QJsonObject reference = referenceReply(req);
    QVERIFY(!reference.isEmpty());
    const QString expected = contentOf(reference);
    QVERIFY(!expected.isEmpty());

    auto client = makeClient();
    ChatStream stream(client.get(), req);
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QCOMPARE(int(stream.state()), int(ChatStream::State::Connecting));
    QVERIFY(finished.wait(20000));

    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
    QVERIFY(!stream.error().isError());
    QCOMPARE(finished.count(), 1);
    QCOMPARE(stream.content(), expected);
    QCOMPARE(rec.deltas.join(QString()), expected);
    QCOMPARE(int(rec.deltas.size()), completionTokens);
    QCOMPARE(stream.finishReason(), finishReason);

    const Usage& u = stream.usage();
    QVERIFY(u.promptTokens.value_or(0) > 0);
    QCOMPARE(u.completionTokens.value_or(-1), qint64(completionTokens));
    QCOMPARE(u.totalTokens.value_or(-1), *u.promptTokens + completionTokens);
    QVERIFY(u.cost.value_or(0) > 0);
    const Usage refUsage = Usage::fromJson(reference.value(u"usage"_s).toObject());
    QCOMPARE(u.promptTokens, refUsage.promptTokens);
    // The cost is the model's prices applied to the reported usage (the reference request warmed
    // the prompt cache, so this one may have cached tokens and cost less).
    ModelPricing price; // openai/gpt-5.4-mini in the simulator's catalog
    price.inputPerM = 0.25;
    price.outputPerM = 2.0;
    price.cacheReadPerM = 0.025;
    const double expectedCost = price.costFor(*u.promptTokens, completionTokens, u.cachedTokens.value_or(0));
    QVERIFY2(std::abs(*u.cost - expectedCost) <= 1e-12 + 1e-9 * expectedCost,
             qPrintable(u"%1 vs %2"_s.arg(*u.cost, 0, 'g', 12).arg(expectedCost, 0, 'g', 12)));

    QVERIFY(stream.generationId().startsWith(u"gen-"_s) || stream.generationId().startsWith(u"chatcmpl-"_s));
    QCOMPARE(stream.servedModel(), kModel);
    QVERIFY(!stream.provider().isEmpty());
    QVERIFY(rec.metadata >= 1);
    QVERIFY(stream.ttftMs().has_value());
    QVERIFY(*stream.ttftMs() > 0);
    QVERIFY(*stream.ttftMs() <= stream.elapsedMs());
    QVERIFY(stream.tokensPerSecond().has_value());
    QVERIFY(*stream.tokensPerSecond() > 0);
    QVERIFY(!stream.keyLabel().isEmpty());
    QVERIFY(!stream.keyLabel().contains(sim::fullKey()));

    // The request carried the credentials, attribution and streaming options.
    const auto headers = m_sim.server()->lastRequestHeaders(u"/chat/completions"_s);
    QCOMPARE(headerValue(headers, "Authorization"), "Bearer "_ba + sim::fullKey().toUtf8());
    QCOMPARE(headerValue(headers, "X-AnyRouter-Title"), "AnyRouter Desktop"_ba);
    QCOMPARE(headerValue(headers, "X-AnyRouter-Source"), "desktop"_ba);
    QVERIFY(headerValue(headers, "Accept").contains("text/event-stream"));
    const QJsonObject body =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    QCOMPARE(body.value(u"stream"_s).toBool(), true);
    QCOMPARE(body.value(u"model"_s).toString(), kModel);
    QCOMPARE(body.value(u"messages"_s).toArray().size(), 2);
}

void TestChatStream::nonStreamedRequest()
{
    ChatRequest req = request(u"Just one JSON body please [[tokens=25]]"_s);
    const QString expected = contentOf(referenceReply(req));
    QVERIFY(!expected.isEmpty());
    req.stream = false;
    auto client = makeClient();
    ChatStream stream(client.get(), req);
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(20000));
    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
    QCOMPARE(stream.content(), expected);
    QCOMPARE(rec.deltas, QStringList{expected});
    QCOMPARE(stream.usage().completionTokens.value_or(-1), 25);
    QCOMPARE(stream.finishReason(), u"stop"_s);
    QVERIFY(!stream.generationId().isEmpty());
}

void TestChatStream::reasoningDeltas()
{
    ChatRequest req = request(u"Think first, then answer [[tokens=20]]"_s, u"openai/gpt-5.4"_s);
    req.reasoning = QJsonObject{{u"effort"_s, u"low"_s}};
    const QJsonObject reference = referenceReply(req);
    const QJsonObject message =
        reference.value(u"choices"_s).toArray().at(0).toObject().value(u"message"_s).toObject();
    const QString expectedReasoning = message.value(u"reasoning"_s).toString();
    QVERIFY2(!expectedReasoning.isEmpty(), "the simulator returns reasoning for a reasoning model");

    auto client = makeClient();
    ChatStream stream(client.get(), req);
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(20000));
    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
    QVERIFY(rec.reasoning.size() > 1);
    QCOMPARE(rec.reasoning.join(QString()), stream.reasoning());
    QCOMPARE(stream.reasoning(), expectedReasoning);
    QCOMPARE(stream.content(), message.value(u"content"_s).toString());
    QCOMPARE(int(rec.deltas.size()), 20);
    QVERIFY(stream.usage().reasoningTokens.value_or(0) > 0);
    QCOMPARE(stream.usage().completionTokens.value_or(-1), 20 + *stream.usage().reasoningTokens);
}

void TestChatStream::midStreamFaults_data()
{
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<int>("deltas"); // content chunks expected before the failure; -1: all
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("messageHas"); // in userMessage()
    QTest::addColumn<int>("inactivityMs");   // 0: default

    QTest::newRow("drop after 3") << "drop;after=3"_ba << 3 << u"stream_cut_off"_s << u"cut off"_s << 0;
    QTest::newRow("drop after 12") << "drop;after=12"_ba << 12 << u"stream_cut_off"_s << u"cut off"_s << 0;
    QTest::newRow("stall after 3") << "stall;after=3"_ba << 3 << u"timeout"_s << QString() << 400;
    // (A stream truncated after its finish reason is complete: truncatedAfterFinishReason().)
    QTest::newRow("truncate after 4")
        << "truncate;after=4"_ba << 4 << u"stream_cut_off"_s << u"without a finish reason"_s << 0;
    QTest::newRow("error-event after 3")
        << "error-event;after=3"_ba << 3 << u"upstream"_s << u"Upstream provider returned 503"_s << 0;
    QTest::newRow("malformed-json after 3")
        << "malformed-json;after=3"_ba << 3 << u"bad_response"_s << QString() << 0;
}

void TestChatStream::midStreamFaults()
{
    QFETCH(QByteArray, fault);
    QFETCH(int, deltas);
    QFETCH(QString, category);
    QFETCH(QString, messageHas);
    QFETCH(int, inactivityMs);

    const ChatRequest req = request(u"Tell me about faults [[tokens=40]]"_s);
    const QString full = contentOf(referenceReply(req));
    QVERIFY(!full.isEmpty());

    auto client = makeClient();
    client->setExtraHeaders({{"X-Sim-Fault", fault}});
    ChatStream stream(client.get(), req);
    if (inactivityMs > 0)
        stream.setInactivityTimeoutMs(inactivityMs);
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(20000));

    QCOMPARE(int(stream.state()), int(ChatStream::State::Failed));
    QCOMPARE(finished.count(), 1);
    QVERIFY(stream.error().isError());
    QCOMPARE(ApiError::categoryName(stream.error().category()), category);
    const QString msg = stream.error().userMessage();
    QVERIFY(!msg.isEmpty());
    if (!messageHas.isEmpty())
        QVERIFY2(msg.contains(messageHas), qPrintable(msg));

    // What arrived before the failure is kept, and it is exactly the start of the real reply.
    QCOMPARE(int(rec.deltas.size()), deltas < 0 ? 40 : deltas);
    QCOMPARE(stream.content(), rec.deltas.join(QString()));
    QVERIFY(!stream.content().isEmpty());
    QVERIFY2(full.startsWith(stream.content()), qPrintable(stream.content()));
    if (deltas < 0)
        QCOMPARE(stream.content(), full);
    // Content had been delivered: never retried.
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), 2); // the reference + this stream
    QCOMPARE(rec.deltasAfterFinish, 0);
}

void TestChatStream::truncatedAfterFinishReason()
{
    // The last chunk carries finish_reason, then the server closes: no usage chunk, no [DONE]. The
    // SDKs treat that as a complete reply, and so does the stream (the text is all there).
    const ChatRequest req = request(u"Tell me about faults [[tokens=40]]"_s);
    const QString full = contentOf(referenceReply(req));
    QVERIFY(!full.isEmpty());
    auto client = makeClient();
    client->setExtraHeaders({{"X-Sim-Fault", "truncate"}});
    ChatStream stream(client.get(), req);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(20000));
    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
    QCOMPARE(stream.content(), full);
    QCOMPARE(stream.finishReason(), u"stop"_s);
    QVERIFY(stream.usage().isEmpty());
}

void TestChatStream::faultSelectedByKey()
{
    // The app itself can only choose a key, not headers: a sk-ar-v1-sim-fault-<name> key selects
    // the fault and otherwise authenticates with full access.
    const ChatRequest req = request(u"Fault by key [[tokens=20]]"_s);
    const QString full = contentOf(referenceReply(req));
    auto client = makeClient();
    client->setKeys(u"sk-ar-v1-sim-fault-error-event"_s);
    ChatStream stream(client.get(), req);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(int(stream.state()), int(ChatStream::State::Failed));
    QCOMPARE(stream.error().category(), ApiError::Category::Upstream);
    QVERIFY(!stream.content().isEmpty());
    QVERIFY(full.startsWith(stream.content()));
    QVERIFY(stream.content().size() < full.size());
}

void TestChatStream::statusFaultsBeforeContent_data()
{
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<QString>("pin"); // X-AnyRouter-Provider
    QTest::addColumn<bool>("completes");
    QTest::addColumn<QString>("category");     // when it fails
    QTest::addColumn<int>("requests");         // attempts the simulator saw
    QTest::addColumn<QList<qint64>>("delays"); // retry waits scheduled on the clock

    using D = QList<qint64>;
    QTest::newRow("429 once, Retry-After 1")
        << "429;retry_after=1;count=1"_ba << QString() << true << QString() << 2 << D{1000};
    QTest::newRow("429 always, Retry-After 2")
        << "429;retry_after=2"_ba << QString() << false << u"rate_limited"_s << 3 << D{2000, 2000};
    QTest::newRow("429, Retry-After too long")
        << "429;retry_after=30;count=1"_ba << QString() << false << u"rate_limited"_s << 1 << D{};
    QTest::newRow("500 twice") << "500;count=2"_ba << QString() << true << QString() << 3 << D{500, 1000};
    QTest::newRow("500 always") << "500"_ba << QString() << false << u"server"_s << 3 << D{500, 1000};
    QTest::newRow("502 once") << "502;count=1"_ba << QString() << true << QString() << 2 << D{500};
    QTest::newRow("502 always") << "502"_ba << QString() << false << u"upstream"_s << 3 << D{500, 1000};
    QTest::newRow("503 once") << "503;count=1"_ba << QString() << true << QString() << 2 << D{500};
    QTest::newRow("503 always") << "503"_ba << QString() << false << u"upstream"_s << 3 << D{500, 1000};
    QTest::newRow("402") << "402"_ba << QString() << false << u"insufficient_credits"_s << 1 << D{};
    QTest::newRow("401") << "401"_ba << QString() << false << u"auth"_s << 1 << D{};
    QTest::newRow("html-502 once") << "html-502;count=1"_ba << QString() << true << QString() << 2 << D{500};
    QTest::newRow("envelope-numeric")
        << "envelope-numeric;count=1"_ba << QString() << true << QString() << 2 << D{500};
    QTest::newRow("unknown provider pin")
        << QByteArray() << u"no-such-upstream"_s << false << u"invalid_request"_s << 1 << D{};
}

void TestChatStream::statusFaultsBeforeContent()
{
    QFETCH(QByteArray, fault);
    QFETCH(QString, pin);
    QFETCH(bool, completes);
    QFETCH(QString, category);
    QFETCH(int, requests);
    QFETCH(QList<qint64>, delays);

    ChatRequest req = request(u"Retry me if you can [[tokens=15]]"_s);
    const QString expected = contentOf(referenceReply(req));
    QVERIFY(!expected.isEmpty());
    const int before = m_sim.server()->requestCount(u"/chat/completions"_s);

    ManualClock clock;
    auto client = makeClient(&clock);
    if (!fault.isEmpty())
        client->setExtraHeaders({{"X-Sim-Fault", fault}});
    req.routing.pinnedProvider = pin;
    ChatStream stream(client.get(), req);
    Recorder rec;
    rec.attach(&stream);
    stream.start();
    // Drive the retry waits by hand: each wait must be the one the policy promises.
    for (int guard = 0; guard < 10 && !stream.isFinished(); ++guard) {
        QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished() || clock.pendingCount() > 0, 20000);
        if (clock.pendingCount() > 0)
            clock.advance(clock.nextDueInMs());
    }
    QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished(), 20000);
    QCOMPARE(rec.finished, 1);
    QCOMPARE(clock.scheduledDelays(), delays);
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s) - before, requests);
    if (!pin.isEmpty())
        QCOMPARE(
            headerValue(m_sim.server()->lastRequestHeaders(u"/chat/completions"_s), "X-AnyRouter-Provider"),
            pin.toUtf8());

    if (completes) {
        QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
        QCOMPARE(stream.content(), expected);
        return;
    }
    QCOMPARE(int(stream.state()), int(ChatStream::State::Failed));
    QCOMPARE(ApiError::categoryName(stream.error().category()), category);
    QVERIFY(stream.content().isEmpty());
    QVERIFY(rec.deltas.isEmpty());
    const QString msg = stream.error().userMessage();
    QVERIFY(!msg.isEmpty());
    QVERIFY2(msg.contains(QString::number(stream.error().httpStatus())), qPrintable(msg));
    if (fault.startsWith("429;retry_after=30"))
        QVERIFY2(msg.contains(u"30 second"_s), qPrintable(msg));
}

void TestChatStream::splitUtf8()
{
    // The simulator writes this stream in tiny pieces that cut multi-byte sequences apart; the
    // text must come out exactly as the server meant it. The non-streamed reply under the same
    // fault is the oracle (its body is parsed whole, so splitting cannot affect it).
    const ChatRequest req = request(u"Unicode please: café, 日本, emoji [[tokens=300]]"_s);
    const QString expected = contentOf(referenceReply(req, "split-utf8"_ba));
    QVERIFY(!expected.isEmpty());
    QVERIFY2(expected.contains(u"é"_s), qPrintable(expected));
    QVERIFY2(expected.contains(u"日本"_s), qPrintable(expected));
    QVERIFY2(expected.contains(u"🚀"_s) || expected.contains(u"✨"_s), qPrintable(expected));

    auto client = makeClient();
    client->setExtraHeaders({{"X-Sim-Fault", "split-utf8"}});
    ChatStream stream(client.get(), req);
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(30000));
    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
    QCOMPARE(stream.content(), expected);
    QCOMPARE(rec.deltas.join(QString()), expected);
    QVERIFY(!stream.content().contains(QChar::ReplacementCharacter));
    QCOMPARE(stream.usage().completionTokens.value_or(-1), 300);
}

void TestChatStream::hugeLineIsBounded()
{
    const ChatRequest req = request(u"Huge line incoming [[tokens=20]]"_s);
    const QString full = contentOf(referenceReply(req));
    const qint64 rssBefore = peakRssKiB();

    auto client = makeClient();
    client->setExtraHeaders({{"X-Sim-Fault", "huge-line;after=2"}});
    ChatStream stream(client.get(), req);
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(30000));
    QCOMPARE(int(stream.state()), int(ChatStream::State::Failed));
    QCOMPARE(stream.error().category(), ApiError::Category::BadResponse);
    // The runaway line never became content; the two chunks before it are kept.
    QCOMPARE(int(rec.deltas.size()), 2);
    QVERIFY(full.startsWith(stream.content()));
    QVERIFY(stream.content().size() < 4096);

    const qint64 rssAfter = peakRssKiB();
    if (rssBefore > 0 && rssAfter > 0) {
        // The simulator (same process) builds the 10 MB line too; the client side must not add
        // several copies of it (bytes + parser buffer + UTF-16 text + content) on top.
        const qint64 growthMiB = (rssAfter - rssBefore) / 1024;
        qInfo("peak RSS growth during huge-line: %lld MiB", growthMiB);
        QVERIFY2(growthMiB < 96, qPrintable(QString::number(growthMiB)));
    }
}

void TestChatStream::slowDrip()
{
    const ChatRequest req = request(u"Drip drip [[tokens=4]]"_s);
    const QString expected = contentOf(referenceReply(req));
    QVERIFY(!expected.isEmpty());
    auto client = makeClient();
    client->setExtraHeaders({{"X-Sim-Fault", "slow-drip"}});
    ChatStream stream(client.get(), req);
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(60000));
    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
    QCOMPARE(stream.content(), expected);
    QCOMPARE(int(rec.deltas.size()), 4);
    QVERIFY(stream.usage().cost.has_value());
}

void TestChatStream::abortWhileStreaming()
{
    m_sim.server()->config().tokensPerSecond = 40;
    auto client = makeClient();
    ChatStream stream(client.get(), request(u"A slow answer [[tokens=200]]"_s));
    Recorder rec;
    rec.attach(&stream);
    QSignalSpy finished(&stream, &ChatStream::finished);
    QSignalSpy content(&stream, &ChatStream::contentReceived);
    stream.start();
    QVERIFY(content.wait(10000));
    QTRY_VERIFY(rec.deltas.size() >= 2);
    QCOMPARE(int(stream.state()), int(ChatStream::State::Streaming));

    stream.abort();
    // Immediate: the state and the signal are there before control returns to the event loop.
    QCOMPARE(int(stream.state()), int(ChatStream::State::Cancelled));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(stream.error().category(), ApiError::Category::Cancelled);
    const QString kept = stream.content();
    QVERIFY(!kept.isEmpty());
    const qsizetype deltasAtAbort = rec.deltas.size();

    // Nothing more arrives, though the server would have kept streaming for seconds.
    QVERIFY(!content.wait(300));
    QCOMPARE(rec.deltas.size(), deltasAtAbort);
    QCOMPARE(stream.content(), kept);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(rec.deltasAfterFinish, 0);
    stream.abort(); // idempotent
    QCOMPARE(finished.count(), 1);
    QCOMPARE(int(stream.state()), int(ChatStream::State::Cancelled));
}

void TestChatStream::abortBeforeFirstByte()
{
    m_sim.server()->config().ttftMs = 3000;
    auto client = makeClient();
    ChatStream stream(client.get(), request(u"Never mind [[tokens=5]]"_s));
    QSignalSpy finished(&stream, &ChatStream::finished);
    QSignalSpy content(&stream, &ChatStream::contentReceived);
    stream.start();
    QTRY_COMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), 1);
    stream.abort();
    QCOMPARE(int(stream.state()), int(ChatStream::State::Cancelled));
    QCOMPARE(finished.count(), 1);
    QVERIFY(stream.content().isEmpty());
    QVERIFY(!stream.ttftMs().has_value());
    QVERIFY(!content.wait(200));
    QCOMPARE(finished.count(), 1);
}

void TestChatStream::abortDuringRetryWait()
{
    ManualClock clock;
    auto client = makeClient(&clock);
    client->setExtraHeaders({{"X-Sim-Fault", "503"}});
    ChatStream stream(client.get(), request(u"Retry then stop [[tokens=5]]"_s));
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QTRY_COMPARE(clock.pendingCount(), 1);
    QCOMPARE(int(stream.state()), int(ChatStream::State::Connecting));
    stream.abort();
    QCOMPARE(int(stream.state()), int(ChatStream::State::Cancelled));
    QCOMPARE(finished.count(), 1);
    clock.advance(60000); // the pending retry must not send anything now
    QCOMPARE(int(stream.state()), int(ChatStream::State::Cancelled));
    QVERIFY(!finished.wait(200));
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), 1);
}

static quint16 deadPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort(); // closed on return: nothing listens there any more
}

void TestChatStream::connectionRefused()
{
    const quint16 port = deadPort();
    QVERIFY(port);
    ManualClock clock;
    auto client = makeClient(&clock);
    client->setBaseUrl(QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(port)));
    ChatStream stream(client.get(), request(u"anyone there?"_s));
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    // Nothing was delivered, so reconnecting is safe: twice, after 300 and 600 ms.
    for (int i = 0; i < 2; ++i) {
        QTRY_COMPARE(clock.pendingCount(), 1);
        QVERIFY(!stream.isFinished());
        clock.advance(clock.nextDueInMs());
    }
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(clock.scheduledDelays(), (QList<qint64>{300, 600}));
    QCOMPARE(int(stream.state()), int(ChatStream::State::Failed));
    QCOMPARE(stream.error().category(), ApiError::Category::Network);
    QVERIFY(!stream.error().userMessage().isEmpty());
    QVERIFY(stream.content().isEmpty());
}

void TestChatStream::abortDuringReconnectWait()
{
    const quint16 port = deadPort();
    QVERIFY(port);
    ManualClock clock;
    auto client = makeClient(&clock);
    client->setBaseUrl(QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(port)));
    ChatStream stream(client.get(), request(u"anyone there?"_s));
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QTRY_COMPARE(clock.pendingCount(), 1);
    stream.abort();
    QCOMPARE(int(stream.state()), int(ChatStream::State::Cancelled));
    QCOMPARE(finished.count(), 1);
    clock.advance(60000); // the scheduled reconnect must notice the abort
    QCOMPARE(int(stream.state()), int(ChatStream::State::Cancelled));
    QVERIFY(!finished.wait(200));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(clock.pendingCount(), 0);
}

QTEST_GUILESS_MAIN(TestChatStream)
#include "TestChatStream.moc"
