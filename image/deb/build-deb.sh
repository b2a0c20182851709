#!/bin/sh
# Builds the Debian package echowall_<version>_<arch>.deb.
#
#   sh image/deb/build-deb.sh [--arm64] BUILD_DIR [OUT_DIR]
#
# --arm64 cross-builds echowall_<version>_arm64.deb for the Pi with
# image/arm64/toolchain.cmake against the sysroot of image/arm64/sysroot.sh
# ($ECHOWALL_ARM64_SYSROOT, else build/sysroot-arm64; made when missing);
# Debian's build flags are then arm64's (DEB_HOST_ARCH=arm64) and Depends
# comes from the arm64 packages' own symbols files (image/deb/README.md).
#
# Configures an optimised build in BUILD_DIR with the prefix /usr and
# Debian's own compiler and linker flags (dpkg-buildflags: hardening), builds
# the programs and their data (no tests), and runs CPack's DEB generator;
# the package lands in OUT_DIR (default BUILD_DIR). Needs the build
# dependencies of image/debian-packages.txt, which include dpkg-dev.
# Warnings are not errors here: a distribution build must not fail on a
# newer compiler's new warning (the dev preset keeps -Werror).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
cross=""
if [ "${1:-}" = --arm64 ]; then
    shift
    sysroot=${ECHOWALL_ARM64_SYSROOT:-$src/build/sysroot-arm64}
    sh "$src/image/arm64/sysroot.sh" "$sysroot"
    ECHOWALL_ARM64_SYSROOT=$sysroot
    DEB_HOST_ARCH=arm64
    export ECHOWALL_ARM64_SYSROOT DEB_HOST_ARCH
    cross="-DCMAKE_TOOLCHAIN_FILE=$src/image/arm64/toolchain.cmake"
fi
build=${1:?usage: build-deb.sh [--arm64] BUILD_DIR [OUT_DIR]}
out=${2:-$build}
jobs=${EW_JOBS:-$(nproc 2>/dev/null || echo 2)}

DEB_BUILD_MAINT_OPTIONS=hardening=+all
export DEB_BUILD_MAINT_OPTIONS
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
export CFLAGS LDFLAGS

# shellcheck disable=SC2086
cmake -S "$src" -B "$build" $cross -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF -DEW_WERROR=OFF -DEW_SANITIZE=OFF
cmake --build "$build" --parallel "$jobs"
mkdir -p "$out"
(cd "$build" && cpack -G DEB -B "$out")
rm -rf "$out/_CPack_Packages"
ls "$out"/echowall_*.deb
