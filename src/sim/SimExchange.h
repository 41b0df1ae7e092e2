// SimExchange: one API request on its way through the simulator — the connection and parsed request,
// who is asking (token, tier, key row), the fault chosen for it and the rate-limit headers every
// response carries — with the helpers every route answers through: JSON, error envelopes, the JSON
// request body, and the status faults that replace a route's answer.
#pragma once

#include "sim/SimFault.h"
#include "sim/SimHttpConnection.h"
#include "sim/SimServerPrivate.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace anyrouter::sim {

class SimCatalog;

// The documented error envelope {"error":{"message","type","code","param"}}.
QByteArray errorBody(const QString& message, QByteArrayView type, QByteArrayView code,
                     const QString& param = {});

struct SimExchange
{
    SimServer* server = nullptr;
    SimServer::Private* d = nullptr;
    const SimCatalog* catalog = nullptr;
    SimHttpConnection* conn = nullptr;
    const SimHttpRequest* req = nullptr;
    QString path;       // below /api/v1
    QString arg;        // the path parameter of the route ({hash}, {id*}), if any
    SimHeaders headers; // rate-limit headers for every response
    SimFault fault;
    QString token;
    Tier tier = Tier::Inference;
    int keyRow = -1; // row in d->keys of a minted key, -1 for the static keys

    void json(int status, const QByteArray& body, const SimHeaders& extra = {});
    void json(int status, const QJsonObject& o, const SimHeaders& extra = {});
    void error(int status, const QString& message, QByteArrayView type, QByteArrayView code,
               const QString& param = {}, const SimHeaders& extra = {});
    void oauthError(int status, const QString& code, const QString& description);
    // The body as a JSON object; answers 400 itself (and returns nothing) when it is not one, or
    // when it is empty and required.
    std::optional<QJsonObject> bodyObject(bool required);
    // Answers with the error the status fault in `fault` names, instead of the route.
    void applyStatusFault();
};

} // namespace anyrouter::sim
