// DesktopShell: the app as it lives on the desktop all day — the main window, the tray icon (where
// the platform has a tray), the quick prompt window, the Settings dialog and the global shortcut —
// built once over one AppContext, and the one place that handles a request to show something:
// this launch's command line, a second launch handed over by SingleInstance, the tray menu, the
// shortcut. Everything it shows observes the context's current WorkspaceSession; it fetches nothing.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <memory>

namespace anyrouter {

class AppContext;
class GlobalShortcut;
class MainWindow;
class QuickPromptWindow;
class SettingsDialog;
class TrayController;

// What one launch asks for (parsed from its command line).
struct ShellRequest
{
    QString workspace;        // --workspace NAME (a name, case-insensitive, or an id); empty: keep
    bool quickPrompt = false; // --quick-prompt
    bool demo = false;        // --demo

    // The request in a command line (argv[0] first, as QCoreApplication::arguments() gives it).
    // Options this request does not know are ignored: the launch that sent them has checked them.
    static ShellRequest fromArguments(const QStringList& arguments);
};

class DesktopShell : public QObject
{
    Q_OBJECT
public:
    // `context` must outlive the shell. Builds the main window (not shown yet) and, when the
    // platform has a system tray, the tray icon.
    explicit DesktopShell(AppContext* context, QObject* parent = nullptr);
    ~DesktopShell() override;

    // The first request of this process: selects the workspace it names (or keeps the current one),
    // then shows the main window — unless a tray exists and either the quick prompt was asked for
    // or Settings say "start hidden" — and opens the quick prompt when asked. False (with `error`
    // set) for a workspace that does not exist; nothing is shown then.
    bool start(const ShellRequest& request, QString* error = nullptr);
    // A request from a second launch: switch to its workspace, open the quick prompt, or (a plain
    // launch) raise and focus the main window. False with `error` for an unknown workspace.
    bool handle(const ShellRequest& request, QString* error = nullptr);

    void showMainWindow(); // shows, raises and activates it (from the tray it may have been hidden in)
    void openQuickPrompt();
    void openSettings();
    void quit(); // closes everything and ends the event loop (the tray's Quit)

    MainWindow* mainWindow() const { return m_window.get(); }
    TrayController* tray() const { return m_tray; } // nullptr: no system tray
    QuickPromptWindow* quickPrompt() const;         // nullptr until first opened
    SettingsDialog* settingsDialog() const;         // nullptr unless open
    GlobalShortcut* globalShortcut() const { return m_shortcut.get(); }

    // Whether closing the main window hides it (a tray exists and Settings say so).
    bool closesToTray() const;
    // Test seam: behave as if the platform had no system tray (before start()).
    void setTrayAvailable(bool available);

signals:
    void quickPromptOpened();

private:
    bool selectWorkspace(const QString& nameOrId, QString* error);
    void applyShortcut();

    AppContext* m_context;
    std::unique_ptr<MainWindow> m_window;
    TrayController* m_tray = nullptr;
    QPointer<QuickPromptWindow> m_quickPrompt;
    QPointer<SettingsDialog> m_settings;
    std::unique_ptr<GlobalShortcut> m_shortcut;
    bool m_trayAvailable = true;
    bool m_quitting = false;
};

} // namespace anyrouter
