// Logging category of the catalog subsystem (repository, change marks). Never log keys.
#pragma once

#include <QLoggingCategory>

namespace anyrouter {
Q_DECLARE_LOGGING_CATEGORY(lcCatalog)
} // namespace anyrouter
