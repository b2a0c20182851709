#!/bin/sh
# The evaluation meeting at the kiosk (the real binaries, headless): staff
# open it behind the PIN (topic, who, a cap), 30 ballots cast by `press`
# count exactly; 取消, walking away and the cooldown count nothing; staff
# close it and the results page shows what `eval results` says; no open
# meeting and a full cap are said kindly; every frame's touch targets are
# checked. Usage: kiosk_ballot.sh BIN_DIR
name=kiosk_ballot
. "$(dirname "$0")/kiosk_lib.sh"
db="$tmp/h.db"

"$ctl" --db "$tmp/h.db" demo --hall H07 >/dev/null
echo 2468 | "$ctl" --db "$tmp/h.db" staff set-pin >/dev/null
q() { sqlite3 "$tmp/h.db" "$1"; }
staff='drag 120 60 120 60 3100
press 2
press 4
press 6
press 8
press 确认'

# Staff open the meeting: the quarter's topic, everyone but the last
# grid leader (tapped away), a cap of 40 typed on the pad.
last=$(q "SELECT name FROM people WHERE branch='H07' AND role='grid_leader' ORDER BY id DESC LIMIT 1")
cat >"$tmp/open.txt" <<S
$staff
press 开评议会
expect 2026年第四季度述职评议
screenshot setup
press $last
press 不限
expect 票数上限：到会人数
press 4
press 0
press 确认
expect 40
press 开始评议
expect 评议会已开始
S
kiosk "$tmp/open.txt" || fail "staff could not open the meeting"
id=$(q "SELECT id FROM meetings WHERE status='open'")
[ "$(q "SELECT topic || '|' || cap FROM meetings WHERE id='$id'")" = "2026年第四季度述职评议|40" ] ||
    fail "the meeting opened is not what staff chose: $(q "SELECT * FROM meetings WHERE id='$id'")"
n=$(q "SELECT json_array_length(subjects) FROM meetings WHERE id='$id'")
[ "$n" -ge 2 ] || fail "the meeting has $n subjects"
[ "$(q "SELECT count(*) FROM meetings, json_each(meetings.subjects) j, people p
        WHERE meetings.id='$id' AND p.id=j.value AND p.name='$last'")" = 0 ] ||
    fail "$last was tapped away but is evaluated"

# 30 ballots; ballot b rates subject i with rating (b + i) mod 5.
words="优秀 良好 一般 差 不了解"
{
    b=0
    while [ $b -lt 30 ]; do
        echo "press 我要评议"
        i=0
        while [ $i -lt "$n" ]; do
            echo "press $(echo $words | cut -d' ' -f$(( (b + i) % 5 + 1 )))"
            i=$((i + 1))
        done
        echo "expect 请核对您的评议"
        [ $b -eq 0 ] && echo "screenshot review"
        echo "press 提交"
        echo "expect 谢谢您的评议！"
        [ $b -eq 0 ] && echo "screenshot thanks"
        echo "wait 3100"
        echo "expect 我要反映"
        b=$((b + 1))
    done
    # 取消 discards; walking away discards; the cooldown refuses politely.
    echo "press 我要评议"
    echo "press 优秀"
    echo "press 取消"
    echo "expect 我要反映"
    echo "press 我要评议"
    echo "press 优秀"
    echo "wait 95000"
    echo "expect 我要反映"
    echo "press 我要评议"
    i=0
    while [ $i -lt "$n" ]; do echo "press 差"; i=$((i + 1)); done
    echo "press 返回"
    echo "press 一般"
    echo "press 取消"
    echo "press 我要评议"
    echo "expect 第 1 / $n 位"
    echo "press 返回"
    echo "expect 我要反映"
} >"$tmp/thirty.txt"
kiosk "$tmp/thirty.txt" || fail "30 ballots"

# One more, then at once another: the cooldown.
printf 'press 我要评议\n' >"$tmp/cool.txt"
i=0
while [ $i -lt "$n" ]; do echo "press 良好" >>"$tmp/cool.txt"; i=$((i + 1)); done
printf 'press 提交\npress 确认\npress 我要评议\nexpect 请稍等几秒\nwait 3100\npress 我要评议\nexpect 第 1 / %s 位\n' "$n" >>"$tmp/cool.txt"
kiosk "$tmp/cool.txt" 1080x1920 || fail "cooldown"

# Staff close it at the kiosk: told how many ballots, then the results.
"$ctl" --db "$tmp/h.db" eval results --meeting "$id" >/dev/null 2>&1 &&
    fail "eval results gave results of an open meeting"
cat >"$tmp/close.txt" <<S
$staff
press 结束评议会
screenshot close
screenshot close
press 结束评议会
expect 评议结果
expect 31 张选票
S
kiosk "$tmp/close.txt" || fail "staff could not close the meeting"
[ "$(q "SELECT status, ballots FROM meetings WHERE id='$id'")" = "closed|31" ] ||
    fail "the meeting did not close with 31 ballots: $(q "SELECT status, ballots FROM meetings WHERE id='$id'")"
# Every subject: 6 of each rating, and the cooldown walk's ballot one more 良好.
per='{"excellent":6,"fair":6,"good":7,"poor":6,"unknown":6}'
want=$(q "SELECT '{' || group_concat('\"' || value || '\":' || '$per', ',') || '}' FROM
          (SELECT value FROM meetings, json_each(meetings.subjects) WHERE meetings.id='$id' ORDER BY value)")
got=$(q "SELECT tallies FROM meetings WHERE id='$id'")
[ "$got" = "$want" ] || fail "the tallies are not what was cast: $got, want $want"

# The kiosk's results page (from the wall) agrees with `eval results`.
"$ctl" --db "$tmp/h.db" eval results --meeting "$id" >"$tmp/results.txt"
[ "$(wc -l <"$tmp/results.txt")" -eq "$n" ] || fail "eval results: $(cat "$tmp/results.txt")"
{
    echo "press 看回音壁"
    echo "press 评议结果"
    echo "expect 四季度述职评议"
    echo "expect 31 张选票"
    while read -r rank name role rate rest; do
        echo "expect $name"
        echo "expect 优秀率 $(printf '%.0f' "${rate%\%}")%"
        echo "expect 第 $rank 名"
    done <"$tmp/results.txt"
    echo "screenshot results"
} >"$tmp/results.script"
kiosk "$tmp/results.script" || fail "the results page"

# No open meeting: said kindly.
printf 'press 我要评议\nexpect 现在没有正在进行的评议会\n' >"$tmp/none.txt"
kiosk "$tmp/none.txt" 800x480 || fail "no meeting"

# A cap of 1: the second ballot is refused kindly.
"$ctl" --db "$tmp/h.db" meeting open --hall H07 --topic 冬季评议 --subject branch --cap 1 >/dev/null
printf 'press 我要评议\npress 优秀\npress 提交\nwait 3100\npress 我要评议\nexpect 本场评议的票数已满\n' >"$tmp/cap.txt"
kiosk "$tmp/cap.txt" || fail "cap"
"$ctl" --db "$tmp/h.db" meeting close "$(q "SELECT id FROM meetings WHERE status='open'")" >/dev/null

# Ballot tokens. With no printer, staff cannot open a meeting with tokens.
"$ctl" --db "$tmp/h.db" config set printer.path "$tmp/no-printer" >/dev/null
tokens_open="$staff
press 开评议会
press 不用
press 3
press 确认
expect 打印 3 张
press 开始评议"
printf '%s\nexpect 打印机不能打印评议票\n' "$tokens_open" >"$tmp/noprint.txt"
kiosk "$tmp/noprint.txt" || fail "tokens without a printer"
[ "$(q "SELECT count(*) FROM meetings WHERE status='open'")" = 0 ] || fail "a meeting opened without its tokens"
# With a printer (a file standing in for it): three slips, then a ballot
# needs an unused token of this meeting, typed or scanned.
"$ctl" --db "$tmp/h.db" config set printer.path "$tmp/printer" >/dev/null
: >"$tmp/printer"
printf '%s\nexpect 评议会已开始\n' "$tokens_open" >"$tmp/tokopen.txt"
kiosk "$tmp/tokopen.txt" || fail "opening with tokens"
tid=$(q "SELECT id FROM meetings WHERE status='open'")
n=$(q "SELECT json_array_length(subjects) FROM meetings WHERE id='$tid'")
t1=$(q "SELECT token FROM ballot_tokens WHERE meeting='$tid' ORDER BY token LIMIT 1")
t2=$(q "SELECT token FROM ballot_tokens WHERE meeting='$tid' ORDER BY token LIMIT 1 OFFSET 1")
# Each slip is its own job: ESC @ then a GS v 0 raster.
[ "$(od -An -tx1 -v "$tmp/printer" | tr -d ' \n' | grep -o 1b401d7630 | wc -l)" -eq 3 ] ||
    fail "three token slips were not printed"
rate_all() { i=0; while [ $i -lt "$n" ]; do echo "press 良好"; i=$((i + 1)); done; }
{
    echo "press 我要评议"
    echo "expect 请输入评议票上的号码"
    echo "screenshot token"
    echo "type 99999999"
    echo "key Return"
    echo "expect 这张评议票已经用过"
    echo "$t1" | fold -w1 | sed 's/^/press /'
    echo "press 确认"
    echo "expect 第 1 / $n 位"
    rate_all
    echo "press 提交"
    echo "expect 谢谢您的评议！"
    echo "wait 3100"
    echo "press 我要评议"
    echo "$t1" | fold -w1 | sed 's/^/press /'
    echo "press 确认"
    echo "expect 这张评议票已经用过"
    echo "press 取消"
    # A scanner reads the second slip's QR on Home: the ballot starts.
    echo "type https://town.example/t=$t2"
    echo "key Return"
    echo "expect 第 1 / $n 位"
    rate_all
    echo "press 提交"
    echo "expect 谢谢您的评议！"
} >"$tmp/tokens.txt"
kiosk "$tmp/tokens.txt" || fail "ballots with tokens"
"$ctl" --db "$tmp/h.db" meeting close "$tid" >/dev/null
[ "$(q "SELECT ballots FROM meetings WHERE id='$tid'")" = 2 ] ||
    fail "token ballots: $(q "SELECT ballots FROM meetings WHERE id='$tid'"), want 2"
[ "$(q "SELECT count(*) FROM ballot_tokens")" = 0 ] || fail "tokens outlived their meeting"

# A topic typed in pinyin, after the one chosen: 删除 takes the template off.
{
    echo "$staff"
    echo "press 开评议会"
    echo "press 2026年第四季度述职评议"
    echo "press 自己输入……"
    echo "expect 输入议题"
    i=0; while [ $i -lt 13 ]; do echo "press 删除"; i=$((i + 1)); done
    echo "qiuji" | fold -w1 | sed 's/^/press /'
    echo "press 秋季"
    echo "shuzhi" | fold -w1 | sed 's/^/press /'
    echo "press 述职"
    echo "screenshot topic"
    echo "press 确认"
    echo "expect 秋季述职"
    echo "press 开始评议"
    echo "expect 评议会已开始"
} >"$tmp/topic.txt"
kiosk "$tmp/topic.txt" || fail "a typed topic"
[ "$(q "SELECT topic FROM meetings WHERE status='open'")" = 秋季述职 ] ||
    fail "the typed topic is not the meeting's: $(q "SELECT topic FROM meetings WHERE status='open'")"
echo "kiosk_ballot: ok"
