/*
 * test_schema.c: schema migrations and opening databases (src/core/schema.c,
 * src/core/db.c).
 *
 * For every earlier schema version v, a database is built at v
 * (db_open_raw + schema_migrate) and filled with what that version could
 * hold: nothing at 0; at 1, the record log alone (copied, unfolded, from a
 * town written at the latest version); once the derived tables exist, a
 * town written through the API. db_open then migrates it to SCHEMA_VERSION
 * and refolds; the same history continues on it, and it must
 * end with the same schema, the same log and the same folded state as a
 * database that was made at the latest version and saw the same history.
 *
 * Also: a database newer than this program is refused (EW_ESTATE) and left
 * as it was, and so are a negative version and another program's database;
 * the shipped steps still build the schema they shipped with; create=0 on
 * a missing path is EW_ENOTFOUND and creates nothing; files that are not
 * databases give an error, never a crash; a migration that fails leaves the
 * file at its old version.
 *
 * The statement cache (db.c): one buffer holding a different query each
 * time (the same address, as a reused string has) gets each its own
 * answer; the same text on two connections reads each its own database;
 * a query of the same text while one is in use gets a statement of its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appeal.h"
#include "config.h"
#include "db.h"
#include "device.h"
#include "fold.h"
#include "meeting.h"
#include "roster.h"
#include "testutil.h"

/* The day the town's history is written on (the clock is pinned to it). */
#define DAY "2026-03-02"

/* Every table and index of the current schema. */
static const char *const TABLES[] = {
    "device_self", "devices",  "records", "blobs",    "local_config",
    "fold_state",  "branches", "people",  "units",    "town_config",
    "appeals",     "timeline", "meetings", "meeting_tally",
};
static const char *const INDEXES[] = {"records_order", "people_name", "appeals_hall",
                                      "appeals_due"};

/* Asserts that a call returns EW_OK, printing err's message when not
 * (every caller has an EwErr named err in scope). */
#define OK(call)                                                                                  \
    do {                                                                                          \
        int rc_ = (call);                                                                         \
        if (rc_ != EW_OK)                                                                         \
            print_error("%s failed (%d): %s\n", #call, rc_, err.msg);                             \
        assert_int_equal(rc_, EW_OK);                                                             \
    } while (0)

/* ---- small helpers ---- */

static int64_t user_version(sqlite3 *db)
{
    int64_t v = -1;
    assert_int_equal(db_int(db, NULL, &v, -1, "PRAGMA user_version", NULL), EW_OK);
    return v;
}

static int has_object(sqlite3 *db, const char *type, const char *name)
{
    int64_t n = 0;
    assert_int_equal(db_int(db, NULL, &n, 0,
                            "SELECT count(*) FROM sqlite_schema WHERE type=? AND name=?", "tt",
                            type, name),
                     EW_OK);
    return n > 0;
}

static int64_t count(sqlite3 *db, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_int(db, NULL, &n, -1, sql, NULL), EW_OK);
    return n;
}

/* The schema, the log and the device's own state: what must be identical,
 * byte for byte, besides the folded tables. */
static char *dump_log(sqlite3 *db)
{
    static const char *const q[] = {
        "PRAGMA user_version",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
        "SELECT hex(device), seq, hlc, kind, hex(body), hex(prev), hex(hash), hex(sig) "
        "FROM records ORDER BY device, seq",
        "SELECT hex(hash), hex(data) FROM blobs ORDER BY hash",
        "SELECT hex(device), hex(pk), role, hall, slot, hex(cert) FROM devices ORDER BY device",
        "SELECT hex(device), role, hall, slot, hex(pk), hex(town_pk), town_name, next_seq, "
        "hex(prev), hlc, code_next, meeting_next, created FROM device_self",
        "SELECT * FROM local_config ORDER BY key",
        "SELECT hlc, hex(device), seq, version FROM fold_state",
        "SELECT * FROM meeting_tally ORDER BY meeting, subject, rating",
    };
    return tu_dump_queries(db, q, sizeof q / sizeof q[0]);
}

static void expect_same_text(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        /* print the first differing line */
        const char *g = got, *w = want;
        while (*g && *g == *w)
            g++, w++;
        while (g > got && g[-1] != '\n')
            g--, w--;
        print_error("%s differs:\n  got:  %.300s\n  want: %.300s\n", what, g, w);
    }
    assert_string_equal(got, want);
}

/* ---- the town's history ---- */

static void seed_of(const char *label, unsigned char seed[32])
{
    crypto_generichash(seed, 32, (const unsigned char *)label, strlen(label), NULL, 0);
}

static void make_kiosk(Author *a, const char *hall, char slot)
{
    char label[32];
    unsigned char seed[32];
    snprintf(label, sizeof label, "test kiosk %s %c", hall, slot);
    seed_of(label, seed);
    DeviceSpec ds = {.role = "hall", .hall = hall, .slot = slot, .seed = seed};
    device_make_author(a, &ds);
}

/* Picks up a simulated kiosk where its records end. */
static void resume_kiosk(sqlite3 *db, Author *a, const char *hall, char slot)
{
    make_kiosk(a, hall, slot);
    sqlite3_stmt *st = db_prep(db, NULL,
                               "SELECT seq, hash, hlc FROM records WHERE device=? "
                               "ORDER BY seq DESC LIMIT 1",
                               "b", a->id, (size_t)EW_DEVICE_LEN);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    a->next_seq = sqlite3_column_int64(st, 0) + 1;
    memcpy(a->prev, sqlite3_column_blob(st, 1), EW_HASH_LEN);
    a->hlc = sqlite3_column_int64(st, 2);
    db_done(st);
    int64_t opened = 0;
    assert_int_equal(db_int(db, NULL, &opened, 0,
                            "SELECT count(*) FROM records WHERE device=? AND kind='meeting.open'",
                            "b", a->id, (size_t)EW_DEVICE_LEN),
                     EW_OK);
    a->meeting_next = 1 + opened;
}

/* A record as it arrives from a stick: signed by a (not this device),
 * inserted, not folded. */
static void arrive(sqlite3 *db, Author *a, const char *kind, json_t *body)
{
    Record r;
    memset(&r, 0, sizeof r);
    memcpy(r.device, a->id, EW_DEVICE_LEN);
    r.seq = a->next_seq;
    r.hlc = count(db, "SELECT max(hlc) FROM records") + 1;
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    memcpy(r.prev, a->prev, EW_HASH_LEN);
    assert_int_equal(record_canonical(body, &r.body, &r.body_len), EW_OK);
    json_decref(body);
    record_sign(&r, a->sk);
    EwErr err = {0};
    OK(record_insert(db, &r, &err));
    a->next_seq++;
    memcpy(a->prev, r.hash, EW_HASH_LEN);
    a->hlc = r.hlc;
    record_clear(&r);
}

/* Part one, written before the upgrade: the office (this device), three
 * kiosks of two halls, the roster, a town setting, appeals through their
 * whole life, a closed meeting, a record the fold refuses and one of a kind
 * this version does not know. Needs the derived tables. */
static void write_history(sqlite3 *db)
{
    EwErr err = {0};
    unsigned char seed[32], town_seed[32], town_sk[crypto_sign_SECRETKEYBYTES];
    seed_of("test office", seed);
    seed_of("test town", town_seed);
    DeviceSpec ds = {.role = "office", .town_name = "青石镇", .seed = seed, .town_seed = town_seed};
    OK(db_begin(db, &err));
    OK(device_init(db, &ds, &err));
    Author off, h01, h02a, h02b;
    OK(device_load_self(db, &off, &err));
    OK(device_town_sk(db, town_sk, &err));
    make_kiosk(&h01, "H01", 'A');
    make_kiosk(&h02a, "H02", 'A');
    make_kiosk(&h02b, "H02", 'B');
    OK(device_register(db, &h01, town_sk, &err));
    OK(device_register(db, &h02a, town_sk, &err));
    OK(device_register(db, &h02b, town_sk, &err));

    const char *const grids[] = {"一组", "二组", NULL};
    char sec[ROSTER_ID_MAX], gl[ROSTER_ID_MAX], mem[ROSTER_ID_MAX], lead[ROSTER_ID_MAX],
        unit[ROSTER_ID_MAX];
    OK(roster_add_branch(db, &off, "H01", "青石村", grids, 0, &err));
    OK(roster_add_branch(db, &off, "H02", "白沙村", NULL, 0, &err));
    OK(roster_add_person(db, &off, NULL, "李秀英", "secretary", "H01", 0, sec, &err));
    OK(roster_add_person(db, &off, NULL, "张伟", "grid_leader", "H01", 0, gl, &err));
    OK(roster_add_person(db, &off, NULL, "王芳", "member", "H02", 0, mem, &err));
    OK(roster_add_person(db, &off, NULL, "刘洋", "leader", NULL, 0, lead, &err));
    OK(roster_add_unit(db, &off, NULL, "镇水利站", 0, unit, &err));
    OK(config_set(db, &off, "limit.green", "5", &err));
    OK(config_set(db, &off, "printer.width", "80", &err)); /* the device's own */

    char c1[CODE_MAX], c2[CODE_MAX], c3[CODE_MAX], r[RATING_CODE_LEN + 1];
    AppealNew in1 = {.hall = "H01", .category = "street_light",
                     .text = "村口路灯坏了三天，晚上看不见路。", .grid = "一组",
                     .source = "kiosk", .rating_code = "246810"};
    OK(appeal_add(db, &h01, &in1, 0, c1, r, &err));
    OK(appeal_grade(db, &h01, c1, "green", NULL, NULL, 0, &err));
    OK(appeal_assign(db, &off, c1, mem, lead, unit, NULL, NULL, 0, &err));
    OK(appeal_step(db, &off, "progress", c1, "电工已到现场查看。", NULL, 0, &err));
    OK(appeal_step(db, &h01, "solve", c1, "已更换灯泡，路灯恢复正常。", NULL, 0, &err));
    OK(appeal_publish(db, &h01, c1, NULL, 0, &err));
    OK(appeal_rate(db, &h02a, c1, "246810", "satisfied", NULL, 0, &err));

    AppealNew in2 = {.hall = "H02", .category = "water", .text = "水渠堵塞，农田灌溉困难。",
                     .source = "meeting", .rating_code = "135790"};
    OK(appeal_add(db, &h02a, &in2, 0, c2, r, &err));
    OK(appeal_grade(db, &off, c2, "orange", NULL, NULL, 0, &err));
    OK(appeal_step(db, &off, "escalate", c2, NULL, NULL, 0, &err));

    AppealNew in3 = {.hall = "H02", .category = "road_bridge", .text = "桥面有裂缝。",
                     .day = "2026-02-20", .rating_code = "000001"};
    OK(appeal_add(db, &h02b, &in3, 0, c3, r, &err));

    char mid[MEETING_ID_MAX];
    OK(meeting_open(db, &h01, "H01", "二月民情恳谈会", NULL, 0, NULL, 0, mid, &err));
    json_t *tallies = json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "branch", "excellent", 5, "good", 2,
                                sec, "good", 6, "fair", 1);
    OK(meeting_close_with(db, &h01, mid, tallies, 7, NULL, 0, &err));
    json_decref(tallies);

    /* From a stick: a kiosk grading an orange appeal green (refused), and a
     * kind written by a newer version (kept, not applied). */
    arrive(db, &h02a, "appeal.grade", json_pack("{s:s,s:s}", "code", c2, "grade", "green"));
    arrive(db, &h01, "appeal.future", json_pack("{s:s,s:i}", "code", c1, "level", 2));
    OK(fold_pending(db, NULL, &err));
    OK(db_commit(db, &err));
    sodium_memzero(town_sk, sizeof town_sk);
    /* the history has what it should: one refusal, one unknown kind */
    assert_int_equal(count(db, "SELECT count(*) FROM records WHERE state=0"), 2);
}

/* Part two, written after the upgrade: the office and a kiosk carry on
 * their chains, and a meeting is closed from the live counters that
 * version 3 added. */
static void write_more(sqlite3 *db)
{
    EwErr err = {0};
    Author off, h01;
    OK(device_load_self(db, &off, &err));
    resume_kiosk(db, &h01, "H01", 'A');
    char unit[ROSTER_ID_MAX], c4[CODE_MAX], c1[CODE_MAX], r[RATING_CODE_LEN + 1], *code = NULL;
    OK(db_begin(db, &err));
    OK(roster_add_unit(db, &off, NULL, "县交通局", 0, unit, &err));
    AppealNew in4 = {.hall = "H01", .category = "garbage", .text = "垃圾清运不及时。",
                     .source = "kiosk", .rating_code = "999999"};
    OK(appeal_add(db, &h01, &in4, 0, c4, r, &err));
    OK(appeal_grade(db, &off, c4, "blue", NULL, NULL, 0, &err));
    OK(db_text(db, &err, &code, "SELECT code FROM appeals WHERE status='solved'", NULL));
    assert_non_null(code);
    snprintf(c1, sizeof c1, "%s", code);
    free(code);
    OK(appeal_step(db, &off, "reopen", c1, "村民反映路灯又不亮了。", NULL, 0, &err));
    char mid[MEETING_ID_MAX];
    OK(meeting_open(db, &h01, "H01", "三月民情恳谈会", NULL, 0, NULL, 0, mid, &err));
    OK(db_run(db, &err,
              "INSERT INTO meeting_tally(meeting,subject,rating,count) VALUES"
              "(?,'branch','good',3),(?,'branch','poor',1)",
              "tt", mid, mid));
    OK(meeting_close(db, &h01, mid, NULL, 0, &err));
    OK(db_commit(db, &err));
}

/* ---- fixtures ---- */

typedef struct Fix {
    char *dir;
    char *ref_a;     /* a latest-version database after write_history */
    char *want_log;  /* dump_log of the latest-version database after both parts */
    char *want_state;/* tu_dump_state of it */
} Fix;

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    tu_pin_day(DAY);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    tu_rmdir(f->dir);
    free(f->dir);
    free(f->ref_a);
    free(f->want_log);
    free(f->want_state);
    free(f);
    return 0;
}

static sqlite3 *open_ok(const char *path, int create);

static void test_statement_cache(void **state)
{
    Fix *f = *state;
    char *pa = tu_path(f->dir, "a.db"), *pb = tu_path(f->dir, "b.db");
    sqlite3 *a = open_ok(pa, 1), *b = open_ok(pb, 1);
    EwErr e = {0};
    /* One buffer, many texts: the cache must never answer by address. */
    char sql[64];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 300; i++) {
            snprintf(sql, sizeof sql, "SELECT %d", i);
            int64_t v = -1;
            assert_int_equal(db_int(a, &e, &v, -1, sql, NULL), EW_OK);
            assert_int_equal(v, i);
        }
    /* The same literal on two connections: each its own database. */
    assert_int_equal(db_run(a, &e, "CREATE TABLE t(x)", NULL), EW_OK);
    assert_int_equal(db_run(b, &e, "CREATE TABLE t(x)", NULL), EW_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(db_run(a, &e, "INSERT INTO t VALUES(?)", "i", (int64_t)i), EW_OK);
    for (int i = 0; i < 5; i++) {
        int64_t na = -1, nb = -1;
        assert_int_equal(db_int(a, &e, &na, -1, "SELECT count(*) FROM t", NULL), EW_OK);
        assert_int_equal(db_int(b, &e, &nb, -1, "SELECT count(*) FROM t", NULL), EW_OK);
        assert_int_equal(na, 3);
        assert_int_equal(nb, 0);
    }
    /* Nested: the text in use is prepared afresh, and both give their rows. */
    const char *q = "SELECT x FROM t ORDER BY x";
    sqlite3_stmt *outer = db_prep(a, &e, q, NULL);
    assert_non_null(outer);
    int rows = 0;
    while (sqlite3_step(outer) == SQLITE_ROW) {
        sqlite3_stmt *inner = db_prep(a, &e, q, NULL);
        assert_non_null(inner);
        assert_true(inner != outer);
        int n = 0;
        while (sqlite3_step(inner) == SQLITE_ROW)
            n++;
        assert_int_equal(n, 3);
        db_done(inner);
        rows++;
    }
    db_done(outer);
    assert_int_equal(rows, 3);
    db_close(a);
    db_close(b);
    free(pa);
    free(pb);
}

static sqlite3 *open_ok(const char *path, int create)
{
    sqlite3 *db = NULL;
    EwErr err = {0};
    OK(db_open(path, create, &db, &err));
    assert_non_null(db);
    return db;
}

/* Builds the reference: made at the latest version, both parts written. */
static void build_reference(Fix *f)
{
    f->ref_a = tu_path(f->dir, "ref-a.db");
    sqlite3 *db = open_ok(f->ref_a, 1);
    assert_int_equal(user_version(db), SCHEMA_VERSION);
    write_history(db);
    db_close(db);
    assert_int_not_equal(access(f->ref_a, F_OK), -1);
    char *ref = tu_path(f->dir, "ref.db");
    tu_copy_file(f->ref_a, ref);
    db = open_ok(ref, 0);
    write_more(db);
    f->want_log = dump_log(db);
    f->want_state = tu_dump_state(db);
    db_close(db);
    /* a history worth comparing: four appeals, two meetings closed, two
     * records not applied (a refusal and an unknown kind) */
    db = open_ok(ref, 0);
    assert_int_equal(count(db, "SELECT count(*) FROM appeals"), 4);
    assert_int_equal(count(db, "SELECT count(*) FROM meetings WHERE status='closed'"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM records WHERE state=0"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM timeline WHERE applied=0"), 2);
    db_close(db);
    free(ref);
}

/* Copies the log (the tables that exist at this version) from another
 * database, the columns this version has; records arrive unfolded. */
static void copy_log(sqlite3 *db, const char *from)
{
    EwErr err = {0};
    OK(db_run(db, &err, "ATTACH DATABASE ? AS src", "t", from));
    static const char *const log[] = {"device_self", "devices", "records", "blobs",
                                      "local_config"};
    for (size_t i = 0; i < sizeof log / sizeof log[0]; i++) {
        if (!has_object(db, "table", log[i]))
            continue;
        char *cols = NULL;
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT group_concat(name, ',') FROM pragma_table_info('%s') "
                 "WHERE name NOT IN ('state','note')",
                 log[i]);
        OK(db_text(db, &err, &cols, sql, NULL));
        assert_non_null(cols);
        char *copy = ew_xasprintf("INSERT INTO main.%s(%s) SELECT %s FROM src.%s", log[i], cols,
                                  cols, log[i]);
        OK(db_exec(db, &err, copy));
        free(copy);
        free(cols);
    }
    OK(db_exec(db, &err, "DETACH DATABASE src"));
    assert_true(count(db, "SELECT count(*) FROM records") > 20);
}

/* How a database of an older version gets its history. */
enum Fill { FILL_LATER, FILL_LOG, FILL_API };

static void migrate_case(Fix *f, int v, enum Fill fill)
{
    EwErr err = {0};
    char name[32];
    snprintf(name, sizeof name, "v%d-%d.db", v, (int)fill);
    char *path = tu_path(f->dir, name);
    sqlite3 *db;
    OK(db_open_raw(path, &db, &err));
    int refold = 0;
    OK(schema_migrate(db, v, &refold, &err));
    assert_int_equal(user_version(db), v);
    /* Nothing of a later version is there yet. */
    if (v < 2)
        assert_false(has_object(db, "table", "fold_state"));
    if (v < 3)
        assert_false(has_object(db, "table", "meeting_tally"));
    if (v >= 1)
        assert_true(has_object(db, "table", "records"));
    if (fill == FILL_LOG) {
        copy_log(db, f->ref_a);
        assert_int_equal(count(db, "SELECT count(*) FROM records WHERE state IS NOT NULL"), 0);
    } else if (fill == FILL_API) {
        write_history(db);
    }
    db_close(db);

    db = open_ok(path, 0);
    assert_int_equal(user_version(db), SCHEMA_VERSION);
    for (size_t i = 0; i < sizeof TABLES / sizeof TABLES[0]; i++)
        if (!has_object(db, "table", TABLES[i])) {
            print_error("v%d: no table %s after migrating\n", v, TABLES[i]);
            fail();
        }
    for (size_t i = 0; i < sizeof INDEXES / sizeof INDEXES[0]; i++)
        assert_true(has_object(db, "index", INDEXES[i]));
    /* db_open refolded: every record has a verdict */
    assert_int_equal(count(db, "SELECT count(*) FROM records WHERE state IS NULL"), 0);
    if (fill == FILL_LATER)
        write_history(db);
    write_more(db);
    char *log = dump_log(db), *st = tu_dump_state(db);
    db_close(db);
    char what[64];
    snprintf(what, sizeof what, "log of a database from version %d (fill %d)", v, (int)fill);
    expect_same_text(what, log, f->want_log);
    snprintf(what, sizeof what, "state of a database from version %d (fill %d)", v, (int)fill);
    expect_same_text(what, st, f->want_state);
    free(log);
    free(st);
    free(path);
}

/* ---- tests ---- */

static void test_migrate_from_every_version(void **state)
{
    Fix *f = *state;
    build_reference(f);
    int cases = 0;
    for (int v = 0; v < SCHEMA_VERSION; v++) {
        /* Learn what this version has from the file itself. */
        EwErr err = {0};
        char name[32];
        snprintf(name, sizeof name, "probe-v%d.db", v);
        char *probe = tu_path(f->dir, name);
        sqlite3 *db;
        OK(db_open_raw(probe, &db, &err));
        OK(schema_migrate(db, v, NULL, &err));
        int has_log = has_object(db, "table", "records");
        int has_derived = has_object(db, "table", "fold_state");
        db_close(db);
        free(probe);
        if (!has_log) {
            migrate_case(f, v, FILL_LATER);
            cases++;
        }
        /* A log with no derived tables beside it: folded first by db_open.
         * (Once derived tables exist, records at rest are always folded.) */
        if (has_log && !has_derived) {
            migrate_case(f, v, FILL_LOG);
            cases++;
        }
        /* With derived tables too: written as the log alone as well, since
         * today's API writes today's schema (a step may add tables the
         * current fold needs, as step 4 did); the refold fills the rest. */
        if (has_derived) {
            migrate_case(f, v, FILL_LOG);
            cases++;
        }
    }
    assert_true(cases >= SCHEMA_VERSION);
}

static void test_migrate_steps(void **state)
{
    Fix *f = *state;
    EwErr err = {0};
    char *path = tu_path(f->dir, "steps.db");
    sqlite3 *db;
    OK(db_open_raw(path, &db, &err));
    assert_int_equal(user_version(db), 0);
    int refold = 0;
    /* step 1 is the log alone: nothing to refold */
    OK(schema_migrate(db, 1, &refold, &err));
    assert_int_equal(user_version(db), 1);
    assert_int_equal(refold, 0);
    /* later steps change derived tables */
    OK(schema_migrate(db, SCHEMA_VERSION, &refold, &err));
    assert_int_equal(user_version(db), SCHEMA_VERSION);
    assert_int_equal(refold, 1);
    /* at the target already: nothing happens */
    refold = 0;
    OK(schema_migrate(db, SCHEMA_VERSION, &refold, &err));
    assert_int_equal(refold, 0);
    /* a target past the last step stops at the last step */
    OK(schema_migrate(db, SCHEMA_VERSION + 5, NULL, &err));
    assert_int_equal(user_version(db), SCHEMA_VERSION);
    db_close(db);
    /* the same schema as a database made by db_open */
    char *fresh = tu_path(f->dir, "fresh.db");
    sqlite3 *a = open_ok(fresh, 1), *b = open_ok(path, 0);
    static const char *const q[] = {
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"};
    char *sa = tu_dump_queries(a, q, 1), *sb = tu_dump_queries(b, q, 1);
    expect_same_text("schema", sb, sa);
    free(sa);
    free(sb);
    db_close(a);
    db_close(b);
    free(fresh);
    free(path);
}

/* BLAKE2b-256 of the schema (sqlite_schema rows) after steps 1..v, for
 * v = 1, 2, 3... schema.c keeps each step exactly as it shipped, because
 * databases in the field were built by it: editing a shipped step would
 * give a database migrated from that version a schema that differs from a
 * fresh one, which no other test here can see (both run the edited step).
 * These hashes were computed once from the steps as shipped. A new step
 * adds a line; an existing line must never change. */
static const char *const SHIPPED[] = {
    "65c544ea3623e444a4b639eff5092c48dcaf31bec78f4b0b126d150ad3828181",
    "fe7a4a3f40961b123ae1deaf346ee224dad20d3d911183a3389ad73bf62b137c",
    "459bb1c8ab9f3616f4ee8594bf0accaa1db6be7ce72e50177244b0e1a85ad581",
    "adfb3964d129a1aa58926a997bf024d533cced2de8551768991ab40138fc24ae",
    "d50a2e982ace160dd55d5552336ca7c75344d3aca8ffc5510213b2fee6c748f3",
};

static void test_shipped_steps_unchanged(void **state)
{
    Fix *f = *state;
    EwErr err = {0};
    char *path = tu_path(f->dir, "shipped.db");
    sqlite3 *db;
    OK(db_open_raw(path, &db, &err));
    static const char *const q[] = {
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name"};
    for (int v = 1; v <= SCHEMA_VERSION; v++) {
        OK(schema_migrate(db, v, NULL, &err));
        char *text = tu_dump_queries(db, q, 1);
        unsigned char h[32];
        char hex[65];
        crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
        ew_hex(h, sizeof h, hex);
        if (v > (int)(sizeof SHIPPED / sizeof SHIPPED[0])) {
            print_error("schema version %d has no pinned hash: add \"%s\" to SHIPPED\n", v,
                        hex);
            fail();
        }
        if (strcmp(hex, SHIPPED[v - 1]) != 0)
            print_error("the schema after step %d changed (now %s):\n%s\n", v, hex, text);
        assert_string_equal(hex, SHIPPED[v - 1]);
        free(text);
    }
    db_close(db);
    free(path);
}

static void test_newer_version_refused(void **state)
{
    Fix *f = *state;
    EwErr err = {0};
    char *path = tu_path(f->dir, "newer.db");
    sqlite3 *db = open_ok(path, 1);
    OK(db_exec(db, &err, "CREATE TABLE from_the_future(x); INSERT INTO from_the_future VALUES(1)"));
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", SCHEMA_VERSION + 1);
    OK(db_exec(db, &err, sql));
    db_close(db);
    for (int create = 0; create <= 1; create++) {
        EwErr e = {0};
        sqlite3 *out = (sqlite3 *)&e; /* must be reset to NULL */
        assert_int_equal(db_open(path, create, &out, &e), EW_ESTATE);
        assert_null(out);
        assert_int_equal(e.code, EW_ESTATE);
        /* a clear message: which file, which versions */
        char newer[16], ours[16];
        snprintf(newer, sizeof newer, "%d", SCHEMA_VERSION + 1);
        snprintf(ours, sizeof ours, "%d", SCHEMA_VERSION);
        assert_non_null(strstr(e.msg, path));
        assert_non_null(strstr(e.msg, newer));
        assert_non_null(strstr(e.msg, ours));
        assert_non_null(strstr(e.msg, "newer"));
    }
    /* left as it was */
    OK(db_open_raw(path, &db, &err));
    assert_int_equal(user_version(db), SCHEMA_VERSION + 1);
    assert_int_equal(count(db, "SELECT x FROM from_the_future"), 1);
    db_close(db);
    free(path);
}

/* A negative user_version (a damaged or hand-made file) is refused, not
 * used as an index into the steps. */
static void test_negative_version_refused(void **state)
{
    Fix *f = *state;
    EwErr err = {0};
    char *path = tu_path(f->dir, "negative.db");
    for (int v = -1; v >= -3; v -= 2) {
        sqlite3 *db;
        OK(db_open_raw(path, &db, &err));
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v);
        OK(db_exec(db, &err, sql));
        assert_int_equal(user_version(db), v);
        EwErr e = {0};
        assert_int_equal(schema_migrate(db, SCHEMA_VERSION, NULL, &e), EW_ECORRUPT);
        assert_true(strlen(e.msg) > 0);
        db_close(db);
        sqlite3 *out = (sqlite3 *)&e;
        assert_int_equal(db_open(path, 0, &out, &e), EW_ECORRUPT);
        assert_null(out);
        assert_non_null(strstr(e.msg, path));
        OK(db_open_raw(path, &db, &err));
        assert_int_equal(user_version(db), v);
        assert_false(has_object(db, "table", "records"));
        db_close(db);
    }
    free(path);
}

/* Another program's SQLite database (tables, user_version 0) is not turned
 * into an echowall one. */
static void test_foreign_database_untouched(void **state)
{
    Fix *f = *state;
    EwErr err = {0};
    char *path = tu_path(f->dir, "foreign.db");
    sqlite3 *db;
    OK(db_open_raw(path, &db, &err));
    OK(db_exec(db, &err, "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT);"
                         "INSERT INTO notes(text) VALUES('买菜'),('交电费');"));
    db_close(db);
    for (int create = 0; create <= 1; create++) {
        EwErr e = {0};
        sqlite3 *out = (sqlite3 *)&e;
        assert_int_equal(db_open(path, create, &out, &e), EW_ESTATE);
        assert_null(out);
        assert_non_null(strstr(e.msg, path));
    }
    OK(db_open_raw(path, &db, &err));
    assert_int_equal(user_version(db), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM sqlite_schema"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM notes"), 2);
    db_close(db);
    free(path);
}

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_missing_not_created(void **state)
{
    Fix *f = *state;
    char *path = tu_path(f->dir, "missing.db");
    EwErr err = {0};
    sqlite3 *db = (sqlite3 *)&err;
    assert_int_equal(db_open(path, 0, &db, &err), EW_ENOTFOUND);
    assert_null(db);
    assert_int_equal(err.code, EW_ENOTFOUND);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(dir_entries(f->dir), 0); /* no -wal, -shm or journal either */
    /* nor in a folder that does not exist */
    char *deep = tu_path(f->dir, "no/such/folder/x.db");
    assert_int_equal(db_open(deep, 0, &db, &err), EW_ENOTFOUND);
    assert_null(db);
    assert_int_equal(dir_entries(f->dir), 0);
    /* with create=1 the same path gives a current database */
    db = open_ok(path, 1);
    assert_int_equal(user_version(db), SCHEMA_VERSION);
    db_close(db);
    assert_int_equal(access(path, F_OK), 0);
    free(deep);
    free(path);
}

/* Deterministic noise (xorshift), so a failure can be replayed. */
static void noise(unsigned char *buf, size_t n, uint64_t s)
{
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        buf[i] = (unsigned char)(s >> 24);
    }
}

static void expect_not_a_database(Fix *f, const char *name, const unsigned char *data, size_t n)
{
    char *path = tu_path(f->dir, name);
    for (int how = 0; how < 3; how++) {
        tu_write_file(path, data, n);
        EwErr err = {0};
        sqlite3 *db = (sqlite3 *)&err;
        int rc = how == 2 ? db_open_raw(path, &db, &err) : db_open(path, how, &db, &err);
        if (rc == EW_OK) {
            print_error("%s opened as a database (how %d)\n", name, how);
            db_close(db);
            fail();
        }
        assert_true(rc < 0);
        assert_null(db);
        assert_int_equal(err.code, rc);
        assert_true(strlen(err.msg) > 0);
        /* and left alone */
        size_t len = 0;
        unsigned char *back = tu_read_file(path, &len);
        assert_non_null(back);
        assert_int_equal(len, n);
        assert_memory_equal(back, data, n);
        free(back);
    }
    free(path);
}

static void test_not_a_database(void **state)
{
    Fix *f = *state;
    unsigned char *buf = malloc(65536);
    assert_non_null(buf);
    for (uint64_t s = 1; s <= 8; s++) {
        size_t n = s % 2 ? 4096 : 65536;
        noise(buf, n, s * 0x9E3779B97F4A7C15ULL);
        char name[32];
        snprintf(name, sizeof name, "noise-%d.db", (int)s);
        expect_not_a_database(f, name, buf, n);
    }
    const char text[] = "代码,姓名\nH01-A222S,张三\n";
    expect_not_a_database(f, "text.db", (const unsigned char *)text, sizeof text - 1);
    /* SQLite's magic followed by noise */
    noise(buf, 8192, 77);
    memcpy(buf, "SQLite format 3", 16);
    expect_not_a_database(f, "header.db", buf, 8192);
    free(buf);

    /* A real database cut short after its first page. */
    char *whole = tu_path(f->dir, "whole.db");
    sqlite3 *db = open_ok(whole, 1);
    write_history(db);
    db_close(db);
    size_t len = 0;
    unsigned char *bytes = tu_read_file(whole, &len);
    assert_non_null(bytes);
    assert_true(len > 8192);
    expect_not_a_database(f, "cut.db", bytes, 4096);
    free(bytes);
    free(whole);
}

/* A step that fails (here: a table of step 2 already there) leaves the
 * database at its old version, with its log intact. */
static void test_failed_migration_rolls_back(void **state)
{
    Fix *f = *state;
    EwErr err = {0};
    build_reference(f);
    char *path = tu_path(f->dir, "clash.db");
    sqlite3 *db;
    OK(db_open_raw(path, &db, &err));
    OK(schema_migrate(db, 1, NULL, &err));
    copy_log(db, f->ref_a);
    int64_t records = count(db, "SELECT count(*) FROM records");
    OK(db_exec(db, &err, "CREATE TABLE branches(x)"));
    db_close(db);
    EwErr e = {0};
    sqlite3 *out = (sqlite3 *)&e;
    int rc = db_open(path, 0, &out, &e);
    assert_int_equal(rc, EW_EDB);
    assert_null(out);
    assert_non_null(strstr(e.msg, "branches"));
    OK(db_open_raw(path, &db, &err));
    assert_int_equal(user_version(db), 1);
    assert_false(has_object(db, "table", "fold_state"));
    assert_false(has_object(db, "table", "appeals"));
    assert_int_equal(count(db, "SELECT count(*) FROM records"), records);
    assert_int_equal(count(db, "SELECT count(*) FROM records WHERE state IS NOT NULL"), 0);
    /* once the clash is gone it migrates */
    OK(db_exec(db, &err, "DROP TABLE branches"));
    db_close(db);
    db = open_ok(path, 0);
    assert_int_equal(user_version(db), SCHEMA_VERSION);
    assert_int_equal(count(db, "SELECT count(*) FROM records WHERE state IS NULL"), 0);
    db_close(db);
    free(path);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_from_every_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_steps_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negative_version_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_database_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_not_created, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
