// Tests of Settings: the key table, defaults, typed round trips through an INI file, refusal of
// mistyped values, tolerance of hand-edited garbage, and test-mode location of the default store.
#include "TestSupport.h"
#include "core/storage/Settings.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestSettings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void keyTableIsConsistent();
    void defaults_data();
    void defaults();
    void typedRoundTripPersists();
    void genericValueConverts();
    void refusesMistypedValues();
    void handEditedGarbageFallsBack();
    void resetRestoresDefault();
    void defaultBackendIsTestModeLocation();

private:
    QString iniPath() const { return m_dir->filePath(u"settings.ini"_s); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSettings::initTestCase()
{
    test::initHermeticEnvironment();
}

void TestSettings::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSettings::keyTableIsConsistent()
{
    const QList<Settings::Key> keys = Settings::allKeys();
    QCOMPARE(keys.size(),
             qsizetype(int(Settings::Key::QuickPromptModel) + 1)); // every enumerator has a row
    QSet<QString> names;
    for (Settings::Key k : keys) {
        const QString name = Settings::keyName(k);
        QVERIFY2(name.contains(u'/'), qPrintable(name)); // grouped
        QVERIFY2(!names.contains(name), qPrintable(name));
        names.insert(name);
        QVERIFY(Settings::defaultValue(k).isValid());
        // No key is meant for a secret.
        QVERIFY2(!name.contains(u"key"_s, Qt::CaseInsensitive) &&
                     !name.contains(u"secret"_s, Qt::CaseInsensitive) &&
                     !name.contains(u"password"_s, Qt::CaseInsensitive),
                 qPrintable(name));
    }
}

void TestSettings::defaults_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("lastWorkspaceId") << int(Settings::Key::LastWorkspaceId) << QVariant(QString());
    QTest::newRow("enterSends") << int(Settings::Key::EnterSends) << QVariant(true);
    QTest::newRow("lowBalance") << int(Settings::Key::LowBalanceThreshold) << QVariant(1.0);
    QTest::newRow("closeToTray") << int(Settings::Key::CloseToTray) << QVariant(true);
    QTest::newRow("trayHintShown") << int(Settings::Key::TrayHintShown) << QVariant(false);
    QTest::newRow("startAtLogin") << int(Settings::Key::StartAtLogin) << QVariant(false);
    QTest::newRow("startHidden") << int(Settings::Key::StartHidden) << QVariant(false);
    QTest::newRow("shortcut") << int(Settings::Key::QuickPromptShortcut) << QVariant(u"Ctrl+Alt+Space"_s);
    QTest::newRow("quickPromptModel") << int(Settings::Key::QuickPromptModel) << QVariant(QString());
}

void TestSettings::defaults()
{
    QFETCH(int, key);
    QFETCH(QVariant, expected);
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    const QVariant v = s.value(Settings::Key(key));
    QCOMPARE(v.metaType(), expected.metaType());
    QCOMPARE(v, expected);
    QVERIFY(!s.contains(Settings::Key(key)));
}

void TestSettings::typedRoundTripPersists()
{
    QByteArray filter("{\"search\":\"h\xc3\xa4iku\"}\x00\x01", 19); // any bytes survive
    {
        QSettings qs(iniPath(), QSettings::IniFormat);
        Settings s(&qs);
        s.setLastWorkspaceId(u"3f2a-ws"_s);
        s.setEnterSends(false);
        s.setLowBalanceThreshold(2.75);
        s.setValue(Settings::Key::CatalogFilterState, filter);
        s.sync();
        QCOMPARE(qs.status(), QSettings::NoError);
    }
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    QCOMPARE(s.lastWorkspaceId(), u"3f2a-ws"_s);
    QCOMPARE(s.enterSends(), false);
    QCOMPARE(s.lowBalanceThreshold(), 2.75);
    QCOMPARE(s.value(Settings::Key::CatalogFilterState).toByteArray(), filter);
    // Typed even though INI hands back strings.
    QCOMPARE(s.value(Settings::Key::EnterSends).metaType(), QMetaType::fromType<bool>());
    QCOMPARE(s.value(Settings::Key::LowBalanceThreshold).metaType(), QMetaType::fromType<double>());
}

void TestSettings::genericValueConverts()
{
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    QVERIFY(s.setValue(Settings::Key::LowBalanceThreshold, u"3.5"_s)); // numeric string -> double
    QCOMPARE(s.lowBalanceThreshold(), 3.5);
    QVERIFY(s.setValue(Settings::Key::LowBalanceThreshold, 7)); // int -> double
    QCOMPARE(s.lowBalanceThreshold(), 7.0);
    QVERIFY(s.setValue(Settings::Key::EnterSends, 0));
    QCOMPARE(s.enterSends(), false);
}

void TestSettings::refusesMistypedValues()
{
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    s.setLowBalanceThreshold(4.0);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"refusing a value"_s));
    QVERIFY(!s.setValue(Settings::Key::LowBalanceThreshold, u"lots"_s));
    QCOMPARE(s.lowBalanceThreshold(), 4.0);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"refusing a value"_s));
    QVERIFY(!s.setValue(Settings::Key::LowBalanceThreshold, QVariant()));
    QCOMPARE(s.lowBalanceThreshold(), 4.0);
}

void TestSettings::handEditedGarbageFallsBack()
{
    {
        QFile f(iniPath());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[account]\nlowBalanceThreshold=not-a-number\n[chat]\nenterSends=false\n");
    }
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"unusable value"_s));
    QCOMPARE(s.lowBalanceThreshold(), 1.0);
    QCOMPARE(s.enterSends(), false); // sane values are still read
}

void TestSettings::resetRestoresDefault()
{
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    s.setEnterSends(false);
    QVERIFY(s.contains(Settings::Key::EnterSends));
    s.reset(Settings::Key::EnterSends);
    QVERIFY(!s.contains(Settings::Key::EnterSends));
    QCOMPARE(s.enterSends(), true);
}

void TestSettings::defaultBackendIsTestModeLocation()
{
    Settings s; // the app's QSettings, redirected by QStandardPaths test mode
    s.setLastWorkspaceId(u"probe"_s);
    s.sync();
    const QString file = s.backend()->fileName();
    auto cleanup = qScopeGuard([&] {
        s.backend()->clear();
        s.sync();
        QFile::remove(file);
    });
    QVERIFY2(file.contains(u"qttest"_s), qPrintable(file));
    QVERIFY2(file.startsWith(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)),
             qPrintable(file));
    QCOMPARE(s.lastWorkspaceId(), u"probe"_s);
}

QTEST_GUILESS_MAIN(TestSettings)
#include "TestSettings.moc"
