// Small deterministic PRNG and hash for the simulator: same seed, same catalog, same replies, on
// every platform (std:: distributions are not portable across standard libraries).
#pragma once

#include <QByteArrayView>
#include <QtGlobal>

namespace anyrouter::sim {

inline quint64 fnv1a64(QByteArrayView data, quint64 h = 1469598103934665603ULL)
{
    for (const char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

class SimRandom
{
public:
    explicit SimRandom(quint64 seed) : m_state(seed) {}
    quint64 next()
    {
        // splitmix64
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n); n > 0.
    int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<quint64>(n)); }
    int range(int lo, int hi) { return lo + below(hi - lo + 1); } // inclusive
    double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    bool chance(double p) { return unit() < p; }

private:
    quint64 m_state;
};

} // namespace anyrouter::sim
