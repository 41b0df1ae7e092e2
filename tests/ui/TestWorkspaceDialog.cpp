// The workspace editor dialogs, offscreen, against the simulator: fill the form with QTest, save,
// the main window's selector lists the workspace and Ctrl+<n> switches to it; the http:// policy,
// "Save Anyway" after a rejected key, cancelling a check, masked keys with Show, read-only
// ephemeral workspaces, the session-only offer when the keychain is down, duplicate and delete.
#include "ContextFixture.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/SecretStore.h"
#include "core/storage/WorkspaceStore.h"
#include "core/workspace/WorkspaceEditor.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"
#include "ui/chat/ChatPage.h"
#include "ui/chat/RoutingDialog.h"
#include "ui/shell/MainWindow.h"
#include "ui/workspace/WorkspaceDialog.h"
#include "ui/workspace/WorkspaceListDialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

class DownSecretStore : public MemorySecretStore
{
public:
    using MemorySecretStore::MemorySecretStore;
    void write(const QString&, const QString&, QObject* context, Callback cb) override
    {
        deliver(context, std::move(cb), {Status::Unavailable, {}, u"no Secret Service"_s});
    }
};

} // namespace

class TestWorkspaceDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createFromFormAppearsInSelectorAndCtrlDigitSwitches();
    void plainHttpNeedsConsent();
    void rejectedKeyCanBeSavedAnyway();
    void cancelStopsTheCheck();
    void keysAreMaskedUntilShown();
    void editLoadsKeysAndKeepsThem();
    void ephemeralWorkspaceIsReadOnly();
    void keychainDownOffersSessionOnly();
    void listDuplicatesAndDeletes();
    void mainWindowMenuOpensTheList();

private:
    std::unique_ptr<AppContext> makeContext(std::unique_ptr<SecretStore> secrets = {});
    void fill(WorkspaceDialog& d, const QString& name, const QString& url, const QString& inference,
              const QString& management = {});

    test::SimFixture m_sim;
    test::ContextFixture m_contexts{u"wsd"_s};
};

void TestWorkspaceDialog::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
}

std::unique_ptr<AppContext> TestWorkspaceDialog::makeContext(std::unique_ptr<SecretStore> secrets)
{
    auto ctx = m_contexts.make(std::move(secrets));
    return ctx;
}

void TestWorkspaceDialog::fill(WorkspaceDialog& d, const QString& name, const QString& url,
                               const QString& inference, const QString& management)
{
    d.nameEdit()->clear();
    QTest::keyClicks(d.nameEdit(), name);
    d.urlEdit()->clear();
    QTest::keyClicks(d.urlEdit(), url);
    d.inferenceKeyEdit()->clear();
    QTest::keyClicks(d.inferenceKeyEdit(), inference);
    d.managementKeyEdit()->clear();
    if (!management.isEmpty())
        QTest::keyClicks(d.managementKeyEdit(), management);
}

void TestWorkspaceDialog::createFromFormAppearsInSelectorAndCtrlDigitSwitches()
{
    auto ctx = makeContext();
    Workspace demo = test::demoWorkspace(m_sim.baseUrl());
    ctx->workspaces()->addEphemeral(demo, sim::fullKey());
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(ctx->workspaces()->select(demo.id));
    QCOMPARE(w.workspaceSelector()->count(), 1);

    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    WorkspaceDialog d(&editor, std::nullopt, &w);
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QCOMPARE(d.urlEdit()->text(), Workspace::defaultBaseUrl().toString());
    fill(d, u"Team"_s, m_sim.baseUrl().toString(), sim::inferenceKey(), sim::managementKey());
    QTest::keyClicks(d.modelEdit(), u"anthropic/claude-haiku-4.5"_s);
    // Routing defaults through the same editor a conversation uses, and an attribution override.
    QCOMPARE(d.routingSummary()->text(), u"The gateway's defaults"_s);
    QTest::mouseClick(d.routingButton(), Qt::LeftButton);
    RoutingDialog* routing = nullptr;
    QTRY_VERIFY(routing = d.findChild<RoutingDialog*>());
    routing->sortCombo()->setCurrentIndex(routing->sortCombo()->findData(u"throughput"_s));
    routing->onlyEdit()->setText(u"openai, anthropic"_s);
    routing->accept();
    QCOMPARE(d.routingSummary()->text(), u"sort by throughput · only: openai, anthropic"_s);
    QTest::keyClicks(d.attributionTitleEdit(), u"Team Console"_s);
    QCOMPARE(d.attributionSourceEdit()->placeholderText(), u"desktop"_s); // the default, shown
    QSignalSpy saved(&d, &WorkspaceDialog::saved);
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QVERIFY(d.isBusy()); // the check runs without blocking the dialog
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 15000);
    QCOMPARE(d.result(), int(QDialog::Accepted));
    QVERIFY2(d.resultMessage().contains(u"works for chat and models, credits, key management"_s),
             qPrintable(d.resultMessage()));

    const Workspace ws = d.workspace();
    const auto stored = ctx->workspaceStore()->find(ws.id);
    QVERIFY(stored);
    QCOMPARE(stored->name, u"Team"_s);
    QCOMPARE(stored->defaultModel, u"anthropic/claude-haiku-4.5"_s);
    QCOMPARE(stored->routing.sort, u"throughput"_s);
    QCOMPARE(stored->routing.only, (QStringList{u"openai"_s, u"anthropic"_s}));
    QCOMPARE(stored->attributionTitle, u"Team Console"_s);
    QVERIFY(stored->attributionSource.isEmpty());
    auto* mem = static_cast<MemorySecretStore*>(ctx->secrets());
    QVERIFY(mem->contains(secretKeyFor(ws.id, KeyKind::Inference)));
    QVERIFY(mem->contains(secretKeyFor(ws.id, KeyKind::Management)));

    // The selector lists it (after the demo) and Ctrl+2 switches to it, with its keys.
    QCOMPARE(w.workspaceSelector()->count(), 2);
    QCOMPARE(w.workspaceSelector()->itemData(1).toString(), ws.id);
    QCOMPARE(w.workspaceSelector()->itemText(1), u"Team"_s);
    QVERIFY(!d.isVisible());
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
    QTRY_COMPARE(ctx->workspaces()->current().id, ws.id);
    QTRY_COMPARE(ctx->workspaces()->keyState(), WorkspaceManager::KeyState::Loaded);
    QVERIFY(ctx->workspaces()->client()->hasManagementKey());
    QCOMPARE(w.workspaceSelector()->currentData().toString(), ws.id);
    QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
    QTRY_COMPARE(ctx->workspaces()->current().id, demo.id);
}

void TestWorkspaceDialog::plainHttpNeedsConsent()
{
    auto ctx = makeContext();
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    WorkspaceDialog d(&editor, std::nullopt);
    d.show();
    fill(d, u"Remote"_s, u"http://gateway.example.com/api/v1"_s, sim::fullKey());
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QVERIFY(!d.isBusy()); // refused before any request
    QVERIFY(d.statusLabel()->text().contains(u"unencrypted"_s));
    QVERIFY(d.isVisible());

    fill(d, u"No key"_s, m_sim.baseUrl().toString(), QString(), sim::managementKey());
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QVERIFY(!d.isBusy());
    QVERIFY(d.statusLabel()->text().contains(u"inference key"_s));

    fill(d, u"Broken"_s, u"not a url"_s, sim::fullKey());
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QVERIFY(d.statusLabel()->text().contains(u"not a valid URL"_s));

    // Consent on a host that is then reachable over loopback is accepted; here we only check the
    // policy lets the request start (it would go to the network otherwise: use the simulator's
    // loopback URL spelled as localhost, which needs no consent at all).
    fill(d, u"Local"_s, u"http://localhost:%1/api/v1"_s.arg(m_sim.port()), sim::fullKey());
    QSignalSpy saved(&d, &WorkspaceDialog::saved);
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 15000);
    QVERIFY(!d.workspace().allowInsecureHttp);
}

void TestWorkspaceDialog::rejectedKeyCanBeSavedAnyway()
{
    auto ctx = makeContext();
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    WorkspaceDialog d(&editor, std::nullopt);
    d.show();
    fill(d, u"Wrong key"_s, m_sim.baseUrl().toString(), u"sk-ar-v1-not-a-real-key"_s);
    QSignalSpy saved(&d, &WorkspaceDialog::saved);
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(d.saveAnywayButton()->isVisible(), 15000);
    QCOMPARE(saved.size(), 0);
    QVERIFY(ctx->workspaceStore()->list().isEmpty());
    QVERIFY(d.statusLabel()->text().contains(u"save anyway"_s));
    QTest::mouseClick(d.saveAnywayButton(), Qt::LeftButton);
    QTRY_COMPARE(saved.size(), 1);
    QCOMPARE(ctx->workspaceStore()->list().size(), 1);
    QVERIFY(d.resultMessage().contains(u"not confirmed"_s));
}

void TestWorkspaceDialog::cancelStopsTheCheck()
{
    auto ctx = makeContext();
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    WorkspaceDialog d(&editor, std::nullopt);
    d.show();
    fill(d, u"Cancelled"_s, m_sim.baseUrl().toString(), sim::fullKey());
    QSignalSpy saved(&d, &WorkspaceDialog::saved);
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QVERIFY(editor.isValidating());
    QVERIFY(!d.inferenceKeyEdit()->isEnabled()); // what gets saved is what is being checked
    QVERIFY(!d.saveButton()->isEnabled());
    QTest::keyClick(&d, Qt::Key_Escape); // Cancel: stops the check, keeps the dialog
    QVERIFY(!editor.isValidating());
    QVERIFY(d.isVisible());
    QVERIFY(d.saveButton()->isEnabled());
    QVERIFY(d.inferenceKeyEdit()->isEnabled());
    QVERIFY(d.statusLabel()->text().contains(u"cancelled"_s));
    // A full round trip later nothing was saved by the cancelled check.
    std::optional<KeyCapabilities> probe;
    editor.validate(m_sim.baseUrl(), false, sim::fullKey(), {}, this,
                    [&](const KeyCapabilities& c) { probe = c; });
    QTRY_VERIFY_WITH_TIMEOUT(probe.has_value(), 15000);
    QCoreApplication::processEvents();
    QCOMPARE(saved.size(), 0);
    QVERIFY(ctx->workspaceStore()->list().isEmpty());
    QTest::keyClick(&d, Qt::Key_Escape); // second Escape closes
    QVERIFY(!d.isVisible());
}

void TestWorkspaceDialog::keysAreMaskedUntilShown()
{
    auto ctx = makeContext();
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    WorkspaceDialog d(&editor, std::nullopt);
    d.show();
    QTest::keyClicks(d.inferenceKeyEdit(), sim::fullKey());
    QCOMPARE(d.inferenceKeyEdit()->echoMode(), QLineEdit::Password);
    const auto labels = d.findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [](QLabel* l) { return l->text().contains(maskKey(sim::fullKey())); }));
    QVERIFY(std::none_of(labels.begin(), labels.end(),
                         [](QLabel* l) { return l->text().contains(sim::fullKey()); }));
    QToolButton* show = nullptr;
    for (auto* b : d.findChildren<QToolButton*>())
        if (b->text() == u"Show"_s && !show)
            show = b;
    QVERIFY(show);
    QTest::mouseClick(show, Qt::LeftButton);
    QCOMPARE(d.inferenceKeyEdit()->echoMode(), QLineEdit::Normal);
    QCOMPARE(show->text(), u"Hide"_s);
    QTest::mouseClick(show, Qt::LeftButton);
    QCOMPARE(d.inferenceKeyEdit()->echoMode(), QLineEdit::Password);
}

void TestWorkspaceDialog::editLoadsKeysAndKeepsThem()
{
    auto ctx = makeContext();
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    Workspace w;
    w.id = WorkspaceEditor::newWorkspaceId();
    w.name = u"Existing"_s;
    w.baseUrl = m_sim.baseUrl();
    std::optional<WorkspaceEditor::SaveResult> r;
    editor.save(w, sim::inferenceKey(), sim::managementKey(), this, [&](const auto& res) { r = res; });
    QTRY_VERIFY(r.has_value());
    QCOMPARE(r->outcome, WorkspaceEditor::Outcome::Ok);
    QVERIFY(ctx->workspaces()->select(w.id));

    WorkspaceDialog d(&editor, ctx->workspaces()->find(w.id));
    d.show();
    QTRY_COMPARE(d.inferenceKeyEdit()->text(), sim::inferenceKey());
    QCOMPARE(d.managementKeyEdit()->text(), sim::managementKey());
    QSignalSpy changed(ctx->workspaces(), &WorkspaceManager::currentChanged);
    d.nameEdit()->clear();
    QTest::keyClicks(d.nameEdit(), u"Renamed"_s);
    d.managementKeyEdit()->clear(); // removing the management key
    QSignalSpy saved(&d, &WorkspaceDialog::saved);
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 15000);
    QCOMPARE(ctx->workspaceStore()->find(w.id)->name, u"Renamed"_s);
    QCOMPARE(changed.size(), 1); // the current workspace was re-selected so pages re-bind
    QCOMPARE(ctx->workspaces()->current().name, u"Renamed"_s);
    auto* mem = static_cast<MemorySecretStore*>(ctx->secrets());
    QVERIFY(mem->contains(secretKeyFor(w.id, KeyKind::Inference)));
    QVERIFY(!mem->contains(secretKeyFor(w.id, KeyKind::Management)));
}

void TestWorkspaceDialog::ephemeralWorkspaceIsReadOnly()
{
    auto ctx = makeContext();
    Workspace env;
    env.id = WorkspaceManager::environmentWorkspaceId();
    env.name = u"Environment"_s;
    env.kind = Workspace::Kind::Environment;
    env.baseUrl = m_sim.baseUrl();
    ctx->workspaces()->addEphemeral(env, sim::fullKey());
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    WorkspaceDialog d(&editor, ctx->workspaces()->find(env.id));
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    QVERIFY(d.isReadOnly());
    QVERIFY(!d.saveButton()->isVisible());
    QVERIFY(!d.saveAnywayButton()->isVisible());
    QVERIFY(!d.sessionOnlyButton()->isVisible());
    QVERIFY(!d.nameEdit()->isEnabled());
    QVERIFY(!d.inferenceKeyEdit()->isEnabled());
    QVERIFY(d.inferenceKeyEdit()->text().isEmpty()); // its key is never shown here
    auto* note = d.findChild<QLabel*>(u"readOnlyNote"_s);
    QVERIFY(note);
    QVERIFY(note->text().contains(u"environment variables"_s));

    WorkspaceListDialog list(&editor, ctx->workspaces());
    list.selectId(env.id);
    QVERIFY(list.editButton()->isEnabled());
    QVERIFY(!list.duplicateButton()->isEnabled());
    QVERIFY(!list.deleteButton()->isEnabled());
    QVERIFY(list.list()->currentItem()->text().contains(u"read-only"_s));
}

void TestWorkspaceDialog::keychainDownOffersSessionOnly()
{
    auto session = std::make_unique<SessionSecretStore>(new DownSecretStore);
    SessionSecretStore* sessionPtr = session.get();
    auto ctx = makeContext(std::move(session));
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    WorkspaceDialog d(&editor, std::nullopt);
    d.show();
    fill(d, u"Session"_s, m_sim.baseUrl().toString(), sim::fullKey());
    QSignalSpy saved(&d, &WorkspaceDialog::saved);
    QTest::mouseClick(d.saveButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(d.sessionOnlyButton()->isVisible(), 15000);
    QVERIFY(d.statusLabel()->text().contains(u"keychain is not available"_s));
    QCOMPARE(saved.size(), 0);
    QVERIFY(ctx->workspaceStore()->list().isEmpty());
    QTest::mouseClick(d.sessionOnlyButton(), Qt::LeftButton);
    QCOMPARE(saved.size(), 1);
    QVERIFY(sessionPtr->hasSessionOnly(secretKeyFor(d.workspace().id, KeyKind::Inference)));
    QVERIFY(d.resultMessage().contains(u"session only"_s));
}

void TestWorkspaceDialog::listDuplicatesAndDeletes()
{
    auto ctx = makeContext();
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    Workspace w;
    w.id = WorkspaceEditor::newWorkspaceId();
    w.name = u"Alpha"_s;
    w.baseUrl = m_sim.baseUrl();
    std::optional<WorkspaceEditor::SaveResult> r;
    editor.save(w, sim::fullKey(), {}, this, [&](const auto& res) { r = res; });
    QTRY_VERIFY(r.has_value());
    WorkspaceListDialog list(&editor, ctx->workspaces());
    list.show();
    QCOMPARE(list.list()->count(), 1);
    list.selectId(w.id);
    QTest::mouseClick(list.duplicateButton(), Qt::LeftButton);
    QTRY_COMPARE(list.list()->count(), 2);
    QTRY_VERIFY(list.statusLabel()->text().contains(u"Alpha (copy)"_s));
    const QString copyId = list.selectedId();
    QVERIFY(copyId != w.id);
    auto* mem = static_cast<MemorySecretStore*>(ctx->secrets());
    QVERIFY(mem->contains(secretKeyFor(copyId, KeyKind::Inference)));

    list.deleteSelected(false);
    QTRY_COMPARE(list.list()->count(), 1);
    QVERIFY(list.statusLabel()->text().contains(u"conversations were kept"_s));
    QVERIFY(!mem->contains(secretKeyFor(copyId, KeyKind::Inference)));
    QVERIFY(mem->contains(secretKeyFor(w.id, KeyKind::Inference)));

    // "New…" opens an editor for a new workspace.
    WorkspaceDialog* dlg = list.openEditor();
    QVERIFY(dlg);
    QVERIFY(dlg->nameEdit()->text().isEmpty());
    dlg->close();
}

void TestWorkspaceDialog::mainWindowMenuOpensTheList()
{
    auto ctx = makeContext();
    Workspace stored;
    stored.id = WorkspaceEditor::newWorkspaceId();
    stored.name = u"Stored"_s;
    stored.baseUrl = m_sim.baseUrl();
    QVERIFY(ctx->workspaceStore()->save(stored));
    ctx->workspaces()->reload();
    QVERIFY(ctx->workspaces()->select(stored.id));
    MainWindow w(ctx.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QAction* action = nullptr;
    for (QAction* a : w.findChildren<QAction*>())
        if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W))
            action = a;
    QVERIFY2(action, "no Ctrl+Shift+W action");
    QVERIFY(action->text().contains(u"Workspaces"_s));
    action->trigger();
    QTRY_VERIFY(w.findChild<WorkspaceListDialog*>() && w.findChild<WorkspaceListDialog*>()->isVisible());
    auto* list = w.findChild<WorkspaceListDialog*>();
    QCOMPARE(list->list()->count(), 1);
    list->close(); // WA_DeleteOnClose
    QTRY_VERIFY(!w.findChild<WorkspaceListDialog*>());

    // The chat page's "workspace settings" (from an auth error) opens the editor on the current one.
    QVERIFY(!w.findChild<WorkspaceDialog*>());
    emit w.chatPage()->workspaceSettingsRequested();
    auto* editorDialog = w.findChild<WorkspaceDialog*>();
    QVERIFY(editorDialog);
    QTRY_VERIFY(editorDialog->isVisible());
    QCOMPARE(editorDialog->nameEdit()->text(), u"Stored"_s);
    QCOMPARE(w.currentPage(), MainWindow::Page::Chat); // no longer jumps to the Overview page
    editorDialog->close();
}

QTEST_MAIN(TestWorkspaceDialog)
#include "TestWorkspaceDialog.moc"
