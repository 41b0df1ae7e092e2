// Every HostileServer case (the stalls end after 3 s, closed by the server) through the real
// `anyrouter-desktop --ask` binary: exit status 0 only for a complete reply, stdout exactly the
// reply (complete or partial) plus a newline and nothing else, the reason on stderr, the prompt and
// the partial reply in the app's database, the chat POST sent the expected number of times, and no
// key on stdout, stderr or in the database file.
#include "AskProcess.h"
#include "HostileExpectations.h"
#include "HostileServer.h"
#include "TestSupport.h"

#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"

#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace anyrouter::hostile;
using namespace anyrouter::test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::hostile::Expectation)

class TestHostileAsk : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void endsInTheRightState_data();
    void endsInTheRightState();

private:
    HostileServer m_server;
};

void TestHostileAsk::initTestCase()
{
    initHermeticEnvironment();
    QVERIFY2(QFile::exists(AskProcess::binary()), qPrintable(AskProcess::binary()));
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_server.setStallMs(3000);
}

void TestHostileAsk::endsInTheRightState_data()
{
    QTest::addColumn<Expectation>("expectation");
    for (Expectation e : expectations()) {
        if (!e.inAsk) {
            // --ask keeps the app's inactivity timeout (120 s); the server gives up after 3 s
            // instead, so the stall ends as a cut-off stream rather than a timeout.
            e.category.clear();
            e.anyOf.clear();
        }
        QTest::newRow(qPrintable(e.caseName)) << e;
    }
}

void TestHostileAsk::endsInTheRightState()
{
    QFETCH(Expectation, expectation);
    const QString c = expectation.caseName;
    m_server.resetCounts();
    QTemporaryDir home;
    QVERIFY(home.isValid());
    AskProcess ask(home.path());
    QProcessEnvironment env = ask.environment();
    env.insert(u"ANYROUTER_BASE_URL"_s, m_server.baseUrl(c).toString());
    env.insert(u"ANYROUTER_API_KEY"_s, clientKey());
    const QString prompt = u"Hostile case %1 from a terminal."_s.arg(c);
    const AskResult r = ask.run({u"--ask"_s, prompt}, env, {}, {}, 60000);
    QVERIFY2(r.finished, "--ask did not end within 60 s");
    QCOMPARE(r.exitStatus, QProcess::NormalExit);

    QStringList problems;
    Message reply;
    {
        Database db(ask.databasePath());
        QVERIFY2(db.open(), "no database after --ask");
        ConversationStore store(db);
        const QList<Conversation> conversations = store.conversations(u"env"_s);
        QCOMPARE(conversations.size(), 1);
        const QList<Message> messages = store.messages(conversations[0].id);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages[0].content, prompt); // the prompt is kept whatever happened
        reply = messages[1];
        if (store.recoverInterrupted() != 0)
            problems << u"the reply was left streaming"_s;
    }
    const QString out = QString::fromUtf8(r.out);
    const QString err = QString::fromUtf8(r.err);
    const QString got = u"got exit %1, status %2, stdout \"%3\", stderr \"%4\""_s.arg(r.exitCode)
                            .arg(statusToString(reply.status), out.left(60), err.trimmed());

    const bool complete = reply.status == MessageStatus::Complete;
    if (r.exitCode != (complete ? 0 : 1))
        problems
            << u"exit status %1 for a reply that is %2"_s.arg(r.exitCode).arg(statusToString(reply.status));
    // stdout: exactly what was stored (and, where the server's text is known, exactly that).
    const QString expectedOut = complete || !reply.content.isEmpty() ? reply.content + u'\n' : QString();
    if (out != expectedOut)
        problems << u"stdout is not the stored reply plus a newline"_s;
    if (r.out.contains("??") ||
        out.contains(QChar::ReplacementCharacter) != reply.content.contains(QChar::ReplacementCharacter))
        problems << u"stdout mangled characters the store has right"_s;
    if (complete) {
        if (!r.err.isEmpty())
            problems << u"stderr not empty on a complete reply"_s;
    } else {
        if (!err.startsWith(u"anyrouter-desktop: "_s))
            problems << u"no message on stderr"_s;
        if (reply.errorText.isEmpty() || !err.contains(reply.errorText))
            problems << u"stderr does not carry the stored error text"_s;
        if (const QString insane = insaneMessage(err); !insane.isEmpty())
            problems << insane + u" on stderr"_s;
    }
    if (const QString leak = leakedKeyFragment(out + u'\n' + err); !leak.isEmpty())
        problems << u"key fragment \"%1\" on stdout/stderr"_s.arg(leak);
    if (const QString leak = leakedKeyFragment(databaseBytes(ask.databasePath())); !leak.isEmpty())
        problems << u"key fragment \"%1\" in the database file"_s.arg(leak);
    if (const QString absurd = absurdUsage(reply); !absurd.isEmpty())
        problems << u"absurd usage stored: "_s + absurd;

    if (expectation.end == Expectation::End::Lenient) {
        if (!complete && reply.errorCategory != u"bad_response"_s)
            problems << u"neither complete nor refused as unreadable"_s;
    } else {
        if (reply.status != statusOf(expectation.end))
            problems << u"status should be "_s + statusToString(statusOf(expectation.end));
        const QString text = HostileServer::replyText(c);
        if (!text.isNull() && reply.content != text)
            problems << u"stored text should be \"%1\""_s.arg(text.left(60));
        if (!text.isNull() && !text.isEmpty() && out != text + u'\n')
            problems << u"stdout should be exactly the server's text"_s;
    }
    if (!expectation.category.isEmpty() && reply.errorCategory != expectation.category)
        problems << u"category should be %1, is %2"_s.arg(expectation.category, reply.errorCategory);
    if (!expectation.anyOf.isEmpty()) {
        bool named = false;
        for (const QString& word : expectation.anyOf)
            named = named || err.contains(word, Qt::CaseInsensitive);
        if (!named)
            problems << u"stderr should say one of ["_s + expectation.anyOf.join(u", "_s) + u']';
    }
    if (!expectation.mustMention.isEmpty() && !err.contains(expectation.mustMention))
        problems << u"stderr should mention "_s + expectation.mustMention;
    if (!complete && !expectation.claimsUnreachable && err.contains(u"Could not reach the gateway"_s))
        problems << u"the gateway was reached; stderr says it was not"_s;

    const QList<HostileRequest> posts = m_server.requests(HostileServer::chatPath(c));
    if (expectation.chatPosts >= 0 && posts.size() != expectation.chatPosts)
        problems << u"the prompt was POSTed %1 times (should be %2)"_s.arg(posts.size())
                        .arg(expectation.chatPosts);
    if (expectation.noRetryAtOnce) {
        for (qsizetype i = 1; i < posts.size(); ++i) {
            if (posts[i].atMs - posts[i - 1].atMs < 400) {
                problems << u"POST %1 came %2 ms after the one before"_s.arg(i + 1).arg(posts[i].atMs -
                                                                                        posts[i - 1].atMs);
                break;
            }
        }
    }
    if (m_server.otherPortRequests() != 0)
        problems << u"a request reached the other origin"_s;
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"; "_s) + u" -- "_s + got));
}

QTEST_GUILESS_MAIN(TestHostileAsk)
#include "TestHostileAsk.moc"
