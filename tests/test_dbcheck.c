/*
 * test_dbcheck.c: the boot-time integrity check and the rebuild of a
 * damaged database (src/core/dbcheck.c), on real damage to real files.
 *
 * The town is the demo town (seed 1, TODAY) as in test_sync.c: an office
 * and hall H07 built from the same seed hold the same records, so they sync
 * with each other through a memfs stick. Which records sit on which page is
 * read from the file's bytes by a small b-tree leaf parser of the test's own
 * (the records table is a WITHOUT ROWID table: index b-tree leaves, type
 * 0x0a, whose cells begin with the key device, seq), so "every record on an
 * undamaged page came back" is checked against an independent reader.
 *
 *  1. a clean database: exit 0, not a byte changed, nothing written beside;
 *  2. two damaged leaves of the records table: detected, the damaged file
 *     kept byte for byte, every record on the other pages salvaged and
 *     re-verified, exactly the damaged pages' records reported lost, the
 *     identity kept; the device's own lost records hold its writes; a stick
 *     round trip with the office brings every record back, the fold equals
 *     the office's, and its next record follows its chain without a fork;
 *  3. a file cut short; 4. a zeroed header (everything read back);
 *  5. a file that is no database at all;
 *  6. the identity lost: the kiosk comes back blank, and once enrolled takes
 *     its old records from the kept file (`db salvage`);
 *  7. a power cut at each step of the repair: the damaged file is always
 *     there (in place or kept), and running again finishes.
 * The kiosk's Home is told while writes are held (source.c's figures).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appeal.h"
#include "clock.h"
#include "code.h"
#include "db.h"
#include "dbcheck.h"
#include "device.h"
#include "memfs.h"
#include "record.h"
#include "source.h"
#include "sync.h"
#include "testutil.h"

#define TODAY "2025-06-01"
#define STICK "/stick"

static char *g_dir;

static void ok_rc(int rc, const EwErr *e, const char *what)
{
    if (rc)
        print_error("%s: %d %s\n", what, rc, e ? e->msg : "");
    assert_int_equal(rc, EW_OK);
}

static int group_setup(void **state)
{
    (void)state;
    int64_t today;
    tu_pin_day(TODAY);
    g_dir = tu_tmpdir();
    assert_int_equal(clock_parse_day(TODAY, &today), 0);
    db_close(tu_demo_db(g_dir, "office.db", 1, NULL, today));
    db_close(tu_demo_db(g_dir, "h07.db", 1, "H07", today));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmdir(g_dir);
    free(g_dir);
    clock_set_fixed(0);
    return 0;
}

/* ---- files and pages ---- */

static char *copy_of(const char *dir, const char *tmpl, const char *name)
{
    char *src = tu_path(g_dir, tmpl), *dst = tu_copy_db(src, dir, name);
    free(src);
    return dst;
}

static sqlite3 *open_path(const char *path)
{
    sqlite3 *db;
    EwErr e = {0};
    ok_rc(db_open(path, 0, &db, &e), &e, path);
    return db;
}

static void integrity_ok(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* One record key found on a page. */
typedef struct Key {
    unsigned char device[EW_DEVICE_LEN];
    int64_t seq;
} Key;

static uint64_t varint(const unsigned char *p, size_t *used)
{
    uint64_t v = 0;
    for (int i = 0; i < 9; i++) {
        if (i == 8) {
            *used = 9;
            return (v << 8) | p[i];
        }
        v = (v << 7) | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            *used = (size_t)i + 1;
            return v;
        }
    }
    return v;
}

/* The (device, seq) keys in the cells of one records leaf page. */
static size_t leaf_keys(const unsigned char *file, size_t page_size, int64_t pageno, Key *out,
                        size_t max)
{
    const unsigned char *page = file + (size_t)(pageno - 1) * page_size;
    const unsigned char *hdr = page + (pageno == 1 ? 100 : 0);
    assert_int_equal(hdr[0], 0x0a); /* a leaf of an index b-tree (WITHOUT ROWID table) */
    size_t ncells = (size_t)hdr[3] << 8 | hdr[4], n = 0;
    for (size_t i = 0; i < ncells && n < max; i++) {
        size_t off = (size_t)hdr[8 + 2 * i] << 8 | hdr[9 + 2 * i], u;
        const unsigned char *c = page + off;
        varint(c, &u); /* payload length */
        c += u;
        size_t hsize = (size_t)varint(c, &u);
        const unsigned char *types = c + u, *val = c + hsize;
        uint64_t t0 = varint(types, &u), t1 = varint(types + u, &u);
        assert_int_equal(t0, 12 + 2 * EW_DEVICE_LEN); /* a 16-byte blob */
        memcpy(out[n].device, val, EW_DEVICE_LEN);
        static const int len[] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0};
        assert_true(t1 >= 1 && t1 <= 9 && t1 != 7);
        int64_t seq = t1 == 8 ? 0 : t1 == 9 ? 1 : 0;
        for (int k = 0; k < len[t1]; k++)
            seq = seq << 8 | val[EW_DEVICE_LEN + k];
        out[n++].seq = seq;
    }
    return n;
}

/* The leaf pages of the records table, in key order (dbstat walks the
 * b-tree), into pages[]; their count. */
static size_t record_leaves(const char *path, int64_t *pages, size_t max)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT pageno FROM dbstat WHERE name='records' AND "
                                        "pagetype='leaf' ORDER BY path",
                                        -1, &st, NULL),
                     SQLITE_OK);
    size_t n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        pages[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Overwrites the middle of a page (its cells) with junk, header intact. */
static void damage_page(const char *path, size_t page_size, int64_t pageno)
{
    size_t len;
    unsigned char *b = tu_read_file(path, &len);
    assert_non_null(b);
    unsigned char *page = b + (size_t)(pageno - 1) * page_size;
    for (size_t i = page_size / 4; i < page_size - 16; i++)
        page[i] = (unsigned char)(0xa5 ^ (i * 7));
    tu_write_file(path, b, len);
    free(b);
}

/* 1 when the file at path holds exactly these bytes. */
static int file_is(const char *path, const unsigned char *bytes, size_t len)
{
    size_t n = 0;
    unsigned char *got = path ? tu_read_file(path, &n) : NULL;
    int same = got && n == len && memcmp(got, bytes, len) == 0;
    free(got);
    return same;
}

static json_t *run(const char *path, int repair, const DbcheckHooks *h, int want)
{
    json_t *r = NULL;
    EwErr e = {0};
    int rc = dbcheck_run(path, repair, h, &r, &e);
    if (rc != want)
        print_error("dbcheck_run: %d (wanted %d) %s\n%s\n", rc, want, e.msg,
                    r ? json_string_value(json_object_get(r, "text")) : "");
    assert_int_equal(rc, want);
    assert_non_null(r);
    assert_non_null(json_string_value(json_object_get(r, "text")));
    return r;
}

static const char *state_of(json_t *r) { return json_string_value(json_object_get(r, "state")); }

/* Files in dir whose names start with prefix. */
static int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void self_of(sqlite3 *db, Author *a)
{
    EwErr e = {0};
    ok_rc(device_load_self(db, a, &e), &e, "device_load_self");
}

/* The identity, page size (when asked) and record count of a database. */
static int64_t facts_of(const char *path, Author *self, int64_t *page_size)
{
    sqlite3 *db = open_path(path);
    int64_t n = tu_q_int(db, "SELECT count(*) FROM records");
    if (page_size)
        *page_size = tu_q_int(db, "PRAGMA page_size");
    self_of(db, self);
    db_close(db);
    return n;
}

static int add_appeal(sqlite3 *db, const char *text, EwErr *e)
{
    Author a;
    self_of(db, &a);
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = "H07", .category = "street_light", .text = text, .source = "kiosk"};
    int rc = db_begin(db, e);
    if (rc == EW_OK)
        rc = appeal_add(db, &a, &in, 0, code, rating, e);
    if (rc == EW_OK)
        rc = db_commit(db, e);
    if (rc)
        db_rollback(db);
    return rc;
}

/* What the kiosk's Home screen is told: 1 while writes are held. */
static int kiosk_held(sqlite3 *db)
{
    Source src;
    Figures fig;
    char msg[200];
    source_init(&src, db);
    assert_int_equal(src.figures(src.ctx, &fig, msg, sizeof msg), 0);
    int held = fig.held;
    figures_free(&fig);
    return held;
}

static json_t *sync_ok(sqlite3 *db, StickIO *io)
{
    json_t *r = NULL;
    EwErr e = {0};
    ok_rc(sync_stick(db, io, STICK, &r, &e), &e, "sync_stick");
    return r;
}

/* ================================================================== */

static void test_clean(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = copy_of(dir, "h07.db", "h07.db");
    TuSnap snap = tu_snap_take(path);
    json_t *r = run(path, 1, NULL, EW_OK);
    assert_string_equal(state_of(r), "clean");
    json_decref(r);
    assert_true(tu_snap_same(&snap));
    tu_snap_free(&snap);
    assert_int_equal(count_files(dir, "h07.db."), 0);
    CtlRun c = tu_ctl(path, "db", "check", NULL);
    assert_int_equal(c.status, 0);
    assert_non_null(strstr(c.out, "passed"));
    tu_ctl_free(&c);
    /* Beside a running kiosk (its connection open): its -wal stays, and
     * what it writes afterwards is kept. */
    sqlite3 *live = open_path(path);
    EwErr e = {0};
    ok_rc(db_exec(live, &e, "INSERT INTO local_config VALUES('test.before', '1')"), &e, "write");
    r = run(path, 0, NULL, EW_OK);
    json_decref(r);
    char *wal = tu_suffixed(path, "-wal");
    assert_int_equal(access(wal, F_OK), 0);
    free(wal);
    ok_rc(db_exec(live, &e, "INSERT INTO local_config VALUES('test.after', '1')"), &e, "write");
    db_close(live);
    live = open_path(path);
    assert_int_equal(tu_q_int(live, "SELECT count(*) FROM local_config WHERE key LIKE 'test.%'"), 2);
    db_close(live);
    /* No file: nothing to check, nothing made. */
    char *none = tu_path(dir, "none.db");
    r = run(none, 1, NULL, EW_OK);
    assert_string_equal(state_of(r), "absent");
    json_decref(r);
    assert_int_equal(access(none, F_OK), -1);
    free(none);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

/* Every record of a database, "device|seq|hash" per line, sorted. */
static char *records_of(sqlite3 *db, const char *table)
{
    char *q = ew_xasprintf("SELECT lower(hex(device)) || '|' || seq || '|' || lower(hex(hash)) "
                           "FROM %s ORDER BY device, seq",
                           table);
    const char *qs[] = {q};
    char *out = tu_dump_queries(db, qs, 1);
    free(q);
    return out;
}

static int has_key(sqlite3 *db, const Key *k)
{
    int64_t n = 0;
    db_int(db, NULL, &n, 0,
           "SELECT (SELECT count(*) FROM records WHERE device=?1 AND seq=?2) + (SELECT count(*) "
           "FROM waiting WHERE device=?1 AND seq=?2)",
           "bi", k->device, (size_t)EW_DEVICE_LEN, k->seq);
    return n > 0;
}

static void test_damaged_leaves_and_resync(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *hpath = copy_of(dir, "h07.db", "h07.db"), *opath = copy_of(dir, "office.db", "office.db");
    sqlite3 *h07 = open_path(hpath), *office = open_path(opath);
    StickIO *io = memfs_new();
    assert_int_equal(memfs_add_dir(io, STICK), 0);
    EwErr e = {0};
    /* The hall's own appeals, known to the office after a round trip. */
    for (int i = 0; i < 12; i++) {
        char text[80];
        snprintf(text, sizeof text, "第%d盏路灯坏了，晚上很黑。", i + 1);
        ok_rc(add_appeal(h07, text, &e), &e, "appeal");
    }
    json_decref(sync_ok(h07, io));
    json_decref(sync_ok(office, io));
    json_decref(sync_ok(h07, io));
    Author self;
    self_of(h07, &self);
    int64_t next_seq = self.next_seq;
    char *before = tu_dump_state(h07), *office_state = tu_dump_state(office);
    assert_string_equal(before, office_state);
    int64_t n_records = tu_q_int(h07, "SELECT count(*) FROM records");
    int64_t page_size = tu_q_int(h07, "PRAGMA page_size");
    db_close(h07);

    /* Damage two leaves apart from each other: the one with this hall's
     * newest record, and another one further on (or before). */
    int64_t pages[512];
    size_t nleaf = record_leaves(hpath, pages, 512);
    assert_true(nleaf >= 6);
    size_t flen;
    unsigned char *file = tu_read_file(hpath, &flen);
    Key keys[4096], lost[1024];
    size_t nlost = 0, own_leaf = nleaf;
    for (size_t i = 0; i < nleaf && own_leaf == nleaf; i++) {
        size_t n = leaf_keys(file, (size_t)page_size, pages[i], keys, 4096);
        for (size_t k = 0; k < n; k++)
            if (memcmp(keys[k].device, self.id, EW_DEVICE_LEN) == 0 &&
                keys[k].seq == next_seq - 1)
                own_leaf = i;
    }
    assert_true(own_leaf < nleaf);
    size_t other = own_leaf >= nleaf / 2 ? own_leaf - 3 : own_leaf + 3;
    size_t chosen[2] = {own_leaf, other};
    for (int c = 0; c < 2; c++) {
        size_t n = leaf_keys(file, (size_t)page_size, pages[chosen[c]], lost + nlost, 1024 - nlost);
        nlost += n;
    }
    free(file);
    for (int c = 0; c < 2; c++)
        damage_page(hpath, (size_t)page_size, pages[chosen[c]]);
    size_t dlen;
    unsigned char *damaged = tu_read_file(hpath, &dlen);

    /* Detected; nothing changed without --repair. */
    json_t *r = run(hpath, 0, NULL, EW_ECORRUPT);
    assert_string_equal(state_of(r), "damaged");
    assert_true(json_array_size(json_object_get(r, "problems")) > 0);
    json_decref(r);
    CtlRun c = tu_ctl(hpath, "db", "check", NULL);
    assert_int_equal(c.status, 1);
    assert_non_null(strstr(c.out, "damaged"));
    tu_ctl_free(&c);
    assert_true(file_is(hpath, damaged, dlen));

    /* Repaired. */
    c = tu_ctl(hpath, "db", "check", "--repair", "--json", NULL);
    assert_int_equal(c.status, 0);
    r = json_loads(c.out, 0, NULL);
    tu_ctl_free(&c);
    assert_non_null(r);
    assert_string_equal(state_of(r), "repaired");
    print_message("%s\n", json_string_value(json_object_get(r, "text")));
    const char *kept = json_string_value(json_object_get(r, "kept"));
    assert_non_null(kept);
    assert_true(file_is(kept, damaged, dlen)); /* kept, byte for byte */
    free(damaged);
    integrity_ok(hpath);
    assert_string_equal(json_string_value(json_object_get(r, "identity")), "kept");
    json_t *own = json_object_get(r, "own_missing");
    assert_true(json_is_array(own));
    assert_int_equal(json_integer_value(json_array_get(own, 1)), next_seq - 1);
    assert_non_null(strstr(json_string_value(json_object_get(r, "text")), "own records"));

    h07 = open_path(hpath);
    Author after;
    self_of(h07, &after);
    assert_memory_equal(after.id, self.id, EW_DEVICE_LEN); /* same identity */
    assert_memory_equal(after.sk, self.sk, sizeof self.sk);
    assert_int_equal(after.next_seq, next_seq);            /* counter not rewound */
    /* Every record on an undamaged page is back (in the log, or waiting
     * for a lost predecessor); of the damaged pages' records, those not
     * back are exactly the ones reported lost. */
    int64_t present = tu_q_int(h07, "SELECT (SELECT count(*) FROM records) + "
                                 "(SELECT count(*) FROM waiting)");
    int64_t gone = 0;
    for (size_t i = 0; i < nlost; i++)
        gone += !has_key(h07, &lost[i]);
    assert_true(gone > 0);
    if (present + gone != n_records) {
        char *t = json_dumps(json_object_get(r, "refused"), JSON_COMPACT);
        print_error("refused: %s\n", t);
        free(t);
        for (size_t i = 0; i < nlost; i++)
            print_error("lost key %02x%02x seq %lld present %d\n", lost[i].device[0],
                        lost[i].device[1], (long long)lost[i].seq, has_key(h07, &lost[i]));
    }
    assert_int_equal(present + gone, n_records);
    assert_int_equal(json_integer_value(json_object_get(r, "lost_count")), gone);
    json_decref(r);
    int64_t from, to;
    assert_true(device_own_gap(h07, &from, &to));
    /* Writes wait: a new appeal would fork the chain or hang on a gap. */
    EwErr we = {0};
    assert_int_equal(add_appeal(h07, "不该写入的诉求", &we), EW_ESTATE);
    assert_true(kiosk_held(h07)); /* Home says so */
    assert_non_null(strstr(we.msg, "own records"));
    c = tu_ctl(hpath, "db", "check", NULL);
    assert_int_equal(c.status, 0);
    assert_non_null(strstr(c.out, "still lacks its own records"));
    tu_ctl_free(&c);
    /* The report stays in the database for the staff screen. */
    json_t *last = dbcheck_last(h07);
    assert_non_null(last);
    assert_non_null(json_object_get(last, "kept"));
    json_decref(last);

    /* The resync, on a fresh stick (the old one's office bundle would
     * already bring everything: in the demo town the office sends all, as
     * most halls never synced): the hall's manifest carries its new, lower
     * version vector, the office learns it and answers. */
    memfs_free(io);
    io = memfs_new();
    assert_int_equal(memfs_add_dir(io, STICK), 0);
    json_decref(sync_ok(h07, io));
    assert_true(device_own_gap(h07, &from, &to)); /* nothing came in yet */
    json_decref(sync_ok(office, io));
    int64_t office_knows = 0;
    db_int(office, NULL, &office_knows, -1,
           "SELECT seq FROM peer_vv WHERE peer=? AND device=?", "bb", self.id,
           (size_t)EW_DEVICE_LEN, self.id, (size_t)EW_DEVICE_LEN);
    assert_true(office_knows < next_seq - 1);
    json_decref(sync_ok(h07, io));
    assert_false(device_own_gap(h07, &from, &to));
    assert_false(kiosk_held(h07));
    for (size_t i = 0; i < nlost; i++)
        assert_true(has_key(h07, &lost[i]));
    assert_int_equal(tu_q_int(h07, "SELECT count(*) FROM waiting"), 0);
    char *h_recs = records_of(h07, "records"), *o_recs = records_of(office, "records");
    assert_string_equal(h_recs, o_recs);
    free(h_recs);
    free(o_recs);
    char *now = tu_dump_state(h07);
    assert_string_equal(now, office_state);
    free(now);
    /* The next record follows the chain: seq next_seq, no fork anywhere. */
    ok_rc(add_appeal(h07, "修复后的第一条诉求", &e), &e, "appeal after the resync");
    self_of(h07, &after);
    assert_int_equal(after.next_seq, next_seq + 1);
    json_decref(sync_ok(h07, io));
    r = sync_ok(office, io);
    assert_int_equal(json_array_size(json_object_get(r, "forks")), 0);
    json_decref(r);
    assert_int_equal(tu_q_int(office, "SELECT count(*) FROM forks"), 0);
    int64_t got = 0;
    db_int(office, NULL, &got, 0, "SELECT max(seq) FROM records WHERE device=?", "b", self.id,
           (size_t)EW_DEVICE_LEN);
    assert_int_equal(got, next_seq);

    free(before);
    free(office_state);
    memfs_free(io);
    db_close(h07);
    db_close(office);
    free(hpath);
    free(opath);
    tu_rmdir(dir);
    free(dir);
}

static void test_truncated(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = copy_of(dir, "h07.db", "h07.db");
    Author self;
    int64_t n_records = facts_of(path, &self, NULL);
    sqlite3 *db;
    size_t len;
    unsigned char *b = tu_read_file(path, &len);
    tu_write_file(path, b, len * 2 / 5);
    json_t *r = run(path, 0, NULL, EW_ECORRUPT);
    json_decref(r);
    r = run(path, 1, NULL, EW_OK);
    assert_string_equal(state_of(r), "repaired");
    assert_true(file_is(json_string_value(json_object_get(r, "kept")), b, len * 2 / 5));
    free(b);
    json_decref(r);
    integrity_ok(path);
    db = open_path(path);
    Author after;
    self_of(db, &after);
    assert_memory_equal(after.id, self.id, EW_DEVICE_LEN);
    int64_t held = tu_q_int(db, "SELECT count(*) FROM records");
    assert_true(held > 0 && held < n_records);
    db_close(db);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_zero_header(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = copy_of(dir, "h07.db", "h07.db");
    sqlite3 *db = open_path(path);
    char *before = tu_dump_state(db), *recs = records_of(db, "records");
    db_close(db);
    size_t len;
    unsigned char *b = tu_read_file(path, &len);
    memset(b, 0, 100);
    tu_write_file(path, b, len);
    free(b);
    json_t *r = run(path, 1, NULL, EW_OK);
    assert_string_equal(state_of(r), "repaired");
    assert_true(json_is_true(json_object_get(r, "header_rebuilt")));
    assert_int_equal(json_integer_value(json_object_get(r, "lost_count")), 0);
    json_decref(r);
    integrity_ok(path);
    db = open_path(path);
    char *after = tu_dump_state(db), *recs2 = records_of(db, "records");
    assert_string_equal(recs2, recs); /* every record back */
    assert_string_equal(after, before); /* the same wall */
    free(after);
    free(recs2);
    free(before);
    free(recs);
    db_close(db);
    assert_int_equal(count_files(dir, "h07.db.rebuil"), 0);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_not_a_database(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = tu_path(dir, "h07.db");
    char junk[20000];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)("not a database, just words. "[i % 28]);
    tu_write_file(path, junk, sizeof junk);
    json_t *r = run(path, 0, NULL, EW_ECORRUPT);
    json_decref(r);
    r = run(path, 1, NULL, EW_OK);
    assert_string_equal(state_of(r), "repaired");
    assert_string_equal(json_string_value(json_object_get(r, "identity")), "lost");
    assert_non_null(strstr(json_string_value(json_object_get(r, "text")), "enrolled again"));
    assert_true(file_is(json_string_value(json_object_get(r, "kept")),
                        (const unsigned char *)junk, sizeof junk));
    json_decref(r);
    integrity_ok(path);
    sqlite3 *db = open_path(path);
    assert_false(device_exists(db)); /* a blank kiosk: enrolment starts it again */
    db_close(db);
    CtlRun c = tu_ctl(path, "db", "check", NULL);
    assert_int_equal(c.status, 0);
    tu_ctl_free(&c);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

/* The identity lost to damage: the kiosk is blank after the repair, and
 * once enrolled (here: a copy of the same town's hall) it takes the old
 * identity's records from the kept file with `db salvage`. */
static void test_salvage_kept_file(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = copy_of(dir, "h07.db", "h07.db");
    char *enrolled = copy_of(dir, "h07.db", "again.db");
    sqlite3 *db = open_path(path);
    EwErr e = {0};
    for (int i = 0; i < 2; i++)
        ok_rc(add_appeal(db, i ? "桥头的护栏松了" : "井水发浑三天了", &e), &e, "appeal");
    int64_t appeals = tu_q_int(db, "SELECT count(*) FROM appeals");
    int64_t page = tu_q_int(db, "SELECT rootpage FROM sqlite_schema WHERE name='device_self'");
    int64_t page_size = tu_q_int(db, "PRAGMA page_size");
    db_close(db);
    damage_page(path, (size_t)page_size, page);
    json_t *r = run(path, 1, NULL, EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "identity")), "lost");
    assert_non_null(json_object_get(r, "records_unchecked"));
    char *kept = ew_xstrdup(json_string_value(json_object_get(r, "kept")));
    json_decref(r);
    /* The blank database cannot check records. */
    CtlRun c = tu_ctl(path, "db", "salvage", kept, NULL);
    assert_int_equal(c.status, 1);
    assert_non_null(strstr(c.err, "not enrolled"));
    tu_ctl_free(&c);
    /* The enrolled one takes them, each verified; twice changes nothing. */
    db = open_path(enrolled);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM appeals"), appeals - 2);
    db_close(db);
    for (int round = 0; round < 2; round++) {
        c = tu_ctl(enrolled, "db", "salvage", kept, NULL);
        if (c.status)
            print_error("%s%s", c.out, c.err);
        assert_int_equal(c.status, 0);
        assert_non_null(strstr(c.out, "checked again"));
        tu_ctl_free(&c);
        db = open_path(enrolled);
        assert_int_equal(tu_q_int(db, "SELECT count(*) FROM appeals"), appeals);
        assert_int_equal(tu_q_int(db, "SELECT count(*) FROM waiting"), 0);
        db_close(db);
    }
    /* A file that is no database: refused, nothing changed. */
    char *junk = tu_path(dir, "junk.bin");
    tu_write_file(junk, "no database here, only words", 28);
    TuSnap snap = tu_snap_take(enrolled);
    c = tu_ctl(enrolled, "db", "salvage", junk, NULL);
    assert_int_equal(c.status, 1);
    tu_ctl_free(&c);
    assert_true(tu_snap_same(&snap));
    tu_snap_free(&snap);
    integrity_ok(enrolled);
    free(junk);
    free(kept);
    free(enrolled);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_power_cut(void **state)
{
    (void)state;
    for (int stop = 1; stop <= 3; stop++) {
        char *dir = tu_tmpdir(), *path = copy_of(dir, "h07.db", "h07.db");
        Author self;
        int64_t page_size;
        facts_of(path, &self, &page_size);
        sqlite3 *db;
        int64_t pages[512];
        size_t nleaf = record_leaves(path, pages, 512);
        damage_page(path, (size_t)page_size, pages[nleaf / 2]);
        size_t dlen;
        unsigned char *damaged = tu_read_file(path, &dlen);
        DbcheckHooks h = {.stop_after = stop};
        json_t *r = NULL;
        EwErr e = {0};
        assert_int_equal(dbcheck_run(path, 1, &h, &r, &e), EW_EIO);
        char *kept = ew_xstrdup(json_string_value(json_object_get(r, "kept")));
        json_decref(r);
        /* The damaged bytes are still there: in place, or kept aside. */
        assert_true(file_is(path, damaged, dlen) || file_is(kept, damaged, dlen));
        /* Checking alone reports the unfinished repair. */
        r = run(path, 0, NULL, EW_ECORRUPT);
        json_decref(r);
        /* Running again finishes. */
        r = run(path, 1, NULL, EW_OK);
        assert_string_equal(state_of(r), "repaired");
        assert_true(file_is(json_string_value(json_object_get(r, "kept")), damaged, dlen));
        json_decref(r);
        integrity_ok(path);
        db = open_path(path);
        Author after;
        self_of(db, &after);
        assert_memory_equal(after.id, self.id, EW_DEVICE_LEN);
        assert_true(tu_q_int(db, "SELECT count(*) FROM records") > 0);
        db_close(db);
        if (count_files(dir, "h07.db.rebuil")) {
            char *cmd = ew_xasprintf("ls -la %s >&2", dir);
            assert_int_equal(system(cmd), 0);
            free(cmd);
        }
        assert_int_equal(count_files(dir, "h07.db.rebuil"), 0);
        r = run(path, 1, NULL, EW_OK);
        assert_string_equal(state_of(r), "clean");
        json_decref(r);
        free(damaged);
        free(kept);
        free(path);
        tu_rmdir(dir);
        free(dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_damaged_leaves_and_resync),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_zero_header),
        cmocka_unit_test(test_not_a_database),
        cmocka_unit_test(test_salvage_kept_file),
        cmocka_unit_test(test_power_cut),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
