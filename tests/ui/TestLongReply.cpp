// A very long reply (issue 9, item 5) opens and scrolls without rendering it whole: the splitter
// bounds every segment whatever the reply's shape (prose with or without blank lines, one paragraph
// without a newline, a giant code block, a giant table), re-splitting a growing reply from its tail
// gives the same segments as splitting it whole, one paint renders a bounded amount of Markdown,
// heights converge in the background and scrolling to the end shows the last line. Deterministic:
// counts of characters and documents, never wall-clock time.
#include "TestSupport.h"
#include "TranscriptHarness.h"

#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "ui/chat/MarkdownRenderer.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QApplication>
#include <QClipboard>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QString kLastLine = u"THE LAST LINE"_s;

QString longReply(const QString& kind, qsizetype chars)
{
    static const QString sentence = u"The gateway picks a provider by price, latency and uptime, and "
                                    u"falls back when one fails; **sticky routing** keeps `cache` warm. "_s;
    QString s;
    int i = 0;
    if (kind == u"code"_s)
        s += u"```python\n"_s;
    if (kind == u"table"_s)
        s += u"| # | provider | price |\n|---:|---|---:|\n"_s;
    while (s.size() < chars) {
        ++i;
        if (kind == u"prose"_s)
            s += sentence + sentence + u"\n\n"_s;
        else if (kind == u"lines"_s)
            s += sentence + u'\n';
        else if (kind == u"paragraph"_s)
            s += sentence;
        else if (kind == u"code"_s)
            s += u"    result_%1 = ask(\"prompt %1\")  # one request\n"_s.arg(i);
        else
            s += u"| %1 | openai | $0.15 |\n"_s.arg(i);
    }
    if (kind == u"code"_s)
        s += u"```\n"_s;
    s += u"\n\n"_s + kLastLine;
    return s;
}

// The most Markdown one segment may hold: twice the prose cap (a list is cut only there), plus a
// repeated table header.
constexpr int kMaxSegmentChars = 2 * MarkdownRenderer::ProseHardChars + 200;

} // namespace

class TestLongReply : public QObject, private test::TranscriptHarness
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void segmentsAreBounded_data();
    void segmentsAreBounded();
    void growingReplyResplitsTheTailOnly_data();
    void growingReplyResplitsTheTailOnly();
    void streamCutInsideALineResplitsLikeWhole_data();
    void streamCutInsideALineResplitsLikeWhole();
    void onePaintRendersABoundedAmount_data();
    void onePaintRendersABoundedAmount();
    void copyOfACutCodeBlockIsTheWholeBlock();
    void selectionEditorOfALongReplyHoldsWhatIsOnScreen();

private:
    QModelIndex openReply(const QString& reply);

    QTemporaryDir m_dir;
    int m_counter = 0;
};

void TestLongReply::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
}

void TestLongReply::init()
{
    QString error;
    QVERIFY2(openTranscript(m_dir.filePath(u"r%1.sqlite"_s.arg(++m_counter)), QSize(900, 700), &error),
             qPrintable(error));
}

void TestLongReply::cleanup()
{
    closeTranscript();
}

QModelIndex TestLongReply::openReply(const QString& reply)
{
    Conversation c;
    c.model = u"openai/gpt-5.4-mini"_s;
    if (!m_store->createConversation(c))
        return {};
    Message u;
    u.conversationId = c.id;
    u.content = u"Write a lot"_s;
    m_store->insertMessage(u);
    Message a;
    a.conversationId = c.id;
    a.parentId = u.id;
    a.role = MessageRole::Assistant;
    a.content = reply;
    m_store->insertMessage(a);
    m_view->messageDelegate()->resetRenderStats();
    if (!m_session->open(c.id))
        return {};
    return m_view->transcriptModel()->index(1);
}

void TestLongReply::segmentsAreBounded_data()
{
    QTest::addColumn<QString>("kind");
    for (const char* k : {"prose", "lines", "paragraph", "code", "table"})
        QTest::newRow(k) << QString::fromLatin1(k);
}

void TestLongReply::segmentsAreBounded()
{
    QFETCH(QString, kind);
    const QString reply = longReply(kind, 5 * 1024 * 1024);
    const QList<MarkdownSegment> segs = MarkdownRenderer::split(reply);
    QVERIFY(segs.size() > 100);
    QString code;
    for (const MarkdownSegment& s : segs) {
        QVERIFY2(s.text.size() <= kMaxSegmentChars, qPrintable(QString::number(s.text.size())));
        if (s.kind == MarkdownSegment::Kind::Code)
            code += s.text;
        if (kind == u"table"_s && s.kind == MarkdownSegment::Kind::Prose && !s.text.contains(kLastLine))
            QVERIFY2(s.text.startsWith(u"| # | provider | price |\n|---:|---|---:|\n"_s),
                     "every cut repeats the header");
    }
    QVERIFY(segs.last().text.contains(kLastLine));
    if (kind == u"code"_s) {
        const qsizetype from = reply.indexOf(u'\n') + 1;
        const qsizetype to = reply.lastIndexOf(u"\n```"_s);
        QCOMPARE(code, reply.mid(from, to - from));
    }
}

void TestLongReply::growingReplyResplitsTheTailOnly_data()
{
    segmentsAreBounded_data();
}

void TestLongReply::growingReplyResplitsTheTailOnly()
{
    // A streaming reply grows by random deltas; re-splitting from the last segment each "frame" must
    // give exactly what splitting the whole text gives, and keep all earlier segments (but the one
    // before the last when the last holds no complete line).
    QFETCH(QString, kind);
    const QString reply =
        longReply(kind, 200 * 1024) + u"\n\n```cpp\nint x;\n"_s + longReply(u"table"_s, 30000);
    QRandomGenerator rng(42);
    QList<MarkdownSegment> segs;
    qsizetype at = 0;
    int frames = 0;
    while (at < reply.size()) {
        at = qMin(reply.size(), at + 1 + qsizetype(rng.bounded(9000)));
        int kept = -1;
        const QList<MarkdownSegment> next =
            MarkdownRenderer::splitFrom(QStringView(reply).left(at), segs, &kept);
        // All but the last, or the last two when the frame ended inside the line that started the last.
        QVERIFY2(kept >= qMax(0, int(segs.size()) - 2) && kept <= qMax(0, int(segs.size()) - 1),
                 qPrintable(u"kept %1 of %2"_s.arg(kept).arg(segs.size())));
        for (int i = 0; i < kept; ++i)
            QCOMPARE(next.at(i), segs.at(i));
        segs = next;
        ++frames;
        if (frames % 10 == 0 || at == reply.size())
            QCOMPARE(segs, MarkdownRenderer::split(QStringView(reply).left(at)));
    }
    QVERIFY(frames > 20);
}

void TestLongReply::streamCutInsideALineResplitsLikeWhole_data()
{
    // A delta may end anywhere in a line, e.g. inside a code fence's opening line ("```pyt" then
    // "hon\n..."): what splitFrom() made of the incomplete line must not be trusted.
    QTest::addColumn<QString>("reply");
    QTest::addColumn<QList<int>>("cuts"); // the reply's length as it grows, ending with the whole
    const QString pyt = u"```python\ncode\n```"_s;
    QTest::newRow("fence line split") << pyt << QList<int>{6, int(pyt.size())};
    // Found by FuzzMarkdown (tests/fuzz/corpus/markdown/fence-line-split).
    const QString fuzz = u"Before\n\n```<img src=\"file:///dev/zero\">p<"_s;
    QTest::newRow("fuzz fence-line-split") << fuzz << QList<int>{7, 30, 34, 41};
    const QString bare = u"intro\n\n```python\nx = 1\n```\nafter\n"_s;
    QTest::newRow("cut right after the backticks") << bare << QList<int>{10, 11, int(bare.size())};
    const QString closing = u"```py\ncode\n```\nafter\n"_s;
    QTest::newRow("cut inside the closing fence") << closing << QList<int>{13, 14, int(closing.size())};
    const QString becomes = u"text\n\n``` a`b\nmore\n"_s;
    QTest::newRow("fence line that grows") << becomes << QList<int>{9, 12, int(becomes.size())};
    QString chunked = u"```\n"_s;
    for (int i = 0; i < MarkdownRenderer::CodeChunkLines; ++i)
        chunked += u"line\n"_s;
    const int closeAt = int(chunked.size());
    chunked += u"```\nafter\n"_s;
    QTest::newRow("closing fence of a cut code block")
        << chunked << QList<int>{closeAt + 2, int(chunked.size())};
}

void TestLongReply::streamCutInsideALineResplitsLikeWhole()
{
    QFETCH(QString, reply);
    QFETCH(QList<int>, cuts);
    QCOMPARE(cuts.last(), int(reply.size()));
    // The given deltas, as the fuzz harness replays them.
    QList<MarkdownSegment> segs = MarkdownRenderer::split(QStringView(reply).left(cuts.front()));
    for (qsizetype i = 1; i < cuts.size(); ++i) {
        const QStringView text = QStringView(reply).left(cuts[i]);
        segs = MarkdownRenderer::splitFrom(text, segs);
        QCOMPARE(segs, MarkdownRenderer::split(text));
    }
    // And every single cut.
    const QList<MarkdownSegment> whole = MarkdownRenderer::split(reply);
    for (qsizetype k = 1; k < reply.size(); ++k) {
        const QList<MarkdownSegment> grown =
            MarkdownRenderer::splitFrom(reply, MarkdownRenderer::split(QStringView(reply).left(k)));
        QVERIFY2(grown == whole, qPrintable(u"cut at %1"_s.arg(k)));
    }
}

void TestLongReply::onePaintRendersABoundedAmount_data()
{
    segmentsAreBounded_data();
}

void TestLongReply::onePaintRendersABoundedAmount()
{
    QFETCH(QString, kind);
    const QString reply = longReply(kind, 5 * 1024 * 1024);
    const QModelIndex idx = openReply(reply);
    QVERIFY(idx.isValid());
    MessageDelegate* d = m_view->messageDelegate();
    // The first paint (the view opens at the bottom of the reply) renders about one screenful.
    m_view->viewport()->repaint();
    const auto* layout = d->layoutFor(idx);
    QVERIFY(layout);
    qint64 withDocs = 0;
    for (const auto& p : layout->parts)
        withDocs += p.doc ? p.segment.text.size() : 0;
    QVERIFY2(withDocs <= MessageDelegate::PaintBudgetChars + kMaxSegmentChars,
             qPrintable(QString::number(withDocs)));
    QVERIFY2(d->renderedChars() <= MessageDelegate::PaintBudgetChars + kMaxSegmentChars,
             qPrintable(QString::number(d->renderedChars())));
    QVERIFY(d->pendingParts() > 0); // the rest is measured in the background...
    QTRY_COMPARE_WITH_TIMEOUT(d->pendingParts(), 0,
                              120000 * ANYROUTER_TEST_TIME_SCALE); // ...until every height is exact
    // Documents are kept only near the viewport, not for the whole reply.
    int docs = 0;
    for (const auto& p : d->layoutFor(idx)->parts)
        docs += p.doc ? 1 : 0;
    QVERIFY2(docs <= MessageDelegate::MaxDocsPerRow, qPrintable(QString::number(docs)));
    // Scrolled to the end, the last line is on screen.
    m_view->scrollToBottom();
    // (QListView clamps an item's rect to 32767 px high; its top and the scroll range are exact.)
    QTRY_COMPARE(m_view->visualRect(idx).height(), qMin(d->layoutFor(idx)->height, 32767));
    m_view->scrollToBottom();
    m_view->viewport()->repaint();
    layout = d->layoutFor(idx);
    const auto& last = layout->parts.back();
    QVERIFY2(last.doc, qPrintable(u"bar %1/%2 row top %3 height %4 last part %5"_s
                                      .arg(m_view->verticalScrollBar()->value())
                                      .arg(m_view->verticalScrollBar()->maximum())
                                      .arg(m_view->visualRect(idx).top())
                                      .arg(layout->height)
                                      .arg(last.rect.top())));
    QVERIFY(last.doc->toPlainText().contains(kLastLine));
    const QRect lastOnScreen = last.rect.translated(m_view->visualRect(idx).topLeft());
    QVERIFY2(m_view->viewport()->rect().intersects(lastOnScreen), "the last line is in view");
    // And the top shows the first words.
    m_view->scrollToTop();
    m_view->viewport()->repaint();
    QVERIFY(d->layoutFor(idx)->parts.front().doc);
}

void TestLongReply::copyOfACutCodeBlockIsTheWholeBlock()
{
    QString code;
    for (int i = 0; i < 1000; ++i)
        code += u"line_%1 = %1  # a comment\n"_s.arg(i);
    code += u"end = True"_s;
    const QModelIndex idx = openReply(u"Here:\n\n```python\n"_s + code + u"\n```\n\nDone."_s);
    QVERIFY(idx.isValid());
    MessageDelegate* d = m_view->messageDelegate();
    const auto* layout = d->layoutFor(idx);
    int codeParts = 0;
    for (const auto& p : layout->parts)
        codeParts += p.segment.kind == MarkdownSegment::Kind::Code ? 1 : 0;
    QVERIFY(codeParts > 2);
    m_view->scrollTo(idx, QAbstractItemView::PositionAtTop);
    QGuiApplication::clipboard()->setText(u"before"_s);
    QRect r;
    QVERIFY(QTest::qWaitFor([&] {
        r = d->actionRect(idx, MessageDelegate::ActionKind::CopyCode, 1);
        return r.isValid() && m_view->viewport()->rect().contains(r) && m_view->indexAt(r.center()) == idx;
    }));
    QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, r.center());
    QCOMPARE(QGuiApplication::clipboard()->text(), code);
}

void TestLongReply::selectionEditorOfALongReplyHoldsWhatIsOnScreen()
{
    // Clicking into a 5 MB reply opens the selectable-text editor; it must not parse 5 MB.
    const QModelIndex idx = openReply(longReply(u"prose"_s, 5 * 1024 * 1024));
    QVERIFY(idx.isValid());
    // Opened at the bottom: wait until the end is painted.
    QTRY_VERIFY(m_view->messageDelegate()->layoutFor(idx)->parts.back().doc != nullptr);
    m_view->openSelectionEditor(idx);
    auto* browser = qobject_cast<QTextBrowser*>(m_view->selectionEditor());
    QVERIFY(browser);
    const QString text = browser->toPlainText();
    QVERIFY2(text.size() < 40000, qPrintable(QString::number(text.size())));
    QVERIFY(text.contains(kLastLine)); // it opened at the bottom: the editor shows the end
    QVERIFY(m_view->viewport()->rect().intersects(browser->geometry()));
}

QTEST_MAIN(TestLongReply)
#include "TestLongReply.moc"
