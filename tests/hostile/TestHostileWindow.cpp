// A few HostileServer cases through the real chat window (ChatPage, offscreen): the reply's row in
// the transcript ends in the state issue 9 asks for, shows what the store holds, and rendering a
// reply with a Markdown image never touches the local file system (item 1): the image points at a
// FIFO whose opening a helper thread notices (and unblocks, so a regression fails instead of hanging).
#include "ContextFixture.h"
#include "HostileExpectations.h"
#include "HostileServer.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/SecretStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "ui/chat/ChatPage.h"
#include "ui/chat/Composer.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QImage>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>

#include <atomic>
#include <thread>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace anyrouter;
using namespace anyrouter::hostile;
using namespace Qt::StringLiterals;

namespace {

// A named pipe that records whether anybody opened it for reading. A reader blocks in open() until
// a writer comes, so the watcher opens it for writing as soon as a reader waits, then closes it: the
// reader sees an empty file instead of blocking the GUI thread forever.
class FifoTripwire
{
public:
    explicit FifoTripwire(const QString& path) : m_path(path.toLocal8Bit())
    {
        m_ok = ::mkfifo(m_path.constData(), 0600) == 0;
        if (m_ok)
            m_thread = std::thread([this] { watch(); });
    }
    ~FifoTripwire()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        ::unlink(m_path.constData());
    }
    bool isValid() const { return m_ok; }
    int opens() const { return m_opens; }

private:
    void watch()
    {
        while (!m_stop) {
            const int fd = ::open(m_path.constData(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0) { // only succeeds while a reader has it open
                ++m_opens;
                ::close(fd);
            }
            ::usleep(2000); // a helper thread polling, not the test waiting
        }
    }

    QByteArray m_path;
    bool m_ok = false;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_opens{0};
    std::thread m_thread;
};

} // namespace

class TestHostileWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void replyRowEndsInTheRightState_data();
    void replyRowEndsInTheRightState();
    void tripwireSeesQtLoadingAnImage();
    void imageInAReplyIsNeverLoaded_data();
    void imageInAReplyIsNeverLoaded();

private:
    std::unique_ptr<AppContext> makeContext(const QString& caseName);
    std::unique_ptr<ChatPage> makePage(AppContext* ctx);
    Message sendAndWait(ChatPage* page, const QString& text);

    QTemporaryDir m_dir;
    test::ContextFixture m_contexts{u"window"_s};
    HostileServer m_server;
    int m_counter = 0;
};

void TestHostileWindow::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    m_server.setStallMs(10000);
}

void TestHostileWindow::init()
{
    m_server.resetCounts();
    m_server.setImageTarget(u"/dev/zero"_s);
}

std::unique_ptr<AppContext> TestHostileWindow::makeContext(const QString& caseName)
{
    auto ctx = m_contexts.make();
    Workspace ws = test::demoWorkspace(m_server.baseUrl(caseName), u"Hostile"_s);
    ctx->workspaces()->addEphemeral(ws, clientKey());
    ctx->workspaces()->select(ws.id);
    return ctx;
}

std::unique_ptr<ChatPage> TestHostileWindow::makePage(AppContext* ctx)
{
    auto page = std::make_unique<ChatPage>(ctx);
    page->resize(1000, 700);
    page->show();
    if (!QTest::qWaitForWindowExposed(page.get()))
        qWarning("page not exposed");
    page->session()->setFlushIntervalMs(20);
    page->session()->setInactivityTimeoutMs(1200);
    page->session()->setCostLookupDelaysMs({});
    return page;
}

Message TestHostileWindow::sendAndWait(ChatPage* page, const QString& text)
{
    QSignalSpy finished(page->session(), &ChatSession::replyFinished);
    QPlainTextEdit* editor = page->composer()->editor();
    editor->setFocus();
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
    if (finished.isEmpty() && !finished.wait(20000)) {
        Message timedOut;
        timedOut.status = MessageStatus::Streaming;
        timedOut.errorText = u"test: no reply within 20 s"_s;
        return timedOut;
    }
    return finished.first().first().value<Message>();
}

void TestHostileWindow::replyRowEndsInTheRightState_data()
{
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorWord"); // the row's error names what happened
    QTest::newRow("complete") << u"complete"_s << int(MessageStatus::Complete) << QString();
    QTest::newRow("no-done") << u"no-done"_s << int(MessageStatus::Complete) << QString();
    QTest::newRow("no-finish") << u"no-finish"_s << int(MessageStatus::Incomplete) << u"cut off"_s;
    QTest::newRow("drop-before-headers")
        << u"drop-before-headers"_s << int(MessageStatus::Error) << QString();
    QTest::newRow("drop-mid-content") << u"drop-mid-content"_s << int(MessageStatus::Incomplete) << QString();
    QTest::newRow("stall-mid-content")
        << u"stall-mid-content"_s << int(MessageStatus::Incomplete) << QString();
    QTest::newRow("html-200") << u"html-200"_s << int(MessageStatus::Error) << QString();
    QTest::newRow("surrogate-split") << u"surrogate-split"_s << int(MessageStatus::Complete) << QString();
}

void TestHostileWindow::replyRowEndsInTheRightState()
{
    QFETCH(QString, caseName);
    QFETCH(int, status);
    QFETCH(QString, errorWord);
    auto ctx = makeContext(caseName);
    auto page = makePage(ctx.get());
    const QString prompt = u"Window, hostile case %1"_s.arg(caseName);
    const Message reply = sendAndWait(page.get(), prompt);
    QVERIFY2(reply.status != MessageStatus::Streaming, qPrintable(reply.errorText));

    const QList<Message> stored = ctx->conversations()->messages(page->currentConversationId());
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].content, prompt);
    TranscriptModel* tm = page->transcript()->transcriptModel();
    QTRY_COMPARE(tm->rowCount(), 2);
    const Message* row = tm->messageAt(1);
    QVERIFY(row);
    // The row shows exactly what is stored, in the final state.
    QCOMPARE(row->status, stored[1].status);
    QCOMPARE(row->content, stored[1].content);
    QCOMPARE(row->errorText, stored[1].errorText);
    QCOMPARE(tm->index(1).data(Qt::DisplayRole).toString(), stored[1].content);
    QVERIFY(!page->session()->isStreaming());
    QCOMPARE(page->composer()->sendButton()->text(), u"Send"_s);
    page->grab(); // paints the finished row (must not crash or block)

    const QString why = u"row: status %1, error \"%2\""_s.arg(statusToString(row->status), row->errorText);
    QVERIFY2(int(row->status) == status, qPrintable(why));
    const QString text = HostileServer::replyText(caseName);
    QCOMPARE(row->content, text);
    if (!errorWord.isEmpty())
        QVERIFY2(row->errorText.contains(errorWord, Qt::CaseInsensitive), qPrintable(why));
    QVERIFY2(leakedKeyFragment(row->errorText).isEmpty(), qPrintable(why));
    QCOMPARE(m_server.chatPosts(caseName), 1); // an error with Retry, not a silent resend
    if (status == int(MessageStatus::Complete))
        return;

    // The failed or cut-off reply offers Retry; clicking it is what sends the prompt again, once.
    TranscriptView* view = page->transcript();
    MessageDelegate* d = view->messageDelegate();
    const QModelIndex idx = tm->index(1);
    QRect r;
    const bool offered = QTest::qWaitFor([&] {
        const auto* layout = d->layoutFor(idx);
        r = d->actionRect(idx, MessageDelegate::ActionKind::Retry);
        return layout && view->visualRect(idx).height() == layout->height && r.isValid() &&
               view->viewport()->rect().contains(r) && view->indexAt(r.center()) == idx;
    });
    QVERIFY2(offered, "no Retry on the failed reply");
    QSignalSpy finished(page->session(), &ChatSession::replyFinished);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, r.center());
    QVERIFY(finished.size() == 1 || finished.wait(20000));
    QCOMPARE(m_server.chatPosts(caseName), 2);
    QCOMPARE(finished.first().first().value<Message>().status,
             MessageStatus(status)); // same server, same end
}

void TestHostileWindow::tripwireSeesQtLoadingAnImage()
{
    // Control: the tripwire notices a reader, and a plain QTextDocument laying out the same Markdown
    // does open the file (Qt's default resource loading) -- so the window test below can fail.
    const QString fifo = m_dir.filePath(u"control%1.png"_s.arg(++m_counter));
    FifoTripwire tripwire(fifo);
    QVERIFY(tripwire.isValid());
    QTextDocument doc;
    doc.setMarkdown(u"Look: ![z]("_s + fifo + u")"_s);
    doc.setTextWidth(400);
    QImage canvas(400, 200, QImage::Format_ARGB32);
    QPainter painter(&canvas);
    doc.drawContents(&painter);
    QVERIFY(doc.size().height() > 0);
    QTRY_VERIFY_WITH_TIMEOUT(tripwire.opens() > 0, 2000);
}

void TestHostileWindow::imageInAReplyIsNeverLoaded_data()
{
    QTest::addColumn<bool>("asFileUrl");
    QTest::newRow("path") << false;
    QTest::newRow("file url") << true;
}

void TestHostileWindow::imageInAReplyIsNeverLoaded()
{
    QFETCH(bool, asFileUrl);
    const QString fifo = m_dir.filePath(u"tripwire%1.png"_s.arg(++m_counter));
    FifoTripwire tripwire(fifo);
    QVERIFY(tripwire.isValid());
    const QString target = asFileUrl ? QUrl::fromLocalFile(fifo).toString() : fifo;
    m_server.setImageTarget(target);

    auto ctx = makeContext(u"image-and-links"_s);
    auto page = makePage(ctx.get());
    const Message reply = sendAndWait(page.get(), u"Show me a picture"_s);
    QCOMPARE(reply.status, MessageStatus::Complete);
    QCOMPARE(reply.content, HostileServer::imageReplyText(target));
    TranscriptModel* tm = page->transcript()->transcriptModel();
    QTRY_COMPARE(tm->rowCount(), 2);
    // Render it several times (streaming, finished, repainted), as the window does.
    for (int i = 0; i < 5; ++i) {
        page->grab();
        QTest::qWait(20);
    }
    QVERIFY2(tripwire.opens() == 0, "rendering a reply opened a local file named in its Markdown image");

    // Reopening the conversation (what a restart does) renders it again: still no file access.
    const qint64 id = page->currentConversationId();
    page.reset();
    auto again = makePage(ctx.get());
    QTRY_COMPARE(again->currentConversationId(), id);
    for (int i = 0; i < 5; ++i) {
        again->grab();
        QTest::qWait(20);
    }
    QVERIFY2(tripwire.opens() == 0, "reopening a reply opened a local file named in its Markdown image");
}

QTEST_MAIN(TestHostileWindow)
#include "TestHostileWindow.moc"
