/*
 * test_text.c: fonts, the texture cache and the words (src/ui/text.c,
 * src/ui/strings.c), and line breaking with the real font's metrics.
 *
 * Fonts: the rare name characters of the General Standard list beyond
 * GB2312 (堃 喆 珺 ...) are in the shipped subset, regular and bold, and so
 * is every character of every string of both tables; a character outside
 * the subset comes from a fallback when Debian's full Noto Sans CJK is
 * installed; ECHOWALL_FALLBACK_FONT is tried before the system fallbacks;
 * a code point no font has gets -1 (the box). The tracking-code face is
 * fixed width.
 *
 * Advances: text.c reads them from the fonts' metrics table (its own
 * FreeType face); for every glyph of the three shipped fonts at 24 px, and
 * every 61st at each size from 8 to 96 px, they equal what SDL_ttf's
 * TTF_GlyphMetrics gives on its own font of the same file.
 *
 * Cache: a label asked twice is rasterised once; sizes and faces are
 * separate entries; thousands of distinct labels stay within the byte
 * budget (least recently used evicted, the one in use kept).
 *
 * Strings: no entry missing in either language; each _FMT entry has
 * exactly the printf conversions its callers pass, in both languages, and
 * no other entry has a '%'.
 *
 * Line breaking (linebreak.c) with text_width as the measure: a tracking
 * code and a decimal number are never split, no line starts with closing
 * punctuation, every line fits, and the lines give back the text.
 *
 * Fonts need no window: the renderer draws into a plain surface.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ew.h"
#include "linebreak.h"
#include "strings.h"
#include "testutil.h"
#include "text.h"

#define NOTO_FULL "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define NOTO_FULL_BOLD "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

typedef struct Fix {
    SDL_Surface *surf;
    SDL_Renderer *r;
    Text *t;
} Fix;

static char fontdir[4200];

/* A software renderer on a surface (no video subsystem) and a Text. */
static Fix open_text(void)
{
    Fix f;
    f.surf = SDL_CreateRGBSurfaceWithFormat(0, 64, 64, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(f.surf);
    f.r = SDL_CreateSoftwareRenderer(f.surf);
    assert_non_null(f.r);
    char err[512] = "";
    f.t = text_new(f.r, fontdir, err, sizeof err);
    if (!f.t)
        print_error("text_new: %s\n", err);
    assert_non_null(f.t);
    return f;
}

static void close_text(Fix *f)
{
    text_free(f->t);
    SDL_DestroyRenderer(f->r);
    SDL_FreeSurface(f->surf);
}

static int setup(void **state)
{
    (void)state;
    const char *data = getenv("ECHOWALL_DATA");
    if (!data || !*data) {
        fprintf(stderr, "test_text: set ECHOWALL_DATA to the folder holding fonts/\n");
        return -1;
    }
    snprintf(fontdir, sizeof fontdir, "%s/fonts", data);
    unsetenv("ECHOWALL_FALLBACK_FONT");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    return 0;
}

static uint32_t cp_of(const char *s)
{
    uint32_t cp = 0;
    assert_true(ew_utf8_next((const unsigned char *)s, strlen(s), &cp) > 0);
    return cp;
}

static void test_rare_names_shipped(void **state)
{
    (void)state;
    /* Name characters of the General Standard list (2013) that GB2312
     * lacks: villagers' names use them, and the subset was cut to keep them. */
    static const char *const rare[] = {"堃", "喆", "珺", "昇", "玥", "琇", "旻", "甦",
                                       "犇", "骉", "垚", "赟", "祎", "镕"};
    Fix f = open_text();
    for (size_t i = 0; i < sizeof rare / sizeof rare[0]; i++)
        for (int face = FACE_REGULAR; face <= FACE_BOLD; face++) {
            int font = text_font_for(f.t, (Face)face, cp_of(rare[i]));
            if (font != 0)
                print_error("%s (U+%04X), face %d: font %d, want the shipped font 0\n", rare[i],
                            (unsigned)cp_of(rare[i]), face, font);
            assert_int_equal(font, 0);
            /* and measured with a real advance (a CJK character is about
             * one em wide) */
            int w = text_width(f.t, (Face)face, 40, rare[i], strlen(rare[i]));
            assert_true(w >= 36 && w <= 44);
        }
    /* Tracking codes in the mono face: ASCII from the mono font itself. */
    for (const char *p = "H07-A3K9V"; *p; p++)
        assert_int_equal(text_font_for(f.t, FACE_MONO, (uint32_t)(unsigned char)*p), 0);
    close_text(&f);
}

static void test_all_strings_shipped(void **state)
{
    (void)state;
    /* Every character the tables show is in the shipped font: the kiosk
     * must not depend on a system font for its own words. */
    Fix f = open_text();
    for (int lang = 0; lang < LANG_COUNT; lang++)
        for (int id = 0; id < S_COUNT; id++) {
            const char *s = tr((Lang)lang, (StrId)id);
            size_t len = strlen(s);
            for (size_t i = 0; i < len;) {
                uint32_t cp;
                size_t n = ew_utf8_next((const unsigned char *)s + i, len - i, &cp);
                assert_true(n > 0);
                i += n;
                if (cp == '\n')
                    continue;
                for (int face = FACE_REGULAR; face <= FACE_BOLD; face++) {
                    int font = text_font_for(f.t, (Face)face, cp);
                    if (font != 0)
                        print_error("string %d (lang %d) \"%s\": U+%04X is drawn by font %d\n",
                                    id, lang, s, (unsigned)cp, font);
                    assert_int_equal(font, 0);
                }
            }
        }
    close_text(&f);
}

static void test_fallback_system(void **state)
{
    (void)state;
    Fix f = open_text();
    /* Nobody has a private-use code point of plane 16, nor an unassigned one. */
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, 0x10FFFD), -1);
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, 0x0378), -1);
    assert_int_equal(text_font_for(f.t, FACE_BOLD, 0x10FFFD), -1);
    assert_int_equal(text_font_for(f.t, FACE_MONO, 0x10FFFD), -1);
    /* ... and is still measured (the shipped font's box) without a crash. */
    assert_true(text_width(f.t, FACE_REGULAR, 32, "\xF4\x8F\xBF\xBD", 4) >= 0);
    if (access(NOTO_FULL, R_OK) != 0 || access(NOTO_FULL_BOLD, R_OK) != 0) {
        print_message("skipped: %s is not installed (apt-get install fonts-noto-cjk)\n",
                      NOTO_FULL);
        close_text(&f);
        return;
    }
    /* Traditional forms outside the subset: from the full Noto Sans CJK. */
    static const char *const trad[] = {"龜", "丟", "這", "雲"};
    for (size_t i = 0; i < sizeof trad / sizeof trad[0]; i++) {
        uint32_t cp = cp_of(trad[i]);
        for (int face = FACE_REGULAR; face <= FACE_BOLD; face++) {
            int font = text_font_for(f.t, (Face)face, cp);
            if (font <= 0)
                print_error("%s (U+%04X), face %d: font %d, want a fallback\n", trad[i],
                            (unsigned)cp, face, font);
            assert_true(font > 0);
        }
        /* The mono face has the shipped bold as its second font, then the
         * system's. */
        assert_true(text_font_for(f.t, FACE_MONO, cp) >= 2);
        /* A fallback character is drawn, not a box: its texture is about as
         * wide as one em. */
        int w, h;
        assert_non_null(text_texture(f.t, FACE_REGULAR, 40, 0xFFFFFF, trad[i], &w, &h));
        assert_true(w >= 30 && w <= 48);
        assert_true(h >= 40);
    }
    /* A string mixing the subset and a fallback renders as one texture,
     * as wide as measured. */
    const char *mixed = "回音壁龜回音壁";
    int w, h;
    assert_non_null(text_texture(f.t, FACE_REGULAR, 40, 0xFFFFFF, mixed, &w, &h));
    int mw = text_width(f.t, FACE_REGULAR, 40, mixed, strlen(mixed));
    assert_true(abs(w - mw) <= 2);
    close_text(&f);
}

static void test_fallback_env(void **state)
{
    (void)state;
    if (access(DEJAVU, R_OK) != 0) {
        print_message("skipped: %s is not installed (apt-get install fonts-dejavu-core)\n",
                      DEJAVU);
        return;
    }
    const uint32_t snowman = 0x2603, grin = 0x1F600; /* both in DejaVu Sans, not in the subset */
    int noto = access(NOTO_FULL, R_OK) == 0;
    /* Without the variable: DejaVu Sans comes after the full Noto (whose
     * place in the chain is kept even when it is not installed). */
    Fix f = open_text();
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, grin), 2);
    if (noto)
        assert_int_equal(text_font_for(f.t, FACE_REGULAR, cp_of("龜")), 1);
    close_text(&f);
    /* With it, the named font is the first fallback. */
    setenv("ECHOWALL_FALLBACK_FONT", DEJAVU, 1);
    f = open_text();
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, snowman), 1);
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, grin), 1);
    assert_int_equal(text_font_for(f.t, FACE_BOLD, grin), 1);
    assert_int_equal(text_font_for(f.t, FACE_MONO, grin), 2); /* after the shipped bold */
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, cp_of("回")), 0); /* the subset still first */
    if (noto) /* the system's Noto moved one place down */
        assert_int_equal(text_font_for(f.t, FACE_REGULAR, cp_of("龜")), 2);
    int w, h;
    assert_non_null(text_texture(f.t, FACE_REGULAR, 40, 0xFFFFFF, "☃", &w, &h));
    assert_true(w > 10);
    close_text(&f);
    /* A collection with a face index after the last colon. */
    if (noto) {
        setenv("ECHOWALL_FALLBACK_FONT", NOTO_FULL ":3", 1); /* face 3: Traditional Chinese */
        f = open_text();
        assert_int_equal(text_font_for(f.t, FACE_REGULAR, cp_of("龜")), 1);
        close_text(&f);
    }
    /* A missing file is skipped quietly: the system fallbacks still answer. */
    setenv("ECHOWALL_FALLBACK_FONT", "/nonexistent/font.ttf", 1);
    f = open_text();
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, cp_of("回")), 0);
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, grin), 3);
    assert_int_equal(text_font_for(f.t, FACE_REGULAR, 0x10FFFD), -1);
    close_text(&f);
    unsetenv("ECHOWALL_FALLBACK_FONT");
}

static void test_missing_fontdir(void **state)
{
    (void)state;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    char err[512] = "";
    Text *t = text_new(r, "/nonexistent/fonts", err, sizeof err);
    assert_null(t);
    assert_non_null(strstr(err, "/nonexistent/fonts/NotoSansSC-Regular.otf"));
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
}

/* A shipped font that is there but not a font (a torn copy, a tampered
 * file) fails text_new at the start, naming the file, as a missing one
 * does: each face's font is checked then, not when it is first drawn. */
static void test_broken_font(void **state)
{
    (void)state;
    static const char *const names[] = {"NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf",
                                        "DejaVuSansMono-Bold.ttf"};
    const char *data = getenv("ECHOWALL_DATA");
    assert_non_null(data);
    for (int broken = 0; broken < 3; broken++) {
        char *dir = tu_tmpdir();
        for (int i = 0; i < 3; i++) {
            char src[4200];
            snprintf(src, sizeof src, "%s/fonts/%s", data, names[i]);
            size_t len;
            unsigned char *bytes = tu_read_file(src, &len);
            assert_non_null(bytes);
            char *dst = tu_path(dir, names[i]);
            tu_write_file(dst, bytes, i == broken ? len / 100 : len); /* a torn copy */
            free(dst);
            free(bytes);
        }
        SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 8, 8, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
        char err[512] = "";
        Text *t = text_new(r, dir, err, sizeof err);
        assert_null(t);
        assert_non_null(strstr(err, names[broken]));
        assert_non_null(strstr(err, "cannot open the font"));
        SDL_DestroyRenderer(r);
        SDL_FreeSurface(s);
        tu_rmdir(dir);
        free(dir);
    }
}

static void test_mono_fixed_width(void **state)
{
    (void)state;
    Fix f = open_text();
    for (int px = 14; px <= 60; px += 3) {
        int zero = text_width(f.t, FACE_MONO, px, "0", 1);
        assert_true(zero > 0);
        const char *code = "H07-A3K9V";
        assert_int_equal(text_width(f.t, FACE_MONO, px, code, strlen(code)), 9 * zero);
        const char *other = "H99-WMIL1";
        assert_int_equal(text_width(f.t, FACE_MONO, px, other, strlen(other)), 9 * zero);
    }
    /* The proportional faces are not fixed width. */
    assert_true(text_width(f.t, FACE_REGULAR, 40, "iiii", 4) <
                text_width(f.t, FACE_REGULAR, 40, "WWWW", 4));
    /* Line heights grow with the size. */
    assert_true(text_line_height(f.t, FACE_REGULAR, 40) > text_line_height(f.t, FACE_REGULAR, 20));
    close_text(&f);
}

/* cp (below U+30000) as UTF-8 in s; its length. */
static size_t utf8(uint32_t cp, char *s)
{
    if (cp < 0x80) {
        s[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        s[0] = (char)(0xC0 | cp >> 6);
        s[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        s[0] = (char)(0xE0 | cp >> 12);
        s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    s[0] = (char)(0xF0 | cp >> 18);
    s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    s[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    s[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static void test_advances_match_sdl_ttf(void **state)
{
    (void)state;
    static const char *const files[FACE_COUNT] = {"NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf",
                                                  "DejaVuSansMono-Bold.ttf"};
    Fix f = open_text();
    long compared = 0;
    for (int face = 0; face < FACE_COUNT; face++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", fontdir, files[face]);
        for (int px = 8; px <= 96; px++) {
            TTF_Font *ref = TTF_OpenFont(path, px);
            assert_non_null(ref);
            int n = 0;
            for (uint32_t cp = 0x20; cp < 0x30000; cp++) {
                if (!TTF_GlyphIsProvided32(ref, cp))
                    continue;
                if (px != 24 && n++ % 61 != 0)
                    continue;
                char s[8];
                size_t len = utf8(cp, s);
                int want = -1;
                assert_int_equal(TTF_GlyphMetrics32(ref, cp, NULL, NULL, NULL, NULL, &want), 0);
                int got = text_width(f.t, (Face)face, px, s, len);
                if (got != want)
                    fail_msg("%s at %d px: U+%04X is %d px wide, SDL_ttf says %d", files[face], px,
                             (unsigned)cp, got, want);
                compared++;
            }
            TTF_CloseFont(ref);
        }
    }
    assert_true(compared > 3 * 8000);
    close_text(&f);
}

static void test_cache_hits(void **state)
{
    (void)state;
    Fix f = open_text();
    TextStats st;
    text_stats(f.t, &st);
    assert_int_equal(st.renders, 0);
    assert_int_equal(st.entries, 0);
    int w1, h1, w2, h2;
    SDL_Texture *a = text_texture(f.t, FACE_REGULAR, 28, 0xFFFFFF, "看回音壁", &w1, &h1);
    assert_non_null(a);
    SDL_Texture *b = text_texture(f.t, FACE_REGULAR, 28, 0xFFFFFF, "看回音壁", &w2, &h2);
    assert_ptr_equal(a, b);
    assert_int_equal(w1, w2);
    assert_int_equal(h1, h2);
    text_stats(f.t, &st);
    assert_int_equal(st.renders, 1);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.bytes, (size_t)w1 * (size_t)h1 * 4);
    /* Another size, another face: other entries. */
    int w3, h3;
    SDL_Texture *c = text_texture(f.t, FACE_REGULAR, 40, 0xFFFFFF, "看回音壁", &w3, &h3);
    assert_non_null(c);
    assert_true(w3 > w1);
    SDL_Texture *d = text_texture(f.t, FACE_BOLD, 28, 0xFFFFFF, "看回音壁", &w3, &h3);
    assert_non_null(d);
    assert_true(d != a);
    /* A string that is a prefix of another is its own entry. */
    assert_non_null(text_texture(f.t, FACE_REGULAR, 28, 0xFFFFFF, "看回音", &w3, &h3));
    assert_true(w3 < w1);
    /* So is another colour (textures are made in their colour); the
     * colour's top byte is not part of it. */
    SDL_Texture *red = text_texture(f.t, FACE_REGULAR, 28, 0xB31B25, "看回音壁", &w3, &h3);
    assert_non_null(red);
    assert_true(red != a);
    assert_int_equal(w3, w1);
    assert_ptr_equal(text_texture(f.t, FACE_REGULAR, 28, 0xFFB31B25, "看回音壁", &w3, &h3), red);
    text_stats(f.t, &st);
    assert_int_equal(st.renders, 5);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.entries, 5);
    /* The texture's pixels are in that colour. */
    Uint32 fmt;
    int access_, tw_, th_;
    assert_int_equal(SDL_QueryTexture(red, &fmt, &access_, &tw_, &th_), 0);
    SDL_SetRenderDrawColor(f.r, 255, 255, 255, 255);
    SDL_RenderClear(f.r);
    SDL_Rect dst = {0, 0, tw_ < 64 ? tw_ : 64, th_ < 64 ? th_ : 64};
    SDL_Rect srcr = dst;
    SDL_RenderCopy(f.r, red, &srcr, &dst);
    SDL_RenderPresent(f.r);
    int reddish = 0;
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++) {
            Uint32 p = ((Uint32 *)f.surf->pixels)[y * f.surf->pitch / 4 + x];
            Uint8 pr, pg, pb;
            SDL_GetRGB(p, f.surf->format, &pr, &pg, &pb);
            if (pr > 150 && pg < 80 && pb < 80)
                reddish++;
        }
    assert_true(reddish > 20);
    /* Asked again, all four are hits. */
    assert_ptr_equal(text_texture(f.t, FACE_REGULAR, 40, 0xFFFFFF, "看回音壁", &w3, &h3), c);
    assert_ptr_equal(text_texture(f.t, FACE_BOLD, 28, 0xFFFFFF, "看回音壁", &w3, &h3), d);
    assert_ptr_equal(text_texture(f.t, FACE_REGULAR, 28, 0xFFFFFF, "看回音壁", &w3, &h3), a);
    text_stats(f.t, &st);
    assert_int_equal(st.renders, 5);
    assert_int_equal(st.hits, 5);
    /* Empty and NULL: no texture, nothing counted. */
    assert_null(text_texture(f.t, FACE_REGULAR, 28, 0xFFFFFF, "", &w3, &h3));
    assert_int_equal(w3, 0);
    assert_null(text_texture(f.t, FACE_REGULAR, 28, 0xFFFFFF, NULL, &w3, &h3));
    text_stats(f.t, &st);
    assert_int_equal(st.renders, 5);
    assert_int_equal(st.entries, 5);
    /* The texture is as wide as text_width says (layout centres by it). */
    static const char *const words[] = {"看回音壁", "共 12 条", "H07-A3K9V", "时限 7 天 · 已按期办结",
                                        "包联：吴雪梅", "Raise an appeal"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        int tw, th;
        assert_non_null(text_texture(f.t, FACE_REGULAR, 28, 0xFFFFFF, words[i], &tw, &th));
        int mw = text_width(f.t, FACE_REGULAR, 28, words[i], strlen(words[i]));
        if (abs(tw - mw) > 2)
            print_error("\"%s\": texture %d px wide, measured %d\n", words[i], tw, mw);
        assert_true(abs(tw - mw) <= 2);
    }
    close_text(&f);
}

static void test_cache_budget(void **state)
{
    (void)state;
    Fix f = open_text();
    TextStats st;
    int w, h, most = 0;
    size_t max_bytes = 0;
    char s[96];
    SDL_Texture *keep = NULL;
    for (int i = 0; i < 4000; i++) {
        /* Long labels at a large size: about 60 kB each, so the budget is
         * passed after a few hundred. */
        snprintf(s, sizeof s, "第 %d 条：村口路灯坏了三天没人修", i);
        Face face = i % 3 == 0 ? FACE_BOLD : FACE_REGULAR;
        SDL_Texture *t = text_texture(f.t, face, 36, 0x222222, s, &w, &h);
        assert_non_null(t);
        assert_true(w > 0 && h > 0);
        /* One label used on every frame stays cached throughout. */
        SDL_Texture *k = text_texture(f.t, FACE_BOLD, 36, 0xFFFFFF, "看回音壁", &w, &h);
        assert_non_null(k);
        if (keep)
            assert_ptr_equal(k, keep);
        keep = k;
        text_stats(f.t, &st);
        if (st.bytes > max_bytes)
            max_bytes = st.bytes;
        if (st.entries > most)
            most = st.entries;
        assert_true(st.bytes <= TEXT_TEX_BUDGET);
    }
    text_stats(f.t, &st);
    assert_int_equal(st.renders, 4001);
    assert_int_equal(st.hits, 3999);
    assert_true(st.entries < 4001); /* evicted */
    assert_true(most > 50);         /* but not down to nothing */
    assert_true(max_bytes > TEXT_TEX_BUDGET / 2);
    /* An old label was evicted and is rendered again; the latest is a hit. */
    assert_non_null(text_texture(f.t, FACE_BOLD, 36, 0x222222, "第 0 条：村口路灯坏了三天没人修",
                                 &w, &h));
    assert_non_null(text_texture(f.t, FACE_BOLD, 36, 0x222222, s, &w, &h)); /* 3999 % 3 == 0 */
    TextStats st2;
    text_stats(f.t, &st2);
    assert_int_equal(st2.renders, st.renders + 1);
    assert_int_equal(st2.hits, st.hits + 1);
    close_text(&f);
}

/* ---- strings ------------------------------------------------------------ */

/* The conversions of a printf format, one letter each ("%%" is none), into
 * out; -1 for a malformed directive. */
static int conversions(const char *fmt, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
        while (*p && strchr("hljztL", *p))
            p++;
        if (!*p || !strchr("diouxXeEfgGcsp", *p))
            return -1;
        if (n + 1 >= outlen)
            return -1;
        out[n++] = *p;
    }
    out[n] = 0;
    return 0;
}

static void test_conversions_parser(void **state)
{
    (void)state;
    char c[16];
    assert_int_equal(conversions("共 %d 条", c, sizeof c), 0);
    assert_string_equal(c, "d");
    assert_int_equal(conversions("100%% %s and %-5.2ld", c, sizeof c), 0);
    assert_string_equal(c, "sd");
    assert_int_equal(conversions("none", c, sizeof c), 0);
    assert_string_equal(c, "");
    assert_int_equal(conversions("bad %", c, sizeof c), -1);
    assert_int_equal(conversions("bad %y", c, sizeof c), -1);
}

static void test_strings(void **state)
{
    (void)state;
    assert_int_equal(strings_missing(LANG_ZH), 0);
    assert_int_equal(strings_missing(LANG_EN), 0);
    assert_int_equal(lang_parse("zh"), LANG_ZH);
    assert_int_equal(lang_parse("en"), LANG_EN);
    assert_int_equal(lang_parse("fr"), -1);
    assert_int_equal(lang_parse(NULL), -1);
    assert_string_equal(tr(LANG_ZH, S_TILE_WALL), "看回音壁");
    assert_string_equal(tr(LANG_ZH, S_BACK), "返回");
    /* Every _FMT entry and what its callers pass. */
    static const struct {
        StrId id;
        const char *name, *conv;
    } fmts[] = {
        {S_TOWN_WALL_FMT, "S_TOWN_WALL_FMT", "s"},
        {S_LAST_SYNC_FMT, "S_LAST_SYNC_FMT", "s"},
        {S_COUNT_FMT, "S_COUNT_FMT", "d"},
        {S_LIMIT_DAYS_FMT, "S_LIMIT_DAYS_FMT", "d"},
        {S_DUE_FMT, "S_DUE_FMT", "s"},
        {S_DAYS_LEFT_FMT, "S_DAYS_LEFT_FMT", "d"},
        {S_OVERDUE_FMT, "S_OVERDUE_FMT", "d"},
        {S_MEET_TOKENS_FMT, "S_MEET_TOKENS_FMT", "d"},
        {S_TOPIC_QUARTER_FMT, "S_TOPIC_QUARTER_FMT", "ds"},
        {S_TOPIC_MONTH_FMT, "S_TOPIC_MONTH_FMT", "dd"},
        {S_TOPIC_YEAR_FMT, "S_TOPIC_YEAR_FMT", "d"},
        {S_CLOSE_CONFIRM_FMT, "S_CLOSE_CONFIRM_FMT", "sd"},
        {S_RATED_FMT, "S_RATED_FMT", "s"},
        {S_AP_STEP_FMT, "S_AP_STEP_FMT", "ds"},
        {S_AP_REVIEW_PHONE_FMT, "S_AP_REVIEW_PHONE_FMT", "s"},
        {S_AP_RATING_FMT, "S_AP_RATING_FMT", "s"},
        {S_APPROVE_LEFT_FMT, "S_APPROVE_LEFT_FMT", "d"},
        {S_IDLE_COUNT_FMT, "S_IDLE_COUNT_FMT", "d"},
        {S_STAFF_LOCKED_FMT, "S_STAFF_LOCKED_FMT", "d"},
        {S_TODAY_FMT, "S_TODAY_FMT", "s"},
        {S_STICK_IN_FMT, "S_STICK_IN_FMT", "dd"},
        {S_STICK_OUT_FMT, "S_STICK_OUT_FMT", "d"},
        {S_STICK_REFUSED_FMT, "S_STICK_REFUSED_FMT", "d"},
        {S_STICK_ENROLLED_FMT, "S_STICK_ENROLLED_FMT", "s"},
        {S_STICK_FP_FMT, "S_STICK_FP_FMT", "s"},
        {S_UPDATE_REQUESTED_FMT, "S_UPDATE_REQUESTED_FMT", "s"},
        {S_UPDATE_REFUSED_FMT, "S_UPDATE_REFUSED_FMT", "s"},
        {S_UPDATE_FAILED_BEFORE_FMT, "S_UPDATE_FAILED_BEFORE_FMT", "s"},
        {S_UPDATE_INSTALLED_FMT, "S_UPDATE_INSTALLED_FMT", "s"},
        {S_UPDATE_ROLLED_BACK_FMT, "S_UPDATE_ROLLED_BACK_FMT", "ss"},
        {S_UPDATE_NOT_INSTALLED_FMT, "S_UPDATE_NOT_INSTALLED_FMT", "s"},
        {S_UPDATE_BROKEN_FMT, "S_UPDATE_BROKEN_FMT", "s"},
        {S_OFF_LOGIN_TITLE_FMT, "S_OFF_LOGIN_TITLE_FMT", "s"},
        {S_OL_TAB_FMT, "S_OL_TAB_FMT", "sd"},
        {S_OL_CHOOSE_FMT, "S_OL_CHOOSE_FMT", "s"},
        {S_OC_CONTACT_FMT, "S_OC_CONTACT_FMT", "s"},
        {S_OG_DAYS_FMT, "S_OG_DAYS_FMT", "ds"},
        {S_OX_DONE_FMT, "S_OX_DONE_FMT", "s"},
        {S_CH_BRANCHES_FMT, "S_CH_BRANCHES_FMT", "s"},
        {S_OD_ROW_FMT, "S_OD_ROW_FMT", "ssd"},
        {S_OD_REVOKE_ASK_FMT, "S_OD_REVOKE_ASK_FMT", "ss"},
        {S_OD_ENROLLED_FMT, "S_OD_ENROLLED_FMT", "s"},
        {S_OD_NOT_DONE_FMT, "S_OD_NOT_DONE_FMT", "s"},
        {S_OD_BACKED_UP_FMT, "S_OD_BACKED_UP_FMT", "s"},
        {S_OD_PIN_ASK_FMT, "S_OD_PIN_ASK_FMT", "s"},
        {S_OD_SIGNED_FMT, "S_OD_SIGNED_FMT", "s"},
        {S_OD_SEVERAL_DEB_FMT, "S_OD_SEVERAL_DEB_FMT", "s"},
        {S_OS_SAVED_FMT, "S_OS_SAVED_FMT", "s"},
        {S_OM_ROW_FMT, "S_OM_ROW_FMT", "sss"},
        {S_OP_ROW_FMT, "S_OP_ROW_FMT", "dddd"},
        {S_OR_TITLE_FMT, "S_OR_TITLE_FMT", "s"},
        {S_OP_UNRANKED_FMT, "S_OP_UNRANKED_FMT", "dd"},
        {S_OP_TOO_FEW_FMT, "S_OP_TOO_FEW_FMT", "d"},
        {S_OI_DONE_FMT, "S_OI_DONE_FMT", "sd"},
        {S_OI_SEVERAL_FMT, "S_OI_SEVERAL_FMT", "s"},
        {S_OI_FAILED_FMT, "S_OI_FAILED_FMT", "s"},
        {S_OM_BALLOTS_FMT, "S_OM_BALLOTS_FMT", "d"},
        {S_OM_DONE_FMT, "S_OM_DONE_FMT", "s"},
        {S_OD_PIN_DONE_FMT, "S_OD_PIN_DONE_FMT", "ss"},
        {S_OD_CLOCK_OK_FMT, "S_OD_CLOCK_OK_FMT", "s"},
        {S_OD_CLOCK_ASK_FMT, "S_OD_CLOCK_ASK_FMT", "s"},
        {S_OD_CLOCK_DONE_FMT, "S_OD_CLOCK_DONE_FMT", "s"},
        {S_POWEROFF_FAILED_FMT, "S_POWEROFF_FAILED_FMT", "s"},
        {S_OG_KEEP_FMT, "S_OG_KEEP_FMT", "s"},
        {S_OX_FAILED_FMT, "S_OX_FAILED_FMT", "s"},
        {S_BALLOT_PROGRESS_FMT, "S_BALLOT_PROGRESS_FMT", "dd"},
        {S_RESULTS_SUB_FMT, "S_RESULTS_SUB_FMT", "ssd"},
        {S_RANK_FMT, "S_RANK_FMT", "d"},
        {S_FILTER_FMT, "S_FILTER_FMT", "ss"},
        {S_RS_LIST_FAILED_FMT, "S_RS_LIST_FAILED_FMT", "s"},
        {S_RS_FILE_FMT, "S_RS_FILE_FMT", "sf"},
        {S_RS_DETAIL_FMT, "S_RS_DETAIL_FMT", "s"},
        {S_RS_DONE_FMT, "S_RS_DONE_FMT", "sd"},
    };
    int is_fmt[S_COUNT] = {0};
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        is_fmt[fmts[i].id] = 1;
        for (int lang = 0; lang < LANG_COUNT; lang++) {
            const char *s = tr((Lang)lang, fmts[i].id);
            char c[16];
            int rc = conversions(s, c, sizeof c);
            if (rc != 0 || strcmp(c, fmts[i].conv) != 0)
                print_error("%s (lang %d) \"%s\": conversions \"%s\", want \"%s\"\n",
                            fmts[i].name, lang, s, rc ? "(malformed)" : c, fmts[i].conv);
            assert_int_equal(rc, 0);
            assert_string_equal(c, fmts[i].conv);
        }
    }
    /* Everything else is shown as it is: no '%' (a new _FMT entry missing
     * from the list above fails here). */
    for (int id = 0; id < S_COUNT; id++) {
        if (is_fmt[id])
            continue;
        for (int lang = 0; lang < LANG_COUNT; lang++) {
            const char *s = tr((Lang)lang, (StrId)id);
            if (strchr(s, '%'))
                print_error("string %d (lang %d) \"%s\" has a %% but is no _FMT entry\n", id,
                            lang, s);
            assert_null(strchr(s, '%'));
        }
    }
}

/* ---- line breaking with the real font ----------------------------------- */

typedef struct Measure {
    Text *t;
    Face f;
    int px;
} Measure;

static int measure(void *ctx, const char *s, size_t len)
{
    const Measure *m = ctx;
    return text_width(m->t, m->f, m->px, s, len);
}

static int starts_with_any(const char *s, size_t len, const char *const *set)
{
    for (size_t i = 0; set[i]; i++) {
        size_t n = strlen(set[i]);
        if (len >= n && memcmp(s, set[i], n) == 0)
            return 1;
    }
    return 0;
}

static int ends_with_any(const char *s, size_t len, const char *const *set)
{
    for (size_t i = 0; set[i]; i++) {
        size_t n = strlen(set[i]);
        if (len >= n && memcmp(s + len - n, set[i], n) == 0)
            return 1;
    }
    return 0;
}

/* 1 when word lies whole on one line. */
static int whole(const char *text, const LineSpan *l, int n, const char *word)
{
    const char *at = strstr(text, word);
    assert_non_null(at);
    size_t off = (size_t)(at - text), end = off + strlen(word);
    for (int i = 0; i < n; i++)
        if (l[i].start <= off && end <= l[i].start + l[i].len)
            return 1;
    return 0;
}

/* Texts cut to fit a buffer keep whole characters (a half character makes
 * the line breaker refuse the whole line). */
static void test_utf8_copy(void **state)
{
    (void)state;
    char buf[8];
    assert_int_equal(ew_utf8_copy(buf, sizeof buf, "村东头的桥"), 6); /* 2 of 3 bytes left */
    assert_string_equal(buf, "村东");
    assert_int_equal(ew_utf8_copy(buf, sizeof buf, "ab村"), 5);
    assert_string_equal(buf, "ab村");
    assert_int_equal(ew_utf8_copy(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "");
    assert_int_equal(ew_utf8_copy(buf, 1, "x"), 0);
    assert_int_equal(ew_utf8_copy(buf, sizeof buf, "a\xff\xfe" "b"), 1); /* stops at a bad byte */
    assert_string_equal(buf, "a");
}

static void test_linebreak_real_font(void **state)
{
    (void)state;
    static const char *const closing[] = {"，", "。", "、", "）", "」", "；", "：", "！", "？", NULL};
    static const char *const opening[] = {"（", "「", NULL};
    static const char *const texts[] = {
        "请凭回执编号H07-A3K9V查询，路灯维修约需3.5天（含周末），修好后「回音壁」会公开答复。",
        "村口G205国道的路灯坏了3.5个月，编号H07-A3K9V，已经反映过两次、三次，至今没人修。",
        "Mixed English text: appeal H07-A3K9V waits 3.5 days, then goes to the town office.",
    };
    Fix f = open_text();
    Measure m = {f.t, FACE_REGULAR, 28};
    int em = text_width(f.t, FACE_REGULAR, 28, "回", strlen("回"));
    assert_true(em > 20);
    int layouts = 0;
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        const char *text = texts[k];
        int full = measure(&m, text, strlen(text));
        /* Every width from a bit over the code's to the whole line. */
        int code_w = measure(&m, "H07-A3K9V", strlen("H07-A3K9V"));
        for (int width = code_w + em; width <= full + em; width += 7) {
            LineSpan l[64];
            int n = 0;
            assert_int_equal(linebreak(text, width, 0, measure, &m, l, 64, &n), 0);
            assert_true(n >= 1 && n <= 64);
            layouts++;
            char *joined = ew_xmalloc(strlen(text) + 1);
            size_t jl = 0;
            for (int i = 0; i < n; i++) {
                const char *s = text + l[i].start;
                assert_false(l[i].ellipsis);
                int w = measure(&m, s, l[i].len);
                if (w > width || (i > 0 && starts_with_any(s, l[i].len, closing)) ||
                    (i + 1 < n && ends_with_any(s, l[i].len, opening)))
                    print_error("width %d, line %d: \"%.*s\" (%d px)\n", width, i, (int)l[i].len,
                                s, w);
                assert_true(w <= width);
                if (i > 0)
                    assert_false(starts_with_any(s, l[i].len, closing));
                if (i + 1 < n)
                    assert_false(ends_with_any(s, l[i].len, opening));
                /* The lines in order are the text, less spaces at breaks. */
                while (jl < strlen(text) && (size_t)(s - text) > jl && text[jl] == ' ')
                    joined[jl] = ' ', jl++;
                assert_int_equal(l[i].start, jl);
                memcpy(joined + jl, s, l[i].len);
                jl += l[i].len;
            }
            while (text[jl] == ' ')
                joined[jl] = ' ', jl++;
            assert_int_equal(jl, strlen(text));
            free(joined);
            if (!whole(text, l, n, "H07-A3K9V") || !whole(text, l, n, "3.5"))
                for (int i = 0; i < n; i++)
                    print_error("width %d: |%.*s|\n", width, (int)l[i].len, text + l[i].start);
            assert_true(whole(text, l, n, "H07-A3K9V"));
            assert_true(whole(text, l, n, "3.5"));
            if (width >= full)
                assert_int_equal(n, 1);
            else
                assert_true(n >= 2);
        }
    }
    assert_true(layouts > 100);
    /* With a line limit the last line ends in an ellipsis and still fits. */
    const char *text = texts[0];
    LineSpan l[4];
    int n = 0;
    int width = 8 * em;
    assert_int_equal(linebreak(text, width, 2, measure, &m, l, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_true(l[1].ellipsis);
    int ew = measure(&m, LINEBREAK_ELLIPSIS, strlen(LINEBREAK_ELLIPSIS));
    assert_true(measure(&m, text + l[1].start, l[1].len) + ew <= width);
    close_text(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rare_names_shipped), cmocka_unit_test(test_all_strings_shipped),
        cmocka_unit_test(test_fallback_system),    cmocka_unit_test(test_fallback_env),
        cmocka_unit_test(test_missing_fontdir),    cmocka_unit_test(test_broken_font),
        cmocka_unit_test(test_mono_fixed_width),
        cmocka_unit_test(test_advances_match_sdl_ttf),
        cmocka_unit_test(test_cache_hits),         cmocka_unit_test(test_cache_budget),
        cmocka_unit_test(test_conversions_parser), cmocka_unit_test(test_strings),
        cmocka_unit_test(test_linebreak_real_font), cmocka_unit_test(test_utf8_copy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
