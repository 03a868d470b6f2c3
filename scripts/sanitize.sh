#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer and ThreadSanitizer (issue 7): the parallel
# replay (--jobs), the LTTng sink and every CLI test included (the flashtrace binary the CLI
# tests start is built with the same sanitizer). Each sanitizer has its own scratch path so
# neither rebuilds the other's objects.
#
#   scripts/sanitize.sh                    both, one after the other
#   scripts/sanitize.sh address|thread     one
#   scripts/sanitize.sh thread --filter CLITests    extra arguments go to `swift test`
#
# Logs: .build-sanitize-SANITIZER/test.log. Exit status: non-zero when a test fails or a
# sanitizer reports (ASan aborts the process; TSan makes it exit 66 at the end). The LTTng tests
# also fail on any sanitizer output of the recording (lttng-ust's helper processes included).
# CPU is scarce? Run it as `nice -n 10 scripts/sanitize.sh`.
#
# No suppressions and no TSan flags are needed. Under TSan, flashtrace loads the LTTng probes on
# a thread of its own and, once they are loaded, exits before library destructors run: the only
# two accommodations, both for TSan's ignore bookkeeping around lttng-ust's constructor (which
# forks) and destructor (which cancels its listener threads), never for a race; the why is in
# Sources/CFlashTracepoints/tracepoints.c. Other builds are unaffected.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
which=("address" "thread")
if [[ "${1:-}" == "address" || "${1:-}" == "thread" ]]; then which=("$1"); shift; fi

# Swift's own crash handler would run inside the sanitizer's and garble its report.
export SWIFT_BACKTRACE=enable=no
# Leak checking is off: the Swift runtime's metadata caches live for the process and are
# reported as leaks by some toolchains; memory errors still abort.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}"

failed=0
for s in "${which[@]}"; do
    scratch="$root/.build-sanitize-$s"
    mkdir -p "$scratch"
    log="$scratch/test.log"
    echo "sanitize.sh: swift test --sanitize=$s $* (log $log)"
    start=$(date +%s)
    status=0
    swift test --scratch-path "$scratch" --sanitize="$s" "$@" >"$log" 2>&1 || status=$?
    # Report lines: ASan's, TSan's race/deadlock warnings and its other aborts ("ThreadSanitizer:
    # ... finished with ignores enabled", "ThreadSanitizer: reported N warnings").
    pattern="^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread)Sanitizer|ThreadSanitizer: )"
    reports=$(grep -c -E "$pattern" "$log" || true)
    # "Executed 1 test" with a --filter for one; `|| true`: no summary must not end the script.
    summary=$(grep -E "Executed [0-9]+ tests?," "$log" | tail -1 | sed 's/^[[:space:]]*//' || true)
    echo "sanitize.sh: $s: status $status, $reports sanitizer report lines, ${summary:-no XCTest summary}, $(( $(date +%s) - start )) s"
    if [[ $status -ne 0 || $reports -ne 0 ]]; then
        failed=1
        grep -E -A12 "$pattern" "$log" | head -60 || true
        grep -E "error: .*(failed|XCT)" "$log" | head -20 || true
    fi
done
exit $failed
