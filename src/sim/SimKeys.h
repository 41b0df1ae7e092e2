// Keys the simulator accepts out of the box. They are deliberately fake and short; they identify
// the permission tier a test wants, like the real gateway's key kinds (reference §1, §8).
#pragma once

#include <QString>

namespace anyrouter::sim {

// Inference only: chat, models, generation, health. /keys and /activity answer 403; /credits 403
// (so the client's "credits first, then models" key validation path is exercised).
inline QString inferenceKey()
{
    return QStringLiteral("sk-ar-v1-sim-inference-0000");
}
// Management key (ak_…): keys, credits, activity; chat answers 403.
inline QString managementKey()
{
    return QStringLiteral("ak_sim_management_0000");
}
// Full access (what device login mints): everything.
inline QString fullKey()
{
    return QStringLiteral("sk-ar-v1-sim-full-0000");
}

} // namespace anyrouter::sim
