/*
 * fold.h: the derived tables as a deterministic fold over the records.
 *
 * State (branches, people, units, town settings, appeals and their
 * timelines, meetings) is the result of applying every record in
 * (hlc, device, seq) order. Each record is checked against the state at its
 * point in that order, with the same rules whoever wrote it and whichever
 * program runs: the author's role (SYNC.md's table) and the appeal's status.
 * A record that fails is kept, marked refused with the reason, and shown on
 * the appeal's timeline as not applied. The same set of records therefore
 * gives the same tables on every device, whatever order they arrived in.
 *
 * The fold is incremental: records that sort after the frontier (the last
 * record folded) are applied on top. A record that sorts before it (one that
 * arrived late from a stick) makes the fold rebuild from the start.
 */
#ifndef EW_FOLD_H
#define EW_FOLD_H

#include <sqlite3.h>

#include "ew.h"
#include "record.h"

/* Bumped whenever the fold's rules change: tables built by an older fold
 * are rebuilt when a database is opened. */
#define FOLD_VERSION 2 /* 2: meeting.void, staff.pin_reset; close/void delete the counters */

/* Asks fold_pending to report what became of one record. */
typedef struct FoldWatch {
    unsigned char device[EW_DEVICE_LEN];
    int64_t seq;
    int applied; /* out: 1 applied, 0 refused */
    EwErr why;   /* out: the refusal, when refused */
} FoldWatch;

/* Folds every record not yet folded. Runs inside the caller's transaction.
 * watch may be NULL. Returns an error only for database failures. */
int fold_pending(sqlite3 *db, FoldWatch *watch, EwErr *err);
/* Empties the derived tables and folds every record again. */
int fold_rebuild(sqlite3 *db, EwErr *err);
/* Brings the derived tables up to date in the caller's transaction: a full
 * rebuild when they were built by another fold version (or marked for a
 * rebuild: fold_state.version = 0, after a branch left the log), else
 * fold_pending. */
int fold_settle(sqlite3 *db, EwErr *err);
/* fold_settle in a transaction of its own (opening a database, after a
 * stick's bundles are in). */
int fold_settle_tx(sqlite3 *db, EwErr *err);

/* The civil day (CST day number) a record's event happened: its body's
 * "day" when present and valid, else the day of its HLC stamp. */
int64_t fold_event_day(json_t *body, int64_t hlc);

#endif
