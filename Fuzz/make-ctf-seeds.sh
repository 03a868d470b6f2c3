#!/usr/bin/env bash
# Records the fuzz-ctf seeds (Fuzz/seeds/ctf/) from real LTTng-UST sessions: run as root (a
# private mount namespace with its own lttng-sessiond, as Tests/LTTngTests do), with the release
# flashtrace and the probe library built.
#   Fuzz/make-ctf-seeds.sh [FLASHTRACE] [PROBE_LIBRARY]
# Sessions: `full` (every flashtrace:* event), `tiny` (a 2 x 4 KiB channel and --repeat 200, so
# packets carry discarded events) and `three` (only io_read, io_write and device_config enabled).
# lttng-ust 2.13 still writes `three` with the large event header, so `compact-header` is its
# metadata declaring event_header_compact over the same streams (the compact path is reached,
# its events do not decode). Stream files are cut to whole packets so each seed stays below
# fuzz.sh's 64 KiB -max_len. Seed format: see Fuzz/Sources/FuzzHarness/CTFDriver.swift.
set -euo pipefail

fuzz="$(cd "$(dirname "$0")" && pwd)"
ft="${1:-$fuzz/../.build/release/flashtrace}"
lib="${2:-$fuzz/../tracepoints/libflashtrace-tp.so}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "set -u" >"$tmp/record.sh"
cat "$fuzz/../scripts/private-sessiond.sh" >>"$tmp/record.sh"
cat >>"$tmp/record.sh" <<SCRIPT
export LTTNG_HOME=\$(mktemp -d)
cd '$tmp'
export FLASHTRACE_TP_LIB='$lib'
timeout 60 lttng-sessiond --daemonize --no-kernel || exit 1
lttng create full --output='$tmp/full' >/dev/null
lttng enable-event -u 'flashtrace:*' >/dev/null
lttng start full >/dev/null
timeout 120 '$ft' record --sink both --scenario edk2-varstore-update -o full.jsonl --force || exit 1
lttng stop full >/dev/null; lttng destroy full >/dev/null
lttng create tiny --output='$tmp/tiny' >/dev/null
lttng enable-channel -u -s tiny tiny --subbuf-size=4096 --num-subbuf=2 >/dev/null
lttng enable-event -u -s tiny -c tiny 'flashtrace:*' >/dev/null
lttng start tiny >/dev/null
timeout 120 '$ft' record --sink both --scenario edk2-varstore-update --repeat 200 -o tiny.jsonl --force || exit 1
lttng stop tiny >/dev/null; lttng destroy tiny >/dev/null
lttng create three --output='$tmp/three' >/dev/null
for e in io_read io_write device_config; do lttng enable-event -u "flashtrace:\$e" >/dev/null; done
lttng start three >/dev/null
timeout 120 '$ft' record --sink both --scenario edk2-varstore-update -o three.jsonl --force || exit 1
lttng stop three >/dev/null; lttng destroy three >/dev/null
SCRIPT
timeout 500 unshare -m --propagation private bash -u "$tmp/record.sh" >"$tmp/record.log" 2>&1 \
    || { cat "$tmp/record.log" >&2; exit 1; }

mkdir -p "$fuzz/seeds/ctf"
python3 - "$tmp" "$fuzz/seeds/ctf" <<'PY'
import glob, os, struct, sys
tmp, out = sys.argv[1], sys.argv[2]

def trace(name):
    d = glob.glob(f"{tmp}/{name}/ust/uid/*/64-bit")[0]
    files = sorted(f for f in os.listdir(d) if f != "metadata" and os.path.isfile(f"{d}/{f}"))
    return d, [open(f"{d}/{f}", "rb").read() for f in files]

def tsdl(raw):  # packetized metadata (CTF 1.8 section 7.1) to its text
    text, at = b"", 0
    while at + 37 <= len(raw):
        content, packet = struct.unpack_from("<II", raw, at + 24)
        text += raw[at + 37:at + content // 8]
        at += packet // 8
    return text

def packets(data, n, last=False):  # the first (or last) n packets; packet_size after 32 + 24 bytes
    starts, at = [], 0
    while at < len(data):
        starts.append(at)
        at += struct.unpack_from("<Q", data, at + 56)[0] // 8
    starts.append(len(data))
    k = len(starts) - 1
    a, b = (starts[max(0, k - n)], len(data)) if last else (0, starts[min(n, k)])
    return data[a:b]

def seed(name, metadata, s0, s1=None):
    body = s0 + (s1 or b"")
    blob = struct.pack("<H", len(metadata)) + metadata + struct.pack("<H", len(s0) if s1 else 0xFFFF) + body
    assert len(blob) <= 65536, (name, len(blob))
    open(f"{out}/{name}", "wb").write(blob)
    print(f"{name}: {len(blob)} bytes")

d, (f0, f1) = trace("full")
raw = open(f"{d}/metadata", "rb").read()
seed("full-plain", tsdl(raw), packets(f0, 2), packets(f1, 1))
seed("full-packetized", raw, packets(f0, 1), packets(f1, 1))
seed("full-one-stream", tsdl(raw), packets(f0, 3))
seed("metadata-only", tsdl(raw), b"")
d, (t0, t1) = trace("tiny")
seed("tiny-discarded", tsdl(open(f"{d}/metadata", "rb").read()), packets(t0, 6), packets(t1, 1))
seed("tiny-discarded-late", tsdl(open(f"{d}/metadata", "rb").read()), packets(t0, 6, last=True))
d, (c0, c1) = trace("three")
raw = open(f"{d}/metadata", "rb").read()
seed("three-events", tsdl(raw), packets(c0, 1), packets(c1, 2))
seed("three-events-packetized", raw, packets(c0, 1), packets(c1, 2))
seed("compact-header", tsdl(raw).replace(b"event.header := struct event_header_large;",
                                         b"event.header := struct event_header_compact;"), packets(c0, 1), packets(c1, 2))
PY
