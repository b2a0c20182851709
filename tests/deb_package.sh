#!/bin/sh
# deb_package.sh SRC_DIR: the Debian package, built and checked as the
# appliance image will use it.
#
# Builds echowall_<version>_<arch>.deb with image/deb/build-deb.sh in its
# own temporary build folder (prefix /usr, Debian's build flags, no tests),
# then checks: the file name; the control fields (Depends computed by
# dpkg-shlibdeps, no conffiles); the contents (the programs, fonts, icons,
# deployed pinyin data, sysusers.d and tmpfiles.d snippets, copyright,
# changelog, manual pages, every unit, udev rule, drop-in and helper in
# systemd/, no file in /etc); no RPATH; the changelog's version; lintian with no errors (its
# warnings are printed).
#
# Then, only as root on a machine where echowall is not installed (CI's
# fresh container; ECHOWALL_DEB_INSTALL=0 skips it): dpkg -i; the programs
# run; the user echowall exists and owns /var/lib/echowall (0750); as that
# user a demo database is made there and the installed kiosk, headless,
# types pinyin with the installed data; dpkg -r removes every file; dpkg -P
# purges, keeping /var/lib/echowall (the device's records) as designed.
# What the test itself created (the user, its folders) is removed at the end.
set -eu
src=$(cd "${1:?usage: deb_package.sh SRC_DIR}" && pwd)
start=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/echowall-deb.XXXXXX")
installed_by_us=0
user_before=1
dir_before=1
run_before=1
cleanup() {
    if [ "$installed_by_us" = 1 ]; then
        dpkg -P echowall >/dev/null 2>&1 || true
        [ "$dir_before" = 1 ] || rm -rf /var/lib/echowall
        [ "$run_before" = 1 ] || rmdir /run/echowall/stick /run/echowall 2>/dev/null || true
        [ "$user_before" = 1 ] || userdel echowall 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "deb_package: $*" >&2; exit 1; }
step() { echo "deb_package: $* ($(($(date +%s) - start)) s)"; }

for tool in cmake cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags dpkg-parsechangelog lintian readelf; do
    command -v "$tool" >/dev/null ||
        fail "$tool is missing (image/install-deps.sh installs image/debian-packages.txt)"
done

# --- build -------------------------------------------------------------
if ! sh "$src/image/deb/build-deb.sh" "$work/build" "$work/out" >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    fail "image/deb/build-deb.sh failed (the end of its log is above)"
fi
step "built"

version=$(sed -n 's/^project(echowall VERSION \([0-9][0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
arch=$(dpkg --print-architecture)
[ -n "$version" ] || fail "no VERSION in project() of CMakeLists.txt"
set -- "$work"/out/*.deb
[ $# -eq 1 ] || fail "want one .deb in the output, found: $*"
deb=$1
[ "$(basename "$deb")" = "echowall_${version}_${arch}.deb" ] ||
    fail "package file is $(basename "$deb"), want echowall_${version}_${arch}.deb"

# --- control -----------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = echowall ] || fail "Package is $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version is $(field Version), want $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is $(field Architecture)"
depends=$(field Depends)
for dep in libc6 libsdl2-2.0-0 libsqlite3-0 libsodium23 librime1 libxlsxwriter4 libsdl2-image-2.0-0 libzinnia0 \
    systemd rime-data-luna-pinyin tegaki-zinnia-simplified-chinese fonts-dejavu-core; do
    echo "$depends" | tr ',' '\n' | grep -q "^ *$dep\( \|$\)" || fail "Depends lacks $dep: $depends"
done
dpkg-deb -e "$deb" "$work/control"
[ ! -e "$work/control/conffiles" ] || fail "the package has conffiles: $(cat "$work/control/conffiles")"
for s in postinst prerm postrm; do
    [ -x "$work/control/$s" ] || fail "no executable $s"
    sh -n "$work/control/$s" || fail "$s does not parse"
    ! grep -q '@[A-Z_]*@' "$work/control/$s" || fail "$s has an unfilled @VARIABLE@"
done
changelog_version=$(dpkg-parsechangelog -l "$src/image/deb/changelog" -S Version)
[ "$changelog_version" = "$version" ] ||
    fail "image/deb/changelog's newest entry is $changelog_version, the project is $version"

# --- contents ----------------------------------------------------------
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' >"$work/list"
# Files and links only (not folders such as /lib, a link itself on merged /usr).
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' >"$work/files"
has() { grep -qxF "$1" "$work/list" || fail "the package lacks $1"; }
for f in /usr/bin/echowall /usr/bin/echowallctl /usr/bin/echowall-rime-deploy \
    /usr/share/echowall/fonts/NotoSansSC-Regular.otf /usr/share/echowall/fonts/NotoSansSC-Bold.otf \
    /usr/share/echowall/fonts/DejaVuSansMono-Bold.ttf /usr/share/echowall/fonts/LICENSE-OFL.txt \
    /usr/share/echowall/rime/default.yaml /usr/share/echowall/rime/luna_pinyin_simp.schema.yaml \
    /usr/share/echowall/rime/luna_pinyin_simp.prism.bin /usr/share/echowall/rime/luna_pinyin.table.bin \
    /usr/lib/sysusers.d/echowall.conf /usr/lib/tmpfiles.d/echowall.conf \
    /usr/share/doc/echowall/copyright /usr/share/doc/echowall/changelog.gz \
    /usr/share/man/man1/echowall.1.gz /usr/share/man/man1/echowallctl.1.gz; do
    has "$f"
done
for icon in "$src"/assets/icons/*.png; do
    has "/usr/share/echowall/assets/icons/$(basename "$icon")"
done
for unit in "$src"/systemd/*.service "$src"/systemd/*.socket "$src"/systemd/*.timer \
    "$src"/systemd/*.path "$src"/systemd/*.target "$src"/systemd/*.mount; do
    if [ -e "$unit" ]; then has "/lib/systemd/system/$(basename "$unit")"; fi
done
for rules in "$src"/systemd/*.rules; do
    if [ -e "$rules" ]; then has "/lib/udev/rules.d/$(basename "$rules")"; fi
done
for helper in "$src"/systemd/libexec/*; do
    if [ -e "$helper" ]; then has "/usr/libexec/echowall/$(basename "$helper")"; fi
done
for conf in "$src"/systemd/*.d/*.conf; do
    [ -e "$conf" ] || continue
    d=$(basename "$(dirname "$conf")")
    case "$d" in
    sysusers.d | tmpfiles.d | sysctl.d | modprobe.d | modules-load.d | binfmt.d) to=/usr/lib/$d ;;
    *.conf.d) to=/usr/lib/systemd/$d ;;
    *) to=/lib/systemd/system/$d ;;
    esac
    has "$to/$(basename "$conf")"
done
# No conffiles: nothing under /etc but links (systemd/ masks a unit with one).
etc_files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^[dl]/ && $6 ~ /^\.\/etc\// { print $6 }')
[ -z "$etc_files" ] || fail "the package installs files into /etc: $etc_files"
! grep -q '^/var' "$work/list" || fail "the package ships /var (tmpfiles.d makes it): $(grep '^/var' "$work/list")"

dpkg-deb -x "$deb" "$work/root"
for helper in "$work"/root/usr/libexec/echowall/*; do
    if [ -e "$helper" ] && [ ! -x "$helper" ]; then fail "${helper#"$work/root"} is not executable"; fi
done
for b in echowall echowallctl echowall-rime-deploy; do
    if readelf -d "$work/root/usr/bin/$b" | grep -Eq 'RPATH|RUNPATH'; then
        fail "$b has an RPATH: $(readelf -d "$work/root/usr/bin/$b" | grep -E 'RPATH|RUNPATH')"
    fi
done
step "contents checked"

# --- lintian -----------------------------------------------------------
if ! lintian --info --display-info --pedantic --fail-on error "$deb" >"$work/lintian" 2>&1; then
    cat "$work/lintian" >&2
    fail "lintian found errors (above)"
fi
grep -E '^[EWIP]: ' "$work/lintian" | sed 's/^/  lintian: /' || true
step "lintian: $(grep -c '^E: ' "$work/lintian" || true) errors, $(grep -c '^W: ' "$work/lintian" || true) warnings"

# --- install, run, remove, purge ---------------------------------------
if [ "${ECHOWALL_DEB_INSTALL:-1}" = 0 ]; then
    echo "deb_package: SKIP install and removal: ECHOWALL_DEB_INSTALL=0"
elif [ "$(id -u)" != 0 ]; then
    echo "deb_package: SKIP install and removal: not root (dpkg -i needs a disposable root machine)"
elif dpkg-query -W -f '${Status}' echowall 2>/dev/null | grep -qv not-installed ||
    [ -e /usr/bin/echowall ] || [ -e /usr/bin/echowallctl ]; then
    echo "deb_package: SKIP install and removal: echowall is already installed on this machine"
else
    getent passwd echowall >/dev/null || user_before=0
    [ -e /var/lib/echowall ] || dir_before=0
    [ -e /run/echowall ] || run_before=0
    installed_by_us=1
    rm -rf "$work/build" # the build's own data folders are no fallback for the installed kiosk
    if ! dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1; then
        cat "$work/dpkg-i.log" >&2
        fail "dpkg -i failed (above)"
    fi
    step "installed"
    /usr/bin/echowall --help 2>&1 | grep -q '^usage: echowall' || fail "echowall --help: no usage"
    /usr/bin/echowallctl --help 2>&1 | grep -q '^usage: echowallctl' || fail "echowallctl --help: no usage"
    getent passwd echowall >/dev/null || fail "no user echowall after install"
    [ "$(stat -c '%U:%G %a' /var/lib/echowall)" = "echowall:echowall 750" ] ||
        fail "/var/lib/echowall is $(stat -c '%U:%G %a' /var/lib/echowall), want echowall:echowall 750"

    # As the service's user: a database in its folder, and the kiosk typing
    # pinyin with the installed data (fonts, icons, /usr/share/echowall/rime).
    db=/var/lib/echowall/deb-package-test.db
    runuser -u echowall -- /usr/bin/echowallctl --db "$db" demo --hall H07 >/dev/null ||
        fail "echowallctl as user echowall cannot make a database in /var/lib/echowall"
    printf '%s\n' 'press 我要反映' 'press 路灯' 'press 不清楚' \
        'press c' 'press u' 'press n' 'press k' 'press o' 'press u' 'expect cun kou' 'press 村口' \
        'expect 村口' >"$work/pinyin.txt"
    chmod 644 "$work/pinyin.txt"
    chmod 755 "$work"
    if ! (cd / && runuser -u echowall -- env -u ECHOWALL_DATA -u ECHOWALL_RIME_DIR \
        SDL_VIDEODRIVER=offscreen TMPDIR=/tmp /usr/bin/echowall --db "$db" --headless \
        --window 1280x800 --script "$work/pinyin.txt") >"$work/kiosk.log" 2>&1; then
        cat "$work/kiosk.log" >&2
        fail "the installed kiosk failed its pinyin script (above)"
    fi
    if grep -q 'echowall:' "$work/kiosk.log"; then
        cat "$work/kiosk.log" >&2
        fail "the installed kiosk complained (above)"
    fi
    rm -f "$db" "$db-wal" "$db-shm"
    step "ran as user echowall"

    dpkg -r echowall >"$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log" >&2; fail "dpkg -r failed"; }
    while read -r f; do
        if [ -f "$f" ] || [ -L "$f" ]; then
            fail "$f is still there after dpkg -r"
        fi
    done <"$work/files"
    dpkg -P echowall >"$work/dpkg-p.log" 2>&1 || { cat "$work/dpkg-p.log" >&2; fail "dpkg -P failed"; }
    sed 's/^/  dpkg -P: /' "$work/dpkg-p.log"
    if dpkg-query -W -f '${Status}' echowall 2>/dev/null | grep -qv not-installed; then
        fail "echowall is still known to dpkg after purge: $(dpkg-query -W -f '${Status}' echowall)"
    fi
    [ -d /var/lib/echowall ] || fail "purge removed /var/lib/echowall (the device's records must stay)"
    [ ! -e /var/lib/echowall-update ] || fail "purge left /var/lib/echowall-update (the update helper's)"
    step "removed and purged"
fi
step "passed in $(($(date +%s) - start)) s"
