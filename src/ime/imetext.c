/*
 * imetext.c: the text being entered (see imetext.h).
 */
#include "imetext.h"

#include <string.h>

#include "ew.h"

size_t ime_text_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

int ime_text_append(char *buf, size_t size, size_t max_chars, const char *s)
{
    size_t len = strlen(buf), add = strlen(s);
    if (!ew_text_ok(s, add))
        return EW_EINPUT;
    if (len + add + 1 > size || ime_text_chars(buf) + ime_text_chars(s) > max_chars)
        return EW_ESTATE;
    memcpy(buf + len, s, add + 1);
    return EW_OK;
}

int ime_text_backspace(char *buf)
{
    size_t n = strlen(buf);
    if (n == 0)
        return 0;
    do
        n--;
    while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
    buf[n] = '\0';
    return 1;
}

int ime_text_plain_key(int ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch > 0 && ch < 0x80 && strchr(" +-.,@#/", ch) != NULL);
}
