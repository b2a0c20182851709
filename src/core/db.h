/*
 * db.h: the SQLite database of one device.
 *
 * db_open() opens (or, when asked, creates) a device database with the
 * settings echowall relies on: WAL journal, synchronous=FULL, foreign keys,
 * defensive mode, trusted_schema=OFF, and a busy timeout. It then migrates
 * the schema to the current version (PRAGMA user_version) and refolds the
 * derived tables when a migration or a newer fold asks for it.
 *
 * The small statement helpers take a format string of bind types:
 *   't' const char * (NULL binds NULL)   'i' int64_t   'd' int
 *   'b' const void *, size_t (blob)      'n' NULL
 *   'N' const int64_t * (NULL binds NULL)
 */
#ifndef EW_DB_H
#define EW_DB_H

#include <sqlite3.h>

#include "ew.h"

/* Opens path. With create=0 a missing file is EW_ENOTFOUND (nothing is
 * created). On success *out is an open handle (db_close it). */
int db_open(const char *path, int create, sqlite3 **out, EwErr *err);
/* Opens without migrating or folding: for the migration tests. */
int db_open_raw(const char *path, sqlite3 **out, EwErr *err);
void db_close(sqlite3 *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. rollback never fails loudly. */
int db_begin(sqlite3 *db, EwErr *err);
int db_commit(sqlite3 *db, EwErr *err);
void db_rollback(sqlite3 *db);

/* Prepares sql and binds the arguments described by fmt; NULL (with err
 * set) on failure. The caller finalizes the statement. */
sqlite3_stmt *db_prep(sqlite3 *db, EwErr *err, const char *sql, const char *fmt, ...);
/* Gives back a statement from db_prep (kept prepared for its next use).
 * Never db_done() what db_prep returned. */
void db_done(sqlite3_stmt *st);
/* Runs one statement to completion. */
int db_run(sqlite3 *db, EwErr *err, const char *sql, const char *fmt, ...);
/* Runs a query whose first row's first column is an integer; *out = dflt
 * when there is no row or the value is NULL. */
int db_int(sqlite3 *db, EwErr *err, int64_t *out, int64_t dflt, const char *sql, const char *fmt,
           ...);
/* Same for text: *out is malloc'd (caller frees) or NULL when no row/NULL. */
int db_text(sqlite3 *db, EwErr *err, char **out, const char *sql, const char *fmt, ...);
/* Executes several statements without parameters. */
int db_exec(sqlite3 *db, EwErr *err, const char *sql);
/* Sets err from the handle's last error, prefixed with what was done. */
int db_fail(sqlite3 *db, EwErr *err, const char *what);

/* This device's idea of now: the wall clock plus the offset adopted from
 * the office's confirmed clock (local_config clock.offset_ms; see sync.c).
 * A kiosk has no real-time clock, so everything dated uses these. */
int64_t db_now_ms(sqlite3 *db);
/* Today's CST day number by db_now_ms. */
int64_t db_today(sqlite3 *db);

/* Schema (schema.c). */
#define SCHEMA_VERSION 5
/* Migrates from the file's user_version up to `target`; *refold set to 1
 * when derived tables were (re)created and must be refolded. */
int schema_migrate(sqlite3 *db, int target, int *refold, EwErr *err);

#endif
