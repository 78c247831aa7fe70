#!/usr/bin/env bash
# The vxsn .deb on a fresh Debian 12: installed with its dependencies from the Debian
# mirror into a minimal bookworm (debootstrap --variant=minbase), then its programs run
# there and its user and group are checked.
#
# Usage: install_in_chroot.sh <packages dir> <version> <cache dir>
# The bookworm base is made once in <cache dir> and reused; each run installs into a fresh
# overlay over it (so every run is a first install), in a private mount namespace, so no
# mount outlives the run. Downloaded .debs are kept in the cache too.
# Exit 77 (SKIPPED): not root, no debootstrap/unshare, the mirror unreachable, or the
# mirror too slow: debootstrap and the apt steps are bounded (VXSN_CHROOT_FETCH_S, default
# 300 s each) so a slow network skips the test instead of timing it out.
set -euo pipefail
pkgdir=$1 version=$2 cache=$3
mirror=${VXSN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
fetch_s=${VXSN_CHROOT_FETCH_S:-300}
deb=$pkgdir/vxsn_${version}_amd64.deb
skip() {
  echo "SKIPPED: $*"
  exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, mounts)"
for tool in debootstrap unshare chroot; do
  command -v $tool >/dev/null || skip "$tool not installed (scripts/install-deps.sh)"
done
[ -f "$deb" ] || { echo "FAIL: $deb not built"; exit 1; }
host=$(sed -E 's|^[a-z]+://([^/:]+).*|\1|' <<<"$mirror")
timeout 10 bash -c "exec 3<>/dev/tcp/$host/80" 2>/dev/null || skip "Debian mirror $host unreachable"

# Everything below in a private mount namespace: its mounts go when this process does.
if [ -z "${VXSN_CHROOT_NS:-}" ]; then
  VXSN_CHROOT_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

base=$cache/bookworm
if [ ! -f "$base/.vxsn-complete" ]; then
  echo "debootstrap --variant=minbase bookworm (once; cached in $base)"
  rm -rf "$base" "$base.partial"
  mkdir -p "$cache"
  timeout "$fetch_s" debootstrap --variant=minbase bookworm "$base.partial" "$mirror" \
    >"$cache/debootstrap.log" 2>&1 ||
    skip "debootstrap failed or took over $fetch_s s (see $cache/debootstrap.log)"
  touch "$base.partial/.vxsn-complete"
  mv "$base.partial" "$base"
fi

run=$cache/run
root=$run/root
cleanup() {
  for m in var/lib/apt/lists var/cache/apt/archives dev proc; do
    umount "$root/$m" 2>/dev/null || true
  done
  umount "$root" 2>/dev/null || true
  rm -rf "$run"
}
trap cleanup EXIT
rm -rf "$run"
mkdir -p "$run/upper" "$run/work" "$root" "$cache/apt-archives/partial" "$cache/apt-lists/partial"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$root"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
mount --bind "$cache/apt-lists" "$root/var/lib/apt/lists"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service starts inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/vxsn.deb"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive "$@"; }
timeout "$fetch_s" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  apt-get update -q >"$cache/apt-update.log" 2>&1 ||
  skip "apt-get update failed or took over $fetch_s s in the chroot (see $cache/apt-update.log)"
# The download is bounded (a slow mirror skips); the install itself must succeed.
timeout "$fetch_s" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --download-only \
  --no-install-recommends /tmp/vxsn.deb >"$cache/apt-download.log" 2>&1 ||
  skip "downloading the dependencies failed or took over $fetch_s s (see $cache/apt-download.log)"
start=$(date +%s)
if ! in_root apt-get install -y -q --no-install-recommends /tmp/vxsn.deb >"$cache/apt-install.log" 2>&1; then
  tail -30 "$cache/apt-install.log"
  echo "FAIL: apt-get install /tmp/vxsn.deb"
  exit 1
fi
echo "installed with dependencies in $(($(date +%s) - start)) s ($(in_root dpkg-query -W | wc -l) packages in the chroot)"

failed=0
check() {  # check <description> <command...>: runs in the chroot, shows its output
  local what=$1
  shift
  if out=$(in_root "$@" 2>&1); then
    echo "ok: $what"
  else
    echo "FAIL: $what: $out"
    failed=1
  fi
}
v=$(in_root vxsnd --version 2>&1) || true
[ "$v" = "vxsnd $version" ] && echo "ok: vxsnd --version: $v" || { echo "FAIL: vxsnd --version said '$v'"; failed=1; }
check "vxsnd --check-config on the shipped config" vxsnd --check-config /etc/vxsn/vxsnd.toml
check "vxsnctl --help" vxsnctl --help
check "vxsnctl --version" sh -c "vxsnctl --version | grep -qx 'vxsnctl $version'"
check "vxsn-health --help" vxsn-health --help
check "vxsn-keygen runs" sh -c 'cd /tmp && vxsn-keygen /tmp/k && test -s /tmp/k.key && test -s /tmp/k.pub'
check "group vxsn exists" getent group vxsn
check "system user vxsn exists, in group vxsn" sh -c 'id -gn vxsn | grep -qx vxsn && [ "$(id -u vxsn)" -lt 1000 ]'
check "config is root:vxsn 0640" sh -c '[ "$(stat -c %U:%G:%a /etc/vxsn/vxsnd.toml)" = root:vxsn:640 ]'
check "XDP program where an installed vxsnd looks" test -s /usr/lib/vxsn/vxsn_steer.bpf.o
check "the units are installed" test -f /lib/systemd/system/vxsnd.service
exit $failed
