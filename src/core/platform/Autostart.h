// Autostart: the per-user "start at login" entry for the running binary. XDG desktops: a desktop
// entry in $XDG_CONFIG_HOME/autostart; Windows: a value under HKCU\...\CurrentVersion\Run; macOS: a
// LaunchAgent plist. It only writes or removes that entry: the start-at-login setting lives in
// Settings, and whether the app then starts hidden is the app's own setting (no option in Exec).
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace anyrouter {

class Autostart
{
    Q_DECLARE_TR_FUNCTIONS(Autostart)
public:
    static bool isSupported();
    // Whether the entry exists and the desktop has not switched it off (Hidden=true or
    // X-GNOME-Autostart-enabled=false, as desktops' own settings write).
    static bool isEnabled();
    // Writes (atomically) or removes the entry. Removing an absent entry succeeds.
    static bool setEnabled(bool on, QString* error = nullptr);
    // The file the entry lives in (on Windows, the registry key and value name).
    static QString entryPath();

    // What is started at login: the AppImage when running from one (its mount point changes every
    // run), else QCoreApplication::applicationFilePath().
    static QString program();
    // The XDG desktop entry that starts `program` (exposed for tests; what setEnabled writes there).
    static QByteArray desktopEntry(const QString& program);
    // `argument` quoted for an Exec key: desktop-entry-spec quoting, then string escaping.
    static QString quoteExecArgument(const QString& argument);
};

} // namespace anyrouter
