// ApiClient: the one place requests to the gateway are made. It owns no QNetworkAccessManager (the
// app has one), builds every request in makeRequest() — the only code that sets Authorization and
// the X-AnyRouter-* attribution headers — retries idempotent GETs on 429/5xx with backoff honouring
// Retry-After, captures rate-limit headers, bounds response sizes and turns failures into ApiError.
#pragma once

#include "core/api/ApiError.h"
#include "core/api/Clock.h"
#include "core/api/RateLimitInfo.h"
#include "core/api/RetryPolicy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>

class QNetworkAccessManager;

namespace anyrouter {

Q_DECLARE_LOGGING_CATEGORY(lcApi)

struct Attribution
{
    QString title = QStringLiteral("AnyRouter Desktop");
    QString source = QStringLiteral("desktop");
    QString version = QStringLiteral(ANYROUTER_VERSION);
    QString referer = QStringLiteral("https://anyrouter.dev/apps/anyrouter-desktop");
};

// Which credential a request needs. Management requests use the workspace's management key when it
// has one, else its inference key (a key with the Key Management permission suffices, reference §8).
enum class KeyRole
{
    Inference,
    Management,
    None
};

// What the requests now failing and retrying have in common, for one status line per outage (not
// one per request). Active while any GET is between a failed attempt and its last one; inactive
// again once every such request has finished, succeeded or given up.
struct RetryPlan
{
    bool active = false;
    ApiError::Category category = ApiError::Category::None; // of the latest failure
    int httpStatus = 0;                                     // of the latest failure, 0 if none
    int nextAttempt = 0;  // the highest attempt number about to be made (2: the first retry)
    int maxAttempts = 0;  // per request, the first attempt included
    qint64 retryAtMs = 0; // on the client's clock, the soonest waiting retry; 0: one is in flight
    int requests = 0;     // requests taking part
};

// One in-flight request (including its retries). Emits finished() exactly once; then read the
// result. Deletes itself after finished() has been delivered.
class ApiReply : public QObject
{
    Q_OBJECT
public:
    bool isOk() const { return !m_error.isError(); }
    int httpStatus() const { return m_status; }
    const QByteArray& body() const { return m_body; }
    QJsonDocument json() const; // parsed body (invalid document when not JSON)
    const ApiError& error() const { return m_error; }
    int attempts() const { return m_attempts; }
    QByteArray rawHeader(const QByteArray& name) const { return m_headers.value(name.toLower()); }
    void abort(); // finishes with Category::Cancelled

signals:
    void finished();

private:
    friend class ApiClient;
    explicit ApiReply(QObject* parent) : QObject(parent) {}
    void finish();

    int m_status = 0;
    QByteArray m_body;
    QHash<QByteArray, QByteArray> m_headers;
    ApiError m_error;
    int m_attempts = 0;
    bool m_done = false;
    bool m_aborting = false; // abort() in progress: a cancelled QNetworkReply is the user's, not a timeout
    bool m_noMoreRetries = false; // ApiClient::cancelRetries(): the attempt in flight is the last
    QPointer<QNetworkReply> m_current;
};

class ApiClient : public QObject
{
    Q_OBJECT
public:
    ApiClient(QNetworkAccessManager* nam, QObject* parent = nullptr, Clock* clock = nullptr);

    void setBaseUrl(const QUrl& baseUrl);
    QUrl baseUrl() const { return m_baseUrl; }
    void setKeys(const QString& inferenceKey, const QString& managementKey = {});
    bool hasInferenceKey() const { return !m_inferenceKey.isEmpty(); }
    bool hasManagementKey() const { return !m_managementKey.isEmpty(); }
    QString keyLabel(KeyRole role) const; // masked key that a request with this role uses
    void setAttribution(const Attribution& a) { m_attribution = a; }
    void setRetryPolicy(const RetryPolicy& p) { m_retry = p; }
    void setMaxResponseBytes(qint64 bytes) { m_maxResponseBytes = bytes; }
    void setTransferTimeoutMs(int ms) { m_transferTimeoutMs = ms; }
    void setJitterSeed(quint32 seed) { m_rng.seed(seed); }
    // Plain http:// to a non-loopback host carries the key in clear text: refused unless the
    // workspace explicitly allows it. Loopback (127.0.0.0/8, ::1, localhost) is always allowed.
    void setAllowInsecureHttp(bool allow) { m_allowInsecureHttp = allow; }
    // Set when the base URL would send a key in clear text; requests then fail with this error
    // instead of leaving the machine.
    std::optional<ApiError> transportRefusal() const;
    // Replaces any configured key inside an error's texts by its masked form.
    void redactKeys(ApiError& error) const;
    // The same over a raw error body, before ApiError cuts it to length: a configured key of any
    // shape cut in half at the limit would no longer match afterwards.
    QByteArray redactKeys(QByteArray body) const;
    // Test seam: extra headers on every request (e.g. the simulator's X-Sim-Fault). Cannot
    // replace Authorization, which stays set in makeRequest() only.
    void setExtraHeaders(const QList<QPair<QByteArray, QByteArray>>& headers) { m_extraHeaders = headers; }
    Clock* clock() const { return m_clock; }
    QNetworkAccessManager* networkManager() const { return m_nam; }

    QUrl endpointUrl(const QString& path, const QUrlQuery& query = {}) const;
    QNetworkRequest makeRequest(const QString& path, KeyRole role, const QUrlQuery& query = {}) const;

    // Idempotent GET, retried per the retry policy.
    ApiReply* get(const QString& path, KeyRole role, const QUrlQuery& query = {});
    // POST/PATCH/DELETE: never retried automatically (nor resent by Qt, see sendOnce()).
    ApiReply* send(const QByteArray& verb, const QString& path, KeyRole role, const QJsonObject& body = {});
    // Sends a non-idempotent request so that it reaches the server at most once. Qt's HTTP/1
    // channel resends a request by itself when its connection closes before any byte of the reply
    // arrives — a POST too (Qt 6.4, QHttpNetworkConnectionChannel) — which bills a prompt twice.
    // The body goes as a device Qt cannot rewind, so that resend fails (ContentReSendError, i.e.
    // ApiError::Category::ConnectionClosed) and the caller decides.
    QNetworkReply* sendOnce(QNetworkRequest request, const QByteArray& verb, const QByteArray& body) const;

    RateLimitInfo rateLimit() const { return m_rateLimit; }
    RetryPlan retryPlan() const { return m_plan; }
    // The user's "Stop retrying": every request waiting for a retry finishes now with its last
    // error, and those in flight make no further attempt. Later requests retry as usual.
    void cancelRetries();
    // Called by streaming code that drives its own QNetworkReply, so headers are still captured.
    void captureRateLimit(const QNetworkReply* reply);

signals:
    void rateLimitChanged(const anyrouter::RateLimitInfo& info);
    void retryPlanChanged(const anyrouter::RetryPlan& plan);

private:
    void startAttempt(ApiReply* r, const QByteArray& verb, const QNetworkRequest& req, const QByteArray& body,
                      bool retryable);
    ApiReply* newReply();
    void updateRetryPlan();

    struct Retrying
    {
        ApiReply* reply = nullptr;
        ApiError lastError;
        qint64 retryAtMs = 0; // 0: the retry is in flight
        int nextAttempt = 0;
    };
    QList<Retrying> m_retrying;
    RetryPlan m_plan;

    QNetworkAccessManager* m_nam;
    Clock* m_clock;
    QUrl m_baseUrl;
    QString m_inferenceKey;
    QString m_managementKey;
    Attribution m_attribution;
    RetryPolicy m_retry;
    RateLimitInfo m_rateLimit;
    bool m_allowInsecureHttp = false;
    qint64 m_maxResponseBytes = 64 * 1024 * 1024;
    int m_transferTimeoutMs = 60000;
    QRandomGenerator m_rng{0x5eed};
    QList<QPair<QByteArray, QByteArray>> m_extraHeaders;
};

} // namespace anyrouter
