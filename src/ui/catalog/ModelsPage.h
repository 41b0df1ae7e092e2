// ModelsPage: the model catalog browser — filters | sortable table | details and cost calculator —
// over a CatalogRepository that shows the cached catalog at once and refreshes in the background.
// The catalog is the current WorkspaceSession's (shared with the model picker and the overview). It
// asks the shell for new chats (newChatRequested: "Use in new chat", presets) and holds no pointer to
// another page. Filter state persists in Settings::Key::CatalogFilterState.
#pragma once

#include "core/catalog/CatalogFilter.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTableView;
class QTimer;

namespace anyrouter {

class AppContext;
class CatalogRepository;
class CostCalculator;
class ModelDetailPane;
class ModelFilterPanel;
class ModelFilterProxy;
class ModelTableModel;
class WorkspaceSession;

class ModelsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ModelsPage(AppContext* context, QWidget* parent = nullptr);
    ~ModelsPage() override;

    // The conversation the cost calculator re-prices (the shell passes the chat page's current one).
    void setCurrentConversation(qint64 conversationId);
    void refresh();                      // fetch the catalog again (F5 while this page shows)
    bool selectModel(const QString& id); // false when it is not in the (filtered) table
    QString selectedModelId() const;
    void focusSearch();

    // The actions, also reachable from the detail pane and the preset field.
    bool useInNewChat(const QString& modelId);
    bool setAsWorkspaceDefault(const QString& modelId);
    bool usePreset(const QString& text); // "@preset/<name>" (or "@presets/…", or a bare name)

    CatalogRepository* repository() const { return m_repo; }
    ModelTableModel* tableModel() const { return m_model; }
    ModelFilterProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    ModelFilterPanel* filterPanel() const { return m_filters; }
    ModelDetailPane* detailPane() const { return m_detail; }
    CostCalculator* calculator() const { return m_calculator; }
    QLabel* statusLabel() const { return m_status; }
    QPushButton* refreshButton() const { return m_refresh; }
    QLineEdit* presetEdit() const { return m_presetEdit; }

signals:
    void newChatRequested(const QString& modelId); // "Use in new chat", a preset
    void chatRequested();                          // a chat was started: the shell should show the Chat page
    void statusMessage(const QString& text, int timeoutMs);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void bindSession(WorkspaceSession* session);
    void onEntriesChanged();
    void applyFilter(const CatalogFilter& filter);
    void updateStatus();
    void updateCount();
    void onCurrentRowChanged();
    void updateConversation();

    AppContext* m_context;
    CatalogRepository* m_repo = nullptr; // the current session's
    ModelTableModel* m_model;
    ModelFilterProxy* m_proxy;
    QTableView* m_table;
    ModelFilterPanel* m_filters;
    ModelDetailPane* m_detail;
    CostCalculator* m_calculator;
    QTabWidget* m_tabs;
    QSplitter* m_splitter;
    QLabel* m_status;
    QPushButton* m_refresh;
    QLineEdit* m_presetEdit;
    QPushButton* m_presetButton;
    QTimer* m_statusTimer;
    qint64 m_conversationId = 0;
    QString m_selectedId; // kept across re-filters and refreshes
};

} // namespace anyrouter
