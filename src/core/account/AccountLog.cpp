// Definition of the anyrouter.account logging category.
#include "core/account/AccountLog.h"

namespace anyrouter {
Q_LOGGING_CATEGORY(lcAccount, "anyrouter.account")
} // namespace anyrouter
