#include "TestSupport.h"

#include <QCoreApplication>
#include <QStandardPaths>

namespace anyrouter::test {

void initHermeticEnvironment()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("AnyRouterTests"));
    QCoreApplication::setApplicationName(QStringLiteral("anyrouter-desktop-tests"));
}

} // namespace anyrouter::test
