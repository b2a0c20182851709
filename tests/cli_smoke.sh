#!/bin/sh
# cli_smoke.sh: the issue's "done when" through the real binary, as a
# technician types it: `echowallctl demo && echowallctl stats --json` on the
# default database path ($ECHOWALL_DB here, so the test owns its file),
# then the exit statuses of a bad command and a missing database.
set -eu
ctl=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export ECHOWALL_DB="$dir/var/lib/echowall/echowall.db"
fail() { echo "cli_smoke: $*" >&2; exit 1; }

"$ctl" demo >"$dir/demo.txt" || fail "demo failed"
"$ctl" stats --json >"$dir/stats.json" || fail "stats failed"
for want in '"branches": 38' '"meetings": 39' '"appeals": 183' '"leading_members": 135' \
            '"leaders": 11' '"units": 23' '"solved": 162'; do
    grep -q "$want" "$dir/stats.json" || fail "stats --json lacks $want"
done
grep -q '162 solved' "$dir/demo.txt" || fail "demo did not print the figures"

# The office's evaluation commands: a void, one person's results, a PIN reset.
"$ctl" meeting void H07-MA1 --reason "投票时有人代投" >/dev/null || fail "meeting void failed"
"$ctl" meeting list | grep -q 'void .*voided: 投票时有人代投' || fail "meeting list lacks the void"
"$ctl" eval person P0003 | grep -q '^H03-MA1 ' || fail "eval person lacks H03-MA1"
"$ctl" staff reset-pin --hall H07 >"$dir/reset.txt" || fail "staff reset-pin failed"
grep -Eq '^temporary staff PIN for H07: [0-9]{8}$' "$dir/reset.txt" ||
    fail "staff reset-pin did not print an 8-digit PIN"

set +e
"$ctl" appeal grade H07-A3K9V purple 2>"$dir/err.txt"; st=$?
set -e
[ "$st" -eq 2 ] || fail "bad grade: exit $st, want 2"
grep -q purple "$dir/err.txt" || fail "bad grade: message does not name the value"

printf '2580\n' | "$ctl" staff set-pin >/dev/null || fail "staff set-pin from a pipe failed"
printf '2580\n' | "$ctl" staff check-pin >/dev/null || fail "staff check-pin: right PIN refused"
set +e
printf '0000\n' | "$ctl" staff check-pin 2>/dev/null; st=$?
[ "$st" -eq 1 ] || fail "staff check-pin: wrong PIN exit $st, want 1"
ECHOWALL_DB="$dir/none.db" "$ctl" stats 2>"$dir/err.txt"; st=$?
set -e
[ "$st" -eq 1 ] || fail "missing database: exit $st, want 1"
[ ! -e "$dir/none.db" ] || fail "missing database: a file was created"
# An appeal's slip for the printer: ESC @, GS v 0 raster bands, a cut; a
# picture for a .png; the rating code only when given.
code=$("$ctl" appeal list --hall H07 | head -1 | cut -d' ' -f1)
"$ctl" print "$code" --out "$dir/slip.bin" --width 576 --rating-code 123456 >/dev/null ||
    fail "print to a file failed"
case $(od -An -tx1 -v "$dir/slip.bin" | tr -d ' \n') in
1b401d7630004800*1d56*) ;; # 576 dots = 72 bytes a row (0x48)
*) fail "print: not an ESC/POS raster slip 576 dots wide" ;;
esac
"$ctl" print "$code" --out "$dir/slip.png" >/dev/null || fail "print to a picture failed"
[ "$(od -An -c -N4 "$dir/slip.png" | tr -d ' ')" = '211PNG' ] || fail "print: .png is not a PNG"
set +e
"$ctl" print "$code" --out "$dir/x.bin" --rating-code 12ab 2>/dev/null; st=$?
[ "$st" -eq 2 ] || fail "print with a bad rating code: exit $st, want 2"
"$ctl" print "$code" 2>/dev/null; st=$?
[ "$st" -eq 2 ] || fail "print without --out: exit $st, want 2"
set -e
# The villager's phone number: sealed when taken, opened only by the office.
pcode=$("$ctl" appeal add --hall H07 --category 路灯 --text "村口路灯不亮" --contact "138-0013-8000" |
    head -1)
[ "$("$ctl" appeal contact "$pcode")" = "138-0013-8000" ] || fail "appeal contact: wrong number"
"$ctl" appeal contact "$pcode" --json | grep -q '"contact": "138-0013-8000"' ||
    fail "appeal contact --json lacks the number"
"$ctl" appeal show "$pcode" | grep -q 0013 && fail "appeal show prints the contact"
set +e
"$ctl" appeal contact "$code" 2>"$dir/err.txt"; st=$?
[ "$st" -eq 1 ] || fail "appeal contact without one: exit $st, want 1"
grep -q 'without a contact' "$dir/err.txt" || fail "appeal contact: no reason given"
"$ctl" appeal contact 2>/dev/null; st=$?
[ "$st" -eq 2 ] || fail "appeal contact without a code: exit $st, want 2"
"$ctl" --db "$dir/hall.db" demo --hall H07 >/dev/null 2>&1
hcode=$("$ctl" --db "$dir/hall.db" appeal add --hall H07 --category 路灯 --text "路灯" \
    --contact 13800138000 | head -1)
"$ctl" --db "$dir/hall.db" appeal contact "$hcode" 2>"$dir/err.txt"; st=$?
set -e
[ "$st" -eq 1 ] || fail "appeal contact on a hall's kiosk: exit $st, want 1"
grep -q 'only the office' "$dir/err.txt" || fail "appeal contact on a hall: no reason given"
# The public tracking site: each appeal's page where its QR's URL points.
"$ctl" export site "$dir/site" >/dev/null || fail "export site failed"
[ -s "$dir/site/echowall/$code/index.html" ] || fail "export site: no page for $code"
grep -q "$code" "$dir/site/echowall/index.html" || fail "export site: $code not on the index"
# The office's workbook, and its ledger sheet as CSV with a BOM.
"$ctl" report town --out "$dir/town.xlsx" >/dev/null || fail "report town failed"
[ "$(od -An -c -N2 "$dir/town.xlsx" | tr -d ' ')" = PK ] || fail "report town: not an xlsx (zip)"
"$ctl" report town --out "$dir/town.csv" >/dev/null || fail "report town --out .csv failed"
# libxlsxwriter is opened at the first workbook: missing, or some other
# library in its place, the workbook fails with the package to install and
# leaves no file; the CSV needs no library.
set +e
for lib in /nonexistent/libxlsxwriter.so.4 libz.so.1; do
    ECHOWALL_XLSX_LIBRARY=$lib "$ctl" report town --out "$dir/nolib.xlsx" 2>"$dir/err.txt"; st=$?
    [ "$st" -eq 1 ] || fail "report town with $lib as libxlsxwriter: exit $st, want 1"
    [ ! -e "$dir/nolib.xlsx" ] && [ ! -e "$dir/nolib.xlsx.tmp" ] ||
        fail "report town with $lib as libxlsxwriter left a file"
done
set -e
grep -q 'is not libxlsxwriter' "$dir/err.txt" || fail "a library that is not libxlsxwriter: no reason given"
ECHOWALL_XLSX_LIBRARY=/nonexistent/libxlsxwriter.so.4 "$ctl" report town --out "$dir/town.csv" \
    >/dev/null 2>"$dir/err.txt" || fail "report town --out .csv needed libxlsxwriter"
ECHOWALL_XLSX_LIBRARY=/nonexistent/libxlsxwriter.so.4 "$ctl" report town --out "$dir/nolib.xlsx" \
    2>"$dir/err.txt" && fail "report town without libxlsxwriter succeeded"
grep -q 'libxlsxwriter4' "$dir/err.txt" || fail "report town without libxlsxwriter: no package named"
[ "$(od -An -tx1 -N3 "$dir/town.csv" | tr -d ' ')" = efbbbf ] || fail "report town: the CSV has no BOM"
# The joint meeting's agenda: one page of the orange appeals not yet solved.
ocode=$("$ctl" appeal add --hall H05 --category 道路桥梁 --text "桥墩开裂 <b>急</b>" | head -1)
"$ctl" appeal grade "$ocode" orange >/dev/null || fail "grading an orange appeal failed"
"$ctl" report agenda --out "$dir/agenda.html" | grep -q 'orange appeals on the agenda' ||
    fail "report agenda did not say what it wrote"
grep -q "id=\"$ocode\"" "$dir/agenda.html" || fail "report agenda: $ocode is not on it"
grep -q '桥墩开裂 &lt;b&gt;急&lt;/b&gt;' "$dir/agenda.html" || fail "report agenda: text not escaped"
set +e
"$ctl" report town --out "$dir/town.txt" 2>/dev/null; st=$?
[ "$st" -eq 2 ] || fail "report town to a .txt: exit $st, want 2"
"$ctl" report agenda --out "$dir/agenda.pdf" 2>/dev/null; st=$?
[ "$st" -eq 2 ] || fail "report agenda to a .pdf: exit $st, want 2"
"$ctl" report agenda --out "$dir/no/such/agenda.html" 2>"$dir/err.txt"; st=$?
set -e
[ "$st" -eq 1 ] || fail "report agenda into a missing folder: exit $st, want 1"
grep -q 'no/such/agenda.html' "$dir/err.txt" || fail "report agenda: the message lacks the path"
echo "cli_smoke: 1 passed, 0 failed"
