// A damaged database file at start-up, through AppContext as the app opens it: garbage in a few
// pages, random bytes, plain text, a truncated file. Each is moved aside (with its -wal/-shm, never
// deleted) to "<name>.corrupt-YYYYMMDD-HHMMSS", the notice names that path, and the app starts on
// an empty database. A healthy file is left alone. A large file is checked off the opening thread;
// damage found there is acted on at the next start.
#include "TestSupport.h"

#include "core/AppContext.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/SecretStore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestDamagedDatabase : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void damagedFileIsMovedAsideAndAFreshOneStarted_data();
    void damagedFileIsMovedAsideAndAFreshOneStarted();
    void healthyFileIsLeftAlone();
    void largeFileIsCheckedInTheBackgroundAndMovedAtNextStart();
    void secondInstanceDoesNotMoveTheFile();
    void quickCheckTiming();

private:
    QString dbPath() const { return m_dir->filePath(u"anyrouter.sqlite"_s); }
    // A database with conversations, closed (so its WAL is folded into the file).
    void makeDatabase(int conversations, int messagesEach);
    static int pageSize(const QString& path);
    std::unique_ptr<AppContext> openContext(QString* error, qint64 quickCheckLimit = -1);
    QStringList filesInDir() const { return QDir(m_dir->path()).entryList(QDir::Files, QDir::Name); }
    static QByteArray sha(const QString& path);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestDamagedDatabase::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestDamagedDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestDamagedDatabase::makeDatabase(int conversations, int messagesEach)
{
    Database db(dbPath());
    QVERIFY(db.open());
    ConversationStore store(db);
    QVERIFY(db.transaction());
    for (int c = 0; c < conversations; ++c) {
        Conversation conv;
        conv.workspaceId = u"ws"_s;
        conv.title = u"Conversation %1"_s.arg(c);
        QVERIFY(store.createConversation(conv));
        for (int m = 0; m < messagesEach; ++m) {
            Message msg;
            msg.conversationId = conv.id;
            msg.role = m % 2 ? MessageRole::Assistant : MessageRole::User;
            msg.content =
                u"message %1 of conversation %2: "_s.arg(m).arg(c) + u"lorem ipsum dolor "_s.repeated(40);
            QVERIFY(store.insertMessage(msg));
        }
    }
    QVERIFY(db.commit());
}

int TestDamagedDatabase::pageSize(const QString& path)
{
    Database db(path);
    if (!db.open())
        return 0;
    QSqlQuery q(db.connection());
    return q.exec(u"PRAGMA page_size"_s) && q.next() ? q.value(0).toInt() : 0;
}

std::unique_ptr<AppContext> TestDamagedDatabase::openContext(QString* error, qint64 quickCheckLimit)
{
    AppContext::Options opts;
    opts.databasePath = dbPath();
    opts.secretStore = std::make_unique<MemorySecretStore>();
    opts.quickCheckLimitBytes = quickCheckLimit;
    auto ctx = std::make_unique<AppContext>(std::move(opts));
    if (!ctx->open(error))
        return nullptr;
    return ctx;
}

QByteArray TestDamagedDatabase::sha(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

void TestDamagedDatabase::damagedFileIsMovedAsideAndAFreshOneStarted_data()
{
    QTest::addColumn<QString>("damage");
    QTest::newRow("garbage in a few pages") << u"pages"_s;
    QTest::newRow("random bytes") << u"random"_s;
    QTest::newRow("plain text") << u"text"_s;
    QTest::newRow("truncated") << u"truncated"_s;
    QTest::newRow("header only") << u"header"_s;
}

void TestDamagedDatabase::damagedFileIsMovedAsideAndAFreshOneStarted()
{
    QFETCH(QString, damage);
    makeDatabase(20, 20);
    const int page = pageSize(dbPath());
    QVERIFY(page >= 512);
    QFile f(dbPath());
    const qint64 size = f.size();
    QVERIFY(size > 20 * page);
    if (damage == u"pages") {
        // Garbage over three pages in the middle: the header and schema still read, so the file
        // opens and only the data is wrong (the case that used to show empty conversations).
        QVERIFY(f.open(QIODevice::ReadWrite));
        for (qint64 p : {size / page / 2, size / page / 2 + 1, size / page / 2 + 5}) {
            QVERIFY(f.seek(p * page));
            QByteArray garbage(page, '\0');
            for (int i = 0; i < page; ++i)
                garbage[i] = char((i * 7919 + p * 31) & 0xff);
            f.write(garbage);
        }
        f.close();
    } else if (damage == u"random") {
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QByteArray bytes(64 * 1024, '\0');
        for (int i = 0; i < bytes.size(); ++i)
            bytes[i] = char((i * 2654435761u) >> 13);
        f.write(bytes);
        f.close();
    } else if (damage == u"text") {
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QByteArray("this is not a database, just some notes\n").repeated(300));
        f.close();
    } else if (damage == u"truncated") {
        QVERIFY(f.resize(size / 2));
    } else {
        QVERIFY(f.resize(60)); // less than one SQLite header
    }
    // A -wal and -shm beside it (as a crash leaves them) go with it.
    {
        QFile wal(dbPath() + u"-wal"_s);
        QVERIFY(wal.open(QIODevice::WriteOnly));
        wal.write(QByteArray(16, 'w')); // too short to be replayed; only its fate matters here
        QFile shm(dbPath() + u"-shm"_s);
        QVERIFY(shm.open(QIODevice::WriteOnly));
        shm.write(QByteArray(32, 's'));
    }
    const QByteArray damagedSha = sha(dbPath());

    QString error;
    auto ctx = openContext(&error);
    QVERIFY2(ctx, qPrintable(u"the app must start on a fresh database, but: "_s + error));

    // Moved aside under a dated name, byte for byte, with its companions; nothing deleted.
    const QStringList files = filesInDir();
    const QRegularExpression movedName(u"^anyrouter\\.sqlite\\.corrupt-\\d{8}-\\d{6}$"_s);
    const QStringList moved = files.filter(movedName);
    QVERIFY2(moved.size() == 1, qPrintable(files.join(u", "_s)));
    const QString movedPath = m_dir->filePath(moved.constFirst());
    QCOMPARE(sha(movedPath), damagedSha);
    QVERIFY2(files.contains(moved.constFirst() + u"-wal"_s), qPrintable(files.join(u", "_s)));
    QVERIFY2(files.contains(moved.constFirst() + u"-shm"_s), qPrintable(files.join(u", "_s)));

    // Said where it is.
    const QString notice = ctx->databaseNotice();
    QVERIFY2(notice.contains(QDir::toNativeSeparators(movedPath)), qPrintable(notice));
    QVERIFY2(notice.contains(u"damaged"_s), qPrintable(notice));

    // Started fresh: a usable, empty database at the usual path.
    QCOMPARE(ctx->database()->filePath(), dbPath());
    QVERIFY(ctx->conversations()->conversations(u"ws"_s).isEmpty());
    Conversation c;
    c.workspaceId = u"ws"_s;
    QVERIFY(ctx->conversations()->createConversation(c));
    QCOMPARE(ctx->database()->schemaVersion(), Database::latestSchemaVersion());
}

void TestDamagedDatabase::healthyFileIsLeftAlone()
{
    makeDatabase(5, 6);
    QString error;
    {
        auto ctx = openContext(&error);
        QVERIFY2(ctx, qPrintable(error));
        QVERIFY(ctx->databaseNotice().isEmpty());
        QCOMPARE(ctx->conversations()->conversations(u"ws"_s).size(), 5);
    }
    auto again = openContext(&error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->conversations()->conversations(u"ws"_s).size(), 5);
    QVERIFY(filesInDir().filter(u"corrupt"_s).isEmpty());
    QVERIFY(!QFile::exists(Database::damageMarkerPath(dbPath())));
}

void TestDamagedDatabase::largeFileIsCheckedInTheBackgroundAndMovedAtNextStart()
{
    makeDatabase(20, 20);
    const int page = pageSize(dbPath());
    QFile f(dbPath());
    const qint64 pages = f.size() / page;
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.seek((pages / 2) * page));
    f.write(QByteArray(page, '\x5A'));
    f.close();

    QString error;
    {
        // Limit 0: every file counts as large, so open() leaves the check to a background thread.
        auto ctx = openContext(&error, 0);
        QVERIFY2(ctx, qPrintable(error));
        QVERIFY(ctx->isCheckingDatabase());
        QSignalSpy damaged(ctx.get(), &AppContext::databaseDamaged);
        QSignalSpy finished(ctx.get(), &AppContext::databaseCheckFinished);
        QVERIFY(finished.wait(20000));
        QCOMPARE(damaged.size(), 1);
        const QString message = damaged.first().first().toString();
        QVERIFY2(message.contains(QDir::toNativeSeparators(dbPath())) && message.contains(u"next time"_s),
                 qPrintable(message));
        QCOMPARE(ctx->databaseNotice(), message);
        QVERIFY(QFile::exists(dbPath())); // not pulled from under the running app
    }
    auto next = openContext(&error, 0);
    QVERIFY2(next, qPrintable(error));
    QVERIFY2(next->databaseNotice().contains(u".corrupt-"_s), qPrintable(next->databaseNotice()));
    QCOMPARE(filesInDir().filter(QRegularExpression(u"\\.corrupt-\\d{8}-\\d{6}$"_s)).size(), 1);
    QVERIFY(!QFile::exists(Database::damageMarkerPath(dbPath())));
    QVERIFY(next->conversations()->conversations(u"ws"_s).isEmpty());
}

void TestDamagedDatabase::secondInstanceDoesNotMoveTheFile()
{
    makeDatabase(3, 3);
    QString error;
    auto first = openContext(&error);
    QVERIFY2(first, qPrintable(error));
    QVERIFY(first->isPrimaryInstance());
    // Damage appears while the first instance runs; a second one (e.g. --ask) reports it but
    // leaves the file where the first one has it open.
    {
        QFile f(dbPath());
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.write(QByteArray("not SQLite any more"));
    }
    AppContext::Options opts;
    opts.databasePath = dbPath();
    opts.secretStore = std::make_unique<MemorySecretStore>();
    opts.quickCheckLimitBytes = -1;
    AppContext second(std::move(opts));
    QVERIFY(!second.open(&error));
    QVERIFY2(error.contains(QDir::toNativeSeparators(dbPath())), qPrintable(error));
    QVERIFY(filesInDir().filter(u"corrupt"_s).isEmpty());
}

// Not a pass/fail on time: prints what PRAGMA quick_check costs here for a file of 20 x 20
// messages, and for the file named by ANYROUTER_QUICK_CHECK_FILE when set (e.g. a 300k-message
// database), so the limit in AppContext can be chosen from figures.
void TestDamagedDatabase::quickCheckTiming()
{
    QString file = qEnvironmentVariable("ANYROUTER_QUICK_CHECK_FILE");
    if (file.isEmpty()) {
        makeDatabase(20, 20);
        file = dbPath();
    }
    QVERIFY(QFile::exists(file));
    QElapsedTimer t;
    t.start();
    const QString problem = Database::quickCheck(file);
    const qint64 ms = t.elapsed();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    qInfo("quick_check: %lld ms for %.1f MB (%s)", ms, double(QFileInfo(file).size()) / 1e6,
          qPrintable(file));
}

QTEST_GUILESS_MAIN(TestDamagedDatabase)
#include "TestDamagedDatabase.moc"
