// UsageSeries: accessors and the CSV writer.
#include "core/usage/UsageSeries.h"

#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QByteArray csvField(const QString& text)
{
    QString t = text;
    // CSV injection: spreadsheets evaluate a cell that starts like a formula.
    if (!t.isEmpty() && (t.front() == u'=' || t.front() == u'+' || t.front() == u'-' || t.front() == u'@' ||
                         t.front() == u'\t' || t.front() == u'\r'))
        t.prepend(u'\'');
    const bool quote = t.contains(u',') || t.contains(u'"') || t.contains(u'\n') || t.contains(u'\r');
    if (!quote)
        return t.toUtf8();
    t.replace(u"\""_s, u"\"\""_s);
    return '"' + t.toUtf8() + '"';
}

} // namespace

double UsageSeries::groupTotal(int group) const
{
    double sum = 0;
    for (double v : values.at(group))
        sum += v;
    return sum;
}

QString UsageSeries::bucketIso(int bucket) const
{
    const UsageBucket& b = window.buckets.at(bucket);
    if (window.granularity == UsageGranularity::Day)
        return b.start.date().toString(Qt::ISODate);
    return b.start.toString(Qt::ISODate);
}

QString UsageSeries::metricColumn(UsageMetric metric)
{
    switch (metric) {
    case UsageMetric::Cost:
        return u"cost_usd"_s;
    case UsageMetric::Tokens:
        return u"tokens"_s;
    case UsageMetric::Requests:
        return u"requests"_s;
    }
    return {};
}

QString usageNumberText(double value, UsageMetric metric)
{
    if (metric != UsageMetric::Cost)
        return QString::number(qint64(std::llround(value)));
    // QString::number is locale-independent (always a dot); 'f' avoids exponents such as 1e-05.
    QString s = QString::number(value, 'f', 10);
    while (s.endsWith(u'0'))
        s.chop(1);
    if (s.endsWith(u'.'))
        s.chop(1);
    if (s == u"-0"_s)
        s = u"0"_s;
    return s;
}

QByteArray toCsv(const UsageSeries& series)
{
    QByteArray out = "bucket,group," + UsageSeries::metricColumn(series.metric).toUtf8() + "\r\n";
    for (int b = 0; b < series.bucketCount(); ++b) {
        const QByteArray bucket = csvField(series.bucketIso(b));
        for (int g = 0; g < series.groupCount(); ++g) {
            out += bucket + ',' + csvField(series.groups.at(g)) + ',' +
                   usageNumberText(series.value(g, b), series.metric).toUtf8() + "\r\n";
        }
    }
    return out;
}

} // namespace anyrouter
