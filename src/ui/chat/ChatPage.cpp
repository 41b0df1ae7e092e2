// ChatPage: wiring of sidebar, transcript, composer and session; header figures; export/import.
#include "ui/chat/ChatPage.h"

#include "ui/common/Format.h"

#include "core/AppContext.h"
#include "core/catalog/CatalogRepository.h"
#include "core/chat/ChatSession.h"
#include "core/chat/ConversationExporter.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/chat/Composer.h"
#include "ui/chat/ConversationSettingsDialog.h"
#include "ui/chat/ConversationSidebar.h"
#include "ui/chat/ModelPickerDialog.h"
#include "ui/chat/RoutingDialog.h"
#include "ui/chat/TranscriptView.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// Costs in the header: sub-millionth amounts would print as zeros, so they say so.
QString money(double usd)
{
    if (usd > 0 && usd < 0.000001)
        return u"< $0.000001"_s;
    return format::usd(usd);
}

// A context of no tokens is known to be empty, not unknown (format::tokens writes "—" for 0).
QString contextTokens(qint64 n)
{
    return n > 0 ? format::tokens(n) : QLocale().toString(n);
}

} // namespace

ChatPage::ChatPage(AppContext* context, QWidget* parent) : QWidget(parent), m_context(context)
{
    setAccessibleName(tr("Chat"));
    WorkspaceManager* ws = m_context->workspaces();
    m_session = new ChatSession(m_context->conversations(), m_context->ledger(), ws->client(), this);
    m_session->setUsageService(ws->usage()); // the /generation cost look-up
    // Prices and names come from the workspace session's catalog (shared with the Models page and the
    // picker); this page fetches nothing of its own.
    m_session->setPricingLookup([this](const QString& id) -> std::optional<ModelPricing> {
        const auto model = catalogModel(id);
        if (!model)
            return std::nullopt;
        return model->pricing;
    });

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);

    m_sidebar = new ConversationSidebar(m_context->conversations(), splitter);
    m_sidebar->setMinimumWidth(200);
    splitter->addWidget(m_sidebar);

    auto* main = new QWidget(splitter);
    auto* mainLayout = new QVBoxLayout(main);
    mainLayout->setContentsMargins(0, 0, 0, 0);
    mainLayout->setSpacing(0);

    // Header bar.
    auto* header = new QWidget(main);
    header->setAccessibleName(tr("Conversation header"));
    auto* h = new QHBoxLayout(header);
    h->setContentsMargins(10, 6, 8, 6);
    m_title = new QLabel(header);
    m_title->setAccessibleName(tr("Conversation title"));
    QFont tf = m_title->font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() * 1.1);
    m_title->setFont(tf);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setMinimumWidth(80);
    m_title->installEventFilter(this);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_cost = new QLabel(header);
    m_cost->setAccessibleName(tr("Conversation cost"));
    m_cost->setTextFormat(Qt::PlainText);
    m_modelButton = new QPushButton(header);
    m_modelButton->setAccessibleName(tr("Model"));
    m_modelButton->setToolTip(tr("Choose the model (Ctrl+K)"));
    m_settingsButton = new QPushButton(tr("Settings"), header);
    m_settingsButton->setAccessibleName(tr("Conversation settings"));
    m_settingsButton->setToolTip(tr("System prompt, temperature, top_p, max tokens"));
    m_routingButton = new QPushButton(tr("Routing"), header);
    m_routingButton->setAccessibleName(tr("Provider routing"));
    m_routingButton->setToolTip(tr("Provider order, allow/deny lists, price limits, provider pin"));
    m_moreButton = new QToolButton(header);
    m_moreButton->setText(tr("More"));
    m_moreButton->setAccessibleName(tr("More conversation actions"));
    m_moreButton->setPopupMode(QToolButton::InstantPopup);
    auto* more = new QMenu(m_moreButton);
    more->addAction(tr("Rename…"), this, [this] { m_sidebar->renameConversation(currentConversationId()); });
    more->addAction(tr("Copy last reply"), this, &ChatPage::copyLastReply);
    auto* enterSends = more->addAction(tr("Enter sends (Shift+Enter for a new line)"));
    m_enterSendsAction = enterSends;
    enterSends->setCheckable(true);
    connect(enterSends, &QAction::toggled, this, [this](bool on) {
        m_composer->setEnterSends(on);
        if (m_context->settings())
            m_context->settings()->setEnterSends(on);
    });
    more->addSeparator();
    more->addAction(tr("Export as &Markdown…"), this, [this] { exportViaDialog(ExportFormat::Markdown); });
    more->addAction(tr("Export as &JSON…"), this, [this] { exportViaDialog(ExportFormat::Json); });
    more->addAction(tr("&Import JSON…"), this, &ChatPage::importViaDialog);
    m_moreButton->setMenu(more);
    // Title over the cost line, so a long title keeps the width of the bar.
    auto* titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_title);
    titles->addWidget(m_cost);
    QFont cf = m_cost->font();
    cf.setPointSizeF(cf.pointSizeF() * 0.9);
    m_cost->setFont(cf);
    m_cost->setForegroundRole(QPalette::PlaceholderText);
    m_cost->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    h->addLayout(titles, 1);
    h->addSpacing(8);
    h->addWidget(m_modelButton);
    h->addWidget(m_settingsButton);
    h->addWidget(m_routingButton);
    h->addWidget(m_moreButton);
    mainLayout->addWidget(header);
    auto* rule = new QFrame(main);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    mainLayout->addWidget(rule);

    m_transcript = new TranscriptView(main);
    m_transcript->setAccessibleName(tr("Transcript"));
    m_transcript->setSession(m_session);
    mainLayout->addWidget(m_transcript, 1);

    // Storage trouble bar: shown only when there is something to say.
    m_noticeBar = new QFrame(main);
    m_noticeBar->setObjectName(u"storageNotice"_s);
    m_noticeBar->setAccessibleName(tr("Storage notice"));
    m_noticeBar->setFrameShape(QFrame::StyledPanel);
    m_noticeBar->setAutoFillBackground(true);
    {
        QPalette pal = m_noticeBar->palette();
        pal.setColor(QPalette::Window, pal.color(QPalette::ToolTipBase));
        pal.setColor(QPalette::WindowText, pal.color(QPalette::ToolTipText));
        m_noticeBar->setPalette(pal);
    }
    auto* nb = new QHBoxLayout(m_noticeBar);
    nb->setContentsMargins(10, 4, 6, 4);
    m_noticeText = new QLabel(m_noticeBar);
    m_noticeText->setTextFormat(Qt::PlainText);
    m_noticeText->setWordWrap(true);
    m_noticeText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_saveReplyButton = new QPushButton(tr("Save reply as…"), m_noticeBar);
    m_saveReplyButton->setAccessibleName(tr("Save the reply to a file"));
    auto* dismiss = new QToolButton(m_noticeBar);
    dismiss->setText(tr("Dismiss"));
    dismiss->setAccessibleName(tr("Dismiss the storage notice"));
    nb->addWidget(m_noticeText, 1);
    nb->addWidget(m_saveReplyButton);
    nb->addWidget(dismiss);
    m_noticeBar->hide();
    mainLayout->addWidget(m_noticeBar);
    connect(m_saveReplyButton, &QPushButton::clicked, this, &ChatPage::saveUnsavedReplyAs);
    connect(dismiss, &QToolButton::clicked, m_noticeBar, &QWidget::hide);

    m_composer = new Composer(main);
    reloadSettings();
    mainLayout->addWidget(m_composer);
    splitter->addWidget(main);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 800});

    // Keyboard: every action of the page.
    auto addShortcut = [this](const QKeySequence& keys, const QString& text, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        return a;
    };
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_N), tr("New chat"), [this] { newChat(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_F), tr("Search"), [this] { focusSearch(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_K), tr("Choose model"), [this] { openModelPicker(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), tr("Focus composer"), [this] { focusComposer(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), tr("Copy last reply"),
                [this] { copyLastReply(); });
    QAction* stop = addShortcut(QKeySequence(Qt::Key_Escape), tr("Stop"), [this] { m_session->stop(); });
    stop->setEnabled(false); // only while a reply streams, so Esc keeps its other meanings

    connect(m_sidebar, &ConversationSidebar::newChatRequested, this, &ChatPage::newChat);
    connect(m_sidebar, &ConversationSidebar::conversationActivated, this, &ChatPage::openConversation);
    connect(m_sidebar, &ConversationSidebar::searchHitActivated, this,
            [this](qint64 conv, qint64 message, const QString& query) {
                if (conv != currentConversationId())
                    openConversation(conv);
                m_transcript->scrollToMessage(message, query);
            });
    connect(m_sidebar, &ConversationSidebar::conversationHidden, this, [this](qint64 id) {
        if (id == currentConversationId()) {
            m_drafts.remove(id);
            m_draftOwner = -1; // nothing to save for a deleted conversation
            newChat();
        }
    });
    connect(m_sidebar, &ConversationSidebar::conversationEdited, this, [this](qint64 id) {
        // Queued: a rename arrives from inside the list's editor, which a reload must not pull away.
        if (id == currentConversationId())
            QMetaObject::invokeMethod(this, &ChatPage::reloadSessionConversation, Qt::QueuedConnection);
    });
    connect(m_sidebar, &ConversationSidebar::statusMessage, this,
            [this](const QString& t) { emit statusMessage(t, 8000); });

    connect(m_composer, &Composer::sendRequested, this, &ChatPage::send);
    connect(m_composer, &Composer::editSubmitted, this, &ChatPage::submitEdit);
    connect(m_composer, &Composer::stopRequested, m_session, &ChatSession::stop);
    connect(m_composer, &Composer::modelPickerRequested, this, &ChatPage::openModelPicker);
    connect(m_modelButton, &QPushButton::clicked, this, &ChatPage::openModelPicker);
    connect(m_settingsButton, &QPushButton::clicked, this, &ChatPage::openConversationSettings);
    connect(m_routingButton, &QPushButton::clicked, this, &ChatPage::openRoutingDialog);
    connect(m_transcript, &TranscriptView::editRequested, m_composer, &Composer::beginEdit);
    connect(m_transcript, &TranscriptView::workspaceSettingsRequested, this,
            &ChatPage::workspaceSettingsRequested);

    connect(m_session, &ChatSession::messageStored, this, [this, stop](const Message& m) {
        if (m.role == MessageRole::Assistant && m.status == MessageStatus::Streaming) {
            m_composer->setStreaming(true);
            stop->setEnabled(true);
        }
        if (m_sidebar->currentConversation() != m_session->conversationId()) {
            m_sidebar->reload(); // a new conversation appeared
            m_sidebar->setCurrentConversation(m_session->conversationId());
        }
        m_draftOwner = m_session->conversationId();
    });
    connect(m_session, &ChatSession::replyFinished, this, [this, stop](const Message& reply) {
        stop->setEnabled(false);
        onReplyFinished(reply);
    });
    connect(m_session, &ChatSession::threadChanged, this, &ChatPage::updateHeader);
    connect(m_session, &ChatSession::costReconciled, this, &ChatPage::updateHeader); // running total
    connect(m_session, &ChatSession::storageFailed, this, [this](const QString& error) {
        m_composer->showError(error);
        emit statusMessage(error, 0);
    });
    // The transcript keeps showing the whole reply (the session's thread holds it); the bar offers
    // to put it somewhere the full disk or damaged database cannot lose it.
    connect(m_session, &ChatSession::replyNotSaved, this, [this](const Message& reply, const QString& error) {
        m_unsavedReplyText = reply.content;
        showNotice(error, !reply.content.isEmpty());
    });
    connect(m_context, &AppContext::databaseDamaged, this,
            [this](const QString& message) { showNotice(message, false); });
    if (!m_context->databaseNotice().isEmpty())
        showNotice(m_context->databaseNotice(), false);

    connect(ws, &WorkspaceManager::currentChanged, this, &ChatPage::onWorkspaceChanged);
    // "Set as workspace default" (Models page) or the workspace editor changed the default model.
    connect(ws, &WorkspaceManager::workspacesChanged, this, [this] {
        const Workspace& cur = m_context->workspaces()->current();
        if (cur.id == m_workspaceId) {
            applyWorkspaceDefaults(cur);
            updateHeader();
        }
    });
    connect(m_context, &AppContext::sessionChanged, this, &ChatPage::bindCatalog);
    bindCatalog(m_context->session());
    if (!ws->current().id.isEmpty())
        onWorkspaceChanged(ws->current());
    else
        updateHeader();
}

ChatPage::~ChatPage() = default;

qint64 ChatPage::currentConversationId() const
{
    return m_session->conversationId();
}

QString ChatPage::currentModel() const
{
    if (!m_session->conversation().model.isEmpty())
        return m_session->conversation().model;
    if (!m_modelOverride.isEmpty())
        return m_modelOverride;
    return m_context->workspaces()->current().effectiveModel();
}

// The workspace's default model (unless the user picked one for this page) and routing defaults.
void ChatPage::applyWorkspaceDefaults(const Workspace& ws)
{
    m_session->setDefaultRouting(ws.routing);
    if (m_modelOverride.isEmpty())
        m_session->setDefaultModel(ws.effectiveModel());
}

void ChatPage::onWorkspaceChanged(const Workspace& ws)
{
    if (ws.id == m_workspaceId) {
        applyWorkspaceDefaults(ws); // re-selected after an edit: same conversations, maybe new defaults
        updateHeader();
        return;
    }
    saveDraft();
    m_workspaceId = ws.id;
    m_modelOverride.clear();
    m_session->setWorkspaceId(ws.id);
    applyWorkspaceDefaults(ws);
    m_sidebar->setWorkspace(ws.id);
    // The latest conversation of this workspace, else an empty chat.
    const QList<Conversation> list = m_context->conversations()->conversations(ws.id);
    const auto latest =
        std::max_element(list.begin(), list.end(), [](const Conversation& a, const Conversation& b) {
            return a.updatedAt < b.updatedAt;
        });
    if (latest != list.end())
        openConversation(latest->id);
    else
        newChat();
}

void ChatPage::bindCatalog(WorkspaceSession* session)
{
    m_catalog = session ? session->catalog() : nullptr;
    if (m_catalog)
        connect(m_catalog, &CatalogRepository::entriesChanged, this, &ChatPage::updateHeader);
    updateHeader();
}

std::optional<ModelInfo> ChatPage::catalogModel(const QString& id) const
{
    if (!m_catalog)
        return std::nullopt;
    const auto entry = m_catalog->find(id);
    if (!entry)
        return std::nullopt;
    return entry->model;
}

void ChatPage::saveDraft()
{
    if (m_draftOwner < 0)
        return;
    if (m_composer->isEditing())
        m_composer->endEdit(true);
    const QString text = m_composer->text();
    if (text.isEmpty())
        m_drafts.remove(m_draftOwner);
    else
        m_drafts.insert(m_draftOwner, text);
}

void ChatPage::reloadSettings()
{
    m_composer->setEnterSends(m_context->settings() ? m_context->settings()->enterSends() : true);
    const QSignalBlocker block(m_enterSendsAction);
    m_enterSendsAction->setChecked(m_composer->enterSends());
}

void ChatPage::newChat()
{
    saveDraft();
    m_session->open(0);
    m_draftOwner = 0;
    m_composer->setText(m_drafts.value(0));
    m_composer->clearError();
    m_composer->setStreaming(false);
    m_sidebar->setCurrentConversation(0);
    updateHeader();
    m_composer->focusEditor();
}

bool ChatPage::openConversation(qint64 id)
{
    if (id == 0) {
        newChat();
        return true;
    }
    saveDraft();
    if (!m_session->open(id)) {
        emit statusMessage(tr("That conversation no longer exists."), 8000);
        m_sidebar->reload();
        return false;
    }
    m_draftOwner = id;
    m_reloadAfterReply = false;
    m_composer->setText(m_drafts.value(id));
    m_composer->clearError();
    m_composer->setStreaming(false);
    m_sidebar->setCurrentConversation(id);
    updateHeader();
    return true;
}

void ChatPage::send(const QString& text)
{
    QString error;
    if (!m_session->send(text, &error)) {
        // Nothing was stored or sent: the words stay in the composer, with the reason.
        m_composer->showError(error.isEmpty() ? tr("The message could not be sent.") : error);
        return;
    }
    m_composer->clear();
    m_drafts.remove(m_draftOwner);
    m_drafts.remove(m_session->conversationId());
}

void ChatPage::submitEdit(qint64 messageId, const QString& text)
{
    QString error;
    if (!m_session->editAndResend(messageId, text, &error)) {
        m_composer->showError(error.isEmpty() ? tr("The edited message could not be sent.") : error);
        return;
    }
    m_composer->endEdit(true); // the text written before the edit comes back
}

void ChatPage::onReplyFinished(const Message& reply)
{
    m_composer->setStreaming(false);
    m_sidebar->reload(); // the conversation's new activity moves it (e.g. into "Today")
    if (reply.status == MessageStatus::Error && !reply.errorText.isEmpty())
        emit statusMessage(tr("The reply failed: %1").arg(reply.errorText), 10000);
    // A conversation made for its settings before the first message gets its title from that message.
    const Conversation& c = m_session->conversation();
    if (c.id != 0 && c.title.isEmpty()) {
        const QList<Message> visible = m_session->thread().visible();
        const auto first = std::find_if(visible.begin(), visible.end(),
                                        [](const Message& m) { return m.role == MessageRole::User; });
        if (first != visible.end()) {
            if (auto stored = m_context->conversations()->conversation(c.id)) {
                stored->title = first->content.simplified().left(60);
                m_context->conversations()->updateConversation(*stored);
                m_reloadAfterReply = true;
            }
        }
    }
    if (m_reloadAfterReply) {
        m_reloadAfterReply = false;
        QMetaObject::invokeMethod(this, &ChatPage::reloadSessionConversation, Qt::QueuedConnection);
    }
    updateHeader();
}

void ChatPage::reloadSessionConversation()
{
    const qint64 id = m_session->conversationId();
    if (id == 0)
        return;
    if (m_session->isStreaming()) {
        m_reloadAfterReply = true;
        return;
    }
    m_session->open(id); // the session keeps a copy of the row; it must see the stored change
    m_sidebar->reload();
    updateHeader();
}

bool ChatPage::modifyConversation(const std::function<void(Conversation&)>& change)
{
    ConversationStore* store = m_context->conversations();
    qint64 id = m_session->conversationId();
    if (id == 0) {
        // Settings chosen before the first message: the conversation starts now (titled later).
        Conversation c;
        c.workspaceId = m_workspaceId;
        c.model = currentModel();
        change(c);
        if (!store->createConversation(c)) {
            emit statusMessage(tr("Could not save the conversation settings."), 8000);
            return false;
        }
        m_drafts.remove(0);
        m_session->open(c.id);
        m_draftOwner = c.id;
        m_sidebar->reload();
        m_sidebar->setCurrentConversation(c.id);
        updateHeader();
        return true;
    }
    auto c = store->conversation(id);
    if (!c)
        return false;
    change(*c);
    if (!store->updateConversation(*c)) {
        emit statusMessage(tr("Could not save the conversation settings."), 8000);
        return false;
    }
    reloadSessionConversation();
    return true;
}

void ChatPage::setModel(const QString& modelId)
{
    if (modelId.isEmpty())
        return;
    m_modelOverride = modelId;
    m_session->setDefaultModel(modelId);
    if (m_session->conversationId() != 0)
        modifyConversation([&](Conversation& c) { c.model = modelId; });
    updateHeader();
}

void ChatPage::openModelPicker()
{
    auto* dialog = new ModelPickerDialog(m_catalog, currentModel(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ModelPickerDialog::modelPicked, this, &ChatPage::setModel);
    dialog->open();
    dialog->filterEdit()->setFocus();
}

void ChatPage::openConversationSettings()
{
    auto* dialog = new ConversationSettingsDialog(m_session->conversation(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { modifyConversation([dialog](Conversation& c) { dialog->applyTo(c); }); });
    dialog->open();
}

void ChatPage::openRoutingDialog()
{
    auto* dialog = new RoutingDialog(m_session->conversation().routing, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const RoutingPrefs prefs = dialog->prefs();
        modifyConversation([&prefs](Conversation& c) { c.routing = prefs; });
    });
    dialog->open();
}

void ChatPage::copyLastReply()
{
    const QString md = m_transcript->lastReplyMarkdown();
    if (md.isEmpty()) {
        emit statusMessage(tr("There is no reply to copy yet."), 4000);
        return;
    }
    QGuiApplication::clipboard()->setText(md);
    emit statusMessage(tr("Last reply copied as Markdown."), 4000);
}

void ChatPage::focusComposer()
{
    m_composer->focusEditor();
}

void ChatPage::focusSearch()
{
    m_sidebar->focusSearch();
}

double ChatPage::totalCost() const
{
    return m_session->totalCost();
}

std::optional<double> ChatPage::nextMessageEstimate(qint64* contextTokens) const
{
    return m_session->nextMessageEstimate(currentModel(), contextTokens);
}

void ChatPage::elideTitle()
{
    m_title->setText(
        m_title->fontMetrics().elidedText(m_fullTitle, Qt::ElideRight, qMax(40, m_title->width())));
}

bool ChatPage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_title && event->type() == QEvent::Resize)
        elideTitle();
    return QWidget::eventFilter(watched, event);
}

void ChatPage::updateHeader()
{
    const Conversation& c = m_session->conversation();
    m_fullTitle = c.id == 0 || c.title.isEmpty() ? tr("New chat") : c.title;
    m_title->setToolTip(m_fullTitle);
    m_title->setAccessibleDescription(m_fullTitle);
    elideTitle();
    const QString model = currentModel();
    const auto info = catalogModel(model);
    const QString modelName = info && !info->name.isEmpty() ? info->name : model;
    m_modelButton->setText(modelName);
    m_modelButton->setAccessibleDescription(tr("Model in use: %1").arg(model));
    m_composer->setModelName(modelName);

    qint64 tokens = 0;
    const auto estimate = nextMessageEstimate(&tokens);
    QString text = tr("Total %1").arg(money(totalCost()));
    if (estimate && tokens > 0)
        text += tr(" · next ≈ %1 (%2 tokens)").arg(money(*estimate), contextTokens(tokens));
    else if (c.id != 0)
        text += tr(" · context %1 tokens").arg(contextTokens(tokens));
    m_cost->setText(text);
    m_cost->setToolTip(tr("Sum of the stored reply costs of this conversation, and what sending the current "
                          "context again would cost at %1's input price.")
                           .arg(model));
    const bool hasSettings = !c.systemPrompt.isEmpty() || !c.parameters.isEmpty();
    m_settingsButton->setText(hasSettings ? tr("Settings •") : tr("Settings"));
    m_routingButton->setText(c.routing.isEmpty() ? tr("Routing") : tr("Routing •"));
}

bool ChatPage::exportConversation(const QString& path, ExportFormat format, QString* error)
{
    return ConversationExporter::exportToFile(*m_context->conversations(), m_session->conversationId(), path,
                                              format, error);
}

bool ChatPage::importConversation(const QString& path, QString* error)
{
    qint64 newId = 0;
    if (!ConversationExporter::importFile(*m_context->database(), *m_context->conversations(), m_workspaceId,
                                          path, &newId, error))
        return false;
    m_sidebar->reload();
    openConversation(newId);
    return true;
}

void ChatPage::exportViaDialog(ExportFormat format)
{
    if (currentConversationId() == 0) {
        emit statusMessage(tr("There is nothing to export yet."), 4000);
        return;
    }
    const bool md = format == ExportFormat::Markdown;
    const QString path = QFileDialog::getSaveFileName(
        this, md ? tr("Export as Markdown") : tr("Export as JSON"),
        ConversationExporter::suggestedFileName(m_session->conversation().title, format),
        md ? tr("Markdown (*.md)") : tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportConversation(path, format, &error))
        emit statusMessage(tr("Exported to %1").arg(path), 6000);
    else
        emit statusMessage(error, 10000);
}

void ChatPage::showNotice(const QString& text, bool offerSave)
{
    m_noticeText->setText(text);
    m_saveReplyButton->setVisible(offerSave);
    m_noticeBar->show();
}

bool ChatPage::saveUnsavedReplyTo(const QString& path, QString* error)
{
    return ConversationExporter::writeText(path, m_unsavedReplyText, error);
}

void ChatPage::saveUnsavedReplyAs()
{
    if (m_unsavedReplyText.isEmpty())
        return;
    if (m_saveReplyDialog) {
        m_saveReplyDialog->raise();
        return;
    }
    // Not the static getSaveFileName(): it runs a nested loop, and the GUI thread never blocks.
    auto* dialog = new QFileDialog(this, tr("Save reply as"), u"reply.md"_s,
                                   tr("Markdown (*.md);;Text (*.txt);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setDefaultSuffix(u"md"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_saveReplyDialog = dialog;
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        QString error;
        if (saveUnsavedReplyTo(path, &error)) {
            showNotice(tr("The reply was saved to %1.").arg(QDir::toNativeSeparators(path)), false);
            emit statusMessage(tr("Saved the reply to %1").arg(QDir::toNativeSeparators(path)), 6000);
        } else {
            showNotice(error, true);
        }
    });
    dialog->open();
}

void ChatPage::importViaDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Import a conversation"), QString(), tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (importConversation(path, &error))
        emit statusMessage(tr("Imported %1").arg(path), 6000);
    else
        emit statusMessage(error, 10000);
}

} // namespace anyrouter
