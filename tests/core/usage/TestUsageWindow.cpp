// Tests of UsageWindow: which time buckets a usage query covers — hourly for 24 h, daily otherwise,
// in the zone given (fixed offsets, so no tzdata is needed, plus one DST zone when available),
// custom ranges, and which bucket an instant falls into at the boundaries.
#include "TestSupport.h"
#include "core/usage/UsageQuery.h"

#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestUsageWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void dailyRanges_data();
    void dailyRanges();
    void hourlyRange_data();
    void hourlyRange();
    void customRangeSwappedAndCapped();
    void indexOfBoundaries_data();
    void indexOfBoundaries();
    void utcDaysForGatewayData_data();
    void utcDaysForGatewayData();
    void dstDayHas23Hours();
    void repeatedHourWhenClocksGoBack_data();
    void repeatedHourWhenClocksGoBack();

private:
    const QDateTime m_now = QDateTime(QDate(2025, 3, 10), QTime(12, 30), QTimeZone::utc());
};

void TestUsageWindow::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestUsageWindow::dailyRanges_data()
{
    QTest::addColumn<int>("range");
    QTest::addColumn<int>("offsetSecs");
    QTest::addColumn<int>("count");
    QTest::addColumn<QDate>("first");
    QTest::addColumn<QDate>("last");
    QTest::addColumn<QDateTime>("firstStartUtc");

    QTest::newRow("7d utc") << int(UsageRange::Days7) << 0 << 7 << QDate(2025, 3, 4) << QDate(2025, 3, 10)
                            << QDateTime(QDate(2025, 3, 4), QTime(0, 0), QTimeZone::utc());
    QTest::newRow("30d utc") << int(UsageRange::Days30) << 0 << 30 << QDate(2025, 2, 9) << QDate(2025, 3, 10)
                             << QDateTime(QDate(2025, 2, 9), QTime(0, 0), QTimeZone::utc());
    // 12:30Z is 18:00 at +05:30: still the 10th; local midnight of the 4th is 18:30Z on the 3rd.
    QTest::newRow("7d +05:30") << int(UsageRange::Days7) << 19800 << 7 << QDate(2025, 3, 4)
                               << QDate(2025, 3, 10)
                               << QDateTime(QDate(2025, 3, 3), QTime(18, 30), QTimeZone::utc());
    // 12:30Z is 00:30 on the 11th at +12:00: "today" has moved on.
    QTest::newRow("7d +12:00") << int(UsageRange::Days7) << 43200 << 7 << QDate(2025, 3, 5)
                               << QDate(2025, 3, 11)
                               << QDateTime(QDate(2025, 3, 4), QTime(12, 0), QTimeZone::utc());
    QTest::newRow("7d -08:00") << int(UsageRange::Days7) << -28800 << 7 << QDate(2025, 3, 4)
                               << QDate(2025, 3, 10)
                               << QDateTime(QDate(2025, 3, 4), QTime(8, 0), QTimeZone::utc());
}

void TestUsageWindow::dailyRanges()
{
    QFETCH(int, range);
    QFETCH(int, offsetSecs);
    QFETCH(int, count);
    QFETCH(QDate, first);
    QFETCH(QDate, last);
    QFETCH(QDateTime, firstStartUtc);
    UsageQuery q;
    q.range = UsageRange(range);
    const QTimeZone zone(offsetSecs);
    const UsageWindow w = UsageWindow::forQuery(q, m_now, zone);
    QCOMPARE(w.granularity, UsageGranularity::Day);
    QCOMPARE(w.buckets.size(), count);
    QCOMPARE(w.buckets.constFirst().start.date(), first);
    QCOMPARE(w.buckets.constLast().start.date(), last);
    QCOMPARE(w.from().toMSecsSinceEpoch(), firstStartUtc.toMSecsSinceEpoch());
    for (qsizetype i = 0; i < w.buckets.size(); ++i) {
        QCOMPARE(w.buckets.at(i).start.secsTo(w.buckets.at(i).end), 86400); // fixed offsets: no DST
        QCOMPARE(w.buckets.at(i).start.time(), QTime(0, 0));
        if (i > 0)
            QCOMPARE(w.buckets.at(i).start, w.buckets.at(i - 1).end);
    }
    QCOMPARE(w.lastMsec().addMSecs(1), w.buckets.constLast().end);
}

void TestUsageWindow::hourlyRange_data()
{
    QTest::addColumn<int>("offsetSecs");
    QTest::addColumn<QDateTime>("firstStartUtc");
    QTest::addColumn<QString>("lastLocalLabel");

    QTest::newRow("utc") << 0 << QDateTime(QDate(2025, 3, 9), QTime(13, 0), QTimeZone::utc()) << u"12:00"_s;
    // 18:00 local at +05:30: local hours start at :30 UTC.
    QTest::newRow("+05:30") << 19800 << QDateTime(QDate(2025, 3, 9), QTime(13, 30), QTimeZone::utc())
                            << u"18:00"_s;
}

void TestUsageWindow::hourlyRange()
{
    QFETCH(int, offsetSecs);
    QFETCH(QDateTime, firstStartUtc);
    QFETCH(QString, lastLocalLabel);
    UsageQuery q;
    q.range = UsageRange::Hours24;
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone(offsetSecs));
    QCOMPARE(w.granularity, UsageGranularity::Hour);
    QCOMPARE(w.buckets.size(), 24);
    QCOMPARE(w.from().toMSecsSinceEpoch(), firstStartUtc.toMSecsSinceEpoch());
    QCOMPARE(w.buckets.constLast().start.toString(u"HH:mm"_s), lastLocalLabel);
    // The current hour is the last bucket: now lies inside it.
    QVERIFY(w.buckets.constLast().start <= m_now && m_now < w.buckets.constLast().end);
    for (const UsageBucket& b : w.buckets)
        QCOMPARE(b.start.secsTo(b.end), 3600);
}

void TestUsageWindow::customRangeSwappedAndCapped()
{
    const QTimeZone utc = QTimeZone::utc();
    UsageWindow w =
        UsageWindow::forQuery(UsageQuery::custom(QDate(2025, 1, 31), QDate(2025, 1, 1)), m_now, utc);
    QCOMPARE(w.buckets.size(), 31);
    QCOMPARE(w.buckets.constFirst().start.date(), QDate(2025, 1, 1));
    QCOMPARE(w.buckets.constLast().start.date(), QDate(2025, 1, 31));

    w = UsageWindow::forQuery(UsageQuery::custom(QDate(2020, 1, 1), QDate(2025, 1, 1)), m_now, utc);
    QCOMPARE(w.buckets.size(), 366);
    QCOMPARE(w.buckets.constLast().start.date(), QDate(2025, 1, 1));

    w = UsageWindow::forQuery(UsageQuery::custom(QDate(), QDate(2025, 1, 1)), m_now, utc);
    QVERIFY(w.buckets.isEmpty());
    QVERIFY(!w.from().isValid());
    QCOMPARE(w.indexOf(m_now.toMSecsSinceEpoch()), -1);
}

void TestUsageWindow::indexOfBoundaries_data()
{
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<int>("index");
    const QTimeZone utc = QTimeZone::utc();
    QTest::newRow("first instant") << QDateTime(QDate(2025, 3, 4), QTime(0, 0), utc) << 0;
    QTest::newRow("just before") << QDateTime(QDate(2025, 3, 3), QTime(23, 59, 59, 999), utc) << -1;
    QTest::newRow("last msec of day 0") << QDateTime(QDate(2025, 3, 4), QTime(23, 59, 59, 999), utc) << 0;
    QTest::newRow("midnight starts day 1") << QDateTime(QDate(2025, 3, 5), QTime(0, 0), utc) << 1;
    QTest::newRow("today, later than now") << QDateTime(QDate(2025, 3, 10), QTime(23, 0), utc) << 6;
    QTest::newRow("tomorrow") << QDateTime(QDate(2025, 3, 11), QTime(0, 0), utc) << -1;
}

void TestUsageWindow::indexOfBoundaries()
{
    QFETCH(QDateTime, at);
    QFETCH(int, index);
    UsageQuery q;
    q.range = UsageRange::Days7;
    const UsageWindow w = UsageWindow::forQuery(q, m_now, QTimeZone::utc());
    QCOMPARE(w.indexOf(at.toMSecsSinceEpoch()), index);
    if (index >= 0)
        QCOMPARE(w.indexOfDay(at.date()), index);
}

void TestUsageWindow::utcDaysForGatewayData_data()
{
    QTest::addColumn<int>("range");
    QTest::addColumn<QDate>("first");
    QTest::addColumn<QDate>("last");
    QTest::newRow("24h touches two UTC days")
        << int(UsageRange::Hours24) << QDate(2025, 3, 9) << QDate(2025, 3, 10);
    QTest::newRow("7d") << int(UsageRange::Days7) << QDate(2025, 3, 4) << QDate(2025, 3, 10);
}

void TestUsageWindow::utcDaysForGatewayData()
{
    QFETCH(int, range);
    QFETCH(QDate, first);
    QFETCH(QDate, last);
    UsageQuery q;
    q.range = UsageRange(range);
    const UsageWindow w = UsageWindow::utcDaysForQuery(q, m_now.toTimeZone(QTimeZone(19800)));
    QCOMPARE(w.granularity, UsageGranularity::Day);
    QCOMPARE(w.zone, QTimeZone::utc());
    QCOMPARE(w.buckets.constFirst().start.date(), first);
    QCOMPARE(w.buckets.constLast().start.date(), last);
    QCOMPARE(w.from().toMSecsSinceEpoch(),
             QDateTime(first, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch());
}

void TestUsageWindow::dstDayHas23Hours()
{
    const QTimeZone berlin("Europe/Berlin");
    if (!berlin.isValid())
        QSKIP("no tzdata for Europe/Berlin on this machine");
    // 2025-03-30: clocks go from 02:00 to 03:00 in Berlin.
    const QDateTime now(QDate(2025, 3, 30), QTime(12, 0), berlin);
    UsageQuery q;
    q.range = UsageRange::Days7;
    const UsageWindow days = UsageWindow::forQuery(q, now, berlin);
    QCOMPARE(days.buckets.constLast().start.date(), QDate(2025, 3, 30));
    QCOMPARE(days.buckets.constLast().start.secsTo(days.buckets.constLast().end), 23 * 3600);
    QCOMPARE(days.buckets.at(5).start.secsTo(days.buckets.at(5).end), 24 * 3600);

    // Hourly buckets stay one physical hour each; the local labels skip 02:00.
    q.range = UsageRange::Hours24;
    const UsageWindow hours = UsageWindow::forQuery(q, now, berlin);
    QStringList labels;
    for (const UsageBucket& b : hours.buckets) {
        QCOMPARE(b.start.secsTo(b.end), 3600);
        labels.append(b.start.toTimeZone(berlin).toString(u"HH"_s));
    }
    QVERIFY(labels.contains(u"01"_s));
    QVERIFY(!labels.contains(u"02"_s));
    QVERIFY(labels.contains(u"03"_s));
    QCOMPARE(labels.constLast(), u"12"_s);
}

// 2025-10-26, Berlin: 03:00 CEST becomes 02:00 CET, so local 02:xx happens twice. In both, the current
// hour's bucket must hold now and end one physical hour after it starts.
void TestUsageWindow::repeatedHourWhenClocksGoBack_data()
{
    QTest::addColumn<QDateTime>("now");
    QTest::newRow("first 02:30 (CEST)") << QDateTime(QDate(2025, 10, 26), QTime(0, 30), Qt::UTC);
    QTest::newRow("second 02:30 (CET)") << QDateTime(QDate(2025, 10, 26), QTime(1, 30), Qt::UTC);
}

void TestUsageWindow::repeatedHourWhenClocksGoBack()
{
    QFETCH(QDateTime, now);
    const QTimeZone berlin("Europe/Berlin");
    if (!berlin.isValid())
        QSKIP("no tzdata for Europe/Berlin on this machine");
    UsageQuery q;
    q.range = UsageRange::Hours24;
    const UsageWindow w = UsageWindow::forQuery(q, now.toTimeZone(berlin), berlin);
    const UsageBucket& last = w.buckets.constLast();
    QCOMPARE(last.start.toMSecsSinceEpoch(), now.addSecs(-30 * 60).toMSecsSinceEpoch());
    QCOMPARE(last.start.secsTo(last.end), 3600);
    QVERIFY(last.start <= now && now < last.end);
    QCOMPARE(w.indexOf(now.toMSecsSinceEpoch()), 23);
}

QTEST_GUILESS_MAIN(TestUsageWindow)
#include "TestUsageWindow.moc"
