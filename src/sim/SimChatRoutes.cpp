// SimChatRoutes: POST /chat/completions — request validation, provider routing (pin header,
// provider.only / ignore / order / allow_fallbacks / max_price), billing gates, prompt size and
// prefix caching, the reply plan (length, reasoning, stops) handed to SimChatStream, and the
// generation record and activity the finished reply leaves behind.
#include "sim/SimCatalog.h"
#include "sim/SimChatStream.h"
#include "sim/SimExchange.h"
#include "sim/SimRandom.h"
#include "sim/SimRoutes.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace anyrouter::sim::routes {

namespace {

constexpr int kMaxGenerations = 200'000;
constexpr int kMaxPrefixCache = 100'000;

QString normalizeProvider(QString s)
{
    s = s.trimmed().toLower();
    s.replace(u' ', u'-');
    s.replace(u'_', u'-');
    return s;
}

QString textOf(const QJsonValue& content)
{
    if (content.isString())
        return content.toString();
    QString out;
    if (content.isArray()) {
        const QJsonArray parts = content.toArray();
        for (const QJsonValue& p : parts) {
            const QJsonObject o = p.toObject();
            if (o.value(u"type"_s).toString() == u"text"_s || o.contains(u"text"_s))
                out += o.value(u"text"_s).toString();
        }
    }
    return out;
}

} // namespace

void chatCompletions(SimExchange& ex)
{
    SimServer::Private* d = ex.d;
    const auto bodyOpt = ex.bodyObject(true);
    if (!bodyOpt)
        return;
    const QJsonObject& body = *bodyOpt;
    const QString modelId = body.value(u"model"_s).toString();
    if (modelId.isEmpty()) {
        ex.error(400, u"Missing required field: model"_s, "invalid_request_error", "missing_parameter",
                 u"model"_s);
        return;
    }
    const SimModel* model = ex.catalog->find(modelId);
    if (!model) {
        ex.error(404, u"Model not found: "_s + modelId, "not_found_error", "model_not_found", u"model"_s);
        return;
    }
    if (!model->has(u"chat"_s)) {
        ex.error(400, modelId + u" does not support chat completions"_s, "invalid_request_error",
                 "unsupported_model", u"model"_s);
        return;
    }
    const QJsonArray messages = body.value(u"messages"_s).toArray();
    if (!body.value(u"messages"_s).isArray() || messages.isEmpty()) {
        ex.error(400, u"messages must be a non-empty array"_s, "invalid_request_error", "invalid_parameter",
                 u"messages"_s);
        return;
    }
    int maxTokens = -1;
    for (const QString& field : {u"max_tokens"_s, u"max_completion_tokens"_s}) {
        const QJsonValue v = body.value(field);
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble() || v.toDouble() < 1 || v.toDouble() != std::floor(v.toDouble())) {
            ex.error(400, field + u" must be a positive integer"_s, "invalid_request_error",
                     "invalid_parameter", field);
            return;
        }
        maxTokens = int(qMin(v.toDouble(), 1e9));
    }
    const QJsonValue temperature = body.value(u"temperature"_s);
    if (!temperature.isUndefined() && !temperature.isNull() &&
        (!temperature.isDouble() || temperature.toDouble() < 0 || temperature.toDouble() > 2)) {
        ex.error(400, u"temperature must be between 0 and 2"_s, "invalid_request_error", "invalid_parameter",
                 u"temperature"_s);
        return;
    }

    // Routing: pin header, then provider.only / ignore / order / allow_fallbacks / max_price.
    QStringList candidates = model->upstreams;
    const QString pin = normalizeProvider(QString::fromUtf8(ex.req->header("x-anyrouter-provider")));
    auto matches = [](const QString& slug, const QString& wanted) {
        return slug == wanted || normalizeProvider(SimCatalog::upstreamName(slug)) == wanted;
    };
    if (!pin.isEmpty()) {
        QStringList pinned;
        for (const QString& s : std::as_const(candidates)) {
            if (matches(s, pin))
                pinned.append(s);
        }
        if (pinned.isEmpty()) {
            ex.error(400,
                     u"Provider \""_s + pin + u"\" does not serve "_s + modelId + u" (available: "_s +
                         model->upstreams.join(u", "_s) + u')',
                     "invalid_request_error", "invalid_provider");
            return;
        }
        candidates = pinned;
    }
    const QJsonObject prefs = body.value(u"provider"_s).toObject();
    auto listOf = [&](const QString& key) {
        QStringList out;
        const QJsonArray arr = prefs.value(key).toArray();
        for (const QJsonValue& v : arr)
            out.append(normalizeProvider(v.toString()));
        return out;
    };
    const QStringList only = listOf(u"only"_s);
    const QStringList ignore = listOf(u"ignore"_s);
    const QStringList order = listOf(u"order"_s);
    const bool allowFallbacks = prefs.value(u"allow_fallbacks"_s).toBool(true);
    QStringList chosen;
    for (const QString& s : std::as_const(candidates)) {
        const bool inOnly = only.isEmpty() || std::any_of(only.cbegin(), only.cend(),
                                                          [&](const QString& w) { return matches(s, w); });
        const bool ignored =
            std::any_of(ignore.cbegin(), ignore.cend(), [&](const QString& w) { return matches(s, w); });
        if (inOnly && !ignored)
            chosen.append(s);
    }
    if (!order.isEmpty()) {
        QStringList ordered;
        for (const QString& w : order) {
            for (const QString& s : std::as_const(chosen)) {
                if (matches(s, w) && !ordered.contains(s))
                    ordered.append(s);
            }
        }
        if (allowFallbacks) {
            for (const QString& s : std::as_const(chosen)) {
                if (!ordered.contains(s))
                    ordered.append(s);
            }
        }
        chosen = ordered;
    }
    const QJsonObject maxPrice = prefs.value(u"max_price"_s).toObject();
    auto priceLimit = [&](const QString& key) {
        const QJsonValue v = maxPrice.value(key);
        bool ok = false;
        const double x = v.isString() ? v.toString().toDouble(&ok) : v.toDouble(-1);
        return v.isString() ? (ok ? x : -1.0) : x;
    };
    const double maxPrompt = priceLimit(u"prompt"_s);
    const double maxCompletion = priceLimit(u"completion"_s);
    if ((maxPrompt >= 0 && model->inPerM > maxPrompt) ||
        (maxCompletion >= 0 && model->outPerM > maxCompletion))
        chosen.clear();
    if (chosen.isEmpty()) {
        ex.error(404, u"No endpoints found for "_s + modelId + u" matching your provider preferences"_s,
                 "not_found_error", "no_endpoints");
        return;
    }
    const QString provider = chosen.first();

    // Billing gates.
    if (d->totalCredits - d->totalUsage <= 0) {
        ex.error(402,
                 u"Insufficient credits: your balance is $"_s +
                     QString::number(d->totalCredits - d->totalUsage, 'f', 2) +
                     u". Add credits to continue."_s,
                 "insufficient_credits", "insufficient_credits");
        return;
    }
    if (ex.keyRow >= 0) {
        const KeyRecord& k = d->keys.at(ex.keyRow);
        if (k.limit && k.usage >= *k.limit) {
            ex.error(402, u"This key reached its spending limit"_s, "insufficient_credits",
                     "key_limit_exceeded");
            return;
        }
    }

    // Prompt size, prefix caching, seed.
    qint64 chars = 0;
    quint64 seedHash = fnv1a64(QByteArray::number(d->config.seed));
    quint64 prefixHash = fnv1a64(modelId.toUtf8());
    QList<QPair<quint64, qint64>> prefixes;
    QString lastUser;
    for (const QJsonValue& mv : messages) {
        const QJsonObject mo = mv.toObject();
        const QString role = mo.value(u"role"_s).toString();
        const QString text = textOf(mo.value(u"content"_s));
        if (role == u"user"_s)
            lastUser = text;
        chars += text.size();
        const QByteArray utf8 = role.toUtf8() + '\x1f' + text.toUtf8() + '\x1e';
        seedHash = fnv1a64(utf8, seedHash);
        prefixHash = fnv1a64(utf8, prefixHash);
        prefixes.append({prefixHash, qMax<qint64>(1, (chars + 3) / 4)});
    }
    if (body.contains(u"seed"_s))
        seedHash = fnv1a64(QByteArray::number(body.value(u"seed"_s).toInteger()), seedHash);
    const qint64 promptTokens = qMax<qint64>(1, (chars + 3) / 4);
    if (model->contextLength > 0 && promptTokens > model->contextLength) {
        ex.error(413,
                 u"Input of "_s + QString::number(promptTokens) +
                     u" tokens exceeds the context window of "_s + QString::number(model->contextLength),
                 "request_too_large", "context_length_exceeded", u"messages"_s);
        return;
    }
    qint64 cached = 0;
    if (model->cacheReadPerM >= 0) {
        for (qsizetype i = 0; i + 1 < prefixes.size(); ++i) {
            if (d->prefixCache.contains(prefixes.at(i).first))
                cached = qMax(cached, prefixes.at(i).second);
        }
        if (d->prefixCache.size() > kMaxPrefixCache)
            d->prefixCache.clear();
        for (const auto& p : std::as_const(prefixes))
            d->prefixCache.insert(p.first, p.second);
    }

    // Length: [[tokens=N]] wins, else 40..400 from the prompt; max_tokens caps either.
    static const QRegularExpression kTokensRe(u"\\[\\[tokens=(\\d+)\\]\\]"_s);
    const QRegularExpressionMatch tm = kTokensRe.match(lastUser);
    const qint64 wanted =
        tm.hasMatch() ? qMin<qint64>(tm.captured(1).toLongLong(), 100'000'000) : 40 + qint64(seedHash % 361);
    SimChatPlan plan;
    plan.contentTokens = int(maxTokens > 0 ? qMin<qint64>(wanted, maxTokens) : wanted);
    plan.naturalFinish = maxTokens > 0 && wanted > maxTokens ? "length"_ba : "stop"_ba;

    // Reasoning: only for reasoning models, only when asked for.
    QJsonValue reasoning = body.value(u"reasoning"_s);
    if (reasoning.isUndefined() && body.value(u"include_reasoning"_s).toBool())
        reasoning = QJsonObject();
    if (model->has(u"reasoning"_s) && reasoning.isObject()) {
        const QJsonObject r = reasoning.toObject();
        const QString effort = r.value(u"effort"_s).toString(u"medium"_s);
        if (r.value(u"enabled"_s).toBool(true) && effort != u"none"_s) {
            SimRandom rr(seedHash ^ 0xEFF0);
            int n = effort == u"low"_s || effort == u"minimal"_s ? rr.range(24, 64)
                    : effort == u"high"_s                        ? rr.range(160, 400)
                                                                 : rr.range(64, 160);
            if (r.value(u"max_tokens"_s).isDouble())
                n = qMin(n, qMax(0, r.value(u"max_tokens"_s).toInt()));
            plan.reasoningTokens = n;
            plan.showReasoning = !r.value(u"exclude"_s).toBool(false);
        }
    }
    const QJsonValue stop = body.value(u"stop"_s);
    if (stop.isString() && !stop.toString().isEmpty())
        plan.stops.append(stop.toString().toUtf8());
    for (const QJsonValue& s : stop.toArray()) {
        if (!s.toString().isEmpty())
            plan.stops.append(s.toString().toUtf8());
    }

    const qint64 created = QDateTime::currentSecsSinceEpoch();
    const QString id = (model->index % 2 ? u"chatcmpl-"_s : u"gen-"_s) + QString::number(created) + u'-' +
                       QString::number(++d->generationCounter, 36).rightJustified(4, u'0') + randomHex(6);
    plan.id = id.toUtf8();
    plan.model = modelId.toUtf8();
    plan.providerName = SimCatalog::upstreamName(provider).toUtf8();
    plan.created = created;
    plan.stream = body.value(u"stream"_s).toBool(false);
    plan.seed = seedHash;
    plan.promptTokens = promptTokens;
    plan.cachedTokens = cached;
    plan.inPerM = model->inPerM;
    plan.outPerM = model->outPerM;
    plan.cacheReadPerM = model->cacheReadPerM;
    plan.tokensPerSecond = d->config.tokensPerSecond;
    plan.ttftMs = d->config.ttftMs;
    plan.keepAliveMs = d->config.keepAliveMs;
    plan.framing = d->config.framing;
    plan.headers = ex.headers;
    plan.reportCost = d->config.reportUsageCost;
    plan.headers.append({"X-Generation-Id"_ba, plan.id});
    plan.fault = ex.fault;

    GenerationRecord g;
    g.id = id;
    g.model = modelId;
    g.provider = SimCatalog::upstreamName(provider);
    g.promptTokens = promptTokens;
    g.cachedTokens = cached;
    g.createdAt = QDateTime::fromSecsSinceEpoch(created, QTimeZone::utc());
    g.streamed = plan.stream;
    g.keyRow = ex.keyRow;
    d->generations.insert(id, g);
    d->generationOrder.append(id);
    if (d->generationOrder.size() > kMaxGenerations)
        d->generations.remove(d->generationOrder.takeFirst());

    const QString keyHash = ex.keyRow >= 0 ? d->keys.at(ex.keyRow).hash : QString();
    auto* stream = new SimChatStream(std::move(plan), ex.conn, ex.server);
    SimServer::Private* dd = d;
    QObject::connect(stream, &SimChatStream::finished, ex.server, [dd, keyHash](const SimChatOutcome& o) {
        const QString gid = QString::fromUtf8(o.id);
        auto it = dd->generations.find(gid);
        if (it != dd->generations.end()) {
            it->completionTokens = o.completionTokens;
            it->reasoningTokens = o.reasoningTokens;
            it->cost = o.cost;
            it->latencyMs = o.latencyMs;
            it->generationMs = o.generationMs;
            it->finishReason = QString::fromUtf8(o.finishReason);
            ActivityAgg& a = dd->served[{it->createdAt.date().toString(Qt::ISODate), it->model}];
            a.provider = it->provider;
            a.usage += o.cost;
            a.requests += 1;
            a.promptTokens += it->promptTokens;
            a.completionTokens += o.completionTokens;
            a.reasoningTokens += o.reasoningTokens;
        }
        dd->totalUsage += o.cost;
        if (KeyRecord* k = dd->keyByHash(keyHash))
            k->usage += o.cost;
    });
    stream->start();
}

} // namespace anyrouter::sim::routes
