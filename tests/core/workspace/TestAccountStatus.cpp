// TestAccountStatus: the session's account figures over real HTTP (in-process simulators on loopback)
// and a real AppContext on a temp database — both /credits shapes, a snapshot per reading, the
// endpoint states (unsupported, 403, 401, offline; a failed re-read keeps the last reading), the
// low-balance warning emitted once per change, the 10-minute re-read timer (and none where the
// gateway said no), health with polling only while watched, start-up asking /credits and /health
// once, refresh() asking both again, and a late reply after a workspace switch dropped.
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/api/Clock.h"
#include "core/api/RetryPolicy.h"
#include "core/catalog/CatalogRepository.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/SecretStore.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::sim::CreditsShape)
Q_DECLARE_METATYPE(anyrouter::EndpointStatus::State)

namespace {
// 2026-01-10 12:00 UTC: "now" for readings and snapshots (ManualClock).
constexpr qint64 kNowMs = 1'768'046'400'000LL;

// A gateway that takes requests and answers each only when the test says so.
class HeldGateway : public QObject
{
public:
    bool listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection())
                m_sockets.append(s);
        });
        return m_server.listen(QHostAddress::LocalHost);
    }
    QUrl baseUrl() const { return QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(m_server.serverPort())); }
    // The connection whose request is GET /api/v1<path> (one request per connection here).
    QTcpSocket* find(const QByteArray& path)
    {
        for (QTcpSocket* s : std::as_const(m_sockets)) {
            if (s->bytesAvailable() > 0)
                s->setProperty("request", QByteArray(s->property("request").toByteArray() + s->readAll()));
            if (s->property("request").toByteArray().startsWith(QByteArray("GET /api/v1" + path + " ")))
                return s;
        }
        return nullptr;
    }
    int count(const QByteArray& path)
    {
        find(path); // reads what arrived
        return int(std::count_if(m_sockets.begin(), m_sockets.end(), [&path](QTcpSocket* s) {
            return s->property("request").toByteArray().startsWith(QByteArray("GET /api/v1" + path + " "));
        }));
    }
    void answer(const QByteArray& path, const QByteArray& body)
    {
        if (QTcpSocket* s = find(path))
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }

private:
    QTcpServer m_server;
    QList<QTcpSocket*> m_sockets;
};
} // namespace

class TestAccountStatus : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void creditsBothShapes_data();
    void creditsBothShapes();
    void startUpAsksCreditsAndHealthOnce();
    void refreshAsksBothAgain();
    void creditsStates_data();
    void creditsStates();
    void failedReReadKeepsTheLastReading();
    void lowBalanceEmitsOncePerChange();
    void reReadTimer();
    void noReReadWhereTheGatewaySaidNo();
    void healthFromTheSimulator();
    void gatewayWithoutHealth();
    void healthPolledOnlyWhileWatched();
    void lateReplyAfterASwitchIsDropped();

private:
    void makeContext();
    Workspace workspace(const QString& id, const QUrl& url) const;
    // Selects `id` and returns its session's AccountStatus, with the test clock on it.
    AccountStatus* select(const QString& id);
    // Waits until the first credits and health reads of `account` are answered.
    bool waitForFirstReads(AccountStatus* account);

    std::unique_ptr<QTemporaryDir> m_dir;
    test::SimFixture m_sim, m_sim2;
    std::unique_ptr<AppContext> m_ctx;
    std::unique_ptr<ManualClock> m_clock;
};

void TestAccountStatus::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestAccountStatus::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto config = test::SimFixture::fastConfig();
    config.initialBalance = 25.0;
    QVERIFY(m_sim.start(config));
    config.initialBalance = 7.0;
    QVERIFY(m_sim2.start(config));
    m_clock = std::make_unique<ManualClock>(kNowMs);
    makeContext();
}

void TestAccountStatus::cleanup()
{
    m_ctx.reset();
    m_sim.stop();
    m_sim2.stop();
    m_dir.reset();
}

void TestAccountStatus::makeContext()
{
    AppContext::Options opts;
    opts.databasePath = m_dir->filePath(u"account.sqlite"_s);
    opts.secretStore = std::make_unique<MemorySecretStore>();
    m_ctx = std::make_unique<AppContext>(std::move(opts));
    QString error;
    QVERIFY2(m_ctx->open(&error), qPrintable(error));
    m_ctx->workspaces()->client()->setRetryPolicy(RetryPolicy::none());
    m_ctx->settings()->reset(Settings::Key::LowBalanceThreshold);
}

Workspace TestAccountStatus::workspace(const QString& id, const QUrl& url) const
{
    Workspace ws;
    ws.id = id;
    ws.name = id.toUpper();
    ws.kind = Workspace::Kind::Environment; // keys in memory: ready at once
    ws.baseUrl = url;
    return ws;
}

AccountStatus* TestAccountStatus::select(const QString& id)
{
    if (!m_ctx->workspaces()->select(id) || !m_ctx->session())
        return nullptr;
    AccountStatus* account = m_ctx->session()->account();
    account->setClock(m_clock.get()); // before any answer: they arrive through the event loop
    return account;
}

bool TestAccountStatus::waitForFirstReads(AccountStatus* account)
{
    return QTest::qWaitFor(
        [account] {
            return account->creditsStatus().state != EndpointStatus::State::Loading &&
                   account->healthStatus().state != EndpointStatus::State::Loading;
        },
        10000);
}

void TestAccountStatus::creditsBothShapes_data()
{
    QTest::addColumn<sim::CreditsShape>("shape");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("reportsTotalCredits");
    QTest::newRow("balance + total_usage, management key")
        << sim::CreditsShape::Balance << sim::managementKey() << false;
    QTest::newRow("data.total_credits + total_usage, full key")
        << sim::CreditsShape::OpenRouterData << sim::fullKey() << true;
}

void TestAccountStatus::creditsBothShapes()
{
    QFETCH(sim::CreditsShape, shape);
    QFETCH(QString, key);
    QFETCH(bool, reportsTotalCredits);
    m_sim.server()->config().creditsShape = shape;
    m_sim.server()->setBalance(21.5);
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), key);
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QCOMPARE(account->workspaceId(), u"a"_s);
    QCOMPARE(account->creditsStatus().state, EndpointStatus::State::Loading); // asked at once
    QVERIFY(account->isReadingCredits());
    QVERIFY(!account->credits());
    QSignalSpy changed(account, &AccountStatus::creditsChanged);
    QSignalSpy read(account, &AccountStatus::creditsRead);
    QVERIFY(read.wait(10000));
    QCOMPARE(read.size(), 1);
    QCOMPARE(read.at(0).at(0).toBool(), true);
    QCOMPARE(changed.size(), 1);

    QCOMPARE(account->creditsStatus().state, EndpointStatus::State::Ready);
    QVERIFY(!account->isReadingCredits());
    QVERIFY(account->credits());
    QCOMPARE(*account->credits()->balance, 21.5);
    QCOMPARE(*account->credits()->totalUsage, m_sim.server()->totalUsage());
    QCOMPARE(account->credits()->totalCredits.has_value(), reportsTotalCredits);
    if (reportsTotalCredits)
        QCOMPARE(*account->credits()->totalCredits, 21.5 + m_sim.server()->totalUsage());
    QCOMPARE(account->creditsReadAt().toMSecsSinceEpoch(), kNowMs);
    // The reading became a snapshot, stamped with the reading's time.
    const auto stored = m_ctx->balanceHistory()->list(u"a"_s, {}, {});
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.at(0).at.toMSecsSinceEpoch(), kNowMs);
    QCOMPARE(*stored.at(0).balance, 21.5);
}

void TestAccountStatus::startUpAsksCreditsAndHealthOnce()
{
    HeldGateway held;
    QVERIFY(held.listen());
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, held.baseUrl()), sim::fullKey());
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QTRY_VERIFY_WITH_TIMEOUT(held.find("/credits") && held.find("/health"), 10000);
    // Every observer asking while the first reads are on their way gets those: none is doubled or
    // superseded (a superseded request would be abandoned and its answer below never seen).
    account->refresh();
    account->refreshCredits();
    account->refreshHealth();
    m_ctx->session()->refresh();
    QSignalSpy credits(account, &AccountStatus::creditsRead);
    QSignalSpy health(account, &AccountStatus::healthRead);
    held.answer("/credits", R"({"balance":4.25,"total_usage":1.0})");
    held.answer("/health", R"({"status":"ok","providers":[{"name":"p1","status":"ok"}]})");
    QTRY_VERIFY_WITH_TIMEOUT(credits.size() == 1 && health.size() == 1, 10000);
    QCOMPARE(*account->credits()->balance, 4.25);
    QCOMPARE(account->health()->providers.size(), 1);
    QCOMPARE(held.count("/credits"), 1);
    QCOMPARE(held.count("/health"), 1);
    QVERIFY(!account->isReadingCredits());
    QVERIFY(!account->isReadingHealth());
    // A watcher coming right after the first check does not check again: it is not due.
    QObject watcher;
    account->setHealthWatched(&watcher, true);
    QVERIFY(account->isHealthPolling());
    QVERIFY(!account->isReadingHealth());
    QCOMPARE(held.count("/health"), 1);
}

void TestAccountStatus::refreshAsksBothAgain()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QVERIFY(waitForFirstReads(account));
    m_sim.server()->setBalance(3.25);
    QSignalSpy credits(account, &AccountStatus::creditsRead);
    QSignalSpy health(account, &AccountStatus::healthRead);
    m_ctx->session()->refresh(); // F5
    QVERIFY(account->isReadingCredits());
    QVERIFY(account->isReadingHealth());
    QTRY_VERIFY_WITH_TIMEOUT(credits.size() == 1 && health.size() == 1, 10000);
    QCOMPARE(m_sim.server()->requestCount(u"/credits"_s), 2);
    QCOMPARE(m_sim.server()->requestCount(u"/health"_s), 2);
    QCOMPARE(*account->credits()->balance, 3.25);
}

void TestAccountStatus::creditsStates_data()
{
    QTest::addColumn<QString>("where"); // "path": a gateway without /credits; "closed": nothing listens
    QTest::addColumn<QString>("key");
    QTest::addColumn<EndpointStatus::State>("state");
    QTest::newRow("no /credits") << u"path"_s << sim::fullKey() << EndpointStatus::State::Unsupported;
    QTest::newRow("403: inference key")
        << QString() << sim::inferenceKey() << EndpointStatus::State::Forbidden;
    QTest::newRow("401: unknown key")
        << QString() << u"sk-ar-v1-not-a-real-key"_s << EndpointStatus::State::Unauthorized;
    QTest::newRow("offline") << u"closed"_s << sim::fullKey() << EndpointStatus::State::Offline;
}

void TestAccountStatus::creditsStates()
{
    QFETCH(QString, where);
    QFETCH(QString, key);
    QFETCH(EndpointStatus::State, state);
    QUrl url = m_sim.baseUrl();
    if (where == u"path"_s) {
        url.setPath(u"/other-gateway/v1"_s); // the simulator answers 404 outside /api/v1
    } else if (where == u"closed"_s) {
        QTcpServer probe; // a port that was free a moment ago: nothing listens there now
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        url.setPort(probe.serverPort());
        probe.close();
    }
    m_ctx->workspaces()->addEphemeral(workspace(u"x"_s, url), key);
    m_ctx->settings()->setLowBalanceThreshold(1000.0); // any known balance would be low
    AccountStatus* account = select(u"x"_s);
    QVERIFY(account);
    QSignalSpy read(account, &AccountStatus::creditsRead);
    QSignalSpy low(account, &AccountStatus::lowBalanceChanged);
    QVERIFY(read.wait(10000));
    QCOMPARE(read.at(0).at(0).toBool(), false);
    QCOMPARE(EndpointStatus::stateName(account->creditsStatus().state), EndpointStatus::stateName(state));
    QVERIFY(!account->credits());
    QVERIFY(!account->creditsReadAt().isValid());
    QVERIFY(!account->lowBalance().low); // an unknown balance raises no alarm
    QVERIFY(low.isEmpty());
    QVERIFY(m_ctx->balanceHistory()->list(u"x"_s, {}, {}).isEmpty());
    const bool saidNo =
        state == EndpointStatus::State::Unsupported || state == EndpointStatus::State::Forbidden;
    QCOMPARE(account->creditsUnavailable(), saidNo);
}

void TestAccountStatus::failedReReadKeepsTheLastReading()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    m_sim.server()->setBalance(12.0);
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QVERIFY(waitForFirstReads(account));
    QVERIFY(account->health());
    const qsizetype providers = account->health()->providers.size();
    QVERIFY(providers > 0);
    m_sim.stop(); // the gateway goes away
    m_clock->advance(60'000);
    QSignalSpy credits(account, &AccountStatus::creditsRead);
    QSignalSpy health(account, &AccountStatus::healthRead);
    account->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(credits.size() == 1 && health.size() == 1, 10000);
    QCOMPARE(credits.at(0).at(0).toBool(), false);
    QCOMPARE(account->creditsStatus().state, EndpointStatus::State::Offline);
    QVERIFY(account->credits());
    QCOMPARE(*account->credits()->balance, 12.0);
    QCOMPARE(account->creditsReadAt().toMSecsSinceEpoch(), kNowMs); // the reading's own time
    // Health likewise keeps its last answer, and says when the failed check was made.
    QCOMPARE(account->healthStatus().state, EndpointStatus::State::Offline);
    QVERIFY(account->health());
    QCOMPARE(account->health()->providers.size(), providers);
    QCOMPARE(account->healthCheckedAt().toMSecsSinceEpoch(), kNowMs + 60'000);
    QVERIFY(!account->creditsUnavailable()); // the re-read timer keeps trying
}

void TestAccountStatus::lowBalanceEmitsOncePerChange()
{
    m_ctx->settings()->setLowBalanceThreshold(10.0);
    m_sim.server()->setBalance(25.0);
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QSignalSpy low(account, &AccountStatus::lowBalanceChanged);
    QSignalSpy read(account, &AccountStatus::creditsRead);
    QVERIFY(read.wait(10000));
    QCOMPARE(account->lowBalanceThreshold(), 10.0);
    QVERIFY(!account->lowBalance().low);
    QCOMPARE(low.size(), 0); // not low before, not low now: nothing changed

    const auto reread = [&] {
        read.clear();
        account->refreshCredits();
        return read.wait(10000);
    };
    // Crossing below the threshold: one signal.
    m_sim.server()->setBalance(5.0);
    QVERIFY(reread());
    QCOMPARE(low.size(), 1);
    QCOMPARE(low.at(0).at(0).toBool(), true);
    QCOMPARE(low.at(0).at(1).toString(), u"Low balance: $5.00 left, below your warning level of $10.00."_s);
    QCOMPARE(account->lowBalance().message, low.at(0).at(1).toString());
    // The same reading again: no signal.
    QVERIFY(reread());
    QCOMPARE(low.size(), 1);
    // A lower balance, still low: the words change, so one signal.
    m_sim.server()->setBalance(4.5);
    QVERIFY(reread());
    QCOMPARE(low.size(), 2);
    QCOMPARE(low.at(1).at(0).toBool(), true);
    QVERIFY(low.at(1).at(1).toString().contains(u"$4.50 left"_s));
    // The threshold, stored in Settings: below the balance withdraws the warning, above brings it back.
    account->setLowBalanceThreshold(4.0);
    QCOMPARE(m_ctx->settings()->lowBalanceThreshold(), 4.0);
    QCOMPARE(low.size(), 3);
    QCOMPARE(low.at(2).at(0).toBool(), false);
    QCOMPARE(low.at(2).at(1).toString(), QString());
    account->setLowBalanceThreshold(4.0);
    QCOMPARE(low.size(), 3);
    account->setLowBalanceThreshold(0.0); // off, and already not low: nothing to say
    QCOMPARE(low.size(), 3);
    account->setLowBalanceThreshold(20.0);
    QCOMPARE(low.size(), 4);
    QCOMPARE(low.at(3).at(0).toBool(), true);
    // The UI's money format words the warning (the status bar shows what the panel shows).
    account->setMoneyFormatter([](double usd) { return u"USD %1"_s.arg(usd, 0, 'f', 1); });
    QCOMPARE(low.size(), 5);
    QCOMPARE(low.at(4).at(1).toString(),
             u"Low balance: USD 4.5 left, below your warning level of USD 20.0."_s);
    // Back above: one signal.
    m_sim.server()->setBalance(25.0);
    QVERIFY(reread());
    QCOMPARE(low.size(), 6);
    QCOMPARE(low.at(5).at(0).toBool(), false);
}

void TestAccountStatus::reReadTimer()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QCOMPARE(account->pollIntervalMs(), 10 * 60 * 1000);
    QCOMPARE(AccountStatus::kPollIntervalMs, 10 * 60 * 1000);
    QVERIFY(waitForFirstReads(account));
    QSignalSpy read(account, &AccountStatus::creditsRead);
    QSignalSpy low(account, &AccountStatus::lowBalanceChanged);
    account->setPollIntervalMs(30);
    // Without any call, the balance is read again and a drop below the threshold ($1) warns.
    m_sim.server()->setBalance(0.5);
    QTRY_VERIFY_WITH_TIMEOUT(account->credits() && *account->credits()->balance == 0.5, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!low.isEmpty() && low.last().at(0).toBool(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(read.size() >= 3, 10000);
    QVERIFY(m_sim.server()->requestCount(u"/credits"_s) >= 4);
    // Health is not on this timer (it is polled only while watched).
    QCOMPARE(m_sim.server()->requestCount(u"/health"_s), 1);
    account->setPollIntervalMs(AccountStatus::kPollIntervalMs);
}

void TestAccountStatus::noReReadWhereTheGatewaySaidNo()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"inf"_s, m_sim.baseUrl()), sim::inferenceKey());
    AccountStatus* account = select(u"inf"_s);
    QVERIFY(account);
    QVERIFY(waitForFirstReads(account));
    QCOMPARE(account->creditsStatus().state, EndpointStatus::State::Forbidden);
    account->setPollIntervalMs(10);
    // Health polled every 10 ms is the test's clock: ten checks take well over ten credit intervals.
    account->setHealthIntervalMs(10);
    QObject watcher;
    QSignalSpy checks(account, &AccountStatus::healthRead);
    account->setHealthWatched(&watcher, true);
    QTRY_VERIFY_WITH_TIMEOUT(checks.size() >= 10, 10000);
    QCOMPARE(m_sim.server()->requestCount(u"/credits"_s), 1);
    // Asking explicitly still asks (the key may have been given the permission meanwhile).
    QSignalSpy read(account, &AccountStatus::creditsRead);
    account->refreshCredits();
    QVERIFY(read.wait(10000));
    QCOMPARE(m_sim.server()->requestCount(u"/credits"_s), 2);
}

void TestAccountStatus::healthFromTheSimulator()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QCOMPARE(account->healthStatus().state, EndpointStatus::State::Loading);
    QSignalSpy read(account, &AccountStatus::healthRead);
    QSignalSpy changed(account, &AccountStatus::healthChanged);
    QVERIFY(read.wait(10000));
    QCOMPARE(read.at(0).at(0).toBool(), true);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(account->healthStatus().state, EndpointStatus::State::Ready);
    QCOMPARE(account->healthCheckedAt().toMSecsSinceEpoch(), kNowMs);

    // The simulator's /health read with a plain QNetworkAccessManager, not through the app's parser.
    QNetworkAccessManager nam;
    QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(m_sim.baseUrl().toString() + u"/health"_s)));
    QSignalSpy done(reply, &QNetworkReply::finished);
    QVERIFY(done.wait(10000));
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    const QJsonArray expected = body.value(u"providers"_s).toArray();
    QVERIFY(expected.size() >= 5);
    QVERIFY(account->health());
    QCOMPARE(account->health()->status, body.value(u"status"_s).toString());
    QCOMPARE(account->health()->providers.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const QJsonObject p = expected.at(i).toObject();
        const ProviderHealth& got = account->health()->providers.at(i);
        QCOMPARE(got.name, p.value(u"name"_s).toString());
        QCOMPARE(got.status, p.value(u"status"_s).toString());
        QCOMPARE(got.latencyMs.value_or(-1), p.value(u"latency_ms"_s).toDouble());
    }
}

void TestAccountStatus::gatewayWithoutHealth()
{
    m_sim2.server()->config().offerHealth = false;
    m_ctx->workspaces()->addEphemeral(workspace(u"n"_s, m_sim2.baseUrl()), sim::fullKey());
    AccountStatus* account = select(u"n"_s);
    QVERIFY(account);
    QSignalSpy read(account, &AccountStatus::healthRead);
    QVERIFY(read.wait(10000));
    QCOMPARE(read.at(0).at(0).toBool(), false);
    QCOMPARE(account->healthStatus().state, EndpointStatus::State::Unsupported);
    QVERIFY(!account->health());
    QVERIFY(account->healthCheckedAt().isValid());
}

void TestAccountStatus::healthPolledOnlyWhileWatched()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    AccountStatus* account = select(u"a"_s);
    QVERIFY(account);
    QCOMPARE(account->healthIntervalMs(), 60'000);
    QVERIFY(waitForFirstReads(account));
    QVERIFY(!account->isHealthPolling()); // nobody watches
    account->setHealthIntervalMs(20);
    QSignalSpy read(account, &AccountStatus::healthRead);
    auto first = std::make_unique<QObject>();
    QObject second;
    account->setHealthWatched(first.get(), true);
    account->setHealthWatched(&second, true);
    QVERIFY(account->isHealthPolling());
    QTRY_VERIFY_WITH_TIMEOUT(read.size() >= 3, 10000);
    account->setHealthWatched(&second, false);
    QVERIFY(account->isHealthPolling()); // one still watches
    first.reset();                       // and goes away without saying so
    QVERIFY(!account->isHealthPolling());
    QTRY_VERIFY_WITH_TIMEOUT(!account->isReadingHealth(), 10000);
    const int asked = m_sim.server()->requestCount(u"/health"_s);
    // Unwatched: nothing is asked, however long. The credits timer at 10 ms is the test's clock.
    QSignalSpy credits(account, &AccountStatus::creditsRead);
    account->setPollIntervalMs(10);
    QTRY_VERIFY_WITH_TIMEOUT(credits.size() >= 10, 10000);
    QCOMPARE(m_sim.server()->requestCount(u"/health"_s), asked);
}

void TestAccountStatus::lateReplyAfterASwitchIsDropped()
{
    HeldGateway held; // "slow": takes the requests, answers only when the test says so
    QVERIFY(held.listen());
    m_ctx->workspaces()->addEphemeral(workspace(u"slow"_s, held.baseUrl()), sim::fullKey());
    m_ctx->workspaces()->addEphemeral(workspace(u"b"_s, m_sim2.baseUrl()), sim::fullKey());
    m_ctx->settings()->setLowBalanceThreshold(10.0);
    QPointer<AccountStatus> old = select(u"slow"_s);
    QVERIFY(old);
    QTRY_VERIFY_WITH_TIMEOUT(held.find("/credits") && held.find("/health"), 10000);
    QTcpSocket* credits = held.find("/credits");
    QTcpSocket* health = held.find("/health");

    AccountStatus* account = select(u"b"_s);
    QVERIFY(account);
    QVERIFY(old.isNull()); // the old session and its account status are gone
    QSignalSpy low(account, &AccountStatus::lowBalanceChanged);
    // The old requests are abandoned: the client closes their connections.
    QTRY_VERIFY_WITH_TIMEOUT(credits->state() != QAbstractSocket::ConnectedState &&
                                 health->state() != QAbstractSocket::ConnectedState,
                             10000);
    // Answers written now (too late: a $1 balance, a gateway "down") reach nobody.
    held.answer("/credits", R"({"balance":1.0,"total_usage":99.0})");
    held.answer("/health", R"({"status":"down","providers":[]})");
    QVERIFY(waitForFirstReads(account));
    QTRY_VERIFY_WITH_TIMEOUT(!account->isReadingCredits() && !account->isReadingHealth(), 10000);
    QCOMPARE(*account->credits()->balance, 7.0);
    QCOMPARE(account->health()->status, u"ok"_s);
    QVERIFY(account->lowBalance().low); // b's own $7 against $10
    QCOMPARE(low.size(), 1);
    QVERIFY(low.at(0).at(1).toString().contains(u"$7.00"_s));
    QVERIFY(m_ctx->balanceHistory()->list(u"slow"_s, {}, {}).isEmpty());
    QCOMPARE(m_ctx->balanceHistory()->list(u"b"_s, {}, {}).size(), 1);
    QCOMPARE(m_ctx->session()->workspaceId(), u"b"_s);
}

QTEST_GUILESS_MAIN(TestAccountStatus)
#include "TestAccountStatus.moc"
