// Tests of the usage CSV export: exact bytes (header, one row per bucket x group, CRLF), RFC 4180
// quoting, formula-injection guard, dot decimals whatever the locale, no exponents, ISO dates and
// ISO hours with their UTC offset.
#include "TestSupport.h"
#include "core/usage/UsageAggregator.h"
#include "core/usage/UsageSeries.h"

#include <QLocale>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestUsageCsv : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void exactBytes();
    void quoting_data();
    void quoting();
    void numbers_data();
    void numbers();
    void localeDoesNotLeakIn();
    void hourlyBucketsCarryTheirOffset();
    void emptySeriesIsJustTheHeader();

private:
    static UsageSeries twoDays(UsageMetric metric, const QStringList& groups,
                               const QList<QList<double>>& values);
};

void TestUsageCsv::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestUsageCsv::cleanup()
{
    QLocale::setDefault(QLocale::c());
}

UsageSeries TestUsageCsv::twoDays(UsageMetric metric, const QStringList& groups,
                                  const QList<QList<double>>& values)
{
    UsageSeries s;
    s.metric = metric;
    s.window = UsageWindow::forQuery(UsageQuery::custom(QDate(2025, 3, 1), QDate(2025, 3, 2)), QDateTime(),
                                     QTimeZone::utc());
    s.groups = groups;
    s.values = values;
    return s;
}

void TestUsageCsv::exactBytes()
{
    const UsageSeries s = twoDays(UsageMetric::Cost, {u"openai/gpt-5.4-mini"_s, u"Other (2 more)"_s},
                                  {{0.0015, 0}, {0.25, 1.5}});
    QCOMPARE(toCsv(s), "bucket,group,cost_usd\r\n"
                       "2025-03-01,openai/gpt-5.4-mini,0.0015\r\n"
                       "2025-03-01,Other (2 more),0.25\r\n"
                       "2025-03-02,openai/gpt-5.4-mini,0\r\n"
                       "2025-03-02,Other (2 more),1.5\r\n"_ba);
}

void TestUsageCsv::quoting_data()
{
    QTest::addColumn<QString>("group");
    QTest::addColumn<QByteArray>("field");
    QTest::newRow("plain") << u"anthropic/claude-haiku-4.5"_s << "anthropic/claude-haiku-4.5"_ba;
    QTest::newRow("comma and quotes") << u"Team \"A\", EU"_s << "\"Team \"\"A\"\", EU\""_ba;
    QTest::newRow("line break") << u"two\nlines"_s << "\"two\nlines\""_ba;
    QTest::newRow("carriage return") << u"a\rb"_s << "\"a\rb\""_ba;
    QTest::newRow("formula") << u"=HYPERLINK(\"x\")"_s << "\"'=HYPERLINK(\"\"x\"\")\""_ba;
    QTest::newRow("plus") << u"+1"_s << "'+1"_ba;
    QTest::newRow("minus") << u"-1"_s << "'-1"_ba;
    QTest::newRow("at") << u"@SUM(A1)"_s << "'@SUM(A1)"_ba;
    QTest::newRow("unicode") << u"Équipe “Ω”"_s << u"Équipe “Ω”"_s.toUtf8();
    QTest::newRow("dash inside is fine") << u"sk-ar-v1-abcd…9999"_s << u"sk-ar-v1-abcd…9999"_s.toUtf8();
}

void TestUsageCsv::quoting()
{
    QFETCH(QString, group);
    QFETCH(QByteArray, field);
    const UsageSeries s = twoDays(UsageMetric::Requests, {group}, {{3, 4}});
    QCOMPARE(toCsv(s),
             "bucket,group,requests\r\n2025-03-01," + field + ",3\r\n2025-03-02," + field + ",4\r\n");
}

void TestUsageCsv::numbers_data()
{
    QTest::addColumn<int>("metric");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("float noise") << int(UsageMetric::Cost) << 0.1 + 0.2 << u"0.3"_s;
    QTest::newRow("tiny, no exponent") << int(UsageMetric::Cost) << 1e-5 << u"0.00001"_s;
    QTest::newRow("micro-dollars") << int(UsageMetric::Cost) << 0.0002025 << u"0.0002025"_s;
    QTest::newRow("large") << int(UsageMetric::Cost) << 123456.5 << u"123456.5"_s;
    QTest::newRow("zero") << int(UsageMetric::Cost) << 0.0 << u"0"_s;
    QTest::newRow("below 1e-10 is 0") << int(UsageMetric::Cost) << 1e-12 << u"0"_s;
    QTest::newRow("negative") << int(UsageMetric::Cost) << -0.5 << u"-0.5"_s;
    QTest::newRow("tokens, no grouping") << int(UsageMetric::Tokens) << 1234567.0 << u"1234567"_s;
    QTest::newRow("requests") << int(UsageMetric::Requests) << 12.0 << u"12"_s;
}

void TestUsageCsv::numbers()
{
    QFETCH(int, metric);
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(usageNumberText(value, UsageMetric(metric)), text);
}

void TestUsageCsv::localeDoesNotLeakIn()
{
    const UsageSeries s = twoDays(UsageMetric::Cost, {u"m"_s}, {{1234.5, 0.25}});
    const QByteArray expected = toCsv(s);
    QVERIFY(expected.contains(",1234.5\r\n"));
    for (const QLocale& l :
         {QLocale(QLocale::German, QLocale::Germany), QLocale(QLocale::French, QLocale::France),
          QLocale(QLocale::Arabic, QLocale::Egypt)}) {
        QLocale::setDefault(l);
        QCOMPARE(toCsv(s), expected);
    }
}

void TestUsageCsv::hourlyBucketsCarryTheirOffset()
{
    UsageQuery q;
    q.range = UsageRange::Hours24;
    q.metric = UsageMetric::Tokens;
    const QDateTime now(QDate(2025, 3, 10), QTime(12, 30), QTimeZone::utc());
    LedgerEntry e;
    e.at = now;
    e.model = u"m"_s;
    e.promptTokens = 100;
    e.completionTokens = 23;
    const UsageSeries s =
        UsageAggregator::fromLedger(q, UsageWindow::forQuery(q, now, QTimeZone(19800)), {e});
    const QList<QByteArray> lines = toCsv(s).split('\n');
    QCOMPARE(lines.size(), 1 + 24 + 1);
    QCOMPARE(lines.at(1), "2025-03-09T19:00:00+05:30,m,0\r"_ba);
    QCOMPARE(lines.at(24), "2025-03-10T18:00:00+05:30,m,123\r"_ba);
}

void TestUsageCsv::emptySeriesIsJustTheHeader()
{
    UsageSeries s;
    s.metric = UsageMetric::Tokens;
    QCOMPARE(toCsv(s), "bucket,group,tokens\r\n"_ba);
    // Buckets without groups (nothing used in the range): still only the header.
    const UsageSeries none = twoDays(UsageMetric::Cost, {}, {});
    QCOMPARE(toCsv(none), "bucket,group,cost_usd\r\n"_ba);
}

QTEST_GUILESS_MAIN(TestUsageCsv)
#include "TestUsageCsv.moc"
