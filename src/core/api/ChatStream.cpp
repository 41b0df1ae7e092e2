#include "core/api/ChatStream.h"

#include "core/api/ChatChunk.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kMaxErrorBody = 256 * 1024;
constexpr qint64 kMaxRetryWaitS = 5; // longer Retry-After: the user decides (inline "retry in N s")
// One SSE line/event. Chunks are a few hundred bytes; the bound leaves room for inline image deltas
// while a runaway line (the simulator's 10 MB huge-line fault) fails fast instead of eating memory.
constexpr qsizetype kMaxEventBytes = 8 * 1024 * 1024;
} // namespace

ChatStream::ChatStream(ApiClient* client, ChatRequest request, QObject* parent)
    : QObject(parent), m_client(client), m_request(std::move(request))
{}

ChatStream::~ChatStream()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

std::optional<double> ChatStream::tokensPerSecond() const
{
    const double genMs = m_elapsedMs - m_firstTokenMs;
    if (!m_ttftMs || genMs <= 0)
        return std::nullopt;
    const double tokens = m_usage.completionTokens ? double(*m_usage.completionTokens) : double(m_deltaCount);
    // A few microseconds of generation would give an absurd rate: none rather than nonsense.
    return Usage::validTokensPerSecond(tokens * 1000.0 / genMs);
}

void ChatStream::start()
{
    if (m_state != State::Idle)
        return;
    m_timer.start();
    m_keyLabel = m_client->keyLabel(KeyRole::Inference);
    sendAttempt();
}

void ChatStream::sendAttempt()
{
    if (auto refusal = m_client->transportRefusal()) {
        m_state = State::Connecting;
        QTimer::singleShot(0, this, [this, e = *refusal] { finishWith(State::Failed, e); });
        return;
    }
    m_state = State::Connecting;
    ++m_attempt;
    m_parser = std::make_unique<SseParser>(kMaxEventBytes);
    m_httpStatus = 0;
    m_errorBody.clear();
    m_isEventStream = true;
    m_sniffing = false;
    m_sniffed.clear();

    QNetworkRequest req = m_client->makeRequest(u"/chat/completions"_s, KeyRole::Inference);
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    req.setRawHeader("Accept", "text/event-stream, application/json");
    if (!m_request.routing.pinnedProvider.isEmpty())
        req.setRawHeader("X-AnyRouter-Provider", m_request.routing.pinnedProvider.toUtf8());
    req.setTransferTimeout(m_inactivityMs);
    // Deltas must reach us as they arrive, not when a buffer fills.
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    // A redirected prompt is not sent again (the body goes once, see sendOnce()): the 3xx is
    // reported with its target instead.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);

    // Sent once: a prompt the gateway may have received is never repeated behind the user's back.
    QNetworkReply* reply =
        m_client->sendOnce(req, "POST", QJsonDocument(m_request.toJson()).toJson(QJsonDocument::Compact));
    m_reply = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] {
        if (reply != m_reply)
            return;
        m_httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray ct = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray().toLower();
        m_isEventStream = ct.isEmpty() || ct.contains("event-stream");
        // No content type: the first bytes tell an event stream from a web page or a JSON body.
        m_sniffing = ct.isEmpty();
        m_client->captureRateLimit(reply);
        if (m_httpStatus >= 200 && m_httpStatus < 300 && m_state == State::Connecting)
            m_state = State::Streaming;
    });
    connect(reply, &QNetworkReply::readyRead, this, &ChatStream::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &ChatStream::onFinished);
}

void ChatStream::onReadyRead()
{
    if (!m_reply || isFinished())
        return;
    if (m_httpStatus == 0)
        m_httpStatus = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_httpStatus >= 300 || !m_isEventStream) {
        // Error bodies and whole-JSON answers are read at the end; keep them bounded.
        const QByteArray chunk = m_reply->readAll();
        if (m_errorBody.size() + chunk.size() <= kMaxErrorBody * (m_isEventStream ? 1 : 256))
            m_errorBody += chunk;
        return;
    }
    QByteArray bytes = m_reply->readAll();
    if (m_sniffing) {
        m_sniffed += bytes;
        qsizetype first = 0;
        while (first < m_sniffed.size() && QChar::isSpace(uchar(m_sniffed.at(first))))
            ++first;
        if (first == m_sniffed.size())
            return; // only white space so far
        m_sniffing = false;
        bytes = std::exchange(m_sniffed, {});
        if (bytes.at(first) == '<' || bytes.at(first) == '{') {
            m_isEventStream = false;
            m_errorBody = bytes;
            return;
        }
    }
    const bool ok = m_parser->feed(bytes, [this](const SseEvent& ev) {
        if (!isFinished())
            handleEvent(ev);
    });
    if (!ok && !isFinished())
        finishWith(State::Failed, ApiError::badResponse(m_parser->errorString()));
}

void ChatStream::handleEvent(const SseEvent& ev)
{
    if (ev.type != "message" && !ev.type.isEmpty()) {
        if (ev.type == "error") { // some gateways name error events
            QJsonDocument doc = QJsonDocument::fromJson(ev.data);
            const QJsonValue err = doc.isObject() && doc.object().contains(u"error"_s)
                                       ? doc.object().value(u"error"_s)
                                       : QJsonValue(QString::fromUtf8(ev.data));
            finishWith(State::Failed, ApiError::fromErrorValue(err, m_httpStatus));
        }
        return; // other named events (e.g. Anthropic's ping) carry nothing for us
    }
    ChatChunk chunk;
    QString parseError;
    if (!decodeChatChunk(ev.data, chunk, &parseError)) {
        finishWith(State::Failed,
                   ApiError::badResponse(tr("Malformed event in the reply stream: %1").arg(parseError)));
        return;
    }
    if (chunk.isDone) {
        m_sawDone = true;
        return;
    }
    bool meta = false;
    if (!chunk.id.isEmpty() && m_generationId.isEmpty()) {
        m_generationId = chunk.id;
        meta = true;
    }
    if (!chunk.model.isEmpty() && chunk.model != m_servedModel) {
        m_servedModel = chunk.model;
        meta = true;
    }
    if (!chunk.provider.isEmpty() && chunk.provider != m_provider) {
        m_provider = chunk.provider;
        meta = true;
    }
    if (meta)
        emit metadataReceived();
    if (!chunk.error.isEmpty()) {
        // Mid-stream errors are terminal (reference §4). Keep what arrived.
        const QJsonValue err = chunk.error.contains(u"message"_s) || chunk.error.contains(u"code"_s)
                                   ? QJsonValue(chunk.error)
                                   : chunk.error.value(u"error"_s);
        finishWith(State::Failed, ApiError::fromErrorValue(err, m_httpStatus));
        return;
    }
    if (!chunk.reasoningDelta.isEmpty()) {
        // Reasoning already shown (and billed) must not be streamed again by a retry.
        m_sawContent = true;
        const QString delta = wholeCodePoints(m_heldReasoning, chunk.reasoningDelta);
        if (!delta.isEmpty()) {
            m_reasoning += delta;
            emit reasoningReceived(delta);
            if (isFinished()) // a receiver stopped the stream
                return;
        }
    }
    if (!chunk.contentDelta.isEmpty()) {
        if (!m_ttftMs) {
            m_ttftMs = double(m_timer.nsecsElapsed()) / 1e6;
            m_firstTokenMs = *m_ttftMs;
        }
        m_sawContent = true;
        ++m_deltaCount;
        const QString delta = wholeCodePoints(m_heldContent, chunk.contentDelta);
        if (!delta.isEmpty()) {
            m_content += delta;
            emit contentReceived(delta);
            if (isFinished())
                return;
        }
    }
    if (!chunk.finishReason.isEmpty())
        m_finishReason = chunk.finishReason;
    if (chunk.usage)
        m_usage = *chunk.usage;
}

void ChatStream::handleJsonBody(const QByteArray& body)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    if (!doc.isObject()) {
        finishWith(State::Failed,
                   ApiError::badResponse(
                       body.trimmed().startsWith('<')
                           ? tr("The gateway answered with a web page (HTML) instead of a reply. Check the "
                                "workspace's base URL (it usually ends in /v1 or /api/v1).")
                           : tr("The reply is neither an event stream nor JSON.")));
        return;
    }
    const QJsonObject o = doc.object();
    if (o.contains(u"error"_s)) {
        finishWith(State::Failed, ApiError::fromErrorValue(o.value(u"error"_s), m_httpStatus));
        return;
    }
    m_generationId = o.value(u"id"_s).toString();
    m_servedModel = o.value(u"model"_s).toString();
    m_provider = o.value(u"provider"_s).toString();
    const QJsonObject choice = o.value(u"choices"_s).toArray().at(0).toObject();
    const QJsonObject msg = choice.value(u"message"_s).toObject();
    QString none;
    QString text = wholeCodePoints(none, msg.value(u"content"_s).toString());
    if (!none.isEmpty())
        text += QChar(QChar::ReplacementCharacter);
    none.clear();
    m_reasoning = wholeCodePoints(none, msg.value(u"reasoning"_s).toString());
    if (!none.isEmpty())
        m_reasoning += QChar(QChar::ReplacementCharacter);
    m_finishReason = choice.value(u"finish_reason"_s).toString();
    m_usage = Usage::fromJson(o.value(u"usage"_s).toObject());
    if (!text.isEmpty()) {
        m_ttftMs = double(m_timer.nsecsElapsed()) / 1e6;
        m_firstTokenMs = *m_ttftMs;
        m_content = text;
        m_sawContent = true;
        emit contentReceived(text);
    }
    emit metadataReceived();
    finishWith(State::Completed);
}

void ChatStream::onFinished()
{
    QNetworkReply* reply = m_reply;
    if (!reply || isFinished())
        return;
    m_reply = nullptr;
    reply->deleteLater();
    if (m_httpStatus == 0)
        m_httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen()) // closed after a transfer-timeout abort
        m_errorBody += reply->readAll();

    if (m_httpStatus >= 300 && m_httpStatus < 400) {
        QUrl target = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        if (target.isEmpty())
            target = QUrl(QString::fromUtf8(reply->rawHeader("Location")));
        finishWith(State::Failed,
                   ApiError::redirect(m_httpStatus,
                                      reply->url().resolved(target).toDisplayString(QUrl::RemoveUserInfo)));
        return;
    }
    if (m_httpStatus >= 300) {
        ApiError e =
            ApiError::fromHttp(m_httpStatus, m_client->redactKeys(m_errorBody),
                               parseRetryAfter(reply->rawHeader("Retry-After"), m_client->clock()->nowMs()));
        const bool canRetry = e.isRetryable() && !m_sawContent && m_attempt <= m_maxRetries &&
                              e.retryAfterSeconds().value_or(0) <= kMaxRetryWaitS;
        if (canRetry) {
            // Retry-After is "at least": "0" or a past date still waits the backoff, never at once.
            const qint64 backoff = 500LL * m_attempt;
            const qint64 delay =
                e.retryAfterSeconds() ? std::max(qint64(*e.retryAfterSeconds()) * 1000, backoff) : backoff;
            m_state = State::Connecting;
            m_client->clock()->schedule(delay, this, [this] {
                if (m_state == State::Connecting)
                    sendAttempt();
            });
            return;
        }
        finishWith(State::Failed, e);
        return;
    }
    if (reply->error() != QNetworkReply::NoError && m_isEventStream &&
        (m_sawDone || !m_finishReason.isEmpty())) {
        // The reply was whole (its finish reason or [DONE] had arrived): how the connection ended
        // after that — reset, closed mid-chunk, idle until the timeout — does not make it incomplete.
        finishWith(State::Completed);
        return;
    }
    if (reply->error() != QNetworkReply::NoError && reply->error() != QNetworkReply::OperationCanceledError) {
        ApiError e = ApiError::fromNetworkError(reply->error(), reply->errorString());
        if (reply->error() == QNetworkReply::OperationCanceledError ||
            reply->error() == QNetworkReply::TimeoutError)
            e = ApiError(ApiError::Category::Timeout,
                         tr("No data from the gateway for %1 s.").arg(m_inactivityMs / 1000));
        const bool answered = (m_httpStatus >= 200 && m_httpStatus < 300) || m_sawContent || m_sawDone;
        if (answered && e.category() != ApiError::Category::Timeout)
            e = ApiError(
                ApiError::Category::StreamCutOff,
                tr("The connection broke while the reply was streaming (%1).").arg(reply->errorString()));
        else if (e.category() == ApiError::Category::ConnectionClosed)
            e = ApiError(ApiError::Category::ConnectionClosed,
                         tr("The prompt may have reached the gateway (and been billed), so it was not sent "
                            "again. Retry if you want to."));
        // Only a request the client knows was not delivered is sent again: the connection was
        // refused. Anything later (closed, reset, timed out) may have reached the gateway.
        const bool notDelivered = reply->error() == QNetworkReply::ConnectionRefusedError ||
                                  reply->error() == QNetworkReply::ProxyConnectionRefusedError;
        if (!m_sawContent && notDelivered && m_attempt <= m_maxRetries) {
            m_state = State::Connecting;
            m_client->clock()->schedule(300LL * m_attempt, this, [this] {
                if (m_state == State::Connecting) // not aborted meanwhile
                    sendAttempt();
            });
            return;
        }
        finishWith(State::Failed, e);
        return;
    }
    if (reply->error() == QNetworkReply::OperationCanceledError) {
        // transferTimeout aborts look like cancellations; a user abort never reaches here.
        finishWith(State::Failed,
                   ApiError(ApiError::Category::Timeout,
                            tr("No data from the gateway for %1 s.").arg(m_inactivityMs / 1000)));
        return;
    }
    if (!m_isEventStream) {
        handleJsonBody(m_errorBody);
        return;
    }
    // [DONE] ends a complete stream; so does a finish reason (the SDKs accept a stream that ends
    // after it without [DONE] or usage). Without either the reply was cut off; what came is kept.
    if (!m_sawDone && m_finishReason.isEmpty()) {
        finishWith(State::Failed,
                   ApiError(ApiError::Category::StreamCutOff,
                            m_content.isEmpty() && m_reasoning.isEmpty() && m_generationId.isEmpty()
                                ? tr("The gateway ended the reply stream without sending anything.")
                                : tr("The reply stream ended without a finish reason.")));
        return;
    }
    finishWith(State::Completed);
}

void ChatStream::abort()
{
    if (isFinished())
        return;
    finishWith(State::Cancelled, ApiError(ApiError::Category::Cancelled, tr("Stopped by you.")));
}

QString ChatStream::wholeCodePoints(QString& heldBack, const QString& delta)
{
    QString text = heldBack + delta;
    heldBack.clear();
    if (!text.isEmpty() && text.back().isHighSurrogate()) {
        heldBack = text.back();
        text.chop(1);
    }
    for (qsizetype i = 0; i < text.size(); ++i) {
        QChar& c = text[i];
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i; // a whole pair
        else if (c.isSurrogate())
            c = QChar(QChar::ReplacementCharacter);
    }
    return text;
}

void ChatStream::flushHeldBack()
{
    const QString lone = QString(QChar(QChar::ReplacementCharacter));
    if (!m_heldReasoning.isEmpty()) {
        m_heldReasoning.clear();
        m_reasoning += lone;
        emit reasoningReceived(lone);
    }
    if (!m_heldContent.isEmpty() && !isFinished()) {
        m_heldContent.clear();
        m_content += lone;
        emit contentReceived(lone);
    }
}

void ChatStream::finishWith(State s, const ApiError& e)
{
    if (isFinished())
        return;
    flushHeldBack();
    if (isFinished()) // a receiver of the last delta stopped the stream
        return;
    m_state = s;
    m_error = e;
    m_client->redactKeys(m_error);
    m_elapsedMs = double(m_timer.nsecsElapsed()) / 1e6;
    if (m_reply) {
        QNetworkReply* r = m_reply;
        m_reply = nullptr;
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
    emit finished();
}

} // namespace anyrouter
