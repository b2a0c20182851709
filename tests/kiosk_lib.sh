# kiosk_lib.sh: what the kiosk's shell tests share (sourced, not run).
# The test sets `name` (for its messages) and calls it with BIN_DIR; this
# sets bin, ctl and tmp (removed at exit, kept with ECHOWALL_KEEP_TMP=1),
# pins the clock, runs SDL headless, checks every frame's touch targets,
# and gives fail MESSAGE and kiosk SCRIPT-FILE [SIZE] (echowall on $db).
# ECHOWALL_KEEP_SHOTS=DIR copies the screenshots there, to look at them.
set -eu
bin=$1
tmp=$(mktemp -d)
trap '[ -n "${ECHOWALL_KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
export ECHOWALL_NOW=2026-11-28T10:00 SDL_VIDEODRIVER=offscreen ECHOWALL_CHECK_TARGETS=1
ctl="$bin/echowallctl"
fail() { echo "$name: $*" >&2; exit 1; }
keep() {
    if [ -n "${ECHOWALL_KEEP_SHOTS:-}" ] && [ -d "$tmp/shots" ]; then
        mkdir -p "$ECHOWALL_KEEP_SHOTS" && cp "$tmp"/shots/*.png "$ECHOWALL_KEEP_SHOTS"/
    fi
}
kiosk() { # SCRIPT-FILE [SIZE]
    "$bin/echowall" --db "$db" --headless --window "${2:-1280x800}" --script "$1" \
        --screenshots "$tmp/shots" 2>"$tmp/err" || { cat "$tmp/err" >&2; keep; return 1; }
}
