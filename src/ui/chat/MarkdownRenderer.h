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
    QString text;     // prose: the Markdown source; code: exactly the code (no fences)
    QString language; // code only, from the info string ("cpp", "python", ...)
    bool operator==(const MarkdownSegment&) const = default;
};

class MarkdownRenderer
{
public:
    // Prose is cut at blank lines once a chunk passes this size (never inside a list, table or
    // code), which bounds what a growing reply re-parses per frame.
    static constexpr int ProseChunkChars = 1200;

    static QList<MarkdownSegment> split(QStringView markdown);
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
