#!/usr/bin/env bash
# Installs what flashtrace needs on Debian 12 (idempotent: only missing packages are installed)
# and builds it. Usage: scripts/setup.sh [--tests] [--release] [--no-build]
#   --tests    also the packages the test suite uses (QEMU and firmware images for the
#              model-vs-QEMU comparisons and real boots)
#   --release  build with -c release
#   --no-build only install (scripts/package-deb.sh builds its own way)
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0; config=debug; build=1
for arg in "$@"; do
    case "$arg" in
        --tests) tests=1 ;;
        --release) config=release ;;
        --no-build) build=0 ;;
        *) echo "setup.sh: unknown option $arg (expected --tests, --release or --no-build)" >&2; exit 64 ;;
    esac
done

# Build dependencies first (the LTTng call sites and the CTF reader need the two -dev packages'
# headers; flashtrace loads the libraries only when asked to use them), then what tests use:
# QEMU and firmware for the model-vs-QEMU comparisons and real boots, LTTng's tools and
# babeltrace2 for the CTF tests, jsonschema for SARIF, chromium for the HTML screenshot.
packages=(xz-utils make gcc liblttng-ust-dev libbabeltrace2-dev)
if [ "$tests" = 1 ]; then
    packages+=(qemu-system-arm qemu-system-x86 qemu-efi-aarch64 ovmf u-boot-qemu expect python3-jsonschema chromium
               lttng-tools babeltrace2 util-linux)
fi

source scripts/apt-missing.sh  # cwd: the repository root
install_missing setup "${packages[@]}"

if ! command -v swift >/dev/null; then
    for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
command -v swift >/dev/null || { echo "setup: the Swift toolchain is not on PATH" >&2; exit 69; }

# QEMU 10.0.2 beside the system's 7.2.22 (a private prefix, from bookworm-backports): the
# conformance suite and the live boots run on both.
if [ "$tests" = 1 ]; then
    scripts/qemu-10.sh >/dev/null
fi

[ "$build" = 1 ] || exit 0
# Every product: flashtrace and, beside it, libflashtrace-tp.so, the LTTng probe library that
# `record --sink lttng|both` loads (Package.swift's flashtrace-tp, built from tracepoints/).
echo "setup: building ($config)" >&2
swift build -c "$config" >&2
