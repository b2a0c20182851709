#!/bin/sh
# kiosk_cli.sh BIN_DIR: the real `echowall` binary's exit statuses and
# messages, as a technician meets them: 0 for a script that passes (its
# screenshots are PNG files of the logical, upright screen), 1 for a step
# that fails (the message names the script file and line, and for a press
# what is on screen), 2 for bad usage or a script that does not parse, 1
# for a missing database (pointing at echowallctl), 0 on SIGTERM in the
# live loop; and no demo town left behind in TMPDIR by any of them.
set -eu
bin=$1/echowall
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export ECHOWALL_NOW=2026-11-28T10:00 SDL_VIDEODRIVER=offscreen TMPDIR="$dir/tmp"
mkdir "$TMPDIR"
fail() { echo "kiosk_cli: $*" >&2; [ -f "$dir/err.txt" ] && sed 's/^/  stderr: /' "$dir/err.txt" >&2; exit 1; }

# run EXPECTED_STATUS ARGS...: runs the kiosk, stderr to err.txt.
run() {
    want=$1
    shift
    set +e
    "$bin" "$@" >"$dir/out.txt" 2>"$dir/err.txt"
    st=$?
    set -e
    [ "$st" -eq "$want" ] || fail "echowall $*: exit $st, want $want"
    left=$(ls "$TMPDIR")
    [ -z "$left" ] || fail "echowall $*: left $left in TMPDIR"
}
has() { grep -qF -- "$1" "$dir/err.txt" || fail "stderr lacks '$1'"; }

# png FILE W H: FILE is a PNG of W x H pixels (signature, then IHDR).
png() {
    [ -f "$1" ] || fail "$1 was not written"
    sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
    [ "$sig" = 89504e470d0a1a0a ] || fail "$1 is not a PNG (starts $sig)"
    set -- "$1" "$2" "$3" $(od -An -tu1 -j16 -N8 "$1")
    w=$(( ($4 << 24) + ($5 << 16) + ($6 << 8) + $7 ))
    h=$(( ($8 << 24) + ($9 << 16) + (${10} << 8) + ${11} ))
    [ "$w" -eq "$2" ] && [ "$h" -eq "$3" ] || fail "$1 is ${w}x$h, want $2x$3"
}

# A good script: 0, and the screenshots.
cat >"$dir/good.txt" <<'EOF'
# the villager's first look
screenshot home
press 看回音壁
expect 共 12 条
drag 600 700 600 200 300
wait 2000
screenshot wall
EOF
run 0 --demo --headless --window 1280x800 --script "$dir/good.txt" --screenshots "$dir/shots"
png "$dir/shots/home.png" 1280 800
png "$dir/shots/wall.png" 1280 800
[ ! -s "$dir/err.txt" ] || fail "a passing script wrote to stderr"

# SDL2_image is opened at the start, on the thread that decodes the icons:
# missing, or some other library in its place, the wall is shown without
# icons and the kiosk says why, naming the package.
export ECHOWALL_SDL2_IMAGE_LIBRARY=/nonexistent/libSDL2_image-2.0.so.0
run 0 --demo --headless --window 1280x800 --script "$dir/good.txt" --screenshots "$dir/noimg"
png "$dir/noimg/wall.png" 1280 800
has "icons are not shown"
has "libsdl2-image-2.0-0"
export ECHOWALL_SDL2_IMAGE_LIBRARY=libz.so.1
run 0 --demo --headless --window 1280x800 --script "$dir/good.txt" --screenshots "$dir/noimg"
has "is not SDL2_image"
unset ECHOWALL_SDL2_IMAGE_LIBRARY

# Turned 90 degrees, the screenshot is the upright logical screen.
printf 'press 看回音壁\nscreenshot turned\n' >"$dir/turned.txt"
run 0 --demo --headless --window 1280x800 --rotate 90 --script "$dir/turned.txt" \
    --screenshots "$dir/shots"
png "$dir/shots/turned.png" 800 1280

# In English, the same walk by the English labels.
printf 'press The wall\nexpect 12 appeals\n' >"$dir/en.txt"
run 0 --demo --headless --lang en --script "$dir/en.txt" --screenshots "$dir/shots"

# A long `type` reaches the app whole (more characters than the app's
# queue of 256 holds): hold the hall's name 3.5 s for the staff PIN pad,
# type 300 letters (not digits: ignored) and a digit, which shows as a dot.
{
    printf 'drag 350 100 350 100 3500\nexpect 请输入工作人员密码\ntype '
    i=0
    while [ $i -lt 30 ]; do printf 'xxxxxxxxxx'; i=$((i + 1)); done
    printf '1\nexpect ●\n'
} >"$dir/type.txt"
run 0 --demo --headless --window 1280x800 --script "$dir/type.txt"

# The screenshot folder is made at the first screenshot: not at all
# without one, and when it cannot be, the message names that step's line.
run 0 --demo --headless --lang en --script "$dir/en.txt" --screenshots "$dir/unused"
[ ! -e "$dir/unused" ] || fail "a folder was made for no screenshot"
printf 'press 看回音壁\nscreenshot wall\n' >"$dir/nodir.txt"
run 1 --demo --headless --script "$dir/nodir.txt" --screenshots /nonexistent/shots
has "$dir/nodir.txt:2:"
has "cannot make /nonexistent/shots"

# A failing expect: 1, naming the file and the line (3: comment and blank
# lines count).
printf '# comment\n\nexpect 不存在的文字\nscreenshot never\n' >"$dir/expect.txt"
run 1 --demo --headless --script "$dir/expect.txt" --screenshots "$dir/shots"
has "$dir/expect.txt:3:"
has "不存在的文字"
[ ! -e "$dir/shots/never.png" ] || fail "steps after the failed one ran"

# A script that does not parse: 2, with the file and line; nothing runs.
printf 'screenshot first\nbogus 1\n' >"$dir/bogus.txt"
run 2 --demo --headless --script "$dir/bogus.txt" --screenshots "$dir/shots"
has "$dir/bogus.txt"
has "line 2"
has "bogus"
[ ! -e "$dir/shots/first.png" ] || fail "an unparsable script ran its first step"

# press of something not on screen: 1, listing what is.
printf 'press 返回\n' >"$dir/press.txt"
run 1 --demo --headless --script "$dir/press.txt"
has "$dir/press.txt:1:"
has '"返回"'
has "看回音壁"
has "查询进度"

# A missing script file: 2.
run 2 --demo --headless --script "$dir/none.txt"
has "$dir/none.txt"

# Bad usage: 2.
run 2 --demo --headless --window 10x10 --script "$dir/good.txt"
has "--window"
run 2 --demo --headless --lang fr --script "$dir/good.txt"
has "--lang"
run 2 --demo --db "$dir/x.db" --headless --script "$dir/good.txt"
run 2 --demo --headless --rotate 45 --script "$dir/good.txt"

# No database: 1, saying how to make one.
run 1 --db /nonexistent/x.db --headless --script "$dir/good.txt"
has "/nonexistent/x.db"
has "echowallctl"
[ ! -e /nonexistent/x.db ] || fail "a database was created"

# The live loop ends cleanly on SIGTERM (systemd stopping the kiosk).
"$bin" --demo --headless >"$dir/out.txt" 2>"$dir/err.txt" &
pid=$!
i=0
while [ -z "$(ls "$TMPDIR")" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
kill -TERM "$pid"
set +e
wait "$pid"
st=$?
set -e
[ "$st" -eq 0 ] || fail "SIGTERM: exit $st, want 0"
[ -z "$(ls "$TMPDIR")" ] || fail "SIGTERM: the demo town was left in TMPDIR"

# --paused: the out-of-service screen, without any database; SIGTERM ends it.
"$bin" --paused --headless --window 800x480 --screenshots "$TMPDIR/paused" ||
    fail "--paused: no screen"
[ -s "$TMPDIR/paused/paused.png" ] || fail "--paused: no screenshot"
rm -rf "$TMPDIR/paused"
"$bin" --paused --headless &
pid=$!
sleep 1
kill -TERM "$pid"
set +e
wait "$pid"; st=$?
set -e
[ "$st" -eq 0 ] || fail "--paused, SIGTERM: exit $st, want 0"
echo "kiosk_cli: 1 passed, 0 failed"
