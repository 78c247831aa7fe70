#!/usr/bin/env bash
# Anycast testbed for vxsn: several service nodes share one anycast address behind a
# router; each announces it over eBGP (FRR) only while vxsn-health says its vxsnd is
# healthy; the router spreads VTEP traffic over the live nodes (ECMP). The nodes replicate
# their flood table over HA (ZeroMQ + CURVE): only node 1 has static members, the others
# learn them from it (--no-ha: every node gets every VTEP statically). See README.md.
#
#   sim/anycast/anycast.sh up|down|env|routes|status [options]
#   sim/anycast/anycast.sh start-node K --build DIR   # vxsnd + vxsn-health in node K
#   sim/anycast/anycast.sh signal-node K SIG          # KILL, STOP, CONT, TERM to vxsnd
#   sim/anycast/anycast.sh stop-node K                # stop vxsnd and its checker
set -Eeuo pipefail

here=$(cd "$(dirname "$0")" && pwd)
TESTBED=$here/../testbed.sh

usage() {
  cat <<'EOF'
usage: sim/anycast/anycast.sh COMMAND [options]

  up                 build VTEPs (sim/testbed.sh), router, N nodes, FRR everywhere
  down               stop every process and remove everything of the prefix
  env                shell-sourceable description of the running testbed
  routes             the router's route to the anycast address (one "via" per live node)
  status             FRR sessions and the processes of each node
  start-node K       start vxsnd and vxsn-health in node K (needs --build)
  signal-node K SIG  send SIG (KILL, STOP, CONT, TERM, ...) to node K's vxsnd
  stop-node K        stop node K's checker (it withdraws) and its vxsnd

options (environment variable in brackets):
  --prefix P     name prefix, default vxa                          [AC_PREFIX]
  --nodes N      service nodes, 1..9, default 3                    [AC_NODES]
  --vteps N      VTEPs, default 3                                  [AC_VTEPS]
  --vnis M       VNIs 100..M*100, default 2                        [AC_VNIS]
  --anycast IP   the shared service address, default 10.98.0.1     [AC_ANYCAST]
  --no-bfd       BGP timers only (1 s keepalive, 3 s hold)         [AC_BFD=0]
  --build DIR    build tree with vxsnd and vxsn-health             [AC_BUILD]
  --datapath M   vxsnd's datapath mode, default software           [AC_DATAPATH]
  --no-ha        no replication: every node has every VTEP static  [AC_HA=0]
  -v             print every command
EOF
}

PREFIX=${AC_PREFIX:-vxa}
NODES=${AC_NODES:-3}
VTEPS=${AC_VTEPS:-3}
NVNIS=${AC_VNIS:-2}
ANYCAST=${AC_ANYCAST:-10.98.0.1}
BFD=${AC_BFD:-1}
BUILD=${AC_BUILD:-}
DATAPATH=${AC_DATAPATH:-software}
HA=${AC_HA:-1}
VERBOSE=0
CMD='' NODE='' SIG=''

die() {
  echo "anycast: $*" >&2
  exit 1
}

while (($#)); do
  case $1 in
    up | down | env | routes | status) CMD=$1 ;;
    start-node | stop-node) CMD=$1; NODE=${2:?node number}; shift ;;
    signal-node) CMD=$1; NODE=${2:?node number}; SIG=${3:?signal}; shift 2 ;;
    --prefix) PREFIX=${2:?}; shift ;;
    --nodes) NODES=${2:?}; shift ;;
    --vteps) VTEPS=${2:?}; shift ;;
    --vnis) NVNIS=${2:?}; shift ;;
    --anycast) ANYCAST=${2:?}; shift ;;
    --no-bfd) BFD=0 ;;
    --build) BUILD=${2:?}; shift ;;
    --datapath) DATAPATH=${2:?}; shift ;;
    --no-ha) HA=0 ;;
    -v | --verbose) VERBOSE=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
[[ -n $CMD ]] || { usage >&2; exit 2; }
((EUID == 0)) || die "must run as root"
[[ $PREFIX =~ ^[A-Za-z][A-Za-z0-9]*$ ]] || die "prefix must be alphanumeric: '$PREFIX'"

# ---------------------------------------------------------------- names and addresses
# The testbed's service-node namespace P-sn becomes the router: its leg P-sn0 on the VTEP
# bridge (10.99.0.254) is the VTEPs' gateway to the anycast address. Node K lives in P-nK
# and reaches the router over its own veth and link subnet 10.98.K.0/24 (router .1, node .2).
NS_RT=$PREFIX-sn
RT_UL_IP=10.99.0.254
node_ns() { echo "$PREFIX-n$1"; }
NODE_IF=up0                       # the node's port (vxsnd's AF_XDP device)
rt_node_if() { echo "n$1"; }      # the router's end, inside the router namespace
rt_link_ip() { echo "10.98.$1.1"; }
node_link_ip() { echo "10.98.$1.2"; }
RT_AS=65000
NODE_AS=65100 # every node the same AS: equal AS paths, so ECMP without multipath-relax
STATE=/run/vxsn-anycast/$PREFIX
ENV_FILE=$STATE/env
ns_dir() { echo "$STATE/$1"; } # FRR config, sockets, pid files, logs of one namespace
node_dir() { echo "$STATE/node$1"; }
# HA: node K publishes its changes on 10.98.K.2:7801 and serves snapshots on :7802; the
# nodes reach each other's link addresses through the router (their default route).
HA_PUBLISH_PORT=7801
HA_SNAPSHOT_PORT=7802
ha_key_prefix() { echo "$STATE/ha/$(node_ns "$1")"; } # .key (secret) and .pub

run() {
  local rc=0
  ((VERBOSE)) && echo "+ $*" >&2
  if ((VERBOSE)); then "$@" >&2 || rc=$?; else "$@" >/dev/null || rc=$?; fi
  ((rc == 0)) || echo "anycast: command failed (exit $rc): $*" >&2
  return "$rc"
}
vtysh_in() { # vtysh_in NS vtysh-args...
  local ns=$1
  shift
  ip netns exec "$ns" vtysh --vty_socket "$(ns_dir "$ns")" "$@"
}

# ---------------------------------------------------------------- FRR per namespace
# Each namespace runs its own zebra, bgpd (and bfdd), with config files, vty sockets,
# zserv socket and pid files in its own directory: nothing touches /etc/frr or /run/frr,
# and the packaged frr service is never used.
frr_start() {
  local ns=$1 dir daemons=(zebra bgpd) d
  dir=$(ns_dir "$ns")
  ((BFD)) && daemons+=(bfdd)
  chown -R frr:frr "$dir"
  for d in "${daemons[@]}"; do
    # -d daemonises; output before that (zebra's MPLS notice) goes to the daemon's log.
    run ip netns exec "$ns" /usr/lib/frr/"$d" -d -f "$dir/$d.conf" --vty_socket "$dir" \
      -i "$dir/$d.pid" -z "$dir/zserv.api" -P 0 --log "file:$dir/$d.log" \
      >>"$dir/$d.start.log" 2>&1 </dev/null
  done
}

frr_stop() { # every FRR daemon whose pid file lies in the namespace's directory
  local dir=$1 pidfile pid
  for pidfile in "$dir"/*.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(cat "$pidfile" 2>/dev/null) || continue
    if [[ $pid =~ ^[0-9]+$ ]]; then kill "$pid" 2>/dev/null || true; fi
  done
}

write_bfdd_conf() {
  # 100 ms x 3: a dead node (or link) is detected in 300 ms, independent of BGP's hold time.
  cat >"$1/bfdd.conf" <<'EOF'
bfd
 profile fast
  receive-interval 100
  transmit-interval 100
  detect-multiplier 3
 exit
exit
EOF
}

bgp_neighbor_lines() { # common session settings: fast timers, withdrawals sent at once
  local peer=$1
  echo " neighbor $peer timers 1 3"
  echo " neighbor $peer timers connect 1"
  echo " neighbor $peer advertisement-interval 0"
  if ((BFD)); then echo " neighbor $peer bfd profile fast"; fi
}

write_router_conf() {
  local dir k
  dir=$(ns_dir "$NS_RT")
  mkdir -p "$dir"
  echo "hostname $NS_RT" >"$dir/zebra.conf"
  write_bfdd_conf "$dir"
  {
    echo "hostname $NS_RT"
    echo "ip prefix-list ANYCAST seq 10 permit $ANYCAST/32"
    echo "route-map FROM-NODES permit 10"
    echo " match ip address prefix-list ANYCAST"
    echo "exit"
    echo "route-map NOTHING deny 10"
    echo "exit"
    echo "router bgp $RT_AS"
    echo " bgp router-id $RT_UL_IP"
    echo " bgp bestpath as-path multipath-relax"
    for ((k = 1; k <= NODES; k++)); do
      echo " neighbor $(node_link_ip "$k") remote-as $NODE_AS"
      bgp_neighbor_lines "$(node_link_ip "$k")"
    done
    echo " address-family ipv4 unicast"
    echo "  maximum-paths 16"
    for ((k = 1; k <= NODES; k++)); do
      echo "  neighbor $(node_link_ip "$k") route-map FROM-NODES in"
      echo "  neighbor $(node_link_ip "$k") route-map NOTHING out"
    done
    echo " exit-address-family"
    echo "exit"
  } >"$dir/bgpd.conf"
}

write_node_conf() {
  local k=$1 ns dir
  ns=$(node_ns "$k")
  dir=$(ns_dir "$ns")
  mkdir -p "$dir"
  echo "hostname $ns" >"$dir/zebra.conf"
  write_bfdd_conf "$dir"
  {
    echo "hostname $ns"
    echo "ip prefix-list ANYCAST seq 10 permit $ANYCAST/32"
    echo "route-map TO-ROUTER permit 10"
    echo " match ip address prefix-list ANYCAST"
    echo "exit"
    echo "route-map NOTHING deny 10"
    echo "exit"
    echo "router bgp $NODE_AS"
    echo " bgp router-id $(node_link_ip "$k")"
    echo " neighbor $(rt_link_ip "$k") remote-as $RT_AS"
    bgp_neighbor_lines "$(rt_link_ip "$k")"
    echo " address-family ipv4 unicast"
    # Announced only while the /32 is in zebra's RIB (import-check): vxsn-health adds and
    # removes it as an address on lo.
    echo "  network $ANYCAST/32"
    echo "  neighbor $(rt_link_ip "$k") route-map TO-ROUTER out"
    echo "  neighbor $(rt_link_ip "$k") route-map NOTHING in"
    echo " exit-address-family"
    echo "exit"
  } >"$dir/bgpd.conf"
}

# ---------------------------------------------------------------- processes of a node
pid_of() { # pid file -> pid if that process still runs
  local pid stat
  [[ -f $1 ]] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A killed daemon whose parent (this script, long gone) left it to an init that does
  # not reap stays a zombie, and kill -0 still succeeds on it.
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]] || return 1
  echo "$pid"
}

# Every node's CURVE key pair, made once with `vxsnctl keygen` (a node's config names the
# public keys of all the others, so all pairs exist before the first node starts).
ensure_ha_keys() {
  local vxsnctl=$1 k prefix
  mkdir -p "$STATE/ha"
  for ((k = 1; k <= AC_NODES_UP; k++)); do
    prefix=$(ha_key_prefix "$k")
    [[ -f $prefix.key && -f $prefix.pub ]] && continue
    rm -f "$prefix.key" "$prefix.pub"
    run "$vxsnctl" keygen "$prefix" || die "vxsnctl keygen $prefix failed"
  done
}

ha_section() {
  local k=$1 j
  echo "[ha]"
  echo "node_id = \"$(node_ns "$k")\""
  echo "publish = \"tcp://$(node_link_ip "$k"):$HA_PUBLISH_PORT\""
  echo "snapshot = \"tcp://$(node_link_ip "$k"):$HA_SNAPSHOT_PORT\""
  echo "secret_key_file = \"$(ha_key_prefix "$k").key\""
  echo "heartbeat_interval_ms = 100"
  echo "dead_interval_ms = 600"
  for ((j = 1; j <= AC_NODES_UP; j++)); do
    ((j == k)) && continue
    echo "[[ha.peers]]"
    echo "name = \"$(node_ns "$j")\""
    echo "publish = \"tcp://$(node_link_ip "$j"):$HA_PUBLISH_PORT\""
    echo "snapshot = \"tcp://$(node_link_ip "$j"):$HA_SNAPSHOT_PORT\""
    echo "public_key_file = \"$(ha_key_prefix "$j").pub\""
  done
}

node_vxsnd_conf() {
  local k=$1 dir members="" ip vni
  dir=$(node_dir "$k")
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  # With HA only node 1 has static members: the others hold the table only through
  # replication, so a failover shows that the state outlives the node that had it.
  if ((!AC_HA || k == 1)); then
    for ip in $VXSN_TB_VTEP_IPS; do members+="\"$ip\", "; done
  fi
  {
    echo "[node]"
    echo "id = \"$PREFIX-n$k\""
    echo "service_addresses = [\"$ANYCAST\"]"
    echo "health_file = \"$dir/health.json\""
    echo "health_interval_ms = 50"
    echo "[datapath]"
    echo "mode = \"$DATAPATH\""
    echo "[[port]]"
    echo "device = \"net_af_xdp0,iface=$NODE_IF\""
    for vni in $VXSN_TB_VNIS; do
      echo "[[vni]]"
      echo "id = $vni"
      echo "members = [${members%, }]"
    done
    echo "[api]"
    echo "socket = \"$dir/vxsnd.sock\""
    echo "[log]"
    echo "level = \"info\""
    echo "stats_file = \"$dir/stats.json\""
    echo "stats_interval_ms = 100"
    if ((AC_HA)); then ha_section "$k"; fi
  } >"$dir/vxsnd.toml"
}

do_start_node() {
  local k=$1 ns dir
  [[ -f $ENV_FILE ]] || die "testbed '$PREFIX' is not up"
  ((k >= 1 && k <= AC_NODES_UP)) || die "no node $k (nodes: 1..$AC_NODES_UP)"
  [[ -n $BUILD ]] || die "start-node needs --build DIR"
  local vxsnd=$BUILD/host/daemon/vxsnd health=$BUILD/host/health/vxsn-health
  [[ -x $vxsnd && -x $health ]] || die "$vxsnd or $health is not built"
  if ((AC_HA)); then
    [[ -x $BUILD/host/ctl/vxsnctl ]] || die "$BUILD/host/ctl/vxsnctl is not built (HA keys)"
    ensure_ha_keys "$BUILD/host/ctl/vxsnctl"
  fi
  ns=$(node_ns "$k")
  dir=$(node_dir "$k")
  mkdir -p "$dir"
  if ! pid_of "$dir/health.pid" >/dev/null; then
    # The checker outlives vxsnd restarts: it withdraws when vxsnd dies and announces
    # again once the new vxsnd reports healthy.
    ip netns exec "$ns" "$health" --file "$dir/health.json" --interval-ms 50 --stale-ms 300 \
      --rise 3 --up-cmd "ip addr replace $ANYCAST/32 dev lo" \
      --down-cmd "ip addr del $ANYCAST/32 dev lo 2>/dev/null || true" \
      >>"$dir/health.log" 2>&1 </dev/null &
    echo $! >"$dir/health.pid"
  fi
  if ! pid_of "$dir/vxsnd.pid" >/dev/null; then
    node_vxsnd_conf "$k"
    rm -f "$dir/stats.json" "$dir/health.json"
    # `ip netns exec` execs vxsnd, so $! is vxsnd's own pid.
    ip netns exec "$ns" "$vxsnd" --config "$dir/vxsnd.toml" >>"$dir/vxsnd.log" 2>&1 </dev/null &
    echo $! >"$dir/vxsnd.pid"
  fi
}

do_signal_node() {
  local pid
  pid=$(pid_of "$(node_dir "$1")/vxsnd.pid") || die "node $1: vxsnd is not running"
  kill -s "$2" "$pid"
}

stop_pidfile() { # SIGTERM, wait up to 5 s, then SIGKILL
  local pid i
  pid=$(pid_of "$1") || { rm -f "$1"; return 0; }
  kill -CONT "$pid" 2>/dev/null || true # a stopped process cannot act on SIGTERM
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}

do_stop_node() {
  local dir
  dir=$(node_dir "$1")
  stop_pidfile "$dir/health.pid" # withdraws first, then vxsnd may go
  stop_pidfile "$dir/vxsnd.pid"
}

# ---------------------------------------------------------------- down
our_node_namespaces() {
  ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E "^${PREFIX}-n[0-9]+\$" || true
}

do_down() {
  local dir ns pids
  if [[ -d $STATE ]]; then
    for dir in "$STATE"/node*; do
      [[ -d $dir ]] || continue
      stop_pidfile "$dir/health.pid"
      stop_pidfile "$dir/vxsnd.pid"
    done
    for dir in "$STATE"/*/; do frr_stop "${dir%/}"; done
  fi
  for ns in $(our_node_namespaces); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -z $pids ]] || kill -9 $pids 2>/dev/null || true
    run ip netns del "$ns" || true
  done
  "$TESTBED" --prefix "$PREFIX" down --kill >/dev/null 2>&1 || true
  rm -rf "$STATE"
}

# ---------------------------------------------------------------- up
sysctl_ns() { run ip netns exec "$1" sysctl -qw "$2"; }
no_offloads() { run ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off; }

make_router() {
  sysctl_ns "$NS_RT" net.ipv4.ip_forward=1
  sysctl_ns "$NS_RT" net.ipv4.conf.all.rp_filter=0
  sysctl_ns "$NS_RT" net.ipv4.conf.default.rp_filter=0
  # Hash on the outer UDP ports too: Linux VTEPs vary the source port per inner flow, so
  # flows from one VTEP spread over all nodes.
  sysctl_ns "$NS_RT" net.ipv4.fib_multipath_hash_policy=1
}

make_node() {
  local k=$1 ns rif
  ns=$(node_ns "$k")
  rif=$(rt_node_if "$k")
  run ip netns add "$ns"
  sysctl_ns "$ns" net.ipv6.conf.all.disable_ipv6=1
  sysctl_ns "$ns" net.ipv6.conf.default.disable_ipv6=1
  sysctl_ns "$ns" net.ipv4.conf.all.rp_filter=0
  sysctl_ns "$ns" net.ipv4.conf.default.rp_filter=0
  run ip -n "$ns" link set lo up
  # One queue each way: vxsnd's AF_XDP socket on queue 0 sees every packet.
  run ip -n "$NS_RT" link add "$rif" numtxqueues 1 numrxqueues 1 \
    address "02:98:00:00:0$k:01" type veth peer name "$NODE_IF" numtxqueues 1 numrxqueues 1 \
    address "02:98:00:00:0$k:02" netns "$ns"
  no_offloads "$NS_RT" "$rif"
  no_offloads "$ns" "$NODE_IF"
  run ip -n "$NS_RT" addr add "$(rt_link_ip "$k")/24" dev "$rif"
  run ip -n "$NS_RT" link set "$rif" up
  run ip -n "$ns" addr add "$(node_link_ip "$k")/24" dev "$NODE_IF"
  run ip -n "$ns" link set "$NODE_IF" up
  # vxsnd resolves its next hops from these kernel routes: every copy to a VTEP leaves
  # through the router.
  run ip -n "$ns" route add default via "$(rt_link_ip "$k")"
}

point_vteps_at_anycast() {
  local ns v
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  for ns in $VXSN_TB_VTEP_NS; do
    run ip -n "$ns" route add "$ANYCAST/32" via "$RT_UL_IP"
    for v in $VXSN_TB_VNIS; do
      run bridge -n "$ns" fdb del 00:00:00:00:00:00 dev "vxlan$v" dst "$VXSN_TB_SN_IP"
      run bridge -n "$ns" fdb append 00:00:00:00:00:00 dev "vxlan$v" dst "$ANYCAST"
    done
  done
}

on_up_error() {
  local rc=$?
  trap - ERR
  echo "anycast: 'up' failed (exit $rc) (in ${FUNCNAME[*]:1}); cleaning up" >&2
  set +e
  do_down
  exit 1
}

wait_bgp_established() { # every node session up on the router, or fail after 20 s
  local i up
  for ((i = 0; i < 200; i++)); do
    up=$(vtysh_in "$NS_RT" -c "show bgp summary json" 2>/dev/null |
      python3 -c 'import json,sys
d=json.load(sys.stdin).get("ipv4Unicast",{}).get("peers",{})
print(sum(1 for p in d.values() if p.get("state")=="Established"))' 2>/dev/null || echo 0)
    ((up == NODES)) && return 0
    sleep 0.1
  done
  echo "anycast: only $up of $NODES BGP sessions came up" >&2
  return 1
}

do_up() {
  local k
  is_in_range() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2 && $1 <= $3)); }
  is_in_range "$NODES" 1 9 || die "--nodes must be 1..9"
  [[ $ANYCAST =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "--anycast must be an IPv4 address"
  [[ -x /usr/lib/frr/bgpd ]] || die "FRR is not installed (scripts/install-deps.sh)"
  do_down
  trap on_up_error ERR
  mkdir -p "$STATE"
  run "$TESTBED" --prefix "$PREFIX" up --vteps "$VTEPS" --vnis "$NVNIS"
  "$TESTBED" --prefix "$PREFIX" env >"$ENV_FILE.tmp"
  {
    echo "AC_PREFIX=$PREFIX"
    echo "AC_NODES_UP=$NODES"
    echo "AC_ANYCAST=$ANYCAST"
    echo "AC_BFD=$BFD"
    echo "AC_HA=$HA"
    echo "AC_ROUTER_NS=$NS_RT"
    echo "AC_NODE_NS=\"$(for ((k = 1; k <= NODES; k++)); do printf '%s ' "$(node_ns "$k")"; done | xargs)\""
    echo "AC_NODE_IPS=\"$(for ((k = 1; k <= NODES; k++)); do printf '%s ' "$(node_link_ip "$k")"; done | xargs)\""
    echo "AC_NODE_IF=$NODE_IF"
    echo "AC_NODE_SOCKETS=\"$(for ((k = 1; k <= NODES; k++)); do printf '%s ' "$(node_dir "$k")/vxsnd.sock"; done | xargs)\""
    echo "AC_STATE_DIR=$STATE"
  } >>"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  make_router
  for ((k = 1; k <= NODES; k++)); do make_node "$k"; done
  point_vteps_at_anycast
  write_router_conf
  for ((k = 1; k <= NODES; k++)); do write_node_conf "$k"; done
  # The namespaces' FRR daemons start side by side: one by one they take seconds.
  local -a starting=()
  frr_start "$NS_RT" &
  starting+=($!)
  for ((k = 1; k <= NODES; k++)); do
    frr_start "$(node_ns "$k")" &
    starting+=($!)
  done
  for k in "${starting[@]}"; do wait "$k"; done
  wait_bgp_established
  trap - ERR
  ((VERBOSE)) && echo "anycast $PREFIX up: $NODES nodes behind $NS_RT, anycast $ANYCAST" >&2
  return 0
}

# ---------------------------------------------------------------- env / routes / status
require_up() {
  [[ -f $ENV_FILE ]] || die "testbed '$PREFIX' is not up (no $ENV_FILE)"
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  ANYCAST=$AC_ANYCAST NODES=$AC_NODES_UP BFD=$AC_BFD
  AC_HA=${AC_HA:-0} HA=${AC_HA:-0}
}

do_status() {
  local k dir
  vtysh_in "$NS_RT" -c "show bgp summary" || true
  ((BFD)) && { vtysh_in "$NS_RT" -c "show bfd peers brief" || true; }
  for ((k = 1; k <= NODES; k++)); do
    dir=$(node_dir "$k")
    echo "node $k ($(node_ns "$k")): vxsnd $(pid_of "$dir/vxsnd.pid" || echo stopped)," \
      "vxsn-health $(pid_of "$dir/health.pid" || echo stopped)," \
      "anycast on lo: $(ip -n "$(node_ns "$k")" -br addr show dev lo | grep -q "$ANYCAST/32" && echo yes || echo no)"
  done
}

case $CMD in
  up) do_up ;;
  down) do_down ;;
  env) require_up; cat "$ENV_FILE" ;;
  routes) require_up; ip -n "$NS_RT" route show "$ANYCAST/32" ;;
  status) require_up; do_status ;;
  start-node) require_up; do_start_node "$NODE" ;;
  signal-node) require_up; do_signal_node "$NODE" "$SIG" ;;
  stop-node) require_up; do_stop_node "$NODE" ;;
esac
