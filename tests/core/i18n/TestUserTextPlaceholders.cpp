// TestUserTextPlaceholders: user-visible text built in core never still holds a placeholder.
// QCoreApplication::translate() replaces %n only when n >= 0 is passed (no translator is loaded
// here, as in an English session), so a plural built with a negative or missing n shows a raw
// "%n"; an .arg() missing shows "%1". Every ApiError category with waits across the whole range,
// every hostile Retry-After header as the client would parse it (an HTTP date in year 9999 used
// to become a negative wait: "retry in %n second(s)"), and the usage chart's "Other (N more)".
#include "TestSupport.h"
#include "core/api/ApiError.h"
#include "core/api/RateLimitInfo.h"
#include "core/usage/UsageAggregator.h"

#include <QRegularExpression>
#include <QTest>
#include <QTimeZone>

#include <climits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

using Cat = ApiError::Category;

namespace {

constexpr int kNoWait = INT_MIN;

// A "%" followed by a digit or "n" is a placeholder; "100%" or "50 % off" are not.
bool holdsPlaceholder(const QString& text)
{
    static const QRegularExpression re(u"%(n|\\d)"_s);
    return re.match(text).hasMatch();
}

void verifyText(const QString& text)
{
    QVERIFY2(!holdsPlaceholder(text), qPrintable(text));
    static const QRegularExpression wait(u"retry in (-?\\d+)"_s);
    const QRegularExpressionMatch m = wait.match(text);
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        QVERIFY2(n >= 0, qPrintable(text));
    }
}

} // namespace

class TestUserTextPlaceholders : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void detectorWorks_data();
    void detectorWorks();
    void everyCategoryEveryWait_data();
    void everyCategoryEveryWait();
    void everyStatusEveryWait_data();
    void everyStatusEveryWait();
    void hostileRetryAfter_data();
    void hostileRetryAfter();
    void usageOtherGroup_data();
    void usageOtherGroup();
};

void TestUserTextPlaceholders::detectorWorks_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("placeholder");
    QTest::newRow("plain") << u"Rate limited by the gateway."_s << false;
    QTest::newRow("percent sign") << u"100% done, 5 % left"_s << false;
    QTest::newRow("raw %n") << u"retry in %n second(s)"_s << true;
    QTest::newRow("raw %1") << u"HTTP %1"_s << true;
    QTest::newRow("raw %2") << u"a %2 b"_s << true;
}

void TestUserTextPlaceholders::detectorWorks()
{
    QFETCH(QString, text);
    QFETCH(bool, placeholder);
    QCOMPARE(holdsPlaceholder(text), placeholder);
    // What the translator does without n: the placeholder stays (the bug this file guards).
    QVERIFY(holdsPlaceholder(QCoreApplication::translate("ctx", "in %n second(s)")));
    QVERIFY(!holdsPlaceholder(QCoreApplication::translate("ctx", "in %n second(s)", nullptr, 3)));
}

void TestUserTextPlaceholders::everyCategoryEveryWait_data()
{
    QTest::addColumn<int>("category");
    QTest::addColumn<int>("wait");
    const int waits[] = {kNoWait, 0, 1, 5, 60, kMaxRetryAfterSeconds, INT_MAX};
    // Past the last category too: an unknown value must not produce a placeholder either.
    for (int c = 0; c <= int(Cat::ConnectionClosed) + 16; ++c) {
        for (int w : waits)
            QTest::addRow("category %d, wait %d", c, w) << c << w;
    }
}

void TestUserTextPlaceholders::everyCategoryEveryWait()
{
    QFETCH(int, category);
    QFETCH(int, wait);
    ApiError e(Cat(category), u"upstream said no"_s);
    if (wait != kNoWait)
        e.setRetryAfterSeconds(wait);
    verifyText(e.userMessage());
}

void TestUserTextPlaceholders::everyStatusEveryWait_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("wait");
    const int statuses[] = {301, 307, 400, 401, 402, 403, 404, 409, 413,
                            422, 429, 500, 501, 502, 503, 504, 599};
    const QByteArray bodies[] = {
        QByteArray(), "plain text"_ba,
        R"({"error":{"message":"m","code":429,"metadata":{"provider_name":"P"}}})"_ba,
        R"({"message":"%n %1 literal from the server"})"_ba};
    const int waits[] = {kNoWait, 0, 1, 5, kMaxRetryAfterSeconds, INT_MAX};
    for (int s : statuses) {
        for (qsizetype b = 0; b < qsizetype(std::size(bodies)); ++b) {
            for (int w : waits)
                QTest::addRow("HTTP %d, body %d, wait %d", s, int(b), w) << s << bodies[b] << w;
        }
    }
}

void TestUserTextPlaceholders::everyStatusEveryWait()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(int, wait);
    const ApiError e =
        ApiError::fromHttp(status, body, wait == kNoWait ? std::nullopt : std::optional<int>(wait));
    QString text = e.userMessage();
    // The server's own words are quoted as they came: only the app's text must be free of them.
    text.remove(u"%n %1 literal from the server"_s);
    verifyText(text);
}

void TestUserTextPlaceholders::hostileRetryAfter_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::newRow("year 9999") << "Fri, 31 Dec 9999 23:59:59 GMT"_ba;
    QTest::newRow("year 2100") << "Fri, 01 Jan 2100 00:00:00 GMT"_ba;
    QTest::newRow("past") << "Thu, 01 Jan 1970 00:00:00 GMT"_ba;
    QTest::newRow("99999999999") << "99999999999"_ba;
    QTest::newRow("-99999999999") << "-99999999999"_ba;
    QTest::newRow("1e400") << "1e400"_ba;
    QTest::newRow("inf") << "inf"_ba;
    QTest::newRow("-inf") << "-inf"_ba;
    QTest::newRow("nan") << "nan"_ba;
    QTest::newRow("-1") << "-1"_ba;
    QTest::newRow("2147483648") << "2147483648"_ba;
    QTest::newRow("4294967297") << "4294967297"_ba;
}

void TestUserTextPlaceholders::hostileRetryAfter()
{
    QFETCH(QByteArray, header);
    const qint64 now = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const ApiError e =
        ApiError::fromHttp(429, R"({"error":{"message":"slow down"}})", parseRetryAfter(header, now));
    verifyText(e.userMessage());
}

void TestUserTextPlaceholders::usageOtherGroup_data()
{
    QTest::addColumn<int>("models");
    QTest::addColumn<int>("top");
    QTest::newRow("1 more") << 3 << 1;
    QTest::newRow("8 more") << 10 << 2;
    QTest::newRow("top 0") << 4 << 0;
    QTest::newRow("top negative") << 4 << -5;
}

void TestUserTextPlaceholders::usageOtherGroup()
{
    QFETCH(int, models);
    QFETCH(int, top);
    const QDateTime now(QDate(2026, 1, 10), QTime(12, 0), Qt::UTC);
    UsageQuery q;
    q.topGroups = top;
    QList<LedgerEntry> entries;
    for (int i = 0; i < models; ++i) {
        LedgerEntry e;
        e.at = now.addSecs(-3600);
        e.model = u"model-%1"_s.arg(i);
        e.cost = 1.0 + i;
        entries.append(e);
    }
    const UsageSeries s = UsageAggregator::aggregate(q, now, QTimeZone::utc(), entries, {});
    QVERIFY(s.otherGroup >= 0);
    for (const QString& g : s.groups)
        verifyText(g);
    QVERIFY2(s.groups.value(s.otherGroup)
                 .contains(QString::number(s.groups.size() > 0 ? models - s.otherGroup : 0)),
             qPrintable(s.groups.join(u", "_s)));
}

QTEST_GUILESS_MAIN(TestUserTextPlaceholders)
#include "TestUserTextPlaceholders.moc"
