// Usage: token counts and cost of one request, every field optional as the reference demands.
// Every figure comes from a server and is validated: a count must be a whole number in
// [0, kMaxTokens], a cost a finite number in [0, kMaxCostUsd]. An absurd value (-5 tokens, a
// cost of -12.5 or 1e308, "abc") is not stored in its field — the field is empty, so no total or
// rate is computed from it — and is kept as sent in `rejected`, so the record (export, log) still
// says what the gateway claimed and the UI can show "unknown" instead of nothing or nonsense.
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace anyrouter {

struct Usage
{
    // No single request legitimately uses a billion tokens or costs $10,000.
    static constexpr qint64 kMaxTokens = 1'000'000'000;
    static constexpr double kMaxCostUsd = 10'000.0;
    // Bounds for the stream statistics stored next to a usage (Message::ttftMs/tokensPerSecond,
    // LedgerEntry::latencyMs/ttftMs): a day, and a million tokens a second.
    static constexpr double kMaxDurationMs = 24.0 * 3600 * 1000;
    static constexpr double kMaxTokensPerSecond = 1'000'000.0;

    std::optional<qint64> promptTokens;
    std::optional<qint64> completionTokens;
    std::optional<qint64> totalTokens;
    std::optional<qint64> cachedTokens;
    std::optional<qint64> cacheWriteTokens;
    std::optional<qint64> reasoningTokens;
    std::optional<double> cost; // USD, only when the gateway reported it
    // Values that failed validation, by canonical field name ("prompt_tokens", "completion_tokens",
    // "total_tokens", "cached_tokens", "cache_write_tokens", "reasoning_tokens", "cost"; an
    // "input_tokens"/"output_tokens" value is filed under the prompt/completion name), as sent
    // (long strings cut, objects and arrays named only). The matching field above is empty —
    // except totalTokens, which is then the sum of valid prompt and completion counts when both exist.
    QJsonObject rejected;

    // Nothing reported at all (a rejected value was reported: not empty).
    bool isEmpty() const
    {
        return !promptTokens && !completionTokens && !totalTokens && !cost && rejected.isEmpty();
    }
    bool hasRejected(QStringView field) const { return rejected.contains(field); }
    // Parses an OpenAI/OpenRouter usage object; tolerant of absent or stringly-typed fields, and
    // validating as above. A "rejected" object (as toJson() writes it) is read back.
    static Usage fromJson(const QJsonObject& o);
    // The valid fields, plus "rejected" when any value was rejected: fromJson(toJson()) == *this.
    QJsonObject toJson() const;
    // Applies the same validation to values that did not come through fromJson() (a row written by
    // an older version, a struct filled by hand): absurd ones move to `rejected`.
    void sanitize();

    static bool isValidTokenCount(qint64 n) { return n >= 0 && n <= kMaxTokens; }
    static bool isValidCost(double usd); // finite, >= 0, <= kMaxCostUsd
    // The value when it is finite and in [0, bound], else empty (for TTFT, latency, tok/s).
    static std::optional<double> validDurationMs(std::optional<double> ms);
    static std::optional<double> validTokensPerSecond(std::optional<double> rate);

    bool operator==(const Usage&) const = default;
};

} // namespace anyrouter
