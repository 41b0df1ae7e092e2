// ConversationThread: the messages of a conversation form a tree through parentId; siblings (same
// parent) are versions of one turn — an edited prompt, a regenerated reply. The visible thread
// starts at the selected root and follows, at every fork, the selected child (default: the newest).
// Pure logic over value types; the selection persists in Conversation::threadSelection.
#pragma once

#include "core/domain/Conversation.h"

#include <QHash>
#include <QJsonObject>
#include <QList>

namespace anyrouter {

class ConversationThread
{
public:
    struct Version
    {
        int index = 1; // 1-based position among siblings, by id
        int count = 1;
        qint64 previousId = 0; // sibling before (0 = none)
        qint64 nextId = 0;     // sibling after (0 = none)
    };

    ConversationThread() = default;
    ConversationThread(QList<Message> messages, const QJsonObject& selection);

    void setMessages(QList<Message> messages);
    void setSelection(const QJsonObject& selection);
    QJsonObject selection() const; // only forks where the choice is not the default (newest)

    const QList<Message>& all() const { return m_messages; }
    QList<Message> visible() const; // root -> leaf
    qint64 leafId() const;          // last visible message (0 when empty)
    // The parent chain from its root down to `messageId`, whichever versions are shown: what a reply
    // to that message is sent. Empty for an unknown id; a cycle in corrupt data ends the walk, so
    // every message appears at most once.
    QList<Message> pathTo(qint64 messageId) const;
    Version versionOf(qint64 messageId) const;
    // Makes this message the shown one among its siblings (and so shows its own subtree).
    void select(qint64 messageId);
    const Message* find(qint64 id) const;
    void upsert(const Message& m); // keeps the tree current while streaming without a reload

private:
    void rebuildIndex();
    qint64 effectiveParent(const Message& m) const;
    qint64 chosenChild(qint64 parentId) const;

    QList<Message> m_messages;
    QHash<qint64, int> m_indexById;
    QHash<qint64, QList<qint64>> m_children; // parent -> children ids, ascending
    QHash<qint64, qint64> m_selected;        // parent -> chosen child
};

} // namespace anyrouter
