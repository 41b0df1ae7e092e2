// SimServer: a loopback HTTP/1.1 server that speaks the AnyRouter API (chat with SSE streaming,
// catalog, credits, keys, generation stats, activity, health, device login) deterministically and
// with per-request fault injection. It is the oracle for tests, the engine of the app's --demo
// mode and the load source of the benchmarks. Independent of anyrouter_core on purpose: the
// client must be checked against a second implementation of the wire format, not against itself.
//
// Inside: SimRouter (route table), SimAuth (keys, tiers, rate limits), SimExchange (one request
// and how routes answer), Sim*Routes.cpp (one file per API area), SimChatStream (streaming),
// SimHttpConnection (HTTP framing), SimServerThread (running it on its own thread).
#pragma once

#include "sim/SimConfig.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace anyrouter::sim {

class SimCatalog;
class SimHttpConnection;

// Lives in the thread that calls start(); every method, hook included, must be called there —
// except the request log (requestLog(), both requestCount()s, clearRequestLog()), which any thread
// may read.
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

    // Request log, thread-safe. Every request received (answered or refused, any path) is one
    // entry "METHOD /path": the method as sent, the decoded path without its query string, e.g.
    // "GET /api/v1/models". Counts are exact; the ordered log keeps the last
    // config.requestLogLimit entries.
    int requestCount(const QString& method, const QString& path) const; // exact method and path
    QStringList requestLog() const;                                     // oldest first
    void clearRequestLog(); // forgets log and counts (both requestCount()s start from 0)

    struct Private; // opaque state (SimServerPrivate.h), public only so the route files can name it

signals:
    void requestServed(const QString& method, const QString& path, int status);

private:
    void onNewConnection();
    void handleRequest(SimHttpConnection* connection);
    void dispatchApi(SimHttpConnection* connection, const QList<QPair<QByteArray, QByteArray>>& rateHeaders);
    const SimCatalog& catalog();

    std::unique_ptr<Private> d;
};

} // namespace anyrouter::sim

// Code that includes this header for SimServerThread keeps working.
#include "sim/SimServerThread.h"
