#!/bin/sh
# Runs every libFuzzer target of a fuzz build for a bounded time (as many at once as there are
# cores; ANYROUTER_FUZZ_JOBS overrides), starting from the committed seed corpus and dictionary of
# each. Fails (exit 1) when any target crashes, hits a sanitizer report, a property violation
# ("==FUZZ PROPERTY VIOLATED=="), a timeout or the memory limit; prints the executions per target
# either way.
#
#   tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]
#     BUILD_DIR  a build configured with the 'fuzz' preset (e.g. build/fuzz)
#     SECONDS    fuzzing time per target; 0 only replays the seed corpus
#     TARGET     names without the fuzz_ prefix (default: all of them)
#
# The corpus grows in a temporary copy (never in the tree). Inputs that failed are kept as
# BUILD_DIR/fuzz-artifacts/<target>-crash-* (or timeout-*, oom-*); replay one with
#   BUILD_DIR/tests/fuzz/fuzz_<target> BUILD_DIR/fuzz-artifacts/<file>
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
seconds=$2
shift 2
targets=${*:-"sse chat_chunk api_error catalog account retry_after markdown"}

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
work=$(mktemp -d "${TMPDIR:-/tmp}/anyrouter-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Sanitizer reports are fatal; leaks are checked by libFuzzer itself (-detect_leaks).
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/../lsan.supp:print_suppressions=0}"
symbolizer=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || echo /usr/lib/llvm-14/bin/llvm-symbolizer)
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export QT_QPA_PLATFORM=offscreen
export QT_LOGGING_RULES='*.debug=false;*.warning=false'

# One target: fuzz it, then write "ok ..." or "FAILED ..." to $work/$t.result.
run_one() {
    t=$1
    exe=$build/tests/fuzz/fuzz_$t
    if [ ! -x "$exe" ]; then
        echo "FAILED fuzz_$t: $exe missing (cmake --build --preset fuzz)" >"$work/$t.result"
        return
    fi
    rm -f "$artifacts/$t-"*
    mkdir -p "$work/$t"
    cp "$here/corpus/$t/"* "$work/$t/" 2>/dev/null
    timeout=5
    maxlen=4096
    if [ "$t" = markdown ]; then
        timeout=10     # bounded time per reply: a slower render is a failure
        maxlen=32768
    fi
    log=$work/$t.log
    if [ "$seconds" -eq 0 ]; then budget=-runs=0; else budget=-max_total_time=$seconds; fi
    # A fixed seed (ANYROUTER_FUZZ_SEED, default 1) makes a run repeatable: CI walks the same
    # inputs a developer walked locally for the same time; set another seed to explore further.
    "$exe" "$budget" -seed="${ANYROUTER_FUZZ_SEED:-1}" -timeout="$timeout" -max_len="$maxlen" -rss_limit_mb=2560 -malloc_limit_mb=2048 \
        -dict="$here/dict/$t.dict" -artifact_prefix="$artifacts/$t-" -print_final_stats=1 \
        "$work/$t" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs in \([0-9][0-9]*\) second.*/\1 executions in \2 s/p' "$log" | tail -1)
    [ -n "$runs" ] || runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1 executions/p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -ne 0 ] || grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'ERROR: LeakSanitizer' \
        -e '==FUZZ PROPERTY VIOLATED==' "$log"; then
        echo "FAILED fuzz_$t (exit $rc) after ${runs:-? executions}" >"$work/$t.result"
    else
        echo "ok fuzz_$t: ${runs:-? executions}, $cov" >"$work/$t.result"
    fi
}

# Targets run $jobs at a time (default: one per core), each for the whole $seconds.
jobs=${ANYROUTER_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
echo "== fuzzing $targets: $seconds s each, $jobs at a time"
running=0
for t in $targets; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

failed=""
summary=""
for t in $targets; do
    result=$(cat "$work/$t.result")
    case "$result" in
        ok*) echo "$result" ;;
        *)
            echo "$result:"
            [ -f "$work/$t.log" ] && grep -v -e '^#[0-9]' -e '^INFO:' -e '^	NEW_FUNC' "$work/$t.log" | tail -60
            ls "$artifacts/$t-"* 2>/dev/null | sed 's/^/  input: /'
            failed="$failed $t"
            ;;
    esac
    summary="$summary
  $result"
done
echo "== fuzzing summary:$summary"
if [ -n "$failed" ]; then
    echo "run-fuzzers: FAILED:$failed" >&2
    exit 1
fi
