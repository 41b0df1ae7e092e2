// UsageTableModel: the table under the usage chart — one row per time bucket, one column per stack
// of the chart plus a Total column — read from the same UsageSeries as the chart, so the two always
// show the same numbers. Qt::DisplayRole is formatted text; kValueRole gives the raw number.
#pragma once

#include "core/usage/UsageSeries.h"

#include <QAbstractTableModel>

namespace anyrouter {

class UsageTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int kValueRole = Qt::UserRole + 1; // double

    explicit UsageTableModel(QObject* parent = nullptr);

    void setSeries(const UsageSeries& series);
    const UsageSeries& series() const { return m_series; }
    int totalColumn() const { return m_series.groupCount(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // How the UI writes one value of a metric: "$0.0042", "12,345", "17". costDecimals < 0 gives the
    // shared format::usd (as many digits as the amount needs: tooltips, summaries).
    static QString formatValue(double value, UsageMetric metric, int costDecimals = -1);
    // One precision per table, so a cost column lines up: 2, 4 or 6 decimals, enough for the
    // smallest non-zero cell to keep two significant digits.
    static int costDecimalsFor(const UsageSeries& series);
    int costDecimals() const { return m_costDecimals; }
    // Bucket names: compact for chart axes ("Mar 10" / "14:00"), full for the table and tooltips.
    static QString bucketLabel(const UsageSeries& series, int bucket, bool compact);

private:
    UsageSeries m_series;
    int m_costDecimals = 2;
};

} // namespace anyrouter
