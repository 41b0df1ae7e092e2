// SimServerPrivate: the simulator's state behind its public API (SimServer::Private) — account state
// (balance, keys, generations, served activity, device logins), rate-limit buckets, fault counters,
// the catalog and its cached /models bodies, and the request log. Shared by SimServer.cpp, the auth
// step and the route files; not part of the public API.
#pragma once

#include "sim/SimCatalog.h"
#include "sim/SimHttpConnection.h"
#include "sim/SimServer.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

class QTcpServer;

namespace anyrouter::sim {

// Permission tier of a key (SimKeys.h).
enum class Tier
{
    Inference,
    Management,
    Full
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
    QHash<QString, Recorded> lastRequests;
    quint64 requestSeq = 0;
    quint64 generationCounter = 0;
    QHash<quint64, qint64> prefixCache;
    QSet<SimHttpConnection*> connections;

    // The request log is the one piece read from other threads (a test or the app reading a
    // SimServerThread's server), so it alone sits behind a mutex.
    mutable QMutex logMutex;
    QStringList log;               // "METHOD /path", oldest first, at most config.requestLogLimit
    QHash<QString, int> logCounts; // "METHOD /path" -> requests since the last clear
    void recordRequest(const QString& method, const QString& path);

    KeyRecord* keyByHash(const QString& hash);
};

QString isoUtc(const QDateTime& dt);
QJsonValue isoOrNull(const QDateTime& dt);
QString randomHex(int bytes);
QString hashOfSecret(const QString& secret); // the /keys "hash" of a key

} // namespace anyrouter::sim
