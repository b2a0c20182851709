#!/bin/sh
# 查询进度 at the kiosk (the real binaries, headless): a slip's code typed
# on the key grid, a mistyped one turned away by its check character, an
# unknown one said kindly, a scanner's URL typed on Home; a solved appeal
# rated once with the slip's rating code, wrong codes refused and backed
# off; every frame's touch targets checked. Usage: kiosk_track.sh BIN_DIR
name=kiosk_track
. "$(dirname "$0")/kiosk_lib.sh"
db="$tmp/hall.db"   # H07's kiosk
office="$tmp/o.db"  # the town office, which handles the appeals
mkdir "$tmp/stick"
sync() { # the office's records to the kiosk by stick
    "$ctl" --db "$office" sync "$tmp/stick" >/dev/null && "$ctl" --db "$db" sync "$tmp/stick" >/dev/null
}
# A whole code typed (after 删除 has cleared the H07- the kiosk starts with).
keys() { echo "$1" | sed 's/-//' | fold -w1 | sed 's/^/press /'; }

# An appeal taken at the office, answered and published; its slip's codes.
"$ctl" --db "$office" demo >/dev/null
"$ctl" --db "$db" demo --hall H07 >/dev/null
out=$("$ctl" --db "$office" appeal add --hall H07 --category street_light --text 村口路灯坏了 --source staff)
code=$(echo "$out" | head -1)
proof=$(echo "$out" | sed -n 's/^rating code: //p')
[ ${#proof} -eq 6 ] || fail "no rating code: $out"
"$ctl" --db "$office" appeal grade "$code" green >/dev/null
"$ctl" --db "$office" appeal assign "$code" --member P0007 --leader L01 --unit U01 >/dev/null
"$ctl" --db "$office" appeal solve "$code" --answer 已修好 >/dev/null
"$ctl" --db "$office" appeal publish "$code" >/dev/null
sync
last=$(echo "$code" | tail -c 2)
wrong=$(echo "$code" | sed 's/.$//')$( [ "$last" = X ] && echo Y || echo X)
# A code whose check character is right but that no appeal has.
absent=$(awk -v have="$("$ctl" --db "$db" appeal list --hall H07 | awk '{print $1}' | tr '\n' ' ')" '
BEGIN {
    alpha = "23456789ABCDEFGHJKLMNPQRSTUVWXY"
    for (n = 0; n < 1000; n++) {
        body = "W" substr(alpha, int(n / 961) % 31 + 1, 1) substr(alpha, int(n / 31) % 31 + 1, 1) \
               substr(alpha, n % 31 + 1, 1)
        s = 2 * 17 + 3 * 0 + 4 * 7  # H07
        for (i = 1; i <= length(body); i++)
            s += (i + 4) * (index(alpha, substr(body, i, 1)) - 1)
        c = "H07-" body substr(alpha, (31 - s % 31) % 31 + 1, 1)
        if (index(" " have " ", " " c " ") == 0) { print c; exit }
    }
}')

{
    echo "press 查询进度"
    for i in 1 2 3; do echo "press 删除"; done
    keys "$wrong"
    echo "press 查询"
    echo "expect 编号不对"
    echo "screenshot bad"
    for i in 1 2 3 4 5 6 7 8 9 10; do echo "press 删除"; done
    keys "$absent"
    echo "press 查询"
    echo "expect 本机还没有这个编号"
    for i in 1 2 3 4 5 6 7 8 9 10; do echo "press 删除"; done
    keys "$code"
    echo "press 查询"
    echo "expect 村口路灯坏了"
    echo "expect 对办理结果满意吗？"
    echo "screenshot solved"
    echo "press 不满意"
    echo "press 1"; echo "press 1"; echo "press 1"; echo "press 确认"
    echo "expect 评价码不对"
    keys "$proof"
    echo "press 确认"
    echo "expect 您的评价：不满意"
    echo "screenshot rated"
    echo "press 返回"
    echo "expect 查询"
    echo "press 返回"
    echo "expect 我要反映"
} >"$tmp/walk.txt"
kiosk "$tmp/walk.txt" || fail "the tracking walk"
[ "$(sqlite3 "$db" "SELECT rating FROM appeals WHERE code='$code'")" = unsatisfied ] ||
    fail "the rating was not recorded"

# Rated once: the page says how, and offers no buttons.
printf 'type https://town.example/a/%s\nkey Return\nexpect 您的评价：不满意\n' "$(echo "$code" | tr A-Z a-z)" >"$tmp/scan.txt"
kiosk "$tmp/scan.txt" 800x480 || fail "a scanned URL on Home"

# Wrong rating codes back off: after three, the pad is not offered.
out=$("$ctl" --db "$office" appeal add --hall H07 --category water --text 水渠堵了 --source staff)
code2=$(echo "$out" | head -1)
"$ctl" --db "$office" appeal grade "$code2" green >/dev/null
"$ctl" --db "$office" appeal assign "$code2" --member P0007 --leader L01 --unit U01 >/dev/null
"$ctl" --db "$office" appeal solve "$code2" --answer 已疏通 >/dev/null
sync
{
    echo "press 查询进度"
    for i in 1 2 3 4 5 6 7 8 9 10; do echo "press 删除"; done
    keys "$code2"
    echo "press 查询"
    for t in 1 2 3; do
        echo "press 满意"
        for d in 1 2 3 4 5 6; do echo "press 9"; done
        echo "press 确认"
        [ $t -lt 3 ] && echo "expect 评价码不对"
        [ $t -lt 3 ] && echo "press 取消"
    done
    echo "expect 评价码错得太多了"
    echo "press 满意"
    echo "expect 评价码错得太多了"
    echo "expect 对办理结果满意吗？"
} >"$tmp/lock.txt"
kiosk "$tmp/lock.txt" 1080x1920 || fail "wrong rating codes"
[ -z "$(sqlite3 "$db" "SELECT rating FROM appeals WHERE code='$code2'")" ] ||
    fail "a wrong rating code was recorded"
echo "kiosk_track: ok"
