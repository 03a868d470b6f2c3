#!/usr/bin/env bash
# The LTTng sink's cost (issue 6), whole loops of the release build:
#   no session:  `flashtrace-lttng-dev bench N` (loop, loop+emit, emit alone: the tracepoints'
#                cost while nothing records; bar <= 2 ns/event)
#   recording:   the same inside a session recording flashtrace:* with `record --lttng-session`'s
#                channel (16 x 4 MiB, blocking), against tracepoints/bench-c, which fires the same
#                events from a C loop through the same probe library, in the same session
#                (bar: flashtrace <= 1.1x the C loop)
# Usage: Benchmarks/lttng.sh [EVENTS=10000000]        (root: it may start a session daemon)
source "$(dirname "$0")/common.sh"
n=${1:-10000000}
dev=.build/release/flashtrace-lttng-dev
need_built "$dev"
need_tool lttng "scripts/setup.sh --tests"
make -s -C tracepoints libflashtrace-tp.so bench-c
export FLASHTRACE_TP_LIB="$PWD/tracepoints/libflashtrace-tp.so"
# As ProviderLibrary sets it for flashtrace: a blocking channel makes the app wait, not discard.
export LTTNG_UST_ALLOW_BLOCKING=1
scratch lttng-bench  # its EXIT trap is replaced by cleanup below, which removes $work too
session="ftbench$$"
started=""
cleanup() {
    lttng destroy "$session" >/dev/null 2>&1 || true
    # Only the daemon this script started (its pid file: /run/lttng for root, ~/.lttng otherwise).
    [ -n "$started" ] && kill "$started" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "no session:"
"$dev" bench "$n"

if ! lttng list >/dev/null 2>&1; then
    lttng-sessiond --daemonize --no-kernel
    rundir=$([ "$(id -u)" = 0 ] && echo /run/lttng || echo "${LTTNG_HOME:-$HOME}/.lttng")
    started=$(cat "$rundir/lttng-sessiond.pid")
fi
lttng create "$session" --output="$work/ctf" >/dev/null
lttng enable-channel --userspace --session="$session" --subbuf-size=4M --num-subbuf=16 \
    --blocking-timeout=1000000 flashtrace >/dev/null
lttng enable-event --userspace --session="$session" --channel=flashtrace 'flashtrace:*' >/dev/null
lttng start "$session" >/dev/null
echo "recording (session $session):"
# Three rounds, the two sides alternating, best of each: the consumer daemon writing the buffers
# out competes for the CPU, so single runs vary by tens of percent (keep the machine quiet).
swift=1e9 c=1e9
for round in 1 2 3; do
    c_line=$(tracepoints/bench-c "$n" "$FLASHTRACE_TP_LIB"); echo "$c_line"
    swift_line=$("$dev" bench "$n"); echo "$swift_line"
    c=$(awk -v a="$c" -v b="$(sed -n 's/.*C loop \([0-9.]*\) ns.*/\1/p' <<<"$c_line")" 'BEGIN { print (b < a ? b : a) }')
    swift=$(awk -v a="$swift" -v b="$(sed -n 's/.*loop+emit \([0-9.]*\) ns.*/\1/p' <<<"$swift_line")" 'BEGIN { print (b < a ? b : a) }')
done
lttng stop "$session" 2>&1 | grep -i "discarded" || true
echo "best: flashtrace (record + emit) $swift ns/event, C loop $c ns/event"
echo "flashtrace (record + emit) / C loop: $(awk -v s="$swift" -v c="$c" 'BEGIN { printf "%.2f", s / c }')x (bar: 1.1x)"
