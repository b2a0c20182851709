/*
 * test_synclock.c: kiosks take the town's time from the office's sticks.
 *
 * A kiosk whose clock is behind adopts a confirmed office time; one more
 * than 7 days ahead of the last confirmed office time is refused and
 * reported; an office clock that went back is not confirmed (its kiosks
 * keep their time) until staff confirm it; dates on the wall follow the
 * adopted time.
 */
#include <stdlib.h>
#include <string.h>

#include "appeal.h"
#include "clock.h"
#include "db.h"
#include "memfs.h"
#include "sync.h"
#include "synclock.h"
#include "testutil.h"
#include "view.h"

#define DAY (86400LL * 1000)

typedef struct Fix {
    char *dir;
    StickIO *io;
    sqlite3 *office, *hall;
    int64_t t0;
} Fix;

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->io = memfs_new();
    f->io->mkdir(f->io, "/stick");
    int64_t today;
    clock_parse_day("2026-10-01", &today);
    f->t0 = clock_ms_of_day(today);
    clock_set_fixed(f->t0);
    f->office = tu_demo_db(f->dir, "office.db", 5, NULL, today);
    f->hall = tu_demo_db(f->dir, "hall.db", 5, "H07", today);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    db_close(f->office);
    db_close(f->hall);
    memfs_free(f->io);
    tu_rmdir(f->dir);
    free(f->dir);
    free(f);
    clock_set_fixed(0);
    return 0;
}

static json_t *sync_now(sqlite3 *db, StickIO *io)
{
    json_t *r = NULL;
    EwErr e = {0};
    if (sync_stick(db, io, "/stick", &r, &e) != EW_OK)
        fail_msg("sync: %s", e.msg);
    return r;
}

static void set_offset(sqlite3 *db, int64_t ms)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)ms);
    assert_int_equal(db_run(db, NULL,
                            "INSERT INTO local_config(key,value) VALUES('clock.offset_ms',?) "
                            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                            "t", v),
                     EW_OK);
}

/* A kiosk three days behind takes the office's time; new dates follow it. */
static void test_adopt(void **state)
{
    Fix *f = *state;
    set_offset(f->hall, -3 * DAY);
    assert_int_equal(db_today(f->hall), clock_day_of_ms(f->t0) - 3);
    /* Never synced with the office yet. */
    json_t *stats = NULL;
    EwErr se = {0};
    assert_int_equal(view_stats(f->hall, &stats, &se), EW_OK);
    assert_true(json_is_null(json_object_get(stats, "last_office_sync")));
    json_decref(stats);
    json_t *r = sync_now(f->hall, f->io); /* a stick without the office's bundle */
    json_decref(r);
    assert_int_equal(view_stats(f->hall, &stats, &se), EW_OK);
    assert_true(json_is_null(json_object_get(stats, "last_office_sync")));
    json_decref(stats);
    json_decref(sync_now(f->office, f->io));
    r = sync_now(f->hall, f->io);
    json_t *adopted = json_object_get(json_object_get(r, "clock"), "adopted");
    assert_true(json_is_integer(adopted));
    assert_true(json_integer_value(adopted) >= 3 * DAY);
    json_decref(r);
    assert_int_equal(db_today(f->hall), clock_day_of_ms(f->t0));
    /* "Last synced with the office", on the adopted clock (10:00 CST). */
    assert_int_equal(view_stats(f->hall, &stats, &se), EW_OK);
    assert_string_equal(json_string_value(json_object_get(stats, "last_office_sync")),
                        "2026-10-01 10:00");
    json_decref(stats);
    /* An appeal taken now is dated today, not three days ago. */
    Author a;
    EwErr e = {0};
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = "H07", .category = "water", .text = "井水浑浊", .source = "kiosk"};
    assert_int_equal(db_begin(f->hall, &e), EW_OK);
    assert_int_equal(device_load_self(f->hall, &a, &e), EW_OK);
    assert_int_equal(appeal_add(f->hall, &a, &in, 0, code, rating, &e), EW_OK);
    assert_int_equal(db_commit(f->hall, &e), EW_OK);
    int64_t created = 0;
    db_int(f->hall, NULL, &created, 0, "SELECT created_day FROM appeals WHERE code=?", "t", code);
    assert_int_equal(created, clock_day_of_ms(f->t0));
    /* A time not later than ours changes nothing. */
    json_decref(sync_now(f->office, f->io));
    r = sync_now(f->hall, f->io);
    assert_null(json_object_get(r, "clock"));
    json_decref(r);
}

/* More than 7 days ahead of the last confirmed office time: refused. */
static void test_too_far_ahead(void **state)
{
    Fix *f = *state;
    json_decref(sync_now(f->office, f->io));
    json_decref(sync_now(f->hall, f->io)); /* the hall knows the office time t0 */
    clock_set_fixed(f->t0 + 10 * DAY);    /* the office's clock is now 10 days on */
    set_offset(f->hall, -10 * DAY);       /* the kiosk's stayed at t0 */
    json_decref(sync_now(f->office, f->io));
    json_t *r = sync_now(f->hall, f->io);
    json_t *refused = json_object_get(json_object_get(r, "clock"), "refused");
    assert_true(json_is_string(refused));
    assert_non_null(strstr(json_string_value(refused), "7 days"));
    json_decref(r);
    assert_int_equal(db_today(f->hall), clock_day_of_ms(f->t0));
    /* Six days on is fine. */
    clock_set_fixed(f->t0 + 6 * DAY);
    set_offset(f->hall, -6 * DAY);
    EwErr e = {0};
    assert_int_equal(synclock_confirm(f->office, &e), EW_OK);
    json_decref(sync_now(f->office, f->io));
    r = sync_now(f->hall, f->io);
    assert_true(json_is_integer(json_object_get(json_object_get(r, "clock"), "adopted")));
    json_decref(r);
    assert_int_equal(db_today(f->hall), clock_day_of_ms(f->t0) + 6);
}

/* An office clock that went back is not passed on until staff confirm it. */
static void test_office_clock_went_back(void **state)
{
    Fix *f = *state;
    clock_set_fixed(f->t0 + 5 * DAY);
    json_decref(sync_now(f->office, f->io)); /* the office last saw t0+5 */
    clock_set_fixed(f->t0 + 2 * DAY);        /* its battery died: the clock is back */
    json_t *r = sync_now(f->office, f->io);
    assert_non_null(json_object_get(json_object_get(r, "clock"), "confirm"));
    json_decref(r);
    set_offset(f->hall, -2 * DAY); /* the kiosk says t0 */
    r = sync_now(f->hall, f->io);
    assert_null(json_object_get(r, "clock")); /* an unconfirmed time is not adopted */
    json_decref(r);
    assert_int_equal(db_today(f->hall), clock_day_of_ms(f->t0));
    json_t *st = NULL;
    EwErr e = {0};
    assert_int_equal(synclock_state(f->office, &st, &e), EW_OK);
    assert_true(json_is_false(json_object_get(st, "confirmed")));
    json_decref(st);
    /* Staff check the date and confirm it. */
    assert_int_equal(synclock_confirm(f->office, &e), EW_OK);
    r = sync_now(f->office, f->io);
    assert_null(json_object_get(r, "clock"));
    json_decref(r);
    r = sync_now(f->hall, f->io);
    assert_true(json_is_integer(json_object_get(json_object_get(r, "clock"), "adopted")));
    json_decref(r);
    assert_int_equal(db_today(f->hall), clock_day_of_ms(f->t0) + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_far_ahead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_office_clock_went_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
