// The chat page driven through its real widgets against the in-process simulator: typing and
// Enter stream a reply into the transcript and the database; Esc keeps the partial; regenerate and
// edit keep versions; the sidebar's new/rename/pin/delete+undo and search; the model picker; the
// settings and routing dialogs reach the request; errors keep the prompt; export and import.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/catalog/CatalogRepository.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"
#include "ui/chat/ChatPage.h"
#include "ui/chat/Composer.h"
#include "ui/chat/ConversationListModel.h"
#include "ui/chat/ConversationSettingsDialog.h"
#include "ui/chat/ConversationSidebar.h"
#include "ui/chat/ModelPickerDialog.h"
#include "ui/chat/RoutingDialog.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"
#include "ui/common/Format.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestChatPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void typeAndEnterStreamsIntoTranscriptAndDatabase();
    void escapeStopsAndKeepsThePartial();
    void regenerateAndEditKeepVersions();
    void sidebarNewRenamePin();
    void deleteWithUndoThenForReal();
    void deletingTheOpenConversationOpensAnEmptyChat();
    void searchFindsAMessageInAnotherConversation();
    void modelPickerFiltersAndPicks();
    void settingsAndRoutingReachTheRequest();
    void gatewayErrorsShowInlineAndKeepThePrompt_data();
    void gatewayErrorsShowInlineAndKeepThePrompt();
    void failedSendKeepsTheText();
    void replyTheDiskCannotKeepStaysVisibleAndCanBeSavedElsewhere();
    void promptTheDiskCannotKeepStaysInTheComposer();
    void damagedDatabaseMovedAsideIsShown();
    void draftSurvivesSwitchingConversations();
    void exportAndImportRoundTrip();
    void copyLastReplyShortcut();
    void workspaceSwitchRefiltersAndOpensLatest();
    void newWorkspaceDefaultModelReachesTheNextChat();
    void workspaceRoutingAndAttributionReachTheRequest();
    void headerEstimatesTheNextMessage();
    void enterSendsCanBeTurnedOff();
    void listModelGroupsByDate_data();
    void listModelGroupsByDate();
    void listModelPassesModelTester();

private:
    std::unique_ptr<AppContext> makeContext(const QString& key = sim::fullKey());
    std::unique_ptr<ChatPage> makePage(AppContext* ctx);
    Message waitForReply(ChatPage* page);
    void typeAndSend(ChatPage* page, const QString& text);
    qint64 addConversation(AppContext* ctx, const QString& title, const QStringList& texts);

    QTemporaryDir m_dir;
    test::ContextFixture m_contexts{u"chat"_s};
    test::SimFixture m_sim;
    int m_counter = 0;
};

void TestChatPage::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

void TestChatPage::init()
{
    m_sim.server()->config().tokensPerSecond = 0;
    m_sim.server()->config().ttftMs = 0;
}

void TestChatPage::cleanup()
{
    m_sim.server()->resetFaultCounters();
}

std::unique_ptr<AppContext> TestChatPage::makeContext(const QString& key)
{
    auto ctx = m_contexts.make();
    Workspace demo = test::demoWorkspace(m_sim.baseUrl());
    ctx->workspaces()->addEphemeral(demo, key);
    ctx->workspaces()->select(demo.id);
    return ctx;
}

std::unique_ptr<ChatPage> TestChatPage::makePage(AppContext* ctx)
{
    auto page = std::make_unique<ChatPage>(ctx);
    page->resize(1000, 700);
    page->show();
    if (!QTest::qWaitForWindowExposed(page.get()))
        qWarning("page not exposed");
    page->session()->setFlushIntervalMs(20);
    return page;
}

Message TestChatPage::waitForReply(ChatPage* page)
{
    // A stop finishes the reply synchronously, so "not streaming" means it is already final.
    if (page->session()->isStreaming()) {
        QSignalSpy spy(page->session(), &ChatSession::replyFinished);
        if (!spy.wait(15000)) {
            Message timedOut;
            timedOut.status = MessageStatus::Error;
            timedOut.errorText = u"test: no reply within 15 s"_s;
            return timedOut;
        }
    }
    return page->session()->currentReply();
}

void TestChatPage::typeAndSend(ChatPage* page, const QString& text)
{
    QPlainTextEdit* editor = page->composer()->editor();
    editor->setFocus();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
}

qint64 TestChatPage::addConversation(AppContext* ctx, const QString& title, const QStringList& texts)
{
    Conversation c;
    c.workspaceId = WorkspaceManager::demoWorkspaceId();
    c.title = title;
    c.model = u"openai/gpt-5.4-mini"_s;
    if (!ctx->conversations()->createConversation(c))
        return 0;
    qint64 parent = 0;
    bool user = true;
    for (const QString& t : texts) {
        Message m;
        m.conversationId = c.id;
        m.parentId = parent;
        m.role = user ? MessageRole::User : MessageRole::Assistant;
        m.content = t;
        ctx->conversations()->insertMessage(m);
        parent = m.id;
        user = !user;
    }
    return c.id;
}

void TestChatPage::typeAndEnterStreamsIntoTranscriptAndDatabase()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    QCOMPARE(page->currentConversationId(), 0);
    QCOMPARE(page->fullTitle(), u"New chat"_s);

    QSignalSpy deltas(page->session(), &ChatSession::replyDelta);
    QSignalSpy finished(page->session(), &ChatSession::replyFinished);
    // Shift+Enter adds a line; Enter sends.
    QPlainTextEdit* editor = page->composer()->editor();
    editor->setFocus();
    QTest::keyClicks(editor, u"Hello there"_s);
    QTest::keyClick(editor, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(editor, u"second line [[tokens=30]]"_s);
    QCOMPARE(finished.size(), 0);
    QTest::keyClick(editor, Qt::Key_Return);
    QVERIFY(finished.wait(15000));
    QVERIFY(!deltas.isEmpty());
    QVERIFY(page->composer()->text().isEmpty()); // cleared only because the prompt was stored

    const qint64 id = page->currentConversationId();
    QVERIFY(id > 0);
    const QList<Message> stored = ctx->conversations()->messages(id);
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].content, u"Hello there\nsecond line [[tokens=30]]"_s);
    QCOMPARE(stored[1].status, MessageStatus::Complete);
    QVERIFY(stored[1].content.size() > 10);
    TranscriptModel* tm = page->transcript()->transcriptModel();
    QTRY_COMPARE(tm->rowCount(), 2);
    QCOMPARE(tm->index(1).data(Qt::DisplayRole).toString(), stored[1].content);
    QCOMPARE(tm->index(0).data(Qt::DisplayRole).toString(), stored[0].content);

    // The sidebar lists it under Today, highlighted; the header has its title and the cost.
    ConversationListModel* list = page->sidebar()->model();
    QCOMPARE(list->conversationCount(), 1);
    QCOMPARE(list->index(0).data(ConversationListModel::GroupRole).toString(), u"Today"_s);
    QCOMPARE(page->sidebar()->listView()->currentIndex(), list->indexOfConversation(id));
    QCOMPARE(page->fullTitle(), u"Hello there second line [[tokens=30]]"_s);
    QTRY_VERIFY(page->costLabel()->text().startsWith(u"Total $"_s));
    // The catalog was fetched for the workspace, so the next message's cost is estimated.
    QTRY_VERIFY_WITH_TIMEOUT(page->nextMessageEstimate().has_value(), 10000);
    QTRY_VERIFY(page->costLabel()->text().contains(u"next"_s));
    if (stored[1].usage.cost)
        QVERIFY(qAbs(page->totalCost() - *stored[1].usage.cost) < 1e-12);
    QVERIFY(page->composer()->sendButton()->text() == u"Send"_s);
}

void TestChatPage::escapeStopsAndKeepsThePartial()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    m_sim.server()->config().tokensPerSecond = 100;
    QSignalSpy deltas(page->session(), &ChatSession::replyDelta);
    typeAndSend(page.get(), u"Long answer please [[tokens=3000]]"_s);
    QTRY_VERIFY_WITH_TIMEOUT(deltas.size() >= 3, 10000);
    QVERIFY(page->session()->isStreaming());
    QCOMPARE(page->composer()->sendButton()->text(), u"Stop"_s);
    QTest::keyClick(page->composer()->editor(), Qt::Key_Escape);
    const Message reply = waitForReply(page.get());
    QCOMPARE(reply.status, MessageStatus::Incomplete);
    const QList<Message> stored = ctx->conversations()->messages(page->currentConversationId());
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[1].status, MessageStatus::Incomplete);
    QVERIFY(!stored[1].content.isEmpty());
    QCOMPARE(stored[1].content, reply.content);
    QCOMPARE(page->composer()->sendButton()->text(), u"Send"_s);
}

void TestChatPage::regenerateAndEditKeepVersions()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    typeAndSend(page.get(), u"Question one [[tokens=8]]"_s);
    const Message first = waitForReply(page.get());
    QCOMPARE(first.status, MessageStatus::Complete);
    QVERIFY(page->session()->regenerate());
    const Message second = waitForReply(page.get());
    QCOMPARE(second.parentId, first.parentId);
    QCOMPARE(page->session()->thread().versionOf(second.id).count, 2);

    // Edit the prompt through the transcript's signal: the composer enters edit mode and keeps
    // the draft that was being written.
    page->composer()->setText(u"unrelated draft"_s);
    const qint64 promptId = first.parentId;
    emit page->transcript()->editRequested(promptId, u"Question one"_s);
    QVERIFY(page->composer()->isEditing());
    QVERIFY(page->composer()->editBanner()->isVisible());
    QCOMPARE(page->composer()->text(), u"Question one"_s);
    // Esc leaves edit mode and restores the draft…
    QTest::keyClick(page->composer()->editor(), Qt::Key_Escape);
    QVERIFY(!page->composer()->isEditing());
    QCOMPARE(page->composer()->text(), u"unrelated draft"_s);
    // …and a real edit resends.
    emit page->transcript()->editRequested(promptId, u"Question one"_s);
    QTest::keyClicks(page->composer()->editor(), u", rephrased [[tokens=8]]"_s);
    QTest::keyClick(page->composer()->editor(), Qt::Key_Return);
    const Message edited = waitForReply(page.get());
    QCOMPARE(edited.status, MessageStatus::Complete);
    QVERIFY(!page->composer()->isEditing());
    QCOMPARE(page->composer()->text(), u"unrelated draft"_s);
    const QList<Message> all = ctx->conversations()->messages(page->currentConversationId());
    QCOMPARE(all.size(), 5); // q1 r1 r1b q1' r1': nothing destroyed
    const QList<Message> visible = page->session()->thread().visible();
    QCOMPARE(visible.size(), 2);
    QCOMPARE(visible[0].content, u"Question one, rephrased [[tokens=8]]"_s);
    QCOMPARE(page->session()->thread().versionOf(visible[0].id).count, 2);
}

void TestChatPage::sidebarNewRenamePin()
{
    auto ctx = makeContext();
    const qint64 a = addConversation(ctx.get(), u"Alpha"_s, {u"a1"_s, u"a2"_s});
    const qint64 b = addConversation(ctx.get(), u"Beta"_s, {u"b1"_s, u"b2"_s});
    auto page = makePage(ctx.get());
    QCOMPARE(page->currentConversationId(), b); // the latest opens
    ConversationSidebar* sb = page->sidebar();
    QCOMPARE(sb->model()->conversationCount(), 2);

    // Ctrl+N: an empty new chat.
    QTest::keyClick(page->composer()->editor(), Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(page->currentConversationId(), 0);
    QCOMPARE(page->transcript()->transcriptModel()->rowCount(), 0);

    // Click Alpha in the list: it opens.
    QListView* view = sb->listView();
    const QModelIndex alpha = sb->model()->indexOfConversation(a);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(alpha).center());
    QCOMPARE(page->currentConversationId(), a);

    // F2 renames in place.
    view->setFocus();
    view->setCurrentIndex(sb->model()->indexOfConversation(a));
    QTest::keyClick(view, Qt::Key_F2);
    auto* editor = qobject_cast<QLineEdit*>(QApplication::focusWidget());
    QTRY_VERIFY(editor = qobject_cast<QLineEdit*>(QApplication::focusWidget()));
    editor->selectAll();
    QTest::keyClicks(editor, u"Alpha renamed"_s);
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_COMPARE(ctx->conversations()->conversation(a)->title, u"Alpha renamed"_s);
    QTRY_COMPARE(sb->model()->indexOfConversation(a).data().toString(), u"Alpha renamed"_s);
    QTRY_COMPARE(page->fullTitle(), u"Alpha renamed"_s);
    QCOMPARE(page->session()->conversation().title, u"Alpha renamed"_s); // the session sees it

    // Ctrl+P pins: a "Pinned" group comes first.
    view->setFocus();
    view->setCurrentIndex(sb->model()->indexOfConversation(b));
    QTest::keyClick(view, Qt::Key_P, Qt::ControlModifier);
    QVERIFY(ctx->conversations()->conversation(b)->pinned);
    QCOMPARE(sb->model()->index(0).data(ConversationListModel::IsHeaderRole).toBool(), true);
    QCOMPARE(sb->model()->index(0).data().toString(), u"Pinned"_s);
    QCOMPARE(sb->model()->conversationId(sb->model()->index(1)), b);
    sb->setPinned(b, false);
    QVERIFY(!ctx->conversations()->conversation(b)->pinned);
    QVERIFY(sb->model()->index(0).data().toString() != u"Pinned"_s);
}

void TestChatPage::deleteWithUndoThenForReal()
{
    auto ctx = makeContext();
    const qint64 a = addConversation(ctx.get(), u"Alpha"_s, {u"a1"_s});
    const qint64 b = addConversation(ctx.get(), u"Beta"_s, {u"b1"_s});
    auto page = makePage(ctx.get());
    ConversationSidebar* sb = page->sidebar();
    sb->setUndoWindowMs(60000);
    QListView* view = sb->listView();
    view->setFocus();
    view->setCurrentIndex(sb->model()->indexOfConversation(a));
    QTest::keyClick(view, Qt::Key_Delete);
    // Hidden at once, still stored, the undo bar offers Undo.
    QVERIFY(!sb->model()->indexOfConversation(a).isValid());
    QVERIFY(ctx->conversations()->conversation(a).has_value());
    QVERIFY(sb->undoBar()->isVisible());
    QTest::mouseClick(sb->undoButton(), Qt::LeftButton);
    QVERIFY(sb->model()->indexOfConversation(a).isValid());
    QVERIFY(!sb->undoBar()->isVisible());

    // This time the window passes: it is really deleted.
    sb->setUndoWindowMs(50);
    sb->deleteConversation(a);
    QVERIFY(!sb->model()->indexOfConversation(a).isValid());
    QTRY_VERIFY(!ctx->conversations()->conversation(a).has_value());
    QVERIFY(ctx->conversations()->messages(a).isEmpty());
    QCOMPARE(sb->model()->conversationCount(), 1);
    QVERIFY(ctx->conversations()->conversation(b).has_value());
    QVERIFY(!sb->undoBar()->isVisible());
}

void TestChatPage::deletingTheOpenConversationOpensAnEmptyChat()
{
    auto ctx = makeContext();
    const qint64 a = addConversation(ctx.get(), u"Alpha"_s, {u"a1"_s});
    auto page = makePage(ctx.get());
    QCOMPARE(page->currentConversationId(), a);
    page->sidebar()->setUndoWindowMs(60000);
    page->sidebar()->deleteConversation(a);
    QCOMPARE(page->currentConversationId(), 0);
    QCOMPARE(page->fullTitle(), u"New chat"_s);
    QVERIFY(page->sidebar()->undoDelete());
    QVERIFY(ctx->conversations()->conversation(a).has_value());
}

void TestChatPage::searchFindsAMessageInAnotherConversation()
{
    auto ctx = makeContext();
    const qint64 a = addConversation(ctx.get(), u"Zoo trip"_s,
                                     {u"Tell me about zebras"_s, u"A zebra has black and white stripes"_s});
    const qint64 b =
        addConversation(ctx.get(), u"Cooking"_s, {u"How long to boil an egg?"_s, u"About 9 minutes"_s});
    auto page = makePage(ctx.get());
    QCOMPARE(page->currentConversationId(), b);
    ConversationSidebar* sb = page->sidebar();
    sb->setSearchDebounceMs(10);
    QTest::keyClick(page->composer()->editor(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(sb->searchBox()->hasFocus());
    QTest::keyClicks(sb->searchBox(), u"stripe"_s); // prefix of "stripes"
    QTRY_COMPARE(sb->searchResults()->count(), 1);
    QVERIFY(sb->searchResults()->isVisible());
    QVERIFY(!sb->listView()->isVisible());
    QVERIFY(sb->searchResults()->item(0)->text().startsWith(u"Zoo trip: "_s));
    QTest::keyClick(sb->searchBox(), Qt::Key_Return);
    QCOMPARE(page->currentConversationId(), a);
    const QList<Message> msgs = ctx->conversations()->messages(a);
    const int row = page->transcript()->transcriptModel()->rowForMessage(msgs[1].id);
    QCOMPARE(row, 1);
    QTRY_COMPARE(page->transcript()->currentIndex().row(), row);
    // Nothing matches: says so. Clearing the box brings the list back.
    sb->searchBox()->setText(u"xylophone"_s);
    QTRY_COMPARE(sb->searchResults()->count(), 0);
    QTest::keyClick(sb->searchBox(), Qt::Key_Escape);
    QVERIFY(sb->listView()->isVisible());
}

void TestChatPage::modelPickerFiltersAndPicks()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    typeAndSend(page.get(), u"First [[tokens=5]]"_s);
    waitForReply(page.get());
    QTest::keyClick(page->composer()->editor(), Qt::Key_K, Qt::ControlModifier);
    ModelPickerDialog* dialog = nullptr;
    QTRY_VERIFY(dialog = page->findChild<ModelPickerDialog*>());
    QTRY_VERIFY_WITH_TIMEOUT(dialog->visibleModelCount() >= 100, 10000);
    const int all = dialog->visibleModelCount();
    QTest::keyClicks(dialog->filterEdit(), u"anthropic haiku"_s);
    QVERIFY(dialog->visibleModelCount() >= 1);
    QVERIFY(dialog->visibleModelCount() < all);
    const QString picked = dialog->selectedModelId();
    QVERIFY2(picked.startsWith(u"anthropic/"_s) && picked.contains(u"haiku"_s), qPrintable(picked));
    QTest::keyClick(dialog->filterEdit(), Qt::Key_Return);
    QTRY_VERIFY(!page->findChild<ModelPickerDialog*>());
    QCOMPARE(page->currentModel(), picked);
    QCOMPARE(ctx->conversations()->conversation(page->currentConversationId())->model, picked);
    QVERIFY(page->composer()->modelButton()->text().contains(u"aiku"_s));

    typeAndSend(page.get(), u"Second [[tokens=5]]"_s);
    waitForReply(page.get());
    const QJsonObject body =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    QCOMPARE(body.value(u"model"_s).toString(), picked);
    // New chats in this session start with it too; the estimate uses its price.
    page->newChat();
    QCOMPARE(page->currentModel(), picked);
}

void TestChatPage::settingsAndRoutingReachTheRequest()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    // Settings before the first message: the conversation starts then, titled by the first message.
    page->openConversationSettings();
    ConversationSettingsDialog* settings = nullptr;
    QTRY_VERIFY(settings = page->findChild<ConversationSettingsDialog*>());
    settings->systemPromptEdit()->setPlainText(u"You are terse."_s);
    settings->temperatureCheck()->setChecked(true);
    settings->temperatureSpin()->setValue(0.3);
    settings->topPCheck()->setChecked(true);
    settings->topPSpin()->setValue(0.85);
    settings->maxTokensCheck()->setChecked(true);
    settings->maxTokensSpin()->setValue(321);
    settings->accept();
    const qint64 id = page->currentConversationId();
    QVERIFY(id > 0);
    auto stored = ctx->conversations()->conversation(id);
    QCOMPARE(stored->systemPrompt, u"You are terse."_s);
    QCOMPARE(stored->parameters.value(u"temperature"_s).toDouble(), 0.3);
    QCOMPARE(stored->parameters.value(u"max_tokens"_s).toInt(), 321);

    page->openRoutingDialog();
    RoutingDialog* routing = nullptr;
    QTRY_VERIFY(routing = page->findChild<RoutingDialog*>());
    QTest::keyClicks(routing->orderEdit(), u"openai, anthropic"_s);
    routing->ignoreEdit()->setText(u"azure"_s);
    routing->sortCombo()->setCurrentIndex(routing->sortCombo()->findData(u"price"_s));
    routing->fallbacksCombo()->setCurrentIndex(2); // no
    routing->maxPromptCheck()->setChecked(true);
    routing->maxPromptSpin()->setValue(5.0);
    routing->pinEdit()->setText(u"openai"_s);
    routing->accept();
    stored = ctx->conversations()->conversation(id);
    QCOMPARE(stored->routing.order, (QStringList{u"openai"_s, u"anthropic"_s}));
    QCOMPARE(stored->routing.pinnedProvider, u"openai"_s);
    QCOMPARE(stored->systemPrompt, u"You are terse."_s); // the second dialog kept the first's work

    typeAndSend(page.get(), u"Go [[tokens=5]]"_s);
    QCOMPARE(waitForReply(page.get()).status, MessageStatus::Complete);
    const QJsonObject body =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    QCOMPARE(body.value(u"temperature"_s).toDouble(), 0.3);
    QCOMPARE(body.value(u"top_p"_s).toDouble(), 0.85);
    QCOMPARE(body.value(u"max_tokens"_s).toInt(), 321);
    const QJsonArray messages = body.value(u"messages"_s).toArray();
    QCOMPARE(messages.first().toObject().value(u"role"_s).toString(), u"system"_s);
    QCOMPARE(messages.first().toObject().value(u"content"_s).toString(), u"You are terse."_s);
    const QJsonObject provider = body.value(u"provider"_s).toObject();
    QCOMPARE(provider.value(u"order"_s).toArray(), (QJsonArray{u"openai"_s, u"anthropic"_s}));
    QCOMPARE(provider.value(u"ignore"_s).toArray(), QJsonArray{u"azure"_s});
    QCOMPARE(provider.value(u"sort"_s).toString(), u"price"_s);
    QCOMPARE(provider.value(u"allow_fallbacks"_s).toBool(true), false);
    QVERIFY(provider.contains(u"max_price"_s));
    bool pinned = false;
    for (const auto& [name, value] : m_sim.server()->lastRequestHeaders(u"/chat/completions"_s))
        if (name.compare("X-AnyRouter-Provider", Qt::CaseInsensitive) == 0)
            pinned = value == "openai";
    QVERIFY(pinned);
    // The conversation took its title from the first message after all.
    QTRY_COMPARE(ctx->conversations()->conversation(id)->title, u"Go [[tokens=5]]"_s);
    QTRY_COMPARE(page->fullTitle(), u"Go [[tokens=5]]"_s);
    QCOMPARE(ctx->conversations()->conversation(id)->systemPrompt, u"You are terse."_s);
}

void TestChatPage::gatewayErrorsShowInlineAndKeepThePrompt_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<int>("status");
    QTest::newRow("429") << u"429"_s << int(MessageStatus::Error);
    QTest::newRow("401") << u"401"_s << int(MessageStatus::Error);
    QTest::newRow("drop") << u"drop"_s << int(MessageStatus::Incomplete);
}

void TestChatPage::gatewayErrorsShowInlineAndKeepThePrompt()
{
    QFETCH(QString, fault);
    QFETCH(int, status);
    auto ctx = makeContext(u"sk-ar-v1-sim-fault-"_s + fault);
    auto page = makePage(ctx.get());
    // The fault key hits the session's start-up reads too (catalog, credits, health). Let them end
    // first: a chat POST sent once must not race a keep-alive connection the fault is tearing down.
    WorkspaceSession* session = ctx->session();
    QVERIFY(session);
    QTRY_VERIFY_WITH_TIMEOUT(session->keysReady() && !session->catalog()->isRefreshing() &&
                                 !session->account()->isReadingCredits() &&
                                 !session->account()->isReadingHealth(),
                             60000); // GETs back off and retry on 429 and a dropped connection
    const QString prompt = u"Will fail %1 [[tokens=60]]"_s.arg(fault);
    typeAndSend(page.get(), prompt);
    const Message reply = waitForReply(page.get());
    QCOMPARE(int(reply.status), status);
    const QList<Message> stored = ctx->conversations()->messages(page->currentConversationId());
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].content, prompt);
    QVERIFY(!stored[1].errorText.isEmpty());
    // Inline: the transcript's row carries the error (the delegate draws it with Retry).
    TranscriptModel* tm = page->transcript()->transcriptModel();
    QTRY_COMPARE(tm->rowCount(), 2);
    QCOMPARE(tm->messageAt(1)->errorText, stored[1].errorText);
    QCOMPARE(int(tm->messageAt(1)->status), status);
    QCOMPARE(page->composer()->sendButton()->text(), u"Send"_s);
}

void TestChatPage::failedSendKeepsTheText()
{
    auto ctx = makeContext();
    const qint64 a = addConversation(ctx.get(), u"Alpha"_s, {u"a1"_s, u"a2"_s});
    auto page = makePage(ctx.get());
    QCOMPARE(page->currentConversationId(), a);
    // The conversation vanishes behind the page's back (another window deleted it): storing the
    // prompt fails, so nothing is sent and the text stays with the reason shown.
    QVERIFY(ctx->conversations()->deleteConversation(a));
    typeAndSend(page.get(), u"Precious words"_s);
    QCOMPARE(page->composer()->text(), u"Precious words"_s);
    QVERIFY(!page->composer()->errorText().isEmpty());
    QVERIFY(page->composer()->errorLabel()->isVisible());
    QVERIFY(!page->session()->isStreaming());
}

static void capAtCurrentSize(AppContext* ctx)
{
    QSqlQuery q(ctx->database()->connection());
    QVERIFY(q.exec(u"PRAGMA page_count"_s) && q.next());
    const int pages = q.value(0).toInt();
    QVERIFY(q.exec(u"PRAGMA max_page_count=%1"_s.arg(pages)));
}

// A full disk (the file capped at its size) while a reply streams: the transcript keeps the whole
// reply, the bar says what happened (file and cause) and "Save reply as…" writes it to a file the
// user picks in a dialog that does not block.
void TestChatPage::replyTheDiskCannotKeepStaysVisibleAndCanBeSavedElsewhere()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    QVERIFY(!page->noticeBar()->isVisible());
    typeAndSend(page.get(), u"Long answer please [[tokens=3000]]"_s);
    QVERIFY(page->session()->isStreaming());
    capAtCurrentSize(ctx.get());
    const Message reply = waitForReply(page.get());
    QCOMPARE(reply.status, MessageStatus::Complete);
    QVERIFY(reply.content.size() > 5000);
    QVERIFY(ctx->conversations()->message(reply.id)->content.size() < reply.content.size());

    // Still shown whole.
    TranscriptModel* tm = page->transcript()->transcriptModel();
    QTRY_COMPARE(tm->rowCount(), 2);
    QCOMPARE(tm->index(1).data(Qt::DisplayRole).toString(), reply.content);
    // Told, with the file and the cause, and offered a way out.
    QTRY_VERIFY(page->noticeBar()->isVisible());
    const QString notice = page->noticeLabel()->text();
    QVERIFY2(notice.contains(u"the disk is full"_s), qPrintable(notice));
    QVERIFY2(notice.contains(QDir::toNativeSeparators(ctx->database()->filePath())), qPrintable(notice));
    QVERIFY(page->saveReplyButton()->isVisible());

    // The button opens the dialog and returns at once (no nested event loop).
    QTest::mouseClick(page->saveReplyButton(), Qt::LeftButton);
    QFileDialog* dialog = page->saveReplyDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    const QString target = m_dir.filePath(u"saved-reply-%1.md"_s.arg(m_counter));
    dialog->selectFile(target);
    static_cast<QDialog*>(dialog)
        ->accept(); // QFileDialog::accept() is protected; the virtual call reaches it
    QTRY_VERIFY(QFile::exists(target));
    QFile f(target);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), reply.content);
    QTRY_VERIFY(page->noticeLabel()->text().contains(QDir::toNativeSeparators(target)));
    QVERIFY(!page->saveReplyButton()->isVisible());
}

// The prompt itself cannot be stored: nothing is sent and the words stay in the composer, with the
// reason naming the file and the cause.
void TestChatPage::promptTheDiskCannotKeepStaysInTheComposer()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    capAtCurrentSize(ctx.get());
    const QString text = u"Words I typed for a long time. "_s.repeated(2000);
    page->composer()->setText(text);
    const int requests = m_sim.server()->requestCount(u"/chat/completions"_s);
    QPlainTextEdit* editor = page->composer()->editor();
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_Return);
    QCOMPARE(page->composer()->text(), text);
    QVERIFY(!page->session()->isStreaming());
    const QString error = page->composer()->errorText();
    QVERIFY2(error.contains(u"the disk is full"_s), qPrintable(error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(ctx->database()->filePath())), qPrintable(error));
    QVERIFY(page->composer()->errorLabel()->isVisible());
    QCOMPARE(m_sim.server()->requestCount(u"/chat/completions"_s), requests);
}

// The database was not a database at start-up: the page says where the file went.
void TestChatPage::damagedDatabaseMovedAsideIsShown()
{
    const QString path = m_dir.filePath(u"damaged%1.sqlite"_s.arg(++m_counter));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("definitely not SQLite\n").repeated(500));
    }
    AppContext::Options opts;
    opts.databasePath = path;
    opts.secretStore = std::make_unique<MemorySecretStore>();
    AppContext ctx(std::move(opts));
    QString error;
    QVERIFY2(ctx.open(&error), qPrintable(error));
    auto page = makePage(&ctx);
    QVERIFY(page->noticeBar()->isVisible());
    const QString notice = page->noticeLabel()->text();
    const QStringList moved = QDir(m_dir.path()).entryList({QFileInfo(path).fileName() + u".corrupt-*"_s});
    QCOMPARE(moved.size(), 1);
    QVERIFY2(notice.contains(QDir::toNativeSeparators(m_dir.filePath(moved.constFirst()))),
             qPrintable(notice));
    QVERIFY(!page->saveReplyButton()->isVisible());
}

void TestChatPage::draftSurvivesSwitchingConversations()
{
    auto ctx = makeContext();
    const qint64 a = addConversation(ctx.get(), u"Alpha"_s, {u"a1"_s});
    const qint64 b = addConversation(ctx.get(), u"Beta"_s, {u"b1"_s});
    auto page = makePage(ctx.get());
    QVERIFY(page->openConversation(a));
    QTest::keyClicks(page->composer()->editor(), u"half a thought"_s);
    QVERIFY(page->openConversation(b));
    QVERIFY(page->composer()->text().isEmpty());
    QTest::keyClicks(page->composer()->editor(), u"other"_s);
    page->newChat();
    QVERIFY(page->composer()->text().isEmpty());
    QVERIFY(page->openConversation(a));
    QCOMPARE(page->composer()->text(), u"half a thought"_s);
    QVERIFY(page->openConversation(b));
    QCOMPARE(page->composer()->text(), u"other"_s);
}

void TestChatPage::exportAndImportRoundTrip()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    typeAndSend(page.get(), u"Export me [[tokens=12]]"_s);
    const Message reply = waitForReply(page.get());
    QCOMPARE(reply.status, MessageStatus::Complete);
    const qint64 original = page->currentConversationId();

    const QString md = m_dir.filePath(u"out.md"_s);
    const QString json = m_dir.filePath(u"out.json"_s);
    QString error;
    QVERIFY2(page->exportConversation(md, ChatPage::ExportFormat::Markdown, &error), qPrintable(error));
    QVERIFY2(page->exportConversation(json, ChatPage::ExportFormat::Json, &error), qPrintable(error));
    QFile mdFile(md);
    QVERIFY(mdFile.open(QIODevice::ReadOnly));
    const QString mdText = QString::fromUtf8(mdFile.readAll());
    QVERIFY(mdText.contains(u"Export me [[tokens=12]]"_s));
    QVERIFY(mdText.contains(reply.content));
    QFile jsonFile(json);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(jsonFile.readAll()).object();
    QCOMPARE(doc.value(u"format"_s).toString(), u"anyrouter-desktop.conversation"_s);
    QCOMPARE(doc.value(u"messages"_s).toArray().size(), 2);

    QVERIFY2(page->importConversation(json, &error), qPrintable(error));
    const qint64 imported = page->currentConversationId();
    QVERIFY(imported != original);
    const QList<Message> a = ctx->conversations()->messages(original);
    const QList<Message> b = ctx->conversations()->messages(imported);
    QCOMPARE(b.size(), a.size());
    for (int i = 0; i < a.size(); ++i) {
        QCOMPARE(b[i].content, a[i].content);
        QCOMPARE(b[i].role, a[i].role);
    }
    QCOMPARE(page->sidebar()->model()->conversationCount(), 2);
    QCOMPARE(page->transcript()->transcriptModel()->rowCount(), 2);
    // A broken file is refused with a reason.
    QFile bad(m_dir.filePath(u"bad.json"_s));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"format\":\"something-else\"}");
    bad.close();
    error.clear();
    QVERIFY(!page->importConversation(bad.fileName(), &error));
    QVERIFY(!error.isEmpty());
}

void TestChatPage::copyLastReplyShortcut()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    typeAndSend(page.get(), u"Copy me [[tokens=10]]"_s);
    const Message reply = waitForReply(page.get());
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(page->composer()->editor(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), page->transcript()->lastReplyMarkdown());
    QVERIFY(QGuiApplication::clipboard()->text().contains(reply.content.left(20)));
    // Ctrl+L puts the focus back into the composer.
    page->sidebar()->searchBox()->setFocus();
    QTest::keyClick(page->sidebar()->searchBox(), Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(page->composer()->editor()->hasFocus());
}

void TestChatPage::workspaceSwitchRefiltersAndOpensLatest()
{
    auto ctx = makeContext();
    Workspace other;
    other.id = u"other"_s;
    other.name = u"Other"_s;
    other.kind = Workspace::Kind::Environment;
    other.baseUrl = m_sim.baseUrl();
    other.defaultModel = u"anthropic/claude-haiku-4.5"_s;
    ctx->workspaces()->addEphemeral(other, sim::fullKey());
    const qint64 a = addConversation(ctx.get(), u"Demo chat"_s, {u"d1"_s});
    Conversation o;
    o.workspaceId = other.id;
    o.title = u"Other chat"_s;
    QVERIFY(ctx->conversations()->createConversation(o));
    auto page = makePage(ctx.get());
    QCOMPARE(page->currentConversationId(), a);
    QCOMPARE(page->sidebar()->model()->conversationCount(), 1);

    QVERIFY(ctx->workspaces()->select(other.id));
    QCOMPARE(page->currentConversationId(), o.id);
    QCOMPARE(page->sidebar()->model()->conversationCount(), 1);
    QVERIFY(page->sidebar()->model()->indexOfConversation(o.id).isValid());
    QVERIFY(!page->sidebar()->model()->indexOfConversation(a).isValid());
    QCOMPARE(page->session()->workspaceId(), other.id);
    // A new chat there uses that workspace's default model and lands in its list.
    page->newChat();
    QCOMPARE(page->currentModel(), u"anthropic/claude-haiku-4.5"_s);
    typeAndSend(page.get(), u"In other [[tokens=5]]"_s);
    QCOMPARE(waitForReply(page.get()).status, MessageStatus::Complete);
    QCOMPARE(ctx->conversations()->conversation(page->currentConversationId())->workspaceId, other.id);
    QCOMPARE(page->sidebar()->model()->conversationCount(), 2);

    // Back: the demo workspace's latest opens; an empty workspace would get an empty chat.
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    QCOMPARE(page->currentConversationId(), a);
}

// "Set as workspace default" on the Models page changes the workspace, not the chat page: the next
// new chat must use it without a workspace switch.
void TestChatPage::newWorkspaceDefaultModelReachesTheNextChat()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    const QString model = u"anthropic/claude-haiku-4.5"_s;
    QVERIFY(page->currentModel() != model);
    QVERIFY(ctx->workspaces()->setDefaultModel(WorkspaceManager::demoWorkspaceId(), model));
    page->newChat();
    QCOMPARE(page->currentModel(), model);
    typeAndSend(page.get(), u"Default [[tokens=5]]"_s);
    const Message reply = waitForReply(page.get());
    QCOMPARE(reply.status, MessageStatus::Complete);
    QCOMPARE(reply.model, model); // what the simulator says served it
    QCOMPARE(ctx->conversations()->conversation(page->currentConversationId())->model, model);
}

// A workspace's routing defaults go into requests of conversations without routing of their own (a
// conversation's own routing wins), and its attribution overrides replace the app's headers.
void TestChatPage::workspaceRoutingAndAttributionReachTheRequest()
{
    auto ctx = makeContext();
    Workspace team;
    team.id = u"team"_s;
    team.name = u"Team"_s;
    team.kind = Workspace::Kind::Environment;
    team.baseUrl = m_sim.baseUrl();
    team.routing.sort = u"price"_s;
    team.routing.ignore = {u"azure"_s};
    team.attributionTitle = u"Team Console"_s;
    ctx->workspaces()->addEphemeral(team, sim::fullKey());
    auto page = makePage(ctx.get());
    QVERIFY(ctx->workspaces()->select(team.id));
    page->newChat();
    typeAndSend(page.get(), u"Routed [[tokens=5]]"_s);
    QCOMPARE(waitForReply(page.get()).status, MessageStatus::Complete);
    QJsonObject body =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    QJsonObject provider = body.value(u"provider"_s).toObject();
    QCOMPARE(provider.value(u"sort"_s).toString(), u"price"_s);
    QCOMPARE(provider.value(u"ignore"_s).toArray(), QJsonArray{u"azure"_s});
    const auto headers = m_sim.server()->lastRequestHeaders(u"/chat/completions"_s);
    QByteArray title;
    for (const auto& h : headers) {
        if (h.first.compare("X-AnyRouter-Title", Qt::CaseInsensitive) == 0)
            title = h.second;
    }
    QCOMPARE(title, "Team Console"_ba);

    // The conversation's own routing replaces the workspace's, it does not merge with it.
    page->openRoutingDialog();
    RoutingDialog* routing = nullptr;
    QTRY_VERIFY(routing = page->findChild<RoutingDialog*>());
    routing->sortCombo()->setCurrentIndex(routing->sortCombo()->findData(u"latency"_s));
    routing->accept();
    typeAndSend(page.get(), u"Own routing [[tokens=5]]"_s);
    QCOMPARE(waitForReply(page.get()).status, MessageStatus::Complete);
    body = QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    provider = body.value(u"provider"_s).toObject();
    QCOMPARE(provider.value(u"sort"_s).toString(), u"latency"_s);
    QVERIFY(!provider.contains(u"ignore"_s));

    // Back on the demo workspace, the app's own attribution.
    QVERIFY(ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    page->newChat();
    typeAndSend(page.get(), u"Demo [[tokens=5]]"_s);
    QCOMPARE(waitForReply(page.get()).status, MessageStatus::Complete);
    for (const auto& h : m_sim.server()->lastRequestHeaders(u"/chat/completions"_s)) {
        if (h.first.compare("X-AnyRouter-Title", Qt::CaseInsensitive) == 0)
            QCOMPARE(h.second, "AnyRouter Desktop"_ba);
    }
    body = QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/chat/completions"_s)).object();
    QVERIFY(!body.contains(u"provider"_s));
}

void TestChatPage::headerEstimatesTheNextMessage()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    // The price comes from the workspace session's catalog (the simulator's list), once it is in.
    QTRY_VERIFY_WITH_TIMEOUT(page->nextMessageEstimate().has_value(), 10000);
    const QString id = u"openai/gpt-5.4-mini"_s; // a model the simulator serves
    QVERIFY(ctx->session());
    const auto entry = ctx->session()->catalog()->find(id);
    QVERIFY(entry && entry->model.pricing.inputPerM && !entry->model.name.isEmpty());
    const double inputPerM = *entry->model.pricing.inputPerM;
    QVERIFY(inputPerM > 0);
    page->setModel(id);
    typeAndSend(page.get(), u"Estimate [[tokens=1240]]"_s);
    const Message reply = waitForReply(page.get());
    QCOMPARE(reply.status, MessageStatus::Complete);
    qint64 tokens = 0;
    const auto estimate = page->nextMessageEstimate(&tokens);
    QVERIFY(estimate.has_value());
    if (reply.usage.promptTokens && reply.usage.completionTokens)
        QCOMPARE(tokens, *reply.usage.promptTokens + *reply.usage.completionTokens);
    else
        QCOMPARE(tokens, qint64((u"Estimate [[tokens=1240]]"_s.size() + reply.content.size()) / 4));
    QVERIFY(tokens > 1000);
    QCOMPARE(*estimate, double(tokens) * inputPerM / 1e6);
    QVERIFY(page->costLabel()->text().contains(u"next"_s));
    // Token counts read as on every other page ("1.2K", not a chat-only "1.2k").
    const QString label = page->costLabel()->text();
    QVERIFY2(label.contains(u"(%1 tokens)"_s.arg(format::tokens(tokens))), qPrintable(label));
    QVERIFY2(label.contains(u"K tokens)"_s), qPrintable(label));
    QCOMPARE(page->modelButton()->text(), entry->model.name);
}

void TestChatPage::enterSendsCanBeTurnedOff()
{
    auto ctx = makeContext();
    auto page = makePage(ctx.get());
    page->composer()->setEnterSends(false);
    QPlainTextEdit* editor = page->composer()->editor();
    editor->setFocus();
    QTest::keyClicks(editor, u"line one"_s);
    QTest::keyClick(editor, Qt::Key_Return); // a new line, not a send
    QTest::keyClicks(editor, u"line two [[tokens=5]]"_s);
    QCOMPARE(page->currentConversationId(), 0);
    QCOMPARE(page->composer()->text(), u"line one\nline two [[tokens=5]]"_s);
    QTest::keyClick(editor, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(waitForReply(page.get()).status, MessageStatus::Complete);
    QCOMPARE(ctx->conversations()->messages(page->currentConversationId()).first().content,
             u"line one\nline two [[tokens=5]]"_s);
}

void TestChatPage::listModelGroupsByDate_data()
{
    QTest::addColumn<int>("daysAgo");
    QTest::addColumn<bool>("pinned");
    QTest::addColumn<int>("group");
    QTest::newRow("today") << 0 << false << int(ConversationListModel::Group::Today);
    QTest::newRow("yesterday") << 1 << false << int(ConversationListModel::Group::Yesterday);
    QTest::newRow("3 days") << 3 << false << int(ConversationListModel::Group::Previous7Days);
    QTest::newRow("7 days") << 7 << false << int(ConversationListModel::Group::Previous7Days);
    QTest::newRow("8 days") << 8 << false << int(ConversationListModel::Group::Older);
    QTest::newRow("pinned old") << 40 << true << int(ConversationListModel::Group::Pinned);
}

void TestChatPage::listModelGroupsByDate()
{
    QFETCH(int, daysAgo);
    QFETCH(bool, pinned);
    QFETCH(int, group);
    const QDate today(2026, 3, 10);
    Conversation c;
    c.id = 1;
    c.pinned = pinned;
    c.updatedAt = QDateTime(today.addDays(-daysAgo), QTime(12, 0)); // local time
    QCOMPARE(int(ConversationListModel::groupOf(c, today)), group);
}

void TestChatPage::listModelPassesModelTester()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QDate today = QDate::currentDate();
    QList<Conversation> list;
    for (int i = 0; i < 12; ++i) {
        Conversation c;
        c.id = i + 1;
        c.title = u"Chat %1"_s.arg(i);
        c.pinned = i == 5;
        c.updatedAt = QDateTime(today.addDays(-i * 3), QTime(10, 0));
        list.append(c);
    }
    model.setConversations(list, today);
    QCOMPARE(model.conversationCount(), 12);
    QVERIFY(model.index(0).data(ConversationListModel::IsHeaderRole).toBool());
    QCOMPARE(model.index(0).data().toString(), u"Pinned"_s);
    QVERIFY(!(model.flags(model.index(0)) & Qt::ItemIsSelectable));
    QCOMPARE(model.conversationId(model.index(1)), 6);
    model.setHidden({6, 1});
    QCOMPARE(model.conversationCount(), 10);
    QVERIFY(!model.indexOfConversation(6).isValid());
    QVERIFY(model.index(0).data().toString() != u"Pinned"_s);
    QSignalSpy edited(&model, &ConversationListModel::titleEdited);
    const QModelIndex idx = model.indexOfConversation(3);
    QVERIFY(model.setData(idx, u"  New   name "_s));
    QCOMPARE(idx.data().toString(), u"New name"_s);
    QCOMPARE(edited.size(), 1);
    QVERIFY(!model.setData(idx, u"   "_s));
    model.setConversations({}, today);
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestChatPage)
#include "TestChatPage.moc"
