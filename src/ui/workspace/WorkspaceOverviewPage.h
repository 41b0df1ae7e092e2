// WorkspaceOverviewPage: what the selected workspace's gateway says right now — connection and key
// state, gateway health per provider, catalog size, credit balance and rate-limit figures. Every
// figure is fetched live; panels whose endpoint the gateway lacks say so instead of failing.
#pragma once

#include "core/domain/Account.h"
#include "core/domain/ModelInfo.h"
#include "core/domain/Workspace.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace anyrouter {

class WorkspaceManager;
class ApiError;

class WorkspaceOverviewPage : public QWidget
{
    Q_OBJECT
public:
    explicit WorkspaceOverviewPage(WorkspaceManager* workspaces, QWidget* parent = nullptr);

    void refresh();
    // For tests and the status bar: the last known figures.
    qint64 modelCount() const { return m_modelCount; }
    std::optional<double> balance() const { return m_balance; }
    QString connectionText() const;

signals:
    void connectionStateChanged(const QString& text, bool ok);

private:
    void showWorkspace(const Workspace& ws);
    void setConnection(const QString& text, bool ok);
    void showModels(const QList<ModelInfo>& models);

    WorkspaceManager* m_workspaces;
    QLabel* m_title;
    QLabel* m_url;
    QLabel* m_keyState;
    QLabel* m_connection;
    QLabel* m_models;
    QLabel* m_credits;
    QLabel* m_health;
    QTableWidget* m_providers;
    QTableWidget* m_cheapest;
    qint64 m_modelCount = -1;
    std::optional<double> m_balance;
    quint64 m_refreshGeneration = 0;
};

} // namespace anyrouter
