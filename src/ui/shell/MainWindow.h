// MainWindow: the application shell — workspace selector in the toolbar, the pages, and a status bar
// with the connection state and the latest rate-limit figures.
#pragma once

#include <QMainWindow>

class QComboBox;
class QLabel;

namespace anyrouter {

class AppContext;
class WorkspaceOverviewPage;
struct RateLimitInfo;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(AppContext* context, QWidget* parent = nullptr);

    WorkspaceOverviewPage* overviewPage() const { return m_overview; }
    QComboBox* workspaceSelector() const { return m_selector; }

private:
    void rebuildSelector();
    void showRateLimit(const RateLimitInfo& info);

    AppContext* m_context;
    QComboBox* m_selector;
    WorkspaceOverviewPage* m_overview;
    QLabel* m_connectionLabel;
    QLabel* m_rateLabel;
};

} // namespace anyrouter
