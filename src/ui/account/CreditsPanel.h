// CreditsPanel: the Credits part of the account console — balance, total credits and total usage
// (whichever the gateway reports, both documented shapes), a burn-rate forecast in plain words, the
// balance trend from locally kept snapshots (Qt Charts), and the low-balance threshold. Each
// successful fetch may store a snapshot (BalanceRecorder: at most one per workspace per 10 minutes).
// It re-binds at once when the workspace changes and ignores replies meant for the previous one.
#pragma once

#include "core/account/BurnRate.h"
#include "core/account/LowBalance.h"
#include "core/domain/Account.h"

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
class QTimer;
class QLineSeries;
class QPushButton;
class QStackedWidget;
class QValueAxis;

namespace anyrouter {

class BalanceHistory;
class Clock;
class Settings;
class UsageLedger;
class WorkspaceManager;
struct Workspace;

class CreditsPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kChartDays = 30;

    CreditsPanel(WorkspaceManager* workspaces, BalanceHistory* history, UsageLedger* ledger,
                 Settings* settings, QWidget* parent = nullptr);

    // Fetches /credits for the current workspace (waits for keysReady when the keys are still loading).
    void refresh();
    // The time source for snapshots and the forecast; tests pass a ManualClock. Not owned.
    void setClock(Clock* clock);
    // How often the balance is read again while the app runs (default: every 10 minutes).
    void setPollIntervalMs(int ms);
    static constexpr int kPollIntervalMs = 10 * 60 * 1000;

    // What the panel shows, for tests and the status bar.
    std::optional<Credits> credits() const { return m_credits; }
    BurnRate burnRate() const { return m_burn; }
    LowBalance lowBalance() const { return m_low; }
    QString balanceText() const;
    QString statusText() const; // the error/"not available" line; empty when all is well
    QString forecastText() const;
    int chartPointCount() const;
    // The hover text for a point of the chart (x: ms since epoch): the nearest reading, exactly.
    QString toolTipAt(const QPointF& value) const;
    QChartView* chartView() const { return m_chartView; }

signals:
    // Emitted whenever the low-balance state is (re)computed: after each fetch, on a workspace
    // switch (unknown again: not low) and when the threshold changes.
    void lowBalanceChanged(bool low, const QString& message);
    // The user asked to fix the workspace's keys (shown after a 401/403).
    void workspaceSettingsRequested();
    // A fetch for the current workspace finished (ok: the balance was read).
    void refreshFinished(bool ok);

protected:
    // A panel created after the workspace's keys were ready has heard no keysReady: it fetches
    // when first shown.
    void showEvent(QShowEvent* event) override;

private:
    struct Reading
    {
        QDateTime at;
        std::optional<double> balance;
        std::optional<double> totalUsage;
    };

    QDateTime now() const;
    void showWorkspace(const Workspace& ws);
    void applyCredits(const Credits& c);
    void showUnavailable(const QString& message, bool offerSettings);
    void showError(const QString& message, bool offerSettings);
    void updateFigures();
    void reloadLocalData(); // snapshots + ledger -> forecast and chart
    void updateChart();
    void updateLowBalance();
    void setStatus(const QString& message, bool offerSettings);

    WorkspaceManager* m_workspaces;
    BalanceHistory* m_history;
    UsageLedger* m_ledger;
    Settings* m_settings;
    Clock* m_clock;

    QString m_workspaceId;
    quint64 m_generation = 0; // bumped per request and per switch: a reply for an older one is ignored
    bool m_inFlight = false;  // a /credits request for the current workspace is on its way
    std::optional<Credits> m_credits;
    QTimer* m_poll = nullptr;
    bool m_unavailable = false; // the gateway said no (403, no /credits): nothing to wait for
    QDateTime m_fetchedAt;
    QList<Reading> m_readings; // stored snapshots of the chart range, plus the live reading if unsaved
    BurnRate m_burn;
    LowBalance m_low;

    QLabel* m_title = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_settingsButton = nullptr;
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
