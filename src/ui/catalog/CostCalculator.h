// CostCalculator: what N input and M output tokens cost on the selected model, and what the chat's
// open conversation cost on the models that answered it versus what it would have cost on the
// selected one (from the stored per-message token counts; see repriceConversation).
#pragma once

#include "core/catalog/CatalogEntry.h"
#include "core/catalog/Reprice.h"
#include "core/domain/Conversation.h"

#include <QWidget>

#include <optional>

class QLabel;
class QSpinBox;

namespace anyrouter {

class CostCalculator : public QWidget
{
    Q_OBJECT
public:
    explicit CostCalculator(QWidget* parent = nullptr);

    void setEntry(const std::optional<CatalogEntry>& entry);
    // The conversation to re-price; an empty title and list: no conversation is open.
    void setConversation(const QString& title, const QList<Message>& messages);

    std::optional<double> tokenCost() const; // nullopt without a model
    std::optional<RepriceResult> reprice() const;

    QSpinBox* inputTokensSpin() const { return m_input; }
    QSpinBox* outputTokensSpin() const { return m_output; }
    QLabel* resultLabel() const { return m_result; }
    QLabel* repriceLabel() const { return m_reprice; }

private:
    void update();

    std::optional<CatalogEntry> m_entry;
    QString m_conversationTitle;
    QList<Message> m_messages;
    QSpinBox* m_input;
    QSpinBox* m_output;
    QLabel* m_result;
    QLabel* m_reprice;
};

} // namespace anyrouter
