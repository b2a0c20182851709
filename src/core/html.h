/*
 * html.h: HTML pages built in memory, for the files the office hands out
 * (the tracking site, site.c; the joint meeting's agenda, agenda.c).
 *
 * An HtmlBuf is a growing NUL-terminated text: html_put/html_puts/html_printf
 * append markup as it is, html_esc appends text from the database or from a
 * person escaped for HTML text and attribute values alike. Every string
 * that is not the program's own markup goes through html_esc. Allocation
 * goes through ew_xrealloc (aborts on out-of-memory), so nothing here fails.
 *
 *   HtmlBuf b = {0};
 *   html_puts(&b, "<p>");
 *   html_esc(&b, text);
 *   html_puts(&b, "</p>\n");
 *   ... b.s, b.n ...
 *   html_free(&b);
 */
#ifndef EW_HTML_H
#define EW_HTML_H

#include <stddef.h>

#include "ew.h"

typedef struct HtmlBuf {
    char *s;    /* NUL-terminated text (malloc'd; NULL while nothing was put) */
    size_t n;   /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
} HtmlBuf;

/* Appends n bytes of s as they are. */
void html_put(HtmlBuf *b, const char *s, size_t n);
/* Appends the string s as it is. */
void html_puts(HtmlBuf *b, const char *s);
/* Appends printf-style text as it is (the caller escapes what it formats). */
void html_printf(HtmlBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as HTML text or attribute value: & < > " ' escaped, a CR left
 * out (newlines stay, for white-space: pre-line); NULL appends nothing. */
void html_esc(HtmlBuf *b, const char *s);
/* Empties b, keeping its memory. */
void html_reset(HtmlBuf *b);
/* Frees b's memory and zeroes it; html_free of a zeroed HtmlBuf is fine. */
void html_free(HtmlBuf *b);

#endif
