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
    // Parses headers; X-RateLimit-Reset values > 1e12 are epoch ms, > 1e9 epoch seconds, smaller
    // ones a delta in seconds (the reference calls the unit ambiguous). A value that is not a
    // finite non-negative number up to 2^53 is absent (no overflowing cast); a reset time outside
    // years 1970..9999 is absent.
    static RateLimitInfo fromReply(const QNetworkReply* reply, qint64 nowMs);
};

// The longest wait one Retry-After may ask for: a day. Nothing legitimate asks a desktop client to
// wait longer, and it is far beyond any automatic retry (RetryPolicy::maxRetryAfterMs, ChatStream's
// few seconds), so a clamped value sends the error to the user instead of retrying.
inline constexpr int kMaxRetryAfterSeconds = 24 * 3600;

// Retry-After: delta seconds or an HTTP date, as whole seconds in [0, kMaxRetryAfterSeconds].
// A bogus value never means "retry at once":
//  - nan, a negative number, -inf, hex, junk, an unparseable date: nullopt (as if absent; the
//    caller's backoff applies);
//  - +inf, a number past the cap ("99999999999", "1e400"), a date past it (year 9999): the cap;
//  - a date already past: 0 (the server says "now"; RetryPolicy still waits its backoff).
std::optional<int> parseRetryAfter(const QByteArray& value, qint64 nowMs);

} // namespace anyrouter
