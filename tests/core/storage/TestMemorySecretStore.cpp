// Tests of MemorySecretStore and of the callback contract every SecretStore shares: asynchronous,
// exactly once, dropped when the context dies.
#include "SecretTestUtil.h"
#include "TestSupport.h"
#include "core/storage/SecretStore.h"

#include <QStandardPaths>
#include <QTest>

using namespace anyrouter;
using namespace anyrouter::test;
using namespace Qt::StringLiterals;

class TestMemorySecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void writeReadOverwriteRemove();
    void notFound();
    void callbackIsAsynchronousAndOnce();
    void deadContextGetsNoCallback();
    void nullContextStillDelivered();
    void notPersistentAndNothingOnDisk();
};

void TestMemorySecretStore::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestMemorySecretStore::writeReadOverwriteRemove()
{
    MemorySecretStore store;
    ResultSink sink;
    store.write(u"acct"_s, u"sk-ar-v1-first"_s, this, sink.callback());
    QTRY_COMPARE(sink.results.size(), 1);
    QCOMPARE(sink.results.last().status, SecretStore::Status::Ok);
    store.read(u"acct"_s, this, sink.callback());
    QTRY_COMPARE(sink.results.size(), 2);
    QCOMPARE(sink.results.last().secret, u"sk-ar-v1-first"_s);
    store.write(u"acct"_s, u"sk-ar-v1-second"_s, this, sink.callback());
    store.read(u"acct"_s, this, sink.callback());
    QTRY_COMPARE(sink.results.size(), 4);
    QCOMPARE(sink.results.last().secret, u"sk-ar-v1-second"_s);
    store.remove(u"acct"_s, this, sink.callback());
    store.read(u"acct"_s, this, sink.callback());
    QTRY_COMPARE(sink.results.size(), 6);
    QCOMPARE(sink.results.at(4).status, SecretStore::Status::Ok);
    QCOMPARE(sink.results.last().status, SecretStore::Status::NotFound);
    QVERIFY(sink.results.last().secret.isEmpty());
    store.remove(u"acct"_s, this, sink.callback()); // absent: still Ok
    QTRY_COMPARE(sink.results.size(), 7);
    QCOMPARE(sink.results.last().status, SecretStore::Status::Ok);
}

void TestMemorySecretStore::notFound()
{
    MemorySecretStore store;
    ResultSink sink;
    store.read(u"never"_s, this, sink.callback());
    QTRY_COMPARE(sink.results.size(), 1);
    QCOMPARE(sink.results.first().status, SecretStore::Status::NotFound);
    QCOMPARE(SecretStore::statusName(SecretStore::Status::NotFound), u"NotFound"_s);
}

void TestMemorySecretStore::callbackIsAsynchronousAndOnce()
{
    MemorySecretStore store;
    ResultSink sink;
    store.write(u"a"_s, u"s"_s, this, sink.callback());
    store.read(u"a"_s, this, sink.callback());
    QVERIFY(sink.results.isEmpty()); // nothing ran inside the calls
    QTRY_COMPARE(sink.results.size(), 2);
    // A later round trip proves no duplicate is still queued.
    ResultSink later;
    store.read(u"a"_s, this, later.callback());
    QTRY_COMPARE(later.results.size(), 1);
    QCOMPARE(sink.results.size(), 2);
}

void TestMemorySecretStore::deadContextGetsNoCallback()
{
    MemorySecretStore store;
    int calls = 0;
    auto* context = new QObject;
    store.write(u"a"_s, u"s"_s, context, [&](const SecretStore::Result&) { ++calls; });
    store.read(u"a"_s, context, [&](const SecretStore::Result&) { ++calls; });
    delete context;
    ResultSink after;
    store.read(u"a"_s, this, after.callback());
    QTRY_COMPARE(after.results.size(), 1);
    QCOMPARE(after.results.first().secret, u"s"_s); // the write itself happened
    QCOMPARE(calls, 0);
}

void TestMemorySecretStore::nullContextStillDelivered()
{
    MemorySecretStore store;
    ResultSink sink;
    store.write(u"a"_s, u"s"_s, nullptr, sink.callback());
    QTRY_COMPARE(sink.results.size(), 1);
}

void TestMemorySecretStore::notPersistentAndNothingOnDisk()
{
    const QString secret = u"sk-ar-v1-memory-only-7c1d9e"_s;
    {
        MemorySecretStore store;
        QVERIFY(!store.isPersistent());
        ResultSink sink;
        store.write(u"a"_s, secret, this, sink.callback());
        QTRY_COMPARE(sink.results.size(), 1);
        QVERIFY(store.contains(u"a"_s));
    }
    for (auto loc : {QStandardPaths::AppDataLocation, QStandardPaths::AppConfigLocation,
                     QStandardPaths::GenericConfigLocation, QStandardPaths::CacheLocation}) {
        const QString dir = QStandardPaths::writableLocation(loc);
        QVERIFY2(filesContaining(dir, secret).isEmpty(), qPrintable(dir));
    }
}

QTEST_GUILESS_MAIN(TestMemorySecretStore)
#include "TestMemorySecretStore.moc"
