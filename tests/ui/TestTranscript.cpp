// TranscriptView and TranscriptModel against the simulator: a streamed turn lands in the model and
// the painted row exactly as stored, only the streaming row changes while it streams, versions and
// the inline Retry work, code blocks copy exactly their code, copy/context-menu actions, and
// scrollToMessage brings a hit into view.
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "sim/SimKeys.h"
#include "ui/chat/MarkdownRenderer.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QJsonObject>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {
const QString kCode =
    u"def greet(name):\n    # say hello\n    return f\"Hello, {name}!\"\n\n\nprint(greet('x'))"_s;
const QString kReply = u"## Example\n\nHere is a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\n"_s +
                       kCode + u"\n```\n\nAnd a list:\n\n- one `inline`\n- two\n"_s;
} // namespace

class TestTranscript : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void emptyStateAndSplitter();
    void streamedTurnEndsUpInModelAndView();
    void onlyTheStreamingRowChanges();
    void reasoningStreamsCollapsed();
    void versionNavigation();
    void errorActions_data();
    void errorActions();
    void statusBadgesAndStats_data();
    void statusBadgesAndStats();
    void absurdUsageShowsUnknown();
    void editActionAndClickToSelect();
    void copyCodeButtonCopiesExactlyTheCode();
    void contextMenuCopies();
    void keyboardCopyAndSelectionEditor();
    void scrollToMessageShowsTheRow();

private:
    Message waitForReply();
    bool clickAction(int row, MessageDelegate::ActionKind kind, int part = 0);
    qint64 storeConversation(int turns, const QString& replyText);

    QTemporaryDir m_dir;
    test::SimFixture m_sim;
    QNetworkAccessManager m_nam;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
    std::unique_ptr<UsageLedger> m_ledger;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<ChatSession> m_session;
    std::unique_ptr<TranscriptView> m_view;
    int m_counter = 0;
};

void TestTranscript::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    sim::SimConfig cfg;
    cfg.tokensPerSecond = 0;
    cfg.ttftMs = 0;
    QVERIFY(m_sim.start(cfg));
}

void TestTranscript::init()
{
    m_sim.server()->config().tokensPerSecond = 0;
    m_sim.server()->config().ttftMs = 0;
    m_db = std::make_unique<Database>(m_dir.filePath(u"t%1.sqlite"_s.arg(++m_counter)));
    QString error;
    QVERIFY2(m_db->open(&error), qPrintable(error));
    m_store = std::make_unique<ConversationStore>(*m_db);
    m_ledger = std::make_unique<UsageLedger>(*m_db);
    m_client = std::make_unique<ApiClient>(&m_nam);
    m_client->setBaseUrl(m_sim.baseUrl());
    m_client->setKeys(sim::fullKey());
    m_session = std::make_unique<ChatSession>(m_store.get(), m_ledger.get(), m_client.get());
    m_session->setDefaultModel(u"openai/gpt-5.4-mini"_s);
    m_view = std::make_unique<TranscriptView>();
    m_view->resize(720, 560);
    m_view->setSession(m_session.get());
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestTranscript::cleanup()
{
    m_view.reset();
    m_session.reset();
    m_client.reset();
    m_ledger.reset();
    m_store.reset();
    m_db.reset();
}

Message TestTranscript::waitForReply()
{
    QSignalSpy finished(m_session.get(), &ChatSession::replyFinished);
    if (!finished.wait(20000))
        return {};
    return finished.first().first().value<Message>();
}

// Clicks an action of a row once the row is laid out at its exact height and the action is visible.
bool TestTranscript::clickAction(int row, MessageDelegate::ActionKind kind, int part)
{
    MessageDelegate* d = m_view->messageDelegate();
    const QModelIndex idx = m_view->transcriptModel()->index(row);
    QRect r;
    const bool ready = QTest::qWaitFor([&] {
        const auto* layout = d->layoutFor(idx);
        r = d->actionRect(idx, kind, part);
        return layout && m_view->visualRect(idx).height() == layout->height && r.isValid() &&
               m_view->viewport()->rect().contains(r) && m_view->indexAt(r.center()) == idx;
    });
    if (!ready)
        return false;
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, r.center());
    return true;
}

qint64 TestTranscript::storeConversation(int turns, const QString& replyText)
{
    Conversation c;
    c.title = u"Stored"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    if (!m_store->createConversation(c))
        return 0;
    qint64 parent = 0;
    for (int i = 0; i < turns; ++i) {
        Message u;
        u.conversationId = c.id;
        u.parentId = parent;
        u.role = MessageRole::User;
        u.content = u"Question %1: how do routers pick a provider?"_s.arg(i);
        m_store->insertMessage(u);
        Message a;
        a.conversationId = c.id;
        a.parentId = u.id;
        a.role = MessageRole::Assistant;
        a.model = c.model;
        a.provider = u"openai"_s;
        a.content = replyText;
        a.usage.promptTokens = 100 + i;
        a.usage.completionTokens = 50;
        a.usage.cost = 0.0012;
        a.ttftMs = 120;
        a.tokensPerSecond = 80.5;
        m_store->insertMessage(a);
        parent = a.id;
    }
    return c.id;
}

void TestTranscript::emptyStateAndSplitter()
{
    QCOMPARE(m_view->transcriptModel()->rowCount(), 0);
    // Fences split a reply into prose and code; an unclosed fence (still streaming) is code.
    const auto segs = MarkdownRenderer::split(kReply);
    QCOMPARE(segs.size(), 3);
    QCOMPARE(segs[1].kind, MarkdownSegment::Kind::Code);
    QCOMPARE(segs[1].language, u"python"_s);
    QCOMPARE(segs[1].text, kCode);
    const auto open = MarkdownRenderer::split(u"Intro\n\n```cpp\nint x;\n"_s);
    QCOMPARE(open.size(), 2);
    QCOMPARE(open[1].text, u"int x;"_s);
}

void TestTranscript::streamedTurnEndsUpInModelAndView()
{
    QAbstractItemModelTester tester(m_view->transcriptModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_sim.server()->config().tokensPerSecond = 600;
    QVERIFY(m_session->send(u"Show me code and a table [[tokens=300]]"_s));
    TranscriptModel* model = m_view->transcriptModel();
    QCOMPARE(model->rowCount(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(model->messageAt(1)->content.size() > 50, 10000);
    QVERIFY(model->data(model->index(1), TranscriptModel::IsStreamingRole).toBool());
    const Message reply = waitForReply();
    QVERIFY(reply.id > 0);
    QVERIFY(!model->data(model->index(1), TranscriptModel::IsStreamingRole).toBool());
    const Message stored = *m_store->message(reply.id);
    QVERIFY(stored.content.size() > 100);
    QCOMPARE(model->messageAt(1)->content, stored.content);
    QCOMPARE(model->data(model->index(1), TranscriptModel::MessageObjectRole).value<Message>().content,
             stored.content);
    QCOMPARE(m_view->markdownAt(1), stored.content);
    QCOMPARE(m_view->lastReplyMarkdown(), stored.content);
    // What the delegate painted is the stored text, segment by segment.
    QTRY_VERIFY(m_view->messageDelegate()->layoutFor(model->index(1)) != nullptr);
    const auto* layout = m_view->messageDelegate()->layoutFor(model->index(1));
    const auto segs = MarkdownRenderer::split(stored.content);
    QCOMPARE(int(layout->parts.size()), segs.size());
    for (int i = 0; i < segs.size(); ++i)
        QCOMPARE(layout->parts[size_t(i)].segment, segs[i]);
    QVERIFY(!layout->stats.isEmpty());
    QVERIFY(layout->stats.contains(u"TTFT"_s));
    QVERIFY(layout->stats.contains(u"$"_s));
    QVERIFY(model->data(model->index(1), Qt::AccessibleTextRole).toString().startsWith(u"Assistant: "_s));
}

void TestTranscript::onlyTheStreamingRowChanges()
{
    // Two finished turns first, then a slow third one: while it streams only its row may change.
    QVERIFY(m_session->send(u"first [[tokens=20]]"_s));
    QVERIFY(waitForReply().id > 0);
    QVERIFY(m_session->send(u"second [[tokens=20]]"_s));
    QVERIFY(waitForReply().id > 0);
    TranscriptModel* model = m_view->transcriptModel();
    m_sim.server()->config().tokensPerSecond = 500;
    QVERIFY(m_session->send(u"third [[tokens=400]]"_s));
    QCOMPARE(model->rowCount(), 6);
    const int before = model->streamUpdateCount();
    QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
    QSignalSpy finished(m_session.get(), &ChatSession::replyFinished);
    QVERIFY(finished.wait(20000));
    QVERIFY2(changed.size() >= 5, "the stream must be shown progressively");
    for (const auto& args : std::as_const(changed)) {
        QCOMPARE(args.at(0).toModelIndex().row(), 5);
        QCOMPARE(args.at(1).toModelIndex().row(), 5);
    }
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 0);
    // Coalesced: ~0.8 s of stream at ≤ 1 update per 16 ms frame, far fewer than 400 deltas.
    const int updates = model->streamUpdateCount() - before;
    QVERIFY2(updates < 120, qPrintable(QString::number(updates)));
    QCOMPARE(model->messageAt(5)->content, m_store->message(model->messageAt(5)->id)->content);
}

void TestTranscript::reasoningStreamsCollapsed()
{
    // A reasoning model asked to reason: the reasoning shows while it arrives, collapsed and dimmed;
    // clicking the line expands it.
    m_session->setDefaultModel(u"openai/gpt-5.4"_s);
    // Slow enough (2 s of content after the reasoning) that a loaded CI machine still sees it
    // mid-stream, short enough that the row fits the viewport for the click below.
    m_sim.server()->config().tokensPerSecond = 20;
    QVERIFY(m_session->send(u"Think first [[tokens=40]]"_s));
    Conversation c = m_session->conversation();
    c.parameters.insert(u"reasoning"_s, QJsonObject{{u"effort"_s, u"medium"_s}});
    // Parameters apply to the next request: regenerate once the first reply is done.
    QVERIFY(waitForReply().id > 0);
    QVERIFY(m_store->updateConversation(c));
    QVERIFY(m_session->open(c.id));
    TranscriptModel* model = m_view->transcriptModel();
    QVERIFY(m_session->regenerate());
    QTRY_VERIFY_WITH_TIMEOUT(!model->messageAt(1)->reasoning.isEmpty(), 10000);
    QVERIFY2(m_session->isStreaming(), "reasoning must show while it streams, not only at the end");
    const Message reply = waitForReply();
    QVERIFY(!reply.reasoning.isEmpty());
    QCOMPARE(model->messageAt(1)->reasoning, reply.reasoning);
    MessageDelegate* d = m_view->messageDelegate();
    const auto* layout = d->layoutFor(model->index(1));
    QVERIFY(layout->reasoningLine.contains(u"Reasoning"_s));
    QVERIFY(!layout->reasoning); // collapsed
    QVERIFY(clickAction(1, MessageDelegate::ActionKind::ToggleReasoning));
    QTRY_VERIFY(d->layoutFor(model->index(1))->reasoning != nullptr);
    QCOMPARE(d->layoutFor(model->index(1))->reasoning->toPlainText(), reply.reasoning);
}

void TestTranscript::versionNavigation()
{
    QVERIFY(m_session->send(u"Pick a name [[tokens=12]]"_s));
    const Message first = waitForReply();
    QVERIFY(m_session->regenerate());
    const Message second = waitForReply();
    QVERIFY(first.id != second.id);
    TranscriptModel* model = m_view->transcriptModel();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->messageAt(1)->id, second.id);
    QCOMPARE(model->data(model->index(1), TranscriptModel::VersionIndexRole).toInt(), 2);
    QCOMPARE(model->data(model->index(1), TranscriptModel::VersionCountRole).toInt(), 2);
    MessageDelegate* d = m_view->messageDelegate();
    const auto* layout = d->layoutFor(model->index(1));
    const bool showsTwoOfTwo = std::any_of(layout->actions.begin(), layout->actions.end(),
                                           [](const auto& a) { return a.label == u"2/2"_s; });
    QVERIFY(showsTwoOfTwo);
    m_view->scrollToBottom();
    QVERIFY(clickAction(1, MessageDelegate::ActionKind::PreviousVersion));
    QTRY_COMPARE(model->messageAt(1)->id, first.id);
    QCOMPARE(model->messageAt(1)->content, first.content);
    QCOMPARE(model->data(model->index(1), TranscriptModel::VersionIndexRole).toInt(), 1);
}

void TestTranscript::errorActions_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<bool>("offersSettings");
    QTest::newRow("rate limited") << u"429"_s << false;
    QTest::newRow("auth") << u"401"_s << true;
}

void TestTranscript::errorActions()
{
    QFETCH(QString, fault);
    QFETCH(bool, offersSettings);
    m_client->setKeys(u"sk-ar-v1-sim-fault-"_s + fault);
    QVERIFY(m_session->send(u"Will fail [[tokens=10]]"_s));
    const Message failed = waitForReply();
    QCOMPARE(failed.status, MessageStatus::Error);
    TranscriptModel* model = m_view->transcriptModel();
    MessageDelegate* d = m_view->messageDelegate();
    const QModelIndex row = model->index(1);
    const auto* layout = d->layoutFor(row);
    QCOMPARE(layout->badge, u"Error"_s);
    QCOMPARE(layout->statusText, failed.errorText);
    const QRect settingsRect = d->actionRect(row, MessageDelegate::ActionKind::WorkspaceSettings);
    QCOMPARE(settingsRect.isValid(), offersSettings);
    if (offersSettings) {
        QSignalSpy settings(m_view.get(), &TranscriptView::workspaceSettingsRequested);
        QVERIFY(clickAction(1, MessageDelegate::ActionKind::WorkspaceSettings));
        QCOMPARE(settings.size(), 1);
    }
    // The key is fixed; Retry on the inline error streams a new reply.
    m_client->setKeys(sim::fullKey());
    QSignalSpy finished(m_session.get(), &ChatSession::replyFinished);
    QVERIFY(clickAction(1, MessageDelegate::ActionKind::Retry));
    QVERIFY(finished.wait(20000));
    const Message retried = finished.first().first().value<Message>();
    QCOMPARE(retried.status, MessageStatus::Complete);
    QCOMPARE(model->messageAt(1)->id, retried.id);
    QCOMPARE(model->data(model->index(1), TranscriptModel::VersionCountRole).toInt(), 2);
}

void TestTranscript::statusBadgesAndStats_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("errorText");
    QTest::addColumn<QString>("badge");
    QTest::addColumn<QString>("shownText");
    QTest::addColumn<QString>("accessible");
    QTest::newRow("complete") << int(MessageStatus::Complete) << QString() << QString() << QString()
                              << QString() << QString();
    QTest::newRow("stopped") << int(MessageStatus::Incomplete) << u"cancelled"_s << u"Stopped."_s
                             << u"Stopped"_s << QString() << u"stopped"_s;
    QTest::newRow("interrupted") << int(MessageStatus::Incomplete) << u"network"_s
                                 << u"The connection dropped."_s << u"Interrupted"_s
                                 << u"The connection dropped."_s << u"interrupted"_s;
    QTest::newRow("rate limited") << int(MessageStatus::Error) << u"rate_limited"_s
                                  << u"Too many requests. Try again in 12 seconds."_s << u"Error"_s
                                  << u"Too many requests. Try again in 12 seconds."_s << u"error: Too many"_s;
}

void TestTranscript::statusBadgesAndStats()
{
    QFETCH(int, status);
    QFETCH(QString, category);
    QFETCH(QString, errorText);
    QFETCH(QString, badge);
    QFETCH(QString, shownText);
    QFETCH(QString, accessible);
    Conversation c;
    c.model = u"openai/gpt-5.4-mini"_s;
    QVERIFY(m_store->createConversation(c));
    Message u;
    u.conversationId = c.id;
    u.content = u"Hi"_s;
    QVERIFY(m_store->insertMessage(u));
    Message a;
    a.conversationId = c.id;
    a.parentId = u.id;
    a.role = MessageRole::Assistant;
    a.content = u"Partial answer"_s;
    a.status = MessageStatus(status);
    a.errorCategory = category;
    a.errorText = errorText;
    a.model = c.model;
    a.provider = u"DeepInfra"_s;
    a.usage.promptTokens = 1200;
    a.usage.completionTokens = 345;
    a.usage.cachedTokens = 1000;
    a.usage.reasoningTokens = 64;
    a.usage.cost = 0.0123;
    a.ttftMs = 210.4;
    a.tokensPerSecond = 55.5;
    QVERIFY(m_store->insertMessage(a));
    QVERIFY(m_session->open(c.id));
    TranscriptModel* model = m_view->transcriptModel();
    const auto* layout = m_view->messageDelegate()->layoutFor(model->index(1));
    QVERIFY(layout);
    QCOMPARE(layout->badge, badge);
    QCOMPARE(layout->statusText, shownText);
    QVERIFY(layout->stats.contains(QLocale().toString(qint64(1200))));
    for (const QString& bit :
         {u"openai/gpt-5.4-mini"_s, u"via DeepInfra"_s, u"in / "_s, u"345 out"_s, u"cached"_s,
          u"64 reasoning"_s, u"$0.0123"_s, u"TTFT 210 ms"_s, u"55.5 tok/s"_s})
        QVERIFY2(layout->stats.contains(bit), qPrintable(layout->stats + u" lacks "_s + bit));
    const QString description = model->data(model->index(1), Qt::AccessibleDescriptionRole).toString();
    QVERIFY2(accessible.isEmpty() ? !description.contains(u"error"_s) : description.contains(accessible),
             qPrintable(description));
    // Retry is offered on a failed or cut-off last reply, not on a complete one.
    QCOMPARE(
        m_view->messageDelegate()->actionRect(model->index(1), MessageDelegate::ActionKind::Retry).isValid(),
        !badge.isEmpty());
    QVERIFY(!m_view->accessibleName().isEmpty());
}

// Figures the gateway sent but that failed validation read "unknown", never the absurd value.
void TestTranscript::absurdUsageShowsUnknown()
{
    Conversation c;
    c.model = u"openai/gpt-5.4-mini"_s;
    QVERIFY(m_store->createConversation(c));
    Message u;
    u.conversationId = c.id;
    u.content = u"Hi"_s;
    QVERIFY(m_store->insertMessage(u));
    Message a;
    a.conversationId = c.id;
    a.parentId = u.id;
    a.role = MessageRole::Assistant;
    a.content = u"Answer"_s;
    a.status = MessageStatus::Complete;
    a.model = c.model;
    a.usage = Usage::fromJson(
        QJsonObject{{u"prompt_tokens"_s, 12}, {u"completion_tokens"_s, -5}, {u"cost"_s, 1e308}});
    a.ttftMs = std::numeric_limits<double>::infinity();
    a.tokensPerSecond = -3.0;
    QVERIFY(m_store->insertMessage(a));
    QVERIFY(m_session->open(c.id));
    TranscriptModel* model = m_view->transcriptModel();
    const auto* layout = m_view->messageDelegate()->layoutFor(model->index(1));
    QVERIFY(layout);
    for (const QString& bit : {u"12 in / unknown out"_s, u"cost unknown"_s})
        QVERIFY2(layout->stats.contains(bit), qPrintable(layout->stats + u" lacks "_s + bit));
    for (const QString& bad : {u"-5 out"_s, u"e+308"_s, u"tok/s"_s, u"TTFT"_s, u"inf"_s})
        QVERIFY2(!layout->stats.contains(bad), qPrintable(layout->stats + u" holds "_s + bad));
}

void TestTranscript::editActionAndClickToSelect()
{
    const qint64 conv = storeConversation(1, kReply);
    QVERIFY(m_session->open(conv));
    QSignalSpy edit(m_view.get(), &TranscriptView::editRequested);
    QVERIFY(clickAction(0, MessageDelegate::ActionKind::Edit));
    QCOMPARE(edit.size(), 1);
    QCOMPARE(edit.first().at(0).toLongLong(), m_view->transcriptModel()->messageAt(0)->id);
    QCOMPARE(edit.first().at(1).toString(), m_view->transcriptModel()->messageAt(0)->content);

    // A click in a message's text opens the selectable editor over it; leaving it closes it.
    const QModelIndex idx = m_view->transcriptModel()->index(1);
    const auto* layout = m_view->messageDelegate()->layoutFor(idx);
    QVERIFY(!m_view->selectionEditor());
    const QPoint inText =
        m_view->visualRect(idx).topLeft() + layout->parts.front().rect.topLeft() + QPoint(5, 5);
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, inText);
    QTRY_VERIFY(m_view->selectionEditor());
    QCOMPARE(m_view->currentIndex().row(), 1);
    QLineEdit elsewhere;
    elsewhere.show();
    elsewhere.activateWindow();
    elsewhere.setFocus();
    QTRY_VERIFY(!m_view->selectionEditor());
}

void TestTranscript::copyCodeButtonCopiesExactlyTheCode()
{
    const qint64 conv = storeConversation(1, kReply);
    QVERIFY(m_session->open(conv));
    TranscriptModel* model = m_view->transcriptModel();
    QCOMPARE(model->rowCount(), 2);
    MessageDelegate* d = m_view->messageDelegate();
    QGuiApplication::clipboard()->setText(u"before"_s);
    m_view->scrollToMessage(model->messageAt(1)->id);
    QSignalSpy copied(d, &MessageDelegate::codeCopied);
    QVERIFY(clickAction(1, MessageDelegate::ActionKind::CopyCode, 1));
    QCOMPARE(copied.size(), 1);
    QCOMPARE(QGuiApplication::clipboard()->text(), kCode);
}

void TestTranscript::contextMenuCopies()
{
    const qint64 conv = storeConversation(2, kReply);
    QVERIFY(m_session->open(conv));
    TranscriptModel* model = m_view->transcriptModel();
    m_view->setFocus();
    m_view->setCurrentIndex(model->index(3));
    QContextMenuEvent ev(QContextMenuEvent::Keyboard, QPoint(10, 10),
                         m_view->viewport()->mapToGlobal(QPoint(10, 10)));
    QCoreApplication::sendEvent(m_view->viewport(), &ev);
    QMenu* menu = m_view->findChild<QMenu*>(u"transcriptContextMenu"_s);
    QVERIFY(menu);
    auto* md = menu->findChild<QAction*>(u"copyMarkdown"_s);
    QVERIFY(md);
    QGuiApplication::clipboard()->setText(u"before"_s);
    md->trigger();
    QCOMPARE(QGuiApplication::clipboard()->text(), kReply);
    menu->close();
    delete menu;

    // Plain copy: the rendered text, without Markdown syntax.
    menu = m_view->openContextMenu(model->index(3), QPoint(20, 20));
    QVERIFY(menu);
    menu->findChild<QAction*>(u"copyMessage"_s)->trigger();
    const QString plain = QGuiApplication::clipboard()->text();
    QVERIFY(plain.contains(u"Example"_s));
    QVERIFY(!plain.contains(u"## "_s));
    QVERIFY(!plain.contains(u"```"_s));
    QVERIFY(plain.contains(u"return f\"Hello"_s));
    delete menu;
}

void TestTranscript::keyboardCopyAndSelectionEditor()
{
    const qint64 conv = storeConversation(2, kReply);
    QVERIFY(m_session->open(conv));
    TranscriptModel* model = m_view->transcriptModel();
    m_view->setFocus();
    m_view->setCurrentIndex(model->index(3));
    QTest::keyClick(m_view.get(), Qt::Key_Up);
    QCOMPARE(m_view->currentIndex().row(), 2);
    QGuiApplication::clipboard()->setText(u"before"_s);
    QTest::keyClick(m_view.get(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), u"Question 1: how do routers pick a provider?"_s);
    QTest::keyClick(m_view.get(), Qt::Key_Down);
    QCOMPARE(m_view->currentIndex().row(), 3);

    // Enter opens a read-only browser over the message for selection; Escape closes it.
    QTest::keyClick(m_view.get(), Qt::Key_Return);
    auto* browser = qobject_cast<QTextBrowser*>(m_view->selectionEditor());
    QVERIFY(browser);
    QVERIFY(browser->isReadOnly());
    QVERIFY(browser->toPlainText().contains(u"Hello, {name}"_s));
    browser->selectAll();
    QVERIFY(browser->textCursor().selectedText().size() > 20);
    QTest::keyClick(browser, Qt::Key_Escape);
    QVERIFY(!m_view->selectionEditor());
}

void TestTranscript::scrollToMessageShowsTheRow()
{
    const qint64 conv = storeConversation(40, kReply);
    QVERIFY(m_session->open(conv));
    TranscriptModel* model = m_view->transcriptModel();
    QCOMPARE(model->rowCount(), 80);
    // Opened at the bottom: the first message is far out of view.
    QTRY_VERIFY(m_view->verticalScrollBar()->value() > 0);
    QTRY_VERIFY(m_view->visualRect(model->index(79)).intersects(m_view->viewport()->rect()));
    QVERIFY(!m_view->visualRect(model->index(4)).intersects(m_view->viewport()->rect()));
    m_view->scrollToMessage(model->messageAt(4)->id, u"routers"_s);
    QTRY_VERIFY(m_view->visualRect(model->index(4)).intersects(m_view->viewport()->rect()));
    QCOMPARE(m_view->currentIndex().row(), 4);
    // It stays there, at the top, while rows around it get their exact heights (no auto-follow
    // to the bottom, no drift).
    QTRY_VERIFY(qAbs(m_view->visualRect(model->index(4)).top()) <= 2);
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QVERIFY(qAbs(m_view->visualRect(model->index(4)).top()) <= 2);
}

QTEST_MAIN(TestTranscript)
#include "TestTranscript.moc"
