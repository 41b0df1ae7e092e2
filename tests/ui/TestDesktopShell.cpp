// TestDesktopShell: the requests the shell routes, offscreen (no tray there): this launch's and a
// second launch's --workspace / --quick-prompt / plain launch; an unknown workspace named by a second
// launch is said in the window; a quick-prompt turn shows up in the main window's sidebar, marked,
// and "continue in the main window" opens it there; Ctrl+, opens the one Settings dialog.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/chat/ChatSession.h"
#include "core/domain/Conversation.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"
#include "ui/chat/ChatPage.h"
#include "ui/chat/Composer.h"
#include "ui/chat/ConversationListModel.h"
#include "ui/chat/ConversationSidebar.h"
#include "ui/quickprompt/QuickPromptWindow.h"
#include "ui/settings/SettingsDialog.h"
#include "ui/shell/DesktopShell.h"
#include "ui/shell/MainWindow.h"

#include <QApplication>
#include <QCheckBox>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestDesktopShell : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void requestsFromTheCommandLine();
    void secondLaunchRequests();
    void quickPromptTurnReachesTheMainWindow();
    void settingsOpenOnce();

private:
    std::unique_ptr<AppContext> makeContext();

    test::SimFixture m_sim;
    test::ContextFixture m_contexts{u"shell"_s};
};

void TestDesktopShell::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestDesktopShell::init()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

void TestDesktopShell::cleanup()
{
    m_sim.stop();
    QApplication::setQuitOnLastWindowClosed(true);
}

std::unique_ptr<AppContext> TestDesktopShell::makeContext()
{
    auto ctx = m_contexts.make();
    ctx->workspaces()->addEphemeral(test::demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    Workspace env;
    env.id = WorkspaceManager::environmentWorkspaceId();
    env.name = u"Environment"_s;
    env.kind = Workspace::Kind::Environment;
    env.baseUrl = m_sim.baseUrl();
    ctx->workspaces()->addEphemeral(env, sim::fullKey());
    return ctx;
}

void TestDesktopShell::requestsFromTheCommandLine()
{
    // --workspace NAME (any case) selects it; no tray: the window shows even with --quick-prompt.
    {
        auto ctx = makeContext();
        DesktopShell shell(ctx.get());
        shell.setTrayAvailable(false);
        QString error;
        QVERIFY(shell.start(
            ShellRequest::fromArguments({u"app"_s, u"--workspace"_s, u"environment"_s, u"--quick-prompt"_s}),
            &error));
        QCOMPARE(ctx->workspaces()->current().id, WorkspaceManager::environmentWorkspaceId());
        QVERIFY(shell.mainWindow()->isVisible());
        QVERIFY(!shell.tray());
        QVERIFY(shell.quickPrompt() && shell.quickPrompt()->isVisible());
        QVERIFY(QApplication::quitOnLastWindowClosed()); // without a tray, closing quits
    }
    // An unknown workspace at start: nothing is shown, the reason is given.
    {
        auto ctx = makeContext();
        DesktopShell shell(ctx.get());
        shell.setTrayAvailable(false);
        QString error;
        QVERIFY(!shell.start(ShellRequest::fromArguments({u"app"_s, u"--workspace=Nope"_s}), &error));
        QVERIFY2(error.contains(u"Nope"_s), qPrintable(error));
        QVERIFY(!shell.mainWindow()->isVisible());
    }
    // Options the shell does not know are the sender's business.
    const ShellRequest r = ShellRequest::fromArguments({u"app"_s, u"--demo"_s, u"--frobnicate"_s});
    QVERIFY(r.demo);
    QVERIFY(!r.quickPrompt);
}

void TestDesktopShell::secondLaunchRequests()
{
    auto ctx = makeContext();
    DesktopShell shell(ctx.get());
    shell.setTrayAvailable(false);
    QVERIFY(shell.start(ShellRequest::fromArguments({u"app"_s, u"--demo"_s})));
    QCOMPARE(ctx->workspaces()->current().id, WorkspaceManager::demoWorkspaceId());
    MainWindow* w = shell.mainWindow();

    // A plain launch brings a minimised or hidden window back.
    w->hide();
    QVERIFY(shell.handle(ShellRequest::fromArguments({u"app"_s})));
    QVERIFY(w->isVisible());
    // --workspace switches.
    QVERIFY(shell.handle(ShellRequest::fromArguments({u"app"_s, u"--workspace"_s, u"Environment"_s})));
    QCOMPARE(ctx->workspaces()->current().id, WorkspaceManager::environmentWorkspaceId());
    // An unknown one is said in the window (the launch that asked has exited).
    QString error;
    QVERIFY(!shell.handle(ShellRequest::fromArguments({u"app"_s, u"--workspace"_s, u"Nope"_s}), &error));
    QVERIFY(error.contains(u"Nope"_s));
    QVERIFY(w->statusBar()->currentMessage().contains(u"Nope"_s));
    QCOMPARE(ctx->workspaces()->current().id, WorkspaceManager::environmentWorkspaceId());
    // --quick-prompt opens it, focused.
    QSignalSpy opened(&shell, &DesktopShell::quickPromptOpened);
    QVERIFY(shell.handle(ShellRequest::fromArguments({u"app"_s, u"--quick-prompt"_s})));
    QCOMPARE(opened.size(), 1);
    QVERIFY(shell.quickPrompt()->isVisible());
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(shell.quickPrompt()->input()));
}

void TestDesktopShell::quickPromptTurnReachesTheMainWindow()
{
    auto ctx = makeContext();
    DesktopShell shell(ctx.get());
    shell.setTrayAvailable(false);
    QVERIFY(shell.start(ShellRequest::fromArguments({u"app"_s, u"--demo"_s})));
    shell.openQuickPrompt();
    QuickPromptWindow* quick = shell.quickPrompt();
    QSignalSpy finished(quick->session(), &ChatSession::replyFinished);
    quick->input()->setPlainText(u"From the quick prompt [[tokens=20]]"_s);
    QTest::keyClick(quick->input(), Qt::Key_Return);
    QVERIFY(finished.wait(10000));
    const qint64 id = quick->conversationId();
    QVERIFY(id > 0);

    // The main window's sidebar lists it, marked as a quick prompt.
    ConversationListModel* list = shell.mainWindow()->chatPage()->sidebar()->model();
    const auto row = [list, id]() -> QModelIndex {
        for (int r = 0; r < list->rowCount(); ++r) {
            const QModelIndex i = list->index(r, 0);
            if (i.data(ConversationListModel::ConversationIdRole).toLongLong() == id)
                return i;
        }
        return {};
    };
    QTRY_VERIFY(row().isValid());
    QVERIFY(row().data(ConversationListModel::QuickPromptRole).toBool());

    // Ctrl+Enter: the same conversation, in the main window.
    QTest::keyClick(quick->input(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(!quick->isVisible());
    QVERIFY(shell.mainWindow()->isVisible());
    QCOMPARE(shell.mainWindow()->currentPage(), MainWindow::Page::Chat);
    QCOMPARE(shell.mainWindow()->chatPage()->currentConversationId(), id);
}

void TestDesktopShell::settingsOpenOnce()
{
    auto ctx = makeContext();
    DesktopShell shell(ctx.get());
    shell.setTrayAvailable(false);
    QVERIFY(shell.start(ShellRequest::fromArguments({u"app"_s, u"--demo"_s})));
    QVERIFY(QTest::qWaitForWindowExposed(shell.mainWindow()));
    shell.mainWindow()->activateWindow();
    QTest::keyClick(shell.mainWindow(), Qt::Key_Comma, Qt::ControlModifier);
    QTRY_VERIFY(shell.settingsDialog() && shell.settingsDialog()->isVisible());
    SettingsDialog* first = shell.settingsDialog();
    QVERIFY(!first->closeToTrayBox()->isEnabled()); // no tray here
    shell.openSettings();                           // a second ask raises the same dialog
    QCOMPARE(shell.settingsDialog(), first);
    first->reject();
    QTRY_VERIFY(!shell.settingsDialog());

    // What OK writes applies at once: the chat composer follows "Enter sends".
    Composer* composer = shell.mainWindow()->chatPage()->composer();
    const bool before = composer->enterSends();
    shell.openSettings();
    QTRY_VERIFY(shell.settingsDialog());
    shell.settingsDialog()->enterSendsBox()->setChecked(!before);
    shell.settingsDialog()->accept();
    QCOMPARE(composer->enterSends(), !before);
    QCOMPARE(ctx->settings()->enterSends(), !before);
    ctx->settings()->setEnterSends(true);
}

QTEST_MAIN(TestDesktopShell)
#include "TestDesktopShell.moc"
