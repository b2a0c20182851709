/*
 * canvas.h: the receipt as a 1-bit picture, built from the top down.
 *
 * A Canvas is as wide as the printer's head (384 dots for 58 mm paper, 576
 * for 80 mm; any multiple of 8 works) and grows downwards: every operation
 * appends below what is there (a line of text, a QR code, a rule, blank
 * space). Dots are stored the way ESC/POS `GS v 0` wants them: rows top to
 * bottom, width/8 bytes a row, the leftmost dot in the most significant bit,
 * 1 = black. Nothing here knows a printer; escpos.h turns a canvas into
 * bytes and canvas_write_png() into a picture for tests and debugging.
 *
 * Text is drawn with SDL2_ttf from the kiosk's shipped fonts (the same
 * faces and fallback chain as the screen, so a printer with no Chinese font
 * prints Chinese), anti-aliased and then cut to black and white at a
 * threshold. Long text wraps to the paper with the kiosk's Chinese line
 * breaker (src/core/linebreak.c). QR codes come from libqrencode.
 *
 * Typical use:
 *     PrintFonts *f = print_fonts_new(NULL, &err);        // finds fonts/
 *     Canvas *c = canvas_new(384, &err);
 *     canvas_text(c, f, &(TextStyle){PFACE_BOLD, 32, ALIGN_CENTRE, 0}, 8, "标题", &err);
 *     canvas_qr(c, "https://...", 240, &err);
 *     canvas_write_png(c, "slip.png", &err);
 *     canvas_free(c); print_fonts_free(f);
 */
#ifndef EW_PRINT_CANVAS_H
#define EW_PRINT_CANVAS_H

#include <stddef.h>
#include <stdint.h>

#include "ew.h"

#define CANVAS_WIDTH_58MM 384
#define CANVAS_WIDTH_80MM 576
#define CANVAS_MAX_ROWS 16000 /* 2 m of paper at 8 dots/mm: a runaway guard */

typedef struct Canvas {
    int width;      /* dots per row, a multiple of 8 */
    int stride;     /* bytes per row: width / 8 */
    int height;     /* rows drawn so far; the next operation starts here */
    int cap;        /* rows allocated */
    uint8_t *bits;  /* cap * stride bytes, MSB = leftmost dot, 1 = black */
} Canvas;

/* A new empty canvas (height 0) width dots wide: a multiple of 8 from 64 to
 * 2048. NULL with err set otherwise. Freed with canvas_free. */
Canvas *canvas_new(int width, EwErr *err);
void canvas_free(Canvas *c);

/* Appends rows blank rows (at most CANVAS_MAX_ROWS in all). */
int canvas_space(Canvas *c, int rows, EwErr *err);
/* Appends a horizontal rule thickness rows high across the whole width,
 * inset by margin dots at each side. */
int canvas_rule(Canvas *c, int thickness, int margin, EwErr *err);
/* 1 when the dot at (x, y) is black; 0 outside the canvas. */
int canvas_get(const Canvas *c, int x, int y);
/* Makes room for rows more rows (blank) below the current height and
 * returns the first new row; used by the drawing operations. */
int canvas_grow(Canvas *c, int rows, EwErr *err);
/* Blackens the dot at (x, y); silently ignores dots off the canvas. */
void canvas_set(Canvas *c, int x, int y);

/* Writes the canvas as a 1-bit greyscale PNG (libpng), black on white. An
 * empty canvas is written one blank row high. */
int canvas_write_png(const Canvas *c, const char *path, EwErr *err);

/* ---- QR codes (canvas_qr.c) ---- */

/* Appends the QR code of payload (UTF-8, byte mode where needed; error
 * correction level M), centred, with its quiet zone of 4 modules on every
 * side included in the rows it takes. The module size is the largest whole
 * number of dots that keeps the symbol with its quiet zone within max_dots
 * and the canvas width, at most 10; at least 3 dots a module are required
 * (smaller does not scan from thermal paper), else EW_EINPUT. *modules, when
 * not NULL, receives the module size chosen. */
int canvas_qr(Canvas *c, const char *payload, int max_dots, int *modules, EwErr *err);

/* ---- Text (canvas_text.c) ---- */

typedef enum {
    PFACE_REGULAR = 0, /* Noto Sans SC subset, regular */
    PFACE_BOLD,        /* Noto Sans SC subset, bold */
    PFACE_MONO,        /* DejaVu Sans Mono Bold: tracking codes and digits */
    PFACE_COUNT
} PrintFace;

typedef enum { ALIGN_LEFT = 0, ALIGN_CENTRE } PrintAlign;

typedef struct TextStyle {
    PrintFace face;
    int size;         /* em size in dots (8 dots = 1 mm on 203 dpi printers) */
    PrintAlign align;
    int max_lines;    /* 0: wrap as long as needed; n: at most n lines, the
                       * last ending with "…" when the text was longer */
} TextStyle;

/* The fonts: one SDL_ttf font per face and fallback (ECHOWALL_FALLBACK_FONT,
 * Debian's full Noto Sans CJK SC, DejaVu Sans), as the kiosk's screen has.
 * Starts SDL_ttf when nobody has (no video needed) and leaves it started,
 * as the screen's text.c does: the two may share it. fontdir is the folder holding
 * NotoSansSC-Regular.otf & co.; NULL finds it with print_fontdir(). */
typedef struct PrintFonts PrintFonts;
PrintFonts *print_fonts_new(const char *fontdir, EwErr *err);
void print_fonts_free(PrintFonts *f);

/* Finds the shipped fonts the way the kiosk does: $ECHOWALL_DATA/fonts,
 * the installed share/echowall/fonts, then this source tree's fonts/.
 * Writes the folder into out; EW_ENOTFOUND when none has the fonts. */
int print_fontdir(char *out, size_t outlen, EwErr *err);

/* Appends text (UTF-8; a newline breaks the line) wrapped to the canvas
 * width less margin dots at each side, one row of lines of the face's line
 * height. EW_EINPUT for invalid UTF-8 or a size outside 8..400. */
int canvas_text(Canvas *c, PrintFonts *f, const TextStyle *st, int margin, const char *text,
                EwErr *err);
/* Width in dots of len bytes of UTF-8 in face/size, as canvas_text measures. */
int print_text_width(PrintFonts *f, PrintFace face, int size, const char *s, size_t len);

#endif
