// BalanceRecorder: decides when a fetched balance becomes a stored snapshot. At most one snapshot per
// workspace per 10 minutes: often enough for a trend chart and a 7-day burn rate, while a panel that
// refreshes on every workspace switch or button press adds at most 144 rows a day (about 4,300 in the
// 30 days the chart shows). Readings in between are still shown live; they are just not kept.
#pragma once

#include "core/domain/Account.h"

#include <QDateTime>
#include <QString>

namespace anyrouter {

class BalanceHistory;

class BalanceRecorder
{
public:
    static constexpr qint64 kMinIntervalSecs = 10 * 60;

    enum class Outcome
    {
        Recorded,
        TooSoon, // a snapshot of this workspace exists within the last 10 minutes
        Nothing, // neither a balance nor a total usage to keep
        Failed,  // database error (logged by storage)
    };

    explicit BalanceRecorder(BalanceHistory* history) : m_history(history) {}

    // A snapshot stamped in the future (the clock was moved back) does not block recording.
    Outcome record(const QString& workspaceId, const Credits& credits, const QDateTime& now);

private:
    BalanceHistory* m_history;
};

} // namespace anyrouter
