// Workspace: one gateway account context (base URL + which keys + defaults). Holds no secrets:
// keys live in the SecretStore, addressed by secretKeyFor(id, kind).
#pragma once

#include "core/domain/RoutingPrefs.h"

#include <QString>
#include <QUrl>

namespace anyrouter {

struct Workspace
{
    enum class Kind
    {
        Stored,
        Environment,
        Demo
    };

    QString id; // stable uuid (without braces) or "env" / "demo"
    QString name;
    QUrl baseUrl;         // e.g. https://anyrouter.dev/api/v1 (all endpoint paths are relative to it)
    QString defaultModel; // provider/model id; empty -> kDefaultModel
    Kind kind = Kind::Stored;
    bool allowInsecureHttp = false; // plain http:// to a non-loopback host only when the user said so
    RoutingPrefs routing;           // defaults for chats whose conversation sets no routing of its own
    // X-AnyRouter-Title / -Source and HTTP-Referer sent for this workspace; empty = the app's own.
    QString attributionTitle, attributionSource, attributionReferer;

    bool isEphemeral() const { return kind != Kind::Stored; } // never written to disk
    QString effectiveModel() const;

    static QUrl defaultBaseUrl();
    static inline constexpr char16_t kDefaultModel[] = u"openai/gpt-5.4-mini";
};

enum class KeyKind
{
    Inference,
    Management
};

// Account name under which a workspace key is stored in the keychain.
QString secretKeyFor(const QString& workspaceId, KeyKind kind);

// Masks a key for display: the CLI keeps 14 chars of sk-ar-v1- keys, else 8 (reference §1).
QString maskKey(const QString& key);

} // namespace anyrouter
