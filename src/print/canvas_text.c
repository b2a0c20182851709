/*
 * canvas_text.c: text on the canvas with SDL2_ttf (see canvas.h).
 *
 * Fonts are found and chained the way the kiosk's screen does it
 * (src/ui/text.c): the shipped Noto Sans SC subset, regular or bold, or
 * DejaVu Sans Mono Bold for codes (then the bold subset for anything not
 * ASCII); then ECHOWALL_FALLBACK_FONT (a file, optional ":INDEX"), face 2
 * (SC) of Debian's full Noto Sans CJK, DejaVu Sans. A line is cut into runs
 * of characters one font draws; each run is rendered anti-aliased in one
 * call (HarfBuzz shapes it) and put on a common baseline; a dot is black
 * where the glyph covers at least THRESHOLD/255 of it.
 *
 * The line box is LINE_EM em high with the baseline BASELINE_EM em below
 * its top, not the fonts' own line height: Noto's is 1.45 em, which spends
 * paper on air; CJK ideographs sit within 0.88 em above and 0.12 em below
 * the baseline, Latin descenders within 0.25 em.
 *
 * Wrapping uses the kiosk's line breaker (src/core/linebreak.c) with this
 * file's measure. Centred text
 * that wraps is balanced: the lines come out about equally long.
 */
#include "canvas.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linebreak.h"

#define CHAIN 4           /* the shipped font(s) + fallbacks */
#define THRESHOLD 112     /* coverage (of 255) from which a dot is black */
#define LINE_EM 1.30
#define BASELINE_EM 0.98
#define MAX_TEXT 8000     /* bytes of text in one call */

typedef struct FontSlot {
    char *path;     /* file; NULL: this chain position is unused */
    int index;      /* face index in a collection */
    TTF_Font *font; /* opened on first use */
    EwMap map;      /* the file, mapped while the font is open */
    int failed;     /* 1 once opening failed: not retried */
    int size;       /* size the font is set to now */
} FontSlot;

struct PrintFonts {
    FontSlot slots[PFACE_COUNT][CHAIN];
};

static const char *const SHIPPED[PFACE_COUNT] = {"NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf",
                                                 "DejaVuSansMono-Bold.ttf"};
static const struct {
    const char *path;
    int index;
} FALLBACK[PFACE_COUNT][2] = {
    {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
     {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0}},
    {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2},
     {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0}},
    {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2},
     {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0}},
};

int print_fontdir(char *out, size_t outlen, EwErr *err)
{
#ifndef EW_DATADIR
#define EW_DATADIR ""
#endif
#ifndef EW_SOURCE_DIR
#define EW_SOURCE_DIR ""
#endif
    const char *cands[] = {getenv("ECHOWALL_DATA"), EW_DATADIR, EW_SOURCE_DIR};
    char probe[4200];
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        if (!cands[i] || !*cands[i])
            continue;
        snprintf(probe, sizeof probe, "%s/fonts/%s", cands[i], SHIPPED[PFACE_REGULAR]);
        if (access(probe, R_OK) == 0) {
            if ((size_t)snprintf(out, outlen, "%s/fonts", cands[i]) >= outlen)
                continue;
            return EW_OK;
        }
    }
    return ew_err(err, EW_ENOTFOUND,
                  "cannot find the fonts for printing (set ECHOWALL_DATA to the folder holding "
                  "fonts/)");
}

static TTF_Font *font_at(PrintFonts *f, PrintFace face, int slot, int size)
{
    FontSlot *fs = &f->slots[face][slot];
    if (!fs->path || fs->failed)
        return NULL;
    if (!fs->font) {
        /* From memory: FreeType reading through a FILE costs a seek and a
         * read per glyph it loads (60,000 system calls to show the wall). */
        EwErr e = {0};
        if (ew_map_file(fs->path, 1, &fs->map, &e) != EW_OK) {
            TTF_SetError("%s", e.msg);
            fs->failed = 1;
            return NULL;
        }
        SDL_RWops *rw = fs->map.len <= INT_MAX
                             ? SDL_RWFromConstMem(fs->map.data, (int)fs->map.len)
                             : NULL;
        fs->font = rw ? TTF_OpenFontIndexRW(rw, 1, size, fs->index) : NULL;
        if (!fs->font) {
            ew_map_free(&fs->map);
            fs->failed = 1;
            return NULL;
        }
        fs->size = size;
    } else if (fs->size != size) {
        TTF_SetFontSize(fs->font, size);
        fs->size = size;
    }
    return fs->font;
}

PrintFonts *print_fonts_new(const char *fontdir, EwErr *err)
{
    char found[4200];
    if (!fontdir) {
        if (print_fontdir(found, sizeof found, err) != EW_OK)
            return NULL;
        fontdir = found;
    }
    if (!TTF_WasInit() && TTF_Init() != 0) {
        ew_err(err, EW_EIO, "cannot start SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    PrintFonts *f = ew_xcalloc(1, sizeof *f);
    const char *env = getenv("ECHOWALL_FALLBACK_FONT");
    for (int face = 0; face < PFACE_COUNT; face++) {
        FontSlot *s = f->slots[face];
        int n = 0;
        s[n++].path = ew_xasprintf("%s/%s", fontdir, SHIPPED[face]);
        if (face == PFACE_MONO) /* codes are ASCII; anything else in the CJK bold */
            s[n++].path = ew_xasprintf("%s/%s", fontdir, SHIPPED[PFACE_BOLD]);
        if (env && *env) {
            char *p = ew_xstrdup(env);
            char *colon = strrchr(p, ':');
            if (colon && colon[1] >= '0' && colon[1] <= '9') {
                s[n].index = atoi(colon + 1);
                *colon = 0;
            }
            s[n++].path = p;
        }
        for (int i = 0; i < 2 && n < CHAIN; i++) {
            s[n].path = ew_xstrdup(FALLBACK[face][i].path);
            s[n++].index = FALLBACK[face][i].index;
        }
        if (!font_at(f, (PrintFace)face, 0, 24)) {
            ew_err(err, EW_ENOTFOUND, "cannot open the font %s: %s", s[0].path, TTF_GetError());
            print_fonts_free(f);
            return NULL;
        }
    }
    return f;
}

void print_fonts_free(PrintFonts *f)
{
    if (!f)
        return;
    for (int face = 0; face < PFACE_COUNT; face++)
        for (int i = 0; i < CHAIN; i++) {
            if (f->slots[face][i].font)
                TTF_CloseFont(f->slots[face][i].font); /* before its bytes go */
            ew_map_free(&f->slots[face][i].map);
            free(f->slots[face][i].path);
        }
    free(f);
    /* SDL_ttf stays started: it is process-wide, the kiosk's screen starts
     * it the same way (src/ui/text.c) and never counts itself as a user, so
     * a TTF_Quit here could pull FreeType from under the screen's fonts. */
}

/* The chain position that draws the character at s[*i] (0, the box, when
 * none has it); moves *i past it. */
static int font_of(PrintFonts *f, PrintFace face, int size, const char *s, size_t len,
                   size_t *i)
{
    uint32_t cp;
    size_t n = ew_utf8_next((const unsigned char *)s + *i, len - *i, &cp);
    if (n == 0)
        n = 1, cp = 0xFFFD;
    *i += n;
    for (int slot = 0; slot < CHAIN; slot++) {
        TTF_Font *font = font_at(f, face, slot, size);
        if (font && TTF_GlyphIsProvided32(font, cp))
            return slot;
    }
    return 0;
}

/* Calls fn on each run of s[0, len) that one font draws, with the run
 * NUL-terminated in buf (len + 1 bytes). Stops at fn's first non-zero. */
typedef int (*RunFn)(void *ctx, TTF_Font *font, const char *run);
static int each_run(PrintFonts *f, PrintFace face, int size, const char *s, size_t len,
                    char *buf, RunFn fn, void *ctx)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        int slot = font_of(f, face, size, s, len, &i);
        for (;;) {
            size_t next = i;
            if (next >= len || font_of(f, face, size, s, len, &next) != slot)
                break;
            i = next;
        }
        TTF_Font *font = font_at(f, face, slot, size);
        if (!font)
            continue;
        memcpy(buf, s + start, i - start);
        buf[i - start] = 0;
        int rc = fn(ctx, font, buf);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_width(void *ctx, TTF_Font *font, const char *run)
{
    int w = 0, h = 0;
    if (TTF_SizeUTF8(font, run, &w, &h) == 0)
        *(int *)ctx += w;
    return 0;
}

int print_text_width(PrintFonts *f, PrintFace face, int size, const char *s, size_t len)
{
    char *buf = ew_xmalloc(len + 1);
    int w = 0;
    each_run(f, face, size, s, len, buf, add_width, &w);
    free(buf);
    return w;
}

typedef struct Measure {
    PrintFonts *f;
    PrintFace face;
    int size;
} Measure;

static int measure(void *ctx, const char *utf8, size_t len)
{
    Measure *m = ctx;
    return print_text_width(m->f, m->face, m->size, utf8, len);
}

typedef struct Paint {
    Canvas *c;
    int x;         /* pen position, dots from the left edge */
    int top;       /* the line box's first row */
    int rows;      /* the line box's height */
    int baseline;  /* row of the baseline */
    int err;       /* 1 once a run failed to render */
} Paint;

/* Renders one run at the pen and thresholds it onto the canvas. */
static int paint_run(void *ctx, TTF_Font *font, const char *run)
{
    Paint *p = ctx;
    const SDL_Color black = {0, 0, 0, 255};
    SDL_Surface *sf = TTF_RenderUTF8_Blended(font, run, black);
    if (!sf) {
        p->err = 1;
        return 1;
    }
    if (sf->format->format != SDL_PIXELFORMAT_ARGB8888) {
        SDL_Surface *conv = SDL_ConvertSurfaceFormat(sf, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(sf);
        if (!conv) {
            p->err = 1;
            return 1;
        }
        sf = conv;
    }
    int y0 = p->baseline - TTF_FontAscent(font);
    SDL_LockSurface(sf);
    for (int y = 0; y < sf->h; y++) {
        int cy = y0 + y;
        if (cy < p->top || cy >= p->top + p->rows)
            continue;
        const Uint32 *px = (const Uint32 *)((const Uint8 *)sf->pixels + (size_t)y * (size_t)sf->pitch);
        for (int x = 0; x < sf->w; x++)
            if ((px[x] >> 24) >= THRESHOLD) /* ARGB8888 is a packed Uint32: endian-free */
                canvas_set(p->c, p->x + x, cy);
    }
    SDL_UnlockSurface(sf);
    p->x += sf->w;
    SDL_FreeSurface(sf);
    return 0;
}

/* Centred text of n lines: the narrowest measure that still gives n lines,
 * so a title wraps as two even lines and not a full line and an orphan.
 * Replaces lines with that layout. */
static void balance(const char *text, int avail, int max_lines, Measure *m, LineSpan *lines,
                    int cap, int n)
{
    LineSpan *try = ew_xmalloc(sizeof *try * (size_t)cap);
    int lo = avail / 2, hi = avail; /* hi gives n lines */
    while (lo < hi) {
        int mid = (lo + hi) / 2, k = 0;
        if (linebreak(text, mid, max_lines, measure, m, try, cap, &k) == 0 && k == n &&
            !try[k - 1].ellipsis)
            hi = mid;
        else
            lo = mid + 1;
    }
    int k = 0;
    if (hi < avail && linebreak(text, hi, max_lines, measure, m, try, cap, &k) == 0 && k == n)
        memcpy(lines, try, sizeof *lines * (size_t)n);
    free(try);
}

int canvas_text(Canvas *c, PrintFonts *f, const TextStyle *st, int margin, const char *text,
                EwErr *err)
{
    if (st->face < 0 || st->face >= PFACE_COUNT || st->size < 8 || st->size > 400)
        return ew_err(err, EW_EINPUT, "text size %d dots: must be 8 to 400", st->size);
    if (margin < 0 || c->width - 2 * margin < st->size)
        return ew_err(err, EW_EINPUT, "margin of %d dots leaves no room for text", margin);
    if (!text || !ew_text_ok(text, MAX_TEXT))
        return ew_err(err, EW_EINPUT,
                      "text for the slip is not valid UTF-8 text of at most %d bytes", MAX_TEXT);
    int avail = c->width - 2 * margin;
    size_t len = strlen(text);
    LineSpan *lines = ew_xmalloc(sizeof *lines * (len + 2));
    int n = 0;
    Measure m = {f, st->face, st->size};
    if (linebreak(text, avail, st->max_lines, measure, &m, lines, (int)(len + 2), &n) != 0) {
        free(lines);
        return ew_err(err, EW_EINPUT, "cannot fit the text in %d dots at %d dots a character",
                      avail, st->size);
    }
    if (st->align == ALIGN_CENTRE && n > 1 && !lines[n - 1].ellipsis)
        balance(text, avail, st->max_lines, &m, lines, (int)(len + 2), n);
    int rows = (int)(st->size * LINE_EM + 0.5);
    int rc = EW_OK;
    char *line = ew_xmalloc(len + sizeof LINEBREAK_ELLIPSIS + 1);
    char *buf = ew_xmalloc(len + sizeof LINEBREAK_ELLIPSIS + 1);
    for (int k = 0; k < n && rc == EW_OK; k++) {
        memcpy(line, text + lines[k].start, lines[k].len);
        line[lines[k].len] = 0;
        if (lines[k].ellipsis)
            strcat(line, LINEBREAK_ELLIPSIS);
        size_t ll = strlen(line);
        int top = canvas_grow(c, rows, err);
        if (top < 0) {
            rc = top;
            break;
        }
        int w = print_text_width(f, st->face, st->size, line, ll);
        Paint p = {c, margin, top, rows, top + (int)(st->size * BASELINE_EM + 0.5), 0};
        if (st->align == ALIGN_CENTRE && w < avail)
            p.x = margin + (avail - w) / 2;
        each_run(f, st->face, st->size, line, ll, buf, paint_run, &p);
        if (p.err)
            rc = ew_err(err, EW_EIO, "cannot render text for the slip: %s", TTF_GetError());
    }
    free(buf);
    free(line);
    free(lines);
    return rc;
}
