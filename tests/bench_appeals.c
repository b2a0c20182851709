/*
 * bench_appeals.c: a town with 100,000 appeals, then `appeal list --overdue`
 * and `stats`, through the same in-process command line the program runs.
 * Prints figures; asserts nothing about time (label `bench`).
 * Run: ctest --preset bench   (or build/release/tests/bench_appeals [N])
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "db.h"
#include "demo.h"
#include "testutil.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs a ctl command `reps` times; returns the median seconds and keeps
 * the last output's size. */
static double time_ctl(const char *db, const char *a1, const char *a2, const char *a3, int reps,
                       size_t *outlen, int *status)
{
    double t[16];
    for (int i = 0; i < reps; i++) {
        double t0 = now_s();
        CtlRun r = tu_ctl(db, a1, a2, a3, NULL);
        t[i] = now_s() - t0;
        *outlen = strlen(r.out);
        *status = r.status;
        tu_ctl_free(&r);
    }
    for (int i = 0; i < reps; i++)
        for (int j = i + 1; j < reps; j++)
            if (t[j] < t[i]) {
                double x = t[i];
                t[i] = t[j];
                t[j] = x;
            }
    return t[reps / 2];
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100000;
    struct utsname u;
    uname(&u);
    printf("bench_appeals: %d appeals on %s %s, %ld cores\n", n, u.sysname, u.machine,
           sysconf(_SC_NPROCESSORS_ONLN));
    char *dir = tu_tmpdir(), *path = tu_path(dir, "bench.db");
    sqlite3 *db;
    EwErr e = {0};
    if (db_open(path, 1, &db, &e) != EW_OK) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    int64_t today;
    clock_parse_day("2026-11-28", &today);
    tu_pin_day("2026-11-28");
    DemoSpec spec = {.seed = 7, .today = today, .appeals = n};
    double t0 = now_s();
    if (demo_fill(db, &spec, &e) != EW_OK) {
        fprintf(stderr, "demo: %s\n", e.msg);
        return 1;
    }
    double fill = now_s() - t0;
    int64_t records = 0;
    db_int(db, NULL, &records, 0, "SELECT count(*) FROM records", NULL);
    db_close(db);
    struct stat st;
    stat(path, &st);
    printf("  build town:            %.2f s (%lld records, %.0f records/s, signed and folded)\n",
           fill, (long long)records, records / fill);
    printf("  database size:         %.1f MB (%.0f bytes/appeal)\n", st.st_size / 1e6,
           (double)st.st_size / n);

    /* Opening alone, for reference. */
    size_t len;
    int status;
    double t_stats = time_ctl(path, "stats", "--json", NULL, 5, &len, &status);
    printf("  stats --json:          %.1f ms (median of 5, exit %d)\n", t_stats * 1e3, status);
    double t_over = time_ctl(path, "appeal", "list", "--overdue", 5, &len, &status);
    printf("  appeal list --overdue: %.1f ms (median of 5, %zu bytes of text, exit %d)\n",
           t_over * 1e3, len, status);
    double t_overj = time_ctl(path, "appeal", "list", "--overdue", 3, &len, &status);
    (void)t_overj;
    CtlRun r = tu_ctl(path, "appeal", "list", "--overdue", "--json", NULL);
    double t1 = now_s();
    tu_ctl_free(&r);
    t1 = now_s();
    r = tu_ctl(path, "appeal", "list", "--overdue", "--json", NULL);
    printf("  ... --json (timelines):%.1f ms (%zu bytes)\n", (now_s() - t1) * 1e3, strlen(r.out));
    tu_ctl_free(&r);
    t1 = now_s();
    r = tu_ctl(path, "appeal", "list", NULL);
    printf("  appeal list (all):     %.1f ms (%zu bytes)\n", (now_s() - t1) * 1e3, strlen(r.out));
    tu_ctl_free(&r);
    tu_rmdir(dir);
    free(path);
    free(dir);
    return 0;
}
