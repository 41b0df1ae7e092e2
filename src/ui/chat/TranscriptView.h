// TranscriptView: the chat transcript. A virtualised QListView (per-pixel scrolling, variable row
// heights) over a TranscriptModel, painted by MessageDelegate. Follows the bottom while a reply
// streams only if the user was already there; offers selectable text through a read-only editor
// opened over a message on click (or Enter/F2), plus copy actions and keyboard navigation.
#pragma once

#include "core/chat/ChatSession.h"

#include <QListView>
#include <QPersistentModelIndex>
#include <QPointer>

class QMenu;

namespace anyrouter {

class ChatSession;
class MessageDelegate;
class TranscriptModel;

class TranscriptView : public QListView
{
    Q_OBJECT
public:
    explicit TranscriptView(QWidget* parent = nullptr);
    ~TranscriptView() override;

    void setSession(ChatSession* session); // owns a TranscriptModel internally
    TranscriptModel* transcriptModel() const { return m_model; }
    MessageDelegate* messageDelegate() const { return m_delegate; }

    void scrollToMessage(qint64 messageId, const QString& highlightText = {}); // search hits jump here
    QString lastReplyMarkdown() const;                                         // Ctrl+Shift+C
    QString plainTextAt(int row) const;
    QString markdownAt(int row) const;
    bool isFollowingBottom() const { return m_followBottom; }
    // The context menu of a row, already shown (popup); exposed so tests can trigger its actions.
    QMenu* openContextMenu(const QModelIndex& index, const QPoint& globalPos);
    // The open selection editor (a read-only QTextBrowser), if any.
    QWidget* selectionEditor() const;
    void openSelectionEditor(const QModelIndex& index);
    void closeSelectionEditor();
    // EnsureVisible leaves a row taller than the viewport alone when it is already partly in view.
    void scrollTo(const QModelIndex& index, ScrollHint hint = EnsureVisible) override;

signals:
    void editRequested(qint64 userMessageId, const QString& text); // composer enters edit mode
    void workspaceSettingsRequested();                             // from an auth error's inline action
    void painted();                                                // a viewport paint finished (benchmarks)

protected:
    void paintEvent(QPaintEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void updateGeometries() override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void rowsInserted(const QModelIndex& parent, int start, int end) override;

private:
    void onModelReset();

    TranscriptModel* m_model;
    MessageDelegate* m_delegate;
    QPointer<ChatSession> m_session;
    QPersistentModelIndex m_editorIndex;
    QPersistentModelIndex m_anchor; // a jumped-to message kept at the top while heights settle
    bool m_followBottom = true;
    bool m_adjustingScroll = false;
    int m_pendingScroll = 0; // see MessageDelegate::contentAboveViewportResized
};

} // namespace anyrouter
