// CatalogService: GET /models, /models/{id}, /models/count. Accepts every documented response and
// pricing shape (bare array, {data:[…]}, {models:[…]}; AnyRouter per-1K numbers, OpenRouter per-token
// strings) and normalises prices to USD per 1M tokens.
#pragma once

#include "core/api/Result.h"
#include "core/domain/ModelInfo.h"

namespace anyrouter {

class CatalogService : public QObject
{
    Q_OBJECT
public:
    // The reference flags AnyRouter's "input_per_1k" unit as unconfirmed (its own example looks
    // like per-1M figures). The assumption is explicit and switchable, not buried in the parser.
    enum class AnyRouterPriceUnit
    {
        Per1K,
        Per1M
    };

    explicit CatalogService(ApiClient* client, QObject* parent = nullptr);

    void fetchModels(QObject* context, ResultCallback<QList<ModelInfo>> cb);
    // The /models body unparsed, for callers that parse a large list off the GUI thread with
    // parseModelList(); same errors as fetchModels() except a body that is not JSON.
    void fetchModelsBody(QObject* context, ResultCallback<QByteArray> cb);
    void fetchModel(const QString& id, QObject* context, ResultCallback<ModelInfo> cb);
    void fetchCount(QObject* context, ResultCallback<qint64> cb);

    void setAnyRouterPriceUnit(AnyRouterPriceUnit u) { m_unit = u; }
    AnyRouterPriceUnit anyRouterPriceUnit() const { return m_unit; }

    // A /models body into models; a body that is not JSON sets a bad-response error.
    static void parseModelList(const QByteArray& body, AnyRouterPriceUnit unit,
                               Result<QList<ModelInfo>>& out);

    static QList<QJsonObject> modelObjects(const QJsonDocument& doc);
    static ModelInfo parseModel(const QJsonObject& o, AnyRouterPriceUnit unit = AnyRouterPriceUnit::Per1K);
    static ModelPricing parsePricing(const QJsonObject& pricing,
                                     AnyRouterPriceUnit unit = AnyRouterPriceUnit::Per1K);
    static std::optional<qint64> parseCount(const QJsonDocument& doc);

private:
    ApiClient* m_client;
    AnyRouterPriceUnit m_unit = AnyRouterPriceUnit::Per1K;
};

} // namespace anyrouter
