#include "core/domain/RoutingPrefs.h"

#include "core/domain/JsonUtil.h"

#include <QJsonArray>

namespace anyrouter {

using namespace Qt::StringLiterals;

bool RoutingPrefs::isEmpty() const
{
    return toProviderObject().isEmpty() && pinnedProvider.isEmpty();
}

QJsonObject RoutingPrefs::toProviderObject() const
{
    QJsonObject o;
    if (!order.isEmpty())
        o.insert(u"order"_s, QJsonArray::fromStringList(order));
    if (!only.isEmpty())
        o.insert(u"only"_s, QJsonArray::fromStringList(only));
    if (!ignore.isEmpty())
        o.insert(u"ignore"_s, QJsonArray::fromStringList(ignore));
    if (!sort.isEmpty())
        o.insert(u"sort"_s, sort);
    if (allowFallbacks)
        o.insert(u"allow_fallbacks"_s, *allowFallbacks);
    QJsonObject maxPrice;
    // The reference's example sends prices as decimal strings, USD per 1M tokens.
    if (maxPromptPricePerM)
        maxPrice.insert(u"prompt"_s, QString::number(*maxPromptPricePerM, 'f', 4));
    if (maxCompletionPricePerM)
        maxPrice.insert(u"completion"_s, QString::number(*maxCompletionPricePerM, 'f', 4));
    if (!maxPrice.isEmpty())
        o.insert(u"max_price"_s, maxPrice);
    return o;
}

QJsonObject RoutingPrefs::toJson() const
{
    QJsonObject o = toProviderObject();
    if (!pinnedProvider.isEmpty())
        o.insert(u"pin"_s, pinnedProvider);
    return o;
}

RoutingPrefs RoutingPrefs::fromJson(const QJsonObject& o)
{
    RoutingPrefs p;
    p.order = json::stringList(o.value(u"order"_s));
    p.only = json::stringList(o.value(u"only"_s));
    p.ignore = json::stringList(o.value(u"ignore"_s));
    p.sort = json::str(o, u"sort"_s);
    p.allowFallbacks = json::optBool(o, u"allow_fallbacks"_s);
    const QJsonObject mp = o.value(u"max_price"_s).toObject();
    p.maxPromptPricePerM = json::optDouble(mp, u"prompt"_s);
    p.maxCompletionPricePerM = json::optDouble(mp, u"completion"_s);
    p.pinnedProvider = json::str(o, u"pin"_s);
    return p;
}

} // namespace anyrouter
