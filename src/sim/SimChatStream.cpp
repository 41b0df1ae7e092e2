// Serving one chat completion: SSE built from string templates (one event per token), paced by a
// QTimer against elapsed time, so thousands of tokens/s cost little and the thread never sleeps.
#include "sim/SimChatStream.h"

#include "sim/SimJson.h"

#include <QTimer>

#include <limits>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

namespace {
constexpr qsizetype kMaxBatchBytes = 256 * 1024;
constexpr qint64 kHighWater = 4 * 1024 * 1024;
constexpr int kMaxNonStreamDelayMs = 5000;
} // namespace

SimChatStream::SimChatStream(SimChatPlan plan, SimHttpConnection* connection, QObject* parent)
    : QObject(parent), m_plan(std::move(plan)), m_conn(connection),
      m_gen(m_plan.seed, m_plan.fault.name == u"split-utf8"_s), m_pace(new QTimer(this)),
      m_keepAlive(new QTimer(this))
{
    m_sinceRequest.start();
    m_pace->setTimerType(Qt::PreciseTimer);
    connect(m_pace, &QTimer::timeout, this, &SimChatStream::pump);
    connect(m_keepAlive, &QTimer::timeout, this, &SimChatStream::writeKeepAlive);

    m_prefix = "data: {\"id\":" + json::quoted(m_plan.id) +
               ",\"object\":\"chat.completion.chunk\",\"created\":" + QByteArray::number(m_plan.created) +
               ",\"model\":" + json::quoted(m_plan.model) +
               ",\"provider\":" + json::quoted(m_plan.providerName) +
               ",\"choices\":[{\"index\":0,\"delta\":{";
}

SimChatStream::~SimChatStream() = default;

void SimChatStream::start()
{
    if (!m_conn || !m_conn->isOpen()) {
        finalize(false);
        return;
    }
    connect(m_conn, &SimHttpConnection::closed, this, [this] { finalize(false); });
    if (!m_plan.stream) {
        qint64 delay = qMax(0, m_plan.ttftMs);
        if (m_plan.tokensPerSecond > 0)
            delay +=
                qint64((m_plan.contentTokens + m_plan.reasoningTokens) * 1000.0 / m_plan.tokensPerSecond);
        QTimer::singleShot(int(qMin<qint64>(delay, kMaxNonStreamDelayMs)), this,
                           &SimChatStream::serveNonStreamed);
        return;
    }

    connect(m_conn, &SimHttpConnection::drained, this, [this] {
        if (m_paused && !m_finalized) {
            m_paused = false;
            m_pace->start();
            pump();
        }
    });

    const QString& f = m_plan.fault.name;
    if (f == u"drop"_s || f == u"stall"_s || f == u"error-event"_s || f == u"malformed-json"_s)
        m_faultAt = m_plan.fault.afterOr(5);
    else if (f == u"huge-line"_s)
        m_faultAt = m_plan.fault.afterOr(1);
    else if (f == u"truncate"_s)
        m_faultAt = m_plan.fault.after; // -1: after the last content chunk
    if (m_faultAt >= 0)
        m_faultAt = qBound(1, m_faultAt, qMax(1, m_plan.contentTokens));

    applyWriteModeFault(m_conn, m_plan.fault);
    SimHeaders headers = {{"Content-Type"_ba, "text/event-stream"_ba},
                          {"Cache-Control"_ba, "no-cache"_ba},
                          {"X-Accel-Buffering"_ba, "no"_ba}};
    headers += m_plan.headers;
    m_conn->writeHead(200, headers,
                      m_plan.framing == StreamFraming::Chunked ? SimHttpConnection::Framing::Chunked
                                                               : SimHttpConnection::Framing::CloseDelimited);
    if (m_plan.keepAliveMs > 0) {
        writeKeepAlive();
        m_keepAlive->start(m_plan.keepAliveMs);
    }
    QTimer::singleShot(qMax(0, m_plan.ttftMs), this, &SimChatStream::beginTokens);
}

void SimChatStream::beginTokens()
{
    if (m_finalized)
        return;
    m_tokensStarted = true;
    m_latencyMs = double(m_sinceRequest.nsecsElapsed()) / 1e6;
    m_sinceFirstToken.start();
    const double tps = m_plan.tokensPerSecond;
    m_pace->setInterval(tps > 0 ? qBound(1, int(1000.0 / tps), 50) : 0);
    m_pace->start();
    pump();
}

void SimChatStream::pump()
{
    if (m_finalized)
        return;
    if (!m_conn || !m_conn->isOpen()) {
        finalize(false);
        return;
    }
    if (m_paused)
        return;
    const double tps = m_plan.tokensPerSecond;
    const qint64 target = tps > 0 ? qint64(double(m_sinceFirstToken.nsecsElapsed()) / 1e9 * tps) + 1
                                  : std::numeric_limits<qint64>::max();
    QByteArray batch;
    while (m_paced < target && !m_contentFinished && m_pending == Action::None &&
           batch.size() < kMaxBatchBytes)
        appendNext(batch);
    if (!batch.isEmpty())
        m_conn->writeBody(batch);

    switch (m_pending) {
    case Action::Drop:
        m_pace->stop();
        m_keepAlive->stop();
        m_finish = "cancelled"_ba;
        m_conn->reset();
        finalize(false);
        return;
    case Action::Stall:
        // Silence on an open connection: the client's read timeout has to notice.
        m_pace->stop();
        m_keepAlive->stop();
        return;
    case Action::Truncate:
        endStream(false);
        return;
    case Action::ErrorEvent:
        endStream(false);
        return;
    case Action::None:
        break;
    }
    if (m_contentFinished) {
        endStream(m_plan.fault.name != u"truncate"_s);
        return;
    }
    if (m_conn && m_conn->pendingBytes() > kHighWater) {
        m_paused = true; // resumed by drained()
        m_pace->stop();
    }
}

void SimChatStream::appendNext(QByteArray& batch)
{
    if (m_reasoningDone < m_plan.reasoningTokens) {
        ++m_reasoningDone;
        ++m_paced;
        const QByteArray piece = m_gen.nextReasoning();
        if (m_plan.showReasoning) {
            batch += m_prefix;
            if (!m_roleSent) {
                batch += "\"role\":\"assistant\",";
                m_roleSent = true;
            }
            batch += "\"reasoning\":\"";
            json::appendEscaped(batch, piece);
            batch += "\"},\"finish_reason\":null}]}\n\n";
        }
        return;
    }
    ++m_paced;
    if (m_plan.contentTokens <= 0) {
        m_finish = "stop"_ba;
        appendContent(batch, {}, true, m_finish);
        m_contentFinished = true;
        return;
    }
    bool stopHit = false;
    const QByteArray piece = nextContentPiece(stopHit);
    ++m_contentDone;
    const bool last = stopHit || m_contentDone >= m_plan.contentTokens;
    // An explicit truncate point cuts the stream before any finish_reason is sent.
    const bool cutHere = m_plan.fault.name == u"truncate"_s && m_faultAt == m_contentDone && !last;
    if (last)
        m_finish = stopHit ? "stop"_ba : m_plan.naturalFinish;
    appendContent(batch, piece, last && !cutHere, m_finish);
    if (last)
        m_contentFinished = true;
    onContentChunk(batch);
}

void SimChatStream::appendContent(QByteArray& batch, const QByteArray& token, bool last,
                                  const QByteArray& finish)
{
    batch += m_prefix;
    if (!m_roleSent) {
        batch += "\"role\":\"assistant\",";
        m_roleSent = true;
    }
    batch += "\"content\":\"";
    json::appendEscaped(batch, token);
    if (last && !finish.isEmpty())
        batch += "\"},\"finish_reason\":\"" + finish + "\"}]}\n\n";
    else
        batch += "\"},\"finish_reason\":null}]}\n\n";
}

void SimChatStream::onContentChunk(QByteArray& batch)
{
    if (m_faultAt < 0 || m_contentDone != m_faultAt)
        return;
    const QString& f = m_plan.fault.name;
    if (f == u"drop"_s) {
        m_pending = Action::Drop;
    } else if (f == u"stall"_s) {
        m_pending = Action::Stall;
    } else if (f == u"truncate"_s) {
        m_pending = Action::Truncate;
    } else if (f == u"error-event"_s) {
        m_pending = Action::ErrorEvent;
    } else if (f == u"malformed-json"_s) {
        // Cut mid-object: a parser must skip or report it, not crash.
        batch += "data: {\"id\":" + json::quoted(m_plan.id) +
                 ",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                 "\"oops\"}\n\n";
    } else if (f == u"huge-line"_s) {
        const qint64 bytes = m_plan.fault.bytes > 0 ? m_plan.fault.bytes : 10LL * 1024 * 1024;
        batch += m_prefix;
        batch += "\"content\":\"";
        batch += QByteArray(bytes, 'x');
        batch += "\"},\"finish_reason\":null}]}\n\n";
    }
}

void SimChatStream::appendUsage(QByteArray& batch) const
{
    const qint64 completion = m_contentDone + m_reasoningDone;
    batch += "data: {\"id\":" + json::quoted(m_plan.id) +
             ",\"object\":\"chat.completion.chunk\",\"created\":" + QByteArray::number(m_plan.created) +
             ",\"model\":" + json::quoted(m_plan.model) +
             ",\"provider\":" + json::quoted(m_plan.providerName) +
             ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + QByteArray::number(m_plan.promptTokens) +
             ",\"completion_tokens\":" + QByteArray::number(completion) +
             ",\"total_tokens\":" + QByteArray::number(m_plan.promptTokens + completion) +
             ",\"prompt_tokens_details\":{\"cached_tokens\":" + QByteArray::number(m_plan.cachedTokens) +
             "},\"completion_tokens_details\":{\"reasoning_tokens\":" + QByteArray::number(m_reasoningDone) +
             "}" + (m_plan.reportCost ? ",\"cost\":" + json::number(costSoFar()) : QByteArray()) + "}}\n\n";
}

void SimChatStream::appendErrorEvent(QByteArray& batch) const
{
    batch += "data: {\"id\":" + json::quoted(m_plan.id) +
             ",\"object\":\"chat.completion.chunk\",\"created\":" + QByteArray::number(m_plan.created) +
             ",\"model\":" + json::quoted(m_plan.model) +
             ",\"provider\":" + json::quoted(m_plan.providerName) +
             ",\"error\":{\"message\":\"Upstream provider returned 503\",\"type\":\"upstream_error\","
             "\"code\":\"upstream_error\",\"param\":null},"
             "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";
}

void SimChatStream::writeKeepAlive()
{
    if (m_conn && m_conn->isOpen() && !m_finalized)
        m_conn->writeBody(": keep-alive\n\n"_ba);
}

void SimChatStream::endStream(bool withUsage)
{
    m_pace->stop();
    m_keepAlive->stop();
    if (!m_conn || !m_conn->isOpen()) {
        finalize(false);
        return;
    }
    QByteArray tail;
    if (m_pending == Action::ErrorEvent) {
        appendErrorEvent(tail);
        tail += "data: [DONE]\n\n";
        m_finish = "error"_ba;
    } else if (withUsage) {
        appendUsage(tail);
        tail += "data: [DONE]\n\n";
    }
    m_conn->writeBody(tail);
    m_conn->finish();
    finalize(true);
}

QByteArray SimChatStream::nextContentPiece(bool& stopHit)
{
    QByteArray piece = m_gen.nextToken();
    if (m_plan.stops.isEmpty())
        return piece;
    const QByteArray window = m_tail + piece;
    qsizetype best = -1;
    qsizetype longest = 1;
    for (const QByteArray& stop : m_plan.stops) {
        longest = qMax(longest, stop.size());
        const qsizetype at = window.indexOf(stop);
        if (at >= 0 && (best < 0 || at < best))
            best = at;
    }
    if (best >= 0) {
        stopHit = true;
        const qsizetype cut = best - m_tail.size();
        return cut > 0 ? piece.left(cut) : QByteArray();
    }
    m_tail = window.right(longest - 1);
    return piece;
}

void SimChatStream::serveNonStreamed()
{
    if (m_finalized)
        return;
    if (!m_conn || !m_conn->isOpen()) {
        finalize(false);
        return;
    }
    m_tokensStarted = true;
    m_latencyMs = double(m_sinceRequest.nsecsElapsed()) / 1e6;
    m_sinceFirstToken.start();

    QByteArray reasoning;
    for (int i = 0; i < m_plan.reasoningTokens; ++i)
        reasoning += m_gen.nextReasoning();
    m_reasoningDone = m_plan.reasoningTokens;
    QByteArray content;
    bool stopHit = false;
    while (m_contentDone < m_plan.contentTokens && !stopHit) {
        content += nextContentPiece(stopHit);
        ++m_contentDone;
    }
    m_finish = stopHit || m_plan.contentTokens <= 0 ? "stop"_ba : m_plan.naturalFinish;

    const qint64 completion = m_contentDone + m_reasoningDone;
    QByteArray body;
    body.reserve(content.size() + reasoning.size() + 768);
    body += "{\"id\":" + json::quoted(m_plan.id) +
            ",\"object\":\"chat.completion\",\"created\":" + QByteArray::number(m_plan.created) +
            ",\"model\":" + json::quoted(m_plan.model) +
            ",\"provider\":" + json::quoted(m_plan.providerName) +
            ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";
    json::appendEscaped(body, content);
    body += '"';
    if (m_plan.showReasoning && !reasoning.isEmpty()) {
        body += ",\"reasoning\":\"";
        json::appendEscaped(body, reasoning);
        body += '"';
    }
    body += "},\"finish_reason\":\"" + m_finish + "\",\"native_finish_reason\":\"" + m_finish +
            "\"}],\"usage\":{\"prompt_tokens\":" + QByteArray::number(m_plan.promptTokens) +
            ",\"completion_tokens\":" + QByteArray::number(completion) +
            ",\"total_tokens\":" + QByteArray::number(m_plan.promptTokens + completion) +
            ",\"prompt_tokens_details\":{\"cached_tokens\":" + QByteArray::number(m_plan.cachedTokens) +
            "},\"completion_tokens_details\":{\"reasoning_tokens\":" + QByteArray::number(m_reasoningDone) +
            "}" + (m_plan.reportCost ? ",\"cost\":" + json::number(costSoFar()) : QByteArray()) + "}}";

    SimHeaders headers = {{"Content-Type"_ba, "application/json"_ba}};
    headers += m_plan.headers;
    const bool broken = m_plan.fault.name == u"drop"_s || m_plan.fault.name == u"stall"_s;
    sendWithFault(m_conn, 200, headers, body, m_plan.fault);
    if (broken && m_plan.fault.name == u"stall"_s)
        return; // finalized when the peer gives up
    finalize(!broken);
}

double SimChatStream::costSoFar() const
{
    const double cacheRate = m_plan.cacheReadPerM >= 0 ? m_plan.cacheReadPerM : m_plan.inPerM;
    return (double(m_plan.promptTokens - m_plan.cachedTokens) * m_plan.inPerM +
            double(m_plan.cachedTokens) * cacheRate +
            double(m_contentDone + m_reasoningDone) * m_plan.outPerM) /
           1e6;
}

void SimChatStream::finalize(bool completed)
{
    if (m_finalized)
        return;
    m_finalized = true;
    m_pace->stop();
    m_keepAlive->stop();
    SimChatOutcome outcome;
    outcome.id = m_plan.id;
    outcome.completionTokens = m_contentDone + m_reasoningDone;
    outcome.reasoningTokens = m_reasoningDone;
    outcome.cost = costSoFar();
    outcome.finishReason = m_finish.isEmpty() ? "cancelled"_ba : m_finish;
    outcome.latencyMs = m_tokensStarted ? m_latencyMs : double(m_sinceRequest.nsecsElapsed()) / 1e6;
    outcome.generationMs = m_tokensStarted ? double(m_sinceFirstToken.nsecsElapsed()) / 1e6 : 0;
    outcome.completed = completed;
    emit finished(outcome);
    deleteLater();
}

} // namespace anyrouter::sim
