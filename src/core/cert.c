/*
 * cert.c: making and checking device certificates (see cert.h).
 */
#include "cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"

void cert_facts_of(const Author *a, CertFacts *f)
{
    memset(f, 0, sizeof *f);
    memcpy(f->device, a->id, sizeof f->device);
    memcpy(f->pk, a->pk, sizeof f->pk);
    snprintf(f->role, sizeof f->role, "%s", a->role);
    snprintf(f->hall, sizeof f->hall, "%s", a->hall);
    f->slot = a->slot;
}

static json_t *facts_json(const CertFacts *f)
{
    char id[33], pk[65], slot[2] = {f->slot, 0};
    ew_hex(f->device, sizeof f->device, id);
    ew_hex(f->pk, sizeof f->pk, pk);
    return json_pack("{s:s,s:s,s:s,s:s,s:s}", "device", id, "pk", pk, "role", f->role, "hall",
                     f->hall, "slot", slot);
}

int cert_sign_json(json_t *inner, const char *key, const unsigned char sk[crypto_sign_SECRETKEYBYTES],
                   unsigned char **out, size_t *len)
{
    unsigned char *bytes, s[crypto_sign_BYTES];
    size_t n;
    int rc = record_canonical(inner, &bytes, &n);
    if (rc) {
        json_decref(inner);
        return rc;
    }
    crypto_sign_detached(s, NULL, bytes, n, sk);
    free(bytes);
    char sig[2 * crypto_sign_BYTES + 1];
    ew_hex(s, sizeof s, sig);
    json_t *whole = json_pack("{s:o,s:s}", key, inner, "sig", sig);
    rc = record_canonical(whole, out, len);
    json_decref(whole);
    return rc;
}

int cert_verify_json(const json_t *inner, const char *sighex,
                     const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
    unsigned char s[crypto_sign_BYTES], *bytes;
    size_t n;
    if (!sighex || ew_unhex(sighex, s, sizeof s) != 0 || record_canonical(inner, &bytes, &n) != EW_OK)
        return -1;
    int bad = crypto_sign_verify_detached(s, bytes, n, pk);
    free(bytes);
    return bad ? -1 : 0;
}

int cert_make(const CertFacts *f, const unsigned char town_sk[crypto_sign_SECRETKEYBYTES],
              unsigned char **out, size_t *len)
{
    return cert_sign_json(facts_json(f), "facts", town_sk, out, len);
}

int cert_check_json(json_t *cert, const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
                    CertFacts *out, EwErr *err)
{
    json_t *facts = json_object_get(cert, "facts");
    const char *sig = json_string_value(json_object_get(cert, "sig"));
    const char *dev = json_string_value(json_object_get(facts, "device"));
    const char *pk = json_string_value(json_object_get(facts, "pk"));
    const char *role = json_string_value(json_object_get(facts, "role"));
    const char *hall = json_string_value(json_object_get(facts, "hall"));
    const char *slot = json_string_value(json_object_get(facts, "slot"));
    unsigned char s[crypto_sign_BYTES];
    CertFacts f;
    memset(&f, 0, sizeof f);
    if (!json_is_object(cert) || !json_is_object(facts) || json_object_size(facts) != 5 ||
        !sig || ew_unhex(sig, s, sizeof s) || !dev || ew_unhex(dev, f.device, sizeof f.device) ||
        !pk || ew_unhex(pk, f.pk, sizeof f.pk) || !role || !hall || !slot || strlen(slot) != 1 ||
        (strcmp(role, "office") && strcmp(role, "hall")) || !code_slot_valid(role, slot[0]) ||
        (strcmp(role, "hall") == 0 ? !code_hall_valid(hall) : hall[0] != '\0'))
        return ew_err(err, EW_ECORRUPT, "malformed device certificate");
    if (cert_verify_json(facts, sig, town_pk) != 0)
        return ew_err(err, EW_ECORRUPT, "device certificate is not signed by this town's key");
    snprintf(f.role, sizeof f.role, "%s", role);
    snprintf(f.hall, sizeof f.hall, "%s", hall);
    f.slot = slot[0];
    if (out)
        *out = f;
    return EW_OK;
}

int cert_check(const void *bytes, size_t len, const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
               CertFacts *out, EwErr *err)
{
    json_t *cert = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, NULL);
    int rc = cert ? cert_check_json(cert, town_pk, out, err)
                  : ew_err(err, EW_ECORRUPT, "malformed device certificate");
    json_decref(cert);
    return rc;
}

void cert_fingerprint(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char out[20])
{
    unsigned char h[8];
    char hex[17];
    crypto_generichash(h, sizeof h, pk, crypto_sign_PUBLICKEYBYTES, NULL, 0);
    ew_hex(h, sizeof h, hex);
    snprintf(out, 20, "%.4s %.4s %.4s %.4s", hex, hex + 4, hex + 8, hex + 12);
}
