/*
 * enroll.c: requests, certificates and revocation (see enroll.h).
 */
#include "enroll.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "clock.h"
#include "code.h"
#include "db.h"
#include "sync.h"

#define SMALL_FILE_MAX (64 * 1024)

static char *path2(const char *a, const char *b) { return ew_xasprintf("%s/%s", a, b); }

/* Signs obj (without "sig") with sk and adds "sig". */
static void sign_json(json_t *obj, const unsigned char *sk)
{
    unsigned char *bytes, s[crypto_sign_BYTES];
    size_t n;
    char hex[2 * crypto_sign_BYTES + 1];
    record_canonical(obj, &bytes, &n);
    crypto_sign_detached(s, NULL, bytes, n, sk);
    free(bytes);
    ew_hex(s, sizeof s, hex);
    json_object_set_new(obj, "sig", json_string(hex));
}

/* Verifies obj's "sig" against pk over the rest. */
static int verify_json(json_t *obj, const unsigned char *pk)
{
    unsigned char s[crypto_sign_BYTES], *bytes;
    size_t n;
    if (ew_unhex(json_string_value(json_object_get(obj, "sig")), s, sizeof s) != 0)
        return -1;
    json_t *copy = json_deep_copy(obj);
    json_object_del(copy, "sig");
    int rc = record_canonical(copy, &bytes, &n);
    json_decref(copy);
    if (rc)
        return -1;
    rc = crypto_sign_verify_detached(s, bytes, n, pk);
    free(bytes);
    return rc;
}

static json_t *read_json(StickIO *io, const char *path, EwErr *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = io->read_file(io, path, SMALL_FILE_MAX, &data, &len);
    if (rc < 0) {
        ew_err(err, rc == -EIO ? EW_EIO : EW_ECORRUPT, "%s: %s", path, stickio_strerror(rc));
        return NULL;
    }
    json_t *j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, NULL);
    free(data);
    if (!json_is_object(j)) {
        json_decref(j);
        ew_err(err, EW_ECORRUPT, "%s is damaged or not an echowall file", path);
        return NULL;
    }
    return j;
}

static int write_json(StickIO *io, const char *edir, const char *name, json_t *j, EwErr *err)
{
    char *text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    int rc = sync_put_file(io, edir, name, (const unsigned char *)text, strlen(text), NULL, err);
    free(text);
    return rc;
}

static int has_cert(sqlite3 *db, const unsigned char *dev)
{
    int64_t n = 0;
    db_int(db, NULL, &n, 0, "SELECT count(*) FROM devices WHERE device=? AND cert IS NOT NULL",
           "b", dev, (size_t)EW_DEVICE_LEN);
    return n > 0;
}

/* Installs the office's answer: pins the town key, takes hall and slot from
 * the certificate. */
static int install(sqlite3 *db, Author *self, json_t *pack, json_t *report, EwErr *err)
{
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
    CertFacts f;
    json_t *cert = json_object_get(pack, "cert");
    if (ew_unhex(json_string_value(json_object_get(pack, "town_pk")), town_pk, sizeof town_pk))
        return ew_err(err, EW_ECORRUPT, "the office's answer is damaged");
    int rc = cert_check_json(cert, town_pk, &f, err);
    if (rc)
        return rc;
    if (memcmp(f.device, self->id, EW_DEVICE_LEN) != 0 || memcmp(f.pk, self->pk, sizeof f.pk) != 0 ||
        strcmp(f.role, "hall") != 0)
        return ew_err(err, EW_ECORRUPT, "the office's answer is for another device");
    if (self->hall[0] && strcmp(self->hall, f.hall) != 0) {
        int64_t authored = 0;
        db_int(db, NULL, &authored, 0, "SELECT count(*) FROM records WHERE device=?", "b",
               self->id, (size_t)EW_DEVICE_LEN);
        if (authored)
            return ew_err(err, EW_ESTATE,
                          "this kiosk already took records as %s but the office enrolled it "
                          "for %s: ask the office to provision it for %s",
                          self->hall, f.hall, self->hall);
    }
    char slot[2] = {f.slot, 0};
    char *bytes = json_dumps(cert, JSON_SORT_KEYS | JSON_COMPACT);
    rc = db_run(db, err, "UPDATE device_self SET hall=?, slot=?, town_pk=?", "ttb", f.hall, slot,
                town_pk, sizeof town_pk);
    if (rc == EW_OK)
        rc = db_run(db, err, "UPDATE devices SET role='hall', hall=?, slot=?, cert=? WHERE device=?",
                    "ttbb", f.hall, slot, bytes, strlen(bytes), self->id,
                    (size_t)EW_DEVICE_LEN);
    free(bytes);
    const char *town = json_string_value(json_object_get(pack, "town"));
    if (rc == EW_OK && town && ew_text_ok(town, 200))
        rc = db_run(db, err, "UPDATE device_self SET town_name=?", "t", town);
    char fp[20];
    cert_fingerprint(town_pk, fp);
    json_object_set_new(report, "hall", json_string(f.hall));
    json_object_set_new(report, "slot", json_string(slot));
    json_object_set_new(report, "fingerprint", json_string(fp));
    return rc;
}

int enroll_device(sqlite3 *db, StickIO *io, const char *dir, json_t **report, EwErr *err)
{
    json_t *r = json_object();
    *report = r;
    int rc = EW_OK;
    if (!device_exists(db)) {
        DeviceSpec spec = {.role = "hall", .pending = 1};
        rc = db_begin(db, err);
        if (rc == EW_OK)
            rc = device_init(db, &spec, err);
        if (rc == EW_OK)
            rc = db_commit(db, err);
        if (rc) {
            db_rollback(db);
            return rc;
        }
    }
    EwErr moved = {0};
    if (device_check_board(db, &moved) != EW_OK) {
        /* A copied card: this kiosk takes a new identity and asks anew. */
        rc = db_begin(db, err);
        if (rc == EW_OK)
            rc = device_rekey(db, err);
        if (rc == EW_OK)
            rc = db_commit(db, err);
        if (rc) {
            db_rollback(db);
            return rc;
        }
        json_object_set_new(r, "new_identity", json_true());
    }
    Author self;
    if ((rc = device_load_self(db, &self, err)))
        return rc;
    char dev[33];
    device_hex(self.id, dev);
    json_object_set_new(r, "device", json_string(dev));
    if (strcmp(self.role, "hall") != 0) {
        sodium_memzero(&self, sizeof self);
        return ew_err(err, EW_EDENIED, "the office station is not enrolled; it enrols kiosks "
                                       "(echowallctl provision)");
    }
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
    if (has_cert(db, self.id) && device_town_pk(db, town_pk) == 0) {
        char fp[20];
        cert_fingerprint(town_pk, fp);
        json_object_set_new(r, "state", json_string("already"));
        json_object_set_new(r, "hall", json_string(self.hall));
        json_object_set_new(r, "fingerprint", json_string(fp));
        sodium_memzero(&self, sizeof self);
        return EW_OK;
    }
    char *edir = path2(dir, "echowall");
    char *packname = ew_xasprintf("cert-%s.pack", dev), *reqname = ew_xasprintf("request-%s.req", dev);
    char *packpath = path2(edir, packname), *reqpath = path2(edir, reqname);
    StickEntry *ents = NULL;
    size_t n = 0;
    int listed = io->list(io, edir, &ents, &n), have_pack = 0;
    for (size_t i = 0; listed == 0 && i < n; i++)
        if (strcmp(ents[i].name, packname) == 0)
            have_pack = ents[i].type == STICK_REG ? 1 : -1;
    free(ents);
    if (have_pack < 0) {
        rc = ew_err(err, EW_ECORRUPT, "%s is not a regular file", packname);
    } else if (have_pack) {
        json_t *pack = read_json(io, packpath, err);
        rc = pack ? db_begin(db, err) : err->code;
        if (rc == EW_OK)
            rc = install(db, &self, pack, r, err);
        if (rc == EW_OK)
            rc = db_commit(db, err);
        if (rc)
            db_rollback(db);
        json_decref(pack);
        if (rc == EW_OK) {
            json_object_set_new(r, "state", json_string("enrolled"));
            io->unlink(io, packpath);
            io->unlink(io, reqpath);
            io->fsync_dir(io, edir);
            json_t *sr = NULL;
            rc = sync_stick(db, io, dir, &sr, err);
            json_object_set_new(r, "sync", sr ? sr : json_null());
        }
    } else {
        int mk = io->mkdir(io, edir);
        if (mk < 0 && mk != -EEXIST) {
            rc = ew_err(err, EW_EIO, "cannot make %s: %s", edir, stickio_strerror(mk));
        } else {
            char pk[65];
            ew_hex(self.pk, sizeof self.pk, pk);
            json_t *req = json_pack("{s:i,s:s,s:s,s:I}", "format", 1, "device", dev, "pk", pk,
                                    "made", (json_int_t)clock_now_ms());
            if (self.hall[0])
                json_object_set_new(req, "hall", json_string(self.hall));
            sign_json(req, self.sk);
            rc = write_json(io, edir, reqname, req, err);
            json_decref(req);
            if (rc == EW_OK)
                json_object_set_new(r, "state", json_string("requested"));
        }
    }
    free(edir);
    free(packname);
    free(reqname);
    free(packpath);
    free(reqpath);
    sodium_memzero(&self, sizeof self);
    return rc;
}

/* The first hall slot letter no device of `hall` holds. */
static char free_slot(sqlite3 *db, const char *hall)
{
    for (const char *p = CODE_ALPHABET; *p; p++) {
        if (!code_slot_valid("hall", *p))
            continue;
        char s[2] = {*p, 0};
        int64_t used = 0;
        db_int(db, NULL, &used, 0, "SELECT count(*) FROM devices WHERE hall=? AND slot=?", "tt",
               hall, s);
        if (!used)
            return *p;
    }
    return 0;
}

/* Answers one request file; adds to report. */
static int provision_one(sqlite3 *db, StickIO *io, const char *edir, const char *name,
                         const char *hall, const unsigned char *town_sk,
                         const unsigned char *town_pk, json_t *report, EwErr *err)
{
    char *path = path2(edir, name);
    json_t *req = read_json(io, path, err);
    int rc = req ? EW_OK : err->code;
    CertFacts f;
    memset(&f, 0, sizeof f);
    const char *dev = req ? json_string_value(json_object_get(req, "device")) : NULL;
    if (rc == EW_OK &&
        (!dev || ew_unhex(dev, f.device, sizeof f.device) ||
         ew_unhex(json_string_value(json_object_get(req, "pk")), f.pk, sizeof f.pk) ||
         verify_json(req, f.pk) != 0 || strlen(dev) != 32 || strncmp(name + 8, dev, 32) != 0))
        rc = ew_err(err, EW_ECORRUPT, "%s is damaged or not signed by its device", name);
    if (rc == EW_OK) {
        char *known_hall = NULL, *known_slot = NULL;
        db_text(db, NULL, &known_hall, "SELECT hall FROM devices WHERE device=?", "b", f.device,
                sizeof f.device);
        db_text(db, NULL, &known_slot, "SELECT slot FROM devices WHERE device=?", "b", f.device,
                sizeof f.device);
        if (known_hall && strcmp(known_hall, hall) != 0)
            rc = ew_err(err, EW_ESTATE, "device %.8s is already enrolled for %s; revoke it "
                                        "before enrolling it for %s", dev, known_hall, hall);
        else if (known_slot)
            f.slot = known_slot[0]; /* the answer was lost: the same certificate again */
        else if (!(f.slot = free_slot(db, hall)))
            rc = ew_err(err, EW_ESTATE, "hall %s has no free device slot left", hall);
        free(known_hall);
        free(known_slot);
    }
    if (rc == EW_OK) {
        snprintf(f.role, sizeof f.role, "hall");
        snprintf(f.hall, sizeof f.hall, "%s", hall);
        unsigned char *cert;
        size_t clen;
        char slot[2] = {f.slot, 0}, tpk[65];
        rc = cert_make(&f, town_sk, &cert, &clen);
        if (rc == EW_OK)
            rc = db_run(db, err,
                        "INSERT INTO devices(device,pk,role,hall,slot,cert) "
                        "VALUES(?,?,'hall',?,?,?) ON CONFLICT(device) DO UPDATE SET cert=excluded.cert",
                        "bbttb", f.device, sizeof f.device, f.pk, sizeof f.pk, hall, slot, cert,
                        clen);
        char *town = NULL;
        db_text(db, NULL, &town, "SELECT value FROM town_config WHERE key='town.name'", NULL);
        ew_hex(town_pk, crypto_sign_PUBLICKEYBYTES, tpk);
        json_t *pack = json_pack("{s:i,s:o,s:s,s:s?}", "format", 1, "cert",
                                 json_loadb((const char *)cert, clen, 0, NULL), "town_pk", tpk,
                                 "town", town);
        free(town);
        free(cert);
        char *packname = ew_xasprintf("cert-%s.pack", dev);
        if (rc == EW_OK)
            rc = write_json(io, edir, packname, pack, err);
        free(packname);
        json_decref(pack);
        if (rc == EW_OK)
            json_array_append_new(json_object_get(report, "provisioned"),
                                  json_pack("{s:s,s:s,s:s}", "device", dev, "hall", hall, "slot",
                                            slot));
    }
    json_decref(req);
    free(path);
    return rc;
}

int enroll_provision(sqlite3 *db, StickIO *io, const char *dir, const char *hall,
                     json_t **report, EwErr *err)
{
    json_t *r = json_pack("{s:[],s:[]}", "provisioned", "refused");
    *report = r;
    if (!code_hall_valid(hall))
        return ew_err(err, EW_EINPUT, "--hall '%s' is not a hall code like H07", hall ? hall : "");
    unsigned char town_sk[crypto_sign_SECRETKEYBYTES], town_pk[crypto_sign_PUBLICKEYBYTES];
    int rc = device_town_sk(db, town_sk, err);
    if (rc)
        return rc;
    crypto_sign_ed25519_sk_to_pk(town_pk, town_sk);
    char *edir = path2(dir, "echowall");
    StickEntry *ents = NULL;
    size_t n = 0;
    int lr = io->list(io, edir, &ents, &n);
    if (lr < 0 && lr != -ENOENT) {
        rc = ew_err(err, EW_EIO, "cannot read %s: %s", edir, stickio_strerror(lr));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const char *nm = ents[i].name;
        size_t len = strlen(nm);
        if (len != 8 + 32 + 4 || strncmp(nm, "request-", 8) != 0 || strcmp(nm + 40, ".req") != 0)
            continue;
        EwErr e = {0};
        int one = EW_OK;
        if (ents[i].type != STICK_REG)
            one = ew_err(&e, EW_ECORRUPT, "not a regular file");
        if (one == EW_OK)
            one = db_begin(db, &e);
        if (one == EW_OK)
            one = provision_one(db, io, edir, nm, hall, town_sk, town_pk, r, &e);
        if (one == EW_OK)
            one = db_commit(db, &e);
        if (one) {
            db_rollback(db);
            json_array_append_new(json_object_get(r, "refused"),
                                  json_pack("{s:s,s:s}", "file", nm, "reason", e.msg));
            if (one == EW_EIO) {
                rc = ew_err(err, EW_EIO, "%s", e.msg);
                goto out;
            }
        }
    }
    if (json_array_size(json_object_get(r, "provisioned")) == 0 &&
        json_array_size(json_object_get(r, "refused")) == 0) {
        rc = ew_err(err, EW_ENOTFOUND, "no enrolment request on the stick (run `echowallctl "
                                       "enroll DIR` on the kiosk first)");
        goto out;
    }
    /* The office's bundle carries the roster to the new kiosk. */
    json_t *sr = NULL;
    rc = sync_stick(db, io, dir, &sr, err);
    json_object_set_new(r, "sync", sr ? sr : json_null());
out:
    free(ents);
    free(edir);
    sodium_memzero(town_sk, sizeof town_sk);
    return rc;
}

int enroll_revoke(sqlite3 *db, Author *self, const char *device, int64_t after_seq,
                  char hex_out[33], EwErr *err)
{
    size_t n = device ? strlen(device) : 0;
    if (n < 6 || n > 32 || strspn(device, "0123456789abcdef") != n)
        return ew_err(err, EW_EINPUT, "device '%s' must be a device id in hex (at least its first "
                                      "6 characters; see `echowallctl devices`)",
                      device ? device : "");
    if (strcmp(self->role, "office") != 0)
        return ew_err(err, EW_EDENIED, "only the office revokes devices");
    char pattern[40];
    snprintf(pattern, sizeof pattern, "%s*", device);
    sqlite3_stmt *st = db_prep(db, err, "SELECT lower(hex(device)) FROM devices WHERE "
                                        "lower(hex(device)) GLOB ?",
                               "t", pattern);
    if (!st)
        return EW_EDB;
    int found = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (found++ == 0)
            snprintf(hex_out, 33, "%s", sqlite3_column_text(st, 0));
    }
    db_done(st);
    if (found == 0)
        return ew_err(err, EW_ENOTFOUND, "no device %s", device);
    if (found > 1)
        return ew_err(err, EW_EAMBIG, "device '%s' matches %d devices: give more of its id",
                      device, found);
    unsigned char dev[EW_DEVICE_LEN];
    ew_unhex(hex_out, dev, sizeof dev);
    if (memcmp(dev, self->id, sizeof dev) == 0)
        return ew_err(err, EW_EDENIED, "the office cannot revoke itself");
    if (after_seq < 0)
        db_int(db, NULL, &after_seq, 0, "SELECT max(seq) FROM records WHERE device=?", "b", dev,
               sizeof dev);
    json_t *body = json_pack("{s:s,s:I}", "device", hex_out, "after_seq", (json_int_t)after_seq);
    int rc = device_author(db, self, 0, "device.revoke", body, err);
    json_decref(body);
    return rc;
}
