/*
 * device.h: who this database belongs to, and authoring records.
 *
 * Each database belongs to one device: an office station or a hall kiosk
 * (with its hall code), holding a slot character for tracking codes, an
 * Ed25519 device key pair and, on the office, the town key. An Author is a
 * device able to sign records: this device (loaded from device_self) or,
 * in the demo and tests, simulated devices of the same town.
 *
 * device_author() is the only way records are written locally: it stamps
 * the record (next seq, HLC, hash chain), signs it, inserts it and folds it,
 * and when the fold refuses it (role or state rules) returns that refusal so
 * the caller rolls its transaction back. Rules live in the fold alone.
 */
#ifndef EW_DEVICE_H
#define EW_DEVICE_H

#include <sodium.h>
#include <jansson.h>
#include <sqlite3.h>

#include "record.h"

typedef struct Author {
    unsigned char id[EW_DEVICE_LEN];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    char role[8];    /* "office" or "hall" */
    char hall[4];    /* hall code, "" for the office */
    char slot;       /* tracking-code slot */
    int64_t next_seq;
    unsigned char prev[EW_HASH_LEN];
    int64_t hlc;     /* highest stamp this author issued */
    int64_t code_next;    /* next tracking-code counter */
    int64_t meeting_next; /* next meeting number */
    int is_self;     /* state persists in device_self */
    struct SignQueue *signq; /* signs on that queue's thread (see below); NULL: here */
} Author;

/* Options for making a device identity. */
typedef struct DeviceSpec {
    const char *role;        /* "office" or "hall" */
    const char *hall;        /* hall code for halls */
    char slot;               /* 0: the role's first slot */
    const char *town_name;   /* office: the town's name */
    const unsigned char *seed; /* 32 bytes to derive keys and id from (demo), or NULL */
    const unsigned char *town_seed; /* office: 32 bytes for the town key, or NULL */
    int pending;             /* a blank hall kiosk awaiting enrolment: no hall yet */
} DeviceSpec;

/* Makes this database's identity (fails when it has one). Office devices
 * also get the town key, and certify themselves with it. */
int device_init(sqlite3 *db, const DeviceSpec *spec, EwErr *err);
/* 1 when the database has an identity. */
int device_exists(sqlite3 *db);
/* 1 when this device holds a certificate from the town (enrolled). */
int device_certified(sqlite3 *db);
/* Loads this device as an Author. EW_ENOTFOUND when it has no identity. */
int device_load_self(sqlite3 *db, Author *a, EwErr *err);
/* Makes an in-memory author (demo/tests) from a seed, not stored as self. */
void device_make_author(Author *a, const DeviceSpec *spec);
/* Records a device (its public key, role, hall, slot) among those known,
 * with a certificate signed by town_sk when given. */
int device_register(sqlite3 *db, const Author *a, const unsigned char *town_sk, EwErr *err);
/* The pinned town public key, when known. */
int device_town_pk(sqlite3 *db, unsigned char pk[crypto_sign_PUBLICKEYBYTES]);
/* The town key (office only); EW_EDENIED elsewhere. */
int device_town_sk(sqlite3 *db, unsigned char sk[crypto_sign_SECRETKEYBYTES], EwErr *err);

/* Signing on a second core, for one transaction that writes many records
 * (the demo town: half its time is Ed25519). An Author whose signq is set
 * has device_author hash, insert and fold each record as usual while the
 * queue's thread signs it; device_author writes the signatures made so far
 * a thousand at a time, and signq_finish() waits for the thread and writes
 * the rest, and must run before that transaction commits. Until then a
 * record's sig column may hold zeros: nothing in between may read it
 * (nothing does: only a stick's import and the database check verify
 * signatures, and the fold trusts the records of this database's own
 * transaction). signq_start() returns NULL when no thread can be started:
 * device_author then signs in place as always. */
typedef struct SignQueue SignQueue;
SignQueue *signq_start(void);
/* Waits for the thread, writes the signatures and frees q (NULL: nothing
 * to do). On an error the caller rolls its transaction back. */
int signq_finish(SignQueue *q, sqlite3 *db, EwErr *err);

/* Writes one record by author a: see above. hlc 0 stamps it now; a given
 * stamp (demo history) is raised past the author's last one if needed.
 * body is borrowed. Must run inside a transaction. */
int device_author(sqlite3 *db, Author *a, int64_t hlc, const char *kind, json_t *body,
                  EwErr *err);

/* The board this program runs on: $ECHOWALL_BOARD if set (tests), else the
 * Raspberry Pi's serial number (/sys/firmware/devicetree/base/serial-number),
 * else /etc/machine-id; "" when none is readable. out[65]. */
void device_board(char out[65]);
/* Every device this database knows, the office's first, then by hall and
 * slot: a JSON array of {device (hex), role, hall (or absent), hall_name
 * (or absent), slot, certified, revoked, records (the highest seq held),
 * self}. */
int device_list(sqlite3 *db, json_t **out, EwErr *err);

/* A kiosk's identity is bound to its board: EW_ESTATE when this database was
 * made on another board (a copied SD card), which must be enrolled anew
 * (`echowallctl enroll`). Offices and unbound databases pass. */
int device_check_board(sqlite3 *db, EwErr *err);
/* Binds this database's identity to the current board. */
int device_bind_board(sqlite3 *db, EwErr *err);
/* Replaces this kiosk's identity with a new pending one (after a copied
 * card was found); the old device's records stay. */
int device_rekey(sqlite3 *db, EwErr *err);

/* This device's own chain is incomplete: its counter says it wrote up to
 * next_seq-1, but the log lacks that record (neither held nor quarantined
 * in forks), as after a database repair that lost some of its own records
 * (dbcheck.c). Returns 1 and the missing range [*from, *to] (the first seq
 * of its own not held, next_seq-1), else 0. While it is 1 the device
 * writes nothing (device_author refuses): a record written at a lower seq
 * would fork its chain, one written at next_seq would hang on records that
 * may be lost everywhere. A stick from the office fills the gap. */
int device_own_gap(sqlite3 *db, int64_t *from, int64_t *to);

/* Hex of a device id, out[33]. */
void device_hex(const unsigned char id[EW_DEVICE_LEN], char out[33]);

#endif
