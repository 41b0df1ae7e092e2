#include "Usage.h"

#include "JsonUtil.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

Usage Usage::fromJson(const QJsonObject& o)
{
    Usage u;
    u.promptTokens = json::optInt(o, u"prompt_tokens"_s);
    if (!u.promptTokens)
        u.promptTokens = json::optInt(o, u"input_tokens"_s);
    u.completionTokens = json::optInt(o, u"completion_tokens"_s);
    if (!u.completionTokens)
        u.completionTokens = json::optInt(o, u"output_tokens"_s);
    u.totalTokens = json::optInt(o, u"total_tokens"_s);
    const QJsonObject pd = o.value(u"prompt_tokens_details"_s).toObject();
    u.cachedTokens = json::optInt(pd, u"cached_tokens"_s);
    u.cacheWriteTokens = json::optInt(pd, u"cache_write_tokens"_s);
    const QJsonObject cd = o.value(u"completion_tokens_details"_s).toObject();
    u.reasoningTokens = json::optInt(cd, u"reasoning_tokens"_s);
    u.cost = json::optDouble(o, u"cost"_s);
    if (!u.totalTokens && u.promptTokens && u.completionTokens)
        u.totalTokens = *u.promptTokens + *u.completionTokens;
    return u;
}

QJsonObject Usage::toJson() const
{
    QJsonObject o;
    if (promptTokens)
        o.insert(u"prompt_tokens"_s, *promptTokens);
    if (completionTokens)
        o.insert(u"completion_tokens"_s, *completionTokens);
    if (totalTokens)
        o.insert(u"total_tokens"_s, *totalTokens);
    QJsonObject pd;
    if (cachedTokens)
        pd.insert(u"cached_tokens"_s, *cachedTokens);
    if (cacheWriteTokens)
        pd.insert(u"cache_write_tokens"_s, *cacheWriteTokens);
    if (!pd.isEmpty())
        o.insert(u"prompt_tokens_details"_s, pd);
    if (reasoningTokens)
        o.insert(u"completion_tokens_details"_s, QJsonObject{{u"reasoning_tokens"_s, *reasoningTokens}});
    if (cost)
        o.insert(u"cost"_s, *cost);
    return o;
}

} // namespace anyrouter
