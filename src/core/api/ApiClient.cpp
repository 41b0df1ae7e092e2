#include "core/api/ApiClient.h"

#include "core/domain/Workspace.h"

#include <QHostAddress>
#include <QIODevice>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>

namespace anyrouter {

Q_LOGGING_CATEGORY(lcApi, "anyrouter.api")

using namespace Qt::StringLiterals;

namespace {

// A request body that can be read once and never rewound (see ApiClient::sendOnce()).
class OneShotBody final : public QIODevice
{
public:
    explicit OneShotBody(QByteArray data) : m_data(std::move(data)) { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    bool reset() override { return false; } // what makes Qt's resend fail instead of repeating it
    qint64 bytesAvailable() const override { return m_data.size() - m_pos + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char* data, qint64 maxSize) override
    {
        const qint64 n = qMin(maxSize, qint64(m_data.size()) - m_pos);
        if (n <= 0)
            return m_pos >= m_data.size() ? -1 : 0;
        memcpy(data, m_data.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_pos = 0;
};

bool isIdempotent(const QByteArray& verb)
{
    return verb == "GET" || verb == "HEAD" || verb == "PUT" || verb == "DELETE" || verb == "OPTIONS";
}

} // namespace

QJsonDocument ApiReply::json() const
{
    return QJsonDocument::fromJson(m_body);
}

void ApiReply::abort()
{
    if (m_done)
        return;
    m_aborting = true;
    m_error = ApiError(ApiError::Category::Cancelled, QString());
    if (m_current)
        m_current->abort(); // runs the finished handler synchronously; it reports Cancelled
    finish();
}

void ApiReply::finish()
{
    if (m_done)
        return;
    m_done = true;
    emit finished();
    deleteLater();
}

ApiClient::ApiClient(QNetworkAccessManager* nam, QObject* parent, Clock* clock)
    : QObject(parent), m_nam(nam), m_clock(clock ? clock : SystemClock::instance())
{}

void ApiClient::setBaseUrl(const QUrl& baseUrl)
{
    m_baseUrl = baseUrl;
}

void ApiClient::setKeys(const QString& inferenceKey, const QString& managementKey)
{
    m_inferenceKey = inferenceKey;
    m_managementKey = managementKey;
}

QString ApiClient::keyLabel(KeyRole role) const
{
    if (role == KeyRole::None)
        return {};
    const QString& key =
        (role == KeyRole::Management && !m_managementKey.isEmpty()) ? m_managementKey : m_inferenceKey;
    return maskKey(key);
}

QUrl ApiClient::endpointUrl(const QString& path, const QUrlQuery& query) const
{
    QUrl url = m_baseUrl;
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    // path may carry percent-encoded segments (model ids like anthropic%2Fclaude); keep them encoded.
    url.setPath(base + (path.startsWith(u'/') ? path : u'/' + path), QUrl::StrictMode);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

QNetworkRequest ApiClient::makeRequest(const QString& path, KeyRole role, const QUrlQuery& query) const
{
    QNetworkRequest req(endpointUrl(path, query));
    const QString& key =
        (role == KeyRole::Management && !m_managementKey.isEmpty()) ? m_managementKey : m_inferenceKey;
    if (role != KeyRole::None && !key.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    req.setRawHeader("X-AnyRouter-Title", m_attribution.title.toUtf8());
    req.setRawHeader("X-AnyRouter-Source", m_attribution.source.toUtf8());
    req.setRawHeader("X-AnyRouter-Version", m_attribution.version.toUtf8());
    if (!m_attribution.referer.isEmpty())
        req.setRawHeader("HTTP-Referer", m_attribution.referer.toUtf8());
    req.setRawHeader("Accept", "application/json");
    for (const auto& [name, value] : m_extraHeaders) {
        if (name.compare("Authorization", Qt::CaseInsensitive) != 0)
            req.setRawHeader(name, value);
    }
    req.setHeader(QNetworkRequest::UserAgentHeader, QString(u"AnyRouterDesktop/"_s + m_attribution.version));
    req.setTransferTimeout(m_transferTimeoutMs);
    // Never follow a redirect to another host with our Authorization header.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    return req;
}

std::optional<ApiError> ApiClient::transportRefusal() const
{
    if (m_allowInsecureHttp || m_baseUrl.scheme() != u"http"_s ||
        (m_inferenceKey.isEmpty() && m_managementKey.isEmpty()))
        return std::nullopt;
    const QString host = m_baseUrl.host();
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0 || QHostAddress(host).isLoopback())
        return std::nullopt;
    return ApiError(
        ApiError::Category::InsecureTransport,
        tr("Refusing to send the API key unencrypted to %1 (plain http://). Use https://, or allow "
           "unencrypted HTTP for this host in the workspace settings.")
            .arg(host));
}

void ApiClient::redactKeys(ApiError& error) const
{
    error.redact(m_inferenceKey);
    error.redact(m_managementKey);
}

QByteArray ApiClient::redactKeys(QByteArray body) const
{
    for (const QString* key : {&m_inferenceKey, &m_managementKey}) {
        if (key->size() >= 8)
            body.replace(key->toUtf8(), maskKey(*key).toUtf8());
    }
    return body;
}

void ApiClient::captureRateLimit(const QNetworkReply* reply)
{
    RateLimitInfo info = RateLimitInfo::fromReply(reply, m_clock->nowMs());
    if (!info.isValid())
        return;
    m_rateLimit = info;
    emit rateLimitChanged(m_rateLimit);
}

ApiReply* ApiClient::newReply()
{
    auto* r = new ApiReply(this);
    connect(r, &ApiReply::finished, this, [this, r] {
        const auto before = m_retrying.size();
        m_retrying.removeIf([r](const Retrying& x) { return x.reply == r; });
        if (m_retrying.size() != before)
            updateRetryPlan();
    });
    return r;
}

void ApiClient::updateRetryPlan()
{
    RetryPlan plan;
    plan.active = !m_retrying.isEmpty();
    plan.maxAttempts = m_retry.maxAttempts;
    plan.requests = int(m_retrying.size());
    for (const Retrying& x : std::as_const(m_retrying)) {
        plan.nextAttempt = qMax(plan.nextAttempt, x.nextAttempt);
        if (x.retryAtMs > 0 && (plan.retryAtMs == 0 || x.retryAtMs < plan.retryAtMs))
            plan.retryAtMs = x.retryAtMs;
    }
    if (plan.active) {
        plan.category = m_plan.category;
        plan.httpStatus = m_plan.httpStatus;
    }
    m_plan = plan;
    emit retryPlanChanged(m_plan);
}

void ApiClient::cancelRetries()
{
    const QList<Retrying> now = m_retrying;
    for (const Retrying& x : now) {
        x.reply->m_noMoreRetries = true;
        if (x.retryAtMs > 0) { // waiting: give up at once with what the last attempt said
            x.reply->m_error = x.lastError;
            x.reply->m_current = nullptr;
            x.reply->finish();
        }
    }
}

ApiReply* ApiClient::get(const QString& path, KeyRole role, const QUrlQuery& query)
{
    ApiReply* r = newReply();
    startAttempt(r, "GET", makeRequest(path, role, query), {}, true);
    return r;
}

ApiReply* ApiClient::send(const QByteArray& verb, const QString& path, KeyRole role, const QJsonObject& body)
{
    ApiReply* r = newReply();
    QNetworkRequest req = makeRequest(path, role);
    QByteArray payload;
    if (verb != "DELETE" || !body.isEmpty()) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    startAttempt(r, verb, req, payload, false);
    return r;
}

QNetworkReply* ApiClient::sendOnce(QNetworkRequest request, const QByteArray& verb,
                                   const QByteArray& body) const
{
    request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
    request.setHeader(QNetworkRequest::ContentLengthHeader, qint64(body.size()));
    auto* device = new OneShotBody(body);
    QNetworkReply* reply = m_nam->sendCustomRequest(request, verb, device);
    device->setParent(reply);
    return reply;
}

void ApiClient::startAttempt(ApiReply* r, const QByteArray& verb, const QNetworkRequest& req,
                             const QByteArray& body, bool retryable)
{
    if (r->m_done)
        return;
    if (auto refusal = transportRefusal()) {
        // Asynchronous like every other outcome, so callers can connect after get()/send().
        QTimer::singleShot(0, r, [r, e = *refusal] {
            r->m_error = e;
            r->finish();
        });
        return;
    }
    ++r->m_attempts;
    QNetworkReply* reply =
        isIdempotent(verb) ? m_nam->sendCustomRequest(req, verb, body) : sendOnce(req, verb, body);
    r->m_current = reply;
    const qint64 started = m_clock->nowMs();
    qCDebug(lcApi) << verb << req.url().path() << "attempt" << r->m_attempts; // never the headers

    // Bound memory: a hostile or broken server cannot make us buffer without limit.
    connect(reply, &QNetworkReply::downloadProgress, r, [this, reply](qint64 received, qint64) {
        if (received > m_maxResponseBytes) {
            reply->setProperty("anyrouter_too_large", true);
            reply->abort();
        }
    });

    connect(reply, &QNetworkReply::finished, r, [=, this] {
        reply->deleteLater();
        if (r->m_done)
            return;
        captureRateLimit(reply);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r->m_status = status;
        r->m_headers.clear();
        for (const auto& pair : reply->rawHeaderPairs())
            r->m_headers.insert(pair.first.toLower(), pair.second);

        ApiError error;
        if (status >= 300 && status < 400) {
            // Not followed (another origin, or a non-idempotent request): say where it pointed.
            QUrl target = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
            if (target.isEmpty())
                target = QUrl(QString::fromUtf8(reply->rawHeader("Location")));
            error =
                ApiError::redirect(status, req.url().resolved(target).toDisplayString(QUrl::RemoveUserInfo));
        } else if (reply->property("anyrouter_too_large").toBool()) {
            error = ApiError::badResponse(
                tr("The response was larger than %1 MB.").arg(m_maxResponseBytes >> 20));
        } else if (reply->error() == QNetworkReply::OperationCanceledError && !r->m_aborting) {
            // Qt ends a reply whose transfer timeout expired as "cancelled"; the user did not.
            error = ApiError(ApiError::Category::Timeout,
                             tr("No answer from the gateway for %1 s.").arg(m_transferTimeoutMs / 1000));
        } else if (status == 0 || (reply->error() != QNetworkReply::NoError && status < 400)) {
            error = ApiError::fromNetworkError(reply->error(), reply->errorString());
        } else {
            r->m_body = reply->readAll();
            if (status >= 400) {
                r->m_body = redactKeys(r->m_body);
                error = ApiError::fromHttp(
                    status, r->m_body, parseRetryAfter(reply->rawHeader("Retry-After"), m_clock->nowMs()));
            }
        }
        qCDebug(lcApi) << verb << req.url().path() << status << (m_clock->nowMs() - started) << "ms";
        redactKeys(error);

        if (error.isError() && retryable && error.isRetryable() && !r->m_noMoreRetries &&
            error.category() != ApiError::Category::Cancelled) {
            if (const auto delay = m_retry.delayBeforeRetry(r->m_attempts - 1, error.retryAfterSeconds(),
                                                            m_rng.generateDouble())) {
                qCInfo(lcApi) << "retrying" << req.url().path() << "in" << *delay << "ms after"
                              << ApiError::categoryName(error.category());
                r->m_current = nullptr;
                // One line per outage: the plan shows every request waiting, not one per failure.
                auto it = std::find_if(m_retrying.begin(), m_retrying.end(),
                                       [r](const Retrying& x) { return x.reply == r; });
                if (it == m_retrying.end())
                    it = m_retrying.insert(m_retrying.end(), Retrying{r, {}, 0, 0});
                it->lastError = error;
                it->retryAtMs = qMax<qint64>(1, m_clock->nowMs() + *delay);
                it->nextAttempt = r->m_attempts + 1;
                m_plan.category = error.category();
                m_plan.httpStatus = error.httpStatus();
                updateRetryPlan();
                m_clock->schedule(*delay, r, [=, this] {
                    if (r->m_done)
                        return;
                    for (Retrying& x : m_retrying) {
                        if (x.reply == r)
                            x.retryAtMs = 0; // in flight
                    }
                    updateRetryPlan();
                    startAttempt(r, verb, req, body, retryable);
                });
                return;
            }
        }
        r->m_error = error;
        r->finish();
    });
}

} // namespace anyrouter
