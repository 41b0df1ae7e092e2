#include "core/api/HealthService.h"

#include "core/domain/JsonUtil.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

HealthService::HealthService(ApiClient* client, QObject* parent) : QObject(parent), m_client(client) {}

HealthStatus HealthService::parseHealth(const QJsonDocument& doc)
{
    HealthStatus h;
    const QJsonObject o = json::unwrap(doc.object());
    h.status = json::str(o, u"status"_s);
    if (h.status.isEmpty() && o.value(u"ok"_s).isBool())
        h.status = o.value(u"ok"_s).toBool() ? u"ok"_s : u"down"_s;
    auto addProvider = [&h](const QString& name, const QJsonValue& v) {
        ProviderHealth p;
        p.name = name;
        if (v.isString()) {
            p.status = v.toString();
        } else {
            const QJsonObject po = v.toObject();
            if (p.name.isEmpty())
                p.name = json::str(po, {u"name", u"id"});
            p.displayName = json::str(po, {u"display_name", u"displayName"});
            p.status = json::str(po, u"status"_s);
            p.latencyMs = json::optDouble(po, u"latency_ms"_s);
        }
        if (!p.name.isEmpty())
            h.providers.append(p);
    };
    const QJsonValue providers = o.value(u"providers"_s);
    if (providers.isArray()) {
        for (const QJsonValue& v : providers.toArray())
            addProvider({}, v);
    } else if (providers.isObject()) {
        const QJsonObject map = providers.toObject();
        for (auto it = map.begin(); it != map.end(); ++it)
            addProvider(it.key(), it.value());
    }
    return h;
}

void HealthService::fetchHealth(QObject* context, ResultCallback<HealthStatus> cb)
{
    deliver<HealthStatus>(
        m_client->get(u"/health"_s, KeyRole::Inference), context, true,
        [](const ApiReply& r, Result<HealthStatus>& res) {
            if (!r.json().isObject()) {
                res.error = ApiError::badResponse(tr("The health response is not a JSON object."));
                return;
            }
            res.value = parseHealth(r.json());
        },
        std::move(cb));
}

} // namespace anyrouter
