#!/usr/bin/env bash
# How replay scales: memory against trace length, and `replay --jobs 2` against one trace after
# the other (issue 6). Whole-process figures of the release build.
#   memory: the default scenario recorded to 1 M and to 100 M events (about 11 GB of JSON
#           lines, written to a temporary directory and removed), the maximum resident set of
#           `flashtrace replay` on each (/usr/bin/time -f %M); the bar is "within 8 MiB".
#   jobs:   two traces of LARGE events each, replayed one after the other (each on one thread,
#           --jobs 1) and with --jobs 2.
# Usage: Benchmarks/scaling.sh [LARGE_EVENTS_MILLIONS=100] [JOBS_TRACE_MILLIONS=10]   (0: skip that part)
#        TMPDIR=/big/disk Benchmarks/scaling.sh         (needs about 120 MB per million events)
source "$(dirname "$0")/common.sh"
large=${1:-100}
jobsize=${2:-10}
need_built "$ft"
[ -x /usr/bin/time ] || { echo "$bench: /usr/bin/time missing (apt-get install time)" >&2; exit 69; }
scratch scaling

# The default scenario emits 207 events per repetition.
repeat_for() { echo $(( ($1 * 1000000 + 206) / 207 )); }
need=$(( (large + 2 * jobsize + 1) * 120 ))  # MB: about 115 bytes per event
free=$(df -Pm "$work" | awk 'NR == 2 { print $4 }')
if (( free < need )); then
    echo "$bench: $work has ${free} MB free, this run needs about ${need} MB (set TMPDIR or lower the sizes)" >&2
    exit 73
fi

rss() {  # max RSS in KB of `flashtrace replay -q TRACE`
    /usr/bin/time -f %M "$ft" replay -q "$1" --fail-on never 2>&1 >/dev/null | tail -1
}
seconds() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e9 }'; }

if (( large > 0 )); then
echo "recording 1 M and $large M events ..." >&2
"$ft" record -q --repeat "$(repeat_for 1)" -o "$work/small.jsonl"
small_events=$(($(wc -l < "$work/small.jsonl") - 2))
small_rss=$(rss "$work/small.jsonl")
rm -f "$work/small.jsonl"
"$ft" record -q --repeat "$(repeat_for "$large")" -o "$work/large.jsonl"
large_events=$(($(wc -l < "$work/large.jsonl") - 2))
large_rss=$(rss "$work/large.jsonl")
rm -f "$work/large.jsonl"
printf '%-34s %14s %14s\n' "replay memory" "events" "max RSS (KB)"
printf '%-34s %14s %14s\n' "default scenario, 1 M events" "$small_events" "$small_rss"
printf '%-34s %14s %14s\n' "default scenario, $large M events" "$large_events" "$large_rss"
echo "difference: $(( (large_rss - small_rss) / 1024 )) MiB ($(( large_rss - small_rss )) KB; bar: within 8 MiB)"
fi
(( jobsize > 0 )) || exit 0

echo "recording two traces of $jobsize M events ..." >&2
"$ft" record -q --repeat "$(repeat_for "$jobsize")" -o "$work/a.jsonl"
cp "$work/a.jsonl" "$work/b.jsonl"
"$ft" replay -q "$work/a.jsonl" >/dev/null 2>&1 || true  # warm the page cache
# --jobs 1: each on one thread (a single replay otherwise reads ahead on a second core).
seq_s=$(seconds bash -c "\"$ft\" replay -q --jobs 1 \"$work/a.jsonl\"; \"$ft\" replay -q --jobs 1 \"$work/b.jsonl\"")
par_s=$(seconds "$ft" replay -q "$work/a.jsonl" "$work/b.jsonl" --jobs 2)
echo
echo "two traces of $jobsize M events: one after the other ${seq_s} s, --jobs 2 ${par_s} s: $(awk -v a="$seq_s" -v b="$par_s" 'BEGIN { printf "%.2f", a / b }')x (bar: 1.7x)"
