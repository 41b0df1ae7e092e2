// The app shell against the simulator: the Demo workspace shows live figures (connection, model
// count, credit balance, provider health, rate limit); the Environment workspace is never stored;
// a rejected key says so in plain words; Ctrl+<n> switches workspaces; a failing gateway shows one
// status line with the retry plan, which Stop retrying ends.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/SecretStore.h"
#include "core/storage/WorkspaceStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"
#include "ui/chat/ChatPage.h"
#include "ui/shell/MainWindow.h"
#include "ui/workspace/WorkspaceOverviewPage.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QProcessEnvironment>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void demoWorkspaceShowsLiveGatewayData();
    void environmentWorkspaceIsNeverStored();
    void rejectedKeyIsExplained();
    void ctrlDigitSwitchesWorkspace();
    void chatIsTheDefaultPageAndPagesAreKeyboardReachable();
    void outageIsOneCancellableStatusLine();

private:
    std::unique_ptr<AppContext> makeContext();
    Workspace demoWorkspace() const;

    test::SimFixture m_sim;
    test::ContextFixture m_contexts{u"ui"_s};
};

void TestMainWindow::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_sim.start());
}

std::unique_ptr<AppContext> TestMainWindow::makeContext()
{
    auto ctx = m_contexts.make();
    return ctx;
}

Workspace TestMainWindow::demoWorkspace() const
{
    Workspace demo = test::demoWorkspace(m_sim.baseUrl());
    return demo;
}

void TestMainWindow::demoWorkspaceShowsLiveGatewayData()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(demoWorkspace(), sim::fullKey());
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));

    WorkspaceOverviewPage* page = w.overviewPage();
    const int expectedModels = m_sim.server()->modelCount();
    QVERIFY(expectedModels >= 150);
    QTRY_COMPARE_WITH_TIMEOUT(page->modelCount(), qint64(expectedModels), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(page->balance().has_value(), 10000);
    QCOMPARE(*page->balance(), m_sim.server()->balance());
    QCOMPARE(page->connectionText(), u"Connected"_s);

    auto* providers = page->findChild<QTableWidget*>();
    QVERIFY(providers);
    auto tables = page->findChildren<QTableWidget*>();
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(tables.begin(), tables.end(), [](QTableWidget* t) { return t->rowCount() > 0; }), 10000);
    // Status bar: connection state and the gateway's rate-limit figures.
    const auto labels = w.statusBar()->findChildren<QLabel*>();
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(labels.begin(), labels.end(),
                                         [](QLabel* l) { return l->text().startsWith(u"Requests left:"_s); }),
                             5000);
    QCOMPARE(w.workspaceSelector()->currentData().toString(), WorkspaceManager::demoWorkspaceId());
    QVERIFY(w.windowTitle().startsWith(u"Demo"_s));
}

void TestMainWindow::environmentWorkspaceIsNeverStored()
{
    auto ctx = makeContext();
    QProcessEnvironment env;
    env.insert(u"ANYROUTER_API_KEY"_s, sim::inferenceKey());
    env.insert(u"ANYROUTER_BASE_URL"_s, m_sim.baseUrl().toString());
    env.insert(u"ANYROUTER_MODEL"_s, u"anthropic/claude-haiku-4.5"_s);
    ctx->workspaces()->addEnvironmentWorkspace(env);
    const auto ws = ctx->workspaces()->find(WorkspaceManager::environmentWorkspaceId());
    QVERIFY(ws);
    QCOMPARE(ws->baseUrl, m_sim.baseUrl());
    QCOMPARE(ws->effectiveModel(), u"anthropic/claude-haiku-4.5"_s);
    QVERIFY(ws->isEphemeral());
    QVERIFY(!ctx->workspaceStore()->save(*ws)); // the store refuses it
    QVERIFY(ctx->workspaceStore()->list().isEmpty());

    MainWindow w(ctx.get());
    QVERIFY(ctx->workspaces()->select(ws->id));
    // The inference-only key can list models but not read credits: the page says so (the shared
    // sentence for a 403), no dialog.
    QTRY_COMPARE_WITH_TIMEOUT(w.overviewPage()->modelCount(), qint64(m_sim.server()->modelCount()), 10000);
    auto labels = w.overviewPage()->findChildren<QLabel*>();
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(labels.begin(), labels.end(),
                    [](QLabel* l) { return l->text().contains(u"may not read the credit balance"_s); }),
        10000);
}

void TestMainWindow::rejectedKeyIsExplained()
{
    auto ctx = makeContext();
    Workspace bad = demoWorkspace();
    bad.id = u"bad"_s;
    bad.name = u"Bad key"_s;
    bad.kind = Workspace::Kind::Environment;
    ctx->workspaces()->addEphemeral(bad, u"sk-ar-v1-not-a-real-key"_s);
    MainWindow w(ctx.get());
    QVERIFY(ctx->workspaces()->select(u"bad"_s));
    QTRY_VERIFY_WITH_TIMEOUT(w.overviewPage()->connectionText().contains(u"rejected the API key"_s), 10000);
    QCOMPARE(w.overviewPage()->modelCount(), -1);
}

void TestMainWindow::ctrlDigitSwitchesWorkspace()
{
    auto ctx = makeContext();
    Workspace second = demoWorkspace();
    second.id = u"second"_s;
    second.name = u"Second"_s;
    second.kind = Workspace::Kind::Environment;
    ctx->workspaces()->addEphemeral(demoWorkspace(), sim::fullKey());
    ctx->workspaces()->addEphemeral(second, sim::fullKey()); // prepended: index 0
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    QCOMPARE(w.workspaceSelector()->count(), 2);
    QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
    QTRY_COMPARE(ctx->workspaces()->current().id, u"second"_s);
    QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
    QTRY_COMPARE(ctx->workspaces()->current().id, WorkspaceManager::demoWorkspaceId());
}

void TestMainWindow::chatIsTheDefaultPageAndPagesAreKeyboardReachable()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(demoWorkspace(), sim::fullKey());
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    QCOMPARE(w.currentPage(), MainWindow::Page::Chat);
    QVERIFY(w.chatPage()->isVisible());
    QVERIFY(!w.overviewPage()->isVisible());
    QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(w.currentPage(), MainWindow::Page::Overview);
    QVERIFY(w.overviewPage()->isVisible());
    QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(w.currentPage(), MainWindow::Page::Chat);
    // The page list itself: arrows move between pages.
    w.navigation()->setFocus();
    QTest::keyClick(w.navigation(), Qt::Key_Down);
    QCOMPARE(w.currentPage(), MainWindow::Page::Overview);
    QCOMPARE(w.navigation()->accessibleName(), u"Pages"_s);
}

void TestMainWindow::outageIsOneCancellableStatusLine()
{
    // Every request of this workspace gets a 503: the start-up requests (models, credits, health…)
    // all retry. The status bar shows one line for them, with the plan, not one per request.
    auto ctx = makeContext();
    Workspace failing = demoWorkspace();
    failing.id = u"failing"_s;
    failing.name = u"Failing"_s;
    failing.kind = Workspace::Kind::Environment;
    ctx->workspaces()->addEphemeral(failing, u"sk-ar-v1-sim-fault-503"_s);
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(u"failing"_s));

    QLabel* line = w.retryStatusLabel();
    QVERIFY(line);
    QTRY_VERIFY_WITH_TIMEOUT(line->isVisible() && line->text().contains(u"retrying"_s), 10000);
    QVERIFY2(line->text().startsWith(u"The gateway is failing (HTTP 503) — retrying"_s),
             qPrintable(line->text()));
    QVERIFY2(line->text().contains(u"of 5)"_s), qPrintable(line->text()));
    const auto labels = w.statusBar()->findChildren<QLabel*>();
    QCOMPARE(std::count_if(labels.begin(), labels.end(),
                           [](QLabel* l) { return l->isVisible() && l->text().contains(u"retrying"_s); }),
             1);
    QVERIFY(!line->text().contains(u"%"_s));

    QToolButton* stop = w.stopRetryingButton();
    QVERIFY(stop->isVisible());
    stop->click();
    // Waiting requests give up at once; one already in flight makes no further attempt.
    QTRY_VERIFY_WITH_TIMEOUT(!line->isVisible(), 10000);
    QVERIFY(!stop->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(w.overviewPage()->connectionText().contains(u"503"_s), 10000);
    QVERIFY(!ctx->workspaces()->client()->retryPlan().active);
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
