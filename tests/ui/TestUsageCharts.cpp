// The usage charts panel, offscreen, against the simulator: a seeded ledger (several workspaces,
// failed and unpriced rows, rows on day boundaries) plus simulator activity fed by real chat requests
// — some "made by this app" (also in the ledger), one from "another client" (gateway only). The
// chart's bar sets sum to hand-checked totals, the table equals the chart, the CSV file holds the
// hand-checked lines, the PNG is written, hover texts give exact values, a workspace switch re-binds,
// and a 403 / a gateway without /activity leave the ledger on screen with the reason.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/Database.h"
#include "core/storage/SecretStore.h"
#include "core/storage/UsageLedger.h"
#include "core/storage/WorkspaceStore.h"
#include "core/usage/UsageWorker.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"
#include "ui/account/UsagePanel.h"
#include "ui/account/UsageTableModel.h"
#include "ui/common/EndpointStateView.h"
#include "ui/common/Format.h"

#include <QAbstractItemModelTester>
#include <QBarSet>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedBarSeries>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

const QString kGpt = u"openai/gpt-5.4-mini"_s;             // $0.25 in / $2.00 out per 1M
const QString kHaiku = u"anthropic/claude-haiku-4.5"_s;    // $1.00 in / $5.00 out per 1M
const QString kGemini = u"google/gemini-2.5-flash"_s;      // (ledger only, no cost recorded)
const QString kMistral = u"mistralai/mistral-small-3.2"_s; // (ledger only: e.g. another gateway)
const QString kTeam = u"0b6f3c1e-team-4000-8000-000000000001"_s;
const QString kLab = u"0b6f3c1e-lab0-4000-8000-000000000002"_s;
const QString kNoKey = u"0b6f3c1e-nokey-4000-8000-000000000003"_s;
const QString kGone = u"deadbeef-gone-4000-8000-000000000004"_s;
const QString kKey1 = u"sk-ar-v1-sim-…0000"_s;
const QString kKey2 = u"sk-ar-v1-abcd…9999"_s;

// A prompt of exactly 40 characters = 10 prompt tokens in the simulator; the reply is `tokens` long.
QString prompt(int tokens)
{
    QString p = u"[[tokens=%1]]"_s.arg(tokens);
    return p + QString(40 - p.size(), u'x');
}

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-12;
}

} // namespace

#define QCOMPARE_NEAR(actual, expected)                                                                      \
    QVERIFY2(near((actual), (expected)),                                                                     \
             qPrintable(u"%1 != %2"_s.arg(double(actual), 0, 'g', 17).arg(double(expected), 0, 'g', 17)))

class TestUsageCharts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void ledgerChartHasHandCheckedTotals_data();
    void ledgerChartHasHandCheckedTotals();
    void groupByWorkspaceUsesStoredNames();
    void tableEqualsChart();
    void gatewayActivityFromTheSimulator();
    void reconciledSummary();
    void hoverShowsExactValues();
    void csvFileContent();
    void pngIsWritten();
    void hourlyAndCustomRanges();
    void workerThreadReadGivesTheSameSeries();
    void workspaceSwitchRebinds();
    void forbiddenActivityKeepsTheLedger();
    void gatewayWithoutActivityKeepsTheLedger();
    void noKeyKeepsTheLedger();
    void exportButtonsOpenANonBlockingDialog();
    void largeLedgerStaysOffTheGuiThread();
    void screenshotForReview();

private:
    struct Panel
    {
        std::unique_ptr<AppContext> ctx;
        std::unique_ptr<UsagePanel> panel;
    };
    std::unique_ptr<AppContext> makeContext(const QUrl& baseUrl, const QString& teamKey);
    Panel open(const QUrl& baseUrl, const QString& teamKey = sim::fullKey(), bool seed = true);
    void seedLedger(UsageLedger* ledger);
    void chat(const QString& model, int tokens, const QString& key, double expectedCost);
    void waitForSeries(UsagePanel* panel);
    double setSum(const QBarSet* set) const;
    QDate day(int offset) const { return m_today.addDays(offset); }
    QDateTime at(int dayOffset, int h, int m = 0, int s = 0, int ms = 0) const
    {
        return QDateTime(day(dayOffset), QTime(h, m, s, ms), QTimeZone::utc());
    }

    QTemporaryDir m_dir;
    test::SimFixture m_sim;
    test::SimFixture m_bareSim; // a gateway without /activity
    QNetworkAccessManager m_nam;
    QDate m_today; // UTC, the simulator's day
    test::ContextFixture m_contexts{u"usage"_s};
};

void TestUsageCharts::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    sim::SimConfig cfg = test::SimFixture::fastConfig();
    cfg.seedActivityHistory = false; // /activity then holds exactly the chats below
    QVERIFY(m_sim.start(cfg));
    m_today = QDateTime::currentDateTimeUtc().date();
    // Two requests "made by this app" (the ledger gets matching rows in seedLedger) ...
    chat(kGpt, 100, sim::fullKey(), (10 * 0.25 + 100 * 2.0) / 1e6); // $0.0002025
    chat(kGpt, 100, sim::fullKey(), (10 * 0.25 + 100 * 2.0) / 1e6);
    // ... and one from another client using the same account: only the gateway knows it.
    chat(kHaiku, 50, sim::fullKey(), (10 * 1.0 + 50 * 5.0) / 1e6); // $0.00026

    cfg.offerActivity = false;
    QVERIFY(m_bareSim.start(cfg));
}

void TestUsageCharts::cleanupTestCase()
{
    m_sim.stop();
    m_bareSim.stop();
}

void TestUsageCharts::chat(const QString& model, int tokens, const QString& key, double expectedCost)
{
    QNetworkRequest req(QUrl(m_sim.baseUrl().toString() + u"/chat/completions"_s));
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    req.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    const QJsonObject body{
        {u"model"_s, model},
        {u"stream"_s, false},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, prompt(tokens)}}}}};
    QNetworkReply* reply = m_nam.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QSignalSpy done(reply, &QNetworkReply::finished);
    QVERIFY(done.wait(10000));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    const QJsonObject usage = QJsonDocument::fromJson(reply->readAll()).object().value(u"usage"_s).toObject();
    reply->deleteLater();
    // The hand computation of the test data, checked against the simulator's own bill.
    QCOMPARE(usage.value(u"prompt_tokens"_s).toInteger(), 10);
    QCOMPARE(usage.value(u"completion_tokens"_s).toInteger(), tokens);
    QCOMPARE_NEAR(usage.value(u"cost"_s).toDouble(), expectedCost);
}

std::unique_ptr<AppContext> TestUsageCharts::makeContext(const QUrl& baseUrl, const QString& teamKey)
{
    auto ctx = m_contexts.make();
    const QList<QPair<QString, QString>> workspaces{
        {kTeam, u"Team"_s}, {kLab, u"Lab"_s}, {kNoKey, u"Keyless"_s}};
    int written = 0;
    for (const auto& [id, name] : workspaces) {
        Workspace ws;
        ws.id = id;
        ws.name = name;
        ws.baseUrl = baseUrl;
        if (!ctx->workspaceStore()->save(ws))
            qFatal("could not save a workspace");
        if (id == kNoKey)
            continue;
        ctx->secrets()->write(secretKeyFor(id, KeyKind::Inference), id == kTeam ? teamKey : sim::fullKey(),
                              ctx.get(), [&written](const SecretStore::Result&) { ++written; });
    }
    if (!QTest::qWaitFor([&written] { return written == 2; }, 5000))
        qFatal("the secret store did not answer");
    ctx->workspaces()->reload();
    return ctx;
}

// The hand-checked ledger. D = today (UTC); the 7-day window is D-6 .. D.
void TestUsageCharts::seedLedger(UsageLedger* ledger)
{
    const auto add = [&](const QString& ws, const QDateTime& when, const QString& model, const QString& key,
                         qint64 prompt, qint64 completion, std::optional<double> cost,
                         const QString& status = u"ok"_s) {
        LedgerEntry e;
        e.workspaceId = ws;
        e.at = when;
        e.endpoint = u"/chat/completions"_s;
        e.model = model;
        e.keyLabel = key;
        e.promptTokens = prompt;
        e.completionTokens = completion;
        e.cost = cost;
        e.status = status;
        QVERIFY(ledger->record(e));
    };
    add(kTeam, at(0, 0), kMistral, kKey2, 1000, 500, 0.0015);                        // first msec of D
    add(kTeam, at(-1, 23, 59, 59, 999), kHaiku, kKey2, 2000, 1000, 0.007);           // last msec of D-1
    add(kTeam, at(-2, 12), kGpt, kKey1, 0, 0, std::nullopt, u"error"_s);             // failed, unbilled
    add(kTeam, at(-3, 8), kGemini, kKey1, 300, 200, std::nullopt);                   // no cost known
    add(kTeam, at(-7, 23, 59, 59, 999), kGpt, kKey1, 9000, 9000, 5.0);               // before the window
    add(kTeam, at(0, 0, 0, 1), kGpt, kKey1, 10, 100, (10 * 0.25 + 100 * 2.0) / 1e6); // the app's two chats
    add(kTeam, at(0, 0, 0, 2), kGpt, kKey1, 10, 100, (10 * 0.25 + 100 * 2.0) / 1e6);
    add(kLab, at(-1, 10), kGpt, kKey1, 100, 100, 0.25);     // another workspace
    add(kGone, at(0, 0), kHaiku, QString(), 100, 100, 0.5); // a removed workspace
}

TestUsageCharts::Panel TestUsageCharts::open(const QUrl& baseUrl, const QString& teamKey, bool seed)
{
    Panel p;
    p.ctx = makeContext(baseUrl, teamKey);
    if (seed)
        seedLedger(p.ctx->ledger());
    WorkspaceManager* wm = p.ctx->workspaces();
    QSignalSpy keys(wm, &WorkspaceManager::keysReady);
    wm->select(kTeam);
    keys.wait(5000);
    p.panel = std::make_unique<UsagePanel>(p.ctx.get());
    p.panel->setTimeZone(QTimeZone::utc());
    p.panel->resize(1000, 700);
    if (p.panel->activityStatus().state != EndpointStatus::State::Idle || p.panel->isBusy())
        qFatal("an unseen usage panel asked for something");
    p.panel->show(); // the first look loads the session's reports
    waitForSeries(p.panel.get());
    return p;
}

void TestUsageCharts::waitForSeries(UsagePanel* panel)
{
    QTRY_VERIFY_WITH_TIMEOUT(
        !panel->isBusy() && panel->activityStatus().state != EndpointStatus::State::Loading, 10000);
}

double TestUsageCharts::setSum(const QBarSet* set) const
{
    double sum = 0;
    for (int i = 0; i < set->count(); ++i)
        sum += set->at(i);
    return sum;
}

void TestUsageCharts::ledgerChartHasHandCheckedTotals_data()
{
    QTest::addColumn<int>("metric");
    QTest::addColumn<QStringList>("groups");
    QTest::addColumn<QList<double>>("sums");
    QTest::addColumn<double>("total");
    // Gemini had no cost: it has no stack on the cost chart, but counts as tokens and a request.
    QTest::newRow("cost") << int(UsageMetric::Cost) << QStringList{kHaiku, kMistral, kGpt}
                          << QList<double>{0.007, 0.0015, 0.000405} << 0.008905;
    QTest::newRow("tokens") << int(UsageMetric::Tokens) << QStringList{kHaiku, kMistral, kGemini, kGpt}
                            << QList<double>{3000, 1500, 500, 220} << 5220.0;
    QTest::newRow("requests") << int(UsageMetric::Requests) << QStringList{kGpt, kHaiku, kGemini, kMistral}
                              << QList<double>{3, 1, 1, 1} << 6.0;
}

void TestUsageCharts::ledgerChartHasHandCheckedTotals()
{
    QFETCH(int, metric);
    QFETCH(QStringList, groups);
    QFETCH(QList<double>, sums);
    QFETCH(double, total);
    Panel p = open(m_sim.baseUrl());
    UsageQuery q;
    q.metric = UsageMetric(metric);
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());

    QStackedBarSeries* bars = p.panel->barSeries();
    QVERIFY(bars);
    QStringList labels;
    double chartTotal = 0;
    for (int g = 0; g < bars->count(); ++g) {
        const QBarSet* set = bars->barSets().at(g);
        labels.append(set->label());
        QCOMPARE(set->count(), 7);
        QCOMPARE_NEAR(setSum(set), sums.at(g));
        chartTotal += setSum(set);
    }
    QCOMPARE(labels, groups);
    QCOMPARE_NEAR(chartTotal, total);
    QCOMPARE_NEAR(p.panel->series().total, total);
    QVERIFY2(p.panel->sourceText().contains(u"this app's ledger"_s), qPrintable(p.panel->sourceText()));
    QVERIFY(p.panel->sourceText().contains(u"“Team”"_s));
    QVERIFY2(p.panel->summaryText().contains(u"6 requests (1 failed or cancelled)"_s),
             qPrintable(p.panel->summaryText()));
    if (q.metric == UsageMetric::Cost) {
        // Boundary rows: D 00:00:00.000 is on D (last bar), D-1 23:59:59.999 on D-1.
        QCOMPARE_NEAR(bars->barSets().at(1)->at(6), 0.0015);
        QCOMPARE_NEAR(bars->barSets().at(0)->at(5), 0.007);
        QVERIFY(p.panel->summaryText().contains(u"2 requests have no known cost"_s));
    }
}

void TestUsageCharts::groupByWorkspaceUsesStoredNames()
{
    Panel p = open(m_sim.baseUrl());
    UsageQuery q;
    q.groupBy = UsageGroupBy::Workspace;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QStringList labels;
    for (const QBarSet* set : p.panel->barSeries()->barSets())
        labels.append(set->label());
    QCOMPARE(labels, (QStringList{u"Removed workspace deadbeef"_s, u"Lab"_s, u"Team"_s}));
    QCOMPARE_NEAR(setSum(p.panel->barSeries()->barSets().at(0)), 0.5);
    QCOMPARE_NEAR(setSum(p.panel->barSeries()->barSets().at(1)), 0.25);
    QCOMPARE_NEAR(setSum(p.panel->barSeries()->barSets().at(2)), 0.008905);
    QVERIFY(p.panel->sourceText().contains(u"in all workspaces"_s));
}

void TestUsageCharts::tableEqualsChart()
{
    Panel p = open(m_sim.baseUrl());
    QAbstractItemModelTester tester(p.panel->tableModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (UsageMetric metric : {UsageMetric::Cost, UsageMetric::Tokens, UsageMetric::Requests}) {
        for (UsageSource source : {UsageSource::Ledger, UsageSource::Reconciled}) {
            UsageQuery q;
            q.metric = metric;
            q.source = source;
            p.panel->setQuery(q);
            waitForSeries(p.panel.get());
            const UsageTableModel* model = p.panel->tableModel();
            const QList<QBarSet*> sets = p.panel->barSeries()->barSets();
            QCOMPARE(model->columnCount(), sets.size() + 1);
            QCOMPARE(model->rowCount(), 7);
            for (int row = 0; row < model->rowCount(); ++row) {
                double rowSum = 0;
                for (int g = 0; g < sets.size(); ++g) {
                    QCOMPARE(model->headerData(g, Qt::Horizontal).toString(), sets.at(g)->label());
                    const double cell = model->index(row, g).data(UsageTableModel::kValueRole).toDouble();
                    QCOMPARE_NEAR(cell, sets.at(g)->at(row));
                    QCOMPARE(
                        model->index(row, g).data().toString(),
                        UsageTableModel::formatValue(sets.at(g)->at(row), metric, model->costDecimals()));
                    rowSum += cell;
                }
                QCOMPARE_NEAR(
                    model->index(row, model->totalColumn()).data(UsageTableModel::kValueRole).toDouble(),
                    rowSum);
            }
            QCOMPARE(model->headerData(model->totalColumn(), Qt::Horizontal).toString(), u"Total"_s);
        }
    }
}

void TestUsageCharts::gatewayActivityFromTheSimulator()
{
    Panel p = open(m_sim.baseUrl());
    QCOMPARE(p.panel->activityStatus().state, EndpointStatus::State::Ready);
    UsageQuery q;
    q.source = UsageSource::Gateway;
    q.groupBy = UsageGroupBy::Key; // not possible on gateway data: falls back to models and says so
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QCOMPARE(p.panel->series().source, UsageSource::Gateway);
    const QList<QBarSet*> sets = p.panel->barSeries()->barSets();
    QCOMPARE(sets.size(), 2);
    QCOMPARE(sets.at(0)->label(), kGpt);
    QCOMPARE(sets.at(1)->label(), kHaiku);
    QCOMPARE_NEAR(sets.at(0)->at(6), 0.000405);
    QCOMPARE_NEAR(sets.at(1)->at(6), 0.00026);
    QCOMPARE_NEAR(p.panel->series().total, 0.000665);
    QVERIFY2(p.panel->sourceText().contains(u"gateway's activity"_s), qPrintable(p.panel->sourceText()));
    QVERIFY(p.panel->sourceText().contains(u"per model only"_s));
    QVERIFY(p.panel->sourceText().contains(u"every client"_s));

    q.metric = UsageMetric::Tokens;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QCOMPARE_NEAR(p.panel->series().total, 2 * 110 + 60);
}

void TestUsageCharts::reconciledSummary()
{
    Panel p = open(m_sim.baseUrl());
    UsageQuery q;
    q.source = UsageSource::Reconciled;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QCOMPARE(p.panel->series().source, UsageSource::Reconciled);
    QVERIFY(p.panel->reconciliation());
    const UsageReconciliation& r = *p.panel->reconciliation();
    // Ledger (Team, billable): mistral 0.0015 + haiku 0.007 + gemini 0 + 2 x 0.0002025; the failed row
    // without tokens is left out. Gateway: the three chats.
    QCOMPARE_NEAR(r.ledger.cost, 0.008905);
    QCOMPARE(r.ledger.requests, 5);
    QCOMPARE_NEAR(r.gateway.cost, 0.000665);
    QCOMPARE(r.gateway.requests, 3);
    QCOMPARE(r.unbilledLedgerRows, 1);
    QCOMPARE(r.ledgerOnlyDays, (QList<QDate>{day(-3), day(-1)}));

    // Stacks on D: matched = the app's two chats, gateway only = the other client's, ledger only = mistral.
    const QList<QBarSet*> sets = p.panel->barSeries()->barSets();
    QCOMPARE(sets.size(), 3);
    QCOMPARE_NEAR(sets.at(0)->at(6), 0.000405);
    QCOMPARE_NEAR(sets.at(1)->at(6), 0.00026);
    QCOMPARE_NEAR(sets.at(2)->at(6), 0.0015);
    QCOMPARE_NEAR(sets.at(2)->at(5), 0.007);

    const QString summary = p.panel->summaryText();
    // Here the ledger holds more than the gateway (days the simulator never saw), and says so.
    const QString expected =
        u"Gateway reports %1 over 3 requests; this app recorded %2 over 5; this app recorded "
        "%3 and 2 requests more: requests the gateway has not counted yet"_s.arg(
            format::usd(0.000665), format::usd(0.008905), format::usd(0.00824));
    QVERIFY2(summary.contains(expected), qPrintable(summary));
    QVERIFY(summary.contains(u"1 failed request without tokens is left out."_s));
    QVERIFY(p.panel->sourceText().contains(u"other clients"_s));

    // Lab (same account) made nothing today: all of today's gateway requests came from elsewhere.
    QVERIFY(p.ctx->workspaces()->select(kLab));
    QTRY_COMPARE_WITH_TIMEOUT(p.panel->activityStatus().state, EndpointStatus::State::Ready, 5000);
    p.panel->setQuery(UsageQuery{UsageRange::Custom, day(0), day(0), UsageMetric::Requests,
                                 UsageGroupBy::Model, UsageSource::Reconciled});
    waitForSeries(p.panel.get());
    QCOMPARE(p.panel->series().bucketCount(), 1);
    QCOMPARE(p.panel->series().value(1, 0), 3.0); // gateway only
    const QString other =
        u"Gateway reports %1 over 3 requests; this app recorded %2 over 0; the difference (%1, 3 "
        "requests) is requests from other clients or not yet reconciled."_s.arg(format::usd(0.000665),
                                                                                format::usd(0));
    QVERIFY2(p.panel->summaryText().contains(other), qPrintable(p.panel->summaryText()));
}

void TestUsageCharts::hoverShowsExactValues()
{
    Panel p = open(m_sim.baseUrl());
    p.panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(p.panel.get()));
    QBarSet* haiku = p.panel->barSeries()->barSets().at(0);
    QCOMPARE(haiku->label(), kHaiku);
    emit haiku->hovered(true, 6); // D: haiku has nothing there, mistral + gpt do
    QVERIFY2(p.panel->hoverText().contains(kHaiku), qPrintable(p.panel->hoverText()));
    emit haiku->hovered(true, 5); // D-1: $0.007, the whole day
    const QString text = p.panel->hoverText();
    QVERIFY2(text.contains(format::usd(0.007) + u" (100"_s), qPrintable(text));
    QVERIFY(text.contains(u"Total for this day: "_s + format::usd(0.007)));
    QBarSet* mistral = p.panel->barSeries()->barSets().at(1);
    emit mistral->hovered(true, 6);
    QVERIFY2(p.panel->hoverText().contains(format::usd(0.0015)), qPrintable(p.panel->hoverText()));
    QVERIFY(p.panel->hoverText().contains(u"Total for this day: "_s + format::usd(0.001905)));
    emit mistral->hovered(false, 6);
}

void TestUsageCharts::csvFileContent()
{
    Panel p = open(m_sim.baseUrl());
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany)); // comma decimals must not leak in
    p.panel->setQuery(UsageQuery());
    waitForSeries(p.panel.get());
    const QString path = m_dir.filePath(u"usage.csv"_s);
    QSignalSpy exported(p.panel.get(), &UsagePanel::exported);
    QVERIFY(p.panel->exportCsv(path));
    QCOMPARE(exported.size(), 1);
    QLocale::setDefault(QLocale::c());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray csv = f.readAll();
    const QList<QByteArray> lines = csv.split('\n');
    QCOMPARE(lines.size(), 1 + 7 * 3 + 1); // header, 7 days x 3 models, "" after the last CRLF
    QCOMPARE(lines.constFirst(), "bucket,group,cost_usd\r"_ba);
    const auto iso = [this](int offset) { return day(offset).toString(Qt::ISODate).toUtf8(); };
    QVERIFY(lines.contains(iso(-1) + ',' + kHaiku.toUtf8() + ",0.007\r"));
    QVERIFY(lines.contains(iso(0) + ',' + kMistral.toUtf8() + ",0.0015\r"));
    QVERIFY(lines.contains(iso(0) + ',' + kGpt.toUtf8() + ",0.000405\r"));
    QVERIFY(lines.contains(iso(0) + ',' + kHaiku.toUtf8() + ",0\r"));
    QVERIFY(lines.contains(iso(-6) + ',' + kGpt.toUtf8() + ",0\r"));
    QCOMPARE(lines.at(1), iso(-6) + ',' + kHaiku.toUtf8() + ",0\r");
    QVERIFY(csv.endsWith("\r\n"));
    QVERIFY(!csv.contains(';'));

    // A file that cannot be written is reported, not pretended.
    QSignalSpy failed(p.panel.get(), &UsagePanel::exportFailed);
    QVERIFY(!p.panel->exportCsv(m_dir.filePath(u"no/such/dir/usage.csv"_s)));
    QCOMPARE(failed.size(), 1);
}

void TestUsageCharts::pngIsWritten()
{
    Panel p = open(m_sim.baseUrl());
    p.panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(p.panel.get()));
    const QString path = m_dir.filePath(u"usage.png"_s);
    QVERIFY(p.panel->exportPng(path));
    QVERIFY(QFileInfo(path).size() > 0);
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), p.panel->chartView()->size() * p.panel->chartView()->devicePixelRatio());
    // Not a blank canvas: the bars and labels make more than a couple of colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));
}

void TestUsageCharts::hourlyAndCustomRanges()
{
    Panel p = open(m_sim.baseUrl());
    UsageQuery q;
    q.range = UsageRange::Hours24;
    q.metric = UsageMetric::Requests;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QCOMPARE(p.panel->series().window.granularity, UsageGranularity::Hour);
    QCOMPARE(p.panel->tableModel()->rowCount(), 24);
    // The 24 h window ends with the current hour (on D), so it always holds the three rows of D 00:00.
    double total = 0;
    for (const QBarSet* set : p.panel->barSeries()->barSets())
        total += setSum(set);
    QCOMPARE_NEAR(total, p.panel->series().total);
    QVERIFY(p.panel->series().total >= 3); // D 00:00:00.000-.002 are in every 24 h window of day D

    // Custom range through the controls: D-3 .. D-1 (3 days).
    p.panel->rangeBox()->setCurrentIndex(p.panel->rangeBox()->findData(int(UsageRange::Custom)));
    QVERIFY(p.panel->fromEdit()->isVisibleTo(p.panel.get()));
    p.panel->fromEdit()->setDate(day(-3));
    p.panel->toEdit()->setDate(day(-1));
    waitForSeries(p.panel.get());
    QCOMPARE(p.panel->series().bucketCount(), 3);
    QCOMPARE(p.panel->tableModel()->headerData(0, Qt::Vertical).toString(),
             QLocale().toString(day(-3), u"ddd d MMM yyyy"_s));
    QCOMPARE_NEAR(p.panel->series().total, 3); // error row D-2, gemini D-3, haiku D-1
}

void TestUsageCharts::workerThreadReadGivesTheSameSeries()
{
    Panel p = open(m_sim.baseUrl());
    QVERIFY(p.ctx->usageWorker()->isThreaded()); // a file database: reports run on their own connection
    const UsageSeries first = p.panel->series();
    p.panel->refresh();
    QVERIFY(p.panel->isBusy());
    waitForSeries(p.panel.get());
    const UsageSeries again = p.panel->series();
    QCOMPARE(again.groups, first.groups);
    QCOMPARE(again.values, first.values);
    QCOMPARE_NEAR(again.total, 0.008905);

    // Rows written meanwhile on the GUI thread's connection are seen by the worker's own one.
    LedgerEntry e;
    e.workspaceId = kTeam;
    e.at = at(0, 0, 0, 3);
    e.model = kGpt;
    e.cost = 1.0;
    QVERIFY(p.ctx->ledger()->record(e));
    QSignalSpy updated(p.panel.get(), &UsagePanel::seriesUpdated);
    p.panel->refresh();
    QVERIFY(updated.wait(10000));
    QCOMPARE_NEAR(p.panel->series().total, 1.008905);
}

void TestUsageCharts::workspaceSwitchRebinds()
{
    Panel p = open(m_sim.baseUrl());
    QCOMPARE_NEAR(p.panel->series().total, 0.008905);
    WorkspaceManager* wm = p.ctx->workspaces();
    QSignalSpy updated(p.panel.get(), &UsagePanel::seriesUpdated);
    QVERIFY(wm->select(kLab));
    QTRY_VERIFY_WITH_TIMEOUT(p.panel->sourceText().contains(u"“Lab”"_s), 5000);
    waitForSeries(p.panel.get());
    QVERIFY(updated.size() >= 1);
    QCOMPARE(p.panel->series().groups, QStringList{kGpt});
    QCOMPARE_NEAR(p.panel->series().total, 0.25);
    // Activity is dropped at the switch and fetched again once the new workspace's keys are read.
    QTRY_COMPARE_WITH_TIMEOUT(p.panel->activityStatus().state, EndpointStatus::State::Ready, 5000);

    // Two quick switches: whatever answers late, the panel ends on the last workspace's data.
    QVERIFY(wm->select(kTeam));
    QVERIFY(wm->select(kLab));
    QTRY_VERIFY_WITH_TIMEOUT(
        !p.panel->isBusy() && p.panel->activityStatus().state == EndpointStatus::State::Ready, 10000);
    QCOMPARE_NEAR(p.panel->series().total, 0.25);
}

void TestUsageCharts::forbiddenActivityKeepsTheLedger()
{
    // An inference-only key: the simulator answers 403 on /activity.
    Panel p = open(m_sim.baseUrl(), sim::inferenceKey());
    QCOMPARE(p.panel->activityStatus().state, EndpointStatus::State::Forbidden);
    UsageQuery q;
    q.source = UsageSource::Gateway;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QCOMPARE(p.panel->series().source, UsageSource::Ledger);
    QCOMPARE_NEAR(p.panel->series().total, 0.008905);
    const QString text = p.panel->sourceText();
    QVERIFY2(text.contains(u"403"_s) && text.contains(u"management key"_s), qPrintable(text));
    QVERIFY(text.contains(u"Showing this app's ledger instead"_s));
    // The shared state widget says it too, with the way to fix it.
    QVERIFY(p.panel->stateView()->isVisible());
    QVERIFY2(p.panel->stateView()->text().contains(u"management key"_s),
             qPrintable(p.panel->stateView()->text()));
    QVERIFY(p.panel->stateView()->settingsButton()->isVisible());
    QSignalSpy settings(p.panel.get(), &UsagePanel::workspaceSettingsRequested);
    QTest::mouseClick(p.panel->stateView()->settingsButton(), Qt::LeftButton);
    QCOMPARE(settings.size(), 1);
    // The ledger alone needs no gateway: nothing to explain.
    p.panel->setQuery(UsageQuery{});
    QVERIFY(!p.panel->stateView()->isVisible());
}

void TestUsageCharts::gatewayWithoutActivityKeepsTheLedger()
{
    Panel p = open(m_bareSim.baseUrl());
    QCOMPARE(p.panel->activityStatus().state, EndpointStatus::State::Unsupported);
    UsageQuery q;
    q.source = UsageSource::Reconciled;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QCOMPARE(p.panel->series().source, UsageSource::Ledger);
    QVERIFY(!p.panel->reconciliation());
    QVERIFY2(p.panel->sourceText().contains(u"does not offer account activity"_s),
             qPrintable(p.panel->sourceText()));
    QCOMPARE_NEAR(p.panel->series().total, 0.008905);
}

void TestUsageCharts::noKeyKeepsTheLedger()
{
    Panel p = open(m_sim.baseUrl());
    QSignalSpy state(p.panel.get(), &UsagePanel::activityStatusChanged);
    QVERIFY(p.ctx->workspaces()->select(kNoKey));
    QTRY_COMPARE_WITH_TIMEOUT(p.panel->activityStatus().state, EndpointStatus::State::NoKey, 5000);
    UsageQuery q;
    q.source = UsageSource::Gateway;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QVERIFY(p.panel->sourceText().contains(u"no key"_s));
    QCOMPARE(p.panel->series().total, 0.0);
    QCOMPARE(p.panel->barSeries()->count(), 0);
}

void TestUsageCharts::exportButtonsOpenANonBlockingDialog()
{
    Panel p = open(m_sim.baseUrl());
    p.panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(p.panel.get()));
    const QString path = m_dir.filePath(u"from-dialog.csv"_s);
    QFile::remove(path);
    QSignalSpy exported(p.panel.get(), &UsagePanel::exported);
    QTest::mouseClick(p.panel->exportCsvButton(), Qt::LeftButton); // returns: open(), not exec()
    QFileDialog* dialog = p.panel->findChild<QFileDialog*>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
    // Typed, as a user would: selectFile() can be undone when the dialog's directory finishes loading.
    QLineEdit* name = dialog->findChild<QLineEdit*>(u"fileNameEdit"_s);
    QVERIFY(name);
    name->setText(path);
    static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept() is protected; same override
    QTRY_COMPARE(exported.size(), 1);
    QCOMPARE(exported.at(0).at(0).toString(), path);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().startsWith("bucket,group,cost_usd\r\n"));

    const QString png = m_dir.filePath(u"from-dialog.png"_s);
    QFile::remove(png);
    QTest::mouseClick(p.panel->exportPngButton(), Qt::LeftButton);
    QFileDialog* pngDialog = nullptr;
    QTRY_VERIFY((pngDialog = p.panel->findChild<QFileDialog*>()) && pngDialog->isVisible());
    QLineEdit* pngName = pngDialog->findChild<QLineEdit*>(u"fileNameEdit"_s);
    QVERIFY(pngName);
    pngName->setText(png);
    static_cast<QDialog*>(pngDialog)->accept();
    QTRY_COMPARE(exported.size(), 2);
    QCOMPARE(exported.at(1).at(0).toString(), png);
    QVERIFY(!QImage(png).isNull());
}

void TestUsageCharts::largeLedgerStaysOffTheGuiThread()
{
    Panel p = open(m_sim.baseUrl());
    constexpr int kRows = 50000;
    Database* db = p.ctx->database();
    QVERIFY(db->transaction());
    const QDateTime start = at(-29, 0);
    double expected = 0.008905; // the seeded Team rows (the $5 one is 7 days back: in 30 days too)
    expected += 5.0;
    for (int i = 0; i < kRows; ++i) {
        LedgerEntry e;
        e.workspaceId = kTeam;
        e.at = start.addSecs(qint64(i) * 29 * 86400 / kRows);
        e.model = u"vendor/model-%1"_s.arg(i % 9);
        e.keyLabel = kKey1;
        e.promptTokens = 500;
        e.completionTokens = 100;
        e.cost = 0.0001;
        expected += 0.0001;
        if (!p.ctx->ledger()->record(e))
            QFAIL("record failed");
    }
    QVERIFY(db->commit());
    UsageQuery q;
    q.range = UsageRange::Days30;
    p.panel->setQuery(q);
    waitForSeries(p.panel.get());
    QVERIFY(std::abs(p.panel->series().total - expected) < 1e-6);

    // refresh() only hands the job over; the worker reads and aggregates.
    QElapsedTimer t;
    t.start();
    p.panel->refresh();
    const qint64 blockingWithPath = t.elapsed();
    QSignalSpy updated(p.panel.get(), &UsagePanel::seriesUpdated);
    QVERIFY(updated.wait(30000));
    const qint64 untilShown = t.elapsed();
    waitForSeries(p.panel.get());
    qInfo(
        "50k ledger rows, 30 days: refresh() blocks the GUI thread %lld ms; the worker's series is on screen "
        "after %lld ms",
        blockingWithPath, untilShown);
    QVERIFY(std::abs(p.panel->series().total - expected) < 1e-6);
    QVERIFY2(blockingWithPath < 50, qPrintable(QString::number(blockingWithPath)));
}

// Renders the panel with a month of realistic data for a human to look at. Writes PNGs only when
// ANYROUTER_SCREENSHOT_DIR is set; otherwise it still builds the chart and checks its totals.
void TestUsageCharts::screenshotForReview()
{
    Panel p = open(m_sim.baseUrl(), sim::fullKey(), false);
    UsageLedger* ledger = p.ctx->ledger();
    const QStringList models{kGpt,
                             kHaiku,
                             u"openai/gpt-5.4"_s,
                             u"google/gemini-2.5-pro"_s,
                             u"deepseek/deepseek-v3.2"_s,
                             u"x-ai/grok-4-fast"_s,
                             u"qwen/qwen3-coder"_s,
                             u"meta-llama/llama-4-maverick"_s};
    double expected = 0;
    for (int d = 0; d < 30; ++d) {
        for (int i = 0; i < 3 + (d * 7) % 9; ++i) {
            LedgerEntry e;
            e.workspaceId = kTeam;
            e.at = at(-d, (i * 5 + d) % 24, i % 60);
            e.model = models.at((i + d) % (i % 3 == 0 ? 2 : models.size()));
            e.keyLabel = i % 4 == 0 ? kKey2 : kKey1;
            e.promptTokens = 800 + 97 * ((i * d) % 40);
            e.completionTokens = 200 + 31 * ((i + d) % 25);
            e.cost = (e.promptTokens * 1.0 + e.completionTokens * 5.0) / 1e6 * (1 + (i % 4));
            QVERIFY(ledger->record(e));
            expected += *e.cost;
        }
    }
    p.panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(p.panel.get()));
    const QString dir = qEnvironmentVariable("ANYROUTER_SCREENSHOT_DIR");
    struct Shot
    {
        const char* name;
        UsageRange range;
        UsageMetric metric;
        UsageGroupBy group;
        UsageSource source;
    };
    const Shot shots[] = {
        {"usage-30d-cost-model", UsageRange::Days30, UsageMetric::Cost, UsageGroupBy::Model,
         UsageSource::Ledger},
        {"usage-24h-tokens-key", UsageRange::Hours24, UsageMetric::Tokens, UsageGroupBy::Key,
         UsageSource::Ledger},
        {"usage-7d-reconciled", UsageRange::Days7, UsageMetric::Cost, UsageGroupBy::Model,
         UsageSource::Reconciled},
    };
    for (const Shot& s : shots) {
        UsageQuery q;
        q.range = s.range;
        q.metric = s.metric;
        q.groupBy = s.group;
        q.source = s.source;
        p.panel->setQuery(q);
        waitForSeries(p.panel.get());
        if (s.range == UsageRange::Days30 && s.source == UsageSource::Ledger) {
            QCOMPARE(p.panel->series().groups.size(), 7); // 6 models + "Other (2 more)"
            QVERIFY(std::abs(p.panel->series().total - expected) < 1e-9);
        }
        // exportPng() right after the rebuild: it must not picture the previous chart.
        const QString base = (dir.isEmpty() ? m_dir.path() : dir) + u'/' + QString::fromLatin1(s.name);
        QVERIFY(p.panel->exportPng(base + u"-chart.png"_s));
        QCoreApplication::processEvents(); // the whole panel, laid out
        if (!dir.isEmpty())
            QVERIFY(p.panel->grab().save(base + u".png"_s));
    }
}

QTEST_MAIN(TestUsageCharts)
#include "TestUsageCharts.moc"
