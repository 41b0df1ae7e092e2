// UsageTableModel: series -> rows and columns.
#include "ui/account/UsageTableModel.h"

#include "ui/common/Format.h"
#include "ui/common/Palette.h"

#include <QColor>
#include <QFont>
#include <QLocale>

#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

UsageTableModel::UsageTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void UsageTableModel::setSeries(const UsageSeries& series)
{
    beginResetModel();
    m_series = series;
    m_costDecimals = costDecimalsFor(series);
    endResetModel();
}

int UsageTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_series.bucketCount();
}

int UsageTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_series.groupCount() + 1;
}

QVariant UsageTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int bucket = index.row();
    const bool total = index.column() == totalColumn();
    const double value = total ? m_series.bucketTotals.at(bucket) : m_series.value(index.column(), bucket);
    switch (role) {
    case Qt::DisplayRole:
        return formatValue(value, m_series.metric, m_costDecimals);
    case Qt::ForegroundRole:
        if (value == 0)
            return palette::color(
                palette::Role::Unknown); // empty buckets recede; the figures that matter stand out
        return {};
    case kValueRole:
        return value;
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (total) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    default:
        return {};
    }
}

QVariant UsageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section > m_series.groupCount())
            return {};
        return section == totalColumn() ? tr("Total") : m_series.groups.at(section);
    }
    if (section < 0 || section >= m_series.bucketCount())
        return {};
    return bucketLabel(m_series, section, false);
}

QString UsageTableModel::formatValue(double value, UsageMetric metric, int costDecimals)
{
    if (metric != UsageMetric::Cost)
        return QLocale().toString(qint64(std::llround(value)));
    const QString sign = value < 0 ? u"-"_s : QString();
    if (costDecimals < 0)
        return sign + format::usd(std::abs(value));
    return sign + u"$"_s + QLocale().toString(std::abs(value), 'f', costDecimals);
}

int UsageTableModel::costDecimalsFor(const UsageSeries& series)
{
    double smallest = 0;
    const auto consider = [&smallest](double v) {
        v = std::abs(v);
        if (v > 0 && (smallest == 0 || v < smallest))
            smallest = v;
    };
    for (const QList<double>& group : series.values)
        for (double v : group)
            consider(v);
    if (smallest == 0 || smallest >= 0.1)
        return 2;
    return smallest >= 0.001 ? 4 : 6;
}

QString UsageTableModel::bucketLabel(const UsageSeries& series, int bucket, bool compact)
{
    const QDateTime start = series.window.buckets.at(bucket).start.toTimeZone(series.window.zone);
    const QLocale locale;
    if (series.window.granularity == UsageGranularity::Day)
        return compact ? locale.toString(start.date(), u"d MMM"_s)
                       : locale.toString(start.date(), u"ddd d MMM yyyy"_s);
    return compact ? locale.toString(start.time(), u"HH:mm"_s)
                   : locale.toString(start, u"ddd d MMM, HH:mm"_s);
}

} // namespace anyrouter
