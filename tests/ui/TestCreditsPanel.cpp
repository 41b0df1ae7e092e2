// The Credits panel against the simulator over loopback, observing the session's AccountStatus: both
// /credits shapes, a snapshot stored at most every 10 minutes, the forecast for a seeded snapshot
// history (top-up included) and for a seeded ledger, the low-balance warning and its persisted
// threshold, 403 with the inference-only key (plus the settings request), a gateway without /credits,
// workspace switches that re-bind at once, and a late reply for the previous workspace that is
// dropped. Figures are worked out by hand.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/api/Clock.h"
#include "core/storage/BalanceHistory.h"
#include "core/storage/SecretStore.h"
#include "core/storage/Settings.h"
#include "core/storage/UsageLedger.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"
#include "ui/account/CreditsPanel.h"
#include "ui/common/Format.h"

#include <QApplication>
#include <QChartView>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::sim::CreditsShape)

namespace {

// 2026-01-10 12:00 UTC: the panel's "now" in every test (ManualClock).
constexpr qint64 kNowMs = 1'768'046'400'000LL;

QDateTime hoursBefore(double h)
{
    return QDateTime::fromMSecsSinceEpoch(kNowMs - qint64(h * 3'600'000.0), Qt::UTC);
}

// Re-worded wrapping labels take more than one layout pass to get their height; a screenshot waits
// for that (the running app gets there by itself).
bool layoutSettled(QWidget* w)
{
    const auto labels = w->findChildren<QLabel*>();
    return std::all_of(labels.begin(), labels.end(), [](QLabel* l) {
        return !l->isVisible() || !l->wordWrap() || l->height() >= l->heightForWidth(l->width());
    });
}

} // namespace

class TestCreditsPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void bothCreditShapes_data();
    void bothCreditShapes();
    void snapshotAtMostEveryTenMinutes();
    void balanceIsReadAgainWhileTheAppRuns();
    void forecastFromSeededSnapshots();
    void lowBalanceSignalAndThreshold();
    void inferenceKeyGets403AndLedgerForecast();
    void quietStartOfTheWeekIsNotShortHistory();
    void gatewayWithoutCredits();
    void workspaceSwitchRebinds();
    void lateReplyForPreviousWorkspaceIsIgnored();
    void panelCreatedLateFetchesWhenShown();
    void chartHoverShowsExactValues();
    void screenshot();

private:
    std::unique_ptr<AppContext> makeContext();
    Workspace workspace(const QString& id, const QString& name, const QUrl& url) const;
    std::unique_ptr<CreditsPanel> makePanel(AppContext* ctx);
    // Selects `id`; the session's AccountStatus stamps readings with the test clock.
    bool select(AppContext* ctx, const QString& id);
    void spendOnSim(test::SimFixture& sim);

    test::SimFixture m_sim;
    test::SimFixture m_sim2;
    std::unique_ptr<ManualClock> m_clock; // fresh per test: every test starts at kNowMs
    test::ContextFixture m_contexts{u"credits"_s};
};

void TestCreditsPanel::initTestCase()
{
    test::initHermeticEnvironment();
    QLocale::setDefault(QLocale::c());
    auto config = test::SimFixture::fastConfig();
    config.initialBalance = 25.0;
    QVERIFY(m_sim.start(config));
    config.initialBalance = 7.0;
    QVERIFY(m_sim2.start(config));
    // Some spend, so total usage is not zero and the balance is below the credits ever granted.
    spendOnSim(m_sim);
}

void TestCreditsPanel::init()
{
    m_clock = std::make_unique<ManualClock>(kNowMs);
}

void TestCreditsPanel::spendOnSim(test::SimFixture& sim)
{
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(sim.baseUrl());
    client.setKeys(sim::fullKey());
    const QJsonObject body{{u"model"_s, u"anthropic/claude-sonnet-4.6"_s},
                           {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                  {u"content"_s, u"[[tokens=400]] Hi"_s}}}}};
    ApiReply* reply = client.send("POST", u"/chat/completions"_s, KeyRole::Inference, body);
    QSignalSpy done(reply, &ApiReply::finished);
    QVERIFY(done.wait(10000));
    QVERIFY(reply->isOk());
    QVERIFY(sim.server()->totalUsage() > 0);
}

std::unique_ptr<AppContext> TestCreditsPanel::makeContext()
{
    auto ctx = m_contexts.make();
    ctx->settings()->reset(Settings::Key::LowBalanceThreshold);
    return ctx;
}

Workspace TestCreditsPanel::workspace(const QString& id, const QString& name, const QUrl& url) const
{
    Workspace ws;
    ws.id = id;
    ws.name = name;
    ws.kind = Workspace::Kind::Environment; // ephemeral: keys in memory, no keychain round trip
    ws.baseUrl = url;
    return ws;
}

std::unique_ptr<CreditsPanel> TestCreditsPanel::makePanel(AppContext* ctx)
{
    auto panel = std::make_unique<CreditsPanel>(ctx);
    panel->setClock(m_clock.get());
    panel->resize(900, 640);
    return panel;
}

bool TestCreditsPanel::select(AppContext* ctx, const QString& id)
{
    if (!ctx->workspaces()->select(id) || !ctx->session())
        return false;
    ctx->session()->account()->setClock(m_clock.get()); // before the answer: it comes through the event loop
    return true;
}

void TestCreditsPanel::bothCreditShapes_data()
{
    QTest::addColumn<sim::CreditsShape>("shape");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("reportsTotalCredits");
    QTest::newRow("balance + total_usage, management key")
        << sim::CreditsShape::Balance << sim::managementKey() << false;
    QTest::newRow("data.total_credits + total_usage, full key")
        << sim::CreditsShape::OpenRouterData << sim::fullKey() << true;
}

void TestCreditsPanel::bothCreditShapes()
{
    QFETCH(sim::CreditsShape, shape);
    QFETCH(QString, key);
    QFETCH(bool, reportsTotalCredits);
    m_sim.server()->config().creditsShape = shape;
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Alpha"_s, m_sim.baseUrl()), key);
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QVERIFY(select(ctx.get(), u"a"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.last().at(0).toBool(), true);
    m_sim.server()->config().creditsShape = sim::CreditsShape::Balance;

    const double balance = m_sim.server()->balance();
    const double usage = m_sim.server()->totalUsage();
    QVERIFY(panel->credits());
    QVERIFY(qAbs(*panel->credits()->balance - balance) < 1e-9);
    QVERIFY(qAbs(*panel->credits()->totalUsage - usage) < 1e-9);
    QCOMPARE(panel->credits()->totalCredits.has_value(), reportsTotalCredits);
    if (reportsTotalCredits)
        QVERIFY(qAbs(*panel->credits()->totalCredits - 25.0) < 1e-9);
    QCOMPARE(panel->balanceText(), format::usd(balance));
    QVERIFY(balance < 25.0 && balance > 24.0); // one chat of 400 tokens costs well under a dollar

    const auto labels = panel->findChildren<QLabel*>();
    auto labelNamed = [&labels](const QString& name) -> QLabel* {
        for (QLabel* l : labels) {
            if (l->accessibleName() == name)
                return l;
        }
        return nullptr;
    };
    QVERIFY(labelNamed(u"Total credits"_s));
    QCOMPARE(labelNamed(u"Total credits"_s)->text(),
             reportsTotalCredits ? u"$25.00"_s : u"not reported by this gateway"_s);
    QCOMPARE(labelNamed(u"Total usage"_s)->text(), format::usd(usage));
    QVERIFY(panel->statusText().isEmpty());
}

void TestCreditsPanel::snapshotAtMostEveryTenMinutes()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Alpha"_s, m_sim.baseUrl()), sim::fullKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QVERIFY(select(ctx.get(), u"a"_s));
    QVERIFY(finished.wait(10000));

    BalanceHistory* history = ctx->balanceHistory();
    auto stored = history->list(u"a"_s, {}, {});
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.at(0).at.toMSecsSinceEpoch(), kNowMs);
    QVERIFY(qAbs(*stored.at(0).balance - m_sim.server()->balance()) < 1e-9);
    QVERIFY(qAbs(*stored.at(0).totalUsage - m_sim.server()->totalUsage()) < 1e-9);
    QCOMPARE(panel->chartPointCount(), 1);

    // Five minutes later: shown live, not stored.
    m_clock->advance(5 * 60'000);
    m_sim.server()->setBalance(24.0);
    panel->refresh();
    QVERIFY(finished.wait(10000));
    QCOMPARE(history->list(u"a"_s, {}, {}).size(), 1);
    QCOMPARE(panel->balanceText(), u"$24.00"_s);
    QCOMPARE(panel->chartPointCount(), 2); // the stored reading + the live one

    // Ten minutes after the first: stored.
    m_clock->advance(5 * 60'000);
    panel->refresh();
    QVERIFY(finished.wait(10000));
    stored = history->list(u"a"_s, {}, {});
    QCOMPARE(stored.size(), 2);
    QCOMPARE(*stored.at(1).balance, 24.0);
    QCOMPARE(panel->chartPointCount(), 2);

    m_sim.server()->setBalance(25.0 - m_sim.server()->totalUsage());
}

void TestCreditsPanel::forecastFromSeededSnapshots()
{
    auto ctx = makeContext();
    // Balance-only readings (the live reading's total usage has no earlier partner): 32 (192 h
    // ago) -> 30 (96 h) -> 40 (48 h, a $10 top-up: not spend) -> 27 (24 h) -> 25 now (live).
    // 192 h -> 96 h straddles the window start (168 h ago): 72/96 of the $2 drop = 1.50; then
    // 0 + 13 + 2 -> $16.50 in 7 days = $2.357 a day; $25 / 2.357 = 10.6 -> "about 10 days".
    BalanceHistory* history = ctx->balanceHistory();
    QVERIFY(history->record(u"a"_s, hoursBefore(192), 32.0, std::nullopt));
    QVERIFY(history->record(u"a"_s, hoursBefore(96), 30.0, std::nullopt));
    QVERIFY(history->record(u"a"_s, hoursBefore(48), 40.0, std::nullopt));
    QVERIFY(history->record(u"a"_s, hoursBefore(24), 27.0, std::nullopt));
    // Ledger rows of the same week do not matter: the gateway's readings cover the whole week.
    LedgerEntry e;
    e.at = hoursBefore(5);
    e.workspaceId = u"a"_s;
    e.cost = 100.0;
    QVERIFY(ctx->ledger()->record(e));

    const double savedBalance = m_sim.server()->balance();
    m_sim.server()->setBalance(25.0);
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Alpha"_s, m_sim.baseUrl()), sim::fullKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QVERIFY(select(ctx.get(), u"a"_s));
    QVERIFY(finished.wait(10000));
    m_sim.server()->setBalance(savedBalance);

    const BurnRate burn = panel->burnRate();
    QCOMPARE(burn.source, BurnRate::Source::BalanceDrops);
    QVERIFY(qAbs(burn.spend - 16.5) < 1e-9);
    QCOMPARE(burn.topUps, 1);
    QVERIFY(!burn.partial);
    QCOMPARE(panel->forecastText(),
             u"In the last 7 days you spent $16.50 ($2.36 a day); at that rate the balance "
             "of $25.00 lasts about 10 days."_s);
    QCOMPARE(panel->chartPointCount(), 5); // four seeded + the reading just stored
}

void TestCreditsPanel::lowBalanceSignalAndThreshold()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Alpha"_s, m_sim.baseUrl()), sim::fullKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QVERIFY(select(ctx.get(), u"a"_s));
    QSignalSpy low(ctx->session()->account(), &AccountStatus::lowBalanceChanged);
    QVERIFY(finished.wait(10000));
    // Default threshold $1 against a balance near $25: not low, as before the reading: no change.
    QVERIFY(low.isEmpty());
    QCOMPARE(panel->lowBalance().low, false);
    QCOMPARE(panel->lowBalance().message, QString());
    QLabel* banner = nullptr;
    for (QLabel* l : panel->findChildren<QLabel*>()) {
        if (l->accessibleName() == u"Low balance warning"_s)
            banner = l;
    }
    QVERIFY(banner);
    QVERIFY(banner->isHidden());

    auto* spin = panel->findChild<QDoubleSpinBox*>();
    QVERIFY(spin);
    QCOMPARE(spin->value(), 1.0);
    const double balance = m_sim.server()->balance();
    low.clear();
    spin->setValue(30.0);
    QCOMPARE(low.size(), 1);
    QCOMPARE(low.last().at(0).toBool(), true);
    QCOMPARE(low.last().at(1).toString(),
             u"Low balance: %1 left, below your warning level of $30.00."_s.arg(format::usd(balance)));
    QCOMPARE(ctx->settings()->lowBalanceThreshold(), 30.0); // persisted
    QVERIFY(panel->lowBalance().low);
    QVERIFY(!banner->isHidden());
    QCOMPARE(banner->text(), low.last().at(1).toString());

    // A new reading of the same balance changes nothing: no second signal, still low.
    low.clear();
    panel->refresh();
    QVERIFY(finished.wait(10000));
    QCOMPARE(low.size(), 0);
    QVERIFY(panel->lowBalance().low);

    // A fresh panel reads the stored threshold.
    auto second = makePanel(ctx.get());
    QCOMPARE(second->findChild<QDoubleSpinBox*>()->value(), 30.0);

    low.clear();
    spin->setValue(0.0); // off
    QCOMPARE(low.size(), 1);
    QCOMPARE(low.last().at(0).toBool(), false);
    QCOMPARE(spin->text(), u"Off"_s);
    QVERIFY(banner->isHidden());
}

void TestCreditsPanel::inferenceKeyGets403AndLedgerForecast()
{
    auto ctx = makeContext();
    // This app's requests: $1.00 100 h ago and $0.40 2 h ago, nothing earlier: 100 h = 4.17 days of
    // history, $1.40 / 4.1667 = $0.336 a day (the app formats sub-dollar amounts with 3 digits). No balance,
    // so no "lasts N days".
    LedgerEntry e;
    e.workspaceId = u"inf"_s;
    e.at = hoursBefore(100);
    e.cost = 1.0;
    QVERIFY(ctx->ledger()->record(e));
    e.id = 0;
    e.at = hoursBefore(2);
    e.cost = 0.4;
    QVERIFY(ctx->ledger()->record(e));

    ctx->workspaces()->addEphemeral(workspace(u"inf"_s, u"Inference only"_s, m_sim.baseUrl()),
                                    sim::inferenceKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QSignalSpy settingsRequested(panel.get(), &CreditsPanel::workspaceSettingsRequested);
    panel->show();
    QVERIFY(select(ctx.get(), u"inf"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.last().at(0).toBool(), false);

    QCOMPARE(panel->statusText(), u"This key cannot read the balance; add a management key (ak_…) to this "
                                  "workspace in its settings."_s);
    QVERIFY(!panel->credits());
    QCOMPARE(panel->balanceText(), u"—"_s);
    QCOMPARE(panel->lowBalance().low, false);
    QVERIFY(ctx->balanceHistory()->list(u"inf"_s, {}, {}).isEmpty());
    QCOMPARE(
        panel->forecastText(),
        u"In the 4.2 days of history so far (less than 7 days), this app's requests cost $1.40 ($0.336 a "
        "day). The balance is unknown, so there is no forecast. (Only this app's requests are counted.)"_s);

    QPushButton* settings = panel->settingsButton();
    QVERIFY(settings);
    QVERIFY(settings->text().contains(u"settings"_s, Qt::CaseInsensitive));
    QVERIFY(settings->isVisible());
    QTest::mouseClick(settings, Qt::LeftButton);
    QCOMPARE(settingsRequested.size(), 1);
    const QString dir = qEnvironmentVariable("ANYROUTER_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QTRY_VERIFY(layoutSettled(panel.get()));
        QVERIFY(panel->grab().save(dir + u"/credits-403.png"_s));
    }
}

// A long-time user whose only requests this week were 2 days ago: the week's spend is averaged over
// 7 days ($7.00 -> $1.00 a day), not over the 2 days since the first request inside the window.
void TestCreditsPanel::quietStartOfTheWeekIsNotShortHistory()
{
    auto ctx = makeContext();
    LedgerEntry e;
    e.workspaceId = u"inf"_s;
    e.at = hoursBefore(20 * 24); // outside the window: only says the ledger has known this workspace
    e.cost = 3.0;
    QVERIFY(ctx->ledger()->record(e));
    for (const double cost : {4.0, 3.0}) {
        e.id = 0;
        e.at = hoursBefore(48);
        e.cost = cost;
        QVERIFY(ctx->ledger()->record(e));
    }
    ctx->workspaces()->addEphemeral(workspace(u"inf"_s, u"Inference only"_s, m_sim.baseUrl()),
                                    sim::inferenceKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    panel->show();
    QVERIFY(select(ctx.get(), u"inf"_s));
    QVERIFY(finished.wait(10000));
    QVERIFY2(panel->forecastText().startsWith(u"In the last 7 days"_s), qPrintable(panel->forecastText()));
    QVERIFY2(panel->forecastText().contains(u"$7.00 ($1.00 a day)"_s), qPrintable(panel->forecastText()));
}

// The app stays open all day: without any click, the panel reads the balance again, and a drop below
// the threshold raises the warning.
void TestCreditsPanel::balanceIsReadAgainWhileTheAppRuns()
{
    QCOMPARE(AccountStatus::kPollIntervalMs, 10 * 60 * 1000);
    const double before = m_sim.server()->balance();
    auto ctx = makeContext();
    ctx->settings()->setLowBalanceThreshold(1.0);
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Alpha"_s, m_sim.baseUrl()), sim::fullKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QVERIFY(select(ctx.get(), u"a"_s));
    AccountStatus* account = ctx->session()->account();
    QCOMPARE(account->pollIntervalMs(), AccountStatus::kPollIntervalMs);
    QSignalSpy low(account, &AccountStatus::lowBalanceChanged);
    QVERIFY(finished.wait(10000));
    QVERIFY(qAbs(*panel->credits()->balance - before) < 1e-9);
    account->setPollIntervalMs(30);
    m_sim.server()->setBalance(0.5);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(*panel->credits()->balance - 0.5) < 1e-9, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!low.isEmpty() && low.last().at(0).toBool(), 5000);
    m_sim.server()->setBalance(before);
    QTRY_VERIFY_WITH_TIMEOUT(qAbs(*panel->credits()->balance - before) < 1e-9, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!low.last().at(0).toBool(), 5000);
    QVERIFY(!panel->lowBalance().low);
    account->setPollIntervalMs(AccountStatus::kPollIntervalMs);
}

void TestCreditsPanel::gatewayWithoutCredits()
{
    auto ctx = makeContext();
    QUrl url = m_sim.baseUrl();
    url.setPath(u"/other-gateway/v1"_s); // the simulator answers 404 outside /api/v1
    ctx->workspaces()->addEphemeral(workspace(u"x"_s, u"Local server"_s, url), sim::fullKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QSignalSpy settingsRequested(panel.get(), &CreditsPanel::workspaceSettingsRequested);
    panel->show();
    QVERIFY(select(ctx.get(), u"x"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(panel->statusText(), u"This gateway does not report credits."_s);
    QVERIFY(!panel->credits());
    QVERIFY(!panel->settingsButton()->isVisible());
    const auto buttons = panel->findChildren<QPushButton*>();
    for (QPushButton* b : buttons)
        QVERIFY(!(b->text().contains(u"Settings"_s) && b->isVisible()));
}

void TestCreditsPanel::workspaceSwitchRebinds()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Alpha"_s, m_sim.baseUrl()), sim::fullKey());
    ctx->workspaces()->addEphemeral(workspace(u"b"_s, u"Beta"_s, m_sim2.baseUrl()), sim::managementKey());
    ctx->settings()->setLowBalanceThreshold(10.0); // Beta's $7 is low, Alpha's ~$25 is not
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QLabel* banner = nullptr;
    for (QLabel* l : panel->findChildren<QLabel*>()) {
        if (l->accessibleName() == u"Low balance warning"_s)
            banner = l;
    }
    QVERIFY(banner);

    QVERIFY(select(ctx.get(), u"b"_s));
    QSignalSpy low(ctx->session()->account(), &AccountStatus::lowBalanceChanged);
    QVERIFY(finished.wait(10000));
    QCOMPARE(panel->balanceText(), u"$7.00"_s);
    QCOMPARE(low.size(), 1);
    QCOMPARE(low.last().at(0).toBool(), true);
    QVERIFY(panel->lowBalance().low);
    QVERIFY(!banner->isHidden());

    QVERIFY(select(ctx.get(), u"a"_s));
    // At once, before any reply: Beta's figures are gone and the warning is withdrawn.
    QCOMPARE(panel->balanceText(), u"Loading…"_s);
    QCOMPARE(panel->forecastText(), u"Waiting for the balance…"_s);
    QVERIFY(!panel->credits());
    QVERIFY(!panel->lowBalance().low);
    QVERIFY(banner->isHidden());
    QVERIFY(finished.wait(10000));
    QCOMPARE(panel->balanceText(), format::usd(m_sim.server()->balance()));
    QVERIFY(!panel->lowBalance().low);
    QVERIFY(banner->isHidden());

    // Each workspace keeps its own snapshots.
    QCOMPARE(ctx->balanceHistory()->list(u"a"_s, {}, {}).size(), 1);
    QCOMPARE(ctx->balanceHistory()->list(u"b"_s, {}, {}).size(), 1);
    QCOMPARE(*ctx->balanceHistory()->list(u"b"_s, {}, {}).at(0).balance, 7.0);
}

void TestCreditsPanel::lateReplyForPreviousWorkspaceIsIgnored()
{
    auto ctx = makeContext();
    // Alpha answers one byte per millisecond (the simulator's slow-drip fault key), Beta at once.
    ctx->workspaces()->addEphemeral(workspace(u"slow"_s, u"Slow"_s, m_sim.baseUrl()),
                                    u"sk-ar-v1-sim-fault-slow-drip"_s);
    ctx->workspaces()->addEphemeral(workspace(u"b"_s, u"Beta"_s, m_sim2.baseUrl()), sim::fullKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    QSignalSpy served(m_sim.server(), &sim::SimServer::requestServed);
    const int slowAsked = m_sim.server()->requestCount(u"/credits"_s);

    QVERIFY(select(ctx.get(), u"slow"_s)); // its /credits request is on its way
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/credits"_s), slowAsked + 1, 10000);
    QVERIFY(select(ctx.get(), u"b"_s));
    QVERIFY(finished.wait(10000));
    QCOMPARE(panel->balanceText(), u"$7.00"_s);
    // Slow's request ends (abandoned by the client with its session, or served); only Beta's counted.
    const auto slowCreditsEnded = [&served] {
        return std::any_of(served.begin(), served.end(), [](const QList<QVariant>& args) {
            return args.at(1).toString().endsWith(u"/credits"_s);
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(slowCreditsEnded(), 10000);
    QCoreApplication::processEvents();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(panel->balanceText(), u"$7.00"_s);
    QVERIFY(ctx->balanceHistory()->list(u"slow"_s, {}, {}).isEmpty());
    QCOMPARE(ctx->balanceHistory()->list(u"b"_s, {}, {}).size(), 1);
}

void TestCreditsPanel::panelCreatedLateFetchesWhenShown()
{
    auto ctx = makeContext();
    ctx->workspaces()->addEphemeral(workspace(u"b"_s, u"Beta"_s, m_sim2.baseUrl()), sim::fullKey());
    QVERIFY(select(ctx.get(), u"b"_s)); // the session's read is on its way before the panel exists
    auto panel = makePanel(ctx.get());
    QCOMPARE(panel->balanceText(), u"Loading…"_s);
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    panel->show();
    QVERIFY(finished.wait(10000));
    QCOMPARE(panel->balanceText(), u"$7.00"_s);
    // Showing it again does not fetch again (a fetch disables Refresh until it ends).
    QPushButton* refresh = nullptr;
    const auto buttons = panel->findChildren<QPushButton*>();
    for (QPushButton* b : buttons) {
        if (b->text() == u"&Refresh"_s)
            refresh = b;
    }
    QVERIFY(refresh);
    panel->hide();
    panel->show();
    QVERIFY(refresh->isEnabled());
    panel->refresh();
    QVERIFY(!refresh->isEnabled()); // the check above can tell
    QVERIFY(finished.wait(10000));
}

void TestCreditsPanel::chartHoverShowsExactValues()
{
    auto ctx = makeContext();
    QVERIFY(ctx->balanceHistory()->record(u"a"_s, hoursBefore(48), 30.125, 2.5));
    QVERIFY(ctx->balanceHistory()->record(u"a"_s, hoursBefore(24), 28.0, std::nullopt));
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Alpha"_s, m_sim.baseUrl()), sim::fullKey());
    auto panel = makePanel(ctx.get());
    QVERIFY(select(ctx.get(), u"a"_s)); // local readings show before the reading returns
    QCOMPARE(panel->chartPointCount(), 2);
    auto* series = panel->chartView()->chart()->findChild<QLineSeries*>();
    QVERIFY(series);
    // Near the first reading (an hour off): its exact figures, not the point on the line.
    const QString tip = panel->toolTipAt(QPointF(double(hoursBefore(47).toMSecsSinceEpoch()), 29.0));
    const QString when = QLocale().toString(hoursBefore(48).toLocalTime(), QLocale::ShortFormat);
    QCOMPARE(tip, u"%1\nBalance: $30.13\nTotal usage: $2.50"_s.arg(when));
    const QString tip2 = panel->toolTipAt(QPointF(double(hoursBefore(23).toMSecsSinceEpoch()), 0));
    QVERIFY(tip2.endsWith(u"\nBalance: $28.00"_s));
}

void TestCreditsPanel::screenshot()
{
    // Realistic month, walked back from today's $4.35: daily spend of $1.10–$2.60 and a $20 top-up
    // 12 days ago. Balance-only readings, as the live reading's total usage cannot continue them.
    auto ctx = makeContext();
    double balance = 4.35;
    for (int day = 1; day <= 29; ++day) {
        balance += 1.1 + 1.5 * double((day * 37) % 11) / 10.0;
        if (day == 12)
            balance -= 20.0;
        QVERIFY(ctx->balanceHistory()->record(u"a"_s, hoursBefore(day * 24 - 3), balance, std::nullopt));
    }
    const double savedBalance = m_sim.server()->balance();
    m_sim.server()->setBalance(4.35);
    ctx->settings()->setLowBalanceThreshold(5.0);
    ctx->workspaces()->addEphemeral(workspace(u"a"_s, u"Team — production"_s, m_sim.baseUrl()),
                                    sim::fullKey());
    auto panel = makePanel(ctx.get());
    QSignalSpy finished(panel.get(), &CreditsPanel::refreshFinished);
    panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(panel.get()));
    QVERIFY(select(ctx.get(), u"a"_s));
    QVERIFY(finished.wait(10000));
    m_sim.server()->setBalance(savedBalance);
    QVERIFY(panel->lowBalance().low);
    QVERIFY(panel->burnRate().hasForecast());
    QTRY_VERIFY(layoutSettled(panel.get()));
    const QImage image = panel->grab().toImage();
    QVERIFY(!image.isNull());
    const QString dir = qEnvironmentVariable("ANYROUTER_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(image.save(dir + u"/credits-panel.png"_s));
}

QTEST_MAIN(TestCreditsPanel)
#include "TestCreditsPanel.moc"
