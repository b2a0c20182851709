/*
 * namematch.h: search-as-you-type for people's names by pinyin, for the
 * roster pickers ("pinyin initials welcome"). No SDL, no database: the
 * picker hands over each name and what has been typed, and sorts by the
 * score it gets back.
 *
 * The readings of Chinese characters come from Rime's luna_pinyin
 * dictionary as Debian ships it (rime-data-luna-pinyin, which echowall
 * already needs for pinyin input): its single-character entries, every
 * reading of a polyphone (单 dan shan chan, 曾 zeng ceng, 叶 ye xie), ü
 * written v as Rime writes it (吕 lv), plus the spellings Rime's own
 * speller accepts for them (lue for lve, ju and jv alike). librime has no
 * public reverse lookup, so the file is read here, once, into a table.
 *
 * What matches (docs/input.md, "Names by pinyin"): the typed text with
 * spaces and apostrophes dropped and Latin letters in lower case, against
 * the name's characters in a row. Each name character takes either itself (a Chinese
 * character, a digit, a Latin letter in either case), or the initial of
 * one of its readings (z, or zh/ch/sh), or a whole reading; the last
 * character a match takes may take any beginning of a reading ("zhangsa").
 * So 张三 matches 张三, 张, zs, zhs, zsan, zhangs, zhangsan; not sz. A match
 * that begins at a later character (san, 三) counts too, lower.
 *
 * An index is read-only once open: matching only reads it, so several
 * threads may match on one index at the same time.
 */
#ifndef EW_IME_NAMEMATCH_H
#define EW_IME_NAMEMATCH_H

#include "ew.h"

#define IME_NAME_DICT "luna_pinyin.dict.yaml" /* the dictionary file in Rime's shared folder */
#define IME_NAME_MAX 32 /* characters of a name that take part in a match (the rest are ignored) */

/* Scores ime_name_match gives, by kind of match; within a kind, up to
 * 2 * IME_NAME_MAX more for a match that starts sooner and leaves fewer of
 * the name's characters after it. 0 is no match. */
enum {
    IME_NAME_ANY = 1,        /* the query is empty or blank: every name */
    IME_NAME_LATER = 100,    /* begins at a later character ("san" for 张三) */
    IME_NAME_INITIALS = 200, /* from the first character, some by initials ("zs", "zsan") */
    IME_NAME_PREFIX = 300,   /* from the first character, by characters and whole
                              * readings, the last maybe begun ("张", "zhangs") */
    IME_NAME_EXACT = 400,    /* the whole name, by characters and whole readings
                              * ("张三", "zhangsan", "Zhang San") */
};

/* The readings of single characters (read-only once opened). */
typedef struct ImeNameIndex ImeNameIndex;

/* Loads the single-character readings of IME_NAME_DICT in shared_dir
 * (NULL: IME_PINYIN_SHARED_DIR, Debian's /usr/share/rime-data). NULL with
 * err set when it cannot: EW_ENOTFOUND when the file is missing (naming it
 * and the Debian package), EW_EIO when it cannot be read, EW_ECORRUPT when
 * it is not a Rime dictionary or gives no single-character reading. Free
 * with ime_name_index_free. */
ImeNameIndex *ime_name_index_open(const char *shared_dir, EwErr *err);
/* Frees the index (NULL is fine). */
void ime_name_index_free(ImeNameIndex *idx);

/* Readings the index holds (with the derived spellings), for diagnostics. */
size_t ime_name_index_size(const ImeNameIndex *idx);

/* How well query matches name, both UTF-8: 0 no match, larger is better
 * (the IME_NAME_* kinds above). A query that is not valid UTF-8 matches
 * nothing; a name's invalid bytes are characters that match nothing. With
 * idx NULL (no dictionary) characters match only themselves. Cost is
 * bounded: only the first IME_NAME_MAX characters of the name take part,
 * and a query longer than 6 letters for each of them matches nothing. */
int ime_name_match(const ImeNameIndex *idx, const char *name, const char *query);

#endif
