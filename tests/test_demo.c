/*
 * test_demo.c: the demo town (src/core/demo.c).
 *
 * demo_fill must reproduce the agreed figures exactly (38 branches, 39
 * meetings, 183 appeals of which 162 solved, 135 leading members, 11
 * leaders, 23 units), with the texture the wall needs (namesakes, overdue
 * and ungraded appeals, unpublished and rated ones); it must be a pure
 * function of (seed, day): the same inputs give byte-identical signed
 * records, another seed gives others; the hall view (--hall H07) holds the
 * very same records with only the owning device changed; it refuses a
 * database that already holds records and changes nothing; and it keeps an
 * identity made by init, authoring the office's records with it. Every
 * signature, made on the demo's signing thread, verifies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "device.h"
#include "testutil.h"
#include "view.h"

#define TODAY "2025-06-01"

/* Shared across the tests: one office-view demo built once. */
typedef struct Fixture {
    char *dir;
    sqlite3 *office; /* demo seed 1, TODAY, seen from the office */
    char *office_records;
} Fixture;

static int64_t today(void)
{
    int64_t d;
    assert_int_equal(clock_parse_day(TODAY, &d), 0);
    return d;
}

static sqlite3 *open_new(const char *dir, const char *name)
{
    char *path = tu_path(dir, name);
    sqlite3 *db;
    EwErr e = {0};
    int rc = db_open(path, 1, &db, &e);
    if (rc)
        print_error("db_open %s: %s\n", path, e.msg);
    assert_int_equal(rc, EW_OK);
    free(path);
    return db;
}

static int fill(sqlite3 *db, uint64_t seed, const char *hall, EwErr *e)
{
    DemoSpec spec = {.seed = seed, .hall = hall, .today = today()};
    return demo_fill(db, &spec, e);
}

static void fill_ok(sqlite3 *db, uint64_t seed, const char *hall)
{
    EwErr e = {0};
    int rc = fill(db, seed, hall, &e);
    if (rc)
        print_error("demo_fill: %s\n", e.msg);
    assert_int_equal(rc, EW_OK);
}

/* Every column of every record, hex-encoded, in key order (malloc'd). */
static char *dump_records(sqlite3 *db)
{
    char *buf;
    size_t n;
    FILE *f = open_memstream(&buf, &n);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT hex(device), seq, hlc, kind, hex(body), hex(prev), "
                                        "hex(hash), hex(sig) FROM records ORDER BY device, seq",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < 8; c++)
            fprintf(f, "%s%s", c ? "|" : "", (const char *)sqlite3_column_text(st, c));
        fputc('\n', f);
    }
    sqlite3_finalize(st);
    fclose(f);
    return buf;
}

/* Fails, showing the first line that differs, when two dumps differ. */
static void same_text(const char *a, const char *b, const char *what)
{
    if (strcmp(a, b) == 0)
        return;
    const char *x = a, *y = b;
    while (*x && *x == *y)
        x++, y++;
    while (x > a && x[-1] != '\n')
        x--, y--;
    print_error("%s differ; first at:\n  %.300s\nvs\n  %.300s\n", what, x, y);
    fail();
}

static char *q_text(sqlite3 *db, const char *sql)
{
    char *v = NULL;
    assert_int_equal(db_text(db, NULL, &v, sql, NULL), EW_OK);
    assert_non_null(v);
    return v;
}

static json_t *stats(sqlite3 *db)
{
    json_t *s = NULL;
    assert_int_equal(view_stats(db, &s, NULL), EW_OK);
    assert_non_null(s);
    return s;
}

static json_int_t num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static int group_setup(void **state)
{
    Fixture *fx = calloc(1, sizeof *fx);
    tu_pin_day(TODAY);
    fx->dir = tu_tmpdir();
    fx->office = tu_demo_db(fx->dir, "office.db", 1, NULL, today());
    fx->office_records = dump_records(fx->office);
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    Fixture *fx = *state;
    db_close(fx->office);
    free(fx->office_records);
    tu_rmdir(fx->dir);
    free(fx->dir);
    free(fx);
    clock_set_fixed(0);
    return 0;
}

/* The stats the wall's attract loop shows: exactly the town of DESIGN.md. */
static void check_figures(sqlite3 *db)
{
    json_t *s = stats(db);
    assert_int_equal(num(s, "branches"), 38);
    assert_int_equal(num(s, "meetings"), 39);
    assert_int_equal(num(s, "appeals"), 183);
    assert_int_equal(num(s, "leading_members"), 135);
    assert_int_equal(num(s, "leaders"), 11);
    assert_int_equal(num(s, "units"), 23);
    assert_int_equal(num(s, "solved"), 162);
    assert_true(num(s, "overdue") > 0);
    json_t *g = json_object_get(s, "by_grade");
    assert_non_null(g);
    json_int_t total = 0;
    static const char *const buckets[] = {"green", "blue", "orange", "none"};
    for (int i = 0; i < 4; i++) {
        if (num(g, buckets[i]) <= 0)
            print_error("no appeals in grade bucket %s\n", buckets[i]);
        assert_true(num(g, buckets[i]) > 0);
        total += num(g, buckets[i]);
    }
    assert_int_equal(total, 183);
    json_t *bs = json_object_get(s, "by_status");
    assert_int_equal(num(bs, "solved"), 162);
    assert_string_equal(json_string_value(json_object_get(s, "town")), "青石镇");
    json_decref(s);
}

static void test_figures(void **state)
{
    Fixture *fx = *state;
    sqlite3 *db = fx->office;
    check_figures(db);

    /* Every record was applied: the demo's history obeys its own rules. */
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records WHERE state IS NOT 1"), 0);
    /* Meetings are all closed, with tallies. */
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM meetings WHERE status='closed' AND "
                               "tallies IS NOT NULL AND ballots > 0"),
                     39);
    /* Namesakes among the people (names repeat in villages). */
    assert_true(tu_q_int(db, "SELECT count(*) FROM (SELECT name FROM people GROUP BY name "
                          "HAVING count(*) > 1)") >= 1);
    /* Some appeals not yet approved for the wall, some published. */
    int64_t unpublished = tu_q_int(db, "SELECT count(*) FROM appeals WHERE published=0");
    assert_true(unpublished > 0 && unpublished < 183);
    /* Some solved appeals rated by the villager, both ways; only solved ones. */
    assert_true(tu_q_int(db, "SELECT count(*) FROM appeals WHERE rating='satisfied'") > 0);
    assert_true(tu_q_int(db, "SELECT count(*) FROM appeals WHERE rating='unsatisfied'") > 0);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM appeals WHERE rating IS NOT NULL AND "
                               "status<>'solved'"),
                     0);
    /* No private contacts: sealed boxes are random, the demo reproducible
     * (contacts are tested in test_appeal). Grades were given by halls too. */
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM appeals WHERE contact_hash IS NOT NULL"), 0);
    assert_true(tu_q_int(db, "SELECT count(*) FROM timeline WHERE kind='grade' AND "
                          "by_role='hall'") > 0);
    /* Overdue as the wall computes it, against the pinned day. */
    AppealFilter f = {.overdue = 1};
    json_t *arr = NULL;
    assert_int_equal(view_appeals(db, &f, &arr, NULL), EW_OK);
    assert_true(json_array_size(arr) > 0);
    json_t *a = json_array_get(arr, 0);
    assert_true(json_integer_value(json_object_get(a, "overdue_days")) > 0);
    json_decref(arr);
    /* History spans the 240 days before `today`, none after it. */
    assert_true(tu_q_int(db, "SELECT max(created_day) FROM appeals") < today());
    assert_true(tu_q_int(db, "SELECT min(created_day) FROM appeals") >= today() - 240);
}

static void test_deterministic(void **state)
{
    Fixture *fx = *state;
    sqlite3 *b = tu_demo_db(fx->dir, "again.db", 1, NULL, today());
    char *rb = dump_records(b);
    assert_true(strlen(rb) > 1000);
    same_text(fx->office_records, rb, "records");
    /* The derived state too. */
    char *sa = tu_dump_state(fx->office), *sb = tu_dump_state(b);
    same_text(sa, sb, "derived state");
    free(sa);
    free(sb);
    /* Blobs are content-addressed: the same set. */
    char *ba = q_text(fx->office, "SELECT group_concat(h, ',') FROM (SELECT hex(hash) h FROM blobs "
                                  "ORDER BY hash)");
    char *bb = q_text(b, "SELECT group_concat(h, ',') FROM (SELECT hex(hash) h FROM blobs "
                         "ORDER BY hash)");
    same_text(ba, bb, "blob sets");
    free(ba);
    free(bb);
    free(rb);
    db_close(b);

    /* Another seed: another town history (same figures). */
    sqlite3 *c = tu_demo_db(fx->dir, "seed2.db", 2, NULL, today());
    char *rc = dump_records(c);
    assert_true(strcmp(fx->office_records, rc) != 0);
    check_figures(c);
    free(rc);
    db_close(c);
}

/* The demo signs on a second thread (device.h, SignQueue): every record's
 * signature must still verify against its author's key, none left zero. */
static void test_signatures(void **state)
{
    Fixture *fx = *state;
    int n = 0;
    assert_int_equal(tu_bad_signatures(fx->office, &n), 0);
    assert_int_equal(n, tu_q_int(fx->office, "SELECT count(*) FROM records"));
    assert_true(n > 1000);
}

static void test_hall_view(void **state)
{
    Fixture *fx = *state;
    sqlite3 *h = tu_demo_db(fx->dir, "h07.db", 1, "H07", today());
    check_figures(h);

    /* The identity is H07's kiosk, the device the office view knows as H07. */
    Author self;
    EwErr e = {0};
    assert_int_equal(device_load_self(h, &self, &e), EW_OK);
    assert_string_equal(self.role, "hall");
    assert_string_equal(self.hall, "H07");
    char *hex_self = q_text(h, "SELECT hex(device) FROM device_self");
    char *hex_h07 = q_text(fx->office, "SELECT hex(device) FROM devices WHERE hall='H07'");
    char *hex_office = q_text(fx->office, "SELECT hex(device) FROM device_self");
    assert_string_equal(hex_self, hex_h07);
    assert_string_not_equal(hex_self, hex_office);
    assert_int_equal(tu_q_int(fx->office, "SELECT count(*) FROM devices WHERE hall='H07'"), 1);
    /* A kiosk pins the town key but never holds it. */
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk_h[32], pk_o[32];
    assert_int_equal(device_town_sk(h, sk, &e), EW_EDENIED);
    assert_int_equal(device_town_pk(h, pk_h), 0);
    assert_int_equal(device_town_pk(fx->office, pk_o), 0);
    assert_memory_equal(pk_h, pk_o, 32);

    /* The same records, byte for byte, and the same derived state. */
    char *rh = dump_records(h);
    same_text(fx->office_records, rh, "records");
    char *sa = tu_dump_state(fx->office), *sb = tu_dump_state(h);
    same_text(sa, sb, "derived state");
    /* The same devices known, with only the self-device differing in who it is. */
    static const char devices[] = "SELECT group_concat(x, ',') FROM (SELECT hex(device)||role||"
                                  "coalesce(hall,'')||slot||hex(pk) x FROM devices "
                                  "ORDER BY device)";
    char *da = q_text(fx->office, devices);
    char *db_ = q_text(h, devices);
    same_text(da, db_, "known devices");
    /* The kiosk's counters carry on past the records it authored. */
    assert_int_equal(tu_q_int(h, "SELECT next_seq FROM device_self"),
                     tu_q_int(h, "SELECT max(seq) FROM records r JOIN device_self s "
                              "ON r.device = s.device") + 1);
    free(da);
    free(db_);
    free(sa);
    free(sb);
    free(rh);
    free(hex_self);
    free(hex_h07);
    free(hex_office);
    sodium_memzero(&self, sizeof self);
    db_close(h);

    /* A hall the demo town does not have is refused, writing nothing. */
    sqlite3 *x = open_new(fx->dir, "h39.db");
    assert_int_equal(fill(x, 1, "H39", &e), EW_EINPUT);
    assert_non_null(strstr(e.msg, "H39"));
    assert_int_equal(tu_q_int(x, "SELECT count(*) FROM records"), 0);
    assert_int_equal(tu_q_int(x, "SELECT count(*) FROM device_self"), 0);
    db_close(x);
}

static void test_refuses_nonempty(void **state)
{
    Fixture *fx = *state;
    /* A demo town already there. */
    char *before = tu_dump_state(fx->office);
    char *self_before = q_text(fx->office, "SELECT hex(device)||next_seq||hlc FROM device_self");
    int64_t ndev = tu_q_int(fx->office, "SELECT count(*) FROM devices");
    int64_t nblob = tu_q_int(fx->office, "SELECT count(*) FROM blobs");
    EwErr e = {0};
    assert_int_equal(fill(fx->office, 1, NULL, &e), EW_ESTATE);
    assert_int_equal(e.code, EW_ESTATE);
    assert_non_null(strstr(e.msg, "already holds"));
    assert_int_equal(fill(fx->office, 7, "H03", &e), EW_ESTATE);
    char *after = tu_dump_state(fx->office);
    char *recs = dump_records(fx->office);
    char *self_after = q_text(fx->office, "SELECT hex(device)||next_seq||hlc FROM device_self");
    same_text(before, after, "derived state");
    same_text(fx->office_records, recs, "records");
    assert_string_equal(self_before, self_after);
    assert_int_equal(tu_q_int(fx->office, "SELECT count(*) FROM devices"), ndev);
    assert_int_equal(tu_q_int(fx->office, "SELECT count(*) FROM blobs"), nblob);
    assert_true(sqlite3_get_autocommit(fx->office)); /* no transaction left open */
    free(before);
    free(after);
    free(recs);
    free(self_before);
    free(self_after);

    /* A fresh office with a single record of its own (a setting). */
    sqlite3 *db = open_new(fx->dir, "one.db");
    DeviceSpec ds = {.role = "office", .town_name = "青石镇"};
    assert_int_equal(device_init(db, &ds, &e), EW_OK);
    Author self;
    assert_int_equal(db_begin(db, &e), EW_OK);
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(config_set(db, &self, "limit.green", "5", &e), EW_OK);
    assert_int_equal(db_commit(db, &e), EW_OK);
    before = tu_dump_state(db);
    assert_int_equal(fill(db, 1, NULL, &e), EW_ESTATE);
    after = tu_dump_state(db);
    same_text(before, after, "derived state");
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records"), 1);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM devices"), 1);
    free(before);
    free(after);
    sodium_memzero(&self, sizeof self);
    db_close(db);
}

static void test_keeps_init_identity(void **state)
{
    Fixture *fx = *state;
    sqlite3 *db = open_new(fx->dir, "init.db");
    EwErr e = {0};
    DeviceSpec ds = {.role = "office", .town_name = "青石镇"};
    assert_int_equal(device_init(db, &ds, &e), EW_OK);
    char *id_before = q_text(db, "SELECT hex(device) FROM device_self");
    char *pk_before = q_text(db, "SELECT hex(pk)||hex(town_pk) FROM device_self");
    fill_ok(db, 1, NULL);
    char *id_after = q_text(db, "SELECT hex(device) FROM device_self");
    char *pk_after = q_text(db, "SELECT hex(pk)||hex(town_pk) FROM device_self");
    assert_string_equal(id_before, id_after);
    assert_string_equal(pk_before, pk_after);
    check_figures(db);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records WHERE state IS NOT 1"), 0);

    /* Every office record is this device's; it is the only office device. */
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM devices WHERE role='office'"), 1);
    int64_t office_recs = tu_q_int(db, "SELECT count(*) FROM records r JOIN devices d "
                                    "ON d.device = r.device WHERE d.role='office'");
    int64_t own = tu_q_int(db, "SELECT count(*) FROM records r JOIN device_self s "
                            "ON s.device = r.device");
    assert_true(own > 200); /* the roster alone is over 200 records */
    assert_int_equal(own, office_recs);
    /* The same number of records of each kind as the demo's own office. */
    char *kinds_a = q_text(db, "SELECT group_concat(x, ',') FROM (SELECT kind||count(*) x FROM "
                               "records GROUP BY kind ORDER BY kind)");
    char *kinds_b = q_text(fx->office, "SELECT group_concat(x, ',') FROM (SELECT kind||count(*) x "
                                       "FROM records GROUP BY kind ORDER BY kind)");
    same_text(kinds_a, kinds_b, "record kinds");
    /* Its persisted counters moved past its records. */
    assert_int_equal(tu_q_int(db, "SELECT next_seq FROM device_self"), own + 1);
    /* Its kiosks are certified by this office's town key. */
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM devices WHERE role='hall' AND cert IS NULL"),
                     0);
    free(kinds_a);
    free(kinds_b);
    free(id_before);
    free(id_after);
    free(pk_before);
    free(pk_after);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_hall_view),
        cmocka_unit_test(test_refuses_nonempty),
        cmocka_unit_test(test_keeps_init_identity),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
