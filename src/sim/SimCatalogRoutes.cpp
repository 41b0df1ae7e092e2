// SimCatalogRoutes: GET /models (three list shapes, filters, the unfiltered body cached per shape),
// /models/count and /models/{id} (also OpenRouter's /models/{author}/{slug}/endpoints).
#include "sim/SimCatalog.h"
#include "sim/SimExchange.h"
#include "sim/SimJson.h"
#include "sim/SimRoutes.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace anyrouter::sim::routes {

namespace {

int modelsCacheKey(const SimConfig& cfg)
{
    return int(cfg.modelsShape) * 16 + int(cfg.pricingShape);
}

QByteArray modelsBody(const SimCatalog& catalog, const SimConfig& cfg, const QUrlQuery& query)
{
    QJsonArray arr;
    const QList<const SimModel*> list = catalog.filtered(query);
    for (const SimModel* m : list)
        arr.append(catalog.toJson(*m, cfg.pricingShape));
    switch (cfg.modelsShape) {
    case ModelsShape::DataObject:
        return json::compact(QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, arr}});
    case ModelsShape::BareArray:
        return QJsonDocument(arr).toJson(QJsonDocument::Compact);
    case ModelsShape::ModelsKey:
        return json::compact(QJsonObject{{u"models"_s, arr}});
    }
    return {};
}

} // namespace

void warmModelsCache(SimServer::Private* d, const SimCatalog& catalog)
{
    const int key = modelsCacheKey(d->config);
    if (!d->modelsBodyCache.contains(key))
        d->modelsBodyCache.insert(key, modelsBody(catalog, d->config, {}));
}

void models(SimExchange& ex)
{
    SimServer::Private* d = ex.d;
    const SimConfig& cfg = d->config;
    const bool unfiltered = ex.req->query.isEmpty();
    const int cacheKey = modelsCacheKey(cfg);
    if (unfiltered) {
        const auto it = d->modelsBodyCache.constFind(cacheKey);
        if (it != d->modelsBodyCache.cend()) {
            ex.json(200, *it);
            return;
        }
    }
    const QByteArray body = modelsBody(*ex.catalog, cfg, ex.req->query);
    if (unfiltered)
        d->modelsBodyCache.insert(cacheKey, body);
    ex.json(200, body);
}

void modelsCount(SimExchange& ex)
{
    const qsizetype n =
        ex.req->query.isEmpty() ? ex.catalog->models().size() : ex.catalog->filtered(ex.req->query).size();
    ex.json(200, QJsonObject{{u"count"_s, qint64(n)}});
}

void modelDetail(SimExchange& ex)
{
    QString id = ex.arg;
    const SimModel* m = ex.catalog->find(id);
    if (!m && id.endsWith(u"/endpoints"_s)) { // OpenRouter's /models/{author}/{slug}/endpoints
        id.chop(10);
        m = ex.catalog->find(id);
    }
    if (!m) {
        ex.error(404, u"Model not found: "_s + id, "not_found_error", "model_not_found", u"model"_s);
        return;
    }
    ex.json(200, ex.catalog->toJson(*m, ex.d->config.pricingShape, true));
}

} // namespace anyrouter::sim::routes
