/*
 * test_fold.c: the fold (src/core/fold.c) is a deterministic function of
 * the set of records.
 *
 * A demo town's records, blobs and devices are copied (without their folded
 * state) into fresh databases owned by unrelated devices, inserted in other
 * orders (reversed, shuffled with fixed seeds, in batches folded one after
 * another so that late records force the rebuild path), and folded: the
 * derived tables must equal the original's, which was folded record by
 * record as the demo wrote them. fold_rebuild gives the same state too. A
 * record from an unknown device, and records of kinds this version does not
 * know, are kept, marked refused with a reason, and leave the rest alone.
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
#include "db.h"
#include "device.h"
#include "fold.h"
#include "record.h"
#include "testutil.h"

#define TODAY "2025-06-01"

/* The demo town every test starts from. */
typedef struct Fixture {
    char *dir;
    sqlite3 *src;     /* filled by demo_fill, folded as it was written */
    char *src_state;  /* tu_dump_state(src) */
    Record *recs;     /* its records in (device, seq) order */
    size_t nrecs;
    int ndb;          /* fresh databases made so far (file names) */
} Fixture;

static sqlite3 *open_path(const char *dir, const char *name)
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

static void ok(int rc, const EwErr *e)
{
    if (rc)
        print_error("unexpected error %d: %s\n", rc, e->msg);
    assert_int_equal(rc, EW_OK);
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

/* splitmix64: shuffles reproducible from a fixed seed. */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void shuffle(size_t *idx, size_t n, uint64_t seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rnd(&seed) % i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

/* Fold order: (hlc, device, seq). */
static int rec_cmp(const Record *a, const Record *b)
{
    if (a->hlc != b->hlc)
        return a->hlc < b->hlc ? -1 : 1;
    int c = memcmp(a->device, b->device, EW_DEVICE_LEN);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const Fixture *cmp_fx;
static int idx_by_fold_order(const void *a, const void *b)
{
    return rec_cmp(&cmp_fx->recs[*(const size_t *)a], &cmp_fx->recs[*(const size_t *)b]);
}

static void blob_col(sqlite3_stmt *st, int col, unsigned char *out, size_t n)
{
    assert_int_equal(sqlite3_column_bytes(st, col), (int)n);
    memcpy(out, sqlite3_column_blob(st, col), n);
}

static void load_records(Fixture *fx)
{
    sqlite3_stmt *st;
    static const char sql[] = "SELECT device,seq,hlc,kind,body,prev,hash,sig FROM records "
                              "ORDER BY device, seq";
    assert_int_equal(sqlite3_prepare_v2(fx->src, sql, -1, &st, NULL), SQLITE_OK);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (fx->nrecs == cap) {
            cap = cap ? cap * 2 : 1024;
            fx->recs = realloc(fx->recs, cap * sizeof *fx->recs);
        }
        Record *r = &fx->recs[fx->nrecs++];
        memset(r, 0, sizeof *r);
        blob_col(st, 0, r->device, EW_DEVICE_LEN);
        r->seq = sqlite3_column_int64(st, 1);
        r->hlc = sqlite3_column_int64(st, 2);
        snprintf(r->kind, sizeof r->kind, "%s", (const char *)sqlite3_column_text(st, 3));
        r->body_len = (size_t)sqlite3_column_bytes(st, 4);
        r->body = malloc(r->body_len + 1);
        memcpy(r->body, sqlite3_column_blob(st, 4), r->body_len);
        r->body[r->body_len] = '\0';
        blob_col(st, 5, r->prev, EW_HASH_LEN);
        blob_col(st, 6, r->hash, EW_HASH_LEN);
        blob_col(st, 7, r->sig, EW_SIG_LEN);
    }
    sqlite3_finalize(st);
}

static int group_setup(void **state)
{
    Fixture *fx = calloc(1, sizeof *fx);
    tu_pin_day(TODAY);
    fx->dir = tu_tmpdir();
    int64_t today;
    assert_int_equal(clock_parse_day(TODAY, &today), 0);
    fx->src = tu_demo_db(fx->dir, "demo.db", 1, NULL, today);
    fx->src_state = tu_dump_state(fx->src);
    load_records(fx);
    assert_true(fx->nrecs > 1000);
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    Fixture *fx = *state;
    for (size_t i = 0; i < fx->nrecs; i++)
        free(fx->recs[i].body);
    free(fx->recs);
    free(fx->src_state);
    db_close(fx->src);
    tu_rmdir(fx->dir);
    free(fx->dir);
    free(fx);
    clock_set_fixed(0);
    return 0;
}

/* A fresh database owned by an unrelated device (variant picks which),
 * holding the demo's devices and blobs but no records. */
static sqlite3 *fresh(Fixture *fx, int variant)
{
    char name[32];
    snprintf(name, sizeof name, "copy%d.db", ++fx->ndb);
    sqlite3 *db = open_path(fx->dir, name);
    EwErr e = {0};
    DeviceSpec office = {.role = "office", .town_name = "别的镇", .slot = '5'};
    DeviceSpec hall = {.role = "hall", .hall = "H05", .slot = 'K'};
    ok(device_init(db, variant % 2 ? &hall : &office, &e), &e);
    ok(db_begin(db, &e), &e);
    /* Devices and blobs straight from the demo database. */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx->src,
                                        "SELECT device,pk,role,hall,slot,cert FROM devices", -1,
                                        &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 3);
        ok(db_run(db, &e,
                  "INSERT OR IGNORE INTO devices(device,pk,role,hall,slot,cert) "
                  "VALUES(?,?,?,?,?,?)",
                  "bbtttb", sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                  sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
                  (const char *)sqlite3_column_text(st, 2), h,
                  (const char *)sqlite3_column_text(st, 4), sqlite3_column_blob(st, 5),
                  (size_t)sqlite3_column_bytes(st, 5)),
           &e);
    }
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(fx->src, "SELECT hash, data FROM blobs", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        ok(db_run(db, &e, "INSERT INTO blobs(hash,data) VALUES(?,?)", "bb",
                  sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                  sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1)),
           &e);
    sqlite3_finalize(st);
    ok(db_commit(db, &e), &e);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records"), 0);
    return db;
}

/* Where the fold stands; 0 when it has not folded anything. */
static int frontier(sqlite3 *db, Record *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT hlc, device, seq FROM fold_state", -1, &st,
                                        NULL),
                     SQLITE_OK);
    int have = sqlite3_step(st) == SQLITE_ROW;
    if (have) {
        out->hlc = sqlite3_column_int64(st, 0);
        blob_col(st, 1, out->device, EW_DEVICE_LEN);
        out->seq = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return have;
}

/* Inserts fx->recs[idx[0..n)] in that order, in `batches` transactions,
 * folding after each. Returns how many batches held a record that sorts
 * before the fold's frontier (each of those made the fold rebuild). */
static int insert_and_fold(Fixture *fx, sqlite3 *db, const size_t *idx, size_t n, int batches)
{
    EwErr e = {0};
    int late = 0;
    size_t per = (n + (size_t)batches - 1) / (size_t)batches;
    for (size_t start = 0; start < n; start += per) {
        size_t end = start + per < n ? start + per : n;
        Record f;
        int have = frontier(db, &f);
        int is_late = 0;
        ok(db_begin(db, &e), &e);
        for (size_t k = start; k < end; k++) {
            const Record *r = &fx->recs[idx[k]];
            if (have && rec_cmp(r, &f) < 0)
                is_late = 1;
            ok(record_insert(db, r, &e), &e);
        }
        ok(fold_pending(db, NULL, &e), &e);
        ok(db_commit(db, &e), &e);
        late += is_late;
        /* Nothing is left unfolded after a fold. */
        assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records WHERE state IS NULL"), 0);
        /* The frontier is the greatest record held. */
        assert_true(frontier(db, &f));
        assert_int_equal(f.hlc, tu_q_int(db, "SELECT max(hlc) FROM records"));
    }
    return late;
}

static size_t *identity_order(const Fixture *fx)
{
    size_t *idx = malloc(fx->nrecs * sizeof *idx);
    for (size_t i = 0; i < fx->nrecs; i++)
        idx[i] = i;
    return idx;
}

static void check_same_as_source(Fixture *fx, sqlite3 *db)
{
    char *s = tu_dump_state(db);
    same_text(fx->src_state, s, "folded state");
    free(s);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records"), (int64_t)fx->nrecs);
}

static void test_reverse_order(void **state)
{
    Fixture *fx = *state;
    size_t *idx = identity_order(fx);
    for (size_t i = 0; i < fx->nrecs / 2; i++) {
        size_t t = idx[i];
        idx[i] = idx[fx->nrecs - 1 - i];
        idx[fx->nrecs - 1 - i] = t;
    }
    sqlite3 *db = fresh(fx, 0);
    insert_and_fold(fx, db, idx, fx->nrecs, 1);
    check_same_as_source(fx, db);
    db_close(db);
    free(idx);
}

static void test_shuffled_orders(void **state)
{
    Fixture *fx = *state;
    static const uint64_t seeds[] = {42, 20250601};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        size_t *idx = identity_order(fx);
        shuffle(idx, fx->nrecs, seeds[s]);
        sqlite3 *db = fresh(fx, (int)s);
        insert_and_fold(fx, db, idx, fx->nrecs, 1);
        check_same_as_source(fx, db);
        db_close(db);
        free(idx);
    }
}

/* Batches folded in turn: the incremental path, and the rebuild a late
 * record forces. */
static void test_batches(void **state)
{
    Fixture *fx = *state;

    /* Shuffled, in several batches: later batches hold records older than
     * what was already folded, so the fold must rebuild. */
    static const struct {
        uint64_t seed;
        int batches;
    } runs[] = {{7, 4}, {99, 7}};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        size_t *idx = identity_order(fx);
        shuffle(idx, fx->nrecs, runs[k].seed);
        sqlite3 *db = fresh(fx, (int)k + 1);
        int late = insert_and_fold(fx, db, idx, fx->nrecs, runs[k].batches);
        assert_true(late >= 1); /* the rebuild path did run */
        check_same_as_source(fx, db);
        db_close(db);
        free(idx);
    }

    /* In fold order, in batches: purely incremental, never late. */
    size_t *idx = identity_order(fx);
    cmp_fx = fx;
    qsort(idx, fx->nrecs, sizeof *idx, idx_by_fold_order);
    sqlite3 *db = fresh(fx, 0);
    assert_int_equal(insert_and_fold(fx, db, idx, fx->nrecs, 6), 0);
    check_same_as_source(fx, db);
    db_close(db);

    /* Newest first, in batches: every batch after the first is late. */
    for (size_t i = 0; i < fx->nrecs / 2; i++) {
        size_t t = idx[i];
        idx[i] = idx[fx->nrecs - 1 - i];
        idx[fx->nrecs - 1 - i] = t;
    }
    db = fresh(fx, 1);
    assert_int_equal(insert_and_fold(fx, db, idx, fx->nrecs, 3), 2);
    check_same_as_source(fx, db);
    db_close(db);
    free(idx);

    /* One device's records held back to the end (the office's, whose stick
     * comes last): before they arrive the roster is missing and steps by the
     * halls are refused; once they arrive, everything is as it should be. */
    size_t n = 0, held = 0, first = 0;
    size_t *order = malloc(fx->nrecs * sizeof *order);
    for (size_t i = 1; i < fx->nrecs; i++)
        if (rec_cmp(&fx->recs[i], &fx->recs[first]) < 0)
            first = i;
    const unsigned char *dev = fx->recs[first].device;
    for (size_t i = 0; i < fx->nrecs; i++)
        if (memcmp(fx->recs[i].device, dev, EW_DEVICE_LEN) != 0)
            order[n++] = i;
    held = fx->nrecs - n;
    for (size_t i = 0; i < fx->nrecs; i++)
        if (memcmp(fx->recs[i].device, dev, EW_DEVICE_LEN) == 0)
            order[n++] = i;
    assert_true(held > 0);
    db = fresh(fx, 0);
    /* First everything else; some of it is refused for now. */
    assert_int_equal(insert_and_fold(fx, db, order, fx->nrecs - held, 1), 0);
    assert_true(tu_q_int(db, "SELECT count(*) FROM records WHERE state=0") > 0);
    char *partial = tu_dump_state(db);
    assert_true(strcmp(partial, fx->src_state) != 0);
    free(partial);
    /* Then the late device's records. */
    assert_int_equal(insert_and_fold(fx, db, order + (fx->nrecs - held), held, 1), 1);
    check_same_as_source(fx, db);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records WHERE state IS NOT 1"), 0);
    db_close(db);
    free(order);
}

static void test_rebuild_same_as_incremental(void **state)
{
    Fixture *fx = *state;
    EwErr e = {0};
    /* The demo database was folded one record at a time as it was written. */
    ok(db_begin(fx->src, &e), &e);
    ok(fold_rebuild(fx->src, &e), &e);
    ok(db_commit(fx->src, &e), &e);
    char *s = tu_dump_state(fx->src);
    same_text(fx->src_state, s, "rebuilt state");
    free(s);
    assert_int_equal(tu_q_int(fx->src, "SELECT count(*) FROM records WHERE state IS NOT 1"), 0);

    /* A rebuild of a copy folded from shuffled batches. */
    size_t *idx = identity_order(fx);
    shuffle(idx, fx->nrecs, 5);
    sqlite3 *db = fresh(fx, 1);
    assert_true(insert_and_fold(fx, db, idx, fx->nrecs, 2) >= 1);
    ok(db_begin(db, &e), &e);
    ok(fold_rebuild(db, &e), &e);
    ok(db_commit(db, &e), &e);
    check_same_as_source(fx, db);

    /* Reopening does not refold differently (fold version unchanged). */
    db_close(db);
    char name[32];
    snprintf(name, sizeof name, "copy%d.db", fx->ndb);
    db = open_path(fx->dir, name);
    check_same_as_source(fx, db);
    db_close(db);
    free(idx);
}

/* A record by author a at a given stamp, signed; body is a JSON text. */
static void make_record(Record *r, const Author *a, int64_t seq, int64_t hlc, const char *kind,
                        const char *body)
{
    memset(r, 0, sizeof *r);
    memcpy(r->device, a->id, EW_DEVICE_LEN);
    r->seq = seq;
    r->hlc = hlc;
    snprintf(r->kind, sizeof r->kind, "%s", kind);
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    assert_int_equal(record_canonical(j, &r->body, &r->body_len), EW_OK);
    json_decref(j);
    record_sign(r, a->sk);
}

/* A state dump without the lines that mention one device. */
static char *dump_without(sqlite3 *db, const unsigned char id[EW_DEVICE_LEN])
{
    char hex[33];
    device_hex(id, hex);
    for (char *p = hex; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    char *all = tu_dump_state(db), *out = calloc(1, strlen(all) + 1), *o = out;
    for (char *line = all; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        char save = line[len - (nl ? 1 : 0)];
        line[len - (nl ? 1 : 0)] = '\0';
        int skip = strstr(line, hex) != NULL;
        line[len - (nl ? 1 : 0)] = save;
        if (!skip) {
            memcpy(o, line, len);
            o += len;
        }
        line += len;
    }
    free(all);
    return out;
}

/* The state and note the fold left on one record. */
static void record_state(sqlite3 *db, const Record *r, int *st_out, char **note)
{
    sqlite3_stmt *st = db_prep(db, NULL, "SELECT state, note FROM records WHERE device=? AND seq=?",
                               "bi", r->device, (size_t)EW_DEVICE_LEN, r->seq);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    *st_out = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 0);
    const unsigned char *n = sqlite3_column_text(st, 1);
    *note = n ? strdup((const char *)n) : NULL;
    db_done(st);
}

/* An appeal still open at the end of the demo, and the stamp of its creation. */
static char *open_appeal(sqlite3 *db, int64_t *created_hlc)
{
    char *code = NULL;
    assert_int_equal(db_text(db, NULL, &code,
                             "SELECT code FROM appeals WHERE status IN ('assigned','in_progress') "
                             "ORDER BY code LIMIT 1",
                             NULL),
                     EW_OK);
    assert_non_null(code);
    assert_int_equal(db_int(db, NULL, created_hlc, 0,
                            "SELECT created_hlc FROM appeals WHERE code=?", "t", code),
                     EW_OK);
    return code;
}

static void test_unknown_author(void **state)
{
    Fixture *fx = *state;
    sqlite3 *db = fresh(fx, 0);
    size_t *idx = identity_order(fx);
    insert_and_fold(fx, db, idx, fx->nrecs, 1);
    free(idx);

    /* A stranger, never registered, writes a branch and solves an open appeal
     * halfway through the town's history. */
    int64_t created;
    char *code = open_appeal(db, &created);
    char *status_before = NULL;
    db_text(db, NULL, &status_before, "SELECT status FROM appeals WHERE code=?", "t", code);
    Author x;
    unsigned char seed[32] = {9, 9, 9};
    DeviceSpec xs = {.role = "office", .seed = seed};
    device_make_author(&x, &xs);
    char body[400];
    Record r1, r2;
    make_record(&r1, &x, 1, fx->recs[fx->nrecs / 2].hlc + 1, "roster.branch",
                "{\"code\":\"H39\",\"name\":\"Nowhere\",\"grids\":[]}");
    snprintf(body, sizeof body,
             "{\"code\":\"%s\",\"answer\":\"%064d\"}", code, 0);
    make_record(&r2, &x, 2, created + 5, "appeal.solve", body);
    EwErr e = {0};
    ok(db_begin(db, &e), &e);
    ok(record_insert(db, &r1, &e), &e);
    ok(record_insert(db, &r2, &e), &e);
    ok(fold_pending(db, NULL, &e), &e);
    ok(db_commit(db, &e), &e);

    /* Kept, refused, with the reason. */
    int st;
    char *note;
    for (int i = 0; i < 2; i++) {
        record_state(db, i ? &r2 : &r1, &st, &note);
        assert_int_equal(st, 0);
        assert_non_null(note);
        assert_non_null(strstr(note, "unknown device"));
        free(note);
    }
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records"), (int64_t)fx->nrecs + 2);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM branches WHERE code='H39'"), 0);
    /* The appeal's timeline shows the step, not applied; its status stands. */
    int64_t n = -1;
    db_int(db, NULL, &n, -1,
           "SELECT count(*) FROM timeline WHERE code=? AND kind='solve' AND applied=0 AND "
           "by_role='unknown' AND note LIKE '%unknown device%'",
           "t", code);
    assert_int_equal(n, 1);
    char *status_after = NULL;
    db_text(db, NULL, &status_after, "SELECT status FROM appeals WHERE code=?", "t", code);
    assert_string_equal(status_before, status_after);
    /* Everything else is exactly as before. */
    char *s = dump_without(db, x.id);
    same_text(fx->src_state, s, "state beside the stranger's records");
    free(s);
    /* And a rebuild keeps them refused. */
    ok(db_begin(db, &e), &e);
    ok(fold_rebuild(db, &e), &e);
    ok(db_commit(db, &e), &e);
    record_state(db, &r2, &st, &note);
    assert_int_equal(st, 0);
    free(note);
    s = dump_without(db, x.id);
    same_text(fx->src_state, s, "state beside the stranger's records after a rebuild");
    free(s);
    record_clear(&r1);
    record_clear(&r2);
    free(code);
    free(status_before);
    free(status_after);
    db_close(db);
}

static void test_unknown_kind(void **state)
{
    Fixture *fx = *state;
    sqlite3 *db = fresh(fx, 1);
    EwErr e = {0};

    /* A newer kiosk of H05, properly registered, writes kinds this version
     * does not know, early in the history, beside its ordinary records. */
    unsigned char town_sk[crypto_sign_SECRETKEYBYTES];
    ok(device_town_sk(fx->src, town_sk, &e), &e);
    Author k;
    unsigned char seed[32] = {5, 5, 5};
    DeviceSpec ks = {.role = "hall", .hall = "H05", .slot = 'M', .seed = seed};
    device_make_author(&k, &ks);
    ok(db_begin(db, &e), &e);
    ok(device_register(db, &k, town_sk, &e), &e);
    ok(db_commit(db, &e), &e);
    sodium_memzero(town_sk, sizeof town_sk);

    int64_t created;
    char *code = open_appeal(fx->src, &created);
    char body[200];
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"emoji\":\"thumbs_up\"}", code);
    Record r[3];
    make_record(&r[0], &k, 1, fx->recs[0].hlc + 3, "wall.theme", "{\"colour\":\"red\"}");
    make_record(&r[1], &k, 2, created + 7, "appeal.react", body);
    make_record(&r[2], &k, 3, created + 9, "appeal.react", "[1,2,3]");

    /* Mixed into the demo's records, in shuffled batches. */
    size_t *idx = identity_order(fx);
    shuffle(idx, fx->nrecs, 11);
    size_t half = fx->nrecs / 2;
    insert_and_fold(fx, db, idx, half, 1);
    ok(db_begin(db, &e), &e);
    for (int i = 0; i < 3; i++)
        ok(record_insert(db, &r[i], &e), &e);
    ok(fold_pending(db, NULL, &e), &e);
    ok(db_commit(db, &e), &e);
    insert_and_fold(fx, db, idx + half, fx->nrecs - half, 1);

    int st;
    char *note;
    for (int i = 0; i < 2; i++) {
        record_state(db, &r[i], &st, &note);
        assert_int_equal(st, 0);
        assert_non_null(note);
        if (!strstr(note, r[i].kind) || !strstr(note, "not known"))
            print_error("note: %s\n", note);
        assert_non_null(strstr(note, r[i].kind));
        assert_non_null(strstr(note, "not known"));
        free(note);
    }
    /* A body that is not an object is refused, whatever the kind. */
    record_state(db, &r[2], &st, &note);
    assert_int_equal(st, 0);
    assert_non_null(note);
    free(note);
    assert_int_equal(tu_q_int(db, "SELECT count(*) FROM records"), (int64_t)fx->nrecs + 3);
    /* The unknown appeal step is on the appeal's timeline, not applied. */
    int64_t n = -1;
    db_int(db, NULL, &n, -1,
           "SELECT count(*) FROM timeline WHERE code=? AND kind='react' AND applied=0", "t",
           code);
    assert_int_equal(n, 1);
    /* And the rest is exactly the demo's state. */
    char *s = dump_without(db, k.id);
    same_text(fx->src_state, s, "state beside the unknown kinds");
    free(s);
    for (int i = 0; i < 3; i++)
        record_clear(&r[i]);
    free(idx);
    free(code);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reverse_order),
        cmocka_unit_test(test_shuffled_orders),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_rebuild_same_as_incremental),
        cmocka_unit_test(test_unknown_author),
        cmocka_unit_test(test_unknown_kind),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
