// SimServer: routing, authentication and permission tiers, per-key rate limits, fault selection,
// and the account state behind the management endpoints (balance, keys, generations, activity,
// device logins). Chat serving itself lives in SimChatStream; HTTP framing in SimHttpConnection.
#include "sim/SimServer.h"

#include "sim/SimCatalog.h"
#include "sim/SimChatStream.h"
#include "sim/SimFault.h"
#include "sim/SimHttpConnection.h"
#include "sim/SimJson.h"
#include "sim/SimKeys.h"
#include "sim/SimLog.h"
#include "sim/SimRandom.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimeZone>
#include <QTimer>

#include <optional>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

namespace {

enum class Tier
{
    Inference,
    Management,
    Full
};

enum class Route
{
    Unknown,
    Health,
    DeviceStart,
    DeviceToken,
    Chat,
    Models,
    ModelsCount,
    ModelDetail,
    Credits,
    Keys,
    KeyItem,
    KeyReveal,
    Generation,
    Activity,
};

struct KeyRecord
{
    QString hash;
    QString name;
    QString secret;
    Tier tier = Tier::Inference;
    QDateTime createdAt;
    QDateTime lastUsedAt;
    QDateTime expiresAt;
    bool disabled = false;
    bool canReveal = true;
    std::optional<double> limit;
    QString limitReset;
    double usage = 0;
};

struct GenerationRecord
{
    QString id;
    QString model;
    QString provider;
    double cost = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 reasoningTokens = 0;
    qint64 cachedTokens = 0;
    double latencyMs = 0;
    double generationMs = 0;
    QString finishReason;
    QDateTime createdAt;
    bool streamed = false;
    int keyRow = -1;
};

struct ActivityAgg
{
    QString provider;
    double usage = 0;
    qint64 requests = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 reasoningTokens = 0;
};

struct DeviceLogin
{
    enum class State
    {
        Pending,
        Approved,
        Denied,
        Expired,
        Consumed
    };
    QString deviceCode;
    QString userCode;
    QString tool;
    State state = State::Pending;
    QElapsedTimer age;
    qint64 lastPollMs = -1;
};

struct RateBucket
{
    qint64 windowStartMs = 0;
    int count = 0;
};

struct Recorded
{
    quint64 seq = 0;
    QByteArray body;
    SimHeaders headers;
};

struct RequestCtx
{
    SimHttpConnection* conn = nullptr;
    const SimHttpRequest* req = nullptr;
    QString path;       // below /api/v1
    SimHeaders headers; // rate-limit headers for every response
    SimFault fault;
    QString token;
    Tier tier = Tier::Inference;
    int keyRow = -1;
};

constexpr int kDeviceInterval = 1;
constexpr int kDeviceExpiresIn = 600;
constexpr int kMaxGenerations = 200'000;
constexpr int kMaxPrefixCache = 100'000;

QByteArray errorBody(const QString& message, QByteArrayView type, QByteArrayView code,
                     const QString& param = {})
{
    QJsonObject e;
    e.insert(u"message"_s, message);
    e.insert(u"type"_s, QString::fromLatin1(type));
    e.insert(u"code"_s, QString::fromLatin1(code));
    e.insert(u"param"_s, param.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(param));
    return json::compact(QJsonObject{{u"error"_s, e}});
}

QString isoUtc(const QDateTime& dt)
{
    return dt.toUTC().toString(Qt::ISODate);
}

QJsonValue isoOrNull(const QDateTime& dt)
{
    return dt.isValid() ? QJsonValue(isoUtc(dt)) : QJsonValue(QJsonValue::Null);
}

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (int i = 0; i < bytes; ++i)
        raw[i] = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(raw.toHex());
}

QString hashOfSecret(const QString& secret)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}

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

bool matchesPrefix(const QString& path, const QString& prefix)
{
    if (prefix.isEmpty() || path.startsWith(prefix))
        return true;
    return path.startsWith(u"/api/v1/"_s) && QStringView(path).mid(7).startsWith(prefix);
}

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

int modelsCacheKey(const SimConfig& cfg)
{
    return int(cfg.modelsShape) * 16 + int(cfg.pricingShape);
}

QByteArray modelsBody(const SimCatalog& catalog, const SimConfig& cfg, const QUrlQuery& query)
{
    QJsonArray arr;
    const QList<const SimModel*> list = catalog.filtered(query);
    for (const SimModel* m : list)
        arr.append(catalog.toJson(*m, cfg.pricingShape));
    switch (cfg.modelsShape) {
    case ModelsShape::DataObject:
        return json::compact(QJsonObject{{u"object"_s, u"list"_s}, {u"data"_s, arr}});
    case ModelsShape::BareArray:
        return QJsonDocument(arr).toJson(QJsonDocument::Compact);
    case ModelsShape::ModelsKey:
        return json::compact(QJsonObject{{u"models"_s, arr}});
    }
    return {};
}

} // namespace

struct SimServer::Private
{
    SimConfig config;
    QTcpServer* tcp = nullptr;
    QElapsedTimer clock;

    std::optional<SimCatalog> catalog;
    int builtModelCount = 0;
    quint32 builtSeed = 0;
    int builtRevision = -1;
    int revision = 0;
    QHash<int, QByteArray> modelsBodyCache;

    double totalCredits = 0;
    double totalUsage = 0;

    QList<KeyRecord> keys; // rows of /keys (static SimKeys keys are not rows)
    QHash<QString, GenerationRecord> generations;
    QStringList generationOrder;
    QMap<QPair<QString, QString>, ActivityAgg> served; // (date, model)
    QList<DeviceLogin> devices;
    QString lastUserCode;
    QHash<QString, RateBucket> rate;
    QHash<QString, int> faultUses;
    QHash<QString, int> counts;
    QHash<QString, Recorded> lastRequests;
    quint64 requestSeq = 0;
    quint64 generationCounter = 0;
    QHash<quint64, qint64> prefixCache;
    QSet<SimHttpConnection*> connections;

    KeyRecord* keyByHash(const QString& hash)
    {
        for (KeyRecord& k : keys) {
            if (k.hash == hash)
                return &k;
        }
        return nullptr;
    }
};

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
    QTimer::singleShot(0, this, [this] {
        const SimCatalog& cat = catalog();
        const int key = modelsCacheKey(d->config);
        if (!d->modelsBodyCache.contains(key))
            d->modelsBodyCache.insert(key, modelsBody(cat, d->config, {}));
    });
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
    int n = 0;
    for (auto it = d->counts.cbegin(); it != d->counts.cend(); ++it) {
        if (matchesPrefix(it.key(), pathPrefix))
            n += it.value();
    }
    return n;
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

// ---- connections ------------------------------------------------------------------------------

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
    ++d->counts[req.path];
    Recorded& rec = d->lastRequests[req.path];
    rec.seq = ++d->requestSeq;
    rec.body = req.body;
    rec.headers = req.headers;

    if (req.path == u"/cli/device"_s || req.path == u"/cli/device/"_s) {
        const QString code = req.query.queryItemValue(u"code"_s, QUrl::FullyDecoded).trimmed();
        const bool deny = req.query.queryItemValue(u"action"_s) == u"deny"_s;
        QByteArray html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>AnyRouter simulator — "
                          "device login</title></head><body style=\"font-family:sans-serif;margin:3em\">"_ba;
        int status = 200;
        if (code.isEmpty()) {
            html +=
                "<h1>Connect a device</h1><form method=\"get\"><p>Enter the code shown by the app:</p>"
                "<input name=\"code\" placeholder=\"ABCD-1234\" autofocus> <button>Approve</button></form>";
        } else {
            bool found = false;
            for (const DeviceLogin& dl : std::as_const(d->devices))
                found = found || (dl.userCode.compare(code, Qt::CaseInsensitive) == 0 &&
                                  dl.state == DeviceLogin::State::Pending);
            if (found) {
                deny ? denyDevice(code) : approveDevice(code);
                html += deny ? "<h1>Request denied</h1><p>The app will be told.</p>"_ba
                             : "<h1>Device approved &#10003;</h1><p>You can return to the app.</p>"_ba;
            } else {
                status = 404;
                html += "<h1>Unknown or expired code</h1><p><a href=\"/cli/device\">Try again</a></p>";
            }
        }
        html += "</body></html>";
        conn->sendResponse(status, {{"Content-Type"_ba, "text/html; charset=utf-8"_ba}}, html);
        return;
    }

    if (!req.path.startsWith(u"/api/v1/"_s)) {
        conn->sendResponse(404, {{"Content-Type"_ba, "application/json"_ba}},
                           errorBody(u"Not found: "_s + req.path, "not_found_error", "not_found"));
        return;
    }

    // Per-key fixed one-minute window; anonymous callers share one bucket per address.
    QByteArray token;
    const QByteArray auth = req.header("authorization");
    if (auth.size() > 7 && auth.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        token = auth.mid(7).trimmed();
    else if (req.hasHeader("x-api-key"))
        token = req.header("x-api-key").trimmed();
    const QString bucketKey = token.isEmpty() ? u"anonymous"_s : QString::fromUtf8(token);
    SimHeaders rateHeaders;
    const int limit = d->config.rateLimitPerMinute;
    if (limit > 0) {
        const qint64 now = d->clock.elapsed();
        RateBucket& b = d->rate[bucketKey];
        if (b.count == 0 || now - b.windowStartMs >= 60'000) {
            b.windowStartMs = now;
            b.count = 0;
        }
        ++b.count;
        const qint64 resetSecs = qMax<qint64>(1, (60'000 - (now - b.windowStartMs) + 999) / 1000);
        rateHeaders = {{"X-RateLimit-Limit"_ba, QByteArray::number(limit)},
                       {"X-RateLimit-Remaining"_ba, QByteArray::number(qMax(0, limit - b.count))},
                       {"X-RateLimit-Reset"_ba, QByteArray::number(resetSecs)}};
        if (b.count > limit) {
            SimHeaders h = {{"Content-Type"_ba, "application/json"_ba},
                            {"Retry-After"_ba, QByteArray::number(resetSecs)}};
            h += rateHeaders;
            conn->sendResponse(429, h,
                               errorBody(u"Rate limit exceeded: "_s + QString::number(limit) +
                                             u" requests per minute for this key"_s,
                                         "rate_limit_error", "rate_limited"));
            return;
        }
    }
    dispatchApi(conn, req, req.path.mid(7), rateHeaders);
}

namespace {

// Everything a route handler needs, so handlers stay free functions over the server state.
class Api
{
public:
    Api(SimServer* server, SimServer::Private* d, const SimCatalog* catalog, RequestCtx& ctx)
        : m_server(server), d(d), m_catalog(catalog), c(ctx)
    {}

    void json(int status, const QByteArray& body, const SimHeaders& extra = {})
    {
        SimHeaders h = {{"Content-Type"_ba, "application/json"_ba}};
        h += c.headers;
        h += extra;
        sendWithFault(c.conn, status, h, body, c.fault);
    }
    void json(int status, const QJsonObject& o, const SimHeaders& extra = {})
    {
        json(status, json::compact(o), extra);
    }
    void error(int status, const QString& message, QByteArrayView type, QByteArrayView code,
               const QString& param = {}, const SimHeaders& extra = {})
    {
        json(status, errorBody(message, type, code, param), extra);
    }
    void oauthError(int status, const QString& code, const QString& description)
    {
        json(status, QJsonObject{{u"error"_s, code}, {u"error_description"_s, description}});
    }

    std::optional<QJsonObject> bodyObject(bool required)
    {
        const QByteArray& body = c.req->body;
        if (body.trimmed().isEmpty()) {
            if (required) {
                error(400, u"Request body must be a JSON object"_s, "invalid_request_error", "invalid_json");
                return std::nullopt;
            }
            return QJsonObject();
        }
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
            error(400, u"Request body is not valid JSON: "_s + pe.errorString(), "invalid_request_error",
                  "invalid_json");
            return std::nullopt;
        }
        return doc.object();
    }

    void applyStatusFault();
    void health();
    void deviceStart();
    void deviceToken();
    void models();
    void modelsCount();
    void modelDetail(const QString& id);
    void credits();
    void keysList();
    void keysCreate();
    void keyItem(const QString& hash);
    void keyReveal(const QString& hash);
    void generation(const QString& id);
    void activity();
    void chat();

    QJsonObject keyRow(const KeyRecord& k) const;

    SimServer* m_server;
    SimServer::Private* d;
    const SimCatalog* m_catalog;
    RequestCtx& c;
};

void Api::applyStatusFault()
{
    const SimFault f = c.fault;
    auto statusOr = [&](int def) { return f.status > 0 ? f.status : def; };
    SimHeaders extra;
    if (f.retryAfter >= 0 || f.name == u"429"_s)
        extra.append({"Retry-After"_ba, QByteArray::number(f.retryAfter >= 0 ? f.retryAfter : 1)});
    const SimFault none;
    const SimFault saved = c.fault;
    c.fault = none; // the status fault replaces the response; no write-mode misbehaviour on top
    if (saved.name == u"429"_s) {
        error(statusOr(429), u"Rate limit exceeded (simulated)"_s, "rate_limit_error", "rate_limited", {},
              extra);
    } else if (saved.name == u"500"_s) {
        error(statusOr(500), u"Internal server error (simulated)"_s, "internal_server_error",
              "internal_error", {}, extra);
    } else if (saved.name == u"502"_s) {
        error(statusOr(502), u"Upstream provider returned an error (simulated)"_s, "upstream_error",
              "upstream_error", {}, extra);
    } else if (saved.name == u"503"_s) {
        error(statusOr(503), u"No healthy upstream available (simulated)"_s, "service_unavailable",
              "service_unavailable", {}, extra);
    } else if (saved.name == u"402"_s) {
        error(statusOr(402), u"Insufficient credits: add credits to continue (simulated)"_s,
              "insufficient_credits", "insufficient_credits", {}, extra);
    } else if (saved.name == u"401"_s) {
        error(statusOr(401), u"Invalid API key"_s, "authentication_error", "invalid_api_key", {}, extra);
    } else if (saved.name == u"envelope-string"_s) {
        json(statusOr(500), QJsonObject{{u"error"_s, u"Upstream request failed (simulated)"_s}}, extra);
    } else if (saved.name == u"envelope-numeric"_s) {
        const int status = statusOr(429);
        QJsonObject e{{u"code"_s, status},
                      {u"message"_s, u"Provider returned error (simulated)"_s},
                      {u"metadata"_s,
                       QJsonObject{{u"provider_name"_s, u"Together"_s}, {u"raw"_s, u"upstream said no"_s}}}};
        json(status, QJsonObject{{u"error"_s, e}}, extra);
    } else if (saved.name == u"envelope-oauth"_s) {
        json(statusOr(400),
             QJsonObject{{u"error"_s, u"invalid_grant"_s},
                         {u"error_description"_s, u"Code expired (simulated)"_s}},
             extra);
    } else if (saved.name == u"html-502"_s) {
        SimHeaders h = {{"Content-Type"_ba, "text/html"_ba}};
        h += c.headers;
        h += extra;
        c.conn->sendResponse(
            statusOr(502), h,
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 "
            "Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"_ba);
    }
}

void Api::health()
{
    QJsonArray providers;
    const QStringList slugs = m_catalog->upstreamSlugs();
    int degraded = 0;
    for (const QString& slug : slugs) {
        const quint64 h = fnv1a64(slug.toUtf8(), d->config.seed);
        const bool isDegraded =
            degraded < 2 && (h % 9 == 4 || slug == u"hyperbolic"_s || slug == u"lambda"_s);
        if (isDegraded)
            ++degraded;
        QJsonObject p{{u"name"_s, slug},
                      {u"display_name"_s, SimCatalog::upstreamName(slug)},
                      {u"status"_s, isDegraded ? u"degraded"_s : u"ok"_s},
                      {u"latency_ms"_s, int(isDegraded ? 1500 + h % 2500 : 80 + h % 700)}};
        providers.append(p);
    }
    json(200, QJsonObject{{u"status"_s, u"ok"_s},
                          {u"timestamp"_s, isoUtc(QDateTime::currentDateTimeUtc())},
                          {u"providers"_s, providers}});
}

void Api::deviceStart()
{
    const auto body = bodyObject(false);
    if (!body)
        return;
    static const char kLetters[] = "BCDFGHJKLMNPQRSTVWXZ";
    QString userCode;
    do {
        userCode.clear();
        for (int i = 0; i < 4; ++i)
            userCode += QLatin1Char(kLetters[QRandomGenerator::global()->bounded(int(sizeof kLetters - 1))]);
        userCode += u'-';
        userCode += QString::number(QRandomGenerator::global()->bounded(10000)).rightJustified(4, u'0');
    } while (std::any_of(d->devices.cbegin(), d->devices.cend(),
                         [&](const DeviceLogin& dl) { return dl.userCode == userCode; }));
    DeviceLogin dl;
    dl.deviceCode = u"dc_"_s + randomHex(16);
    dl.userCode = userCode;
    dl.tool = body->value(u"tool"_s).toString();
    dl.age.start();
    d->devices.append(dl);
    d->lastUserCode = userCode;
    const QString uri = m_server->originUrl().toString() + u"/cli/device"_s;
    json(200, QJsonObject{{u"device_code"_s, dl.deviceCode},
                          {u"user_code"_s, userCode},
                          {u"verification_uri"_s, uri},
                          {u"verification_uri_complete"_s, QString(uri + u"?code="_s + userCode)},
                          {u"interval"_s, kDeviceInterval},
                          {u"expires_in"_s, kDeviceExpiresIn}});
}

void Api::deviceToken()
{
    const auto body = bodyObject(true);
    if (!body)
        return;
    const QString code = body->value(u"device_code"_s).toString();
    DeviceLogin* dl = nullptr;
    for (DeviceLogin& x : d->devices) {
        if (x.deviceCode == code)
            dl = &x;
    }
    if (!dl) {
        oauthError(400, u"invalid_grant"_s, u"Unknown device code"_s);
        return;
    }
    const qint64 now = dl->age.elapsed();
    const qint64 lastPoll = dl->lastPollMs;
    dl->lastPollMs = now;
    if (dl->state == DeviceLogin::State::Pending && now > qint64(kDeviceExpiresIn) * 1000)
        dl->state = DeviceLogin::State::Expired;
    switch (dl->state) {
    case DeviceLogin::State::Expired:
    case DeviceLogin::State::Consumed:
        oauthError(400, u"expired_token"_s, u"The device code has expired"_s);
        return;
    case DeviceLogin::State::Denied:
        oauthError(400, u"access_denied"_s, u"The user denied the request"_s);
        return;
    case DeviceLogin::State::Pending:
        if (lastPoll >= 0 && now - lastPoll < qint64(kDeviceInterval) * 1000)
            oauthError(400, u"slow_down"_s, u"Polling too fast"_s);
        else
            oauthError(400, u"authorization_pending"_s, u"Waiting for the user to approve"_s);
        return;
    case DeviceLogin::State::Approved:
        break;
    }
    dl->state = DeviceLogin::State::Consumed;
    KeyRecord k;
    k.name = dl->tool.isEmpty() ? u"Device login"_s : u"Device login ("_s + dl->tool + u')';
    k.secret = u"sk-ar-v1-"_s + randomHex(16);
    k.hash = hashOfSecret(k.secret);
    k.tier = Tier::Full;
    k.createdAt = QDateTime::currentDateTimeUtc();
    d->keys.append(k);
    json(200, QJsonObject{{u"key"_s, k.secret}});
}

void Api::models()
{
    const SimConfig& cfg = d->config;
    const bool unfiltered = c.req->query.isEmpty();
    const int cacheKey = modelsCacheKey(cfg);
    if (unfiltered) {
        const auto it = d->modelsBodyCache.constFind(cacheKey);
        if (it != d->modelsBodyCache.cend()) {
            json(200, *it);
            return;
        }
    }
    const QByteArray body = modelsBody(*m_catalog, cfg, c.req->query);
    if (unfiltered)
        d->modelsBodyCache.insert(cacheKey, body);
    json(200, body);
}

void Api::modelsCount()
{
    const qsizetype n =
        c.req->query.isEmpty() ? m_catalog->models().size() : m_catalog->filtered(c.req->query).size();
    json(200, QJsonObject{{u"count"_s, qint64(n)}});
}

void Api::modelDetail(const QString& rawId)
{
    QString id = rawId;
    const SimModel* m = m_catalog->find(id);
    if (!m && id.endsWith(u"/endpoints"_s)) { // OpenRouter's /models/{author}/{slug}/endpoints
        id.chop(10);
        m = m_catalog->find(id);
    }
    if (!m) {
        error(404, u"Model not found: "_s + id, "not_found_error", "model_not_found", u"model"_s);
        return;
    }
    json(200, m_catalog->toJson(*m, d->config.pricingShape, true));
}

void Api::credits()
{
    const double usage = d->totalUsage;
    if (d->config.creditsShape == CreditsShape::Balance) {
        json(200, QJsonObject{{u"balance"_s, d->totalCredits - usage}, {u"total_usage"_s, usage}});
    } else {
        json(200, QJsonObject{{u"data"_s, QJsonObject{{u"total_credits"_s, d->totalCredits},
                                                      {u"total_usage"_s, usage}}}});
    }
}

QJsonObject Api::keyRow(const KeyRecord& k) const
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

void Api::keysList()
{
    QJsonArray rows;
    for (const KeyRecord& k : std::as_const(d->keys))
        rows.append(keyRow(k));
    json(200, QJsonObject{{u"data"_s, rows}});
}

namespace {
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
} // namespace

void Api::keysCreate()
{
    const auto body = bodyObject(true);
    if (!body)
        return;
    if (!body->value(u"name"_s).isString() || body->value(u"name"_s).toString().trimmed().isEmpty()) {
        error(400, u"A key needs a name"_s, "invalid_request_error", "invalid_parameter", u"name"_s);
        return;
    }
    KeyRecord k;
    QJsonObject fields = *body;
    fields.remove(u"disabled"_s);
    const QString bad = applyKeyFields(fields, k);
    if (!bad.isEmpty()) {
        error(400, u"Invalid value for "_s + bad, "invalid_request_error", "invalid_parameter", bad);
        return;
    }
    for (const KeyRecord& other : std::as_const(d->keys)) {
        if (other.name == k.name) {
            error(409, u"A key named \""_s + k.name + u"\" already exists"_s, "conflict_error",
                  "duplicate_name", u"name"_s);
            return;
        }
    }
    k.secret = u"sk-ar-v1-"_s + randomHex(16);
    k.hash = hashOfSecret(k.secret);
    k.tier = Tier::Inference;
    k.createdAt = QDateTime::currentDateTimeUtc();
    d->keys.append(k);
    json(201, QJsonObject{{u"data"_s, keyRow(k)}, {u"key"_s, k.secret}});
}

void Api::keyItem(const QString& hash)
{
    KeyRecord* k = d->keyByHash(hash);
    if (!k) {
        error(404, u"Key not found"_s, "not_found_error", "key_not_found");
        return;
    }
    const QByteArray& method = c.req->method;
    if (method == "GET") {
        json(200, QJsonObject{{u"data"_s, keyRow(*k)}});
    } else if (method == "DELETE") {
        d->keys.removeIf([&](const KeyRecord& r) { return r.hash == hash; });
        json(200, QJsonObject{{u"deleted"_s, true}});
    } else { // PATCH
        const auto body = bodyObject(true);
        if (!body)
            return;
        KeyRecord updated = *k;
        const QString bad = applyKeyFields(*body, updated);
        if (!bad.isEmpty()) {
            error(400, u"Invalid value for "_s + bad, "invalid_request_error", "invalid_parameter", bad);
            return;
        }
        *k = updated;
        json(200, QJsonObject{{u"data"_s, keyRow(*k)}});
    }
}

void Api::keyReveal(const QString& hash)
{
    KeyRecord* k = d->keyByHash(hash);
    if (!k) {
        error(404, u"Key not found"_s, "not_found_error", "key_not_found");
        return;
    }
    if (!k->canReveal) {
        error(409, u"This key was created before reveal support and cannot be shown again"_s,
              "conflict_error", "reveal_unsupported");
        return;
    }
    json(200, QJsonObject{{u"key"_s, k->secret}});
}

void Api::generation(const QString& pathId)
{
    const QString id = pathId.isEmpty() ? c.req->query.queryItemValue(u"id"_s, QUrl::FullyDecoded) : pathId;
    if (id.isEmpty()) {
        error(400, u"Missing generation id"_s, "invalid_request_error", "missing_parameter", u"id"_s);
        return;
    }
    const auto it = d->generations.constFind(id);
    if (it == d->generations.cend()) {
        error(404, u"Generation not found: "_s + id, "not_found_error", "generation_not_found");
        return;
    }
    const GenerationRecord& g = *it;
    QJsonObject o{{u"id"_s, g.id},
                  {u"model"_s, g.model},
                  {u"provider_name"_s, g.provider},
                  {u"total_cost"_s, g.cost},
                  {u"tokens_prompt"_s, g.promptTokens},
                  {u"tokens_completion"_s, g.completionTokens},
                  {u"native_tokens_reasoning"_s, g.reasoningTokens},
                  {u"native_tokens_cached"_s, g.cachedTokens},
                  {u"latency"_s, qRound64(g.latencyMs)},
                  {u"generation_time"_s, qRound64(g.generationMs)},
                  {u"finish_reason"_s,
                   g.finishReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(g.finishReason)},
                  {u"streamed"_s, g.streamed},
                  {u"created_at"_s, isoUtc(g.createdAt)}};
    json(200, QJsonObject{{u"data"_s, o}});
}

void Api::activity()
{
    const QString dateFilter = c.req->query.queryItemValue(u"date"_s);
    if (!dateFilter.isEmpty() && !QDate::fromString(dateFilter, Qt::ISODate).isValid()) {
        error(400, u"date must be YYYY-MM-DD"_s, "invalid_request_error", "invalid_parameter", u"date"_s);
        return;
    }
    QMap<QPair<QString, QString>, ActivityAgg> rows;
    const QDate today = QDate::currentDate();
    const QDate todayUtc = QDateTime::currentDateTimeUtc().date();
    Q_UNUSED(today);
    if (d->config.seedActivityHistory) {
        // Deterministic history: the same seed gives the same 30 days (relative to today).
        QList<const SimModel*> popular;
        for (const SimModel& m : m_catalog->models()) {
            if (m.supportsChat() && m.has(u"chat"_s) && popular.size() < 24)
                popular.append(&m);
        }
        for (int day = 1; day <= 30 && !popular.isEmpty(); ++day) {
            SimRandom rng((quint64(d->config.seed) << 20) ^ quint64(day * 2654435761u));
            const QString date = todayUtc.addDays(-day).toString(Qt::ISODate);
            const int models = rng.range(1, 5);
            for (int i = 0; i < models; ++i) {
                const SimModel* m = popular.at(rng.below(qMin(int(popular.size()), i == 0 ? 5 : 24)));
                ActivityAgg& a = rows[{date, m->id}];
                const int requests = rng.range(1, 60);
                const qint64 prompt = qint64(requests) * rng.range(200, 4000);
                const qint64 completion = qint64(requests) * rng.range(80, 1200);
                a.provider = SimCatalog::upstreamName(m->upstreams.value(0));
                a.requests += requests;
                a.promptTokens += prompt;
                a.completionTokens += completion;
                if (m->has(u"reasoning"_s))
                    a.reasoningTokens += completion / rng.range(3, 6);
                a.usage += m->cost(prompt, 0, completion);
            }
        }
    }
    for (auto it = d->served.cbegin(); it != d->served.cend(); ++it) {
        ActivityAgg& a = rows[it.key()];
        a.provider = it->provider;
        a.usage += it->usage;
        a.requests += it->requests;
        a.promptTokens += it->promptTokens;
        a.completionTokens += it->completionTokens;
        a.reasoningTokens += it->reasoningTokens;
    }
    QJsonArray data;
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        if (!dateFilter.isEmpty() && it.key().first != dateFilter)
            continue;
        const SimModel* m = m_catalog->find(it.key().second);
        QString permaslug = it.key().second;
        if (m && m->created > 0)
            permaslug +=
                u'-' + QDateTime::fromSecsSinceEpoch(m->created, QTimeZone::utc()).toString(u"yyyyMMdd"_s);
        data.append(QJsonObject{{u"date"_s, it.key().first},
                                {u"model"_s, it.key().second},
                                {u"model_permaslug"_s, permaslug},
                                {u"provider_name"_s, it->provider},
                                {u"usage"_s, std::round(it->usage * 1e8) / 1e8},
                                {u"byok_usage_inference"_s, 0},
                                {u"requests"_s, it->requests},
                                {u"prompt_tokens"_s, it->promptTokens},
                                {u"completion_tokens"_s, it->completionTokens},
                                {u"reasoning_tokens"_s, it->reasoningTokens}});
    }
    json(200, QJsonObject{{u"data"_s, data}});
}

void Api::chat()
{
    const auto bodyOpt = bodyObject(true);
    if (!bodyOpt)
        return;
    const QJsonObject& body = *bodyOpt;
    const QString modelId = body.value(u"model"_s).toString();
    if (modelId.isEmpty()) {
        error(400, u"Missing required field: model"_s, "invalid_request_error", "missing_parameter",
              u"model"_s);
        return;
    }
    const SimModel* model = m_catalog->find(modelId);
    if (!model) {
        error(404, u"Model not found: "_s + modelId, "not_found_error", "model_not_found", u"model"_s);
        return;
    }
    if (!model->has(u"chat"_s)) {
        error(400, modelId + u" does not support chat completions"_s, "invalid_request_error",
              "unsupported_model", u"model"_s);
        return;
    }
    const QJsonArray messages = body.value(u"messages"_s).toArray();
    if (!body.value(u"messages"_s).isArray() || messages.isEmpty()) {
        error(400, u"messages must be a non-empty array"_s, "invalid_request_error", "invalid_parameter",
              u"messages"_s);
        return;
    }
    int maxTokens = -1;
    for (const QString& field : {u"max_tokens"_s, u"max_completion_tokens"_s}) {
        const QJsonValue v = body.value(field);
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isDouble() || v.toDouble() < 1 || v.toDouble() != std::floor(v.toDouble())) {
            error(400, field + u" must be a positive integer"_s, "invalid_request_error", "invalid_parameter",
                  field);
            return;
        }
        maxTokens = int(qMin(v.toDouble(), 1e9));
    }
    const QJsonValue temperature = body.value(u"temperature"_s);
    if (!temperature.isUndefined() && !temperature.isNull() &&
        (!temperature.isDouble() || temperature.toDouble() < 0 || temperature.toDouble() > 2)) {
        error(400, u"temperature must be between 0 and 2"_s, "invalid_request_error", "invalid_parameter",
              u"temperature"_s);
        return;
    }

    // Routing: pin header, then provider.only / ignore / order / allow_fallbacks / max_price.
    QStringList candidates = model->upstreams;
    const QString pin = normalizeProvider(QString::fromUtf8(c.req->header("x-anyrouter-provider")));
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
            error(400,
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
        error(404, u"No endpoints found for "_s + modelId + u" matching your provider preferences"_s,
              "not_found_error", "no_endpoints");
        return;
    }
    const QString provider = chosen.first();

    // Billing gates.
    if (d->totalCredits - d->totalUsage <= 0) {
        error(402,
              u"Insufficient credits: your balance is $"_s +
                  QString::number(d->totalCredits - d->totalUsage, 'f', 2) + u". Add credits to continue."_s,
              "insufficient_credits", "insufficient_credits");
        return;
    }
    if (c.keyRow >= 0) {
        const KeyRecord& k = d->keys.at(c.keyRow);
        if (k.limit && k.usage >= *k.limit) {
            error(402, u"This key reached its spending limit"_s, "insufficient_credits",
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
        error(413,
              u"Input of "_s + QString::number(promptTokens) + u" tokens exceeds the context window of "_s +
                  QString::number(model->contextLength),
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
    plan.headers = c.headers;
    plan.reportCost = d->config.reportUsageCost;
    plan.headers.append({"X-Generation-Id"_ba, plan.id});
    plan.fault = c.fault;

    GenerationRecord g;
    g.id = id;
    g.model = modelId;
    g.provider = SimCatalog::upstreamName(provider);
    g.promptTokens = promptTokens;
    g.cachedTokens = cached;
    g.createdAt = QDateTime::fromSecsSinceEpoch(created, QTimeZone::utc());
    g.streamed = plan.stream;
    g.keyRow = c.keyRow;
    d->generations.insert(id, g);
    d->generationOrder.append(id);
    if (d->generationOrder.size() > kMaxGenerations)
        d->generations.remove(d->generationOrder.takeFirst());

    const QString keyHash = c.keyRow >= 0 ? d->keys.at(c.keyRow).hash : QString();
    auto* stream = new SimChatStream(std::move(plan), c.conn, m_server);
    SimServer::Private* dd = d;
    QObject::connect(stream, &SimChatStream::finished, m_server, [dd, keyHash](const SimChatOutcome& o) {
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

} // namespace

void SimServer::dispatchApi(SimHttpConnection* conn, const SimHttpRequest& req, const QString& path,
                            const QList<QPair<QByteArray, QByteArray>>& rateHeaders)
{
    RequestCtx ctx;
    ctx.conn = conn;
    ctx.req = &req;
    ctx.path = path;
    ctx.headers = rateHeaders;
    const SimCatalog& cat = catalog();
    Api api(this, d.get(), &cat, ctx);

    // Which route, which methods, which key tiers.
    Route route = Route::Unknown;
    QString arg;
    QList<QByteArray> methods;
    auto set = [&](Route r, QList<QByteArray> m, const QString& a = {}) {
        route = r;
        methods = std::move(m);
        arg = a;
    };
    if (path == u"/health"_s)
        set(Route::Health, {"GET"_ba});
    else if (path == u"/auth/cli/device/start"_s)
        set(Route::DeviceStart, {"POST"_ba});
    else if (path == u"/auth/cli/device/token"_s)
        set(Route::DeviceToken, {"POST"_ba});
    else if (path == u"/chat/completions"_s)
        set(Route::Chat, {"POST"_ba});
    else if (path == u"/models"_s)
        set(Route::Models, {"GET"_ba});
    else if (path == u"/models/count"_s)
        set(Route::ModelsCount, {"GET"_ba});
    else if (path.startsWith(u"/models/"_s))
        set(Route::ModelDetail, {"GET"_ba}, path.mid(8));
    else if (path == u"/credits"_s)
        set(Route::Credits, {"GET"_ba});
    else if (path == u"/keys"_s)
        set(Route::Keys, {"GET"_ba, "POST"_ba});
    else if (path.startsWith(u"/keys/"_s) && path.endsWith(u"/reveal"_s) && path.count(u'/') == 3)
        set(Route::KeyReveal, {"POST"_ba}, path.section(u'/', 2, 2));
    else if (path.startsWith(u"/keys/"_s) && path.count(u'/') == 2)
        set(Route::KeyItem, {"GET"_ba, "PATCH"_ba, "DELETE"_ba}, path.mid(6));
    else if (path == u"/generation"_s)
        set(Route::Generation, {"GET"_ba});
    else if (path.startsWith(u"/generation/"_s))
        set(Route::Generation, {"GET"_ba}, path.mid(12));
    else if (path == u"/activity"_s)
        set(Route::Activity, {"GET"_ba});
    const SimConfig& cfg = d->config;
    const bool lacking =
        (route == Route::Activity && !cfg.offerActivity) ||
        (route == Route::Generation && !cfg.offerGeneration) ||
        (route == Route::Health && !cfg.offerHealth) ||
        ((route == Route::Keys || route == Route::KeyItem || route == Route::KeyReveal) && !cfg.offerKeys);
    if (route == Route::Unknown || lacking) {
        api.error(404, u"Unknown endpoint: "_s + QString::fromLatin1(req.method) + u' ' + req.path,
                  "not_found_error", "not_found");
        return;
    }
    if (!methods.contains(req.method)) {
        QByteArray allow;
        for (const QByteArray& m : std::as_const(methods))
            allow += (allow.isEmpty() ? ""_ba : ", "_ba) + m;
        api.error(405, u"Method not allowed"_s, "invalid_request_error", "method_not_allowed", {},
                  {{"Allow"_ba, allow}});
        return;
    }

    // Authentication and permission tiers (SimKeys.h).
    QString token;
    const QByteArray auth = req.header("authorization");
    if (auth.size() > 7 && auth.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        token = QString::fromUtf8(auth.mid(7).trimmed());
    else if (req.hasHeader("x-api-key"))
        token = QString::fromUtf8(req.header("x-api-key").trimmed());
    ctx.token = token;
    const bool isPublic =
        route == Route::Health || route == Route::DeviceStart || route == Route::DeviceToken;
    static const QString kFaultKeyPrefix = u"sk-ar-v1-sim-fault-"_s;
    if (!isPublic) {
        bool valid = true;
        if (token == inferenceKey()) {
            ctx.tier = Tier::Inference;
        } else if (token == managementKey()) {
            ctx.tier = Tier::Management;
        } else if (token == fullKey() ||
                   (token.startsWith(kFaultKeyPrefix) && token.size() > kFaultKeyPrefix.size())) {
            ctx.tier = Tier::Full;
        } else {
            valid = false;
            const QDateTime now = QDateTime::currentDateTimeUtc();
            for (qsizetype i = 0; i < d->keys.size(); ++i) {
                KeyRecord& k = d->keys[i];
                if (k.secret != token || token.isEmpty())
                    continue;
                if (!k.disabled && !(k.expiresAt.isValid() && k.expiresAt < now)) {
                    valid = true;
                    ctx.tier = k.tier;
                    ctx.keyRow = int(i);
                    k.lastUsedAt = now;
                }
                break;
            }
        }
        if (!valid) {
            api.error(401, u"Invalid API key"_s, "authentication_error", "invalid_api_key", {},
                      {{"WWW-Authenticate"_ba, "Bearer"_ba}});
            return;
        }
        const bool management = route == Route::Credits || route == Route::Keys || route == Route::KeyItem ||
                                route == Route::KeyReveal || route == Route::Activity;
        if (management && ctx.tier == Tier::Inference) {
            api.error(403,
                      route == Route::Credits
                          ? u"This key may not read credits; use a management key"_s
                          : u"This key lacks the Key Management permission required for this endpoint"_s,
                      "permission_error", "insufficient_permissions");
            return;
        }
        if (route == Route::Chat && ctx.tier == Tier::Management) {
            api.error(403, u"Management keys cannot be used for inference"_s, "permission_error",
                      "insufficient_permissions");
            return;
        }
    }

    // Fault selection: header first, then a fault key. count=K is tracked per fault name.
    QByteArray spec = req.header("x-sim-fault");
    if (spec.isEmpty() && token.startsWith(kFaultKeyPrefix))
        spec = token.mid(kFaultKeyPrefix.size()).toUtf8();
    if (!spec.isEmpty()) {
        SimFault fault = SimFault::parse(spec);
        if (!fault.isKnown()) {
            api.error(400,
                      u"Unknown simulator fault \""_s + fault.name + u"\"; known: "_s +
                          SimFault::knownNames().join(u", "_s),
                      "invalid_request_error", "unknown_fault");
            return;
        }
        bool applicable = true;
        if (fault.isStreamOnly()) {
            applicable = route == Route::Chat &&
                         QJsonDocument::fromJson(req.body).object().value(u"stream"_s).toBool(false);
        }
        if (applicable && fault.count >= 0 && d->faultUses.value(fault.name) >= fault.count)
            applicable = false;
        if (applicable) {
            ++d->faultUses[fault.name];
            ctx.fault = fault;
            if (fault.isStatusFault()) {
                api.applyStatusFault();
                return;
            }
        }
    }

    switch (route) {
    case Route::Health:
        api.health();
        break;
    case Route::DeviceStart:
        api.deviceStart();
        break;
    case Route::DeviceToken:
        api.deviceToken();
        break;
    case Route::Chat:
        api.chat();
        break;
    case Route::Models:
        api.models();
        break;
    case Route::ModelsCount:
        api.modelsCount();
        break;
    case Route::ModelDetail:
        api.modelDetail(arg);
        break;
    case Route::Credits:
        api.credits();
        break;
    case Route::Keys:
        if (req.method == "POST")
            api.keysCreate();
        else
            api.keysList();
        break;
    case Route::KeyItem:
        api.keyItem(arg);
        break;
    case Route::KeyReveal:
        api.keyReveal(arg);
        break;
    case Route::Generation:
        api.generation(arg);
        break;
    case Route::Activity:
        api.activity();
        break;
    case Route::Unknown:
        break;
    }
}

// ---- SimServerThread --------------------------------------------------------------------------

SimServerThread::SimServerThread(SimConfig config) : m_config(config) {}

SimServerThread::~SimServerThread()
{
    stop();
}

bool SimServerThread::start(QString* error)
{
    if (m_server)
        return true;
    m_thread = new QThread;
    m_thread->setObjectName(u"anyrouter-sim"_s);
    m_thread->start();
    // A context object living in the server thread, to run code there and wait for it.
    auto* context = new QObject;
    context->moveToThread(m_thread);
    bool ok = false;
    QString err;
    const SimConfig cfg = m_config;
    QMetaObject::invokeMethod(
        context,
        [&] {
            m_server = new SimServer(cfg);
            ok = m_server->start(&err);
            m_port = m_server->port();
            if (!ok) {
                delete m_server;
                m_server = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    QObject::connect(m_thread, &QThread::finished, context, &QObject::deleteLater);
    if (!ok) {
        if (error)
            *error = err;
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        m_port = 0;
    }
    return ok;
}

QUrl SimServerThread::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:"_s + QString::number(m_port) + u"/api/v1"_s);
}

quint16 SimServerThread::port() const
{
    return m_port;
}

SimServer* SimServerThread::server() const
{
    return m_server;
}

void SimServerThread::stop()
{
    if (!m_thread)
        return;
    if (m_server) {
        SimServer* server = m_server;
        QMetaObject::invokeMethod(
            server, [server] { server->stop(); }, Qt::BlockingQueuedConnection);
        // Deleted in its own thread: deferred deletes run before the thread finishes.
        server->deleteLater();
        m_server = nullptr;
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_port = 0;
}

} // namespace anyrouter::sim
