// UsageQuery: bucket computation. Hours are physical hours (a DST change gives a repeated or a
// skipped local label, never a 2-hour bucket); days run from local midnight to local midnight.
#include "core/usage/UsageQuery.h"

#include <algorithm>

namespace anyrouter {

namespace {

constexpr int kMaxDays = 366;

QList<UsageBucket> dailyBuckets(QDate first, QDate last, const QTimeZone& zone)
{
    if (first > last)
        std::swap(first, last);
    if (first.daysTo(last) >= kMaxDays)
        first = last.addDays(-(kMaxDays - 1));
    QList<UsageBucket> out;
    out.reserve(first.daysTo(last) + 1);
    for (QDate d = first; d <= last; d = d.addDays(1))
        out.append({d.startOfDay(zone), d.addDays(1).startOfDay(zone)});
    return out;
}

// From the instant, not by rebuilding local hh:00: in the repeated hour when clocks go back, a
// local time names two instants and QDateTime would pick one of them.
QDateTime hourStart(const QDateTime& now, const QTimeZone& zone)
{
    const QDateTime local = now.toTimeZone(zone);
    const QTime t = local.time();
    return local.addMSecs(-qint64((t.minute() * 60 + t.second()) * 1000 + t.msec()));
}

int daysFor(UsageRange range)
{
    return range == UsageRange::Days30 ? 30 : 7;
}

} // namespace

int UsageWindow::indexOf(qint64 msecsSinceEpoch) const
{
    if (buckets.isEmpty() || msecsSinceEpoch < buckets.constFirst().start.toMSecsSinceEpoch() ||
        msecsSinceEpoch >= buckets.constLast().end.toMSecsSinceEpoch())
        return -1;
    const auto it =
        std::upper_bound(buckets.cbegin(), buckets.cend(), msecsSinceEpoch,
                         [](qint64 t, const UsageBucket& b) { return t < b.start.toMSecsSinceEpoch(); });
    return int(it - buckets.cbegin()) - 1;
}

int UsageWindow::indexOfDay(const QDate& day) const
{
    if (granularity != UsageGranularity::Day || buckets.isEmpty() || !day.isValid())
        return -1;
    const qint64 i = buckets.constFirst().start.date().daysTo(day);
    return i >= 0 && i < buckets.size() ? int(i) : -1;
}

UsageWindow UsageWindow::forQuery(const UsageQuery& query, const QDateTime& now, const QTimeZone& zone)
{
    UsageWindow w;
    w.zone = zone;
    const QDate today = now.toTimeZone(zone).date();
    switch (query.range) {
    case UsageRange::Hours24: {
        w.granularity = UsageGranularity::Hour;
        const QDateTime last = hourStart(now, zone);
        for (int i = 23; i >= 0; --i) {
            const QDateTime start = last.addSecs(-3600LL * i);
            w.buckets.append({start, start.addSecs(3600)});
        }
        break;
    }
    case UsageRange::Days7:
    case UsageRange::Days30:
        w.buckets = dailyBuckets(today.addDays(-(daysFor(query.range) - 1)), today, zone);
        break;
    case UsageRange::Custom:
        if (query.customFrom.isValid() && query.customTo.isValid())
            w.buckets = dailyBuckets(query.customFrom, query.customTo, zone);
        break;
    }
    return w;
}

UsageWindow UsageWindow::utcDaysForQuery(const UsageQuery& query, const QDateTime& now)
{
    const QTimeZone utc = QTimeZone::utc();
    if (query.range != UsageRange::Hours24)
        return forQuery(query, now, utc);
    UsageWindow w;
    w.zone = utc;
    const QDateTime nowUtc = now.toUTC();
    const QDateTime firstHour = hourStart(nowUtc, utc).addSecs(-23 * 3600);
    w.buckets = dailyBuckets(firstHour.date(), nowUtc.date(), utc);
    return w;
}

} // namespace anyrouter
