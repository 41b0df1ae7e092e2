// bench_transcript: the chat transcript's two performance promises, measured with the real
// TranscriptView (offscreen unless QT_QPA_PLATFORM says otherwise, e.g. under xvfb-run):
//   1. streaming 2,000 tokens/s from the simulator (own thread) into a conversation already holding
//      ~100,000 tokens: lateness of a 5 ms probe timer on the GUI thread (p50/p99/max), relayouts
//      of the streaming row, model frame updates and process CPU% during the run;
//   2. opening a conversation of 10,000 messages: time from ChatSession::open() to the first
//      finished viewport paint.
// Median of several runs; one line per figure. Usage: bench_transcript [--runs N] [--seconds S]
#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "sim/SimKeys.h"
#include "sim/SimServer.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// A realistic assistant reply of roughly `tokens` tokens (~4 chars each): headings, prose, lists,
// a table and a fenced code block, as models write them.
QString realisticReply(int i, int tokens)
{
    QString s = u"## Step %1: routing the request\n\n"_s.arg(i);
    static const QString para =
        u"The gateway picks a provider by price, latency and uptime, then falls back when one "
        u"fails. **Sticky routing** keeps a conversation on the provider that holds its cache, "
        u"which makes `cached_tokens` cheaper on the next turn. "_s;
    static const QString code = u"```python\nimport requests\n\ndef ask(prompt: str) -> str:\n"
                                u"    # one request through the gateway\n"
                                u"    r = requests.post(URL, json={\"model\": MODEL, \"messages\": "
                                u"[{\"role\": \"user\", \"content\": prompt}]})\n"
                                u"    return r.json()[\"choices\"][0][\"message\"][\"content\"]\n```\n\n"_s;
    static const QString table =
        u"| Provider | Price in | Price out | p50 latency |\n|---|---:|---:|---:|\n"
        u"| openai | $0.15 | $0.60 | 420 ms |\n| anthropic | $3.00 | $15.00 | 610 ms |\n"
        u"| google | $0.10 | $0.40 | 380 ms |\n\n"_s;
    int k = 0;
    while (s.size() < tokens * 4) {
        switch (k++ % 4) {
        case 0:
            s += para + para + u"\n\n"_s;
            break;
        case 1:
            s += u"- first, check the key\n- then the model id\n- finally the routing preferences\n\n"_s;
            break;
        case 2:
            s += code;
            break;
        default:
            s += table;
            break;
        }
    }
    return s;
}

qint64 prefill(ConversationStore& store, Database& db, int messages, int tokensPerReply)
{
    Conversation c;
    c.title = u"Benchmark"_s;
    c.model = u"openai/gpt-5.4-mini"_s;
    store.createConversation(c);
    db.transaction();
    qint64 parent = 0;
    for (int i = 0; i < messages; ++i) {
        Message m;
        m.conversationId = c.id;
        m.parentId = parent;
        m.role = i % 2 == 0 ? MessageRole::User : MessageRole::Assistant;
        m.content = m.role == MessageRole::User ? u"Question %1: how should I route this request?"_s.arg(i)
                                                : realisticReply(i, tokensPerReply);
        if (m.role == MessageRole::Assistant) {
            m.model = c.model;
            m.provider = u"openai"_s;
            m.usage.promptTokens = 1000 + i;
            m.usage.completionTokens = tokensPerReply;
            m.usage.cost = 0.0004;
            m.ttftMs = 180;
            m.tokensPerSecond = 95.0;
        }
        store.insertMessage(m);
        parent = m.id;
    }
    db.commit();
    return c.id;
}

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const qsizetype i = qMin(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5));
    return v.at(i);
}

double median(QList<double> v)
{
    return percentile(std::move(v), 0.5);
}

double cpuSeconds()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct StreamRun
{
    double p50 = 0, p99 = 0, max = 0, cpu = 0;
    int relayouts = 0, frames = 0, chars = 0;
};

StreamRun streamRun(const QString& dbPath, qint64 conversationId, const QUrl& baseUrl, int seconds)
{
    Database db(dbPath, u"bench-stream"_s);
    db.open();
    ConversationStore store(db);
    UsageLedger ledger(db);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(baseUrl);
    client.setKeys(sim::fullKey());
    ChatSession session(&store, &ledger, &client);
    session.setDefaultModel(u"openai/gpt-5.4-mini"_s);
    TranscriptView view;
    view.resize(1000, 760);
    view.setSession(&session);
    view.show();
    session.open(conversationId);
    QEventLoop settle;
    QTimer::singleShot(500, &settle, &QEventLoop::quit);
    settle.exec();

    // 2,000 tok/s for `seconds`: ask for more tokens than that and stop at the deadline.
    session.send(u"Write a long answer [[tokens=%1]]"_s.arg(2000 * seconds + 4000));
    const qint64 replyId = session.currentReply().id;
    QList<double> lateness;
    QElapsedTimer since;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        lateness.append(qMax(0.0, double(since.nsecsElapsed()) / 1e6 - 5.0));
        since.restart();
    });
    // Measure only while text flows (the first delta marks the start).
    QEventLoop loop;
    double cpu0 = 0;
    QElapsedTimer wall;
    const int frames0 = view.transcriptModel()->streamUpdateCount();
    QMetaObject::Connection first = QObject::connect(&session, &ChatSession::replyDelta, [&] {
        QObject::disconnect(first);
        cpu0 = cpuSeconds();
        wall.start();
        since.start();
        probe.start();
        QTimer::singleShot(seconds * 1000, &loop, &QEventLoop::quit);
    });
    QObject::connect(&session, &ChatSession::replyFinished, &loop, &QEventLoop::quit);
    loop.exec();
    probe.stop();
    StreamRun r;
    r.cpu = 100.0 * (cpuSeconds() - cpu0) / qMax(0.001, double(wall.elapsed()) / 1000.0);
    r.p50 = percentile(lateness, 0.5);
    r.p99 = percentile(lateness, 0.99);
    r.max = lateness.isEmpty() ? 0 : *std::max_element(lateness.begin(), lateness.end());
    r.relayouts = view.messageDelegate()->relayoutCount(replyId);
    r.frames = view.transcriptModel()->streamUpdateCount() - frames0;
    r.chars = int(session.currentReply().content.size());
    session.stop();
    QEventLoop drain;
    QTimer::singleShot(200, &drain, &QEventLoop::quit);
    drain.exec();
    return r;
}

struct OpenRun
{
    double firstPaint = -1;
    double openCall = 0; // of which ChatSession::open() itself (database read, thread build, model reset)
};

OpenRun openRun(const QString& dbPath, qint64 conversationId)
{
    Database db(dbPath, u"bench-open"_s);
    db.open();
    ConversationStore store(db);
    UsageLedger ledger(db);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    ChatSession session(&store, &ledger, &client);
    TranscriptView view;
    view.resize(1000, 760);
    view.setSession(&session);
    view.show();
    QEventLoop settle;
    QTimer::singleShot(200, &settle, &QEventLoop::quit);
    settle.exec();

    QElapsedTimer t;
    double ms = -1;
    QEventLoop loop;
    QObject::connect(&view, &TranscriptView::painted, &loop, [&] {
        if (ms < 0 && view.transcriptModel()->rowCount() > 0) {
            ms = double(t.nsecsElapsed()) / 1e6;
            loop.quit();
        }
    });
    t.start();
    session.open(conversationId);
    const double openCall = double(t.nsecsElapsed()) / 1e6;
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    return {ms, openCall};
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({u"runs"_s, u"Runs per figure (median reported)."_s, u"n"_s, u"3"_s});
    p.addOption({u"seconds"_s, u"Streaming seconds per run."_s, u"s"_s, u"10"_s});
    p.process(app);
    const int runs = qMax(1, p.value(u"runs"_s).toInt());
    const int seconds = qMax(1, p.value(u"seconds"_s).toInt());

    QTemporaryDir dir;
    const QString streamDb = dir.filePath(u"stream.sqlite"_s);
    const QString openDb = dir.filePath(u"open.sqlite"_s);
    qint64 streamConv = 0, openConv = 0;
    {
        Database db(streamDb, u"prefill1"_s);
        db.open();
        ConversationStore store(db);
        streamConv = prefill(store, db, 400, 500); // 200 replies x 500 tokens = 100,000 tokens
        Database db2(openDb, u"prefill2"_s);
        db2.open();
        ConversationStore store2(db2);
        openConv = prefill(store2, db2, 10000, 120);
    }

    sim::SimConfig cfg;
    cfg.tokensPerSecond = 2000;
    cfg.ttftMs = 0;
    cfg.rateLimitPerMinute = 100000;
    sim::SimServerThread sim(cfg);
    QString error;
    if (!sim.start(&error)) {
        std::fprintf(stderr, "simulator: %s\n", qPrintable(error));
        return 1;
    }

    std::printf("platform: %s, runs: %d\n", qPrintable(QGuiApplication::platformName()), runs);
    QList<double> p50, p99, mx, cpu, relayouts, frames, chars;
    for (int i = 0; i < runs; ++i) {
        const StreamRun r = streamRun(streamDb, streamConv, sim.baseUrl(), seconds);
        p50 << r.p50;
        p99 << r.p99;
        mx << r.max;
        cpu << r.cpu;
        relayouts << r.relayouts;
        frames << r.frames;
        chars << r.chars;
    }
    std::printf("stream 2000 tok/s into ~100k-token conversation (%d s): probe lateness p50 %.2f ms\n",
                seconds, median(p50));
    std::printf("stream: probe lateness p99 %.2f ms (goal <= 16)\n", median(p99));
    std::printf("stream: probe lateness max %.2f ms\n", median(mx));
    std::printf("stream: streaming-row relayouts %.0f over %.0f frame updates (%.0f chars streamed)\n",
                median(relayouts), median(frames), median(chars));
    std::printf("stream: process CPU %.1f%% (of one core, incl. the simulator thread)\n", median(cpu));

    QList<double> open, openCalls;
    for (int i = 0; i < qMax(3, runs); ++i) {
        const OpenRun r = openRun(openDb, openConv);
        open << r.firstPaint;
        openCalls << r.openCall;
    }
    std::printf("open 10,000 messages: open() to first paint %.1f ms median (goal <= 300; runs:",
                median(open));
    for (double v : std::as_const(open))
        std::printf(" %.0f", v);
    std::printf(")\n");
    std::printf("open: of which ChatSession::open() (SQLite read of 10,000 rows, thread, model) %.1f ms\n",
                median(openCalls));
    return 0;
}
