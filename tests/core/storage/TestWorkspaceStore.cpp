// Tests of WorkspaceStore: upsert, order, removal, refusal of ephemeral workspaces, no key columns.
#include "TestSupport.h"
#include "core/storage/CatalogCache.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/WorkspaceStore.h"

#include <QRegularExpression>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestWorkspaceStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void saveFindList();
    void upsertKeepsPosition();
    void refusesEphemeral_data();
    void refusesEphemeral();
    void removeDropsDerivedDataKeepsHistory();
    void setOrder();
    void schemaHasNoSecretColumns();

private:
    static Workspace ws(const QString& id, const QString& name);
    QStringList listedIds() const;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<WorkspaceStore> m_store;
};

Workspace TestWorkspaceStore::ws(const QString& id, const QString& name)
{
    Workspace w;
    w.id = id;
    w.name = name;
    w.baseUrl = QUrl(u"https://gateway.example/api/v1"_s);
    return w;
}

QStringList TestWorkspaceStore::listedIds() const
{
    QStringList r;
    for (const Workspace& w : m_store->list())
        r.append(w.id);
    return r;
}

void TestWorkspaceStore::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestWorkspaceStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_db = std::make_unique<Database>(m_dir->filePath(u"w.sqlite"_s));
    QVERIFY(m_db->open());
    m_store = std::make_unique<WorkspaceStore>(*m_db);
    QTest::failOnWarning(QRegularExpression(u"failed"_s));
}

void TestWorkspaceStore::cleanup()
{
    m_store.reset();
    m_db.reset();
    m_dir.reset();
}

void TestWorkspaceStore::saveFindList()
{
    Workspace w = ws(u"1b4e28ba-2fa1-11d2-883f-0016d3cca427"_s, u"Work"_s);
    w.defaultModel = u"anthropic/claude-sonnet-4.6"_s;
    w.allowInsecureHttp = true;
    QVERIFY(m_store->save(w));
    const auto r = m_store->find(w.id);
    QVERIFY(r);
    QCOMPARE(r->id, w.id);
    QCOMPARE(r->name, w.name);
    QCOMPARE(r->baseUrl, w.baseUrl);
    QCOMPARE(r->defaultModel, w.defaultModel);
    QCOMPARE(r->allowInsecureHttp, true);
    QCOMPARE(r->kind, Workspace::Kind::Stored);
    QVERIFY(r->routing.isEmpty());
    QVERIFY(r->attributionTitle.isEmpty());
    QVERIFY(!m_store->find(u"nope"_s));

    // Routing defaults and attribution overrides survive a round trip, and can be cleared again.
    w.routing.sort = u"price"_s;
    w.routing.only = {u"openai"_s, u"anthropic"_s};
    w.routing.allowFallbacks = false;
    w.routing.maxPromptPricePerM = 2.5;
    w.routing.pinnedProvider = u"openai"_s;
    w.attributionTitle = u"Team Console"_s;
    w.attributionReferer = u"https://example.org/team"_s;
    QVERIFY(m_store->save(w));
    const auto r2 = m_store->find(w.id);
    QCOMPARE(r2->routing.sort, u"price"_s);
    QCOMPARE(r2->routing.only, w.routing.only);
    QCOMPARE(r2->routing.allowFallbacks, std::optional<bool>(false));
    QCOMPARE(r2->routing.maxPromptPricePerM, std::optional<double>(2.5));
    QCOMPARE(r2->routing.pinnedProvider, u"openai"_s);
    QCOMPARE(r2->attributionTitle, u"Team Console"_s);
    QVERIFY(r2->attributionSource.isEmpty());
    QCOMPARE(r2->attributionReferer, u"https://example.org/team"_s);
    w.routing = {};
    w.attributionTitle.clear();
    w.attributionReferer.clear();
    QVERIFY(m_store->save(w));
    QVERIFY(m_store->find(w.id)->routing.isEmpty());
    QVERIFY(m_store->find(w.id)->attributionTitle.isEmpty());
    QVERIFY(m_store->save(ws(u"b"_s, u"Home"_s)));
    QCOMPARE(listedIds(), (QStringList{w.id, u"b"_s}));
}

void TestWorkspaceStore::upsertKeepsPosition()
{
    QVERIFY(m_store->save(ws(u"a"_s, u"A"_s)));
    QVERIFY(m_store->save(ws(u"b"_s, u"B"_s)));
    QVERIFY(m_store->save(ws(u"c"_s, u"C"_s)));
    Workspace renamed = ws(u"a"_s, u"A renamed"_s);
    renamed.defaultModel = u"x/y"_s;
    QVERIFY(m_store->save(renamed));
    QCOMPARE(listedIds(), (QStringList{u"a"_s, u"b"_s, u"c"_s}));
    QCOMPARE(m_store->find(u"a"_s)->name, u"A renamed"_s);
    QCOMPARE(m_store->find(u"a"_s)->defaultModel, u"x/y"_s);
    QCOMPARE(m_store->list().size(), 3);
}

void TestWorkspaceStore::refusesEphemeral_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("id");
    QTest::newRow("environment") << int(Workspace::Kind::Environment) << u"env"_s;
    QTest::newRow("demo") << int(Workspace::Kind::Demo) << u"demo"_s;
    QTest::newRow("no id") << int(Workspace::Kind::Stored) << QString();
}

void TestWorkspaceStore::refusesEphemeral()
{
    QFETCH(int, kind);
    QFETCH(QString, id);
    Workspace w = ws(id, u"Ephemeral"_s);
    w.kind = Workspace::Kind(kind);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"refusing"_s));
    QVERIFY(!m_store->save(w));
    QVERIFY(m_store->list().isEmpty());
}

void TestWorkspaceStore::removeDropsDerivedDataKeepsHistory()
{
    QVERIFY(m_store->save(ws(u"a"_s, u"A"_s)));
    QVERIFY(m_store->save(ws(u"b"_s, u"B"_s)));
    CatalogCache cache(*m_db);
    QVERIFY(cache.store(u"a"_s, {QJsonObject{{u"id"_s, u"m"_s}}}, {}));
    QVERIFY(cache.store(u"b"_s, {QJsonObject{{u"id"_s, u"m"_s}}}, {}));
    ConversationStore conversations(*m_db);
    Conversation c;
    c.workspaceId = u"a"_s;
    QVERIFY(conversations.createConversation(c));

    QVERIFY(m_store->remove(u"a"_s));
    QCOMPARE(listedIds(), QStringList{u"b"_s});
    QVERIFY(!cache.load(u"a"_s));
    QVERIFY(cache.load(u"b"_s));
    QCOMPARE(conversations.conversations(u"a"_s).size(), 1);
    QVERIFY(m_store->remove(u"never-existed"_s)); // idempotent
}

void TestWorkspaceStore::setOrder()
{
    for (const QString& id : {u"a"_s, u"b"_s, u"c"_s, u"d"_s})
        QVERIFY(m_store->save(ws(id, id)));
    QVERIFY(m_store->setOrder({u"c"_s, u"a"_s}));
    QCOMPARE(listedIds(), (QStringList{u"c"_s, u"a"_s, u"b"_s, u"d"_s}));
    QVERIFY(m_store->save(ws(u"e"_s, u"e"_s))); // new ones go last
    QCOMPARE(listedIds().last(), u"e"_s);
    QVERIFY(m_store->setOrder({u"e"_s, u"d"_s, u"c"_s, u"b"_s, u"a"_s}));
    QCOMPARE(listedIds(), (QStringList{u"e"_s, u"d"_s, u"c"_s, u"b"_s, u"a"_s}));
}

void TestWorkspaceStore::schemaHasNoSecretColumns()
{
    const QSqlRecord record = m_db->connection().record(u"workspaces"_s);
    QVERIFY(record.count() > 0);
    for (int i = 0; i < record.count(); ++i) {
        const QString name = record.fieldName(i);
        QVERIFY2(!name.contains(u"key"_s) && !name.contains(u"secret"_s) && !name.contains(u"token"_s),
                 qPrintable(name));
    }
}

QTEST_GUILESS_MAIN(TestWorkspaceStore)
#include "TestWorkspaceStore.moc"
