// UsageWorker: ledger read + aggregation for one usage report, on the worker's connection.
#include "core/usage/UsageWorker.h"

#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"

#include <QCoreApplication>
#include <QElapsedTimer>

namespace anyrouter {

using namespace Qt::StringLiterals;

UsageWorker::UsageWorker(const QString& databasePath, Database* inlineDatabase)
    : m_worker(databasePath, u"usage-worker"_s, inlineDatabase)
{}

void UsageWorker::report(const CancelToken& cancelled, UsageReportJob job,
                         std::function<void(UsageReport)> done)
{
    m_worker.post(cancelled, [job = std::move(job), done = std::move(done)](Database* db) {
        if (!db) {
            done(compute(job, nullptr,
                         QCoreApplication::translate("UsageWorker", "the database could not be opened")));
            return;
        }
        const UsageLedger ledger(*db);
        done(compute(job, &ledger));
    });
}

UsageReport UsageWorker::compute(const UsageReportJob& job, const UsageLedger* ledger,
                                 const QString& openError)
{
    UsageReport r;
    r.query = job.query;
    QElapsedTimer timer;
    timer.start();
    const UsageWindow window = UsageAggregator::windowFor(job.query, job.now, job.zone);
    QList<LedgerEntry> entries;
    if (job.readLedger) {
        if (ledger)
            entries = ledger->entries(job.workspaceFilter, window.from(), window.lastMsec());
        else
            r.readError = openError.isEmpty() ? u"no ledger"_s : openError;
    }
    r.rows = entries.size();
    r.readMs = timer.restart();
    switch (job.query.source) {
    case UsageSource::Ledger:
        r.series = UsageAggregator::fromLedger(job.query, window, entries, job.names);
        break;
    case UsageSource::Gateway:
        r.series = UsageAggregator::fromActivity(job.query, window, job.activity);
        break;
    case UsageSource::Reconciled:
        r.reconciliation = UsageAggregator::reconcile(window, entries, job.activity);
        r.series = UsageAggregator::fromReconciliation(job.query, window, *r.reconciliation);
        break;
    }
    r.aggregateMs = timer.elapsed();
    return r;
}

} // namespace anyrouter
