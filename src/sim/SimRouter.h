// SimRouter: the simulator's API route table — which handler answers which method on which path below
// /api/v1, who may call it, and which SimConfig switch makes an optional endpoint one the gateway
// "lacks" — and the matching of a request against it. The pipeline around a match (404, 405, key,
// tier, fault) is SimServer's.
#pragma once

#include "sim/SimServer.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace anyrouter::sim {

struct SimExchange;

using SimHandler = void (*)(SimExchange&);

enum class SimAccess
{
    Public,     // no key needed
    AnyKey,     // any valid key
    Management, // a management or full key: inference keys get 403
    Inference   // an inference or full key: management keys get 403
};

struct SimRoute
{
    // Literal segments and at most one parameter: "{name}" takes one segment (possibly empty),
    // a final "{name*}" the rest of the path (possibly empty, may hold '/').
    QString pattern;
    QList<QPair<QByteArray, SimHandler>> methods; // in the order the Allow header lists them
    SimAccess access = SimAccess::AnyKey;
    QString forbidden;                  // the 403 message for a key of the wrong tier
    bool SimConfig::*offered = nullptr; // when set and false: 404, as from a gateway without it
};

struct SimRouteMatch
{
    const SimRoute* route = nullptr; // null: no route has this path
    SimHandler handler = nullptr;    // null with a route: the method is not allowed
    QString arg;                     // the pattern's parameter
    QByteArray allow() const;        // "GET, POST"
};

class SimRouter
{
public:
    // The AnyRouter API as the simulator serves it.
    static const SimRouter& api();

    void add(SimRoute route);
    // The first route whose pattern matches path, and its handler for method.
    SimRouteMatch match(QByteArrayView method, const QString& path) const;

private:
    QList<SimRoute> m_routes;
};

} // namespace anyrouter::sim
