// Conversation and Message: the stored names of message roles and statuses.
#include "core/domain/Conversation.h"

#include "core/domain/EnumTable.h"

namespace anyrouter {

namespace {

// Stored in messages.role / messages.status and written to exports: never rename one.
constexpr EnumName<MessageRole> kRoleNames[] = {
    {MessageRole::System, u"system"},
    {MessageRole::User, u"user"},
    {MessageRole::Assistant, u"assistant"},
    {MessageRole::Tool, u"tool"},
};
static_assert(enumTableIsComplete(kRoleNames, MessageRole::Tool));

constexpr EnumName<MessageStatus> kStatusNames[] = {
    {MessageStatus::Complete, u"complete"},
    {MessageStatus::Streaming, u"streaming"},
    {MessageStatus::Incomplete, u"incomplete"},
    {MessageStatus::Error, u"error"},
};
static_assert(enumTableIsComplete(kStatusNames, MessageStatus::Error));

// Stored in conversations.origin: never rename one.
constexpr EnumName<ConversationOrigin> kOriginNames[] = {
    {ConversationOrigin::Chat, u"chat"},
    {ConversationOrigin::QuickPrompt, u"quick-prompt"},
};
static_assert(enumTableIsComplete(kOriginNames, ConversationOrigin::QuickPrompt));

} // namespace

QString roleToString(MessageRole r)
{
    return enumToString(kRoleNames, r, MessageRole::User);
}

MessageRole roleFromString(QStringView s)
{
    // An unknown role (a newer version's, or a damaged row) reads as the user's.
    return enumFromString(kRoleNames, s).value_or(MessageRole::User);
}

QString statusToString(MessageStatus s)
{
    return enumToString(kStatusNames, s, MessageStatus::Complete);
}

MessageStatus statusFromString(QStringView s)
{
    return enumFromString(kStatusNames, s).value_or(MessageStatus::Complete);
}

QString originToString(ConversationOrigin o)
{
    return enumToString(kOriginNames, o, ConversationOrigin::Chat);
}

ConversationOrigin originFromString(QStringView s)
{
    // Unknown (a newer version's): an ordinary conversation.
    return enumFromString(kOriginNames, s).value_or(ConversationOrigin::Chat);
}

} // namespace anyrouter
