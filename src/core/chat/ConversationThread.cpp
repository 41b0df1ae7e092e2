#include "core/chat/ConversationThread.h"

#include <QSet>

#include <algorithm>

namespace anyrouter {

ConversationThread::ConversationThread(QList<Message> messages, const QJsonObject& selection)
{
    setMessages(std::move(messages));
    setSelection(selection);
}

void ConversationThread::setMessages(QList<Message> messages)
{
    m_messages = std::move(messages);
    rebuildIndex();
}

void ConversationThread::rebuildIndex()
{
    std::sort(m_messages.begin(), m_messages.end(),
              [](const Message& a, const Message& b) { return a.id < b.id; });
    m_indexById.clear();
    m_children.clear();
    for (int i = 0; i < m_messages.size(); ++i)
        m_indexById.insert(m_messages[i].id, i);
    for (const Message& m : std::as_const(m_messages))
        m_children[effectiveParent(m)].append(m.id);
}

qint64 ConversationThread::effectiveParent(const Message& m) const
{
    // A parent that is missing (partial import, corrupt row) or the message itself makes it a root:
    // such a message stays visible instead of silently dropping out of the thread.
    return m.parentId != m.id && m_indexById.contains(m.parentId) ? m.parentId : 0;
}

void ConversationThread::setSelection(const QJsonObject& selection)
{
    m_selected.clear();
    for (auto it = selection.begin(); it != selection.end(); ++it) {
        bool ok = false;
        const qint64 parent = it.key().toLongLong(&ok);
        if (ok)
            m_selected.insert(parent, qint64(it.value().toDouble()));
    }
}

QJsonObject ConversationThread::selection() const
{
    QJsonObject o;
    for (auto it = m_selected.begin(); it != m_selected.end(); ++it) {
        const QList<qint64> kids = m_children.value(it.key());
        if (kids.size() > 1 && kids.contains(it.value()) && kids.last() != it.value())
            o.insert(QString::number(it.key()), double(it.value()));
    }
    return o;
}

qint64 ConversationThread::chosenChild(qint64 parentId) const
{
    const auto kids = m_children.constFind(parentId);
    if (kids == m_children.constEnd() || kids->isEmpty())
        return 0;
    const qint64 chosen = m_selected.value(parentId, 0);
    return chosen && kids->contains(chosen) ? chosen : kids->last();
}

QList<Message> ConversationThread::visible() const
{
    QList<Message> out;
    for (qint64 id = chosenChild(0); id != 0; id = chosenChild(id)) {
        out.append(m_messages.at(m_indexById.value(id)));
        if (out.size() > m_messages.size()) // defensive: a cycle in corrupt data
            break;
    }
    return out;
}

qint64 ConversationThread::leafId() const
{
    qint64 last = 0;
    int guard = 0;
    for (qint64 id = chosenChild(0); id != 0 && guard <= m_messages.size(); id = chosenChild(id), ++guard)
        last = id;
    return last;
}

QList<Message> ConversationThread::pathTo(qint64 messageId) const
{
    QList<Message> out;
    QSet<qint64> seen;
    for (const Message* m = find(messageId); m && !seen.contains(m->id);) {
        seen.insert(m->id);
        out.append(*m);
        const qint64 parent = effectiveParent(*m);
        m = parent ? find(parent) : nullptr;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

ConversationThread::Version ConversationThread::versionOf(qint64 messageId) const
{
    Version v;
    const Message* m = find(messageId);
    if (!m)
        return v;
    const QList<qint64> kids = m_children.value(effectiveParent(*m));
    const int i = int(kids.indexOf(messageId));
    v.count = int(kids.size());
    v.index = i + 1;
    v.previousId = i > 0 ? kids.at(i - 1) : 0;
    v.nextId = i + 1 < kids.size() ? kids.at(i + 1) : 0;
    return v;
}

void ConversationThread::select(qint64 messageId)
{
    if (const Message* m = find(messageId))
        m_selected.insert(effectiveParent(*m), messageId);
}

const Message* ConversationThread::find(qint64 id) const
{
    const auto it = m_indexById.constFind(id);
    return it == m_indexById.constEnd() ? nullptr : &m_messages.at(*it);
}

void ConversationThread::upsert(const Message& m)
{
    const auto it = m_indexById.constFind(m.id);
    if (it != m_indexById.constEnd()) {
        const qint64 oldParent = m_messages.at(*it).parentId;
        m_messages[*it] = m;
        if (oldParent == m.parentId)
            return;
    } else {
        m_messages.append(m);
    }
    rebuildIndex();
}

} // namespace anyrouter
