// DesktopShell: builds the window, tray, quick prompt, settings and shortcut, and routes requests.
#include "ui/shell/DesktopShell.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/chat/ChatSession.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/account/AccountPage.h"
#include "ui/chat/ChatPage.h"
#include "ui/chat/ConversationSidebar.h"
#include "ui/platform/GlobalShortcut.h"
#include "ui/quickprompt/QuickPromptWindow.h"
#include "ui/settings/SettingsDialog.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/TrayController.h"

#include <QApplication>
#include <QCloseEvent>
#include <QCommandLineParser>
#include <QLoggingCategory>
#include <QStatusBar>
#include <QSystemTrayIcon>

namespace anyrouter {

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcShell, "anyrouter.shell")

ShellRequest ShellRequest::fromArguments(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption workspace(u"workspace"_s, QString(), u"NAME"_s);
    const QCommandLineOption quickPrompt(u"quick-prompt"_s);
    const QCommandLineOption demo(u"demo"_s);
    parser.addOptions({workspace, quickPrompt, demo});
    parser.parse(arguments); // unknown options are the sender's business: it checked them
    ShellRequest r;
    r.workspace = parser.value(workspace);
    r.quickPrompt = parser.isSet(quickPrompt);
    r.demo = parser.isSet(demo);
    return r;
}

namespace {

// Hides the main window instead of closing it while the app lives in the tray.
class CloseFilter : public QObject
{
public:
    CloseFilter(DesktopShell* shell, std::function<bool()> onClose)
        : QObject(shell), m_onClose(std::move(onClose))
    {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Close && m_onClose()) {
            event->ignore();
            return true;
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<bool()> m_onClose;
};

} // namespace

DesktopShell::DesktopShell(AppContext* context, QObject* parent)
    : QObject(parent), m_context(context), m_window(std::make_unique<MainWindow>(context))
{
    m_window->installEventFilter(new CloseFilter(this, [this] {
        if (m_quitting || !closesToTray())
            return false; // closes, and the app quits with its last window
        m_window->hide();
        Settings* settings = m_context->settings();
        if (!settings->trayHintShown() && m_tray) {
            settings->setTrayHintShown(true);
            m_tray->icon()->showMessage(tr("AnyRouter Desktop is still running"),
                                        tr("It keeps running in the tray. Choose Quit in its menu to end it, "
                                           "or change this in Settings."),
                                        QSystemTrayIcon::Information, 10000);
        }
        return true;
    }));
    connect(m_window.get(), &MainWindow::settingsRequested, this, &DesktopShell::openSettings);
    connect(m_window.get(), &MainWindow::quickPromptRequested, this, &DesktopShell::openQuickPrompt);
    // Money was spent: the balance the tray and the status bar show is re-read soon after.
    connect(m_window->chatPage()->session(), &ChatSession::replyFinished, this, [this] {
        if (WorkspaceSession* session = m_context->session())
            session->account()->noteSpending();
    });
}

DesktopShell::~DesktopShell()
{
    delete m_quickPrompt;
    delete m_settings;
}

QuickPromptWindow* DesktopShell::quickPrompt() const
{
    return m_quickPrompt;
}

SettingsDialog* DesktopShell::settingsDialog() const
{
    return m_settings;
}

void DesktopShell::setTrayAvailable(bool available)
{
    m_trayAvailable = available;
}

bool DesktopShell::closesToTray() const
{
    return m_tray && m_context->settings()->closeToTray();
}

bool DesktopShell::selectWorkspace(const QString& nameOrId, QString* error)
{
    WorkspaceManager* workspaces = m_context->workspaces();
    QString id;
    for (const Workspace& w : workspaces->workspaces()) {
        if (w.id == nameOrId || w.name.compare(nameOrId, Qt::CaseInsensitive) == 0) {
            id = w.id;
            break;
        }
    }
    if (id.isEmpty()) {
        if (error)
            *error = tr("No workspace named \"%1\".").arg(nameOrId);
        return false;
    }
    if (workspaces->current().id != id)
        workspaces->select(id);
    return true;
}

bool DesktopShell::start(const ShellRequest& request, QString* error)
{
    if (request.demo)
        m_context->workspaces()->select(WorkspaceManager::demoWorkspaceId());
    else if (!request.workspace.isEmpty() && !selectWorkspace(request.workspace, error))
        return false;

    if (m_trayAvailable && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new TrayController(m_context, this);
        connect(m_tray, &TrayController::quickPromptRequested, this, &DesktopShell::openQuickPrompt);
        connect(m_tray, &TrayController::openRequested, this, &DesktopShell::showMainWindow);
        connect(m_tray, &TrayController::settingsRequested, this, &DesktopShell::openSettings);
        connect(m_tray, &TrayController::quitRequested, this, &DesktopShell::quit);
        connect(m_tray, &TrayController::creditsRequested, this, [this] {
            showMainWindow();
            m_window->showPage(MainWindow::Page::Account);
            m_window->accountPage()->showTab(AccountPage::Tab::Credits);
        });
        m_tray->show();
    }
    // With a tray the app ends from its menu (Quit), not when its last window closes: the quick
    // prompt and the hidden main window are windows too.
    QApplication::setQuitOnLastWindowClosed(!m_tray);

    m_shortcut = GlobalShortcut::create(this);
    connect(m_shortcut.get(), &GlobalShortcut::activated, this, &DesktopShell::openQuickPrompt);
    // The portal answers later than setShortcut() returns: its refusal is said when it comes.
    connect(m_shortcut.get(), &GlobalShortcut::errorOccurred, this, [this](const QString& message) {
        qCWarning(lcShell).noquote() << "the quick prompt shortcut:" << message;
        if (m_window->isVisible())
            m_window->statusBar()->showMessage(message, 15000);
    });
    applyShortcut();

    const bool hidden = m_tray && (request.quickPrompt || m_context->settings()->startHidden());
    if (!hidden)
        showMainWindow();
    if (request.quickPrompt)
        openQuickPrompt();
    return true;
}

void DesktopShell::applyShortcut()
{
    const QKeySequence seq =
        QKeySequence::fromString(m_context->settings()->quickPromptShortcut(), QKeySequence::PortableText);
    if (m_shortcut && m_shortcut->isAvailable() && !m_shortcut->setShortcut(seq))
        qCWarning(lcShell).noquote() << "the quick prompt shortcut" << seq.toString()
                                     << "is not available:" << m_shortcut->errorString();
    if (m_tray)
        m_tray->setQuickPromptShortcut(m_shortcut && m_shortcut->isAvailable() ? m_shortcut->shortcut()
                                                                               : QKeySequence());
}

bool DesktopShell::handle(const ShellRequest& request, QString* error)
{
    QString why;
    if (request.demo) {
        m_context->workspaces()->select(WorkspaceManager::demoWorkspaceId());
    } else if (!request.workspace.isEmpty() && !selectWorkspace(request.workspace, &why)) {
        // The launch that asked has already exited: say it where the user looks.
        showMainWindow();
        m_window->statusBar()->showMessage(why, 15000);
        if (error)
            *error = why;
        return false;
    }
    if (request.quickPrompt)
        openQuickPrompt();
    else
        showMainWindow();
    return true;
}

void DesktopShell::showMainWindow()
{
    if (m_window->isMinimized())
        m_window->showNormal();
    else
        m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

void DesktopShell::openQuickPrompt()
{
    if (!m_quickPrompt) {
        m_quickPrompt = new QuickPromptWindow(m_context);
        m_quickPrompt->setAttribute(Qt::WA_QuitOnClose, false);
        connect(m_quickPrompt, &QuickPromptWindow::openInMainWindow, this, [this](qint64 conversationId) {
            m_quickPrompt->hide();
            showMainWindow();
            m_window->showPage(MainWindow::Page::Chat);
            if (conversationId > 0) {
                m_window->chatPage()
                    ->sidebar()
                    ->reload(); // a new quick-prompt conversation is not listed yet
                m_window->chatPage()->openConversation(conversationId);
            }
        });
        // The main window's history keeps up with the turns made here.
        connect(m_quickPrompt, &QuickPromptWindow::conversationChanged, this,
                [this] { m_window->chatPage()->sidebar()->reload(); });
        connect(m_quickPrompt, &QuickPromptWindow::workspaceSettingsRequested, this, [this] {
            showMainWindow();
            m_window->openWorkspaceSettings();
        });
        connect(m_quickPrompt->session(), &ChatSession::replyFinished, this, [this] {
            if (WorkspaceSession* session = m_context->session())
                session->account()->noteSpending();
        });
    }
    m_quickPrompt->popUp();
    emit quickPromptOpened();
}

void DesktopShell::openSettings()
{
    if (m_settings) {
        m_settings->raise();
        m_settings->activateWindow();
        return;
    }
    QWidget* parent = m_window->isVisible() ? m_window.get() : nullptr;
    m_settings = new SettingsDialog(m_context->settings(), parent);
    m_settings->setAttribute(Qt::WA_DeleteOnClose);
    m_settings->setAttribute(Qt::WA_QuitOnClose, false);
    m_settings->setTrayAvailable(m_tray != nullptr);
    GlobalShortcut* shortcut = m_shortcut.get();
    m_settings->setShortcutBackend(
        [shortcut](const QKeySequence& seq, QString* error) {
            if (!shortcut || !shortcut->isAvailable())
                return true; // nothing to grab: the setting is kept for a desktop that can
            if (shortcut->setShortcut(seq))
                return true;
            if (error)
                *error = shortcut->errorString();
            return false;
        },
        shortcut && shortcut->isAvailable() ? QString()
                                            : (shortcut ? shortcut->unavailableReason() : QString()));
    connect(m_settings, &SettingsDialog::applied, this, [this] {
        m_window->chatPage()->reloadSettings();
        if (WorkspaceSession* session = m_context->session())
            session->account()->setLowBalanceThreshold(m_context->settings()->lowBalanceThreshold());
        if (m_tray)
            m_tray->setQuickPromptShortcut(m_shortcut && m_shortcut->isAvailable() ? m_shortcut->shortcut()
                                                                                   : QKeySequence());
    });
    m_settings->open();
}

void DesktopShell::quit()
{
    m_quitting = true;
    if (m_quickPrompt)
        m_quickPrompt->hide();
    m_window->hide();
    QCoreApplication::quit();
}

} // namespace anyrouter
