#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (fuzzer + address sanitizer) and runs them on their
# corpora for a given time (issue 7).
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]   one target
#   scripts/fuzz.sh all SECONDS                           every target, JOBS at a time (default 1)
#   RUNS=10000000 JOBS=2 scripts/fuzz.sh all 3600         each until 10 million runs or an hour
#   TARGETS="model replay" scripts/fuzz.sh all 600        some of them
#   scripts/fuzz.sh build                                 only build
#   scripts/fuzz.sh list                                  the targets
#
# Targets: jsonlines qemulog opscript devicespec model replay ctf records varstore.
# The committed seeds are Fuzz/corpus/TARGET/ (read only here); what the fuzzer finds goes to
# Fuzz/.build-fuzz/corpus/TARGET/, crashes and hangs to Fuzz/.build-fuzz/artifacts/TARGET/,
# the log to Fuzz/.build-fuzz/logs/TARGET.log. A crash makes the script exit non-zero: minimise
# it (`fuzz-TARGET -minimize_crash=1 FILE`), fix it, and add it under Fuzz/regressions/TARGET/,
# which HostileInputTests replays on every test run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/Fuzz"
work="$fuzz/.build-fuzz"
targets=(jsonlines qemulog opscript devicespec model replay ctf records varstore)
# TARGETS="model replay" limits `all` to some of them.
read -r -a selected <<<"${TARGETS:-${targets[*]}}"

build() {
    # -parse-as-library: no Swift main; each target defines <module>_main and calls libFuzzer.
    # ld.gold's warning about an ASan-internal symbol is harmless noise; a failed build is not
    # (stale binaries would fuzz old code).
    mkdir -p "$work"
    # SwiftPM re-plans a path dependency only when the root manifest changes; without this a new
    # source file in the main package would be missing from the build.
    touch "$fuzz/Package.swift"
    local status=0
    # -Xcc: the C targets (the native CTF decoder in CCTFReader) get coverage and ASan too;
    # without it fuzz-ctf would mutate blindly and miss every out-of-bounds read in the C code.
    swift build -c release --package-path "$fuzz" --scratch-path "$work" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        -Xcc -fsanitize=fuzzer-no-link,address >"$work/build.log" 2>&1 || status=$?
    grep -v "Cannot export local symbol '__asan_extra_spill_area'" "$work/build.log" | tail -20 || true
    [[ $status -eq 0 ]] || { echo "fuzz.sh: build failed (see $work/build.log)" >&2; exit 1; }
    for t in "${targets[@]}"; do
        [[ -x "$work/release/fuzz-$t" ]] || { echo "fuzz.sh: fuzz-$t was not built" >&2; exit 1; }
    done
}

run() {
    local target="$1" seconds="$2"; shift 2
    local bin="$work/release/fuzz-$target"
    local dict="$fuzz/dict/$target.dict"
    mkdir -p "$work/corpus/$target" "$work/artifacts/$target" "$work/logs"
    local log="$work/logs/$target.log"
    # A CTF input is a whole trace (metadata and stream packets of 4 KiB): 64 KiB.
    local max_len=8192
    [[ $target == ctf ]] && max_len=65536
    local flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len"
                 -print_final_stats=1 -artifact_prefix="$work/artifacts/$target/")
    [[ -f "$dict" ]] && flags+=(-dict="$dict")
    # RUNS=N stops a target after N executions, or at SECONDS, whichever comes first.
    [[ -n "${RUNS:-}" ]] && flags+=(-runs="$RUNS")
    echo "fuzz.sh: $target for ${seconds}s (log $log)"
    local status=0
    # Swift's own crash handler would run inside ASan's and obscure the report: leave it to libFuzzer.
    # No allocation stacks while fuzzing (unwinding on every malloc halves the speed of the
    # allocating targets); rerun the binary on an artifact to get them.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0}" \
        "$bin" "${flags[@]}" "$@" "$work/corpus/$target" "$fuzz/corpus/$target" >"$log" 2>&1 || status=$?
    local runs; runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    local rate; rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [[ $status -ne 0 ]]; then
        echo "fuzz.sh: $target FAILED (status $status) after ${runs:-?} executions; see $log" >&2
        echo "$(date -u +%FT%TZ) $target ${runs:-?} executions FAILED (status $status)" >>"$work/logs/summary.txt"
        grep -E "^(==[0-9]+==|SUMMARY|Fatal error|.*fuzz oracle)" "$log" | head -5 >&2 || true
        return 1
    fi
    echo "fuzz.sh: $target: ${runs:-?} executions, ${rate:-?}/s, no crash or hang"
    # Logs are per run; the summary keeps every run's count.
    echo "$(date -u +%FT%TZ) $target ${runs:-?} executions ${rate:-?}/s max ${seconds}s ok" >>"$work/logs/summary.txt"
}

case "${1:-}" in
    build) build ;;
    list) printf '%s\n' "${targets[@]}" ;;
    all)
        seconds="${2:?usage: fuzz.sh all SECONDS}"
        build
        jobs="${JOBS:-1}" failed=0 running=0
        for t in "${selected[@]}"; do
            run "$t" "$seconds" &
            running=$((running + 1))
            # Start the next target as soon as any one finishes.
            if (( running >= jobs )); then wait -n || failed=1; running=$((running - 1)); fi
        done
        while (( running > 0 )); do wait -n || failed=1; running=$((running - 1)); done
        exit $failed ;;
    "" | -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
    *)
        target="$1"; seconds="${2:?usage: fuzz.sh TARGET SECONDS}"; shift 2
        [[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target $target (${targets[*]})" >&2; exit 64; }
        build
        run "$target" "$seconds" "$@" ;;
esac
