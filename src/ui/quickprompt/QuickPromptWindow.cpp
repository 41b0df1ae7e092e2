// QuickPromptWindow: layout, keys, the turn (through ChatSession), workspace and model following.
#include "ui/quickprompt/QuickPromptWindow.h"

#include "core/AppContext.h"
#include "core/api/ApiError.h"
#include "core/catalog/CatalogRepository.h"
#include "core/chat/ChatSession.h"
#include "core/domain/Conversation.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/chat/TranscriptModel.h"
#include "ui/chat/TranscriptView.h"
#include "ui/common/Format.h"
#include "ui/common/Palette.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QCursor>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

constexpr int kWidth = 680;
constexpr int kExpandedHeight = 480; // with a transcript; without one the window is as small as it can be

QString money(double usd)
{
    if (usd > 0 && usd < 0.000001)
        return u"< $0.000001"_s;
    return format::usd(usd);
}

} // namespace

QuickPromptWindow::QuickPromptWindow(AppContext* context, QWidget* parent)
    : QWidget(parent, Qt::Tool | Qt::FramelessWindowHint | Qt::WindowStaysOnTopHint), m_context(context)
{
    setObjectName(u"quickPromptWindow"_s);
    setWindowTitle(tr("Quick prompt"));
    setAccessibleName(tr("Quick prompt"));

    WorkspaceManager* ws = m_context->workspaces();
    m_session = new ChatSession(m_context->conversations(), m_context->ledger(), ws->client(), this);
    m_session->setUsageService(ws->usage());
    // Prices come from the workspace session's catalog, as on the chat page.
    m_session->setPricingLookup([this](const QString& id) -> std::optional<ModelPricing> {
        const auto model = catalogModel(id);
        if (!model)
            return std::nullopt;
        return model->pricing;
    });

    // A frameless window draws its own edge.
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* frame = new QFrame(this);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setFrameShadow(QFrame::Raised);
    frame->setAutoFillBackground(true);
    outer->addWidget(frame);
    auto* layout = new QVBoxLayout(frame);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(6);

    auto* header = new QHBoxLayout;
    header->setSpacing(6);
    m_workspace = new QLabel(frame);
    m_workspace->setAccessibleName(tr("Workspace"));
    m_workspace->setTextFormat(Qt::PlainText);
    m_workspace->setForegroundRole(QPalette::PlaceholderText);
    m_modelBox = new QComboBox(frame);
    m_modelBox->setAccessibleName(tr("Model"));
    m_modelBox->setToolTip(tr("The model quick prompts go to (remembered)"));
    // A catalog can list thousands of models: do not measure them all for the box's width.
    m_modelBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelBox->setMinimumContentsLength(22);
    m_new = new QPushButton(tr("New"), frame);
    m_new->setAccessibleName(tr("New conversation"));
    m_new->setToolTip(tr("Start a new conversation (Ctrl+N)"));
    m_copy = new QPushButton(tr("Copy"), frame);
    m_copy->setAccessibleName(tr("Copy the reply"));
    m_copy->setToolTip(tr("Copy the reply as Markdown (Ctrl+Shift+C)"));
    m_open = new QPushButton(tr("Open in window"), frame);
    m_open->setAccessibleName(tr("Open in the main window"));
    for (QPushButton* b : {m_new, m_copy, m_open}) {
        b->setAutoDefault(false);
        b->setFocusPolicy(Qt::TabFocus);
    }
    header->addWidget(m_workspace);
    header->addWidget(m_modelBox, 1);
    header->addWidget(m_new);
    header->addWidget(m_copy);
    header->addWidget(m_open);
    layout->addLayout(header);

    m_transcript = new TranscriptView(frame);
    m_transcript->setAccessibleName(tr("Quick prompt reply"));
    m_transcript->setSession(m_session);
    m_transcript->hide();
    layout->addWidget(m_transcript, 1);

    m_input = new QPlainTextEdit(frame);
    m_input->setAccessibleName(tr("Prompt"));
    m_input->setTabChangesFocus(true);
    m_input->installEventFilter(this);
    {
        const QFontMetrics fm(m_input->font());
        const int frameWidth = m_input->frameWidth() * 2 + int(m_input->document()->documentMargin() * 2) + 4;
        m_input->setFixedHeight(3 * fm.lineSpacing() + frameWidth);
    }
    layout->addWidget(m_input);

    auto* footer = new QHBoxLayout;
    m_status = new QLabel(frame);
    m_status->setAccessibleName(tr("Quick prompt status"));
    m_status->setTextFormat(Qt::PlainText); // error texts come from the server: never rich text
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_send = new QPushButton(tr("Send"), frame);
    m_send->setAccessibleName(tr("Send"));
    m_send->setAutoDefault(false);
    m_send->setFocusPolicy(Qt::TabFocus);
    footer->addWidget(m_status, 1);
    footer->addWidget(m_send, 0, Qt::AlignTop);
    layout->addLayout(footer);

    // Window-wide keys (Enter, Shift+Enter and Esc are handled in the input and keyPressEvent).
    auto addShortcut = [this](const QList<QKeySequence>& keys, const QString& text, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcuts(keys);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    addShortcut({QKeySequence(Qt::CTRL | Qt::Key_N)}, tr("New conversation"), [this] { newConversation(); });
    addShortcut({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C)}, tr("Copy the reply"),
                [this] { copyReply(); });
    m_openAction = addShortcut({}, tr("Open in the main window"), [this] { requestOpenInMainWindow(); });

    connect(m_send, &QPushButton::clicked, this, [this] {
        if (m_session->isStreaming())
            m_session->stop();
        else
            send();
    });
    connect(m_new, &QPushButton::clicked, this, &QuickPromptWindow::newConversation);
    connect(m_copy, &QPushButton::clicked, this, &QuickPromptWindow::copyReply);
    connect(m_open, &QPushButton::clicked, this, &QuickPromptWindow::requestOpenInMainWindow);
    connect(m_input, &QPlainTextEdit::textChanged, this, &QuickPromptWindow::updateState);
    connect(m_modelBox, &QComboBox::activated, this, [this](int index) {
        setModel(m_modelBox->itemData(index).toString());
        m_input->setFocus(Qt::OtherFocusReason);
    });

    connect(m_session, &ChatSession::messageStored, this, [this](const Message& m) {
        // The stream starts right after the reply row is stored (also for Retry in the transcript).
        QMetaObject::invokeMethod(this, &QuickPromptWindow::updateState, Qt::QueuedConnection);
        if (m.conversationId != 0)
            emit conversationChanged(m.conversationId);
    });
    connect(m_session, &ChatSession::threadChanged, this, &QuickPromptWindow::updateState);
    connect(m_session, &ChatSession::replyFinished, this, &QuickPromptWindow::onReplyFinished);
    connect(m_session, &ChatSession::costReconciled, this, [this](const Message& m) {
        if (!m_session->isStreaming() && m.id == m_session->currentReply().id && !m_error)
            showReplyFigures(m);
    });
    connect(m_session, &ChatSession::storageFailed, this, [this](const QString& e) { showStatus(e, true); });
    connect(m_session, &ChatSession::replyNotSaved, this,
            [this](const Message&, const QString& e) { showStatus(e, true); });
    connect(m_transcript, &TranscriptView::workspaceSettingsRequested, this,
            &QuickPromptWindow::workspaceSettingsRequested);
    connect(m_transcript, &TranscriptView::editRequested, this, [this](qint64 id, const QString& text) {
        if (m_session->isStreaming())
            return;
        if (m_editId == 0 || m_retry)
            m_stash = m_retry ? QString() : m_input->toPlainText();
        m_editId = id;
        m_retry = false;
        m_input->setPlainText(text);
        m_input->moveCursor(QTextCursor::End);
        m_input->setFocus(Qt::OtherFocusReason);
        showStatus(tr("Editing a prompt: Enter resends it, Esc cancels."));
        updateState();
    });
    TranscriptModel* tm = m_transcript->transcriptModel();
    connect(tm, &QAbstractItemModel::modelReset, this, &QuickPromptWindow::fitHeight);
    connect(tm, &QAbstractItemModel::rowsInserted, this, &QuickPromptWindow::fitHeight);
    connect(tm, &QAbstractItemModel::rowsRemoved, this, &QuickPromptWindow::fitHeight);

    connect(ws, &WorkspaceManager::currentChanged, this, &QuickPromptWindow::onWorkspace);
    connect(ws, &WorkspaceManager::workspacesChanged, this, [this] {
        const Workspace& cur = m_context->workspaces()->current();
        if (cur.id == m_workspaceId)
            onWorkspace(cur); // renamed, or a new default model
    });
    connect(m_context, &AppContext::sessionChanged, this, &QuickPromptWindow::onSession);

    if (Settings* s = m_context->settings())
        m_model = s->quickPromptModel();
    applyKeySettings();
    onWorkspace(ws->current());
    onSession(m_context->session());
    resize(kWidth, minimumSizeHint().height());
    updateState();
}

QuickPromptWindow::~QuickPromptWindow()
{
    // The children (the session, then the transcript) go after this body: their last signals must
    // not reach a half-destroyed window.
    disconnect(m_transcript->transcriptModel(), nullptr, this, nullptr);
    disconnect(m_session, nullptr, this, nullptr);
}

qint64 QuickPromptWindow::conversationId() const
{
    return m_session->conversationId();
}

void QuickPromptWindow::popUp()
{
    applyKeySettings();
    QScreen* screen = QGuiApplication::screenAt(QCursor::pos());
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    fitHeight();
    if (screen) {
        setScreen(screen);
        const QRect area = screen->availableGeometry();
        const int w = qMin(kWidth, area.width());
        if (width() != w)
            resize(w, height());
        // Centred horizontally; its top where a window of the compact size would be centred in the
        // upper third, so the window grows downwards as the reply arrives.
        const int compact = minimumSizeHint().height();
        const int top = qMax(area.top(), area.top() + area.height() / 6 - compact / 2);
        move(area.left() + (area.width() - width()) / 2, top);
    }
    show();
    raise();
    activateWindow();
    m_input->setFocus(Qt::ActiveWindowFocusReason);
    // The window manager activates the window later (and may have moved the focus meanwhile): the
    // activation puts it in the input once more.
    m_focusInputOnActivate = true;
}

bool QuickPromptWindow::event(QEvent* event)
{
    if (event->type() == QEvent::WindowActivate && m_focusInputOnActivate) {
        m_focusInputOnActivate = false;
        m_input->setFocus(Qt::ActiveWindowFocusReason);
    } else if (event->type() == QEvent::Hide) {
        m_focusInputOnActivate = false;
    }
    return QWidget::event(event);
}

void QuickPromptWindow::applyKeySettings()
{
    m_enterSends = m_context->settings() ? m_context->settings()->enterSends() : true;
    const QKeySequence open = m_enterSends ? QKeySequence(Qt::CTRL | Qt::Key_Return)
                                           : QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return);
    const QKeySequence openKeypad = m_enterSends ? QKeySequence(Qt::CTRL | Qt::Key_Enter)
                                                 : QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Enter);
    m_openAction->setShortcuts({open, openKeypad});
    m_open->setToolTip(
        tr("Open this conversation in the main window (%1)").arg(open.toString(QKeySequence::NativeText)));
    m_input->setPlaceholderText(
        m_enterSends ? tr("Ask anything… (Enter to send, Shift+Enter for a new line, Esc to close)")
                     : tr("Ask anything… (Ctrl+Enter to send, Esc to close)"));
    updateState();
}

void QuickPromptWindow::onSession(WorkspaceSession* session)
{
    if (session)
        onWorkspace(session->workspace());
    bindCatalog(session ? session->catalog() : nullptr);
}

void QuickPromptWindow::onWorkspace(const Workspace& ws)
{
    if (ws.id != m_workspaceId) {
        // A conversation belongs to its workspace: after a switch the next prompt starts a new one
        // there (a reply still streaming is stopped, and kept, first).
        m_workspaceId = ws.id;
        m_session->open(0);
        m_session->setWorkspaceId(ws.id);
        endEdit();
        showStatus({});
    }
    m_session->setDefaultRouting(ws.routing);
    m_session->setDefaultModel(currentModel());
    m_workspace->setText(ws.id.isEmpty() ? tr("No workspace") : ws.name);
    m_workspace->setAccessibleDescription(tr("Workspace: %1").arg(m_workspace->text()));
    fillModelBox();
    updateState();
}

void QuickPromptWindow::bindCatalog(CatalogRepository* catalog)
{
    if (m_catalog == catalog)
        return;
    if (m_catalog)
        disconnect(m_catalog, nullptr, this, nullptr);
    m_catalog = catalog;
    if (m_catalog)
        connect(m_catalog, &CatalogRepository::entriesChanged, this, &QuickPromptWindow::fillModelBox);
    fillModelBox();
}

std::optional<ModelInfo> QuickPromptWindow::catalogModel(const QString& id) const
{
    if (!m_catalog)
        return std::nullopt;
    const auto entry = m_catalog->find(id);
    if (!entry)
        return std::nullopt;
    return entry->model;
}

void QuickPromptWindow::fillModelBox()
{
    const QString current = currentModel();
    const QSignalBlocker block(m_modelBox);
    m_modelBox->clear();
    if (m_catalog) {
        for (const CatalogEntry& e : m_catalog->entries())
            m_modelBox->addItem(e.model.name.isEmpty() ? e.model.id : e.model.name, e.model.id);
    }
    int index = m_modelBox->findData(current);
    if (index < 0 && !current.isEmpty()) {
        // Not (yet) in the catalog: still the one in use, so it is shown and kept.
        m_modelBox->insertItem(0, current, current);
        index = 0;
    }
    m_modelBox->setCurrentIndex(index);
    for (int i = 0; i < m_modelBox->count(); ++i)
        m_modelBox->setItemData(i, m_modelBox->itemData(i).toString(), Qt::ToolTipRole);
    m_modelBox->setAccessibleDescription(tr("Model in use: %1").arg(current));
}

QString QuickPromptWindow::currentModel() const
{
    if (!m_session->conversation().model.isEmpty())
        return m_session->conversation().model;
    if (!m_model.isEmpty())
        return m_model;
    return m_context->workspaces()->current().effectiveModel();
}

void QuickPromptWindow::setModel(const QString& modelId)
{
    if (modelId.isEmpty() || m_session->isStreaming())
        return;
    m_model = modelId;
    if (Settings* s = m_context->settings())
        s->setQuickPromptModel(modelId);
    m_session->setDefaultModel(modelId);
    // The open conversation goes on with the new model (the session keeps a copy of the row: reopen).
    if (const qint64 id = m_session->conversationId()) {
        ConversationStore* store = m_context->conversations();
        if (auto c = store->conversation(id); c && c->model != modelId) {
            c->model = modelId;
            if (store->updateConversation(*c))
                m_session->open(id);
            else
                showStatus(tr("Could not save the model of this conversation."), true);
        }
    }
    fillModelBox();
}

void QuickPromptWindow::send()
{
    const QString text = m_input->toPlainText();
    if (text.trimmed().isEmpty() || m_session->isStreaming())
        return;
    if (m_workspaceId.isEmpty()) {
        showStatus(tr("No workspace is selected. Your message was not sent."), true);
        return;
    }
    showStatus({});
    ConversationStore* store = m_context->conversations();
    QString error;
    if (m_editId != 0) {
        // An edited prompt (or the prompt of a failed reply put back) becomes a new version of it;
        // the failed one sent unchanged is simply tried again.
        const Message* original = m_session->thread().find(m_editId);
        const bool again = m_retry && original && original->content == text;
        const bool ok =
            again ? m_session->regenerate(&error) : m_session->editAndResend(m_editId, text, &error);
        if (!ok) {
            showStatus(error.isEmpty() ? tr("The prompt could not be sent.") : error, true);
            return;
        }
        endEdit();
        m_input->clear();
        showStatus(tr("Streaming… Esc stops (what arrived is kept)."));
        updateState();
        return;
    }
    qint64 created = 0;
    if (const qint64 id = m_session->conversationId(); id != 0 && !m_session->open(id)) {
        // Re-read first: the main window may have continued (or deleted) this conversation.
        m_session->open(0);
    }
    if (m_session->conversationId() == 0) {
        // The session would create an ordinary conversation; this one is marked as a quick prompt.
        Conversation c;
        c.workspaceId = m_workspaceId;
        c.model = currentModel();
        c.title = text.simplified().left(60);
        c.origin = ConversationOrigin::QuickPrompt;
        if (!store->createConversation(c)) {
            showStatus(tr("%1 Your message was not sent.").arg(store->lastErrorText()), true);
            return;
        }
        created = c.id;
        m_session->open(c.id);
    }
    if (!m_session->send(text, &error)) {
        // Nothing was stored or sent: the words stay in the input, with the reason.
        if (created != 0) {
            store->deleteConversation(created); // no empty conversation in the history
            m_session->open(0);
        }
        showStatus(error.isEmpty() ? tr("The message could not be sent.") : error, true);
        return;
    }
    m_input->clear();
    showStatus(tr("Streaming… Esc stops (what arrived is kept)."));
    updateState();
}

void QuickPromptWindow::stopOrHide()
{
    if (m_session->isStreaming()) {
        m_session->stop();
        return;
    }
    if (m_editId != 0 && !m_retry) {
        // Leaving an edit brings back what was being written before it.
        endEdit();
        m_input->setPlainText(m_stash);
        m_input->moveCursor(QTextCursor::End);
        m_stash.clear();
        showStatus({});
        return;
    }
    hide(); // a failed prompt put back stays in the input for the next popUp()
}

void QuickPromptWindow::newConversation()
{
    m_session->open(0); // stops a streaming reply, keeping what arrived
    endEdit();
    showStatus({});
    fillModelBox();
    updateState();
    m_input->setFocus(Qt::ShortcutFocusReason);
}

void QuickPromptWindow::requestOpenInMainWindow()
{
    const qint64 id = m_session->conversationId();
    if (id == 0) {
        showStatus(tr("Nothing to open yet: send a prompt first."));
        return;
    }
    emit openInMainWindow(id);
    hide();
}

void QuickPromptWindow::copyReply()
{
    const QString md = m_transcript->lastReplyMarkdown();
    if (md.isEmpty()) {
        showStatus(tr("There is no reply to copy yet."));
        return;
    }
    QGuiApplication::clipboard()->setText(md);
    showStatus(tr("Reply copied as Markdown."));
}

void QuickPromptWindow::onReplyFinished(const Message& reply)
{
    updateState();
    if (reply.conversationId != 0)
        emit conversationChanged(reply.conversationId);
    const QString cause = reply.errorText.isEmpty() ? tr("unknown error") : reply.errorText;
    if (reply.status == MessageStatus::Error) {
        // The prompt is stored and shown above (the reply's row offers Retry too); it also comes
        // back into an empty input, where Enter tries again and an edit sends the new wording.
        const Message* prompt = m_session->thread().find(reply.parentId);
        if (prompt && prompt->role == MessageRole::User && m_input->toPlainText().isEmpty()) {
            m_editId = prompt->id;
            m_retry = true;
            m_input->setPlainText(prompt->content);
            m_input->moveCursor(QTextCursor::End);
            showStatus(tr("The reply failed: %1 Your prompt is kept: Enter tries again.").arg(cause), true);
        } else {
            showStatus(tr("The reply failed: %1").arg(cause), true);
        }
        updateState();
        return;
    }
    if (reply.status == MessageStatus::Incomplete &&
        reply.errorCategory != ApiError::categoryName(ApiError::Category::Cancelled)) {
        showStatus(tr("The reply was cut off: %1 What arrived is kept.").arg(cause), true);
        return;
    }
    if (m_error)
        return; // a storage problem said during the turn stays visible
    showReplyFigures(reply);
}

void QuickPromptWindow::showReplyFigures(const Message& reply)
{
    const qint64 in = reply.usage.promptTokens.value_or(0);
    const qint64 out = reply.usage.completionTokens.value_or(0);
    QStringList parts;
    if (reply.status == MessageStatus::Incomplete)
        parts << tr("Stopped; what arrived is kept.");
    const QString model = reply.servedModel.isEmpty() ? reply.model : reply.servedModel;
    if (!model.isEmpty()) {
        const auto info = catalogModel(model);
        parts << (info && !info->name.isEmpty() ? info->name : model);
    }
    if (in > 0 || out > 0)
        parts << tr("%1 tokens (%2 in, %3 out)")
                     .arg(format::tokens(in + out), format::tokens(in), format::tokens(out));
    std::optional<double> cost = reply.usage.cost;
    bool estimated = false;
    if (!cost && (in > 0 || out > 0)) {
        if (const auto info = catalogModel(model)) {
            cost = info->pricing.costFor(in, out, reply.usage.cachedTokens.value_or(0));
            estimated = true;
        }
    }
    if (cost)
        parts << (estimated ? tr("≈ %1").arg(money(*cost)) : money(*cost));
    showStatus(parts.join(u" · "_s));
}

void QuickPromptWindow::showStatus(const QString& text, bool error)
{
    m_error = error && !text.isEmpty();
    m_status->setText(text);
    m_status->setStyleSheet(m_error ? u"QLabel { %1 }"_s.arg(palette::textCss(palette::Role::Error))
                                    : QString());
    m_status->setAccessibleDescription(text);
}

void QuickPromptWindow::updateState()
{
    const bool streaming = m_session->isStreaming();
    if (streaming) {
        m_send->setText(tr("Stop"));
        m_send->setAccessibleName(tr("Stop"));
        m_send->setToolTip(tr("Stop the reply (Esc); what arrived is kept"));
        m_send->setEnabled(true);
    } else {
        m_send->setText(m_retry ? tr("Retry") : m_editId != 0 ? tr("Resend") : tr("Send"));
        m_send->setAccessibleName(m_send->text());
        m_send->setToolTip(m_enterSends ? tr("Send (Enter)") : tr("Send (Ctrl+Enter)"));
        m_send->setEnabled(!m_input->toPlainText().trimmed().isEmpty());
    }
    m_modelBox->setEnabled(!streaming);
    m_open->setEnabled(m_session->conversationId() != 0);
    m_copy->setEnabled(m_transcript->transcriptModel()->rowCount() > 0);
}

void QuickPromptWindow::fitHeight()
{
    const bool hasTranscript = m_transcript->transcriptModel()->rowCount() > 0;
    m_transcript->setVisible(hasTranscript);
    const int h =
        hasTranscript ? qMax(kExpandedHeight, minimumSizeHint().height()) : minimumSizeHint().height();
    if (height() != h)
        resize(width(), h);
    updateState();
}

void QuickPromptWindow::endEdit()
{
    m_editId = 0;
    m_retry = false;
    updateState();
}

bool QuickPromptWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_input && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const auto mods = key->modifiers() & ~Qt::KeypadModifier;
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            const bool sendKey = m_enterSends ? mods == Qt::NoModifier : mods == Qt::ControlModifier;
            if (sendKey) {
                send();
                return true;
            }
            if (mods == Qt::ShiftModifier || (!m_enterSends && mods == Qt::NoModifier)) {
                m_input->insertPlainText(u"\n"_s);
                return true;
            }
            if (mods == (m_enterSends ? Qt::ControlModifier : (Qt::ControlModifier | Qt::ShiftModifier))) {
                requestOpenInMainWindow(); // reached only when the shortcut did not fire first
                return true;
            }
        } else if (key->key() == Qt::Key_Escape && mods == Qt::NoModifier) {
            stopOrHide();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void QuickPromptWindow::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape && (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier) {
        stopOrHide();
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace anyrouter
