#!/bin/bash
# bench_wall_chromium.sh BUILD_DIR: the kiosk's wall side by side with what a
# town would otherwise deploy, Chromium showing the same wall as a web page.
#
# On the demo town at 1920x1080 it times, in one run, on this machine:
#   chromium  `chromium --headless --no-sandbox --disable-gpu --hide-scrollbars
#             --window-size=1920,1080 --screenshot=chromium.png file://.../wall.html`
#             where wall.html is the wall as a page: the same 183 cards, the
#             same header figures, the same fonts (fonts/ via @font-face),
#             made by bench_wall_chromium_page.py from `echowallctl appeal
#             list --json` and `stats --json` on a fresh demo database;
#   kiosk     `BUILD_DIR/echowall --demo --headless --window 1920x1080
#             --script wall.script --screenshots shots` (SDL_VIDEODRIVER=
#             offscreen), the script being `press 看回音壁`, `press 全镇` (all 183 cards) then
#             `screenshot wall`: start, build the demo town, show the wall,
#             write its screenshot, exit.
# Each side runs RUNS times (default 5) timed: the median wall-clock time from
# launch to exit, each run after half a second with nothing running (so that
# the run before, Chromium's helpers above all, is not timed with it); and
# RUNS times sampled, in between: the peak PSS summed over
# the whole process tree (every 20 ms, the largest over the runs). Sampling
# costs CPU, so no timed run is sampled — see bench_wall_chromium_measure.py.
# Prints a table with the ratios chromium/kiosk and the machine. Figures
# only: no assertion on times.
#
# Exit status: 0 figures printed (the kiosk side is skipped, with a message,
# while BUILD_DIR/echowall does not exist yet); 77 chromium is not installed
# (skip; `apt-get install chromium`); 1 something failed to run; 2 usage.
# Environment: RUNS (default 5), CHROMIUM (default chromium), KEEP=1 keeps
# the work directory (wall.html, chromium.png, shots/, logs) and prints it
# (it is kept too when something fails).
#
#   cmake --preset release && cmake --build --preset release
#   bash tests/bench_wall_chromium.sh build/release
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR   (e.g. build/release)" >&2
    exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "bench_wall_chromium: no directory $1" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ctl=$build/echowallctl
kiosk=$build/echowall
chromium=${CHROMIUM:-chromium}
runs=${RUNS:-5}

fail() { echo "bench_wall_chromium: $*" >&2; exit 1; }

if ! command -v "$chromium" >/dev/null 2>&1; then
    echo "chromium not installed: apt-get install chromium (the Debian package chromium); skipping" >&2
    exit 77
fi
command -v python3 >/dev/null 2>&1 || fail "python3 not installed: apt-get install python3"
[ -x "$ctl" ] || fail "no $ctl: build the release tree first (cmake --preset release && cmake --build --preset release)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_wall_chromium.XXXXXX")
# shellcheck disable=SC2154 # rc is set in the trap
trap 'rc=$?; if [ "${KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then echo "work directory kept: $tmp" >&2;
      else rm -rf "$tmp"; fi' EXIT
measure() { python3 "$here/bench_wall_chromium_measure.py" --runs "$runs" "$@"; }

# 1. the demo town, as the page sees it
"$ctl" --db "$tmp/demo.db" demo --hall H07 >"$tmp/demo.txt" 2>&1 ||
    fail "echowallctl demo failed: $(cat "$tmp/demo.txt")"
"$ctl" --db "$tmp/demo.db" appeal list --json >"$tmp/appeals.json" || fail "echowallctl appeal list --json failed"
"$ctl" --db "$tmp/demo.db" stats --json >"$tmp/stats.json" || fail "echowallctl stats --json failed"

# 2. the wall as a web page
cards=$(python3 "$here/bench_wall_chromium_page.py" "$tmp/appeals.json" "$tmp/stats.json" \
        "$root/fonts" "$tmp/wall.html") || fail "could not write the page"

# 3. chromium (its own HOME, so nothing is written to the user's ~/.config)
echo "chromium: $($chromium --version 2>/dev/null | head -1), wall.html of $cards, $runs runs" >&2
mkdir -p "$tmp/chromium-home"
HOME=$tmp/chromium-home measure --expect "$tmp/chromium.png" --log "$tmp/chromium.log" -- \
    "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1920,1080 --screenshot="$tmp/chromium.png" "file://$tmp/wall.html" \
    >"$tmp/chromium.json" || fail "chromium failed to run (last lines of its output:
$(tail -5 "$tmp/chromium.log"))"

# 4. the kiosk
have_kiosk=0
if [ -x "$kiosk" ]; then
    have_kiosk=1
    printf 'press 看回音壁\npress 全镇\nscreenshot wall\n' >"$tmp/wall.script"
    mkdir -p "$tmp/kiosk" "$tmp/shots"
    echo "kiosk: $kiosk, $runs runs" >&2
    (cd "$tmp" && SDL_VIDEODRIVER=offscreen ECHOWALL_DB="$tmp/kiosk/echowall.db" \
        measure --expect "$tmp/shots/wall*" --clean "$tmp/kiosk/*" --clean "$tmp/shots/*" \
        --log "$tmp/kiosk.log" -- \
        "$kiosk" --demo --headless --window 1920x1080 --script "$tmp/wall.script" \
        --screenshots "$tmp/shots") >"$tmp/kiosk.json" ||
        fail "echowall failed to run (last lines of its output:
$(tail -5 "$tmp/kiosk.log"))"
else
    echo "echowall not built yet: skipping the kiosk side" >&2
fi

# 5. the table
model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
[ -n "$model" ] || model=$(sed -n 's/^Model[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo | head -1)
echo
echo "wall at 1920x1080, demo town ($cards), median of $runs timed runs each side"
echo "machine: $(nproc) CPUs, ${model:-unknown CPU}, $(uname -m), $(uname -sr)"
kiosk_json=
[ $have_kiosk = 0 ] || kiosk_json=$tmp/kiosk.json
python3 - "$tmp/chromium.json" "$kiosk_json" <<'EOF'
import json, sys
print("%-9s %10s %12s %6s   %s" % ("side", "median ms", "peak PSS MB", "procs", "timed runs (ms)"))
def row(name, r):
    print("%-9s %10.0f %12.1f %6d   %s" % (name, r["median_ms"], r["peak_pss_kb"] / 1024,
          r["max_procs"], " ".join("%.0f" % x for x in r["runs_ms"])))
c = json.load(open(sys.argv[1]))
row("chromium", c)
if not sys.argv[2]:
    print("kiosk     skipped (echowall not built yet)")
    sys.exit(0)
k = json.load(open(sys.argv[2]))
row("kiosk", k)
t = c["median_ms"] / k["median_ms"] if k["median_ms"] else float("inf")
m = c["peak_pss_kb"] / k["peak_pss_kb"] if k["peak_pss_kb"] else float("inf")
print("ratio chromium/kiosk: time %.1fx (goal >= 20x), memory %.1fx (goal >= 10x)" % (t, m))
EOF
