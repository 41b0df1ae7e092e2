// CommandLine: the options the app understands, shared by the window and the terminal mode
// (`--ask`), and the application identity that decides where the database and settings live.
#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace anyrouter {

class CommandLine
{
public:
    CommandLine(); // call after the Q*Application exists (translations)

    QCommandLineParser parser; // with --help, --help-all and --version
    QCommandLineOption demo;
    QCommandLineOption workspace;
    QCommandLineOption ask;
    QCommandLineOption model;
    QCommandLineOption quickPrompt;

    // Organisation/application names and version. The window and `--ask` must agree on them, or
    // they would read different databases.
    static void applyIdentity();
    // Whether argv asks for something that must work without a display (`--ask`, `--help`,
    // `--version`): decided before any QApplication exists, since one aborts without a display.
    static bool wantsConsole(int argc, char** argv);
};

} // namespace anyrouter
