#include "RateLimitInfo.h"

#include <QLocale>

#include <cmath>

namespace anyrouter {

namespace {

std::optional<qint64> headerInt(const QNetworkReply* reply, const char* name)
{
    const QByteArray v = reply->rawHeader(name).trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return static_cast<qint64>(d);
}

} // namespace

RateLimitInfo RateLimitInfo::fromReply(const QNetworkReply* reply, qint64 nowMs)
{
    RateLimitInfo r;
    r.limit = headerInt(reply, "X-RateLimit-Limit");
    r.remaining = headerInt(reply, "X-RateLimit-Remaining");
    r.upstreamRemaining = headerInt(reply, "X-Upstream-RateLimit-Remaining");
    if (const auto reset = headerInt(reply, "X-RateLimit-Reset")) {
        if (*reset > 1'000'000'000'000LL)
            r.resetAt = QDateTime::fromMSecsSinceEpoch(*reset, Qt::UTC);
        else if (*reset > 1'000'000'000LL)
            r.resetAt = QDateTime::fromSecsSinceEpoch(*reset, Qt::UTC);
        else
            r.resetAt = QDateTime::fromMSecsSinceEpoch(nowMs + *reset * 1000, Qt::UTC);
    }
    r.capturedAt = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    return r;
}

std::optional<int> parseRetryAfter(const QByteArray& value, qint64 nowMs)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double secs = v.toDouble(&ok);
    if (ok)
        return qMax(0, int(std::ceil(secs)));
    // HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
    QDateTime dt =
        QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!dt.isValid())
        return std::nullopt;
    dt.setTimeSpec(Qt::UTC);
    return qMax<qint64>(0, (dt.toMSecsSinceEpoch() - nowMs + 999) / 1000);
}

} // namespace anyrouter
