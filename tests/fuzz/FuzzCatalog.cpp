// Fuzz target: the catalog parsers — a /models body in every documented shape (bare array,
// {data:[…]}, {models:[…]}; per-1K numbers and per-token strings), /models/count, the cost of a
// request at the parsed prices, and the persisted Models-page filter. Properties: no crash, no
// undefined behaviour (e.g. a float-to-int cast of an absurd number), a body that is not JSON is an
// error and never a list, and parsing is deterministic. Byte 0 picks the price unit.
#include "core/api/CatalogService.h"
#include "core/catalog/CatalogFilter.h"

#include "FuzzSupport.h"

#include <QJsonDocument>

using namespace anyrouter;
using anyrouter::fuzz::escapedBytes;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::ensureCoreApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const auto unit =
        data[0] & 1 ? CatalogService::AnyRouterPriceUnit::Per1M : CatalogService::AnyRouterPriceUnit::Per1K;
    const QByteArray body(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    Result<QList<ModelInfo>> list;
    CatalogService::parseModelList(body, unit, list);
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isNull() && (!list.error.isError() || !list.value.isEmpty()))
        fuzz::fail("a body that is not JSON gave a model list", escapedBytes(body));

    for (const ModelInfo& m : std::as_const(list.value)) {
        // What the Models page and the cost calculator do with every entry.
        (void)m.providerSlug();
        for (const qint64 tokens : {qint64(0), qint64(1), qint64(1000), qint64(1) << 40})
            (void)m.pricing.costFor(tokens, tokens, tokens / 2);
        (void)m.created.toString(Qt::ISODate);
    }

    // Deterministic: the same body parses to the same models (ids and prices).
    Result<QList<ModelInfo>> again;
    CatalogService::parseModelList(body, unit, again);
    if (again.value.size() != list.value.size())
        fuzz::fail("parseModelList() is not deterministic", escapedBytes(body));
    for (qsizetype i = 0; i < list.value.size(); ++i) {
        if (again.value[i].id != list.value[i].id ||
            again.value[i].contextLength != list.value[i].contextLength)
            fuzz::fail("parseModelList() is not deterministic", escapedBytes(body));
    }

    // Single-model detail and count endpoints take the same documents.
    if (doc.isObject()) {
        (void)CatalogService::parseModel(doc.object(), unit);
        (void)CatalogService::parsePricing(doc.object(), unit);
        const CatalogFilter filter = CatalogFilter::fromJson(doc.object());
        const CatalogFilter roundTrip = CatalogFilter::fromJson(filter.toJson());
        if (!(filter == roundTrip))
            fuzz::fail("CatalogFilter does not survive toJson()/fromJson()", escapedBytes(body));
    }
    (void)CatalogService::parseCount(doc);
    return 0;
}
