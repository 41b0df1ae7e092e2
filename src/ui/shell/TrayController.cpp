// TrayController: tray icon, menu, tooltip and the low-balance notification, over the session.
#include "ui/shell/TrayController.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/common/Format.h"
#include "ui/common/Palette.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QPainter>
#include <QSystemTrayIcon>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// The app icon with a warning dot in its lower right corner, at the sizes trays ask for.
QIcon warningIcon(const QIcon& base)
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64}) {
        QPixmap pixmap = base.pixmap(size, size);
        if (pixmap.isNull()) {
            pixmap = QPixmap(size, size);
            pixmap.fill(Qt::transparent);
        }
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal d = size * 0.5;
        const QRectF dot(size - d - 0.5, size - d - 0.5, d, d);
        p.setPen(QPen(Qt::white, qMax(1.0, size / 16.0)));
        p.setBrush(palette::color(palette::Role::Error, QPalette()));
        p.drawEllipse(dot);
        p.setPen(QPen(Qt::white, qMax(1.0, size / 12.0)));
        p.drawLine(QPointF(dot.center().x(), dot.top() + d * 0.22),
                   QPointF(dot.center().x(), dot.top() + d * 0.6));
        p.drawPoint(QPointF(dot.center().x(), dot.top() + d * 0.78));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace

TrayController::TrayController(AppContext* context, QObject* parent) : QObject(parent), m_context(context)
{
    m_normalIcon = QApplication::windowIcon();
    if (m_normalIcon.isNull())
        m_normalIcon = QIcon(u":/icons/anyrouter-desktop.svg"_s);
    m_warningIcon = warningIcon(m_normalIcon);

    m_menu = new QMenu;
    m_quickPrompt = m_menu->addAction(tr("&Quick prompt"), this, &TrayController::quickPromptRequested);
    m_open = m_menu->addAction(tr("&Open AnyRouter Desktop"), this, &TrayController::openRequested);
    m_menu->addSeparator();
    m_workspaces = m_menu->addMenu(tr("&Workspaces"));
    m_workspaceGroup = new QActionGroup(this);
    m_workspaceGroup->setExclusive(true);
    m_balance = m_menu->addAction(QString());
    m_balance->setEnabled(false);
    m_menu->addSeparator();
    m_settings = m_menu->addAction(tr("&Settings…"), this, &TrayController::settingsRequested);
    m_settings->setMenuRole(QAction::PreferencesRole);
    m_quit = m_menu->addAction(tr("&Quit"), this, &TrayController::quitRequested);
    m_quit->setMenuRole(QAction::QuitRole);

    m_icon = new QSystemTrayIcon(m_normalIcon, this);
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        // A left click (Trigger) or double click opens the window; the menu is on the right button.
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            emit openRequested();
    });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &TrayController::creditsRequested);

    WorkspaceManager* workspaces = m_context->workspaces();
    connect(workspaces, &WorkspaceManager::workspacesChanged, this, &TrayController::rebuildWorkspaces);
    connect(workspaces, &WorkspaceManager::currentChanged, this, &TrayController::rebuildWorkspaces);
    connect(m_context, &AppContext::sessionChanged, this, &TrayController::bindSession);
    rebuildWorkspaces();
    bindSession(m_context->session());
}

TrayController::~TrayController()
{
    delete m_menu; // a QMenu without a parent widget
}

void TrayController::show()
{
    m_icon->show();
}

void TrayController::hide()
{
    m_icon->hide();
}

bool TrayController::isVisible() const
{
    return m_icon->isVisible();
}

void TrayController::setQuickPromptShortcut(const QKeySequence& sequence)
{
    // Shown in the menu only: the global shortcut is grabbed elsewhere, and a QAction shortcut
    // here would fire only while the menu has the keyboard.
    const QString text = sequence.toString(QKeySequence::NativeText);
    m_quickPrompt->setText(text.isEmpty() ? tr("&Quick prompt") : tr("&Quick prompt\t%1").arg(text));
}

void TrayController::rebuildWorkspaces()
{
    for (QAction* a : m_workspaceGroup->actions()) {
        m_workspaceGroup->removeAction(a);
        delete a;
    }
    WorkspaceManager* workspaces = m_context->workspaces();
    const QString current = workspaces->current().id;
    for (const Workspace& w : workspaces->workspaces()) {
        QString label = w.name;
        label.replace(u'&', u"&&"_s); // a name is not a mnemonic
        if (w.kind == Workspace::Kind::Demo)
            label += tr(" (offline demo)");
        auto* action = m_workspaces->addAction(label);
        action->setCheckable(true);
        action->setChecked(w.id == current);
        action->setData(w.id);
        m_workspaceGroup->addAction(action);
        const QString id = w.id;
        connect(action, &QAction::triggered, this, [this, id] {
            if (m_context->workspaces()->current().id != id)
                m_context->workspaces()->select(id);
        });
    }
    m_workspaces->setEnabled(!m_workspaceGroup->actions().isEmpty());
    updateBalance();
}

void TrayController::bindSession(WorkspaceSession* session)
{
    if (m_account)
        disconnect(m_account, nullptr, this, nullptr);
    m_account = session ? session->account() : nullptr;
    if (m_account) {
        connect(m_account, &AccountStatus::creditsChanged, this, &TrayController::updateBalance);
        connect(m_account, &AccountStatus::lowBalanceChanged, this, &TrayController::onLowBalance);
        const LowBalance low = m_account->lowBalance();
        onLowBalance(low.low, low.message);
    } else {
        onLowBalance(false, QString());
    }
    updateBalance();
}

void TrayController::onLowBalance(bool low, const QString& message)
{
    m_warning = low;
    m_icon->setIcon(low ? m_warningIcon : m_normalIcon);
    const QString id = m_account ? m_account->workspaceId() : QString();
    const bool wasLow = m_wasLow.value(id, false);
    if (!id.isEmpty())
        m_wasLow.insert(id, low);
    if (low && !wasLow && !id.isEmpty()) {
        ++m_notifications;
        m_lastNotification = message;
        if (QSystemTrayIcon::supportsMessages())
            m_icon->showMessage(tr("Low balance"), message + u'\n' + tr("Click to open the credits."),
                                QSystemTrayIcon::Warning, 15000);
    }
    updateBalance();
}

QString TrayController::toolTip() const
{
    return m_icon->toolTip();
}

void TrayController::updateBalance()
{
    const Workspace current = m_context->workspaces()->current();
    QString line;
    if (current.id.isEmpty()) {
        line = tr("No workspace");
    } else if (m_account && m_account->credits() && m_account->credits()->balance) {
        line = tr("%1 left · %2").arg(format::usd(*m_account->credits()->balance), current.name);
    } else if (m_account && m_account->isReadingCredits()) {
        line = tr("Reading the balance… · %1").arg(current.name);
    } else {
        line = tr("Balance unknown · %1").arg(current.name);
    }
    QString shown = line;
    m_balance->setText(shown.replace(u'&', u"&&"_s));
    QString tip = tr("AnyRouter Desktop — %1").arg(line);
    if (m_warning && m_account)
        tip += u'\n' + m_account->lowBalance().message;
    m_icon->setToolTip(tip);
}

} // namespace anyrouter
