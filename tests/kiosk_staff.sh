#!/bin/sh
# The kiosk's only way out: holding the title on Home opens the staff PIN
# pad; a wrong PIN is refused; the right one (set with `echowallctl staff
# set-pin`) offers 退出程序, which ends the program with status 0. Without
# a PIN nothing opens the way out. Usage: kiosk_staff.sh BIN_DIR SRC_DIR
set -eu
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ECHOWALL_NOW=2026-11-28T10:00 SDL_VIDEODRIVER=offscreen ECHOWALL_CHECK_TARGETS=1
fail() { echo "kiosk_staff: $*" >&2; exit 1; }

"$bin/echowallctl" --db "$tmp/h.db" demo --hall H07 >/dev/null
echo 2468 | "$bin/echowallctl" --db "$tmp/h.db" staff set-pin >/dev/null

for size in 800x480 1280x800 1080x1920; do
    "$bin/echowall" --db "$tmp/h.db" --headless --window "$size" \
        --script "$src/kiosk/staff.txt" --screenshots "$tmp/shots-$size" 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; fail "$size: the staff walk failed"; }
    [ -s "$tmp/shots-$size/staff.png" ] || fail "$size: no staff screenshot"
done

# Without a PIN: the pad says so, and nothing quits.
"$bin/echowallctl" --db "$tmp/nopin.db" demo --hall H07 >/dev/null
cat >"$tmp/nopin.txt" <<'S'
drag 120 60 120 60 3100
press 1
press 2
press 3
press 4
press 确认
expect 还没有设置工作人员密码
S
"$bin/echowall" --db "$tmp/nopin.db" --headless --window 1280x800 --script "$tmp/nopin.txt" \
    2>"$tmp/err" || { cat "$tmp/err" >&2; fail "no PIN: the walk failed"; }

# A short press does not open the pad.
cat >"$tmp/short.txt" <<'S'
drag 120 60 120 60 1500
expect 看回音壁
S
"$bin/echowall" --db "$tmp/h.db" --headless --window 1280x800 --script "$tmp/short.txt" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; fail "short press"; }
printf 'drag 120 60 120 60 1500\nexpect 请输入工作人员密码\n' >"$tmp/short2.txt"
if "$bin/echowall" --db "$tmp/h.db" --headless --window 1280x800 --script "$tmp/short2.txt" 2>/dev/null; then
    fail "a 1.5 s press opened the PIN pad"
fi
echo "kiosk_staff: ok"
