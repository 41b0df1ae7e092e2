#!/bin/sh
# Runs "$@" inside a private D-Bus session with a fresh, unlocked gnome-keyring, so keychain tests
# use a real Secret Service and never touch the user's own keyring. HOME and XDG dirs point at a
# temp dir that is removed afterwards. Exit status is the command's; 1 when the keyring could not
# be brought up (with the reason on stderr).
#
# Why each step:
#  - `gnome-keyring-daemon --unlock` reads the login password from stdin, creates the login
#    collection (the default alias) unlocked and claims org.freedesktop.secrets on the bus. An
#    unlocked, existing default collection is what keeps libsecret from asking for a prompt.
#  - It claims the bus name a moment after --unlock returns; we wait for the name (NameHasOwner,
#    which activates nothing) so no client call makes the bus start a second daemon.
#  - The readiness check stores and reads back an item with secret-tool, so the command starts only
#    once the Secret Service really answers (not merely once the daemon forked).
#  - DISPLAY/WAYLAND_DISPLAY are cleared so no prompt can ever pop up on the developer's desktop.
#  - No `exec`: the EXIT trap must run to delete the temp dir.
set -eu

for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "with-keyring.sh: '$tool' not found (install dbus, gnome-keyring, libsecret-tools)" >&2
        exit 1
    fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/anyrouter-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
       XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
# Tests that need a keyring refuse to run without this marker, so they never reach a real one.
export ANYROUTER_TEST_KEYRING=1
unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK DBUS_SESSION_BUS_ADDRESS 2>/dev/null || true

set +e
# (As root, dbus-daemon prints a harmless "Failed to set fd limit" warning.)
# The inner script is single-quoted on purpose: it expands inside the private session.
# shellcheck disable=SC2016
dbus-run-session -- sh -c '
  set -u
  if ! printf "%s" "anyrouter-test-password" | gnome-keyring-daemon --unlock --components=secrets >"$XDG_RUNTIME_DIR/gkd.env" 2>"$XDG_RUNTIME_DIR/gkd.log"; then
    echo "with-keyring.sh: gnome-keyring-daemon --unlock failed:" >&2
    cat "$XDG_RUNTIME_DIR/gkd.log" >&2
    exit 1
  fi
  # The daemon claims org.freedesktop.secrets a moment after --unlock returns. Wait for that
  # without calling the service: a call would make the bus activate a second daemon.
  tries=0
  until [ "$(dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
             org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
             awk "/boolean/ { print \$2 }")" = true ]; do
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ]; then
      echo "with-keyring.sh: gnome-keyring-daemon never claimed org.freedesktop.secrets" >&2
      cat "$XDG_RUNTIME_DIR/gkd.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  # Readiness: the daemon answers and the default collection is writable without a prompt.
  # Bounded: 50 tries, each secret-tool call itself capped at 5 s.
  tries=0
  while :; do
    if printf "ready" | timeout 5 secret-tool store --label="anyrouter readiness probe" anyrouter-with-keyring probe >/dev/null 2>&1 &&
       [ "$(timeout 5 secret-tool lookup anyrouter-with-keyring probe 2>/dev/null)" = ready ]; then
      timeout 5 secret-tool clear anyrouter-with-keyring probe >/dev/null 2>&1 || true
      break
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then
      echo "with-keyring.sh: the Secret Service did not answer (gnome-keyring log follows)" >&2
      cat "$XDG_RUNTIME_DIR/gkd.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  # The daemon that owns the name on this private bus; stopped after the command so nothing
  # outlives the session even where the daemon would not notice the bus going away.
  gkd_pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
      awk "/uint32/ { print \$2 }")
  "$@"
  rc=$?
  if [ -n "$gkd_pid" ]; then kill "$gkd_pid" 2>/dev/null || true; fi
  exit $rc' with-keyring "$@"
rc=$?
exit $rc
