#include "core/domain/ModelInfo.h"

namespace anyrouter {

bool ModelPricing::isFree() const
{
    return inputPerM.value_or(0.0) == 0.0 && outputPerM.value_or(0.0) == 0.0 &&
           perRequest.value_or(0.0) == 0.0;
}

double ModelPricing::costFor(qint64 inputTokens, qint64 outputTokens, qint64 cachedTokens) const
{
    const qint64 uncached = qMax<qint64>(0, inputTokens - cachedTokens);
    const double cachedRate = cacheReadPerM.value_or(inputPerM.value_or(0.0));
    return (double(uncached) * inputPerM.value_or(0.0) + double(cachedTokens) * cachedRate +
            double(outputTokens) * outputPerM.value_or(0.0)) /
               1'000'000.0 +
           perRequest.value_or(0.0);
}

} // namespace anyrouter
