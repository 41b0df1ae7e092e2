// SimAuth: key extraction, permission tiers and per-key rate limits of the simulator.
#include "sim/SimAuth.h"

#include "sim/SimKeys.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace anyrouter::sim::auth {

QByteArray requestToken(const SimHttpRequest& request)
{
    const QByteArray authorization = request.header("authorization");
    if (authorization.size() > 7 && authorization.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        return authorization.mid(7).trimmed();
    if (request.hasHeader("x-api-key"))
        return request.header("x-api-key").trimmed();
    return {};
}

QString faultKeyPrefix()
{
    return u"sk-ar-v1-sim-fault-"_s;
}

Caller identify(SimServer::Private* d, const QString& token)
{
    Caller caller;
    caller.valid = true;
    const QString faultPrefix = faultKeyPrefix();
    if (token == inferenceKey()) {
        caller.tier = Tier::Inference;
    } else if (token == managementKey()) {
        caller.tier = Tier::Management;
    } else if (token == fullKey() || (token.startsWith(faultPrefix) && token.size() > faultPrefix.size())) {
        caller.tier = Tier::Full;
    } else {
        caller.valid = false;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (qsizetype i = 0; i < d->keys.size(); ++i) {
            KeyRecord& k = d->keys[i];
            if (k.secret != token || token.isEmpty())
                continue;
            if (!k.disabled && !(k.expiresAt.isValid() && k.expiresAt < now)) {
                caller.valid = true;
                caller.tier = k.tier;
                caller.keyRow = int(i);
                k.lastUsedAt = now;
            }
            break;
        }
    }
    return caller;
}

QString forbidden(const SimRoute& route, Tier tier)
{
    const bool denied = (route.access == SimAccess::Management && tier == Tier::Inference) ||
                        (route.access == SimAccess::Inference && tier == Tier::Management);
    return denied ? route.forbidden : QString();
}

RateSlot takeRateSlot(SimServer::Private* d, const QString& bucketKey)
{
    RateSlot slot;
    const int limit = d->config.rateLimitPerMinute;
    if (limit <= 0)
        return slot;
    const qint64 now = d->clock.elapsed();
    RateBucket& b = d->rate[bucketKey];
    if (b.count == 0 || now - b.windowStartMs >= 60'000) {
        b.windowStartMs = now;
        b.count = 0;
    }
    ++b.count;
    slot.resetSecs = qMax<qint64>(1, (60'000 - (now - b.windowStartMs) + 999) / 1000);
    slot.headers = {{"X-RateLimit-Limit"_ba, QByteArray::number(limit)},
                    {"X-RateLimit-Remaining"_ba, QByteArray::number(qMax(0, limit - b.count))},
                    {"X-RateLimit-Reset"_ba, QByteArray::number(slot.resetSecs)}};
    slot.exceeded = b.count > limit;
    return slot;
}

} // namespace anyrouter::sim::auth
