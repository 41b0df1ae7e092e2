// TestRetryAfter: hostile Retry-After and X-RateLimit-* values never mean "retry at once", never
// overflow and never reach the user as a negative wait or a raw "%n". The rule (RateLimitInfo.h):
// a bogus Retry-After (nan, negative, -inf, not a number) is treated as absent, so the normal
// backoff applies; a wait longer than kMaxRetryAfterSeconds (a day; "99999999999", "inf", "1e400",
// an HTTP date in year 9999) is clamped to that cap, which is longer than any automatic retry
// waits, so the error goes to the user instead. RetryPolicy never schedules a retry sooner than its
// backoff, whatever the header said. Against a raw loopback server: a chat POST answered 429 with
// such a header is sent once (before the fix: three POSTs within milliseconds), a GET is retried
// only after the backoff.
#include "LoopbackHttpServer.h"
#include "TestSupport.h"
#include "core/api/ApiClient.h"
#include "core/api/ApiError.h"
#include "core/api/ChatStream.h"
#include "core/api/RateLimitInfo.h"
#include "core/api/RetryPolicy.h"

#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QTest>

#include <climits>
#include <cmath>
#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// A reply that only carries headers (QNetworkReply::setRawHeader is protected).
class HeaderReply : public QNetworkReply
{
public:
    explicit HeaderReply(const QList<QPair<QByteArray, QByteArray>>& headers)
    {
        for (const auto& [name, value] : headers)
            setRawHeader(name, value);
    }
    void abort() override {}

protected:
    qint64 readData(char*, qint64) override { return -1; }
};

const qint64 kNow2026 = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
const QString kKey = u"sk-ar-v1-retry-after-test-000000000000"_s;

// Every "retry in N second(s)" of a message names a wait in [0, cap]; no placeholder survives.
void verifyUserText(const QString& text)
{
    QVERIFY2(!text.contains(u"%n"_s) && !text.contains(u"%1"_s) && !text.contains(u"%2"_s), qPrintable(text));
    static const QRegularExpression wait(u"retry in (-?\\d+)"_s);
    const QRegularExpressionMatch m = wait.match(text);
    if (m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        QVERIFY2(n >= 0 && n <= kMaxRetryAfterSeconds, qPrintable(text));
    }
}

} // namespace

class TestRetryAfter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void parse_data();
    void parse();
    void rateLimitHeaders_data();
    void rateLimitHeaders();
    void rateLimitReset_data();
    void rateLimitReset();
    void policyDelay_data();
    void policyDelay();
    void chatPostWithBogusRetryAfter_data();
    void chatPostWithBogusRetryAfter();
    void getWithBogusRetryAfter_data();
    void getWithBogusRetryAfter();
};

void TestRetryAfter::parse_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<int>("expected"); // -1: absent
    const int cap = kMaxRetryAfterSeconds;
    QTest::newRow("seconds") << "12"_ba << kNow2026 << 12;
    QTest::newRow("zero") << "0"_ba << kNow2026 << 0;
    QTest::newRow("fraction rounds up") << "1.2"_ba << kNow2026 << 2;
    QTest::newRow("plus sign") << "+5"_ba << kNow2026 << 5;
    QTest::newRow("exactly the cap") << QByteArray::number(cap) << kNow2026 << cap;
    QTest::newRow("just above the cap") << QByteArray::number(cap + 1) << kNow2026 << cap;
    QTest::newRow("past int range") << "99999999999"_ba << kNow2026 << cap;
    QTest::newRow("past qint64 range") << "99999999999999999999999"_ba << kNow2026 << cap;
    QTest::newRow("1e18") << "1e18"_ba << kNow2026 << cap;
    QTest::newRow("1e400 overflows double") << "1e400"_ba << kNow2026 << cap;
    QTest::newRow("inf") << "inf"_ba << kNow2026 << cap;
    QTest::newRow("Infinity") << "Infinity"_ba << kNow2026 << cap;
    QTest::newRow("nan") << "nan"_ba << kNow2026 << -1;
    QTest::newRow("-nan") << "-nan"_ba << kNow2026 << -1;
    QTest::newRow("-inf") << "-inf"_ba << kNow2026 << -1;
    QTest::newRow("negative") << "-5"_ba << kNow2026 << -1;
    QTest::newRow("huge negative") << "-99999999999"_ba << kNow2026 << -1;
    QTest::newRow("hex") << "0x10"_ba << kNow2026 << -1;
    QTest::newRow("trailing junk") << "12abc"_ba << kNow2026 << -1;
    QTest::newRow("words") << "soon"_ba << kNow2026 << -1;
    QTest::newRow("date +90 s") << "Thu, 01 Jan 2026 00:01:30 GMT"_ba << kNow2026 << 90;
    QTest::newRow("date in the past") << "Wed, 31 Dec 2025 23:00:00 GMT"_ba << kNow2026 << 0;
    QTest::newRow("date in year 9999") << "Fri, 31 Dec 9999 23:59:59 GMT"_ba << kNow2026 << cap;
    QTest::newRow("date 2100") << "Fri, 01 Jan 2100 00:00:00 GMT"_ba << kNow2026 << cap;
    QTest::newRow("year 1 now, date 9999")
        << "Fri, 31 Dec 9999 23:59:59 GMT"_ba
        << QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() << cap;
    QTest::newRow("year 9999 now, date 1970")
        << "Thu, 01 Jan 1970 00:00:00 GMT"_ba
        << QDateTime(QDate(9999, 12, 31), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() << 0;
}

void TestRetryAfter::parse()
{
    QFETCH(QByteArray, header);
    QFETCH(qint64, now);
    QFETCH(int, expected);
    const std::optional<int> got = parseRetryAfter(header, now);
    QCOMPARE(got.value_or(-1), expected);
    // The message a user sees for it holds a real number of seconds.
    verifyUserText(ApiError::fromHttp(429, {}, got).userMessage());
    if (QTest::currentTestFailed())
        return;
    // What the retry logic makes of it: never sooner than the backoff.
    const RetryPolicy policy;
    if (const auto delay = policy.delayBeforeRetry(0, got, 0.0))
        QVERIFY2(*delay >= policy.baseDelayMs, qPrintable(QString::number(*delay)));
}

void TestRetryAfter::rateLimitHeaders_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("expected"); // -1: absent
    QTest::newRow("count") << "42"_ba << qint64(42);
    QTest::newRow("zero") << "0"_ba << qint64(0);
    QTest::newRow("fraction floors") << "7.9"_ba << qint64(7);
    QTest::newRow("large but sane") << "1000000000000"_ba << qint64(1'000'000'000'000);
    QTest::newRow("past qint64") << "99999999999999999999"_ba << qint64(-1);
    QTest::newRow("1e300") << "1e300"_ba << qint64(-1);
    QTest::newRow("1e400") << "1e400"_ba << qint64(-1);
    QTest::newRow("inf") << "inf"_ba << qint64(-1);
    QTest::newRow("nan") << "nan"_ba << qint64(-1);
    QTest::newRow("negative") << "-3"_ba << qint64(-1);
    QTest::newRow("huge negative") << "-1e300"_ba << qint64(-1);
    QTest::newRow("words") << "many"_ba << qint64(-1);
}

void TestRetryAfter::rateLimitHeaders()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, expected);
    HeaderReply reply({{"X-RateLimit-Limit", value},
                       {"X-RateLimit-Remaining", value},
                       {"X-Upstream-RateLimit-Remaining", value}});
    const RateLimitInfo info = RateLimitInfo::fromReply(&reply, kNow2026);
    QCOMPARE(info.limit.value_or(-1), expected);
    QCOMPARE(info.remaining.value_or(-1), expected);
    QCOMPARE(info.upstreamRemaining.value_or(-1), expected);
}

void TestRetryAfter::rateLimitReset_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("expectedMs"); // -1: no reset time
    QTest::newRow("delta seconds") << "30"_ba << kNow2026 + 30'000;
    QTest::newRow("epoch seconds") << "1767225660"_ba << qint64(1767225660'000LL);
    QTest::newRow("epoch ms") << "1767225660000"_ba << qint64(1767225660'000LL);
    QTest::newRow("negative delta") << "-5"_ba << qint64(-1);
    // -9e18 * 1000 overflowed qint64 (undefined behaviour) and gave a garbage date.
    QTest::newRow("huge negative") << "-9000000000000000000"_ba << qint64(-1);
    QTest::newRow("past qint64") << "99999999999999999999"_ba << qint64(-1);
    QTest::newRow("inf") << "inf"_ba << qint64(-1);
    QTest::newRow("nan") << "nan"_ba << qint64(-1);
    // Beyond year 9999 as epoch ms: no date a window can reset at.
    QTest::newRow("beyond year 9999") << "900000000000000000"_ba << qint64(-1);
}

void TestRetryAfter::rateLimitReset()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, expectedMs);
    HeaderReply reply({{"X-RateLimit-Limit", "10"}, {"X-RateLimit-Reset", value}});
    const RateLimitInfo info = RateLimitInfo::fromReply(&reply, kNow2026);
    if (expectedMs < 0) {
        QVERIFY2(!info.resetAt.isValid(), qPrintable(info.resetAt.toString(Qt::ISODate)));
    } else {
        QVERIFY(info.resetAt.isValid());
        QCOMPARE(info.resetAt.toMSecsSinceEpoch(), expectedMs);
    }
}

void TestRetryAfter::policyDelay_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<int>("retryAfter"); // INT_MIN: absent
    QTest::addColumn<double>("jitter");
    QTest::addColumn<qint64>("expected"); // -1: no retry
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("backoff 0") << 0 << INT_MIN << 0.0 << qint64(1000);
    QTest::newRow("backoff 2 with jitter") << 2 << INT_MIN << 0.5 << qint64(4125);
    QTest::newRow("retry-after honoured") << 0 << 3 << 0.0 << qint64(3000);
    QTest::newRow("retry-after 0 waits the backoff") << 0 << 0 << 0.0 << qint64(1000);
    QTest::newRow("retry-after 1 on attempt 2") << 2 << 1 << 0.0 << qint64(4000);
    QTest::newRow("retry-after negative = absent") << 0 << -5 << 0.0 << qint64(1000);
    QTest::newRow("retry-after INT_MIN+1") << 0 << (INT_MIN + 1) << 0.0 << qint64(1000);
    QTest::newRow("retry-after past the longest wait") << 0 << 121 << 0.0 << qint64(-1);
    QTest::newRow("retry-after INT_MAX") << 0 << INT_MAX << 0.0 << qint64(-1);
    QTest::newRow("last attempt") << 4 << INT_MIN << 0.0 << qint64(-1);
    QTest::newRow("attempt INT_MAX") << INT_MAX << INT_MIN << 0.0 << qint64(-1);
    QTest::newRow("negative attempt") << -3 << INT_MIN << 0.0 << qint64(1000);
    QTest::newRow("jitter nan") << 0 << INT_MIN << nan << qint64(1000);
    QTest::newRow("jitter inf") << 0 << INT_MIN << inf << qint64(1250);
    QTest::newRow("jitter negative") << 0 << INT_MIN << -1e300 << qint64(1000);
}

void TestRetryAfter::policyDelay()
{
    QFETCH(int, attempt);
    QFETCH(int, retryAfter);
    QFETCH(double, jitter);
    QFETCH(qint64, expected);
    const RetryPolicy policy;
    const std::optional<int> ra = retryAfter == INT_MIN ? std::nullopt : std::optional<int>(retryAfter);
    QCOMPARE(policy.delayBeforeRetry(attempt, ra, jitter).value_or(-1), expected);
}

void TestRetryAfter::chatPostWithBogusRetryAfter_data()
{
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::newRow("99999999999") << "99999999999"_ba;
    QTest::newRow("1e400") << "1e400"_ba;
    QTest::newRow("inf") << "inf"_ba;
    QTest::newRow("nan") << "nan"_ba;
    QTest::newRow("-1") << "-1"_ba;
    QTest::newRow("year 9999") << "Fri, 31 Dec 9999 23:59:59 GMT"_ba;
}

void TestRetryAfter::chatPostWithBogusRetryAfter()
{
    QFETCH(QByteArray, retryAfter);
    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setResponse(429, "application/json", R"({"error":{"message":"slow down","code":429}})",
                       {{"Retry-After", retryAfter}});
    QNetworkAccessManager nam;
    ManualClock clock;
    ApiClient client(&nam, nullptr, &clock);
    client.setBaseUrl(server.baseUrl());
    client.setKeys(kKey);
    ChatRequest req;
    req.model = u"openai/gpt-5.4-mini"_s;
    req.messages = {{u"user"_s, u"Once, please."_s}};
    ChatStream stream(&client, req);
    stream.start();
    for (int guard = 0; guard < 10 && !stream.isFinished(); ++guard) {
        QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished() || clock.pendingCount() > 0, 10000);
        if (clock.pendingCount() > 0) {
            // A retry the stream schedules is never "at once".
            QVERIFY2(clock.nextDueInMs() >= 250, qPrintable(QString::number(clock.nextDueInMs())));
            clock.advance(clock.nextDueInMs());
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(stream.isFinished(), 10000);
    QVERIFY(stream.error().isError());
    verifyUserText(stream.error().userMessage());
    for (qint64 d : clock.scheduledDelays())
        QVERIFY2(d >= 250, qPrintable(QString::number(d)));
}

void TestRetryAfter::getWithBogusRetryAfter_data()
{
    chatPostWithBogusRetryAfter_data();
}

void TestRetryAfter::getWithBogusRetryAfter()
{
    QFETCH(QByteArray, retryAfter);
    test::LoopbackHttpServer server;
    QVERIFY(server.listen());
    server.setResponse(429, "application/json", R"({"error":{"message":"slow down","code":429}})",
                       {{"Retry-After", retryAfter}});
    QNetworkAccessManager nam;
    ManualClock clock;
    ApiClient client(&nam, nullptr, &clock);
    client.setBaseUrl(server.baseUrl());
    client.setKeys(kKey);
    ApiReply* reply = client.get(u"/models"_s, KeyRole::Inference);
    bool done = false;
    ApiError error;
    connect(reply, &ApiReply::finished, this, [&] {
        done = true;
        error = reply->error();
    });
    for (int guard = 0; guard < 10 && !done; ++guard) {
        QTRY_VERIFY_WITH_TIMEOUT(done || clock.pendingCount() > 0, 10000);
        if (clock.pendingCount() > 0) {
            QVERIFY2(clock.nextDueInMs() >= RetryPolicy().baseDelayMs,
                     qPrintable(QString::number(clock.nextDueInMs())));
            clock.advance(clock.nextDueInMs());
        }
    }
    QVERIFY(done);
    QVERIFY(error.isError());
    QVERIFY(server.requestCount() <= RetryPolicy().maxAttempts);
    verifyUserText(error.userMessage());
}

QTEST_GUILESS_MAIN(TestRetryAfter)
#include "TestRetryAfter.moc"
