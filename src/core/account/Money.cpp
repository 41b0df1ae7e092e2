// Money: the default USD formatter of core account texts.
#include "core/account/Money.h"

#include <QLocale>

namespace anyrouter {

using namespace Qt::StringLiterals;

QString plainUsd(double usd)
{
    const QString digits = QLocale().toString(qAbs(usd), 'f', 2);
    return (usd < 0 ? u"-$"_s : u"$"_s) + digits;
}

} // namespace anyrouter
