// SimConfig: how a simulator instance behaves — port, catalog size and seed, streaming pace and
// framing, the response shapes it answers in, rate limits, balance, which optional endpoints it
// offers, and logging. Shared by SimServer, SimServerThread, the catalog and the chat stream.
#pragma once

#include <QtGlobal>

namespace anyrouter::sim {

enum class PricingShape
{
    AnyRouterPer1K,     // {"input_per_1k": 0.003, "output_per_1k": 0.015, "cache_read_per_1k"?}
    OpenRouterPerToken, // {"prompt": "0.000003", "completion": "0.000015", "input_cache_read"?, "request"}
    Mixed               // alternate per model
};
enum class CreditsShape
{
    Balance,       // {"balance","total_usage"}
    OpenRouterData // {"data":{"total_credits","total_usage"}}
};
enum class ModelsShape
{
    DataObject, // {"object":"list","data":[..]}
    BareArray,
    ModelsKey // {"models":[..]}
};
enum class StreamFraming
{
    Chunked,
    CloseDelimited
};

struct SimConfig
{
    quint16 port = 0;    // 0 = free port
    int modelCount = -1; // -1 = hand-made realistic catalog; N = generated catalog of N
    quint32 seed = 42;
    double tokensPerSecond = 200; // streaming pace; <= 0 = as fast as possible
    int ttftMs = 150;             // time to first token
    PricingShape pricingShape = PricingShape::Mixed;
    CreditsShape creditsShape = CreditsShape::Balance;
    ModelsShape modelsShape = ModelsShape::DataObject;
    StreamFraming framing = StreamFraming::Chunked;
    int keepAliveMs = 0; // >0: ": keep-alive" comments at this interval (and one before the first token)
    int rateLimitPerMinute = 600;    // per key; X-RateLimit-* on every response; <= 0: no limit, no headers
    double initialBalance = 25.0;    // USD, read once at construction (later: setBalance())
    bool seedActivityHistory = true; // /activity has 30 days of plausible history
    bool offerActivity = true, offerGeneration = true, offerHealth = true,
         offerKeys = true;         // false -> 404 ("gateway lacks it")
    bool logRequests = false;      // one info line per request (method path status ms) on anyrouter.sim
    bool reportUsageCost = true;   // false: chat usage has no "cost"; /generation/{id} still has it
    int requestLogLimit = 100'000; // entries requestLog() keeps (oldest dropped); counts stay exact
};

} // namespace anyrouter::sim
