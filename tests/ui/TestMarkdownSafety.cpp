// A reply never makes the app read a local file or fetch anything (issue 9, item 1): Markdown images,
// raw HTML <img>, <link rel=stylesheet> and CSS background images pointing at /dev/zero, a named pipe,
// a regular file or an http server are shown as "[image: alt]" placeholders carrying the URL as a
// link, in the painted transcript row, the selectable-text editor and "Copy message". A regression
// must fail, not hang: every pipe has a writer thread that unblocks any reader (and counts it), and
// the address space is capped so an unbounded read of /dev/zero aborts the test instead of the box.
#include "TestSupport.h"
#include "TranscriptHarness.h"

#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "ui/chat/MarkdownRenderer.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/SafeTextDocument.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QImage>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>

#include <atomic>
#include <thread>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define ANYROUTER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ANYROUTER_ASAN 1
#endif
#endif

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

#ifdef Q_OS_LINUX
// A named pipe with a writer that keeps opening it: whoever opens it for reading is counted and gets
// end-of-file at once, so a reader never blocks (the test fails rather than hangs).
class WatchedFifo
{
public:
    explicit WatchedFifo(const QString& path) : m_path(path.toLocal8Bit())
    {
        m_ok = ::mkfifo(m_path.constData(), 0600) == 0;
        if (m_ok)
            m_thread = std::thread([this] { run(); });
    }
    ~WatchedFifo()
    {
        if (!m_ok)
            return;
        m_stop = true;
        // Release a writer blocked in open(): a reader that opens and closes at once.
        while (!m_done) {
            const int fd = ::open(m_path.constData(), O_RDONLY | O_NONBLOCK);
            if (fd >= 0)
                ::close(fd);
            std::this_thread::yield();
        }
        m_thread.join();
    }
    bool ok() const { return m_ok; }
    int readers() const { return m_readers; }

private:
    void run()
    {
        while (!m_stop) {
            const int fd = ::open(m_path.constData(), O_WRONLY);
            if (fd < 0)
                break;
            if (!m_stop)
                ++m_readers;
            ::close(fd);
        }
        m_done = true;
    }

    QByteArray m_path;
    bool m_ok = false;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_done{false};
    std::atomic<int> m_readers{0};
};

// Counts opens of files in a directory (inotify), for regular files a reply points at.
class OpenWatch
{
public:
    explicit OpenWatch(const QString& dir)
    {
        m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (m_fd >= 0)
            m_ok = ::inotify_add_watch(m_fd, dir.toLocal8Bit().constData(), IN_OPEN | IN_ACCESS) >= 0;
    }
    ~OpenWatch()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool ok() const { return m_ok; }
    // Names opened or read since the last call.
    QStringList drain()
    {
        QStringList names;
        alignas(inotify_event) char buf[8192];
        for (;;) {
            const ssize_t n = ::read(m_fd, buf, sizeof buf);
            if (n <= 0)
                break;
            for (ssize_t off = 0; off < n;) {
                const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
                if (ev->len > 0)
                    names << QString::fromLocal8Bit(ev->name);
                off += ssize_t(sizeof(inotify_event) + ev->len);
            }
        }
        return names;
    }

private:
    int m_fd = -1;
    bool m_ok = false;
};
#endif

QString documentText(const MessageDelegate::Layout& layout)
{
    QString out;
    for (const auto& p : layout.parts) {
        if (p.doc)
            out += p.doc->toPlainText() + u'\n';
    }
    return out;
}

// The anchor href at the first occurrence of `text` in `doc`, or a null string.
QString anchorAt(QTextDocument* doc, const QString& text)
{
    const QTextCursor c = doc->find(text);
    if (c.isNull())
        return {};
    QTextCursor inside(doc);
    inside.setPosition(c.selectionStart() + 1);
    return inside.charFormat().anchorHref();
}

} // namespace

class TestMarkdownSafety : public QObject, private test::TranscriptHarness
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void repliesNeverLoadResources_data();
    void repliesNeverLoadResources();
    void plainTextCopyNeverLoads();
    void htmlImagesInASafeDocument();

private:
    qint64 storeReply(const QString& reply);

    QTemporaryDir m_dir;
    QTemporaryDir m_files; // what replies point at, watched
    int m_counter = 0;
};

void TestMarkdownSafety::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    QVERIFY(m_files.isValid());
#if defined(Q_OS_LINUX) && !defined(ANYROUTER_ASAN)
    // An unbounded read (of /dev/zero) must end this process with bad_alloc, not eat the machine.
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = rlim_t(4) << 30;
    QVERIFY(::setrlimit(RLIMIT_AS, &limit) == 0);
#endif
    QImage png(8, 8, QImage::Format_ARGB32);
    png.fill(Qt::red);
    QVERIFY(png.save(m_files.filePath(u"real.png"_s)));
    QFile css(m_files.filePath(u"style.css"_s));
    QVERIFY(css.open(QIODevice::WriteOnly));
    css.write("p { color: red; }");
}

void TestMarkdownSafety::init()
{
    QString error;
    QVERIFY2(openTranscript(m_dir.filePath(u"s%1.sqlite"_s.arg(++m_counter)), QSize(720, 560), &error),
             qPrintable(error));
}

void TestMarkdownSafety::cleanup()
{
    closeTranscript();
}

qint64 TestMarkdownSafety::storeReply(const QString& reply)
{
    Conversation c;
    c.title = u"Hostile"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    if (!m_store->createConversation(c))
        return 0;
    Message u;
    u.conversationId = c.id;
    u.content = u"Show me a picture"_s;
    m_store->insertMessage(u);
    Message a;
    a.conversationId = c.id;
    a.parentId = u.id;
    a.role = MessageRole::Assistant;
    a.model = c.model;
    a.content = reply;
    m_store->insertMessage(a);
    return c.id;
}

void TestMarkdownSafety::repliesNeverLoadResources_data()
{
    // Qt 6.4's Markdown importer drops raw HTML images (no image object, nothing to replace); the
    // HTML rows guard against a Qt that renders them. %FIFO% is a watched named pipe, %FILE% a real PNG,
    // %CSS% a real stylesheet, %HTTP% an http server of this test; `shown` is the placeholder the row must
    // show instead ("" = no image).
    QTest::addColumn<QString>("reply");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<QString>("href");
    QTest::newRow("dev zero") << u"Look:\n\n![z](/dev/zero)\n\nend"_s << u"[image: z]"_s << u"/dev/zero"_s;
    QTest::newRow("fifo path") << u"![pipe](%FIFO%) and text"_s << u"[image: pipe]"_s << u"%FIFO%"_s;
    QTest::newRow("fifo file url") << u"![pipe](file://%FIFO%)"_s << u"[image: pipe]"_s << u"file://%FIFO%"_s;
    QTest::newRow("html img fifo") << u"Inline <img src=\"file://%FIFO%\" alt=\"cat\"> here\n"_s << QString()
                                   << QString();
    QTest::newRow("html img block") << u"<p><img src=\"%FIFO%\"></p>\n\ntext"_s << QString() << QString();
    QTest::newRow("regular file") << u"![png](%FILE%)"_s << u"[image: png]"_s << u"%FILE%"_s;
    QTest::newRow("html regular file") << u"<img src=\"file://%FILE%\">"_s << QString() << QString();
    QTest::newRow("http image") << u"![web](%HTTP%/x.png)"_s << u"[image: web]"_s << u"%HTTP%/x.png"_s;
    QTest::newRow("stylesheet fifo")
        << u"<link rel=\"stylesheet\" type=\"text/css\" href=\"%FIFO%\">\n\nStyled text"_s << QString()
        << QString();
    QTest::newRow("stylesheet file")
        << u"<link rel=\"stylesheet\" type=\"text/css\" href=\"%CSS%\">\n\nStyled text"_s << QString()
        << QString();
    QTest::newRow("style import fifo")
        << u"<style>@import url(%FIFO%);</style>\n\nStyled text"_s << QString() << QString();
    QTest::newRow("style import file")
        << u"<style>@import url(%CSS%);</style>\n\nStyled text"_s << QString() << QString();
    QTest::newRow("css background fifo")
        << u"<p style=\"background-image: url(%FIFO%)\">bg</p>\n\n<table background=\"%FIFO%\"><tr><td>x</td></tr></table>"_s
        << QString() << QString();
}

void TestMarkdownSafety::repliesNeverLoadResources()
{
#ifndef Q_OS_LINUX
    QSKIP("needs mkfifo and inotify");
#else
    QFETCH(QString, reply);
    QFETCH(QString, shown);
    QFETCH(QString, href);
    const QString fifoPath = m_files.filePath(u"pipe%1"_s.arg(m_counter));
    WatchedFifo fifo(fifoPath);
    QVERIFY(fifo.ok());
    OpenWatch watch(m_files.path());
    QVERIFY(watch.ok());
    QTcpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    const QString httpBase = u"http://127.0.0.1:%1"_s.arg(http.serverPort());
    auto expand = [&](QString s) {
        return s.replace(u"%FIFO%"_s, fifoPath)
            .replace(u"%FILE%"_s, m_files.filePath(u"real.png"_s))
            .replace(u"%CSS%"_s, m_files.filePath(u"style.css"_s))
            .replace(u"%HTTP%"_s, httpBase);
    };
    reply = expand(reply);
    href = expand(href);
    watch.drain();

    // The transcript row: opened, laid out, painted.
    const qint64 conv = storeReply(reply);
    QVERIFY(conv > 0);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(m_session->open(conv));
    TranscriptModel* model = m_view->transcriptModel();
    QCOMPARE(model->rowCount(), 2);
    const QModelIndex row = model->index(1);
    QTRY_VERIFY(m_view->messageDelegate()->layoutFor(row) != nullptr);
    m_view->viewport()->repaint();
    (void)m_view->viewport()->grab();
    const MessageDelegate::Layout* layout = m_view->messageDelegate()->layoutFor(row);
    QVERIFY(layout);
    const QString painted = documentText(*layout);
    bool linked = false;
    for (const auto& p : layout->parts) {
        if (p.doc && !shown.isEmpty() && anchorAt(p.doc.get(), shown) == href)
            linked = true;
    }

    // The selectable-text editor over the same reply.
    m_view->openSelectionEditor(row);
    auto* browser = qobject_cast<QTextBrowser*>(m_view->selectionEditor());
    QVERIFY(browser);
    (void)browser->grab();
    const QString selectable = browser->toPlainText();
    const QString selectableHref = shown.isEmpty() ? QString() : anchorAt(browser->document(), shown);
    m_view->closeSelectionEditor();

    // "Copy message".
    const QString plain = MarkdownRenderer::toPlainText(reply);
    QCoreApplication::processEvents();

    // Nothing was opened, read or fetched...
    QCOMPARE(fifo.readers(), 0);
    QCOMPARE(watch.drain(), QStringList());
    QVERIFY(!http.hasPendingConnections());
    QVERIFY(!http.waitForNewConnection(0));
    // ...and every image shows as a placeholder link to its URL, everywhere.
    QVERIFY2(!painted.contains(QChar::ObjectReplacementCharacter), "an image object is left");
    QVERIFY2(!selectable.contains(QChar::ObjectReplacementCharacter), "an image object is left");
    if (!shown.isEmpty()) {
        QVERIFY2(painted.contains(shown), qPrintable(painted));
        QVERIFY2(linked, "the placeholder carries the image's URL as its link");
        QVERIFY2(selectable.contains(shown), qPrintable(selectable));
        QCOMPARE(selectableHref, href);
        QVERIFY2(plain.contains(shown), qPrintable(plain));
    }
    // Far below any stall a user would notice; a hang or a read of /dev/zero never gets here.
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
#endif
}

void TestMarkdownSafety::plainTextCopyNeverLoads()
{
#ifndef Q_OS_LINUX
    QSKIP("needs mkfifo");
#else
    // "Copy message" and exports go through toPlainText() alone, without any view.
    const QString fifoPath = m_files.filePath(u"copy-pipe"_s);
    WatchedFifo fifo(fifoPath);
    QVERIFY(fifo.ok());
    const QString plain = MarkdownRenderer::toPlainText(u"a ![x](%1) b <img src=\"%1\"> c"_s.arg(fifoPath));
    QVERIFY2(plain.contains(u"[image: x]"_s), qPrintable(plain));
    QCOMPARE(fifo.readers(), 0);
#endif
}

void TestMarkdownSafety::htmlImagesInASafeDocument()
{
#ifndef Q_OS_LINUX
    QSKIP("needs mkfifo");
#else
    // Any other renderer (exports, the quick prompt) that lets HTML in gets image objects from Qt's
    // HTML importer: a SafeTextDocument neither loads them while laying out nor keeps them.
    const QString fifoPath = m_files.filePath(u"html-pipe"_s);
    WatchedFifo fifo(fifoPath);
    QVERIFY(fifo.ok());
    SafeTextDocument doc;
    doc.setHtml(u"<p>a <img src=\"%1\" alt=\"cat\"> b <img src=\"file://%1\"></p>"_s.arg(fifoPath));
    (void)doc.size(); // lays out, before the images are replaced
    QCOMPARE(fifo.readers(), 0);
    QCOMPARE(SafeTextDocument::neutraliseImages(&doc), 2);
    QVERIFY2(doc.toPlainText().contains(u"[image: cat]"_s), qPrintable(doc.toPlainText()));
    QCOMPARE(anchorAt(&doc, u"[image: cat]"_s), fifoPath);
    QVERIFY(!doc.toPlainText().contains(QChar::ObjectReplacementCharacter));
    QCOMPARE(fifo.readers(), 0);
#endif
}

QTEST_MAIN(TestMarkdownSafety)
#include "TestMarkdownSafety.moc"
