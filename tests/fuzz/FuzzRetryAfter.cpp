// Fuzz target: the Retry-After parser and the X-RateLimit-* headers. Properties: parseRetryAfter()
// never has undefined behaviour (UBSan: float-to-int overflow of "99999999999" or "1e400"), its
// result when set lies in [0, kCapSeconds], a bogus value (inf, nan) never means "retry at once",
// and the same value parses the same way twice. RateLimitInfo::fromReply() gets the same bytes as
// each of its headers. Byte 0 picks a "now" (0, today, year 9999 edge), the rest is the value.
#include "core/api/RateLimitInfo.h"

#include "FuzzSupport.h"

#include <QNetworkReply>

#include <cmath>
#include <cstdlib>

using namespace anyrouter;
using anyrouter::fuzz::escapedBytes;

namespace {

// The longest wait the client may schedule from one header (a day; see RateLimitInfo.h).
constexpr int kCapSeconds = kMaxRetryAfterSeconds;
static_assert(kCapSeconds > 0 && kCapSeconds <= 7 * 24 * 3600, "a cap of minutes to days");

// A reply that only carries headers (QNetworkReply::setRawHeader is protected).
class HeaderReply : public QNetworkReply
{
public:
    explicit HeaderReply(const QByteArray& value)
    {
        for (const char* name : {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                                 "X-Upstream-RateLimit-Remaining", "Retry-After"})
            setRawHeader(name, value);
    }
    void abort() override {}

protected:
    qint64 readData(char*, qint64) override { return -1; }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::ensureCoreApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    static const qint64 kNows[] = {0, 1767225600000LL /* 2026-01-01 */, 253402300799000LL /* 9999-12-31 */,
                                   -62135596800000LL /* year 1 */};
    const qint64 nowMs = kNows[data[0] % 4];
    const QByteArray value(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    const std::optional<int> secs = parseRetryAfter(value, nowMs);
    if (secs && (*secs < 0 || *secs > kCapSeconds))
        fuzz::fail("Retry-After outside [0, cap]",
                   "value: " + escapedBytes(value) + "\nresult: " + QByteArray::number(*secs));
    // "inf", "nan", "1e999": not a wait the server meant; never an immediate retry.
    const QByteArray trimmed = value.trimmed();
    bool isNumber = false;
    const double d = trimmed.toDouble(&isNumber);
    const double viaStrtod = trimmed.isEmpty() ? 0.0 : std::strtod(trimmed.constData(), nullptr);
    if (secs && *secs == 0 && ((isNumber && !std::isfinite(d)) || std::isnan(viaStrtod)) &&
        !trimmed.contains('\0'))
        fuzz::fail("a non-finite Retry-After means retry at once", "value: " + escapedBytes(value));
    if (parseRetryAfter(value, nowMs) != secs)
        fuzz::fail("parseRetryAfter() is not deterministic", escapedBytes(value));

    HeaderReply reply(value);
    const RateLimitInfo info = RateLimitInfo::fromReply(&reply, nowMs);
    (void)info.isValid();
    (void)info.resetAt.toString(Qt::ISODate);
    return 0;
}
