#!/bin/sh
# update_helper.sh ECHOWALLCTL SOURCE_DIR: an update by stick from the
# office to the installed package, with the root helper
# systemd/libexec/echowall-update driven by fake dpkg, systemctl and
# version probe (a file stands for what is installed, another lists the
# versions that never come up).
#
# Real: the office's `echowallctl update sign`, the kiosk's `update fetch`
# into its spool, the helper's own `update verify`, and Debian packages made
# here with dpkg-deb (Package echowall, X.Y.Z, this build's architecture).
#
#   good       0.2.0 is installed, current.deb is 0.2.0, previous.deb 0.1.0
#   never up   0.3.0 exits before it reports ready, 0.3.1 crashes just after,
#              0.3.2 never answers: each rolled back to 0.2.0 and listed as
#              failed; refused by the kiosk and the helper next time
#   tampered   a flipped byte in the spooled package, a statement signed by
#              another town's key with that key put beside it, a link in the
#              spool: refused, nothing installed
#   power cut  the helper killed inside dpkg -i: the next run puts 0.2.0
#              back; killed while waiting for the kiosk: the next run sees
#              it up and keeps the new version; one interruption is
#              forgiven, the version installs when asked again
#   no way back  without current.deb nothing is installed
#   overlayroot  / is overlayroot's tmpfs (a fake /proc/mounts says so): each
#              install goes first into the real root through a fake
#              overlayroot-chroot (a second "installed" file), then into the
#              overlay; a rollback undoes both; a real root that refuses the
#              package leaves the overlay alone; a power cut inside either
#              install is undone at the next boot (the overlay then starts
#              as a copy of the real root), one while waiting is kept
# shellcheck disable=SC2015 # "A && B || fail": fail exits, so no C after A
set -eu
ctl=$1
helper=$2/systemd/libexec/echowall-update
name=update_helper
passed=0
fail() {
    echo "$name: FAIL: $*" >&2
    exit 1
}
ok() {
    passed=$((passed + 1))
    echo "$name: ok: $*"
}
command -v dpkg-deb >/dev/null || {
    echo "$name: SKIPPED: dpkg-deb is missing (Debian package dpkg)"
    exit 77
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
arch=$("$ctl" --version | sed -n 's/.*(\(.*\))$/\1/p')
[ -n "$arch" ] || fail "echowallctl --version names no architecture"

# ---- packages, the office, the stick ----
make_deb() { # make_deb VERSION [PACKAGE]: prints its path
    d=$tmp/pkg-$1-${2:-echowall}
    mkdir -p "$d/DEBIAN" "$d/usr/share/echowall-test"
    printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: t <t@echowall.invalid>\nDescription: test package\n' \
        "${2:-echowall}" "$1" "$arch" >"$d/DEBIAN/control"
    echo "$1" >"$d/usr/share/echowall-test/version"
    dpkg-deb --root-owner-group -Zgzip -b "$d" "$tmp/echowall_$1_${2:-echowall}.deb" >/dev/null
    echo "$tmp/echowall_$1_${2:-echowall}.deb"
}
version_of() { dpkg-deb -f "$1" Version; }

"$ctl" --db "$tmp/office.db" init --role office --name 测试镇 >/dev/null
"$ctl" --db "$tmp/other.db" init --role office --name 别的镇 >/dev/null
spool=$tmp/spool
state=$tmp/state
fake=$tmp/fake
mkdir -p "$spool" "$state" "$fake" "$tmp/bin"

# ---- the fakes ----
cat >"$tmp/bin/dpkg" <<'EOF'
#!/bin/sh
# dpkg -i DEB: "installs" it (its version into $FAKE/installed, or
# $FAKE/installed-lower when run by the fake overlayroot-chroot, which sets
# FAKE_SIDE=-lower); with $FAKE/cut-dpkg (cut-dpkg-lower), cuts the power
# half way (kills the helper that ran it); the real root refuses a version
# listed in $FAKE/fail-dpkg-lower (a full disk).
side=${FAKE_SIDE:-}
where=${side:+lower }
case $1 in
-i)
    v=$(dpkg-deb -f "$2" Version) || exit 2
    echo "$where-i $v" >>"$FAKE/log"
    if [ -e "$FAKE/cut-dpkg$side" ]; then
        rm -f "$FAKE/cut-dpkg$side"
        echo half >"$FAKE/installed$side"
        kill -KILL "$PPID"
        exit 1
    fi
    if [ -e "$FAKE/fail-dpkg$side" ] && grep -qx "$v" "$FAKE/fail-dpkg$side"; then
        echo half >"$FAKE/installed$side"
        exit 1
    fi
    echo "$v" >"$FAKE/installed$side"
    ;;
--configure) echo "${where}configure" >>"$FAKE/log" ;;
*) exit 2 ;;
esac
EOF
cat >"$tmp/bin/overlayroot-chroot" <<'EOF'
#!/bin/sh
# overlayroot-chroot dpkg ARGS: the real root is "$FAKE/installed-lower".
# Like the real one it runs the command found on PATH inside the root and
# sees /run: a package to install must be under $ECHOWALL_UPDATE_RUN.
[ "$1" = dpkg ] || exit 2
if [ "$2" = -i ]; then
    case $3 in "$ECHOWALL_UPDATE_RUN"/*) ;; *) exit 2 ;; esac
fi
FAKE_SIDE=-lower PATH=$FAKE_BIN:$PATH exec "$@"
EOF
cat >"$tmp/bin/systemctl" <<'EOF'
#!/bin/sh
# restart: fails (the kiosk exited before READY=1) when the installed
# version is listed in $FAKE/broken, never returns (no READY=1) when it is
# in $FAKE/hang; with $FAKE/cut-restart, cuts the power first (kills the
# helper: the parent of the `timeout` that ran this). is-active: up unless
# the installed version is broken or in $FAKE/flaky (ready, then crashed).
listed() { [ -e "$FAKE/$1" ] && grep -qx "$(cat "$FAKE/installed")" "$FAKE/$1"; }
case $1 in
is-active) ! listed broken && ! listed flaky ;;
restart)
    echo "restart $(cat "$FAKE/installed")" >>"$FAKE/log"
    if [ -e "$FAKE/cut-restart" ]; then
        rm -f "$FAKE/cut-restart"
        kill -KILL "$(cut -d' ' -f4 "/proc/$PPID/stat")"
        exit 1
    fi
    if listed hang; then exec sleep 600; fi
    ! listed broken
    ;;
reset-failed) ;;
*) exit 2 ;;
esac
EOF
chmod +x "$tmp/bin/dpkg" "$tmp/bin/systemctl" "$tmp/bin/overlayroot-chroot"
# /proc/mounts of an ordinary machine: / is no overlay (until "overlayroot").
printf '/dev/vda1 / ext4 rw,relatime 0 0\n' >"$tmp/mounts"
export FAKE="$fake" FAKE_BIN="$tmp/bin" ECHOWALL_MOUNTS="$tmp/mounts" \
    ECHOWALL_OVERLAYROOT_CHROOT="$tmp/bin/overlayroot-chroot" ECHOWALL_UPDATE_RUN="$tmp/run" \
    ECHOWALL_UPDATE_SPOOL="$spool" ECHOWALL_UPDATE_STATE="$state" \
    ECHOWALL_CTL="$ctl" ECHOWALL_DPKG="$tmp/bin/dpkg" ECHOWALL_SYSTEMCTL="$tmp/bin/systemctl" \
    ECHOWALL_VERSION_CMD="cat '$fake/installed'" ECHOWALL_UPDATE_WAIT=3 ECHOWALL_UPDATE_SETTLE=0

# The helper's own version probe (the tests below replace it with
# ECHOWALL_VERSION_CMD): run as the helper runs it, by `sh -c`, against a
# fake dpkg-query that answers only the real format, it gives the version.
mkdir -p "$tmp/qbin"
cat >"$tmp/qbin/dpkg-query" <<'EOF'
#!/bin/sh
if [ "$#" = 3 ] && [ "$1" = -W ] && [ "$2" = '-f=${Version}' ] && [ "$3" = echowall ]; then
    echo 0.1.0
    exit 0
fi
echo "dpkg-query (fake): unexpected arguments: $*" >&2
exit 2
EOF
chmod +x "$tmp/qbin/dpkg-query"
probe=$(sed -n 's/^default_version_cmd=//p' "$helper")
[ -n "$probe" ] || fail "probe: no default_version_cmd= line in $helper"
eval "probe=$probe" # the assignment's own quoting, as the helper's shell reads it
[ "$(PATH="$tmp/qbin:$PATH" sh -c "$probe" 2>&1)" = 0.1.0 ] ||
    fail "probe: \`$probe\` does not ask dpkg-query for \${Version}"
ok "the default version probe asks dpkg-query for \${Version}"

# The factory state: 0.1.0 installed, and the SD image's copy of it.
cp "$(make_deb 0.1.0)" "$state/current.deb"
echo 0.1.0 >"$fake/installed"

# The office signs VERSION onto a fresh stick; the kiosk takes it into its
# spool (prints the kiosk's one-line report).
offer() { # offer VERSION [DB]
    rm -rf "$tmp/stick"
    mkdir "$tmp/stick"
    "$ctl" --db "${2:-$tmp/office.db}" update sign "$(make_deb "$1")" --stick "$tmp/stick" \
        >"$tmp/sign.out" 2>&1 || fail "update sign $1: $(cat "$tmp/sign.out")"
    "$ctl" --db "$tmp/office.db" update fetch "$tmp/stick" --spool "$spool" --state "$state" 2>&1
}
helper_run() {
    st=0
    sh "$helper" run 2>"$tmp/helper.err" || st=$?
    [ -z "${ECHOWALL_TEST_VERBOSE:-}" ] || cat "$tmp/helper.err" >&2
    echo "$st"
}
field() { sed -n "s/^$1=//p" "$state/result"; }
installed() { cat "$fake/installed"; }

# ---- good ----
out=$(offer 0.2.0)
[ "$out" = "requested 0.2.0" ] || fail "good: the kiosk said: $out"
for f in pending.deb pending.sig town.pk request; do
    [ -f "$spool/$f" ] || fail "good: the spool lacks $f"
done
st=$(helper_run)
[ "$st" -eq 0 ] || fail "good: status $st: $(cat "$tmp/helper.err")"
[ "$(installed)" = 0.2.0 ] || fail "good: installed $(installed)"
[ "$(field outcome)" = installed ] || fail "good: $(cat "$state/result")"
[ "$(field version)" = 0.2.0 ] && [ "$(field from)" = 0.1.0 ] || fail "good: $(cat "$state/result")"
[ "$(version_of "$state/current.deb")" = 0.2.0 ] || fail "good: current.deb is not 0.2.0"
[ "$(version_of "$state/previous.deb")" = 0.1.0 ] || fail "good: previous.deb is not 0.1.0"
[ ! -e "$spool/request" ] && [ ! -e "$state/state" ] && [ ! -e "$state/next.deb" ] ||
    fail "good: request, state or next.deb left behind"
[ "$(cat "$state/town.pk")" = "$("$ctl" --db "$tmp/office.db" update key)" ] ||
    fail "good: the pinned town key is not the office's"
ok "good: 0.1.0 -> 0.2.0 installed and kept; current.deb 0.2.0, previous.deb 0.1.0, town key pinned"

# Nothing to do: a second run changes nothing.
: >"$fake/log"
st=$(helper_run)
[ "$st" -eq 0 ] && [ ! -s "$fake/log" ] || fail "idle: status $st, $(cat "$fake/log")"
ok "a run with no request installs nothing"

# ---- never up ----
echo 0.3.0 >"$fake/broken"
out=$(offer 0.3.0)
[ "$out" = "requested 0.3.0" ] || fail "never up: the kiosk said: $out"
: >"$fake/log"
st=$(helper_run)
[ "$st" -eq 0 ] || fail "never up: status $st: $(cat "$tmp/helper.err")"
[ "$(installed)" = 0.2.0 ] || fail "never up: installed $(installed)"
[ "$(field outcome)" = rolled_back ] || fail "never up: $(cat "$state/result")"
field message | grep -q "did not report ready within 3 s" || fail "never up: $(field message)"
grep -qx "0.3.0 failed" "$state/failed" || fail "never up: not listed as failed"
[ "$(sed -n '1p;$p' "$fake/log" | tr '\n' ' ')" = "-i 0.3.0 restart 0.2.0 " ] ||
    fail "never up: dpkg and systemctl saw: $(cat "$fake/log")"
[ "$(version_of "$state/current.deb")" = 0.2.0 ] || fail "never up: current.deb changed"
ok "never up: 0.3.0 installed, not ready in 3 s, 0.2.0 back and running, 0.3.0 listed as failed"

# Ready, then gone within the settle time; and never ready at all (the
# restart outlasts the wait): both rolled back.
for how in flaky hang; do
    v=0.3.1
    [ $how = flaky ] || v=0.3.2
    echo "$v" >"$fake/$how"
    out=$(offer "$v")
    [ "$out" = "requested $v" ] || fail "$how: the kiosk said: $out"
    st=$(helper_run)
    [ "$st" -eq 0 ] && [ "$(installed)" = 0.2.0 ] && [ "$(field outcome)" = rolled_back ] ||
        fail "$how: status $st, installed $(installed), $(cat "$state/result")"
    grep -qx "$v failed" "$state/failed" || fail "$how: $v not listed as failed"
    case $how in
    flaky) field message | grep -q "stopped within 0 s of reporting ready" || fail "$how: $(field message)" ;;
    hang) field message | grep -q "did not report ready within 3 s" || fail "$how: $(field message)" ;;
    esac
    rm -f "$fake/$how"
done
ok "ready then crashed, and never ready: both rolled back to 0.2.0 and listed"

# The same stick again: the kiosk does not ask, and a request made anyway
# is refused by the helper.
out=$(offer 0.3.0)
[ "$out" = "failed_before 0.3.0" ] || fail "failed before: the kiosk said: $out"
[ ! -e "$spool/request" ] || fail "failed before: the kiosk asked again"
echo 0.3.0 >"$spool/request"
: >"$fake/log"
helper_run >/dev/null
[ ! -s "$fake/log" ] && [ "$(field outcome)" = refused ] || fail "failed before: $(cat "$fake/log" "$state/result")"
field message | grep -q "failed to install here before" || fail "failed before: $(field message)"
ok "a version that failed is not asked for by the kiosk, and refused by the helper"

# ---- tampered ----
refused() { # refused WHAT EXPECTED-WORDS
    : >"$fake/log"
    st=$(helper_run)
    [ "$st" -eq 0 ] || fail "$1: status $st: $(cat "$tmp/helper.err")"
    [ ! -s "$fake/log" ] || fail "$1: dpkg or systemctl ran: $(cat "$fake/log")"
    [ "$(field outcome)" = refused ] || fail "$1: $(cat "$state/result")"
    field message | grep -q "$2" || fail "$1: message '$(field message)' lacks '$2'"
    [ "$(installed)" = 0.2.0 ] || fail "$1: installed $(installed)"
    [ ! -e "$spool/request" ] || fail "$1: request left"
}
rm -f "$fake/broken"
offer 0.4.0 >/dev/null
size=$(stat -c %s "$spool/pending.deb")
printf '\001' | dd of="$spool/pending.deb" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
refused "flipped byte" "do not match the signature"
# Another town's key, with that key beside it: the helper's pinned key wins.
rm -rf "$tmp/stick"
mkdir "$tmp/stick"
"$ctl" --db "$tmp/other.db" update sign "$(make_deb 0.4.0)" --stick "$tmp/stick" >/dev/null
cp "$tmp/stick/echowall/update-0.4.0.deb" "$spool/pending.deb"
cp "$tmp/stick/echowall/update-0.4.0.sig" "$spool/pending.sig"
"$ctl" --db "$tmp/other.db" update key >"$spool/town.pk"
echo 0.4.0 >"$spool/request"
refused "another town's key" "not signed by this town's key"
# A link where the package should be.
offer 0.4.0 >/dev/null
rm -f "$spool/pending.deb"
ln -s "$state/current.deb" "$spool/pending.deb"
refused "a link in the spool" "not regular files"
rm -f "$spool/pending.deb"
ok "tampered: a flipped byte, another town's signature and key, a link: refused, nothing run"

# ---- power cut ----
offer 0.4.0 >/dev/null
touch "$fake/cut-dpkg"
: >"$fake/log"
st=$(helper_run)
[ "$st" -ne 0 ] || fail "power cut in dpkg: the helper was not killed"
[ "$(installed)" = half ] && grep -q '^installing 0.4.0 0.2.0$' "$state/state" ||
    fail "power cut in dpkg: installed $(installed), state $(cat "$state/state" 2>/dev/null)"
st=$(helper_run) # the next boot
[ "$st" -eq 0 ] || fail "power cut in dpkg: recovery status $st: $(cat "$tmp/helper.err")"
[ "$(installed)" = 0.2.0 ] && [ "$(field outcome)" = rolled_back ] ||
    fail "power cut in dpkg: installed $(installed), $(cat "$state/result")"
grep -qx "0.4.0 interrupted" "$state/failed" && [ ! -e "$state/state" ] ||
    fail "power cut in dpkg: failed list $(cat "$state/failed")"
# Forgiven once: the same version installs when the stick comes again.
out=$(offer 0.4.0)
[ "$out" = "requested 0.4.0" ] || fail "power cut: the retry was not asked for: $out"
st=$(helper_run)
[ "$st" -eq 0 ] && [ "$(installed)" = 0.4.0 ] && [ "$(field outcome)" = installed ] ||
    fail "power cut: the retry: status $st, installed $(installed), $(cat "$state/result")"
ok "power cut inside dpkg -i: the next run reinstalls 0.2.0; the retry installs 0.4.0"

# Offers VERSION and cuts the power while the helper waits for the kiosk;
# the state must then say "waiting VERSION FROM".
cut_while_waiting() { # cut_while_waiting VERSION FROM WHAT
    offer "$1" >/dev/null
    touch "$fake/cut-restart"
    st=$(helper_run)
    [ "$st" -ne 0 ] || fail "$3: the helper was not killed"
    grep -q "^waiting $1 $2\$" "$state/state" || fail "$3: state $(cat "$state/state")"
}
cut_while_waiting 0.5.0 0.4.0 "power cut while waiting"
st=$(helper_run)
[ "$st" -eq 0 ] && [ "$(installed)" = 0.5.0 ] && [ "$(field outcome)" = installed ] ||
    fail "power cut while waiting: status $st, installed $(installed), $(cat "$state/result")"
[ "$(version_of "$state/current.deb")" = 0.5.0 ] && [ "$(version_of "$state/previous.deb")" = 0.4.0 ] ||
    fail "power cut while waiting: current/previous not 0.5.0/0.4.0"
[ ! -e "$state/state" ] && [ ! -e "$state/next.deb" ] || fail "power cut while waiting: leftovers"
ok "power cut while waiting for the kiosk: the next run finds 0.5.0 up and keeps it"

# ---- no way back ----
mv "$state/current.deb" "$tmp/kept.deb"
offer 0.6.0 >/dev/null
refused_installed=0.5.0
: >"$fake/log"
helper_run >/dev/null
[ ! -s "$fake/log" ] && [ "$(installed)" = "$refused_installed" ] && [ "$(field outcome)" = refused ] ||
    fail "no way back: $(cat "$fake/log" "$state/result")"
field message | grep -q "no package to go back to" || fail "no way back: $(field message)"
mv "$tmp/kept.deb" "$state/current.deb"
ok "without current.deb to go back to, nothing is installed"
! grep -q lower "$fake/log" || fail "overlayroot-chroot ran without an overlay: $(cat "$fake/log")"

# ---- overlayroot ----
# The SD image: / is overlayroot's tmpfs, the real root below it holds 0.5.0.
cat >"$tmp/mounts" <<'EOF'
/dev/mmcblk0p2 /media/root-ro ext4 ro,noatime 0 0
tmpfs-root /media/root-rw tmpfs rw,relatime 0 0
overlayroot / overlay rw,relatime,lowerdir=/media/root-ro,upperdir=/media/root-rw/overlay,workdir=/media/root-rw/overlay-workdir/_ 0 0
EOF
cp "$fake/installed" "$fake/installed-lower"
lower() { cat "$fake/installed-lower"; }
reboot() { cp "$fake/installed-lower" "$fake/installed"; } # the overlay starts afresh
log_is() { [ "$(tr '\n' ',' <"$fake/log")" = "$1" ] || fail "$2: dpkg and systemctl saw: $(tr '\n' ',' <"$fake/log")"; }
both() { # both VERSION WHAT
    [ "$(lower)" = "$1" ] && [ "$(installed)" = "$1" ] ||
        fail "$2: the real root has $(lower), the overlay $(installed), not $1"
    [ ! -e "$tmp/run" ] || fail "$2: the package copy in /run was left"
}
offer 0.6.0 >/dev/null
: >"$fake/log"
st=$(helper_run)
[ "$st" -eq 0 ] && [ "$(field outcome)" = installed ] || fail "overlay good: status $st, $(cat "$state/result")"
both 0.6.0 "overlay good"
log_is "lower -i 0.6.0,-i 0.6.0,restart 0.6.0," "overlay good"
[ "$(version_of "$state/current.deb")" = 0.6.0 ] || fail "overlay good: current.deb is not 0.6.0"
ok "overlayroot: 0.6.0 installed into the real root, then the overlay, then the kiosk restarted"

echo 0.7.0 >"$fake/broken"
offer 0.7.0 >/dev/null
: >"$fake/log"
st=$(helper_run)
[ "$st" -eq 0 ] && [ "$(field outcome)" = rolled_back ] || fail "overlay never up: status $st, $(cat "$state/result")"
both 0.6.0 "overlay never up"
log_is "lower -i 0.7.0,-i 0.7.0,restart 0.7.0,lower configure,configure,lower -i 0.6.0,-i 0.6.0,restart 0.6.0," \
    "overlay never up"
ok "overlayroot: 0.7.0 never up, rolled back in both roots"

offer 0.7.1 >/dev/null
echo 0.7.1 >"$fake/fail-dpkg-lower"
: >"$fake/log"
st=$(helper_run)
rm -f "$fake/fail-dpkg-lower"
[ "$st" -eq 0 ] && [ "$(field outcome)" = rolled_back ] || fail "overlay refused: status $st, $(cat "$state/result")"
field message | grep -q "dpkg could not install echowall 0.7.1" || fail "overlay refused: $(field message)"
both 0.6.0 "overlay refused"
log_is "lower -i 0.7.1,lower configure,configure,lower -i 0.6.0,-i 0.6.0,restart 0.6.0," "overlay refused"
ok "overlayroot: the real root refuses 0.7.1: the overlay is not touched, 0.6.0 reinstalled"

# A power cut inside the real root's install, and one between the two
# installs (inside the overlay's): the next boot's overlay is a copy of the
# real root (half, or 0.8.x); both are put back to 0.6.0.
for cut in cut-dpkg-lower cut-dpkg; do
    v=0.8.0
    [ $cut = cut-dpkg-lower ] || v=0.8.1
    offer "$v" >/dev/null
    touch "$fake/$cut"
    : >"$fake/log"
    st=$(helper_run)
    [ "$st" -ne 0 ] || fail "$cut: the helper was not killed"
    grep -q "^installing $v 0.6.0$" "$state/state" || fail "$cut: state $(cat "$state/state")"
    case $cut in
    cut-dpkg-lower) [ "$(lower)" = half ] && [ "$(installed)" = 0.6.0 ] ;;
    cut-dpkg) [ "$(lower)" = "$v" ] && [ "$(installed)" = half ] ;;
    esac || fail "$cut: the real root has $(lower), the overlay $(installed)"
    reboot
    st=$(helper_run)
    [ "$st" -eq 0 ] && [ "$(field outcome)" = rolled_back ] || fail "$cut: recovery: status $st, $(cat "$state/result")"
    both 0.6.0 "$cut: recovery"
    grep -qx "$v interrupted" "$state/failed" || fail "$cut: $v not listed as interrupted"
done
ok "overlayroot: a power cut inside either install is undone in both roots at the next boot"

cut_while_waiting 0.9.0 0.6.0 "overlay waiting"
reboot
: >"$fake/log"
st=$(helper_run)
[ "$st" -eq 0 ] && [ "$(field outcome)" = installed ] || fail "overlay waiting: status $st, $(cat "$state/result")"
both 0.9.0 "overlay waiting"
! grep -q -- "-i" "$fake/log" || fail "overlay waiting: installed again: $(cat "$fake/log")"
[ "$(version_of "$state/current.deb")" = 0.9.0 ] || fail "overlay waiting: current.deb is not 0.9.0"
ok "overlayroot: a power cut while waiting: the next boot runs 0.9.0 from the real root and keeps it"

# ---- forget ----
sh "$helper" forget 0.3.0 2>/dev/null
! grep -q "^0.3.0 " "$state/failed" || fail "forget: 0.3.0 still listed"
if sh "$helper" forget 'x.*' 2>/dev/null; then fail "forget: a pattern was accepted"; fi
ok "forget takes a version off the failed list; only X.Y.Z"

echo "$name: $passed passed, 0 failed"
