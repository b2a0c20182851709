/*
 * test_ballot.c: anonymous ballots (ballot.c): counted whole or not at all,
 * capped, and leaving nothing that orders them.
 *
 * The anonymity test casts the same ballots in two orders into two copies
 * of one database and compares the raw bytes of the database file and its
 * WAL after every pair of ballots (same multiset, different order) and
 * after the meeting is closed: they must be identical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ballot.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "meeting.h"
#include "testutil.h"

#define DAY "2026-11-28"

typedef struct Fx {
    char *dir;
    char *path;   /* the hall's database, meeting open, closed on disk */
    char id[MEETING_ID_MAX];
    int nsubj;
} Fx;

static int setup(void **state)
{
    Fx *fx = calloc(1, sizeof *fx);
    tu_pin_day(DAY);
    fx->dir = tu_tmpdir();
    int64_t today;
    clock_parse_day(DAY, &today);
    sqlite3 *db = tu_demo_db(fx->dir, "h07.db", 1, "H07", today);
    Author self;
    EwErr e = {0};
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(meeting_open(db, &self, "H07", "三季度述职评议", NULL, 0, NULL, 0, fx->id, &e),
                     EW_OK);
    json_t *m = NULL;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    fx->nsubj = (int)json_array_size(json_object_get(m, "subjects"));
    assert_true(fx->nsubj >= 3); /* the branch, its secretary, its grid leaders */
    assert_string_equal(json_string_value(json_object_get(json_array_get(
                            json_object_get(m, "subjects"), 0), "role")),
                        "branch");
    json_decref(m);
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    db_close(db);
    fx->path = tu_path(fx->dir, "h07.db");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fx *fx = *state;
    tu_rmdir(fx->dir);
    free(fx->dir);
    free(fx->path);
    free(fx);
    clock_set_fixed(0);
    return 0;
}

static sqlite3 *open_copy(Fx *fx, const char *name, char **path)
{
    *path = tu_copy_db(fx->path, fx->dir, name);
    sqlite3 *db = NULL;
    EwErr e = {0};
    assert_int_equal(db_open(*path, 0, &db, &e), EW_OK);
    return db;
}

static const char *const R[] = {"excellent", "good", "fair", "poor", "unknown"};

/* Ballot number b: every subject rated by a rule of b, so ballots differ. */
static void ballot_of(int b, int n, const char **out)
{
    for (int i = 0; i < n; i++)
        out[i] = R[(b * 3 + i * (b + 1)) % 5];
}

static void cast(sqlite3 *db, const char *id, int b, int n)
{
    const char *r[32];
    ballot_of(b, n, r);
    EwErr e = {0};
    assert_int_equal(ballot_cast(db, id, r, n, &e), EW_OK);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void same_bytes(const char *a, const char *b, const char *when)
{
    if (!tu_same_file(a, b))
        fail_msg("the database files differ %s", when);
    char *wa = tu_suffixed(a, "-wal"), *wb = tu_suffixed(b, "-wal");
    /* The WAL is truncated after every ballot: nothing of any ballot in it. */
    assert_true(file_size(wa) <= 0);
    assert_true(file_size(wb) <= 0);
    free(wa);
    free(wb);
}

static void test_order_leaves_no_trace(void **state)
{
    Fx *fx = *state;
    char *pa, *pb;
    sqlite3 *a = open_copy(fx, "a.db", &pa), *b = open_copy(fx, "b.db", &pb);
    /* b casts the same ballots with each pair swapped. */
    for (int k = 0; k < 12; k += 2) {
        cast(a, fx->id, k, fx->nsubj);
        cast(a, fx->id, k + 1, fx->nsubj);
        cast(b, fx->id, k + 1, fx->nsubj);
        cast(b, fx->id, k, fx->nsubj);
        char when[64];
        snprintf(when, sizeof when, "after %d ballots cast in two orders", k + 2);
        same_bytes(pa, pb, when);
    }
    Author sa, sb;
    EwErr e = {0};
    assert_int_equal(device_load_self(a, &sa, &e), EW_OK);
    assert_int_equal(device_load_self(b, &sb, &e), EW_OK);
    assert_int_equal(meeting_close(a, &sa, fx->id, NULL, 0, &e), EW_OK);
    assert_int_equal(meeting_close(b, &sb, fx->id, NULL, 0, &e), EW_OK);
    sqlite3_wal_checkpoint_v2(a, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_wal_checkpoint_v2(b, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    same_bytes(pa, pb, "after the meeting closed");
    /* The closing record holds the whole count: 12 ballots. */
    json_t *list = NULL;
    assert_int_equal(meeting_list(a, &list, &e), EW_OK);
    size_t i;
    json_t *m;
    int found = 0;
    json_array_foreach(list, i, m) {
        if (strcmp(json_string_value(json_object_get(m, "id")), fx->id) == 0) {
            found = 1;
            assert_int_equal(json_integer_value(json_object_get(m, "ballots")), 12);
            assert_string_equal(json_string_value(json_object_get(m, "status")), "closed");
        }
    }
    assert_true(found);
    json_decref(list);
    db_close(a);
    db_close(b);
    free(pa);
    free(pb);
}

static void test_counts_and_refusals(void **state)
{
    Fx *fx = *state;
    char *p;
    sqlite3 *db = open_copy(fx, "c.db", &p);
    EwErr e = {0};
    const char *r[32];
    for (int i = 0; i < fx->nsubj; i++)
        r[i] = "excellent";
    r[1] = "unknown";
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_OK);
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_OK);
    /* A ballot counts whole or not at all. */
    r[2] = "superb";
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_EINPUT);
    r[2] = "good";
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj - 1, &e), EW_EINPUT);
    assert_int_equal(ballot_cast(db, "H07-MZ9", r, fx->nsubj, &e), EW_ENOTFOUND);
    json_t *m = NULL;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    assert_int_equal(json_integer_value(json_object_get(m, "ballots")), 2);
    json_decref(m);
    int64_t n = -1;
    db_int(db, NULL, &n, 0,
           "SELECT count FROM meeting_tally WHERE meeting=? AND subject='branch' AND "
           "rating='excellent'",
           "t", fx->id);
    assert_int_equal(n, 2);
    db_int(db, NULL, &n, 0, "SELECT count(*) FROM meeting_tally WHERE meeting=?", "t", fx->id);
    assert_int_equal(n, fx->nsubj * 5); /* every counter, from the first ballot */
    /* No other hall's meeting, and none once closed. */
    assert_int_equal(ballot_meeting(db, "H08", &m, &e), EW_ENOTFOUND);
    Author self;
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(meeting_close(db, &self, fx->id, NULL, 0, &e), EW_OK);
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_ENOTFOUND);
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_ENOTFOUND);
    db_close(db);
    free(p);
}

static void test_cap(void **state)
{
    Fx *fx = *state;
    char *p;
    sqlite3 *db = open_copy(fx, "d.db", &p);
    EwErr e = {0};
    Author self;
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(meeting_close(db, &self, fx->id, NULL, 0, &e), EW_OK);
    char id[MEETING_ID_MAX];
    const char *subj[] = {"branch", NULL};
    assert_int_equal(meeting_open(db, &self, "H07", "冬季评议", subj, 3, NULL, 0, id, &e), EW_OK);
    const char *r[] = {"good"};
    for (int i = 0; i < 3; i++)
        assert_int_equal(ballot_cast(db, id, r, 1, &e), EW_OK);
    assert_int_equal(ballot_cast(db, id, r, 1, &e), EW_ESTATE);
    json_t *m = NULL;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    assert_int_equal(json_integer_value(json_object_get(m, "ballots")), 3);
    assert_int_equal(json_integer_value(json_object_get(m, "cap")), 3);
    json_decref(m);
    db_close(db);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_and_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
