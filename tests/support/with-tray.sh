#!/bin/sh
# Runs "$@" on a private X server (Xvfb) with a system tray host (trayer, an XEmbed tray) inside
# a private D-Bus session, with QT_QPA_PLATFORM=xcb, so tray tests see a real tray: the tray icon
# is a window reparented under trayer. Never the user's display or session bus. Exit status is the
# command's; 1 when the display or the tray could not be brought up (with the reason on stderr).
# Inside the private bus nobody offers org.kde.StatusNotifierWatcher, so Qt uses the XEmbed tray.
set -eu

if [ "${ANYROUTER_WITH_TRAY_INNER:-}" != 1 ]; then
    for tool in xvfb-run dbus-run-session trayer xdotool; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "with-tray.sh: '$tool' not found (install xvfb, dbus, trayer, xdotool)" >&2
            exit 1
        fi
    done
    export ANYROUTER_WITH_TRAY_INNER=1
    exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$0" "$@"
fi

trayer --edge top --align right --widthtype request --height 24 --SetDockType true >/dev/null 2>&1 &
tray=$!
trap 'kill $tray 2>/dev/null || true' EXIT
i=0
until xdotool search --classname trayer >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
        echo "with-tray.sh: trayer did not come up on $DISPLAY" >&2
        exit 1
    fi
    sleep 0.05
done
QT_QPA_PLATFORM=xcb "$@"
