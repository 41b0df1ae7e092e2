// UsageLedger: SQL for the usage_ledger table. Figures are validated on the way in and on the way
// out (rows written by older versions may hold -12.5 or 1e308), so no total built from the ledger
// goes negative or infinite.
#include "core/storage/UsageLedger.h"

#include "core/domain/Usage.h"
#include "core/storage/Database.h"
#include "core/storage/SqlUtil.h"
#include "core/storage/StorageLog.h"

#include <QSqlQuery>

#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

qint64 validCount(qint64 n)
{
    return Usage::isValidTokenCount(n) ? n : 0;
}

} // namespace

bool sanitizeLedgerEntry(LedgerEntry& e)
{
    const LedgerEntry before = e;
    e.promptTokens = validCount(e.promptTokens);
    e.completionTokens = validCount(e.completionTokens);
    e.cachedTokens = validCount(e.cachedTokens);
    e.reasoningTokens = validCount(e.reasoningTokens);
    bool changed = e.promptTokens != before.promptTokens || e.completionTokens != before.completionTokens ||
                   e.cachedTokens != before.cachedTokens || e.reasoningTokens != before.reasoningTokens;
    if (e.cost && !Usage::isValidCost(*e.cost)) {
        e.cost.reset();
        e.costSource = kRejectedCostSource;
        changed = true;
    }
    if (!Usage::validDurationMs(e.latencyMs)) {
        e.latencyMs = 0;
        changed = true;
    }
    if (e.ttftMs && !Usage::validDurationMs(e.ttftMs)) {
        e.ttftMs.reset();
        changed = true;
    }
    return changed;
}

UsageLedger::UsageLedger(Database& db) : m_db(db) {}

bool UsageLedger::record(LedgerEntry& e)
{
    if (sanitizeLedgerEntry(e))
        qCWarning(lcStorage) << "usage row with absurd figures: stored without them";
    const QDateTime at = e.at.isValid() ? e.at : sql::nowUtc();
    const QString status = e.status.isEmpty() ? u"ok"_s : e.status;
    QSqlQuery q(m_db.connection());
    q.prepare(
        u"INSERT INTO usage_ledger (at, workspace_id, key_label, endpoint, model, provider, generation_id,"
        " prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost, cost_source, latency_ms,"
        " ttft_ms, status, error_category, message_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(sql::fromTime(at));
    q.addBindValue(sql::text(e.workspaceId));
    q.addBindValue(sql::text(e.keyLabel));
    q.addBindValue(sql::text(e.endpoint));
    q.addBindValue(sql::text(e.model));
    q.addBindValue(sql::text(e.provider));
    q.addBindValue(sql::text(e.generationId));
    q.addBindValue(e.promptTokens);
    q.addBindValue(e.completionTokens);
    q.addBindValue(e.cachedTokens);
    q.addBindValue(e.reasoningTokens);
    q.addBindValue(sql::fromOptional(e.cost));
    q.addBindValue(sql::text(e.costSource));
    q.addBindValue(e.latencyMs);
    q.addBindValue(sql::fromOptional(e.ttftMs));
    q.addBindValue(status);
    q.addBindValue(sql::text(e.errorCategory));
    q.addBindValue(sql::idOrNull(e.messageId));
    if (!sql::exec(q, "record usage"))
        return false;
    e.id = q.lastInsertId().toLongLong();
    e.at = at;
    e.status = status;
    return true;
}

QList<LedgerEntry> UsageLedger::hourlyCosts(const QString& workspaceId, const QDateTime& from,
                                            const QDateTime& to) const
{
    QList<LedgerEntry> result;
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    // Only costs a request can have (see Usage::isValidCost): an old row's -12.5 or 1e308 (or an
    // infinity, which SQLite stores as a REAL) stays out of the sums. NULL and NaN fail both tests.
    q.prepare(u"SELECT (at / 3600000) * 3600000 AS hour, SUM(cost) FROM usage_ledger"
              " WHERE workspace_id = ? AND at >= ? AND at <= ? AND cost >= 0 AND cost <= ?"
              " GROUP BY hour ORDER BY hour"_s);
    q.addBindValue(sql::text(workspaceId));
    q.addBindValue(sql::lowerBound(from));
    q.addBindValue(sql::upperBound(to));
    q.addBindValue(Usage::kMaxCostUsd);
    sql::forEachRow(q, "read hourly usage", [&](const QSqlQuery& row) {
        LedgerEntry e;
        e.at = sql::toTime(row.value(0));
        e.workspaceId = workspaceId;
        const double sum = row.value(1).toDouble();
        if (!std::isfinite(sum) || sum < 0)
            return; // cannot happen with the bounds above; a sum is never negative or infinite
        e.cost = sum;
        result.append(e);
    });
    return result;
}

QDateTime UsageLedger::firstEntryAt(const QString& workspaceId) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"SELECT MIN(at) FROM usage_ledger WHERE workspace_id = ?"_s);
    q.addBindValue(sql::text(workspaceId));
    // MIN() of no rows is NULL: an invalid time.
    return sql::selectOne(q, "read first usage",
                          [](const QSqlQuery& row) { return sql::toTime(row.value(0)); })
        .value_or(QDateTime());
}

QList<LedgerEntry> UsageLedger::entries(const QString& workspaceId, const QDateTime& from,
                                        const QDateTime& to) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(
        u"SELECT id, at, workspace_id, key_label, endpoint, model, provider, generation_id, prompt_tokens,"
        " completion_tokens, cached_tokens, reasoning_tokens, cost, cost_source, latency_ms, ttft_ms, status,"
        " error_category, message_id FROM usage_ledger"
        " WHERE at >= ? AND at <= ?"_s
        // Two shapes so SQLite can use the (workspace_id, at) index when filtering.
        + (workspaceId.isEmpty() ? QString() : u" AND workspace_id = ?"_s) + u" ORDER BY at, id"_s);
    q.addBindValue(sql::lowerBound(from));
    q.addBindValue(sql::upperBound(to));
    if (!workspaceId.isEmpty())
        q.addBindValue(sql::text(workspaceId));
    return sql::selectAll(q, "read usage", [](const QSqlQuery& row) {
        LedgerEntry e;
        e.id = row.value(0).toLongLong();
        e.at = sql::toTime(row.value(1));
        e.workspaceId = row.value(2).toString();
        e.keyLabel = row.value(3).toString();
        e.endpoint = row.value(4).toString();
        e.model = row.value(5).toString();
        e.provider = row.value(6).toString();
        e.generationId = row.value(7).toString();
        e.promptTokens = row.value(8).toLongLong();
        e.completionTokens = row.value(9).toLongLong();
        e.cachedTokens = row.value(10).toLongLong();
        e.reasoningTokens = row.value(11).toLongLong();
        e.cost = sql::toOptional<double>(row.value(12));
        e.costSource = row.value(13).toString();
        e.latencyMs = row.value(14).toDouble();
        e.ttftMs = sql::toOptional<double>(row.value(15));
        e.status = row.value(16).toString();
        e.errorCategory = row.value(17).toString();
        e.messageId = row.value(18).toLongLong();
        sanitizeLedgerEntry(e); // a row from an older version may hold anything
        return e;
    });
}

bool UsageLedger::updateCost(qint64 id, double cost, const QString& source)
{
    if (!Usage::isValidCost(cost)) {
        qCWarning(lcStorage) << "absurd late cost not stored";
        return false;
    }
    QSqlQuery q(m_db.connection());
    q.prepare(u"UPDATE usage_ledger SET cost = ?, cost_source = ? WHERE id = ?"_s);
    q.addBindValue(cost);
    q.addBindValue(sql::text(source));
    q.addBindValue(id);
    return sql::exec(q, "update usage cost") && q.numRowsAffected() == 1;
}

} // namespace anyrouter
