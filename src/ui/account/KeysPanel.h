// KeysPanel: the Keys page of the account console. Lists the current workspace's API keys (GET
// /keys) and runs create / reveal / rename / spend limit / disable-enable / delete against the
// gateway's management endpoints, updating rows in place from the server's answers. It re-binds at
// once when the workspace changes and ignores late answers for a previous one; a key without the
// management permission, a rejected key and a gateway without /keys each get their own explanation.
// Secrets handed out by create/reveal go straight into a KeySecretDialog and are kept nowhere else.
#pragma once

#include "core/api/AccountService.h"
#include "core/domain/Account.h"
#include "core/domain/Workspace.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

#include <functional>

class QAction;
class QFrame;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QToolBar;
class QToolButton;

namespace anyrouter {

class KeyEditDialog;
class KeySecretDialog;
class KeyTableModel;
class WorkspaceManager;

class KeysPanel : public QWidget
{
    Q_OBJECT
public:
    enum class State
    {
        NoWorkspace,  // nothing selected yet
        Loading,      // first list of this workspace under way
        Keys,         // the table
        Empty,        // the list worked and is empty
        NoPermission, // 403: the key lacks the Key Management permission
        Rejected,     // 401: the key itself was refused
        NoKey,        // the workspace has no key (or the keychain did not answer)
        Unsupported,  // the gateway has no /keys
        Failed        // network/server trouble on the first load
    };
    Q_ENUM(State)
    // Asks the user a yes/no question without blocking; answer(true) goes ahead. Replaceable so
    // tests can answer for the user.
    using ConfirmHandler =
        std::function<void(const QString& title, const QString& text, std::function<void(bool)> answer)>;

    explicit KeysPanel(WorkspaceManager* workspaces, QWidget* parent = nullptr);
    ~KeysPanel() override;

    void refresh();

    // The actions (also on the toolbar, in the context menu and on the keyboard).
    void newKey();
    void renameSelected();
    void editLimitOfSelected();
    void toggleSelected();
    void revealSelected();
    void deleteSelected();

    void setConfirmHandler(ConfirmHandler handler);
    // On: while the panel is hidden, a workspace's keys becoming ready only marks the list stale;
    // it is fetched when the panel is shown (the account page is built at start-up, often unseen).
    void setDeferredWhileHidden(bool on) { m_deferWhileHidden = on; }

    State state() const { return m_state; }
    QString stateTitle() const;
    QString stateText() const;
    QString messageText() const; // the message bar, empty when hidden
    bool messageIsError() const { return m_messageIsError; }
    QString statusText() const;
    bool isBusy() const { return m_listInFlight || !m_pending.isEmpty() || m_creating > 0; }

    KeyTableModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QPushButton* settingsButton() const { return m_settingsButton; }
    QPushButton* retryButton() const { return m_retryButton; }
    QAction* newAction() const { return m_newAction; }
    QAction* renameAction() const { return m_renameAction; }
    QAction* limitAction() const { return m_limitAction; }
    QAction* toggleAction() const { return m_toggleAction; }
    QAction* revealAction() const { return m_revealAction; }
    QAction* deleteAction() const { return m_deleteAction; }
    QAction* refreshAction() const { return m_refreshAction; }
    KeyEditDialog* editDialog() const;     // the open create/rename/limit dialog, if any
    KeySecretDialog* secretDialog() const; // the latest secret dialog, while it is open

    QString selectedHash() const;
    bool selectKey(const QString& hash);

signals:
    void keysChanged();                // after any successful create/update/delete
    void workspaceSettingsRequested(); // "Workspace settings…" on an explanation page

protected:
    bool event(QEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    bool eventFilter(QObject* watched, QEvent* e) override;

private:
    bool deferIfHidden(); // true: refresh postponed until shown
    void bindWorkspace(const Workspace& ws);
    void setState(State s, const QString& title = {}, const QString& text = {});
    void showMessage(const QString& text, bool error);
    void hideMessage();
    void updateActions();
    void scheduleFitColumns();
    void updateStatus();
    void showContextMenu(const QPoint& pos);
    QAction* actionForKey(const QKeyEvent* e) const;
    std::optional<ApiKeyInfo> selectedKey() const;
    void openEditDialog(KeyEditDialog* dialog);
    void applyEdit(KeyEditDialog* dialog);
    void createKey(const NewKeyRequest& request);
    void updateKey(const ApiKeyInfo& key, const KeyUpdate& update, const QString& progress,
                   std::function<QString(const ApiKeyInfo&)> doneText);
    void deleteKey(const ApiKeyInfo& key);
    void showSecret(bool created, const QString& keyName, const QString& workspaceName,
                    const QString& secret);
    QString mutationError(const QString& what, const ApiKeyInfo& key, const ApiError& error);
    void askDefault(const QString& title, const QString& text, std::function<void(bool)> answer);

    WorkspaceManager* m_workspaces;
    KeyTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLabel* m_title = nullptr;
    QLabel* m_status = nullptr;
    QToolBar* m_toolbar = nullptr;
    QFrame* m_messageBar = nullptr;
    QLabel* m_messageLabel = nullptr;
    QToolButton* m_messageClose = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_stateTitle = nullptr;
    QLabel* m_stateText = nullptr;
    QPushButton* m_settingsButton = nullptr;
    QPushButton* m_retryButton = nullptr;
    QPushButton* m_emptyNewButton = nullptr;
    QAction* m_newAction = nullptr;
    QAction* m_renameAction = nullptr;
    QAction* m_limitAction = nullptr;
    QAction* m_toggleAction = nullptr;
    QAction* m_revealAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_refreshAction = nullptr;
    QList<QAction*> m_keyActions; // the ones with keyboard shortcuts, claimed while focus is inside
    QPointer<KeyEditDialog> m_editDialog;
    QPointer<KeySecretDialog> m_secretDialog;
    QPointer<QWidget> m_confirmBox;
    ConfirmHandler m_confirm;

    Workspace m_workspace;
    bool m_deferWhileHidden = false;
    bool m_stale = false;
    State m_state = State::NoWorkspace;
    bool m_messageIsError = false;
    bool m_listInFlight = false;
    bool m_fitQueued = false;
    QDateTime m_listedAt;
    QSet<QString> m_pending; // key hashes with a change under way
    int m_creating = 0;
    // Bumped on every workspace switch: answers that carry an older value belong to another workspace.
    quint64 m_workspaceGeneration = 0;
    quint64 m_listGeneration = 0; // bumped on every list request: only the latest answer counts
};

} // namespace anyrouter
