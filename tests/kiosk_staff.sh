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
# 关机 in the staff menu: asks first (返回 leaves nothing behind), then
# leaves the request that echowall-poweroff.path acts on, and says to wait
# for the dark screen; a minute later, still running, it says unplugging is
# safe. Without the request folder (no appliance service) it says why.
mkdir -p "$tmp/req"
staff() { printf 'drag 120 60 120 60 3100\npress 2\npress 4\npress 6\npress 8\npress 确认\n'; }
{ staff; cat; } >"$tmp/off.txt" <<'S'
press 关机
expect 现在关机吗
press 返回
expect 退出程序
press 关机
screenshot poweroff-ask
press 关机
expect 正在关机
screenshot poweroff-going
wait 61000
expect 可以直接拔掉电源
press 返回
expect 看回音壁
S
ECHOWALL_POWEROFF_REQUEST="$tmp/req/poweroff" "$bin/echowall" --db "$tmp/h.db" --headless \
    --window 1280x800 --script "$tmp/off.txt" --screenshots "$tmp/shots-off" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; fail "the 关机 walk failed"; }
grep -q "staff menu" "$tmp/req/poweroff" || fail "关机 left no request"
grep -q "shutdown asked for" "$tmp/err" || fail "关机 not in the log"
rm "$tmp/req/poweroff"
{ staff; cat; } >"$tmp/off-back.txt" <<'S'
press 关机
press 返回
press 返回
expect 看回音壁
S
ECHOWALL_POWEROFF_REQUEST="$tmp/req/poweroff" "$bin/echowall" --db "$tmp/h.db" --headless \
    --window 800x480 --script "$tmp/off-back.txt" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; fail "关机 then 返回 failed"; }
[ ! -e "$tmp/req/poweroff" ] || fail "返回 still asked for a shutdown"
{ staff; cat; } >"$tmp/off-none.txt" <<'S'
press 关机
press 关机
expect 没有关机
expect no shutdown service
press 返回
expect 看回音壁
S
ECHOWALL_POWEROFF_REQUEST="$tmp/none/poweroff" "$bin/echowall" --db "$tmp/h.db" --headless \
    --window 1080x1920 --script "$tmp/off-none.txt" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; fail "关机 without the service failed"; }
echo "kiosk_staff: ok"
