// TestAbsurdUsageEndToEnd: a gateway's absurd usage (completion_tokens -5, a cost of -12.5 or
// 1e308, a prompt count of "-1") streamed to the real ChatSession from a raw loopback server: the
// reply is complete, the finished message says which figures were rejected (so the UI can show
// "unknown") and carries none of them, the stored row and the usage ledger hold nothing absurd,
// and no total or rate built from them is negative or infinite.
#include "../api/LoopbackHttpServer.h"
#include "TestSupport.h"
#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/domain/Usage.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

QByteArray sseResponse(const QByteArray& usage)
{
    QByteArray body;
    body +=
        R"(data: {"id":"gen-u","model":"openai/gpt-5.4-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]})"
        "\n\n";
    body +=
        R"(data: {"id":"gen-u","model":"openai/gpt-5.4-mini","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}]})"
        "\n\n";
    body += R"(data: {"id":"gen-u","model":"openai/gpt-5.4-mini","choices":[],"usage":)" + usage + "}\n\n";
    body += "data: [DONE]\n\n";
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

} // namespace

class TestAbsurdUsageEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void absurdUsage_data();
    void absurdUsage();
};

void TestAbsurdUsageEndToEnd::absurdUsage_data()
{
    QTest::addColumn<QByteArray>("usage");
    QTest::addColumn<QString>("rejected");
    QTest::newRow("completion -5") << R"({"prompt_tokens":12,"completion_tokens":-5,"cost":0.001})"_ba
                                   << u"completion_tokens"_s;
    QTest::newRow("cost -12.5") << R"({"prompt_tokens":12,"completion_tokens":2,"cost":-12.5})"_ba
                                << u"cost"_s;
    QTest::newRow("cost 1e308") << R"({"prompt_tokens":12,"completion_tokens":2,"cost":1e308})"_ba
                                << u"cost"_s;
    QTest::newRow("prompt \"-1\"") << R"({"prompt_tokens":"-1","completion_tokens":2,"cost":0.001})"_ba
                                   << u"prompt_tokens"_s;
    QTest::newRow("completion 1e12") << R"({"prompt_tokens":12,"completion_tokens":1000000000000})"_ba
                                     << u"completion_tokens"_s;
}

void TestAbsurdUsageEndToEnd::absurdUsage()
{
    QFETCH(QByteArray, usage);
    QFETCH(QString, rejected);
    QTemporaryDir dir;
    Database db(dir.filePath(u"e2e.sqlite"_s));
    QString error;
    QVERIFY2(db.open(&error), qPrintable(error));
    ConversationStore store(db);
    UsageLedger ledger(db);

    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setRawResponse(sseResponse(usage));
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(server.baseUrl());
    client.setKeys(u"sk-ar-v1-usage-e2e-test-000000000000000"_s);
    ChatSession session(&store, &ledger, &client);
    session.setWorkspaceId(u"ws1"_s);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QSignalSpy finished(&session, &ChatSession::replyFinished);
    QVERIFY(session.send(u"Count me right"_s));
    QVERIFY(finished.wait(20000));
    const Message done = finished.first().first().value<Message>();
    QCOMPARE(done.status, MessageStatus::Complete);
    QCOMPARE(done.content, u"Hello there"_s);

    const QList<Message> msgs = store.messages(session.conversationId());
    QCOMPARE(msgs.size(), 2);
    for (const Message& m : {done, msgs.at(1)}) {
        const Usage& u = m.usage;
        for (const std::optional<qint64>& c : {u.promptTokens, u.completionTokens, u.totalTokens})
            QVERIFY2(!c || (*c >= 0 && *c <= 2 * Usage::kMaxTokens),
                     qPrintable(QString::number(c.value_or(0))));
        QVERIFY2(!u.cost || Usage::isValidCost(*u.cost), qPrintable(QString::number(u.cost.value_or(0))));
        QVERIFY(!m.tokensPerSecond || Usage::validTokensPerSecond(m.tokensPerSecond));
        QVERIFY(!m.ttftMs || Usage::validDurationMs(m.ttftMs));
    }
    const QList<LedgerEntry> rows = ledger.entries(u"ws1"_s, {}, {});
    QCOMPARE(rows.size(), 1);
    const LedgerEntry& e = rows.constFirst();
    QVERIFY(Usage::isValidTokenCount(e.promptTokens) && Usage::isValidTokenCount(e.completionTokens));
    QVERIFY(!e.cost || Usage::isValidCost(*e.cost));
    QVERIFY(std::isfinite(e.latencyMs) && e.latencyMs >= 0);
    // Nothing absurd on disk either (not only after reading back).
    QSqlQuery q(db.connection());
    QVERIFY(
        q.exec(u"SELECT (SELECT COUNT(*) FROM usage_ledger WHERE prompt_tokens < 0 OR completion_tokens < 0"
               " OR cost < 0 OR cost > 10000) + (SELECT COUNT(*) FROM messages WHERE prompt_tokens < 0 OR"
               " completion_tokens < 0 OR completion_tokens > 1000000000 OR cost < 0 OR cost > 10000"
               " OR tokens_per_second < 0)"_s));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 0);
    // The finished message knows what was rejected: the UI shows "unknown" for it.
    QVERIFY2(done.usage.hasRejected(rejected), qPrintable(rejected));
}

QTEST_GUILESS_MAIN(TestAbsurdUsageEndToEnd)
#include "TestAbsurdUsageEndToEnd.moc"
