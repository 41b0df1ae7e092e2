// UsageSeries: the numbers behind one stacked usage chart — buckets along time, one stack per group
// (top groups by name plus "Other"), per-bucket and overall totals — and its CSV form. The chart,
// the table under it and the CSV export all read the same UsageSeries, so they cannot disagree.
#pragma once

#include "core/usage/UsageQuery.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace anyrouter {

struct UsageSeries
{
    UsageSource source = UsageSource::Ledger;
    UsageMetric metric = UsageMetric::Cost;
    UsageGroupBy groupBy = UsageGroupBy::Model; // what the stacks are (may differ from the query's)
    UsageWindow window;
    QStringList groups;          // stack order: largest first, "Other" last when present
    QList<QList<double>> values; // values[group][bucket]
    QList<double> bucketTotals;  // sum over groups, per bucket
    double total = 0;
    int otherGroup = -1; // index of the merged "Other" stack, or -1

    // What was counted, so the UI can say what the figures include.
    qint64 requests = 0;         // rows (ledger) or requests (gateway) inside the window
    qint64 failedRequests = 0;   // ledger rows with status error/cancelled (counted as requests)
    qint64 unpricedRequests = 0; // rows that had no cost: they add $0 to the cost figures
    QString note;                // why the stacks differ from what was asked, if they do

    int bucketCount() const { return int(window.buckets.size()); }
    int groupCount() const { return int(groups.size()); }
    double value(int group, int bucket) const { return values.at(group).at(bucket); }
    double groupTotal(int group) const;
    bool isEmpty() const { return total == 0 && requests == 0; }

    // ISO 8601 name of a bucket: "2025-03-01" for days, "2025-03-01T14:00:00+01:00" for hours.
    QString bucketIso(int bucket) const;
    static QString metricColumn(UsageMetric metric); // "cost_usd" / "tokens" / "requests"
};

// RFC 4180 CSV: CRLF line ends, a header row "bucket,group,<metric column>", then one row per
// bucket x group (zeros included) in bucket order. Numbers use a dot whatever the locale; costs keep
// up to 10 decimals without trailing zeros. A group name that a spreadsheet would run as a formula
// (leading = + - @ or a control character) is prefixed with ' so opening the file is safe.
QByteArray toCsv(const UsageSeries& series);

// Number text shared by the CSV and the tests: dot decimal, no exponent, no trailing zeros.
QString usageNumberText(double value, UsageMetric metric);

} // namespace anyrouter
