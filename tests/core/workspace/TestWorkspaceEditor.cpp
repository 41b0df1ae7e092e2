// WorkspaceEditor against a real Secret Service (the private gnome-keyring of with-keyring.sh) and
// the in-process simulator: keys land only in the keychain (no file under HOME/XDG/data holds them),
// duplicate copies keys, delete removes them, the URL policy, key validation summaries, and the
// "keychain unavailable -> this session only" path.
#include "../storage/SecretTestUtil.h"
#include "SimFixture.h"
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/SecretStore.h"
#include "core/storage/WorkspaceStore.h"
#include "core/workspace/WorkspaceEditor.h"
#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace anyrouter;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr char16_t kService[] = u"AnyRouter Desktop WorkspaceEditor Test";

// A keychain that is never there: every call answers Unavailable (like a session without a
// Secret Service).
class UnavailableSecretStore : public MemorySecretStore
{
public:
    using MemorySecretStore::MemorySecretStore;
    void read(const QString&, QObject* context, Callback cb) override { fail(context, std::move(cb)); }
    void write(const QString&, const QString&, QObject* context, Callback cb) override
    {
        fail(context, std::move(cb));
    }
    void remove(const QString&, QObject* context, Callback cb) override { fail(context, std::move(cb)); }
    bool isPersistent() const override { return true; }
    int calls = 0;

private:
    void fail(QObject* context, Callback cb)
    {
        ++calls;
        deliver(context, std::move(cb), {Status::Unavailable, {}, u"no Secret Service on the bus"_s});
    }
};

} // namespace

class TestWorkspaceEditor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createStoresKeysOnlyInKeychain();
    void editOfCurrentWorkspaceRebinds();
    void duplicateCopiesKeys();
    void deleteRemovesKeys();
    void urlPolicy_data();
    void urlPolicy();
    void validation_data();
    void validation();
    void cancelledValidationNeverAnswers();
    void keychainUnavailableOffersSessionOnly();

private:
    std::unique_ptr<AppContext> makeContext(std::unique_ptr<SecretStore> secrets);
    SecretStore::Result readKeychain(const QString& account);
    WorkspaceEditor::SaveResult waitSave(const std::function<void(WorkspaceEditor::SaveCallback)>& call);
    Workspace newWorkspace(const QString& name) const;
    QString uniqueKey(const QString& prefix) { return prefix + QUuid::createUuid().toString(QUuid::Id128); }

    QTemporaryDir m_dir;
    test::SimFixture m_sim;
    std::unique_ptr<AppContext> m_ctx;
    std::unique_ptr<WorkspaceEditor> m_editor;
    std::unique_ptr<KeychainSecretStore> m_probe; // independent reader of the same keychain service
    QStringList m_written;
    int m_counter = 0;
};

void TestWorkspaceEditor::initTestCase()
{
    test::initHermeticEnvironment();
    if (qEnvironmentVariable("ANYROUTER_TEST_KEYRING") != u"1")
        QSKIP("needs the private keyring of tests/support/with-keyring.sh (ctest runs it that way); "
              "refusing to touch this session's real keyring");
    QVERIFY(m_dir.isValid());
    QVERIFY(m_sim.start(test::SimFixture::fastConfig()));
    auto* keychain = new KeychainSecretStore(QString::fromUtf16(kService), 10s);
    auto session = std::make_unique<SessionSecretStore>(keychain);
    m_ctx = makeContext(std::move(session));
    m_editor = std::make_unique<WorkspaceEditor>(m_ctx->network(), m_ctx->workspaceStore(), m_ctx->secrets(),
                                                 m_ctx->workspaces());
    m_probe = std::make_unique<KeychainSecretStore>(QString::fromUtf16(kService), 10s);
}

std::unique_ptr<AppContext> TestWorkspaceEditor::makeContext(std::unique_ptr<SecretStore> secrets)
{
    AppContext::Options opts;
    opts.databasePath = m_dir.filePath(u"ws%1.sqlite"_s.arg(++m_counter));
    opts.secretStore = std::move(secrets);
    auto ctx = std::make_unique<AppContext>(std::move(opts));
    QString error;
    if (!ctx->open(&error))
        qFatal("open failed: %s", qPrintable(error));
    return ctx;
}

SecretStore::Result TestWorkspaceEditor::readKeychain(const QString& account)
{
    std::optional<SecretStore::Result> out;
    m_probe->read(account, this, [&](const SecretStore::Result& r) { out = r; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 10000))
        return {SecretStore::Status::Error, {}, u"test: no answer"_s};
    return *out;
}

WorkspaceEditor::SaveResult
TestWorkspaceEditor::waitSave(const std::function<void(WorkspaceEditor::SaveCallback)>& call)
{
    std::optional<WorkspaceEditor::SaveResult> out;
    call([&](const WorkspaceEditor::SaveResult& r) { out = r; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 15000))
        return {WorkspaceEditor::Outcome::Failed, u"test: no answer"_s, {}};
    return *out;
}

Workspace TestWorkspaceEditor::newWorkspace(const QString& name) const
{
    Workspace w;
    w.id = WorkspaceEditor::newWorkspaceId();
    w.name = name;
    w.baseUrl = m_sim.baseUrl();
    return w;
}

void TestWorkspaceEditor::createStoresKeysOnlyInKeychain()
{
    const QString inf = uniqueKey(u"sk-ar-v1-create-"_s);
    const QString mgmt = uniqueKey(u"ak_create_"_s);
    m_written << inf << mgmt;
    const Workspace w = newWorkspace(u"Work"_s);
    const auto r = waitSave([&](auto cb) { m_editor->save(w, inf, mgmt, this, cb); });
    QVERIFY2(r.outcome == WorkspaceEditor::Outcome::Ok, qPrintable(r.message));
    QVERIFY(!r.message.contains(inf));

    QCOMPARE(readKeychain(secretKeyFor(w.id, KeyKind::Inference)).secret, inf);
    QCOMPARE(readKeychain(secretKeyFor(w.id, KeyKind::Management)).secret, mgmt);
    const auto stored = m_ctx->workspaceStore()->find(w.id);
    QVERIFY(stored);
    QCOMPARE(stored->name, u"Work"_s);
    QCOMPARE(stored->baseUrl, m_sim.baseUrl());
    QVERIFY(m_ctx->workspaces()->find(w.id)); // the manager was reloaded

    // Not in the database, settings or any other file: scan everything the app and keyring could write.
    QStringList roots{m_dir.path()};
    for (auto loc : {QStandardPaths::AppDataLocation, QStandardPaths::AppConfigLocation,
                     QStandardPaths::GenericConfigLocation, QStandardPaths::GenericDataLocation,
                     QStandardPaths::CacheLocation})
        roots << QStandardPaths::writableLocation(loc);
    for (const char* env : {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"})
        roots << qEnvironmentVariable(env);
    QVERIFY(QDir(qEnvironmentVariable("XDG_DATA_HOME") + u"/keyrings"_s).exists());
    // The scan must be able to find a key at all: plant one and see it found.
    {
        QFile canary(m_dir.filePath(u"canary.txt"_s));
        QVERIFY(canary.open(QIODevice::WriteOnly));
        canary.write(u"canary-%1"_s.arg(inf).toUtf8());
    }
    QCOMPARE(test::filesContaining(m_dir.path(), inf).size(), 1);
    QVERIFY(QFile::remove(m_dir.filePath(u"canary.txt"_s)));
    for (const QString& root : std::as_const(roots)) {
        if (root.isEmpty())
            continue;
        for (const QString& s : {inf, mgmt})
            QVERIFY2(test::filesContaining(root, s).isEmpty(),
                     qPrintable(root + u" holds a plaintext key"_s));
    }
}

void TestWorkspaceEditor::editOfCurrentWorkspaceRebinds()
{
    Workspace w = newWorkspace(u"Rebind"_s);
    QCOMPARE(waitSave([&](auto cb) { m_editor->save(w, sim::fullKey(), QString(), this, cb); }).outcome,
             WorkspaceEditor::Outcome::Ok);
    WorkspaceManager* mgr = m_ctx->workspaces();
    QVERIFY(mgr->select(w.id));
    QTRY_COMPARE(mgr->keyState(), WorkspaceManager::KeyState::Loaded);
    QVERIFY(mgr->client()->hasInferenceKey());
    QVERIFY(!mgr->client()->hasManagementKey());

    QSignalSpy changed(mgr, &WorkspaceManager::currentChanged);
    w.name = u"Rebound"_s;
    w.baseUrl = QUrl(u"http://localhost:%1/api/v1"_s.arg(m_sim.port()));
    // Inference key unchanged (nullopt), management key added.
    const auto r =
        waitSave([&](auto cb) { m_editor->save(w, std::nullopt, sim::managementKey(), this, cb); });
    QVERIFY2(r.outcome == WorkspaceEditor::Outcome::Ok, qPrintable(r.message));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(mgr->current().name, u"Rebound"_s);
    QCOMPARE(mgr->client()->baseUrl(), w.baseUrl);
    QTRY_VERIFY(mgr->client()->hasManagementKey());
    QVERIFY(mgr->client()->hasInferenceKey()); // kept
    QCOMPARE(readKeychain(secretKeyFor(w.id, KeyKind::Inference)).secret, sim::fullKey());
}

void TestWorkspaceEditor::duplicateCopiesKeys()
{
    const QString inf = uniqueKey(u"sk-ar-v1-dup-"_s);
    const QString mgmt = uniqueKey(u"ak_dup_"_s);
    m_written << inf << mgmt;
    Workspace w = newWorkspace(u"Original"_s);
    w.defaultModel = u"anthropic/claude-haiku-4.5"_s;
    QCOMPARE(waitSave([&](auto cb) { m_editor->save(w, inf, mgmt, this, cb); }).outcome,
             WorkspaceEditor::Outcome::Ok);
    const auto r = waitSave([&](auto cb) { m_editor->duplicate(w.id, {}, this, cb); });
    QVERIFY2(r.outcome == WorkspaceEditor::Outcome::Ok, qPrintable(r.message));
    QVERIFY(r.workspace.id != w.id);
    QCOMPARE(r.workspace.name, u"Original (copy)"_s);
    const auto copy = m_ctx->workspaceStore()->find(r.workspace.id);
    QVERIFY(copy);
    QCOMPARE(copy->defaultModel, w.defaultModel);
    QCOMPARE(copy->baseUrl, w.baseUrl);
    QCOMPARE(readKeychain(secretKeyFor(copy->id, KeyKind::Inference)).secret, inf);
    QCOMPARE(readKeychain(secretKeyFor(copy->id, KeyKind::Management)).secret, mgmt);
    // The original keeps its own.
    QCOMPARE(readKeychain(secretKeyFor(w.id, KeyKind::Inference)).secret, inf);

    // A workspace without a management key duplicates without inventing one.
    Workspace solo = newWorkspace(u"Solo"_s);
    QCOMPARE(waitSave([&](auto cb) { m_editor->save(solo, inf, QString(), this, cb); }).outcome,
             WorkspaceEditor::Outcome::Ok);
    const auto r2 = waitSave([&](auto cb) { m_editor->duplicate(solo.id, u"Solo 2"_s, this, cb); });
    QCOMPARE(r2.outcome, WorkspaceEditor::Outcome::Ok);
    QCOMPARE(r2.workspace.name, u"Solo 2"_s);
    QCOMPARE(readKeychain(secretKeyFor(r2.workspace.id, KeyKind::Management)).status,
             SecretStore::Status::NotFound);
}

void TestWorkspaceEditor::deleteRemovesKeys()
{
    const QString inf = uniqueKey(u"sk-ar-v1-del-"_s);
    const QString mgmt = uniqueKey(u"ak_del_"_s);
    Workspace w = newWorkspace(u"Doomed"_s);
    QCOMPARE(waitSave([&](auto cb) { m_editor->save(w, inf, mgmt, this, cb); }).outcome,
             WorkspaceEditor::Outcome::Ok);
    QCOMPARE(readKeychain(secretKeyFor(w.id, KeyKind::Inference)).status, SecretStore::Status::Ok);
    WorkspaceManager* mgr = m_ctx->workspaces();
    QVERIFY(mgr->select(w.id)); // deleting the current one moves the selection

    const auto r = waitSave([&](auto cb) { m_editor->remove(w.id, this, cb); });
    QVERIFY2(r.outcome == WorkspaceEditor::Outcome::Ok, qPrintable(r.message));
    QVERIFY(r.message.contains(u"conversations were kept"_s));
    QCOMPARE(readKeychain(secretKeyFor(w.id, KeyKind::Inference)).status, SecretStore::Status::NotFound);
    QCOMPARE(readKeychain(secretKeyFor(w.id, KeyKind::Management)).status, SecretStore::Status::NotFound);
    QVERIFY(!m_ctx->workspaceStore()->find(w.id));
    QVERIFY(!mgr->find(w.id));
    QVERIFY(mgr->current().id != w.id);
    QVERIFY(!mgr->current().id.isEmpty());

    // Ephemeral or unknown workspaces cannot be deleted.
    QCOMPARE(waitSave([&](auto cb) { m_editor->remove(u"no-such-id"_s, this, cb); }).outcome,
             WorkspaceEditor::Outcome::Failed);
}

void TestWorkspaceEditor::urlPolicy_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("allowHttp");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("needsConsent");
    QTest::addColumn<QString>("normalised");

    QTest::newRow("default https") << u"https://anyrouter.dev/api/v1"_s << false << true << false
                                   << u"https://anyrouter.dev/api/v1"_s;
    QTest::newRow("trailing slash, spaces") << u"  https://gw.example.com/api/v1/ "_s << false << true
                                            << false << u"https://gw.example.com/api/v1"_s;
    QTest::newRow("uppercase scheme")
        << u"HTTPS://gw.example.com/v1"_s << false << true << false << u"https://gw.example.com/v1"_s;
    QTest::newRow("http localhost") << u"http://localhost:8080/api/v1"_s << false << true << false
                                    << u"http://localhost:8080/api/v1"_s;
    QTest::newRow("http 127.0.0.1") << u"http://127.0.0.1:9/api/v1"_s << false << true << false
                                    << u"http://127.0.0.1:9/api/v1"_s;
    QTest::newRow("http 127.5.6.7") << u"http://127.5.6.7/v1"_s << false << true << false
                                    << u"http://127.5.6.7/v1"_s;
    QTest::newRow("http ::1") << u"http://[::1]:8080/v1"_s << false << true << false
                              << u"http://[::1]:8080/v1"_s;
    QTest::newRow("http remote refused")
        << u"http://gw.example.com/v1"_s << false << false << true << QString();
    QTest::newRow("http LAN refused")
        << u"http://192.168.1.20:4000/v1"_s << false << false << true << QString();
    QTest::newRow("http localhost lookalike refused")
        << u"http://localhost.evil.com/v1"_s << false << false << true << QString();
    QTest::newRow("http sub.localhost refused")
        << u"http://gw.localhost/v1"_s << false << false << true << QString();
    QTest::newRow("http remote allowed")
        << u"http://gw.example.com/v1"_s << true << true << false << u"http://gw.example.com/v1"_s;
    QTest::newRow("empty") << u"   "_s << false << false << false << QString();
    QTest::newRow("no scheme") << u"anyrouter.dev/api/v1"_s << false << false << false << QString();
    QTest::newRow("ftp") << u"ftp://anyrouter.dev/api/v1"_s << false << false << false << QString();
    QTest::newRow("garbage") << u"https://exa mple.com/v1"_s << false << false << false << QString();
    QTest::newRow("no host") << u"https:///api/v1"_s << false << false << false << QString();
    QTest::newRow("credentials") << u"https://user:pw@anyrouter.dev/api/v1"_s << false << false << false
                                 << QString();
    QTest::newRow("query") << u"https://anyrouter.dev/api/v1?key=x"_s << false << false << false << QString();
}

void TestWorkspaceEditor::urlPolicy()
{
    QFETCH(QString, url);
    QFETCH(bool, allowHttp);
    QFETCH(bool, ok);
    QFETCH(bool, needsConsent);
    QFETCH(QString, normalised);
    const auto r = WorkspaceEditor::checkUrl(url, allowHttp);
    QCOMPARE(r.ok, ok);
    QCOMPARE(r.needsInsecureConsent, needsConsent);
    if (ok) {
        QCOMPARE(r.url.toString(), normalised);
        QVERIFY(r.message.isEmpty());
    } else {
        QVERIFY(!r.message.isEmpty());
    }
}

void TestWorkspaceEditor::validation_data()
{
    QTest::addColumn<QString>("inference");
    QTest::addColumn<QString>("management");
    QTest::addColumn<bool>("usable");
    QTest::addColumn<QString>("summary");

    QTest::newRow("full") << sim::fullKey() << QString() << true
                          << u"The key works for chat and models, credits, key management."_s;
    QTest::newRow("inference only")
        << sim::inferenceKey() << QString() << true
        << u"The key works for chat and models; not for credits, key management."_s;
    QTest::newRow("inference + management")
        << sim::inferenceKey() << sim::managementKey() << true
        << u"The key works for chat and models, credits, key management."_s;
    QTest::newRow("bad key") << u"sk-ar-v1-not-a-real-key"_s << QString() << false << QString();
}

void TestWorkspaceEditor::validation()
{
    QFETCH(QString, inference);
    QFETCH(QString, management);
    QFETCH(bool, usable);
    QFETCH(QString, summary);
    std::optional<KeyCapabilities> caps;
    m_editor->validate(m_sim.baseUrl(), false, inference, management, this,
                       [&](const KeyCapabilities& c) { caps = c; });
    QVERIFY(m_editor->isValidating());
    QTRY_VERIFY_WITH_TIMEOUT(caps.has_value(), 15000);
    QVERIFY(!m_editor->isValidating());
    QCOMPARE(WorkspaceEditor::isUsable(*caps), usable);
    if (!summary.isEmpty()) {
        QCOMPARE(caps->summary(), summary);
    } else {
        QVERIFY(caps->authError.isError());
        QVERIFY2(caps->summary().contains(u"key"_s, Qt::CaseInsensitive), qPrintable(caps->summary()));
    }
}

void TestWorkspaceEditor::cancelledValidationNeverAnswers()
{
    int first = 0;
    m_editor->validate(m_sim.baseUrl(), false, sim::fullKey(), {}, this,
                       [&](const KeyCapabilities&) { ++first; });
    m_editor->cancelValidation();
    QVERIFY(!m_editor->isValidating());
    // A second validation runs to completion; by then the first would have answered too.
    std::optional<KeyCapabilities> second;
    m_editor->validate(m_sim.baseUrl(), false, sim::fullKey(), {}, this,
                       [&](const KeyCapabilities& c) { second = c; });
    QTRY_VERIFY_WITH_TIMEOUT(second.has_value(), 15000);
    QVERIFY(second->inference);
    QCoreApplication::processEvents();
    QCOMPARE(first, 0);
}

void TestWorkspaceEditor::keychainUnavailableOffersSessionOnly()
{
    auto* down = new UnavailableSecretStore;
    auto session = std::make_unique<SessionSecretStore>(down);
    SessionSecretStore* sessionPtr = session.get();
    auto ctx = makeContext(std::move(session));
    WorkspaceEditor editor(ctx->network(), ctx->workspaceStore(), ctx->secrets(), ctx->workspaces());
    QVERIFY(editor.canKeepForSession());

    const QString inf = uniqueKey(u"sk-ar-v1-session-"_s);
    const Workspace w = newWorkspace(u"Offline keychain"_s);
    const auto r = waitSave([&](auto cb) { editor.save(w, inf, QString(), this, cb); });
    QCOMPARE(r.outcome, WorkspaceEditor::Outcome::KeychainUnavailable);
    QVERIFY(r.message.contains(u"keychain is not available"_s));
    QVERIFY(!ctx->workspaceStore()->find(w.id)); // no silent fallback: nothing saved yet
    QVERIFY(!sessionPtr->hasSessionOnly(secretKeyFor(w.id, KeyKind::Inference)));
    QVERIFY(down->calls > 0);

    const auto s = editor.saveForSession(w, inf, QString());
    QVERIFY2(s.outcome == WorkspaceEditor::Outcome::Ok, qPrintable(s.message));
    QVERIFY(s.message.contains(u"session only"_s));
    QVERIFY(sessionPtr->hasSessionOnly(secretKeyFor(w.id, KeyKind::Inference)));
    QVERIFY(ctx->workspaceStore()->find(w.id));
    // And the workspace works with it: selecting it loads the session key into the client.
    QVERIFY(ctx->workspaces()->select(w.id));
    QTRY_COMPARE(ctx->workspaces()->keyState(), WorkspaceManager::KeyState::Loaded);
    QVERIFY(ctx->workspaces()->client()->hasInferenceKey());
    QCOMPARE(ctx->workspaces()->client()->keyLabel(KeyRole::Inference), maskKey(inf));

    // A plain non-session store cannot offer it.
    MemorySecretStore plain;
    WorkspaceEditor noSession(ctx->network(), ctx->workspaceStore(), &plain, nullptr);
    QVERIFY(!noSession.canKeepForSession());
    QCOMPARE(noSession.saveForSession(w, inf, QString()).outcome, WorkspaceEditor::Outcome::Failed);
}

QTEST_MAIN(TestWorkspaceEditor)
#include "TestWorkspaceEditor.moc"
