// Definition of the anyrouter.storage logging category.
#include "StorageLog.h"

namespace anyrouter {
Q_LOGGING_CATEGORY(lcStorage, "anyrouter.storage")
} // namespace anyrouter
