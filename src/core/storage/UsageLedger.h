// UsageLedger: one row per request this app made (chat, catalog, account calls), the local source of
// usage charts that works against every gateway. Rows outlive their conversations.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace anyrouter {

class Database;

struct LedgerEntry
{
    qint64 id = 0;
    QDateTime at; // invalid on record() -> now
    QString workspaceId, keyLabel, endpoint, model, provider, generationId;
    qint64 promptTokens = 0, completionTokens = 0, cachedTokens = 0, reasoningTokens = 0;
    std::optional<double> cost; // USD; absent when neither the gateway nor an estimate gave one
    QString costSource;         // "gateway" | "estimate" | ""
    double latencyMs = 0;
    std::optional<double> ttftMs;
    QString status; // "ok" | "error" | "cancelled"; empty is stored as "ok"
    QString errorCategory;
    qint64 messageId = 0; // 0 = not tied to a message
};

// The cost_source of a row whose cost was absurd (negative, non-finite, over Usage::kMaxCostUsd):
// the cost is dropped (NULL), and the row says why it has none.
inline const QString kRejectedCostSource = QStringLiteral("rejected");

// Applies the bounds of Usage to a row: token counts outside [0, Usage::kMaxTokens] become 0, an
// absurd cost becomes absent (cost_source "rejected"), a negative or non-finite latency 0 and TTFT
// absent. Returns whether anything changed. record() and entries() apply it.
bool sanitizeLedgerEntry(LedgerEntry& e);

class UsageLedger
{
public:
    explicit UsageLedger(Database& db);

    bool record(LedgerEntry& e); // sets id (and at when invalid); sanitizes e first
    // Rows are sanitized as they are read: totals built from them never go negative or infinite.
    // Entries with from <= at <= to (an invalid bound is open), oldest first. workspaceId empty = all.
    QList<LedgerEntry> entries(const QString& workspaceId, const QDateTime& from, const QDateTime& to) const;
    // Costs summed per hour (at = the hour's start, UTC; cost = the sum; other fields empty), for
    // forecasts that need spend over days without reading every row. Rows without a cost, or with
    // one outside [0, Usage::kMaxCostUsd] (old rows), are left out.
    QList<LedgerEntry> hourlyCosts(const QString& workspaceId, const QDateTime& from,
                                   const QDateTime& to) const;
    // When the ledger first recorded a request of the workspace; invalid when never.
    QDateTime firstEntryAt(const QString& workspaceId) const;
    // For a cost that arrives later (e.g. from /generation); an absurd cost is refused (false).
    bool updateCost(qint64 id, double cost, const QString& source);

private:
    Database& m_db;
};

} // namespace anyrouter
