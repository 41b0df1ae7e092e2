// AccountPage: the account console — credits, API keys, usage charts and gateway health of the
// selected workspace, one tab each. Every panel re-binds to the workspace on its own; this page only
// hosts them and passes their requests (open the workspace settings) to the window.
#pragma once

#include <QWidget>

class QTabWidget;

namespace anyrouter {

class AppContext;
class CreditsPanel;
class HealthPanel;
class KeysPanel;
class UsagePanel;

class AccountPage : public QWidget
{
    Q_OBJECT
public:
    enum class Tab
    {
        Credits,
        Keys,
        Usage,
        Health
    };

    explicit AccountPage(AppContext* context, QWidget* parent = nullptr);

    void showTab(Tab tab);
    Tab currentTab() const;
    void refresh(); // the visible tab fetches again (F5)

    QTabWidget* tabs() const { return m_tabs; }
    CreditsPanel* creditsPanel() const { return m_credits; }
    KeysPanel* keysPanel() const { return m_keys; }
    UsagePanel* usagePanel() const { return m_usage; }
    HealthPanel* healthPanel() const { return m_health; }

signals:
    void workspaceSettingsRequested();

private:
    QTabWidget* m_tabs;
    CreditsPanel* m_credits;
    KeysPanel* m_keys;
    UsagePanel* m_usage;
    HealthPanel* m_health;
};

} // namespace anyrouter
