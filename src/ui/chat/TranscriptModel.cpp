// TranscriptModel: see the header. Structural changes (send, regenerate, switch version) arrive
// as ChatSession::threadChanged and are applied as row inserts/removals/changes when the new
// visible thread shares a prefix with the old one, so views keep their scroll position and
// their per-row caches; only an unrelated thread (another conversation) resets the model.
#include "ui/chat/TranscriptModel.h"

#include "core/chat/ChatSession.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

TranscriptModel::TranscriptModel(QObject* parent) : QAbstractListModel(parent)
{
    // One frame at 60 Hz: the stream's deltas are shown at most this often.
    m_frame.setInterval(16);
    m_frame.setSingleShot(true);
    connect(&m_frame, &QTimer::timeout, this, &TranscriptModel::flushStreamingRow);
}

void TranscriptModel::setSession(ChatSession* session)
{
    for (const auto& c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_frame.stop();
    m_pendingId = 0;
    m_session = session;
    beginResetModel();
    m_rows = session ? session->thread().visible() : QList<Message>{};
    m_revisions.clear();
    m_generations.clear();
    for (int i = 0; i < m_rows.size(); ++i) {
        m_revisions.append(m_nextRevision);
        m_generations.append(m_nextRevision++);
    }
    rebuildIndex();
    endResetModel();
    if (!session)
        return;
    m_connections << connect(session, &ChatSession::threadChanged, this, &TranscriptModel::syncFromThread);
    m_connections << connect(session, &ChatSession::replyDelta, this, &TranscriptModel::appendDelta);
    m_connections << connect(session, &ChatSession::reasoningDelta, this, &TranscriptModel::appendReasoning);
    m_connections << connect(session, &ChatSession::replyFinished, this, &TranscriptModel::finishReply);
    m_connections << connect(session, &QObject::destroyed, this, [this] { setSession(nullptr); });
}

int TranscriptModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TranscriptModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Message& m = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return m.content;
    case Qt::AccessibleTextRole: {
        const QString who = m.role == MessageRole::User ? tr("You") : tr("Assistant");
        return QString(who + u": "_s + m.content.left(500));
    }
    case Qt::AccessibleDescriptionRole: {
        QStringList parts;
        if (isStreamingRow(index.row()))
            parts << tr("streaming");
        if (m.status == MessageStatus::Error)
            parts << tr("error: %1").arg(m.errorText);
        else if (m.status == MessageStatus::Incomplete)
            parts << (m.errorCategory == u"cancelled"_s ? tr("stopped") : tr("interrupted"));
        if (m_session) {
            const auto v = m_session->thread().versionOf(m.id);
            if (v.count > 1)
                parts << tr("version %1 of %2").arg(v.index).arg(v.count);
        }
        if (m.role == MessageRole::Assistant && !m.model.isEmpty())
            parts << (m.servedModel.isEmpty() ? m.model : m.servedModel);
        return parts.join(u", "_s);
    }
    case MessageObjectRole:
        return QVariant::fromValue(m);
    case MessageIdRole:
        return m.id;
    case VersionIndexRole:
        return m_session ? m_session->thread().versionOf(m.id).index : 1;
    case VersionCountRole:
        return m_session ? m_session->thread().versionOf(m.id).count : 1;
    case PreviousVersionIdRole:
        return m_session ? m_session->thread().versionOf(m.id).previousId : 0;
    case NextVersionIdRole:
        return m_session ? m_session->thread().versionOf(m.id).nextId : 0;
    case IsLeafRole:
        return m_session && m.id != 0 && m_session->thread().leafId() == m.id;
    case ContentGenerationRole:
        return m_generations.at(index.row());
    case IsStreamingRole:
        return isStreamingRow(index.row());
    case RevisionRole:
        return m_revisions.at(index.row());
    default:
        return {};
    }
}

QHash<int, QByteArray> TranscriptModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(MessageObjectRole, "message");
    names.insert(MessageIdRole, "messageId");
    names.insert(VersionIndexRole, "versionIndex");
    names.insert(VersionCountRole, "versionCount");
    names.insert(IsStreamingRole, "isStreaming");
    names.insert(RevisionRole, "revision");
    names.insert(PreviousVersionIdRole, "previousVersionId");
    names.insert(NextVersionIdRole, "nextVersionId");
    names.insert(IsLeafRole, "isLeaf");
    names.insert(ContentGenerationRole, "contentGeneration");
    return names;
}

int TranscriptModel::rowForMessage(qint64 id) const
{
    return m_rowById.value(id, -1);
}

const Message* TranscriptModel::messageAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

quint64 TranscriptModel::revisionAt(int row) const
{
    return row >= 0 && row < m_revisions.size() ? m_revisions.at(row) : 0;
}

quint64 TranscriptModel::contentGenerationAt(int row) const
{
    return row >= 0 && row < m_generations.size() ? m_generations.at(row) : 0;
}

bool TranscriptModel::isStreamingRow(int row) const
{
    const Message* m = messageAt(row);
    return m && m->status == MessageStatus::Streaming && m_session && m_session->isStreaming() &&
           m_session->currentReply().id == m->id;
}

void TranscriptModel::rebuildIndex()
{
    m_rowById.clear();
    m_rowById.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows.at(i).id, i);
}

void TranscriptModel::syncFromThread()
{
    if (!m_session)
        return;
    QList<Message> next = m_session->thread().visible();
    // The thread's copy of a streaming reply lags behind (it is only written on flush): keep ours.
    for (Message& m : next) {
        const int row = rowForMessage(m.id);
        if (row >= 0 && m.status == MessageStatus::Streaming &&
            (m_rows.at(row).content.size() > m.content.size() ||
             m_rows.at(row).reasoning.size() > m.reasoning.size()))
            m = m_rows.at(row);
    }
    int prefix = 0;
    while (prefix < m_rows.size() && prefix < next.size() && m_rows.at(prefix).id == next.at(prefix).id)
        ++prefix;
    if (prefix == 0 && !m_rows.isEmpty() && !next.isEmpty()) {
        beginResetModel();
        m_rows = next;
        m_revisions.clear();
        m_generations.clear();
        for (int i = 0; i < m_rows.size(); ++i) {
            m_revisions.append(m_nextRevision);
            m_generations.append(m_nextRevision++);
        }
        rebuildIndex();
        endResetModel();
        return;
    }
    // Common prefix: refresh rows whose stored state moved on (and rows whose sibling count
    // changed: their ‹ n/m › needs repainting).
    for (int i = 0; i < prefix; ++i) {
        const Message& a = m_rows.at(i);
        const Message& b = next.at(i);
        if (a.content != b.content || a.status != b.status || a.updatedAt != b.updatedAt ||
            a.errorText != b.errorText || m_session->thread().versionOf(b.id).count > 1) {
            if (!b.content.startsWith(a.content))
                m_generations[i] = m_nextRevision;
            m_rows[i] = b;
            m_revisions[i] = m_nextRevision++;
            emit dataChanged(index(i), index(i));
        }
    }
    if (m_rows.size() > prefix) {
        beginRemoveRows({}, prefix, int(m_rows.size()) - 1);
        m_rows.resize(prefix);
        m_revisions.resize(prefix);
        m_generations.resize(prefix);
        rebuildIndex();
        endRemoveRows();
    }
    if (next.size() > prefix) {
        beginInsertRows({}, prefix, int(next.size()) - 1);
        for (qsizetype i = prefix; i < next.size(); ++i) {
            m_rows.append(next.at(i));
            m_revisions.append(m_nextRevision);
            m_generations.append(m_nextRevision++);
        }
        rebuildIndex();
        endInsertRows();
    }
}

void TranscriptModel::appendReasoning(qint64 messageId, const QString& delta)
{
    const int row = rowForMessage(messageId);
    if (row < 0)
        return;
    m_rows[row].reasoning += delta;
    m_pendingId = messageId;
    if (!m_frame.isActive())
        m_frame.start();
}

void TranscriptModel::appendDelta(qint64 messageId, const QString& delta)
{
    const int row = rowForMessage(messageId);
    if (row < 0)
        return;
    m_rows[row].content += delta;
    m_pendingId = messageId;
    if (!m_frame.isActive())
        m_frame.start();
}

void TranscriptModel::flushStreamingRow()
{
    const int row = rowForMessage(m_pendingId);
    m_pendingId = 0;
    if (row < 0)
        return;
    m_revisions[row] = m_nextRevision++;
    ++m_streamUpdates;
    emit dataChanged(index(row), index(row));
}

void TranscriptModel::finishReply(const Message& message)
{
    m_frame.stop();
    m_pendingId = 0;
    const int row = rowForMessage(message.id);
    if (row < 0) {
        syncFromThread();
        return;
    }
    if (!message.content.startsWith(m_rows.at(row).content))
        m_generations[row] = m_nextRevision;
    m_rows[row] = message; // the stored, authoritative text and figures
    m_revisions[row] = m_nextRevision++;
    emit dataChanged(index(row), index(row));
}

} // namespace anyrouter
