// Tests of the anyrouter-sim executable: the exact first stdout line, every command-line option
// reaching the server, request logging to stderr (never the key), clean exit on SIGTERM/SIGINT,
// and rejection of bad option values.
#include "ApiCaller.h"
#include "RawHttpClient.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

#ifdef Q_OS_UNIX
#include <signal.h>
#endif

using namespace Qt::StringLiterals;
using namespace anyrouter;
using namespace anyrouter::test;

class TestSimCli : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QProcess> m_proc;

    // Starts the tool and returns its port from the first stdout line (0 on failure).
    quint16 launch(const QStringList& args)
    {
        m_proc = std::make_unique<QProcess>();
        m_proc->setProgram(QStringLiteral(ANYROUTER_SIM_EXE));
        m_proc->setArguments(args);
        m_proc->start();
        if (!m_proc->waitForStarted(10000))
            return 0;
        QSignalSpy spy(m_proc.get(), &QProcess::readyReadStandardOutput);
        while (!m_proc->canReadLine()) {
            if (!spy.wait(10000))
                return 0;
        }
        const QString line = QString::fromUtf8(m_proc->readLine());
        static const QRegularExpression re(u"^listening on http://127\\.0\\.0\\.1:(\\d+)\\n$"_s);
        const QRegularExpressionMatch m = re.match(line);
        if (!m.hasMatch()) {
            qWarning() << "unexpected first line" << line;
            return 0;
        }
        return quint16(m.captured(1).toUInt());
    }

    bool finishes(int* exitCode)
    {
        QSignalSpy done(m_proc.get(), &QProcess::finished);
        if (m_proc->state() != QProcess::NotRunning && !done.wait(15000))
            return false;
        *exitCode = m_proc->exitCode();
        return m_proc->exitStatus() == QProcess::NormalExit;
    }

private slots:
    void initTestCase() { initHermeticEnvironment(); }

    void cleanup()
    {
        if (m_proc && m_proc->state() != QProcess::NotRunning) {
            m_proc->kill();
            m_proc->waitForFinished(5000);
        }
        m_proc.reset();
    }

    void listeningLineAndCleanExit_data()
    {
        QTest::addColumn<bool>("sigint");
        QTest::newRow("SIGTERM") << false;
#ifdef Q_OS_UNIX
        QTest::newRow("SIGINT") << true;
#endif
    }

    void listeningLineAndCleanExit()
    {
        QFETCH(bool, sigint);
        const quint16 port = launch({u"--port"_s, u"0"_s, u"--quiet"_s});
        QVERIFY(port > 0);
        ApiCaller api(QUrl(u"http://127.0.0.1:"_s + QString::number(port) + u"/api/v1"_s),
                      sim::inferenceKey());
        QCOMPARE(api.get(u"/models/count"_s).object().value(u"count"_s).toInt(), 174);
#ifdef Q_OS_UNIX
        if (sigint)
            ::kill(pid_t(m_proc->processId()), SIGINT);
        else
#endif
            m_proc->terminate();
        int code = -1;
        QVERIFY(finishes(&code));
        QCOMPARE(code, 0);
        QVERIFY(m_proc->readAllStandardError().isEmpty()); // --quiet
    }

    void options_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("repeat");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("expect"); // substring of the last response (head + body)
        const QByteArray chat = "POST"_ba;
        QTest::newRow("models") << QStringList{u"--models"_s, u"10000"_s} << "GET"_ba << u"/models/count"_s
                                << 1 << 200 << "{\"count\":10000}"_ba;
        QTest::newRow("models-shape") << QStringList{u"--models-shape"_s, u"array"_s} << "GET"_ba
                                      << u"/models"_s << 1 << 200 << "\r\n\r\n[{"_ba;
        QTest::newRow("models-shape models") << QStringList{u"--models-shape"_s, u"models"_s} << "GET"_ba
                                             << u"/models"_s << 1 << 200 << "\r\n\r\n{\"models\":[{"_ba;
        QTest::newRow("credits") << QStringList{u"--credits"_s, u"openrouter"_s} << "GET"_ba << u"/credits"_s
                                 << 1 << 200 << "\"total_credits\":25"_ba;
        QTest::newRow("balance") << QStringList{u"--balance"_s, u"0"_s} << chat << u"/chat/completions"_s << 1
                                 << 402 << "insufficient_credits"_ba;
        QTest::newRow("pricing") << QStringList{u"--pricing"_s, u"openrouter"_s} << "GET"_ba
                                 << u"/models/anthropic%2Fclaude-sonnet-4.6"_s << 1 << 200
                                 << "\"prompt\":\"0.000003\""_ba;
        QTest::newRow("pricing anyrouter")
            << QStringList{u"--pricing"_s, u"anyrouter"_s} << "GET"_ba
            << u"/models/anthropic%2Fclaude-sonnet-4.6"_s << 1 << 200 << "\"input_per_1k\":0.003"_ba;
        QTest::newRow("rpm") << QStringList{u"--rpm"_s, u"2"_s} << "GET"_ba << u"/models/count"_s << 3 << 429
                             << "Retry-After:"_ba;
        QTest::newRow("no-health") << QStringList{u"--no-health"_s} << "GET"_ba << u"/health"_s << 1 << 404
                                   << "not_found_error"_ba;
        QTest::newRow("no-keys") << QStringList{u"--no-keys"_s} << "GET"_ba << u"/keys"_s << 1 << 404
                                 << "not_found"_ba;
        QTest::newRow("no-activity") << QStringList{u"--no-activity"_s} << "GET"_ba << u"/activity"_s << 1
                                     << 404 << "not_found"_ba;
        QTest::newRow("no-generation") << QStringList{u"--no-generation"_s} << "GET"_ba
                                       << u"/generation?id=x"_s << 1 << 404 << "not_found"_ba;
        QTest::newRow("framing close")
            << QStringList{u"--framing"_s, u"close"_s, u"--ttft-ms"_s, u"0"_s} << chat
            << u"/chat/completions"_s << 1 << 200 << "Connection: close"_ba;
        QTest::newRow("keep-alive") << QStringList{u"--keep-alive-ms"_s, u"5"_s, u"--ttft-ms"_s, u"30"_s}
                                    << chat << u"/chat/completions"_s << 1 << 200
                                    << "\r\n: keep-alive\n\n"_ba;
        QTest::newRow("tokens-per-second")
            << QStringList{u"--tokens-per-second"_s, u"0"_s, u"--ttft-ms"_s, u"0"_s, u"--seed"_s, u"9"_s}
            << chat << u"/chat/completions"_s << 1 << 200 << "data: [DONE]\n\n"_ba;
    }

    void options()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, repeat);
        QFETCH(int, status);
        QFETCH(QByteArray, expect);
        const quint16 port = launch(QStringList{u"--port"_s, u"0"_s, u"--quiet"_s} + args);
        QVERIFY(port > 0);
        const QByteArray body =
            method == "POST" ? QJsonDocument(chatBody(u"openai/gpt-5.4-mini"_s, u"CLI [[tokens=5]]"_s, true))
                                   .toJson(QJsonDocument::Compact)
                             : QByteArray();
        RawHttpResponse r;
        for (int i = 0; i < repeat; ++i) {
            r = RawHttpClient::fetch(
                port, RawHttpClient::request(method, "/api/v1"_ba + path.toUtf8(), body,
                                             {{"Authorization"_ba, "Bearer sk-ar-v1-sim-full-0000"_ba}}));
        }
        QVERIFY(r.complete);
        QCOMPARE(r.status, status);
        QVERIFY2(r.raw.contains(expect), r.raw.left(400).constData());
    }

    void requestLogNeverShowsKeys()
    {
        const quint16 port = launch({u"--port"_s, u"0"_s});
        QVERIFY(port > 0);
        ApiCaller api(QUrl(u"http://127.0.0.1:"_s + QString::number(port) + u"/api/v1"_s), sim::fullKey());
        QCOMPARE(api.get(u"/models/count"_s).status, 200);
        QCOMPARE(api.get(u"/keys/nope"_s).status, 404);
        QByteArray log;
        QSignalSpy spy(m_proc.get(), &QProcess::readyReadStandardError);
        for (;;) {
            log += m_proc->readAllStandardError();
            if (log.contains("GET /api/v1/keys/nope 404") || !spy.wait(10000))
                break;
        }
        QVERIFY2(QRegularExpression(u"GET /api/v1/models/count 200 \\d+ ms"_s)
                     .match(QString::fromUtf8(log))
                     .hasMatch(),
                 log.constData());
        QVERIFY(log.contains("GET /api/v1/keys/nope 404"));
        QVERIFY(!log.contains("sk-ar-"));
    }

    void helpAndVersion()
    {
        QProcess p;
        p.start(QStringLiteral(ANYROUTER_SIM_EXE), {u"--version"_s});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains(ANYROUTER_VERSION));
        p.start(QStringLiteral(ANYROUTER_SIM_EXE), {u"--help"_s});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray help = p.readAllStandardOutput();
        for (const char* option :
             {"--port", "--models", "--seed", "--tokens-per-second", "--ttft-ms", "--pricing", "--credits",
              "--models-shape", "--framing", "--keep-alive-ms", "--rpm", "--balance", "--no-activity",
              "--no-generation", "--no-health", "--no-keys", "--quiet"})
            QVERIFY2(help.contains(option), option);
    }

    void badValues_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("pricing") << QStringList{u"--pricing"_s, u"weird"_s};
        QTest::newRow("framing") << QStringList{u"--framing"_s, u"smoke"_s};
        QTest::newRow("port") << QStringList{u"--port"_s, u"70000"_s};
        QTest::newRow("models") << QStringList{u"--models"_s, u"many"_s};
        QTest::newRow("credits") << QStringList{u"--credits"_s, u"gold"_s};
    }

    void badValues()
    {
        QFETCH(QStringList, args);
        QProcess p;
        p.start(QStringLiteral(ANYROUTER_SIM_EXE), args);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QVERIFY(p.readAllStandardError().contains("anyrouter-sim:"));
    }
};

QTEST_GUILESS_MAIN(TestSimCli)
#include "TestSimCli.moc"
