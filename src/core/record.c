/*
 * record.c: canonical bodies, record hashes and signatures, blobs.
 */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static const char TAG[] = "echowall/record/1";

int record_canonical(const json_t *obj, unsigned char **out, size_t *len)
{
    char *s = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);
    if (!s)
        return EW_EINPUT;
    *len = strlen(s);
    *out = (unsigned char *)s;
    return EW_OK;
}

static void be64(uint64_t v, unsigned char out[8])
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

static void put(crypto_generichash_state *st, const void *p, size_t n)
{
    unsigned char len[8];
    be64(n, len);
    crypto_generichash_update(st, len, 8);
    crypto_generichash_update(st, p, n);
}

void record_hash(const Record *r, unsigned char out[EW_HASH_LEN])
{
    crypto_generichash_state st;
    unsigned char seq[8], hlc[8];
    be64((uint64_t)r->seq, seq);
    be64((uint64_t)r->hlc, hlc);
    crypto_generichash_init(&st, NULL, 0, EW_HASH_LEN);
    put(&st, TAG, sizeof TAG - 1);
    put(&st, r->device, EW_DEVICE_LEN);
    put(&st, seq, 8);
    put(&st, hlc, 8);
    put(&st, r->kind, strlen(r->kind));
    put(&st, r->body, r->body_len);
    put(&st, r->prev, EW_HASH_LEN);
    crypto_generichash_final(&st, out, EW_HASH_LEN);
}

void record_sign(Record *r, const unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
    record_hash(r, r->hash);
    crypto_sign_detached(r->sig, NULL, r->hash, EW_HASH_LEN, sk);
}

int record_verify(const Record *r, const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
    unsigned char h[EW_HASH_LEN];
    record_hash(r, h);
    if (sodium_memcmp(h, r->hash, EW_HASH_LEN) != 0)
        return -1;
    return crypto_sign_verify_detached(r->sig, r->hash, EW_HASH_LEN, pk);
}

json_t *record_body_json(const Record *r)
{
    json_t *j = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL);
    if (j && !json_is_object(j)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

void record_clear(Record *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

void record_from_row(sqlite3_stmt *st, Record *r)
{
    memset(r, 0, sizeof *r);
    if (sqlite3_column_bytes(st, 0) == EW_DEVICE_LEN)
        memcpy(r->device, sqlite3_column_blob(st, 0), EW_DEVICE_LEN);
    r->seq = sqlite3_column_int64(st, 1);
    r->hlc = sqlite3_column_int64(st, 2);
    const unsigned char *kind = sqlite3_column_text(st, 3);
    snprintf(r->kind, sizeof r->kind, "%s", kind ? (const char *)kind : "");
    r->body_len = (size_t)sqlite3_column_bytes(st, 4);
    r->body = ew_xmalloc(r->body_len + 1);
    if (r->body_len)
        memcpy(r->body, sqlite3_column_blob(st, 4), r->body_len);
    r->body[r->body_len] = '\0';
    if (sqlite3_column_bytes(st, 5) == EW_HASH_LEN)
        memcpy(r->prev, sqlite3_column_blob(st, 5), EW_HASH_LEN);
    if (sqlite3_column_bytes(st, 6) == EW_HASH_LEN)
        memcpy(r->hash, sqlite3_column_blob(st, 6), EW_HASH_LEN);
    if (sqlite3_column_bytes(st, 7) == EW_SIG_LEN)
        memcpy(r->sig, sqlite3_column_blob(st, 7), EW_SIG_LEN);
}

int record_insert(sqlite3 *db, const Record *r, EwErr *err)
{
    return db_run(db, err,
                  "INSERT INTO records(device,seq,hlc,kind,body,prev,hash,sig) "
                  "VALUES(?,?,?,?,?,?,?,?)",
                  "biitbbbb", r->device, (size_t)EW_DEVICE_LEN, r->seq, r->hlc, r->kind, r->body,
                  r->body_len, r->prev, (size_t)EW_HASH_LEN, r->hash, (size_t)EW_HASH_LEN, r->sig,
                  (size_t)EW_SIG_LEN);
}

void blob_hash_hex(const void *data, size_t len, char hex[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    ew_hex(h, sizeof h, hex);
}

int blob_put(sqlite3 *db, const void *data, size_t len, char hex[65], EwErr *err)
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, data, len, NULL, 0);
    ew_hex(h, sizeof h, hex);
    return db_run(db, err, "INSERT OR IGNORE INTO blobs(hash,data) VALUES(?,?)", "bb", h,
                  sizeof h, data ? data : "", len);
}

char *blob_get_text(sqlite3 *db, const char *hex)
{
    unsigned char h[32];
    if (!hex || ew_unhex(hex, h, sizeof h) != 0)
        return NULL;
    sqlite3_stmt *st = db_prep(db, NULL, "SELECT data FROM blobs WHERE hash=?", "b", h, sizeof h);
    if (!st)
        return NULL;
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        out = ew_xmalloc((size_t)n + 1);
        if (n)
            memcpy(out, sqlite3_column_blob(st, 0), (size_t)n);
        out[n] = '\0';
    }
    db_done(st);
    return out;
}
