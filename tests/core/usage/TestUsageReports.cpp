// TestUsageReports: the session's usage reports over the real simulator and a real AppContext on a
// temp database — nothing is asked until observed; the report of a query (ledger, gateway,
// reconciled) has hand-checked totals; /activity's endpoint states (ready, forbidden, unsupported,
// unauthorised, offline, no key) and the ledger fallback while it is missing; refresh re-reads; a
// late /activity answer and a late ledger report for a workspace switched away from never reach the
// new session; a superseded query's report is dropped.
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/api/ApiClient.h"
#include "core/storage/Database.h"
#include "core/storage/SecretStore.h"
#include "core/storage/UsageLedger.h"
#include "core/usage/UsageReports.h"
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
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QString kGpt = u"openai/gpt-5.4-mini"_s;
const QString kHaiku = u"anthropic/claude-haiku-4.5"_s;

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-9;
}

} // namespace

class TestUsageReports : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void nothingAskedUntilObserved();
    void reportForAQuery();
    void gatewayAndReconciledReports();
    void activityStates_data();
    void activityStates();
    void refreshRereadsLedgerAndActivity();
    void lateResultsAfterASwitchAreDropped();
    void supersededQueryIsDropped();

private:
    void makeContext();
    Workspace workspace(const QString& id, const QUrl& url) const;
    void record(const QString& workspaceId, const QString& model, double cost, int hoursAgo = 1);
    UsageReports* select(const QString& id);
    static void waitIdle(UsageReports* reports);

    std::unique_ptr<QTemporaryDir> m_dir;
    test::SimFixture m_sim;     // /activity with what it served (no seeded history)
    test::SimFixture m_history; // /activity with 30 days of seeded history
    test::SimFixture m_bare;    // no /activity at all
    std::unique_ptr<AppContext> m_ctx;
};

void TestUsageReports::initTestCase()
{
    test::initHermeticEnvironment();
    sim::SimConfig cfg = test::SimFixture::fastConfig();
    cfg.seedActivityHistory = false;
    QVERIFY(m_sim.start(cfg));
    QVERIFY(m_history.start(test::SimFixture::fastConfig()));
    cfg.offerActivity = false;
    QVERIFY(m_bare.start(cfg));

    // One chat "from another client" on m_sim: its /activity holds exactly this request today.
    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(m_sim.baseUrl().toString() + u"/chat/completions"_s));
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    req.setRawHeader("Authorization", "Bearer " + sim::fullKey().toUtf8());
    const QJsonObject body{
        {u"model"_s, kHaiku},
        {u"stream"_s, false},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hello"_s}}}}};
    QNetworkReply* reply = nam.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QSignalSpy done(reply, &QNetworkReply::finished);
    QVERIFY(done.wait(10000));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    delete reply;
}

void TestUsageReports::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    makeContext();
    m_sim.server()->clearRequestLog();
    m_history.server()->clearRequestLog();
    m_bare.server()->clearRequestLog();
}

void TestUsageReports::cleanup()
{
    m_ctx.reset();
    m_dir.reset();
}

void TestUsageReports::makeContext()
{
    AppContext::Options opts;
    opts.databasePath = m_dir->filePath(u"usage.sqlite"_s);
    opts.secretStore = std::make_unique<MemorySecretStore>();
    m_ctx = std::make_unique<AppContext>(std::move(opts));
    QString error;
    QVERIFY2(m_ctx->open(&error), qPrintable(error));
    m_ctx->workspaces()->client()->setRetryPolicy(RetryPolicy::none());
}

Workspace TestUsageReports::workspace(const QString& id, const QUrl& url) const
{
    Workspace ws;
    ws.id = id;
    ws.name = id.toUpper();
    ws.kind = Workspace::Kind::Environment;
    ws.baseUrl = url;
    return ws;
}

void TestUsageReports::record(const QString& workspaceId, const QString& model, double cost, int hoursAgo)
{
    LedgerEntry e;
    e.workspaceId = workspaceId;
    e.at = QDateTime::currentDateTimeUtc().addSecs(-3600 * hoursAgo);
    e.endpoint = u"/chat/completions"_s;
    e.model = model;
    e.promptTokens = 10;
    e.completionTokens = 20;
    e.cost = cost;
    QVERIFY(m_ctx->ledger()->record(e));
}

UsageReports* TestUsageReports::select(const QString& id)
{
    if (!m_ctx->workspaces()->select(id))
        return nullptr;
    UsageReports* reports = m_ctx->session()->usage();
    reports->setTimeZone(QTimeZone::utc());
    return reports;
}

void TestUsageReports::waitIdle(UsageReports* reports)
{
    QTRY_VERIFY_WITH_TIMEOUT(
        !reports->isBusy() && reports->activityStatus().state != EndpointStatus::State::Loading, 10000);
}

void TestUsageReports::nothingAskedUntilObserved()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    record(u"a"_s, kGpt, 0.5);
    UsageReports* reports = select(u"a"_s);
    QVERIFY(reports);
    QCOMPARE(reports->workspaceId(), u"a"_s);
    QVERIFY(m_ctx->session()->keysReady());
    // The session fetches its catalog; usage waits for an observer.
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/models"_s), 1, 10000);
    QSignalSpy reported(reports, &UsageReports::reportChanged);
    QVERIFY(!reported.wait(200)); // nothing is expected: there is no signal to wait for
    QCOMPARE(m_sim.server()->requestCount(u"/activity"_s), 0);
    QCOMPARE(reports->activityStatus().state, EndpointStatus::State::Idle);
    QVERIFY(!reports->isLoaded());
    QVERIFY(!reports->isBusy());
    QCOMPARE(reports->series().total, 0.0);
    reports->refresh(); // F5 before anything observes it asks nothing either
    m_ctx->session()->refresh();
    QCOMPARE(reports->activityStatus().state, EndpointStatus::State::Idle);

    reports->ensureLoaded();
    QVERIFY(reports->isLoaded());
    QVERIFY(reports->isBusy());
    QCOMPARE(reports->activityStatus().state, EndpointStatus::State::Loading);
    waitIdle(reports);
    QCOMPARE(m_sim.server()->requestCount(u"/activity"_s), 1);
    QVERIFY(near(reports->series().total, 0.5));
    reports->ensureLoaded(); // once only
    QCOMPARE(reports->activityStatus().state, EndpointStatus::State::Ready);
    QCOMPARE(m_sim.server()->requestCount(u"/activity"_s), 1);
}

void TestUsageReports::reportForAQuery()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    m_ctx->workspaces()->addEphemeral(workspace(u"b"_s, m_sim.baseUrl()), sim::fullKey());
    record(u"a"_s, kGpt, 0.25);
    record(u"a"_s, kGpt, 0.125, 30);
    record(u"a"_s, kHaiku, 1.0, 50);
    record(u"a"_s, kHaiku, 7.0, 24 * 10); // outside 7 days
    record(u"b"_s, kGpt, 3.0);            // another workspace
    UsageReports* reports = select(u"a"_s);
    QSignalSpy reported(reports, &UsageReports::reportChanged);
    UsageQuery q; // 7 days, cost by model, this app's ledger
    reports->setQuery(q);
    waitIdle(reports);
    QVERIFY(reported.size() >= 1);
    QCOMPARE(reports->report().query.source, UsageSource::Ledger);
    QCOMPARE(reports->series().groups, (QStringList{kHaiku, kGpt}));
    QVERIFY(near(reports->series().groupTotal(0), 1.0));
    QVERIFY(near(reports->series().groupTotal(1), 0.375));
    QVERIFY(near(reports->series().total, 1.375));
    QCOMPARE(reports->series().requests, 3);
    QVERIFY(!reports->readFailed());

    // Requests over 30 days, and by workspace (every workspace's rows, with their names).
    q.range = UsageRange::Days30;
    q.metric = UsageMetric::Requests;
    reports->setQuery(q);
    QVERIFY(reports->isBusy());
    waitIdle(reports);
    QCOMPARE(reports->series().total, 4.0);
    q.groupBy = UsageGroupBy::Workspace;
    reports->setQuery(q);
    waitIdle(reports);
    QCOMPARE(reports->series().groups, (QStringList{u"A"_s, u"B"_s}));
    QCOMPARE(reports->series().total, 5.0);
}

void TestUsageReports::gatewayAndReconciledReports()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    record(u"a"_s, kGpt, 0.25);
    UsageReports* reports = select(u"a"_s);
    UsageQuery q;
    q.source = UsageSource::Gateway;
    reports->setQuery(q);
    waitIdle(reports);
    QCOMPARE(reports->activityStatus().state, EndpointStatus::State::Ready);
    QCOMPARE(reports->activity().size(), 1); // the one chat of initTestCase
    QCOMPARE(reports->effectiveSource(), UsageSource::Gateway);
    QCOMPARE(reports->report().query.source, UsageSource::Gateway);
    QCOMPARE(reports->series().groups, QStringList{kHaiku});
    QCOMPARE(reports->series().requests, 1);

    q.source = UsageSource::Reconciled;
    reports->setQuery(q);
    waitIdle(reports);
    QCOMPARE(reports->report().query.source, UsageSource::Reconciled);
    QVERIFY(reports->reconciliation());
    QCOMPARE(reports->reconciliation()->gateway.requests, 1);
    QCOMPARE(reports->reconciliation()->ledger.requests, 1);
    QVERIFY(near(reports->reconciliation()->ledger.cost, 0.25));
}

void TestUsageReports::activityStates_data()
{
    QTest::addColumn<int>("gateway"); // 0 m_sim, 1 m_bare, 2 a stopped one
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("state");
    QTest::newRow("ready") << 0 << sim::fullKey() << int(EndpointStatus::State::Ready);
    QTest::newRow("forbidden") << 0 << sim::inferenceKey() << int(EndpointStatus::State::Forbidden);
    QTest::newRow("unsupported") << 1 << sim::fullKey() << int(EndpointStatus::State::Unsupported);
    QTest::newRow("unauthorized") << 0 << u"sk-ar-v1-sim-fault-401"_s
                                  << int(EndpointStatus::State::Unauthorized);
    QTest::newRow("offline") << 2 << sim::fullKey() << int(EndpointStatus::State::Offline);
    QTest::newRow("no key") << 0 << QString() << int(EndpointStatus::State::NoKey);
}

void TestUsageReports::activityStates()
{
    QFETCH(int, gateway);
    QFETCH(QString, key);
    QFETCH(int, state);
    QUrl url = gateway == 1 ? m_bare.baseUrl() : m_sim.baseUrl();
    test::SimFixture gone;
    if (gateway == 2) {
        QVERIFY(gone.start(test::SimFixture::fastConfig()));
        url = gone.baseUrl();
        gone.stop(); // nothing listens there any more
    }
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, url), key);
    record(u"a"_s, kGpt, 0.25);
    UsageReports* reports = select(u"a"_s);
    QSignalSpy changed(reports, &UsageReports::activityStatusChanged);
    UsageQuery q;
    q.source = UsageSource::Reconciled;
    reports->setQuery(q);
    waitIdle(reports);
    QCOMPARE(int(reports->activityStatus().state), state);
    QVERIFY(changed.size() >= 1);
    if (state == int(EndpointStatus::State::Ready)) {
        QCOMPARE(reports->report().query.source, UsageSource::Reconciled);
        return;
    }
    // Without the gateway's figures the report falls back to this app's ledger, which is still there.
    QVERIFY(reports->activity().isEmpty());
    QCOMPARE(reports->effectiveSource(), UsageSource::Ledger);
    QCOMPARE(reports->report().query.source, UsageSource::Ledger);
    QVERIFY(!reports->reconciliation());
    QVERIFY(near(reports->series().total, 0.25));
    QVERIFY(!reports->activityStatus().message(u"account activity"_s, u"/activity"_s).isEmpty());
}

void TestUsageReports::refreshRereadsLedgerAndActivity()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    record(u"a"_s, kGpt, 0.25);
    UsageReports* reports = select(u"a"_s);
    reports->ensureLoaded();
    waitIdle(reports);
    QVERIFY(near(reports->series().total, 0.25));
    QCOMPARE(m_sim.server()->requestCount(u"/activity"_s), 1);
    record(u"a"_s, kGpt, 0.5); // a chat meanwhile: the ledger says nothing
    reports->refresh();
    waitIdle(reports);
    QVERIFY(near(reports->series().total, 0.75));
    QCOMPARE(m_sim.server()->requestCount(u"/activity"_s), 2);
    // F5 on the session reaches the observed reports.
    record(u"a"_s, kGpt, 1.0);
    m_ctx->session()->refresh();
    waitIdle(reports);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/activity"_s), 3, 10000);
    waitIdle(reports);
    QVERIFY(near(reports->series().total, 1.75));
}

void TestUsageReports::lateResultsAfterASwitchAreDropped()
{
    // "a": a gateway whose answers drip slowly and 30 days of seeded activity, and a ledger large
    // enough that its report is still being read when the switch comes. "b": at once, small.
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_history.baseUrl()),
                                      u"sk-ar-v1-sim-fault-slow-drip"_s);
    m_ctx->workspaces()->addEphemeral(workspace(u"b"_s, m_sim.baseUrl()), sim::fullKey());
    Database* db = m_ctx->database();
    QVERIFY(db->transaction());
    for (int i = 0; i < 20000; ++i) {
        LedgerEntry e;
        e.workspaceId = u"a"_s;
        e.at = QDateTime::currentDateTimeUtc().addSecs(-60 - i);
        e.model = kHaiku;
        e.cost = 0.001;
        QVERIFY(m_ctx->ledger()->record(e));
    }
    QVERIFY(db->commit());
    record(u"b"_s, kGpt, 0.25);

    QPointer<UsageReports> first = select(u"a"_s);
    UsageQuery q;
    q.source = UsageSource::Reconciled;
    first->setQuery(q);
    QVERIFY(first->isBusy()); // its report is on the worker
    QTRY_COMPARE_WITH_TIMEOUT(m_history.server()->requestCount(u"/activity"_s), 1, 10000); // on its way
    QCOMPARE(first->activityStatus().state, EndpointStatus::State::Loading);

    UsageReports* second = select(u"b"_s);
    QVERIFY(first.isNull()); // the old session and its reports are gone
    QList<double> totals;
    QList<qsizetype> activitySizes;
    connect(second, &UsageReports::reportChanged, this, [&] { totals.append(second->series().total); });
    connect(second, &UsageReports::activityStatusChanged, this,
            [&] { activitySizes.append(second->activity().size()); });
    second->setQuery(q);
    waitIdle(second);
    // b's report queued behind a's on the one worker thread, so whatever a's job delivered is already
    // through the event loop; b's activity answered while a's still drips (and was aborted).
    QCOMPARE(second->activityStatus().state, EndpointStatus::State::Ready);
    QCOMPARE(second->activity().size(), 1); // m_sim's one chat, not 30 days of history
    QVERIFY(!totals.isEmpty());
    for (const double t : std::as_const(totals))
        QVERIFY2(t < 1.0, qPrintable(u"saw a total of %1 (a's ledger)"_s.arg(t)));
    for (const qsizetype n : std::as_const(activitySizes))
        QVERIFY2(n <= 1, qPrintable(u"saw %1 activity rows (a's gateway)"_s.arg(n)));
    QCOMPARE(second->report().query.source, UsageSource::Reconciled);
    QCOMPARE(second->reconciliation()->ledger.requests, 1);
    QVERIFY(near(second->reconciliation()->ledger.cost, 0.25));
    QCOMPARE(m_ctx->session()->usage(), second);
}

void TestUsageReports::supersededQueryIsDropped()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    // Enough rows that the first report is still running when the second query comes.
    Database* db = m_ctx->database();
    QVERIFY(db->transaction());
    for (int i = 0; i < 20000; ++i) {
        LedgerEntry e;
        e.workspaceId = u"a"_s;
        e.at = QDateTime::currentDateTimeUtc().addSecs(-60 - i);
        e.model = kGpt;
        e.cost = 0.001;
        QVERIFY(m_ctx->ledger()->record(e));
    }
    QVERIFY(db->commit());
    UsageReports* reports = select(u"a"_s);
    QList<UsageMetric> metrics;
    connect(reports, &UsageReports::reportChanged, this,
            [&] { metrics.append(reports->report().query.metric); });
    UsageQuery cost;
    cost.metric = UsageMetric::Cost;
    reports->setQuery(cost);
    UsageQuery requests;
    requests.metric = UsageMetric::Requests;
    for (int i = 0; i < 3; ++i) { // and a few more in a row, as a user flicking through the metrics
        reports->setQuery(i % 2 ? cost : requests);
        QVERIFY(reports->isBusy());
    }
    QCOMPARE(reports->query().metric, UsageMetric::Requests);
    waitIdle(reports);
    QVERIFY(!metrics.isEmpty());
    for (const UsageMetric m : std::as_const(metrics))
        QCOMPARE(m, UsageMetric::Requests); // never the cost report of a query already replaced
    QCOMPARE(reports->series().metric, UsageMetric::Requests);
    QCOMPARE(reports->series().total, 20000.0);
}

QTEST_GUILESS_MAIN(TestUsageReports)
#include "TestUsageReports.moc"
