#!/usr/bin/env bash
# Whole-process throughput of flashtrace against babeltrace2 on the same events.
# Records one large trace (the default scenario --repeat N) through both sinks, converts it to
# QEMU-log text, then times (median of RUNS runs each):
#   flashtrace replay TRACE.jsonl (as is, and on one thread: --jobs 1)
#   flashtrace replay TRACE.log     flashtrace replay CTF-FOLDER
#   babeltrace2 -c sink.utils.dummy CTF-FOLDER   (decode only)
# and the recording itself (JSON lines only, and JSON + LTTng). Prints events/s and the ratios.
# Usage: Benchmarks/compare.sh [REPEAT=20000] [RUNS=5]      (run as root: it starts a session daemon)
source "$(dirname "$0")/common.sh"
repeat=${1:-20000}
runs=${2:-5}
need_built "$ft"
need_tool babeltrace2 "scripts/setup.sh --tests"
scratch compare

now() { date +%s%N; }
# median of the run times (ns) of a command
timed() {
    local times=() t0 t1
    for _ in $(seq "$runs"); do
        t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
        times+=($((t1 - t0)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.2f", n / (t / 1e9) / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }

echo "recording the default scenario x $repeat ..." >&2
"$ft" record -q --repeat "$repeat" -o "$work/trace.jsonl" --force --sink both --lttng-session compare \
    --lttng-output "$work/ctf" >/dev/null
events=$(($(wc -l < "$work/trace.jsonl") - 1))
"$ft" convert "$work/trace.jsonl" --to qemu-log -o "$work/trace.log" --force -q
echo "events: $events" >&2

t_rec_json=$(timed "$ft" record -q --repeat "$repeat" -o "$work/again.jsonl" --force)
t_rec_null=$(timed "$ft" record -q --repeat "$repeat" -o /dev/null --force)
t_json=$(timed "$ft" replay -q "$work/trace.jsonl" --fail-on never)
t_json1=$(timed "$ft" replay -q --jobs 1 "$work/trace.jsonl" --fail-on never)
t_log=$(timed "$ft" replay -q "$work/trace.log" --fail-on never)
t_ctf=$(timed "$ft" replay -q "$work/ctf" --fail-on never)
t_bt=$(timed babeltrace2 -c sink.utils.dummy "$work/ctf")

printf '\n%-46s %12s %14s\n' "command (median of $runs)" "seconds" "M events/s"
row() { printf '%-46s %12s %14s\n' "$1" "$(awk -v t="$2" 'BEGIN{printf "%.3f", t/1e9}')" "$(rate "$events" "$2")"; }
row "flashtrace record -> JSON lines (file)" "$t_rec_json"
row "flashtrace record -> JSON lines (/dev/null)" "$t_rec_null"
row "flashtrace replay JSON lines" "$t_json"
row "flashtrace replay JSON lines, one thread" "$t_json1"
row "flashtrace replay QEMU log text" "$t_log"
row "flashtrace replay CTF folder" "$t_ctf"
row "babeltrace2 -c sink.utils.dummy (decode only)" "$t_bt"
echo
echo "record to JSON lines: $(awk -v t="$t_rec_null" -v n="$events" 'BEGIN{printf "%.0f", t/n}') ns/event to /dev/null, $(awk -v t="$t_rec_json" -v n="$events" 'BEGIN{printf "%.0f", t/n}') ns/event to a file"
echo "replay JSON lines / babeltrace2 decode: $(ratio "$t_json" "$t_bt")x (one thread: $(ratio "$t_json1" "$t_bt")x)"
echo "replay CTF / babeltrace2 decode:        $(ratio "$t_ctf" "$t_bt")x"
echo "replay QEMU log: $(rate "$events" "$t_log") M lines/s"
