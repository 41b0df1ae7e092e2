// TranscriptModel: the visible thread of a ChatSession as a flat list model, one row per message.
// Keeps its own copy of the streaming reply (deltas appended) and announces it at most once per
// frame, for that one row only, so a fast stream never makes the view re-lay out the transcript.
#pragma once

#include "core/chat/ChatSession.h"
#include "core/domain/Conversation.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>
#include <QTimer>

namespace anyrouter {

class ChatSession;

class TranscriptModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles
    {
        MessageObjectRole = Qt::UserRole + 1, // QVariant<Message>
        MessageIdRole,
        VersionIndexRole,
        VersionCountRole,
        IsStreamingRole,
        RevisionRole,          // bumps whenever the row's message changes (layout cache key)
        PreviousVersionIdRole, // the sibling version before this one (0 = none)
        NextVersionIdRole,     // the sibling version after this one (0 = none)
        IsLeafRole,            // the last message of the visible thread (Retry is offered there)
        // Changes only when the content is replaced by text that does not extend it (see
        // contentGenerationAt): while it stays, the delegate re-splits the grown tail only.
        ContentGenerationRole,
    };

    explicit TranscriptModel(QObject* parent = nullptr);

    void setSession(ChatSession* session);
    ChatSession* session() const { return m_session; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowForMessage(qint64 id) const;
    const Message* messageAt(int row) const;
    quint64 revisionAt(int row) const;
    // Changes only when a row's content is replaced by text that does not extend it: while it stays
    // the same, the content only grew at its end (the delegate then re-splits the tail only).
    quint64 contentGenerationAt(int row) const;
    bool isStreamingRow(int row) const;
    // How many dataChanged signals the stream coalescing emitted (for tests and benchmarks).
    int streamUpdateCount() const { return m_streamUpdates; }
    void setFrameIntervalMs(int ms) { m_frame.setInterval(ms); }

private:
    void syncFromThread();
    void appendDelta(qint64 messageId, const QString& delta);
    void appendReasoning(qint64 messageId, const QString& delta);
    void finishReply(const Message& message);
    void flushStreamingRow();
    void rebuildIndex();

    QPointer<ChatSession> m_session;
    QList<Message> m_rows;
    QList<quint64> m_revisions;
    QList<quint64> m_generations;
    QHash<qint64, int> m_rowById;
    quint64 m_nextRevision = 1;
    qint64 m_pendingId = 0; // streaming message with deltas not yet announced
    QTimer m_frame;
    int m_streamUpdates = 0;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace anyrouter
