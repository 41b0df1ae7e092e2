// anyrouter-desktop entry point: command line, single instance, composition root, desktop shell.
// With no key and no network the app still opens on the Demo workspace, served by the gateway
// simulator on a private loopback port in a background thread. A second GUI launch hands its
// command line to the running instance and exits (0 once delivered, 1 when the running instance
// does not answer); what it asked for is then the running instance's business: an unknown
// --workspace is reported in that instance's log, not by the launch that asked.
#include "AskCommand.h"
#include "CommandLine.h"
#include "DemoGateway.h"

#include "core/AppContext.h"
#include "core/platform/SingleInstance.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "ui/shell/DesktopShell.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QStandardPaths>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

// How long a second launch waits for the running instance to take its command line. A responsive
// one answers in milliseconds; one still starting up (before its event loop runs) or hung does not,
// and the launch then says so and exits 1 rather than linger.
constexpr int kHandOverTimeoutMs = 1000;

} // namespace

int main(int argc, char** argv)
{
    // `--ask`, `--help` and `--version` must work without a display, and a QApplication aborts
    // without one: decide before creating it.
    if (anyrouter::CommandLine::wantsConsole(argc, argv))
        return anyrouter::runConsole(argc, argv);

    QApplication app(argc, argv);
    anyrouter::CommandLine::applyIdentity();
    QApplication::setApplicationDisplayName(u"AnyRouter Desktop"_s);
    QApplication::setWindowIcon(QIcon(u":/icons/anyrouter-desktop.svg"_s));
    QApplication::setDesktopFileName(u"anyrouter-desktop"_s);

    anyrouter::CommandLine cl;
    cl.parser.process(app);
    if (cl.parser.isSet(cl.model)) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QApplication::translate("main", "--model only works with --ask.")));
        return 2;
    }

    // One window per user and data directory: the key names the app and where its database lives,
    // so test mode and another profile (other XDG_DATA_HOME) get their own instance.
    anyrouter::SingleInstance instance(QApplication::organizationName() + u'/' +
                                       QApplication::applicationName() + u'\n' +
                                       QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    switch (instance.claim()) {
    case anyrouter::SingleInstance::Role::Primary:
        break;
    case anyrouter::SingleInstance::Role::Secondary: {
        QString error;
        if (!instance.sendToPrimary(QApplication::arguments(), kHandOverTimeoutMs, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        return 0;
    }
    case anyrouter::SingleInstance::Role::Failed:
        std::fprintf(
            stderr, "%s\n",
            qPrintable(QApplication::translate("main", "Cannot make sure only one instance runs (%1); "
                                                       "starting anyway.")
                           .arg(instance.errorString())));
        break;
    }

    anyrouter::DemoGateway demoGateway; // outlives the context, whose workspace manager holds its start hook
    anyrouter::AppContext context({});
    QString error;
    if (!context.open(&error)) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "AnyRouter Desktop"),
            QApplication::translate("main", "The local database could not be opened:\n%1").arg(error));
        return 1;
    }

    // The simulator thread is started only when Demo is first selected.
    anyrouter::WorkspaceManager* workspaces = context.workspaces();
    demoGateway.registerWith(workspaces);
    workspaces->addEnvironmentWorkspace(QProcessEnvironment::systemEnvironment());

    anyrouter::DesktopShell shell(&context);
    QObject::connect(
        workspaces, &anyrouter::WorkspaceManager::currentChanged, &context,
        [&context](const anyrouter::Workspace& w) { context.settings()->setLastWorkspaceId(w.id); });

    // Initial workspace: --demo or --workspace NAME (the shell selects those), else the last one
    // used, Environment, else Demo.
    const anyrouter::ShellRequest request = anyrouter::ShellRequest::fromArguments(QApplication::arguments());
    if (!request.demo && request.workspace.isEmpty()) {
        const QString last = context.settings()->lastWorkspaceId();
        if (!last.isEmpty() && workspaces->find(last))
            workspaces->select(last);
        else if (workspaces->find(anyrouter::WorkspaceManager::environmentWorkspaceId()))
            workspaces->select(anyrouter::WorkspaceManager::environmentWorkspaceId());
        else
            workspaces->select(anyrouter::WorkspaceManager::demoWorkspaceId());
    }
    if (!shell.start(request, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }

    // Later launches: switch workspace, open the quick prompt or raise the window, as they ask.
    QObject::connect(&instance, &anyrouter::SingleInstance::messageReceived, &shell,
                     [&shell](const QStringList& arguments) {
                         QString handleError;
                         if (!shell.handle(anyrouter::ShellRequest::fromArguments(arguments), &handleError))
                             qWarning().noquote()
                                 << "A second launch asked for what cannot be done:" << handleError;
                     });
    return app.exec();
}
