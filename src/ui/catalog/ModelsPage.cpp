// ModelsPage: composes the catalog widgets, keeps filter state and selection, runs the actions.
#include "ui/catalog/ModelsPage.h"

#include "ui/catalog/CostCalculator.h"
#include "ui/catalog/ModelDetailPane.h"
#include "ui/catalog/ModelFilterPanel.h"
#include "ui/catalog/ModelFilterProxy.h"
#include "ui/catalog/ModelTableModel.h"

#include "core/AppContext.h"
#include "core/catalog/CatalogRepository.h"
#include "core/catalog/Preset.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/chat/ChatPage.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QShowEvent>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

ModelsPage::ModelsPage(AppContext* context, QWidget* parent) : QWidget(parent), m_context(context)
{
    setAccessibleName(tr("Models"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 0);

    // Status line: when the data is from, Refresh, and the preset field.
    auto* top = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setAccessibleName(tr("Catalog status"));
    m_status->setTextFormat(Qt::PlainText);
    top->addWidget(m_status, 1);
    m_refresh = new QPushButton(tr("&Refresh"), this);
    m_refresh->setAccessibleName(tr("Refresh the catalog"));
    m_refresh->setToolTip(tr("Fetch the catalog from the gateway again (F5)"));
    top->addWidget(m_refresh);
    m_presetEdit = new QLineEdit(this);
    m_presetEdit->setPlaceholderText(tr("@preset/name"));
    m_presetEdit->setAccessibleName(tr("Preset to use"));
    m_presetEdit->setToolTip(tr("A gateway preset, “@preset/<name>”: Enter starts a chat with it"));
    m_presetEdit->setClearButtonEnabled(true);
    m_presetEdit->setMinimumWidth(180);
    auto* presetLabel = new QLabel(tr("Use &preset:"), this);
    presetLabel->setBuddy(m_presetEdit);
    top->addWidget(presetLabel);
    top->addWidget(m_presetEdit);
    m_presetButton = new QPushButton(tr("Start chat"), this);
    m_presetButton->setAccessibleName(tr("Start a chat with the preset"));
    top->addWidget(m_presetButton);
    layout->addLayout(top);

    m_model = new ModelTableModel(this);
    m_proxy = new ModelFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_filters = new ModelFilterPanel;
    auto* filterScroll = new QScrollArea(m_splitter);
    filterScroll->setWidget(m_filters);
    filterScroll->setWidgetResizable(true);
    filterScroll->setFrameShape(QFrame::NoFrame);
    filterScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    filterScroll->setMinimumWidth(m_filters->sizeHint().width() + 16);

    m_table = new QTableView(m_splitter);
    m_table->setAccessibleName(tr("Model table"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed row heights and column widths: measuring 10,000 rows would blow the first-paint budget.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    header->setSortIndicatorShown(true);
    const int em = m_table->fontMetrics().horizontalAdvance(u'M');
    const int widths[ModelTableModel::ColumnCount] = {13 * em, 13 * em, 7 * em, 5 * em,  6 * em, 6 * em,
                                                      6 * em,  8 * em,  6 * em, 12 * em, 7 * em};
    m_table->setModel(m_proxy);
    // At least as wide as the header label plus the sort arrow: "Input $/1M" must not be clipped.
    const QFontMetrics headerMetrics(header->font());
    for (int c = 0; c < ModelTableModel::ColumnCount; ++c) {
        const QString label = m_model->headerData(c, Qt::Horizontal).toString();
        m_table->setColumnWidth(c, qMax(widths[c], headerMetrics.horizontalAdvance(label) + 4 * em));
    }
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ModelTableModel::NameCol, Qt::AscendingOrder);

    m_tabs = new QTabWidget(m_splitter);
    m_detail = new ModelDetailPane(m_tabs);
    m_calculator = new CostCalculator(m_tabs);
    m_tabs->addTab(m_detail, tr("&Details"));
    m_tabs->addTab(m_calculator, tr("Co&st"));
    m_tabs->setMinimumWidth(280);
    m_splitter->addWidget(filterScroll);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({filterScroll->minimumWidth(), 600, 340});
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);

    m_statusTimer = new QTimer(this);
    m_statusTimer->setInterval(30'000); // "Updated 3 min ago" ages while the page is open
    connect(m_statusTimer, &QTimer::timeout, this, &ModelsPage::updateStatus);

    // Restore the filters before the first rows arrive, so the first paint is already filtered.
    const QByteArray saved = m_context->settings()->value(Settings::Key::CatalogFilterState).toByteArray();
    if (!saved.isEmpty()) {
        const CatalogFilter f = CatalogFilter::fromJson(QJsonDocument::fromJson(saved).object());
        m_filters->setFilter(f);
        m_proxy->setFilter(f);
    }

    connect(m_filters, &ModelFilterPanel::filterChanged, this, &ModelsPage::applyFilter);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ModelsPage::onCurrentRowChanged);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ModelsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ModelsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ModelsPage::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ModelsPage::updateCount);
    connect(m_refresh, &QPushButton::clicked, this, &ModelsPage::refresh);
    connect(m_presetEdit, &QLineEdit::returnPressed, this, [this] { usePreset(m_presetEdit->text()); });
    connect(m_presetButton, &QPushButton::clicked, this, [this] { usePreset(m_presetEdit->text()); });
    connect(m_detail, &ModelDetailPane::useInNewChatRequested, this, &ModelsPage::useInNewChat);
    connect(m_detail, &ModelDetailPane::setAsDefaultRequested, this, &ModelsPage::setAsWorkspaceDefault);
    connect(m_detail, &ModelDetailPane::idCopied, this,
            [this](const QString& id) { emit statusMessage(tr("Copied “%1”.").arg(id), 4000); });
    connect(m_table, &QTableView::activated, this, [this] { m_detail->useButton()->setFocus(); });
    // The catalog is the workspace session's: this page only shows it (the session loads the cache
    // at once and refreshes once the keys are read).
    connect(context, &AppContext::sessionChanged, this, &ModelsPage::bindSession);
    bindSession(context->session());
}

void ModelsPage::bindSession(WorkspaceSession* session)
{
    m_repo = session ? session->catalog() : nullptr;
    if (m_repo) {
        connect(m_repo, &CatalogRepository::entriesChanged, this, &ModelsPage::onEntriesChanged);
        connect(m_repo, &CatalogRepository::statusChanged, this, &ModelsPage::updateStatus);
    }
    onEntriesChanged();
    updateStatus();
}

ModelsPage::~ModelsPage() = default;

void ModelsPage::setCurrentConversation(qint64 conversationId)
{
    m_conversationId = conversationId;
    if (isVisible())
        updateConversation();
}

void ModelsPage::refresh()
{
    if (m_repo)
        m_repo->refresh();
    updateStatus();
}

void ModelsPage::onEntriesChanged()
{
    if (!m_repo) {
        m_model->setEntries({});
        m_filters->setOptions({}, {}, {}, {});
        updateCount();
        return;
    }
    m_model->setEntries(m_repo->entries());
    m_filters->setOptions(m_repo->providers(), m_repo->modalities(), m_repo->capabilities(),
                          m_repo->providerNames());
    updateCount();
    if (!m_selectedId.isEmpty() && selectModel(m_selectedId))
        return;
    // Only the first screenful of the cache is in: the selected model may be in the rest, which
    // follows at once. Moving the selection now would lose the user's choice.
    if (!m_selectedId.isEmpty() && !m_repo->isComplete())
        return;
    // The previous selection is gone (or there was none): show the details of the first row.
    if (m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, 0));
    else
        onCurrentRowChanged();
}

void ModelsPage::applyFilter(const CatalogFilter& filter)
{
    m_proxy->setFilter(filter);
    m_context->settings()->setValue(Settings::Key::CatalogFilterState,
                                    QJsonDocument(filter.toJson()).toJson(QJsonDocument::Compact));
    updateCount();
    if (!m_selectedId.isEmpty() && selectModel(m_selectedId))
        return;
    // The selected model is filtered out: details follow the first match rather than show a
    // model the table no longer lists.
    if (m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, 0));
    else
        m_table->setCurrentIndex({});
    onCurrentRowChanged();
}

void ModelsPage::updateCount()
{
    m_filters->setCount(m_proxy->rowCount(), m_model->rowCount());
}

void ModelsPage::updateStatus()
{
    if (!m_repo) {
        m_status->setText(tr("No workspace selected"));
        m_refresh->setEnabled(false);
        return;
    }
    QString text = m_repo->statusText();
    if (m_repo->isRefreshing() && !text.contains(tr("Refreshing")))
        text += u" · "_s + tr("Refreshing…");
    m_status->setText(text);
    m_refresh->setEnabled(!m_repo->isRefreshing());
}

bool ModelsPage::selectModel(const QString& id)
{
    const int sourceRow = m_model->rowOf(id);
    if (sourceRow < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    if (!index.isValid())
        return false;
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    return true;
}

void ModelsPage::focusSearch()
{
    m_filters->searchEdit()->setFocus(Qt::ShortcutFocusReason);
    m_filters->searchEdit()->selectAll();
}

QString ModelsPage::selectedModelId() const
{
    return m_detail->modelId();
}

void ModelsPage::onCurrentRowChanged()
{
    const QModelIndex current = m_table->currentIndex();
    std::optional<CatalogEntry> entry;
    if (current.isValid()) {
        entry = m_model->entryAt(m_proxy->mapToSource(current).row());
        m_selectedId = entry->model.id;
    }
    m_detail->setEntry(entry);
    m_calculator->setEntry(entry);
}

void ModelsPage::updateConversation()
{
    if (m_conversationId == 0) {
        m_calculator->setConversation({}, {});
        return;
    }
    const qint64 id = m_conversationId;
    const auto conversation = m_context->conversations()->conversation(id);
    m_calculator->setConversation(conversation
                                      ? (conversation->title.isEmpty() ? tr("Untitled") : conversation->title)
                                      : tr("Untitled"),
                                  m_context->conversations()->messages(id));
}

void ModelsPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    updateConversation(); // the chat may have moved on while this page was hidden
    updateStatus();
    m_statusTimer->start();
}

bool ModelsPage::useInNewChat(const QString& modelId)
{
    if (modelId.isEmpty())
        return false;
    emit newChatRequested(modelId);
    emit chatRequested();
    emit statusMessage(tr("New chat with %1.").arg(modelId), 4000);
    return true;
}

bool ModelsPage::setAsWorkspaceDefault(const QString& modelId)
{
    WorkspaceManager* ws = m_context->workspaces();
    const Workspace current = ws->current();
    if (current.id.isEmpty() || modelId.isEmpty())
        return false;
    if (!ws->setDefaultModel(current.id, modelId)) {
        emit statusMessage(tr("Could not save the default model of “%1”.").arg(current.name), 8000);
        return false;
    }
    emit statusMessage(current.isEphemeral()
                           ? tr("%1 is the default model of “%2” for this session (this workspace is not "
                                "saved).")
                                 .arg(modelId, current.name)
                           : tr("%1 is now the default model of “%2”.").arg(modelId, current.name),
                       8000);
    return true;
}

bool ModelsPage::usePreset(const QString& text)
{
    QString id = text.trimmed();
    if (id.isEmpty())
        return false;
    if (!id.startsWith(u'@'))
        id = u"@preset/"_s + id; // a bare name is taken as a preset name
    id = normalisePresetId(id);
    const bool hasSpace = std::any_of(id.cbegin(), id.cend(), [](QChar ch) { return ch.isSpace(); });
    if (!isPresetId(id) || hasSpace) {
        emit statusMessage(tr("“%1” is not a preset; presets look like @preset/<name>.").arg(text.trimmed()),
                           8000);
        return false;
    }
    if (!useInNewChat(id))
        return false;
    m_presetEdit->clear();
    return true;
}

} // namespace anyrouter
