// Tests of the chat-chunk decoder: every documented chunk variant, escapes and Unicode, malformed
// and truncated payloads, and agreement of the fast scanner with the QJsonDocument reference path
// over many generated and mutated payloads.
#include "core/api/ChatChunk.h"

#include "TestSupport.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <cstring>
#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

QByteArray usageJson(const std::optional<Usage>& u)
{
    return u ? QJsonDocument(u->toJson()).toJson(QJsonDocument::Compact) : QByteArray();
}

QByteArray errorJson(const QJsonObject& e)
{
    return e.isEmpty() ? QByteArray() : QJsonDocument(e).toJson(QJsonDocument::Compact);
}

bool sameUsage(const std::optional<Usage>& a, const std::optional<Usage>& b)
{
    if (a.has_value() != b.has_value())
        return false;
    if (!a)
        return true;
    return a->promptTokens == b->promptTokens && a->completionTokens == b->completionTokens &&
           a->totalTokens == b->totalTokens && a->cachedTokens == b->cachedTokens &&
           a->cacheWriteTokens == b->cacheWriteTokens && a->reasoningTokens == b->reasoningTokens &&
           a->cost == b->cost;
}

bool same(const ChatChunk& a, const ChatChunk& b)
{
    return a.id == b.id && a.model == b.model && a.provider == b.provider && a.role == b.role &&
           a.contentDelta == b.contentDelta && a.reasoningDelta == b.reasoningDelta &&
           a.finishReason == b.finishReason && sameUsage(a.usage, b.usage) && a.error == b.error &&
           a.isDone == b.isDone;
}

QString describe(const ChatChunk& c)
{
    auto units = [](const QString& s) -> QString {
        QStringList hex;
        for (const QChar ch : s)
            hex << QString::number(ch.unicode(), 16);
        return s + u" ["_s + hex.join(u' ') + u']';
    };
    return u"id=%1 model=%2 provider=%3 role=%4 content=%5 reasoning=%6 finish=%7 usage=%8 error=%9 done=%10"_s
        .arg(c.id, c.model, c.provider, c.role, units(c.contentDelta), units(c.reasoningDelta),
             c.finishReason, QString::fromUtf8(usageJson(c.usage)), QString::fromUtf8(errorJson(c.error)))
        .arg(c.isDone);
}

// Generates chat chunks in every shape the decoder must agree on: fields present, absent, null or of
// the wrong type, random member order, unknown nested members, insignificant whitespace, and
// strings written with every JSON escape, raw UTF-8 and \u escapes (surrogate pairs included).
class ChunkGenerator
{
public:
    explicit ChunkGenerator(quint32 seed) : m_rng(seed) {}

    QByteArray chunk()
    {
        QList<QByteArray> members;
        if (chance(90))
            members << member("id", stringOrOther(u"chatcmpl-"_s + QString::number(m_rng.bounded(100000))));
        if (chance(80))
            members << member("object", str(u"chat.completion.chunk"_s));
        if (chance(80))
            members << member("created", QByteArray::number(1767225600 + m_rng.bounded(1000)));
        if (chance(80))
            members << member("model",
                              stringOrOther(pick({u"anthropic/claude-sonnet-4.6"_s, u"openai/gpt-5.4-mini"_s,
                                                  u"m\u00f6del/\u4e2d"_s})));
        if (chance(40))
            members << member("provider",
                              stringOrOther(pick({u"Anthropic"_s, u"OpenAI"_s, u"Google Vertex"_s})));
        if (chance(30))
            members << member("system_fingerprint", chance(50) ? str(u"fp_44709d6fcb"_s) : "null"_ba);
        if (chance(90))
            members << member("choices", choices());
        if (chance(15))
            members << member("usage", chance(80) ? usage() : otherValue(2));
        if (chance(8))
            members << member("error", errorValue());
        for (int i = m_rng.bounded(3); i > 0; --i)
            members << member(
                pick({"x_extra"_ba, "meta"_ba, "idx"_ba, "modell"_ba, "choice"_ba, "i"_ba, "usag"_ba,
                      "errors"_ba, "providers"_ba, "choices_"_ba, "object"_ba, "created"_ba}),
                otherValue(0));
        if (chance(2) && !members.isEmpty())
            members << members.at(m_rng.bounded(members.size())); // duplicate member
        return object(members);
    }

    QRandomGenerator& rng() { return m_rng; }

private:
    bool chance(int percent) { return m_rng.bounded(100) < percent; }

    template <typename T> T pick(std::initializer_list<T> items)
    {
        return *(items.begin() + m_rng.bounded(int(items.size())));
    }

    QByteArray ws()
    {
        if (!chance(15))
            return {};
        QByteArray s;
        for (int i = m_rng.bounded(1, 4); i > 0; --i)
            s += pick({' ', '\n', '\t', '\r'});
        return s;
    }

    QByteArray member(const QByteArray& name, const QByteArray& value)
    {
        return ws() + '"' + name + '"' + ws() + ':' + ws() + value + ws();
    }

    QByteArray object(QList<QByteArray> members)
    {
        for (qsizetype i = members.size() - 1; i > 0; --i)
            members.swapItemsAt(i, m_rng.bounded(int(i + 1)));
        return '{' + members.join(',') + ws() + '}';
    }

    QString text()
    {
        static const QStringList pieces = {
            u"Hello"_s,
            u" world"_s,
            u"router "_s,
            u"\u00e9t\u00e9"_s,
            u"\u4e2d\u6587"_s,
            u"\U0001F600"_s,
            u"\U0001F44D\U0001F3FD"_s,
            u"\""_s,
            u"\\"_s,
            u"/"_s,
            u"\n"_s,
            u"\t"_s,
            u"\r\n"_s,
            u"\u0001"_s,
            u"\u001f"_s,
            u"\u007f"_s,
            u"\u00a0"_s,
            u"\u2028"_s,
            u"\ufeff"_s,
            u"\uffff"_s,
            u"{\"json\": [1,2]}"_s,
            u"a"_s,
            u" "_s,
            u"1.5e10"_s,
            u"null"_s,
        };
        QString s;
        for (int i = m_rng.bounded(0, 6); i > 0; --i)
            s += pieces.at(m_rng.bounded(int(pieces.size())));
        return s;
    }

    QByteArray hex4(uint unit)
    {
        QByteArray h = QByteArray::number(unit, 16).rightJustified(4, '0');
        return "\\u" + (chance(50) ? h.toUpper() : h);
    }

    QByteArray str(const QString& s)
    {
        QByteArray out = "\"";
        for (qsizetype i = 0; i < s.size(); ++i) {
            const char16_t u = s.at(i).unicode();
            const bool pair = QChar::isHighSurrogate(u) && i + 1 < s.size() && s.at(i + 1).isLowSurrogate();
            if (u == '"') {
                out += chance(80) ? "\\\""_ba : hex4(u);
            } else if (u == '\\') {
                out += chance(80) ? "\\\\"_ba : hex4(u);
            } else if (u == '/' && chance(50)) {
                out += "\\/";
            } else if (u < 0x20) {
                const QByteArray shortForm = u == '\n'   ? "\\n"_ba
                                             : u == '\t' ? "\\t"_ba
                                             : u == '\r' ? "\\r"_ba
                                             : u == '\b' ? "\\b"_ba
                                             : u == '\f' ? "\\f"_ba
                                                         : QByteArray();
                out += (!shortForm.isEmpty() && chance(70)) ? shortForm : hex4(u);
            } else if (chance(15)) {
                out += hex4(u);
                if (pair)
                    out += hex4(s.at(++i).unicode());
            } else if (pair) {
                out += QString(s.mid(i, 2)).toUtf8();
                ++i;
            } else {
                out += QString(QChar(u)).toUtf8();
            }
        }
        return out + '"';
    }

    QByteArray number()
    {
        switch (m_rng.bounded(6)) {
        case 0:
            return "0";
        case 1:
            return QByteArray::number(m_rng.bounded(1000000));
        case 2:
            return '-' + QByteArray::number(m_rng.bounded(1, 1000));
        case 3:
            return QByteArray::number(m_rng.bounded(1000)) + '.' +
                   QByteArray::number(m_rng.bounded(1, 99999));
        case 4:
            return "1.5e" + QByteArray::number(m_rng.bounded(-5, 5)); // exponent: the fast path defers
        default:
            return "-0.000138";
        }
    }

    QByteArray otherValue(int depth)
    {
        const int kind = m_rng.bounded(depth > 3 ? 5 : 7);
        switch (kind) {
        case 0:
            return "null";
        case 1:
            return chance(50) ? "true"_ba : "false"_ba;
        case 2:
            return number();
        case 3:
        case 4:
            return str(text());
        case 5: {
            QList<QByteArray> items;
            for (int i = m_rng.bounded(4); i > 0; --i)
                items << ws() + otherValue(depth + 1) + ws();
            return '[' + items.join(',') + ws() + ']';
        }
        default: {
            QList<QByteArray> members;
            for (int i = m_rng.bounded(4); i > 0; --i)
                members << member(pick({"content"_ba, "id"_ba, "a"_ba, "role"_ba, "nested"_ba}),
                                  otherValue(depth + 1));
            return object(members);
        }
        }
    }

    QByteArray stringOrOther(const QString& s) { return chance(85) ? str(s) : otherValue(3); }
    QByteArray textOrOther() { return chance(75) ? str(text()) : chance(60) ? "null"_ba : otherValue(3); }

    QByteArray deltaLike(bool isDelta)
    {
        QList<QByteArray> members;
        if (chance(isDelta ? 20 : 60))
            members << member("role", stringOrOther(pick({u"assistant"_s, u"tool"_s, QString()})));
        if (chance(80))
            members << member("content", textOrOther());
        if (chance(20))
            members << member("reasoning", textOrOther());
        if (chance(20))
            members << member("reasoning_content", textOrOther());
        if (chance(10))
            members << member("tool_calls",
                              "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                              "{\"name\":\"get\",\"arguments\":\"{\\\"q\\\": 1}\"}}]");
        if (chance(10))
            members << member("refusal", "null");
        if (chance(10)) // near misses of the names the scanner recognises by their bytes
            members << member(pick({"contents"_ba, "conten"_ba, "role_"_ba, "reasoning_c"_ba,
                                    "reasoning_contentx"_ba, "reasonin"_ba, "tool_call"_ba, "text_"_ba}),
                              str(text()));
        if (chance(3) && !members.isEmpty())
            members << members.at(m_rng.bounded(members.size()));
        return object(members);
    }

    QByteArray choice()
    {
        QList<QByteArray> members;
        if (chance(80))
            members << member("index", "0");
        if (chance(85))
            members << member("delta", chance(95) ? deltaLike(true) : otherValue(3));
        if (chance(10))
            members << member("message", chance(90) ? deltaLike(false) : "null"_ba);
        if (chance(8))
            members << member("text", textOrOther());
        if (chance(70))
            members << member("finish_reason",
                              chance(70) ? "null"_ba
                                         : stringOrOther(pick({u"stop"_s, u"length"_s, u"error"_s})));
        if (chance(40))
            members << member("logprobs", chance(80) ? "null"_ba : otherValue(3));
        return object(members);
    }

    QByteArray choices()
    {
        if (chance(5))
            return otherValue(2);
        QList<QByteArray> items;
        const int n = chance(15) ? 0 : chance(90) ? 1 : 2;
        for (int i = 0; i < n; ++i)
            items << ws() + (chance(95) ? choice() : otherValue(2)) + ws();
        return '[' + items.join(',') + ']';
    }

    QByteArray usage()
    {
        QList<QByteArray> members;
        members << member("prompt_tokens", QByteArray::number(m_rng.bounded(5000)));
        members << member("completion_tokens", QByteArray::number(m_rng.bounded(5000)));
        if (chance(70))
            members << member("total_tokens", QByteArray::number(m_rng.bounded(10000)));
        if (chance(50))
            members << member("cost", number());
        if (chance(40))
            members << member("prompt_tokens_details",
                              "{\"cached_tokens\":" + QByteArray::number(m_rng.bounded(99)) +
                                  ",\"cache_write_tokens\":3}");
        if (chance(30))
            members << member("completion_tokens_details", "{\"reasoning_tokens\":12}");
        return object(members);
    }

    QByteArray errorValue()
    {
        switch (m_rng.bounded(4)) {
        case 0:
            return str(u"Upstream provider returned 503"_s);
        case 1:
            return "null";
        default:
            return object({member("message", str(text())),
                           member("code", chance(50) ? "502"_ba : str(u"x"_s)),
                           member("metadata", otherValue(2))});
        }
    }

    QRandomGenerator m_rng;
};

QByteArray mutate(QByteArray s, QRandomGenerator& rng)
{
    static const char alphabet[] = "{}[]\":,\\ u0123456789eE+-.tfnlr\x80\xC3\xE4\xF0\xFF\x00\x1F";
    const int kind = rng.bounded(5);
    if (s.isEmpty())
        return s;
    const qsizetype pos = rng.bounded(int(s.size()));
    switch (kind) {
    case 0:
        return s.left(pos); // truncation
    case 1:
        s[pos] = alphabet[rng.bounded(int(sizeof(alphabet) - 1))];
        return s;
    case 2:
        return s.insert(pos, alphabet[rng.bounded(int(sizeof(alphabet) - 1))]);
    case 3:
        return s.remove(pos, 1);
    default:
        return s + ' ' + char(alphabet[rng.bounded(int(sizeof(alphabet) - 1))]);
    }
}

} // namespace

class TestChatChunk : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }

    void decode_data();
    void decode();
    void malformed_data();
    void malformed();
    void everyTruncationFails();
    void reusedOutputIsReset();
    void keptStringsAreNotModified();
    void lengthGuessesNeverChangeResults();
    void lengthGuessesForNumbers();
    void fastPathAgreesOnGeneratedChunks();
    void fastPathAgreesOnMutatedChunks();
};

void TestChatChunk::decode_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("fastHandles"); // common shapes must not need the fallback
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QString>("finish");
    QTest::addColumn<QByteArray>("usage"); // Usage::toJson, compact; empty = no usage
    QTest::addColumn<QByteArray>("error"); // compact; empty = no error
    QTest::addColumn<bool>("done");

    const QString id = u"chatcmpl-test0002"_s;
    const QString model = u"anthropic/claude-sonnet-4.6"_s;
    const QString none;
    const QByteArray noJson;

    QTest::newRow("role chunk (reference)")
        << R"({"id":"chatcmpl-test0002","object":"chat.completion.chunk","created":1767225601,"model":"anthropic/claude-sonnet-4.6","choices":[{"index":0,"delta":{"role":"assistant","content":"It "},"finish_reason":null}]})"_ba
        << true << id << model << none << u"assistant"_s << u"It "_s << none << none << noJson << noJson
        << false;
    QTest::newRow("finish chunk (reference)")
        << R"({"id":"chatcmpl-test0002","object":"chat.completion.chunk","created":1767225601,"model":"anthropic/claude-sonnet-4.6","choices":[{"index":0,"delta":{"content":"forwards traffic."},"finish_reason":"stop"}]})"_ba
        << true << id << model << none << none << u"forwards traffic."_s << none << u"stop"_s << noJson
        << noJson << false;
    QTest::newRow("usage chunk with empty choices (reference)")
        << R"({"id":"chatcmpl-test0002","object":"chat.completion.chunk","created":1767225601,"model":"anthropic/claude-sonnet-4.6","choices":[],"usage":{"prompt_tokens":21,"completion_tokens":5,"total_tokens":26,"cost":0.000138}})"_ba
        << true << id << model << none << none << none << none << none
        << R"({"completion_tokens":5,"cost":0.000138,"prompt_tokens":21,"total_tokens":26})"_ba << noJson
        << false;
    QTest::newRow("usage details")
        << R"({"choices":[],"usage":{"prompt_tokens":"10","completion_tokens":4,"prompt_tokens_details":{"cached_tokens":6,"cache_write_tokens":1},"completion_tokens_details":{"reasoning_tokens":3}}})"_ba
        << true << none << none << none << none << none << none << none
        << R"({"completion_tokens":4,"completion_tokens_details":{"reasoning_tokens":3},"prompt_tokens":10,"prompt_tokens_details":{"cache_write_tokens":1,"cached_tokens":6},"total_tokens":14})"_ba
        << noJson << false;
    QTest::newRow("usage null") << R"({"id":"a","choices":[{"delta":{"content":"x"}}],"usage":null})"_ba
                                << true << u"a"_s << none << none << none << u"x"_s << none << none << noJson
                                << noJson << false;
    QTest::newRow("error object (reference)")
        << R"({"id":"chatcmpl-test0003","object":"chat.completion.chunk","created":1767225602,"model":"anthropic/claude-sonnet-4.6","error":{"message":"Upstream provider returned 503","type":"upstream_error","code":"upstream_error","param":null},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})"_ba
        << true << u"chatcmpl-test0003"_s << model << none << none << none << none << u"error"_s << noJson
        << R"({"code":"upstream_error","message":"Upstream provider returned 503","param":null,"type":"upstream_error"})"_ba
        << false;
    QTest::newRow("error object openrouter envelope")
        << R"({"error":{"code":502,"message":"Provider \"X\" failed","metadata":{"raw":[1,{"a":null}]}}})"_ba
        << true << none << none << none << none << none << none << none << noJson
        << R"({"code":502,"message":"Provider \"X\" failed","metadata":{"raw":[1,{"a":null}]}})"_ba << false;
    QTest::newRow("error string") << R"({"error":"rate limited \u2014 slow down"})"_ba << true << none << none
                                  << none << none << none << none << none << noJson
                                  << "{\"message\":\"rate limited \xE2\x80\x94 slow down\"}"_ba << false;
    QTest::newRow("error null is no error")
        << R"({"error":null,"choices":[{"delta":{"content":"ok"}}]})"_ba << true << none << none << none
        << none << u"ok"_s << none << none << noJson << noJson << false;
    QTest::newRow("done") << "[DONE]"_ba << true << none << none << none << none << none << none << none
                          << noJson << noJson << true;
    QTest::newRow("reasoning") << R"({"choices":[{"delta":{"content":"","reasoning":"Let me think"}}]})"_ba
                               << true << none << none << none << none << none << u"Let me think"_s << none
                               << noJson << noJson << false;
    QTest::newRow("reasoning_content")
        << R"({"choices":[{"delta":{"reasoning_content":"Hmm.","content":null}}]})"_ba << true << none << none
        << none << none << none << u"Hmm."_s << none << noJson << noJson << false;
    QTest::newRow("reasoning preferred over reasoning_content")
        << R"({"choices":[{"delta":{"reasoning_content":"B","reasoning":"A"}}]})"_ba << true << none << none
        << none << none << none << u"A"_s << none << noJson << noJson << false;
    QTest::newRow("empty reasoning falls back to reasoning_content")
        << R"({"choices":[{"delta":{"reasoning":"","reasoning_content":"B"}}]})"_ba << true << none << none
        << none << none << none << u"B"_s << none << noJson << noJson << false;
    QTest::newRow("provider")
        << R"({"id":"gen-1","provider":"Anthropic","model":"anthropic/claude-haiku-4.5","choices":[{"delta":{"content":"Hi"}}]})"_ba
        << true << u"gen-1"_s << u"anthropic/claude-haiku-4.5"_s << u"Anthropic"_s << none << u"Hi"_s << none
        << none << noJson << noJson << false;
    QTest::newRow("provider not a string")
        << R"({"provider":{"name":"x"},"choices":[]})"_ba << true << none << none << none << none << none
        << none << none << noJson << noJson << false;
    QTest::newRow("content null") << R"({"choices":[{"delta":{"content":null},"finish_reason":"length"}]})"_ba
                                  << true << none << none << none << none << none << none << u"length"_s
                                  << noJson << noJson << false;
    QTest::newRow("whole message in a stream chunk")
        << R"({"choices":[{"message":{"role":"assistant","content":"Full answer"},"finish_reason":"stop"}]})"_ba
        << true << none << none << none << u"assistant"_s << u"Full answer"_s << none << u"stop"_s << noJson
        << noJson << false;
    QTest::newRow("delta wins over message")
        << R"({"choices":[{"message":{"content":"M"},"delta":{"content":"D"}}]})"_ba << true << none << none
        << none << none << u"D"_s << none << none << noJson << noJson << false;
    QTest::newRow("legacy text") << R"({"choices":[{"text":"legacy","index":0,"finish_reason":null}]})"_ba
                                 << true << none << none << none << none << u"legacy"_s << none << none
                                 << noJson << noJson << false;
    QTest::newRow("only first choice")
        << R"({"choices":[{"delta":{"content":"A"}},{"delta":{"content":"B"}}]})"_ba << true << none << none
        << none << none << u"A"_s << none << none << noJson << noJson << false;
    QTest::newRow("escapes") << R"({"choices":[{"delta":{"content":"a\"b\\c\/d\ne\tf\rg\bh\fi"}}]})"_ba
                             << true << none << none << none << none << u"a\"b\\c/d\ne\tf\rg\bh\fi"_s << none
                             << none << noJson << noJson << false;
    QTest::newRow("unicode escapes")
        << R"({"choices":[{"delta":{"content":"\u00e9\u4E2D\ud83d\ude00\u0000!"}}]})"_ba << true << none
        << none << none << none << QString(u"\u00e9\u4e2d\U0001F600"_s + QChar(0) + u"!"_s) << none << none
        << noJson << noJson << false;
    QTest::newRow("raw utf-8")
        << "{\"choices\":[{\"delta\":{\"content\":\"h\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80\"}}]}"_ba << true
        << none << none << none << none << u"h\u00e9 \u4e2d \U0001F600"_s << none << none << noJson << noJson
        << false;
    QTest::newRow("lone surrogate escape kept like QJsonDocument")
        << R"({"choices":[{"delta":{"content":"x\ud800y"}}]})"_ba << true << none << none << none << none
        << QString(u"x"_s + QChar(0xD800) + u"y"_s) << none << none << noJson << noJson << false;
    QTest::newRow("whitespace everywhere")
        << " \r\n{ \"id\" : \"a\" ,\n\t\"choices\" : [ { \"delta\" : { \"content\" : \"x\" } , \"finish_reason\" : null } ] } \n"_ba
        << true << u"a"_s << none << none << none << u"x"_s << none << none << noJson << noJson << false;
    QTest::newRow("nested unknown fields")
        << R"({"x":{"a":[1,-2.5,true,false,null,{"b":"c\"}"}],"d":{}},"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{\"q\":[1]}"}}],"content":"ok"},"logprobs":{"content":[{"token":"ok"}]}}],"y":[]})"_ba
        << true << none << none << none << none << u"ok"_s << none << none << noJson << noJson << false;
    QTest::newRow("numbers")
        << R"({"a":0,"b":-0,"c":123456789012,"d":0.5,"e":-1.25,"choices":[{"index":0,"delta":{"content":"n"}}]})"_ba
        << true << none << none << none << none << u"n"_s << none << none << noJson << noJson << false;
    QTest::newRow("number with exponent (fallback)")
        << R"({"created":1.7e9,"choices":[{"delta":{"content":"e"}}]})"_ba << false << none << none << none
        << none << u"e"_s << none << none << noJson << noJson << false;
    QTest::newRow("duplicate key, last wins (fallback)")
        << R"({"choices":[{"delta":{"content":"first","content":"last"}}]})"_ba << false << none << none
        << none << none << u"last"_s << none << none << noJson << noJson << false;
    QTest::newRow("escaped member name (fallback)")
        << R"({"choices":[{"delta":{"c\u006fntent":"esc"}}]})"_ba << false << none << none << none << none
        << u"esc"_s << none << none << noJson << noJson << false;
    QTest::newRow("raw control character (fallback)")
        << "{\"choices\":[{\"delta\":{\"content\":\"a\tb\"}}]}"_ba << false << none << none << none << none
        << u"a\tb"_s << none << none << noJson << noJson << false;
    QTest::newRow("empty object") << "{}"_ba << true << none << none << none << none << none << none << none
                                  << noJson << noJson << false;
    QTest::newRow("choices not an array")
        << R"({"choices":{"delta":{"content":"x"}}})"_ba << true << none << none << none << none << none
        << none << none << noJson << noJson << false;
    QTest::newRow("id wrong type") << R"({"id":42,"model":null,"choices":[null]})"_ba << true << none << none
                                   << none << none << none << none << none << noJson << noJson << false;
}

void TestChatChunk::decode()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, fastHandles);
    QFETCH(QString, id);
    QFETCH(QString, model);
    QFETCH(QString, provider);
    QFETCH(QString, role);
    QFETCH(QString, content);
    QFETCH(QString, reasoning);
    QFETCH(QString, finish);
    QFETCH(QByteArray, usage);
    QFETCH(QByteArray, error);
    QFETCH(bool, done);

    auto check = [&](const ChatChunk& c) {
        QCOMPARE(c.id, id);
        QCOMPARE(c.model, model);
        QCOMPARE(c.provider, provider);
        QCOMPARE(c.role, role);
        QCOMPARE(c.contentDelta, content);
        QCOMPARE(c.reasoningDelta, reasoning);
        QCOMPARE(c.finishReason, finish);
        QCOMPARE(usageJson(c.usage), usage);
        QCOMPARE(errorJson(c.error), error);
        QCOMPARE(c.isDone, done);
    };

    ChatChunk viaApi;
    QString message;
    QVERIFY2(decodeChatChunk(payload, viaApi, &message), qPrintable(message));
    check(viaApi);
    if (QTest::currentTestFailed())
        return;

    ChatChunk slow;
    QVERIFY(detail::decodeChatChunkSlow(payload, slow));
    check(slow);
    if (QTest::currentTestFailed())
        return;

    ChatChunk fast;
    QCOMPARE(detail::decodeChatChunkFast(payload, fast), fastHandles);
    if (fastHandles)
        check(fast);
}

void TestChatChunk::malformed_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("messagePart");

    const QString notJson = u"not valid JSON"_s;
    QTest::newRow("empty") << QByteArray() << u"empty"_s;
    QTest::newRow("whitespace") << " \n"_ba << u"empty"_s;
    QTest::newRow("array") << "[1,2]"_ba << u"expected an object"_s;
    QTest::newRow("string") << "\"x\""_ba << notJson;
    QTest::newRow("number") << "42"_ba << notJson;
    QTest::newRow("null") << "null"_ba << notJson;
    QTest::newRow("done with space") << "[DONE] "_ba << notJson;
    QTest::newRow("done lowercase") << "[done]"_ba << notJson;
    QTest::newRow("garbage after object") << "{\"a\":1}x"_ba << notJson;
    QTest::newRow("two objects") << "{}{}"_ba << notJson;
    QTest::newRow("missing value") << "{\"a\":}"_ba << notJson;
    QTest::newRow("missing colon") << "{\"a\" 1}"_ba << notJson;
    QTest::newRow("trailing comma") << "{\"a\":1,}"_ba << notJson;
    QTest::newRow("trailing comma in array") << "{\"choices\":[{},]}"_ba << notJson;
    QTest::newRow("single quotes") << "{'a':1}"_ba << notJson;
    QTest::newRow("bare word") << "{\"a\":nul}"_ba << notJson;
    QTest::newRow("invalid utf-8 in content")
        << "{\"choices\":[{\"delta\":{\"content\":\"\xC3(\"}}]}"_ba << notJson;
    QTest::newRow("invalid utf-8 in skipped value") << "{\"x\":\"\xFF\",\"choices\":[]}"_ba << notJson;
    QTest::newRow("overlong utf-8") << "{\"x\":\"\xC0\xAF\"}"_ba << notJson;
    QTest::newRow("encoded surrogate") << "{\"x\":\"\xED\xA0\x80\"}"_ba << notJson;
    QTest::newRow("short unicode escape") << "{\"x\":\"\\u12\"}"_ba << notJson;
    QTest::newRow("bad hex in escape") << "{\"x\":\"\\u12G4\"}"_ba << notJson;
    QTest::newRow("unterminated string") << "{\"choices\":[{\"delta\":{\"content\":\"abc"_ba << notJson;
    QTest::newRow("unterminated nested") << "{\"choices\":[{\"delta\":{\"content\":\"abc\"}}"_ba << notJson;
    QTest::newRow("deep nesting") << ("{\"x\":" + QByteArray(5000, '[') + QByteArray(5000, ']') + "}")
                                  << notJson;
}

void TestChatChunk::malformed()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, messagePart);

    ChatChunk out;
    QString message;
    QVERIFY(!decodeChatChunk(payload, out, &message));
    QVERIFY2(message.contains(messagePart), qPrintable(message));
    QVERIFY(!detail::decodeChatChunkFast(payload, out));
    QVERIFY(!decodeChatChunk(payload, out)); // no message requested: still just false
}

void TestChatChunk::everyTruncationFails()
{
    // Every proper prefix of a chunk is malformed; decoding must say so, never read past the end.
    const QByteArray payloads[] = {
        R"({"id":"chatcmpl-1","provider":"OpenAI","choices":[{"index":0,"delta":{"role":"assistant","content":"h\u00e9\"\\\ud83d\ude00 x","reasoning":"r"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"cost":0.5},"error":{"message":"m"}})"_ba,
        "{\"choices\":[{\"delta\":{\"content\":\"\xE4\xB8\xAD\xF0\x9F\x98\x80 -12.5e3 true false null\"}}],\"n\":[-0.5,true,false,null,{}]}"_ba,
    };
    for (const QByteArray& full : payloads) {
        ChatChunk reference;
        QVERIFY(decodeChatChunk(full, reference));
        for (qsizetype n = 0; n < full.size(); ++n) {
            // A heap copy of exactly n bytes (no terminating NUL), so an over-read is visible to
            // AddressSanitizer builds.
            const std::unique_ptr<char[]> copy(new char[size_t(std::max<qsizetype>(n, 1))]);
            std::memcpy(copy.get(), full.constData(), size_t(n));
            const QByteArrayView prefix(copy.get(), n);
            ChatChunk out;
            QString message;
            QVERIFY2(!decodeChatChunk(prefix, out, &message), full.left(n).constData());
            QVERIFY(!message.isEmpty());
        }
    }
}

void TestChatChunk::reusedOutputIsReset()
{
    ChatChunk out;
    QVERIFY(decodeChatChunk(
        R"({"id":"a","model":"m","provider":"P","choices":[{"delta":{"role":"assistant","content":"x","reasoning":"r"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1},"error":"e"})",
        out));
    QCOMPARE(out.contentDelta, u"x"_s);
    QVERIFY(out.usage.has_value());
    QVERIFY(!out.error.isEmpty());

    QVERIFY(decodeChatChunk(R"({"id":"b","choices":[{"delta":{"content":"y"}}]})", out));
    ChatChunk expected;
    expected.id = u"b"_s;
    expected.contentDelta = u"y"_s;
    QVERIFY2(same(out, expected), qPrintable(describe(out)));

    QVERIFY(decodeChatChunk("[DONE]", out));
    expected = ChatChunk();
    expected.isDone = true;
    QVERIFY2(same(out, expected), qPrintable(describe(out)));

    QVERIFY(decodeChatChunk(R"({"id":"c"})", out));
    expected = ChatChunk();
    expected.id = u"c"_s;
    QVERIFY2(same(out, expected), qPrintable(describe(out)));
}

void TestChatChunk::keptStringsAreNotModified()
{
    // A consumer keeping (implicitly sharing) a decoded string must not see it change when the
    // decoder reuses the same ChatChunk for the next payload.
    ChatChunk out;
    QVERIFY(decodeChatChunk(R"({"id":"same","choices":[{"delta":{"content":"first \u00e9"}}]})", out));
    const QString keptContent = out.contentDelta;
    const QString keptId = out.id;
    QVERIFY(decodeChatChunk(R"({"id":"same","choices":[{"delta":{"content":"second"}}]})", out));
    QCOMPARE(keptContent, u"first \u00e9"_s);
    QCOMPARE(out.contentDelta, u"second"_s);
    const QString kept2 = out.contentDelta;
    QVERIFY(decodeChatChunk(R"({"id":"other","choices":[{"delta":{"content":"third \ud83d\ude00"}}]})", out));
    QCOMPARE(kept2, u"second"_s);
    QCOMPARE(keptId, u"same"_s);
    QCOMPARE(out.id, u"other"_s);
    QCOMPARE(out.contentDelta, u"third \U0001F600"_s);
    const QString kept3 = out.contentDelta;
    QVERIFY(decodeChatChunk(R"({"choices":[]})", out));
    QCOMPARE(kept3, u"third \U0001F600"_s);
    QVERIFY(out.contentDelta.isEmpty());
}

void TestChatChunk::lengthGuessesNeverChangeResults()
{
    // The scanner bets that a top-level string is as long as in the previous chunk (ids and models
    // repeat). Right or wrong, and whatever sits where the bet puts the closing quote, the result
    // must be the reference path's.
    const QList<QByteArray> strings = {
        R"("0123456789abcdefghij")",
        R"("0123456789abcdefghiX")",
        R"("0123456789abcdefgh\u0041")",
        R"("0123456789abcdefgh\"j")",
        R"("0123456789abcdefghi")",
        R"("0123456789abcdefghijk")",
        "\"0123456789abcdefgh\xC3\xA9\"",
        "\"0123456789abcdefghi\xC3\xA9\"",
        R"("0123456789abcdefgh\\")",
        R"("")",
        R"("x")",
        R"("0123456789abcdefghijklmnopqrstu")",
        R"("0123456789abcdefghijklmnopqrstuv")",
    };
    ChatChunk fast;
    for (int round = 0; round < 3; ++round) {
        for (const QByteArray& a : strings) {
            for (const QByteArray& b : {strings.first(), a, strings.at(round)}) {
                const QByteArray payload = "{\"id\":" + a + ",\"provider\":" + b + ",\"model\":" + a +
                                           ",\"object\":" + b + ",\"system_fingerprint\":" + a +
                                           R"(,"choices":[{"delta":{"content":)" + b + "}}]}";
                ChatChunk slow;
                QVERIFY(detail::decodeChatChunkSlow(payload, slow));
                QVERIFY2(detail::decodeChatChunkFast(payload, fast), payload.constData());
                if (!same(fast, slow))
                    QFAIL(qPrintable(u"payload: %1\nfast: %2\nslow: %3"_s.arg(
                        QString::fromUtf8(payload), describe(fast), describe(slow))));
            }
        }
    }
}

void TestChatChunk::lengthGuessesForNumbers()
{
    // The same bet for "created": whatever number follows, fast and reference paths agree, and
    // malformed numbers are still rejected.
    const QList<QByteArray> numbers = {
        "1767225601",
        "1767225602",
        "176722560",
        "17672256012",
        "1767225601.5",
        "1767225601e3",
        "1767225601E3",
        "0",
        "7",
        "01",
        "-1767225601",
        "1767225601 ",
        "1767225601x",
        "17672256010000",
        "1767225601",
        "1767225601",
        "999999999999999",
        "1.",
        "1767225601.",
    };
    ChatChunk fast;
    for (int round = 0; round < 2; ++round) {
        for (const QByteArray& n : numbers) {
            const QByteArray payload = R"({"id":"x","object":"chat.completion.chunk","created":)" + n +
                                       R"(,"model":"m","choices":[{"delta":{"content":"c"}}]})";
            ChatChunk slow;
            const bool slowOk = detail::decodeChatChunkSlow(payload, slow);
            const bool fastOk = detail::decodeChatChunkFast(payload, fast);
            if (fastOk && (!slowOk || !same(fast, slow)))
                QFAIL(payload.constData());
            ChatChunk viaApi;
            QCOMPARE(decodeChatChunk(payload, viaApi), slowOk);
        }
    }
    // The plain ones must not all have fallen back.
    QVERIFY(detail::decodeChatChunkFast(R"({"created":1767225601,"choices":[]})", fast));
    QVERIFY(detail::decodeChatChunkFast(R"({"created":1767225601,"choices":[]})", fast));
    QVERIFY(!detail::decodeChatChunkFast(R"({"created":1767225601x,"choices":[]})", fast));
    QVERIFY(!detail::decodeChatChunkFast(R"({"created":0176722560,"choices":[]})", fast));
}

void TestChatChunk::fastPathAgreesOnGeneratedChunks()
{
    ChunkGenerator gen(20260101);
    ChatChunk fast; // reused on purpose: stale fields must never leak into the next decode
    int handled = 0;
    constexpr int kCount = 30000;
    for (int i = 0; i < kCount; ++i) {
        const QByteArray payload = gen.chunk();
        ChatChunk slow;
        QString message;
        if (!detail::decodeChatChunkSlow(payload, slow, &message))
            QFAIL(qPrintable(message + u"\n"_s + QString::fromUtf8(payload)));
        if (!detail::decodeChatChunkFast(payload, fast))
            continue;
        ++handled;
        if (!same(fast, slow))
            QFAIL(qPrintable(u"payload: %1\nfast: %2\nslow: %3"_s.arg(QString::fromUtf8(payload),
                                                                      describe(fast), describe(slow))));
    }
    qInfo("fast path decoded %d of %d generated chunks itself", handled, kCount);
    // The generator writes exponents and duplicate members now and then; everything else must be
    // taken by the fast path, or the benchmark measures the fallback.
    QVERIFY2(handled > kCount * 7 / 10, qPrintable(QString::number(handled)));
}

void TestChatChunk::fastPathAgreesOnMutatedChunks()
{
    ChunkGenerator gen(777);
    QRandomGenerator& rng = gen.rng();
    ChatChunk fast;
    int fastAccepted = 0;
    int rejected = 0;
    for (int i = 0; i < 30000; ++i) {
        QByteArray payload = gen.chunk();
        for (int m = rng.bounded(1, 4); m > 0; --m)
            payload = mutate(payload, rng);
        ChatChunk slow;
        QString message;
        const bool slowOk = detail::decodeChatChunkSlow(payload, slow, &message);
        const bool fastOk = detail::decodeChatChunkFast(payload, fast);
        if (fastOk) {
            ++fastAccepted;
            if (!slowOk)
                QFAIL(qPrintable(u"fast accepted what QJsonDocument rejects (%1): %2"_s.arg(
                    message, QString::fromLatin1(payload.toPercentEncoding()))));
            if (!same(fast, slow))
                QFAIL(qPrintable(u"payload: %1\nfast: %2\nslow: %3"_s.arg(QString::fromUtf8(payload),
                                                                          describe(fast), describe(slow))));
        }
        ChatChunk viaApi;
        QString apiMessage;
        const bool apiOk = decodeChatChunk(payload, viaApi, &apiMessage);
        QCOMPARE(apiOk, slowOk);
        if (!apiOk) {
            ++rejected;
            QVERIFY(!apiMessage.isEmpty());
        }
    }
    // Both outcomes must actually occur, or this test checks nothing.
    QVERIFY(fastAccepted > 1000);
    QVERIFY(rejected > 1000);
}

QTEST_GUILESS_MAIN(TestChatChunk)
#include "TestChatChunk.moc"
