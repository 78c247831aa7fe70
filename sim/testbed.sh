#!/usr/bin/env bash
# VTEP testbed for vxsn: real Linux VXLAN VTEPs in network namespaces, all on one underlay
# bridge, sending every BUM frame to the service node's address. See sim/README.md.
#
#   sim/testbed.sh up|down|status|env|tenants [options]
#
# Everything lives in namespaces named "<prefix>-..."; the root namespace is never changed
# (veth pairs are created inside the namespaces, never in the root namespace).
set -Eeuo pipefail

usage() {
  cat <<'EOF'
usage: sim/testbed.sh up|down|status|env|tenants [options]

  up        (re)build the testbed (runs 'down' first; cleans up on any failure)
  down      remove every namespace/interface of the prefix (safe when nothing exists)
  status    short summary of what exists
  env       print shell-sourceable variables describing the running testbed
  tenants   print one line per tenant: <netns> <vni> <ip>

options (environment variable in brackets):
  --prefix P            name prefix, default vxd                    [TB_PREFIX]
  --vteps N             number of VTEPs, default 3                  [TB_VTEPS]
  --vnis M              number of VNIs (100, 200, ...), default 2   [TB_VNIS]
  --vni-list "A B ..."  explicit VNI list (overrides --vnis)        [TB_VNI_LIST]
  --jumbo               tenant MTU 9000, underlay MTU 9000+overhead [TB_JUMBO=1]
  --ipv6-underlay       VTEPs and service node talk over IPv6       [TB_IPV6=1]
  --underlay-net NET    IPv4 underlay /24, default 10.99.0.0/24     [TB_UNDERLAY_NET]
  --underlay-net6 NET   IPv6 underlay /64, default fd00:99::/64     [TB_UNDERLAY_NET6]
  --kill                'down': SIGTERM processes still inside the namespaces
  -v, --verbose         print every command
EOF
}

# ---------------------------------------------------------------- options
PREFIX=${TB_PREFIX:-vxd}
VTEPS=${TB_VTEPS:-3}
NVNIS=${TB_VNIS:-2}
VNI_LIST=${TB_VNI_LIST:-}
JUMBO=${TB_JUMBO:-0}
IPV6=${TB_IPV6:-0}
UNDERLAY_NET=${TB_UNDERLAY_NET:-10.99.0.0/24}
UNDERLAY_NET6=${TB_UNDERLAY_NET6:-fd00:99::/64}
DIRECT_FLOOD=${TB_DIRECT_FLOOD:-0} # debugging only: VTEPs flood to each other, no node
KILL=0
VERBOSE=0
CMD=

die() {
  echo "testbed: $*" >&2
  exit 1
}

while (($#)); do
  case $1 in
    up | down | status | env | tenants) CMD=$1 ;;
    --prefix) PREFIX=${2:?}; shift ;;
    --vteps) VTEPS=${2:?}; shift ;;
    --vnis) NVNIS=${2:?}; shift ;;
    --vni-list) VNI_LIST=${2:?}; shift ;;
    --jumbo) JUMBO=1 ;;
    --ipv6-underlay) IPV6=1 ;;
    --underlay-net) UNDERLAY_NET=${2:?}; shift ;;
    --underlay-net6) UNDERLAY_NET6=${2:?}; shift ;;
    --direct-flood) DIRECT_FLOOD=1 ;;
    --kill) KILL=1 ;;
    -v | --verbose) VERBOSE=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
[[ -n $CMD ]] || { usage >&2; exit 2; }
((EUID == 0)) || die "must run as root"

# ---------------------------------------------------------------- derived configuration
[[ $PREFIX =~ ^[A-Za-z][A-Za-z0-9]*$ ]] || die "prefix must be alphanumeric: '$PREFIX'"
is_in_range() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }
is_in_range "$VTEPS" 1 253 || die "--vteps must be 1..253"
if [[ -z $VNI_LIST ]]; then
  is_in_range "$NVNIS" 1 250 || die "--vnis must be 1..250"
  VNI_LIST=$(seq -s ' ' 100 100 $((NVNIS * 100)))
fi
read -r -a VNIS <<<"$VNI_LIST"
((${#VNIS[@]} >= 1 && ${#VNIS[@]} <= 250)) || die "need 1..250 VNIs"
for v in "${VNIS[@]}"; do
  is_in_range "$v" 1 16777215 || die "bad VNI '$v'"
done

[[ $UNDERLAY_NET =~ ^([0-9]+\.[0-9]+\.[0-9]+)\.0/24$ ]] || die "--underlay-net must be a.b.c.0/24"
UL4_BASE=${BASH_REMATCH[1]}
[[ $UNDERLAY_NET6 =~ ^([0-9a-fA-F:]+)::/64$ ]] || die "--underlay-net6 must be xxxx:...::/64"
UL6_BASE=${BASH_REMATCH[1]}

# Names. Inside a VTEP namespace the devices use the fixed names ul0, vxlanV, brV;
# everything that is visible from outside (namespaces, underlay bridge and its ports)
# carries the prefix.
NS_UL=$PREFIX-ul
NS_SN=$PREFIX-sn
BR_UL=$PREFIX-br
SN_IF=$PREFIX-sn0
SN_PORT=$PREFIX-sn0-ul # the service node veth's peer, a port of the underlay bridge
TENANT_IF=eth0
vtep_ns() { echo "$PREFIX-v$1"; }
vtep_port() { echo "$PREFIX-v$1-ul"; }
tenant_ns() { echo "$PREFIX-t$1-$2"; }
# Per VNI (1-based index) its own subnet, 172.16.<index>.<vtep>.
tenant_ip() { echo "172.16.$(($1 + 1)).$2"; }
hex2() { printf '%02x' "$1"; }
tenant_mac() { printf '02:%02x:%02x:%02x:00:%02x' $(($2 >> 16 & 255)) $(($2 >> 8 & 255)) $(($2 & 255)) "$1"; }

SN_IP4=$UL4_BASE.254
SN_IP6=$UL6_BASE::fe
SN_MAC=02:99:00:00:00:fe
vtep_ip4() { echo "$UL4_BASE.$1"; }
vtep_ip6() { printf '%s::%x\n' "$UL6_BASE" "$1"; }
vtep_mac() { echo "02:99:00:00:00:$(hex2 "$1")"; }
if ((IPV6)); then
  SN_IP=$SN_IP6
  vtep_ip() { vtep_ip6 "$1"; }
  VXLAN_OVERHEAD=70 # outer IPv6 40 + UDP 8 + VXLAN 8 + inner Ethernet 14
else
  SN_IP=$SN_IP4
  vtep_ip() { vtep_ip4 "$1"; }
  VXLAN_OVERHEAD=50 # outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14
fi
# Underlay MTU is exactly tenant MTU + VXLAN overhead: a full-size tenant packet fills the
# underlay to the byte, so any extra byte added on the way shows up as a drop.
if ((JUMBO)); then
  TENANT_MTU=9000
  UL_MTU=$((TENANT_MTU + VXLAN_OVERHEAD))
else
  UL_MTU=1500
  TENANT_MTU=$((UL_MTU - VXLAN_OVERHEAD))
fi

longest=$(tenant_ns "$VTEPS" "$(printf '%s\n' "${VNIS[@]}" | awk '{ if (length($0) > length(m)) m = $0 } END { print m }')")
for name in "$longest" "$(vtep_port "$VTEPS")" "$SN_PORT"; do
  ((${#name} <= 15)) || die "name '$name' is longer than 15 characters: use a shorter --prefix"
done

STATE_DIR=/run/vxsn-testbed
STATE_FILE=$STATE_DIR/$PREFIX.env

# ---------------------------------------------------------------- helpers
run() {
  local rc=0
  ((VERBOSE)) && echo "+ $*" >&2
  if ((VERBOSE)); then "$@" >&2 || rc=$?; else "$@" >/dev/null || rc=$?; fi
  ((rc == 0)) || echo "testbed: command failed (exit $rc): $*" >&2
  return "$rc"
}
nsrun() { run ip netns exec "$@"; }
sysctl_ns() { nsrun "$1" sysctl -qw "$2"; }

# Namespaces of this prefix only (never those of a longer prefix such as "${PREFIX}2").
our_namespaces() {
  ip netns list 2>/dev/null | awk '{ print $1 }' |
    grep -E "^${PREFIX}-(ul|sn|v[0-9]+|t[0-9]+-[0-9]+)\$" || true
}
our_root_links() {
  ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
    grep -E "^${PREFIX}-" || true
}

no_offloads() { # full checksums on the wire, for AF_PACKET/AF_XDP readers and pcaps
  nsrun "$1" ethtool -K "$2" tx off tso off gso off gro off
}

# ---------------------------------------------------------------- down
do_down() {
  local ns pids link
  for ns in $(our_namespaces); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [[ -n $pids ]]; then
      if ((KILL)); then
        # shellcheck disable=SC2086
        kill $pids 2>/dev/null || true
      else
        echo "testbed: warning: processes still in $ns: $(xargs <<<"$pids") (use --kill)" >&2
      fi
    fi
    run ip netns del "$ns"
  done
  for link in $(our_root_links); do
    # deleting one end of a veth pair also removes the other
    if ip link show "$link" &>/dev/null; then run ip link del "$link" || true; fi
  done
  rm -f "$STATE_FILE"
}

# ---------------------------------------------------------------- up
make_underlay() {
  run ip netns add "$NS_UL"
  sysctl_ns "$NS_UL" net.ipv6.conf.all.disable_ipv6=1
  sysctl_ns "$NS_UL" net.ipv6.conf.default.disable_ipv6=1
  run ip -n "$NS_UL" link set lo up
  # The bridge stands in for the underlay's switches, which do not firewall what they
  # forward: where br_netfilter is loaded, keep bridged frames out of iptables/arptables.
  if ip netns exec "$NS_UL" test -e /proc/sys/net/bridge/bridge-nf-call-iptables; then
    local key
    for key in iptables ip6tables arptables; do
      sysctl_ns "$NS_UL" "net.bridge.bridge-nf-call-$key=0"
    done
  fi
  run ip -n "$NS_UL" link add "$BR_UL" mtu "$UL_MTU" type bridge stp_state 0 mcast_snooping 0
  run ip -n "$NS_UL" link set "$BR_UL" up
}

# A veth whose one end is a port of the underlay bridge and the other end sits in $2.
underlay_veth() {
  local port=$1 ns=$2 ifname=$3 mac=$4
  # One queue per direction: an AF_XDP socket bound to queue 0 then sees every packet.
  run ip -n "$NS_UL" link add "$port" mtu "$UL_MTU" numtxqueues 1 numrxqueues 1 type veth \
    peer name "$ifname" mtu "$UL_MTU" address "$mac" numtxqueues 1 numrxqueues 1 netns "$ns"
  no_offloads "$NS_UL" "$port"
  no_offloads "$ns" "$ifname"
  run ip -n "$NS_UL" link set "$port" master "$BR_UL" up
}

underlay_addresses() {
  local ns=$1 ifname=$2 ip4=$3 ip6=$4
  run ip -n "$ns" addr add "$ip4/24" dev "$ifname"
  if ((IPV6)); then
    sysctl_ns "$ns" "net.ipv6.conf.$ifname.disable_ipv6=0"
    sysctl_ns "$ns" "net.ipv6.conf.$ifname.accept_dad=0"
    run ip -n "$ns" addr add "$ip6/64" dev "$ifname" nodad
  fi
  run ip -n "$ns" link set "$ifname" up
}

new_ns() { # a namespace without IPv6 chatter (MLD/RS would otherwise leak into VXLAN)
  run ip netns add "$1"
  sysctl_ns "$1" net.ipv6.conf.all.disable_ipv6=1
  sysctl_ns "$1" net.ipv6.conf.default.disable_ipv6=1
  run ip -n "$1" link set lo up
}

make_service_node() {
  new_ns "$NS_SN"
  underlay_veth "$SN_PORT" "$NS_SN" "$SN_IF" "$SN_MAC"
  underlay_addresses "$NS_SN" "$SN_IF" "$SN_IP4" "$SN_IP6"
}

flood_targets() { # where VTEP $1 sends BUM frames
  local n=$1 m
  if ((DIRECT_FLOOD)); then
    for ((m = 1; m <= VTEPS; m++)); do
      ((m == n)) || vtep_ip "$m"
    done
  else
    echo "$SN_IP"
  fi
}

make_vtep() {
  local n=$1 ns i v br vx tns port dst
  ns=$(vtep_ns "$n")
  new_ns "$ns"
  underlay_veth "$(vtep_port "$n")" "$ns" ul0 "$(vtep_mac "$n")"
  underlay_addresses "$ns" ul0 "$(vtep_ip4 "$n")" "$(vtep_ip6 "$n")"
  for i in "${!VNIS[@]}"; do
    v=${VNIS[$i]} br=br${VNIS[$i]} vx=vxlan${VNIS[$i]}
    run ip -n "$ns" link add "$vx" mtu "$TENANT_MTU" type vxlan id "$v" \
      local "$(vtep_ip "$n")" dstport 4789 nolearning dev ul0
    run ip -n "$ns" link add "$br" mtu "$TENANT_MTU" type bridge stp_state 0 mcast_snooping 0
    run ip -n "$ns" link set "$vx" master "$br" up
    run ip -n "$ns" link set "$br" up
    for dst in $(flood_targets "$n"); do
      run bridge -n "$ns" fdb append 00:00:00:00:00:00 dev "$vx" dst "$dst"
    done

    tns=$(tenant_ns "$n" "$v")
    port=$(tenant_ns "$n" "$v") # the VTEP-side end is named after the tenant
    new_ns "$tns"
    run ip -n "$ns" link add "$port" mtu "$TENANT_MTU" type veth \
      peer name "$TENANT_IF" mtu "$TENANT_MTU" address "$(tenant_mac "$n" "$v")" netns "$tns"
    run ip -n "$ns" link set "$port" master "$br" up
    run ip -n "$tns" addr add "$(tenant_ip "$i" "$n")/24" dev "$TENANT_IF"
    run ip -n "$tns" link set "$TENANT_IF" up
  done
}

print_env() {
  local n i v vteps="" vtep_ips="" vtep_macs="" all="" ns_list ip_list
  for ((n = 1; n <= VTEPS; n++)); do
    vteps+=" $(vtep_ns "$n")" vtep_ips+=" $(vtep_ip "$n")" vtep_macs+=" $(vtep_mac "$n")"
  done
  cat <<EOF
VXSN_TB_PREFIX=$PREFIX
VXSN_TB_UL_NS=$NS_UL
VXSN_TB_UL_BRIDGE=$BR_UL
VXSN_TB_SN_NS=$NS_SN
VXSN_TB_SN_IF=$SN_IF
VXSN_TB_SN_IP=$SN_IP
VXSN_TB_SN_IP4=$SN_IP4
VXSN_TB_SN_MAC=$SN_MAC
VXSN_TB_SN_QUEUES=1
VXSN_TB_IPV6=$IPV6
VXSN_TB_JUMBO=$JUMBO
VXSN_TB_UL_MTU=$UL_MTU
VXSN_TB_TENANT_MTU=$TENANT_MTU
VXSN_TB_VXLAN_PORT=4789
VXSN_TB_VTEP_NS="${vteps# }"
VXSN_TB_VTEP_IPS="${vtep_ips# }"
VXSN_TB_VTEP_MACS="${vtep_macs# }"
VXSN_TB_VTEP_UL_IF=ul0
VXSN_TB_VNIS="${VNIS[*]}"
VXSN_TB_TENANT_IF=$TENANT_IF
EOF
  for i in "${!VNIS[@]}"; do
    v=${VNIS[$i]} ns_list="" ip_list=""
    for ((n = 1; n <= VTEPS; n++)); do
      ns_list+=" $(tenant_ns "$n" "$v")" ip_list+=" $(tenant_ip "$i" "$n")"
      all+=" $(tenant_ns "$n" "$v"),$v,$(tenant_ip "$i" "$n"),$(tenant_mac "$n" "$v")"
    done
    echo "VXSN_TB_TENANT_NS_$v=\"${ns_list# }\""
    echo "VXSN_TB_TENANT_IPS_$v=\"${ip_list# }\""
  done
  echo "VXSN_TB_TENANTS=\"${all# }\" # netns,vni,ip,mac"
}

on_up_error() {
  local rc=$?
  trap - ERR
  echo "testbed: 'up' failed (exit $rc) (in ${FUNCNAME[*]:1}); cleaning up" >&2
  set +e
  do_down
  exit 1
}

do_up() {
  local n
  do_down
  trap on_up_error ERR
  make_underlay
  make_service_node
  for ((n = 1; n <= VTEPS; n++)); do make_vtep "$n"; done
  mkdir -p "$STATE_DIR"
  print_env >"$STATE_FILE.tmp"
  mv "$STATE_FILE.tmp" "$STATE_FILE"
  trap - ERR
  ((VERBOSE)) && echo "testbed $PREFIX up: $VTEPS VTEPs, VNIs ${VNIS[*]}, service node $SN_IP" >&2
  return 0
}

# ---------------------------------------------------------------- env / tenants / status
require_state() {
  [[ -f $STATE_FILE ]] || die "testbed '$PREFIX' is not up (no $STATE_FILE)"
}

do_tenants() {
  require_state
  local VXSN_TB_TENANTS t ns vni ip _mac
  # shellcheck disable=SC1090
  source "$STATE_FILE"
  for t in $VXSN_TB_TENANTS; do
    IFS=, read -r ns vni ip _mac <<<"$t"
    echo "$ns $vni $ip"
  done
}

do_status() {
  local namespaces ns v ip dsts state pids expected="?"
  namespaces=$(our_namespaces)
  if [[ -z $namespaces ]]; then
    echo "testbed $PREFIX: down"
    return 0
  fi
  if [[ ! -f $STATE_FILE ]]; then
    echo "testbed $PREFIX: $(wc -w <<<"$namespaces") namespaces but no state file (broken; run 'down')"
    return 0
  fi
  # Describe what 'up' built, whatever options this call was given.
  # shellcheck disable=SC1090
  source "$STATE_FILE"
  local -a vtep_ns vtep_ips vnis
  read -r -a vtep_ns <<<"$VXSN_TB_VTEP_NS"
  read -r -a vtep_ips <<<"$VXSN_TB_VTEP_IPS"
  read -r -a vnis <<<"$VXSN_TB_VNIS"
  expected=$((2 + ${#vtep_ns[@]} * (1 + ${#vnis[@]})))
  echo "testbed $PREFIX: $(wc -w <<<"$namespaces")/$expected namespaces, ${#vtep_ns[@]} VTEPs," \
    "VNIs ${vnis[*]}, underlay MTU $VXSN_TB_UL_MTU, tenant MTU $VXSN_TB_TENANT_MTU"
  state=$(ip -n "$VXSN_TB_SN_NS" -br link show "$VXSN_TB_SN_IF" 2>/dev/null | awk '{ print $2 }') || true
  echo "  service node: $VXSN_TB_SN_NS/$VXSN_TB_SN_IF ${state:-missing} $VXSN_TB_SN_IP" \
    "$(ip -n "$VXSN_TB_SN_NS" link show "$VXSN_TB_SN_IF" 2>/dev/null | grep -q ' xdp' && echo '(XDP attached)')"
  for i in "${!vtep_ns[@]}"; do
    ns=${vtep_ns[$i]} ip=${vtep_ips[$i]}
    for v in "${vnis[@]}"; do
      dsts=$(bridge -n "$ns" fdb show dev "vxlan$v" 2>/dev/null |
        awk '/^00:00:00:00:00:00/ { for (i = 1; i < NF; i++) if ($i == "dst") print $(i + 1) }' | xargs)
      echo "  $ns ($ip) vni $v floods to: ${dsts:-nothing}"
    done
  done
  pids=$(for ns in $namespaces; do ip netns pids "$ns" 2>/dev/null; done | xargs)
  [[ -z $pids ]] || echo "  processes inside the testbed: $pids"
  return 0
}

case $CMD in
  up) do_up ;;
  down) do_down ;;
  env) require_state; cat "$STATE_FILE" ;;
  tenants) do_tenants ;;
  status) do_status ;;
esac
