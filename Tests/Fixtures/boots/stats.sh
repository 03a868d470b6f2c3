#!/bin/sh
# Summarises one QEMU pflash trace log (plain or .xz): events per device, events per
# device and trace point, and per device the last byte touched by a pflash_io_write (any
# write cycle: commands too), by a pflash_data_write / pflash_data_write_block (bytes the
# device programmed) and by a block erase.
# Usage: sh stats.sh TRACE.log[.xz]
set -eu
case "$1" in *.xz) cat_="xz -dc" ;; *) cat_=cat ;; esac
$cat_ "$1" | awk '
function hex(s,   i, c, v) {
    v = 0; s = tolower(s); sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); v = v * 16 + c - 1 }
    return v
}
$1 ~ /(^|:)pflash_/ {
    ev = $1; sub(/^.*:/, "", ev); dev = $2; sub(/:$/, "", dev)
    n[dev]++; ne[dev " " ev]++
    if (ev == "pflash_io_write" || ev == "pflash_data_write" || ev == "pflash_data_write_block") {
        off = ""; size = 1
        for (i = 3; i <= NF; i++) {
            if ($i ~ /^offset:/) { off = hex(substr($i, 8)) }
            if ($i ~ /^size:/) { size = substr($i, 6) + 0 }
        }
        end = off + size - 1
        if (!((dev " " ev) in hi) || end > hi[dev " " ev]) hi[dev " " ev] = end
    }
    if (ev == "pflash_write_block_erase") {
        for (i = 3; i <= NF; i++) {
            if ($i ~ /^offset:/) off = hex(substr($i, 8))
            if ($i ~ /^bytes:/) b = hex(substr($i, 7))
        }
        end = off + b - 1
        if (!((dev " erase") in hi) || end > hi[dev " erase"]) hi[dev " erase"] = end
    }
}
END {
    for (d in n) printf "%s: %d events\n", d, n[d]
    for (k in ne) printf "  %s %d\n", k, ne[k]
    for (k in hi) printf "  highest %s: 0x%x\n", k, hi[k]
}' | sort
