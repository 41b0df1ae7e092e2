// Definition of the anyrouter.usage logging category.
#include "core/usage/UsageLog.h"

namespace anyrouter {
Q_LOGGING_CATEGORY(lcUsage, "anyrouter.usage")
} // namespace anyrouter
