// TestDatabaseWorker: the generic worker under CatalogWorker and UsageWorker — jobs run in the order
// they were posted, on a thread other than the GUI thread, with a connection of their own to the same
// file (which sees what the GUI thread's connection wrote); a cancelled job is skipped; a result for a
// receiver deleted meanwhile, or for a token cancelled after the worker posted it, is dropped without
// touching the receiver (run it in an ASan build to see that nothing reads freed memory); an
// in-memory database runs its jobs inline.
#include "TestSupport.h"

#include "core/storage/Database.h"
#include "core/storage/DatabaseWorker.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// A receiver whose deletion the test controls; counts what reached it.
class Receiver : public QObject
{
    Q_OBJECT
public:
    int received = 0;
    QList<int> values;
};

} // namespace

class TestDatabaseWorker : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void jobsRunInOrderOnAnotherThreadWithTheirOwnConnection();
    void noThreadBeforeTheFirstJob();
    void cancelledJobIsSkipped();
    void deliveryReachesALivingReceiver();
    void deliveryToADeletedReceiverIsDropped();
    void deliveryAfterACancelIsDropped();
    void renewCancelsEarlierJobsOnly();
    void inMemoryDatabaseRunsInline();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
};

void TestDatabaseWorker::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestDatabaseWorker::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<Database>(m_dir->filePath(u"worker.sqlite"_s));
    QString error;
    QVERIFY2(m_db->open(&error), qPrintable(error));
    QSqlQuery q(m_db->connection());
    QVERIFY(q.exec(u"CREATE TABLE probe (n INTEGER)"_s));
    QVERIFY(q.exec(u"INSERT INTO probe (n) VALUES (42)"_s));
}

void TestDatabaseWorker::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

void TestDatabaseWorker::jobsRunInOrderOnAnotherThreadWithTheirOwnConnection()
{
    DatabaseWorker worker(m_db->filePath(), u"test-worker"_s);
    QVERIFY(worker.isThreaded());
    QMutex mutex;
    QList<int> order;
    QSet<QThread*> threads;
    QStringList connections;
    QList<int> probes;
    QSemaphore done;
    constexpr int kJobs = 20;
    for (int i = 0; i < kJobs; ++i) {
        worker.post(nullptr, [&, i](Database* db) {
            QMutexLocker lock(&mutex);
            order.append(i);
            threads.insert(QThread::currentThread());
            connections.append(db ? db->connectionName() : QString());
            if (db) {
                QSqlQuery q(db->connection());
                probes.append(q.exec(u"SELECT n FROM probe"_s) && q.next() ? q.value(0).toInt() : -1);
            }
            done.release();
        });
    }
    QVERIFY(done.tryAcquire(kJobs, 10000));
    QMutexLocker lock(&mutex);
    QList<int> expected;
    for (int i = 0; i < kJobs; ++i)
        expected.append(i);
    QCOMPARE(order, expected);
    QCOMPARE(threads.size(), 1); // one thread, the same for every job
    QVERIFY(*threads.begin() != QThread::currentThread());
    QCOMPARE((*threads.begin())->objectName(), u"test-worker"_s);
    QVERIFY(!connections.constFirst().isEmpty());
    QVERIFY(connections.constFirst() != m_db->connectionName());  // its own connection ...
    QCOMPARE(connections.count(connections.constFirst()), kJobs); // ... kept across jobs
    // ... to the same file: it sees what the GUI thread's connection wrote.
    QCOMPARE(probes, QList<int>(kJobs, 42));
}

void TestDatabaseWorker::noThreadBeforeTheFirstJob()
{
    DatabaseWorker worker(m_db->filePath(), u"idle-worker"_s);
    // Nothing asked: no thread started, no connection opened (a worker nobody uses costs nothing).
    QVERIFY(worker.isThreaded());
    QVERIFY(!worker.isStarted());
    QSemaphore done;
    worker.post(nullptr, [&done](Database*) { done.release(); });
    QVERIFY(worker.isStarted());
    QVERIFY(done.tryAcquire(1, 10000));
}

void TestDatabaseWorker::cancelledJobIsSkipped()
{
    DatabaseWorker worker(m_db->filePath(), u"test-worker"_s);
    QSemaphore started, release, done;
    std::atomic<bool> cancelledRan{false};
    std::atomic<int> ran{0};
    // The first job holds the worker, so the next two are certainly still queued when one is cancelled.
    worker.post(nullptr, [&](Database*) {
        started.release();
        release.acquire();
        ++ran;
    });
    auto token = std::make_shared<std::atomic<bool>>(false);
    worker.post(token, [&](Database*) { cancelledRan = true; });
    worker.post(nullptr, [&](Database*) {
        ++ran;
        done.release();
    });
    QVERIFY(started.tryAcquire(1, 10000));
    token->store(true);
    release.release();
    QVERIFY(done.tryAcquire(1, 10000));
    QCOMPARE(ran.load(), 2);
    QVERIFY(!cancelledRan.load());
}

void TestDatabaseWorker::deliveryReachesALivingReceiver()
{
    DatabaseWorker worker(m_db->filePath(), u"test-worker"_s);
    Receiver receiver;
    QThread* deliveredOn = nullptr;
    const QPointer<Receiver> target(&receiver);
    CancelSource source;
    const CancelToken token = source.token();
    worker.post(token, [target, token, &deliveredOn](Database*) {
        DatabaseWorker::deliver(target, token, [&deliveredOn](Receiver* r) {
            deliveredOn = QThread::currentThread();
            ++r->received;
        });
    });
    QTRY_COMPARE_WITH_TIMEOUT(receiver.received, 1, 10000);
    QCOMPARE(deliveredOn, QThread::currentThread()); // the GUI thread, not the worker
}

void TestDatabaseWorker::deliveryToADeletedReceiverIsDropped()
{
    DatabaseWorker worker(m_db->filePath(), u"test-worker"_s);
    auto* receiver = new Receiver;
    const QPointer<Receiver> target(receiver);
    QSemaphore receiverGone, posted;
    std::atomic<bool> reached{false};
    // The job waits until its receiver is deleted (as a workspace switch deletes a session), then
    // delivers. Its token is not set: only the receiver's lifetime can stop the delivery.
    worker.post(nullptr, [target, &receiverGone, &posted, &reached](Database*) {
        receiverGone.acquire();
        DatabaseWorker::deliver(target, nullptr, [&reached](Receiver* r) {
            reached = true;
            ++r->received; // a use after free if it ever ran
        });
        posted.release();
    });
    delete receiver;
    receiverGone.release();
    QVERIFY(posted.tryAcquire(1, 10000));
    // The delivery is queued on the application object; let it run.
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QVERIFY(target.isNull());
    QVERIFY(!reached.load());

    // And one deleted after the worker posted, before the GUI thread ran the delivery.
    auto* late = new Receiver;
    const QPointer<Receiver> lateTarget(late);
    QSemaphore deliveredLate;
    worker.post(nullptr, [lateTarget, &deliveredLate, &reached](Database*) {
        DatabaseWorker::deliver(lateTarget, nullptr, [&reached](Receiver* r) {
            reached = true;
            ++r->received;
        });
        deliveredLate.release();
    });
    QVERIFY(deliveredLate.tryAcquire(1, 10000)); // posted to the GUI thread, not yet run
    delete late;
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QVERIFY(!reached.load());
}

void TestDatabaseWorker::deliveryAfterACancelIsDropped()
{
    DatabaseWorker worker(m_db->filePath(), u"test-worker"_s);
    Receiver receiver;
    const QPointer<Receiver> target(&receiver);
    CancelSource source;
    const CancelToken token = source.token();
    QSemaphore posted;
    worker.post(token, [target, token, &posted](Database*) {
        DatabaseWorker::deliver(target, token, [](Receiver* r) { ++r->received; });
        posted.release();
    });
    QVERIFY(posted.tryAcquire(1, 10000)); // the worker checked the token and posted: not cancelled yet
    source.cancel();                      // the owner moves on before the GUI thread runs it
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(receiver.received, 0);
}

void TestDatabaseWorker::renewCancelsEarlierJobsOnly()
{
    DatabaseWorker worker(m_db->filePath(), u"test-worker"_s);
    Receiver receiver;
    const QPointer<Receiver> target(&receiver);
    CancelSource source;
    QSemaphore started, release;
    worker.post(nullptr, [&](Database*) {
        started.release();
        release.acquire();
    });
    QVERIFY(started.tryAcquire(1, 10000));
    for (int i = 1; i <= 3; ++i) {
        source.renew(); // "only the latest request counts"
        const CancelToken token = source.token();
        worker.post(token, [target, token, i](Database*) {
            DatabaseWorker::deliver(target, token, [i](Receiver* r) {
                ++r->received;
                r->values.append(i);
            });
        });
    }
    release.release();
    QTRY_COMPARE_WITH_TIMEOUT(receiver.received, 1, 10000);
    QCOMPARE(receiver.values, QList<int>{3});
    // Nothing else is on its way: a job posted after it delivers right behind it.
    const CancelToken token = source.token();
    worker.post(token, [target, token](Database*) {
        DatabaseWorker::deliver(target, token, [](Receiver* r) { r->values.append(4); });
    });
    QTRY_COMPARE_WITH_TIMEOUT(receiver.values.size(), 2, 10000);
    QCOMPARE(receiver.values, (QList<int>{3, 4}));
}

void TestDatabaseWorker::inMemoryDatabaseRunsInline()
{
    Database memory(u":memory:"_s);
    QVERIFY(memory.open());
    DatabaseWorker worker(u":memory:"_s, u"inline"_s, &memory);
    QVERIFY(!worker.isThreaded());
    QThread* ranOn = nullptr;
    Database* given = nullptr;
    worker.post(nullptr, [&](Database* db) {
        ranOn = QThread::currentThread();
        given = db;
    });
    // At once, on this thread, with the caller's own database (a second connection would not see it).
    QCOMPARE(ranOn, QThread::currentThread());
    QCOMPARE(given, &memory);
    auto token = std::make_shared<std::atomic<bool>>(true);
    bool ran = false;
    worker.post(token, [&](Database*) { ran = true; });
    QVERIFY(!ran);
}

QTEST_GUILESS_MAIN(TestDatabaseWorker)
#include "TestDatabaseWorker.moc"
