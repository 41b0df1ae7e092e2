// TranscriptView: see the header.
#include "ui/chat/TranscriptView.h"

#include "core/chat/ChatSession.h"
#include "ui/chat/MarkdownRenderer.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/TranscriptModel.h"

#include <QAbstractTextDocumentLayout>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLoggingCategory>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>

namespace anyrouter {

Q_LOGGING_CATEGORY(lcTranscript, "anyrouter.ui.transcript")

using namespace Qt::StringLiterals;

TranscriptView::TranscriptView(QWidget* parent)
    : QListView(parent), m_model(new TranscriptModel(this)), m_delegate(new MessageDelegate(this))
{
    setObjectName(u"transcriptView"_s);
    setAccessibleName(tr("Conversation transcript"));
    setAccessibleDescription(tr("Messages of the conversation. Up and Down move between messages, Enter "
                                "selects text, Ctrl+C copies the message, the Menu key offers more."));
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setUniformItemSizes(false);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setResizeMode(QListView::Adjust);
    setWordWrap(true);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    setMouseTracking(true);
    verticalScrollBar()->setSingleStep(24);
    setItemDelegate(m_delegate);
    setModel(m_model);

    connect(m_delegate, &MessageDelegate::rowHeightChanged, this, [this] { scheduleDelayedItemsLayout(); });
    connect(m_delegate, &MessageDelegate::contentAboveViewportResized, this, [this](int delta) {
        // Measured parts above the viewport changed height: scroll by as much once the new heights
        // are laid out, so the text being read does not move.
        if (!m_followBottom && !m_anchor.isValid())
            m_pendingScroll += delta;
    });
    connect(m_delegate, &MessageDelegate::textClicked, this, &TranscriptView::openSelectionEditor);
    connect(m_delegate, &MessageDelegate::editRequested, this, &TranscriptView::editRequested);
    connect(m_delegate, &MessageDelegate::workspaceSettingsRequested, this,
            &TranscriptView::workspaceSettingsRequested);
    connect(m_delegate, &MessageDelegate::retryRequested, this, [this] {
        QString error;
        if (m_session && !m_session->regenerate(&error))
            qCInfo(lcTranscript) << "retry refused:" << error;
    });
    connect(m_delegate, &MessageDelegate::versionRequested, this, [this](qint64 id) {
        if (m_session)
            m_session->selectVersion(id);
    });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        if (m_adjustingScroll)
            return;
        m_followBottom = value >= verticalScrollBar()->maximum() - 4;
        m_anchor = QPersistentModelIndex(); // the user scrolled: stop holding a jumped-to row
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &TranscriptView::onModelReset);
}

TranscriptView::~TranscriptView() = default;

void TranscriptView::setSession(ChatSession* session)
{
    closeSelectionEditor();
    m_session = session;
    m_delegate->clearCache();
    m_model->setSession(session);
}

void TranscriptView::onModelReset()
{
    m_editorIndex = QPersistentModelIndex();
    m_anchor = QPersistentModelIndex();
    m_delegate->setHighlight(0, {});
    m_followBottom = true;
    scheduleDelayedItemsLayout();
}

void TranscriptView::rowsInserted(const QModelIndex& parent, int start, int end)
{
    QListView::rowsInserted(parent, start, end);
    // A new turn (the prompt just sent) brings the view to the bottom, like any chat.
    m_followBottom = true;
    m_anchor = QPersistentModelIndex();
}

void TranscriptView::updateGeometries()
{
    QListView::updateGeometries();
    // setValue() below can re-enter here (valueChanged -> indexAt -> pending layout): adjust once.
    if (m_adjustingScroll)
        return;
    // Rows laid out for the first time change height (estimate -> exact); keep what the user is
    // looking at in place: the bottom while following the stream, or a row jumped to.
    m_adjustingScroll = true;
    if (m_followBottom)
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    else if (m_anchor.isValid())
        scrollTo(m_anchor, QAbstractItemView::PositionAtTop);
    else if (m_pendingScroll != 0)
        verticalScrollBar()->setValue(verticalScrollBar()->value() + m_pendingScroll);
    m_pendingScroll = 0;
    m_adjustingScroll = false;
}

void TranscriptView::scrollTo(const QModelIndex& index, ScrollHint hint)
{
    // A row taller than the viewport that already fills part of it is visible: QListView would jump
    // to its top (on every click into a long reply, since a click makes the row current).
    if (hint == EnsureVisible && index.isValid()) {
        const QRect r = visualRect(index);
        const MessageDelegate::Layout* layout = m_delegate->layoutFor(index);
        const QRect real(r.topLeft(), QSize(r.width(), layout ? layout->height : r.height()));
        if (real.height() > viewport()->height() && real.intersects(viewport()->rect()))
            return;
    }
    QListView::scrollTo(index, hint);
}

void TranscriptView::resizeEvent(QResizeEvent* event)
{
    QListView::resizeEvent(event);
    scheduleDelayedItemsLayout();
}

void TranscriptView::paintEvent(QPaintEvent* event)
{
    QListView::paintEvent(event);
    if (m_model->rowCount() == 0) {
        QPainter p(viewport());
        QColor c = palette().color(QPalette::Text);
        c.setAlphaF(0.55f);
        p.setPen(c);
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() + 1);
        p.setFont(f);
        p.drawText(viewport()->rect().adjusted(40, 0, -40, 0), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Start the conversation: type a message below and press Enter.\n"
                      "Replies appear here as they are written; code blocks get a Copy button."));
    }
    emit painted();
}

QString TranscriptView::plainTextAt(int row) const
{
    const Message* m = m_model->messageAt(row);
    return m ? MarkdownRenderer::toPlainText(m->content) : QString();
}

QString TranscriptView::markdownAt(int row) const
{
    const Message* m = m_model->messageAt(row);
    return m ? m->content : QString();
}

QString TranscriptView::lastReplyMarkdown() const
{
    for (int row = m_model->rowCount() - 1; row >= 0; --row) {
        const Message* m = m_model->messageAt(row);
        if (m->role == MessageRole::Assistant && !m->content.isEmpty())
            return m->content;
    }
    return {};
}

void TranscriptView::scrollToMessage(qint64 messageId, const QString& highlightText)
{
    const int row = m_model->rowForMessage(messageId);
    if (row < 0)
        return;
    const QModelIndex idx = m_model->index(row);
    m_followBottom = false;
    m_delegate->setHighlight(messageId, highlightText);
    // Lay the target out now, so scrolling uses its real height rather than an estimate.
    executeDelayedItemsLayout();
    m_delegate->layoutFor(idx);
    doItemsLayout();
    setCurrentIndex(idx);
    m_adjustingScroll = true;
    scrollTo(idx, QAbstractItemView::PositionAtTop);
    m_adjustingScroll = false;
    m_followBottom = false;
    m_anchor = idx;
}

QMenu* TranscriptView::openContextMenu(const QModelIndex& index, const QPoint& globalPos)
{
    if (!index.isValid())
        return nullptr;
    const int row = index.row();
    const Message* m = m_model->messageAt(row);
    if (!m)
        return nullptr;
    auto* menu = new QMenu(this);
    menu->setObjectName(u"transcriptContextMenu"_s);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    auto* copy = menu->addAction(tr("&Copy message"), this,
                                 [this, row] { QGuiApplication::clipboard()->setText(plainTextAt(row)); });
    copy->setObjectName(u"copyMessage"_s);
    auto* copyMd = menu->addAction(tr("Copy as &Markdown"), this,
                                   [this, row] { QGuiApplication::clipboard()->setText(markdownAt(row)); });
    copyMd->setObjectName(u"copyMarkdown"_s);
    auto* select =
        menu->addAction(tr("&Select text"), this, [this, row] { openSelectionEditor(m_model->index(row)); });
    select->setObjectName(u"selectText"_s);
    if (m->role == MessageRole::User) {
        const qint64 id = m->id;
        const QString text = m->content;
        menu->addSeparator();
        menu->addAction(tr("&Edit and resend"), this, [this, id, text] { emit editRequested(id, text); });
    }
    menu->popup(globalPos);
    return menu;
}

void TranscriptView::contextMenuEvent(QContextMenuEvent* event)
{
    QModelIndex idx;
    QPoint at = event->globalPos();
    if (event->reason() == QContextMenuEvent::Keyboard) {
        idx = currentIndex();
        const QRect r = visualRect(idx).intersected(viewport()->rect());
        at = viewport()->mapToGlobal(r.isValid() ? r.topLeft() + QPoint(24, 24) : QPoint(24, 24));
    } else {
        idx = indexAt(viewport()->mapFromGlobal(event->globalPos()));
    }
    if (idx.isValid()) {
        setCurrentIndex(idx);
        openContextMenu(idx, at);
        event->accept();
    }
}

void TranscriptView::keyPressEvent(QKeyEvent* event)
{
    const QModelIndex cur = currentIndex();
    if (event->matches(QKeySequence::Copy) && cur.isValid()) {
        QGuiApplication::clipboard()->setText(plainTextAt(cur.row()));
        event->accept();
        return;
    }
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_F2) &&
        cur.isValid()) {
        openSelectionEditor(cur);
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down) {
        // Move between messages; rows can be taller than the viewport, so show the row's top.
        const int row =
            cur.isValid() ? cur.row() + (event->key() == Qt::Key_Up ? -1 : 1) : m_model->rowCount() - 1;
        if (row >= 0 && row < m_model->rowCount()) {
            const QModelIndex next = m_model->index(row);
            setCurrentIndex(next);
            m_followBottom = false;
            m_anchor = QPersistentModelIndex();
            scrollTo(next, visualRect(next).height() > viewport()->height()
                               ? QAbstractItemView::PositionAtTop
                               : QAbstractItemView::EnsureVisible);
        }
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
}

void TranscriptView::mouseMoveEvent(QMouseEvent* event)
{
    QListView::mouseMoveEvent(event);
    // Say what a click will do: a hand over buttons and links, a text cursor over message text.
    Qt::CursorShape shape = Qt::ArrowCursor;
    const QPoint pos = event->position().toPoint();
    const QModelIndex idx = indexAt(pos);
    if (const MessageDelegate::Layout* layout = idx.isValid() ? m_delegate->layoutFor(idx) : nullptr) {
        const QPoint inRow = pos - visualRect(idx).topLeft();
        for (const auto& a : layout->actions) {
            if (a.part != -2 && a.rect.contains(inRow))
                shape = Qt::PointingHandCursor;
        }
        if (shape == Qt::ArrowCursor) {
            for (const auto& part : layout->parts) {
                if (!part.rect.contains(inRow) || !part.doc)
                    continue;
                const bool link =
                    !part.doc->documentLayout()->anchorAt(QPointF(inRow - part.docPos)).isEmpty();
                shape = link ? Qt::PointingHandCursor : Qt::IBeamCursor;
            }
        }
    }
    if (viewport()->cursor().shape() != shape)
        viewport()->setCursor(shape);
}

QWidget* TranscriptView::selectionEditor() const
{
    return m_editorIndex.isValid() ? indexWidget(m_editorIndex) : nullptr;
}

void TranscriptView::openSelectionEditor(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    if (m_editorIndex == index && selectionEditor())
        return;
    closeSelectionEditor();
    setCurrentIndex(index);
    m_editorIndex = index;
    openPersistentEditor(index);
    if (QWidget* editor = selectionEditor()) {
        editor->installEventFilter(this);
        editor->setFocus(Qt::MouseFocusReason);
    }
}

void TranscriptView::closeSelectionEditor()
{
    if (!m_editorIndex.isValid())
        return;
    const QPersistentModelIndex idx = m_editorIndex;
    m_editorIndex = QPersistentModelIndex();
    if (QWidget* editor = indexWidget(idx))
        editor->removeEventFilter(this);
    closePersistentEditor(idx);
}

bool TranscriptView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == selectionEditor()) {
        if (event->type() == QEvent::FocusOut) {
            // A popup (the browser's own context menu) keeps the selection open.
            if (static_cast<QFocusEvent*>(event)->reason() != Qt::PopupFocusReason)
                QTimer::singleShot(0, this, [this] {
                    QWidget* editor = selectionEditor();
                    if (editor && !editor->hasFocus())
                        closeSelectionEditor();
                });
        } else if (event->type() == QEvent::KeyPress &&
                   static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
            closeSelectionEditor();
            setFocus(Qt::OtherFocusReason);
            return true;
        }
    }
    return QListView::eventFilter(watched, event);
}

} // namespace anyrouter
