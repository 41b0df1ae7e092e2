// SimServer: a loopback HTTP/1.1 server that speaks the AnyRouter API (chat with SSE streaming,
// catalog, credits, keys, generation stats, activity, health, device login) deterministically and
// with per-request fault injection. It is the oracle for tests, the engine of the app's --demo
// mode and the load source of the benchmarks. Independent of anyrouter_core on purpose: the
// client must be checked against a second implementation of the wire format, not against itself.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>

#include <memory>

class QTcpServer;
class QThread;

namespace anyrouter::sim {

enum class PricingShape
{
    AnyRouterPer1K,     // {"input_per_1k": 0.003, "output_per_1k": 0.015, "cache_read_per_1k"?}
    OpenRouterPerToken, // {"prompt": "0.000003", "completion": "0.000015", "input_cache_read"?, "request"}
    Mixed               // alternate per model
};
enum class CreditsShape
{
    Balance,       // {"balance","total_usage"}
    OpenRouterData // {"data":{"total_credits","total_usage"}}
};
enum class ModelsShape
{
    DataObject, // {"object":"list","data":[..]}
    BareArray,
    ModelsKey // {"models":[..]}
};
enum class StreamFraming
{
    Chunked,
    CloseDelimited
};

struct SimConfig
{
    quint16 port = 0;    // 0 = free port
    int modelCount = -1; // -1 = hand-made realistic catalog; N = generated catalog of N
    quint32 seed = 42;
    double tokensPerSecond = 200; // streaming pace; <= 0 = as fast as possible
    int ttftMs = 150;             // time to first token
    PricingShape pricingShape = PricingShape::Mixed;
    CreditsShape creditsShape = CreditsShape::Balance;
    ModelsShape modelsShape = ModelsShape::DataObject;
    StreamFraming framing = StreamFraming::Chunked;
    int keepAliveMs = 0; // >0: ": keep-alive" comments at this interval (and one before the first token)
    int rateLimitPerMinute = 600;    // per key; X-RateLimit-* on every response; <= 0: no limit, no headers
    double initialBalance = 25.0;    // USD, read once at construction (later: setBalance())
    bool seedActivityHistory = true; // /activity has 30 days of plausible history
    bool offerActivity = true, offerGeneration = true, offerHealth = true,
         offerKeys = true;       // false -> 404 ("gateway lacks it")
    bool logRequests = false;    // one info line per request (method path status ms) on anyrouter.sim
    bool reportUsageCost = true; // false: chat usage has no "cost"; /generation/{id} still has it
};

class SimCatalog;
class SimHttpConnection;
struct SimHttpRequest;

// Lives in the thread that calls start(); every method, hook included, must be called there.
class SimServer : public QObject
{
    Q_OBJECT
public:
    explicit SimServer(SimConfig config = {}, QObject* parent = nullptr);
    ~SimServer() override;

    bool start(QString* error = nullptr); // listens on 127.0.0.1:config.port
    void stop();
    quint16 port() const;
    QUrl baseUrl() const;   // http://127.0.0.1:PORT/api/v1
    QUrl originUrl() const; // http://127.0.0.1:PORT (for /cli/device)
    SimConfig& config();    // tests may change shapes/pace between requests

    // Test hooks.
    void approveDevice(const QString& userCode);
    void denyDevice(const QString& userCode);
    void expireDevice(const QString& userCode);
    QString lastDeviceUserCode() const;
    void setBalance(double usd);
    double balance() const;
    double totalUsage() const;
    // Requests seen whose path starts with pathPrefix; the prefix may include "/api/v1" or not.
    int requestCount(const QString& pathPrefix = {}) const;
    QByteArray lastRequestBody(const QString& pathPrefix) const;
    QList<QPair<QByteArray, QByteArray>> lastRequestHeaders(const QString& pathPrefix) const;
    // Bumps the catalog: adds some new models and changes some prices (for "what changed").
    void setCatalogRevision(int revision);
    int catalogRevision() const;
    int modelCount();          // size of the current catalog
    void resetFaultCounters(); // forget how often each fault fired (count=K starts again)
    int openConnectionCount() const;

    struct Private; // opaque state, public only so the .cpp's helpers can name it

signals:
    void requestServed(const QString& method, const QString& path, int status);

private:
    void onNewConnection();
    void handleRequest(SimHttpConnection* connection);
    void dispatchApi(SimHttpConnection* connection, const SimHttpRequest& request, const QString& path,
                     const QList<QPair<QByteArray, QByteArray>>& rateHeaders);
    const SimCatalog& catalog();

    std::unique_ptr<Private> d;
};

// Runs a SimServer on its own QThread (for the app's --demo and for benchmarks, so serving never
// competes with a GUI thread). start() blocks only until the socket listens.
class SimServerThread
{
public:
    explicit SimServerThread(SimConfig config = {});
    ~SimServerThread();
    SimServerThread(const SimServerThread&) = delete;
    SimServerThread& operator=(const SimServerThread&) = delete;

    bool start(QString* error = nullptr);
    QUrl baseUrl() const;
    quint16 port() const;
    void stop();
    // The server object, living in the server thread: call its hooks only through
    // QMetaObject::invokeMethod(server(), ..., Qt::BlockingQueuedConnection).
    SimServer* server() const;

private:
    SimConfig m_config;
    QThread* m_thread = nullptr;
    SimServer* m_server = nullptr;
    quint16 m_port = 0;
};

} // namespace anyrouter::sim
