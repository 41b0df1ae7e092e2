// SimRouter: pattern matching and the simulator's API route table.
#include "sim/SimRouter.h"

#include "sim/SimRoutes.h"

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

namespace {

// Matches path against pattern (see SimRoute::pattern); on success *arg is the parameter.
bool matchPattern(const QString& pattern, const QString& path, QString* arg)
{
    const qsizetype open = pattern.indexOf(u'{');
    if (open < 0) {
        arg->clear();
        return path == pattern;
    }
    const qsizetype close = pattern.indexOf(u'}', open);
    const QStringView prefix = QStringView(pattern).left(open);
    if (!path.startsWith(prefix))
        return false;
    if (pattern.at(close - 1) == u'*') { // "{name*}" ends the pattern
        *arg = path.mid(prefix.size());
        return true;
    }
    const QStringView suffix = QStringView(pattern).mid(close + 1);
    if (path.size() < prefix.size() + suffix.size() || !path.endsWith(suffix))
        return false;
    const QString segment = path.mid(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (segment.contains(u'/'))
        return false;
    *arg = segment;
    return true;
}

SimRouter buildApi()
{
    const QString keyManagement =
        u"This key lacks the Key Management permission required for this endpoint"_s;
    SimRouter r;
    r.add({u"/health"_s, {{"GET"_ba, routes::health}}, SimAccess::Public, {}, &SimConfig::offerHealth});
    r.add({u"/auth/cli/device/start"_s, {{"POST"_ba, routes::deviceStart}}, SimAccess::Public});
    r.add({u"/auth/cli/device/token"_s, {{"POST"_ba, routes::deviceToken}}, SimAccess::Public});
    r.add({u"/chat/completions"_s,
           {{"POST"_ba, routes::chatCompletions}},
           SimAccess::Inference,
           u"Management keys cannot be used for inference"_s});
    r.add({u"/models"_s, {{"GET"_ba, routes::models}}});
    r.add({u"/models/count"_s, {{"GET"_ba, routes::modelsCount}}});
    r.add({u"/models/{id*}"_s, {{"GET"_ba, routes::modelDetail}}});
    r.add({u"/credits"_s,
           {{"GET"_ba, routes::credits}},
           SimAccess::Management,
           u"This key may not read credits; use a management key"_s});
    r.add({u"/keys"_s,
           {{"GET"_ba, routes::keysList}, {"POST"_ba, routes::keysCreate}},
           SimAccess::Management,
           keyManagement,
           &SimConfig::offerKeys});
    r.add({u"/keys/{hash}/reveal"_s,
           {{"POST"_ba, routes::keyReveal}},
           SimAccess::Management,
           keyManagement,
           &SimConfig::offerKeys});
    r.add({u"/keys/{hash}"_s,
           {{"GET"_ba, routes::keyGet}, {"PATCH"_ba, routes::keyPatch}, {"DELETE"_ba, routes::keyDelete}},
           SimAccess::Management,
           keyManagement,
           &SimConfig::offerKeys});
    r.add({u"/generation"_s,
           {{"GET"_ba, routes::generation}},
           SimAccess::AnyKey,
           {},
           &SimConfig::offerGeneration});
    r.add({u"/generation/{id*}"_s,
           {{"GET"_ba, routes::generation}},
           SimAccess::AnyKey,
           {},
           &SimConfig::offerGeneration});
    r.add({u"/activity"_s,
           {{"GET"_ba, routes::activity}},
           SimAccess::Management,
           keyManagement,
           &SimConfig::offerActivity});
    return r;
}

} // namespace

QByteArray SimRouteMatch::allow() const
{
    QByteArray out;
    if (!route)
        return out;
    for (const auto& m : route->methods)
        out += (out.isEmpty() ? ""_ba : ", "_ba) + m.first;
    return out;
}

const SimRouter& SimRouter::api()
{
    static const SimRouter kApi = buildApi();
    return kApi;
}

void SimRouter::add(SimRoute route)
{
    m_routes.append(std::move(route));
}

SimRouteMatch SimRouter::match(QByteArrayView method, const QString& path) const
{
    SimRouteMatch m;
    for (const SimRoute& route : m_routes) {
        if (!matchPattern(route.pattern, path, &m.arg))
            continue;
        m.route = &route;
        for (const auto& [name, handler] : route.methods) {
            if (name == method)
                m.handler = handler;
        }
        return m;
    }
    m.arg.clear();
    return m;
}

} // namespace anyrouter::sim
