/*
 * bench_office.c: how fast the office's screens get their data on a big
 * town (ECHOWALL_BENCH_APPEALS appeals, default 10,000, seen from the
 * office): each list (with the counts of all lists, one pass) on the first
 * tap and again from the kept pass, a tap after a change, one appeal
 * with its phone, the roster searched a keystroke at a time, and the
 * charts page. Prints medians of ECHOWALL_BENCH_RUNS runs (default 5);
 * asserts no times (label `bench`).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "demo.h"
#include "office.h"
#include "source.h"
#include "testutil.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : dflt;
}

#define MAX_RUNS 50

static void bench_office(void **state)
{
    (void)state;
    int appeals = env_int("ECHOWALL_BENCH_APPEALS", 10000);
    int runs = env_int("ECHOWALL_BENCH_RUNS", 5);
    runs = runs < 1 ? 1 : runs > MAX_RUNS ? MAX_RUNS : runs;
    tu_pin_day("2026-11-28");
    int64_t day;
    assert_int_equal(clock_parse_day("2026-11-28", &day), 0);
    char *dir = tu_tmpdir(), *path = tu_path(dir, "office.db");
    sqlite3 *db;
    EwErr e = {0};
    assert_int_equal(db_open(path, 1, &db, &e), EW_OK);
    db_exec(db, NULL, "PRAGMA synchronous=OFF");
    double t0 = now_ms();
    DemoSpec spec = {.today = day, .appeals = appeals};
    assert_int_equal(demo_fill(db, &spec, &e), EW_OK);
    printf("bench_office: a town of %d appeals seen from the office, built in %.0f ms\n", appeals,
           now_ms() - t0);
    Office *of = office_new(db, NULL);
    Source src;
    source_init(&src, db);
    office_source_init(&src, of);
    static const char *const names[OL_COUNT] = {"inbox", "overdue", "due this week", "orange",
                                               "by unit", "by branch", "all"};
    char msg[256];
    /* Each list: the first tap after the station starts makes the pass
     * over the appeals (a fresh Office: nothing kept); the taps after it
     * are answered from the kept pass. */
    for (int l = 0; l < OL_COUNT; l++) {
        double t[MAX_RUNS], first = 0;
        int n = 0;
        Office *fresh = office_new(db, NULL);
        Source fs = src;
        office_source_init(&fs, fresh);
        for (int r = 0; r <= runs; r++) {
            OfficeList ol;
            OfficeQuery q = {l, l == OL_UNIT ? "U01" : l == OL_BRANCH ? "H07" : NULL};
            double a = now_ms();
            assert_int_equal(fs.office_list(fs.office_ctx, &q, &ol, msg, sizeof msg), 0);
            if (r == 0)
                first = now_ms() - a;
            else
                t[r - 1] = now_ms() - a;
            n = ol.cards.n;
            office_list_free(&ol);
        }
        assert_int_equal(office_list_passes(fresh), 1);
        office_free(fresh);
        qsort(t, (size_t)runs, sizeof t[0], cmp);
        printf("  list %-13s %5d appeals: first tap (the pass) %7.1f ms, again (kept) %6.2f ms "
               "median\n", names[l], n, first, t[runs / 2]);
    }
    /* A change (an appeal graded), then the next tap: a new pass. */
    {
        OfficeList ol;
        OfficeQuery q = {OL_INBOX, NULL};
        assert_int_equal(src.office_list(src.office_ctx, &q, &ol, msg, sizeof msg), 0);
        double t[MAX_RUNS];
        for (int r = 0; r < runs && r < ol.cards.n; r++) {
            OfficeAction act = {.what = OA_GRADE, .code = ol.cards.cards[r].code,
                                .grade = GRADE_GREEN};
            if (src.office_do(src.office_ctx, &act, msg, sizeof msg) < 0)
                fail_msg("grading %s: %s", act.code, msg);
            OfficeList after;
            double a = now_ms();
            assert_int_equal(src.office_list(src.office_ctx, &q, &after, msg, sizeof msg), 0);
            t[r] = now_ms() - a;
            office_list_free(&after);
        }
        office_list_free(&ol);
        qsort(t, (size_t)runs, sizeof t[0], cmp);
        printf("  the inbox again after an appeal is graded (a new pass): %.1f ms median\n",
               t[runs / 2]);
    }
    OfficeList all;
    OfficeQuery q = {OL_ALL, NULL};
    assert_int_equal(src.office_list(src.office_ctx, &q, &all, msg, sizeof msg), 0);
    double t[MAX_RUNS];
    for (int r = 0; r < runs; r++) {
        Detail d;
        double a = now_ms();
        assert_int_equal(src.office_case(src.office_ctx, all.cards.cards[r % all.cards.n].code, &d,
                                         msg, sizeof msg), 0);
        t[r] = now_ms() - a;
        detail_free(&d);
    }
    office_list_free(&all);
    qsort(t, (size_t)runs, sizeof t[0], cmp);
    printf("  one appeal with its timeline: %.2f ms median\n", t[runs / 2]);
    /* The roster searched as "linyuejin" is typed, a letter at a time (the
     * first keystroke also loads the pinyin readings). */
    const char *word = "linyuejin";
    char query[16] = "";
    for (size_t i = 0; word[i]; i++) {
        query[i] = word[i];
        query[i + 1] = 0;
        PickList pl;
        double a = now_ms();
        assert_int_equal(src.office_pick(src.office_ctx, PICK_MEMBER, query, 40, &pl, msg,
                                         sizeof msg), 0);
        printf("  roster search \"%s\": %d found in %.2f ms\n", query, pl.n, now_ms() - a);
        picklist_free(&pl);
    }
    for (int r = 0; r < runs; r++) {
        Charts c;
        double a = now_ms();
        assert_int_equal(src.charts(src.ctx, &c, msg, sizeof msg), 0);
        t[r] = now_ms() - a;
        charts_free(&c);
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp);
    printf("  the charts page's figures: %.1f ms median\n", t[runs / 2]);
    office_free(of);
    db_close(db);
    tu_rmdir(dir);
    free(dir);
    free(path);
    clock_set_fixed(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(bench_office)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
