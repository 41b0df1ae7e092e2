// ConversationListModel: the sidebar's list — a workspace's conversations grouped by date (Pinned,
// Today, Yesterday, Previous 7 days, Older) with a non-selectable header row before each group.
// Conversations awaiting a real delete (the undo window) are hidden here, not removed from the store.
// Conversations started in the quick prompt window carry a mark (QuickPromptRole, BadgeTextRole, and
// in their tooltip and accessible text).
#pragma once

#include "core/domain/Conversation.h"

#include <QAbstractListModel>
#include <QDate>
#include <QSet>

namespace anyrouter {

class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        ConversationIdRole = Qt::UserRole + 1, // qint64; 0 on header rows
        IsHeaderRole,                          // bool
        PinnedRole,                            // bool
        GroupRole,                             // QString: the group's title
        QuickPromptRole,                       // bool: started in the quick prompt window
        BadgeTextRole,                         // QString: the mark drawn after the title ("⚡"), or empty
    };
    enum class Group
    {
        Pinned,
        Today,
        Yesterday,
        Previous7Days,
        Older
    };

    explicit ConversationListModel(QObject* parent = nullptr);

    // `today` is injectable for tests; default: the local current date.
    void setConversations(const QList<Conversation>& conversations, QDate today = {});
    void setHidden(const QSet<qint64>& ids);
    QSet<qint64> hidden() const { return m_hidden; }

    QModelIndex indexOfConversation(qint64 id) const;
    qint64 conversationId(const QModelIndex& index) const;
    std::optional<Conversation> conversationAt(const QModelIndex& index) const;
    int conversationCount() const; // visible conversations (no headers)

    static Group groupOf(const Conversation& c, QDate today);
    static QString groupTitle(Group g);
    // The mark of a quick-prompt conversation: drawn after the title, and said by screen readers.
    static QString quickPromptBadge();
    static QString quickPromptLabel();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    // The user edited a title in place; the owner persists it.
    void titleEdited(qint64 conversationId, const QString& title);

private:
    struct Row
    {
        bool header = false;
        Group group = Group::Older;
        Conversation conversation;
    };
    void rebuild();

    QList<Conversation> m_all;
    QList<Row> m_rows;
    QSet<qint64> m_hidden;
    QDate m_today;
};

} // namespace anyrouter
