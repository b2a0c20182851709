/*
 * staff.c: the hall staff PIN (see staff.h).
 *
 * Three device-local settings hold the state, each a local_config row:
 *   staff.pin_hash            the Argon2id string (absent: no PIN set)
 *   staff.pin_failures        wrong tries since the last right one (absent: 0)
 *   staff.pin_locked_until_ms no try before this time, caller's clock (absent: 0)
 *   staff.pin_set_hlc         the newest HLC stamp held when the PIN was set here
 * None of these is in config.c's table, so `config` cannot list or set them.
 *
 * When is the office's reset in force? When its stamp is newer than
 * staff.pin_set_hlc. That is the newest stamp among the records the kiosk
 * held when its PIN was set, not a clock reading: a kiosk has no real-time
 * clock, and one running ahead would make a genuine later reset look older
 * than the local PIN. A reset the kiosk already held when staff set a PIN
 * is at or below that stamp, so setting a PIN always ends the reset in
 * force. A reset made before a local set but arriving after it does take
 * over; that is harmless, as the staff who asked for it hold its PIN. Both
 * sides of the comparison come from records and the log's local settings,
 * so a rebuild of the derived tables changes neither.
 *
 * Cost of the hash: Argon2id with libsodium's INTERACTIVE opslimit (2 passes)
 * but 16 MiB of memory rather than its INTERACTIVE 64 MiB: the kiosk must
 * stay within a 60 MB RSS budget on a Raspberry Pi, and the hash's memory is
 * allocated in full on every check. With 4..8 digits the PIN's strength is in
 * the back-off, not the hash; the hash keeps the digits out of the database
 * file and its backups.
 */
#include "staff.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "db.h"

#define KEY_HASH "staff.pin_hash"
#define KEY_FAILURES "staff.pin_failures"
#define KEY_LOCKED "staff.pin_locked_until_ms"
#define KEY_SET_HLC "staff.pin_set_hlc"

#define PIN_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PIN_MEMLIMIT ((size_t)16 * 1024 * 1024) /* 16 MiB: the Pi's RSS budget */

int staff_pin_valid(const char *pin, EwErr *err)
{
    size_t n = pin ? strlen(pin) : 0;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return ew_err(err, EW_EINPUT, "the PIN must be digits only (0-9), %d to %d of them",
                          STAFF_PIN_MIN, STAFF_PIN_MAX);
    if (n < STAFF_PIN_MIN || n > STAFF_PIN_MAX)
        return ew_err(err, EW_EINPUT, "the PIN must have %d to %d digits, not %zu", STAFF_PIN_MIN,
                      STAFF_PIN_MAX, n);
    return EW_OK;
}

/* A local_config integer; dflt when absent. */
static int local_int(sqlite3 *db, const char *key, int64_t *out, EwErr *err)
{
    return db_int(db, err, out, 0, "SELECT CAST(value AS INTEGER) FROM local_config WHERE key=?",
                  "t", key);
}

static int set_local(sqlite3 *db, const char *key, const char *value, EwErr *err)
{
    return db_run(db, err,
                  "INSERT INTO local_config(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE "
                  "SET value=excluded.value",
                  "tt", key, value);
}

static int set_local_int(sqlite3 *db, const char *key, int64_t v, EwErr *err)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v);
    return set_local(db, key, text, err);
}

/* Forgets the wrong tries and any lock. */
static int clear_failures(sqlite3 *db, EwErr *err)
{
    return db_run(db, err, "DELETE FROM local_config WHERE key IN (?,?)", "tt", KEY_FAILURES,
                  KEY_LOCKED);
}

/* How long the PIN locks after the n-th wrong try in a row: 0 for the free
 * ones, then 30 s, 60 s, 2 min, ... at most 15 min. */
static int64_t lock_after(int64_t n)
{
    if (n <= STAFF_FREE_TRIES)
        return 0;
    int64_t ms = STAFF_LOCK_FIRST_MS;
    for (int64_t i = STAFF_FREE_TRIES + 1; i < n && ms < STAFF_LOCK_MAX_MS; i++)
        ms *= 2;
    return ms < STAFF_LOCK_MAX_MS ? ms : STAFF_LOCK_MAX_MS;
}

/* "45 s", "2 min", "3 min 20 s" (whole seconds, rounded up). */
static void format_wait(int64_t ms, char out[32])
{
    long long s = (long long)((ms + 999) / 1000);
    if (s < 60)
        snprintf(out, 32, "%lld s", s);
    else if (s % 60 == 0)
        snprintf(out, 32, "%lld min", s / 60);
    else
        snprintf(out, 32, "%lld min %lld s", s / 60, s % 60);
}

/* The Argon2id string of pin, with this file's cost. EW_EIO on failure. */
static int hash_pin(const char *pin, char hash[crypto_pwhash_STRBYTES], EwErr *err)
{
    if (sodium_init() < 0 ||
        crypto_pwhash_str_alg(hash, pin, strlen(pin), PIN_OPSLIMIT, PIN_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ew_err(err, EW_EIO, "cannot hash the PIN (out of memory?)");
    return EW_OK;
}

/* The hash of the office's temporary PIN when a reset is in force on this
 * kiosk (see above), else *hash NULL. *hash malloc'd (caller frees). */
static int reset_in_force(sqlite3 *db, char **hash, EwErr *err)
{
    int64_t set_hlc = 0;
    *hash = NULL;
    int rc = local_int(db, KEY_SET_HLC, &set_hlc, err);
    return rc ? rc
              : db_text(db, err, hash,
                        "SELECT r.pin_hash FROM pin_resets r JOIN device_self s ON s.hall=r.hall "
                        "WHERE r.hlc > ?",
                        "i", set_hlc);
}

int staff_pin_set(sqlite3 *db, const char *pin, EwErr *err)
{
    int rc = staff_pin_valid(pin, err);
    if (rc)
        return rc;
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = hash_pin(pin, hash, err)))
        return rc;
    /* In the caller's transaction, or in one of our own when there is none,
     * so that the hash and the cleared count are written together. */
    int64_t newest = 0;
    int own = sqlite3_get_autocommit(db);
    rc = own ? db_begin(db, err) : EW_OK;
    if (rc == EW_OK)
        rc = set_local(db, KEY_HASH, hash, err);
    if (rc == EW_OK)
        rc = clear_failures(db, err);
    /* Ends any reset held now (this file's opening comment). */
    if (rc == EW_OK)
        rc = db_int(db, err, &newest, 0, "SELECT max(hlc) FROM records", NULL);
    if (rc == EW_OK)
        rc = set_local_int(db, KEY_SET_HLC, newest, err);
    if (own && rc == EW_OK)
        rc = db_commit(db, err);
    if (own && rc)
        db_rollback(db);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int staff_pin_is_set(sqlite3 *db)
{
    char *hash = NULL;
    int set = db_text(db, NULL, &hash, "SELECT value FROM local_config WHERE key=?", "t",
                      KEY_HASH) == EW_OK &&
              hash != NULL;
    free(hash);
    return set || staff_pin_must_change(db);
}

int staff_pin_first_allowed(sqlite3 *db)
{
    int64_t ok = 0;
    /* An office with no other office device in its log (not restored), no
     * PIN hash; a reset cannot be in force on the office (no hall). */
    return db_int(db, NULL, &ok, 0,
                  "SELECT s.role='office' AND NOT EXISTS (SELECT 1 FROM devices d WHERE "
                  "d.role='office' AND d.device<>s.device) AND NOT EXISTS (SELECT 1 FROM "
                  "local_config WHERE key=?) FROM device_self s",
                  "t", KEY_HASH) == EW_OK &&
           ok == 1;
}

int staff_pin_set_first(sqlite3 *db, const char *pin, EwErr *err)
{
    int rc = staff_pin_valid(pin, err);
    if (rc)
        return rc;
    if (!sqlite3_get_autocommit(db))
        return ew_err(err, EW_EDB, "staff_pin_set_first must run outside a transaction");
    if ((rc = db_begin(db, err)))
        return rc;
    if (!staff_pin_first_allowed(db))
        rc = ew_err(err, EW_ESTATE, "this station's first staff PIN cannot be set here: a PIN "
                                    "is set already, or it is not a new office station (use "
                                    "`echowallctl staff set-pin`)");
    if (rc == EW_OK)
        rc = staff_pin_set(db, pin, err);
    if (rc == EW_OK)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

int staff_pin_must_change(sqlite3 *db)
{
    char *hash = NULL;
    int in_force = reset_in_force(db, &hash, NULL) == EW_OK && hash != NULL;
    free(hash);
    return in_force;
}

int staff_pin_reset(sqlite3 *db, Author *a, const char *hall, char pin_out[STAFF_PIN_MAX + 1],
                    EwErr *err)
{
    pin_out[0] = '\0';
    if (!code_hall_valid(hall))
        return ew_err(err, EW_EINPUT, "--hall '%s' is not a hall code like H07", hall ? hall : "");
    if (strcmp(a->role, "office") != 0)
        return ew_err(err, EW_EDENIED, "only the office resets a hall's staff PIN; on this kiosk "
                                       "set a new one with `echowallctl staff set-pin`");
    int64_t known = 0;
    int rc = db_int(db, err, &known, 0, "SELECT count(*) FROM branches WHERE code=?", "t", hall);
    if (rc == EW_OK && !known)
        rc = ew_err(err, EW_ENOTFOUND, "no branch %s in the roster", hall);
    if (rc)
        return rc;
    if (sodium_init() < 0)
        return ew_err(err, EW_EIO, "cannot initialise libsodium");
    char hash[crypto_pwhash_STRBYTES];
    snprintf(pin_out, STAFF_PIN_MAX + 1, "%08u", (unsigned)randombytes_uniform(100000000));
    rc = hash_pin(pin_out, hash, err);
    json_t *body = rc ? NULL : json_pack("{s:s,s:s}", "hall", hall, "pin_hash", hash);
    if (rc == EW_OK)
        rc = device_author(db, a, 0, "staff.pin_reset", body, err);
    json_decref(body);
    sodium_memzero(hash, sizeof hash);
    if (rc)
        sodium_memzero(pin_out, STAFF_PIN_MAX + 1);
    return rc;
}

/* The body of staff_pin_check, inside its transaction. */
static int check_tx(sqlite3 *db, const char *pin, int64_t now_ms, int64_t *wait, EwErr *err)
{
    char *hash = NULL;
    int64_t failures = 0, until = 0;
    int rc = reset_in_force(db, &hash, err);
    if (rc == EW_OK && !hash)
        rc = db_text(db, err, &hash, "SELECT value FROM local_config WHERE key=?", "t", KEY_HASH);
    if (rc == EW_OK && !hash)
        rc = ew_err(err, EW_ENOTFOUND,
                    "no staff PIN is set on this device (set one with `echowallctl staff "
                    "set-pin`)");
    if (rc == EW_OK)
        rc = local_int(db, KEY_FAILURES, &failures, err);
    if (rc == EW_OK)
        rc = local_int(db, KEY_LOCKED, &until, err);
    if (rc)
        goto done;
    if (failures < 0)
        failures = 0;
    /* A lock-until further ahead than any lock lasts: the clock went back
     * (or is another clock). Cut it to the longest lock from now, and keep
     * that, so that the lock ends 15 min later by this clock. */
    if (until > now_ms + STAFF_LOCK_MAX_MS) {
        until = now_ms + STAFF_LOCK_MAX_MS;
        if ((rc = set_local_int(db, KEY_LOCKED, until, err)))
            goto done;
    }
    if (until > now_ms) {
        char w[32];
        *wait = until - now_ms;
        format_wait(*wait, w);
        rc = ew_err(err, EW_ESTATE, "too many wrong PINs: try again in %s", w);
        goto done;
    }
    if (strlen(hash) >= crypto_pwhash_STRBYTES ||
        crypto_pwhash_argon2id_str_needs_rehash(hash, PIN_OPSLIMIT, PIN_MEMLIMIT) < 0) {
        rc = ew_err(err, EW_ECORRUPT,
                    "the stored staff PIN is not an Argon2id hash; set the PIN again with "
                    "`echowallctl staff set-pin`");
        goto done;
    }
    if (crypto_pwhash_argon2id_str_verify(hash, pin, strlen(pin)) == 0) {
        rc = (failures || until) ? clear_failures(db, err) : EW_OK;
        goto done;
    }
    failures++;
    int64_t lock = lock_after(failures);
    rc = set_local_int(db, KEY_FAILURES, failures, err);
    if (rc == EW_OK && lock)
        rc = set_local_int(db, KEY_LOCKED, now_ms + lock, err);
    if (rc == EW_OK && lock) {
        char w[32];
        *wait = lock;
        format_wait(lock, w);
        rc = ew_err(err, EW_EDENIED, "wrong PIN (%lld wrong in a row): try again in %s",
                    (long long)failures, w);
    } else if (rc == EW_OK && failures < STAFF_FREE_TRIES) {
        rc = ew_err(err, EW_EDENIED, "wrong PIN (%lld more wrong before a wait)",
                    (long long)(STAFF_FREE_TRIES - failures));
    } else if (rc == EW_OK) {
        char w[32];
        format_wait(lock_after(failures + 1), w);
        rc = ew_err(err, EW_EDENIED, "wrong PIN (the next wrong one means a %s wait)", w);
    }
done:
    free(hash);
    return rc;
}

int staff_pin_check(sqlite3 *db, const char *pin, int64_t now_ms, int64_t *wait_ms, EwErr *err)
{
    int64_t wait = 0;
    int rc = staff_pin_valid(pin, err);
    if (rc == EW_OK && sodium_init() < 0)
        rc = ew_err(err, EW_EIO, "cannot initialise libsodium");
    if (rc == EW_OK && !sqlite3_get_autocommit(db))
        rc = ew_err(err, EW_EDB, "staff_pin_check must run outside a transaction (it commits "
                                 "the wrong-try count itself)");
    if (rc == EW_OK)
        rc = db_begin(db, err);
    if (rc == EW_OK) {
        rc = check_tx(db, pin, now_ms, &wait, err);
        /* Right, wrong or locked: what check_tx wrote is kept. */
        if (rc == EW_OK || rc == EW_EDENIED || rc == EW_ESTATE) {
            EwErr cerr = {0};
            if (db_commit(db, &cerr) != EW_OK)
                rc = ew_err(err, EW_EDB, "%s", cerr.msg);
        }
        db_rollback(db);
    }
    if (rc == EW_EDB || rc == EW_EIO)
        wait = 0;
    if (wait_ms)
        *wait_ms = wait;
    return rc;
}
