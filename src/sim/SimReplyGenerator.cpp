// Deterministic Markdown reply text for the simulator.
#include "sim/SimReplyGenerator.h"

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

namespace {
const char* const kWords[] = {
    "the",        "a",           "router",    "request",  "model",
    "provider",   "token",       "stream",    "latency",  "cost",
    "balance",    "prompt",      "context",   "window",   "cache",
    "response",   "gateway",     "upstream",  "fallback", "retry",
    "budget",     "quality",     "answer",    "question", "system",
    "message",    "user",        "assistant", "tool",     "call",
    "result",     "error",       "status",    "header",   "limit",
    "minute",     "second",      "price",     "million",  "thousand",
    "fast",       "cheap",       "reliable",  "careful",  "simple",
    "modern",     "native",      "small",     "large",    "local",
    "remote",     "secure",      "typed",     "explicit", "deterministic",
    "concurrent", "incremental", "partial",   "final",    "first",
    "is",         "are",         "was",       "can",      "should",
    "will",       "may",         "must",      "keeps",    "sends",
    "returns",    "chooses",     "measures",  "compares", "forwards",
    "balances",   "caches",      "retries",   "streams",  "parses",
    "and",        "or",          "but",       "so",       "because",
    "while",      "when",        "if",        "then",     "also",
    "of",         "to",          "in",        "on",       "for",
    "with",       "by",          "from",      "over",     "between",
    "every",      "each",        "some",      "many",     "few",
    "most",       "this",        "that",      "these",    "those",
    "network",    "traffic",     "packet",    "route",    "table",
    "queue",      "buffer",      "socket",    "thread",   "event",
    "loop",       "signal",      "widget",    "window",   "database",
    "schema",     "ledger",      "chart",     "panel",    "key",
    "workspace",  "session",     "history",   "summary",  "example",
    "detail",     "option",      "setting",   "default",  "value",
};
const char* const kUnicodeWords[] = {
    "café",   "naïve",  "résumé", "Zürich", "façade", "über", "déjà vu", "São Paulo",
    "Ελλάδα", "Привет", "日本",   "東京",   "データ", "中文", "한국어",  "🚀",
    "✨",      "→",      "λ",      "€5",     "—",      "½",    "°C",      "✓",
};
const char* const kHeadings[] = {
    "Overview", "How it works", "Key points", "Trade-offs", "Example", "Costs at a glance",
    "Summary",  "Next steps",   "Details",    "Résumé",     "Caveats", "Quick comparison",
};
const char* const kCode[][6] = {
    {"```python", "def route(request, providers):", "    for p in providers:", "        if p.healthy:",
     "            return p.send(request)", "```"},
    {"```cpp", "auto reply = manager.post(request, body);",
     "QObject::connect(reply, &QNetworkReply::readyRead, [&] {", "    parser.feed(reply->readAll());", "});",
     "```"},
    {"```bash", "curl -N https://example.invalid/api/v1/chat/completions \\",
     "  -H \"Authorization: Bearer $ANYROUTER_API_KEY\" \\", "  -d '{\"model\":\"openai/gpt-5.4-mini\"}'", "",
     "```"},
    {"```json", "{", "  \"model\": \"anthropic/claude-sonnet-4.6\",", "  \"stream\": true", "}", "```"},
};
const char* const kTableNames[] = {"OpenAI",   "Anthropic", "Google", "Mistral",
                                   "DeepSeek", "Qwen",      "Meta",   "xAI"};
} // namespace

SimReplyGenerator::SimReplyGenerator(quint64 seed, bool forceUnicode)
    : m_rng(seed), m_reasoningRng(seed ^ 0x5EA5011ULL), m_forceUnicode(forceUnicode)
{}

QByteArray SimReplyGenerator::word(bool capitalise)
{
    const double unicodeChance = m_forceUnicode ? 0.35 : 0.05;
    QByteArray w = m_rng.chance(unicodeChance)
                       ? QByteArray(kUnicodeWords[m_rng.below(int(std::size(kUnicodeWords)))])
                       : QByteArray(kWords[m_rng.below(int(std::size(kWords)))]);
    if (capitalise && !w.isEmpty() && w.at(0) >= 'a' && w.at(0) <= 'z')
        w[0] = char(w.at(0) - 'a' + 'A');
    return w;
}

QByteArray SimReplyGenerator::sentence(int minWords, int maxWords)
{
    const int n = m_rng.range(minWords, maxWords);
    QByteArray s;
    for (int i = 0; i < n; ++i) {
        if (i > 0)
            s += ' ';
        s += word(i == 0);
        if (i > 1 && i < n - 2 && m_rng.chance(0.08))
            s += ',';
    }
    s += m_rng.chance(0.1) ? '!' : '.';
    return s;
}

// Splits a line into word pieces that carry their leading whitespace, like BPE tokens do.
void SimReplyGenerator::appendLine(QList<QByteArray>& out, const QByteArray& line)
{
    qsizetype i = 0;
    while (i < line.size()) {
        qsizetype j = i;
        while (j < line.size() && line.at(j) == ' ')
            ++j;
        while (j < line.size() && line.at(j) != ' ')
            ++j;
        out.append(line.mid(i, j - i));
        i = j;
    }
}

void SimReplyGenerator::refill()
{
    m_pending.clear();
    m_pos = 0;
    const int kind = m_blocks == 0 ? 0 : m_rng.below(100);
    ++m_blocks;
    if (kind < 45) { // paragraph
        const int sentences = m_rng.range(2, 5);
        QByteArray text;
        for (int i = 0; i < sentences; ++i) {
            if (i > 0)
                text += ' ';
            text += sentence(5, 16);
        }
        appendLine(m_pending, text);
        m_pending.append("\n\n"_ba);
    } else if (kind < 57) { // heading
        QByteArray h = "## "_ba + kHeadings[m_rng.below(int(std::size(kHeadings)))];
        appendLine(m_pending, h);
        m_pending.append("\n\n"_ba);
    } else if (kind < 75) { // list
        const int items = m_rng.range(2, 5);
        const bool numbered = m_rng.chance(0.3);
        for (int i = 0; i < items; ++i) {
            QByteArray item = numbered ? QByteArray(QByteArray::number(i + 1) + ". ") : "- "_ba;
            if (m_rng.chance(0.3))
                item += "**" + word(true) + "**: ";
            QByteArray s = sentence(3, 9);
            s.chop(1);
            appendLine(m_pending, item + s);
            m_pending.append("\n"_ba);
        }
        m_pending.append("\n"_ba);
    } else if (kind < 88) { // fenced code
        const auto& code = kCode[m_rng.below(int(std::size(kCode)))];
        for (const char* line : code) {
            if (*line)
                appendLine(m_pending, QByteArray(line));
            m_pending.append("\n"_ba);
        }
        m_pending.append("\n"_ba);
    } else { // table
        appendLine(m_pending, "| Provider | Latency (ms) | Price per 1M |"_ba);
        m_pending.append("\n"_ba);
        appendLine(m_pending, "|---|---:|---:|"_ba);
        m_pending.append("\n"_ba);
        const int rows = m_rng.range(2, 4);
        for (int i = 0; i < rows; ++i) {
            QByteArray row = "| "_ba + kTableNames[m_rng.below(int(std::size(kTableNames)))] + " | " +
                             QByteArray::number(m_rng.range(90, 900)) + " | $" +
                             QByteArray::number(m_rng.range(1, 300) / 10.0, 'f', 2) + " |";
            appendLine(m_pending, row);
            m_pending.append("\n"_ba);
        }
        m_pending.append("\n"_ba);
    }
}

QByteArray SimReplyGenerator::nextToken()
{
    if (m_pos >= m_pending.size())
        refill();
    return m_pending.at(m_pos++);
}

QByteArray SimReplyGenerator::nextReasoning()
{
    static const char* const kSteps[] = {"First,", "Next,", "Then",     "So",
                                         "Hmm,",   "Also",  "Finally,", "Check:"};
    static const char* const kThoughts[] = {"the",    "user",    "wants",   "a",    "short",   "clear",
                                            "answer", "about",   "routing", "cost", "latency", "I",
                                            "should", "compare", "options", "and",  "mention", "trade-offs",
                                            "keep",   "it",      "concrete"};
    QByteArray piece;
    if (!m_reasoningStarted || m_reasoningRng.chance(0.12)) {
        piece = m_reasoningStarted ? " "_ba : QByteArray();
        piece += kSteps[m_reasoningRng.below(int(std::size(kSteps)))];
        m_reasoningStarted = true;
        return piece;
    }
    return " "_ba + kThoughts[m_reasoningRng.below(int(std::size(kThoughts)))];
}

} // namespace anyrouter::sim
