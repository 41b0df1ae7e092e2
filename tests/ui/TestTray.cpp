// TestTray: the tray icon in a real tray — Xvfb with trayer as the XEmbed tray host, a private D-Bus
// session (tests/support/with-tray.sh) — over a DesktopShell on two simulated gateways. The icon is
// embedded in the tray; its menu lists the workspaces (radio items, the current one checked) and
// choosing one switches the whole app; the balance line and tooltip show "$… left · Workspace";
// below the threshold the icon warns and one notification is shown per crossing, not per reading;
// a finished chat turn re-reads the balance soon after; closing the window hides it to the tray
// (said once), and without a tray closing quits as before.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/chat/ChatSession.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"
#include "ui/account/AccountPage.h"
#include "ui/chat/ChatPage.h"
#include "ui/chat/Composer.h"
#include "ui/common/Format.h"
#include "ui/quickprompt/QuickPromptWindow.h"
#include "ui/shell/DesktopShell.h"
#include "ui/shell/MainWindow.h"
#include "ui/shell/TrayController.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {
const QString kOther = u"0b6f3c1e-othe-4000-8000-00000000000b"_s;
}

class TestTray : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void iconSitsInTheTray();
    void menuSwitchesWorkspaces();
    void balanceLineAndTooltip();
    void lowBalanceNotifiesOncePerCrossing();
    void chatTurnReReadsTheBalanceSoon();
    void closeHidesToTrayAndSaysSoOnce();
    void withoutTrayCloseQuits();
    void quickPromptAndStartHiddenStayInTheTray();

private:
    std::unique_ptr<AppContext> makeContext();
    std::unique_ptr<DesktopShell> startShell(AppContext* ctx, bool tray = true);
    static int trayChildren();

    test::SimFixture m_simA, m_simB;
    test::ContextFixture m_contexts{u"tray"_s};
};

void TestTray::initTestCase()
{
    test::initHermeticEnvironment();
    QCOMPARE(QGuiApplication::platformName(), u"xcb"_s); // run through tests/support/with-tray.sh
    QTRY_VERIFY_WITH_TIMEOUT(QSystemTrayIcon::isSystemTrayAvailable(), 5000);
}

void TestTray::init()
{
    sim::SimConfig a = test::SimFixture::fastConfig();
    a.initialBalance = 12.4;
    sim::SimConfig b = test::SimFixture::fastConfig();
    b.initialBalance = 3.0;
    QVERIFY(m_simA.start(a));
    QVERIFY(m_simB.start(b));
}

void TestTray::cleanup()
{
    m_simA.stop();
    m_simB.stop();
}

std::unique_ptr<AppContext> TestTray::makeContext()
{
    auto ctx = m_contexts.make();
    ctx->settings()->reset(Settings::Key::LowBalanceThreshold);
    ctx->settings()->reset(Settings::Key::TrayHintShown);
    ctx->settings()->reset(Settings::Key::CloseToTray);
    ctx->settings()->reset(Settings::Key::StartHidden);
    ctx->workspaces()->addEphemeral(test::demoWorkspace(m_simA.baseUrl()), sim::fullKey());
    Workspace other;
    other.id = kOther;
    other.name = u"Team & Co"_s;
    other.kind = Workspace::Kind::Environment; // its key is the one given here, not the keychain's
    other.baseUrl = m_simB.baseUrl();
    ctx->workspaces()->addEphemeral(other, sim::fullKey());
    return ctx;
}

std::unique_ptr<DesktopShell> TestTray::startShell(AppContext* ctx, bool tray)
{
    auto shell = std::make_unique<DesktopShell>(ctx);
    shell->setTrayAvailable(tray);
    ShellRequest request;
    request.demo = true;
    QString error;
    if (!shell->start(request, &error))
        qFatal("shell did not start: %s", qPrintable(error));
    return shell;
}

// How many windows trayer's panel holds (all its descendants, from `xwininfo -root -tree`): an
// embedded icon is reparented under it, in a socket window of the panel's own. -1: cannot tell.
int TestTray::trayChildren()
{
    QProcess p;
    p.start(u"xwininfo"_s, {u"-root"_s, u"-tree"_s});
    if (!p.waitForFinished(5000) || p.exitCode() != 0)
        return -1;
    static const QRegularExpression window(u"^(\\s+)0x[0-9a-f]+ "_s);
    int panelIndent = -1;
    int windows = 0;
    for (const QString& line : QString::fromLocal8Bit(p.readAllStandardOutput()).split(u'\n')) {
        const QRegularExpressionMatch m = window.match(line);
        if (!m.hasMatch())
            continue;
        const int indent = int(m.capturedLength(1));
        if (panelIndent >= 0 && indent > panelIndent) {
            ++windows;
            continue;
        }
        panelIndent = line.contains(u"(\"panel\" \"trayer\")"_s) ? indent : -1;
    }
    return windows;
}

void TestTray::iconSitsInTheTray()
{
    if (QStandardPaths::findExecutable(u"xwininfo"_s).isEmpty())
        QFAIL("xwininfo (x11-utils) is needed to look inside the tray");
    const int before = trayChildren();
    QVERIFY(before >= 0);
    auto ctx = makeContext();
    auto shell = startShell(ctx.get());
    QVERIFY(shell->tray());
    QVERIFY(shell->tray()->isVisible());
    QVERIFY(shell->mainWindow()->isVisible());
    // The icon is embedded: the tray's panel holds it (in a socket window of its own), and lets go
    // once it is hidden.
    QTRY_VERIFY_WITH_TIMEOUT(trayChildren() >= before + 2, 5000);
    shell->tray()->hide();
    QTRY_COMPARE_WITH_TIMEOUT(trayChildren(), before, 5000);
}

void TestTray::menuSwitchesWorkspaces()
{
    auto ctx = makeContext();
    auto shell = startShell(ctx.get());
    TrayController* tray = shell->tray();
    QMenu* menu = tray->workspacesMenu();
    const auto item = [menu](const QString& id) -> QAction* {
        for (QAction* a : menu->actions())
            if (a->data().toString() == id)
                return a;
        return nullptr;
    };
    QCOMPARE(menu->actions().size(), 2);
    QAction* demo = item(WorkspaceManager::demoWorkspaceId());
    QAction* other = item(kOther);
    QVERIFY(demo && other);
    QVERIFY(demo->isCheckable() && demo->isChecked());
    QVERIFY(!other->isChecked());
    QCOMPARE(other->text(), u"Team && Co"_s); // an ampersand in a name is not a mnemonic

    other->trigger();
    QCOMPARE(ctx->workspaces()->current().id, kOther);
    QCOMPARE(ctx->session()->workspaceId(), kOther);
    QVERIFY(shell->mainWindow()->windowTitle().startsWith(u"Team & Co"_s));
    QCOMPARE(shell->mainWindow()->chatPage()->session()->workspaceId(), kOther);
    QVERIFY(!item(WorkspaceManager::demoWorkspaceId())->isChecked()); // rebuilt on the switch
    QVERIFY(item(kOther)->isChecked());

    // And the other way: the window's selector moves the tray's check mark.
    ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId());
    QVERIFY(item(WorkspaceManager::demoWorkspaceId())->isChecked());
    // The fixed items are there, in order.
    QStringList texts;
    for (QAction* a : tray->menu()->actions())
        if (!a->isSeparator())
            texts << a->text().section(u'\t', 0, 0);
    QCOMPARE(texts.first(), u"&Quick prompt"_s);
    QVERIFY(texts.contains(u"&Open AnyRouter Desktop"_s));
    QVERIFY(texts.contains(u"&Settings…"_s));
    QCOMPARE(texts.last(), u"&Quit"_s);
}

void TestTray::balanceLineAndTooltip()
{
    auto ctx = makeContext();
    auto shell = startShell(ctx.get());
    TrayController* tray = shell->tray();
    QTRY_COMPARE_WITH_TIMEOUT(tray->balanceAction()->text(), u"$12.40 left · Demo"_s, 10000);
    QVERIFY(!tray->balanceAction()->isEnabled());
    QVERIFY2(tray->toolTip().contains(u"$12.40 left · Demo"_s), qPrintable(tray->toolTip()));
    ctx->workspaces()->select(kOther);
    // At once, nothing of the previous workspace's balance.
    QVERIFY(!tray->balanceAction()->text().contains(u"12.40"_s));
    QTRY_COMPARE_WITH_TIMEOUT(tray->balanceAction()->text(), u"$3.00 left · Team && Co"_s, 10000);
}

void TestTray::lowBalanceNotifiesOncePerCrossing()
{
    auto ctx = makeContext();
    auto shell = startShell(ctx.get());
    TrayController* tray = shell->tray();
    AccountStatus* account = ctx->session()->account();
    QTRY_VERIFY_WITH_TIMEOUT(account->credits() && account->credits()->balance, 10000);
    QVERIFY(!tray->isWarning());
    QCOMPARE(tray->notificationCount(), 0);

    account->setLowBalanceThreshold(20); // $12.40 is below: one crossing
    QVERIFY(tray->isWarning());
    QCOMPARE(tray->notificationCount(), 1);
    QVERIFY2(tray->lastNotification().contains(u"12.40"_s), qPrintable(tray->lastNotification()));
    QVERIFY(tray->toolTip().contains(tray->lastNotification()));
    // Readings while it stays low notify nothing more.
    QSignalSpy read(account, &AccountStatus::creditsRead);
    account->refreshCredits();
    QVERIFY(read.wait(10000));
    m_simA.server()->setBalance(11.0);
    account->refreshCredits();
    QVERIFY(read.wait(10000));
    QCOMPARE(tray->notificationCount(), 1);
    QVERIFY(tray->isWarning());
    // Back above, then below again: a second crossing.
    account->setLowBalanceThreshold(5);
    QVERIFY(!tray->isWarning());
    account->setLowBalanceThreshold(20);
    QCOMPARE(tray->notificationCount(), 2);

    // Clicking the notification opens the Credits tab of the main window.
    shell->mainWindow()->hide();
    emit tray->icon()->messageClicked();
    QVERIFY(shell->mainWindow()->isVisible());
    QCOMPARE(shell->mainWindow()->currentPage(), MainWindow::Page::Account);
    QCOMPARE(shell->mainWindow()->accountPage()->currentTab(), AccountPage::Tab::Credits);
}

void TestTray::chatTurnReReadsTheBalanceSoon()
{
    auto ctx = makeContext();
    auto shell = startShell(ctx.get());
    AccountStatus* account = ctx->session()->account();
    QTRY_VERIFY_WITH_TIMEOUT(account->credits() && account->credits()->balance, 10000);
    account->setSpendingDelayMs(200);
    const int before = m_simA.server()->requestCount(u"GET"_s, u"/api/v1/credits"_s);
    const double balanceBefore = *account->credits()->balance;

    ChatPage* chat = shell->mainWindow()->chatPage();
    shell->mainWindow()->showPage(MainWindow::Page::Chat);
    chat->composer()->editor()->setPlainText(u"[[tokens=40]] hello"_s);
    QTest::keyClick(chat->composer()->editor(), Qt::Key_Return);
    // The turn finishes, and well before the 10-minute re-read the balance is read again, lower.
    QTRY_VERIFY_WITH_TIMEOUT(m_simA.server()->requestCount(u"GET"_s, u"/api/v1/credits"_s) > before, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(*account->credits()->balance < balanceBefore, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        shell->tray()->balanceAction()->text().startsWith(format::usd(*account->credits()->balance)), 5000);
}

void TestTray::closeHidesToTrayAndSaysSoOnce()
{
    auto ctx = makeContext();
    auto shell = startShell(ctx.get());
    MainWindow* w = shell->mainWindow();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QVERIFY(shell->closesToTray());
    QVERIFY(!QApplication::quitOnLastWindowClosed());
    QVERIFY(!ctx->settings()->trayHintShown());
    w->close();
    QVERIFY(!w->isVisible());
    QVERIFY(ctx->settings()->trayHintShown()); // said once ...
    shell->tray()->openAction()->trigger();    // ... the tray brings it back
    QVERIFY(w->isVisible());
    w->close();
    QVERIFY(!w->isVisible());

    // With the setting off, closing quits as without a tray.
    ctx->settings()->setCloseToTray(false);
    shell->showMainWindow();
    QVERIFY(!shell->closesToTray());
}

void TestTray::withoutTrayCloseQuits()
{
    auto ctx = makeContext();
    auto shell = startShell(ctx.get(), false);
    QVERIFY(!shell->tray());
    QVERIFY(QApplication::quitOnLastWindowClosed());
    QVERIFY(!shell->closesToTray());
    QVERIFY(shell->mainWindow()->isVisible());
    // Start hidden has no effect without a tray: the window always shows.
    ctx->settings()->setStartHidden(true);
    auto second = startShell(ctx.get(), false);
    QVERIFY(second->mainWindow()->isVisible());
    ctx->settings()->setStartHidden(false);
    QApplication::setQuitOnLastWindowClosed(true);
}

void TestTray::quickPromptAndStartHiddenStayInTheTray()
{
    // `--quick-prompt` when the app was not running: the quick prompt, the window stays in the tray.
    {
        auto ctx = makeContext();
        DesktopShell shell(ctx.get());
        QVERIFY(shell.start(ShellRequest::fromArguments({u"app"_s, u"--demo"_s, u"--quick-prompt"_s})));
        QVERIFY(shell.tray() && shell.tray()->isVisible());
        QVERIFY(!shell.mainWindow()->isVisible());
        QVERIFY(shell.quickPrompt() && shell.quickPrompt()->isVisible());
        shell.tray()->quickPromptAction()->trigger(); // the tray's item opens the same window
        QVERIFY(shell.quickPrompt()->isVisible());
    }
    // "Start hidden": only the tray icon; the tray's Open brings the window.
    {
        auto ctx = makeContext();
        ctx->settings()->setStartHidden(true);
        DesktopShell shell(ctx.get());
        QVERIFY(shell.start(ShellRequest::fromArguments({u"app"_s, u"--demo"_s})));
        QVERIFY(!shell.mainWindow()->isVisible());
        shell.tray()->openAction()->trigger();
        QVERIFY(shell.mainWindow()->isVisible());
        ctx->settings()->setStartHidden(false);
    }
}

QTEST_MAIN(TestTray)
#include "TestTray.moc"
