// QuickPromptWindow: the small always-on-top window the global shortcut (or the tray) pops up on the
// screen under the pointer: one input, the reply streaming in place (the chat pane's TranscriptView,
// so the same Markdown and code rendering), the workspace, a compact model picker (remembered in
// Settings::quickPromptModel) and, when a reply is done, its tokens and cost.
// Every turn goes through a ChatSession, so a quick prompt is an ordinary conversation of the
// current workspace (marked ConversationOrigin::QuickPrompt) with the same guarantees: the prompt
// is stored before anything is sent, a stopped, failed or interrupted reply keeps what arrived.
// Keys: Enter sends and Shift+Enter adds a line (or the reverse when Settings::enterSends is off:
// Ctrl+Enter sends); Esc stops a streaming reply, and hides the window when nothing streams;
// Ctrl+Enter (Ctrl+Shift+Enter when Ctrl+Enter sends) opens the conversation in the main window;
// Ctrl+Shift+C copies the reply; Ctrl+N starts a new conversation.
#pragma once

#include "core/domain/ModelInfo.h"
#include "core/domain/Workspace.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace anyrouter {

class AppContext;
class CatalogRepository;
class ChatSession;
class TranscriptView;
class WorkspaceSession;
struct Message;

class QuickPromptWindow : public QWidget
{
    Q_OBJECT
public:
    explicit QuickPromptWindow(AppContext* context, QWidget* parent = nullptr);
    ~QuickPromptWindow() override;

    // Places the window on the screen that holds the pointer (centred in its upper third), shows
    // and raises it, and puts the focus in the input.
    void popUp();
    // The conversation the next prompt continues (0 = the next prompt starts one).
    qint64 conversationId() const;

    // What the keys do, callable by the shell and tests.
    void send();
    void stopOrHide();                     // Esc
    void newConversation();                // Ctrl+N: a streaming reply is stopped (and kept) first
    void requestOpenInMainWindow();        // Ctrl+Enter: emits openInMainWindow and hides
    void copyReply();                      // Ctrl+Shift+C: the last reply as Markdown
    QString currentModel() const;          // the model the next prompt goes to
    void setModel(const QString& modelId); // remembered in Settings; applies to the open conversation

    QPlainTextEdit* input() const { return m_input; }
    TranscriptView* transcriptView() const { return m_transcript; }
    QComboBox* modelBox() const { return m_modelBox; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* workspaceLabel() const { return m_workspace; }
    QPushButton* sendButton() const { return m_send; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* newButton() const { return m_new; }
    QPushButton* copyButton() const { return m_copy; }
    ChatSession* session() const { return m_session; }
    bool hasError() const { return m_error; } // the status line shows an error

signals:
    // Ctrl+Enter or the button: show this conversation in the main window.
    void openInMainWindow(qint64 conversationId);
    // A quick-prompt turn changed a conversation (stored prompt, finished reply): lists may re-read.
    void conversationChanged(qint64 conversationId);
    // The inline action of an authentication error: the workspace's settings should open.
    void workspaceSettingsRequested();

protected:
    bool event(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void onSession(WorkspaceSession* session);
    void onWorkspace(const Workspace& ws);
    void bindCatalog(CatalogRepository* catalog);
    void fillModelBox();
    std::optional<ModelInfo> catalogModel(const QString& id) const;
    void applyKeySettings();
    void onReplyFinished(const Message& reply);
    void showReplyFigures(const Message& reply);
    void showStatus(const QString& text, bool error = false);
    void updateState();
    void fitHeight();
    void endEdit();

    AppContext* m_context;
    ChatSession* m_session;
    QLabel* m_workspace;
    QComboBox* m_modelBox;
    QPushButton* m_new;
    QPushButton* m_open;
    QPushButton* m_copy;
    TranscriptView* m_transcript;
    QPlainTextEdit* m_input;
    QLabel* m_status;
    QPushButton* m_send;
    QAction* m_openAction;
    QPointer<CatalogRepository> m_catalog;
    QString m_workspaceId;
    QString m_model; // picked here (or remembered); empty = the workspace's default
    // A prompt of the transcript being edited (its Edit action), or the prompt of a failed reply put
    // back into the input (m_retry); 0 = none.
    qint64 m_editId = 0;
    bool m_retry = false;
    QString m_stash; // what the input held when an edit began
    bool m_enterSends = true;
    bool m_error = false;
    bool m_focusInputOnActivate = false;
};

} // namespace anyrouter
