// `anyrouter-desktop --ask` end to end: the real binary, without a display, against an in-process
// simulator. Standard output is exactly the reply (checked against a non-streamed request for the
// same prompt and against what the app stored), the turn lands in the app's database, errors go to
// standard error with the gateway's reason and keep the prompt, usage errors exit 2, the workspace
// is chosen as documented, and Ctrl+C mid-stream exits 130 keeping the partial reply.
#include "AskProcess.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/domain/Workspace.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/Settings.h"
#include "sim/SimKeys.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace anyrouter;
using namespace anyrouter::test;
using namespace Qt::StringLiterals;

class TestAskCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void replyGoesToStdoutAndIntoHistory();
    void promptFromStdin();
    void modelOption();
    void failuresExitOneWithReasonAndKeepPrompt_data();
    void failuresExitOneWithReasonAndKeepPrompt();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void workspaceChoice_data();
    void workspaceChoice();
    void helpNeedsNoDisplay();
    void sigintMidStreamKeepsPartial();
    void diskFullExitsOneAndKeepsWhatFits();
    void damagedDatabaseIsMovedAsideAndNamedOnStderr();

private:
    QProcessEnvironment envWithKey(const QString& key) const;
    // The sim's reply for a single-prompt conversation, asked without streaming: the oracle.
    QString referenceReply(const QString& prompt, const QString& model);
    struct Stored
    {
        QList<Conversation> conversations;
        QList<Message> messages; // of the first conversation
    };
    Stored stored(const QString& workspaceId) const;

    QNetworkAccessManager m_nam;
    SimFixture m_sim;
    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<AskProcess> m_ask;
};

void TestAskCommand::initTestCase()
{
    initHermeticEnvironment();
    QVERIFY2(QFile::exists(AskProcess::binary()), qPrintable(AskProcess::binary()));
    QVERIFY(m_sim.start(SimFixture::fastConfig()));
}

void TestAskCommand::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_ask = std::make_unique<AskProcess>(m_home->path());
    m_sim.server()->config() = SimFixture::fastConfig();
}

void TestAskCommand::cleanup()
{
    m_ask.reset();
    m_home.reset();
}

QProcessEnvironment TestAskCommand::envWithKey(const QString& key) const
{
    QProcessEnvironment env = m_ask->environment();
    env.insert(u"ANYROUTER_BASE_URL"_s, m_sim.baseUrl().toString());
    env.insert(u"ANYROUTER_API_KEY"_s, key);
    return env;
}

QString TestAskCommand::referenceReply(const QString& prompt, const QString& model)
{
    QNetworkRequest req(QUrl(m_sim.baseUrl().toString() + u"/chat/completions"_s));
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    req.setRawHeader("Authorization", "Bearer " + sim::fullKey().toUtf8());
    const QJsonObject body{
        {u"model"_s, model},
        {u"stream"_s, false},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, prompt}}}}};
    QNetworkReply* reply = m_nam.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(10000))
        return u"<no reference reply>"_s;
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return o.value(u"choices"_s)
        .toArray()
        .at(0)
        .toObject()
        .value(u"message"_s)
        .toObject()
        .value(u"content"_s)
        .toString();
}

TestAskCommand::Stored TestAskCommand::stored(const QString& workspaceId) const
{
    Stored s;
    if (!QFile::exists(m_ask->databasePath()))
        return s;
    Database db(m_ask->databasePath());
    if (!db.open())
        return s;
    ConversationStore store(db);
    s.conversations = store.conversations(workspaceId);
    if (!s.conversations.isEmpty())
        s.messages = store.messages(s.conversations.first().id);
    return s;
}

void TestAskCommand::replyGoesToStdoutAndIntoHistory()
{
    const QString prompt = u"Explain SSE framing, briefly."_s;
    const AskResult r = m_ask->run({u"--ask"_s, prompt}, envWithKey(sim::fullKey()));
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QVERIFY2(r.exitCode == 0, r.err.constData());

    const QString reference = referenceReply(prompt, QString::fromUtf16(Workspace::kDefaultModel));
    QVERIFY(reference.size() > 20);
    QCOMPARE(QString::fromUtf8(r.out), reference + u'\n');
    QVERIFY2(r.err.isEmpty(), r.err.constData()); // no chatter on a clean run either

    const Stored s = stored(u"env"_s);
    QCOMPARE(s.conversations.size(), 1);
    QCOMPARE(s.conversations[0].model, QString::fromUtf16(Workspace::kDefaultModel));
    QCOMPARE(s.conversations[0].title, prompt);
    QCOMPARE(s.messages.size(), 2);
    QCOMPARE(s.messages[0].role, MessageRole::User);
    QCOMPARE(s.messages[0].content, prompt);
    QCOMPARE(s.messages[1].role, MessageRole::Assistant);
    QCOMPARE(s.messages[1].parentId, s.messages[0].id);
    QCOMPARE(s.messages[1].status, MessageStatus::Complete);
    QCOMPARE(s.messages[1].content, reference);
    QVERIFY(s.messages[1].usage.completionTokens.value_or(0) > 0);
    QVERIFY(s.messages[1].usage.cost.has_value());
    QVERIFY(!s.messages[1].generationId.isEmpty());

    // The usage ledger got its row too, as for a turn in the window.
    Database db(m_ask->databasePath());
    QVERIFY(db.open());
    QSqlQuery q(db.connection());
    QVERIFY(q.exec(u"SELECT count(*), max(workspace_id) FROM usage_ledger"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    QCOMPARE(q.value(1).toString(), u"env"_s);
}

void TestAskCommand::promptFromStdin()
{
    const QString prompt = u"Naïve question from a pipe: what is 日本?\nSecond line."_s;
    const AskResult r = m_ask->run({u"--ask"_s, u"-"_s}, envWithKey(sim::fullKey()), prompt.toUtf8() + "\n");
    QVERIFY2(r.finished && r.exitCode == 0, r.err.constData());
    const QString reference = referenceReply(prompt, QString::fromUtf16(Workspace::kDefaultModel));
    QCOMPARE(QString::fromUtf8(r.out), reference + u'\n');
    const Stored s = stored(u"env"_s);
    QCOMPARE(s.messages.size(), 2);
    QCOMPARE(s.messages[0].content, prompt); // the pipe's final newline is not part of the question
    QCOMPARE(s.messages[1].content, reference);
}

void TestAskCommand::modelOption()
{
    const QString model = u"anthropic/claude-haiku-4.5"_s;
    const QString prompt = u"Which model are you? [[tokens=25]]"_s;
    const AskResult r = m_ask->run({u"--ask"_s, prompt, u"--model"_s, model}, envWithKey(sim::fullKey()));
    QVERIFY2(r.finished && r.exitCode == 0, r.err.constData());
    const QJsonObject sent =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    QCOMPARE(sent.value(u"model"_s).toString(), model);
    QCOMPARE(sent.value(u"stream"_s).toBool(), true);
    const Stored s = stored(u"env"_s);
    QCOMPARE(s.conversations.size(), 1);
    QCOMPARE(s.conversations[0].model, model);
    QCOMPARE(s.messages.size(), 2);
    QCOMPARE(s.messages[1].model, model);
    QCOMPARE(s.messages[1].servedModel, model);
    QCOMPARE(QString::fromUtf8(r.out), s.messages[1].content + u'\n');
    QCOMPARE(s.messages[1].usage.completionTokens, std::optional<qint64>(25));
}

void TestAskCommand::failuresExitOneWithReasonAndKeepPrompt_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QStringList>("extraArgs");
    QTest::addColumn<QString>("reason");   // in the message on stderr
    QTest::addColumn<bool>("partialText"); // some reply text arrived before the failure
    QTest::newRow("401 bad key") << u"sk-ar-v1-sim-fault-401"_s << QStringList() << u"rejected the API key"_s
                                 << false;
    QTest::newRow("402 out of credits")
        << u"sk-ar-v1-sim-fault-402"_s << QStringList() << u"Out of credits"_s << false;
    QTest::newRow("unknown model") << sim::fullKey() << QStringList{u"--model"_s, u"nobody/no-such-model"_s}
                                   << u"does not know this model"_s << false;
    QTest::newRow("error event mid-stream")
        << u"sk-ar-v1-sim-fault-error-event"_s << QStringList() << QString() << true;
}

void TestAskCommand::failuresExitOneWithReasonAndKeepPrompt()
{
    QFETCH(QString, key);
    QFETCH(QStringList, extraArgs);
    QFETCH(QString, reason);
    QFETCH(bool, partialText);
    const QString prompt = u"This will not end well [[tokens=60]]"_s;
    const AskResult r = m_ask->run(QStringList{u"--ask"_s, prompt} + extraArgs, envWithKey(key));
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 1);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(err.startsWith(u"anyrouter-desktop: "_s), r.err.constData());
    if (!reason.isEmpty())
        QVERIFY2(err.contains(reason), r.err.constData());

    const Stored s = stored(u"env"_s);
    QCOMPARE(s.messages.size(), 2);
    QCOMPARE(s.messages[0].content, prompt); // the prompt is kept whatever happened
    const Message& reply = s.messages[1];
    QVERIFY(reply.status == MessageStatus::Error || reply.status == MessageStatus::Incomplete);
    QVERIFY(!reply.errorText.isEmpty());
    QVERIFY2(err.contains(reply.errorText), qPrintable(err + u" / "_s + reply.errorText));
    if (partialText) {
        QVERIFY(!reply.content.isEmpty());
        QCOMPARE(QString::fromUtf8(r.out), reply.content + u'\n');
    } else {
        QVERIFY(reply.content.isEmpty());
        QVERIFY2(r.out.isEmpty(), r.out.constData()); // nothing but reply text ever goes to stdout
    }
}

void TestAskCommand::usageErrorsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("withKey");
    QTest::addColumn<QByteArray>("stdinData");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown workspace") << QStringList{u"--ask"_s, u"hi"_s, u"--workspace"_s, u"Nope"_s}
                                       << true << QByteArray() << u"No workspace named \"Nope\""_s;
    QTest::newRow("empty prompt") << QStringList{u"--ask"_s, u""_s} << true << QByteArray()
                                  << u"prompt is empty"_s;
    QTest::newRow("blank stdin") << QStringList{u"--ask"_s, u"-"_s} << true << QByteArray(" \n\t\n")
                                 << u"prompt is empty"_s;
    QTest::newRow("no prompt value") << QStringList{u"--ask"_s} << true << QByteArray() << u"Missing value"_s;
    QTest::newRow("unknown option") << QStringList{u"--ask"_s, u"hi"_s, u"--frobnicate"_s} << true
                                    << QByteArray() << u"Unknown option"_s;
    QTest::newRow("unquoted prompt") << QStringList{u"--ask"_s, u"hello"_s, u"world"_s} << true
                                     << QByteArray() << u"unexpected argument \"world\""_s;
    QTest::newRow("empty model") << QStringList{u"--ask"_s, u"hi"_s, u"--model"_s, u" "_s} << true
                                 << QByteArray() << u"--model needs a model id"_s;
    QTest::newRow("no workspace at all")
        << QStringList{u"--ask"_s, u"hi"_s} << false << QByteArray() << u"--workspace Demo"_s;
}

void TestAskCommand::usageErrorsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(bool, withKey);
    QFETCH(QByteArray, stdinData);
    QFETCH(QString, message);
    const int before = m_sim.server()->requestCount(u"/chat/completions"_s);
    const AskResult r =
        m_ask->run(args, withKey ? envWithKey(sim::fullKey()) : m_ask->environment(), stdinData);
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY2(r.out.isEmpty(), r.out.constData());
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), before);
    QCOMPARE(stored(u"env"_s).conversations.size(), 0);
}

void TestAskCommand::workspaceChoice_data()
{
    QTest::addColumn<bool>("envKey");
    QTest::addColumn<QString>("lastUsed");
    QTest::addColumn<QStringList>("extraArgs");
    QTest::addColumn<QString>("expectedWorkspace");
    QTest::addColumn<QString>("stderrPart"); // empty: stderr must be empty
    QTest::newRow("environment key") << true << QString() << QStringList() << u"env"_s << QString();
    QTest::newRow("environment beats last used")
        << true << u"demo"_s << QStringList() << u"env"_s << QString();
    QTest::newRow("last used when no key")
        << false << u"demo"_s << QStringList() << u"demo"_s << u"using the Demo workspace"_s;
    QTest::newRow("--workspace beats environment")
        << true << QString() << QStringList{u"--workspace"_s, u"DEMO"_s} << u"demo"_s << QString();
    QTest::newRow("--workspace by id")
        << false << QString() << QStringList{u"--workspace"_s, u"demo"_s} << u"demo"_s << QString();
    QTest::newRow("--demo") << false << QString() << QStringList{u"--demo"_s} << u"demo"_s << QString();
    QTest::newRow("--workspace Environment")
        << true << u"demo"_s << QStringList{u"--workspace"_s, u"environment"_s} << u"env"_s << QString();
}

void TestAskCommand::workspaceChoice()
{
    QFETCH(bool, envKey);
    QFETCH(QString, lastUsed);
    QFETCH(QStringList, extraArgs);
    QFETCH(QString, expectedWorkspace);
    QFETCH(QString, stderrPart);
    if (!lastUsed.isEmpty()) {
        // Written the way the window does it, into the settings file the app will read.
        QSettings file(m_ask->settingsPath(), QSettings::NativeFormat);
        Settings settings(&file);
        settings.setLastWorkspaceId(lastUsed);
        settings.sync();
        QCOMPARE(file.status(), QSettings::NoError);
    }
    // The Demo gateway paces replies like a model (80 tokens/s): keep them short.
    const QString prompt = u"Where am I? [[tokens=8]]"_s;
    const AskResult r = m_ask->run(QStringList{u"--ask"_s, prompt} + extraArgs,
                                   envKey ? envWithKey(sim::fullKey()) : m_ask->environment());
    QVERIFY2(r.finished, r.err.constData());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    if (stderrPart.isEmpty())
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    else
        QVERIFY2(QString::fromUtf8(r.err).contains(stderrPart), r.err.constData());
    const Stored s = stored(expectedWorkspace);
    QCOMPARE(s.conversations.size(), 1);
    QCOMPARE(s.messages.size(), 2);
    QCOMPARE(s.messages[1].status, MessageStatus::Complete);
    QCOMPARE(QString::fromUtf8(r.out), s.messages[1].content + u'\n');
    QCOMPARE(s.messages[1].usage.completionTokens, std::optional<qint64>(8));
    const QString other = expectedWorkspace == u"env"_s ? u"demo"_s : u"env"_s;
    QCOMPARE(stored(other).conversations.size(), 0);
    // Asking from the terminal does not change which workspace the window opens next time.
    QSettings after(m_ask->settingsPath(), QSettings::NativeFormat);
    QCOMPARE(Settings(&after).lastWorkspaceId(), lastUsed);
}

void TestAskCommand::helpNeedsNoDisplay()
{
    const AskResult r = m_ask->run({u"--help"_s}, m_ask->environment());
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("--ask <PROMPT>"));
    QVERIFY(r.out.contains("--model <ID>"));
    QVERIFY(!QFile::exists(m_ask->databasePath())); // --help touches nothing
}

void TestAskCommand::sigintMidStreamKeepsPartial()
{
#ifndef Q_OS_UNIX
    QSKIP("SIGINT delivery to a child is POSIX");
#else
    m_sim.server()->config().tokensPerSecond = 60; // slow enough to interrupt mid-stream
    const QString prompt = u"Tell me everything about routers [[tokens=3000]]"_s;
    const AskResult r =
        m_ask->run({u"--ask"_s, prompt}, envWithKey(sim::fullKey()), {}, [](QProcess& p, AskResult& res) {
            // Interrupt once some reply text has reached stdout.
            const bool streaming = QTest::qWaitFor(
                [&] {
                    res.out += p.readAllStandardOutput();
                    return res.out.size() > 60;
                },
                20000);
            if (streaming)
                ::kill(pid_t(p.processId()), SIGINT);
        });
    QVERIFY2(r.finished, r.err.constData());
    QVERIFY2(r.out.size() > 60, "no reply text before the interrupt");
    QCOMPARE(r.exitStatus, QProcess::NormalExit); // handled, not killed by the signal
    QCOMPARE(r.exitCode, 130);
    QVERIFY2(QString::fromUtf8(r.err).contains(u"stopped"_s), r.err.constData());

    const Stored s = stored(u"env"_s);
    QCOMPARE(s.messages.size(), 2);
    QCOMPARE(s.messages[0].content, prompt);
    const Message& partial = s.messages[1];
    QCOMPARE(partial.status, MessageStatus::Incomplete);
    QCOMPARE(partial.errorCategory, u"cancelled"_s);
    QVERIFY(partial.content.size() >= 60);
    // Everything printed is what was kept, and the reply really was cut short.
    QCOMPARE(QString::fromUtf8(r.out), partial.content + u'\n');
    QVERIFY(partial.usage.completionTokens.value_or(0) < 3000);
    // Stopped cleanly: nothing left "streaming" for crash recovery to find.
    Database db(m_ask->databasePath());
    QVERIFY(db.open());
    ConversationStore store(db);
    QCOMPARE(store.recoverInterrupted(), 0);
#endif
}

// A full disk mid-reply, simulated with the test-only page cap (ANYROUTER_TEST_MAX_PAGE_COUNT,
// honoured with ANYROUTER_TESTING=1): exit 1, the file and the cause on stderr, the whole reply on
// stdout, and as much of it as fits in the history (not 0 characters).
void TestAskCommand::diskFullExitsOneAndKeepsWhatFits()
{
    // A first turn creates the database; its size is where the cap goes.
    const AskResult first = m_ask->run({u"--ask"_s, u"Warm up [[tokens=5]]"_s}, envWithKey(sim::fullKey()));
    QVERIFY2(first.finished && first.exitCode == 0, first.err.constData());
    int pages = 0;
    {
        Database db(m_ask->databasePath());
        QVERIFY(db.open());
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(u"PRAGMA page_count"_s) && q.next());
        pages = q.value(0).toInt();
    }
    QVERIFY(pages > 0);
    QProcessEnvironment env = envWithKey(sim::fullKey());
    env.insert(u"ANYROUTER_TESTING"_s, u"1"_s);
    env.insert(u"ANYROUTER_TEST_MAX_PAGE_COUNT"_s, QString::number(pages + 2));
    const QString prompt = u"Fill the disk [[tokens=3000]]"_s;
    const AskResult r = m_ask->run({u"--ask"_s, prompt}, env);
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitStatus, QProcess::NormalExit);
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(r.exitCode == 1, qPrintable(u"exit %1: "_s.arg(r.exitCode) + err));
    QVERIFY2(err.contains(QDir::toNativeSeparators(m_ask->databasePath())), qPrintable(err));
    QVERIFY2(err.contains(u"the disk is full"_s), qPrintable(err));
    QVERIFY2(!err.contains(u"kept in memory"_s), qPrintable(err));
    const QString out = QString::fromUtf8(r.out);
    QVERIFY(out.size() > 1000); // the reply itself streamed out whole

    const Stored s = stored(u"env"_s);
    QVERIFY(s.messages.size() == 2);
    QCOMPARE(s.messages[0].content, prompt);
    const Message& reply = s.messages[1];
    QVERIFY2(!reply.content.isEmpty(), "what fits is stored, not 0 characters");
    QVERIFY(out.startsWith(reply.content));
    QVERIFY(reply.content.size() + 1 < out.size());
}

// A database file that is not one (random bytes): --ask moves it aside, says where on stderr, and
// answers on a fresh database. Nothing is deleted.
void TestAskCommand::damagedDatabaseIsMovedAsideAndNamedOnStderr()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_ask->databasePath()).absolutePath()));
    QByteArray garbage(32 * 1024, '\0');
    for (int i = 0; i < garbage.size(); ++i)
        garbage[i] = char((i * 2654435761u) >> 11);
    {
        QFile f(m_ask->databasePath());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(garbage);
    }
    const AskResult r = m_ask->run({u"--ask"_s, u"Still there? [[tokens=8]]"_s}, envWithKey(sim::fullKey()));
    QVERIFY2(r.finished, r.err.constData());
    const QString err = QString::fromUtf8(r.err);
    QVERIFY2(r.exitCode == 0, qPrintable(err));
    QVERIFY(!r.out.isEmpty());
    const QDir dir = QFileInfo(m_ask->databasePath()).dir();
    const QStringList moved = dir.entryList({u"anyrouter.sqlite.corrupt-*"_s}, QDir::Files);
    QVERIFY2(moved.size() == 1, qPrintable(dir.entryList(QDir::Files).join(u", "_s)));
    QVERIFY2(err.contains(QDir::toNativeSeparators(dir.filePath(moved.constFirst()))), qPrintable(err));
    QFile f(dir.filePath(moved.constFirst()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), garbage);
    QCOMPARE(stored(u"env"_s).messages.size(), 2); // the turn is in the fresh database
}

QTEST_GUILESS_MAIN(TestAskCommand)
#include "TestAskCommand.moc"
