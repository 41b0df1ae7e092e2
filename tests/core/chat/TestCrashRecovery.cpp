// The kill -9 guarantee: a process streaming a reply is killed with SIGKILL; the next start (opening
// the same database through AppContext, as the app does) shows the prompt and the partial reply,
// marked incomplete.
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/SecretStore.h"
#include "sim/SimKeys.h"

#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestCrashRecovery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void killDashNineMidStreamKeepsPromptAndPartial();
    void onlyThePrimaryInstanceRecovers();
};

void TestCrashRecovery::onlyThePrimaryInstanceRecovers()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dbPath = dir.filePath(u"shared.sqlite"_s);
    auto makeContext = [&dbPath] {
        AppContext::Options opts;
        opts.databasePath = dbPath;
        opts.secretStore = std::make_unique<MemorySecretStore>();
        return std::make_unique<AppContext>(std::move(opts));
    };
    auto window = makeContext();
    QVERIFY(window->open(nullptr));
    QVERIFY(window->isPrimaryInstance());
    Conversation c;
    c.workspaceId = u"ws"_s;
    QVERIFY(window->conversations()->createConversation(c));
    Message live;
    live.conversationId = c.id;
    live.role = MessageRole::Assistant;
    live.status = MessageStatus::Streaming;
    live.content = u"still arriving"_s;
    QVERIFY(window->conversations()->insertMessage(live));

    // A second instance (e.g. --ask while the window streams) must leave the live reply alone.
    auto ask = makeContext();
    QVERIFY(ask->open(nullptr));
    QVERIFY(!ask->isPrimaryInstance());
    QCOMPARE(ask->recoveredMessages(), 0);
    QCOMPARE(ask->conversations()->message(live.id)->status, MessageStatus::Streaming);
    ask.reset();

    // Once the first instance is gone, the next start recovers.
    window.reset();
    auto next = makeContext();
    QVERIFY(next->open(nullptr));
    QVERIFY(next->isPrimaryInstance());
    QCOMPARE(next->recoveredMessages(), 1);
    QCOMPARE(next->conversations()->message(live.id)->status, MessageStatus::Incomplete);
}

void TestCrashRecovery::killDashNineMidStreamKeepsPromptAndPartial()
{
#ifdef Q_OS_WIN
    QSKIP("SIGKILL semantics are POSIX; TerminateProcess is covered by the same code path");
#endif
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dbPath = dir.filePath(u"crash.sqlite"_s);
    test::SimFixture sim;
    sim::SimConfig cfg;
    cfg.tokensPerSecond = 40; // slow enough to catch it mid-stream
    cfg.ttftMs = 0;
    QVERIFY(sim.start(cfg));

    const QString prompt = u"Tell me everything about routers [[tokens=3000]]"_s;
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationDirPath() + u"/chat_turn_child"_s,
                {dbPath, sim.baseUrl().toString(), sim::fullKey(), prompt});
    QVERIFY2(child.waitForStarted(5000), qPrintable(child.errorString()));

    // Poll the child's database (WAL allows a reader beside the writer) until a partial reply is stored.
    Database reader(dbPath);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dbPath), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(reader.open(), 10000);
    auto partialLength = [&reader]() -> int {
        QSqlQuery q(reader.connection());
        q.exec(u"SELECT length(content) FROM messages WHERE role = 'assistant' AND status = 'streaming'"_s);
        return q.next() ? q.value(0).toInt() : 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(partialLength() > 40, 15000);
    QCOMPARE(child.state(), QProcess::Running);

    child.kill(); // SIGKILL: no destructor, no flush, no goodbye
    QVERIFY(child.waitForFinished(5000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    const int lengthAtKill = partialLength();
    QVERIFY(lengthAtKill > 40);

    // "Next start": the app's context opens the database and recovers.
    AppContext::Options opts;
    opts.databasePath = dbPath;
    opts.secretStore = std::make_unique<MemorySecretStore>();
    AppContext ctx(std::move(opts));
    QString error;
    QVERIFY2(ctx.open(&error), qPrintable(error));
    QCOMPARE(ctx.recoveredMessages(), 1);

    const QList<Conversation> convs = ctx.conversations()->conversations(u"crash-ws"_s);
    QCOMPARE(convs.size(), 1);
    const QList<Message> msgs = ctx.conversations()->messages(convs[0].id);
    QCOMPARE(msgs.size(), 2);
    QCOMPARE(msgs[0].role, MessageRole::User);
    QCOMPARE(msgs[0].content, prompt);
    QCOMPARE(msgs[1].role, MessageRole::Assistant);
    QCOMPARE(msgs[1].status, MessageStatus::Incomplete);
    QCOMPARE(msgs[1].content.size(), lengthAtKill);
    QVERIFY(msgs[1].errorText.contains(u"Interrupted"_s));
}

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "TestCrashRecovery.moc"
