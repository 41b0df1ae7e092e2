// TestSettingsDialog: the app-wide Settings dialog, offscreen. It shows what Settings hold; OK
// writes every value back; a shortcut another program holds keeps the dialog open with the
// reason and writes nothing; without a tray the tray options are disabled and say why; with no
// shortcut backend the field is disabled and the text says how to bind the command instead;
// start at login writes and removes the XDG autostart entry (QStandardPaths test mode).
#include "TestSupport.h"

#include "core/platform/Autostart.h"
#include "core/storage/Settings.h"
#include "ui/settings/SettingsDialog.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace anyrouter;
using namespace Qt::StringLiterals;

class TestSettingsDialog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void showsAndWritesTheValues();
    void takenShortcutKeepsTheDialogOpen();
    void withoutTrayTheTrayOptionsAreDisabled();
    void withoutShortcutBackendSaysHowToBindTheCommand();
    void startAtLoginWritesTheAutostartEntry();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_backend;
    std::unique_ptr<Settings> m_settings;
    int m_counter = 0;
};

void TestSettingsDialog::initTestCase()
{
    test::initHermeticEnvironment();
    QVERIFY(m_dir.isValid());
}

void TestSettingsDialog::init()
{
    m_settings.reset();
    m_backend = std::make_unique<QSettings>(m_dir.filePath(u"settings%1.ini"_s.arg(++m_counter)),
                                            QSettings::IniFormat);
    m_settings = std::make_unique<Settings>(m_backend.get());
}

void TestSettingsDialog::showsAndWritesTheValues()
{
    m_settings->setCloseToTray(false);
    m_settings->setEnterSends(false);
    m_settings->setLowBalanceThreshold(2.5);
    m_settings->setQuickPromptShortcut(u"Ctrl+Shift+K"_s);
    SettingsDialog d(m_settings.get());
    QKeySequence applied;
    d.setShortcutBackend(
        [&applied](const QKeySequence& seq, QString*) {
            applied = seq;
            return true;
        },
        QString());
    d.setTrayAvailable(true);
    QCOMPARE(d.shortcutEdit()->keySequence(), QKeySequence(u"Ctrl+Shift+K"_s));
    QVERIFY(!d.closeToTrayBox()->isChecked());
    QVERIFY(!d.enterSendsBox()->isChecked());
    QCOMPARE(d.lowBalanceBox()->value(), 2.5);

    d.shortcutEdit()->setKeySequence(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_P));
    d.closeToTrayBox()->setChecked(true);
    d.startHiddenBox()->setChecked(true);
    d.enterSendsBox()->setChecked(true);
    d.lowBalanceBox()->setValue(7);
    QSignalSpy appliedSpy(&d, &SettingsDialog::applied);
    d.show();
    d.accept();
    QCOMPARE(appliedSpy.size(), 1);
    QVERIFY(!d.isVisible());
    QCOMPARE(applied, QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_P)); // grabbed for real
    QCOMPARE(m_settings->quickPromptShortcut(), u"Ctrl+Alt+P"_s);
    QVERIFY(m_settings->closeToTray());
    QVERIFY(m_settings->startHidden());
    QVERIFY(m_settings->enterSends());
    QCOMPARE(m_settings->lowBalanceThreshold(), 7.0);
}

void TestSettingsDialog::takenShortcutKeepsTheDialogOpen()
{
    m_settings->setQuickPromptShortcut(Settings::defaultQuickPromptShortcut());
    SettingsDialog d(m_settings.get());
    d.setShortcutBackend(
        [](const QKeySequence&, QString* error) {
            *error = u"another program holds it"_s;
            return false;
        },
        QString());
    d.show();
    d.shortcutEdit()->setKeySequence(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_T));
    d.enterSendsBox()->setChecked(!m_settings->enterSends());
    const bool enterSends = m_settings->enterSends();
    d.accept();
    QVERIFY(d.isVisible()); // still open, saying why
    QVERIFY(d.errorLabel()->isVisibleTo(&d));
    QVERIFY2(d.errorLabel()->text().contains(u"another program holds it"_s),
             qPrintable(d.errorLabel()->text()));
    QCOMPARE(m_settings->quickPromptShortcut(), Settings::defaultQuickPromptShortcut());
    QCOMPARE(m_settings->enterSends(), enterSends); // nothing written
}

void TestSettingsDialog::withoutTrayTheTrayOptionsAreDisabled()
{
    SettingsDialog d(m_settings.get());
    d.setTrayAvailable(false);
    QVERIFY(!d.closeToTrayBox()->isEnabled());
    QVERIFY(!d.startHiddenBox()->isEnabled());
    const QList<QLabel*> labels = d.findChildren<QLabel*>();
    bool said = false;
    for (QLabel* l : labels)
        said = said || l->text().contains(u"no system tray"_s);
    QVERIFY(said);
}

void TestSettingsDialog::withoutShortcutBackendSaysHowToBindTheCommand()
{
    SettingsDialog d(m_settings.get());
    d.setShortcutBackend({}, u"No global shortcut works here. Bind anyrouter-desktop --quick-prompt in the "
                             "desktop's keyboard settings."_s);
    QVERIFY(!d.shortcutEdit()->isEnabled());
    QVERIFY(d.shortcutStatus()->text().contains(u"anyrouter-desktop --quick-prompt"_s));
    d.show();
    d.accept(); // the stored shortcut stays for a desktop where it works
    QVERIFY(!d.isVisible());
    QCOMPARE(m_settings->quickPromptShortcut(), Settings::defaultQuickPromptShortcut());
}

void TestSettingsDialog::startAtLoginWritesTheAutostartEntry()
{
    if (!Autostart::isSupported())
        QSKIP("no autostart on this system");
    QVERIFY(Autostart::setEnabled(false, nullptr));
    SettingsDialog d(m_settings.get());
    d.setShortcutBackend({}, QString());
    QVERIFY(!d.startAtLoginBox()->isChecked());
    d.startAtLoginBox()->setChecked(true);
    QVERIFY(d.apply());
    QVERIFY(Autostart::isEnabled());
    QVERIFY(m_settings->startAtLogin());
    // QStandardPaths test mode: under ~/.qttest, never the user's own autostart directory.
    QVERIFY2(Autostart::entryPath().endsWith(u"autostart/anyrouter-desktop.desktop"_s),
             qPrintable(Autostart::entryPath()));
    QVERIFY(QFile::exists(Autostart::entryPath()));
    d.startAtLoginBox()->setChecked(false);
    QVERIFY(d.apply());
    QVERIFY(!QFile::exists(Autostart::entryPath()));
    QVERIFY(!m_settings->startAtLogin());
}

QTEST_MAIN(TestSettingsDialog)
#include "TestSettingsDialog.moc"
