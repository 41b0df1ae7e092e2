#include "RetryPolicy.h"

#include <algorithm>

namespace anyrouter {

std::optional<qint64> RetryPolicy::delayBeforeRetry(int attempt, std::optional<int> retryAfterSeconds,
                                                    double jitterSample) const
{
    if (attempt + 1 >= maxAttempts)
        return std::nullopt;
    if (retryAfterSeconds) {
        const qint64 ms = qint64(*retryAfterSeconds) * 1000;
        if (ms > maxRetryAfterMs)
            return std::nullopt;
        return ms;
    }
    const qint64 exp = baseDelayMs << std::min(attempt, 20);
    return std::min(exp, maxDelayMs) + qint64(jitterSample * double(jitterMs));
}

} // namespace anyrouter
