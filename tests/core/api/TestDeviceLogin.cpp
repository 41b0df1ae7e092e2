// TestDeviceLogin: the CLI-style device-code sign-in against the simulator over real loopback HTTP —
// start -> codeReady, authorization_pending polls, approval -> a key that then works for chat,
// slow_down adding 5 s to the interval, expiry (server- and client-side), denial and cancel.
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/api/ChatStream.h"
#include "core/api/DeviceLogin.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestDeviceLogin : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void approvedAfterPendingPolls();
    void slowDownAddsFiveSeconds();
    void expiredOnServer();
    void expiredOnClient();
    void denied();
    void cancelled();

private:
    std::unique_ptr<ApiClient> makeClient(Clock* clock = nullptr);
    // Starts a login and waits for its code; returns false when no code came.
    bool startLogin(DeviceLogin& login, DeviceCode* code);
    static int tokenPolls(sim::SimServer* s) { return s->requestCount(u"/auth/cli/device/token"_s); }

    QNetworkAccessManager* m_nam = nullptr;
    test::SimFixture m_sim;
};

void TestDeviceLogin::initTestCase()
{
    anyrouter::test::initHermeticEnvironment();
    qRegisterMetaType<anyrouter::DeviceCode>();
    qRegisterMetaType<anyrouter::ApiError>();
}

void TestDeviceLogin::init()
{
    m_nam = new QNetworkAccessManager(this);
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

void TestDeviceLogin::cleanup()
{
    m_sim.stop();
    delete m_nam;
    m_nam = nullptr;
}

std::unique_ptr<ApiClient> TestDeviceLogin::makeClient(Clock* clock)
{
    auto client = std::make_unique<ApiClient>(m_nam, nullptr, clock);
    client->setBaseUrl(m_sim.baseUrl());
    return client;
}

bool TestDeviceLogin::startLogin(DeviceLogin& login, DeviceCode* code)
{
    QSignalSpy ready(&login, &DeviceLogin::codeReady);
    login.start();
    if (!login.isActive() || !ready.wait(10000))
        return false;
    *code = ready.at(0).at(0).value<DeviceCode>();
    return true;
}

void TestDeviceLogin::approvedAfterPendingPolls()
{
    // Real time here: the simulator's interval is 1 s and it answers slow_down to faster polling.
    auto client = makeClient();
    DeviceLogin login(client.get());
    QSignalSpy succeeded(&login, &DeviceLogin::succeeded);
    QSignalSpy failed(&login, &DeviceLogin::failed);
    DeviceCode code;
    QVERIFY(startLogin(login, &code));

    QVERIFY(!code.deviceCode.isEmpty());
    QVERIFY(QRegularExpression(u"^[A-Z0-9]{4}-[A-Z0-9]{4}$"_s).match(code.userCode).hasMatch());
    QVERIFY(code.verificationUri.isValid());
    QVERIFY(code.verificationUri.path().endsWith(u"/cli/device"_s));
    QVERIFY(code.verificationUriComplete.toString().contains(code.userCode));
    QCOMPARE(code.intervalSeconds, 1);
    QCOMPARE(code.expiresInSeconds, 600);
    QCOMPARE(m_sim.server()->lastDeviceUserCode(), code.userCode);

    // Pending: the client keeps polling and reports nothing yet.
    QTRY_VERIFY_WITH_TIMEOUT(tokenPolls(m_sim.server()) >= 2, 10000);
    QCOMPARE(succeeded.count(), 0);
    QCOMPARE(failed.count(), 0);
    QVERIFY(login.isActive());
    const auto pollHeaders = m_sim.server()->lastRequestHeaders(u"/auth/cli/device/token"_s);
    for (const auto& h : pollHeaders)
        QVERIFY2(h.first.compare("Authorization", Qt::CaseInsensitive) != 0, "device polls carry no key");
    const QJsonObject pollBody =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/auth/cli/device/token"_s)).object();
    QCOMPARE(pollBody.value(u"device_code"_s).toString(), code.deviceCode);

    m_sim.server()->approveDevice(code.userCode);
    QVERIFY(succeeded.wait(10000));
    QCOMPARE(failed.count(), 0);
    QVERIFY(!login.isActive());
    const QString key = succeeded.at(0).at(0).toString();
    QVERIFY(key.startsWith(u"sk-ar-"_s));

    // The minted key works for chat straight away.
    client->setKeys(key);
    ChatRequest req;
    req.model = u"openai/gpt-5.4-mini"_s;
    req.messages = {{u"user"_s, u"Hello after sign-in [[tokens=6]]"_s}};
    ChatStream stream(client.get(), req);
    QSignalSpy done(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(done.wait(15000));
    QVERIFY2(stream.state() == ChatStream::State::Completed, qPrintable(stream.error().userMessage()));
    QVERIFY(!stream.content().isEmpty());

    // No further polling after success.
    const int polls = tokenPolls(m_sim.server());
    QVERIFY(!succeeded.wait(1500));
    QCOMPARE(tokenPolls(m_sim.server()), polls);
}

void TestDeviceLogin::slowDownAddsFiveSeconds()
{
    // With a manual clock the client's "1 s later" is only microseconds of real time, so the
    // simulator sees polling faster than the interval and answers slow_down.
    ManualClock clock;
    auto client = makeClient(&clock);
    DeviceLogin login(client.get());
    QSignalSpy failed(&login, &DeviceLogin::failed);
    DeviceCode code;
    QVERIFY(startLogin(login, &code));
    QTRY_COMPARE(clock.pendingCount(), 1);
    QCOMPARE(clock.scheduledDelays(), QList<qint64>{1000});

    for (int i = 0; i < 3; ++i) {
        clock.advance(clock.nextDueInMs());
        QTRY_COMPARE(tokenPolls(m_sim.server()), i + 1);
        QTRY_COMPARE(clock.pendingCount(), 1);
    }
    QCOMPARE(failed.count(), 0);
    // Each slow_down adds 5 s to the interval in force; a pending answer keeps it.
    const QList<qint64> delays = clock.scheduledDelays();
    QCOMPARE(delays.size(), 4);
    QCOMPARE(delays.first(), 1000);
    int slowDowns = 0;
    for (qsizetype i = 1; i < delays.size(); ++i) {
        QVERIFY2(delays[i] == delays[i - 1] || delays[i] == delays[i - 1] + 5000,
                 qPrintable(u"unexpected interval %1 after %2"_s.arg(delays[i]).arg(delays[i - 1])));
        if (delays[i] == delays[i - 1] + 5000)
            ++slowDowns;
    }
    QVERIFY2(slowDowns >= 1, "the simulator never answered slow_down");

    // Approval still ends it well.
    QSignalSpy succeeded(&login, &DeviceLogin::succeeded);
    m_sim.server()->approveDevice(code.userCode);
    clock.advance(clock.nextDueInMs());
    QTRY_VERIFY(succeeded.count() == 1 || clock.pendingCount() == 1);
    // A slow_down answer to a too-fast poll may come first; keep going.
    for (int i = 0; i < 5 && succeeded.isEmpty(); ++i) {
        QTRY_VERIFY(succeeded.count() == 1 || clock.pendingCount() == 1);
        if (succeeded.isEmpty())
            clock.advance(clock.nextDueInMs());
    }
    QCOMPARE(succeeded.count(), 1);
    QCOMPARE(failed.count(), 0);
}

void TestDeviceLogin::expiredOnServer()
{
    ManualClock clock;
    auto client = makeClient(&clock);
    DeviceLogin login(client.get());
    QSignalSpy failed(&login, &DeviceLogin::failed);
    QSignalSpy succeeded(&login, &DeviceLogin::succeeded);
    DeviceCode code;
    QVERIFY(startLogin(login, &code));
    m_sim.server()->expireDevice(code.userCode);
    for (int i = 0; i < 5 && failed.isEmpty(); ++i) {
        QTRY_VERIFY(!failed.isEmpty() || clock.pendingCount() == 1);
        if (failed.isEmpty())
            clock.advance(clock.nextDueInMs());
    }
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(succeeded.count(), 0);
    const ApiError e = failed.at(0).at(0).value<ApiError>();
    QCOMPARE(e.category(), ApiError::Category::Timeout);
    QVERIFY2(e.userMessage().contains(u"expired"_s), qPrintable(e.userMessage()));
    QVERIFY(!login.isActive());
    QCOMPARE(clock.pendingCount(), 0);
}

void TestDeviceLogin::expiredOnClient()
{
    // The code's lifetime is enforced by the client too, without asking the server again.
    ManualClock clock;
    auto client = makeClient(&clock);
    DeviceLogin login(client.get());
    QSignalSpy failed(&login, &DeviceLogin::failed);
    DeviceCode code;
    QVERIFY(startLogin(login, &code));
    QTRY_COMPARE(clock.pendingCount(), 1);
    clock.advance(qint64(code.expiresInSeconds) * 1000 + 1000); // first poll fires, then time jumps on
    QTRY_VERIFY(!failed.isEmpty() || clock.pendingCount() == 1);
    const int polls = tokenPolls(m_sim.server());
    if (failed.isEmpty())
        clock.advance(clock.nextDueInMs());
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(tokenPolls(m_sim.server()), polls); // decided locally
    const ApiError e = failed.at(0).at(0).value<ApiError>();
    QCOMPARE(e.category(), ApiError::Category::Timeout);
    QVERIFY(e.userMessage().contains(u"expired"_s));
}

void TestDeviceLogin::denied()
{
    ManualClock clock;
    auto client = makeClient(&clock);
    DeviceLogin login(client.get());
    QSignalSpy failed(&login, &DeviceLogin::failed);
    QSignalSpy succeeded(&login, &DeviceLogin::succeeded);
    DeviceCode code;
    QVERIFY(startLogin(login, &code));
    m_sim.server()->denyDevice(code.userCode);
    for (int i = 0; i < 5 && failed.isEmpty(); ++i) {
        QTRY_VERIFY(!failed.isEmpty() || clock.pendingCount() == 1);
        if (failed.isEmpty())
            clock.advance(clock.nextDueInMs());
    }
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(succeeded.count(), 0);
    const ApiError e = failed.at(0).at(0).value<ApiError>();
    QCOMPARE(e.category(), ApiError::Category::Auth);
    QVERIFY2(e.userMessage().contains(u"denied"_s), qPrintable(e.userMessage()));
    QVERIFY(!login.isActive());
}

void TestDeviceLogin::cancelled()
{
    ManualClock clock;
    auto client = makeClient(&clock);
    DeviceLogin login(client.get());
    QSignalSpy failed(&login, &DeviceLogin::failed);
    QSignalSpy succeeded(&login, &DeviceLogin::succeeded);
    DeviceCode code;
    QVERIFY(startLogin(login, &code));
    QTRY_COMPARE(clock.pendingCount(), 1);
    login.cancel();
    QVERIFY(!login.isActive());
    m_sim.server()->approveDevice(code.userCode);
    clock.advance(60000);
    QCOMPARE(tokenPolls(m_sim.server()), 0); // the scheduled poll saw the cancel
    QVERIFY(!succeeded.wait(300));
    QCOMPARE(failed.count(), 0);
}

QTEST_GUILESS_MAIN(TestDeviceLogin)
#include "TestDeviceLogin.moc"
