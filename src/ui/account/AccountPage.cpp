// AccountPage: the four account panels in tabs.
#include "ui/account/AccountPage.h"

#include "core/AppContext.h"
#include "ui/account/CreditsPanel.h"
#include "ui/account/HealthPanel.h"
#include "ui/account/KeysPanel.h"
#include "ui/account/UsagePanel.h"

#include <QTabWidget>
#include <QVBoxLayout>

namespace anyrouter {

AccountPage::AccountPage(AppContext* context, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_credits = new CreditsPanel(context, m_tabs);
    m_keys = new KeysPanel(context, m_tabs);
    // Built at start-up but mostly unseen: keys and usage are fetched when their tab is shown (credits
    // and health are read by the session at once, whoever shows them).
    m_usage = new UsagePanel(context, m_tabs);
    m_health = new HealthPanel(context, m_tabs);
    m_tabs->addTab(m_credits, tr("&Credits"));
    m_tabs->addTab(m_keys, tr("API &Keys"));
    m_tabs->addTab(m_usage, tr("&Usage"));
    m_tabs->addTab(m_health, tr("&Health"));
    layout->addWidget(m_tabs);

    connect(m_credits, &CreditsPanel::workspaceSettingsRequested, this,
            &AccountPage::workspaceSettingsRequested);
    connect(m_keys, &KeysPanel::workspaceSettingsRequested, this, &AccountPage::workspaceSettingsRequested);
    connect(m_usage, &UsagePanel::workspaceSettingsRequested, this, &AccountPage::workspaceSettingsRequested);
}

void AccountPage::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

AccountPage::Tab AccountPage::currentTab() const
{
    return Tab(m_tabs->currentIndex());
}

void AccountPage::refresh()
{
    switch (currentTab()) {
    case Tab::Credits:
        m_credits->refresh();
        break;
    case Tab::Keys:
        m_keys->refresh();
        break;
    case Tab::Usage:
        m_usage->refresh();
        break;
    case Tab::Health:
        m_health->refresh();
        break;
    }
}

} // namespace anyrouter
