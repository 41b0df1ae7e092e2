// Tests of BalanceRecorder: at most one snapshot per workspace per 10 minutes, the figures stored as
// the gateway gave them (with or without total usage), nothing stored without figures, and a
// snapshot stamped in the future (clock moved back) not blocking.
#include "TestSupport.h"
#include "core/account/BalanceRecorder.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/Database.h"

#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::BalanceRecorder::Outcome)

namespace {

const QDateTime kT0(QDate(2026, 1, 10), QTime(12, 0), Qt::UTC);

Credits credits(double balance, double usage)
{
    Credits c;
    c.balance = balance;
    c.totalUsage = usage;
    return c;
}

} // namespace

class TestBalanceRecorder : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void interval_data();
    void interval();
    void storesWhatTheGatewayGave();

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
};

void TestBalanceRecorder::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
}

void TestBalanceRecorder::interval_data()
{
    QTest::addColumn<qint64>("secondAfterMs"); // the second reading, relative to the first
    QTest::addColumn<QString>("secondWorkspace");
    QTest::addColumn<BalanceRecorder::Outcome>("outcome");
    QTest::addColumn<int>("stored"); // snapshots of "ws" afterwards

    using O = BalanceRecorder::Outcome;
    QTest::newRow("same moment") << qint64(0) << u"ws"_s << O::TooSoon << 1;
    QTest::newRow("5 minutes") << qint64(5 * 60'000) << u"ws"_s << O::TooSoon << 1;
    QTest::newRow("1 ms short of 10 minutes") << qint64(10 * 60'000 - 1) << u"ws"_s << O::TooSoon << 1;
    QTest::newRow("10 minutes") << qint64(10 * 60'000) << u"ws"_s << O::Recorded << 2;
    QTest::newRow("1 hour") << qint64(3'600'000) << u"ws"_s << O::Recorded << 2;
    QTest::newRow("other workspace") << qint64(60'000) << u"other"_s << O::Recorded << 1;
    QTest::newRow("clock moved back") << qint64(-3'600'000) << u"ws"_s << O::Recorded << 2;
}

void TestBalanceRecorder::interval()
{
    QFETCH(qint64, secondAfterMs);
    QFETCH(QString, secondWorkspace);
    QFETCH(BalanceRecorder::Outcome, outcome);
    QFETCH(int, stored);

    Database db(m_dir.filePath(u"r%1.sqlite"_s.arg(++m_counter)));
    QVERIFY(db.open());
    BalanceHistory history(db);
    BalanceRecorder recorder(&history);
    QCOMPARE(recorder.record(u"ws"_s, credits(10, 1), kT0), BalanceRecorder::Outcome::Recorded);
    QCOMPARE(recorder.record(secondWorkspace, credits(9, 2), kT0.addMSecs(secondAfterMs)), outcome);
    QCOMPARE(history.list(u"ws"_s, {}, {}).size(), stored);
}

void TestBalanceRecorder::storesWhatTheGatewayGave()
{
    Database db(m_dir.filePath(u"values.sqlite"_s));
    QVERIFY(db.open());
    BalanceHistory history(db);
    BalanceRecorder recorder(&history);

    QCOMPARE(recorder.record(u"ws"_s, Credits{}, kT0), BalanceRecorder::Outcome::Nothing);
    QCOMPARE(recorder.record(QString(), credits(1, 1), kT0), BalanceRecorder::Outcome::Nothing);
    QCOMPARE(BalanceRecorder(nullptr).record(u"ws"_s, credits(1, 1), kT0), BalanceRecorder::Outcome::Nothing);
    QVERIFY(history.list(u"ws"_s, {}, {}).isEmpty());

    // AnyRouter shape: balance + total usage.
    QCOMPARE(recorder.record(u"ws"_s, credits(12.5, 3.2), kT0), BalanceRecorder::Outcome::Recorded);
    // Balance only (a gateway that reports no usage).
    Credits balanceOnly;
    balanceOnly.balance = 12.0;
    QCOMPARE(recorder.record(u"ws"_s, balanceOnly, kT0.addSecs(600)), BalanceRecorder::Outcome::Recorded);
    const auto list = history.list(u"ws"_s, {}, {});
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).at, kT0);
    QCOMPARE(list.at(0).balance, std::optional<double>(12.5));
    QCOMPARE(list.at(0).totalUsage, std::optional<double>(3.2));
    QCOMPARE(list.at(1).balance, std::optional<double>(12.0));
    QVERIFY(!list.at(1).totalUsage);
}

QTEST_GUILESS_MAIN(TestBalanceRecorder)
#include "TestBalanceRecorder.moc"
