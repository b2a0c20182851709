#!/bin/sh
# make-icons.sh — render the category icons (icons/<key>.svg) to 192x192 PNGs
# (icons/<key>.png), anti-aliased, white on a transparent background.
#
# The PNGs are committed, so building the kiosk does not need this script or
# rsvg-convert; run it after changing an SVG:
#
#   apt-get install -y librsvg2-bin
#   sh assets/make-icons.sh
#
# Needs rsvg-convert (Debian package librsvg2-bin); installs nothing. Same
# SVGs and same librsvg in, byte-identical PNGs out (rsvg-convert writes no
# timestamp into the PNG).
set -eu

size=192
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v rsvg-convert >/dev/null 2>&1; then
    echo "make-icons.sh: rsvg-convert not found; install it with:" >&2
    echo "    apt-get install -y librsvg2-bin" >&2
    exit 1
fi

n=0
for svg in "$here"/icons/*.svg; do
    [ -e "$svg" ] || { echo "make-icons.sh: no SVGs in $here/icons" >&2; exit 1; }
    png=${svg%.svg}.png
    # Write to a temporary file first so a failed render never leaves a
    # half-written PNG behind.
    rsvg-convert --format=png --width="$size" --height="$size" \
        --output="$png.tmp" "$svg"
    mv "$png.tmp" "$png"
    echo "$(basename "$svg") -> $(basename "$png")"
    n=$((n + 1))
done
echo "make-icons.sh: $n icons rendered at ${size}x${size}"
