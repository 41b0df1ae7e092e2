#include "core/api/Clock.h"

#include <QDateTime>
#include <QTimer>

namespace anyrouter {

qint64 SystemClock::nowMs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

void SystemClock::schedule(qint64 delayMs, QObject* context, std::function<void()> fn)
{
    // Precise: coarse timers may fire up to 5% early, which a strict server answers with slow_down.
    QTimer::singleShot(std::chrono::milliseconds(qMax<qint64>(0, delayMs)), Qt::PreciseTimer, context,
                       std::move(fn));
}

SystemClock* SystemClock::instance()
{
    static SystemClock clock;
    return &clock;
}

void ManualClock::schedule(qint64 delayMs, QObject* context, std::function<void()> fn)
{
    m_delays.append(delayMs);
    m_pending.emplace(m_now + qMax<qint64>(0, delayMs), Pending{context, std::move(fn)});
}

void ManualClock::advance(qint64 ms)
{
    const qint64 target = m_now + ms;
    while (!m_pending.empty() && m_pending.begin()->first <= target) {
        auto it = m_pending.begin();
        m_now = it->first;
        Pending p = std::move(it->second);
        m_pending.erase(it);
        if (p.context)
            p.fn();
    }
    m_now = target;
}

qint64 ManualClock::nextDueInMs() const
{
    return m_pending.empty() ? -1 : m_pending.begin()->first - m_now;
}

} // namespace anyrouter
