/*
 * test_ime_hand.c: handwriting recognition through zinnia (src/ime/hand.c)
 * with Debian's Simplified Chinese model.
 *
 * - Synthetic strokes, drawn point by point as a finger would (many points
 *   a stroke), for simple characters: each expected character is among the
 *   first three candidates after its last stroke, and 一, 十 first. (人
 *   comes second, after 入: Debian's model has almost no weight for 人, and
 *   no two straight strokes out of 20,000 random ones put it first.)
 * - Candidates are refreshed after every stroke; undo gives back exactly
 *   the candidates (and scores) of one stroke fewer; clear empties them.
 * - The stroke reduction keeps zinnia's answer: the same strokes given
 *   whole to zinnia directly (no reduction) score identically; a straight
 *   stroke of 2 or 500 points is the same stroke; a 20,000-point scribble
 *   is cheap and harmless.
 * - Edges: points off the pad, calls in the wrong state, the stroke limit.
 * - Models: missing, empty, garbage, truncated, a structure that runs off
 *   its end, trailing bytes: each refused with a message, no crash; a tiny
 *   hand-made model of two characters is accepted and used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zinnia.h>

#include "hand.h"
#include "testutil.h"

#define PAD 300 /* the pad's side in the tests, pixels */

typedef struct Stroke {
    int n;         /* corner points */
    int p[4][2];   /* a polyline through them */
} Stroke;

typedef struct Glyph {
    const char *ch;   /* the expected character */
    int first;        /* 1: must be the first candidate; else among the first three */
    int nstrokes;
    Stroke s[5];
} Glyph;

/* Strokes in a 300 x 300 box, in the usual stroke order. */
static const Glyph GLYPHS[] = {
    {"一", 1, 1, {{2, {{40, 150}, {260, 150}}}}},
    {"二", 0, 2, {{2, {{70, 100}, {230, 100}}}, {2, {{40, 210}, {260, 210}}}}},
    {"三", 0, 3, {{2, {{70, 70}, {230, 70}}}, {2, {{90, 150}, {210, 150}}}, {2, {{40, 240}, {260, 240}}}}},
    {"十", 1, 2, {{2, {{40, 140}, {260, 140}}}, {2, {{150, 30}, {150, 280}}}}},
    {"人", 0, 2, {{3, {{150, 30}, {140, 120}, {40, 270}}}, {3, {{145, 120}, {200, 210}, {270, 270}}}}},
    {"口", 0, 3, {{2, {{70, 70}, {70, 240}}}, {3, {{70, 70}, {230, 70}, {230, 240}}}, {2, {{70, 240}, {230, 240}}}}},
    {"大", 0, 3, {{2, {{40, 110}, {260, 110}}}, {3, {{150, 30}, {140, 150}, {40, 270}}}, {3, {{150, 130}, {200, 210}, {270, 270}}}}},
    {"工", 0, 3, {{2, {{60, 60}, {240, 60}}}, {2, {{150, 60}, {150, 240}}}, {2, {{30, 240}, {270, 240}}}}},
    {"王", 0, 4, {{2, {{60, 50}, {240, 50}}}, {2, {{80, 150}, {220, 150}}}, {2, {{150, 50}, {150, 250}}}, {2, {{30, 250}, {270, 250}}}}},
    {"中", 0, 4, {{2, {{60, 90}, {60, 200}}}, {3, {{60, 90}, {240, 90}, {240, 200}}}, {2, {{60, 200}, {240, 200}}}, {2, {{150, 20}, {150, 285}}}}},
};
#define NGLYPHS (sizeof GLYPHS / sizeof GLYPHS[0])

static ImeHand *open_ok(void)
{
    EwErr e = {0};
    ImeHand *h = ime_hand_open(IME_HAND_MODEL, &e);
    if (!h)
        fail_msg("ime_hand_open: %s", e.msg);
    assert_int_equal(ime_hand_begin(h, PAD, PAD), EW_OK);
    return h;
}

/* Draws a polyline point by point, every 3 pixels or so, with a wobble of
 * a pixel, as a finger on glass gives it; returns stroke_end's result. */
static int draw(ImeHand *h, const Stroke *s)
{
    for (int k = 0; k + 1 < s->n; k++) {
        double x0 = s->p[k][0], y0 = s->p[k][1], x1 = s->p[k + 1][0], y1 = s->p[k + 1][1];
        int steps = (int)(hypot(x1 - x0, y1 - y0) / 3) + 1;
        for (int i = 0; i < steps; i++) {
            double t = (double)i / steps;
            int wob = (i % 4 == 1) - (i % 4 == 3);
            assert_int_equal(ime_hand_stroke_point(h, (int)lround(x0 + t * (x1 - x0)) + wob,
                                                   (int)lround(y0 + t * (y1 - y0)) - wob),
                             EW_OK);
        }
    }
    assert_int_equal(ime_hand_stroke_point(h, s->p[s->n - 1][0], s->p[s->n - 1][1]), EW_OK);
    return ime_hand_stroke_end(h);
}

static int rank_of(const ImeHand *h, const char *ch)
{
    char c[IME_HAND_NBEST][IME_HAND_CHAR_MAX];
    int n = ime_hand_candidates(h, IME_HAND_NBEST, c, NULL);
    for (int i = 0; i < n; i++)
        if (!strcmp(c[i], ch))
            return i;
    return -1;
}

static void test_simple_characters(void **state)
{
    (void)state;
    ImeHand *h = open_ok();
    for (size_t g = 0; g < NGLYPHS; g++) {
        const Glyph *gl = &GLYPHS[g];
        ime_hand_clear(h);
        for (int s = 0; s < gl->nstrokes; s++) {
            int n = draw(h, &gl->s[s]);
            assert_int_equal(n, IME_HAND_NBEST); /* refreshed after every stroke */
            assert_int_equal(ime_hand_strokes(h), s + 1);
        }
        int r = rank_of(h, gl->ch);
        char c[3][IME_HAND_CHAR_MAX];
        float sc[3];
        ime_hand_candidates(h, 3, c, sc);
        print_message("%s: rank %d (first three %s %.2f, %s %.2f, %s %.2f)\n", gl->ch, r, c[0],
                      sc[0], c[1], sc[1], c[2], sc[2]);
        if (r < 0 || r > (gl->first ? 0 : 2))
            fail_msg("%s is at rank %d", gl->ch, r);
        assert_true(sc[0] >= sc[1] && sc[1] >= sc[2]);
    }
    ime_hand_close(h);
}

static void test_undo_and_clear(void **state)
{
    (void)state;
    ImeHand *h = open_ok();
    const Glyph *shi = &GLYPHS[3];
    char one[IME_HAND_NBEST][IME_HAND_CHAR_MAX], two[IME_HAND_NBEST][IME_HAND_CHAR_MAX],
        back[IME_HAND_NBEST][IME_HAND_CHAR_MAX];
    float s1[IME_HAND_NBEST], s2[IME_HAND_NBEST], sb[IME_HAND_NBEST];
    assert_int_equal(ime_hand_undo(h), EW_ESTATE); /* nothing to undo */
    draw(h, &shi->s[0]);
    int n1 = ime_hand_candidates(h, IME_HAND_NBEST, one, s1);
    assert_int_equal(rank_of(h, "一"), 0);
    draw(h, &shi->s[1]);
    int n2 = ime_hand_candidates(h, IME_HAND_NBEST, two, s2);
    assert_int_equal(rank_of(h, "十"), 0);
    assert_string_not_equal(one[0], two[0]);
    assert_int_equal(ime_hand_undo(h), n1);
    assert_int_equal(ime_hand_strokes(h), 1);
    int nb = ime_hand_candidates(h, IME_HAND_NBEST, back, sb);
    assert_int_equal(nb, n1);
    for (int i = 0; i < n1; i++) {
        assert_string_equal(back[i], one[i]);
        assert_true(sb[i] == s1[i]);
    }
    /* Redraw: the same as before the undo. */
    draw(h, &shi->s[1]);
    nb = ime_hand_candidates(h, IME_HAND_NBEST, back, sb);
    assert_int_equal(nb, n2);
    for (int i = 0; i < n2; i++) {
        assert_string_equal(back[i], two[i]);
        assert_true(sb[i] == s2[i]);
    }
    /* Undo while a stroke is being drawn drops that stroke only. */
    assert_int_equal(ime_hand_stroke_point(h, 10, 10), EW_OK);
    assert_int_equal(ime_hand_stroke_point(h, 200, 200), EW_OK);
    assert_int_equal(ime_hand_undo(h), n2);
    assert_int_equal(ime_hand_strokes(h), 2);
    assert_int_equal(ime_hand_stroke_end(h), EW_ESTATE);
    /* Undo to nothing, then clear. */
    assert_int_equal(ime_hand_undo(h), n1);
    assert_int_equal(ime_hand_undo(h), 0);
    assert_int_equal(ime_hand_candidates(h, IME_HAND_NBEST, back, NULL), 0);
    assert_int_equal(ime_hand_undo(h), EW_ESTATE);
    draw(h, &shi->s[0]);
    ime_hand_clear(h);
    assert_int_equal(ime_hand_strokes(h), 0);
    assert_int_equal(ime_hand_candidates(h, IME_HAND_NBEST, back, NULL), 0);
    /* Fewer asked for than there are. */
    draw(h, &shi->s[0]);
    assert_int_equal(ime_hand_candidates(h, 2, back, NULL), 2);
    assert_int_equal(ime_hand_candidates(h, 0, back, NULL), 0);
    ime_hand_close(h);
}

/* The strokes given straight to zinnia, unreduced: candidates and scores
 * must be the ones ime_hand gives. */
static void test_reduction_keeps_answer(void **state)
{
    (void)state;
    ImeHand *h = open_ok();
    zinnia_recognizer_t *rec = zinnia_recognizer_new();
    assert_true(zinnia_recognizer_open(rec, IME_HAND_MODEL));
    zinnia_character_t *chr = zinnia_character_new();
    for (size_t g = 0; g < NGLYPHS; g++) {
        const Glyph *gl = &GLYPHS[g];
        ime_hand_clear(h);
        zinnia_character_clear(chr);
        zinnia_character_set_width(chr, PAD);
        zinnia_character_set_height(chr, PAD);
        for (int s = 0; s < gl->nstrokes; s++) {
            /* A smooth arc through the polyline's corners: many points,
             * none exactly on a chord. */
            const Stroke *st = &gl->s[s];
            for (int k = 0; k + 1 < st->n; k++)
                for (int i = 0; i < 60; i++) {
                    double t = i / 60.0;
                    int x = (int)lround(st->p[k][0] + t * (st->p[k + 1][0] - st->p[k][0]) +
                                        8 * sin(t * 3.14159));
                    int y = (int)lround(st->p[k][1] + t * (st->p[k + 1][1] - st->p[k][1]) +
                                        5 * sin(t * 6.28318));
                    assert_int_equal(ime_hand_stroke_point(h, x, y), EW_OK);
                    zinnia_character_add(chr, (size_t)s, x, y);
                }
            int x = st->p[st->n - 1][0], y = st->p[st->n - 1][1];
            ime_hand_stroke_point(h, x, y);
            zinnia_character_add(chr, (size_t)s, x, y);
            ime_hand_stroke_end(h);
        }
        zinnia_result_t *r = zinnia_recognizer_classify(rec, chr, IME_HAND_NBEST);
        assert_non_null(r);
        char c[IME_HAND_NBEST][IME_HAND_CHAR_MAX];
        float sc[IME_HAND_NBEST];
        int n = ime_hand_candidates(h, IME_HAND_NBEST, c, sc);
        assert_int_equal((size_t)n, zinnia_result_size(r));
        for (int i = 0; i < n; i++) {
            assert_string_equal(c[i], zinnia_result_value(r, (size_t)i));
            assert_true(fabsf(sc[i] - zinnia_result_score(r, (size_t)i)) < 1e-5f);
        }
        zinnia_result_destroy(r);
    }
    zinnia_character_destroy(chr);
    zinnia_recognizer_destroy(rec);

    /* A straight stroke is its two ends, however many points it has. */
    char a[IME_HAND_NBEST][IME_HAND_CHAR_MAX], b[IME_HAND_NBEST][IME_HAND_CHAR_MAX];
    float sa[IME_HAND_NBEST], sb[IME_HAND_NBEST];
    ime_hand_clear(h);
    static const int two[2][2] = {{20, 40}, {280, 260}};
    ime_hand_add_stroke(h, two, 2);
    int na = ime_hand_candidates(h, IME_HAND_NBEST, a, sa);
    ime_hand_clear(h);
    for (int i = 0; i <= 500; i++)
        ime_hand_stroke_point(h, 20 + (260 * i) / 500, 40 + (220 * i) / 500);
    ime_hand_stroke_end(h);
    int nb = ime_hand_candidates(h, IME_HAND_NBEST, b, sb);
    assert_int_equal(na, nb);
    for (int i = 0; i < na; i++) {
        assert_string_equal(a[i], b[i]);
        assert_true(sa[i] == sb[i]);
    }
    ime_hand_close(h);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_scribble(void **state)
{
    (void)state;
    ImeHand *h = open_ok();
    /* A 20,000-point zigzag spiral: thinned and reduced, recognised like
     * any stroke (zinnia's own recursion would be deep on it). */
    double t0 = now_ms();
    for (int i = 0; i < 20000; i++) {
        double a = i * 0.05, r = 10 + i * 0.006;
        int zig = (i % 2) ? 3 : -3;
        ime_hand_stroke_point(h, 150 + (int)(r * cos(a)) + zig, 150 + (int)(r * sin(a)) - zig);
    }
    int n = ime_hand_stroke_end(h);
    double ms = now_ms() - t0;
    print_message("20,000-point scribble: %d candidates in %.1f ms\n", n, ms);
    assert_true(n > 0);
    /* Points far off the pad are moved to its edge. */
    ime_hand_clear(h);
    static const int off[3][2] = {{-1000, -1000}, {150, 150}, {1 << 30, -(1 << 30)}};
    assert_true(ime_hand_add_stroke(h, off, 3) > 0);
    /* A tap (one point) is a stroke too. */
    ime_hand_clear(h);
    assert_int_equal(ime_hand_stroke_point(h, 150, 150), EW_OK);
    assert_true(ime_hand_stroke_end(h) > 0);
    ime_hand_close(h);
}

static void test_states(void **state)
{
    (void)state;
    EwErr e = {0};
    ImeHand *h = ime_hand_open(NULL, &e); /* NULL: Debian's model */
    assert_non_null(h);
    assert_int_equal(ime_hand_stroke_point(h, 1, 1), EW_ESTATE); /* before begin */
    assert_int_equal(ime_hand_stroke_end(h), EW_ESTATE);
    assert_int_equal(ime_hand_begin(h, 0, 100), EW_EINPUT);
    assert_int_equal(ime_hand_begin(h, 100, -5), EW_EINPUT);
    assert_int_equal(ime_hand_begin(h, 100001, 100), EW_EINPUT);
    assert_int_equal(ime_hand_begin(h, 1, 1), EW_OK); /* a one-pixel pad works */
    assert_true(ime_hand_stroke_point(h, 0, 0) == EW_OK && ime_hand_stroke_end(h) >= 0);
    assert_int_equal(ime_hand_begin(h, 400, 240), EW_OK); /* not square either */
    assert_int_equal(ime_hand_strokes(h), 0);
    assert_int_equal(ime_hand_add_stroke(h, NULL, 0), EW_EINPUT);
    /* The stroke limit. */
    for (int i = 0; i < IME_HAND_STROKES_MAX; i++) {
        const int p[2][2] = {{i * 5 % 400, 10}, {i * 5 % 400, 200}};
        assert_true(ime_hand_add_stroke(h, p, 2) >= 0);
    }
    assert_int_equal(ime_hand_strokes(h), IME_HAND_STROKES_MAX);
    assert_int_equal(ime_hand_stroke_point(h, 5, 5), EW_ESTATE);
    assert_true(ime_hand_undo(h) >= 0);
    assert_int_equal(ime_hand_stroke_point(h, 5, 5), EW_OK);
    ime_hand_close(h);
    ime_hand_close(NULL);
}

/* Writes bytes to dir/name and tries to open it as a model. */
static void expect_bad_model(const char *dir, const char *name, const void *data, size_t len,
                             int code, const char *in_msg)
{
    char *p = tu_path(dir, name);
    if (data)
        tu_write_file(p, data, len);
    EwErr e = {0};
    ImeHand *h = ime_hand_open(p, &e);
    if (h)
        fail_msg("%s opened", name);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, in_msg))
        fail_msg("%s: message \"%s\" does not say \"%s\"", name, e.msg, in_msg);
    assert_null(ime_hand_open(p, NULL));
    free(p);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void putf(unsigned char *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put32(p, v);
}

/* A model of the characters chars[i] with nodes[i] feature nodes each
 * (index i+1, value 1), in zinnia's layout; len gets its size. */
static unsigned char *make_model(const char *const *chars, int n, int terminate, size_t *len)
{
    size_t size = 12;
    for (int i = 0; i < n; i++)
        size += 20 + 8 * (1 + (terminate ? 1 : 0));
    unsigned char *m = calloc(1, size);
    assert_non_null(m);
    put32(m, (uint32_t)size ^ 0x0ef71821u);
    put32(m + 4, 1);
    put32(m + 8, (uint32_t)n);
    size_t off = 12;
    for (int i = 0; i < n; i++) {
        memcpy(m + off, chars[i], strlen(chars[i]));
        putf(m + off + 16, (float)(n - i)); /* bias: the first scores highest */
        off += 20;
        put32(m + off, (uint32_t)(i + 1));
        putf(m + off + 4, 0.0f);
        off += 8;
        if (terminate) {
            put32(m + off, UINT32_MAX);
            off += 8;
        }
    }
    *len = size;
    return m;
}

static void test_bad_models(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *missing = tu_path(dir, "none.model");
    EwErr e = {0};
    assert_null(ime_hand_open(missing, &e));
    assert_int_equal(e.code, EW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "tegaki-zinnia-simplified-chinese"));
    assert_non_null(strstr(e.msg, missing));
    expect_bad_model(dir, "empty.model", "", 0, EW_ECORRUPT, "not a zinnia model");
    expect_bad_model(dir, ".", NULL, 0, EW_ECORRUPT, "not a zinnia model"); /* a folder */
    unsigned char junk[1000];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 7919 + 13);
    expect_bad_model(dir, "junk.model", junk, sizeof junk, EW_ECORRUPT, "not a zinnia model");
    /* The real model cut short. */
    size_t len;
    unsigned char *real = tu_read_file(IME_HAND_MODEL, &len);
    assert_non_null(real);
    expect_bad_model(dir, "cut.model", real, len / 2, EW_ECORRUPT, "truncated");
    /* Cut short, with the size in its header made to match. */
    size_t cut = len / 3 - (len / 3) % 4;
    put32(real, (uint32_t)cut ^ 0x0ef71821u);
    expect_bad_model(dir, "cut2.model", real, cut, EW_ECORRUPT, "damaged");
    free(real);
    /* A wrong version. */
    static const char *const two[] = {"甲", "乙"};
    size_t mlen;
    unsigned char *m = make_model(two, 2, 1, &mlen);
    put32(m + 4, 2);
    expect_bad_model(dir, "v2.model", m, mlen, EW_ECORRUPT, "version 2");
    free(m);
    /* Feature nodes that never end. */
    m = make_model(two, 2, 0, &mlen);
    expect_bad_model(dir, "open.model", m, mlen, EW_ECORRUPT, "damaged");
    free(m);
    /* Bytes after the last character. */
    m = make_model(two, 2, 1, &mlen);
    unsigned char *longer = calloc(1, mlen + 8);
    memcpy(longer, m, mlen);
    put32(longer, (uint32_t)(mlen + 8) ^ 0x0ef71821u);
    expect_bad_model(dir, "tail.model", longer, mlen + 8, EW_ECORRUPT, "after the last");
    free(longer);
    /* A character name with no NUL in its 16 bytes. */
    static const char *const wide[] = {"0123456789abcdef"};
    unsigned char *w = make_model(wide, 1, 1, &len);
    expect_bad_model(dir, "wide.model", w, len, EW_ECORRUPT, "damaged");
    free(w);
    /* A well-formed tiny model is taken, and used. */
    char *p = tu_path(dir, "tiny.model");
    tu_write_file(p, m, mlen);
    ImeHand *h = ime_hand_open(p, &e);
    if (!h)
        fail_msg("tiny model: %s", e.msg);
    assert_int_equal(ime_hand_begin(h, 100, 100), EW_OK);
    static const int line[2][2] = {{10, 50}, {90, 50}};
    assert_int_equal(ime_hand_add_stroke(h, line, 2), 2);
    char c[2][IME_HAND_CHAR_MAX];
    assert_int_equal(ime_hand_candidates(h, 2, c, NULL), 2);
    assert_string_equal(c[0], "甲");
    assert_string_equal(c[1], "乙");
    ime_hand_close(h);
    free(p);
    free(m);
    free(missing);
    tu_rmdir(dir);
    free(dir);
}

/* Runs first: zinnia is opened (dlopen) by the first ime_hand_open that
 * finds it, and stays open. Missing, or another library in its place, the
 * pad says why and names the package; the next open finds the real one. */
static void test_missing_library(void **state)
{
    (void)state;
    EwErr e = {0};
    setenv("ECHOWALL_ZINNIA_LIBRARY", "/nonexistent/libzinnia.so.0", 1);
    assert_null(ime_hand_open(IME_HAND_MODEL, &e));
    assert_int_equal(e.code, EW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "cannot load zinnia"));
    assert_non_null(strstr(e.msg, "libzinnia0"));
    e = (EwErr){0};
    setenv("ECHOWALL_ZINNIA_LIBRARY", "libz.so.1", 1); /* loads, but is not zinnia */
    assert_null(ime_hand_open(IME_HAND_MODEL, &e));
    assert_int_equal(e.code, EW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "is not zinnia"));
    unsetenv("ECHOWALL_ZINNIA_LIBRARY");
    ime_hand_close(open_ok());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_simple_characters),
        cmocka_unit_test(test_undo_and_clear),
        cmocka_unit_test(test_reduction_keeps_answer),
        cmocka_unit_test(test_scribble),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_bad_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
