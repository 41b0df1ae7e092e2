// UsageQuery: what a usage chart asks for (time range, metric, grouping, data source) and the
// UsageWindow of time buckets it covers. Buckets are computed once as absolute instants so that
// assigning tens of thousands of ledger rows needs no time-zone conversion per row.
#pragma once

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QTimeZone>

namespace anyrouter {

enum class UsageRange
{
    Hours24, // hourly buckets, the current hour and the 23 before it
    Days7,   // daily buckets, today and the 6 days before
    Days30,  // daily buckets, today and the 29 days before
    Custom   // daily buckets, customFrom..customTo inclusive
};

enum class UsageMetric
{
    Cost,     // USD
    Tokens,   // prompt + completion
    Requests, // count
};

enum class UsageGroupBy
{
    Model,
    Key,
    Workspace
};

enum class UsageSource
{
    Ledger,    // requests this app made (always available)
    Gateway,   // the gateway's /activity: daily, by model, for the whole account
    Reconciled // both, per UTC day and model: what matches and what only one side has
};

enum class UsageGranularity
{
    Hour,
    Day
};

struct UsageQuery
{
    UsageRange range = UsageRange::Days7;
    QDate customFrom, customTo; // inclusive; only for UsageRange::Custom
    UsageMetric metric = UsageMetric::Cost;
    UsageGroupBy groupBy = UsageGroupBy::Model;
    UsageSource source = UsageSource::Ledger;
    int topGroups = 6; // stacks shown by name; the rest are merged into one "Other" stack

    static UsageQuery custom(const QDate& from, const QDate& to)
    {
        UsageQuery q;
        q.range = UsageRange::Custom;
        q.customFrom = from;
        q.customTo = to;
        return q;
    }
};

struct UsageBucket
{
    QDateTime start; // inclusive, in the window's zone
    QDateTime end;   // exclusive
};

// The buckets of one chart. Ledger charts use the user's zone; gateway and reconciled charts use UTC
// days, because that is how the gateway dates its activity rows.
struct UsageWindow
{
    UsageGranularity granularity = UsageGranularity::Day;
    QTimeZone zone;
    QList<UsageBucket> buckets;

    QDateTime from() const { return buckets.isEmpty() ? QDateTime() : buckets.constFirst().start; }
    // Last included millisecond (UsageLedger::entries() takes an inclusive upper bound).
    QDateTime lastMsec() const
    {
        return buckets.isEmpty() ? QDateTime() : buckets.constLast().end.addMSecs(-1);
    }
    // Index of the bucket holding msecsSinceEpoch, or -1.
    int indexOf(qint64 msecsSinceEpoch) const;
    // Index of the daily bucket for a calendar date (Day granularity only), or -1.
    int indexOfDay(const QDate& day) const;

    // Hours24 -> 24 hourly buckets ending with the hour that holds now; the others -> whole days.
    // Custom ranges with from > to are swapped; a range is capped at 366 days.
    static UsageWindow forQuery(const UsageQuery& query, const QDateTime& now, const QTimeZone& zone);
    // Daily UTC buckets that cover the same range: Hours24 becomes the (one or two) UTC days the last
    // 24 hours touch, since gateway activity has no finer grain.
    static UsageWindow utcDaysForQuery(const UsageQuery& query, const QDateTime& now);
};

} // namespace anyrouter
