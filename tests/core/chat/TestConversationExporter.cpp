// ConversationExporter: the Markdown document for a hand-built conversation (code block, table,
// unicode, versions, stopped and failed replies) against a golden text; JSON export -> import ->
// export through a real SQLite store is lossless; malformed or unsupported files give a clear error
// and write nothing; a failure half-way through an import rolls everything back.
#include "TestSupport.h"

#include "core/chat/ConversationExporter.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestConversationExporter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void markdownGolden();
    void markdownClosesOnlyOpenFences_data();
    void markdownClosesOnlyOpenFences();
    void visibleThread_data();
    void visibleThread();
    void jsonRoundTripIsLossless();
    void jsonNeverContainsKeys();
    void malformedJsonIsRefusedAndNothingWritten_data();
    void malformedJsonIsRefusedAndNothingWritten();
    void importToleratesMissingOptionalFields();
    void importOfStreamingReplyMarksItIncomplete();
    void importRollsBackOnFailure();
    void exportFileRoundTripsThroughImportFile();
    void fileErrorsNameTheFileAndTheCause();
    void writeTextKeepsEveryCharacter();
    void suggestedFileName_data();
    void suggestedFileName();

private:
    int rowCount(const QString& table) const;

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
    int m_dbCounter = 0;
};

namespace {

QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

Message msg(qint64 id, qint64 parent, MessageRole role, const QString& content)
{
    Message m;
    m.id = id;
    m.parentId = parent;
    m.role = role;
    m.content = content;
    return m;
}

QJsonObject withoutExportTime(const QByteArray& json)
{
    QJsonObject o = QJsonDocument::fromJson(json).object();
    o.remove(u"exported_at"_s);
    return o;
}

} // namespace

void TestConversationExporter::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
}

void TestConversationExporter::init()
{
    m_db = std::make_unique<Database>(m_dir.filePath(u"export-%1.sqlite"_s.arg(++m_dbCounter)));
    QString error;
    QVERIFY2(m_db->open(&error), qPrintable(error));
    m_store = std::make_unique<ConversationStore>(*m_db);
}

void TestConversationExporter::cleanup()
{
    m_store.reset();
    m_db.reset();
}

int TestConversationExporter::rowCount(const QString& table) const
{
    QSqlQuery q(m_db->connection());
    if (!q.exec(u"SELECT count(*) FROM "_s + table) || !q.next())
        return -1;
    return q.value(0).toInt();
}

void TestConversationExporter::markdownGolden()
{
    Conversation c;
    c.id = 9;
    c.title = u"Routers, tables & ünïcödé — 日本 🚀"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    c.systemPrompt = u"You are terse.\n\nAnswer in English.\n"_s;
    c.createdAt = utc(2025, 3, 1, 14, 5, 30);

    QList<Message> ms;
    ms << msg(1, 0, MessageRole::User, u"Show me a table and some code."_s);
    ms << msg(2, 1, MessageRole::Assistant, u"An older version nobody should see."_s);
    Message a = msg(3, 1, MessageRole::Assistant,
                    u"Here you go — naïve café 日本語 🚀\n\n| Router | Price |\n|---|---|\n| A | $1 |\n\n"
                    "```cpp\nint main() { return 0; }\n```\n"_s);
    a.model = u"openai/gpt-5.4-mini"_s;
    a.servedModel = u"openai/gpt-5.4-mini-2025"_s;
    a.provider = u"OpenAI"_s;
    a.reasoning = u"Thinking about tables."_s;
    a.usage.promptTokens = 12;
    a.usage.completionTokens = 345;
    a.usage.cachedTokens = 10;
    a.usage.cost = 0.000123;
    a.ttftMs = 250.4;
    a.tokensPerSecond = 80.04;
    a.keyLabel = u"sk-ar-v1-sim…0000"_s;
    ms << a;
    ms << msg(4, 3, MessageRole::User, u"Now in Rust, please."_s);
    Message stopped = msg(5, 4, MessageRole::Assistant, u"Sure:\n\n```rust\nfn main() {\n"_s);
    stopped.model = u"anthropic/claude-x"_s;
    stopped.status = MessageStatus::Incomplete;
    stopped.errorCategory = u"cancelled"_s;
    stopped.errorText = u"Stopped."_s;
    stopped.ttftMs = 120;
    ms << stopped;
    ms << msg(6, 5, MessageRole::User, u"Try again"_s);
    Message failed = msg(7, 6, MessageRole::Assistant, QString());
    failed.model = u"openai/gpt-5.4-mini"_s;
    failed.status = MessageStatus::Error;
    failed.errorCategory = u"rate_limited"_s;
    failed.errorText = u"Rate limited by the gateway. (HTTP 429)"_s;
    ms << failed;

    const QString expected = uR"(# Routers, tables & ünïcödé — 日本 🚀

**Model:** `openai/gpt-5.4-mini` · **Date:** 2025-03-01 14:05 UTC

## System prompt

> You are terse.
>
> Answer in English.

## You

Show me a table and some code.

## Assistant (openai/gpt-5.4-mini-2025, OpenAI) — version 2 of 2

Here you go — naïve café 日本語 🚀

| Router | Price |
|---|---|
| A | $1 |

```cpp
int main() { return 0; }
```

<details><summary>Reasoning</summary>

Thinking about tables.

</details>

*Tokens: 12 in / 345 out (10 cached) · Cost: $0.000123 · TTFT: 250 ms · 80.0 tokens/s*

## You

Now in Rust, please.

## Assistant (anthropic/claude-x)

Sure:

```rust
fn main() {
```

*TTFT: 120 ms*

> **Stopped** before the reply was finished.

## You

Try again

## Assistant (openai/gpt-5.4-mini)

> **Error:** Rate limited by the gateway. (HTTP 429)
)"_s;
    const QString md = ConversationExporter::toMarkdown(c, ms);
    if (md != expected) {
        // Show where they part, not two pages of text.
        qsizetype i = 0;
        while (i < md.size() && i < expected.size() && md.at(i) == expected.at(i))
            ++i;
        qWarning().noquote() << "differs at" << i << "\n--- got:\n"
                             << md.mid(qMax<qsizetype>(0, i - 40), 120) << "\n--- expected:\n"
                             << expected.mid(qMax<qsizetype>(0, i - 40), 120);
    }
    QCOMPARE(md, expected);
    QVERIFY(!md.contains(u"older version"_s));
    QVERIFY(!md.contains(u"sk-ar"_s));
}

void TestConversationExporter::markdownClosesOnlyOpenFences_data()
{
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("expectedBody");
    QTest::newRow("closed fence") << u"```py\nx = 1\n```"_s << u"```py\nx = 1\n```\n"_s;
    QTest::newRow("open backtick fence") << u"```py\nx = 1"_s << u"```py\nx = 1\n```\n"_s;
    QTest::newRow("open long fence keeps its length")
        << u"````md\n```\ninner\n```"_s << u"````md\n```\ninner\n```\n````\n"_s;
    QTest::newRow("open tilde fence") << u"~~~\ncode"_s << u"~~~\ncode\n~~~\n"_s;
    QTest::newRow("inline backticks are no fence") << u"use ``x`` here"_s << u"use ``x`` here\n"_s;
    QTest::newRow("closing needs a bare fence line")
        << u"```\na\n``` not a close"_s << u"```\na\n``` not a close\n```\n"_s;
}

void TestConversationExporter::markdownClosesOnlyOpenFences()
{
    QFETCH(QString, content);
    QFETCH(QString, expectedBody);
    Conversation c;
    c.title = u"T"_s;
    Message m = msg(1, 0, MessageRole::User, content);
    const QString md = ConversationExporter::toMarkdown(c, {m});
    QCOMPARE(md, u"# T\n\n## You\n\n"_s + expectedBody);
}

void TestConversationExporter::visibleThread_data()
{
    // Each row: messages as "id:parent" and the expected visible ids.
    QTest::addColumn<QString>("tree");
    QTest::addColumn<QList<qint64>>("expected");
    QTest::newRow("linear") << u"1:0 2:1 3:2 4:3"_s << QList<qint64>{1, 2, 3, 4};
    QTest::newRow("regenerated last reply") << u"1:0 2:1 3:1"_s << QList<qint64>{1, 3};
    QTest::newRow("edited first prompt") << u"1:0 2:1 3:2 4:3 5:0 6:5"_s << QList<qint64>{5, 6};
    // An older branch that grew after a newer sibling appeared still loses to the newest child.
    QTest::newRow("newest child wins at each fork") << u"1:0 2:1 3:1 4:2"_s << QList<qint64>{1, 3};
    QTest::newRow("dangling parent is a root") << u"4:99 5:4"_s << QList<qint64>{4, 5};
    QTest::newRow("unsaved list is the thread") << u"0:0 0:0 0:0"_s << QList<qint64>{0, 0, 0};
    QTest::newRow("empty") << QString() << QList<qint64>{};
}

void TestConversationExporter::visibleThread()
{
    QFETCH(QString, tree);
    QFETCH(QList<qint64>, expected);
    QList<Message> ms;
    const QStringList items = tree.split(u' ', Qt::SkipEmptyParts);
    for (const QString& item : items)
        ms << msg(item.section(u':', 0, 0).toLongLong(), item.section(u':', 1, 1).toLongLong(),
                  MessageRole::User, item);
    QList<qint64> ids;
    const QList<Message> thread = ConversationExporter::visibleThread(ms);
    for (const Message& m : thread)
        ids << m.id;
    QCOMPARE(ids, expected);
}

void TestConversationExporter::jsonRoundTripIsLossless()
{
    Conversation c;
    c.workspaceId = u"ws-1"_s;
    c.title = u"Round trip ✓ 日本"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    c.systemPrompt = u"Be brief."_s;
    c.pinned = true;
    c.parameters = QJsonObject{{u"temperature"_s, 0.7}, {u"max_tokens"_s, 512}};
    c.routing.order = {u"openai"_s, u"azure"_s};
    c.routing.ignore = {u"cheapco"_s};
    c.routing.allowFallbacks = false;
    c.routing.maxPromptPricePerM = 2.5;
    c.routing.pinnedProvider = u"OpenAI"_s;
    c.createdAt = utc(2025, 2, 1, 9, 0, 0, 123);
    c.updatedAt = utc(2025, 2, 2, 10, 30, 0, 456);
    QVERIFY(m_store->createConversation(c));

    auto add = [this, &c](Message m, const QDateTime& at) -> qint64 {
        m.conversationId = c.id;
        m.createdAt = at;
        return m_store->insertMessage(m) ? m.id : -1;
    };
    const qint64 u1 = add(msg(0, 0, MessageRole::User, u"First prompt"_s), utc(2025, 2, 1, 9, 0, 1));
    Message full = msg(0, u1, MessageRole::Assistant, u"Answer with `code` and ünïcödé 🚀"_s);
    full.reasoning = u"hmm"_s;
    full.model = u"openai/gpt-5.4-mini"_s;
    full.servedModel = u"openai/gpt-5.4-mini-2025"_s;
    full.provider = u"Azure"_s;
    full.generationId = u"gen-123"_s;
    full.finishReason = u"stop"_s;
    full.usage.promptTokens = 11;
    full.usage.completionTokens = 22;
    full.usage.cachedTokens = 3;
    full.usage.reasoningTokens = 4;
    full.usage.cost = 0.0012345;
    full.ttftMs = 123.5;
    full.tokensPerSecond = 87.25;
    full.keyLabel = u"sk-ar-v1-sim…0000"_s;
    const qint64 a1 = add(full, utc(2025, 2, 1, 9, 0, 2));
    Message regenerated = msg(0, u1, MessageRole::Assistant, u"Second version"_s);
    regenerated.model = u"openai/gpt-5.4-mini"_s;
    const qint64 a1b = add(regenerated, utc(2025, 2, 1, 9, 0, 3));
    const qint64 u2 = add(msg(0, a1b, MessageRole::User, u"Follow-up"_s), utc(2025, 2, 1, 9, 0, 4));
    Message failed = msg(0, u2, MessageRole::Assistant, QString());
    failed.status = MessageStatus::Error;
    failed.errorText = u"Out of credits (HTTP 402)"_s;
    failed.errorCategory = u"insufficient_credits"_s;
    add(failed, utc(2025, 2, 1, 9, 0, 5));
    const qint64 u1Edited =
        add(msg(0, 0, MessageRole::User, u"First prompt, edited"_s), utc(2025, 2, 1, 9, 1, 0));
    Message stopped = msg(0, u1Edited, MessageRole::Assistant, u"Partial"_s);
    stopped.status = MessageStatus::Incomplete;
    stopped.errorText = u"Stopped."_s;
    stopped.errorCategory = u"cancelled"_s;
    add(stopped, utc(2025, 2, 1, 9, 1, 1));
    QVERIFY(u1 > 0 && a1 > 0 && a1b > 0 && u2 > 0 && u1Edited > 0);
    QVERIFY(c.updatedAt.isValid());
    c.updatedAt = utc(2025, 2, 2, 10, 30, 0, 456); // insertMessage touched it; pin it for the check
    QVERIFY(m_store->updateConversation(c));

    const Conversation stored = *m_store->conversation(c.id);
    const QList<Message> original = m_store->messages(c.id);
    QCOMPARE(original.size(), 7);
    const QByteArray first = ConversationExporter::toJson(stored, original);

    QString error;
    const auto imported = ConversationExporter::fromJson(first, &error);
    QVERIFY2(imported, qPrintable(error));
    qint64 newId = 0;
    QVERIFY2(ConversationExporter::importInto(*m_db, *m_store, u"ws-2"_s, *imported, &newId, &error),
             qPrintable(error));
    QVERIFY(newId > 0 && newId != c.id);

    const Conversation back = *m_store->conversation(newId);
    const QList<Message> backMessages = m_store->messages(newId);
    const QByteArray second = ConversationExporter::toJson(back, backMessages);
    QCOMPARE(withoutExportTime(second), withoutExportTime(first));

    // Field by field, so a field both exports forgot would still be caught.
    QCOMPARE(back.workspaceId, u"ws-2"_s);
    QCOMPARE(back.title, stored.title);
    QCOMPARE(back.model, stored.model);
    QCOMPARE(back.systemPrompt, stored.systemPrompt);
    QCOMPARE(back.pinned, true);
    QCOMPARE(back.parameters, stored.parameters);
    QCOMPARE(back.routing.toJson(), stored.routing.toJson());
    QCOMPARE(back.createdAt, stored.createdAt);
    QCOMPARE(back.updatedAt, stored.updatedAt);
    QCOMPARE(backMessages.size(), original.size());
    QHash<qint64, int> originalIndex;
    QHash<qint64, int> backIndex;
    for (int i = 0; i < original.size(); ++i) {
        originalIndex.insert(original[i].id, i);
        backIndex.insert(backMessages[i].id, i);
    }
    for (int i = 0; i < original.size(); ++i) {
        const Message& o = original[i];
        const Message& b = backMessages[i];
        QCOMPARE(b.conversationId, newId);
        QCOMPARE(b.parentId == 0, o.parentId == 0);
        if (o.parentId)
            QCOMPARE(backIndex.value(b.parentId, -1), originalIndex.value(o.parentId));
        QCOMPARE(b.role, o.role);
        QCOMPARE(b.content, o.content);
        QCOMPARE(b.reasoning, o.reasoning);
        QCOMPARE(b.status, o.status);
        QCOMPARE(b.model, o.model);
        QCOMPARE(b.servedModel, o.servedModel);
        QCOMPARE(b.provider, o.provider);
        QCOMPARE(b.generationId, o.generationId);
        QCOMPARE(b.finishReason, o.finishReason);
        QCOMPARE(b.errorText, o.errorText);
        QCOMPARE(b.errorCategory, o.errorCategory);
        QCOMPARE(b.usage.toJson(), o.usage.toJson());
        QCOMPARE(b.ttftMs, o.ttftMs);
        QCOMPARE(b.tokensPerSecond, o.tokensPerSecond);
        QCOMPARE(b.createdAt, o.createdAt);
        QVERIFY(b.keyLabel.isEmpty()); // never exported, so never imported
    }
    // The imported copy is searchable like any other conversation.
    const QList<SearchHit> hits = m_store->search(u"ws-2"_s, u"edited"_s);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].conversationId, newId);
}

void TestConversationExporter::jsonNeverContainsKeys()
{
    Conversation c;
    c.title = u"k"_s;
    Message m = msg(1, 0, MessageRole::Assistant, u"x"_s);
    m.keyLabel = u"sk-ar-v1-sim-full-0000"_s;
    const QByteArray json = ConversationExporter::toJson(c, {m});
    QVERIFY(!json.contains("sk-ar"));
    QVERIFY(!json.contains("key"));
    QCOMPARE(QJsonDocument::fromJson(json).object().value(u"format"_s).toString(),
             u"anyrouter-desktop.conversation"_s);
    QCOMPARE(QJsonDocument::fromJson(json).object().value(u"version"_s).toInt(), 1);
}

void TestConversationExporter::malformedJsonIsRefusedAndNothingWritten_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("errorPart");
    auto doc = [](const char* rest) -> QByteArray {
        return QByteArray(R"({"format":"anyrouter-desktop.conversation","version":1)") + rest;
    };
    QTest::newRow("empty file") << QByteArray() << u"not valid JSON"_s;
    QTest::newRow("truncated") << QByteArray(R"({"format":)") << u"not valid JSON"_s;
    QTest::newRow("array") << QByteArray("[]") << u"no JSON object"_s;
    QTest::newRow("no format") << QByteArray(R"({"version":1,"messages":[]})") << u"no \"format\""_s;
    QTest::newRow("other format") << QByteArray(R"({"format":"chatgpt.export","version":1})")
                                  << u"format \"chatgpt.export\""_s;
    QTest::newRow("newer version") << QByteArray(R"({"format":"anyrouter-desktop.conversation","version":2})")
                                   << u"newer AnyRouter Desktop"_s;
    QTest::newRow("version zero") << QByteArray(R"({"format":"anyrouter-desktop.conversation","version":0})")
                                  << u"version 0 is not supported"_s;
    QTest::newRow("no version") << QByteArray(R"({"format":"anyrouter-desktop.conversation"})")
                                << u"no valid format version"_s;
    QTest::newRow("version as text") << QByteArray(
                                            R"({"format":"anyrouter-desktop.conversation","version":"1"})")
                                     << u"no valid format version"_s;
    QTest::newRow("fractional version")
        << QByteArray(R"({"format":"anyrouter-desktop.conversation","version":1.5})")
        << u"no valid format version"_s;
    QTest::newRow("conversation not an object")
        << doc(R"(,"conversation":"x"})") << u"\"conversation\" is not an object"_s;
    QTest::newRow("messages not a list") << doc(R"(,"messages":{}})") << u"\"messages\" is not a list"_s;
    QTest::newRow("message not an object") << doc(R"(,"messages":[1]})") << u"message 1 is not an object"_s;
    QTest::newRow("unknown role") << doc(R"(,"messages":[{"role":"wizard"}]})") << u"no known role"_s;
    QTest::newRow("missing role") << doc(R"(,"messages":[{"role":"user"},{"content":"x"}]})")
                                  << u"message 2 has no known role"_s;
    QTest::newRow("forward parent")
        << doc(R"(,"messages":[{"role":"user","parent":1},{"role":"assistant"}]})")
        << u"does not come before it"_s;
    QTest::newRow("self parent") << doc(R"(,"messages":[{"role":"user","parent":0}]})")
                                 << u"does not come before it"_s;
    QTest::newRow("negative parent") << doc(R"(,"messages":[{"role":"user"},{"role":"user","parent":-1}]})")
                                     << u"does not come before it"_s;
    QTest::newRow("unknown status") << doc(R"(,"messages":[{"role":"user","status":"weird"}]})")
                                    << u"unknown status \"weird\""_s;
}

void TestConversationExporter::malformedJsonIsRefusedAndNothingWritten()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, errorPart);
    QString error;
    const auto parsed = ConversationExporter::fromJson(data, &error);
    QVERIFY(!parsed);
    QVERIFY2(error.contains(errorPart), qPrintable(error));
    // What the chat pane does with a file: parse, and import only what parsed.
    if (parsed) {
        qint64 id = 0;
        ConversationExporter::importInto(*m_db, *m_store, u"ws"_s, *parsed, &id, &error);
    }
    QCOMPARE(rowCount(u"conversations"_s), 0);
    QCOMPARE(rowCount(u"messages"_s), 0);
}

void TestConversationExporter::importToleratesMissingOptionalFields()
{
    const QByteArray data = R"({"format":"anyrouter-desktop.conversation","version":1,"from_the_future":true,
        "messages":[{"role":"user","content":"hi"},
                    {"role":"assistant","parent":0,"content":[{"type":"text","text":"hel"},{"type":"text","text":"lo"}],
                     "usage":{"prompt_tokens":"5"},"something_new":[1,2]}]})";
    QString error;
    const auto parsed = ConversationExporter::fromJson(data, &error);
    QVERIFY2(parsed, qPrintable(error));
    qint64 id = 0;
    QVERIFY2(ConversationExporter::importInto(*m_db, *m_store, u"ws"_s, *parsed, &id, &error),
             qPrintable(error));
    const auto c = m_store->conversation(id);
    QVERIFY(c);
    QCOMPARE(c->workspaceId, u"ws"_s);
    QVERIFY(c->createdAt.isValid());
    QVERIFY(!c->pinned);
    const QList<Message> ms = m_store->messages(id);
    QCOMPARE(ms.size(), 2);
    QCOMPARE(ms[0].content, u"hi"_s);
    QCOMPARE(ms[0].parentId, qint64(0));
    QCOMPARE(ms[1].content, u"hello"_s);
    QCOMPARE(ms[1].parentId, ms[0].id);
    QCOMPARE(ms[1].status, MessageStatus::Complete);
    QCOMPARE(ms[1].usage.promptTokens, std::optional<qint64>(5));
}

void TestConversationExporter::importOfStreamingReplyMarksItIncomplete()
{
    const QByteArray data = R"({"format":"anyrouter-desktop.conversation","version":1,
        "messages":[{"role":"user","content":"q"},{"role":"assistant","parent":0,"content":"half","status":"streaming"}]})";
    QString error;
    const auto parsed = ConversationExporter::fromJson(data, &error);
    QVERIFY2(parsed, qPrintable(error));
    qint64 id = 0;
    QVERIFY2(ConversationExporter::importInto(*m_db, *m_store, u"ws"_s, *parsed, &id, &error),
             qPrintable(error));
    const QList<Message> ms = m_store->messages(id);
    QCOMPARE(ms.size(), 2);
    QCOMPARE(ms[1].status, MessageStatus::Incomplete);
    QCOMPARE(ms[1].content, u"half"_s);
    QVERIFY(!ms[1].errorText.isEmpty());
    // Not left 'streaming', so the next start's crash recovery has nothing to fix.
    QCOMPARE(m_store->recoverInterrupted(), 0);
}

void TestConversationExporter::importRollsBackOnFailure()
{
    // The third message's insert fails inside the database, after the conversation and two
    // messages went in: none of it may stay.
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"CREATE TRIGGER test_fail_import BEFORE INSERT ON messages WHEN new.content = 'explode' "
                   "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"_s));
    q.finish();
    const QByteArray data =
        R"({"format":"anyrouter-desktop.conversation","version":1,"conversation":{"title":"t"},
        "messages":[{"role":"user","content":"one"},{"role":"assistant","parent":0,"content":"two"},
                    {"role":"user","parent":1,"content":"explode"}]})";
    QString error;
    const auto parsed = ConversationExporter::fromJson(data, &error);
    QVERIFY2(parsed, qPrintable(error));
    qint64 id = -1;
    QVERIFY(!ConversationExporter::importInto(*m_db, *m_store, u"ws"_s, *parsed, &id, &error));
    QVERIFY2(error.contains(u"message 3"_s) && error.contains(u"Nothing was imported"_s), qPrintable(error));
    // The cause is the database's own (here the trigger's), never a guessed "disk full".
    QVERIFY2(error.contains(u"injected failure"_s) && !error.contains(u"disk"_s), qPrintable(error));
    QCOMPARE(id, -1);
    QCOMPARE(rowCount(u"conversations"_s), 0);
    QCOMPARE(rowCount(u"messages"_s), 0);
    QCOMPARE(rowCount(u"messages_fts"_s), 0);

    // The connection is left usable, outside any transaction: a good import still works and sticks.
    QVERIFY(q.exec(u"DROP TRIGGER test_fail_import"_s));
    QVERIFY2(ConversationExporter::importInto(*m_db, *m_store, u"ws"_s, *parsed, &id, &error),
             qPrintable(error));
    QCOMPARE(rowCount(u"messages"_s), 3);
    const QString path = m_db->filePath();
    m_store.reset();
    m_db.reset();
    Database reopened(path);
    QVERIFY(reopened.open());
    QSqlQuery r(reopened.connection());
    QVERIFY(r.exec(u"SELECT count(*) FROM messages"_s) && r.next());
    QCOMPARE(r.value(0).toInt(), 3); // committed, not left in an open transaction
}

// The chat page's Export and Import: the stored conversation to a file and back, as a new one.
void TestConversationExporter::exportFileRoundTripsThroughImportFile()
{
    Conversation c;
    c.workspaceId = u"ws"_s;
    c.title = u"Trip"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    QVERIFY(m_store->createConversation(c));
    Message q = msg(0, 0, MessageRole::User, u"Where to? 🚀"_s);
    q.conversationId = c.id;
    QVERIFY(m_store->insertMessage(q));
    Message a = msg(0, q.id, MessageRole::Assistant, u"Kyōto, in spring."_s);
    a.conversationId = c.id;
    a.status = MessageStatus::Complete;
    QVERIFY(m_store->insertMessage(a));

    QString error;
    const QString json = m_dir.filePath(u"trip.json"_s);
    const QString md = m_dir.filePath(u"trip.md"_s);
    QVERIFY2(ConversationExporter::exportToFile(*m_store, c.id, json, ConversationExporter::FileFormat::Json,
                                                &error),
             qPrintable(error));
    QVERIFY2(ConversationExporter::exportToFile(*m_store, c.id, md,
                                                ConversationExporter::FileFormat::Markdown, &error),
             qPrintable(error));
    QFile mdFile(md);
    QVERIFY(mdFile.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(mdFile.readAll()),
             ConversationExporter::toMarkdown(*m_store->conversation(c.id), m_store->messages(c.id)));

    qint64 newId = 0;
    QVERIFY2(ConversationExporter::importFile(*m_db, *m_store, u"other"_s, json, &newId, &error),
             qPrintable(error));
    QVERIFY(newId != 0 && newId != c.id);
    const auto imported = m_store->conversation(newId);
    QVERIFY(imported);
    QCOMPARE(imported->workspaceId, u"other"_s);
    QCOMPARE(imported->title, u"Trip"_s);
    const QList<Message> ms = m_store->messages(newId);
    QCOMPARE(ms.size(), 2);
    QCOMPARE(ms[0].content, q.content);
    QCOMPARE(ms[1].content, a.content);
    QCOMPARE(ms[1].parentId, ms[0].id);
}

void TestConversationExporter::fileErrorsNameTheFileAndTheCause()
{
    Conversation c;
    c.workspaceId = u"ws"_s;
    c.title = u"t"_s;
    QVERIFY(m_store->createConversation(c));
    QString error;
    const QString nowhere = m_dir.filePath(u"no-such-dir/out.json"_s);
    QVERIFY(!ConversationExporter::exportToFile(*m_store, 0, nowhere, ConversationExporter::FileFormat::Json,
                                                &error));
    QCOMPARE(error, u"There is nothing to export yet."_s);
    QVERIFY(!ConversationExporter::exportToFile(*m_store, c.id + 100, nowhere,
                                                ConversationExporter::FileFormat::Json, &error));
    QCOMPARE(error, u"The conversation is gone."_s);
    QVERIFY(!ConversationExporter::exportToFile(*m_store, c.id, nowhere,
                                                ConversationExporter::FileFormat::Json, &error));
    QVERIFY2(error.startsWith(u"Could not write "_s + QDir::toNativeSeparators(nowhere) + u": "_s),
             qPrintable(error));
    QVERIFY2(error.size() > u"Could not write : "_s.size() + nowhere.size(), "the cause is given");
    QVERIFY(!QFile::exists(nowhere));

    const int before = rowCount(u"conversations"_s);
    qint64 id = -1;
    const QString missing = m_dir.filePath(u"missing.json"_s);
    QVERIFY(!ConversationExporter::importFile(*m_db, *m_store, u"ws"_s, missing, &id, &error));
    QVERIFY2(error.startsWith(u"Could not read "_s + QDir::toNativeSeparators(missing) + u": "_s),
             qPrintable(error));
    QFile bad(m_dir.filePath(u"bad.json"_s));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"format":"something else","version":1})");
    bad.close();
    error.clear();
    QVERIFY(!ConversationExporter::importFile(*m_db, *m_store, u"ws"_s, bad.fileName(), &id, &error));
    QVERIFY2(!error.isEmpty(), "the parser's sentence reaches the user");
    QCOMPARE(id, -1);
    QCOMPARE(rowCount(u"conversations"_s), before);

    QVERIFY(!ConversationExporter::writeText(nowhere, u"text"_s, &error));
    QVERIFY2(error.startsWith(u"Could not write "_s + QDir::toNativeSeparators(nowhere)), qPrintable(error));
}

void TestConversationExporter::writeTextKeepsEveryCharacter()
{
    const QString path = m_dir.filePath(u"reply.md"_s);
    const QString text = u"A reply — naïve café 日本語 🚀\n```\ncode\n```\n"_s.repeated(1000);
    QString error;
    QVERIFY2(ConversationExporter::writeText(path, text, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), text);
}

void TestConversationExporter::suggestedFileName_data()
{
    QTest::addColumn<QString>("title");
    QTest::addColumn<bool>("markdown");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << u"Routers"_s << true << u"Routers.md"_s;
    QTest::newRow("json") << u"Routers"_s << false << u"Routers.json"_s;
    QTest::newRow("punctuation and slashes go") << u"a/b: c? d*"_s << true << u"ab c d.md"_s;
    QTest::newRow("dashes and underscores stay") << u"my-chat_2"_s << true << u"my-chat_2.md"_s;
    QTest::newRow("path traversal") << u"../../etc/passwd"_s << true << u"etcpasswd.md"_s;
    QTest::newRow("whitespace collapses") << u"  two\n  lines  "_s << true << u"two lines.md"_s;
    QTest::newRow("nothing left") << u"?!/…"_s << false << u"conversation.json"_s;
    QTest::newRow("empty") << QString() << true << u"conversation.md"_s;
}

void TestConversationExporter::suggestedFileName()
{
    QFETCH(QString, title);
    QFETCH(bool, markdown);
    QFETCH(QString, expected);
    QCOMPARE(ConversationExporter::suggestedFileName(title, markdown
                                                                ? ConversationExporter::FileFormat::Markdown
                                                                : ConversationExporter::FileFormat::Json),
             expected);
}

QTEST_GUILESS_MAIN(TestConversationExporter)
#include "TestConversationExporter.moc"
