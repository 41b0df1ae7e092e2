// Format: how the UI writes prices, token counts and costs, so every page (chat header and stats,
// overview, model picker, Models page) agrees and tests can compute the expected text.
#pragma once

#include <QString>

#include <optional>

namespace anyrouter::format {

// "$3.00", "$0.075", "free", or "—" when the gateway did not say. Prices are USD per 1M tokens.
QString pricePerM(const std::optional<double>& usdPerM);
// A plain USD amount with enough digits for sub-cent figures: "$1.25", "$0.000450".
QString usd(double amount);
// "128K", "1M", "—" for 0 (unknown).
QString tokens(qint64 count);

} // namespace anyrouter::format
