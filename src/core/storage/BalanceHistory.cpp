// BalanceHistory: SQL for balance_snapshots.
#include "core/storage/BalanceHistory.h"

#include "core/storage/Database.h"
#include "core/storage/SqlUtil.h"

#include <QSqlQuery>

namespace anyrouter {

using namespace Qt::StringLiterals;

BalanceHistory::BalanceHistory(Database& db) : m_db(db) {}

bool BalanceHistory::record(const QString& workspaceId, const QDateTime& at, std::optional<double> balance,
                            std::optional<double> totalUsage)
{
    if (!balance && !totalUsage)
        return false;
    QSqlQuery q(m_db.connection());
    q.prepare(
        u"INSERT INTO balance_snapshots (workspace_id, at, balance, total_usage) VALUES (?, ?, ?, ?)"_s);
    q.addBindValue(sql::text(workspaceId));
    q.addBindValue(sql::fromTime(at.isValid() ? at : sql::nowUtc()));
    q.addBindValue(sql::fromOptional(balance));
    q.addBindValue(sql::fromOptional(totalUsage));
    return sql::exec(q, "record balance");
}

QList<BalanceSnapshot> BalanceHistory::list(const QString& workspaceId, const QDateTime& from,
                                            const QDateTime& to) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(u"SELECT at, balance, total_usage FROM balance_snapshots"
              " WHERE workspace_id = ? AND at >= ? AND at <= ? ORDER BY at, id"_s);
    q.addBindValue(sql::text(workspaceId));
    q.addBindValue(sql::lowerBound(from));
    q.addBindValue(sql::upperBound(to));
    return sql::selectAll(q, "read balances", [](const QSqlQuery& row) {
        return BalanceSnapshot{sql::toTime(row.value(0)), sql::toOptional<double>(row.value(1)),
                               sql::toOptional<double>(row.value(2))};
    });
}

} // namespace anyrouter
