// BalanceHistory: balance/total-usage snapshots per workspace, so the account page can chart the
// balance over time even on gateways that only report the current value.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace anyrouter {

class Database;

struct BalanceSnapshot
{
    QDateTime at;
    std::optional<double> balance;    // USD
    std::optional<double> totalUsage; // USD
};

class BalanceHistory
{
public:
    explicit BalanceHistory(Database& db);

    // An invalid `at` is now. Returns false on a database error or when both values are absent.
    bool record(const QString& workspaceId, const QDateTime& at, std::optional<double> balance,
                std::optional<double> totalUsage);
    // Snapshots with from <= at <= to (an invalid bound is open), oldest first.
    QList<BalanceSnapshot> list(const QString& workspaceId, const QDateTime& from, const QDateTime& to) const;

private:
    Database& m_db;
};

} // namespace anyrouter
