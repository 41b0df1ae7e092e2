// ConversationThread: visible path through a tree of versions, version numbering and selection.
#include "TestSupport.h"

#include "core/chat/ConversationThread.h"

#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {
Message msg(qint64 id, qint64 parent, MessageRole role = MessageRole::User)
{
    Message m;
    m.id = id;
    m.parentId = parent;
    m.role = role;
    m.content = u"m%1"_s.arg(id);
    return m;
}
// Two roots (1 and the newer 6); under 1, the prompt 3 has two replies (4 and the newer 5).
QList<Message> forkedTree()
{
    return {msg(1, 0),
            msg(2, 1, MessageRole::Assistant),
            msg(3, 2),
            msg(4, 3, MessageRole::Assistant),
            msg(5, 3, MessageRole::Assistant),
            msg(6, 0),
            msg(7, 6, MessageRole::Assistant)};
}
QList<qint64> ids(const QList<Message>& ms)
{
    QList<qint64> out;
    for (const Message& m : ms)
        out.append(m.id);
    return out;
}
} // namespace

class TestConversationThread : public QObject
{
    Q_OBJECT
private slots:
    void visiblePath_data();
    void visiblePath();
    void versionNumbers();
    void selectionRoundTripsAndDropsDefaults();
    void corruptCycleDoesNotHang();
    void danglingParentIsARoot();
    void pathTo_data();
    void pathTo();
};

void TestConversationThread::visiblePath_data()
{
    QTest::addColumn<QList<Message>>("messages");
    QTest::addColumn<QJsonObject>("selection");
    QTest::addColumn<QList<qint64>>("expected");
    const QList<Message> tree = forkedTree();
    QTest::newRow("empty") << QList<Message>{} << QJsonObject{} << QList<qint64>{};
    QTest::newRow("linear") << QList<Message>{msg(1, 0), msg(2, 1), msg(3, 2)} << QJsonObject{}
                            << QList<qint64>{1, 2, 3};
    QTest::newRow("newest root by default") << tree << QJsonObject{} << QList<qint64>{6, 7};
    QTest::newRow("older root, newest reply")
        << tree << QJsonObject{{u"0"_s, 1}} << QList<qint64>{1, 2, 3, 5};
    QTest::newRow("older root, older reply")
        << tree << QJsonObject{{u"0"_s, 1}, {u"3"_s, 4}} << QList<qint64>{1, 2, 3, 4};
    QTest::newRow("selection of a vanished message falls back")
        << tree << QJsonObject{{u"0"_s, 99}} << QList<qint64>{6, 7};
    QTest::newRow("unsorted input") << QList<Message>{msg(3, 2), msg(1, 0), msg(2, 1)} << QJsonObject{}
                                    << QList<qint64>{1, 2, 3};
}

void TestConversationThread::visiblePath()
{
    QFETCH(QList<Message>, messages);
    QFETCH(QJsonObject, selection);
    QFETCH(QList<qint64>, expected);
    ConversationThread t(messages, selection);
    QCOMPARE(ids(t.visible()), expected);
    QCOMPARE(t.leafId(), expected.isEmpty() ? 0 : expected.last());
}

void TestConversationThread::versionNumbers()
{
    ConversationThread t({msg(1, 0), msg(2, 1), msg(3, 1), msg(4, 1)}, {});
    auto v = t.versionOf(3);
    QCOMPARE(v.index, 2);
    QCOMPARE(v.count, 3);
    QCOMPARE(v.previousId, 2);
    QCOMPARE(v.nextId, 4);
    v = t.versionOf(1);
    QCOMPARE(v.count, 1);
    QCOMPARE(v.previousId, 0);
    QCOMPARE(v.nextId, 0);
}

void TestConversationThread::selectionRoundTripsAndDropsDefaults()
{
    ConversationThread t({msg(1, 0), msg(2, 1), msg(3, 1)}, {});
    QVERIFY(t.selection().isEmpty());
    t.select(2);
    QCOMPARE(t.selection(), (QJsonObject{{u"1"_s, 2}}));
    QCOMPARE(t.leafId(), 2);
    t.select(3); // back to the default (newest): not stored
    QVERIFY(t.selection().isEmpty());
    t.upsert(msg(4, 1)); // a new version arrives and is chosen
    t.select(4);
    QCOMPARE(t.leafId(), 4);
    QCOMPARE(t.versionOf(4).index, 3);
}

void TestConversationThread::corruptCycleDoesNotHang()
{
    // 1 -> 2 -> 1 cannot be reached from a root; a self-parented row counts as a root (the newest).
    ConversationThread t({msg(1, 2), msg(2, 1), msg(3, 0), msg(4, 4)}, {});
    QCOMPARE(ids(t.visible()), (QList<qint64>{4}));
    t.select(3);
    QCOMPARE(ids(t.visible()), (QList<qint64>{3}));
    QCOMPARE(t.versionOf(3).count, 2);
}

void TestConversationThread::danglingParentIsARoot()
{
    // A reply whose prompt is missing (partial import) stays visible rather than vanishing.
    ConversationThread t({msg(4, 99), msg(5, 4)}, {});
    QCOMPARE(ids(t.visible()), (QList<qint64>{4, 5}));
}

// The chain a reply is sent: its own ancestors, not the versions shown at the forks above it.
void TestConversationThread::pathTo_data()
{
    QTest::addColumn<QList<Message>>("messages");
    QTest::addColumn<qint64>("target");
    QTest::addColumn<QList<qint64>>("expected");
    const QList<Message> tree = forkedTree(); // shows 6, 7 by default
    QTest::newRow("unknown id") << tree << qint64(99) << QList<qint64>{};
    QTest::newRow("a root") << tree << qint64(1) << QList<qint64>{1};
    QTest::newRow("the shown leaf") << tree << qint64(7) << QList<qint64>{6, 7};
    QTest::newRow("under a version not shown") << tree << qint64(4) << QList<qint64>{1, 2, 3, 4};
    QTest::newRow("a sibling reply") << tree << qint64(5) << QList<qint64>{1, 2, 3, 5};
    QTest::newRow("dangling parent starts the path")
        << QList<Message>{msg(1, 0), msg(5, 42), msg(6, 5)} << qint64(6) << QList<qint64>{5, 6};
    QTest::newRow("its own parent") << QList<Message>{msg(1, 0), msg(2, 2), msg(3, 2)} << qint64(3)
                                    << QList<qint64>{2, 3};
    QTest::newRow("cycle: each message once") << QList<Message>{msg(1, 3), msg(2, 1), msg(3, 2), msg(4, 3)}
                                              << qint64(4) << QList<qint64>{1, 2, 3, 4};
}

void TestConversationThread::pathTo()
{
    QFETCH(QList<Message>, messages);
    QFETCH(qint64, target);
    QFETCH(QList<qint64>, expected);
    const ConversationThread t(messages, {});
    QCOMPARE(ids(t.pathTo(target)), expected);
}

QTEST_GUILESS_MAIN(TestConversationThread)
#include "TestConversationThread.moc"
