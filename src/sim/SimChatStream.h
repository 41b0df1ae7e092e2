// SimChatStream: serves one chat completion on one connection, streamed (SSE, paced by QTimer at
// the configured tokens/s, with keep-alive comments and stream faults) or as one JSON body after
// a realistic delay. Reports what was generated (tokens, cost, timing) when done or aborted, so
// the server can bill it and record it for /generation and /activity.
#pragma once

#include "sim/SimConfig.h"
#include "sim/SimFault.h"
#include "sim/SimHttpConnection.h"
#include "sim/SimReplyGenerator.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QTimer;

namespace anyrouter::sim {

struct SimChatPlan
{
    QByteArray id;
    QByteArray model;
    QByteArray providerName;
    qint64 created = 0;
    bool stream = false;
    int contentTokens = 0;
    QByteArray naturalFinish = "stop"; // "stop" or "length"
    int reasoningTokens = 0;
    bool showReasoning = false; // stream/return the reasoning text (not excluded)
    QList<QByteArray> stops;
    quint64 seed = 0;
    qint64 promptTokens = 0;
    qint64 cachedTokens = 0;
    double inPerM = 0;
    double outPerM = 0;
    double cacheReadPerM = -1;
    double tokensPerSecond = 200;
    int ttftMs = 150;
    int keepAliveMs = 0;
    StreamFraming framing = StreamFraming::Chunked;
    bool reportCost = true; // false: usage without "cost" (clients must ask /generation)
    SimHeaders headers;     // rate limit, X-Generation-Id
    SimFault fault;
};

struct SimChatOutcome
{
    QByteArray id;
    qint64 completionTokens = 0;
    qint64 reasoningTokens = 0;
    double cost = 0;
    QByteArray finishReason;
    double latencyMs = 0;
    double generationMs = 0;
    bool completed = false;
};

class SimChatStream : public QObject
{
    Q_OBJECT
public:
    SimChatStream(SimChatPlan plan, SimHttpConnection* connection, QObject* parent = nullptr);
    ~SimChatStream() override;
    void start();

signals:
    void finished(const anyrouter::sim::SimChatOutcome& outcome);

private:
    enum class Action
    {
        None,
        Drop,
        Stall,
        Truncate,
        ErrorEvent
    };

    void beginTokens();
    void pump();
    void appendNext(QByteArray& batch);
    void appendContent(QByteArray& batch, const QByteArray& token, bool last, const QByteArray& finish);
    void appendUsage(QByteArray& batch) const;
    void appendErrorEvent(QByteArray& batch) const;
    void onContentChunk(QByteArray& batch);
    void writeKeepAlive();
    void endStream(bool withUsage);
    void serveNonStreamed();
    void finalize(bool completed);
    double costSoFar() const;
    QByteArray nextContentPiece(bool& stopHit);

    SimChatPlan m_plan;
    QPointer<SimHttpConnection> m_conn;
    SimReplyGenerator m_gen;
    QTimer* m_pace = nullptr;
    QTimer* m_keepAlive = nullptr;
    QElapsedTimer m_sinceRequest;
    QElapsedTimer m_sinceFirstToken;
    QByteArray m_prefix; // `data: {"id":...,"choices":[{"index":0,"delta":{`
    QByteArray m_tail;   // recent content, for stop sequences across pieces
    qint64 m_paced = 0;  // pieces emitted (reasoning + content), for pacing
    int m_reasoningDone = 0;
    int m_contentDone = 0;
    bool m_roleSent = false;
    bool m_contentFinished = false;
    bool m_paused = false;
    bool m_finalized = false;
    bool m_tokensStarted = false;
    double m_latencyMs = 0;
    QByteArray m_finish;
    Action m_pending = Action::None;
    int m_faultAt = -1; // content chunk index after which the fault fires
};

} // namespace anyrouter::sim
