// Definition of the anyrouter.sim logging category.
#include "sim/SimLog.h"

namespace anyrouter::sim {
Q_LOGGING_CATEGORY(lcSim, "anyrouter.sim")
} // namespace anyrouter::sim
