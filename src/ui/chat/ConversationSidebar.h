// ConversationSidebar: New chat, the current workspace's conversations grouped by date (rename,
// pin, delete with undo, all from a context menu or the keyboard) and a full-text search box whose
// hits (with snippets, across every conversation of the workspace) replace the list while it has text.
#pragma once

#include <QHash>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QTimer;

namespace anyrouter {

class ConversationListModel;
class ConversationStore;

class ConversationSidebar : public QWidget
{
    Q_OBJECT
public:
    explicit ConversationSidebar(ConversationStore* store, QWidget* parent = nullptr);
    ~ConversationSidebar() override; // deletes waiting for their undo window are carried out

    void setWorkspace(const QString& workspaceId);
    QString workspaceId() const { return m_workspaceId; }
    void reload();                          // re-reads the store (titles, order, new rows)
    void setCurrentConversation(qint64 id); // highlights it (0 = none)
    qint64 currentConversation() const { return m_current; }

    void focusSearch();
    void renameConversation(qint64 id); // opens the in-place editor
    void setPinned(qint64 id, bool pinned);
    void deleteConversation(qint64 id); // hides it now, deletes after the undo window
    bool undoDelete();                  // restores the most recent pending delete
    void commitPendingDeletes();        // deletes now whatever waits for its undo window
    bool isPendingDelete(qint64 id) const { return m_pending.contains(id); }

    void setUndoWindowMs(int ms) { m_undoMs = ms; }
    void setSearchDebounceMs(int ms);

    ConversationListModel* model() const { return m_model; }
    QListView* listView() const { return m_list; }
    QLineEdit* searchBox() const { return m_search; }
    QListWidget* searchResults() const { return m_results; }
    QPushButton* newChatButton() const { return m_newChat; }
    QPushButton* undoButton() const { return m_undoButton; }
    QWidget* undoBar() const { return m_undoBar; }

signals:
    void newChatRequested();
    void conversationActivated(qint64 conversationId);
    void searchHitActivated(qint64 conversationId, qint64 messageId, const QString& query);
    void conversationHidden(qint64 conversationId);   // deleted (pending undo): leave it if open
    void conversationRestored(qint64 conversationId); // undo
    void conversationEdited(qint64 conversationId);   // renamed / pinned in the store
    void statusMessage(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void runSearch();
    void showContextMenu(const QPoint& pos);
    void activateRow(const QModelIndex& index);
    void activateHit(QListWidgetItem* item);
    void finishDelete(qint64 id);
    void updateUndoBar();
    qint64 selectedConversation() const;

    ConversationStore* m_store;
    QString m_workspaceId;
    qint64 m_current = 0;
    ConversationListModel* m_model;
    QListView* m_list;
    QLineEdit* m_search;
    QListWidget* m_results;
    QLabel* m_searchState;
    QPushButton* m_newChat;
    QWidget* m_undoBar;
    QLabel* m_undoLabel;
    QPushButton* m_undoButton;
    QTimer* m_debounce;
    QHash<qint64, QTimer*> m_pending; // id -> its undo-window timer
    QList<qint64> m_pendingOrder;     // most recent last
    int m_undoMs = 8000;
};

} // namespace anyrouter
