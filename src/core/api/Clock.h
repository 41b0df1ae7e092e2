// Clock: time source and timer scheduling for the service layer, injectable so retry/backoff and
// polling are testable without sleeping. SystemClock uses QDateTime + QTimer; ManualClock (tests)
// fires scheduled callbacks only when advanced.
#pragma once

#include <QObject>
#include <QPointer>

#include <functional>
#include <map>

namespace anyrouter {

class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0; // ms since epoch
    // Runs fn after delayMs unless context died first.
    virtual void schedule(qint64 delayMs, QObject* context, std::function<void()> fn) = 0;
};

class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override;
    void schedule(qint64 delayMs, QObject* context, std::function<void()> fn) override;
    static SystemClock* instance(); // stateless; shared as the default
};

class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 1'767'225'600'000LL) : m_now(startMs) {}
    qint64 nowMs() const override { return m_now; }
    void schedule(qint64 delayMs, QObject* context, std::function<void()> fn) override;
    void advance(qint64 ms);    // fires everything due, in order
    qint64 nextDueInMs() const; // -1 when nothing is scheduled
    int pendingCount() const { return int(m_pending.size()); }
    QList<qint64> scheduledDelays() const { return m_delays; } // every delay ever requested

private:
    struct Pending
    {
        QPointer<QObject> context;
        std::function<void()> fn;
    };
    qint64 m_now;
    std::multimap<qint64, Pending> m_pending;
    QList<qint64> m_delays;
};

} // namespace anyrouter
