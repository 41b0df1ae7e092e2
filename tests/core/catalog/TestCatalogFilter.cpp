// TestCatalogFilter: every CatalogFilter criterion alone and combined, edge prices (exactly at the
// maximum, zero, unknown), entries with missing fields, text over the description, open capability
// vocabulary, and the JSON / Settings round trip that makes the filter survive restarts.
#include "TestSupport.h"
#include "core/catalog/CatalogFilter.h"
#include "core/storage/Settings.h"

#include <QJsonArray>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::CatalogFilter)
Q_DECLARE_METATYPE(anyrouter::CatalogEntry)

namespace {

CatalogEntry entry(const QString& id, std::optional<double> in, std::optional<double> out,
                   qint64 context = 128000, const QStringList& caps = {u"tool_use"_s},
                   const QStringList& inMods = {u"text"_s}, const QStringList& outMods = {u"text"_s})
{
    CatalogEntry e;
    e.model.id = id;
    e.model.name = id.section(u'/', 1).toUpper();
    e.model.provider = id.section(u'/', 0, 0) == u"openai" ? u"OpenAI"_s : u"Other Labs"_s;
    e.model.contextLength = context;
    e.model.pricing.inputPerM = in;
    e.model.pricing.outputPerM = out;
    e.model.capabilities = caps;
    e.model.inputModalities = inMods;
    e.model.outputModalities = outMods;
    return e;
}

// A typical paid chat model: $2.50 in / $10 out per 1M, 128K context, text, tools.
CatalogEntry paid()
{
    CatalogEntry e = entry(u"openai/gpt-x"_s, 2.5, 10.0);
    e.model.description = u"Flagship model for agentic Coding and long documents."_s;
    return e;
}

} // namespace

class TestCatalogFilter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { anyrouter::test::initHermeticEnvironment(); }
    void matches_data();
    void matches();
    void emptyFilterMatchesEverything();
    void preparedSearchTextAgrees_data();
    void preparedSearchTextAgrees();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void fromJsonToleratesGarbage();
    void persistsInSettings();
};

void TestCatalogFilter::matches_data()
{
    QTest::addColumn<CatalogFilter>("filter");
    QTest::addColumn<CatalogEntry>("entry");
    QTest::addColumn<bool>("expected");

    CatalogFilter f;

    // --- text: case-insensitive over id, name, description, provider
    f = {};
    f.text = u"GPT-X"_s;
    QTest::newRow("text id, other case") << f << paid() << true;
    f.text = u"coding"_s;
    QTest::newRow("text in description") << f << paid() << true;
    f.text = u"openai"_s;
    QTest::newRow("text provider/slug") << f << paid() << true;
    f.text = u"other labs"_s;
    QTest::newRow("text provider display name") << f << entry(u"acme/m1"_s, 1, 1) << true;
    f.text = u"  flagship  "_s;
    QTest::newRow("text trimmed") << f << paid() << true;
    f.text = u"llama"_s;
    QTest::newRow("text no hit") << f << paid() << false;
    f.text = u"coding"_s;
    QTest::newRow("text, no description") << f << entry(u"acme/m1"_s, 1, 1) << false;

    // --- providers (slugs)
    f = {};
    f.providers = {u"openai"_s};
    QTest::newRow("provider in set") << f << paid() << true;
    f.providers = {u"anthropic"_s, u"google"_s};
    QTest::newRow("provider not in set") << f << paid() << false;
    f.providers = {u"OpenAI"_s};
    QTest::newRow("provider display name is not a slug") << f << paid() << false;

    // --- max prices: inclusive at the limit; unknown price fails; zero passes
    f = {};
    f.maxInputPerM = 2.5;
    QTest::newRow("max input exactly at price") << f << paid() << true;
    f.maxInputPerM = 2.4999;
    QTest::newRow("max input just below price") << f << paid() << false;
    f.maxInputPerM = 0.0;
    QTest::newRow("max input 0, free model") << f << entry(u"acme/free"_s, 0.0, 0.0) << true;
    QTest::newRow("max input 0, paid model") << f << paid() << false;
    f.maxInputPerM = 100.0;
    QTest::newRow("max input, unknown input price") << f << entry(u"acme/x"_s, std::nullopt, 1.0) << false;
    f = {};
    f.maxOutputPerM = 10.0;
    QTest::newRow("max output exactly at price") << f << paid() << true;
    f.maxOutputPerM = 9.99;
    QTest::newRow("max output below price") << f << paid() << false;
    f.maxOutputPerM = 100.0;
    QTest::newRow("max output, unknown output price") << f << entry(u"acme/x"_s, 1.0, std::nullopt) << false;

    // --- minimum context; unknown context (0) fails any minimum
    f = {};
    f.minContext = 128000;
    QTest::newRow("min context exactly") << f << paid() << true;
    f.minContext = 128001;
    QTest::newRow("min context above") << f << paid() << false;
    f.minContext = 1;
    QTest::newRow("min context, unknown context") << f << entry(u"acme/x"_s, 1, 1, 0) << false;

    // --- modalities: all wanted must be present; none listed fails
    f = {};
    f.inputModalities = {u"image"_s};
    QTest::newRow("input modality missing") << f << paid() << false;
    QTest::newRow("input modality present")
        << f << entry(u"acme/v"_s, 1, 1, 1000, {}, {u"text"_s, u"image"_s}) << true;
    QTest::newRow("input modality, other case")
        << f << entry(u"acme/v"_s, 1, 1, 1000, {}, {u"Image"_s}) << true;
    f.inputModalities = {u"image"_s, u"audio"_s};
    QTest::newRow("input modalities, only one of two")
        << f << entry(u"acme/v"_s, 1, 1, 1000, {}, {u"text"_s, u"image"_s}) << false;
    f = {};
    f.outputModalities = {u"image"_s};
    QTest::newRow("output modality present")
        << f << entry(u"acme/img"_s, 1, 1, 1000, {}, {u"text"_s}, {u"image"_s}) << true;
    QTest::newRow("output modality, none listed")
        << f << entry(u"acme/img"_s, 1, 1, 1000, {}, {}, {}) << false;

    // --- capabilities: open vocabulary, all must be present
    f = {};
    f.capabilities = {u"tool_use"_s};
    QTest::newRow("capability present") << f << paid() << true;
    f.capabilities = {u"tool_use"_s, u"reasoning"_s};
    QTest::newRow("capabilities, one missing") << f << paid() << false;
    f.capabilities = {u"quantum_teleport"_s};
    QTest::newRow("unknown capability present")
        << f << entry(u"acme/q"_s, 1, 1, 1000, {u"quantum_teleport"_s, u"tool_use"_s}) << true;
    QTest::newRow("unknown capability absent") << f << paid() << false;
    QTest::newRow("capability, none listed") << f << entry(u"acme/q"_s, 1, 1, 1000, {}) << false;

    // --- free only: zero prices or a ":free" id; unknown prices are not free
    f = {};
    f.freeOnly = true;
    QTest::newRow("free: zero prices") << f << entry(u"acme/z"_s, 0.0, 0.0) << true;
    QTest::newRow("free: :free suffix") << f << entry(u"acme/z:free"_s, std::nullopt, std::nullopt) << true;
    QTest::newRow("free: unknown prices") << f << entry(u"acme/z"_s, std::nullopt, std::nullopt) << false;
    QTest::newRow("free: paid") << f << paid() << false;
    QTest::newRow("free: free input, paid output") << f << entry(u"acme/z"_s, 0.0, 0.01) << false;
    CatalogEntry perRequest = entry(u"acme/r"_s, 0.0, 0.0);
    perRequest.model.pricing.perRequest = 0.001;
    QTest::newRow("free: per-request fee") << f << perRequest << false;

    // --- changed only: new or price-changed
    f = {};
    f.changedOnly = true;
    QTest::newRow("changed: unchanged") << f << paid() << false;
    CatalogEntry e = paid();
    e.isNew = true;
    QTest::newRow("changed: new") << f << e << true;
    e = paid();
    e.priceChanged = true;
    e.previousInputPerM = 3.0;
    QTest::newRow("changed: price") << f << e << true;

    // --- combined (AND)
    f = {};
    f.text = u"gpt"_s;
    f.providers = {u"openai"_s};
    f.maxInputPerM = 3.0;
    f.maxOutputPerM = 10.0;
    f.minContext = 100000;
    f.capabilities = {u"tool_use"_s};
    f.inputModalities = {u"text"_s};
    QTest::newRow("combined: all pass") << f << paid() << true;
    f.maxOutputPerM = 9.0;
    QTest::newRow("combined: one fails (output price)") << f << paid() << false;
    f.maxOutputPerM = 10.0;
    f.text = u"claude"_s;
    QTest::newRow("combined: one fails (text)") << f << paid() << false;
    f.text.clear();
    f.changedOnly = true;
    e = paid();
    e.isNew = true;
    QTest::newRow("combined: changed + others pass") << f << e << true;
    f.freeOnly = true;
    QTest::newRow("combined: changed + free fails") << f << e << false;
}

void TestCatalogFilter::matches()
{
    QFETCH(CatalogFilter, filter);
    QFETCH(CatalogEntry, entry);
    QFETCH(bool, expected);
    QCOMPARE(filter.matches(entry), expected);
}

void TestCatalogFilter::emptyFilterMatchesEverything()
{
    const CatalogFilter f;
    QVERIFY(f.isEmpty());
    QVERIFY(f.matches(paid()));
    QVERIFY(f.matches(CatalogEntry{})); // no id, no prices, no fields at all
    CatalogFilter g;
    g.text = u"x"_s;
    QVERIFY(!g.isEmpty());
}

void TestCatalogFilter::preparedSearchTextAgrees_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("expected");
    QTest::newRow("description, other case") << u"CODING"_s << true;
    QTest::newRow("id") << u"gpt-x"_s << true;
    QTest::newRow("provider display") << u"OpenAI"_s << true;
    QTest::newRow("name") << u"GPT-X"_s << true;
    QTest::newRow("across fields") << u"gpt-xopenai"_s << false;
    QTest::newRow("no hit") << u"llama"_s << false;
}

// The repository prepares a lower-cased haystack per entry; both paths must give the same answer.
void TestCatalogFilter::preparedSearchTextAgrees()
{
    QFETCH(QString, text);
    QFETCH(bool, expected);
    CatalogFilter f;
    f.text = text;
    CatalogEntry prepared = paid();
    prepared.updateSearchText();
    QVERIFY(!prepared.searchText.isEmpty());
    QCOMPARE(f.matches(paid()), expected);
    QCOMPARE(f.matches(prepared), expected);
}

void TestCatalogFilter::jsonRoundTrip_data()
{
    QTest::addColumn<CatalogFilter>("filter");
    QTest::newRow("empty") << CatalogFilter{};
    CatalogFilter f;
    f.text = u"Über café"_s;
    f.providers = {u"openai"_s, u"anthropic"_s};
    f.maxInputPerM = 0.0; // zero must survive (not confused with "no constraint")
    f.maxOutputPerM = 12.75;
    f.minContext = 2'000'000;
    f.inputModalities = {u"image"_s, u"audio"_s};
    f.outputModalities = {u"image"_s};
    f.capabilities = {u"tool_use"_s, u"some_future_capability"_s};
    f.freeOnly = true;
    f.changedOnly = true;
    QTest::newRow("everything set") << f;
    CatalogFilter g;
    g.maxOutputPerM = 3.0;
    QTest::newRow("output price only") << g;
}

void TestCatalogFilter::jsonRoundTrip()
{
    QFETCH(CatalogFilter, filter);
    const CatalogFilter back = CatalogFilter::fromJson(filter.toJson());
    QVERIFY(back == filter);
    QCOMPARE(back.maxInputPerM.has_value(), filter.maxInputPerM.has_value());
}

void TestCatalogFilter::fromJsonToleratesGarbage()
{
    QJsonObject o;
    o.insert(u"text"_s, 42);
    o.insert(u"providers"_s, u"openai"_s); // not an array
    o.insert(u"maxInputPerM"_s, -1.0);     // negative: ignored
    o.insert(u"maxOutputPerM"_s, u"cheap"_s);
    o.insert(u"minContext"_s, -5);
    o.insert(u"capabilities"_s, QJsonArray({QJsonValue(u"vision"_s), QJsonValue(3), QJsonValue(u""_s)}));
    const CatalogFilter f = CatalogFilter::fromJson(o);
    QVERIFY(f.text.isEmpty());
    QVERIFY(f.providers.isEmpty());
    QVERIFY(!f.maxInputPerM);
    QVERIFY(!f.maxOutputPerM);
    QCOMPARE(f.minContext, 0);
    QCOMPARE(f.capabilities, QSet<QString>{u"vision"_s});

    // Found by fuzz_catalog (UBSan: 1e+300 is outside the range of long long): a huge stored
    // minimum stays a huge minimum (nothing matches), without an overflowing cast.
    for (const double huge : {1e300, 1e20, std::numeric_limits<double>::infinity()}) {
        QJsonObject h;
        h.insert(u"minContext"_s, huge);
        const qint64 min = CatalogFilter::fromJson(h).minContext;
        QVERIFY2(min >= qint64(1e15) || (std::isinf(huge) && min == 0), qPrintable(QString::number(min)));
    }
    QJsonObject n;
    n.insert(u"minContext"_s, std::numeric_limits<double>::quiet_NaN());
    QCOMPARE(CatalogFilter::fromJson(n).minContext, 0);
}

void TestCatalogFilter::persistsInSettings()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"settings.ini"_s);
    CatalogFilter f;
    f.text = u"sonnet"_s;
    f.maxInputPerM = 3.0;
    f.capabilities = {u"reasoning"_s};
    {
        QSettings backend(path, QSettings::IniFormat);
        Settings settings(&backend);
        QVERIFY(CatalogFilter::load(settings).isEmpty()); // nothing stored yet
        f.save(settings);
        settings.sync();
    }
    QSettings backend(path, QSettings::IniFormat); // a "restart"
    Settings settings(&backend);
    QVERIFY(CatalogFilter::load(settings) == f);
}

QTEST_GUILESS_MAIN(TestCatalogFilter)
#include "TestCatalogFilter.moc"
