#!/bin/sh
# The arm64 sysroot for the cross build (image/arm64/toolchain.cmake) and for
# running its programs under qemu-aarch64-static: Debian 12's arm64 builds of
# every lib*-dev package in image/debian-packages.txt (the one list) and
# everything they depend on, unpacked with dpkg-deb -x. Nothing is installed
# on this machine: apt runs with a state folder of its own (arm64 its only
# architecture, an empty dpkg status, so that the whole dependency closure is
# fetched) and the host's dpkg never hears of arm64.
#
#   sh image/arm64/sysroot.sh [DIR]      (default: build/sysroot-arm64)
#
# A sysroot already made from the same list by the same script is kept
# (DIR/.echowall-sysroot holds their checksum); ECHOWALL_SYSROOT_FRESH=1
# makes it again. Needs apt-get, dpkg-deb and the network; root is not needed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
root=${1:-$top/build/sysroot-arm64}
case $root in /*) ;; *) root=$(pwd)/$root ;; esac

pkgs=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$top/image/debian-packages.txt" | grep -E '^lib.+-dev$' | sort -u)
# libc-bin: the C.UTF-8 locale and ldconfig, which nothing here depends on.
pkgs="$pkgs libc-bin"
stamp=$( (echo "$pkgs"; cat "$0") | sha256sum | cut -d' ' -f1)
if [ "${ECHOWALL_SYSROOT_FRESH:-0}" != 1 ] && [ -f "$root/.echowall-sysroot" ] &&
   [ "$(cat "$root/.echowall-sysroot")" = "$stamp" ]; then
    echo "sysroot: $root is up to date"
    exit 0
fi

work=$root.work
rm -rf "$work" "$root.new"
mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial" "$root.new"
: >"$work/state/status"
set -- -q -o APT::Architecture=arm64 -o APT::Architectures=arm64 \
    -o Dir::State="$work/state" -o Dir::State::status="$work/state/status" \
    -o Dir::Cache="$work/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
    -o APT::Install-Recommends=0 -o APT::Install-Suggests=0 -o Acquire::Languages=none
echo "sysroot: fetching the arm64 packages for: $(echo "$pkgs" | tr '\n' ' ')"
apt-get "$@" update >"$work/update.log" 2>&1 || { cat "$work/update.log" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get "$@" -y --download-only install $pkgs >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; exit 1; }
# Each package's own symbols and shlibs control files, concatenated into
# DEBIAN/symbols and DEBIAN/shlibs: dpkg-shlibdeps treats a folder holding
# DEBIAN/ as a package build tree and reads them for a library found there,
# which is how the arm64 .deb gets its Depends (image/deb/README.md).
mkdir -p "$root.new/DEBIAN" "$work/control"
: >"$root.new/DEBIAN/symbols"
: >"$root.new/DEBIAN/shlibs"
n=0
for deb in "$work"/cache/archives/*.deb; do
    dpkg-deb -x "$deb" "$root.new"
    rm -rf "$work/control"
    dpkg-deb -e "$deb" "$work/control"
    for f in symbols shlibs; do
        if [ -f "$work/control/$f" ]; then cat "$work/control/$f" >>"$root.new/DEBIAN/$f"; fi
    done
    n=$((n + 1))
done
echo "sysroot: unpacked $n packages ($(du -sh "$work/cache/archives" | cut -f1) of .deb)"

# Only libraries, headers, pkg-config files and DEBIAN/: no programs, no /etc, no
# shared data. qemu-aarch64 -L looks up every absolute path in the sysroot
# first, so anything else here would hide the host's own files (fonts,
# /usr/share/rime-data, the zinnia model, /bin/sh) from the programs under test.
cd "$root.new"
rm -rf bin sbin etc var usr/bin usr/sbin usr/games usr/libexec usr/lib/aarch64-linux-gnu/perl* \
    usr/lib/python3* usr/lib/aarch64-linux-gnu/gdk-pixbuf-2.0
if [ -d usr/share ]; then
    find usr/share -mindepth 1 -maxdepth 1 ! -name pkgconfig -exec rm -rf {} +
fi
# Symbolic links to absolute paths (libfoo.so -> /lib/...) point into the
# sysroot instead of the host.
find . -type l -lname '/*' | while read -r link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m -s --relative-to="$(dirname "$link")" "$root.new$target")" "$link"
done
# zinnia.pc links with -lstdc++: the unversioned name that libstdc++-12-dev
# puts in gcc's own folder, where the cross compiler does not look.
ln -sfn libstdc++.so.6 usr/lib/aarch64-linux-gnu/libstdc++.so
cd "$top"
test -e "$root.new/lib/ld-linux-aarch64.so.1" || { echo "sysroot: no arm64 dynamic loader" >&2; exit 1; }

echo "$stamp" >"$root.new/.echowall-sysroot"
rm -rf "$root" "$work"
mv "$root.new" "$root"
echo "sysroot: $root ($(du -sh "$root" | cut -f1))"
