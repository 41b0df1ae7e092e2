// Definition of the anyrouter.storage logging category.
#include "core/storage/StorageLog.h"

namespace anyrouter {
Q_LOGGING_CATEGORY(lcStorage, "anyrouter.storage")
} // namespace anyrouter
