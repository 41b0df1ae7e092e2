// TestApiError: ApiError built from every error-envelope variant the API reference (§12) lists —
// object with string code, OpenRouter numeric code + metadata, error as a plain string, OAuth
// {error, error_description}, no body, HTML and plain-text bodies, 402/413/499, mid-stream error
// values — and from transport failures. Checks category, code, message, retryability and that the
// user-facing sentence is non-empty, names the status and (for 429) the Retry-After seconds.
#include "TestSupport.h"
#include "core/api/ApiError.h"
#include "core/api/RateLimitInfo.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::ApiError::Category)

class TestApiError : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { anyrouter::test::initHermeticEnvironment(); }

    void envelopes_data();
    void envelopes();
    void statusTable_data();
    void statusTable();
    void networkErrors_data();
    void networkErrors();
    void retryAfterParsing_data();
    void retryAfterParsing();
    void categoryNamesAreDistinct();
    void plainTextBodyIsBounded();
};

using Cat = ApiError::Category;

void TestApiError::envelopes_data()
{
    QTest::addColumn<int>("status");      // 200 for a mid-stream error value
    QTest::addColumn<QByteArray>("body"); // HTTP body, or the SSE data payload for mid-stream cases
    QTest::addColumn<bool>("midStream");  // body is an SSE chunk carrying "error"
    QTest::addColumn<int>("retryAfter");  // -1: no Retry-After header
    QTest::addColumn<Cat>("category");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("message"); // expected serverMessage() exactly
    QTest::addColumn<QString>("provider");
    QTest::addColumn<bool>("retryable");
    QTest::addColumn<QStringList>("mentions");    // substrings userMessage() must contain
    QTest::addColumn<QStringList>("notMentions"); // substrings it must not contain

    const QStringList noHtml{u"<"_s, u"%n"_s, u"%1"_s};

    // The documented AnyRouter envelope with a string code (reference example).
    QTest::newRow("object/string-code 429 + Retry-After")
        << 429
        << R"({"error":{"message":"Rate limit exceeded for model anthropic/claude-sonnet-4.6","type":"rate_limit_error","code":"rate_limited","param":null}})"_ba
        << false << 12 << Cat::RateLimited << u"rate_limited"_s << u"rate_limit_error"_s
        << u"Rate limit exceeded for model anthropic/claude-sonnet-4.6"_s << QString() << true
        << QStringList{u"429"_s, u"12 second"_s, u"Rate limit exceeded"_s} << noHtml;
    QTest::newRow("object/string-code 429 without Retry-After")
        << 429
        << R"({"error":{"message":"Slow down","type":"rate_limit_error","code":"rate_limited","param":null}})"_ba
        << false << -1 << Cat::RateLimited << u"rate_limited"_s << u"rate_limit_error"_s << u"Slow down"_s
        << QString() << true << QStringList{u"429"_s, u"Slow down"_s} << (noHtml + QStringList{u"second"_s});
    QTest::newRow("object/string-code 400")
        << 400
        << R"({"error":{"message":"messages must not be empty","type":"invalid_request_error","code":"invalid_request","param":"messages"}})"_ba
        << false << -1 << Cat::InvalidRequest << u"invalid_request"_s << u"invalid_request_error"_s
        << u"messages must not be empty"_s << QString() << false
        << QStringList{u"400"_s, u"messages must not be empty"_s} << noHtml;
    QTest::newRow("object/string-code 401")
        << 401
        << R"({"error":{"message":"Invalid API key","type":"authentication_error","code":"invalid_api_key","param":null}})"_ba
        << false << -1 << Cat::Auth << u"invalid_api_key"_s << u"authentication_error"_s
        << u"Invalid API key"_s << QString() << false << QStringList{u"401"_s, u"key"_s} << noHtml;
    QTest::newRow("object/string-code 403")
        << 403
        << R"({"error":{"message":"This key lacks the Key Management permission","type":"permission_error","code":"permission_denied","param":null}})"_ba
        << false << -1 << Cat::Permission << u"permission_denied"_s << u"permission_error"_s
        << u"This key lacks the Key Management permission"_s << QString() << false
        << QStringList{u"403"_s, u"management key"_s} << noHtml;
    QTest::newRow("object/string-code 404")
        << 404
        << R"({"error":{"message":"Model not found: foo/bar","type":"not_found_error","code":"model_not_found","param":"model"}})"_ba
        << false << -1 << Cat::NotFound << u"model_not_found"_s << u"not_found_error"_s
        << u"Model not found: foo/bar"_s << QString() << false << QStringList{u"404"_s, u"foo/bar"_s}
        << noHtml;
    QTest::newRow("object/string-code 409")
        << 409
        << R"({"error":{"message":"Key predates reveal support","type":"conflict_error","code":"conflict","param":null}})"_ba
        << false << -1 << Cat::Conflict << u"conflict"_s << u"conflict_error"_s
        << u"Key predates reveal support"_s << QString() << false << QStringList{u"409"_s} << noHtml;
    QTest::newRow("object/string-code 422")
        << 422
        << R"({"error":{"message":"temperature out of range","type":"invalid_request_error","code":"invalid_value","param":"temperature"}})"_ba
        << false << -1 << Cat::InvalidRequest << u"invalid_value"_s << u"invalid_request_error"_s
        << u"temperature out of range"_s << QString() << false << QStringList{u"422"_s} << noHtml;
    QTest::newRow("object/string-code 500")
        << 500
        << R"({"error":{"message":"Something broke","type":"internal_server_error","code":"internal_error","param":null}})"_ba
        << false << -1 << Cat::Server << u"internal_error"_s << u"internal_server_error"_s
        << u"Something broke"_s << QString() << true << QStringList{u"500"_s} << noHtml;
    QTest::newRow("object/string-code 502")
        << 502
        << R"({"error":{"message":"Upstream returned 500","type":"upstream_error","code":"upstream_error","param":null}})"_ba
        << false << -1 << Cat::Upstream << u"upstream_error"_s << u"upstream_error"_s
        << u"Upstream returned 500"_s << QString() << true << QStringList{u"502"_s} << noHtml;
    QTest::newRow("object/string-code 503 + Retry-After")
        << 503
        << R"({"error":{"message":"No healthy upstream","type":"service_unavailable","code":"service_unavailable","param":null}})"_ba
        << false << 3 << Cat::Upstream << u"service_unavailable"_s << u"service_unavailable"_s
        << u"No healthy upstream"_s << QString() << true << QStringList{u"503"_s} << noHtml;
    QTest::newRow("object/string-code 504")
        << 504
        << R"({"error":{"message":"Upstream timed out","type":"upstream_timeout","code":"upstream_timeout","param":null}})"_ba
        << false << -1 << Cat::Upstream << u"upstream_timeout"_s << u"upstream_timeout"_s
        << u"Upstream timed out"_s << QString() << true << QStringList{u"504"_s} << noHtml;

    // OpenRouter compatibility: numeric code and metadata.provider_name / metadata.raw.
    QTest::newRow("numeric-code 429 + provider")
        << 429
        << R"({"error":{"code":429,"message":"Provider rate limited","metadata":{"provider_name":"DeepInfra"}}})"_ba
        << false << 7 << Cat::RateLimited << u"429"_s << QString() << u"Provider rate limited"_s
        << u"DeepInfra"_s << true << QStringList{u"429"_s, u"7 second"_s, u"DeepInfra"_s} << noHtml;
    QTest::newRow("numeric-code 502 + provider")
        << 502
        << R"({"error":{"code":502,"message":"Provider returned error","metadata":{"provider_name":"Anthropic","raw":"overloaded"}}})"_ba
        << false << -1 << Cat::Upstream << u"502"_s << QString() << u"Provider returned error"_s
        << u"Anthropic"_s << true << QStringList{u"502"_s, u"Anthropic"_s, u"Provider returned error"_s}
        << noHtml;
    QTest::newRow("numeric-code 400, message only in metadata.raw")
        << 400 << R"({"error":{"code":400,"metadata":{"raw":"bad tool schema"}}})"_ba << false << -1
        << Cat::InvalidRequest << u"400"_s << QString() << u"bad tool schema"_s << QString() << false
        << QStringList{u"400"_s, u"bad tool schema"_s} << noHtml;

    // error as a plain string.
    QTest::newRow("string error 400")
        << 400 << R"({"error":"Invalid model id"})"_ba << false << -1 << Cat::InvalidRequest << QString()
        << QString() << u"Invalid model id"_s << QString() << false
        << QStringList{u"400"_s, u"Invalid model id"_s} << noHtml;
    QTest::newRow("string error code-like 401")
        << 401 << R"({"error":"invalid_token"})"_ba << false << -1 << Cat::Auth << u"invalid_token"_s
        << QString() << u"invalid_token"_s << QString() << false << QStringList{u"401"_s} << noHtml;

    // OAuth style.
    QTest::newRow("oauth invalid_grant 400")
        << 400 << R"({"error":"invalid_grant","error_description":"Code expired"})"_ba << false << -1
        << Cat::InvalidRequest << u"invalid_grant"_s << QString() << u"Code expired"_s << QString() << false
        << QStringList{u"400"_s, u"Code expired"_s} << noHtml;
    QTest::newRow("oauth access_denied 403")
        << 403 << R"({"error":"access_denied","error_description":"The user denied the request"})"_ba << false
        << -1 << Cat::Permission << u"access_denied"_s << QString() << u"The user denied the request"_s
        << QString() << false << QStringList{u"403"_s} << noHtml;
    QTest::newRow("oauth authorization_pending 400 (no description)")
        << 400 << R"({"error":"authorization_pending"})"_ba << false << -1 << Cat::InvalidRequest
        << u"authorization_pending"_s << QString() << u"authorization_pending"_s << QString() << false
        << QStringList{u"400"_s} << noHtml;

    // No body at all.
    QTest::newRow("no body 503") << 503 << QByteArray() << false << -1 << Cat::Upstream << QString()
                                 << QString() << QString() << QString() << true << QStringList{u"HTTP 503"_s}
                                 << noHtml;
    QTest::newRow("no body 500") << 500 << QByteArray() << false << -1 << Cat::Server << QString()
                                 << QString() << QString() << QString() << true << QStringList{u"HTTP 500"_s}
                                 << noHtml;
    QTest::newRow("no body 401") << 401 << QByteArray() << false << -1 << Cat::Auth << QString() << QString()
                                 << QString() << QString() << false << QStringList{u"HTTP 401"_s} << noHtml;
    QTest::newRow("no body 429 + Retry-After")
        << 429 << QByteArray() << false << 30 << Cat::RateLimited << QString() << QString() << QString()
        << QString() << true << QStringList{u"429"_s, u"30 second"_s} << noHtml;

    // A proxy's HTML error page: never shown to the user.
    QTest::newRow("html 502")
        << 502
        << "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
           "Gateway</h1></center><hr><center>nginx</center></body></html>\n"_ba
        << false << -1 << Cat::Upstream << QString() << QString() << QString() << QString() << true
        << QStringList{u"502"_s} << (noHtml + QStringList{u"nginx"_s, u"html"_s});
    QTest::newRow("html 500 with leading whitespace")
        << 500 << "\r\n  <html><body>Internal Server Error</body></html>"_ba << false << -1 << Cat::Server
        << QString() << QString() << QString() << QString() << true << QStringList{u"500"_s} << noHtml;

    // Plain text bodies are shown (bounded).
    QTest::newRow("plain text 503") << 503 << "upstream connect error or disconnect/reset before headers\n"_ba
                                    << false << -1 << Cat::Upstream << QString() << QString()
                                    << u"upstream connect error or disconnect/reset before headers"_s
                                    << QString() << true << QStringList{u"503"_s, u"upstream connect error"_s}
                                    << noHtml;
    QTest::newRow("plain text 400") << 400 << "Bad Request"_ba << false << -1 << Cat::InvalidRequest
                                    << QString() << QString() << u"Bad Request"_s << QString() << false
                                    << QStringList{u"400"_s, u"Bad Request"_s} << noHtml;
    QTest::newRow("json without error key 500")
        << 500 << R"({"message":"database unavailable"})"_ba << false << -1 << Cat::Server << QString()
        << QString() << u"database unavailable"_s << QString() << true
        << QStringList{u"500"_s, u"database unavailable"_s} << noHtml;

    // Statuses outside AnyRouter's table.
    QTest::newRow("402 insufficient credits")
        << 402
        << R"({"error":{"message":"Insufficient credits: balance $0.00","type":"insufficient_credits","code":"insufficient_credits","param":null}})"_ba
        << false << -1 << Cat::InsufficientCredits << u"insufficient_credits"_s << u"insufficient_credits"_s
        << u"Insufficient credits: balance $0.00"_s << QString() << false
        << QStringList{u"402"_s, u"credits"_s, u"Top up"_s} << noHtml;
    QTest::newRow("402 numeric (OpenRouter)")
        << 402 << R"({"error":{"code":402,"message":"Insufficient credits"}})"_ba << false << -1
        << Cat::InsufficientCredits << u"402"_s << QString() << u"Insufficient credits"_s << QString()
        << false << QStringList{u"402"_s} << noHtml;
    QTest::newRow("400 whose code says insufficient credits")
        << 400 << R"({"error":{"message":"Not enough balance","code":"insufficient_credits"}})"_ba << false
        << -1 << Cat::InsufficientCredits << u"insufficient_credits"_s << QString() << u"Not enough balance"_s
        << QString() << false << QStringList{u"400"_s} << noHtml;
    QTest::newRow("413 request too large")
        << 413
        << R"J({"error":{"message":"Input exceeds the context window (210000 > 200000 tokens)","type":"request_too_large","code":"context_length_exceeded","param":"messages"}})J"_ba
        << false << -1 << Cat::InvalidRequest << u"context_length_exceeded"_s << u"request_too_large"_s
        << u"Input exceeds the context window (210000 > 200000 tokens)"_s << QString() << false
        << QStringList{u"413"_s, u"context window"_s} << noHtml;
    QTest::newRow("499 client closed request")
        << 499
        << R"({"error":{"message":"Client closed request","type":"client_closed_request","code":"client_closed_request","param":null}})"_ba
        << false << -1 << Cat::Cancelled << u"client_closed_request"_s << u"client_closed_request"_s
        << u"Client closed request"_s << QString() << false << QStringList{u"499"_s} << noHtml;
    QTest::newRow("408 request timeout")
        << 408 << QByteArray() << false << -1 << Cat::Timeout << QString() << QString() << QString()
        << QString() << true << QStringList{u"408"_s} << noHtml;

    // Mid-stream error values (HTTP status already 200): category from code/type, else Upstream.
    QTest::newRow("mid-stream object upstream_error")
        << 200
        << R"({"id":"chatcmpl-test0003","object":"chat.completion.chunk","error":{"message":"Upstream provider returned 503","type":"upstream_error","code":"upstream_error","param":null},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})"_ba
        << true << -1 << Cat::Upstream << u"upstream_error"_s << u"upstream_error"_s
        << u"Upstream provider returned 503"_s << QString() << true
        << QStringList{u"Upstream provider returned 503"_s} << noHtml;
    QTest::newRow("mid-stream numeric 429 (OpenRouter)")
        << 200
        << R"({"error":{"code":429,"message":"Rate limited upstream","metadata":{"provider_name":"Groq"}}})"_ba
        << true << -1 << Cat::RateLimited << u"429"_s << QString() << u"Rate limited upstream"_s << u"Groq"_s
        << true << QStringList{u"Groq"_s, u"Rate limited upstream"_s} << noHtml;
    QTest::newRow("mid-stream string error")
        << 200 << R"({"error":"The model stopped responding"})"_ba << true << -1 << Cat::Upstream << QString()
        << QString() << u"The model stopped responding"_s << QString() << true
        << QStringList{u"The model stopped responding"_s} << noHtml;
    QTest::newRow("mid-stream insufficient credits")
        << 200
        << R"({"error":{"message":"Out of credits","type":"insufficient_credits","code":"insufficient_credits"}})"_ba
        << true << -1 << Cat::InsufficientCredits << u"insufficient_credits"_s << u"insufficient_credits"_s
        << u"Out of credits"_s << QString() << false << QStringList{u"Out of credits"_s} << noHtml;
    QTest::newRow("mid-stream server_error")
        << 200
        << R"({"error":{"message":"internal failure","type":"server_error","code":"internal_error"}})"_ba
        << true << -1 << Cat::Server << u"internal_error"_s << u"server_error"_s << u"internal failure"_s
        << QString() << true << QStringList{u"internal failure"_s} << noHtml;
}

void TestApiError::envelopes()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, midStream);
    QFETCH(int, retryAfter);
    QFETCH(Cat, category);
    QFETCH(QString, code);
    QFETCH(QString, type);
    QFETCH(QString, message);
    QFETCH(QString, provider);
    QFETCH(bool, retryable);
    QFETCH(QStringList, mentions);
    QFETCH(QStringList, notMentions);

    ApiError e;
    if (midStream) {
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        QVERIFY(doc.isObject());
        e = ApiError::fromErrorValue(doc.object().value(u"error"_s), status);
    } else {
        e = ApiError::fromHttp(status, body, retryAfter >= 0 ? std::optional<int>(retryAfter) : std::nullopt);
    }

    QVERIFY(e.isError());
    QCOMPARE(ApiError::categoryName(e.category()), ApiError::categoryName(category));
    QCOMPARE(e.httpStatus(), status);
    QCOMPARE(e.code(), code);
    QCOMPARE(e.type(), type);
    QCOMPARE(e.serverMessage(), message);
    QCOMPARE(e.providerName(), provider);
    QCOMPARE(e.isRetryable(), retryable);
    if (retryAfter >= 0)
        QCOMPARE(e.retryAfterSeconds().value_or(-1), retryAfter);
    else
        QVERIFY(!e.retryAfterSeconds());

    const QString user = e.userMessage();
    QVERIFY(!user.trimmed().isEmpty());
    for (const QString& m : mentions)
        QVERIFY2(user.contains(m, Qt::CaseInsensitive),
                 qPrintable(u"missing \""_s + m + u"\" in: "_s + user));
    for (const QString& m : notMentions)
        QVERIFY2(!user.contains(m, Qt::CaseInsensitive),
                 qPrintable(u"unexpected \""_s + m + u"\" in: "_s + user));
    // Every HTTP failure names its status, so support questions can be answered from a screenshot.
    if (status >= 400)
        QVERIFY2(user.contains(QString::number(status)), qPrintable(user));
}

void TestApiError::statusTable_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<Cat>("category");
    QTest::addColumn<bool>("retryable");

    // The reference §12 table plus 402/408; "retry only 429 and 5xx, never other 4xx".
    QTest::newRow("400") << 400 << Cat::InvalidRequest << false;
    QTest::newRow("401") << 401 << Cat::Auth << false;
    QTest::newRow("402") << 402 << Cat::InsufficientCredits << false;
    QTest::newRow("403") << 403 << Cat::Permission << false;
    QTest::newRow("404") << 404 << Cat::NotFound << false;
    QTest::newRow("405") << 405 << Cat::InvalidRequest << false;
    QTest::newRow("409") << 409 << Cat::Conflict << false;
    QTest::newRow("413") << 413 << Cat::InvalidRequest << false;
    QTest::newRow("422") << 422 << Cat::InvalidRequest << false;
    QTest::newRow("429") << 429 << Cat::RateLimited << true;
    QTest::newRow("499") << 499 << Cat::Cancelled << false;
    QTest::newRow("500") << 500 << Cat::Server << true;
    QTest::newRow("501") << 501 << Cat::Server << false; // Not Implemented is permanent (RFC 9110)
    QTest::newRow("502") << 502 << Cat::Upstream << true;
    QTest::newRow("503") << 503 << Cat::Upstream << true;
    QTest::newRow("504") << 504 << Cat::Upstream << true;
    QTest::newRow("520") << 520 << Cat::Server << true;
}

void TestApiError::statusTable()
{
    QFETCH(int, status);
    QFETCH(Cat, category);
    QFETCH(bool, retryable);
    QCOMPARE(ApiError::categoryName(ApiError::categoryFromStatus(status)), ApiError::categoryName(category));
    // Whatever envelope comes with it, the status decides retryability.
    const ApiError e = ApiError::fromHttp(status, R"({"error":{"message":"x","type":"t","code":"c"}})"_ba);
    QCOMPARE(ApiError::categoryName(e.category()), ApiError::categoryName(category));
    QCOMPARE(e.isRetryable(), retryable);
}

void TestApiError::networkErrors_data()
{
    QTest::addColumn<QNetworkReply::NetworkError>("code");
    QTest::addColumn<Cat>("category");
    QTest::addColumn<bool>("retryable");
    QTest::newRow("refused") << QNetworkReply::ConnectionRefusedError << Cat::Network << true;
    // Closed without an answer: GETs may retry; ChatStream never resends a prompt on it.
    QTest::newRow("closed") << QNetworkReply::RemoteHostClosedError << Cat::ConnectionClosed << true;
    QTest::newRow("resend refused") << QNetworkReply::ContentReSendError << Cat::ConnectionClosed << true;
    // A retry cannot help these: the name will not resolve, the handshake will fail the same way.
    QTest::newRow("host not found") << QNetworkReply::HostNotFoundError << Cat::NameResolution << false;
    QTest::newRow("tls") << QNetworkReply::SslHandshakeFailedError << Cat::Tls << false;
    QTest::newRow("timeout") << QNetworkReply::TimeoutError << Cat::Timeout << true;
    QTest::newRow("cancelled") << QNetworkReply::OperationCanceledError << Cat::Cancelled << false;
}

void TestApiError::networkErrors()
{
    QFETCH(QNetworkReply::NetworkError, code);
    QFETCH(Cat, category);
    QFETCH(bool, retryable);
    const ApiError e = ApiError::fromNetworkError(code, u"Qt says something"_s);
    QCOMPARE(ApiError::categoryName(e.category()), ApiError::categoryName(category));
    QCOMPARE(e.isRetryable(), retryable);
    QCOMPARE(e.httpStatus(), 0);
    QVERIFY(!e.userMessage().isEmpty());
}

void TestApiError::retryAfterParsing_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("expected"); // -1: none
    QTest::newRow("empty") << QByteArray() << -1;
    QTest::newRow("seconds") << "12"_ba << 12;
    QTest::newRow("seconds padded") << "  7 "_ba << 7;
    QTest::newRow("fraction rounds up") << "1.2"_ba << 2;
    QTest::newRow("zero") << "0"_ba << 0;
    QTest::newRow("negative is absent") << "-5"_ba << -1; // bogus: the backoff applies (TestRetryAfter)
    QTest::newRow("http date +90s") << "Thu, 01 Jan 2026 00:01:30 GMT"_ba << 90;
    QTest::newRow("http date in the past") << "Wed, 31 Dec 2025 23:00:00 GMT"_ba << 0;
    QTest::newRow("garbage") << "soon"_ba << -1;
}

void TestApiError::retryAfterParsing()
{
    QFETCH(QByteArray, header);
    QFETCH(int, expected);
    const qint64 now = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    const std::optional<int> got = parseRetryAfter(header, now);
    QCOMPARE(got.value_or(-1), expected);
}

void TestApiError::categoryNamesAreDistinct()
{
    QSet<QString> names;
    const Cat all[] = {Cat::None,
                       Cat::Auth,
                       Cat::Permission,
                       Cat::NotFound,
                       Cat::InvalidRequest,
                       Cat::Conflict,
                       Cat::RateLimited,
                       Cat::InsufficientCredits,
                       Cat::Upstream,
                       Cat::Server,
                       Cat::Network,
                       Cat::Timeout,
                       Cat::Cancelled,
                       Cat::BadResponse,
                       Cat::ConnectionClosed,
                       Cat::NameResolution,
                       Cat::Tls,
                       Cat::InsecureTransport,
                       Cat::StreamCutOff,
                       Cat::Redirect};
    for (Cat c : all)
        names.insert(ApiError::categoryName(c));
    QCOMPARE(names.size(), int(std::size(all)));
    // A non-error has no user message; every error has one.
    QVERIFY(ApiError().userMessage().isEmpty());
    for (Cat c : all) {
        if (c != Cat::None)
            QVERIFY(!ApiError(c, QString()).userMessage().isEmpty());
    }
}

void TestApiError::plainTextBodyIsBounded()
{
    const QByteArray body = QByteArray(100000, 'x');
    const ApiError e = ApiError::fromHttp(500, body);
    QVERIFY(!e.serverMessage().isEmpty());
    QVERIFY(e.serverMessage().size() <= 300);
    QVERIFY(e.userMessage().size() < 1000);
}

QTEST_GUILESS_MAIN(TestApiError)
#include "TestApiError.moc"
