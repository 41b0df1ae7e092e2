// Tests of the low-balance rule: strictly below the threshold is low, an unknown balance never is,
// a threshold of 0 turns the warning off, and the texts name both amounts.
#include "TestSupport.h"
#include "core/account/LowBalance.h"

#include <QLocale>
#include <QTest>

#include <cmath>
#include <limits>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestLowBalance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void evaluate_data();
    void evaluate();
    void usesTheGivenFormatter();
};

void TestLowBalance::initTestCase()
{
    test::initHermeticEnvironment();
    QLocale::setDefault(QLocale::c());
}

void TestLowBalance::evaluate_data()
{
    QTest::addColumn<double>("balance"); // NaN: unknown
    QTest::addColumn<double>("threshold");
    QTest::addColumn<bool>("low");
    QTest::addColumn<QString>("message");

    const double unknown = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("below") << 0.8 << 1.0 << true
                           << u"Low balance: $0.80 left, below your warning level of $1.00."_s;
    QTest::newRow("equal is not below") << 1.0 << 1.0 << false << QString();
    QTest::newRow("above") << 5.0 << 1.0 << false << QString();
    QTest::newRow("custom threshold")
        << 9.99 << 10.0 << true << u"Low balance: $9.99 left, below your warning level of $10.00."_s;
    QTest::newRow("unknown balance") << unknown << 1.0 << false << QString();
    QTest::newRow("zero threshold is off") << -1.0 << 0.0 << false << QString();
    QTest::newRow("used up") << 0.0 << 1.0 << true
                             << u"The balance is used up ($0.00). Add credits to keep requests working."_s;
    QTest::newRow("negative") << -0.25 << 1.0 << true
                              << u"The balance is used up (-$0.25). Add credits to keep requests working."_s;
}

void TestLowBalance::evaluate()
{
    QFETCH(double, balance);
    QFETCH(double, threshold);
    QFETCH(bool, low);
    QFETCH(QString, message);
    const LowBalance r =
        LowBalance::evaluate(std::isnan(balance) ? std::nullopt : std::optional<double>(balance), threshold);
    QCOMPARE(r.low, low);
    QCOMPARE(r.message, message);
}

void TestLowBalance::usesTheGivenFormatter()
{
    const LowBalance r = LowBalance::evaluate(
        0.5, 2.0, [](double v) -> QString { return u"USD "_s + QString::number(v, 'f', 3); });
    QVERIFY(r.low);
    QCOMPARE(r.message, u"Low balance: USD 0.500 left, below your warning level of USD 2.000."_s);
}

QTEST_GUILESS_MAIN(TestLowBalance)
#include "TestLowBalance.moc"
