// DemoGateway: the offline "Demo" workspace — the gateway simulator on a private loopback port in a
// background thread, started the first time the workspace is selected. Shared by the window and by
// `--ask`, so both see the same demo.
#pragma once

#include "core/domain/Workspace.h"
#include "sim/SimServer.h"

#include <QUrl>

#include <memory>

namespace anyrouter {

class WorkspaceManager;

class DemoGateway
{
public:
    explicit DemoGateway(sim::SimConfig config = defaultConfig());
    ~DemoGateway();
    DemoGateway(const DemoGateway&) = delete;
    DemoGateway& operator=(const DemoGateway&) = delete;

    // Adds the Demo workspace (in memory, with the simulator's full-access key) and makes selecting
    // it start the simulator. This object must outlive `workspaces`' use of the hook.
    void registerWith(WorkspaceManager* workspaces);
    // Starts the simulator once; later calls return the same URL. Invalid URL (and *error) on failure.
    QUrl start(QString* error = nullptr);
    bool isRunning() const { return m_server != nullptr; }

    static Workspace workspace(); // id WorkspaceManager::demoWorkspaceId(), name "Demo"
    // A pace that reads like a real model (and keeps the demo's CPU cost low).
    static sim::SimConfig defaultConfig();

private:
    sim::SimConfig m_config;
    std::unique_ptr<sim::SimServerThread> m_server;
};

} // namespace anyrouter
