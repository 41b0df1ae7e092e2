// TrayController: the app's icon in the system tray. It observes the selected workspace's session
// (AppContext::session(): its workspace, balance and low-balance state) and fetches nothing itself.
// Menu: Quick prompt (with its shortcut), Open AnyRouter Desktop, Workspaces (radio items; choosing
// one switches the whole app), the balance as a disabled line ("$12.40 left · Demo"), Settings…,
// Quit. The tooltip shows workspace and balance. Below the low-balance threshold the icon shows a
// warning state, and one notification is shown per crossing (not per poll); clicking it asks for
// the Credits tab. Only built where QSystemTrayIcon::isSystemTrayAvailable().
#pragma once

#include <QHash>
#include <QIcon>
#include <QKeySequence>
#include <QObject>
#include <QPointer>

class QAction;
class QActionGroup;
class QMenu;
class QSystemTrayIcon;

namespace anyrouter {

class AccountStatus;
class AppContext;
class WorkspaceSession;

class TrayController : public QObject
{
    Q_OBJECT
public:
    explicit TrayController(AppContext* context, QObject* parent = nullptr);
    ~TrayController() override;

    void show();
    void hide();
    bool isVisible() const;

    // The quick prompt's global shortcut, shown beside its menu item (empty: none).
    void setQuickPromptShortcut(const QKeySequence& sequence);

    QSystemTrayIcon* icon() const { return m_icon; }
    QMenu* menu() const { return m_menu; }
    QMenu* workspacesMenu() const { return m_workspaces; }
    QAction* quickPromptAction() const { return m_quickPrompt; }
    QAction* openAction() const { return m_open; }
    QAction* balanceAction() const { return m_balance; }
    QAction* settingsAction() const { return m_settings; }
    QAction* quitAction() const { return m_quit; }
    QString toolTip() const;
    // The icon shows the low-balance warning state.
    bool isWarning() const { return m_warning; }
    // Low-balance notifications shown so far (one per crossing of the threshold).
    int notificationCount() const { return m_notifications; }
    QString lastNotification() const { return m_lastNotification; }

signals:
    void quickPromptRequested();
    void openRequested();
    void settingsRequested();
    void quitRequested();
    void creditsRequested(); // the low-balance notification was clicked

private:
    void bindSession(WorkspaceSession* session);
    void rebuildWorkspaces();
    void updateBalance();
    void onLowBalance(bool low, const QString& message);

    AppContext* m_context;
    QSystemTrayIcon* m_icon;
    QMenu* m_menu;
    QMenu* m_workspaces;
    QActionGroup* m_workspaceGroup;
    QAction* m_quickPrompt;
    QAction* m_open;
    QAction* m_balance;
    QAction* m_settings;
    QAction* m_quit;
    QIcon m_normalIcon;
    QIcon m_warningIcon;
    QPointer<AccountStatus> m_account;
    bool m_warning = false;
    int m_notifications = 0;
    QString m_lastNotification;
    QHash<QString, bool> m_wasLow; // per workspace: low at the last reading (a crossing is false -> true)
};

} // namespace anyrouter
