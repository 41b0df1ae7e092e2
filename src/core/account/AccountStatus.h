// AccountStatus: one workspace's account figures, read once and shared by every observer (the credits
// panel, the overview, the health panel, the status bar's low-balance warning, later the tray):
// the credits (/credits, both documented shapes), the balance snapshots kept from them
// (BalanceRecorder), the low-balance state against the threshold in Settings, the 10-minute re-read,
// and the gateway's health (/health). A child of its WorkspaceSession: every request is bound to
// the session's lifetime, so a late reply for a workspace no longer selected is dropped by Qt.
#pragma once

#include "core/account/LowBalance.h"
#include "core/account/Money.h"
#include "core/api/EndpointState.h"
#include "core/domain/Account.h"

#include <QDateTime>
#include <QObject>
#include <QSet>

#include <optional>

class QTimer;

namespace anyrouter {

class AccountService;
class BalanceHistory;
class Clock;
class HealthService;
class Settings;
class WorkspaceSession;

class AccountStatus : public QObject
{
    Q_OBJECT
public:
    // The app stays open all day: the balance, its trend and the low-balance warning keep up on their
    // own, at the pace snapshots are kept (BalanceRecorder: at most one per 10 minutes).
    static constexpr int kPollIntervalMs = 10 * 60 * 1000;
    // Health is re-read this often while something watches it (the Health tab on screen).
    static constexpr int kHealthIntervalMs = 60'000;

    // Reads with the session's workspace services; fetches credits and health once the session's
    // keys are ready, again on every later keysBecameReady and on the session's refresh (F5).
    explicit AccountStatus(WorkspaceSession* session);
    ~AccountStatus() override;

    QString workspaceId() const { return m_workspaceId; }

    // Credits: the latest reading (kept after a failed re-read, gone after 403/unsupported), when it
    // was taken, and the state of the endpoint (Idle before the keys are ready, Loading while the
    // first request is on its way, then the latest answer's state, kept while a re-read runs).
    std::optional<Credits> credits() const { return m_credits; }
    QDateTime creditsReadAt() const { return m_creditsAt; }
    EndpointStatus creditsStatus() const { return m_creditsStatus; }
    bool isReadingCredits() const { return m_creditsRequest != nullptr; }
    // The gateway said no for good (403, no /credits): the re-read timer leaves it alone.
    bool creditsUnavailable() const;

    // Health, the same way: the latest answer (kept after a failed check, cleared when the gateway
    // has no /health) and when it was checked (also set by a failed check).
    std::optional<HealthStatus> health() const { return m_health; }
    QDateTime healthCheckedAt() const { return m_healthAt; }
    EndpointStatus healthStatus() const { return m_healthStatus; }
    bool isReadingHealth() const { return m_healthRequest != nullptr; }

    // The low-balance warning for the latest credits and the threshold in Settings.
    LowBalance lowBalance() const { return m_low; }
    double lowBalanceThreshold() const;
    // Stores the threshold in Settings (it applies to every workspace) and re-evaluates.
    void setLowBalanceThreshold(double usd);
    // How the warning writes amounts; the UI hands in its own formatter so every page agrees.
    void setMoneyFormatter(MoneyFormatter money);

    // Reads credits and health again (the session's refresh). A read already on its way is not
    // doubled: its answer is as fresh.
    void refresh();
    void refreshCredits();
    // Money was just spent (a chat turn finished): the balance is re-read soon, after
    // spendingDelayMs() (the gateway books a turn a moment after it ends), once for a burst of
    // turns, instead of waiting for the 10-minute re-read.
    void noteSpending();
    static constexpr int kSpendingDelayMs = 4000;
    void setSpendingDelayMs(int ms);
    int spendingDelayMs() const;
    void refreshHealth();

    // While at least one watcher watches, health is re-read every healthIntervalMs() — at once if the
    // last check is older than that. A destroyed watcher stops watching.
    void setHealthWatched(QObject* watcher, bool watched);
    bool isHealthPolling() const;
    void setHealthIntervalMs(int ms);
    int healthIntervalMs() const;

    // Test seams: the credits re-read interval, and the clock that stamps readings and snapshots.
    void setPollIntervalMs(int ms);
    int pollIntervalMs() const;
    void setClock(Clock* clock); // not owned; nullptr: the workspace client's clock
    Clock* clock() const { return m_clock; }

signals:
    // The credits, their state or isReadingCredits() changed.
    void creditsChanged();
    // A /credits request finished (ok: the balance was read).
    void creditsRead(bool ok);
    // The health, its state or isReadingHealth() changed.
    void healthChanged();
    // A /health request finished (ok: the status was read).
    void healthRead(bool ok);
    // The warning came or went, or its words changed (emitted once per change, not per reading).
    void lowBalanceChanged(bool low, const QString& message);

private:
    void onKeysReady();
    // A fresh context for a read into `slot`, or nullptr when none should start (keys not ready, or
    // one on its way and not `restart`); a superseded read is aborted.
    QObject* beginRead(QObject*& slot, EndpointStatus& status, bool restart);
    void endRead(QObject*& slot, QObject* request);
    void fetchCredits(bool restart);
    void fetchHealth(bool restart);
    void applyCredits(const Result<Credits>& result);
    void applyHealth(const Result<HealthStatus>& result);
    void updateLowBalance();
    QDateTime now() const;
    void watcherGone(QObject* watcher);
    void updateHealthPolling(bool checkNowIfDue);

    WorkspaceSession* m_session;
    AccountService* m_account;
    HealthService* m_healthService;
    BalanceHistory* m_history;
    Settings* m_settings;
    Clock* m_defaultClock;
    Clock* m_clock;
    QString m_workspaceId;
    MoneyFormatter m_money;
    bool m_started = false;

    // One request per endpoint at a time, each with its own context: deleting it drops (aborts) the
    // request it was made for.
    QObject* m_creditsRequest = nullptr;
    QObject* m_healthRequest = nullptr;

    std::optional<Credits> m_credits;
    QDateTime m_creditsAt;
    EndpointStatus m_creditsStatus;
    std::optional<HealthStatus> m_health;
    QDateTime m_healthAt;
    EndpointStatus m_healthStatus;
    LowBalance m_low;

    QTimer* m_poll;
    QTimer* m_healthPoll;
    QTimer* m_afterSpending;
    QSet<QObject*> m_healthWatchers;
};

} // namespace anyrouter
