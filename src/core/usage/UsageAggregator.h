// UsageAggregator: pure functions that turn usage rows into chart series. Three sources:
//  - the local ledger (every request this app made; any grouping; hourly or daily in the user's zone),
//  - the gateway's /activity (daily UTC rows per model for the whole account: it cannot be split by
//    key or workspace, so such a query falls back to models and says so in UsageSeries::note),
//  - a reconciliation of the two per UTC day and model. Requests made from other clients with the
//    same account appear only on the gateway side; requests the gateway has not counted yet (or that
//    failed before it billed them) appear only on the ledger side.
// No I/O and no widgets: safe to run on a worker thread.
#pragma once

#include "core/domain/Account.h"
#include "core/storage/UsageLedger.h"
#include "core/usage/UsageSeries.h"

#include <QHash>

namespace anyrouter {

struct UsageTotals
{
    double cost = 0;
    qint64 requests = 0;
    qint64 tokens = 0; // prompt + completion

    double value(UsageMetric metric) const;
    UsageTotals& operator+=(const UsageTotals& o);
    UsageTotals operator-(const UsageTotals& o) const;
    bool operator==(const UsageTotals&) const = default;
};

// One UTC day x model, as both sides see it.
struct ReconciliationRow
{
    QDate day;
    QString model;
    UsageTotals ledger, gateway;
    bool inLedger = false, onGateway = false;
    UsageTotals difference() const { return gateway - ledger; } // > 0: other clients / not in the ledger
};

struct ReconciliationDay
{
    QDate day;
    UsageTotals ledger, gateway;
    QStringList gatewayOnlyModels; // models the gateway counted that day and this app did not use
    QStringList ledgerOnlyModels;  // models this app used that day that the gateway does not list
    UsageTotals difference() const { return gateway - ledger; }
};

struct UsageReconciliation
{
    QList<ReconciliationRow> rows; // by day, then model
    QList<ReconciliationDay> days; // every day of the window, empty ones included
    UsageTotals ledger, gateway;
    QList<QDate> gatewayOnlyDays;  // activity on the gateway, nothing in the ledger
    QList<QDate> ledgerOnlyDays;   // ledger rows, nothing on the gateway
    qint64 unbilledLedgerRows = 0; // failed ledger rows with no tokens and no cost: left out
    UsageTotals difference() const { return gateway - ledger; }
};

class UsageAggregator
{
public:
    // Stack names of a reconciled series, in this order.
    // Short, because they are legend entries; the panel explains them in its source line.
    static QString matchedGroupName();     // counted by both
    static QString gatewayOnlyGroupName(); // other clients, or not in this app's ledger
    static QString ledgerOnlyGroupName();  // not (yet) counted by the gateway, or failed unbilled

    // Which workspace's ledger rows a query needs: empty (= all) when grouping ledger rows by
    // workspace, else the current one.
    static QString ledgerWorkspaceFilter(const UsageQuery& query, const QString& currentWorkspaceId);

    // Ledger rows -> series over window. Rows outside the window are ignored. Cost: the row's cost
    // (absent = $0, counted in unpricedRequests); Tokens: prompt + completion; Requests: every row,
    // failed ones included (they are requests the app made). workspaceNames maps id -> display name.
    static UsageSeries fromLedger(const UsageQuery& query, const UsageWindow& window,
                                  const QList<LedgerEntry>& entries,
                                  const QHash<QString, QString>& workspaceNames = {});
    // Gateway activity rows -> daily series by model (window should be UsageWindow::utcDaysForQuery).
    static UsageSeries fromActivity(const UsageQuery& query, const UsageWindow& window,
                                    const QList<ActivityRow>& rows);
    // Ledger vs gateway per UTC day and model. The ledger rows should be the current workspace's
    // (the gateway account behind it). A failed row counts only when it carries tokens or a cost,
    // since only then may the gateway have billed it.
    static UsageReconciliation reconcile(const UsageWindow& window, const QList<LedgerEntry>& entries,
                                         const QList<ActivityRow>& rows);
    // Reconciliation -> series with three stacks (matched, gateway only, ledger only) per day;
    // each bucket totals the larger of the two sides, summed per model.
    static UsageSeries fromReconciliation(const UsageQuery& query, const UsageWindow& window,
                                          const UsageReconciliation& reconciliation);

    // The whole pipeline for one query: picks the window and the source. entries must cover the
    // window (and, for Reconciled, the UTC days around it) for ledgerWorkspaceFilter().
    static UsageSeries aggregate(const UsageQuery& query, const QDateTime& now, const QTimeZone& zone,
                                 const QList<LedgerEntry>& entries, const QList<ActivityRow>& activity,
                                 const QHash<QString, QString>& workspaceNames = {});
    // The window aggregate() uses (ledger: the user's zone; gateway/reconciled: UTC days).
    static UsageWindow windowFor(const UsageQuery& query, const QDateTime& now, const QTimeZone& zone);

    static bool isBillable(const LedgerEntry& e);
};

} // namespace anyrouter
