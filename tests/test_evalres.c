/*
 * test_evalres.c: the results rules (evalres.c): the excellence rate
 * leaves 不了解 out, too few ratings are not ranked, ties share a rank, and
 * the early warning's bottom 20 % at 4, 5, 9, 10 and 11 subjects, with ties
 * at the boundary and all tied. Then the command line on the demo town.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "evalres.h"
#include "testutil.h"

/* n rows with excellent = e[i] out of 10 rated (the rest "good"). */
static EvalRow *rows_of(const int *e, int n)
{
    EvalRow *r = calloc((size_t)n, sizeof *r);
    for (int i = 0; i < n; i++) {
        r[i].counts[0] = e[i];
        r[i].counts[1] = 10 - e[i];
    }
    return r;
}

static int flagged(const EvalRow *r, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += r[i].warning;
    return k;
}

static void test_rate_leaves_out_unknown(void **state)
{
    (void)state;
    EvalRow r[1];
    memset(r, 0, sizeof r);
    r[0].counts[0] = 2; /* 优秀 */
    r[0].counts[1] = 1; /* 良好 */
    r[0].counts[3] = 2; /* 差 */
    r[0].counts[4] = 9; /* 不了解 */
    eval_rank(r, 1, 5, 0);
    assert_true(r[0].ranked);
    assert_true(r[0].rate > 0.3999 && r[0].rate < 0.4001); /* 2 / 5 */
    assert_int_equal(r[0].rank, 1);
}

static void test_too_few(void **state)
{
    (void)state;
    EvalRow r[2];
    memset(r, 0, sizeof r);
    r[0].counts[0] = 4;  /* four ratings: too few */
    r[0].counts[4] = 20; /* 不了解 is not a rating */
    r[1].counts[0] = 5;
    eval_rank(r, 2, 5, 1);
    assert_false(r[0].ranked);
    assert_int_equal(r[0].rank, 0);
    assert_false(r[0].warning);
    assert_true(r[1].ranked);
    assert_int_equal(r[1].rank, 1);
}

static void test_ties_share_a_rank(void **state)
{
    (void)state;
    int e[] = {8, 8, 5, 9};
    EvalRow *r = rows_of(e, 4);
    eval_rank(r, 4, 5, 0);
    assert_int_equal(r[3].rank, 1);
    assert_int_equal(r[0].rank, 2);
    assert_int_equal(r[1].rank, 2);
    assert_int_equal(r[2].rank, 4);
    free(r);
}

static void test_bottom_fifth(void **state)
{
    (void)state;
    /* Distinct rates: floor(0.2 n), at least one from 5. */
    static const int want[][2] = {{4, 0}, {5, 1}, {9, 1}, {10, 2}, {11, 2}};
    for (size_t t = 0; t < sizeof want / sizeof want[0]; t++) {
        int n = want[t][0];
        /* Distinct, falling rates: subject i has 100 - 7 i of 100 excellent. */
        EvalRow *r = calloc((size_t)n, sizeof *r);
        for (int i = 0; i < n; i++) {
            r[i].counts[0] = 100 - i * 7;
            r[i].counts[1] = i * 7;
        }
        eval_rank(r, n, 5, 1);
        if (flagged(r, n) != want[t][1])
            fail_msg("%d subjects: %d flagged, want %d", n, flagged(r, n), want[t][1]);
        /* The flagged ones are the lowest. */
        for (int i = 0; i < n; i++)
            assert_int_equal(r[i].warning, i >= n - want[t][1]);
        free(r);
    }
}

static void test_ties_at_the_boundary(void **state)
{
    (void)state;
    /* 10 subjects, k = 2; the 2nd and 3rd lowest tie: three flagged. */
    int e[10] = {10, 9, 8, 7, 6, 5, 4, 3, 3, 1};
    EvalRow *r = rows_of(e, 10);
    eval_rank(r, 10, 5, 1);
    assert_int_equal(flagged(r, 10), 3);
    assert_true(r[7].warning && r[8].warning && r[9].warning);
    free(r);
    /* 5 subjects, k = 1; the two lowest tie: both flagged. */
    int f[5] = {9, 8, 7, 2, 2};
    r = rows_of(f, 5);
    eval_rank(r, 5, 5, 1);
    assert_int_equal(flagged(r, 5), 2);
    free(r);
    /* All tied: no one. */
    int g[6] = {5, 5, 5, 5, 5, 5};
    r = rows_of(g, 6);
    eval_rank(r, 6, 5, 1);
    assert_int_equal(flagged(r, 6), 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(r[i].rank, 1);
    free(r);
    /* Too-few subjects do not count towards n: 5 subjects, one too few,
     * leaves 4 ranked: k = 0. */
    int h[5] = {9, 8, 7, 6, 5};
    r = rows_of(h, 5);
    r[4].counts[0] = 1;
    r[4].counts[1] = 2; /* 3 ratings */
    eval_rank(r, 5, 5, 1);
    assert_int_equal(flagged(r, 5), 0);
    free(r);
}

static void test_command_line(void **state)
{
    (void)state;
    tu_pin_day("2026-11-28");
    char *dir = tu_tmpdir();
    char *db = tu_path(dir, "town.db");
    CtlRun r = tu_ctl(db, "demo", NULL);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    r = tu_ctl(db, "eval", "results", "--round", "2026Q3", "--json", NULL);
    assert_int_equal(r.status, 0);
    json_t *j = json_loads(r.out, 0, NULL);
    assert_true(json_is_array(j));
    assert_true(json_array_size(j) > 10);
    int leaders = 0, warned = 0;
    size_t i;
    json_t *x;
    json_array_foreach(j, i, x) {
        assert_non_null(json_object_get(x, "name"));
        assert_non_null(json_object_get(json_object_get(x, "counts"), "unknown"));
        if (strcmp(json_string_value(json_object_get(x, "role")), "grid_leader") == 0) {
            leaders += json_is_integer(json_object_get(x, "rank"));
            warned += json_is_true(json_object_get(x, "warning"));
        } else {
            assert_false(json_is_true(json_object_get(x, "warning")));
        }
    }
    /* At least floor(0.2 n) flagged (more only through ties). */
    assert_true(leaders >= 5);
    assert_true(warned >= leaders / 5);
    json_decref(j);
    tu_ctl_free(&r);
    r = tu_ctl(db, "eval", "results", "--round", "2026Q5", NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(db, "eval", "results", NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(db, "eval", "results", "--meeting", "H99-MA1", NULL);
    assert_int_equal(r.status, 1);
    tu_ctl_free(&r);
    tu_rmdir(dir);
    free(dir);
    free(db);
    clock_set_fixed(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_leaves_out_unknown), cmocka_unit_test(test_too_few),
        cmocka_unit_test(test_ties_share_a_rank),       cmocka_unit_test(test_bottom_fifth),
        cmocka_unit_test(test_ties_at_the_boundary),    cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
