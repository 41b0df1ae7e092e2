// SimServerThread: a SimServer created, served and deleted on a thread of its own.
#include "sim/SimServerThread.h"

#include "sim/SimServer.h"

#include <QMetaObject>
#include <QThread>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

SimServerThread::SimServerThread(SimConfig config) : m_config(config) {}

SimServerThread::~SimServerThread()
{
    stop();
}

bool SimServerThread::start(QString* error)
{
    if (m_server)
        return true;
    m_thread = new QThread;
    m_thread->setObjectName(u"anyrouter-sim"_s);
    m_thread->start();
    // A context object living in the server thread, to run code there and wait for it.
    auto* context = new QObject;
    context->moveToThread(m_thread);
    bool ok = false;
    QString err;
    const SimConfig cfg = m_config;
    QMetaObject::invokeMethod(
        context,
        [&] {
            m_server = new SimServer(cfg);
            ok = m_server->start(&err);
            m_port = m_server->port();
            if (!ok) {
                delete m_server;
                m_server = nullptr;
            }
        },
        Qt::BlockingQueuedConnection);
    QObject::connect(m_thread, &QThread::finished, context, &QObject::deleteLater);
    if (!ok) {
        if (error)
            *error = err;
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
        m_port = 0;
    }
    return ok;
}

QUrl SimServerThread::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:"_s + QString::number(m_port) + u"/api/v1"_s);
}

quint16 SimServerThread::port() const
{
    return m_port;
}

SimServer* SimServerThread::server() const
{
    return m_server;
}

void SimServerThread::stop()
{
    if (!m_thread)
        return;
    if (m_server) {
        SimServer* server = m_server;
        QMetaObject::invokeMethod(
            server, [server] { server->stop(); }, Qt::BlockingQueuedConnection);
        // Deleted in its own thread: deferred deletes run before the thread finishes.
        server->deleteLater();
        m_server = nullptr;
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_port = 0;
}

} // namespace anyrouter::sim
