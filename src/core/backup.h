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

/* Writes STICK/echowall/backup-YYYY-MM-DD[-n].ewbak (office only);
 * name_out gets the file name. */
int backup_write(sqlite3 *db, StickIO *io, const char *dir, const char *passphrase,
                 char name_out[64], EwErr *err);
/* Restores the backup at path (read through io) into a new database at
 * db_path, which must not exist. *report: {file, old_device, new_device,
 * slot, records, fingerprint}. */
int backup_restore(StickIO *io, const char *path, const char *passphrase, const char *db_path,
                   json_t **report, EwErr *err);

#endif
