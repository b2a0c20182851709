/*
 * text.h: fonts, measuring and cached text textures.
 *
 * Three faces: the shipped Noto Sans SC subset (regular and bold) and a
 * bold fixed-width face for tracking codes. Each face has a fallback chain
 * of installed system fonts (ECHOWALL_FALLBACK_FONT, Debian's full Noto
 * Sans CJK SC, DejaVu Sans); a character the subset lacks is drawn with the
 * first font of the chain that has it, and only when none has it does the
 * shipped font's empty box appear.
 *
 * Measuring uses a cache of glyph advances, so laying out a long wall does
 * not ask FreeType twice for the same character. Rendered strings are kept
 * as textures keyed by face, size, colour and text, and
 * evicted least-recently-used when their pixels pass a byte budget: an
 * unchanged label is never rasterised again. Textures are made in their
 * final colour: tinting a white texture when drawing (colour modulation)
 * takes the software renderer's slow generic blitter, three times slower
 * than its plain alpha blend.
 */
#ifndef EW_TEXT_H
#define EW_TEXT_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

/* Pixel bytes of text kept as textures. With 10 MB bench_kiosk scrolls the
 * wall of 10,000 cards at 1920x1080 with frames still under 11 ms at p99
 * and a peak RSS of 57 MB; 14 MB took it past its 60 MB. */
#define TEXT_TEX_BUDGET (10u << 20)

typedef enum { FACE_REGULAR = 0, FACE_BOLD, FACE_MONO, FACE_COUNT } Face;

typedef struct Text Text;

/* Opens the faces from fontdir (the repository's or the installed fonts/).
 * NULL with a message in err when a shipped font is missing or unreadable. */
Text *text_new(SDL_Renderer *r, const char *fontdir, char *err, size_t errlen);
void text_free(Text *t);

/* Width in pixels of len bytes of UTF-8 in face f at px pixels. */
int text_width(Text *t, Face f, int px, const char *s, size_t len);
/* Line height (ascent + descent + gap) of face f at px. */
int text_line_height(Text *t, Face f, int px);

/* The texture of s (NUL-terminated UTF-8, one line) in colour 0xRRGGBB; its size in
 * *w, *h. Owned by the cache: valid until the next text_texture() call that
 * evicts it (so draw it right away). NULL for an empty string. */
SDL_Texture *text_texture(Text *t, Face f, int px, uint32_t colour, const char *s, int *w,
                          int *h);

/* Which font draws code point cp in face f: 0 the shipped font, 1.. a
 * fallback, -1 none (the box). */
int text_font_for(Text *t, Face f, uint32_t cp);

/* Cache figures for the bench and tests. */
typedef struct TextStats {
    long renders;   /* strings rasterised so far */
    long hits;      /* texture requests served from the cache */
    size_t bytes;   /* pixel bytes held now */
    int entries;    /* textures held now */
} TextStats;
void text_stats(Text *t, TextStats *out);

#endif
