// ConversationSidebar: list, search, rename/pin/delete with undo.
#include "ui/chat/ConversationSidebar.h"

#include "core/storage/ConversationStore.h"
#include "ui/chat/ConversationListModel.h"

#include <QAbstractTextDocumentLayout>
#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

constexpr int kConversationIdRole = Qt::UserRole + 1;
constexpr int kMessageIdRole = Qt::UserRole + 2;
constexpr int kHtmlRole = Qt::UserRole + 3;

// Draws a search hit: the conversation title, then the snippet with the matched words in bold.
class HitDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        opt.text.clear();
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        QTextDocument doc;
        setup(doc, opt, index);
        painter->save();
        painter->translate(opt.rect.topLeft() + QPoint(4, 2));
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.palette = opt.palette;
        if (opt.state & QStyle::State_Selected)
            ctx.palette.setColor(QPalette::Text, opt.palette.color(QPalette::HighlightedText));
        ctx.clip = QRectF(0, 0, opt.rect.width() - 8, opt.rect.height() - 4);
        doc.documentLayout()->draw(painter, ctx);
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        QTextDocument doc;
        setup(doc, opt, index);
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 4);
    }

private:
    static void setup(QTextDocument& doc, const QStyleOptionViewItem& opt, const QModelIndex& index)
    {
        doc.setDefaultFont(opt.font);
        doc.setDocumentMargin(2);
        doc.setTextWidth(qMax(80, opt.rect.width() - 8));
        doc.setHtml(index.data(kHtmlRole).toString());
    }
};

// Rows as wide as the list, so long titles elide instead of scrolling sideways. A row with a badge
// (a quick-prompt conversation's ⚡) keeps room for it at the right end; the title elides before it.
class RowDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setWidth(1);
        s.setHeight(s.height() + 6);
        return s;
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        const QString badge = index.data(ConversationListModel::BadgeTextRole).toString();
        if (badge.isEmpty()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const int badgeWidth = opt.fontMetrics.horizontalAdvance(badge) + 8;
        // The style elides within the whole row; elide first so the title stops short of the badge.
        const QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
        const QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, opt.widget);
        opt.text =
            opt.fontMetrics.elidedText(opt.text, opt.textElideMode, qMax(0, textRect.width() - badgeWidth));
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        painter->save();
        const bool selected = opt.state & QStyle::State_Selected;
        painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::PlaceholderText));
        painter->setFont(opt.font);
        const QRect badgeRect(opt.rect.right() - badgeWidth, opt.rect.top(), badgeWidth - 4,
                              opt.rect.height());
        painter->drawText(badgeRect, Qt::AlignRight | Qt::AlignVCenter, badge);
        painter->restore();
    }
};

} // namespace

ConversationSidebar::ConversationSidebar(ConversationStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_model(new ConversationListModel(this))
{
    setAccessibleName(tr("Conversations"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    m_newChat = new QPushButton(tr("New chat"), this);
    m_newChat->setAccessibleName(tr("New chat"));
    m_newChat->setToolTip(tr("Start a new conversation (Ctrl+N)"));
    connect(m_newChat, &QPushButton::clicked, this, &ConversationSidebar::newChatRequested);
    layout->addWidget(m_newChat);

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search messages (Ctrl+F)"));
    m_search->setAccessibleName(tr("Search messages"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    layout->addWidget(m_search);

    m_searchState = new QLabel(this);
    m_searchState->setAccessibleName(tr("Search state"));
    m_searchState->setWordWrap(true);
    m_searchState->hide();
    layout->addWidget(m_searchState);

    m_list = new QListView(this);
    m_list->setModel(m_model);
    m_list->setAccessibleName(tr("Conversation list"));
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed); // F2; double-click opens
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setUniformItemSizes(true);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setItemDelegate(new RowDelegate(m_list));
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_list, 1);

    m_results = new QListWidget(this);
    m_results->setAccessibleName(tr("Search results"));
    m_results->setItemDelegate(new HitDelegate(m_results));
    m_results->setWordWrap(true);
    m_results->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_results->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_results->hide();
    layout->addWidget(m_results, 1);

    m_undoBar = new QWidget(this);
    auto* undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(0, 0, 0, 0);
    m_undoLabel = new QLabel(m_undoBar);
    m_undoButton = new QPushButton(tr("&Undo"), m_undoBar);
    m_undoButton->setAccessibleName(tr("Undo delete"));
    undoLayout->addWidget(m_undoLabel, 1);
    undoLayout->addWidget(m_undoButton);
    m_undoBar->hide();
    layout->addWidget(m_undoBar);
    connect(m_undoButton, &QPushButton::clicked, this, &ConversationSidebar::undoDelete);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &ConversationSidebar::runSearch);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.trimmed().isEmpty()) {
            m_debounce->stop();
            runSearch(); // back to the list at once
        } else {
            m_debounce->start();
        }
    });

    connect(m_list, &QListView::activated, this, &ConversationSidebar::activateRow);
    connect(m_list, &QListView::clicked, this, &ConversationSidebar::activateRow);
    connect(m_list, &QListView::customContextMenuRequested, this, &ConversationSidebar::showContextMenu);
    connect(m_results, &QListWidget::itemActivated, this, &ConversationSidebar::activateHit);
    connect(m_results, &QListWidget::itemClicked, this, &ConversationSidebar::activateHit);
    connect(m_model, &ConversationListModel::titleEdited, this, [this](qint64 id, const QString& title) {
        auto c = m_store->conversation(id);
        if (!c)
            return;
        c->title = title;
        if (m_store->updateConversation(*c))
            emit conversationEdited(id);
        else
            emit statusMessage(tr("Could not rename the conversation."));
    });

    // Keyboard: F2 (edit trigger), Delete, Ctrl+P pin — on the list only.
    auto* del = new QAction(tr("Delete"), m_list);
    del->setShortcut(QKeySequence::Delete);
    del->setShortcutContext(Qt::WidgetShortcut);
    connect(del, &QAction::triggered, this, [this] {
        if (const qint64 id = selectedConversation())
            deleteConversation(id);
    });
    m_list->addAction(del);
    auto* pin = new QAction(tr("Pin / unpin"), m_list);
    pin->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    pin->setShortcutContext(Qt::WidgetShortcut);
    connect(pin, &QAction::triggered, this, [this] {
        const QModelIndex idx = m_list->currentIndex();
        if (const qint64 id = m_model->conversationId(idx))
            setPinned(id, !idx.data(ConversationListModel::PinnedRole).toBool());
    });
    m_list->addAction(pin);
}

ConversationSidebar::~ConversationSidebar()
{
    commitPendingDeletes();
}

bool ConversationSidebar::eventFilter(QObject* watched, QEvent* event)
{
    // In the search box: Down walks into the hits, Enter opens the selected one, Esc clears.
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Down && m_results->isVisible() && m_results->count() > 0) {
            m_results->setFocus(Qt::TabFocusReason);
            return true;
        }
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && m_results->isVisible()) {
            if (m_debounce->isActive()) {
                m_debounce->stop();
                runSearch();
            }
            activateHit(m_results->currentItem());
            return true;
        }
        if (key->key() == Qt::Key_Escape && !m_search->text().isEmpty()) {
            m_search->clear();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ConversationSidebar::setSearchDebounceMs(int ms)
{
    m_debounce->setInterval(ms);
}

void ConversationSidebar::setWorkspace(const QString& workspaceId)
{
    commitPendingDeletes();
    m_workspaceId = workspaceId;
    m_current = 0;
    reload();
    if (!m_search->text().isEmpty())
        runSearch();
}

void ConversationSidebar::reload()
{
    // A reply finishing while the user renames in place must not pull the editor away.
    // (The in-place editor is the viewport's child that has the focus.)
    if (QWidget* f = QApplication::focusWidget(); f && f != m_list && m_list->viewport()->isAncestorOf(f)) {
        QTimer::singleShot(500, this, &ConversationSidebar::reload);
        return;
    }
    m_model->setConversations(m_workspaceId.isEmpty() ? QList<Conversation>{}
                                                      : m_store->conversations(m_workspaceId));
    setCurrentConversation(m_current);
}

void ConversationSidebar::setCurrentConversation(qint64 id)
{
    m_current = id;
    const QModelIndex idx = m_model->indexOfConversation(id);
    if (idx.isValid()) {
        m_list->setCurrentIndex(idx);
        m_list->scrollTo(idx);
    } else {
        m_list->clearSelection();
    }
}

void ConversationSidebar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void ConversationSidebar::renameConversation(qint64 id)
{
    const QModelIndex idx = m_model->indexOfConversation(id);
    if (!idx.isValid())
        return;
    if (!m_search->text().isEmpty())
        m_search->clear();
    m_list->setCurrentIndex(idx);
    m_list->setFocus();
    m_list->edit(idx);
}

void ConversationSidebar::setPinned(qint64 id, bool pinned)
{
    auto c = m_store->conversation(id);
    if (!c || c->pinned == pinned)
        return;
    c->pinned = pinned;
    if (!m_store->updateConversation(*c)) {
        emit statusMessage(tr("Could not change the pin."));
        return;
    }
    reload();
    emit conversationEdited(id);
}

void ConversationSidebar::deleteConversation(qint64 id)
{
    if (id == 0 || m_pending.contains(id))
        return;
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    timer->setInterval(m_undoMs);
    connect(timer, &QTimer::timeout, this, [this, id] { finishDelete(id); });
    m_pending.insert(id, timer);
    m_pendingOrder.append(id);
    timer->start();
    auto hidden = m_model->hidden();
    hidden.insert(id);
    m_model->setHidden(hidden);
    setCurrentConversation(m_current);
    updateUndoBar();
    emit conversationHidden(id);
    emit statusMessage(tr("Conversation deleted — Undo"));
    m_undoButton->setFocus(Qt::OtherFocusReason);
}

bool ConversationSidebar::undoDelete()
{
    if (m_pendingOrder.isEmpty())
        return false;
    const qint64 id = m_pendingOrder.takeLast();
    delete m_pending.take(id);
    auto hidden = m_model->hidden();
    hidden.remove(id);
    m_model->setHidden(hidden);
    setCurrentConversation(m_current);
    updateUndoBar();
    emit conversationRestored(id);
    emit statusMessage(tr("Conversation restored"));
    return true;
}

void ConversationSidebar::finishDelete(qint64 id)
{
    QTimer* t = m_pending.take(id);
    if (!t)
        return;
    t->deleteLater();
    m_pendingOrder.removeAll(id);
    if (!m_store->deleteConversation(id))
        emit statusMessage(tr("Could not delete the conversation."));
    auto hidden = m_model->hidden();
    hidden.remove(id);
    m_model->setHidden(hidden);
    reload();
    updateUndoBar();
}

void ConversationSidebar::commitPendingDeletes()
{
    const QList<qint64> ids = m_pendingOrder;
    for (qint64 id : ids)
        finishDelete(id);
}

void ConversationSidebar::updateUndoBar()
{
    const int n = int(m_pendingOrder.size());
    m_undoBar->setVisible(n > 0);
    m_undoLabel->setText(n > 1 ? tr("%n conversations deleted", nullptr, n) : tr("Conversation deleted"));
}

qint64 ConversationSidebar::selectedConversation() const
{
    return m_model->conversationId(m_list->currentIndex());
}

void ConversationSidebar::activateRow(const QModelIndex& index)
{
    if (const qint64 id = m_model->conversationId(index)) {
        m_current = id;
        emit conversationActivated(id);
    }
}

void ConversationSidebar::runSearch()
{
    const QString query = m_search->text().trimmed();
    m_results->clear();
    if (query.isEmpty() || m_workspaceId.isEmpty()) {
        m_results->hide();
        m_searchState->hide();
        m_list->show();
        return;
    }
    const QList<SearchHit> hits = m_store->search(m_workspaceId, query, 100);
    for (const SearchHit& hit : hits) {
        if (m_pending.contains(hit.conversationId))
            continue;
        const QString title = hit.conversationTitle.isEmpty() ? tr("New chat") : hit.conversationTitle;
        QString plain = hit.snippet;
        plain.remove(ConversationStore::kMatchStart).remove(ConversationStore::kMatchEnd);
        auto* item = new QListWidgetItem(title + u": "_s + plain, m_results);
        item->setData(kConversationIdRole, hit.conversationId);
        item->setData(kMessageIdRole, hit.messageId);
        item->setData(kHtmlRole,
                      QString(u"<div style='font-weight:600'>"_s + title.toHtmlEscaped() + u"</div><div>"_s +
                              ConversationStore::snippetToHtml(hit.snippet) + u"</div>"_s));
        item->setToolTip(plain);
    }
    m_searchState->setText(m_results->count() == 0 ? tr("No messages match “%1”.").arg(query)
                                                   : tr("%n match(es)", nullptr, m_results->count()));
    m_searchState->show();
    m_list->hide();
    m_results->show();
    if (m_results->count() > 0)
        m_results->setCurrentRow(0);
}

void ConversationSidebar::activateHit(QListWidgetItem* item)
{
    if (!item)
        return;
    const qint64 conv = item->data(kConversationIdRole).toLongLong();
    m_current = conv;
    emit searchHitActivated(conv, item->data(kMessageIdRole).toLongLong(), m_search->text().trimmed());
}

void ConversationSidebar::showContextMenu(const QPoint& pos)
{
    const QModelIndex idx = m_list->indexAt(pos);
    const qint64 id = m_model->conversationId(idx);
    // popup(), not exec(): no nested event loop while replies stream and the list reloads; actions
    // therefore look the row up by id when they run, never through an index taken before.
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("New chat"), this, &ConversationSidebar::newChatRequested);
    if (id) {
        const bool pinned = idx.data(ConversationListModel::PinnedRole).toBool();
        menu->addSeparator();
        menu->addAction(tr("Open"), this, [this, id] {
            const QModelIndex current = m_model->indexOfConversation(id);
            if (current.isValid())
                activateRow(current);
        });
        menu->addAction(tr("Rename\tF2"), this, [this, id] { renameConversation(id); });
        menu->addAction(pinned ? tr("Unpin\tCtrl+P") : tr("Pin\tCtrl+P"), this,
                        [this, id, pinned] { setPinned(id, !pinned); });
        menu->addSeparator();
        menu->addAction(tr("Delete\tDel"), this, [this, id] { deleteConversation(id); });
    }
    menu->popup(m_list->viewport()->mapToGlobal(pos));
}

} // namespace anyrouter
