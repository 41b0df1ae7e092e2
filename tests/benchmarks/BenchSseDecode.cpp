// bench_sse_decode: how fast the chat stream path (SseParser + decodeChatChunk) turns SSE bytes into
// decoded chunks, compared with the official `openai` npm SDK decoding the very same bytes.
// Generates a deterministic ~100 MB chat stream, writes it to a file, decodes it in network-sized
// feeds (median of several runs), then runs node/bench-openai-sse.mjs on that file and prints the
// ratio. See README.md next to this file.
#include "core/api/ChatChunk.h"
#include "core/api/SseParser.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <vector>

#ifndef ANYROUTER_BENCH_NODE_DIR
#define ANYROUTER_BENCH_NODE_DIR ""
#endif

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

void print(const QString& line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

// splitmix64: tiny, fast and identical on every platform, so the stream is the same everywhere.
class Rng
{
public:
    explicit Rng(quint64 seed) : m_state(seed) {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    int bounded(int n) { return int(next() % quint64(n)); }
    int between(int lo, int hi) { return lo + bounded(hi - lo + 1); } // inclusive
    bool chance(int percent) { return bounded(100) < percent; }
    template <typename T> const T& pick(const std::vector<T>& items)
    {
        return items[size_t(bounded(int(items.size())))];
    }

private:
    quint64 m_state;
};

// JSON string body (without quotes). asciiOnly mimics servers that \u-escape everything non-ASCII
// (Python's json.dumps default); otherwise UTF-8 goes out raw, as most gateways send it.
void appendJsonString(QByteArray& out, const QString& s, bool asciiOnly)
{
    static const char hex[] = "0123456789abcdef";
    auto escapeUnit = [&out](char16_t u) {
        out += "\\u";
        out += hex[(u >> 12) & 0xF];
        out += hex[(u >> 8) & 0xF];
        out += hex[(u >> 4) & 0xF];
        out += hex[u & 0xF];
    };
    out += '"';
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t u = s.at(i).unicode();
        switch (u) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                escapeUnit(u);
            } else if (u < 0x80) {
                out += char(u);
            } else if (asciiOnly) {
                escapeUnit(u);
            } else if (QChar::isHighSurrogate(u) && i + 1 < s.size()) {
                out += QStringView(s).mid(i, 2).toUtf8();
                ++i;
            } else {
                out += QStringView(s).mid(i, 1).toUtf8();
            }
        }
    }
    out += '"';
}

struct StreamStats
{
    qint64 chunks = 0; // JSON chunks, not counting [DONE]
    qint64 contentUnits = 0;
    qint64 reasoningUnits = 0;
    qint64 usageChunks = 0;
};

// Builds a chat stream shaped like the reference's example (and OpenRouter's real ones): many
// completions, each a role chunk, optional reasoning chunks, content chunks, a finish chunk and a
// usage chunk with "choices": [], keep-alive comments here and there, and one [DONE] at the end
// (the SDK stops reading at the first [DONE]).
QByteArray generateStream(qint64 targetBytes, quint64 seed)
{
    Rng rng(seed);
    const std::vector<QString> words = {
        u"the"_s,
        u"router"_s,
        u"forwards"_s,
        u"traffic"_s,
        u"between"_s,
        u"networks"_s,
        u"and"_s,
        u"a"_s,
        u"packet"_s,
        u"is"_s,
        u"routed"_s,
        u"to"_s,
        u"its"_s,
        u"next"_s,
        u"hop"_s,
        u"based"_s,
        u"on"_s,
        u"tables"_s,
        u"latency"_s,
        u"gateway"_s,
        u"model"_s,
        u"provider"_s,
        u"fallback"_s,
        u"token"_s,
        u"stream"_s,
        u"request"_s,
        u"response"_s,
        u"Qt"_s,
        u"C++"_s,
        u"JSON"_s,
        u"API"_s,
        u"1.5"_s,
        u"42"_s,
        u"caf\u00e9"_s,
        u"na\u00efve"_s,
        u"Stra\u00dfe"_s,
        u"\u00fcber"_s,
        u"\u00bfqu\u00e9?"_s,
        u"\u4e2d\u6587"_s,
        u"\u65e5\u672c\u8a9e"_s,
        u"\ud55c\uad6d\uc5b4"_s,
        u"\u0440\u0443\u0441\u0441\u043a\u0438\u0439"_s,
        u"\u0627\u0644\u0639\u0631\u0628\u064a\u0629"_s,
        u"\u2014"_s,
        u"\u2192"_s,
        u"\u2026"_s,
        u"\U0001F600"_s,
        u"\U0001F680"_s,
        u"\U0001F44D\U0001F3FD"_s,
    };
    const std::vector<QString> code = {
        u"\n\n```cpp\n"_s,
        u"\n```\n"_s,
        u"std::cout << \"hi\\n\";"_s,
        u"printf(\"%s\\n\", s);"_s,
        u"\n    return {};"_s,
        u"C:\\Users\\dev"_s,
        u"\t"_s,
        u"{\"key\": \"value\"}"_s,
        u"<div class=\"x\">"_s,
        u"a/b/c"_s,
        u"\n- "_s,
        u"\n1. "_s,
        u"**bold**"_s,
    };
    const std::vector<QByteArray> models = {"anthropic/claude-sonnet-4.6"_ba, "openai/gpt-5.4-mini"_ba,
                                            "openai/gpt-5.4-nano"_ba, "anthropic/claude-haiku-4.5"_ba,
                                            "google/gemini-2.5-flash"_ba};
    const std::vector<QByteArray> providers = {"Anthropic"_ba, "OpenAI"_ba, "Amazon Bedrock"_ba,
                                               "Google Vertex"_ba, "Azure"_ba};

    auto piece = [&]() {
        QString s;
        const int n = rng.between(1, 4);
        for (int i = 0; i < n; ++i) {
            if (rng.chance(8))
                s += rng.pick(code);
            else
                s += (s.isEmpty() && rng.chance(30) ? QString() : u" "_s) + rng.pick(words);
        }
        if (rng.chance(6))
            s += rng.chance(50) ? u"."_s : u",\n"_s;
        return s;
    };

    QByteArray out;
    out.reserve(targetBytes + 64 * 1024);
    qint64 completion = 0;
    qint64 created = 1767225600;
    while (out.size() < targetBytes) {
        ++completion;
        created += rng.between(1, 30);
        const bool asciiOnly = rng.chance(25);
        const bool reasoningModel = rng.chance(20);
        const bool fingerprint = rng.chance(50);
        const QByteArray model = rng.pick(models);
        QByteArray prefix =
            "{\"id\":\"chatcmpl-" + QByteArray::number(quint64(rng.next()) & 0xFFFFFFFFFFFFULL, 16) +
            "\",\"provider\":\"" + rng.pick(providers) + "\",\"model\":\"" + model +
            "\",\"object\":\"chat.completion.chunk\",\"created\":" + QByteArray::number(created);
        if (fingerprint)
            prefix +=
                ",\"system_fingerprint\":\"fp_" + QByteArray::number(rng.next() & 0xFFFFFFFFFFULL, 16) + '"';
        prefix += ",\"choices\":[{\"index\":0,\"delta\":{";
        const QByteArray suffixOpen = "},\"finish_reason\":";
        const QByteArray suffixClose = ",\"logprobs\":null}]}";

        auto event = [&out](const QByteArray& json) {
            out += "data: ";
            out += json;
            out += "\n\n";
        };
        if (rng.chance(15))
            out += ": OPENROUTER PROCESSING\n\n";
        event(prefix + "\"role\":\"assistant\",\"content\":\"\"" + suffixOpen + "null" + suffixClose);

        int completionTokens = 0;
        int reasoningTokens = 0;
        if (reasoningModel) {
            for (int i = rng.between(5, 60); i > 0; --i) {
                QByteArray json = prefix + "\"content\":\"\",\"reasoning\":";
                const QString text = piece();
                appendJsonString(json, text, asciiOnly);
                json += ",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":";
                appendJsonString(json, text, asciiOnly);
                json += ",\"format\":\"unknown\",\"index\":0}]" + suffixOpen + "null" + suffixClose;
                event(json);
                ++reasoningTokens;
            }
        }
        for (int i = rng.between(10, 400); i > 0; --i) {
            QByteArray json = prefix + "\"content\":";
            appendJsonString(json, piece(), asciiOnly);
            json += suffixOpen + "null" + suffixClose;
            event(json);
            ++completionTokens;
            if (rng.chance(1))
                out += ": OPENROUTER PROCESSING\n\n";
        }
        event(prefix + "\"content\":\"\"" + suffixOpen + (rng.chance(90) ? "\"stop\"" : "\"length\"") +
              suffixClose);

        const int promptTokens = rng.between(20, 4000);
        const int total = promptTokens + completionTokens + reasoningTokens;
        QByteArray usage =
            prefix.left(prefix.indexOf(",\"choices\":")) +
            ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + QByteArray::number(promptTokens) +
            ",\"completion_tokens\":" + QByteArray::number(completionTokens + reasoningTokens) +
            ",\"total_tokens\":" + QByteArray::number(total) + ",\"cost\":0.00" +
            QByteArray::number(rng.between(1000, 99999)) + ",\"prompt_tokens_details\":{\"cached_tokens\":" +
            QByteArray::number(rng.chance(30) ? rng.between(1, promptTokens) : 0) +
            "},\"completion_tokens_details\":{\"reasoning_tokens\":" + QByteArray::number(reasoningTokens) +
            "}}}";
        event(usage);
    }
    out += "data: [DONE]\n\n";
    return out;
}

// CPU time of this (single-threaded) process: unlike wall time it does not count the time other
// processes on a busy machine hold the CPU.
double cpuSeconds()
{
    return double(std::clock()) / CLOCKS_PER_SEC;
}

struct RunResult
{
    double seconds = 0;
    double cpu = 0;
    StreamStats stats;
    bool ok = true;
    QString error;
};

// The measured path: SSE parsing of network-sized feeds, then every chunk decoded, its content
// and reasoning landing in QStrings, exactly as ChatStream consumes them. With views, through the
// zero-copy SseParser::feedViews(); otherwise through feed() and its SseEvent copies.
RunResult decodeOnce(const QByteArray& bytes, qsizetype feedBytes, bool views)
{
    RunResult r;
    SseParser parser;
    ChatChunk chunk;
    bool done = false;
    QString message;
    const auto onData = [&](QByteArrayView data) {
        if (done || !r.ok)
            return;
        if (!decodeChatChunk(data, chunk, &message)) {
            r.ok = false;
            r.error = message;
            return;
        }
        if (chunk.isDone) {
            done = true;
            return;
        }
        ++r.stats.chunks;
        r.stats.contentUnits += chunk.contentDelta.size();
        r.stats.reasoningUnits += chunk.reasoningDelta.size();
        if (chunk.usage)
            ++r.stats.usageChunks;
    };
    const auto viewHandler = [&onData](const SseEventView& event) { onData(event.data); };
    const SseParser::EventHandler copyHandler = [&onData](const SseEvent& event) { onData(event.data); };
    const double cpuStart = cpuSeconds();
    QElapsedTimer timer;
    timer.start();
    for (qsizetype pos = 0; pos < bytes.size(); pos += feedBytes) {
        const QByteArrayView piece =
            QByteArrayView(bytes).sliced(pos, std::min(feedBytes, bytes.size() - pos));
        if (!(views ? parser.feedViews(piece, viewHandler) : parser.feed(piece, copyHandler))) {
            r.ok = false;
            r.error = parser.errorString();
            break;
        }
    }
    r.seconds = double(timer.nsecsElapsed()) / 1e9;
    r.cpu = cpuSeconds() - cpuStart;
    return r;
}

// SSE framing alone, to show where the time goes.
double parseOnlyOnce(const QByteArray& bytes, qsizetype feedBytes, qint64& events, qint64& dataBytes)
{
    SseParser parser;
    events = 0;
    dataBytes = 0;
    const auto handler = [&](const SseEventView& event) {
        ++events;
        dataBytes += event.data.size();
    };
    QElapsedTimer timer;
    timer.start();
    for (qsizetype pos = 0; pos < bytes.size(); pos += feedBytes)
        parser.feedViews(QByteArrayView(bytes).sliced(pos, std::min(feedBytes, bytes.size() - pos)), handler);
    return double(timer.nsecsElapsed()) / 1e9;
}

// Chunk decoding alone, on payloads split out beforehand, to show where the time goes.
double decodeOnlyOnce(const std::vector<QByteArray>& payloads, qint64& contentUnits)
{
    ChatChunk chunk;
    contentUnits = 0;
    QElapsedTimer timer;
    timer.start();
    for (const QByteArray& payload : payloads) {
        decodeChatChunk(payload, chunk);
        contentUnits += chunk.contentDelta.size();
    }
    return double(timer.nsecsElapsed()) / 1e9;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

QString rate(double perSecond)
{
    if (perSecond >= 1e6)
        return u"%1 M"_s.arg(perSecond / 1e6, 0, 'f', 2);
    if (perSecond >= 1e3)
        return u"%1 k"_s.arg(perSecond / 1e3, 0, 'f', 1);
    return QString::number(perSecond, 'f', 0) + u' ';
}

QString runsList(const std::vector<double>& runs)
{
    QStringList parts;
    for (const double s : runs)
        parts << QString::number(s, 'f', 3);
    return parts.join(u' ');
}

// Runs `program args` in dir, forwarding its stderr; returns stdout, or nullopt on failure.
std::optional<QByteArray> runTool(const QString& program, const QStringList& args, const QString& dir,
                                  int timeoutMs, QString* why)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(program, args);
    if (!process.waitForStarted(30000)) {
        *why = u"could not start %1: %2"_s.arg(program, process.errorString());
        return std::nullopt;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        *why = u"%1 did not finish within %2 s"_s.arg(program).arg(timeoutMs / 1000);
        return std::nullopt;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *why = u"%1 %2 failed with exit code %3"_s.arg(program, args.join(u' ')).arg(process.exitCode());
        return std::nullopt;
    }
    return process.readAllStandardOutput();
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"bench_sse_decode"_s);

    QCommandLineParser cli;
    cli.setApplicationDescription(
        u"Decodes a generated ~100 MB chat SSE stream with SseParser + decodeChatChunk and with the "
        "official openai npm SDK, and prints both rates and their ratio."_s);
    cli.addHelpOption();
    cli.addPositionalArgument(
        u"file"_s, u"Where to write the generated stream (default: a temporary file)."_s, u"[file]"_s);
    const QCommandLineOption sizeOpt(u"size-mb"_s, u"Stream size in MB (default 100)."_s, u"mb"_s, u"100"_s);
    const QCommandLineOption runsOpt(u"runs"_s, u"Runs of our decoder; the median is reported (default 7)."_s,
                                     u"n"_s, u"7"_s);
    const QCommandLineOption nodeRunsOpt(u"node-runs"_s, u"Runs of the SDK decoder (default 5)."_s, u"n"_s,
                                         u"5"_s);
    const QCommandLineOption feedOpt(
        u"feed-bytes"_s, u"Bytes per feed, like one socket read (default 16384)."_s, u"bytes"_s, u"16384"_s);
    const QCommandLineOption seedOpt(u"seed"_s, u"Generator seed (default 20260101)."_s, u"n"_s,
                                     u"20260101"_s);
    const QCommandLineOption noNodeOpt(u"no-node"_s, u"Skip the openai SDK comparison."_s);
    const QCommandLineOption nodeDirOpt(u"node-dir"_s,
                                        u"Directory of bench-openai-sse.mjs (default: the source tree)."_s,
                                        u"dir"_s, QString::fromUtf8(ANYROUTER_BENCH_NODE_DIR));
    cli.addOptions({sizeOpt, runsOpt, nodeRunsOpt, feedOpt, seedOpt, noNodeOpt, nodeDirOpt});
    cli.process(app);

    const qint64 targetBytes = qint64(cli.value(sizeOpt).toDouble() * 1e6);
    const int runs = std::max(1, cli.value(runsOpt).toInt());
    const int nodeRuns = std::max(1, cli.value(nodeRunsOpt).toInt());
    const qsizetype feedBytes = std::max<qsizetype>(1, cli.value(feedOpt).toLongLong());
    const quint64 seed = cli.value(seedOpt).toULongLong();

    QTemporaryDir tempDir;
    QString path = cli.positionalArguments().value(0);
    if (path.isEmpty()) {
        if (!tempDir.isValid()) {
            print(u"error: cannot create a temporary directory"_s);
            return 1;
        }
        path = tempDir.filePath(u"chat-stream.sse"_s);
    }

    // 1. Generate and write the stream; both decoders then read this file.
    {
        QElapsedTimer t;
        t.start();
        const QByteArray generated = generateStream(targetBytes, seed);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(generated) != generated.size()) {
            print(u"error: cannot write %1: %2"_s.arg(path, file.errorString()));
            return 1;
        }
        print(u"generated %1 MB chat stream in %2 s -> %3"_s.arg(double(generated.size()) / 1e6, 0, 'f', 1)
                  .arg(double(t.elapsed()) / 1e3, 0, 'f', 1)
                  .arg(QDir::toNativeSeparators(path)));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        print(u"error: cannot read %1"_s.arg(path));
        return 1;
    }
    const QByteArray bytes = file.readAll();
    file.close();
    const double mb = double(bytes.size()) / 1e6;

    // 2. Ours.
    std::vector<double> seconds;
    std::vector<double> cpu;
    StreamStats stats;
    for (int i = 0; i < runs; ++i) {
        const RunResult r = decodeOnce(bytes, feedBytes, true);
        if (!r.ok) {
            print(u"error: decoding failed: %1"_s.arg(r.error));
            return 1;
        }
        seconds.push_back(r.seconds);
        cpu.push_back(r.cpu);
        stats = r.stats;
    }
    const double ours = median(seconds);
    std::vector<double> copySeconds;
    for (int i = 0; i < runs; ++i)
        copySeconds.push_back(decodeOnce(bytes, feedBytes, false).seconds);
    const double oursCopies = median(copySeconds);
    std::vector<double> parseSeconds;
    qint64 sseEvents = 0;
    qint64 sseDataBytes = 0;
    for (int i = 0; i < runs; ++i)
        parseSeconds.push_back(parseOnlyOnce(bytes, feedBytes, sseEvents, sseDataBytes));
    const double parseOnly = median(parseSeconds);
    std::vector<QByteArray> payloads;
    {
        SseParser splitter;
        splitter.feed(bytes, [&payloads](const SseEvent& e) { payloads.push_back(e.data); });
    }
    std::vector<double> decodeSeconds;
    qint64 decodedUnits = 0;
    for (int i = 0; i < runs; ++i)
        decodeSeconds.push_back(decodeOnlyOnce(payloads, decodedUnits));
    const double decodeOnly = median(decodeSeconds);

    const double oursEvents = double(stats.chunks) / ours;
    print(u"stream: %1 MB, %2 chunks + [DONE], %3 usage chunks, %4 content + %5 reasoning UTF-16 units; "
          "fed in %6-byte pieces"_s.arg(mb, 0, 'f', 1)
              .arg(stats.chunks)
              .arg(stats.usageChunks)
              .arg(stats.contentUnits)
              .arg(stats.reasoningUnits)
              .arg(feedBytes));
    print(
        u"ours   SseParser::feedViews + decodeChatChunk: median %1 s over %2 runs  %3events/s  %4 MB/s   [%5]"_s
            .arg(ours, 0, 'f', 3)
            .arg(runs)
            .arg(rate(oursEvents))
            .arg(mb / ours, 0, 'f', 1)
            .arg(runsList(seconds)));
    print(u"       (SseParser::feed with SseEvent copies: median %1 s  %2events/s  %3 MB/s)"_s
              .arg(oursCopies, 0, 'f', 3)
              .arg(rate(double(stats.chunks) / oursCopies))
              .arg(mb / oursCopies, 0, 'f', 1));
    print(
        u"       of which SSE framing alone:  median %1 s  %2events/s  %3 MB/s  (%4 events, %5 MB of data)"_s
            .arg(parseOnly, 0, 'f', 3)
            .arg(rate(double(sseEvents) / parseOnly))
            .arg(mb / parseOnly, 0, 'f', 1)
            .arg(sseEvents)
            .arg(double(sseDataBytes) / 1e6, 0, 'f', 1));
    print(u"       of which chunk decoding alone: median %1 s  %2events/s  (%3 payloads, %4 content units)"_s
              .arg(decodeOnly, 0, 'f', 3)
              .arg(rate(double(payloads.size()) / decodeOnly))
              .arg(qint64(payloads.size()))
              .arg(decodedUnits));

    if (cli.isSet(noNodeOpt))
        return 0;

    // 3. The official SDK on the same file.
    const QString nodeDir = cli.value(nodeDirOpt);
    const QString script = QDir(nodeDir).filePath(u"bench-openai-sse.mjs"_s);
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    if (nodeDir.isEmpty() || !QFileInfo::exists(script)) {
        print(u"SDK comparison skipped: %1 not found (use --node-dir)"_s.arg(script));
        return 2;
    }
    if (node.isEmpty()) {
        print(
            u"SDK comparison skipped: `node` is not on PATH. Install Node.js, then run `npm ci` in %1."_s.arg(
                QDir::toNativeSeparators(nodeDir)));
        return 2;
    }
    QString why;
    if (!QFileInfo::exists(QDir(nodeDir).filePath(u"node_modules/openai/package.json"_s))) {
        const QString npm = QStandardPaths::findExecutable(u"npm"_s);
        print(u"node_modules missing: running `npm ci` in %1"_s.arg(QDir::toNativeSeparators(nodeDir)));
        if (npm.isEmpty() ||
            !runTool(npm, {u"ci"_s, u"--no-audit"_s, u"--no-fund"_s}, nodeDir, 600000, &why)) {
            print(u"SDK comparison skipped: could not install the pinned openai package (%1). Run `npm ci` "
                  u"in %2 "
                  "by hand."_s.arg(npm.isEmpty() ? u"npm not on PATH"_s : why,
                                   QDir::toNativeSeparators(nodeDir)));
            return 2;
        }
    }
    const std::optional<QByteArray> output = runTool(
        node, {script, path, QString::number(nodeRuns), QString::number(feedBytes)}, nodeDir, 3600000, &why);
    if (!output) {
        print(u"SDK comparison failed: %1"_s.arg(why));
        return 2;
    }
    const QList<QByteArray> lines = output->trimmed().split('\n');
    const QJsonObject sdk = QJsonDocument::fromJson(lines.last()).object();
    const double sdkSeconds = sdk.value("medianSeconds"_L1).toDouble();
    if (sdk.isEmpty() || sdkSeconds <= 0) {
        print(u"SDK comparison failed: unexpected output: %1"_s.arg(QString::fromUtf8(*output)));
        return 2;
    }
    QStringList sdkRuns;
    const QJsonArray sdkRunArray = sdk.value("runs"_L1).toArray();
    for (const QJsonValue& v : sdkRunArray)
        sdkRuns << QString::number(v.toDouble(), 'f', 3);
    const double sdkEvents = sdk.value("eventsPerSecond"_L1).toDouble();
    print(
        u"openai %1 (node %2) Stream.fromSSEResponse: median %3 s over %4 runs  %5events/s  %6 MB/s   [%7]"_s
            .arg(sdk.value("sdkVersion"_L1).toString(), sdk.value("node"_L1).toString())
            .arg(sdkSeconds, 0, 'f', 3)
            .arg(nodeRuns)
            .arg(rate(sdkEvents))
            .arg(sdk.value("mbPerSecond"_L1).toDouble(), 0, 'f', 1)
            .arg(sdkRuns.join(u' ')));

    // Both sides must have seen the same stream, or the ratio means nothing.
    const bool agree = qint64(sdk.value("events"_L1).toDouble()) == stats.chunks &&
                       qint64(sdk.value("contentUnits"_L1).toDouble()) == stats.contentUnits &&
                       qint64(sdk.value("reasoningUnits"_L1).toDouble()) == stats.reasoningUnits &&
                       qint64(sdk.value("usageChunks"_L1).toDouble()) == stats.usageChunks;
    print(agree
              ? u"cross-check: chunk count, content and reasoning lengths and usage chunks agree"_s
              : u"cross-check FAILED: the SDK saw %1 chunks, %2 content units, %3 reasoning units, %4 usage "
                "chunks"_s.arg(qint64(sdk.value("events"_L1).toDouble()))
                    .arg(qint64(sdk.value("contentUnits"_L1).toDouble()))
                    .arg(qint64(sdk.value("reasoningUnits"_L1).toDouble()))
                    .arg(qint64(sdk.value("usageChunks"_L1).toDouble())));
    // Our runs again, after the SDK's: on a shared machine the load may have changed meanwhile, so
    // the ratio uses the median of all our runs, before and after.
    std::vector<double> after;
    for (int i = 0; i < runs; ++i) {
        const RunResult r = decodeOnce(bytes, feedBytes, true);
        after.push_back(r.seconds);
        cpu.push_back(r.cpu);
    }
    std::vector<double> all = seconds;
    all.insert(all.end(), after.begin(), after.end());
    const double oursAll = median(all);
    print(u"ours again after the SDK: median %1 s  [%2]; median of all %3 runs: %4 s  %5events/s  %6 MB/s"_s
              .arg(median(after), 0, 'f', 3)
              .arg(runsList(after))
              .arg(qsizetype(all.size()))
              .arg(oursAll, 0, 'f', 3)
              .arg(rate(double(stats.chunks) / oursAll))
              .arg(mb / oursAll, 0, 'f', 1));
    print(u"ratio ours/SDK: %1x (events/s, same stream, same feed size; goal >= 20x)"_s.arg(
        double(stats.chunks) / oursAll / sdkEvents, 0, 'f', 1));
    // The same comparison in CPU time, which a busy machine disturbs much less than wall time.
    const double sdkCpu = sdk.value("medianCpuSeconds"_L1).toDouble();
    if (sdkCpu > 0) {
        const double oursCpu = median(cpu);
        print(u"CPU time: ours median %1 s (%2events/s), SDK median %3 s (%4events/s, whole node process); "
              "ratio %5x"_s.arg(oursCpu, 0, 'f', 3)
                  .arg(rate(double(stats.chunks) / oursCpu))
                  .arg(sdkCpu, 0, 'f', 3)
                  .arg(rate(double(stats.chunks) / sdkCpu))
                  .arg(sdkCpu / oursCpu, 0, 'f', 1));
    }
    return agree ? 0 : 3;
}
