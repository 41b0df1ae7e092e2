// anyrouter-desktop entry point: command line, composition root, first window.
// With no key and no network the app still opens on the Demo workspace, served by the gateway
// simulator on a private loopback port in a background thread.
#include "AskCommand.h"
#include "CommandLine.h"
#include "DemoGateway.h"

#include "core/AppContext.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"
#include "ui/shell/MainWindow.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>
#include <QProcessEnvironment>

#include <cstdio>

using namespace Qt::StringLiterals;

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
    const QString demoId = anyrouter::WorkspaceManager::demoWorkspaceId();
    workspaces->addEnvironmentWorkspace(QProcessEnvironment::systemEnvironment());

    anyrouter::MainWindow window(&context);

    // Initial workspace: --demo, --workspace NAME, the last one used, Environment, else Demo.
    QString initial;
    if (cl.parser.isSet(cl.demo)) {
        initial = demoId;
    } else if (cl.parser.isSet(cl.workspace)) {
        const QString name = cl.parser.value(cl.workspace);
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
            initial = demoId;
    }
    QObject::connect(
        workspaces, &anyrouter::WorkspaceManager::currentChanged, &context,
        [&context](const anyrouter::Workspace& w) { context.settings()->setLastWorkspaceId(w.id); });
    workspaces->select(initial);
    window.show();
    const int rc = app.exec();
    return rc;
}
