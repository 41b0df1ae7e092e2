// RetryPolicy: the delay arithmetic, safe for any input (attempt, header value, jitter sample).
#include "core/api/RetryPolicy.h"

#include <algorithm>
#include <cmath>

namespace anyrouter {

std::optional<qint64> RetryPolicy::delayBeforeRetry(int attempt, std::optional<int> retryAfterSeconds,
                                                    double jitterSample) const
{
    // attempt + 1 would overflow for INT_MAX; a negative attempt counts as the first.
    attempt = std::max(attempt, 0);
    if (attempt >= maxAttempts - 1)
        return std::nullopt;
    // Saturating doubling: baseDelayMs << attempt overflows for a large base or attempt.
    qint64 backoff = std::max<qint64>(baseDelayMs, 0);
    for (int i = 0; i < attempt && backoff < maxDelayMs; ++i)
        backoff *= 2;
    backoff = std::min(backoff, maxDelayMs);
    // A negative Retry-After is no wait at all: treated as absent.
    if (retryAfterSeconds && *retryAfterSeconds >= 0) {
        const qint64 ms = qint64(*retryAfterSeconds) * 1000; // at most ~2.1e12: no overflow
        if (ms > maxRetryAfterMs)
            return std::nullopt;
        // Retry-After is "at least": a server saying 0 (or a past date) still waits the backoff, so
        // a gateway answering 429 with "Retry-After: 0" is not hit maxAttempts times in a few ms.
        return std::max(ms, backoff);
    }
    // jitterSample should be in [0, 1); nan and out-of-range samples are clamped.
    const double j = std::isnan(jitterSample) ? 0.0 : std::clamp(jitterSample, 0.0, 1.0);
    return backoff + qint64(j * double(std::max<qint64>(jitterMs, 0)));
}

} // namespace anyrouter
