// AskCommand: `anyrouter-desktop --ask "prompt"`, the terminal mode. One chat turn through the same
// ChatSession as the window (so it lands in the history as a new conversation of the workspace), the
// reply streamed to standard output as it arrives and nothing else there, diagnostics on standard
// error. No display needed: it runs on a QCoreApplication.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

namespace anyrouter {

class AppContext;
class ChatSession;
class DemoGateway;
struct Message;
struct Workspace;

struct AskOptions
{
    QString prompt;          // the text to send; see readsStdin
    bool readsStdin = false; // prompt was "-": read it from standard input at start()
    QString model;           // empty: the workspace's default model
    QString workspace;       // name (case-insensitive) or id; empty: Environment, else the last used one
};

class AskCommand : public QObject
{
    Q_OBJECT
public:
    enum ExitCode
    {
        Success = 0,
        Failure = 1,      // gateway, stream, key or storage error
        UsageError = 2,   // bad arguments, unknown workspace, empty prompt, no workspace at all
        Interrupted = 130 // 128 + SIGINT
    };

    // `demo` may be null (then the Demo workspace is whatever `context` registered, if anything).
    AskCommand(AppContext* context, DemoGateway* demo, AskOptions options, QObject* parent = nullptr);
    ~AskCommand() override;

    // Picks the workspace, waits for its keys, sends the prompt. Ends with finished(), once.
    void start();
    // A signal asked us to stop (Ctrl+C): the stream is aborted, the partial reply stays in the
    // history marked stopped, and finished(exitCode) follows.
    void interrupt(int exitCode = Interrupted);
    bool isFinished() const { return m_done; }

signals:
    void finished(int exitCode);

private:
    void onKeysReady(const Workspace& ws);
    void onReplyFinished(const Message& reply);
    bool writeOut(const QByteArray& bytes);
    void finish(int exitCode, const QString& message = {});

    AppContext* m_context;
    DemoGateway* m_demo;
    AskOptions m_options;
    QString m_workspaceId;
    bool m_explicitWorkspace = false;
    QPointer<ChatSession> m_session;
    int m_interruptCode = 0; // non-zero once interrupted
    bool m_wroteReply = false;
    bool m_outputBroken = false;
    bool m_replyNotSaved = false; // the database refused (part of) the reply: exit 1
    bool m_done = false;
};

// Entry point of the console modes (`--ask`, `--help`, `--version`); see CommandLine::wantsConsole().
// Builds a QCoreApplication, so it never needs a display. Returns the process exit status.
int runConsole(int argc, char** argv);

} // namespace anyrouter
