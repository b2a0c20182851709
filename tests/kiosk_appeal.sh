#!/bin/sh
# 我要反映 at the kiosk (the real binaries, headless): an appeal typed in
# pinyin and by handwriting, with a phone number, submitted; its code and
# QR shown, its slip printed (to a file standing in for the printer) or,
# with no printer, its rating code shown instead; the phone sealed, never
# in the database in clear; the text waiting for approval. Walking away
# takes nothing. Staff log one raised at a meeting. Every frame's touch
# targets are checked. Usage: kiosk_appeal.sh BIN_DIR
name=kiosk_appeal
. "$(dirname "$0")/kiosk_lib.sh"
db="$tmp/h.db"
q() { sqlite3 "$db" "$1"; }
letters() { echo "$1" | fold -w1 | sed 's/^/press /'; }

"$ctl" --db "$db" demo --hall H07 >/dev/null
"$ctl" --db "$db" config set printer.path "$tmp/printer" >/dev/null
: >"$tmp/printer"
before=$(q "SELECT count(*) FROM appeals")
grid=$(q "SELECT json_extract(grids, '\$[0]') FROM branches WHERE code='H07'")

# Pinyin, a candidate, punctuation from the bar, a handwritten 一, digits.
{
    echo "press 我要反映"
    echo "expect 第 1 / 5 步"
    echo "press 路灯"
    echo "press $grid"
    letters cunkou
    echo "expect cun kou"
    echo "press 村口"
    letters ludeng
    echo "press 路灯"
    letters huaile
    echo "press 坏了"
    echo "press ，"
    letters wifi
    echo "screenshot pinyin"
    echo "press wifi"
    echo "press 手写"
    echo "drag 60 560 380 560 400"
    echo "expect 一"
    echo "screenshot hand"
    echo "press 一"
    echo "press 123"
    echo "press 3"
    echo "press 号"
    echo "press 。"
    echo "expect 村口路灯坏了，wifi一3号。"
    echo "press 下一步"
    echo "expect 电话只有镇里办事人员能看到"
    letters 13800138000
    echo "screenshot phone"
    echo "press 下一步"
    echo "expect 138****8000"
    echo "screenshot review"
    echo "press 提交"
    echo "expect 已收到您的反映"
    echo "expect 回执已送去打印"
    echo "screenshot done"
    echo "press 完成"
    echo "expect 看回音壁"
} >"$tmp/walk.txt"
kiosk "$tmp/walk.txt" || fail "the appeal walk"
[ "$(q "SELECT count(*) FROM appeals")" -eq $((before + 1)) ] || fail "no appeal was taken"
code=$(q "SELECT code FROM appeals ORDER BY rowid DESC LIMIT 1")
[ "$(q "SELECT source || '|' || category || '|' || grid || '|' || published FROM appeals WHERE code='$code'")" = "kiosk|street_light|$grid|0" ] ||
    fail "the appeal is not what was entered: $(q "SELECT * FROM appeals WHERE code='$code'")"
"$ctl" --db "$db" appeal show "$code" --json | grep -q '村口路灯坏了，wifi一3号。' || fail "the text is not the appeal's"
# The phone is sealed for the office: nowhere in the database in clear.
if grep -a -q 13800138000 "$db" "$db-wal" 2>/dev/null; then fail "the phone number is in the database in clear"; fi
# The QR on the screen holds exactly the tracking URL.
url=$("$ctl" --db "$db" config get town.tracking_url | sed "s/{code}/$code/")
[ "$(zbarimg --raw -q "$tmp/shots/done.png" 2>/dev/null)" = "$url" ] ||
    fail "the QR on the screen is not $url: $(zbarimg --raw -q "$tmp/shots/done.png" 2>&1)"
# The slip went to the printer: ESC @, a GS v 0 raster, a cut.
od -An -tx1 -v "$tmp/printer" | tr -d ' \n' >"$tmp/hex"
case $(cat "$tmp/hex") in *1b401d7630*1d56*) ;; *) fail "the printer got no slip" ;; esac

# No printer: the rating code is shown, since no slip carries it.
"$ctl" --db "$db" config set printer.path "$tmp/no-such-printer" >/dev/null
{
    echo "press 我要反映"
    echo "press 其他"
    echo "press 不清楚"
    echo "press 123"
    echo "press 1"; echo "press 2"; echo "press 3"
    echo "press 下一步"
    echo "press 不留电话"
    echo "expect 回访电话：未留"
    echo "press 提交"
    echo "expect 没有打印机"
    echo "expect 评价码："
    # Nothing printed: the codes stay three times as long as a page would.
    echo "wait 150000"
    echo "expect 评价码："
    echo "wait 120000"
    echo "expect 看回音壁"
} >"$tmp/noprinter.txt"
kiosk "$tmp/noprinter.txt" 1080x1920 || fail "no printer"
code2=$(q "SELECT code FROM appeals ORDER BY rowid DESC LIMIT 1")
[ "$code2" != "$code" ] || fail "the second appeal was not taken"

# Walking away, or 返回 all the way, takes nothing.
n=$(q "SELECT count(*) FROM appeals")
printf 'press 我要反映\npress 水利\npress 不清楚\npress 123\npress 5\nwait 95000\nexpect 我要反映\npress 我要反映\npress 垃圾\npress 返回\npress 返回\nexpect 看回音壁\n' >"$tmp/away.txt"
kiosk "$tmp/away.txt" 800x480 || fail "walking away"
[ "$(q "SELECT count(*) FROM appeals")" -eq "$n" ] || fail "an appeal walked away from was taken"

# A real 7-inch panel (154 mm across) has room for the pinyin keys; the
# demo's 800x480 without a size does not, and offers handwriting instead.
printf 'press 我要反映\npress 道路桥梁\npress 不清楚\nexpect 在这里写一个字\n' >"$tmp/small.txt"
kiosk "$tmp/small.txt" 800x480 || fail "800x480 without pinyin"
"$ctl" --db "$db" config set screen.width_mm 154 >/dev/null
printf 'press 我要反映\npress 道路桥梁\npress 不清楚\npress q\npress 手写\npress 123\nscreenshot panel7\n' >"$tmp/seven.txt"
kiosk "$tmp/seven.txt" 800x480 || fail "800x480 on a 7-inch panel"
"$ctl" --db "$db" config set screen.width_mm 155 >/dev/null

# Staff log an appeal raised aloud at a meeting.
echo 2468 | "$ctl" --db "$db" staff set-pin >/dev/null
{
    echo "drag 120 60 120 60 3100"
    echo "press 2"; echo "press 4"; echo "press 6"; echo "press 8"; echo "press 确认"
    echo "press 登记群众诉求"
    echo "expect 登记群众诉求"
    echo "press 两险"
    echo "press 不清楚"
    echo "press 123"
    echo "press 7"; echo "press 8"
    echo "press 下一步"
    echo "press 不留电话"
    echo "press 提交"
    echo "expect 已收到"
} >"$tmp/staff.txt"
kiosk "$tmp/staff.txt" || fail "staff logging an appeal"
[ "$(q "SELECT source FROM appeals ORDER BY rowid DESC LIMIT 1")" = meeting ] ||
    fail "the staff's appeal is not from a meeting"

# Staff approve texts for the wall: the first appeal's, after leaving the
# older ones waiting for now.
waiting=$(q "SELECT count(*) FROM appeals WHERE hall='H07' AND published=0 AND redacted=0")
older=$(q "SELECT count(*) FROM appeals WHERE hall='H07' AND published=0 AND redacted=0 AND
          (created_day, code) < (SELECT created_day, code FROM appeals WHERE code='$code')")
{
    echo "drag 120 60 120 60 3100"
    echo "press 2"; echo "press 4"; echo "press 6"; echo "press 8"; echo "press 确认"
    echo "press 审核上墙"
    echo "expect 还有 $waiting 条"
    i=0
    while [ $i -lt "$older" ]; do echo "press 暂不上墙"; i=$((i + 1)); done
    echo "expect 村口路灯坏了，wifi一3号。"
    echo "screenshot approve"
    echo "press 同意上墙"
    echo "expect 已同意上墙"
    echo "press 返回"
    # The public detail (by its code) shows the text now.
    echo "press 查询进度"
    echo "$code" | cut -c5- | fold -w1 | sed 's/^/press /'
    echo "press 查询"
    echo "expect 村口路灯坏了，wifi一3号。"
} >"$tmp/approve.txt"
kiosk "$tmp/approve.txt" || fail "staff approving a text"
[ "$(q "SELECT published FROM appeals WHERE code='$code'")" = 1 ] || fail "the text was not approved"
[ "$(q "SELECT count(*) FROM appeals WHERE hall='H07' AND published=0 AND redacted=0")" -eq $((waiting - 1)) ] ||
    fail "暂不上墙 approved something"
echo "kiosk_appeal: ok"
