/*
 * testutil.h: helpers shared by the test programs.
 *
 * Each test gets its own temporary directory (tu_tmpdir) so tests never
 * share files. tu_ctl runs the echowallctl command set in-process (the same
 * ctl_main the program uses) and captures its exit status, stdout and
 * stderr. Wall time is pinned with clock_set_fixed() where dates matter.
 */
#ifndef EW_TESTUTIL_H
#define EW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

/* Output of one in-process echowallctl run. */
typedef struct CtlRun {
    int status;  /* exit status: 0, 1 or 2 */
    char *out;   /* captured stdout (malloc'd, NUL-terminated) */
    char *err;   /* captured stderr */
} CtlRun;

/* A fresh temporary directory (malloc'd path; removed by tu_rmdir). */
char *tu_tmpdir(void);
/* Removes a directory tree. */
void tu_rmdir(const char *path);
/* path = dir/name (malloc'd). */
char *tu_path(const char *dir, const char *name);

/* Runs echowallctl with a NULL-terminated argument list (without the
 * program name); "--db" and db are put first when db is not NULL. */
CtlRun tu_ctl(const char *db, ...);
void tu_ctl_free(CtlRun *r);

/* Whole file contents (malloc'd) and length; NULL when unreadable. */
unsigned char *tu_read_file(const char *path, size_t *len);
/* Writes bytes to a file; asserts on failure. */
void tu_write_file(const char *path, const void *data, size_t len);
/* 1 when two files have identical bytes (both missing counts as equal). */
int tu_same_file(const char *a, const char *b);
/* Copies a file (missing source: the destination is removed). */
void tu_copy_file(const char *from, const char *to);

/* path followed by suffix (malloc'd). */
char *tu_suffixed(const char *path, const char *suffix);
/* Copies a closed database with its -wal (if any) to dir/name; returns the
 * new path (malloc'd). */
char *tu_copy_db(const char *from, const char *dir, const char *name);

/* Snapshot of a database file (and its -wal), copied aside to compare
 * against later. */
typedef struct TuSnap {
    char *db, *copy, *wal, *walcopy;
} TuSnap;
/* Copies db and db-wal aside (as db.before and db.before-wal). */
TuSnap tu_snap_take(const char *db);
/* 1 when the database and its -wal are byte-identical to the snapshot. */
int tu_snap_same(const TuSnap *s);
/* Removes the copies and frees the snapshot. */
void tu_snap_free(TuSnap *s);

/* The rows of each query as text (malloc'd): "== <query>" on a line, then
 * one line per row, columns joined by '|', NULL as "NULL". Asserts that
 * every query prepares. */
char *tu_dump_queries(sqlite3 *db, const char *const *queries, size_t n);

/* A canonical dump of a database's derived tables, for comparing the fold
 * of two databases (malloc'd text). */
char *tu_dump_state(sqlite3 *db);
/* The one integer a query without parameters gives (fails the test on an
 * error; -1 when it gives no row). */
int64_t tu_q_int(sqlite3 *db, const char *sql);
/* How many records do not verify against their author's key in devices
 * (*total, when not NULL, gets how many were checked). */
int tu_bad_signatures(sqlite3 *db, int *total);

/* A new database dir/name filled with demo_fill(seed, hall, today), open;
 * asserts that both succeed. */
sqlite3 *tu_demo_db(const char *dir, const char *name, uint64_t seed, const char *hall,
                    int64_t today);

/* Pins the wall clock to 10:00 CST on the given "YYYY-MM-DD". */
void tu_pin_day(const char *day);

#endif
