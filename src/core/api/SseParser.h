// SseParser: a byte-level server-sent-events parser (WHATWG HTML "event stream interpretation"),
// fed whatever the network hands over, in any split. Pure: no QObject, no I/O, bounded memory.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <functional>
#include <optional>
#include <type_traits>

namespace anyrouter {

struct SseEvent
{
    QByteArray type; // "message" when the event had no event: field
    QByteArray data; // data: lines joined by LF; bytes, UTF-8 decoding is the consumer's business
    QByteArray id;   // the stream's last event ID when this event was dispatched (persists, per spec)
};

// The same event without copies; the views are valid only during the handler call.
struct SseEventView
{
    QByteArrayView type;
    QByteArrayView data;
    QByteArrayView id;
};

class SseParser
{
public:
    enum class Error
    {
        None,
        LineTooLong,   // a single line (without its terminator) exceeded maxLineBytes
        EventTooLarge, // an event's accumulated data exceeded maxLineBytes (many lines, one event)
    };
    // Called for each complete event. The event is only valid during the call (copy what you
    // keep; copies are cheap, implicitly shared). Handlers must not call feed(), feedViews() or
    // reset() on the same parser.
    using EventHandler = std::function<void(const SseEvent&)>;

    explicit SseParser(qsizetype maxLineBytes = 16 * 1024 * 1024);

    // Feeds arbitrary bytes (any split, including inside a CRLF pair or a UTF-8 sequence) and
    // calls onEvent for every event completed by them. Returns false once a limit is exceeded; the
    // parser then stays in error and ignores further input until reset().
    bool feed(QByteArrayView bytes, const EventHandler& onEvent);

    // Same as feed(), for the per-token hot path: onEvent(const SseEventView&) gets views, with the
    // data pointing straight into `bytes` when the event's single data line arrived in one piece.
    template <typename Handler> bool feedViews(QByteArrayView bytes, Handler&& onEvent)
    {
        static_assert(std::is_invocable_v<Handler&, const SseEventView&>,
                      "feedViews() needs a callable taking const SseEventView&");
        using H = std::remove_reference_t<Handler>;
        return feedImpl(bytes, Sink{const_cast<void*>(static_cast<const void*>(&onEvent)),
                                    [](void* h, const SseEventView& e) { (*static_cast<H*>(h))(e); }});
    }

    // Back to the state of a new stream (also clears the error, last event ID and retry).
    void reset();

    Error error() const { return m_error; }
    QString errorString() const;
    // The last event ID string (set when an event is dispatched, from the last id: field seen).
    QByteArray lastEventId() const { return m_lastEventId; }
    // The reconnection time announced by the last valid retry: field, if any.
    std::optional<int> retryMs() const { return m_retryMs; }
    qsizetype maxLineBytes() const { return m_maxLineBytes; }

private:
    // A non-owning, non-allocating reference to the caller's handler.
    struct Sink
    {
        void* handler;
        void (*call)(void* handler, const SseEventView& event);
    };

    bool feedImpl(QByteArrayView bytes, Sink sink);
    bool consumeBom(const char*& p, const char* end);
    bool appendPartial(const char* p, qsizetype n);
    void processLine(const char* line, qsizetype n, bool mustCopy, Sink sink);
    void processField(QByteArrayView field, QByteArrayView value);
    bool appendData(QByteArrayView value, bool mustCopy);
    void materializeData();
    void dispatch(Sink sink);
    void fail(Error e);

    qsizetype m_maxLineBytes;
    QByteArray m_partial;      // bytes of an unterminated line carried to the next feed()
    QByteArray m_dataBuffer;   // the spec's data buffer when it cannot be a view (see m_dataView)
    QByteArrayView m_dataView; // the data when it is one line still inside the bytes being fed
    bool m_dataInView = false; // m_dataView (not m_dataBuffer) holds the data
    bool m_hasData = false;    // at least one data: line since the last dispatch
    QByteArray m_typeBuffer;   // event type buffer
    QByteArray m_idBuffer;     // last event ID buffer
    QByteArray m_lastEventId;  // last event ID string
    SseEvent m_event;          // what feed() hands out, reused between events
    std::optional<int> m_retryMs;
    int m_bomMatched = 0;   // bytes of a leading UTF-8 BOM matched so far
    bool m_bomDone = false; // past the point where a BOM may appear
    bool m_skipLF = false;  // the previous feed ended on CR: an LF starting the next one is its pair
    Error m_error = Error::None;
};

} // namespace anyrouter
