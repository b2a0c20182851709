#!/bin/sh
# The README's first command: installs what echowall needs, builds it, and
# starts the kiosk on its embedded demo town (hall H07 of 青石镇, made afresh
# in a temp folder) in a 1280x800 window. Staff leave it by holding the
# title for 3 s (a staff PIN is needed; the demo has none), or by closing
# the window on a desktop.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh image/install-deps.sh
cmake --preset release
cmake --build --preset release
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${SDL_VIDEODRIVER:-}" ]; then
    echo "no desktop display here: running the kiosk headless through its screens instead"
    out=$(mktemp -d)
    cat > "$out/tour.txt" <<'TOUR'
screenshot 1-home
press 看回音壁
screenshot 2-wall
press 全镇
drag 640 700 640 250 300
wait 1500
screenshot 3-town-scrolled
tap 320 330
screenshot 4-detail
TOUR
    ./build/release/echowall --demo --headless --window 1280x800 --script "$out/tour.txt" \
        --screenshots "$out"
    echo "screenshots of the kiosk's screens: $out"
    exit 0
fi
exec ./build/release/echowall --demo --window 1280x800
