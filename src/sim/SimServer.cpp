// SimServer: lifecycle, connections, the request pipeline (request log, the /cli/device page,
// rate limit, route, key and tier, fault, handler), the catalog and the test hooks. The routes live
// in Sim*Routes.cpp, the route table in SimRouter, keys and rate limits in SimAuth.
#include "sim/SimServer.h"

#include "sim/SimAuth.h"
#include "sim/SimCatalog.h"
#include "sim/SimExchange.h"
#include "sim/SimKeys.h"
#include "sim/SimLog.h"
#include "sim/SimRandom.h"
#include "sim/SimRouter.h"
#include "sim/SimRoutes.h"
#include "sim/SimServerPrivate.h"

#include <QJsonDocument>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

namespace {

bool matchesPrefix(const QString& path, const QString& prefix)
{
    if (prefix.isEmpty() || path.startsWith(prefix))
        return true;
    return path.startsWith(u"/api/v1/"_s) && QStringView(path).mid(7).startsWith(prefix);
}

} // namespace

SimServer::SimServer(SimConfig config, QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->config = config;
    d->clock.start();
    d->totalCredits = config.initialBalance;

    // Three pre-existing keys; the last predates reveal support (reveal answers 409).
    const QDateTime now = QDateTime::currentDateTimeUtc();
    SimRandom rng(quint64(config.seed) * 7919 + 17);
    auto seedKey = [&](const QString& name, int ageDays, int lastUsedDaysAgo, bool canReveal) -> KeyRecord& {
        KeyRecord k;
        k.name = name;
        k.secret = u"sk-ar-v1-"_s + QString::number(rng.next(), 16).rightJustified(16, u'0') +
                   QString::number(rng.next(), 16).rightJustified(16, u'0');
        k.hash = hashOfSecret(k.secret);
        k.tier = Tier::Inference;
        k.createdAt = now.addDays(-ageDays);
        if (lastUsedDaysAgo >= 0)
            k.lastUsedAt = now.addDays(-lastUsedDaysAgo).addSecs(-3600 * (ageDays % 7));
        k.canReveal = canReveal;
        d->keys.append(k);
        return d->keys.last();
    };
    seedKey(u"laptop"_s, 41, 1, true).usage = 3.21;
    KeyRecord& ci = seedKey(u"ci-runner"_s, 20, 0, true);
    ci.limit = 10.0;
    ci.limitReset = u"monthly"_s;
    ci.usage = 1.75;
    ci.expiresAt = now.addDays(60);
    seedKey(u"legacy-2024"_s, 400, -1, false);
}

SimServer::~SimServer()
{
    stop();
    // Delete children while d is alive: closing connections reports to streams, streams to us.
    const QObjectList kids = children();
    for (QObject* k : kids)
        k->disconnect(this);
    qDeleteAll(kids);
}

bool SimServer::start(QString* error)
{
    if (d->tcp && d->tcp->isListening())
        return true;
    if (!d->tcp) {
        d->tcp = new QTcpServer(this);
        connect(d->tcp, &QTcpServer::newConnection, this, &SimServer::onNewConnection);
    }
    if (!d->tcp->listen(QHostAddress::LocalHost, d->config.port)) {
        if (error)
            *error = d->tcp->errorString();
        qCWarning(lcSim) << "cannot listen on port" << d->config.port << d->tcp->errorString();
        return false;
    }
    qCDebug(lcSim).noquote() << "listening on" << baseUrl().toString();
    // Build the catalog and the unfiltered /models body now rather than on the first request,
    // which for a 10,000-model catalog would otherwise carry the whole cost.
    QTimer::singleShot(0, this, [this] { routes::warmModelsCache(d.get(), catalog()); });
    return true;
}

void SimServer::stop()
{
    if (d->tcp)
        d->tcp->close();
    const auto conns = d->connections;
    for (SimHttpConnection* c : conns)
        c->abort();
    d->connections.clear();
}

quint16 SimServer::port() const
{
    return d->tcp && d->tcp->isListening() ? d->tcp->serverPort() : 0;
}

QUrl SimServer::originUrl() const
{
    return QUrl(u"http://127.0.0.1:"_s + QString::number(port()));
}

QUrl SimServer::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:"_s + QString::number(port()) + u"/api/v1"_s);
}

SimConfig& SimServer::config()
{
    return d->config;
}

const SimCatalog& SimServer::catalog()
{
    if (!d->catalog || d->builtModelCount != d->config.modelCount || d->builtSeed != d->config.seed ||
        d->builtRevision != d->revision) {
        d->catalog = d->config.modelCount < 0
                         ? SimCatalog::handMade(d->config.seed, d->revision)
                         : SimCatalog::generated(d->config.modelCount, d->config.seed, d->revision);
        d->builtModelCount = d->config.modelCount;
        d->builtSeed = d->config.seed;
        d->builtRevision = d->revision;
        d->modelsBodyCache.clear();
    }
    return *d->catalog;
}

// ---- test hooks -------------------------------------------------------------------------------

void SimServer::approveDevice(const QString& userCode)
{
    for (DeviceLogin& dl : d->devices) {
        if (dl.userCode.compare(userCode, Qt::CaseInsensitive) == 0 &&
            dl.state == DeviceLogin::State::Pending)
            dl.state = DeviceLogin::State::Approved;
    }
}

void SimServer::denyDevice(const QString& userCode)
{
    for (DeviceLogin& dl : d->devices) {
        if (dl.userCode.compare(userCode, Qt::CaseInsensitive) == 0 &&
            dl.state == DeviceLogin::State::Pending)
            dl.state = DeviceLogin::State::Denied;
    }
}

void SimServer::expireDevice(const QString& userCode)
{
    for (DeviceLogin& dl : d->devices) {
        if (dl.userCode.compare(userCode, Qt::CaseInsensitive) == 0)
            dl.state = DeviceLogin::State::Expired;
    }
}

QString SimServer::lastDeviceUserCode() const
{
    return d->lastUserCode;
}

void SimServer::setBalance(double usd)
{
    d->totalCredits = usd + d->totalUsage;
}

double SimServer::balance() const
{
    return d->totalCredits - d->totalUsage;
}

double SimServer::totalUsage() const
{
    return d->totalUsage;
}

int SimServer::requestCount(const QString& pathPrefix) const
{
    const QMutexLocker lock(&d->logMutex);
    int n = 0;
    for (auto it = d->logCounts.cbegin(); it != d->logCounts.cend(); ++it) {
        const QString& entry = it.key(); // "METHOD /path"; a method holds no space
        if (matchesPrefix(entry.mid(entry.indexOf(u' ') + 1), pathPrefix))
            n += it.value();
    }
    return n;
}

int SimServer::requestCount(const QString& method, const QString& path) const
{
    const QMutexLocker lock(&d->logMutex);
    return d->logCounts.value(method + u' ' + path);
}

QStringList SimServer::requestLog() const
{
    const QMutexLocker lock(&d->logMutex);
    return d->log;
}

void SimServer::clearRequestLog()
{
    const QMutexLocker lock(&d->logMutex);
    d->log.clear();
    d->logCounts.clear();
}

QByteArray SimServer::lastRequestBody(const QString& pathPrefix) const
{
    const Recorded* best = nullptr;
    for (auto it = d->lastRequests.cbegin(); it != d->lastRequests.cend(); ++it) {
        if (matchesPrefix(it.key(), pathPrefix) && (!best || it->seq > best->seq))
            best = &it.value();
    }
    return best ? best->body : QByteArray();
}

QList<QPair<QByteArray, QByteArray>> SimServer::lastRequestHeaders(const QString& pathPrefix) const
{
    const Recorded* best = nullptr;
    for (auto it = d->lastRequests.cbegin(); it != d->lastRequests.cend(); ++it) {
        if (matchesPrefix(it.key(), pathPrefix) && (!best || it->seq > best->seq))
            best = &it.value();
    }
    return best ? best->headers : SimHeaders();
}

void SimServer::setCatalogRevision(int revision)
{
    d->revision = qMax(0, revision);
}

int SimServer::catalogRevision() const
{
    return d->revision;
}

int SimServer::modelCount()
{
    return int(catalog().models().size());
}

void SimServer::resetFaultCounters()
{
    d->faultUses.clear();
}

int SimServer::openConnectionCount() const
{
    return int(d->connections.size());
}

// ---- the request pipeline ---------------------------------------------------------------------

void SimServer::onNewConnection()
{
    while (d->tcp->hasPendingConnections()) {
        QTcpSocket* socket = d->tcp->nextPendingConnection();
        auto* conn = new SimHttpConnection(socket, this);
        d->connections.insert(conn);
        connect(conn, &SimHttpConnection::requestReceived, this, &SimServer::handleRequest);
        connect(conn, &SimHttpConnection::closed, this, [this, conn] { d->connections.remove(conn); });
        connect(conn, &SimHttpConnection::responseFinished, this,
                [this](SimHttpConnection* c, int status, bool complete) {
                    const SimHttpRequest& r = c->request();
                    const QString method = QString::fromLatin1(r.method);
                    if (d->config.logRequests) {
                        const QString line = method + u' ' + r.path + u' ' + QString::number(status) + u' ' +
                                             QString::number(r.timer.elapsed()) + u" ms"_s +
                                             (complete ? QString() : u" (client went away)"_s);
                        qCInfo(lcSim).noquote() << line;
                    }
                    emit requestServed(method, r.path, status);
                });
    }
}

void SimServer::handleRequest(SimHttpConnection* conn)
{
    const SimHttpRequest& req = conn->request();
    d->recordRequest(QString::fromLatin1(req.method), req.path);
    Recorded& rec = d->lastRequests[req.path];
    rec.seq = ++d->requestSeq;
    rec.body = req.body;
    rec.headers = req.headers;

    if (req.path == u"/cli/device"_s || req.path == u"/cli/device/"_s) {
        routes::devicePage(this, d.get(), conn);
        return;
    }
    if (!req.path.startsWith(u"/api/v1/"_s)) {
        conn->sendResponse(404, {{"Content-Type"_ba, "application/json"_ba}},
                           errorBody(u"Not found: "_s + req.path, "not_found_error", "not_found"));
        return;
    }

    // Per-key fixed one-minute window; anonymous callers share one bucket per address.
    const QByteArray token = auth::requestToken(req);
    const auth::RateSlot slot =
        auth::takeRateSlot(d.get(), token.isEmpty() ? u"anonymous"_s : QString::fromUtf8(token));
    if (slot.exceeded) {
        SimHeaders h = {{"Content-Type"_ba, "application/json"_ba},
                        {"Retry-After"_ba, QByteArray::number(slot.resetSecs)}};
        h += slot.headers;
        conn->sendResponse(429, h,
                           errorBody(u"Rate limit exceeded: "_s +
                                         QString::number(d->config.rateLimitPerMinute) +
                                         u" requests per minute for this key"_s,
                                     "rate_limit_error", "rate_limited"));
        return;
    }
    dispatchApi(conn, slot.headers);
}

void SimServer::dispatchApi(SimHttpConnection* conn, const QList<QPair<QByteArray, QByteArray>>& rateHeaders)
{
    const SimHttpRequest& req = conn->request();
    SimExchange ex;
    ex.server = this;
    ex.d = d.get();
    ex.catalog = &catalog();
    ex.conn = conn;
    ex.req = &req;
    ex.path = req.path.mid(7);
    ex.headers = rateHeaders;

    // Which route and handler; an endpoint the config turns off is one this gateway lacks.
    const SimRouteMatch match = SimRouter::api().match(req.method, ex.path);
    const SimRoute* route = match.route;
    if (!route || (route->offered && !(d->config.*route->offered))) {
        ex.error(404, u"Unknown endpoint: "_s + QString::fromLatin1(req.method) + u' ' + req.path,
                 "not_found_error", "not_found");
        return;
    }
    if (!match.handler) {
        ex.error(405, u"Method not allowed"_s, "invalid_request_error", "method_not_allowed", {},
                 {{"Allow"_ba, match.allow()}});
        return;
    }
    ex.arg = match.arg;

    // Key and permission tier (SimKeys.h).
    ex.token = QString::fromUtf8(auth::requestToken(req));
    if (route->access != SimAccess::Public) {
        const auth::Caller caller = auth::identify(d.get(), ex.token);
        if (!caller.valid) {
            ex.error(401, u"Invalid API key"_s, "authentication_error", "invalid_api_key", {},
                     {{"WWW-Authenticate"_ba, "Bearer"_ba}});
            return;
        }
        ex.tier = caller.tier;
        ex.keyRow = caller.keyRow;
        const QString denial = auth::forbidden(*route, ex.tier);
        if (!denial.isEmpty()) {
            ex.error(403, denial, "permission_error", "insufficient_permissions");
            return;
        }
    }

    // Fault selection: header first, then a fault key. count=K is tracked per fault name.
    QByteArray spec = req.header("x-sim-fault");
    if (spec.isEmpty() && ex.token.startsWith(auth::faultKeyPrefix()))
        spec = ex.token.mid(auth::faultKeyPrefix().size()).toUtf8();
    if (!spec.isEmpty()) {
        SimFault fault = SimFault::parse(spec);
        if (!fault.isKnown()) {
            ex.error(400,
                     u"Unknown simulator fault \""_s + fault.name + u"\"; known: "_s +
                         SimFault::knownNames().join(u", "_s),
                     "invalid_request_error", "unknown_fault");
            return;
        }
        bool applicable = true;
        if (fault.isStreamOnly()) {
            applicable = match.handler == &routes::chatCompletions &&
                         QJsonDocument::fromJson(req.body).object().value(u"stream"_s).toBool(false);
        }
        if (applicable && fault.count >= 0 && d->faultUses.value(fault.name) >= fault.count)
            applicable = false;
        if (applicable) {
            ++d->faultUses[fault.name];
            ex.fault = fault;
            if (fault.isStatusFault()) {
                ex.applyStatusFault();
                return;
            }
        }
    }

    match.handler(ex);
}

} // namespace anyrouter::sim
