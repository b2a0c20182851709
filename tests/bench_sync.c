/*
 * bench_sync.c: the stick exchange under load. Prints figures; asserts no
 * times (label `bench`).
 *
 * 1. Export and import of about 100,000 records: an office with a demo town
 *    of that size writes its bundle; a blank kiosk, enrolled through the
 *    same stick, imports it (time, bundle bytes per record).
 * 2. A town year (38 halls, 5,000 appeals, 1,000 meetings) through one
 *    stick: the office writes, every hall (a kiosk enrolled blank) takes the
 *    whole year in turn, then each takes 10 appeals and the stick goes round
 *    once more (office, halls, office).
 * Run: ctest --preset bench, or build/release/tests/bench_sync [appeals].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "appeal.h"
#include "clock.h"
#include "db.h"
#include "demo.h"
#include "enroll.h"
#include "memfs.h"
#include "sync.h"
#include "testutil.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static sqlite3 *open_db(const char *dir, const char *name)
{
    char *p = tu_path(dir, name);
    sqlite3 *db;
    EwErr e = {0};
    if (db_open(p, 1, &db, &e) != EW_OK) {
        fprintf(stderr, "%s\n", e.msg);
        exit(1);
    }
    free(p);
    return db;
}

static void check(int rc, EwErr *e, const char *what)
{
    if (rc != EW_OK) {
        fprintf(stderr, "%s: %s\n", what, e->msg);
        exit(1);
    }
}

/* Enrols a blank kiosk through io (the office answers and writes its
 * bundle; the kiosk installs and imports). Returns the seconds the kiosk's
 * install (its import) took. */
static double enrol(sqlite3 *office, sqlite3 *kiosk, StickIO *io, const char *hall,
                    double *office_s)
{
    json_t *r = NULL;
    EwErr e = {0};
    check(enroll_device(kiosk, io, "/stick", &r, &e), &e, "request");
    json_decref(r);
    double t0 = now_s();
    check(enroll_provision(office, io, "/stick", hall, &r, &e), &e, "provision");
    json_decref(r);
    double t1 = now_s();
    check(enroll_device(kiosk, io, "/stick", &r, &e), &e, "install");
    json_decref(r);
    if (office_s)
        *office_s = t1 - t0;
    return now_s() - t1;
}

static int64_t count(sqlite3 *db, const char *sql)
{
    int64_t n = 0;
    db_int(db, NULL, &n, 0, sql, NULL);
    return n;
}

static json_t *sync_once(sqlite3 *db, StickIO *io, double *secs)
{
    json_t *r = NULL;
    EwErr e = {0};
    double t0 = now_s();
    check(sync_stick(db, io, "/stick", &r, &e), &e, "sync");
    *secs = now_s() - t0;
    return r;
}

int main(int argc, char **argv)
{
    int big = argc > 1 ? atoi(argv[1]) : 17000; /* about 100,000 records */
    struct utsname u;
    uname(&u);
    printf("bench_sync on %s %s, %ld cores\n", u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN));
    char *dir = tu_tmpdir();
    int64_t today;
    clock_parse_day("2026-11-28", &today);
    tu_pin_day("2026-11-28");
    EwErr e = {0};

    /* 1. About 100,000 records out and in. */
    sqlite3 *office = open_db(dir, "office.db");
    DemoSpec spec = {.seed = 11, .today = today, .appeals = big};
    check(demo_fill(office, &spec, &e), &e, "demo");
    int64_t nrec = count(office, "SELECT count(*) FROM records");
    StickIO *io = memfs_new();
    io->mkdir(io, "/stick");
    sqlite3 *kiosk = open_db(dir, "kiosk.db");
    double office_s;
    double in_s = enrol(office, kiosk, io, "H07", &office_s);
    StickEntry *ents = NULL;
    size_t n = 0;
    uint64_t bundle = 0;
    io->list(io, "/stick/echowall", &ents, &n);
    for (size_t i = 0; i < n; i++)
        if (strstr(ents[i].name, ".bundle") && ents[i].size > bundle)
            bundle = ents[i].size;
    free(ents);
    printf("  %lld records: office writes its bundle %.2f s (import of the request, bundle, "
           "manifest), %.1f MB, %.0f bytes/record\n",
           (long long)nrec, office_s, bundle / 1e6, (double)bundle / nrec);
    printf("  a blank kiosk imports them: %.2f s, %.0f records/s (verify, chain, fold)\n", in_s,
           nrec / in_s);
    db_close(kiosk);
    db_close(office);
    memfs_free(io);

    /* 2. A town year through one stick. */
    office = open_db(dir, "town.db");
    DemoSpec year = {.seed = 12, .today = today, .appeals = 5000, .meetings = 1000};
    double t0 = now_s();
    check(demo_fill(office, &year, &e), &e, "demo year");
    nrec = count(office, "SELECT count(*) FROM records");
    printf("  town year: %lld records (5,000 appeals, 1,000 meetings) made in %.1f s\n",
           (long long)nrec, now_s() - t0);
    io = memfs_new();
    io->mkdir(io, "/stick");
    sqlite3 *halls[38];
    double first = 0, total_in = 0;
    t0 = now_s();
    for (int h = 0; h < 38; h++) {
        char name[32], code[8];
        snprintf(name, sizeof name, "k%02d.db", h + 1);
        snprintf(code, sizeof code, "H%02d", h + 1);
        halls[h] = open_db(dir, name);
        double s = enrol(office, halls[h], io, code, NULL);
        if (h == 0)
            first = s;
        total_in += s;
    }
    printf("  38 blank kiosks enrolled through one stick, each taking the whole year: %.1f s "
           "in all (the first kiosk's import %.2f s, the average %.2f s)\n",
           now_s() - t0, first, total_in / 38);
    /* A week's work: 10 appeals per hall, then the stick goes round. */
    for (int h = 0; h < 38; h++) {
        Author a;
        char code[CODE_MAX], rating[RATING_CODE_LEN + 1], hall[8];
        snprintf(hall, sizeof hall, "H%02d", h + 1);
        check(db_begin(halls[h], &e), &e, "begin");
        check(device_load_self(halls[h], &a, &e), &e, "self");
        for (int k = 0; k < 10; k++) {
            AppealNew in = {.hall = hall, .category = "other", .text = "群众反映的问题",
                            .source = "kiosk"};
            check(appeal_add(halls[h], &a, &in, 0, code, rating, &e), &e, "appeal");
        }
        check(db_commit(halls[h], &e), &e, "commit");
    }
    double s, round = 0, worst = 0;
    t0 = now_s();
    json_decref(sync_once(office, io, &s));
    for (int h = 0; h < 38; h++) {
        json_decref(sync_once(halls[h], io, &s));
        worst = s > worst ? s : worst;
    }
    json_t *r = sync_once(office, io, &s);
    round = now_s() - t0;
    int64_t got = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "imported"), i, x) got +=
        json_integer_value(json_object_get(x, "records"));
    json_decref(r);
    printf("  a week's round (office, 38 halls, office): %.1f s, slowest hall %.2f s; the office "
           "took %lld new records\n",
           round, worst, (long long)got);
    for (int h = 0; h < 38; h++)
        db_close(halls[h]);
    db_close(office);
    memfs_free(io);
    tu_rmdir(dir);
    free(dir);
    return 0;
}
