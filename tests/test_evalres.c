/*
 * test_evalres.c: the results rules (evalres.c): the excellence rate
 * leaves 不了解 out, too few ratings are not ranked, ties share a rank, and
 * the early warning's bottom 20 % at 4, 5, 9, 10 and 11 subjects, with ties
 * at the boundary and all tied. Then the command line on the demo town.
 *
 * A meeting the office voided has no results and counts in no round. One
 * person's results over time (eval_person, `eval person WHO`): every
 * closed, not voided meeting that rated them, oldest first, with the same
 * figures eval_meeting gives and the number ranked beside them, and each
 * round's figures as eval_round gives them, ranked among their role.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "device.h"
#include "evalres.h"
#include "meeting.h"
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

/* ---- voided meetings, one person over time ---- */

#define DAY "2026-11-28"

static void ok(int rc, const EwErr *e, const char *what)
{
    if (rc)
        fail_msg("%s: %d %s", what, rc, e->msg);
}

static sqlite3 *demo_office(char **dir)
{
    tu_pin_day(DAY);
    *dir = tu_tmpdir();
    int64_t today;
    clock_parse_day(DAY, &today);
    return tu_demo_db(*dir, "office.db", 1, NULL, today);
}

/* The row of who in results, or NULL. */
static json_t *row_of(json_t *results, const char *who)
{
    size_t i;
    json_t *x, *hit = NULL;
    json_array_foreach(results, i, x)
        if (strcmp(json_string_value(json_object_get(x, "who")), who) == 0)
            hit = x;
    return hit;
}

static int64_t ballots_of(sqlite3 *db, const char *round, const char *who)
{
    json_t *res = NULL;
    EwErr e = {0};
    ok(eval_round(db, round, EVAL_MIN_RATINGS, &res, &e), &e, "eval_round");
    json_t *row = row_of(res, who);
    int64_t n = row ? json_integer_value(json_object_get(row, "ballots")) : 0;
    json_decref(res);
    return n;
}

/* A closed meeting of the demo from 2026Q3 on, and who: its second
 * subject (the branch's secretary). */
static void a_meeting_of(sqlite3 *db, char id[MEETING_ID_MAX], char who[32])
{
    char *m = NULL, *p = NULL;
    db_text(db, NULL, &m,
            "SELECT m.id FROM meetings m WHERE m.status='closed' AND m.opened_day >= ? "
            "ORDER BY m.id LIMIT 1",
            "i", clock_days_from_civil(2026, 7, 1));
    assert_non_null(m);
    db_text(db, NULL, &p, "SELECT json_extract(subjects, '$[1]') FROM meetings WHERE id=?", "t",
            m);
    assert_non_null(p);
    snprintf(id, MEETING_ID_MAX, "%s", m);
    snprintf(who, 32, "%s", p);
    free(m);
    free(p);
}

static void test_void_left_out(void **state)
{
    (void)state;
    char *dir;
    sqlite3 *db = demo_office(&dir);
    char id[MEETING_ID_MAX], who[32];
    a_meeting_of(db, id, who);
    EwErr e = {0};
    json_t *res = NULL, *person = NULL;
    ok(eval_meeting(db, id, EVAL_MIN_RATINGS, &res, &e), &e, "eval_meeting");
    int64_t in_meeting = json_integer_value(json_object_get(row_of(res, who), "ballots"));
    json_decref(res);
    char round[16];
    int64_t day = 0;
    db_int(db, NULL, &day, 0, "SELECT opened_day FROM meetings WHERE id=?", "t", id);
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    snprintf(round, sizeof round, "%04dQ%d", y, (m - 1) / 3 + 1);
    int64_t before = ballots_of(db, round, who);
    ok(eval_person(db, who, EVAL_MIN_RATINGS, &person, &e), &e, "eval_person");
    size_t n_before = json_array_size(json_object_get(person, "meetings"));
    json_decref(person);
    assert_true(in_meeting > 0 && before >= in_meeting);

    Author off;
    ok(device_load_self(db, &off, &e), &e, "self");
    ok(db_begin(db, &e), &e, "begin");
    ok(meeting_void(db, &off, id, "投票时有人代投", 0, &e), &e, "void");
    ok(db_commit(db, &e), &e, "commit");
    assert_int_equal(eval_meeting(db, id, EVAL_MIN_RATINGS, &res, &e), EW_ESTATE);
    assert_non_null(strstr(e.msg, "voided: 投票时有人代投"));
    assert_int_equal(ballots_of(db, round, who), before - in_meeting);
    ok(eval_person(db, who, EVAL_MIN_RATINGS, &person, &e), &e, "eval_person");
    size_t i;
    json_t *x;
    assert_int_equal(json_array_size(json_object_get(person, "meetings")), n_before - 1);
    json_array_foreach(json_object_get(person, "meetings"), i, x)
        assert_string_not_equal(json_string_value(json_object_get(x, "meeting")), id);
    json_decref(person);
    db_close(db);
    tu_rmdir(dir);
    free(dir);
    clock_set_fixed(0);
}

/* eval_person agrees with eval_meeting and eval_round, entry by entry. */
static void check_person(sqlite3 *db, json_t *p)
{
    const char *who = json_string_value(json_object_get(p, "who"));
    size_t i;
    json_t *x;
    char last[11] = "";
    EwErr e = {0};
    json_array_foreach(json_object_get(p, "meetings"), i, x) {
        const char *day = json_string_value(json_object_get(x, "day"));
        assert_true(strcmp(last, day) <= 0); /* oldest first */
        snprintf(last, sizeof last, "%s", day);
        json_t *res = NULL;
        ok(eval_meeting(db, json_string_value(json_object_get(x, "meeting")), EVAL_MIN_RATINGS,
                        &res, &e),
           &e, "eval_meeting");
        json_t *row = row_of(res, who);
        assert_non_null(row);
        assert_true(json_equal(json_object_get(row, "counts"), json_object_get(x, "counts")));
        assert_true(json_equal(json_object_get(row, "rank"), json_object_get(x, "rank")));
        int64_t ranked = 0;
        size_t k;
        json_t *y;
        json_array_foreach(res, k, y)
            ranked += json_is_integer(json_object_get(y, "rank"));
        assert_int_equal(json_integer_value(json_object_get(x, "of")), ranked);
        json_decref(res);
    }
    json_array_foreach(json_object_get(p, "rounds"), i, x) {
        json_t *res = NULL;
        ok(eval_round(db, json_string_value(json_object_get(x, "round")), EVAL_MIN_RATINGS, &res,
                      &e),
           &e, "eval_round");
        json_t *row = row_of(res, who);
        assert_non_null(row);
        assert_true(json_equal(json_object_get(row, "counts"), json_object_get(x, "counts")));
        assert_true(json_equal(json_object_get(row, "rank"), json_object_get(x, "rank")));
        assert_true(json_equal(json_object_get(row, "warning"), json_object_get(x, "warning")));
        int64_t ranked = 0;
        size_t k;
        json_t *y;
        json_array_foreach(res, k, y)
            ranked += json_is_integer(json_object_get(y, "rank")) &&
                      json_equal(json_object_get(y, "role"), json_object_get(row, "role"));
        assert_int_equal(json_integer_value(json_object_get(x, "of")), ranked);
        json_decref(res);
    }
}

static void test_person(void **state)
{
    (void)state;
    char *dir;
    sqlite3 *db = demo_office(&dir);
    EwErr e = {0};
    json_t *p = NULL;
    /* Every grid leader and secretary of the demo town. */
    sqlite3_stmt *st = db_prep(db, &e,
                               "SELECT id FROM people WHERE role IN ('grid_leader','secretary') "
                               "ORDER BY id",
                               NULL);
    int people = 0, rated = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        char who[32];
        snprintf(who, sizeof who, "%s", sqlite3_column_text(st, 0));
        ok(eval_person(db, who, EVAL_MIN_RATINGS, &p, &e), &e, who);
        assert_string_equal(json_string_value(json_object_get(p, "who")), who);
        check_person(db, p);
        people++;
        rated += json_array_size(json_object_get(p, "meetings")) > 0;
        json_decref(p);
    }
    db_done(st);
    assert_true(people > 30 && rated > 30);
    /* A person no meeting rated (the responsible leaders): empty lists. */
    char *leader = NULL;
    db_text(db, NULL, &leader, "SELECT id FROM people WHERE role='leader' LIMIT 1", NULL);
    ok(eval_person(db, leader, EVAL_MIN_RATINGS, &p, &e), &e, "leader");
    assert_int_equal(json_array_size(json_object_get(p, "meetings")), 0);
    assert_int_equal(json_array_size(json_object_get(p, "rounds")), 0);
    json_decref(p);
    free(leader);
    assert_int_equal(eval_person(db, "P9999", EVAL_MIN_RATINGS, &p, &e), EW_ENOTFOUND);
    assert_null(p);
    db_close(db);
    tu_rmdir(dir);
    free(dir);
    clock_set_fixed(0);
}

static void test_person_command(void **state)
{
    (void)state;
    char *dir;
    sqlite3 *db = demo_office(&dir);
    char id[MEETING_ID_MAX], who[32];
    a_meeting_of(db, id, who);
    char *name = NULL;
    db_text(db, NULL, &name, "SELECT name FROM people WHERE id=?", "t", who);
    int64_t same = 0;
    db_int(db, NULL, &same, 0, "SELECT count(*) FROM people WHERE name=?", "t", name);
    db_close(db);
    char *path = tu_path(dir, "office.db");
    CtlRun r = tu_ctl(path, "eval", "person", who, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, id));
    assert_non_null(strstr(r.out, "round 2026Q"));
    assert_non_null(strstr(r.out, name));
    tu_ctl_free(&r);
    if (same == 1) { /* by a unique name, as --subject takes it */
        r = tu_ctl(path, "eval", "person", name, "--json", NULL);
        assert_int_equal(r.status, 0);
        json_t *j = json_loads(r.out, 0, NULL);
        assert_string_equal(json_string_value(json_object_get(j, "who")), who);
        assert_true(json_array_size(json_object_get(j, "meetings")) >= 1);
        json_decref(j);
        tu_ctl_free(&r);
    }
    r = tu_ctl(path, "eval", "person", NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(path, "eval", "person", who, "--min", "0", NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(path, "eval", "person", "没有这个人", NULL);
    assert_int_equal(r.status, 1);
    tu_ctl_free(&r);
    free(name);
    free(path);
    tu_rmdir(dir);
    free(dir);
    clock_set_fixed(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_leaves_out_unknown), cmocka_unit_test(test_too_few),
        cmocka_unit_test(test_ties_share_a_rank),       cmocka_unit_test(test_bottom_fifth),
        cmocka_unit_test(test_ties_at_the_boundary),    cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_void_left_out),           cmocka_unit_test(test_person),
        cmocka_unit_test(test_person_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
