// KeysPanel: key table, actions, forms, messages and explanations of the Keys page, over KeyManager.
#include "ui/account/KeysPanel.h"

#include "ui/account/KeyEditDialog.h"
#include "ui/account/KeySecretDialog.h"
#include "ui/account/KeyTableModel.h"
#include "ui/common/EndpointStateView.h"
#include "ui/common/Palette.h"

#include "core/AppContext.h"
#include "core/workspace/WorkspaceSession.h"

#include <QAction>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

enum StackPage
{
    TablePage,
    StatePage
};

// A palette role's colour, translucent ("#AARRGGBB" reads in style sheets), for a tinted frame.
QString tint(palette::Role role, double alpha)
{
    QColor c = palette::color(role);
    c.setAlphaF(float(alpha));
    return c.name(QColor::HexArgb);
}

// What the message bar says while an operation is under way and when it failed, by
// KeyOperation::Kind.
struct OperationWords
{
    const char* progress;
    const char* failure;
};
constexpr OperationWords kWords[] = {
    {QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Creating “%1”…"),
     QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Could not create “%1”.")},
    {QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Renaming “%1”…"),
     QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Could not rename “%1”.")},
    {QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Changing the spend limit of “%1”…"),
     QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Could not change the spend limit of “%1”.")},
    {QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Disabling “%1”…"),
     QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Could not disable “%1”.")},
    {QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Enabling “%1”…"),
     QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Could not enable “%1”.")},
    {QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Deleting “%1”…"),
     QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Could not delete “%1”.")},
    {QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Asking the gateway for the secret of “%1”…"),
     QT_TRANSLATE_NOOP("anyrouter::KeysPanel", "Could not reveal “%1”.")},
};
static_assert(std::size(kWords) == size_t(KeyOperation::Kind::Reveal) + 1, "one row per kind");

// A server's words go into a custom EndpointStateView sentence, which fills in "%1" itself: keep a
// "%1" of theirs from being filled.
QString literal(QString text)
{
    return text.replace(u"%"_s, u"%\u2060"_s); // a word joiner: "%1" no longer reads as a place marker
}

} // namespace

KeysPanel::KeysPanel(AppContext* context, QWidget* parent)
    : QWidget(parent), m_context(context), m_model(new KeyTableModel(this)),
      m_proxy(new QSortFilterProxyModel(this))
{
    setAccessibleName(tr("API keys"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(KeyTableModel::SortRole);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);

    // Heading: which workspace, how many keys, when listed.
    auto* head = new QHBoxLayout;
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::PlainText);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setAccessibleName(tr("Key list status"));
    m_status->setEnabled(false); // dimmed: secondary information
    head->addWidget(m_title);
    head->addSpacing(12);
    head->addWidget(m_status, 1, Qt::AlignBottom);
    layout->addLayout(head);

    // Actions. Their shortcuts are claimed while the focus is inside the panel (see event()).
    auto makeAction = [this](const QString& text, const QString& tip, const QString& icon) {
        auto* a = new QAction(QIcon::fromTheme(icon), text, this);
        a->setToolTip(tip);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        return a;
    };
    m_newAction = makeAction(tr("&New Key…"), tr("Create an API key"), u"list-add"_s);
    m_newAction->setShortcuts({QKeySequence(Qt::Key_Insert), QKeySequence(Qt::CTRL | Qt::Key_N)});
    m_renameAction = makeAction(tr("&Rename…"), tr("Rename the selected key"), u"edit-rename"_s);
    m_renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    m_limitAction =
        makeAction(tr("Spend &Limit…"), tr("Change the selected key's spend limit and reset period"),
                   u"document-properties"_s);
    m_toggleAction = makeAction(tr("&Disable"), tr("Disable the selected key"), u"media-playback-pause"_s);
    m_revealAction = makeAction(tr("Re&veal…"), tr("Show the selected key's secret"), u"view-visible"_s);
    m_deleteAction = makeAction(tr("&Delete…"), tr("Delete the selected key"), u"edit-delete"_s);
    m_deleteAction->setShortcut(QKeySequence(Qt::Key_Delete));
    m_refreshAction = makeAction(tr("Re&fresh"), tr("Fetch the key list again"), u"view-refresh"_s);
    m_refreshAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_keyActions = {m_newAction, m_renameAction, m_deleteAction, m_refreshAction};
    for (QAction* a : std::as_const(m_keyActions)) {
        a->setToolTip(u"%1 (%2)"_s.arg(a->toolTip(), a->shortcut().toString(QKeySequence::NativeText)));
        addAction(a);
    }
    connect(m_newAction, &QAction::triggered, this, &KeysPanel::newKey);
    connect(m_renameAction, &QAction::triggered, this, &KeysPanel::renameSelected);
    connect(m_limitAction, &QAction::triggered, this, &KeysPanel::editLimitOfSelected);
    connect(m_toggleAction, &QAction::triggered, this, &KeysPanel::toggleSelected);
    connect(m_revealAction, &QAction::triggered, this, &KeysPanel::revealSelected);
    connect(m_deleteAction, &QAction::triggered, this, &KeysPanel::deleteSelected);
    connect(m_refreshAction, &QAction::triggered, this, &KeysPanel::refresh);

    m_toolbar = new QToolBar(tr("Key actions"), this);
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolbar->setIconSize(QSize(16, 16));
    m_toolbar->addAction(m_newAction);
    m_toolbar->addSeparator();
    m_toolbar->addActions({m_renameAction, m_limitAction, m_toggleAction, m_revealAction, m_deleteAction});
    m_toolbar->addSeparator();
    m_toolbar->addAction(m_refreshAction);
    layout->addWidget(m_toolbar);

    // Message bar: outcomes and errors of actions, in place instead of a modal box.
    m_messageBar = new QFrame(this);
    m_messageBar->setObjectName(u"keysMessageBar"_s);
    auto* barLayout = new QHBoxLayout(m_messageBar);
    barLayout->setContentsMargins(8, 4, 4, 4);
    m_messageLabel = new QLabel(m_messageBar);
    m_messageLabel->setTextFormat(Qt::PlainText);
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_messageLabel->setAccessibleName(tr("Message"));
    m_messageClose = new QToolButton(m_messageBar);
    m_messageClose->setText(u"✕"_s);
    m_messageClose->setAutoRaise(true);
    m_messageClose->setAccessibleName(tr("Dismiss the message"));
    m_messageClose->setToolTip(tr("Dismiss"));
    barLayout->addWidget(m_messageLabel, 1);
    barLayout->addWidget(m_messageClose, 0, Qt::AlignTop);
    connect(m_messageClose, &QToolButton::clicked, this, &KeysPanel::hideMessage);
    m_messageBar->hide();
    layout->addWidget(m_messageBar);

    m_stack = new QStackedWidget(this);
    m_table = new QTableView(m_stack);
    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("API keys"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Columns fit their contents whenever rows change (a ResizeToContents header does not notice
    // inserted rows); the user may still drag them wider. The name takes the rest.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(KeyTableModel::NameCol, QHeaderView::Stretch);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KeyTableModel::CreatedCol, Qt::DescendingOrder); // newest first
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->installEventFilter(this);
    connect(m_table, &QWidget::customContextMenuRequested, this, &KeysPanel::showContextMenu);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this] { renameSelected(); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &KeysPanel::updateActions);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &KeysPanel::updateActions);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &KeysPanel::scheduleFitColumns);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &KeysPanel::scheduleFitColumns);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &KeysPanel::scheduleFitColumns);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &KeysPanel::scheduleFitColumns);
    m_stack->addWidget(m_table);

    // Explanation page. The text sits in a column of bounded width: word-wrapped labels centred
    // with per-widget alignment get their unwrapped height and cut lines off.
    auto* statePage = new QWidget(m_stack);
    auto* stateOuter = new QHBoxLayout(statePage);
    auto* stateColumn = new QWidget(statePage);
    stateColumn->setMinimumWidth(360);
    stateColumn->setMaximumWidth(600);
    stateOuter->addStretch(1);
    stateOuter->addWidget(stateColumn, 3);
    stateOuter->addStretch(1);
    auto* stateLayout = new QVBoxLayout(stateColumn);
    stateLayout->addStretch(1);
    m_stateTitle = new QLabel(stateColumn);
    QFont stateFont = m_stateTitle->font();
    stateFont.setPointSizeF(stateFont.pointSizeF() * 1.2);
    stateFont.setBold(true);
    m_stateTitle->setFont(stateFont);
    m_stateTitle->setAlignment(Qt::AlignHCenter);
    m_stateTitle->setTextFormat(Qt::PlainText);
    m_stateTitle->setWordWrap(true);
    stateLayout->addWidget(m_stateTitle);
    // The sentence and its buttons: the shared state widget, in this panel's words.
    m_stateView = new EndpointStateView(tr("the list of keys"), u"/keys"_s, stateColumn);
    m_stateView->setAccessibleName(tr("Explanation"));
    m_stateView->settingsButton()->setText(tr("&Workspace Settings…"));
    m_stateView->settingsButton()->setAccessibleName(tr("Open the workspace settings"));
    m_stateView->retryButton()->setText(tr("&Try Again"));
    m_stateView->setMessage(EndpointStatus::State::Idle,
                            tr("Choose a workspace in the toolbar, or create one, to manage its API keys."));
    m_stateView->setMessage(EndpointStatus::State::Unauthorized,
                            tr("The key was refused (401): it may be mistyped, revoked, disabled or expired. "
                               "Check the keys in the workspace settings."));
    m_stateView->setMessage(EndpointStatus::State::Unsupported,
                            tr("This gateway does not offer key management. Manage its keys on the "
                               "gateway's own website, if it has one."));
    m_stateView->setMessage(EndpointStatus::State::Failed, u"%1"_s); // the error in its own words
    m_stateView->setMessage(EndpointStatus::State::Offline, u"%1"_s);
    stateLayout->addWidget(m_stateView);
    auto* stateButtons = new QHBoxLayout;
    stateButtons->addStretch(1);
    m_emptyNewButton = new QPushButton(tr("&New Key…"), stateColumn);
    stateButtons->addWidget(m_emptyNewButton);
    stateButtons->addStretch(1);
    stateLayout->addSpacing(8);
    stateLayout->addLayout(stateButtons);
    stateLayout->addStretch(2);
    connect(m_stateView, &EndpointStateView::settingsRequested, this, &KeysPanel::workspaceSettingsRequested);
    connect(m_stateView, &EndpointStateView::retryRequested, this, &KeysPanel::refresh);
    connect(m_emptyNewButton, &QPushButton::clicked, this, &KeysPanel::newKey);
    m_stack->addWidget(statePage);
    layout->addWidget(m_stack, 1);

    m_confirm = [this](const QString& title, const QString& text, std::function<void(bool)> answer) {
        askDefault(title, text, std::move(answer));
    };

    connect(context, &AppContext::sessionChanged, this, &KeysPanel::bindSession);
    bindSession(context->session());
}

KeysPanel::~KeysPanel() = default;

KeyEditDialog* KeysPanel::editDialog() const
{
    return m_editDialog;
}

KeySecretDialog* KeysPanel::secretDialog() const
{
    return m_secretDialog;
}

QPushButton* KeysPanel::settingsButton() const
{
    return m_stateView->settingsButton();
}

QPushButton* KeysPanel::retryButton() const
{
    return m_stateView->retryButton();
}

void KeysPanel::setConfirmHandler(ConfirmHandler handler)
{
    m_confirm = std::move(handler);
}

void KeysPanel::bindSession(WorkspaceSession* session)
{
    if (m_manager)
        disconnect(m_manager, nullptr, this, nullptr);
    m_manager = session ? session->keys() : nullptr;
    // Dialogs about the previous workspace's keys make no sense any more. A secret dialog stays: it
    // names its workspace, and its key exists whichever workspace is shown.
    if (m_editDialog)
        m_editDialog->reject();
    if (m_confirmBox)
        m_confirmBox->close();
    hideMessage();
    const QString name = session ? session->workspace().name : QString();
    m_title->setText(name.isEmpty() ? tr("API Keys") : tr("API Keys — %1").arg(name));
    if (m_manager) {
        m_stateView->setMessage(
            EndpointStatus::State::Loading,
            tr("Fetching the key list from %1.").arg(literal(m_manager->workspaceHost())));
        connect(m_manager, &KeyManager::statusChanged, this, &KeysPanel::updateState);
        connect(m_manager, &KeyManager::busyChanged, this, [this] {
            updateStatus();
            updateActions();
        });
        connect(m_manager, &KeyManager::keysReset, this, &KeysPanel::onKeysReset);
        connect(m_manager, &KeyManager::keyUpdated, this, [this](const ApiKeyInfo& key) {
            m_model->upsertKey(key);
            updateState();
        });
        connect(m_manager, &KeyManager::keyRemoved, this, [this](const QString& hash) {
            m_model->removeKey(hash);
            updateState();
        });
        connect(m_manager, &KeyManager::refreshFailed, this, [this](const ApiError& error) {
            showMessage(tr("Could not refresh the key list. %1").arg(error.userMessage()), true);
        });
        connect(m_manager, &KeyManager::operationStarted, this, &KeysPanel::onStarted);
        connect(m_manager, &KeyManager::operationFinished, this, &KeysPanel::onFinished);
    }
    m_model->setKeys(m_manager ? m_manager->keys() : QList<ApiKeyInfo>());
    updateState();
    if (m_manager && isVisible())
        m_manager->ensureLoaded();
}

void KeysPanel::showEvent(QShowEvent* e)
{
    QWidget::showEvent(e);
    // The list is asked for once something shows it: the account page is built at start-up, often
    // unseen.
    if (m_manager)
        m_manager->ensureLoaded();
}

void KeysPanel::refresh()
{
    if (m_manager)
        m_manager->refresh();
}

void KeysPanel::onKeysReset()
{
    const QString selected = selectedHash();
    m_model->setKeys(m_manager->keys());
    updateState();
    if (!selected.isEmpty())
        selectKey(selected);
}

void KeysPanel::updateState()
{
    State s = State::NoWorkspace;
    if (m_manager) {
        switch (m_manager->status().state) {
        case EndpointStatus::State::Idle:
        case EndpointStatus::State::Loading:
            s = State::Loading;
            break;
        case EndpointStatus::State::Ready:
            s = m_manager->keys().isEmpty() ? State::Empty : State::Keys;
            break;
        case EndpointStatus::State::NoKey:
            s = State::NoKey;
            break;
        case EndpointStatus::State::Unsupported:
            s = State::Unsupported;
            break;
        case EndpointStatus::State::Unauthorized:
            s = State::Rejected;
            break;
        case EndpointStatus::State::Forbidden:
            s = State::NoPermission;
            break;
        case EndpointStatus::State::Offline:
        case EndpointStatus::State::Failed:
            s = State::Failed;
            break;
        }
    }
    setState(s);
}

void KeysPanel::setState(State s)
{
    const bool changed = s != m_state;
    m_state = s;
    QString title;
    // What the state widget shows: the manager's status, in this panel's words.
    EndpointStatus status = m_manager ? m_manager->status() : EndpointStatus::idle();
    switch (s) {
    case State::NoWorkspace:
        title = tr("No workspace selected");
        status = EndpointStatus::idle();
        break;
    case State::Loading:
        title = tr("Loading…");
        status = EndpointStatus::loading();
        break;
    case State::Keys:
        break;
    case State::Empty:
        title = tr("No API keys yet");
        m_stateView->setMessage(
            EndpointStatus::State::Ready,
            tr("This workspace has no API keys. Create one with New Key (%1).")
                .arg(m_newAction->shortcuts().value(1).toString(QKeySequence::NativeText)));
        break;
    case State::NoPermission: {
        title = tr("Key management needs a management key");
        const QString explanation =
            m_manager->hasManagementKey()
                ? tr("This workspace's management key cannot manage API keys. Check its permissions on the "
                     "gateway, or replace it in the workspace settings.")
                : tr("This workspace's key cannot manage API keys. Add a management key (ak_…) in the "
                     "workspace settings.");
        const ApiError& error = status.error;
        m_stateView->setMessage(EndpointStatus::State::Forbidden,
                                error.serverMessage().isEmpty() ? explanation
                                                                : explanation + u"\n\n"_s +
                                                                      tr("The gateway said: “%1” (HTTP %2).")
                                                                          .arg(literal(error.serverMessage()))
                                                                          .arg(error.httpStatus()));
        break;
    }
    case State::Rejected:
        title = tr("The gateway rejected this workspace's key");
        break;
    case State::NoKey:
        title = tr("No key for this workspace");
        m_stateView->setMessage(
            EndpointStatus::State::NoKey,
            m_manager->noKeyMessage().isEmpty()
                ? tr("Add an API key or a management key (ak_…) in the workspace settings to manage keys.")
                : literal(m_manager->noKeyMessage()));
        break;
    case State::Unsupported:
        title = tr("Key management is not available");
        break;
    case State::Failed:
        title = tr("Could not load the keys");
        break;
    }
    m_stateTitle->setText(title);
    m_stateView->setStatus(status);
    // No workspace: the settings are where one is made.
    if (s == State::NoWorkspace)
        m_stateView->settingsButton()->show();
    m_emptyNewButton->setVisible(s == State::Empty);
    const bool hadFocus = m_stack->currentIndex() == TablePage && m_table->hasFocus();
    m_stack->setCurrentIndex(s == State::Keys ? TablePage : StatePage);
    if (hadFocus && s != State::Keys)
        setFocus(); // keep keyboard shortcuts working when the table goes away
    if (changed && s != State::Keys && s != State::Empty && s != State::Loading)
        hideMessage(); // the page itself explains; a stale message would contradict it
    updateStatus();
    updateActions();
}

QString KeysPanel::stateTitle() const
{
    return m_stateTitle->text();
}

QString KeysPanel::stateText() const
{
    return m_stateView->text();
}

QString KeysPanel::messageText() const
{
    return m_messageBar->isHidden() ? QString() : m_messageLabel->text();
}

QString KeysPanel::statusText() const
{
    return m_status->text();
}

void KeysPanel::showMessage(const QString& text, bool error)
{
    m_messageIsError = error;
    m_messageLabel->setText(text);
    const palette::Role role = error ? palette::Role::Error : palette::Role::Success;
    m_messageBar->setStyleSheet(
        u"QFrame#keysMessageBar { background: %1; border: 1px solid %2; border-radius: 4px; }"_s.arg(
            tint(role, error ? 0.12 : 0.10), tint(role, error ? 0.5 : 0.45)));
    m_messageBar->setAccessibleDescription(error ? tr("Error") : tr("Information"));
    m_messageBar->show();
}

void KeysPanel::hideMessage()
{
    m_messageBar->hide();
    m_messageLabel->clear();
    m_messageIsError = false;
}

void KeysPanel::updateStatus()
{
    QString text;
    if (m_manager && (m_state == State::Keys || m_state == State::Empty)) {
        const QList<ApiKeyInfo>& keys = m_manager->keys();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        int disabled = 0, expired = 0;
        for (const ApiKeyInfo& k : keys) {
            const auto s = KeyTableModel::statusOf(k, now);
            disabled += s == KeyTableModel::Status::Disabled ? 1 : 0;
            expired += s == KeyTableModel::Status::Expired ? 1 : 0;
        }
        // Spelled out rather than "%n key(s)": without a loaded translation that prints "(s)".
        QStringList parts{keys.size() == 1 ? tr("1 key") : tr("%1 keys").arg(keys.size())};
        if (disabled > 0)
            parts << tr("%1 disabled").arg(disabled);
        if (expired > 0)
            parts << tr("%1 expired").arg(expired);
        if (m_manager->listedAt().isValid())
            parts << tr("listed at %1")
                         .arg(QLocale().toString(m_manager->listedAt().time(), QLocale::ShortFormat));
        text = parts.join(u" · "_s);
    }
    if (m_manager && m_manager->isListing() && m_state != State::Loading)
        text = text.isEmpty() ? tr("Refreshing…") : text + u" · "_s + tr("refreshing…");
    if (m_manager && m_manager->isSaving())
        text = text.isEmpty() ? tr("Saving…") : text + u" · "_s + tr("saving…");
    m_status->setText(text);
}

std::optional<ApiKeyInfo> KeysPanel::selectedKey() const
{
    if (m_state != State::Keys)
        return std::nullopt;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    const int row = m_proxy->mapToSource(rows.first()).row();
    if (row < 0 || row >= m_model->rowCount())
        return std::nullopt;
    return m_model->keyAt(row);
}

QString KeysPanel::selectedHash() const
{
    const auto k = selectedKey();
    return k ? k->hash : QString();
}

bool KeysPanel::selectKey(const QString& hash)
{
    const int row = m_model->rowOfHash(hash);
    if (row < 0)
        return false;
    const QModelIndex proxyIndex = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->selectionModel()->setCurrentIndex(proxyIndex, QItemSelectionModel::ClearAndSelect |
                                                               QItemSelectionModel::Rows);
    m_table->scrollTo(proxyIndex);
    return true;
}

void KeysPanel::scheduleFitColumns()
{
    if (m_fitQueued)
        return;
    m_fitQueued = true; // one pass per burst of changes
    QTimer::singleShot(0, this, [this] {
        m_fitQueued = false;
        for (int c = 0; c < KeyTableModel::ColumnCount; ++c) {
            if (c != KeyTableModel::NameCol)
                m_table->resizeColumnToContents(c);
        }
    });
}

void KeysPanel::updateActions()
{
    const bool managed = m_state == State::Keys || m_state == State::Empty;
    const auto key = selectedKey();
    const bool editable = key && m_manager->canChange(key->hash);
    m_newAction->setEnabled(managed);
    m_emptyNewButton->setEnabled(managed);
    m_renameAction->setEnabled(editable);
    m_limitAction->setEnabled(editable);
    m_toggleAction->setEnabled(editable);
    m_deleteAction->setEnabled(editable);
    m_revealAction->setEnabled(editable && key->canReveal);
    m_revealAction->setToolTip(
        key && !key->canReveal ? tr("The gateway cannot show this key again (it predates reveal support).")
                               : tr("Show the selected key's secret"));
    const bool enable = key && key->disabled;
    m_toggleAction->setText(enable ? tr("&Enable") : tr("&Disable"));
    m_toggleAction->setToolTip(enable ? tr("Enable the selected key again")
                                      : tr("Disable the selected key: requests with it are refused"));
    m_toggleAction->setIcon(QIcon::fromTheme(enable ? u"media-playback-start"_s : u"media-playback-pause"_s));
    m_refreshAction->setEnabled(m_manager && !m_manager->isListing());
}

void KeysPanel::showContextMenu(const QPoint& pos)
{
    const QModelIndex at = m_table->indexAt(pos);
    if (at.isValid())
        m_table->selectionModel()->setCurrentIndex(at, QItemSelectionModel::ClearAndSelect |
                                                           QItemSelectionModel::Rows);
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_newAction);
    if (at.isValid()) {
        menu->addSeparator();
        menu->addActions({m_renameAction, m_limitAction, m_toggleAction, m_revealAction});
        menu->addSeparator();
        menu->addAction(m_deleteAction);
    }
    menu->addSeparator();
    menu->addAction(m_refreshAction);
    menu->popup(m_table->viewport()->mapToGlobal(pos)); // popup(), not exec(): no nested event loop
}

QAction* KeysPanel::actionForKey(const QKeyEvent* e) const
{
    if (e->key() == 0 || e->key() == Qt::Key_unknown)
        return nullptr;
    const QKeySequence pressed(QKeyCombination(e->modifiers() & ~Qt::KeypadModifier, Qt::Key(e->key())));
    for (QAction* a : m_keyActions) {
        const QList<QKeySequence> shortcuts = a->shortcuts();
        for (const QKeySequence& s : shortcuts) {
            if (s == pressed)
                return a;
        }
    }
    return nullptr;
}

bool KeysPanel::event(QEvent* e)
{
    // Claim our keys while the focus is inside the panel: a window-wide action with the same keys
    // (Refresh is Ctrl+R on some desktops) would otherwise make both ambiguous, and the table would
    // turn Del into a type-ahead search.
    if (e->type() == QEvent::ShortcutOverride && actionForKey(static_cast<QKeyEvent*>(e))) {
        e->accept();
        return true;
    }
    return QWidget::event(e);
}

void KeysPanel::keyPressEvent(QKeyEvent* e)
{
    if (QAction* a = actionForKey(e)) {
        if (a->isEnabled())
            a->trigger();
        e->accept();
        return;
    }
    QWidget::keyPressEvent(e);
}

bool KeysPanel::eventFilter(QObject* watched, QEvent* e)
{
    if (watched == m_table && e->type() == QEvent::KeyPress) {
        auto* ke = static_cast<QKeyEvent*>(e);
        if (QAction* a = actionForKey(ke)) {
            if (a->isEnabled())
                a->trigger();
            return true;
        }
    }
    return QWidget::eventFilter(watched, e);
}

void KeysPanel::openEditDialog(KeyEditDialog* dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_editDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] { applyEdit(dialog); });
    dialog->open(); // window-modal without a nested event loop
}

void KeysPanel::newKey()
{
    if (m_editDialog) {
        m_editDialog->raise();
        m_editDialog->activateWindow();
        return;
    }
    if (!m_manager || !m_manager->canCreate())
        return;
    auto* d = new KeyEditDialog(KeyEditDialog::Mode::Create, {}, this);
    d->setNameTaken([m = m_manager](const QString& name) { return m && m->isNameTaken(name); });
    openEditDialog(d);
}

void KeysPanel::renameSelected()
{
    const auto key = selectedKey();
    if (!key || m_editDialog || !m_manager->canChange(key->hash))
        return;
    auto* d = new KeyEditDialog(KeyEditDialog::Mode::Rename, *key, this);
    d->setNameTaken(
        [m = m_manager, hash = key->hash](const QString& name) { return m && m->isNameTaken(name, hash); });
    openEditDialog(d);
}

void KeysPanel::editLimitOfSelected()
{
    const auto key = selectedKey();
    if (!key || m_editDialog || !m_manager->canChange(key->hash))
        return;
    openEditDialog(new KeyEditDialog(KeyEditDialog::Mode::Limit, *key, this));
}

void KeysPanel::applyEdit(KeyEditDialog* dialog)
{
    if (!m_manager)
        return;
    if (dialog->mode() == KeyEditDialog::Mode::Create) {
        // The secret comes back to this panel even if the workspace is switched meanwhile (the
        // gateway hands it out only once); the dialog names the workspace it belongs to.
        m_manager->createKey(dialog->request(), this, [this](const KeySecret& secret) {
            showSecret(secret);
            emit keysChanged();
        });
        return;
    }
    m_manager->updateKey(dialog->keyHash(), dialog->update()); // refused if gone or unchanged
}

void KeysPanel::toggleSelected()
{
    const auto key = selectedKey();
    if (key)
        m_manager->setDisabled(key->hash, !key->disabled);
}

void KeysPanel::deleteSelected()
{
    const auto key = selectedKey();
    if (!key || !m_manager->canChange(key->hash))
        return;
    const ApiKeyInfo k = *key;
    const QString text =
        tr("Delete the key “%1”%2 from the workspace “%3”?\n\nPrograms that use it stop working at once. "
           "This cannot be undone.")
            .arg(k.name, k.maskedKey.isEmpty() ? QString() : u" ("_s + k.maskedKey + u")"_s,
                 m_manager->workspaceName());
    // The manager goes with its session: an answer after a switch deletes nothing.
    m_confirm(tr("Delete Key"), text, [m = m_manager, hash = k.hash](bool yes) {
        if (yes && m)
            m->deleteKey(hash);
    });
}

void KeysPanel::askDefault(const QString& title, const QString& text, std::function<void(bool)> answer)
{
    if (m_confirmBox)
        m_confirmBox->close();
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Cancel, this);
    QPushButton* yes = box->addButton(tr("&Delete Key"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_confirmBox = box;
    connect(box, &QMessageBox::finished, this,
            [box, yes, answer = std::move(answer)] { answer(box->clickedButton() == yes); });
    box->open();
}

void KeysPanel::revealSelected()
{
    const auto key = selectedKey();
    if (key)
        m_manager->revealKey(key->hash, [this](const KeySecret& secret) { showSecret(secret); });
}

void KeysPanel::onStarted(const KeyOperation& op)
{
    showMessage(tr(kWords[int(op.kind)].progress).arg(op.key.name), false);
    updateStatus();
    updateActions();
}

void KeysPanel::onFinished(const KeyOperation& op)
{
    const QString& name = op.key.name;
    const QString& now = op.result.name;
    if (op.ok()) {
        switch (op.kind) {
        case KeyOperation::Kind::Create:
            showMessage(tr("Created “%1”. Copy its secret now: it is shown only once.").arg(now), false);
            if (!op.result.hash.isEmpty())
                selectKey(op.result.hash);
            break; // keysChanged went out with the secret
        case KeyOperation::Kind::Rename:
            showMessage(tr("Renamed “%1” to “%2”.").arg(name, now), false);
            break;
        case KeyOperation::Kind::ChangeLimit:
            showMessage(
                tr("The spend limit of “%1” is now: %2.").arg(now, KeyTableModel::limitText(op.result)),
                false);
            break;
        case KeyOperation::Kind::Disable:
            showMessage(tr("Disabled “%1”: requests with it are refused until it is enabled again.").arg(now),
                        false);
            break;
        case KeyOperation::Kind::Enable:
            showMessage(tr("Enabled “%1”.").arg(now), false);
            break;
        case KeyOperation::Kind::Delete:
            showMessage(tr("Deleted “%1”.").arg(name), false);
            break;
        case KeyOperation::Kind::Reveal:
            hideMessage(); // the secret dialog says it all
            break;
        }
        if (op.kind != KeyOperation::Kind::Create && op.kind != KeyOperation::Kind::Reveal)
            emit keysChanged();
    } else if (op.outcome == KeyOperation::Outcome::NotRevealable) {
        showMessage(tr("The gateway cannot show “%1” again: it was created before keys could be revealed, "
                       "so only its prefix is kept. If the secret is lost, create a new key and delete "
                       "this one.")
                        .arg(name),
                    true);
    } else {
        const QString what = tr(kWords[int(op.kind)].failure).arg(name);
        if (op.outcome == KeyOperation::Outcome::Unsupported)
            showMessage(tr("%1 This gateway does not support that change.").arg(what), true);
        else if (op.outcome == KeyOperation::Outcome::Gone)
            showMessage(
                tr("%1 The gateway no longer has this key (deleted elsewhere?); the list was reloaded.")
                    .arg(what),
                true);
        else
            showMessage(what + u' ' + op.error.userMessage(), true);
    }
    updateStatus();
    updateActions();
}

void KeysPanel::showSecret(const KeySecret& secret)
{
    auto* d = new KeySecretDialog(secret.created ? KeySecretDialog::Reason::Created
                                                 : KeySecretDialog::Reason::Revealed,
                                  secret.keyName, secret.workspaceName, secret.secret, this);
    m_secretDialog = d;
    d->show(); // modeless: the user may paste the key elsewhere while it is open
    d->raise();
    d->activateWindow();
}

} // namespace anyrouter
