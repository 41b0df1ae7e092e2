// MessageLayout: the transcript row's arithmetic without a widget — text width, wrapped-line and
// height estimates, where parts, the code Copy button and the action bar go, the status row and the
// row's total and clamped height. Expected values are worked out by hand from the constants.
#include "TestSupport.h"

#include "ui/chat/MessageLayout.h"

#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;
namespace ml = anyrouter::MessageLayout;

class TestMessageLayout : public QObject
{
    Q_OBJECT
private slots:
    void textWidth_data();
    void textWidth();
    void charsPerLine_data();
    void charsPerLine();
    void wrappedLines_data();
    void wrappedLines();
    void estimateRowHeight();
    void estimatePartHeight();
    void placeParts();
    void textAreaHeight();
    void codeCopyButtonSitsAtTheHeaderEnd();
    void actionBar();
    void statusRow();
    void rowHeightAndClamp();
    void keepRegion();
};

void TestMessageLayout::textWidth_data()
{
    QTest::addColumn<int>("rowWidth");
    QTest::addColumn<int>("expected");
    QTest::newRow("wide") << 800 << 800 - 2 * 16;
    QTest::newRow("exactly the floor") << 40 + 32 << 40;
    QTest::newRow("narrower than the margins") << 50 << 40;
    QTest::newRow("zero") << 0 << 40;
    QTest::newRow("negative") << -100 << 40;
}

void TestMessageLayout::textWidth()
{
    QFETCH(int, rowWidth);
    QFETCH(int, expected);
    QCOMPARE(ml::textWidth(rowWidth), expected);
}

void TestMessageLayout::charsPerLine_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("avg");
    QTest::addColumn<int>("expected");
    QTest::newRow("plain") << 700 << 7 << 100;
    QTest::newRow("rounded down") << 705 << 7 << 100;
    QTest::newRow("at least ten") << 30 << 7 << 10;
    QTest::newRow("zero char width counts as one") << 500 << 0 << 500;
    QTest::newRow("negative width") << -20 << 7 << 10;
}

void TestMessageLayout::charsPerLine()
{
    QFETCH(int, width);
    QFETCH(int, avg);
    QFETCH(int, expected);
    QCOMPARE(ml::charsPerLine(width, avg), expected);
}

void TestMessageLayout::wrappedLines_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("perLine");
    QTest::addColumn<qsizetype>("expected");
    QTest::newRow("empty is one line") << QString() << 10 << qsizetype(1);
    QTest::newRow("short") << u"hello"_s << 10 << qsizetype(1);
    QTest::newRow("exactly one line's worth wraps once") << u"0123456789"_s << 10 << qsizetype(2);
    QTest::newRow("twenty-five characters") << u"x"_s.repeated(25) << 10 << qsizetype(3);
    QTest::newRow("newlines") << u"a\nb\nc"_s << 10 << qsizetype(3);
    QTest::newRow("trailing newline adds a line") << u"a\n"_s << 10 << qsizetype(2);
    QTest::newRow("long line among short ones")
        << u"a\n"_s + u"y"_s.repeated(35) + u"\nb"_s << 10 << qsizetype(1 + 4 + 1);
    QTest::newRow("zero per line is taken as one") << u"abc"_s << 0 << qsizetype(4);
}

void TestMessageLayout::wrappedLines()
{
    QFETCH(QString, text);
    QFETCH(int, perLine);
    QFETCH(qsizetype, expected);
    QCOMPARE(ml::wrappedLines(text, perLine), expected);
}

void TestMessageLayout::estimateRowHeight()
{
    const ml::FontFigures f{14, 16, 7};
    // Row 232 wide: text 200, 28 characters a line. 60 characters + 1 newline: 1 + 2 + 1 = 4 lines.
    const QString content = u"x"_s.repeated(30) + u'\n' + u"y"_s.repeated(29);
    const int user = 2 * 10 + 14 + 6 + 4 * 16;
    QCOMPARE(ml::estimateRowHeight(content, false, 232, f), user);
    // A reply gets room for its stats line and action bar.
    QCOMPARE(ml::estimateRowHeight(content, true, 232, f), user + 2 * (14 + 6));
    // Empty: one line.
    QCOMPARE(ml::estimateRowHeight(QString(), false, 232, f), 2 * 10 + 14 + 6 + 16);
    // A huge reply never overflows into a negative height.
    const ml::FontFigures tall{14, 1'000'000, 1};
    QVERIFY(ml::estimateRowHeight(u"\n"_s.repeated(100'000), false, 232, tall) > 0);
}

void TestMessageLayout::estimatePartHeight()
{
    const ml::FontFigures f{14, 16, 8};
    const QString text = u"x"_s.repeated(50); // text width 400: 50 a line (code: 48)
    QCOMPARE(ml::estimatePartHeight(text, false, false, 400, f), 2 * (16 + 2));
    QCOMPARE(ml::estimatePartHeight(u"x"_s.repeated(49), false, false, 400, f), 1 * (16 + 2));
    QCOMPARE(ml::estimatePartHeight(text, false, true, 400, f), 2 * (16 + 11)); // table rows
    QCOMPARE(ml::estimatePartHeight(u"x"_s.repeated(47), true, false, 400, f), 1 * 16 + 16);
    QCOMPARE(ml::estimatePartHeight(u"x"_s.repeated(48), true, false, 400, f), 2 * 16 + 16);
    QCOMPARE(ml::estimatePartHeight(u"a\nb\nc"_s, true, false, 400, f), 3 * 16 + 16);
}

void TestMessageLayout::placeParts()
{
    // prose (30) | code block: header + 40 | its continuation (50, no gap) | prose (10)
    const QList<ml::PartInput> parts = {
        {false, false, 30}, {false, true, 40}, {true, false, 50}, {false, false, 10}};
    const int header = ml::codeHeaderHeight(12);
    QCOMPARE(header, 12 + 2 * 4);
    QList<ml::PartPlacement> out;
    const int h = ml::placeParts(parts, 100, 300, header, &out);
    QCOMPARE(out.size(), 4);
    QCOMPARE(out[0].rect, QRect(16, 100, 300, 30));
    QCOMPARE(out[0].docPos, QPoint(16, 100));
    QCOMPARE(out[1].rect, QRect(16, 100 + 30 + 6, 300, header + 40));
    QCOMPARE(out[1].docPos, QPoint(16, 136 + header));
    QCOMPARE(out[2].rect, QRect(16, 136 + header + 40, 300, 50)); // glued to the block above
    QCOMPARE(out[2].docPos, out[2].rect.topLeft());
    QCOMPARE(out[3].rect.top(), out[2].rect.top() + 50 + 6);
    QCOMPARE(h, 30 + 6 + header + 40 + 50 + 6 + 10);
    QCOMPARE(out[3].rect.bottom() + 1, 100 + h);
    // None: nothing placed, no height; a stale list is cleared.
    QCOMPARE(ml::placeParts({}, 100, 300, header, &out), 0);
    QVERIFY(out.isEmpty());
    QCOMPARE(ml::placeParts(parts, 0, 300, header, nullptr), h);
}

void TestMessageLayout::textAreaHeight()
{
    QCOMPARE(ml::textAreaHeight(120, true, true, 17), 120);
    QCOMPARE(ml::textAreaHeight(120, true, false, 17), 120);
    QCOMPARE(ml::textAreaHeight(0, false, true, 17), 17); // room for "●●●"
    QCOMPARE(ml::textAreaHeight(0, false, false, 17), 0);
}

void TestMessageLayout::codeCopyButtonSitsAtTheHeaderEnd()
{
    const int header = ml::codeHeaderHeight(12);
    const QRect part(16, 200, 300, header + 40);
    const QRect button = ml::codeCopyButton(part, 300, 30, header);
    QCOMPARE(button.width(), 30 + 16);
    QCOMPARE(button.right() + 1, 16 + 300 - 4); // 4 px from the box's right edge
    QCOMPARE(button.top(), 202);
    QCOMPARE(button.height(), header - 4);
    QVERIFY(part.contains(button));
    QVERIFY(button.bottom() < part.top() + header); // inside the header, not over the code
}

void TestMessageLayout::actionBar()
{
    // ‹  2/3  ›  Edit  Copy: the "2/3" text gets less padding than the buttons.
    const QList<QRect> rects = ml::actionBar({6, 20, 6, 24, 30}, {false, true, false, false, false}, 300, 18);
    QCOMPARE(rects.size(), 5);
    QCOMPARE(rects[0], QRect(16, 300, 6 + 16, 18));
    QCOMPARE(rects[1], QRect(16 + 22 + 4, 300, 20 + 6, 18));
    QCOMPARE(rects[2].left(), rects[1].right() + 1 + 4);
    QCOMPARE(rects[4].width(), 30 + 16);
    for (qsizetype i = 1; i < rects.size(); ++i)
        QVERIFY(rects[i].left() > rects[i - 1].right()); // never overlapping
    QCOMPARE(ml::actionBarHeight(12), 18);
    QVERIFY(ml::actionBar({}, {}, 0, 18).isEmpty());
    // Fewer isText flags than labels: the rest are buttons.
    QCOMPARE(ml::actionBar({10, 10}, {true}, 0, 18)[1].width(), 10 + 16);
}

void TestMessageLayout::statusRow()
{
    QCOMPARE(ml::badgeWidth(40), 54);
    QCOMPARE(ml::statusTextWidth(300, 40), 300 - 54 - 8);
    QCOMPARE(ml::statusRowHeight(12, 0), 16);  // no error text: one padded small line
    QCOMPARE(ml::statusRowHeight(12, 36), 40); // three wrapped lines
}

void TestMessageLayout::rowHeightAndClamp()
{
    // The last row inside ended at y with a trailing gap; that gap becomes the bottom margin.
    QCOMPARE(ml::rowHeight(10 + 14 + 6), 10 + 14 + 10);
    QCOMPARE(ml::clampedRowHeight(500), 500);
    QCOMPARE(ml::clampedRowHeight(32767), 32767);
    QCOMPARE(ml::clampedRowHeight(1'000'000), 32767);
}

void TestMessageLayout::keepRegion()
{
    const QRect visible(0, 1000, 400, 300);
    QCOMPARE(ml::keepRegion(visible, 0), QRect(0, 700, 400, 900));
    QCOMPARE(ml::keepRegion(visible, 200), QRect(0, 500, 400, 1300));
}

QTEST_GUILESS_MAIN(TestMessageLayout)
#include "TestMessageLayout.moc"
