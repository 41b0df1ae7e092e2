// MarkdownRenderer: see the header. Syntax colouring is a small hand-written tokenizer (keywords,
// strings, comments, numbers) for the languages replies use most; unknown languages stay plain.
#include "MarkdownRenderer.h"

#include "SafeTextDocument.h"

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
    const bool dark = pal.color(QPalette::Base).lightness() < 128;
    QTextCharFormat kw, str, com, num;
    kw.setForeground(dark ? QColor(0xc6, 0x78, 0xdd) : QColor(0x8b, 0x1e, 0xa8));
    kw.setFontWeight(QFont::DemiBold);
    str.setForeground(dark ? QColor(0x98, 0xc3, 0x79) : QColor(0x2a, 0x7d, 0x2a));
    com.setForeground(dark ? QColor(0x8a, 0x93, 0x9e) : QColor(0x6a, 0x73, 0x7d));
    com.setFontItalic(true);
    num.setForeground(dark ? QColor(0xd1, 0x9a, 0x66) : QColor(0xb0, 0x50, 0x00));
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

QList<MarkdownSegment> MarkdownRenderer::split(QStringView markdown)
{
    QList<MarkdownSegment> out;
    MarkdownSegment prose;
    MarkdownSegment code;
    bool inCode = false;
    QChar fenceChar;
    int fenceLen = 0;
    bool lastBlank = false;
    qsizetype pos = 0;
    const qsizetype n = markdown.size();
    auto flushProse = [&] {
        if (!prose.text.trimmed().isEmpty())
            out.append(prose);
        prose = MarkdownSegment{};
    };
    while (pos < n) {
        qsizetype end = markdown.indexOf(u'\n', pos);
        const bool hasNewline = end >= 0;
        if (!hasNewline)
            end = n;
        const QStringView line = markdown.mid(pos, end - pos);
        pos = end + 1;
        QChar fc;
        int fl = 0;
        QStringView info;
        if (inCode) {
            if (isFence(line, &fc, &fl, &info) && fc == fenceChar && fl >= fenceLen && info.isEmpty()) {
                if (code.text.endsWith(u'\n'))
                    code.text.chop(1);
                out.append(code);
                code = MarkdownSegment{};
                inCode = false;
            } else {
                code.text += line;
                code.text += u'\n';
            }
            continue;
        }
        if (isFence(line, &fc, &fl, &info)) {
            flushProse();
            inCode = true;
            fenceChar = fc;
            fenceLen = fl;
            code.kind = MarkdownSegment::Kind::Code;
            code.language = info.toString().section(u' ', 0, 0);
            lastBlank = false;
            continue;
        }
        const bool blank = line.trimmed().isEmpty();
        if (!blank && lastBlank && prose.text.size() >= ProseChunkChars && !continuesBlock(line))
            flushProse();
        prose.text += line;
        if (hasNewline)
            prose.text += u'\n';
        lastBlank = blank;
    }
    if (inCode) {
        // An unclosed fence (still streaming): show what arrived as code.
        if (code.text.endsWith(u'\n'))
            code.text.chop(1);
        out.append(code);
    } else {
        flushProse();
    }
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
        tf.setBorderBrush(QColor(128, 128, 128, 110));
        tf.setCellSpacing(0);
        tf.setCellPadding(5);
        tf.setTopMargin(6);
        tf.setBottomMargin(6);
        table->setFormat(tf);
        for (int col = 0; col < table->columns(); ++col) {
            QTextTableCell cell = table->cellAt(0, col);
            QTextCharFormat cf = cell.format();
            cf.setBackground(QColor(128, 128, 128, 40));
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
