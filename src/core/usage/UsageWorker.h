// UsageWorker: the usage report job — read the ledger rows a query needs and aggregate them (with the
// gateway's activity rows, for the gateway and reconciled views) into a chart series — on a
// DatabaseWorker thread with its own database connection. A month of ledger rows can reach tens of
// thousands (measured for 50k in a release build: about 0.3 s to read, 10-30 ms to aggregate), so
// none of it runs on the GUI thread; SQLite in WAL mode lets the worker read while the GUI writes.
#pragma once

#include "core/domain/Account.h"
#include "core/storage/DatabaseWorker.h"
#include "core/usage/UsageAggregator.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <functional>
#include <optional>

namespace anyrouter {

class Database;
class UsageLedger;

// Everything one report needs, copied: the job never touches its asker or the GUI thread's connection.
struct UsageReportJob
{
    UsageQuery query; // source already resolved (the ledger when gateway data is missing)
    QDateTime now;
    QTimeZone zone;                // the user's zone, for ledger buckets
    QHash<QString, QString> names; // workspace id -> name, for stacks by workspace
    QList<ActivityRow> activity;   // for the gateway and reconciled sources
    bool readLedger = false;       // false: no workspace, or the gateway source alone
    QString workspaceFilter;       // UsageAggregator::ledgerWorkspaceFilter()
};

// One finished report.
struct UsageReport
{
    UsageQuery query; // what it answers (source resolved)
    UsageSeries series;
    std::optional<UsageReconciliation> reconciliation; // for the reconciled source
    QString readError;                                 // the ledger could not be read (empty: it was)
    qint64 rows = 0;                                   // ledger rows read
    qint64 readMs = 0;
    qint64 aggregateMs = 0;
};

class UsageWorker
{
public:
    // As DatabaseWorker: a file path gives a thread with its own connection; an empty or in-memory
    // path runs reports at once against `inlineDatabase` (the caller's connection).
    UsageWorker(const QString& databasePath, Database* inlineDatabase = nullptr);

    // Queues the report; `done` runs on the worker thread with the result (not at all when
    // `cancelled` is set before the job's turn). Deliver it with DatabaseWorker::deliver.
    void report(const CancelToken& cancelled, UsageReportJob job, std::function<void(UsageReport)> done);
    bool isThreaded() const { return m_worker.isThreaded(); }

    // The job itself, on the calling thread: `ledger` nullptr means the ledger could not be opened
    // (openError says why); the activity-only views still compute.
    static UsageReport compute(const UsageReportJob& job, const UsageLedger* ledger,
                               const QString& openError = {});

private:
    DatabaseWorker m_worker;
};

} // namespace anyrouter
