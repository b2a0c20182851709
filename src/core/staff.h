/*
 * staff.h: the hall staff PIN that opens staff mode on a kiosk.
 *
 * One PIN per device, 4 to 8 digits, set with `echowallctl staff set-pin`.
 * Only its Argon2id hash (libsodium crypto_pwhash_str) is kept, in the
 * device-local settings (local_config staff.pin_hash); it never travels in
 * records (only the hash of the office's temporary PIN does, below), and it
 * is not a `config` key, so `config list|get|set` neither
 * show nor change it. Wrong tries are counted in local_config too
 * (staff.pin_failures, staff.pin_locked_until_ms), so a power cycle does not
 * reset them: the first STAFF_FREE_TRIES wrong tries cost nothing, each
 * further one locks the PIN for STAFF_LOCK_FIRST_MS, doubling, at most
 * STAFF_LOCK_MAX_MS. While locked the PIN is not even checked. A right PIN
 * clears the count.
 *
 * Times are the caller's clock in ms (the kiosk passes its own app clock,
 * echowallctl db_now_ms). A kiosk has no real-time clock, so a stored
 * lock-until may lie far ahead of a clock that went backwards (or of another
 * clock): one more than STAFF_LOCK_MAX_MS ahead of now is cut back to
 * STAFF_LOCK_MAX_MS from now, so a lock never lasts longer than that.
 *
 * Forgotten PINs: the office resets a hall's PIN (`echowallctl staff
 * reset-pin --hall H07`, staff_pin_reset) by a staff.pin_reset record
 * holding the Argon2id hash of a random 8-digit temporary PIN, which the
 * office reads to the hall's staff by phone. The kiosk of that hall gets it
 * by stick; the fold keeps the newest reset per hall (pin_resets). The
 * reset is in force on the kiosk while its stamp is newer than every stamp
 * the kiosk held when its PIN was last set there (staff.pin_set_hlc, see
 * staff.c): the temporary PIN then opens staff mode instead of the old one
 * (same back-off), and staff_pin_must_change says the kiosk must ask for a
 * new PIN; staff_pin_set ends it. Rebuilding the derived tables gives the
 * same newest reset with the same stamp, so it never brings an old reset
 * back into force.
 *
 * The first PIN of an office station: one made here by `echowallctl init
 * --role office` starts without a PIN, and its own screen may set the
 * first one (staff_pin_set_first), as whoever runs init could with
 * `staff set-pin`. Not a restored station (its database names another
 * office device, the one whose backup it is: it brings that office's PIN,
 * and without one the PIN is set with `echowallctl staff set-pin`), not a
 * hall (its PIN comes from the office), and never once a PIN is set.
 */
#ifndef EW_STAFF_H
#define EW_STAFF_H

#include <sqlite3.h>
#include <stdint.h>

#include "device.h"
#include "ew.h"

#define STAFF_PIN_MIN 4
#define STAFF_PIN_MAX 8
#define STAFF_FREE_TRIES 3                    /* wrong tries before any lock */
#define STAFF_LOCK_FIRST_MS (30LL * 1000)     /* lock after the 4th wrong try */
#define STAFF_LOCK_MAX_MS (15LL * 60 * 1000)  /* the longest lock */

/* EW_OK when pin is 4..8 ASCII digits, else EW_EINPUT with a message for
 * the person typing it. Touches no database. */
int staff_pin_valid(const char *pin, EwErr *err);

/* Sets (or replaces) the PIN and clears the wrong-try count and any lock.
 * The PIN must pass staff_pin_valid (else EW_EINPUT, nothing written).
 * Stores crypto_pwhash_str (Argon2id, opslimit INTERACTIVE, memlimit
 * 16 MiB; see staff.c for why). Runs inside the caller's transaction, like
 * config_set; EW_EIO when hashing fails (out of memory), EW_EDB on a
 * database error. */
int staff_pin_set(sqlite3 *db, const char *pin, EwErr *err);

/* 1 when a PIN is set or the office's reset is in force, 0 when not (or
 * the database cannot be read). */
int staff_pin_is_set(sqlite3 *db);

/* 1 while the office's temporary PIN is in force on this kiosk: after a
 * right staff_pin_check the kiosk must have staff choose a new PIN
 * (staff_pin_set) before anything else. 0 otherwise (and on the office). */
int staff_pin_must_change(sqlite3 *db);

/* 1 when this station may set its first PIN from its screen (above): an
 * office device, no office device but itself in its database, no PIN set.
 * 0 otherwise (and when the database cannot be read). */
int staff_pin_first_allowed(sqlite3 *db);

/* Sets the first PIN, as staff_pin_set does, when staff_pin_first_allowed
 * says so, checked in the same transaction (its own: call it outside any).
 * EW_ESTATE when not allowed (a PIN is set meanwhile, a hall, a restored
 * station): nothing written. EW_EINPUT for a PIN not 4..8 digits. */
int staff_pin_set_first(sqlite3 *db, const char *pin, EwErr *err);

/* The office resets hall's staff PIN: draws a temporary PIN of
 * STAFF_PIN_MAX random digits into pin_out (shown once, read to the hall
 * by phone; the caller wipes it) and writes the staff.pin_reset record with
 * its Argon2id hash. In the caller's transaction. EW_EINPUT for a malformed
 * hall code, EW_ENOTFOUND for a hall not in the roster, EW_EDENIED on a
 * kiosk, EW_EIO when hashing fails. */
int staff_pin_reset(sqlite3 *db, Author *a, const char *hall, char pin_out[STAFF_PIN_MAX + 1],
                    EwErr *err);

/* Checks a PIN at time now_ms (the caller's clock, ms): the office's
 * temporary PIN while a reset is in force, else the PIN set here. Returns
 *  - EW_OK when right (the wrong-try count and lock are cleared);
 *  - EW_EDENIED when wrong (counted; when this try starts a lock, the
 *    message says how long);
 *  - EW_ESTATE when locked: the PIN is not checked and nothing is counted;
 *  - EW_ENOTFOUND when no PIN is set and no reset is in force;
 *  - EW_EINPUT when pin is not 4..8 digits (not counted: the kiosk's keypad
 *    cannot type one);
 *  - EW_ECORRUPT when the stored hash is not an Argon2id string;
 *  - EW_EDB on a database error.
 * *wait_ms (when wait_ms is not NULL) is set on every return to the ms
 * until the next try is allowed: 0 unless locked or this try locked it.
 * Call it outside any transaction: it opens and commits its own
 * (BEGIN IMMEDIATE, so tries from two processes are counted one after the
 * other), and the count is committed whatever the outcome. */
int staff_pin_check(sqlite3 *db, const char *pin, int64_t now_ms, int64_t *wait_ms,
                    EwErr *err);

#endif
