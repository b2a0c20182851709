/*
 * html.c: HTML pages built in memory (see html.h).
 */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void html_put(HtmlBuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->s = ew_xrealloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

void html_puts(HtmlBuf *b, const char *s)
{
    html_put(b, s, strlen(s));
}

void html_printf(HtmlBuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        html_put(b, small, (size_t)n);
        return;
    }
    char *big = ew_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    html_put(b, big, (size_t)n);
    free(big);
}

void html_esc(HtmlBuf *b, const char *s)
{
    for (const char *p = s; p && *p; p++) {
        switch (*p) {
        case '&': html_puts(b, "&amp;"); break;
        case '<': html_puts(b, "&lt;"); break;
        case '>': html_puts(b, "&gt;"); break;
        case '"': html_puts(b, "&quot;"); break;
        case '\'': html_puts(b, "&#39;"); break;
        case '\r': break; /* newlines stay (pre-line); a lone CR adds nothing */
        default: html_put(b, p, 1);
        }
    }
}

void html_reset(HtmlBuf *b)
{
    b->n = 0;
    if (b->s)
        b->s[0] = 0;
}

void html_free(HtmlBuf *b)
{
    free(b->s);
    b->s = NULL;
    b->n = b->cap = 0;
}
