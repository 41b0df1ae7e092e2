// DatabaseWorker: the job queue, the worker thread's own connection, and the cancel checks.
#include "core/storage/DatabaseWorker.h"

#include "core/storage/Database.h"
#include "core/storage/StorageLog.h"

#include <QThread>

namespace anyrouter {

using namespace Qt::StringLiterals;

DatabaseWorker::DatabaseWorker(const QString& databasePath, const QString& threadName,
                               Database* inlineDatabase)
    : m_databasePath(databasePath), m_threadName(threadName), m_inlineDatabase(inlineDatabase),
      m_threaded(!databasePath.isEmpty() && databasePath != u":memory:"_s &&
                 !databasePath.startsWith(u"file::memory:"_s))
{}

DatabaseWorker::~DatabaseWorker()
{
    QThread* thread = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_jobs.clear();
        m_wake.wakeAll();
        thread = m_thread;
    }
    if (!thread)
        return;
    thread->wait();
    delete thread;
}

bool DatabaseWorker::isStarted() const
{
    QMutexLocker lock(&m_mutex);
    return m_thread != nullptr;
}

void DatabaseWorker::post(const CancelToken& cancelled, Job job)
{
    if (!m_threaded) {
        if (!isCancelled(cancelled))
            job(m_inlineDatabase);
        return;
    }
    QMutexLocker lock(&m_mutex);
    if (m_stopping)
        return;
    m_jobs.emplace_back(cancelled, std::move(job));
    if (!m_thread) {
        m_thread = QThread::create([this] { run(); });
        m_thread->setObjectName(m_threadName);
        m_thread->start(QThread::LowPriority);
    }
    m_wake.wakeOne();
}

void DatabaseWorker::run()
{
    // The worker's own connection: a QSqlDatabase is bound to the thread that opened it, and SQLite in
    // WAL mode lets it read while the GUI thread's connection writes.
    Database db(m_databasePath);
    QString error;
    const bool open = db.open(&error);
    if (!open)
        qCWarning(lcStorage).noquote() << m_threadName << "cannot open the database:" << error;
    for (;;) {
        std::pair<CancelToken, Job> next;
        {
            QMutexLocker lock(&m_mutex);
            while (m_jobs.empty() && !m_stopping)
                m_wake.wait(&m_mutex);
            if (m_stopping)
                return;
            next = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        if (isCancelled(next.first))
            continue; // its owner is gone or asked for something newer: nobody would see the result
        next.second(open ? &db : nullptr);
    }
}

} // namespace anyrouter
