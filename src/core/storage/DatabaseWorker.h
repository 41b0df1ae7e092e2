// DatabaseWorker: the one way core runs database work off the GUI thread — a thread of its own with
// its own connection to the database file, a queue of jobs run one at a time in order, a cancel token
// per job (a job nobody wants any more is skipped) and a delivery back to the GUI thread that is safe
// when the object that asked is deleted meanwhile (a workspace switch deletes its session at any
// moment). CatalogWorker and UsageWorker are built on it; they add only what their jobs compute.
#pragma once

#include <QCoreApplication>
#include <QMutex>
#include <QPointer>
#include <QString>
#include <QWaitCondition>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

class QThread;

namespace anyrouter {

class Database;

// Set (to true) by the owner of a job when nobody wants its result any more: a queued job is then
// skipped, a running one may stop early, and a result already on its way is not delivered.
using CancelToken = std::shared_ptr<const std::atomic<bool>>;

inline bool isCancelled(const CancelToken& token)
{
    return token && token->load();
}

// The owner's end of a cancel token. Destroying it cancels, so a member of the asking object
// cancels that object's jobs when it goes; renew() cancels the jobs asked so far and hands out a
// fresh token for the next ones ("only the latest request counts").
class CancelSource
{
public:
    CancelSource() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
    ~CancelSource() { cancel(); }
    CancelSource(const CancelSource&) = delete;
    CancelSource& operator=(const CancelSource&) = delete;

    CancelToken token() const { return m_flag; }
    void cancel() { m_flag->store(true); }
    void renew()
    {
        cancel();
        m_flag = std::make_shared<std::atomic<bool>>(false);
    }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

class DatabaseWorker
{
public:
    // Runs on the worker thread with the worker's own connection; nullptr when that connection did
    // not open (a job may still compute without the database). Inline: the database given below.
    using Job = std::function<void(Database*)>;

    // databasePath empty or an in-memory database (which a second connection would not see): no
    // thread; jobs run at once on the caller's thread against `inlineDatabase` (may be nullptr).
    // Otherwise the thread and its connection start with the first job, so a worker nobody uses
    // costs nothing at start-up. `threadName` names the thread in debuggers and logs.
    DatabaseWorker(const QString& databasePath, const QString& threadName,
                   Database* inlineDatabase = nullptr);
    ~DatabaseWorker(); // lets the running job finish, drops queued ones, joins the thread
    DatabaseWorker(const DatabaseWorker&) = delete;
    DatabaseWorker& operator=(const DatabaseWorker&) = delete;

    // Queues `job`; it is skipped if `cancelled` is set by the time its turn comes.
    void post(const CancelToken& cancelled, Job job);
    bool isThreaded() const { return m_threaded; }
    bool isStarted() const; // the thread runs (a job was posted)
    QString databasePath() const { return m_databasePath; }

    // Runs fn(receiver) on the GUI thread if `receiver` still lives then and `cancelled` is not set
    // (checked again there: the owner may cancel after the worker posted). Callable from the worker
    // thread: the event goes to the application object, which outlives every receiver, never to the
    // receiver itself, which may be deleted at any moment; the QPointer (taken on the GUI thread when
    // the job was asked) is only read on the GUI thread.
    template <typename Receiver, typename Fn>
    static void deliver(const QPointer<Receiver>& receiver, const CancelToken& cancelled, Fn fn)
    {
        QCoreApplication* app = QCoreApplication::instance();
        if (isCancelled(cancelled) || !app)
            return;
        QMetaObject::invokeMethod(
            app,
            [receiver, cancelled, fn = std::move(fn)]() mutable {
                if (receiver && !isCancelled(cancelled))
                    fn(receiver.data());
            },
            Qt::QueuedConnection);
    }

private:
    void run(); // the worker thread's loop

    QString m_databasePath;
    QString m_threadName;
    Database* m_inlineDatabase;
    bool m_threaded;
    QThread* m_thread = nullptr; // created by the first post()
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    std::deque<std::pair<CancelToken, Job>> m_jobs;
    bool m_stopping = false;
};

} // namespace anyrouter
