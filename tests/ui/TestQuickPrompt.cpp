// The quick prompt window driven through its real widgets against the in-process simulator: it pops
// up focused; Enter streams a reply in place and the history holds it as a quick-prompt
// conversation (and the sidebar's model marks it); Shift+Enter adds a line; Esc stops and keeps the
// partial, a second Esc hides; follow-ups continue, Ctrl+N starts anew; Ctrl+Enter asks the main
// window to open it; the model is remembered; a gateway fault keeps the prompt; a workspace switch
// starts a new conversation there; the schema step adding the mark keeps older conversations.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/catalog/CatalogRepository.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"
#include "ui/chat/ConversationListModel.h"
#include "ui/chat/ConversationSidebar.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"
#include "ui/common/Format.h"
#include "ui/quickprompt/QuickPromptWindow.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QCursor>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestQuickPrompt : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void popUpFocusesTheInput();
    void enterStreamsAReplyKeptAsAQuickPrompt();
    void shiftEnterAddsALineAndDoesNotSend();
    void escapeStopsKeepingThePartialThenHides();
    void followUpsContinueUntilCtrlN();
    void ctrlEnterAsksTheMainWindowToOpenIt();
    void copyShortcutCopiesTheReply();
    void modelChoiceIsRemembered();
    void gatewayFaultShowsAnErrorAndKeepsThePrompt();
    void workspaceSwitchStartsANewConversationThere();
    void enterSendsOffMakesCtrlEnterSend();
    void migrationKeepsOlderConversationsAsChats();

private:
    std::unique_ptr<AppContext> makeContext(const QString& key = sim::fullKey());
    std::unique_ptr<QuickPromptWindow> makeWindow(AppContext* ctx);
    Message waitForReply(QuickPromptWindow* w);
    void type(QuickPromptWindow* w, const QString& text);
    void typeAndSend(QuickPromptWindow* w, const QString& text);
    static qint64 addChat(AppContext* ctx, const QString& title);

    QTemporaryDir m_settingsDir;
    test::ContextFixture m_contexts{u"quick"_s};
    test::SimFixture m_sim;
};

void TestQuickPrompt::initTestCase()
{
    test::initHermeticEnvironment();
    // These tests write Settings (enterSends, the remembered model): into a folder of their own,
    // not the test-mode settings file every other test binary reads.
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    QVERIFY(QSettings().fileName().startsWith(m_settingsDir.path()));
    qRegisterMetaType<WorkspaceSession*>();
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

void TestQuickPrompt::init()
{
    m_sim.server()->config().tokensPerSecond = 0;
    m_sim.server()->config().ttftMs = 0;
}

void TestQuickPrompt::cleanup()
{
    m_sim.server()->resetFaultCounters();
}

std::unique_ptr<AppContext> TestQuickPrompt::makeContext(const QString& key)
{
    auto ctx = m_contexts.make();
    // Settings live in QSettings (this test's folder), shared by every context: start from none.
    ctx->settings()->setQuickPromptModel({});
    ctx->settings()->setEnterSends(true);
    Workspace demo = test::demoWorkspace(m_sim.baseUrl());
    ctx->workspaces()->addEphemeral(demo, key);
    ctx->workspaces()->select(demo.id);
    return ctx;
}

std::unique_ptr<QuickPromptWindow> TestQuickPrompt::makeWindow(AppContext* ctx)
{
    auto w = std::make_unique<QuickPromptWindow>(ctx);
    w->session()->setFlushIntervalMs(20);
    w->popUp();
    if (!QTest::qWaitForWindowActive(w.get()))
        qWarning("quick prompt window not active");
    return w;
}

Message TestQuickPrompt::waitForReply(QuickPromptWindow* w)
{
    // A stop finishes the reply synchronously, so "not streaming" means it is already final.
    if (w->session()->isStreaming()) {
        QSignalSpy spy(w->session(), &ChatSession::replyFinished);
        if (!spy.wait(15000)) {
            Message timedOut;
            timedOut.status = MessageStatus::Error;
            timedOut.errorText = u"test: no reply within 15 s"_s;
            return timedOut;
        }
    }
    return w->session()->currentReply();
}

void TestQuickPrompt::type(QuickPromptWindow* w, const QString& text)
{
    w->input()->setFocus();
    QTest::keyClicks(w->input(), text);
}

void TestQuickPrompt::typeAndSend(QuickPromptWindow* w, const QString& text)
{
    type(w, text);
    QTest::keyClick(w->input(), Qt::Key_Return);
}

qint64 TestQuickPrompt::addChat(AppContext* ctx, const QString& title)
{
    Conversation c;
    c.workspaceId = WorkspaceManager::demoWorkspaceId();
    c.title = title;
    return ctx->conversations()->createConversation(c) ? c.id : 0;
}

void TestQuickPrompt::popUpFocusesTheInput()
{
    auto ctx = makeContext();
    auto w = makeWindow(ctx.get());
    QVERIFY(w->isVisible());
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(w->input()));
    QVERIFY(w->windowFlags() & Qt::WindowStaysOnTopHint);
    QVERIFY(w->windowFlags() & Qt::FramelessWindowHint);
    // On the pointer's screen, in its upper part.
    QScreen* screen = QGuiApplication::screenAt(QCursor::pos());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    const QRect area = screen->availableGeometry();
    QVERIFY2(area.contains(w->frameGeometry().topLeft()), "the window is on the pointer's screen");
    QVERIFY(w->geometry().top() < area.top() + area.height() / 3);
    QVERIFY(qAbs(w->geometry().center().x() - area.center().x()) <= 1);
    QCOMPARE(w->workspaceLabel()->text(), u"Demo"_s);
    // Accessible names on everything one can operate.
    for (QWidget* widget : std::initializer_list<QWidget*>{w->input(), w->modelBox(), w->sendButton(),
                                                           w->openButton(), w->newButton(), w->copyButton()})
        QVERIFY2(!widget->accessibleName().isEmpty(), widget->metaObject()->className());

    // Hidden, another window used meanwhile (the offscreen platform moves no focus on hide by
    // itself), then popped up again with the focus elsewhere in it: the focus is back in the input.
    QTest::keyClick(w->input(), Qt::Key_Escape);
    QVERIFY(!w->isVisible());
    QWidget elsewhere;
    elsewhere.show();
    elsewhere.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&elsewhere));
    w->sendButton()->setFocus();
    w->popUp();
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(w->input()));
}

void TestQuickPrompt::enterStreamsAReplyKeptAsAQuickPrompt()
{
    auto ctx = makeContext();
    const qint64 chat = addChat(ctx.get(), u"An ordinary chat"_s);
    auto w = makeWindow(ctx.get());
    QSignalSpy deltas(w->session(), &ChatSession::replyDelta);
    QSignalSpy changed(w.get(), &QuickPromptWindow::conversationChanged);
    QCOMPARE(w->conversationId(), 0);
    QVERIFY(!w->transcriptView()->isVisible()); // compact until there is something to show
    typeAndSend(w.get(), u"Hello quick **world** [[tokens=30]]"_s);
    QVERIFY(w->input()->toPlainText().isEmpty()); // cleared only because the prompt was stored
    const Message reply = waitForReply(w.get());
    QCOMPARE(reply.status, MessageStatus::Complete);
    QVERIFY(!deltas.isEmpty());
    QVERIFY(!changed.isEmpty());

    const qint64 id = w->conversationId();
    QVERIFY(id > 0);
    QVERIFY(id != chat);
    const auto c = ctx->conversations()->conversation(id);
    QVERIFY(c);
    QCOMPARE(c->origin, ConversationOrigin::QuickPrompt);
    QCOMPARE(c->workspaceId, WorkspaceManager::demoWorkspaceId());
    QCOMPARE(c->title, u"Hello quick **world** [[tokens=30]]"_s);
    QCOMPARE(ctx->conversations()->conversation(chat)->origin, ConversationOrigin::Chat);
    const QList<Message> stored = ctx->conversations()->messages(id);
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].content, u"Hello quick **world** [[tokens=30]]"_s);
    QCOMPARE(stored[1].status, MessageStatus::Complete);
    QVERIFY(stored[1].content.size() > 10);

    // In place, through the chat pane's transcript.
    QVERIFY(w->transcriptView()->isVisible());
    TranscriptModel* tm = w->transcriptView()->transcriptModel();
    QTRY_COMPARE(tm->rowCount(), 2);
    QCOMPARE(tm->index(1).data(Qt::DisplayRole).toString(), stored[1].content);
    QVERIFY(w->height() > w->minimumSizeHint().height());
    // Tokens and cost, written as the rest of the app writes them.
    const qint64 tokens =
        stored[1].usage.promptTokens.value_or(0) + stored[1].usage.completionTokens.value_or(0);
    QVERIFY(tokens > 0);
    QVERIFY2(w->statusLabel()->text().contains(format::tokens(tokens)), qPrintable(w->statusLabel()->text()));
    if (stored[1].usage.cost)
        QVERIFY2(w->statusLabel()->text().contains(format::usd(*stored[1].usage.cost)),
                 qPrintable(w->statusLabel()->text()));
    QVERIFY(!w->hasError());
    QCOMPARE(w->sendButton()->text(), u"Send"_s);

    // The history marks it: role, badge, tooltip and accessible text; the other chat is unmarked.
    ConversationSidebar sidebar(ctx->conversations());
    QAbstractItemModelTester tester(sidebar.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    sidebar.setWorkspace(WorkspaceManager::demoWorkspaceId());
    ConversationListModel* list = sidebar.model();
    QCOMPARE(list->conversationCount(), 2);
    const QModelIndex quick = list->indexOfConversation(id);
    const QModelIndex plain = list->indexOfConversation(chat);
    QVERIFY(quick.data(ConversationListModel::QuickPromptRole).toBool());
    QCOMPARE(quick.data(ConversationListModel::BadgeTextRole).toString(),
             ConversationListModel::quickPromptBadge());
    QVERIFY(quick.data(Qt::AccessibleTextRole).toString().contains(u"Quick prompt"_s));
    QVERIFY(quick.data(Qt::ToolTipRole).toString().contains(u"quick prompt"_s));
    QCOMPARE(quick.data(Qt::DisplayRole).toString(), c->title); // the title itself is unchanged
    QVERIFY(!plain.data(ConversationListModel::QuickPromptRole).toBool());
    QVERIFY(plain.data(ConversationListModel::BadgeTextRole).toString().isEmpty());
    QVERIFY(!plain.data(Qt::AccessibleTextRole).toString().contains(u"Quick prompt"_s));
    // The sidebar paints it (the badge path of its delegate) without trouble.
    sidebar.resize(260, 300);
    QVERIFY(!sidebar.grab().isNull());
}

void TestQuickPrompt::shiftEnterAddsALineAndDoesNotSend()
{
    auto ctx = makeContext();
    auto w = makeWindow(ctx.get());
    type(w.get(), u"first line"_s);
    QTest::keyClick(w->input(), Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(w->input(), u"second line [[tokens=5]]"_s);
    QCOMPARE(w->input()->toPlainText(), u"first line\nsecond line [[tokens=5]]"_s);
    QCOMPARE(w->conversationId(), 0);
    QVERIFY(!w->session()->isStreaming());
    QVERIFY(ctx->conversations()->conversations(WorkspaceManager::demoWorkspaceId()).isEmpty());
    QTest::keyClick(w->input(), Qt::Key_Return);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    QCOMPARE(ctx->conversations()->messages(w->conversationId()).first().content,
             u"first line\nsecond line [[tokens=5]]"_s);
}

void TestQuickPrompt::escapeStopsKeepingThePartialThenHides()
{
    auto ctx = makeContext();
    auto w = makeWindow(ctx.get());
    m_sim.server()->config().tokensPerSecond = 100;
    QSignalSpy deltas(w->session(), &ChatSession::replyDelta);
    typeAndSend(w.get(), u"Long answer please [[tokens=3000]]"_s);
    QTRY_VERIFY_WITH_TIMEOUT(deltas.size() >= 3, 10000);
    QVERIFY(w->session()->isStreaming());
    QTRY_COMPARE(w->sendButton()->text(), u"Stop"_s);
    QVERIFY(!w->modelBox()->isEnabled());

    QTest::keyClick(w->input(), Qt::Key_Escape);
    const Message reply = waitForReply(w.get());
    QCOMPARE(reply.status, MessageStatus::Incomplete);
    QVERIFY(!reply.content.isEmpty());
    QVERIFY(w->isVisible()); // the first Esc only stopped
    const QList<Message> stored = ctx->conversations()->messages(w->conversationId());
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[1].status, MessageStatus::Incomplete);
    QCOMPARE(stored[1].content, reply.content);
    TranscriptModel* tm = w->transcriptView()->transcriptModel();
    QTRY_COMPARE(tm->index(1).data(Qt::DisplayRole).toString(), reply.content);
    QCOMPARE(w->sendButton()->text(), u"Send"_s);
    QVERIFY(!w->hasError()); // stopping is not an error

    QTest::keyClick(w->input(), Qt::Key_Escape);
    QVERIFY(!w->isVisible());
    // Still there when it comes back.
    w->popUp();
    QCOMPARE(tm->rowCount(), 2);
}

void TestQuickPrompt::followUpsContinueUntilCtrlN()
{
    auto ctx = makeContext();
    auto w = makeWindow(ctx.get());
    typeAndSend(w.get(), u"First question [[tokens=8]]"_s);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    const qint64 first = w->conversationId();
    typeAndSend(w.get(), u"A follow-up [[tokens=8]]"_s);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    QCOMPARE(w->conversationId(), first);
    QList<Message> stored = ctx->conversations()->messages(first);
    QCOMPARE(stored.size(), 4);
    const auto users = std::count_if(stored.begin(), stored.end(),
                                     [](const Message& m) { return m.role == MessageRole::User; });
    QCOMPARE(users, 2);
    QCOMPARE(stored[2].parentId, stored[1].id); // one thread, the follow-up after the first reply
    QCOMPARE(w->transcriptView()->transcriptModel()->rowCount(), 4);

    QTest::keyClick(w->input(), Qt::Key_N, Qt::ControlModifier);
    QCOMPARE(w->conversationId(), 0);
    QCOMPARE(w->transcriptView()->transcriptModel()->rowCount(), 0);
    QVERIFY(!w->transcriptView()->isVisible());
    QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(w->input()));
    typeAndSend(w.get(), u"Something else [[tokens=5]]"_s);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    const qint64 second = w->conversationId();
    QVERIFY(second > 0 && second != first);
    QCOMPARE(ctx->conversations()->messages(second).size(), 2);
    QCOMPARE(ctx->conversations()->conversation(second)->origin, ConversationOrigin::QuickPrompt);
    QCOMPARE(ctx->conversations()->messages(first).size(), 4);
}

void TestQuickPrompt::ctrlEnterAsksTheMainWindowToOpenIt()
{
    auto ctx = makeContext();
    auto w = makeWindow(ctx.get());
    QSignalSpy open(w.get(), &QuickPromptWindow::openInMainWindow);
    // Nothing to open yet: nothing asked, the window stays.
    QTest::keyClick(w->input(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(open.size(), 0);
    QVERIFY(w->isVisible());
    QVERIFY(!w->openButton()->isEnabled());

    typeAndSend(w.get(), u"Open me later [[tokens=5]]"_s);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    const qint64 id = w->conversationId();
    QVERIFY(w->openButton()->isEnabled());
    QTest::keyClick(w->input(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).at(0).toLongLong(), id);
    QVERIFY(!w->isVisible());
    QVERIFY(ctx->conversations()->messages(id).size() == 2); // nothing was sent by Ctrl+Enter

    // The button does the same.
    w->popUp();
    QVERIFY(QTest::qWaitForWindowActive(w.get()));
    QTest::mouseClick(w->openButton(), Qt::LeftButton);
    QCOMPARE(open.size(), 2);
    QCOMPARE(open.at(1).at(0).toLongLong(), id);
}

void TestQuickPrompt::copyShortcutCopiesTheReply()
{
    auto ctx = makeContext();
    auto w = makeWindow(ctx.get());
    QGuiApplication::clipboard()->setText(u"before"_s);
    typeAndSend(w.get(), u"Copy me [[tokens=12]]"_s);
    const Message reply = waitForReply(w.get());
    QCOMPARE(reply.status, MessageStatus::Complete);
    QTest::keyClick(w->input(), Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), w->transcriptView()->lastReplyMarkdown());
    QVERIFY(QGuiApplication::clipboard()->text().contains(reply.content.left(10)));
}

void TestQuickPrompt::modelChoiceIsRemembered()
{
    auto ctx = makeContext();
    QString picked;
    {
        auto w = makeWindow(ctx.get());
        const QString initial = w->currentModel();
        QCOMPARE(initial, ctx->workspaces()->current().effectiveModel());
        QTRY_VERIFY_WITH_TIMEOUT(w->modelBox()->count() > 1, 15000); // the session's catalog arrived
        QCOMPARE(w->modelBox()->currentData().toString(), initial);
        // Pick another model with the keyboard, as one would.
        w->modelBox()->setFocus();
        QTest::keyClick(w->modelBox(), w->modelBox()->currentIndex() + 1 < w->modelBox()->count()
                                           ? Qt::Key_Down
                                           : Qt::Key_Up);
        picked = w->modelBox()->currentData().toString();
        QVERIFY(!picked.isEmpty());
        QVERIFY(picked != initial);
        QCOMPARE(w->currentModel(), picked);
        QCOMPARE(ctx->settings()->quickPromptModel(), picked);
        typeAndSend(w.get(), u"Which model? [[tokens=5]]"_s);
        const Message reply = waitForReply(w.get());
        QCOMPARE(reply.status, MessageStatus::Complete);
        QCOMPARE(reply.model, picked);
        QCOMPARE(ctx->conversations()->conversation(w->conversationId())->model, picked);
    }
    // A new window (a new start) goes on with it.
    auto again = makeWindow(ctx.get());
    QCOMPARE(again->currentModel(), picked);
    QTRY_COMPARE(again->modelBox()->currentData().toString(), picked);
    // And the chat page's default is untouched by it.
    QVERIFY(ctx->workspaces()->current().effectiveModel() != picked);
}

void TestQuickPrompt::gatewayFaultShowsAnErrorAndKeepsThePrompt()
{
    auto ctx = makeContext(u"sk-ar-v1-sim-fault-429"_s);
    auto w = makeWindow(ctx.get());
    // Let the session's start-up reads (which the fault key hits too) end first, as TestChatPage does.
    WorkspaceSession* session = ctx->session();
    QVERIFY(session);
    QTRY_VERIFY_WITH_TIMEOUT(session->keysReady() && !session->catalog()->isRefreshing() &&
                                 !session->account()->isReadingCredits() &&
                                 !session->account()->isReadingHealth(),
                             60000);
    const QString prompt = u"Will fail [[tokens=20]]"_s;
    typeAndSend(w.get(), prompt);
    const Message reply = waitForReply(w.get());
    QCOMPARE(reply.status, MessageStatus::Error);
    // Shown inline, the prompt kept: in the database, in the transcript and back in the input.
    QVERIFY(w->hasError());
    QVERIFY(w->statusLabel()->isVisible());
    QVERIFY(w->statusLabel()->text().contains(reply.errorText));
    QCOMPARE(w->input()->toPlainText(), prompt);
    const qint64 id = w->conversationId();
    QList<Message> stored = ctx->conversations()->messages(id);
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].content, prompt);
    QVERIFY(!stored[1].errorText.isEmpty());
    TranscriptModel* tm = w->transcriptView()->transcriptModel();
    QTRY_COMPARE(tm->rowCount(), 2);
    QCOMPARE(tm->messageAt(0)->content, prompt);
    QCOMPARE(tm->messageAt(1)->errorText, stored[1].errorText);
    QCOMPARE(w->sendButton()->text(), u"Retry"_s);

    // Enter on the kept prompt tries again: a new version of the reply, not a second prompt.
    QTest::keyClick(w->input(), Qt::Key_Return);
    QVERIFY(w->input()->toPlainText().isEmpty());
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Error);
    stored = ctx->conversations()->messages(id);
    QCOMPARE(stored.size(), 3);
    QCOMPARE(std::count_if(stored.begin(), stored.end(),
                           [](const Message& m) { return m.role == MessageRole::User; }),
             1);
    QCOMPARE(w->input()->toPlainText(), prompt); // failed again: kept again
}

void TestQuickPrompt::workspaceSwitchStartsANewConversationThere()
{
    auto ctx = makeContext();
    Workspace other;
    other.id = u"other"_s;
    other.name = u"Other"_s;
    other.kind = Workspace::Kind::Environment;
    other.baseUrl = m_sim.baseUrl();
    other.defaultModel = u"anthropic/claude-haiku-4.5"_s;
    ctx->workspaces()->addEphemeral(other, sim::fullKey());
    auto w = makeWindow(ctx.get());
    typeAndSend(w.get(), u"In demo [[tokens=5]]"_s);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    const qint64 demoConversation = w->conversationId();
    QVERIFY(demoConversation > 0);

    QSignalSpy sessions(ctx.get(), &AppContext::sessionChanged);
    QVERIFY(ctx->workspaces()->select(other.id));
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(w->workspaceLabel()->text(), u"Other"_s);
    QCOMPARE(w->conversationId(), 0);
    QCOMPARE(w->transcriptView()->transcriptModel()->rowCount(), 0);
    QCOMPARE(w->currentModel(), u"anthropic/claude-haiku-4.5"_s);
    typeAndSend(w.get(), u"In other [[tokens=5]]"_s);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    const auto c = ctx->conversations()->conversation(w->conversationId());
    QVERIFY(c);
    QCOMPARE(c->workspaceId, other.id);
    QCOMPARE(c->origin, ConversationOrigin::QuickPrompt);
    QCOMPARE(ctx->conversations()->conversation(demoConversation)->workspaceId,
             WorkspaceManager::demoWorkspaceId());
    QCOMPARE(ctx->conversations()->messages(demoConversation).size(), 2);
}

void TestQuickPrompt::enterSendsOffMakesCtrlEnterSend()
{
    auto ctx = makeContext();
    ctx->settings()->setEnterSends(false);
    auto w = makeWindow(ctx.get());
    QSignalSpy open(w.get(), &QuickPromptWindow::openInMainWindow);
    type(w.get(), u"line one"_s);
    QTest::keyClick(w->input(), Qt::Key_Return); // a new line, not a send
    QTest::keyClicks(w->input(), u"line two [[tokens=5]]"_s);
    QCOMPARE(w->conversationId(), 0);
    QTest::keyClick(w->input(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(waitForReply(w.get()).status, MessageStatus::Complete);
    QCOMPARE(ctx->conversations()->messages(w->conversationId()).first().content,
             u"line one\nline two [[tokens=5]]"_s);
    QCOMPARE(open.size(), 0);
    // Opening in the main window moves to Ctrl+Shift+Enter.
    QTest::keyClick(w->input(), Qt::Key_Return, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).at(0).toLongLong(), w->conversationId());
}

void TestQuickPrompt::migrationKeepsOlderConversationsAsChats()
{
    // A file of the previous schema version: today's schema with the quick-prompt step undone.
    const QString file = m_contexts.filePath(u"previous-schema.sqlite"_s);
    const int latest = Database::latestSchemaVersion();
    {
        Database db(file, u"previous-builder"_s);
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QSqlQuery q(db.connection());
        for (const QString& sql : {
                 u"ALTER TABLE conversations DROP COLUMN origin"_s,
                 u"UPDATE schema_version SET version = %1"_s.arg(latest - 1),
                 u"INSERT INTO conversations (id, workspace_id, title, created_at, updated_at) VALUES "
                 "(1, 'ws', 'Older chat', 1000, 2000), (2, 'ws', 'Another', 1000, 1500)"_s,
                 u"INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at) "
                 "VALUES (1, 'user', 'kept words', 'complete', 1000, 1000)"_s,
             })
            QVERIFY2(q.exec(sql), qPrintable(q.lastError().text() + u" in "_s + sql));
        QCOMPARE(db.schemaVersion(), latest - 1);
    }
    Database db(file, u"previous-reader"_s);
    QString error;
    QVERIFY2(db.open(&error), qPrintable(error));
    QCOMPARE(db.schemaVersion(), latest);
    ConversationStore store(db);
    const QList<Conversation> list = store.conversations(u"ws"_s);
    QCOMPARE(list.size(), 2);
    for (const Conversation& c : list)
        QCOMPARE(c.origin, ConversationOrigin::Chat);
    QCOMPARE(store.conversation(1)->title, u"Older chat"_s);
    QCOMPARE(store.messages(1).size(), 1);
    QCOMPARE(store.messages(1).first().content, u"kept words"_s);
    // New rows keep their mark, and an update does not lose it.
    Conversation quick;
    quick.workspaceId = u"ws"_s;
    quick.title = u"Quick one"_s;
    quick.origin = ConversationOrigin::QuickPrompt;
    QVERIFY(store.createConversation(quick));
    QCOMPARE(store.conversation(quick.id)->origin, ConversationOrigin::QuickPrompt);
    auto reread = store.conversation(quick.id);
    reread->title = u"Renamed"_s;
    QVERIFY(store.updateConversation(*reread));
    QCOMPARE(store.conversation(quick.id)->origin, ConversationOrigin::QuickPrompt);
    QCOMPARE(store.conversation(2)->origin, ConversationOrigin::Chat);
    // The stored names are the stable ones.
    QCOMPARE(originToString(ConversationOrigin::QuickPrompt), u"quick-prompt"_s);
    QCOMPARE(originFromString(u"something-newer"), ConversationOrigin::Chat);
}

QTEST_MAIN(TestQuickPrompt)
#include "TestQuickPrompt.moc"
