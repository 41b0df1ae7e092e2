// TestOneSourceOfTruth: the whole window over one WorkspaceSession. Starting on Demo asks the gateway
// for /models and /credits once; visiting every page, every account tab and the model picker asks
// for no second catalog; five workspace switches within a second end with every page, the model
// picker and the title showing the last workspace's data and nothing of an earlier one. Real HTTP
// over loopback (in-process simulators that count what they receive), a real SQLite file.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/AppContext.h"
#include "core/catalog/CatalogRepository.h"
#include "core/storage/SecretStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"
#include "ui/account/AccountPage.h"
#include "ui/catalog/ModelTableModel.h"
#include "ui/catalog/ModelsPage.h"
#include "ui/chat/ChatPage.h"
#include "ui/chat/ModelPickerDialog.h"
#include "ui/shell/MainWindow.h"
#include "ui/workspace/WorkspaceOverviewPage.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestOneSourceOfTruth : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void demoStartAsksEachEndpointOnce();
    void fiveSwitchesWithinASecondShowTheLastWorkspace();

private:
    std::unique_ptr<AppContext> makeContext();
    static Workspace workspace(const QString& id, Workspace::Kind kind, const QUrl& url);
    static int count(const test::SimFixture& sim, const char* path);
    static QString log(const test::SimFixture& sim);
    static ModelPickerDialog* openPicker(MainWindow& w);

    test::SimFixture m_simA, m_simB;
    test::ContextFixture m_contexts{u"truth"_s};
};

void TestOneSourceOfTruth::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestOneSourceOfTruth::init()
{
    sim::SimConfig a = test::SimFixture::fastConfig();
    a.modelCount = 37;
    a.initialBalance = 11.0;
    sim::SimConfig b = test::SimFixture::fastConfig();
    b.modelCount = 12;
    b.initialBalance = 22.0;
    QVERIFY(m_simA.start(a));
    QVERIFY(m_simB.start(b));
}

void TestOneSourceOfTruth::cleanup()
{
    m_simA.stop();
    m_simB.stop();
}

std::unique_ptr<AppContext> TestOneSourceOfTruth::makeContext()
{
    auto ctx = m_contexts.make();
    return ctx;
}

Workspace TestOneSourceOfTruth::workspace(const QString& id, Workspace::Kind kind, const QUrl& url)
{
    Workspace ws;
    ws.id = id;
    ws.name = id == WorkspaceManager::demoWorkspaceId() ? u"Demo"_s : id.toUpper();
    ws.kind = kind;
    ws.baseUrl = url;
    return ws;
}

int TestOneSourceOfTruth::count(const test::SimFixture& sim, const char* path)
{
    return sim.server()->requestCount(u"GET"_s, u"/api/v1"_s + QString::fromLatin1(path));
}

QString TestOneSourceOfTruth::log(const test::SimFixture& sim)
{
    return sim.server()->requestLog().join(u", "_s);
}

ModelPickerDialog* TestOneSourceOfTruth::openPicker(MainWindow& w)
{
    w.showPage(MainWindow::Page::Chat);
    w.chatPage()->openModelPicker();
    return w.chatPage()->findChild<ModelPickerDialog*>();
}

void TestOneSourceOfTruth::demoStartAsksEachEndpointOnce()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(
        workspace(WorkspaceManager::demoWorkspaceId(), Workspace::Kind::Demo, m_simA.baseUrl()),
        sim::fullKey());
    MainWindow w(ctx.get());
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));

    // Everything the start shows is in: the overview's figures and the chat page's catalog.
    QTRY_COMPARE_WITH_TIMEOUT(w.overviewPage()->modelCount(), qint64(37), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.overviewPage()->balance().has_value(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!ctx->session()->catalog()->isRefreshing(), 10000);
    QCOMPARE(*w.overviewPage()->balance(), 11.0);
    QCOMPARE(count(m_simA, "/models"), 1);
    QCOMPARE(count(m_simA, "/credits"), 1);

    // Every page, every account tab, the model picker.
    for (const auto page : {MainWindow::Page::Overview, MainWindow::Page::Models, MainWindow::Page::Account,
                            MainWindow::Page::Chat}) {
        w.showPage(page);
        QCoreApplication::processEvents();
    }
    QCOMPARE(w.modelsPage()->tableModel()->rowCount(), 37);
    for (const auto tab : {AccountPage::Tab::Credits, AccountPage::Tab::Keys, AccountPage::Tab::Usage,
                           AccountPage::Tab::Health}) {
        w.showPage(MainWindow::Page::Account);
        w.accountPage()->showTab(tab);
        QCoreApplication::processEvents();
    }
    ModelPickerDialog* picker = openPicker(w);
    QVERIFY(picker);
    QCOMPARE(picker->visibleModelCount(), 37); // at once: the session already holds the catalog
    picker->reject();
    // The tabs that read optional data (keys, activity) asked for it; give them time to finish.
    QTRY_VERIFY_WITH_TIMEOUT(count(m_simA, "/keys") >= 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(count(m_simA, "/activity") >= 1, 10000);
    QVERIFY2(count(m_simA, "/models") == 1, qPrintable(log(m_simA)));
    QVERIFY2(count(m_simA, "/credits") == 1, qPrintable(log(m_simA)));
    QVERIFY2(count(m_simA, "/keys") == 1, qPrintable(log(m_simA)));
    QVERIFY2(count(m_simA, "/health") <= 1, qPrintable(log(m_simA)));
}

void TestOneSourceOfTruth::fiveSwitchesWithinASecondShowTheLastWorkspace()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, Workspace::Kind::Environment, m_simA.baseUrl()),
                                    sim::fullKey());
    ctx->workspaces()->addEphemeral(workspace(u"b"_s, Workspace::Kind::Environment, m_simB.baseUrl()),
                                    sim::fullKey());
    MainWindow w(ctx.get());
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(u"a"_s));
    w.showPage(MainWindow::Page::Account); // every panel alive and showing
    QComboBox* selector = w.workspaceSelector();
    const int ia = selector->findData(u"a"_s);
    const int ib = selector->findData(u"b"_s);
    QVERIFY(ia >= 0 && ib >= 0);
    // Five switches, each while the previous workspace's requests are still on their way.
    for (const int index : {ib, ia, ib, ia, ib}) {
        selector->setCurrentIndex(index);
        QCoreApplication::processEvents();
    }
    QCOMPARE(ctx->session()->workspaceId(), u"b"_s);
    QTRY_COMPARE_WITH_TIMEOUT(w.overviewPage()->modelCount(), qint64(12), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.overviewPage()->balance().has_value(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!ctx->session()->catalog()->isRefreshing(), 10000);
    QCOMPARE(w.overviewPage()->modelCount(), qint64(12));
    QCOMPARE(*w.overviewPage()->balance(), 22.0);
    QCOMPARE(w.modelsPage()->tableModel()->rowCount(), 12);
    QCOMPARE(w.modelsPage()->repository(), ctx->session()->catalog());
    QVERIFY(w.windowTitle().startsWith(u"B"_s));
    QCOMPARE(selector->currentData().toString(), u"b"_s);
    ModelPickerDialog* picker = openPicker(w);
    QVERIFY(picker);
    QCOMPARE(picker->visibleModelCount(), 12);
    picker->reject();
}

QTEST_MAIN(TestOneSourceOfTruth)
#include "TestOneSourceOfTruth.moc"
