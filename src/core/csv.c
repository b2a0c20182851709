/*
 * csv.c - CSV ledgers: GB18030/UTF-8 decoding, RFC 4180 parsing and
 * writing, civil date normalisation.  See csv.h.
 */
#define _POSIX_C_SOURCE 200809L

#include "csv.h"

#include "ew.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CSV_MAX_FILE ((size_t)64 * 1024 * 1024)

/* ---------------------------------------------------------------- helpers */

static void *csv_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("echowall: out of memory\n", stderr);
        abort();
    }
    return q;
}

/* Returns a capacity >= need, growing cap geometrically; aborts on overflow. */
static size_t csv_grow(size_t cap, size_t need, size_t elsize)
{
    size_t c = cap ? cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            c = need;
        else
            c *= 2;
    }
    if (c > SIZE_MAX / elsize) {
        fputs("echowall: allocation too large\n", stderr);
        abort();
    }
    return c;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void csv_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Growable byte buffer, always kept NUL-terminated once used. */
typedef struct CsvBuf {
    char *p;
    size_t n, cap;
} CsvBuf;

static void buf_reserve(CsvBuf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->n - 1) {
        fputs("echowall: allocation too large\n", stderr);
        abort();
    }
    if (b->n + extra + 1 > b->cap) {
        b->cap = csv_grow(b->cap, b->n + extra + 1, 1);
        b->p = csv_xrealloc(b->p, b->cap);
    }
}

static void buf_append(CsvBuf *b, const void *data, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_putc(CsvBuf *b, char c)
{
    buf_append(b, &c, 1);
}

static char *csv_strndup(const char *s, size_t n)
{
    char *d = csv_xrealloc(NULL, n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---------------------------------------------------------------- decode */

/* Strict UTF-8 check: no overlongs, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = ew_utf8_next(s + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* Converts one GB18030 line and appends it to b; 0 ok, -1 invalid input. */
static int gb18030_append(iconv_t cd, const unsigned char *s, size_t n, CsvBuf *b)
{
    char *ip = (char *)s;   /* iconv(3) takes char **, it does not write */
    size_t il = n;
    size_t start = b->n;

    iconv(cd, NULL, NULL, NULL, NULL);
    for (;;) {
        char *op;
        size_t ol, room, r;

        buf_reserve(b, il * 2 + 16);
        room = b->cap - b->n - 1;
        op = b->p + b->n;
        ol = room;
        r = il ? iconv(cd, &ip, &il, &op, &ol) : iconv(cd, NULL, NULL, &op, &ol);
        b->n += room - ol;
        if (r != (size_t)-1) {
            if (il == 0)
                break;
            continue;
        }
        if (errno == E2BIG)
            continue;
        b->n = start;           /* EILSEQ or EINVAL (truncated character) */
        b->p[b->n] = '\0';
        return -1;
    }
    b->p[b->n] = '\0';
    return 0;
}

int csv_decode(const unsigned char *in, size_t len, char **out, size_t *outlen,
               char *err, size_t errlen)
{
    CsvBuf b = {0};
    iconv_t cd = (iconv_t)-1;
    const unsigned char *p = in, *end;
    size_t lineno = 1;
    int rc = 0;

    if (out)
        *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!out || !outlen || (!in && len)) {
        csv_seterr(err, errlen, "invalid argument");
        return -1;
    }
    if (!in)
        p = (const unsigned char *)"";
    end = p + len;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        p += 3;

    buf_reserve(&b, (size_t)(end - p));
    b.p[0] = '\0';
    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        const unsigned char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);

        if (memchr(p, '\0', n)) {
            csv_seterr(err, errlen, "line %zu: contains a NUL byte", lineno);
            rc = -1;
            break;
        }
        if (utf8_valid(p, n)) {
            buf_append(&b, p, n);
        } else {
            if (cd == (iconv_t)-1) {
                cd = iconv_open("UTF-8", "GB18030");
                if (cd == (iconv_t)-1) {
                    csv_seterr(err, errlen,
                               "line %zu: cannot convert from GB18030: %s",
                               lineno, strerror(errno));
                    rc = -1;
                    break;
                }
            }
            if (gb18030_append(cd, p, n, &b) != 0) {
                csv_seterr(err, errlen,
                           "line %zu: not valid UTF-8 or GB18030 text", lineno);
                rc = -1;
                break;
            }
        }
        if (!nl)
            break;
        buf_putc(&b, '\n');
        p = nl + 1;
        lineno++;
    }
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    if (rc != 0) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    *outlen = b.n;
    return 0;
}

/* ------------------------------------------------------- formula guard */

/*
 * A spreadsheet takes a cell for a formula when it starts with = + - or @
 * (and Excel also after a tab or CR). csv_write_row() puts an apostrophe in
 * front of such a cell, and csv_parse() takes exactly that apostrophe away
 * again. So that the two stay inverse for every text, a cell that already
 * starts with apostrophes followed by such a character gets one more: the
 * rule is "apostrophes, then a formula character".
 */
static int formula_like(const char *s)
{
    while (*s == '\'')
        s++;
    return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

/* Takes off the apostrophe csv_write_row() put in front of s, in place. */
static void unguard(char *s)
{
    if (s[0] == '\'' && formula_like(s))
        memmove(s, s + 1, strlen(s));
}

/* ---------------------------------------------------------------- parse */

typedef struct CsvRow {
    char **f;
    size_t n, cap;
} CsvRow;

typedef struct CsvBuild {
    CsvTable t;
    size_t cap;
} CsvBuild;

/* Adds a field to the row (without the writer's formula guard). */
static void row_push(CsvRow *r, char *s)
{
    unguard(s);
    if (r->n == r->cap) {
        r->cap = csv_grow(r->cap, r->n + 1, sizeof *r->f);
        r->f = csv_xrealloc(r->f, r->cap * sizeof *r->f);
    }
    r->f[r->n++] = s;
}

static void row_free(CsvRow *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->f[i]);
    free(r->f);
    r->f = NULL;
    r->n = r->cap = 0;
}

/* Moves the row into the table; r is left empty. */
static void build_push(CsvBuild *bd, CsvRow *r, size_t line)
{
    CsvTable *t = &bd->t;

    if (t->nrows == bd->cap) {
        bd->cap = csv_grow(bd->cap, t->nrows + 1, sizeof *t->cells);
        t->cells = csv_xrealloc(t->cells, bd->cap * sizeof *t->cells);
        t->ncols = csv_xrealloc(t->ncols, bd->cap * sizeof *t->ncols);
        t->line = csv_xrealloc(t->line, bd->cap * sizeof *t->line);
    }
    t->cells[t->nrows] = csv_xrealloc(r->f, (r->n ? r->n : 1) * sizeof *r->f);
    t->ncols[t->nrows] = r->n;
    t->line[t->nrows] = line;
    t->nrows++;
    r->f = NULL;
    r->n = r->cap = 0;
}

void csv_table_free(CsvTable *t)
{
    if (!t)
        return;
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->cells) {
            for (size_t c = 0; t->ncols && c < t->ncols[r]; c++)
                free(t->cells[r][c]);
            free(t->cells[r]);
        }
    }
    free(t->cells);
    free(t->ncols);
    free(t->line);
    memset(t, 0, sizeof *t);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int csv_parse(const char *text, size_t len, CsvTable *t, char *err, size_t errlen)
{
    CsvBuild bd = {0};
    CsvRow row = {0};
    CsvBuf fb = {0};
    size_t p = 0, line = 1;

    if (!t || (!text && len)) {
        csv_seterr(err, errlen, "invalid argument");
        if (t)
            memset(t, 0, sizeof *t);
        return -1;
    }
    memset(t, 0, sizeof *t);

    while (p < len) {
        size_t row_line = line;
        int row_done = 0;

        /* Completely empty row: skip. */
        if (text[p] == '\n') {
            p++;
            line++;
            continue;
        }
        if (text[p] == '\r' && p + 1 < len && text[p + 1] == '\n') {
            p += 2;
            line++;
            continue;
        }

        while (!row_done) {
            if (p < len && text[p] == '"') {
                size_t q_line = line;

                fb.n = 0;
                buf_reserve(&fb, 0);
                p++;
                for (;;) {
                    if (p >= len) {
                        csv_seterr(err, errlen,
                                   "line %zu: unterminated quoted field", q_line);
                        goto fail;
                    }
                    if (text[p] == '"') {
                        if (p + 1 < len && text[p + 1] == '"') {
                            buf_putc(&fb, '"');
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (text[p] == '\0') {
                        csv_seterr(err, errlen, "line %zu: contains a NUL byte", line);
                        goto fail;
                    }
                    if (text[p] == '\n')
                        line++;
                    buf_putc(&fb, text[p]);
                    p++;
                }
                row_push(&row, csv_strndup(fb.p, fb.n));
                if (p >= len) {
                    row_done = 1;
                } else if (text[p] == ',') {
                    p++;
                } else if (text[p] == '\n') {
                    p++;
                    line++;
                    row_done = 1;
                } else if (text[p] == '\r' && p + 1 < len && text[p + 1] == '\n') {
                    p += 2;
                    line++;
                    row_done = 1;
                } else {
                    csv_seterr(err, errlen,
                               "line %zu: unexpected character after closing quote",
                               line);
                    goto fail;
                }
            } else {
                size_t s = p, e;

                while (p < len && text[p] != ',' && text[p] != '\n' &&
                       !(text[p] == '\r' && p + 1 < len && text[p + 1] == '\n')) {
                    if (text[p] == '\0') {
                        csv_seterr(err, errlen, "line %zu: contains a NUL byte", line);
                        goto fail;
                    }
                    p++;
                }
                e = p;
                while (s < e && is_blank(text[s]))
                    s++;
                while (e > s && is_blank(text[e - 1]))
                    e--;
                row_push(&row, csv_strndup(text + s, e - s));
                if (p >= len) {
                    row_done = 1;
                } else if (text[p] == ',') {
                    p++;
                } else {
                    p += text[p] == '\r' ? 2 : 1;
                    line++;
                    row_done = 1;
                }
            }
        }
        build_push(&bd, &row, row_line);
    }

    free(fb.p);
    *t = bd.t;
    return 0;

fail:
    free(fb.p);
    row_free(&row);
    csv_table_free(&bd.t);
    return -1;
}

/* ---------------------------------------------------------------- file */

int csv_read_file(const char *path, CsvTable *t, char *err, size_t errlen)
{
    FILE *f;
    struct stat st;
    CsvBuf b = {0};
    char *text = NULL;
    size_t textlen = 0;
    int rc;

    if (t)
        memset(t, 0, sizeof *t);
    if (!path || !t) {
        csv_seterr(err, errlen, "invalid argument");
        return -1;
    }
    f = fopen(path, "rb");
    if (!f) {
        csv_seterr(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
        if ((uintmax_t)st.st_size > CSV_MAX_FILE) {
            fclose(f);
            csv_seterr(err, errlen, "file is larger than 64 MiB");
            return -1;
        }
        buf_reserve(&b, (size_t)st.st_size + 1);
    }
    for (;;) {
        size_t got;

        buf_reserve(&b, 65536);
        got = fread(b.p + b.n, 1, b.cap - b.n - 1, f);
        b.n += got;
        if (b.n > CSV_MAX_FILE) {
            fclose(f);
            free(b.p);
            csv_seterr(err, errlen, "file is larger than 64 MiB");
            return -1;
        }
        if (got == 0) {
            if (ferror(f)) {
                int e = errno;
                fclose(f);
                free(b.p);
                csv_seterr(err, errlen, "cannot read %s: %s", path, strerror(e));
                return -1;
            }
            break;
        }
    }
    fclose(f);

    rc = csv_decode((const unsigned char *)b.p, b.n, &text, &textlen, err, errlen);
    free(b.p);
    if (rc != 0)
        return -1;
    rc = csv_parse(text, textlen, t, err, errlen);
    free(text);
    return rc != 0 ? -1 : 0;
}

/* ---------------------------------------------------------------- write */

/* Appends one field to a growing line, guarded against being taken for a
 * formula and quoted when needed. */
static void append_field(CsvBuf *b, const char *s, int only_field)
{
    size_t n = s ? strlen(s) : 0;
    int quote = 0;
    char *guarded = NULL;

    if (!s)
        s = "";
    if (formula_like(s)) {
        guarded = csv_xrealloc(NULL, n + 2);
        guarded[0] = '\'';
        memcpy(guarded + 1, s, n + 1);
        s = guarded;
        n++;
    }
    if (n == 0)
        quote = only_field;
    else if (strpbrk(s, ",\"\r\n") || is_blank(s[0]) || is_blank(s[n - 1]))
        quote = 1;
    if (!quote) {
        buf_append(b, s, n);
    } else {
        buf_putc(b, '"');
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"')
                buf_putc(b, '"');
            buf_putc(b, s[i]);
        }
        buf_putc(b, '"');
    }
    free(guarded);
}

int csv_write_row(FILE *f, const char *const *fields, size_t n)
{
    CsvBuf b = {0};
    int rc = 0;

    if (!f || (!fields && n))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        append_field(&b, fields[i], n == 1);
    }
    buf_append(&b, "\r\n", 2);
    if (fwrite(b.p, 1, b.n, f) != b.n || ferror(f))
        rc = -1;
    free(b.p);
    return rc;
}

/* ---------------------------------------------------------------- dates */

/* Skips ASCII spaces/tabs and U+3000 IDEOGRAPHIC SPACE. */
static const char *skip_space(const char *s)
{
    for (;;) {
        if (is_blank(*s))
            s++;
        else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0x80)
            s += 3;
        else
            return s;
    }
}

/* Reads between min and max ASCII digits (no more may follow). */
static const char *read_num(const char *s, int min, int max, int *v)
{
    int n = 0, x = 0;

    while (*s >= '0' && *s <= '9') {
        if (n == max)
            return NULL;
        x = x * 10 + (*s - '0');
        s++;
        n++;
    }
    if (n < min)
        return NULL;
    *v = x;
    return s;
}

static const char *eat(const char *s, const char *lit)
{
    size_t n = strlen(lit);
    return strncmp(s, lit, n) == 0 ? s + n : NULL;
}

int csv_parse_date(const char *s, char out[11])
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, leap, dim;
    char sep = 0;

    if (!s || !out)
        return -1;
    s = skip_space(s);
    if (!(s = read_num(s, 4, 4, &y)))
        return -1;
    s = skip_space(s);
    if (*s == '-' || *s == '/' || *s == '.') {
        sep = *s++;
    } else if (!(s = eat(s, "\xE5\xB9\xB4"))) {            /* 年 */
        return -1;
    }
    s = skip_space(s);
    if (!(s = read_num(s, 1, 2, &m)))
        return -1;
    s = skip_space(s);
    if (sep) {
        if (*s != sep)
            return -1;
        s++;
    } else if (!(s = eat(s, "\xE6\x9C\x88"))) {            /* 月 */
        return -1;
    }
    s = skip_space(s);
    if (!(s = read_num(s, 1, 2, &d)))
        return -1;
    s = skip_space(s);
    if (!sep) {
        if (!(s = eat(s, "\xE6\x97\xA5")))                  /* 日 */
            return -1;
        s = skip_space(s);
    }
    if (*s != '\0')
        return -1;

    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return -1;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    dim = mdays[m - 1] + (m == 2 && leap);
    if (d > dim)
        return -1;

    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return 0;
}
