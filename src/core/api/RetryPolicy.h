// RetryPolicy: exponential backoff with jitter for idempotent requests (reference §12:
// min(1000·2^i, 30000) ms + up to 250 ms jitter, 5 attempts, Retry-After preferred when present).
#pragma once

#include <QtGlobal>

#include <optional>

namespace anyrouter {

struct RetryPolicy
{
    int maxAttempts = 5; // including the first
    qint64 baseDelayMs = 1000;
    qint64 maxDelayMs = 30000;
    qint64 jitterMs = 250;
    qint64 maxRetryAfterMs = 120000; // a longer Retry-After is not waited for: the error goes to the user

    static RetryPolicy none() { return RetryPolicy{1, 0, 0, 0, 0}; }
    // Delay before attempt number `attempt + 1` (attempt counts from 0 for the first try), or
    // nullopt when no further attempt should be made. jitterSample is in [0, 1) (clamped).
    // A Retry-After is honoured but never shortens the backoff (no retry at once, even on
    // "Retry-After: 0"); a negative one counts as absent; one over maxRetryAfterMs: no retry.
    std::optional<qint64> delayBeforeRetry(int attempt, std::optional<int> retryAfterSeconds,
                                           double jitterSample) const;
};

} // namespace anyrouter
