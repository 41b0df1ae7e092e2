// SimAuth: who is calling and how often — the key a request carries (Bearer or x-api-key), the
// permission tier it grants (the SimKeys.h keys, fault keys, keys minted by /keys or device login),
// whether that tier may use a route, and the per-key fixed one-minute rate-limit window with the
// X-RateLimit-* headers every API response carries.
#pragma once

#include "sim/SimRouter.h"
#include "sim/SimServerPrivate.h"

#include <QByteArray>
#include <QString>

namespace anyrouter::sim::auth {

// "Bearer <token>" (any case) wins over x-api-key; empty when the request carries neither.
QByteArray requestToken(const SimHttpRequest& request);

// Keys named sk-ar-v1-sim-fault-<name> are full keys that also choose a fault.
QString faultKeyPrefix();

struct Caller
{
    bool valid = false;
    Tier tier = Tier::Inference;
    int keyRow = -1; // a minted key's row in Private::keys
};
// Resolves token to a caller; a minted key that is disabled or expired is not valid. Marks a
// minted key as used now.
Caller identify(SimServer::Private* d, const QString& token);

// The 403 message when tier may not use route; empty when it may.
QString forbidden(const SimRoute& route, Tier tier);

struct RateSlot
{
    SimHeaders headers; // X-RateLimit-* (empty when rate limiting is off)
    bool exceeded = false;
    qint64 resetSecs = 0;
};
// Counts one request against bucketKey's window (config.rateLimitPerMinute; <= 0: no limit).
RateSlot takeRateSlot(SimServer::Private* d, const QString& bucketKey);

} // namespace anyrouter::sim::auth
