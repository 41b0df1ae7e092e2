// anyrouter-hostile: the tests' hostile server on its own, to point a build at by hand:
//   build/dev/tests/hostile/anyrouter-hostile
//   ANYROUTER_BASE_URL=http://127.0.0.1:PORT/c/no-finish/v1 ANYROUTER_API_KEY=sk-x anyrouter-desktop --ask hi
#include "HostileServer.h"

#include <QCoreApplication>

#include <cstdio>

using namespace anyrouter::hostile;
using namespace Qt::StringLiterals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    HostileServer server;
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "anyrouter-hostile: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u (redirect target port %u)\ncases (base URL "
                "http://127.0.0.1:%u/c/<case>/v1):\n",
                unsigned(server.port()), unsigned(server.otherPort()), unsigned(server.port()));
    for (const QString& c : HostileServer::caseNames())
        std::printf("  %s\n", qPrintable(c));
    std::fflush(stdout);
    return app.exec();
}
