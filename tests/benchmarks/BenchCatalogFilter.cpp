// bench_catalog_filter: CatalogFilter over the simulator's generated 10,000-model catalog (serialised
// by SimCatalog and parsed by CatalogService, as the app sees it). Times a sequence of keystrokes and
// filter changes, each re-filtering the whole list, and prints median/p95/max per change. Goal (issue
// 4): <= 5 ms per change. Also times the synchronous cache load of CatalogRepository (first paint
// budget 100 ms for the whole page). Usage: bench_catalog_filter [models] [repeats]
#include "core/AppContext.h"
#include "core/api/CatalogService.h"
#include "core/catalog/CatalogFilter.h"
#include "core/catalog/CatalogRepository.h"
#include "core/storage/CatalogCache.h"
#include "core/storage/SecretStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimCatalog.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

double percentile(QList<double> v, double p)
{
    std::sort(v.begin(), v.end());
    const qsizetype i = std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5));
    return v.at(i);
}

struct Step
{
    QString label;
    std::function<void(CatalogFilter&)> change;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int count = argc > 1 ? QByteArray(argv[1]).toInt() : 10000;
    const int repeats = argc > 2 ? QByteArray(argv[2]).toInt() : 51;

    // The catalog exactly as the client receives it (mixed pricing shapes), with some change marks.
    const sim::SimCatalog catalog = sim::SimCatalog::generated(count, 42, 1);
    QList<QJsonObject> raws;
    QList<CatalogEntry> entries;
    for (const sim::SimModel& m : catalog.models()) {
        raws.append(catalog.toJson(m, sim::PricingShape::Mixed));
        CatalogEntry e;
        e.model = CatalogService::parseModel(raws.constLast());
        e.isNew = m.index % 97 == 0;
        e.priceChanged = m.index % 53 == 0;
        e.updateSearchText(); // as CatalogRepository does
        entries.append(std::move(e));
    }
    std::printf("catalog: %lld models\n", qlonglong(entries.size()));

    const QString typed = u"claude sonnet"_s;
    QList<Step> steps;
    for (int i = 1; i <= typed.size(); ++i)
        steps.append(
            {u"type \"%1\""_s.arg(typed.left(i)), [t = typed.left(i)](CatalogFilter& f) { f.text = t; }});
    for (int i = typed.size() - 1; i >= 0; --i)
        steps.append({u"backspace \"%1\""_s.arg(typed.left(i)),
                      [t = typed.left(i)](CatalogFilter& f) { f.text = t; }});
    steps.append({u"provider openai"_s, [](CatalogFilter& f) { f.providers = {u"openai"_s}; }});
    steps.append({u"+ provider anthropic"_s, [](CatalogFilter& f) { f.providers.insert(u"anthropic"_s); }});
    steps.append({u"max input $1/1M"_s, [](CatalogFilter& f) { f.maxInputPerM = 1.0; }});
    steps.append({u"max output $5/1M"_s, [](CatalogFilter& f) { f.maxOutputPerM = 5.0; }});
    steps.append({u"min context 128K"_s, [](CatalogFilter& f) { f.minContext = 128000; }});
    steps.append({u"capability tool_use"_s, [](CatalogFilter& f) { f.capabilities = {u"tool_use"_s}; }});
    steps.append({u"input modality image"_s, [](CatalogFilter& f) { f.inputModalities = {u"image"_s}; }});
    steps.append({u"clear all but text \"mini\""_s, [](CatalogFilter& f) {
                      f = {};
                      f.text = u"mini"_s;
                  }});
    steps.append({u"free only"_s, [](CatalogFilter& f) {
                      f = {};
                      f.freeOnly = true;
                  }});
    steps.append({u"changed only"_s, [](CatalogFilter& f) {
                      f = {};
                      f.changedOnly = true;
                  }});
    steps.append({u"text no hit \"zzzqqq\""_s, [](CatalogFilter& f) {
                      f = {};
                      f.text = u"zzzqqq"_s;
                  }});
    steps.append({u"clear"_s, [](CatalogFilter& f) { f = {}; }});

    CatalogFilter filter;
    QList<double> all;
    double worstMedian = 0;
    QList<int> visible;
    visible.reserve(entries.size());
    std::printf("%-32s %8s %8s %8s %8s\n", "change", "matches", "median", "p95", "max");
    for (const Step& step : steps) {
        step.change(filter);
        QList<double> times;
        for (int r = 0; r < repeats; ++r) {
            QElapsedTimer t;
            t.start();
            visible.clear();
            for (qsizetype i = 0; i < entries.size(); ++i) {
                if (filter.matches(entries.at(i)))
                    visible.append(int(i));
            }
            times.append(double(t.nsecsElapsed()) / 1e6);
        }
        all += times;
        worstMedian = std::max(worstMedian, percentile(times, 0.5));
        std::printf("%-32s %8lld %6.2fms %6.2fms %6.2fms\n", qPrintable(step.label),
                    qlonglong(visible.size()), percentile(times, 0.5), percentile(times, 0.95),
                    *std::max_element(times.begin(), times.end()));
    }
    std::printf(
        "all changes: median %.2f ms, p95 %.2f ms, max %.2f ms, worst median %.2f ms (goal <= 5 ms)\n",
        percentile(all, 0.5), percentile(all, 0.95), *std::max_element(all.begin(), all.end()), worstMedian);

    // Cache path: what the page waits for before its first paint.
    QTemporaryDir dir;
    AppContext::Options opts;
    opts.workspaceSessions = false; // the repository under test is the only one
    opts.databasePath = dir.filePath(u"bench.sqlite"_s);
    opts.secretStore = std::make_unique<MemorySecretStore>();
    AppContext ctx(std::move(opts));
    QString error;
    if (!ctx.open(&error)) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(error));
        return 1;
    }
    Workspace ws;
    ws.id = u"bench"_s;
    ws.name = u"Bench"_s;
    ws.kind = Workspace::Kind::Environment;
    ws.baseUrl = QUrl(u"http://127.0.0.1:1/api/v1"_s); // nothing listens: the refresh fails
    ctx.workspaces()->addEphemeral(ws, u"sk-bench"_s);
    ctx.workspaces()->select(ws.id);
    QElapsedTimer storeTimer;
    storeTimer.start();
    ctx.catalogCache()->store(ws.id, raws, QDateTime::currentDateTimeUtc());
    std::printf("cache store of %lld models: %lld ms\n", qlonglong(raws.size()), storeTimer.elapsed());
    QList<double> loads;
    for (int r = 0; r < 5; ++r) {
        CatalogRepository repo(ws.id, ctx.workspaces()->catalog(), ctx.catalogCache(), ctx.catalogWorker(),
                               nullptr);
        repo.setMarksDirectory(dir.filePath(u"marks"_s));
        QElapsedTimer t;
        t.start();
        repo.load();
        loads.append(double(t.nsecsElapsed()) / 1e6);
        if (repo.entries().size() != raws.size())
            std::fprintf(stderr, "cache load returned %lld entries\n", qlonglong(repo.entries().size()));
    }
    std::printf("CatalogRepository cache load (synchronous part): median %.1f ms, max %.1f ms\n",
                percentile(loads, 0.5), *std::max_element(loads.begin(), loads.end()));
    return 0;
}
