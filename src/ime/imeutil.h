/*
 * imeutil.h: small file and text helpers shared by the input engines and
 * the Rime deploy tool. Internal to src/ime.
 */
#ifndef EW_IME_UTIL_H
#define EW_IME_UTIL_H

#include <stddef.h>

/* 1 when path names an existing regular file. */
int ime_file_exists(const char *path);

/* A new empty folder prefix<random> under $TMPDIR (else /tmp), mode 0700.
 * Returns its path (malloc'd, caller frees) or NULL with errno set. */
char *ime_make_tmpdir(const char *prefix);

/* Removes path and everything under it (symbolic links are removed, never
 * followed). A missing path is fine. 0, or -1 with errno set on the first
 * failure (it carries on removing what it can). */
int ime_remove_tree(const char *path);

/* Copies file from to file to (mode 0644, replacing it); 0, or -1 with
 * errno set. */
int ime_copy_file(const char *from, const char *to);

/* Copies UTF-8 text src into dst (size bytes, size > 0), NUL-terminated;
 * when it does not fit, it is cut at a character boundary. */
void ime_copy_utf8(char *dst, size_t size, const char *src);

#endif
