// The account console inside the real main window, against the simulator: Ctrl+Shift+4 opens it;
// switching workspace re-binds every page at once (chat, models, overview, credits, keys, usage,
// health) and each panel then shows what the new workspace's key may see; the low-balance warning
// reaches the status bar and leads to the credits panel; start-up asks /credits and /health once,
// however many pages show them.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/catalog/CatalogRepository.h"
#include "core/chat/ChatSession.h"
#include "core/storage/SecretStore.h"
#include "core/storage/Settings.h"
#include "core/storage/UsageLedger.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"
#include "ui/account/AccountPage.h"
#include "ui/account/CreditsPanel.h"
#include "ui/account/HealthPanel.h"
#include "ui/account/KeyEditDialog.h"
#include "ui/account/KeySecretDialog.h"
#include "ui/account/KeyTableModel.h"
#include "ui/account/KeysPanel.h"
#include "ui/account/UsagePanel.h"
#include "ui/catalog/ModelsPage.h"
#include "ui/chat/ChatPage.h"
#include "ui/common/Format.h"
#include "ui/shell/MainWindow.h"
#include "ui/workspace/WorkspaceDialog.h"
#include "ui/workspace/WorkspaceOverviewPage.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestAccountConsole : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void switchingReBindsEveryPage();
    void lowBalanceWarnsInTheStatusBar();
    void startUpAsksCreditsAndHealthOnce();

private:
    std::unique_ptr<AppContext> makeContext();
    void addWorkspaces(AppContext* ctx);
    void seedLedger(AppContext* ctx);

    test::SimFixture m_sim;
    test::ContextFixture m_contexts{u"console"_s};
};

namespace {
const QString kLimited = u"limited"_s;

LedgerEntry entry(const QString& workspaceId, const QString& model, double cost)
{
    LedgerEntry e;
    e.at = QDateTime::currentDateTimeUtc().addSecs(-3600);
    e.workspaceId = workspaceId;
    e.keyLabel = u"sk-ar-v1-sim…0000"_s;
    e.endpoint = u"/chat/completions"_s;
    e.model = model;
    e.promptTokens = 100;
    e.completionTokens = 50;
    e.cost = cost;
    e.costSource = u"gateway"_s;
    return e;
}
} // namespace

void TestAccountConsole::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

void TestAccountConsole::cleanup()
{
    Settings().reset(Settings::Key::LowBalanceThreshold);
}

std::unique_ptr<AppContext> TestAccountConsole::makeContext()
{
    auto ctx = m_contexts.make();
    return ctx;
}

// The demo workspace with the simulator's full key, and one whose key may only chat.
void TestAccountConsole::addWorkspaces(AppContext* ctx)
{
    Workspace demo = test::demoWorkspace(m_sim.baseUrl());
    Workspace limited;
    limited.id = kLimited;
    limited.name = u"Chat only"_s;
    limited.kind = Workspace::Kind::Environment;
    limited.baseUrl = m_sim.baseUrl();
    ctx->workspaces()->addEphemeral(limited, sim::inferenceKey());
    ctx->workspaces()->addEphemeral(demo, sim::fullKey()); // prepended: Ctrl+1
}

void TestAccountConsole::seedLedger(AppContext* ctx)
{
    for (LedgerEntry e : {entry(WorkspaceManager::demoWorkspaceId(), u"openai/gpt-5.4-mini"_s, 0.25),
                          entry(WorkspaceManager::demoWorkspaceId(), u"anthropic/claude-sonnet-4.6"_s, 0.5),
                          entry(kLimited, u"openai/gpt-5.4-mini"_s, 2.0)})
        QVERIFY(ctx->ledger()->record(e));
}

void TestAccountConsole::switchingReBindsEveryPage()
{
    auto ctx = makeContext();
    addWorkspaces(ctx.get());
    seedLedger(ctx.get());
    MainWindow w(ctx.get());
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(w.currentPage(), MainWindow::Page::Account);
    AccountPage* account = w.accountPage();
    QVERIFY(account->isVisible());
    QCOMPARE(account->tabs()->count(), 4);

    // Demo (full key): every panel has its figures (each tab fetches when shown).
    CreditsPanel* credits = account->creditsPanel();
    KeysPanel* keys = account->keysPanel();
    UsagePanel* usage = account->usagePanel();
    HealthPanel* health = account->healthPanel();
    QTRY_VERIFY_WITH_TIMEOUT(credits->credits() && credits->credits()->balance, 10000);
    QCOMPARE(*credits->credits()->balance, m_sim.server()->balance());
    // The keys tab has not been shown yet: nothing asked for.
    QCOMPARE(keys->model()->rowCount(), 0);
    QCOMPARE(usage->activityStatus().state, EndpointStatus::State::Idle);
    account->showTab(AccountPage::Tab::Keys);
    QTRY_COMPARE_WITH_TIMEOUT(keys->state(), KeysPanel::State::Keys, 10000);
    QVERIFY(keys->model()->rowCount() > 0);
    account->showTab(AccountPage::Tab::Usage);
    QTRY_COMPARE_WITH_TIMEOUT(usage->activityStatus().state, EndpointStatus::State::Ready, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!usage->isBusy(), 10000);
    usage->setQuery(UsageQuery{}); // this app's ledger, 7 days, cost by model
    QTRY_VERIFY_WITH_TIMEOUT(!usage->isBusy(), 10000);
    QVERIFY(qAbs(usage->series().total - 0.75) < 1e-9); // the demo rows only: 0.25 + 0.5
    // A request made while another tab shows (a chat adds a ledger row) is there when the charts
    // come back into view.
    account->showTab(AccountPage::Tab::Keys);
    LedgerEntry more = entry(WorkspaceManager::demoWorkspaceId(), u"openai/gpt-5.4-mini"_s, 0.125);
    QVERIFY(ctx->ledger()->record(more));
    account->showTab(AccountPage::Tab::Usage);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(usage->series().total - 0.875) < 1e-9, 10000);
    account->showTab(AccountPage::Tab::Health);
    QTRY_VERIFY_WITH_TIMEOUT(health->providerTable()->rowCount() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.modelsPage()->repository()->entries().size() > 0, 10000);

    // Switch (Ctrl+2): every page lets go of the demo at once, before any answer comes back.
    account->showTab(AccountPage::Tab::Credits);
    QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(ctx->workspaces()->current().id, kLimited);
    QVERIFY(!credits->credits().has_value());
    QVERIFY(keys->state() != KeysPanel::State::Keys);
    QCOMPARE(keys->model()->rowCount(), 0);
    QCOMPARE(w.chatPage()->session()->workspaceId(), kLimited);
    QVERIFY(w.windowTitle().startsWith(u"Chat only"_s));

    // Then each panel shows what this key may see, and says why not the rest.
    QTRY_VERIFY_WITH_TIMEOUT(credits->statusText().contains(u"management key"_s), 10000);
    QVERIFY(!credits->credits().has_value());
    account->showTab(AccountPage::Tab::Keys); // hidden panels fetch when shown
    QTRY_COMPARE_WITH_TIMEOUT(keys->state(), KeysPanel::State::NoPermission, 10000);
    account->showTab(AccountPage::Tab::Usage);
    QVERIFY2(keys->stateText().contains(u"management key"_s), qPrintable(keys->stateText()));
    QTRY_COMPARE_WITH_TIMEOUT(usage->activityStatus().state, EndpointStatus::State::Forbidden, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!usage->isBusy(), 10000);
    QVERIFY(qAbs(usage->series().total - 2.0) < 1e-9); // this workspace's ledger row only
    // The catalog works with an inference key.
    QTRY_VERIFY_WITH_TIMEOUT(
        !w.modelsPage()->repository()->isLoading() && !w.modelsPage()->repository()->isRefreshing(), 10000);
    QVERIFY(!w.modelsPage()->repository()->lastRefreshFailed());

    // The explanation's button opens the workspace editor on this workspace.
    account->showTab(AccountPage::Tab::Keys);
    QVERIFY(keys->settingsButton()->isVisible());
    QTest::mouseClick(keys->settingsButton(), Qt::LeftButton);
    WorkspaceDialog* editor = nullptr;
    QTRY_VERIFY(editor = w.findChild<WorkspaceDialog*>());
    QCOMPARE(editor->workspace().id, kLimited);
    editor->reject();

    // And back (Ctrl+1): the demo's figures return.
    QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
    QTRY_VERIFY_WITH_TIMEOUT(credits->credits() && credits->credits()->balance, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(keys->state(), KeysPanel::State::Keys, 10000);
    QCOMPARE(usage->activityStatus().state, EndpointStatus::State::Idle); // hidden: not asked yet
    account->showTab(AccountPage::Tab::Usage);
    QTRY_COMPARE_WITH_TIMEOUT(usage->activityStatus().state, EndpointStatus::State::Ready, 10000);
}

void TestAccountConsole::lowBalanceWarnsInTheStatusBar()
{
    auto ctx = makeContext();
    addWorkspaces(ctx.get());
    const double balance = m_sim.server()->balance();
    ctx->settings()->setLowBalanceThreshold(balance + 5); // the balance is below it
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    QCOMPARE(w.currentPage(), MainWindow::Page::Chat); // the warning does not need the page open
    QLabel* warning = w.lowBalanceLabel();
    QTRY_VERIFY_WITH_TIMEOUT(warning->isVisible(), 10000);
    QVERIFY2(warning->text().contains(w.accountPage()->creditsPanel()->balanceText()) ||
                 warning->text().contains(u"low"_s, Qt::CaseInsensitive),
             qPrintable(warning->text()));
    QTest::mouseClick(warning, Qt::LeftButton);
    QCOMPARE(w.currentPage(), MainWindow::Page::Account);
    QCOMPARE(w.accountPage()->currentTab(), AccountPage::Tab::Credits);

    // A workspace whose balance cannot be read withdraws the warning instead of keeping the demo's.
    QVERIFY(ctx->workspaces()->select(kLimited));
    QTRY_VERIFY(!warning->isVisible());
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    QTRY_VERIFY_WITH_TIMEOUT(warning->isVisible(), 10000);
    // Lowering the threshold below the balance in the credits panel clears it, and is kept.
    auto* threshold = w.accountPage()->creditsPanel()->findChild<QDoubleSpinBox*>();
    QVERIFY(threshold);
    threshold->setValue(balance - 5);
    QTRY_VERIFY_WITH_TIMEOUT(!warning->isVisible(), 10000);
    QCOMPARE(ctx->settings()->lowBalanceThreshold(), balance - 5);
}

void TestAccountConsole::startUpAsksCreditsAndHealthOnce()
{
    auto ctx = makeContext();
    addWorkspaces(ctx.get());
    const int credits = m_sim.server()->requestCount(u"/credits"_s);
    const int health = m_sim.server()->requestCount(u"/health"_s);
    MainWindow w(ctx.get());
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    AccountStatus* account = ctx->session()->account();
    QTRY_VERIFY_WITH_TIMEOUT(account->credits() && account->health() && !account->isReadingCredits() &&
                                 !account->isReadingHealth(),
                             10000);
    // Every page that shows these figures, in turn: none asks again (a read starts at once when asked).
    QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(w.currentPage(), MainWindow::Page::Overview);
    QTRY_VERIFY_WITH_TIMEOUT(w.overviewPage()->balance().has_value(), 10000);
    QCOMPARE(*w.overviewPage()->balance(), *account->credits()->balance);
    QTest::keyClick(&w, Qt::Key_4, Qt::ControlModifier | Qt::ShiftModifier);
    w.accountPage()->showTab(AccountPage::Tab::Credits);
    QCOMPARE(w.accountPage()->creditsPanel()->balanceText(), format::usd(*account->credits()->balance));
    w.accountPage()->showTab(AccountPage::Tab::Health);
    QVERIFY(w.accountPage()->healthPanel()->providerTable()->rowCount() > 0);
    QVERIFY(!account->isReadingCredits());
    QVERIFY(!account->isReadingHealth()); // the check is a moment old: not due on showing the tab
    QCOMPARE(m_sim.server()->requestCount(u"/credits"_s), credits + 1);
    QCOMPARE(m_sim.server()->requestCount(u"/health"_s), health + 1);
    // F5 asks each once more.
    QTest::keyClick(&w, Qt::Key_F5);
    QTRY_VERIFY_WITH_TIMEOUT(!account->isReadingCredits() && !account->isReadingHealth(), 10000);
    QCOMPARE(m_sim.server()->requestCount(u"/credits"_s), credits + 2);
    QCOMPARE(m_sim.server()->requestCount(u"/health"_s), health + 2);
}

QTEST_MAIN(TestAccountConsole)
#include "TestAccountConsole.moc"
