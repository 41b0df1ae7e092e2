// ConversationListModel: grouping by date and the header rows.
#include "ui/chat/ConversationListModel.h"

#include <QFont>

namespace anyrouter {

using namespace Qt::StringLiterals;

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

void ConversationListModel::setConversations(const QList<Conversation>& conversations, QDate today)
{
    m_all = conversations;
    m_today = today;
    rebuild();
}

void ConversationListModel::setHidden(const QSet<qint64>& ids)
{
    if (ids == m_hidden)
        return;
    m_hidden = ids;
    rebuild();
}

ConversationListModel::Group ConversationListModel::groupOf(const Conversation& c, QDate today)
{
    if (c.pinned)
        return Group::Pinned;
    const QDate d = c.updatedAt.isValid() ? c.updatedAt.toLocalTime().date() : today;
    const qint64 days = d.daysTo(today);
    if (days <= 0)
        return Group::Today;
    if (days == 1)
        return Group::Yesterday;
    if (days <= 7)
        return Group::Previous7Days;
    return Group::Older;
}

QString ConversationListModel::groupTitle(Group g)
{
    switch (g) {
    case Group::Pinned:
        return tr("Pinned");
    case Group::Today:
        return tr("Today");
    case Group::Yesterday:
        return tr("Yesterday");
    case Group::Previous7Days:
        return tr("Previous 7 days");
    case Group::Older:
        return tr("Older");
    }
    return {};
}

QString ConversationListModel::quickPromptBadge()
{
    return u"\u26A1"_s; // ⚡
}

QString ConversationListModel::quickPromptLabel()
{
    return tr("Quick prompt");
}

void ConversationListModel::rebuild()
{
    const QDate today = m_today.isValid() ? m_today : QDate::currentDate();
    QList<Conversation> visible;
    for (const Conversation& c : std::as_const(m_all))
        if (!m_hidden.contains(c.id))
            visible.append(c);
    // Pinned first, then newest first (the store's order, made explicit so grouping is stable).
    std::stable_sort(visible.begin(), visible.end(), [](const Conversation& a, const Conversation& b) {
        if (a.pinned != b.pinned)
            return a.pinned;
        return a.updatedAt > b.updatedAt;
    });
    beginResetModel();
    m_rows.clear();
    std::optional<Group> current;
    for (const Conversation& c : std::as_const(visible)) {
        const Group g = groupOf(c, today);
        if (!current || *current != g) {
            m_rows.append(Row{true, g, {}});
            current = g;
        }
        m_rows.append(Row{false, g, c});
    }
    endResetModel();
}

QModelIndex ConversationListModel::indexOfConversation(qint64 id) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (!m_rows[i].header && m_rows[i].conversation.id == id)
            return index(i);
    return {};
}

qint64 ConversationListModel::conversationId(const QModelIndex& index) const
{
    return data(index, ConversationIdRole).toLongLong();
}

std::optional<Conversation> ConversationListModel::conversationAt(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid) || m_rows[index.row()].header)
        return std::nullopt;
    return m_rows[index.row()].conversation;
}

int ConversationListModel::conversationCount() const
{
    return int(std::count_if(m_rows.begin(), m_rows.end(), [](const Row& r) { return !r.header; }));
}

int ConversationListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[index.row()];
    if (r.header) {
        switch (role) {
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole:
        case GroupRole:
            return groupTitle(r.group);
        case IsHeaderRole:
            return true;
        case ConversationIdRole:
            return qint64(0);
        case PinnedRole:
            return r.group == Group::Pinned;
        case QuickPromptRole:
            return false;
        case Qt::FontRole: {
            QFont f;
            f.setBold(true);
            f.setPointSizeF(f.pointSizeF() * 0.9);
            return f;
        }
        default:
            return {};
        }
    }
    const Conversation& c = r.conversation;
    const bool quick = c.origin == ConversationOrigin::QuickPrompt;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return c.title.isEmpty() ? tr("New chat") : c.title;
    case Qt::AccessibleTextRole: {
        QString text = c.pinned ? tr("%1 (pinned)").arg(c.title) : c.title;
        if (quick)
            text = tr("%1 (%2)").arg(text, quickPromptLabel());
        return text;
    }
    case Qt::ToolTipRole: {
        QString tip =
            tr("%1\nModel: %2\nLast activity: %3")
                .arg(c.title, c.model, QLocale().toString(c.updatedAt.toLocalTime(), QLocale::ShortFormat));
        if (quick)
            tip += u"\n"_s + tr("%1 Started in the quick prompt window").arg(quickPromptBadge());
        return tip;
    }
    case QuickPromptRole:
        return quick;
    case BadgeTextRole:
        return quick ? quickPromptBadge() : QString();
    case ConversationIdRole:
        return c.id;
    case IsHeaderRole:
        return false;
    case PinnedRole:
        return c.pinned;
    case GroupRole:
        return groupTitle(r.group);
    default:
        return {};
    }
}

bool ConversationListModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid) ||
        m_rows[index.row()].header)
        return false;
    const QString title = value.toString().simplified();
    if (title.isEmpty())
        return false;
    Row& r = m_rows[index.row()];
    if (r.conversation.title == title)
        return true;
    r.conversation.title = title;
    for (Conversation& c : m_all)
        if (c.id == r.conversation.id)
            c.title = title;
    emit dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole, Qt::AccessibleTextRole, Qt::ToolTipRole});
    emit titleEdited(r.conversation.id, title);
    return true;
}

Qt::ItemFlags ConversationListModel::flags(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return Qt::NoItemFlags;
    if (m_rows[index.row()].header)
        return Qt::ItemIsEnabled; // visible, never selected or edited
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(ConversationIdRole, "conversationId");
    names.insert(IsHeaderRole, "isHeader");
    names.insert(PinnedRole, "pinned");
    names.insert(GroupRole, "group");
    names.insert(QuickPromptRole, "quickPrompt");
    names.insert(BadgeTextRole, "badgeText");
    return names;
}

} // namespace anyrouter
