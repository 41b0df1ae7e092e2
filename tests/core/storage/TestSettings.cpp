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
    QVERIFY(keys.size() >= 8);
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
    QTest::newRow("lastConversationId") << int(Settings::Key::LastConversationId) << QVariant(qint64(0));
    QTest::newRow("enterSends") << int(Settings::Key::EnterSends) << QVariant(true);
    QTest::newRow("geometry") << int(Settings::Key::MainWindowGeometry) << QVariant(QByteArray());
    QTest::newRow("state") << int(Settings::Key::MainWindowState) << QVariant(QByteArray());
    QTest::newRow("lowBalance") << int(Settings::Key::LowBalanceThreshold) << QVariant(1.0);
    QTest::newRow("showReasoning") << int(Settings::Key::ShowReasoning) << QVariant(true);
    QTest::newRow("closeToTray") << int(Settings::Key::CloseToTray) << QVariant(false);
    QTest::newRow("shortcut") << int(Settings::Key::TrayQuickPromptShortcut) << QVariant(QString());
    QTest::newRow("catalogRefresh") << int(Settings::Key::CatalogRefreshMinutes) << QVariant(60);
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
    QByteArray geometry("\x01\xd9\xd0\xcb\x00\x03\x00\x00", 8);
    geometry += QByteArray(64, '\0');
    {
        QSettings qs(iniPath(), QSettings::IniFormat);
        Settings s(&qs);
        s.setLastWorkspaceId(u"3f2a-ws"_s);
        s.setLastConversationId(Q_INT64_C(9007199254740993)); // above 2^53: no double round trip
        s.setEnterSends(false);
        s.setMainWindowGeometry(geometry);
        s.setMainWindowState("state-bytes");
        s.setLowBalanceThreshold(2.75);
        s.setShowReasoning(false);
        s.setCloseToTray(true);
        s.setTrayQuickPromptShortcut(u"Ctrl+Alt+Space"_s);
        s.setCatalogRefreshMinutes(15);
        s.sync();
        QCOMPARE(qs.status(), QSettings::NoError);
    }
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    QCOMPARE(s.lastWorkspaceId(), u"3f2a-ws"_s);
    QCOMPARE(s.lastConversationId(), Q_INT64_C(9007199254740993));
    QCOMPARE(s.enterSends(), false);
    QCOMPARE(s.mainWindowGeometry(), geometry);
    QCOMPARE(s.mainWindowState(), QByteArray("state-bytes"));
    QCOMPARE(s.lowBalanceThreshold(), 2.75);
    QCOMPARE(s.showReasoning(), false);
    QCOMPARE(s.closeToTray(), true);
    QCOMPARE(s.trayQuickPromptShortcut(), u"Ctrl+Alt+Space"_s);
    QCOMPARE(s.catalogRefreshMinutes(), 15);
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
    QVERIFY(s.setValue(Settings::Key::CatalogRefreshMinutes, 30.0));
    QCOMPARE(s.catalogRefreshMinutes(), 30);
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
    QVERIFY(!s.setValue(Settings::Key::CatalogRefreshMinutes, QVariant()));
    QCOMPARE(s.catalogRefreshMinutes(), 60);
}

void TestSettings::handEditedGarbageFallsBack()
{
    {
        QFile f(iniPath());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[account]\nlowBalanceThreshold=not-a-number\n[catalog]\nrefreshMinutes=abc\n[chat]"
                "\nenterSends=false\n");
    }
    QSettings qs(iniPath(), QSettings::IniFormat);
    Settings s(&qs);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"unusable value"_s));
    QCOMPARE(s.lowBalanceThreshold(), 1.0);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"unusable value"_s));
    QCOMPARE(s.catalogRefreshMinutes(), 60);
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
