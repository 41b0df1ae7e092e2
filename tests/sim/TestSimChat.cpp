// Tests of the simulator's POST /chat/completions: the non-streamed body, the SSE wire format in
// both framings (checked byte by byte), token counts, usage and cost, reasoning, stop sequences,
// provider routing, billing and the /generation record a chat leaves behind.
#include "ApiCaller.h"
#include "RawHttpClient.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace anyrouter;
using namespace anyrouter::test;

namespace {

struct StreamResult
{
    RawHttpResponse response;
    QList<SseEvent> events;
    bool sseWellFormed = false;
    QList<QJsonObject> chunks; // data events with choices (not the usage chunk)
    QJsonObject usageChunk;
    QString content;
    QString reasoning;
    int contentChunks = 0;
    int reasoningChunks = 0;
    bool done = false;
    bool doneIsLast = false;
    QString lastFinish;
};

StreamResult analyse(const RawHttpResponse& r)
{
    StreamResult s;
    s.response = r;
    s.sseWellFormed = parseSse(r.body, &s.events);
    for (qsizetype i = 0; i < s.events.size(); ++i) {
        const SseEvent& ev = s.events.at(i);
        if (ev.dataLines.isEmpty())
            continue;
        if (ev.data() == "[DONE]") {
            s.done = true;
            s.doneIsLast = i == s.events.size() - 1;
            continue;
        }
        const QJsonObject o = QJsonDocument::fromJson(ev.data()).object();
        const QJsonArray choices = o.value(u"choices"_s).toArray();
        if (choices.isEmpty() && o.contains(u"usage"_s)) {
            s.usageChunk = o;
            continue;
        }
        s.chunks.append(o);
        const QJsonObject choice = choices.at(0).toObject();
        const QJsonObject delta = choice.value(u"delta"_s).toObject();
        if (delta.contains(u"content"_s)) {
            ++s.contentChunks;
            s.content += delta.value(u"content"_s).toString();
        }
        if (delta.contains(u"reasoning"_s)) {
            ++s.reasoningChunks;
            s.reasoning += delta.value(u"reasoning"_s).toString();
        }
        if (choice.value(u"finish_reason"_s).isString())
            s.lastFinish = choice.value(u"finish_reason"_s).toString();
    }
    return s;
}

QByteArray chatRequest(const QJsonObject& body, const QString& key = sim::fullKey(),
                       QList<QPair<QByteArray, QByteArray>> headers = {})
{
    headers.prepend({"Authorization"_ba, "Bearer "_ba + key.toUtf8()});
    return RawHttpClient::request("POST"_ba, "/api/v1/chat/completions"_ba,
                                  QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

QJsonObject usageOf(const QJsonObject& o)
{
    return o.value(u"usage"_s).toObject();
}

} // namespace

class TestSimChat : public QObject
{
    Q_OBJECT

private:
    SimFixture m_sim;

    StreamResult stream(const QJsonObject& body, QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        return analyse(
            RawHttpClient::fetch(m_sim.port(), chatRequest(body, sim::fullKey(), std::move(headers))));
    }

private slots:
    void initTestCase() { initHermeticEnvironment(); }

    void init() { QVERIFY(m_sim.start(SimFixture::fastConfig())); }

    void cleanup() { m_sim.stop(); }

    void nonStreamed()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const double before = m_sim.server()->balance();
        const ApiResult r = api.post(u"/chat/completions"_s,
                                     chatBody(u"anthropic/claude-sonnet-4.6"_s, u"What does a router do?"_s));
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("application/json"));
        const QJsonObject o = r.object();
        const QString id = o.value(u"id"_s).toString();
        QVERIFY(id.startsWith(u"gen-"_s) || id.startsWith(u"chatcmpl-"_s));
        QCOMPARE(QString::fromUtf8(r.header("x-generation-id")), id);
        QCOMPARE(o.value(u"object"_s).toString(), u"chat.completion"_s);
        QCOMPARE(o.value(u"model"_s).toString(), u"anthropic/claude-sonnet-4.6"_s);
        QVERIFY(o.value(u"created"_s).toInteger() > 1'700'000'000);
        QVERIFY(!o.value(u"provider"_s).toString().isEmpty());
        const QJsonObject choice = o.value(u"choices"_s).toArray().at(0).toObject();
        QCOMPARE(choice.value(u"message"_s).toObject().value(u"role"_s).toString(), u"assistant"_s);
        const QString content = choice.value(u"message"_s).toObject().value(u"content"_s).toString();
        QVERIFY(!content.isEmpty());
        QCOMPARE(choice.value(u"finish_reason"_s).toString(), u"stop"_s);

        const QJsonObject usage = usageOf(o);
        const qint64 prompt = usage.value(u"prompt_tokens"_s).toInteger();
        const qint64 completion = usage.value(u"completion_tokens"_s).toInteger();
        QCOMPARE(prompt, qint64((QStringLiteral("What does a router do?").size() + 3) / 4));
        QVERIFY(completion >= 40 && completion <= 400);
        QCOMPARE(usage.value(u"total_tokens"_s).toInteger(), prompt + completion);
        QVERIFY(usage.value(u"prompt_tokens_details"_s).toObject().contains(u"cached_tokens"_s));
        QVERIFY(usage.value(u"completion_tokens_details"_s).toObject().contains(u"reasoning_tokens"_s));
        // Sonnet 4.6 is $3 / $15 per million tokens.
        const double expected = prompt * 3e-6 + completion * 15e-6;
        QVERIFY2(qAbs(usage.value(u"cost"_s).toDouble() - expected) < 1e-9,
                 qPrintable(QString::number(usage.value(u"cost"_s).toDouble())));
        QVERIFY(qAbs(before - m_sim.server()->balance() - expected) < 1e-9);
    }

    void streamedTokenCount_data()
    {
        QTest::addColumn<int>("tokens");
        QTest::newRow("1") << 1;
        QTest::newRow("7") << 7;
        QTest::newRow("250") << 250;
        QTest::newRow("3000") << 3000;
    }

    void streamedTokenCount()
    {
        QFETCH(int, tokens);
        const StreamResult s = stream(chatBody(
            u"openai/gpt-5.4-mini"_s, u"Count for me [[tokens="_s + QString::number(tokens) + u"]]"_s, true));
        QCOMPARE(s.response.status, 200);
        QVERIFY(s.sseWellFormed);
        QCOMPARE(s.contentChunks, tokens);
        QCOMPARE(usageOf(s.usageChunk).value(u"completion_tokens"_s).toInt(), tokens);
        QCOMPARE(s.lastFinish, u"stop"_s);
        QVERIFY(s.done && s.doneIsLast);
    }

    void maxTokensCapsLength()
    {
        QJsonObject body = chatBody(u"openai/gpt-5.4-mini"_s, u"Long please [[tokens=50]]"_s, true);
        body.insert(u"max_tokens"_s, 10);
        const StreamResult s = stream(body);
        QCOMPARE(s.contentChunks, 10);
        QCOMPARE(s.lastFinish, u"length"_s);
        body.insert(u"stream"_s, false);
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r = api.post(u"/chat/completions"_s, body);
        QCOMPARE(
            r.object().value(u"choices"_s).toArray().at(0).toObject().value(u"finish_reason"_s).toString(),
            u"length"_s);
        QCOMPARE(usageOf(r.object()).value(u"completion_tokens"_s).toInt(), 10);
    }

    void streamFraming_data()
    {
        QTest::addColumn<sim::StreamFraming>("framing");
        QTest::newRow("chunked") << sim::StreamFraming::Chunked;
        QTest::newRow("close-delimited") << sim::StreamFraming::CloseDelimited;
    }

    void streamFraming()
    {
        QFETCH(sim::StreamFraming, framing);
        m_sim.server()->config().framing = framing;
        RawHttpClient client(m_sim.port());
        QVERIFY(client.connectToServer());
        client.send(chatRequest(chatBody(u"anthropic/claude-sonnet-4.6"_s, u"Hello [[tokens=20]]"_s, true)));
        RawHttpResponse r;
        QVERIFY(client.readResponse(&r));
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("content-type").startsWith("text/event-stream"));
        QVERIFY(!r.hasContentLength);
        if (framing == sim::StreamFraming::Chunked) {
            QVERIFY(r.chunked);
            QCOMPARE(r.header("connection"), "keep-alive"_ba);
            QVERIFY(client.isConnected()); // the connection stays usable
        } else {
            QVERIFY(!r.chunked);
            QCOMPARE(r.header("connection"), "close"_ba);
            QVERIFY(client.waitForDisconnected());
        }
        // Strict SSE: every event is followed by a blank line, the stream ends with [DONE].
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
        const StreamResult s = analyse(r);
        QVERIFY(s.sseWellFormed);
        QVERIFY(s.done && s.doneIsLast);
        QCOMPARE(s.contentChunks, 20);
        for (const SseEvent& ev : s.events)
            QCOMPARE(ev.dataLines.size(), 1);
        // First chunk carries the role; every chunk carries id, model, created, provider.
        const QJsonObject first = s.chunks.first();
        QCOMPARE(first.value(u"choices"_s)
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"delta"_s)
                     .toObject()
                     .value(u"role"_s),
                 QJsonValue(u"assistant"_s));
        const QString id = first.value(u"id"_s).toString();
        for (const QJsonObject& c : s.chunks) {
            QCOMPARE(c.value(u"id"_s).toString(), id);
            QCOMPARE(c.value(u"object"_s).toString(), u"chat.completion.chunk"_s);
            QCOMPARE(c.value(u"model"_s).toString(), u"anthropic/claude-sonnet-4.6"_s);
            QVERIFY(c.value(u"created"_s).toInteger() > 0);
            QVERIFY(!c.value(u"provider"_s).toString().isEmpty());
        }
        // finish_reason only on the last content chunk.
        for (qsizetype i = 0; i + 1 < s.chunks.size(); ++i)
            QVERIFY(s.chunks.at(i)
                        .value(u"choices"_s)
                        .toArray()
                        .at(0)
                        .toObject()
                        .value(u"finish_reason"_s)
                        .isNull());
        QCOMPARE(s.lastFinish, u"stop"_s);
        // Usage chunk: empty choices, then all usage fields.
        QCOMPARE(s.usageChunk.value(u"id"_s).toString(), id);
        QVERIFY(s.usageChunk.value(u"choices"_s).isArray());
        const QJsonObject u = usageOf(s.usageChunk);
        for (const QString& k : {u"prompt_tokens"_s, u"completion_tokens"_s, u"total_tokens"_s, u"cost"_s})
            QVERIFY2(u.value(k).isDouble(), qPrintable(k));
        QVERIFY(u.value(u"prompt_tokens_details"_s).toObject().value(u"cached_tokens"_s).isDouble());
        QVERIFY(u.value(u"completion_tokens_details"_s).toObject().value(u"reasoning_tokens"_s).isDouble());
        QCOMPARE(QString::fromUtf8(r.header("x-generation-id")), id);
    }

    void qnamReadsBothFramings_data() { streamFraming_data(); }

    void qnamReadsBothFramings()
    {
        QFETCH(sim::StreamFraming, framing);
        m_sim.server()->config().framing = framing;
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r =
            api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-nano"_s, u"Hi [[tokens=30]]"_s, true));
        QCOMPARE(r.error, QNetworkReply::NoError);
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.endsWith("data: [DONE]\n\n"));
        QList<SseEvent> events;
        QVERIFY(parseSse(r.body, &events));
        QCOMPARE(events.size(), 30 + 2);
    }

    void keepAliveComment()
    {
        m_sim.server()->config().keepAliveMs = 10;
        m_sim.server()->config().ttftMs = 60;
        const StreamResult s = stream(chatBody(u"openai/gpt-5.4-mini"_s, u"Hi [[tokens=3]]"_s, true));
        QVERIFY(s.sseWellFormed);
        QVERIFY(!s.events.isEmpty());
        QCOMPARE(s.events.first().comments, QList<QByteArray>{"keep-alive"_ba});
        QVERIFY(s.events.first().dataLines.isEmpty());
        int comments = 0;
        for (const SseEvent& ev : s.events)
            comments += int(ev.comments.size());
        QVERIFY2(comments >= 2, "expected periodic keep-alives during the 60 ms before the first token");
        QCOMPARE(s.contentChunks, 3);
    }

    void deterministicReplies()
    {
        const QJsonObject a = chatBody(u"openai/gpt-5.4-mini"_s, u"Tell me about caching"_s, true);
        const QJsonObject b = chatBody(u"openai/gpt-5.4-mini"_s, u"Tell me about routing"_s, true);
        const StreamResult a1 = stream(a);
        const StreamResult a2 = stream(a);
        const StreamResult b1 = stream(b);
        QVERIFY(!a1.content.isEmpty());
        QCOMPARE(a1.content, a2.content);
        QVERIFY(a1.content != b1.content);
        QJsonObject seeded = a;
        seeded.insert(u"seed"_s, 7);
        QVERIFY(stream(seeded).content != a1.content);
    }

    void markdownAndUnicode()
    {
        const StreamResult s =
            stream(chatBody(u"openai/gpt-5.4-mini"_s, u"Write a lot [[tokens=3000]]"_s, true));
        QVERIFY(s.content.contains(u"```"_s));
        QVERIFY(s.content.contains(u"## "_s));
        QVERIFY(s.content.contains(u"\n- "_s) || s.content.contains(u"\n1. "_s));
        QVERIFY(s.content.contains(u"|---|"_s));
        const bool nonAscii =
            std::any_of(s.content.cbegin(), s.content.cend(), [](QChar c) { return c.unicode() > 0x7f; });
        QVERIFY(nonAscii);
        QVERIFY(!s.content.contains(QChar::ReplacementCharacter));
    }

    void reasoningStreamsFirst()
    {
        QJsonObject body = chatBody(u"anthropic/claude-sonnet-4.6"_s, u"Think [[tokens=10]]"_s, true);
        body.insert(u"reasoning"_s, QJsonObject{{u"effort"_s, u"low"_s}});
        const StreamResult s = stream(body);
        QVERIFY(s.reasoningChunks > 0);
        QVERIFY(!s.reasoning.isEmpty());
        QCOMPARE(s.contentChunks, 10);
        // All reasoning pieces come before the first content piece.
        bool seenContent = false;
        for (const QJsonObject& c : s.chunks) {
            const QJsonObject delta =
                c.value(u"choices"_s).toArray().at(0).toObject().value(u"delta"_s).toObject();
            if (delta.contains(u"content"_s))
                seenContent = true;
            if (delta.contains(u"reasoning"_s))
                QVERIFY(!seenContent);
        }
        const QJsonObject u = usageOf(s.usageChunk);
        QCOMPARE(u.value(u"completion_tokens_details"_s).toObject().value(u"reasoning_tokens"_s).toInt(),
                 s.reasoningChunks);
        QCOMPARE(u.value(u"completion_tokens"_s).toInt(), 10 + s.reasoningChunks);

        // exclude: counted but not shown.
        body.insert(u"reasoning"_s, QJsonObject{{u"exclude"_s, true}});
        const StreamResult hidden = stream(body);
        QCOMPARE(hidden.reasoningChunks, 0);
        QVERIFY(usageOf(hidden.usageChunk)
                    .value(u"completion_tokens_details"_s)
                    .toObject()
                    .value(u"reasoning_tokens"_s)
                    .toInt() > 0);

        // A model without the reasoning capability never reasons.
        QJsonObject plain = chatBody(u"openai/gpt-5.4-nano"_s, u"Think [[tokens=5]]"_s, true);
        plain.insert(u"reasoning"_s, QJsonObject{{u"effort"_s, u"high"_s}});
        QCOMPARE(stream(plain).reasoningChunks, 0);
    }

    void stopSequence()
    {
        QJsonObject body = chatBody(u"openai/gpt-5.4-mini"_s, u"Stop test [[tokens=200]]"_s, true);
        const StreamResult full = stream(body);
        // Pick a word from the middle of the reply as the stop sequence.
        const QStringList words = full.content.split(u' ', Qt::SkipEmptyParts);
        QVERIFY(words.size() > 20);
        QString stopWord;
        for (qsizetype i = words.size() / 2; i < words.size() && stopWord.isEmpty(); ++i) {
            if (words.at(i).size() >= 4 && !words.at(i).contains(u'\n'))
                stopWord = words.at(i);
        }
        QVERIFY(!stopWord.isEmpty());
        body.insert(u"stop"_s, QJsonArray{stopWord});
        const StreamResult cut = stream(body);
        QCOMPARE(cut.lastFinish, u"stop"_s);
        QVERIFY(!cut.content.contains(stopWord));
        QVERIFY(full.content.startsWith(cut.content));
        QVERIFY(cut.contentChunks < 200);
        QVERIFY(cut.done);
    }

    void generationLookup()
    {
        const StreamResult s = stream(chatBody(u"anthropic/claude-haiku-4.5"_s, u"Hi [[tokens=12]]"_s, true));
        const QString id = s.chunks.first().value(u"id"_s).toString();
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        for (const QString& path : {QString(u"/generation/"_s + id), QString(u"/generation?id="_s + id)}) {
            const ApiResult r = api.get(path);
            QCOMPARE(r.status, 200);
            const QJsonObject g = r.object().value(u"data"_s).toObject();
            QCOMPARE(g.value(u"id"_s).toString(), id);
            QCOMPARE(g.value(u"model"_s).toString(), u"anthropic/claude-haiku-4.5"_s);
            QCOMPARE(g.value(u"tokens_completion"_s).toInt(), 12);
            QCOMPARE(g.value(u"tokens_prompt"_s).toInt(),
                     usageOf(s.usageChunk).value(u"prompt_tokens"_s).toInt());
            QCOMPARE(g.value(u"total_cost"_s).toDouble(), usageOf(s.usageChunk).value(u"cost"_s).toDouble());
            QCOMPARE(g.value(u"provider_name"_s).toString(),
                     s.chunks.first().value(u"provider"_s).toString());
            QCOMPARE(g.value(u"finish_reason"_s).toString(), u"stop"_s);
            QVERIFY(g.value(u"latency"_s).isDouble());
            QVERIFY(g.value(u"generation_time"_s).isDouble());
            QVERIFY(QDateTime::fromString(g.value(u"created_at"_s).toString(), Qt::ISODate).isValid());
        }
        const ApiResult missing = api.get(u"/generation/gen-nope"_s);
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.object().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"not_found_error"_s);
    }

    void chatErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        const QByteArray ok = R"({"model":"openai/gpt-5.4-mini","messages":[{"role":"user","content":"x"}]})";
        QTest::newRow("unknown model")
            << QByteArray(R"({"model":"nope/nothing","messages":[{"role":"user","content":"x"}]})")
            << sim::fullKey() << 404 << u"not_found_error"_s;
        QTest::newRow("no messages") << QByteArray(R"({"model":"openai/gpt-5.4-mini","messages":[]})")
                                     << sim::fullKey() << 400 << u"invalid_request_error"_s;
        QTest::newRow("no model") << QByteArray(R"({"messages":[{"role":"user","content":"x"}]})")
                                  << sim::fullKey() << 400 << u"invalid_request_error"_s;
        QTest::newRow("invalid json")
            << QByteArray("{not json") << sim::fullKey() << 400 << u"invalid_request_error"_s;
        QTest::newRow("temperature")
            << QByteArray(
                   R"({"model":"openai/gpt-5.4-mini","temperature":3,"messages":[{"role":"user","content":"x"}]})")
            << sim::fullKey() << 400 << u"invalid_request_error"_s;
        QTest::newRow("max_tokens")
            << QByteArray(
                   R"({"model":"openai/gpt-5.4-mini","max_tokens":0,"messages":[{"role":"user","content":"x"}]})")
            << sim::fullKey() << 400 << u"invalid_request_error"_s;
        QTest::newRow("embedding model")
            << QByteArray(
                   R"({"model":"openai/text-embedding-3-small","messages":[{"role":"user","content":"x"}]})")
            << sim::fullKey() << 400 << u"invalid_request_error"_s;
        QTest::newRow("management key") << ok << sim::managementKey() << 403 << u"permission_error"_s;
        QTest::newRow("bad key") << ok << u"sk-ar-v1-wrong"_s << 401 << u"authentication_error"_s;
        QTest::newRow("inference key ok") << ok << sim::inferenceKey() << 200 << QString();
    }

    void chatErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, key);
        QFETCH(int, status);
        QFETCH(QString, type);
        ApiCaller api(m_sim.baseUrl(), key);
        const ApiResult r = api.call("POST", u"/chat/completions"_s, body);
        QCOMPARE(r.status, status);
        if (!type.isEmpty()) {
            const QJsonObject e = r.object().value(u"error"_s).toObject();
            QCOMPARE(e.value(u"type"_s).toString(), type);
            QVERIFY(!e.value(u"message"_s).toString().isEmpty());
            QVERIFY(e.contains(u"code"_s));
            QVERIFY(e.contains(u"param"_s));
        }
    }

    void providerRouting_data()
    {
        QTest::addColumn<QByteArray>("pin");
        QTest::addColumn<QJsonObject>("provider");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("servedBy");
        QTest::newRow("default") << QByteArray() << QJsonObject() << 200 << u"Anthropic"_s;
        QTest::newRow("pin slug") << "amazon-bedrock"_ba << QJsonObject() << 200 << u"Amazon Bedrock"_s;
        QTest::newRow("pin display name") << "Google Vertex"_ba << QJsonObject() << 200 << u"Google Vertex"_s;
        QTest::newRow("pin foreign") << "groq"_ba << QJsonObject() << 400 << QString();
        QTest::newRow("only") << QByteArray() << QJsonObject{{u"only"_s, QJsonArray{u"google-vertex"_s}}}
                              << 200 << u"Google Vertex"_s;
        QTest::newRow("ignore") << QByteArray() << QJsonObject{{u"ignore"_s, QJsonArray{u"Anthropic"_s}}}
                                << 200 << u"Amazon Bedrock"_s;
        QTest::newRow("order") << QByteArray()
                               << QJsonObject{{u"order"_s, QJsonArray{u"google-vertex"_s, u"anthropic"_s}}}
                               << 200 << u"Google Vertex"_s;
        QTest::newRow("only none left")
            << QByteArray() << QJsonObject{{u"only"_s, QJsonArray{u"groq"_s}}} << 404 << QString();
        QTest::newRow("max_price") << QByteArray()
                                   << QJsonObject{{u"max_price"_s, QJsonObject{{u"prompt"_s, u"1.00"_s}}}}
                                   << 404 << QString();
    }

    void providerRouting()
    {
        QFETCH(QByteArray, pin);
        QFETCH(QJsonObject, provider);
        QFETCH(int, status);
        QFETCH(QString, servedBy);
        QJsonObject body = chatBody(u"anthropic/claude-sonnet-4.6"_s, u"Route me [[tokens=2]]"_s);
        if (!provider.isEmpty())
            body.insert(u"provider"_s, provider);
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!pin.isEmpty())
            headers.append({"X-AnyRouter-Provider"_ba, pin});
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r = api.post(u"/chat/completions"_s, body, headers);
        QCOMPARE(r.status, status);
        if (status == 200)
            QCOMPARE(r.object().value(u"provider"_s).toString(), servedBy);
        else
            QVERIFY(r.object().value(u"error"_s).isObject());
    }

    void insufficientCredits()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        m_sim.server()->setBalance(0.0);
        const ApiResult r = api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s));
        QCOMPARE(r.status, 402);
        QCOMPARE(r.object().value(u"error"_s).toObject().value(u"code"_s).toString(),
                 u"insufficient_credits"_s);
        m_sim.server()->setBalance(1.0);
        QCOMPARE(api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s)).status, 200);
        QVERIFY(m_sim.server()->balance() < 1.0);
    }

    void promptCaching()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const QString longText = QString(u"The context that stays the same. "_s).repeated(100);
        QJsonArray messages{QJsonObject{{u"role"_s, u"system"_s}, {u"content"_s, longText}},
                            QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"First question"_s}}};
        QJsonObject body{{u"model"_s, u"openai/gpt-5.4-mini"_s}, {u"messages"_s, messages}};
        const ApiResult first = api.post(u"/chat/completions"_s, body);
        QCOMPARE(usageOf(first.object())
                     .value(u"prompt_tokens_details"_s)
                     .toObject()
                     .value(u"cached_tokens"_s)
                     .toInt(),
                 0);
        messages.append(QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"An answer"_s}});
        messages.append(QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"Follow-up"_s}});
        body.insert(u"messages"_s, messages);
        const ApiResult second = api.post(u"/chat/completions"_s, body);
        const QJsonObject usage = usageOf(second.object());
        const int cached =
            usage.value(u"prompt_tokens_details"_s).toObject().value(u"cached_tokens"_s).toInt();
        QVERIFY(cached >= longText.size() / 4);
        QVERIFY(cached < usage.value(u"prompt_tokens"_s).toInt());
        // Cached tokens are billed at the cache-read price ($0.025/M instead of $0.25/M).
        const int prompt = usage.value(u"prompt_tokens"_s).toInt();
        const int completion = usage.value(u"completion_tokens"_s).toInt();
        const double expected = (prompt - cached) * 0.25e-6 + cached * 0.025e-6 + completion * 2.0e-6;
        QVERIFY(qAbs(usage.value(u"cost"_s).toDouble() - expected) < 1e-9);
    }

    void pacing()
    {
        m_sim.server()->config().tokensPerSecond = 200;
        m_sim.server()->config().ttftMs = 100;
        QElapsedTimer t;
        t.start();
        const StreamResult s = stream(chatBody(u"openai/gpt-5.4-mini"_s, u"Pace [[tokens=40]]"_s, true));
        const qint64 ms = t.elapsed();
        QCOMPARE(s.contentChunks, 40);
        // 100 ms to the first token, then 39 more at 200/s (~195 ms).
        QVERIFY2(ms >= 250, qPrintable(QString::number(ms)));
        QVERIFY2(ms < 5000, qPrintable(QString::number(ms)));
    }

    void requestHooks()
    {
        QSignalSpy served(m_sim.server(), &sim::SimServer::requestServed);
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r = api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hook"_s),
                                     {{"X-AnyRouter-Title"_ba, "QtClient"_ba}});
        QCOMPARE(r.status, 200);
        QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), 1);
        QCOMPARE(m_sim.server()->requestCount(u"/api/v1/chat"_s), 1);
        QCOMPARE(m_sim.server()->requestCount(u"/models"_s), 0);
        QVERIFY(m_sim.server()->lastRequestBody(u"/chat/completions"_s).contains("Hook"));
        bool sawTitle = false;
        for (const auto& h : m_sim.server()->lastRequestHeaders(u"/api/v1/chat/completions"_s))
            sawTitle = sawTitle || (h.first.compare("x-anyrouter-title", Qt::CaseInsensitive) == 0 &&
                                    h.second == "QtClient");
        QVERIFY(sawTitle);
        QTRY_COMPARE(served.size(), 1);
        QCOMPARE(served.at(0).at(0).toString(), u"POST"_s);
        QCOMPARE(served.at(0).at(1).toString(), u"/api/v1/chat/completions"_s);
        QCOMPARE(served.at(0).at(2).toInt(), 200);
    }
};

QTEST_GUILESS_MAIN(TestSimChat)
#include "TestSimChat.moc"
