// Usage: parsing and validation of usage objects.
#include "core/domain/Usage.h"

#include "core/domain/JsonUtil.h"

#include <QJsonArray>

#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

const QString kPrompt = u"prompt_tokens"_s;
const QString kCompletion = u"completion_tokens"_s;
const QString kTotal = u"total_tokens"_s;
const QString kCached = u"cached_tokens"_s;
const QString kCacheWrite = u"cache_write_tokens"_s;
const QString kReasoning = u"reasoning_tokens"_s;
const QString kCost = u"cost"_s;
const QString kRejected = u"rejected"_s;

constexpr qsizetype kMaxRawChars = 64;

// What is kept of a rejected value: numbers, bools and short strings as sent; a long string cut;
// an object or array only named (a hostile server could nest megabytes there).
QJsonValue keptRaw(const QJsonValue& v)
{
    if (v.isString())
        return v.toString().left(kMaxRawChars);
    if (v.isObject())
        return u"(object)"_s;
    if (v.isArray())
        return u"(array)"_s;
    return v;
}

// A JSON value present at all (absent and null mean "not reported").
bool present(const QJsonValue& v)
{
    return !v.isUndefined() && !v.isNull();
}

// A token count: a number or numeric string, whole (a fraction is rounded), in [0, kMaxTokens].
void readCount(const QJsonValue& v, const QString& field, std::optional<qint64>& out, QJsonObject& rejected)
{
    if (!present(v))
        return;
    const std::optional<double> d = json::toDouble(v);
    if (d && std::isfinite(*d) && *d >= 0 && *d <= double(Usage::kMaxTokens)) {
        out = std::llround(*d);
        return;
    }
    rejected.insert(field, keptRaw(v));
}

void readCost(const QJsonValue& v, std::optional<double>& out, QJsonObject& rejected)
{
    if (!present(v))
        return;
    const std::optional<double> d = json::toDouble(v);
    if (d && Usage::isValidCost(*d)) {
        out = *d;
        return;
    }
    rejected.insert(kCost, keptRaw(v));
}

void checkCount(std::optional<qint64>& v, const QString& field, QJsonObject& rejected)
{
    if (v && !Usage::isValidTokenCount(*v)) {
        rejected.insert(field, double(*v));
        v.reset();
    }
}

} // namespace

bool Usage::isValidCost(double usd)
{
    return std::isfinite(usd) && usd >= 0 && usd <= kMaxCostUsd;
}

std::optional<double> Usage::validDurationMs(std::optional<double> ms)
{
    if (ms && std::isfinite(*ms) && *ms >= 0 && *ms <= kMaxDurationMs)
        return ms;
    return std::nullopt;
}

std::optional<double> Usage::validTokensPerSecond(std::optional<double> rate)
{
    if (rate && std::isfinite(*rate) && *rate >= 0 && *rate <= kMaxTokensPerSecond)
        return rate;
    return std::nullopt;
}

Usage Usage::fromJson(const QJsonObject& o)
{
    Usage u;
    readCount(json::firstOf(o, {kPrompt, u"input_tokens"}), kPrompt, u.promptTokens, u.rejected);
    readCount(json::firstOf(o, {kCompletion, u"output_tokens"}), kCompletion, u.completionTokens, u.rejected);
    readCount(o.value(kTotal), kTotal, u.totalTokens, u.rejected);
    const QJsonObject pd = o.value(u"prompt_tokens_details"_s).toObject();
    readCount(pd.value(kCached), kCached, u.cachedTokens, u.rejected);
    readCount(pd.value(kCacheWrite), kCacheWrite, u.cacheWriteTokens, u.rejected);
    const QJsonObject cd = o.value(u"completion_tokens_details"_s).toObject();
    readCount(cd.value(kReasoning), kReasoning, u.reasoningTokens, u.rejected);
    readCost(o.value(kCost), u.cost, u.rejected);
    // Read back what toJson() recorded: only known fields, and only where no valid value stands.
    const QJsonObject recorded = o.value(kRejected).toObject();
    for (const QString& field : {kPrompt, kCompletion, kTotal, kCached, kCacheWrite, kReasoning, kCost}) {
        if (recorded.contains(field) && !u.rejected.contains(field))
            u.rejected.insert(field, keptRaw(recorded.value(field)));
    }
    const auto drop = [&](std::optional<qint64>& v, const QString& field) {
        if (u.rejected.contains(field))
            v.reset();
    };
    drop(u.promptTokens, kPrompt);
    drop(u.completionTokens, kCompletion);
    drop(u.totalTokens, kTotal);
    drop(u.cachedTokens, kCached);
    drop(u.cacheWriteTokens, kCacheWrite);
    drop(u.reasoningTokens, kReasoning);
    if (u.rejected.contains(kCost))
        u.cost.reset();
    // A total from valid parts (a rejected total is replaced too: the parts are what was billed).
    if (!u.totalTokens && u.promptTokens && u.completionTokens)
        u.totalTokens = *u.promptTokens + *u.completionTokens; // both <= 1e9: no overflow
    return u;
}

void Usage::sanitize()
{
    checkCount(promptTokens, kPrompt, rejected);
    checkCount(completionTokens, kCompletion, rejected);
    checkCount(totalTokens, kTotal, rejected);
    checkCount(cachedTokens, kCached, rejected);
    checkCount(cacheWriteTokens, kCacheWrite, rejected);
    checkCount(reasoningTokens, kReasoning, rejected);
    if (cost && !isValidCost(*cost)) {
        // JSON has no inf or nan: those are recorded as text.
        rejected.insert(kCost, std::isfinite(*cost) ? QJsonValue(*cost) : QJsonValue(QString::number(*cost)));
        cost.reset();
    }
    if (!totalTokens && promptTokens && completionTokens)
        totalTokens = *promptTokens + *completionTokens;
}

QJsonObject Usage::toJson() const
{
    QJsonObject o;
    if (promptTokens)
        o.insert(kPrompt, *promptTokens);
    if (completionTokens)
        o.insert(kCompletion, *completionTokens);
    if (totalTokens)
        o.insert(kTotal, *totalTokens);
    QJsonObject pd;
    if (cachedTokens)
        pd.insert(kCached, *cachedTokens);
    if (cacheWriteTokens)
        pd.insert(kCacheWrite, *cacheWriteTokens);
    if (!pd.isEmpty())
        o.insert(u"prompt_tokens_details"_s, pd);
    if (reasoningTokens)
        o.insert(u"completion_tokens_details"_s, QJsonObject{{kReasoning, *reasoningTokens}});
    if (cost)
        o.insert(kCost, *cost);
    if (!rejected.isEmpty())
        o.insert(kRejected, rejected);
    return o;
}

} // namespace anyrouter
