// The Keys panel driven through its real widgets against the in-process simulator, with stored
// workspaces whose keys sit in a memory secret store: the list (model testers, columns, sorting),
// create with the secret shown once, rename, spend limit, disable/enable, delete after confirmation,
// reveal and its 409 refusal, the explanations for 403 / 401 / no key / no /keys endpoint, workspace
// switches (including a late answer for the previous workspace) and the keyboard. Last, no secret
// handed out during the run may appear in any file under the test's config and data dirs.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/SecretStore.h"
#include "core/storage/WorkspaceStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"
#include "ui/account/KeyEditDialog.h"
#include "ui/account/KeySecretDialog.h"
#include "ui/account/KeyTableModel.h"
#include "ui/account/KeysPanel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// Workspace ids of the stored workspaces each context gets.
const QString kTeam = u"11111111-0000-4000-8000-000000000001"_s;          // inference + management key
const QString kInferenceOnly = u"11111111-0000-4000-8000-000000000002"_s; // 403 on /keys
const QString kOther = u"11111111-0000-4000-8000-000000000003"_s;         // a second gateway
const QString kPlain = u"11111111-0000-4000-8000-000000000004"_s;         // gateway without /keys
const QString kBogus = u"11111111-0000-4000-8000-000000000005"_s;         // key the gateway rejects
const QString kNoKey = u"11111111-0000-4000-8000-000000000006"_s;         // nothing in the keychain
const QString kGate = u"11111111-0000-4000-8000-000000000007"_s;          // answers when the test says

const QString kBogusKey = u"sk-ar-v1-not-a-real-key-0000"_s;

// A loopback "gateway" that holds every request until the test answers it, so a test can make an
// answer arrive after the user moved on, without timing games.
class HeldGateway
{
public:
    struct Request
    {
        QTcpSocket* socket = nullptr;
        QByteArray head; // request line and headers
    };

    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl baseUrl() const { return QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(port())); }

    // Takes the oldest request that has fully arrived (head and Content-Length body).
    bool take(Request* out)
    {
        while (QTcpSocket* s = m_server.nextPendingConnection())
            m_open.append(s);
        for (QTcpSocket* s : std::as_const(m_open)) {
            QByteArray& buf = m_buffers[s];
            buf += s->readAll();
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                continue;
            qsizetype length = 0;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            for (const QByteArray& line : lines) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (buf.size() < end + 4 + length)
                continue;
            out->socket = s;
            out->head = buf.left(end);
            buf.remove(0, end + 4 + length);
            m_open.removeOne(s);
            return true;
        }
        return false;
    }

    // As take(), for the key endpoints only: anything else (the workspace session's own catalog
    // request) is answered at once with a 404 and skipped.
    bool takeKeys(Request* out)
    {
        while (take(out)) {
            if (out->head.contains(" /api/v1/keys"))
                return true;
            respond(out->socket, 404, R"({"error":{"message":"not here"}})"_ba);
            *out = {};
        }
        return false;
    }

    static void respond(QTcpSocket* s, int status, const QByteArray& json)
    {
        s->write("HTTP/1.1 " + QByteArray::number(status) +
                 " X\r\nContent-Type: application/json\r\n"
                 "Content-Length: " +
                 QByteArray::number(json.size()) + "\r\nConnection: close\r\n\r\n" + json);
        s->disconnectFromHost();
    }

private:
    QTcpServer m_server;
    QList<QTcpSocket*> m_open;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

} // namespace

class TestKeysPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void listPassesModelTesterAndShowsColumns();
    void lastUsedReadsRelative_data();
    void lastUsedReadsRelative();
    void sortsByColumn_data();
    void sortsByColumn();
    void createShowsTheSecretOnceAndAddsTheRow();
    void createRefusesEmptyAndDuplicateNames();
    void renameUpdatesTheRowInPlace();
    void changeLimit_data();
    void changeLimit();
    void disableAndEnableToggle();
    void deleteAsksFirstNamingTheKey();
    void deleteWithTheRealConfirmationBox();
    void revealShowsTheSecretAndA409IsExplained();
    void errorsGoToTheMessageBar();
    void explanations_data();
    void explanations();
    void workspaceSwitchRebinds();
    void lateAnswersForThePreviousWorkspaceAreIgnored();
    void theGatewaysWordsAreShownAsSent();
    void keyboardShortcutsWinOverAWindowAction();
    void contextMenuOffersTheRowActions();
    void screenshots();
    void noSecretReachedTheDisk(); // keep last: checks what the tests above handed out

private:
    std::unique_ptr<AppContext> makeContext();
    std::unique_ptr<KeysPanel> makePanel(AppContext* ctx, const QString& workspaceId = kTeam);
    static void selectWorkspace(AppContext* ctx, const QString& id);
    static int rowNamed(const KeysPanel& panel, const QString& name);
    static bool selectNamed(KeysPanel& panel, const QString& name);
    static void waitIdle(KeysPanel& panel);
    static KeyEditDialog* waitEditDialog(KeysPanel& panel);
    static KeySecretDialog* waitSecretDialog(KeysPanel& panel, KeySecretDialog* previous = nullptr);
    void remember(const QString& secret) { m_handedOut.append(secret); }

    QTemporaryDir m_dir;
    test::ContextFixture m_contexts{u"keys"_s};
    test::SimFixture m_sim;    // the "Team" gateway; restarted per test so every test sees the seed keys
    test::SimFixture m_simB;   // "Other": another gateway with its own keys
    test::SimFixture m_simOff; // "Plain": no /keys endpoint
    HeldGateway m_gate;        // "Gate": answers when the test says so
    QStringList m_handedOut;   // every secret the panel showed during the run
};

void TestKeysPanel::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
    sim::SimConfig b = test::SimFixture::fastConfig();
    b.seed = 4242; // other seed, other key secrets and hashes
    QVERIFY(m_simB.start(b));
    sim::SimConfig off = test::SimFixture::fastConfig();
    off.offerKeys = false;
    QVERIFY(m_simOff.start(off));
    QVERIFY(m_gate.listen());
}

void TestKeysPanel::init()
{
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

std::unique_ptr<AppContext> TestKeysPanel::makeContext()
{
    auto ctx = m_contexts.make();

    struct Spec
    {
        QString id, name;
        QUrl url;
        QString inference, management;
    };
    const QList<Spec> specs = {
        {kTeam, u"Team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey()},
        {kInferenceOnly, u"Inference only"_s, m_sim.baseUrl(), sim::inferenceKey(), {}},
        {kOther, u"Other"_s, m_simB.baseUrl(), {}, sim::managementKey()},
        {kPlain, u"Plain"_s, m_simOff.baseUrl(), sim::fullKey(), {}},
        {kBogus, u"Bogus"_s, m_sim.baseUrl(), kBogusKey, {}},
        {kNoKey, u"No key"_s, m_sim.baseUrl(), {}, {}},
        {kGate, u"Gate"_s, m_gate.baseUrl(), {}, sim::managementKey()},
    };
    int writes = 0, done = 0;
    for (const Spec& s : specs) {
        Workspace ws;
        ws.id = s.id;
        ws.name = s.name;
        ws.baseUrl = s.url;
        if (!ctx->workspaceStore()->save(ws))
            qFatal("could not save workspace");
        const auto write = [&](KeyKind kind, const QString& key) {
            if (key.isEmpty())
                return;
            ++writes;
            ctx->secrets()->write(secretKeyFor(s.id, kind), key, ctx.get(),
                                  [&done](const SecretStore::Result&) { ++done; });
        };
        write(KeyKind::Inference, s.inference);
        write(KeyKind::Management, s.management);
    }
    if (!QTest::qWaitFor([&] { return done == writes; }))
        qFatal("secret writes did not finish");
    ctx->workspaces()->reload();
    return ctx;
}

void TestKeysPanel::selectWorkspace(AppContext* ctx, const QString& id)
{
    if (!ctx->workspaces()->select(id))
        qFatal("unknown workspace");
}

std::unique_ptr<KeysPanel> TestKeysPanel::makePanel(AppContext* ctx, const QString& workspaceId)
{
    selectWorkspace(ctx, workspaceId);
    auto panel = std::make_unique<KeysPanel>(ctx);
    panel->resize(1100, 420);
    panel->show();
    if (!QTest::qWaitForWindowExposed(panel.get()))
        qWarning("panel not exposed");
    return panel;
}

int TestKeysPanel::rowNamed(const KeysPanel& panel, const QString& name)
{
    const QList<ApiKeyInfo>& keys = panel.model()->keys();
    for (int i = 0; i < keys.size(); ++i) {
        if (keys.at(i).name == name)
            return i;
    }
    return -1;
}

bool TestKeysPanel::selectNamed(KeysPanel& panel, const QString& name)
{
    const int row = rowNamed(panel, name);
    return row >= 0 && panel.selectKey(panel.model()->keyAt(row).hash) && panel.selectedHash().size() > 0;
}

void TestKeysPanel::waitIdle(KeysPanel& panel)
{
    QTRY_VERIFY_WITH_TIMEOUT(!panel.isBusy() && panel.state() != KeysPanel::State::Loading, 10000);
}

KeyEditDialog* TestKeysPanel::waitEditDialog(KeysPanel& panel)
{
    if (!QTest::qWaitFor([&] { return panel.editDialog() && panel.editDialog()->isVisible(); }))
        return nullptr;
    return panel.editDialog();
}

KeySecretDialog* TestKeysPanel::waitSecretDialog(KeysPanel& panel, KeySecretDialog* previous)
{
    if (!QTest::qWaitFor(
            [&] {
                return panel.secretDialog() && panel.secretDialog() != previous &&
                       panel.secretDialog()->isVisible();
            },
            10000))
        return nullptr;
    return panel.secretDialog();
}

void TestKeysPanel::listPassesModelTesterAndShowsColumns()
{
    auto ctx = makeContext();
    selectWorkspace(ctx.get(), kTeam);
    KeysPanel panel(ctx.get());
    QAbstractItemModelTester modelTester(panel.model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(panel.proxy(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    panel.resize(1100, 420);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    waitIdle(panel);
    QCOMPARE(panel.state(), KeysPanel::State::Keys);
    QCOMPARE(panel.model()->rowCount(), 3);
    QVERIFY2(panel.statusText().startsWith(u"3 keys"_s), qPrintable(panel.statusText()));

    auto cell = [&](const QString& name, int col) {
        return panel.model()->index(rowNamed(panel, name), col).data().toString();
    };
    // ci-runner: $10 monthly limit, $1.75 used, $8.25 left, expires in 60 days.
    QCOMPARE(cell(u"ci-runner"_s, KeyTableModel::LimitCol), u"$10.00 monthly"_s);
    QCOMPARE(cell(u"ci-runner"_s, KeyTableModel::UsageCol), u"$1.75"_s);
    QCOMPARE(cell(u"ci-runner"_s, KeyTableModel::RemainingCol), u"$8.25"_s);
    QCOMPARE(cell(u"ci-runner"_s, KeyTableModel::StatusCol), u"Active"_s);
    QVERIFY(cell(u"ci-runner"_s, KeyTableModel::ExpiresCol) != u"Never"_s);
    QCOMPARE(cell(u"laptop"_s, KeyTableModel::LimitCol), u"No limit"_s);
    QCOMPARE(cell(u"laptop"_s, KeyTableModel::RemainingCol), QString());
    QCOMPARE(cell(u"legacy-2024"_s, KeyTableModel::LastUsedCol), u"Never"_s);
    const QString masked = cell(u"laptop"_s, KeyTableModel::KeyCol);
    QVERIFY2(masked.startsWith(u"sk-ar-v1-"_s) && masked.contains(u"..."_s), qPrintable(masked));

    // Reveal only where the gateway allows it.
    QVERIFY(selectNamed(panel, u"legacy-2024"_s));
    QVERIFY(!panel.revealAction()->isEnabled());
    QVERIFY(panel.renameAction()->isEnabled());
    QVERIFY(selectNamed(panel, u"laptop"_s));
    QVERIFY(panel.revealAction()->isEnabled());

    // Expired wins over disabled, and is worked out locally from expires_at.
    ApiKeyInfo expired;
    expired.expiresAt = QDateTime::currentDateTimeUtc().addDays(-1);
    expired.disabled = true;
    QCOMPARE(KeyTableModel::statusOf(expired, QDateTime::currentDateTimeUtc()),
             KeyTableModel::Status::Expired);
    expired.expiresAt = QDateTime::currentDateTimeUtc().addDays(1);
    QCOMPARE(KeyTableModel::statusOf(expired, QDateTime::currentDateTimeUtc()),
             KeyTableModel::Status::Disabled);

    // Exercise refresh, in-place edits, removal and a workspace switch under the testers.
    panel.refresh();
    waitIdle(panel);
    ApiKeyInfo changed = panel.model()->keyAt(0);
    changed.name = u"changed"_s;
    panel.model()->upsertKey(changed);
    QVERIFY(panel.model()->removeKey(changed.hash));
    selectWorkspace(ctx.get(), kOther);
    waitIdle(panel);
    QCOMPARE(panel.model()->rowCount(), 3);
}

void TestKeysPanel::lastUsedReadsRelative_data()
{
    QTest::addColumn<bool>("used");
    QTest::addColumn<qint64>("secondsAgo");
    QTest::addColumn<QString>("text");
    QTest::newRow("never") << false << qint64(0) << u"Never"_s;
    QTest::newRow("now") << true << qint64(5) << u"Just now"_s;
    QTest::newRow("clock ahead") << true << qint64(-30) << u"Just now"_s;
    QTest::newRow("minutes") << true << qint64(59 * 60 + 59) << u"59 min ago"_s;
    QTest::newRow("hours") << true << qint64(3 * 3600 + 10) << u"3 h ago"_s;
    QTest::newRow("yesterday") << true << qint64(86400 + 7200) << u"Yesterday"_s;
    QTest::newRow("days") << true << qint64(30 * 86400) << u"30 days ago"_s;
    // Older than a month: the date.
    const QDateTime old = QDateTime::currentDateTimeUtc().addDays(-45);
    QTest::newRow("date") << true << qint64(45 * 86400)
                          << QLocale().toString(old.toLocalTime().date(), QLocale::ShortFormat);
}

void TestKeysPanel::lastUsedReadsRelative()
{
    QFETCH(bool, used);
    QFETCH(qint64, secondsAgo);
    QFETCH(QString, text);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(KeyTableModel::lastUsedText(used ? now.addSecs(-secondsAgo) : QDateTime(), now), text);
}

void TestKeysPanel::sortsByColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QStringList>("names");
    // Seed: laptop (41 days old, $3.21 used, no limit), ci-runner (20 days, $1.75 of $10),
    // legacy-2024 (400 days, never used, no limit).
    QTest::newRow("name asc") << int(KeyTableModel::NameCol) << Qt::AscendingOrder
                              << QStringList{u"ci-runner"_s, u"laptop"_s, u"legacy-2024"_s};
    QTest::newRow("created desc") << int(KeyTableModel::CreatedCol) << Qt::DescendingOrder
                                  << QStringList{u"ci-runner"_s, u"laptop"_s, u"legacy-2024"_s};
    QTest::newRow("created asc") << int(KeyTableModel::CreatedCol) << Qt::AscendingOrder
                                 << QStringList{u"legacy-2024"_s, u"laptop"_s, u"ci-runner"_s};
    QTest::newRow("usage desc") << int(KeyTableModel::UsageCol) << Qt::DescendingOrder
                                << QStringList{u"laptop"_s, u"ci-runner"_s, u"legacy-2024"_s};
    // Numerically, and "no limit" counts as the largest.
    QTest::newRow("limit asc") << int(KeyTableModel::LimitCol) << Qt::AscendingOrder
                               << QStringList{u"ci-runner"_s, u"laptop"_s, u"legacy-2024"_s};
    QTest::newRow("last used asc") << int(KeyTableModel::LastUsedCol) << Qt::AscendingOrder
                                   << QStringList{u"legacy-2024"_s, u"laptop"_s, u"ci-runner"_s};
}

void TestKeysPanel::sortsByColumn()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(QStringList, names);
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    panel->table()->sortByColumn(column, order);
    QStringList shown;
    for (int r = 0; r < panel->proxy()->rowCount(); ++r)
        shown << panel->proxy()->index(r, KeyTableModel::NameCol).data().toString();
    if (column == KeyTableModel::LimitCol) // laptop and legacy-2024 tie ("no limit"): compare the head
        QCOMPARE(shown.first(), names.first());
    else
        QCOMPARE(shown, names);
}

void TestKeysPanel::createShowsTheSecretOnceAndAddsTheRow()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QSignalSpy changed(panel.get(), &KeysPanel::keysChanged);

    panel->table()->setFocus();
    QTest::keyClick(panel->table(), Qt::Key_N, Qt::ControlModifier);
    KeyEditDialog* d = waitEditDialog(*panel);
    QVERIFY(d);
    QCOMPARE(d->mode(), KeyEditDialog::Mode::Create);
    QVERIFY(!d->okButton()->isEnabled()); // a name is required
    QTest::keyClicks(d->nameEdit(), u"deploy-bot"_s);
    QVERIFY(d->okButton()->isEnabled());
    d->limitCheck()->setChecked(true);
    d->limitSpin()->setValue(5);
    d->resetCombo()->setCurrentIndex(d->resetCombo()->findData(u"weekly"_s));
    d->expiryCheck()->setChecked(true);
    const QDate expiry = QDate::currentDate().addDays(30);
    d->expiryEdit()->setDate(expiry);
    QTest::mouseClick(d->okButton(), Qt::LeftButton);

    KeySecretDialog* secretDialog = waitSecretDialog(*panel);
    QVERIFY(secretDialog);
    QCOMPARE(secretDialog->reason(), KeySecretDialog::Reason::Created);
    const QString secret = secretDialog->secretEdit()->text();
    remember(secret);
    QVERIFY2(secret.startsWith(u"sk-ar-v1-"_s) && secret.size() > 20, qPrintable(secret.left(9)));
    QVERIFY(secretDialog->secretEdit()->isReadOnly());
    QVERIFY(!secretDialog->isModal());
    QVERIFY(secretDialog->warningText().contains(u"This is the only time the key is shown"_s));

    // The request carried every field; the row appeared, selected, with what the server answered.
    const QJsonObject body = QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/keys"_s)).object();
    QCOMPARE(body.value(u"name"_s).toString(), u"deploy-bot"_s);
    QCOMPARE(body.value(u"limit"_s).toDouble(), 5.0);
    QCOMPARE(body.value(u"limit_reset"_s).toString(), u"weekly"_s);
    QCOMPARE(QDateTime::fromString(body.value(u"expires_at"_s).toString(), Qt::ISODate).toLocalTime().date(),
             expiry);
    waitIdle(*panel);
    QCOMPARE(panel->model()->rowCount(), 4);
    const int row = rowNamed(*panel, u"deploy-bot"_s);
    QVERIFY(row >= 0);
    QCOMPARE(panel->selectedHash(), panel->model()->keyAt(row).hash);
    QCOMPARE(panel->model()->index(row, KeyTableModel::LimitCol).data().toString(), u"$5.00 weekly"_s);
    QCOMPARE(changed.size(), 1);
    QVERIFY(panel->messageText().contains(u"deploy-bot"_s));

    // Copy puts it on the clipboard, marked as a password for clipboard managers.
    QTest::mouseClick(secretDialog->copyButton(), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), secret);
    QCOMPARE(QGuiApplication::clipboard()->mimeData()->data(u"x-kde-passwordManagerHint"_s), "secret"_ba);
    QGuiApplication::clipboard()->clear();

    // The secret is nowhere but in that dialog: not in any cell, tooltip or label of the panel.
    for (int r = 0; r < panel->model()->rowCount(); ++r) {
        for (int c = 0; c < KeyTableModel::ColumnCount; ++c) {
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::AccessibleTextRole),
                             int(KeyTableModel::SortRole)}) {
                QVERIFY(!panel->model()->index(r, c).data(role).toString().contains(secret));
            }
        }
    }
    QVERIFY(!panel->messageText().contains(secret));
    QVERIFY(!panel->statusText().contains(secret));

    // Shown once: one dialog; closing it wipes the field and destroys the dialog.
    QCOMPARE(panel->findChildren<KeySecretDialog*>().size(), 1);
    QPointer<KeySecretDialog> guard(secretDialog);
    QLineEdit* field = secretDialog->secretEdit();
    secretDialog->done(QDialog::Rejected);
    QVERIFY(!secretDialog->hasSecret());
    QVERIFY(field->text().isEmpty());
    QTRY_VERIFY(guard.isNull());
    QVERIFY(!panel->secretDialog());

    // The new key really works against the gateway until it is deleted below.
    ApiClient probe(ctx->network());
    probe.setBaseUrl(m_sim.baseUrl());
    probe.setKeys(secret);
    ApiReply* models = probe.get(u"/models"_s, KeyRole::Inference);
    std::optional<bool> worked;
    connect(models, &ApiReply::finished, this, [&worked, models] { worked = models->isOk(); });
    QTRY_VERIFY_WITH_TIMEOUT(worked.has_value(), 10000);
    QVERIFY(*worked);
}

void TestKeysPanel::createRefusesEmptyAndDuplicateNames()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    panel->newAction()->trigger();
    KeyEditDialog* d = waitEditDialog(*panel);
    QVERIFY(d);
    QTest::keyClicks(d->nameEdit(), u"   "_s);
    QVERIFY(!d->okButton()->isEnabled());
    d->nameEdit()->clear();
    QTest::keyClicks(d->nameEdit(), u"Laptop"_s); // the names compare case-insensitively
    QVERIFY(!d->okButton()->isEnabled());
    QVERIFY2(d->problemText().contains(u"already named"_s), qPrintable(d->problemText()));
    QTest::keyClick(d->nameEdit(), Qt::Key_Return); // Enter does not slip past the check
    QVERIFY(d->isVisible());
    const int posts = m_sim.server()->requestCount(u"/keys"_s);
    QTest::keyClick(d->nameEdit(), Qt::Key_Escape);
    QTRY_VERIFY(!panel->editDialog());
    QCOMPARE(m_sim.server()->requestCount(u"/keys"_s), posts);
}

void TestKeysPanel::renameUpdatesTheRowInPlace()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QSignalSpy changed(panel.get(), &KeysPanel::keysChanged);
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    const QString hash = panel->selectedHash();
    const int row = rowNamed(*panel, u"laptop"_s);
    QSignalSpy reset(panel->model(), &QAbstractItemModel::modelReset);

    panel->table()->setFocus();
    QTest::keyClick(panel->table(), Qt::Key_F2);
    KeyEditDialog* d = waitEditDialog(*panel);
    QVERIFY(d);
    QCOMPARE(d->mode(), KeyEditDialog::Mode::Rename);
    QCOMPARE(d->nameEdit()->text(), u"laptop"_s);
    QVERIFY(!d->okButton()->isEnabled()); // nothing changed yet
    d->nameEdit()->selectAll();
    QTest::keyClicks(d->nameEdit(), u"work-laptop"_s);
    QTest::mouseClick(d->okButton(), Qt::LeftButton);
    QTRY_COMPARE(panel->model()->keyAt(row).name, u"work-laptop"_s);
    waitIdle(*panel);
    QCOMPARE(panel->model()->keyAt(row).hash, hash); // same row, updated in place
    QCOMPARE(reset.size(), 0);
    QCOMPARE(panel->selectedHash(), hash);
    QCOMPARE(changed.size(), 1);
    QVERIFY(!panel->messageIsError());
    QVERIFY(panel->messageText().contains(u"work-laptop"_s));
    const QJsonObject body =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/keys/"_s + hash)).object();
    QCOMPARE(body, (QJsonObject{{u"name"_s, u"work-laptop"_s}})); // only the changed field

    // The gateway kept it.
    panel->refresh();
    waitIdle(*panel);
    QVERIFY(rowNamed(*panel, u"work-laptop"_s) >= 0);
    QCOMPARE(rowNamed(*panel, u"laptop"_s), -1);
}

void TestKeysPanel::changeLimit_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("limited");
    QTest::addColumn<double>("amount");
    QTest::addColumn<QString>("reset");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<QString>("remaining");
    QTest::addColumn<QJsonObject>("sent");
    // laptop has spent $3.21 and has no limit; ci-runner has $10 monthly and spent $1.75.
    QTest::newRow("set daily") << u"laptop"_s << true << 20.0 << u"daily"_s << u"$20.00 daily"_s
                               << u"$16.79"_s
                               << QJsonObject{{u"limit"_s, 20.0}, {u"limit_reset"_s, u"daily"_s}};
    QTest::newRow("amount only") << u"ci-runner"_s << true << 2.5 << u"monthly"_s << u"$2.50 monthly"_s
                                 << u"$0.75"_s << QJsonObject{{u"limit"_s, 2.5}};
    QTest::newRow("no reset") << u"ci-runner"_s << true << 10.0 << QString() << u"$10.00"_s << u"$8.25"_s
                              << QJsonObject{{u"limit_reset"_s, QJsonValue(QJsonValue::Null)}};
    QTest::newRow("clear") << u"ci-runner"_s << false << 0.0 << QString() << u"No limit"_s << QString()
                           << QJsonObject{{u"limit"_s, QJsonValue(QJsonValue::Null)},
                                          {u"limit_reset"_s, QJsonValue(QJsonValue::Null)}};
}

void TestKeysPanel::changeLimit()
{
    QFETCH(QString, key);
    QFETCH(bool, limited);
    QFETCH(double, amount);
    QFETCH(QString, reset);
    QFETCH(QString, shown);
    QFETCH(QString, remaining);
    QFETCH(QJsonObject, sent);
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QSignalSpy changed(panel.get(), &KeysPanel::keysChanged);
    QVERIFY(selectNamed(*panel, key));
    const QString hash = panel->selectedHash();
    panel->limitAction()->trigger();
    KeyEditDialog* d = waitEditDialog(*panel);
    QVERIFY(d);
    QCOMPARE(d->mode(), KeyEditDialog::Mode::Limit);
    QVERIFY(!d->nameEdit());
    d->limitCheck()->setChecked(limited);
    if (limited) {
        d->limitSpin()->setValue(amount);
        d->resetCombo()->setCurrentIndex(d->resetCombo()->findData(reset));
    }
    QVERIFY(d->okButton()->isEnabled());
    QTest::mouseClick(d->okButton(), Qt::LeftButton);
    const int row = panel->model()->rowOfHash(hash);
    QTRY_COMPARE(panel->model()->index(row, KeyTableModel::LimitCol).data().toString(), shown);
    waitIdle(*panel);
    QCOMPARE(panel->model()->index(row, KeyTableModel::RemainingCol).data().toString(), remaining);
    QCOMPARE(QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/keys/"_s + hash)).object(), sent);
    QCOMPARE(changed.size(), 1);
}

void TestKeysPanel::disableAndEnableToggle()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QSignalSpy changed(panel.get(), &KeysPanel::keysChanged);
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    const int row = rowNamed(*panel, u"laptop"_s);
    QCOMPARE(panel->toggleAction()->text(), u"&Disable"_s);
    panel->toggleAction()->trigger();
    QVERIFY(!panel->toggleAction()->isEnabled()); // no second change while one is under way
    QTRY_COMPARE(panel->model()->index(row, KeyTableModel::StatusCol).data().toString(), u"Disabled"_s);
    waitIdle(*panel);
    QVERIFY(panel->model()->keyAt(row).disabled);
    QCOMPARE(panel->toggleAction()->text(), u"&Enable"_s);
    QVERIFY2(panel->statusText().contains(u"1 disabled"_s), qPrintable(panel->statusText()));

    // Survives a reload (the gateway stored it), then enable again.
    panel->refresh();
    waitIdle(*panel);
    QVERIFY(panel->model()->keyAt(rowNamed(*panel, u"laptop"_s)).disabled);
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    panel->toggleAction()->trigger();
    QTRY_VERIFY(!panel->model()->keyAt(rowNamed(*panel, u"laptop"_s)).disabled);
    waitIdle(*panel);
    QCOMPARE(panel->toggleAction()->text(), u"&Disable"_s);
    QCOMPARE(changed.size(), 2);
}

void TestKeysPanel::deleteAsksFirstNamingTheKey()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QSignalSpy changed(panel.get(), &KeysPanel::keysChanged);
    QString asked;
    bool answer = false;
    panel->setConfirmHandler([&](const QString&, const QString& text, std::function<void(bool)> reply) {
        asked = text;
        reply(answer);
    });
    QVERIFY(selectNamed(*panel, u"ci-runner"_s));
    const QString hash = panel->selectedHash();
    const QString masked = panel->model()->keyAt(rowNamed(*panel, u"ci-runner"_s)).maskedKey;
    const int before = m_sim.server()->requestCount(u"/keys/"_s);

    // "No": nothing is sent.
    panel->table()->setFocus();
    QTest::keyClick(panel->table(), Qt::Key_Delete);
    QVERIFY2(asked.contains(u"“ci-runner”"_s) && asked.contains(masked) && asked.contains(u"Team"_s),
             qPrintable(asked));
    QCOMPARE(m_sim.server()->requestCount(u"/keys/"_s), before);
    QCOMPARE(panel->model()->rowCount(), 3);

    // "Yes": deleted on the gateway, row removed.
    answer = true;
    asked.clear();
    QTest::keyClick(panel->table(), Qt::Key_Delete);
    QVERIFY(!asked.isEmpty());
    QTRY_COMPARE(panel->model()->rowCount(), 2);
    waitIdle(*panel);
    QCOMPARE(panel->model()->rowOfHash(hash), -1);
    QCOMPARE(changed.size(), 1);
    QVERIFY(panel->messageText().contains(u"Deleted “ci-runner”"_s));
    panel->refresh();
    waitIdle(*panel);
    QCOMPARE(panel->model()->rowOfHash(hash), -1);

    // Deleting the rest leaves the empty state, which offers New Key.
    while (panel->model()->rowCount() > 0) {
        QVERIFY(panel->selectKey(panel->model()->keyAt(0).hash));
        const int left = panel->model()->rowCount();
        panel->deleteAction()->trigger();
        QTRY_COMPARE(panel->model()->rowCount(), left - 1);
        waitIdle(*panel);
    }
    QCOMPARE(panel->state(), KeysPanel::State::Empty);
    QVERIFY(panel->stateTitle().contains(u"No API keys"_s));
    QVERIFY(panel->newAction()->isEnabled());
}

void TestKeysPanel::deleteWithTheRealConfirmationBox()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    panel->deleteAction()->trigger();
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = panel->findChild<QMessageBox*>()) && box->isVisible());
    QVERIFY(box->text().contains(u"“laptop”"_s));
    QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel)); // Enter does not delete
    QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!panel->findChild<QMessageBox*>());
    QCOMPARE(panel->model()->rowCount(), 3);

    panel->deleteAction()->trigger();
    QTRY_VERIFY((box = panel->findChild<QMessageBox*>()) && box->isVisible());
    QPushButton* del = nullptr;
    for (QAbstractButton* b : box->buttons()) {
        if (box->buttonRole(b) == QMessageBox::DestructiveRole)
            del = qobject_cast<QPushButton*>(b);
    }
    QVERIFY(del);
    QTest::mouseClick(del, Qt::LeftButton);
    QTRY_COMPARE(panel->model()->rowCount(), 2);
    QCOMPARE(rowNamed(*panel, u"laptop"_s), -1);
}

void TestKeysPanel::revealShowsTheSecretAndA409IsExplained()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    const ApiKeyInfo laptop = panel->model()->keyAt(rowNamed(*panel, u"laptop"_s));
    panel->revealAction()->trigger();
    KeySecretDialog* d = waitSecretDialog(*panel);
    QVERIFY(d);
    QCOMPARE(d->reason(), KeySecretDialog::Reason::Revealed);
    const QString secret = d->secretEdit()->text();
    remember(secret);
    // The list shows "first 12 … last 4" of the secret the gateway revealed.
    QVERIFY(laptop.maskedKey.contains(u"..."_s));
    QVERIFY(secret.startsWith(laptop.maskedKey.section(u"..."_s, 0, 0)));
    QVERIFY(secret.endsWith(laptop.maskedKey.section(u"..."_s, 1)));
    QVERIFY(secret.size() > laptop.maskedKey.size());
    d->close();
    waitIdle(*panel);

    // A gateway that refuses (409) although the row said it could: explained, and not offered again.
    ctx->workspaces()->client()->setExtraHeaders({{"X-Sim-Fault"_ba, "envelope-string;status=409"_ba}});
    panel->revealAction()->trigger();
    waitIdle(*panel);
    ctx->workspaces()->client()->setExtraHeaders({});
    QVERIFY(panel->messageIsError());
    QVERIFY2(panel->messageText().contains(u"cannot show “laptop” again"_s),
             qPrintable(panel->messageText()));
    QVERIFY(!panel->revealAction()->isEnabled());
    QTRY_COMPARE(panel->findChildren<KeySecretDialog*>().size(), 0);
}

void TestKeysPanel::errorsGoToTheMessageBar()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    const int row = rowNamed(*panel, u"laptop"_s);
    ctx->workspaces()->client()->setExtraHeaders({{"X-Sim-Fault"_ba, "500"_ba}});
    panel->toggleAction()->trigger();
    waitIdle(*panel);
    ctx->workspaces()->client()->setExtraHeaders({});
    QVERIFY(panel->messageIsError());
    QVERIFY2(
        panel->messageText().startsWith(u"Could not disable “laptop”. The gateway had an internal error"_s),
        qPrintable(panel->messageText()));
    QVERIFY(!panel->model()->keyAt(row).disabled); // unchanged
    QVERIFY(panel->findChildren<QMessageBox*>().isEmpty());
    // A failed refresh keeps the table and says so above it (a 400: not retried, so no back-off).
    ctx->workspaces()->client()->setExtraHeaders({{"X-Sim-Fault"_ba, "envelope-oauth"_ba}});
    panel->refresh();
    waitIdle(*panel);
    ctx->workspaces()->client()->setExtraHeaders({});
    QCOMPARE(panel->state(), KeysPanel::State::Keys);
    QCOMPARE(panel->model()->rowCount(), 3);
    QVERIFY2(panel->messageText().startsWith(u"Could not refresh the key list."_s),
             qPrintable(panel->messageText()));
    // Key deleted elsewhere: the 404 is explained and the list reloaded.
    const QString hash = panel->model()->keyAt(row).hash;
    ApiReply* gone = ctx->workspaces()->client()->send("DELETE", u"/keys/"_s + hash, KeyRole::Management);
    QSignalSpy goneDone(gone, &ApiReply::finished);
    QVERIFY(goneDone.wait(10000));
    QVERIFY(panel->selectKey(hash));
    panel->toggleAction()->trigger();
    QTRY_VERIFY(panel->messageText().contains(u"no longer has this key"_s));
    waitIdle(*panel);
    QCOMPARE(panel->model()->rowOfHash(hash), -1);
}

void TestKeysPanel::explanations_data()
{
    QTest::addColumn<QString>("workspace");
    QTest::addColumn<KeysPanel::State>("state");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("settingsButton");
    QTest::newRow("403 inference key")
        << kInferenceOnly << KeysPanel::State::NoPermission
        << u"This workspace's key cannot manage API keys. Add a management key "
           "(ak_…) in the workspace settings."_s
        << true;
    QTest::newRow("401 rejected") << kBogus << KeysPanel::State::Rejected << u"was refused (401)"_s << true;
    QTest::newRow("no key") << kNoKey << KeysPanel::State::NoKey << u"workspace settings"_s << true;
    QTest::newRow("no /keys") << kPlain << KeysPanel::State::Unsupported
                              << u"This gateway does not offer key management."_s << false;
}

void TestKeysPanel::explanations()
{
    QFETCH(QString, workspace);
    QFETCH(KeysPanel::State, state);
    QFETCH(QString, text);
    QFETCH(bool, settingsButton);
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get(), workspace);
    QSignalSpy settings(panel.get(), &KeysPanel::workspaceSettingsRequested);
    QTRY_COMPARE_WITH_TIMEOUT(panel->state(), state, 10000);
    QVERIFY2(panel->stateText().contains(text), qPrintable(panel->stateText()));
    QVERIFY(!panel->table()->isVisible());
    QCOMPARE(panel->model()->rowCount(), 0);
    QVERIFY(!panel->newAction()->isEnabled());
    QVERIFY(!panel->renameAction()->isEnabled());
    QCOMPARE(panel->settingsButton()->isVisible(), settingsButton);
    if (settingsButton) {
        QTest::mouseClick(panel->settingsButton(), Qt::LeftButton);
        QCOMPARE(settings.size(), 1);
    }
}

void TestKeysPanel::workspaceSwitchRebinds()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QSet<QString> teamHashes;
    for (const ApiKeyInfo& k : panel->model()->keys())
        teamHashes.insert(k.hash);
    QCOMPARE(teamHashes.size(), 3);

    // At once: the old rows go, "Loading…" shows; then the other gateway's keys.
    selectWorkspace(ctx.get(), kOther);
    QCOMPARE(panel->model()->rowCount(), 0);
    QVERIFY(panel->state() == KeysPanel::State::Loading || panel->state() == KeysPanel::State::Keys);
    waitIdle(*panel);
    QCOMPARE(panel->state(), KeysPanel::State::Keys);
    QCOMPARE(panel->model()->rowCount(), 3);
    for (const ApiKeyInfo& k : panel->model()->keys())
        QVERIFY(!teamHashes.contains(k.hash));

    selectWorkspace(ctx.get(), kInferenceOnly);
    QTRY_COMPARE(panel->state(), KeysPanel::State::NoPermission);
    QCOMPARE(panel->model()->rowCount(), 0);

    selectWorkspace(ctx.get(), kTeam);
    waitIdle(*panel);
    QCOMPARE(panel->state(), KeysPanel::State::Keys);
    QSet<QString> again;
    for (const ApiKeyInfo& k : panel->model()->keys())
        again.insert(k.hash);
    QCOMPARE(again, teamHashes);

    // An open edit dialog about the previous workspace's key closes on a switch.
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    panel->renameAction()->trigger();
    QVERIFY(waitEditDialog(*panel));
    selectWorkspace(ctx.get(), kOther);
    QTRY_VERIFY(!panel->editDialog());
    waitIdle(*panel);
}

void TestKeysPanel::lateAnswersForThePreviousWorkspaceAreIgnored()
{
    auto ctx = makeContext();
    // Which gateway each finished key request went to, noted while the reply still exists.
    QList<int> finishedPorts;
    connect(ctx->network(), &QNetworkAccessManager::finished, this, [&finishedPorts](QNetworkReply* reply) {
        if (reply->url().path().contains(u"/keys"_s))
            finishedPorts.append(reply->url().port());
    });
    auto panel = makePanel(ctx.get(), kGate);

    // The held gateway answers the first list at once, with one key.
    HeldGateway::Request first;
    QTRY_VERIFY(first.socket || m_gate.takeKeys(&first)); // QTRY evaluates once more at the end
    QVERIFY2(first.head.startsWith("GET /api/v1/keys "), first.head.constData());
    HeldGateway::respond(first.socket, 200,
                         R"({"data":[{"hash":"gate1","name":"gate-key","label":"sk-ar-v1-gate...0001",)"
                         R"("created_at":"2026-01-01T00:00:00Z","disabled":false}]})"_ba);
    waitIdle(*panel);
    QCOMPARE(panel->model()->rowCount(), 1);
    QSignalSpy changed(panel.get(), &KeysPanel::keysChanged);

    // A disable, a refresh and a create go out; the gateway holds all three.
    QVERIFY(selectNamed(*panel, u"gate-key"_s));
    panel->toggleAction()->trigger();
    panel->refresh();
    panel->newAction()->trigger();
    KeyEditDialog* d = waitEditDialog(*panel);
    QVERIFY(d);
    QTest::keyClicks(d->nameEdit(), u"made-late"_s);
    QTest::mouseClick(d->okButton(), Qt::LeftButton);
    QHash<QByteArray, HeldGateway::Request> held;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            HeldGateway::Request r;
            while (m_gate.takeKeys(&r))
                held.insert(r.head.left(r.head.indexOf(' ')), r);
            return held.size() == 3;
        }(),
        10000);
    QVERIFY(held.contains("PATCH") && held.contains("GET") && held.contains("POST"));

    // Meanwhile the user switches to Other, whose keys load.
    selectWorkspace(ctx.get(), kOther);
    waitIdle(*panel);
    QCOMPARE(panel->model()->rowCount(), 3);

    // Now the held answers arrive: none may touch Other's table or its message bar.
    const QString lateSecret = u"sk-ar-v1-gate-late-secret-0123456789abcdef"_s;
    HeldGateway::respond(held.value("PATCH").socket, 200,
                         R"({"data":{"hash":"gate1","name":"gate-key","disabled":true}})"_ba);
    HeldGateway::respond(
        held.value("GET").socket, 200,
        R"({"data":[{"hash":"gate1","name":"gate-key"},{"hash":"gate2","name":"late"}]})"_ba);
    HeldGateway::respond(held.value("POST").socket, 201,
                         R"({"data":{"hash":"gate3","name":"made-late"},"key":")"_ba + lateSecret.toUtf8() +
                             R"("})"_ba);
    QTRY_VERIFY_WITH_TIMEOUT(finishedPorts.count(int(m_gate.port())) == 4, 10000);
    QTRY_VERIFY(!panel->isBusy());
    QCOMPARE(panel->state(), KeysPanel::State::Keys);
    QCOMPARE(panel->model()->rowCount(), 3);
    for (const QString& hash : {u"gate1"_s, u"gate2"_s, u"gate3"_s})
        QCOMPARE(panel->model()->rowOfHash(hash), -1);
    QVERIFY(panel->messageText().isEmpty());

    // Except one thing: the created key's secret is still shown (the gateway hands it out only
    // once), in a dialog that names the workspace it belongs to.
    KeySecretDialog* secret = waitSecretDialog(*panel);
    QVERIFY(secret);
    remember(lateSecret);
    QCOMPARE(secret->secretEdit()->text(), lateSecret);
    QCOMPARE(secret->keyName(), u"made-late"_s);
    QCOMPARE(changed.size(), 1); // the create happened; the disable's answer was dropped
    secret->close();
}

void TestKeysPanel::theGatewaysWordsAreShownAsSent()
{
    // The explanation quotes the gateway's reason for a 403; a "%1" in it is its text, not a place
    // for the panel's own sentence.
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get(), kGate);
    HeldGateway::Request list;
    QTRY_VERIFY(list.socket || m_gate.takeKeys(&list));
    HeldGateway::respond(list.socket, 403,
                         R"({"error":{"message":"scope %1 missing","type":"permission_error"}})"_ba);
    QTRY_COMPARE_WITH_TIMEOUT(panel->state(), KeysPanel::State::NoPermission, 10000);
    const QString shown = panel->stateText().remove(QChar(0x2060)); // a word joiner is invisible
    QVERIFY2(shown.contains(u"The gateway said: “scope %1 missing” (HTTP 403)."_s), qPrintable(shown));
}

void TestKeysPanel::keyboardShortcutsWinOverAWindowAction()
{
    auto ctx = makeContext();
    selectWorkspace(ctx.get(), kTeam);
    // A window with its own Ctrl+R / Del actions, as the main window has (Refresh is Ctrl+R on some
    // desktops): inside the panel the panel's keys win, without an "ambiguous shortcut".
    QWidget window;
    auto* layout = new QVBoxLayout(&window);
    auto* panel = new KeysPanel(ctx.get(), &window);
    layout->addWidget(panel);
    auto* windowRefresh = new QAction(&window);
    windowRefresh->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_R), QKeySequence(Qt::Key_Delete)});
    windowRefresh->setShortcutContext(Qt::WindowShortcut);
    window.addAction(windowRefresh);
    QSignalSpy windowSpy(windowRefresh, &QAction::triggered);
    window.resize(1000, 400);
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    waitIdle(*panel);
    panel->table()->setFocus();
    QTRY_VERIFY(panel->table()->hasFocus());

    const int lists = m_sim.server()->requestCount(u"/keys"_s);
    QTest::keyClick(panel->table(), Qt::Key_R, Qt::ControlModifier);
    QTRY_COMPARE(m_sim.server()->requestCount(u"/keys"_s), lists + 1);
    waitIdle(*panel);
    QCOMPARE(windowSpy.size(), 0);

    QString asked;
    panel->setConfirmHandler([&](const QString&, const QString& text, std::function<void(bool)> reply) {
        asked = text;
        reply(false);
    });
    QVERIFY(selectNamed(*panel, u"laptop"_s));
    panel->table()->setFocus();
    QTest::keyClick(panel->table(), Qt::Key_Delete);
    QVERIFY(asked.contains(u"laptop"_s));
    QCOMPARE(windowSpy.size(), 0);

    QTest::keyClick(panel->table(), Qt::Key_Insert);
    QVERIFY(waitEditDialog(*panel));
    QCOMPARE(panel->editDialog()->mode(), KeyEditDialog::Mode::Create);
    panel->editDialog()->reject();
    QTRY_VERIFY(!panel->editDialog());

    // Outside the panel the window's own action still works.
    auto* outside = new QLineEdit(&window);
    layout->addWidget(outside);
    outside->show();
    window.activateWindow(); // the dialog above had taken the activation
    QVERIFY(QTest::qWaitForWindowActive(&window));
    outside->setFocus();
    QTRY_VERIFY(outside->hasFocus());
    QTest::keyClick(outside, Qt::Key_R, Qt::ControlModifier);
    QCOMPARE(windowSpy.size(), 1);
}

void TestKeysPanel::contextMenuOffersTheRowActions()
{
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    waitIdle(*panel);
    QTableView* t = panel->table();
    const int proxyRow =
        panel->proxy()->mapFromSource(panel->model()->index(rowNamed(*panel, u"laptop"_s), 0)).row();
    const QPoint pos = t->visualRect(panel->proxy()->index(proxyRow, KeyTableModel::StatusCol)).center();
    emit t->customContextMenuRequested(pos);
    const auto openMenu = [&]() -> QMenu* {
        const QList<QMenu*> menus = panel->findChildren<QMenu*>();
        for (QMenu* m : menus) {
            if (m->isVisible())
                return m;
        }
        return nullptr;
    };
    QPointer<QMenu> menu;
    QTRY_VERIFY((menu = openMenu()));
    QCOMPARE(panel->model()->keyAt(rowNamed(*panel, u"laptop"_s)).hash,
             panel->selectedHash()); // row under the pointer
    const QList<QAction*> actions = menu->actions();
    for (QAction* a : {panel->newAction(), panel->renameAction(), panel->limitAction(), panel->toggleAction(),
                       panel->revealAction(), panel->deleteAction(), panel->refreshAction()})
        QVERIFY2(actions.contains(a), qPrintable(a->text()));
    QVERIFY(panel->renameAction()->isEnabled());
    menu->close();
    QTRY_VERIFY(menu.isNull()); // not kept around: one menu per request

    // Below the rows: only New and Refresh.
    emit t->customContextMenuRequested(QPoint(10, t->viewport()->height() - 5));
    QTRY_VERIFY((menu = openMenu()));
    QVERIFY(!menu->actions().contains(panel->deleteAction()));
    QVERIFY(menu->actions().contains(panel->newAction()));
    menu->close();
}

void TestKeysPanel::screenshots()
{
    // Writes PNGs for a human to look at when ANYROUTER_SCREENSHOT_DIR is set; always renders.
    const QString dir = qEnvironmentVariable("ANYROUTER_SCREENSHOT_DIR");
    auto ctx = makeContext();
    auto panel = makePanel(ctx.get());
    panel->resize(1100, 380);
    waitIdle(*panel);
    QVERIFY(selectNamed(*panel, u"ci-runner"_s));
    panel->toggleAction()->trigger();
    waitIdle(*panel);
    const QPixmap table = panel->grab();
    QVERIFY(!table.isNull());
    if (!dir.isEmpty())
        QVERIFY(table.save(dir + u"/keys-table.png"_s));

    panel->newAction()->trigger();
    KeyEditDialog* d = waitEditDialog(*panel);
    QVERIFY(d);
    QTest::keyClicks(d->nameEdit(), u"laptop"_s);
    d->limitCheck()->setChecked(true);
    if (!dir.isEmpty())
        QVERIFY(d->grab().save(dir + u"/keys-new-dialog.png"_s));
    d->nameEdit()->clear();
    QTest::keyClicks(d->nameEdit(), u"staging"_s);
    QTest::mouseClick(d->okButton(), Qt::LeftButton);
    KeySecretDialog* s = waitSecretDialog(*panel);
    QVERIFY(s);
    remember(s->secretEdit()->text());
    // The columns grow to fit the new row (a two-digit day is wider than "4 Nov").
    const auto createdFits = [&] {
        QTableView* t = panel->table();
        for (int r = 0; r < panel->proxy()->rowCount(); ++r) {
            const QModelIndex i = panel->proxy()->index(r, KeyTableModel::CreatedCol);
            if (t->columnWidth(KeyTableModel::CreatedCol) < t->sizeHintForIndex(i).width())
                return false;
        }
        return true;
    };
    QTRY_VERIFY(createdFits());
    if (!dir.isEmpty()) {
        QVERIFY(s->grab().save(dir + u"/keys-secret-dialog.png"_s));
        QVERIFY(panel->grab().save(dir + u"/keys-after-create.png"_s));
    }
    s->close();

    selectWorkspace(ctx.get(), kInferenceOnly);
    QTRY_COMPARE(panel->state(), KeysPanel::State::NoPermission);
    if (!dir.isEmpty())
        QVERIFY(panel->grab().save(dir + u"/keys-403.png"_s));
    selectWorkspace(ctx.get(), kPlain);
    QTRY_COMPARE(panel->state(), KeysPanel::State::Unsupported);
    if (!dir.isEmpty())
        QVERIFY(panel->grab().save(dir + u"/keys-unsupported.png"_s));
}

void TestKeysPanel::noSecretReachedTheDisk()
{
    // Every secret handed out above, plus the workspace keys themselves.
    QStringList secrets = m_handedOut;
    QVERIFY2(secrets.size() >= 3, "the tests above should have created/revealed keys");
    secrets << sim::managementKey() << sim::inferenceKey() << sim::fullKey() << kBogusKey;

    QStringList roots{m_dir.path(), m_contexts.directory()};
    for (auto loc : {QStandardPaths::AppDataLocation, QStandardPaths::AppConfigLocation,
                     QStandardPaths::AppLocalDataLocation, QStandardPaths::CacheLocation,
                     QStandardPaths::GenericConfigLocation}) {
        const QString p = QStandardPaths::writableLocation(loc);
        if (!p.isEmpty() && QFileInfo::exists(p))
            roots << p;
    }
    int filesRead = 0;
    for (const QString& root : std::as_const(roots)) {
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QByteArray bytes = f.readAll();
            ++filesRead;
            for (const QString& s : std::as_const(secrets)) {
                QVERIFY2(!bytes.contains(s.toUtf8()), qPrintable(u"a key string is in "_s + f.fileName()));
                // SQLite may store text as UTF-16 too.
                const QByteArray utf16(reinterpret_cast<const char*>(s.utf16()), s.size() * 2);
                QVERIFY2(!bytes.contains(utf16),
                         qPrintable(u"a key string (UTF-16) is in "_s + f.fileName()));
            }
        }
    }
    QVERIFY2(filesRead >= m_contexts.count(), "the databases of the tests above should have been read");
}

QTEST_MAIN(TestKeysPanel)
#include "TestKeysPanel.moc"
