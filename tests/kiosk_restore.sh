#!/bin/sh
# A new office station restored from a backup on its screens (the real
# binaries, headless): `echowall` on a database path that does not exist
# starts blank and shows the first-run page; 从备份恢复（U盘） says plainly
# when there is no stick, when the stick holds no backup, when a backup is
# tampered with or cut short, when the passphrase is wrong and when the disk
# is full (a file-size limit makes the copy's writes fail), each time
# leaving the station blank with nothing beside its database; then the
# right passphrase makes it the office: the town key's fingerprint is
# shown, the enrolment request the blank station wrote onto the stick is
# gone, and 继续 leads to the office's login, where the backup's staff PIN
# opens the lists. Screenshots at 1280x800, 800x480 and 1920x1080, every
# frame's touch targets checked.
# Usage: kiosk_restore.sh BIN_DIR
name=kiosk_restore
. "$(dirname "$0")/kiosk_lib.sh"
office="$tmp/office.db"
db="$tmp/new/echowall.db"
mkdir "$tmp/new"
pass=qingshi-zhen-2026

run() { # STICK SIZE SCRIPT-FILE: the new station with its stick at STICK
    "$bin/echowall" --db "$db" --stick "$1" --headless --window "$2" --script "$3" \
        --screenshots "$tmp/shots" 2>"$tmp/err" || { cat "$tmp/err" >&2; keep; return 1; }
}
still_blank() { # WHAT: the station holds nothing yet, and nothing lies beside it
    n=$(sqlite3 "$db" "SELECT count(*) FROM records" 2>/dev/null) || fail "$1: the database is unreadable"
    [ "$n" = 0 ] || fail "$1: the station holds $n records"
    [ "$(sqlite3 "$db" "SELECT count(*) FROM device_self WHERE role='office'")" = 0 ] ||
        fail "$1: the station became an office"
    left=$(ls "$tmp/new" | grep -v '^echowall\.db\(-wal\|-shm\)\{0,1\}$' | grep -v '^update$' || true)
    [ -z "$left" ] || fail "$1: left behind: $left"
}
passphrase() { # the passphrase typed, a mistake taken back with BackSpace
    echo "type ${1}x"
    echo "key BackSpace"
}
restore_good_stick() { # PASSPHRASE: the stick's request noted, the backup chosen, 确认
    echo "wait 100"
    echo "press 确认"
    echo "press 从备份恢复（U盘）"
    echo "press echowall/$(basename "$bak")"
    passphrase "$1"
    echo "press 确认"
}

# The town office, its staff PIN and its backup on a stick.
"$ctl" --db "$office" demo >/dev/null
echo 2468 | "$ctl" --db "$office" staff set-pin >/dev/null
printf '%s\n' "$pass" >"$tmp/pass"
mkdir "$tmp/stick"
"$ctl" --db "$office" backup "$tmp/stick" --passphrase-file "$tmp/pass" >/dev/null
bak=$(ls "$tmp/stick/echowall/"backup-*.ewbak)
fp=$("$ctl" --db "$tmp/scratch.db" restore "$bak" --passphrase-file "$tmp/pass" |
    sed -n 's/^town key fingerprint: //p')
[ -n "$fp" ] || fail "no fingerprint from echowallctl restore"
appeals=$(sqlite3 "$office" "SELECT count(*) FROM appeals")
size=$(wc -c <"$bak")

# Sticks that cannot restore: an empty one; one with a tampered backup, a
# cut-short one and a link to a good one (never listed).
mkdir "$tmp/empty" "$tmp/bad" "$tmp/bad/echowall"
echo label >"$tmp/empty/LABEL.TXT"
cp "$bak" "$tmp/bad/echowall/backup-2026-11-27.ewbak"
printf 'X' | dd of="$tmp/bad/echowall/backup-2026-11-27.ewbak" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
head -c $((size - 200)) "$bak" >"$tmp/bad/echowall/backup-2026-11-26.ewbak"
ln -s "$bak" "$tmp/bad/echowall/backup-2026-11-28.ewbak"

# ---- the first start: the first-run page, no stick --------------------------
for size_ in 1280x800 800x480 1920x1080; do
    cat >"$tmp/s.txt" <<EOF
expect 本机尚未注册：请插入镇里带来的U盘
expect 镇里的办公电脑（换新机）
screenshot firstrun_$size_
press 从备份恢复（U盘）
expect 没有找到U盘
screenshot restore_nostick_$size_
press 返回
expect 村里的一体机
EOF
    run "$tmp/nostick" "$size_" "$tmp/s.txt" || fail "first-run page at $size_"
    [ "$size_" != 1280x800 ] || grep -q "starting as a blank kiosk" "$tmp/err" ||
        fail "no word of a blank start"
done
still_blank "no stick"

# ---- an empty stick ---------------------------------------------------------
cat >"$tmp/s.txt" <<EOF
press 从备份恢复（U盘）
expect 这个U盘上没有备份文件
screenshot restore_empty
EOF
run "$tmp/empty" 800x480 "$tmp/s.txt" || fail "an empty stick"
still_blank "an empty stick"

# ---- a tampered backup and a cut-short one (the stick is in from the start:
# the blank station writes its enrolment request first, as a kiosk would) --
{
    echo "wait 100"
    echo "expect 已把本机的注册申请写到U盘上"
    echo "press 确认"
    echo "press 从备份恢复（U盘）"
    echo "expect echowall/backup-2026-11-27.ewbak"
    echo "expect echowall/backup-2026-11-26.ewbak"
    echo "screenshot restore_list_800x480"
    echo "press echowall/backup-2026-11-27.ewbak"
    echo "expect 做备份时设的口令"
    passphrase "$pass"
    echo "screenshot restore_pass_800x480"
    echo "press 确认"
    echo "expect 备份文件坏了、被改过或者不完整"
    echo "screenshot restore_damaged_800x480"
    echo "press 重新查找"
    echo "expect 选择U盘上的备份文件"
    echo "press echowall/backup-2026-11-26.ewbak"
    passphrase "$pass"
    echo "press 确认"
    echo "expect 备份文件坏了、被改过或者不完整"
} >"$tmp/s.txt"
run "$tmp/bad" 800x480 "$tmp/s.txt" || fail "damaged backups"
grep -q "backup-2026-11-28" "$tmp/err" && fail "a link was offered as a backup"
still_blank "damaged backups"

# ---- the wrong passphrase ------------------------------------------------------
{
    restore_good_stick "not-the-passphrase"
    echo "expect 口令不对"
    echo "expect 本机没有任何改动"
    echo "screenshot restore_wrongpass_1920x1080"
} >"$tmp/s.txt"
run "$tmp/stick" 1920x1080 "$tmp/s.txt" || fail "a wrong passphrase"
still_blank "a wrong passphrase"

# ---- a full disk: no file may grow past a quarter of the backup --------------
{
    restore_good_stick "$pass"
    echo "expect 本机磁盘空间不够"
    echo "screenshot restore_full_1280x800"
} >"$tmp/s.txt"
blocks=$((size / 4 / 512))
(
    trap '' XFSZ # a write past the limit fails with EFBIG instead of killing
    ulimit -f "$blocks"
    run "$tmp/stick" 1280x800 "$tmp/s.txt"
) || fail "a full disk"
still_blank "a full disk"

# ---- the right passphrase: the office, its fingerprint, its login -----------
{
    restore_good_stick "$pass"
    echo "expect 恢复完成：本机现在是镇里的办公电脑"
    echo "expect $fp"
    echo "screenshot restore_done_1920x1080"
    echo "press 继续：工作人员登录"
    echo "expect 工作人员登录"
    echo "press 工作人员登录"
    for d in 2 4 6 8; do echo "press $d"; done
    echo "press 确认"
    echo "expect 待处理"
    echo "screenshot restore_office_1920x1080"
} >"$tmp/s.txt"
ls "$tmp/stick/echowall/"request-*.req >/dev/null 2>&1 || fail "the blank station wrote no request"
run "$tmp/stick" 1920x1080 "$tmp/s.txt" || fail "the restore"
[ "$(sqlite3 "$db" "SELECT role FROM device_self")" = office ] || fail "not the office after the restore"
[ "$(sqlite3 "$db" "SELECT count(*) FROM appeals")" = "$appeals" ] || fail "the appeals did not come back"
old=$(sqlite3 "$office" "SELECT hex(device) FROM device_self")
[ "$(sqlite3 "$db" "SELECT hex(device) FROM device_self")" != "$old" ] || fail "the old office's identity was reused"
ls "$tmp/stick/echowall/"request-*.req >/dev/null 2>&1 && fail "the blank station's request is still on the stick"
left=$(ls "$tmp/new" | grep -v '^echowall\.db\(-wal\|-shm\)\{0,1\}$' | grep -v '^update$' || true)
[ -z "$left" ] || fail "left behind after the restore: $left"
# Started again, it is the office at once; the page is not offered again.
printf 'expect 工作人员登录\n' >"$tmp/s.txt"
run "$tmp/stick" 800x480 "$tmp/s.txt" || fail "the office after a restart"
keep
echo "$name: ok"
