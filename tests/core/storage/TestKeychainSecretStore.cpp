// Tests of KeychainSecretStore against a real Secret Service: the private, unlocked gnome-keyring
// that tests/support/with-keyring.sh starts (registered with KEYRING). Also checks, in child
// processes, that a Secret Service that never answers is reported as Timeout and a missing one as
// Unavailable. Refuses to run outside with-keyring.sh so it can never touch a real keyring.
#include "SecretTestUtil.h"
#include "TestSupport.h"
#include "core/storage/SecretStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <cstdio>

using namespace anyrouter;
using namespace anyrouter::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// Child-process mode: one read through a KeychainSecretStore with a short timeout, result on
// stdout. The parent chooses the D-Bus address, so the child's (process-wide, cached) session bus
// connection is the broken one and the parent's stays healthy.
constexpr char kProbeEnv[] = "ANYROUTER_KEYCHAIN_PROBE_TIMEOUT_MS";

int runProbe(QCoreApplication& app)
{
    const int timeoutMs = qEnvironmentVariableIntValue(kProbeEnv);
    KeychainSecretStore store(u"AnyRouter Desktop Test"_s, std::chrono::milliseconds(timeoutMs));
    QElapsedTimer clock;
    clock.start();
    const auto report = [&](const SecretStore::Result& r) {
        std::printf("status=%s elapsed_ms=%lld\nerror=%s\n", qPrintable(SecretStore::statusName(r.status)),
                    static_cast<long long>(clock.elapsed()), qPrintable(r.errorString));
        std::fflush(stdout);
        app.exit(0);
    };
    // "write" exercises the path that needs an unlocked default collection (may prompt).
    if (qEnvironmentVariable("ANYROUTER_KEYCHAIN_PROBE_OP") == u"write")
        store.write(u"probe/account"_s, u"probe-value"_s, &app, report);
    else
        store.read(u"probe/account"_s, &app, report);
    return app.exec();
}

} // namespace

class TestKeychainSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void writeReadOverwriteRemove();
    void roundTrip_data();
    void roundTrip();
    void notFound();
    void servicesAreSeparate();
    void callbackContract();
    void destroyedStoreAnswersPending();
    void noSecretInDataOrConfigDirs();
    void timeoutWhenBackendDoesNotAnswer();
    void unavailableWhenNoBus();
    void unavailableWhenKeyringCannotPrompt();

private:
    SecretStore::Result run(const std::function<void(SecretStore::Callback)>& call, int waitMs = 10000);
    struct ProbeOutput
    {
        bool ran = false;
        QString status;
        qint64 elapsedMs = -1;
        QString raw;
    };
    // Runs this executable in probe mode (a single read, or a write with op "write"). busAddress
    // empty: the child starts its own bus through `wrapper` (a command line run before it).
    ProbeOutput runProbeChild(const QString& busAddress, int timeoutMs, const QString& op = {},
                              const QStringList& wrapper = {}, const QProcessEnvironment& extraEnv = {});

    std::unique_ptr<KeychainSecretStore> m_store;
    QString m_account; // unique per run, so reruns against a reused keyring cannot pass by accident
    QStringList m_secretsWritten;
};

SecretStore::Result TestKeychainSecretStore::run(const std::function<void(SecretStore::Callback)>& call,
                                                 int waitMs)
{
    ResultSink sink;
    call(sink.callback());
    if (!QTest::qWaitFor([&] { return !sink.results.isEmpty(); }, waitMs))
        return {SecretStore::Status::Error, {}, u"test: no callback within %1 ms"_s.arg(waitMs)};
    return sink.results.first();
}

void TestKeychainSecretStore::initTestCase()
{
    test::initHermeticEnvironment();
    if (qEnvironmentVariable("ANYROUTER_TEST_KEYRING") != u"1")
        QSKIP("needs the private keyring of tests/support/with-keyring.sh (ctest runs it that way); "
              "refusing to touch this session's real keyring");
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "with-keyring.sh set no bus");
    m_store = std::make_unique<KeychainSecretStore>(u"AnyRouter Desktop Test"_s, 10s);
    QCOMPARE(m_store->timeout(), std::chrono::milliseconds(10s));
    QVERIFY(m_store->isPersistent());
    m_account = u"workspace/"_s + QUuid::createUuid().toString(QUuid::WithoutBraces) + u"/inference"_s;
}

void TestKeychainSecretStore::writeReadOverwriteRemove()
{
    const QString first = u"sk-ar-v1-first-"_s + QUuid::createUuid().toString(QUuid::Id128);
    const QString second = u"sk-ar-v1-second-"_s + QUuid::createUuid().toString(QUuid::Id128);
    m_secretsWritten << first << second;

    auto r = run([&](auto cb) { m_store->write(m_account, first, this, cb); });
    QVERIFY2(r.status == SecretStore::Status::Ok, qPrintable(r.errorString));
    r = run([&](auto cb) { m_store->read(m_account, this, cb); });
    QVERIFY2(r.status == SecretStore::Status::Ok, qPrintable(r.errorString));
    QCOMPARE(r.secret, first);

    r = run([&](auto cb) { m_store->write(m_account, second, this, cb); });
    QVERIFY2(r.status == SecretStore::Status::Ok, qPrintable(r.errorString));
    r = run([&](auto cb) { m_store->read(m_account, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Ok);
    QCOMPARE(r.secret, second);

    r = run([&](auto cb) { m_store->remove(m_account, this, cb); });
    QVERIFY2(r.status == SecretStore::Status::Ok, qPrintable(r.errorString));
    r = run([&](auto cb) { m_store->read(m_account, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::NotFound);
    QVERIFY(r.secret.isEmpty());

    r = run([&](auto cb) { m_store->remove(m_account, this, cb); }); // absent: Ok
    QVERIFY2(r.status == SecretStore::Status::Ok, qPrintable(r.errorString));
    QCOMPARE(m_store->pendingCount(), 0);
}

void TestKeychainSecretStore::roundTrip_data()
{
    QTest::addColumn<QString>("secret");
    QTest::newRow("openrouter style") << u"sk-or-v1-0123456789abcdef0123456789abcdef"_s;
    QTest::newRow("unicode") << u"ключ-🔑-clé-密钥"_s;
    QTest::newRow("quotes and spaces") << u"a \"quoted\" 'key' with spaces\tand tab"_s;
    QTest::newRow("long") << QString(4096, u'k');
}

void TestKeychainSecretStore::roundTrip()
{
    QFETCH(QString, secret);
    const QString account = m_account + u"/"_s + QString::fromLatin1(QTest::currentDataTag());
    auto r = run([&](auto cb) { m_store->write(account, secret, this, cb); });
    QVERIFY2(r.status == SecretStore::Status::Ok, qPrintable(r.errorString));
    r = run([&](auto cb) { m_store->read(account, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Ok);
    QCOMPARE(r.secret, secret);
    QCOMPARE(run([&](auto cb) { m_store->remove(account, this, cb); }).status, SecretStore::Status::Ok);
}

void TestKeychainSecretStore::notFound()
{
    const auto r = run([&](auto cb) { m_store->read(m_account + u"/never-written"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::NotFound);
}

void TestKeychainSecretStore::servicesAreSeparate()
{
    const QString account = m_account + u"/svc"_s;
    QCOMPARE(run([&](auto cb) { m_store->write(account, u"value-a"_s, this, cb); }).status,
             SecretStore::Status::Ok);
    KeychainSecretStore other(u"Some Other App"_s, 10s);
    QCOMPARE(run([&](auto cb) { other.read(account, this, cb); }).status, SecretStore::Status::NotFound);
    QCOMPARE(run([&](auto cb) { m_store->remove(account, this, cb); }).status, SecretStore::Status::Ok);
}

void TestKeychainSecretStore::callbackContract()
{
    const QString account = m_account + u"/contract"_s;
    // Asynchronous: nothing runs inside the call.
    ResultSink sink;
    m_store->write(account, u"v"_s, this, sink.callback());
    QVERIFY(sink.results.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(sink.results.size(), 1, 10000);

    // A dead context gets nothing. QtKeychain runs jobs one at a time, so once the later read
    // answered, the earlier one has finished too.
    int calls = 0;
    auto* context = new QObject;
    m_store->read(account, context, [&](const SecretStore::Result&) { ++calls; });
    delete context;
    const auto r = run([&](auto cb) { m_store->read(account, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Ok);
    QCOMPARE(calls, 0);
    QCOMPARE(sink.results.size(), 1); // and the first callback did not fire twice
    QCOMPARE(m_store->pendingCount(), 0);
    QCOMPARE(run([&](auto cb) { m_store->remove(account, this, cb); }).status, SecretStore::Status::Ok);
}

void TestKeychainSecretStore::destroyedStoreAnswersPending()
{
    ResultSink sink;
    {
        KeychainSecretStore shortLived(u"AnyRouter Desktop Test"_s, 10s);
        shortLived.read(m_account + u"/gone"_s, this, sink.callback());
        QCOMPARE(shortLived.pendingCount(), 1);
    }
    QTRY_COMPARE(sink.results.size(), 1);
    QCOMPARE(sink.results.first().status, SecretStore::Status::Error);
    // The orphaned job still finishes in the background without touching the dead store.
    QCOMPARE(run([&](auto cb) { m_store->read(m_account + u"/after"_s, this, cb); }).status,
             SecretStore::Status::NotFound);
}

void TestKeychainSecretStore::noSecretInDataOrConfigDirs()
{
    const QString secret = u"sk-ar-v1-ondisk-check-"_s + QUuid::createUuid().toString(QUuid::Id128);
    const QString account = m_account + u"/disk"_s;
    QCOMPARE(run([&](auto cb) { m_store->write(account, secret, this, cb); }).status,
             SecretStore::Status::Ok);
    QCOMPARE(run([&](auto cb) { m_store->read(account, this, cb); }).secret, secret);
    m_secretsWritten << secret;
    // Every directory the app or the keyring daemon could write to: QStandardPaths test-mode dirs
    // and the private HOME/XDG dirs of with-keyring.sh (where gnome-keyring keeps its encrypted
    // keyring files and where an insecure QSettings fallback would land).
    QStringList roots;
    for (auto loc : {QStandardPaths::AppDataLocation, QStandardPaths::AppConfigLocation,
                     QStandardPaths::GenericConfigLocation, QStandardPaths::GenericDataLocation,
                     QStandardPaths::CacheLocation})
        roots << QStandardPaths::writableLocation(loc);
    for (const char* env : {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"})
        roots << qEnvironmentVariable(env);
    const QString keyrings = qEnvironmentVariable("XDG_DATA_HOME") + u"/keyrings"_s;
    QVERIFY2(QDir(keyrings).exists(), qPrintable(keyrings)); // the scan covers the real keyring files
    for (const QString& root : std::as_const(roots)) {
        if (root.isEmpty())
            continue;
        for (const QString& s : std::as_const(m_secretsWritten))
            QVERIFY2(filesContaining(root, s).isEmpty(), qPrintable(root + u" holds a plaintext secret"_s));
    }
    QCOMPARE(run([&](auto cb) { m_store->remove(account, this, cb); }).status, SecretStore::Status::Ok);
}

TestKeychainSecretStore::ProbeOutput
TestKeychainSecretStore::runProbeChild(const QString& busAddress, int timeoutMs, const QString& op,
                                       const QStringList& wrapper, const QProcessEnvironment& extraEnv)
{
    ProbeOutput out;
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!busAddress.isEmpty())
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, busAddress);
    env.insert(QString::fromLatin1(kProbeEnv), QString::number(timeoutMs));
    env.insert(u"ANYROUTER_KEYCHAIN_PROBE_OP"_s, op);
    for (const QString& key : extraEnv.keys())
        env.insert(key, extraEnv.value(key));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList command = wrapper;
    command << QCoreApplication::applicationFilePath();
    child.start(command.takeFirst(), command);
    if (!child.waitForStarted(10000))
        return out;
    // Poll with the event loop running, so a QLocalServer in this process can accept the child.
    if (!QTest::qWaitFor([&] { return child.state() == QProcess::NotRunning; }, 60000)) {
        child.kill();
        child.waitForFinished();
        return out;
    }
    out.raw = QString::fromUtf8(child.readAllStandardOutput());
    out.ran = child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0;
    const QRegularExpression re(u"status=(\\w+) elapsed_ms=(\\d+)"_s);
    const auto m = re.match(out.raw);
    if (m.hasMatch()) {
        out.status = m.captured(1);
        out.elapsedMs = m.captured(2).toLongLong();
    }
    return out;
}

void TestKeychainSecretStore::timeoutWhenBackendDoesNotAnswer()
{
    // A "bus" that accepts the connection and then never says a word: libsecret waits forever for
    // the D-Bus handshake, exactly like a keychain stuck behind an invisible prompt.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QLocalServer silent;
    silent.setSocketOptions(QLocalServer::UserAccessOption);
    const QString socketPath = dir.filePath(u"silent-bus"_s);
    QVERIFY2(silent.listen(socketPath), qPrintable(silent.errorString()));
    QList<QLocalSocket*> accepted;
    connect(&silent, &QLocalServer::newConnection, this, [&] {
        while (QLocalSocket* s = silent.nextPendingConnection())
            accepted.append(s); // kept open, never answered
    });

    const int timeoutMs = 400;
    const ProbeOutput out = runProbeChild(u"unix:path="_s + socketPath, timeoutMs);
    QVERIFY2(out.ran, qPrintable(out.raw));
    QVERIFY2(out.status == u"Timeout", qPrintable(out.raw));
    QVERIFY2(out.elapsedMs >= timeoutMs * 9 / 10, qPrintable(out.raw)); // waited, did not fail fast
    QVERIFY2(!accepted.isEmpty(),
             "the child never contacted the silent bus"); // the timeout is the bus's fault
}

void TestKeychainSecretStore::unavailableWhenNoBus()
{
    QTemporaryDir dir;
    const ProbeOutput out = runProbeChild(u"unix:path="_s + dir.filePath(u"no-such-socket"_s), 10000);
    QVERIFY2(out.ran, qPrintable(out.raw));
    QVERIFY2(out.status == u"Unavailable", qPrintable(out.raw));
    QVERIFY2(out.elapsedMs < 10000, qPrintable(out.raw)); // failed fast, not by timing out
}

void TestKeychainSecretStore::unavailableWhenKeyringCannotPrompt()
{
    // The common headless case: a Secret Service is running but has no unlocked default
    // collection, and the prompt to create or unlock one cannot be shown (no display). The child
    // gets its own bus with a fresh, never-unlocked gnome-keyring.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir().mkpath(dir.filePath(u"data"_s)));
    QVERIFY(QDir().mkpath(dir.filePath(u"runtime"_s)));
    QFile::setPermissions(dir.filePath(u"runtime"_s), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcessEnvironment env;
    env.insert(u"XDG_DATA_HOME"_s, dir.filePath(u"data"_s));
    env.insert(u"XDG_RUNTIME_DIR"_s, dir.filePath(u"runtime"_s));
    const QStringList wrapper = {
        u"dbus-run-session"_s, u"--"_s, u"sh"_s, u"-c"_s,
        u"gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; exec \"$0\""_s};
    const ProbeOutput out = runProbeChild({}, 10000, u"write"_s, wrapper, env);
    QVERIFY2(out.ran, qPrintable(out.raw));
    QVERIFY2(out.status == u"Unavailable", qPrintable(out.raw));
    QVERIFY2(out.elapsedMs < 10000, qPrintable(out.raw));
}

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(kProbeEnv))
        return runProbe(app);
    TestKeychainSecretStore tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "TestKeychainSecretStore.moc"
