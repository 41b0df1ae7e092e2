#!/bin/sh
# Runs the .clang-tidy checks over the app's own sources (src/, app/), using the compile commands of
# a configured build directory. Every finding is an error (WarningsAsErrors in .clang-tidy).
#   tools/run-clang-tidy.sh BUILD_DIR            all of src/ and app/
#   tools/run-clang-tidy.sh BUILD_DIR GIT_BASE   only the .cpp files changed since GIT_BASE
# Two files at a time: each takes 3-9 s of CPU (Qt's headers dominate).
set -eu
build=${1:?usage: run-clang-tidy.sh BUILD_DIR [GIT_BASE]}
cd "$(git rev-parse --show-toplevel)"
[ -f "$build/compile_commands.json" ] || { echo "run-clang-tidy.sh: no $build/compile_commands.json" >&2; exit 2; }
if [ -n "${2:-}" ]; then
    files=$(git diff --name-only --diff-filter=AM "$2" -- 'src/*.cpp' 'app/*.cpp')
else
    files=$(git ls-files 'src/*.cpp' 'app/*.cpp')
fi
# Only what this build compiles: the Windows- and macOS-only sources are not in its compile commands
# (clang-tidy would guess flags for them and fail on <windows.h>).
compiled=""
for f in $files; do
    if grep -q "\"file\": \"[^\"]*/$f\"" "$build/compile_commands.json"; then
        compiled="$compiled $f"
    else
        echo "run-clang-tidy.sh: $f is not compiled on this system; skipped"
    fi
done
files=$compiled
[ -n "$files" ] || { echo "run-clang-tidy.sh: nothing to check"; exit 0; }
jobs=${ANYROUTER_TIDY_JOBS:-2}
# shellcheck disable=SC2086
if ! printf '%s\n' $files | xargs -P "$jobs" -n 1 clang-tidy -p "$build" --quiet 2>/dev/null; then
    echo "run-clang-tidy.sh: findings above" >&2
    exit 1
fi
echo "run-clang-tidy.sh: $(printf '%s\n' $files | wc -l) files clean"
