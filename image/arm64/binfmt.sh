#!/bin/sh
# As root: make the kernel run arm64 programs through qemu-user
# (qemu-user-static's binfmt_misc entry, /usr/lib/binfmt.d/qemu-aarch64.conf),
# mounting binfmt_misc first when it is not (a container without systemd).
# The arm64 tests need it: tests/*.sh and some test programs start the
# cross-built programs themselves. Then checks that an arm64 program runs,
# with the sysroot's dynamic loader (image/arm64/sysroot.sh).
#
#   sh image/arm64/binfmt.sh [SYSROOT]      (default: build/sysroot-arm64)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sysroot=${1:-${ECHOWALL_ARM64_SYSROOT:-$top/build/sysroot-arm64}}
bm=/proc/sys/fs/binfmt_misc
conf=/usr/lib/binfmt.d/qemu-aarch64.conf

if [ ! -e $bm/register ]; then
    mount -t binfmt_misc binfmt_misc $bm ||
        { echo "binfmt: cannot mount binfmt_misc on $bm (needs root)" >&2; exit 1; }
fi
if [ -e $bm/qemu-aarch64 ]; then
    grep -q '^enabled' $bm/qemu-aarch64 || echo 1 >$bm/qemu-aarch64
    echo "binfmt: qemu-aarch64: $(grep '^interpreter' $bm/qemu-aarch64)"
else
    [ -f $conf ] || { echo "binfmt: no $conf (Debian package qemu-user-static)" >&2; exit 1; }
    cat $conf >$bm/register
    echo "binfmt: registered qemu-aarch64 from $conf"
fi

# An arm64 program straight from the shell: the sysroot's dynamic loader.
if [ -x "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
    QEMU_LD_PREFIX=$sysroot "$sysroot/lib/ld-linux-aarch64.so.1" --version | head -n 1
fi
