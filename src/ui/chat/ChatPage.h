// ChatPage: the screen people live in — ConversationSidebar | (header bar, TranscriptView, Composer).
// Owns one ChatSession bound to the current workspace's ApiClient, id and default model; follows
// workspace switches (the sidebar re-filters, the latest conversation of that workspace opens).
// The header shows the title, the conversation's running cost and an estimate of the next
// message's cost, and opens the model picker, conversation settings, routing and export. The rules
// live in core: the figures come from ChatSession, the file work and its error texts from
// ConversationExporter; this page only asks and shows.
#pragma once

#include "core/chat/ConversationExporter.h"
#include "core/domain/ModelInfo.h"
#include "core/domain/Workspace.h"

#include <QFileDialog>
#include <QHash>
#include <QPointer>
#include <QWidget>

#include <functional>

class QAction;
class QFrame;
class QLabel;
class QPushButton;
class QToolButton;

namespace anyrouter {

class AppContext;
class CatalogRepository;
class ChatSession;
class Composer;
class ConversationSidebar;
class TranscriptView;
class WorkspaceSession;
struct Conversation;
struct Message;

class ChatPage : public QWidget
{
    Q_OBJECT
public:
    using ExportFormat = ConversationExporter::FileFormat;

    explicit ChatPage(AppContext* context, QWidget* parent = nullptr);
    ~ChatPage() override;

    void newChat();
    // Reads the app-wide settings it follows again (Enter sends), after the Settings dialog.
    void reloadSettings();
    bool openConversation(qint64 id);
    qint64 currentConversationId() const;
    QString currentModel() const;          // the open conversation's model, else the default for new chats
    void setModel(const QString& modelId); // this conversation, and new chats in this session

    // Dialogs open window-modal (open(), not exec()) so they never block the event loop.
    void openModelPicker();
    void openConversationSettings();
    void openRoutingDialog();
    void copyLastReply();
    void focusComposer();
    void focusSearch();

    bool exportConversation(const QString& path, ExportFormat format, QString* error = nullptr);
    bool importConversation(const QString& path, QString* error = nullptr); // opens it on success

    // Cost figures the header shows (for tests): total of stored reply costs, and the estimate.
    double totalCost() const;
    std::optional<double> nextMessageEstimate(qint64* contextTokens = nullptr) const;

    ChatSession* session() const { return m_session; }
    ConversationSidebar* sidebar() const { return m_sidebar; }
    TranscriptView* transcript() const { return m_transcript; }
    Composer* composer() const { return m_composer; }
    QLabel* titleLabel() const { return m_title; }
    QLabel* costLabel() const { return m_cost; }
    QPushButton* modelButton() const { return m_modelButton; }

    QString fullTitle() const { return m_fullTitle; } // the title label may show it elided

    // The bar above the composer for storage trouble: a reply the database could not keep (with
    // "Save reply as…"), or a damaged database moved aside at start-up.
    QFrame* noticeBar() const { return m_noticeBar; }
    QLabel* noticeLabel() const { return m_noticeText; }
    QPushButton* saveReplyButton() const { return m_saveReplyButton; }
    // Opens a (non-blocking) file dialog to write the reply the database could not keep.
    void saveUnsavedReplyAs();
    QFileDialog* saveReplyDialog() const { return m_saveReplyDialog; }
    bool saveUnsavedReplyTo(const QString& path, QString* error = nullptr);

signals:
    void statusMessage(const QString& text, int timeoutMs);
    void workspaceSettingsRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void elideTitle();
    void onWorkspaceChanged(const Workspace& ws);
    void bindCatalog(WorkspaceSession* session);
    // The model's catalog entry (name, prices) from the workspace session's catalog, if listed.
    std::optional<ModelInfo> catalogModel(const QString& id) const;
    void send(const QString& text);
    void submitEdit(qint64 messageId, const QString& text);
    void onReplyFinished(const Message& reply);
    void applyWorkspaceDefaults(const Workspace& ws);
    void updateHeader();
    void saveDraft();
    // Changes the open conversation in the store (creating it first for a new chat) and makes the
    // session see the change (at once, or when the streaming reply ends).
    bool modifyConversation(const std::function<void(Conversation&)>& change);
    void reloadSessionConversation();
    void exportViaDialog(ExportFormat format);
    void importViaDialog();
    void showNotice(const QString& text, bool offerSave);

    AppContext* m_context;
    ChatSession* m_session;
    ConversationSidebar* m_sidebar;
    TranscriptView* m_transcript;
    Composer* m_composer;
    QLabel* m_title;
    QLabel* m_cost;
    QAction* m_enterSendsAction = nullptr;
    QPushButton* m_modelButton;
    QPushButton* m_settingsButton;
    QPushButton* m_routingButton;
    QToolButton* m_moreButton;
    QFrame* m_noticeBar;
    QLabel* m_noticeText;
    QPushButton* m_saveReplyButton;
    QPointer<QFileDialog> m_saveReplyDialog;
    QString m_unsavedReplyText; // the full text of the last reply the database could not keep
    QString m_fullTitle;
    CatalogRepository* m_catalog = nullptr; // the current workspace session's
    QHash<qint64, QString> m_drafts;        // conversation id -> unsent text (0 = the new chat)
    qint64 m_draftOwner = 0;
    QString m_modelOverride; // picked in this session: the default for new chats
    QString m_workspaceId;
    bool m_reloadAfterReply = false;
};

} // namespace anyrouter
