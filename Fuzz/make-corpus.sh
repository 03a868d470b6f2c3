#!/usr/bin/env bash
# Regenerates the seed corpora Fuzz/corpus/TARGET/ from the golden cases, the examples and
# slices of the real boot traces (kept small: fuzz.sh sets max_len to 8 KiB, so seeds are cut to 4 KB at
# line boundaries). Hand-written edge cases live in Fuzz/seeds/TARGET/ and are copied as they are.
#   Fuzz/make-corpus.sh PATH/TO/flashtrace [GOLDEN_DIR] [TRACES_DIR]
set -euo pipefail

ft="${1:?usage: make-corpus.sh FLASHTRACE [GOLDEN_DIR] [TRACES_DIR]}"
golden="${2:-$(dirname "$0")/../../shared/golden}"
traces="${3:-$(dirname "$0")/../../shared/traces}"
fuzz="$(cd "$(dirname "$0")" && pwd)"
corpus="$fuzz/corpus"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

rm -rf "$corpus"
mkdir -p "$corpus"/{jsonlines,qemulog,opscript,devicespec,model,replay,ctf}

# slice FILE OUT_PREFIX COUNT [KEEP_HEADER]: COUNT windows of at most 4 KB, whole lines each;
# with KEEP_HEADER the file's first line starts every window (JSON lines need their header).
slice() {
    local file="$1" prefix="$2" count="$3" header="${4:-}"
    local lines; lines=$(wc -l <"$file")
    local k
    for ((k = 0; k < count; k++)); do
        local start=$(( 2 + (lines - 2) * k / count ))
        {
            [[ -n "$header" ]] && head -1 "$file"
            # head closes the pipe early on purpose; tail's SIGPIPE is not a failure here.
            tail -n +"$start" "$file" | head -c 4000 | sed '$d' || true
        } >"$prefix-$k"
    done
}

for ops in "$golden"/*.ops "$fuzz"/../examples/*.ops; do
    name="$(basename "$ops" .ops)"
    head -c 4000 "$ops" >"$corpus/opscript/$name.ops"
    grep '^# device:' "$ops" | sed 's/^# device: *//' >"$corpus/devicespec/$name.spec" || rm "$corpus/devicespec/$name.spec"
    "$ft" record -q --ops "$ops" -o "$tmp/$name.jsonl" --force
    slice "$tmp/$name.jsonl" "$corpus/jsonlines/$name" 2 header
done
for log in "$golden"/*.qemu.log; do
    slice "$log" "$corpus/qemulog/$(basename "$log" .qemu.log)" 2
done
for dir in "$traces"/*/; do
    name="$(basename "$dir")"
    xz -dc "$dir/trace.log.xz" >"$tmp/$name.log"
    slice "$tmp/$name.log" "$corpus/qemulog/$name" 12
    "$ft" convert "$tmp/$name.log" -o "$tmp/$name.jsonl" --force 2>/dev/null
    slice "$tmp/$name.jsonl" "$corpus/jsonlines/$name" 12 header
done
for d in "$fuzz"/seeds/*/; do cp "$d"* "$corpus/$(basename "$d")/"; done
cp "$corpus"/jsonlines/* "$corpus/replay/"  # replay reads the same traces, to the end
du -sh "$corpus"/*
