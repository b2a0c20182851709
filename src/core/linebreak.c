/*
 * linebreak.c: Chinese line breaking (see linebreak.h).
 *
 * The text is cut into units that never break inside: a Latin word or
 * number (with the joiners - . : / _ % + between word characters), or one
 * other character; closing punctuation is glued to the unit before it and
 * opening punctuation to the unit after it. Lines are then filled greedily
 * with units, measuring each candidate line whole.
 */
#include "linebreak.h"

#include "ew.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_word(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) || /* Latin with accents, pinyin */
           (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
           (c >= 0xff41 && c <= 0xff5a); /* full-width digits and letters */
}

static int is_joiner(uint32_t c)
{
    return c == '-' || c == '.' || c == ':' || c == '/' || c == '_' || c == '%' || c == '+' ||
           c == '\'' || c == ',';
}

static int is_space(uint32_t c) { return c == ' ' || c == '\t' || c == 0x3000; }

/* Closing punctuation: never at the start of a line. */
static int is_closing(uint32_t c)
{
    static const uint32_t set[] = {
        0xff0c, 0x3002, 0x3001, 0xff1b, 0xff1a, 0xff01, 0xff1f, 0xff09, 0x300d, 0x300f, 0x3011,
        0x300b, 0x3009, 0x201d, 0x2019, 0x2026, 0x00b7, 0x30fb, 0xff5e, 0x3015, 0x3017, 0xff3d,
        0xff5d, 0x2014, 0x2025, 0x3005, 0x301e, 0xff0e, ',', '.', ';', ':', '!', '?', ')', ']',
        '}', '%', 0x00bb, 0x2030, 0x2103};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == c)
            return 1;
    return 0;
}

/* Opening punctuation: never at the end of a line. */
static int is_opening(uint32_t c)
{
    static const uint32_t set[] = {0xff08, 0x300c, 0x300e, 0x3010, 0x300a, 0x3008, 0x201c,
                                   0x2018, 0x3014, 0x3016, 0xff3b, 0xff5b, '(', '[', '{',
                                   0x00ab, 0xffe5, '$'};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == c)
            return 1;
    return 0;
}

typedef struct Unit {
    size_t start, end; /* bytes */
    int space;         /* a run of spaces */
    int newline;       /* a forced break */
} Unit;

/* Cuts text into units. Returns the count, or -1 for invalid UTF-8. */
static int units_of(const char *text, Unit **out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0;
    int cap = 16, count = 0;
    Unit *u = malloc(sizeof *u * (size_t)cap);
    if (!u)
        abort();
    int glue_next = 0; /* the previous unit ended with opening punctuation */
    while (i < n) {
        uint32_t c;
        size_t len = ew_utf8_next(s + i, n - i, &c);
        if (!len) {
            free(u);
            return -1;
        }
        Unit cur = {i, i + len, 0, 0};
        if (c == '\n' || c == '\r') {
            cur.newline = 1;
            if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
                cur.end++;
        } else if (is_space(c)) {
            cur.space = 1;
            size_t j = cur.end;
            uint32_t d;
            size_t l;
            while (j < n && (l = ew_utf8_next(s + j, n - j, &d)) && is_space(d))
                j += l;
            cur.end = j;
        } else if (is_word(c)) {
            size_t j = cur.end;
            for (;;) {
                uint32_t d, e;
                size_t l = ew_utf8_next(s + j, n - j, &d), l2;
                if (!l)
                    break;
                if (is_word(d)) {
                    j += l;
                } else if (is_joiner(d) && (l2 = ew_utf8_next(s + j + l, n - j - l, &e)) &&
                           is_word(e)) {
                    j += l + l2;
                } else {
                    break;
                }
            }
            cur.end = j;
        }
        i = cur.end;
        uint32_t first;
        ew_utf8_next(s + cur.start, n - cur.start, &first);
        int closing = !cur.space && !cur.newline && is_closing(first);
        if (count > 0 && (closing || glue_next) && !u[count - 1].space && !u[count - 1].newline &&
            !cur.space && !cur.newline) {
            u[count - 1].end = cur.end; /* glue */
        } else {
            if (count == cap) {
                cap *= 2;
                u = realloc(u, sizeof *u * (size_t)cap);
                if (!u)
                    abort();
            }
            u[count++] = cur;
        }
        glue_next = !cur.space && !cur.newline && is_opening(c);
    }
    *out = u;
    return count;
}

/* The longest prefix (at character boundaries, at least one character) of
 * [start, end) that fits in max; 0 when not even one character fits. */
static size_t fit_chars(const char *text, size_t start, size_t end, int max, TextWidth w,
                        void *ctx)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t best = 0, i = start;
    while (i < end) {
        uint32_t c;
        size_t l = ew_utf8_next(s + i, end - i, &c);
        if (!l || w(ctx, text + start, i + l - start) > max)
            break;
        i += l;
        best = i - start;
    }
    return best;
}

int linebreak(const char *text, int max_width, int max_lines, TextWidth width, void *ctx,
              LineSpan *out, int cap, int *nlines)
{
    Unit *u = NULL;
    int nu = units_of(text, &u);
    *nlines = 0;
    if (nu < 0)
        return -1;
    /* Every line holds at least one byte of text or ends at a newline. */
    LineSpan *lines = malloc(sizeof *lines * (strlen(text) + 2));
    if (!lines)
        abort();
    int nl = 0, rc = 0;
    size_t ls = 0, le = 0; /* current line [ls, le); le == ls: empty */
    int open = 0;          /* a line is being filled */
    for (int k = 0; k < nu && rc == 0; k++) {
        Unit *x = &u[k];
        if (x->newline) {
            lines[nl++] = (LineSpan){ls, open ? le - ls : 0, 0};
            open = 0;
            ls = le = x->end;
            continue;
        }
        if (x->space)
            continue; /* taken only between units on one line, never at its ends */
        /* Where the unit would start: after the spaces before it, if on this line. */
        size_t from = open ? ls : x->start;
        size_t end = x->end;
        if (width(ctx, text + from, end - from) <= max_width) {
            if (!open) {
                ls = x->start;
                open = 1;
            }
            le = end;
            continue;
        }
        if (open) { /* the unit goes to a new line */
            lines[nl++] = (LineSpan){ls, le - ls, 0};
            open = 0;
        }
        /* Alone on its line: split it by characters if still too wide. */
        size_t st = x->start;
        while (st < end && width(ctx, text + st, end - st) > max_width) {
            size_t part = fit_chars(text, st, end, max_width, width, ctx);
            if (part == 0) {
                rc = -1;
                break;
            }
            lines[nl++] = (LineSpan){st, part, 0};
            st += part;
        }
        if (rc == 0 && st < end) {
            ls = st;
            le = end;
            open = 1;
        }
    }
    if (rc == 0 && open)
        lines[nl++] = (LineSpan){ls, le - ls, 0};
    if (rc == 0 && max_lines > 0 && nl > max_lines) {
        /* Cut: the last kept line ends with an ellipsis that must fit. */
        LineSpan *last = &lines[max_lines - 1];
        int ew = width(ctx, LINEBREAK_ELLIPSIS, strlen(LINEBREAK_ELLIPSIS));
        size_t keep = fit_chars(text, last->start, last->start + last->len,
                                max_width - ew, width, ctx);
        /* Prefer not to end the cut line on a space. */
        while (keep > 0 && text[last->start + keep - 1] == ' ')
            keep--;
        last->len = keep;
        last->ellipsis = 1;
        nl = max_lines;
    }
    if (rc == 0) {
        for (int k = 0; k < nl && k < cap; k++)
            out[k] = lines[k];
        *nlines = nl;
    }
    free(lines);
    free(u);
    return rc;
}
