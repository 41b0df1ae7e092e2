// Account-side value types: credits, API keys, generation stats, activity rows, gateway health.
#pragma once

#include "core/domain/Usage.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace anyrouter {

struct Credits
{
    std::optional<double> balance;      // USD remaining
    std::optional<double> totalCredits; // USD ever granted/bought (OpenRouter shape)
    std::optional<double> totalUsage;   // USD spent
};

struct ApiKeyInfo
{
    QString hash; // the key's id for PATCH/DELETE/reveal
    QString name;
    QString maskedKey; // label / key_prefix
    QDateTime createdAt;
    QDateTime lastUsedAt;
    QDateTime expiresAt;
    bool disabled = false;
    bool canReveal = false;
    std::optional<double> limit; // USD spend limit
    std::optional<double> limitRemaining;
    QString limitReset;          // daily / weekly / monthly / empty
    std::optional<double> usage; // USD spent
};

struct NewKeyRequest
{
    QString name;
    std::optional<double> limit;
    QString limitReset;
    QDateTime expiresAt;
};

struct CreatedKey
{
    ApiKeyInfo info;
    QString secret; // shown once; never persisted
};

struct GenerationStats
{
    QString id;
    QString model;
    QString provider;
    std::optional<double> totalCost;
    std::optional<qint64> promptTokens;
    std::optional<qint64> completionTokens;
    std::optional<double> latencyMs;
    std::optional<double> generationTimeMs;
    QString finishReason;
};

// One bucket of gateway-side activity (OpenRouter-style /activity): per day and model.
struct ActivityRow
{
    QDate date;
    QString model;
    QString provider;
    std::optional<double> usage; // USD
    qint64 requests = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 reasoningTokens = 0;
};

struct ProviderHealth
{
    QString name;        // the provider's id/slug as given
    QString displayName; // "Google Vertex" where the gateway gives one, else empty
    QString label() const { return displayName.isEmpty() ? name : displayName; }
    QString status; // "ok" / "degraded" / "down" / as given
    std::optional<double> latencyMs;
};

struct HealthStatus
{
    QString status; // top-level status string as given ("ok", "degraded", ...)
    QList<ProviderHealth> providers;
    bool isHealthy() const;
};

} // namespace anyrouter
