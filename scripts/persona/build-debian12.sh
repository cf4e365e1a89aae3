#!/usr/bin/env bash
# Build the miragepot "debian12" persona data from a real Debian 12 (bookworm, amd64) root.
#
#   bash scripts/persona/build-debian12.sh
#
# Debootstraps bookworm (minbase) into a scratch dir under /tmp, installs a typical small
# cloud/VPS package set, then regenerates personas/debian12/{fs.manifest,files/,packages.tsv}.
# Needs root and Debian packages only (debootstrap, python3, util-linux mount).
#
# Environment overrides:
#   MIRROR           Debian mirror            (default http://deb.debian.org/debian)
#   SECURITY_MIRROR  Debian security mirror   (default http://deb.debian.org/debian-security)
#   ROOTFS           scratch chroot dir, must be under /tmp (default /tmp/miragepot-debian12-root)
#   KEEP_ROOTFS=1    do not delete the chroot at the end
set -euo pipefail

SUITE=bookworm
ARCH=amd64
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
ROOTFS="${ROOTFS:-/tmp/miragepot-debian12-root}"
KEEP_ROOTFS="${KEEP_ROOTFS:-0}"
BUILD_HOSTNAME=debian   # placeholder hostname baked into a few /etc files

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
OUT="$REPO_ROOT/personas/debian12"

# Packages typical of a small Debian 12 cloud/VPS server (all exist in bookworm main).
PACKAGES=(
  systemd-sysv openssh-server sudo curl wget ca-certificates cron procps iproute2
  iputils-ping net-tools less vim-tiny nano python3 file unzip psmisc lsof pciutils
  usbutils dmidecode kmod netcat-openbsd iptables bsdextrautils e2fsprogs locales
  man-db rsyslog logrotate tftp-hpa ncal binutils
)

say() { printf '\n==> %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

[[ $EUID -eq 0 ]] || { echo "must run as root (debootstrap/chroot)" >&2; exit 1; }
case "$ROOTFS" in
  /tmp/?*) ;;
  *) echo "ROOTFS must be a directory under /tmp (got $ROOTFS)" >&2; exit 1 ;;
esac

PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON="$(command -v python3)"

unmount_all() {
  # Unmount anything mounted inside the chroot, deepest first.
  local m
  if [[ -d $ROOTFS ]]; then
    for m in $(findmnt -rn -o TARGET | grep -E "^${ROOTFS}(/|$)" | sort -r || true); do
      printf '+ umount -l %s\n' "$m"
      umount -l "$m" || true
    done
  fi
}

remove_rootfs() {
  unmount_all
  if findmnt -rn -o TARGET | grep -qE "^${ROOTFS}(/|$)"; then
    echo "refusing to delete $ROOTFS: something is still mounted inside" >&2
    return 1
  fi
  run rm -rf --one-file-system "$ROOTFS"
}

cleanup() {
  local rc=$?
  unmount_all
  if [[ $rc -ne 0 ]]; then
    echo "build failed (rc=$rc); chroot left at $ROOTFS for inspection" >&2
  fi
}
trap cleanup EXIT

in_chroot() {
  printf '+ chroot %s %s\n' "$ROOTFS" "$*"
  # Own UTS namespace so maintainer scripts (exim4 mailname, ssh key comments, ...) see
  # the neutral hostname, not the build host's.
  LC_ALL=C LANG=C DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    unshare --uts -- sh -c 'hostname "$0" && exec chroot "$@"' "$BUILD_HOSTNAME" "$ROOTFS" "$@"
}

say "host tools"
if ! command -v debootstrap >/dev/null; then
  run apt-get update
  run apt-get install -y debootstrap
fi
debootstrap --version 2>/dev/null || true

say "fresh scratch root at $ROOTFS"
if [[ -e $ROOTFS ]]; then
  remove_rootfs
fi
run mkdir -p "$ROOTFS"

say "debootstrap $SUITE ($ARCH, minbase) from $MIRROR"
run unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "$BUILD_HOSTNAME" \
  debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$ROOTFS" "$MIRROR"

say "apt sources (main + updates + security, as on an installed system)"
cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
cat "$ROOTFS/etc/apt/sources.list"

say "policy-rc.d: never start services inside the chroot"
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
chmod 0755 "$ROOTFS/usr/sbin/policy-rc.d"

say "mount /proc, /sys, /dev/pts in the chroot"
run mount -t proc proc "$ROOTFS/proc"
run mount -t sysfs sysfs "$ROOTFS/sys"
mkdir -p "$ROOTFS/dev/pts"
run mount -t devpts devpts "$ROOTFS/dev/pts"

say "neutral hostname/hosts ($BUILD_HOSTNAME), before any maintainer script runs"
echo "$BUILD_HOSTNAME" >"$ROOTFS/etc/hostname"
cat >"$ROOTFS/etc/hosts" <<EOF
127.0.0.1	localhost
127.0.1.1	$BUILD_HOSTNAME

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF

# Resolver for the build itself (debootstrap copied the host's; replaced below).
run cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"

say "install packages: ${PACKAGES[*]}"
in_chroot apt-get update
in_chroot apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade
in_chroot apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  install "${PACKAGES[@]}"

say "locale en_US.UTF-8"
sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' "$ROOTFS/etc/locale.gen"
in_chroot locale-gen
in_chroot update-locale LANG=en_US.UTF-8

say "neutral resolv.conf (no build-host details)"
printf 'nameserver 1.1.1.1\nnameserver 8.8.8.8\n' >"$ROOTFS/etc/resolv.conf"

say "package list -> $OUT/packages.tsv"
mkdir -p "$OUT"
{
  printf '# name\tversion\tarch\tdescription\n'
  in_chroot dpkg-query -W \
    -f '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${binary:Summary}\n' \
    | awk -F'\t' -v OFS='\t' '$1 == "installed" { print $2, $3, $4, $5 }' | LC_ALL=C sort
} >"$OUT/packages.tsv.tmp"
mv "$OUT/packages.tsv.tmp" "$OUT/packages.tsv"
echo "$(($(wc -l <"$OUT/packages.tsv") - 1)) packages installed"

say "clean up build-only state"
in_chroot apt-get clean
run rm -f "$ROOTFS/usr/sbin/policy-rc.d"
unmount_all

say "generate manifest and shipped files"
run "$PYTHON" "$SCRIPT_DIR/make_manifest.py" --root "$ROOTFS" --out "$OUT" \
  --note "source: debootstrap --variant=minbase --arch=$ARCH $SUITE + scripts/persona/build-debian12.sh" \
  --note "requested packages: ${PACKAGES[*]}"

say "sizes"
printf 'fs.manifest: %s bytes, %s entries\n' "$(stat -c %s "$OUT/fs.manifest")" "$(grep -vc '^#' "$OUT/fs.manifest")"
printf 'files/:      %s files, %s bytes\n' "$(find "$OUT/files" -type f | wc -l)" \
  "$(find "$OUT/files" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')"

if [[ $KEEP_ROOTFS == 1 ]]; then
  say "keeping chroot at $ROOTFS (KEEP_ROOTFS=1)"
else
  say "delete scratch root"
  remove_rootfs
fi
say "done"
