// anyrouter-desktop entry point: command line, composition root, first window.
// With no key and no network the app still opens on the Demo workspace, served by the gateway
// simulator on a private loopback port in a background thread.
#include "app/AppContext.h"
#include "app/WorkspaceManager.h"
#include "shell/MainWindow.h"
#include "sim/SimKeys.h"
#include "sim/SimServer.h"
#include "storage/Settings.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QProcessEnvironment>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"AnyRouter"_s);
    QApplication::setOrganizationDomain(u"anyrouter.dev"_s);
    QApplication::setApplicationName(u"anyrouter-desktop"_s);
    QApplication::setApplicationDisplayName(u"AnyRouter Desktop"_s);
    QApplication::setApplicationVersion(QStringLiteral(ANYROUTER_VERSION));
    QApplication::setWindowIcon(QIcon(u":/icons/anyrouter-desktop.svg"_s));
    QApplication::setDesktopFileName(u"anyrouter-desktop"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Native desktop client for the AnyRouter LLM gateway and OpenAI-compatible gateways.\n"
                "Environment: ANYROUTER_API_KEY, ANYROUTER_BASE_URL, ANYROUTER_MODEL define an "
                "\"Environment\" workspace that is never written to disk."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demoOpt(
        u"demo"_s, QApplication::translate("main", "Open the offline Demo workspace (a simulated gateway on "
                                                   "a private loopback port; no key or network needed)."));
    const QCommandLineOption workspaceOpt(
        u"workspace"_s, QApplication::translate("main", "Open the workspace NAME."), u"NAME"_s);
    parser.addOption(demoOpt);
    parser.addOption(workspaceOpt);
    parser.process(app);

    anyrouter::AppContext context({});
    QString error;
    if (!context.open(&error)) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "AnyRouter Desktop"),
            QApplication::translate("main", "The local database could not be opened:\n%1").arg(error));
        return 1;
    }

    // The simulator thread lives as long as main(); started only when Demo is first selected.
    std::unique_ptr<anyrouter::sim::SimServerThread> demoServer;
    anyrouter::WorkspaceManager* workspaces = context.workspaces();
    workspaces->setDemoStarter([&demoServer]() -> QUrl {
        if (!demoServer) {
            anyrouter::sim::SimConfig cfg;
            cfg.tokensPerSecond = 80;
            cfg.ttftMs = 250;
            demoServer = std::make_unique<anyrouter::sim::SimServerThread>(cfg);
            QString err;
            if (!demoServer->start(&err)) {
                std::fprintf(stderr, "demo gateway failed to start: %s\n", qPrintable(err));
                demoServer.reset();
                return {};
            }
        }
        return demoServer->baseUrl();
    });
    anyrouter::Workspace demo;
    demo.id = anyrouter::WorkspaceManager::demoWorkspaceId();
    demo.name = QApplication::translate("main", "Demo");
    demo.kind = anyrouter::Workspace::Kind::Demo;
    demo.baseUrl = QUrl(u"http://127.0.0.1/api/v1"_s); // real port known once started
    workspaces->addEphemeral(demo, anyrouter::sim::fullKey());
    workspaces->addEnvironmentWorkspace(QProcessEnvironment::systemEnvironment());

    anyrouter::MainWindow window(&context);

    // Initial workspace: --demo, --workspace NAME, the last one used, Environment, else Demo.
    QString initial;
    if (parser.isSet(demoOpt)) {
        initial = demo.id;
    } else if (parser.isSet(workspaceOpt)) {
        const QString name = parser.value(workspaceOpt);
        for (const auto& w : workspaces->workspaces()) {
            if (w.name.compare(name, Qt::CaseInsensitive) == 0 || w.id == name)
                initial = w.id;
        }
        if (initial.isEmpty()) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(QApplication::translate("main", "No workspace named \"%1\".").arg(name)));
            return 2;
        }
    } else {
        const QString last = context.settings()->lastWorkspaceId();
        if (!last.isEmpty() && workspaces->find(last))
            initial = last;
        else if (workspaces->find(anyrouter::WorkspaceManager::environmentWorkspaceId()))
            initial = anyrouter::WorkspaceManager::environmentWorkspaceId();
        else
            initial = demo.id;
    }
    QObject::connect(
        workspaces, &anyrouter::WorkspaceManager::currentChanged, &context,
        [&context](const anyrouter::Workspace& w) { context.settings()->setLastWorkspaceId(w.id); });
    workspaces->select(initial);
    window.show();
    const int rc = app.exec();
    return rc;
}
