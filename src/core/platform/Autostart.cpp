// Autostart: per-platform start-at-login entries (XDG autostart file, Windows Run key, LaunchAgent).
#include "core/platform/Autostart.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

[[maybe_unused]] bool writeAtomically(const QString& path, const QByteArray& content, QString* error)
{
    const auto fail = [&](const QString& why) {
        if (error)
            *error = Autostart::tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), why);
        return false;
    };
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(Autostart::tr("cannot create its folder"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    if (file.write(content) != content.size())
        return fail(file.errorString());
    if (!file.commit())
        return fail(file.errorString());
    return true;
}

[[maybe_unused]] bool removeFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.exists() || file.remove())
        return true;
    if (error)
        *error =
            Autostart::tr("Cannot remove %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    return false;
}

#if defined(Q_OS_WIN)
const QString kRunKey = u"HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"_s;
const QString kRunValue = u"AnyRouter Desktop"_s;
#elif defined(Q_OS_MACOS)
const QString kAgentLabel = u"dev.anyrouter.desktop"_s;
#endif

} // namespace

QString Autostart::program()
{
#if defined(Q_OS_LINUX)
    // An AppImage runs from a fresh mount point each time: start the image itself.
    const QString appImage = qEnvironmentVariable("APPIMAGE");
    if (!appImage.isEmpty() && QFileInfo(appImage).isAbsolute() && QFileInfo::exists(appImage))
        return appImage;
#endif
    return QCoreApplication::applicationFilePath();
}

QString Autostart::quoteExecArgument(const QString& argument)
{
    // Desktop Entry Specification, "The Exec key": an argument in double quotes escapes ", `, $ and
    // \ with a backslash, and a literal % is %%. The value is then a string, whose own escaping
    // (\\, \n, \t, \r) is undone before the quoting: a literal backslash ends up as four.
    QString quoted = u"\""_s;
    for (const QChar c : argument) {
        if (c == u'"' || c == u'`' || c == u'$' || c == u'\\')
            quoted += u'\\';
        if (c == u'%')
            quoted += u'%';
        quoted += c;
    }
    quoted += u'"';
    QString value;
    for (const QChar c : quoted) {
        switch (c.unicode()) {
        case '\\':
            value += u"\\\\"_s;
            break;
        case '\n':
            value += u"\\n"_s;
            break;
        case '\t':
            value += u"\\t"_s;
            break;
        case '\r':
            value += u"\\r"_s;
            break;
        default:
            value += c;
        }
    }
    return value;
}

QByteArray Autostart::desktopEntry(const QString& program)
{
    QString text;
    text += u"[Desktop Entry]\n"_s;
    text += u"Type=Application\n"_s;
    text += u"Version=1.0\n"_s;
    text += u"Name=AnyRouter Desktop\n"_s;
    text += u"Comment=Native desktop client for the AnyRouter LLM gateway\n"_s;
    // No option: whether the app then stays in the tray is its own setting ("start hidden").
    text += u"Exec="_s + quoteExecArgument(program) + u'\n';
    text += u"Icon=anyrouter-desktop\n"_s;
    text += u"Terminal=false\n"_s;
    text += u"X-GNOME-Autostart-enabled=true\n"_s;
    return text.toUtf8();
}

bool Autostart::isSupported()
{
#if defined(Q_OS_WIN) || defined(Q_OS_MACOS)
    return true;
#elif defined(Q_OS_UNIX) && !defined(Q_OS_ANDROID) && !defined(Q_OS_IOS)
    return !QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation).isEmpty();
#else
    return false;
#endif
}

QString Autostart::entryPath()
{
#if defined(Q_OS_WIN)
    return kRunKey + u'\\' + kRunValue;
#elif defined(Q_OS_MACOS)
    return QDir::homePath() + u"/Library/LaunchAgents/"_s + kAgentLabel + u".plist"_s;
#elif defined(Q_OS_UNIX) && !defined(Q_OS_ANDROID) && !defined(Q_OS_IOS)
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    if (config.isEmpty())
        return {};
    return config + u"/autostart/anyrouter-desktop.desktop"_s;
#else
    return {};
#endif
}

bool Autostart::isEnabled()
{
#if defined(Q_OS_WIN)
    return QSettings(kRunKey, QSettings::NativeFormat).contains(kRunValue);
#elif defined(Q_OS_MACOS)
    return QFileInfo::exists(entryPath());
#else
    const QString path = entryPath();
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    // Desktops switch an entry off in place (GNOME Tweaks writes X-GNOME-Autostart-enabled=false,
    // others Hidden=true): then it is off though the file is there.
    bool inMainGroup = false;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine(4096).trimmed();
        if (line.startsWith('[')) {
            inMainGroup = line == "[Desktop Entry]";
            continue;
        }
        if (!inMainGroup)
            continue;
        const qsizetype eq = line.indexOf('=');
        if (eq < 0)
            continue;
        const QByteArray key = line.left(eq).trimmed();
        const QByteArray value = line.mid(eq + 1).trimmed();
        if ((key == "Hidden" && value == "true") || (key == "X-GNOME-Autostart-enabled" && value == "false"))
            return false;
    }
    return true;
#endif
}

bool Autostart::setEnabled(bool on, QString* error)
{
    if (!isSupported()) {
        if (error)
            *error = Autostart::tr("Starting at login is not supported on this system.");
        return false;
    }
#if defined(Q_OS_WIN)
    QSettings run(kRunKey, QSettings::NativeFormat);
    if (on)
        run.setValue(kRunValue, QString(u'"' + QDir::toNativeSeparators(program()) + u'"'));
    else
        run.remove(kRunValue);
    run.sync();
    if (run.status() != QSettings::NoError) {
        if (error)
            *error = Autostart::tr("Cannot write the registry key %1.").arg(kRunKey);
        return false;
    }
    return true;
#elif defined(Q_OS_MACOS)
    const QString path = entryPath();
    if (!on)
        return removeFile(path, error);
    QString plist = uR"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>)"_s;
    plist += kAgentLabel;
    plist += uR"(</string>
    <key>ProgramArguments</key>
    <array>
        <string>)"_s;
    plist += program().toHtmlEscaped();
    plist += uR"(</string>
    </array>
    <key>RunAtLoad</key>
    <true/>
</dict>
</plist>
)"_s;
    return writeAtomically(path, plist.toUtf8(), error);
#else
    const QString path = entryPath();
    if (!on)
        return removeFile(path, error);
    return writeAtomically(path, desktopEntry(program()), error);
#endif
}

} // namespace anyrouter
