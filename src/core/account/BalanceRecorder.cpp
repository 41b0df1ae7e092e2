// BalanceRecorder: the 10-minute snapshot rule over BalanceHistory.
#include "BalanceRecorder.h"

#include "AccountLog.h"
#include "storage/BalanceHistory.h"

namespace anyrouter {

BalanceRecorder::Outcome BalanceRecorder::record(const QString& workspaceId, const Credits& credits,
                                                 const QDateTime& now)
{
    if (!m_history || workspaceId.isEmpty() || (!credits.balance && !credits.totalUsage))
        return Outcome::Nothing;
    // Strictly younger than 10 minutes blocks: a reading exactly 10 minutes later is kept.
    const QDateTime since = now.addSecs(-kMinIntervalSecs).addMSecs(1);
    if (!m_history->list(workspaceId, since, now).isEmpty())
        return Outcome::TooSoon;
    if (!m_history->record(workspaceId, now, credits.balance, credits.totalUsage)) {
        qCWarning(lcAccount) << "could not store a balance snapshot for workspace" << workspaceId;
        return Outcome::Failed;
    }
    return Outcome::Recorded;
}

} // namespace anyrouter
