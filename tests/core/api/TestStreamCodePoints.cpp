// TestStreamCodePoints: every delta ChatStream emits is whole code points. JavaScript servers that
// slice strings by UTF-16 unit send a surrogate pair split across two events ("\ud83d", then
// "\ude00"); printed delta by delta (--ask) each half became "?". The stream holds back a trailing
// high surrogate until the next delta, for content and reasoning alike, and turns a lone surrogate
// (at the end, or unpaired anywhere) into U+FFFD. Served by a raw loopback server.
#include "LoopbackHttpServer.h"
#include "TestSupport.h"
#include "core/api/ChatStream.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

QByteArray sseEvent(const QByteArray& field, const QByteArray& jsonText, const QByteArray& finish = {})
{
    return R"(data: {"id":"gen-cp","choices":[{"index":0,"delta":{")" + field + R"(":")" + jsonText +
           R"("},"finish_reason":)" + (finish.isEmpty() ? "null"_ba : "\"" + finish + "\"") + "}]}\n\n";
}

// True when `s` has no unpaired surrogate.
bool wellFormed(const QString& s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s.at(i).isHighSurrogate()) {
            if (i + 1 >= s.size() || !s.at(i + 1).isLowSurrogate())
                return false;
            ++i;
        } else if (s.at(i).isLowSurrogate()) {
            return false;
        }
    }
    return true;
}

} // namespace

class TestStreamCodePoints : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void splitPairs_data();
    void splitPairs();
};

void TestStreamCodePoints::splitPairs_data()
{
    QTest::addColumn<QByteArray>("events");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("reasoning");

    const QByteArray end = "data: [DONE]\n\n";
    QTest::newRow("content pair split")
        << sseEvent("content", "A\\ud83d") + sseEvent("content", "\\ude00B", "stop") + end << u"A😀B"_s
        << QString();
    QTest::newRow("pair split, halves alone")
        << sseEvent("content", "\\ud83d") + sseEvent("content", "\\ude00") +
               sseEvent("content", "!", "stop") + end
        << u"😀!"_s << QString();
    QTest::newRow("reasoning pair split")
        << sseEvent("reasoning", "hm \\ud83e") + sseEvent("reasoning", "\\udd14") +
               sseEvent("content", "ok", "stop") + end
        << u"ok"_s << u"hm 🤔"_s;
    QTest::newRow("lone high surrogate at the end")
        << sseEvent("content", "bye") + sseEvent("content", "\\ud83d", "stop") + end << u"bye\uFFFD"_s
        << QString();
    QTest::newRow("lone low surrogate")
        << sseEvent("content", "x\\ude00y", "stop") + end << u"x\uFFFDy"_s << QString();
    QTest::newRow("high surrogate then text")
        << sseEvent("content", "a\\ud83d") + sseEvent("content", "b", "stop") + end << u"a\uFFFDb"_s
        << QString();
    QTest::newRow("whole pairs untouched")
        << sseEvent("content", "\\ud83d\\ude00") + sseEvent("content", "日本", "stop") + end << u"😀日本"_s
        << QString();
}

void TestStreamCodePoints::splitPairs()
{
    QFETCH(QByteArray, events);
    QFETCH(QString, content);
    QFETCH(QString, reasoning);

    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setResponse(200, "text/event-stream", events);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(server.baseUrl());
    client.setKeys(u"sk-ar-v1-codepoints-0000000000000000"_s);
    ChatRequest req;
    req.model = u"openai/gpt-5.4-mini"_s;
    req.messages = {{u"user"_s, u"emoji"_s}};
    ChatStream stream(&client, req);
    QStringList deltas;
    QStringList thoughts;
    connect(&stream, &ChatStream::contentReceived, this, [&](const QString& d) { deltas << d; });
    connect(&stream, &ChatStream::reasoningReceived, this, [&](const QString& d) { thoughts << d; });
    QSignalSpy done(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(done.wait(5000));
    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));

    for (const QString& d : std::as_const(deltas) + thoughts) {
        QVERIFY2(wellFormed(d), qPrintable(u"delta with a lone surrogate: "_s + d));
        QVERIFY(!d.isEmpty());
    }
    QCOMPARE(stream.content(), content);
    QCOMPARE(deltas.join(QString()), content);
    QCOMPARE(stream.reasoning(), reasoning);
    QCOMPARE(thoughts.join(QString()), reasoning);
}

QTEST_GUILESS_MAIN(TestStreamCodePoints)
#include "TestStreamCodePoints.moc"
