/*
 * text.c: fonts with fallback, an advance cache and a texture cache.
 *
 * One TTF_Font per (face, chain position, pixel size), all of a file's over
 * one read-only mapping of it (see font_at): a screen uses a handful of
 * sizes, each with its glyph cache kept warm. Strings whose
 * characters all live in one font are rendered in one call (HarfBuzz shapes
 * them); a string mixing fonts is rendered run by run on a common baseline.
 *
 * Advances for measuring (line breaking lays out every card two screens
 * ahead) are read from the font's metrics table through a FreeType face of
 * our own over the same mapping (fast_advance): SDL_ttf's TTF_GlyphMetrics
 * loads and hints the whole glyph outline for it, a quarter of the first
 * frames' work, for glyphs often never drawn. The two agree to the pixel
 * (test_text compares them over every glyph of the shipped fonts at sizes
 * 8 to 96); a face that is not scalable is measured by SDL_ttf.
 */
#include "text.h"

#include <SDL_ttf.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ew.h"

#define CHAIN 4                     /* the shipped font + up to 3 fallbacks */
#define ADV_SLOTS 16384             /* advance cache slots (power of two) */
#define TEX_BUCKETS 1024            /* texture cache hash buckets */
#define FONT_SIZES 8                /* sizes kept open per font file */

typedef struct FontSize {
    int px;          /* the size this font is opened at, 0 = unused entry */
    TTF_Font *font;  /* SDL_ttf's font over the slot's mapping */
    uint64_t used;   /* last use (Text.tick), to reuse the oldest */
} FontSize;

typedef struct FontSlot {
    char *path;    /* file, NULL when this chain position is unused */
    int index;     /* face index in a collection */
    EwMap map;     /* the file, mapped while any of its sizes is open */
    int failed;    /* 1 once opening failed: not retried */
    FontSize sizes[FONT_SIZES]; /* opened lazily, one per pixel size */
    FT_Face ft;    /* for advances (fast_advance), over map; NULL until needed */
    int ft_failed; /* 1 once ft could not be opened or is not scalable */
} FontSlot;

typedef struct Adv {
    uint64_t key; /* face | px | code point, 0 = empty */
    int16_t adv;  /* advance in pixels */
    int8_t font;  /* chain position that draws it, -1 none */
} Adv;

typedef struct TexEntry {
    struct TexEntry *next; /* bucket chain */
    uint64_t hash;
    Face face;
    int px;
    uint32_t colour;       /* 0xRRGGBB */
    char *s;               /* the text (owned) */
    SDL_Texture *tex;      /* the text in its colour, alpha blended */
    int w, h;
    size_t bytes;
    uint64_t used;         /* last use tick, for LRU */
} TexEntry;

struct Text {
    SDL_Renderer *r;
    FT_Library ft;         /* the faces for advances; NULL until needed */
    int ft_failed;         /* FreeType could not start: SDL_ttf measures */
    FontSlot fonts[FACE_COUNT][CHAIN];
    Adv *adv;              /* ADV_SLOTS entries */
    int adv_used;
    TexEntry *buckets[TEX_BUCKETS];
    size_t bytes;
    int entries;
    uint64_t tick;
    long renders, hits;
};

static const char *const SHIPPED[FACE_COUNT] = {"NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf",
                                                "DejaVuSansMono-Bold.ttf"};
/* System fallbacks per face, tried in order after ECHOWALL_FALLBACK_FONT. */
static const struct {
    const char *path;
    int index;
} FALLBACK[FACE_COUNT][2] = {
    {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
     {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0}},
    {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2},
     {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0}},
    {{"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2},
     {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0}},
};

static int ft_face(Text *t, FontSlot *fs);

/* The font of chain position slot at px. Each size is a TTF_Font of its
 * own: SDL_ttf empties a font's glyph cache whenever its size changes, and
 * a screen mixes sizes card by card. The file is mapped once and read from
 * memory: FreeType reading through a FILE costs a seek and a read per
 * glyph it loads (60,000 system calls to show the wall). Past FONT_SIZES
 * sizes the least recently used one is resized. */
static TTF_Font *font_at(Text *t, Face f, int slot, int px)
{
    FontSlot *fs = &t->fonts[f][slot];
    if (!fs->path || fs->failed)
        return NULL;
    FontSize *free_one = NULL, *oldest = NULL;
    for (int i = 0; i < FONT_SIZES; i++) {
        FontSize *z = &fs->sizes[i];
        if (z->px == px) {
            z->used = t->tick;
            return z->font;
        }
        if (!z->px && !free_one)
            free_one = z;
        if (z->px && (!oldest || z->used < oldest->used))
            oldest = z;
    }
    if (!free_one) {
        TTF_SetFontSize(oldest->font, px);
        oldest->px = px;
        oldest->used = t->tick;
        return oldest->font;
    }
    if (!fs->map.data) {
        EwErr e = {0};
        if (ew_map_file(fs->path, 1, &fs->map, &e) != EW_OK) {
            TTF_SetError("%s", e.msg);
            fs->failed = 1;
            return NULL;
        }
    }
    SDL_RWops *rw = fs->map.len <= INT_MAX ? SDL_RWFromConstMem(fs->map.data, (int)fs->map.len)
                                           : NULL;
    TTF_Font *font = rw ? TTF_OpenFontIndexRW(rw, 1, px, fs->index) : NULL;
    if (!font) {
        if (free_one == &fs->sizes[0]) { /* nothing of this file is open */
            ew_map_free(&fs->map);
            fs->failed = 1;
        }
        return NULL;
    }
    free_one->px = px;
    free_one->font = font;
    free_one->used = t->tick;
    return font;
}

Text *text_new(SDL_Renderer *r, const char *fontdir, char *err, size_t errlen)
{
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    Text *t = ew_xcalloc(1, sizeof *t);
    t->r = r;
    t->adv = ew_xcalloc(ADV_SLOTS, sizeof *t->adv);
    const char *env = getenv("ECHOWALL_FALLBACK_FONT");
    for (int f = 0; f < FACE_COUNT; f++) {
        int n = 0;
        t->fonts[f][n++].path = ew_xasprintf("%s/%s", fontdir, SHIPPED[f]);
        if (f == FACE_MONO) /* codes are ASCII; anything else in the CJK face */
            t->fonts[f][n++].path = ew_xasprintf("%s/%s", fontdir, SHIPPED[FACE_BOLD]);
        if (env && *env && n < CHAIN) {
            char *p = ew_xstrdup(env);
            char *colon = strrchr(p, ':');
            int index = 0;
            if (colon && colon[1] >= '0' && colon[1] <= '9') {
                index = atoi(colon + 1);
                *colon = 0;
            }
            t->fonts[f][n].path = p;
            t->fonts[f][n++].index = index;
        }
        for (int i = 0; i < 2 && n < CHAIN; i++) {
            t->fonts[f][n].path = ew_xstrdup(FALLBACK[f][i].path);
            t->fonts[f][n++].index = FALLBACK[f][i].index;
        }
        /* The shipped font is checked by mapping it and opening the face
         * advances are read from, which measuring needs anyway; SDL_ttf
         * opens it (the same FreeType) at each size when first drawn. An
         * SDL_ttf font just for this check cost 0.4 ms and 400 KB a face. */
        FontSlot *fs = &t->fonts[f][0];
        EwErr e = {0};
        if (ew_map_file(fs->path, 1, &fs->map, &e) != EW_OK || ft_face(t, fs) != 0) {
            snprintf(err, errlen, "cannot open the font %s: %s", fs->path,
                     e.msg[0] ? e.msg : "not a scalable font FreeType can read");
            text_free(t);
            return NULL;
        }
    }
    return t;
}

static void tex_drop(Text *t, TexEntry *e)
{
    t->bytes -= e->bytes;
    t->entries--;
    SDL_DestroyTexture(e->tex);
    free(e->s);
    free(e);
}

void text_free(Text *t)
{
    if (!t)
        return;
    for (int b = 0; b < TEX_BUCKETS; b++)
        for (TexEntry *e = t->buckets[b], *nx; e; e = nx) {
            nx = e->next;
            tex_drop(t, e);
        }
    for (int f = 0; f < FACE_COUNT; f++)
        for (int i = 0; i < CHAIN; i++) {
            for (int z = 0; z < FONT_SIZES; z++)
                if (t->fonts[f][i].sizes[z].font) /* before its bytes go */
                    TTF_CloseFont(t->fonts[f][i].sizes[z].font);
            if (t->fonts[f][i].ft)
                FT_Done_Face(t->fonts[f][i].ft);
            ew_map_free(&t->fonts[f][i].map);
            free(t->fonts[f][i].path);
        }
    if (t->ft)
        FT_Done_FreeType(t->ft);
    free(t->adv);
    free(t);
}

/* The advance of cp at px in pixels, as SDL_ttf gives it with its default
 * (normal) hinting: the metrics table's advance scaled to px at 72 dpi, as
 * FreeType scales it, then rounded to whole pixels, as FreeType's hinted
 * metrics are. -1 when this slot's face cannot say (then SDL_ttf is asked);
 * call only once font_at has mapped the slot's file. */
/* Opens the slot's FreeType face for advances over its mapping, once: 0
 * when it is there and scalable. */
static int ft_face(Text *t, FontSlot *fs)
{
    if (fs->ft_failed || t->ft_failed || !fs->map.data)
        return -1;
    if (!t->ft && FT_Init_FreeType(&t->ft) != 0) {
        t->ft = NULL;
        t->ft_failed = 1;
        return -1;
    }
    if (!fs->ft) {
        if (FT_New_Memory_Face(t->ft, fs->map.data, (FT_Long)fs->map.len, fs->index, &fs->ft) !=
            0) {
            fs->ft = NULL;
            fs->ft_failed = 1;
            return -1;
        }
        if (!FT_IS_SCALABLE(fs->ft) || !FT_HAS_HORIZONTAL(fs->ft) || fs->ft->units_per_EM == 0) {
            fs->ft_failed = 1;
            return -1;
        }
    }
    return 0;
}

static int fast_advance(Text *t, FontSlot *fs, int px, uint32_t cp, int *adv)
{
    if (ft_face(t, fs) != 0)
        return -1;
    FT_UInt gi = FT_Get_Char_Index(fs->ft, cp);
    FT_Fixed units;
    if (gi == 0 || FT_Get_Advance(fs->ft, gi, FT_LOAD_NO_SCALE, &units) != 0)
        return -1;
    FT_Fixed x_scale = FT_DivFix((FT_Long)px * 64, fs->ft->units_per_EM);
    FT_Pos a = FT_MulFix(units, x_scale); /* 26.6 pixels */
    *adv = (int)((a + 32) >> 6);
    return 0;
}

/* The advance of cp and the chain position that draws it (cached). */
static Adv *advance(Text *t, Face f, int px, uint32_t cp)
{
    uint64_t key = ((uint64_t)(f + 1) << 48) | ((uint64_t)(px & 0xffff) << 24) | cp;
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 40) & (ADV_SLOTS - 1);
    for (;;) {
        Adv *a = &t->adv[i];
        if (a->key == key)
            return a;
        if (a->key == 0)
            break;
        i = (i + 1) & (ADV_SLOTS - 1);
    }
    if (t->adv_used > ADV_SLOTS * 3 / 4) { /* full: start over */
        memset(t->adv, 0, ADV_SLOTS * sizeof *t->adv);
        t->adv_used = 0;
        i = (size_t)(h >> 40) & (ADV_SLOTS - 1);
    }
    Adv *a = &t->adv[i];
    a->key = key;
    a->font = -1;
    a->adv = 0;
    t->adv_used++;
    for (int slot = 0; slot < CHAIN; slot++) {
        TTF_Font *font = font_at(t, f, slot, px);
        if (font && TTF_GlyphIsProvided32(font, cp)) {
            int adv = 0;
            if (fast_advance(t, &t->fonts[f][slot], px, cp, &adv) != 0)
                TTF_GlyphMetrics32(font, cp, NULL, NULL, NULL, NULL, &adv);
            a->adv = (int16_t)adv;
            a->font = (int8_t)slot;
            return a;
        }
    }
    TTF_Font *font = font_at(t, f, 0, px); /* the box */
    int adv = 0;
    if (font)
        TTF_GlyphMetrics32(font, cp, NULL, NULL, NULL, NULL, &adv);
    a->adv = (int16_t)adv;
    return a;
}

int text_font_for(Text *t, Face f, uint32_t cp)
{
    return advance(t, f, 32, cp)->font;
}

int text_width(Text *t, Face f, int px, const char *s, size_t len)
{
    int w = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ew_utf8_next((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) {
            cp = 0xFFFD;
            n = 1;
        }
        w += advance(t, f, px, cp)->adv;
        i += n;
    }
    return w;
}

int text_line_height(Text *t, Face f, int px)
{
    TTF_Font *font = font_at(t, f, 0, px);
    return font ? TTF_FontLineSkip(font) : px * 3 / 2;
}

/* The chain position that draws the character at s + *i (the box's font
 * when none has it); moves *i past it. */
static int font_of(Text *t, Face f, int px, const char *s, size_t len, size_t *i)
{
    uint32_t cp;
    size_t n = ew_utf8_next((const unsigned char *)s + *i, len - *i, &cp);
    if (n == 0)
        n = 1, cp = 0xFFFD;
    *i += n;
    int font = advance(t, f, px, cp)->font;
    return font < 0 ? 0 : font;
}

/* Renders s, possibly in several fonts, as an ARGB surface in colour. */
static SDL_Surface *render(Text *t, Face f, int px, uint32_t colour, const char *s)
{
    const SDL_Color white = {(Uint8)(colour >> 16), (Uint8)(colour >> 8), (Uint8)colour, 255};
    size_t len = strlen(s);
    /* Split into runs of one font each. */
    int runs = 0, last = -2;
    for (size_t i = 0; i < len;) {
        int font = font_of(t, f, px, s, len, &i);
        if (font != last)
            runs++, last = font;
    }
    if (runs <= 1) {
        TTF_Font *font = font_at(t, f, last < 0 ? 0 : last, px);
        return font ? TTF_RenderUTF8_Blended(font, s, white) : NULL;
    }
    SDL_Surface *parts[64];
    int asc[64], total_w = 0, max_asc = 0, max_desc = 0, np = 0;
    char *buf = ew_xmalloc(len + 1);
    for (size_t i = 0; i < len && np < 64;) {
        size_t start = i;
        int font = -2;
        while (i < len) {
            size_t next = i;
            int fi = font_of(t, f, px, s, len, &next);
            if (font == -2)
                font = fi;
            else if (fi != font)
                break;
            i = next;
        }
        memcpy(buf, s + start, i - start);
        buf[i - start] = 0;
        TTF_Font *tf = font_at(t, f, font, px);
        SDL_Surface *sf = tf ? TTF_RenderUTF8_Blended(tf, buf, white) : NULL;
        if (!sf)
            continue;
        parts[np] = sf;
        asc[np] = TTF_FontAscent(tf);
        if (asc[np] > max_asc)
            max_asc = asc[np];
        if (sf->h - asc[np] > max_desc)
            max_desc = sf->h - asc[np];
        total_w += sf->w;
        np++;
    }
    free(buf);
    SDL_Surface *out = NULL;
    if (np > 0 && total_w > 0)
        out = SDL_CreateRGBSurfaceWithFormat(0, total_w, max_asc + max_desc, 32,
                                             SDL_PIXELFORMAT_ARGB8888);
    int x = 0;
    for (int i = 0; i < np; i++) {
        if (out) {
            SDL_Rect dst = {x, max_asc - asc[i], parts[i]->w, parts[i]->h};
            SDL_SetSurfaceBlendMode(parts[i], SDL_BLENDMODE_NONE);
            SDL_BlitSurface(parts[i], NULL, out, &dst);
        }
        x += parts[i]->w;
        SDL_FreeSurface(parts[i]);
    }
    return out;
}

static uint64_t fnv(Face f, int px, uint32_t colour, const char *s)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(f * 131 + px) ^ ((uint64_t)colour << 24);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Drops least recently used textures until the budget has room. Any
 * texture may go, even one drawn earlier in this frame: ui_text copies a
 * texture onto the screen as soon as it has it. */
static void evict(Text *t, size_t need)
{
    while (t->bytes + need > TEXT_TEX_BUDGET && t->entries > 0) {
        TexEntry **oldest = NULL;
        for (int b = 0; b < TEX_BUCKETS; b++)
            for (TexEntry **pe = &t->buckets[b]; *pe; pe = &(*pe)->next)
                if (!oldest || (*pe)->used < (*oldest)->used)
                    oldest = pe;
        TexEntry *e = *oldest;
        *oldest = e->next;
        tex_drop(t, e);
    }
}

SDL_Texture *text_texture(Text *t, Face f, int px, uint32_t colour, const char *s, int *w, int *h)
{
    *w = *h = 0;
    if (!s || !*s)
        return NULL;
    t->tick++;
    colour &= 0xFFFFFF;
    uint64_t hash = fnv(f, px, colour, s);
    TexEntry **bucket = &t->buckets[hash & (TEX_BUCKETS - 1)];
    for (TexEntry *e = *bucket; e; e = e->next)
        if (e->hash == hash && e->face == f && e->px == px && e->colour == colour &&
            strcmp(e->s, s) == 0) {
            e->used = t->tick;
            t->hits++;
            *w = e->w;
            *h = e->h;
            return e->tex;
        }
    SDL_Surface *sf = render(t, f, px, colour, s);
    if (!sf)
        return NULL;
    t->renders++;
    size_t bytes = (size_t)sf->w * (size_t)sf->h * 4;
    evict(t, bytes);
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->r, sf);
    int sw = sf->w, sh = sf->h;
    SDL_FreeSurface(sf);
    if (!tex)
        return NULL;
    SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
    TexEntry *e = ew_xcalloc(1, sizeof *e);
    e->hash = hash;
    e->face = f;
    e->px = px;
    e->colour = colour;
    e->s = ew_xstrdup(s);
    e->tex = tex;
    e->w = sw;
    e->h = sh;
    e->bytes = bytes;
    e->used = t->tick;
    e->next = *bucket;
    *bucket = e;
    t->bytes += bytes;
    t->entries++;
    *w = sw;
    *h = sh;
    return tex;
}

void text_stats(Text *t, TextStats *out)
{
    out->renders = t->renders;
    out->hits = t->hits;
    out->bytes = t->bytes;
    out->entries = t->entries;
}
