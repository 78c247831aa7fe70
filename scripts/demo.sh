#!/usr/bin/env bash
# README command one: install dependencies, build, and run the demo (sim/demo.sh).
# Arguments go to sim/demo.sh, e.g. `scripts/demo.sh --jumbo`.
# `scripts/demo.sh --failover [args]` runs the anycast failover demo instead
# (sim/anycast/failover-demo.sh: three nodes behind a BGP router, one killed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${VXSN_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if [[ ${1:-} == --failover ]]; then
  shift
  cmake --build "$build" -j2 --target vxsnd vxsn-health
  exec sim/anycast/failover-demo.sh --build "$build" "$@"
fi
cmake --build "$build" -j2 --target vxsnd vxsnctl
exec sim/demo.sh --build "$build" "$@"
