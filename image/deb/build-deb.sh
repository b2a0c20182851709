#!/bin/sh
# Builds the Debian package echowall_<version>_<arch>.deb.
#
#   sh image/deb/build-deb.sh BUILD_DIR [OUT_DIR]
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
build=${1:?usage: build-deb.sh BUILD_DIR [OUT_DIR]}
out=${2:-$build}
jobs=${EW_JOBS:-$(nproc 2>/dev/null || echo 2)}

DEB_BUILD_MAINT_OPTIONS=hardening=+all
export DEB_BUILD_MAINT_OPTIONS
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
export CFLAGS LDFLAGS

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF -DEW_WERROR=OFF -DEW_SANITIZE=OFF
cmake --build "$build" --parallel "$jobs"
mkdir -p "$out"
(cd "$build" && cpack -G DEB -B "$out")
rm -rf "$out/_CPack_Packages"
ls "$out"/echowall_*.deb
