// Tests of SseParser against the WHATWG event-stream rules. Every table case is fed whole, byte by
// byte and in many seeded random splits, and must give the same events every time.
#include "core/api/ChatChunk.h"
#include "core/api/SseParser.h"

#include "TestSupport.h"

#include <QRandomGenerator>
#include <QTest>

#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// Readable, exact rendering of bytes (so a failing QCOMPARE shows CR, LF, NUL and UTF-8 bytes).
QString escaped(const QByteArray& bytes)
{
    QString s;
    for (const char ch : bytes) {
        const auto c = uchar(ch);
        if (c == '\n')
            s += u"\\n"_s;
        else if (c == '\r')
            s += u"\\r"_s;
        else if (c == '\\')
            s += u"\\\\"_s;
        else if (c < 0x20 || c >= 0x7F)
            s += u"\\x%1"_s.arg(c, 2, 16, QLatin1Char('0'));
        else
            s += QLatin1Char(ch);
    }
    return s;
}

QString render(QByteArrayView type, QByteArrayView data, QByteArrayView id)
{
    return u"%1|%2|%3"_s.arg(escaped(type.toByteArray()), escaped(data.toByteArray()),
                             escaped(id.toByteArray()));
}

QString render(const SseEvent& e)
{
    return render(e.type, e.data, e.id);
}

struct FeedResult
{
    QStringList events;
    bool ok = true;
    QByteArray lastEventId;
    int retry = -1;
};

enum class Api
{
    Copies,
    Views
};

// Feeds the chunks through feed() (SseEvent copies) or feedViews() (zero-copy views). Each chunk
// is a fresh heap copy that is destroyed right after its feed, so a view kept too long reads freed
// memory (visible under AddressSanitizer) or, at least, different bytes.
FeedResult feedChunks(const QList<QByteArrayView>& chunks, Api api = Api::Copies)
{
    SseParser parser;
    FeedResult r;
    const SseParser::EventHandler handler = [&r](const SseEvent& e) { r.events << render(e); };
    const auto viewHandler = [&r](const SseEventView& e) { r.events << render(e.type, e.data, e.id); };
    for (const QByteArrayView chunk : chunks) {
        QByteArray copy = chunk.toByteArray();
        const bool ok = api == Api::Copies ? parser.feed(copy, handler) : parser.feedViews(copy, viewHandler);
        copy.fill('#');
        if (!ok)
            r.ok = false;
    }
    r.lastEventId = parser.lastEventId();
    r.retry = parser.retryMs().value_or(-1);
    return r;
}

QList<QByteArrayView> randomSplit(const QByteArray& input, QRandomGenerator& rng)
{
    QList<QByteArrayView> chunks;
    qsizetype pos = 0;
    while (pos < input.size()) {
        // Mostly small pieces (to hit every boundary), sometimes large ones; empty feeds too.
        const int kind = rng.bounded(10);
        qsizetype n = kind < 6 ? rng.bounded(1, 5) : kind < 9 ? rng.bounded(1, 40) : rng.bounded(0, 2);
        n = std::min(n, input.size() - pos);
        chunks << QByteArrayView(input.constData() + pos, n);
        pos += n;
    }
    return chunks;
}

QByteArray realChatStream()
{
    // The reference's example stream (anyrouter-api.md, "SSE stream").
    return QByteArrayLiteral(
        ": keep-alive\n"
        "\n"
        "data: "
        "{\"id\":\"chatcmpl-test0002\",\"object\":\"chat.completion.chunk\",\"created\":1767225601,\"model\":"
        "\"anthropic/"
        "claude-sonnet-4.6\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
        "\"It \"},\"finish_reason\":null}]}\n"
        "\n"
        "data: "
        "{\"id\":\"chatcmpl-test0002\",\"object\":\"chat.completion.chunk\",\"created\":1767225601,\"model\":"
        "\"anthropic/claude-sonnet-4.6\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"forwards "
        "traffic.\"},\"finish_reason\":\"stop\"}]}\n"
        "\n"
        "data: "
        "{\"id\":\"chatcmpl-test0002\",\"object\":\"chat.completion.chunk\",\"created\":1767225601,\"model\":"
        "\"anthropic/"
        "claude-sonnet-4.6\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":5,"
        "\"total_tokens\":26,\"cost\":0.000138}}\n"
        "\n"
        "data: [DONE]\n"
        "\n");
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }

    void parse_data();
    void parse();
    void crAtChunkEndThenLf();
    void lineTooLong_data();
    void lineTooLong();
    void eventTooLarge();
    void errorIsStickyUntilReset();
    void handlerMayKeepEvents();
    void viewsPointIntoFedBytes();
    void realChatStreamDecodes();
};

void TestSseParser::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<QByteArray>("lastEventId");
    QTest::addColumn<int>("retry");

    const QByteArray none;
    QTest::newRow("lf") << "data: hello\n\n"_ba << QStringList{u"message|hello|"_s} << none << -1;
    QTest::newRow("crlf") << "data: hello\r\n\r\n"_ba << QStringList{u"message|hello|"_s} << none << -1;
    QTest::newRow("cr") << "data: hello\r\r"_ba << QStringList{u"message|hello|"_s} << none << -1;
    QTest::newRow("mixed terminators")
        << "data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\n\rdata: e\n\n"_ba
        << QStringList{u"message|a\\nb\\nc|"_s, u"message|d|"_s, u"message|e|"_s} << none << -1;
    QTest::newRow("crlf crlf is two lines, lf cr is two lines")
        << "data: x\r\n\r\ndata: y\n\rdata: z\n\n"_ba
        << QStringList{u"message|x|"_s, u"message|y|"_s, u"message|z|"_s} << none << -1;
    QTest::newRow("cr cr lf") << "data: x\r\r\n"_ba << QStringList{u"message|x|"_s} << none << -1;
    QTest::newRow("two events") << "data: a\n\ndata: b\n\n"_ba
                                << QStringList{u"message|a|"_s, u"message|b|"_s} << none << -1;
    QTest::newRow("multi-line data") << "data: one\ndata: two\ndata:three\n\n"_ba
                                     << QStringList{u"message|one\\ntwo\\nthree|"_s} << none << -1;
    QTest::newRow("only one space removed")
        << "data:  two spaces\ndata:\ttab\n\n"_ba << QStringList{u"message| two spaces\\n\\x09tab|"_s} << none
        << -1;
    QTest::newRow("colon in value") << "data: a:b: c\n\n"_ba << QStringList{u"message|a:b: c|"_s} << none
                                    << -1;
    QTest::newRow("empty data line dispatches empty data")
        << "data:\n\ndata\n\ndata: \n\n"_ba << QStringList{u"message||"_s, u"message||"_s, u"message||"_s}
        << none << -1;
    QTest::newRow("empty data lines join")
        << "data\ndata\n\n"_ba << QStringList{u"message|\\n|"_s} << none << -1;
    QTest::newRow("data keeps trailing empty line")
        << "data: a\ndata:\n\n"_ba << QStringList{u"message|a\\n|"_s} << none << -1;
    QTest::newRow("blank lines without data do not dispatch")
        << "\n\n\r\n\r\r\n"_ba << QStringList{} << none << -1;
    QTest::newRow("event type") << "event: delta\ndata: x\n\ndata: y\n\n"_ba
                                << QStringList{u"delta|x|"_s, u"message|y|"_s} << none << -1;
    QTest::newRow("event type reset by blank line without data")
        << "event: ping\n\ndata: x\n\n"_ba << QStringList{u"message|x|"_s} << none << -1;
    QTest::newRow("event without colon means empty type")
        << "event: a\nevent\ndata: x\n\n"_ba << QStringList{u"message|x|"_s} << none << -1;
    QTest::newRow("last event type wins")
        << "event: a\nevent: b\ndata: x\n\n"_ba << QStringList{u"b|x|"_s} << none << -1;
    QTest::newRow("id persists across events")
        << "id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n"_ba
        << QStringList{u"message|a|7"_s, u"message|b|7"_s, u"message|c|8"_s} << "8"_ba << -1;
    QTest::newRow("empty id resets") << "id: 7\ndata: a\n\nid\ndata: b\n\n"_ba
                                     << QStringList{u"message|a|7"_s, u"message|b|"_s} << QByteArray() << -1;
    static const char withNul[] = "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n";
    QTest::newRow("id with NUL ignored") << QByteArray(withNul, sizeof(withNul) - 1)
                                         << QStringList{u"message|a|1"_s, u"message|b|1"_s} << "1"_ba << -1;
    QTest::newRow("id applies at dispatch even without data")
        << "id: 5\n\n"_ba << QStringList{} << "5"_ba << -1;
    QTest::newRow("id of unfinished event not applied")
        << "id: 5\ndata: a\n\nid: 6\ndata: b\n"_ba << QStringList{u"message|a|5"_s} << "5"_ba << -1;
    QTest::newRow("retry") << "retry: 1500\n\n"_ba << QStringList{} << none << 1500;
    QTest::newRow("retry without space")
        << "retry:250\ndata: x\n\n"_ba << QStringList{u"message|x|"_s} << none << 250;
    QTest::newRow("retry not digits ignored")
        << "retry: 100\nretry: 12a\nretry: -5\nretry:  7\nretry\n"_ba << QStringList{} << none << 100;
    QTest::newRow("retry last valid wins") << "retry: 100\nretry: 0\n"_ba << QStringList{} << none << 0;
    QTest::newRow("retry saturates") << "retry: 99999999999999999999\n"_ba << QStringList{} << none
                                     << int(std::numeric_limits<int>::max());
    QTest::newRow("comments ignored") << ": keep-alive\n:\ndata: a\n: OPENROUTER PROCESSING\ndata: b\n\n"_ba
                                      << QStringList{u"message|a\\nb|"_s} << none << -1;
    QTest::newRow("comment-only stream") << ": one\r\n: two\r\n\r\n"_ba << QStringList{} << none << -1;
    QTest::newRow("unknown fields ignored") << "foo: bar\ndat: x\nDATA: y\ndata : z\ndata: ok\n\n"_ba
                                            << QStringList{u"message|ok|"_s} << none << -1;
    QTest::newRow("unterminated event not dispatched")
        << "data: a\n\ndata: b\n"_ba << QStringList{u"message|a|"_s} << none << -1;
    QTest::newRow("unterminated line not dispatched")
        << "data: a\n\ndata: b"_ba << QStringList{u"message|a|"_s} << none << -1;
    QTest::newRow("bom skipped") << "\xEF\xBB\xBF"
                                    "data: a\n\n"_ba
                                 << QStringList{u"message|a|"_s} << none << -1;
    QTest::newRow("bom then blank line")
        << "\xEF\xBB\xBF\ndata: a\n\n"_ba << QStringList{u"message|a|"_s} << none << -1;
    QTest::newRow("only one bom skipped") << "\xEF\xBB\xBF\xEF\xBB\xBF"
                                             "data: a\n\ndata: b\n\n"_ba
                                          << QStringList{u"message|b|"_s} << none << -1;
    QTest::newRow("partial bom is content") << "\xEF\xBB"
                                               "data: a\n\ndata: b\n\n"_ba
                                            << QStringList{u"message|b|"_s} << none << -1;
    QTest::newRow("bom-like bytes inside data kept")
        << "data: \xEF\xBB\xBF!\n\n"_ba << QStringList{u"message|\\xef\\xbb\\xbf!|"_s} << none << -1;
    QTest::newRow("utf-8 bytes pass through")
        << "data: h\xC3\xA9llo \xF0\x9F\x98\x80 \xE4\xB8\xAD\n\n"_ba
        << QStringList{u"message|h\\xc3\\xa9llo \\xf0\\x9f\\x98\\x80 \\xe4\\xb8\\xad|"_s} << none << -1;
    QTest::newRow("empty stream") << QByteArray() << QStringList{} << none << -1;
    QTest::newRow("done sentinel is just data")
        << "data: [DONE]\n\n"_ba << QStringList{u"message|[DONE]|"_s} << none << -1;
}

void TestSseParser::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, events);
    QFETCH(QByteArray, lastEventId);
    QFETCH(int, retry);

    auto check = [&](const FeedResult& r, const QString& how) {
        if (r.events != events || r.lastEventId != lastEventId || r.retry != retry || !r.ok) {
            qWarning().noquote() << how << "got" << r.events << escaped(r.lastEventId) << r.retry << r.ok;
            return false;
        }
        return true;
    };

    const FeedResult whole = feedChunks({QByteArrayView(input)});
    QCOMPARE(whole.events, events);
    QCOMPARE(whole.lastEventId, lastEventId);
    QCOMPARE(whole.retry, retry);
    QVERIFY(whole.ok);

    QList<QByteArrayView> bytes;
    for (qsizetype i = 0; i < input.size(); ++i)
        bytes << QByteArrayView(input.constData() + i, 1);
    QRandomGenerator rng(0x55E5EED);
    for (const Api api : {Api::Copies, Api::Views}) {
        const QString apiName = api == Api::Copies ? u"feed()"_s : u"feedViews()"_s;
        QVERIFY2(check(feedChunks({QByteArrayView(input)}, api), apiName), qPrintable(apiName));
        QVERIFY2(check(feedChunks(bytes, api), apiName + u" byte by byte"_s), qPrintable(apiName));

        // Every two-piece split, then seeded random splits.
        for (qsizetype cut = 0; cut <= input.size(); ++cut) {
            const QString how = u"%1 split at %2"_s.arg(apiName).arg(cut);
            const FeedResult r =
                feedChunks({QByteArrayView(input).first(cut), QByteArrayView(input).sliced(cut)}, api);
            QVERIFY2(check(r, how), qPrintable(how));
        }
        for (int i = 0; i < 300; ++i) {
            const QString how = u"%1 random split %2"_s.arg(apiName).arg(i);
            QVERIFY2(check(feedChunks(randomSplit(input, rng), api), how), qPrintable(how));
        }
    }
}

void TestSseParser::crAtChunkEndThenLf()
{
    // The LF completing a CRLF arrives in the next feed: it must not count as a blank line.
    SseParser parser;
    QStringList got;
    const SseParser::EventHandler handler = [&got](const SseEvent& e) { got << render(e); };
    QVERIFY(parser.feed("data: a\r", handler));
    QVERIFY(parser.feed("", handler)); // an empty feed in between changes nothing
    QVERIFY(parser.feed("\n", handler));
    QVERIFY(got.isEmpty());
    QVERIFY(parser.feed("data: b\r", handler));
    QVERIFY(parser.feed("\ndata: c\r", handler));
    QVERIFY(parser.feed("\r", handler)); // CR then CR: a blank line
    QCOMPARE(got, QStringList{u"message|a\\nb\\nc|"_s});
    QVERIFY(parser.feed("\n", handler)); // pairs with the last CR: still no second dispatch
    QVERIFY(parser.feed("data: d\n\n", handler));
    QCOMPARE(got, (QStringList{u"message|a\\nb\\nc|"_s, u"message|d|"_s}));
}

void TestSseParser::lineTooLong_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("chunk");
    QTest::addColumn<bool>("ok");

    const QByteArray atLimit = "data: " + QByteArray(58, 'x'); // 64 bytes
    const QByteArray overLimit = atLimit + 'x';                // 65 bytes
    for (const int chunk : {1, 7, 64, 1000}) {
        QTest::addRow("at limit, chunk %d", chunk) << (atLimit + "\n\n") << chunk << true;
        QTest::addRow("over limit, chunk %d", chunk) << (overLimit + "\n\n") << chunk << false;
        QTest::addRow("over limit unterminated, chunk %d", chunk) << overLimit << chunk << false;
        QTest::addRow("comment over limit, chunk %d", chunk)
            << (':' + QByteArray(64, 'c') + "\n") << chunk << false;
        QTest::addRow("over limit with crlf, chunk %d", chunk) << (overLimit + "\r\n\r\n") << chunk << false;
    }
}

void TestSseParser::lineTooLong()
{
    QFETCH(QByteArray, input);
    QFETCH(int, chunk);
    QFETCH(bool, ok);

    SseParser parser(64);
    int events = 0;
    bool result = true;
    for (qsizetype pos = 0; pos < input.size(); pos += chunk)
        result =
            parser.feed(QByteArrayView(input).sliced(pos, std::min<qsizetype>(chunk, input.size() - pos)),
                        [&events](const SseEvent&) { ++events; }) &&
            result;
    QCOMPARE(result, ok);
    QCOMPARE(parser.error(), ok ? SseParser::Error::None : SseParser::Error::LineTooLong);
    QCOMPARE(parser.errorString().isEmpty(), ok);
    if (!ok) {
        QCOMPARE(events, 0);
        QVERIFY(parser.errorString().contains(u"64"_s));
    }
}

void TestSseParser::eventTooLarge()
{
    // Many short data lines must not grow one event without bound either.
    SseParser parser(64);
    int events = 0;
    const auto handler = [&events](const SseEvent&) { ++events; };
    QVERIFY(parser.feed("data: 0123456789\ndata: 0123456789\ndata: 0123456789\n\n", handler)); // 32 bytes
    QCOMPARE(events, 1);
    QByteArray many;
    for (int i = 0; i < 10; ++i)
        many += "data: 0123456789\n";
    QVERIFY(!parser.feed(many, handler));
    QCOMPARE(parser.error(), SseParser::Error::EventTooLarge);
    QVERIFY(!parser.feed("\n", handler));
    QCOMPARE(events, 1);
}

void TestSseParser::errorIsStickyUntilReset()
{
    SseParser parser(16);
    int events = 0;
    const auto handler = [&events](const SseEvent&) { ++events; };
    QVERIFY(parser.feed("id: 3\nretry: 9\ndata: a\n\n", handler));
    QCOMPARE(events, 1);
    QVERIFY(!parser.feed(QByteArray(17, 'x'), handler));
    // Once in error every further byte is ignored: megabytes of input buffer nothing and
    // complete, valid events are not delivered.
    const QByteArray valid = "data: b\n\n"_ba.repeated(100000);
    for (int i = 0; i < 10; ++i)
        QVERIFY(!parser.feed(valid, handler));
    QCOMPARE(events, 1);
    QCOMPARE(parser.error(), SseParser::Error::LineTooLong);

    parser.reset();
    QCOMPARE(parser.error(), SseParser::Error::None);
    QVERIFY(parser.errorString().isEmpty());
    QVERIFY(parser.lastEventId().isEmpty());
    QVERIFY(!parser.retryMs().has_value());
    QByteArray lastData;
    QVERIFY(parser.feed("\xEF\xBB\xBF"
                        "data: c\n\n",
                        [&](const SseEvent& e) {
                            ++events;
                            lastData = e.data;
                        }));
    QCOMPARE(events, 2);
    QCOMPARE(lastData, "c"_ba); // a BOM is skipped again after reset
}

void TestSseParser::handlerMayKeepEvents()
{
    // Events kept by the handler stay intact while the parser reuses its buffers.
    SseParser parser;
    QList<SseEvent> kept;
    QVERIFY(parser.feed("event: e1\nid: 1\ndata: first\n\ndata: second\n\ndata: third\n\n",
                        [&kept](const SseEvent& e) { kept << e; }));
    QCOMPARE(kept.size(), 3);
    QCOMPARE(kept[0].type, "e1"_ba);
    QCOMPARE(kept[0].data, "first"_ba);
    QCOMPARE(kept[0].id, "1"_ba);
    QCOMPARE(kept[1].type, "message"_ba);
    QCOMPARE(kept[1].data, "second"_ba);
    QCOMPARE(kept[2].data, "third"_ba);
    QCOMPARE(kept[2].id, "1"_ba);
}

void TestSseParser::viewsPointIntoFedBytes()
{
    // The zero-copy promise: a one-line event that arrives in one piece is not copied.
    const QByteArray input = "data: abc\n\ndata: x\ndata: y\n\n"_ba;
    SseParser parser;
    QList<bool> intoInput;
    QStringList data;
    QVERIFY(parser.feedViews(input, [&](const SseEventView& e) {
        intoInput << (e.data.data() >= input.constData() && e.data.data() < input.constData() + input.size());
        data << QString::fromLatin1(e.data.toByteArray());
    }));
    QCOMPARE(data, (QStringList{u"abc"_s, u"x\ny"_s}));
    QCOMPARE(intoInput, (QList<bool>{true, false}));
}

void TestSseParser::realChatStreamDecodes()
{
    const QByteArray stream = realChatStream();
    QRandomGenerator rng(42);
    for (int iteration = 0; iteration < 200; ++iteration) {
        SseParser parser;
        QStringList content;
        QString finish;
        std::optional<Usage> usage;
        int done = 0;
        int chunks = 0;
        QString error;
        ChatChunk chunk; // reused, as ChatStream does
        const auto onData = [&](QByteArrayView payload) {
            QVERIFY2(decodeChatChunk(payload, chunk, &error), qPrintable(error));
            if (chunk.isDone) {
                ++done;
                return;
            }
            ++chunks;
            QCOMPARE(chunk.id, u"chatcmpl-test0002"_s);
            QCOMPARE(chunk.model, u"anthropic/claude-sonnet-4.6"_s);
            QVERIFY(chunk.error.isEmpty());
            if (!chunk.contentDelta.isEmpty())
                content << chunk.contentDelta;
            if (!chunk.finishReason.isEmpty())
                finish = chunk.finishReason;
            if (chunk.usage)
                usage = chunk.usage;
        };
        const QList<QByteArrayView> pieces =
            iteration == 0 ? QList<QByteArrayView>{QByteArrayView(stream)} : randomSplit(stream, rng);
        for (const QByteArrayView piece : pieces) {
            if (iteration % 2)
                QVERIFY(parser.feedViews(piece, [&](const SseEventView& e) { onData(e.data); }));
            else
                QVERIFY(parser.feed(piece, [&](const SseEvent& e) { onData(e.data); }));
        }
        QCOMPARE(chunks, 3);
        QCOMPARE(done, 1);
        QCOMPARE(content, (QStringList{u"It "_s, u"forwards traffic."_s}));
        QCOMPARE(finish, u"stop"_s);
        QVERIFY(usage.has_value());
        QCOMPARE(usage->promptTokens, std::optional<qint64>(21));
        QCOMPARE(usage->completionTokens, std::optional<qint64>(5));
        QCOMPARE(usage->totalTokens, std::optional<qint64>(26));
        QCOMPARE(usage->cost, std::optional<double>(0.000138));
    }
}

QTEST_GUILESS_MAIN(TestSseParser)
#include "TestSseParser.moc"
