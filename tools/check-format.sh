#!/bin/sh
# Fails when a tracked C++ file is not formatted as .clang-format says (clang-format 14, as in
# Debian 12). With --fix, formats them instead. Run from anywhere inside the repository.
set -eu
cd "$(git rev-parse --show-toplevel)"
files=$(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
    # shellcheck disable=SC2086
    clang-format -i $files
    exit 0
fi
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files; then
    echo "check-format.sh: the files above are not formatted; run tools/check-format.sh --fix" >&2
    exit 1
fi
echo "check-format.sh: $(echo "$files" | wc -l) files formatted"
