// RateLimitInfo: the gateway's X-RateLimit-* and X-Upstream-RateLimit-* figures from the latest
// response, exposed to the UI (status bar) and honoured by the retry logic.
#pragma once

#include <QDateTime>
#include <QNetworkReply>

#include <optional>

namespace anyrouter {

struct RateLimitInfo
{
    std::optional<qint64> limit;
    std::optional<qint64> remaining;
    QDateTime resetAt; // when the window resets (absolute)
    std::optional<qint64> upstreamRemaining;
    QDateTime capturedAt;

    bool isValid() const { return limit || remaining || upstreamRemaining; }
    // Parses headers; X-RateLimit-Reset values > 1e9 are epoch seconds, smaller ones a delta
    // (the reference calls the unit ambiguous).
    static RateLimitInfo fromReply(const QNetworkReply* reply, qint64 nowMs);
};

// Retry-After: delta seconds or an HTTP date.
std::optional<int> parseRetryAfter(const QByteArray& value, qint64 nowMs);

} // namespace anyrouter
