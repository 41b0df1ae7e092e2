// SseParser: WHATWG event-stream interpretation over raw bytes. Complete lines are parsed in place
// from the fed buffer and only an unterminated tail is copied; an event whose single data line
// arrived in one piece is handed to feedViews() handlers without any copy.
#include "core/api/SseParser.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

constexpr char kBom[3] = {'\xEF', '\xBB', '\xBF'};

const char* findByte(const char* p, const char* end, char c)
{
    const void* hit = std::memchr(p, c, size_t(end - p));
    return hit ? static_cast<const char*>(hit) : end;
}

// Empties a buffer but keeps its allocation for the next line/event, unless someone else shares
// it (the handler kept a copy) or it grew unusually large.
void recycle(QByteArray& buffer)
{
    if (buffer.isDetached() && buffer.capacity() <= 64 * 1024)
        buffer.resize(0);
    else
        buffer = QByteArray();
}

} // namespace

SseParser::SseParser(qsizetype maxLineBytes) : m_maxLineBytes(std::max<qsizetype>(1, maxLineBytes)) {}

void SseParser::reset()
{
    m_partial = QByteArray();
    m_dataBuffer = QByteArray();
    m_dataView = QByteArrayView();
    m_dataInView = false;
    m_hasData = false;
    m_typeBuffer = QByteArray();
    m_idBuffer = QByteArray();
    m_lastEventId = QByteArray();
    m_event = SseEvent();
    m_retryMs.reset();
    m_bomMatched = 0;
    m_bomDone = false;
    m_skipLF = false;
    m_error = Error::None;
}

QString SseParser::errorString() const
{
    switch (m_error) {
    case Error::None:
        return {};
    case Error::LineTooLong:
        return u"server-sent event line longer than %1 bytes"_s.arg(m_maxLineBytes);
    case Error::EventTooLarge:
        return u"server-sent event data larger than %1 bytes"_s.arg(m_maxLineBytes);
    }
    return {};
}

void SseParser::fail(Error e)
{
    m_error = e;
    // Drop everything buffered: a parser in error holds no more memory than a fresh one.
    m_partial = QByteArray();
    m_dataBuffer = QByteArray();
    m_dataView = QByteArrayView();
    m_dataInView = false;
    m_typeBuffer = QByteArray();
    m_event = SseEvent();
    m_hasData = false;
}

// The spec strips one leading U+FEFF from the decoded stream; on bytes that is EF BB BF, which may
// arrive split over several feeds. A partial match that turns out not to be a BOM is line content.
bool SseParser::consumeBom(const char*& p, const char* end)
{
    while (p < end && m_bomMatched < 3) {
        if (*p != kBom[m_bomMatched]) {
            m_bomDone = true;
            return appendPartial(kBom, m_bomMatched);
        }
        ++m_bomMatched;
        ++p;
    }
    if (m_bomMatched == 3)
        m_bomDone = true;
    return true;
}

bool SseParser::appendPartial(const char* p, qsizetype n)
{
    if (n == 0)
        return true;
    if (n > m_maxLineBytes - m_partial.size()) {
        fail(Error::LineTooLong);
        return false;
    }
    m_partial.append(p, n);
    return true;
}

bool SseParser::feed(QByteArrayView bytes, const EventHandler& onEvent)
{
    static const QByteArray kMessage = QByteArrayLiteral("message");
    return feedViews(bytes, [this, &onEvent](const SseEventView& e) {
        // Copied into a buffer kept between events: no allocation unless the handler keeps it.
        if (!m_event.data.isDetached())
            m_event.data = QByteArray();
        m_event.data.resize(e.data.size());
        if (!e.data.isEmpty())
            std::memcpy(m_event.data.data(), e.data.data(), size_t(e.data.size()));
        const QByteArray& type = m_typeBuffer.isEmpty() ? kMessage : m_typeBuffer;
        if (m_event.type.constData() != type.constData())
            m_event.type = type;
        if (m_event.id.constData() != m_lastEventId.constData())
            m_event.id = m_lastEventId;
        if (onEvent)
            onEvent(m_event);
    });
}

bool SseParser::feedImpl(QByteArrayView bytes, Sink sink)
{
    if (m_error != Error::None)
        return false;
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    if (p == end)
        return true;
    if (!m_bomDone && !consumeBom(p, end))
        return false;
    if (m_skipLF && p < end) {
        if (*p == '\n')
            ++p;
        m_skipLF = false;
    }

    // Next CR and LF are tracked separately so a stream without CRs never rescans for them.
    const char* nextLF = p - 1;
    const char* nextCR = p - 1;
    bool ok = true;
    while (p < end) {
        if (nextLF < p) // the blank line ending an event is found without a memchr call
            nextLF = *p == '\n' ? p : findByte(p, end, '\n');
        if (nextCR < p)
            nextCR = findByte(p, end, '\r');
        const char* eol = std::min(nextLF, nextCR);
        if (eol == end) {
            ok = appendPartial(p, end - p);
            break;
        }

        const qsizetype n = eol - p;
        if (m_partial.isEmpty()) {
            if (n > m_maxLineBytes) {
                fail(Error::LineTooLong);
                return false;
            }
            processLine(p, n, false, sink); // in the caller's bytes: may stay a view
        } else {
            if (!appendPartial(p, n))
                return false;
            processLine(m_partial.constData(), m_partial.size(), true, sink); // m_partial is reused
            recycle(m_partial);
        }
        if (m_error != Error::None)
            return false;

        p = eol + 1;
        if (*eol == '\r') {
            if (p == end)
                m_skipLF = true;
            else if (*p == '\n')
                ++p;
        }
    }
    // The bytes are the caller's and go away with this call; keep what an unfinished event needs.
    if (m_dataInView)
        materializeData();
    return ok;
}

void SseParser::materializeData()
{
    m_dataBuffer = m_dataView.toByteArray();
    m_dataView = QByteArrayView();
    m_dataInView = false;
}

bool SseParser::appendData(QByteArrayView value, bool mustCopy)
{
    const qsizetype held = m_dataInView ? m_dataView.size() : m_dataBuffer.size();
    const qsizetype needed = value.size() + (m_hasData ? 1 : 0);
    if (needed > m_maxLineBytes - held) {
        fail(Error::EventTooLarge);
        return false;
    }
    if (!m_hasData && !mustCopy) {
        // The common case: a one-line event, left where it is until dispatch.
        m_dataView = value;
        m_dataInView = true;
        m_hasData = true;
        return true;
    }
    if (m_dataInView)
        materializeData();
    if (m_hasData)
        m_dataBuffer.append('\n');
    m_dataBuffer.append(value.data(), value.size());
    m_hasData = true;
    return true;
}

void SseParser::processLine(const char* line, qsizetype n, bool mustCopy, Sink sink)
{
    if (n == 0) {
        dispatch(sink);
        return;
    }
    // Hot path: the only line shape a chat stream really uses.
    if (n >= 5 && std::memcmp(line, "data:", 5) == 0) {
        const qsizetype skip = (n > 5 && line[5] == ' ') ? 6 : 5;
        appendData(QByteArrayView(line + skip, n - skip), mustCopy);
        return;
    }
    if (line[0] == ':')
        return; // comment (keep-alive)
    const char* colon = static_cast<const char*>(std::memchr(line, ':', size_t(n)));
    if (!colon) {
        processField(QByteArrayView(line, n), QByteArrayView());
        return;
    }
    const char* value = colon + 1;
    const char* const end = line + n;
    if (value < end && *value == ' ')
        ++value;
    processField(QByteArrayView(line, colon - line), QByteArrayView(value, end - value));
}

void SseParser::processField(QByteArrayView field, QByteArrayView value)
{
    if (field == "data") {
        // Only "data" without a colon gets here (the hot path takes "data:"): an empty data line.
        appendData(value, true);
    } else if (field == "event") {
        m_typeBuffer = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_idBuffer = value.toByteArray();
    } else if (field == "retry") {
        if (value.isEmpty())
            return;
        qint64 ms = 0;
        for (const char c : value) {
            if (c < '0' || c > '9')
                return;
            // Saturate instead of overflowing: an absurd value still means "wait very long".
            ms = std::min<qint64>(qint64(INT_MAX), ms * 10 + (c - '0'));
        }
        m_retryMs = int(ms);
    }
    // Any other field is ignored, as the spec requires.
}

void SseParser::dispatch(Sink sink)
{
    if (m_lastEventId.constData() != m_idBuffer.constData())
        m_lastEventId = m_idBuffer;
    if (!m_hasData) {
        if (!m_typeBuffer.isEmpty())
            m_typeBuffer = QByteArray();
        return;
    }
    constexpr QByteArrayView kMessage("message", 7);
    const SseEventView event{m_typeBuffer.isEmpty() ? kMessage : QByteArrayView(m_typeBuffer),
                             m_dataInView ? m_dataView : QByteArrayView(m_dataBuffer),
                             QByteArrayView(m_lastEventId)};
    sink.call(sink.handler, event);
    m_hasData = false;
    if (m_dataInView) {
        m_dataView = QByteArrayView();
        m_dataInView = false;
    } else {
        recycle(m_dataBuffer);
    }
    if (!m_typeBuffer.isEmpty())
        m_typeBuffer = QByteArray();
}

} // namespace anyrouter
