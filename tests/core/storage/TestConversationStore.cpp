// Tests of ConversationStore: CRUD, cascade, ordering, message versions, streaming writes, crash
// recovery and full-text search (unicode, hostile input, workspace filter).
#include "TestSupport.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"

#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestConversationStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void conversationCrud();
    void cascadeDelete();
    void orderingPinnedThenUpdated();
    void messageRoundTrip();
    void absentOptionalsStayAbsent();
    void messageVersionsByParent();
    void streamingTextWrites();
    void indexFollowsLifecycle();
    void updateMessageKeepsIndexInStep();
    void recoverInterrupted();
    void searchAcrossConversations();
    void searchUnicode_data();
    void searchUnicode();
    void searchHostileQueries_data();
    void searchHostileQueries();
    void searchFilteredByWorkspace();
    void searchLimitAndSnippet();
    void matchExpression_data();
    void matchExpression();

private:
    qint64 newConversation(const QString& workspace, const QString& title);
    qint64 addMessage(qint64 conversationId, const QString& content, MessageRole role = MessageRole::User,
                      qint64 parentId = 0, MessageStatus status = MessageStatus::Complete);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
};

void TestConversationStore::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestConversationStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<Database>(m_dir->filePath(u"c.sqlite"_s));
    QString error;
    QVERIFY2(m_db->open(&error), qPrintable(error));
    m_store = std::make_unique<ConversationStore>(*m_db);
    // Any failing statement in a test is a bug, even where the test's own checks would pass.
    QTest::failOnWarning(QRegularExpression(u"failed"_s));
}

void TestConversationStore::cleanup()
{
    m_store.reset();
    m_db.reset();
    m_dir.reset();
}

qint64 TestConversationStore::newConversation(const QString& workspace, const QString& title)
{
    Conversation c;
    c.workspaceId = workspace;
    c.title = title;
    if (!m_store->createConversation(c))
        return 0;
    return c.id;
}

qint64 TestConversationStore::addMessage(qint64 conversationId, const QString& content, MessageRole role,
                                         qint64 parentId, MessageStatus status)
{
    Message m;
    m.conversationId = conversationId;
    m.content = content;
    m.role = role;
    m.parentId = parentId;
    m.status = status;
    if (!m_store->insertMessage(m))
        return 0;
    return m.id;
}

void TestConversationStore::conversationCrud()
{
    Conversation c;
    c.workspaceId = u"ws"_s;
    c.title = u"First"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    c.systemPrompt = u"Be brief."_s;
    c.parameters = QJsonObject{{u"temperature"_s, 0.3}, {u"max_tokens"_s, 512}};
    c.routing.order = {u"openai"_s, u"azure"_s};
    c.routing.allowFallbacks = false;
    c.routing.pinnedProvider = u"openai"_s;
    QVERIFY(m_store->createConversation(c));
    QVERIFY(c.id > 0);
    QVERIFY(c.createdAt.isValid());
    QCOMPARE(c.updatedAt, c.createdAt);

    auto read = m_store->conversation(c.id);
    QVERIFY(read);
    QCOMPARE(read->workspaceId, c.workspaceId);
    QCOMPARE(read->title, c.title);
    QCOMPARE(read->model, c.model);
    QCOMPARE(read->systemPrompt, c.systemPrompt);
    QCOMPARE(read->parameters, c.parameters);
    QCOMPARE(read->routing.order, c.routing.order);
    QCOMPARE(read->routing.allowFallbacks, std::optional<bool>(false));
    QCOMPARE(read->routing.pinnedProvider, u"openai"_s);
    QCOMPARE(read->createdAt, c.createdAt);
    QVERIFY(!read->pinned);

    c.title = u"Renamed"_s;
    c.pinned = true;
    c.parameters.insert(u"top_p"_s, 0.9);
    c.updatedAt = c.createdAt.addSecs(60);
    QVERIFY(m_store->updateConversation(c));
    read = m_store->conversation(c.id);
    QVERIFY(read);
    QCOMPARE(read->title, u"Renamed"_s);
    QVERIFY(read->pinned);
    QCOMPARE(read->parameters.value(u"top_p"_s).toDouble(), 0.9);
    QCOMPARE(read->updatedAt, c.updatedAt);

    QVERIFY(m_store->deleteConversation(c.id));
    QVERIFY(!m_store->conversation(c.id));
    QVERIFY(!m_store->deleteConversation(c.id));
    Conversation ghost;
    ghost.id = 4242;
    QVERIFY(!m_store->updateConversation(ghost));
}

void TestConversationStore::cascadeDelete()
{
    const qint64 a = newConversation(u"ws"_s, u"A"_s);
    const qint64 b = newConversation(u"ws"_s, u"B"_s);
    const qint64 m1 = addMessage(a, u"walrus tusks"_s);
    addMessage(a, u"walrus diet"_s, MessageRole::Assistant, m1);
    addMessage(b, u"walrus habitat"_s);
    UsageLedger ledger(*m_db);
    LedgerEntry e;
    e.workspaceId = u"ws"_s;
    e.messageId = m1;
    QVERIFY(ledger.record(e));

    QCOMPARE(m_store->search(u"ws"_s, u"walrus"_s).size(), 3);
    QVERIFY(m_store->deleteConversation(a));
    QVERIFY(m_store->messages(a).isEmpty());
    QVERIFY(!m_store->message(m1));
    QCOMPARE(m_store->messages(b).size(), 1);
    // The FTS index followed the cascade.
    const QList<SearchHit> hits = m_store->search(u"ws"_s, u"walrus"_s);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().conversationId, b);
    // The ledger is history: kept.
    QCOMPARE(ledger.entries(u"ws"_s, {}, {}).size(), 1);
}

void TestConversationStore::orderingPinnedThenUpdated()
{
    const QDateTime base = QDateTime(QDate(2025, 1, 1), QTime(12, 0), Qt::UTC);
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i) {
        Conversation c;
        c.workspaceId = u"ws"_s;
        c.title = u"c%1"_s.arg(i);
        c.createdAt = base.addSecs(i);
        c.updatedAt = base.addSecs(i * 10);
        c.pinned = (i == 0); // the oldest is pinned
        QVERIFY(m_store->createConversation(c));
        QCOMPARE(c.updatedAt, base.addSecs(i * 10));
        ids.append(c.id);
    }
    newConversation(u"other"_s, u"not listed"_s);

    auto order = [&] {
        QList<qint64> r;
        for (const Conversation& c : m_store->conversations(u"ws"_s))
            r.append(c.id);
        return r;
    };
    QCOMPARE(order(), (QList<qint64>{ids[0], ids[3], ids[2], ids[1]}));
    // A new message moves its conversation to the top of the unpinned ones.
    QVERIFY(addMessage(ids[1], u"bump"_s) > 0);
    QCOMPARE(order(), (QList<qint64>{ids[0], ids[1], ids[3], ids[2]}));
    QCOMPARE(m_store->conversations(u"missing"_s).size(), 0);
}

void TestConversationStore::messageRoundTrip()
{
    const qint64 conv = newConversation(u"ws"_s, u"t"_s);
    Message m;
    m.conversationId = conv;
    m.role = MessageRole::Assistant;
    m.content = u"Answer with \"quotes\", 'apostrophes' and emoji 🦓"_s;
    m.reasoning = u"thinking…"_s;
    m.status = MessageStatus::Error;
    m.model = u"anthropic/claude-sonnet-4.6"_s;
    m.servedModel = u"anthropic/claude-sonnet-4.6-20260101"_s;
    m.provider = u"Anthropic"_s;
    m.generationId = u"gen-123"_s;
    m.finishReason = u"error"_s;
    m.errorText = u"Upstream failed"_s;
    m.errorCategory = u"upstream"_s;
    m.usage.promptTokens = 120;
    m.usage.completionTokens = 30;
    m.usage.cachedTokens = 100;
    m.usage.reasoningTokens = 7;
    m.usage.cost = 0.00123;
    m.ttftMs = 250.5;
    m.tokensPerSecond = 88.25;
    m.keyLabel = u"sk-ar-v1-abcde…wxyz"_s;
    QVERIFY(m_store->insertMessage(m));
    QVERIFY(m.id > 0);
    QVERIFY(m.createdAt.isValid());
    QVERIFY(m.updatedAt.isValid());

    const auto r = m_store->message(m.id);
    QVERIFY(r);
    QCOMPARE(r->conversationId, conv);
    QCOMPARE(r->parentId, 0);
    QCOMPARE(r->role, MessageRole::Assistant);
    QCOMPARE(r->content, m.content);
    QCOMPARE(r->reasoning, m.reasoning);
    QCOMPARE(r->status, MessageStatus::Error);
    QCOMPARE(r->model, m.model);
    QCOMPARE(r->servedModel, m.servedModel);
    QCOMPARE(r->provider, m.provider);
    QCOMPARE(r->generationId, m.generationId);
    QCOMPARE(r->finishReason, m.finishReason);
    QCOMPARE(r->errorText, m.errorText);
    QCOMPARE(r->errorCategory, m.errorCategory);
    QCOMPARE(r->usage.promptTokens, m.usage.promptTokens);
    QCOMPARE(r->usage.completionTokens, m.usage.completionTokens);
    QCOMPARE(r->usage.cachedTokens, m.usage.cachedTokens);
    QCOMPARE(r->usage.reasoningTokens, m.usage.reasoningTokens);
    QCOMPARE(r->usage.totalTokens, std::optional<qint64>(150));
    QCOMPARE(r->usage.cost, m.usage.cost);
    QCOMPARE(r->ttftMs, m.ttftMs);
    QCOMPARE(r->tokensPerSecond, m.tokensPerSecond);
    QCOMPARE(r->keyLabel, m.keyLabel);
    QCOMPARE(r->createdAt, m.createdAt);

    // A message needs an existing conversation (foreign key).
    Message orphan;
    orphan.conversationId = conv + 1000;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"insert message failed.*FOREIGN KEY"_s));
    QVERIFY(!m_store->insertMessage(orphan));
    QCOMPARE(orphan.id, 0);

    // Status names as stored (other tools may read the file).
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT role, status FROM messages"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"assistant"_s);
    QCOMPARE(q.value(1).toString(), u"error"_s);
}

void TestConversationStore::absentOptionalsStayAbsent()
{
    const qint64 conv = newConversation(u"ws"_s, QString()); // null title: stored as empty
    const qint64 id = addMessage(conv, QString());
    QVERIFY(id > 0);
    const auto r = m_store->message(id);
    QVERIFY(r);
    QVERIFY(r->content.isEmpty());
    QVERIFY(!r->usage.promptTokens);
    QVERIFY(!r->usage.totalTokens);
    QVERIFY(!r->usage.cost);
    QVERIFY(!r->ttftMs);
    QVERIFY(!r->tokensPerSecond);
    QCOMPARE(m_store->conversation(conv)->title, QString());
}

void TestConversationStore::messageVersionsByParent()
{
    const qint64 conv = newConversation(u"ws"_s, u"versions"_s);
    const qint64 user = addMessage(conv, u"Write a haiku"_s);
    const qint64 v1 = addMessage(conv, u"first try"_s, MessageRole::Assistant, user);
    const qint64 v2 = addMessage(conv, u"second try"_s, MessageRole::Assistant, user);
    const qint64 followUp = addMessage(conv, u"Another"_s, MessageRole::User, v2);
    const QList<Message> all = m_store->messages(conv);
    QCOMPARE(all.size(), 4);
    QList<qint64> ids;
    for (const Message& m : all)
        ids.append(m.id);
    QCOMPARE(ids, (QList<qint64>{user, v1, v2, followUp})); // by id ascending
    QList<qint64> versions;
    for (const Message& m : all) {
        if (m.parentId == user)
            versions.append(m.id);
    }
    QCOMPARE(versions, (QList<qint64>{v1, v2}));
    QCOMPARE(all.at(3).parentId, v2);
    QCOMPARE(all.at(0).parentId, 0);
}

void TestConversationStore::streamingTextWrites()
{
    const qint64 conv = newConversation(u"ws"_s, u"stream"_s);
    const qint64 user = addMessage(conv, u"Tell a story"_s);
    const qint64 reply = addMessage(conv, QString(), MessageRole::Assistant, user, MessageStatus::Streaming);
    QString content, reasoning;
    for (int i = 0; i < 300; ++i) {
        content += u"word%1 "_s.arg(i);
        if (i % 10 == 0)
            reasoning += u"r%1 "_s.arg(i);
        QVERIFY(m_store->updateMessageText(reply, content, reasoning));
    }
    auto r = m_store->message(reply);
    QVERIFY(r);
    QCOMPARE(r->content, content);
    QCOMPARE(r->reasoning, reasoning);
    QCOMPARE(r->status, MessageStatus::Streaming); // text writes leave the rest alone
    // Not indexed while streaming (the writes stay cheap); indexed once finalised.
    QCOMPARE(m_store->search(u"ws"_s, u"word299"_s).size(), 0);
    r->status = MessageStatus::Complete;
    QVERIFY(m_store->updateMessage(*r));
    QCOMPARE(m_store->search(u"ws"_s, u"word299"_s).size(), 1);
    // Editing a finished message's text replaces its words in the index.
    QVERIFY(m_store->updateMessageText(reply, u"entirely different"_s, QString()));
    QCOMPARE(m_store->search(u"ws"_s, u"word150"_s).size(), 0);
    QCOMPARE(m_store->search(u"ws"_s, u"entirely"_s).size(), 1);
    QVERIFY(!m_store->updateMessageText(999999, u"x"_s, {}));
}

void TestConversationStore::indexFollowsLifecycle()
{
    // Drives messages through every status/text transition and checks after each step that the
    // FTS index returns exactly the non-streaming messages containing each word.
    const QStringList vocabulary = {u"alpha"_s, u"beta"_s, u"gamma"_s, u"delta"_s};
    QSqlQuery q(m_db->connection());
    auto check = [&](const char* step) {
        for (const QString& word : vocabulary) {
            QSet<qint64> expected;
            QVERIFY(q.exec(u"SELECT id, content, status FROM messages"_s));
            while (q.next()) {
                const QStringList tokens = q.value(1).toString().split(u' ', Qt::SkipEmptyParts);
                if (q.value(2).toString() != u"streaming" && tokens.contains(word))
                    expected.insert(q.value(0).toLongLong());
            }
            QSet<qint64> actual;
            for (const SearchHit& h : m_store->search({}, word, 1000))
                actual.insert(h.messageId);
            QVERIFY2(actual == expected, qPrintable(u"%1: word %2"_s.arg(QLatin1String(step), word)));
        }
    };
    const qint64 c1 = newConversation(u"ws"_s, u"one"_s);
    const qint64 c2 = newConversation(u"ws"_s, u"two"_s);
    const qint64 a = addMessage(c1, u"alpha beta"_s);
    const qint64 b = addMessage(c1, u"gamma"_s, MessageRole::Assistant, a, MessageStatus::Streaming);
    const qint64 c = addMessage(c2, u"delta alpha"_s);
    check("inserted");
    QVERIFY(m_store->updateMessageText(b, u"gamma delta"_s, {}));
    check("streaming text");
    Message mb = *m_store->message(b);
    mb.status = MessageStatus::Complete;
    QVERIFY(m_store->updateMessage(mb));
    check("finalised");
    mb.status = MessageStatus::Error; // status-only change of an indexed row
    mb.errorText = u"late error"_s;
    QVERIFY(m_store->updateMessage(mb));
    check("status only");
    mb.status = MessageStatus::Streaming; // back to streaming (regenerated in place)
    mb.content = u"beta"_s;
    QVERIFY(m_store->updateMessage(mb));
    check("restreaming");
    QVERIFY(m_store->updateMessageText(a, u"gamma gamma alpha"_s, {}));
    check("edited complete");
    QCOMPARE(m_store->recoverInterrupted(), 1);
    check("recovered");
    QVERIFY(m_store->deleteConversation(c1));
    check("deleted");
    QVERIFY(addMessage(c2, u"beta"_s, MessageRole::User, c, MessageStatus::Streaming) > 0);
    QVERIFY(m_store->deleteConversation(c2)); // cascade removes a never-indexed streaming row too
    check("deleted with streaming");
    // With no streaming rows left, index and content table must agree exactly.
    QVERIFY2(q.exec(u"INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"_s),
             qPrintable(q.lastError().text()));
}

void TestConversationStore::updateMessageKeepsIndexInStep()
{
    const qint64 conv = newConversation(u"ws"_s, u"final"_s);
    Message m;
    m.conversationId = conv;
    m.role = MessageRole::Assistant;
    m.status = MessageStatus::Streaming;
    m.content = u"partial answer"_s;
    QVERIFY(m_store->insertMessage(m));
    m.status = MessageStatus::Complete;
    m.content = u"complete answer about otters"_s;
    m.usage.promptTokens = 10;
    m.usage.completionTokens = 5;
    m.usage.cost = 0.01;
    m.finishReason = u"stop"_s;
    QVERIFY(m_store->updateMessage(m));
    const auto r = m_store->message(m.id);
    QVERIFY(r);
    QCOMPARE(r->status, MessageStatus::Complete);
    QCOMPARE(r->usage.cost, std::optional<double>(0.01));
    QCOMPARE(r->finishReason, u"stop"_s);
    QCOMPARE(r->createdAt, m.createdAt);
    QCOMPARE(m_store->search({}, u"otters"_s).size(), 1);
    QCOMPARE(m_store->search({}, u"partial"_s).size(), 0);
}

void TestConversationStore::recoverInterrupted()
{
    const qint64 conv = newConversation(u"ws"_s, u"crash"_s);
    const qint64 user = addMessage(conv, u"question"_s);
    const qint64 s1 =
        addMessage(conv, u"half an ans"_s, MessageRole::Assistant, user, MessageStatus::Streaming);
    const qint64 other = newConversation(u"ws2"_s, u"crash too"_s);
    const qint64 s2 = addMessage(other, QString(), MessageRole::Assistant, 0, MessageStatus::Streaming);
    const qint64 done = addMessage(conv, u"complete one"_s, MessageRole::Assistant, user);

    QCOMPARE(m_store->recoverInterrupted(), 2);
    for (qint64 id : {s1, s2}) {
        const auto r = m_store->message(id);
        QVERIFY(r);
        QCOMPARE(r->status, MessageStatus::Incomplete);
        QCOMPARE(r->errorText, u"Interrupted: the app closed while this reply was streaming."_s);
    }
    QCOMPARE(m_store->message(s1)->content, u"half an ans"_s); // partial text kept
    QCOMPARE(m_store->search({}, u"half"_s).size(), 1);        // and now searchable
    QCOMPARE(m_store->message(done)->status, MessageStatus::Complete);
    QVERIFY(m_store->message(done)->errorText.isEmpty());
    QCOMPARE(m_store->recoverInterrupted(), 0);
}

void TestConversationStore::searchAcrossConversations()
{
    const qint64 a = newConversation(u"ws"_s, u"Rust questions"_s);
    const qint64 b = newConversation(u"ws"_s, u"Qt questions"_s);
    addMessage(a, u"How does the borrow checker work?"_s);
    const qint64 mb = addMessage(b, u"How do I use QSqlQuery with a borrowed connection?"_s);
    addMessage(b, u"Unrelated text"_s);

    QList<SearchHit> hits = m_store->search(u"ws"_s, u"borrow"_s); // prefix: borrow, borrowed
    QCOMPARE(hits.size(), 2);
    hits = m_store->search(u"ws"_s, u"qsqlquery connection"_s); // AND of words
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().messageId, mb);
    QCOMPARE(hits.first().conversationId, b);
    QCOMPARE(hits.first().conversationTitle, u"Qt questions"_s);
    QCOMPARE(m_store->search(u"ws"_s, u"borrow nothingmatches"_s).size(), 0);
    // Case-insensitive.
    QCOMPARE(m_store->search(u"ws"_s, u"BORROW"_s).size(), 2);
    // Only the last word is a prefix.
    QCOMPARE(m_store->search(u"ws"_s, u"borr checker"_s).size(), 0);
}

void TestConversationStore::searchUnicode_data()
{
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("expected");
    QTest::newRow("diacritics folded") << u"Un café crème, s'il vous plaît"_s << u"cafe creme"_s << 1;
    QTest::newRow("diacritics in query") << u"naive approach"_s << u"naïve"_s << 1;
    QTest::newRow("cyrillic prefix") << u"Привет, как дела?"_s << u"прив"_s << 1;
    QTest::newRow("cyrillic case") << u"МОСКВА"_s << u"москва"_s << 1;
    QTest::newRow("greek case") << u"Καλημέρα κόσμε"_s << u"καλημέρα"_s << 1;
    // unicode61 folds diacritics of Latin letters only: an unaccented Greek query misses.
    QTest::newRow("greek accents kept") << u"Καλημέρα κόσμε"_s << u"καλημερα"_s << 0;
    QTest::newRow("german sharp s") << u"Die Straße ist lang"_s << u"straße"_s << 1;
    QTest::newRow("japanese prefix of run") << u"東京タワーに行きました"_s << u"東京"_s << 1;
    QTest::newRow("emoji around words") << u"I love 🦓 zebras 🦓"_s << u"zebras"_s << 1;
    QTest::newRow("emoji only query") << u"I love 🦓 zebras"_s << u"🦓"_s << 0;
    QTest::newRow("astral letters") << u"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters"_s << u"math"_s << 1;
    QTest::newRow("arabic") << u"مرحبا بالعالم"_s << u"مرحبا"_s << 1;
}

void TestConversationStore::searchUnicode()
{
    QFETCH(QString, content);
    QFETCH(QString, query);
    QFETCH(int, expected);
    const qint64 conv = newConversation(u"ws"_s, u"unicode"_s);
    addMessage(conv, content);
    addMessage(conv, u"filler text that matches nothing"_s);
    const QList<SearchHit> hits = m_store->search(u"ws"_s, query);
    QCOMPARE(hits.size(), expected);
    if (expected > 0)
        QVERIFY(hits.first().snippet.contains(ConversationStore::kMatchStart));
}

void TestConversationStore::searchHostileQueries_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("expected"); // hits against the fixed corpus below
    QTest::newRow("unbalanced quote") << u"\"foo"_s << 1;
    QTest::newRow("trailing AND") << u"a AND"_s << 0;
    QTest::newRow("bare AND") << u"AND"_s << 1;           // a word like any other
    QTest::newRow("OR operator") << u"foo OR bar"_s << 1; // foo AND or* AND bar
    QTest::newRow("NOT operator") << u"NOT foo"_s << 1;
    QTest::newRow("NEAR") << u"NEAR(foo bar)"_s << 0; // the phrase "near foo" is absent
    QTest::newRow("NEAR words") << u"NEAR foo"_s << 1;
    QTest::newRow("star alone") << u"*"_s << 0;
    QTest::newRow("column filter") << u"content:foo"_s << 0; // phrase "content foo" is absent
    QTest::newRow("parenthesis") << u"(foo"_s << 1;
    QTest::newRow("caret") << u"^foo"_s << 1;
    QTest::newRow("minus") << u"-foo"_s << 1;
    QTest::newRow("plus") << u"foo + bar"_s << 1;
    QTest::newRow("sql injection") << u"'; DROP TABLE messages; --"_s << 0;
    QTest::newRow("only quotes") << u"\"\"\"\""_s << 0;
    QTest::newRow("empty") << QString() << 0;
    QTest::newRow("whitespace") << u" \t\n "_s << 0;
    QTest::newRow("punctuation") << u"!!! ??? ..."_s << 0;
    QTest::newRow("braces") << u"{foo bar}"_s << 1;
    QTest::newRow("backslash") << u"foo\\"_s << 1;
    QTest::newRow("nul char") << (u"foo"_s + QChar(0) + u"bar"_s) << 1;
    QTest::newRow("control chars") << (QChar(0x01) + u"foo"_s + QChar(0x1b)) << 1;
    QTest::newRow("very long") << QString(5000, u'x') << 0;
}

void TestConversationStore::searchHostileQueries()
{
    QFETCH(QString, query);
    QFETCH(int, expected);
    const qint64 conv = newConversation(u"ws"_s, u"hostile"_s);
    addMessage(conv, u"foo and bar, or not near the content"_s);
    addMessage(conv, u"something else entirely"_s);
    // failOnWarning (init) turns any SQL/FTS syntax error into a failure.
    QCOMPARE(m_store->search(u"ws"_s, query).size(), expected);
    // The table survived.
    QCOMPARE(m_store->messages(conv).size(), 2);
}

void TestConversationStore::searchFilteredByWorkspace()
{
    const qint64 a = newConversation(u"wsA"_s, u"A"_s);
    const qint64 b = newConversation(u"wsB"_s, u"B"_s);
    addMessage(a, u"shared keyword platypus"_s);
    addMessage(b, u"platypus again"_s);
    QList<SearchHit> hits = m_store->search(u"wsA"_s, u"platypus"_s);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().conversationId, a);
    hits = m_store->search(u"wsB"_s, u"platypus"_s);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits.first().conversationId, b);
    QCOMPARE(m_store->search(QString(), u"platypus"_s).size(), 2); // all workspaces
    QCOMPARE(m_store->search(u"wsC"_s, u"platypus"_s).size(), 0);
}

void TestConversationStore::searchLimitAndSnippet()
{
    const qint64 conv = newConversation(u"ws"_s, u"many"_s);
    QVERIFY(m_db->transaction());
    for (int i = 0; i < 120; ++i)
        QVERIFY(addMessage(conv, u"item %1 mentions the <b>kiwi</b> & friends"_s.arg(i)) > 0);
    QVERIFY(m_db->commit());
    QCOMPARE(m_store->search(u"ws"_s, u"kiwi"_s).size(), 50); // default limit
    QCOMPARE(m_store->search(u"ws"_s, u"kiwi"_s, 7).size(), 7);
    QCOMPARE(m_store->search(u"ws"_s, u"kiwi"_s, 0).size(), 0);
    const SearchHit hit = m_store->search(u"ws"_s, u"kiwi"_s, 1).first();
    QVERIFY2(hit.snippet.contains(ConversationStore::kMatchStart + u"kiwi"_s + ConversationStore::kMatchEnd),
             qPrintable(hit.snippet));
    const QString html = ConversationStore::snippetToHtml(hit.snippet);
    QVERIFY2(html.contains(u"&lt;b&gt;<b>kiwi</b>&lt;/b&gt; &amp; friends"_s), qPrintable(html));
}

void TestConversationStore::matchExpression_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("one word") << u"hello"_s << u"\"hello\"*"_s;
    QTest::newRow("two words") << u"hello world"_s << u"\"hello\" \"world\"*"_s;
    QTest::newRow("quote doubled") << u"say \"hi"_s << u"\"say\" \"\"\"hi\"*"_s;
    QTest::newRow("operators quoted") << u"a AND"_s << u"\"a\" \"AND\"*"_s;
    QTest::newRow("punctuation dropped") << u"hello !!!"_s << u"\"hello\"*"_s;
    QTest::newRow("empty") << QString() << QString();
}

void TestConversationStore::matchExpression()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(ConversationStore::toMatchExpression(input), expected);
}

QTEST_GUILESS_MAIN(TestConversationStore)
#include "TestConversationStore.moc"
