// BalanceRecorder: the 10-minute snapshot rule over BalanceHistory.
#include "core/account/BalanceRecorder.h"

#include "core/account/AccountLog.h"
#include "core/account/Money.h"
#include "core/storage/BalanceHistory.h"

namespace anyrouter {

BalanceRecorder::Outcome BalanceRecorder::record(const QString& workspaceId, const Credits& credits,
                                                 const QDateTime& now)
{
    // A bogus figure (1e308, inf) is not stored: every later forecast would be built on it.
    const auto plausible = [](std::optional<double> v) {
        return v && isPlausibleAccountUsd(*v) ? v : std::nullopt;
    };
    const std::optional<double> balance = plausible(credits.balance);
    const std::optional<double> totalUsage = plausible(credits.totalUsage);
    if (!m_history || workspaceId.isEmpty() || (!balance && !totalUsage))
        return Outcome::Nothing;
    // Strictly younger than 10 minutes blocks: a reading exactly 10 minutes later is kept.
    const QDateTime since = now.addSecs(-kMinIntervalSecs).addMSecs(1);
    if (!m_history->list(workspaceId, since, now).isEmpty())
        return Outcome::TooSoon;
    if (!m_history->record(workspaceId, now, balance, totalUsage)) {
        qCWarning(lcAccount) << "could not store a balance snapshot for workspace" << workspaceId;
        return Outcome::Failed;
    }
    return Outcome::Recorded;
}

} // namespace anyrouter
