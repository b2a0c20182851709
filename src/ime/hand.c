/*
 * hand.c: handwriting recognition through zinnia (see hand.h).
 *
 * Zinnia's binary model, as zinnia 0.06 writes and reads it (all numbers
 * little-endian, 4 bytes):
 *   magic    file size XOR 0x0ef71821
 *   version  1
 *   count    characters in the model
 *   count times: the character (16 bytes, NUL-padded UTF-8), a float
 *   bias, then feature nodes {int32 index; float value} up to and
 *   including one whose index is -1.
 * Zinnia walks this without bounds checks on the nodes, so model_check
 * walks it first, with them.
 *
 * Zinnia's features for one stroke come from a recursive split: the
 * segment first..last is split at the point farthest from its chord when
 * that point is more than sqrt(0.001) of the pad away; the split tree's
 * node i (breadth-first, 0 the whole stroke) gives features only for i <=
 * 50, that is down to depth 5. reduce() makes the same splits, down to
 * depth KEEP_DEPTH, and keeps only the points they split at, so zinnia sees
 * the same tree where its features look and nothing deeper.
 */
#include "hand.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zinnia.h>

#ifndef EW_ZINNIA_SONAME
#define EW_ZINNIA_SONAME "libzinnia.so.0"
#endif

/* zinnia is opened (dlopen) by the first ime_hand_open, not linked: it was
 * the only library of the kiosk's to need libstdc++, and the two were a
 * third of the dynamic loader's work at every start (19.6M to 13.9M
 * instructions, 2 ms), for a pad most villagers never open. These are the
 * functions used, called through zn. */
#define ZN_FUNCS(X)                                                                                \
    X(zinnia_recognizer_new) X(zinnia_recognizer_destroy) X(zinnia_recognizer_open_from_ptr)      \
    X(zinnia_recognizer_strerror) X(zinnia_recognizer_classify) X(zinnia_character_new)           \
    X(zinnia_character_destroy) X(zinnia_character_clear) X(zinnia_character_set_width)           \
    X(zinnia_character_set_height) X(zinnia_character_add) X(zinnia_result_destroy)               \
    X(zinnia_result_size) X(zinnia_result_value) X(zinnia_result_score)

static struct {
#define ZN_PTR(name) __typeof__(name) *name;
    ZN_FUNCS(ZN_PTR)
#undef ZN_PTR
} zn;
static pthread_mutex_t zn_lock = PTHREAD_MUTEX_INITIALIZER; /* guards zn and zn_loaded */
static int zn_loaded;

static int zinnia_open(EwErr *err)
{
    const char *file;
    void *lib = ew_dlopen("ECHOWALL_ZINNIA_LIBRARY", EW_ZINNIA_SONAME, "zinnia", "libzinnia0",
                          &file, err);
    if (!lib)
        return EW_ENOTFOUND;
    /* POSIX's way of turning dlsym's object pointer into a function pointer */
#define ZN_SYM(name)                                                                               \
    if (!(*(void **)&zn.name = dlsym(lib, #name))) {                                                \
        memset(&zn, 0, sizeof zn);                                                                 \
        dlclose(lib);                                                                              \
        return ew_err(err, EW_ENOTFOUND, "%s is not zinnia: it has no %s", file, #name);          \
    }
    ZN_FUNCS(ZN_SYM)
#undef ZN_SYM
    return EW_OK;
}

/* Opens zinnia unless it is open; the next call tries again after a failure. */
static int zinnia_load(EwErr *err)
{
    pthread_mutex_lock(&zn_lock);
    int rc = zn_loaded ? EW_OK : zinnia_open(err);
    if (rc == EW_OK)
        zn_loaded = 1;
    pthread_mutex_unlock(&zn_lock);
    return rc;
}

#define MODEL_MAGIC 0x0ef71821u /* zinnia's DIC_MAGIC_ID */
#define MODEL_VERSION 1u        /* zinnia's DIC_VERSION */
#define KEEP_DEPTH 6            /* split levels kept (zinnia's features use 0..4) */
#define STROKE_PTS_MAX ((1 << KEEP_DEPTH) + 1) /* most points a reduced stroke keeps */
#define RAW_MAX 2048            /* points of the stroke being drawn, before thinning */
#define SPLIT_MIN 0.001f        /* zinnia's split threshold (squared, pad = 1) */

typedef struct Pt {
    int x, y; /* pad pixels */
} Pt;

/* A point in zinnia's units: pixels divided by the pad's size. */
typedef struct Node {
    float x, y;
} Node;

struct ImeHand {
    zinnia_recognizer_t *rec; /* zinnia's recognizer over the mapped model */
    zinnia_character_t *chr;  /* the strokes as handed to zinnia */
    EwMap map;                /* the model file, mapped read-only */
    int width, height;        /* pad size in pixels; 0 before ime_hand_begin */

    Pt pts[IME_HAND_STROKES_MAX * STROKE_PTS_MAX]; /* finished strokes, reduced */
    size_t start[IME_HAND_STROKES_MAX + 1]; /* stroke i is pts[start[i]..start[i+1]) */
    int nstrokes;                           /* finished strokes */

    Pt raw[RAW_MAX]; /* the stroke being drawn, as it comes (thinned when full) */
    size_t nraw;     /* points in raw */
    int drawing;     /* 1 while a stroke is being drawn */
    int stride;      /* keep one incoming point in stride (doubles when raw fills) */
    int skipped;     /* incoming points since the last one kept */
    Pt last_in;      /* the latest incoming point (the stroke's end, kept or not) */
    Node node[RAW_MAX];          /* reduce()'s work: raw in zinnia's units */
    unsigned char keep[RAW_MAX]; /* reduce()'s work: 1 for the points kept */

    int ncand;                                    /* candidates for the finished strokes */
    char cand[IME_HAND_NBEST][IME_HAND_CHAR_MAX]; /* best first */
    float score[IME_HAND_NBEST];                  /* zinnia's scores, higher is better */
};

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int host_is_little_endian(void)
{
    const uint32_t one = 1;
    unsigned char b[4];
    memcpy(b, &one, 4);
    return b[0] == 1;
}

/* Walks the whole model with bounds checks (see the top of this file). */
static int model_check(const unsigned char *p, size_t n, const char *path, EwErr *err)
{
    if (n < 12 || n > UINT32_MAX || (le32(p) ^ MODEL_MAGIC) != (uint32_t)n)
        return ew_err(err, EW_ECORRUPT, "%s is not a zinnia model (or is truncated)", path);
    if (le32(p + 4) != MODEL_VERSION)
        return ew_err(err, EW_ECORRUPT, "%s is a zinnia model of version %u, not %u", path,
                      (unsigned)le32(p + 4), MODEL_VERSION);
    uint32_t count = le32(p + 8);
    size_t off = 12;
    for (uint32_t i = 0; i < count; i++) {
        if (n - off < 20 || !memchr(p + off, 0, 16) || p[off] == 0)
            return ew_err(err, EW_ECORRUPT, "%s is damaged (character %u)", path, (unsigned)i);
        off += 20;
        for (;;) {
            if (n - off < 8)
                return ew_err(err, EW_ECORRUPT, "%s is damaged (character %u)", path,
                              (unsigned)i);
            uint32_t index = le32(p + off);
            off += 8;
            if (index == UINT32_MAX) /* -1 ends the character's nodes */
                break;
        }
    }
    if (off != n)
        return ew_err(err, EW_ECORRUPT, "%s is damaged (%zu bytes after the last character)",
                      path, n - off);
    if (count == 0)
        return ew_err(err, EW_ECORRUPT, "%s holds no characters", path);
    return EW_OK;
}

ImeHand *ime_hand_open(const char *model_path, EwErr *err)
{
    const char *path = model_path ? model_path : IME_HAND_MODEL;
    if (!host_is_little_endian()) {
        ew_err(err, EW_ECORRUPT, "zinnia models are little-endian; this machine is not");
        return NULL;
    }
    ImeHand *h = ew_xcalloc(1, sizeof *h);
    EwErr e = {0};
    int rc = ew_map_file(path, 12, &h->map, &e);
    if (rc == EW_ECORRUPT) {
        ew_err(err, rc, "%s is not a zinnia model (or is truncated)", path);
        goto fail;
    } else if (rc != EW_OK) {
        ew_err(err, rc, "handwriting model %s (Debian: tegaki-zinnia-simplified-chinese)", e.msg);
        goto fail;
    }
    if (model_check(h->map.data, h->map.len, path, err) != EW_OK)
        goto fail;
    if (zinnia_load(err) != EW_OK)
        goto fail;
    h->rec = zn.zinnia_recognizer_new();
    h->chr = zn.zinnia_character_new();
    if (!h->rec || !h->chr) {
        ew_err(err, EW_EIO, "zinnia could not start");
        goto fail;
    }
    if (!zn.zinnia_recognizer_open_from_ptr(h->rec, h->map.data, h->map.len)) {
        ew_err(err, EW_ECORRUPT, "zinnia refused %s: %s", path,
               zn.zinnia_recognizer_strerror(h->rec));
        goto fail;
    }
    h->stride = 1;
    return h;
fail:
    ime_hand_close(h);
    return NULL;
}

void ime_hand_close(ImeHand *hand)
{
    if (!hand)
        return;
    if (hand->rec)
        zn.zinnia_recognizer_destroy(hand->rec);
    if (hand->chr)
        zn.zinnia_character_destroy(hand->chr);
    ew_map_free(&hand->map);
    free(hand);
}

void ime_hand_clear(ImeHand *hand)
{
    hand->nstrokes = 0;
    hand->start[0] = 0;
    hand->nraw = 0;
    hand->drawing = 0;
    hand->ncand = 0;
}

int ime_hand_begin(ImeHand *hand, int width, int height)
{
    if (width < 1 || height < 1 || width > 100000 || height > 100000)
        return EW_EINPUT;
    hand->width = width;
    hand->height = height;
    ime_hand_clear(hand);
    return EW_OK;
}

/* Zinnia's distance test for the segment first..last (its
 * minimum_distance, in the same float arithmetic): the squared distance,
 * in pad units, of the farthest point of first..last-1 from the chord, and
 * that point's index in *best. */
static float farthest(const Node *nd, size_t first, size_t last, size_t *best)
{
    if (first == last)
        return 0.0f;
    const float a = nd[last].x - nd[first].x;
    const float b = nd[last].y - nd[first].y;
    const float c = (float)((double)(nd[last].y * nd[first].x) - (double)(nd[last].x * nd[first].y));
    float max = -1.0f;
    for (size_t i = first; i != last; i++) {
        const float d = fabsf(a * nd[i].y - b * nd[i].x + c);
        if (d > max) {
            max = d;
            *best = i;
        }
    }
    const float den = a * a + b * b;
    if (den == 0.0f) /* a closed stroke: zinnia divides by zero here */
        return max > 0.0f ? INFINITY : 0.0f;
    return max * max / den;
}

static void split(const Node *nd, size_t first, size_t last, int depth, unsigned char *keep)
{
    size_t best = first;
    if (depth >= KEEP_DEPTH || !(farthest(nd, first, last, &best) > SPLIT_MIN))
        return;
    keep[best] = 1;
    split(nd, first, best, depth + 1, keep);
    split(nd, best, last, depth + 1, keep);
}

/* Appends the stroke being drawn, reduced, as a finished stroke. */
static void reduce(ImeHand *h)
{
    Node *nd = h->node;
    unsigned char *keep = h->keep;
    size_t n = h->nraw;
    for (size_t i = 0; i < n; i++) {
        nd[i].x = (float)(1.0 * h->raw[i].x / h->width);
        nd[i].y = (float)(1.0 * h->raw[i].y / h->height);
        keep[i] = i == 0 || i == n - 1;
    }
    split(nd, 0, n - 1, 0, keep);
    size_t at = h->start[h->nstrokes];
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            h->pts[at++] = h->raw[i];
    h->nstrokes++;
    h->start[h->nstrokes] = at;
}

/* Works the candidates out again for the finished strokes. */
static void recognise(ImeHand *h)
{
    h->ncand = 0;
    if (h->nstrokes == 0)
        return;
    zn.zinnia_character_clear(h->chr);
    zn.zinnia_character_set_width(h->chr, (size_t)h->width);
    zn.zinnia_character_set_height(h->chr, (size_t)h->height);
    for (int s = 0; s < h->nstrokes; s++)
        for (size_t i = h->start[s]; i < h->start[s + 1]; i++)
            zn.zinnia_character_add(h->chr, (size_t)s, h->pts[i].x, h->pts[i].y);
    zinnia_result_t *r = zn.zinnia_recognizer_classify(h->rec, h->chr, IME_HAND_NBEST);
    if (!r)
        return;
    size_t n = zn.zinnia_result_size(r);
    for (size_t i = 0; i < n && h->ncand < IME_HAND_NBEST; i++) {
        const char *v = zn.zinnia_result_value(r, i);
        if (!v || !*v || strlen(v) >= IME_HAND_CHAR_MAX)
            continue;
        strcpy(h->cand[h->ncand], v);
        h->score[h->ncand] = zn.zinnia_result_score(r, i);
        h->ncand++;
    }
    zn.zinnia_result_destroy(r);
}

int ime_hand_stroke_point(ImeHand *hand, int x, int y)
{
    if (hand->width == 0 || hand->nstrokes >= IME_HAND_STROKES_MAX)
        return EW_ESTATE;
    Pt p = {x < 0 ? 0 : x >= hand->width ? hand->width - 1 : x,
            y < 0 ? 0 : y >= hand->height ? hand->height - 1 : y};
    if (!hand->drawing) {
        hand->drawing = 1;
        hand->nraw = 0;
        hand->stride = 1;
        hand->skipped = 0;
    } else if (p.x == hand->last_in.x && p.y == hand->last_in.y) {
        return EW_OK;
    }
    hand->last_in = p;
    if (hand->nraw > 0 && ++hand->skipped < hand->stride)
        return EW_OK;
    hand->skipped = 0;
    if (hand->nraw == RAW_MAX) {
        /* Thin to every other point and keep one in twice as many from now. */
        for (size_t i = 0; i < RAW_MAX / 2; i++)
            hand->raw[i] = hand->raw[2 * i];
        hand->nraw = RAW_MAX / 2;
        hand->stride *= 2;
    }
    hand->raw[hand->nraw++] = p;
    return EW_OK;
}

int ime_hand_stroke_end(ImeHand *hand)
{
    if (!hand->drawing)
        return EW_ESTATE;
    Pt *end = &hand->raw[hand->nraw - 1];
    if (end->x != hand->last_in.x || end->y != hand->last_in.y) {
        if (hand->nraw == RAW_MAX)
            end->x = hand->last_in.x, end->y = hand->last_in.y;
        else
            hand->raw[hand->nraw++] = hand->last_in;
    }
    hand->drawing = 0;
    reduce(hand);
    recognise(hand);
    return hand->ncand;
}

int ime_hand_add_stroke(ImeHand *hand, const int (*points)[2], size_t n)
{
    if (n == 0)
        return EW_EINPUT;
    for (size_t i = 0; i < n; i++) {
        int rc = ime_hand_stroke_point(hand, points[i][0], points[i][1]);
        if (rc != EW_OK)
            return rc;
    }
    return ime_hand_stroke_end(hand);
}

int ime_hand_undo(ImeHand *hand)
{
    if (hand->drawing) {
        hand->drawing = 0;
        return hand->ncand;
    }
    if (hand->nstrokes == 0)
        return EW_ESTATE;
    hand->nstrokes--;
    recognise(hand);
    return hand->ncand;
}

int ime_hand_strokes(const ImeHand *hand)
{
    return hand->nstrokes;
}

int ime_hand_candidates(const ImeHand *hand, int n, char out[][IME_HAND_CHAR_MAX], float *scores)
{
    int k = 0;
    for (; k < n && k < hand->ncand; k++) {
        memcpy(out[k], hand->cand[k], IME_HAND_CHAR_MAX);
        if (scores)
            scores[k] = hand->score[k];
    }
    return k;
}
