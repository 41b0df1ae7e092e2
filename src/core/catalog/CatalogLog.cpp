// Definition of the anyrouter.catalog logging category.
#include "CatalogLog.h"

namespace anyrouter {
Q_LOGGING_CATEGORY(lcCatalog, "anyrouter.catalog")
} // namespace anyrouter
