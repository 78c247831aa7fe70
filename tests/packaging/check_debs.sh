#!/usr/bin/env bash
# The built .debs hold every shipped file and declare their dependencies (dpkg-deb -c/-I).
# Usage: check_debs.sh <packages dir> <version>
set -euo pipefail
dir=$1 version=$2
vxsn=$dir/vxsn_${version}_amd64.deb
kernels=$dir/vxsn-kernels_${version}_all.deb
failed=0
fail() { echo "FAIL: $*"; failed=1; }

for deb in "$vxsn" "$kernels"; do [ -f "$deb" ] || { echo "FAIL: $deb not built"; exit 1; }; done

contents=$(dpkg-deb -c "$vxsn" | awk '{print $6}' | sed 's|^\./|/|')
for f in /usr/sbin/vxsnd /usr/sbin/vxsn-health /usr/bin/vxsnctl /usr/bin/vxsn-keygen \
  /usr/lib/vxsn/vxsn_steer.bpf.o /etc/vxsn/vxsnd.toml /etc/default/vxsn \
  /lib/systemd/system/vxsnd.service /lib/systemd/system/vxsn-hugepages.service \
  /lib/systemd/system/vxsn-health.service /usr/share/doc/vxsn/install.md \
  /usr/share/doc/vxsn/configuration.md; do
  grep -qx "$f" <<<"$contents" || fail "vxsn lacks $f"
done
# Shipped programs only: no test or benchmark binary.
if grep -E '/test_|bench' <<<"$contents"; then fail "vxsn ships test programs"; fi

info=$(dpkg-deb -I "$vxsn")
depends=$(dpkg-deb -f "$vxsn" Depends)
echo "vxsn Depends: $depends"
# Found by dpkg-shlibdeps from the programs' libraries, plus the DPDK plugins named by hand.
# (libxdp and libpcap come with the af_xdp and pcap drivers' packages.)
for p in 'librte-eal23' 'libzmq5' 'libthrift-0.17.0' 'libprotobuf32' 'libcivetweb1' \
  'libspdlog1.10-fmt9' 'libfmt9' 'libbpf1' 'libmnl0' 'liburcu8' 'libssl3' 'libsystemd0' \
  'libc6' 'adduser' 'librte-mempool-ring23' 'librte-net-af-xdp23' 'librte-net-af-packet23' \
  'librte-net-ring23' 'librte-net-pcap23'; do
  grep -qE "(^|, )$p( |,|$)" <<<"$depends" || fail "vxsn does not depend on $p"
done
conffiles=$(dpkg-deb -I "$vxsn" conffiles)
for f in /etc/vxsn/vxsnd.toml /etc/default/vxsn; do
  grep -qx "$f" <<<"$conffiles" || fail "$f is not a conffile"
done
for s in postinst prerm postrm; do
  grep -q " $s" <<<"$info" || fail "vxsn has no $s"
done
[ "$(dpkg-deb -f "$vxsn" Version)" = "$version" ] || fail "version is not $version"

kcontents=$(dpkg-deb -c "$kernels" | awk '{print $6}' | sed 's|^\./|/|')
for f in /usr/share/vxsn-kernels/hls/parse.cpp /usr/share/vxsn-kernels/hls/datapath_top.cpp \
  /usr/share/vxsn-kernels/hls/table_layout.hpp /usr/share/vxsn-kernels/hls/compat/ap_int.hpp \
  /usr/share/vxsn-kernels/hls/vitis/Makefile /usr/share/vxsn-kernels/hls/vitis/connectivity_u55c.cfg \
  /usr/share/vxsn-kernels/hls/vitis/README.md /usr/share/vxsn-kernels/hls/README.md; do
  grep -qx "$f" <<<"$kcontents" || fail "vxsn-kernels lacks $f"
done
if grep -q CMakeLists <<<"$kcontents"; then fail "vxsn-kernels ships the CMake build"; fi
[ "$(dpkg-deb -f "$kernels" Architecture)" = all ] || fail "vxsn-kernels is not Architecture: all"

[ $failed = 0 ] && echo "both packages complete"
exit $failed
