#!/bin/sh
# systemd_units.sh SOURCE_DIR KIOSK_BINARY: the appliance's systemd/ folder,
# checked as far as a machine without systemd as PID 1 allows.
#
#   install   systemd/CMakeLists.txt installs every file into a scratch root
#             (DESTDIR), where Debian 12 wants it.
#   verify    `systemd-analyze verify --root` on every unit and on the Debian
#             units the drop-ins change, in that root beside a copy of this
#             machine's own units, with /usr/bin/echowall the binary just
#             built: no message at all is allowed (an unknown key is only a
#             warning to systemd-analyze, a failure here).
#   security  `systemd-analyze security --offline=true` with a threshold per
#             unit, at the exposure each really achieves (echowall.service:
#             1.1; echowall-update.service, root running dpkg: 4.4).
#             The update helper itself is tested by update_helper.sh.
#   sandbox   echowall-stick@.service has no setting that would give it a
#             mount namespace of its own (its mount would be invisible).
#   settings  every key of the logind, journald and manager drop-ins is one
#             this systemd knows; every sysctl exists; sysusers.d and
#             tmpfiles.d applied to the root make the user and the folders.
#   udev      the rule parses (`udevadm test` in a private mount namespace
#             with the rule as the only one in /etc/udev/rules.d: 252 has no
#             `udevadm verify`), and on a loop device holding FAT32 (the rule's
#             USB and sd* tests pointed at loop devices, nothing else changed)
#             it hides the device from udisks and wants
#             echowall-stick@loopN.service; ext2 wants nothing.
#   stick     libexec/echowall-stick on loop devices with FAT32, exFAT and
#             ext4: mounted nosuid,nodev,noexec and writable by the kiosk's
#             user (here `nobody`) and nobody else, also from inside a
#             namespace made like the kiosk's sandbox (read-only, slave) before
#             the stick arrived; ext4 files of another device's user become
#             ours, a link named echowall is not followed; unsupported file
#             systems, a second stick and a disk with a partition mounted are
#             refused; umount unmounts.
#   reserve   libexec/echowall-reserve makes a 64 MiB allocated file once.
#   dbcheck   echowall-dbcheck.service's command: a missing or clean database
#             is left alone, a damaged one rebuilt and kept aside.
#   notify    the kiosk, under a fake $NOTIFY_SOCKET with a 1 s watchdog,
#             says READY=1 after its first frame, WATCHDOG=1 about every
#             0.5 s, and STOPPING=1 on SIGTERM.
#
# The parts that need root, loop devices and unshare (udev, stick) say so
# and are skipped elsewhere; without systemd-analyze the whole test is
# skipped (exit 77) with a message. Not testable here: the units running
# under a real systemd (ordering, the watchdog kill, OnFailure=, BindsTo= on
# a pulled stick), KMSDRM on a real screen, a real USB stick.
set -eu
src=$1
kiosk=$2
name=systemd_units
passed=0

fail() {
    echo "$name: FAIL: $*" >&2
    exit 1
}
ok() {
    passed=$((passed + 1))
    echo "$name: ok: $*"
}
note() { echo "$name: $*"; }

# ---- the stick, inside a private mount namespace (re-entered below) ----
# stick_part WORKDIR: run as `unshare -m sh systemd_units.sh --stick ...`.
stick_part() {
    work=$1
    helper=$2
    count=0
    : >"$work/loops"
    cleanup() {
        for m in $(findmnt -rn -o TARGET | grep "^$work" | sort -r); do umount -l "$m" 2>/dev/null || true; done
        while read -r l; do losetup -d "$l" 2>/dev/null || true; done <"$work/loops"
    }
    trap cleanup EXIT
    sfail() {
        echo "$name: FAIL: stick: $*" >&2
        exit 1
    }
    sok() {
        count=$((count + 1))
        echo "$name: ok: stick: $*"
    }
    # The mount point's parent: a tmpfs made shared, as systemd makes /run.
    base=$work/run
    mkdir -p "$base"
    mount -t tmpfs -o mode=0755 tmpfs "$base"
    mount --make-shared "$base"
    mnt=$base/stick
    export ECHOWALL_STICK_MOUNT=$mnt ECHOWALL_USER=nobody
    nobody_uid=$(id -u nobody)
    as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }

    newloop() { # newloop IMAGE [-P]: attaches, prints the device
        l=$(losetup -f --show ${2:-} "$1") || sfail "losetup $1"
        echo "$l" >>"$work/loops" # detached on the way out, whatever happens
        echo "$l"
    }

    mkfs_any() { # mkfs_any TYPE DEVICE_OR_IMAGE
        case $1 in
        vfat) mkfs.vfat -n STICK "$2" >/dev/null ;;
        exfat) mkfs.exfat -L STICK "$2" >/dev/null ;;
        ext4) mkfs.ext4 -q -F "$2" ;;
        esac
    }
    # Which of the three this kernel can mount at all (a Debian kernel loads
    # vfat and exfat on demand; a minimal VM kernel may have neither).
    kinds=""
    mkdir -p "$work/probe"
    for fs in vfat exfat ext4; do
        img=$work/probe.img
        truncate -s 48M "$img"
        mkfs_any $fs "$img"
        dev=$(newloop "$img")
        if mount -t $fs -o ro "$dev" "$work/probe" 2>"$work/err"; then
            umount "$work/probe"
            kinds="$kinds $fs"
        else
            echo "$name: skipped: stick: $fs: this kernel cannot mount it ($(head -n 1 "$work/err"))"
        fi
        losetup -d "$dev"
        rm -f "$img"
    done
    [ -n "$kinds" ] || sfail "this kernel mounts none of vfat, exfat, ext4"
    first=$(echo $kinds | cut -d' ' -f1)

    for fs in $kinds; do
        img=$work/$fs.img
        truncate -s 48M "$img"
        case $fs in
        vfat | exfat) mkfs_any $fs "$img" ;;
        ext4)
            # A stick another device wrote: echowall/ of uid 4242, mode 0700.
            tree=$work/ext4tree
            mkdir -p "$tree/echowall"
            echo old >"$tree/echowall/bundle.db"
            chmod 0700 "$tree/echowall"
            chmod 0600 "$tree/echowall/bundle.db"
            chown -R 4242:4242 "$tree/echowall"
            mkfs.ext4 -q -F -d "$tree" "$img"
            ;;
        esac
        dev=$(newloop "$img")
        "$helper" mount "$dev" 2>"$work/err" || sfail "$fs: mount refused: $(cat "$work/err")"
        opts=$(findmnt -rn -o OPTIONS --mountpoint "$mnt") || sfail "$fs: nothing mounted at $mnt"
        for o in nosuid nodev noexec rw; do
            case ",$opts," in *",$o,"*) ;; *) sfail "$fs: mount options $opts lack $o" ;; esac
        done
        # The kiosk's user writes as sync does: a folder, a temporary name,
        # rename; then reads it back.
        as_nobody sh -c "mkdir -p '$mnt/echowall' && echo new >'$mnt/echowall/out.tmp' && mv '$mnt/echowall/out.tmp' '$mnt/echowall/out.db' && cat '$mnt/echowall/out.db'" \
            >"$work/out" 2>"$work/err" || sfail "$fs: the kiosk's user cannot write: $(cat "$work/err")"
        [ "$(cat "$work/out")" = new ] || sfail "$fs: read back '$(cat "$work/out")'"
        [ "$(stat -c %u "$mnt/echowall/out.db")" = "$nobody_uid" ] || sfail "$fs: the file is not the kiosk user's"
        # ... and another user cannot even look.
        if setpriv --reuid=daemon --regid=daemon --clear-groups ls "$mnt/echowall" >/dev/null 2>&1; then
            sfail "$fs: another user can list the stick"
        fi
        if [ "$fs" = ext4 ]; then
            as_nobody cat "$mnt/echowall/bundle.db" >"$work/out" 2>"$work/err" ||
                sfail "ext4: another device's bundle is unreadable: $(cat "$work/err")"
            as_nobody rm "$mnt/echowall/bundle.db" || sfail "ext4: another device's bundle cannot be replaced"
        fi
        "$helper" umount 2>"$work/err" || sfail "$fs: umount: $(cat "$work/err")"
        ! findmnt -rn --mountpoint "$mnt" >/dev/null || sfail "$fs: still mounted after umount"
        sok "$fs: checked, mounted nosuid,nodev,noexec, written only by the kiosk's user, unmounted"
        losetup -d "$dev"
    done

    # A link named echowall on an ext4 stick is not followed by chown.
    tree=$work/linktree
    mkdir -p "$tree"
    ln -s /etc "$tree/echowall"
    img=$work/link.img
    truncate -s 16M "$img"
    mkfs.ext4 -q -F -d "$tree" "$img"
    etc_owner=$(stat -c %u /etc)
    dev=$(newloop "$img")
    "$helper" mount "$dev" 2>"$work/err" || sfail "link: mount refused: $(cat "$work/err")"
    [ "$(stat -c %u /etc)" = "$etc_owner" ] || sfail "link: chown followed echowall -> /etc"
    "$helper" umount 2>/dev/null
    sok "ext4: a link named echowall is left alone"

    # The kiosk's sandbox: a namespace made before the stick arrives, with
    # the mount point's folder read-only (ProtectSystem=strict) and mounts
    # slaved to the host's (systemd's namespaces are). The stick mounted
    # later must show up there, writable by the kiosk's user.
    img=$work/$first.img
    dev=$(newloop "$img")
    rm -f "$work/sandbox.out"
    unshare -m --propagation slave sh -c "
        mount --bind '$base' '$base' && mount -o remount,bind,ro '$base' || exit 3
        touch '$base/x' 2>/dev/null && exit 4
        i=0
        while ! findmnt -rn --mountpoint '$mnt' >/dev/null; do
            i=\$((i + 1)); [ \$i -lt 100 ] || exit 5; sleep 0.1
        done
        setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups \
            sh -c 'echo sandboxed >\"$mnt/echowall/sandbox.txt\"' || exit 6
        echo done" >"$work/sandbox.out" 2>&1 &
    ns=$!
    sleep 0.5
    "$helper" mount "$dev" 2>"$work/err" || sfail "sandbox: mount refused: $(cat "$work/err")"
    st=0
    wait "$ns" || st=$?
    [ "$st" -eq 0 ] || sfail "sandbox: status $st (3 bind, 4 not read-only, 5 the stick never showed, 6 not writable): $(cat "$work/sandbox.out")"
    [ "$(cat "$mnt/echowall/sandbox.txt")" = sandboxed ] || sfail "sandbox: the write did not reach the stick"
    sok "a stick mounted after the sandbox was made is seen and written from inside it"

    # A second stick while one is mounted: refused.
    img=$work/second.img
    truncate -s 40M "$img"
    mkfs_any $first "$img"
    dev2=$(newloop "$img")
    if "$helper" mount "$dev2" 2>"$work/err"; then sfail "a second stick was mounted"; fi
    grep -q "already mounted" "$work/err" || sfail "second stick: $(cat "$work/err")"
    "$helper" umount 2>/dev/null
    sok "a second stick is refused while one is mounted"

    # Not FAT32, exFAT or ext4: refused.
    img=$work/ext2.img
    truncate -s 16M "$img"
    mke2fs -q -F -t ext2 "$img"
    dev=$(newloop "$img")
    if "$helper" mount "$dev" 2>"$work/err"; then sfail "ext2 was mounted"; fi
    grep -q "not FAT32, exFAT or ext4" "$work/err" || sfail "ext2: $(cat "$work/err")"
    sok "ext2 is refused"

    # A disk with a partition mounted already (the appliance booting from
    # USB): its other partitions are refused. An MBR with two partitions,
    # written by hand (sfdisk is not everywhere).
    img=$work/disk.img
    truncate -s 72M "$img"
    # entry: status, CHS, type, CHS, first LBA (le32), sectors (le32)
    printf '\000\000\000\000\014\000\000\000\000\010\000\000\000\000\001\000' |
        dd of="$img" bs=1 seek=446 conv=notrunc 2>/dev/null
    printf '\000\000\000\000\203\000\000\000\000\010\001\000\000\000\001\000' |
        dd of="$img" bs=1 seek=462 conv=notrunc 2>/dev/null
    printf '\125\252' | dd of="$img" bs=1 seek=510 conv=notrunc 2>/dev/null
    disk=$(newloop "$img" -P)
    i=0
    while [ ! -b "${disk}p2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if [ -b "${disk}p1" ] && [ -b "${disk}p2" ]; then
        mkfs_any $first "${disk}p1"
        mkfs.ext4 -q -F "${disk}p2"
        mkdir -p "$work/data"
        mount "${disk}p2" "$work/data"
        if "$helper" mount "${disk}p1" 2>"$work/err"; then sfail "a partition of a mounted disk was mounted"; fi
        grep -q "is mounted already" "$work/err" || sfail "mounted disk: $(cat "$work/err")"
        umount "$work/data"
        "$helper" mount "${disk}p1" 2>"$work/err" || sfail "the same partition once the disk is free: $(cat "$work/err")"
        "$helper" umount 2>/dev/null
        sok "a disk with a partition mounted (a USB boot disk) is refused"
    else
        echo "$name: skipped: stick: this kernel made no partitions of a loop device"
    fi
    echo "$count" >"$work/stick.count"
}

if [ "${1:-}" = --stick ]; then
    stick_part "$2" "$3"
    exit 0
fi

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "$name: SKIPPED: systemd-analyze is missing (Debian package systemd)"
    exit 77
fi
[ -x "$kiosk" ] || fail "no kiosk binary at $kiosk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sysd=$src/systemd

# ---- install ----
root=$tmp/root
cmake -S "$sysd" -B "$tmp/build" -DCMAKE_INSTALL_PREFIX=/usr >"$tmp/cmake.log" 2>&1 ||
    fail "cmake -S systemd: $(cat "$tmp/cmake.log")"
DESTDIR=$root cmake --install "$tmp/build" >"$tmp/install.log" 2>&1 ||
    fail "cmake --install: $(cat "$tmp/install.log")"
for f in lib/systemd/system/echowall.service lib/systemd/system/echowall-stick@.service \
    lib/systemd/system/echowall-paused.service lib/systemd/system/echowall-reserve.service \
    lib/systemd/system/echowall-dbcheck.service \
    lib/systemd/system/echowall-update.service lib/systemd/system/echowall-update.path \
    usr/libexec/echowall/echowall-update \
    lib/systemd/system/echowall-poweroff.path lib/systemd/system/echowall-poweroff.service \
    lib/systemd/system/getty@.service.d/echowall.conf \
    lib/systemd/system/serial-getty@.service.d/echowall.conf \
    lib/systemd/system/systemd-timesyncd.service.d/echowall.conf \
    lib/udev/rules.d/99-echowall-stick.rules usr/libexec/echowall/echowall-stick \
    usr/libexec/echowall/echowall-reserve usr/lib/systemd/logind.conf.d/echowall.conf \
    usr/lib/systemd/journald.conf.d/echowall.conf usr/lib/systemd/system.conf.d/echowall.conf \
    usr/lib/sysctl.d/90-echowall.conf usr/lib/tmpfiles.d/echowall.conf \
    usr/lib/sysusers.d/echowall.conf; do
    [ -e "$root/$f" ] || fail "install: /$f is missing"
done
for h in echowall-stick echowall-reserve echowall-update; do
    [ -x "$root/usr/libexec/echowall/$h" ] || fail "install: libexec/$h is not executable"
done
[ "$(readlink "$root/etc/systemd/system/ctrl-alt-del.target")" = /dev/null ] ||
    fail "install: ctrl-alt-del.target is not masked"
ok "install: every file where Debian 12 wants it, ctrl-alt-del.target masked"

# ---- verify ----
# This machine's units (sysinit.target, getty@.service...) beside ours, and
# every command the verified units run, copied from this machine (the kiosk:
# the binary just built).
mkdir -p "$root/usr/lib/systemd/system"
cp -a /lib/systemd/system/. "$root/usr/lib/systemd/system/"
verify="echowall.service echowall-paused.service echowall-reserve.service echowall-dbcheck.service echowall-stick@sda1.service echowall-poweroff.path echowall-poweroff.service echowall-update.service echowall-update.path getty@tty1.service serial-getty@ttyS1.service"
if [ -e /lib/systemd/system/systemd-timesyncd.service ]; then
    verify="$verify systemd-timesyncd.service"
else
    note "systemd-timesyncd is not installed here: its drop-in is not verified"
fi
mkdir -p "$root/usr/bin"
cp "$kiosk" "$root/usr/bin/echowall"
ctl=$(dirname "$kiosk")/echowallctl
[ -x "$ctl" ] || fail "verify: no echowallctl beside $kiosk"
cp "$ctl" "$root/usr/bin/echowallctl"
for u in $verify; do
    case $u in *@*) t=${u%%@*}@.service ;; *) t=$u ;; esac
    for f in "$root/lib/systemd/system/$t" "$root/usr/lib/systemd/system/$t" \
        "$root/lib/systemd/system/$t.d/"*.conf; do
        [ -f "$f" ] || continue
        sed -n 's/^Exec[A-Za-z]*=[-+!@:]*\([^ ]*\).*/\1/p' "$f"
    done
done | sort -u >"$tmp/commands"
while read -r c; do
    [ -e "$root$c" ] && continue
    [ -e "$c" ] || fail "verify: a unit runs $c, which this machine does not have"
    mkdir -p "$root$(dirname "$c")"
    cp "$c" "$root$c"
done <"$tmp/commands"
# shellcheck disable=SC2086
systemd-analyze verify --root="$root" $verify >"$tmp/verify.log" 2>&1 || true
if [ -s "$tmp/verify.log" ]; then
    fail "systemd-analyze verify: $(cat "$tmp/verify.log")"
fi
ok "systemd-analyze verify: $verify"

# ---- security ----
# unit threshold (exposure x 10): as strict as each unit really is.
for pair in echowall.service:11 echowall-paused.service:11 echowall-reserve.service:2 \
    echowall-dbcheck.service:2 echowall-stick@sda1.service:41 echowall-poweroff.service:33 \
    echowall-update.service:46; do
    u=${pair%%:*}
    t=${pair##*:}
    st=0
    systemd-analyze security --offline=true --root="$root" --threshold="$t" "$u" \
        >"$tmp/security.log" 2>&1 || st=$?
    score=$(grep "Overall exposure level" "$tmp/security.log" || true)
    [ -n "$score" ] || fail "systemd-analyze security $u: $(cat "$tmp/security.log")"
    [ "$st" -eq 0 ] || fail "$u is over its threshold $t: $score; $(grep '✗' "$tmp/security.log")"
    ok "security: ${score#→ } (threshold $t)"
done

# ---- sandbox of the stick unit ----
for key in ProtectSystem ProtectHome PrivateTmp PrivateDevices PrivateMounts PrivateNetwork \
    PrivateIPC PrivateUsers ProtectKernelTunables ProtectKernelModules ProtectKernelLogs \
    ProtectControlGroups ProtectHostname ProtectProc ProcSubset ReadWritePaths ReadOnlyPaths \
    InaccessiblePaths ExecPaths NoExecPaths BindPaths BindReadOnlyPaths TemporaryFileSystem \
    RootDirectory RootImage MountFlags MountAPIVFS DynamicUser LogNamespace NetworkNamespacePath; do
    if grep -q "^$key=" "$sysd/echowall-stick@.service"; then
        fail "echowall-stick@.service sets $key=, which gives it a mount namespace of its own: the stick would be mounted where the kiosk cannot see it"
    fi
done
ok "echowall-stick@.service shares the host's mount table"

# ---- settings ----
# Each key must be in the daemon's table of settings ("Section.Key").
check_keys() { # check_keys FILE SECTION BINARY
    [ -e "$3" ] || {
        note "$3 is not installed here: the keys of $1 are not checked"
        return 0
    }
    for k in $(sed -n 's/^\([A-Za-z]*\)=.*/\1/p' "$1"); do
        grep -aq "$2\.$k" "$3" || fail "$1: $k is not a $2 setting of $3"
    done
}
check_keys "$sysd/logind.conf.d/echowall.conf" Login /lib/systemd/systemd-logind
check_keys "$sysd/journald.conf.d/echowall.conf" Journal /lib/systemd/systemd-journald
grep -q '^\[Manager\]' "$sysd/system.conf.d/echowall.conf" || fail "system.conf.d: no [Manager]"
for k in $(sed -n 's/^\([A-Za-z]*\)=.*/\1/p' "$sysd/system.conf.d/echowall.conf"); do
    grep -aq "$k" /lib/systemd/systemd || fail "system.conf.d: $k is not known to systemd"
done
grep -q '^NAutoVTs=0$' "$sysd/logind.conf.d/echowall.conf" || fail "logind: NAutoVTs is not 0"
grep -q '^ReserveVT=0$' "$sysd/logind.conf.d/echowall.conf" || fail "logind: ReserveVT is not 0"
# A sysctl this kernel lacks (kernel.sysrq without CONFIG_MAGIC_SYSRQ) is
# said, not failed: Debian's arm64 kernel has them all.
sysctls=0
while read -r line; do
    case $line in '#'* | '') continue ;; esac
    echo "$line" | grep -Eq '^[a-z_]+(\.[a-z_]+)+ = [0-9 ]+$' || fail "sysctl.d: not 'key = number': $line"
    k=${line%% *}
    [ -e "/proc/sys/$(echo "$k" | tr . /)" ] || note "this kernel has no $k (set on the appliance)"
    sysctls=$((sysctls + 1))
done <"$sysd/sysctl.d/90-echowall.conf"
[ "$sysctls" -gt 0 ] || fail "sysctl.d: nothing set"
grep -q '^kernel.sysrq = 0$' "$sysd/sysctl.d/90-echowall.conf" || fail "sysctl.d: SysRq is not off"
ok "settings: logind, journald and manager keys known, sysctls exist, SysRq off, no VT logins"

if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
    mkdir -p "$root/etc" "$root/var/lib" "$root/run"
    systemd-sysusers --root="$root" >"$tmp/sysusers.log" 2>&1 ||
        fail "systemd-sysusers: $(cat "$tmp/sysusers.log")"
    grep -q '^echowall:x:[0-9]*:[0-9]*:echowall hall kiosk:/var/lib/echowall:/usr/sbin/nologin$' \
        "$root/etc/passwd" || fail "sysusers: no echowall user: $(cat "$root/etc/passwd")"
    uid=$(sed -n 's/^echowall:x:\([0-9]*\):.*/\1/p' "$root/etc/passwd")
    systemd-tmpfiles --root="$root" --create "$root/usr/lib/tmpfiles.d/echowall.conf" \
        >"$tmp/tmpfiles.log" 2>&1 || fail "systemd-tmpfiles: $(cat "$tmp/tmpfiles.log")"
    [ "$(stat -c '%a %u' "$root/var/lib/echowall")" = "750 $uid" ] ||
        fail "tmpfiles: /var/lib/echowall is $(stat -c '%a %u' "$root/var/lib/echowall")"
    [ "$(stat -c '%a %u' "$root/run/echowall/stick")" = "755 0" ] ||
        fail "tmpfiles: /run/echowall/stick is $(stat -c '%a %u' "$root/run/echowall/stick")"
    [ "$(stat -c '%a %u' "$root/var/lib/echowall/update")" = "700 $uid" ] ||
        fail "tmpfiles: /var/lib/echowall/update is $(stat -c '%a %u' "$root/var/lib/echowall/update")"
    [ "$(stat -c '%a %u' "$root/var/lib/echowall-update")" = "755 0" ] ||
        fail "tmpfiles: /var/lib/echowall-update is $(stat -c '%a %u' "$root/var/lib/echowall-update")"
    ok "sysusers.d makes the echowall user, tmpfiles.d its folders (the update spool the kiosk's, the helper's root's)"
fi

# ---- reserve ----
mkdir "$tmp/data"
"$root/usr/libexec/echowall/echowall-reserve" "$tmp/data" >"$tmp/reserve.log"
[ "$(stat -c %s "$tmp/data/reserve")" -eq 67108864 ] || fail "reserve: not 64 MiB"
[ "$(stat -c %b "$tmp/data/reserve")" -ge $((67108864 / $(stat -c %B "$tmp/data/reserve"))) ] ||
    fail "reserve: not allocated (sparse?)"
touch -d 2001-01-01 "$tmp/data/reserve"
"$root/usr/libexec/echowall/echowall-reserve" "$tmp/data" >"$tmp/reserve.log"
[ "$(stat -c %Y "$tmp/data/reserve")" -lt 1000000000 ] || fail "reserve: made again"
ok "reserve: 64 MiB allocated once"

# ---- dbcheck ----
# The unit's own command line, its database path pointed at a scratch one:
# a missing database, a clean one (not a byte changed), one whose header
# is zeroed (rebuilt, the damaged file kept).
cmd=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/echowall-dbcheck.service")
case $cmd in /usr/bin/echowallctl\ --db\ /var/lib/echowall/echowall.db\ *) ;;
*) fail "dbcheck: unexpected ExecStart=$cmd" ;; esac
args=${cmd#/usr/bin/echowallctl --db /var/lib/echowall/echowall.db }
mkdir "$tmp/dbc"
# shellcheck disable=SC2086
"$root/usr/bin/echowallctl" --db "$tmp/dbc/echowall.db" $args >"$tmp/dbc.log" 2>&1 ||
    fail "dbcheck: no database: $(cat "$tmp/dbc.log")"
"$root/usr/bin/echowallctl" --db "$tmp/dbc/echowall.db" demo --hall H07 >"$tmp/dbc.log" 2>&1 ||
    fail "dbcheck: demo: $(cat "$tmp/dbc.log")"
cp "$tmp/dbc/echowall.db" "$tmp/dbc.copy"
# shellcheck disable=SC2086
"$root/usr/bin/echowallctl" --db "$tmp/dbc/echowall.db" $args >"$tmp/dbc.log" 2>&1 ||
    fail "dbcheck: clean: $(cat "$tmp/dbc.log")"
cmp -s "$tmp/dbc/echowall.db" "$tmp/dbc.copy" || fail "dbcheck: a clean database was changed"
dd if=/dev/zero of="$tmp/dbc/echowall.db" bs=100 count=1 conv=notrunc 2>/dev/null
# shellcheck disable=SC2086
"$root/usr/bin/echowallctl" --db "$tmp/dbc/echowall.db" $args >"$tmp/dbc.log" 2>&1 ||
    fail "dbcheck: damaged: $(cat "$tmp/dbc.log")"
grep -q "has been rebuilt" "$tmp/dbc.log" || fail "dbcheck: no report: $(cat "$tmp/dbc.log")"
ls "$tmp/dbc/" | grep -q '^echowall.db.damaged-' || fail "dbcheck: the damaged file is not kept"
"$root/usr/bin/echowallctl" --db "$tmp/dbc/echowall.db" db check >"$tmp/dbc.log" 2>&1 ||
    fail "dbcheck: not clean after the repair: $(cat "$tmp/dbc.log")"
ok "dbcheck: the unit's command passes a clean database untouched, rebuilds a damaged one"

# ---- notify ----
if command -v python3 >/dev/null 2>&1; then
    cat >"$tmp/listen.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "w") as out:
    out.write("listening\n")
    out.flush()
    while True:
        m = s.recv(4096).decode()
        out.write(m.replace("\n", " ") + "\n")
        out.flush()
        if m.startswith("STOPPING=1"):
            break
EOF
    python3 "$tmp/listen.py" "$tmp/notify.sock" "$tmp/notify.log" &
    lpid=$!
    i=0
    until grep -q listening "$tmp/notify.log" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 100 ] || fail "notify: the listener did not start"
        sleep 0.1
    done
    mkdir "$tmp/ktmp"
    TMPDIR=$tmp/ktmp NOTIFY_SOCKET=$tmp/notify.sock WATCHDOG_USEC=1000000 \
        sh -c 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$0" --demo --headless' "$kiosk" \
        >"$tmp/kiosk.log" 2>&1 &
    kpid=$!
    i=0
    until grep -q READY=1 "$tmp/notify.log"; do
        i=$((i + 1))
        [ $i -lt 300 ] || fail "notify: no READY=1 in 30 s: $(cat "$tmp/notify.log" "$tmp/kiosk.log")"
        sleep 0.1
    done
    sleep 3
    kill -TERM "$kpid"
    st=0
    wait "$kpid" || st=$?
    [ "$st" -eq 0 ] || fail "notify: the kiosk exited $st on SIGTERM: $(cat "$tmp/kiosk.log")"
    wait "$lpid" || fail "notify: no STOPPING=1: $(cat "$tmp/notify.log")"
    grep -q '^READY=1 ' "$tmp/notify.log" || fail "notify: READY=1 missing"
    dogs=$(grep -c '^WATCHDOG=1' "$tmp/notify.log" || true)
    [ "$dogs" -ge 4 ] || fail "notify: $dogs WATCHDOG=1 in 3 s with WatchdogSec=1s"
    [ "$(sed -n '2p' "$tmp/notify.log" | cut -d' ' -f1)" = READY=1 ] ||
        fail "notify: something came before READY=1: $(cat "$tmp/notify.log")"
    tail -n 1 "$tmp/notify.log" | grep -q '^STOPPING=1 ' || fail "notify: STOPPING=1 not last"
    ok "notify: READY=1 after the first frame, $dogs WATCHDOG=1 in about 3 s, STOPPING=1 on SIGTERM"
else
    note "skipped: notify: no python3 to listen on the notify socket"
fi

# ---- udev and the stick: root, loop devices, namespaces ----
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v udevadm >/dev/null ||
    ! losetup -f >/dev/null 2>&1 || ! unshare -m true 2>/dev/null; then
    note "skipped: udev and stick: they need root, loop devices, unshare and udevadm"
else
    rules=$tmp/rules
    mkdir "$rules"
    cp "$sysd/99-echowall-stick.rules" "$rules/"
    dev=$(ls /sys/class/block | head -n 1)
    unshare -m sh -c "mount -t tmpfs tmpfs /run && mount --bind '$rules' /etc/udev/rules.d &&
        udevadm test --action=add /sys/class/block/$dev" >"$tmp/udev.log" 2>&1 ||
        fail "udevadm test: $(cat "$tmp/udev.log")"
    grep -q "Reading rules file: /etc/udev/rules.d/99-echowall-stick.rules" "$tmp/udev.log" ||
        fail "udevadm test did not read the rule: $(cat "$tmp/udev.log")"
    if grep "99-echowall-stick.rules:" "$tmp/udev.log"; then
        fail "udev rule: the messages above"
    fi
    ok "udev: the rule parses"

    # What the rule does, on loop devices in place of USB sticks.
    sed -e 's/^KERNEL!="sd\*"/KERNEL!="loop*"/' -e 's/^SUBSYSTEMS=="usb"/SUBSYSTEM=="block"/' \
        "$sysd/99-echowall-stick.rules" >"$rules/99-echowall-stick.rules"
    [ "$(diff "$sysd/99-echowall-stick.rules" "$rules/99-echowall-stick.rules" | grep -c '^>')" -eq 2 ] ||
        fail "udev: the rule's device tests were not where this test expects them"
    for fs in vfat ext2; do
        truncate -s 40M "$tmp/u.img"
        if [ $fs = vfat ]; then mkfs.vfat "$tmp/u.img" >/dev/null; else mke2fs -q -F -t ext2 "$tmp/u.img"; fi
        l=$(losetup -f --show "$tmp/u.img")
        st=0
        unshare -m sh -c "mount -t tmpfs tmpfs /run && mount --bind '$rules' /etc/udev/rules.d &&
            udevadm test --action=add /sys/class/block/${l#/dev/}" >"$tmp/udev.log" 2>&1 || st=$?
        losetup -d "$l"
        rm -f "$tmp/u.img"
        [ "$st" -eq 0 ] || fail "udevadm test on $l: $(cat "$tmp/udev.log")"
        grep -q "^UDISKS_IGNORE=1$" "$tmp/udev.log" || fail "udev: $fs: not hidden from udisks"
        if [ $fs = vfat ]; then
            grep -q "^SYSTEMD_WANTS=echowall-stick@${l#/dev/}.service$" "$tmp/udev.log" ||
                fail "udev: FAT32 does not want the stick unit: $(grep -E 'SYSTEMD_WANTS|ID_FS' "$tmp/udev.log")"
        elif grep -q "echowall-stick@" "$tmp/udev.log"; then
            fail "udev: ext2 wants the stick unit"
        fi
    done
    ok "udev: FAT32 wants echowall-stick@<name>.service, ext2 nothing, both hidden from udisks"

    missing=""
    for t in mkfs.vfat mkfs.exfat mkfs.ext4 fsck.fat fsck.exfat e2fsck setpriv findmnt lsblk blkid; do
        command -v $t >/dev/null 2>&1 || missing="$missing $t"
    done
    if [ -n "$missing" ]; then
        note "skipped: stick: missing$missing (dosfstools, exfatprogs, e2fsprogs, util-linux)"
    else
        mkdir "$tmp/stick"
        chmod 0755 "$tmp" "$tmp/stick" # the kiosk's user (nobody) walks to the mount point
        unshare -m sh "$0" --stick "$tmp/stick" "$root/usr/libexec/echowall/echowall-stick" ||
            fail "stick (above)"
        passed=$((passed + $(cat "$tmp/stick/stick.count")))
    fi
fi

echo "$name: $passed passed, 0 failed"
