// JsonScanner: a strict, allocation-light JSON scanner over a byte range, for decoders on a hot path
// (the chat-chunk decoder runs once per token). It knows JSON only; what a document means is the
// caller's business.
//
// Every scanning function takes a position and the end of the input, and returns the position
// after what it consumed, or nullptr to mean "not handled here: let QJsonDocument decide". That
// covers malformed input and the valid-but-unusual alike, so a caller that falls back to
// QJsonDocument on nullptr always agrees with it:
//   - numbers with an exponent or longer than kMaxNumberLen characters (QJsonDocument rejects some
//     of them as out of range),
//   - escapes other than the eight of RFC 8259 (QJsonDocument is lenient there), raw control
//     characters, invalid UTF-8 (overlongs, surrogates, beyond U+10FFFF),
//   - a raw UTF-8 BOM at the start of a string (QJsonDocument drops it),
//   - member names with escapes (readKey; an escaped name may spell one the caller looks for),
//   - values nested deeper than kMaxDepth.
// \uXXXX escapes produce their UTF-16 unit as is, like QJsonDocument: a surrogate pair written as
// two escapes becomes that pair, a lone surrogate stays lone.
//
// Literals are compared with their compile-time length: QByteArrayView's char-array constructor
// searches for a NUL, which showed up as a hot memchr in profiles.
#pragma once

#include <QJsonObject>
#include <QString>

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace anyrouter::json::scan {

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
inline constexpr std::array<uchar, 256> kClass = makeCharClasses();

inline constexpr int kMaxDepth = 128;          // deeper values go to QJsonDocument (its limit is 1024)
inline constexpr qsizetype kMaxNumberLen = 40; // shorter numbers without exponent are always finite

// The scanner's view of a byte range.
inline Pos bytesBegin(QByteArrayView data)
{
    return reinterpret_cast<Pos>(data.data());
}

inline Pos bytesEnd(QByteArrayView data)
{
    return reinterpret_cast<Pos>(data.data()) + data.size();
}

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

// The unit of each two-character escape (\n, \" ...), 0 for the rest.
constexpr std::array<char16_t, 128> makeEscapes()
{
    std::array<char16_t, 128> t{};
    t['"'] = u'"';
    t['\\'] = u'\\';
    t['/'] = u'/';
    t['b'] = 0x08;
    t['f'] = 0x0C;
    t['n'] = 0x0A;
    t['r'] = 0x0D;
    t['t'] = 0x09;
    return t;
}
inline constexpr std::array<char16_t, 128> kEscape = makeEscapes();

// p at a backslash. Produces one UTF-16 code unit (\uXXXX as is, see the top of this file).
inline Pos decodeEscape(Pos p, Pos end, char16_t& unit)
{
    if (end - p < 2)
        return nullptr;
    const uchar c = p[1];
    if (c < kEscape.size() && kEscape[c]) {
        unit = kEscape[c];
        return p + 2;
    }
    if (c != 'u' || end - p < 6)
        return nullptr; // another escape: QJsonDocument is lenient there; let it decide
    const int h0 = hexValue(p[2]), h1 = hexValue(p[3]), h2 = hexValue(p[4]), h3 = hexValue(p[5]);
    if ((h0 | h1 | h2 | h3) < 0)
        return nullptr;
    unit = char16_t((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
    return p + 6;
}

// p just after the opening quote; validates the string and returns the position after the closing
// quote.
inline Pos skipStringBody(Pos p, Pos end)
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

// Sets dst to the ASCII bytes [s, s + n). With reuseEqual, a dst shared with someone else (a value
// that repeats from document to document) is kept when it is equal instead of detaching.
inline void assignAscii(QString& dst, Pos s, qsizetype n, bool reuseEqual)
{
    if (!dst.isDetached() && reuseEqual && dst.size() == n) {
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
// QString::fromUtf8); such strings are left to it so both agree.
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

// p just after the opening quote; decodes the string into dst (reusing its buffer) and returns the
// position after the closing quote. reuseEqual: see assignAscii().
inline Pos decodeStringBody(Pos p, Pos end, QString& dst, bool reuseEqual = false)
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
    // input bounds the decoded length.
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

// The walk through the items of an object or array (close is '}' or ']'). openItems(): p at the
// opening bracket; returns the position of the first item, or with closed set the position after
// an empty container. afterItem(): p just after an item; returns the position of the next item
// (after the comma), or with closed set the position after the container. Both return nullptr on
// malformed or cut-off input, and never a position at the end (every item needs a byte).
inline Pos openItems(Pos p, Pos end, uchar close, bool& closed)
{
    p = skipWs(p + 1, end);
    if (p >= end)
        return nullptr;
    if (*p == close) {
        closed = true;
        return p + 1;
    }
    return p;
}

inline Pos afterItem(Pos p, Pos end, uchar close, bool& closed)
{
    // Compact JSON is the norm: whitespace only looked for when there is some.
    if (p < end && *p <= ' ')
        p = skipWs(p, end);
    if (p >= end)
        return nullptr;
    if (*p == ',') {
        p = skipWs(p + 1, end);
        return p < end ? p : nullptr;
    }
    if (*p == close) {
        closed = true;
        return p + 1;
    }
    return nullptr;
}

// Walks the elements of an array (p at '['): onElement(index, p), p at the element, returns the
// position after it or nullptr.
template <typename OnElement> inline Pos forEachElement(Pos p, Pos end, OnElement&& onElement)
{
    bool closed = false;
    p = openItems(p, end, ']', closed);
    for (qsizetype i = 0; p && !closed; ++i) {
        if (!(p = onElement(i, p)))
            return nullptr;
        p = afterItem(p, end, ']', closed);
    }
    return p;
}

// p at the first byte of a value (callers have skipped whitespace and checked p < end); depth is
// the nesting depth of that value (0 for a whole document). In JsonScanner.cpp: nested values are
// the rare case.
Pos skipValue(Pos p, Pos end, int depth);
Pos skipObject(Pos p, Pos end, int depth); // p at '{'
Pos skipArray(Pos p, Pos end, int depth);  // p at '['

// The values met most often (short strings, numbers, null) without a call; the rest through
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

// Validates an object (p at '{') with the scanner, then builds it with QJsonDocument into obj:
// for the rare nested parts a decoder wants whole. Returns the position after it, or nullptr.
Pos parseObject(Pos p, Pos end, int depth, QJsonObject& obj);

// p just after an opening quote. When the string is plain ASCII and exactly `length` bytes long,
// returns the position of its closing quote; otherwise nullptr (the caller scans normally). Lets
// a caller that guesses a value's length from the last document check the guess alongside the
// rest of the parse instead of in front of it.
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

// p at the opening quote of a member name; sets key to its raw bytes. Names with escapes are left
// to QJsonDocument (nullptr).
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

// name followed by its closing quote at p (just after an opening quote)?
template <size_t N> inline bool nameAt(Pos p, Pos end, const char (&name)[N])
{
    return end - p >= qsizetype(N) && std::memcmp(p, name, N - 1) == 0 && p[N - 1] == '"';
}

// Walks the members of an object (p at '{'). For each member, matchKey(p, end, next) (p just after
// the name's opening quote) returns a caller-defined key; a value-initialised key (0) means "not
// recognised", and the name is then read with readKey(); otherwise matchKey sets next to the
// position after the name's closing quote. (Recognising a name by its bytes, without scanning for
// the closing quote first, keeps the dependency chain short.) Then onMember(key, p), p at the
// value, returns the position after the value or nullptr. Compact JSON is tried first at each
// step, whitespace handled when present.
template <typename MatchKey, typename OnMember>
inline Pos forEachMember(Pos p, Pos end, MatchKey&& matchKey, OnMember&& onMember)
{
    bool closed = false;
    p = openItems(p, end, '}', closed);
    while (p && !closed) {
        if (*p != '"')
            return nullptr;
        Pos next = nullptr;
        const auto key = matchKey(p + 1, end, next);
        if (key != decltype(key){}) {
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
        p = afterItem(p, end, '}', closed);
    }
    return p;
}

// Marks a member name as seen in the current object; false on a repeat. QJsonDocument keeps the
// last of duplicate members: a scanner that reads a member should give up on a duplicate rather
// than replicate that.
inline bool firstSeen(unsigned& seen, unsigned bit)
{
    if (seen & bit)
        return false;
    seen |= bit;
    return true;
}

} // namespace anyrouter::json::scan
