// MarkdownRenderer: see the header. Syntax colouring is a small hand-written tokenizer (keywords,
// strings, comments, numbers) for the languages replies use most; unknown languages stay plain.
#include "ui/chat/MarkdownRenderer.h"

#include "ui/chat/SafeTextDocument.h"
#include "ui/common/Palette.h"

#include <QFont>
#include <QPalette>
#include <QSet>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

bool isFence(QStringView line, QChar* fenceChar, int* fenceLen, QStringView* info)
{
    int i = 0;
    while (i < line.size() && i < 4 && line.at(i) == u' ')
        ++i;
    if (i > 3 || i >= line.size())
        return false;
    const QChar c = line.at(i);
    if (c != u'`' && c != u'~')
        return false;
    int n = 0;
    while (i + n < line.size() && line.at(i + n) == c)
        ++n;
    if (n < 3)
        return false;
    *fenceChar = c;
    *fenceLen = n;
    *info = line.mid(i + n).trimmed();
    return true;
}

// A line that continues a block across a blank line: splitting before it would change the meaning.
bool continuesBlock(QStringView line)
{
    if (line.startsWith(u' ') || line.startsWith(u'\t'))
        return true;
    const QStringView t = line.trimmed();
    if (t.startsWith(u"- "_s) || t.startsWith(u"* "_s) || t.startsWith(u"+ "_s))
        return true;
    int d = 0;
    while (d < t.size() && t.at(d).isDigit())
        ++d;
    return d > 0 && d < t.size() && (t.at(d) == u'.' || t.at(d) == u')');
}

struct Rules
{
    QSet<QString> keywords;
    QString lineComment; // "//", "#"
    bool blockComments = false;
};

Rules rulesFor(const QString& lang)
{
    Rules r;
    const QString l = lang.toLower();
    if (l == u"c"_s || l == u"cpp"_s || l == u"c++"_s || l == u"h"_s || l == u"hpp"_s || l == u"cc"_s) {
        r.lineComment = u"//"_s;
        r.blockComments = true;
        for (const char* k :
             {"auto",      "bool",      "break",   "case",      "char",  "class",   "const",
              "constexpr", "continue",  "default", "delete",    "do",    "double",  "else",
              "enum",      "explicit",  "false",   "float",     "for",   "if",      "include",
              "inline",    "int",       "long",    "namespace", "new",   "nullptr", "override",
              "private",   "protected", "public",  "return",    "short", "signed",  "sizeof",
              "static",    "struct",    "switch",  "template",  "this",  "true",    "typename",
              "unsigned",  "using",     "virtual", "void",      "while", "define",  "pragma"})
            r.keywords.insert(QString::fromLatin1(k));
    } else if (l == u"python"_s || l == u"py"_s) {
        r.lineComment = u"#"_s;
        for (const char* k :
             {"and",   "as",     "assert", "async",  "await",  "break",   "class", "continue", "def",
              "del",   "elif",   "else",   "except", "False",  "finally", "for",   "from",     "global",
              "if",    "import", "in",     "is",     "lambda", "None",    "not",   "or",       "pass",
              "raise", "return", "True",   "try",    "while",  "with",    "yield", "self"})
            r.keywords.insert(QString::fromLatin1(k));
    } else if (l == u"js"_s || l == u"javascript"_s || l == u"ts"_s || l == u"typescript"_s ||
               l == u"jsx"_s || l == u"tsx"_s) {
        r.lineComment = u"//"_s;
        r.blockComments = true;
        for (const char* k : {"async",    "await",      "break",     "case",  "catch",    "class",  "const",
                              "continue", "default",    "delete",    "do",    "else",     "export", "extends",
                              "false",    "finally",    "for",       "from",  "function", "if",     "import",
                              "in",       "instanceof", "interface", "let",   "new",      "null",   "of",
                              "return",   "switch",     "this",      "throw", "true",     "try",    "type",
                              "typeof",   "undefined",  "var",       "void",  "while",    "yield"})
            r.keywords.insert(QString::fromLatin1(k));
    } else if (l == u"json"_s) {
        for (const char* k : {"true", "false", "null"})
            r.keywords.insert(QString::fromLatin1(k));
    } else if (l == u"bash"_s || l == u"sh"_s || l == u"shell"_s || l == u"zsh"_s || l == u"console"_s) {
        r.lineComment = u"#"_s;
        for (const char* k :
             {"if",   "then", "else",     "elif",   "fi",     "for",   "in",   "do", "done", "while",
              "case", "esac", "function", "return", "export", "local", "echo", "cd", "set",  "sudo"})
            r.keywords.insert(QString::fromLatin1(k));
    }
    return r;
}

void highlight(QTextDocument* doc, const QString& code, const Rules& rules, const QPalette& pal)
{
    if (rules.keywords.isEmpty())
        return;
    using palette::Role;
    QTextCharFormat kw, str, com, num;
    kw.setForeground(palette::color(Role::CodeKeyword, pal));
    kw.setFontWeight(QFont::DemiBold);
    str.setForeground(palette::color(Role::CodeString, pal));
    com.setForeground(palette::color(Role::CodeComment, pal));
    com.setFontItalic(true);
    num.setForeground(palette::color(Role::CodeNumber, pal));
    QTextCursor cur(doc);
    auto apply = [&](qsizetype from, qsizetype to, const QTextCharFormat& f) {
        cur.setPosition(int(from));
        cur.setPosition(int(to), QTextCursor::KeepAnchor);
        cur.mergeCharFormat(f);
    };
    const qsizetype n = code.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = code.at(i);
        if (!rules.lineComment.isEmpty() && QStringView(code).mid(i).startsWith(rules.lineComment)) {
            qsizetype e = code.indexOf(u'\n', i);
            e = e < 0 ? n : e;
            apply(i, e, com);
            i = e;
        } else if (rules.blockComments && QStringView(code).mid(i).startsWith(u"/*"_s)) {
            qsizetype e = code.indexOf(u"*/"_s, i + 2);
            e = e < 0 ? n : e + 2;
            apply(i, e, com);
            i = e;
        } else if (c == u'"' || c == u'\'' || c == u'`') {
            qsizetype e = i + 1;
            while (e < n && code.at(e) != c && code.at(e) != u'\n')
                e += code.at(e) == u'\\' ? 2 : 1;
            e = qMin(n, e + 1);
            apply(i, e, str);
            i = e;
        } else if (c.isDigit() && (i == 0 || !code.at(i - 1).isLetterOrNumber())) {
            qsizetype e = i;
            while (e < n && (code.at(e).isLetterOrNumber() || code.at(e) == u'.'))
                ++e;
            apply(i, e, num);
            i = e;
        } else if (c.isLetter() || c == u'_') {
            qsizetype e = i;
            while (e < n && (code.at(e).isLetterOrNumber() || code.at(e) == u'_'))
                ++e;
            if (rules.keywords.contains(code.mid(i, e - i)))
                apply(i, e, kw);
            i = e;
        } else {
            ++i;
        }
    }
}

} // namespace

namespace {

bool isTableDelimiter(QStringView line)
{
    const QStringView t = line.trimmed();
    if (t.size() < 3 || !t.contains(u'-'))
        return false;
    for (QChar c : t) {
        if (c != u'|' && c != u'-' && c != u':' && c != u' ' && c != u'\t')
            return false;
    }
    return t.contains(u'|');
}

// Where to cut a line longer than `cap` (from `from`): at the last space in its last quarter, else
// at the cap, never between the halves of a surrogate pair.
qsizetype cutLongLine(QStringView text, qsizetype from, qsizetype cap)
{
    qsizetype cut = from + cap;
    for (qsizetype k = cut; k > from + cap * 3 / 4; --k) {
        if (text.at(k - 1).isSpace())
            return k;
    }
    if (text.at(cut - 1).isHighSurrogate())
        --cut;
    return cut;
}

// The splitter, resumable at a segment start: `resume` is the segment being re-split (its state:
// inside a code block, inside a table), or null for the start of the message.
void splitInto(QStringView markdown, qsizetype pos, const MarkdownSegment* resume,
               QList<MarkdownSegment>& out)
{
    using Seg = MarkdownSegment;
    Seg prose;
    Seg code;
    bool inCode = false;
    QString fence;
    int codeLines = 0;
    bool lastBlank = false;
    bool inTable = false;
    int tableRows = 0; // rows of the current table in the current segment
    QString tableHeader;
    QStringView prevLine;
    bool midLine = resume && resume->startsMidLine; // this piece continues a cut long line
    if (resume && resume->kind == Seg::Kind::Code) {
        inCode = true;
        fence = resume->fence;
        code.kind = Seg::Kind::Code;
        code.language = resume->language;
        code.fence = resume->fence;
        code.continued = resume->continued;
        code.startsMidLine = resume->startsMidLine;
        code.begin = pos;
    } else if (resume) {
        prose.continued = resume->continued;
        prose.startsMidLine = resume->startsMidLine;
        prose.begin = pos;
        if (!resume->tableHeader.isEmpty()) {
            inTable = true;
            tableHeader = resume->tableHeader;
            prose.tableHeader = tableHeader;
            prose.text = tableHeader;
        }
    }
    const qsizetype n = markdown.size();
    auto flushProse = [&](qsizetype nextBegin) {
        if (!prose.text.trimmed().isEmpty() && prose.text != prose.tableHeader)
            out.append(prose);
        prose = Seg{};
        prose.begin = nextBegin;
    };
    while (pos < n) {
        const qsizetype lineStart = pos;
        const qsizetype cap = inCode ? MarkdownRenderer::CodeChunkChars : MarkdownRenderer::ProseHardChars;
        // Look no further than the cap: a 5 MB line must not be scanned to its end for every piece.
        qsizetype end = markdown.mid(pos, qMin(n - pos, cap + 1)).indexOf(u'\n');
        bool hasNewline = end >= 0;
        end = hasNewline ? pos + end : qMin(n, pos + cap + 1);
        const bool piece = end - pos > cap;
        if (piece) {
            end = cutLongLine(markdown, pos, cap);
            hasNewline = false;
            pos = end;
        } else {
            pos = end + 1;
        }
        const QStringView line = markdown.mid(lineStart, end - lineStart);
        const bool continuation = midLine;
        midLine = piece;
        QChar fc;
        int fl = 0;
        QStringView info;
        if (inCode) {
            if (!continuation && isFence(line, &fc, &fl, &info) && fc == fence.at(0) && fl >= fence.size() &&
                info.isEmpty()) {
                if (code.text.endsWith(u'\n'))
                    code.text.chop(1);
                out.append(code);
                code = Seg{};
                inCode = false;
                prose.begin = pos;
                continue;
            }
            if (!code.text.isEmpty() && (code.text.size() >= MarkdownRenderer::CodeChunkChars ||
                                         (!continuation && codeLines >= MarkdownRenderer::CodeChunkLines))) {
                // Cut the block here; the texts of its segments concatenate to exactly the code.
                out.append(code);
                Seg next;
                next.kind = Seg::Kind::Code;
                next.language = code.language;
                next.fence = code.fence;
                next.continued = true;
                next.startsMidLine = continuation;
                next.begin = lineStart;
                code = next;
                codeLines = 0;
            }
            code.text += line;
            if (hasNewline)
                code.text += u'\n';
            if (!piece)
                ++codeLines;
            continue;
        }
        if (!continuation && isFence(line, &fc, &fl, &info)) {
            flushProse(pos);
            inCode = true;
            fence = QString(fl, fc);
            codeLines = 0;
            code = Seg{};
            code.kind = Seg::Kind::Code;
            code.language = info.toString().section(u' ', 0, 0);
            code.fence = fence;
            code.begin = pos;
            lastBlank = false;
            inTable = false;
            tableHeader.clear();
            continue;
        }
        const bool blank = line.trimmed().isEmpty();
        // Table state: a delimiter row under a row with pipes starts one; a blank or pipeless line ends it.
        const bool delimiter = !continuation && isTableDelimiter(line) && prevLine.contains(u'|');
        if (delimiter) {
            inTable = true;
            tableRows = 0;
            tableHeader = prevLine.toString() + u'\n' + line.toString() + u'\n';
        } else if (inTable && (blank || !line.contains(u'|'))) {
            inTable = false;
            tableHeader.clear();
        } else if (inTable) {
            ++tableRows;
        }
        if (!continuation) {
            if (!blank && lastBlank && prose.text.size() >= MarkdownRenderer::ProseChunkChars &&
                !continuesBlock(line)) {
                flushProse(lineStart);
            } else if (!delimiter && ((inTable && tableRows > MarkdownRenderer::TableChunkRows) ||
                                      (prose.text.size() >= MarkdownRenderer::ProseHardChars &&
                                       (inTable || !continuesBlock(line) ||
                                        prose.text.size() >= 2 * MarkdownRenderer::ProseHardChars)))) {
                // No blank line for too long: cut at this line; inside a table, the next segment
                // repeats the header so it still renders as the same table.
                flushProse(lineStart);
                prose.continued = true;
                if (inTable) {
                    prose.tableHeader = tableHeader;
                    prose.text = tableHeader;
                    tableRows = 1;
                }
            }
        } else if (prose.text.size() >= MarkdownRenderer::ProseHardChars) {
            flushProse(lineStart); // the next piece of a very long line
            prose.continued = true;
            prose.startsMidLine = true;
        }
        if (prose.text.isEmpty())
            prose.begin = lineStart;
        prose.text += line;
        if (hasNewline)
            prose.text += u'\n';
        lastBlank = blank;
        if (!piece)
            prevLine = line;
    }
    if (inCode) {
        // An unclosed fence (still streaming): show what arrived as code.
        if (code.text.endsWith(u'\n'))
            code.text.chop(1);
        out.append(code);
    } else {
        flushProse(n);
    }
}

} // namespace

QList<MarkdownSegment> MarkdownRenderer::split(QStringView markdown)
{
    QList<MarkdownSegment> out;
    splitInto(markdown, 0, nullptr, out);
    return out;
}

QList<MarkdownSegment> MarkdownRenderer::splitFrom(QStringView markdown,
                                                   const QList<MarkdownSegment>& previous, int* kept)
{
    if (previous.isEmpty() || previous.last().begin > markdown.size()) {
        if (kept)
            *kept = 0;
        return split(markdown);
    }
    QList<MarkdownSegment> out = previous;
    MarkdownSegment last = out.takeLast();
    // The previous text may have ended inside a line, and the splitter decided on that incomplete
    // line as if it were whole: a fence line "```pyt" (code from past its end, language "pyt"), a
    // closing fence "``", a line starting a new chunk. Such a line is the start of the last
    // segment (or, for code, the line just before it), and the segment then holds no complete
    // line: re-split from the segment before it, whose start was decided on complete lines. A
    // piece of a cut long line was cut with text to spare, so it is trusted.
    if (!last.startsMidLine) {
        QStringView body = last.text;
        if (!last.tableHeader.isEmpty() && body.startsWith(last.tableHeader))
            body = body.mid(last.tableHeader.size());
        if (!body.contains(u'\n')) {
            if (out.isEmpty()) {
                if (kept)
                    *kept = 0;
                return split(markdown);
            }
            last = out.takeLast();
        }
    }
    if (kept)
        *kept = int(out.size());
    splitInto(markdown, last.begin, &last, out);
    return out;
}

void MarkdownRenderer::renderProse(SafeTextDocument* doc, const QString& markdown, const QFont& font)
{
    doc->setDefaultFont(font);
    doc->setDocumentMargin(0);
    doc->setSafeMarkdown(markdown);
    // Qt's Markdown tables come out with doubled 3D borders and no padding: make them a single
    // collapsed grid with room around the text and a shaded header row.
    const auto frames = doc->rootFrame()->childFrames();
    for (QTextFrame* f : frames) {
        auto* table = qobject_cast<QTextTable*>(f);
        if (!table)
            continue;
        QTextTableFormat tf = table->format();
        tf.setBorderCollapse(true);
        tf.setBorder(1);
        tf.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        const QColor rule = palette::color(palette::Role::Rule);
        tf.setBorderBrush(rule);
        tf.setCellSpacing(0);
        tf.setCellPadding(5);
        tf.setTopMargin(6);
        tf.setBottomMargin(6);
        table->setFormat(tf);
        for (int col = 0; col < table->columns(); ++col) {
            QTextTableCell cell = table->cellAt(0, col);
            QTextCharFormat cf = cell.format();
            QColor shade = rule; // the header row: a lighter wash of the grid's colour
            shade.setAlpha(40);
            cf.setBackground(shade);
            cell.setFormat(cf);
        }
    }
}

void MarkdownRenderer::renderCode(SafeTextDocument* doc, const QString& code, const QString& language,
                                  const QFont& mono, const QPalette& palette)
{
    doc->setDefaultFont(mono);
    doc->setDocumentMargin(8);
    QTextOption opt = doc->defaultTextOption();
    opt.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    doc->setDefaultTextOption(opt);
    doc->setPlainText(code);
    highlight(doc, code, rulesFor(language), palette);
}

QString MarkdownRenderer::toPlainText(const QString& markdown)
{
    SafeTextDocument doc;
    doc.setSafeMarkdown(markdown);
    return doc.toPlainText();
}

QString MarkdownRenderer::languageLabel(const QString& language)
{
    return language.isEmpty() ? u"code"_s : language;
}

} // namespace anyrouter
