// MessageLayout: the arithmetic of a transcript row, from numbers alone — margins and gaps, the text
// width a row leaves, cheap height estimates for rows and segments never rendered, where each part
// (prose, a code block with its header, the rest of a cut code block) sits, the code header's Copy
// button, the action bar, the status and stats rows and the row's total height. MessageDelegate
// measures fonts and documents and asks here where things go; tests check the sums without a widget.
#pragma once

#include <QList>
#include <QPoint>
#include <QRect>
#include <QStringView>

namespace anyrouter::MessageLayout {

inline constexpr int MarginX = 16;             // left/right padding of a row
inline constexpr int MarginY = 10;             // top/bottom padding of a row
inline constexpr int Gap = 6;                  // between the rows inside a message
inline constexpr int CodeHeaderPad = 4;        // above and below the code header's label
inline constexpr int MaxViewRowHeight = 32767; // QListView keeps item heights in a short
inline constexpr int MinTextWidth = 40;
inline constexpr int MinCharsPerLine = 10;
inline constexpr int ActionSpacing = 4;    // between two buttons of the action bar
inline constexpr int ButtonPadding = 16;   // around a button's label (8 each side)
inline constexpr int TextLabelPadding = 6; // around the "2/3" version text
inline constexpr int CodeIndent = 16;      // a code block's document is narrower by this
inline constexpr int CodeBoxPadding = 16;  // a code block's box is taller than its lines by this
inline constexpr int ProseLineExtra = 2;   // paragraph spacing per estimated prose line
inline constexpr int TableLineExtra = 11;  // cell padding per estimated table line
inline constexpr int BadgePadding = 14;    // around the status badge's word
inline constexpr int BadgeTextSpacing = 8; // between the badge and the error text
inline constexpr int StatusPadding = 4;    // the status row is this much taller than its text

// The width a row's text gets.
int textWidth(int rowWidth);
// How many average characters fit on a line of `width` pixels (never fewer than MinCharsPerLine).
int charsPerLine(int width, int averageCharWidth);
// Lines `text` takes when every source line wraps after `perLine` characters.
qsizetype wrappedLines(QStringView text, int perLine);

// Font figures an estimate needs.
struct FontFigures
{
    int height = 0;
    int lineSpacing = 0;
    int averageCharWidth = 0;
};

// A row never laid out: header, its wrapped content, and for replies room for stats and actions.
int estimateRowHeight(QStringView content, bool assistant, int rowWidth, const FontFigures& font);
// A segment whose document is not rendered yet (`font` is the monospace one for code).
int estimatePartHeight(QStringView text, bool code, bool table, int textWidth, const FontFigures& font);

// The header above a code block: its label in the small font, padded.
int codeHeaderHeight(int smallFontHeight);

// One part of a message's content, in order.
struct PartInput
{
    bool continued = false;  // the rest of a segment cut above: no gap before it
    bool codeHeader = false; // a code block's first segment: a header above its document
    int docHeight = 0;
};
struct PartPlacement
{
    QRect rect;    // the whole part, header included, relative to the row
    QPoint docPos; // where its document is drawn
};
// Places the parts from `top` down; returns their total height (0 for none).
int placeParts(const QList<PartInput>& parts, int top, int textWidth, int codeHeaderHeight,
               QList<PartPlacement>* out);
// Height of the text area: the parts, else one line for the "●●●" of a reply still to come.
int textAreaHeight(int partsHeight, bool hasParts, bool streaming, int lineSpacing);

// The Copy button at the right end of a code block's header.
QRect codeCopyButton(const QRect& partRect, int textWidth, int labelWidth, int codeHeaderHeight);

// The action bar's buttons from the left, at `top`: labelWidths[i] is the advance of button i's
// label; isText[i] marks the "2/3" text (narrower padding). All get `height`.
QList<QRect> actionBar(const QList<int>& labelWidths, const QList<bool>& isText, int top, int height);
int actionBarHeight(int smallFontHeight);

// The status row (badge + error text): at least one padded small line.
int badgeWidth(int badgeTextWidth);
int statusTextWidth(int textWidth, int badgeTextWidth); // what the error text may wrap in
int statusRowHeight(int smallFontHeight, int statusTextHeight);

// The row's height when the last row inside it ended at `y` (its trailing gap becomes the margin).
int rowHeight(int y);
// What QListView makes of it.
int clampedRowHeight(int height);

// The region whose rendered documents are kept: the visible part and `extra` above and below.
QRect keepRegion(const QRect& visible, int extra);

} // namespace anyrouter::MessageLayout
