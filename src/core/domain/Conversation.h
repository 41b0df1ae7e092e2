// Conversation and Message: what the local store keeps of each chat.
#pragma once

#include "core/domain/RoutingPrefs.h"
#include "core/domain/Usage.h"

#include <QDateTime>
#include <QString>

namespace anyrouter {

enum class MessageRole
{
    System,
    User,
    Assistant,
    Tool
};
// Streaming: a reply still arriving (or the app died while it did: see ConversationStore
// recovery). Incomplete: stopped by the user or cut off; the partial text is kept.
enum class MessageStatus
{
    Complete,
    Streaming,
    Incomplete,
    Error
};

// Where a conversation was started: the chat page, or the quick prompt window (which the history
// marks). Stored in conversations.origin; a name this version does not know reads as Chat.
enum class ConversationOrigin
{
    Chat,
    QuickPrompt
};

QString roleToString(MessageRole r);
MessageRole roleFromString(QStringView s);
QString statusToString(MessageStatus s);
MessageStatus statusFromString(QStringView s);
QString originToString(ConversationOrigin o);
ConversationOrigin originFromString(QStringView s);

struct Message
{
    qint64 id = 0; // row id; 0 = not stored yet
    qint64 conversationId = 0;
    qint64 parentId = 0; // previous message in the thread (0 = root); versions share a parent
    MessageRole role = MessageRole::User;
    QString content;
    QString reasoning; // reasoning deltas, when the model streams them
    MessageStatus status = MessageStatus::Complete;
    QString model;       // requested model
    QString servedModel; // model the gateway said served it
    QString provider;    // serving provider, when the gateway said
    QString generationId;
    QString finishReason;
    QString errorText; // user-facing error for status Error/Incomplete
    QString errorCategory;
    Usage usage;
    std::optional<double> ttftMs;
    std::optional<double> tokensPerSecond;
    QString keyLabel; // which key served it (masked), for the ledger/console
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct Conversation
{
    qint64 id = 0;
    QString workspaceId;
    QString title;
    QString model;
    QString systemPrompt;
    bool pinned = false;
    ConversationOrigin origin = ConversationOrigin::Chat;
    QJsonObject parameters; // temperature, top_p, max_tokens, ...
    RoutingPrefs routing;
    QJsonObject threadSelection; // {"<parent id>": child id}: shown version per fork (ConversationThread)
    QDateTime createdAt;
    QDateTime updatedAt;
};

} // namespace anyrouter
