// ChatRequest: everything one POST /chat/completions carries — body fields documented by AnyRouter
// plus the client extras the reference lists (provider routing object, session_id, reasoning) and the
// optional X-AnyRouter-Provider pin, which travels as a header.
#pragma once

#include "core/domain/RoutingPrefs.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace anyrouter {

struct ChatMessage
{
    QString role; // system / user / assistant / tool
    QString content;
};

struct ChatRequest
{
    QString model;
    QList<ChatMessage> messages;
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<qint64> maxTokens;
    QStringList stop;
    std::optional<qint64> seed;
    RoutingPrefs routing; // body `provider` object; routing.pinnedProvider -> header
    QString sessionId;
    QJsonObject reasoning; // {effort|max_tokens|exclude|enabled}
    bool stream = true;

    QJsonObject toJson() const;
};

} // namespace anyrouter
