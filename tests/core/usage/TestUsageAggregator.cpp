// Tests of UsageAggregator against a real SQLite usage ledger in a temp dir: hand-computed totals per
// bucket and group for every metric and grouping, rows in other workspaces, failed and unpriced rows,
// rows on bucket boundaries, local-time bucketing at a non-UTC offset, top-N + "Other", gateway
// activity and the ledger/gateway reconciliation. Also times 50k ledger rows (read + aggregate).
#include "TestSupport.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "core/usage/UsageAggregator.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QString kModelA = u"openai/gpt-5.4-mini"_s;
const QString kModelB = u"anthropic/claude-haiku-4.5"_s;
const QString kModelC = u"google/gemini-2.5-flash"_s;
const QString kModelD = u"meta-llama/llama-4-scout"_s;
const QString kModelE = u"mistralai/mistral-small"_s;
const QString kModelF = u"qwen/qwen3-32b"_s;
const QString kKey1 = u"sk-ar-v1-aaaaa…1111"_s;
const QString kKey2 = u"sk-ar-v1-bbbbb…2222"_s;
const QString kKey3 = u"sk-ar-v1-ccccc…3333"_s;
const QString kWsA = u"ws-a"_s;
const QString kWsB = u"ws-b"_s;
const QString kWsGone = u"0123456789abcdef"_s;

QDateTime utc(int day, int h, int m = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(2025, 3, day), QTime(h, m, s, ms), QTimeZone::utc());
}

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-12;
}

ActivityRow activity(int day, const QString& model, std::optional<double> usage, qint64 requests,
                     qint64 prompt, qint64 completion)
{
    ActivityRow r;
    r.date = QDate(2025, 3, day);
    r.model = model;
    r.usage = usage;
    r.requests = requests;
    r.promptTokens = prompt;
    r.completionTokens = completion;
    return r;
}

} // namespace

#define QCOMPARE_NEAR(actual, expected)                                                                      \
    QVERIFY2(near((actual), (expected)),                                                                     \
             qPrintable(u"%1 != %2"_s.arg(double(actual), 0, 'g', 17).arg(double(expected), 0, 'g', 17)))

class TestUsageAggregator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void ledgerByModel_data();
    void ledgerByModel();
    void ledgerByKey();
    void ledgerByWorkspaceReadsAllWorkspaces();
    void ledgerHourly();
    void ledgerLocalDaysAtOffset();
    void topGroupsAndOther_data();
    void topGroupsAndOther();
    void gatewayByModel();
    void gatewayCannotGroupByKey();
    void reconciliation();
    void reconciledSeries_data();
    void reconciledSeries();
    void aggregateDispatches();
    void largeLedgerTiming();

private:
    void record(const QString& ws, const QDateTime& at, const QString& model, const QString& key,
                qint64 prompt, qint64 completion, std::optional<double> cost,
                const QString& status = u"ok"_s);
    void seed();
    QList<LedgerEntry> read(const UsageWindow& w, const QString& ws) const;
    QList<ActivityRow> gatewayRows() const;
    int indexOf(const UsageSeries& s, const QString& group) const { return int(s.groups.indexOf(group)); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<UsageLedger> m_ledger;
    const QDateTime m_now = utc(10, 12, 30);
    const QHash<QString, QString> m_names{{kWsA, u"Alpha"_s}, {kWsB, u"Beta"_s}};
};

void TestUsageAggregator::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestUsageAggregator::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<Database>(m_dir->filePath(u"usage.sqlite"_s));
    QVERIFY(m_db->open());
    m_ledger = std::make_unique<UsageLedger>(*m_db);
}

void TestUsageAggregator::cleanup()
{
    m_ledger.reset();
    m_db.reset();
    m_dir.reset();
}

void TestUsageAggregator::record(const QString& ws, const QDateTime& at, const QString& model,
                                 const QString& key, qint64 prompt, qint64 completion,
                                 std::optional<double> cost, const QString& status)
{
    LedgerEntry e;
    e.workspaceId = ws;
    e.at = at;
    e.endpoint = u"/chat/completions"_s;
    e.model = model;
    e.keyLabel = key;
    e.promptTokens = prompt;
    e.completionTokens = completion;
    e.cachedTokens = prompt / 10; // part of prompt, never added again
    e.reasoningTokens = completion / 10;
    e.cost = cost;
    e.costSource = cost ? u"gateway"_s : QString();
    e.status = status;
    QVERIFY(m_ledger->record(e));
}

// The hand-checked data set. "Now" is 2025-03-10 12:30Z; the 7-day window is Mar 4..Mar 10.
void TestUsageAggregator::seed()
{
    record(kWsA, utc(10, 10, 15), kModelA, kKey1, 1000, 500, 0.0015);           // 1
    record(kWsA, utc(10, 0, 0), kModelB, kKey2, 2000, 1000, 0.007);             // 2: first msec of Mar 10
    record(kWsA, utc(9, 23, 59, 59, 999), kModelA, kKey1, 400, 100, 0.0003);    // 3: last msec of Mar 9
    record(kWsA, utc(8, 12), kModelA, kKey1, 0, 0, std::nullopt, u"error"_s);   // 4: failed, nothing billed
    record(kWsA, utc(8, 13), kModelC, kKey1, 300, 200, std::nullopt);           // 5: no cost known
    record(kWsA, utc(4, 0, 0), kModelB, kKey2, 100, 50, 0.001);                 // 6: first msec of the window
    record(kWsA, utc(3, 23, 59, 59, 999), kModelA, kKey1, 7000, 7000, 1.0);     // 7: just before the window
    record(kWsA, utc(11, 0, 0), kModelA, kKey1, 9000, 9000, 2.0);               // 8: just after the window
    record(kWsB, utc(9, 9), kModelA, kKey3, 5000, 2000, 0.02);                  // 9: other workspace
    record(kWsB, utc(10, 11), kModelD, kKey3, 10, 10, 0.00001, u"cancelled"_s); // 10: partial, billed
    record(kWsGone, utc(5, 8), kModelA, QString(), 100, 100, 0.5);              // 11: removed workspace
}

QList<LedgerEntry> TestUsageAggregator::read(const UsageWindow& w, const QString& ws) const
{
    return m_ledger->entries(ws, w.from(), w.lastMsec());
}

// Gateway view of the same week (account of workspace A): Mar 10 has one more gpt-5.4-mini request
// than the ledger (another client), Mar 9 and the haiku row match, Mar 7 and Mar 5 exist only there.
QList<ActivityRow> TestUsageAggregator::gatewayRows() const
{
    return {activity(10, kModelA, 0.002, 2, 1800, 700),    activity(10, kModelB, 0.007, 1, 2000, 1000),
            activity(9, kModelA, 0.0003, 1, 400, 100),     activity(7, kModelE, 0.004, 3, 900, 300),
            activity(5, kModelF, std::nullopt, 2, 10, 10), activity(2, kModelA, 9.0, 100, 1, 1)};
}

void TestUsageAggregator::ledgerByModel_data()
{
    QTest::addColumn<int>("metric");
    QTest::addColumn<QStringList>("groups");
    QTest::addColumn<QList<double>>("groupTotals");
    QTest::addColumn<QList<double>>("bucketTotals"); // Mar 4 .. Mar 10
    QTest::addColumn<double>("total");

    // Cost: model C had no cost (and A's failed row none either): C drops out of the cost chart.
    QTest::newRow("cost") << int(UsageMetric::Cost) << QStringList{kModelB, kModelA}
                          << QList<double>{0.008, 0.0018} << QList<double>{0.001, 0, 0, 0, 0, 0.0003, 0.0085}
                          << 0.0098;
    // Tokens = prompt + completion (cached and reasoning are parts of those, not added again).
    QTest::newRow("tokens") << int(UsageMetric::Tokens) << QStringList{kModelB, kModelA, kModelC}
                            << QList<double>{3150, 2000, 500} << QList<double>{150, 0, 0, 0, 500, 500, 4500}
                            << 5650.0;
    // Requests: the failed row counts (the app did make it).
    QTest::newRow("requests") << int(UsageMetric::Requests) << QStringList{kModelA, kModelB, kModelC}
                              << QList<double>{3, 2, 1} << QList<double>{1, 0, 0, 0, 2, 1, 2} << 6.0;
}

void TestUsageAggregator::ledgerByModel()
{
    QFETCH(int, metric);
    QFETCH(QStringList, groups);
    QFETCH(QList<double>, groupTotals);
    QFETCH(QList<double>, bucketTotals);
    QFETCH(double, total);
    seed();
    UsageQuery q;
    q.metric = UsageMetric(metric);
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone::utc());
    QCOMPARE(UsageAggregator::ledgerWorkspaceFilter(q, kWsA), kWsA);
    const UsageSeries s = UsageAggregator::fromLedger(q, w, read(w, kWsA), m_names);

    QCOMPARE(s.source, UsageSource::Ledger);
    QCOMPARE(s.bucketCount(), 7);
    QCOMPARE(s.groups, groups);
    QCOMPARE(s.otherGroup, -1);
    for (int g = 0; g < s.groupCount(); ++g)
        QCOMPARE_NEAR(s.groupTotal(g), groupTotals.at(g));
    for (int b = 0; b < s.bucketCount(); ++b) {
        QCOMPARE_NEAR(s.bucketTotals.at(b), bucketTotals.at(b));
        double sum = 0;
        for (int g = 0; g < s.groupCount(); ++g)
            sum += s.value(g, b);
        QCOMPARE_NEAR(sum, s.bucketTotals.at(b));
    }
    QCOMPARE_NEAR(s.total, total);
    QCOMPARE(s.requests, 6);
    QCOMPARE(s.failedRequests, 1);
    QCOMPARE(s.unpricedRequests, 2);
    // Boundary rows: Mar 10 00:00:00.000 is in Mar 10, Mar 9 23:59:59.999 in Mar 9.
    if (q.metric == UsageMetric::Cost) {
        QCOMPARE_NEAR(s.value(indexOf(s, kModelB), 6), 0.007);
        QCOMPARE_NEAR(s.value(indexOf(s, kModelA), 5), 0.0003);
        QCOMPARE_NEAR(s.value(indexOf(s, kModelB), 0), 0.001);
    }
}

void TestUsageAggregator::ledgerByKey()
{
    seed();
    UsageQuery q;
    q.groupBy = UsageGroupBy::Key;
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone::utc());
    const UsageSeries s = UsageAggregator::fromLedger(q, w, read(w, kWsA), m_names);
    QCOMPARE(s.groups, (QStringList{kKey2, kKey1}));
    QCOMPARE_NEAR(s.groupTotal(0), 0.008);
    QCOMPARE_NEAR(s.groupTotal(1), 0.0018);
    QCOMPARE_NEAR(s.total, 0.0098);
}

void TestUsageAggregator::ledgerByWorkspaceReadsAllWorkspaces()
{
    seed();
    UsageQuery q;
    q.groupBy = UsageGroupBy::Workspace;
    QVERIFY(UsageAggregator::ledgerWorkspaceFilter(q, kWsA).isEmpty());
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone::utc());
    const UsageSeries s =
        UsageAggregator::fromLedger(q, w, read(w, UsageAggregator::ledgerWorkspaceFilter(q, kWsA)), m_names);
    // A removed workspace keeps its history under a name that says so.
    QCOMPARE(s.groups, (QStringList{u"Removed workspace 01234567"_s, u"Beta"_s, u"Alpha"_s}));
    QCOMPARE_NEAR(s.groupTotal(0), 0.5);
    QCOMPARE_NEAR(s.groupTotal(1), 0.02001);
    QCOMPARE_NEAR(s.groupTotal(2), 0.0098);
    QCOMPARE_NEAR(s.total, 0.52981);
    QCOMPARE(s.requests, 9);
    QCOMPARE(s.failedRequests, 2);
    QCOMPARE_NEAR(s.value(1, 6), 0.00001); // the cancelled-but-billed row of Beta, Mar 10
}

void TestUsageAggregator::ledgerHourly()
{
    seed();
    UsageQuery q;
    q.range = UsageRange::Hours24; // Mar 9 13:00 .. Mar 10 12:59:59.999
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone::utc());
    const UsageSeries s = UsageAggregator::fromLedger(q, w, read(w, kWsA), m_names);
    QCOMPARE(s.window.granularity, UsageGranularity::Hour);
    QCOMPARE(s.bucketCount(), 24);
    QCOMPARE(s.groups, (QStringList{kModelB, kModelA}));
    QCOMPARE_NEAR(s.value(0, 11), 0.007);  // 00:00 Mar 10
    QCOMPARE_NEAR(s.value(1, 10), 0.0003); // 23:00 Mar 9
    QCOMPARE_NEAR(s.value(1, 21), 0.0015); // 10:00 Mar 10
    QCOMPARE_NEAR(s.total, 0.0088);
    QCOMPARE(s.requests, 3);
    QCOMPARE(s.bucketIso(0), u"2025-03-09T13:00:00+00:00"_s);
}

void TestUsageAggregator::ledgerLocalDaysAtOffset()
{
    seed();
    // At +05:30, local Mar 4 starts at 18:30Z on Mar 3: row 7 (Mar 3 23:59Z) now falls on Mar 4, and
    // row 3 (Mar 9 23:59Z = 05:29 local on Mar 10) on Mar 10. Row 8 (Mar 11 05:30 local) stays out.
    UsageQuery q;
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone(19800));
    const UsageSeries s = UsageAggregator::fromLedger(q, w, read(w, kWsA), m_names);
    QCOMPARE(s.groups, (QStringList{kModelA, kModelB}));
    QCOMPARE_NEAR(s.value(0, 0), 1.0);
    QCOMPARE_NEAR(s.value(0, 5), 0.0);
    QCOMPARE_NEAR(s.value(0, 6), 0.0018);
    QCOMPARE_NEAR(s.value(1, 0), 0.001);
    QCOMPARE_NEAR(s.value(1, 6), 0.007);
    QCOMPARE_NEAR(s.total, 1.0098);
    QCOMPARE(s.requests, 7);
    QCOMPARE(s.bucketIso(6), u"2025-03-10"_s);
}

void TestUsageAggregator::topGroupsAndOther_data()
{
    QTest::addColumn<int>("models");
    QTest::addColumn<int>("top");
    QTest::addColumn<QStringList>("groups");
    QTest::addColumn<QList<double>>("totals");
    // Model m<i> costs i dollars (one row each, all on the same day).
    QTest::newRow("5 models, top 2") << 5 << 2 << QStringList{u"m5"_s, u"m4"_s, u"Other (3 more)"_s}
                                     << QList<double>{5, 4, 6};
    QTest::newRow("3 models, top 2: no Other of one")
        << 3 << 2 << QStringList{u"m3"_s, u"m2"_s, u"m1"_s} << QList<double>{3, 2, 1};
    QTest::newRow("4 models, top 6") << 4 << 6 << QStringList{u"m4"_s, u"m3"_s, u"m2"_s, u"m1"_s}
                                     << QList<double>{4, 3, 2, 1};
}

void TestUsageAggregator::topGroupsAndOther()
{
    QFETCH(int, models);
    QFETCH(int, top);
    QFETCH(QStringList, groups);
    QFETCH(QList<double>, totals);
    QList<LedgerEntry> entries;
    for (int i = 1; i <= models; ++i) {
        LedgerEntry e;
        e.at = utc(10, 9, i);
        e.model = u"m%1"_s.arg(i);
        e.cost = double(i);
        entries.append(e);
    }
    UsageQuery q;
    q.topGroups = top;
    const UsageSeries s =
        UsageAggregator::fromLedger(q, UsageWindow::forQuery(q, m_now, QTimeZone::utc()), entries);
    QCOMPARE(s.groups, groups);
    QCOMPARE(s.otherGroup, groups.constLast().startsWith(u"Other"_s) ? int(groups.size()) - 1 : -1);
    for (int g = 0; g < s.groupCount(); ++g)
        QCOMPARE_NEAR(s.groupTotal(g), totals.at(g));
    QCOMPARE_NEAR(s.total, models * (models + 1) / 2.0);
}

void TestUsageAggregator::gatewayByModel()
{
    UsageQuery q;
    q.source = UsageSource::Gateway;
    const UsageWindow w = UsageAggregator::windowFor(q, m_now, QTimeZone(19800));
    QCOMPARE(w.zone, QTimeZone::utc()); // gateway days are UTC days, whatever the user's zone
    const UsageSeries s = UsageAggregator::fromActivity(q, w, gatewayRows());
    QCOMPARE(s.source, UsageSource::Gateway);
    QVERIFY(s.note.isEmpty());
    // F had no cost: no stack on the cost chart; the Mar 2 row is outside the window.
    QCOMPARE(s.groups, (QStringList{kModelB, kModelE, kModelA}));
    QCOMPARE_NEAR(s.groupTotal(2), 0.0023);
    QCOMPARE_NEAR(s.value(1, 3), 0.004); // Mar 7
    QCOMPARE_NEAR(s.total, 0.0133);
    QCOMPARE(s.requests, 9);
    QCOMPARE(s.unpricedRequests, 2);

    q.metric = UsageMetric::Tokens;
    const UsageSeries t = UsageAggregator::fromActivity(q, w, gatewayRows());
    QCOMPARE(t.groups, (QStringList{kModelB, kModelA, kModelE, kModelF}));
    QCOMPARE_NEAR(t.total, 7220);

    q.range = UsageRange::Hours24; // Mar 9 and Mar 10 (UTC)
    q.metric = UsageMetric::Requests;
    const UsageSeries h = UsageAggregator::fromActivity(
        q, UsageAggregator::windowFor(q, m_now, QTimeZone::utc()), gatewayRows());
    QCOMPARE(h.window.granularity, UsageGranularity::Day);
    QCOMPARE(h.bucketCount(), 2);
    QCOMPARE(h.bucketTotals, (QList<double>{1, 3}));
}

void TestUsageAggregator::gatewayCannotGroupByKey()
{
    UsageQuery q;
    q.source = UsageSource::Gateway;
    q.groupBy = UsageGroupBy::Key;
    const UsageSeries s = UsageAggregator::fromActivity(
        q, UsageAggregator::windowFor(q, m_now, QTimeZone::utc()), gatewayRows());
    QCOMPARE(s.groupBy, UsageGroupBy::Model);
    QVERIFY(s.note.contains(u"per model only"_s));
    QCOMPARE(s.groups.size(), 3);
}

void TestUsageAggregator::reconciliation()
{
    seed();
    UsageQuery q;
    q.source = UsageSource::Reconciled;
    const UsageWindow w = UsageAggregator::windowFor(q, m_now, QTimeZone::utc());
    const UsageReconciliation r = UsageAggregator::reconcile(w, read(w, kWsA), gatewayRows());

    QCOMPARE_NEAR(r.ledger.cost, 0.0098);
    QCOMPARE(r.ledger.requests, 5); // the failed row without tokens is left out
    QCOMPARE(r.ledger.tokens, 5650);
    QCOMPARE_NEAR(r.gateway.cost, 0.0133);
    QCOMPARE(r.gateway.requests, 9);
    QCOMPARE(r.gateway.tokens, 7220);
    QCOMPARE_NEAR(r.difference().cost, 0.0035);
    QCOMPARE(r.difference().requests, 4);
    QCOMPARE(r.unbilledLedgerRows, 1);
    QCOMPARE(r.gatewayOnlyDays, (QList<QDate>{QDate(2025, 3, 5), QDate(2025, 3, 7)}));
    QCOMPARE(r.ledgerOnlyDays, (QList<QDate>{QDate(2025, 3, 4), QDate(2025, 3, 8)}));

    QCOMPARE(r.rows.size(), 7);
    QCOMPARE(r.days.size(), 7);
    // Mar 10, gpt-5.4-mini: the gateway saw one request more (another client).
    const auto it = std::find_if(r.rows.cbegin(), r.rows.cend(), [](const ReconciliationRow& row) {
        return row.day == QDate(2025, 3, 10) && row.model == kModelA;
    });
    QVERIFY(it != r.rows.cend());
    QVERIFY(it->inLedger && it->onGateway);
    QCOMPARE_NEAR(it->difference().cost, 0.0005);
    QCOMPARE(it->difference().requests, 1);
    QCOMPARE(it->difference().tokens, 1000);

    const ReconciliationDay& mar7 = r.days.at(3);
    QCOMPARE(mar7.day, QDate(2025, 3, 7));
    QCOMPARE(mar7.gatewayOnlyModels, QStringList{kModelE});
    const ReconciliationDay& mar8 = r.days.at(4);
    QCOMPARE(mar8.ledgerOnlyModels, QStringList{kModelC});
    QCOMPARE(mar8.ledger.tokens, 500);
    const ReconciliationDay& mar9 = r.days.at(5);
    QCOMPARE(mar9.difference(), UsageTotals{});
}

void TestUsageAggregator::reconciledSeries_data()
{
    QTest::addColumn<int>("metric");
    QTest::addColumn<QList<double>>("matched");     // Mar 4 .. Mar 10
    QTest::addColumn<QList<double>>("gatewayOnly"); // other clients
    QTest::addColumn<QList<double>>("ledgerOnly");
    QTest::addColumn<double>("total");
    QTest::newRow("cost") << int(UsageMetric::Cost) << QList<double>{0, 0, 0, 0, 0, 0.0003, 0.0085}
                          << QList<double>{0, 0, 0, 0.004, 0, 0, 0.0005}
                          << QList<double>{0.001, 0, 0, 0, 0, 0, 0} << 0.0143;
    QTest::newRow("requests") << int(UsageMetric::Requests) << QList<double>{0, 0, 0, 0, 0, 1, 2}
                              << QList<double>{0, 2, 0, 3, 0, 0, 1} << QList<double>{1, 0, 0, 0, 1, 0, 0}
                              << 11.0;
}

void TestUsageAggregator::reconciledSeries()
{
    QFETCH(int, metric);
    QFETCH(QList<double>, matched);
    QFETCH(QList<double>, gatewayOnly);
    QFETCH(QList<double>, ledgerOnly);
    QFETCH(double, total);
    seed();
    UsageQuery q;
    q.source = UsageSource::Reconciled;
    q.metric = UsageMetric(metric);
    const UsageWindow w = UsageAggregator::windowFor(q, m_now, QTimeZone::utc());
    const UsageSeries s = UsageAggregator::fromReconciliation(
        q, w, UsageAggregator::reconcile(w, read(w, kWsA), gatewayRows()));
    QCOMPARE(s.groups,
             (QStringList{UsageAggregator::matchedGroupName(), UsageAggregator::gatewayOnlyGroupName(),
                          UsageAggregator::ledgerOnlyGroupName()}));
    for (int b = 0; b < 7; ++b) {
        QCOMPARE_NEAR(s.value(0, b), matched.at(b));
        QCOMPARE_NEAR(s.value(1, b), gatewayOnly.at(b));
        QCOMPARE_NEAR(s.value(2, b), ledgerOnly.at(b));
    }
    QCOMPARE_NEAR(s.total, total);
}

void TestUsageAggregator::aggregateDispatches()
{
    seed();
    for (UsageSource source : {UsageSource::Ledger, UsageSource::Gateway, UsageSource::Reconciled}) {
        UsageQuery q;
        q.source = source;
        const UsageWindow w = UsageAggregator::windowFor(q, m_now, QTimeZone::utc());
        const UsageSeries s =
            UsageAggregator::aggregate(q, m_now, QTimeZone::utc(), read(w, kWsA), gatewayRows(), m_names);
        QCOMPARE(s.source, source);
        QCOMPARE_NEAR(s.total, source == UsageSource::Ledger    ? 0.0098
                               : source == UsageSource::Gateway ? 0.0133
                                                                : 0.0143);
    }
}

void TestUsageAggregator::largeLedgerTiming()
{
    // 50k rows over 30 days, 8 models, 3 keys, 2 workspaces: the size a busy month reaches.
    constexpr int kRows = 50000;
    UsageQuery q;
    q.range = UsageRange::Days30;
    q.groupBy = UsageGroupBy::Workspace;
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone::utc());
    QVERIFY(m_db->transaction());
    const QDateTime start = w.from();
    for (int i = 0; i < kRows; ++i) {
        LedgerEntry e;
        e.workspaceId = i % 5 == 0 ? kWsB : kWsA;
        e.at = start.addSecs(qint64(i) * 30 * 86400 / kRows);
        e.model = u"vendor/model-%1"_s.arg(i % 8);
        e.keyLabel = u"key-%1"_s.arg(i % 3);
        e.endpoint = u"/chat/completions"_s;
        e.promptTokens = 100 + i % 900;
        e.completionTokens = 50 + i % 400;
        e.cost = 0.00001 * (1 + i % 7);
        if (!m_ledger->record(e))
            QFAIL("record failed");
    }
    QVERIFY(m_db->commit());

    QElapsedTimer t;
    t.start();
    const QList<LedgerEntry> rows = read(w, QString());
    const qint64 readMs = t.elapsed();
    t.restart();
    const UsageSeries s = UsageAggregator::fromLedger(q, w, rows, m_names);
    const qint64 aggregateMs = t.elapsed();
    q.groupBy = UsageGroupBy::Model;
    t.restart();
    const UsageSeries byModel = UsageAggregator::fromLedger(q, w, rows, m_names);
    const qint64 byModelMs = t.elapsed();
    qInfo("50k ledger rows: read %lld ms, aggregate by workspace %lld ms, by model %lld ms", readMs,
          aggregateMs, byModelMs);
    QCOMPARE(rows.size(), kRows);
    QCOMPARE(s.requests, kRows);
    QCOMPARE(byModel.groups.size(), 7); // top 6 + "Other (2 more)"
    QCOMPARE(byModel.otherGroup, 6);
    QCOMPARE_NEAR(std::round(s.total * 1e5), std::round(byModel.total * 1e5));
    double expected = 0;
    for (int i = 0; i < kRows; ++i)
        expected += 0.00001 * (1 + i % 7);
    QVERIFY(std::abs(s.total - expected) < 1e-9);
}

QTEST_GUILESS_MAIN(TestUsageAggregator)
#include "TestUsageAggregator.moc"
