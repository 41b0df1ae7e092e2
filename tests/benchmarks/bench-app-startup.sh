#!/bin/sh
# bench-app-startup.sh: the whole app as a user starts it — the real binary, a real X server
# (Xvfb) with a window manager — on the offline Demo workspace with a fresh profile each run.
# Prints, as medians over RUNS runs: the time from exec to the main window mapped and visible
# (xdotool polling every 5 ms) with the CPU time the process used until then, and the resident memory (VmRSS) once the app has sat idle for
# IDLE seconds. A benchmark, not a test: it prints figures, it does not pass or fail.
#
#   tests/benchmarks/bench-app-startup.sh BINARY [RUNS=5] [IDLE=10]
#
# Needs xvfb, xdotool and openbox (apt-get install xvfb xdotool openbox).
set -eu
bin=${1:?usage: bench-app-startup.sh BINARY [RUNS] [IDLE]}
runs=${2:-5}
idle=${3:-10}
command -v Xvfb >/dev/null && command -v xdotool >/dev/null || {
    echo "bench-app-startup.sh: needs Xvfb and xdotool" >&2
    exit 2
}
work=$(mktemp -d)
trap 'kill $wm $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
display=:$((90 + $$ % 100))
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY=$display
if command -v openbox >/dev/null; then
    openbox >/dev/null 2>&1 &
    wm=$!
    sleep 1
else
    wm=""
fi

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: >"$work/startup"
: >"$work/rss"
: >"$work/cpu"
i=0
while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    home="$work/home$i"
    mkdir -p "$home"
    start=$(date +%s%N)
    HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
        XDG_CACHE_HOME="$home/.cache" "$bin" --demo >"$work/log$i" 2>&1 &
    pid=$!
    visible=""
    n=0
    while [ -z "$visible" ] && [ "$n" -lt 4000 ]; do
        visible=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | head -n 1 || true)
        [ -n "$visible" ] || sleep 0.005
        n=$((n + 1))
    done
    end=$(date +%s%N)
    # CPU the process spent until then (user + system, clock ticks): less sensitive to a busy machine.
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    if [ -z "$visible" ]; then
        echo "run $i: no window within 20 s (log: $(tail -n 3 "$work/log$i"))" >&2
        kill "$pid" 2>/dev/null || true
        continue
    fi
    ms=$(((end - start) / 1000000))
    sleep "$idle"
    rss=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$pid/status")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "run $i: window visible after $ms ms (CPU $cpu ms), idle RSS after ${idle} s: $rss MB"
    echo "$ms" >>"$work/startup"
    echo "$cpu" >>"$work/cpu"
    echo "$rss" >>"$work/rss"
done
echo "median over $(wc -l <"$work/startup") runs: start -> window visible $(median <"$work/startup") ms" \
    "(CPU $(median <"$work/cpu") ms);" \
    "idle RSS $(median <"$work/rss") MB ($bin)"
