// MarkdownRenderer: turns message Markdown into QTextDocuments the transcript can paint. A message
// is cut into segments (prose chunks and fenced code blocks); each segment gets its own document,
// so a growing reply only re-renders its last segment, and code blocks can carry their own
// header (language label, Copy button) and monospace, syntax-coloured body.
#pragma once

#include <QList>
#include <QString>

class QFont;
class QPalette;

namespace anyrouter {

class SafeTextDocument;

struct MarkdownSegment
{
    enum class Kind
    {
        Prose,
        Code
    };
    Kind kind = Kind::Prose;
    QString text;     // prose: the Markdown to render; code: exactly the code (no fences)
    QString language; // code only, from the info string ("cpp", "python", ...)
    // Where the segment starts in the message (code: its first code line), for re-splitting a
    // growing message from its last segment only.
    qsizetype begin = 0;
    // A hard cut of one block into several segments: this one continues the previous segment's code
    // block (code texts concatenate to exactly the code), table (`text` repeats the header rows) or
    // paragraph.
    bool continued = false;
    bool startsMidLine = false; // cut inside a line longer than the cap
    QString fence;              // code: the opening fence ("```", "~~~~"), to resume inside the block
    QString tableHeader;        // prose cut inside a table: its header and delimiter rows
    bool operator==(const MarkdownSegment&) const = default;
};

class MarkdownRenderer
{
public:
    // Prose is cut at blank lines once a chunk passes this size (never inside a list, table or
    // code), which bounds what a growing reply re-parses per frame.
    static constexpr int ProseChunkChars = 1200;
    // Hard caps, so that no segment costs more than a few milliseconds to parse and lay out however
    // the reply is shaped: prose without blank lines and tables are cut at a line boundary, a line
    // longer than this at a space, tables every TableChunkRows rows, code blocks every CodeChunkLines
    // lines or CodeChunkChars.
    static constexpr int ProseHardChars = 2000;
    static constexpr int TableChunkRows = 40; // Qt lays tables out in more than linear time
    static constexpr int CodeChunkChars = 4000;
    static constexpr int CodeChunkLines = 120;

    static QList<MarkdownSegment> split(QStringView markdown);
    // The same as split(markdown) when `previous` is split() of a prefix of `markdown` (a growing
    // reply): keeps all but the last previous segment and re-splits from there, so a streaming frame
    // costs the size of the last segment, not of the reply. When the last segment holds no complete
    // line (the prefix may have ended inside the line that started it, e.g. a fence line "```pyt"),
    // the one before it is re-split too. `*kept` says how many were kept.
    static QList<MarkdownSegment> splitFrom(QStringView markdown, const QList<MarkdownSegment>& previous,
                                            int* kept = nullptr);
    // Only into a SafeTextDocument: a reply's Markdown never loads a file or URL (images become
    // "[image: alt]" links, stylesheets and background images are ignored).
    static void renderProse(SafeTextDocument* doc, const QString& markdown, const QFont& font);
    static void renderCode(SafeTextDocument* doc, const QString& code, const QString& language,
                           const QFont& mono, const QPalette& palette);
    // What "Copy message" puts on the clipboard: the rendered text without Markdown syntax.
    static QString toPlainText(const QString& markdown);
    static QString languageLabel(const QString& language);
};

} // namespace anyrouter
