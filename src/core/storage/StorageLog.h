// Logging category of the storage subsystem (database, settings, secrets). Never log secret values.
#pragma once

#include <QLoggingCategory>

namespace anyrouter {
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
} // namespace anyrouter
