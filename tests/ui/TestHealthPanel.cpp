// The Health panel against the simulator over loopback: one row per provider of /health (checked
// against the simulator's JSON read independently), problems sorted first and sorting by latency,
// the gateway summary line, rate-limit figures from the client, auto-refresh only while visible,
// a gateway without /health, and a workspace switch that clears and refills the panel.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/SecretStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"
#include "ui/account/HealthPanel.h"

#include <QApplication>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestHealthPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rowsFromSimulatorHealth();
    void sortsByLatency();
    void autoRefreshOnlyWhileVisible();
    void gatewayWithoutHealth();
    void workspaceSwitchClearsAndRefills();
    void describeRateLimit_data();
    void describeRateLimit();
    void screenshot();

private:
    std::unique_ptr<AppContext> makeContext();
    Workspace workspace(const QString& id, const QUrl& url) const;
    QJsonArray simProviders(const test::SimFixture& sim);

    test::SimFixture m_sim;
    test::SimFixture m_noHealth;
    test::ContextFixture m_contexts{u"health"_s};
};

void TestHealthPanel::initTestCase()
{
    test::initHermeticEnvironment();
    QLocale::setDefault(QLocale::c());
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    auto config = test::SimFixture::fastConfig();
    config.offerHealth = false;
    QVERIFY(m_noHealth.start(config));
}

std::unique_ptr<AppContext> TestHealthPanel::makeContext()
{
    auto ctx = m_contexts.make();
    return ctx;
}

Workspace TestHealthPanel::workspace(const QString& id, const QUrl& url) const
{
    Workspace ws;
    ws.id = id;
    ws.name = id;
    ws.kind = Workspace::Kind::Environment;
    ws.baseUrl = url;
    return ws;
}

// The simulator's /health read with a plain QNetworkAccessManager, not through the app's parser.
QJsonArray TestHealthPanel::simProviders(const test::SimFixture& sim)
{
    QNetworkAccessManager nam;
    QNetworkReply* reply = nam.get(QNetworkRequest(QUrl(sim.baseUrl().toString() + u"/health"_s)));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(10000))
        return {};
    const QJsonArray providers =
        QJsonDocument::fromJson(reply->readAll()).object().value(u"providers"_s).toArray();
    reply->deleteLater();
    return providers;
}

void TestHealthPanel::rowsFromSimulatorHealth()
{
    const QJsonArray expected = simProviders(m_sim);
    QVERIFY(expected.size() >= 5);
    int degraded = 0;
    for (const QJsonValue& v : expected)
        degraded += v.toObject().value(u"status"_s).toString() == u"degraded"_s;
    QVERIFY(degraded > 0); // the simulator always reports some trouble

    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    HealthPanel panel(ctx.get());
    QSignalSpy finished(&panel, &HealthPanel::refreshFinished);
    panel.resize(800, 600);
    panel.show();
    QVERIFY(ctx->workspaces()->select(u"a"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.last().at(0).toBool(), true);

    QTableWidget* table = panel.providerTable();
    QCOMPARE(table->rowCount(), int(expected.size()));
    for (const QJsonValue& v : expected) {
        const QJsonObject p = v.toObject();
        // Shown by the gateway's display name, with the slug in the tooltip.
        const QString name = p.value(u"display_name"_s).toString();
        QVERIFY(!name.isEmpty());
        const auto found = table->findItems(name, Qt::MatchExactly);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first()->toolTip(), p.value(u"name"_s).toString());
        const int row = found.first()->row();
        const bool isDegraded = p.value(u"status"_s).toString() == u"degraded"_s;
        QCOMPARE(table->item(row, 1)->text(), isDegraded ? u"Degraded"_s : u"OK"_s);
        QVERIFY(!table->item(row, 1)->icon().isNull()); // the coloured dot
        QCOMPARE(table->item(row, 2)->text(), u"%1 ms"_s.arg(p.value(u"latency_ms"_s).toInt()));
    }
    // Problems first: sorted by status ascending.
    for (int row = 0; row < table->rowCount(); ++row)
        QCOMPARE(table->item(row, 1)->text() == u"Degraded"_s, row < degraded);

    QCOMPARE(panel.gatewayStatusText(),
             u"Gateway: OK — %1 providers: %2 OK, %3 degraded"_s.arg(expected.size())
                 .arg(expected.size() - degraded)
                 .arg(degraded));
    QVERIFY(panel.lastChecked().isValid());
    // The /health reply carried the simulator's rate-limit headers (600 a minute by default).
    QVERIFY2(panel.rateLimitText().startsWith(u"Rate limit: "_s) &&
                 panel.rateLimitText().contains(u" of 600 requests left in this window; resets at "_s),
             qPrintable(panel.rateLimitText()));
}

void TestHealthPanel::sortsByLatency()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    HealthPanel panel(ctx.get());
    QSignalSpy finished(&panel, &HealthPanel::refreshFinished);
    panel.show();
    QVERIFY(ctx->workspaces()->select(u"a"_s));
    QVERIFY(finished.wait(10000));
    QTableWidget* table = panel.providerTable();
    QVERIFY(table->rowCount() > 2);
    table->sortByColumn(2, Qt::AscendingOrder);
    // Numeric order, not text order ("1500 ms" after "95 ms").
    for (int row = 1; row < table->rowCount(); ++row) {
        const int prev = table->item(row - 1, 2)->text().chopped(3).toInt();
        const int cur = table->item(row, 2)->text().chopped(3).toInt();
        QVERIFY2(prev <= cur, qPrintable(u"%1 > %2"_s.arg(prev).arg(cur)));
    }
    // A refresh keeps the user's sort.
    panel.refresh();
    QVERIFY(finished.wait(10000));
    QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), 2);
    QVERIFY(table->item(0, 2)->text().chopped(3).toInt() <= table->item(1, 2)->text().chopped(3).toInt());
}

void TestHealthPanel::autoRefreshOnlyWhileVisible()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    HealthPanel panel(ctx.get());
    QCOMPARE(panel.autoRefreshInterval(), 60'000);
    QVERIFY(!panel.isAutoRefreshActive());
    panel.setAutoRefreshInterval(40);
    QVERIFY(ctx->workspaces()->select(u"a"_s));
    QVERIFY(!panel.isAutoRefreshActive()); // hidden: no polling

    QSignalSpy finished(&panel, &HealthPanel::refreshFinished);
    panel.show();
    QVERIFY(panel.isAutoRefreshActive());
    QTRY_VERIFY_WITH_TIMEOUT(finished.size() >= 3, 10000); // first check on show, then the timer
    panel.hide();
    QVERIFY(!panel.isAutoRefreshActive());
    panel.show();
    QVERIFY(panel.isAutoRefreshActive());
}

void TestHealthPanel::gatewayWithoutHealth()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"n"_s, m_noHealth.baseUrl()), sim::fullKey());
    HealthPanel panel(ctx.get());
    QSignalSpy finished(&panel, &HealthPanel::refreshFinished);
    panel.show();
    QVERIFY(ctx->workspaces()->select(u"n"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(panel.gatewayStatusText(),
             u"This gateway does not offer a health endpoint (/health), so gateway "
             "and provider status are unknown."_s);
    QCOMPARE(panel.providerTable()->rowCount(), 0);
}

void TestHealthPanel::workspaceSwitchClearsAndRefills()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_sim.baseUrl()), sim::fullKey());
    ctx->workspaces()->addEphemeral(workspace(u"n"_s, m_noHealth.baseUrl()), sim::fullKey());
    HealthPanel panel(ctx.get());
    QSignalSpy finished(&panel, &HealthPanel::refreshFinished);
    panel.show();
    QVERIFY(ctx->workspaces()->select(u"a"_s));
    QVERIFY(finished.wait(10000));
    QVERIFY(panel.providerTable()->rowCount() > 0);
    QVERIFY(panel.rateLimitText().contains(u"requests left"_s));

    QVERIFY(ctx->workspaces()->select(u"n"_s));
    // At once: the old workspace's rows and rate-limit figures are gone.
    QCOMPARE(panel.providerTable()->rowCount(), 0);
    QVERIFY(!panel.rateLimitText().contains(u"requests left"_s));
    QVERIFY(finished.wait(10000));
    QVERIFY(panel.gatewayStatusText().startsWith(u"This gateway does not offer a health endpoint"_s));

    QVERIFY(ctx->workspaces()->select(u"a"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(panel.providerTable()->rowCount(), int(simProviders(m_sim).size()));
}

void TestHealthPanel::describeRateLimit_data()
{
    QTest::addColumn<qint64>("limit"); // -1: absent
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<qint64>("upstream");
    QTest::addColumn<QString>("text");
    QTest::newRow("none") << qint64(-1) << qint64(-1) << qint64(-1)
                          << u"no figures yet (the gateway sends them with its replies)."_s;
    QTest::newRow("limit and remaining")
        << qint64(600) << qint64(598) << qint64(-1) << u"598 of 600 requests left in this window."_s;
    QTest::newRow("remaining only") << qint64(-1) << qint64(12) << qint64(-1)
                                    << u"12 requests left in this window."_s;
    QTest::newRow("limit only") << qint64(60) << qint64(-1) << qint64(-1) << u"60 requests per window."_s;
    QTest::newRow("with upstream") << qint64(60) << qint64(0) << qint64(40)
                                   << u"0 of 60 requests left in this window; upstream provider: 40 left."_s;
}

void TestHealthPanel::describeRateLimit()
{
    QFETCH(qint64, limit);
    QFETCH(qint64, remaining);
    QFETCH(qint64, upstream);
    QFETCH(QString, text);
    RateLimitInfo info;
    if (limit >= 0)
        info.limit = limit;
    if (remaining >= 0)
        info.remaining = remaining;
    if (upstream >= 0)
        info.upstreamRemaining = upstream;
    QCOMPARE(HealthPanel::describeRateLimit(info), text);
}

void TestHealthPanel::screenshot()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"Demo"_s, m_sim.baseUrl()), sim::fullKey());
    HealthPanel panel(ctx.get());
    QSignalSpy finished(&panel, &HealthPanel::refreshFinished);
    panel.resize(760, 620);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(ctx->workspaces()->select(u"Demo"_s));
    QVERIFY(finished.wait(10000));
    const QImage image = panel.grab().toImage();
    QVERIFY(!image.isNull());
    const QString dir = qEnvironmentVariable("ANYROUTER_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(image.save(dir + u"/health-panel.png"_s));
}

QTEST_MAIN(TestHealthPanel)
#include "TestHealthPanel.moc"
