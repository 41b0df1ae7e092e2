// AskCommand: workspace choice, key wait, one streamed turn to stdout, signals, exit status.
#include "AskCommand.h"

#include "CommandLine.h"
#include "DemoGateway.h"

#include "core/AppContext.h"
#include "core/api/CatalogService.h"
#include "core/chat/ChatSession.h"
#include "core/storage/CatalogCache.h"
#include "core/storage/Settings.h"
#include "core/workspace/WorkspaceManager.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QTimer>

#include <cstdio>
#include <memory>

#ifdef Q_OS_UNIX
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace anyrouter {

Q_LOGGING_CATEGORY(lcAsk, "anyrouter.app.ask")

using namespace Qt::StringLiterals;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("AskCommand", text);
}

void printErr(const QString& message)
{
    const QByteArray line = u"anyrouter-desktop: "_s.toUtf8() + message.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

QString stripTrailingNewlines(QString s)
{
    while (s.endsWith(u'\n') || s.endsWith(u'\r'))
        s.chop(1);
    return s;
}

} // namespace

AskCommand::AskCommand(AppContext* context, DemoGateway* demo, AskOptions options, QObject* parent)
    : QObject(parent), m_context(context), m_demo(demo), m_options(std::move(options))
{}

AskCommand::~AskCommand() = default;

void AskCommand::start()
{
    if (m_options.readsStdin) {
#ifdef Q_OS_UNIX
        if (::isatty(STDIN_FILENO))
            printErr(tr("reading the prompt from standard input; end it with Ctrl+D."));
#endif
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly)) {
            finish(UsageError, tr("Could not read the prompt from standard input."));
            return;
        }
        // `echo "question" | anyrouter-desktop --ask -` should ask "question", not "question\n".
        m_options.prompt = stripTrailingNewlines(QString::fromUtf8(in.readAll()));
    }
    if (m_options.prompt.trimmed().isEmpty()) {
        finish(UsageError, tr("The prompt is empty. Usage: anyrouter-desktop --ask \"PROMPT\" [--model ID] "
                              "[--workspace NAME] (PROMPT \"-\" reads standard input)."));
        return;
    }

    WorkspaceManager* workspaces = m_context->workspaces();
    const QList<Workspace> all = workspaces->workspaces();
    if (!m_options.workspace.isEmpty()) {
        m_explicitWorkspace = true;
        for (const Workspace& w : all) {
            if (w.id == m_options.workspace ||
                w.name.compare(m_options.workspace, Qt::CaseInsensitive) == 0) {
                m_workspaceId = w.id;
                break;
            }
        }
        if (m_workspaceId.isEmpty()) {
            QStringList names;
            for (const Workspace& w : all)
                names.append(w.name);
            finish(UsageError, tr("No workspace named \"%1\". Available: %2.")
                                   .arg(m_options.workspace, names.join(u", "_s)));
            return;
        }
    } else if (workspaces->find(WorkspaceManager::environmentWorkspaceId())) {
        m_workspaceId = WorkspaceManager::environmentWorkspaceId();
    } else {
        const QString last = m_context->settings()->lastWorkspaceId();
        if (!last.isEmpty() && workspaces->find(last))
            m_workspaceId = last;
    }
    if (m_workspaceId.isEmpty()) {
        finish(UsageError,
               tr("No workspace to ask. Set ANYROUTER_API_KEY (and ANYROUTER_BASE_URL for a gateway other "
                  "than anyrouter.dev), add a workspace with a key in the app, or pass --workspace Demo to "
                  "ask the offline simulator."));
        return;
    }
    const Workspace ws = *workspaces->find(m_workspaceId);
    if (ws.kind == Workspace::Kind::Demo && !m_explicitWorkspace)
        printErr(tr("using the Demo workspace (simulated replies, the last one used in the app). Pass "
                    "--workspace NAME or set ANYROUTER_API_KEY to ask a real gateway."));

    // Ephemeral workspaces answer keysReady from inside select(); stored ones after the keychain
    // answered (or its own timeout passed). Connected before select() so neither is missed.
    connect(workspaces, &WorkspaceManager::keysReady, this, [this](const Workspace& ready) {
        if (ready.id == m_workspaceId && !m_session && !m_done)
            onKeysReady(ready);
    });
    if (ws.kind == Workspace::Kind::Demo && m_demo) {
        QString error;
        if (!m_demo->start(&error).isValid()) {
            finish(Failure, tr("The Demo gateway could not start: %1").arg(error));
            return;
        }
    }
    if (!workspaces->select(m_workspaceId))
        finish(Failure, tr("Could not open the workspace \"%1\".").arg(ws.name));
}

void AskCommand::onKeysReady(const Workspace& ws)
{
    if (m_interruptCode) {
        finish(m_interruptCode);
        return;
    }
    WorkspaceManager* workspaces = m_context->workspaces();
    switch (workspaces->keyState()) {
    case WorkspaceManager::KeyState::Loaded:
        break;
    case WorkspaceManager::KeyState::KeychainUnavailable:
        // The manager's own message offers a session-only key, which only the window can take.
        finish(Failure, tr("Workspace \"%1\": the system keychain did not answer, so its key cannot be read. "
                           "Set ANYROUTER_API_KEY (and ANYROUTER_BASE_URL) to ask without the keychain.")
                            .arg(ws.name));
        return;
    default:
        finish(Failure, tr("Workspace \"%1\" has no API key stored. Add one in the app's workspace settings, "
                           "or set ANYROUTER_API_KEY.")
                            .arg(ws.name));
        return;
    }

    auto* session =
        new ChatSession(m_context->conversations(), m_context->ledger(), workspaces->client(), this);
    m_session = session;
    session->setWorkspaceId(ws.id);
    session->setDefaultModel(m_options.model.isEmpty() ? ws.effectiveModel() : m_options.model);
    session->setDefaultRouting(ws.routing);
    session->setUsageService(workspaces->usage()); // the /generation cost look-up
    // Cost estimate for the ledger when the gateway reports none: the workspace's cached catalog,
    // read only if needed.
    CatalogCache* cache = m_context->catalogCache();
    const QString wsId = ws.id;
    auto prices = std::make_shared<std::optional<QHash<QString, ModelPricing>>>();
    session->setPricingLookup([cache, wsId, prices](const QString& modelId) -> std::optional<ModelPricing> {
        if (!*prices) {
            QHash<QString, ModelPricing> table;
            if (cache) {
                if (const auto cached = cache->load(wsId)) {
                    for (const QJsonObject& raw : cached->models) {
                        const ModelInfo info = CatalogService::parseModel(raw);
                        table.insert(info.id, info.pricing);
                    }
                }
            }
            *prices = std::move(table);
        }
        const auto it = (*prices)->constFind(modelId);
        return it == (*prices)->cend() ? std::nullopt : std::optional<ModelPricing>(*it);
    });
    connect(session, &ChatSession::replyDelta, this, [this](qint64, const QString& delta) {
        if (m_outputBroken || delta.isEmpty())
            return;
        m_wroteReply = true;
        if (!writeOut(delta.toUtf8())) {
            // Reader gone (`| head`): stop paying for tokens nobody reads; the partial stays in history.
            m_outputBroken = true;
            if (!m_interruptCode)
                m_interruptCode = 128 + 13; // what a shell reports for SIGPIPE
            if (m_session)
                m_session->stop();
        }
    });
    connect(session, &ChatSession::replyFinished, this, &AskCommand::onReplyFinished);
    connect(session, &ChatSession::storageFailed, this, [](const QString& error) { printErr(error); });
    // Printed by storageFailed already; the exit status must say it too.
    connect(session, &ChatSession::replyNotSaved, this, [this] { m_replyNotSaved = true; });

    QString error;
    if (!session->send(m_options.prompt, &error))
        finish(Failure, error);
}

void AskCommand::onReplyFinished(const Message& reply)
{
    if (m_wroteReply || reply.status == MessageStatus::Complete)
        writeOut("\n"_ba);
    if (m_replyNotSaved && !m_interruptCode) {
        finish(Failure, reply.status == MessageStatus::Complete
                            ? tr("The reply above is complete, but it was not fully saved in the history.")
                            : tr("The reply failed, and it was not fully saved in the history."));
        return;
    }
    if (reply.status == MessageStatus::Complete) {
        finish(m_interruptCode ? m_interruptCode : Success);
        return;
    }
    if (m_interruptCode) {
        if (!m_outputBroken)
            finish(m_interruptCode, tr("stopped; the partial reply is kept in the history."));
        else
            finish(m_interruptCode);
        return;
    }
    QString why = reply.errorText;
    if (why.isEmpty())
        why = tr("The reply failed.");
    if (reply.status == MessageStatus::Incomplete && !reply.content.isEmpty())
        why += u' ' + tr("The partial reply is kept in the history.");
    finish(Failure, why);
}

bool AskCommand::writeOut(const QByteArray& bytes)
{
    if (m_outputBroken)
        return false;
    const size_t n = std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    return n == size_t(bytes.size()) && std::fflush(stdout) == 0;
}

void AskCommand::interrupt(int exitCode)
{
    if (m_done)
        return;
    if (!m_interruptCode)
        m_interruptCode = exitCode;
    if (m_session && m_session->isStreaming()) {
        m_session->stop(); // onReplyFinished() follows with the partial reply stored as stopped
        return;
    }
    if (!m_session) // still choosing the workspace or waiting for the keychain: nothing sent yet
        finish(m_interruptCode);
}

void AskCommand::finish(int exitCode, const QString& message)
{
    if (m_done)
        return;
    m_done = true;
    if (!message.isEmpty())
        printErr(message);
    emit finished(exitCode);
}

// ---------------------------------------------------------------------------------------------
// Console entry point.

namespace {

#ifdef Q_OS_UNIX
// Self-pipe: the handler only writes the signal number; the event loop does the work.
int g_signalFd[2] = {-1, -1};

extern "C" void onTerminationSignal(int signo)
{
    const char b = char(signo);
    [[maybe_unused]] const auto n = ::write(g_signalFd[0], &b, 1);
}

// Turns SIGINT/SIGTERM/SIGHUP into AskCommand::interrupt(128 + signal). One-shot handlers: a
// second Ctrl+C kills the process at once, as people expect when the first one seems stuck.
class SignalWatcher
{
public:
    explicit SignalWatcher(AskCommand* command)
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0) {
            qCWarning(lcAsk) << "no signal pipe; Ctrl+C will end the process without saving the stop";
            return;
        }
        m_notifier = std::make_unique<QSocketNotifier>(g_signalFd[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, command, [command]() {
            char b = 0;
            if (::read(g_signalFd[1], &b, 1) == 1)
                command->interrupt(128 + int(b));
        });
        struct sigaction sa = {};
        sa.sa_handler = onTerminationSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_RESTART;
        for (int s : {SIGINT, SIGTERM, SIGHUP})
            ::sigaction(s, &sa, nullptr);
        // A closed stdout must show up as a write error, not kill us mid-reply.
        std::signal(SIGPIPE, SIG_IGN);
    }
    ~SignalWatcher()
    {
        for (int s : {SIGINT, SIGTERM, SIGHUP})
            std::signal(s, SIG_DFL);
        m_notifier.reset();
        for (int& fd : g_signalFd) {
            if (fd >= 0)
                ::close(fd);
            fd = -1;
        }
    }
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};
#else
class SignalWatcher
{
public:
    explicit SignalWatcher(AskCommand*) {}
};
#endif

} // namespace

int runConsole(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    CommandLine::applyIdentity();
    // Standard error is the user's terminal here: warnings yes, the app's chatter ("opened database",
    // "listening on") no. QT_LOGGING_RULES still overrides this for debugging.
    QLoggingCategory::setFilterRules(u"*.debug=false\n*.info=false"_s);
    CommandLine cl;
    QCommandLineParser& parser = cl.parser;
    if (!parser.parse(app.arguments())) {
        printErr(parser.errorText() + u" (see --help)"_s);
        return AskCommand::UsageError;
    }
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s))
        parser.showHelp(0);
    if (parser.isSet(u"version"_s))
        parser.showVersion();
    if (!parser.isSet(cl.ask)) {
        printErr(tr("this mode needs --ask (see --help)."));
        return AskCommand::UsageError;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printErr(tr("unexpected argument \"%1\"; quote the prompt: --ask \"PROMPT\".")
                     .arg(parser.positionalArguments().constFirst()));
        return AskCommand::UsageError;
    }
    AskOptions options;
    options.prompt = parser.value(cl.ask);
    options.readsStdin = options.prompt == u"-"_s;
    if (options.readsStdin)
        options.prompt.clear();
    if (parser.isSet(cl.model)) {
        options.model = parser.value(cl.model).trimmed();
        if (options.model.isEmpty()) {
            printErr(tr("--model needs a model id, e.g. --model openai/gpt-5.4-mini."));
            return AskCommand::UsageError;
        }
    }
    if (parser.isSet(cl.workspace))
        options.workspace = parser.value(cl.workspace).trimmed();
    if (parser.isSet(cl.demo)) {
        if (parser.isSet(cl.workspace)) {
            printErr(tr("--demo and --workspace cannot be combined."));
            return AskCommand::UsageError;
        }
        options.workspace = WorkspaceManager::demoWorkspaceId();
    }
    if (parser.isSet(cl.workspace) && options.workspace.isEmpty()) {
        printErr(tr("--workspace needs a name."));
        return AskCommand::UsageError;
    }

    DemoGateway demo; // outlives the context, whose workspace manager holds its start hook
    // A large file is checked on a background thread while the turn runs (a 300,000-message file
    // takes ~0.3-0.5 s); damage found there is said here and acted on at the next start.
    AppContext context({});
    QObject::connect(&context, &AppContext::databaseDamaged, &context, [](const QString& m) { printErr(m); });
    QString error;
    if (!context.open(&error)) {
        printErr(tr("The local database could not be opened: %1").arg(error));
        return AskCommand::Failure;
    }
    if (!context.databaseNotice().isEmpty())
        printErr(context.databaseNotice()); // a damaged file was moved aside: say where it is
    WorkspaceManager* workspaces = context.workspaces();
    demo.registerWith(workspaces);
    workspaces->addEnvironmentWorkspace(QProcessEnvironment::systemEnvironment());

    AskCommand command(&context, &demo, options);
    SignalWatcher signalWatcher(&command);
    // Queued: finished() may come from inside start(), before exec() runs, where exit() is lost.
    QObject::connect(
        &command, &AskCommand::finished, &app, [](int code) { QCoreApplication::exit(code); },
        Qt::QueuedConnection);
    QTimer::singleShot(0, &command, &AskCommand::start);
    return app.exec();
}

} // namespace anyrouter
