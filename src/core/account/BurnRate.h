// BurnRate: how fast the balance runs down, from what this machine knows — balance snapshots the
// credits panel stored and the local usage ledger — and how long the balance lasts at that pace
// ("at the last 7 days' spend, the balance lasts N days"). Pure arithmetic with an injected `now`,
// so every figure can be checked by hand in tests.
#pragma once

#include "core/account/Money.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/UsageLedger.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace anyrouter {

struct BurnRate
{
    // Where the spend figure came from, best first (what compute() prefers):
    enum class Source
    {
        None,         // not enough history for a forecast
        TotalUsage,   // increases of the gateway's total_usage between snapshots (exact, top-up proof)
        BalanceDrops, // decreases of the balance between snapshots (a top-up interval counts as 0)
        Ledger,       // costs of the requests this app made (misses spend by other clients)
    };

    struct Input
    {
        QList<BalanceSnapshot> snapshots; // any range; the newest one at or before the window start
                                          // serves as baseline, so pass some history before it
        QList<LedgerEntry> ledger;        // entries of the workspace; only those with a cost count
        std::optional<double> balance;    // the current balance; empty: the newest snapshot's
        // Since when the ledger is known to record this workspace's requests (empty: from its first
        // entry). Without it a quiet start of the week cannot be told from no history at all.
        QDateTime ledgerSince;
    };

    static constexpr int kDefaultWindowDays = 7;

    Source source = Source::None;
    int windowDays = kDefaultWindowDays;
    double spend = 0;       // USD spent within the window, over the span the data covers
    double historyDays = 0; // the span the data covers (0 .. windowDays)
    double perDay = 0;      // spend / max(historyDays, 1): a burst shorter than a day counts as a day
    bool partial = false;   // the data covers less than the window (by more than an hour)
    int topUps = 0;         // balance or usage steps in the wrong direction that were left out
    std::optional<double> balance;
    std::optional<double> daysLeft; // balance / perDay; empty with no spend or an unknown balance

    bool hasForecast() const { return daysLeft.has_value(); }
    // Plain words, e.g. "In the last 7 days you spent $3.50 ($0.50 a day); at that rate the balance
    // of $12.50 lasts about 25 days." or "No spend in the last 7 days: the balance is not running down."
    QString describe(const MoneyFormatter& money = {}) const;

    // Data rules: a snapshot source needs two readings; it wins over the ledger unless it covers
    // less than a day and less than the ledger does (two readings ten minutes apart say little).
    // A span shorter than an hour without spend is "not enough history".
    static BurnRate compute(const Input& input, const QDateTime& now, int windowDays = kDefaultWindowDays);

    static QString sourceName(Source s); // "total usage", "balance", "this app's requests", "none"
};

// "3 hours", "1 day", "2.5 days": how the forecast names a span of history.
QString describeSpan(double days);

} // namespace anyrouter
