#!/usr/bin/env bash
# The vxsn demo: real Linux VXLAN VTEPs in network namespaces whose BUM floods only reach
# each other through vxsnd. Builds the testbed, starts vxsnd in the service node's
# namespace, pings every tenant from every other tenant of the same VNI, prints the
# node's counters and removes everything again (also after a failure or Ctrl-C).
#
#   sim/demo.sh [--build DIR] [--vteps N] [--vnis M] [--jumbo] [--datapath software|emu]
#
# --datapath emu runs every frame through the card's kernels compiled for the CPU (EmuCard).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build
vteps=3 vnis=2 jumbo=0 datapath=software
while (($#)); do
  case $1 in
    --build) build=$2; shift ;;
    --vteps) vteps=$2; shift ;;
    --vnis) vnis=$2; shift ;;
    --jumbo) jumbo=1 ;;
    --datapath) datapath=$2; shift ;;
    *) echo "usage: $0 [--build DIR] [--vteps N] [--vnis M] [--jumbo] [--datapath MODE]" >&2; exit 2 ;;
  esac
  shift
done
vxsnd=$build/host/daemon/vxsnd
[[ -x $vxsnd ]] || { echo "demo: $vxsnd not built" >&2; exit 1; }

prefix=vxdemo
work=$(mktemp -d /tmp/vxsn-demo-XXXXXX)
testbed=("$here/testbed.sh" --prefix "$prefix")
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  "${testbed[@]}" down --kill || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building the testbed: $vteps Linux VTEPs, $vnis VNIs"
jumbo_arg=()
((jumbo)) && jumbo_arg=(--jumbo)
"${testbed[@]}" up --vteps "$vteps" --vnis "$vnis" "${jumbo_arg[@]}"
# shellcheck disable=SC1090
source <("${testbed[@]}" env)

# AF_XDP keeps ARP and SSH with the kernel but stops at 3.5 kB frames on a veth; the jumbo
# demo uses AF_PACKET with 16 kB frames, and nftables keeps the kernel from answering the
# VXLAN it also sees with ICMP port unreachable.
if ((jumbo)); then
  device="net_af_packet0,iface=$VXSN_TB_SN_IF,blocksz=16384,framesz=16384,framecnt=256"
  ip netns exec "$VXSN_TB_SN_NS" nft add table inet vxsn
  ip netns exec "$VXSN_TB_SN_NS" nft add chain inet vxsn input '{ type filter hook input priority 0; }'
  ip netns exec "$VXSN_TB_SN_NS" nft add rule inet vxsn input udp dport 4789 drop
else
  device="net_af_xdp0,iface=$VXSN_TB_SN_IF"
fi

members=$(printf '"%s", ' $VXSN_TB_VTEP_IPS)
{
  echo "[node]"
  echo "id = \"demo\""
  echo "service_addresses = [\"$VXSN_TB_SN_IP\"]"
  echo "[datapath]"
  echo "mode = \"$datapath\""
  echo "[[port]]"
  echo "device = \"$device\""
  for vni in $VXSN_TB_VNIS; do
    echo "[[vni]]"
    echo "id = $vni"
    echo "members = [${members%, }]"
  done
  echo "[log]"
  echo "stats_file = \"$work/stats.json\""
  echo "stats_interval_ms = 200"
  echo "[api]"
  echo "socket = \"$work/vxsnd.sock\""
} >"$work/vxsnd.toml"

echo "== vxsnd.toml"
sed 's/^/   /' "$work/vxsnd.toml"
echo "== starting vxsnd in $VXSN_TB_SN_NS"
ip netns exec "$VXSN_TB_SN_NS" "$vxsnd" --config "$work/vxsnd.toml" 2> >(sed 's/^/   vxsnd | /' >&2) &
pid=$!

for _ in $(seq 100); do
  [[ -s $work/stats.json ]] && python3 -c "
import json,sys; t=json.load(open('$work/stats.json'))['table']
sys.exit(0 if t['members'] and not t['unresolved'] else 1)" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "demo: vxsnd exited" >&2; exit 1; }
  sleep 0.2
done

size=56
((jumbo)) && size=8972
fails=0 total=0
for vni in $VXSN_TB_VNIS; do
  eval "nss=(\$VXSN_TB_TENANT_NS_$vni)" "ips=(\$VXSN_TB_TENANT_IPS_$vni)"
  echo "== VNI $vni: ping (${size}-byte payload) between every pair of tenants"
  for i in "${!nss[@]}"; do
    for j in "${!ips[@]}"; do
      ((i == j)) && continue
      total=$((total + 1))
      if ip netns exec "${nss[$i]}" ping -c 1 -W 3 -s "$size" -M do "${ips[$j]}" >/dev/null; then
        echo "   ${nss[$i]} -> ${ips[$j]}: ok"
      else
        echo "   ${nss[$i]} -> ${ips[$j]}: FAILED"
        fails=$((fails + 1))
      fi
    done
  done
done

sleep 0.5
echo "== vxsnd counters"
python3 - "$work/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"   datapath {s.get('datapath', 'software')}: received {s['rx_frames']} frames, sent {s['tx_copies']} copies")
if "card" in s:
    c = s["card"]
    print(f"   card: {c['backend']} on {c['device']}, bank {c['active_bank']} active, table version "
          f"{c['table_version']} ({c['vnis']} VNIs, {c['members']} members), "
          f"{c['tables_loaded']} tables loaded, {c['learn_events']} learn events")
for vni, c in sorted(s["vnis"].items()):
    print(f"   VNI {vni}: {c['frames_in']} floods in, {c['copies_out']} copies out")
drops = {k: v for k, v in s["drops"].items() if v}
print(f"   drops: {drops if drops else 'none'}")
for p in s["ports"]:
    print(f"   port {p['name']} ({p['kernel_ifname']}): rx {p['rx_packets']} tx {p['tx_packets']}, frames up to {p['max_frame_len']} B")
PY
# The same node through its management API.
vxsnctl=$build/host/ctl/vxsnctl
if [[ -x $vxsnctl ]]; then
  for cmd in status "vni list" counters; do
    echo "== vxsnctl $cmd"
    # shellcheck disable=SC2086  # $cmd is a subcommand and its arguments
    "$vxsnctl" --socket "$work/vxsnd.sock" $cmd | sed 's/^./   &/' || echo "   (vxsnctl failed)"
  done
fi
echo "== $((total - fails))/$total tenant pairs reached each other through vxsnd"
((fails == 0))
