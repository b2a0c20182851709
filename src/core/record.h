/*
 * record.h: the append-only records every change is made of, and the
 * content-addressed blobs that carry free text beside them.
 *
 * A record is (device, seq, hlc, kind, body, prev, hash, sig) as SYNC.md
 * describes. The body is canonical JSON (UTF-8, sorted keys, no spaces) kept
 * as the exact bytes that were hashed and signed; it is never re-serialised.
 * hash = BLAKE2b-256 over the domain tag "echowall/record/1" followed by
 * device, seq, hlc, kind, body and prev, each prefixed by its length as a
 * big-endian 64-bit integer (integers are encoded as 8 big-endian bytes), so
 * the bytes hashed are the same on every machine. sig is the author device's
 * Ed25519 signature of hash.
 *
 * Free text a person typed is stored as a blob keyed by its BLAKE2b-256 and
 * referred to from the body by that hash in hex, so it can be purged without
 * breaking any signature.
 */
#ifndef EW_RECORD_H
#define EW_RECORD_H

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "ew.h"

#define EW_DEVICE_LEN 16
#define EW_HASH_LEN 32
#define EW_SIG_LEN 64
#define EW_KIND_MAX 40

typedef struct Record {
    unsigned char device[EW_DEVICE_LEN]; /* author device id */
    int64_t seq;                         /* 1, 2, 3... per device */
    int64_t hlc;                         /* hybrid logical clock stamp */
    char kind[EW_KIND_MAX + 1];          /* e.g. "appeal.grade" */
    unsigned char *body;                 /* canonical JSON bytes (owned) */
    size_t body_len;
    unsigned char prev[EW_HASH_LEN];     /* hash of the author's previous record */
    unsigned char hash[EW_HASH_LEN];     /* record_hash() of the fields above */
    unsigned char sig[EW_SIG_LEN];       /* Ed25519 signature of hash */
} Record;

/* Serialises obj canonically; *out is malloc'd (caller frees). */
int record_canonical(const json_t *obj, unsigned char **out, size_t *len);
/* Computes the record hash of r's fields (see above) into out. */
void record_hash(const Record *r, unsigned char out[EW_HASH_LEN]);
/* Fills r->hash and r->sig with sk (libsodium Ed25519 secret key). */
void record_sign(Record *r, const unsigned char sk[crypto_sign_SECRETKEYBYTES]);
/* 0 when r->hash matches its fields and r->sig verifies under pk. */
int record_verify(const Record *r, const unsigned char pk[crypto_sign_PUBLICKEYBYTES]);
/* Parses r->body as a JSON object (caller json_decref's), NULL if not one. */
json_t *record_body_json(const Record *r);
void record_clear(Record *r);

/* Fills r from a result row whose columns are device, seq, hlc, kind, body,
 * prev, hash, sig (columns of the wrong size are left zeroed; the body is
 * malloc'd, NUL-terminated: record_clear frees it). */
void record_from_row(sqlite3_stmt *st, Record *r);

/* Inserts r into the records table (state NULL: not yet folded). */
int record_insert(sqlite3 *db, const Record *r, EwErr *err);

/* Blobs: stores data under its hash, writing the hex hash to hex[65]. */
int blob_put(sqlite3 *db, const void *data, size_t len, char hex[65], EwErr *err);
/* Returns the blob's bytes as a NUL-terminated malloc'd string (caller
 * frees), or NULL when it is absent (purged, or not yet arrived). */
char *blob_get_text(sqlite3 *db, const char *hex);
/* The hex BLAKE2b-256 of data, as blob_put names it. */
void blob_hash_hex(const void *data, size_t len, char hex[65]);

#endif
