// SimAccountRoutes: the account — GET /credits (two shapes) and the key management endpoints
// (/keys list and create, /keys/{hash} get, patch and delete, /keys/{hash}/reveal).
#include "sim/SimExchange.h"
#include "sim/SimRoutes.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace anyrouter::sim::routes {

namespace {

std::optional<double> numberOrNull(const QJsonValue& v, bool* ok)
{
    *ok = true;
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (v.isDouble() && v.toDouble() >= 0)
        return v.toDouble();
    *ok = false;
    return std::nullopt;
}

QJsonObject keyRow(const KeyRecord& k)
{
    auto numOrNull = [](const std::optional<double>& v) {
        return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
    };
    std::optional<double> remaining;
    if (k.limit)
        remaining = qMax(0.0, *k.limit - k.usage);
    const QString prefix = k.secret.left(13);
    return QJsonObject{
        {u"hash"_s, k.hash},
        {u"name"_s, k.name},
        {u"label"_s, QString(k.secret.left(12) + u"..."_s + k.secret.right(4))},
        {u"key_prefix"_s, prefix},
        {u"created_at"_s, isoOrNull(k.createdAt)},
        {u"last_used_at"_s, isoOrNull(k.lastUsedAt)},
        {u"disabled"_s, k.disabled},
        {u"can_reveal"_s, k.canReveal},
        {u"limit"_s, numOrNull(k.limit)},
        {u"limit_remaining"_s, numOrNull(remaining)},
        {u"limit_reset"_s, k.limitReset.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(k.limitReset)},
        {u"usage"_s, k.usage},
        {u"expires_at"_s, isoOrNull(k.expiresAt)}};
}

// Validates the writable key fields shared by POST and PATCH; returns the offending field.
QString applyKeyFields(const QJsonObject& o, KeyRecord& k)
{
    if (o.contains(u"name"_s)) {
        if (!o.value(u"name"_s).isString() || o.value(u"name"_s).toString().trimmed().isEmpty())
            return u"name"_s;
        k.name = o.value(u"name"_s).toString().trimmed();
    }
    if (o.contains(u"disabled"_s)) {
        if (!o.value(u"disabled"_s).isBool())
            return u"disabled"_s;
        k.disabled = o.value(u"disabled"_s).toBool();
    }
    if (o.contains(u"limit"_s)) {
        bool ok = false;
        const auto v = numberOrNull(o.value(u"limit"_s), &ok);
        if (!ok)
            return u"limit"_s;
        k.limit = v;
    }
    if (o.contains(u"limit_reset"_s)) {
        const QJsonValue v = o.value(u"limit_reset"_s);
        static const QStringList kResets = {u"daily"_s, u"weekly"_s, u"monthly"_s};
        if (v.isNull())
            k.limitReset.clear();
        else if (v.isString() && kResets.contains(v.toString()))
            k.limitReset = v.toString();
        else
            return u"limit_reset"_s;
    }
    if (o.contains(u"expires_at"_s)) {
        const QJsonValue v = o.value(u"expires_at"_s);
        if (v.isNull()) {
            k.expiresAt = {};
        } else {
            const QDateTime dt = QDateTime::fromString(v.toString(), Qt::ISODate);
            if (!v.isString() || !dt.isValid())
                return u"expires_at"_s;
            k.expiresAt = dt.toUTC();
        }
    }
    return {};
}

// The key the path names, or nullptr after answering 404.
KeyRecord* keyOfPath(SimExchange& ex)
{
    KeyRecord* k = ex.d->keyByHash(ex.arg);
    if (!k)
        ex.error(404, u"Key not found"_s, "not_found_error", "key_not_found");
    return k;
}

} // namespace

void credits(SimExchange& ex)
{
    const SimServer::Private* d = ex.d;
    const double usage = d->totalUsage;
    if (d->config.creditsShape == CreditsShape::Balance) {
        ex.json(200, QJsonObject{{u"balance"_s, d->totalCredits - usage}, {u"total_usage"_s, usage}});
    } else {
        ex.json(200, QJsonObject{{u"data"_s, QJsonObject{{u"total_credits"_s, d->totalCredits},
                                                         {u"total_usage"_s, usage}}}});
    }
}

void keysList(SimExchange& ex)
{
    QJsonArray rows;
    for (const KeyRecord& k : std::as_const(ex.d->keys))
        rows.append(keyRow(k));
    ex.json(200, QJsonObject{{u"data"_s, rows}});
}

void keysCreate(SimExchange& ex)
{
    const auto body = ex.bodyObject(true);
    if (!body)
        return;
    if (!body->value(u"name"_s).isString() || body->value(u"name"_s).toString().trimmed().isEmpty()) {
        ex.error(400, u"A key needs a name"_s, "invalid_request_error", "invalid_parameter", u"name"_s);
        return;
    }
    KeyRecord k;
    QJsonObject fields = *body;
    fields.remove(u"disabled"_s);
    const QString bad = applyKeyFields(fields, k);
    if (!bad.isEmpty()) {
        ex.error(400, u"Invalid value for "_s + bad, "invalid_request_error", "invalid_parameter", bad);
        return;
    }
    for (const KeyRecord& other : std::as_const(ex.d->keys)) {
        if (other.name == k.name) {
            ex.error(409, u"A key named \""_s + k.name + u"\" already exists"_s, "conflict_error",
                     "duplicate_name", u"name"_s);
            return;
        }
    }
    k.secret = u"sk-ar-v1-"_s + randomHex(16);
    k.hash = hashOfSecret(k.secret);
    k.tier = Tier::Inference;
    k.createdAt = QDateTime::currentDateTimeUtc();
    ex.d->keys.append(k);
    ex.json(201, QJsonObject{{u"data"_s, keyRow(k)}, {u"key"_s, k.secret}});
}

void keyGet(SimExchange& ex)
{
    if (const KeyRecord* k = keyOfPath(ex))
        ex.json(200, QJsonObject{{u"data"_s, keyRow(*k)}});
}

void keyDelete(SimExchange& ex)
{
    if (!keyOfPath(ex))
        return;
    ex.d->keys.removeIf([&](const KeyRecord& r) { return r.hash == ex.arg; });
    ex.json(200, QJsonObject{{u"deleted"_s, true}});
}

void keyPatch(SimExchange& ex)
{
    KeyRecord* k = keyOfPath(ex);
    if (!k)
        return;
    const auto body = ex.bodyObject(true);
    if (!body)
        return;
    KeyRecord updated = *k;
    const QString bad = applyKeyFields(*body, updated);
    if (!bad.isEmpty()) {
        ex.error(400, u"Invalid value for "_s + bad, "invalid_request_error", "invalid_parameter", bad);
        return;
    }
    *k = updated;
    ex.json(200, QJsonObject{{u"data"_s, keyRow(*k)}});
}

void keyReveal(SimExchange& ex)
{
    const KeyRecord* k = keyOfPath(ex);
    if (!k)
        return;
    if (!k->canReveal) {
        ex.error(409, u"This key was created before reveal support and cannot be shown again"_s,
                 "conflict_error", "reveal_unsupported");
        return;
    }
    ex.json(200, QJsonObject{{u"key"_s, k->secret}});
}

} // namespace anyrouter::sim::routes
