// bench_long_reply: one very long stored reply (issue 9, item 5) in the real TranscriptView, shown
// (offscreen unless QT_QPA_PLATFORM says otherwise, e.g. under xvfb-run). For each shape of reply
// (prose with blank lines, prose lines without blank lines, one paragraph without a newline, one
// code block, one table) and size (300 KB, 5 MB): the time from ChatSession::open() to the first
// painted screenful, then a scroll from the bottom to the top and back down one page at a time
// (each step waits for its paint), then until every height is exact. Throughout, a 1 ms probe timer
// records the longest event-loop stall. Goal: no stall over 100 ms.
// Usage: bench_long_reply [--kind prose|lines|paragraph|code|table|all] [--kb N[,N...]]
#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

QString longReply(const QString& kind, qsizetype chars)
{
    static const QString sentence = u"The gateway picks a provider by price, latency and uptime, and "
                                    u"falls back when one fails; **sticky routing** keeps `cache` warm. "_s;
    QString s;
    s.reserve(chars + 200);
    int i = 0;
    if (kind == u"code"_s)
        s += u"```python\n"_s;
    if (kind == u"table"_s)
        s += u"| # | provider | price in | price out | note |\n|---:|---|---:|---:|---|\n"_s;
    while (s.size() < chars) {
        ++i;
        if (kind == u"prose"_s) {
            s += (i % 7 == 0 ? u"## Section %1\n\n"_s.arg(i) : QString()) + sentence + sentence + u"\n\n"_s;
        } else if (kind == u"lines"_s) {
            s += sentence + u'\n';
        } else if (kind == u"paragraph"_s) {
            s += sentence;
        } else if (kind == u"code"_s) {
            s +=
                u"    result_%1 = ask(\"prompt %1\", model=MODEL)  # one request through the gateway\n"_s.arg(
                    i);
        } else {
            s += u"| %1 | openai | $0.15 | $0.60 | routed by price, then latency |\n"_s.arg(i);
        }
    }
    if (kind == u"code"_s)
        s += u"\n```\n"_s;
    s += u"\n\nTHE LAST LINE"_s;
    return s;
}

struct Figures
{
    double firstScreen = 0;
    double openCall = 0; // ChatSession::open() alone (store read, thread, model reset)
    double stallOpen = 0;
    double stallScroll = 0;
    double settle = 0;
    double stallSettle = 0;
    int steps = 0;
    bool lastLineShown = false;
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({u"kind"_s, u"prose, lines, paragraph, code, table or all"_s, u"kind"_s, u"all"_s});
    cli.addOption({u"kb"_s, u"reply sizes in KB, comma-separated"_s, u"kb"_s, u"300,5000"_s});
    cli.process(app);
    QStringList kinds = cli.value(u"kind"_s).split(u',');
    if (kinds == QStringList{u"all"_s})
        kinds = {u"prose"_s, u"lines"_s, u"paragraph"_s, u"code"_s, u"table"_s};
    QList<int> sizes;
    for (const QString& s : cli.value(u"kb"_s).split(u','))
        sizes << s.toInt();

    QTemporaryDir dir;
    Database db(dir.filePath(u"bench.sqlite"_s));
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "database: %s\n", qPrintable(error));
        return 1;
    }
    ConversationStore store(db);
    UsageLedger ledger(db);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    ChatSession session(&store, &ledger, &client);
    TranscriptView view;
    view.resize(1000, 760);
    view.setSession(&session);
    view.show();

    // The probe: the longest gap between two ticks of a 1 ms timer is the longest stall.
    QElapsedTimer clock;
    clock.start();
    qint64 lastTick = 0;
    double maxGap = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        maxGap = std::max(maxGap, double(now - lastTick) / 1e6);
        lastTick = now;
    });
    auto resetProbe = [&] {
        lastTick = clock.nsecsElapsed();
        maxGap = 0;
    };
    auto waitPaint = [&](int timeoutMs) {
        QEventLoop loop;
        auto c = QObject::connect(&view, &TranscriptView::painted, &loop, &QEventLoop::quit);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        QObject::disconnect(c);
    };
    auto spin = [&](int ms) {
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
    };
    probe.start();
    spin(200);

    std::printf("%-10s %7s %8s %12s %12s %12s %10s %12s %6s %s\n", "kind", "KB", "open()", "first ms",
                "open stall", "scroll stall", "settle ms", "settle stall", "steps", "last line");
    for (const QString& kind : std::as_const(kinds)) {
        for (int kb : std::as_const(sizes)) {
            Conversation c;
            c.title = kind;
            c.model = u"bench/model"_s;
            store.createConversation(c);
            Message u;
            u.conversationId = c.id;
            u.content = u"Write a lot."_s;
            store.insertMessage(u);
            Message a;
            a.conversationId = c.id;
            a.parentId = u.id;
            a.role = MessageRole::Assistant;
            a.model = c.model;
            a.content = longReply(kind, qsizetype(kb) * 1024);
            store.insertMessage(a);
            session.open(0);
            spin(100);

            Figures f;
            resetProbe();
            QElapsedTimer t;
            t.start();
            session.open(c.id);
            f.openCall = double(t.nsecsElapsed()) / 1e6;
            waitPaint(600000);
            f.firstScreen = double(t.nsecsElapsed()) / 1e6;
            spin(50);
            f.stallOpen = maxGap;

            // Scroll from the bottom (where it opens) to the top and back, a page per step.
            resetProbe();
            QScrollBar* bar = view.verticalScrollBar();
            for (int direction : {-1, 1}) {
                for (int guard = 0; guard < 4000; ++guard) {
                    const int before = bar->value();
                    bar->setValue(before + direction * bar->pageStep());
                    waitPaint(2000);
                    ++f.steps;
                    if (bar->value() == before)
                        break;
                }
            }
            f.stallScroll = maxGap;

            // Until every part of the reply has its exact height.
            resetProbe();
            t.restart();
            MessageDelegate* d = view.messageDelegate();
            while (d->pendingParts() > 0 && t.elapsed() < 120000)
                spin(20);
            f.settle = double(t.nsecsElapsed()) / 1e6;
            f.stallSettle = maxGap;
            view.scrollToBottom();
            spin(100);
            const auto* layout = d->layoutFor(view.transcriptModel()->index(1));
            const QPoint rowTop = view.visualRect(view.transcriptModel()->index(1)).topLeft();
            for (const auto& p : layout->parts) {
                if (p.doc && p.doc->toPlainText().contains(u"THE LAST LINE"_s) &&
                    view.viewport()->rect().intersects(p.rect.translated(rowTop)))
                    f.lastLineShown = true; // rendered and on screen
            }
            std::printf("%-10s %7d %8.1f %12.1f %12.1f %12.1f %10.1f %12.1f %6d %s\n", qPrintable(kind), kb,
                        f.openCall, f.firstScreen, f.stallOpen, f.stallScroll, f.settle, f.stallSettle,
                        f.steps, f.lastLineShown ? "shown" : "MISSING");
            std::fflush(stdout);
        }
    }
    std::printf("goal: every stall <= 100 ms\n");
    return 0;
}
