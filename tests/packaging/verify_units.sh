#!/usr/bin/env bash
# systemd-analyze verify on the units as the package installs them. The .deb is unpacked
# into a scratch folder and its programs are laid over /usr/sbin and /usr/bin in a private
# mount namespace (so ExecStart= resolves to the packaged programs; the host is unchanged).
# Usage: verify_units.sh <packages dir> <version>. Exit 77 without systemd-analyze or root.
set -euo pipefail
deb=$1/vxsn_${2}_amd64.deb
command -v systemd-analyze >/dev/null || { echo "SKIPPED: no systemd-analyze"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root (mount namespace)"; exit 77; }
if [ -z "${VXSN_VERIFY_NS:-}" ]; then
  VXSN_VERIFY_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
root=$(mktemp -d /tmp/vxsn-units-XXXXXX)
trap 'umount /usr/sbin /usr/bin 2>/dev/null || true; rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
mount -t overlay overlay -o "lowerdir=$root/usr/sbin:/usr/sbin" /usr/sbin
mount -t overlay overlay -o "lowerdir=$root/usr/bin:/usr/bin" /usr/bin
status=0
for unit in vxsnd.service vxsn-hugepages.service vxsn-health.service; do
  out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$root/lib/systemd/system/$unit" 2>&1) || status=1
  # Any complaint about our own units counts, even when the exit code does not say so.
  if grep -q "vxsn" <<<"$out"; then status=1; fi
  [ -z "$out" ] && echo "ok: $unit" || echo "$unit: $out"
done
exit $status
