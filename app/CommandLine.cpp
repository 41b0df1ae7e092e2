// CommandLine: option table and application identity.
#include "CommandLine.h"

#include <QCoreApplication>

#include <cstring>

namespace anyrouter {

using namespace Qt::StringLiterals;

CommandLine::CommandLine()
    : demo(u"demo"_s,
           QCoreApplication::translate("main", "Open the offline Demo workspace (a simulated gateway "
                                               "on a private loopback port; no key or network needed).")),
      workspace(u"workspace"_s,
                QCoreApplication::translate("main", "Open (or, with --ask, use) the workspace NAME."),
                u"NAME"_s),
      ask(u"ask"_s,
          QCoreApplication::translate(
              "main",
              "Terminal mode, no window: send PROMPT (\"-\" reads it from standard input), stream the "
              "reply to standard output and keep the conversation in the history. Exit status: 0 "
              "done, 1 gateway or stream error, 2 usage error, 130 interrupted (Ctrl+C)."),
          u"PROMPT"_s),
      model(u"model"_s,
            QCoreApplication::translate("main", "With --ask: the model to use (default: the workspace's)."),
            u"ID"_s),
      quickPrompt(u"quick-prompt"_s,
                  QCoreApplication::translate("main",
                                              "Open the quick prompt: in the running instance, or start the "
                                              "app (hidden in the tray where there is one) and open it."))
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Native desktop client for the AnyRouter LLM gateway and OpenAI-compatible gateways.\n"
                "Environment: ANYROUTER_API_KEY, ANYROUTER_BASE_URL, ANYROUTER_MODEL define an "
                "\"Environment\" workspace that is never written to disk."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(demo);
    parser.addOption(workspace);
    parser.addOption(ask);
    parser.addOption(model);
    parser.addOption(quickPrompt);
}

void CommandLine::applyIdentity()
{
    QCoreApplication::setOrganizationName(u"AnyRouter"_s);
    QCoreApplication::setOrganizationDomain(u"anyrouter.dev"_s);
    QCoreApplication::setApplicationName(u"anyrouter-desktop"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(ANYROUTER_VERSION));
}

bool CommandLine::wantsConsole(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (std::strcmp(a, "--") == 0)
            break; // what follows is not an option
        if (std::strcmp(a, "--ask") == 0 || std::strncmp(a, "--ask=", 6) == 0 || std::strcmp(a, "-h") == 0 ||
            std::strcmp(a, "--help") == 0 || std::strcmp(a, "-?") == 0 || std::strcmp(a, "--help-all") == 0 ||
            std::strcmp(a, "-v") == 0 || std::strcmp(a, "--version") == 0)
            return true;
    }
    return false;
}

} // namespace anyrouter
