// In-process simulator fixture for tests.
#include "SimFixture.h"

namespace anyrouter::test {

SimFixture::SimFixture() = default;

SimFixture::~SimFixture()
{
    stop();
}

bool SimFixture::start(sim::SimConfig config)
{
    stop();
    config.port = 0;
    m_server = std::make_unique<sim::SimServer>(config);
    QString error;
    if (!m_server->start(&error)) {
        qWarning("SimFixture: simulator did not start: %s", qPrintable(error));
        m_server.reset();
        return false;
    }
    return true;
}

void SimFixture::stop()
{
    if (m_server) {
        m_server->stop();
        m_server.reset();
    }
}

QUrl SimFixture::baseUrl() const
{
    return m_server ? m_server->baseUrl() : QUrl();
}

quint16 SimFixture::port() const
{
    return m_server ? m_server->port() : 0;
}

sim::SimConfig SimFixture::fastConfig()
{
    sim::SimConfig c;
    c.ttftMs = 0;
    c.tokensPerSecond = 0;
    return c;
}

} // namespace anyrouter::test
