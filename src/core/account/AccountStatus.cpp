// AccountStatus: the credits and health reads of one workspace, the snapshots kept from them, the
// low-balance rule and the timers that keep them current.
#include "core/account/AccountStatus.h"

#include "core/AppContext.h"
#include "core/account/AccountLog.h"
#include "core/account/BalanceRecorder.h"
#include "core/api/Clock.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"

#include <QTimer>

#include <algorithm>

namespace anyrouter {

namespace {
// Settings' default, for a context without settings (never in the app).
constexpr double kDefaultThreshold = 1.0;
} // namespace

AccountStatus::AccountStatus(WorkspaceSession* session)
    : QObject(session), m_session(session), m_account(session->context()->workspaces()->account()),
      m_healthService(session->context()->workspaces()->health()),
      m_history(session->context()->balanceHistory()), m_settings(session->context()->settings()),
      m_defaultClock(session->context()->workspaces()->client()->clock()), m_clock(m_defaultClock),
      m_workspaceId(session->workspaceId()), m_poll(new QTimer(this)), m_healthPoll(new QTimer(this)),
      m_afterSpending(new QTimer(this))
{
    m_afterSpending->setSingleShot(true);
    m_afterSpending->setInterval(kSpendingDelayMs);
    connect(m_afterSpending, &QTimer::timeout, this, [this] {
        if (!creditsUnavailable())
            fetchCredits(false);
    });
    m_poll->setInterval(kPollIntervalMs);
    connect(m_poll, &QTimer::timeout, this, [this] {
        // Not where the gateway said no for good; and a read on its way is as fresh.
        if (!creditsUnavailable())
            fetchCredits(false);
    });
    m_healthPoll->setInterval(kHealthIntervalMs);
    connect(m_healthPoll, &QTimer::timeout, this, [this] { fetchHealth(false); });
    connect(session, &WorkspaceSession::keysBecameReady, this, &AccountStatus::onKeysReady);
    connect(session, &WorkspaceSession::refreshRequested, this, &AccountStatus::refresh);
}

AccountStatus::~AccountStatus() = default;

bool AccountStatus::creditsUnavailable() const
{
    return m_creditsStatus.state == EndpointStatus::State::Unsupported ||
           m_creditsStatus.state == EndpointStatus::State::Forbidden;
}

double AccountStatus::lowBalanceThreshold() const
{
    return m_settings ? m_settings->lowBalanceThreshold() : kDefaultThreshold;
}

void AccountStatus::setLowBalanceThreshold(double usd)
{
    if (m_settings)
        m_settings->setLowBalanceThreshold(usd);
    updateLowBalance();
}

void AccountStatus::setMoneyFormatter(MoneyFormatter money)
{
    m_money = std::move(money);
    updateLowBalance(); // the words of a shown warning follow
}

void AccountStatus::setPollIntervalMs(int ms)
{
    m_poll->setInterval(std::max(1, ms));
}

int AccountStatus::pollIntervalMs() const
{
    return m_poll->interval();
}

void AccountStatus::setClock(Clock* clock)
{
    m_clock = clock ? clock : m_defaultClock;
}

QDateTime AccountStatus::now() const
{
    return QDateTime::fromMSecsSinceEpoch(m_clock->nowMs(), Qt::UTC);
}

void AccountStatus::onKeysReady()
{
    // Later keysReady signals mean the keys may have changed: a read made with the old ones is
    // superseded rather than waited for.
    const bool restart = m_started;
    m_started = true;
    fetchCredits(restart);
    fetchHealth(restart);
    m_poll->start();
    updateHealthPolling(false); // a watcher that came before the keys starts its timer now
}

void AccountStatus::refresh()
{
    refreshCredits();
    refreshHealth();
}

void AccountStatus::refreshCredits()
{
    fetchCredits(false);
}

void AccountStatus::noteSpending()
{
    if (!m_afterSpending->isActive()) // a burst of turns: one re-read after the first
        m_afterSpending->start();
}

void AccountStatus::setSpendingDelayMs(int ms)
{
    m_afterSpending->setInterval(std::max(0, ms));
}

int AccountStatus::spendingDelayMs() const
{
    return m_afterSpending->interval();
}

void AccountStatus::refreshHealth()
{
    fetchHealth(false);
}

QObject* AccountStatus::beginRead(QObject*& slot, EndpointStatus& status, bool restart)
{
    if (!m_session->keysReady())
        return nullptr; // keysBecameReady reads
    if (slot) {
        if (!restart)
            return nullptr;
        delete slot; // aborts the superseded request; its answer is never seen
    }
    slot = new QObject(this);
    if (status.state == EndpointStatus::State::Idle)
        status = EndpointStatus::loading();
    return slot;
}

void AccountStatus::endRead(QObject*& slot, QObject* request)
{
    if (slot == request)
        slot = nullptr;
    request->deleteLater(); // not delete: this runs in a slot of a connection it receives
}

void AccountStatus::fetchCredits(bool restart)
{
    QObject* request = m_account ? beginRead(m_creditsRequest, m_creditsStatus, restart) : nullptr;
    if (!request)
        return;
    emit creditsChanged();
    m_account->fetchCredits(request, [this, request](const Result<Credits>& r) {
        endRead(m_creditsRequest, request);
        applyCredits(r);
    });
}

void AccountStatus::applyCredits(const Result<Credits>& r)
{
    m_creditsStatus = EndpointStatus::from(r);
    if (r.ok()) {
        m_credits = r.value;
        m_creditsAt = now();
        if (m_history) {
            const auto outcome = BalanceRecorder(m_history).record(m_workspaceId, r.value, m_creditsAt);
            qCDebug(lcAccount) << "credits read; snapshot" << int(outcome);
        }
    } else if (creditsUnavailable()) {
        // The gateway said no: no balance to show, and none of an earlier key posing as current.
        m_credits.reset();
        m_creditsAt = {};
    }
    // Any other failure keeps the last reading: it carries its time, and the state says why it
    // could not be renewed.
    updateLowBalance();
    emit creditsChanged();
    emit creditsRead(r.ok());
}

void AccountStatus::fetchHealth(bool restart)
{
    QObject* request = m_healthService ? beginRead(m_healthRequest, m_healthStatus, restart) : nullptr;
    if (!request)
        return;
    emit healthChanged();
    m_healthService->fetchHealth(request, [this, request](const Result<HealthStatus>& r) {
        endRead(m_healthRequest, request);
        applyHealth(r);
    });
}

void AccountStatus::applyHealth(const Result<HealthStatus>& r)
{
    m_healthAt = now();
    m_healthStatus = EndpointStatus::from(r);
    if (r.ok())
        m_health = r.value;
    else if (r.unsupported)
        m_health.reset();
    // A failed check keeps the last answer: it is labelled with the time it was checked.
    emit healthChanged();
    emit healthRead(r.ok());
}

void AccountStatus::updateLowBalance()
{
    const LowBalance next =
        LowBalance::evaluate(m_credits ? m_credits->balance : std::nullopt, lowBalanceThreshold(), m_money);
    const bool changed = next.low != m_low.low || next.message != m_low.message;
    m_low = next;
    if (changed)
        emit lowBalanceChanged(m_low.low, m_low.message);
}

void AccountStatus::setHealthWatched(QObject* watcher, bool watched)
{
    if (!watcher)
        return;
    if (watched && !m_healthWatchers.contains(watcher)) {
        m_healthWatchers.insert(watcher);
        connect(watcher, &QObject::destroyed, this, [this, watcher] { watcherGone(watcher); });
        updateHealthPolling(true);
    } else if (!watched && m_healthWatchers.remove(watcher)) {
        disconnect(watcher, &QObject::destroyed, this, nullptr);
        updateHealthPolling(false);
    }
}

void AccountStatus::watcherGone(QObject* watcher)
{
    m_healthWatchers.remove(watcher);
    updateHealthPolling(false);
}

void AccountStatus::updateHealthPolling(bool checkNowIfDue)
{
    if (m_healthWatchers.isEmpty() || !m_session->keysReady()) {
        m_healthPoll->stop(); // no polling for figures nobody looks at
        return;
    }
    if (!m_healthPoll->isActive())
        m_healthPoll->start();
    const bool due = !m_healthAt.isValid() || m_healthAt.msecsTo(now()) >= m_healthPoll->interval();
    if (checkNowIfDue && due)
        fetchHealth(false);
}

bool AccountStatus::isHealthPolling() const
{
    return m_healthPoll->isActive();
}

void AccountStatus::setHealthIntervalMs(int ms)
{
    m_healthPoll->setInterval(std::max(1, ms));
}

int AccountStatus::healthIntervalMs() const
{
    return m_healthPoll->interval();
}

} // namespace anyrouter
