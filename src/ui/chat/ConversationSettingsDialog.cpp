// ConversationSettingsDialog: form and mapping to Conversation.
#include "ui/chat/ConversationSettingsDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// A checkbox that enables its editor: the parameter is sent only when checked.
QWidget* optionalRow(QWidget* parent, QCheckBox* check, QWidget* editor)
{
    auto* w = new QWidget(parent);
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(check);
    l->addWidget(editor, 1);
    editor->setEnabled(check->isChecked());
    QObject::connect(check, &QCheckBox::toggled, editor, &QWidget::setEnabled);
    return w;
}

} // namespace

ConversationSettingsDialog::ConversationSettingsDialog(const Conversation& conversation, QWidget* parent)
    : QDialog(parent), m_original(conversation.parameters)
{
    setWindowTitle(tr("Conversation settings"));
    setAccessibleName(tr("Conversation settings"));
    resize(520, 420);
    auto* layout = new QVBoxLayout(this);
    auto* promptLabel = new QLabel(tr("&System prompt:"), this);
    m_prompt = new QPlainTextEdit(this);
    m_prompt->setAccessibleName(tr("System prompt"));
    m_prompt->setPlaceholderText(tr("Instructions the model sees before every message (optional)"));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setPlainText(conversation.systemPrompt);
    promptLabel->setBuddy(m_prompt);
    layout->addWidget(promptLabel);
    layout->addWidget(m_prompt, 1);

    const QJsonObject& p = conversation.parameters;
    auto* form = new QFormLayout;
    m_useTemperature = new QCheckBox(tr("Set"), this);
    m_useTemperature->setAccessibleName(tr("Set temperature"));
    m_useTemperature->setChecked(p.contains(u"temperature"_s));
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setAccessibleName(tr("Temperature"));
    m_temperature->setRange(0.0, 2.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setValue(p.value(u"temperature"_s).toDouble(1.0));
    form->addRow(tr("&Temperature:"), optionalRow(this, m_useTemperature, m_temperature));

    m_useTopP = new QCheckBox(tr("Set"), this);
    m_useTopP->setAccessibleName(tr("Set top_p"));
    m_useTopP->setChecked(p.contains(u"top_p"_s));
    m_topP = new QDoubleSpinBox(this);
    m_topP->setAccessibleName(tr("Top p"));
    m_topP->setRange(0.0, 1.0);
    m_topP->setSingleStep(0.05);
    m_topP->setDecimals(2);
    m_topP->setValue(p.value(u"top_p"_s).toDouble(1.0));
    form->addRow(tr("Top &p:"), optionalRow(this, m_useTopP, m_topP));

    m_useMaxTokens = new QCheckBox(tr("Set"), this);
    m_useMaxTokens->setAccessibleName(tr("Set max tokens"));
    m_useMaxTokens->setChecked(p.contains(u"max_tokens"_s));
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setAccessibleName(tr("Max tokens"));
    m_maxTokens->setRange(1, 1000000);
    m_maxTokens->setValue(int(p.value(u"max_tokens"_s).toInteger(1024)));
    form->addRow(tr("&Max tokens:"), optionalRow(this, m_useMaxTokens, m_maxTokens));
    layout->addLayout(form);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void ConversationSettingsDialog::applyTo(Conversation& c) const
{
    c.systemPrompt = m_prompt->toPlainText().trimmed();
    QJsonObject p = m_original;
    auto put = [&p](bool on, const QString& key, const QJsonValue& v) {
        if (on)
            p.insert(key, v);
        else
            p.remove(key);
    };
    put(m_useTemperature->isChecked(), u"temperature"_s, m_temperature->value());
    put(m_useTopP->isChecked(), u"top_p"_s, m_topP->value());
    put(m_useMaxTokens->isChecked(), u"max_tokens"_s, m_maxTokens->value());
    c.parameters = p;
}

} // namespace anyrouter
