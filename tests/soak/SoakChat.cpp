// SoakChat: a bounded soak of the chat stack. N streamed turns (default 2,000) through one real
// ChatSession + ConversationStore on a temp SQLite file, each against a HostileServer case drawn at
// random with a fixed seed (clean replies, drops, stalls, odd framing, error bodies, absurd usage,
// bogus Retry-After, split surrogates...). Every turn must end in a legal state with the stored text
// equal to the streamed text (a prefix of what the server meant to send), and resident memory must
// stay flat: VmRSS is sampled every 100 turns and may not grow by more than --max-growth-kb between
// the end of the warm-up and the last turn. Exit status 0 = all good, 1 = a violation (listed).
// See README.md in this directory.
#include "HostileExpectations.h"
#include "HostileServer.h"
#include "TestSupport.h"

#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace anyrouter;
using namespace anyrouter::hostile;
using namespace Qt::StringLiterals;

namespace {

// Cases and weights. Left out: huge-line (a 10 MB allocation per turn measures malloc, not leaks;
// it has its own test), redirects and TLS (no stream to soak), stall-before-headers (same ending as
// the stall mid-content, slower).
struct Weighted
{
    const char* name;
    int weight;
    bool mustComplete; // a well-formed stream: must end complete with the whole text
};
const Weighted kMix[] = {
    {"complete", 30, true},           {"until-close", 6, true},       {"crlf-framing", 6, true},
    {"cr-framing", 6, true},          {"data-no-space", 6, true},     {"json-not-sse", 4, true},
    {"slow-drip", 1, true},           {"no-done", 6, false},          {"no-finish", 6, false},
    {"drop-mid-content", 6, false},   {"drop-after-role", 2, false},  {"drop-before-headers", 2, false},
    {"stall-mid-content", 2, false},  {"invalid-utf8", 3, false},     {"html-200", 3, false},
    {"error-key-metadata", 3, false}, {"error-key-stream", 3, false}, {"error-text-key-300", 3, false},
    {"usage-negative", 3, false},     {"usage-huge", 3, false},       {"retry-after-huge", 2, false},
    {"retry-after-9999", 2, false},   {"surrogate-split", 4, false},  {"image-and-links", 3, false},
};

qint64 rssKb()
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

void out(const QString& s)
{
    std::fputs(qPrintable(s + u'\n'), stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(u"Soak the chat stack against the hostile test server."_s);
    p.addHelpOption();
    const QCommandLineOption turnsOpt(u"turns"_s, u"Streamed turns (default 2000)."_s, u"N"_s, u"2000"_s);
    const QCommandLineOption seedOpt(u"seed"_s, u"Random seed (default 9)."_s, u"S"_s, u"9"_s);
    const QCommandLineOption growthOpt(u"max-growth-kb"_s,
                                       u"Allowed VmRSS growth after warm-up, in KiB (default 8192)."_s,
                                       u"KB"_s, u"8192"_s);
    const QCommandLineOption warmupOpt(
        u"warmup"_s, u"Warm-up turns (default: 300, or a third of a shorter run)."_s, u"N"_s);
    const QCommandLineOption onlyOpt(u"only"_s, u"Soak one case of the mix only (to chase a violation)."_s,
                                     u"CASE"_s);
    p.addOptions({turnsOpt, seedOpt, growthOpt, warmupOpt, onlyOpt});
    p.process(app);
    const int turns = qMax(1, p.value(turnsOpt).toInt());
    const quint32 seed = p.value(seedOpt).toUInt();
    const qint64 maxGrowthKb = p.value(growthOpt).toLongLong();
    const int warmup = p.isSet(warmupOpt) ? p.value(warmupOpt).toInt() : qMin(300, turns / 3);

    test::initHermeticEnvironment();
    QTemporaryDir dir;
    HostileServer server;
    QString error;
    if (!dir.isValid() || !server.start(&error)) {
        out(u"soak: could not start: "_s + error);
        return 1;
    }
    server.setStallMs(2000);
    Database db(dir.filePath(u"soak.sqlite"_s));
    if (!db.open(&error)) {
        out(u"soak: no database: "_s + error);
        return 1;
    }
    ConversationStore store(db);
    UsageLedger ledger(db);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setKeys(clientKey());
    ChatSession session(&store, &ledger, &client);
    session.setWorkspaceId(u"soak"_s);
    session.setDefaultModel(u"hostile/echo-1"_s);
    session.setFlushIntervalMs(20);
    session.setInactivityTimeoutMs(300);
    session.setCostLookupDelaysMs({});

    int totalWeight = 0;
    for (const Weighted& w : kMix)
        totalWeight += w.weight;
    QRandomGenerator rng(seed);
    QString streamed;
    QObject::connect(&session, &ChatSession::replyDelta, &app,
                     [&streamed](qint64, const QString& d) { streamed += d; });

    QStringList violations;
    QHash<QString, int> violationKinds; // "case: what" -> turns, for the summary
    QHash<QString, int> endings;        // "case -> status" tallies for the report
    QList<QPair<int, qint64>> samples;
    QElapsedTimer clock;
    clock.start();
    const qint64 rssStart = rssKb();
    samples.append({0, rssStart});
    qint64 rssAfterWarmup = warmup == 0 ? rssStart : -1;

    for (int turn = 1; turn <= turns; ++turn) {
        int pick = int(rng.bounded(quint32(totalWeight)));
        const Weighted* w = &kMix[0];
        for (const Weighted& candidate : kMix) {
            if (pick < candidate.weight) {
                w = &candidate;
                break;
            }
            pick -= candidate.weight;
        }
        if (p.isSet(onlyOpt)) {
            for (const Weighted& candidate : kMix)
                if (p.value(onlyOpt) == QLatin1StringView(candidate.name))
                    w = &candidate;
        }
        const QString c = QString::fromLatin1(w->name);
        if (turn % 10 == 1)
            session.open(0); // a new conversation every 10 turns: requests stay small
        client.setBaseUrl(server.baseUrl(c));
        server.resetCounts(); // the server's request log is the test's memory, not the app's
        const QString prompt = u"Soak turn %1 (%2)"_s.arg(turn).arg(c);
        streamed.clear();

        Message reply;
        bool finished = false;
        QEventLoop loop;
        const auto conn =
            QObject::connect(&session, &ChatSession::replyFinished, &loop, [&](const Message& m) {
                reply = m;
                finished = true;
                loop.quit();
            });
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        QString sendError;
        if (!session.send(prompt, &sendError)) {
            violations << u"turn %1 (%2): send refused: %3"_s.arg(turn).arg(c, sendError);
            QObject::disconnect(conn);
            continue;
        }
        if (!finished)
            loop.exec();
        QObject::disconnect(conn);

        auto bad = [&](const QString& what) {
            violations << u"turn %1 (%2): %3"_s.arg(turn).arg(c, what);
            violationKinds[c + u": "_s + what.left(48)]++;
        };
        if (!finished) {
            bad(u"no end within 20 s"_s);
            session.stop();
            continue;
        }
        endings[c + u" -> "_s + statusToString(reply.status)]++;
        const std::optional<Message> row = store.message(reply.id);
        const std::optional<Message> promptRow = store.message(reply.parentId);
        if (!row || !promptRow) {
            bad(u"reply or prompt not stored"_s);
            continue;
        }
        if (promptRow->content != prompt)
            bad(u"prompt stored differently"_s);
        if (row->status == MessageStatus::Streaming || row->status != reply.status)
            bad(u"stored status %1, reported %2"_s.arg(statusToString(row->status),
                                                       statusToString(reply.status)));
        if (row->content != reply.content || row->content != streamed)
            bad(u"stored text (%1) != streamed text (%2)"_s.arg(row->content.size()).arg(streamed.size()));
        if (row->errorText != reply.errorText)
            bad(u"stored error text differs"_s);
        switch (row->status) {
        case MessageStatus::Complete:
            if (!row->errorText.isEmpty())
                bad(u"complete with an error text"_s);
            break;
        case MessageStatus::Incomplete:
            if (row->content.isEmpty() || row->errorText.isEmpty())
                bad(u"incomplete without text or without a reason"_s);
            break;
        case MessageStatus::Error:
            if (!row->content.isEmpty() || row->errorText.isEmpty())
                bad(u"error with text or without a reason"_s);
            break;
        case MessageStatus::Streaming:
            break;
        }
        const QString full = c == u"image-and-links" ? HostileServer::imageReplyText(u"/dev/zero"_s)
                                                     : HostileServer::fullText(c);
        if (c != u"invalid-utf8" && !full.startsWith(row->content))
            bad(u"stored text is not a prefix of what the server sent"_s);
        if (w->mustComplete && (row->status != MessageStatus::Complete || row->content != full))
            bad(u"a well-formed stream ended %1 with %2 of %3 characters: %4"_s
                    .arg(statusToString(row->status))
                    .arg(row->content.size())
                    .arg(full.size())
                    .arg(row->errorText));
        if (const QString leak = leakedKeyFragment(row->errorText); !leak.isEmpty())
            bad(u"key fragment in the error text"_s);

        if (turn == warmup)
            rssAfterWarmup = rssKb();
        if (turn % 100 == 0 || turn == turns) {
            samples.append({turn, rssKb()});
            out(u"turn %1/%2  %3 s  VmRSS %4 KiB  violations %5"_s.arg(turn)
                    .arg(turns)
                    .arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1)
                    .arg(samples.last().second)
                    .arg(violations.size()));
        }
    }
    if (store.recoverInterrupted() != 0)
        violations << u"rows left streaming after the run"_s;

    const qint64 rssEnd = rssKb();
    const double seconds = double(clock.elapsed()) / 1000.0;
    out(u"\nsoak: %1 turns, seed %2, %3 s (%4 ms/turn)"_s.arg(turns)
            .arg(seed)
            .arg(seconds, 0, 'f', 1)
            .arg(seconds * 1000.0 / turns, 0, 'f', 1));
    QStringList keys = endings.keys();
    keys.sort();
    for (const QString& k : std::as_const(keys))
        out(u"  %1: %2"_s.arg(k).arg(endings.value(k)));
    out(u"VmRSS start %1 KiB, after %2 warm-up turns %3 KiB, end %4 KiB (growth after warm-up %5 KiB, bound %6)"_s
            .arg(rssStart)
            .arg(warmup)
            .arg(rssAfterWarmup)
            .arg(rssEnd)
            .arg(rssEnd - rssAfterWarmup)
            .arg(maxGrowthKb));
    if (rssStart < 0 || rssEnd < 0)
        out(u"(no /proc/self/status: memory not checked)"_s);
    else if (rssEnd - rssAfterWarmup > maxGrowthKb)
        violations << u"memory grew by %1 KiB after warm-up (bound %2 KiB)"_s.arg(rssEnd - rssAfterWarmup)
                          .arg(maxGrowthKb);
    QStringList kinds = violationKinds.keys();
    kinds.sort();
    for (const QString& k : std::as_const(kinds))
        out(u"violations of a kind: %1 x %2..."_s.arg(violationKinds.value(k)).arg(k));
    for (qsizetype i = 0; i < violations.size() && i < 25; ++i)
        out(u"VIOLATION "_s + violations[i]);
    if (violations.size() > 25)
        out(u"... and %1 more"_s.arg(violations.size() - 25));
    out(violations.isEmpty() ? u"soak: PASS"_s : u"soak: FAIL (%1 violations)"_s.arg(violations.size()));
    return violations.isEmpty() ? 0 : 1;
}
