// AskProcess: runs the real anyrouter-desktop binary in `--ask` mode for a test, in a private HOME
// (data, config, cache under a temp dir), without a display and without the user's D-Bus session,
// while the test's event loop keeps serving the in-process simulator. Shared by the --ask tests.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTest>

#include <functional>

namespace anyrouter::test {

struct AskResult
{
    bool finished = false;
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
};

class AskProcess
{
public:
    explicit AskProcess(const QString& home) : m_home(home) {}

    static QString binary() { return QStringLiteral(ANYROUTER_DESKTOP_BINARY); }
    QString home() const { return m_home; }
    // Where the app keeps its database under this HOME (QStandardPaths::AppDataLocation).
    QString databasePath() const
    {
        return m_home + QStringLiteral("/data/AnyRouter/anyrouter-desktop/anyrouter.sqlite");
    }
    QString settingsPath() const
    {
        return m_home + QStringLiteral("/config/AnyRouter/anyrouter-desktop.conf");
    }

    // The environment the app sees: no display, no platform override, no inherited ANYROUTER_*,
    // private XDG dirs. keepBus: keep DBUS_SESSION_BUS_ADDRESS (only inside with-keyring.sh).
    QProcessEnvironment environment(bool keepBus = false) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_LOGGING_RULES",
                                 "ANYROUTER_API_KEY", "ANYROUTER_BASE_URL", "ANYROUTER_MODEL"})
            env.remove(QString::fromLatin1(name));
        if (!keepBus)
            env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.insert(QStringLiteral("HOME"), m_home);
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home + QStringLiteral("/data"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home + QStringLiteral("/cache"));
        return env;
    }

    // Starts the binary; onStarted runs once it is up (e.g. to send a signal later). Waits by
    // spinning the event loop, never blocking it, so an in-process simulator keeps answering.
    AskResult run(const QStringList& args, const QProcessEnvironment& env, const QByteArray& stdinData = {},
                  const std::function<void(QProcess&, AskResult&)>& whileRunning = {}, int timeoutMs = 60000)
    {
        AskResult r;
        QProcess p;
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_home);
        p.start(binary(), args);
        if (!p.waitForStarted(10000)) {
            r.err = p.errorString().toUtf8();
            return r;
        }
        if (!stdinData.isEmpty())
            p.write(stdinData);
        p.closeWriteChannel();
        if (whileRunning)
            whileRunning(p, r);
        r.finished = QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, timeoutMs);
        if (!r.finished) {
            p.kill();
            p.waitForFinished(5000);
        }
        r.exitCode = p.exitCode();
        r.exitStatus = p.exitStatus();
        r.out += p.readAllStandardOutput();
        r.err += p.readAllStandardError();
        return r;
    }

private:
    QString m_home;
};

} // namespace anyrouter::test
