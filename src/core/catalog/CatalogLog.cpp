// Definition of the anyrouter.catalog logging category.
#include "core/catalog/CatalogLog.h"

namespace anyrouter {
Q_LOGGING_CATEGORY(lcCatalog, "anyrouter.catalog")
} // namespace anyrouter
