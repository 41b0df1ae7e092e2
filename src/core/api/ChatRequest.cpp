#include "core/api/ChatRequest.h"

#include <QJsonArray>

namespace anyrouter {

using namespace Qt::StringLiterals;

QJsonObject ChatRequest::toJson() const
{
    QJsonObject o;
    o.insert(u"model"_s, model);
    QJsonArray msgs;
    for (const ChatMessage& m : messages)
        msgs.append(QJsonObject{{u"role"_s, m.role}, {u"content"_s, m.content}});
    o.insert(u"messages"_s, msgs);
    o.insert(u"stream"_s, stream);
    if (stream) // ignored where usage is always sent; asks OpenAI-style servers for the usage chunk
        o.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    if (temperature)
        o.insert(u"temperature"_s, *temperature);
    if (topP)
        o.insert(u"top_p"_s, *topP);
    if (maxTokens)
        o.insert(u"max_tokens"_s, *maxTokens);
    if (stop.size() == 1)
        o.insert(u"stop"_s, stop.first());
    else if (!stop.isEmpty())
        o.insert(u"stop"_s, QJsonArray::fromStringList(stop));
    if (seed)
        o.insert(u"seed"_s, *seed);
    const QJsonObject provider = routing.toProviderObject();
    if (!provider.isEmpty())
        o.insert(u"provider"_s, provider);
    if (!sessionId.isEmpty())
        o.insert(u"session_id"_s, sessionId);
    if (!reasoning.isEmpty())
        o.insert(u"reasoning"_s, reasoning);
    return o;
}

} // namespace anyrouter
