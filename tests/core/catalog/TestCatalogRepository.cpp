// TestCatalogRepository: CatalogRepository over the in-process simulator (loopback HTTP) and a real
// SQLite cache — the first load marks nothing, change marks after the simulator's catalog revision
// (new ids and price moves checked against the simulator's own catalog) in every pricing shape, the
// marks surviving a restart, the cache path with the simulator stopped, and open capability names.
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/AppContext.h"
#include "core/catalog/CatalogRepository.h"
#include "core/storage/CatalogCache.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimCatalog.h"
#include "sim/SimKeys.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::sim::PricingShape)

namespace {

struct SimPrice
{
    double in = 0, out = 0, cacheRead = -1;
};

// The simulator's catalog at a revision, built the way SimServer builds it (hand-made, default seed).
sim::SimCatalog simCatalog(int revision)
{
    return sim::SimCatalog::handMade(sim::SimConfig{}.seed, revision);
}

QHash<QString, SimPrice> snapshot(int revision)
{
    QHash<QString, SimPrice> out;
    const sim::SimCatalog catalog = simCatalog(revision); // not a temporary: the loop borrows its list
    for (const sim::SimModel& m : catalog.models())
        out.insert(m.id, {m.inPerM, m.outPerM, m.cacheReadPerM});
    return out;
}

// The AnyRouter shape rounds per-1K figures, so compare with a small relative tolerance.
bool near(std::optional<double> v, double expected)
{
    return v && std::abs(*v - expected) <= 1e-4 * std::max(1e-6, std::abs(expected));
}

QSet<QString> idsWhere(const QList<CatalogEntry>& entries, bool (*pred)(const CatalogEntry&))
{
    QSet<QString> out;
    for (const CatalogEntry& e : entries) {
        if (pred(e))
            out.insert(e.model.id);
    }
    return out;
}

QSet<QString> newIds(const QList<CatalogEntry>& entries)
{
    return idsWhere(entries, [](const CatalogEntry& e) { return e.isNew; });
}

QSet<QString> changedIds(const QList<CatalogEntry>& entries)
{
    return idsWhere(entries, [](const CatalogEntry& e) { return e.priceChanged; });
}

} // namespace

class TestCatalogRepository : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void firstLoadMarksNothing_data();
    void firstLoadMarksNothing();
    void changeMarksAfterRevision_data();
    void changeMarksAfterRevision();
    void refreshWithoutChangesClearsMarks();
    void cachePathWithSimulatorStopped();
    void noCacheAndSimulatorStopped();
    void unknownCapabilitiesKept();
    void switchingWorkspaceIgnoresLateReply();
    void largeRefreshKeepsEventLoopResponsive();
    void withoutACacheTheGatewayListStillShows();

private:
    void makeContext();
    std::unique_ptr<CatalogRepository> makeRepository();
    Workspace demoWorkspace(const QUrl& url) const;
    bool fetchOnce(CatalogRepository& repo);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppContext> m_ctx;
    test::SimFixture m_sim;
    int m_counter = 0;
};

void TestCatalogRepository::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestCatalogRepository::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCatalogRepository::cleanup()
{
    m_ctx.reset();
    m_sim.stop();
    m_dir.reset();
}

void TestCatalogRepository::makeContext()
{
    AppContext::Options opts;
    opts.databasePath = m_dir->filePath(u"catalog%1.sqlite"_s.arg(++m_counter));
    opts.secretStore = std::make_unique<MemorySecretStore>();
    opts.workspaceSessions = false; // these tests build the repository themselves
    m_ctx = std::make_unique<AppContext>(std::move(opts));
    QString error;
    QVERIFY2(m_ctx->open(&error), qPrintable(error));
    m_ctx->workspaces()->client()->setRetryPolicy(RetryPolicy::none());
}

std::unique_ptr<CatalogRepository> TestCatalogRepository::makeRepository()
{
    // As a WorkspaceSession builds it, for the workspace selected now (on the context's worker).
    auto repo = std::make_unique<CatalogRepository>(
        m_ctx->workspaces()->current().id, m_ctx->workspaces()->catalog(), m_ctx->catalogCache(),
        m_ctx->catalogWorker(), m_ctx->workspaces()->client()->clock());
    repo->setMarksDirectory(m_dir->filePath(u"marks"_s));
    return repo;
}

Workspace TestCatalogRepository::demoWorkspace(const QUrl& url) const
{
    Workspace ws;
    ws.id = WorkspaceManager::demoWorkspaceId();
    ws.name = u"Demo"_s;
    ws.kind = Workspace::Kind::Demo;
    ws.baseUrl = url;
    return ws;
}

// Loads (cache first) and waits for the background refresh to end; true when it succeeded.
bool TestCatalogRepository::fetchOnce(CatalogRepository& repo)
{
    repo.load();
    if (!QTest::qWaitFor([&] { return !repo.isRefreshing(); }, 20000))
        return false;
    return !repo.lastRefreshFailed();
}

void TestCatalogRepository::firstLoadMarksNothing_data()
{
    QTest::addColumn<sim::PricingShape>("shape");
    QTest::newRow("anyrouter per-1K") << sim::PricingShape::AnyRouterPer1K;
    QTest::newRow("openrouter per-token") << sim::PricingShape::OpenRouterPerToken;
    QTest::newRow("mixed") << sim::PricingShape::Mixed;
}

void TestCatalogRepository::firstLoadMarksNothing()
{
    QFETCH(sim::PricingShape, shape);
    auto config = test::SimFixture::fastConfig();
    config.pricingShape = shape;
    QVERIFY(m_sim.start(config));
    m_sim.server()->setCatalogRevision(2); // a catalog that already had changes before we first saw it
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto repo = makeRepository();
    QSignalSpy changed(repo.get(), &CatalogRepository::entriesChanged);

    QVERIFY(fetchOnce(*repo));
    QCOMPARE(repo->entries().size(), qsizetype(m_sim.server()->modelCount()));
    QVERIFY(repo->entries().size() >= 150);
    QCOMPARE(changed.count(), 2); // empty cache, then the live list
    QVERIFY(newIds(repo->entries()).isEmpty());
    QVERIFY(changedIds(repo->entries()).isEmpty());
    QVERIFY(repo->fetchedAt().isValid());
    QVERIFY2(repo->statusText().startsWith(u"Updated"_s), qPrintable(repo->statusText()));

    // Prices arrive normalised to USD per 1M whatever the shape.
    const auto prices = snapshot(2);
    QCOMPARE(prices.size(), m_sim.server()->modelCount());
    for (const CatalogEntry& e : repo->entries()) {
        const SimPrice p = prices.value(e.model.id);
        QVERIFY2(
            near(e.model.pricing.inputPerM, p.in),
            qPrintable(
                u"%1: %2 vs sim %3"_s.arg(e.model.id).arg(e.model.pricing.inputPerM.value_or(-1)).arg(p.in)));
        QVERIFY2(near(e.model.pricing.outputPerM, p.out), qPrintable(e.model.id));
        QVERIFY(e.firstSeenAt.isValid());
    }
}

void TestCatalogRepository::changeMarksAfterRevision_data()
{
    firstLoadMarksNothing_data();
}

void TestCatalogRepository::changeMarksAfterRevision()
{
    QFETCH(sim::PricingShape, shape);
    auto config = test::SimFixture::fastConfig();
    config.pricingShape = shape;
    QVERIFY(m_sim.start(config));
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto repo = makeRepository();
    QVERIFY(fetchOnce(*repo));
    const QDateTime firstFetch = repo->fetchedAt();
    const auto firstSeenGpt = repo->find(u"openai/gpt-5.4-mini"_s);
    QVERIFY(firstSeenGpt);

    // What the simulator's revision 1 changes, from its own catalog: new ids and moved prices.
    const auto before = snapshot(0);
    m_sim.server()->setCatalogRevision(1);
    const auto after = snapshot(1);
    QCOMPARE(after.size(), m_sim.server()->modelCount());
    QSet<QString> expectedNew, expectedChanged;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const auto old = before.constFind(it.key());
        if (old == before.cend())
            expectedNew.insert(it.key());
        else if (old->in != it->in || old->out != it->out || old->cacheRead != it->cacheRead)
            expectedChanged.insert(it.key());
    }
    // Hand-checked against SimCatalog::applyRevision: three new models per revision, the first
    // three of its "future" list; some existing prices move by a factor of 0.8 on odd revisions.
    QCOMPARE(expectedNew, (QSet<QString>{u"openai/gpt-5.5-preview"_s, u"anthropic/claude-opus-5"_s,
                                         u"google/gemini-3.5-flash"_s}));
    QVERIFY(expectedChanged.size() >= 3);

    repo->refresh();
    QVERIFY(repo->isRefreshing());
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing(), 20000);
    QVERIFY(!repo->lastRefreshFailed());
    QCOMPARE(repo->entries().size(), qsizetype(after.size()));
    QCOMPARE(newIds(repo->entries()), expectedNew);
    QCOMPARE(changedIds(repo->entries()), expectedChanged);
    QVERIFY(repo->fetchedAt() >= firstFetch);
    for (const QString& id : expectedChanged) {
        const auto e = repo->find(id);
        QVERIFY(e);
        QVERIFY(!e->isNew);
        QVERIFY2(near(e->previousInputPerM, before.value(id).in), qPrintable(id));
        QVERIFY2(near(e->previousOutputPerM, before.value(id).out), qPrintable(id));
        QVERIFY2(near(e->model.pricing.inputPerM, after.value(id).in), qPrintable(id));
        // 0.8 × the old price (odd revision).
        QVERIFY(near(e->model.pricing.inputPerM, 0.8 * *e->previousInputPerM));
    }
    // first_seen_at of a known model survives the refresh; new ones are seen now.
    QCOMPARE(repo->find(u"openai/gpt-5.4-mini"_s)->firstSeenAt, firstSeenGpt->firstSeenAt);
    QVERIFY(repo->find(u"openai/gpt-5.5-preview"_s)->firstSeenAt >= firstFetch);

    // A restart with the gateway down shows the cached catalog with the same marks.
    repo.reset();
    m_sim.stop();
    auto restarted = makeRepository();
    restarted->load();
    QTRY_VERIFY_WITH_TIMEOUT(!restarted->isLoading(), 20000);
    QCOMPARE(newIds(restarted->entries()), expectedNew); // from the cache
    QCOMPARE(changedIds(restarted->entries()), expectedChanged);
    const QString anyChanged = *expectedChanged.cbegin();
    QVERIFY(near(restarted->find(anyChanged)->previousInputPerM, before.value(anyChanged).in));
    QTRY_VERIFY_WITH_TIMEOUT(!restarted->isRefreshing(), 20000);
    QVERIFY(restarted->lastRefreshFailed());
    QCOMPARE(newIds(restarted->entries()), expectedNew);
}

void TestCatalogRepository::refreshWithoutChangesClearsMarks()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto repo = makeRepository();
    QVERIFY(fetchOnce(*repo));
    m_sim.server()->setCatalogRevision(1);
    repo->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing(), 20000);
    QCOMPARE(newIds(repo->entries()).size(), 3);
    QVERIFY(!changedIds(repo->entries()).isEmpty());

    // The marks describe the latest refresh against the one before: nothing changed this time.
    repo->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing(), 20000);
    QVERIFY(!repo->lastRefreshFailed());
    QVERIFY(newIds(repo->entries()).isEmpty());
    QVERIFY(changedIds(repo->entries()).isEmpty());

    // Revision 2 goes on from 1: three more new ids.
    m_sim.server()->setCatalogRevision(2);
    repo->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing(), 20000);
    QCOMPARE(newIds(repo->entries()),
             (QSet<QString>{u"deepseek/deepseek-v4"_s, u"qwen/qwen4-max"_s, u"mistralai/mistral-large-3"_s}));
}

void TestCatalogRepository::cachePathWithSimulatorStopped()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    const int simModels = m_sim.server()->modelCount();
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    {
        auto repo = makeRepository();
        QVERIFY(fetchOnce(*repo));
    }
    const QDateTime stored = m_ctx->catalogCache()->load(WorkspaceManager::demoWorkspaceId())->fetchedAt;
    m_sim.stop();

    auto repo = makeRepository();
    QSignalSpy status(repo.get(), &CatalogRepository::statusChanged);
    // What each entriesChanged showed: (entries, complete, status line).
    QList<std::tuple<qsizetype, bool, QString>> shown;
    connect(repo.get(), &CatalogRepository::entriesChanged, this, [&] {
        shown.append({repo->entries().size(), repo->isComplete(), repo->statusText()});
    });
    QElapsedTimer timer;
    timer.start();
    repo->load();
    const qint64 returnMs = timer.elapsed();
    // The cache is read on the worker thread: the call returns before anything is parsed.
    QVERIFY(repo->isLoading());
    QVERIFY(repo->entries().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isLoading(), 20000);
    qInfo("cache load of %d models: returned in %lld ms, shown after %lld ms", simModels, returnMs,
          timer.elapsed());
    QCOMPARE(repo->entries().size(), qsizetype(simModels));
    QCOMPARE(repo->fetchedAt(), stored);
    QVERIFY(repo->find(u"openai/gpt-5.4-mini"_s));
    QVERIFY(repo->providers().contains(u"openai"_s));
    // The first screenful came first (the simulator lists more than one), then the whole list.
    QVERIFY2(simModels > 150, "the head is only observable with a catalog larger than it");
    QCOMPARE(shown.size(), 3); // cleared, head, full
    QCOMPARE(std::get<0>(shown.at(0)), qsizetype(0));
    QCOMPARE(std::get<0>(shown.at(1)), qsizetype(150));
    QVERIFY(!std::get<1>(shown.at(1)));
    QCOMPARE(std::get<2>(shown.at(1)),
             u"Reading the stored catalog… 150 of %1 models"_s.arg(QLocale().toString(simModels)));
    QCOMPARE(std::get<0>(shown.at(2)), qsizetype(simModels));
    QVERIFY(std::get<1>(shown.at(2)));
    // The head is the start of the full list, in the gateway's order.
    QCOMPARE(repo->entries().first().model.id, m_ctx->catalogCache()
                                                   ->load(WorkspaceManager::demoWorkspaceId(), 1)
                                                   ->models.first()
                                                   .value(u"id"_s)
                                                   .toString());

    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing(), 20000);
    QVERIFY(repo->lastRefreshFailed());
    QVERIFY(status.count() >= 2);
    const QString text = repo->statusText();
    QVERIFY2(text.startsWith(u"Gateway unreachable — showing the catalog from "_s), qPrintable(text));
    QCOMPARE(repo->entries().size(), qsizetype(simModels)); // still shown
}

void TestCatalogRepository::noCacheAndSimulatorStopped()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    const QUrl url = m_sim.baseUrl();
    m_sim.stop();
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(url), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto repo = makeRepository();
    repo->load();
    QVERIFY(repo->entries().isEmpty());
    QCOMPARE(repo->statusText(), u"Loading the catalog…"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing() && !repo->isLoading(), 20000);
    QVERIFY(repo->entries().isEmpty());
    QVERIFY(!repo->fetchedAt().isValid());
    QCOMPARE(repo->statusText(), u"Gateway unreachable — no stored catalog yet"_s);
}

void TestCatalogRepository::unknownCapabilitiesKept()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto repo = makeRepository();
    QVERIFY(fetchOnce(*repo));
    QSet<QString> simCaps, simModalities, simProviders;
    const sim::SimCatalog catalog = simCatalog(0);
    QCOMPARE(catalog.models().size(), qsizetype(m_sim.server()->modelCount()));
    for (const sim::SimModel& m : catalog.models()) {
        for (const QString& c : m.capabilities)
            simCaps.insert(c);
        if (!m.omitArchitecture) {
            for (const QString& x : m.inputModalities + m.outputModalities)
                simModalities.insert(x);
        }
        simProviders.insert(m.author);
    }
    const QStringList caps = repo->capabilities();
    QCOMPARE(QSet<QString>(caps.begin(), caps.end()), simCaps); // every name, including unusual ones
    QVERIFY(caps.contains(u"computer_use"_s));
    QVERIFY(std::is_sorted(caps.begin(), caps.end()));
    const QStringList mods = repo->modalities();
    QVERIFY(QSet<QString>(mods.begin(), mods.end()).contains(simModalities));
    const QStringList providers = repo->providers();
    QCOMPARE(QSet<QString>(providers.begin(), providers.end()), simProviders);
    QVERIFY(providers.size() >= 28);
}

void TestCatalogRepository::switchingWorkspaceIgnoresLateReply()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    Workspace other = demoWorkspace(QUrl(u"http://127.0.0.1:1/api/v1"_s)); // nothing listens on port 1
    other.id = u"other"_s;
    other.kind = Workspace::Kind::Environment;
    m_ctx->workspaces()->addEphemeral(other, sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto demo = makeRepository();
    demo->load(); // request to the simulator in flight
    // A switch deletes the session, and with it the repository, while its answer is on its way.
    QVERIFY(m_ctx->workspaces()->select(u"other"_s));
    demo.reset();
    auto repo = makeRepository();
    QCOMPARE(repo->workspaceId(), u"other"_s);
    repo->load();
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing(), 20000);
    QVERIFY(repo->lastRefreshFailed());
    QVERIFY(repo->entries().isEmpty());
    QVERIFY(!m_ctx->catalogCache()->load(u"other"_s));
}

// Parsing, diffing and storing thousands of models happen on the worker: the thread that owns the
// repository keeps turning its event loop while a large catalog is refreshed and stored. (On this
// thread, 6,000 models took ~0.5 s in a debug build, so the bound below fails if they come back.)
void TestCatalogRepository::largeRefreshKeepsEventLoopResponsive()
{
    sim::SimConfig config = test::SimFixture::fastConfig();
    config.modelCount = 6000;
    sim::SimServerThread server(config); // its own thread: serving the list must not count here
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(server.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    auto repo = makeRepository();
    QVERIFY(fetchOnce(*repo)); // also warms the simulator's generated catalog
    QCOMPARE(repo->entries().size(), qsizetype(6000));

    QElapsedTimer clock;
    qint64 last = 0, worstGapMs = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worstGapMs = std::max(worstGapMs, now - last);
        last = now;
    });
    clock.start();
    ticker.start();
    repo->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!repo->isRefreshing(), 30000);
    ticker.stop();
    QVERIFY(!repo->lastRefreshFailed());
    QCOMPARE(repo->entries().size(), qsizetype(6000));
    QCOMPARE(m_ctx->catalogCache()->count(WorkspaceManager::demoWorkspaceId()), qsizetype(6000));
    qInfo("refresh of 6000 models took %lld ms; longest event-loop gap %lld ms", clock.elapsed(), worstGapMs);
    QVERIFY2(worstGapMs < 200, qPrintable(u"event loop blocked for %1 ms"_s.arg(worstGapMs)));
}

// No local cache (or a database the worker cannot open): the gateway's list still shows, unstored.
void TestCatalogRepository::withoutACacheTheGatewayListStillShows()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    makeContext();
    m_ctx->workspaces()->addEphemeral(demoWorkspace(m_sim.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(WorkspaceManager::demoWorkspaceId()));
    CatalogRepository repo(m_ctx->workspaces()->current().id, m_ctx->workspaces()->catalog(), nullptr,
                           nullptr, nullptr);
    repo.setMarksDirectory(m_dir->filePath(u"marks"_s));
    QVERIFY(fetchOnce(repo));
    QVERIFY(!repo.isLoading());
    QCOMPARE(repo.entries().size(), qsizetype(m_sim.server()->modelCount()));
    QVERIFY(repo.statusText().startsWith(u"Updated"_s));
    QVERIFY(!m_ctx->catalogCache()->load(WorkspaceManager::demoWorkspaceId())); // nothing was stored
}

QTEST_GUILESS_MAIN(TestCatalogRepository)
#include "TestCatalogRepository.moc"
