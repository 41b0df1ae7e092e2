// ChatSession end to end against the simulator over loopback, with a real SQLite store: the prompt
// is stored before anything is sent, the partial reply is saved while streaming, and every ending
// (complete, stopped, each fault) leaves the prompt and whatever text arrived in the database.
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/api/ApiClient.h"
#include "core/api/Clock.h"
#include "core/api/UsageService.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "sim/SimKeys.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestChatSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void completeTurnIsPersistedWithUsage();
    void costWithoutUsageCostComesFromGeneration();
    void costLookupGivesUpWithoutGenerationEndpoint();
    void costLookupNeedsAUsageService();
    void reasoningDeltasAreSignalled();
    void costFiguresOfTheConversation();
    void promptStoredBeforeNetworkAndKeptOnFailure();
    void partialReplySavedWhileStreamingAndKeptOnStop();
    void faultsKeepPromptAndPartial_data();
    void faultsKeepPromptAndPartial();
    void secondTurnSendsTheThread();
    void regenerateAndEditKeepVersions();
    void destroyedMidStreamKeepsPartialSilently();
    void diskFullMidReplyKeepsWhatWasSavedAndSaysSo();
    void diskFullBeforeFirstSaveStillStoresWhatFits();
    void diskFullForThePromptSendsNothingAndSaysSo();
    void damagedDatabaseIsNotCalledAFullDisk();

private:
    Message waitForReply(ChatSession& s);
    // Simulates a full disk: the file may not grow past the pages it has now.
    void capDatabaseAtCurrentSize();

    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
    std::unique_ptr<UsageLedger> m_ledger;
    QNetworkAccessManager m_nam;
    test::SimFixture m_sim;
    int m_dbCounter = 0;
};

void TestChatSession::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    sim::SimConfig cfg;
    cfg.tokensPerSecond = 0; // as fast as possible unless a test slows it
    cfg.ttftMs = 0;
    QVERIFY(m_sim.start(cfg));
}

void TestChatSession::init()
{
    m_db = std::make_unique<Database>(m_dir.filePath(u"chat%1.sqlite"_s.arg(++m_dbCounter)));
    QString error;
    QVERIFY2(m_db->open(&error), qPrintable(error));
    m_store = std::make_unique<ConversationStore>(*m_db);
    m_ledger = std::make_unique<UsageLedger>(*m_db);
    m_sim.server()->config().tokensPerSecond = 0;
    m_sim.server()->config().ttftMs = 0;
    m_sim.server()->config().reportUsageCost = true;
    m_sim.server()->config().offerGeneration = true;
}

void TestChatSession::cleanup()
{
    m_ledger.reset();
    m_store.reset();
    m_db.reset();
}

Message TestChatSession::waitForReply(ChatSession& s)
{
    QSignalSpy finished(&s, &ChatSession::replyFinished);
    if (!finished.wait(20000))
        return {};
    return finished.first().first().value<Message>();
}

void TestChatSession::completeTurnIsPersistedWithUsage()
{
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setWorkspaceId(u"ws1"_s);
    session.setDefaultModel(u"anthropic/claude-sonnet-4.6"_s);
    QSignalSpy finished(&session, &ChatSession::replyFinished);
    QVERIFY(session.send(u"Explain routers [[tokens=40]]"_s));
    QVERIFY(finished.wait(20000));

    const QList<Message> msgs = m_store->messages(session.conversationId());
    QCOMPARE(msgs.size(), 2);
    QCOMPARE(msgs[0].role, MessageRole::User);
    QCOMPARE(msgs[0].content, u"Explain routers [[tokens=40]]"_s);
    const Message& reply = msgs[1];
    QCOMPARE(reply.role, MessageRole::Assistant);
    QCOMPARE(reply.status, MessageStatus::Complete);
    QCOMPARE(reply.parentId, msgs[0].id);
    QVERIFY(!reply.content.isEmpty());
    QCOMPARE(reply.usage.completionTokens.value_or(-1), 40);
    QVERIFY(reply.usage.promptTokens.value_or(0) > 0);
    QVERIFY(reply.usage.cost.value_or(0) > 0);
    QVERIFY(!reply.generationId.isEmpty());
    QVERIFY(!reply.provider.isEmpty());
    QVERIFY(reply.ttftMs.has_value());
    QVERIFY(!reply.finishReason.isEmpty());

    const QList<LedgerEntry> ledger = m_ledger->entries(
        u"ws1"_s, QDateTime::currentDateTimeUtc().addSecs(-60), QDateTime::currentDateTimeUtc().addSecs(60));
    QCOMPARE(ledger.size(), 1);
    QCOMPARE(ledger[0].status, u"ok"_s);
    QCOMPARE(ledger[0].costSource, u"gateway"_s);
    QCOMPARE(ledger[0].completionTokens, 40);
    QCOMPARE(ledger[0].generationId, reply.generationId);
    QCOMPARE(ledger[0].messageId, reply.id);
    QVERIFY(ledger[0].keyLabel.endsWith(u"0000"_s));       // masked: at least 16 characters hidden
    QVERIFY(!ledger[0].keyLabel.contains(sim::fullKey())); // masked, never the key itself
    // The conversation is titled from the prompt.
    QCOMPARE(m_store->conversation(session.conversationId())->title, u"Explain routers [[tokens=40]]"_s);
}

// Reference client rule: a usage object without "cost" -> GET /generation/{id}; until it answers, the
// estimate from model prices stands (here: no pricing lookup, so no cost at all at first).
void TestChatSession::costWithoutUsageCostComesFromGeneration()
{
    m_sim.server()->config().reportUsageCost = false;
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    UsageService workspaceUsage(&client);
    ManualClock clock;
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setWorkspaceId(u"ws1"_s);
    session.setDefaultModel(u"anthropic/claude-sonnet-4.6"_s);
    session.setUsageService(&workspaceUsage);
    session.setClock(&clock);
    session.setCostLookupDelaysMs({1000, 5000});
    QSignalSpy reconciled(&session, &ChatSession::costReconciled);
    QSignalSpy threadChanged(&session, &ChatSession::threadChanged);
    const int generationRequests = m_sim.server()->requestCount(u"/generation"_s);
    QVERIFY(session.send(u"Cost me [[tokens=40]]"_s));
    const Message reply = waitForReply(session);
    QCOMPARE(reply.status, MessageStatus::Complete);
    QVERIFY(!reply.usage.cost.has_value()); // the stream did not say
    const int changesBefore = threadChanged.size();

    // Nothing is asked before the first delay has passed on the session's clock.
    QCOMPARE(clock.pendingCount(), 1);
    QCOMPARE(clock.nextDueInMs(), 1000);
    clock.advance(999);
    QCOMPARE(m_sim.server()->requestCount(u"/generation"_s), generationRequests);
    clock.advance(1);
    QVERIFY(reconciled.wait(10000));
    const Message updated = reconciled.first().first().value<Message>();
    QCOMPARE(updated.id, reply.id);
    // The gateway's own record for that id, asked independently.
    UsageService usage(&client);
    std::optional<double> gatewayCost;
    bool done = false;
    usage.fetchGeneration(reply.generationId, this, [&](const Result<GenerationStats>& r) {
        gatewayCost = r.value.totalCost;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QVERIFY(gatewayCost.value_or(0) > 0);
    QCOMPARE(updated.usage.cost, gatewayCost);
    QCOMPARE(m_store->message(reply.id)->usage.cost, updated.usage.cost); // stored
    QVERIFY(threadChanged.size() > changesBefore);                        // the transcript hears of it
    QCOMPARE(session.thread().find(reply.id)->usage.cost, updated.usage.cost);
    const QList<LedgerEntry> ledger = m_ledger->entries(u"ws1"_s, {}, {});
    QCOMPARE(ledger.size(), 1);
    QCOMPARE(ledger[0].cost, updated.usage.cost);
    QCOMPARE(ledger[0].costSource, u"gateway"_s);
    QCOMPARE(m_sim.server()->requestCount(u"/generation"_s), generationRequests + 2); // the session's, ours
}

void TestChatSession::costLookupGivesUpWithoutGenerationEndpoint()
{
    m_sim.server()->config().reportUsageCost = false;
    m_sim.server()->config().offerGeneration = false;
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    UsageService workspaceUsage(&client);
    ManualClock clock;
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setWorkspaceId(u"ws1"_s);
    session.setDefaultModel(u"anthropic/claude-sonnet-4.6"_s);
    session.setUsageService(&workspaceUsage);
    session.setClock(&clock);
    session.setPricingLookup([](const QString&) {
        ModelPricing p;
        p.inputPerM = 1.0;
        p.outputPerM = 2.0;
        return std::optional<ModelPricing>(p);
    });
    session.setCostLookupDelaysMs({0, 20});
    QSignalSpy reconciled(&session, &ChatSession::costReconciled);
    QSignalSpy abandoned(&session, &ChatSession::costLookupAbandoned);
    const int generationRequests = m_sim.server()->requestCount(u"/generation"_s);
    QVERIFY(session.send(u"No generation here [[tokens=40]]"_s));
    const Message reply = waitForReply(session);
    QCOMPARE(reply.status, MessageStatus::Complete);
    // Both attempts are made (each tries /generation/{id}, then the OpenRouter form ?id=), each after
    // its delay, then the estimate stands and nothing more is scheduled.
    QCOMPARE(clock.nextDueInMs(), 0);
    clock.advance(0);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/generation"_s), generationRequests + 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(clock.pendingCount(), 1, 10000); // the second attempt, after 20 ms
    QCOMPARE(clock.nextDueInMs(), 20);
    QCOMPARE(m_sim.server()->requestCount(u"/generation"_s), generationRequests + 2);
    clock.advance(20);
    QVERIFY(abandoned.wait(10000));
    QCOMPARE(abandoned.size(), 1);
    QCOMPARE(abandoned.first().first().toLongLong(), reply.id);
    QCOMPARE(m_sim.server()->requestCount(u"/generation"_s), generationRequests + 4);
    QCOMPARE(clock.pendingCount(), 0);
    QCOMPARE(clock.scheduledDelays(), (QList<qint64>{0, 20}));
    QCOMPARE(reconciled.size(), 0);
    const QList<LedgerEntry> ledger = m_ledger->entries(u"ws1"_s, {}, {});
    QCOMPARE(ledger.size(), 1);
    QCOMPARE(ledger[0].costSource, u"estimate"_s);
    ModelPricing p;
    p.inputPerM = 1.0;
    p.outputPerM = 2.0;
    const auto expected =
        p.costFor(reply.usage.promptTokens.value_or(0), reply.usage.completionTokens.value_or(0),
                  reply.usage.cachedTokens.value_or(0));
    QVERIFY(expected > 0);
    QCOMPARE(ledger[0].cost, std::optional<double>(expected));
    QVERIFY(!m_store->message(reply.id)->usage.cost); // the message shows no gateway cost it never got
}

void TestChatSession::promptStoredBeforeNetworkAndKeptOnFailure()
{
    // A port nobody listens on: the request fails, the prompt must already be stored.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 deadPort = probe.serverPort();
    probe.close();
    ApiClient client(&m_nam);
    client.setBaseUrl(QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(deadPort)));
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QVERIFY(session.send(u"Do not lose me"_s));
    // Synchronously after send(): no event loop has run, nothing went over the network yet.
    QList<Message> msgs = m_store->messages(session.conversationId());
    QCOMPARE(msgs.size(), 2);
    QCOMPARE(msgs[0].content, u"Do not lose me"_s);
    QCOMPARE(msgs[1].status, MessageStatus::Streaming);

    const Message reply = waitForReply(session);
    QCOMPARE(reply.status, MessageStatus::Error);
    QCOMPARE(reply.errorCategory, u"network"_s);
    QVERIFY(reply.errorText.contains(u"reach"_s));
    msgs = m_store->messages(session.conversationId());
    QCOMPARE(msgs[0].content, u"Do not lose me"_s);
    QCOMPARE(msgs[1].status, MessageStatus::Error);
}

void TestChatSession::partialReplySavedWhileStreamingAndKeptOnStop()
{
    m_sim.server()->config().tokensPerSecond = 100;
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setFlushIntervalMs(30);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QVERIFY(session.send(u"Long one [[tokens=2000]]"_s));
    const qint64 replyId = session.currentReply().id;
    QVERIFY(replyId > 0);
    // While streaming, the stored row already holds text and is still marked streaming.
    QTRY_VERIFY_WITH_TIMEOUT(m_store->message(replyId)->content.size() > 20, 10000);
    QCOMPARE(m_store->message(replyId)->status, MessageStatus::Streaming);

    QSignalSpy finished(&session, &ChatSession::replyFinished);
    session.stop();
    QVERIFY(finished.size() == 1 || finished.wait(2000));
    const Message stored = *m_store->message(replyId);
    QCOMPARE(stored.status, MessageStatus::Incomplete);
    QCOMPARE(stored.errorCategory, u"cancelled"_s);
    QVERIFY(stored.content.size() > 20);
    QCOMPARE(stored.content, session.currentReply().content);
    const auto ledger = m_ledger->entries({}, QDateTime::currentDateTimeUtc().addSecs(-60),
                                          QDateTime::currentDateTimeUtc().addSecs(60));
    QCOMPARE(ledger.size(), 1);
    QCOMPARE(ledger[0].status, u"cancelled"_s);
}

void TestChatSession::faultsKeepPromptAndPartial_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<int>("expectedStatus");
    QTest::addColumn<QString>("expectedCategory");
    QTest::addColumn<bool>("expectPartial");
    QTest::newRow("drop mid-stream") << u"drop"_s << int(MessageStatus::Incomplete) << u"stream_cut_off"_s
                                     << true;
    // Cut before the finish reason (one cut after it is a complete reply).
    QTest::newRow("truncated") << u"truncate;after=4"_s << int(MessageStatus::Incomplete)
                               << u"stream_cut_off"_s << true;
    QTest::newRow("error event") << u"error-event"_s << int(MessageStatus::Incomplete) << u"upstream"_s
                                 << true;
    QTest::newRow("malformed json") << u"malformed-json"_s << int(MessageStatus::Incomplete)
                                    << u"bad_response"_s << true;
    QTest::newRow("429") << u"429"_s << int(MessageStatus::Error) << u"rate_limited"_s << false;
    QTest::newRow("401") << u"401"_s << int(MessageStatus::Error) << u"auth"_s << false;
    QTest::newRow("402") << u"402"_s << int(MessageStatus::Error) << u"insufficient_credits"_s << false;
    QTest::newRow("503") << u"503"_s << int(MessageStatus::Error) << u"upstream"_s << false;
}

void TestChatSession::faultsKeepPromptAndPartial()
{
    QFETCH(QString, fault);
    QFETCH(int, expectedStatus);
    QFETCH(QString, expectedCategory);
    QFETCH(bool, expectPartial);
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(u"sk-ar-v1-sim-fault-"_s + fault); // every request with this key gets the fault
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    const QString prompt = u"Fault %1 [[tokens=60]]"_s.arg(fault);
    QVERIFY(session.send(prompt));
    const Message reply = waitForReply(session);
    QVERIFY(reply.id > 0);
    const QList<Message> msgs = m_store->messages(session.conversationId());
    QCOMPARE(msgs.size(), 2);
    QCOMPARE(msgs[0].content, prompt);
    QCOMPARE(int(msgs[1].status), expectedStatus);
    QCOMPARE(msgs[1].errorCategory, expectedCategory);
    QVERIFY2(!msgs[1].errorText.isEmpty(), "the user must be told why");
    QCOMPARE(!msgs[1].content.isEmpty(), expectPartial);
    QCOMPARE(msgs[1].content, reply.content);
}

void TestChatSession::secondTurnSendsTheThread()
{
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QVERIFY(session.send(u"First question [[tokens=10]]"_s));
    const Message first = waitForReply(session);
    QCOMPARE(first.status, MessageStatus::Complete);
    QVERIFY(session.send(u"Second question [[tokens=10]]"_s));
    QCOMPARE(waitForReply(session).status, MessageStatus::Complete);
    const QJsonObject body =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    const QJsonArray sent = body.value(u"messages"_s).toArray();
    QCOMPARE(sent.size(), 3);
    QCOMPARE(sent[0].toObject().value(u"content"_s).toString(), u"First question [[tokens=10]]"_s);
    QCOMPARE(sent[1].toObject().value(u"role"_s).toString(), u"assistant"_s);
    QCOMPARE(sent[1].toObject().value(u"content"_s).toString(), first.content);
    QCOMPARE(sent[2].toObject().value(u"content"_s).toString(), u"Second question [[tokens=10]]"_s);
    QVERIFY(body.value(u"stream"_s).toBool());
    QCOMPARE(body.value(u"model"_s).toString(), u"openai/gpt-5.4-mini"_s);
}

void TestChatSession::regenerateAndEditKeepVersions()
{
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QVERIFY(session.send(u"Question one [[tokens=8]]"_s));
    const Message reply1 = waitForReply(session);
    QVERIFY(session.send(u"Question two [[tokens=8]]"_s));
    const Message reply2 = waitForReply(session);

    // Regenerate: a sibling of reply2; reply2 stays stored and navigable.
    QVERIFY(session.regenerate());
    const Message reply2b = waitForReply(session);
    QCOMPARE(reply2b.parentId, reply2.parentId);
    QVERIFY(reply2b.id != reply2.id);
    auto v = session.thread().versionOf(reply2b.id);
    QCOMPARE(v.index, 2);
    QCOMPARE(v.count, 2);
    QCOMPARE(v.previousId, reply2.id);
    QCOMPARE(session.thread().leafId(), reply2b.id);

    // Edit the first prompt: a new branch from the root; the old branch is kept.
    const qint64 firstPromptId = reply1.parentId;
    QVERIFY(session.editAndResend(firstPromptId, u"Question one, rephrased [[tokens=8]]"_s));
    const Message edited = waitForReply(session);
    QList<Message> visible = session.thread().visible();
    QCOMPARE(visible.size(), 2);
    QCOMPARE(visible[0].content, u"Question one, rephrased [[tokens=8]]"_s);
    QCOMPARE(visible[1].id, edited.id);
    QCOMPARE(session.thread().versionOf(visible[0].id).index, 2);
    // The request carried only the new branch.
    const QJsonArray sent = QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s))
                                .object()
                                .value(u"messages"_s)
                                .toArray();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(m_store->messages(session.conversationId()).size(),
             7); // q1 r1 q2 r2 r2b q1b r1b: nothing destroyed

    // Navigate back to the first version of the prompt: its subtree (with reply2b chosen) returns.
    session.selectVersion(firstPromptId);
    visible = session.thread().visible();
    QCOMPARE(visible.size(), 4);
    QCOMPARE(visible[3].id, reply2b.id);

    // The choice survives reopening the conversation.
    ChatSession reopened(m_store.get(), m_ledger.get(), &client);
    QVERIFY(reopened.open(session.conversationId()));
    QCOMPARE(reopened.thread().visible().size(), 4);
    QCOMPARE(reopened.thread().leafId(), reply2b.id);
    reopened.selectVersion(reply2.id);
    ChatSession third(m_store.get(), m_ledger.get(), &client);
    QVERIFY(third.open(session.conversationId()));
    QCOMPARE(third.thread().leafId(), reply2.id);
}

void TestChatSession::destroyedMidStreamKeepsPartialSilently()
{
    // The window closing mid-reply deletes the session while its owner is half destroyed: the partial
    // reply is stored as incomplete, and no signal or pricing callback reaches the owner.
    m_sim.server()->config().tokensPerSecond = 100;
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    auto* session = new ChatSession(m_store.get(), m_ledger.get(), &client);
    session->setFlushIntervalMs(20);
    session->setDefaultModel(u"openai/gpt-5.4-mini"_s);
    bool ownerTouched = false;
    session->setPricingLookup([&ownerTouched](const QString&) -> std::optional<ModelPricing> {
        ownerTouched = true;
        return std::nullopt;
    });
    connect(session, &ChatSession::replyFinished, this, [&ownerTouched] { ownerTouched = true; });
    QVERIFY(session->send(u"Closing soon [[tokens=2000]]"_s));
    const qint64 replyId = session->currentReply().id;
    QTRY_VERIFY_WITH_TIMEOUT(m_store->message(replyId)->content.size() > 20, 10000);
    delete session;
    QVERIFY(!ownerTouched);
    const Message stored = *m_store->message(replyId);
    QCOMPARE(stored.status, MessageStatus::Incomplete);
    QVERIFY(stored.content.size() > 20);
}

void TestChatSession::capDatabaseAtCurrentSize()
{
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"PRAGMA page_count"_s) && q.next());
    const int pages = q.value(0).toInt();
    QVERIFY(q.exec(u"PRAGMA max_page_count=%1"_s.arg(pages)));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), pages);
}

void TestChatSession::diskFullMidReplyKeepsWhatWasSavedAndSaysSo()
{
    m_sim.server()->config().tokensPerSecond = 400;
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setFlushIntervalMs(20);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QSignalSpy failed(&session, &ChatSession::storageFailed);
    QVERIFY(session.send(u"Fill the disk [[tokens=3000]]"_s));
    const qint64 replyId = session.currentReply().id;
    QTRY_VERIFY_WITH_TIMEOUT(m_store->message(replyId)->content.size() > 300, 10000);
    capDatabaseAtCurrentSize();
    const qsizetype savedBefore = m_store->message(replyId)->content.size();

    const Message reply = waitForReply(session);
    QCOMPARE(reply.status, MessageStatus::Complete); // the stream itself was fine
    QVERIFY(!failed.isEmpty());
    const QString error = failed.last().first().toString();
    QVERIFY2(error.contains(u"the disk is full"_s), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(m_db->filePath())), qPrintable(error));
    QVERIFY2(!error.contains(u"kept in memory"_s), qPrintable(error)); // it is not, once the app closes
    // What was stored stays (never less than the last partial save), as a prefix of the reply.
    const Message stored = *m_store->message(replyId);
    QVERIFY2(stored.content.size() >= savedBefore,
             qPrintable(u"%1 < %2"_s.arg(stored.content.size()).arg(savedBefore)));
    QVERIFY(stored.content.size() < reply.content.size());
    QVERIFY(reply.content.startsWith(stored.content));
    // The session still has the whole reply for the window to show.
    QCOMPARE(session.thread().find(replyId)->content, reply.content);
    // The prompt is intact.
    QCOMPARE(m_store->messages(session.conversationId()).first().content, u"Fill the disk [[tokens=3000]]"_s);
}

void TestChatSession::diskFullBeforeFirstSaveStillStoresWhatFits()
{
    // The reported case: the disk fills before the first partial save, the reply arrives whole and
    // its final write fails. The row must not stay empty when part of the text fits.
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QSignalSpy failed(&session, &ChatSession::storageFailed);
    QVERIFY(session.send(u"Fill it now [[tokens=3000]]"_s));
    const qint64 replyId = session.currentReply().id;
    QVERIFY(replyId > 0);
    capDatabaseAtCurrentSize(); // before any byte of the reply arrived
    const Message reply = waitForReply(session);
    QCOMPARE(reply.status, MessageStatus::Complete);
    QVERIFY(!failed.isEmpty());
    const QString error = failed.last().first().toString();
    QVERIFY2(error.contains(u"the disk is full"_s), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(m_db->filePath())), qPrintable(error));
    const Message stored = *m_store->message(replyId);
    QVERIFY2(!stored.content.isEmpty(), "the text that fits is stored, not 0 characters");
    QVERIFY(reply.content.startsWith(stored.content));
    QVERIFY(stored.content.size() < reply.content.size());
}

void TestChatSession::diskFullForThePromptSendsNothingAndSaysSo()
{
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    capDatabaseAtCurrentSize();
    const int requests = m_sim.server()->requestCount(u"/chat/completions"_s);
    const QString prompt = u"A long prompt that does not fit. "_s.repeated(3000);
    QString error;
    QVERIFY(!session.send(prompt, &error));
    QVERIFY2(error.contains(u"the disk is full"_s), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(m_db->filePath())), qPrintable(error));
    QVERIFY2(error.contains(u"not sent"_s), qPrintable(error));
    QVERIFY(!session.stream()); // no stream was made, so no request can go out later
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), requests); // nothing went out
    QVERIFY(!session.isStreaming());
}

// Garbage over the messages table's root page of a database opened without its check (as a large
// file is, until the background check ends): sending says the file is damaged, not that the disk is
// full.
void TestChatSession::damagedDatabaseIsNotCalledAFullDisk()
{
    const QString file = m_db->filePath();
    int root = 0;
    int pageSize = 0;
    {
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(u"SELECT rootpage FROM sqlite_master WHERE name = 'messages'"_s) && q.next());
        root = q.value(0).toInt();
        QVERIFY(q.exec(u"PRAGMA page_size"_s) && q.next());
        pageSize = q.value(0).toInt();
    }
    m_ledger.reset();
    m_store.reset();
    m_db.reset(); // closed: the WAL is folded into the file
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(qint64(root - 1) * pageSize));
        f.write(QByteArray(pageSize, '\x3C'));
    }
    m_db = std::make_unique<Database>(file);
    m_db->setQuickCheckLimitBytes(0); // the check is left to a background thread
    QString openError;
    QVERIFY2(m_db->open(&openError), qPrintable(openError));
    m_store = std::make_unique<ConversationStore>(*m_db);
    m_ledger = std::make_unique<UsageLedger>(*m_db);

    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    QString error;
    QVERIFY(!session.send(u"Hello"_s, &error));
    QVERIFY2(error.contains(u"damaged"_s), qPrintable(error));
    QVERIFY2(!error.contains(u"disk"_s), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(file)), qPrintable(error));
}

// Without the workspace's UsageService nothing is asked and nothing is scheduled: the session makes
// no service of its own.
void TestChatSession::costLookupNeedsAUsageService()
{
    m_sim.server()->config().reportUsageCost = false;
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    ManualClock clock;
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"anthropic/claude-sonnet-4.6"_s);
    session.setClock(&clock);
    session.setCostLookupDelaysMs({0});
    const int generationRequests = m_sim.server()->requestCount(u"/generation"_s);
    QVERIFY(session.send(u"Cost me [[tokens=10]]"_s));
    const Message reply = waitForReply(session);
    QVERIFY(!reply.generationId.isEmpty());
    QVERIFY(!reply.usage.cost);
    QCOMPARE(clock.pendingCount(), 0);
    QVERIFY(clock.scheduledDelays().isEmpty());
    QCOMPARE(m_sim.server()->requestCount(u"/generation"_s), generationRequests);
}

// The reasoning arrives through the session like the text does (the transcript listens to the
// session, never to its stream): every piece, in order, for the reply's row.
void TestChatSession::reasoningDeltasAreSignalled()
{
    ApiClient client(&m_nam);
    client.setBaseUrl(m_sim.baseUrl());
    client.setKeys(sim::fullKey());
    Conversation c;
    c.workspaceId = u"ws1"_s;
    c.model = u"openai/gpt-5.4"_s; // a reasoning model
    c.parameters.insert(u"reasoning"_s, QJsonObject{{u"effort"_s, u"low"_s}});
    QVERIFY(m_store->createConversation(c));
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    QVERIFY(session.open(c.id));
    QSignalSpy reasoning(&session, &ChatSession::reasoningDelta);
    QSignalSpy text(&session, &ChatSession::replyDelta);
    QVERIFY(session.send(u"Think first [[tokens=12]]"_s));
    const Message reply = waitForReply(session);
    QCOMPARE(reply.status, MessageStatus::Complete);
    QVERIFY(!reply.reasoning.isEmpty());
    QVERIFY(!reasoning.isEmpty());
    QString joined;
    for (const QList<QVariant>& args : std::as_const(reasoning)) {
        QCOMPARE(args.at(0).toLongLong(), reply.id);
        joined += args.at(1).toString();
    }
    QCOMPARE(joined, reply.reasoning);
    QString content;
    for (const QList<QVariant>& args : std::as_const(text))
        content += args.at(1).toString();
    QCOMPARE(content, reply.content); // the reasoning is not mixed into the text
}

// The header's figures, from the session: the total of stored costs, the context of the next
// message (reported tokens of the last reply, else chars/4) and its price at the model's input rate.
void TestChatSession::costFiguresOfTheConversation()
{
    ApiClient client(&m_nam);
    Conversation c;
    c.workspaceId = u"ws1"_s;
    c.model = u"some/model"_s;
    c.systemPrompt = u"Be brief."_s; // 9 characters
    QVERIFY(m_store->createConversation(c));
    Message user;
    user.conversationId = c.id;
    user.role = MessageRole::User;
    user.content = u"0123456789012345678901234567890"_s; // 31 characters
    QVERIFY(m_store->insertMessage(user));
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    QHash<QString, ModelPricing> prices;
    ModelPricing priced;
    priced.inputPerM = 2.0;
    prices.insert(u"some/model"_s, priced);
    prices.insert(u"no/input-price"_s, ModelPricing{});
    session.setPricingLookup([&prices](const QString& id) -> std::optional<ModelPricing> {
        const auto it = prices.constFind(id);
        return it == prices.constEnd() ? std::nullopt : std::optional<ModelPricing>(*it);
    });

    QVERIFY(session.open(c.id));
    QCOMPARE(session.currentModel(), u"some/model"_s);
    QCOMPARE(session.totalCost(), 0.0);
    QCOMPARE(session.contextTokens(), qint64((9 + 31) / 4));
    qint64 tokens = -1;
    QCOMPARE(session.nextMessageEstimate(u"some/model"_s, &tokens), std::optional<double>(10 * 2.0 / 1e6));
    QCOMPARE(tokens, 10);
    QVERIFY(!session.nextMessageEstimate(u"no/input-price"_s));
    QVERIFY(!session.nextMessageEstimate(u"unknown/model"_s, &tokens));
    QCOMPARE(tokens, 10); // the context is known even when its price is not

    // Two replies with reported figures (one of them an older version): the total counts every
    // stored cost, the context is what the gateway reported for the shown reply.
    Message older;
    older.conversationId = c.id;
    older.parentId = user.id;
    older.role = MessageRole::Assistant;
    older.status = MessageStatus::Complete;
    older.content = u"old"_s;
    older.usage.cost = 0.25;
    older.usage.promptTokens = 5;
    older.usage.completionTokens = 5;
    QVERIFY(m_store->insertMessage(older));
    Message shown = older;
    shown.id = 0;
    shown.content = u"new"_s;
    shown.usage.cost = 0.5;
    shown.usage.promptTokens = 1200;
    shown.usage.completionTokens = 34;
    QVERIFY(m_store->insertMessage(shown));
    QVERIFY(session.open(c.id));
    QCOMPARE(session.totalCost(), 0.75);
    QCOMPARE(session.contextTokens(), qint64(1234));
    QCOMPARE(session.nextMessageEstimate(u"some/model"_s), std::optional<double>(1234 * 2.0 / 1e6));

    // A reply without reported tokens does not count: back to chars/4 of the visible thread.
    Message unreported = shown;
    unreported.id = 0;
    unreported.content = u"abcdefgh"_s; // 8 characters
    unreported.usage = Usage{};
    QVERIFY(m_store->insertMessage(unreported));
    QVERIFY(session.open(c.id));
    QCOMPARE(session.contextTokens(), qint64((9 + 31 + 8) / 4));
}

QTEST_GUILESS_MAIN(TestChatSession)
#include "TestChatSession.moc"
