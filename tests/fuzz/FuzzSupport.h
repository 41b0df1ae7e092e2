// FuzzSupport: what every libFuzzer harness in tests/fuzz shares — a Qt application object made
// once in LLVMFuzzerInitialize, a deterministic split generator, readable dumps of bytes, and the
// one way a harness reports a property violation (print both sides, then abort, so libFuzzer saves
// the input as a crash-* file and the runner fails).
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace anyrouter::fuzz {

// A QCoreApplication for the harnesses that only need Core (translate(), QLocale, event-less code).
// Never destroyed: at exit Qt's own global statics may already be gone, and destroying the
// application after them crashes inside Qt.
inline void ensureCoreApplication()
{
    static int argc = 1;
    static char arg0[] = "anyrouter-fuzz";
    static char* argv[] = {arg0, nullptr};
    static QCoreApplication* app = QCoreApplication::instance() ? nullptr : new QCoreApplication(argc, argv);
    (void)app;
}

// Printable rendering of bytes (CR, LF, NUL and non-ASCII escaped) for mismatch reports.
inline QByteArray escapedBytes(QByteArrayView bytes, qsizetype max = 2000)
{
    QByteArray out;
    for (qsizetype i = 0; i < bytes.size() && i < max; ++i) {
        const auto c = uchar(bytes[i]);
        if (c == '\\')
            out += "\\\\";
        else if (c >= 0x20 && c < 0x7F)
            out += char(c);
        else
            out += "\\x" + QByteArray::number(c, 16).rightJustified(2, '0');
    }
    if (bytes.size() > max)
        out += "...(" + QByteArray::number(bytes.size()) + " bytes)";
    return out;
}

[[noreturn]] inline void fail(const char* property, const QByteArray& details)
{
    std::fprintf(stderr, "\n==FUZZ PROPERTY VIOLATED== %s\n%s\n", property, details.constData());
    std::fflush(stderr);
    std::abort();
}

// Small deterministic PRNG (splitmix64) so a crash input replays the same splits.
class SplitRng
{
public:
    explicit SplitRng(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // In [0, bound); bound > 0.
    qsizetype bounded(qsizetype bound) { return qsizetype(next() % uint64_t(bound)); }

private:
    uint64_t m_state;
};

} // namespace anyrouter::fuzz
