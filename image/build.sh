#!/bin/sh
# image/build.sh: the SD-card image of the kiosk for a Raspberry Pi 4, 400
# or 3B+ (arm64), from Debian 12 packages only.
#
#   sh image/build.sh [OUT_DIR]          (as root; default build/image)
#
# 1. The arm64 package echowall_<version>_arm64.deb, cross-built by
#    image/deb/build-deb.sh --arm64 ($ECHOWALL_IMAGE_DEB uses a built one).
# 2. The root file system, OUT_DIR/root: mmdebstrap (arm64, qemu-user through
#    binfmt_misc) installs Debian's kernel (linux-image-arm64), the boot
#    firmware (raspi-firmware, from the non-free-firmware component), systemd,
#    Mesa for the kiosk's KMSDRM screen and the echowall package with its
#    dependencies; image/customize-root.sh makes it an appliance (the kiosk
#    enabled, read-only root with overlayroot, the data partition, the boot
#    files).
# 3. The file systems, each made from a folder without mounting anything:
#    the FAT32 boot partition with mkfs.vfat and mtools (/boot/firmware of
#    the root), the ext4 root with `mke2fs -d`, the ext4 data partition
#    with `mke2fs -d`: mounted at /var/lib/echowall-data (root's), its
#    echowall/ (the kiosk's) bound at /var/lib/echowall and its update/
#    (root's: update/current.deb, the installed package, for the update by
#    stick to roll back to) at /var/lib/echowall-update. It grows to the
#    card at first boot (image/grow-data).
# 4. OUT_DIR/echowall-<version>-rpi-arm64.img: the partition table written by
#    sfdisk into a sparse file, each file system copied in at its offset.
#    Beside it, OUT_DIR/echowall-<version>-rpi-arm64.img.root-password (mode
#    0600): the root password of this build, made here from /dev/urandom,
#    for a technician's login (image/README.md).
#
# The boot firmware is not free software and lives in Debian's
# non-free-firmware component. When the mirror does not offer that
# component (or ECHOWALL_IMAGE_FIRMWARE=no), the script says so plainly and
# builds everything else: such an image does not boot, but image/check still
# checks it all. Downloads are kept in $ECHOWALL_IMAGE_CACHE (default
# build/image-cache) for the next build.
#
# Settings (environment): ECHOWALL_IMAGE_MIRROR (default
# http://deb.debian.org/debian), ECHOWALL_IMAGE_SECURITY (its security
# archive), ECHOWALL_IMAGE_DATA_MB (the data partition, default 1024),
# ECHOWALL_IMAGE_DEB, ECHOWALL_IMAGE_FIRMWARE (auto|yes|no),
# ECHOWALL_IMAGE_CACHE, ECHOWALL_ARM64_SYSROOT (for the cross build).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:-$top/build/image}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
suite=bookworm
mirror=${ECHOWALL_IMAGE_MIRROR:-http://deb.debian.org/debian}
security=${ECHOWALL_IMAGE_SECURITY:-http://deb.debian.org/debian-security}
cache=${ECHOWALL_IMAGE_CACHE:-$top/build/image-cache}
data_mb=${ECHOWALL_IMAGE_DATA_MB:-1024}
boot_mb=256
firmware=${ECHOWALL_IMAGE_FIRMWARE:-auto}
start=$(date +%s)
say() { echo "image: $* ($(($(date +%s) - start)) s)"; }
die() { echo "image: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: mmdebstrap --mode=root, chroot and the files' owners need it"
for tool in mmdebstrap arch-test qemu-aarch64-static mke2fs mkfs.vfat mcopy sfdisk dpkg-deb base32; do
    command -v "$tool" >/dev/null ||
        die "$tool is missing (sh image/install-deps.sh installs image/debian-packages.txt)"
done
case $data_mb in '' | *[!0-9]*) die "ECHOWALL_IMAGE_DATA_MB must be a number of MiB" ;; esac
[ "$data_mb" -ge 256 ] || die "ECHOWALL_IMAGE_DATA_MB must be at least 256"
version=$(sed -n 's/^project(echowall VERSION \([0-9][0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
[ -n "$version" ] || die "no VERSION in project() of CMakeLists.txt"
mkdir -p "$out" "$cache"

# qemu-aarch64 runs the root's programs (maintainer scripts, chroot).
sh "$here/arm64/binfmt.sh" >/dev/null

# --- 1. the package ------------------------------------------------------
if [ -n "${ECHOWALL_IMAGE_DEB:-}" ]; then
    deb=$(cd "$(dirname "$ECHOWALL_IMAGE_DEB")" && pwd)/$(basename "$ECHOWALL_IMAGE_DEB")
else
    rm -rf "${out:?}/deb"
    if ! sh "$top/image/deb/build-deb.sh" --arm64 "$out/deb-build" "$out/deb" >"$out/deb.log" 2>&1; then
        tail -n 30 "$out/deb.log" >&2
        die "the arm64 package did not build (the end of $out/deb.log is above)"
    fi
    deb=$out/deb/echowall_${version}_arm64.deb
fi
[ -f "$deb" ] || die "no package $deb"
[ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || die "$deb is not an arm64 package"
say "package $(basename "$deb")"

# --- the boot firmware: reachable? ---------------------------------------
if [ "$firmware" = auto ]; then
    firmware=no
    if /usr/lib/apt/apt-helper download-file "$mirror/dists/$suite/Release" "$out/Release" >/dev/null 2>&1 &&
        grep -q '^Components:.*non-free-firmware' "$out/Release"; then
        firmware=yes
    fi
    rm -f "$out/Release"
fi
components=main
if [ "$firmware" = yes ]; then
    components=main,non-free-firmware
    fw_pkg=raspi-firmware
else
    fw_pkg=""
    echo "image: WARNING: no Raspberry Pi boot firmware: Debian's non-free-firmware component" \
        "(package raspi-firmware) cannot be reached at $mirror. The image is built and can be" \
        "checked, but it WILL NOT BOOT on a Pi." >&2
fi

# --- the root password ---------------------------------------------------
# Made for this build only, 100 random bits as 20 letters and digits of
# base32 in groups of four; kept beside the image, readable by root alone,
# and put into the root's shadow by customize-root.sh (hashed by the root's
# chpasswd). Never a fixed one: none is kept in the repository.
img=$out/echowall-$version-rpi-arm64.img
password=$img.root-password
rm -f "$password"
(
    umask 077
    head -c 15 /dev/urandom | base32 | tr -d '=\n' | tr '[:upper:]' '[:lower:]' | head -c 20 |
        sed 's/..../&-/g; s/-$//' >"$password"
    echo >>"$password"
)
grep -Eqx '[a-z2-7]{4}(-[a-z2-7]{4}){4}' "$password" || die "could not make a root password"

# --- 2. the root file system ---------------------------------------------
# The packages beside echowall's own Depends: the kernel and initramfs, the
# read-only root (overlayroot, image/customize-root.sh), the firmware,
# systemd as init with udev and timesyncd (the clock file, systemd/README.md),
# the time zones (TZ=Asia/Shanghai), the stick helper's
# fsck tools, and Mesa's EGL, GLES and DRI drivers, which SDL's KMSDRM video
# driver opens at run time (dlopen: dpkg-shlibdeps cannot see them).
# mmdebstrap that failed can leave its mounts inside the old root (the .deb
# bound in by file-mirror-automount): unmount them, deepest first.
awk -v r="$out/root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount "$m" || umount -l "$m"; done
rm -rf "${out:?}/root"
# shellcheck disable=SC2016 # the hooks' $1 is mmdebstrap's, not ours
if ! mmdebstrap --mode=root --arch=arm64 --variant=minbase --format=directory \
    --components=$components --aptopt='APT::Install-Recommends "false"' \
    --skip=essential/unlink \
    --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
    --setup-hook="sync-in $cache /var/cache/apt/archives/" \
    --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
    --essential-hook="sh '$here/customize-root.sh' essential \"\$1\"" \
    --include=systemd-sysv,udev,systemd-timesyncd,kmod,initramfs-tools,overlayroot,linux-image-arm64,tzdata \
    --include=dosfstools,exfatprogs,e2fsprogs,fdisk,libegl1,libgles2,libgl1-mesa-dri${fw_pkg:+,$fw_pkg} \
    --include="$deb" \
    --customize-hook="sync-out /var/cache/apt/archives $cache" \
    --customize-hook="sh '$here/customize-root.sh' finish \"\$1\" $firmware '$password'" \
    $suite "$out/root" "deb $mirror $suite main${fw_pkg:+ non-free-firmware}" \
    "deb $mirror $suite-updates main${fw_pkg:+ non-free-firmware}" \
    "deb $security $suite-security main${fw_pkg:+ non-free-firmware}" \
    >"$out/mmdebstrap.log" 2>&1; then
    tail -n 30 "$out/mmdebstrap.log" >&2
    die "mmdebstrap failed (the end of $out/mmdebstrap.log is above)"
fi
say "root file system $(du -sh "$out/root" | cut -f1)"

# --- 3. the file systems -------------------------------------------------
# The boot files move out of the root (whose /boot/firmware stays as the
# empty mount point) into the FAT partition's folder.
rm -rf "${out:?}/boot" "${out:?}/data"
mkdir -p "$out/boot"
if [ -n "$(ls -A "$out/root/boot/firmware")" ]; then
    mv "$out/root/boot/firmware"/* "$out/boot/"
fi
# The data partition (root's, 0755): echowall/, bound at /var/lib/echowall,
# the kiosk's (its user and group as the root's sysusers made them, 0750);
# update/, bound at /var/lib/echowall-update, the update helper's (root's,
# 0755 as the helper keeps it: the kiosk reads the outcome and the failed
# list there but cannot write), seeded with the installed package for the
# first update by stick to roll back to. The helper needs nothing else: it
# pins the town key at the first request and writes state, failed and
# result as it goes.
uid=$(awk -F: '$1 == "echowall" { print $3 }' "$out/root/etc/passwd")
gid=$(awk -F: '$1 == "echowall" { print $3 }' "$out/root/etc/group")
if [ -z "$uid" ] || [ -z "$gid" ]; then die "the root has no user echowall (did the package install?)"; fi
# (The package's postinst made /var/lib/echowall/update there with
# systemd-tmpfiles: empty folders, hidden under the mounts, are fine.)
if [ -n "$(find "$out/root/var/lib/echowall" "$out/root/var/lib/echowall-update" -mindepth 1 ! -type d)" ]; then
    die "the root's /var/lib/echowall or /var/lib/echowall-update holds files (the data partition would hide them)"
fi
mkdir -p "$out/data/echowall" "$out/data/update"
cp "$deb" "$out/data/update/current.deb"
chown 0:0 "$out/data" "$out/data/update" "$out/data/update/current.deb"
chmod 0755 "$out/data" "$out/data/update"
chmod 0644 "$out/data/update/current.deb"
chown "$uid:$gid" "$out/data/echowall"
chmod 0750 "$out/data/echowall"

rm -f "$out/boot.vfat" "$out/root.ext4" "$out/data.ext4"
mkfs.vfat -F 32 -n EW-BOOT -C "$out/boot.vfat" $((boot_mb * 1024)) >/dev/null
if [ -n "$(ls -A "$out/boot")" ]; then
    mcopy -s -p -i "$out/boot.vfat" "$out/boot"/* ::/
fi
# The root: what it holds plus a quarter and 128 MiB (an update unpacks a
# new package beside the old), in whole MiB; 1 % reserved for root.
root_kib=$(du -s -k --apparent-size "$out/root" | cut -f1)
root_mb=$(((root_kib * 5 / 4) / 1024 + 128))
mke2fs -q -t ext4 -L ew-root -m 1 -d "$out/root" "$out/root.ext4" "${root_mb}M" >/dev/null
mke2fs -q -t ext4 -L ew-data -m 0 -d "$out/data" -E root_owner=0:0 "$out/data.ext4" "${data_mb}M" >/dev/null
say "file systems: boot ${boot_mb} MiB, root ${root_mb} MiB, data ${data_mb} MiB"

# --- 4. the image --------------------------------------------------------
# MBR (the Pi 3B+'s boot ROM reads no GPT): 4 MiB free at the start, the
# FAT32 boot partition (type c, active), the root, the data partition.
boot_at=4
root_at=$((boot_at + boot_mb))
data_at=$((root_at + root_mb))
total=$((data_at + data_mb))
rm -f "$img"
truncate -s "${total}M" "$img"
sfdisk --quiet "$img" <<EOF
label: dos
unit: sectors
start=$((boot_at * 2048)), size=$((boot_mb * 2048)), type=c, bootable
start=$((root_at * 2048)), size=$((root_mb * 2048)), type=83
start=$((data_at * 2048)), size=$((data_mb * 2048)), type=83
EOF
dd if="$out/boot.vfat" of="$img" bs=1M seek=$boot_at conv=notrunc,sparse status=none
dd if="$out/root.ext4" of="$img" bs=1M seek=$root_at conv=notrunc,sparse status=none
dd if="$out/data.ext4" of="$img" bs=1M seek=$data_at conv=notrunc,sparse status=none
rm -f "$out/boot.vfat" "$out/root.ext4" "$out/data.ext4"
echo "$firmware" >"$out/firmware"
say "$img: $total MiB ($(du -sh "$img" | cut -f1) allocated), boot firmware: $firmware"
say "the root password is in $password (root's only): keep it with the town's keys"
