// TestSecondLaunch: the real anyrouter-desktop, offscreen, in a private HOME and XDG_RUNTIME_DIR.
// The first GUI launch stays running as the primary; later launches hand their command line over
// and exit 0 within a second, and the primary acts on them (the workspace they name becomes the last
// used one in its settings). Chosen behaviour for a handed-over unknown --workspace: the second
// launch exits 0 (it was delivered) and the primary reports the error in its log; at start-up, with
// no primary, the same option exits 2. A stopped (hung) primary makes a launch exit 1 with a clear
// error; after SIGKILL of the primary the next launch takes the stale lock over and becomes primary;
// another profile (other data dir) runs its own instance; --version and --help never hand over.
#include "AskProcess.h"
#include "TestSupport.h"

#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/types.h>
#endif

using namespace anyrouter;
using namespace anyrouter::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kScale = ANYROUTER_TEST_TIME_SCALE;
// What the spec promises a second launch (process start to exit) when the primary is responsive.
constexpr qint64 kHandOverMs = 1000 * kScale;

struct Launch
{
    bool finished = false;
    int exitCode = -1;
    qint64 elapsedMs = 0;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestSecondLaunch : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void laterLaunchesHandOverAndExitZero();
    void unknownWorkspaceIsReportedByThePrimary();
    void unknownWorkspaceAtStartExitsTwo();
    void hungPrimaryMakesALaunchFailWithOne();
    void killedPrimaryIsReplacedByTheNextLaunch();
    void anotherProfileRunsItsOwnInstance();
    void consoleOptionsDoNotHandOver();

private:
    QProcessEnvironment environmentFor(const AskProcess& profile) const;
    // Starts a GUI launch that is expected to stay running (a primary); owned by the test.
    QProcess* startPrimary(const QStringList& args, const AskProcess& profile);
    // True once `primary` holds the lock and answers: a plain launch then gets through.
    bool waitUntilPrimary(QProcess* primary, const AskProcess& profile);
    Launch launch(const QStringList& args, const AskProcess& profile, int timeoutMs = 20000 * kScale);
    Launch launch(const QStringList& args) { return launch(args, *m_profile); }
    QString lastWorkspace(const AskProcess& profile) const;
    QByteArray& stderrOf(QProcess* p);

    std::unique_ptr<QTemporaryDir> m_home;
    std::unique_ptr<AskProcess> m_profile;
    QString m_runtime;
    std::vector<std::unique_ptr<QProcess>> m_running;
    std::vector<QByteArray> m_runningErr;
};

void TestSecondLaunch::initTestCase()
{
    initHermeticEnvironment();
    QVERIFY2(QFile::exists(AskProcess::binary()), qPrintable(AskProcess::binary()));
}

void TestSecondLaunch::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_profile = std::make_unique<AskProcess>(m_home->path() + u"/profile"_s);
    // The lock and the socket live in $XDG_RUNTIME_DIR, which must be the user's alone (0700).
    m_runtime = m_home->path() + u"/runtime"_s;
    QVERIFY(QDir().mkpath(m_runtime));
    QVERIFY(QFile::setPermissions(m_runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

void TestSecondLaunch::cleanup()
{
    for (const auto& p : m_running) {
        if (p->state() == QProcess::NotRunning)
            continue;
#ifdef Q_OS_UNIX
        ::kill(pid_t(p->processId()), SIGCONT); // a stopped process must not outlive the test either
#endif
        p->kill();
        p->waitForFinished(10000);
    }
    m_running.clear();
    m_runningErr.clear();
    m_profile.reset();
    m_home.reset();
}

QProcessEnvironment TestSecondLaunch::environmentFor(const AskProcess& profile) const
{
    QProcessEnvironment env = profile.environment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"XDG_RUNTIME_DIR"_s, m_runtime);
    // A second workspace to switch to; nothing listens on the discard port, and nothing needs to.
    env.insert(u"ANYROUTER_API_KEY"_s, u"sk-second-launch-test"_s);
    env.insert(u"ANYROUTER_BASE_URL"_s, u"http://127.0.0.1:9"_s);
    return env;
}

QByteArray& TestSecondLaunch::stderrOf(QProcess* p)
{
    for (size_t i = 0; i < m_running.size(); ++i) {
        if (m_running[i].get() == p) {
            m_runningErr[i] += p->readAllStandardError();
            return m_runningErr[i];
        }
    }
    qFatal("not a process of this test");
}

QProcess* TestSecondLaunch::startPrimary(const QStringList& args, const AskProcess& profile)
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(environmentFor(profile));
    p->setWorkingDirectory(m_home->path());
    p->start(AskProcess::binary(), args);
    p->waitForStarted(10000);
    m_running.push_back(std::move(p));
    m_runningErr.emplace_back();
    return m_running.back().get();
}

bool TestSecondLaunch::waitUntilPrimary(QProcess* primary, const AskProcess& profile)
{
    // First the lock (the file QLockFile writes names its owner's PID first), so that no probe below
    // can become primary itself; then probe until one is answered (the primary may still be
    // building its window when it already listens).
    const auto holdsLock = [&] {
        const QByteArray pid = QByteArray::number(primary->processId()) + '\n';
        for (const QFileInfo& lock : QDir(m_runtime).entryInfoList({u"anyrouter-*.lock"_s}, QDir::Files)) {
            QFile file(lock.filePath());
            if (file.open(QIODevice::ReadOnly) && file.readLine() == pid)
                return true;
        }
        return false;
    };
    const bool locked =
        QTest::qWaitFor([&] { return primary->state() != QProcess::Running || holdsLock(); }, 30000 * kScale);
    if (!locked || primary->state() != QProcess::Running) {
        qWarning().noquote() << "the first launch did not become primary:" << stderrOf(primary);
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 60000 * kScale) {
        const Launch probe = launch({}, profile);
        if (probe.finished && probe.exitCode == 0)
            return primary->state() == QProcess::Running;
        if (primary->state() != QProcess::Running)
            break;
        QTest::qWait(100);
    }
    qWarning().noquote() << "the primary never answered:" << stderrOf(primary);
    return false;
}

Launch TestSecondLaunch::launch(const QStringList& args, const AskProcess& profile, int timeoutMs)
{
    QDir().mkpath(profile.home()); // its working directory
    QElapsedTimer timer;
    timer.start();
    AskProcess process(profile.home());
    const AskResult r = process.run(args, environmentFor(profile), {}, {}, timeoutMs);
    Launch l;
    l.elapsedMs = timer.elapsed();
    l.finished = r.finished && r.exitStatus == QProcess::NormalExit;
    l.exitCode = r.exitCode;
    l.out = r.out;
    l.err = r.err;
    return l;
}

QString TestSecondLaunch::lastWorkspace(const AskProcess& profile) const
{
    QSettings file(profile.settingsPath(), QSettings::NativeFormat);
    return Settings(&file).lastWorkspaceId();
}

void TestSecondLaunch::laterLaunchesHandOverAndExitZero()
{
    QProcess* primary = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(primary, *m_profile));
    QTRY_COMPARE(lastWorkspace(*m_profile), WorkspaceManager::demoWorkspaceId());

    const QList<QStringList> launches{
        {u"--workspace"_s, u"Environment"_s}, {}, {u"--quick-prompt"_s}, {u"--demo"_s}};
    const QStringList lastAfter{
        WorkspaceManager::environmentWorkspaceId(), WorkspaceManager::environmentWorkspaceId(),
        WorkspaceManager::environmentWorkspaceId(), WorkspaceManager::demoWorkspaceId()};
    for (qsizetype i = 0; i < launches.size(); ++i) {
        const Launch l = launch(launches[i]);
        const QByteArray what = launches[i].join(u' ').toUtf8() + ": " + l.err;
        QVERIFY2(l.finished, what.constData());
        QVERIFY2(l.exitCode == 0, what.constData());
        QVERIFY2(l.elapsedMs < kHandOverMs, qPrintable(u"%1 ms"_s.arg(l.elapsedMs)));
        // The primary acted on it: the workspace it named is now the last one used.
        QTRY_COMPARE(lastWorkspace(*m_profile), lastAfter[i]);
    }
    QCOMPARE(primary->state(), QProcess::Running);
    QVERIFY2(!stderrOf(primary).contains("second launch"), stderrOf(primary).constData());
}

void TestSecondLaunch::unknownWorkspaceIsReportedByThePrimary()
{
    QProcess* primary = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(primary, *m_profile));
    QTRY_COMPARE(lastWorkspace(*m_profile), WorkspaceManager::demoWorkspaceId());

    const Launch l = launch({u"--workspace"_s, u"Nope"_s});
    QVERIFY2(l.finished, l.err.constData());
    QVERIFY2(l.exitCode == 0, l.err.constData()); // delivered: the primary answers for it
    QVERIFY2(l.elapsedMs < kHandOverMs, qPrintable(u"%1 ms"_s.arg(l.elapsedMs)));
    QTRY_VERIFY2(stderrOf(primary).contains("No workspace named \"Nope\""), stderrOf(primary).constData());
    QCOMPARE(primary->state(), QProcess::Running);
    QCOMPARE(lastWorkspace(*m_profile), WorkspaceManager::demoWorkspaceId());
    QCOMPARE(launch({}).exitCode, 0); // and it goes on serving
}

void TestSecondLaunch::unknownWorkspaceAtStartExitsTwo()
{
    const Launch l = launch({u"--workspace"_s, u"Nope"_s});
    QVERIFY2(l.finished, l.err.constData());
    QCOMPARE(l.exitCode, 2);
    QVERIFY2(l.err.contains("No workspace named \"Nope\""), l.err.constData());
    // It released the instance on its way out: the next launch is primary.
    QProcess* primary = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(primary, *m_profile));
}

void TestSecondLaunch::hungPrimaryMakesALaunchFailWithOne()
{
#ifndef Q_OS_UNIX
    QSKIP("stops the primary with SIGSTOP");
#else
    QProcess* primary = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(primary, *m_profile));
    QCOMPARE(::kill(pid_t(primary->processId()), SIGSTOP), 0);
    const Launch l = launch({});
    ::kill(pid_t(primary->processId()), SIGCONT);
    QVERIFY2(l.finished, l.err.constData());
    QCOMPARE(l.exitCode, 1);
    QVERIFY2(l.err.contains("already running but does not answer"), l.err.constData());
    // It gives up after its one-second timeout, not later.
    QVERIFY2(l.elapsedMs < 1000 + kHandOverMs, qPrintable(u"%1 ms"_s.arg(l.elapsedMs)));
    QCOMPARE(primary->state(), QProcess::Running);
    const Launch after = launch({});
    QVERIFY2(after.exitCode == 0, after.err.constData());
#endif
}

void TestSecondLaunch::killedPrimaryIsReplacedByTheNextLaunch()
{
    QProcess* first = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(first, *m_profile));
    first->kill(); // SIGKILL on Unix: the lock file and the socket file stay behind
    QVERIFY(first->waitForFinished(10000));
    QCOMPARE(QDir(m_runtime).entryList({u"anyrouter-*.lock"_s}, QDir::Files).size(), 1);

    QProcess* next = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(next, *m_profile));
    const Launch l = launch({u"--workspace"_s, u"Environment"_s});
    QVERIFY2(l.exitCode == 0, l.err.constData());
    QTRY_COMPARE(lastWorkspace(*m_profile), WorkspaceManager::environmentWorkspaceId());
    QCOMPARE(next->state(), QProcess::Running);
}

void TestSecondLaunch::anotherProfileRunsItsOwnInstance()
{
    QProcess* primary = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(primary, *m_profile));
    // Same user and runtime dir, other data dir: not the same instance.
    const AskProcess other(m_home->path() + u"/other-profile"_s);
    QProcess* otherPrimary = startPrimary({u"--demo"_s}, other);
    QVERIFY(waitUntilPrimary(otherPrimary, other));
    QCOMPARE(QDir(m_runtime).entryList({u"anyrouter-*.lock"_s}, QDir::Files).size(), 2);
    const Launch l = launch({u"--workspace"_s, u"Environment"_s}, other);
    QVERIFY2(l.exitCode == 0, l.err.constData());
    QTRY_COMPARE(lastWorkspace(other), WorkspaceManager::environmentWorkspaceId());
    QCOMPARE(lastWorkspace(*m_profile), WorkspaceManager::demoWorkspaceId());
    QCOMPARE(primary->state(), QProcess::Running);
    QCOMPARE(otherPrimary->state(), QProcess::Running);
}

void TestSecondLaunch::consoleOptionsDoNotHandOver()
{
    QProcess* primary = startPrimary({u"--demo"_s}, *m_profile);
    QVERIFY(waitUntilPrimary(primary, *m_profile));
    const Launch version = launch({u"--version"_s});
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.contains(ANYROUTER_VERSION), version.out.constData());
    const Launch help = launch({u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("--quick-prompt"));
    QCOMPARE(primary->state(), QProcess::Running);
}

QTEST_GUILESS_MAIN(TestSecondLaunch)
#include "TestSecondLaunch.moc"
