// SimHealthRoutes: GET /health — the gateway's and each upstream provider's status and latency,
// derived from the seed (a couple of providers are always degraded).
#include "sim/SimCatalog.h"
#include "sim/SimExchange.h"
#include "sim/SimRandom.h"
#include "sim/SimRoutes.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace anyrouter::sim::routes {

void health(SimExchange& ex)
{
    QJsonArray providers;
    const QStringList slugs = ex.catalog->upstreamSlugs();
    int degraded = 0;
    for (const QString& slug : slugs) {
        const quint64 h = fnv1a64(slug.toUtf8(), ex.d->config.seed);
        const bool isDegraded =
            degraded < 2 && (h % 9 == 4 || slug == u"hyperbolic"_s || slug == u"lambda"_s);
        if (isDegraded)
            ++degraded;
        QJsonObject p{{u"name"_s, slug},
                      {u"display_name"_s, SimCatalog::upstreamName(slug)},
                      {u"status"_s, isDegraded ? u"degraded"_s : u"ok"_s},
                      {u"latency_ms"_s, int(isDegraded ? 1500 + h % 2500 : 80 + h % 700)}};
        providers.append(p);
    }
    ex.json(200, QJsonObject{{u"status"_s, u"ok"_s},
                             {u"timestamp"_s, isoUtc(QDateTime::currentDateTimeUtc())},
                             {u"providers"_s, providers}});
}

} // namespace anyrouter::sim::routes
