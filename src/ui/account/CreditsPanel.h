// CreditsPanel: the Credits part of the account console — balance, total credits and total usage
// (whichever the gateway reports, both documented shapes), a burn-rate forecast in plain words, the
// balance trend from locally kept snapshots (Qt Charts), and the low-balance threshold. It observes
// the selected workspace's AccountStatus (which reads /credits, keeps the snapshots and owns the
// low-balance rule) and re-binds at once when the workspace changes; the chart, the forecast and the
// threshold editor are its own.
#pragma once

#include "core/account/BurnRate.h"
#include "core/account/LowBalance.h"
#include "core/domain/Account.h"

#include <QPointer>

#include <QDateTime>
#include <QList>
#include <QPointF>
#include <QWidget>

#include <optional>

class QChart;
class QChartView;
class QDateTimeAxis;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineSeries;
class QPushButton;
class QStackedWidget;
class QValueAxis;

namespace anyrouter {

class AccountStatus;
class AppContext;
class Clock;
class EndpointStateView;
class WorkspaceSession;

class CreditsPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kChartDays = 30;

    explicit CreditsPanel(AppContext* context, QWidget* parent = nullptr);

    // Asks the workspace's AccountStatus to read /credits again (the Refresh button, F5).
    void refresh();
    // The time source of the chart range and the forecast; tests pass a ManualClock. Not owned.
    void setClock(Clock* clock);

    // What the panel shows, for tests.
    std::optional<Credits> credits() const;
    BurnRate burnRate() const { return m_burn; }
    LowBalance lowBalance() const;
    QString balanceText() const;
    QString statusText() const; // the error/"not available" line; empty when all is well
    QString forecastText() const;
    int chartPointCount() const;
    // The hover text for a point of the chart (x: ms since epoch): the nearest reading, exactly.
    QString toolTipAt(const QPointF& value) const;
    QChartView* chartView() const { return m_chartView; }
    QPushButton* settingsButton() const;

signals:
    // The user asked to fix the workspace's keys (shown after a 401/403).
    void workspaceSettingsRequested();
    // A /credits read of the shown workspace finished (ok: the balance was read).
    void refreshFinished(bool ok);

private:
    struct Reading
    {
        QDateTime at;
        std::optional<double> balance;
        std::optional<double> totalUsage;
    };

    QDateTime now() const;
    void bindSession(WorkspaceSession* session);
    void onCreditsChanged();
    void updateFigures();
    void reloadLocalData(); // snapshots + ledger -> forecast and chart
    void updateChart();
    void updateLowBalance();
    bool unavailable() const; // the gateway said no (403, no /credits)

    AppContext* m_context;
    Clock* m_clock;
    QPointer<AccountStatus> m_account; // the selected workspace's; gone with its session
    QString m_workspaceId;
    QList<Reading> m_readings; // stored snapshots of the chart range, plus the live reading if unsaved
    BurnRate m_burn;

    QLabel* m_title = nullptr;
    QPushButton* m_refreshButton = nullptr;
    EndpointStateView* m_state = nullptr;
    QLabel* m_lowBanner = nullptr;
    QLabel* m_balance = nullptr;
    QLabel* m_totalCredits = nullptr;
    QLabel* m_totalUsage = nullptr;
    QLabel* m_updated = nullptr;
    QLabel* m_forecast = nullptr;
    QLabel* m_forecastSource = nullptr;
    QDoubleSpinBox* m_threshold = nullptr;
    QGroupBox* m_chartBox = nullptr;
    QStackedWidget* m_chartStack = nullptr;
    QChartView* m_chartView = nullptr;
    QChart* m_chart = nullptr;
    QLineSeries* m_series = nullptr;
    QLineSeries* m_thresholdLine = nullptr;
    QDateTimeAxis* m_axisX = nullptr;
    QValueAxis* m_axisY = nullptr;
    QLabel* m_chartEmpty = nullptr;
};

} // namespace anyrouter
