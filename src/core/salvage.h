/*
 * salvage.h: reading what can still be read of a damaged SQLite database,
 * for the repair (dbcheck.c).
 *
 * A read-only connection (salvage_open) reads the damaged file; tables are
 * copied row by row into another database (salvage_copy_table), tolerating
 * read errors; records and texts the scans missed are looked up one by one
 * by the keys the records' index still names (salvage_read_keys, then
 * salvage_fill_records and salvage_fill_blobs); what is still missing is
 * named (salvage_lost_records, salvage_lost_appeals). A file whose header
 * is gone is read through a copy with a new one (salvage_rescue_header).
 * Nothing here writes to the damaged file.
 */
#ifndef EW_SALVAGE_H
#define EW_SALVAGE_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

/* What one copy counted, for the report. */
typedef struct SalvageCount {
    int64_t rows; /* rows copied */
    int damaged;  /* a read failed (some rows may be missing) */
} SalvageCount;

/* Opens path read-only, defensive (never writes to it): 0, or -1. */
int salvage_open(const char *path, sqlite3 **out);
/* Removes a database file of our own making and its -wal, -shm, -journal. */
void salvage_remove_db(const char *path);

/* Copies what can be read of src's table `from` into dst's table `to`: the
 * columns both have (`cols`, comma-joined, forces a list), forwards in the
 * b-tree's order, then after a read error backwards; rows dst refuses
 * (constraints) are left out. Counts into *c. Fails only when dst does. */
int salvage_copy_table(sqlite3 *src, const char *from, sqlite3 *dst, const char *to,
                       const char *cols, SalvageCount *c, EwErr *err);
/* Reads into dst's temp tables was_rec(device, seq) the keys of every
 * record src's index (and waiting) names, and into was_appeal(code) every
 * appeal src showed: what there was, to tell what was lost. The caller
 * drops them. */
void salvage_read_keys(sqlite3 *src, sqlite3 *dst, EwErr *err);
/* Each record temp.was_rec names that the bundle b lacks, looked up on its
 * own in src and copied into b's records. */
int salvage_fill_records(sqlite3 *src, sqlite3 *dst, sqlite3 *b, SalvageCount *c, EwErr *err);
/* Each text b's records name that b lacks, looked up in src's blobs. */
int salvage_fill_blobs(sqlite3 *src, sqlite3 *b, SalvageCount *c, EwErr *err);
/* The records temp.was_rec names that db holds neither in its log nor
 * waiting: [{device, role, hall, seqs: [[from, to]...]}] (caller decrefs),
 * *total their number. */
json_t *salvage_lost_records(sqlite3 *db, int64_t *total);
/* The codes temp.was_appeal names that db's appeals lack (caller decrefs). */
json_t *salvage_lost_appeals(sqlite3 *db);

/* 1 when SQLite reads db's schema (a file with a lost header does not). */
int salvage_readable(sqlite3 *db);
/* Writes to `out` a copy of the file at path with SQLite's 100-byte header
 * made anew (each usual page size tried until the schema and the identity
 * or the records read): 0 when it did, else -1 and nothing left at out. */
int salvage_rescue_header(const char *path, const char *out);

#endif
