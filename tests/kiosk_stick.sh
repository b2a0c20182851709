#!/bin/sh
# The kiosk and the USB stick (the real binaries, headless): a blank kiosk
# writes its enrolment request when a stick appears; after the office's
# provisioning it installs its certificate (showing the town key's
# fingerprint); then every stick syncs by itself with a result on screen,
# a damaged file is refused by name, and the office reads what the kiosk
# wrote. Usage: kiosk_stick.sh BIN_DIR
set -eu
bin=$1
tmp=$(mktemp -d)
trap "rm -rf \"$tmp\"" EXIT
export ECHOWALL_NOW=2026-11-28T10:00 SDL_VIDEODRIVER=offscreen ECHOWALL_BOARD=test-board
ctl="$bin/echowallctl"
fail() { echo "kiosk_stick: $*" >&2; exit 1; }
kiosk() { # SCRIPT-TEXT: runs the kiosk on the hall's database with that script
    printf '%s\n' "$1" >"$tmp/s.txt"
    "$bin/echowall" --db "$tmp/hall.db" --headless --window 1280x800 --script "$tmp/s.txt" \
        --screenshots "$tmp/shots" 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
}

fp=$("$ctl" --db "$tmp/office.db" init --role office --name 青石镇 |
    sed -n 's/^town key fingerprint: //p')
[ -n "$fp" ] || fail "no fingerprint from init"
# 0. A new kiosk's first start: no database yet, in an existing data folder:
#    it starts blank and says it waits for the office's stick.
printf 'expect 本机尚未注册：请插入镇里带来的U盘\n' >"$tmp/s.txt"
"$bin/echowall" --db "$tmp/blank.db" --headless --window 1280x800 --script "$tmp/s.txt" \
    2>"$tmp/err" || { cat "$tmp/err" >&2; fail "blank kiosk"; }
grep -q "starting as a blank kiosk" "$tmp/err" || fail "blank kiosk: no message"
[ -f "$tmp/blank.db" ] || fail "blank kiosk: no database made"
if "$bin/echowall" --db "$tmp/no/such/folder.db" --headless --script "$tmp/s.txt" 2>"$tmp/err"; then
    fail "a database in a missing folder was accepted"
fi
grep -q "echowallctl" "$tmp/err" || fail "missing folder: no hint"

"$ctl" --db "$tmp/hall.db" init --role hall --hall H07 >/dev/null
"$ctl" --db "$tmp/hall.db" config set sync.mount "$tmp/stick" >/dev/null
mkdir "$tmp/stick"

# No stick (an empty, unmounted folder): nothing happens.
kiosk "wait 2000
expect 本机尚未注册：请插入镇里带来的U盘
expect 从备份恢复（U盘）" || fail "no stick"
[ ! -d "$tmp/stick/echowall" ] || fail "wrote to a folder with no stick in it"

# 1. A stick appears: the blank kiosk asks to be enrolled.
echo "label" >"$tmp/stick/LABEL.TXT"
kiosk "wait 100
expect 已把本机的注册申请写到U盘上
screenshot requested
press 确认
expect 本机尚未注册：请插入镇里带来的U盘" || fail "enrolment request"
ls "$tmp/stick/echowall/"request-*.req >/dev/null 2>&1 || fail "no request on the stick"

# 2. The office answers; the kiosk installs its certificate by itself.
"$ctl" --db "$tmp/office.db" provision --hall H07 "$tmp/stick" >/dev/null
kiosk "wait 100
expect 本机已注册为 H07
expect 镇里密钥指纹：$fp
screenshot enrolled
press 确认" || fail "enrolment"

# 3. The office logs an appeal for H07 and syncs; the kiosk syncs by itself
#    and the appeal is on its wall.
code=$("$ctl" --db "$tmp/office.db" appeal add --hall H07 --category water --text "村口水管漏水" --json |
    sed -n 's/.*"code": *"\([^"]*\)".*/\1/p' | head -1)
[ -n "$code" ] || fail "the office could not log an appeal"
"$ctl" --db "$tmp/office.db" sync "$tmp/stick" >/dev/null
kiosk "wait 100
expect 同步完成，可以拔出U盘

expect 条新记录
screenshot synced
press 确认
press 看回音壁
expect $code" || fail "sync"
"$ctl" --db "$tmp/office.db" sync "$tmp/stick" --json >"$tmp/office-sync.json"
grep -q '"hall": "H07"' "$tmp/office-sync.json" || fail "the office did not read the kiosk's bundle"

# 4. A damaged manifest is refused by name; the rest still syncs.
m=$(ls "$tmp/stick/echowall/"*.manifest | head -1)
base=$(basename "$m" .manifest)
dev=${base%-*}
printf 'not a manifest' >"$tmp/stick/echowall/$dev-999999.manifest"
kiosk "wait 100
expect 同步完成，可以拔出U盘
expect 1 个文件未被接受
expect $dev-999999.manifest
screenshot refused
press 确认" || fail "refused file"

# 5. Idle does not interrupt a result nobody read... it returns Home and
#    the result is not shown to the next villager.
kiosk "wait 100
expect 同步完成
wait 95000
expect 看回音壁" || fail "idle after a sync"
# 6. A stick that cannot be written (its echowall/ is a file): the sync
#    fails plainly, with the reason for staff, and the kiosk carries on.
rm -rf "$tmp/stick"/*
echo "x" >"$tmp/stick/echowall"
kiosk "wait 100
expect 同步没有完成，请重新插入U盘再试
screenshot failed
press 确认
press 看回音壁
expect $code" || fail "unwritable stick"
# 7. The whole loop, the kiosk doing its own syncs: hall H07 takes an appeal
#    -> stick -> the office (the demo town, with its roster) grades, assigns
#    and answers it -> stick -> H07's wall shows the answer.
rm -rf "$tmp/stick" "$tmp"/hall.db* && mkdir "$tmp/stick"
echo "label" >"$tmp/stick/LABEL.TXT"
"$ctl" --db "$tmp/town.db" demo >/dev/null
"$ctl" --db "$tmp/hall.db" init --role hall --hall H07 >/dev/null
"$ctl" --db "$tmp/hall.db" config set sync.mount "$tmp/stick" >/dev/null
kiosk "wait 100
expect 已把本机的注册申请写到U盘上" || fail "loop: request"
"$ctl" --db "$tmp/town.db" provision --hall H07 "$tmp/stick" >/dev/null
kiosk "wait 100
expect 本机已注册为 H07
press 确认
press 看回音壁
press 全镇
expect 共 183 条" || fail "loop: enrolment brings the town"
code=$("$ctl" --db "$tmp/hall.db" appeal add --hall H07 --category water --text "村口水管漏水，请尽快修" --json |
    sed -n 's/.*"code": *"\([^"]*\)".*/\1/p' | head -1)
kiosk "wait 100
expect 送出本机 1 条记录
press 确认
press 看回音壁
expect $code
expect 内容待审核" || fail "loop: the kiosk sends the appeal"
"$ctl" --db "$tmp/town.db" sync "$tmp/stick" >/dev/null
"$ctl" --db "$tmp/town.db" appeal grade "$code" blue >/dev/null
"$ctl" --db "$tmp/town.db" appeal assign "$code" --member P0001 --leader L01 --unit U01 >/dev/null
"$ctl" --db "$tmp/town.db" appeal publish "$code" >/dev/null
"$ctl" --db "$tmp/town.db" appeal solve "$code" --answer "已更换水管，恢复供水。" >/dev/null
"$ctl" --db "$tmp/town.db" sync "$tmp/stick" >/dev/null
kiosk "wait 100
expect 同步完成，可以拔出U盘
press 确认
press 看回音壁
expect 村口水管漏水，请尽快修
expect 已更换水管，恢复供水。
press $code
expect 办结答复
screenshot loop_detail" || fail "loop: the answer on H07's wall"

# A forgotten staff PIN: the office resets it; the stick brings the reset;
# the temporary PIN opens staff mode once a new PIN is set twice; the old
# PIN no longer works, the new one does.
echo 1357 | "$ctl" --db "$tmp/hall.db" staff set-pin >/dev/null
temp=$("$ctl" --db "$tmp/town.db" staff reset-pin --hall H07 | grep -o '[0-9]\{8\}' | head -1)
[ ${#temp} -eq 8 ] || fail "reset-pin printed no temporary PIN"
"$ctl" --db "$tmp/town.db" sync "$tmp/stick" >/dev/null
digits() { echo "$1" | fold -w1 | sed 's/^/press /'; }
kiosk "wait 100
expect 同步完成，可以拔出U盘
press 确认
drag 120 60 120 60 3100
$(digits 1357)
press 确认
expect 密码不对
$(digits "$temp")
press 确认
expect 这是镇里重设的临时密码
screenshot pin_reset
$(digits 2468)
press 确认
expect 请再输入一次新密码
$(digits 2469)
press 确认
expect 两次输入不一样
$(digits 2468)
press 确认
$(digits 2468)
press 确认
expect 新密码已设置
expect 退出程序" || fail "the office's PIN reset at the kiosk"
kiosk "wait 100
press 确认
drag 120 60 120 60 3100
$(digits "$temp")
press 确认
expect 密码不对
$(digits 2468)
press 确认
expect 退出程序" || fail "the new PIN after the reset"

# 8. Updates by stick: the office signs a new echowall package onto the
#    stick; the kiosk syncs, checks it and hands it to the installer (its
#    spool beside the database), saying so. The installer's outcome (its
#    result file) is shown once, with no stick in.
arch=$("$ctl" --version | sed -n 's/.*(\(.*\))$/\1/p')
mkdir -p "$tmp/pkg/DEBIAN"
printf 'Package: echowall\nVersion: 0.2.0\nArchitecture: %s\nMaintainer: t <t@echowall.invalid>\nDescription: t\n' \
    "$arch" >"$tmp/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -b "$tmp/pkg" "$tmp/echowall_0.2.0.deb" >/dev/null
"$ctl" --db "$tmp/town.db" update sign "$tmp/echowall_0.2.0.deb" --stick "$tmp/stick" >/dev/null
export ECHOWALL_UPDATE_STATE="$tmp/ustate"
mkdir "$tmp/ustate"
kiosk "wait 100
expect 同步完成，可以拔出U盘
expect 发现新版本 0.2.0，正在安装
screenshot update_found
press 确认" || fail "update: found on the stick"
[ "$(cat "$tmp/update/request")" = 0.2.0 ] || fail "update: no request in the spool"
cmp -s "$tmp/update/pending.deb" "$tmp/echowall_0.2.0.deb" || fail "update: the spooled package differs"
# A package that does not match its signature: refused, said so.
rm -f "$tmp/update/request"
printf 'x' >>"$tmp/stick/echowall/update-0.2.0.deb"
kiosk "wait 100
expect U盘上的新版本 0.2.0 未被接受
expect longer than its signature says
press 确认" || fail "update: a damaged package"
[ ! -e "$tmp/update/request" ] || fail "update: a damaged package was handed on"
# The installer's outcome, with no stick: shown once.
rm -rf "$tmp/stick" && mkdir "$tmp/stick"
printf 'id=42\noutcome=rolled_back\nversion=0.2.0\nfrom=0.1.0\nmessage=echowall 0.2.0 did not report ready within 60 s; back to 0.1.0\n' \
    >"$tmp/ustate/result"
kiosk "wait 1500
expect 软件升级
expect 新版本 0.2.0 没能正常启动，已退回 0.1.0
expect did not report ready
screenshot update_rolled_back
press 确认
press 看回音壁
expect 全镇" || fail "update: the installer's outcome"
[ "$(cat "$tmp/update/result.seen")" = 42 ] || fail "update: the outcome is not marked as shown"
kiosk "wait 1500
press 看回音壁
expect 全镇" || fail "update: the outcome was shown twice"
echo "kiosk_stick: ok"
