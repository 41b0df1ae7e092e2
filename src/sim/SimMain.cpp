// anyrouter-sim: runs the AnyRouter gateway simulator as a standalone process. The first stdout
// line is exactly "listening on http://127.0.0.1:PORT" (flushed) so scripts and tests can wait
// for it; then one line per request goes to stderr unless --quiet. SIGINT/SIGTERM exit cleanly.
#include "sim/SimLog.h"
#include "sim/SimServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;
using namespace anyrouter::sim;

namespace {

#ifdef Q_OS_UNIX
int g_signalFd[2] = {-1, -1};
void onSignal(int)
{
    const char b = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[0], &b, 1);
}
#else
QCoreApplication* g_app = nullptr;
void onSignal(int)
{
    if (g_app)
        QMetaObject::invokeMethod(g_app, &QCoreApplication::quit, Qt::QueuedConnection);
}
#endif

[[noreturn]] void fail(const QString& message)
{
    std::fprintf(stderr, "anyrouter-sim: %s\n", qPrintable(message));
    std::exit(2);
}

int intValue(const QCommandLineParser& p, const QString& name, int min, int max)
{
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v < min || v > max)
        fail(u"--"_s + name + u" expects an integer in ["_s + QString::number(min) + u", "_s +
             QString::number(max) + u"], got \""_s + p.value(name) + u'"');
    return v;
}

double doubleValue(const QCommandLineParser& p, const QString& name)
{
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok)
        fail(u"--"_s + name + u" expects a number, got \""_s + p.value(name) + u'"');
    return v;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"anyrouter-sim"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(ANYROUTER_VERSION));

    QCommandLineParser p;
    p.setApplicationDescription(u"Local simulator of the AnyRouter LLM gateway API (loopback only)."_s);
    p.addHelpOption();
    p.addVersionOption();
    const QList<QCommandLineOption> options = {
        {u"port"_s, u"Port on 127.0.0.1 (0 picks a free one)."_s, u"N"_s, u"0"_s},
        {u"models"_s, u"Generate a catalog of N models instead of the hand-made one."_s, u"N"_s},
        {u"seed"_s, u"Seed for the catalog, replies and history."_s, u"S"_s, u"42"_s},
        {u"tokens-per-second"_s, u"Streaming pace; 0 = as fast as possible."_s, u"X"_s, u"200"_s},
        {u"ttft-ms"_s, u"Time to first token."_s, u"N"_s, u"150"_s},
        {u"pricing"_s, u"Pricing shape: anyrouter|openrouter|mixed."_s, u"shape"_s, u"mixed"_s},
        {u"credits"_s, u"Credits shape: balance|openrouter."_s, u"shape"_s, u"balance"_s},
        {u"models-shape"_s, u"Models list shape: data|array|models."_s, u"shape"_s, u"data"_s},
        {u"framing"_s, u"SSE framing: chunked|close."_s, u"mode"_s, u"chunked"_s},
        {u"keep-alive-ms"_s, u"Emit ': keep-alive' comments at this interval while streaming."_s, u"N"_s,
         u"0"_s},
        {u"rpm"_s, u"Rate limit per key per minute (0 = unlimited)."_s, u"N"_s, u"600"_s},
        {u"balance"_s, u"Initial balance in USD."_s, u"USD"_s, u"25"_s},
        {u"no-activity"_s, u"Answer 404 on /activity."_s},
        {u"no-generation"_s, u"Answer 404 on /generation."_s},
        {u"no-health"_s, u"Answer 404 on /health."_s},
        {u"no-keys"_s, u"Answer 404 on /keys."_s},
        {u"quiet"_s, u"Do not log requests."_s},
    };
    p.addOptions(options);
    p.process(app);

    SimConfig cfg;
    cfg.port = quint16(intValue(p, u"port"_s, 0, 65535));
    if (p.isSet(u"models"_s))
        cfg.modelCount = intValue(p, u"models"_s, 0, 10'000'000);
    cfg.seed = quint32(intValue(p, u"seed"_s, 0, std::numeric_limits<int>::max()));
    cfg.tokensPerSecond = doubleValue(p, u"tokens-per-second"_s);
    cfg.ttftMs = intValue(p, u"ttft-ms"_s, 0, 600'000);
    const QString pricing = p.value(u"pricing"_s).toLower();
    if (pricing == u"anyrouter"_s)
        cfg.pricingShape = PricingShape::AnyRouterPer1K;
    else if (pricing == u"openrouter"_s)
        cfg.pricingShape = PricingShape::OpenRouterPerToken;
    else if (pricing == u"mixed"_s)
        cfg.pricingShape = PricingShape::Mixed;
    else
        fail(u"--pricing expects anyrouter, openrouter or mixed"_s);
    const QString credits = p.value(u"credits"_s).toLower();
    if (credits == u"balance"_s)
        cfg.creditsShape = CreditsShape::Balance;
    else if (credits == u"openrouter"_s)
        cfg.creditsShape = CreditsShape::OpenRouterData;
    else
        fail(u"--credits expects balance or openrouter"_s);
    const QString shape = p.value(u"models-shape"_s).toLower();
    if (shape == u"data"_s)
        cfg.modelsShape = ModelsShape::DataObject;
    else if (shape == u"array"_s)
        cfg.modelsShape = ModelsShape::BareArray;
    else if (shape == u"models"_s)
        cfg.modelsShape = ModelsShape::ModelsKey;
    else
        fail(u"--models-shape expects data, array or models"_s);
    const QString framing = p.value(u"framing"_s).toLower();
    if (framing == u"chunked"_s)
        cfg.framing = StreamFraming::Chunked;
    else if (framing == u"close"_s)
        cfg.framing = StreamFraming::CloseDelimited;
    else
        fail(u"--framing expects chunked or close"_s);
    cfg.keepAliveMs = intValue(p, u"keep-alive-ms"_s, 0, 3'600'000);
    cfg.rateLimitPerMinute = intValue(p, u"rpm"_s, 0, 100'000'000);
    cfg.initialBalance = doubleValue(p, u"balance"_s);
    cfg.offerActivity = !p.isSet(u"no-activity"_s);
    cfg.offerGeneration = !p.isSet(u"no-generation"_s);
    cfg.offerHealth = !p.isSet(u"no-health"_s);
    cfg.offerKeys = !p.isSet(u"no-keys"_s);
    cfg.logRequests = !p.isSet(u"quiet"_s);

    qSetMessagePattern(u"%{message}"_s);
    QLoggingCategory::setFilterRules(cfg.logRequests
                                         ? u"anyrouter.sim.debug=false\nanyrouter.sim.info=true"_s
                                         : u"anyrouter.sim.debug=false\nanyrouter.sim.info=false"_s);

    SimServer server(cfg);
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "anyrouter-sim: cannot listen: %s\n", qPrintable(error));
        return 1;
    }
    std::fprintf(stdout, "listening on http://127.0.0.1:%u\n", unsigned(server.port()));
    std::fflush(stdout);

#ifdef Q_OS_UNIX
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) == 0) {
        auto* notifier = new QSocketNotifier(g_signalFd[1], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
            char b;
            [[maybe_unused]] const auto n = ::read(g_signalFd[1], &b, 1);
            notifier->setEnabled(false);
            QCoreApplication::quit();
        });
        struct sigaction sa = {};
        sa.sa_handler = onSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        ::sigaction(SIGINT, &sa, nullptr);
        ::sigaction(SIGTERM, &sa, nullptr);
    }
#else
    g_app = &app;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
#endif

    const int rc = QCoreApplication::exec();
    server.stop();
    return rc;
}
