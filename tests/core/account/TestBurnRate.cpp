// Tests of BurnRate: spend over the last 7 days from total-usage deltas, balance drops or the local
// ledger, with top-ups, short histories, straddling readings and the forecast text — every expected
// figure worked out by hand in the row's comment.
#include "TestSupport.h"
#include "core/account/BurnRate.h"

#include <QLocale>
#include <QTest>

#include <cmath>
#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QDateTime kNow(QDate(2026, 1, 10), QTime(12, 0), Qt::UTC);
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

QDateTime hoursAgo(double h)
{
    return kNow.addMSecs(-qint64(std::llround(h * 3'600'000.0)));
}

std::optional<double> optionalFrom(const QString& s)
{
    if (s == u"-")
        return std::nullopt;
    bool ok = false;
    const double v = s.toDouble(&ok);
    if (!ok)
        qFatal("bad number in test data");
    return v;
}

// "HOURS_AGO:BALANCE/USAGE ...", "-" for an absent value; negative hours are in the future.
QList<BalanceSnapshot> snapshots(const QString& spec)
{
    QList<BalanceSnapshot> out;
    const QStringList items = spec.split(u' ', Qt::SkipEmptyParts);
    for (const QString& item : items) {
        const QStringList timeAndValues = item.split(u':');
        const QStringList values = timeAndValues.at(1).split(u'/');
        out.append({hoursAgo(timeAndValues.at(0).toDouble()), optionalFrom(values.at(0)),
                    optionalFrom(values.at(1))});
    }
    return out;
}

// "HOURS_AGO:COST ...", "-" for an entry without a cost.
QList<LedgerEntry> ledger(const QString& spec)
{
    QList<LedgerEntry> out;
    const QStringList items = spec.split(u' ', Qt::SkipEmptyParts);
    for (const QString& item : items) {
        const QStringList parts = item.split(u':');
        LedgerEntry e;
        e.at = hoursAgo(parts.at(0).toDouble());
        e.workspaceId = u"ws"_s;
        e.model = u"openai/gpt-5.4-mini"_s;
        e.cost = optionalFrom(parts.at(1));
        out.append(e);
    }
    return out;
}

std::optional<double> fromNaN(double v)
{
    return std::isnan(v) ? std::nullopt : std::optional<double>(v);
}

} // namespace

class TestBurnRate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void compute_data();
    void compute();
    void otherWindow();
    void describeSpan_data();
    void describeSpan();
    void usesTheGivenFormatter();
};

void TestBurnRate::initTestCase()
{
    test::initHermeticEnvironment();
    QLocale::setDefault(QLocale::c());
}

void TestBurnRate::compute_data()
{
    QTest::addColumn<QString>("snapshots");
    QTest::addColumn<QString>("entries");
    QTest::addColumn<double>("balance");          // the fetched balance; NaN: none given
    QTest::addColumn<double>("ledgerSinceHours"); // NaN: unknown
    QTest::addColumn<int>("source");
    QTest::addColumn<double>("spend");
    QTest::addColumn<double>("historyDays");
    QTest::addColumn<double>("perDay");
    QTest::addColumn<double>("daysLeft"); // NaN: no forecast
    QTest::addColumn<bool>("partial");
    QTest::addColumn<int>("topUps");
    QTest::addColumn<QString>("text");

    const int usage = int(BurnRate::Source::TotalUsage);
    const int drops = int(BurnRate::Source::BalanceDrops);
    const int led = int(BurnRate::Source::Ledger);
    const int none = int(BurnRate::Source::None);

    // Usage 0 -> 2 -> 4. The first step runs from 200 h to 100 h ago and straddles the window start
    // (168 h ago): 68 of its 100 hours are inside, so it counts 2 x 0.68 = 1.36; then +2 -> 3.36.
    // 3.36 / 7 = 0.48 a day; 16 / 0.48 = 33.3 days.
    QTest::newRow("usage deltas, full window, straddling baseline")
        << u"200:20/0 100:18/2 0:16/4"_s << QString() << kNone << kNone << usage << 3.36 << 7.0 << 0.48
        << 16.0 / 0.48 << false << 0
        << u"In the last 7 days you spent $3.36 ($0.48 a day); at that rate the balance of $16.00 lasts "
           "about 33 days."_s;
    // A $22 top-up between 120 h and 72 h ago: the balance rises, usage keeps counting 2 + 2 + 3 = 7.
    QTest::newRow("top-up, usage present")
        << u"168:10/0 120:8/2 72:28/4 0:25/7"_s << QString() << kNone << kNone << usage << 7.0 << 7.0 << 1.0
        << 25.0 << false << 0
        << u"In the last 7 days you spent $7.00 ($1.00 a day); at that rate the balance of $25.00 lasts "
           "about 25 days."_s;
    // Balance only: drops 4, then +24 (a top-up: counts 0, not -24), then 3 -> 7; 27 / 1 = 27 days.
    QTest::newRow("top-up, balance only")
        << u"168:10/- 120:6/- 72:30/- 0:27/-"_s << QString() << kNone << kNone << drops << 7.0 << 7.0 << 1.0
        << 27.0 << false << 1
        << u"In the last 7 days you spent $7.00 ($1.00 a day); at that rate the balance of $27.00 lasts "
           "about 27 days."_s;
    // Two days of history: 1 / 2 = 0.5 a day; 9 / 0.5 = 18 days.
    QTest::newRow("less than 7 days of history")
        << u"48:10/1 0:9/2"_s << QString() << kNone << kNone << usage << 1.0 << 2.0 << 0.5 << 18.0 << true
        << 0
        << u"In the 2 days of history so far (less than 7 days), you spent $1.00 ($0.50 a day); at that "
           "rate the balance of $9.00 lasts about 18 days."_s;
    QTest::newRow("no spend") << u"168:10/3 0:10/3"_s << QString() << kNone << kNone << usage << 0.0 << 7.0
                              << 0.0 << kNone << false << 0
                              << u"No spend in the last 7 days: the balance is not running down."_s;
    QTest::newRow("no spend, 1.5 days")
        << u"36:10/3 0:10/3"_s << QString() << kNone << kNone << usage << 0.0 << 1.5 << 0.0 << kNone << true
        << 0
        << u"No spend in the 1.5 days of history so far (less than 7 days): the balance is not running "
           "down."_s;
    // Ledger only. The entry 200 h ago is outside the window but shows the ledger reaches back that
    // far, so the span is the whole week; the entry without a cost is skipped. 2 + 1 + 0.5 = 3.5,
    // 3.5 / 7 = 0.5 a day, 4 / 0.5 = 8 days.
    QTest::newRow("ledger only")
        << QString() << u"200:5 150:- 100:2 50:1 1:0.5"_s << 4.0 << kNone << led << 3.5 << 7.0 << 0.5 << 8.0
        << false << 0
        << u"In the last 7 days this app's requests cost $3.50 ($0.50 a day); at that rate the balance "
           "of $4.00 lasts about 8 days. (Only this app's requests are counted.)"_s;
    // Half an hour of history: the rate is averaged over at least one day, 0.25 a day; 1 / 0.25 = 4.
    QTest::newRow("burst shorter than a day")
        << QString() << u"0.5:0.25"_s << 1.0 << kNone << led << 0.25 << 0.5 / 24 << 0.25 << 4.0 << true << 0
        << u"In the 1 hour of history so far (less than 7 days), this app's requests cost $0.25 ($0.25 a "
           "day); at that rate the balance of $1.00 lasts about 4 days. (Only this app's requests are "
           "counted.)"_s;
    QTest::newRow("nothing at all") << QString() << QString() << 5.0 << kNone << none << 0.0 << 0.0 << 0.0
                                    << kNone << false << 0
                                    << u"No forecast yet: it needs a few hours of balance readings or of "
                                       "requests made by this app."_s;
    QTest::newRow("one reading") << u"0:10/2"_s << QString() << kNone << kNone << none << 0.0 << 0.0 << 0.0
                                 << kNone << false << 0
                                 << u"No forecast yet: it needs a few hours of balance readings or of "
                                    "requests made by this app."_s;
    QTest::newRow("two readings minutes apart, no change")
        << u"0.2:10/2 0:10/2"_s << QString() << kNone << kNone << none << 0.0 << 0.0 << 0.0 << kNone << false
        << 0
        << u"No forecast yet: it needs a few hours of balance readings or of requests made by this app."_s;
    // Readings 30 minutes apart lose to 100 hours (4.17 days) of ledger: 2.5 / (100/24) = 0.6 a day;
    // the balance is the newest snapshot's, 9 / 0.6 = 15 days.
    QTest::newRow("short gateway span, ledger covers more")
        << u"0.5:10/2 0:9/3"_s << u"100:1 50:1 10:0.5"_s << kNone << kNone << led << 2.5 << 100.0 / 24 << 0.6
        << 15.0 << true << 0
        << u"In the 4.2 days of history so far (less than 7 days), this app's requests cost $2.50 ($0.60 a "
           "day); at that rate the balance of $9.00 lasts about 15 days. (Only this app's requests are "
           "counted.)"_s;
    // 36 hours of readings (1.5 days, over a day) win over the ledger: 1.5 / 1.5 = 1 a day; 9 days.
    QTest::newRow("gateway span over a day wins")
        << u"36:10/2 0:9/3.5"_s << u"100:2"_s << kNone << kNone << usage << 1.5 << 1.5 << 1.0 << 9.0 << true
        << 0
        << u"In the 1.5 days of history so far (less than 7 days), you spent $1.50 ($1.00 a day); at that "
           "rate the balance of $9.00 lasts about 9 days."_s;
    // The usage counter fell (reset): that step counts 0; then +1. 100 h = 4.17 days, 1 / 4.17 = 0.24
    // a day, 8 / 0.24 = 33.3 days.
    QTest::newRow("usage counter reset")
        << u"100:10/5 50:9/0.5 0:8/1.5"_s << QString() << kNone << kNone << usage << 1.0 << 100.0 / 24 << 0.24
        << 8.0 / 0.24 << true << 1
        << u"In the 4.2 days of history so far (less than 7 days), you spent $1.00 ($0.24 a day); at that "
           "rate the balance of $8.00 lasts about 33 days."_s;
    // 1 -> -0.5: 1.5 spent, 1.5 / 7 = 0.214 a day; a negative balance lasts 0 days.
    QTest::newRow("balance used up") << u"168:1/- 0:-0.5/-"_s << QString() << kNone << kNone << drops << 1.5
                                     << 7.0 << 1.5 / 7 << 0.0 << false << 0
                                     << u"In the last 7 days you spent $1.50 ($0.21 a day); the balance of "
                                        "-$0.50 is used up."_s;
    // The key cannot read credits: the ledger (known since 300 h ago) still tells the spend.
    QTest::newRow("unknown balance") << QString() << u"100:1 2:1"_s << kNone << 300.0 << led << 2.0 << 7.0
                                     << 2.0 / 7 << kNone << false << 0
                                     << u"In the last 7 days this app's requests cost $2.00 ($0.29 a day). "
                                        "The balance is unknown, so there is no forecast. (Only this app's "
                                        "requests are counted.)"_s;
    // A reading stamped a day in the future (clock moved back) is ignored: 1 / 7 a day, 9 * 7 = 63 days.
    QTest::newRow("future reading ignored")
        << u"168:10/0 0:9/1 -24:5/5"_s << QString() << kNone << kNone << usage << 1.0 << 7.0 << 1.0 / 7
        << 63.0 << false << 0
        << u"In the last 7 days you spent $1.00 ($0.14 a day); at that rate the balance of $9.00 lasts "
           "about 63 days."_s;
    // The fetched balance (12) wins over the newest snapshot's (9): 12 * 7 = 84 days.
    QTest::newRow("fetched balance wins")
        << u"168:10/0 0:9/1"_s << QString() << 12.0 << kNone << usage << 1.0 << 7.0 << 1.0 / 7 << 84.0
        << false << 0
        << u"In the last 7 days you spent $1.00 ($0.14 a day); at that rate the balance of $12.00 lasts "
           "about 84 days."_s;
    QTest::newRow("ledger known, no requests")
        << QString() << QString() << 5.0 << 200.0 << led << 0.0 << 7.0 << 0.0 << kNone << false << 0
        << u"No spend in the last 7 days by this app; other clients of the account are not seen."_s;
    // 0.01 a day against $20: 2000 days.
    QTest::newRow("more than a year")
        << u"168:20/0 0:19.93/0.07"_s << QString() << kNone << kNone << usage << 0.07 << 7.0 << 0.01
        << 19.93 / 0.01 << false << 0
        << u"In the last 7 days you spent $0.07 ($0.01 a day); at that rate the "
           "balance of $19.93 lasts more than a year."_s;
    // 7 a day against $3: under half a day.
    QTest::newRow("less than a day")
        << u"168:52/0 0:3/49"_s << QString() << kNone << kNone << usage << 49.0 << 7.0 << 7.0 << 3.0 / 7
        << false << 0
        << u"In the last 7 days you spent $49.00 ($7.00 a day); at that rate the "
           "balance of $3.00 lasts less than a day."_s;
}

void TestBurnRate::compute()
{
    QFETCH(QString, snapshots);
    QFETCH(QString, entries);
    QFETCH(double, balance);
    QFETCH(double, ledgerSinceHours);
    QFETCH(int, source);
    QFETCH(double, spend);
    QFETCH(double, historyDays);
    QFETCH(double, perDay);
    QFETCH(double, daysLeft);
    QFETCH(bool, partial);
    QFETCH(int, topUps);
    QFETCH(QString, text);

    BurnRate::Input in;
    in.snapshots = ::snapshots(snapshots);
    in.ledger = ledger(entries);
    in.balance = fromNaN(balance);
    if (!std::isnan(ledgerSinceHours))
        in.ledgerSince = hoursAgo(ledgerSinceHours);
    const BurnRate r = BurnRate::compute(in, kNow);

    QCOMPARE(int(r.source), source);
    QVERIFY2(qAbs(r.spend - spend) < 1e-9, qPrintable(QString::number(r.spend, 'g', 17)));
    QVERIFY2(qAbs(r.historyDays - historyDays) < 1e-9, qPrintable(QString::number(r.historyDays, 'g', 17)));
    QVERIFY2(qAbs(r.perDay - perDay) < 1e-9, qPrintable(QString::number(r.perDay, 'g', 17)));
    QCOMPARE(r.daysLeft.has_value(), !std::isnan(daysLeft));
    if (r.daysLeft)
        QVERIFY2(qAbs(*r.daysLeft - daysLeft) < 1e-6, qPrintable(QString::number(*r.daysLeft, 'g', 17)));
    QCOMPARE(r.partial, partial);
    QCOMPARE(r.topUps, topUps);
    QCOMPARE(r.describe(), text);
}

void TestBurnRate::otherWindow()
{
    // A 1-day window over the same readings: only the last 24 h count. Usage 0 (48 h ago) -> 2 (0 h):
    // half of that step lies inside the window, so 1.0 in one day.
    BurnRate::Input in;
    in.snapshots = snapshots(u"48:10/0 0:8/2"_s);
    const BurnRate r = BurnRate::compute(in, kNow, 1);
    QCOMPARE(r.source, BurnRate::Source::TotalUsage);
    QCOMPARE(r.spend, 1.0);
    QCOMPARE(r.historyDays, 1.0);
    QVERIFY(!r.partial);
    QCOMPARE(*r.daysLeft, 8.0);
    QCOMPARE(r.describe(), u"In the last 1 day you spent $1.00 ($1.00 a day); at that rate the balance of "
                           "$8.00 lasts about 8 days."_s);
}

void TestBurnRate::describeSpan_data()
{
    QTest::addColumn<double>("days");
    QTest::addColumn<QString>("text");
    QTest::newRow("minutes") << 0.01 << u"1 hour"_s;
    QTest::newRow("hours") << 0.25 << u"6 hours"_s;
    QTest::newRow("one day") << 1.0 << u"1 day"_s;
    QTest::newRow("almost two") << 1.98 << u"2 days"_s;
    QTest::newRow("fraction") << 2.5 << u"2.5 days"_s;
}

void TestBurnRate::describeSpan()
{
    QFETCH(double, days);
    QFETCH(QString, text);
    QCOMPARE(anyrouter::describeSpan(days), text);
}

void TestBurnRate::usesTheGivenFormatter()
{
    BurnRate::Input in;
    in.snapshots = snapshots(u"168:10/0 0:9/1"_s);
    const BurnRate r = BurnRate::compute(in, kNow);
    const QString text =
        r.describe([](double v) -> QString { return u"USD "_s + QString::number(v, 'f', 3); });
    QCOMPARE(text,
             u"In the last 7 days you spent USD 1.000 (USD 0.143 a day); at that rate the balance of USD "
             "9.000 lasts about 63 days."_s);
}

QTEST_GUILESS_MAIN(TestBurnRate)
#include "TestBurnRate.moc"
