#!/bin/sh
# Runs "$@" inside a private D-Bus session with a fresh, unlocked gnome-keyring, so keychain tests
# use a real Secret Service and never touch the user's own keyring. HOME and XDG dirs point at a
# temp dir that is removed afterwards.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
exec dbus-run-session -- sh -c '
  eval "$(printf "test-password" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  # --unlock starts the daemon and creates the login collection; --start publishes its env.
  eval "$(gnome-keyring-daemon --start --components=secrets 2>/dev/null)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
  exec "$@"' sh "$@"
