// UsageService: gateway-side usage — per-request stats (GET /generation/{id}, falling back to the
// OpenRouter query form ?id=) and OpenRouter-style daily activity (GET /activity). Both are optional
// endpoints: a gateway without them yields Result::unsupported, not an error.
#pragma once

#include "core/api/Result.h"
#include "core/domain/Account.h"

namespace anyrouter {

class UsageService : public QObject
{
    Q_OBJECT
public:
    explicit UsageService(ApiClient* client, QObject* parent = nullptr);

    void fetchGeneration(const QString& id, QObject* context, ResultCallback<GenerationStats> cb);
    void fetchActivity(const QDate& date /* invalid = all the gateway offers */, QObject* context,
                       ResultCallback<QList<ActivityRow>> cb);

    static std::optional<GenerationStats> parseGeneration(const QJsonDocument& doc);
    static QList<ActivityRow> parseActivity(const QJsonDocument& doc);

private:
    ApiClient* m_client;
};

} // namespace anyrouter
