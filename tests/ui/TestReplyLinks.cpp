// Links in a reply (issue 9, item 2): clicking one in the painted transcript row or in the
// selectable-text editor opens nothing by itself. http, https and mailto open only after a dialog
// that shows the full target and gets Open; file://, custom schemes, javascript: and relative links
// never open (the dialog says so and offers to copy). QDesktopServices::setUrlHandler intercepts
// every scheme involved, so the test sees exactly what would have been opened.
#include "TestSupport.h"
#include "TranscriptHarness.h"

#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextLayout>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QStringList kSchemes = {u"http"_s,       u"https"_s, u"mailto"_s, u"file"_s,
                              u"javascript"_s, u"myapp"_s, u"ftp"_s};

const QString kReply = u"Links: [web](https://example.test/path?q=1&x=%C3%A9) then "
                       u"[plain](http://example.test/p) and [mail](mailto:someone@example.test) and "
                       u"[local](file:///etc/passwd) and [custom](myapp://do/evil) and "
                       u"[script](javascript:alert(1)) and [relative](docs/readme.md) and "
                       u"[ftp](ftp://example.test/f) end."_s;

} // namespace

class UrlSink : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public slots:
    void open(const QUrl& url) { opened.append(url); }
};

class TestReplyLinks : public QObject, private test::TranscriptHarness
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void clickInRow_data();
    void clickInRow();
    void clickInSelectionEditor();

private:
    QPoint linkPointInRow(const QString& label); // viewport coordinates
    QMessageBox* dialog() const;

    QTemporaryDir m_dir;
    UrlSink m_sink;
    int m_counter = 0;
};

void TestReplyLinks::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    for (const QString& s : kSchemes)
        QDesktopServices::setUrlHandler(s, &m_sink, "open");
}

void TestReplyLinks::cleanupTestCase()
{
    for (const QString& s : kSchemes)
        QDesktopServices::unsetUrlHandler(s);
}

void TestReplyLinks::init()
{
    m_sink.opened.clear();
    QString error;
    QVERIFY2(openTranscript(m_dir.filePath(u"l%1.sqlite"_s.arg(++m_counter)), QSize(900, 560), &error),
             qPrintable(error));
    Conversation c;
    c.model = u"openai/gpt-5.4-mini"_s;
    QVERIFY(m_store->createConversation(c));
    Message u;
    u.conversationId = c.id;
    u.content = u"Give me links"_s;
    QVERIFY(m_store->insertMessage(u));
    Message a;
    a.conversationId = c.id;
    a.parentId = u.id;
    a.role = MessageRole::Assistant;
    a.content = kReply;
    QVERIFY(m_store->insertMessage(a));
    QVERIFY(m_session->open(c.id));
}

void TestReplyLinks::cleanup()
{
    if (QMessageBox* box = dialog())
        delete box;
    closeTranscript();
}

QMessageBox* TestReplyLinks::dialog() const
{
    for (QWidget* w : QApplication::topLevelWidgets()) {
        if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible())
            return box;
    }
    return m_view ? m_view->findChild<QMessageBox*>() : nullptr;
}

// Where the link text `label` is drawn in the reply's row, in viewport coordinates.
QPoint TestReplyLinks::linkPointInRow(const QString& label)
{
    const QModelIndex idx = m_view->transcriptModel()->index(1);
    MessageDelegate* d = m_view->messageDelegate();
    const bool ready = QTest::qWaitFor([&] {
        const auto* layout = d->layoutFor(idx);
        return layout && m_view->visualRect(idx).height() == layout->height;
    });
    if (!ready)
        return {};
    const auto* layout = d->layoutFor(idx);
    for (const auto& p : layout->parts) {
        if (!p.doc)
            continue;
        const QTextCursor c = p.doc->find(label);
        if (c.isNull())
            continue;
        const QTextBlock block = c.block();
        const int inBlock = c.selectionStart() + 1 - block.position();
        const QTextLine line = block.layout()->lineForTextPosition(inBlock);
        const QRectF br = p.doc->documentLayout()->blockBoundingRect(block);
        const QPointF inDoc(line.cursorToX(inBlock) + 2, br.top() + line.y() + line.height() / 2);
        return m_view->visualRect(idx).topLeft() + p.docPos + inDoc.toPoint();
    }
    return {};
}

void TestReplyLinks::clickInRow_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("openable");
    QTest::newRow("https") << u"web"_s << u"https://example.test/path?q=1&x=%C3%A9"_s << true;
    QTest::newRow("http") << u"plain"_s << u"http://example.test/p"_s << true;
    QTest::newRow("mailto") << u"mail"_s << u"mailto:someone@example.test"_s << true;
    QTest::newRow("file") << u"local"_s << u"file:///etc/passwd"_s << false;
    QTest::newRow("custom scheme") << u"custom"_s << u"myapp://do/evil"_s << false;
    QTest::newRow("javascript") << u"script"_s << u"javascript:alert(1)"_s << false;
    QTest::newRow("relative") << u"relative"_s << u"docs/readme.md"_s << false;
    QTest::newRow("ftp") << u"ftp"_s << u"ftp://example.test/f"_s << false;
}

void TestReplyLinks::clickInRow()
{
    QFETCH(QString, label);
    QFETCH(QString, target);
    QFETCH(bool, openable);
    const QPoint at = linkPointInRow(label);
    QVERIFY(!at.isNull());
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, at);
    // Nothing opens on the click itself.
    QCoreApplication::processEvents();
    QCOMPARE(m_sink.opened, QList<QUrl>());
    QTRY_VERIFY(dialog());
    QMessageBox* box = dialog();
    QVERIFY2(box->informativeText().contains(target),
             qPrintable(box->informativeText() + u" lacks "_s + target));
    QVERIFY(!box->isModal() || box->windowModality() != Qt::ApplicationModal);
    auto* open = box->findChild<QPushButton*>(u"openLink"_s);
    auto* copy = box->findChild<QPushButton*>(u"copyLink"_s);
    auto* cancel = box->findChild<QPushButton*>(u"cancelLink"_s);
    QVERIFY(copy);
    QVERIFY(cancel);
    QCOMPARE(open != nullptr, openable);
    if (!openable) {
        QVERIFY(box->text().contains(u"not opened"_s));
        QGuiApplication::clipboard()->setText(u"before"_s);
        copy->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), target);
        QTRY_VERIFY(!dialog());
        QCOMPARE(m_sink.opened, QList<QUrl>());
        return;
    }
    // Cancel opens nothing; a second click and Open opens exactly the target, once.
    cancel->click();
    QTRY_VERIFY(!dialog());
    QCOMPARE(m_sink.opened, QList<QUrl>());
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, linkPointInRow(label));
    QTRY_VERIFY(dialog());
    dialog()->findChild<QPushButton*>(u"openLink"_s)->click();
    QTRY_COMPARE(m_sink.opened.size(), 1);
    QCOMPARE(m_sink.opened.first(), QUrl(target));
}

void TestReplyLinks::clickInSelectionEditor()
{
    const QModelIndex idx = m_view->transcriptModel()->index(1);
    m_view->openSelectionEditor(idx);
    auto* browser = qobject_cast<QTextBrowser*>(m_view->selectionEditor());
    QVERIFY(browser);
    QVERIFY(!browser->openExternalLinks());
    for (const auto& [label, target, openable] :
         {std::tuple{u"local"_s, u"file:///etc/passwd"_s, false},
          std::tuple{u"custom"_s, u"myapp://do/evil"_s, false},
          std::tuple{u"web"_s, u"https://example.test/path?q=1&x=%C3%A9"_s, true}}) {
        QTextCursor c = browser->document()->find(label);
        QVERIFY(!c.isNull());
        c.setPosition(c.selectionStart() + 1);
        const QPoint at = browser->cursorRect(c).center();
        QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, at);
        QCoreApplication::processEvents();
        QCOMPARE(m_sink.opened, QList<QUrl>());
        QTRY_VERIFY2(dialog(), qPrintable(label));
        QMessageBox* box = dialog();
        QVERIFY(box->informativeText().contains(target));
        QCOMPARE(box->findChild<QPushButton*>(u"openLink"_s) != nullptr, openable);
        if (openable) {
            box->findChild<QPushButton*>(u"openLink"_s)->click();
            QTRY_COMPARE(m_sink.opened.size(), 1);
            QCOMPARE(m_sink.opened.first(), QUrl(target));
        } else {
            box->findChild<QPushButton*>(u"cancelLink"_s)->click();
        }
        QTRY_VERIFY(!dialog());
        // The editor may have closed when the dialog took focus: open it again for the next link.
        if (!m_view->selectionEditor())
            m_view->openSelectionEditor(idx);
        browser = qobject_cast<QTextBrowser*>(m_view->selectionEditor());
        QVERIFY(browser);
    }
    QCOMPARE(m_sink.opened.size(), 1);
}

QTEST_MAIN(TestReplyLinks)
#include "TestReplyLinks.moc"
