// Tests of CatalogCache: round trip, order, first_seen_at kept across refreshes, pruning, isolation.
#include "TestSupport.h"
#include "core/storage/CatalogCache.h"
#include "core/storage/Database.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestCatalogCache : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void emptyBeforeFirstStore();
    void roundTripKeepsRawJsonAndOrder();
    void firstSeenKeptAcrossRefreshes();
    void vanishedModelsDropped();
    void emptyListIsACache();
    void workspacesIsolated();
    void modelsWithoutIdSkipped();
    void priceSignature();

private:
    static QJsonObject model(const QString& id, double input = 1.0);
    static QStringList ids(const CachedCatalog& c);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<CatalogCache> m_cache;
    const QDateTime m_t1 = QDateTime(QDate(2025, 5, 1), QTime(10, 0), Qt::UTC);
    const QDateTime m_t2 = m_t1.addDays(1);
    const QDateTime m_t3 = m_t1.addDays(2);
};

QJsonObject TestCatalogCache::model(const QString& id, double input)
{
    return QJsonObject{
        {u"id"_s, id},
        {u"name"_s, id.toUpper()},
        {u"context_length"_s, 128000},
        {u"pricing"_s, QJsonObject{{u"input_per_1k"_s, input}, {u"output_per_1k"_s, input * 3}}},
        {u"capabilities"_s, QJsonArray{u"chat"_s, u"vision"_s}}};
}

QStringList TestCatalogCache::ids(const CachedCatalog& c)
{
    QStringList r;
    for (const QJsonObject& o : c.models)
        r.append(o.value(u"id"_s).toString());
    return r;
}

void TestCatalogCache::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestCatalogCache::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_db = std::make_unique<Database>(m_dir->filePath(u"cat.sqlite"_s));
    QVERIFY(m_db->open());
    m_cache = std::make_unique<CatalogCache>(*m_db);
    QTest::failOnWarning(QRegularExpression(u"failed"_s));
}

void TestCatalogCache::cleanup()
{
    m_cache.reset();
    m_db.reset();
    m_dir.reset();
}

void TestCatalogCache::emptyBeforeFirstStore()
{
    QVERIFY(!m_cache->load(u"ws"_s));
}

void TestCatalogCache::roundTripKeepsRawJsonAndOrder()
{
    QJsonObject odd = model(u"zeta/last-alphabetically"_s);
    odd.insert(u"unknown_future_field"_s, QJsonObject{{u"nested"_s, true}});
    const QList<QJsonObject> list = {odd, model(u"alpha/one"_s), model(u"mid/two"_s)};
    QVERIFY(m_cache->store(u"ws"_s, list, m_t1));
    const auto c = m_cache->load(u"ws"_s);
    QVERIFY(c);
    QCOMPARE(c->fetchedAt, m_t1);
    QCOMPARE(c->models, list); // raw objects, gateway order
    QCOMPARE(c->firstSeenAt.value(u"alpha/one"_s), m_t1);
}

void TestCatalogCache::firstSeenKeptAcrossRefreshes()
{
    QVERIFY(m_cache->store(u"ws"_s, {model(u"a"_s), model(u"b"_s)}, m_t1));
    // Next day: b's price changed, c is new, order changed.
    QVERIFY(m_cache->store(u"ws"_s, {model(u"c"_s), model(u"b"_s, 2.0), model(u"a"_s)}, m_t2));
    auto c = m_cache->load(u"ws"_s);
    QVERIFY(c);
    QCOMPARE(c->fetchedAt, m_t2);
    QCOMPARE(ids(*c), (QStringList{u"c"_s, u"b"_s, u"a"_s}));
    QCOMPARE(c->firstSeenAt.value(u"a"_s), m_t1);
    QCOMPARE(c->firstSeenAt.value(u"b"_s), m_t1);
    QCOMPARE(c->firstSeenAt.value(u"c"_s), m_t2);
    QCOMPARE(c->models.at(1).value(u"pricing"_s).toObject().value(u"input_per_1k"_s).toDouble(), 2.0);
    // Same timestamp twice (two refreshes within one millisecond) still replaces the list.
    QVERIFY(m_cache->store(u"ws"_s, {model(u"a"_s)}, m_t2));
    c = m_cache->load(u"ws"_s);
    QCOMPARE(ids(*c), QStringList{u"a"_s});
    QCOMPARE(c->firstSeenAt.value(u"a"_s), m_t1);
}

void TestCatalogCache::vanishedModelsDropped()
{
    QVERIFY(m_cache->store(u"ws"_s, {model(u"a"_s), model(u"b"_s), model(u"c"_s)}, m_t1));
    QVERIFY(m_cache->store(u"ws"_s, {model(u"b"_s)}, m_t2));
    QCOMPARE(ids(*m_cache->load(u"ws"_s)), QStringList{u"b"_s});
    // A model that comes back counts as new again.
    QVERIFY(m_cache->store(u"ws"_s, {model(u"a"_s), model(u"b"_s)}, m_t3));
    const auto c = m_cache->load(u"ws"_s);
    QCOMPARE(c->firstSeenAt.value(u"a"_s), m_t3);
    QCOMPARE(c->firstSeenAt.value(u"b"_s), m_t1);
}

void TestCatalogCache::emptyListIsACache()
{
    QVERIFY(m_cache->store(u"ws"_s, {model(u"a"_s)}, m_t1));
    QVERIFY(m_cache->store(u"ws"_s, {}, m_t2));
    const auto c = m_cache->load(u"ws"_s);
    QVERIFY(c); // known to be empty, unlike "never fetched"
    QVERIFY(c->models.isEmpty());
    QCOMPARE(c->fetchedAt, m_t2);
}

void TestCatalogCache::workspacesIsolated()
{
    QVERIFY(m_cache->store(u"w1"_s, {model(u"a"_s), model(u"b"_s)}, m_t1));
    QVERIFY(m_cache->store(u"w2"_s, {model(u"x"_s)}, m_t2));
    QCOMPARE(ids(*m_cache->load(u"w1"_s)), (QStringList{u"a"_s, u"b"_s}));
    QCOMPARE(ids(*m_cache->load(u"w2"_s)), QStringList{u"x"_s});
    QCOMPARE(m_cache->load(u"w1"_s)->fetchedAt, m_t1);
}

void TestCatalogCache::modelsWithoutIdSkipped()
{
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"skipped 2 model"_s));
    QVERIFY(m_cache->store(
        u"ws"_s, {QJsonObject{{u"name"_s, u"no id"_s}}, model(u"ok"_s), QJsonObject{{u"id"_s, 42}}}, m_t1));
    QCOMPARE(ids(*m_cache->load(u"ws"_s)), QStringList{u"ok"_s});
}

void TestCatalogCache::priceSignature()
{
    QVERIFY(!CatalogCache::priceSignature(model(u"a"_s, 1.0)).isEmpty());
    QCOMPARE(CatalogCache::priceSignature(model(u"a"_s, 1.0)),
             CatalogCache::priceSignature(model(u"b"_s, 1.0)));
    QVERIFY(CatalogCache::priceSignature(model(u"a"_s, 1.0)) !=
            CatalogCache::priceSignature(model(u"a"_s, 1.5)));
    QCOMPARE(CatalogCache::priceSignature(QJsonObject{{u"id"_s, u"x"_s}}), QString());
    // OpenRouter-style string prices work too.
    const QJsonObject orModel{
        {u"id"_s, u"x"_s},
        {u"pricing"_s, QJsonObject{{u"prompt"_s, u"0.000001"_s}, {u"completion"_s, u"0"_s}}}};
    QVERIFY(!CatalogCache::priceSignature(orModel).isEmpty());
}

QTEST_GUILESS_MAIN(TestCatalogCache)
#include "TestCatalogCache.moc"
