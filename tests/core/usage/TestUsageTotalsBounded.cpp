// TestUsageTotalsBounded: usage totals never go negative or infinite, whatever the rows hold.
// Rows an older version stored (written here with raw SQL: -5 tokens, a cost of -12.5, 1e308 or
// infinity, a negative latency), rows record() is handed, late costs, hostile gateway activity
// rows and balance readings: the ledger reads them back within Usage's bounds, hourly sums leave
// absurd costs out, and the aggregations (ledger and gateway series, reconciliation, burn rate)
// the balance recorder and the low-balance warning build nothing from them.
#include "TestSupport.h"
#include "core/account/BalanceRecorder.h"
#include "core/account/BurnRate.h"
#include "core/account/LowBalance.h"
#include "core/domain/Usage.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "core/usage/UsageAggregator.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <cmath>
#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const QString kWs = u"ws-1"_s;
const QDateTime kNow(QDate(2026, 1, 10), QTime(12, 0), Qt::UTC);

bool sane(double v, double max)
{
    return std::isfinite(v) && v >= 0 && v <= max;
}

void verifySeries(const UsageSeries& s, double max)
{
    QVERIFY2(sane(s.total, max), qPrintable(QString::number(s.total)));
    for (double t : s.bucketTotals)
        QVERIFY2(sane(t, max), qPrintable(QString::number(t)));
    for (const QList<double>& g : s.values) {
        for (double v : g)
            QVERIFY2(sane(v, max), qPrintable(QString::number(v)));
    }
}

void verifyTotals(const UsageTotals& t)
{
    QVERIFY2(sane(t.cost, 1e12), qPrintable(QString::number(t.cost)));
    QVERIFY(t.tokens >= 0 && t.requests >= 0);
}

} // namespace

class TestUsageTotalsBounded : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void init();
    void cleanup();
    void oldRows_data();
    void oldRows();
    void recordSanitizes_data();
    void recordSanitizes();
    void lateCostRefused_data();
    void lateCostRefused();
    void hostileActivity_data();
    void hostileActivity();
    void bogusBalanceReadings_data();
    void bogusBalanceReadings();

private:
    // Writes a row as an older version could have: no validation at all.
    void insertRaw(qint64 prompt, qint64 completion, const QVariant& cost, double latency,
                   const QVariant& ttft, const QDateTime& at);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<UsageLedger> m_ledger;
};

void TestUsageTotalsBounded::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_db = std::make_unique<Database>(m_dir->filePath(u"u.sqlite"_s));
    QVERIFY(m_db->open());
    m_ledger = std::make_unique<UsageLedger>(*m_db);
}

void TestUsageTotalsBounded::cleanup()
{
    m_ledger.reset();
    m_db.reset();
    m_dir.reset();
}

void TestUsageTotalsBounded::insertRaw(qint64 prompt, qint64 completion, const QVariant& cost, double latency,
                                       const QVariant& ttft, const QDateTime& at)
{
    QSqlQuery q(m_db->connection());
    q.prepare(
        u"INSERT INTO usage_ledger (at, workspace_id, model, prompt_tokens, completion_tokens, cost,"
        " cost_source, latency_ms, ttft_ms, status) VALUES (?, ?, 'm', ?, ?, ?, 'gateway', ?, ?, 'ok')"_s);
    q.addBindValue(at.toMSecsSinceEpoch());
    q.addBindValue(kWs);
    q.addBindValue(prompt);
    q.addBindValue(completion);
    q.addBindValue(cost);
    q.addBindValue(latency);
    q.addBindValue(ttft);
    QVERIFY(q.exec());
}

void TestUsageTotalsBounded::oldRows_data()
{
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<QVariant>("cost");
    QTest::addColumn<double>("latency");
    QTest::addColumn<QVariant>("ttft");
    QTest::addColumn<bool>("costKept");
    const QVariant noTtft = QVariant(QMetaType::fromType<double>());
    QTest::newRow("sane") << qint64(10) << qint64(5) << QVariant(0.25) << 800.0 << QVariant(120.0) << true;
    QTest::newRow("completion -5") << qint64(10) << qint64(-5) << QVariant(0.25) << 800.0 << noTtft << true;
    QTest::newRow("prompt 9e18") << qint64(9'000'000'000'000'000'000LL) << qint64(5) << QVariant(0.25)
                                 << 800.0 << noTtft << true;
    QTest::newRow("cost -12.5") << qint64(10) << qint64(5) << QVariant(-12.5) << 800.0 << noTtft << false;
    QTest::newRow("cost 1e308") << qint64(10) << qint64(5) << QVariant(1e308) << 800.0 << noTtft << false;
    QTest::newRow("cost inf") << qint64(10) << qint64(5) << QVariant(kInf) << 800.0 << noTtft << false;
    QTest::newRow("cost -inf") << qint64(10) << qint64(5) << QVariant(-kInf) << 800.0 << noTtft << false;
    QTest::newRow("negative latency and ttft")
        << qint64(10) << qint64(5) << QVariant(0.25) << -50.0 << QVariant(-3.0) << true;
    QTest::newRow("infinite ttft") << qint64(10) << qint64(5) << QVariant(0.25) << 800.0 << QVariant(kInf)
                                   << true;
}

void TestUsageTotalsBounded::oldRows()
{
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(QVariant, cost);
    QFETCH(double, latency);
    QFETCH(QVariant, ttft);
    QFETCH(bool, costKept);
    // One hostile row among sane ones, in the same hour.
    const QDateTime at = kNow.addSecs(-7200);
    insertRaw(100, 50, 1.0, 500, 100.0, at);
    insertRaw(prompt, completion, cost, latency, ttft, at.addSecs(60));
    insertRaw(200, 70, 2.0, 700, 90.0, at.addSecs(120));

    const QList<LedgerEntry> rows = m_ledger->entries(kWs, {}, {});
    QCOMPARE(rows.size(), 3);
    for (const LedgerEntry& e : rows) {
        for (qint64 n : {e.promptTokens, e.completionTokens, e.cachedTokens, e.reasoningTokens})
            QVERIFY2(Usage::isValidTokenCount(n), qPrintable(QString::number(n)));
        QVERIFY(!e.cost || Usage::isValidCost(*e.cost));
        QVERIFY(Usage::validDurationMs(e.latencyMs));
        QVERIFY(!e.ttftMs || Usage::validDurationMs(e.ttftMs));
    }
    QCOMPARE(rows.at(1).cost.has_value(), costKept);
    if (!costKept)
        QCOMPARE(rows.at(1).costSource, kRejectedCostSource);

    // Hourly sums: the sane rows' costs, and the hostile one's only when it is a cost at all.
    const QList<LedgerEntry> hourly = m_ledger->hourlyCosts(kWs, kNow.addDays(-7), kNow);
    QCOMPARE(hourly.size(), 1);
    QCOMPARE(hourly.at(0).cost.value_or(-1), 3.0 + (costKept ? cost.toDouble() : 0.0));

    // Every series built from the rows is finite and non-negative.
    for (UsageMetric metric : {UsageMetric::Cost, UsageMetric::Tokens, UsageMetric::Requests}) {
        UsageQuery q;
        q.metric = metric;
        const UsageSeries s = UsageAggregator::aggregate(q, kNow, QTimeZone::utc(), rows, {});
        verifySeries(s, 1e12);
        if (QTest::currentTestFailed())
            return;
        if (metric == UsageMetric::Cost)
            QCOMPARE(s.unpricedRequests, costKept ? 0 : 1);
    }
    // The same rows as a hand-built list (no sanitizing by the ledger): the aggregator bounds them.
    LedgerEntry raw;
    raw.at = at;
    raw.workspaceId = kWs;
    raw.promptTokens = prompt;
    raw.completionTokens = completion;
    raw.cost = cost.toDouble();
    UsageQuery q;
    verifySeries(UsageAggregator::aggregate(q, kNow, QTimeZone::utc(), {raw, rows.at(0)}, {}), 1e12);
    q.metric = UsageMetric::Tokens;
    verifySeries(UsageAggregator::aggregate(q, kNow, QTimeZone::utc(), {raw, rows.at(0)}, {}), 1e12);
    const UsageWindow w = UsageAggregator::windowFor(UsageQuery{}, kNow, QTimeZone::utc());
    const UsageReconciliation rec = UsageAggregator::reconcile(w, {raw, rows.at(0)}, {});
    verifyTotals(rec.ledger);

    // The burn rate from the hourly sums (as the credits panel feeds it) and from raw rows.
    BurnRate::Input in;
    in.ledger = hourly;
    in.ledger.append(raw);
    in.balance = 20.0;
    const BurnRate r = BurnRate::compute(in, kNow);
    QVERIFY2(sane(r.spend, 1e9) && sane(r.perDay, 1e9), qPrintable(r.describe()));
    QVERIFY(!r.daysLeft || sane(*r.daysLeft, 1e12));
}

void TestUsageTotalsBounded::recordSanitizes_data()
{
    oldRows_data();
}

void TestUsageTotalsBounded::recordSanitizes()
{
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(QVariant, cost);
    QFETCH(double, latency);
    QFETCH(QVariant, ttft);
    QFETCH(bool, costKept);
    LedgerEntry e;
    e.at = kNow.addSecs(-60);
    e.workspaceId = kWs;
    e.promptTokens = prompt;
    e.completionTokens = completion;
    e.cost = cost.toDouble();
    e.costSource = u"gateway"_s;
    e.latencyMs = latency;
    if (!ttft.isNull())
        e.ttftMs = ttft.toDouble();
    QVERIFY(m_ledger->record(e));
    const QList<LedgerEntry> rows = m_ledger->entries(kWs, {}, {});
    QCOMPARE(rows.size(), 1);
    const LedgerEntry& back = rows.constFirst();
    QVERIFY(Usage::isValidTokenCount(back.promptTokens) && Usage::isValidTokenCount(back.completionTokens));
    QCOMPARE(back.cost.has_value(), costKept);
    QCOMPARE(back.costSource, costKept ? u"gateway"_s : kRejectedCostSource);
    QVERIFY(Usage::validDurationMs(back.latencyMs));
    QVERIFY(!back.ttftMs || Usage::validDurationMs(back.ttftMs));
    // What is stored is what record() left in e.
    QCOMPARE(back.promptTokens, e.promptTokens);
    QCOMPARE(back.completionTokens, e.completionTokens);
    QCOMPARE(back.cost, e.cost);
    // Raw storage holds the bounded values too (not only the read path).
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"SELECT COUNT(*) FROM usage_ledger WHERE prompt_tokens < 0 OR completion_tokens < 0"
                   " OR cost < 0 OR cost > 10000 OR latency_ms < 0 OR ttft_ms < 0"_s));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 0);
}

void TestUsageTotalsBounded::lateCostRefused_data()
{
    QTest::addColumn<double>("cost");
    QTest::addColumn<bool>("stored");
    QTest::newRow("0.5") << 0.5 << true;
    QTest::newRow("-12.5") << -12.5 << false;
    QTest::newRow("1e308") << 1e308 << false;
    QTest::newRow("inf") << kInf << false;
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << false;
}

void TestUsageTotalsBounded::lateCostRefused()
{
    QFETCH(double, cost);
    QFETCH(bool, stored);
    LedgerEntry e;
    e.at = kNow.addSecs(-60);
    e.workspaceId = kWs;
    QVERIFY(m_ledger->record(e));
    QCOMPARE(m_ledger->updateCost(e.id, cost, u"generation"_s), stored);
    const LedgerEntry back = m_ledger->entries(kWs, {}, {}).value(0);
    QCOMPARE(back.cost.has_value(), stored);
    if (stored)
        QCOMPARE(*back.cost, cost);
}

void TestUsageTotalsBounded::hostileActivity_data()
{
    QTest::addColumn<double>("usage");
    QTest::addColumn<qint64>("requests");
    QTest::addColumn<qint64>("tokens");
    QTest::newRow("sane") << 4.5 << qint64(10) << qint64(1000);
    QTest::newRow("negative usage") << -12.5 << qint64(10) << qint64(1000);
    QTest::newRow("usage 1e308") << 1e308 << qint64(10) << qint64(1000);
    QTest::newRow("usage inf") << kInf << qint64(10) << qint64(1000);
    QTest::newRow("usage nan") << std::numeric_limits<double>::quiet_NaN() << qint64(10) << qint64(1000);
    QTest::newRow("negative requests") << 4.5 << qint64(-10) << qint64(1000);
    QTest::newRow("negative tokens") << 4.5 << qint64(10) << qint64(-1000);
    QTest::newRow("huge tokens") << 4.5 << qint64(10) << qint64(4'000'000'000'000'000'000LL);
}

void TestUsageTotalsBounded::hostileActivity()
{
    QFETCH(double, usage);
    QFETCH(qint64, requests);
    QFETCH(qint64, tokens);
    ActivityRow bad;
    bad.date = kNow.date().addDays(-1);
    bad.model = u"m"_s;
    bad.usage = usage;
    bad.requests = requests;
    bad.promptTokens = tokens;
    bad.completionTokens = tokens;
    ActivityRow good = bad;
    good.model = u"n"_s;
    good.usage = 1.0;
    good.requests = 2;
    good.promptTokens = 10;
    good.completionTokens = 10;
    for (UsageMetric metric : {UsageMetric::Cost, UsageMetric::Tokens, UsageMetric::Requests}) {
        for (UsageSource source : {UsageSource::Gateway, UsageSource::Reconciled}) {
            UsageQuery q;
            q.metric = metric;
            q.source = source;
            const UsageSeries s = UsageAggregator::aggregate(q, kNow, QTimeZone::utc(), {}, {bad, good});
            verifySeries(s, 1e18);
            QVERIFY(s.requests >= 0);
            if (QTest::currentTestFailed())
                return;
        }
    }
    const UsageWindow w = UsageAggregator::windowFor(UsageQuery{}, kNow, QTimeZone::utc());
    const UsageReconciliation rec = UsageAggregator::reconcile(w, {}, {bad, good});
    verifyTotals(rec.gateway);
    for (const ReconciliationDay& d : rec.days)
        verifyTotals(d.gateway);
}

void TestUsageTotalsBounded::bogusBalanceReadings_data()
{
    QTest::addColumn<double>("bogus");
    QTest::newRow("1e308") << 1e308;
    QTest::newRow("-1e308") << -1e308;
    QTest::newRow("inf") << kInf;
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN();
}

void TestUsageTotalsBounded::bogusBalanceReadings()
{
    QFETCH(double, bogus);
    // The recorder does not store a bogus figure.
    BalanceHistory history(*m_db);
    BalanceRecorder recorder(&history);
    QCOMPARE(recorder.record(kWs, Credits{bogus, std::nullopt, bogus}, kNow.addDays(-3)),
             BalanceRecorder::Outcome::Nothing);
    QVERIFY(history.list(kWs, {}, {}).isEmpty());
    QCOMPARE(recorder.record(kWs, Credits{10.0, std::nullopt, bogus}, kNow.addDays(-3)),
             BalanceRecorder::Outcome::Recorded);
    const QList<BalanceSnapshot> stored = history.list(kWs, {}, {});
    QCOMPARE(stored.size(), 1);
    QVERIFY(!stored.at(0).totalUsage);

    // The burn rate ignores bogus readings that reached it another way.
    BurnRate::Input in;
    in.snapshots = {
        {kNow.addDays(-3), 10.0, 5.0}, {kNow.addDays(-2), bogus, bogus}, {kNow.addDays(-1), 8.0, 7.0}};
    const BurnRate r = BurnRate::compute(in, kNow);
    QVERIFY2(sane(r.spend, 1e9) && sane(r.perDay, 1e9), qPrintable(r.describe()));
    QCOMPARE(r.spend, 2.0);
    QVERIFY(r.balance && *r.balance == 8.0);
    in.balance = bogus;
    const BurnRate withBogusBalance = BurnRate::compute(in, kNow);
    QVERIFY(withBogusBalance.balance && *withBogusBalance.balance == 8.0);
    QVERIFY(!withBogusBalance.daysLeft || sane(*withBogusBalance.daysLeft, 1e12));

    // A bogus balance is an unknown one: no warning built on "nan left" or "-$1e308".
    const LowBalance low = LowBalance::evaluate(bogus, 5.0);
    QVERIFY2(!low.low, qPrintable(low.message));
}

QTEST_GUILESS_MAIN(TestUsageTotalsBounded)
#include "TestUsageTotalsBounded.moc"
