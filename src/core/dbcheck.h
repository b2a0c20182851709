/*
 * dbcheck.h: checking a device database at boot, and rebuilding a damaged
 * one from what can still be read of it.
 *
 * dbcheck_run() runs SQLite's PRAGMA integrity_check on the database file,
 * opened read-only (a clean database is left byte for byte as it was). On
 * damage, with repair asked for, it:
 *
 *  1. builds a fresh database beside it (PATH.rebuild) and salvages into it,
 *     table by table and row by row (forwards until a read fails, then
 *     backwards from the other end), what is truth: the device's identity
 *     and key (device_self, used only when its key pair is whole), local
 *     settings, what other devices were seen to hold, the sync history and
 *     an open meeting's counters;
 *  2. gathers the salvaged certificates, records (held and waiting) and
 *     texts into a bundle file and imports it exactly as a stick's bundle
 *     (sync_import_vouched): every certificate checked against the town
 *     key, every record's signature, author role, revocation and hash chain
 *     checked again; then the fold is rebuilt from the records;
 *  3. marks it complete by renaming it PATH.rebuilt, moves the damaged file
 *     aside as PATH.damaged-<date>-<time> (its -wal too: never deleted), and
 *     renames PATH.rebuilt to PATH, fsyncing the folder after each rename.
 *
 * A power cut at any moment leaves the damaged file in place or kept aside;
 * the next run deletes an unfinished PATH.rebuild and starts again, or
 * finishes the renames of a complete PATH.rebuilt.
 *
 * What came back and what did not is a report (JSON, with a "text" in plain
 * words for staff) printed by `echowallctl db check`, written to the
 * journal at boot, and kept in the rebuilt database (local_config key
 * dbcheck.report) for the kiosk's staff screen. Records lost here come back
 * from the office at the next stick round trip (the hall's next manifest
 * carries its new, lower version vector, and the office sends what it
 * lacks). When the device lost records of its own, its counter is kept
 * and it writes nothing until they are back (device_own_gap).
 */
#ifndef EW_DBCHECK_H
#define EW_DBCHECK_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

/* For the tests: cut the repair short as a power cut would (0: never).
 * 1: the rebuilt file written but not yet marked complete (it is cut
 * short, as its unsynced writes would be lost); 2: marked complete and the
 * damaged -wal moved aside; 3: the damaged file moved aside too, the
 * rebuilt one not yet in its place. */
typedef struct DbcheckHooks {
    int stop_after; /* steps to run before the simulated cut; 0 for all */
} DbcheckHooks;

/* Checks the database at path and, with repair, rebuilds it when damaged.
 * *report (caller json_decref's) has "state": "absent" (no file: nothing
 * to check), "clean", "damaged" (not repaired), or "repaired"; the
 * problems found; and after a repair what was salvaged and lost, with
 * "text" in plain words. Returns EW_OK for absent, clean and repaired;
 * EW_ECORRUPT for damage left unrepaired; EW_EIO/EW_EDB when the repair
 * itself failed (the damaged file is still there). hooks may be NULL. */
int dbcheck_run(const char *path, int repair, const DbcheckHooks *hooks, json_t **report,
                EwErr *err);

/* Takes the records of another database file (a kept damaged file, or any
 * echowall database of this town) into db: read and checked exactly as in a
 * repair (every record re-verified as a stick bundle's, against db's town
 * key), folded. For a device whose identity was lost in a repair: once it
 * is enrolled again, its old identity's records that never reached the
 * office come back from the kept file this way. db must be enrolled
 * (EW_ESTATE). *report (caller json_decref's) has "text". Runs its own
 * transaction. */
int dbcheck_salvage(sqlite3 *db, const char *file, json_t **report, EwErr *err);

/* The report of the last repair kept in a database, or NULL (caller
 * json_decref's). */
json_t *dbcheck_last(sqlite3 *db);

#endif
