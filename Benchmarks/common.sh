# Sourced by the benchmark scripts (compare.sh, scaling.sh, lttng.sh): strict mode, the
# repository root as working directory, and the checks and scratch folder each of them needs.
# A missing prerequisite exits 69 (EX_UNAVAILABLE) with what to run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench=$(basename "$0")
ft=.build/release/flashtrace

# need_built FILE: a release build product.
need_built() { [ -x "$1" ] || { echo "$bench: build first: scripts/setup.sh --release" >&2; exit 69; }; }
# need_tool COMMAND HOW-TO-INSTALL
need_tool() { command -v "$1" >/dev/null || { echo "$bench: $1 missing: $2" >&2; exit 69; }; }
# scratch NAME: $work, a fresh folder under $TMPDIR (or /tmp), removed on exit unless the
# script replaces the EXIT trap (it must then remove $work itself).
scratch() {
    work=$(mktemp -d "${TMPDIR:-/tmp}/flashtrace-$1.XXXXXX")
    trap 'rm -rf "$work"' EXIT
}
