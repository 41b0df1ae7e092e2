// Child process for TestCrashRecovery: runs one chat turn through the real ChatSession into the
// database given on the command line, then exits. The test kills it with SIGKILL mid-stream.
#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>

#include <cstdio>

using namespace anyrouter;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5) {
        std::fprintf(stderr, "usage: chat_turn_child DB BASE_URL KEY PROMPT\n");
        return 2;
    }
    Database db(args.at(1));
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    ConversationStore store(db);
    UsageLedger ledger(db);
    QNetworkAccessManager nam;
    ApiClient client(&nam);
    client.setBaseUrl(QUrl(args.at(2)));
    client.setKeys(args.at(3));
    ChatSession session(&store, &ledger, &client);
    session.setFlushIntervalMs(50);
    session.setWorkspaceId(QStringLiteral("crash-ws"));
    session.setDefaultModel(QStringLiteral("openai/gpt-5.4-mini"));
    QObject::connect(&session, &ChatSession::replyFinished, &app,
                     [&app](const Message& m) { app.exit(m.status == MessageStatus::Complete ? 0 : 3); });
    if (!session.send(args.at(4), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::printf("sent\n");
    std::fflush(stdout);
    return app.exec();
}
