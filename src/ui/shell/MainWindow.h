// MainWindow: the application shell — workspace selector in the toolbar, a page list on the left
// (Chat, the default, Overview, Models and Account) with the pages beside it, and a status bar
// with the connection state, one line per outage while requests retry (the plan and a Stop retrying
// button), a low-balance warning and the latest rate-limit figures.
#pragma once

#include <QMainWindow>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;
class QTimer;
class QToolButton;

namespace anyrouter {

class AccountPage;
class AppContext;
class ChatPage;
class ModelsPage;
class WorkspaceEditor;
class WorkspaceOverviewPage;
struct RateLimitInfo;
struct RetryPlan;

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
    // "Gateway unreachable — retrying in 4 s (attempt 2 of 5)"; hidden when nothing retries.
    QLabel* retryStatusLabel() const { return m_retryLabel; }
    QToolButton* stopRetryingButton() const { return m_stopRetrying; }
    void showPage(Page page);
    Page currentPage() const;
    QListWidget* navigation() const { return m_nav; }
    QComboBox* workspaceSelector() const { return m_selector; }
    // The editor of the current workspace (a new one when there is none), window-modal.
    void openWorkspaceSettings();

signals:
    void settingsRequested();    // File › Settings… (Ctrl+,; Preferences on macOS)
    void quickPromptRequested(); // File › Quick prompt

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildSelector();
    void showRateLimit(const RateLimitInfo& info);
    void showRetryPlan(const RetryPlan& plan);
    void updateRetryLine();

    AppContext* m_context;
    WorkspaceEditor* m_workspaceEditor = nullptr;
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
    QLabel* m_retryLabel;
    QToolButton* m_stopRetrying;
    QTimer* m_retryTick; // counts the wait down once a second
};

} // namespace anyrouter
