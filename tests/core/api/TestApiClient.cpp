// TestApiClient: the one request factory against the simulator over real loopback HTTP — auth and
// attribution headers on every request, key roles, GET retries (429 with Retry-After, 5xx with
// exponential backoff + jitter, bounded attempts) on a ManualClock, no retries for other 4xx or for
// POST, rate-limit header capture, oversized bodies, refused connections, abort, and no key in logs.
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/api/ApiClient.h"
#include "core/api/ChatStream.h"
#include "sim/SimKeys.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// What an ApiReply finished with; read inside finished() because the reply deletes itself.
struct Outcome
{
    bool done = false;
    bool ok = false;
    int status = 0;
    int attempts = 0;
    QByteArray body;
    ApiError error;
    int finishedCount = 0;
};

std::shared_ptr<Outcome> watch(ApiReply* reply)
{
    auto o = std::make_shared<Outcome>();
    QObject::connect(reply, &ApiReply::finished, reply, [o, reply] {
        ++o->finishedCount;
        o->done = true;
        o->ok = reply->isOk();
        o->status = reply->httpStatus();
        o->attempts = reply->attempts();
        o->body = reply->body();
        o->error = reply->error();
    });
    return o;
}

QByteArray headerValue(const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& name)
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

bool hasHeader(const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& name)
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Log capture for the "no secret in any log line" test.
QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext& ctx, const QString& msg)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(QString::fromLatin1(ctx.category ? ctx.category : "default") + u": "_s + msg);
    }
    Q_UNUSED(type)
}

// Enables every level of every anyrouter.* category, whatever QT_LOGGING_RULES says (CTest sets
// *.debug=false, which would otherwise make the leak check vacuous).
void enableAnyRouterCategories(QLoggingCategory* category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrncmp(category->categoryName(), "anyrouter", 9) == 0) {
        category->setEnabled(QtDebugMsg, true);
        category->setEnabled(QtInfoMsg, true);
        category->setEnabled(QtWarningMsg, true);
        category->setEnabled(QtCriticalMsg, true);
    }
}

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void attributionHeaders_data();
    void attributionHeaders();
    void keyRoles();
    void retriesOn429HonouringRetryAfter();
    void retriesOn5xxWithBackoff_data();
    void retriesOn5xxWithBackoff();
    void retryStopsWhenFaultClears();
    void noRetryOn4xx_data();
    void noRetryOn4xx();
    void postNeverRetried_data();
    void postNeverRetried();
    void rateLimitCaptured();
    void oversizedResponse();
    void connectionRefused();
    void abortIsCancelled();
    void abortDuringRetryWait();
    void keyNeverLogged();

private:
    std::unique_ptr<ApiClient> makeClient(Clock* clock = nullptr);
    std::shared_ptr<Outcome> run(ApiReply* reply, int timeoutMs = 15000);

    QNetworkAccessManager* m_nam = nullptr;
    test::SimFixture m_sim;
};

void TestApiClient::initTestCase()
{
    anyrouter::test::initHermeticEnvironment();
}

void TestApiClient::init()
{
    // A fresh manager and simulator per test: no pooled connection or fault counter leaks over.
    m_nam = new QNetworkAccessManager(this);
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

void TestApiClient::cleanup()
{
    m_sim.stop();
    delete m_nam;
    m_nam = nullptr;
}

std::unique_ptr<ApiClient> TestApiClient::makeClient(Clock* clock)
{
    auto client = std::make_unique<ApiClient>(m_nam, nullptr, clock);
    client->setBaseUrl(m_sim.baseUrl());
    client->setKeys(sim::fullKey());
    return client;
}

std::shared_ptr<Outcome> TestApiClient::run(ApiReply* reply, int timeoutMs)
{
    auto o = watch(reply);
    if (!QTest::qWaitFor([&] { return o->done; }, timeoutMs))
        qWarning("request did not finish in %d ms", timeoutMs);
    return o;
}

void TestApiClient::attributionHeaders_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("role");
    QTest::newRow("GET /models") << "GET"_ba << u"/models"_s << int(KeyRole::Inference);
    QTest::newRow("GET /models/count") << "GET"_ba << u"/models/count"_s << int(KeyRole::Inference);
    QTest::newRow("GET /credits") << "GET"_ba << u"/credits"_s << int(KeyRole::Management);
    QTest::newRow("GET /keys") << "GET"_ba << u"/keys"_s << int(KeyRole::Management);
    QTest::newRow("POST /chat/completions") << "POST"_ba << u"/chat/completions"_s << int(KeyRole::Inference);
    QTest::newRow("DELETE /keys/unknown") << "DELETE"_ba << u"/keys/unknown"_s << int(KeyRole::Management);
}

void TestApiClient::attributionHeaders()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(int, role);

    auto client = makeClient();
    Attribution a;
    a.title = u"Api Tests Title"_s;
    a.source = u"desktop"_s;
    a.version = u"9.8.7"_s;
    client->setAttribution(a);
    const QJsonObject chatBody{{u"model"_s, u"openai/gpt-5.4-mini"_s},
                               {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                      {u"content"_s, u"hi [[tokens=3]]"_s}}}},
                               {u"stream"_s, false}};
    ApiReply* reply =
        verb == "GET" ? client->get(path, KeyRole(role))
                      : client->send(verb, path, KeyRole(role), verb == "POST" ? chatBody : QJsonObject());
    const auto o = run(reply);
    QVERIFY(o->done);
    QVERIFY2(o->status > 0, qPrintable(o->error.userMessage()));

    const auto headers = m_sim.server()->lastRequestHeaders(path);
    QVERIFY(!headers.isEmpty());
    QCOMPARE(headerValue(headers, "Authorization"), "Bearer "_ba + sim::fullKey().toUtf8());
    QCOMPARE(headerValue(headers, "X-AnyRouter-Title"), "Api Tests Title"_ba);
    QCOMPARE(headerValue(headers, "X-AnyRouter-Source"), "desktop"_ba);
    QCOMPARE(headerValue(headers, "X-AnyRouter-Version"), "9.8.7"_ba);
    QVERIFY(!headerValue(headers, "HTTP-Referer").isEmpty());

    // The defaults name the app and its build version.
    auto plain = makeClient();
    run(plain->get(u"/models/count"_s, KeyRole::Inference));
    const auto defaults = m_sim.server()->lastRequestHeaders(u"/models/count"_s);
    QCOMPARE(headerValue(defaults, "X-AnyRouter-Title"), "AnyRouter Desktop"_ba);
    QCOMPARE(headerValue(defaults, "X-AnyRouter-Source"), "desktop"_ba);
    QCOMPARE(headerValue(defaults, "X-AnyRouter-Version"), QByteArray(ANYROUTER_VERSION));
}

void TestApiClient::keyRoles()
{
    auto client = makeClient();
    client->setKeys(sim::inferenceKey(), sim::managementKey());

    auto o = run(client->get(u"/credits"_s, KeyRole::Management));
    QVERIFY2(o->ok, qPrintable(o->error.userMessage()));
    QCOMPARE(headerValue(m_sim.server()->lastRequestHeaders(u"/credits"_s), "Authorization"),
             "Bearer "_ba + sim::managementKey().toUtf8());

    o = run(client->get(u"/models/count"_s, KeyRole::Inference));
    QVERIFY2(o->ok, qPrintable(o->error.userMessage()));
    QCOMPARE(headerValue(m_sim.server()->lastRequestHeaders(u"/models/count"_s), "Authorization"),
             "Bearer "_ba + sim::inferenceKey().toUtf8());
    QVERIFY(!client->keyLabel(KeyRole::Management).contains(sim::managementKey()));
    QVERIFY(!client->keyLabel(KeyRole::Inference).isEmpty());

    // Without a management key, management requests use the inference key (a key with the Key
    // Management permission suffices, reference §8).
    client->setKeys(sim::fullKey());
    o = run(client->get(u"/credits"_s, KeyRole::Management));
    QVERIFY2(o->ok, qPrintable(o->error.userMessage()));
    QCOMPARE(headerValue(m_sim.server()->lastRequestHeaders(u"/credits"_s), "Authorization"),
             "Bearer "_ba + sim::fullKey().toUtf8());

    // KeyRole::None sends no credential at all (device login, health).
    o = run(client->get(u"/health"_s, KeyRole::None));
    QVERIFY2(o->ok, qPrintable(o->error.userMessage()));
    QVERIFY(!hasHeader(m_sim.server()->lastRequestHeaders(u"/health"_s), "Authorization"));
    QVERIFY(hasHeader(m_sim.server()->lastRequestHeaders(u"/health"_s), "X-AnyRouter-Title"));
}

void TestApiClient::retriesOn429HonouringRetryAfter()
{
    ManualClock clock;
    auto client = makeClient(&clock);
    client->setExtraHeaders({{"X-Sim-Fault", "429;retry_after=3;count=2"}});
    auto o = watch(client->get(u"/models/count"_s, KeyRole::Inference));

    QTRY_COMPARE(clock.pendingCount(), 1);
    QCOMPARE(m_sim.server()->requestCount(u"/models/count"_s), 1);
    QCOMPARE(clock.scheduledDelays(), QList<qint64>{3000});
    clock.advance(2999); // Retry-After is honoured exactly: not a millisecond early
    QCOMPARE(clock.pendingCount(), 1);
    QVERIFY(!o->done);
    clock.advance(1);
    QTRY_COMPARE(m_sim.server()->requestCount(u"/models/count"_s), 2);
    QTRY_COMPARE(clock.pendingCount(), 1);
    QCOMPARE(clock.scheduledDelays(), (QList<qint64>{3000, 3000}));
    clock.advance(3000);
    QTRY_VERIFY(o->done);
    QVERIFY2(o->ok, qPrintable(o->error.userMessage()));
    QCOMPARE(o->attempts, 3);
    QCOMPARE(o->status, 200);
    QCOMPARE(m_sim.server()->requestCount(u"/models/count"_s), 3);
    QCOMPARE(clock.pendingCount(), 0);
    QCOMPARE(o->finishedCount, 1);
}

void TestApiClient::retriesOn5xxWithBackoff_data()
{
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<int>("maxAttempts");
    QTest::addColumn<QString>("category");
    QTest::newRow("500 x5") << "500"_ba << 5 << u"server"_s;
    QTest::newRow("502 x5") << "502"_ba << 5 << u"upstream"_s;
    QTest::newRow("503 x5") << "503"_ba << 5 << u"upstream"_s;
    QTest::newRow("502 x3") << "502"_ba << 3 << u"upstream"_s;
    QTest::newRow("500 x1") << "500"_ba << 1 << u"server"_s;
}

void TestApiClient::retriesOn5xxWithBackoff()
{
    QFETCH(QByteArray, fault);
    QFETCH(int, maxAttempts);
    QFETCH(QString, category);

    ManualClock clock;
    auto client = makeClient(&clock);
    RetryPolicy policy;
    policy.maxAttempts = maxAttempts;
    client->setRetryPolicy(policy);
    client->setJitterSeed(7);
    client->setExtraHeaders({{"X-Sim-Fault", fault}});
    auto o = watch(client->get(u"/models/count"_s, KeyRole::Inference));

    qint64 jitterSum = 0;
    for (int i = 0; i < maxAttempts - 1; ++i) {
        QTRY_COMPARE(clock.pendingCount(), 1);
        QCOMPARE(m_sim.server()->requestCount(u"/models/count"_s), i + 1);
        QVERIFY(!o->done);
        const qint64 delay = clock.scheduledDelays().at(i);
        const qint64 base = std::min<qint64>(policy.baseDelayMs << i, policy.maxDelayMs);
        QVERIFY2(delay >= base && delay < base + policy.jitterMs,
                 qPrintable(u"attempt %1: delay %2 outside [%3, %4)"_s.arg(i).arg(delay).arg(base).arg(
                     base + policy.jitterMs)));
        jitterSum += delay - base;
        clock.advance(delay);
    }
    QTRY_VERIFY(o->done);
    QVERIFY(!o->ok);
    QCOMPARE(ApiError::categoryName(o->error.category()), category);
    QCOMPARE(o->error.httpStatus(), fault.toInt());
    QCOMPARE(o->attempts, maxAttempts);
    QCOMPARE(m_sim.server()->requestCount(u"/models/count"_s), maxAttempts);
    QCOMPARE(clock.pendingCount(), 0);
    QCOMPARE(clock.scheduledDelays().size(), maxAttempts - 1);
    if (maxAttempts >= 4)
        QVERIFY2(jitterSum > 0, "no jitter was added to any backoff delay");
    QCOMPARE(o->finishedCount, 1);
}

void TestApiClient::retryStopsWhenFaultClears()
{
    ManualClock clock;
    auto client = makeClient(&clock);
    client->setExtraHeaders({{"X-Sim-Fault", "503;count=2"}});
    auto o = watch(client->get(u"/models/count"_s, KeyRole::Inference));
    for (int i = 0; i < 2; ++i) {
        QTRY_COMPARE(clock.pendingCount(), 1);
        clock.advance(clock.nextDueInMs());
    }
    QTRY_VERIFY(o->done);
    QVERIFY2(o->ok, qPrintable(o->error.userMessage()));
    QCOMPARE(o->attempts, 3);
    QVERIFY(o->body.contains("count"));
}

void TestApiClient::noRetryOn4xx_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("category");
    QTest::newRow("400 missing generation id")
        << sim::fullKey() << u"/generation"_s << QByteArray() << 400 << u"invalid_request"_s;
    QTest::newRow("401 bad key") << u"sk-ar-v1-not-a-real-key-1234"_s << u"/models/count"_s << QByteArray()
                                 << 401 << u"auth"_s;
    QTest::newRow("401 fault") << sim::fullKey() << u"/models/count"_s << "401"_ba << 401 << u"auth"_s;
    QTest::newRow("402 fault") << sim::fullKey() << u"/models/count"_s << "402"_ba << 402
                               << u"insufficient_credits"_s;
    QTest::newRow("403 inference key on /keys")
        << sim::inferenceKey() << u"/keys"_s << QByteArray() << 403 << u"permission"_s;
    QTest::newRow("404 unknown model")
        << sim::fullKey() << u"/models/nobody%2Fnothing-9"_s << QByteArray() << 404 << u"not_found"_s;
}

void TestApiClient::noRetryOn4xx()
{
    QFETCH(QString, key);
    QFETCH(QString, path);
    QFETCH(QByteArray, fault);
    QFETCH(int, status);
    QFETCH(QString, category);

    ManualClock clock;
    auto client = makeClient(&clock);
    client->setKeys(key);
    if (!fault.isEmpty())
        client->setExtraHeaders({{"X-Sim-Fault", fault}});
    const auto o = run(client->get(path, KeyRole::Management));
    QVERIFY(o->done);
    QVERIFY(!o->ok);
    QCOMPARE(o->status, status);
    QCOMPARE(ApiError::categoryName(o->error.category()), category);
    QVERIFY(!o->error.isRetryable());
    QCOMPARE(o->attempts, 1);
    QCOMPARE(clock.pendingCount(), 0);
    QVERIFY(clock.scheduledDelays().isEmpty());
    QCOMPARE(m_sim.server()->requestCount(path.section(u'%', 0, 0)), 1);
}

void TestApiClient::postNeverRetried_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("fault");
    QTest::addColumn<QString>("category");
    QTest::newRow("POST chat 503") << "POST"_ba << u"/chat/completions"_s << "503"_ba << u"upstream"_s;
    QTest::newRow("POST chat 500") << "POST"_ba << u"/chat/completions"_s << "500"_ba << u"server"_s;
    QTest::newRow("POST chat 429") << "POST"_ba << u"/chat/completions"_s << "429;retry_after=1"_ba
                                   << u"rate_limited"_s;
    QTest::newRow("POST keys 502") << "POST"_ba << u"/keys"_s << "502"_ba << u"upstream"_s;
    QTest::newRow("PATCH keys 503") << "PATCH"_ba << u"/keys/abc"_s << "503"_ba << u"upstream"_s;
    QTest::newRow("DELETE keys 500") << "DELETE"_ba << u"/keys/abc"_s << "500"_ba << u"server"_s;
}

void TestApiClient::postNeverRetried()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);
    QFETCH(QByteArray, fault);
    QFETCH(QString, category);

    ManualClock clock;
    auto client = makeClient(&clock);
    client->setExtraHeaders({{"X-Sim-Fault", fault}});
    QJsonObject body;
    if (path == u"/chat/completions")
        body = QJsonObject{
            {u"model"_s, u"openai/gpt-5.4-mini"_s},
            {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, u"hello"_s}}}},
            {u"stream"_s, false}};
    else if (verb != "DELETE")
        body = QJsonObject{{u"name"_s, u"x"_s}};
    const auto o = run(client->send(verb, path, KeyRole::Management, body));
    QVERIFY(o->done);
    QVERIFY(!o->ok);
    QCOMPARE(ApiError::categoryName(o->error.category()), category);
    QVERIFY(o->error.isRetryable()); // retryable in principle, yet not retried: not idempotent
    QCOMPARE(o->attempts, 1);
    QCOMPARE(clock.pendingCount(), 0);
    QCOMPARE(m_sim.server()->requestCount(path), 1);
}

void TestApiClient::rateLimitCaptured()
{
    sim::SimConfig config = test::SimFixture::fastConfig();
    config.rateLimitPerMinute = 4;
    QVERIFY(m_sim.start(config));
    auto client = makeClient();
    client->setRetryPolicy(RetryPolicy::none());
    QSignalSpy spy(client.get(), &ApiClient::rateLimitChanged);
    QVERIFY(!client->rateLimit().isValid());

    auto o = run(client->get(u"/models/count"_s, KeyRole::Inference));
    QVERIFY(o->ok);
    QCOMPARE(spy.count(), 1);
    RateLimitInfo info = client->rateLimit();
    QCOMPARE(info.limit.value_or(-1), 4);
    QCOMPARE(info.remaining.value_or(-1), 3);
    QVERIFY(info.resetAt.isValid());
    QVERIFY(info.resetAt > QDateTime::currentDateTimeUtc().addSecs(-1));
    QVERIFY(info.resetAt <= QDateTime::currentDateTimeUtc().addSecs(61));
    QCOMPARE(spy.at(0).at(0).value<RateLimitInfo>().remaining.value_or(-1), 3);

    for (int i = 0; i < 3; ++i)
        QVERIFY(run(client->get(u"/models/count"_s, KeyRole::Inference))->ok);
    QCOMPARE(spy.count(), 4);
    QCOMPARE(client->rateLimit().remaining.value_or(-1), 0);

    // The fifth request in the window is refused with 429 + Retry-After; the headers still count.
    o = run(client->get(u"/models/count"_s, KeyRole::Inference));
    QVERIFY(!o->ok);
    QCOMPARE(o->status, 429);
    QCOMPARE(o->error.category(), ApiError::Category::RateLimited);
    QVERIFY(o->error.retryAfterSeconds().has_value());
    QVERIFY(*o->error.retryAfterSeconds() > 0 && *o->error.retryAfterSeconds() <= 60);
    QVERIFY(o->error.userMessage().contains(QString::number(*o->error.retryAfterSeconds())));
    QCOMPARE(spy.count(), 5);
    QCOMPARE(client->rateLimit().remaining.value_or(-1), 0);
}

void TestApiClient::oversizedResponse()
{
    auto client = makeClient();
    auto o = run(client->get(u"/models"_s, KeyRole::Inference));
    QVERIFY2(o->ok, qPrintable(o->error.userMessage()));
    const qsizetype fullSize = o->body.size();
    QVERIFY2(fullSize > 32 * 1024, "the catalog is expected to be larger than the test's limit");

    ManualClock clock;
    auto bounded = makeClient(&clock);
    bounded->setMaxResponseBytes(16 * 1024);
    o = run(bounded->get(u"/models"_s, KeyRole::Inference));
    QVERIFY(o->done);
    QVERIFY(!o->ok);
    QCOMPARE(o->error.category(), ApiError::Category::BadResponse);
    QVERIFY(o->body.size() <= 16 * 1024);
    QCOMPARE(o->attempts, 1); // a too-large answer will be too large again
    QCOMPARE(clock.pendingCount(), 0);
}

void TestApiClient::connectionRefused()
{
    quint16 deadPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        deadPort = probe.serverPort();
    } // closed: nothing listens there now

    ManualClock clock;
    auto client = makeClient(&clock);
    client->setBaseUrl(QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(deadPort)));
    auto o = watch(client->get(u"/models"_s, KeyRole::Inference));
    for (int i = 0; i < 4; ++i) {
        QTRY_COMPARE(clock.pendingCount(), 1);
        clock.advance(clock.nextDueInMs());
    }
    QTRY_VERIFY(o->done);
    QVERIFY(!o->ok);
    QCOMPARE(o->error.category(), ApiError::Category::Network);
    QCOMPARE(o->status, 0);
    QCOMPARE(o->attempts, 5);
    QVERIFY(!o->error.userMessage().isEmpty());

    client->setRetryPolicy(RetryPolicy::none());
    o = run(client->get(u"/models"_s, KeyRole::Inference));
    QCOMPARE(o->error.category(), ApiError::Category::Network);
    QCOMPARE(o->attempts, 1);
}

void TestApiClient::abortIsCancelled()
{
    auto client = makeClient();
    ApiReply* reply = client->get(u"/models"_s, KeyRole::Inference);
    auto o = watch(reply);
    reply->abort();
    QCOMPARE(o->finishedCount, 1); // synchronously
    QCOMPARE(o->error.category(), ApiError::Category::Cancelled);
    QVERIFY(!o->error.isRetryable());
    // The reply cleans itself up and nothing else arrives.
    QPointer<ApiReply> guard(reply);
    QTRY_VERIFY(guard.isNull());
    QCOMPARE(o->finishedCount, 1);
    QCOMPARE(o->error.category(), ApiError::Category::Cancelled);
}

void TestApiClient::abortDuringRetryWait()
{
    ManualClock clock;
    auto client = makeClient(&clock);
    client->setExtraHeaders({{"X-Sim-Fault", "503"}});
    ApiReply* reply = client->get(u"/models/count"_s, KeyRole::Inference);
    QPointer<ApiReply> guard(reply);
    auto o = watch(reply);
    QTRY_COMPARE(clock.pendingCount(), 1);
    reply->abort();
    QCOMPARE(o->finishedCount, 1);
    QCOMPARE(o->error.category(), ApiError::Category::Cancelled);
    clock.advance(60000);
    QTRY_VERIFY(guard.isNull()); // the reply cleaned itself up
    QCOMPARE(m_sim.server()->requestCount(u"/models/count"_s), 1);
    QCOMPARE(o->finishedCount, 1);
}

void TestApiClient::keyNeverLogged()
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.clear();
    }
    g_previousHandler = qInstallMessageHandler(captureMessage);
    QLoggingCategory::setFilterRules(u"anyrouter.*=true"_s);
    g_previousFilter = QLoggingCategory::installFilter(enableAnyRouterCategories);
    auto restore = qScopeGuard([] {
        QLoggingCategory::installFilter(g_previousFilter);
        qInstallMessageHandler(g_previousHandler);
        QLoggingCategory::setFilterRules(QString());
    });

    const QString bogusKey = u"sk-ar-v1-LEAKCANARY-7f3a9c2e5b1d"_s;
    ManualClock clock;
    auto client = makeClient(&clock);
    client->setKeys(sim::inferenceKey(), sim::managementKey());

    QVERIFY(run(client->get(u"/models"_s, KeyRole::Inference))->ok);
    QVERIFY(run(client->get(u"/credits"_s, KeyRole::Management))->ok);
    auto created =
        run(client->send("POST", u"/keys"_s, KeyRole::Management, QJsonObject{{u"name"_s, u"log-test"_s}}));
    QVERIFY2(created->ok, qPrintable(created->error.userMessage()));
    const QString newSecret = QJsonDocument::fromJson(created->body).object().value(u"key"_s).toString();
    QVERIFY(!newSecret.isEmpty());

    // A retried request, so the retry log lines are produced too.
    client->setExtraHeaders({{"X-Sim-Fault", "503;count=1"}});
    auto retried = watch(client->get(u"/models/count"_s, KeyRole::Inference));
    QTRY_COMPARE(clock.pendingCount(), 1);
    clock.advance(clock.nextDueInMs());
    QTRY_VERIFY(retried->done);
    QVERIFY(retried->ok);
    client->setExtraHeaders({});

    // A rejected key and a streamed chat with the new key.
    client->setKeys(bogusKey);
    QCOMPARE(run(client->get(u"/models/count"_s, KeyRole::Inference))->status, 401);
    client->setKeys(newSecret);
    ChatRequest req;
    req.model = u"openai/gpt-5.4-mini"_s;
    req.messages = {{u"user"_s, u"Say something [[tokens=8]]"_s}};
    ChatStream stream(client.get(), req);
    QSignalSpy finished(&stream, &ChatStream::finished);
    stream.start();
    QVERIFY(finished.wait(15000));
    QCOMPARE(int(stream.state()), int(ChatStream::State::Completed));

    QStringList log;
    {
        QMutexLocker lock(&g_logMutex);
        log = g_log;
    }

    // The check is only meaningful if the service layer actually logged these requests.
    QVERIFY2(log.size() >= 5, qPrintable(log.join(u'\n')));
    QVERIFY2(log.join(u'\n').contains(u"/models"_s), qPrintable(log.join(u'\n')));
    QVERIFY2(log.join(u'\n').contains(u"retrying"_s), qPrintable(log.join(u'\n')));
    const QStringList secrets{sim::inferenceKey(), sim::managementKey(), sim::fullKey(), bogusKey, newSecret};
    for (const QString& line : std::as_const(log)) {
        for (const QString& secret : secrets)
            QVERIFY2(!line.contains(secret), qPrintable(u"secret leaked in log line: "_s + line));
    }
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "TestApiClient.moc"
