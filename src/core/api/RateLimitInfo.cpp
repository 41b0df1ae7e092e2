// RateLimitInfo: parsing of the rate-limit headers and Retry-After. Every value is hostile: a
// number is checked to be finite and in range before any conversion to an integer (a float-to-int
// cast of "99999999999" or "1e400" is undefined behaviour), and no arithmetic on it can overflow.
#include "core/api/RateLimitInfo.h"

#include <QLocale>

#include <cctype>
#include <charconv>
#include <cmath>

namespace anyrouter {

namespace {

// The largest integer a double holds exactly; header counts above it are not counts.
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53
// 9999-12-31T23:59:59.999Z: a reset "time" later than this is no time at all.
constexpr qint64 kMaxResetMs = 253402300799999LL;

// A decimal number as an HTTP header may carry it: optional sign, digits with an optional fraction,
// an optional exponent; or the words inf/infinity/nan (any case), which parse to non-finite values.
// Rejects hex, trailing junk and the empty string, which QByteArray::toDouble would partly accept.
std::optional<double> headerNumber(const QByteArray& raw)
{
    const QByteArray v = raw.trimmed();
    if (v.isEmpty() || v.size() > 64)
        return std::nullopt;
    qsizetype i = 0;
    bool negative = false;
    if (v.at(i) == '+' || v.at(i) == '-')
        negative = v.at(i++) == '-';
    const QByteArray word = v.mid(i).toLower();
    if (word == "inf" || word == "infinity")
        return negative ? -HUGE_VAL : HUGE_VAL;
    if (word == "nan")
        return std::nan("");
    qsizetype digits = 0;
    while (i < v.size() && std::isdigit(uchar(v.at(i)))) {
        ++i;
        ++digits;
    }
    if (i < v.size() && v.at(i) == '.') {
        ++i;
        while (i < v.size() && std::isdigit(uchar(v.at(i)))) {
            ++i;
            ++digits;
        }
    }
    if (digits == 0)
        return std::nullopt;
    if (i < v.size() && (v.at(i) == 'e' || v.at(i) == 'E')) {
        ++i;
        if (i < v.size() && (v.at(i) == '+' || v.at(i) == '-'))
            ++i;
        qsizetype expDigits = 0;
        while (i < v.size() && std::isdigit(uchar(v.at(i)))) {
            ++i;
            ++expDigits;
        }
        if (expDigits == 0)
            return std::nullopt;
    }
    if (i != v.size())
        return std::nullopt;
    // from_chars, not strtod: the C locale's decimal point whatever the user's locale is.
    const char* first = v.constData() + (v.at(0) == '+' ? 1 : 0);
    const char* last = v.constData() + v.size();
    double d = 0;
    const auto [end, ec] = std::from_chars(first, last, d, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) {
        // "1e400" overflows (the callers treat it as too large); "1e-400" underflows to 0.
        const bool underflow = v.contains("e-") || v.contains("E-");
        return underflow ? 0.0 : (negative ? -HUGE_VAL : HUGE_VAL);
    }
    if (ec != std::errc() || end != last)
        return std::nullopt;
    return d;
}

// A non-negative integer header (counts, reset times); anything else is absent.
std::optional<qint64> headerInt(const QNetworkReply* reply, const char* name)
{
    const auto d = headerNumber(reply->rawHeader(name));
    if (!d || !std::isfinite(*d) || *d < 0 || *d > kMaxExactInteger)
        return std::nullopt;
    return static_cast<qint64>(*d); // in range: checked above
}

} // namespace

RateLimitInfo RateLimitInfo::fromReply(const QNetworkReply* reply, qint64 nowMs)
{
    RateLimitInfo r;
    r.limit = headerInt(reply, "X-RateLimit-Limit");
    r.remaining = headerInt(reply, "X-RateLimit-Remaining");
    r.upstreamRemaining = headerInt(reply, "X-Upstream-RateLimit-Remaining");
    if (const auto reset = headerInt(reply, "X-RateLimit-Reset")) {
        // reset is in [0, 2^53]: none of these products or sums overflows qint64.
        qint64 resetMs = -1;
        if (*reset > 1'000'000'000'000LL)
            resetMs = *reset;
        else if (*reset > 1'000'000'000LL)
            resetMs = *reset * 1000;
        else
            resetMs = nowMs + *reset * 1000;
        if (resetMs >= 0 && resetMs <= kMaxResetMs)
            r.resetAt = QDateTime::fromMSecsSinceEpoch(resetMs, Qt::UTC);
    }
    r.capturedAt = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    return r;
}

std::optional<int> parseRetryAfter(const QByteArray& value, qint64 nowMs)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    if (const auto secs = headerNumber(v)) {
        // nan, negative (RFC 9110 allows digits only) and -inf say nothing usable: absent, so the
        // caller's own backoff applies. -0 is 0.
        if (std::isnan(*secs) || *secs < 0)
            return std::nullopt;
        // +inf and anything past the cap: longer than any automatic retry waits.
        if (*secs >= double(kMaxRetryAfterSeconds))
            return kMaxRetryAfterSeconds;
        return int(std::ceil(*secs)); // in [0, cap]: checked above
    }
    // HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
    QDateTime dt =
        QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!dt.isValid())
        return std::nullopt;
    dt.setTimeSpec(Qt::UTC);
    // Both are within years 1..9999 (a few 1e14 ms): the difference cannot overflow qint64, and the
    // result is clamped before it is narrowed to int.
    const qint64 diffMs = dt.toMSecsSinceEpoch() - nowMs;
    if (diffMs <= 0)
        return 0; // a time already past: the server says "now"
    const qint64 secs = diffMs / 1000 + (diffMs % 1000 != 0 ? 1 : 0);
    return int(qMin<qint64>(secs, kMaxRetryAfterSeconds));
}

} // namespace anyrouter
