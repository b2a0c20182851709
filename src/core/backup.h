/*
 * backup.h: the office's encrypted backup, and rebuilding the office from it.
 *
 * A backup is a consistent copy of the office database (town key included),
 * encrypted with a passphrase: Argon2id derives the key, libsodium's
 * secretstream (XChaCha20-Poly1305) encrypts it in 64 KiB chunks, so a
 * wrong passphrase, a flipped byte or a truncated file is detected and
 * nothing is restored. File layout (integers big-endian):
 *   "EWBAK\1\0\0" | salt[16] | opslimit u64 | memlimit u64 | stream header[24]
 *   then chunks: u32 length | ciphertext (the last one tagged FINAL);
 * every chunk authenticates the 64-byte preamble as additional data.
 *
 * Restoring brings the database back under a NEW office device id, key and
 * slot (never reusing a counter), certified by the same town key, so halls
 * simply resend what the backup lacked at their next sync.
 */
#ifndef EW_BACKUP_H
#define EW_BACKUP_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"
#include "stickio.h"

#define BACKUP_PASSPHRASE_MIN 10

/* Why a restore failed, for a screen to say in its own words. */
typedef enum {
    BACKUP_WHY_NONE = 0,   /* it did not fail */
    BACKUP_WHY_PASSPHRASE, /* the passphrase is wrong (or the file's first bytes damaged) */
    BACKUP_WHY_DAMAGED,    /* not a backup, damaged, tampered with or cut short */
    BACKUP_WHY_STICK,      /* the file could not be read off the stick */
    BACKUP_WHY_NO_ROOM,    /* this station's disk has no room for it */
    BACKUP_WHY_NOT_BLANK,  /* this station already holds a town's data */
    BACKUP_WHY_OTHER       /* anything else (err says) */
} BackupWhy;

/* Writes STICK/echowall/backup-YYYY-MM-DD[-n].ewbak (office only);
 * name_out gets the file name. */
int backup_write(sqlite3 *db, StickIO *io, const char *dir, const char *passphrase,
                 char name_out[64], EwErr *err);
/* Restores the backup at path (read through io) into a new database at
 * db_path, which must not exist. *report: {file, old_device, new_device,
 * slot, records, fingerprint}. */
int backup_restore(StickIO *io, const char *path, const char *passphrase, const char *db_path,
                   json_t **report, EwErr *err);
/* A new station's first start: restores the backup at path into the open
 * database db, which must be blank (no certificate and no records: what
 * the kiosk makes on a path that did not exist, or one that asked to be
 * enrolled and got no answer). backup_restore writes a new file beside
 * db's, which SQLite's online backup then copies into db in one
 * transaction, so the open connection shows the office at once. Before
 * starting, the disk must have room for three copies of the file (the
 * encrypted copy, the database, the copy into db). On any failure db is
 * as blank as before and nothing is left beside it; *why says what went
 * wrong (BACKUP_WHY_*) and err says it for the log. *report as for
 * backup_restore (caller frees it). */
int backup_restore_into(sqlite3 *db, StickIO *io, const char *path, const char *passphrase,
                        json_t **report, BackupWhy *why, EwErr *err);

#endif
