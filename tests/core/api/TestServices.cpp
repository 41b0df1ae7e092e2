// TestServices: CatalogService, AccountService, UsageService and HealthService against the simulator
// over real loopback HTTP — every models/pricing/credits shape, key lifecycle and permissions, key
// validation summaries, generation stats after a streamed chat, activity, health, and optional
// endpoints a gateway lacks reported as "unsupported" rather than as errors.
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/api/AccountService.h"
#include "core/api/CatalogService.h"
#include "core/api/ChatStream.h"
#include "core/api/HealthService.h"
#include "core/api/UsageService.h"
#include "sim/SimKeys.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::sim::ModelsShape)
Q_DECLARE_METATYPE(anyrouter::sim::PricingShape)
Q_DECLARE_METATYPE(anyrouter::sim::CreditsShape)

namespace {

// Collects one service callback; the callback's context is the test object.
template <typename T> struct Waiter
{
    std::shared_ptr<std::optional<Result<T>>> slot = std::make_shared<std::optional<Result<T>>>();
    ResultCallback<T> callback()
    {
        auto s = slot;
        return [s](const Result<T>& r) { *s = r; };
    }
    bool wait(int timeoutMs = 15000)
    {
        return QTest::qWaitFor([this] { return slot->has_value(); }, timeoutMs);
    }
    const Result<T>& result() const { return **slot; }
};

bool near(std::optional<double> v, double expected, double relTol = 1e-9)
{
    return v && std::abs(*v - expected) <= relTol * std::max(1.0, std::abs(expected));
}

const ModelInfo* findModel(const QList<ModelInfo>& models, const QString& id)
{
    for (const ModelInfo& m : models) {
        if (m.id == id)
            return &m;
    }
    return nullptr;
}

} // namespace

class TestServices : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void catalogShapes_data();
    void catalogShapes();
    void catalogPricesAgreeAcrossShapes();
    void modelDetailAndCount();
    void credits_data();
    void credits();
    void creditsFollowSpending();
    void keyLifecycle();
    void revealConflict();
    void inferenceKeyCannotManage();
    void validateKeys_data();
    void validateKeys();
    void generationAfterChat();
    void activity();
    void health();
    void optionalEndpointsUnsupported();

private:
    std::unique_ptr<ApiClient> makeClient(const QString& key = sim::fullKey(), const QString& mgmt = {});
    QList<ModelInfo> fetchModels(CatalogService& catalog, bool* ok);
    // Runs one streamed chat to its end and returns the stream (parented to the test object).
    ChatStream* chat(ApiClient* client, const QString& model, const QString& prompt);

    QNetworkAccessManager* m_nam = nullptr;
    test::SimFixture m_sim;
};

void TestServices::initTestCase()
{
    anyrouter::test::initHermeticEnvironment();
}

void TestServices::init()
{
    m_nam = new QNetworkAccessManager(this);
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

void TestServices::cleanup()
{
    m_sim.stop();
    delete m_nam;
    m_nam = nullptr;
}

std::unique_ptr<ApiClient> TestServices::makeClient(const QString& key, const QString& mgmt)
{
    auto client = std::make_unique<ApiClient>(m_nam);
    client->setBaseUrl(m_sim.baseUrl());
    client->setKeys(key, mgmt);
    client->setRetryPolicy(RetryPolicy::none());
    return client;
}

QList<ModelInfo> TestServices::fetchModels(CatalogService& catalog, bool* ok)
{
    Waiter<QList<ModelInfo>> w;
    catalog.fetchModels(this, w.callback());
    *ok = w.wait() && w.result().ok();
    return *ok ? w.result().value : QList<ModelInfo>();
}

ChatStream* TestServices::chat(ApiClient* client, const QString& model, const QString& prompt)
{
    ChatRequest req;
    req.model = model;
    req.messages = {{u"user"_s, prompt}};
    auto* stream = new ChatStream(client, req, this);
    QSignalSpy finished(stream, &ChatStream::finished);
    stream->start();
    if (!finished.wait(20000))
        qWarning("chat did not finish");
    return stream;
}

void TestServices::catalogShapes_data()
{
    QTest::addColumn<sim::ModelsShape>("modelsShape");
    QTest::addColumn<sim::PricingShape>("pricingShape");
    const std::pair<sim::ModelsShape, const char*> models[] = {{sim::ModelsShape::DataObject, "data"},
                                                               {sim::ModelsShape::BareArray, "array"},
                                                               {sim::ModelsShape::ModelsKey, "models"}};
    const std::pair<sim::PricingShape, const char*> pricing[] = {
        {sim::PricingShape::AnyRouterPer1K, "per1k"},
        {sim::PricingShape::OpenRouterPerToken, "perToken"},
        {sim::PricingShape::Mixed, "mixed"}};
    for (const auto& [ms, mname] : models) {
        for (const auto& [ps, pname] : pricing)
            QTest::addRow("%s/%s", mname, pname) << ms << ps;
    }
}

void TestServices::catalogShapes()
{
    QFETCH(sim::ModelsShape, modelsShape);
    QFETCH(sim::PricingShape, pricingShape);
    m_sim.server()->config().modelsShape = modelsShape;
    m_sim.server()->config().pricingShape = pricingShape;

    auto client = makeClient(sim::inferenceKey());
    CatalogService catalog(client.get());
    bool ok = false;
    const QList<ModelInfo> models = fetchModels(catalog, &ok);
    QVERIFY(ok);
    QVERIFY2(models.size() >= 150, qPrintable(QString::number(models.size())));
    QCOMPARE(models.size(), m_sim.server()->modelCount());

    QSet<QString> providers;
    int free = 0;
    for (const ModelInfo& m : models) {
        QVERIFY(!m.id.isEmpty());
        QVERIFY2(m.id.contains(u'/'), qPrintable(m.id));
        QVERIFY(!m.name.isEmpty());
        providers.insert(m.providerSlug());
        QVERIFY2(m.pricing.inputPerM && m.pricing.outputPerM, qPrintable(m.id));
        QVERIFY2(*m.pricing.inputPerM >= 0 && *m.pricing.inputPerM < 1000, qPrintable(m.id));
        QVERIFY2(*m.pricing.outputPerM >= 0 && *m.pricing.outputPerM < 1000, qPrintable(m.id));
        if (m.pricing.isFree())
            ++free;
        QVERIFY2(m.contextLength > 0, qPrintable(m.id));
    }
    QVERIFY2(providers.size() >= 28, qPrintable(QString::number(providers.size())));
    QVERIFY(free >= 1);

    const ModelInfo* sonnet = findModel(models, u"anthropic/claude-sonnet-4.6"_s);
    QVERIFY(sonnet);
    QVERIFY2(near(sonnet->pricing.inputPerM, 3.0),
             qPrintable(QString::number(sonnet->pricing.inputPerM.value_or(-1))));
    QVERIFY2(near(sonnet->pricing.outputPerM, 15.0),
             qPrintable(QString::number(sonnet->pricing.outputPerM.value_or(-1))));
    QVERIFY(findModel(models, u"openai/gpt-5.4-mini"_s));
    QVERIFY(findModel(models, u"openai/gpt-5.4-nano"_s));
    QVERIFY(findModel(models, u"openai/gpt-5.4"_s));
    QVERIFY(findModel(models, u"anthropic/claude-haiku-4.5"_s));
}

void TestServices::catalogPricesAgreeAcrossShapes()
{
    // The same catalog priced per 1K (numbers) and per token (strings) normalises to identical
    // per-1M figures, model by model, including cache-read prices.
    auto client = makeClient(sim::inferenceKey());
    CatalogService catalog(client.get());
    bool ok = false;
    m_sim.server()->config().pricingShape = sim::PricingShape::AnyRouterPer1K;
    const QList<ModelInfo> per1k = fetchModels(catalog, &ok);
    QVERIFY(ok);
    m_sim.server()->config().pricingShape = sim::PricingShape::OpenRouterPerToken;
    const QList<ModelInfo> perToken = fetchModels(catalog, &ok);
    QVERIFY(ok);
    QCOMPARE(per1k.size(), perToken.size());
    int withCache = 0;
    for (const ModelInfo& a : per1k) {
        const ModelInfo* b = findModel(perToken, a.id);
        QVERIFY2(b, qPrintable(a.id));
        QVERIFY2(near(a.pricing.inputPerM, b->pricing.inputPerM.value_or(-1), 1e-6), qPrintable(a.id));
        QVERIFY2(near(a.pricing.outputPerM, b->pricing.outputPerM.value_or(-1), 1e-6), qPrintable(a.id));
        QCOMPARE(a.pricing.cacheReadPerM.has_value(), b->pricing.cacheReadPerM.has_value());
        if (a.pricing.cacheReadPerM) {
            ++withCache;
            QVERIFY2(near(a.pricing.cacheReadPerM, *b->pricing.cacheReadPerM, 1e-6), qPrintable(a.id));
        }
        QCOMPARE(a.contextLength, b->contextLength);
    }
    QVERIFY(withCache > 0);
}

void TestServices::modelDetailAndCount()
{
    auto client = makeClient(sim::inferenceKey());
    CatalogService catalog(client.get());

    Waiter<ModelInfo> detail;
    catalog.fetchModel(u"anthropic/claude-sonnet-4.6"_s, this, detail.callback());
    QVERIFY(detail.wait());
    QVERIFY2(detail.result().ok(), qPrintable(detail.result().error.userMessage()));
    const ModelInfo& m = detail.result().value;
    QCOMPARE(m.id, u"anthropic/claude-sonnet-4.6"_s);
    QVERIFY(near(m.pricing.inputPerM, 3.0));
    QVERIFY(near(m.pricing.outputPerM, 15.0));
    QVERIFY(m.contextLength > 0);
    QVERIFY(!m.name.isEmpty());
    // The id travelled percent-encoded as one path segment.
    QCOMPARE(m_sim.server()->requestCount(u"/models/anthropic"_s), 1);

    Waiter<ModelInfo> missing;
    catalog.fetchModel(u"nobody/no-such-model"_s, this, missing.callback());
    QVERIFY(missing.wait());
    QVERIFY(!missing.result().ok());
    QVERIFY(!missing.result().unsupported);
    QCOMPARE(missing.result().error.category(), ApiError::Category::NotFound);

    Waiter<qint64> count;
    catalog.fetchCount(this, count.callback());
    QVERIFY(count.wait());
    QVERIFY2(count.result().ok(), qPrintable(count.result().error.userMessage()));
    QCOMPARE(count.result().value, qint64(m_sim.server()->modelCount()));
    QVERIFY(count.result().value >= 150);
}

void TestServices::credits_data()
{
    QTest::addColumn<sim::CreditsShape>("shape");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("managementKey");
    QTest::newRow("balance/full key") << sim::CreditsShape::Balance << sim::fullKey() << QString();
    QTest::newRow("openrouter/full key") << sim::CreditsShape::OpenRouterData << sim::fullKey() << QString();
    QTest::newRow("balance/management key")
        << sim::CreditsShape::Balance << sim::inferenceKey() << sim::managementKey();
    QTest::newRow("openrouter/management key")
        << sim::CreditsShape::OpenRouterData << sim::inferenceKey() << sim::managementKey();
}

void TestServices::credits()
{
    QFETCH(sim::CreditsShape, shape);
    QFETCH(QString, key);
    QFETCH(QString, managementKey);
    m_sim.server()->config().creditsShape = shape;
    m_sim.server()->setBalance(12.5);
    auto client = makeClient(key, managementKey);
    AccountService account(client.get());
    Waiter<Credits> w;
    account.fetchCredits(this, w.callback());
    QVERIFY(w.wait());
    QVERIFY2(w.result().ok(), qPrintable(w.result().error.userMessage()));
    QVERIFY(near(w.result().value.balance, 12.5, 1e-9));
    QVERIFY(w.result().value.totalUsage.has_value());
    QCOMPARE(w.result().value.totalCredits.has_value(), shape == sim::CreditsShape::OpenRouterData);
}

void TestServices::creditsFollowSpending()
{
    auto client = makeClient();
    AccountService account(client.get());
    Waiter<Credits> before;
    account.fetchCredits(this, before.callback());
    QVERIFY(before.wait() && before.result().ok());
    QVERIFY(near(before.result().value.balance, 25.0));

    ChatStream* stream =
        chat(client.get(), u"anthropic/claude-sonnet-4.6"_s, u"Spend a little [[tokens=40]]"_s);
    QCOMPARE(int(stream->state()), int(ChatStream::State::Completed));
    const double cost = stream->usage().cost.value_or(0);
    QVERIFY(cost > 0);

    for (auto shape : {sim::CreditsShape::Balance, sim::CreditsShape::OpenRouterData}) {
        m_sim.server()->config().creditsShape = shape;
        Waiter<Credits> after;
        account.fetchCredits(this, after.callback());
        QVERIFY(after.wait() && after.result().ok());
        QVERIFY2(near(after.result().value.balance, 25.0 - cost, 1e-6),
                 qPrintable(QString::number(after.result().value.balance.value_or(-1), 'g', 12)));
        QVERIFY(near(after.result().value.balance, m_sim.server()->balance(), 1e-6));
    }
}

void TestServices::keyLifecycle()
{
    auto client = makeClient(sim::inferenceKey(), sim::managementKey());
    AccountService account(client.get());

    Waiter<QList<ApiKeyInfo>> list;
    account.listKeys(this, list.callback());
    QVERIFY(list.wait());
    QVERIFY2(list.result().ok(), qPrintable(list.result().error.userMessage()));
    const int seeded = int(list.result().value.size());
    QVERIFY(seeded >= 3);
    for (const ApiKeyInfo& k : list.result().value) {
        QVERIFY(!k.hash.isEmpty());
        QVERIFY(!k.name.isEmpty());
        QVERIFY(!k.maskedKey.isEmpty());
        QVERIFY(k.createdAt.isValid());
    }

    // Create: the secret comes back once, and only here.
    NewKeyRequest req;
    req.name = u"api-tests laptop"_s;
    req.limit = 10.0;
    req.limitReset = u"monthly"_s;
    Waiter<CreatedKey> created;
    account.createKey(req, this, created.callback());
    QVERIFY(created.wait());
    QVERIFY2(created.result().ok(), qPrintable(created.result().error.userMessage()));
    const QString secret = created.result().value.secret;
    const QString hash = created.result().value.info.hash;
    QVERIFY(secret.startsWith(u"sk-ar-"_s));
    QVERIFY(!hash.isEmpty());
    QCOMPARE(created.result().value.info.name, req.name);
    QVERIFY(!created.result().value.info.maskedKey.contains(secret));

    Waiter<QList<ApiKeyInfo>> list2;
    account.listKeys(this, list2.callback());
    QVERIFY(list2.wait() && list2.result().ok());
    QCOMPARE(int(list2.result().value.size()), seeded + 1);
    const ApiKeyInfo* row = nullptr;
    for (const ApiKeyInfo& k : list2.result().value) {
        if (k.hash == hash)
            row = &k;
    }
    QVERIFY(row);
    QCOMPARE(row->name, req.name);
    QVERIFY(near(row->limit, 10.0));
    QCOMPARE(row->limitReset, u"monthly"_s);
    QVERIFY(!row->disabled);
    // The listing never carries a full secret.
    auto raw = client->get(u"/keys"_s, KeyRole::Management);
    QByteArray rawBody;
    connect(raw, &ApiReply::finished, this, [&rawBody, raw] { rawBody = raw->body(); });
    QTRY_VERIFY(!rawBody.isEmpty());
    QVERIFY(!rawBody.contains(secret.toUtf8()));

    // The new key works for chat.
    auto newClient = makeClient(secret);
    ChatStream* ok = chat(newClient.get(), u"openai/gpt-5.4-mini"_s, u"hello from a new key [[tokens=5]]"_s);
    QVERIFY2(ok->state() == ChatStream::State::Completed, qPrintable(ok->error().userMessage()));

    // Update: rename, change the limit, then disable.
    KeyUpdate rename;
    rename.name = u"api-tests renamed"_s;
    rename.limit = std::optional<double>(2.5);
    Waiter<ApiKeyInfo> updated;
    account.updateKey(hash, rename, this, updated.callback());
    QVERIFY(updated.wait());
    QVERIFY2(updated.result().ok(), qPrintable(updated.result().error.userMessage()));
    QCOMPARE(updated.result().value.hash, hash);
    QCOMPARE(updated.result().value.name, u"api-tests renamed"_s);
    QVERIFY(near(updated.result().value.limit, 2.5));
    QVERIFY(!updated.result().value.disabled);

    KeyUpdate clearLimit;
    clearLimit.limit = std::optional<double>();
    Waiter<ApiKeyInfo> cleared;
    account.updateKey(hash, clearLimit, this, cleared.callback());
    QVERIFY(cleared.wait() && cleared.result().ok());
    QVERIFY(!cleared.result().value.limit.has_value());
    QCOMPARE(cleared.result().value.name, u"api-tests renamed"_s);

    KeyUpdate disable;
    disable.disabled = true;
    Waiter<ApiKeyInfo> disabled;
    account.updateKey(hash, disable, this, disabled.callback());
    QVERIFY(disabled.wait() && disabled.result().ok());
    QVERIFY(disabled.result().value.disabled);
    ChatStream* refused = chat(newClient.get(), u"openai/gpt-5.4-mini"_s, u"still there? [[tokens=5]]"_s);
    QCOMPARE(int(refused->state()), int(ChatStream::State::Failed));
    QCOMPARE(refused->error().category(), ApiError::Category::Auth);

    // Reveal works for keys created with reveal support.
    Waiter<QString> revealed;
    account.revealKey(hash, this, revealed.callback());
    QVERIFY(revealed.wait());
    QVERIFY2(revealed.result().ok(), qPrintable(revealed.result().error.userMessage()));
    QCOMPARE(revealed.result().value, secret);

    // Delete, then the key is gone from the list and rejected.
    Waiter<bool> deleted;
    account.deleteKey(hash, this, deleted.callback());
    QVERIFY(deleted.wait());
    QVERIFY2(deleted.result().ok(), qPrintable(deleted.result().error.userMessage()));
    Waiter<QList<ApiKeyInfo>> list3;
    account.listKeys(this, list3.callback());
    QVERIFY(list3.wait() && list3.result().ok());
    QCOMPARE(int(list3.result().value.size()), seeded);
    for (const ApiKeyInfo& k : list3.result().value)
        QVERIFY(k.hash != hash);

    Waiter<bool> again;
    account.deleteKey(hash, this, again.callback());
    QVERIFY(again.wait());
    QCOMPARE(again.result().error.category(), ApiError::Category::NotFound);

    KeyUpdate noop;
    noop.name = u"ghost"_s;
    Waiter<ApiKeyInfo> ghost;
    account.updateKey(u"no-such-hash"_s, noop, this, ghost.callback());
    QVERIFY(ghost.wait());
    QCOMPARE(ghost.result().error.category(), ApiError::Category::NotFound);
}

void TestServices::revealConflict()
{
    auto client = makeClient(sim::fullKey());
    AccountService account(client.get());
    Waiter<QList<ApiKeyInfo>> list;
    account.listKeys(this, list.callback());
    QVERIFY(list.wait() && list.result().ok());
    QString oldHash, newHash;
    for (const ApiKeyInfo& k : list.result().value) {
        if (!k.canReveal && oldHash.isEmpty())
            oldHash = k.hash;
        if (k.canReveal && newHash.isEmpty())
            newHash = k.hash;
    }
    QVERIFY2(!oldHash.isEmpty(), "the simulator seeds one key created before reveal support");
    QVERIFY(!newHash.isEmpty());

    Waiter<QString> conflict;
    account.revealKey(oldHash, this, conflict.callback());
    QVERIFY(conflict.wait());
    QVERIFY(!conflict.result().ok());
    QCOMPARE(conflict.result().error.category(), ApiError::Category::Conflict);
    QCOMPARE(conflict.result().error.httpStatus(), 409);
    QVERIFY(conflict.result().error.userMessage().contains(u"409"_s));

    Waiter<QString> ok;
    account.revealKey(newHash, this, ok.callback());
    QVERIFY(ok.wait());
    QVERIFY2(ok.result().ok(), qPrintable(ok.result().error.userMessage()));
    QVERIFY(ok.result().value.startsWith(u"sk-ar-"_s) || ok.result().value.startsWith(u"ak_"_s));
}

void TestServices::inferenceKeyCannotManage()
{
    auto client = makeClient(sim::inferenceKey());
    AccountService account(client.get());

    Waiter<QList<ApiKeyInfo>> list;
    account.listKeys(this, list.callback());
    QVERIFY(list.wait());
    QVERIFY(!list.result().ok());
    QVERIFY(!list.result().unsupported); // 403 is an answer about the key, not about the gateway
    QCOMPARE(list.result().error.category(), ApiError::Category::Permission);
    QCOMPARE(list.result().error.httpStatus(), 403);
    const QString msg = list.result().error.userMessage();
    QVERIFY2(msg.contains(u"management key"_s, Qt::CaseInsensitive), qPrintable(msg));
    QVERIFY2(msg.contains(u"403"_s), qPrintable(msg));

    Waiter<CreatedKey> created;
    account.createKey(NewKeyRequest{u"nope"_s, {}, {}, {}}, this, created.callback());
    QVERIFY(created.wait());
    QCOMPARE(created.result().error.category(), ApiError::Category::Permission);

    Waiter<Credits> credits;
    account.fetchCredits(this, credits.callback());
    QVERIFY(credits.wait());
    QCOMPARE(credits.result().error.category(), ApiError::Category::Permission);
}

void TestServices::validateKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("inference");
    QTest::addColumn<bool>("credits");
    QTest::addColumn<bool>("keyManagement");
    QTest::addColumn<bool>("rejected");
    QTest::addColumn<QString>("summaryMentions");
    QTest::newRow("inference key") << sim::inferenceKey() << true << false << false << false << u"chat"_s;
    QTest::newRow("management key") << sim::managementKey() << true << true << true << false
                                    << u"key management"_s;
    QTest::newRow("full key") << sim::fullKey() << true << true << true << false << u"key management"_s;
    QTest::newRow("bad key") << u"sk-ar-v1-definitely-not-valid-0000"_s << false << false << false << true
                             << u"401"_s;
}

void TestServices::validateKeys()
{
    QFETCH(QString, key);
    QFETCH(bool, inference);
    QFETCH(bool, credits);
    QFETCH(bool, keyManagement);
    QFETCH(bool, rejected);
    QFETCH(QString, summaryMentions);

    auto client = makeClient(key);
    AccountService account(client.get());
    std::optional<KeyCapabilities> caps;
    account.validateKeys(this, [&caps](const KeyCapabilities& c) { caps = c; });
    QTRY_VERIFY_WITH_TIMEOUT(caps.has_value(), 15000);
    QCOMPARE(caps->inference, inference);
    QCOMPARE(caps->credits, credits);
    QCOMPARE(caps->keyManagement, keyManagement);
    QCOMPARE(caps->authError.isError(), rejected);
    const QString summary = caps->summary();
    QVERIFY(!summary.isEmpty());
    QVERIFY2(summary.contains(summaryMentions, Qt::CaseInsensitive), qPrintable(summary));
    if (!rejected && inference && credits && keyManagement)
        QVERIFY2(!summary.contains(u"not for"_s), qPrintable(summary));
    if (!rejected && !(credits && keyManagement))
        QVERIFY2(summary.contains(u"not for"_s), qPrintable(summary));
}

void TestServices::generationAfterChat()
{
    auto client = makeClient();
    ChatStream* stream =
        chat(client.get(), u"openai/gpt-5.4-mini"_s, u"Generation stats please [[tokens=12]]"_s);
    QVERIFY2(stream->state() == ChatStream::State::Completed, qPrintable(stream->error().userMessage()));
    const QString id = stream->generationId();
    QVERIFY(!id.isEmpty());

    UsageService usage(client.get());
    Waiter<GenerationStats> w;
    usage.fetchGeneration(id, this, w.callback());
    QVERIFY(w.wait());
    QVERIFY2(w.result().ok(), qPrintable(w.result().error.userMessage()));
    const GenerationStats& g = w.result().value;
    QCOMPARE(g.id, id);
    QCOMPARE(g.model, stream->servedModel());
    QVERIFY(!g.provider.isEmpty());
    QCOMPARE(g.completionTokens.value_or(-1), stream->usage().completionTokens.value_or(-2));
    QCOMPARE(g.completionTokens.value_or(-1), 12);
    QCOMPARE(g.promptTokens.value_or(-1), stream->usage().promptTokens.value_or(-2));
    QVERIFY(near(g.totalCost, stream->usage().cost.value_or(-1), 1e-6));
    QVERIFY(g.latencyMs.has_value());
    QVERIFY(!g.finishReason.isEmpty());

    Waiter<GenerationStats> unknown;
    usage.fetchGeneration(u"gen-does-not-exist"_s, this, unknown.callback());
    QVERIFY(unknown.wait());
    QVERIFY(!unknown.result().ok());
}

void TestServices::activity()
{
    auto client = makeClient(sim::inferenceKey(), sim::managementKey());
    ChatStream* stream =
        chat(client.get(), u"openai/gpt-5.4-nano"_s, u"Count me in the activity [[tokens=6]]"_s);
    QVERIFY2(stream->state() == ChatStream::State::Completed, qPrintable(stream->error().userMessage()));

    UsageService usage(client.get());
    Waiter<QList<ActivityRow>> all;
    usage.fetchActivity(QDate(), this, all.callback());
    QVERIFY(all.wait());
    QVERIFY2(all.result().ok(), qPrintable(all.result().error.userMessage()));
    const QList<ActivityRow>& rows = all.result().value;
    QVERIFY(rows.size() >= 30);
    QSet<QDate> days;
    for (const ActivityRow& r : rows) {
        QVERIFY(r.date.isValid());
        QVERIFY(!r.model.isEmpty());
        QVERIFY(r.requests >= 1);
        days.insert(r.date);
    }
    QVERIFY2(days.size() >= 28, qPrintable(QString::number(days.size())));

    const QDate today = QDateTime::currentDateTimeUtc().date();
    Waiter<QList<ActivityRow>> todays;
    usage.fetchActivity(today, this, todays.callback());
    QVERIFY(todays.wait());
    QVERIFY2(todays.result().ok(), qPrintable(todays.result().error.userMessage()));
    bool found = false;
    for (const ActivityRow& r : todays.result().value) {
        QCOMPARE(r.date, today);
        if (r.model == u"openai/gpt-5.4-nano")
            found = r.requests >= 1 && r.completionTokens >= 6;
    }
    QVERIFY2(found, "the chat just served is in today's activity");

    // Activity needs management permission.
    auto inferenceOnly = makeClient(sim::inferenceKey());
    UsageService denied(inferenceOnly.get());
    Waiter<QList<ActivityRow>> forbidden;
    denied.fetchActivity(QDate(), this, forbidden.callback());
    QVERIFY(forbidden.wait());
    QCOMPARE(forbidden.result().error.category(), ApiError::Category::Permission);
}

void TestServices::health()
{
    auto client = makeClient(sim::inferenceKey());
    HealthService health(client.get());
    Waiter<HealthStatus> w;
    health.fetchHealth(this, w.callback());
    QVERIFY(w.wait());
    QVERIFY2(w.result().ok(), qPrintable(w.result().error.userMessage()));
    const HealthStatus& h = w.result().value;
    QCOMPARE(h.status, u"ok"_s);
    QVERIFY(h.isHealthy());
    QVERIFY(h.providers.size() >= 3);
    int degraded = 0;
    for (const ProviderHealth& p : h.providers) {
        QVERIFY(!p.name.isEmpty());
        QVERIFY(!p.status.isEmpty());
        if (p.status != u"ok")
            ++degraded;
    }
    QVERIFY(degraded >= 1);
    QVERIFY(h.providers.first().latencyMs.has_value());
    const auto vertex = std::find_if(h.providers.begin(), h.providers.end(),
                                     [](const ProviderHealth& p) { return p.name == u"google-vertex"_s; });
    QVERIFY(vertex != h.providers.end());
    QVERIFY(!vertex->displayName.isEmpty());
    QCOMPARE(vertex->label(), vertex->displayName);
    ProviderHealth bare;
    bare.name = u"groq"_s;
    QCOMPARE(bare.label(), u"groq"_s); // no display name given: the id
}

void TestServices::optionalEndpointsUnsupported()
{
    sim::SimConfig config = test::SimFixture::fastConfig();
    config.offerActivity = false;
    config.offerGeneration = false;
    config.offerHealth = false;
    config.offerKeys = false;
    QVERIFY(m_sim.start(config));
    auto client = makeClient();

    ChatStream* stream = chat(client.get(), u"openai/gpt-5.4-mini"_s, u"no stats here [[tokens=4]]"_s);
    QVERIFY2(stream->state() == ChatStream::State::Completed, qPrintable(stream->error().userMessage()));

    UsageService usage(client.get());
    Waiter<GenerationStats> gen;
    usage.fetchGeneration(stream->generationId(), this, gen.callback());
    QVERIFY(gen.wait());
    QVERIFY(gen.result().unsupported);
    QVERIFY(!gen.result().error.isError());
    QVERIFY(!gen.result().ok());
    // Both documented forms were tried before concluding the gateway lacks the endpoint.
    QCOMPARE(m_sim.server()->requestCount(u"/generation"_s), 2);

    Waiter<QList<ActivityRow>> act;
    usage.fetchActivity(QDate(), this, act.callback());
    QVERIFY(act.wait());
    QVERIFY(act.result().unsupported);
    QVERIFY(!act.result().error.isError());

    HealthService health(client.get());
    Waiter<HealthStatus> h;
    health.fetchHealth(this, h.callback());
    QVERIFY(h.wait());
    QVERIFY(h.result().unsupported);
    QVERIFY(!h.result().error.isError());

    AccountService account(client.get());
    Waiter<QList<ApiKeyInfo>> keys;
    account.listKeys(this, keys.callback());
    QVERIFY(keys.wait());
    QVERIFY(keys.result().unsupported);
    QVERIFY(!keys.result().error.isError());

    // Mandatory endpoints still work and are not affected.
    Waiter<Credits> credits;
    account.fetchCredits(this, credits.callback());
    QVERIFY(credits.wait());
    QVERIFY(credits.result().ok());
}

QTEST_GUILESS_MAIN(TestServices)
#include "TestServices.moc"
