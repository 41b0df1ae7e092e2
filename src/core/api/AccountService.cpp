#include "core/api/AccountService.h"

#include "core/domain/JsonUtil.h"

#include <memory>

namespace anyrouter {

using namespace Qt::StringLiterals;

QString KeyCapabilities::summary() const
{
    if (authError.isError())
        return authError.userMessage();
    QStringList can, cannot;
    (inference ? can : cannot) << QObject::tr("chat and models");
    (credits ? can : cannot) << QObject::tr("credits");
    (keyManagement ? can : cannot) << QObject::tr("key management");
    if (cannot.isEmpty())
        return QObject::tr("The key works for %1.").arg(can.join(u", "_s));
    if (can.isEmpty())
        return QObject::tr("The key works for nothing this app needs.");
    return QObject::tr("The key works for %1; not for %2.").arg(can.join(u", "_s), cannot.join(u", "_s));
}

AccountService::AccountService(ApiClient* client, QObject* parent) : QObject(parent), m_client(client) {}

std::optional<Credits> AccountService::parseCredits(const QJsonDocument& doc)
{
    const QJsonObject o = json::unwrap(doc.object());
    Credits c;
    c.balance = json::optDouble(o, {u"balance", u"remaining"});
    c.totalCredits = json::optDouble(o, u"total_credits"_s);
    c.totalUsage = json::optDouble(o, {u"total_usage", u"lifetime_usage", u"used", u"usage"});
    if (!c.balance && c.totalCredits)
        c.balance = *c.totalCredits - c.totalUsage.value_or(0.0);
    if (!c.balance)
        return std::nullopt;
    return c;
}

ApiKeyInfo AccountService::parseKey(const QJsonObject& o)
{
    ApiKeyInfo k;
    k.hash = json::str(o, {u"hash", u"id"});
    k.name = json::str(o, u"name"_s);
    k.maskedKey = json::str(o, u"label"_s);
    if (k.maskedKey.isEmpty() || k.maskedKey == k.name)
        k.maskedKey = json::str(o, u"key_prefix"_s);
    k.createdAt = json::dateTime(o.value(u"created_at"_s));
    k.lastUsedAt = json::dateTime(o.value(u"last_used_at"_s));
    k.expiresAt = json::dateTime(o.value(u"expires_at"_s));
    k.disabled = json::optBool(o, u"disabled"_s).value_or(false);
    k.canReveal = json::optBool(o, u"can_reveal"_s).value_or(false);
    k.limit = json::optDouble(o, u"limit"_s);
    k.limitRemaining = json::optDouble(o, u"limit_remaining"_s);
    k.limitReset = json::str(o, u"limit_reset"_s);
    k.usage = json::optDouble(o, u"usage"_s);
    return k;
}

QList<ApiKeyInfo> AccountService::parseKeys(const QJsonDocument& doc)
{
    QList<ApiKeyInfo> out;
    const QJsonArray arr = json::listFrom(doc, {u"data", u"keys"});
    for (const QJsonValue& v : arr)
        out.append(parseKey(v.toObject()));
    return out;
}

void AccountService::fetchCredits(QObject* context, ResultCallback<Credits> cb)
{
    deliver<Credits>(
        m_client->get(u"/credits"_s, KeyRole::Management), context, true,
        [](const ApiReply& r, Result<Credits>& res) {
            if (auto c = parseCredits(r.json()))
                res.value = *c;
            else
                res.error = ApiError::badResponse(tr("The credits response has no balance."));
        },
        std::move(cb));
}

void AccountService::listKeys(QObject* context, ResultCallback<QList<ApiKeyInfo>> cb)
{
    deliver<QList<ApiKeyInfo>>(
        m_client->get(u"/keys"_s, KeyRole::Management), context, true,
        [](const ApiReply& r, Result<QList<ApiKeyInfo>>& res) {
            const QJsonDocument doc = r.json();
            if (doc.isNull())
                res.error = ApiError::badResponse(tr("The key list is not valid JSON."));
            else
                res.value = parseKeys(doc);
        },
        std::move(cb));
}

void AccountService::createKey(const NewKeyRequest& req, QObject* context, ResultCallback<CreatedKey> cb)
{
    QJsonObject body{{u"name"_s, req.name}};
    if (req.limit)
        body.insert(u"limit"_s, *req.limit);
    if (!req.limitReset.isEmpty())
        body.insert(u"limit_reset"_s, req.limitReset);
    if (req.expiresAt.isValid())
        body.insert(u"expires_at"_s, req.expiresAt.toUTC().toString(Qt::ISODate));
    deliver<CreatedKey>(
        m_client->send("POST", u"/keys"_s, KeyRole::Management, body), context, false,
        [](const ApiReply& r, Result<CreatedKey>& res) {
            const QJsonObject o = r.json().object();
            // OpenRouter: {data:{…}, key}; AnyRouter CLI relies only on `key`.
            res.value.secret =
                json::firstNonEmpty({json::str(o, u"key"_s), json::str(json::unwrap(o), u"key"_s)});
            res.value.info = parseKey(json::unwrap(o));
            if (res.value.secret.isEmpty())
                res.error =
                    ApiError::badResponse(tr("The gateway created the key but did not return its secret."));
        },
        std::move(cb));
}

void AccountService::updateKey(const QString& hash, const KeyUpdate& u, QObject* context,
                               ResultCallback<ApiKeyInfo> cb)
{
    QJsonObject body;
    if (u.name)
        body.insert(u"name"_s, *u.name);
    if (u.disabled)
        body.insert(u"disabled"_s, *u.disabled);
    if (u.limit)
        body.insert(u"limit"_s, *u.limit ? QJsonValue(**u.limit) : QJsonValue(QJsonValue::Null));
    if (u.limitReset)
        body.insert(u"limit_reset"_s,
                    u.limitReset->isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(*u.limitReset));
    deliver<ApiKeyInfo>(
        m_client->send("PATCH", u"/keys/"_s + QString::fromLatin1(QUrl::toPercentEncoding(hash)),
                       KeyRole::Management, body),
        context, false,
        [hash](const ApiReply& r, Result<ApiKeyInfo>& res) {
            res.value = parseKey(json::unwrap(r.json().object()));
            if (res.value.hash.isEmpty())
                res.value.hash = hash;
        },
        std::move(cb));
}

void AccountService::deleteKey(const QString& hash, QObject* context, ResultCallback<bool> cb)
{
    deliver<bool>(
        m_client->send("DELETE", u"/keys/"_s + QString::fromLatin1(QUrl::toPercentEncoding(hash)),
                       KeyRole::Management),
        context, false, [](const ApiReply&, Result<bool>& res) { res.value = true; }, std::move(cb));
}

void AccountService::revealKey(const QString& hash, QObject* context, ResultCallback<QString> cb)
{
    deliver<QString>(
        m_client->send("POST",
                       u"/keys/"_s + QString::fromLatin1(QUrl::toPercentEncoding(hash)) + u"/reveal"_s,
                       KeyRole::Management),
        context, false,
        [](const ApiReply& r, Result<QString>& res) {
            const QJsonObject o = r.json().object();
            res.value = json::firstNonEmpty({json::str(o, u"key"_s), json::str(json::unwrap(o), u"key"_s)});
            if (res.value.isEmpty())
                res.error = ApiError::badResponse(tr("The gateway did not return the key."));
        },
        std::move(cb));
}

void AccountService::validateKeys(QObject* context, std::function<void(const KeyCapabilities&)> cb)
{
    auto caps = std::make_shared<KeyCapabilities>();
    // Sequential, as the official CLI does: credits, then models, then keys. A 401 on the
    // inference key ends it: nothing else will work.
    fetchCredits(context, [this, context, caps, cb](const Result<Credits>& credits) {
        caps->credits = credits.ok();
        ApiReply* models = m_client->get(u"/models"_s, KeyRole::Inference);
        QObject::connect(models, &ApiReply::finished, context, [this, context, caps, cb, models] {
            caps->inference = models->isOk();
            if (models->error().category() == ApiError::Category::Auth) {
                caps->authError = models->error();
                cb(*caps);
                return;
            }
            listKeys(context, [caps, cb](const Result<QList<ApiKeyInfo>>& keys) {
                caps->keyManagement = keys.ok();
                cb(*caps);
            });
        });
    });
}

} // namespace anyrouter
