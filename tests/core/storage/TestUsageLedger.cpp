// Tests of UsageLedger: recording, optional fields, time-range and workspace filters, late costs.
#include "TestSupport.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestUsageLedger : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void recordAndReadBack();
    void defaultsForAtAndStatus();
    void rangeFilter_data();
    void rangeFilter();
    void workspaceFilter();
    void updateCost();
    void hourlyCostsAndFirstEntry();

private:
    LedgerEntry entryAt(const QString& ws, const QDateTime& at);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<UsageLedger> m_ledger;
    const QDateTime m_base = QDateTime(QDate(2025, 3, 1), QTime(0, 0), Qt::UTC);
};

void TestUsageLedger::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestUsageLedger::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_db = std::make_unique<Database>(m_dir->filePath(u"l.sqlite"_s));
    QVERIFY(m_db->open());
    m_ledger = std::make_unique<UsageLedger>(*m_db);
    QTest::failOnWarning(QRegularExpression(u"failed"_s));
}

void TestUsageLedger::cleanup()
{
    m_ledger.reset();
    m_db.reset();
    m_dir.reset();
}

LedgerEntry TestUsageLedger::entryAt(const QString& ws, const QDateTime& at)
{
    LedgerEntry e;
    e.workspaceId = ws;
    e.at = at;
    e.endpoint = u"/chat/completions"_s;
    return e;
}

void TestUsageLedger::recordAndReadBack()
{
    LedgerEntry e;
    e.at = m_base.addSecs(5);
    e.workspaceId = u"ws"_s;
    e.keyLabel = u"sk-ar-v1-abcde…wxyz"_s;
    e.endpoint = u"/chat/completions"_s;
    e.model = u"openai/gpt-5.4-mini"_s;
    e.provider = u"OpenAI"_s;
    e.generationId = u"gen-1"_s;
    e.promptTokens = 100;
    e.completionTokens = 50;
    e.cachedTokens = 20;
    e.reasoningTokens = 5;
    e.cost = 0.0042;
    e.costSource = u"gateway"_s;
    e.latencyMs = 1234.5;
    e.ttftMs = 210.25;
    e.status = u"ok"_s;
    e.messageId = 77;
    QVERIFY(m_ledger->record(e));
    QVERIFY(e.id > 0);

    const QList<LedgerEntry> all = m_ledger->entries(QString(), {}, {});
    QCOMPARE(all.size(), 1);
    const LedgerEntry& r = all.first();
    QCOMPARE(r.id, e.id);
    QCOMPARE(r.at, e.at);
    QCOMPARE(r.workspaceId, e.workspaceId);
    QCOMPARE(r.keyLabel, e.keyLabel);
    QCOMPARE(r.endpoint, e.endpoint);
    QCOMPARE(r.model, e.model);
    QCOMPARE(r.provider, e.provider);
    QCOMPARE(r.generationId, e.generationId);
    QCOMPARE(r.promptTokens, 100);
    QCOMPARE(r.completionTokens, 50);
    QCOMPARE(r.cachedTokens, 20);
    QCOMPARE(r.reasoningTokens, 5);
    QCOMPARE(r.cost, std::optional<double>(0.0042));
    QCOMPARE(r.costSource, u"gateway"_s);
    QCOMPARE(r.latencyMs, 1234.5);
    QCOMPARE(r.ttftMs, std::optional<double>(210.25));
    QCOMPARE(r.status, u"ok"_s);
    QCOMPARE(r.messageId, 77);
}

void TestUsageLedger::defaultsForAtAndStatus()
{
    LedgerEntry e; // everything empty: an error before any response, say
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    QVERIFY(m_ledger->record(e));
    QVERIFY(e.at.isValid());
    QVERIFY(e.at >= before);
    QCOMPARE(e.status, u"ok"_s);
    const LedgerEntry r = m_ledger->entries({}, {}, {}).first();
    QVERIFY(!r.cost);
    QVERIFY(!r.ttftMs);
    QCOMPARE(r.messageId, 0);
    QCOMPARE(r.costSource, QString());
}

void TestUsageLedger::rangeFilter_data()
{
    QTest::addColumn<int>("fromOffset"); // seconds from base; -1 = open
    QTest::addColumn<int>("toOffset");
    QTest::addColumn<int>("expected");
    // Entries at 0, 60, 120, 180 s.
    QTest::newRow("all open") << -1 << -1 << 4;
    QTest::newRow("inclusive both ends") << 60 << 120 << 2;
    QTest::newRow("open start") << -1 << 59 << 1;
    QTest::newRow("open end") << 121 << -1 << 1;
    QTest::newRow("empty window") << 61 << 119 << 0;
}

void TestUsageLedger::rangeFilter()
{
    QFETCH(int, fromOffset);
    QFETCH(int, toOffset);
    QFETCH(int, expected);
    // Recorded out of order: the result is sorted by time.
    for (int s : {120, 0, 180, 60}) {
        LedgerEntry e = entryAt(u"ws"_s, m_base.addSecs(s));
        QVERIFY(m_ledger->record(e));
    }
    const QDateTime from = fromOffset < 0 ? QDateTime() : m_base.addSecs(fromOffset);
    const QDateTime to = toOffset < 0 ? QDateTime() : m_base.addSecs(toOffset);
    const QList<LedgerEntry> r = m_ledger->entries(u"ws"_s, from, to);
    QCOMPARE(r.size(), expected);
    for (qsizetype i = 1; i < r.size(); ++i)
        QVERIFY(r.at(i - 1).at <= r.at(i).at);
}

void TestUsageLedger::workspaceFilter()
{
    for (const QString& ws : {u"a"_s, u"a"_s, u"b"_s}) {
        LedgerEntry e = entryAt(ws, m_base);
        QVERIFY(m_ledger->record(e));
    }
    QCOMPARE(m_ledger->entries(u"a"_s, {}, {}).size(), 2);
    QCOMPARE(m_ledger->entries(u"b"_s, {}, {}).size(), 1);
    QCOMPARE(m_ledger->entries(u"c"_s, {}, {}).size(), 0);
    QCOMPARE(m_ledger->entries(QString(), {}, {}).size(), 3);
}

void TestUsageLedger::hourlyCostsAndFirstEntry()
{
    QVERIFY(!m_ledger->firstEntryAt(u"ws"_s).isValid());
    const QDateTime hour = QDateTime(QDate(2026, 3, 4), QTime(10, 0), Qt::UTC);
    // (offset from 10:00, cost): two in the 10:00 hour, one without cost, one at 12:59:59.999.
    const QList<QPair<qint64, std::optional<double>>> rows = {
        {5 * 60'000, 0.25}, {59 * 60'000, 0.5}, {30 * 60'000, std::nullopt}, {3 * 3'600'000 - 1, 2.0}};
    for (const auto& [offset, cost] : rows) {
        LedgerEntry e = entryAt(u"ws"_s, hour.addMSecs(offset));
        e.cost = cost;
        QVERIFY(m_ledger->record(e));
    }
    LedgerEntry other = entryAt(u"other"_s, hour);
    other.cost = 9.0;
    QVERIFY(m_ledger->record(other));

    const QList<LedgerEntry> sums = m_ledger->hourlyCosts(u"ws"_s, {}, {});
    QCOMPARE(sums.size(), 2);
    QCOMPARE(sums[0].at, hour);
    QCOMPARE(sums[0].cost, std::optional<double>(0.75));
    QCOMPARE(sums[1].at, hour.addSecs(2 * 3600));
    QCOMPARE(sums[1].cost, std::optional<double>(2.0));
    // The range applies to the rows, not to the hours.
    QCOMPARE(m_ledger->hourlyCosts(u"ws"_s, hour.addSecs(10 * 60), {}).first().cost,
             std::optional<double>(0.5));
    QCOMPARE(m_ledger->firstEntryAt(u"ws"_s), hour.addSecs(5 * 60));
    QCOMPARE(m_ledger->firstEntryAt(u"other"_s), hour);
}

void TestUsageLedger::updateCost()
{
    LedgerEntry e = entryAt(u"ws"_s, m_base);
    QVERIFY(m_ledger->record(e));
    QVERIFY(m_ledger->updateCost(e.id, 0.25, u"estimate"_s));
    LedgerEntry r = m_ledger->entries({}, {}, {}).first();
    QCOMPARE(r.cost, std::optional<double>(0.25));
    QCOMPARE(r.costSource, u"estimate"_s);
    QVERIFY(m_ledger->updateCost(e.id, 0.3, u"gateway"_s));
    r = m_ledger->entries({}, {}, {}).first();
    QCOMPARE(r.cost, std::optional<double>(0.3));
    QCOMPARE(r.costSource, u"gateway"_s);
    QVERIFY(!m_ledger->updateCost(e.id + 100, 1.0, u"gateway"_s));
}

QTEST_GUILESS_MAIN(TestUsageLedger)
#include "TestUsageLedger.moc"
