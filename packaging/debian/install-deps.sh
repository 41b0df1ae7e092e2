#!/bin/sh
# Installs every Debian/Ubuntu package needed to build, run and test AnyRouter Desktop.
# Used by the README's two commands and by CI. Re-running it is cheap when all is installed.
#   --fuzz   also the clang toolchain and libFuzzer/sanitizer runtimes for the 'fuzz' preset
#   --lint   also clang-format and clang-tidy (tools/check-format.sh, tools/run-clang-tidy.sh)
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps.sh: run as root or install sudo" >&2; exit 1; }
    SUDO="sudo"
fi
PACKAGES="
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6opengl6-dev libgl-dev libqt6sql6-sqlite qt6-qpa-plugins libqt6svg6 libxkbcommon-x11-0
  qtkeychain-qt6-dev libqt6keychain1 libsecret-1-0
  dbus dbus-daemon gnome-keyring libsecret-tools
  xvfb xauth fonts-dejavu-core
  libx11-dev libxcb1-dev trayer xdotool x11-utils desktop-file-utils
"
for arg in "$@"; do
    case "$arg" in
        --fuzz) PACKAGES="$PACKAGES clang-14 libclang-rt-14-dev llvm-14" ;;
        --lint) PACKAGES="$PACKAGES clang-format-14 clang-tidy-14 clang-format clang-tidy git" ;;
        *) echo "install-deps.sh: unknown option $arg (known: --fuzz, --lint)" >&2; exit 2 ;;
    esac
done
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "Installing:$missing"
    $SUDO apt-get update
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi
