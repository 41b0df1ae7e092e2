// ChatStream: one streamed chat completion. Reads the reply incrementally (QNetworkReply::readyRead
// -> SseParser -> decodeChatChunk), emits content/reasoning deltas, and ends in exactly one of
// Completed / Failed / Cancelled with usage, generation id, serving model/provider, TTFT and tokens/s.
// A mid-stream `error` object is terminal; abort() is immediate; content already received is kept
// (content()) whatever the ending. Retries happen only before the first content byte.
#pragma once

#include "core/api/ApiClient.h"
#include "core/api/ChatRequest.h"
#include "core/api/SseParser.h"
#include "core/domain/Usage.h"

#include <QElapsedTimer>
#include <QPointer>

#include <memory>

namespace anyrouter {

class ChatStream : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Connecting,
        Streaming,
        Completed,
        Failed,
        Cancelled
    };

    ChatStream(ApiClient* client, ChatRequest request, QObject* parent = nullptr);
    ~ChatStream() override;

    void start();
    void abort();
    // Inactivity timeout: no byte for this long ends the stream with a Timeout error.
    void setInactivityTimeoutMs(int ms) { m_inactivityMs = ms; }
    void setMaxPreContentRetries(int n) { m_maxRetries = n; }

    State state() const { return m_state; }
    bool isFinished() const
    {
        return m_state == State::Completed || m_state == State::Failed || m_state == State::Cancelled;
    }
    const ChatRequest& request() const { return m_request; }
    const QString& content() const { return m_content; }
    const QString& reasoning() const { return m_reasoning; }
    const Usage& usage() const { return m_usage; }
    const ApiError& error() const { return m_error; }
    QString generationId() const { return m_generationId; }
    QString servedModel() const { return m_servedModel; }
    QString provider() const { return m_provider; }
    QString finishReason() const { return m_finishReason; }
    std::optional<double> ttftMs() const { return m_ttftMs; }
    std::optional<double> tokensPerSecond() const;
    double elapsedMs() const { return m_elapsedMs; }
    QString keyLabel() const { return m_keyLabel; }

signals:
    void contentReceived(const QString& delta);
    void reasoningReceived(const QString& delta);
    void metadataReceived(); // generation id / served model / provider became known
    void finished();         // state is Completed, Failed or Cancelled

private:
    void sendAttempt();
    void onReadyRead();
    void onFinished();
    void handleEvent(const SseEvent& ev);
    void handleJsonBody(const QByteArray& body); // gateway answered a non-SSE JSON completion
    void finishWith(State s, const ApiError& e = {});
    // Emits what is held back at the end: a lone high surrogate becomes U+FFFD.
    void flushHeldBack();
    // Prepends the surrogate held back from the previous delta, holds back a new trailing high
    // surrogate and turns any other unpaired surrogate into U+FFFD, so every emitted delta is whole
    // code points (servers that slice strings by UTF-16 unit split pairs across events).
    static QString wholeCodePoints(QString& heldBack, const QString& delta);

    ApiClient* m_client;
    ChatRequest m_request;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<SseParser> m_parser;
    State m_state = State::Idle;
    int m_httpStatus = 0;
    bool m_isEventStream = true;
    bool m_sniffing = false; // no content type: waiting for the first non-blank byte
    QByteArray m_sniffed;
    bool m_sawDone = false;
    bool m_sawContent = false;
    QByteArray m_errorBody; // non-2xx body, bounded
    QString m_content;
    QString m_reasoning;
    QString m_heldContent; // a high surrogate waiting for its pair from the next delta
    QString m_heldReasoning;
    Usage m_usage;
    ApiError m_error;
    QString m_generationId;
    QString m_servedModel;
    QString m_provider;
    QString m_finishReason;
    QString m_keyLabel;
    QElapsedTimer m_timer;
    std::optional<double> m_ttftMs;
    double m_firstTokenMs = 0;
    double m_elapsedMs = 0;
    int m_inactivityMs = 120000;
    int m_attempt = 0;
    int m_maxRetries = 2;
    qint64 m_deltaCount = 0;
};

} // namespace anyrouter
