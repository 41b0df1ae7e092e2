// TestUsageValidation: absurd usage from a gateway (negative or huge token counts, a negative,
// huge or non-numeric cost, in numbers or strings) never lands in a Usage field: the field is
// empty, the value is kept in Usage::rejected as sent, survives toJson()/fromJson(), and reaches
// no sum. The same through the stream's chunk decoder (both paths), for values a struct got
// another way (sanitize()), and for the stream statistics (TTFT, tok/s).
#include "TestSupport.h"
#include "core/api/ChatChunk.h"
#include "core/domain/Usage.h"

#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

std::optional<double> fieldValue(const Usage& u, const QString& field)
{
    const auto asDouble = [](const std::optional<qint64>& v) {
        return v ? std::optional<double>(double(*v)) : std::nullopt;
    };
    if (field == u"prompt_tokens"_s)
        return asDouble(u.promptTokens);
    if (field == u"completion_tokens"_s)
        return asDouble(u.completionTokens);
    if (field == u"total_tokens"_s)
        return asDouble(u.totalTokens);
    if (field == u"cached_tokens"_s)
        return asDouble(u.cachedTokens);
    if (field == u"cache_write_tokens"_s)
        return asDouble(u.cacheWriteTokens);
    if (field == u"reasoning_tokens"_s)
        return asDouble(u.reasoningTokens);
    if (field == u"cost"_s)
        return u.cost;
    return std::nullopt;
}

// {"usage": ...} with `json` placed where `field` lives.
QByteArray usageJson(const QString& field, const QByteArray& json)
{
    const QByteArray key = field.toUtf8();
    if (field == u"cached_tokens"_s || field == u"cache_write_tokens"_s)
        return R"({"prompt_tokens":10,"completion_tokens":20,"prompt_tokens_details":{")" + key + R"(":)" +
               json + "}}";
    if (field == u"reasoning_tokens"_s)
        return R"({"prompt_tokens":10,"completion_tokens":20,"completion_tokens_details":{")" + key +
               R"(":)" + json + "}}";
    return "{\"" + key + "\":" + json + "}";
}

} // namespace

class TestUsageValidation : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { test::initHermeticEnvironment(); }
    void field_data();
    void field();
    void throughChunkDecoder_data();
    void throughChunkDecoder();
    void alternativeKeys();
    void rejectedNeverLarge();
    void sanitize_data();
    void sanitize();
    void streamStats_data();
    void streamStats();
};

void TestUsageValidation::field_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<double>("expected"); // NaN: rejected
    const double rejected = std::numeric_limits<double>::quiet_NaN();
    const QStringList counts = {u"prompt_tokens"_s, u"completion_tokens"_s,  u"total_tokens"_s,
                                u"cached_tokens"_s, u"cache_write_tokens"_s, u"reasoning_tokens"_s};
    for (const QString& f : counts) {
        const QByteArray n = f.toUtf8();
        QTest::addRow("%s 42", n.constData()) << f << "42"_ba << 42.0;
        QTest::addRow("%s 0", n.constData()) << f << "0"_ba << 0.0;
        QTest::addRow("%s \"42\"", n.constData()) << f << R"("42")"_ba << 42.0;
        QTest::addRow("%s at the cap", n.constData()) << f << "1000000000"_ba << 1e9;
        QTest::addRow("%s -5", n.constData()) << f << "-5"_ba << rejected;
        QTest::addRow("%s \"-5\"", n.constData()) << f << R"("-5")"_ba << rejected;
        QTest::addRow("%s above the cap", n.constData()) << f << "1000000001"_ba << rejected;
        QTest::addRow("%s 1e308", n.constData()) << f << "1e308"_ba << rejected;
        QTest::addRow("%s \"1e308\"", n.constData()) << f << R"("1e308")"_ba << rejected;
        QTest::addRow("%s \"abc\"", n.constData()) << f << R"("abc")"_ba << rejected;
        QTest::addRow("%s true", n.constData()) << f << "true"_ba << rejected;
        QTest::addRow("%s object", n.constData()) << f << R"({"a":1})"_ba << rejected;
    }
    QTest::newRow("cost 0.0123") << u"cost"_s << "0.0123"_ba << 0.0123;
    QTest::newRow("cost 0") << u"cost"_s << "0"_ba << 0.0;
    QTest::newRow("cost \"0.5\"") << u"cost"_s << R"("0.5")"_ba << 0.5;
    QTest::newRow("cost at the cap") << u"cost"_s << "10000"_ba << 10000.0;
    QTest::newRow("cost -12.5") << u"cost"_s << "-12.5"_ba << rejected;
    QTest::newRow("cost \"-12.5\"") << u"cost"_s << R"("-12.5")"_ba << rejected;
    QTest::newRow("cost 1e308") << u"cost"_s << "1e308"_ba << rejected;
    QTest::newRow("cost \"1e308\"") << u"cost"_s << R"("1e308")"_ba << rejected;
    QTest::newRow("cost 10000.01") << u"cost"_s << "10000.01"_ba << rejected;
    QTest::newRow("cost \"inf\"") << u"cost"_s << R"("inf")"_ba << rejected;
    QTest::newRow("cost \"nan\"") << u"cost"_s << R"("nan")"_ba << rejected;
    QTest::newRow("cost \"free\"") << u"cost"_s << R"("free")"_ba << rejected;
}

void TestUsageValidation::field()
{
    QFETCH(QString, field);
    QFETCH(QByteArray, json);
    QFETCH(double, expected);
    const QByteArray doc = usageJson(field, json);
    QJsonParseError err;
    const QJsonObject o = QJsonDocument::fromJson(doc, &err).object();
    QVERIFY2(err.error == QJsonParseError::NoError, doc.constData());
    const Usage u = Usage::fromJson(o);
    const std::optional<double> got = fieldValue(u, field);
    if (std::isnan(expected)) {
        QVERIFY2(!got || field == u"total_tokens"_s, qPrintable(QString::number(got.value_or(-1))));
        QVERIFY(u.hasRejected(field));
        // The value as sent stays on record.
        QCOMPARE(
            u.rejected.value(field), o.value(field).isUndefined() ? u.rejected.value(field) : [&] {
                const QJsonValue v = o.value(field);
                return v.isObject() ? QJsonValue(u"(object)"_s) : v;
            }());
    } else {
        QVERIFY(got);
        QCOMPARE(*got, expected);
        QVERIFY(!u.hasRejected(field));
        QVERIFY(u.rejected.isEmpty());
    }
    // Nothing negative, nothing absurd in any field.
    for (const std::optional<qint64>& c : {u.promptTokens, u.completionTokens, u.totalTokens, u.cachedTokens,
                                           u.cacheWriteTokens, u.reasoningTokens})
        QVERIFY(!c || (*c >= 0 && *c <= 2 * Usage::kMaxTokens));
    QVERIFY(!u.cost || (std::isfinite(*u.cost) && *u.cost >= 0 && *u.cost <= Usage::kMaxCostUsd));
    // The record round-trips, rejected values included.
    const Usage back = Usage::fromJson(u.toJson());
    QCOMPARE(back, u);
    QCOMPARE(back.toJson(), u.toJson());
}

void TestUsageValidation::throughChunkDecoder_data()
{
    QTest::addColumn<QByteArray>("usage");
    QTest::addColumn<QString>("rejectedField");
    QTest::newRow("completion -5") << R"({"prompt_tokens":3,"completion_tokens":-5})"_ba
                                   << u"completion_tokens"_s;
    QTest::newRow("cost -12.5") << R"({"prompt_tokens":3,"completion_tokens":5,"cost":-12.5})"_ba
                                << u"cost"_s;
    QTest::newRow("cost 1e308") << R"({"prompt_tokens":3,"completion_tokens":5,"cost":1e308})"_ba
                                << u"cost"_s;
    QTest::newRow("prompt \"-1\"") << R"({"prompt_tokens":"-1","completion_tokens":5})"_ba
                                   << u"prompt_tokens"_s;
}

void TestUsageValidation::throughChunkDecoder()
{
    QFETCH(QByteArray, usage);
    QFETCH(QString, rejectedField);
    const QByteArray payload =
        R"({"id":"gen-1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":)" +
        usage + "}";
    for (bool fast : {true, false}) {
        ChatChunk chunk;
        const bool ok =
            fast ? detail::decodeChatChunkFast(payload, chunk) : detail::decodeChatChunkSlow(payload, chunk);
        if (fast && !ok)
            continue; // the fast path may hand a payload to the slow one
        QVERIFY(ok);
        QVERIFY(chunk.usage);
        QVERIFY2(chunk.usage->hasRejected(rejectedField), fast ? "fast path" : "slow path");
        QVERIFY(!fieldValue(*chunk.usage, rejectedField));
        QVERIFY(!chunk.usage->cost || *chunk.usage->cost >= 0);
        QVERIFY(!chunk.usage->completionTokens || *chunk.usage->completionTokens >= 0);
    }
}

void TestUsageValidation::alternativeKeys()
{
    // input/output_tokens (Anthropic-style names) are validated the same way.
    const Usage u = Usage::fromJson(QJsonObject{{u"input_tokens"_s, -3}, {u"output_tokens"_s, 7}});
    QVERIFY(!u.promptTokens);
    QVERIFY(u.hasRejected(u"prompt_tokens"));
    QCOMPARE(u.completionTokens.value_or(-1), 7);
    QVERIFY(!u.totalTokens); // no total from an unknown part
}

void TestUsageValidation::rejectedNeverLarge()
{
    // A hostile server cannot make the record (stored, exported) carry megabytes.
    const QString huge(1 << 20, u'9');
    const Usage u =
        Usage::fromJson(QJsonObject{{u"cost"_s, huge}, {u"prompt_tokens"_s, u"x"_s.repeated(100000)}});
    QVERIFY(u.hasRejected(u"cost"));
    QVERIFY(QJsonDocument(u.toJson()).toJson().size() < 1024);
    // A "rejected" object read back keeps only known fields.
    const Usage r = Usage::fromJson(
        QJsonObject{{u"rejected"_s,
                     QJsonObject{{u"cost"_s, -1}, {u"evil"_s, huge}, {u"prompt_tokens"_s, QJsonObject{}}}}});
    QCOMPARE(r.rejected.keys(), (QStringList{u"cost"_s, u"prompt_tokens"_s}));
    QVERIFY(QJsonDocument(r.toJson()).toJson().size() < 1024);
}

void TestUsageValidation::sanitize_data()
{
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<double>("cost");
    QTest::addColumn<bool>("completionKept");
    QTest::addColumn<bool>("costKept");
    QTest::newRow("sane") << qint64(5) << 0.25 << true << true;
    QTest::newRow("negative tokens") << qint64(-5) << 0.25 << false << true;
    QTest::newRow("huge tokens") << qint64(9'000'000'000'000'000'000LL) << 0.25 << false << true;
    QTest::newRow("negative cost") << qint64(5) << -12.5 << true << false;
    QTest::newRow("huge cost") << qint64(5) << 1e308 << true << false;
    QTest::newRow("inf cost") << qint64(5) << std::numeric_limits<double>::infinity() << true << false;
    QTest::newRow("nan cost") << qint64(5) << std::numeric_limits<double>::quiet_NaN() << true << false;
}

void TestUsageValidation::sanitize()
{
    QFETCH(qint64, completion);
    QFETCH(double, cost);
    QFETCH(bool, completionKept);
    QFETCH(bool, costKept);
    // As a row written by an older version reads back.
    Usage u;
    u.promptTokens = 10;
    u.completionTokens = completion;
    u.cost = cost;
    u.sanitize();
    QCOMPARE(u.completionTokens.has_value(), completionKept);
    QCOMPARE(u.hasRejected(u"completion_tokens"), !completionKept);
    QCOMPARE(u.cost.has_value(), costKept);
    QCOMPARE(u.hasRejected(u"cost"), !costKept);
    QCOMPARE(u.totalTokens.has_value(), completionKept);
    if (u.totalTokens)
        QCOMPARE(*u.totalTokens, 10 + completion);
    const Usage back = Usage::fromJson(u.toJson());
    QCOMPARE(back, u);
}

void TestUsageValidation::streamStats_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("validAsMs");
    QTest::addColumn<bool>("validAsRate");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("0") << 0.0 << true << true;
    QTest::newRow("typical") << 350.5 << true << true;
    QTest::newRow("negative") << -42.0 << false << false;
    QTest::newRow("inf") << inf << false << false;
    QTest::newRow("-inf") << -inf << false << false;
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << false << false;
    QTest::newRow("two days in ms") << 2.0 * 24 * 3600 * 1000 << false << false;
    QTest::newRow("500000") << 500000.0 << true << true;
    QTest::newRow("1e12") << 1e12 << false << false;
}

void TestUsageValidation::streamStats()
{
    QFETCH(double, value);
    QFETCH(bool, validAsMs);
    QFETCH(bool, validAsRate);
    QCOMPARE(Usage::validDurationMs(value).has_value(), validAsMs);
    QCOMPARE(Usage::validTokensPerSecond(value).has_value(), validAsRate);
    QVERIFY(!Usage::validDurationMs(std::nullopt));
    QVERIFY(!Usage::validTokensPerSecond(std::nullopt));
}

QTEST_GUILESS_MAIN(TestUsageValidation)
#include "TestUsageValidation.moc"
