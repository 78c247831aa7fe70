#!/usr/bin/env bash
# Anycast failover demo: three vxsnd nodes announce one service address over BGP (FRR),
# each through vxsn-health; the router spreads the VTEPs' floods over them (ECMP). The
# nodes replicate their flood table over HA: only node 1 has the VTEPs in its config.
# Shows node 2's replicated (peer) members and `vxsnctl top` of every node while a tenant
# floods, kills the busiest node with kill -9, shows the router withdrawing it while the
# tenants keep pinging through the others, prints the interruption, restarts the node and
# shows it back in the cluster's live view.
# Removes everything at the end (also after a failure or Ctrl-C).
#
#   sim/anycast/failover-demo.sh [--build DIR] [--nodes N] [--no-bfd]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
nodes=3
extra=()
while (($#)); do
  case $1 in
    --build) build=$2; shift ;;
    --nodes) nodes=$2; shift ;;
    --no-bfd) extra+=(--no-bfd) ;;
    *) echo "usage: $0 [--build DIR] [--nodes N] [--no-bfd]" >&2; exit 2 ;;
  esac
  shift
done
build=$(cd "$build" && pwd)
for b in host/daemon/vxsnd host/health/vxsn-health host/ctl/vxsnctl; do
  [[ -x $build/$b ]] || { echo "demo: $build/$b not built" >&2; exit 1; }
done

prefix=vxfo
ac=("$here/anycast.sh" --prefix "$prefix" --build "$build")
ping_log=$(mktemp /tmp/vxsn-failover-ping-XXXXXX)
ping_pid=
cleanup() {
  [[ -n $ping_pid ]] && kill -INT "$ping_pid" 2>/dev/null
  "${ac[@]}" down || true
  rm -f "$ping_log"
}
trap cleanup EXIT

now_ms() { local t=${EPOCHREALTIME/./}; echo "${t:0:-3}"; } # no fork: polled every 10 ms
router_hops() { # the router's next hops to the anycast address, one line
  ip -n "$AC_ROUTER_NS" route show "$AC_ANYCAST/32" | grep -o 'via [0-9.]*' | awk '{ print $2 }' | xargs
}
rx_frames() { # node K's received frames from its stats file
  python3 -c "import json; print(json.load(open('$AC_STATE_DIR/node$1/stats.json'))['rx_frames'])" 2>/dev/null || echo 0
}
wait_for() { # wait_for SECONDS COMMAND...: polls every 10 ms
  local deadline=$(($(now_ms) + $1 * 1000))
  shift
  until "$@"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.01
  done
}
top_of_cluster() { # `vxsnctl top --once` of every node that answers
  local k
  for ((k = 1; k <= nodes; k++)); do
    echo "   -- node $k: vxsnctl top --once"
    ctl "$k" top --once --vnis 3 --interval-ms 500 2>&1 | sed 's/^/     /' || echo "     (not answering)"
  done
}
hop_count_is() { [[ $(router_hops | wc -w) -eq $1 ]]; }
ctl() { local k=$1; shift; "$build/host/ctl/vxsnctl" -s "$AC_STATE_DIR/node$k/vxsnd.sock" "$@"; }
peer_members() { # node K lists N members of VNI V, every one replicated from a peer
  [[ $(ctl "$1" vtep list "$3" 2>/dev/null | awk 'NR > 1 && $2 == "peer"' | wc -l) -eq $2 ]]
}
peer_state_is() { [[ $(ctl "$1" peers 2>/dev/null | awk -v n="$2" '$1 == n { print $3 }') == "$3" ]]; }
hop_missing() { [[ $(ip -n "$AC_ROUTER_NS" route show "$AC_ANYCAST/32") != *"via $1 "* ]]; }

echo "== building: $nodes service nodes behind a router, FRR (zebra, bgpd, bfdd) in each namespace"
"${ac[@]}" up --nodes "$nodes" --vteps 3 --vnis 1 "${extra[@]}"
# shellcheck disable=SC1090
source <("${ac[@]}" env)
for ((k = 1; k <= nodes; k++)); do "${ac[@]}" start-node "$k"; done
echo "== waiting for every vxsnd to report healthy and be announced"
wait_for 30 hop_count_is "$nodes" || { "${ac[@]}" status; exit 1; }
echo "== router $AC_ROUTER_NS: route to the anycast service address $AC_ANYCAST"
ip -n "$AC_ROUTER_NS" route show "$AC_ANYCAST/32" | sed 's/^/   /'
"${ac[@]}" status | sed 's/^/   /'

read -r -a ns100 <<<"$VXSN_TB_TENANT_NS_100"
read -r -a ip100 <<<"$VXSN_TB_TENANT_IPS_100"
echo "== tenants of VNI 100 ping each other through the nodes"
for i in "${!ns100[@]}"; do
  for j in "${!ip100[@]}"; do
    ((i == j)) && continue
    ip netns exec "${ns100[$i]}" ping -c1 -W2 "${ip100[$j]}" >/dev/null &&
      echo "   ${ns100[$i]} -> ${ip100[$j]}: ok" || echo "   ${ns100[$i]} -> ${ip100[$j]}: FAILED"
  done
done

read -r -a vteps <<<"$VXSN_TB_VTEP_IPS"
echo "== node 2 holds the table only through HA replication from node 1"
wait_for 30 peer_members 2 "${#vteps[@]}" 100 || echo "   node 2 has NOT replicated every VTEP"
echo "   vxsnctl peers (node 2):"
ctl 2 peers | sed 's/^/     /'
echo "   vxsnctl vtep list 100 (node 2):"
ctl 2 vtep list 100 | sed 's/^/     /'

echo "== ${ns100[0]} pings ${ip100[1]} every 10 ms from now on"
ip netns exec "${ns100[0]}" ping -D -n -i 0.01 -W 1 "${ip100[1]}" >"$ping_log" 2>&1 &
ping_pid=$!
declare -a before
for ((k = 1; k <= nodes; k++)); do before[k]=$(rx_frames "$k"); done
sleep 1
victim=1 busiest=-1
for ((k = 1; k <= nodes; k++)); do
  n=$(($(rx_frames "$k") - before[k]))
  echo "   node $k received $n frames in 1 s"
  ((n > busiest)) && busiest=$n victim=$k
done
survivor=$((victim == 1 ? 2 : 1))
echo "== the cluster while the tenant floods"
top_of_cluster

victim_hop=10.98.$victim.2
echo "== kill -9 the vxsnd of node $victim, the busiest$( ((victim == 1)) && echo ", the only one with the VTEPs in its config")"
t0=$(now_ms)
"${ac[@]}" signal-node "$victim" KILL
if wait_for 10 hop_missing "$victim_hop"; then
  echo "   withdrawn from the router after $(($(now_ms) - t0)) ms"
else
  echo "   NOT withdrawn after 10 s"
fi
ip -n "$AC_ROUTER_NS" route show "$AC_ANYCAST/32" | sed 's/^/   /'
grep -h 'DOWN' "$AC_STATE_DIR/node$victim/health.log" | tail -1 | sed 's/^/   vxsn-health | /'
sleep 1.5
echo "== the cluster without node $victim, the tenant still flooding"
top_of_cluster
kill -INT "$ping_pid"
wait "$ping_pid" || true
ping_pid=
python3 - "$ping_log" "$t0" <<'PY'
import re, sys
times = [float(m.group(1)) for m in map(re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from").match, open(sys.argv[1])) if m]
sent = int((re.search(r"(\d+) packets transmitted", open(sys.argv[1]).read()) or [0, 0])[1])
killed = int(sys.argv[2]) / 1000
gaps = [b - a for a, b in zip(times, times[1:]) if b > killed - 1]
gap = max(gaps, default=0) - 0.010
after = sum(1 for t in times if t > killed)
print(f"   {after} replies after the kill; flooding interrupted for {max(gap, 0) * 1000:.0f} ms "
      f"(longest gap between replies less the interval); {sent - len(times)} of {sent} echoes lost")
PY
echo "== node $victim is dead; node $survivor still serves what the cluster replicated"
# After dead_interval_ms (600 ms) of silence the survivors report the victim down.
wait_for 10 peer_state_is "$survivor" "$AC_PREFIX-n$victim" down ||
  echo "   node $survivor does NOT report node $victim down"
ctl "$survivor" peers | sed 's/^/     /'
ctl "$survivor" vtep list 100 | sed 's/^/     /'
for i in "${!ns100[@]}"; do
  for j in "${!ip100[@]}"; do
    ((i == j)) && continue
    ip netns exec "${ns100[$i]}" ping -c1 -W2 "${ip100[$j]}" >/dev/null &&
      echo "   ${ns100[$i]} -> ${ip100[$j]}: ok" || echo "   ${ns100[$i]} -> ${ip100[$j]}: FAILED"
  done
done

echo "== restarting the vxsnd of node $victim"
t0=$(now_ms)
"${ac[@]}" start-node "$victim"
if wait_for 30 hop_count_is "$nodes"; then
  echo "   announced again after $(($(now_ms) - t0)) ms (vxsnd start, then 3 healthy samples)"
else
  echo "   NOT announced again after 30 s"
fi
ip -n "$AC_ROUTER_NS" route show "$AC_ANYCAST/32" | sed 's/^/   /'
echo "   vxsnctl peers (node $victim after its restart):"
ctl "$victim" peers | sed 's/^/     /'
echo "== the cluster with node $victim back"
top_of_cluster
if ip netns exec "${ns100[0]}" ping -c1 -W2 "${ip100[1]}" >/dev/null; then
  echo "== done: tenants reach each other"
else
  echo "== tenants do NOT reach each other" && exit 1
fi
