#!/bin/sh
# make-subset.sh — cut the kiosk's CJK font out of Debian's fonts-noto-cjk.
#
# Writes, next to this script:
#   NotoSansSC-Regular.otf   Noto Sans CJK SC Regular, subset
#   NotoSansSC-Bold.otf      Noto Sans CJK SC Bold, subset
#
# Inputs (all from Debian 12 packages; this script installs nothing):
#   fonts-noto-cjk  /usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc
#   unicode-data    /usr/share/unicode/Unihan_OtherMappings.txt.bz2 (field kTGH)
#   fonttools       /usr/bin/python3 -m fontTools, /usr/bin/pyftsubset
#
# Same packages in, byte-identical fonts out (checked by running it twice and
# comparing sha256). Usage:  sh fonts/make-subset.sh
#
# --------------------------------------------------------------------------
# What is kept
#   * the 8,105 characters of the Table of General Standard Chinese Characters
#     (通用规范汉字表, 2013): every code point with a kTGH field in Unihan
#     (196 of them are outside the BMP, in CJK Extensions B–F);
#   * U+0020–007E and U+00A0–00FF   ASCII (digits, Latin) and Latin-1
#   * U+2000–206F                   General Punctuation (— ‘’ “” … ‰ ※ …)
#   * U+3000–303F                   CJK Symbols and Punctuation (、。〈〉《》「」【】〇 …)
#   * U+FF00–FFEF                   full-width forms (，：；！？（）％ ￥ …)
#   * a small set for the UI, chosen by hand:
#       U+2190–2199  ← ↑ → ↓ ↔ ↕ ↖ ↗ ↘ ↙
#       U+25A0–25FF  geometric shapes the font has (■□▲△▶▷▼▽◀◁◆◇○◎● …)
#       U+2605–2606  ★ ☆            U+260E ☎    U+26A0 ⚠    U+2713 ✓
#       U+2460–2473  ① … ⑳          U+2160–216B Ⅰ … Ⅻ
#       U+2103 ℃   U+2116 №   U+2212 −   U+2236 ∶   U+2248 ≈   U+2260 ≠
#       U+2264 ≤   U+2265 ≥   U+22EF ⋯
#       pinyin letters with tone marks (ā á ǎ à … ǖ ǘ ǚ ǜ ü, ń ň ǹ) for
#       romanised names: U+0100–0101 0112–0113 011A–011B 012A–012B 0143–0144
#       0147–0148 014C–014D 016A–016B 01CD–01DC 01F8–01F9
#   Code points the font has no glyph for are silently skipped by pyftsubset
#   (e.g. most of U+2000–206F); the check at the end only insists on kTGH.
#
# How it is cut (two steps, both Debian's fontTools 4.38):
#   1. Extract face 2 of each collection and check its name table really says
#      "Noto Sans CJK SC" / NotoSansCJKsc-<Weight> (the face order of the
#      .ttc is JP, KR, SC, TC, HK, then the Mono faces). In the same step the
#      language systems JAN, KOR, ZHT and ZHH are removed from GSUB and GPOS;
#      the default language systems and ZHS stay exactly as they are. Why:
#      their 'locl' lookups map every ideograph to its Japanese, Korean or
#      Traditional-Chinese form, so keeping them pulls ~6,700 extra glyphs into
#      the subset (15,554 glyphs / 4.1 MB instead of 8,827 / 2.3 MB) — shapes
#      a Simplified-Chinese kiosk must never show (HarfBuzz picks the language
#      from the locale; without these systems every locale gets the SC forms).
#      The ZHS 'locl' is kept on purpose: it gives Chinese text the full-width
#      em dash (so "——" joins up) and the Chinese forms of " and '. Dropping
#      'locl' altogether would lose those, so that was not done.
#   2. pyftsubset on the extracted face with:
#      --unicodes-file      the list above
#      --layout-features    pyftsubset's default set (ccmp, calt, liga, kern,
#                           mark, locl, vert/vrt2 …; not aalt, which would pull
#                           in every alternate). vert/vrt2 cost only ~50 glyphs
#                           / 20 KB and keep vertical punctuation correct should
#                           vertical text ever be used, so they stay.
#      hinting kept         (no --no-hinting) FreeType's CFF engine uses the
#                           stem hints to snap the many horizontal/vertical
#                           strokes of hanzi at UI sizes (14–30 px); dropping
#                           them saves only ~15 % and the files are well under
#                           budget anyway.
#      subroutines kept     (no --desubroutinize) desubroutinising only grows
#                           the CFF.
#      --notdef-outline     keep the .notdef box, so a character that is in no
#                           font shows as a visible box, not as nothing.
#      --name-IDs='*' --name-languages='*'
#                           keep the whole name table: copyright, trademark,
#                           licence and licence URL (OFL condition 2), and the
#                           Chinese family name.
#      --no-recalc-timestamp (pyftsubset's default, spelled out) head.created
#                           and head.modified stay the source font's.
#      Everything else is pyftsubset's default (BASE, JSTF, DSIG … dropped;
#      vhea/vmtx/VORG kept; OS/2 unicode ranges recomputed).
#
# Determinism: head dates are copied from the source (step 1 saves with
# recalcTimestamp=False, step 2 with --no-recalc-timestamp); SOURCE_DATE_EPOCH
# is set anyway (to the source .ttc's mtime, which comes from the .deb) so any
# timestamp fontTools might make is fixed too; PYTHONHASHSEED is fixed; the
# character list is sorted. The output depends on the versions of the three
# packages — fonts/README.md records the ones used.
# --------------------------------------------------------------------------

set -eu

FONTDIR=/usr/share/fonts/opentype/noto
UNIHAN=/usr/share/unicode/Unihan_OtherMappings.txt.bz2
PY=/usr/bin/python3            # Debian's python, which has Debian's fontTools
PYFTSUBSET=/usr/bin/pyftsubset
FACE=2                         # Noto Sans CJK SC in NotoSansCJK-*.ttc
NTGH=8105                      # size of the Table of General Standard Chinese Characters

OUTDIR=$(cd "$(dirname "$0")" && pwd)

# ---- 0. the three Debian packages must be installed ----------------------
missing=
for pkg in fonts-noto-cjk fonttools unicode-data; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$st" = installed ] || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    echo "make-subset.sh: missing Debian package(s):$missing" >&2
    echo "install them with:  apt-get install -y fonts-noto-cjk fonttools unicode-data" >&2
    exit 1
fi
for f in "$FONTDIR/NotoSansCJK-Regular.ttc" "$FONTDIR/NotoSansCJK-Bold.ttc" "$UNIHAN" "$PY" "$PYFTSUBSET"; do
    if [ ! -e "$f" ]; then
        echo "make-subset.sh: $f not found (packages installed but file missing?)" >&2
        echo "reinstall with:  apt-get install -y fonts-noto-cjk fonttools unicode-data" >&2
        exit 1
    fi
done
echo "using fonts-noto-cjk $(dpkg-query -W -f='${Version}' fonts-noto-cjk)," \
     "fonttools $(dpkg-query -W -f='${Version}' fonttools)," \
     "unicode-data $(dpkg-query -W -f='${Version}' unicode-data)"

# ---- reproducibility ------------------------------------------------------
LC_ALL=C
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(stat -c %Y "$FONTDIR/NotoSansCJK-Regular.ttc")}
PYTHONHASHSEED=0
PYTHONDONTWRITEBYTECODE=1
export LC_ALL SOURCE_DATE_EPOCH PYTHONHASHSEED PYTHONDONTWRITEBYTECODE

TMP=$(mktemp -d "${TMPDIR:-/tmp}/echowall-fonts.XXXXXX")
trap 'rm -rf "$TMP"' EXIT HUP INT TERM

# ---- 1. the character list -----------------------------------------------
# Unihan_OtherMappings.txt lines look like "U+4E00<TAB>kTGH<TAB>2013:1".
bzcat "$UNIHAN" |
    awk -F '\t' '$1 ~ /^U\+[0-9A-F]+$/ && $2 == "kTGH" { print $1 }' |
    sort -u > "$TMP/ktgh.txt"
n=$(wc -l < "$TMP/ktgh.txt" | tr -d ' ')
if [ "$n" -ne "$NTGH" ]; then
    echo "make-subset.sh: expected $NTGH kTGH characters in $UNIHAN, found $n" >&2
    exit 1
fi

{
    echo "# ASCII and Latin-1"
    echo "U+0020-007E"
    echo "U+00A0-00FF"
    echo "# pinyin letters with tone marks"
    echo "U+0100-0101 U+0112-0113 U+011A-011B U+012A-012B U+0143-0144"
    echo "U+0147-0148 U+014C-014D U+016A-016B U+01CD-01DC U+01F8-01F9"
    echo "# General Punctuation, CJK Symbols and Punctuation, full-width forms"
    echo "U+2000-206F"
    echo "U+3000-303F"
    echo "U+FF00-FFEF"
    echo "# UI symbols"
    echo "U+2190-2199 U+25A0-25FF U+2605-2606 U+260E U+26A0 U+2713"
    echo "U+2460-2473 U+2160-216B"
    echo "U+2103 U+2116 U+2212 U+2236 U+2248 U+2260 U+2264 U+2265 U+22EF"
    echo "# Table of General Standard Chinese Characters (kTGH)"
    cat "$TMP/ktgh.txt"
} > "$TMP/unicodes.txt"

# ---- 2. cut each weight ---------------------------------------------------
for weight in Regular Bold; do
    src="$FONTDIR/NotoSansCJK-$weight.ttc"
    face="$TMP/NotoSansCJKsc-$weight.otf"
    out="$OUTDIR/NotoSansSC-$weight.otf"

    # step 1: extract the SC face, check its name, keep only the dflt and ZHS
    # language systems (see the header for why)
    "$PY" - "$src" "$FACE" "NotoSansCJKsc-$weight" "$face" <<'EOF'
import sys
from fontTools.ttLib import TTFont

src, face, want, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
font = TTFont(src, fontNumber=face, lazy=True, recalcTimestamp=False)
family = font["name"].getDebugName(1)
psname = font["name"].getDebugName(6)
if family != "Noto Sans CJK SC" or psname != want:
    sys.exit("%s face %d is %r / %r, not 'Noto Sans CJK SC' / %r"
             % (src, face, family, psname, want))

KEEP = {"ZHS "}
for tag in ("GSUB", "GPOS"):
    table = font[tag].table
    for rec in table.ScriptList.ScriptRecord:
        script = rec.Script
        script.LangSysRecord = [r for r in script.LangSysRecord
                                if r.LangSysTag in KEEP]
        script.LangSysCount = len(script.LangSysRecord)
font.save(dst)
EOF

    # step 2: subset
    "$PYFTSUBSET" "$face" \
        --output-file="$out" \
        --unicodes-file="$TMP/unicodes.txt" \
        --notdef-outline \
        --name-IDs='*' \
        --name-languages='*' \
        --no-recalc-timestamp
    rm -f "$face"

    # check: every kTGH character is in the result
    "$PY" - "$out" "$TMP/ktgh.txt" <<'EOF'
import os, sys
from fontTools.ttLib import TTFont

out, listfile = sys.argv[1], sys.argv[2]
want = [int(line.strip()[2:], 16) for line in open(listfile) if line.strip()]
font = TTFont(out, lazy=True)
cmap = font.getBestCmap()
lost = [c for c in want if c not in cmap]
if lost:
    sys.exit("%s lacks %d kTGH characters: %s" % (out, len(lost),
             " ".join("U+%04X" % c for c in lost)))
print("%s: %d bytes, %d glyphs, %d characters (all %d kTGH)"
      % (os.path.basename(out), os.path.getsize(out),
         font["maxp"].numGlyphs, len(cmap), len(want)))
EOF
done
