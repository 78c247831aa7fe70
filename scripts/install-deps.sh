#!/usr/bin/env bash
# Installs every build and test dependency of vxsn from Debian 12 packages.
# Idempotent and non-interactive: safe to run on every invocation of README's commands.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config clang llvm clang-format
  # datapath: DPDK, AF_XDP program, netlink
  libdpdk-dev libbpf-dev libxdp-dev libmnl-dev linux-libc-dev
  # daemon libraries
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libpcap-dev liburcu-dev
  nlohmann-json3-dev
  # systemd service integration (sd_notify: Type=notify, watchdog)
  libsystemd-dev
  # HA replication between nodes (ZeroMQ Clone pattern, CURVE)
  libzmq3-dev cppzmq-dev
  # registration protocol v3 (protobuf, .proto compiled at build time)
  libprotobuf-dev protobuf-compiler
  # card driver: XRT host runtime (the noop shim runs its tests in CI)
  libxrt-dev libxrt1 libxrt-utils uuid-dev
  # management API (Thrift IDL compiled at build time, TLS for TCP clients)
  thrift-compiler libthrift-dev libssl-dev libboost-dev openssl
  # Prometheus metrics endpoint (HTTP server embedded in vxsnd)
  libcivetweb-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # cycle model plot (sim/cycle_model)
  gnuplot-nox
  # testbed: namespaces, kernel VTEPs, dissectors
  iproute2 iputils-ping iputils-arping ethtool nftables tcpdump tshark python3-scapy procps kmod
  # packaging tests: build the .debs, install them into a minimal bookworm chroot
  dpkg-dev debootstrap
  # anycast failover testbed (sim/anycast): zebra, bgpd, bfdd run by hand per namespace
  frr
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# sim/anycast runs its own FRR daemons by hand in each network namespace (own config,
# sockets and pid files); the packaged frr service is never needed. When this script is
# what brought FRR in, stop the service the package started on a systemd host, so no
# routing stack runs in the root namespace because of vxsn. (CI has no systemd.)
if [[ " ${missing[*]} " == *" frr "* ]] && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now frr.service >/dev/null 2>&1 || true
fi
