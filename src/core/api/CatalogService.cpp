#include "core/api/CatalogService.h"

#include "core/domain/JsonUtil.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

CatalogService::CatalogService(ApiClient* client, QObject* parent) : QObject(parent), m_client(client) {}

QList<QJsonObject> CatalogService::modelObjects(const QJsonDocument& doc)
{
    QList<QJsonObject> out;
    const QJsonArray arr = json::listFrom(doc, {u"data", u"models"});
    out.reserve(arr.size());
    for (const QJsonValue& v : arr) {
        if (v.isObject() && !json::str(v.toObject(), u"id"_s).isEmpty())
            out.append(v.toObject());
    }
    return out;
}

ModelPricing CatalogService::parsePricing(const QJsonObject& p, AnyRouterPriceUnit unit)
{
    ModelPricing out;
    const double arScale = unit == AnyRouterPriceUnit::Per1K ? 1000.0 : 1.0;
    auto perToken = [&](QStringView key) -> std::optional<double> {
        if (const auto v = json::optDouble(p, key))
            return *v * 1'000'000.0;
        return std::nullopt;
    };
    auto per1k = [&](QStringView key) -> std::optional<double> {
        if (const auto v = json::optDouble(p, key))
            return *v * arScale;
        return std::nullopt;
    };
    auto per1m = [&](QStringView key) { return json::optDouble(p, key); };
    out.inputPerM = json::first(
        {per1k(u"input_per_1k"), per1m(u"input_per_1m"), perToken(u"prompt"), perToken(u"input")});
    out.outputPerM = json::first(
        {per1k(u"output_per_1k"), per1m(u"output_per_1m"), perToken(u"completion"), perToken(u"output")});
    out.cacheReadPerM = json::first({per1k(u"cache_read_per_1k"), per1k(u"cached_input_per_1k"),
                                     per1m(u"cache_read_per_1m"), perToken(u"input_cache_read")});
    out.cacheWritePerM = json::first(
        {per1k(u"cache_write_per_1k"), per1m(u"cache_write_per_1m"), perToken(u"input_cache_write")});
    out.reasoningPerM = json::first({per1k(u"reasoning_per_1k"), perToken(u"internal_reasoning")});
    out.perRequest = json::optDouble(p, u"request");
    out.perImage = json::optDouble(p, u"image");
    return out;
}

ModelInfo CatalogService::parseModel(const QJsonObject& o, AnyRouterPriceUnit unit)
{
    ModelInfo m;
    m.raw = o;
    m.id = json::str(o, u"id"_s);
    m.name = json::str(o, u"name"_s);
    if (m.name.isEmpty())
        m.name = m.id.section(u'/', 1);
    m.provider = json::str(o, {u"provider", u"owned_by"});
    if (m.provider.isEmpty())
        m.provider = m.providerSlug();
    m.description = json::str(o, u"description"_s);
    m.category = json::str(o, u"category"_s);
    const QJsonObject top = o.value(u"top_provider"_s).toObject();
    m.contextLength =
        json::first({json::optInt(o, u"context_length"_s), json::optInt(top, u"context_length"_s)})
            .value_or(0);
    m.maxOutputTokens =
        json::first({json::optInt(o, u"max_output_tokens"_s), json::optInt(top, u"max_completion_tokens"_s),
                     json::optInt(o, u"max_completion_tokens"_s)})
            .value_or(0);
    m.created = json::dateTime(o.value(u"created"_s));
    m.pricing = parsePricing(o.value(u"pricing"_s).toObject(), unit);
    m.capabilities = json::stringList(o.value(u"capabilities"_s));
    const QJsonObject arch = o.value(u"architecture"_s).toObject();
    m.inputModalities = json::firstNonEmpty({json::stringList(arch.value(u"input_modalities"_s)),
                                             json::stringList(o.value(u"input_modalities"_s))});
    m.outputModalities = json::firstNonEmpty({json::stringList(arch.value(u"output_modalities"_s)),
                                              json::stringList(o.value(u"output_modalities"_s))});
    m.supportedParameters = json::stringList(o.value(u"supported_parameters"_s));
    return m;
}

std::optional<qint64> CatalogService::parseCount(const QJsonDocument& doc)
{
    return json::optInt(json::unwrap(doc.object()), {u"count", u"total", u"models"});
}

void CatalogService::parseModelList(const QByteArray& body, AnyRouterPriceUnit unit,
                                    Result<QList<ModelInfo>>& out)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isNull()) {
        out.error = ApiError::badResponse(tr("The model list is not valid JSON."));
        return;
    }
    const QList<QJsonObject> objs = modelObjects(doc);
    out.value.reserve(objs.size());
    for (const QJsonObject& o : objs)
        out.value.append(parseModel(o, unit));
}

void CatalogService::fetchModels(QObject* context, ResultCallback<QList<ModelInfo>> cb)
{
    ApiReply* reply = m_client->get(u"/models"_s, KeyRole::Inference);
    const auto unit = m_unit;
    deliver<QList<ModelInfo>>(
        reply, context, false,
        [unit](const ApiReply& r, Result<QList<ModelInfo>>& res) { parseModelList(r.body(), unit, res); },
        std::move(cb));
}

void CatalogService::fetchModelsBody(QObject* context, ResultCallback<QByteArray> cb)
{
    ApiReply* reply = m_client->get(u"/models"_s, KeyRole::Inference);
    deliver<QByteArray>(
        reply, context, false, [](const ApiReply& r, Result<QByteArray>& res) { res.value = r.body(); },
        std::move(cb));
}

void CatalogService::fetchModel(const QString& id, QObject* context, ResultCallback<ModelInfo> cb)
{
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(id));
    ApiReply* reply = m_client->get(u"/models/"_s + encoded, KeyRole::Inference);
    const auto unit = m_unit;
    deliver<ModelInfo>(
        reply, context, false,
        [unit](const ApiReply& r, Result<ModelInfo>& res) {
            const QJsonObject o = json::unwrap(r.json().object());
            if (json::str(o, u"id"_s).isEmpty()) {
                res.error = ApiError::badResponse(tr("The model detail has no id."));
                return;
            }
            res.value = parseModel(o, unit);
        },
        std::move(cb));
}

void CatalogService::fetchCount(QObject* context, ResultCallback<qint64> cb)
{
    deliver<qint64>(
        m_client->get(u"/models/count"_s, KeyRole::Inference), context, true,
        [](const ApiReply& r, Result<qint64>& res) {
            if (const auto n = parseCount(r.json()))
                res.value = *n;
            else
                res.error = ApiError::badResponse(tr("The model count response has no count."));
        },
        std::move(cb));
}

} // namespace anyrouter
