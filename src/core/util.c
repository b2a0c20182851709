/*
 * util.c: errors, allocation wrappers and small string helpers (see ew.h).
 */
#include "ew.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int ew_err(EwErr *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

static void oom(void)
{
    fputs("echowall: out of memory\n", stderr);
    abort();
}

void *ew_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *ew_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *ew_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *ew_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = ew_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

char *ew_xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    char *p = ew_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void ew_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int ew_unhex(const char *hex, unsigned char *out, size_t n)
{
    if (!hex || strlen(hex) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

size_t ew_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
               : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
        v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

int ew_text_ok(const char *s, size_t maxlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    if (n > maxlen)
        return 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = ew_utf8_next(p + i, n - i, &cp);
        if (!len || (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f)
            return 0;
        i += len;
    }
    return 1;
}

int ew_blank(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (isspace(*p)) {
            p++;
        } else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) { /* U+3000 */
            p += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

int ew_strieq(const char *a, const char *b)
{
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
    return *a == *b;
}

size_t ew_utf8_copy(char *dst, size_t n, const char *src)
{
    size_t k = 0, left = src ? strlen(src) : 0;
    if (n == 0)
        return 0;
    while (left > 0) {
        uint32_t cp;
        size_t len = ew_utf8_next((const unsigned char *)src + k, left, &cp);
        if (len == 0 || k + len >= n)
            break;
        k += len;
        left -= len;
    }
    if (k)
        memcpy(dst, src, k);
    dst[k] = 0;
    return k;
}

int ew_map_file(const char *path, size_t min_len, EwMap *map, EwErr *err)
{
    map->data = NULL;
    map->len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ew_err(err, errno == ENOENT ? EW_ENOTFOUND : EW_EIO, "%s: %s", path,
                      strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (off_t)(size_t)st.st_size != st.st_size || (size_t)st.st_size < min_len) {
        close(fd);
        return ew_err(err, EW_ECORRUPT, "%s is not a regular file of at least %zu bytes", path,
                      min_len ? min_len : 1);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    if (p == MAP_FAILED)
        return ew_err(err, EW_EIO, "cannot map %s: %s", path, strerror(saved));
    map->data = p;
    map->len = (size_t)st.st_size;
    return EW_OK;
}

void ew_map_free(EwMap *map)
{
    if (map->data)
        munmap(map->data, map->len);
    map->data = NULL;
    map->len = 0;
}

void *ew_dlopen(const char *env, const char *soname, const char *what, const char *package,
                const char **path, EwErr *err)
{
    const char *file = env ? getenv(env) : NULL;
    if (!file || !*file)
        file = soname;
    if (path)
        *path = file;
    void *lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        ew_err(err, EW_ENOTFOUND, "cannot load %s (%s): %s (Debian: %s)", what, file,
               why ? why : "unknown error", package);
    }
    return lib;
}
