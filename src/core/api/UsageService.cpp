#include "core/api/UsageService.h"

#include "core/domain/JsonUtil.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

UsageService::UsageService(ApiClient* client, QObject* parent) : QObject(parent), m_client(client) {}

std::optional<GenerationStats> UsageService::parseGeneration(const QJsonDocument& doc)
{
    const QJsonObject o = json::unwrap(doc.object());
    GenerationStats g;
    g.id = json::str(o, u"id"_s);
    if (g.id.isEmpty())
        return std::nullopt;
    g.model = json::str(o, u"model"_s);
    g.provider = json::str(o, {u"provider_name", u"provider"});
    g.totalCost = json::optDouble(o, {u"total_cost", u"cost"});
    g.promptTokens = json::optInt(o, {u"tokens_prompt", u"prompt_tokens"});
    g.completionTokens = json::optInt(o, {u"tokens_completion", u"completion_tokens"});
    g.latencyMs = json::optDouble(o, u"latency"_s);
    g.generationTimeMs = json::optDouble(o, u"generation_time"_s);
    g.finishReason = json::str(o, u"finish_reason"_s);
    return g;
}

QList<ActivityRow> UsageService::parseActivity(const QJsonDocument& doc)
{
    QList<ActivityRow> out;
    const QJsonArray arr = json::listFrom(doc, {u"data", u"activity"});
    for (const QJsonValue& v : arr) {
        const QJsonObject o = v.toObject();
        ActivityRow r;
        r.date = QDate::fromString(json::str(o, u"date"_s).left(10), Qt::ISODate);
        if (!r.date.isValid())
            continue;
        r.model = json::str(o, u"model"_s);
        r.provider = json::str(o, u"provider_name"_s);
        r.usage = json::optDouble(o, u"usage"_s);
        r.requests = json::optInt(o, u"requests"_s).value_or(0);
        r.promptTokens = json::optInt(o, u"prompt_tokens"_s).value_or(0);
        r.completionTokens = json::optInt(o, u"completion_tokens"_s).value_or(0);
        r.reasoningTokens = json::optInt(o, u"reasoning_tokens"_s).value_or(0);
        out.append(r);
    }
    return out;
}

void UsageService::fetchGeneration(const QString& id, QObject* context, ResultCallback<GenerationStats> cb)
{
    auto parse = [](const ApiReply& r, Result<GenerationStats>& res) {
        if (auto g = parseGeneration(r.json()))
            res.value = *g;
        else
            res.error = ApiError::badResponse(tr("The generation stats have no id."));
    };
    const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(id));
    ApiReply* pathForm = m_client->get(u"/generation/"_s + encoded, KeyRole::Inference);
    // Path form first (AnyRouter's listing); on 404 try the OpenRouter query form before giving up.
    deliver<GenerationStats>(
        pathForm, context, true, parse, [this, id, context, parse, cb](const Result<GenerationStats>& first) {
            if (!first.unsupported) {
                cb(first);
                return;
            }
            QUrlQuery q;
            q.addQueryItem(u"id"_s, id);
            deliver<GenerationStats>(m_client->get(u"/generation"_s, KeyRole::Inference, q), context, true,
                                     parse, cb);
        });
}

void UsageService::fetchActivity(const QDate& date, QObject* context, ResultCallback<QList<ActivityRow>> cb)
{
    QUrlQuery q;
    if (date.isValid())
        q.addQueryItem(u"date"_s, date.toString(Qt::ISODate));
    deliver<QList<ActivityRow>>(
        m_client->get(u"/activity"_s, KeyRole::Management, q), context, true,
        [](const ApiReply& r, Result<QList<ActivityRow>>& res) {
            const QJsonDocument doc = r.json();
            if (doc.isNull())
                res.error = ApiError::badResponse(tr("The activity response is not valid JSON."));
            else
                res.value = parseActivity(doc);
        },
        std::move(cb));
}

} // namespace anyrouter
