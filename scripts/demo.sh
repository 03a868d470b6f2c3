#!/usr/bin/env bash
# The main job on the built-in default: install what is missing, build, record the default
# scenario (an EDK2-style variable-store update on the virt machine's flash1), replay it and
# print the report. Outputs go to ./demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --release
mkdir -p demo
.build/release/flashtrace record -o demo/flashtrace.jsonl --force
.build/release/flashtrace replay demo/flashtrace.jsonl
