/*
 * cert.h: device certificates.
 *
 * The town key (held by the office) certifies each device: its id, public
 * key, role, hall code and tracking-code slot. A certificate is canonical
 * JSON {"facts": {...}, "sig": hex} where sig is the town key's Ed25519
 * signature over the canonical bytes of facts. Certificates travel in every
 * bundle and manifest so any device can check records relayed from any
 * other; a device pins the town's public key when it is enrolled.
 */
#ifndef EW_CERT_H
#define EW_CERT_H

#include <sodium.h>

#include "device.h"

typedef struct CertFacts {
    unsigned char device[EW_DEVICE_LEN];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char role[8];   /* "office" or "hall" */
    char hall[4];   /* "" for the office */
    char slot;
} CertFacts;

/* The facts of an author. */
void cert_facts_of(const Author *a, CertFacts *f);
/* Signs facts with the town key; *out malloc'd (caller frees). */
int cert_make(const CertFacts *f, const unsigned char town_sk[crypto_sign_SECRETKEYBYTES],
              unsigned char **out, size_t *len);
/* Parses and verifies a certificate against the town key. EW_ECORRUPT with
 * a message when it is malformed or not signed by that key. */
int cert_check(const void *bytes, size_t len, const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
               CertFacts *out, EwErr *err);
/* The same for a certificate already parsed as JSON. */
int cert_check_json(json_t *cert, const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
                    CertFacts *out, EwErr *err);
/* Signed JSON as certificates and update statements are made: canonical
 * {key: inner, "sig": hex} where sig is sk's Ed25519 signature over the
 * canonical bytes of inner (which this takes over). *out malloc'd. */
int cert_sign_json(json_t *inner, const char *key, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
                   unsigned char **out, size_t *len);
/* 0 when sighex (128 hex digits) is pk's signature over inner's canonical
 * bytes, else -1. */
int cert_verify_json(const json_t *inner, const char *sighex,
                     const unsigned char pk[crypto_sign_PUBLICKEYBYTES]);
/* A key's fingerprint for staff to compare by eye: "8a65 7beb 55fe 8d10". */
void cert_fingerprint(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char out[20]);

#endif
