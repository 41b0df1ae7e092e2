// Format: shared number formatting of the UI.
#include "ui/common/Format.h"

#include <QCoreApplication>
#include <QLocale>

namespace anyrouter::format {

using namespace Qt::StringLiterals;

QString pricePerM(const std::optional<double>& usdPerM)
{
    if (!usdPerM)
        return QCoreApplication::translate("anyrouter::Format", "—");
    if (*usdPerM == 0)
        return QCoreApplication::translate("anyrouter::Format", "free");
    return usd(*usdPerM);
}

QString usd(double amount)
{
    const double a = qAbs(amount);
    // Two decimals hide sub-cent prices (e.g. $0.075/1M), so small figures get more digits.
    const int decimals = a == 0 || a >= 1 ? 2 : (a >= 0.01 ? 4 : 6);
    QString text = QLocale().toString(amount, 'f', decimals);
    if (decimals > 2) {
        // Drop trailing zeros past the cents: "$0.0750" -> "$0.075".
        const QChar point = QLocale().decimalPoint().at(0);
        const qsizetype dot = text.indexOf(point);
        while (dot >= 0 && text.size() > dot + 3 && text.endsWith(u'0'))
            text.chop(1);
    }
    return u"$"_s + text;
}

QString tokens(qint64 count)
{
    if (count <= 0)
        return QCoreApplication::translate("anyrouter::Format", "—");
    if (count >= 1'000'000 && count % 1'000'000 == 0)
        return u"%1M"_s.arg(count / 1'000'000);
    if (count >= 1'000'000)
        return u"%1M"_s.arg(QLocale().toString(double(count) / 1'000'000.0, 'g', 3));
    if (count >= 1000 && count % 1000 == 0)
        return u"%1K"_s.arg(count / 1000);
    if (count >= 1000)
        return u"%1K"_s.arg(QLocale().toString(double(count) / 1000.0, 'f', 1));
    return QLocale().toString(count);
}

} // namespace anyrouter::format
