// Fuzz target: SseParser. Differential property: the events, the error, the last event ID and the
// retry time are the same whether the bytes arrive in one feed() or in any split — byte by byte, or
// at split points derived from the input — through both feed() (copies) and feedViews() (views),
// and again after reset(). Input layout: byte 0 picks the line limit (a small one exercises the
// LineTooLong/EventTooLarge paths), bytes 1-8 seed the random splits, the rest is the stream.
#include "core/api/SseParser.h"

#include "FuzzSupport.h"

#include <QList>

#include <algorithm>
#include <cstring>

using namespace anyrouter;
using anyrouter::fuzz::escapedBytes;

namespace {

struct Outcome
{
    QList<QByteArray> events; // "type\0data\0id" per event
    SseParser::Error error = SseParser::Error::None;
    bool lastFeedOk = true;
    QByteArray lastEventId;
    int retry = -1;
    bool operator==(const Outcome&) const = default;

    QByteArray describe() const
    {
        QByteArray s = "error=" + QByteArray::number(int(error)) + " ok=" + QByteArray::number(lastFeedOk) +
                       " lastId=" + escapedBytes(lastEventId) + " retry=" + QByteArray::number(retry) +
                       " events=" + QByteArray::number(events.size()) + "\n";
        for (const QByteArray& e : events)
            s += "  " + escapedBytes(e, 300) + "\n";
        return s;
    }
};

QByteArray record(QByteArrayView type, QByteArrayView data, QByteArrayView id)
{
    QByteArray r;
    r.reserve(type.size() + data.size() + id.size() + 2);
    r.append(type.data(), type.size()).append('\0').append(data.data(), data.size()).append('\0');
    r.append(id.data(), id.size());
    return r;
}

// Feeds `bytes` cut at `cuts` (sorted offsets). Every chunk after an error must be refused too.
Outcome run(SseParser& parser, QByteArrayView bytes, const QList<qsizetype>& cuts, bool views)
{
    Outcome out;
    qsizetype from = 0;
    auto feedOne = [&](QByteArrayView chunk) {
        // The parser may keep views into a chunk only during the call: hand it a private copy that
        // dies right after, so ASan sees any use of a view beyond the call.
        const QByteArray owned = chunk.toByteArray();
        const bool wasError = parser.error() != SseParser::Error::None;
        bool ok;
        if (views) {
            ok = parser.feedViews(owned, [&](const SseEventView& e) {
                if (e.data.size() > parser.maxLineBytes())
                    fuzz::fail("event data larger than the limit", QByteArray::number(e.data.size()));
                out.events.append(record(e.type, e.data, e.id));
            });
        } else {
            ok = parser.feed(owned, [&](const SseEvent& e) {
                if (e.data.size() > parser.maxLineBytes())
                    fuzz::fail("event data larger than the limit", QByteArray::number(e.data.size()));
                out.events.append(record(e.type, e.data, e.id));
            });
        }
        if (wasError && ok)
            fuzz::fail("feed() accepted input after an error", escapedBytes(chunk));
        if (ok != (parser.error() == SseParser::Error::None))
            fuzz::fail("feed() result disagrees with error()", escapedBytes(chunk));
        out.lastFeedOk = ok;
    };
    for (const qsizetype cut : cuts) {
        feedOne(bytes.sliced(from, cut - from));
        from = cut;
    }
    feedOne(bytes.sliced(from));
    out.error = parser.error();
    out.lastEventId = parser.lastEventId();
    out.retry = parser.retryMs().value_or(-1);
    if ((out.error == SseParser::Error::None) != parser.errorString().isEmpty())
        fuzz::fail("errorString() disagrees with error()", out.describe());
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 9)
        return 0;
    // Limits: mostly tiny (reachable with short inputs), sometimes the production default.
    const uint8_t limitByte = data[0];
    const qsizetype limit = limitByte >= 0xF0 ? 16 * 1024 * 1024 : qsizetype(limitByte % 64) + 1;
    uint64_t seed = 0;
    std::memcpy(&seed, data + 1, sizeof seed);
    const QByteArrayView bytes(reinterpret_cast<const char*>(data + 9), qsizetype(size - 9));

    SseParser whole(limit);
    const Outcome expected = run(whole, bytes, {}, false);

    auto check = [&](const Outcome& got, const QList<qsizetype>& cuts, const char* how) {
        if (got == expected)
            return;
        QByteArray cutList;
        for (const qsizetype c : cuts)
            cutList += QByteArray::number(c) + ' ';
        fuzz::fail("split feed differs from whole feed",
                   QByteArray(how) + " limit=" + QByteArray::number(limit) + " cuts=" + cutList +
                       "\ninput: " + escapedBytes(bytes) + "\nwhole: " + expected.describe() +
                       "split: " + got.describe());
    };

    // Views API, one piece.
    {
        SseParser p(limit);
        check(run(p, bytes, {}, true), {}, "views whole");
    }
    // Byte by byte, both APIs (short inputs only: it costs one feed per byte, and every split
    // point of a longer input is still reached by the random splits below).
    if (bytes.size() <= 1024) {
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < bytes.size(); ++i)
            everyByte.append(i);
        for (const bool views : {false, true}) {
            SseParser p(limit);
            check(run(p, bytes, everyByte, views), everyByte, views ? "views bytewise" : "copies bytewise");
        }
    }
    // Random splits; the same parser reused after reset() must behave like a new one.
    fuzz::SplitRng rng(seed);
    SseParser reused(limit);
    for (int round = 0; round < 4; ++round) {
        QList<qsizetype> cuts;
        if (bytes.size() > 1) {
            const qsizetype n = rng.bounded(std::min<qsizetype>(bytes.size(), 16)) + 1;
            for (qsizetype i = 0; i < n; ++i)
                cuts.append(rng.bounded(bytes.size() + 1));
            std::sort(cuts.begin(), cuts.end());
        }
        const bool views = round % 2 == 1;
        reused.reset();
        check(run(reused, bytes, cuts, views), cuts, views ? "views random" : "copies random");
    }
    return 0;
}
