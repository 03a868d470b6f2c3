#!/usr/bin/env bash
# Installs what the tests need (QEMU, AAVMF/OVMF images, ...), builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
swift test
