// The simulator's catalog: hand-made rows (SimCatalogData.inc) or a generated catalog, plus JSON
// serialisation in both pricing dialects and the documented list filters.
#include "sim/SimCatalog.h"

#include "sim/SimRandom.h"

#include <QDateTime>
#include <QSet>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace anyrouter::sim {

namespace {

struct CatalogRow
{
    const char* id;
    const char* name;
    int context;
    int maxOutput;
    double inPerM;
    double outPerM;
    double cacheReadPerM;
    const char* caps;
    const char* created;
    const char* description;
};

#include "SimCatalogData.inc"

constexpr int kMustHaveCount = 5; // the first rows: the models the product contract names

struct AuthorInfo
{
    const char* slug;
    const char* name;
    const char* firstParty; // comma-separated upstream slugs ("" = only third-party hosts)
    bool hostsOwnOpenModels;
    const char* stem; // family stem for generated catalogs
};

const AuthorInfo kAuthors[] = {
    {"openai", "OpenAI", "openai,azure", false, "gpt"},
    {"anthropic", "Anthropic", "anthropic,amazon-bedrock,google-vertex", false, "claude"},
    {"google", "Google", "google-ai-studio,google-vertex", false, "gemini"},
    {"meta-llama", "Meta", "", false, "llama"},
    {"mistralai", "Mistral AI", "mistral", true, "mistral"},
    {"deepseek", "DeepSeek", "deepseek", true, "deepseek"},
    {"qwen", "Qwen", "alibaba", true, "qwen"},
    {"x-ai", "xAI", "xai", false, "grok"},
    {"cohere", "Cohere", "cohere", false, "command"},
    {"amazon", "Amazon", "amazon-bedrock", false, "nova"},
    {"microsoft", "Microsoft", "azure", false, "phi"},
    {"nvidia", "NVIDIA", "", false, "nemotron"},
    {"perplexity", "Perplexity", "perplexity", false, "sonar"},
    {"ai21", "AI21 Labs", "ai21", false, "jamba"},
    {"01-ai", "01.AI", "01-ai", false, "yi"},
    {"nousresearch", "Nous Research", "", false, "hermes"},
    {"moonshotai", "Moonshot AI", "moonshotai", true, "kimi"},
    {"z-ai", "Z.AI", "z-ai", true, "glm"},
    {"minimax", "MiniMax", "minimax", true, "minimax"},
    {"inflection", "Inflection", "inflection", false, "inflection"},
    {"liquid", "Liquid AI", "liquid", true, "lfm"},
    {"thudm", "THUDM", "", false, "glm-z"},
    {"baidu", "Baidu", "baidu", true, "ernie"},
    {"tencent", "Tencent", "", false, "hunyuan"},
    {"bytedance", "ByteDance", "bytedance", true, "seed"},
    {"allenai", "Ai2", "", false, "olmo"},
    {"ibm-granite", "IBM", "", false, "granite"},
    {"sao10k", "Sao10K", "", false, "euryale"},
    {"gryphe", "Gryphe", "", false, "mytho"},
    {"black-forest-labs", "Black Forest Labs", "black-forest-labs", false, "flux"},
    {"arcee-ai", "Arcee AI", "", false, "virtuoso"},
    {"inception", "Inception", "inception", false, "mercury"},
    {"stepfun-ai", "StepFun", "stepfun", true, "step"},
};

const char* const kHosts[] = {"together", "fireworks", "deepinfra", "groq",     "novita",  "hyperbolic",
                              "nebius",   "lambda",    "cerebras",  "parasail", "baseten", "featherless"};

struct UpstreamName
{
    const char* slug;
    const char* name;
};
const UpstreamName kUpstreamNames[] = {
    {"openai", "OpenAI"},
    {"azure", "Azure"},
    {"anthropic", "Anthropic"},
    {"amazon-bedrock", "Amazon Bedrock"},
    {"google-vertex", "Google Vertex"},
    {"google-ai-studio", "Google AI Studio"},
    {"mistral", "Mistral"},
    {"deepseek", "DeepSeek"},
    {"alibaba", "Alibaba"},
    {"xai", "xAI"},
    {"cohere", "Cohere"},
    {"perplexity", "Perplexity"},
    {"ai21", "AI21"},
    {"01-ai", "01.AI"},
    {"moonshotai", "Moonshot AI"},
    {"z-ai", "Z.AI"},
    {"minimax", "Minimax"},
    {"inflection", "Inflection"},
    {"liquid", "Liquid"},
    {"baidu", "Baidu"},
    {"bytedance", "ByteDance (Volcengine)"},
    {"black-forest-labs", "Black Forest Labs"},
    {"inception", "Inception"},
    {"stepfun", "StepFun"},
    {"together", "Together"},
    {"fireworks", "Fireworks"},
    {"deepinfra", "DeepInfra"},
    {"groq", "Groq"},
    {"novita", "NovitaAI"},
    {"hyperbolic", "Hyperbolic"},
    {"nebius", "Nebius AI Studio"},
    {"lambda", "Lambda"},
    {"cerebras", "Cerebras"},
    {"parasail", "Parasail"},
    {"baseten", "Baseten"},
    {"featherless", "Featherless"},
    {"chutes", "Chutes"},
};

const AuthorInfo* authorInfo(const QString& slug)
{
    for (const auto& a : kAuthors) {
        if (slug == QLatin1String(a.slug))
            return &a;
    }
    return nullptr;
}

QString capabilityName(char c)
{
    switch (c) {
    case 'c':
        return u"chat"_s;
    case 't':
        return u"tool_use"_s;
    case 'v':
        return u"vision"_s;
    case 'r':
        return u"reasoning"_s;
    case 'j':
        return u"json_output"_s;
    case 'w':
        return u"web_search"_s;
    case 'e':
        return u"embeddings"_s;
    case 'g':
        return u"image_generation"_s;
    case 'a':
        return u"audio_input"_s;
    case 'o':
        return u"audio_output"_s;
    case 'u':
        return u"computer_use"_s;
    case 'n':
        return u"citations"_s;
    case 'm':
        return u"moderation"_s;
    case 'f':
        return u"file_input"_s;
    default:
        return {};
    }
}

qint64 parseDate(const char* ymd)
{
    if (!ymd || !*ymd)
        return 0;
    const QDate d = QDate::fromString(QString::fromLatin1(ymd), Qt::ISODate);
    return QDateTime(d, QTime(12, 0), QTimeZone::utc()).toSecsSinceEpoch();
}

// Fills everything derived from the capability letters: capabilities, modalities, category,
// supported parameters, upstream providers.
void deriveFromLetters(SimModel& m, const QByteArray& letters, quint32 seed)
{
    m.capabilities.clear();
    for (const char c : letters) {
        const QString cap = capabilityName(c);
        if (!cap.isEmpty())
            m.capabilities.append(cap);
    }
    const bool open = letters.contains('O');
    const bool chat = letters.contains('c');

    m.inputModalities = {u"text"_s};
    if (letters.contains('v'))
        m.inputModalities.append(u"image"_s);
    if (letters.contains('a'))
        m.inputModalities.append(u"audio"_s);
    if (letters.contains('f'))
        m.inputModalities.append(u"file"_s);
    m.outputModalities.clear();
    if (letters.contains('e'))
        m.outputModalities.append(u"embeddings"_s);
    else if (chat || (!letters.contains('g') && !letters.contains('o')))
        m.outputModalities.append(u"text"_s);
    if (letters.contains('g'))
        m.outputModalities.append(u"image"_s);
    if (letters.contains('o'))
        m.outputModalities.append(u"audio"_s);

    if (letters.contains('e'))
        m.category = u"embedding"_s;
    else if (letters.contains('g'))
        m.category = u"image"_s;
    else if (letters.contains('o'))
        m.category = u"audio"_s;
    else if (m.inputModalities.size() >= 3)
        m.category = u"multimodal"_s;
    else
        m.category = u"text"_s;

    m.supportedParameters.clear();
    if (letters.contains('e')) {
        m.supportedParameters = {u"dimensions"_s, u"encoding_format"_s};
    } else if (chat) {
        m.supportedParameters = {u"max_tokens"_s, u"temperature"_s, u"top_p"_s, u"stop"_s};
        if (m.index % 3 != 1)
            m.supportedParameters.append(u"seed"_s);
        if (m.author != u"anthropic"_s)
            m.supportedParameters << u"frequency_penalty"_s << u"presence_penalty"_s;
        if (letters.contains('t'))
            m.supportedParameters << u"tools"_s << u"tool_choice"_s;
        if (letters.contains('j'))
            m.supportedParameters << u"response_format"_s << u"structured_outputs"_s;
        if (letters.contains('r'))
            m.supportedParameters << u"reasoning"_s << u"include_reasoning"_s;
        if (letters.contains('w'))
            m.supportedParameters << u"web_search_options"_s;
    }

    const AuthorInfo* info = authorInfo(m.author);
    m.upstreams.clear();
    if (m.id.endsWith(u":free"_s)) {
        m.upstreams = {m.author == u"google"_s ? u"google-ai-studio"_s : u"chutes"_s};
        return;
    }
    const QString firstParty = info ? QString::fromLatin1(info->firstParty) : QString();
    if (!firstParty.isEmpty() && (!open || info->hostsOwnOpenModels))
        m.upstreams = firstParty.split(u',');
    if (open || m.upstreams.isEmpty()) {
        SimRandom rng(fnv1a64(m.id.toUtf8()) ^ seed);
        const int want = rng.range(open ? 2 : 1, open ? 4 : 2);
        const int hostCount = int(std::size(kHosts));
        int start = rng.below(hostCount);
        for (int i = 0; i < want; ++i) {
            const QString h = QString::fromLatin1(kHosts[(start + i * 5) % hostCount]);
            if (!m.upstreams.contains(h))
                m.upstreams.append(h);
        }
    }
}

QString describe(const SimModel& m)
{
    QStringList features;
    if (m.has(u"tool_use"_s))
        features << u"tool use"_s;
    if (m.has(u"vision"_s))
        features << u"image input"_s;
    if (m.has(u"reasoning"_s))
        features << u"step-by-step reasoning"_s;
    if (m.has(u"json_output"_s))
        features << u"JSON output"_s;
    if (m.has(u"web_search"_s))
        features << u"web search"_s;
    QString text = m.name + u" by "_s + m.authorName + u": a "_s +
                   QString::number(qMax<qint64>(1, m.contextLength / 1000)) + u"K-context model"_s;
    if (!features.isEmpty()) {
        QString joined = features.size() == 1 ? features.first()
                                              : features.mid(0, features.size() - 1).join(u", "_s) +
                                                    u" and "_s + features.last();
        text += u" with "_s + joined;
    }
    return text + u'.';
}

QString formatPerToken(double perM)
{
    if (perM <= 0)
        return u"0"_s;
    QString s = QString::number(perM / 1e6, 'f', 12);
    while (s.endsWith(u'0'))
        s.chop(1);
    if (s.endsWith(u'.'))
        s.chop(1);
    return s;
}

double roundPer1K(double perM)
{
    return std::round(perM / 1000.0 * 1e9) / 1e9;
}

bool usesOpenRouterPricing(const SimModel& m, PricingShape shape)
{
    switch (shape) {
    case PricingShape::AnyRouterPer1K:
        return false;
    case PricingShape::OpenRouterPerToken:
        return true;
    case PricingShape::Mixed:
        return m.index % 2 == 1;
    }
    return false;
}

QString normalizeSlug(QString s)
{
    s = s.trimmed().toLower();
    s.replace(u' ', u'-');
    s.replace(u'_', u'-');
    return s;
}

} // namespace

double SimModel::cost(qint64 promptTokens, qint64 cachedTokens, qint64 completionTokens) const
{
    const double cacheRate = cacheReadPerM >= 0 ? cacheReadPerM : inPerM;
    return (double(promptTokens - cachedTokens) * inPerM + double(cachedTokens) * cacheRate +
            double(completionTokens) * outPerM) /
           1e6;
}

SimCatalog SimCatalog::handMade(quint32 seed, int revision)
{
    SimCatalog c;
    int index = 0;
    for (const CatalogRow& row : kRows) {
        SimModel m;
        m.index = index++;
        m.id = QString::fromUtf8(row.id);
        m.name = QString::fromUtf8(row.name);
        m.author = m.id.section(u'/', 0, 0);
        const AuthorInfo* info = authorInfo(m.author);
        m.authorName = info ? QString::fromUtf8(info->name) : m.author;
        m.contextLength = row.context;
        m.maxOutput = row.maxOutput;
        m.inPerM = row.inPerM;
        m.outPerM = row.outPerM;
        m.cacheReadPerM = row.cacheReadPerM;
        m.created = parseDate(row.created);
        deriveFromLetters(m, QByteArray(row.caps), seed);
        m.description = row.description ? QString::fromUtf8(row.description) : describe(m);
        c.m_models.append(std::move(m));
    }
    c.finish(seed, revision);
    return c;
}

SimCatalog SimCatalog::generated(int count, quint32 seed, int revision)
{
    SimCatalog c;
    const SimCatalog base = handMade(seed, 0);
    SimRandom rng(0xC0FFEEULL ^ (quint64(seed) << 16));
    QSet<QString> used;
    static const char* const kSizes[] = {"mini", "nano", "pro", "flash", "lite", "max",  "turbo",
                                         "8b",   "14b",  "32b", "70b",   "72b",  "120b", "405b"};
    static const char* const kVariants[] = {"",        "",       "-instruct", "-chat", "-thinking",
                                            "-vision", "-coder", "-preview",  ":free", "-long"};
    static const char kLetterPool[] = "tvrjwnfu";
    static const int kContexts[] = {4096,   8192,   32768,  65536,   131072,
                                    131072, 200000, 262144, 1048576, 2000000};
    const int authorCount = int(std::size(kAuthors));
    for (int i = 0; i < count; ++i) {
        if (i < kMustHaveCount && i < base.m_models.size()) {
            c.m_models.append(base.m_models.at(i));
            used.insert(c.m_models.last().id);
            continue;
        }
        const AuthorInfo& a = kAuthors[rng.below(authorCount)];
        SimModel m;
        m.index = i;
        m.author = QString::fromLatin1(a.slug);
        m.authorName = QString::fromUtf8(a.name);
        const QString stem = QString::fromLatin1(a.stem);
        const QString size = QString::fromLatin1(kSizes[rng.below(int(std::size(kSizes)))]);
        const QString variant = QString::fromLatin1(kVariants[rng.below(int(std::size(kVariants)))]);
        const QString version = QString::number(rng.range(1, 9)) + u'.' + QString::number(rng.below(10));
        QString slug = stem + u'-' + version + u'-' + size + variant;
        QString id = m.author + u'/' + slug;
        if (used.contains(id)) {
            slug = stem + u'-' + version + u'-' + size + u'-' + QString::number(i) + variant;
            id = m.author + u'/' + slug;
        }
        used.insert(id);
        m.id = id;
        m.name = QString::fromUtf8(a.name) + u' ' + stem.at(0).toUpper() + stem.mid(1) + u' ' + version +
                 u' ' + size.toUpper();
        m.contextLength = kContexts[rng.below(int(std::size(kContexts)))];
        m.maxOutput = qMin<qint64>(m.contextLength, rng.chance(0.5) ? 16384 : 65536);
        const bool free = variant == u":free"_s || rng.chance(0.03);
        if (!free) {
            m.inPerM = std::round(std::exp(std::log(0.01) + rng.unit() * (std::log(20.0) - std::log(0.01))) *
                                  1000.0) /
                       1000.0;
            m.outPerM = std::round(m.inPerM * rng.range(2, 8) * 1000.0) / 1000.0;
            if (rng.chance(0.3))
                m.cacheReadPerM = std::round(m.inPerM * 100.0) / 1000.0;
        }
        m.created = 1672531200 + qint64(rng.below(3 * 365)) * 86400 + 43200;
        QByteArray letters = "c";
        for (const char l : QByteArrayView(kLetterPool)) {
            if (rng.chance(l == 't' || l == 'j' ? 0.5 : 0.15))
                letters.append(l);
        }
        if (rng.chance(0.5))
            letters.append('O');
        deriveFromLetters(m, letters, seed);
        m.description = describe(m);
        c.m_models.append(std::move(m));
    }
    c.finish(seed, revision);
    return c;
}

void SimCatalog::finish(quint32 seed, int revision)
{
    Q_UNUSED(seed);
    applyRevision(revision);
    // Leave optional fields out of some entries (never the five contract models) so clients'
    // tolerant parsing is exercised deterministically.
    for (SimModel& m : m_models) {
        if (m.index < kMustHaveCount)
            continue;
        if (m.index % 7 == 3)
            m.description.clear();
        if (m.index % 11 == 5)
            m.created = 0;
        if (m.index % 13 == 8)
            m.omitArchitecture = true;
    }
    m_byId.clear();
    for (qsizetype i = 0; i < m_models.size(); ++i)
        m_byId.insert(m_models.at(i).id, i);
}

void SimCatalog::applyRevision(int revision)
{
    static const char* const kFuture[][3] = {
        {"openai/gpt-5.5-preview", "GPT-5.5 Preview", "ctvrjw"},
        {"anthropic/claude-opus-5", "Claude Opus 5", "ctvrju"},
        {"google/gemini-3.5-flash", "Gemini 3.5 Flash", "ctvrja"},
        {"deepseek/deepseek-v4", "DeepSeek V4", "ctrjO"},
        {"qwen/qwen4-max", "Qwen4 Max", "ctj"},
        {"mistralai/mistral-large-3", "Mistral Large 3", "ctvj"},
        {"x-ai/grok-5", "Grok 5", "ctvrjw"},
        {"meta-llama/llama-5-scout", "Llama 5 Scout", "ctvjO"},
        {"moonshotai/kimi-k3", "Kimi K3", "ctrO"},
    };
    const qint64 base = parseDate("2026-06-01");
    int next = int(m_models.size());
    for (int r = 1; r <= revision; ++r) {
        for (int k = 0; k < 3; ++k) {
            const int f = (r - 1) * 3 + k;
            SimModel m;
            m.index = next++;
            if (f < int(std::size(kFuture))) {
                m.id = QString::fromLatin1(kFuture[f][0]);
                m.name = QString::fromUtf8(kFuture[f][1]);
            } else {
                m.id = u"openai/experimental-r"_s + QString::number(r) + u'-' + QString::number(k);
                m.name = u"Experimental r"_s + QString::number(r) + u'.' + QString::number(k);
            }
            if (m_byId.contains(m.id) || std::any_of(m_models.cbegin(), m_models.cend(),
                                                     [&](const SimModel& o) { return o.id == m.id; }))
                continue;
            m.author = m.id.section(u'/', 0, 0);
            const AuthorInfo* info = authorInfo(m.author);
            m.authorName = info ? QString::fromUtf8(info->name) : m.author;
            m.contextLength = 262144;
            m.maxOutput = 65536;
            m.inPerM = 0.5 * (k + 1);
            m.outPerM = 4.0 * (k + 1);
            m.created = base + qint64(r) * 86400 * 7 + k * 3600;
            deriveFromLetters(m, QByteArray(f < int(std::size(kFuture)) ? kFuture[f][2] : "ctj"), 0);
            m.description = describe(m);
            m_models.append(std::move(m));
        }
        // Price moves: every 19th model gets cheaper (odd revisions) or dearer (even ones).
        for (SimModel& m : m_models) {
            if ((m.index * 7 + r) % 19 != 0 || m.inPerM <= 0)
                continue;
            const double factor = r % 2 ? 0.8 : 1.25;
            m.inPerM = std::round(m.inPerM * factor * 1e6) / 1e6;
            m.outPerM = std::round(m.outPerM * factor * 1e6) / 1e6;
        }
    }
}

const SimModel* SimCatalog::find(const QString& id) const
{
    const auto it = m_byId.constFind(id);
    return it == m_byId.cend() ? nullptr : &m_models.at(*it);
}

int SimCatalog::providerCount() const
{
    QSet<QString> authors;
    for (const SimModel& m : m_models)
        authors.insert(m.author);
    return int(authors.size());
}

QJsonObject SimCatalog::pricingJson(const SimModel& m, PricingShape pricing) const
{
    QJsonObject p;
    if (usesOpenRouterPricing(m, pricing)) {
        p.insert(u"prompt"_s, formatPerToken(m.inPerM));
        p.insert(u"completion"_s, formatPerToken(m.outPerM));
        p.insert(u"request"_s, u"0"_s);
        if (m.outputModalities.contains(u"image"_s))
            p.insert(u"image"_s, u"0.04"_s);
        if (m.cacheReadPerM >= 0)
            p.insert(u"input_cache_read"_s, formatPerToken(m.cacheReadPerM));
        if (m.has(u"web_search"_s))
            p.insert(u"web_search"_s, u"0.005"_s);
    } else {
        p.insert(u"input_per_1k"_s, roundPer1K(m.inPerM));
        p.insert(u"output_per_1k"_s, roundPer1K(m.outPerM));
        if (m.cacheReadPerM >= 0)
            p.insert(u"cache_read_per_1k"_s, roundPer1K(m.cacheReadPerM));
    }
    return p;
}

QJsonObject SimCatalog::toJson(const SimModel& m, PricingShape pricing, bool detail) const
{
    QJsonObject o;
    o.insert(u"id"_s, m.id);
    o.insert(u"object"_s, u"model"_s);
    o.insert(u"name"_s, m.name);
    o.insert(u"provider"_s, m.authorName);
    o.insert(u"owned_by"_s, m.author);
    o.insert(u"canonical_slug"_s, m.id);
    if (m.created > 0)
        o.insert(u"created"_s, m.created);
    if (!m.description.isEmpty())
        o.insert(u"description"_s, m.description);
    o.insert(u"category"_s, m.category);
    o.insert(u"context_length"_s, m.contextLength);
    if (m.maxOutput > 0)
        o.insert(u"max_output_tokens"_s, m.maxOutput);
    o.insert(u"pricing"_s, pricingJson(m, pricing));
    o.insert(u"capabilities"_s, QJsonArray::fromStringList(m.capabilities));
    if (!m.omitArchitecture) {
        QJsonObject arch;
        arch.insert(u"input_modalities"_s, QJsonArray::fromStringList(m.inputModalities));
        arch.insert(u"output_modalities"_s, QJsonArray::fromStringList(m.outputModalities));
        arch.insert(u"modality"_s,
                    QString(m.inputModalities.join(u'+') + u"->"_s + m.outputModalities.join(u'+')));
        o.insert(u"architecture"_s, arch);
    }
    QJsonObject top;
    top.insert(u"context_length"_s, m.contextLength);
    if (m.maxOutput > 0)
        top.insert(u"max_completion_tokens"_s, m.maxOutput);
    top.insert(u"is_moderated"_s, m.author == u"openai"_s || m.author == u"anthropic"_s);
    o.insert(u"top_provider"_s, top);
    if (!m.supportedParameters.isEmpty())
        o.insert(u"supported_parameters"_s, QJsonArray::fromStringList(m.supportedParameters));

    if (detail) {
        QJsonArray endpoints;
        int i = 0;
        for (const QString& slug : m.upstreams) {
            const quint64 h = fnv1a64(slug.toUtf8(), fnv1a64(m.id.toUtf8()));
            QJsonObject e;
            e.insert(u"provider_name"_s, upstreamName(slug));
            e.insert(u"tag"_s, slug);
            e.insert(u"priority"_s, i++);
            e.insert(u"context_length"_s, m.contextLength);
            if (m.maxOutput > 0)
                e.insert(u"max_completion_tokens"_s, m.maxOutput);
            e.insert(u"pricing"_s, pricingJson(m, pricing));
            e.insert(u"status"_s, (h % 17 == 3) ? u"degraded"_s : u"ok"_s);
            e.insert(u"latency_ms"_s, int(150 + h % 900));
            e.insert(u"throughput_tps"_s, int(30 + (h >> 16) % 220));
            e.insert(u"uptime_last_30m"_s, 95.0 + double((h >> 8) % 500) / 100.0);
            if (!m.supportedParameters.isEmpty())
                e.insert(u"supported_parameters"_s, QJsonArray::fromStringList(m.supportedParameters));
            endpoints.append(e);
        }
        o.insert(u"endpoints"_s, endpoints);
    }
    return o;
}

QList<const SimModel*> SimCatalog::filtered(const QUrlQuery& query) const
{
    const QString provider = normalizeSlug(query.queryItemValue(u"provider"_s, QUrl::FullyDecoded));
    const QString category = query.queryItemValue(u"category"_s, QUrl::FullyDecoded).trimmed().toLower();
    const qint64 minContext = query.queryItemValue(u"min_context"_s).toLongLong();
    const QStringList caps = query.allQueryItemValues(u"capability"_s, QUrl::FullyDecoded);
    QList<const SimModel*> out;
    out.reserve(m_models.size());
    for (const SimModel& m : m_models) {
        if (!provider.isEmpty() && m.author != provider && normalizeSlug(m.authorName) != provider)
            continue;
        if (!category.isEmpty() && m.category != category)
            continue;
        if (minContext > 0 && m.contextLength < minContext)
            continue;
        bool all = true;
        for (const QString& cap : caps) {
            if (!cap.isEmpty() && !m.capabilities.contains(cap.trimmed().toLower())) {
                all = false;
                break;
            }
        }
        if (all)
            out.append(&m);
    }
    return out;
}

QString SimCatalog::upstreamName(const QString& slug)
{
    for (const auto& u : kUpstreamNames) {
        if (slug == QLatin1String(u.slug))
            return QString::fromUtf8(u.name);
    }
    return slug;
}

QStringList SimCatalog::upstreamSlugs() const
{
    QStringList out;
    QSet<QString> seen;
    for (const SimModel& m : m_models) {
        for (const QString& s : m.upstreams) {
            if (!seen.contains(s)) {
                seen.insert(s);
                out.append(s);
            }
        }
    }
    return out;
}

} // namespace anyrouter::sim
