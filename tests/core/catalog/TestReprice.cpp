// TestReprice: the cost calculator and conversation re-pricing against hand-computed figures,
// messages without usage counted (not silently priced at zero), cached tokens at the cache-read
// price, and preset ids.
#include "TestSupport.h"
#include "core/catalog/Preset.h"
#include "core/catalog/Reprice.h"

#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

Message assistant(qint64 id, const QString& model, std::optional<qint64> prompt,
                  std::optional<qint64> completion, std::optional<qint64> cached = std::nullopt,
                  std::optional<double> cost = std::nullopt)
{
    Message m;
    m.id = id;
    m.role = MessageRole::Assistant;
    m.model = model;
    m.usage.promptTokens = prompt;
    m.usage.completionTokens = completion;
    m.usage.cachedTokens = cached;
    m.usage.cost = cost;
    return m;
}

Message user(qint64 id)
{
    Message m;
    m.id = id;
    m.role = MessageRole::User;
    m.content = u"hi"_s;
    return m;
}

// Target: $3 in / $15 out / $0.30 cache read per 1M tokens.
ModelPricing target()
{
    ModelPricing p;
    p.inputPerM = 3.0;
    p.outputPerM = 15.0;
    p.cacheReadPerM = 0.30;
    return p;
}

bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-12 + 1e-9 * std::abs(b);
}

} // namespace

class TestReprice : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { anyrouter::test::initHermeticEnvironment(); }
    void costForTokens_data();
    void costForTokens();
    void repriceConversation();
    void cachedTokensAtCacheReadPrice();
    void cachedWithoutCachePriceFallsBackToInput();
    void noAssistantMessages();
    void presets_data();
    void presets();
};

void TestReprice::costForTokens_data()
{
    QTest::addColumn<double>("inPerM");
    QTest::addColumn<double>("outPerM");
    QTest::addColumn<qint64>("input");
    QTest::addColumn<qint64>("output");
    QTest::addColumn<double>("expected");
    // 1,000,000 × $3/1M + 0 = $3
    QTest::newRow("1M input") << 3.0 << 15.0 << qint64(1'000'000) << qint64(0) << 3.0;
    // 12,000 × 3/1M = 0.036; 800 × 15/1M = 0.012; total 0.048
    QTest::newRow("12K in, 800 out") << 3.0 << 15.0 << qint64(12'000) << qint64(800) << 0.048;
    // 250,000 × 0.25/1M = 0.0625; 50,000 × 2/1M = 0.1; total 0.1625
    QTest::newRow("cheap model") << 0.25 << 2.0 << qint64(250'000) << qint64(50'000) << 0.1625;
    QTest::newRow("free") << 0.0 << 0.0 << qint64(1'000'000) << qint64(1'000'000) << 0.0;
    QTest::newRow("zero tokens") << 3.0 << 15.0 << qint64(0) << qint64(0) << 0.0;
    QTest::newRow("negative tokens clamp") << 3.0 << 15.0 << qint64(-5) << qint64(-5) << 0.0;
}

void TestReprice::costForTokens()
{
    QFETCH(double, inPerM);
    QFETCH(double, outPerM);
    QFETCH(qint64, input);
    QFETCH(qint64, output);
    QFETCH(double, expected);
    ModelPricing p;
    p.inputPerM = inPerM;
    p.outputPerM = outPerM;
    const double got = anyrouter::costForTokens(p, input, output);
    QVERIFY2(near(got, expected), qPrintable(u"got %1, expected %2"_s.arg(got, 0, 'g', 17).arg(expected)));
}

void TestReprice::repriceConversation()
{
    const QList<Message> messages = {
        user(1),
        // 10,000 in × 3/1M = 0.03; 2,000 out × 15/1M = 0.03 → 0.06 on target. Stored cost 0.0125.
        assistant(2, u"openai/gpt-5.4-mini"_s, 10'000, 2'000, std::nullopt, 0.0125),
        user(3),
        // No usage at all (e.g. an error reply): counted, not priced.
        assistant(4, u"openai/gpt-5.4-mini"_s, std::nullopt, std::nullopt),
        user(5),
        // 40,000 in × 3/1M = 0.12; 500 out × 15/1M = 0.0075 → 0.1275. Cost not stored.
        assistant(6, u"anthropic/claude-haiku-4.5"_s, 40'000, 500),
        // Only completion tokens known: 1,000 × 15/1M = 0.015. Stored cost 0.002.
        assistant(7, u"x/y"_s, std::nullopt, 1'000, std::nullopt, 0.002),
    };
    const RepriceResult r = anyrouter::repriceConversation(messages, target());
    QCOMPARE(r.rows.size(), 3);
    QCOMPARE(r.messagesWithoutUsage, 1);
    QCOMPARE(r.rowsWithoutOriginalCost, 1);
    QCOMPARE(r.rows.at(0).messageId, 2);
    QCOMPARE(r.rows.at(0).originalModel, u"openai/gpt-5.4-mini"_s);
    QVERIFY(near(r.rows.at(0).costOnTarget, 0.06));
    QCOMPARE(r.rows.at(0).originalCost, std::optional<double>(0.0125));
    QVERIFY(near(r.rows.at(1).costOnTarget, 0.1275));
    QVERIFY(!r.rows.at(1).originalCost);
    QCOMPARE(r.rows.at(2).promptTokens, 0);
    QVERIFY(near(r.rows.at(2).costOnTarget, 0.015));
    // Target total 0.06 + 0.1275 + 0.015 = 0.2025; original total of the known costs 0.0125 + 0.002.
    QVERIFY(near(r.targetTotal, 0.2025));
    QVERIFY(near(r.originalTotal, 0.0145));
}

void TestReprice::cachedTokensAtCacheReadPrice()
{
    // 100,000 prompt tokens of which 80,000 cached; 1,000 completion; served model recorded.
    // uncached 20,000 × 3/1M = 0.06; cached 80,000 × 0.30/1M = 0.024; out 1,000 × 15/1M = 0.015
    // → 0.099 (vs 0.318 if the cached tokens were billed at the input price).
    Message m = assistant(9, u"openrouter/auto"_s, 100'000, 1'000, 80'000, 0.05);
    m.servedModel = u"anthropic/claude-sonnet-4.6"_s;
    const RepriceResult r = anyrouter::repriceConversation({m}, target());
    QCOMPARE(r.rows.size(), 1);
    QCOMPARE(r.rows.at(0).cachedTokens, 80'000);
    QCOMPARE(r.rows.at(0).originalModel, u"anthropic/claude-sonnet-4.6"_s);
    QVERIFY2(near(r.rows.at(0).costOnTarget, 0.099),
             qPrintable(QString::number(r.rows.at(0).costOnTarget, 'g', 17)));
    QVERIFY(near(r.targetTotal, 0.099));
    QVERIFY(near(r.originalTotal, 0.05));

    // Cached count larger than the prompt (bad data): capped at the prompt.
    // 1,000 cached × 0.30/1M = 0.0003, nothing uncached, no output.
    const RepriceResult capped =
        anyrouter::repriceConversation({assistant(10, u"m"_s, 1'000, 0, 5'000)}, target());
    QCOMPARE(capped.rows.at(0).cachedTokens, 1'000);
    QVERIFY(near(capped.targetTotal, 0.0003));
}

void TestReprice::cachedWithoutCachePriceFallsBackToInput()
{
    // No cache-read price on the target: cached tokens bill at the input price.
    // 10,000 × 2/1M = 0.02 (cached or not); 0 out.
    ModelPricing p;
    p.inputPerM = 2.0;
    p.outputPerM = 8.0;
    const RepriceResult r = anyrouter::repriceConversation({assistant(1, u"m"_s, 10'000, 0, 6'000)}, p);
    QVERIFY(near(r.targetTotal, 0.02));
}

void TestReprice::noAssistantMessages()
{
    const RepriceResult r = anyrouter::repriceConversation({user(1), user(2)}, target());
    QVERIFY(r.rows.isEmpty());
    QCOMPARE(r.messagesWithoutUsage, 0);
    QCOMPARE(r.targetTotal, 0.0);
}

void TestReprice::presets_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("isPreset");
    QTest::addColumn<QString>("normalised");
    QTest::newRow("canonical") << u"@preset/coding"_s << true << u"@preset/coding"_s;
    QTest::newRow("plural") << u"@presets/coding"_s << true << u"@preset/coding"_s;
    QTest::newRow("spaces") << u"  @preset/my-team  "_s << true << u"@preset/my-team"_s;
    QTest::newRow("no name") << u"@preset/"_s << false << u"@preset/"_s;
    QTest::newRow("model id") << u"openai/gpt-5.4"_s << false << u"openai/gpt-5.4"_s;
    QTest::newRow("preset word elsewhere") << u"acme/@preset/x"_s << false << u"acme/@preset/x"_s;
}

void TestReprice::presets()
{
    QFETCH(QString, id);
    QFETCH(bool, isPreset);
    QFETCH(QString, normalised);
    QCOMPARE(isPresetId(id), isPreset);
    QCOMPARE(normalisePresetId(id), normalised);
}

QTEST_GUILESS_MAIN(TestReprice)
#include "TestReprice.moc"
