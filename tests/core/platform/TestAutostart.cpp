// TestAutostart: on XDG desktops, enabling writes one desktop entry under the (temp) config dir that
// desktop-file-validate accepts and whose Exec starts this very binary; disabling removes it;
// isEnabled() follows the file and a desktop's own switch-off keys; Exec quoting survives spaces,
// quotes, $, `, \ and % (checked by undoing it the way the spec says and by the validator); a
// folder that cannot be created is an error that names it.
#include "TestSupport.h"

#include "core/platform/Autostart.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace anyrouter;
using namespace Qt::StringLiterals;

namespace {

// The Exec value's first argument, unquoted as the Desktop Entry Specification says: string escapes
// first (\\ \s \n \t \r), then the double-quote quoting, then %% -> %.
QString execProgram(const QString& value)
{
    QString unescaped;
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value.at(i) == u'\\' && i + 1 < value.size()) {
            const QChar n = value.at(++i);
            unescaped += n == u's' ? u' ' : n == u'n' ? u'\n' : n == u't' ? u'\t' : n == u'r' ? u'\r' : n;
        } else {
            unescaped += value.at(i);
        }
    }
    if (!unescaped.startsWith(u'"'))
        return unescaped.section(u' ', 0, 0).replace(u"%%"_s, u"%"_s);
    QString program;
    for (qsizetype i = 1; i < unescaped.size(); ++i) {
        const QChar c = unescaped.at(i);
        if (c == u'"')
            break;
        if (c == u'\\' && i + 1 < unescaped.size())
            program += unescaped.at(++i);
        else
            program += c;
    }
    return program.replace(u"%%"_s, u"%"_s);
}

QString keyValue(const QByteArray& entry, const QByteArray& key)
{
    for (const QByteArray& line : entry.split('\n')) {
        if (line.startsWith(QByteArray(key + '=')))
            return QString::fromUtf8(line.mid(key.size() + 1));
    }
    return {};
}

// desktop-file-validate's verdict on `path`: empty when it accepts it, its output otherwise.
QString validatorComplaint(const QString& validator, const QString& path)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(validator, {path});
    if (!p.waitForFinished(30000))
        return u"desktop-file-validate did not finish"_s;
    const QString out = QString::fromUtf8(p.readAll()).trimmed();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return out.isEmpty() ? u"exit code %1"_s.arg(p.exitCode()) : out;
    // It exits 0 on hints and warnings too: only hints are acceptable.
    for (const QString& line : out.split(u'\n', Qt::SkipEmptyParts)) {
        if (!line.contains(u"hint:"_s))
            return out;
    }
    return {};
}

} // namespace

class TestAutostart : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void entryLivesInTheConfigDir();
    void enableWritesAnEntryForThisBinary();
    void enabledEntryPassesTheValidator();
    void disableRemovesIt();
    void desktopSwitchedItOff_data();
    void desktopSwitchedItOff();
    void execQuoting_data();
    void execQuoting();
    void folderThatCannotBeCreatedIsAnError();

private:
    std::unique_ptr<QTemporaryDir> m_home;
    QString m_validator;
};

void TestAutostart::initTestCase()
{
#if !defined(Q_OS_UNIX) || defined(Q_OS_MACOS)
    QSKIP("the XDG autostart entry is the Linux/BSD implementation");
#endif
    test::initHermeticEnvironment();
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    // Test mode puts GenericConfigLocation under $HOME/.qttest: both point into the temp dir.
    qputenv("HOME", QFile::encodeName(m_home->path()));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home->path() + u"/config"_s));
    qunsetenv("APPIMAGE");
    m_validator = QStandardPaths::findExecutable(u"desktop-file-validate"_s);
    QVERIFY(Autostart::isSupported());
}

void TestAutostart::cleanup()
{
    QString error;
    QVERIFY2(Autostart::setEnabled(false, &error), qPrintable(error));
}

void TestAutostart::entryLivesInTheConfigDir()
{
    const QString path = Autostart::entryPath();
    QVERIFY2(path.startsWith(m_home->path() + u'/'), qPrintable(path));
    QVERIFY2(path.endsWith(u"/autostart/anyrouter-desktop.desktop"_s), qPrintable(path));
    QCOMPARE(path, QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                       u"/autostart/anyrouter-desktop.desktop"_s);
}

void TestAutostart::enableWritesAnEntryForThisBinary()
{
    QVERIFY(!Autostart::isEnabled());
    QString error;
    QVERIFY2(Autostart::setEnabled(true, &error), qPrintable(error));
    QVERIFY(Autostart::isEnabled());
    QFile file(Autostart::entryPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray entry = file.readAll();
    QVERIFY(entry.startsWith("[Desktop Entry]\n"));
    QCOMPARE(keyValue(entry, "Type"), u"Application"_s);
    QCOMPARE(keyValue(entry, "X-GNOME-Autostart-enabled"), u"true"_s);
    QVERIFY(!keyValue(entry, "Name").isEmpty());
    QCOMPARE(execProgram(keyValue(entry, "Exec")), QCoreApplication::applicationFilePath());
    QVERIFY(QDir::isAbsolutePath(execProgram(keyValue(entry, "Exec"))));

    // Enabling again rewrites in place: one file, no temporary left beside it.
    QVERIFY2(Autostart::setEnabled(true, &error), qPrintable(error));
    QCOMPARE(QDir(QFileInfo(Autostart::entryPath()).absolutePath()).entryList(QDir::Files | QDir::Hidden),
             QStringList{u"anyrouter-desktop.desktop"_s});
}

void TestAutostart::enabledEntryPassesTheValidator()
{
    QString error;
    QVERIFY2(Autostart::setEnabled(true, &error), qPrintable(error));
    if (m_validator.isEmpty())
        QSKIP("desktop-file-validate is not installed (package desktop-file-utils)");
    const QString complaint = validatorComplaint(m_validator, Autostart::entryPath());
    QVERIFY2(complaint.isEmpty(), qPrintable(complaint));
}

void TestAutostart::disableRemovesIt()
{
    QString error;
    QVERIFY2(Autostart::setEnabled(true, &error), qPrintable(error));
    QVERIFY(QFile::exists(Autostart::entryPath()));
    QVERIFY2(Autostart::setEnabled(false, &error), qPrintable(error));
    QVERIFY(!QFile::exists(Autostart::entryPath()));
    QVERIFY(!Autostart::isEnabled());
    QVERIFY2(Autostart::setEnabled(false, &error), qPrintable(error)); // already gone: fine
}

void TestAutostart::desktopSwitchedItOff_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("enabled");
    QTest::newRow("GNOME switch off") << QByteArray("X-GNOME-Autostart-enabled=false") << false;
    QTest::newRow("hidden") << QByteArray("Hidden=true") << false;
    QTest::newRow("hidden, with spaces") << QByteArray("Hidden = true") << false;
    QTest::newRow("not hidden") << QByteArray("Hidden=false") << true;
}

void TestAutostart::desktopSwitchedItOff()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, enabled);
    QString error;
    QVERIFY2(Autostart::setEnabled(true, &error), qPrintable(error));
    QFile file(Autostart::entryPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray entry = file.readAll();
    file.close();
    entry.replace("X-GNOME-Autostart-enabled=true\n", QByteArray(line + '\n'));
    // A key of the same name in another group is not the entry's.
    entry += "\n[Desktop Action x]\nName=X\nExec=true\nHidden=true\n";
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(entry);
    file.close();
    QCOMPARE(Autostart::isEnabled(), enabled);

    // Turning it on again from the app writes a fresh, enabled entry.
    QVERIFY2(Autostart::setEnabled(true, &error), qPrintable(error));
    QVERIFY(Autostart::isEnabled());
}

void TestAutostart::execQuoting_data()
{
    QTest::addColumn<QString>("program");
    QTest::newRow("plain") << u"/usr/bin/anyrouter-desktop"_s;
    QTest::newRow("space") << u"/opt/Any Router/bin/anyrouter-desktop"_s;
    QTest::newRow("dollar") << u"/home/u/$HOME/anyrouter-desktop"_s;
    QTest::newRow("double quote") << u"/tmp/a\"b/anyrouter-desktop"_s;
    QTest::newRow("backtick") << u"/tmp/`id`/anyrouter-desktop"_s;
    QTest::newRow("backslash") << u"/tmp/back\\slash/anyrouter-desktop"_s;
    QTest::newRow("percent") << u"/tmp/100%u/anyrouter-desktop"_s;
    QTest::newRow("shell characters") << u"/tmp/a;b&c|d<e>f(g)'h'*?#~/anyrouter-desktop"_s;
    QTest::newRow("non-ASCII") << u"/home/zoë/Программы/anyrouter-desktop"_s;
}

void TestAutostart::execQuoting()
{
    QFETCH(QString, program);
    const QByteArray entry = Autostart::desktopEntry(program);
    QCOMPARE(execProgram(keyValue(entry, "Exec")), program);

    if (m_validator.isEmpty())
        QSKIP("desktop-file-validate is not installed (package desktop-file-utils)");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(u"anyrouter-desktop.desktop"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(entry);
    file.close();
    const QString complaint = validatorComplaint(m_validator, file.fileName());
    QVERIFY2(complaint.isEmpty(), qPrintable(complaint));
}

void TestAutostart::folderThatCannotBeCreatedIsAnError()
{
    const QString folder = QFileInfo(Autostart::entryPath()).absolutePath();
    QDir(folder).removeRecursively();
    QDir().mkpath(QFileInfo(folder).absolutePath());
    QFile blocker(folder); // a file where the folder should be
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QString error;
    QVERIFY(!Autostart::setEnabled(true, &error));
    QVERIFY2(error.contains(Autostart::entryPath()), qPrintable(error));
    QVERIFY(!Autostart::isEnabled());
    QVERIFY(QFile::remove(folder));
    QVERIFY2(Autostart::setEnabled(true, &error), qPrintable(error));
    QVERIFY(Autostart::isEnabled());
}

QTEST_GUILESS_MAIN(TestAutostart)
#include "TestAutostart.moc"
