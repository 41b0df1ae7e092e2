// TestSingleInstance: the first SingleInstance of a key is primary, later ones are secondary and
// hand their arguments over (delivered whole, acknowledged, also when they arrive in pieces); frames
// above 64 KiB, garbage and unparsable lists are refused by both ends; keys do not collide; a primary
// that cannot answer makes the sender fail in time; the lock and socket of a primary killed with
// SIGKILL (this binary run again as a child, see main()) are taken over by the next claim.
#include "TestSupport.h"

#include "core/platform/SingleInstance.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <chrono>
#include <cstdio>
#include <future>
#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// Set in a child run of this binary: it becomes the primary of that key and echoes what it receives.
constexpr char kHoldKeyVariable[] = "ANYROUTER_TEST_SINGLEINSTANCE_HOLD";
constexpr int kScale = ANYROUTER_TEST_TIME_SCALE;

// sendToPrimary() blocks; the primary lives on this thread, so the sender runs on another one while
// this thread's event loop serves the primary.
bool sendFromThread(SingleInstance& sender, const QStringList& arguments, QString* error,
                    int timeoutMs = 5000)
{
    auto result =
        std::async(std::launch::async, [&] { return sender.sendToPrimary(arguments, timeoutMs, error); });
    const bool done = QTest::qWaitFor([&] { return result.wait_for(0ms) == std::future_status::ready; },
                                      timeoutMs * 2 * kScale);
    return done && result.get();
}

QByteArray frame(quint32 magic, const QByteArray& payload, qint64 claimedLength = -1)
{
    char header[8];
    qToBigEndian(magic, header);
    qToBigEndian(quint32(claimedLength < 0 ? payload.size() : claimedLength), header + 4);
    return QByteArray(header, 8) + payload;
}

int runHolder(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    SingleInstance instance(qEnvironmentVariable(kHoldKeyVariable));
    if (instance.claim() != SingleInstance::Role::Primary)
        return 3;
    QObject::connect(&instance, &SingleInstance::messageReceived, &app, [](const QStringList& arguments) {
        std::printf("received:%s\n", arguments.join(u'|').toUtf8().constData());
        std::fflush(stdout);
    });
    std::printf("primary\n");
    std::fflush(stdout);
    return app.exec();
}

} // namespace

class TestSingleInstance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void firstIsPrimaryLaterAreSecondary();
    void argumentsArriveWholeAndAcknowledged();
    void frameInPiecesIsAssembled();
    void keysDoNotCollide();
    void sizeLimit_data();
    void sizeLimit();
    void oversizedFrameRefusedByPrimary();
    void garbageRefused_data();
    void garbageRefused();
    void unansweredSendFailsInTime();
    void nobodyListeningFailsInTime();
    void lockOfKilledPrimaryIsTakenOver();
    void unreadableLockFile_data();
    void unreadableLockFile();

private:
    QString key(const char* name) const { return m_runtime->path() + u'/' + QString::fromLatin1(name); }
    // A raw client of `primary` that writes `bytes` and waits until the primary closes or answers.
    QByteArray rawExchange(SingleInstance& primary, const QByteArray& bytes, bool* closed);

    std::unique_ptr<QTemporaryDir> m_runtime;
    std::unique_ptr<QProcess> m_holder;
};

void TestSingleInstance::initTestCase()
{
    test::initHermeticEnvironment();
    // Lock and socket go to $XDG_RUNTIME_DIR: a private one (QTemporaryDir is 0700, as Qt wants).
    m_runtime = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtime->isValid());
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime->path()));
}

void TestSingleInstance::cleanup()
{
    if (m_holder) {
        m_holder->kill();
        m_holder->waitForFinished(5000);
        m_holder.reset();
    }
}

QByteArray TestSingleInstance::rawExchange(SingleInstance& primary, const QByteArray& bytes, bool* closed)
{
    QLocalSocket socket;
    socket.connectToServer(primary.serverName());
    if (!QTest::qWaitFor([&] { return socket.state() == QLocalSocket::ConnectedState; }, 5000))
        return "not connected";
    socket.write(bytes);
    QByteArray answer;
    *closed = QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            return socket.state() == QLocalSocket::UnconnectedState;
        },
        8000 * kScale);
    answer += socket.readAll();
    return answer;
}

void TestSingleInstance::firstIsPrimaryLaterAreSecondary()
{
    SingleInstance first(key("roles"));
    QCOMPARE(first.claim(), SingleInstance::Role::Primary);
    QCOMPARE(first.claim(), SingleInstance::Role::Primary); // decided once
    QVERIFY(QFile::exists(first.lockFilePath()));
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    QVERIFY2(first.lockFilePath().startsWith(m_runtime->path()), qPrintable(first.lockFilePath()));
    QVERIFY2(first.serverName().startsWith(m_runtime->path()), qPrintable(first.serverName()));
#endif

    SingleInstance second(key("roles"));
    QCOMPARE(second.lockFilePath(), first.lockFilePath());
    QCOMPARE(second.claim(), SingleInstance::Role::Secondary);
    SingleInstance third(key("roles"));
    QCOMPARE(third.claim(), SingleInstance::Role::Secondary);

    // A primary that ends normally leaves neither lock nor socket behind.
    auto ended = std::make_unique<SingleInstance>(key("ended"));
    QCOMPARE(ended->claim(), SingleInstance::Role::Primary);
    const QString endedLock = ended->lockFilePath();
    const QString endedSocket = ended->serverName();
    QVERIFY(QFile::exists(endedLock));
#ifdef Q_OS_UNIX
    QVERIFY(QFile::exists(endedSocket));
#endif
    ended.reset();
    QVERIFY(!QFile::exists(endedLock));
    QVERIFY(!QFile::exists(endedSocket));
    QVERIFY(QFile::exists(first.lockFilePath()));
}

void TestSingleInstance::argumentsArriveWholeAndAcknowledged()
{
    SingleInstance primary(key("deliver"));
    QCOMPARE(primary.claim(), SingleInstance::Role::Primary);
    SingleInstance secondary(key("deliver"));
    QCOMPARE(secondary.claim(), SingleInstance::Role::Secondary);
    QSignalSpy received(&primary, &SingleInstance::messageReceived);

    const QStringList arguments{u"/usr/bin/anyrouter-desktop"_s,
                                u"--workspace"_s,
                                u"Démo ✓ «x»"_s,
                                QString(),
                                u"--quick-prompt"_s,
                                u"a|b\nc"_s};
    QString error;
    QVERIFY2(sendFromThread(secondary, arguments, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).toStringList(), arguments);

    // A second hand-over on the same primary, and an empty list.
    QVERIFY2(sendFromThread(secondary, {}, &error), qPrintable(error));
    QCOMPARE(received.size(), 2);
    QCOMPARE(received.at(1).at(0).toStringList(), QStringList());
}

void TestSingleInstance::frameInPiecesIsAssembled()
{
    SingleInstance primary(key("pieces"));
    QCOMPARE(primary.claim(), SingleInstance::Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::messageReceived);
    const QStringList arguments{u"app"_s, u"--workspace"_s, u"Slow"_s};
    const QByteArray bytes = SingleInstance::encodeMessage(arguments);

    QLocalSocket socket;
    socket.connectToServer(primary.serverName());
    QTRY_COMPARE(socket.state(), QLocalSocket::ConnectedState);
    for (const QByteArray& piece : {bytes.left(3), bytes.mid(3, 7), bytes.mid(10)}) {
        QVERIFY(received.isEmpty());
        socket.write(piece);
        socket.flush();
        QTest::qWait(50); // the primary sees a partial frame and must wait for the rest
    }
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).toStringList(), arguments);
    QByteArray ack;
    QTRY_VERIFY((ack += socket.readAll()).size() >= 3);
    QCOMPARE(ack, "ok\n");
    QTRY_COMPARE(socket.state(), QLocalSocket::UnconnectedState); // the primary closes after answering
}

void TestSingleInstance::keysDoNotCollide()
{
    SingleInstance one(key("one"));
    SingleInstance two(key("two"));
    QCOMPARE(one.claim(), SingleInstance::Role::Primary);
    QCOMPARE(two.claim(), SingleInstance::Role::Primary);
    QVERIFY(one.lockFilePath() != two.lockFilePath());
    QVERIFY(one.serverName() != two.serverName());

    QSignalSpy atOne(&one, &SingleInstance::messageReceived);
    QSignalSpy atTwo(&two, &SingleInstance::messageReceived);
    SingleInstance toTwo(key("two"));
    QCOMPARE(toTwo.claim(), SingleInstance::Role::Secondary);
    QString error;
    QVERIFY2(sendFromThread(toTwo, {u"for-two"_s}, &error), qPrintable(error));
    QCOMPARE(atTwo.size(), 1);
    QCOMPARE(atTwo.at(0).at(0).toStringList(), QStringList{u"for-two"_s});
    QTest::qWait(50);
    QCOMPARE(atOne.size(), 0);
}

void TestSingleInstance::sizeLimit_data()
{
    QTest::addColumn<qsizetype>("argumentBytes");
    QTest::addColumn<bool>("accepted");
    // One argument costs 4 bytes of length prefix plus its UTF-8.
    const qsizetype max = SingleInstance::maxMessageBytes();
    QTest::newRow("exactly the limit") << max - 4 << true;
    QTest::newRow("one byte over") << max - 3 << false;
    QTest::newRow("a megabyte") << qsizetype(1024 * 1024) << false;
}

void TestSingleInstance::sizeLimit()
{
    QFETCH(qsizetype, argumentBytes);
    QFETCH(bool, accepted);
    SingleInstance primary(key("size"));
    QCOMPARE(primary.claim(), SingleInstance::Role::Primary);
    SingleInstance secondary(key("size"));
    QCOMPARE(secondary.claim(), SingleInstance::Role::Secondary);
    QSignalSpy received(&primary, &SingleInstance::messageReceived);

    const QStringList arguments{QString(argumentBytes, u'x')};
    QString error;
    QCOMPARE(sendFromThread(secondary, arguments, &error), accepted);
    if (accepted) {
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.at(0).at(0).toStringList(), arguments);
    } else {
        QVERIFY2(error.contains(u"too long"_s), qPrintable(error));
        QTest::qWait(50);
        QCOMPARE(received.size(), 0);
    }
}

void TestSingleInstance::oversizedFrameRefusedByPrimary()
{
    // A sender that ignores the limit: the primary reads the header, refuses, closes, answers nothing.
    SingleInstance primary(key("oversized"));
    QCOMPARE(primary.claim(), SingleInstance::Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::messageReceived);
    const QByteArray payload =
        SingleInstance::encodeMessage({QString(SingleInstance::maxMessageBytes(), u'y')}).mid(8);
    bool closed = false;
    const QByteArray answer = rawExchange(primary, frame(0x41525331, payload), &closed);
    QVERIFY(closed);
    QCOMPARE(answer, QByteArray());
    QCOMPARE(received.size(), 0);

    // The primary still serves the next sender.
    SingleInstance secondary(key("oversized"));
    QCOMPARE(secondary.claim(), SingleInstance::Role::Secondary);
    QString error;
    QVERIFY2(sendFromThread(secondary, {u"after"_s}, &error), qPrintable(error));
    QCOMPARE(received.size(), 1);
}

void TestSingleInstance::garbageRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("http") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::newRow("wrong magic") << frame(0x41525332, SingleInstance::encodeMessage({u"a"_s}).mid(8));
    // A string length inside the payload that runs past its end.
    QByteArray inner(4, '\0');
    qToBigEndian(quint32(1000), inner.data());
    QTest::newRow("string past the end") << frame(0x41525331, inner + "abc");
    QTest::newRow("truncated length") << frame(0x41525331, QByteArray("\0\0", 2));
    QTest::newRow("length 4 GiB") << frame(0x41525331, QByteArray(), 0xffffffffLL);
}

void TestSingleInstance::garbageRefused()
{
    QFETCH(QByteArray, bytes);
    SingleInstance primary(key("garbage"));
    QCOMPARE(primary.claim(), SingleInstance::Role::Primary);
    QSignalSpy received(&primary, &SingleInstance::messageReceived);
    bool closed = false;
    QCOMPARE(rawExchange(primary, bytes, &closed), QByteArray());
    QVERIFY(closed);
    QCOMPARE(received.size(), 0);
}

void TestSingleInstance::unansweredSendFailsInTime()
{
    // The primary lives on this thread and the send blocks it: from the sender's side that is a hung
    // primary (lock held, socket there, no answer).
    SingleInstance primary(key("hung"));
    QCOMPARE(primary.claim(), SingleInstance::Role::Primary);
    SingleInstance secondary(key("hung"));
    QCOMPARE(secondary.claim(), SingleInstance::Role::Secondary);
    QElapsedTimer timer;
    timer.start();
    QString error;
    QVERIFY(!secondary.sendToPrimary({u"app"_s}, 300, &error));
    QVERIFY2(timer.elapsed() >= 250 && timer.elapsed() < 3000 * kScale,
             qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(error.contains(u"does not answer"_s), qPrintable(error));
}

void TestSingleInstance::nobodyListeningFailsInTime()
{
    // Lock held (a primary that has not listened yet, or never will), no socket.
    SingleInstance primary(key("deaf"));
    QCOMPARE(primary.claim(), SingleInstance::Role::Primary);
    QLocalServer::removeServer(primary.serverName());
    QVERIFY(!QFile::exists(primary.serverName()));
    SingleInstance secondary(key("deaf"));
    QCOMPARE(secondary.claim(), SingleInstance::Role::Secondary);
    QElapsedTimer timer;
    timer.start();
    QString error;
    QVERIFY(!secondary.sendToPrimary({u"app"_s}, 300, &error));
    QVERIFY2(timer.elapsed() >= 250 && timer.elapsed() < 3000 * kScale,
             qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(error.contains(u"cannot be reached"_s), qPrintable(error));
}

void TestSingleInstance::lockOfKilledPrimaryIsTakenOver()
{
    const QString k = key("killed");
    m_holder = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(kHoldKeyVariable), k);
    m_holder->setProcessEnvironment(env);
    m_holder->start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(m_holder->waitForStarted(5000));
    QVERIFY2(
        QTest::qWaitFor([this] { return m_holder->canReadLine() || m_holder->state() != QProcess::Running; },
                        10000 * kScale),
        "the child did not start");
    QVERIFY2(m_holder->readLine() == "primary\n",
             qPrintable(u"child: exit %1, %2"_s.arg(m_holder->exitCode())
                            .arg(QString::fromUtf8(m_holder->readAllStandardError()))));

    // Another process holds it: secondary, and the hand-over crosses processes.
    SingleInstance secondary(k);
    QCOMPARE(secondary.claim(), SingleInstance::Role::Secondary);
    QString error;
    QVERIFY2(secondary.sendToPrimary({u"app"_s, u"--demo"_s}, 5000 * kScale, &error), qPrintable(error));
    QByteArray echoed;
    QTRY_VERIFY((echoed += m_holder->readAllStandardOutput()).contains("received:app|--demo\n"));

    // SIGKILL: no destructor runs, the lock file and the socket file stay behind.
    m_holder->kill();
    QVERIFY(m_holder->waitForFinished(5000));
    QVERIFY(QFile::exists(secondary.lockFilePath()));
#ifdef Q_OS_UNIX
    QVERIFY(QFile::exists(secondary.serverName()));
    SingleInstance probe(k);
    QVERIFY(!probe.sendToPrimary({u"x"_s}, 200, &error)); // the socket file is dead
#endif

    SingleInstance next(k);
    QCOMPARE(next.claim(), SingleInstance::Role::Primary);
    QSignalSpy received(&next, &SingleInstance::messageReceived);
    SingleInstance later(k);
    QCOMPARE(later.claim(), SingleInstance::Role::Secondary);
    QVERIFY2(sendFromThread(later, {u"app"_s, u"--quick-prompt"_s}, &error), qPrintable(error));
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).toStringList(), (QStringList{u"app"_s, u"--quick-prompt"_s}));
}

void TestSingleInstance::unreadableLockFile_data()
{
    QTest::addColumn<int>("ageSecs");
    QTest::addColumn<SingleInstance::Role>("role");
    // An empty lock file names no process. Young, its writer may be between creating and filling it.
    QTest::newRow("fresh: someone is taking it") << 0 << SingleInstance::Role::Secondary;
    QTest::newRow("a minute old: its writer died") << 60 << SingleInstance::Role::Primary;
}

void TestSingleInstance::unreadableLockFile()
{
    QFETCH(int, ageSecs);
    QFETCH(SingleInstance::Role, role);
    const QString k = key("unreadable") + QString::number(ageSecs);
    SingleInstance instance(k);
    QFile lock(instance.lockFilePath());
    QVERIFY(lock.open(QIODevice::WriteOnly));
    if (ageSecs > 0)
        QVERIFY(lock.setFileTime(QDateTime::currentDateTime().addSecs(-ageSecs),
                                 QFileDevice::FileModificationTime));
    lock.close();
    QCOMPARE(instance.claim(), role);
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsSet(kHoldKeyVariable))
        return runHolder(argc, argv);
    QCoreApplication app(argc, argv);
    TestSingleInstance test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "TestSingleInstance.moc"
