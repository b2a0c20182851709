/*
 * namematch.c: names by pinyin for the roster pickers (see namematch.h).
 *
 * The index is one array of (character, reading) pairs sorted by
 * character, read from the body of Rime's luna_pinyin.dict.yaml: after the
 * YAML header that a line "..." ends, each line is
 * word<TAB>syllables[<TAB>weight]; only one-character words with a
 * one-syllable reading are kept, every reading of a character, whatever its
 * weight (luna is a traditional-character dictionary, so some simplified
 * characters carry their usual reading at 0%: 叶 ye, 宁 ning, 广 guang).
 * Rime's speller also accepts lue for lve, nue for nve and jv for ju (qv,
 * xv, yv): those spellings are added as readings of their own, so the
 * matcher need not know about them. About 53,000 pairs, 12 bytes each.
 *
 * Matching a name is a small table walk, not a search: the name becomes at
 * most IME_NAME_MAX characters (each with its readings looked up), the
 * query at most QUERY_MAX letters, and left[w][i][j] says how few of the
 * name's characters a match can leave after it when it takes the query
 * from letter j on with characters i, i+1, ..., in way w (whole readings
 * only; the last character begun; initials too). The table is filled
 * backwards (from the end of the name and of the query), so each cell is
 * worked out once, from cells already known: no recursion. One fill gives
 * the answer for every way and every starting character; the first way
 * that matches from the first character says the kind of match. A
 * character takes at most 6 letters, so only the cells a match can reach
 * and finish from are worked out: a long query costs little.
 */
#include "namematch.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pinyin.h"

#define READING_MAX 6                     /* letters of the longest syllable (zhuang) */
#define QUERY_MAX (READING_MAX * IME_NAME_MAX) /* more letters than this match no name */
#define DICT_SIZE_MAX (64L << 20)         /* a bigger "dictionary" is refused */
#define NO_CHAR 0xFFFFFFFFu               /* an invalid byte in a name: matches nothing */

/* One reading of one character. */
typedef struct Reading {
    uint32_t cp;                /* the character (a Unicode code point) */
    char s[READING_MAX + 1];    /* the reading: 1-6 letters a-z, ü as v, NUL-terminated */
    uint8_t len;                /* strlen(s) */
} Reading;

struct ImeNameIndex {
    Reading *r; /* sorted by cp, then s; no duplicates */
    size_t n;   /* readings in r */
    size_t cap; /* allocated while loading */
};

/* One character of the name being matched. */
typedef struct Unit {
    uint32_t cp;      /* the character, folded (fold()); NO_CHAR for an invalid byte */
    const Reading *r; /* its readings in the index (nr of them, all with this cp) */
    size_t nr;
} Unit;

/* Characters dropped from names and queries alike: spaces, apostrophes
 * (between syllables, "xi'an") and the middle dots between the parts of a
 * name ("阿依古丽·买买提"). */
static const uint32_t gaps[] = {
    ' ', '\t', '\'', 0x00B7 /* · */, 0x2019 /* ’ */, 0x2022 /* • */, 0x2027 /* ‧ */,
    0x3000 /* ideographic space */, 0x30FB /* ・ */,
};

/* Spellings Rime's speller accepts besides the dictionary's (pinyin.yaml,
 * spelling_correction): a reading beginning with `from` also answers to
 * the same reading beginning with `to`; `whole` when only the whole
 * reading is meant. */
static const struct {
    const char *from, *to;
    int whole;
} spellings[] = {
    {"lve", "lue", 1}, {"nve", "nue", 1},
    {"ju", "jv", 0},   {"qu", "qv", 0},   {"xu", "xv", 0}, {"yu", "yv", 0},
};

/* ---- Loading ---------------------------------------------------------- */

static void add_reading(ImeNameIndex *idx, uint32_t cp, const char *s, size_t len)
{
    if (idx->n == idx->cap) {
        idx->cap = idx->cap ? idx->cap * 2 : 65536;
        idx->r = ew_xrealloc(idx->r, idx->cap * sizeof *idx->r);
    }
    Reading *r = &idx->r[idx->n++];
    memset(r, 0, sizeof *r);
    r->cp = cp;
    memcpy(r->s, s, len);
    r->len = (uint8_t)len;
}

/* Adds the reading s (len letters) of cp and the other spellings of it. */
static void add_with_spellings(ImeNameIndex *idx, uint32_t cp, const char *s, size_t len)
{
    add_reading(idx, cp, s, len);
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        size_t k = strlen(spellings[i].from);
        if (len < k || memcmp(s, spellings[i].from, k) || (spellings[i].whole && len != k))
            continue;
        char alt[READING_MAX + 1];
        memcpy(alt, s, len);
        memcpy(alt, spellings[i].to, k);
        add_reading(idx, cp, alt, len);
    }
}

/* One line of the dictionary's body: keeps it when it is one character
 * and one syllable ("张\tzhang", "单\tshan\t0.38%"); anything else (words,
 * comments, malformed lines) is skipped. */
static void parse_line(ImeNameIndex *idx, const char *line)
{
    const char *tab = strchr(line, '\t');
    if (!tab || line[0] == '#')
        return;
    uint32_t cp;
    size_t clen = ew_utf8_next((const unsigned char *)line, (size_t)(tab - line), &cp);
    if (clen == 0 || line + clen != tab)
        return;
    const char *s = tab + 1;
    size_t len = 0;
    while (s[len] >= 'a' && s[len] <= 'z')
        len++;
    /* The reading ends the field; Debian's file has one line whose weight
     * follows after spaces ("涌\tyong  0%"), so spaces may end it too, but
     * not a second syllable. */
    const char *after = s + len;
    while (*after == ' ')
        after++;
    if (len == 0 || len > READING_MAX || (*after >= 'a' && *after <= 'z') ||
        (after == s + len && *after && *after != '\t'))
        return;
    add_with_spellings(idx, cp, s, len);
}

static int by_char_then_reading(const void *a, const void *b)
{
    const Reading *x = a, *y = b;
    if (x->cp != y->cp)
        return x->cp < y->cp ? -1 : 1;
    return strcmp(x->s, y->s);
}

/* Reads the dictionary from f (named path, for messages) into idx. */
static int load(ImeNameIndex *idx, FILE *f, const char *path, EwErr *err)
{
    char *line = NULL;
    size_t size = 0;
    ssize_t got;
    int in_body = 0, rc = EW_OK;
    while ((got = getline(&line, &size, f)) >= 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (!in_body)
            in_body = strcmp(line, "...") == 0;
        else
            parse_line(idx, line);
    }
    if (ferror(f))
        rc = ew_err(err, EW_EIO, "cannot read %s: %s", path, strerror(errno));
    else if (!in_body)
        rc = ew_err(err, EW_ECORRUPT,
                    "%s is not a Rime dictionary (no \"...\" line ends its header)", path);
    else if (idx->n == 0)
        rc = ew_err(err, EW_ECORRUPT, "%s gives no reading of a single character", path);
    free(line);
    if (rc != EW_OK)
        return rc;
    qsort(idx->r, idx->n, sizeof *idx->r, by_char_then_reading);
    size_t kept = 1;
    for (size_t i = 1; i < idx->n; i++)
        if (by_char_then_reading(&idx->r[i], &idx->r[kept - 1]) != 0)
            idx->r[kept++] = idx->r[i];
    idx->n = idx->cap = kept;
    idx->r = ew_xrealloc(idx->r, kept * sizeof *idx->r);
    return EW_OK;
}

ImeNameIndex *ime_name_index_open(const char *shared_dir, EwErr *err)
{
    const char *dir = shared_dir ? shared_dir : IME_PINYIN_SHARED_DIR;
    char *path = ew_xasprintf("%s/%s", dir, IME_NAME_DICT);
    ImeNameIndex *idx = NULL;
    struct stat st;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            ew_err(err, EW_ENOTFOUND,
                   "Rime's dictionary %s not found, so names cannot be found by pinyin "
                   "(Debian: rime-data-luna-pinyin)",
                   path);
        else
            ew_err(err, EW_EIO, "cannot open %s: %s", path, strerror(errno));
        goto done;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        ew_err(err, EW_EIO, "%s is not a readable file", path);
        goto done;
    }
    if (st.st_size > DICT_SIZE_MAX) {
        ew_err(err, EW_ECORRUPT, "%s is too large for a Rime dictionary (%lld bytes)", path,
               (long long)st.st_size);
        goto done;
    }
    idx = ew_xcalloc(1, sizeof *idx);
    if (load(idx, f, path, err) != EW_OK) {
        ime_name_index_free(idx);
        idx = NULL;
    }
done:
    if (f)
        fclose(f);
    free(path);
    return idx;
}

void ime_name_index_free(ImeNameIndex *idx)
{
    if (!idx)
        return;
    free(idx->r);
    free(idx);
}

size_t ime_name_index_size(const ImeNameIndex *idx)
{
    return idx ? idx->n : 0;
}

/* ---- Matching --------------------------------------------------------- */

/* The readings of cp: *nr of them from the returned one (NULL, 0: none). */
static const Reading *readings_of(const ImeNameIndex *idx, uint32_t cp, size_t *nr)
{
    size_t lo = 0, hi = idx->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx->r[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < idx->n && idx->r[end].cp == cp)
        end++;
    *nr = end - lo;
    return *nr ? &idx->r[lo] : NULL;
}

/* The character as matching sees it: full-width Latin letters and digits
 * as ASCII, Latin letters in lower case, ü as v (as Rime writes it). */
static uint32_t fold(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    if (c == 0xFC || c == 0xDC)
        c = 'v';
    return c;
}

static int is_gap(uint32_t c)
{
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++)
        if (c == gaps[i])
            return 1;
    return 0;
}

/* Decodes s into at most max folded characters, gaps dropped. Returns how
 * many; *bad is set when s has bytes that are not UTF-8 (each becomes one
 * NO_CHAR), *more when characters were left over. */
static int decode(const char *s, uint32_t *out, int max, int *bad, int *more)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    int n = 0;
    *bad = *more = 0;
    while (left > 0) {
        uint32_t c;
        size_t len = ew_utf8_next(p, left, &c);
        if (len == 0) {
            c = NO_CHAR;
            len = 1;
            *bad = 1;
        } else {
            c = fold(c);
        }
        p += len;
        left -= len;
        if (c != NO_CHAR && is_gap(c))
            continue;
        if (n == max) {
            *more = 1;
            break;
        }
        out[n++] = c;
    }
    return n;
}

/* The ways a match may take the name's characters, each allowing more than
 * the one before; the first way that matches says the kind of match. */
enum {
    WHOLE,    /* each character by itself or by a whole reading */
    BEGUN,    /* and the last by any beginning of a reading */
    INITIALS, /* and any by the initial of a reading (z or zh) */
    WAYS,
};

/* Letters at the start of reading r that q (qn letters) has. */
static int common(const Reading *r, const uint32_t *q, int qn)
{
    int m = 0;
    while (m < r->len && m < qn && q[m] == (uint32_t)(unsigned char)r->s[m])
        m++;
    return m;
}

/* The fewer of a and b, where -1 means none. */
static int fewest(int a, int b)
{
    return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* Fills left[w][i][j], for each way w, for the name's characters u (n of
 * them) and the query q (qn letters): the fewest of the name's characters
 * after the match when the query from letter j on is taken by characters
 * i, i+1, ...; -1 when it cannot be. left[w][i][0] is then the answer for
 * a match starting at i. */
static void fill(const Unit *u, int n, const uint32_t *q, int qn,
                 signed char left[WAYS][IME_NAME_MAX + 1][QUERY_MAX + 1])
{
    for (int i = n; i >= 0; i--) {
        for (int w = 0; w < WAYS; w++) {
            memset(left[w][i], -1, (size_t)qn);
            left[w][i][qn] = (signed char)(n - i); /* all taken: the match ends before i */
        }
        /* Only letters lo..hi need working out: no match reaches a letter
         * past READING_MAX per character before i, and what is left of
         * the query must fit in what is left of the name. */
        int lo = qn - READING_MAX * (n - i), hi = READING_MAX * i;
        if (lo < 0)
            lo = 0;
        if (hi > qn - 1)
            hi = qn - 1;
        for (int j = hi; j >= lo; j--) {
            int best[WAYS] = {-1, -1, -1};
            const Unit *c = &u[i];
            if (q[j] == c->cp) /* the character itself */
                for (int w = 0; w < WAYS; w++)
                    best[w] = fewest(best[w], left[w][i + 1][j + 1]);
            for (size_t k = 0; k < c->nr; k++) {
                const Reading *r = &c->r[k];
                int m = common(r, q + j, qn - j);
                if (m == 0)
                    continue;
                if (m == r->len) { /* a whole reading */
                    for (int w = 0; w < WAYS; w++)
                        best[w] = fewest(best[w], left[w][i + 1][j + m]);
                } else if (m == qn - j) { /* the query ends inside it */
                    best[BEGUN] = fewest(best[BEGUN], n - i - 1);
                    best[INITIALS] = fewest(best[INITIALS], n - i - 1);
                }
                /* Initials: the first letter, or zh ch sh. */
                if (r->len > 1)
                    best[INITIALS] = fewest(best[INITIALS], left[INITIALS][i + 1][j + 1]);
                if (m >= 2 && r->len > 2 && r->s[1] == 'h' && strchr("zcs", r->s[0]))
                    best[INITIALS] = fewest(best[INITIALS], left[INITIALS][i + 1][j + 2]);
            }
            for (int w = 0; w < WAYS; w++)
                left[w][i][j] = (signed char)best[w];
        }
    }
}

/* Extra score within a kind: sooner and fuller is better (0..2*IME_NAME_MAX). */
static int bonus(int start, int after)
{
    return 2 * IME_NAME_MAX - start - after;
}

int ime_name_match(const ImeNameIndex *idx, const char *name, const char *query)
{
    uint32_t q[QUERY_MAX], cps[IME_NAME_MAX];
    int bad, more;
    if (!name || !query)
        return 0;
    int qn = decode(query, q, QUERY_MAX, &bad, &more);
    if (bad || more)
        return 0;
    if (qn == 0)
        return IME_NAME_ANY;
    int n = decode(name, cps, IME_NAME_MAX, &bad, &more);
    Unit u[IME_NAME_MAX];
    for (int i = 0; i < n; i++) {
        u[i].cp = cps[i];
        u[i].r = NULL;
        u[i].nr = 0;
        if (cps[i] >= 0x80 && cps[i] != NO_CHAR && idx)
            u[i].r = readings_of(idx, cps[i], &u[i].nr);
    }
    signed char left[WAYS][IME_NAME_MAX + 1][QUERY_MAX + 1];
    fill(u, n, q, qn, left);
    if (left[WHOLE][0][0] == 0)
        return IME_NAME_EXACT;
    if (left[BEGUN][0][0] >= 0)
        return IME_NAME_PREFIX + bonus(0, left[BEGUN][0][0]);
    if (left[INITIALS][0][0] >= 0)
        return IME_NAME_INITIALS + bonus(0, left[INITIALS][0][0]);
    int best = 0;
    for (int s = 1; s < n; s++)
        if (left[INITIALS][s][0] >= 0 && IME_NAME_LATER + bonus(s, left[INITIALS][s][0]) > best)
            best = IME_NAME_LATER + bonus(s, left[INITIALS][s][0]);
    return best;
}
