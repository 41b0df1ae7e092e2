// AccountService: credits (/credits, both documented shapes), API keys (/keys list, create, update,
// delete, reveal) and key validation ("credits first, then models", reference §8). Management calls
// use the workspace's management key when it has one.
#pragma once

#include "core/api/Result.h"
#include "core/domain/Account.h"

namespace anyrouter {

struct KeyCapabilities
{
    bool inference = false;     // the key can list models (and so chat)
    bool credits = false;       // the key can read the balance
    bool keyManagement = false; // the key can list/create keys
    ApiError authError;         // set when the key was rejected outright (401)
    QString summary() const;    // plain words: "Works for chat and credits; cannot manage keys."
};

struct KeyUpdate
{
    std::optional<QString> name;
    std::optional<bool> disabled;
    std::optional<std::optional<double>> limit; // set to nullopt-inside to clear the limit
    std::optional<QString> limitReset;
};

class AccountService : public QObject
{
    Q_OBJECT
public:
    explicit AccountService(ApiClient* client, QObject* parent = nullptr);

    void fetchCredits(QObject* context, ResultCallback<Credits> cb);
    void listKeys(QObject* context, ResultCallback<QList<ApiKeyInfo>> cb);
    void createKey(const NewKeyRequest& req, QObject* context, ResultCallback<CreatedKey> cb);
    void updateKey(const QString& hash, const KeyUpdate& update, QObject* context,
                   ResultCallback<ApiKeyInfo> cb);
    void deleteKey(const QString& hash, QObject* context, ResultCallback<bool> cb);
    void revealKey(const QString& hash, QObject* context, ResultCallback<QString> cb);
    // Probes /credits, then /models, then /keys and reports what the configured keys can do.
    void validateKeys(QObject* context, std::function<void(const KeyCapabilities&)> cb);

    static std::optional<Credits> parseCredits(const QJsonDocument& doc);
    static ApiKeyInfo parseKey(const QJsonObject& o);
    static QList<ApiKeyInfo> parseKeys(const QJsonDocument& doc);

private:
    ApiClient* m_client;
};

} // namespace anyrouter
