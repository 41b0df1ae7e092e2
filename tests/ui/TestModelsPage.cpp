// The Models page driven through its real widgets against the in-process simulator: the table and
// proxy pass QAbstractItemModelTester; each filter widget narrows the rows (count label included)
// and the state survives a restart; price columns sort numerically with unknowns last; the detail
// pane spells out units; the actions start a chat / set the workspace default; the calculator's
// figures equal hand-computed ones; and the page opens from the cache with the simulator stopped.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/api/RetryPolicy.h"
#include "core/catalog/CatalogRepository.h"
#include "core/storage/CatalogCache.h"
#include "core/storage/ConversationStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"
#include "ui/catalog/CostCalculator.h"
#include "ui/catalog/ModelDetailPane.h"
#include "ui/catalog/ModelFilterPanel.h"
#include "ui/catalog/ModelFilterProxy.h"
#include "ui/catalog/ModelTableModel.h"
#include "ui/catalog/ModelsPage.h"
#include "ui/chat/ChatPage.h"
#include "ui/common/Format.h"
#include "ui/shell/MainWindow.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <functional>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// Sonnet 4.6 in the simulator's hand-made catalog: $3 in, $15 out, $0.30 cache read per 1M.
const QString kSonnet = u"anthropic/claude-sonnet-4.6"_s;

} // namespace

class TestModelsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void tableAndProxyPassModelTester();
    void filterWidgetsDriveTheProxy_data();
    void filterWidgetsDriveTheProxy();
    void clearFiltersAndStateSurvivesRestart();
    void providerListShowsNamesAndFindsSlugs();
    void selectionSurvivesAReloadFromTheCache();
    void priceColumnsSortNumericallyUnknownsLast();
    void detailPaneShowsPricesWithUnits();
    void useInNewChatOpensAChatWithThatModel();
    void presetStartsAChat();
    void setAsWorkspaceDefaultOnDemo();
    void calculatorMatchesHandComputedFigures();
    void opensFromCacheWithTheSimulatorStopped();
    void workspaceSwitchWaitsForTheKeys();
    void changeMarksShowAndFilter();

private:
    std::unique_ptr<AppContext> makeContext(const QUrl& baseUrl);
    std::unique_ptr<ModelsPage> makePage(AppContext* ctx);
    static void waitLoaded(ModelsPage* page);

    QTemporaryDir m_dir;
    test::SimFixture m_sim;
    test::ContextFixture m_contexts{u"models"_s};
};

void TestModelsPage::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

std::unique_ptr<AppContext> TestModelsPage::makeContext(const QUrl& baseUrl)
{
    auto ctx = m_contexts.make();
    Workspace demo = test::demoWorkspace(baseUrl);
    ctx->workspaces()->addEphemeral(demo, sim::fullKey());
    ctx->workspaces()->select(demo.id);
    return ctx;
}

std::unique_ptr<ModelsPage> TestModelsPage::makePage(AppContext* ctx)
{
    auto page = std::make_unique<ModelsPage>(ctx);
    page->filterPanel()->setTextDebounceMs(0);
    page->resize(1300, 800);
    page->show();
    if (!QTest::qWaitForWindowExposed(page.get()))
        qWarning("page not exposed");
    return page;
}

void TestModelsPage::waitLoaded(ModelsPage* page)
{
    QTRY_VERIFY_WITH_TIMEOUT(page->repository()->fetchedAt().isValid() && !page->repository()->isRefreshing(),
                             10000);
    QTRY_VERIFY(page->tableModel()->rowCount() > 100);
}

void TestModelsPage::tableAndProxyPassModelTester()
{
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    QAbstractItemModelTester tableTester(page->tableModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(page->proxy(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    waitLoaded(page.get());
    // Exercise resets, filtering and sorting under the testers.
    page->filterPanel()->searchEdit()->setText(u"claude"_s);
    QTRY_VERIFY(page->proxy()->rowCount() < page->tableModel()->rowCount());
    page->table()->sortByColumn(ModelTableModel::OutputCol, Qt::DescendingOrder);
    page->filterPanel()->freeOnlyCheck()->setChecked(true);
    page->filterPanel()->clear();
    page->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!page->repository()->isRefreshing(), 10000);
    QCOMPARE(page->proxy()->rowCount(), page->tableModel()->rowCount());
}

using Pick = std::function<void(ModelFilterPanel*, const QStringList& providers)>;
using Predicate = std::function<bool(const ModelInfo&, const QStringList& providers)>;
Q_DECLARE_METATYPE(Pick)
Q_DECLARE_METATYPE(Predicate)

namespace {

void check(QListWidget* list, const QString& name)
{
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->data(Qt::UserRole).toString() == name)
            list->item(i)->setCheckState(Qt::Checked);
    }
}

bool textMatch(const ModelInfo& m, const QString& t)
{
    return m.id.contains(t, Qt::CaseInsensitive) || m.name.contains(t, Qt::CaseInsensitive) ||
           m.provider.contains(t, Qt::CaseInsensitive) || m.description.contains(t, Qt::CaseInsensitive);
}

} // namespace

void TestModelsPage::filterWidgetsDriveTheProxy_data()
{
    QTest::addColumn<Pick>("pick");
    QTest::addColumn<Predicate>("expected"); // written independently of CatalogFilter::matches

    QTest::newRow("text over description")
        << Pick([](ModelFilterPanel* p, const QStringList&) { p->searchEdit()->setText(u"computer use"_s); })
        << Predicate([](const ModelInfo& m, const QStringList&) { return textMatch(m, u"computer use"_s); });
    QTest::newRow("provider") << Pick([](ModelFilterPanel* p, const QStringList&) {
        check(p->providerList(), u"anthropic"_s);
    }) << Predicate([](const ModelInfo& m, const QStringList&) {
        return m.providerSlug() == u"anthropic"_s;
    });
    QTest::newRow("max input price, edge included")
        << Pick([](ModelFilterPanel* p, const QStringList&) { p->maxInputEdit()->setText(u"1"_s); })
        << Predicate([](const ModelInfo& m, const QStringList&) {
               return m.pricing.inputPerM && *m.pricing.inputPerM <= 1.0 + 1e-9;
           });
    QTest::newRow("max output price 0")
        << Pick([](ModelFilterPanel* p, const QStringList&) { p->maxOutputEdit()->setText(u"0"_s); })
        << Predicate([](const ModelInfo& m, const QStringList&) {
               return m.pricing.outputPerM && *m.pricing.outputPerM == 0;
           });
    QTest::newRow("min context 1M") << Pick([](ModelFilterPanel* p, const QStringList&) {
        p->minContextSpin()->setValue(1'000'000);
    }) << Predicate([](const ModelInfo& m, const QStringList&) { return m.contextLength >= 1'000'000; });
    QTest::newRow("capability vision + input image") << Pick([](ModelFilterPanel* p, const QStringList&) {
        check(p->capabilityList(), u"vision"_s);
        check(p->inputModalityList(), u"image"_s);
    }) << Predicate([](const ModelInfo& m, const QStringList&) {
        return m.capabilities.contains(u"vision"_s) && m.inputModalities.contains(u"image"_s);
    });
    QTest::newRow("free only") << Pick([](ModelFilterPanel* p, const QStringList&) {
        p->freeOnlyCheck()->setChecked(true);
    }) << Predicate([](const ModelInfo& m, const QStringList&) {
        return m.pricing.inputPerM.value_or(0) == 0 && m.pricing.outputPerM.value_or(0) == 0 &&
               m.pricing.perRequest.value_or(0) == 0;
    });
    QTest::newRow("combined: openai, output <= 2, text mini")
        << Pick([](ModelFilterPanel* p, const QStringList&) {
               check(p->providerList(), u"openai"_s);
               p->maxOutputEdit()->setText(u"2"_s);
               p->searchEdit()->setText(u"mini"_s);
           })
        << Predicate([](const ModelInfo& m, const QStringList&) {
               return m.providerSlug() == u"openai"_s && m.pricing.outputPerM &&
                      *m.pricing.outputPerM <= 2.0 + 1e-9 && textMatch(m, u"mini"_s);
           });
}

void TestModelsPage::filterWidgetsDriveTheProxy()
{
    QFETCH(Pick, pick);
    QFETCH(Predicate, expected);
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    waitLoaded(page.get());
    page->filterPanel()->clear();
    const int total = page->tableModel()->rowCount();
    QCOMPARE(page->proxy()->rowCount(), total);

    const QStringList providers = page->repository()->providers();
    pick(page->filterPanel(), providers);
    int want = 0;
    for (const CatalogEntry& e : page->tableModel()->entries())
        want += expected(e.model, providers) ? 1 : 0;
    QVERIFY2(want > 0 && want < total, qPrintable(u"degenerate case: %1 of %2"_s.arg(want).arg(total)));
    QTRY_COMPARE(page->proxy()->rowCount(), want);
    for (int r = 0; r < page->proxy()->rowCount(); ++r) {
        const QString id = page->proxy()->index(r, 0).data(ModelTableModel::IdRole).toString();
        QVERIFY2(expected(page->repository()->find(id)->model, providers), qPrintable(id));
    }
    // The details follow the table: never a model the filter hides.
    const QString shown = page->detailPane()->modelId();
    QVERIFY(!shown.isEmpty());
    QVERIFY2(expected(page->repository()->find(shown)->model, providers), qPrintable(shown));
    QCOMPARE(page->filterPanel()->countLabel()->text(),
             u"%1 of %2 models"_s.arg(QLocale().toString(want), QLocale().toString(total)));
}

void TestModelsPage::providerListShowsNamesAndFindsSlugs()
{
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    waitLoaded(page.get());
    QListWidget* list = page->filterPanel()->providerList();
    QListWidgetItem* openai = nullptr;
    QStringList shown;
    for (int i = 0; i < list->count(); ++i) {
        shown << list->item(i)->text();
        if (list->item(i)->data(Qt::UserRole).toString() == u"openai"_s)
            openai = list->item(i);
    }
    QVERIFY(openai);
    QCOMPARE(openai->text(), u"OpenAI"_s); // the gateway's "provider" name, not the slug
    QCOMPARE(openai->toolTip(), u"openai"_s);
    QStringList sorted = shown;
    std::sort(sorted.begin(), sorted.end(),
              [](const QString& a, const QString& b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
    QCOMPARE(shown, sorted); // sorted by what the user reads
    // Checking it filters by slug; the list's own search finds the name and the slug.
    openai->setCheckState(Qt::Checked);
    QTRY_VERIFY(page->proxy()->rowCount() > 0);
    for (int r = 0; r < page->proxy()->rowCount(); ++r)
        QVERIFY(page->proxy()->index(r, 0).data(ModelTableModel::IdRole).toString().startsWith(u"openai/"_s));
    openai->setCheckState(Qt::Unchecked);
}

// The cache arrives first screenful first: a selected model beyond it must not be replaced by row 0.
void TestModelsPage::selectionSurvivesAReloadFromTheCache()
{
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    waitLoaded(page.get());
    page->filterPanel()->clear(); // a filter state another test left would hide the model
    const auto stored = ctx->catalogCache()->load(WorkspaceManager::demoWorkspaceId());
    QVERIFY(stored && stored->models.size() > 150);
    const QString last = stored->models.last().value(u"id"_s).toString(); // not in the first screenful
    QVERIFY(page->selectModel(last));
    QCOMPARE(page->selectedModelId(), last);
    page->repository()->load();
    QTRY_VERIFY_WITH_TIMEOUT(!page->repository()->isLoading() && !page->repository()->isRefreshing(), 10000);
    QCOMPARE(page->selectedModelId(), last);
}

void TestModelsPage::clearFiltersAndStateSurvivesRestart()
{
    auto ctx = makeContext(m_sim.baseUrl());
    CatalogFilter set;
    {
        auto page = makePage(ctx.get());
        waitLoaded(page.get());
        page->filterPanel()->clear();
        check(page->filterPanel()->providerList(), u"google"_s);
        page->filterPanel()->maxInputEdit()->setText(u"2.5"_s);
        page->filterPanel()->changedOnlyCheck()->setChecked(false);
        page->filterPanel()->searchEdit()->setText(u"gemini"_s);
        QTRY_COMPARE(page->proxy()->filter().text, u"gemini"_s);
        set = page->proxy()->filter();
        QCOMPARE(set.providers, QSet<QString>{u"google"_s});
        QCOMPARE(set.maxInputPerM, std::optional<double>(2.5));
    }
    {
        auto page = makePage(ctx.get()); // same Settings: a restart as far as the page knows
        QCOMPARE(page->filterPanel()->filter(), set);
        QCOMPARE(page->proxy()->filter(), set);
        waitLoaded(page.get());
        QVERIFY(page->proxy()->rowCount() < page->tableModel()->rowCount());
        QVERIFY(page->filterPanel()->clearButton()->isEnabled());
        QTest::mouseClick(page->filterPanel()->clearButton(), Qt::LeftButton);
        QVERIFY(page->proxy()->filter().isEmpty());
        QCOMPARE(page->proxy()->rowCount(), page->tableModel()->rowCount());
        QCOMPARE(page->filterPanel()->countLabel()->text(),
                 u"%1 models"_s.arg(QLocale().toString(page->tableModel()->rowCount())));
    }
    auto again = makePage(ctx.get());
    QVERIFY(again->filterPanel()->filter().isEmpty());
}

void TestModelsPage::priceColumnsSortNumericallyUnknownsLast()
{
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    waitLoaded(page.get());
    for (const int column : {int(ModelTableModel::InputCol), int(ModelTableModel::CacheReadCol),
                             int(ModelTableModel::ContextCol)}) {
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            page->table()->horizontalHeader()->setSortIndicator(column, order);
            QAbstractItemModel* proxy = page->proxy();
            bool seenUnknown = false;
            int known = 0;
            double previous = order == Qt::AscendingOrder ? -1.0 : 1e300;
            for (int r = 0; r < proxy->rowCount(); ++r) {
                const QVariant v = proxy->index(r, column).data(ModelTableModel::SortRole);
                if (!v.isValid()) {
                    seenUnknown = true;
                    continue;
                }
                QVERIFY2(!seenUnknown, "a known value after an unknown one");
                const double d = v.toDouble();
                QVERIFY2(order == Qt::AscendingOrder ? d >= previous : d <= previous,
                         qPrintable(u"row %1: %2 after %3"_s.arg(r).arg(d).arg(previous)));
                previous = d;
                ++known;
            }
            QVERIFY(known > 10);
            if (column == ModelTableModel::CacheReadCol)
                QVERIFY(seenUnknown); // the sim lists models without a cache-read price
        }
    }
    // Numeric, not textual: $15 sorts after $3 ascending (text order would put "15" first).
    page->table()->horizontalHeader()->setSortIndicator(ModelTableModel::OutputCol, Qt::AscendingOrder);
    int row3 = -1, row15 = -1;
    for (int r = 0; r < page->proxy()->rowCount(); ++r) {
        const QVariant v =
            page->proxy()->index(r, ModelTableModel::OutputCol).data(ModelTableModel::SortRole);
        if (v.isValid() && qFuzzyCompare(v.toDouble(), 3.0) && row3 < 0)
            row3 = r;
        if (v.isValid() && qFuzzyCompare(v.toDouble(), 15.0) && row15 < 0)
            row15 = r;
    }
    QVERIFY(row3 >= 0 && row15 >= 0);
    QVERIFY(row3 < row15);
}

void TestModelsPage::detailPaneShowsPricesWithUnits()
{
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    waitLoaded(page.get());
    QVERIFY(page->selectModel(kSonnet));
    QCOMPARE(page->detailPane()->modelId(), kSonnet);
    const QString text = page->detailPane()->browser()->toPlainText();
    QVERIFY2(text.contains(u"$3.00 per 1M input tokens"_s), qPrintable(text));
    QVERIFY(text.contains(u"$15.00 per 1M output tokens"_s));
    QVERIFY(text.contains(u"$0.30 per 1M cached input tokens"_s));
    QVERIFY(text.contains(u"Context: %1 tokens"_s.arg(QLocale().toString(200000))));
    QVERIFY(text.contains(u"Max output: %1 tokens"_s.arg(QLocale().toString(64000))));
    QVERIFY(text.contains(u"computer_use"_s)); // capabilities as given, unknown names included
    // The table shows the same prices in their columns.
    const int row = page->table()->currentIndex().row();
    QCOMPARE(page->proxy()->index(row, ModelTableModel::InputCol).data().toString(), u"$3.00"_s);
    QCOMPARE(page->proxy()->index(row, ModelTableModel::CacheReadCol).data().toString(), u"$0.30"_s);
    // Copy id.
    QTest::mouseClick(page->detailPane()->copyButton(), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), kSonnet);
    // Per-request and per-image prices get their own units.
    ModelInfo m;
    m.pricing.perRequest = 0.005;
    m.pricing.perImage = 0.04;
    QCOMPARE(ModelDetailPane::priceLines(m), (QStringList{u"$0.005 per request"_s, u"$0.04 per image"_s}));
}

void TestModelsPage::useInNewChatOpensAChatWithThatModel()
{
    auto ctx = makeContext(m_sim.baseUrl());
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.currentPage(), MainWindow::Page::Chat);
    QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(w.currentPage(), MainWindow::Page::Models);
    QVERIFY(w.modelsPage()->isVisible());
    ModelsPage* page = w.modelsPage();
    waitLoaded(page);
    QVERIFY(page->selectModel(kSonnet));
    QVERIFY(w.chatPage()->currentModel() != kSonnet);
    QTest::mouseClick(page->detailPane()->useButton(), Qt::LeftButton);
    QCOMPARE(w.currentPage(), MainWindow::Page::Chat);
    QCOMPARE(w.chatPage()->currentConversationId(), qint64(0));
    QCOMPARE(w.chatPage()->currentModel(), kSonnet);
}

void TestModelsPage::presetStartsAChat()
{
    auto ctx = makeContext(m_sim.baseUrl());
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.showPage(MainWindow::Page::Models);
    ModelsPage* page = w.modelsPage();
    QVERIFY(!page->usePreset(u"@openai/x"_s));
    QVERIFY(!page->usePreset(u"two words"_s));
    QCOMPARE(w.currentPage(), MainWindow::Page::Models);
    QTest::keyClicks(page->presetEdit(), u"@presets/my-coder"_s);
    QTest::keyClick(page->presetEdit(), Qt::Key_Return);
    QCOMPARE(w.currentPage(), MainWindow::Page::Chat);
    QCOMPARE(w.chatPage()->currentModel(), u"@preset/my-coder"_s);
    QVERIFY(page->presetEdit()->text().isEmpty());
}

void TestModelsPage::setAsWorkspaceDefaultOnDemo()
{
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    waitLoaded(page.get());
    QVERIFY(ctx->workspaces()->current().defaultModel != kSonnet);
    QVERIFY(page->selectModel(kSonnet));
    QSignalSpy status(page.get(), &ModelsPage::statusMessage);
    QTest::mouseClick(page->detailPane()->defaultButton(), Qt::LeftButton);
    QCOMPARE(ctx->workspaces()->current().defaultModel, kSonnet);
    QCOMPARE(ctx->workspaces()->find(WorkspaceManager::demoWorkspaceId())->defaultModel, kSonnet);
    QCOMPARE(status.count(), 1);
    QVERIFY(status.at(0).at(0).toString().contains(u"for this session"_s)); // Demo is never saved
}

void TestModelsPage::calculatorMatchesHandComputedFigures()
{
    auto ctx = makeContext(m_sim.baseUrl());
    // A conversation: two priced replies, one without usage.
    Conversation c;
    c.workspaceId = WorkspaceManager::demoWorkspaceId();
    c.title = u"Pricing talk"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    QVERIFY(ctx->conversations()->createConversation(c));
    auto add = [&](MessageRole role, std::optional<qint64> prompt, qint64 completion, qint64 cached,
                   std::optional<double> cost) {
        Message m;
        m.conversationId = c.id;
        m.role = role;
        m.content = u"x"_s;
        m.model = c.model;
        m.usage.promptTokens = prompt;
        if (prompt) {
            m.usage.completionTokens = completion;
            m.usage.cachedTokens = cached;
        }
        m.usage.cost = cost;
        QVERIFY(ctx->conversations()->insertMessage(m));
    };
    add(MessageRole::User, std::nullopt, 0, 0, std::nullopt);
    add(MessageRole::Assistant, 10'000, 2'000, 0, 0.0065);
    add(MessageRole::Assistant, 20'000, 1'000, 10'000, 0.01);
    add(MessageRole::Assistant, std::nullopt, 0, 0, std::nullopt);

    ChatPage chat(ctx.get());
    QVERIFY(chat.openConversation(c.id));
    auto page = makePage(ctx.get());
    page->setCurrentConversation(chat.currentConversationId()); // what the shell passes on
    waitLoaded(page.get());
    QVERIFY(page->selectModel(kSonnet));
    CostCalculator* calc = page->calculator();
    calc->inputTokensSpin()->setValue(1000);
    calc->outputTokensSpin()->setValue(2000);
    // 1,000 × $3/1M = $0.003; 2,000 × $15/1M = $0.03; total $0.033.
    QVERIFY(calc->tokenCost().has_value());
    QVERIFY(qAbs(*calc->tokenCost() - 0.033) < 1e-9);
    QVERIFY2(calc->resultLabel()->text().endsWith(u": $0.033"_s) ||
                 calc->resultLabel()->text().contains(u": $0.033\n"_s),
             qPrintable(calc->resultLabel()->text()));

    // Re-price on Sonnet:
    //  reply 1: 10,000 × 3/1M = 0.03 + 2,000 × 15/1M = 0.03 -> 0.06
    //  reply 2: (20,000 − 10,000 cached) × 3/1M = 0.03 + 10,000 × 0.30/1M = 0.003 + 1,000 × 15/1M = 0.015 ->
    //  0.048 total 0.108; stored: 0.0065 + 0.01 = 0.0165; one reply without usage.
    const auto r = calc->reprice();
    QVERIFY(r.has_value());
    QCOMPARE(r->rows.size(), 2);
    QVERIFY(qAbs(r->targetTotal - 0.108) < 1e-9);
    QVERIFY(qAbs(r->originalTotal - 0.0165) < 1e-9);
    QCOMPARE(r->messagesWithoutUsage, 1);
    const QString text = calc->repriceLabel()->text();
    QVERIFY2(text.contains(u"$0.0165 on the models that answered"_s), qPrintable(text));
    QVERIFY(text.contains(u"$0.108 on Claude Sonnet 4.6"_s));
    QVERIFY(text.contains(u"1 reply without token counts"_s));
    QVERIFY(text.contains(u"Pricing talk"_s));
}

void TestModelsPage::opensFromCacheWithTheSimulatorStopped()
{
    test::SimFixture sim;
    QVERIFY(sim.start(test::SimFixture::fastConfig()));
    auto ctx = makeContext(sim.baseUrl());
    int total = 0;
    {
        auto page = makePage(ctx.get());
        waitLoaded(page.get());
        total = page->tableModel()->rowCount();
        QVERIFY(page->statusLabel()->text().startsWith(u"Updated"_s));
    }
    sim.stop();
    RetryPolicy quick; // the default backs off for ~15 s before giving up
    quick.maxAttempts = 2;
    quick.baseDelayMs = 10;
    quick.jitterMs = 0;
    ctx->workspaces()->client()->setRetryPolicy(quick);
    // Selecting the workspace again starts a new session, as the next start of the app would.
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto page = makePage(ctx.get());
    // Rows come from the cache (read on the catalog worker), whatever the network says.
    QTRY_COMPARE_WITH_TIMEOUT(page->tableModel()->rowCount(), total, 10000);
    QCOMPARE(page->proxy()->rowCount(), total);
    QTRY_VERIFY_WITH_TIMEOUT(page->statusLabel()->text().contains(u"unreachable"_s), 15000);
    QVERIFY(page->refreshButton()->isEnabled());
    QVERIFY(page->selectModel(kSonnet));
    QVERIFY(page->detailPane()->browser()->toPlainText().contains(u"$15.00 per 1M output tokens"_s));
}

void TestModelsPage::workspaceSwitchWaitsForTheKeys()
{
    // select() clears the client's keys and emits currentChanged before the new keys are set: a
    // fetch started then would fail with 401 ("Refresh failed") and the page would stay empty.
    auto ctx = makeContext(m_sim.baseUrl());
    auto page = makePage(ctx.get());
    waitLoaded(page.get());
    Workspace env;
    env.id = WorkspaceManager::environmentWorkspaceId();
    env.name = u"Environment"_s;
    env.kind = Workspace::Kind::Environment;
    env.baseUrl = m_sim.baseUrl();
    ctx->workspaces()->addEphemeral(env, sim::fullKey());
    const int before = m_sim.server()->requestCount(u"/models"_s);
    QVERIFY(ctx->workspaces()->select(env.id));
    QTRY_VERIFY_WITH_TIMEOUT(m_sim.server()->requestCount(u"/models"_s) > before, 5000);
    waitLoaded(page.get());
    QVERIFY2(page->statusLabel()->text().startsWith(u"Updated"_s), qPrintable(page->statusLabel()->text()));
    QVERIFY(!page->repository()->lastRefreshFailed());
}

void TestModelsPage::changeMarksShowAndFilter()
{
    test::SimFixture sim; // its own simulator: the catalog revision changes
    QVERIFY(sim.start(test::SimFixture::fastConfig()));
    auto ctx = makeContext(sim.baseUrl());
    auto page = makePage(ctx.get());
    page->repository()->setMarksDirectory(m_dir.filePath(u"marks-changes"_s));
    waitLoaded(page.get());
    auto marked = [&] {
        int n = 0;
        for (int r = 0; r < page->tableModel()->rowCount(); ++r)
            n += page->tableModel()->index(r, 0).data(ModelTableModel::MarkRole).toString().isEmpty() ? 0 : 1;
        return n;
    };
    QCOMPARE(marked(), 0); // the first catalog ever seen marks nothing
    page->filterPanel()->changedOnlyCheck()->setChecked(true);
    QCOMPARE(page->proxy()->rowCount(), 0);
    QCOMPARE(page->filterPanel()->countLabel()->text(),
             u"0 of %1 models"_s.arg(QLocale().toString(page->tableModel()->rowCount())));

    sim.server()->setCatalogRevision(1);
    const QDateTime before = page->repository()->fetchedAt();
    page->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(page->repository()->fetchedAt() > before && !page->repository()->isRefreshing(),
                             10000);
    const int changed = marked();
    QVERIFY(changed > 0);
    QCOMPARE(page->proxy()->rowCount(), changed); // "changed only" keeps exactly the marked rows
    bool sawPriceTooltip = false;
    for (int r = 0; r < page->proxy()->rowCount(); ++r) {
        const QModelIndex name = page->proxy()->index(r, ModelTableModel::NameCol);
        QVERIFY(!name.data(Qt::DecorationRole).isNull());
        const QString mark = name.data(ModelTableModel::MarkRole).toString();
        const QString tip = name.data(Qt::ToolTipRole).toString();
        if (mark == u"price"_s) {
            const CatalogEntry e = *page->repository()->find(name.data(ModelTableModel::IdRole).toString());
            QVERIFY(e.priceChanged);
            if (e.previousInputPerM && e.previousInputPerM != e.model.pricing.inputPerM) {
                // The tooltip names the previous price.
                QVERIFY2(tip.contains(u"input "_s + format::pricePerM(e.previousInputPerM) + u" → "_s),
                         qPrintable(tip));
                sawPriceTooltip = true;
            }
        } else {
            QCOMPARE(mark, u"new"_s);
            QVERIFY(tip.contains(u"New since"_s));
        }
    }
    QVERIFY(sawPriceTooltip);
}

QTEST_MAIN(TestModelsPage)
#include "TestModelsPage.moc"
