// TestStoredMessageUsage: a messages row written before usage was validated (completion_tokens
// -5, a cost of -12.5 or 1e308, a negative tok/s, an infinite TTFT) reads back without the absurd
// figure: the field is empty and named in usage.rejected (the transcript shows "unknown"), no
// total is built from it, and a conversation's summed cost stays finite and non-negative.
#include "TestSupport.h"
#include "core/domain/Usage.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"

#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestStoredMessageUsage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void oldRow_data();
    void oldRow();
    void rejectedFiguresAreKeptAsSent();
};

void TestStoredMessageUsage::oldRow_data()
{
    QTest::addColumn<QString>("column");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("rejected"); // empty: the value is not a usage figure
    QTest::newRow("completion -5") << u"completion_tokens"_s << QVariant(-5) << u"completion_tokens"_s;
    QTest::newRow("prompt 2e9") << u"prompt_tokens"_s << QVariant(qint64(2'000'000'000))
                                << u"prompt_tokens"_s;
    QTest::newRow("cost -12.5") << u"cost"_s << QVariant(-12.5) << u"cost"_s;
    QTest::newRow("cost 1e308") << u"cost"_s << QVariant(1e308) << u"cost"_s;
    QTest::newRow("cost inf") << u"cost"_s << QVariant(std::numeric_limits<double>::infinity()) << u"cost"_s;
    QTest::newRow("tok/s -3") << u"tokens_per_second"_s << QVariant(-3.0) << QString();
    QTest::newRow("ttft inf") << u"ttft_ms"_s << QVariant(std::numeric_limits<double>::infinity())
                              << QString();
}

void TestStoredMessageUsage::oldRow()
{
    QFETCH(QString, column);
    QFETCH(QVariant, value);
    QFETCH(QString, rejected);
    QTemporaryDir dir;
    Database db(dir.filePath(u"m.sqlite"_s));
    QVERIFY(db.open());
    ConversationStore store(db);
    Conversation c;
    c.workspaceId = u"ws1"_s;
    QVERIFY(store.createConversation(c));
    Message m;
    m.conversationId = c.id;
    m.role = MessageRole::Assistant;
    m.content = u"hi"_s;
    m.usage.promptTokens = 10;
    m.usage.completionTokens = 4;
    m.usage.cost = 0.5;
    m.ttftMs = 100;
    m.tokensPerSecond = 40;
    QVERIFY(store.insertMessage(m));
    // As an older version could have written it.
    QSqlQuery q(db.connection());
    QVERIFY(q.prepare(u"UPDATE messages SET %1 = ? WHERE id = ?"_s.arg(column)));
    q.addBindValue(value);
    q.addBindValue(m.id);
    QVERIFY(q.exec());

    const std::optional<Message> back = store.message(m.id);
    QVERIFY(back);
    const Usage& u = back->usage;
    for (const std::optional<qint64>& n : {u.promptTokens, u.completionTokens, u.totalTokens})
        QVERIFY2(!n || (*n >= 0 && *n <= 2 * Usage::kMaxTokens), qPrintable(QString::number(n.value_or(0))));
    QVERIFY2(!u.cost || Usage::isValidCost(*u.cost), qPrintable(QString::number(u.cost.value_or(0))));
    QVERIFY(!back->ttftMs || Usage::validDurationMs(back->ttftMs));
    QVERIFY(!back->tokensPerSecond || Usage::validTokensPerSecond(back->tokensPerSecond));
    if (!rejected.isEmpty())
        QVERIFY2(u.hasRejected(rejected), qPrintable(rejected));
    // The conversation's cost, as the chat page sums it.
    double sum = 0;
    for (const Message& msg : store.messages(c.id))
        sum += msg.usage.cost.value_or(0);
    QVERIFY2(std::isfinite(sum) && sum >= 0, qPrintable(QString::number(sum)));
}

// The record keeps what the gateway sent: a rejected figure survives a save and a reload (and so a
// restart) as sent, while the field itself stays empty.
void TestStoredMessageUsage::rejectedFiguresAreKeptAsSent()
{
    QTemporaryDir dir;
    Database db(dir.filePath(u"m.sqlite"_s));
    QVERIFY(db.open());
    ConversationStore store(db);
    Conversation c;
    c.workspaceId = u"ws1"_s;
    QVERIFY(store.createConversation(c));
    Message m;
    m.conversationId = c.id;
    m.role = MessageRole::Assistant;
    m.content = u"hi"_s;
    m.usage = Usage::fromJson(
        QJsonObject{{u"prompt_tokens"_s, 10}, {u"completion_tokens"_s, -5}, {u"cost"_s, 1e308}});
    QVERIFY(m.usage.hasRejected(u"completion_tokens"));
    QVERIFY(store.insertMessage(m));

    std::optional<Message> back = store.message(m.id);
    QVERIFY(back);
    QCOMPARE(back->usage.promptTokens, std::optional<qint64>(10));
    QVERIFY(!back->usage.completionTokens);
    QVERIFY(!back->usage.cost);
    QVERIFY(back->usage.hasRejected(u"completion_tokens"));
    QVERIFY(back->usage.hasRejected(u"cost"));
    QCOMPARE(back->usage.rejected.value(u"completion_tokens"_s).toDouble(), -5.0);
    QCOMPARE(back->usage.rejected.value(u"cost"_s).toDouble(), 1e308);

    // An update that clears the rejected figures clears them on disk too.
    back->usage = Usage::fromJson(QJsonObject{{u"prompt_tokens"_s, 10}, {u"completion_tokens"_s, 4}});
    QVERIFY(store.updateMessage(*back));
    back = store.message(m.id);
    QVERIFY(back);
    QVERIFY(back->usage.rejected.isEmpty());
    QCOMPARE(back->usage.completionTokens, std::optional<qint64>(4));
}

QTEST_GUILESS_MAIN(TestStoredMessageUsage)
#include "TestStoredMessageUsage.moc"
