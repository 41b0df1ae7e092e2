// Composer: keys, Send/Stop, edit mode, inline error.
#include "ui/chat/Composer.h"

#include "ui/common/Palette.h"

#include <QAbstractTextDocumentLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

Composer::Composer(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Composer"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 8);
    layout->setSpacing(4);

    m_banner = new QLabel(tr("Editing a message — Esc to cancel"), this);
    m_banner->setAccessibleName(tr("Edit mode"));
    m_banner->setStyleSheet(u"QLabel { background: palette(alternate-base); padding: 3px 6px; "
                            "border-left: 3px solid palette(highlight); }"_s);
    m_banner->hide();
    layout->addWidget(m_banner);

    m_error = new QLabel(this);
    m_error->setAccessibleName(tr("Send error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(u"QLabel { %1 }"_s.arg(palette::textCss(palette::Role::Error)));
    m_error->hide();
    layout->addWidget(m_error);

    auto* row = new QHBoxLayout;
    row->setSpacing(6);
    m_editor = new QPlainTextEdit(this);
    m_editor->setAccessibleName(tr("Message"));
    m_editor->setPlaceholderText(tr("Write a message… (Enter to send, Shift+Enter for a new line)"));
    m_editor->setTabChangesFocus(true);
    m_editor->installEventFilter(this);
    m_editor->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    // Grows with its text from 3 to 10 lines, then scrolls; the transcript keeps the rest.
    auto fit = [this] {
        const QFontMetrics fm(m_editor->font());
        const int lines = qBound(3, int(m_editor->document()->documentLayout()->documentSize().height()), 10);
        const int frame = m_editor->frameWidth() * 2 + int(m_editor->document()->documentMargin() * 2) + 4;
        m_editor->setFixedHeight(lines * fm.lineSpacing() + frame);
    };
    connect(m_editor->document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
            fit);
    fit();
    row->addWidget(m_editor, 1);

    auto* buttons = new QVBoxLayout;
    m_send = new QPushButton(tr("Send"), this);
    m_send->setAccessibleName(tr("Send"));
    m_send->setDefault(false);
    m_send->setAutoDefault(false);
    m_model = new QPushButton(this);
    m_model->setAccessibleName(tr("Model"));
    m_model->setToolTip(tr("Choose the model (Ctrl+K)"));
    m_model->setFlat(true);
    buttons->addWidget(m_send);
    buttons->addWidget(m_model);
    buttons->addStretch(1);
    row->addLayout(buttons);
    layout->addLayout(row);

    connect(m_send, &QPushButton::clicked, this, [this] {
        if (m_streaming)
            emit stopRequested();
        else
            submit();
    });
    connect(m_model, &QPushButton::clicked, this, &Composer::modelPickerRequested);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &Composer::updateSendButton);
    updateSendButton();
}

QString Composer::text() const
{
    return m_editor->toPlainText();
}

void Composer::setText(const QString& text)
{
    m_editor->setPlainText(text);
    m_editor->moveCursor(QTextCursor::End);
}

void Composer::clear()
{
    m_editor->clear();
}

void Composer::focusEditor()
{
    m_editor->setFocus(Qt::ShortcutFocusReason);
}

void Composer::setEnterSends(bool on)
{
    m_enterSends = on;
    m_editor->setPlaceholderText(on ? tr("Write a message… (Enter to send, Shift+Enter for a new line)")
                                    : tr("Write a message… (Ctrl+Enter to send)"));
    updateSendButton();
}

void Composer::setModelName(const QString& name)
{
    m_model->setText(name.isEmpty() ? tr("Choose model") : name);
    m_model->setAccessibleDescription(tr("Model in use: %1").arg(name));
}

void Composer::setStreaming(bool streaming)
{
    m_streaming = streaming;
    updateSendButton();
}

void Composer::showError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void Composer::clearError()
{
    showError({});
}

QString Composer::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void Composer::beginEdit(qint64 messageId, const QString& text)
{
    if (!isEditing())
        m_stashedDraft = this->text();
    m_editId = messageId;
    m_banner->show();
    clearError();
    setText(text);
    focusEditor();
    updateSendButton();
}

void Composer::endEdit(bool restoreDraft)
{
    if (!isEditing())
        return;
    m_editId = 0;
    m_banner->hide();
    if (restoreDraft)
        setText(m_stashedDraft);
    m_stashedDraft.clear();
    updateSendButton();
}

void Composer::submit()
{
    const QString t = text();
    if (t.trimmed().isEmpty() || m_streaming)
        return;
    clearError();
    if (isEditing())
        emit editSubmitted(m_editId, t);
    else
        emit sendRequested(t);
}

void Composer::updateSendButton()
{
    if (m_streaming) {
        m_send->setText(tr("Stop"));
        m_send->setAccessibleName(tr("Stop"));
        m_send->setToolTip(tr("Stop the reply (Esc); what arrived is kept"));
        m_send->setEnabled(true);
    } else {
        m_send->setText(isEditing() ? tr("Resend") : tr("Send"));
        m_send->setAccessibleName(m_send->text());
        m_send->setToolTip(m_enterSends ? tr("Send (Enter)") : tr("Send (Ctrl+Enter)"));
        m_send->setEnabled(!text().trimmed().isEmpty());
    }
}

bool Composer::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_editor && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
        if (enter) {
            const auto mods = key->modifiers() & ~Qt::KeypadModifier;
            const bool send = m_enterSends ? mods == Qt::NoModifier : mods == Qt::ControlModifier;
            if (send) {
                submit();
                return true;
            }
            if (mods == Qt::ShiftModifier || (!m_enterSends && mods == Qt::NoModifier)) {
                m_editor->insertPlainText(u"\n"_s);
                return true;
            }
        } else if (key->key() == Qt::Key_Escape) {
            if (m_streaming) {
                emit stopRequested();
                return true;
            }
            if (isEditing()) {
                endEdit(true);
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace anyrouter
