/*
 * testutil.c: helpers shared by the test programs (see testutil.h).
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "ctl.h"
#include "db.h"
#include "demo.h"
#include "record.h"

char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/echowall-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

void tu_rmdir(const char *path)
{
    char *cmd;
    if (!path || asprintf(&cmd, "rm -rf '%s'", path) < 0)
        return;
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", path);
    free(cmd);
}

char *tu_path(const char *dir, const char *name)
{
    char *p;
    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

CtlRun tu_ctl(const char *db, ...)
{
    char *argv[80];
    int argc = 0;
    argv[argc++] = "echowallctl";
    if (db) {
        argv[argc++] = "--db";
        argv[argc++] = (char *)db;
    }
    va_list ap;
    va_start(ap, db);
    const char *s;
    while ((s = va_arg(ap, const char *)) && argc < 79)
        argv[argc++] = (char *)s;
    va_end(ap);
    argv[argc] = NULL;
    CtlRun r = {0};
    size_t n1, n2;
    FILE *out = open_memstream(&r.out, &n1), *err = open_memstream(&r.err, &n2);
    r.status = ctl_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

void tu_ctl_free(CtlRun *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

unsigned char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

void tu_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

int tu_same_file(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    unsigned char *x = tu_read_file(a, &la), *y = tu_read_file(b, &lb);
    int same = (!x && !y) || (x && y && la == lb && memcmp(x, y, la) == 0);
    free(x);
    free(y);
    return same;
}

void tu_copy_file(const char *from, const char *to)
{
    size_t n;
    unsigned char *d = tu_read_file(from, &n);
    if (!d) {
        unlink(to);
        return;
    }
    tu_write_file(to, d, n);
    free(d);
}

char *tu_suffixed(const char *path, const char *suffix)
{
    char *p;
    assert_true(asprintf(&p, "%s%s", path, suffix) > 0);
    return p;
}

char *tu_copy_db(const char *from, const char *dir, const char *name)
{
    char *to = tu_path(dir, name);
    tu_copy_file(from, to);
    char *fw = tu_suffixed(from, "-wal"), *tw = tu_suffixed(to, "-wal");
    tu_copy_file(fw, tw);
    free(fw);
    free(tw);
    return to;
}

TuSnap tu_snap_take(const char *db)
{
    TuSnap s = {.db = strdup(db), .copy = tu_suffixed(db, ".before"),
                .wal = tu_suffixed(db, "-wal")};
    s.walcopy = tu_suffixed(db, ".before-wal");
    tu_copy_file(s.db, s.copy);
    tu_copy_file(s.wal, s.walcopy);
    return s;
}

int tu_snap_same(const TuSnap *s)
{
    return tu_same_file(s->db, s->copy) && tu_same_file(s->wal, s->walcopy);
}

void tu_snap_free(TuSnap *s)
{
    unlink(s->copy);
    unlink(s->walcopy);
    free(s->db);
    free(s->copy);
    free(s->wal);
    free(s->walcopy);
}

char *tu_dump_queries(sqlite3 *db, const char *const *queries, size_t n)
{
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    for (size_t q = 0; q < n; q++) {
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(db, queries[q], -1, &st, NULL);
        if (rc != SQLITE_OK)
            print_error("%s: %s\n", queries[q], sqlite3_errmsg(db));
        assert_int_equal(rc, SQLITE_OK);
        fprintf(f, "== %s\n", queries[q]);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *t = sqlite3_column_text(st, c);
                fprintf(f, "%s%s", c ? "|" : "", t ? (const char *)t : "NULL");
            }
            fputc('\n', f);
        }
        sqlite3_finalize(st);
    }
    fclose(f);
    return buf;
}

int64_t tu_q_int(sqlite3 *db, const char *sql)
{
    int64_t v = -1;
    assert_int_equal(db_int(db, NULL, &v, -1, sql, NULL), EW_OK);
    return v;
}

int tu_bad_signatures(sqlite3 *db, int *total)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT r.device, r.seq, r.hlc, r.kind, r.body, r.prev, "
                                        "r.hash, r.sig, d.pk FROM records r "
                                        "JOIN devices d ON d.device = r.device",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int bad = 0, n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        Record r;
        record_from_row(st, &r);
        bad += sqlite3_column_bytes(st, 8) != crypto_sign_PUBLICKEYBYTES ||
               record_verify(&r, sqlite3_column_blob(st, 8)) != 0;
        free(r.body);
        n++;
    }
    sqlite3_finalize(st);
    if (total)
        *total = n;
    return bad;
}

char *tu_dump_state(sqlite3 *db)
{
    static const char *const queries[] = {
        "SELECT * FROM branches ORDER BY code",
        "SELECT * FROM people ORDER BY id",
        "SELECT * FROM units ORDER BY id",
        "SELECT * FROM town_config ORDER BY key",
        "SELECT * FROM appeals ORDER BY code",
        "SELECT code, hlc, hex(device), seq, day, kind, by_role, by_hall, detail, applied, note "
        "FROM timeline ORDER BY code, hlc, device, seq",
        "SELECT * FROM meetings ORDER BY id", /* every column, void_reason included */
        "SELECT * FROM pin_resets ORDER BY hall",
        "SELECT hex(device), seq, state, note FROM records ORDER BY device, seq",
    };
    return tu_dump_queries(db, queries, sizeof queries / sizeof queries[0]);
}

sqlite3 *tu_demo_db(const char *dir, const char *name, uint64_t seed, const char *hall,
                    int64_t today)
{
    char *path = tu_path(dir, name);
    sqlite3 *db;
    EwErr e = {0};
    int rc = db_open(path, 1, &db, &e);
    if (rc)
        print_error("db_open %s: %s\n", path, e.msg);
    assert_int_equal(rc, EW_OK);
    DemoSpec spec = {.seed = seed, .hall = hall, .today = today};
    rc = demo_fill(db, &spec, &e);
    if (rc)
        print_error("demo_fill %s: unexpected error %d: %s\n", path, rc, e.msg);
    assert_int_equal(rc, EW_OK);
    free(path);
    return db;
}

void tu_pin_day(const char *day)
{
    int64_t d;
    assert_int_equal(clock_parse_day(day, &d), 0);
    clock_set_fixed(clock_ms_of_day(d));
}
