#include "core/domain/Account.h"

namespace anyrouter {

bool HealthStatus::isHealthy() const
{
    const QString s = status.toLower();
    return s == QLatin1String("ok") || s == QLatin1String("healthy") || s == QLatin1String("operational") ||
           s == QLatin1String("up");
}

} // namespace anyrouter
