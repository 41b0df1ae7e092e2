// MessageDelegate: see the header. Geometry: every rect in a Layout is relative to the row's
// top-left, so a cached layout stays valid when rows above it change height.
#include "ui/chat/MessageDelegate.h"

#include "ui/chat/MessageLayout.h"
#include "ui/chat/ReplyLinkOpener.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/common/Format.h"
#include "ui/common/Palette.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QClipboard>
#include <QElapsedTimer>
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

namespace ml = MessageLayout;
constexpr int kMarginX = ml::MarginX;
constexpr int kGap = ml::Gap;
constexpr char kEditorRectProperty[] = "anyrouterEditorRect";

// The row's message and figures, read from the model's roles (any model offering them will do).
Message messageOf(const QModelIndex& index)
{
    return index.data(TranscriptModel::MessageObjectRole).value<Message>();
}
qint64 idOf(const QModelIndex& index)
{
    return index.data(TranscriptModel::MessageIdRole).toLongLong();
}
quint64 revisionOf(const QModelIndex& index)
{
    return index.data(TranscriptModel::RevisionRole).toULongLong();
}
bool streamingOf(const QModelIndex& index)
{
    return index.data(TranscriptModel::IsStreamingRole).toBool();
}

ml::FontFigures figures(const QFont& font)
{
    const QFontMetrics fm(font);
    return {fm.height(), fm.lineSpacing(), fm.averageCharWidth()};
}

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
    // A figure the gateway sent but that failed validation (Usage::rejected) reads "unknown".
    const auto count = [&u](const std::optional<qint64>& v, QStringView field) {
        return u.hasRejected(field) ? QObject::tr("unknown") : formatCount(v.value_or(0));
    };
    if (u.promptTokens || u.completionTokens || u.hasRejected(u"prompt_tokens") ||
        u.hasRejected(u"completion_tokens")) {
        QString t = QObject::tr("%1 in / %2 out")
                        .arg(count(u.promptTokens, u"prompt_tokens"),
                             count(u.completionTokens, u"completion_tokens"));
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
    else if (u.hasRejected(u"cost"))
        bits << QObject::tr("cost unknown");
    // Bounded before qRound(): qRound(1e308) is undefined behaviour.
    if (const auto ttft = Usage::validDurationMs(m.ttftMs))
        bits << QObject::tr("TTFT %1 ms").arg(qRound(*ttft));
    if (const auto tps = Usage::validTokensPerSecond(m.tokensPerSecond))
        bits << QObject::tr("%1 tok/s").arg(*tps, 0, 'f', 1);
    bits.removeAll(QString());
    return bits.join(u"  ·  "_s);
}

} // namespace

MessageDelegate::MessageDelegate(QAbstractItemView* view)
    : QStyledItemDelegate(view), m_view(view), m_refine(new QTimer(this))
{
    m_refine->setSingleShot(true);
    m_refine->setInterval(0);
    connect(m_refine, &QTimer::timeout, this, &MessageDelegate::refineStep);
}

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

void MessageDelegate::touch(qint64 id, const QModelIndex& index, std::shared_ptr<Layout> layout) const
{
    Entry& e = m_cache[id];
    e.layout = std::move(layout);
    e.index = index;
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
    return ml::estimateRowHeight(m.content, m.role == MessageRole::Assistant, width, figures(m_view->font()));
}

std::shared_ptr<MessageDelegate::Layout> MessageDelegate::buildLayout(const QModelIndex& index,
                                                                      const Message& m, int width,
                                                                      std::shared_ptr<Layout> previous) const
{
    ++m_totalLayouts;
    if (previous)
        ++m_relayouts[m.id];
    auto L = std::make_shared<Layout>();
    L->id = m.id;
    L->revision = revisionOf(index);
    L->width = width;
    L->streaming = streamingOf(index);
    const QFont base = m_view->font();
    const QFont small = smallFont(base);
    const QFontMetrics fm(base);
    const QFontMetrics sfm(small);
    const int textW = ml::textWidth(width);
    int y = ml::MarginY;

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

    // Content parts. A reply that only grew (streaming) is re-split from its last segment; parts of
    // unchanged segments keep their documents and heights. New parts get an estimated height and no
    // document: paint renders what it shows, the idle job measures the rest.
    const quint64 generation = index.data(TranscriptModel::ContentGenerationRole).toULongLong();
    std::vector<Part> old;
    QList<MarkdownSegment> oldSegments;
    if (previous) { // at another width too: re-wrapping a parsed document is cheaper than re-parsing
        old = std::move(previous->parts);
        oldSegments.reserve(qsizetype(old.size()));
        for (const Part& p : old)
            oldSegments.append(p.segment);
    }
    int kept = 0;
    const bool grew =
        previous && previous->generation == generation && previous->contentSize <= m.content.size();
    const QList<MarkdownSegment> segments = grew ? MarkdownRenderer::splitFrom(m.content, oldSegments, &kept)
                                                 : MarkdownRenderer::split(m.content);
    L->generation = generation;
    L->contentSize = m.content.size();
    L->textWidth = textW;
    const int textTop = y;
    L->textRect = QRect(kMarginX, textTop, textW, 0);
    L->parts.reserve(size_t(segments.size()));
    for (int i = 0; i < segments.size(); ++i) {
        Part p;
        if (i < int(old.size()) && (i < kept || old[size_t(i)].segment == segments.at(i))) {
            p = std::move(old[size_t(i)]);
        } else {
            p.segment = segments.at(i);
            p.docHeight = estimatePart(p.segment, textW);
        }
        L->parts.push_back(std::move(p));
    }
    if (m.content.size() <= EagerChars) {
        for (int i = 0; i < int(L->parts.size()); ++i)
            renderPart(*L, i);
    }
    // Copy buttons: one per code block, on its first segment (it copies the whole block).
    for (int i = 0; i < int(L->parts.size()); ++i) {
        const MarkdownSegment& seg = L->parts[size_t(i)].segment;
        if (seg.kind != MarkdownSegment::Kind::Code || seg.continued)
            continue;
        Action copy;
        copy.kind = ActionKind::CopyCode;
        copy.part = i;
        copy.label = tr("Copy");
        L->actions.push_back(copy);
    }
    reflow(*L);
    if (L->textRect.height() > 0)
        y = textTop + L->textRect.height() + kGap;

    // Status: stopped / interrupted / error, in plain words.
    if (m.status == MessageStatus::Incomplete || m.status == MessageStatus::Error) {
        L->isError = m.status == MessageStatus::Error;
        const bool stopped = m.errorCategory == u"cancelled"_s;
        L->badge = L->isError ? tr("Error") : stopped ? tr("Stopped") : tr("Interrupted");
        L->statusText = stopped ? QString() : m.errorText;
        const QRect textBox =
            sfm.boundingRect(QRect(0, 0, ml::statusTextWidth(textW, sfm.horizontalAdvance(L->badge)), 10000),
                             Qt::TextWordWrap, L->statusText);
        L->statusRect = QRect(kMarginX, y, textW, ml::statusRowHeight(sfm.height(), textBox.height()));
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
    if (m.id != 0) {
        const int count = index.data(TranscriptModel::VersionCountRole).toInt();
        if (count > 1) {
            const int at = index.data(TranscriptModel::VersionIndexRole).toInt();
            Action prev;
            prev.kind = ActionKind::PreviousVersion;
            prev.label = u"‹"_s;
            prev.target = index.data(TranscriptModel::PreviousVersionIdRole).toLongLong();
            Action label;
            label.kind = ActionKind::CopyMessage; // placeholder kind for the "2/3" text; not clickable
            label.label = u"%1/%2"_s.arg(at).arg(count);
            label.part = -2;
            Action next;
            next.kind = ActionKind::NextVersion;
            next.label = u"›"_s;
            next.target = index.data(TranscriptModel::NextVersionIdRole).toLongLong();
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
        const bool isLeaf = index.data(TranscriptModel::IsLeafRole).toBool();
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
        QList<int> widths;
        QList<bool> isText;
        for (const Action& a : bar) {
            widths.append(sfm.horizontalAdvance(a.label));
            isText.append(a.part == -2);
        }
        const int h = ml::actionBarHeight(sfm.height());
        const QList<QRect> rects = ml::actionBar(widths, isText, y, h);
        for (size_t i = 0; i < bar.size(); ++i) {
            bar[i].rect = rects.at(qsizetype(i));
            L->actions.push_back(bar[i]); // part == -2 (the "2/3" text) is drawn but not hit-tested
        }
        y += h + kGap;
    }
    L->height = ml::rowHeight(y);
    return L;
}

int MessageDelegate::estimatePart(const MarkdownSegment& s, int textW) const
{
    const bool code = s.kind == MarkdownSegment::Kind::Code;
    const bool table = !s.tableHeader.isEmpty() || s.text.contains(u"|-"_s) || s.text.contains(u"|:-"_s);
    return ml::estimatePartHeight(s.text, code, table, textW,
                                  figures(code ? monoFont(m_view->font()) : m_view->font()));
}

void MessageDelegate::renderPart(Layout& L, int i) const
{
    Part& p = L.parts[size_t(i)];
    if (!p.doc) {
        p.doc = std::make_unique<SafeTextDocument>();
        if (p.segment.kind == MarkdownSegment::Kind::Code) {
            // A code block cut into several segments: the cut's newline belongs to the text (Copy
            // gives back the exact code) but is not an extra empty line on screen.
            QString code = p.segment.text;
            const bool cutBelow = size_t(i) + 1 < L.parts.size() &&
                                  L.parts[size_t(i) + 1].segment.continued &&
                                  L.parts[size_t(i) + 1].segment.kind == MarkdownSegment::Kind::Code;
            if (cutBelow && code.endsWith(u'\n'))
                code.chop(1);
            MarkdownRenderer::renderCode(p.doc.get(), code, p.segment.language, monoFont(m_view->font()),
                                         m_view->palette());
        } else {
            MarkdownRenderer::renderProse(p.doc.get(), p.segment.text, m_view->font());
        }
        p.measuredWidth = 0;
        m_renderedChars += p.segment.text.size();
        ++m_renderedParts;
    }
    if (p.measuredWidth == L.textWidth)
        return;
    if (p.doc->textWidth() != L.textWidth) // setTextWidth re-lays out even when unchanged
        p.doc->setTextWidth(L.textWidth);
    p.docHeight = qCeil(p.doc->size().height());
    p.measuredWidth = L.textWidth;
}

void MessageDelegate::reflow(Layout& L) const
{
    const QFontMetrics fm(m_view->font());
    const QFontMetrics sfm(smallFont(m_view->font()));
    const int headerH = ml::codeHeaderHeight(sfm.height());
    const int textW = L.textWidth;
    QList<ml::PartInput> inputs;
    inputs.reserve(qsizetype(L.parts.size()));
    L.pending = 0;
    for (const Part& p : L.parts) {
        inputs.append({p.segment.continued,
                       p.segment.kind == MarkdownSegment::Kind::Code && !p.segment.continued, p.docHeight});
        if (p.measuredWidth != textW)
            ++L.pending;
    }
    QList<ml::PartPlacement> placed;
    const int partsH = ml::placeParts(inputs, L.textRect.top(), textW, headerH, &placed);
    for (size_t i = 0; i < L.parts.size(); ++i) {
        L.parts[i].rect = placed.at(qsizetype(i)).rect;
        L.parts[i].docPos = placed.at(qsizetype(i)).docPos;
    }
    const int textH = ml::textAreaHeight(partsH, !L.parts.empty(), L.streaming, fm.lineSpacing());
    const int delta = textH - L.textRect.height();
    L.textRect.setHeight(textH);
    for (Action& a : L.actions) {
        if (a.kind == ActionKind::CopyCode) {
            a.rect = ml::codeCopyButton(L.parts[size_t(a.part)].rect, textW, sfm.horizontalAdvance(a.label),
                                        headerH);
        } else if (a.kind != ActionKind::ToggleReasoning) {
            a.rect.translate(0, delta);
        }
    }
    if (!L.statusRect.isNull())
        L.statusRect.translate(0, delta);
    if (!L.statsRect.isNull())
        L.statsRect.translate(0, delta);
    L.height += delta;
}

// The viewport in the row's coordinates (parts are compared with it; it may extend past the row).
QRect MessageDelegate::visibleInRow(const QModelIndex& index, int) const
{
    return QRect(-m_view->visualRect(index).topLeft(), m_view->viewport()->size());
}

// Renders the parts a paint shows, up to `budgetChars` of new Markdown (the idle job does the rest
// and repaints). Measuring can change heights and so which parts are in view: a few rounds settle
// it. Returns whether every part in view is ready.
bool MessageDelegate::ensureVisibleParts(Layout& L, const QRect& visible, qint64 budgetChars) const
{
    qint64 spent = 0;
    for (int round = 0; round < 4; ++round) {
        bool any = false;
        bool complete = true;
        for (int i = 0; i < int(L.parts.size()); ++i) {
            Part& p = L.parts[size_t(i)];
            if (p.rect.top() > visible.bottom())
                break;
            if (!p.rect.intersects(visible) || (p.doc && p.measuredWidth == L.textWidth))
                continue;
            if (!p.doc && spent >= budgetChars) {
                complete = false;
                continue;
            }
            if (!p.doc)
                spent += p.segment.text.size();
            renderPart(L, i);
            any = true;
        }
        if (!any)
            return complete;
        reflow(L);
    }
    return false;
}

// Keeps the documents near what is on screen; the rest are dropped (their heights stay known).
void MessageDelegate::trimDocuments(Layout& L, const QRect& visible) const
{
    int docs = 0;
    for (const Part& p : L.parts)
        docs += p.doc ? 1 : 0;
    if (docs <= MaxDocsPerRow)
        return;
    const QRect keep = ml::keepRegion(visible, 200);
    for (Part& p : L.parts) {
        if (docs <= MaxDocsPerRow / 2)
            break;
        if (p.doc && !p.rect.intersects(keep)) {
            p.doc.reset();
            --docs;
        }
    }
}

int MessageDelegate::pendingParts() const
{
    int n = 0;
    for (const Entry& e : m_cache)
        n += e.layout->width == viewportWidth() ? e.layout->pending : int(e.layout->parts.size());
    return n;
}

void MessageDelegate::scheduleRefine() const
{
    if (!m_refine->isActive())
        m_refine->start();
}

// The idle job: measures parts whose height is an estimate, nearest the viewport first, for at most
// RefineBudgetMs per event-loop turn, so heights converge without a long stall.
void MessageDelegate::refineStep()
{
    QElapsedTimer clock;
    clock.start();
    const int width = viewportWidth();
    bool more = false;
    bool changed = false;
    QList<QPersistentModelIndex> rows;
    rows.reserve(m_cache.size());
    for (const Entry& e : std::as_const(m_cache))
        rows.append(e.index);
    for (const QPersistentModelIndex& row : std::as_const(rows)) {
        if (clock.elapsed() >= RefineBudgetMs) {
            more = true;
            break;
        }
        if (!row.isValid() || row.model() != m_view->model())
            continue; // the row is gone (another conversation, a removed version)
        const QModelIndex index = row;
        // A row laid out at another width (the viewport was resized, a scroll bar appeared): lay it
        // out again now, keeping its documents, and measure it below.
        Layout* current = mutableLayout(index);
        if (!current || current->width != width)
            continue;
        Layout& L = *current;
        const QRect visible = visibleInRow(index, L.height);
        // First what a paint left out for lack of budget: it is on screen.
        const QRect rowRect = m_view->visualRect(index);
        if (QRect(rowRect.topLeft(), QSize(rowRect.width(), L.height))
                .intersects(m_view->viewport()->rect())) {
            const int oldHeight = L.height;
            bool ready = true;
            for (const Part& p : L.parts) {
                if (p.rect.intersects(visible) && !p.doc)
                    ready = false;
            }
            if (!ready) {
                ready = ensureVisibleParts(L, visible, PaintBudgetChars);
                m_view->viewport()->update();
                changed = changed || L.height != oldHeight;
                if (!ready)
                    more = true;
            }
        }
        if (L.pending == 0)
            continue;
        // From the first part at or below the top of the viewport downwards, then upwards.
        int first = 0;
        while (first < int(L.parts.size()) && L.parts[size_t(first)].rect.bottom() < visible.top())
            ++first;
        std::vector<int> order;
        order.reserve(L.parts.size());
        for (int i = first; i < int(L.parts.size()); ++i)
            order.push_back(i);
        for (int i = first - 1; i >= 0; --i)
            order.push_back(i);
        int above = 0;
        bool touched = false;
        const QRect keep = ml::keepRegion(visible, 0);
        for (int i : order) {
            Part& p = L.parts[size_t(i)];
            if (p.measuredWidth == L.textWidth)
                continue;
            if (clock.elapsed() >= RefineBudgetMs) {
                more = true;
                break;
            }
            const int before = p.docHeight;
            const bool wasAbove = p.rect.bottom() < visible.top();
            const bool hadDoc = p.doc != nullptr;
            renderPart(L, i);
            touched = true;
            if (wasAbove)
                above += p.docHeight - before;
            if (!hadDoc && !p.rect.intersects(keep))
                p.doc.reset(); // measured; rendered again if it comes into view
        }
        if (touched) {
            const int oldHeight = L.height;
            reflow(L);
            changed = changed || L.height != oldHeight;
            if (above != 0)
                emit contentAboveViewportResized(above);
        }
        if (L.pending > 0)
            more = true;
        if (clock.elapsed() >= RefineBudgetMs)
            break;
    }
    if (changed)
        emit rowHeightChanged();
    if (more)
        m_refine->start();
}

const MessageDelegate::Layout* MessageDelegate::layoutFor(const QModelIndex& index) const
{
    return mutableLayout(index);
}

MessageDelegate::Layout* MessageDelegate::mutableLayout(const QModelIndex& index) const
{
    if (!index.isValid() || !index.data(TranscriptModel::MessageIdRole).isValid())
        return nullptr;
    const qint64 id = idOf(index);
    const int width = viewportWidth();
    const quint64 rev = revisionOf(index);
    auto it = m_cache.find(id);
    if (it != m_cache.end() && it->layout->revision == rev && it->layout->width == width &&
        it->layout->streaming == streamingOf(index)) {
        it->lastUse = ++m_tick;
        it->index = index;
        return it->layout.get();
    }
    std::shared_ptr<Layout> previous = it != m_cache.end() ? it->layout : nullptr;
    auto L = buildLayout(index, messageOf(index), width, previous);
    Layout* raw = L.get();
    touch(id, index, std::move(L));
    if (raw->pending > 0)
        scheduleRefine();
    return raw;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex& index) const
{
    if (!index.isValid())
        return {};
    const QVariant idValue = index.data(TranscriptModel::MessageIdRole);
    if (!idValue.isValid())
        return {};
    const qint64 id = idValue.toLongLong();
    const int width = viewportWidth();
    // Never lays out here: the view asks for every row on each layout pass. A painted row's exact
    // height is cached; a changed row keeps its last height until it is painted again.
    const auto it = m_cache.constFind(id);
    if (it != m_cache.cend() && it->layout->width == width)
        return QSize(width, it->layout->height);
    Estimate& e = m_estimates[id];
    const quint64 rev = revisionOf(index);
    if (e.revision != rev || e.width != width) {
        e.revision = rev;
        e.width = width;
        e.height = estimateHeight(messageOf(index), width);
    }
    return QSize(width, e.height);
}

void MessageDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                            const QModelIndex& index) const
{
    Layout* L = mutableLayout(index);
    if (!L)
        return;
    const qint64 messageId = L->id;
    const bool isUser = messageOf(index).role == MessageRole::User;
    // Only the parts on screen are rendered here (each is bounded by the splitter's caps); the idle
    // job measures the others.
    const QRect viewportInRow(-option.rect.topLeft(), m_view->viewport()->size());
    const bool ready = ensureVisibleParts(*L, viewportInRow, PaintBudgetChars);
    trimDocuments(*L, viewportInRow);
    if (L->pending > 0 || !ready)
        scheduleRefine();
    // QListView keeps item heights in a short: a row taller than 32767 px gets a clamped rect (its
    // top and the scroll range stay right). Compare with the clamped height, or this repaints forever.
    if (ml::clampedRowHeight(L->height) != option.rect.height())
        QMetaObject::invokeMethod(const_cast<MessageDelegate*>(this), &MessageDelegate::rowHeightChanged,
                                  Qt::QueuedConnection);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = option.palette;
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor dim = mix(text, base, 0.45);
    const QColor accent = pal.color(QPalette::Highlight);
    const QRect r(option.rect.topLeft(), QSize(option.rect.width(), L->height)); // unclamped
    painter->fillRect(r, base);
    if (isUser)
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
        if (!p.rect.intersects(visibleInRow) || !p.doc)
            continue;
        if (p.segment.kind == MarkdownSegment::Kind::Code && p.segment.continued) {
            // The rest of a code block cut into segments: the same box, without a header.
            painter->fillRect(p.rect, mix(base, text, 0.06));
            painter->setPen(QPen(mix(base, text, 0.15), 1));
            painter->drawLine(p.rect.topLeft(), p.rect.bottomLeft());
            painter->drawLine(p.rect.topRight(), p.rect.bottomRight());
        } else if (p.segment.kind == MarkdownSegment::Kind::Code) {
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
        if (messageId == m_highlightId && !m_highlightText.isEmpty()) {
            QTextCharFormat hl;
            hl.setBackground(palette::color(palette::Role::SearchHit, pal));
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
        const QColor badgeColor =
            palette::color(L->isError ? palette::Role::Error : palette::Role::Warning, pal);
        const int badgeW = ml::badgeWidth(sfm.horizontalAdvance(L->badge));
        const QRect badge(L->statusRect.left(), L->statusRect.top(), badgeW, sfm.height() + 4);
        QPainterPath pill;
        pill.addRoundedRect(QRectF(badge), 4, 4);
        painter->fillPath(pill, mix(base, badgeColor, 0.18));
        painter->setPen(badgeColor);
        painter->drawText(badge, Qt::AlignCenter, L->badge);
        painter->setPen(L->isError ? badgeColor : dim);
        painter->drawText(L->statusRect.adjusted(badgeW + ml::BadgeTextSpacing, 2, 0, 0),
                          Qt::TextWordWrap | Qt::AlignLeft, L->statusText);
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
    const Message message = messageOf(index);
    const Message* m = &message;
    const QPoint pos = me->position().toPoint() - option.rect.topLeft();
    for (const Action& a : L->actions) {
        if (a.part == -2 || !a.rect.contains(pos))
            continue;
        switch (a.kind) {
        case ActionKind::CopyCode: {
            QString code = L->parts.at(size_t(a.part)).segment.text;
            for (size_t k = size_t(a.part) + 1; k < L->parts.size() && L->parts[k].segment.continued &&
                                                L->parts[k].segment.kind == MarkdownSegment::Kind::Code;
                 ++k)
                code += L->parts[k].segment.text;
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
        if (!p.rect.contains(pos) || !p.doc)
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
            if (!p.rect.contains(pos) || !p.doc)
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
    if (!browser || !index.data(TranscriptModel::MessageObjectRole).isValid())
        return;
    auto* doc = qobject_cast<SafeTextDocument*>(browser->document());
    if (!doc)
        return; // never: createEditor() gave it one; a plain document would load what the reply names
    doc->setDefaultFont(m_view->font());
    const QString content = messageOf(index).content;
    const Layout* L = layoutFor(index);
    if (content.size() <= EditorWholeChars || !L || L->parts.empty()) {
        editor->setProperty(kEditorRectProperty, QVariant());
        doc->setSafeMarkdown(content);
        return;
    }
    // A very long reply: parsing it whole would stall the GUI thread, so the editor covers the
    // segments on screen (what the user clicked into) and holds only those.
    const QRect visible = visibleInRow(index, L->height);
    QString markdown;
    QRect covered;
    for (const Part& p : L->parts) {
        if (!p.rect.intersects(visible))
            continue;
        if (p.segment.kind == MarkdownSegment::Kind::Code)
            markdown += u"```"_s + p.segment.language + u'\n' + p.segment.text + u"\n```\n\n"_s;
        else
            markdown += p.segment.text + u"\n\n"_s;
        covered |= p.rect;
    }
    editor->setProperty(kEditorRectProperty, covered);
    doc->setSafeMarkdown(markdown);
}

void MessageDelegate::updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option,
                                           const QModelIndex& index) const
{
    const Layout* L = layoutFor(index);
    if (!L) {
        editor->setGeometry(option.rect);
        return;
    }
    // Cover the text area only, so the action buttons below stay visible (for a very long reply,
    // the segments the editor holds).
    const QRect covered = editor->property(kEditorRectProperty).toRect();
    editor->setGeometry((covered.isValid() ? covered : L->textRect).translated(option.rect.topLeft()));
}

} // namespace anyrouter
