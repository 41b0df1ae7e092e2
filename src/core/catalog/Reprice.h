// Reprice: pure cost arithmetic — the price of N input/M output tokens on a model, and what a stored
// conversation would have cost on another model, from its per-message token counts.
#pragma once

#include "core/domain/Conversation.h"
#include "core/domain/ModelInfo.h"

#include <QList>
#include <QString>

#include <optional>

namespace anyrouter {

// Cost arithmetic (pure):
struct RepriceRow
{
    qint64 messageId = 0;
    QString originalModel;
    qint64 promptTokens = 0, completionTokens = 0, cachedTokens = 0;
    std::optional<double> originalCost; // stored
    double costOnTarget = 0;
};
struct RepriceResult
{
    QList<RepriceRow> rows;
    double originalTotal = 0; // sum of the stored costs that are known
    double targetTotal = 0;
    int messagesWithoutUsage = 0;    // assistant messages without token counts (not re-priced)
    int rowsWithoutOriginalCost = 0; // re-priced rows whose original cost was not stored
};
// Assistant messages with token counts become rows; other assistant messages are counted as without usage.
RepriceResult repriceConversation(const QList<Message>& messages, const ModelPricing& target);
double costForTokens(const ModelPricing& p, qint64 inputTokens, qint64 outputTokens); // = p.costFor

} // namespace anyrouter
