// SimUsageRoutes: usage — GET /generation/{id} (or ?id=) with one served completion's tokens, cost
// and timings, and GET /activity: one row per UTC day × model, 30 days of seeded history plus every
// completion actually served.
#include "sim/SimCatalog.h"
#include "sim/SimExchange.h"
#include "sim/SimRandom.h"
#include "sim/SimRoutes.h"

#include <QJsonArray>
#include <QTimeZone>

#include <cmath>

using namespace Qt::StringLiterals;

namespace anyrouter::sim::routes {

void generation(SimExchange& ex)
{
    const QString id = ex.arg.isEmpty() ? ex.req->query.queryItemValue(u"id"_s, QUrl::FullyDecoded) : ex.arg;
    if (id.isEmpty()) {
        ex.error(400, u"Missing generation id"_s, "invalid_request_error", "missing_parameter", u"id"_s);
        return;
    }
    const auto it = ex.d->generations.constFind(id);
    if (it == ex.d->generations.cend()) {
        ex.error(404, u"Generation not found: "_s + id, "not_found_error", "generation_not_found");
        return;
    }
    const GenerationRecord& g = *it;
    QJsonObject o{{u"id"_s, g.id},
                  {u"model"_s, g.model},
                  {u"provider_name"_s, g.provider},
                  {u"total_cost"_s, g.cost},
                  {u"tokens_prompt"_s, g.promptTokens},
                  {u"tokens_completion"_s, g.completionTokens},
                  {u"native_tokens_reasoning"_s, g.reasoningTokens},
                  {u"native_tokens_cached"_s, g.cachedTokens},
                  {u"latency"_s, qRound64(g.latencyMs)},
                  {u"generation_time"_s, qRound64(g.generationMs)},
                  {u"finish_reason"_s,
                   g.finishReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(g.finishReason)},
                  {u"streamed"_s, g.streamed},
                  {u"created_at"_s, isoUtc(g.createdAt)}};
    ex.json(200, QJsonObject{{u"data"_s, o}});
}

void activity(SimExchange& ex)
{
    const SimServer::Private* d = ex.d;
    const SimCatalog& catalog = *ex.catalog;
    const QString dateFilter = ex.req->query.queryItemValue(u"date"_s);
    if (!dateFilter.isEmpty() && !QDate::fromString(dateFilter, Qt::ISODate).isValid()) {
        ex.error(400, u"date must be YYYY-MM-DD"_s, "invalid_request_error", "invalid_parameter", u"date"_s);
        return;
    }
    QMap<QPair<QString, QString>, ActivityAgg> rows;
    const QDate todayUtc = QDateTime::currentDateTimeUtc().date();
    if (d->config.seedActivityHistory) {
        // Deterministic history: the same seed gives the same 30 days (relative to today).
        QList<const SimModel*> popular;
        for (const SimModel& m : catalog.models()) {
            if (m.supportsChat() && m.has(u"chat"_s) && popular.size() < 24)
                popular.append(&m);
        }
        for (int day = 1; day <= 30 && !popular.isEmpty(); ++day) {
            SimRandom rng((quint64(d->config.seed) << 20) ^ quint64(day * 2654435761u));
            const QString date = todayUtc.addDays(-day).toString(Qt::ISODate);
            const int models = rng.range(1, 5);
            for (int i = 0; i < models; ++i) {
                const SimModel* m = popular.at(rng.below(qMin(int(popular.size()), i == 0 ? 5 : 24)));
                ActivityAgg& a = rows[{date, m->id}];
                const int requests = rng.range(1, 60);
                const qint64 prompt = qint64(requests) * rng.range(200, 4000);
                const qint64 completion = qint64(requests) * rng.range(80, 1200);
                a.provider = SimCatalog::upstreamName(m->upstreams.value(0));
                a.requests += requests;
                a.promptTokens += prompt;
                a.completionTokens += completion;
                if (m->has(u"reasoning"_s))
                    a.reasoningTokens += completion / rng.range(3, 6);
                a.usage += m->cost(prompt, 0, completion);
            }
        }
    }
    for (auto it = d->served.cbegin(); it != d->served.cend(); ++it) {
        ActivityAgg& a = rows[it.key()];
        a.provider = it->provider;
        a.usage += it->usage;
        a.requests += it->requests;
        a.promptTokens += it->promptTokens;
        a.completionTokens += it->completionTokens;
        a.reasoningTokens += it->reasoningTokens;
    }
    QJsonArray data;
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        if (!dateFilter.isEmpty() && it.key().first != dateFilter)
            continue;
        const SimModel* m = catalog.find(it.key().second);
        QString permaslug = it.key().second;
        if (m && m->created > 0)
            permaslug +=
                u'-' + QDateTime::fromSecsSinceEpoch(m->created, QTimeZone::utc()).toString(u"yyyyMMdd"_s);
        data.append(QJsonObject{{u"date"_s, it.key().first},
                                {u"model"_s, it.key().second},
                                {u"model_permaslug"_s, permaslug},
                                {u"provider_name"_s, it->provider},
                                {u"usage"_s, std::round(it->usage * 1e8) / 1e8},
                                {u"byok_usage_inference"_s, 0},
                                {u"requests"_s, it->requests},
                                {u"prompt_tokens"_s, it->promptTokens},
                                {u"completion_tokens"_s, it->completionTokens},
                                {u"reasoning_tokens"_s, it->reasoningTokens}});
    }
    ex.json(200, QJsonObject{{u"data"_s, data}});
}

} // namespace anyrouter::sim::routes
