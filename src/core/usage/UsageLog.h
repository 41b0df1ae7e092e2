// Logging category of the usage subsystem (chart aggregation, reconciliation, export). Never log keys.
#pragma once

#include <QLoggingCategory>

namespace anyrouter {
Q_DECLARE_LOGGING_CATEGORY(lcUsage)
} // namespace anyrouter
