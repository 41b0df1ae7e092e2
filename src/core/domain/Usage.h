// Usage: token counts and cost of one request, every field optional as the reference demands.
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace anyrouter {

struct Usage
{
    std::optional<qint64> promptTokens;
    std::optional<qint64> completionTokens;
    std::optional<qint64> totalTokens;
    std::optional<qint64> cachedTokens;
    std::optional<qint64> cacheWriteTokens;
    std::optional<qint64> reasoningTokens;
    std::optional<double> cost; // USD, only when the gateway reported it

    bool isEmpty() const { return !promptTokens && !completionTokens && !totalTokens && !cost; }
    // Parses an OpenAI/OpenRouter usage object; tolerant of absent or stringly-typed fields.
    static Usage fromJson(const QJsonObject& o);
    QJsonObject toJson() const;
};

} // namespace anyrouter
