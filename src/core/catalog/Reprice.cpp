// Reprice: cost arithmetic over stored token counts.
#include "core/catalog/Reprice.h"

namespace anyrouter {

RepriceResult repriceConversation(const QList<Message>& messages, const ModelPricing& target)
{
    RepriceResult out;
    for (const Message& msg : messages) {
        if (msg.role != MessageRole::Assistant)
            continue;
        const Usage& u = msg.usage;
        if (!u.promptTokens && !u.completionTokens) {
            // Nothing to re-price (older rows, errors, gateways that sent no usage); counted so the
            // page can say the comparison is partial.
            ++out.messagesWithoutUsage;
            continue;
        }
        RepriceRow row;
        row.messageId = msg.id;
        row.originalModel = msg.servedModel.isEmpty() ? msg.model : msg.servedModel;
        row.promptTokens = qMax<qint64>(0, u.promptTokens.value_or(0));
        row.completionTokens = qMax<qint64>(0, u.completionTokens.value_or(0));
        // Cached tokens are part of the prompt count (OpenAI convention); never more than it.
        row.cachedTokens = qBound<qint64>(0, u.cachedTokens.value_or(0), row.promptTokens);
        row.originalCost = u.cost;
        row.costOnTarget = target.costFor(row.promptTokens, row.completionTokens, row.cachedTokens);
        if (row.originalCost)
            out.originalTotal += *row.originalCost;
        else
            ++out.rowsWithoutOriginalCost;
        out.targetTotal += row.costOnTarget;
        out.rows.append(row);
    }
    return out;
}

double costForTokens(const ModelPricing& p, qint64 inputTokens, qint64 outputTokens)
{
    return p.costFor(qMax<qint64>(0, inputTokens), qMax<qint64>(0, outputTokens));
}

} // namespace anyrouter
