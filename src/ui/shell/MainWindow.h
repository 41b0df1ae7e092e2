// MainWindow: the application shell — workspace selector in the toolbar, a page list on the left
// (Chat, the default, Overview, Models and Account) with the pages beside it, and a status bar
// with the connection state, a low-balance warning and the latest rate-limit figures.
#pragma once

#include <QMainWindow>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace anyrouter {

class AccountPage;
class AppContext;
class ChatPage;
class ModelsPage;
class WorkspaceOverviewPage;
struct RateLimitInfo;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(AppContext* context, QWidget* parent = nullptr);

    enum class Page
    {
        Chat,
        Overview,
        Models,
        Account
    };

    WorkspaceOverviewPage* overviewPage() const { return m_overview; }
    ChatPage* chatPage() const { return m_chat; }
    ModelsPage* modelsPage() const { return m_models; }
    AccountPage* accountPage() const { return m_account; }
    QLabel* lowBalanceLabel() const { return m_balanceLabel; }
    void showPage(Page page);
    Page currentPage() const;
    QListWidget* navigation() const { return m_nav; }
    QComboBox* workspaceSelector() const { return m_selector; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildSelector();
    void showRateLimit(const RateLimitInfo& info);

    AppContext* m_context;
    QComboBox* m_selector;
    WorkspaceOverviewPage* m_overview;
    ChatPage* m_chat;
    ModelsPage* m_models;
    AccountPage* m_account;
    QListWidget* m_nav;
    QStackedWidget* m_pages;
    QLabel* m_connectionLabel;
    QLabel* m_rateLabel;
    QLabel* m_balanceLabel;
};

} // namespace anyrouter
