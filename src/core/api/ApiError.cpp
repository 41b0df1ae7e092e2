#include "core/api/ApiError.h"

#include "core/domain/EnumTable.h"
#include "core/domain/JsonUtil.h"
#include "core/domain/Workspace.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

using Category = ApiError::Category;

// Stored in messages.error_category: never rename one.
constexpr EnumName<Category> kCategoryNames[] = {
    {Category::None, u"none"},
    {Category::Auth, u"auth"},
    {Category::Permission, u"permission"},
    {Category::NotFound, u"not_found"},
    {Category::InvalidRequest, u"invalid_request"},
    {Category::Conflict, u"conflict"},
    {Category::RateLimited, u"rate_limited"},
    {Category::InsufficientCredits, u"insufficient_credits"},
    {Category::Upstream, u"upstream"},
    {Category::Server, u"server"},
    {Category::Network, u"network"},
    {Category::Timeout, u"timeout"},
    {Category::Cancelled, u"cancelled"},
    {Category::BadResponse, u"bad_response"},
    {Category::ConnectionClosed, u"connection_closed"},
    {Category::NameResolution, u"name_resolution"},
    {Category::Tls, u"tls"},
    {Category::InsecureTransport, u"insecure_transport"},
    {Category::StreamCutOff, u"stream_cut_off"},
    {Category::Redirect, u"redirect"},
};
static_assert(enumTableIsComplete(kCategoryNames, Category::Redirect));

QString tr(const char* s, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("ApiError", s, disambiguation, n);
}

// Maps a textual error code/type (OAuth, gateway) to a category when the status is unhelpful
// (e.g. 200 for a mid-stream error, 400 for OAuth errors).
ApiError::Category categoryFromCode(const QString& code, const QString& type)
{
    const QString c = code.toLower();
    const QString t = type.toLower();
    auto has = [&](QLatin1String needle) { return c.contains(needle) || t.contains(needle); };
    if (has("rate_limit"_L1) || c == u"rate_limited" || c == u"429")
        return ApiError::Category::RateLimited;
    if (has("insufficient"_L1) || has("credit"_L1) || has("payment"_L1) || c == u"402")
        return ApiError::Category::InsufficientCredits;
    if (has("authentication"_L1) || has("invalid_api_key"_L1) || c == u"401" || c == u"invalid_token")
        return ApiError::Category::Auth;
    if (has("permission"_L1) || has("forbidden"_L1) || c == u"403")
        return ApiError::Category::Permission;
    if (has("not_found"_L1) || c == u"404")
        return ApiError::Category::NotFound;
    if (has("timeout"_L1) || c == u"504")
        return ApiError::Category::Upstream;
    if (has("upstream"_L1) || has("unavailable"_L1) || has("overloaded"_L1) || c == u"502" || c == u"503")
        return ApiError::Category::Upstream;
    if (has("internal"_L1) || has("server_error"_L1) || c == u"500")
        return ApiError::Category::Server;
    if (has("conflict"_L1) || c == u"409")
        return ApiError::Category::Conflict;
    if (has("invalid"_L1) || c == u"400" || c == u"422" || c == u"413")
        return ApiError::Category::InvalidRequest;
    return ApiError::Category::None;
}

constexpr qsizetype kMaxPlainBodyChars = 300; // a plain-text error body is shown up to this
constexpr qsizetype kMaxMessageChars = 1000;  // any message, however it arrived
constexpr qsizetype kMaxLabelChars = 200;     // code, type, provider name

// Cuts without splitting a surrogate pair.
QString bounded(QString s, qsizetype n)
{
    if (s.size() <= n)
        return s;
    qsizetype cut = n;
    if (cut > 0 && s.at(cut - 1).isHighSurrogate())
        --cut;
    s.truncate(cut);
    return s;
}

// Replaces capture `group` of every match of `re` in `text` by its masked form.
QString maskMatches(const QString& text, const QRegularExpression& re, int group)
{
    QRegularExpressionMatchIterator it = re.globalMatch(text);
    if (!it.hasNext())
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype last = 0;
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        // Already masked ("sk-ar-v1-abcde…wxyz" shows at most 14 characters before its ellipsis):
        // left as it is. A longer token followed by "…" is a key a server tried to pass as masked.
        const qsizetype end = m.capturedEnd(group);
        if (m.capturedLength(group) <= 14 && end < text.size() && text.at(end) == u'…')
            continue;
        out += QStringView(text).mid(last, m.capturedStart(group) - last);
        out += maskKey(m.captured(group));
        last = end;
    }
    out += QStringView(text).mid(last);
    return out;
}

// Text of any JSON value: strings as they are, numbers rendered, objects and arrays as compact
// JSON (a provider's raw error may be a whole nested object).
QString textOf(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return {};
}

} // namespace

QString redactSecrets(const QString& text)
{
    if (text.size() < 11)
        return text;
    // The token part is possessive; an already masked key
    // ("sk-ar-v1-abcde…wxyz") is left as it is.
    static const QRegularExpression bearer(
        uR"((?<![A-Za-z0-9_])(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,}+))"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression key(uR"((?<![A-Za-z0-9_])((?:sk|ak|ar)[-_][A-Za-z0-9._~+/=-]{8,}+))"_s,
                                        QRegularExpression::CaseInsensitiveOption);
    // A key glued to the word before it ("...errorak_Xyz123..."): no word boundary to rely on, so
    // only a long token holding a digit counts, which ordinary hyphenated words do not.
    static const QRegularExpression glued(
        uR"(((?:sk|ak)[-_](?=[A-Za-z0-9._~+/=-]*?[0-9])[A-Za-z0-9._~+/=-]{16,}+))"_s,
        QRegularExpression::CaseInsensitiveOption);
    return maskMatches(maskMatches(maskMatches(text, bearer, 1), key, 1), glued, 1);
}

ApiError::ApiError(Category category, QString message)
    : m_category(category), m_serverMessage(std::move(message))
{
    sanitize();
}

void ApiError::sanitize()
{
    m_serverMessage = bounded(redactSecrets(m_serverMessage), kMaxMessageChars);
    m_code = bounded(redactSecrets(m_code), kMaxLabelChars);
    m_type = bounded(redactSecrets(m_type), kMaxLabelChars);
    m_providerName = bounded(redactSecrets(m_providerName), kMaxLabelChars);
}

ApiError::Category ApiError::categoryFromStatus(int s)
{
    switch (s) {
    case 401:
        return Category::Auth;
    case 402:
        return Category::InsufficientCredits;
    case 403:
        return Category::Permission;
    case 404:
        return Category::NotFound;
    case 408:
        return Category::Timeout;
    case 409:
        return Category::Conflict;
    case 429:
        return Category::RateLimited;
    case 499:
        return Category::Cancelled;
    case 502:
    case 503:
    case 504:
        return Category::Upstream;
    default:
        break;
    }
    if (s >= 500)
        return Category::Server;
    if (s >= 400)
        return Category::InvalidRequest;
    if (s >= 300)
        return Category::Redirect;
    return Category::None;
}

ApiError ApiError::fromErrorValue(const QJsonValue& error, int httpStatus)
{
    ApiError e;
    e.m_httpStatus = httpStatus;
    if (error.isString()) {
        // OAuth style {"error":"invalid_grant"} or a bare message string.
        const QString s = error.toString();
        if (!s.contains(u' '))
            e.m_code = s;
        e.m_serverMessage = s;
    } else if (error.isObject()) {
        const QJsonObject o = error.toObject();
        e.m_serverMessage = json::str(o, u"message"_s);
        e.m_code = json::str(o, u"code"_s); // string or number
        e.m_type = json::str(o, u"type"_s);
        const QJsonObject meta = o.value(u"metadata"_s).toObject();
        e.m_providerName = textOf(meta.value(u"provider_name"_s));
        if (e.m_serverMessage.isEmpty())
            e.m_serverMessage = textOf(meta.value(u"raw"_s));
    }
    Category fromCode = categoryFromCode(e.m_code, e.m_type);
    if (httpStatus >= 400) {
        e.m_category = categoryFromStatus(httpStatus);
        // A 400 whose code says "insufficient credits" or "rate limited" is more specific.
        if (httpStatus == 400 && fromCode != Category::None)
            e.m_category = fromCode;
    } else {
        e.m_category = fromCode != Category::None ? fromCode : Category::Upstream;
    }
    e.sanitize();
    return e;
}

ApiError ApiError::fromHttp(int httpStatus, const QByteArray& body, std::optional<int> retryAfterSeconds)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    ApiError e;
    if (perr.error == QJsonParseError::NoError && doc.isObject() && doc.object().contains(u"error"_s)) {
        const QJsonObject o = doc.object();
        e = fromErrorValue(o.value(u"error"_s), httpStatus);
        // OAuth's error_description is the better text; a top-level message the last resort.
        e.m_serverMessage = json::firstNonEmpty(
            {json::str(o, u"error_description"_s), e.m_serverMessage, json::str(o, u"message"_s)});
    } else {
        e.m_httpStatus = httpStatus;
        e.m_category = categoryFromStatus(httpStatus);
        if (doc.isObject())
            e.m_serverMessage = json::str(doc.object(), u"message"_s);
        if (e.m_serverMessage.isEmpty() && !body.isEmpty() && !body.trimmed().startsWith('<')) {
            // Plain-text bodies are shown (bounded); HTML error pages are not. Redacted whole
            // before the cut: a key straddling the cut would otherwise survive in part.
            e.m_serverMessage = bounded(redactSecrets(QString::fromUtf8(body)), kMaxPlainBodyChars).trimmed();
        }
    }
    if (e.m_category == Category::None)
        e.m_category = httpStatus >= 400 ? Category::InvalidRequest : Category::BadResponse;
    e.m_retryAfter = retryAfterSeconds;
    e.sanitize();
    return e;
}

ApiError ApiError::fromNetworkError(QNetworkReply::NetworkError code, const QString& qtMessage)
{
    ApiError e;
    e.m_serverMessage = qtMessage;
    switch (code) {
    case QNetworkReply::OperationCanceledError:
        e.m_category = Category::Cancelled;
        break;
    case QNetworkReply::TimeoutError:
        e.m_category = Category::Timeout;
        break;
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::ContentReSendError: // Qt wanted to resend a body it could not rewind
        e.m_category = Category::ConnectionClosed;
        break;
    case QNetworkReply::HostNotFoundError:
        e.m_category = Category::NameResolution;
        break;
    case QNetworkReply::SslHandshakeFailedError:
        e.m_category = Category::Tls;
        break;
    default:
        e.m_category = Category::Network;
        break;
    }
    e.sanitize();
    return e;
}

ApiError ApiError::badResponse(const QString& detail)
{
    return ApiError(Category::BadResponse, detail);
}

ApiError ApiError::redirect(int httpStatus, const QString& target)
{
    ApiError e(Category::Redirect, target);
    e.m_httpStatus = httpStatus;
    return e;
}

bool ApiError::isUnreachable() const
{
    switch (m_category) {
    case Category::Network:
    case Category::Timeout:
    case Category::ConnectionClosed:
    case Category::NameResolution:
    case Category::Tls:
        return true;
    default:
        return false;
    }
}

void ApiError::redact(const QString& secret)
{
    if (secret.size() < 8)
        return;
    const QString masked = maskKey(secret);
    for (QString* field : {&m_serverMessage, &m_code, &m_type, &m_providerName})
        field->replace(secret, masked);
}

bool ApiError::isRetryable() const
{
    // 501 Not Implemented will not change on retry; optional endpoints answering it must be
    // reported as unsupported at once, not after the whole backoff schedule.
    if (m_httpStatus == 501)
        return false;
    switch (m_category) {
    case Category::RateLimited:
    case Category::Upstream:
    case Category::Server:
    case Category::Network:
    case Category::Timeout:
    case Category::ConnectionClosed: // for idempotent requests; a chat POST is never retried on it
        return true;
    default:
        return false;
    }
}

QString ApiError::categoryName(Category c)
{
    return enumToString(kCategoryNames, c, Category::None);
}

std::optional<ApiError::Category> ApiError::categoryFromName(QStringView name)
{
    return enumFromString(kCategoryNames, name);
}

QString ApiError::userMessage() const
{
    QString base;
    switch (m_category) {
    case Category::None:
        return {};
    case Category::Auth:
        base = tr("The gateway rejected the API key. Check the key in this workspace's settings.");
        break;
    case Category::Permission:
        base = tr("This key is not allowed to do that. Add a key with the needed permission (for account "
                  "features: a management key) in the workspace settings.");
        break;
    case Category::NotFound:
        base = tr("The gateway does not know this model or resource.");
        break;
    case Category::InvalidRequest:
        base = tr("The gateway refused the request as invalid.");
        break;
    case Category::Conflict:
        base = tr("The gateway reported a conflict with the current state.");
        break;
    case Category::RateLimited:
        // A wait of 0 ("retry in 0 seconds") says nothing, and n < 0 would leave "%n" in the text.
        base = m_retryAfter && *m_retryAfter > 0
                   ? tr("Rate limited by the gateway. You can retry in %n second(s).", nullptr, *m_retryAfter)
                   : tr("Rate limited by the gateway. Wait a moment, then retry.");
        break;
    case Category::InsufficientCredits:
        base = tr("Out of credits: the account balance cannot pay for this request. Top up, then retry.");
        break;
    case Category::Upstream:
        base = tr("The model's provider failed or is unavailable right now. Retry, or pick another provider "
                  "or model.");
        break;
    case Category::Server:
        base = tr("The gateway had an internal error. Retry in a moment.");
        break;
    case Category::Network:
        base = tr("Could not reach the gateway. Check the network and the workspace's base URL.");
        break;
    case Category::Timeout:
        base = tr("The gateway did not answer in time.");
        break;
    case Category::Cancelled:
        base = tr("Stopped.");
        break;
    case Category::BadResponse:
        base = tr("The gateway sent data this app could not read.");
        break;
    case Category::ConnectionClosed:
        base = tr("The gateway closed the connection without answering.");
        break;
    case Category::NameResolution:
        base = tr("Could not look up the gateway's host name: there is no network, or the workspace's base "
                  "URL names a host that does not exist.");
        break;
    case Category::Tls:
        base = tr("The secure (TLS) connection to the gateway failed. Check the system clock, any proxy or "
                  "firewall that inspects HTTPS, and the workspace's base URL.");
        break;
    case Category::InsecureTransport:
        // This app's own refusal: its message says everything (nothing reached any gateway).
        if (!m_serverMessage.isEmpty())
            return m_serverMessage;
        base = tr("Not sent: the API key would travel unencrypted over plain http://.");
        break;
    case Category::StreamCutOff:
        base = tr("The reply stream was cut off before the reply was complete; the text so far is kept.");
        break;
    case Category::Redirect: {
        const QString to = m_serverMessage.isEmpty() ? QString() : tr(" to %1").arg(m_serverMessage);
        return tr("The gateway answered with a redirect (HTTP %1%2), which this app does not follow with "
                  "your key. If the gateway moved, set the workspace's base URL to the new address.")
            .arg(m_httpStatus)
            .arg(to);
    }
    }
    QString detail = m_serverMessage;
    if (!m_providerName.isEmpty())
        detail = detail.isEmpty() ? m_providerName : m_providerName + u": "_s + detail;
    if (m_httpStatus >= 400)
        detail = detail.isEmpty() ? u"HTTP %1"_s.arg(m_httpStatus)
                                  : u"HTTP %1: %2"_s.arg(m_httpStatus).arg(detail);
    return detail.isEmpty() ? base : base + u" ("_s + detail + u")"_s;
}

} // namespace anyrouter
