#!/bin/sh
# The town office's screens (the real binaries, headless, on the office's
# own database): a staff login (a wrong PIN refused first), an appeal taken
# from the inbox to its answer — its text approved for the wall, graded
# orange with a day more than the default time limit, assigned by typing
# pinyin initials and Chinese into the roster search, progress typed in
# pinyin, escalated, solved with an answer typed in pinyin — and the
# database checked after; the lists (overdue, due this week, orange, by
# unit, by branch); a solved appeal reopened and a text redacted with a
# reason; the workbook, the agenda and the tracking site exported onto a
# stick (and a clear word without one); a new kiosk's enrolment request
# answered and a kiosk retired on 设备管理; a person added to the roster and
# a unit renamed on 花名册; the station's own staff PIN changed on 设备管理
# (a wrong PIN in use, counted in the login's back-off, a short one, a
# mismatch; the old PIN refused after) and a new station's first PIN set
# at its login; logging out; every frame's
# touch targets checked, at 1280x800, 800x480 and 1920x1080.
# Usage: kiosk_office.sh BIN_DIR
name=kiosk_office
. "$(dirname "$0")/kiosk_lib.sh"
db="$tmp/office.db"
field() { # CODE KEY: one top-level field of `appeal show --json` (one per line), unquoted
    "$ctl" --db "$db" appeal show "$1" --json |
        sed -n "s/^  \"$2\": \"*\([^\",]*\)\"*,*\$/\1/p" | head -1
}
login() {
    echo "expect 工作人员登录"
    echo "press 工作人员登录"
    for d in 2 4 6 8; do echo "press $d"; done
    echo "press 确认"
    echo "expect 待处理"
}

"$ctl" --db "$db" demo >/dev/null
echo 2468 | "$ctl" --db "$db" staff set-pin >/dev/null
# A new appeal, as a hall's kiosk would have taken it (its phone sealed).
code=$("$ctl" --db "$db" appeal add --hall H07 --category road_bridge --text "村东头的石桥裂了，雨天过桥危险" \
    --contact 13800001234 | head -1)
[ "$(field "$code" status)" = received ] || fail "the new appeal is not received"

# ---- the inbox to the answer ------------------------------------------------
{
    echo "press 工作人员登录"
    for d in 1 1 1 1; do echo "press $d"; done
    echo "press 确认"
    echo "expect 密码不对"
    for d in 2 4 6 8; do echo "press $d"; done
    echo "press 确认"
    echo "expect 待处理"
    echo "screenshot office_inbox"
    echo "key End" # the newest is the inbox's last (oldest first)
    echo "expect $code"
    echo "press $code"
    echo "expect 村东头的石桥裂了"
    echo "expect 待审核"
    echo "expect 13800001234" # the sealed phone, opened for the office
    echo "screenshot office_case_new"
    # Nothing can be assigned before it is graded.
    echo "press 同意上墙"
    echo "expect 已办理"
    echo "press 定级"
    echo "press 橙色"
    echo "expect 办理期限 30 天"
    echo "press 多一天"
    echo "expect 办理期限 31 天，至 2026-12-29"
    echo "screenshot office_grade"
    echo "press 确认"
    echo "expect 已办理"
    echo "press 交办"
    echo "press 请选择 ▼ #1"
    echo "type lyj"
    echo "expect 林跃进"
    echo "screenshot office_pick"
    echo "press 林跃进"
    echo "press 请选择 ▼ #1"
    echo "type zhoujg"
    echo "press 周建国"
    echo "press 请选择 ▼"
    echo "type 供电"
    echo "press 县供电公司青石供电所"
    echo "screenshot office_assign"
    echo "expect 林跃进 ▼"
    echo "press 确认"
    echo "expect 已分派"
    echo "press 添加进展"
    echo "type yijingpaiyuanxiankan"
    echo "press 已经派员先看"
    echo "expect 已经派员先看"
    echo "screenshot office_text"
    echo "press 确认"
    echo "expect 办理中"
    echo "press 上报"
    echo "press 确认"
    echo "expect 已上报"
    echo "press 办结"
    echo "type banjie"
    echo "press 办结"
    echo "type ，桥已修好" # Chinese characters commit as they are
    echo "press 确认"
    echo "expect 已办结"
    echo "screenshot office_case_solved"
    # Solved: only reopening is offered; a second answer is not.
    echo "press 返回"
    echo "expect 待处理"
} >"$tmp/walk.txt"
kiosk "$tmp/walk.txt" || fail "the inbox-to-answer walk"
[ "$(field "$code" status)" = solved ] || fail "not solved: $(field "$code" status)"
[ "$(field "$code" grade)" = orange ] || fail "not orange"
[ "$(field "$code" published)" = true ] || fail "the text was not approved"
[ "$(field "$code" due)" = 2026-12-29 ] || fail "the time limit is $(field "$code" due), not 31 days"
[ "$(field "$code" member_id)" = P0007 ] || fail "the member is $(field "$code" member_id)"
[ "$(field "$code" leader_id)" = L01 ] || fail "the leader is $(field "$code" leader_id)"
[ "$(field "$code" unit_id)" = U01 ] || fail "the unit is $(field "$code" unit_id)"
answer=$(field "$code" answer)
case $answer in 办结*桥*) ;; *) fail "the answer is '$answer'" ;; esac
"$ctl" --db "$db" appeal show "$code" | grep -q "已经派员" || fail "the progress note is missing"
"$ctl" --db "$db" appeal show "$code" | grep -q escalate || fail "the escalation is missing"

# ---- the lists, reopening, redacting, exports, logging out --------------------
"$ctl" --db "$db" config set sync.mount "$tmp/stick" >/dev/null
mkdir "$tmp/stick"
solved=$("$ctl" --db "$db" appeal list --status solved --hall H03 | awk 'NR==1 {print $1}')
{
    login
    echo "press 已超期"
    echo "expect 已超期"
    echo "screenshot office_overdue"
    echo "press 本周到期"
    echo "press 橙色上会"
    echo "screenshot office_orange"
    echo "press 按单位"
    echo "expect 选择责任单位"
    echo "type 水利"
    echo "press 镇水利站"
    echo "expect 镇水利站 ▼"
    echo "screenshot office_unit"
    echo "press 镇水利站 ▼"
    echo "press 返回"
    echo "press 按支部"
    echo "type liushu"
    echo "press 柳树湾村"
    echo "expect $solved"
    echo "press $solved"
    echo "expect 已办结"
    echo "press 重新打开"
    echo "type 群众反映没有修好"
    echo "press 确认"
    echo "expect 办理中"
    echo "press 屏蔽内容"
    echo "type 含有个人信息"
    echo "press 确认"
    echo "expect 已屏蔽"
    echo "press 返回"
    echo "press 全部"
    echo "screenshot office_all"
    echo "press 导出到U盘"
    echo "press 民情台账（Excel）"
    echo "expect 请先插入U盘"
    echo "press 关闭"
    echo "wait 16"
} >"$tmp/lists.txt"
kiosk "$tmp/lists.txt" || fail "the lists walk"
[ "$(field "$solved" status)" = in_progress ] || fail "$solved was not reopened"
[ "$(field "$solved" redacted)" = true ] || fail "$solved was not redacted"

# A stick in (a folder with a file in it is a stick to stick_present), then
# the exports.
echo x >"$tmp/stick/readme.txt"
{
    login
    echo "press 导出到U盘"
    echo "press 民情台账（Excel）"
    echo "expect 已写入U盘"
    echo "press 联席会议议程（打印）"
    echo "expect 已写入U盘"
    echo "press 进度查询网站"
    echo "expect 已写入U盘"
    echo "screenshot office_export"
    echo "press 关闭"
    echo "press 退出登录"
    echo "expect 工作人员登录"
} >"$tmp/export.txt"
kiosk "$tmp/export.txt" || fail "the exports walk"
out="$tmp/stick/echowall-office"
[ -s "$out/民情台账-2026-11-28.xlsx" ] || fail "no workbook on the stick"
grep -q "$code" "$out/党政联席会议议程-2026-11-28.html" && fail "a solved appeal on the agenda"
grep -q "橙色诉求议程" "$out/党政联席会议议程-2026-11-28.html" || fail "no agenda on the stick"
[ -n "$(find "$out/site" -name '*.html' | head -1)" ] || fail "no site on the stick"

# ---- the roster: a person added, a unit renamed -------------------------------
{
    login
    echo "press 花名册"
    echo "expect 人员"
    echo "press 新增"
    echo "expect 新增人员"
    echo "press 请填写 ▼ #1"
    echo "type 张晓明"
    echo "press 确认"
    echo "press 微网格长"
    echo "press 请填写 ▼"
    echo "type baisha"
    echo "press 白沙村"
    echo "screenshot office_form"
    echo "press 确认"
    echo "expect 已保存"
    echo "expect 张晓明"
    echo "press 单位"
    echo "type shuili"
    echo "press 镇水利站"
    echo "expect 修改单位"
    echo "press 镇水利站 ▼"
    echo "key BackSpace" # 镇水利站 → 镇水利
    echo "type 服务站"
    echo "press 确认"
    echo "press 确认"
    echo "expect 已保存"
    echo "press 返回"
    echo "expect 待处理"
} >"$tmp/roster.txt"
kiosk "$tmp/roster.txt" || fail "the roster walk"
"$ctl" --db "$db" roster list | grep -q "张晓明 grid_leader H07" || fail "the new person is not in the roster"
"$ctl" --db "$db" roster list | grep -q "U02 镇水利服务站" || fail "the unit was not renamed"

# ---- devices: a new kiosk's request answered, a kiosk retired -----------------
# No request on the stick yet: nothing to answer, said so.
{
    login
    echo "press 设备管理"
    echo "expect 青石村"
    echo "press 为新机注册（U盘）"
    echo "type liushu"
    echo "press 柳树湾村"
    echo "expect 没有办成"
} >"$tmp/devices0.txt"
kiosk "$tmp/devices0.txt" || fail "enrolment with no request"
# A new kiosk's request: the office says which hall it stands in (H12).
"$ctl" --db "$tmp/new.db" init --role hall --hall H12 >/dev/null
"$ctl" --db "$tmp/new.db" enroll "$tmp/stick" >/dev/null
ls "$tmp/stick/echowall/"request-*.req >/dev/null 2>&1 || fail "no enrolment request on the stick"
h01=$("$ctl" --db "$db" devices | awk '$3 == "H01" {print $1; exit}')
{
    login
    echo "press 设备管理"
    echo "press 为新机注册（U盘）"
    echo "type taoyuan"
    echo "press 桃源村"
    echo "expect 已注册：桃源村（H12"
    echo "screenshot office_devices"
    echo "press 停用 #1" # H01's kiosk, the first hall's
    echo "expect 停用 青石村 的设备"
    echo "screenshot office_revoke"
    echo "press 停用"
    echo "expect 已停用这台设备"
    # A backup: the passphrase typed (shown as dots, BackSpace works).
    echo "press 备份到U盘"
    echo "type qingshi2026"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "expect ••••••" # six characters (too few: 确认 waits for ten)
    echo "type zhen-2026"
    echo "screenshot office_backup_pass"
    echo "press 确认"
    echo "expect 已备份到U盘"
    echo "screenshot office_backup_done"
    echo "press 返回"
    echo "expect 待处理"
} >"$tmp/devices.txt"
kiosk "$tmp/devices.txt" || fail "the devices walk"
bak=$(ls "$tmp/stick/echowall/"backup-*.ewbak 2>/dev/null | head -1)
[ -n "$bak" ] || fail "no backup on the stick"
grep -q "qingshzhen-2026" "$bak" && fail "the passphrase is on the stick in clear"
printf 'qingshzhen-2026\n' >"$tmp/pass"
"$ctl" --db "$tmp/restored.db" restore "$bak" --passphrase-file "$tmp/pass" >/dev/null ||
    fail "the backup does not restore with its passphrase"
[ "$("$ctl" --db "$tmp/restored.db" appeal show "$code" --json | grep -c '"status": "solved"')" = 1 ] ||
    fail "the restored database lacks the answered appeal"
"$ctl" --db "$db" devices | grep "^$h01" | grep -q REVOKED || fail "H01's kiosk was not retired"
"$ctl" --db "$tmp/new.db" enroll "$tmp/stick" | grep -q H12 || fail "the new kiosk was not enrolled"

# 签发升级: no package on the stick is said; then the one echowall_*.deb on
# it is signed with the town key into echowall/, for the halls.
{ login; echo "press 设备管理"; echo "press 签发升级（U盘）"; echo "expect 没有 echowall_*.deb"; } >"$tmp/sign0.txt"
kiosk "$tmp/sign0.txt" || fail "signing with no package"
mkdir -p "$tmp/pkg/DEBIAN"
printf 'Package: echowall\nVersion: 0.2.0\nArchitecture: %s\nMaintainer: t <t@example.org>\nDescription: test\n' \
    "$(dpkg --print-architecture)" >"$tmp/pkg/DEBIAN/control"
dpkg-deb --build "$tmp/pkg" "$tmp/stick/echowall_0.2.0_test.deb" >/dev/null
{
    login
    echo "press 设备管理"
    echo "press 签发升级（U盘）"
    echo "expect 已签发新版本 0.2.0"
    echo "screenshot office_sign"
} >"$tmp/sign.txt"
kiosk "$tmp/sign.txt" || fail "signing the update"
[ -s "$tmp/stick/echowall/update-0.2.0.sig" ] && [ -s "$tmp/stick/echowall/update-0.2.0.deb" ] ||
    fail "no signed update on the stick"
"$ctl" --db "$db" update verify "$tmp/stick/echowall/update-0.2.0.deb" "$tmp/stick/echowall/update-0.2.0.sig" \
    --running 0.1.0 --arch "$(dpkg --print-architecture)" >/dev/null || fail "the signed update does not verify"
rm -f "$tmp/stick/echowall_0.2.0_test.deb" "$tmp/stick/echowall/update-0.2.0."*

# A hall's forgotten staff PIN: 重设密码 on its kiosk's row asks first, then
# shows a temporary PIN once; the staff.pin_reset record is written.
{
    login
    echo "press 设备管理"
    echo "expect 时钟已确认"
    echo "press 重设密码 #1" # the first kiosk not retired: H02's
    echo "expect 重设工作人员密码？"
    echo "press 取消"
    echo "press 重设密码 #1"
    echo "screenshot office_pin_ask"
    echo "press 重设密码"
    echo "expect 的临时密码："
    echo "screenshot office_pin_done"
    echo "press 返回"
    echo "press 设备管理"
    echo "expect 时钟已确认" # the PIN is not shown again
} >"$tmp/pin.txt"
kiosk "$tmp/pin.txt" || fail "the PIN reset walk"
[ "$(sqlite3 "$db" "SELECT count(*) FROM pin_resets")" = 1 ] || fail "no PIN reset was written"
[ "$(sqlite3 "$db" "SELECT count(*) FROM records WHERE kind='staff.pin_reset'")" = 1 ] ||
    fail "no staff.pin_reset record"
# The station's clock went backwards (a flat battery): the page asks staff to
# check the date, and 确认时钟 confirms it.
{
    login
    echo "press 设备管理"
    echo "expect 时钟跳变过"
    echo "screenshot office_clock_ask"
    echo "press 确认时钟"
    echo "expect 时钟已确认：今天是 2026-11-20"
} >"$tmp/clock.txt"
ECHOWALL_NOW=2026-11-20T09:00 kiosk "$tmp/clock.txt" || fail "the clock walk"
ECHOWALL_NOW=2026-11-20T09:00 "$ctl" --db "$db" clock | grep -q "clock is confirmed" ||
    fail "the clock was not confirmed"

# 导入台账: the ledger CSV saved from Excel onto the stick. None there, a
# link (never followed), two files, a bad row (nothing imported) and a good
# file (two appeals in).
imp() { # EXPECTED-TEXT: the import sheet's 从U盘导入, and what it says
    { login; echo "press 导入台账"; echo "press 从U盘导入"; echo "expect $1"; } >"$tmp/imp.txt"
    kiosk "$tmp/imp.txt" || fail "import: not '$1'"
}
before=$("$ctl" --db "$db" appeal list | wc -l)
ln -s /etc/passwd "$tmp/stick/passwd.csv"
imp "U盘上没有 .csv 文件"
rm "$tmp/stick/passwd.csv"
printf '支部,日期,诉求内容,类别\nH07,2026-11-20,村口路灯不亮,路灯\nH07,2026-11-21,,垃圾\n' >"$tmp/stick/bad.csv"
imp "没有导入，一条也没有改"
[ "$("$ctl" --db "$db" appeal list | wc -l)" = "$before" ] || fail "a bad ledger changed the appeals"
printf '\357\273\277支部,日期,诉求内容,类别\nH07,2026-11-20,村口路灯不亮,路灯\nH07,2026-11-21,垃圾池满了没人清,垃圾\n' \
    >"$tmp/stick/echowall-office/台账.CSV"
imp "有几个 .csv 文件"
rm "$tmp/stick/bad.csv"
imp "已从 台账.CSV 导入 2 条诉求"
[ "$("$ctl" --db "$db" appeal list | wc -l)" = "$((before + 2))" ] || fail "the ledger's two appeals are not in"
rm "$tmp/stick/echowall-office/台账.CSV"

# A person's evaluation results, from the roster's form: meeting by meeting
# and quarter by quarter, with the rank (何荣华, H01's secretary).
{
    login
    echo "press 花名册"
    echo "type hrh"
    echo "press 何荣华"
    echo "press 评议结果"
    echo "expect 各次评议会"
    echo "expect 青石村"
    echo "expect 2026Q3"
    echo "expect 优秀率"
    echo "screenshot office_person"
    echo "press 返回"
    echo "expect 支部书记"
} >"$tmp/person.txt"
kiosk "$tmp/person.txt" || fail "a person's results"

# 季度结果: the newest quarter's results ranked by role, the quarter before,
# and a quarter with no meeting.
{
    login
    echo "press 评议会"
    echo "press 季度结果"
    echo "expect 2026Q4 季度评议结果"
    echo "expect 村党支部"
    echo "expect 第 1 名"
    echo "press ‹ 上一季度"
    echo "expect 2026Q3 季度评议结果"
    echo "screenshot office_round"
    echo "press 下一季度 ›"
    echo "press 下一季度 ›"
    echo "expect 这个季度没有结束的评议会"
    echo "press 返回"
    echo "expect 作废"
} >"$tmp/round.txt"
kiosk "$tmp/round.txt" || fail "a quarter's results"

# 评议会: the newest meeting voided with its reason (a meeting.void record);
# a voided one cannot be voided again.
{
    login
    echo "press 评议会"
    echo "press 作废 #1"
    echo "expect 作废的原因" # 确认 is disabled until a reason is typed
    echo "type 有人代投"
    echo "press 确认"
    echo "expect 已作废："
    echo "expect 已作废：有人代投"
    echo "screenshot office_meetings"
} >"$tmp/void.txt"
kiosk "$tmp/void.txt" || fail "the meeting void walk"
[ "$("$ctl" --db "$db" meeting list | grep -c "voided: 有人代投")" = 1 ] || fail "no meeting was voided"

# 镇里设置: the green time limit changed to 5 days (a config.set record);
# 0 is refused and changes nothing.
{
    login
    echo "press 镇里设置"
    echo "expect 青石镇"
    echo "press 修改 #3"
    echo "expect 绿色诉求期限（天）"
    echo "key BackSpace"
    echo "type 5"
    echo "press 确认"
    echo "expect 已保存"
    echo "screenshot office_settings"
    echo "press 修改 #4"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "type 0"
    echo "press 确认"
    echo "expect 没有办成"
    echo "expect 公布"
    echo "press 修改 #6" # the site's results: turned over to 不公布
    echo "expect 网站公布评议结果 = 不公布"
    echo "press 返回"
    echo "expect 待处理"
} >"$tmp/settings.txt"
kiosk "$tmp/settings.txt" || fail "the settings walk"
# On a low screen the rows scroll to the last (the stick taken out first:
# a stick syncs once each start, and its result would cover the page).
mv "$tmp/stick" "$tmp/stick.out"
{
    login
    echo "press 镇里设置"
    echo "drag 200 440 200 120 400"
    echo "wait 1500"
    echo "expect 网站公布评议结果" # the last row
    echo "screenshot office_settings_800x480"
} >"$tmp/settings-low.txt"
kiosk "$tmp/settings-low.txt" 800x480 || fail "the settings at 800x480"
mv "$tmp/stick.out" "$tmp/stick"
[ "$("$ctl" --db "$db" config get limit.green)" = 5 ] || fail "limit.green was not set to 5"
[ "$("$ctl" --db "$db" config get limit.blue)" = 15 ] || fail "a refused limit.blue changed"
[ "$("$ctl" --db "$db" config get site.results)" = none ] || fail "site.results was not turned to none"
[ "$(sqlite3 "$db" "SELECT count(*) FROM records WHERE kind='config.set'")" -ge 1 ] ||
    fail "no config.set record"

# ---- other sizes: every screen's targets hold ---------------------------------
for size in 800x480 1920x1080; do
    {
        login
        echo "key Return" # the inbox's first
        echo "expect 诉求内容"
        echo "screenshot office_case_$size"
        echo "press 返回"
        echo "press 按单位"
        echo "type zrz"
        echo "screenshot office_pick_$size"
        echo "press 返回"
        echo "screenshot office_list_$size"
    } >"$tmp/size.txt"
    kiosk "$tmp/size.txt" "$size" || fail "the walk at $size"
done

# ---- the station's own staff PIN ------------------------------------------------
digits() { # PIN: presses its digits, then 确认
    echo "$1" | sed 's/./press &\n/g' | grep .
    echo "press 确认"
}
# Wrong PINs in use on 修改工作人员密码 count toward the login's back-off: the
# fourth in a row locks, and the login is then refused too (a copy, as the
# pinned clock never lets the lock end).
cp "$db" "$tmp/locked.db"
{
    login
    echo "press 设备管理"
    echo "press 修改工作人员密码"
    for i in 1 2 3 4; do # three free, the fourth starts a 30 s lock
        digits 1111
        echo "expect 密码不对"
    done
    digits 1111
    echo "expect 密码错误次数过多"
    echo "press 取消"
    echo "press 返回"
    echo "press 退出登录"
    echo "press 工作人员登录"
    digits 2468
    echo "expect 密码错误次数过多"
} >"$tmp/lock.txt"
(db="$tmp/locked.db" && kiosk "$tmp/lock.txt") || fail "the change-PIN back-off walk"
# Changed on the screen, at 800x480 and 1920x1080: a wrong PIN in use, a
# too-short new one, a mismatch, then 1357; the old one no longer logs in.
n=0
for size in 800x480 1920x1080; do
    old=$([ $n = 0 ] && echo 2468 || echo 1357) new=$([ $n = 0 ] && echo 1357 || echo 86420)
    {
        echo "press 工作人员登录"
        digits "$old"
        echo "expect 待处理"
        echo "press 设备管理"
        echo "press 修改工作人员密码"
        echo "expect 请输入现在的工作人员密码"
        digits 9999
        echo "expect 密码不对"
        echo "screenshot office_mypin_wrong_$size"
        digits "$old"
        echo "expect 请输入新的工作人员密码"
        digits 12
        echo "expect 密码要 4–8 位数字"
        echo "screenshot office_mypin_short_$size"
        digits "$new"
        echo "expect 请再输入一次新密码"
        digits 24680
        echo "expect 两次输入不一样"
        echo "expect 请输入新的工作人员密码"
        digits "$new"
        digits "$new"
        echo "expect 本机的工作人员密码已修改"
        echo "screenshot office_mypin_done_$size"
        echo "press 返回"
        echo "press 退出登录"
        echo "press 工作人员登录"
        digits "$old"
        echo "expect 密码不对"
        digits "$new"
        echo "expect 待处理"
    } >"$tmp/mypin.txt"
    kiosk "$tmp/mypin.txt" "$size" || fail "changing the station's PIN at $size"
    n=1
done
echo 86420 | "$ctl" --db "$db" staff check-pin >/dev/null || fail "the changed PIN does not check"
if echo 2468 | "$ctl" --db "$db" staff check-pin >/dev/null 2>&1; then fail "the old PIN still checks"; fi
# 取消 on the pad changes nothing.
{
    echo "press 工作人员登录"
    digits 86420
    echo "press 设备管理"
    echo "press 修改工作人员密码"
    digits 86420
    echo "press 取消"
    echo "expect 修改工作人员密码"
} >"$tmp/mypin-cancel.txt"
kiosk "$tmp/mypin-cancel.txt" || fail "cancelling the PIN change"
echo 86420 | "$ctl" --db "$db" staff check-pin >/dev/null || fail "取消 changed the PIN"

# A new office station (echowallctl init, no PIN): the login asks for its
# first PIN, twice, refusing a short one and a mismatch, and logs in; after
# that it is the PIN's login. The digits never show on the pad.
fresh="$tmp/fresh.db"
for size in 800x480 1920x1080; do
    rm -f "$fresh"*; "$ctl" --db "$fresh" init --role office --name 青石镇 >/dev/null
    {
        echo "press 工作人员登录"
        echo "expect 这台电脑还没有工作人员"
        echo "screenshot office_firstpin_$size"
        digits 123
        echo "expect 密码要 4–8 位数字"
        digits 5791
        echo "expect 请再输入一次新密码"
        digits 5792
        echo "expect 两次输入不一样"
        echo "expect 这台电脑还没有工作人员"
        digits 5791
        digits 5791
        echo "expect 待处理"
        echo "screenshot office_firstpin_in_$size"
        echo "press 退出登录"
        echo "press 工作人员登录"
        echo "expect 请输入工作人员密码"
        digits 1234
        echo "expect 密码不对"
        digits 5791
        echo "expect 待处理"
    } >"$tmp/first.txt"
    (db="$fresh" && kiosk "$tmp/first.txt" "$size") || fail "the first PIN at $size"
done
echo 5791 | "$ctl" --db "$fresh" staff check-pin >/dev/null || fail "the first PIN does not check"
rm -f "$fresh"*; "$ctl" --db "$fresh" init --role office --name 青石镇 >/dev/null
printf 'press 工作人员登录\npress 5\npress 7\npress 9\nexpect ● ● ●\n' >"$tmp/shown.txt"
(db="$fresh" && kiosk "$tmp/shown.txt") || fail "the first PIN's dots"
printf 'press 工作人员登录\npress 5\npress 7\npress 9\nexpect 579\n' >"$tmp/shown.txt"
if (db="$fresh" && kiosk "$tmp/shown.txt"); then fail "the first PIN's digits show on the pad"; fi

# The demo office starts logged out, with its PIN on standard error.
"$bin/echowall" --demo --office --headless --window 1280x800 --script /dev/null 2>"$tmp/demo.err" ||
    { cat "$tmp/demo.err" >&2; fail "echowall --demo --office"; }
grep -q "staff PIN is 1234" "$tmp/demo.err" || fail "the demo office does not tell its PIN"
keep
echo "kiosk_office: ok ($code)"
