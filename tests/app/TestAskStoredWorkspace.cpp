// `--ask --workspace NAME` with a saved workspace: the binary waits for the workspace's key from
// the system keychain (a private gnome-keyring, see tests/support/with-keyring.sh) before sending;
// a workspace without a stored key, or a keychain that cannot be reached, fails with a message that
// says so and sends nothing.
#include "AskProcess.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/SecretStore.h"
#include "core/storage/WorkspaceStore.h"
#include "sim/SimKeys.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace anyrouter;
using namespace anyrouter::test;
using namespace Qt::StringLiterals;

class TestAskStoredWorkspace : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void keyComesFromTheKeychain();
    void missingKeyFailsWithoutSending();
    void unreachableKeychainFailsWithoutSending();

private:
    Workspace saveWorkspace(const QString& name);
    bool writeKey(const QString& workspaceId, const QString& key);

    SimFixture m_sim;
    QTemporaryDir m_home;
    std::unique_ptr<AskProcess> m_ask;
    std::unique_ptr<KeychainSecretStore> m_keychain;
    QStringList m_accounts; // removed again at the end, although the keyring is throwaway
};

void TestAskStoredWorkspace::initTestCase()
{
    initHermeticEnvironment();
    if (qEnvironmentVariable("ANYROUTER_TEST_KEYRING") != u"1")
        QSKIP("needs the private keyring of tests/support/with-keyring.sh (ctest runs it that way); "
              "refusing to touch this session's real keyring");
    QVERIFY(m_home.isValid());
    QVERIFY(m_sim.start(SimFixture::fastConfig()));
    m_ask = std::make_unique<AskProcess>(m_home.path());
    // The service name the app uses (AppContext), so the child finds what the test wrote.
    m_keychain =
        std::make_unique<KeychainSecretStore>(QString::fromUtf16(KeychainSecretStore::kDefaultService));
}

void TestAskStoredWorkspace::cleanupTestCase()
{
    if (!m_keychain)
        return;
    for (const QString& account : std::as_const(m_accounts)) {
        bool done = false;
        m_keychain->remove(account, this, [&done](const SecretStore::Result&) { done = true; });
        if (!QTest::qWaitFor([&done] { return done; }, 10000))
            qWarning("keychain did not confirm removing a test key");
    }
}

Workspace TestAskStoredWorkspace::saveWorkspace(const QString& name)
{
    Database db(m_ask->databasePath()); // the app's own file under the test HOME
    if (!db.open())
        return {};
    Workspace w;
    w.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    w.name = name;
    w.baseUrl = m_sim.baseUrl();
    w.defaultModel = u"openai/gpt-5.4-nano"_s;
    WorkspaceStore store(db);
    return store.save(w) ? w : Workspace{};
}

bool TestAskStoredWorkspace::writeKey(const QString& workspaceId, const QString& key)
{
    const QString account = secretKeyFor(workspaceId, KeyKind::Inference);
    m_accounts << account;
    std::optional<SecretStore::Result> result;
    m_keychain->write(account, key, this, [&result](const SecretStore::Result& r) { result = r; });
    return QTest::qWaitFor([&result] { return result.has_value(); }, 15000) &&
           result->status == SecretStore::Status::Ok;
}

void TestAskStoredWorkspace::keyComesFromTheKeychain()
{
    const Workspace w = saveWorkspace(u"Work Gateway"_s);
    QVERIFY(!w.id.isEmpty());
    QVERIFY(writeKey(w.id, sim::fullKey()));

    const QString prompt = u"From a saved workspace [[tokens=20]]"_s;
    const AskResult r = m_ask->run({u"--ask"_s, prompt, u"--workspace"_s, u"work gateway"_s},
                                   m_ask->environment(/*keepBus=*/true));
    QVERIFY2(r.finished, r.err.constData());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.isEmpty(), r.err.constData());

    Database db(m_ask->databasePath());
    QVERIFY(db.open());
    ConversationStore store(db);
    const QList<Conversation> convs = store.conversations(w.id);
    QCOMPARE(convs.size(), 1);
    QCOMPARE(convs[0].model, w.defaultModel); // the workspace's default model
    const QList<Message> ms = store.messages(convs[0].id);
    QCOMPARE(ms.size(), 2);
    QCOMPARE(ms[0].content, prompt);
    QCOMPARE(ms[1].status, MessageStatus::Complete);
    QCOMPARE(QString::fromUtf8(r.out), ms[1].content + u'\n');
    // The request carried the key read from the keychain.
    bool sawKey = false;
    const auto headers = m_sim.server()->lastRequestHeaders(u"/chat/completions"_s);
    for (const auto& h : headers)
        sawKey = sawKey || (h.first.compare("authorization", Qt::CaseInsensitive) == 0 &&
                            h.second == "Bearer " + sim::fullKey().toUtf8());
    QVERIFY(sawKey);
}

void TestAskStoredWorkspace::missingKeyFailsWithoutSending()
{
    const Workspace w = saveWorkspace(u"No Key Here"_s);
    QVERIFY(!w.id.isEmpty());
    const int before = m_sim.server()->requestCount(u"/chat/completions"_s);
    const AskResult r =
        m_ask->run({u"--ask"_s, u"hello"_s, u"--workspace"_s, w.name}, m_ask->environment(/*keepBus=*/true));
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(QString::fromUtf8(r.err).contains(u"has no API key stored"_s), r.err.constData());
    QVERIFY(r.out.isEmpty());
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), before);
}

void TestAskStoredWorkspace::unreachableKeychainFailsWithoutSending()
{
    const Workspace w = saveWorkspace(u"Locked Away"_s);
    QVERIFY(!w.id.isEmpty());
    QVERIFY(writeKey(w.id, sim::fullKey()));
    QTemporaryDir nowhere;
    QProcessEnvironment env = m_ask->environment();
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path="_s + nowhere.filePath(u"no-such-socket"_s));
    const int before = m_sim.server()->requestCount(u"/chat/completions"_s);
    const AskResult r = m_ask->run({u"--ask"_s, u"hello"_s, u"--workspace"_s, w.name}, env);
    QVERIFY2(r.finished, r.err.constData());
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(QString::fromUtf8(r.err).contains(u"keychain"_s), r.err.constData());
    QVERIFY(r.out.isEmpty());
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), before);
}

QTEST_GUILESS_MAIN(TestAskStoredWorkspace)
#include "TestAskStoredWorkspace.moc"
