// HealthPanel: the Health part of the account console — gateway status and a sortable per-provider
// table (status with a coloured dot, latency) from the selected workspace's AccountStatus (GET
// /health), the time of the last check, and the latest rate-limit figures the gateway sent
// (ApiClient::rateLimitChanged). While visible it watches the health, which the AccountStatus then
// re-reads every 60 s; hidden, nothing is polled. A gateway without /health is told so.
#pragma once

#include "core/api/RateLimitInfo.h"
#include "core/domain/Account.h"

#include <QDateTime>
#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace anyrouter {

class AccountStatus;
class AppContext;
class EndpointStateView;
class WorkspaceSession;

class HealthPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 60'000;

    explicit HealthPanel(AppContext* context, QWidget* parent = nullptr);

    // Asks the workspace's AccountStatus to check again (Check Now, F5).
    void refresh();
    // Tests shorten the interval (applied to every workspace's AccountStatus this panel shows); the
    // app keeps the default minute.
    void setAutoRefreshInterval(int ms);
    int autoRefreshInterval() const;
    bool isAutoRefreshActive() const;

    QString gatewayStatusText() const;
    QString rateLimitText() const;
    QDateTime lastChecked() const;
    QTableWidget* providerTable() const { return m_table; }

    // Plain words for a rate-limit snapshot, e.g. "598 of 600 requests left this window; resets at 12:04."
    static QString describeRateLimit(const RateLimitInfo& info);

signals:
    // A /health check of the shown workspace finished (ok: the status was read).
    void refreshFinished(bool ok);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void bindSession(WorkspaceSession* session);
    void onHealthChanged();
    void showHealth(const HealthStatus& h);
    void showMessage(const QString& text, const QColor& dot);
    void showRateLimit(const RateLimitInfo& info);
    void updateChecked();

    QPointer<AccountStatus> m_account; // the selected workspace's; gone with its session
    int m_interval = kDefaultIntervalMs;

    QLabel* m_title = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QLabel* m_dot = nullptr;
    QLabel* m_gateway = nullptr;
    QLabel* m_checked = nullptr;
    QLabel* m_rateLimit = nullptr;
    EndpointStateView* m_state = nullptr;
    QTableWidget* m_table = nullptr;
};

} // namespace anyrouter
