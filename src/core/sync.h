/*
 * sync.h: the exchange of records by USB stick (SYNC.md, "The stick").
 *
 * sync_stick() first imports every bundle on the stick, then writes this
 * device's own. Everything on the stick is untrusted: file names, types and
 * sizes are checked before anything is read; a manifest is checked against
 * the pinned town key and its writer's certificate, and the bundle's length
 * and BLAKE2b-256 against the manifest, all before SQLite opens the bundle
 * (a private local copy, read-only, defensive, schema checked exactly). A
 * bad file is refused whole, by name and reason, and the rest of the stick
 * is still read. Inside a good bundle each record is checked on its own
 * (author, signature, the kinds its role may write, hash chain, forks);
 * a bad record is skipped and reported, never relayed.
 *
 * Writing is atomic on FAT: the bundle goes to a temporary name, is fsynced,
 * renamed to its hash-bearing name and the folder fsynced; then the manifest
 * likewise under a new name; only then are this device's older files
 * removed. A pull at any moment leaves a newest valid manifest naming a
 * complete bundle. All stick access goes through a StickIO, whose test
 * double cuts the power at chosen moments.
 */
#ifndef EW_SYNC_H
#define EW_SYNC_H

#include <jansson.h>
#include <stdio.h>
#include <sqlite3.h>

#include "ew.h"
#include "stickio.h"

#define SYNC_MANIFEST_MAX (64 * 1024)
#define SYNC_BUNDLE_MAX (512ULL * 1024 * 1024)
#define SYNC_FORMAT 1 /* manifest format this version writes and reads */

/* Imports then exports; *report (caller json_decref's) says what came in,
 * what was refused and why, what went out and whether the stick is safe to
 * remove. Errors: EW_ESTATE when this device is not enrolled, EW_EIO when
 * the stick cannot be written (full, pulled) — the report is filled all the
 * same with what was done. dir is the stick's mount point (echowall/ is
 * made inside it). */
int sync_stick(sqlite3 *db, StickIO *io, const char *dir, json_t **report, EwErr *err);

/* Progress of a sync, for a progress bar: phase "import" (done of total
 * manifests), "fold", then "export" (0 of 1, 1 of 1). Called on the
 * syncing thread. */
typedef struct SyncProgress {
    void (*fn)(void *ctx, const char *phase, int done, int total);
    void *ctx;
} SyncProgress;
/* sync_stick telling p (may be NULL) how far it got. */
int sync_stick_progress(sqlite3 *db, StickIO *io, const char *dir, const SyncProgress *p,
                        json_t **report, EwErr *err);
/* The two halves, each filling its part of report (an object). */
int sync_import(sqlite3 *db, StickIO *io, const char *dir, json_t *report, EwErr *err);
int sync_export(sqlite3 *db, StickIO *io, const char *dir, json_t *report, EwErr *err);

/* Writes a file atomically into the stick folder edir: a temporary name,
 * write (data, or the whole of `from`), fsync, close, rename, fsync the
 * folder. EW_EIO with the reason (a full stick, a pulled stick). */
int sync_put_file(StickIO *io, const char *edir, const char *name, const unsigned char *data,
                  size_t len, FILE *from, EwErr *err);

/* BLAKE2b-256 and length of an open local file, read from its start. */
void sync_hash_file(FILE *f, unsigned char hash[32], uint64_t *len);

/* Imports one manifest given as bytes with its bundle as a local file: the
 * checks and the import of sync_import without the stick (used by the
 * fuzz target). Returns EW_ECORRUPT (message in err) when the files are
 * refused; records skipped one by one are listed in report. */
int sync_import_files(sqlite3 *db, const char *manifest_name, const unsigned char *manifest,
                      size_t manifest_len, const char *bundle_path, json_t *report, EwErr *err);

/* The SQL that makes a bundle's tables (certs, records, blobs, vv): for a
 * database repair, which gathers what it salvaged into a bundle and
 * imports that through sync_import_vouched (dbcheck.c). */
const char *sync_bundle_schema(void);

/* Imports a bundle file as if a manifest had vouched for its bytes (this
 * device as the writer): every check from SQLite's opening on, for the
 * fuzz target. Runs in the caller's transaction. */
int sync_import_vouched(sqlite3 *db, const char *bundle_path, json_t *report, EwErr *err);

#endif
