// bench_search: ConversationStore::search (FTS5) over 100,000 stored messages of varied text.
// Fills a temporary database (500 conversations x 200 messages, 20-120 words each from a mixed
// vocabulary, seeded so runs compare), then times several kinds of query and prints median and
// p95 per query. Goal (issue 3): <= 50 ms. Usage: bench_search [messages] [repeats]
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QStringList& vocabulary()
{
    static const QStringList words = [] {
        QStringList w =
            u"the a of to and in is it that for on with as was be by this are or from at an "
            "not have but they which one you all were we when your can said there use each "
            "function class return value error thread memory pointer vector string async await "
            "promise compile linker template lambda closure iterator buffer socket request "
            "response header stream token model provider latency throughput price budget "
            "kubernetes docker container volume cluster deploy rollback migration schema index "
            "recipe garlic onion tomato basil oven simmer roast bake flour sugar butter "
            "mountain river forest ocean desert glacier volcano island canyon meadow "
            "history empire revolution treaty dynasty parliament election census archive "
            "quantum photon electron entropy gravity spectrum orbit nebula galaxy comet"_s.split(u' ');
        // A long tail of rarer invented words, so some queries hit only a few messages.
        for (int i = 0; i < 3000; ++i)
            w.append(u"term%1x"_s.arg(i));
        return w;
    }();
    return words;
}

QString sentence(QRandomGenerator& rng, int words)
{
    const QStringList& v = vocabulary();
    QString s;
    s.reserve(words * 8);
    for (int i = 0; i < words; ++i) {
        // Zipf-ish: the first 150 words most of the time, the tail sometimes.
        const int idx = rng.bounded(100) < 92 ? rng.bounded(150) : 150 + rng.bounded(int(v.size()) - 150);
        if (i)
            s += u' ';
        s += v[idx];
    }
    return s;
}

double percentile(QList<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const qsizetype i = std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5));
    return v[i];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int total = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 100000;
    const int repeats = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 30;
    const int perConversation = 200;

    QTemporaryDir dir;
    Database db(dir.filePath(u"bench.sqlite"_s));
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "cannot open database: %s\n", qPrintable(error));
        return 1;
    }
    ConversationStore store(db);
    QRandomGenerator rng(20261123);
    QElapsedTimer fill;
    fill.start();
    // insertMessage runs its own transaction (WAL, synchronous=NORMAL: no fsync per commit).
    int stored = 0;
    for (int c = 0; stored < total; ++c) {
        Conversation conv;
        conv.workspaceId = c % 10 == 0 ? u"other"_s : u"bench"_s; // some rows another workspace's
        conv.title = u"Conversation %1: "_s.arg(c) + sentence(rng, 4);
        conv.model = u"openai/gpt-5.4-mini"_s;
        store.createConversation(conv);
        qint64 parent = 0;
        for (int m = 0; m < perConversation && stored < total; ++m, ++stored) {
            Message msg;
            msg.conversationId = conv.id;
            msg.parentId = parent;
            msg.role = m % 2 == 0 ? MessageRole::User : MessageRole::Assistant;
            msg.content = sentence(rng, 20 + rng.bounded(100));
            if (!store.insertMessage(msg)) {
                std::fprintf(stderr, "insert failed at %d\n", stored);
                return 1;
            }
            parent = msg.id;
        }
    }
    std::printf("filled %d messages in %.1f s\n", stored, double(fill.elapsed()) / 1000.0);

    struct Query
    {
        QString workspace;
        QString text;
        const char* kind;
    };
    const QList<Query> queries = {
        {u"bench"_s, u"kubernetes"_s, "common word"},
        {u"bench"_s, u"term1234x"_s, "rare word"},
        {u"bench"_s, u"garlic oven"_s, "two words (AND)"},
        {u"bench"_s, u"galax"_s, "prefix"},
        {u"bench"_s, u"the"_s, "very common word"},
        {u"bench"_s, u"nosuchwordanywhere"_s, "no hit"},
        {QString(), u"photon entropy"_s, "two words, all workspaces"},
    };
    QList<double> all;
    std::printf("%-28s %-22s %6s %9s %9s\n", "kind", "query", "hits", "median ms", "p95 ms");
    for (const Query& q : queries) {
        QList<double> times;
        qsizetype hits = 0;
        for (int r = 0; r < repeats; ++r) {
            QElapsedTimer t;
            t.start();
            hits = store.search(q.workspace, q.text, 50).size();
            times.append(double(t.nsecsElapsed()) / 1e6);
        }
        all += times;
        std::printf("%-28s %-22s %6lld %9.2f %9.2f\n", q.kind, qPrintable(q.text), qlonglong(hits),
                    percentile(times, 0.5), percentile(times, 0.95));
    }
    const double p95 = percentile(all, 0.95);
    std::printf("all queries: median %.2f ms, p95 %.2f ms (goal <= 50 ms): %s\n", percentile(all, 0.5), p95,
                p95 <= 50 ? "OK" : "OVER");
    return 0;
}
