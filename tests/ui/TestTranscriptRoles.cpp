// MessageDelegate reads what it paints from the model's roles, not by casting the model to
// TranscriptModel: a plain QStandardItemModel offering the same roles gets the same layout (header,
// version arrows with their targets, Retry on the last reply, stats), and TranscriptModel answers
// every role the delegate asks for.
#include "TestSupport.h"

#include "core/domain/Conversation.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"

#include <QApplication>
#include <QListView>
#include <QStandardItemModel>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestTranscriptRoles : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void delegateLaysOutAnyModelWithTheRoles();
    void rowWithoutTheRolesIsNotLaidOut();
};

namespace {

QStandardItem* row(const Message& m, int versionIndex, int versionCount, qint64 previousId, qint64 nextId,
                   bool leaf)
{
    auto* item = new QStandardItem(m.content);
    item->setData(QVariant::fromValue(m), TranscriptModel::MessageObjectRole);
    item->setData(m.id, TranscriptModel::MessageIdRole);
    item->setData(quint64(1), TranscriptModel::RevisionRole);
    item->setData(quint64(1), TranscriptModel::ContentGenerationRole);
    item->setData(false, TranscriptModel::IsStreamingRole);
    item->setData(versionIndex, TranscriptModel::VersionIndexRole);
    item->setData(versionCount, TranscriptModel::VersionCountRole);
    item->setData(previousId, TranscriptModel::PreviousVersionIdRole);
    item->setData(nextId, TranscriptModel::NextVersionIdRole);
    item->setData(leaf, TranscriptModel::IsLeafRole);
    return item;
}

const MessageDelegate::Action* find(const MessageDelegate::Layout* L, MessageDelegate::ActionKind kind)
{
    for (const MessageDelegate::Action& a : L->actions)
        if (a.kind == kind && a.part != -2)
            return &a;
    return nullptr;
}

} // namespace

void TestTranscriptRoles::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestTranscriptRoles::delegateLaysOutAnyModelWithTheRoles()
{
    Message prompt;
    prompt.id = 11;
    prompt.role = MessageRole::User;
    prompt.content = u"Name a colour"_s;
    Message reply;
    reply.id = 12;
    reply.parentId = 11;
    reply.role = MessageRole::Assistant;
    reply.model = u"openai/gpt-5.4-mini"_s;
    reply.status = MessageStatus::Error;
    reply.errorText = u"The gateway is down."_s;
    reply.errorCategory = u"server"_s;
    reply.content = u"Teal, and then"_s;

    QStandardItemModel model;
    model.appendRow(row(prompt, 1, 1, 0, 0, false));
    model.appendRow(row(reply, 2, 3, 7, 19, true));
    QListView view;
    view.resize(600, 400);
    auto* delegate = new MessageDelegate(&view);
    view.setItemDelegate(delegate);
    view.setModel(&model);

    const MessageDelegate::Layout* user = delegate->layoutFor(model.index(0, 0));
    QVERIFY2(user, "the delegate must not need a TranscriptModel");
    QCOMPARE(user->id, 11);
    QCOMPARE(user->who, u"You"_s);
    QVERIFY(find(user, MessageDelegate::ActionKind::Edit));
    QVERIFY(!find(user, MessageDelegate::ActionKind::PreviousVersion)); // one version: no arrows

    const MessageDelegate::Layout* L = delegate->layoutFor(model.index(1, 0));
    QVERIFY(L);
    QCOMPARE(L->headerDetail, reply.model);
    QCOMPARE(L->badge, u"Error"_s);
    QCOMPARE(L->statusText, reply.errorText);
    const auto* prev = find(L, MessageDelegate::ActionKind::PreviousVersion);
    const auto* next = find(L, MessageDelegate::ActionKind::NextVersion);
    QVERIFY(prev && next);
    QCOMPARE(prev->target, 7);
    QCOMPARE(next->target, 19);
    bool counter = false;
    for (const MessageDelegate::Action& a : L->actions)
        counter = counter || (a.part == -2 && a.label == u"2/3"_s);
    QVERIFY2(counter, "the ‹ n/m › text comes from VersionIndexRole and VersionCountRole");
    QVERIFY2(find(L, MessageDelegate::ActionKind::Retry), "the last reply failed: Retry (IsLeafRole)");

    // Not the leaf any more: no Retry.
    model.item(1)->setData(false, TranscriptModel::IsLeafRole);
    model.item(1)->setData(quint64(2), TranscriptModel::RevisionRole); // the delegate's cache key
    QVERIFY(!find(delegate->layoutFor(model.index(1, 0)), MessageDelegate::ActionKind::Retry));
    // sizeHint comes from the same roles (the cached exact height once laid out).
    QCOMPARE(delegate->sizeHint({}, model.index(1, 0)).height(),
             delegate->layoutFor(model.index(1, 0))->height);
}

void TestTranscriptRoles::rowWithoutTheRolesIsNotLaidOut()
{
    QStandardItemModel model;
    model.appendRow(new QStandardItem(u"no roles here"_s));
    QListView view;
    auto* delegate = new MessageDelegate(&view);
    view.setItemDelegate(delegate);
    view.setModel(&model);
    QVERIFY(!delegate->layoutFor(model.index(0, 0)));
    QCOMPARE(delegate->sizeHint({}, model.index(0, 0)), QSize());
}

QTEST_MAIN(TestTranscriptRoles)
#include "TestTranscriptRoles.moc"
