// Fuzz target: the account-console parsers — /credits (both documented shapes), /keys, /health,
// /generation and /activity bodies — and the money formatting their figures go through. Properties:
// no crash and no undefined behaviour (absurd numbers, dates, nesting), whatever the body.
#include "core/account/Money.h"
#include "core/api/AccountService.h"
#include "core/api/HealthService.h"
#include "core/api/UsageService.h"

#include "FuzzSupport.h"

#include <QJsonDocument>

using namespace anyrouter;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::ensureCoreApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const QJsonDocument doc = QJsonDocument::fromJson(body);

    if (const auto credits = AccountService::parseCredits(doc)) {
        if (!credits->balance)
            fuzz::fail("parseCredits() gave credits without a balance", fuzz::escapedBytes(body));
        (void)plainUsd(*credits->balance);
        (void)plainUsd(credits->totalCredits.value_or(0.0));
        (void)plainUsd(credits->totalUsage.value_or(0.0));
    }
    for (const ApiKeyInfo& k : AccountService::parseKeys(doc)) {
        (void)k.createdAt.toString(Qt::ISODate);
        (void)k.expiresAt.toMSecsSinceEpoch();
        (void)plainUsd(k.limit.value_or(0.0));
        (void)plainUsd(k.usage.value_or(0.0));
    }
    const HealthStatus health = HealthService::parseHealth(doc);
    (void)health.isHealthy();
    if (const auto gen = UsageService::parseGeneration(doc))
        (void)plainUsd(gen->totalCost.value_or(0.0));
    for (const ActivityRow& row : UsageService::parseActivity(doc))
        (void)row.date.toString(Qt::ISODate);
    return 0;
}
