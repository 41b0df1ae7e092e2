// Tests of SessionSecretStore: the keychain comes first, a failed write never silently lands in
// memory, keys kept "for this session only" are served from the overlay and never reach disk.
#include "SecretTestUtil.h"
#include "TestSupport.h"
#include "core/storage/SecretStore.h"

#include <QPointer>
#include <QStandardPaths>
#include <QTest>

using namespace anyrouter;
using namespace anyrouter::test;
using namespace Qt::StringLiterals;

namespace {

// A persistent store whose availability the test controls; otherwise a MemorySecretStore.
class FakeKeychain : public MemorySecretStore
{
public:
    using MemorySecretStore::MemorySecretStore;
    SecretStore::Status failWith = SecretStore::Status::Ok;
    int calls = 0;

    void read(const QString& account, QObject* context, Callback cb) override
    {
        ++calls;
        if (failWith != Status::Ok)
            return deliver(context, std::move(cb), {failWith, {}, u"keychain down"_s});
        MemorySecretStore::read(account, context, std::move(cb));
    }
    void write(const QString& account, const QString& secret, QObject* context, Callback cb) override
    {
        ++calls;
        if (failWith != Status::Ok)
            return deliver(context, std::move(cb), {failWith, {}, u"keychain down"_s});
        MemorySecretStore::write(account, secret, context, std::move(cb));
    }
    void remove(const QString& account, QObject* context, Callback cb) override
    {
        ++calls;
        if (failWith != Status::Ok)
            return deliver(context, std::move(cb), {failWith, {}, u"keychain down"_s});
        MemorySecretStore::remove(account, context, std::move(cb));
    }
    bool isPersistent() const override { return true; }
};

} // namespace

class TestSessionSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void passesThroughWhenKeychainWorks();
    void failedWriteIsReportedNotHidden_data();
    void failedWriteIsReportedNotHidden();
    void keepForSessionServesReads();
    void successfulWriteReplacesSessionCopy();
    void removeDropsBoth();
    void ownership();
    void deadContextGetsNoCallback();
    void sessionSecretNeverOnDisk();

private:
    SecretStore::Result run(const std::function<void(SecretStore::Callback)>& call);
    QPointer<FakeKeychain> m_keychain;
    std::unique_ptr<SessionSecretStore> m_store;
};

SecretStore::Result TestSessionSecretStore::run(const std::function<void(SecretStore::Callback)>& call)
{
    ResultSink sink;
    call(sink.callback());
    if (!QTest::qWaitFor([&] { return !sink.results.isEmpty(); }, 5000))
        return {SecretStore::Status::Error, {}, u"no callback"_s};
    return sink.results.first();
}

void TestSessionSecretStore::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestSessionSecretStore::init()
{
    m_keychain = new FakeKeychain;
    m_store = std::make_unique<SessionSecretStore>(m_keychain.data());
}

void TestSessionSecretStore::cleanup()
{
    m_store.reset();
}

void TestSessionSecretStore::passesThroughWhenKeychainWorks()
{
    QVERIFY(m_store->isPersistent());
    auto r = run([&](auto cb) { m_store->write(u"a"_s, u"k1"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Ok);
    QVERIFY(m_keychain->contains(u"a"_s));
    QVERIFY(!m_store->hasSessionOnly(u"a"_s));
    r = run([&](auto cb) { m_store->read(u"a"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Ok);
    QCOMPARE(r.secret, u"k1"_s);
    r = run([&](auto cb) { m_store->read(u"missing"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::NotFound);
}

void TestSessionSecretStore::failedWriteIsReportedNotHidden_data()
{
    QTest::addColumn<int>("failure");
    QTest::newRow("unavailable") << int(SecretStore::Status::Unavailable);
    QTest::newRow("timeout") << int(SecretStore::Status::Timeout);
    QTest::newRow("error") << int(SecretStore::Status::Error);
}

void TestSessionSecretStore::failedWriteIsReportedNotHidden()
{
    QFETCH(int, failure);
    m_keychain->failWith = SecretStore::Status(failure);
    auto r = run([&](auto cb) { m_store->write(u"a"_s, u"k1"_s, this, cb); });
    QCOMPARE(int(r.status), failure);
    QVERIFY(!r.errorString.isEmpty());
    QVERIFY(!m_store->hasSessionOnly(u"a"_s)); // no silent fallback to memory
    m_keychain->failWith = SecretStore::Status::Ok;
    r = run([&](auto cb) { m_store->read(u"a"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::NotFound);
}

void TestSessionSecretStore::keepForSessionServesReads()
{
    m_keychain->failWith = SecretStore::Status::Unavailable;
    auto r = run([&](auto cb) { m_store->write(u"a"_s, u"session-key"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Unavailable);
    m_store->keepForSession(u"a"_s, u"session-key"_s); // the user chose "this session only"
    QVERIFY(m_store->hasSessionOnly(u"a"_s));
    QVERIFY(!m_store->hasSessionOnly(u"b"_s));
    const int callsBefore = m_keychain->calls;
    r = run([&](auto cb) { m_store->read(u"a"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Ok);
    QCOMPARE(r.secret, u"session-key"_s);
    QCOMPARE(m_keychain->calls, callsBefore); // the overlay answered
    r = run([&](auto cb) { m_store->read(u"b"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Unavailable); // others still ask the keychain
}

void TestSessionSecretStore::successfulWriteReplacesSessionCopy()
{
    m_store->keepForSession(u"a"_s, u"old"_s);
    auto r = run([&](auto cb) { m_store->write(u"a"_s, u"new"_s, this, cb); });
    QCOMPARE(r.status, SecretStore::Status::Ok);
    QVERIFY(!m_store->hasSessionOnly(u"a"_s));
    r = run([&](auto cb) { m_store->read(u"a"_s, this, cb); });
    QCOMPARE(r.secret, u"new"_s);
}

void TestSessionSecretStore::removeDropsBoth()
{
    QCOMPARE(run([&](auto cb) { m_store->write(u"a"_s, u"persisted"_s, this, cb); }).status,
             SecretStore::Status::Ok);
    m_store->keepForSession(u"a"_s, u"session"_s);
    QCOMPARE(run([&](auto cb) { m_store->remove(u"a"_s, this, cb); }).status, SecretStore::Status::Ok);
    QVERIFY(!m_store->hasSessionOnly(u"a"_s));
    QVERIFY(!m_keychain->contains(u"a"_s));
    // With the keychain down, the session copy still goes, and the failure is reported.
    m_store->keepForSession(u"b"_s, u"session"_s);
    m_keychain->failWith = SecretStore::Status::Unavailable;
    QCOMPARE(run([&](auto cb) { m_store->remove(u"b"_s, this, cb); }).status,
             SecretStore::Status::Unavailable);
    QVERIFY(!m_store->hasSessionOnly(u"b"_s));
}

void TestSessionSecretStore::ownership()
{
    QCOMPARE(m_keychain->parent(), m_store.get());
    QCOMPARE(m_store->persistentStore(), m_keychain.data());
    m_store.reset();
    QVERIFY(m_keychain.isNull());

    QObject owner;
    auto* kept = new MemorySecretStore(&owner);
    {
        SessionSecretStore session(kept);
        QCOMPARE(kept->parent(), &owner); // already owned: left alone
        QVERIFY(!session.isPersistent()); // memory underneath
    }
    QVERIFY(owner.findChild<MemorySecretStore*>());
}

void TestSessionSecretStore::deadContextGetsNoCallback()
{
    m_store->keepForSession(u"a"_s, u"s"_s);
    int calls = 0;
    auto* context = new QObject;
    m_store->read(u"a"_s, context, [&](const SecretStore::Result&) { ++calls; });
    m_store->write(u"b"_s, u"x"_s, context, [&](const SecretStore::Result&) { ++calls; });
    delete context;
    QCOMPARE(run([&](auto cb) { m_store->read(u"b"_s, this, cb); }).secret, u"x"_s);
    QCOMPARE(calls, 0);
}

void TestSessionSecretStore::sessionSecretNeverOnDisk()
{
    const QString secret = u"sk-ar-v1-session-only-a83f10"_s;
    m_keychain->failWith = SecretStore::Status::Unavailable;
    m_store->keepForSession(u"a"_s, secret);
    QCOMPARE(run([&](auto cb) { m_store->read(u"a"_s, this, cb); }).secret, secret);
    m_store.reset();
    for (auto loc : {QStandardPaths::AppDataLocation, QStandardPaths::AppConfigLocation,
                     QStandardPaths::GenericConfigLocation, QStandardPaths::CacheLocation}) {
        const QString dir = QStandardPaths::writableLocation(loc);
        QVERIFY2(filesContaining(dir, secret).isEmpty(), qPrintable(dir));
    }
}

QTEST_GUILESS_MAIN(TestSessionSecretStore)
#include "TestSessionSecretStore.moc"
