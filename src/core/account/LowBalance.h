// LowBalance: the rule behind the low-balance warning (status bar now, tray later): a known balance
// below the user's threshold is low. A threshold of 0 or less turns the warning off.
#pragma once

#include "core/account/Money.h"

#include <QString>

#include <optional>

namespace anyrouter {

struct LowBalance
{
    bool low = false;
    QString message; // plain words when low, else empty

    // An unknown balance is never low: a key that cannot read credits must not raise a false alarm.
    // A bogus one (see isPlausibleAccountUsd) counts as unknown.
    static LowBalance evaluate(std::optional<double> balance, double threshold,
                               const MoneyFormatter& money = {});
};

} // namespace anyrouter
