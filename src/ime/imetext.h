/*
 * imetext.h: the text a villager is entering, whatever writes into it: the
 * digit and Latin keys (which need no engine: their key is their text),
 * pinyin commits and handwriting picks. A fixed buffer of UTF-8 with a
 * limit in characters as well as in bytes, so a field holds what the
 * screen says it holds (an appeal's text, a phone number).
 */
#ifndef EW_IME_TEXT_H
#define EW_IME_TEXT_H

#include <stddef.h>

/* Characters (code points) in the UTF-8 string s. */
size_t ime_text_chars(const char *s);

/* Appends s (valid UTF-8, no control characters) to the NUL-terminated
 * text in buf (size bytes) when the result has at most max_chars
 * characters and fits: EW_OK. Otherwise nothing changes: EW_ESTATE when it
 * would be too long, EW_EINPUT when s is not valid text. */
int ime_text_append(char *buf, size_t size, size_t max_chars, const char *s);

/* Removes the last character of buf: 1, or 0 when buf is empty. */
int ime_text_backspace(char *buf);

/* 1 when ch is a key the digit and Latin keyboards send as itself: '0'-'9',
 * 'a'-'z', 'A'-'Z', space, and the few marks of phone numbers and
 * addresses (+ - . , @ # /). */
int ime_text_plain_key(int ch);

#endif
