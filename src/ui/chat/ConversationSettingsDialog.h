// ConversationSettingsDialog: a conversation's system prompt and sampling parameters (temperature,
// top_p, max tokens). Each parameter is optional: unchecked means "the gateway's default" and the
// key is left out of Conversation::parameters (other keys there are kept as they were).
#pragma once

#include "core/domain/Conversation.h"

#include <QDialog>

class QCheckBox;
class QDoubleSpinBox;
class QPlainTextEdit;
class QSpinBox;

namespace anyrouter {

class ConversationSettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConversationSettingsDialog(const Conversation& conversation, QWidget* parent = nullptr);

    // Writes the dialog's values into `c` (systemPrompt, parameters).
    void applyTo(Conversation& c) const;

    QPlainTextEdit* systemPromptEdit() const { return m_prompt; }
    QCheckBox* temperatureCheck() const { return m_useTemperature; }
    QDoubleSpinBox* temperatureSpin() const { return m_temperature; }
    QCheckBox* topPCheck() const { return m_useTopP; }
    QDoubleSpinBox* topPSpin() const { return m_topP; }
    QCheckBox* maxTokensCheck() const { return m_useMaxTokens; }
    QSpinBox* maxTokensSpin() const { return m_maxTokens; }

private:
    QJsonObject m_original;
    QPlainTextEdit* m_prompt;
    QCheckBox* m_useTemperature;
    QDoubleSpinBox* m_temperature;
    QCheckBox* m_useTopP;
    QDoubleSpinBox* m_topP;
    QCheckBox* m_useMaxTokens;
    QSpinBox* m_maxTokens;
};

} // namespace anyrouter
