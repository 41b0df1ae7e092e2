// Tests of BalanceHistory: optional values, ranges, per-workspace lists.
#include "TestSupport.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/Database.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestBalanceHistory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void recordAndList();
};

void TestBalanceHistory::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestBalanceHistory::recordAndList()
{
    QTemporaryDir dir;
    Database db(dir.filePath(u"b.sqlite"_s));
    QVERIFY(db.open());
    QTest::failOnWarning(QRegularExpression(u"failed"_s));
    BalanceHistory history(db);
    const QDateTime t0(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC);
    QVERIFY(history.record(u"ws"_s, t0.addSecs(120), 9.5, 0.5));
    QVERIFY(history.record(u"ws"_s, t0, 10.0, std::nullopt)); // out of order on purpose
    QVERIFY(history.record(u"ws"_s, t0.addSecs(60), std::nullopt, 0.25));
    QVERIFY(history.record(u"other"_s, t0, 1.0, 1.0));
    QVERIFY(!history.record(u"ws"_s, t0, std::nullopt, std::nullopt)); // nothing to keep

    const QList<BalanceSnapshot> all = history.list(u"ws"_s, {}, {});
    QCOMPARE(all.size(), 3);
    QCOMPARE(all.at(0).at, t0);
    QCOMPARE(all.at(0).balance, std::optional<double>(10.0));
    QVERIFY(!all.at(0).totalUsage);
    QVERIFY(!all.at(1).balance);
    QCOMPARE(all.at(1).totalUsage, std::optional<double>(0.25));
    QCOMPARE(all.at(2).balance, std::optional<double>(9.5));
    QCOMPARE(history.list(u"ws"_s, t0.addSecs(60), t0.addSecs(120)).size(), 2);
    QCOMPARE(history.list(u"ws"_s, t0.addSecs(61), {}).size(), 1);
    QCOMPARE(history.list(u"other"_s, {}, {}).size(), 1);
    QVERIFY(history.record(u"ws"_s, {}, 8.0, {}));
    QVERIFY(history.list(u"ws"_s, {}, {}).last().at.isValid());
}

QTEST_GUILESS_MAIN(TestBalanceHistory)
#include "TestBalanceHistory.moc"
