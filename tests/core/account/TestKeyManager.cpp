// TestKeyManager: the selected workspace's key list and its management operations, over the real
// simulator and a real AppContext on a temp database: the list is asked for only once observed,
// then kept; each operation's rules (refusals send nothing), its in-place row update and its
// outcome; the list's states for 401 / 403 / no key / no /keys / gateway down; a failed refresh
// keeps the list; a late answer after a workspace switch is dropped (except a created key's secret,
// which the gateway hands out only once); of two list requests only the latest counts; and a
// secret handed out reaches its handler once and is kept nowhere in the manager.
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/AppContext.h"
#include "core/account/KeyManager.h"
#include "core/storage/SecretStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(anyrouter::KeyOperation)
Q_DECLARE_METATYPE(anyrouter::ApiKeyInfo)

namespace {
constexpr int kTimeout = 10000;
const QString kBogusKey = u"sk-ar-v1-not-a-real-key-0000"_s;
// Sends an answer one byte per millisecond (some five seconds for the seed list): long enough to
// switch or ask again while it is on its way. A dropped request is aborted at once instead.
const QByteArray kSlow = "slow-drip;delay_ms=1"_ba;
constexpr int kSlowTimeout = 30000; // waits that would last as long as a slow answer when it is not dropped
} // namespace

class TestKeyManager : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void listIsAskedForOnlyOnceObserved();
    void createHandsTheSecretOnceAndKeepsItNowhere();
    void createRefusesEmptyAndTakenNames();
    void renameUpdatesTheRowInPlace();
    void limitAndDisableEnable();
    void deleteRemovesTheRow();
    void revealAndItsRefusal();
    void mutationErrors();
    void listStates_data();
    void listStates();
    void failedRefreshKeepsTheList();
    void lateReplyAfterASwitchIsDropped();
    void createFinishingAfterASwitchStillHandsOutTheSecret();
    void onlyTheLatestListCounts();

private:
    void makeContext();
    void add(const QString& id, const QUrl& url, const QString& inference, const QString& management = {});
    KeyManager* select(const QString& id);
    KeyManager* loaded(const QString& id); // selected, observed and listed
    // Replies that finished (answered or aborted) for `method` on a path ending in `pathEnd` at `port`.
    int finishedRequests(const QString& method, const QString& pathEnd, quint16 port) const;
    static ApiKeyInfo named(const KeyManager* m, const QString& name);
    static void setFault(AppContext* ctx, const QByteArray& fault);
    static bool waitFinished(QSignalSpy& spy);

    std::unique_ptr<QTemporaryDir> m_dir;
    test::SimFixture m_sim;  // "team": seed keys laptop, ci-runner, legacy-2024
    test::SimFixture m_simB; // "other": another gateway, other keys
    std::unique_ptr<AppContext> m_ctx;
    QList<QPair<QByteArray, QUrl>> m_finished; // every finished reply: method, URL
};

void TestKeyManager::initTestCase()
{
    test::initHermeticEnvironment();
    qRegisterMetaType<KeyOperation>();
    qRegisterMetaType<ApiKeyInfo>();
    qRegisterMetaType<ApiError>();
}

void TestKeyManager::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(m_sim.start(test::SimFixture::fastConfig())); // fresh seed keys for every test
    sim::SimConfig b = test::SimFixture::fastConfig();
    b.seed = 4242;
    QVERIFY(m_simB.start(b));
    m_finished.clear();
    makeContext();
}

void TestKeyManager::cleanup()
{
    m_ctx.reset();
    m_simB.stop();
    m_sim.stop();
    m_dir.reset();
}

void TestKeyManager::makeContext()
{
    AppContext::Options opts;
    opts.databasePath = m_dir->filePath(u"keys.sqlite"_s);
    opts.secretStore = std::make_unique<MemorySecretStore>();
    m_ctx = std::make_unique<AppContext>(std::move(opts));
    QString error;
    QVERIFY2(m_ctx->open(&error), qPrintable(error));
    m_ctx->workspaces()->client()->setRetryPolicy(RetryPolicy::none());
    connect(m_ctx->network(), &QNetworkAccessManager::finished, this, [this](QNetworkReply* reply) {
        QByteArray verb;
        switch (reply->operation()) {
        case QNetworkAccessManager::GetOperation:
            verb = "GET"_ba;
            break;
        case QNetworkAccessManager::PostOperation:
            verb = "POST"_ba;
            break;
        case QNetworkAccessManager::DeleteOperation:
            verb = "DELETE"_ba;
            break;
        default:
            verb = reply->request().attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
            break;
        }
        m_finished.append({verb, reply->url()});
    });
}

void TestKeyManager::add(const QString& id, const QUrl& url, const QString& inference,
                         const QString& management)
{
    Workspace ws;
    ws.id = id;
    ws.name = id.toUpper();
    ws.kind = Workspace::Kind::Environment;
    ws.baseUrl = url;
    m_ctx->workspaces()->addEphemeral(ws, inference, management);
}

KeyManager* TestKeyManager::select(const QString& id)
{
    if (!m_ctx->workspaces()->select(id))
        qFatal("unknown workspace");
    return m_ctx->session()->keys();
}

KeyManager* TestKeyManager::loaded(const QString& id)
{
    KeyManager* m = select(id);
    m->ensureLoaded();
    if (!QTest::qWaitFor([m] { return m->status().isReady() && !m->isBusy(); }, kTimeout))
        qWarning("the key list did not load: %s", qPrintable(EndpointStatus::stateName(m->status().state)));
    return m;
}

int TestKeyManager::finishedRequests(const QString& method, const QString& pathEnd, quint16 port) const
{
    int n = 0;
    for (const auto& [verb, url] : m_finished)
        n += verb == method.toLatin1() && url.path().endsWith(pathEnd) && url.port() == port ? 1 : 0;
    return n;
}

ApiKeyInfo TestKeyManager::named(const KeyManager* m, const QString& name)
{
    for (const ApiKeyInfo& k : m->keys()) {
        if (k.name == name)
            return k;
    }
    return {};
}

void TestKeyManager::setFault(AppContext* ctx, const QByteArray& fault)
{
    if (fault.isEmpty())
        ctx->workspaces()->client()->setExtraHeaders({});
    else
        ctx->workspaces()->client()->setExtraHeaders({{"X-Sim-Fault"_ba, fault}});
}

bool TestKeyManager::waitFinished(QSignalSpy& spy)
{
    return QTest::qWaitFor([&spy] { return !spy.isEmpty(); }, kTimeout);
}

void TestKeyManager::listIsAskedForOnlyOnceObserved()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = select(u"team"_s);
    QVERIFY(m_ctx->session()->keysReady());
    // The session fetched its catalog; nobody observes the keys, so nobody asked for them.
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/models"_s), 1, kTimeout);
    QCOMPARE(m->status().state, EndpointStatus::State::Idle);
    QVERIFY(!m->isListing());
    QCOMPARE(m_sim.server()->requestCount(u"/keys"_s), 0);

    QSignalSpy reset(m, &KeyManager::keysReset);
    QSignalSpy status(m, &KeyManager::statusChanged);
    m->ensureLoaded();
    QCOMPARE(m->status().state, EndpointStatus::State::Loading);
    QVERIFY(m->isListing() && m->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(m->status().isReady(), kTimeout);
    QVERIFY(!m->isBusy());
    QCOMPARE(m->keys().size(), 3);
    QCOMPARE(reset.size(), 1);
    QVERIFY(status.size() >= 2); // loading, ready
    QVERIFY(m->listedAt().isValid());
    QVERIFY(!named(m, u"laptop"_s).hash.isEmpty());
    QVERIFY(named(m, u"laptop"_s).canReveal);
    QVERIFY(!named(m, u"legacy-2024"_s).canReveal);
    QCOMPARE(m_sim.server()->requestCount(u"/keys"_s), 1);

    // Kept: a second observer asks nothing.
    m->ensureLoaded();
    QVERIFY(!m->isListing());
    QCOMPARE(m_sim.server()->requestCount(u"/keys"_s), 1);
    // refresh() and the session's refresh (F5) read it again.
    m->refresh();
    QVERIFY(m->isListing());
    QCOMPARE(m->status().state, EndpointStatus::State::Ready); // the list stays while refreshing
    QTRY_VERIFY_WITH_TIMEOUT(!m->isListing(), kTimeout);
    QCOMPARE(m_sim.server()->requestCount(u"/keys"_s), 2);
    m_ctx->session()->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/keys"_s), 3, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!m->isListing(), kTimeout);
    QCOMPARE(reset.size(), 3);

    // A session whose list nobody observed does not fetch it on F5 either.
    add(u"other"_s, m_simB.baseUrl(), {}, sim::managementKey());
    KeyManager* other = select(u"other"_s);
    m_ctx->session()->refresh();
    QCOMPARE(other->status().state, EndpointStatus::State::Idle);
    QCOMPARE(m_simB.server()->requestCount(u"/keys"_s), 0);
}

void TestKeyManager::createHandsTheSecretOnceAndKeepsItNowhere()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    QSignalSpy started(m, &KeyManager::operationStarted);
    QSignalSpy finished(m, &KeyManager::operationFinished);
    QSignalSpy updated(m, &KeyManager::keyUpdated);
    QSignalSpy reset(m, &KeyManager::keysReset);
    QSignalSpy refreshFailed(m, &KeyManager::refreshFailed);
    QList<KeySecret> handedOut;

    NewKeyRequest req;
    req.name = u"  deploy-bot "_s; // trimmed
    req.limit = 5.0;
    req.limitReset = u"weekly"_s;
    req.expiresAt = QDateTime::currentDateTimeUtc().addDays(30);
    QVERIFY(m->createKey(req, this, [&](const KeySecret& s) { handedOut.append(s); }));
    QCOMPARE(m->creatingCount(), 1);
    QVERIFY(m->isBusy());
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.at(0).at(0).value<KeyOperation>().kind, KeyOperation::Kind::Create);
    QVERIFY(waitFinished(finished));

    QCOMPARE(handedOut.size(), 1);
    const KeySecret secret = handedOut.first();
    QVERIFY(secret.created);
    QCOMPARE(secret.keyName, u"deploy-bot"_s);
    QCOMPARE(secret.workspaceName, u"TEAM"_s);
    QVERIFY2(secret.secret.startsWith(u"sk-ar-v1-"_s) && secret.secret.size() > 20,
             qPrintable(secret.secret.left(9)));
    const QJsonObject body = QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/keys"_s)).object();
    QCOMPARE(body.value(u"name"_s).toString(), u"deploy-bot"_s);
    QCOMPARE(body.value(u"limit"_s).toDouble(), 5.0);
    QCOMPARE(body.value(u"limit_reset"_s).toString(), u"weekly"_s);

    const KeyOperation op = finished.at(0).at(0).value<KeyOperation>();
    QVERIFY(op.ok());
    QCOMPARE(op.kind, KeyOperation::Kind::Create);
    QVERIFY(!op.result.hash.isEmpty());
    // The row came in place from the answer, not from a reload.
    QCOMPARE(m->keys().size(), 4);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(updated.size(), 1);
    const ApiKeyInfo row = named(m, u"deploy-bot"_s);
    QCOMPARE(row.hash, op.result.hash);
    QCOMPARE(row.limit, std::optional<double>(5.0));
    QCOMPARE(row.limitReset, u"weekly"_s);
    QCOMPARE(m->creatingCount(), 0);
    QVERIFY(!m->isBusy());

    // The secret is nowhere in the manager: not in any row, nor in anything it signalled.
    const auto holds = [&secret](const ApiKeyInfo& k) {
        for (const QString& field : {k.hash, k.name, k.maskedKey, k.limitReset}) {
            if (field.contains(secret.secret) || (!field.isEmpty() && secret.secret.contains(field) &&
                                                  field.size() >= secret.secret.size() - 4))
                return true;
        }
        return false;
    };
    for (const ApiKeyInfo& k : m->keys())
        QVERIFY(!holds(k));
    for (const QList<QVariant>& args : std::as_const(updated))
        QVERIFY(!holds(args.at(0).value<ApiKeyInfo>()));
    for (QSignalSpy* spy : {&started, &finished}) {
        for (const QList<QVariant>& args : std::as_const(*spy)) {
            const KeyOperation o = args.at(0).value<KeyOperation>();
            QVERIFY(!holds(o.key) && !holds(o.result));
            QVERIFY(!o.error.userMessage().contains(secret.secret));
        }
    }
    // The list the gateway sends now shows the key masked only, and the handler is not called again.
    m->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), kTimeout);
    QCOMPARE(refreshFailed.size(), 0);
    QCOMPARE(m->keys().size(), 4);
    QVERIFY(!holds(named(m, u"deploy-bot"_s)));
    QCOMPARE(handedOut.size(), 1);
}

void TestKeyManager::createRefusesEmptyAndTakenNames()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = select(u"team"_s);
    NewKeyRequest req;
    req.name = u"fresh"_s;
    int secrets = 0;
    const auto count = [&secrets](const KeySecret&) { ++secrets; };
    QVERIFY(!m->canCreate());
    QVERIFY(!m->createKey(req, this, count)); // the list is not loaded: names cannot be checked
    m = loaded(u"team"_s);
    QVERIFY(m->canCreate());
    const int before = m_sim.server()->requestCount(u"/keys"_s);
    QSignalSpy started(m, &KeyManager::operationStarted);
    for (const QString& name : {QString(), u"   "_s, u"laptop"_s, u" Laptop "_s, u"CI-RUNNER"_s}) {
        req.name = name;
        QVERIFY2(!m->createKey(req, this, count), qPrintable(name));
    }
    QVERIFY(m->isNameTaken(u"LAPTOP"_s));
    QVERIFY(!m->isNameTaken(u"laptop"_s, named(m, u"laptop"_s).hash)); // its own name
    QVERIFY(!m->isNameTaken(u"laptop-2"_s));
    QCOMPARE(started.size(), 0);
    QCOMPARE(m->creatingCount(), 0);
    QCOMPARE(m_sim.server()->requestCount(u"/keys"_s), before);
    QCOMPARE(secrets, 0);
}

void TestKeyManager::renameUpdatesTheRowInPlace()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    const ApiKeyInfo laptop = named(m, u"laptop"_s);
    QSignalSpy updated(m, &KeyManager::keyUpdated);
    QSignalSpy reset(m, &KeyManager::keysReset);
    QSignalSpy finished(m, &KeyManager::operationFinished);

    // Refused: nothing to change, an empty or a taken name, an unknown key.
    QVERIFY(!m->updateKey(laptop.hash, KeyUpdate{}));
    KeyUpdate taken;
    taken.name = u"ci-runner"_s;
    QVERIFY(!m->updateKey(laptop.hash, taken));
    KeyUpdate blank;
    blank.name = u"  "_s;
    QVERIFY(!m->updateKey(laptop.hash, blank));
    KeyUpdate rename;
    rename.name = u" work-laptop"_s;
    QVERIFY(!m->updateKey(u"no-such-hash"_s, rename));

    QVERIFY(m->updateKey(laptop.hash, rename));
    QVERIFY(m->isPending(laptop.hash));
    QVERIFY(!m->canChange(laptop.hash)); // one change per key at a time
    QVERIFY(!m->setDisabled(laptop.hash, true));
    QVERIFY(m->canChange(named(m, u"ci-runner"_s).hash)); // other keys are free
    QVERIFY(waitFinished(finished));
    const KeyOperation op = finished.at(0).at(0).value<KeyOperation>();
    QVERIFY(op.ok());
    QCOMPARE(op.kind, KeyOperation::Kind::Rename);
    QCOMPARE(op.key.name, u"laptop"_s);
    QCOMPARE(op.result.name, u"work-laptop"_s);
    QCOMPARE(updated.size(), 1);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(m->keys().size(), 3);
    QCOMPARE(m->find(laptop.hash)->name, u"work-laptop"_s);
    QVERIFY(!m->isPending(laptop.hash));
    const QJsonObject body =
        QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/keys/"_s + laptop.hash)).object();
    QCOMPARE(body, (QJsonObject{{u"name"_s, u"work-laptop"_s}})); // only the changed field, trimmed

    // The gateway kept it.
    m->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), kTimeout);
    QCOMPARE(m->find(laptop.hash)->name, u"work-laptop"_s);

    // A partial answer (nothing but the id) keeps the row and applies the change locally.
    ApiKeyInfo bare;
    bare.hash = laptop.hash;
    KeyUpdate u;
    u.disabled = true;
    u.limit.emplace(std::optional<double>(7.5));
    const ApiKeyInfo merged = KeyManager::merged(laptop, bare, u);
    QCOMPARE(merged.name, laptop.name);
    QCOMPARE(merged.maskedKey, laptop.maskedKey);
    QVERIFY(merged.disabled);
    QCOMPARE(merged.limit, std::optional<double>(7.5));
    ApiKeyInfo full = laptop;
    full.hash = u"other-id"_s;
    full.name = u"renamed"_s;
    QCOMPARE(KeyManager::merged(laptop, full, u).hash, laptop.hash); // the row keeps its id
    QCOMPARE(KeyManager::merged(laptop, full, u).name, u"renamed"_s);
}

void TestKeyManager::limitAndDisableEnable()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    const QString ci = named(m, u"ci-runner"_s).hash;
    QSignalSpy finished(m, &KeyManager::operationFinished);

    KeyUpdate limit;
    limit.limit.emplace(std::optional<double>(2.5));
    QVERIFY(m->updateKey(ci, limit));
    QVERIFY(waitFinished(finished));
    KeyOperation op = finished.takeFirst().at(0).value<KeyOperation>();
    QCOMPARE(op.kind, KeyOperation::Kind::ChangeLimit);
    QVERIFY(op.ok());
    QCOMPARE(m->find(ci)->limit, std::optional<double>(2.5));
    QCOMPARE(m->find(ci)->limitRemaining, std::optional<double>(0.75)); // from the answer: $1.75 used
    QCOMPARE(QJsonDocument::fromJson(m_sim.server()->lastRequestBody(u"/keys/"_s + ci)).object(),
             (QJsonObject{{u"limit"_s, 2.5}}));

    KeyUpdate clear;
    clear.limit.emplace(std::nullopt);
    clear.limitReset = QString();
    QVERIFY(m->updateKey(ci, clear));
    QVERIFY(waitFinished(finished));
    QVERIFY(finished.takeFirst().at(0).value<KeyOperation>().ok());
    QVERIFY(!m->find(ci)->limit);

    QVERIFY(m->setDisabled(ci, true));
    QVERIFY(waitFinished(finished));
    op = finished.takeFirst().at(0).value<KeyOperation>();
    QCOMPARE(op.kind, KeyOperation::Kind::Disable);
    QVERIFY(m->find(ci)->disabled);
    m->refresh(); // the gateway stored it
    QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), kTimeout);
    QVERIFY(m->find(ci)->disabled);
    QVERIFY(m->setDisabled(ci, false));
    QVERIFY(waitFinished(finished));
    op = finished.takeFirst().at(0).value<KeyOperation>();
    QCOMPARE(op.kind, KeyOperation::Kind::Enable);
    QVERIFY(op.ok());
    QVERIFY(!m->find(ci)->disabled);
}

void TestKeyManager::deleteRemovesTheRow()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    const QString ci = named(m, u"ci-runner"_s).hash;
    QSignalSpy removed(m, &KeyManager::keyRemoved);
    QSignalSpy finished(m, &KeyManager::operationFinished);
    QVERIFY(m->deleteKey(ci));
    QVERIFY(!m->deleteKey(ci)); // already under way
    QVERIFY(waitFinished(finished));
    const KeyOperation op = finished.at(0).at(0).value<KeyOperation>();
    QCOMPARE(op.kind, KeyOperation::Kind::Delete);
    QVERIFY(op.ok());
    QCOMPARE(op.key.name, u"ci-runner"_s);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(0).toString(), ci);
    QCOMPARE(m->keys().size(), 2);
    QVERIFY(!m->find(ci));
    QVERIFY(!m->deleteKey(ci)); // not listed any more
    m->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), kTimeout);
    QVERIFY(!m->find(ci));
    QCOMPARE(m->keys().size(), 2);
}

void TestKeyManager::revealAndItsRefusal()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    const ApiKeyInfo laptop = named(m, u"laptop"_s);
    QSignalSpy finished(m, &KeyManager::operationFinished);
    QList<KeySecret> handedOut;
    const auto take = [&handedOut](const KeySecret& s) { handedOut.append(s); };

    QVERIFY(!m->canReveal(named(m, u"legacy-2024"_s).hash)); // predates reveal support
    QVERIFY(!m->revealKey(named(m, u"legacy-2024"_s).hash, take));
    QVERIFY(m->revealKey(laptop.hash, take));
    QVERIFY(waitFinished(finished));
    QCOMPARE(finished.takeFirst().at(0).value<KeyOperation>().kind, KeyOperation::Kind::Reveal);
    QCOMPARE(handedOut.size(), 1);
    QVERIFY(!handedOut.first().created);
    QCOMPARE(handedOut.first().keyName, u"laptop"_s);
    const QString secret = handedOut.first().secret;
    // The list shows "first 12 … last 4" of it.
    QVERIFY(secret.startsWith(laptop.maskedKey.section(u"..."_s, 0, 0)));
    QVERIFY(secret.endsWith(laptop.maskedKey.section(u"..."_s, 1)));
    for (const ApiKeyInfo& k : m->keys())
        QVERIFY(!k.maskedKey.contains(secret) && !k.name.contains(secret));

    // A 409 although the row said it could: not revealable any more, and no secret.
    setFault(m_ctx.get(), "envelope-string;status=409"_ba);
    QVERIFY(m->revealKey(laptop.hash, take));
    setFault(m_ctx.get(), {});
    QVERIFY(waitFinished(finished));
    const KeyOperation op = finished.takeFirst().at(0).value<KeyOperation>();
    QCOMPARE(op.outcome, KeyOperation::Outcome::NotRevealable);
    QCOMPARE(op.error.httpStatus(), 409);
    QVERIFY(!m->find(laptop.hash)->canReveal);
    QVERIFY(!m->canReveal(laptop.hash));
    QCOMPARE(handedOut.size(), 1);
}

void TestKeyManager::mutationErrors()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    const QString laptop = named(m, u"laptop"_s).hash;
    QSignalSpy finished(m, &KeyManager::operationFinished);

    setFault(m_ctx.get(), "500"_ba);
    QVERIFY(m->setDisabled(laptop, true));
    setFault(m_ctx.get(), {});
    QVERIFY(waitFinished(finished));
    KeyOperation op = finished.takeFirst().at(0).value<KeyOperation>();
    QCOMPARE(op.outcome, KeyOperation::Outcome::Failed);
    QCOMPARE(op.error.category(), ApiError::Category::Server);
    QVERIFY(!m->find(laptop)->disabled); // unchanged
    QVERIFY(!m->isPending(laptop));

    setFault(m_ctx.get(), "envelope-string;status=405"_ba);
    KeyUpdate rename;
    rename.name = u"x"_s;
    QVERIFY(m->updateKey(laptop, rename));
    setFault(m_ctx.get(), {});
    QVERIFY(waitFinished(finished));
    op = finished.takeFirst().at(0).value<KeyOperation>();
    QCOMPARE(op.outcome, KeyOperation::Outcome::Unsupported);
    QCOMPARE(m->find(laptop)->name, u"laptop"_s);

    // Deleted elsewhere: Gone, and the list is read again.
    ApiReply* gone = m_ctx->workspaces()->client()->send("DELETE", u"/keys/"_s + laptop, KeyRole::Management);
    QSignalSpy goneDone(gone, &ApiReply::finished);
    QVERIFY(goneDone.wait(kTimeout));
    const int lists = m_sim.server()->requestCount(u"/keys"_s) - m_sim.server()->requestCount(u"/keys/"_s);
    QVERIFY(m->setDisabled(laptop, true));
    QVERIFY(waitFinished(finished));
    op = finished.takeFirst().at(0).value<KeyOperation>();
    QCOMPARE(op.outcome, KeyOperation::Outcome::Gone);
    QVERIFY(m->isListing());
    QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), kTimeout);
    QCOMPARE(m_sim.server()->requestCount(u"/keys"_s) - m_sim.server()->requestCount(u"/keys/"_s), lists + 1);
    QVERIFY(!m->find(laptop));
    QCOMPARE(m->keys().size(), 2);
}

void TestKeyManager::listStates_data()
{
    QTest::addColumn<QString>("inference");
    QTest::addColumn<QString>("management");
    QTest::addColumn<int>("gateway"); // 0 the simulator, 1 one without /keys, 2 none listening
    QTest::addColumn<EndpointStatus::State>("state");
    QTest::addColumn<bool>("settings");
    QTest::newRow("403 inference key")
        << sim::inferenceKey() << QString() << 0 << EndpointStatus::State::Forbidden << true;
    QTest::newRow("401 rejected") << kBogusKey << QString() << 0 << EndpointStatus::State::Unauthorized
                                  << true;
    QTest::newRow("no key") << QString() << QString() << 0 << EndpointStatus::State::NoKey << true;
    QTest::newRow("no /keys") << sim::fullKey() << QString() << 1 << EndpointStatus::State::Unsupported
                              << false;
    QTest::newRow("gateway down") << sim::fullKey() << QString() << 2 << EndpointStatus::State::Offline
                                  << false;
}

void TestKeyManager::listStates()
{
    QFETCH(QString, inference);
    QFETCH(QString, management);
    QFETCH(int, gateway);
    QFETCH(EndpointStatus::State, state);
    QFETCH(bool, settings);
    test::SimFixture plain;
    QUrl url = m_sim.baseUrl();
    if (gateway == 1) {
        sim::SimConfig off = test::SimFixture::fastConfig();
        off.offerKeys = false;
        QVERIFY(plain.start(off));
        url = plain.baseUrl();
    } else if (gateway == 2) {
        QTcpServer closed; // a port nobody listens on once it closes
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        url = QUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(closed.serverPort()));
    }
    // The list of another workspace was loaded first: a failing one must not show it.
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    QCOMPARE(loaded(u"team"_s)->keys().size(), 3);
    add(u"ws"_s, url, inference, management);
    KeyManager* m = select(u"ws"_s);
    QCOMPARE(m->keys().size(), 0);
    m->ensureLoaded();
    QTRY_COMPARE_WITH_TIMEOUT(m->status().state, state, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), kTimeout);
    QCOMPARE(m->status().state, state);
    QCOMPARE(m->keys().size(), 0);
    QCOMPARE(m->status().offersSettings(), settings);
    QVERIFY(!m->canCreate());
    QVERIFY(!m->status().message(u"the list of keys"_s, u"/keys"_s).isEmpty());
    if (state == EndpointStatus::State::Forbidden)
        QVERIFY(!m->hasManagementKey());
    if (state == EndpointStatus::State::NoKey)
        QVERIFY(m->noKeyMessage().isEmpty()); // no key, rather than a keychain that did not answer
}

void TestKeyManager::failedRefreshKeepsTheList()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    QSignalSpy failed(m, &KeyManager::refreshFailed);
    QSignalSpy reset(m, &KeyManager::keysReset);
    // A 400 (not retried): the list stays, flagged as possibly out of date.
    setFault(m_ctx.get(), "envelope-oauth"_ba);
    m->refresh();
    setFault(m_ctx.get(), {});
    QVERIFY(waitFinished(failed));
    QVERIFY(!m->isBusy());
    QCOMPARE(m->status().state, EndpointStatus::State::Ready);
    QCOMPARE(m->keys().size(), 3);
    QCOMPARE(reset.size(), 0);
    QVERIFY(failed.at(0).at(0).value<ApiError>().isError());
    // A 403 is not "out of date": the key may not see the list any more, so it goes.
    setFault(m_ctx.get(), "envelope-string;status=403"_ba);
    m->refresh();
    setFault(m_ctx.get(), {});
    QTRY_COMPARE_WITH_TIMEOUT(m->status().state, EndpointStatus::State::Forbidden, kTimeout);
    QCOMPARE(m->keys().size(), 0);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(failed.size(), 1);
    // And it comes back on the next good answer.
    m->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(m->status().isReady(), kTimeout);
    QCOMPARE(m->keys().size(), 3);
}

void TestKeyManager::lateReplyAfterASwitchIsDropped()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    add(u"other"_s, m_simB.baseUrl(), {}, sim::managementKey());
    KeyManager* team = loaded(u"team"_s);
    const QString laptop = named(team, u"laptop"_s).hash;
    QSet<QString> teamHashes;
    for (const ApiKeyInfo& k : team->keys())
        teamHashes.insert(k.hash);
    // A slow list and a slow disable go out for "team"...
    setFault(m_ctx.get(), kSlow);
    team->refresh();
    QVERIFY(team->setDisabled(laptop, true));
    setFault(m_ctx.get(), {});
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/keys"_s), 3, kTimeout); // both arrived
    const quint16 port = m_sim.port();
    const int listsDone = finishedRequests(u"GET"_s, u"/keys"_s, port);
    const int patchesDone = finishedRequests(u"PATCH"_s, u"/keys/"_s + laptop, port);
    QPointer<KeyManager> old(team);
    QSignalSpy oldFinished(team, &KeyManager::operationFinished);
    QSignalSpy oldReset(team, &KeyManager::keysReset);

    // ...and the user switches to "other" meanwhile: the old manager goes with its session.
    KeyManager* other = select(u"other"_s);
    QVERIFY(old.isNull());
    QVERIFY(other != team);
    QSignalSpy reset(other, &KeyManager::keysReset);
    QSignalSpy updated(other, &KeyManager::keyUpdated);
    QSignalSpy finished(other, &KeyManager::operationFinished);
    other->ensureLoaded();
    QTRY_VERIFY_WITH_TIMEOUT(other->status().isReady() && !other->isBusy(), kTimeout);
    QCOMPARE(other->keys().size(), 3);

    // The old requests end (dropped, so aborted) and nothing of them reaches anyone.
    QTRY_VERIFY_WITH_TIMEOUT(finishedRequests(u"GET"_s, u"/keys"_s, port) > listsDone &&
                                 finishedRequests(u"PATCH"_s, u"/keys/"_s + laptop, port) > patchesDone,
                             kSlowTimeout);
    QCoreApplication::processEvents(); // anything queued behind them
    QCOMPARE(oldFinished.size(), 0);
    QCOMPARE(oldReset.size(), 0);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(updated.size(), 0);
    QCOMPARE(finished.size(), 0);
    QVERIFY(!other->find(laptop));
    for (const ApiKeyInfo& k : other->keys())
        QVERIFY(!teamHashes.contains(k.hash));
    // The next "team" session reads its list from the gateway again.
    KeyManager* again = loaded(u"team"_s);
    QCOMPARE(again->keys().size(), 3);
}

void TestKeyManager::createFinishingAfterASwitchStillHandsOutTheSecret()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    add(u"other"_s, m_simB.baseUrl(), {}, sim::managementKey());
    KeyManager* team = loaded(u"team"_s);
    QList<KeySecret> handedOut;
    NewKeyRequest req;
    req.name = u"made-late"_s;
    setFault(m_ctx.get(), kSlow);
    QVERIFY(team->createKey(req, this, [&handedOut](const KeySecret& s) { handedOut.append(s); }));
    setFault(m_ctx.get(), {});
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/keys"_s), 2, kTimeout);
    KeyManager* other = loaded(u"other"_s);
    QSignalSpy updated(other, &KeyManager::keyUpdated);
    QSignalSpy reset(other, &KeyManager::keysReset);
    QSignalSpy finished(other, &KeyManager::operationFinished);
    // The only time the gateway hands the secret out: it reaches the handler, naming its workspace.
    QTRY_COMPARE_WITH_TIMEOUT(handedOut.size(), 1, kSlowTimeout);
    QCOMPARE(handedOut.first().workspaceName, u"TEAM"_s);
    QCOMPARE(handedOut.first().keyName, u"made-late"_s);
    QVERIFY(handedOut.first().secret.startsWith(u"sk-ar-v1-"_s));
    QCoreApplication::processEvents();
    // Nothing of it lands in the other workspace's list.
    QCOMPARE(updated.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(finished.size(), 0);
    QVERIFY(!named(other, u"made-late"_s).hash.size());
    QCOMPARE(other->creatingCount(), 0);

    // A receiver that goes away first drops the answer (and the count of creates under way).
    KeyManager* m = loaded(u"team"_s);
    QCOMPARE(m->keys().size(), 4);
    auto receiver = std::make_unique<QObject>();
    int late = 0;
    const int posts = finishedRequests(u"POST"_s, u"/keys"_s, m_sim.port());
    setFault(m_ctx.get(), kSlow);
    req.name = u"nobody-waits"_s;
    QVERIFY(m->createKey(req, receiver.get(), [&late](const KeySecret&) { ++late; }));
    setFault(m_ctx.get(), {});
    QVERIFY(m->isBusy());
    receiver.reset();
    QCOMPARE(m->creatingCount(), 0);
    QVERIFY(!m->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(finishedRequests(u"POST"_s, u"/keys"_s, m_sim.port()) > posts, kTimeout);
    QCoreApplication::processEvents();
    QCOMPARE(late, 0);
}

void TestKeyManager::onlyTheLatestListCounts()
{
    add(u"team"_s, m_sim.baseUrl(), sim::inferenceKey(), sim::managementKey());
    KeyManager* m = loaded(u"team"_s);
    QCOMPARE(m->keys().size(), 3);
    QSignalSpy reset(m, &KeyManager::keysReset);
    const int listsDone = finishedRequests(u"GET"_s, u"/keys"_s, m_sim.port());

    // The first list answers slowly with the three keys the gateway has now...
    setFault(m_ctx.get(), kSlow);
    m->refresh();
    setFault(m_ctx.get(), {});
    QTRY_COMPARE_WITH_TIMEOUT(m_sim.server()->requestCount(u"/keys"_s), 2, kTimeout);
    // ...then a fourth key appears (made elsewhere) and a second list is asked for.
    ApiReply* made = m_ctx->workspaces()->client()->send("POST", u"/keys"_s, KeyRole::Management,
                                                         QJsonObject{{u"name"_s, u"elsewhere"_s}});
    QSignalSpy madeDone(made, &ApiReply::finished);
    QVERIFY(madeDone.wait(kTimeout));
    m->refresh();
    QVERIFY(m->isListing());

    // Both end; only the second one's answer is in the list.
    QTRY_VERIFY_WITH_TIMEOUT(finishedRequests(u"GET"_s, u"/keys"_s, m_sim.port()) == listsDone + 2,
                             kSlowTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!m->isBusy(), kTimeout);
    QCoreApplication::processEvents();
    QCOMPARE(m->keys().size(), 4);
    QVERIFY(!named(m, u"elsewhere"_s).hash.isEmpty());
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m->status().state, EndpointStatus::State::Ready);
}

QTEST_GUILESS_MAIN(TestKeyManager)
#include "TestKeyManager.moc"
