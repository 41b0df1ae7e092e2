// DemoGateway: simulator start-up and the Demo workspace's registration.
#include "DemoGateway.h"

#include "core/workspace/WorkspaceManager.h"
#include "sim/SimKeys.h"

#include <QCoreApplication>
#include <QLoggingCategory>

namespace anyrouter {

Q_LOGGING_CATEGORY(lcDemo, "anyrouter.app.demo")

using namespace Qt::StringLiterals;

DemoGateway::DemoGateway(sim::SimConfig config) : m_config(config) {}

DemoGateway::~DemoGateway() = default;

sim::SimConfig DemoGateway::defaultConfig()
{
    sim::SimConfig cfg;
    cfg.tokensPerSecond = 80;
    cfg.ttftMs = 250;
    return cfg;
}

Workspace DemoGateway::workspace()
{
    Workspace demo;
    demo.id = WorkspaceManager::demoWorkspaceId();
    demo.name = QCoreApplication::translate("main", "Demo");
    demo.kind = Workspace::Kind::Demo;
    demo.baseUrl = QUrl(u"http://127.0.0.1/api/v1"_s); // the real port is known once started
    return demo;
}

QUrl DemoGateway::start(QString* error)
{
    if (!m_server) {
        auto server = std::make_unique<sim::SimServerThread>(m_config);
        QString err;
        if (!server->start(&err)) {
            qCWarning(lcDemo) << "demo gateway failed to start:" << err;
            if (error)
                *error = err;
            return {};
        }
        m_server = std::move(server);
    }
    return m_server->baseUrl();
}

void DemoGateway::registerWith(WorkspaceManager* workspaces)
{
    workspaces->setDemoStarter([this]() -> QUrl { return start(); });
    workspaces->addEphemeral(workspace(), sim::fullKey());
}

} // namespace anyrouter
