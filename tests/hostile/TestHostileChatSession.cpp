// Every HostileServer case through the real ChatSession + ConversationStore (a temp SQLite file): the
// reply ends in the state issue 9 asks for (HostileExpectations.h), with the prompt and any partial
// reply stored exactly as streamed, the chat POST sent the expected number of times, an error text
// that names what happened and holds no key (nor does the database file), and sane usage figures.
#include "HostileExpectations.h"
#include "HostileServer.h"
#include "TestSupport.h"

#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace anyrouter::hostile;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::hostile::Expectation)

class TestHostileChatSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void serverCoversEveryCase();
    void endsInTheRightState_data();
    void endsInTheRightState();
    void tlsFailureIsNotRetried();
    void streamEndingAtTheCloseIsCompleteEveryTime();

private:
    struct Turn
    {
        bool finished = false;
        Message reply;
        QString streamed;
        QStringList deltas;
    };
    Turn runTurn(ApiClient& client, const QString& prompt);
    QStringList checkCommon(const Turn& t, const QString& prompt);

    QTemporaryDir m_dir;
    HostileServer m_server;
    QNetworkAccessManager m_nam;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
    std::unique_ptr<UsageLedger> m_ledger;
    QString m_dbPath;
    int m_counter = 0;
};

void TestHostileChatSession::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_server.setStallMs(15000); // longer than the session's inactivity timeout below
}

void TestHostileChatSession::init()
{
    m_server.resetCounts();
    m_dbPath = m_dir.filePath(u"hostile%1.sqlite"_s.arg(++m_counter));
    m_db = std::make_unique<Database>(m_dbPath);
    QString error;
    QVERIFY2(m_db->open(&error), qPrintable(error));
    m_store = std::make_unique<ConversationStore>(*m_db);
    m_ledger = std::make_unique<UsageLedger>(*m_db);
}

void TestHostileChatSession::cleanup()
{
    m_ledger.reset();
    m_store.reset();
    m_db.reset();
}

TestHostileChatSession::Turn TestHostileChatSession::runTurn(ApiClient& client, const QString& prompt)
{
    Turn t;
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setWorkspaceId(u"hostile"_s);
    session.setDefaultModel(u"hostile/echo-1"_s);
    session.setFlushIntervalMs(20);
    session.setInactivityTimeoutMs(1200);
    session.setCostLookupDelaysMs({});
    connect(&session, &ChatSession::replyDelta, this, [&t](qint64, const QString& d) {
        t.streamed += d;
        t.deltas.append(d);
    });
    QSignalSpy finished(&session, &ChatSession::replyFinished);
    if (!session.send(prompt))
        return t;
    t.finished = finished.wait(20000);
    if (t.finished)
        t.reply = finished.first().first().value<Message>();
    return t;
}

QStringList TestHostileChatSession::checkCommon(const Turn& t, const QString& prompt)
{
    // Every violation is collected, so one run lists all that is wrong with a case.
    QStringList problems;
    if (!t.finished || t.reply.id <= 0)
        return {u"the turn did not end within 20 s"_s};
    const QList<Message> stored = m_store->messages(t.reply.conversationId);
    if (stored.size() != 2 || stored[0].role != MessageRole::User || stored[0].content != prompt)
        return {u"the store does not hold the prompt and one reply (%1 rows)"_s.arg(stored.size())};
    const Message& row = stored[1];
    if (row.id != t.reply.id || row.status == MessageStatus::Streaming || row.status != t.reply.status)
        problems << u"stored status %1 differs from the reported %2"_s.arg(statusToString(row.status),
                                                                           statusToString(t.reply.status));
    if (row.content != t.reply.content || row.content != t.streamed)
        problems << u"stored text (%1 chars) differs from the streamed text (%2 chars)"_s
                        .arg(row.content.size())
                        .arg(t.streamed.size());
    if (row.errorText != t.reply.errorText)
        problems << u"stored error text differs from the reported one"_s;
    for (const QString& d : t.deltas) {
        if (splitsCodePoint(d)) {
            problems << u"a delta holds half a code point (U+%1)"_s.arg(
                (d.back().isHighSurrogate() ? d.back() : d.front()).unicode(), 4, 16);
            break;
        }
    }
    if (row.status == MessageStatus::Complete && !row.errorText.isEmpty())
        problems << u"complete, yet an error text: "_s + row.errorText;
    if (row.status != MessageStatus::Complete) {
        if (row.errorText.isEmpty())
            problems << u"failed without telling the user why"_s;
        const QString insane = insaneMessage(row.errorText);
        if (!insane.isEmpty())
            problems << insane + u" in the message"_s;
    }
    if (row.status == MessageStatus::Error && !row.content.isEmpty())
        problems << u"a reply with text is incomplete, not an error"_s;
    const QString leakText = leakedKeyFragment(row.errorText + u'\n' + row.content + u'\n' + row.provider);
    if (!leakText.isEmpty())
        problems << u"key fragment \"%1\" in the message"_s.arg(leakText);
    const QString absurd = absurdUsage(row);
    if (!absurd.isEmpty())
        problems << u"absurd usage stored: "_s + absurd;
    const QList<LedgerEntry> ledger = m_ledger->entries({}, {}, {});
    if (ledger.size() != 1)
        problems << u"%1 ledger rows for one turn"_s.arg(ledger.size());
    else if (const QString a = absurdLedger(ledger[0]); !a.isEmpty())
        problems << u"absurd usage in the ledger: "_s + a;
    if (m_store->recoverInterrupted() != 0)
        problems << u"a row was left streaming"_s;
    const QString leakDisk = leakedKeyFragment(databaseBytes(m_dbPath));
    if (!leakDisk.isEmpty())
        problems << u"key fragment \"%1\" in the database file"_s.arg(leakDisk);
    return problems;
}

void TestHostileChatSession::serverCoversEveryCase()
{
    // The expectation table and the server agree on the cases: none is served without a verdict.
    QStringList expected;
    for (const Expectation& e : expectations())
        expected.append(e.caseName);
    QCOMPARE(expected, HostileServer::caseNames());
}

void TestHostileChatSession::endsInTheRightState_data()
{
    QTest::addColumn<Expectation>("expectation");
    for (const Expectation& e : expectations())
        QTest::newRow(qPrintable(e.caseName)) << e;
}

void TestHostileChatSession::endsInTheRightState()
{
    QFETCH(Expectation, expectation);
    const QString c = expectation.caseName;
    ApiClient client(&m_nam);
    client.setBaseUrl(m_server.baseUrl(c));
    client.setKeys(clientKey());
    const QString prompt = u"Hostile case %1: say something."_s.arg(c);
    const Turn t = runTurn(client, prompt);
    QStringList problems = checkCommon(t, prompt);
    const Message& r = t.reply;
    const QString got = u"got status %1, category %2, text \"%3\", error \"%4\""_s.arg(
        statusToString(r.status), r.errorCategory, r.content.left(60), r.errorText);

    if (expectation.end == Expectation::End::Lenient) {
        if (r.status != MessageStatus::Complete && r.errorCategory != u"bad_response"_s)
            problems << u"neither complete nor refused as unreadable"_s;
    } else {
        if (r.status != statusOf(expectation.end))
            problems << u"status should be "_s + statusToString(statusOf(expectation.end));
        const QString text = HostileServer::replyText(c);
        if (!text.isNull() && r.content != text)
            problems << u"text should be \"%1\""_s.arg(text.left(60));
    }
    if (!expectation.category.isEmpty() && r.errorCategory != expectation.category)
        problems << u"category should be "_s + expectation.category;
    if (!expectation.anyOf.isEmpty()) {
        bool named = false;
        for (const QString& word : expectation.anyOf)
            named = named || r.errorText.contains(word, Qt::CaseInsensitive);
        if (!named)
            problems << u"the message should say one of ["_s + expectation.anyOf.join(u", "_s) + u']';
    }
    if (!expectation.mustMention.isEmpty() && !r.errorText.contains(expectation.mustMention))
        problems << u"the message should mention "_s + expectation.mustMention;
    if (r.status != MessageStatus::Complete && !expectation.claimsUnreachable &&
        r.errorText.contains(u"Could not reach the gateway"_s))
        problems << u"the gateway was reached; the message says it was not"_s;

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
    // Redirects: the key never travels to another origin.
    if (m_server.otherPortRequests() != 0)
        problems << u"a request reached the other origin"_s;
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"; "_s) + u" -- "_s + got));
}

void TestHostileChatSession::tlsFailureIsNotRetried()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    // Item 10: a TLS handshake failure is reported as such and not retried (the server's reply to
    // the ClientHello is plain-text garbage).
    ApiClient client(&m_nam);
    client.setBaseUrl(m_server.baseUrl(u"complete"_s, true));
    client.setKeys(clientKey());
    const QString prompt = u"Over TLS, please."_s;
    const Turn t = runTurn(client, prompt);
    const QStringList problems = checkCommon(t, prompt);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"; "_s)));
    QCOMPARE(t.reply.status, MessageStatus::Error);
    bool named = false;
    for (const QString& word : {u"TLS"_s, u"SSL"_s, u"secure"_s, u"handshake"_s, u"certificate"_s})
        named = named || t.reply.errorText.contains(word, Qt::CaseInsensitive);
    QVERIFY2(named, qPrintable(u"the message should name the TLS failure: "_s + t.reply.errorText));
    QVERIFY2(m_server.tlsHandshakes() == 1,
             qPrintable(u"%1 TLS handshakes: the failure was retried"_s.arg(m_server.tlsHandshakes())));
}

void TestHostileChatSession::streamEndingAtTheCloseIsCompleteEveryTime()
{
    // A body without length or chunks ends when the server closes. Qt sometimes reports that close
    // as an "Unknown error" although the whole text and [DONE] arrived (1 of ~100 such turns in the
    // soak at 70c0c72; 20-38 of 45 with an intermediate ChatStream change): a reply that got its
    // [DONE] is complete however the transport then reports the close. Back-to-back turns on one
    // session, as in the soak.
    ApiClient client(&m_nam);
    client.setKeys(clientKey());
    ChatSession session(m_store.get(), m_ledger.get(), &client);
    session.setDefaultModel(u"hostile/echo-1"_s);
    session.setInactivityTimeoutMs(300); // the soak's value
    session.setCostLookupDelaysMs({});
    QStringList failures;
    const QStringList cases{u"until-close"_s, u"cr-framing"_s, u"crlf-framing"_s};
    constexpr int kTurns = 90;
    for (int i = 0; i < kTurns; ++i) {
        const QString c = cases.at(i % cases.size());
        if (i % 10 == 0)
            session.open(0);
        client.setBaseUrl(m_server.baseUrl(c));
        QSignalSpy finished(&session, &ChatSession::replyFinished);
        QVERIFY(session.send(u"Burst %1"_s.arg(i)));
        QVERIFY(finished.size() == 1 || finished.wait(20000));
        const Message reply = finished.first().first().value<Message>();
        if (reply.status != MessageStatus::Complete || reply.content != HostileServer::fullText(c))
            failures << u"%1: %2 with %3 of %4 characters (%5)"_s.arg(c, statusToString(reply.status))
                            .arg(reply.content.size())
                            .arg(HostileServer::fullText(c).size())
                            .arg(reply.errorText);
    }
    QVERIFY2(failures.isEmpty(),
             qPrintable(u"%1 of %2 turns not complete; first: "_s.arg(failures.size()).arg(kTurns) +
                        failures.value(0)));
}

QTEST_GUILESS_MAIN(TestHostileChatSession)
#include "TestHostileChatSession.moc"
