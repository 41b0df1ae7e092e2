// SimFixture: starts an in-process gateway simulator (SimServer) on a free loopback port for a
// test, in the test's own thread (so QTRY_*/QSignalSpy::wait keep it serving), and stops it when
// the fixture goes away. Other test files use it instead of wiring SimServer themselves.
#pragma once

#include "sim/SimKeys.h"
#include "sim/SimServer.h"

#include <QUrl>

#include <memory>

namespace anyrouter::test {

class SimFixture
{
public:
    SimFixture();
    ~SimFixture();
    SimFixture(const SimFixture&) = delete;
    SimFixture& operator=(const SimFixture&) = delete;

    // Starts (or restarts) the simulator on 127.0.0.1 with the given config (port forced to 0).
    bool start(sim::SimConfig config = {});
    void stop();
    sim::SimServer* server() const { return m_server.get(); }
    QUrl baseUrl() const; // http://127.0.0.1:PORT/api/v1
    quint16 port() const;

    // A config that answers at once: no time to first token, no pacing. Most tests want this.
    static sim::SimConfig fastConfig();

private:
    std::unique_ptr<sim::SimServer> m_server;
};

} // namespace anyrouter::test
