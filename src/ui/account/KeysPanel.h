// KeysPanel: the Keys page of the account console, a view over the selected workspace's KeyManager
// (core/account): the table of keys, the forms (KeyEditDialog), the delete confirmation, the secret
// dialog (KeySecretDialog), the message bar with each operation's outcome, and an explanation when
// there is no list (a key without the management permission, a rejected key, no key, a gateway
// without /keys). The rules and the requests are the manager's; the panel re-binds to the new
// session's manager on a workspace switch and asks for the list only while it is shown. Secrets
// handed out by create/reveal go straight into a KeySecretDialog and are kept nowhere else.
#pragma once

#include "core/account/KeyManager.h"
#include "core/domain/Account.h"

#include <QPointer>
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

class AppContext;
class EndpointStateView;
class KeyEditDialog;
class KeySecretDialog;
class KeyTableModel;
class WorkspaceSession;

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

    // Observes `context`'s session (and each one that replaces it).
    explicit KeysPanel(AppContext* context, QWidget* parent = nullptr);
    ~KeysPanel() override;

    void refresh(); // the list again (Ctrl+R, F5, "Try again")

    // The actions (also on the toolbar, in the context menu and on the keyboard).
    void newKey();
    void renameSelected();
    void editLimitOfSelected();
    void toggleSelected();
    void revealSelected();
    void deleteSelected();

    void setConfirmHandler(ConfirmHandler handler);

    State state() const { return m_state; }
    QString stateTitle() const;
    QString stateText() const;
    QString messageText() const; // the message bar, empty when hidden
    bool messageIsError() const { return m_messageIsError; }
    QString statusText() const;
    bool isBusy() const { return m_manager && m_manager->isBusy(); }

    KeyManager* manager() const { return m_manager; }
    KeyTableModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QPushButton* settingsButton() const;
    QPushButton* retryButton() const;
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
    void showEvent(QShowEvent* e) override;
    bool event(QEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    bool eventFilter(QObject* watched, QEvent* e) override;

private:
    void bindSession(WorkspaceSession* session);
    void onKeysReset();
    void onStarted(const KeyOperation& op);
    void onFinished(const KeyOperation& op);
    void updateState();
    void setState(State s);
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
    void showSecret(const KeySecret& secret);
    void askDefault(const QString& title, const QString& text, std::function<void(bool)> answer);

    AppContext* m_context;
    QPointer<KeyManager> m_manager; // the current session's; gone with it on a switch
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
    EndpointStateView* m_stateView = nullptr;
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

    State m_state = State::NoWorkspace;
    bool m_messageIsError = false;
    bool m_fitQueued = false;
};

} // namespace anyrouter
