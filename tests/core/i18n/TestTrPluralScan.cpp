// TestTrPluralScan: every tr()/translate() call in src/ and app/ whose text holds "%n" passes n.
// Without n, QCoreApplication::translate() leaves "%n" in the text when no translator is loaded
// (an English session): the user reads "retry in %n second(s)". The scan reads the sources (the
// directory comes from the ANYROUTER_SOURCE_DIR compile definition), skips comments and string
// contents, joins adjacent literals, and counts the call's arguments: the text must be followed by
// an n — a disambiguation alone (a literal, nullptr, 0) is not one, nor is a literal -1. Local
// wrappers such as tr(text, n) pass the check with their n. The scanner's own rows show it finds
// what it should.
#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Violation
{
    QString file;
    int line = 0;
    QString call;
};

class Scanner
{
public:
    Scanner(const QString& source, const QString& file) : m_s(source), m_file(file) {}

    QList<Violation> run()
    {
        while (m_i < m_s.size()) {
            if (skipNonCode())
                continue;
            const QChar c = m_s.at(m_i);
            if (c.isLetter() || c == u'_') {
                const qsizetype start = m_i;
                while (m_i < m_s.size() && (m_s.at(m_i).isLetterOrNumber() || m_s.at(m_i) == u'_'))
                    ++m_i;
                const QStringView ident = QStringView(m_s).mid(start, m_i - start);
                if (ident == u"tr" || ident == u"translate" || ident == u"trUtf8")
                    checkCall(start, ident == u"translate" ? 1 : 0);
                continue;
            }
            ++m_i;
        }
        return m_violations;
    }

    int pluralCalls() const { return m_pluralCalls; }

private:
    // Skips a comment, string or character literal at m_i; returns whether it did.
    bool skipNonCode()
    {
        if (m_s.mid(m_i, 2) == u"//") {
            const qsizetype nl = m_s.indexOf(u'\n', m_i);
            m_i = nl < 0 ? m_s.size() : nl;
            return true;
        }
        if (m_s.mid(m_i, 2) == u"/*") {
            const qsizetype end = m_s.indexOf(u"*/"_s, m_i + 2);
            m_i = end < 0 ? m_s.size() : end + 2;
            return true;
        }
        if (m_s.at(m_i) == u'"' || m_s.at(m_i) == u'\'') {
            readLiteral();
            return true;
        }
        if (m_s.mid(m_i, 2) == u"R\"" && (m_i == 0 || !m_s.at(m_i - 1).isLetterOrNumber())) {
            readRawLiteral();
            return true;
        }
        return false;
    }

    // Reads "..." or '...' at m_i (escapes kept as written) and returns its content.
    QString readLiteral()
    {
        const QChar quote = m_s.at(m_i++);
        QString content;
        while (m_i < m_s.size() && m_s.at(m_i) != quote && m_s.at(m_i) != u'\n') {
            if (m_s.at(m_i) == u'\\' && m_i + 1 < m_s.size())
                content += m_s.at(m_i++);
            content += m_s.at(m_i++);
        }
        ++m_i;
        return content;
    }

    QString readRawLiteral()
    {
        const qsizetype open = m_s.indexOf(u'(', m_i);
        if (open < 0) {
            m_i = m_s.size();
            return {};
        }
        const QString delim = u')' + m_s.mid(m_i + 2, open - m_i - 2) + u'"';
        const qsizetype end = m_s.indexOf(delim, open);
        const QString content = m_s.mid(open + 1, (end < 0 ? m_s.size() : end) - open - 1);
        m_i = end < 0 ? m_s.size() : end + delim.size();
        return content;
    }

    void skipSpaceAndComments()
    {
        while (m_i < m_s.size()) {
            if (m_s.at(m_i).isSpace())
                ++m_i;
            else if (m_s.mid(m_i, 2) == u"//" || m_s.mid(m_i, 2) == u"/*")
                skipNonCode();
            else
                break;
        }
    }

    // One argument: its text, and the joined content when it is made of string literals only.
    struct Arg
    {
        QString text;
        bool literalOnly = true;
        QString literal;
    };

    // At m_i just after the identifier; textArg is the index of the translatable text.
    void checkCall(qsizetype identStart, int textArg)
    {
        const qsizetype save = m_i;
        skipSpaceAndComments();
        if (m_i >= m_s.size() || m_s.at(m_i) != u'(') {
            m_i = save;
            return;
        }
        ++m_i;
        QList<Arg> args{Arg{}};
        int depth = 0;
        while (m_i < m_s.size()) {
            const QChar c = m_s.at(m_i);
            if (m_s.mid(m_i, 2) == u"//" || m_s.mid(m_i, 2) == u"/*") {
                skipNonCode();
                continue;
            }
            if (c == u'"' || (m_s.mid(m_i, 2) == u"R\"")) {
                const qsizetype start = m_i;
                const QString content = c == u'"' ? readLiteral() : readRawLiteral();
                args.last().text += m_s.mid(start, m_i - start);
                if (depth == 0)
                    args.last().literal += content;
                else
                    args.last().literalOnly = false;
                continue;
            }
            if (c == u'\'') {
                readLiteral();
                args.last().literalOnly = false;
                continue;
            }
            if (c == u'(' || c == u'[' || c == u'{') {
                ++depth;
            } else if (c == u')' || c == u']' || c == u'}') {
                if (depth == 0) {
                    ++m_i;
                    break;
                }
                --depth;
            } else if (c == u',' && depth == 0) {
                args.append(Arg{});
                ++m_i;
                continue;
            }
            if (!c.isSpace()) {
                // Literal prefixes (u8"", u"") keep a literal a literal; anything else does not.
                const bool prefix = (c == u'u' || c == u'8' || c == u'L' || c == u'U') &&
                                    m_i + 1 < m_s.size() &&
                                    (m_s.at(m_i + 1) == u'"' || m_s.at(m_i + 1) == u'8');
                if (!prefix)
                    args.last().literalOnly = false;
            }
            args.last().text += c;
            ++m_i;
        }
        if (textArg >= args.size())
            return;
        const Arg& text = args.at(textArg);
        if (!text.literalOnly || text.literal.isEmpty() || !text.literal.contains(u"%n"_s))
            return;
        ++m_pluralCalls;
        const QList<Arg> rest = args.mid(textArg + 1);
        const auto isNotN = [](const Arg& a) {
            const QString t = a.text.trimmed();
            return t.isEmpty() || (a.literalOnly && !a.literal.isNull()) || t.startsWith(u'"') ||
                   t == u"nullptr" || t == u"NULL" || t == u"0";
        };
        bool ok = !rest.isEmpty();
        if (rest.size() == 1 && isNotN(rest.at(0)))
            ok = false; // only a disambiguation
        if (!rest.isEmpty() && rest.constLast().text.trimmed() == u"-1")
            ok = false; // n = -1 means "no plural"
        if (!ok) {
            const int line = int(QStringView(m_s).left(identStart).count(u'\n')) + 1;
            m_violations.append({m_file, line, m_s.mid(identStart, m_i - identStart).simplified()});
        }
    }

    const QString& m_s;
    QString m_file;
    qsizetype m_i = 0;
    QList<Violation> m_violations;
    int m_pluralCalls = 0;
};

} // namespace

class TestTrPluralScan : public QObject
{
    Q_OBJECT

private slots:
    void scannerFinds_data();
    void scannerFinds();
    void sourcesPassN();
};

void TestTrPluralScan::scannerFinds_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("violations");
    QTest::addColumn<int>("line"); // of the first violation
    QTest::newRow("no n") << uR"x(x = tr("%n files");)x"_s << 1 << 1;
    QTest::newRow("nullptr only") << uR"x(x = tr("%n files", nullptr);)x"_s << 1 << 1;
    QTest::newRow("disambiguation only") << uR"x(x = QObject::tr("%n files", "count");)x"_s << 1 << 1;
    QTest::newRow("n = -1") << uR"x(x = tr("%n files", nullptr, -1);)x"_s << 1 << 1;
    QTest::newRow("joined literals") << u"a;\nb = tr(\"one \"\n   \"%n two\");"_s << 1 << 2;
    QTest::newRow("translate without n")
        << uR"x(QCoreApplication::translate("Ctx", "%n items"))x"_s << 1 << 1;
    QTest::newRow("u8 literal") << uR"x(tr(u8"%n files"))x"_s << 1 << 1;
    QTest::newRow("with n") << uR"x(x = QObject::tr("%n files", nullptr, n);)x"_s << 0 << 0;
    QTest::newRow("n is an expression") << uR"x(tr("%n x", nullptr, int(list.size())))x"_s << 0 << 0;
    QTest::newRow("translate with n")
        << uR"x(QCoreApplication::translate("Ctx", "%n items", nullptr, n))x"_s << 0 << 0;
    QTest::newRow("local wrapper with n")
        << uR"x(tr("Other (%n more)", int(groups.size() - keep)))x"_s << 0 << 0;
    QTest::newRow("no plural") << uR"x(tr("%1 of %2").arg(a, b); tr("100% done"))x"_s << 0 << 0;
    QTest::newRow("in a comment") << u"// tr(\"%n files\")\n/* tr(\"%n\") */"_s << 0 << 0;
    QTest::newRow("in a string") << uR"x(s = "tr(\"%n files\")";)x"_s << 0 << 0;
    QTest::newRow("a wrapper's definition")
        << u"QString tr(const char* s, const char* d = nullptr, int n = -1)x"_s << 0 << 0;
    QTest::newRow("not tr") << uR"x(str("%n files"); m_tr("%n"))x"_s << 0 << 0;
    QTest::newRow("second call bad") << u"tr(\"%n a\", nullptr, n);\ntr(\"%n b\");"_s << 1 << 2;
}

void TestTrPluralScan::scannerFinds()
{
    QFETCH(QString, code);
    QFETCH(int, violations);
    QFETCH(int, line);
    Scanner scanner(code, u"snippet.cpp"_s);
    const QList<Violation> found = scanner.run();
    QCOMPARE(found.size(), violations);
    if (violations > 0)
        QCOMPARE(found.constFirst().line, line);
}

void TestTrPluralScan::sourcesPassN()
{
    const QString root = QStringLiteral(ANYROUTER_SOURCE_DIR);
    int files = 0;
    int plurals = 0;
    QStringList report;
    for (const QString& sub : {u"src"_s, u"app"_s}) {
        QDirIterator it(root + u'/' + sub, {u"*.cpp"_s, u"*.h"_s}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
            const QString source = QString::fromUtf8(f.readAll());
            Scanner scanner(source, path.mid(root.size() + 1));
            for (const Violation& v : scanner.run())
                report << u"%1:%2: %3"_s.arg(v.file).arg(v.line).arg(v.call);
            plurals += scanner.pluralCalls();
            ++files;
        }
    }
    // Not vacuous: the tree has hundreds of sources and a dozen plurals or more.
    QVERIFY2(files > 100, qPrintable(QString::number(files)));
    QVERIFY2(plurals >= 10, qPrintable(QString::number(plurals)));
    QVERIFY2(report.isEmpty(), qPrintable(u"tr() with %n but no n:\n"_s + report.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestTrPluralScan)
#include "TestTrPluralScan.moc"
