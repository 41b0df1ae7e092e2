// MessageLayout: see the header. Every rect is relative to the row's top-left, so a laid-out row
// stays valid when rows above it change height.
#include "ui/chat/MessageLayout.h"

#include <QtGlobal>

#include <limits>

namespace anyrouter::MessageLayout {

int textWidth(int rowWidth)
{
    return qMax(MinTextWidth, rowWidth - 2 * MarginX);
}

int charsPerLine(int width, int averageCharWidth)
{
    return qMax(MinCharsPerLine, width / qMax(1, averageCharWidth));
}

qsizetype wrappedLines(QStringView text, int perLine)
{
    perLine = qMax(1, perLine);
    qsizetype lines = 0;
    qsizetype from = 0;
    while (from <= text.size()) {
        qsizetype nl = text.indexOf(u'\n', from);
        if (nl < 0)
            nl = text.size();
        lines += 1 + (nl - from) / perLine;
        from = nl + 1;
    }
    return lines;
}

int estimateRowHeight(QStringView content, bool assistant, int rowWidth, const FontFigures& font)
{
    // Cheap on purpose (the view asks for every row): newlines plus one wrap per line's worth of
    // characters, not a walk over each line.
    const int perLine = charsPerLine(textWidth(rowWidth), font.averageCharWidth);
    const qsizetype lines = content.count(u'\n') + content.size() / perLine + 1;
    const qint64 h = 2 * MarginY + font.height + Gap + qint64(lines) * font.lineSpacing +
                     (assistant ? 2 * (font.height + Gap) : 0);
    return int(qMin<qint64>(h, std::numeric_limits<int>::max()));
}

int estimatePartHeight(QStringView text, bool code, bool table, int textWidth, const FontFigures& font)
{
    // Roughly right: a wrong estimate only costs a height correction when the part is measured.
    const int perLine = charsPerLine(textWidth - (code ? CodeIndent : 0), font.averageCharWidth);
    const qint64 lines = wrappedLines(text, perLine);
    const qint64 h = code ? lines * font.lineSpacing + CodeBoxPadding
                          : lines * (font.lineSpacing + (table ? TableLineExtra : ProseLineExtra));
    return int(qMin<qint64>(h, std::numeric_limits<int>::max()));
}

int codeHeaderHeight(int smallFontHeight)
{
    return smallFontHeight + 2 * CodeHeaderPad;
}

int placeParts(const QList<PartInput>& parts, int top, int textWidth, int codeHeaderHeight,
               QList<PartPlacement>* out)
{
    if (out) {
        out->clear();
        out->reserve(parts.size());
    }
    int y = top;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const PartInput& p = parts.at(i);
        if (i > 0 && !p.continued)
            y += Gap;
        const int header = p.codeHeader ? codeHeaderHeight : 0;
        if (out)
            out->append({QRect(MarginX, y, textWidth, header + p.docHeight), QPoint(MarginX, y + header)});
        y += header + p.docHeight;
    }
    return y - top;
}

int textAreaHeight(int partsHeight, bool hasParts, bool streaming, int lineSpacing)
{
    if (hasParts)
        return partsHeight;
    return streaming ? lineSpacing : 0;
}

QRect codeCopyButton(const QRect& partRect, int textWidth, int labelWidth, int codeHeaderHeight)
{
    const int w = labelWidth + ButtonPadding;
    return QRect(MarginX + textWidth - w - 4, partRect.top() + 2, w, codeHeaderHeight - 4);
}

QList<QRect> actionBar(const QList<int>& labelWidths, const QList<bool>& isText, int top, int height)
{
    QList<QRect> out;
    out.reserve(labelWidths.size());
    int x = MarginX;
    for (qsizetype i = 0; i < labelWidths.size(); ++i) {
        const bool text = i < isText.size() && isText.at(i);
        const int w = labelWidths.at(i) + (text ? TextLabelPadding : ButtonPadding);
        out.append(QRect(x, top, w, height));
        x += w + ActionSpacing;
    }
    return out;
}

int actionBarHeight(int smallFontHeight)
{
    return smallFontHeight + 6;
}

int badgeWidth(int badgeTextWidth)
{
    return badgeTextWidth + BadgePadding;
}

int statusTextWidth(int textWidth, int badgeTextWidth)
{
    return textWidth - badgeWidth(badgeTextWidth) - BadgeTextSpacing;
}

int statusRowHeight(int smallFontHeight, int statusTextHeight)
{
    return qMax(smallFontHeight, statusTextHeight) + StatusPadding;
}

int rowHeight(int y)
{
    return y - Gap + MarginY;
}

int clampedRowHeight(int height)
{
    return qMin(height, MaxViewRowHeight);
}

QRect keepRegion(const QRect& visible, int extra)
{
    return visible.adjusted(0, -visible.height() - extra, 0, visible.height() + extra);
}

} // namespace anyrouter::MessageLayout
