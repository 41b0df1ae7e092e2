// Tests of json::scan, the strict JSON scanner under the chat-chunk decoder: values it walks,
// strings it decodes (escapes, surrogates, UTF-8, every position of the SIMD blocks), what it
// rejects (malformed, truncated, too deep) and what it leaves to QJsonDocument (exponents, long
// numbers, a leading BOM, escaped member names), member walking, and agreement
// with QJsonDocument on generated strings.
#include "core/api/JsonScanner.h"

#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace anyrouter;
using namespace anyrouter::json;
using namespace Qt::StringLiterals;

namespace {

// Bytes consumed by skipValue() from the start of doc, or -1 for nullptr.
qsizetype skipped(const QByteArray& doc)
{
    const scan::Pos b = scan::bytesBegin(doc), e = scan::bytesEnd(doc);
    if (b == e)
        return -1;
    const scan::Pos p = scan::skipValue(b, e, 0);
    return p ? p - b : -1;
}

// The string literal at the start of doc (opening quote included) decoded, or nullopt.
std::optional<QString> decoded(const QByteArray& doc, qsizetype* consumed = nullptr)
{
    const scan::Pos b = scan::bytesBegin(doc), e = scan::bytesEnd(doc);
    if (doc.isEmpty() || *b != '"')
        return std::nullopt;
    QString out;
    const scan::Pos p = scan::decodeStringBody(b + 1, e, out);
    if (!p)
        return std::nullopt;
    if (consumed)
        *consumed = p - b;
    return out;
}

QByteArray nested(int depth, char open, char close, const QByteArray& inner)
{
    return QByteArray(depth, open) + inner + QByteArray(depth, close);
}

QByteArray nestedObjects(int depth)
{
    QByteArray doc = "1";
    for (int i = 0; i < depth; ++i)
        doc = "{\"a\":" + doc + '}';
    return doc;
}

enum class TestKey
{
    Other,
    Alpha,
    Beta
};

TestKey matchTestKey(scan::Pos p, scan::Pos end, scan::Pos& next)
{
    if (scan::nameAt(p, end, "alpha")) {
        next = p + sizeof("alpha");
        return TestKey::Alpha;
    }
    if (scan::nameAt(p, end, "beta")) {
        next = p + sizeof("beta");
        return TestKey::Beta;
    }
    return TestKey::Other;
}

struct Walk
{
    bool ok = false;
    QList<TestKey> keys;
    QStringList alphaValues; // decoded when a string
};

Walk walk(const QByteArray& doc)
{
    Walk w;
    const scan::Pos b = scan::bytesBegin(doc), e = scan::bytesEnd(doc);
    const scan::Pos start = scan::skipWs(b, e);
    if (start >= e || *start != '{')
        return w;
    const scan::Pos p =
        scan::forEachMember(start, e, matchTestKey, [&](TestKey key, scan::Pos v) -> scan::Pos {
            w.keys << key;
            if (key == TestKey::Alpha && *v == '"') {
                QString s;
                v = scan::decodeStringBody(v + 1, e, s);
                w.alphaValues << s;
                return v;
            }
            return scan::skipValueInline(v, e, 1);
        });
    w.ok = p && scan::skipWs(p, e) == e;
    return w;
}

// A random string of ASCII, control characters, quotes, backslashes, Latin, CJK, emoji and lone
// surrogates (which QJsonDocument writes as \u escapes).
QString randomString(QRandomGenerator& rng)
{
    static const char16_t pool[] = {u'a',    u'Z',    u' ',    u'"',   u'\\',  u'/',   u'\n',  u'\t',
                                    u'\x01', u'\x1f', u'\x7f', 0x00e9, 0x0416, 0x4e2d, 0xfeff, 0xfffd,
                                    0xd83d,  0xde00,  0xdc00,  u'~',   u'0',   u'{',   u'}',   u':'};
    QString s;
    const int n = int(rng.bounded(48));
    for (int i = 0; i < n; ++i) {
        if (rng.bounded(8) == 0) { // a whole emoji as a pair
            s += QChar(char16_t(0xd83d));
            s += QChar(char16_t(0xde00 + rng.bounded(0x40)));
        } else {
            s += QChar(pool[rng.bounded(int(std::size(pool)))]);
        }
    }
    return s;
}

} // namespace

class TestJsonScanner : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }

    void skipsValues_data();
    void skipsValues();
    void rejects_data();
    void rejects();
    void leavesUnusualToQJsonDocument_data();
    void leavesUnusualToQJsonDocument();
    void leadingBomIsSkippedButNotDecoded();
    void everyTruncationFails_data();
    void everyTruncationFails();
    void depthLimit();
    void decodesStrings_data();
    void decodesStrings();
    void specialByteAtEveryPosition();
    void decodedStringsAgreeWithQJsonDocument();
    void decodeReusesButNeverWritesSharedBuffers();
    void readKeyTakesPlainAndUtf8NamesOnly();
    void forEachMemberWalksObjects();
    void forEachMemberRejectsBrokenObjects_data();
    void forEachMemberRejectsBrokenObjects();
    void firstSeenFlagsRepeats();
    void parseObjectMatchesQJsonDocument();
    void lengthChecks();
};

void TestJsonScanner::skipsValues_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<qsizetype>("consumed"); // -1: the whole document

    QTest::newRow("empty string") << QByteArray(R"("")") << qsizetype(-1);
    QTest::newRow("escapes") << QByteArray(R"("a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D\uDE00")") << qsizetype(-1);
    QTest::newRow("utf-8") << QByteArray("\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\"") << qsizetype(-1);
    QTest::newRow("zero") << QByteArray("0") << qsizetype(-1);
    QTest::newRow("negative fraction") << QByteArray("-12.50") << qsizetype(-1);
    QTest::newRow("40 digits") << QByteArray(40, '9') << qsizetype(-1);
    QTest::newRow("true") << QByteArray("true") << qsizetype(-1);
    QTest::newRow("false") << QByteArray("false") << qsizetype(-1);
    QTest::newRow("null") << QByteArray("null") << qsizetype(-1);
    QTest::newRow("empty object") << QByteArray("{}") << qsizetype(-1);
    QTest::newRow("empty array") << QByteArray("[ ]") << qsizetype(-1);
    QTest::newRow("nested") << QByteArray(R"({"a":[1,{"b":null},"x"],"c":{"d":[[]]}})") << qsizetype(-1);
    QTest::newRow("whitespace inside") << QByteArray("{ \"a\" :\n[ 1 ,\t2 ]\r\n}") << qsizetype(-1);
    QTest::newRow("stops after the value") << QByteArray(R"({"a":1},{"b":2})") << qsizetype(7);
    QTest::newRow("leading zero stops after 0") << QByteArray("01") << qsizetype(1);
}

void TestJsonScanner::skipsValues()
{
    QFETCH(QByteArray, doc);
    QFETCH(qsizetype, consumed);
    QCOMPARE(skipped(doc), consumed < 0 ? doc.size() : consumed);
    // Whatever the scanner accepts whole, QJsonDocument accepts too (inside an array, for scalars).
    if (consumed < 0)
        QVERIFY(!QJsonDocument::fromJson('[' + doc + ']').isNull());
}

void TestJsonScanner::rejects_data()
{
    QTest::addColumn<QByteArray>("doc");

    QTest::newRow("nothing") << QByteArray(" ");
    QTest::newRow("bare word") << QByteArray("nul");
    QTest::newRow("capital literal") << QByteArray("True");
    QTest::newRow("plus sign") << QByteArray("+1");
    QTest::newRow("leading zero in array") << QByteArray("[01]");
    QTest::newRow("dot without digits") << QByteArray("1.");
    QTest::newRow("dot first") << QByteArray(".5");
    QTest::newRow("minus alone") << QByteArray("-");
    QTest::newRow("trailing comma in array") << QByteArray("[1,]");
    QTest::newRow("trailing comma in object") << QByteArray(R"({"a":1,})");
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})");
    QTest::newRow("unquoted name") << QByteArray("{a:1}");
    QTest::newRow("missing comma") << QByteArray("[1 2]");
    QTest::newRow("raw control character") << QByteArray("\"a\x01z\"");
    QTest::newRow("raw newline") << QByteArray("\"a\nz\"");
    QTest::newRow("unknown escape") << QByteArray(R"("\x")");
    QTest::newRow("short \\u") << QByteArray(R"("\u12")");
    QTest::newRow("bad hex") << QByteArray(R"("\u12g4")");
    QTest::newRow("overlong utf-8") << QByteArray("\"\xc0\x80\"");
    QTest::newRow("utf-8 surrogate") << QByteArray("\"\xed\xa0\x80\"");
    QTest::newRow("beyond U+10FFFF") << QByteArray("\"\xf4\x90\x80\x80\"");
    QTest::newRow("lone continuation byte") << QByteArray("\"\x80\"");
    QTest::newRow("cut multibyte") << QByteArray("\"\xe4\xb8\"");
    QTest::newRow("0xff") << QByteArray("\"\xff\"");
}

void TestJsonScanner::rejects()
{
    QFETCH(QByteArray, doc);
    QCOMPARE(skipped(doc), qsizetype(-1));
}

void TestJsonScanner::leavesUnusualToQJsonDocument_data()
{
    QTest::addColumn<QByteArray>("doc");

    // Valid JSON the scanner does not handle itself: the caller falls back to QJsonDocument.
    QTest::newRow("exponent") << QByteArray("1e5");
    QTest::newRow("capital exponent") << QByteArray("2.5E-3");
    QTest::newRow("41 digits") << QByteArray(41, '9');
}

void TestJsonScanner::leavesUnusualToQJsonDocument()
{
    QFETCH(QByteArray, doc);
    QVERIFY(!QJsonDocument::fromJson('[' + doc + ']').isNull());
    QCOMPARE(skipped(doc), qsizetype(-1));
}

void TestJsonScanner::leadingBomIsSkippedButNotDecoded()
{
    // QJsonDocument drops a raw BOM at the start of a string: skipping it is fine, decoding it is
    // left to QJsonDocument.
    const QByteArray doc = "\"\xef\xbb\xbfhi\"";
    QCOMPARE(QJsonDocument::fromJson('[' + doc + ']').array().at(0).toString(), u"hi"_s);
    QCOMPARE(skipped(doc), doc.size());
    QVERIFY(!decoded(doc));
}

void TestJsonScanner::everyTruncationFails_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::newRow("object") << QByteArray(R"({"a":[1,-2.5,true,false,null],"b":{"c":"\u00e9\n"}})");
    QTest::newRow("array") << QByteArray("[\"\xf0\x9f\x98\x80\",{\"k\":[]},0]");
    QTest::newRow("string") << QByteArray(R"("long enough to cross one sixteen-byte block \" and \\ more")");
}

void TestJsonScanner::everyTruncationFails()
{
    QFETCH(QByteArray, doc);
    QCOMPARE(skipped(doc), doc.size());
    // No prefix of an object, array or string is a complete value; the scanner must never read past
    // the end it was given (the sanitizer builds catch that).
    for (qsizetype n = 1; n < doc.size(); ++n) {
        const QByteArray cut = doc.left(n);
        QVERIFY2(skipped(cut) == -1, cut.constData());
    }
}

void TestJsonScanner::depthLimit()
{
    // A document's outermost value is at depth 0; values deeper than kMaxDepth are refused.
    const int deepest = scan::kMaxDepth + 1; // containers nested: depths 0 .. kMaxDepth
    QCOMPARE(skipped(nested(deepest, '[', ']', "1")), qsizetype(2 * deepest + 1));
    QCOMPARE(skipped(nested(deepest + 1, '[', ']', "1")), qsizetype(-1));
    const QByteArray okObjects = nestedObjects(deepest);
    QCOMPARE(skipped(okObjects), okObjects.size());
    QCOMPARE(skipped(nestedObjects(deepest + 1)), qsizetype(-1));
    // Far deeper than the limit: refused without running out of stack.
    QCOMPARE(skipped(nested(100000, '[', ']', "")), qsizetype(-1));
}

void TestJsonScanner::decodesStrings_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray(R"("")") << QString();
    QTest::newRow("ascii") << QByteArray(R"("hello")") << u"hello"_s;
    QTest::newRow("all escapes") << QByteArray(R"("\"\\\/\b\f\n\r\t")") << u"\"\\/\b\f\n\r\t"_s;
    QTest::newRow("\\u BMP") << QByteArray(R"("\u00e9\u4E2D")") << u"\u00e9\u4e2d"_s;
    QTest::newRow("\\u surrogate pair") << QByteArray(R"("\ud83d\ude00")") << u"\U0001F600"_s;
    // Like QJsonDocument: a lone surrogate escape is kept as that unit.
    QTest::newRow("\\u lone high surrogate")
        << QByteArray(R"("a\ud83dz")") << (u"a"_s + QChar(char16_t(0xd83d)) + u"z"_s);
    QTest::newRow("\\u lone low surrogate") << QByteArray(R"("\ude00")") << QString(QChar(char16_t(0xde00)));
    QTest::newRow("\\u0000") << QByteArray(R"("a\u0000b")") << QString(u"a\0b"_s);
    QTest::newRow("utf-8 2/3/4 bytes")
        << QByteArray("\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\"") << u"\u00e9\u4e2d\U0001F600"_s;
    QTest::newRow("U+10FFFF") << QByteArray("\"\xf4\x8f\xbf\xbf\"") << u"\U0010FFFF"_s;
    QTest::newRow("BOM after the start") << QByteArray("\"x\xef\xbb\xbf\"") << u"x\ufeff"_s;
    QTest::newRow("long mixed") << QByteArray("\"0123456789abcdef0123\\n\xe4\xb8\xad"
                                              "0123456789abcdef\"")
                                << u"0123456789abcdef0123\n\u4e2d0123456789abcdef"_s;
}

void TestJsonScanner::decodesStrings()
{
    QFETCH(QByteArray, doc);
    QFETCH(QString, expected);
    qsizetype consumed = 0;
    const std::optional<QString> s = decoded(doc, &consumed);
    QVERIFY(s);
    QCOMPARE(*s, expected);
    QCOMPARE(consumed, doc.size());
    QCOMPARE(skipped(doc), doc.size());
    // The reference agrees.
    QCOMPARE(QJsonDocument::fromJson('[' + doc + ']').array().at(0).toString(), expected);
}

void TestJsonScanner::specialByteAtEveryPosition()
{
    // The plain-byte loops work 16 bytes at a time: a quote, escape, non-ASCII or control byte must
    // be found at every offset of a block and across block ends.
    for (int at = 0; at < 40; ++at) {
        const QByteArray pad(at, 'x');
        const QByteArray tail(40 - at, 'y');
        const QString padText = QString::fromLatin1(pad), tailText = QString::fromLatin1(tail);
        const QByteArray where = "at " + QByteArray::number(at);
        QVERIFY2(decoded(QByteArray('"' + pad + "\\t" + tail + '"')) == padText + u'\t' + tailText,
                 where.constData());
        QVERIFY2(decoded(QByteArray('"' + pad + "\xc3\xa9" + tail + '"')) == padText + u'\u00e9' + tailText,
                 where.constData());
        QVERIFY2(decoded(QByteArray('"' + pad + '"' + tail)) == padText, where.constData());
        QVERIFY2(!decoded(QByteArray('"' + pad + '\x1f' + tail + '"')), where.constData());
        QCOMPARE(skipped(QByteArray('"' + pad + "\\\"" + tail + '"')), qsizetype(at + 2 + tail.size() + 2));
        QCOMPARE(skipped(QByteArray('"' + pad + '\x7f' + '"')), qsizetype(at + 3)); // DEL is plain in JSON
    }
}

void TestJsonScanner::decodedStringsAgreeWithQJsonDocument()
{
    QRandomGenerator rng(20260101);
    for (int i = 0; i < 5000; ++i) {
        const QString original = randomString(rng);
        QByteArray doc = QJsonDocument(QJsonArray{original}).toJson(QJsonDocument::Compact);
        doc = doc.mid(1, doc.size() - 2); // the string literal alone
        const QString reference = QJsonDocument::fromJson('[' + doc + ']').array().at(0).toString();
        const std::optional<QString> s = decoded(doc);
        // The only strings left to QJsonDocument here are those that start with a raw BOM.
        if (!s) {
            QVERIFY2(doc.startsWith("\"\xef\xbb\xbf"), doc.constData());
            continue;
        }
        QVERIFY2(*s == reference, doc.constData());
    }
}

void TestJsonScanner::decodeReusesButNeverWritesSharedBuffers()
{
    // The target's buffer is written only when nobody else holds it.
    QString target = u"previous value, long"_s;
    const QString kept = target; // a consumer still holds it
    const QByteArray doc = R"("\u00e9t\u00e9")";
    QVERIFY(scan::decodeStringBody(scan::bytesBegin(doc) + 1, scan::bytesEnd(doc), target));
    QCOMPARE(target, u"\u00e9t\u00e9"_s);
    QCOMPARE(kept, u"previous value, long"_s);
    const QByteArray ascii = R"("plain")";
    QVERIFY(scan::decodeStringBody(scan::bytesBegin(ascii) + 1, scan::bytesEnd(ascii), target));
    QCOMPARE(target, u"plain"_s);
    QCOMPARE(kept, u"previous value, long"_s);

    // reuseEqual: an equal shared value stays shared (no copy); a different one detaches.
    QString id = u"chatcmpl-1"_s;
    const QString consumer = id;
    const QByteArray same = R"("chatcmpl-1")";
    QVERIFY(scan::decodeStringBody(scan::bytesBegin(same) + 1, scan::bytesEnd(same), id, true));
    QCOMPARE(id.constData(), consumer.constData());
    const QByteArray other = R"("chatcmpl-2")";
    QVERIFY(scan::decodeStringBody(scan::bytesBegin(other) + 1, scan::bytesEnd(other), id, true));
    QCOMPARE(id, u"chatcmpl-2"_s);
    QCOMPARE(consumer, u"chatcmpl-1"_s);
}

void TestJsonScanner::readKeyTakesPlainAndUtf8NamesOnly()
{
    auto key = [](const QByteArray& doc) -> std::optional<QByteArray> {
        QByteArrayView name;
        const scan::Pos b = scan::bytesBegin(doc);
        const scan::Pos p = scan::readKey(b, scan::bytesEnd(doc), name);
        if (!p)
            return std::nullopt;
        if (*p != ':')
            return QByteArray("(wrong end)");
        return name.toByteArray();
    };
    QCOMPARE(key(R"("plain":1)"), std::optional<QByteArray>("plain"));
    QCOMPARE(key("\"m\xc3\xb6"
                 "del\":1"),
             std::optional<QByteArray>("m\xc3\xb6"
                                       "del"));
    QCOMPARE(key(R"("":1)"), std::optional<QByteArray>(""));
    // An escaped name could spell one the caller looks for ("\u0069d" is "id"): not handled here.
    QVERIFY(!key(R"("\u0069d":1)"));
    QVERIFY(!key("\"\xef\xbb\xbfid\":1"));
    QVERIFY(!key("\"bad\xc0\x80\":1"));
    QVERIFY(!key(R"("unterminated)"));
}

void TestJsonScanner::forEachMemberWalksObjects()
{
    const Walk compact = walk(R"({"alpha":"x","gamma":[1,{"alpha":2}],"beta":null,"alpha":"y"})");
    QVERIFY(compact.ok);
    QCOMPARE(compact.keys, (QList<TestKey>{TestKey::Alpha, TestKey::Other, TestKey::Beta, TestKey::Alpha}));
    QCOMPARE(compact.alphaValues, (QStringList{u"x"_s, u"y"_s}));

    const Walk spaced = walk(" { \"alpha\" : \"\\u00e9\" ,\n\t\"b\xc3\xa9ta\" : 1 } ");
    QVERIFY(spaced.ok);
    QCOMPARE(spaced.keys, (QList<TestKey>{TestKey::Alpha, TestKey::Other}));
    QCOMPARE(spaced.alphaValues, QStringList{u"\u00e9"_s});

    // A name that only starts like a known one is another name.
    const Walk prefix = walk(R"({"alphabet":1,"bet":2})");
    QVERIFY(prefix.ok);
    QCOMPARE(prefix.keys, (QList<TestKey>{TestKey::Other, TestKey::Other}));

    const Walk empty = walk("{}");
    QVERIFY(empty.ok);
    QVERIFY(empty.keys.isEmpty());
}

void TestJsonScanner::forEachMemberRejectsBrokenObjects_data()
{
    QTest::addColumn<QByteArray>("doc");
    QTest::newRow("missing colon") << QByteArray(R"({"alpha" "x"})");
    QTest::newRow("trailing comma") << QByteArray(R"({"alpha":"x",})");
    QTest::newRow("missing comma") << QByteArray(R"({"alpha":"x" "beta":1})");
    QTest::newRow("unterminated") << QByteArray(R"({"alpha":"x")");
    QTest::newRow("bad value") << QByteArray(R"({"beta":tru})");
    QTest::newRow("escaped name") << QByteArray(R"({"\u0061lpha":1})");
    QTest::newRow("not a name") << QByteArray("{1:2}");
}

void TestJsonScanner::forEachMemberRejectsBrokenObjects()
{
    QFETCH(QByteArray, doc);
    QVERIFY(!walk(doc).ok);
}

void TestJsonScanner::firstSeenFlagsRepeats()
{
    unsigned seen = 0;
    QVERIFY(scan::firstSeen(seen, 1));
    QVERIFY(scan::firstSeen(seen, 4));
    QVERIFY(!scan::firstSeen(seen, 1));
    QVERIFY(!scan::firstSeen(seen, 4));
    QVERIFY(scan::firstSeen(seen, 2));
    QCOMPARE(seen, 7u);
}

void TestJsonScanner::parseObjectMatchesQJsonDocument()
{
    const QByteArray doc = R"({"prompt_tokens":12,"details":{"cached":[1,2]},"s":"\u00e9"} tail)";
    QJsonObject obj;
    const scan::Pos b = scan::bytesBegin(doc);
    const scan::Pos p = scan::parseObject(b, scan::bytesEnd(doc), 1, obj);
    QVERIFY(p);
    QCOMPARE(QByteArrayView(p, scan::bytesEnd(doc) - p), QByteArrayView(" tail"));
    QCOMPARE(obj, QJsonDocument::fromJson(doc.left(p - b)).object());

    QJsonObject untouched{{u"keep"_s, 1}};
    const QByteArray broken = R"({"a":[1,}")";
    QVERIFY(!scan::parseObject(scan::bytesBegin(broken), scan::bytesEnd(broken), 1, untouched));
    QCOMPARE(untouched, (QJsonObject{{u"keep"_s, 1}}));
}

void TestJsonScanner::lengthChecks()
{
#if !defined(__SSE2__)
    QSKIP("plainEndIfLength and integerEndIfLength only answer with SSE2");
#else
    // Room for the 32 (16) bytes the checks load is needed: pad the input.
    const QByteArray s = QByteArray(R"("chatcmpl-42",)") + QByteArray(40, ' ');
    const scan::Pos b = scan::bytesBegin(s) + 1, e = scan::bytesEnd(s);
    QCOMPARE(scan::plainEndIfLength(b, e, 11), b + 11);
    QVERIFY(!scan::plainEndIfLength(b, e, 10));
    QVERIFY(!scan::plainEndIfLength(b, e, 12));
    QVERIFY(!scan::plainEndIfLength(b, e, 0));
    const QByteArray escaped = QByteArray(R"("chat\"mpl-4",)") + QByteArray(40, ' ');
    QVERIFY(!scan::plainEndIfLength(scan::bytesBegin(escaped) + 1, scan::bytesEnd(escaped), 12));
    QVERIFY(!scan::plainEndIfLength(b, b + 20, 11)); // not enough room: no answer

    const QByteArray n = QByteArray("1767225600,") + QByteArray(20, ' ');
    const scan::Pos nb = scan::bytesBegin(n), ne = scan::bytesEnd(n);
    QCOMPARE(scan::integerEndIfLength(nb, ne, 10), nb + 10);
    QVERIFY(!scan::integerEndIfLength(nb, ne, 9));
    QVERIFY(!scan::integerEndIfLength(nb, ne, 11));
    const QByteArray fraction = QByteArray("1767225600.5,") + QByteArray(20, ' ');
    QVERIFY(!scan::integerEndIfLength(scan::bytesBegin(fraction), scan::bytesEnd(fraction), 10));
    const QByteArray exponent = QByteArray("1767225600e1,") + QByteArray(20, ' ');
    QVERIFY(!scan::integerEndIfLength(scan::bytesBegin(exponent), scan::bytesEnd(exponent), 10));
    const QByteArray leadingZero = QByteArray("0123,") + QByteArray(20, ' ');
    QVERIFY(!scan::integerEndIfLength(scan::bytesBegin(leadingZero), scan::bytesEnd(leadingZero), 4));
#endif
}

QTEST_GUILESS_MAIN(TestJsonScanner)
#include "TestJsonScanner.moc"
