// Logging category of the account subsystem (credits, balance snapshots, forecasts, health panels).
// Never log keys.
#pragma once

#include <QLoggingCategory>

namespace anyrouter {
Q_DECLARE_LOGGING_CATEGORY(lcAccount)
} // namespace anyrouter
