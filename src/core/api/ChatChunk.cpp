// ChatChunk decoding. The fast path is a strict, allocation-light JSON scanner for the chunk shape
// that arrives once per token; whenever it meets something it does not fully understand (or any
// malformed input) it gives up and QJsonDocument decides, so both paths always agree. Rare, nested
// parts (usage, error objects) are validated by the scanner and then handed to QJsonDocument.
#include "core/api/ChatChunk.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// The member callbacks of the scanner are worth inlining (measured); compilers without the
// attribute simply decide for themselves.
#if defined(__GNUC__)
#define ANYROUTER_INLINE_LAMBDA __attribute__((always_inline))
#else
#define ANYROUTER_INLINE_LAMBDA
#endif

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// ---------------------------------------------------------------------------------------------
// Shared helpers

const QByteArrayView kDone = "[DONE]";

// Empties a string but keeps its buffer for the next chunk unless it is shared with a consumer.
inline void clearKeep(QString& s)
{
    if (s.isEmpty())
        return;
    if (s.isDetached())
        s.resize(0);
    else
        s = QString();
}

// ---------------------------------------------------------------------------------------------
// Slow (reference) path

QString firstNonEmptyString(std::initializer_list<QJsonValue> candidates)
{
    for (const QJsonValue& v : candidates) {
        if (v.isString()) {
            QString s = v.toString();
            if (!s.isEmpty())
                return s;
        }
    }
    return {};
}

void fillFromObject(const QJsonObject& o, ChatChunk& out)
{
    out.id = o.value("id"_L1).toString();
    out.model = o.value("model"_L1).toString();
    out.provider = o.value("provider"_L1).toString();

    const QJsonValue error = o.value("error"_L1);
    if (error.isObject())
        out.error = error.toObject();
    else if (error.isString())
        out.error = QJsonObject{{u"message"_s, error.toString()}};

    const QJsonValue usage = o.value("usage"_L1);
    if (usage.isObject())
        out.usage = Usage::fromJson(usage.toObject());

    const QJsonValue choices = o.value("choices"_L1);
    QJsonObject choice;
    if (choices.isArray()) {
        const QJsonArray array = choices.toArray();
        if (!array.isEmpty())
            choice = array.at(0).toObject();
    }
    const QJsonObject delta = choice.value("delta"_L1).toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();
    out.contentDelta = firstNonEmptyString(
        {delta.value("content"_L1), message.value("content"_L1), choice.value("text"_L1)});
    out.reasoningDelta =
        firstNonEmptyString({delta.value("reasoning"_L1), delta.value("reasoning_content"_L1),
                             message.value("reasoning"_L1), message.value("reasoning_content"_L1)});
    out.role = firstNonEmptyString({delta.value("role"_L1), message.value("role"_L1)});
    out.finishReason = choice.value("finish_reason"_L1).toString();
}

// ---------------------------------------------------------------------------------------------
// Fast path: a strict JSON scanner. Scanning functions take the position by value and return the
// position after what they consumed, or nullptr to mean "let QJsonDocument decide"; that covers
// malformed input and the valid-but-unusual (exponents, duplicate members of interest, escaped
// member names, raw control characters, deep nesting) alike. Literals are compared with their
// compile-time length: QByteArrayView's char-array constructor searches for a NUL, which showed up
// as a hot memchr in profiles.

using Pos = const uchar*;

enum CharClass : uchar
{
    Plain = 0,
    Quote,
    Backslash,
    Control,
    NonAscii
};

constexpr std::array<uchar, 256> makeCharClasses()
{
    std::array<uchar, 256> t{};
    for (int c = 0; c < 256; ++c) {
        if (c < 0x20)
            t[c] = Control;
        else if (c == '"')
            t[c] = Quote;
        else if (c == '\\')
            t[c] = Backslash;
        else if (c >= 0x80)
            t[c] = NonAscii;
        else
            t[c] = Plain;
    }
    return t;
}
constexpr std::array<uchar, 256> kClass = makeCharClasses();

constexpr int kMaxDepth = 128;          // deeper values go to QJsonDocument (its limit is 1024)
constexpr qsizetype kMaxNumberLen = 40; // shorter numbers without exponent are always finite

inline bool isJsonSpace(uchar c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Skips whitespace. Callers check p < end themselves (every caller needs another token).
inline Pos skipWs(Pos p, Pos end)
{
    // Compact JSON is the norm: one compare settles it.
    while (p < end && *p <= ' ' && isJsonSpace(*p))
        ++p;
    return p;
}

#if defined(__SSE2__)
// Bit i set when byte i of the 16 at p needs attention: quote, backslash, control or non-ASCII.
inline int specialMask16(Pos p)
{
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" also flags non-ASCII.
    const __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return _mm_movemask_epi8(special);
}
#endif

// Advances past plain (printable ASCII, not quote or backslash) bytes.
inline Pos skipPlain(Pos p, Pos end)
{
#if defined(__SSE2__)
    while (end - p >= 16) {
        const int mask = specialMask16(p);
        if (mask != 0)
            return p + __builtin_ctz(unsigned(mask));
        p += 16;
    }
#endif
    while (p < end && kClass[*p] == Plain)
        ++p;
    return p;
}

// Copies plain bytes to d, widened to UTF-16, up to the next byte that needs attention. The caller
// guarantees room for as many units as there are bytes left in the input.
inline Pos copyPlain(Pos p, Pos end, char16_t*& d)
{
#if defined(__SSE2__)
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // Store all 16 widened bytes first (the room guarantee covers it), then advance by the
        // plain prefix only.
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d), _mm_unpacklo_epi8(v, _mm_setzero_si128()));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 8), _mm_unpackhi_epi8(v, _mm_setzero_si128()));
        const int mask = specialMask16(p);
        if (mask != 0) {
            const int plain = __builtin_ctz(unsigned(mask));
            d += plain;
            return p + plain;
        }
        p += 16;
        d += 16;
    }
#endif
    while (p < end && kClass[*p] == Plain)
        *d++ = *p++;
    return p;
}

// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF). p at the lead byte;
// returns the position after the sequence, or nullptr.
inline Pos decodeUtf8(Pos p, Pos end, char32_t& cp)
{
    const qsizetype avail = end - p;
    const uchar b0 = p[0];
    auto cont = [](uchar b) { return (b & 0xC0) == 0x80; };
    if (b0 < 0xC2)
        return nullptr;
    if (b0 < 0xE0) {
        if (avail < 2 || !cont(p[1]))
            return nullptr;
        cp = (char32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F);
        return p + 2;
    }
    if (b0 < 0xF0) {
        if (avail < 3)
            return nullptr;
        const uchar lo = b0 == 0xE0 ? 0xA0 : 0x80;
        const uchar hi = b0 == 0xED ? 0x9F : 0xBF;
        if (p[1] < lo || p[1] > hi || !cont(p[2]))
            return nullptr;
        cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return p + 3;
    }
    if (b0 < 0xF5) {
        if (avail < 4)
            return nullptr;
        const uchar lo = b0 == 0xF0 ? 0x90 : 0x80;
        const uchar hi = b0 == 0xF4 ? 0x8F : 0xBF;
        if (p[1] < lo || p[1] > hi || !cont(p[2]) || !cont(p[3]))
            return nullptr;
        cp = (char32_t(b0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) | (char32_t(p[2] & 0x3F) << 6) |
             (p[3] & 0x3F);
        return p + 4;
    }
    return nullptr;
}

inline int hexValue(uchar h)
{
    if (h >= '0' && h <= '9')
        return h - '0';
    if (h >= 'a' && h <= 'f')
        return h - 'a' + 10;
    if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
    return -1;
}

// p at a backslash. Produces one UTF-16 code unit: like QJsonDocument, \uXXXX escapes append
// their code unit as is, so a surrogate pair written as two escapes becomes that pair.
inline Pos decodeEscape(Pos p, Pos end, char16_t& unit)
{
    if (end - p < 2)
        return nullptr;
    switch (p[1]) {
    case '"':
        unit = u'"';
        return p + 2;
    case '\\':
        unit = u'\\';
        return p + 2;
    case '/':
        unit = u'/';
        return p + 2;
    case 'b':
        unit = 0x08;
        return p + 2;
    case 'f':
        unit = 0x0C;
        return p + 2;
    case 'n':
        unit = 0x0A;
        return p + 2;
    case 'r':
        unit = 0x0D;
        return p + 2;
    case 't':
        unit = 0x09;
        return p + 2;
    case 'u': {
        if (end - p < 6)
            return nullptr;
        const int h0 = hexValue(p[2]), h1 = hexValue(p[3]), h2 = hexValue(p[4]), h3 = hexValue(p[5]);
        if ((h0 | h1 | h2 | h3) < 0)
            return nullptr;
        unit = char16_t((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
        return p + 6;
    }
    default:
        return nullptr; // QJsonDocument is lenient here; let it decide
    }
}

// p just after the opening quote; returns the position after the closing quote.
Pos skipStringBody(Pos p, Pos end)
{
    while (true) {
        p = skipPlain(p, end);
        if (p >= end)
            return nullptr;
        switch (kClass[*p]) {
        case Quote:
            return p + 1;
        case Backslash: {
            char16_t unit;
            p = decodeEscape(p, end, unit);
            break;
        }
        case NonAscii: {
            char32_t cp;
            p = decodeUtf8(p, end, cp);
            break;
        }
        default:
            return nullptr;
        }
        if (!p)
            return nullptr;
    }
}

// Sets dst to the ASCII bytes [s, s + n).
inline void assignAscii(QString& dst, Pos s, qsizetype n, bool reuseEqual)
{
    if (!dst.isDetached() && reuseEqual && dst.size() == n) {
        // Shared with a consumer (id, model and provider repeat in every chunk): keep the shared
        // value when it is equal instead of detaching.
        const char16_t* e = reinterpret_cast<const char16_t*>(dst.constData());
        qsizetype i = 0;
        while (i < n && e[i] == s[i])
            ++i;
        if (i == n)
            return;
    }
    if (dst.size() != n || !dst.isDetached())
        dst.resize(n);
    char16_t* d = reinterpret_cast<char16_t*>(dst.data());
    for (qsizetype i = 0; i < n; ++i)
        d[i] = s[i];
}

// QJsonDocument drops a raw UTF-8 BOM at the start of a string without escapes (it goes through
// QString::fromUtf8); such strings are left to it so both paths agree.
inline bool startsWithBom(Pos p, Pos end)
{
    return end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF;
}

// Decodes string content from p (just after the opening quote) into d, up to the closing quote;
// returns the position after it. d needs room for as many units as there are bytes left.
inline Pos decodeInto(Pos p, Pos end, char16_t*& d)
{
    while (true) {
        p = copyPlain(p, end, d);
        if (p >= end)
            return nullptr;
        switch (kClass[*p]) {
        case Quote:
            return p + 1;
        case Backslash:
            p = decodeEscape(p, end, *d);
            ++d;
            break;
        case NonAscii:
            // Non-ASCII text comes in runs (CJK, Cyrillic, emoji): stay here for the whole run.
            do {
                char32_t cp = 0;
                if (!(p = decodeUtf8(p, end, cp)))
                    return nullptr;
                if (cp >= 0x10000) {
                    *d++ = QChar::highSurrogate(cp);
                    *d++ = QChar::lowSurrogate(cp);
                } else {
                    *d++ = char16_t(cp);
                }
            } while (p < end && *p >= 0x80);
            break;
        default:
            return nullptr;
        }
        if (!p)
            return nullptr;
    }
}

// p just after the opening quote; decodes the string into dst and returns the position after the
// closing quote.
Pos decodeStringBody(Pos p, Pos end, QString& dst, bool reuseEqual = false)
{
    const Pos start = p;
    if (startsWithBom(start, end))
        return nullptr;
    p = skipPlain(p, end);
    if (p >= end)
        return nullptr;
    if (*p == '"') {
        assignAscii(dst, start, p - start, reuseEqual);
        return p + 1;
    }
    // Escapes or non-ASCII. Every input byte yields at most one UTF-16 unit, so the rest of the
    // payload bounds the decoded length.
    const qsizetype bound = end - start;
    dst.resize(bound);
    char16_t* const d0 = reinterpret_cast<char16_t*>(dst.data());
    char16_t* d = d0;
    if (!(p = decodeInto(start, end, d)))
        return nullptr;
    dst.resize(d - d0);
    return p;
}

// p at a digit or '-'. Strict RFC 8259 grammar; exponents and very long numbers are left to
// QJsonDocument, which rejects values outside the double range.
inline Pos skipNumber(Pos p, Pos end)
{
    const Pos start = p;
    auto digit = [&p, end] { return p < end && *p >= '0' && *p <= '9'; };
    if (*p == '-')
        ++p;
    if (p >= end)
        return nullptr;
    if (*p == '0') {
        ++p;
    } else if (digit()) {
        while (digit())
            ++p;
    } else {
        return nullptr;
    }
    if (p < end && *p == '.') {
        ++p;
        if (!digit())
            return nullptr;
        while (digit())
            ++p;
    }
    if (p < end && (*p == 'e' || *p == 'E'))
        return nullptr;
    return p - start <= kMaxNumberLen ? p : nullptr;
}

template <size_t N> inline Pos skipLiteral(Pos p, Pos end, const char (&word)[N])
{
    constexpr qsizetype n = qsizetype(N - 1);
    if (end - p < n || std::memcmp(p, word, size_t(n)) != 0)
        return nullptr;
    return p + n;
}

Pos skipValue(Pos p, Pos end, int depth);

Pos skipObject(Pos p, Pos end, int depth)
{
    if (depth > kMaxDepth)
        return nullptr;
    p = skipWs(p + 1, end);
    if (p >= end)
        return nullptr;
    if (*p == '}')
        return p + 1;
    while (true) {
        if (*p != '"' || !(p = skipStringBody(p + 1, end)))
            return nullptr;
        p = skipWs(p, end);
        if (p >= end || *p != ':')
            return nullptr;
        p = skipWs(p + 1, end);
        if (p >= end || !(p = skipValue(p, end, depth + 1)))
            return nullptr;
        p = skipWs(p, end);
        if (p >= end)
            return nullptr;
        if (*p == '}')
            return p + 1;
        if (*p != ',')
            return nullptr;
        p = skipWs(p + 1, end);
        if (p >= end)
            return nullptr;
    }
}

Pos skipArray(Pos p, Pos end, int depth)
{
    if (depth > kMaxDepth)
        return nullptr;
    p = skipWs(p + 1, end);
    if (p >= end)
        return nullptr;
    if (*p == ']')
        return p + 1;
    while (true) {
        if (!(p = skipValue(p, end, depth + 1)))
            return nullptr;
        p = skipWs(p, end);
        if (p >= end)
            return nullptr;
        if (*p == ']')
            return p + 1;
        if (*p != ',')
            return nullptr;
        p = skipWs(p + 1, end);
        if (p >= end)
            return nullptr;
    }
}

// p at the first byte of a value (callers have skipped whitespace and checked p < end).
Pos skipValue(Pos p, Pos end, int depth)
{
    switch (*p) {
    case '"':
        return skipStringBody(p + 1, end);
    case '{':
        return skipObject(p, end, depth);
    case '[':
        return skipArray(p, end, depth);
    case 't':
        return skipLiteral(p, end, "true");
    case 'f':
        return skipLiteral(p, end, "false");
    case 'n':
        return skipLiteral(p, end, "null");
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9'))
            return skipNumber(p, end);
        return nullptr;
    }
}

// The values met in every chunk (short strings, numbers, null) without a call; the rest through
// skipValue().
inline Pos skipValueInline(Pos p, Pos end, int depth)
{
    if (*p == '"')
        return skipStringBody(p + 1, end);
    if (*p == 'n')
        return skipLiteral(p, end, "null");
    if ((*p >= '0' && *p <= '9') || *p == '-')
        return skipNumber(p, end);
    return skipValue(p, end, depth);
}

// p just after an opening quote. When the string is plain ASCII and exactly `length` bytes long,
// returns the position of its closing quote; otherwise nullptr (the caller scans normally).
inline Pos plainEndIfLength(Pos p, Pos end, qsizetype length)
{
#if defined(__SSE2__)
    if (length <= 0 || length > 31 || end - p < 32)
        return nullptr;
    const unsigned m = unsigned(specialMask16(p)) | (unsigned(specialMask16(p + 16)) << 16);
    if ((m & ((2u << length) - 1)) != (1u << length) || p[length] != '"')
        return nullptr;
    return p + length;
#else
    Q_UNUSED(p);
    Q_UNUSED(end);
    Q_UNUSED(length);
    return nullptr;
#endif
}

// p at the first digit of a non-negative integer. When it is exactly `length` digits long (and no
// fraction or exponent follows), returns the position after it; otherwise nullptr.
inline Pos integerEndIfLength(Pos p, Pos end, qsizetype length)
{
#if defined(__SSE2__)
    if (length <= 0 || length > 15 || end - p < 16 || (*p == '0' && length > 1))
        return nullptr;
    const __m128i v = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_set1_epi8('0'));
    const __m128i nine = _mm_set1_epi8(9);
    const unsigned digits = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v, nine), nine)));
    const unsigned want = (1u << length) - 1;
    if ((digits & ((want << 1) | 1)) != want || p[length] == '.' || p[length] == 'e' || p[length] == 'E')
        return nullptr;
    return p + length;
#else
    Q_UNUSED(p);
    Q_UNUSED(end);
    Q_UNUSED(length);
    return nullptr;
#endif
}

// p at the opening quote of a member name. Names with escapes go to QJsonDocument, since an
// escaped name may spell one we look for.
inline Pos readKey(Pos p, Pos end, QByteArrayView& key)
{
    const Pos start = ++p;
    if (startsWithBom(start, end))
        return nullptr;
    while (true) {
        p = skipPlain(p, end);
        if (p >= end)
            return nullptr;
        if (*p == '"') {
            key = QByteArrayView(start, p - start);
            return p + 1;
        }
        char32_t cp;
        if (kClass[*p] != NonAscii || !(p = decodeUtf8(p, end, cp)))
            return nullptr;
    }
}

// The member names of chat chunks: the ones we read, and the ones every chunk carries that we skip.
enum class Key
{
    Other,
    Id,
    Model,
    Provider,
    Choices,
    Usage,
    Error,
    Delta,
    Message,
    Text,
    FinishReason,
    Content,
    Role,
    Reasoning,
    ReasoningContent,
    Object,            // skipped, but told apart for lengthGuess()
    SystemFingerprint, // likewise
    Created,           // likewise
    Known,             // another common name we skip (created, index, logprobs, ...)
};

// name followed by its closing quote at p?
template <size_t N> inline bool nameAt(Pos p, Pos end, const char (&name)[N])
{
    return end - p >= qsizetype(N) && std::memcmp(p, name, N - 1) == 0 && p[N - 1] == '"';
}

// Recognises a member name by its bytes (p just after its opening quote) without scanning for the
// closing quote first: the next position then follows from the name's length, which keeps the
// scanner's dependency chain short. Anything else goes through readKey().
inline Key matchKey(Pos p, Pos end, Pos& next)
{
#define ANYROUTER_KEY(name, id)                                                                              \
    if (nameAt(p, end, name)) {                                                                              \
        next = p + sizeof(name);                                                                             \
        return id;                                                                                           \
    }
    if (p >= end)
        return Key::Other;
    switch (*p) {
    case 'c':
        ANYROUTER_KEY("content", Key::Content)
        ANYROUTER_KEY("choices", Key::Choices)
        ANYROUTER_KEY("created", Key::Created)
        break;
    case 'd':
        ANYROUTER_KEY("delta", Key::Delta)
        break;
    case 'e':
        ANYROUTER_KEY("error", Key::Error)
        break;
    case 'f':
        ANYROUTER_KEY("finish_reason", Key::FinishReason)
        break;
    case 'i':
        ANYROUTER_KEY("id", Key::Id)
        ANYROUTER_KEY("index", Key::Known)
        break;
    case 'l':
        ANYROUTER_KEY("logprobs", Key::Known)
        break;
    case 'm':
        ANYROUTER_KEY("model", Key::Model)
        ANYROUTER_KEY("message", Key::Message)
        break;
    case 'n':
        ANYROUTER_KEY("native_finish_reason", Key::Known)
        break;
    case 'o':
        ANYROUTER_KEY("object", Key::Object)
        break;
    case 'p':
        ANYROUTER_KEY("provider", Key::Provider)
        break;
    case 'r':
        ANYROUTER_KEY("role", Key::Role)
        ANYROUTER_KEY("reasoning", Key::Reasoning)
        ANYROUTER_KEY("reasoning_content", Key::ReasoningContent)
        ANYROUTER_KEY("reasoning_details", Key::Known)
        ANYROUTER_KEY("refusal", Key::Known)
        break;
    case 's':
        ANYROUTER_KEY("system_fingerprint", Key::SystemFingerprint)
        break;
    case 't':
        ANYROUTER_KEY("text", Key::Text)
        ANYROUTER_KEY("tool_calls", Key::Known)
        break;
    case 'u':
        ANYROUTER_KEY("usage", Key::Usage)
        break;
    default:
        break;
    }
#undef ANYROUTER_KEY
    return Key::Other;
}

// Walks the members of an object (p at '{'), calling onMember(key, p) with p at each value;
// onMember returns the position after the value (or nullptr). Compact JSON is tried first at each
// step, whitespace handled when present.
template <typename OnMember> inline Pos forEachMember(Pos p, Pos end, OnMember&& onMember)
{
    p = skipWs(p + 1, end);
    if (p >= end)
        return nullptr;
    if (*p == '}')
        return p + 1;
    while (true) {
        if (*p != '"')
            return nullptr;
        Pos next = nullptr;
        const Key key = matchKey(p + 1, end, next);
        if (key != Key::Other) {
            p = next;
        } else {
            QByteArrayView name;
            if (!(p = readKey(p, end, name)))
                return nullptr;
        }
        if (p < end && *p == ':') {
            ++p;
        } else {
            p = skipWs(p, end);
            if (p >= end || *p != ':')
                return nullptr;
            ++p;
        }
        if (p < end && *p <= ' ')
            p = skipWs(p, end);
        if (p >= end || !(p = onMember(key, p)))
            return nullptr;
        if (p < end && *p <= ' ')
            p = skipWs(p, end);
        if (p >= end)
            return nullptr;
        if (*p == ',') {
            p = skipWs(p + 1, end);
            if (p >= end)
                return nullptr;
            continue;
        }
        if (*p == '}')
            return p + 1;
        return nullptr;
    }
}

// Marks a member name as seen in the current object; false on a repeat, because QJsonDocument
// keeps the last duplicate and the scanner would rather not replicate that.
inline bool firstSeen(unsigned& seen, unsigned bit)
{
    if (seen & bit)
        return false;
    seen |= bit;
    return true;
}

class FastDecoder
{
public:
    explicit FastDecoder(ChatChunk& out) : m_out(out) {}

    bool run(QByteArrayView data)
    {
        Pos p = reinterpret_cast<Pos>(data.data());
        m_end = p + data.size();
        p = skipWs(p, m_end);
        if (p >= m_end || *p != '{')
            return false;
        p = parseTop(p);
        if (!p || skipWs(p, m_end) != m_end)
            return false;
        finish();
        return true;
    }

private:
    // A candidate for a "first non-empty string wins" field: decoded only when it beats what the
    // field already holds; empty strings and non-strings do not count.
    Pos candidate(Pos p, QString& dst, int& held, int priority, int depth)
    {
        if (*p != '"')
            return skipValueInline(p, m_end, depth);
        if (m_end - p >= 2 && p[1] == '"')
            return p + 2;
        if (priority <= held)
            return skipStringBody(p + 1, m_end);
        held = priority;
        return decodeStringBody(p + 1, m_end, dst);
    }

    Pos stringField(Pos p, QString& dst, bool& set, int depth, bool reuseEqual = false)
    {
        if (*p != '"')
            return skipValueInline(p, m_end, depth);
        set = true;
        return decodeStringBody(p + 1, m_end, dst, reuseEqual);
    }

    // Top-level values repeat their length from chunk to chunk (id, model, provider, object,
    // system_fingerprint, created): when the last length still fits, the scanner knows where the
    // value ends before its bytes are checked, so the check runs alongside the rest of the parse
    // instead of in front of it. Every byte is still validated; a wrong guess only costs the scan.
    // Per thread, as a scanner used from several threads must not share it.
    static quint8& lengthGuess(Key key)
    {
        thread_local std::array<quint8, 32> guesses{};
        return guesses[size_t(key) & 31];
    }

    Pos guessedStringField(Pos p, Key key, QString& dst, bool& set)
    {
        if (*p != '"')
            return skipValueInline(p, m_end, 1);
        set = true;
        quint8& guess = lengthGuess(key);
        if (const Pos q = plainEndIfLength(p + 1, m_end, guess)) {
            assignAscii(dst, p + 1, guess, true);
            return q + 1;
        }
        const Pos q = decodeStringBody(p + 1, m_end, dst, true);
        if (q)
            guess = quint8(std::min<qsizetype>(q - p - 2, 255));
        return q;
    }

    Pos guessedSkip(Pos p, Key key)
    {
        if (*p >= '0' && *p <= '9') {
            quint8& guess = lengthGuess(key);
            if (const Pos q = integerEndIfLength(p, m_end, guess))
                return q;
            const Pos q = skipNumber(p, m_end);
            if (q)
                guess = quint8(std::min<qsizetype>(q - p, 255));
            return q;
        }
        if (*p != '"')
            return skipValueInline(p, m_end, 1);
        quint8& guess = lengthGuess(key);
        if (const Pos q = plainEndIfLength(p + 1, m_end, guess))
            return q + 1;
        const Pos q = skipStringBody(p + 1, m_end);
        if (q)
            guess = quint8(std::min<qsizetype>(q - p - 2, 255));
        return q;
    }

    // Validates a nested object with the scanner, then builds it with QJsonDocument (rare).
    Pos nestedObject(Pos p, QJsonObject& obj)
    {
        const Pos start = p;
        if (!(p = skipObject(p, m_end, 1)))
            return nullptr;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(
            QByteArray::fromRawData(reinterpret_cast<const char*>(start), p - start), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return nullptr;
        obj = doc.object();
        return p;
    }

    Pos parseTop(Pos p)
    {
        enum : unsigned
        {
            Id = 1,
            Model = 2,
            Provider = 4,
            Choices = 8,
            UsageKey = 16,
            ErrorKey = 32
        };
        unsigned seen = 0;
        return forEachMember(p, m_end, [&](Key key, Pos v) ANYROUTER_INLINE_LAMBDA -> Pos {
            switch (key) {
            case Key::Id:
                return firstSeen(seen, Id) ? guessedStringField(v, key, m_out.id, m_idSet) : nullptr;
            case Key::Model:
                return firstSeen(seen, Model) ? guessedStringField(v, key, m_out.model, m_modelSet) : nullptr;
            case Key::Provider:
                return firstSeen(seen, Provider) ? guessedStringField(v, key, m_out.provider, m_providerSet)
                                                 : nullptr;
            case Key::Choices:
                if (!firstSeen(seen, Choices))
                    return nullptr;
                return *v == '[' ? parseChoices(v) : skipValueInline(v, m_end, 1);
            case Key::Usage: {
                if (!firstSeen(seen, UsageKey))
                    return nullptr;
                if (*v != '{')
                    return skipValueInline(v, m_end, 1);
                QJsonObject usage;
                v = nestedObject(v, usage);
                if (v) {
                    m_out.usage = Usage::fromJson(usage);
                    m_usageSet = true;
                }
                return v;
            }
            case Key::Error:
                if (!firstSeen(seen, ErrorKey))
                    return nullptr;
                if (*v == '{') {
                    m_errorSet = true;
                    return nestedObject(v, m_out.error);
                }
                if (*v == '"') {
                    QString message;
                    v = decodeStringBody(v + 1, m_end, message);
                    if (v) {
                        m_out.error = QJsonObject{{u"message"_s, message}};
                        m_errorSet = true;
                    }
                    return v;
                }
                return skipValueInline(v, m_end, 1);
            default:
                return key == Key::Object || key == Key::SystemFingerprint || key == Key::Created
                           ? guessedSkip(v, key)
                           : skipValueInline(v, m_end, 1);
            }
        });
    }

    Pos parseChoices(Pos p)
    {
        p = skipWs(p + 1, m_end);
        if (p >= m_end)
            return nullptr;
        if (*p == ']')
            return p + 1;
        p = *p == '{' ? parseChoice(p) : skipValue(p, m_end, 2);
        while (p) {
            p = skipWs(p, m_end);
            if (p >= m_end)
                return nullptr;
            if (*p == ']')
                return p + 1;
            if (*p != ',')
                return nullptr;
            p = skipWs(p + 1, m_end);
            if (p >= m_end)
                return nullptr;
            p = skipValue(p, m_end, 2);
        }
        return nullptr;
    }

    Pos parseChoice(Pos p)
    {
        enum : unsigned
        {
            Delta = 1,
            Message = 2,
            Text = 4,
            FinishReason = 8
        };
        unsigned seen = 0;
        return forEachMember(p, m_end, [&](Key key, Pos v) ANYROUTER_INLINE_LAMBDA -> Pos {
            switch (key) {
            case Key::Text:
                return firstSeen(seen, Text) ? candidate(v, m_out.contentDelta, m_contentFrom, 1, 3)
                                             : nullptr;
            case Key::Delta:
                if (!firstSeen(seen, Delta))
                    return nullptr;
                return *v == '{' ? parseDelta(v, true) : skipValueInline(v, m_end, 3);
            case Key::Message:
                if (!firstSeen(seen, Message))
                    return nullptr;
                return *v == '{' ? parseDelta(v, false) : skipValueInline(v, m_end, 3);
            case Key::FinishReason:
                return firstSeen(seen, FinishReason) ? stringField(v, m_out.finishReason, m_finishSet, 3)
                                                     : nullptr;
            default:
                return skipValueInline(v, m_end, 3);
            }
        });
    }

    // choices[0].delta, or choices[0].message (isDelta false) with lower priorities.
    Pos parseDelta(Pos p, bool isDelta)
    {
        enum : unsigned
        {
            Content = 1,
            Role = 2,
            Reasoning = 4,
            ReasoningContent = 8
        };
        unsigned seen = 0;
        return forEachMember(p, m_end, [&](Key key, Pos v) ANYROUTER_INLINE_LAMBDA -> Pos {
            switch (key) {
            case Key::Role:
                return firstSeen(seen, Role) ? candidate(v, m_out.role, m_roleFrom, isDelta ? 2 : 1, 4)
                                             : nullptr;
            case Key::Content:
                return firstSeen(seen, Content)
                           ? candidate(v, m_out.contentDelta, m_contentFrom, isDelta ? 3 : 2, 4)
                           : nullptr;
            case Key::Reasoning:
                return firstSeen(seen, Reasoning)
                           ? candidate(v, m_out.reasoningDelta, m_reasoningFrom, isDelta ? 4 : 2, 4)
                           : nullptr;
            case Key::ReasoningContent:
                return firstSeen(seen, ReasoningContent)
                           ? candidate(v, m_out.reasoningDelta, m_reasoningFrom, isDelta ? 3 : 1, 4)
                           : nullptr;
            default:
                return skipValueInline(v, m_end, 4);
            }
        });
    }

    // Clears what this payload did not set (the strings were reused, not reset, up front).
    void finish()
    {
        if (!m_idSet)
            clearKeep(m_out.id);
        if (!m_modelSet)
            clearKeep(m_out.model);
        if (!m_providerSet)
            clearKeep(m_out.provider);
        if (!m_roleFrom)
            clearKeep(m_out.role);
        if (!m_contentFrom)
            clearKeep(m_out.contentDelta);
        if (!m_reasoningFrom)
            clearKeep(m_out.reasoningDelta);
        if (!m_finishSet)
            clearKeep(m_out.finishReason);
        if (!m_usageSet)
            m_out.usage.reset();
        if (!m_errorSet && !m_out.error.isEmpty())
            m_out.error = QJsonObject();
        m_out.isDone = false;
    }

    ChatChunk& m_out;
    Pos m_end = nullptr;
    bool m_idSet = false;
    bool m_modelSet = false;
    bool m_providerSet = false;
    bool m_finishSet = false;
    bool m_usageSet = false;
    bool m_errorSet = false;
    int m_roleFrom = 0; // priority of the candidate currently held, 0 = none
    int m_contentFrom = 0;
    int m_reasoningFrom = 0;
};

void resetForDone(ChatChunk& out)
{
    clearKeep(out.id);
    clearKeep(out.model);
    clearKeep(out.provider);
    clearKeep(out.role);
    clearKeep(out.contentDelta);
    clearKeep(out.reasoningDelta);
    clearKeep(out.finishReason);
    out.usage.reset();
    out.error = QJsonObject();
    out.isDone = true;
}

} // namespace

namespace detail {

bool decodeChatChunkFast(QByteArrayView data, ChatChunk& out)
{
    if (data == kDone) {
        resetForDone(out);
        return true;
    }
    return FastDecoder(out).run(data);
}

bool decodeChatChunkSlow(QByteArrayView data, ChatChunk& out, QString* errorMessage)
{
    out = ChatChunk();
    if (data == kDone) {
        out.isDone = true;
        return true;
    }
    if (data.trimmed().isEmpty()) {
        if (errorMessage)
            *errorMessage = u"stream chunk is empty, expected a JSON object"_s;
        return false;
    }
    QJsonParseError error;
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromRawData(data.data(), data.size()), &error);
    if (error.error != QJsonParseError::NoError) {
        if (errorMessage)
            *errorMessage = u"stream chunk is not valid JSON (%1 at offset %2)"_s.arg(error.errorString())
                                .arg(error.offset);
        return false;
    }
    if (!doc.isObject()) {
        if (errorMessage)
            *errorMessage = u"stream chunk is a JSON array, expected an object"_s;
        return false;
    }
    fillFromObject(doc.object(), out);
    return true;
}

} // namespace detail

bool decodeChatChunk(QByteArrayView data, ChatChunk& out, QString* errorMessage)
{
    if (detail::decodeChatChunkFast(data, out))
        return true;
    return detail::decodeChatChunkSlow(data, out, errorMessage);
}

} // namespace anyrouter
