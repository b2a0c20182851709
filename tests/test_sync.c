/*
 * test_sync.c: the guarantees of stick sync (issue 6, section 3), one test
 * each (src/core/sync.c, enroll.c, through the memfs stick of memfs.h).
 *
 * The town is the demo town (seed 1, TODAY): an office database and hall
 * databases built from the same seed and day hold the same records and the
 * same certified devices, so any of them can sync with any other. The
 * databases are built once (group setup) and each test works on copies in
 * its own folder. Sticks are memfs sticks mounted at /stick; a "snapshot" of
 * a stick is a new memfs holding copies of its files.
 *
 *  1. the loop: a hall's appeal reaches the office and the answer comes back;
 *  2. importing twice, stale sticks, arrival order and relays change nothing
 *     they should not;
 *  3. bad files are refused whole, by name, the rest of the stick imported;
 *     a newer echowall's manifest is imported when its lowest reader is
 *     this version or older, else refused saying to update (mixed versions);
 *  4. bad records are skipped, reported and never relayed; unknown kinds are
 *     kept and relayed;
 *  5. a fork resolves the same everywhere, nothing lost from the office;
 *  6. power cuts at random moments of a write (200+ trials);
 *  7. a full stick is reported, not fatal;
 *  8. enrolment through a stick.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appeal.h"
#include "cert.h"
#include "clock.h"
#include "code.h"
#include "db.h"
#include "device.h"
#include "enroll.h"
#include "memfs.h"
#include "record.h"
#include "sync.h"
#include "testutil.h"
#include "view.h"

#define TODAY "2025-06-01"
#define STICK "/stick"
#define EDIR "/stick/echowall"

/* The bundle schema, as sync.c writes it (copied on purpose: a change of the
 * format must show up here). */
static const char BUNDLE_SCHEMA[] =
    "CREATE TABLE certs(device BLOB PRIMARY KEY, cert BLOB NOT NULL);"
    "CREATE TABLE records(device BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
    " kind TEXT NOT NULL, body BLOB NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL,"
    " sig BLOB NOT NULL, PRIMARY KEY (device, seq));"
    "CREATE TABLE blobs(hash BLOB PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE vv(device BLOB PRIMARY KEY, seq INTEGER NOT NULL);";

/* Template databases, built once. */
static char *g_dir;

/* ---- small helpers ---- */

static void ok_rc(int rc, const EwErr *e, const char *what)
{
    if (rc)
        print_error("%s: unexpected error %d: %s\n", what, rc, e->msg);
    assert_int_equal(rc, EW_OK);
}

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

static int64_t q_int(sqlite3 *db, const char *sql)
{
    int64_t v = -1;
    EwErr e = {0};
    ok_rc(db_int(db, &e, &v, -1, sql, NULL), &e, sql);
    return v;
}

static int64_t dev_count(sqlite3 *db, const char *table, const unsigned char *dev)
{
    char sql[120];
    int64_t v = -1;
    EwErr e = {0};
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE device=?", table);
    ok_rc(db_int(db, &e, &v, -1, sql, "b", dev, (size_t)EW_DEVICE_LEN), &e, sql);
    return v;
}

/* 1 when (device, seq) is in table (records, forks, waiting). */
static int has_rec(sqlite3 *db, const char *table, const unsigned char *dev, int64_t seq)
{
    char sql[120];
    int64_t v = -1;
    EwErr e = {0};
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE device=? AND seq=?", table);
    ok_rc(db_int(db, &e, &v, -1, sql, "bi", dev, (size_t)EW_DEVICE_LEN, seq), &e, sql);
    return v > 0;
}

static int has_hash(sqlite3 *db, const char *table, const unsigned char *hash)
{
    char sql[120];
    int64_t v = -1;
    EwErr e = {0};
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE hash=?", table);
    ok_rc(db_int(db, &e, &v, -1, sql, "b", hash, (size_t)EW_HASH_LEN), &e, sql);
    return v > 0;
}

static void self_of(sqlite3 *db, Author *a)
{
    EwErr e = {0};
    ok_rc(device_load_self(db, a, &e), &e, "device_load_self");
}

static void self_hex(sqlite3 *db, char hex[33])
{
    Author a;
    self_of(db, &a);
    device_hex(a.id, hex);
}

/* The database's whole log, quarantine and blobs as text. */
static char *dump_log(sqlite3 *db)
{
    static const char *const qs[] = {
        "SELECT hex(device), seq, hlc, kind, hex(body), hex(prev), hex(hash), hex(sig), state, "
        "note FROM records ORDER BY device, seq",
        "SELECT hex(device), seq, hex(hash) FROM forks ORDER BY device, seq, hash",
        "SELECT hex(device), seq, hex(hash) FROM waiting ORDER BY device, seq",
        "SELECT hex(hash), hex(data) FROM blobs ORDER BY hash",
        "SELECT hex(device), role, hall, slot, hex(cert) FROM devices ORDER BY device",
        "SELECT next_seq, hex(prev) FROM device_self",
    };
    return tu_dump_queries(db, qs, sizeof qs / sizeof qs[0]);
}

/* State and log together. */
static char *dump_all(sqlite3 *db)
{
    char *s = tu_dump_state(db), *l = dump_log(db), *out;
    assert_true(asprintf(&out, "%s%s", s, l) > 0);
    free(s);
    free(l);
    return out;
}

static void quick_check(sqlite3 *db)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

/* ---- databases ---- */

static sqlite3 *open_path(const char *path, int create)
{
    sqlite3 *db;
    EwErr e = {0};
    ok_rc(db_open(path, create, &db, &e), &e, path);
    return db;
}

/* A copy of template `tmpl` as dir/name, opened. */
static sqlite3 *db_copy(const char *dir, const char *tmpl, const char *name)
{
    char *src = tu_path(g_dir, tmpl), *dst = tu_copy_db(src, dir, name);
    sqlite3 *db = open_path(dst, 0);
    free(src);
    free(dst);
    return db;
}

static void demo_template(const char *name, uint64_t seed, const char *hall)
{
    int64_t today;
    assert_int_equal(clock_parse_day(TODAY, &today), 0);
    db_close(tu_demo_db(g_dir, name, seed, hall, today));
}

static int group_setup(void **state)
{
    (void)state;
    tu_pin_day(TODAY);
    g_dir = tu_tmpdir();
    demo_template("office.db", 1, NULL);
    demo_template("h07.db", 1, "H07");
    demo_template("h03.db", 1, "H03");
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

/* ---- operations ---- */

/* Takes an appeal on db's own device (one transaction). */
static void add_appeal(sqlite3 *db, const char *hall, const char *text, char code[CODE_MAX])
{
    Author a;
    self_of(db, &a);
    EwErr e = {0};
    char rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = hall, .category = "street_light", .text = text, .source = "kiosk"};
    ok_rc(db_begin(db, &e), &e, "begin");
    int rc = appeal_add(db, &a, &in, 0, code, rating, &e);
    if (rc)
        db_rollback(db);
    ok_rc(rc, &e, "appeal_add");
    ok_rc(db_commit(db, &e), &e, "commit");
}

/* view_appeal, NULL when the appeal is absent. */
static json_t *appeal_view(sqlite3 *db, const char *code)
{
    json_t *o = NULL;
    EwErr e = {0};
    int rc = view_appeal(db, code, &o, &e);
    if (rc == EW_ENOTFOUND)
        return NULL;
    ok_rc(rc, &e, "view_appeal");
    return o;
}

static int has_appeal(sqlite3 *db, const char *code)
{
    json_t *o = appeal_view(db, code);
    json_decref(o);
    return o != NULL;
}

static json_t *sync_ok(sqlite3 *db, StickIO *io)
{
    json_t *r = NULL;
    EwErr e = {0};
    int rc = sync_stick(db, io, STICK, &r, &e);
    if (rc) {
        char *t = json_dumps(r, JSON_COMPACT);
        print_error("sync_stick: %d %s\nreport: %s\n", rc, e.msg, t);
        free(t);
    }
    assert_int_equal(rc, EW_OK);
    assert_true(json_is_true(json_object_get(r, "safe_to_remove")));
    return r;
}

static json_t *import_ok(sqlite3 *db, StickIO *io)
{
    json_t *r = json_object();
    EwErr e = {0};
    ok_rc(sync_import(db, io, STICK, r, &e), &e, "sync_import");
    return r;
}

static size_t n_items(json_t *r, const char *key) { return json_array_size(json_object_get(r, key)); }

/* The entry of report array `key` whose "file" is name, or NULL. */
static json_t *entry_for(json_t *r, const char *key, const char *name)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r, key), i, it) {
        const char *f = json_string_value(json_object_get(it, "file"));
        if (f && strcmp(f, name) == 0)
            return it;
    }
    return NULL;
}

/* The "imported" entry for a device (hex), or NULL. */
static json_t *imported_from(json_t *r, const char *dev)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r, "imported"), i, it) {
        const char *d = json_string_value(json_object_get(it, "device"));
        if (d && strcmp(d, dev) == 0)
            return it;
    }
    return NULL;
}

static const char *wrote(json_t *r, const char *what)
{
    const char *s = json_string_value(json_object_get(json_object_get(r, "wrote"), what));
    assert_non_null(s);
    return s;
}

static void show_report(const char *what, json_t *r)
{
    char *t = json_dumps(r, JSON_COMPACT);
    print_message("%s: %s\n", what, t);
    free(t);
}

/* Asserts that `name` was refused with a reason. */
static void refused_ok(json_t *r, const char *name)
{
    json_t *it = entry_for(r, "refused", name);
    if (!it)
        show_report("report", r);
    assert_non_null(it);
    const char *why = json_string_value(json_object_get(it, "reason"));
    assert_non_null(why);
    assert_true(strlen(why) > 5);
}

/* ---- sticks ---- */

/* An empty stick with its mount point. */
static StickIO *new_stick(void)
{
    StickIO *io = memfs_new();
    assert_non_null(io);
    assert_int_equal(memfs_add_dir(io, STICK), 0);
    return io;
}

static char *epath(const char *name) { return tu_path(EDIR, name); }

static unsigned char *stick_read(StickIO *io, const char *path, size_t *len)
{
    unsigned char *d = NULL;
    int rc = io->read_file(io, path, (size_t)1 << 30, &d, len);
    if (rc)
        print_error("read %s: %d\n", path, rc);
    assert_int_equal(rc, 0);
    return d;
}

/* Puts a file on the stick durably, replacing what is there. */
static void stick_put(StickIO *io, const char *path, const void *data, size_t len)
{
    io->unlink(io, path);
    assert_int_equal(memfs_add_file(io, path, data, len), 0);
}

static int stick_has(StickIO *io, const char *path)
{
    unsigned char *d = NULL;
    size_t n;
    int rc = io->read_file(io, path, (size_t)1 << 30, &d, &n);
    free(d);
    return rc == 0;
}

static void clone_dir(StickIO *from, StickIO *to, const char *dir)
{
    StickEntry *ents = NULL;
    size_t n = 0;
    if (from->list(from, dir, &ents, &n) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        char *p = strcmp(dir, "/") == 0 ? tu_path("", ents[i].name) : tu_path(dir, ents[i].name);
        if (ents[i].type == STICK_DIR) {
            assert_int_equal(memfs_add_dir(to, p), 0);
            clone_dir(from, to, p);
        } else if (ents[i].type == STICK_REG) {
            size_t len;
            unsigned char *d = stick_read(from, p, &len);
            assert_int_equal(memfs_add_file(to, p, d, len), 0);
            free(d);
        }
        free(p);
    }
    free(ents);
}

/* A new stick holding copies of every file and folder (links left out). */
static StickIO *stick_clone(StickIO *io)
{
    StickIO *c = memfs_new();
    clone_dir(io, c, "/");
    return c;
}

/* ---- hand-made manifests and bundles ---- */

/* A manifest as make_manifest in sync.c writes it, signed by db's own
 * device, for `bundle` (a name) with the given bytes; extra (borrowed, may be
 * NULL) overrides fields before signing. Returns the JSON text. */
static char *manifest_for(sqlite3 *db, const char *bundle, const unsigned char *data, size_t len,
                          json_t *extra, size_t *mlen)
{
    Author a;
    self_of(db, &a);
    char dev[33], hex[65], sighex[129];
    device_hex(a.id, dev);
    unsigned char h[32], *bytes, s[crypto_sign_BYTES];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    ew_hex(h, sizeof h, hex);
    char *cert = NULL;
    assert_int_equal(db_text(db, NULL, &cert, "SELECT cert FROM devices WHERE device=?", "b", a.id,
                             (size_t)EW_DEVICE_LEN),
                     EW_OK);
    assert_non_null(cert);
    json_t *certj = json_loads(cert, 0, NULL);
    free(cert);
    assert_non_null(certj);
    json_t *m = json_pack("{s:i,s:i,s:s,s:o,s:s,s:I,s:s,s:{},s:I,s:I}", "format", 1, "reader", 1,
                          "device", dev, "cert", certj, "bundle", bundle, "length",
                          (json_int_t)len, "hash", hex, "vv", "hlc", (json_int_t)0, "wall",
                          (json_int_t)clock_now_ms());
    if (extra)
        json_object_update(m, extra);
    size_t n;
    assert_int_equal(record_canonical(m, &bytes, &n), EW_OK);
    crypto_sign_detached(s, NULL, bytes, n, a.sk);
    free(bytes);
    ew_hex(s, sizeof s, sighex);
    json_object_set_new(m, "sig", json_string(sighex));
    char *text = json_dumps(m, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(m);
    *mlen = strlen(text);
    return text;
}

/* The usual bundle name for bytes written by device dev. */
static void bundle_name_for(const char *dev, const unsigned char *data, size_t len, char out[80])
{
    unsigned char h[32];
    char hex[17];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    ew_hex(h, 8, hex);
    snprintf(out, 80, "%s-%s.bundle", dev, hex);
}

/* A device's genuine files: what db writes to a fresh stick. */
typedef struct Files {
    char manifest[80], bundle[80];
    unsigned char *m, *b;
    size_t mlen, blen;
} Files;

static void files_of(sqlite3 *db, Files *f)
{
    StickIO *io = new_stick();
    json_t *r = sync_ok(db, io);
    snprintf(f->manifest, sizeof f->manifest, "%s", wrote(r, "manifest"));
    snprintf(f->bundle, sizeof f->bundle, "%s", wrote(r, "bundle"));
    char *mp = epath(f->manifest), *bp = epath(f->bundle);
    f->m = stick_read(io, mp, &f->mlen);
    f->b = stick_read(io, bp, &f->blen);
    free(mp);
    free(bp);
    json_decref(r);
    memfs_free(io);
}

static void files_free(Files *f)
{
    free(f->m);
    free(f->b);
}

/* A demo device of the town as an Author (its keys come from the seed, as
 * demo.c makes them), its chain state read from db. */
static void sim_author(sqlite3 *db, const char *who, Author *a)
{
    char label[48];
    unsigned char seed[32];
    snprintf(label, sizeof label, "echowall/demo/%llu/%s", 1ULL, who);
    crypto_generichash(seed, 32, (const unsigned char *)label, strlen(label), NULL, 0);
    int office = strcmp(who, "office") == 0;
    DeviceSpec ds = {.role = office ? "office" : "hall", .hall = office ? NULL : who, .seed = seed};
    device_make_author(a, &ds);
    assert_int_equal(dev_count(db, "devices", a->id), 1); /* the demo's device indeed */
    int64_t top = 0, hlc = 0;
    db_int(db, NULL, &top, 0, "SELECT max(seq) FROM records WHERE device=?", "b", a->id,
           (size_t)EW_DEVICE_LEN);
    db_int(db, NULL, &hlc, 0, "SELECT max(hlc) FROM records", NULL);
    a->next_seq = top + 1;
    a->hlc = hlc;
    if (top) {
        sqlite3_stmt *st = db_prep(db, NULL, "SELECT hash FROM records WHERE device=? AND seq=?",
                                   "bi", a->id, (size_t)EW_DEVICE_LEN, top);
        assert_non_null(st);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        memcpy(a->prev, sqlite3_column_blob(st, 0), EW_HASH_LEN);
        db_done(st);
    }
}

/* A record by a at its next seq, signed. */
static void make_record(Author *a, const char *kind, json_t *body, Record *r)
{
    memset(r, 0, sizeof *r);
    memcpy(r->device, a->id, EW_DEVICE_LEN);
    r->seq = a->next_seq;
    r->hlc = a->hlc + 65536;
    snprintf(r->kind, sizeof r->kind, "%s", kind);
    assert_int_equal(record_canonical(body, &r->body, &r->body_len), EW_OK);
    memcpy(r->prev, a->prev, EW_HASH_LEN);
    record_sign(r, a->sk);
    json_decref(body);
}

static void bundle_add_record(sqlite3 *b, const Record *r)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(b, "INSERT INTO records VALUES(?,?,?,?,?,?,?,?)", -1, &st,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(st, 1, r->device, EW_DEVICE_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, r->seq);
    sqlite3_bind_int64(st, 3, r->hlc);
    sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, r->body, (int)r->body_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 6, r->prev, EW_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, r->hash, EW_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, r->sig, EW_SIG_LEN, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static sqlite3 *open_file(const char *path)
{
    sqlite3 *b;
    assert_int_equal(sqlite3_open(path, &b), SQLITE_OK);
    return b;
}

static void exec_ok(sqlite3 *b, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(b, sql, NULL, NULL, &msg);
    if (rc)
        print_error("%s: %s\n", sql, msg);
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
}

/* 1 when the bundle file holds (device, seq). */
static int bundle_has(const char *path, const unsigned char *dev, int64_t seq)
{
    sqlite3 *b = open_file(path);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(b, "SELECT count(*) FROM records WHERE device=? AND seq=?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(st, 1, dev, EW_DEVICE_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, seq);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(b);
    return n > 0;
}

/* The highest seq of dev in db (0 when none). */
static int64_t top_seq(sqlite3 *db, const unsigned char *dev)
{
    int64_t v = 0;
    db_int(db, NULL, &v, 0, "SELECT max(seq) FROM records WHERE device=?", "b", dev,
           (size_t)EW_DEVICE_LEN);
    return v;
}

static void hash_at(sqlite3 *db, const char *table, const unsigned char *dev, int64_t seq,
                    unsigned char out[EW_HASH_LEN])
{
    char sql[120];
    snprintf(sql, sizeof sql, "SELECT hash FROM %s WHERE device=? AND seq=?", table);
    sqlite3_stmt *st = db_prep(db, NULL, sql, "bi", dev, (size_t)EW_DEVICE_LEN, seq);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(st, 0), EW_HASH_LEN);
    memcpy(out, sqlite3_column_blob(st, 0), EW_HASH_LEN);
    db_done(st);
}

/* ================================================================== */
/* 1. The loop: hall → stick → office answers → stick → hall.          */
/* ================================================================== */

static void test_loop(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    sqlite3 *office = db_copy(dir, "office.db", "office.db");
    sqlite3 *h07 = db_copy(dir, "h07.db", "h07.db");
    StickIO *io = new_stick();
    char code[CODE_MAX];
    const char *text = "村口第三盏路灯坏了两个星期，晚上很黑。";
    const char *answer = "供电所已更换灯泡并检修线路，路灯恢复正常。";
    add_appeal(h07, "H07", text, code);
    assert_false(has_appeal(office, code));

    json_t *r = sync_ok(h07, io);
    assert_true(wrote(r, "manifest") != NULL);
    json_decref(r);

    /* The office imports the appeal, text included. */
    r = sync_ok(office, io);
    char h07dev[33];
    self_hex(h07, h07dev);
    json_t *imp = imported_from(r, h07dev);
    assert_non_null(imp);
    assert_true(json_integer_value(json_object_get(imp, "records")) >= 1);
    assert_int_equal(n_items(r, "refused"), 0);
    assert_int_equal(n_items(r, "skipped"), 0);
    json_decref(r);
    json_t *a = appeal_view(office, code);
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "status")), "received");
    assert_string_equal(json_string_value(json_object_get(a, "text")), text);
    assert_string_equal(json_string_value(json_object_get(a, "hall")), "H07");
    json_decref(a);

    /* The office grades, assigns, answers and publishes it. */
    Author off;
    self_of(office, &off);
    char *member = NULL;
    db_text(office, NULL, &member, "SELECT id FROM people WHERE branch='H07' ORDER BY id LIMIT 1",
            NULL);
    assert_non_null(member);
    EwErr e = {0};
    ok_rc(db_begin(office, &e), &e, "begin");
    ok_rc(appeal_grade(office, &off, code, "blue", NULL, NULL, 0, &e), &e, "grade");
    ok_rc(appeal_assign(office, &off, code, member, "L01", "U01", NULL, NULL, 0, &e), &e, "assign");
    ok_rc(appeal_step(office, &off, "solve", code, answer, NULL, 0, &e), &e, "solve");
    ok_rc(appeal_publish(office, &off, code, NULL, 0, &e), &e, "publish");
    ok_rc(db_commit(office, &e), &e, "commit");
    free(member);
    int64_t office_top = top_seq(office, off.id);
    r = sync_ok(office, io);
    json_decref(r);

    /* Back at the hall: imported before it writes, and the answer is there. */
    r = sync_ok(h07, io);
    char offdev[33];
    device_hex(off.id, offdev);
    assert_non_null(imported_from(r, offdev));
    assert_true(json_is_true(json_object_get(r, "office_seen")));
    /* The manifest it wrote already counts the office's records (import
     * before write). */
    char *mp = epath(wrote(r, "manifest"));
    size_t mlen;
    unsigned char *m = stick_read(io, mp, &mlen);
    json_t *mj = json_loadb((const char *)m, mlen, 0, NULL);
    assert_non_null(mj);
    /* vv: device -> seq, or [seq, head hash] */
    json_t *v = json_object_get(json_object_get(mj, "vv"), offdev);
    assert_int_equal(json_integer_value(json_is_array(v) ? json_array_get(v, 0) : v), office_top);
    json_decref(mj);
    free(m);
    free(mp);
    json_decref(r);

    a = appeal_view(h07, code);
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "status")), "solved");
    assert_string_equal(json_string_value(json_object_get(a, "answer")), answer);
    assert_string_equal(json_string_value(json_object_get(a, "grade")), "blue");
    assert_true(json_is_true(json_object_get(a, "published")));
    json_decref(a);

    /* Both now fold the same town. */
    char *s1 = tu_dump_state(office), *s2 = tu_dump_state(h07);
    same_text(s1, s2, "office and H07 states after the loop");
    free(s1);
    free(s2);

    memfs_free(io);
    db_close(office);
    db_close(h07);
    tu_rmdir(dir);
    free(dir);
}

/* ================================================================== */
/* 2. Twice, stale, any order, any route.                              */
/* ================================================================== */

static void assert_nothing_new(json_t *r)
{
    size_t i;
    json_t *it;
    assert_int_equal(n_items(r, "refused"), 0);
    assert_int_equal(n_items(r, "skipped"), 0);
    assert_int_equal(n_items(r, "forks"), 0);
    json_array_foreach(json_object_get(r, "imported"), i, it) {
        assert_int_equal(json_integer_value(json_object_get(it, "records")), 0);
        assert_int_equal(json_integer_value(json_object_get(it, "waiting")), 0);
    }
}

static void test_idempotent_stale_order_route(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    sqlite3 *office = db_copy(dir, "office.db", "office.db");
    sqlite3 *h07 = db_copy(dir, "h07.db", "h07.db");
    sqlite3 *h03 = db_copy(dir, "h03.db", "h03.db");
    char c1[CODE_MAX], c2[CODE_MAX], c3[CODE_MAX];
    EwErr e = {0};

    /* -- The same stick twice. -- */
    StickIO *io = new_stick();
    add_appeal(h07, "H07", "河边护栏松动。", c1);
    json_decref(sync_ok(h07, io));
    json_decref(sync_ok(office, io));
    assert_true(has_appeal(office, c1));
    char *before = dump_all(office);
    json_t *r = sync_ok(office, io);
    assert_true(n_items(r, "imported") >= 1);
    assert_nothing_new(r);
    json_decref(r);
    r = import_ok(office, io);
    assert_nothing_new(r);
    json_decref(r);
    char *after = dump_all(office);
    same_text(before, after, "the office before and after importing the same stick again");
    free(before);
    free(after);

    /* -- A stale stick, after newer data: harmless, for the office and for
     * a hall. The snapshot holds H07's bundle with c1 and the office's. -- */
    StickIO *stale = stick_clone(io);
    add_appeal(h07, "H07", "垃圾箱满了没人清理。", c2);
    json_decref(sync_ok(h07, io));
    Author off;
    self_of(office, &off);
    json_decref(sync_ok(office, io)); /* takes c2 */
    assert_true(has_appeal(office, c2));
    ok_rc(db_begin(office, &e), &e, "begin");
    ok_rc(appeal_grade(office, &off, c2, "green", NULL, NULL, 0, &e), &e, "grade");
    {
        char *member = NULL;
        db_text(office, NULL, &member,
                "SELECT id FROM people WHERE branch='H07' ORDER BY id LIMIT 1", NULL);
        ok_rc(appeal_assign(office, &off, c2, member, "L02", "U02", NULL, NULL, 0, &e), &e,
              "assign");
        free(member);
    }
    ok_rc(db_commit(office, &e), &e, "commit");
    json_decref(sync_ok(office, io));
    json_decref(sync_ok(h07, io)); /* H07 gets the grade */
    json_t *a = appeal_view(h07, c2);
    assert_string_equal(json_string_value(json_object_get(a, "grade")), "green");
    json_decref(a);
    before = dump_all(office);
    r = import_ok(office, stale);
    assert_true(n_items(r, "imported") >= 2);
    assert_nothing_new(r);
    json_decref(r);
    after = dump_all(office);
    same_text(before, after, "the office before and after a stale stick");
    free(before);
    free(after);
    before = dump_all(h07);
    r = import_ok(h07, stale);
    assert_true(n_items(r, "imported") >= 2);
    assert_nothing_new(r);
    json_decref(r);
    after = dump_all(h07);
    same_text(before, after, "H07 before and after a stale stick");
    free(before);
    free(after);
    /* Writing onto the stale stick and reading it back changes nothing
     * either: H07's newer bundle replaces its old one there. */
    json_decref(sync_ok(h07, stale));
    before = dump_all(office);
    r = import_ok(office, stale);
    json_decref(r);
    after = dump_all(office);
    same_text(before, after, "the office before and after the refreshed stale stick");
    free(before);
    free(after);
    memfs_free(stale);
    memfs_free(io);

    /* -- Order: hall A's then hall B's stick, or B's then A's. B's record
     * is the older one, so one order folds it behind the frontier. -- */
    char cb[CODE_MAX];
    int64_t d;
    assert_int_equal(clock_parse_day(TODAY, &d), 0);
    clock_set_fixed(clock_ms_of_day(d) + 3600 * 1000);
    add_appeal(h03, "H03", "村道有坑，雨天积水。", cb);
    clock_set_fixed(clock_ms_of_day(d) + 2 * 3600 * 1000);
    add_appeal(h07, "H07", "自来水发黄。", c3);
    /* and H07 answers its own green appeal c2 */
    Author h7;
    self_of(h07, &h7);
    ok_rc(db_begin(h07, &e), &e, "begin");
    ok_rc(appeal_step(h07, &h7, "solve", c2, "已联系环卫站清理。", NULL, 0, &e), &e, "solve");
    ok_rc(db_commit(h07, &e), &e, "commit");
    tu_pin_day(TODAY);
    StickIO *sa = new_stick(), *sb = new_stick();
    json_decref(sync_ok(h07, sa));
    json_decref(sync_ok(h03, sb));
    db_close(office);
    /* Two copies of the office as it stands. */
    char *op = tu_path(dir, "office.db"), *o2 = tu_path(dir, "office2.db");
    tu_copy_file(op, o2);
    sqlite3 *x = open_path(op, 0), *y = open_path(o2, 0);
    json_decref(import_ok(x, sa));
    json_decref(import_ok(x, sb));
    json_decref(import_ok(y, sb));
    json_decref(import_ok(y, sa));
    assert_true(has_appeal(x, c3) && has_appeal(x, cb));
    a = appeal_view(x, c2);
    assert_string_equal(json_string_value(json_object_get(a, "status")), "solved");
    json_decref(a);
    char *sx = tu_dump_state(x), *sy = tu_dump_state(y);
    same_text(sx, sy, "the office after A then B, and after B then A");
    free(sx);
    free(sy);
    /* and the whole log too */
    sx = dump_log(x);
    sy = dump_log(y);
    same_text(sx, sy, "the office's log after A then B, and after B then A");
    free(sx);
    free(sy);
    memfs_free(sa);
    memfs_free(sb);
    db_close(y);

    /* -- Any route: hall A → stick 1 → hall B → B's own stick 2 → office. -- */
    char cr[CODE_MAX];
    add_appeal(h07, "H07", "桥头的路灯不亮。", cr);
    StickIO *s1 = new_stick(), *s2 = new_stick();
    json_decref(sync_ok(h07, s1));
    r = sync_ok(h03, s1); /* B takes A's records */
    json_decref(r);
    /* B holds A's newest record: applied, or waiting when A's bundle left
     * out what the office holds and B lacks (A learned the office's holdings
     * above); either way B relays it. */
    assert_true(has_rec(h03, "records", h7.id, top_seq(h07, h7.id)) ||
                has_rec(h03, "waiting", h7.id, top_seq(h07, h7.id)));
    r = sync_ok(h03, s2);          /* B's own stick: only B's files */
    char h03dev[33], h07dev[33];
    self_hex(h03, h03dev);
    self_hex(h07, h07dev);
    json_decref(r);
    StickEntry *ents = NULL;
    size_t n = 0;
    assert_int_equal(s2->list(s2, EDIR, &ents, &n), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(strncmp(ents[i].name, h03dev, 32), 0);
    free(ents);
    assert_false(has_appeal(x, cr));
    r = import_ok(x, s2);
    assert_non_null(imported_from(r, h03dev));
    assert_null(imported_from(r, h07dev));
    assert_int_equal(n_items(r, "refused"), 0);
    assert_int_equal(n_items(r, "skipped"), 0);
    json_decref(r);
    a = appeal_view(x, cr);
    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "text")), "桥头的路灯不亮。");
    json_decref(a);
    assert_int_equal(top_seq(x, h7.id), top_seq(h07, h7.id));
    memfs_free(s1);
    memfs_free(s2);

    free(op);
    free(o2);
    db_close(x);
    db_close(h07);
    db_close(h03);
    tu_rmdir(dir);
    free(dir);
}

/* ================================================================== */
/* 3. Bad files.                                                       */
/* ================================================================== */

typedef struct BadFx {
    char *dir;
    sqlite3 *office, *h07, *h03;
    char h07dev[33], h03dev[33];
    unsigned char h07id[EW_DEVICE_LEN];
    int64_t h07_held; /* H07's records the office holds */
    int n;            /* cases so far */
    char h03code[CODE_MAX], h07code[CODE_MAX];
} BadFx;

/* The town's office, H07 and H03 in a folder of their own; the halls have
 * learnt what the office holds, so their bundles are small. */
static void badfx_open(BadFx *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->dir = tu_tmpdir();
    fx->office = db_copy(fx->dir, "office.db", "office.db");
    fx->h07 = db_copy(fx->dir, "h07.db", "h07.db");
    fx->h03 = db_copy(fx->dir, "h03.db", "h03.db");
    self_hex(fx->h07, fx->h07dev);
    self_hex(fx->h03, fx->h03dev);
    Author a;
    self_of(fx->h07, &a);
    memcpy(fx->h07id, a.id, EW_DEVICE_LEN);
    StickIO *io = new_stick();
    json_decref(sync_ok(fx->office, io));
    json_decref(sync_ok(fx->h07, io));
    json_decref(sync_ok(fx->h03, io));
    memfs_free(io);
    fx->h07_held = dev_count(fx->office, "records", fx->h07id);
}

static void badfx_close(BadFx *fx)
{
    db_close(fx->office);
    db_close(fx->h07);
    db_close(fx->h03);
    tu_rmdir(fx->dir);
    free(fx->dir);
}

/* A fresh stick with H03's good bundle (a new appeal in it); H07 takes a new
 * appeal and its genuine files are in *f, not on the stick. */
static StickIO *case_begin(BadFx *fx, Files *f)
{
    char text[80];
    fx->n++;
    snprintf(text, sizeof text, "第%d个好消息：路灯修好了吗？", fx->n);
    add_appeal(fx->h03, "H03", text, fx->h03code);
    snprintf(text, sizeof text, "第%d个坏文件里的诉求。", fx->n);
    add_appeal(fx->h07, "H07", text, fx->h07code);
    StickIO *io = new_stick();
    json_decref(sync_ok(fx->h03, io));
    if (f)
        files_of(fx->h07, f);
    return io;
}

/* The office imports the stick: `bad` is refused by name with a reason,
 * nothing of H07's is imported, H03's appeal is. */
static void case_end(BadFx *fx, StickIO *io, const char *bad, const char *reason)
{
    json_t *r = import_ok(fx->office, io);
    if (bad)
        refused_ok(r, bad);
    if (bad && reason) {
        const char *why =
            json_string_value(json_object_get(entry_for(r, "refused", bad), "reason"));
        if (!strstr(why, reason))
            print_error("%s refused because \"%s\", expected \"...%s...\"\n", bad, why, reason);
        assert_non_null(strstr(why, reason));
    }
    assert_non_null(imported_from(r, fx->h03dev));
    assert_null(imported_from(r, fx->h07dev));
    assert_true(has_appeal(fx->office, fx->h03code));
    assert_false(has_appeal(fx->office, fx->h07code));
    assert_int_equal(dev_count(fx->office, "records", fx->h07id), fx->h07_held);
    assert_int_equal(dev_count(fx->office, "waiting", fx->h07id), 0);
    json_decref(r);
    memfs_free(io);
}

static void put_files(StickIO *io, const Files *f)
{
    char *mp = epath(f->manifest), *bp = epath(f->bundle);
    stick_put(io, bp, f->b, f->blen);
    stick_put(io, mp, f->m, f->mlen);
    free(mp);
    free(bp);
}

/* H07's genuine bundle with its manifest replaced by a hand-made one (same
 * fields, signed by H07) with extra fields, under manifest number n. */
static void put_handmade(BadFx *fx, StickIO *io, const char *bundle, const unsigned char *data,
                         size_t len, json_t *extra, int n, char name[80])
{
    size_t mlen;
    char *m = manifest_for(fx->h07, bundle, data, len, extra, &mlen);
    snprintf(name, 80, "%s-%d.manifest", fx->h07dev, n);
    char *mp = epath(name);
    stick_put(io, mp, m, mlen);
    free(mp);
    free(m);
}

static void test_bad_files(void **state)
{
    (void)state;
    BadFx fx;
    badfx_open(&fx);
    StickIO *io;
    Files f;
    char name[80], *p, *q;
    unsigned char *d;

    /* One flipped byte in a bundle. */
    io = case_begin(&fx, &f);
    f.b[f.blen / 2] ^= 0x01;
    put_files(io, &f);
    case_end(&fx, io, f.manifest, "do not match");
    files_free(&f);

    /* A truncated bundle. */
    io = case_begin(&fx, &f);
    f.blen = f.blen * 2 / 3;
    put_files(io, &f);
    case_end(&fx, io, f.manifest, "cut short");
    files_free(&f);

    /* A genuine manifest changed after signing (it names another bundle,
     * with that bundle's length and hash): its signature no longer holds. */
    io = case_begin(&fx, &f);
    {
        char *lp = tu_path(fx.dir, "other.bundle");
        tu_write_file(lp, f.b, f.blen);
        sqlite3 *b = open_file(lp);
        exec_ok(b, "DELETE FROM records");
        sqlite3_close(b);
        size_t len;
        d = tu_read_file(lp, &len);
        char bname[80], hex[65];
        unsigned char h[32];
        bundle_name_for(fx.h07dev, d, len, bname);
        crypto_generichash(h, sizeof h, d, len, NULL, 0);
        ew_hex(h, sizeof h, hex);
        p = epath(bname);
        stick_put(io, p, d, len);
        free(p);
        json_t *m = json_loadb((const char *)f.m, f.mlen, 0, NULL);
        assert_non_null(m);
        json_object_set_new(m, "bundle", json_string(bname));
        json_object_set_new(m, "length", json_integer((json_int_t)len));
        json_object_set_new(m, "hash", json_string(hex));
        char *text = json_dumps(m, JSON_SORT_KEYS | JSON_COMPACT);
        p = epath(f.manifest);
        stick_put(io, p, text, strlen(text));
        free(p);
        free(text);
        json_decref(m);
        free(d);
        unlink(lp);
        free(lp);
        case_end(&fx, io, f.manifest, "signature");
    }
    files_free(&f);

    /* A manifest signed by another town's device, for a genuine bundle. */
    io = case_begin(&fx, &f);
    {
        char *op = tu_path(fx.dir, "othertown.db");
        sqlite3 *other = open_path(op, 1);
        unsigned char seed[32], tseed[32];
        crypto_generichash(seed, 32, (const unsigned char *)"othertown/2/office", 18, NULL, 0);
        crypto_generichash(tseed, 32, (const unsigned char *)"othertown/2/town", 16, NULL, 0);
        DeviceSpec ds = {.role = "office", .town_name = "白石镇", .seed = seed, .town_seed = tseed};
        EwErr e = {0};
        ok_rc(db_begin(other, &e), &e, "begin");
        ok_rc(device_init(other, &ds, &e), &e, "device_init");
        ok_rc(db_commit(other, &e), &e, "commit");
        char odev[33], bname[80];
        self_hex(other, odev);
        bundle_name_for(odev, f.b, f.blen, bname);
        size_t mlen;
        char *m = manifest_for(other, bname, f.b, f.blen, NULL, &mlen);
        snprintf(name, sizeof name, "%s-1.manifest", odev);
        p = epath(name);
        q = epath(bname);
        stick_put(io, q, f.b, f.blen);
        stick_put(io, p, m, mlen);
        free(p);
        free(q);
        free(m);
        case_end(&fx, io, name, "not signed by this town");
        db_close(other);
        free(op);
    }
    files_free(&f);

    /* A non-SQLite file with a bundle's name and a properly signed
     * manifest naming it. */
    io = case_begin(&fx, NULL);
    {
        size_t len = 9000;
        unsigned char *junk = malloc(len);
        for (size_t i = 0; i < len; i++)
            junk[i] = (unsigned char)("not a database, just text. "[i % 27]);
        char bname[80];
        bundle_name_for(fx.h07dev, junk, len, bname);
        p = epath(bname);
        stick_put(io, p, junk, len);
        free(p);
        put_handmade(&fx, io, bname, junk, len, NULL, 5, name);
        free(junk);
        case_end(&fx, io, name, "SQLite");
    }

    /* A bundle with an extra table, properly signed: a genuine bundle with
     * H07's new appeal in it, which must not come in. */
    io = case_begin(&fx, &f);
    {
        char *lp = tu_path(fx.dir, "extra.bundle");
        tu_write_file(lp, f.b, f.blen);
        sqlite3 *b = open_file(lp);
        exec_ok(b, "CREATE TABLE extra(x); INSERT INTO extra VALUES('hello')");
        sqlite3_close(b);
        size_t len;
        d = tu_read_file(lp, &len);
        char bname[80];
        bundle_name_for(fx.h07dev, d, len, bname);
        p = epath(bname);
        stick_put(io, p, d, len);
        free(p);
        put_handmade(&fx, io, bname, d, len, NULL, 6, name);
        free(d);
        unlink(lp);
        free(lp);
        case_end(&fx, io, name, "tables");
    }
    files_free(&f);

    /* A 2 GB file under a bundle's name (its manifest genuine). */
    io = case_begin(&fx, &f);
    put_files(io, &f);
    p = epath(f.bundle);
    assert_int_equal(memfs_set_size(io, p, 2ULL * 1024 * 1024 * 1024 + 7), 0);
    free(p);
    case_end(&fx, io, f.manifest, "longer");
    files_free(&f);

    /* A manifest that claims a 2 GB bundle. */
    io = case_begin(&fx, &f);
    {
        p = epath(f.bundle);
        stick_put(io, p, f.b, f.blen);
        assert_int_equal(memfs_set_size(io, p, 2ULL * 1024 * 1024 * 1024), 0);
        free(p);
        json_t *extra = json_pack("{s:I}", "length", (json_int_t)(2LL * 1024 * 1024 * 1024));
        put_handmade(&fx, io, f.bundle, f.b, f.blen, extra, 7, name);
        json_decref(extra);
        case_end(&fx, io, name, "damaged");
    }
    files_free(&f);

    /* A link with a manifest's name, to a genuine manifest outside. */
    io = case_begin(&fx, &f);
    {
        p = epath(f.bundle);
        stick_put(io, p, f.b, f.blen);
        free(p);
        assert_int_equal(memfs_add_file(io, "/elsewhere/real.manifest", f.m, f.mlen), 0);
        p = epath(f.manifest);
        assert_int_equal(memfs_add_symlink(io, p, "/elsewhere/real.manifest"), 0);
        free(p);
        case_end(&fx, io, f.manifest, "regular file");
    }
    files_free(&f);

    /* A link with the bundle's name (the manifest genuine). */
    io = case_begin(&fx, &f);
    {
        p = epath(f.manifest);
        stick_put(io, p, f.m, f.mlen);
        free(p);
        assert_int_equal(memfs_add_file(io, "/elsewhere/real.bundle", f.b, f.blen), 0);
        p = epath(f.bundle);
        assert_int_equal(memfs_add_symlink(io, p, "/elsewhere/real.bundle"), 0);
        free(p);
        case_end(&fx, io, f.manifest, "regular file");
    }
    files_free(&f);

    /* Path tricks: a manifest whose bundle is "../x.bundle", or has a "/". */
    io = case_begin(&fx, &f);
    {
        assert_int_equal(memfs_add_file(io, STICK "/x.bundle", f.b, f.blen), 0);
        json_t *extra = json_pack("{s:s}", "bundle", "../x.bundle");
        put_handmade(&fx, io, "../x.bundle", f.b, f.blen, extra, 8, name);
        json_decref(extra);
        case_end(&fx, io, name, "damaged");
    }
    io = case_begin(&fx, NULL);
    {
        char sub[120];
        snprintf(sub, sizeof sub, EDIR "/sub/%s", f.bundle);
        assert_int_equal(memfs_add_file(io, sub, f.b, f.blen), 0);
        snprintf(sub, sizeof sub, "sub/%s", f.bundle);
        put_handmade(&fx, io, sub, f.b, f.blen, NULL, 9, name);
        case_end(&fx, io, name, "damaged");
        /* and a bundle name with the writer's prefix but a "/" inside */
        io = case_begin(&fx, NULL);
        snprintf(sub, sizeof sub, EDIR "/%.32s-/%.14s.bundle", fx.h07dev, f.bundle + 33);
        assert_int_equal(memfs_add_file(io, sub, f.b, f.blen), 0);
        snprintf(sub, sizeof sub, "%.32s-/%.14s.bundle", fx.h07dev, f.bundle + 33);
        put_handmade(&fx, io, sub, f.b, f.blen, NULL, 10, name);
        case_end(&fx, io, name, "damaged");
    }
    files_free(&f);
    /* A file named "..manifest" holding a genuine manifest whose bundle is
     * there: not a manifest's name, so never read. */
    io = case_begin(&fx, &f);
    {
        p = epath(f.bundle);
        stick_put(io, p, f.b, f.blen);
        free(p);
        assert_int_equal(memfs_add_file(io, EDIR "/..manifest", f.m, f.mlen), 0);
        case_end(&fx, io, NULL, NULL);
    }
    files_free(&f);
    /* H07's genuine manifest under H03's device name (a higher number than
     * H03's own): refused, and H03's own older manifest is used instead. */
    io = case_begin(&fx, &f);
    {
        p = epath(f.bundle);
        stick_put(io, p, f.b, f.blen);
        free(p);
        snprintf(name, sizeof name, "%s-99999.manifest", fx.h03dev);
        p = epath(name);
        stick_put(io, p, f.m, f.mlen);
        free(p);
        case_end(&fx, io, name, NULL);
    }
    files_free(&f);

    /* A manifest over 64 KiB, properly signed. */
    io = case_begin(&fx, &f);
    {
        p = epath(f.bundle);
        stick_put(io, p, f.b, f.blen);
        free(p);
        char *pad = malloc(SYNC_MANIFEST_MAX + 10);
        memset(pad, 'a', SYNC_MANIFEST_MAX + 9);
        pad[SYNC_MANIFEST_MAX + 9] = '\0';
        json_t *extra = json_pack("{s:s}", "pad", pad);
        free(pad);
        put_handmade(&fx, io, f.bundle, f.b, f.blen, extra, 11, name);
        json_decref(extra);
        case_end(&fx, io, name, "64 KiB");
    }
    files_free(&f);

    /* A stick whose echowall/ is a link (to a folder with genuine files):
     * nothing read through it, nothing written through it. */
    {
        io = new_stick();
        char text[80];
        snprintf(text, sizeof text, "链接后面的诉求。");
        add_appeal(fx.h03, "H03", text, fx.h03code);
        StickIO *tmp = new_stick();
        json_t *r = sync_ok(fx.h03, tmp);
        char mp[120], bp[120];
        snprintf(mp, sizeof mp, "/real/%s", wrote(r, "manifest"));
        snprintf(bp, sizeof bp, "/real/%s", wrote(r, "bundle"));
        size_t ml, bl;
        char *tmpm = epath(wrote(r, "manifest")), *tmpb = epath(wrote(r, "bundle"));
        unsigned char *m = stick_read(tmp, tmpm, &ml), *b = stick_read(tmp, tmpb, &bl);
        assert_int_equal(memfs_add_file(io, mp, m, ml), 0);
        assert_int_equal(memfs_add_file(io, bp, b, bl), 0);
        assert_int_equal(memfs_add_symlink(io, EDIR, "/real"), 0);
        free(m);
        free(b);
        free(tmpm);
        free(tmpb);
        json_decref(r);
        memfs_free(tmp);
        r = import_ok(fx.office, io);
        refused_ok(r, "echowall");
        assert_int_equal(n_items(r, "imported"), 0);
        json_decref(r);
        assert_false(has_appeal(fx.office, fx.h03code));
        /* a whole sync: reported, not fatal, nothing written into /real */
        EwErr e = {0};
        r = NULL;
        int rc = sync_stick(fx.office, io, STICK, &r, &e);
        assert_int_not_equal(rc, EW_OK);
        assert_false(json_is_true(json_object_get(r, "safe_to_remove")));
        refused_ok(r, "echowall");
        json_decref(r);
        StickEntry *ents = NULL;
        size_t n = 0;
        assert_int_equal(io->list(io, "/real", &ents, &n), 0);
        assert_int_equal(n, 2);
        free(ents);
        assert_false(has_appeal(fx.office, fx.h03code));
        memfs_free(io);
    }

    badfx_close(&fx);
}

/* Mixed versions across halls (issue 8, section 3): a manifest written by
 * a newer echowall whose format this one can still read (format 2, reader
 * 1, a field this version does not know) is imported; one whose lowest
 * reader is newer than this version is refused by name, saying to update,
 * and the rest of the stick still comes in. Records of kinds this version
 * does not know are kept and relayed: test_bad_records. */
static void test_mixed_versions(void **state)
{
    (void)state;
    BadFx fx;
    badfx_open(&fx);
    Files f;
    char name[80];

    /* Newer than this reader can read: refused, saying so. */
    StickIO *io = case_begin(&fx, &f);
    char *p = epath(f.bundle);
    stick_put(io, p, f.b, f.blen);
    free(p);
    json_t *extra = json_pack("{s:i,s:i}", "format", SYNC_FORMAT + 1, "reader", SYNC_FORMAT + 1);
    put_handmade(&fx, io, f.bundle, f.b, f.blen, extra, 20, name);
    json_decref(extra);
    case_end(&fx, io, name, "written by a newer echowall");
    files_free(&f);

    /* Newer, but readable by this version: imported. */
    io = case_begin(&fx, &f);
    p = epath(f.bundle);
    stick_put(io, p, f.b, f.blen);
    free(p);
    extra = json_pack("{s:i,s:i,s:{s:s}}", "format", SYNC_FORMAT + 1, "reader", SYNC_FORMAT,
                      "later", "field", "this version does not know");
    put_handmade(&fx, io, f.bundle, f.b, f.blen, extra, 21, name);
    json_decref(extra);
    json_t *r = import_ok(fx.office, io);
    assert_int_equal(n_items(r, "refused"), 0);
    assert_non_null(imported_from(r, fx.h07dev));
    assert_non_null(imported_from(r, fx.h03dev));
    assert_true(has_appeal(fx.office, fx.h07code));
    assert_true(has_appeal(fx.office, fx.h03code));
    json_decref(r);
    memfs_free(io);
    files_free(&f);

    /* What this version writes names itself as its lowest reader. */
    io = new_stick();
    r = sync_ok(fx.h03, io);
    p = epath(wrote(r, "manifest"));
    size_t mlen;
    unsigned char *m = stick_read(io, p, &mlen);
    json_t *mj = json_loadb((const char *)m, mlen, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(mj, "reader")), SYNC_FORMAT);
    json_decref(mj);
    free(m);
    free(p);
    json_decref(r);
    memfs_free(io);

    badfx_close(&fx);
}

/* ================================================================== */
/* 4. Bad records.                                                     */
/* ================================================================== */

typedef struct BadRec {
    const char *what;
    const char *reason; /* part of the reason reported */
    unsigned char dev[EW_DEVICE_LEN];
    int64_t seq;
} BadRec;

static void test_bad_records(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    sqlite3 *office = db_copy(dir, "office.db", "office.db");
    sqlite3 *h07 = db_copy(dir, "h07.db", "h07.db");
    sqlite3 *h03 = db_copy(dir, "h03.db", "h03.db");
    EwErr e = {0};

    /* The office retires H08's kiosk; H03 learns it from the office. */
    Author off, h08;
    self_of(office, &off);
    sim_author(office, "H08", &h08);
    char h08hex[33], got[33];
    device_hex(h08.id, h08hex);
    ok_rc(db_begin(office, &e), &e, "begin");
    ok_rc(enroll_revoke(office, &off, h08hex, -1, got, &e), &e, "enroll_revoke");
    ok_rc(db_commit(office, &e), &e, "commit");
    assert_string_equal(got, h08hex);
    StickIO *io = new_stick();
    json_decref(sync_ok(office, io));
    json_decref(sync_ok(h03, io));
    assert_int_equal(q_int(h03, "SELECT count(*) FROM revoked"), 1);
    memfs_free(io);

    /* H07 takes an appeal: its genuine bundle is the base. */
    char code[CODE_MAX];
    add_appeal(h07, "H07", "广场的灯整夜不亮。", code);
    Files f;
    files_of(h07, &f);
    /* A bundle made by hand with the bundle schema, holding what H07's
     * genuine one holds (its records, certificates, texts). */
    char *gp = tu_path(dir, "genuine.bundle"), *lp = tu_path(dir, "hand.bundle");
    tu_write_file(gp, f.b, f.blen);
    sqlite3 *b = open_file(lp);
    exec_ok(b, BUNDLE_SCHEMA);
    char *att = sqlite3_mprintf("ATTACH %Q AS g", gp);
    exec_ok(b, att);
    sqlite3_free(att);
    exec_ok(b, "INSERT INTO certs SELECT * FROM g.certs; INSERT INTO records SELECT * FROM "
               "g.records; INSERT INTO blobs SELECT * FROM g.blobs; INSERT INTO vv SELECT * "
               "FROM g.vv; DETACH g");
    unlink(gp);
    free(gp);

    BadRec bad[6];
    int nb = 0;
    Record r;
    Author u, a;
    /* Unknown author: a device no certificate vouches for. */
    DeviceSpec us = {.role = "hall", .hall = "H05", .slot = 'B'};
    device_make_author(&u, &us);
    make_record(&u, "appeal.progress", json_pack("{s:s,s:s}", "code", code, "note", "0"), &r);
    bundle_add_record(b, &r);
    bad[nb++] = (BadRec){"unknown author", "unknown author", {0}, r.seq};
    memcpy(bad[nb - 1].dev, r.device, EW_DEVICE_LEN);
    record_clear(&r);
    /* Bad signature (H05) and a body changed after signing (H10). */
    sim_author(h03, "H05", &a);
    make_record(&a, "appeal.progress", json_pack("{s:s,s:s}", "code", code, "note", "0"), &r);
    r.sig[10] ^= 0x40;
    bundle_add_record(b, &r);
    bad[nb++] = (BadRec){"bad signature", "signature", {0}, r.seq};
    memcpy(bad[nb - 1].dev, r.device, EW_DEVICE_LEN);
    record_clear(&r);
    sim_author(h03, "H10", &a);
    make_record(&a, "appeal.progress", json_pack("{s:s,s:s}", "code", code, "note", "0"), &r);
    r.body[r.body_len - 2] ^= 0x01;
    bundle_add_record(b, &r);
    bad[nb++] = (BadRec){"changed body", "signature", {0}, r.seq};
    memcpy(bad[nb - 1].dev, r.device, EW_DEVICE_LEN);
    record_clear(&r);
    /* A hall writing the roster. */
    sim_author(h03, "H06", &a);
    make_record(&a, "roster.person",
                json_pack("{s:s,s:s,s:s,s:s}", "id", "P9999", "name", "冒名", "role", "member",
                          "branch", "H06"),
                &r);
    bundle_add_record(b, &r);
    bad[nb++] = (BadRec){"role", "role may not write", {0}, r.seq};
    memcpy(bad[nb - 1].dev, r.device, EW_DEVICE_LEN);
    record_clear(&r);
    /* The revoked kiosk, after its revocation. */
    sim_author(h03, "H08", &a);
    make_record(&a, "appeal.progress", json_pack("{s:s,s:s}", "code", code, "note", "0"), &r);
    bundle_add_record(b, &r);
    bad[nb++] = (BadRec){"revoked", "revoked", {0}, r.seq};
    memcpy(bad[nb - 1].dev, r.device, EW_DEVICE_LEN);
    record_clear(&r);
    /* A broken chain: the right seq, a prev that is not its predecessor. */
    sim_author(h03, "H09", &a);
    randombytes_buf(a.prev, sizeof a.prev);
    make_record(&a, "appeal.progress", json_pack("{s:s,s:s}", "code", code, "note", "0"), &r);
    bundle_add_record(b, &r);
    bad[nb++] = (BadRec){"broken chain", "chain", {0}, r.seq};
    memcpy(bad[nb - 1].dev, r.device, EW_DEVICE_LEN);
    record_clear(&r);
    /* A kind this version does not know, from the office: kept, relayed. */
    Author o;
    sim_author(h03, "office", &o);
    Record unk;
    make_record(&o, "appeal.translate", json_pack("{s:s,s:s}", "code", code, "lang", "bo"), &unk);
    bundle_add_record(b, &unk);
    sqlite3_close(b);
    size_t blen;
    unsigned char *bd = tu_read_file(lp, &blen);
    char bname[80], mname[80];
    char h07dev[33];
    self_hex(h07, h07dev);
    bundle_name_for(h07dev, bd, blen, bname);
    size_t mlen;
    char *m = manifest_for(h07, bname, bd, blen, NULL, &mlen);
    snprintf(mname, sizeof mname, "%s-40.manifest", h07dev);

    json_t *rep = json_object();
    ok_rc(sync_import_files(h03, mname, (unsigned char *)m, mlen, lp, rep, &e), &e,
          "sync_import_files");
    /* The rest of the bundle went in. */
    assert_true(has_appeal(h03, code));
    json_t *av = appeal_view(h03, code);
    assert_string_equal(json_string_value(json_object_get(av, "text")), "广场的灯整夜不亮。");
    json_decref(av);
    /* Each bad record: skipped, reported with its reason, not held. */
    for (int i = 0; i < nb; i++) {
        char hex[33];
        device_hex(bad[i].dev, hex);
        size_t k;
        json_t *it, *hit = NULL;
        json_array_foreach(json_object_get(rep, "skipped"), k, it) {
            const char *d = json_string_value(json_object_get(it, "device"));
            if (d && strcmp(d, hex) == 0 &&
                json_integer_value(json_object_get(it, "seq")) == bad[i].seq)
                hit = it;
        }
        if (!hit) {
            print_error("%s: not reported as skipped\n", bad[i].what);
            show_report("report", rep);
        }
        assert_non_null(hit);
        const char *why = json_string_value(json_object_get(hit, "reason"));
        if (!why || !strstr(why, bad[i].reason))
            print_error("%s: reason \"%s\", expected \"...%s...\"\n", bad[i].what,
                        why ? why : "(none)", bad[i].reason);
        assert_non_null(why);
        assert_non_null(strstr(why, bad[i].reason));
        assert_false(has_rec(h03, "records", bad[i].dev, bad[i].seq));
        assert_false(has_rec(h03, "waiting", bad[i].dev, bad[i].seq));
    }
    assert_int_equal(n_items(rep, "skipped"), (size_t)nb);
    /* The unknown kind: kept, refused by the fold with a note. */
    assert_true(has_rec(h03, "records", unk.device, unk.seq));
    int64_t st = -1;
    db_int(h03, NULL, &st, -1, "SELECT state FROM records WHERE device=? AND seq=?", "bi",
           unk.device, (size_t)EW_DEVICE_LEN, unk.seq);
    assert_int_equal(st, 0);
    char *note = NULL;
    db_text(h03, NULL, &note, "SELECT note FROM records WHERE device=? AND seq=?", "bi", unk.device,
            (size_t)EW_DEVICE_LEN, unk.seq);
    assert_non_null(note);
    free(note);
    json_decref(rep);

    /* H03's next bundle relays the unknown kind and H07's appeal, and none
     * of the bad records. */
    StickIO *out = new_stick();
    json_t *w = sync_ok(h03, out);
    char *bp = epath(wrote(w, "bundle"));
    size_t olen;
    unsigned char *ob = stick_read(out, bp, &olen);
    char *olp = tu_path(dir, "relayed.bundle");
    tu_write_file(olp, ob, olen);
    assert_true(bundle_has(olp, unk.device, unk.seq));
    Author h7;
    self_of(h07, &h7);
    assert_true(bundle_has(olp, h7.id, h7.next_seq - 1));
    for (int i = 0; i < nb; i++)
        assert_false(bundle_has(olp, bad[i].dev, bad[i].seq));
    /* And the office, on receiving it, keeps the unknown kind too. */
    json_t *ro = import_ok(office, out);
    assert_int_equal(n_items(ro, "refused"), 0);
    assert_int_equal(n_items(ro, "skipped"), 0);
    assert_true(has_rec(office, "records", unk.device, unk.seq));
    assert_true(has_appeal(office, code));
    json_decref(ro);

    json_decref(w);
    free(bp);
    free(ob);
    free(olp);
    memfs_free(out);
    record_clear(&unk);
    free(m);
    free(bd);
    free(lp);
    files_free(&f);
    db_close(office);
    db_close(h07);
    db_close(h03);
    tu_rmdir(dir);
    free(dir);
}

/* ================================================================== */
/* 5. Forks.                                                           */
/* ================================================================== */

static void test_fork(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    /* A cloned card: two databases with the same H07 identity. */
    sqlite3 *ca = db_copy(dir, "h07.db", "clone_a.db");
    sqlite3 *cb = db_copy(dir, "h07.db", "clone_b.db");
    Author h7;
    self_of(ca, &h7);
    int64_t n = h7.next_seq; /* where the branches part */
    char codea[CODE_MAX], codeb[CODE_MAX], codeb2[CODE_MAX];
    const char *ta = "克隆卡A：水管漏水。", *tb = "克隆卡B：路面塌陷。", *tb2 = "克隆卡B：第二条。";
    add_appeal(ca, "H07", ta, codea);
    add_appeal(cb, "H07", tb, codeb);
    add_appeal(cb, "H07", tb2, codeb2);
    unsigned char ha[EW_HASH_LEN], hb[EW_HASH_LEN], hb2[EW_HASH_LEN];
    hash_at(ca, "records", h7.id, n, ha);
    hash_at(cb, "records", h7.id, n, hb);
    hash_at(cb, "records", h7.id, n + 1, hb2);
    assert_memory_not_equal(ha, hb, EW_HASH_LEN);
    int a_wins = memcmp(ha, hb, EW_HASH_LEN) < 0;
    const unsigned char *keep = a_wins ? ha : hb;
    char keephex[65];
    ew_hex(keep, EW_HASH_LEN, keephex);
    StickIO *sa = new_stick(), *sb = new_stick();
    json_decref(sync_ok(ca, sa));
    json_decref(sync_ok(cb, sb));

    /* Three importers, two orders. */
    sqlite3 *x = db_copy(dir, "office.db", "x.db");
    sqlite3 *y = db_copy(dir, "office.db", "y.db");
    sqlite3 *z = db_copy(dir, "h03.db", "z.db");
    sqlite3 *imp[3] = {x, y, z};
    for (int i = 0; i < 3; i++) {
        StickIO *first = i == 0 ? sa : sb, *second = i == 0 ? sb : sa;
        json_t *r1 = import_ok(imp[i], first);
        assert_int_equal(n_items(r1, "forks"), 0);
        json_t *r2 = import_ok(imp[i], second);
        /* reported, with the kept hash */
        assert_true(n_items(r2, "forks") >= 1);
        json_t *fk = json_array_get(json_object_get(r2, "forks"), 0);
        assert_int_equal(json_integer_value(json_object_get(fk, "seq")), n);
        assert_string_equal(json_string_value(json_object_get(fk, "kept")), keephex);
        assert_int_equal(n_items(r2, "refused"), 0);
        json_decref(r1);
        json_decref(r2);
        /* lower hash kept */
        unsigned char held[EW_HASH_LEN];
        hash_at(imp[i], "records", h7.id, n, held);
        assert_memory_equal(held, keep, EW_HASH_LEN);
        /* nothing lost: every record of both branches is held or in forks,
         * with its text */
        assert_true(has_hash(imp[i], "records", ha) || has_hash(imp[i], "forks", ha));
        assert_true(has_hash(imp[i], "records", hb) || has_hash(imp[i], "forks", hb));
        assert_true(has_hash(imp[i], "records", hb2) || has_hash(imp[i], "forks", hb2));
        assert_true(has_hash(imp[i], "forks", a_wins ? hb : ha));
        if (a_wins) {
            assert_true(has_hash(imp[i], "forks", hb2));
            assert_false(has_rec(imp[i], "records", h7.id, n + 1));
        } else {
            assert_true(has_hash(imp[i], "records", hb2));
        }
        const char *texts[] = {ta, tb, tb2};
        for (int t = 0; t < 3; t++) {
            char hex[65];
            blob_hash_hex(texts[t], strlen(texts[t]), hex);
            char *got = blob_get_text(imp[i], hex);
            assert_non_null(got);
            free(got);
        }
        /* the view follows the kept branch */
        assert_true(has_appeal(imp[i], a_wins ? codea : codeb));
        json_t *av = appeal_view(imp[i], codea); /* the same code on both clones */
        assert_non_null(av);
        assert_string_equal(json_string_value(json_object_get(av, "text")), a_wins ? ta : tb);
        json_decref(av);
    }
    char *sx = tu_dump_state(x), *sy = tu_dump_state(y), *sz = tu_dump_state(z);
    same_text(sx, sy, "the fork resolved on two offices in two orders");
    same_text(sx, sz, "the fork resolved on the office and on a hall");
    free(sx);
    free(sy);
    free(sz);
    char *lx = dump_log(x), *ly = dump_log(y);
    same_text(lx, ly, "the logs after the fork in two orders");
    free(lx);
    free(ly);
    /* Importing either stick again changes nothing. */
    char *before = dump_all(x);
    json_decref(import_ok(x, sa));
    json_decref(import_ok(x, sb));
    char *after = dump_all(x);
    same_text(before, after, "the office importing the forked sticks again");
    free(before);
    free(after);
    /* The quarantined branch is never relayed. */
    StickIO *out = new_stick();
    json_t *w = sync_ok(z, out);
    char *bp = epath(wrote(w, "bundle"));
    size_t olen;
    unsigned char *ob = stick_read(out, bp, &olen);
    char *olp = tu_path(dir, "z.bundle");
    tu_write_file(olp, ob, olen);
    {
        sqlite3 *b = open_file(olp);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(b, "SELECT hash FROM records WHERE device=? AND seq>=?",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_blob(st, 1, h7.id, EW_DEVICE_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, n);
        int rows = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            rows++;
            assert_memory_not_equal(sqlite3_column_blob(st, 0), a_wins ? hb : ha, EW_HASH_LEN);
            assert_memory_not_equal(sqlite3_column_blob(st, 0), a_wins ? hb2 : ha, EW_HASH_LEN);
        }
        assert_int_equal(rows, a_wins ? 1 : 2);
        sqlite3_finalize(st);
        sqlite3_close(b);
    }
    json_decref(w);
    free(bp);
    free(ob);
    free(olp);
    memfs_free(out);

    memfs_free(sa);
    memfs_free(sb);
    db_close(ca);
    db_close(cb);
    db_close(x);
    db_close(y);
    db_close(z);
    tu_rmdir(dir);
    free(dir);
}

/* ================================================================== */
/* 6. Power cuts.                                                      */
/* ================================================================== */

#define POWER_TRIALS 220

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The number in a manifest's name of device dev, or -1. */
static long manifest_no(const char *name, const char *dev)
{
    size_t len = strlen(name);
    if (strncmp(name, dev, 32) != 0 || name[32] != '-' || len < 43 ||
        strcmp(name + len - 9, ".manifest") != 0)
        return -1;
    return strtol(name + 33, NULL, 10);
}

/* Independently of sync.c: 1 when the manifest verifies under pk and names
 * a complete bundle on the stick. */
static int manifest_valid(StickIO *io, const char *name, const unsigned char *pk)
{
    char *p = epath(name);
    unsigned char *d = NULL;
    size_t len = 0;
    int rc = io->read_file(io, p, SYNC_MANIFEST_MAX, &d, &len);
    free(p);
    if (rc)
        return 0;
    json_t *m = json_loadb((const char *)d, len, 0, NULL);
    free(d);
    if (!m)
        return 0;
    int ok = 0;
    unsigned char sig[64], want[32], h[32], *bytes;
    size_t n;
    const char *bundle = json_string_value(json_object_get(m, "bundle"));
    json_t *copy = json_deep_copy(m);
    json_object_del(copy, "sig");
    if (bundle && ew_unhex(json_string_value(json_object_get(m, "sig")), sig, 64) == 0 &&
        ew_unhex(json_string_value(json_object_get(m, "hash")), want, 32) == 0 &&
        record_canonical(copy, &bytes, &n) == EW_OK) {
        ok = crypto_sign_verify_detached(sig, bytes, n, pk) == 0;
        free(bytes);
        char *bp = epath(bundle);
        unsigned char *b = NULL;
        size_t blen = 0;
        if (ok && io->read_file(io, bp, (size_t)1 << 30, &b, &blen) == 0) {
            crypto_generichash(h, sizeof h, b, blen, NULL, 0);
            ok = blen == (size_t)json_integer_value(json_object_get(m, "length")) &&
                 memcmp(h, want, 32) == 0;
        } else {
            ok = 0;
        }
        free(b);
        free(bp);
    }
    json_decref(copy);
    json_decref(m);
    return ok;
}

static void test_power_cuts(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    sqlite3 *w = db_copy(dir, "h07.db", "writer.db");
    sqlite3 *rd = db_copy(dir, "office.db", "reader.db");
    Author wa;
    self_of(w, &wa);
    char wdev[33];
    device_hex(wa.id, wdev);
    /* The writer learns what the office holds: its bundles stay small. */
    StickIO *io = new_stick();
    json_decref(sync_ok(rd, io));
    json_decref(sync_ok(w, io));
    memfs_free(io);

    uint64_t rng = 0x5eed5eedULL;
    long need = -1;
    int cut_trials = 0, new_seen = 0, old_seen = 0, torn_seen = 0;
    for (int t = 0; t < POWER_TRIALS; t++) {
        io = new_stick();
        /* An older bundle of the writer on the stick. */
        json_t *r = sync_ok(w, io);
        long old_no = manifest_no(wrote(r, "manifest"), wdev);
        assert_true(old_no > 0);
        json_decref(r);
        char code[CODE_MAX], text[64];
        snprintf(text, sizeof text, "断电试验 %d：路灯又灭了。", t);
        add_appeal(w, "H07", text, code);

        /* The new write, with the power cut after k operations. */
        long before_ops = memfs_count_ops(io);
        if (need < 0) {
            StickIO *probe = stick_clone(io);
            long p0 = memfs_count_ops(probe);
            /* measure on a copy of the stick and of the writer */
            char *wp = tu_path(dir, "writer.db"), *pp = tu_path(dir, "probe.db");
            sqlite3_exec(w, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
            tu_copy_file(wp, pp);
            sqlite3 *pw = open_path(pp, 0);
            json_decref(sync_ok(pw, probe));
            need = memfs_count_ops(probe) - p0;
            db_close(pw);
            unlink(pp);
            free(wp);
            free(pp);
            memfs_free(probe);
            assert_true(need > 8);
        }
        long k = (long)(rng_next(&rng) % (uint64_t)(need + 1));
        memfs_power_cut_after(io, k);
        EwErr e = {0};
        r = NULL;
        int rc = sync_stick(w, io, STICK, &r, &e);
        long used = memfs_count_ops(io) - before_ops;
        if (rc == EW_OK) {
            if (used > need)
                need = used;
        } else {
            cut_trials++;
            assert_int_equal(rc, EW_EIO);
            assert_false(json_is_true(json_object_get(r, "safe_to_remove")));
        }
        json_decref(r);
        memfs_reboot(io, rng_next(&rng));

        /* The stick: a newest valid manifest of the writer, naming a
         * complete bundle, the old one or newer. */
        StickEntry *ents = NULL;
        size_t n = 0;
        assert_int_equal(io->list(io, EDIR, &ents, &n), 0);
        long best = -1, newest = -1;
        for (size_t i = 0; i < n; i++) {
            long no = manifest_no(ents[i].name, wdev);
            if (no < 0)
                continue;
            if (no > newest)
                newest = no;
            if (no > best && manifest_valid(io, ents[i].name, wa.pk))
                best = no;
        }
        free(ents);
        if (best < old_no)
            print_error("trial %d (k=%ld of %ld): no valid manifest at or after %ld (best %ld)\n",
                        t, k, need, old_no, best);
        assert_true(best >= old_no);
        if (newest > best)
            torn_seen++;

        /* Another device's import: the writer's newest valid manifest, and
         * nothing refused but a torn newer one. */
        r = import_ok(rd, io);
        json_t *imp = imported_from(r, wdev);
        if (!imp)
            show_report("import after the cut", r);
        assert_non_null(imp);
        long used_no = manifest_no(json_string_value(json_object_get(imp, "file")), wdev);
        assert_int_equal(used_no, best);
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(r, "refused"), i, it) {
            long no = manifest_no(json_string_value(json_object_get(it, "file")), wdev);
            if (no <= best)
                show_report("import after the cut", r);
            assert_true(no > best);
        }
        assert_int_equal(n_items(r, "skipped"), 0);
        json_decref(r);
        /* the content is the manifest's: the new appeal only with the new one */
        if (best > old_no) {
            new_seen++;
            assert_true(has_appeal(rd, code));
        } else {
            old_seen++;
            assert_false(has_appeal(rd, code));
        }

        /* The writer's database is intact and its next sync succeeds. */
        quick_check(w);
        r = sync_ok(w, io);
        const char *mn = wrote(r, "manifest");
        assert_true(manifest_no(mn, wdev) > newest);
        json_decref(r);
        /* afterwards: exactly its new manifest and bundle, no leftovers */
        assert_int_equal(io->list(io, EDIR, &ents, &n), 0);
        int mine = 0;
        for (size_t j = 0; j < n; j++)
            if (strstr(ents[j].name, wdev))
                mine++;
        free(ents);
        assert_int_equal(mine, 2);
        r = import_ok(rd, io);
        assert_int_equal(n_items(r, "refused"), 0);
        json_decref(r);
        assert_true(has_appeal(rd, code));
        memfs_free(io);
    }
    print_message("power cuts: %d trials, %d cut, old kept %d, new live %d, torn newer %d, "
                  "ops per write %ld\n",
                  POWER_TRIALS, cut_trials, old_seen, new_seen, torn_seen, need);
    assert_true(cut_trials >= POWER_TRIALS / 2);
    assert_true(old_seen > 0 && new_seen > 0);
    db_close(w);
    db_close(rd);
    tu_rmdir(dir);
    free(dir);
}

/* ================================================================== */
/* 7. A full stick.                                                    */
/* ================================================================== */

static uint64_t stick_used(StickIO *io)
{
    StickEntry *ents = NULL;
    size_t n = 0;
    uint64_t sum = 0;
    if (io->list(io, EDIR, &ents, &n) == 0)
        for (size_t i = 0; i < n; i++)
            sum += ents[i].size;
    free(ents);
    return sum;
}

static void test_full_stick(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    sqlite3 *office = db_copy(dir, "office.db", "office.db");
    sqlite3 *w = db_copy(dir, "h07.db", "h07.db");
    sqlite3 *h03 = db_copy(dir, "h03.db", "h03.db");
    char wdev[33], offdev[33];
    self_hex(w, wdev);
    self_hex(office, offdev);
    Author off;
    self_of(office, &off);
    EwErr e = {0};

    for (int variant = 0; variant < 2; variant++) {
        StickIO *io = new_stick();
        /* The writer's older bundle, and newer office data on the stick. */
        char c_old[CODE_MAX], c_new[CODE_MAX];
        add_appeal(w, "H07", variant ? "满盘之前（二）" : "满盘之前", c_old);
        json_t *r = sync_ok(w, io);
        char old_manifest[80];
        snprintf(old_manifest, sizeof old_manifest, "%s", wrote(r, "manifest"));
        json_decref(r);
        json_decref(sync_ok(office, io)); /* takes c_old */
        ok_rc(db_begin(office, &e), &e, "begin");
        ok_rc(appeal_grade(office, &off, c_old, "green", NULL, NULL, 0, &e), &e, "grade");
        ok_rc(db_commit(office, &e), &e, "commit");
        json_decref(sync_ok(office, io));
        add_appeal(w, "H07", variant ? "满盘之后（二）" : "满盘之后", c_new);

        /* The import alone, on a copy of the writer and of the stick: what
         * the writer must look like after its failed sync. */
        sqlite3_exec(w, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
        char *wp = tu_path(dir, "h07.db"), *cp = tu_path(dir, "h07copy.db");
        tu_copy_file(wp, cp);
        sqlite3 *wc = open_path(cp, 0);
        StickIO *ioc = stick_clone(io);
        json_decref(import_ok(wc, ioc));
        memfs_free(ioc);
        char *want = dump_all(wc);
        int64_t mn0 = -1;
        db_int(w, NULL, &mn0, -1, "SELECT manifest_next FROM device_self", NULL);

        /* Room for half the new bundle (variant 0), or for the bundle but
         * not its manifest (variant 1). */
        uint64_t used = stick_used(io);
        Files nf;
        files_of(wc, &nf); /* the size of what the writer will write */
        uint64_t room = variant == 0 ? nf.blen / 2 : nf.blen + 100;
        files_free(&nf);
        memfs_set_capacity(io, used + room);
        r = NULL;
        memset(&e, 0, sizeof e);
        int rc = sync_stick(w, io, STICK, &r, &e);
        assert_int_equal(rc, EW_EIO);
        if (!strstr(e.msg, "full"))
            print_error("full stick message: %s\n", e.msg);
        assert_non_null(strstr(e.msg, "full"));
        assert_false(json_is_true(json_object_get(r, "safe_to_remove")));
        assert_null(json_object_get(r, "wrote"));
        /* the import half was done and reported */
        assert_non_null(imported_from(r, offdev));
        json_decref(r);
        json_t *av = appeal_view(w, c_old);
        assert_string_equal(json_string_value(json_object_get(av, "grade")), "green");
        json_decref(av);

        /* The database: what the import brought, nothing else. */
        char *s1 = dump_all(w);
        same_text(s1, want, "the writer after a full stick vs. after the import alone");
        free(s1);
        free(want);
        int64_t mn1 = -1;
        db_int(w, NULL, &mn1, -1, "SELECT manifest_next FROM device_self", NULL);
        assert_int_equal(mn1, mn0);
        quick_check(w);

        /* The previous bundle is still valid and importable. */
        char *mp = epath(old_manifest);
        assert_true(stick_has(io, mp));
        free(mp);
        Author wa;
        self_of(w, &wa);
        assert_true(manifest_valid(io, old_manifest, wa.pk));
        r = import_ok(h03, io);
        json_t *imp = imported_from(r, wdev);
        assert_non_null(imp);
        assert_string_equal(json_string_value(json_object_get(imp, "file")), old_manifest);
        assert_int_equal(n_items(r, "refused"), 0);
        json_decref(r);
        assert_true(has_appeal(h03, c_old));
        assert_false(has_appeal(h03, c_new));

        /* Room again: the next sync goes through. */
        memfs_set_capacity(io, UINT64_MAX);
        json_decref(sync_ok(w, io));
        r = import_ok(h03, io);
        assert_int_equal(n_items(r, "refused"), 0);
        json_decref(r);
        assert_true(has_appeal(h03, c_new));

        db_close(wc);
        unlink(cp);
        free(wp);
        free(cp);
        memfs_free(io);
    }
    db_close(office);
    db_close(w);
    db_close(h03);
    tu_rmdir(dir);
    free(dir);
}

/* ================================================================== */
/* 8. Enrolment.                                                       */
/* ================================================================== */

static json_t *enroll_ok(sqlite3 *db, StickIO *io, const char *want_state)
{
    json_t *r = NULL;
    EwErr e = {0};
    int rc = enroll_device(db, io, STICK, &r, &e);
    if (rc)
        print_error("enroll_device: %d %s\n", rc, e.msg);
    assert_int_equal(rc, EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), want_state);
    return r;
}

static void test_enrol(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    sqlite3 *office = db_copy(dir, "office.db", "office.db");
    char *kp = tu_path(dir, "kiosk.db"), *kp2 = tu_path(dir, "kiosk2.db"),
         *kp3 = tu_path(dir, "kiosk3.db");
    sqlite3 *k = open_path(kp, 1);
    assert_false(device_exists(k));
    StickIO *io = new_stick();
    EwErr e = {0};
    json_t *r;

    /* Not enrolled: no sync. */
    r = NULL;
    assert_int_equal(sync_stick(k, io, STICK, &r, &e), EW_ESTATE);
    json_decref(r);

    /* The request. */
    r = enroll_ok(k, io, "requested");
    char kdev[33];
    snprintf(kdev, sizeof kdev, "%s", json_string_value(json_object_get(r, "device")));
    json_decref(r);
    char req[120];
    snprintf(req, sizeof req, EDIR "/request-%s.req", kdev);
    assert_true(stick_has(io, req));
    memset(&e, 0, sizeof e);
    assert_int_equal(sync_stick(k, io, STICK, &r, &e), EW_ESTATE);
    json_decref(r);

    /* The office answers for H09. */
    r = NULL;
    ok_rc(enroll_provision(office, io, STICK, "H09", &r, &e), &e, "enroll_provision");
    assert_int_equal(n_items(r, "provisioned"), 1);
    json_t *p = json_array_get(json_object_get(r, "provisioned"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "device")), kdev);
    assert_string_equal(json_string_value(json_object_get(p, "hall")), "H09");
    char slot1[2];
    snprintf(slot1, sizeof slot1, "%s", json_string_value(json_object_get(p, "slot")));
    json_decref(r);

    /* The kiosk installs it and imports the roster. */
    r = enroll_ok(k, io, "enrolled");
    assert_string_equal(json_string_value(json_object_get(r, "hall")), "H09");
    const char *slot = json_string_value(json_object_get(r, "slot"));
    assert_non_null(slot);
    assert_int_equal(strlen(slot), 1);
    assert_true(slot[0] >= 'A' && slot[0] <= 'Y');
    assert_string_equal(slot, slot1);
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
    assert_int_equal(device_town_pk(office, town_pk), 0);
    char fp[20];
    cert_fingerprint(town_pk, fp);
    assert_string_equal(json_string_value(json_object_get(r, "fingerprint")), fp);
    json_t *sr = json_object_get(r, "sync");
    assert_true(json_is_object(sr));
    assert_int_equal(n_items(sr, "refused"), 0);
    json_decref(r);
    json_t *stats = NULL;
    ok_rc(view_stats(k, &stats, &e), &e, "view_stats");
    assert_int_equal(json_integer_value(json_object_get(stats, "branches")), 38);
    json_decref(stats);
    /* It works as H09's kiosk: takes an appeal the office receives. */
    char code[CODE_MAX];
    add_appeal(k, "H09", "新机器的第一条诉求。", code);
    assert_int_equal(strncmp(code, "H09-", 4), 0);
    assert_int_equal(code[4], slot1[0]);
    json_decref(sync_ok(k, io));
    json_decref(sync_ok(office, io));
    assert_true(has_appeal(office, code));
    r = enroll_ok(k, io, "already");
    json_decref(r);

    /* A damaged request is refused; nothing is answered for it. */
    sqlite3 *k3 = open_path(kp3, 1);
    r = enroll_ok(k3, io, "requested");
    char k3dev[33];
    snprintf(k3dev, sizeof k3dev, "%s", json_string_value(json_object_get(r, "device")));
    json_decref(r);
    char req3[120], pack3[120], req3name[80];
    snprintf(req3name, sizeof req3name, "request-%s.req", k3dev);
    snprintf(req3, sizeof req3, EDIR "/%s", req3name);
    snprintf(pack3, sizeof pack3, EDIR "/cert-%s.pack", k3dev);
    size_t rl;
    unsigned char *rq = stick_read(io, req3, &rl);
    /* flip a byte of its public key */
    char *pkpos = strstr((char *)rq, "\"pk\":\"");
    assert_non_null(pkpos);
    pkpos[6 + 10] = pkpos[6 + 10] == 'a' ? 'b' : 'a';
    stick_put(io, req3, rq, rl);
    free(rq);
    r = NULL;
    memset(&e, 0, sizeof e);
    int rc = enroll_provision(office, io, STICK, "H09", &r, &e);
    (void)rc;
    assert_int_equal(n_items(r, "provisioned"), 0);
    json_t *ref = entry_for(r, "refused", req3name);
    assert_non_null(ref);
    assert_false(stick_has(io, pack3));
    json_decref(r);
    r = enroll_ok(k3, io, "requested"); /* still waiting */
    json_decref(r);

    /* A second kiosk for H09 gets another slot letter. */
    io->unlink(io, req3);
    sqlite3 *k2 = open_path(kp2, 1);
    r = enroll_ok(k2, io, "requested");
    json_decref(r);
    r = NULL;
    ok_rc(enroll_provision(office, io, STICK, "H09", &r, &e), &e, "enroll_provision 2");
    json_decref(r);
    r = enroll_ok(k2, io, "enrolled");
    assert_string_equal(json_string_value(json_object_get(r, "hall")), "H09");
    const char *slot2 = json_string_value(json_object_get(r, "slot"));
    assert_non_null(slot2);
    assert_true(slot2[0] != slot1[0]);
    /* and neither is the demo's own H09 kiosk's */
    char *used = NULL;
    db_text(office, NULL, &used, "SELECT group_concat(slot, '') FROM devices WHERE hall='H09'",
            NULL);
    assert_non_null(used);
    assert_int_equal(strlen(used), 3);
    assert_true(used[0] != used[1] && used[1] != used[2] && used[0] != used[2]);
    free(used);
    json_decref(r);

    memfs_free(io);
    db_close(k);
    db_close(k2);
    db_close(k3);
    db_close(office);
    free(kp);
    free(kp2);
    free(kp3);
    tu_rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_idempotent_stale_order_route),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_mixed_versions),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_fork),
        cmocka_unit_test(test_power_cuts),
        cmocka_unit_test(test_full_stick),
        cmocka_unit_test(test_enrol),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
