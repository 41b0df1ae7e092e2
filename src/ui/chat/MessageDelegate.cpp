// MessageDelegate: see the header. Geometry: every rect in a Layout is relative to the row's
// top-left, so a cached layout stays valid when rows above it change height.
#include "MessageDelegate.h"

#include "common/Format.h"

#include "ReplyLinkOpener.h"
#include "TranscriptModel.h"
#include "chat/ChatSession.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTextBrowser>
#include <QTextCursor>
#include <QToolTip>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMarginX = 16;
constexpr int kMarginY = 10;
constexpr int kGap = 6;
constexpr int kCodeHeaderPad = 4;

QFont monoFont(const QFont& base)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    f.setPointSizeF(qMax(6.0, base.pointSizeF() - 0.5));
    return f;
}

QFont smallFont(const QFont& base)
{
    QFont f = base;
    f.setPointSizeF(qMax(6.0, base.pointSizeF() - 1.0));
    return f;
}

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

QString formatCount(qint64 n)
{
    return QLocale().toString(n);
}

QString statsLine(const Message& m)
{
    QStringList bits;
    bits << (m.servedModel.isEmpty() ? m.model : m.servedModel);
    if (!m.provider.isEmpty())
        bits << QObject::tr("via %1").arg(m.provider);
    const Usage& u = m.usage;
    if (u.promptTokens || u.completionTokens) {
        QString t =
            QObject::tr("%1 in / %2 out")
                .arg(formatCount(u.promptTokens.value_or(0)), formatCount(u.completionTokens.value_or(0)));
        QStringList extra;
        if (u.cachedTokens && *u.cachedTokens > 0)
            extra << QObject::tr("%1 cached").arg(formatCount(*u.cachedTokens));
        if (u.reasoningTokens && *u.reasoningTokens > 0)
            extra << QObject::tr("%1 reasoning").arg(formatCount(*u.reasoningTokens));
        if (!extra.isEmpty())
            t += u" ("_s + extra.join(u", "_s) + u')';
        bits << t;
    }
    if (u.cost)
        bits << format::usd(*u.cost);
    if (m.ttftMs)
        bits << QObject::tr("TTFT %1 ms").arg(qRound(*m.ttftMs));
    if (m.tokensPerSecond)
        bits << QObject::tr("%1 tok/s").arg(*m.tokensPerSecond, 0, 'f', 1);
    bits.removeAll(QString());
    return bits.join(u"  ·  "_s);
}

} // namespace

MessageDelegate::MessageDelegate(QAbstractItemView* view) : QStyledItemDelegate(view), m_view(view) {}

MessageDelegate::~MessageDelegate() = default;

int MessageDelegate::viewportWidth() const
{
    return qMax(120, m_view->viewport()->width());
}

void MessageDelegate::clearCache()
{
    m_cache.clear();
    m_estimates.clear();
}

void MessageDelegate::setHighlight(qint64 messageId, const QString& text)
{
    m_highlightId = messageId;
    m_highlightText = text;
    m_view->viewport()->update();
}

void MessageDelegate::touch(qint64 id, std::shared_ptr<Layout> layout) const
{
    Entry& e = m_cache[id];
    e.layout = std::move(layout);
    e.lastUse = ++m_tick;
    if (m_cache.size() <= CacheCapacity)
        return;
    // Evict the least recently used quarter at once, so eviction cost is amortised.
    QList<quint64> uses;
    uses.reserve(m_cache.size());
    for (auto it = m_cache.cbegin(); it != m_cache.cend(); ++it)
        uses.append(it->lastUse);
    std::sort(uses.begin(), uses.end());
    const quint64 cutoff = uses.at(uses.size() - CacheCapacity * 3 / 4);
    for (auto it = m_cache.begin(); it != m_cache.end();)
        it = it->lastUse < cutoff ? m_cache.erase(it) : std::next(it);
}

int MessageDelegate::estimateHeight(const Message& m, int width) const
{
    const QFontMetrics fm(m_view->font());
    const int textW = qMax(40, width - 2 * kMarginX);
    const int charsPerLine = qMax(10, textW / qMax(1, fm.averageCharWidth()));
    const qsizetype newlines = m.content.count(u'\n');
    const qsizetype lines = newlines + m.content.size() / charsPerLine + 1;
    int h = 2 * kMarginY + fm.height() + kGap + int(lines) * fm.lineSpacing();
    if (m.role == MessageRole::Assistant)
        h += 2 * (fm.height() + kGap);
    return h;
}

std::shared_ptr<MessageDelegate::Layout> MessageDelegate::buildLayout(const TranscriptModel* model, int row,
                                                                      int width,
                                                                      std::shared_ptr<Layout> previous) const
{
    const Message& m = *model->messageAt(row);
    ++m_totalLayouts;
    if (previous)
        ++m_relayouts[m.id];
    auto L = std::make_shared<Layout>();
    L->id = m.id;
    L->revision = model->revisionAt(row);
    L->width = width;
    L->streaming = model->isStreamingRow(row);
    const QFont base = m_view->font();
    const QFont small = smallFont(base);
    const QFont mono = monoFont(base);
    const QFontMetrics fm(base);
    const QFontMetrics sfm(small);
    const QPalette pal = m_view->palette();
    const int textW = qMax(40, width - 2 * kMarginX);
    int y = kMarginY;

    // Header: who, and for replies the model (or that it is still arriving).
    L->who = m.role == MessageRole::User ? tr("You") : tr("Assistant");
    if (m.role == MessageRole::Assistant) {
        L->headerDetail = m.servedModel.isEmpty() ? m.model : m.servedModel;
        if (L->streaming)
            L->headerDetail += (L->headerDetail.isEmpty() ? QString() : u"  ·  "_s) + tr("writing…");
    }
    L->headerRect = QRect(kMarginX, y, textW, fm.height());
    y += fm.height() + kGap;

    if (!m.reasoning.isEmpty()) {
        const bool expanded = m_expandedReasoning.contains(m.id);
        L->reasoningLine = (expanded ? u"▾ "_s : u"▸ "_s) +
                           tr("Reasoning (%n words)", nullptr, int(m.reasoning.count(u' ') + 1));
        L->reasoningRect = QRect(kMarginX, y, sfm.horizontalAdvance(L->reasoningLine) + 8, sfm.height());
        Action a;
        a.kind = ActionKind::ToggleReasoning;
        a.rect = L->reasoningRect;
        L->actions.push_back(a);
        y += sfm.height() + kGap;
        if (expanded) {
            L->reasoning = std::make_unique<SafeTextDocument>();
            L->reasoning->setDefaultFont(small);
            L->reasoning->setDocumentMargin(0);
            L->reasoning->setPlainText(m.reasoning);
            L->reasoning->setTextWidth(textW - 12);
            const int h = qCeil(L->reasoning->size().height());
            L->reasoningRect.setHeight(sfm.height() + kGap + h);
            y += h + kGap;
        }
    }

    // Content parts: reuse documents of unchanged segments (a streaming reply only grows at its tail).
    const QList<MarkdownSegment> segments = MarkdownRenderer::split(m.content);
    std::vector<Part> old;
    if (previous) // at another width too: re-wrapping a parsed document is cheaper than re-parsing
        old = std::move(previous->parts);
    const int textTop = y;
    for (int i = 0; i < segments.size(); ++i) {
        Part p;
        p.segment = segments.at(i);
        if (i < int(old.size()) && old[i].segment == p.segment && old[i].doc) {
            p.doc = std::move(old[i].doc);
        } else {
            p.doc = std::make_unique<SafeTextDocument>();
            if (p.segment.kind == MarkdownSegment::Kind::Code)
                MarkdownRenderer::renderCode(p.doc.get(), p.segment.text, p.segment.language, mono, pal);
            else
                MarkdownRenderer::renderProse(p.doc.get(), p.segment.text, base);
        }
        if (p.segment.kind == MarkdownSegment::Kind::Code) {
            const int headerH = sfm.height() + 2 * kCodeHeaderPad;
            if (p.doc->textWidth() != textW) // setTextWidth re-lays out even when unchanged
                p.doc->setTextWidth(textW);
            const int h = qCeil(p.doc->size().height());
            p.rect = QRect(kMarginX, y, textW, headerH + h);
            p.docPos = QPoint(kMarginX, y + headerH);
            Action copy;
            copy.kind = ActionKind::CopyCode;
            copy.part = i;
            copy.label = tr("Copy");
            const int cw = sfm.horizontalAdvance(copy.label) + 16;
            copy.rect = QRect(kMarginX + textW - cw - 4, y + 2, cw, headerH - 4);
            L->actions.push_back(copy);
        } else {
            if (p.doc->textWidth() != textW) // setTextWidth re-lays out even when unchanged
                p.doc->setTextWidth(textW);
            const int h = qCeil(p.doc->size().height());
            p.rect = QRect(kMarginX, y, textW, h);
            p.docPos = p.rect.topLeft();
        }
        y += p.rect.height() + kGap;
        L->parts.push_back(std::move(p));
    }
    if (segments.isEmpty() && L->streaming)
        y += fm.lineSpacing() + kGap; // room for the "waiting" dots
    L->textRect = QRect(kMarginX, textTop, textW, qMax(0, y - textTop - kGap));

    // Status: stopped / interrupted / error, in plain words.
    if (m.status == MessageStatus::Incomplete || m.status == MessageStatus::Error) {
        L->isError = m.status == MessageStatus::Error;
        const bool stopped = m.errorCategory == u"cancelled"_s;
        L->badge = L->isError ? tr("Error") : stopped ? tr("Stopped") : tr("Interrupted");
        L->statusText = stopped ? QString() : m.errorText;
        const int badgeW = sfm.horizontalAdvance(L->badge) + 14;
        const QRect textBox =
            sfm.boundingRect(QRect(0, 0, textW - badgeW - 8, 10000), Qt::TextWordWrap, L->statusText);
        L->statusRect = QRect(kMarginX, y, textW, qMax(sfm.height() + 4, textBox.height() + 4));
        y += L->statusRect.height() + kGap;
    }

    // Stats line (replies that finished).
    if (m.role == MessageRole::Assistant && !L->streaming && m.status != MessageStatus::Streaming) {
        L->stats = statsLine(m);
        if (!L->stats.isEmpty()) {
            const QRect box = sfm.boundingRect(QRect(0, 0, textW, 10000), Qt::TextWordWrap, L->stats);
            L->statsRect = QRect(kMarginX, y, textW, box.height());
            y += box.height() + kGap;
        }
    }

    // Action row.
    std::vector<Action> bar;
    const ChatSession* session = model->session();
    if (session && m.id != 0) {
        const auto v = session->thread().versionOf(m.id);
        if (v.count > 1) {
            Action prev;
            prev.kind = ActionKind::PreviousVersion;
            prev.label = u"‹"_s;
            prev.target = v.previousId;
            Action label;
            label.kind = ActionKind::CopyMessage; // placeholder kind for the "2/3" text; not clickable
            label.label = u"%1/%2"_s.arg(v.index).arg(v.count);
            label.part = -2;
            Action next;
            next.kind = ActionKind::NextVersion;
            next.label = u"›"_s;
            next.target = v.nextId;
            bar.push_back(prev);
            bar.push_back(label);
            bar.push_back(next);
        }
    }
    if (!L->streaming) {
        if (m.role == MessageRole::User) {
            Action edit;
            edit.kind = ActionKind::Edit;
            edit.label = tr("Edit");
            bar.push_back(edit);
        }
        const bool isLeaf = session && session->thread().leafId() == m.id;
        if (m.role == MessageRole::Assistant && isLeaf &&
            (m.status == MessageStatus::Error || m.status == MessageStatus::Incomplete)) {
            Action retry;
            retry.kind = ActionKind::Retry;
            retry.label = tr("Retry");
            bar.push_back(retry);
        }
        if (m.status == MessageStatus::Error &&
            (m.errorCategory == u"auth"_s || m.errorCategory == u"permission"_s)) {
            Action ws;
            ws.kind = ActionKind::WorkspaceSettings;
            ws.label = tr("Workspace settings…");
            bar.push_back(ws);
        }
        if (!m.content.isEmpty()) {
            Action copy;
            copy.kind = ActionKind::CopyMessage;
            copy.label = tr("Copy");
            bar.push_back(copy);
        }
    }
    if (!bar.empty()) {
        int x = kMarginX;
        const int h = sfm.height() + 6;
        for (Action& a : bar) {
            const int w = sfm.horizontalAdvance(a.label) + (a.part == -2 ? 6 : 16);
            a.rect = QRect(x, y, w, h);
            x += w + 4;
            L->actions.push_back(a); // part == -2 (the "2/3" text) is drawn but not hit-tested
        }
        y += h + kGap;
    }
    L->height = y - kGap + kMarginY;
    return L;
}

const MessageDelegate::Layout* MessageDelegate::layoutFor(const QModelIndex& index) const
{
    const auto* model = qobject_cast<const TranscriptModel*>(index.model());
    if (!model)
        return nullptr;
    const Message* m = model->messageAt(index.row());
    if (!m)
        return nullptr;
    const int width = viewportWidth();
    const quint64 rev = model->revisionAt(index.row());
    auto it = m_cache.find(m->id);
    if (it != m_cache.end() && it->layout->revision == rev && it->layout->width == width &&
        it->layout->streaming == model->isStreamingRow(index.row())) {
        it->lastUse = ++m_tick;
        return it->layout.get();
    }
    std::shared_ptr<Layout> previous = it != m_cache.end() ? it->layout : nullptr;
    auto L = buildLayout(model, index.row(), width, previous);
    const Layout* raw = L.get();
    touch(m->id, std::move(L));
    return raw;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex& index) const
{
    const auto* model = qobject_cast<const TranscriptModel*>(index.model());
    const Message* m = model ? model->messageAt(index.row()) : nullptr;
    if (!m)
        return {};
    const int width = viewportWidth();
    // Never lays out here: the view asks for every row on each layout pass. A painted row's exact
    // height is cached; a changed row keeps its last height until it is painted again.
    const auto it = m_cache.constFind(m->id);
    if (it != m_cache.cend() && it->layout->width == width)
        return QSize(width, it->layout->height);
    Estimate& e = m_estimates[m->id];
    const quint64 rev = model->revisionAt(index.row());
    if (e.revision != rev || e.width != width) {
        e.revision = rev;
        e.width = width;
        e.height = estimateHeight(*m, width);
    }
    return QSize(width, e.height);
}

void MessageDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                            const QModelIndex& index) const
{
    const Layout* L = layoutFor(index);
    if (!L)
        return;
    const auto* model = static_cast<const TranscriptModel*>(index.model());
    const Message& m = *model->messageAt(index.row());
    if (L->height != option.rect.height())
        QMetaObject::invokeMethod(const_cast<MessageDelegate*>(this), &MessageDelegate::rowHeightChanged,
                                  Qt::QueuedConnection);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = option.palette;
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor dim = mix(text, base, 0.45);
    const QColor accent = pal.color(QPalette::Highlight);
    const QRect r = option.rect;
    painter->fillRect(r, base);
    if (m.role == MessageRole::User)
        painter->fillRect(r.adjusted(0, 1, 0, -1), mix(base, accent, 0.07));
    if (option.state & QStyle::State_HasFocus || option.state & QStyle::State_Selected) {
        painter->setPen(QPen(accent, 2));
        painter->drawLine(r.left() + 3, r.top() + 4, r.left() + 3, r.bottom() - 4);
    }
    painter->translate(r.topLeft());
    const QFont small = smallFont(option.font);

    // Header.
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(text);
    painter->drawText(L->headerRect, Qt::AlignLeft | Qt::AlignVCenter, L->who);
    const int whoW = QFontMetrics(bold).horizontalAdvance(L->who);
    painter->setFont(small);
    painter->setPen(dim);
    painter->drawText(L->headerRect.adjusted(whoW + 10, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                      L->headerDetail);

    if (!L->reasoningLine.isEmpty()) {
        painter->setPen(dim);
        const int lineH = QFontMetrics(small).height();
        painter->drawText(QRect(L->reasoningRect.topLeft(), QSize(L->reasoningRect.width(), lineH)),
                          Qt::AlignLeft | Qt::AlignVCenter, L->reasoningLine);
        if (L->reasoning) {
            const QPoint at = L->reasoningRect.topLeft() + QPoint(12, lineH + kGap);
            painter->fillRect(QRect(at.x() - 8, at.y(), 2, qCeil(L->reasoning->size().height())), dim);
            painter->save();
            painter->translate(at);
            QAbstractTextDocumentLayout::PaintContext ctx;
            ctx.palette = pal;
            ctx.palette.setColor(QPalette::Text, dim);
            L->reasoning->documentLayout()->draw(painter, ctx);
            painter->restore();
        }
    }

    // Content.
    // Only what is on screen: a streaming reply can be many screens tall, and a paint must not
    // cost more than the visible part of it.
    // option.rect is in viewport coordinates.
    const QRect visibleInRow =
        QRect(QPoint(0, 0), r.size()) & QRect(-r.topLeft(), m_view->viewport()->size());
    for (int i = 0; i < int(L->parts.size()); ++i) {
        const Part& p = L->parts[size_t(i)];
        if (!p.rect.intersects(visibleInRow))
            continue;
        if (p.segment.kind == MarkdownSegment::Kind::Code) {
            QPainterPath box;
            box.addRoundedRect(QRectF(p.rect), 6, 6);
            painter->fillPath(box, mix(base, text, 0.06));
            painter->setPen(QPen(mix(base, text, 0.15), 1));
            painter->drawPath(box);
            const int headerH = p.docPos.y() - p.rect.top();
            painter->drawLine(p.rect.left(), p.rect.top() + headerH, p.rect.right(), p.rect.top() + headerH);
            painter->setFont(small);
            painter->setPen(dim);
            painter->drawText(QRect(p.rect.left() + 8, p.rect.top(), p.rect.width() / 2, headerH),
                              Qt::AlignLeft | Qt::AlignVCenter,
                              MarkdownRenderer::languageLabel(p.segment.language));
        }
        painter->save();
        painter->translate(p.docPos);
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.palette = pal;
        ctx.clip = QRectF(visibleInRow.translated(-p.docPos));
        if (m.id == m_highlightId && !m_highlightText.isEmpty()) {
            QTextCharFormat hl;
            hl.setBackground(QColor(255, 214, 0, 150));
            for (QTextCursor c = p.doc->find(m_highlightText); !c.isNull();
                 c = p.doc->find(m_highlightText, c)) {
                QAbstractTextDocumentLayout::Selection s;
                s.cursor = c;
                s.format = hl;
                ctx.selections.append(s);
            }
        }
        p.doc->documentLayout()->draw(painter, ctx);
        painter->restore();
    }
    if (L->parts.empty() && L->streaming) {
        painter->setPen(dim);
        painter->setFont(option.font);
        painter->drawText(L->textRect.adjusted(0, 0, 0, QFontMetrics(option.font).lineSpacing()),
                          Qt::AlignLeft | Qt::AlignTop, u"●●●"_s);
    }

    // Status badge and error text.
    if (!L->badge.isEmpty()) {
        painter->setFont(small);
        const QFontMetrics sfm(small);
        const QColor badgeColor = L->isError ? QColor(0xc6, 0x28, 0x28) : QColor(0xb2, 0x6a, 0x00);
        const int badgeW = sfm.horizontalAdvance(L->badge) + 14;
        const QRect badge(L->statusRect.left(), L->statusRect.top(), badgeW, sfm.height() + 4);
        QPainterPath pill;
        pill.addRoundedRect(QRectF(badge), 4, 4);
        painter->fillPath(pill, mix(base, badgeColor, 0.18));
        painter->setPen(badgeColor);
        painter->drawText(badge, Qt::AlignCenter, L->badge);
        painter->setPen(L->isError ? badgeColor : dim);
        painter->drawText(L->statusRect.adjusted(badgeW + 8, 2, 0, 0), Qt::TextWordWrap | Qt::AlignLeft,
                          L->statusText);
    }
    if (!L->stats.isEmpty()) {
        painter->setFont(small);
        painter->setPen(dim);
        painter->drawText(L->statsRect, Qt::TextWordWrap | Qt::AlignLeft, L->stats);
    }

    // Actions (Copy buttons in code headers and the row's action bar).
    painter->setFont(small);
    for (const Action& a : L->actions) {
        if (a.kind == ActionKind::ToggleReasoning)
            continue;
        if (a.part == -2) {
            painter->setPen(dim);
            painter->drawText(a.rect, Qt::AlignCenter, a.label);
            continue;
        }
        const bool enabled =
            !(a.kind == ActionKind::PreviousVersion || a.kind == ActionKind::NextVersion) || a.target != 0;
        QPainterPath btn;
        btn.addRoundedRect(QRectF(a.rect), 4, 4);
        painter->setPen(QPen(mix(base, text, 0.2), 1));
        painter->drawPath(btn);
        painter->setPen(enabled ? (a.kind == ActionKind::Retry ? accent : text) : mix(text, base, 0.7));
        painter->drawText(a.rect, Qt::AlignCenter, a.label);
    }
    painter->restore();
}

bool MessageDelegate::editorEvent(QEvent* event, QAbstractItemModel*, const QStyleOptionViewItem& option,
                                  const QModelIndex& index)
{
    if (event->type() != QEvent::MouseButtonRelease)
        return false;
    auto* me = static_cast<QMouseEvent*>(event);
    if (me->button() != Qt::LeftButton)
        return false;
    const Layout* L = layoutFor(index);
    if (!L)
        return false;
    const auto* model = static_cast<const TranscriptModel*>(index.model());
    const Message* m = model->messageAt(index.row());
    const QPoint pos = me->position().toPoint() - option.rect.topLeft();
    for (const Action& a : L->actions) {
        if (a.part == -2 || !a.rect.contains(pos))
            continue;
        switch (a.kind) {
        case ActionKind::CopyCode: {
            const QString code = L->parts.at(size_t(a.part)).segment.text;
            QGuiApplication::clipboard()->setText(code);
            emit codeCopied(code);
            break;
        }
        case ActionKind::PreviousVersion:
        case ActionKind::NextVersion:
            if (a.target)
                emit versionRequested(a.target);
            break;
        case ActionKind::Edit:
            emit editRequested(m->id, m->content);
            break;
        case ActionKind::Retry:
            emit retryRequested();
            break;
        case ActionKind::WorkspaceSettings:
            emit workspaceSettingsRequested();
            break;
        case ActionKind::ToggleReasoning:
            if (!m_expandedReasoning.remove(m->id))
                m_expandedReasoning.insert(m->id);
            m_cache.remove(m->id);
            emit rowHeightChanged();
            break;
        case ActionKind::CopyMessage:
            QGuiApplication::clipboard()->setText(MarkdownRenderer::toPlainText(m->content));
            break;
        }
        return true;
    }
    for (const Part& p : L->parts) {
        if (!p.rect.contains(pos))
            continue;
        const QString href = p.doc->documentLayout()->anchorAt(QPointF(pos - p.docPos));
        if (!href.isEmpty()) {
            // A reply's link opens only after the user saw its target, and only for web/e-mail.
            ReplyLinkOpener::request(m_view, href);
            return true;
        }
    }
    if (L->textRect.contains(pos)) {
        emit textClicked(index);
        return true;
    }
    return false;
}

bool MessageDelegate::helpEvent(QHelpEvent* event, QAbstractItemView* view,
                                const QStyleOptionViewItem& option, const QModelIndex& index)
{
    const Layout* L = layoutFor(index);
    if (L && event->type() == QEvent::ToolTip) {
        const QPoint pos = event->pos() - option.rect.topLeft();
        for (const Part& p : L->parts) {
            if (!p.rect.contains(pos))
                continue;
            const QString href = p.doc->documentLayout()->anchorAt(QPointF(pos - p.docPos));
            if (!href.isEmpty()) {
                QToolTip::showText(event->globalPos(), href, view);
                return true;
            }
        }
    }
    return QStyledItemDelegate::helpEvent(event, view, option, index);
}

QRect MessageDelegate::actionRect(const QModelIndex& index, ActionKind kind, int part) const
{
    const Layout* L = layoutFor(index);
    if (!L)
        return {};
    const QRect row = m_view->visualRect(index);
    int seen = 0;
    for (const Action& a : L->actions) {
        if (a.kind != kind || a.part == -2)
            continue;
        if (kind == ActionKind::CopyCode ? a.part == part : seen++ == part)
            return a.rect.translated(row.topLeft());
    }
    return {};
}

QWidget* MessageDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const
{
    auto* browser = new QTextBrowser(parent);
    browser->setObjectName(u"transcriptSelectionEditor"_s);
    // QTextBrowser would load local files for images and stylesheets and follow links by itself:
    // give it a document that loads nothing, and route links through the same check as the row.
    browser->setDocument(new SafeTextDocument(browser));
    browser->setOpenLinks(false);
    browser->setOpenExternalLinks(false);
    connect(browser, &QTextBrowser::anchorClicked, browser,
            [this](const QUrl& url) { ReplyLinkOpener::request(m_view, url.toString()); });
    browser->setReadOnly(true);
    browser->setFrameShape(QFrame::NoFrame);
    browser->setTextInteractionFlags(Qt::TextBrowserInteraction | Qt::TextSelectableByKeyboard);
    browser->setAccessibleName(tr("Message text"));
    browser->document()->setDocumentMargin(0);
    return browser;
}

void MessageDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const
{
    auto* browser = qobject_cast<QTextBrowser*>(editor);
    const auto* model = qobject_cast<const TranscriptModel*>(index.model());
    if (!browser || !model || !model->messageAt(index.row()))
        return;
    auto* doc = qobject_cast<SafeTextDocument*>(browser->document());
    if (!doc)
        return; // never: createEditor() gave it one; a plain document would load what the reply names
    doc->setDefaultFont(m_view->font());
    doc->setSafeMarkdown(model->messageAt(index.row())->content);
}

void MessageDelegate::updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option,
                                           const QModelIndex& index) const
{
    const Layout* L = layoutFor(index);
    if (!L) {
        editor->setGeometry(option.rect);
        return;
    }
    // Cover the text area only, so the action buttons below stay visible.
    editor->setGeometry(L->textRect.translated(option.rect.topLeft()).adjusted(0, 0, 0, 0));
}

} // namespace anyrouter
