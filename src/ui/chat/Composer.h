// Composer: where the user writes. Multi-line; Enter sends and Shift+Enter adds a line (or the
// reverse when "Enter sends" is off: Ctrl+Enter sends); Send turns into Stop while a reply streams;
// Esc stops, or leaves edit mode. It never clears the text itself: the page clears it only after
// the prompt was stored, so a failed send leaves the words where they were.
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace anyrouter {

class Composer : public QWidget
{
    Q_OBJECT
public:
    explicit Composer(QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);
    void clear();
    void focusEditor();

    void setEnterSends(bool on);
    bool enterSends() const { return m_enterSends; }
    void setModelName(const QString& name);
    void setStreaming(bool streaming);
    bool isStreaming() const { return m_streaming; }
    void showError(const QString& text); // shown until the next send or edit
    void clearError();
    QString errorText() const;

    // Edit mode: Send resends `messageId` with the new text (editAndResend). The text that was
    // being written is put aside and comes back when the edit ends.
    void beginEdit(qint64 messageId, const QString& text);
    void endEdit(bool restoreDraft);
    bool isEditing() const { return m_editId != 0; }
    qint64 editingMessageId() const { return m_editId; }

    QPlainTextEdit* editor() const { return m_editor; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* modelButton() const { return m_model; }
    QLabel* editBanner() const { return m_banner; }
    QLabel* errorLabel() const { return m_error; }

signals:
    void sendRequested(const QString& text);
    void editSubmitted(qint64 messageId, const QString& text);
    void stopRequested();
    void modelPickerRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void submit();
    void updateSendButton();

    QPlainTextEdit* m_editor;
    QPushButton* m_send;
    QPushButton* m_model;
    QLabel* m_banner;
    QLabel* m_error;
    bool m_enterSends = true;
    bool m_streaming = false;
    qint64 m_editId = 0;
    QString m_stashedDraft;
};

} // namespace anyrouter
