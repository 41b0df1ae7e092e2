// The simulator's logging category, anyrouter.sim. Request lines never carry keys or bodies.
#pragma once

#include <QLoggingCategory>

namespace anyrouter::sim {
Q_DECLARE_LOGGING_CATEGORY(lcSim)
} // namespace anyrouter::sim
