// LowBalance: balance below threshold -> warning text.
#include "core/account/LowBalance.h"

#include <QCoreApplication>

namespace anyrouter {

LowBalance LowBalance::evaluate(std::optional<double> balance, double threshold, const MoneyFormatter& money)
{
    LowBalance r;
    // A bogus reading (nan, inf, -1e308) is an unknown balance: no "$nan left" warning.
    if (!balance || !isPlausibleAccountUsd(*balance) || !(threshold > 0) || *balance >= threshold)
        return r;
    r.low = true;
    if (*balance <= 0) {
        r.message = QCoreApplication::translate("anyrouter::LowBalance",
                                                "The balance is used up (%1). Add credits to keep requests "
                                                "working.")
                        .arg(formatMoney(money, *balance));
    } else {
        r.message = QCoreApplication::translate("anyrouter::LowBalance",
                                                "Low balance: %1 left, below your warning level of %2.")
                        .arg(formatMoney(money, *balance), formatMoney(money, threshold));
    }
    return r;
}

} // namespace anyrouter
