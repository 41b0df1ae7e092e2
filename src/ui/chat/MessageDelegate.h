// MessageDelegate: paints one transcript message (Markdown prose, boxed code blocks with a
// language label and Copy button, reasoning, stats line, status badge, inline error, actions) and
// handles clicks on those actions. Laid-out documents are kept in a bounded LRU cache keyed by
// message id, content revision and width; rows never painted get a cheap height estimate, so
// opening a 10,000-message conversation lays out only what is on screen. Within a row the same
// holds per segment: a long reply's segments get estimated heights, a paint renders only the
// segments it shows, and an idle job measures the rest a few milliseconds per event-loop turn
// (keeping documents only near the viewport), so a 5 MB reply never stalls the GUI thread.
#pragma once

#include "ui/chat/MarkdownRenderer.h"
#include "ui/chat/SafeTextDocument.h"

#include <QHash>
#include <QPersistentModelIndex>
#include <QSet>
#include <QStyledItemDelegate>
#include <QTextDocument>
#include <QTimer>

#include <memory>
#include <vector>

class QAbstractItemView;

namespace anyrouter {

struct Message;

class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    enum class ActionKind
    {
        CopyCode,
        PreviousVersion,
        NextVersion,
        Edit,
        Retry,
        WorkspaceSettings,
        ToggleReasoning,
        CopyMessage
    };
    struct Action
    {
        ActionKind kind = ActionKind::CopyMessage;
        QRect rect; // relative to the row's top-left
        QString label;
        int part = -1;     // CopyCode: index into parts
        qint64 target = 0; // versions: the sibling to show
    };
    struct Part
    {
        MarkdownSegment segment;
        std::unique_ptr<SafeTextDocument> doc; // null until the part is near the viewport
        QRect rect;                            // whole part incl. code header, relative to the row
        QPoint docPos;                         // where the document is drawn, relative to the row
        int docHeight = 0;                     // of the document at measuredWidth, else an estimate
        int measuredWidth = 0;                 // 0: docHeight is an estimate
    };
    struct Layout
    {
        qint64 id = 0;
        quint64 revision = 0;
        int width = 0;
        int height = 0;
        bool streaming = false;
        QRect headerRect;
        QString who;
        QString headerDetail;
        std::unique_ptr<SafeTextDocument> reasoning; // only when expanded
        QRect reasoningRect;
        QString reasoningLine;
        std::vector<Part> parts;
        QRect statusRect;
        QString badge;
        QString statusText;
        bool isError = false;
        QRect statsRect;
        QString stats;
        std::vector<Action> actions;
        QRect textRect;         // union of the prose/code parts (clicks here start text selection)
        quint64 generation = 0; // TranscriptModel::ContentGenerationRole when laid out
        qsizetype contentSize = 0;
        int textWidth = 0;
        int pending = 0; // parts whose height is still an estimate
    };

    explicit MessageDelegate(QAbstractItemView* view);
    ~MessageDelegate() override;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override;
    bool helpEvent(QHelpEvent* event, QAbstractItemView* view, const QStyleOptionViewItem& option,
                   const QModelIndex& index) override;

    // Selectable-text editor: a read-only QTextBrowser over the message.
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override;
    void setEditorData(QWidget* editor, const QModelIndex& index) const override;
    void setModelData(QWidget*, QAbstractItemModel*, const QModelIndex&) const override {}
    void updateEditorGeometry(QWidget* editor, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const override;

    // The exact layout of a row at the current width (laid out now if not cached).
    const Layout* layoutFor(const QModelIndex& index) const;
    // Actions of a row in viewport coordinates (tests click them).
    QRect actionRect(const QModelIndex& index, ActionKind kind, int part = 0) const;

    void setHighlight(qint64 messageId, const QString& text);
    void clearCache();
    int cacheSize() const { return int(m_cache.size()); }
    static constexpr int CacheCapacity = 300;
    // Relayouts caused by a changed revision of an already laid-out message (the streaming row).
    int relayoutCount(qint64 messageId) const { return m_relayouts.value(messageId); }
    int totalLayouts() const { return m_totalLayouts; }
    // Parts of cached rows whose height is still an estimate (the idle job works them off).
    int pendingParts() const;
    // Characters of Markdown parsed and laid out since the last resetRenderStats() (tests bound what
    // one paint or one idle step may cost).
    qint64 renderedChars() const { return m_renderedChars; }
    int renderedParts() const { return m_renderedParts; }
    void resetRenderStats() { m_renderedChars = 0, m_renderedParts = 0; }
    static constexpr int EagerChars = 8000;        // messages up to this size are rendered whole at once
    static constexpr int RefineBudgetMs = 8;       // idle measuring per event-loop turn
    static constexpr int PaintBudgetChars = 6000;  // new Markdown one paint of a row may render
    static constexpr int MaxDocsPerRow = 48;       // rendered documents kept per row
    static constexpr int EditorWholeChars = 64000; // longer: the selection editor holds what is on screen

signals:
    void rowHeightChanged(); // a painted row's exact height differs from what the view assumed
    // Parts entirely above the viewport changed height by `delta` px: the view keeps what the user
    // is looking at in place.
    void contentAboveViewportResized(int delta);
    void textClicked(const QModelIndex& index);
    void retryRequested();
    void versionRequested(qint64 messageId);
    void editRequested(qint64 userMessageId, const QString& text);
    void workspaceSettingsRequested();
    void codeCopied(const QString& code);

private:
    struct Entry
    {
        std::shared_ptr<Layout> layout;
        QPersistentModelIndex index; // the row, wherever inserts and removals move it
        quint64 lastUse = 0;
    };
    struct Estimate
    {
        quint64 revision = 0;
        int width = 0;
        int height = 0;
    };
    int textWidth() const;
    int viewportWidth() const;
    std::shared_ptr<Layout> buildLayout(const QModelIndex& index, const Message& m, int width,
                                        std::shared_ptr<Layout> previous) const;
    int estimateHeight(const Message& m, int width) const;
    void touch(qint64 id, const QModelIndex& index, std::shared_ptr<Layout> layout) const;
    Layout* mutableLayout(const QModelIndex& index) const;
    void renderPart(Layout& L, int i) const;
    void reflow(Layout& L) const;
    int estimatePart(const MarkdownSegment& s, int textW) const;
    QRect visibleInRow(const QModelIndex& index, int rowHeight) const;
    bool ensureVisibleParts(Layout& L, const QRect& visible, qint64 budgetChars) const;
    void trimDocuments(Layout& L, const QRect& visible) const;
    void refineStep();
    void scheduleRefine() const;

    QAbstractItemView* m_view;
    mutable QHash<qint64, Entry> m_cache;
    mutable QHash<qint64, Estimate> m_estimates;
    mutable quint64 m_tick = 0;
    mutable QHash<qint64, int> m_relayouts;
    mutable int m_totalLayouts = 0;
    mutable qint64 m_renderedChars = 0;
    mutable int m_renderedParts = 0;
    QTimer* m_refine;
    QSet<qint64> m_expandedReasoning;
    qint64 m_highlightId = 0;
    QString m_highlightText;
};

} // namespace anyrouter
