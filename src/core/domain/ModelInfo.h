// ModelInfo: one catalog entry, with every price normalised to USD per 1M tokens whatever shape
// the gateway used (AnyRouter per-1K numbers or OpenRouter per-token strings).
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace anyrouter {

struct ModelPricing
{
    std::optional<double> inputPerM;      // USD per 1M input tokens
    std::optional<double> outputPerM;     // USD per 1M output tokens
    std::optional<double> cacheReadPerM;  // USD per 1M cached input tokens
    std::optional<double> cacheWritePerM; // USD per 1M cache-write tokens
    std::optional<double> reasoningPerM;  // USD per 1M internal reasoning tokens
    std::optional<double> perRequest;     // USD per request
    std::optional<double> perImage;       // USD per image

    bool isFree() const;
    // Cost of a request at these prices; absent prices count as zero.
    double costFor(qint64 inputTokens, qint64 outputTokens, qint64 cachedTokens = 0) const;
};

struct ModelInfo
{
    QString id; // provider/model
    QString name;
    QString provider; // display name, e.g. "OpenAI"
    QString description;
    QString category; // text / image / audio / embedding / multimodal / ... (open set)
    qint64 contextLength = 0;
    qint64 maxOutputTokens = 0;
    QDateTime created; // invalid when the gateway did not say
    ModelPricing pricing;
    QStringList capabilities; // open set, kept as given
    QStringList inputModalities;
    QStringList outputModalities;
    QStringList supportedParameters;
    QJsonObject raw; // the entry as received, for detail views and re-parsing

    QString providerSlug() const { return id.section(u'/', 0, 0); }
};

} // namespace anyrouter
