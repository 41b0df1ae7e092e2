// HealthPanel: the Health part of the account console — gateway status and a sortable per-provider
// table (status with a coloured dot, latency) from GET /health, the time of the last check, and the
// latest rate-limit figures the gateway sent (ApiClient::rateLimitChanged). Refreshes itself every
// 60 s while visible and not at all while hidden; a gateway without /health is told so.
#pragma once

#include "core/api/RateLimitInfo.h"
#include "core/domain/Account.h"

#include <QDateTime>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace anyrouter {

class WorkspaceManager;
struct Workspace;

class HealthPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 60'000;

    explicit HealthPanel(WorkspaceManager* workspaces, QWidget* parent = nullptr);

    void refresh();
    // Tests shorten the interval; the app keeps the default minute.
    void setAutoRefreshInterval(int ms);
    int autoRefreshInterval() const;
    bool isAutoRefreshActive() const;

    QString gatewayStatusText() const;
    QString rateLimitText() const;
    QDateTime lastChecked() const { return m_lastChecked; }
    QTableWidget* providerTable() const { return m_table; }

    // Plain words for a rate-limit snapshot, e.g. "598 of 600 requests left this window; resets at 12:04."
    static QString describeRateLimit(const RateLimitInfo& info);

signals:
    // A /health check for the current workspace finished (ok: the status was read).
    void refreshFinished(bool ok);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void showWorkspace(const Workspace& ws);
    void showHealth(const HealthStatus& h);
    void showMessage(const QString& text, const QColor& dot);
    void showRateLimit(const RateLimitInfo& info);
    void updateChecked();

    WorkspaceManager* m_workspaces;
    QString m_workspaceId;
    quint64 m_generation = 0;
    QDateTime m_lastChecked;
    bool m_stale = true; // a check is due the next time the panel shows

    QLabel* m_title = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QLabel* m_dot = nullptr;
    QLabel* m_gateway = nullptr;
    QLabel* m_checked = nullptr;
    QLabel* m_rateLimit = nullptr;
    QTableWidget* m_table = nullptr;
    QTimer* m_timer = nullptr;
};

} // namespace anyrouter
