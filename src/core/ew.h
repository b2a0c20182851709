/*
 * ew.h: what every part of the echowall core shares.
 *
 * Errors. A fallible function returns int: EW_OK (0) or one of the negative
 * EW_E* codes below, and fills an EwErr with a one-line message meant for a
 * person (staff or technician) that names the offending argument or field.
 * Nothing that comes from a stick, a printer, a file or a person's input
 * aborts the program; only running out of memory does (ew_xmalloc & co.).
 *
 * Ownership: functions that return heap memory say so; x_new/x_free pairs
 * accept NULL in x_free.
 */
#ifndef EW_H
#define EW_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum {
    EW_OK = 0,
    EW_EINPUT = -1,    /* bad usage or bad input value (CLI exit 2) */
    EW_EAMBIG = -2,    /* a name matches several roster entries (CLI exit 2) */
    EW_ENOTFOUND = -3, /* no such appeal, person, meeting... */
    EW_EDENIED = -4,   /* this device's role may not do that */
    EW_ESTATE = -5,    /* not allowed in the current state */
    EW_EDB = -6,       /* database error */
    EW_EIO = -7,       /* file or device I/O error */
    EW_ECORRUPT = -8,  /* data failed a consistency check */
};

typedef struct EwErr {
    int code;       /* last EW_E* code set, EW_OK when none */
    char msg[512];  /* one line, no trailing newline */
} EwErr;

/* Sets err (when not NULL) to code and a printf-style message; returns code. */
int ew_err(EwErr *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation wrappers: abort with a message on out-of-memory. */
void *ew_xmalloc(size_t n);
void *ew_xcalloc(size_t n, size_t size);
void *ew_xrealloc(void *p, size_t n);
char *ew_xstrdup(const char *s);
char *ew_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Hex encoding of bytes; out must hold 2*n+1 bytes. */
void ew_hex(const unsigned char *in, size_t n, char *out);
/* Decodes exactly n bytes from a 2n-character hex string; -1 if malformed. */
int ew_unhex(const char *hex, unsigned char *out, size_t n);

/* Decodes the UTF-8 character at s (n bytes left) into *cp and returns its
 * length, or 0 when the bytes are not one (truncated, overlong, surrogate,
 * above U+10FFFF). */
size_t ew_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);
/* Copies the whole characters of src that fit into dst (n bytes with the
 * NUL; never half a character, stopping at a byte that is not UTF-8);
 * returns the bytes copied. */
size_t ew_utf8_copy(char *dst, size_t n, const char *src);

/* A file mapped read-only into memory (fonts, the handwriting model): its
 * pages are read only when touched and shared with every other mapping of
 * the same file, and reading it costs no system call. */
typedef struct EwMap {
    void *data;  /* the bytes; NULL when nothing is mapped */
    size_t len;  /* their number */
} EwMap;

/* Maps the regular file at path (at least min_len bytes) into *map.
 * EW_ENOTFOUND when it does not exist, EW_ECORRUPT when it is not a regular
 * file or too short, EW_EIO otherwise; *map is then empty. */
int ew_map_file(const char *path, size_t min_len, EwMap *map, EwErr *err);

/* A library opened at run time (dlopen, RTLD_NOW | RTLD_LOCAL) rather than
 * linked, for what most starts never use: the file $env names when set
 * (the tests of a missing library), else soname; *path (may be NULL) says
 * which. NULL with EW_ENOTFOUND and a message naming what it is ("zinnia")
 * and the Debian package to install when it cannot be loaded. The caller
 * takes its functions with dlsym and names the missing one itself. */
void *ew_dlopen(const char *env, const char *soname, const char *what, const char *package,
                const char **path, EwErr *err);
/* Unmaps *map and empties it; an empty map is left alone. */
void ew_map_free(EwMap *map);

/* True when s is valid UTF-8 of at most maxlen bytes with no control
 * characters other than newline and tab. */
int ew_text_ok(const char *s, size_t maxlen);
/* True when s is empty or only ASCII/ideographic whitespace. */
int ew_blank(const char *s);

/* Case-insensitive ASCII compare. */
int ew_strieq(const char *a, const char *b);

#endif
