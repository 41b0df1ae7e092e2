#include "ui/shell/MainWindow.h"

#include "ui/common/Palette.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/workspace/WorkspaceEditor.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/account/AccountPage.h"
#include "ui/catalog/ModelsPage.h"
#include "ui/chat/ChatPage.h"
#include "ui/workspace/WorkspaceDialog.h"
#include "ui/workspace/WorkspaceListDialog.h"
#include "ui/workspace/WorkspaceOverviewPage.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

namespace anyrouter {

using namespace Qt::StringLiterals;

MainWindow::MainWindow(AppContext* context, QWidget* parent) : QMainWindow(parent), m_context(context)
{
    setWindowTitle(tr("AnyRouter Desktop"));
    resize(1100, 720);
    WorkspaceManager* ws = m_context->workspaces();

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(u"mainToolbar"_s);
    toolbar->setMovable(false);
    auto* wsLabel = new QLabel(tr("&Workspace:"), toolbar);
    m_selector = new QComboBox(toolbar);
    m_selector->setAccessibleName(tr("Workspace"));
    m_selector->setMinimumContentsLength(24);
    m_selector->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    wsLabel->setBuddy(m_selector);
    toolbar->addWidget(wsLabel);
    toolbar->addWidget(m_selector);
    auto* refresh = toolbar->addAction(tr("&Refresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Fetch the gateway's figures again (%1)")
                            .arg(refresh->shortcut().toString(QKeySequence::NativeText)));

    // Pages: a narrow list on the left (keyboard: Tab to it, arrows; or Ctrl+Shift+1…4).
    auto* central = new QWidget(this);
    auto* row = new QHBoxLayout(central);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    m_nav = new QListWidget(central);
    m_nav->setAccessibleName(tr("Pages"));
    m_nav->addItem(tr("Chat"));
    m_nav->addItem(tr("Overview"));
    m_nav->addItem(tr("Models"));
    m_nav->addItem(tr("Account"));
    m_nav->setFixedWidth(qMax(90, m_nav->sizeHintForColumn(0) + 24));
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setStyleSheet(
        u"QListWidget { background: palette(window); } QListWidget::item { padding: 8px 6px; }"_s);
    m_pages = new QStackedWidget(central);
    m_chat = new ChatPage(m_context, m_pages);
    m_overview = new WorkspaceOverviewPage(m_context, m_pages);
    m_pages->addWidget(m_chat);
    m_pages->addWidget(m_overview);
    m_models = new ModelsPage(m_context, m_pages);
    m_pages->addWidget(m_models);
    // Built now; its panels only observe the session (keys and usage are read once their tab shows).
    m_account = new AccountPage(m_context, m_pages);
    m_pages->addWidget(m_account);
    auto* navRule = new QFrame(central);
    navRule->setFrameShape(QFrame::VLine);
    navRule->setFrameShadow(QFrame::Sunken);
    row->addWidget(m_nav);
    row->addWidget(navRule);
    row->addWidget(m_pages, 1);
    setCentralWidget(central);
    // The pages know nothing of each other: the shell carries what one needs from another.
    connect(m_nav, &QListWidget::currentRowChanged, this, [this](int index) {
        if (index == int(Page::Models))
            m_models->setCurrentConversation(m_chat->currentConversationId()); // its cost calculator
    });
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(0);
    connect(m_chat, &ChatPage::statusMessage, this,
            [this](const QString& text, int timeoutMs) { statusBar()->showMessage(text, timeoutMs); });
    // Workspace editor (File > Workspaces…, and the chat page's "workspace settings").
    auto* wsEditor = new WorkspaceEditor(m_context->network(), m_context->workspaceStore(),
                                         m_context->secrets(), ws, this);
    m_workspaceEditor = wsEditor;
    connect(m_chat, &ChatPage::workspaceSettingsRequested, this, &MainWindow::openWorkspaceSettings);
    connect(m_account, &AccountPage::workspaceSettingsRequested, this, &MainWindow::openWorkspaceSettings);
    connect(m_overview, &WorkspaceOverviewPage::workspaceSettingsRequested, this,
            &MainWindow::openWorkspaceSettings);
    connect(refresh, &QAction::triggered, this, [this] {
        if (WorkspaceSession* session = m_context->session())
            session->refresh(); // every figure of the workspace: catalog, credits, health, keys, usage
    });
    connect(refresh, &QAction::triggered, this, [this] {
        if (currentPage() == Page::Models)
            m_models->refresh(); // F5 on the Models page also fetches the catalog again
        else if (currentPage() == Page::Account)
            m_account->refresh();
    });
    connect(m_models, &ModelsPage::newChatRequested, this, [this](const QString& modelId) {
        m_chat->newChat();
        m_chat->setModel(modelId);
    });
    connect(m_models, &ModelsPage::chatRequested, this, [this] { showPage(Page::Chat); });
    connect(m_models, &ModelsPage::statusMessage, this,
            [this](const QString& text, int timeoutMs) { statusBar()->showMessage(text, timeoutMs); });

    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* workspacesAction = fileMenu->addAction(tr("&Workspaces…"), this, [this, wsEditor, ws] {
        auto* dlg = new WorkspaceListDialog(wsEditor, ws, this);
        dlg->setAttribute(Qt::WA_DeleteOnClose);
        connect(dlg, &WorkspaceListDialog::statusChanged, this,
                [this](const QString& message) { statusBar()->showMessage(message, 10000); });
        dlg->open();
    });
    workspacesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    auto* quickPromptAction =
        fileMenu->addAction(tr("&Quick prompt"), this, &MainWindow::quickPromptRequested);
    quickPromptAction->setToolTip(tr("A small window for one question, from any application"));
    auto* settingsAction = fileMenu->addAction(tr("&Settings…"), this, &MainWindow::settingsRequested);
    settingsAction->setMenuRole(QAction::PreferencesRole); // the application menu's Preferences on macOS
    // Ctrl+, everywhere, beside the platform's own Preferences key where it has one.
    QList<QKeySequence> settingsKeys{QKeySequence(Qt::CTRL | Qt::Key_Comma)};
    for (const QKeySequence& k : QKeySequence::keyBindings(QKeySequence::Preferences)) {
        if (!settingsKeys.contains(k))
            settingsKeys.append(k);
    }
    settingsAction->setShortcuts(settingsKeys);
    fileMenu->addSeparator();
    auto* quit = fileMenu->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    auto* viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(refresh);
    viewMenu->addSeparator();
    auto* chatAction = viewMenu->addAction(tr("&Chat"), this, [this] { showPage(Page::Chat); });
    chatAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_1));
    auto* overviewAction = viewMenu->addAction(tr("&Overview"), this, [this] { showPage(Page::Overview); });
    overviewAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_2));
    auto* modelsAction = viewMenu->addAction(tr("&Models"), this, [this] { showPage(Page::Models); });
    modelsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_3));
    auto* accountAction = viewMenu->addAction(tr("&Account"), this, [this] { showPage(Page::Account); });
    accountAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_4));
    // Ctrl+1…Ctrl+9 switch workspaces.
    for (int i = 0; i < 9; ++i) {
        auto* a = new QAction(this);
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(a, &QAction::triggered, this, [this, i] {
            if (i < m_selector->count())
                m_selector->setCurrentIndex(i);
        });
        addAction(a);
    }
    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About"), this, [this] {
        QMessageBox::about(
            this, tr("About AnyRouter Desktop"),
            tr("<b>AnyRouter Desktop %1</b><p>A native client for the AnyRouter LLM gateway and "
               "any OpenAI-compatible gateway.</p>")
                .arg(QCoreApplication::applicationVersion()));
    });

    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setAccessibleName(tr("Connection state"));
    m_rateLabel = new QLabel(this);
    m_rateLabel->setAccessibleName(tr("Rate limit"));
    statusBar()->addWidget(m_connectionLabel, 1);
    // One line per outage, whatever the number of requests retrying; cancellable.
    m_retryLabel = new QLabel(this);
    m_retryLabel->setObjectName(u"retryStatus"_s);
    m_retryLabel->setAccessibleName(tr("Retry status"));
    m_retryLabel->hide();
    m_stopRetrying = new QToolButton(this);
    m_stopRetrying->setObjectName(u"stopRetrying"_s);
    m_stopRetrying->setText(tr("Stop retrying"));
    m_stopRetrying->setToolTip(
        tr("Give up on the requests waiting to be retried; their errors are shown now"));
    m_stopRetrying->setAutoRaise(true);
    m_stopRetrying->hide();
    statusBar()->addWidget(m_retryLabel);
    statusBar()->addWidget(m_stopRetrying);
    m_retryTick = new QTimer(this);
    m_retryTick->setInterval(1000);
    connect(m_retryTick, &QTimer::timeout, this, &MainWindow::updateRetryLine);
    connect(m_stopRetrying, &QToolButton::clicked, ws->client(), &ApiClient::cancelRetries);
    connect(ws->client(), &ApiClient::retryPlanChanged, this, &MainWindow::showRetryPlan);
    m_balanceLabel = new QLabel(this);
    m_balanceLabel->setAccessibleName(tr("Low balance warning"));
    m_balanceLabel->setStyleSheet(
        u"QLabel { %1 font-weight: 600; }"_s.arg(palette::textCss(palette::Role::Error)));
    m_balanceLabel->setCursor(Qt::PointingHandCursor);
    m_balanceLabel->installEventFilter(this);
    m_balanceLabel->hide();
    statusBar()->addPermanentWidget(m_balanceLabel);
    statusBar()->addPermanentWidget(m_rateLabel);
    // The selected workspace's low-balance state: shown at once on a switch, then followed.
    const auto showLowBalance = [this](bool low, const QString& message) {
        m_balanceLabel->setText(low ? message : QString());
        m_balanceLabel->setToolTip(low ? tr("Click to open the credits panel") : QString());
        m_balanceLabel->setVisible(low);
    };
    const auto observeBalance = [this, showLowBalance](WorkspaceSession* session) {
        AccountStatus* account = session ? session->account() : nullptr;
        const LowBalance state = account ? account->lowBalance() : LowBalance{};
        showLowBalance(state.low, state.message);
        if (account)
            connect(account, &AccountStatus::lowBalanceChanged, this, showLowBalance);
    };
    connect(m_context, &AppContext::sessionChanged, this, observeBalance);
    observeBalance(m_context->session());
    connect(m_overview, &WorkspaceOverviewPage::connectionStateChanged, this,
            [this](const QString& text, bool) { m_connectionLabel->setText(text); });
    connect(ws->client(), &ApiClient::rateLimitChanged, this, &MainWindow::showRateLimit);

    connect(ws, &WorkspaceManager::workspacesChanged, this, &MainWindow::rebuildSelector);
    // currentIndexChanged alone: `activated` would select the same workspace a second time.
    connect(m_selector, &QComboBox::currentIndexChanged, this, [this, ws](int index) {
        const QString id = m_selector->itemData(index).toString();
        if (!id.isEmpty() && id != ws->current().id)
            ws->select(id);
    });
    connect(ws, &WorkspaceManager::currentChanged, this, [this](const Workspace& w) {
        const int idx = m_selector->findData(w.id);
        if (idx >= 0 && idx != m_selector->currentIndex()) {
            const QSignalBlocker block(m_selector);
            m_selector->setCurrentIndex(idx);
        }
        m_rateLabel->clear();
        m_connectionLabel->setText(tr("Connecting to %1…").arg(w.baseUrl.host()));
        setWindowTitle(tr("%1 — AnyRouter Desktop").arg(w.name));
    });
    rebuildSelector();
}

void MainWindow::openWorkspaceSettings()
{
    WorkspaceManager* ws = m_context->workspaces();
    auto* dlg =
        new WorkspaceDialog(m_workspaceEditor, ws->find(ws->current().id), this); // none yet: a new one
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &WorkspaceDialog::saved, this,
            [this](const Workspace&, const QString& message) { statusBar()->showMessage(message, 10000); });
    dlg->open();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_balanceLabel && event->type() == QEvent::MouseButtonRelease) {
        showPage(Page::Account);
        m_account->showTab(AccountPage::Tab::Credits);
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::showPage(Page page)
{
    m_nav->setCurrentRow(int(page)); // the list is in Page order
    if (page == Page::Chat)
        m_chat->focusComposer();
    else if (page == Page::Models)
        m_models->focusSearch();
}

MainWindow::Page MainWindow::currentPage() const
{
    if (m_pages->currentWidget() == m_models)
        return Page::Models;
    if (m_pages->currentWidget() == m_account)
        return Page::Account;
    return m_pages->currentWidget() == m_chat ? Page::Chat : Page::Overview;
}

void MainWindow::rebuildSelector()
{
    WorkspaceManager* ws = m_context->workspaces();
    const QSignalBlocker block(m_selector);
    m_selector->clear();
    for (const Workspace& w : ws->workspaces()) {
        QString label = w.name;
        if (w.kind == Workspace::Kind::Demo)
            label += tr(" (offline demo)");
        m_selector->addItem(label, w.id);
    }
    const int idx = m_selector->findData(ws->current().id);
    if (idx >= 0)
        m_selector->setCurrentIndex(idx);
}

void MainWindow::showRetryPlan(const RetryPlan& plan)
{
    m_retryLabel->setVisible(plan.active);
    m_stopRetrying->setVisible(plan.active);
    if (!plan.active) {
        m_retryTick->stop();
        m_retryLabel->clear();
        return;
    }
    if (!m_retryTick->isActive())
        m_retryTick->start();
    updateRetryLine();
}

void MainWindow::updateRetryLine()
{
    ApiClient* client = m_context->workspaces()->client();
    const RetryPlan plan = client->retryPlan();
    if (!plan.active)
        return;
    QString what;
    switch (plan.category) {
    case ApiError::Category::RateLimited:
        what = tr("Rate limited by the gateway");
        break;
    case ApiError::Category::Upstream:
    case ApiError::Category::Server:
        what = plan.httpStatus > 0 ? tr("The gateway is failing (HTTP %1)").arg(plan.httpStatus)
                                   : tr("The gateway is failing");
        break;
    case ApiError::Category::Timeout:
        what = tr("The gateway is not answering");
        break;
    default:
        what = tr("Gateway unreachable");
        break;
    }
    const QString attempt = QString::number(plan.nextAttempt);
    const QString of = QString::number(plan.maxAttempts);
    const qint64 waitMs = plan.retryAtMs - client->clock()->nowMs();
    if (plan.retryAtMs > 0 && waitMs > 0) {
        const int secs = int((waitMs + 999) / 1000);
        m_retryLabel->setText(
            tr("%1 — retrying in %n s (attempt %2 of %3)", nullptr, secs).arg(what, attempt, of));
    } else {
        m_retryLabel->setText(tr("%1 — retrying now (attempt %2 of %3)").arg(what, attempt, of));
    }
}

void MainWindow::showRateLimit(const RateLimitInfo& info)
{
    QString text;
    if (info.remaining && info.limit)
        text = tr("Requests left: %1/%2").arg(*info.remaining).arg(*info.limit);
    else if (info.remaining)
        text = tr("Requests left: %1").arg(*info.remaining);
    if (info.resetAt.isValid()) {
        const qint64 secs = qMax<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(info.resetAt));
        text += tr(" · resets in %1 s").arg(secs);
    }
    if (info.upstreamRemaining)
        text += tr(" · upstream left: %1").arg(*info.upstreamRemaining);
    m_rateLabel->setText(text);
}

} // namespace anyrouter
