// TestWorkspaceSession: AppContext builds one WorkspaceSession per selected workspace and deletes the
// previous one on a switch; the session's catalog loads once the keys are ready, and a reply still on
// its way for a workspace no longer selected never reaches the new session. Real HTTP over loopback
// (two in-process simulators with different catalogs), a real SQLite file.
#include "SimFixture.h"
#include "TestSupport.h"
#include "core/AppContext.h"
#include "core/catalog/CatalogRepository.h"
#include "core/storage/SecretStore.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "sim/SimKeys.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {
constexpr int kModelsA = 37;
constexpr int kModelsB = 12;
} // namespace

class TestWorkspaceSession : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void noSessionBeforeASelection();
    void sessionPerSelectionAndOldOneDeleted();
    void catalogLoadsOnceWhenKeysAreReady();
    void lateReplyAfterASwitchIsDropped();
    void fiveSwitchesEndOnTheLastWorkspace();
    void refreshAsksAgain();

private:
    void makeContext();
    Workspace workspace(const QString& id, const QUrl& url) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    test::SimFixture m_simA, m_simB;
    std::unique_ptr<AppContext> m_ctx;
};

void TestWorkspaceSession::initTestCase()
{
    test::initHermeticEnvironment();
    qRegisterMetaType<WorkspaceSession*>();
}

void TestWorkspaceSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    sim::SimConfig a = test::SimFixture::fastConfig();
    a.modelCount = kModelsA;
    sim::SimConfig b = test::SimFixture::fastConfig();
    b.modelCount = kModelsB;
    QVERIFY(m_simA.start(a));
    QVERIFY(m_simB.start(b));
    makeContext();
}

void TestWorkspaceSession::cleanup()
{
    m_ctx.reset();
    m_simA.stop();
    m_simB.stop();
    m_dir.reset();
}

void TestWorkspaceSession::makeContext()
{
    AppContext::Options opts;
    opts.databasePath = m_dir->filePath(u"session.sqlite"_s);
    opts.secretStore = std::make_unique<MemorySecretStore>();
    m_ctx = std::make_unique<AppContext>(std::move(opts));
    QString error;
    QVERIFY2(m_ctx->open(&error), qPrintable(error));
    m_ctx->workspaces()->client()->setRetryPolicy(RetryPolicy::none());
}

Workspace TestWorkspaceSession::workspace(const QString& id, const QUrl& url) const
{
    Workspace ws;
    ws.id = id;
    ws.name = id.toUpper();
    ws.kind = Workspace::Kind::Environment;
    ws.baseUrl = url;
    return ws;
}

void TestWorkspaceSession::noSessionBeforeASelection()
{
    QCOMPARE(m_ctx->session(), nullptr);
}

void TestWorkspaceSession::sessionPerSelectionAndOldOneDeleted()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_simA.baseUrl()), sim::fullKey());
    m_ctx->workspaces()->addEphemeral(workspace(u"b"_s, m_simB.baseUrl()), sim::fullKey());
    QSignalSpy changed(m_ctx.get(), &AppContext::sessionChanged);
    QVERIFY(m_ctx->workspaces()->select(u"a"_s));
    QCOMPARE(changed.size(), 1);
    QPointer<WorkspaceSession> first = m_ctx->session();
    QVERIFY(first);
    QCOMPARE(changed.at(0).at(0).value<WorkspaceSession*>(), first.data());
    QCOMPARE(first->workspaceId(), u"a"_s);
    QCOMPARE(first->catalog()->workspaceId(), u"a"_s);
    // Observers get the new session while the old one still exists, then the old one is gone.
    bool oldAliveDuringSignal = false;
    connect(m_ctx.get(), &AppContext::sessionChanged, this, [&] { oldAliveDuringSignal = !first.isNull(); });
    QVERIFY(m_ctx->workspaces()->select(u"b"_s));
    QCOMPARE(changed.size(), 2);
    QVERIFY(oldAliveDuringSignal);
    QVERIFY(first.isNull());
    QCOMPARE(m_ctx->session()->workspaceId(), u"b"_s);
}

void TestWorkspaceSession::catalogLoadsOnceWhenKeysAreReady()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_simA.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(u"a"_s));
    WorkspaceSession* session = m_ctx->session();
    QVERIFY(session->keysReady()); // ephemeral keys are in memory: ready at once
    QTRY_COMPARE_WITH_TIMEOUT(session->catalog()->entries().size(), qsizetype(kModelsA), 10000);
    QTRY_VERIFY(!session->catalog()->isRefreshing());
    QCOMPARE(m_simA.server()->requestCount(u"/models"_s), 1);
    QVERIFY(session->catalog()->statusText().startsWith(u"Updated"_s));
    // The list was stored: a new session for the same workspace shows it from the cache first.
    m_ctx->workspaces()->addEphemeral(workspace(u"b"_s, m_simB.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(u"b"_s));
    m_simA.stop(); // the gateway of "a" is gone now
    QVERIFY(m_ctx->workspaces()->select(u"a"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_ctx->session()->catalog()->entries().size(), qsizetype(kModelsA), 10000);
    QTRY_VERIFY(m_ctx->session()->catalog()->lastRefreshFailed());
    QCOMPARE(m_ctx->session()->catalog()->entries().size(), qsizetype(kModelsA));
}

void TestWorkspaceSession::lateReplyAfterASwitchIsDropped()
{
    // "a" is a gateway that takes the request and answers only when the test says so.
    QTcpServer held;
    QVERIFY(held.listen(QHostAddress::LocalHost));
    QList<QTcpSocket*> sockets;
    connect(&held, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* s = held.nextPendingConnection())
            sockets.append(s);
    });
    const QUrl heldUrl(u"http://127.0.0.1:%1/api/v1"_s.arg(held.serverPort()));
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, heldUrl), sim::fullKey());
    m_ctx->workspaces()->addEphemeral(workspace(u"b"_s, m_simB.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(u"a"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!sockets.isEmpty() && sockets.first()->bytesAvailable() > 0, 10000);
    QTcpSocket* pending = sockets.first(); // "a"'s GET /models, unanswered
    QVERIFY(pending->readAll().startsWith("GET /api/v1/models"));

    QVERIFY(m_ctx->workspaces()->select(u"b"_s));
    CatalogRepository* catalog = m_ctx->session()->catalog();
    QList<qsizetype> seen;
    connect(catalog, &CatalogRepository::entriesChanged, this,
            [&] { seen.append(catalog->entries().size()); });
    // The old session's request is abandoned: the client closes its connection.
    QTRY_VERIFY_WITH_TIMEOUT(pending->state() != QAbstractSocket::ConnectedState, 10000);
    // An answer written now (too late) reaches nobody.
    const QByteArray body = R"({"data":[{"id":"late/model","name":"Late"}]})";
    pending->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                   QByteArray::number(body.size()) + "\r\n\r\n" + body);
    QTRY_COMPARE_WITH_TIMEOUT(catalog->entries().size(), qsizetype(kModelsB), 10000);
    QTRY_VERIFY(!catalog->isRefreshing());
    QVERIFY(!catalog->find(u"late/model"_s));
    for (const qsizetype n : std::as_const(seen))
        QVERIFY2(n == 0 || n == kModelsB, qPrintable(u"saw %1 models"_s.arg(n)));
    QCOMPARE(m_ctx->session()->workspaceId(), u"b"_s);
}

void TestWorkspaceSession::fiveSwitchesEndOnTheLastWorkspace()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_simA.baseUrl()), sim::fullKey());
    m_ctx->workspaces()->addEphemeral(workspace(u"b"_s, m_simB.baseUrl()), sim::fullKey());
    for (const QString& id : {u"a"_s, u"b"_s, u"a"_s, u"b"_s, u"a"_s})
        QVERIFY(m_ctx->workspaces()->select(id));
    WorkspaceSession* last = m_ctx->session();
    QCOMPARE(last->workspaceId(), u"a"_s);
    QTRY_COMPARE_WITH_TIMEOUT(last->catalog()->entries().size(), qsizetype(kModelsA), 10000);
    QTRY_VERIFY(!last->catalog()->isRefreshing());
    QCOMPARE(last->catalog()->entries().size(), qsizetype(kModelsA));
    QCOMPARE(m_ctx->session(), last);
}

void TestWorkspaceSession::refreshAsksAgain()
{
    m_ctx->workspaces()->addEphemeral(workspace(u"a"_s, m_simA.baseUrl()), sim::fullKey());
    QVERIFY(m_ctx->workspaces()->select(u"a"_s));
    WorkspaceSession* session = m_ctx->session();
    QTRY_VERIFY_WITH_TIMEOUT(!session->catalog()->entries().isEmpty() && !session->catalog()->isRefreshing(),
                             10000);
    QSignalSpy asked(session, &WorkspaceSession::refreshRequested);
    session->refresh();
    QCOMPARE(asked.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_simA.server()->requestCount(u"/models"_s), 2, 10000);
}

QTEST_GUILESS_MAIN(TestWorkspaceSession)
#include "TestWorkspaceSession.moc"
