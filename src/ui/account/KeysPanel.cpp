// KeysPanel: key list, actions, explanations and the workspace re-binding of the Keys page.
#include "ui/account/KeysPanel.h"

#include "ui/account/KeyEditDialog.h"
#include "ui/account/KeySecretDialog.h"
#include "ui/account/KeyTableModel.h"

#include "core/workspace/WorkspaceManager.h"

#include <QAction>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
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

Q_LOGGING_CATEGORY(lcKeys, "anyrouter.ui.keys")

namespace {

enum StackPage
{
    TablePage,
    StatePage
};

// A management answer may carry only part of the row (or nothing): keep what we knew and apply the
// change ourselves, so the row never goes blank.
ApiKeyInfo merged(const ApiKeyInfo& before, const ApiKeyInfo& answer, const KeyUpdate& u)
{
    if (!answer.name.isEmpty() || !answer.maskedKey.isEmpty()) {
        ApiKeyInfo out = answer;
        out.hash = before.hash;
        return out;
    }
    ApiKeyInfo out = before;
    if (u.name)
        out.name = *u.name;
    if (u.disabled)
        out.disabled = *u.disabled;
    if (u.limit)
        out.limit = *u.limit;
    if (u.limitReset)
        out.limitReset = *u.limitReset;
    return out;
}

} // namespace

KeysPanel::KeysPanel(WorkspaceManager* workspaces, QWidget* parent)
    : QWidget(parent), m_workspaces(workspaces), m_model(new KeyTableModel(this)),
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
    m_stateText = new QLabel(stateColumn);
    m_stateText->setAlignment(Qt::AlignHCenter);
    m_stateText->setTextFormat(Qt::PlainText);
    m_stateText->setWordWrap(true);
    m_stateText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stateText->setAccessibleName(tr("Explanation"));
    stateLayout->addWidget(m_stateTitle);
    stateLayout->addWidget(m_stateText);
    auto* stateButtons = new QHBoxLayout;
    stateButtons->addStretch(1);
    m_settingsButton = new QPushButton(tr("&Workspace Settings…"), stateColumn);
    m_settingsButton->setAccessibleName(tr("Open the workspace settings"));
    m_retryButton = new QPushButton(tr("&Try Again"), stateColumn);
    m_emptyNewButton = new QPushButton(tr("&New Key…"), stateColumn);
    stateButtons->addWidget(m_settingsButton);
    stateButtons->addWidget(m_retryButton);
    stateButtons->addWidget(m_emptyNewButton);
    stateButtons->addStretch(1);
    stateLayout->addSpacing(8);
    stateLayout->addLayout(stateButtons);
    stateLayout->addStretch(2);
    connect(m_settingsButton, &QPushButton::clicked, this, &KeysPanel::workspaceSettingsRequested);
    connect(m_retryButton, &QPushButton::clicked, this, &KeysPanel::refresh);
    connect(m_emptyNewButton, &QPushButton::clicked, this, &KeysPanel::newKey);
    m_stack->addWidget(statePage);
    layout->addWidget(m_stack, 1);

    m_confirm = [this](const QString& title, const QString& text, std::function<void(bool)> answer) {
        askDefault(title, text, std::move(answer));
    };

    connect(m_workspaces, &WorkspaceManager::currentChanged, this, &KeysPanel::bindWorkspace);
    connect(m_workspaces, &WorkspaceManager::keysReady, this, [this](const Workspace& ws) {
        if (ws.id == m_workspace.id && !deferIfHidden())
            refresh();
    });

    const Workspace current = m_workspaces->current();
    if (current.id.isEmpty()) {
        setState(State::NoWorkspace);
    } else {
        bindWorkspace(current);
        if (m_workspaces->keyState() != WorkspaceManager::KeyState::Loading)
            refresh();
    }
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

void KeysPanel::setConfirmHandler(ConfirmHandler handler)
{
    m_confirm = std::move(handler);
}

void KeysPanel::bindWorkspace(const Workspace& ws)
{
    ++m_workspaceGeneration;
    ++m_listGeneration;
    m_workspace = ws;
    m_listInFlight = false;
    m_pending.clear();
    m_creating = 0;
    m_listedAt = {};
    // Dialogs about the previous workspace's keys make no sense any more. A secret dialog stays: it
    // names its workspace, and its key exists whichever workspace is shown.
    if (m_editDialog)
        m_editDialog->reject();
    if (m_confirmBox)
        m_confirmBox->close();
    hideMessage();
    m_model->clear();
    m_title->setText(ws.name.isEmpty() ? tr("API Keys") : tr("API Keys — %1").arg(ws.name));
    setState(ws.id.isEmpty() ? State::NoWorkspace : State::Loading);
}

void KeysPanel::refresh()
{
    if (m_workspace.id.isEmpty()) {
        setState(State::NoWorkspace);
        return;
    }
    const auto keyState = m_workspaces->keyState();
    if (keyState == WorkspaceManager::KeyState::Loading) {
        setState(State::Loading); // keysReady calls again
        return;
    }
    if (keyState == WorkspaceManager::KeyState::KeychainUnavailable) {
        setState(State::NoKey, {}, m_workspaces->keyStateMessage());
        return;
    }
    ApiClient* client = m_workspaces->client();
    if (!client->hasInferenceKey() && !client->hasManagementKey()) {
        setState(State::NoKey);
        return;
    }
    if (m_state != State::Keys && m_state != State::Empty)
        setState(State::Loading);
    const quint64 gen = ++m_listGeneration;
    m_listInFlight = true;
    updateStatus();
    updateActions();
    m_workspaces->account()->listKeys(this, [this, gen](const Result<QList<ApiKeyInfo>>& r) {
        if (gen != m_listGeneration)
            return; // a newer list, or another workspace, took over
        m_listInFlight = false;
        if (r.unsupported) {
            m_model->clear();
            setState(State::Unsupported);
            return;
        }
        if (!r.ok()) {
            qCInfo(lcKeys) << "key list failed:" << ApiError::categoryName(r.error.category())
                           << r.error.httpStatus();
            switch (r.error.category()) {
            case ApiError::Category::Permission:
                m_model->clear();
                setState(State::NoPermission, {},
                         r.error.serverMessage().isEmpty() ? QString()
                                                           : tr("The gateway said: “%1” (HTTP %2).")
                                                                 .arg(r.error.serverMessage())
                                                                 .arg(r.error.httpStatus()));
                return;
            case ApiError::Category::Auth:
                m_model->clear();
                setState(State::Rejected);
                return;
            default:
                break;
            }
            if (m_state == State::Keys || m_state == State::Empty) {
                // Keep the list we have; say that it may be out of date.
                showMessage(tr("Could not refresh the key list. %1").arg(r.error.userMessage()), true);
                updateStatus();
                updateActions();
            } else {
                setState(State::Failed, {}, r.error.userMessage());
            }
            return;
        }
        const QString selected = selectedHash();
        m_model->setKeys(r.value);
        m_listedAt = QDateTime::currentDateTime();
        qCDebug(lcKeys) << "listed" << r.value.size() << "keys";
        setState(r.value.isEmpty() ? State::Empty : State::Keys);
        if (!selected.isEmpty())
            selectKey(selected);
    });
}

void KeysPanel::setState(State s, const QString& title, const QString& text)
{
    m_state = s;
    QString t = title, body = text;
    bool settings = false, retry = false, create = false;
    switch (s) {
    case State::NoWorkspace:
        t = tr("No workspace selected");
        body = tr("Choose a workspace in the toolbar, or create one, to manage its API keys.");
        settings = true;
        break;
    case State::Loading:
        t = tr("Loading…");
        body = tr("Fetching the key list from %1.").arg(m_workspace.baseUrl.host());
        break;
    case State::Keys:
        break;
    case State::Empty:
        t = tr("No API keys yet");
        body = tr("This workspace has no API keys. Create one with New Key (%1).")
                   .arg(m_newAction->shortcuts().value(1).toString(QKeySequence::NativeText));
        create = true;
        break;
    case State::NoPermission: {
        t = tr("Key management needs a management key");
        const QString explanation =
            m_workspaces->client()->hasManagementKey()
                ? tr("This workspace's management key cannot manage API keys. Check its permissions on the "
                     "gateway, or replace it in the workspace settings.")
                : tr("This workspace's key cannot manage API keys. Add a management key (ak_…) in the "
                     "workspace settings.");
        body = text.isEmpty() ? explanation : explanation + u"\n\n"_s + text;
        settings = true;
        break;
    }
    case State::Rejected:
        t = tr("The gateway rejected this workspace's key");
        body = tr("The key was refused (401): it may be mistyped, revoked, disabled or expired. Check the "
                  "keys in the workspace settings.");
        settings = true;
        break;
    case State::NoKey:
        t = tr("No key for this workspace");
        if (body.isEmpty())
            body = tr("Add an API key or a management key (ak_…) in the workspace settings to manage keys.");
        settings = true;
        break;
    case State::Unsupported:
        t = tr("Key management is not available");
        body = tr("This gateway does not offer key management. Manage its keys on the gateway's own "
                  "website, if it has one.");
        break;
    case State::Failed:
        t = tr("Could not load the keys");
        retry = true;
        break;
    }
    if (!title.isEmpty())
        t = title;
    m_stateTitle->setText(t);
    m_stateText->setText(body);
    m_stateText->setVisible(!body.isEmpty());
    m_settingsButton->setVisible(settings);
    m_retryButton->setVisible(retry);
    m_emptyNewButton->setVisible(create);
    const bool hadFocus = m_stack->currentIndex() == TablePage && m_table->hasFocus();
    m_stack->setCurrentIndex(s == State::Keys ? TablePage : StatePage);
    if (hadFocus && s != State::Keys)
        setFocus(); // keep keyboard shortcuts working when the table goes away
    if (s != State::Keys && s != State::Empty && s != State::Loading)
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
    return m_stateText->text();
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
    m_messageBar->setStyleSheet(
        error ? u"QFrame#keysMessageBar { background: rgba(207, 34, 46, 0.12); border: 1px solid "
                "rgba(207, 34, 46, 0.5); border-radius: 4px; }"_s
              : u"QFrame#keysMessageBar { background: rgba(26, 127, 55, 0.10); border: 1px solid "
                "rgba(26, 127, 55, 0.45); border-radius: 4px; }"_s);
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
    if (m_state == State::Keys || m_state == State::Empty) {
        const QList<ApiKeyInfo>& keys = m_model->keys();
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
        if (m_listedAt.isValid())
            parts << tr("listed at %1").arg(QLocale().toString(m_listedAt.time(), QLocale::ShortFormat));
        text = parts.join(u" · "_s);
    }
    if (m_listInFlight && m_state != State::Loading)
        text = text.isEmpty() ? tr("Refreshing…") : text + u" · "_s + tr("refreshing…");
    if (!m_pending.isEmpty() || m_creating > 0)
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
    const bool editable = key && !m_pending.contains(key->hash);
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
    m_refreshAction->setEnabled(!m_workspace.id.isEmpty() && !m_listInFlight);
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

bool KeysPanel::deferIfHidden()
{
    if (!m_deferWhileHidden || isVisible())
        return false;
    m_stale = true;
    return true;
}

bool KeysPanel::event(QEvent* e)
{
    if (e->type() == QEvent::Show && m_stale) {
        m_stale = false;
        QMetaObject::invokeMethod(this, &KeysPanel::refresh, Qt::QueuedConnection);
    }
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
    if (m_state != State::Keys && m_state != State::Empty)
        return;
    auto* d = new KeyEditDialog(KeyEditDialog::Mode::Create, {}, this);
    d->setNameTaken([this](const QString& name) { return m_model->containsName(name); });
    openEditDialog(d);
}

void KeysPanel::renameSelected()
{
    const auto key = selectedKey();
    if (!key || m_editDialog || m_pending.contains(key->hash))
        return;
    auto* d = new KeyEditDialog(KeyEditDialog::Mode::Rename, *key, this);
    const QString hash = key->hash;
    d->setNameTaken([this, hash](const QString& name) { return m_model->containsName(name, hash); });
    openEditDialog(d);
}

void KeysPanel::editLimitOfSelected()
{
    const auto key = selectedKey();
    if (!key || m_editDialog || m_pending.contains(key->hash))
        return;
    openEditDialog(new KeyEditDialog(KeyEditDialog::Mode::Limit, *key, this));
}

void KeysPanel::applyEdit(KeyEditDialog* dialog)
{
    if (dialog->mode() == KeyEditDialog::Mode::Create) {
        createKey(dialog->request());
        return;
    }
    const int row = m_model->rowOfHash(dialog->keyHash());
    if (row < 0)
        return; // gone meanwhile (a refresh dropped it)
    const ApiKeyInfo key = m_model->keyAt(row);
    const KeyUpdate u = dialog->update();
    if (!u.name && !u.limit && !u.limitReset)
        return;
    if (dialog->mode() == KeyEditDialog::Mode::Rename) {
        updateKey(key, u, tr("Renaming “%1”…").arg(key.name), [old = key.name](const ApiKeyInfo& k) {
            return tr("Renamed “%1” to “%2”.").arg(old, k.name);
        });
    } else {
        updateKey(key, u, tr("Changing the spend limit of “%1”…").arg(key.name), [](const ApiKeyInfo& k) {
            return tr("The spend limit of “%1” is now: %2.").arg(k.name, KeyTableModel::limitText(k));
        });
    }
}

void KeysPanel::toggleSelected()
{
    const auto key = selectedKey();
    if (!key || m_pending.contains(key->hash))
        return;
    KeyUpdate u;
    u.disabled = !key->disabled;
    if (*u.disabled) {
        updateKey(*key, u, tr("Disabling “%1”…").arg(key->name), [](const ApiKeyInfo& k) {
            return tr("Disabled “%1”: requests with it are refused until it is enabled again.").arg(k.name);
        });
    } else {
        updateKey(*key, u, tr("Enabling “%1”…").arg(key->name),
                  [](const ApiKeyInfo& k) { return tr("Enabled “%1”.").arg(k.name); });
    }
}

QString KeysPanel::mutationError(const QString& what, const ApiKeyInfo& key, const ApiError& error)
{
    Q_UNUSED(key)
    const int status = error.httpStatus();
    if (status == 405 || status == 501)
        return tr("%1 This gateway does not support that change.").arg(what);
    if (error.category() == ApiError::Category::NotFound) {
        refresh(); // someone else deleted it: show the list as it is now
        return tr("%1 The gateway no longer has this key (deleted elsewhere?); the list was reloaded.")
            .arg(what);
    }
    return what + u' ' + error.userMessage();
}

void KeysPanel::updateKey(const ApiKeyInfo& key, const KeyUpdate& update, const QString& progress,
                          std::function<QString(const ApiKeyInfo&)> doneText)
{
    const quint64 gen = m_workspaceGeneration;
    m_pending.insert(key.hash);
    showMessage(progress, false);
    updateStatus();
    updateActions();
    QString failText;
    if (update.name)
        failText = tr("Could not rename “%1”.").arg(key.name);
    else if (update.disabled)
        failText = *update.disabled ? tr("Could not disable “%1”.").arg(key.name)
                                    : tr("Could not enable “%1”.").arg(key.name);
    else
        failText = tr("Could not change the spend limit of “%1”.").arg(key.name);
    m_workspaces->account()->updateKey(
        key.hash, update, this,
        [this, gen, key, update, failText, doneText = std::move(doneText)](const Result<ApiKeyInfo>& r) {
            if (gen != m_workspaceGeneration)
                return; // answer for a workspace no longer shown
            m_pending.remove(key.hash);
            if (!r.ok()) {
                showMessage(mutationError(failText, key, r.error), true);
                updateStatus();
                updateActions();
                return;
            }
            const ApiKeyInfo now = merged(key, r.value, update);
            if (m_model->rowOfHash(key.hash) >= 0)
                m_model->upsertKey(now);
            showMessage(doneText(now), false);
            updateStatus();
            updateActions();
            emit keysChanged();
        });
}

void KeysPanel::deleteSelected()
{
    const auto key = selectedKey();
    if (!key || m_pending.contains(key->hash))
        return;
    const quint64 gen = m_workspaceGeneration;
    const ApiKeyInfo k = *key;
    const QString text =
        tr("Delete the key “%1”%2 from the workspace “%3”?\n\nPrograms that use it stop working at once. "
           "This cannot be undone.")
            .arg(k.name, k.maskedKey.isEmpty() ? QString() : u" ("_s + k.maskedKey + u")"_s,
                 m_workspace.name);
    m_confirm(tr("Delete Key"), text, [this, gen, k](bool yes) {
        if (!yes || gen != m_workspaceGeneration || m_model->rowOfHash(k.hash) < 0)
            return;
        deleteKey(k);
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

void KeysPanel::deleteKey(const ApiKeyInfo& key)
{
    const quint64 gen = m_workspaceGeneration;
    m_pending.insert(key.hash);
    showMessage(tr("Deleting “%1”…").arg(key.name), false);
    updateStatus();
    updateActions();
    m_workspaces->account()->deleteKey(key.hash, this, [this, gen, key](const Result<bool>& r) {
        if (gen != m_workspaceGeneration)
            return;
        m_pending.remove(key.hash);
        if (!r.ok()) {
            showMessage(mutationError(tr("Could not delete “%1”.").arg(key.name), key, r.error), true);
            updateStatus();
            updateActions();
            return;
        }
        m_model->removeKey(key.hash);
        if (m_model->rowCount() == 0)
            setState(State::Empty);
        showMessage(tr("Deleted “%1”.").arg(key.name), false);
        updateStatus();
        updateActions();
        emit keysChanged();
    });
}

void KeysPanel::createKey(const NewKeyRequest& request)
{
    const quint64 gen = m_workspaceGeneration;
    const QString workspaceName = m_workspace.name;
    ++m_creating;
    showMessage(tr("Creating “%1”…").arg(request.name), false);
    updateStatus();
    m_workspaces->account()->createKey(
        request, this, [this, gen, workspaceName, name = request.name](const Result<CreatedKey>& r) {
            const bool current = gen == m_workspaceGeneration;
            if (current)
                --m_creating;
            if (!r.ok()) {
                if (current) {
                    showMessage(tr("Could not create “%1”. %2").arg(name, r.error.userMessage()), true);
                    updateStatus();
                }
                return;
            }
            const QString keyName = r.value.info.name.isEmpty() ? name : r.value.info.name;
            // Even when the user has switched workspaces meanwhile the secret is shown: this is the
            // only time the gateway hands it out, and the dialog names the workspace it belongs to.
            showSecret(true, keyName, workspaceName, r.value.secret);
            emit keysChanged();
            if (!current)
                return;
            showMessage(tr("Created “%1”. Copy its secret now: it is shown only once.").arg(keyName), false);
            if (r.value.info.hash.isEmpty()) {
                refresh(); // a gateway that answers with the secret only: list to get the row
            } else {
                m_model->upsertKey(r.value.info);
                if (m_state != State::Keys)
                    setState(State::Keys);
                selectKey(r.value.info.hash);
            }
            updateStatus();
            updateActions();
        });
}

void KeysPanel::revealSelected()
{
    const auto key = selectedKey();
    if (!key || !key->canReveal || m_pending.contains(key->hash))
        return;
    const quint64 gen = m_workspaceGeneration;
    const ApiKeyInfo k = *key;
    const QString workspaceName = m_workspace.name;
    m_pending.insert(k.hash);
    showMessage(tr("Asking the gateway for the secret of “%1”…").arg(k.name), false);
    updateStatus();
    updateActions();
    m_workspaces->account()->revealKey(k.hash, this, [this, gen, k, workspaceName](const Result<QString>& r) {
        if (gen != m_workspaceGeneration)
            return; // the user moved on; do not pop a secret up unasked
        m_pending.remove(k.hash);
        if (!r.ok()) {
            if (r.error.category() == ApiError::Category::Conflict) {
                showMessage(
                    tr("The gateway cannot show “%1” again: it was created before keys could be "
                       "revealed, so only its prefix is kept. If the secret is lost, create a new key "
                       "and delete this one.")
                        .arg(k.name),
                    true);
                ApiKeyInfo noReveal = k;
                noReveal.canReveal = false;
                if (m_model->rowOfHash(k.hash) >= 0)
                    m_model->upsertKey(noReveal);
            } else {
                showMessage(mutationError(tr("Could not reveal “%1”.").arg(k.name), k, r.error), true);
            }
            updateStatus();
            updateActions();
            return;
        }
        hideMessage();
        showSecret(false, k.name, workspaceName, r.value);
        updateStatus();
        updateActions();
    });
}

void KeysPanel::showSecret(bool created, const QString& keyName, const QString& workspaceName,
                           const QString& secret)
{
    auto* d =
        new KeySecretDialog(created ? KeySecretDialog::Reason::Created : KeySecretDialog::Reason::Revealed,
                            keyName, workspaceName, secret, this);
    m_secretDialog = d;
    d->show(); // modeless: the user may paste the key elsewhere while it is open
    d->raise();
    d->activateWindow();
}

} // namespace anyrouter
