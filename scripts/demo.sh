#!/usr/bin/env bash
# README command one: install dependencies, build, and run the demo (sim/demo.sh).
# Arguments go to sim/demo.sh, e.g. `scripts/demo.sh --jumbo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${VXSN_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target vxsnd vxsnctl
exec sim/demo.sh --build "$build" "$@"
