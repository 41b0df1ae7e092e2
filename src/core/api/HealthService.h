// HealthService: GET /health — gateway status plus per-provider availability, parsed defensively
// (the reference leaves the shape unknown: a top-level status string and providers as an array or map).
#pragma once

#include "core/api/Result.h"
#include "core/domain/Account.h"

namespace anyrouter {

class HealthService : public QObject
{
    Q_OBJECT
public:
    explicit HealthService(ApiClient* client, QObject* parent = nullptr);
    void fetchHealth(QObject* context, ResultCallback<HealthStatus> cb);
    static HealthStatus parseHealth(const QJsonDocument& doc);

private:
    ApiClient* m_client;
};

} // namespace anyrouter
