/*
 * linebreak.h: breaking Chinese (and mixed) text into lines.
 *
 * Rules, as Chinese typesetting expects:
 *  - a line may break between any two CJK characters;
 *  - Latin words, numbers and codes stay whole (H07-A3K9V, 3.5, 10:00,
 *    G205), unless one alone is wider than the line;
 *  - no line starts with closing punctuation (，。、；：！？）」』】》 …) and
 *    none ends with opening punctuation (（「『【《 …): they stay with their
 *    neighbour;
 *  - spaces at a break are dropped; a newline always breaks;
 *  - when max_lines cuts the text, the last line ends with an ellipsis "…",
 *    shortened until line and ellipsis fit.
 * Widths come from a callback (the renderer's font metrics; a fixed-width
 * stand-in in tests), measured over whole candidate lines so kerning counts.
 */
#ifndef EW_LINEBREAK_H
#define EW_LINEBREAK_H

#include <stddef.h>

/* Width in pixels of len bytes of UTF-8 at utf8. */
typedef int (*TextWidth)(void *ctx, const char *utf8, size_t len);

typedef struct LineSpan {
    size_t start;  /* byte offset in the text */
    size_t len;    /* bytes on this line (without the ellipsis) */
    int ellipsis;  /* 1: draw "…" after this line's text */
} LineSpan;

#define LINEBREAK_ELLIPSIS "\xE2\x80\xA6"

/* Lays text out in lines of at most max_width pixels, at most max_lines
 * (0: no limit), writing up to cap spans into out and their number into
 * *nlines. Returns 0, or -1 for invalid UTF-8 or a max_width too small for
 * any character (nothing is written then). */
int linebreak(const char *text, int max_width, int max_lines, TextWidth width, void *ctx,
              LineSpan *out, int cap, int *nlines);

#endif
