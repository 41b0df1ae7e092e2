// Tests of the simulator's catalog endpoints: /models in its three shapes and two pricing
// dialects, the documented filters, /models/count, /models/{id} with routing endpoints, the
// hand-made catalog's breadth, generated catalogs (10,000 models) and catalog revisions.
#include "ApiCaller.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace anyrouter;
using namespace anyrouter::test;

namespace {

QJsonArray modelsOf(const QJsonDocument& doc)
{
    if (doc.isArray())
        return doc.array();
    const QJsonObject o = doc.object();
    return o.contains(u"data"_s) ? o.value(u"data"_s).toArray() : o.value(u"models"_s).toArray();
}

// USD per 1M tokens whatever the dialect; -1 if absent.
double perMillion(const QJsonObject& pricing, const QString& anyRouterKey, const QString& openRouterKey)
{
    if (pricing.contains(anyRouterKey))
        return pricing.value(anyRouterKey).toDouble() * 1000.0;
    if (pricing.contains(openRouterKey))
        return pricing.value(openRouterKey).toString().toDouble() * 1e6;
    return -1;
}

} // namespace

class TestSimCatalog : public QObject
{
    Q_OBJECT

private:
    SimFixture m_sim;

    QJsonArray fetchModels(const QString& query = {})
    {
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        const ApiResult r = api.get(u"/models"_s + query);
        if (r.status != 200)
            qWarning() << "GET /models" << query << "->" << r.status << r.body.left(200);
        return modelsOf(r.json());
    }

private slots:
    void initTestCase() { initHermeticEnvironment(); }

    void init() { QVERIFY(m_sim.start(SimFixture::fastConfig())); }

    void cleanup() { m_sim.stop(); }

    void defaultCatalogIsRich()
    {
        const QJsonArray models = fetchModels();
        QVERIFY2(models.size() >= 150, qPrintable(QString::number(models.size())));
        QSet<QString> ids;
        QSet<QString> authors;
        QSet<QString> capabilities;
        QSet<QString> inputs;
        QSet<QString> outputs;
        int free = 0, withCache = 0, noDescription = 0, noCreated = 0, noArchitecture = 0;
        qint64 minContext = std::numeric_limits<qint64>::max(), maxContext = 0;
        for (const QJsonValue& v : models) {
            const QJsonObject m = v.toObject();
            const QString id = m.value(u"id"_s).toString();
            QVERIFY2(id.contains(u'/'), qPrintable(id));
            QVERIFY2(!ids.contains(id), qPrintable(id));
            ids.insert(id);
            authors.insert(id.section(u'/', 0, 0));
            QCOMPARE(m.value(u"object"_s).toString(), u"model"_s);
            QVERIFY(!m.value(u"provider"_s).toString().isEmpty());
            QVERIFY(!m.value(u"category"_s).toString().isEmpty());
            for (const QJsonValue& c : m.value(u"capabilities"_s).toArray())
                capabilities.insert(c.toString());
            const QJsonObject arch = m.value(u"architecture"_s).toObject();
            for (const QJsonValue& x : arch.value(u"input_modalities"_s).toArray())
                inputs.insert(x.toString());
            for (const QJsonValue& x : arch.value(u"output_modalities"_s).toArray())
                outputs.insert(x.toString());
            const QJsonObject pricing = m.value(u"pricing"_s).toObject();
            if (perMillion(pricing, u"input_per_1k"_s, u"prompt"_s) == 0 &&
                perMillion(pricing, u"output_per_1k"_s, u"completion"_s) == 0)
                ++free;
            if (pricing.contains(u"cache_read_per_1k"_s) || pricing.contains(u"input_cache_read"_s))
                ++withCache;
            noDescription += m.contains(u"description"_s) ? 0 : 1;
            noCreated += m.contains(u"created"_s) ? 0 : 1;
            noArchitecture += m.contains(u"architecture"_s) ? 0 : 1;
            const qint64 ctx = m.value(u"context_length"_s).toInteger();
            minContext = qMin(minContext, ctx);
            maxContext = qMax(maxContext, ctx);
        }
        QVERIFY2(authors.size() >= 28, qPrintable(QString::number(authors.size())));
        for (const QString& must : {u"openai/gpt-5.4-mini"_s, u"openai/gpt-5.4-nano"_s, u"openai/gpt-5.4"_s,
                                    u"anthropic/claude-haiku-4.5"_s, u"anthropic/claude-sonnet-4.6"_s})
            QVERIFY2(ids.contains(must), qPrintable(must));
        for (const QString& author :
             {u"openai"_s,       u"anthropic"_s,   u"google"_s,     u"meta-llama"_s, u"mistralai"_s,
              u"deepseek"_s,     u"qwen"_s,        u"x-ai"_s,       u"cohere"_s,     u"amazon"_s,
              u"microsoft"_s,    u"nvidia"_s,      u"perplexity"_s, u"ai21"_s,       u"01-ai"_s,
              u"nousresearch"_s, u"moonshotai"_s,  u"z-ai"_s,       u"minimax"_s,    u"inflection"_s,
              u"liquid"_s,       u"thudm"_s,       u"baidu"_s,      u"tencent"_s,    u"bytedance"_s,
              u"allenai"_s,      u"ibm-granite"_s, u"sao10k"_s,     u"gryphe"_s})
            QVERIFY2(authors.contains(author), qPrintable(author));
        QVERIFY(free >= 3);
        QVERIFY(withCache >= 10);
        QVERIFY(noDescription > 0 && noCreated > 0 && noArchitecture > 0);
        QVERIFY(minContext <= 4096);
        QVERIFY(maxContext >= 2'000'000);
        for (const QString& cap :
             {u"chat"_s, u"tool_use"_s, u"vision"_s, u"reasoning"_s, u"json_output"_s, u"web_search"_s})
            QVERIFY2(capabilities.contains(cap), qPrintable(cap));
        QVERIFY(inputs.contains(u"image"_s) && inputs.contains(u"audio"_s));
        QVERIFY(outputs.contains(u"image"_s) && outputs.contains(u"audio"_s));
    }

    void sonnetPrice_data()
    {
        QTest::addColumn<sim::PricingShape>("shape");
        QTest::newRow("anyrouter") << sim::PricingShape::AnyRouterPer1K;
        QTest::newRow("openrouter") << sim::PricingShape::OpenRouterPerToken;
        QTest::newRow("mixed") << sim::PricingShape::Mixed;
    }

    void sonnetPrice()
    {
        QFETCH(sim::PricingShape, shape);
        m_sim.server()->config().pricingShape = shape;
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        const ApiResult r = api.get(u"/models/anthropic%2Fclaude-sonnet-4.6"_s);
        QCOMPARE(r.status, 200);
        const QJsonObject pricing = r.object().value(u"pricing"_s).toObject();
        QCOMPARE(qRound(perMillion(pricing, u"input_per_1k"_s, u"prompt"_s) * 1000), 3000);
        QCOMPARE(qRound(perMillion(pricing, u"output_per_1k"_s, u"completion"_s) * 1000), 15000);
        if (shape == sim::PricingShape::AnyRouterPer1K)
            QVERIFY(pricing.value(u"input_per_1k"_s).isDouble());
        if (shape == sim::PricingShape::OpenRouterPerToken)
            QCOMPARE(pricing.value(u"prompt"_s).toString(), u"0.000003"_s);
    }

    void pricingShapes_data()
    {
        QTest::addColumn<sim::PricingShape>("shape");
        QTest::addColumn<bool>("expectPer1K");
        QTest::addColumn<bool>("expectPerToken");
        QTest::newRow("anyrouter") << sim::PricingShape::AnyRouterPer1K << true << false;
        QTest::newRow("openrouter") << sim::PricingShape::OpenRouterPerToken << false << true;
        QTest::newRow("mixed") << sim::PricingShape::Mixed << true << true;
    }

    void pricingShapes()
    {
        QFETCH(sim::PricingShape, shape);
        QFETCH(bool, expectPer1K);
        QFETCH(bool, expectPerToken);
        m_sim.server()->config().pricingShape = shape;
        bool per1K = false, perToken = false;
        for (const QJsonValue& v : fetchModels()) {
            const QJsonObject p = v.toObject().value(u"pricing"_s).toObject();
            if (p.contains(u"input_per_1k"_s)) {
                per1K = true;
                QVERIFY(p.value(u"input_per_1k"_s).isDouble() && p.value(u"output_per_1k"_s).isDouble());
            }
            if (p.contains(u"prompt"_s)) {
                perToken = true;
                QVERIFY(p.value(u"prompt"_s).isString() && p.value(u"completion"_s).isString());
                bool ok = false;
                p.value(u"prompt"_s).toString().toDouble(&ok);
                QVERIFY(ok);
            }
        }
        QCOMPARE(per1K, expectPer1K);
        QCOMPARE(perToken, expectPerToken);
    }

    void modelsShapes_data()
    {
        QTest::addColumn<sim::ModelsShape>("shape");
        QTest::newRow("data object") << sim::ModelsShape::DataObject;
        QTest::newRow("bare array") << sim::ModelsShape::BareArray;
        QTest::newRow("models key") << sim::ModelsShape::ModelsKey;
    }

    void modelsShapes()
    {
        QFETCH(sim::ModelsShape, shape);
        m_sim.server()->config().modelsShape = shape;
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        const QJsonDocument doc = api.get(u"/models"_s).json();
        switch (shape) {
        case sim::ModelsShape::DataObject:
            QCOMPARE(doc.object().value(u"object"_s).toString(), u"list"_s);
            QVERIFY(doc.object().value(u"data"_s).isArray());
            break;
        case sim::ModelsShape::BareArray:
            QVERIFY(doc.isArray());
            break;
        case sim::ModelsShape::ModelsKey:
            QVERIFY(doc.object().value(u"models"_s).isArray());
            QVERIFY(!doc.object().contains(u"data"_s));
            break;
        }
        QCOMPARE(modelsOf(doc).size(), m_sim.server()->modelCount());
    }

    void filters_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("check");
        QTest::newRow("provider") << u"?provider=anthropic"_s << u"provider"_s;
        QTest::newRow("category") << u"?category=embedding"_s << u"category"_s;
        QTest::newRow("min_context") << u"?min_context=1000000"_s << u"context"_s;
        QTest::newRow("capabilities") << u"?capability=vision&capability=tool_use"_s << u"caps"_s;
        QTest::newRow("combined") << u"?provider=openai&capability=reasoning&min_context=300000"_s
                                  << u"combined"_s;
    }

    void filters()
    {
        QFETCH(QString, query);
        QFETCH(QString, check);
        const QJsonArray all = fetchModels();
        const QJsonArray models = fetchModels(query);
        QVERIFY(!models.isEmpty());
        QVERIFY(models.size() < all.size());
        for (const QJsonValue& v : models) {
            const QJsonObject m = v.toObject();
            const QJsonArray caps = m.value(u"capabilities"_s).toArray();
            if (check == u"provider"_s)
                QVERIFY(m.value(u"id"_s).toString().startsWith(u"anthropic/"_s));
            if (check == u"category"_s)
                QCOMPARE(m.value(u"category"_s).toString(), u"embedding"_s);
            if (check == u"context"_s)
                QVERIFY(m.value(u"context_length"_s).toInteger() >= 1'000'000);
            if (check == u"caps"_s)
                QVERIFY(caps.contains(u"vision"_s) && caps.contains(u"tool_use"_s));
            if (check == u"combined"_s) {
                QVERIFY(m.value(u"id"_s).toString().startsWith(u"openai/"_s));
                QVERIFY(caps.contains(u"reasoning"_s));
                QVERIFY(m.value(u"context_length"_s).toInteger() >= 300'000);
            }
        }
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        QCOMPARE(api.get(u"/models/count"_s + query).object().value(u"count"_s).toInt(), models.size());
        QCOMPARE(api.get(u"/models/count"_s).object().value(u"count"_s).toInt(), all.size());
    }

    void modelDetail()
    {
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        const ApiResult encoded = api.get(u"/models/anthropic%2Fclaude-sonnet-4.6"_s);
        QCOMPARE(encoded.status, 200);
        const QJsonObject m = encoded.object();
        QCOMPARE(m.value(u"id"_s).toString(), u"anthropic/claude-sonnet-4.6"_s);
        const QJsonArray endpoints = m.value(u"endpoints"_s).toArray();
        QVERIFY(endpoints.size() >= 2);
        for (const QJsonValue& e : endpoints) {
            QVERIFY(!e.toObject().value(u"provider_name"_s).toString().isEmpty());
            QVERIFY(!e.toObject().value(u"tag"_s).toString().isEmpty());
            QVERIFY(e.toObject().value(u"pricing"_s).isObject());
        }
        const ApiResult plain = api.get(u"/models/anthropic/claude-sonnet-4.6"_s);
        QCOMPARE(plain.status, 200);
        QCOMPARE(plain.object().value(u"id"_s), m.value(u"id"_s));
        const ApiResult missing = api.get(u"/models/nope%2Fnothing"_s);
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.object().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"not_found_error"_s);
    }

    void generatedCatalog()
    {
        sim::SimConfig cfg = SimFixture::fastConfig();
        cfg.modelCount = 10000;
        QVERIFY(m_sim.start(cfg));
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        QCOMPARE(api.get(u"/models/count"_s).object().value(u"count"_s).toInt(), 10000);
        const ApiResult r = api.get(u"/models"_s);
        const QJsonArray models = modelsOf(r.json());
        QCOMPARE(models.size(), 10000);
        QSet<QString> ids;
        QSet<QString> authors;
        for (const QJsonValue& v : models) {
            ids.insert(v.toObject().value(u"id"_s).toString());
            authors.insert(v.toObject().value(u"owned_by"_s).toString());
        }
        QCOMPARE(ids.size(), 10000);
        QVERIFY(authors.size() >= 28);
        QVERIFY(ids.contains(u"openai/gpt-5.4-mini"_s));
        // Deterministic from the seed.
        SimFixture twin;
        QVERIFY(twin.start(cfg));
        ApiCaller twinApi(twin.baseUrl(), sim::inferenceKey());
        QCOMPARE(twinApi.get(u"/models"_s).body, r.body);
        cfg.seed = 7;
        QVERIFY(twin.start(cfg));
        QVERIFY(ApiCaller(twin.baseUrl(), sim::inferenceKey()).get(u"/models"_s).body != r.body);
    }

    void catalogRevision()
    {
        const QJsonArray before = fetchModels();
        m_sim.server()->setCatalogRevision(1);
        const QJsonArray after = fetchModels();
        QCOMPARE(after.size(), before.size() + 3);
        QHash<QString, QJsonObject> old;
        for (const QJsonValue& v : before)
            old.insert(v.toObject().value(u"id"_s).toString(), v.toObject().value(u"pricing"_s).toObject());
        int added = 0, repriced = 0;
        for (const QJsonValue& v : after) {
            const QString id = v.toObject().value(u"id"_s).toString();
            if (!old.contains(id))
                ++added;
            else if (old.value(id) != v.toObject().value(u"pricing"_s).toObject())
                ++repriced;
        }
        QCOMPARE(added, 3);
        QVERIFY(repriced > 0);
        m_sim.server()->setCatalogRevision(0);
        QCOMPARE(fetchModels().size(), before.size());
    }
};

QTEST_GUILESS_MAIN(TestSimCatalog)
#include "TestSimCatalog.moc"
