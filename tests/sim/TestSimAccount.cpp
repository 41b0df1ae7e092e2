// Tests of the simulator's account side: key tiers (401/403), per-key rate limits and their
// headers, credits in both shapes, the /keys lifecycle, device login, /activity, /health and the
// "gateway lacks this endpoint" switches.
#include "ApiCaller.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace anyrouter;
using namespace anyrouter::test;

class TestSimAccount : public QObject
{
    Q_OBJECT

private:
    SimFixture m_sim;

private slots:
    void initTestCase() { initHermeticEnvironment(); }

    void init() { QVERIFY(m_sim.start(SimFixture::fastConfig())); }

    void cleanup() { m_sim.stop(); }

    void permissions_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("status");
        const QString none;
        QTest::newRow("models, no key") << "GET"_ba << u"/models"_s << none << 401;
        QTest::newRow("models, unknown key") << "GET"_ba << u"/models"_s << u"sk-ar-v1-unknown"_s << 401;
        QTest::newRow("models, inference") << "GET"_ba << u"/models"_s << sim::inferenceKey() << 200;
        QTest::newRow("models, management") << "GET"_ba << u"/models"_s << sim::managementKey() << 200;
        QTest::newRow("credits, inference") << "GET"_ba << u"/credits"_s << sim::inferenceKey() << 403;
        QTest::newRow("credits, management") << "GET"_ba << u"/credits"_s << sim::managementKey() << 200;
        QTest::newRow("credits, full") << "GET"_ba << u"/credits"_s << sim::fullKey() << 200;
        QTest::newRow("keys, inference") << "GET"_ba << u"/keys"_s << sim::inferenceKey() << 403;
        QTest::newRow("keys, management") << "GET"_ba << u"/keys"_s << sim::managementKey() << 200;
        QTest::newRow("activity, inference") << "GET"_ba << u"/activity"_s << sim::inferenceKey() << 403;
        QTest::newRow("activity, full") << "GET"_ba << u"/activity"_s << sim::fullKey() << 200;
        QTest::newRow("health, no key") << "GET"_ba << u"/health"_s << none << 200;
        QTest::newRow("unknown endpoint") << "GET"_ba << u"/nothing-here"_s << sim::fullKey() << 404;
        QTest::newRow("wrong method") << "DELETE"_ba << u"/models"_s << sim::fullKey() << 405;
    }

    void permissions()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QString, key);
        QFETCH(int, status);
        ApiCaller api(m_sim.baseUrl(), key);
        const ApiResult r = api.call(method, path);
        QCOMPARE(r.status, status);
        if (status >= 400) {
            const QJsonObject e = r.object().value(u"error"_s).toObject();
            QVERIFY(!e.value(u"message"_s).toString().isEmpty());
            if (status == 401)
                QCOMPARE(e.value(u"type"_s).toString(), u"authentication_error"_s);
            if (status == 403)
                QCOMPARE(e.value(u"type"_s).toString(), u"permission_error"_s);
        }
    }

    void unauthorizedEnvelopeIsExact()
    {
        ApiCaller api(m_sim.baseUrl(), u"sk-ar-v1-bogus"_s);
        const ApiResult r = api.get(u"/models"_s);
        QCOMPARE(r.status, 401);
        QCOMPARE(
            r.json(),
            QJsonDocument::fromJson(
                R"({"error":{"message":"Invalid API key","type":"authentication_error","code":"invalid_api_key","param":null}})"));
    }

    void xApiKeyHeader()
    {
        ApiCaller api(m_sim.baseUrl(), QString());
        QCOMPARE(api.get(u"/models/count"_s, {{"x-api-key"_ba, sim::inferenceKey().toUtf8()}}).status, 200);
    }

    void rateLimit()
    {
        m_sim.server()->config().rateLimitPerMinute = 3;
        ApiCaller api(m_sim.baseUrl(), sim::inferenceKey());
        for (int i = 1; i <= 3; ++i) {
            const ApiResult r = api.get(u"/models/count"_s);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.header("x-ratelimit-limit"), "3"_ba);
            QCOMPARE(r.header("x-ratelimit-remaining").toInt(), 3 - i);
            const int reset = r.header("x-ratelimit-reset").toInt();
            QVERIFY(reset >= 1 && reset <= 60);
        }
        const ApiResult limited = api.get(u"/models/count"_s);
        QCOMPARE(limited.status, 429);
        QVERIFY(limited.header("retry-after").toInt() >= 1);
        QCOMPARE(limited.header("x-ratelimit-remaining"), "0"_ba);
        QCOMPARE(limited.object().value(u"error"_s).toObject().value(u"type"_s).toString(),
                 u"rate_limit_error"_s);
        // Per key: another key has its own budget.
        api.setKey(sim::fullKey());
        QCOMPARE(api.get(u"/models/count"_s).status, 200);
        // Every response carries the headers, errors included.
        api.setKey(u"sk-ar-v1-bogus"_s);
        QVERIFY(!api.get(u"/models/count"_s).header("x-ratelimit-limit").isEmpty());
    }

    void credits_data()
    {
        QTest::addColumn<sim::CreditsShape>("shape");
        QTest::newRow("balance") << sim::CreditsShape::Balance;
        QTest::newRow("openrouter") << sim::CreditsShape::OpenRouterData;
    }

    void credits()
    {
        QFETCH(sim::CreditsShape, shape);
        m_sim.server()->config().creditsShape = shape;
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        auto remaining = [&] {
            const QJsonObject o = api.get(u"/credits"_s).object();
            // -1 when the shape is not the configured one, so the comparisons below fail.
            if (shape == sim::CreditsShape::Balance) {
                if (!o.value(u"balance"_s).isDouble() || !o.value(u"total_usage"_s).isDouble())
                    return -1.0;
                return o.value(u"balance"_s).toDouble();
            }
            const QJsonObject data = o.value(u"data"_s).toObject();
            if (!data.value(u"total_credits"_s).isDouble() || !data.value(u"total_usage"_s).isDouble())
                return -1.0;
            return data.value(u"total_credits"_s).toDouble() - data.value(u"total_usage"_s).toDouble();
        };
        QCOMPARE(remaining(), 25.0);
        QCOMPARE(
            api.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4"_s, u"Spend [[tokens=100]]"_s)).status,
            200);
        const double after = remaining();
        QVERIFY(after < 25.0);
        QCOMPARE(after, m_sim.server()->balance());
        m_sim.server()->setBalance(3.5);
        QCOMPARE(remaining(), 3.5);
    }

    void keysLifecycle()
    {
        ApiCaller admin(m_sim.baseUrl(), sim::managementKey());
        const QJsonArray seeded = admin.get(u"/keys"_s).object().value(u"data"_s).toArray();
        QCOMPARE(seeded.size(), 3);
        QString legacyHash;
        for (const QJsonValue& v : seeded) {
            const QJsonObject row = v.toObject();
            for (const QString& field : {u"hash"_s, u"name"_s, u"label"_s, u"key_prefix"_s, u"created_at"_s,
                                         u"last_used_at"_s, u"disabled"_s, u"can_reveal"_s, u"limit"_s,
                                         u"limit_remaining"_s, u"limit_reset"_s, u"usage"_s, u"expires_at"_s})
                QVERIFY2(row.contains(field), qPrintable(field));
            if (!row.value(u"can_reveal"_s).toBool())
                legacyHash = row.value(u"hash"_s).toString();
        }
        QVERIFY(!legacyHash.isEmpty());
        QCOMPARE(admin.call("POST", u"/keys/"_s + legacyHash + u"/reveal"_s).status, 409);

        // Create: the secret comes back once, and works for inference.
        const ApiResult created = admin.post(
            u"/keys"_s,
            QJsonObject{{u"name"_s, u"qt-client"_s}, {u"limit"_s, 5.0}, {u"limit_reset"_s, u"monthly"_s}});
        QCOMPARE(created.status, 201);
        const QString secret = created.object().value(u"key"_s).toString();
        const QJsonObject row = created.object().value(u"data"_s).toObject();
        const QString hash = row.value(u"hash"_s).toString();
        QVERIFY(secret.startsWith(u"sk-ar-v1-"_s));
        QCOMPARE(row.value(u"name"_s).toString(), u"qt-client"_s);
        QCOMPARE(row.value(u"limit"_s).toDouble(), 5.0);
        QCOMPARE(row.value(u"limit_reset"_s).toString(), u"monthly"_s);
        QVERIFY(secret.startsWith(row.value(u"key_prefix"_s).toString()));
        QVERIFY(!admin.get(u"/keys"_s).body.contains(secret.toUtf8())); // never listed again
        QCOMPARE(admin.post(u"/keys"_s, QJsonObject{{u"name"_s, u"qt-client"_s}}).status, 409);
        QCOMPARE(admin.post(u"/keys"_s, QJsonObject{{u"limit"_s, 1}}).status, 400);

        ApiCaller user(m_sim.baseUrl(), secret);
        QCOMPARE(user.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s)).status, 200);
        QCOMPARE(user.get(u"/keys"_s).status, 403); // a plain inference key
        QCOMPARE(admin.get(u"/keys"_s).object().value(u"data"_s).toArray().size(), 4);
        // Its spend shows up on the row.
        const ApiResult one = admin.get(u"/keys/"_s + hash);
        QVERIFY(one.object().value(u"data"_s).toObject().value(u"usage"_s).toDouble() > 0);
        QVERIFY(one.object().value(u"data"_s).toObject().value(u"limit_remaining"_s).toDouble() < 5.0);

        // Update, disable, re-enable.
        const ApiResult renamed =
            admin.call("PATCH", u"/keys/"_s + hash, R"({"name":"renamed","disabled":true})"_ba);
        QCOMPARE(renamed.status, 200);
        QCOMPARE(renamed.object().value(u"data"_s).toObject().value(u"name"_s).toString(), u"renamed"_s);
        QVERIFY(renamed.object().value(u"data"_s).toObject().value(u"disabled"_s).toBool());
        QCOMPARE(user.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s)).status, 401);
        QCOMPARE(admin.call("PATCH", u"/keys/"_s + hash, R"({"disabled":false})"_ba).status, 200);
        QCOMPARE(user.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s)).status, 200);
        QCOMPARE(admin.call("PATCH", u"/keys/"_s + hash, R"({"limit_reset":"hourly"})"_ba).status, 400);

        // Reveal, delete; then the key is dead.
        const ApiResult revealed = admin.call("POST", u"/keys/"_s + hash + u"/reveal"_s);
        QCOMPARE(revealed.status, 200);
        QCOMPARE(revealed.object().value(u"key"_s).toString(), secret);
        const ApiResult deleted = admin.call("DELETE", u"/keys/"_s + hash);
        QCOMPARE(deleted.status, 200);
        QCOMPARE(deleted.object().value(u"deleted"_s).toBool(), true);
        QCOMPARE(user.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s)).status, 401);
        QCOMPARE(admin.get(u"/keys"_s).object().value(u"data"_s).toArray().size(), 3);

        for (const QByteArray& method : {"PATCH"_ba, "DELETE"_ba})
            QCOMPARE(admin.call(method, u"/keys/deadbeef"_s, "{}"_ba).status, 404);
        QCOMPARE(admin.call("POST", u"/keys/deadbeef/reveal"_s).status, 404);
    }

    void keyLimitEnforced()
    {
        ApiCaller admin(m_sim.baseUrl(), sim::fullKey());
        const ApiResult created =
            admin.post(u"/keys"_s, QJsonObject{{u"name"_s, u"tiny"_s}, {u"limit"_s, 0.0}});
        ApiCaller user(m_sim.baseUrl(), created.object().value(u"key"_s).toString());
        const ApiResult r = user.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s));
        QCOMPARE(r.status, 402);
    }

    void deviceLogin()
    {
        ApiCaller anon(m_sim.baseUrl(), QString());
        const ApiResult started =
            anon.post(u"/auth/cli/device/start"_s, QJsonObject{{u"tool"_s, u"desktop"_s}});
        QCOMPARE(started.status, 200);
        const QJsonObject s = started.object();
        const QString deviceCode = s.value(u"device_code"_s).toString();
        const QString userCode = s.value(u"user_code"_s).toString();
        QVERIFY(!deviceCode.isEmpty());
        QVERIFY(QRegularExpression(u"^[A-Z]{4}-[0-9]{4}$"_s).match(userCode).hasMatch());
        QCOMPARE(s.value(u"verification_uri"_s).toString(),
                 m_sim.server()->originUrl().toString() + u"/cli/device"_s);
        QVERIFY(s.value(u"verification_uri_complete"_s).toString().endsWith(u"?code="_s + userCode));
        QCOMPARE(s.value(u"interval"_s).toInt(), 1);
        QCOMPARE(s.value(u"expires_in"_s).toInt(), 600);
        QCOMPARE(m_sim.server()->lastDeviceUserCode(), userCode);

        const QJsonObject poll{{u"device_code"_s, deviceCode}};
        const ApiResult pending = anon.post(u"/auth/cli/device/token"_s, poll);
        QCOMPARE(pending.status, 400);
        QCOMPARE(pending.object().value(u"error"_s).toString(), u"authorization_pending"_s);
        const ApiResult tooFast = anon.post(u"/auth/cli/device/token"_s, poll);
        QCOMPARE(tooFast.object().value(u"error"_s).toString(), u"slow_down"_s);

        m_sim.server()->approveDevice(userCode);
        const ApiResult approved = anon.post(u"/auth/cli/device/token"_s, poll);
        QCOMPARE(approved.status, 200);
        const QString key = approved.object().value(u"key"_s).toString();
        QVERIFY(key.startsWith(u"sk-ar-v1-"_s));
        ApiCaller full(m_sim.baseUrl(), key);
        QCOMPARE(full.get(u"/keys"_s).status, 200); // device keys have full access
        QCOMPARE(full.post(u"/chat/completions"_s, chatBody(u"openai/gpt-5.4-mini"_s, u"Hi"_s)).status, 200);
        QCOMPARE(anon.post(u"/auth/cli/device/token"_s, poll).object().value(u"error"_s).toString(),
                 u"expired_token"_s);
        QCOMPARE(anon.post(u"/auth/cli/device/token"_s, QJsonObject{{u"device_code"_s, u"dc_nope"_s}}).status,
                 400);
    }

    void deviceLoginOutcomes_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::newRow("approve via page") << u"page"_s << 200 << QString();
        QTest::newRow("deny via page") << u"page-deny"_s << 400 << u"access_denied"_s;
        QTest::newRow("deny via hook") << u"deny"_s << 400 << u"access_denied"_s;
        QTest::newRow("expire via hook") << u"expire"_s << 400 << u"expired_token"_s;
    }

    void deviceLoginOutcomes()
    {
        QFETCH(QString, how);
        QFETCH(int, status);
        QFETCH(QString, error);
        ApiCaller anon(m_sim.baseUrl(), QString());
        const QJsonObject s = anon.post(u"/auth/cli/device/start"_s, {}).object();
        const QString userCode = s.value(u"user_code"_s).toString();
        if (how.startsWith(u"page"_s)) {
            QNetworkAccessManager nam;
            QUrl page(s.value(u"verification_uri_complete"_s).toString());
            if (how == u"page-deny"_s)
                page = QUrl(page.toString() + u"&action=deny"_s);
            QNetworkReply* reply = nam.get(QNetworkRequest(page));
            QTRY_VERIFY(reply->isFinished());
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(u"text/html"_s));
            reply->deleteLater();
        } else if (how == u"deny"_s) {
            m_sim.server()->denyDevice(userCode);
        } else {
            m_sim.server()->expireDevice(userCode);
        }
        const ApiResult r = anon.post(u"/auth/cli/device/token"_s,
                                      QJsonObject{{u"device_code"_s, s.value(u"device_code"_s)}});
        QCOMPARE(r.status, status);
        if (!error.isEmpty())
            QCOMPARE(r.object().value(u"error"_s).toString(), error);
        else
            QVERIFY(!r.object().value(u"key"_s).toString().isEmpty());
    }

    void activity()
    {
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const QJsonArray seeded = api.get(u"/activity"_s).object().value(u"data"_s).toArray();
        QVERIFY(seeded.size() >= 30);
        const QDate today = QDateTime::currentDateTimeUtc().date();
        QSet<QString> days;
        for (const QJsonValue& v : seeded) {
            const QJsonObject row = v.toObject();
            const QDate date = QDate::fromString(row.value(u"date"_s).toString(), Qt::ISODate);
            QVERIFY(date.isValid());
            QVERIFY(date < today && date >= today.addDays(-30));
            days.insert(row.value(u"date"_s).toString());
            for (const QString& field : {u"model"_s, u"model_permaslug"_s, u"provider_name"_s})
                QVERIFY(!row.value(field).toString().isEmpty());
            for (const QString& field : {u"usage"_s, u"requests"_s, u"prompt_tokens"_s,
                                         u"completion_tokens"_s, u"reasoning_tokens"_s})
                QVERIFY2(row.value(field).isDouble(), qPrintable(field));
            QVERIFY(row.value(u"requests"_s).toInt() > 0);
        }
        QCOMPARE(days.size(), 30);
        // Deterministic for a seed.
        SimFixture twin;
        QVERIFY(twin.start(SimFixture::fastConfig()));
        QCOMPARE(ApiCaller(twin.baseUrl(), sim::fullKey()).get(u"/activity"_s).body,
                 api.get(u"/activity"_s).body);

        // A served request appears under today's date.
        QCOMPARE(
            api.post(u"/chat/completions"_s, chatBody(u"x-ai/grok-4"_s, u"Log me [[tokens=9]]"_s)).status,
            200);
        const QString todayText = today.toString(Qt::ISODate);
        const QJsonArray todays =
            api.get(u"/activity?date="_s + todayText).object().value(u"data"_s).toArray();
        QCOMPARE(todays.size(), 1);
        const QJsonObject row = todays.at(0).toObject();
        QCOMPARE(row.value(u"model"_s).toString(), u"x-ai/grok-4"_s);
        QCOMPARE(row.value(u"requests"_s).toInt(), 1);
        QCOMPARE(row.value(u"completion_tokens"_s).toInt(), 9);
        QVERIFY(row.value(u"usage"_s).toDouble() > 0);
        QCOMPARE(api.get(u"/activity?date=yesterday"_s).status, 400);

        sim::SimConfig noHistory = SimFixture::fastConfig();
        noHistory.seedActivityHistory = false;
        QVERIFY(twin.start(noHistory));
        QCOMPARE(ApiCaller(twin.baseUrl(), sim::fullKey())
                     .get(u"/activity"_s)
                     .object()
                     .value(u"data"_s)
                     .toArray()
                     .size(),
                 0);
    }

    void health()
    {
        ApiCaller api(m_sim.baseUrl(), QString());
        const QJsonObject h = api.get(u"/health"_s).object();
        QCOMPARE(h.value(u"status"_s).toString(), u"ok"_s);
        const QJsonArray providers = h.value(u"providers"_s).toArray();
        QVERIFY(providers.size() >= 10);
        int degraded = 0;
        for (const QJsonValue& v : providers) {
            const QJsonObject p = v.toObject();
            QVERIFY(!p.value(u"name"_s).toString().isEmpty());
            QVERIFY(p.value(u"latency_ms"_s).toInt() > 0);
            degraded += p.value(u"status"_s).toString() == u"degraded"_s ? 1 : 0;
        }
        QCOMPARE(degraded, 2);
    }

    void gatewayLacksEndpoints_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("which");
        QTest::newRow("activity") << u"/activity"_s << 0;
        QTest::newRow("generation") << u"/generation?id=x"_s << 1;
        QTest::newRow("health") << u"/health"_s << 2;
        QTest::newRow("keys") << u"/keys"_s << 3;
    }

    void gatewayLacksEndpoints()
    {
        QFETCH(QString, path);
        QFETCH(int, which);
        sim::SimConfig cfg = SimFixture::fastConfig();
        bool* flags[] = {&cfg.offerActivity, &cfg.offerGeneration, &cfg.offerHealth, &cfg.offerKeys};
        *flags[which] = false;
        QVERIFY(m_sim.start(cfg));
        ApiCaller api(m_sim.baseUrl(), sim::fullKey());
        const ApiResult r = api.get(path);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.object().value(u"error"_s).toObject().value(u"type"_s).toString(), u"not_found_error"_s);
        QCOMPARE(api.get(u"/models/count"_s).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestSimAccount)
#include "TestSimAccount.moc"
