#include "core/domain/Conversation.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

QString roleToString(MessageRole r)
{
    switch (r) {
    case MessageRole::System:
        return u"system"_s;
    case MessageRole::User:
        return u"user"_s;
    case MessageRole::Assistant:
        return u"assistant"_s;
    case MessageRole::Tool:
        return u"tool"_s;
    }
    return u"user"_s;
}

MessageRole roleFromString(QStringView s)
{
    if (s == u"system")
        return MessageRole::System;
    if (s == u"assistant")
        return MessageRole::Assistant;
    if (s == u"tool")
        return MessageRole::Tool;
    return MessageRole::User;
}

QString statusToString(MessageStatus s)
{
    switch (s) {
    case MessageStatus::Complete:
        return u"complete"_s;
    case MessageStatus::Streaming:
        return u"streaming"_s;
    case MessageStatus::Incomplete:
        return u"incomplete"_s;
    case MessageStatus::Error:
        return u"error"_s;
    }
    return u"complete"_s;
}

MessageStatus statusFromString(QStringView s)
{
    if (s == u"streaming")
        return MessageStatus::Streaming;
    if (s == u"incomplete")
        return MessageStatus::Incomplete;
    if (s == u"error")
        return MessageStatus::Error;
    return MessageStatus::Complete;
}

} // namespace anyrouter
