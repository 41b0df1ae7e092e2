// Tests of the tolerant JSON accessors, above all the field-name aliases: which candidate wins
// (first present, first readable number, first non-empty string), envelopes, and aliases across
// objects.
#include "core/domain/JsonUtil.h"

#include "TestSupport.h"

#include <QJsonDocument>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

QJsonObject parse(const char* json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class TestJsonUtil : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }

    void firstOfTakesTheFirstPresentNonNull();
    void optDoubleTakesTheFirstNumber();
    void optIntTakesTheFirstInteger();
    void strTakesTheFirstNonEmpty();
    void firstAcrossObjects();
    void firstNonEmptyAcrossObjects();
    void unwrapTakesAnObjectEnvelopeOnly();
    void singleKeyAccessorsStayTolerant();
};

void TestJsonUtil::firstOfTakesTheFirstPresentNonNull()
{
    const QJsonObject o = parse(R"({"a":null,"b":0,"c":5,"e":false,"f":""})");
    QCOMPARE(json::firstOf(o, {u"a", u"b", u"c"}), QJsonValue(0)); // 0 is present
    QCOMPARE(json::firstOf(o, {u"missing", u"c"}), QJsonValue(5));
    QCOMPARE(json::firstOf(o, {u"e", u"c"}), QJsonValue(false));
    QCOMPARE(json::firstOf(o, {u"f", u"c"}), QJsonValue(u""_s));
    QVERIFY(json::firstOf(o, {u"a", u"missing"}).isUndefined());
    QVERIFY(json::firstOf(o, {}).isUndefined());
}

void TestJsonUtil::optDoubleTakesTheFirstNumber()
{
    const QJsonObject o = parse(R"({"balance":"n/a","remaining":"12.5","used":3,"nul":null})");
    // A present value that is no number does not stop the search (as the parsers always did).
    QCOMPARE(json::optDouble(o, {u"balance", u"remaining", u"used"}), std::optional(12.5));
    QCOMPARE(json::optDouble(o, {u"nul", u"used"}), std::optional(3.0));
    QCOMPARE(json::optDouble(o, {u"used", u"remaining"}), std::optional(3.0));
    QCOMPARE(json::optDouble(o, {u"balance", u"nul", u"missing"}), std::nullopt);
}

void TestJsonUtil::optIntTakesTheFirstInteger()
{
    const QJsonObject o = parse(R"({"tokens_prompt":"x","prompt_tokens":"42","big":1e300})");
    QCOMPARE(json::optInt(o, {u"tokens_prompt", u"prompt_tokens"}), std::optional<qint64>(42));
    QCOMPARE(json::optInt(o, {u"big", u"prompt_tokens"}), std::optional<qint64>(42)); // 1e300 is no integer
    QCOMPARE(json::optInt(o, {u"missing"}), std::nullopt);
}

void TestJsonUtil::strTakesTheFirstNonEmpty()
{
    const QJsonObject o = parse(R"({"hash":"","id":"k1","name":7,"obj":{},"display_name":"Open AI"})");
    QCOMPARE(json::str(o, {u"hash", u"id"}), u"k1"_s);
    QCOMPARE(json::str(o, {u"obj", u"name"}), u"7"_s); // a number is rendered, an object is nothing
    QCOMPARE(json::str(o, {u"display_name", u"displayName"}), u"Open AI"_s);
    QCOMPARE(json::str(o, {u"hash", u"missing"}), QString());
}

void TestJsonUtil::firstAcrossObjects()
{
    const QJsonObject model = parse(R"({"context_length":null,"top_provider":{"context_length":"8192"}})");
    const QJsonObject top = model.value(u"top_provider"_s).toObject();
    QCOMPARE(json::first({json::optInt(model, u"context_length"_s), json::optInt(top, u"context_length"_s)}),
             std::optional<qint64>(8192));
    QCOMPARE(json::first({json::optInt(top, u"context_length"_s), std::optional<qint64>(1)}),
             std::optional<qint64>(8192));
    QCOMPARE(json::first<double>({std::nullopt, std::nullopt}), std::nullopt);
    QCOMPARE(json::first({std::optional(0.0), std::optional(2.0)}), std::optional(0.0)); // 0 holds a value
}

void TestJsonUtil::firstNonEmptyAcrossObjects()
{
    QCOMPARE(json::firstNonEmpty({QString(), u""_s, u"b"_s, u"c"_s}), u"b"_s);
    QCOMPARE(json::firstNonEmpty({QString(), QString()}), QString());
    QCOMPARE(json::firstNonEmpty({QStringList(), QStringList{u"text"_s}}), QStringList{u"text"_s});
}

void TestJsonUtil::unwrapTakesAnObjectEnvelopeOnly()
{
    const QJsonObject wrapped = parse(R"({"data":{"balance":1}})");
    QCOMPARE(json::unwrap(wrapped), parse(R"({"balance":1})"));
    // data that is no object (a list, a string) leaves the object itself.
    const QJsonObject list = parse(R"({"data":[1],"balance":2})");
    QCOMPARE(json::unwrap(list), list);
    const QJsonObject bare = parse(R"({"balance":3})");
    QCOMPARE(json::unwrap(bare), bare);
    QCOMPARE(json::unwrap(parse(R"({"result":{"x":1}})"), u"result"), parse(R"({"x":1})"));
}

void TestJsonUtil::singleKeyAccessorsStayTolerant()
{
    const QJsonObject o = parse(R"({"n":" 12 ","bad":"12abc","inf":"inf","b":"TRUE","z":0,"t":1767225600})");
    QCOMPARE(json::optDouble(o, u"n"), std::optional(12.0));
    QCOMPARE(json::optDouble(o, u"bad"), std::nullopt);
    QCOMPARE(json::optDouble(o, u"inf"), std::nullopt);
    QCOMPARE(json::optBool(o, u"b"), std::optional(true));
    QCOMPARE(json::optBool(o, u"z"), std::optional(false));
    QCOMPARE(json::dateTime(o.value(u"t"_s)), QDateTime::fromSecsSinceEpoch(1767225600, Qt::UTC));
}

QTEST_GUILESS_MAIN(TestJsonUtil)
#include "TestJsonUtil.moc"
