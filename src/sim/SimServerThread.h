// SimServerThread: runs a SimServer on its own QThread (for the app's --demo and for benchmarks, so
// serving never competes with a GUI thread). start() blocks only until the socket listens.
#pragma once

#include "sim/SimConfig.h"

#include <QUrl>

class QThread;

namespace anyrouter::sim {

class SimServer;

class SimServerThread
{
public:
    explicit SimServerThread(SimConfig config = {});
    ~SimServerThread();
    SimServerThread(const SimServerThread&) = delete;
    SimServerThread& operator=(const SimServerThread&) = delete;

    bool start(QString* error = nullptr);
    QUrl baseUrl() const;
    quint16 port() const;
    void stop();
    // The server object, living in the server thread: call its hooks only through
    // QMetaObject::invokeMethod(server(), ..., Qt::BlockingQueuedConnection). Its request log
    // (requestLog(), requestCount(), clearRequestLog()) may be read directly from any thread.
    SimServer* server() const;

private:
    SimConfig m_config;
    QThread* m_thread = nullptr;
    SimServer* m_server = nullptr;
    quint16 m_port = 0;
};

} // namespace anyrouter::sim
