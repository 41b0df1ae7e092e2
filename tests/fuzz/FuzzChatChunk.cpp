// Fuzz target: the chat-chunk decoder. Properties: whenever the hand-written fast path accepts a
// payload, QJsonDocument (the reference path) accepts it too and every decoded field is equal;
// decodeChatChunk() succeeds exactly when the reference does and gives the reference's fields; a
// ChatChunk reused across calls never keeps a stale field; a rejection always says why.
#include "core/api/ChatChunk.h"

#include "FuzzSupport.h"

#include <QJsonDocument>

#include <cmath>
#include <cstring>

using namespace anyrouter;
using anyrouter::fuzz::escapedBytes;

namespace {

bool sameDouble(const std::optional<double>& a, const std::optional<double>& b)
{
    if (a.has_value() != b.has_value())
        return false;
    if (!a)
        return true;
    if (std::isnan(*a) && std::isnan(*b))
        return true;
    return std::memcmp(&*a, &*b, sizeof(double)) == 0 || *a == *b;
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
           sameDouble(a->cost, b->cost);
}

bool same(const ChatChunk& a, const ChatChunk& b)
{
    return a.id == b.id && a.model == b.model && a.provider == b.provider && a.role == b.role &&
           a.contentDelta == b.contentDelta && a.reasoningDelta == b.reasoningDelta &&
           a.finishReason == b.finishReason && sameUsage(a.usage, b.usage) && a.error == b.error &&
           a.isDone == b.isDone;
}

QByteArray units(const QString& s)
{
    QByteArray hex;
    for (const QChar ch : s)
        hex += QByteArray::number(ch.unicode(), 16) + ' ';
    return hex;
}

QByteArray describe(const ChatChunk& c)
{
    const QByteArray usage = c.usage ? QJsonDocument(c.usage->toJson()).toJson(QJsonDocument::Compact) : "-";
    const QByteArray error = c.error.isEmpty() ? "-" : QJsonDocument(c.error).toJson(QJsonDocument::Compact);
    return "id=" + c.id.toUtf8() + " model=" + c.model.toUtf8() + " provider=" + c.provider.toUtf8() +
           " role=" + c.role.toUtf8() + " finish=" + c.finishReason.toUtf8() +
           " done=" + QByteArray::number(c.isDone) + "\n  content=[" + units(c.contentDelta) +
           "]\n  reasoning=[" + units(c.reasoningDelta) + "]\n  usage=" + usage + "\n  error=" + error;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView payload(reinterpret_cast<const char*>(data), qsizetype(size));

    ChatChunk slow;
    QString message;
    const bool slowOk = detail::decodeChatChunkSlow(payload, slow, &message);
    if (!slowOk && message.isEmpty())
        fuzz::fail("reference path rejected without a message", escapedBytes(payload));

    // Reused on purpose across inputs: the decoder must overwrite every field.
    static ChatChunk fast;
    const bool fastOk = detail::decodeChatChunkFast(payload, fast);
    if (fastOk && !slowOk)
        fuzz::fail("fast path accepted what QJsonDocument rejects",
                   escapedBytes(payload) + "\nreference: " + message.toUtf8() + "\nfast: " + describe(fast));
    if (fastOk && !same(fast, slow))
        fuzz::fail("fast path and QJsonDocument path disagree",
                   escapedBytes(payload) + "\nfast: " + describe(fast) + "\nslow: " + describe(slow));

    static ChatChunk viaApi;
    QString apiMessage;
    const bool apiOk = decodeChatChunk(payload, viaApi, &apiMessage);
    if (apiOk != slowOk)
        fuzz::fail("decodeChatChunk() and the reference disagree on validity", escapedBytes(payload));
    if (apiOk && !same(viaApi, slow))
        fuzz::fail("decodeChatChunk() fields differ from the reference",
                   escapedBytes(payload) + "\napi: " + describe(viaApi) + "\nslow: " + describe(slow));
    if (!apiOk && apiMessage.isEmpty())
        fuzz::fail("decodeChatChunk() rejected without a message", escapedBytes(payload));
    return 0;
}
