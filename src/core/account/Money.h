// Money: how the core account texts (forecast, low-balance warning) write USD amounts. The UI hands
// in its own formatter (ui/common/Format::usd) so every page agrees; the default keeps the core
// usable and testable without the UI library.
#pragma once

#include <QString>

#include <cmath>
#include <functional>

namespace anyrouter {

// An account amount (balance, total usage, credits) a gateway could really report: finite and
// within a billion dollars either way. Anything else (1e308, inf, nan) is a bogus reading that no
// snapshot, spend or forecast may be built from.
inline constexpr double kMaxAccountUsd = 1e9;
inline bool isPlausibleAccountUsd(double usd)
{
    return std::isfinite(usd) && std::abs(usd) <= kMaxAccountUsd;
}

using MoneyFormatter = std::function<QString(double)>;

// "$12.50", "-$0.40": two decimals, locale digits. Used when no formatter is given.
QString plainUsd(double usd);

// The formatter itself, or plainUsd when it is empty.
inline QString formatMoney(const MoneyFormatter& money, double usd)
{
    return money ? money(usd) : plainUsd(usd);
}

} // namespace anyrouter
