// HostileExpectations: the end state issue 9 asks for after each HostileServer case, in one table
// shared by the ChatSession, --ask and window tests (so the three agree on what "right" means), and
// the checks every ending must pass whatever the case: no key anywhere, no raw %n/%1 placeholders,
// no absurd usage figures, stream deltas made of whole code points.
#pragma once

#include "core/domain/Conversation.h"
#include "core/storage/UsageLedger.h"

#include <QFile>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <cmath>

namespace anyrouter::hostile {

using namespace Qt::StringLiterals;

// The client's key in every hostile test: long enough that masking hides 16+ characters.
inline QString clientKey()
{
    return u"sk-ar-v1-8c2f4e1a9b7d3c5e6f0a1b2c3d4e5f60718293a4b5c6d7e8"_s;
}

struct Expectation
{
    QString caseName;
    // Final status of the reply; Lenient = Complete, or failed as bad_response (invalid UTF-8).
    enum class End
    {
        Complete,
        Incomplete,
        Error,
        Lenient
    } end = End::Complete;
    int chatPosts = 1;              // POSTs of the prompt the server may see (-1: see noRetryAtOnce)
    bool noRetryAtOnce = false;     // any second POST must come >= 400 ms after the one before
    QString category;               // expected errorCategory (empty: not checked)
    QStringList anyOf;              // errorText names what happened: contains one of these (case-insensitive)
    QString mustMention;            // errorText contains this too (e.g. the redirect's status)
    bool claimsUnreachable = false; // false: errorText must not say "Could not reach the gateway"
    bool inAsk = true;              // also run through `--ask` (stalls need a short inactivity timeout)
};

inline QList<Expectation> expectations()
{
    using E = Expectation::End;
    const QStringList cutOff{u"cut off"_s};
    const QStringList broke{u"cut off"_s, u"connection"_s, u"closed"_s, u"broke"_s};
    const QStringList stalled{u"no data"_s, u"in time"_s, u"timed out"_s, u"stalled"_s};
    QList<Expectation> list{
        {u"complete"_s, E::Complete},
        // Item 10: a finish reason without [DONE]/usage is complete (the SDKs treat it so).
        {u"no-done"_s, E::Complete},
        // Item 10: no finish reason: incomplete, "the stream was cut off", not "Could not reach".
        {u"no-finish"_s, E::Incomplete, 1, false, {}, cutOff},
        // Item 4: one POST, then an error the user can Retry.
        {u"drop-before-headers"_s, E::Error, 1, false, {}, {}, {}, true},
        // The gateway answered (200): resending would bill the prompt again.
        {u"drop-after-role"_s, E::Error, 1, false, {}, broke},
        {u"drop-mid-content"_s, E::Incomplete, 1, false, {}, broke},
        {u"stall-before-headers"_s, E::Error, 1, false, u"timeout"_s, stalled, {}, false, false},
        {u"stall-mid-content"_s, E::Incomplete, 1, false, u"timeout"_s, stalled, {}, false, false},
        {u"slow-drip"_s, E::Complete},
        // Everything, [DONE] included, then the close: complete however the transport reports the close.
        {u"until-close"_s, E::Complete},
        {u"cr-framing"_s, E::Complete},
        {u"crlf-framing"_s, E::Complete},
        {u"data-no-space"_s, E::Complete},
        {u"invalid-utf8"_s, E::Lenient},
        {u"huge-line"_s, E::Incomplete, 1, false, u"bad_response"_s},
        // Item 10: a redirect gets its own message, with the status; the key never goes elsewhere.
        {u"redirect-307-port"_s, E::Error, 1, false, {}, {u"redirect"_s}, u"307"_s},
        {u"redirect-302-port"_s, E::Error, 1, false, {}, {u"redirect"_s}, u"302"_s},
        {u"redirect-file"_s, E::Error, 1, false, {}, {u"redirect"_s}},
        {u"json-not-sse"_s, E::Complete},
        // Item 10: an HTML page is data the app cannot read, not an unreachable gateway.
        {u"html-200"_s, E::Error, 1, false, u"bad_response"_s},
        // Item 3: keys in metadata / across byte 300 / of somebody else are all redacted.
        {u"error-key-metadata"_s, E::Error, 1},
        {u"error-key-stream"_s, E::Incomplete, 1},
        {u"error-text-key-300"_s, E::Error, 1},
        // Item 8: absurd usage is kept out of the figures (checked for every case).
        {u"usage-negative"_s, E::Complete},
        {u"usage-huge"_s, E::Complete},
        // Item 7: a bogus Retry-After never makes the client retry at once.
        {u"retry-after-huge"_s, E::Error, -1, true, u"rate_limited"_s, {u"rate"_s}},
        {u"retry-after-inf"_s, E::Error, -1, true, u"rate_limited"_s, {u"rate"_s}},
        {u"retry-after-nan"_s, E::Error, -1, true, u"rate_limited"_s, {u"rate"_s}},
        {u"retry-after-9999"_s, E::Error, -1, true, u"rate_limited"_s, {u"rate"_s}},
        // Item 11: whole code points in every delta and on stdout.
        {u"surrogate-split"_s, E::Complete},
        // Items 1 and 2: the text is kept as sent; the window never loads the image.
        {u"image-and-links"_s, E::Complete},
    };
    return list;
}

inline MessageStatus statusOf(Expectation::End e)
{
    switch (e) {
    case Expectation::End::Incomplete:
        return MessageStatus::Incomplete;
    case Expectation::End::Error:
        return MessageStatus::Error;
    default:
        return MessageStatus::Complete;
    }
}

inline QStringList allKeys()
{
    return {clientKey(), u"sk-or-v1-5f1c0ffee0ddba11cafe0123456789abcdef0123456789abcdef01234567"_s,
            u"ak_9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddcc"_s};
}

// A 10-character piece of a key that a masked form (prefix … last 4) never shows; empty if none
// of any key is in text.
inline QString leakedKeyFragment(const QString& text)
{
    for (const QString& key : allKeys()) {
        for (qsizetype i = 8; i + 10 <= key.size() - 1; ++i) {
            const QString piece = key.mid(i, 10);
            if (text.contains(piece))
                return piece;
        }
    }
    return {};
}

inline QString leakedKeyFragment(const QByteArray& bytes)
{
    for (const QString& key : allKeys()) {
        const QByteArray k = key.toUtf8();
        for (qsizetype i = 8; i + 10 <= k.size() - 1; ++i) {
            if (bytes.contains(k.mid(i, 10)))
                return key.mid(i, 10);
        }
    }
    return {};
}

// The database file and its WAL, as bytes on disk: where a leaked key would persist.
inline QByteArray databaseBytes(const QString& path)
{
    QByteArray all;
    for (const QString& p : QStringList{path, path + u"-wal"_s}) {
        QFile f(p);
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

// Empty when the text a user sees is sane: no untranslated placeholders, no negative or zero
// waits ("retry in -3 second(s)", "retry in 0 seconds").
inline QString insaneMessage(const QString& text)
{
    static const QRegularExpression placeholder(u"%(n|L?\\d)"_s);
    static const QRegularExpression negative(u"(^|[\\s(])-\\d"_s);
    static const QRegularExpression zeroWait(u"\\b0 second"_s);
    if (placeholder.match(text).hasMatch())
        return u"raw placeholder"_s;
    if (negative.match(text).hasMatch())
        return u"negative number"_s;
    if (zeroWait.match(text).hasMatch())
        return u"zero-second wait"_s;
    return {};
}

// Empty when the figures are believable: counts non-negative and below a trillion, costs finite,
// non-negative and below a million dollars, speeds finite and non-negative.
inline QString absurdUsage(const Message& m)
{
    auto badCount = [](const std::optional<qint64>& v) { return v && (*v < 0 || *v > 1'000'000'000'000LL); };
    if (badCount(m.usage.promptTokens) || badCount(m.usage.completionTokens) ||
        badCount(m.usage.totalTokens) || badCount(m.usage.cachedTokens) || badCount(m.usage.reasoningTokens))
        return u"token count"_s;
    if (m.usage.cost && (!std::isfinite(*m.usage.cost) || *m.usage.cost < 0 || *m.usage.cost > 1e6))
        return u"cost %1"_s.arg(*m.usage.cost);
    if (m.tokensPerSecond && (!std::isfinite(*m.tokensPerSecond) || *m.tokensPerSecond < 0))
        return u"tokens/s %1"_s.arg(*m.tokensPerSecond);
    return {};
}

inline QString absurdLedger(const LedgerEntry& e)
{
    if (e.cost && (!std::isfinite(*e.cost) || *e.cost < 0 || *e.cost > 1e6))
        return u"ledger cost %1"_s.arg(*e.cost);
    for (qint64 v : {e.promptTokens, e.completionTokens, e.cachedTokens, e.reasoningTokens})
        if (v < 0 || v > 1'000'000'000'000LL)
            return u"ledger tokens %1"_s.arg(v);
    return {};
}

// A delta that starts or ends inside a surrogate pair (half a code point).
inline bool splitsCodePoint(const QString& delta)
{
    return !delta.isEmpty() && (delta.front().isLowSurrogate() || delta.back().isHighSurrogate());
}

} // namespace anyrouter::hostile
