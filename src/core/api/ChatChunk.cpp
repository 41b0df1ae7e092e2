// ChatChunk decoding. The fast path walks the chunk shape that arrives once per token with the
// strict, allocation-light json::scan (JsonScanner.h); whenever that meets something it does not
// fully understand (or any malformed input) it gives up and QJsonDocument decides, so both paths
// always agree. Rare, nested parts (usage, error objects) are validated by the scanner and then
// handed to QJsonDocument.
#include "core/api/ChatChunk.h"

#include "core/api/JsonScanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <algorithm>
#include <array>
#include <initializer_list>

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
// Fast path: json::scan (JsonScanner.h) walks the chunk; this file only knows which members of a
// chat chunk matter. Any nullptr from the scanner means "let QJsonDocument decide".

using namespace json::scan;

// The member names of chat chunks: the ones we read, and the ones every chunk carries that we skip.
// Other comes first: forEachMember() takes the value-initialised key as "not recognised".
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

class FastDecoder
{
public:
    explicit FastDecoder(ChatChunk& out) : m_out(out) {}

    bool run(QByteArrayView data)
    {
        Pos p = bytesBegin(data);
        m_end = bytesEnd(data);
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
        return forEachMember(p, m_end, matchKey, [&](Key key, Pos v) ANYROUTER_INLINE_LAMBDA -> Pos {
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
                v = parseObject(v, m_end, 1, usage);
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
                    return parseObject(v, m_end, 1, m_out.error);
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

    // Only choices[0] is read.
    Pos parseChoices(Pos p)
    {
        return forEachElement(p, m_end, [this](qsizetype index, Pos v) ANYROUTER_INLINE_LAMBDA -> Pos {
            return index == 0 && *v == '{' ? parseChoice(v) : skipValue(v, m_end, 2);
        });
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
        return forEachMember(p, m_end, matchKey, [&](Key key, Pos v) ANYROUTER_INLINE_LAMBDA -> Pos {
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
        return forEachMember(p, m_end, matchKey, [&](Key key, Pos v) ANYROUTER_INLINE_LAMBDA -> Pos {
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
