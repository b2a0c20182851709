/*
 * sync.c: bundles and manifests on USB sticks (see sync.h).
 *
 * Files in STICK/echowall/:
 *   <device-hex>-<n>.manifest     signed JSON, at most 64 KiB, written last
 *   <device-hex>-<hash16>.bundle  SQLite file the manifest names
 * A manifest holds: format, reader (the lowest version that can read it),
 * device, the writer's certificate, bundle (file name), length, hash
 * (BLAKE2b-256 hex), vv (the writer's version vector: device hex ->
 * [highest seq it holds, hex hash of that record] — the hash tells which
 * branch it holds when a device forked), hlc (the writer's clock), wall (its
 * wall clock, ms), and sig: the writer's Ed25519 signature over the
 * canonical JSON of all the rest. A bundle has exactly the tables certs,
 * records, blobs and vv.
 */
#include "sync.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "fold.h"
#include "synclock.h"

static const char BUNDLE_SCHEMA[] =
    "CREATE TABLE certs(device BLOB PRIMARY KEY, cert BLOB NOT NULL);"
    "CREATE TABLE records(device BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
    " kind TEXT NOT NULL, body BLOB NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL,"
    " sig BLOB NOT NULL, PRIMARY KEY (device, seq));"
    "CREATE TABLE blobs(hash BLOB PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE vv(device BLOB PRIMARY KEY, seq INTEGER NOT NULL);";

/* Which known kinds each role may write (SYNC.md's table; own-branch and
 * state rules are the fold's). A kind in neither list is unknown to this
 * version: kept and relayed, applied after an upgrade. */
static const char *const OFFICE_KINDS[] = {
    "roster.branch", "roster.person", "roster.unit", "config.set", "device.revoke",
    "staff.pin_reset", "appeal.redact", "meeting.void", "appeal.new", "appeal.progress",
    "appeal.publish", "appeal.grade", "appeal.assign", "appeal.escalate", "appeal.reopen",
    "appeal.solve", "appeal.rate", NULL};
static const char *const HALL_KINDS[] = {"appeal.new",   "appeal.progress", "appeal.publish",
                                         "appeal.grade", "appeal.solve",    "appeal.rate",
                                         "meeting.open", "meeting.close",   NULL};

static int in_list(const char *const *list, const char *kind)
{
    for (; *list; list++)
        if (strcmp(*list, kind) == 0)
            return 1;
    return 0;
}

static int kind_allowed(const char *role, const char *kind)
{
    int known = in_list(OFFICE_KINDS, kind) || in_list(HALL_KINDS, kind);
    if (!known)
        return 1;
    return in_list(strcmp(role, "office") == 0 ? OFFICE_KINDS : HALL_KINDS, kind);
}

/* ---- small helpers ---- */

static char *join(const char *a, const char *b) { return ew_xasprintf("%s/%s", a, b); }

static void report_add(json_t *report, const char *key, json_t *item)
{
    json_t *arr = json_object_get(report, key);
    if (!arr) {
        arr = json_array();
        json_object_set_new(report, key, arr);
    }
    json_array_append_new(arr, item);
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* Parses "<32 hex>-<digits>.manifest"; 0 with the device hex and n. */
static int manifest_name(const char *name, char dev[33], uint64_t *n)
{
    size_t len = strlen(name);
    if (len < 32 + 2 + 9 || len > 32 + 1 + 18 + 9 || !is_hex(name, 32) || name[32] != '-' ||
        strcmp(name + len - 9, ".manifest") != 0)
        return -1;
    uint64_t v = 0;
    for (size_t i = 33; i < len - 9; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(name[i] - '0');
    }
    memcpy(dev, name, 32);
    dev[32] = '\0';
    *n = v;
    return 0;
}

/* True for "<32 hex>-<16 hex>.bundle". */
static int bundle_name_ok(const char *name, const char *dev)
{
    return strlen(name) == 32 + 1 + 16 + 7 && strncmp(name, dev, 32) == 0 && name[32] == '-' &&
           is_hex(name + 33, 16) && strcmp(name + 49, ".bundle") == 0;
}

/* A local temporary path beside the database (the SD card, not the stick). */
static char *local_temp(sqlite3 *db, const char *what)
{
    const char *path = sqlite3_db_filename(db, "main");
    unsigned char r[6];
    char hex[13];
    randombytes_buf(r, sizeof r);
    ew_hex(r, sizeof r, hex);
    return ew_xasprintf("%s.%s-%s", path && *path ? path : "/tmp/echowall", what, hex);
}

static void unlink_local(const char *path)
{
    char *wal = ew_xasprintf("%s-wal", path), *shm = ew_xasprintf("%s-shm", path),
         *jnl = ew_xasprintf("%s-journal", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    unlink(jnl);
    free(wal);
    free(shm);
    free(jnl);
}

static int io_fail(EwErr *err, int neg, const char *what, const char *name)
{
    return ew_err(err, EW_EIO, "%s %s: %s", what, name, stickio_strerror(neg));
}

void sync_hash_file(FILE *f, unsigned char hash[32], uint64_t *len)
{
    crypto_generichash_state hs;
    unsigned char buf[65536];
    size_t n;
    *len = 0;
    crypto_generichash_init(&hs, NULL, 0, 32);
    rewind(f);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        crypto_generichash_update(&hs, buf, n);
        *len += n;
    }
    crypto_generichash_final(&hs, hash, 32);
}

/* ---- reading a bundle (after the manifest vouched for its bytes) ---- */

/* The exact schema a bundle must have, read back from a fresh one. */
static char *schema_of(sqlite3 *db)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT type, name, tbl_name, coalesce(sql,'') FROM sqlite_schema "
                           "ORDER BY type, name",
                           -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            fprintf(f, "%s|%s|%s|%s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                    sqlite3_column_text(st, 2), sqlite3_column_text(st, 3));
    else
        fputs("unreadable", f);
    sqlite3_finalize(st);
    fclose(f);
    return out;
}

static char *expected_schema(void)
{
    sqlite3 *mem;
    sqlite3_open(":memory:", &mem);
    sqlite3_exec(mem, BUNDLE_SCHEMA, NULL, NULL, NULL);
    char *s = schema_of(mem);
    sqlite3_close(mem);
    return s;
}

static int open_bundle(const char *path, sqlite3 **out, EwErr *err)
{
    sqlite3 *b = NULL;
    *out = NULL;
    if (sqlite3_open_v2(path, &b, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        sqlite3_close(b);
        return ew_err(err, EW_ECORRUPT, "the bundle is not an SQLite database");
    }
    sqlite3_db_config(b, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(b, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(b, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_db_config(b, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
    sqlite3_limit(b, SQLITE_LIMIT_LENGTH, 16 * 1024 * 1024);
    char *want = expected_schema(), *got = NULL;
    int rc = EW_OK;
    /* Opening is lazy: reading the schema is what finds a file that is not
     * a database at all. */
    if (sqlite3_exec(b, "PRAGMA query_only=1; SELECT count(*) FROM sqlite_schema", NULL, NULL,
                     NULL) != SQLITE_OK) {
        rc = ew_err(err, EW_ECORRUPT, "the bundle is not an SQLite database");
    } else {
        got = schema_of(b);
        if (strcmp(got, want) != 0)
            rc = ew_err(err, EW_ECORRUPT, "the bundle's tables are not the expected ones");
    }
    if (rc == EW_OK) {
        sqlite3_stmt *st = NULL;
        int ok = sqlite3_prepare_v2(b, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
                 sqlite3_step(st) == SQLITE_ROW &&
                 strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
        sqlite3_finalize(st);
        if (!ok)
            rc = ew_err(err, EW_ECORRUPT, "the bundle's database is damaged");
    }
    free(want);
    free(got);
    if (rc)
        sqlite3_close(b);
    else
        *out = b;
    return rc;
}

/* Counters of one bundle's import. */
typedef struct Tally {
    int added, duplicates, waiting, skipped, forks, blobs;
    int moved_branch; /* a held branch lost a fork: the fold must rebuild */
} Tally;

static void skip(json_t *report, const char *file, const Record *r, const char *why, Tally *t)
{
    char dev[33];
    device_hex(r->device, dev);
    report_add(report, "skipped",
               json_pack("{s:s,s:s,s:I,s:s,s:s}", "file", file, "device", dev, "seq",
                         (json_int_t)r->seq, "kind", r->kind, "reason", why));
    t->skipped++;
}

/* Well-formed columns: the right lengths and types. */
static int record_shape_ok(sqlite3_stmt *st)
{
    int kind_len = sqlite3_column_bytes(st, 3);
    return sqlite3_column_type(st, 0) == SQLITE_BLOB &&
           sqlite3_column_bytes(st, 0) == EW_DEVICE_LEN &&
           sqlite3_column_type(st, 1) == SQLITE_INTEGER && sqlite3_column_int64(st, 1) > 0 &&
           sqlite3_column_type(st, 2) == SQLITE_INTEGER && sqlite3_column_int64(st, 2) >= 0 &&
           sqlite3_column_type(st, 3) == SQLITE_TEXT && kind_len > 0 && kind_len <= EW_KIND_MAX &&
           sqlite3_column_type(st, 4) == SQLITE_BLOB && sqlite3_column_bytes(st, 4) <= 65536 &&
           sqlite3_column_bytes(st, 5) == EW_HASH_LEN &&
           sqlite3_column_bytes(st, 6) == EW_HASH_LEN && sqlite3_column_bytes(st, 7) == EW_SIG_LEN;
}

static int insert_into(sqlite3 *db, const char *table, const Record *r, EwErr *err)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT OR IGNORE INTO %s(device,seq,hlc,kind,body,prev,hash,sig%s) "
             "VALUES(?,?,?,?,?,?,?,?%s)",
             table, strcmp(table, "forks") == 0 ? ",found" : "",
             strcmp(table, "forks") == 0 ? ",?" : "");
    return db_run(db, err, sql, strcmp(table, "forks") == 0 ? "biitbbbbi" : "biitbbbb", r->device,
                  (size_t)EW_DEVICE_LEN, r->seq, r->hlc, r->kind, r->body, r->body_len, r->prev,
                  (size_t)EW_HASH_LEN, r->hash, (size_t)EW_HASH_LEN, r->sig, (size_t)EW_SIG_LEN,
                  clock_now_ms());
}

/* The hash of a record held in `table` at (device, seq); 0 when found. */
static int held_hash(sqlite3 *db, const char *table, const unsigned char *device, int64_t seq,
                     unsigned char out[EW_HASH_LEN])
{
    char sql[120];
    snprintf(sql, sizeof sql, "SELECT hash FROM %s WHERE device=? AND seq=?", table);
    sqlite3_stmt *st = db_prep(db, NULL, sql, "bi", device, (size_t)EW_DEVICE_LEN, seq);
    int found = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == EW_HASH_LEN) {
        memcpy(out, sqlite3_column_blob(st, 0), EW_HASH_LEN);
        found = 0;
    }
    db_done(st);
    return found;
}

/* A fork: two different records with the same (device, seq). Every device
 * keeps the branch whose record at the fork has the lower hash and moves the
 * other branch (that record and all the device's later ones) to forks. */
static int fork_resolve(sqlite3 *db, const Record *r, const unsigned char held[EW_HASH_LEN],
                        const char *file, json_t *report, Tally *t, int *insert, EwErr *err)
{
    char dev[33], hh[65], nh[65];
    device_hex(r->device, dev);
    ew_hex(held, EW_HASH_LEN, hh);
    ew_hex(r->hash, EW_HASH_LEN, nh);
    report_add(report, "forks",
               json_pack("{s:s,s:s,s:I,s:s,s:s,s:s}", "file", file, "device", dev, "seq",
                         (json_int_t)r->seq, "held", hh, "arrived", nh, "kept",
                         memcmp(r->hash, held, EW_HASH_LEN) < 0 ? nh : hh));
    t->forks++;
    *insert = 0;
    if (memcmp(r->hash, held, EW_HASH_LEN) > 0)
        return insert_into(db, "forks", r, err); /* the held branch wins */
    int rc = db_run(db, err,
                    "INSERT OR IGNORE INTO forks(device,seq,hlc,kind,body,prev,hash,sig,found) "
                    "SELECT device,seq,hlc,kind,body,prev,hash,sig,? FROM records "
                    "WHERE device=? AND seq>=?",
                    "ibi", clock_now_ms(), r->device, (size_t)EW_DEVICE_LEN, r->seq);
    if (rc == EW_OK)
        rc = db_run(db, err, "DELETE FROM records WHERE device=? AND seq>=?", "bi", r->device,
                    (size_t)EW_DEVICE_LEN, r->seq);
    t->moved_branch = 1;
    *insert = 1;
    return rc;
}

/* A record that joined the log may carry on a branch that was quarantined
 * before (its successors arrived while another branch was held): move that
 * branch's next records from forks into the log, in order. */
static int promote(sqlite3 *db, const Record *r, Tally *t, EwErr *err)
{
    unsigned char prev[EW_HASH_LEN];
    memcpy(prev, r->hash, EW_HASH_LEN);
    int rc = EW_OK;
    for (int64_t seq = r->seq + 1; rc == EW_OK; seq++) {
        unsigned char hash[EW_HASH_LEN];
        sqlite3_stmt *st = db_prep(db, err,
                                   "SELECT hash FROM forks WHERE device=? AND seq=? AND prev=? "
                                   "ORDER BY hash LIMIT 1",
                                   "bib", r->device, (size_t)EW_DEVICE_LEN, seq, prev,
                                   (size_t)EW_HASH_LEN);
        if (!st)
            return EW_EDB;
        int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == EW_HASH_LEN;
        if (found)
            memcpy(hash, sqlite3_column_blob(st, 0), EW_HASH_LEN);
        db_done(st);
        if (!found || held_hash(db, "records", r->device, seq, prev) == 0)
            break; /* nothing more, or the log already goes on another way */
        rc = db_run(db, err,
                    "INSERT INTO records(device,seq,hlc,kind,body,prev,hash,sig) SELECT device,"
                    "seq,hlc,kind,body,prev,hash,sig FROM forks WHERE device=? AND seq=? AND "
                    "hash=?",
                    "bib", r->device, (size_t)EW_DEVICE_LEN, seq, hash, (size_t)EW_HASH_LEN);
        if (rc == EW_OK)
            rc = db_run(db, err, "DELETE FROM forks WHERE device=? AND seq=? AND hash=?", "bib",
                        r->device, (size_t)EW_DEVICE_LEN, seq, hash, (size_t)EW_HASH_LEN);
        memcpy(prev, hash, EW_HASH_LEN);
        t->added++;
    }
    return rc;
}

/* Checks one record from a bundle and files it: records, waiting, forks or
 * skipped. */
static int take_record(sqlite3 *db, const Record *r, const char *file, json_t *report, Tally *t,
                       EwErr *err)
{
    unsigned char held[EW_HASH_LEN];
    int insert = 1, rc = EW_OK;
    if (held_hash(db, "records", r->device, r->seq, held) == 0) {
        if (memcmp(held, r->hash, EW_HASH_LEN) == 0) {
            t->duplicates++;
            return EW_OK;
        }
    }
    /* Author, role, signature. */
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char role[8] = "";
    sqlite3_stmt *st = db_prep(db, err, "SELECT pk, role FROM devices WHERE device=?", "b",
                               r->device, (size_t)EW_DEVICE_LEN);
    if (!st)
        return EW_EDB;
    int known = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == sizeof pk;
    if (known) {
        memcpy(pk, sqlite3_column_blob(st, 0), sizeof pk);
        snprintf(role, sizeof role, "%s", sqlite3_column_text(st, 1));
    }
    db_done(st);
    if (!known) {
        skip(report, file, r, "unknown author (no certificate from this town)", t);
        return EW_OK;
    }
    if (!kind_allowed(role, r->kind)) {
        skip(report, file, r, "a kind its author's role may not write", t);
        return EW_OK;
    }
    if (record_verify(r, pk) != 0) {
        skip(report, file, r, "bad signature or hash", t);
        return EW_OK;
    }
    int64_t revoked_after = -1;
    db_int(db, NULL, &revoked_after, -1,
           "SELECT after_seq FROM revoked WHERE device=?", "b", r->device, (size_t)EW_DEVICE_LEN);
    if (revoked_after >= 0 && r->seq > revoked_after) {
        skip(report, file, r, "its device was revoked", t);
        return EW_OK;
    }
    /* Quarantined or not, the same rules decide again where it belongs:
     * a branch quarantined earlier may since have become the kept one. */
    if (held_hash(db, "records", r->device, r->seq, held) == 0) {
        int64_t known_fork = 0;
        db_int(db, NULL, &known_fork, 0,
               "SELECT count(*) FROM forks WHERE device=? AND seq=? AND hash=?", "bib", r->device,
               (size_t)EW_DEVICE_LEN, r->seq, r->hash, (size_t)EW_HASH_LEN);
        if (known_fork && memcmp(r->hash, held, EW_HASH_LEN) > 0) {
            t->duplicates++; /* already quarantined, and the held branch still wins */
            return EW_OK;
        }
        rc = fork_resolve(db, r, held, file, report, t, &insert, err);
        if (rc || !insert)
            return rc;
    }
    /* The chain: seq 1 starts from zeros; later ones from what we hold. */
    unsigned char pred[EW_HASH_LEN];
    static const unsigned char zeros[EW_HASH_LEN];
    if (r->seq == 1) {
        if (memcmp(r->prev, zeros, EW_HASH_LEN) != 0) {
            skip(report, file, r, "broken hash chain", t);
            return EW_OK;
        }
    } else if (held_hash(db, "records", r->device, r->seq - 1, pred) != 0) {
        t->waiting++;
        return insert_into(db, "waiting", r, err);
    } else if (memcmp(pred, r->prev, EW_HASH_LEN) != 0) {
        int64_t in_fork = 0;
        db_int(db, NULL, &in_fork, 0,
               "SELECT count(*) FROM forks WHERE device=? AND seq=? AND hash=?", "bib", r->device,
               (size_t)EW_DEVICE_LEN, r->seq - 1, r->prev, (size_t)EW_HASH_LEN);
        if (in_fork) {
            t->forks++;
            return insert_into(db, "forks", r, err); /* the rest of a quarantined branch */
        }
        skip(report, file, r, "broken hash chain", t);
        return EW_OK;
    }
    rc = insert_into(db, "records", r, err);
    if (rc == EW_OK)
        t->added++;
    if (rc == EW_OK)
        rc = db_run(db, err, "DELETE FROM forks WHERE device=? AND seq=? AND hash=?", "bib",
                    r->device, (size_t)EW_DEVICE_LEN, r->seq, r->hash, (size_t)EW_HASH_LEN);
    if (rc == EW_OK)
        rc = promote(db, r, t, err);
    return rc;
}

/* Moves waiting records whose predecessor has arrived into the log. */
static int drain_waiting(sqlite3 *db, json_t *report, Tally *t, EwErr *err)
{
    for (int progress = 1; progress;) {
        progress = 0;
        sqlite3_stmt *st = db_prep(db, err,
                                   "SELECT w.device,w.seq,w.hlc,w.kind,w.body,w.prev,w.hash,w.sig "
                                   "FROM waiting w JOIN records r ON r.device=w.device AND "
                                   "r.seq=w.seq-1 ORDER BY w.device, w.seq",
                                   NULL);
        if (!st)
            return EW_EDB;
        Record batch[64];
        int n = 0;
        while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
            record_from_row(st, &batch[n++]);
        db_done(st);
        int rc = EW_OK;
        for (int i = 0; i < n; i++) {
            if (rc == EW_OK)
                rc = db_run(db, err, "DELETE FROM waiting WHERE device=? AND seq=?", "bi",
                            batch[i].device, (size_t)EW_DEVICE_LEN, batch[i].seq);
            if (rc == EW_OK) {
                int before = t->added;
                t->waiting--;
                rc = take_record(db, &batch[i], "waiting", report, t, err);
                progress |= t->added > before;
            }
            free(batch[i].body);
        }
        if (rc)
            return rc;
        progress |= n == 64;
    }
    return EW_OK;
}

/* Keeps this device's counter on the chain the log holds: when our own
 * records come back above our counter (an old backup was restored), or when
 * our branch lost a fork (a cloned card) and went to forks, the next record
 * follows the last one of ours that the log holds. */
static int catch_up_self(sqlite3 *db, EwErr *err)
{
    Author self;
    int rc = device_load_self(db, &self, err);
    if (rc)
        return rc;
    int64_t top = 0;
    db_int(db, NULL, &top, 0, "SELECT max(seq) FROM records WHERE device=?", "b", self.id,
           (size_t)EW_DEVICE_LEN);
    unsigned char h[EW_HASH_LEN], last[EW_HASH_LEN];
    static const unsigned char zeros[EW_HASH_LEN];
    int ours_held = self.next_seq == 1
                        ? memcmp(self.prev, zeros, EW_HASH_LEN) == 0
                        : held_hash(db, "records", self.id, self.next_seq - 1, last) == 0 &&
                              memcmp(last, self.prev, EW_HASH_LEN) == 0;
    /* Our last record missing altogether (neither in the log nor among the
     * quarantined forks): a database repair lost it. Going back to the top
     * we hold would write a second record at a seq the office may hold, a
     * fork; the counter stays, and writes wait until the gap is filled
     * (device_own_gap). */
    int64_t gap_from, gap_to;
    int gap = device_own_gap(db, &gap_from, &gap_to);
    if (top >= self.next_seq || (!ours_held && !gap)) {
        if (top == 0)
            memset(h, 0, sizeof h);
        if (top == 0 || held_hash(db, "records", self.id, top, h) == 0)
            rc = db_run(db, err, "UPDATE device_self SET next_seq=?, prev=?", "ib", top + 1, h,
                        (size_t)EW_HASH_LEN);
    }
    sodium_memzero(&self, sizeof self);
    return rc;
}

static int import_bundle(sqlite3 *db, sqlite3 *b, const char *file, const CertFacts *writer,
                         json_t *vv, json_t *report, Tally *t, EwErr *err)
{
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
    if (device_town_pk(db, town_pk) != 0)
        return ew_err(err, EW_ESTATE, "this device does not know the town's key");
    int rc = db_exec(db, err, "SAVEPOINT bundle");
    if (rc)
        return rc;
    /* Certificates first: they say who may write. */
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(b, "SELECT device, cert FROM certs ORDER BY device", -1, &st, NULL);
    while (rc == EW_OK && st && sqlite3_step(st) == SQLITE_ROW) {
        CertFacts f;
        EwErr e = {0};
        const void *bytes = sqlite3_column_blob(st, 1);
        int n = sqlite3_column_bytes(st, 1);
        if (cert_check(bytes ? bytes : "", (size_t)n, town_pk, &f, &e) != EW_OK ||
            sqlite3_column_bytes(st, 0) != EW_DEVICE_LEN ||
            memcmp(f.device, sqlite3_column_blob(st, 0), EW_DEVICE_LEN) != 0) {
            report_add(report, "skipped",
                       json_pack("{s:s,s:s}", "file", file, "reason",
                                 "a device certificate that this town's key did not sign"));
            t->skipped++;
            continue;
        }
        unsigned char pk[crypto_sign_PUBLICKEYBYTES];
        char slot[2] = {f.slot, 0};
        int64_t same = 0, exists = 0;
        db_int(db, NULL, &exists, 0, "SELECT count(*) FROM devices WHERE device=?", "b", f.device,
               (size_t)EW_DEVICE_LEN);
        memcpy(pk, f.pk, sizeof pk);
        db_int(db, NULL, &same, 0, "SELECT count(*) FROM devices WHERE device=? AND pk=?", "bb",
               f.device, (size_t)EW_DEVICE_LEN, pk, sizeof pk);
        if (exists && !same) {
            report_add(report, "skipped",
                       json_pack("{s:s,s:s}", "file", file, "reason",
                                 "a certificate for a known device with another key"));
            t->skipped++;
            continue;
        }
        rc = db_run(db, err,
                    "INSERT INTO devices(device,pk,role,hall,slot,cert) VALUES(?,?,?,?,?,?) "
                    "ON CONFLICT(device) DO UPDATE SET cert=excluded.cert, role=excluded.role, "
                    "hall=excluded.hall, slot=excluded.slot",
                    "bbtttb", f.device, (size_t)EW_DEVICE_LEN, pk, sizeof pk, f.role,
                    f.hall[0] ? f.hall : NULL, slot, bytes, (size_t)n);
    }
    sqlite3_finalize(st);
    /* Records, in each device's order so chains can be checked. */
    st = NULL;
    sqlite3_prepare_v2(b,
                       "SELECT device,seq,hlc,kind,body,prev,hash,sig FROM records "
                       "ORDER BY device, seq",
                       -1, &st, NULL);
    while (rc == EW_OK && st && sqlite3_step(st) == SQLITE_ROW) {
        Record r;
        record_from_row(st, &r);
        if (!record_shape_ok(st))
            skip(report, file, &r, "malformed record", t);
        else
            rc = take_record(db, &r, file, report, t, err);
        free(r.body);
    }
    sqlite3_finalize(st);
    if (rc == EW_OK)
        rc = drain_waiting(db, report, t, err);
    /* Blobs, checked against their names. */
    st = NULL;
    sqlite3_prepare_v2(b, "SELECT hash, data FROM blobs", -1, &st, NULL);
    while (rc == EW_OK && st && sqlite3_step(st) == SQLITE_ROW) {
        const void *data = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        unsigned char h[32];
        crypto_generichash(h, sizeof h, data ? data : "", n, NULL, 0);
        if (sqlite3_column_bytes(st, 0) != 32 || memcmp(h, sqlite3_column_blob(st, 0), 32) != 0) {
            report_add(report, "skipped",
                       json_pack("{s:s,s:s}", "file", file, "reason",
                                 "a text whose contents do not match its hash"));
            t->skipped++;
            continue;
        }
        char hex[65];
        int64_t purged = 0;
        ew_hex(h, sizeof h, hex);
        db_int(db, NULL, &purged, 0, "SELECT count(*) FROM purged WHERE hash=?", "t", hex);
        if (purged)
            continue; /* the office redacted this text: it stays gone */
        rc = blob_put(db, data, n, hex, err);
        t->blobs++;
    }
    sqlite3_finalize(st);
    /* What the writer holds (each device's highest seq and the hash there,
     * which tells the branch), for choosing what to send it later. */
    const char *key;
    json_t *v;
    if (rc == EW_OK)
        rc = db_run(db, err, "DELETE FROM peer_vv WHERE peer=?", "b", writer->device,
                    (size_t)EW_DEVICE_LEN);
    json_object_foreach(vv, key, v) {
        unsigned char dev[EW_DEVICE_LEN], head[EW_HASH_LEN];
        json_t *seq = json_array_get(v, 0);
        if (rc == EW_OK && ew_unhex(key, dev, sizeof dev) == 0 && json_is_integer(seq) &&
            ew_unhex(json_string_value(json_array_get(v, 1)), head, sizeof head) == 0)
            rc = db_run(db, err, "INSERT INTO peer_vv(peer,device,seq,head) VALUES(?,?,?,?)",
                        "bbib", writer->device, (size_t)EW_DEVICE_LEN, dev, sizeof dev,
                        (int64_t)json_integer_value(seq), head, sizeof head);
    }
    if (rc == EW_OK)
        rc = catch_up_self(db, err);
    /* Folding waits until every bundle on the stick is in (one fold, not
     * one per bundle: a late record makes the fold start over). A branch
     * that left the log forces a rebuild, remembered in fold_state so that
     * a crash before it still rebuilds when the database is next opened. */
    if (rc == EW_OK && t->moved_branch)
        rc = db_run(db, err, "UPDATE fold_state SET version=0", NULL);
    if (rc == EW_OK)
        rc = db_exec(db, err, "RELEASE bundle");
    else
        db_exec(db, NULL, "ROLLBACK TO bundle; RELEASE bundle");
    return rc;
}

/* Checks a manifest's bytes: JSON, format, certificate, signature. Fills
 * the writer's facts and returns the parsed manifest (caller decrefs). */
static json_t *check_manifest(sqlite3 *db, const char *name, const unsigned char *bytes,
                              size_t len, CertFacts *writer, EwErr *err)
{
    char dev[33];
    uint64_t n;
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    if (manifest_name(name, dev, &n) != 0) {
        ew_err(err, EW_ECORRUPT, "not a manifest's name");
        return NULL;
    }
    if (device_town_pk(db, town_pk) != 0) {
        ew_err(err, EW_ESTATE, "this device does not know the town's key (enrol it first)");
        return NULL;
    }
    json_t *m = len <= SYNC_MANIFEST_MAX ? json_loadb((const char *)bytes, len,
                                                      JSON_REJECT_DUPLICATES, NULL)
                                         : NULL;
    json_t *format = json_object_get(m, "format"), *reader = json_object_get(m, "reader");
    const char *sighex = json_string_value(json_object_get(m, "sig"));
    if (!json_is_object(m) || !json_is_integer(format) || !json_is_integer(reader) || !sighex) {
        json_decref(m);
        ew_err(err, EW_ECORRUPT, "the manifest is damaged or not a manifest");
        return NULL;
    }
    if (json_integer_value(reader) > SYNC_FORMAT) {
        json_decref(m);
        ew_err(err, EW_ECORRUPT, "written by a newer echowall (format %" JSON_INTEGER_FORMAT
                                 "): update this device",
               json_integer_value(reader));
        return NULL;
    }
    if (cert_check_json(json_object_get(m, "cert"), town_pk, writer, err) != EW_OK) {
        json_decref(m);
        return NULL;
    }
    char wdev[33];
    device_hex(writer->device, wdev);
    const char *mdev = json_string_value(json_object_get(m, "device"));
    json_t *copy = json_deep_copy(m);
    json_object_del(copy, "sig");
    unsigned char *signed_bytes;
    size_t slen;
    int bad = !mdev || strcmp(mdev, wdev) != 0 || strcmp(dev, wdev) != 0 ||
              ew_unhex(sighex, sig, sizeof sig) != 0 ||
              record_canonical(copy, &signed_bytes, &slen) != EW_OK;
    json_decref(copy);
    if (!bad) {
        bad = crypto_sign_verify_detached(sig, signed_bytes, slen, writer->pk) != 0;
        free(signed_bytes);
    }
    if (bad) {
        json_decref(m);
        ew_err(err, EW_ECORRUPT, "the manifest's signature does not verify");
        return NULL;
    }
    const char *bundle = json_string_value(json_object_get(m, "bundle"));
    json_t *length = json_object_get(m, "length");
    unsigned char h[32];
    if (!bundle || !bundle_name_ok(bundle, wdev) || !json_is_integer(length) ||
        json_integer_value(length) < 0 || (uint64_t)json_integer_value(length) > SYNC_BUNDLE_MAX ||
        ew_unhex(json_string_value(json_object_get(m, "hash")), h, sizeof h) != 0 ||
        !json_is_object(json_object_get(m, "vv"))) {
        json_decref(m);
        ew_err(err, EW_ECORRUPT, "the manifest is damaged or not a manifest");
        return NULL;
    }
    return m;
}

/* Imports a checked manifest's bundle from a local copy whose length and
 * hash are given. */
static int import_checked(sqlite3 *db, json_t *m, const CertFacts *writer, const char *file,
                          const char *local, uint64_t len, const unsigned char hash[32],
                          json_t *report, EwErr *err)
{
    unsigned char want[32];
    ew_unhex(json_string_value(json_object_get(m, "hash")), want, sizeof want);
    if (len != (uint64_t)json_integer_value(json_object_get(m, "length")))
        return ew_err(err, EW_ECORRUPT, "the bundle is cut short or too long");
    if (sodium_memcmp(want, hash, 32) != 0)
        return ew_err(err, EW_ECORRUPT, "the bundle's contents do not match its manifest");
    sqlite3 *b;
    int rc = open_bundle(local, &b, err);
    if (rc)
        return rc;
    Tally t = {0};
    rc = import_bundle(db, b, file, writer, json_object_get(m, "vv"), report, &t, err);
    sqlite3_close(b);
    /* The newest manifest seen of each writer: a hall sends what the office
     * that wrote last (by the office's own clock) does not hold, so a
     * restored office gets resent what its backup lacked. */
    json_t *wall = json_object_get(m, "wall");
    if (rc == EW_OK)
        rc = db_run(db, err,
                    "INSERT INTO peers(peer, role, wall) VALUES(?,?,?) ON CONFLICT(peer) "
                    "DO UPDATE SET wall=max(wall, excluded.wall)",
                    "bti", writer->device, (size_t)EW_DEVICE_LEN, writer->role,
                    (int64_t)(json_is_integer(wall) ? json_integer_value(wall) : 0));
    if (rc == EW_OK) {
        char dev[33];
        device_hex(writer->device, dev);
        report_add(report, "imported",
                   json_pack("{s:s,s:s,s:s,s:s?,s:i,s:i,s:i,s:i,s:i}", "file", file, "device",
                             dev, "role", writer->role, "hall",
                             writer->hall[0] ? writer->hall : NULL, "records", t.added,
                             "duplicates", t.duplicates, "waiting", t.waiting, "skipped",
                             t.skipped, "forks", t.forks));
        if (strcmp(writer->role, "office") == 0)
            json_object_set_new(report, "office_seen", json_true());
        char *role = NULL;
        db_text(db, NULL, &role, "SELECT role FROM device_self", NULL);
        if (strcmp(writer->role, "office") == 0 && role && strcmp(role, "hall") == 0)
            rc = synclock_adopt(db, json_object_get(m, "office_time"), report, err);
        free(role);
    }
    return rc;
}

int sync_import_files(sqlite3 *db, const char *manifest_name_, const unsigned char *manifest,
                      size_t manifest_len, const char *bundle_path, json_t *report, EwErr *err)
{
    CertFacts writer;
    json_t *m = check_manifest(db, manifest_name_, manifest, manifest_len, &writer, err);
    if (!m)
        return err ? err->code : EW_ECORRUPT;
    uint64_t len = 0;
    unsigned char hash[32];
    FILE *f = fopen(bundle_path, "rb");
    if (!f) {
        json_decref(m);
        return ew_err(err, EW_EIO, "cannot read %s", bundle_path);
    }
    sync_hash_file(f, hash, &len);
    fclose(f);
    int rc = db_begin(db, err);
    if (rc == EW_OK)
        rc = import_checked(db, m, &writer, manifest_name_, bundle_path, len, hash, report, err);
    if (rc == EW_OK)
        rc = fold_settle(db, err);
    if (rc == EW_OK)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    json_decref(m);
    return rc;
}

/* ---- the stick: reading ---- */

typedef struct Found {
    char name[256];
    char dev[33];
    uint64_t n;
} Found;

static int by_device_newest(const void *a, const void *b)
{
    const Found *x = a, *y = b;
    int c = strcmp(x->dev, y->dev);
    if (c)
        return c;
    return x->n > y->n ? -1 : x->n < y->n;
}

static void refuse_file(json_t *report, const char *name, const char *why)
{
    report_add(report, "refused", json_pack("{s:s,s:s}", "file", name, "reason", why));
}

/* Reads one manifest file and its bundle from the stick and imports them. */
static int import_one(sqlite3 *db, StickIO *io, const char *edir, const Found *f,
                      json_t *report, EwErr *err)
{
    char *path = join(edir, f->name);
    unsigned char *bytes = NULL;
    size_t len = 0;
    int rc = io->read_file(io, path, SYNC_MANIFEST_MAX, &bytes, &len);
    free(path);
    if (rc < 0)
        return ew_err(err, rc == -EIO ? EW_EIO : EW_ECORRUPT, "%s",
                      rc == -EFBIG   ? "the manifest is larger than 64 KiB"
                      : rc == -ELOOP ? "not a regular file (a link or a folder)"
                                     : stickio_strerror(rc));
    CertFacts writer;
    json_t *m = check_manifest(db, f->name, bytes, len, &writer, err);
    free(bytes);
    if (!m)
        return err->code;
    const char *bundle = json_string_value(json_object_get(m, "bundle"));
    char *bpath = join(edir, bundle), *local = local_temp(db, "bundle");
    unsigned char hash[32];
    uint64_t blen = 0;
    uint64_t max = (uint64_t)json_integer_value(json_object_get(m, "length"));
    rc = io->copy_out(io, bpath, local, max, hash, &blen);
    if (rc < 0) {
        rc = ew_err(err, rc == -EIO ? EW_EIO : EW_ECORRUPT, "%s %s: %s", "bundle", bundle,
                    rc == -EFBIG   ? "longer than its manifest says"
                    : rc == -ENOENT ? "missing (the stick was pulled while it was written?)"
                    : rc == -ELOOP  ? "not a regular file"
                                    : stickio_strerror(rc));
    } else {
        rc = import_checked(db, m, &writer, f->name, local, blen, hash, report, err);
    }
    unlink_local(local);
    free(local);
    free(bpath);
    json_decref(m);
    return rc;
}

/* Tells the progress callback, when there is one. */
static void progress(const SyncProgress *p, const char *phase, int done, int total)
{
    if (p && p->fn)
        p->fn(p->ctx, phase, done, total);
}

static int import_all(sqlite3 *db, StickIO *io, const char *dir, json_t *report,
                      const SyncProgress *p, EwErr *err);

int sync_import(sqlite3 *db, StickIO *io, const char *dir, json_t *report, EwErr *err)
{
    return import_all(db, io, dir, report, NULL, err);
}

static int import_all(sqlite3 *db, StickIO *io, const char *dir, json_t *report,
                      const SyncProgress *p, EwErr *err)
{
    char *edir = join(dir, "echowall");
    StickEntry *ents = NULL;
    size_t n = 0;
    /* The folder itself must be a folder, not a link to somewhere else. */
    int rc = io->list(io, dir, &ents, &n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (strcmp(ents[i].name, "echowall") == 0 && ents[i].type != STICK_DIR)
            rc = -ELOOP;
    free(ents);
    ents = NULL;
    n = 0;
    if (rc == -ELOOP) {
        refuse_file(report, "echowall", "not a folder (a link or a file): nothing read");
        free(edir);
        return EW_OK;
    }
    rc = io->list(io, edir, &ents, &n);
    if (rc == -ENOENT) {
        free(edir);
        return EW_OK; /* a stick that has never been used */
    }
    if (rc < 0) {
        int out = io_fail(err, rc, "cannot read the folder", edir);
        free(edir);
        return out;
    }
    Found *found = ew_xcalloc(n ? n : 1, sizeof *found);
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        char dev[33];
        uint64_t seq;
        if (manifest_name(ents[i].name, dev, &seq) != 0)
            continue; /* bundles, requests, temp files and strangers */
        if (ents[i].type != STICK_REG) {
            refuse_file(report, ents[i].name, "not a regular file (a link or a folder)");
            continue;
        }
        if (ents[i].size > SYNC_MANIFEST_MAX) {
            refuse_file(report, ents[i].name, "the manifest is larger than 64 KiB");
            continue;
        }
        snprintf(found[nf].name, sizeof found[nf].name, "%s", ents[i].name);
        memcpy(found[nf].dev, dev, sizeof dev);
        found[nf].n = seq;
        nf++;
    }
    free(ents);
    qsort(found, nf, sizeof *found, by_device_newest);
    /* Per device: the newest manifest that is valid counts; a damaged newer
     * one is refused and the next older one is tried. */
    for (size_t i = 0; i < nf; i++) {
        progress(p, "import", (int)i, (int)nf);
        if (i > 0 && strcmp(found[i].dev, found[i - 1].dev) == 0 && found[i - 1].n != UINT64_MAX)
            continue; /* this device's newer manifest was good (or is being skipped) */
        EwErr e = {0};
        rc = db_begin(db, &e);
        if (rc == EW_OK)
            rc = import_one(db, io, edir, &found[i], report, &e);
        if (rc == EW_OK)
            rc = db_commit(db, &e);
        if (rc == EW_OK)
            continue;
        db_rollback(db);
        if (rc == EW_EIO) { /* the stick itself failed: stop, nothing half-read counts */
            ew_err(err, EW_EIO, "%s", e.msg);
            free(found);
            free(edir);
            fold_settle_tx(db, NULL); /* what came in before the stick failed */
            return EW_EIO;
        }
        refuse_file(report, found[i].name, e.msg);
        found[i].n = UINT64_MAX; /* marks the failure: the next older one is tried */
    }
    free(found);
    free(edir);
    progress(p, "fold", (int)nf, (int)nf);
    return fold_settle_tx(db, err);
}

/* ---- the stick: writing ---- */

/* The highest seq of each device that the receivers are known to hold:
 * for a hall, what the office that wrote last holds; for the office, what
 * the least-synced hall holds (a hall never heard from holds nothing). A
 * peer is known to hold a device's records only up to a record whose hash
 * matches ours (it may hold another branch of a fork), and a hall that
 * forked (a cloned card: two kiosks behind one id) is known to hold
 * nothing, since its manifests may come from either copy. */
static int fill_floors(sqlite3 *db, sqlite3 *b, const Author *self, EwErr *err)
{
    const char *sql =
        strcmp(self->role, "hall") == 0
            ? "SELECT v.device, CASE WHEN r.hash=v.head THEN v.seq ELSE 0 END FROM peer_vv v "
              "LEFT JOIN records r ON r.device=v.device AND r.seq=v.seq "
              "WHERE v.peer=(SELECT peer FROM peers WHERE role='office' "
              "ORDER BY wall DESC, peer LIMIT 1)"
            : "SELECT d.device, min(CASE WHEN r.hash=v.head AND h.device NOT IN (SELECT "
              "device FROM forks) THEN v.seq ELSE 0 END) FROM "
              "(SELECT DISTINCT device FROM records) d CROSS JOIN devices h LEFT JOIN peer_vv v "
              "ON v.peer=h.device AND v.device=d.device LEFT JOIN records r ON "
              "r.device=v.device AND r.seq=v.seq WHERE h.role='hall' AND h.cert IS NOT NULL AND "
              "h.device NOT IN (SELECT device FROM revoked) GROUP BY d.device";
    sqlite3_stmt *st = db_prep(db, err, sql, NULL);
    if (!st)
        return EW_EDB;
    sqlite3_stmt *ins = NULL;
    int rc = sqlite3_prepare_v2(b, "INSERT INTO temp.floor(device, seq) VALUES(?,?)", -1, &ins,
                                NULL) == SQLITE_OK
                 ? EW_OK
                 : db_fail(b, err, "preparing the bundle");
    while (rc == EW_OK && sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_bind_blob(ins, 1, sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0),
                          SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 2, sqlite3_column_int64(st, 1));
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = db_fail(b, err, "writing the bundle");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    db_done(st);
    return rc;
}

/* Builds this device's bundle in a local file; counts its records. */
static int build_bundle(sqlite3 *db, const Author *self, const char *path, int64_t *nrec,
                        EwErr *err)
{
    sqlite3 *b = NULL;
    if (sqlite3_open_v2(path, &b, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        int rc = ew_err(err, EW_EIO, "cannot make a bundle at %s: %s", path, sqlite3_errmsg(b));
        sqlite3_close(b);
        return rc;
    }
    const char *src = sqlite3_db_filename(db, "main");
    char *attach = sqlite3_mprintf("ATTACH DATABASE %Q AS src", src);
    int rc = db_exec(b, err, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    if (rc == EW_OK)
        rc = db_exec(b, err, BUNDLE_SCHEMA);
    if (rc == EW_OK)
        rc = db_exec(b, err, attach);
    if (rc == EW_OK)
        rc = db_exec(b, err, "CREATE TEMP TABLE floor(device BLOB PRIMARY KEY, seq INTEGER)");
    if (rc == EW_OK)
        rc = fill_floors(db, b, self, err);
    if (rc == EW_OK)
        rc = db_exec(b, err,
                     "BEGIN;"
                     "INSERT INTO records SELECT r.device,r.seq,r.hlc,r.kind,r.body,r.prev,"
                     "  r.hash,r.sig FROM src.records r LEFT JOIN temp.floor f "
                     "  ON f.device=r.device WHERE r.seq > coalesce(f.seq, 0);"
                     /* Records waiting for a gap here are checked all the same
                      * (author, signature, role): relay them, the receiver may
                      * hold the gap (a hall behind the office relaying another
                      * hall's bundle, which omits what the office holds). */
                     "INSERT OR IGNORE INTO records SELECT w.device,w.seq,w.hlc,w.kind,w.body,"
                     "  w.prev,w.hash,w.sig FROM src.waiting w LEFT JOIN temp.floor f "
                     "  ON f.device=w.device WHERE w.seq > coalesce(f.seq, 0);"
                     "INSERT INTO certs SELECT device, cert FROM src.devices "
                     "  WHERE cert IS NOT NULL;"
                     "INSERT INTO vv SELECT device, max(seq) FROM src.records GROUP BY device;"
                     "INSERT OR IGNORE INTO blobs SELECT b.hash, b.data FROM src.blobs b "
                     "  WHERE lower(hex(b.hash)) IN (SELECT json_extract(body, '$.' || k.key) "
                     "  FROM records, (SELECT 'text' AS key UNION SELECT 'note' UNION "
                     "  SELECT 'answer' UNION SELECT 'contact') k WHERE json_valid(body));"
                     "COMMIT;");
    sqlite3_free(attach);
    if (rc == EW_OK)
        rc = db_exec(b, err, "DETACH DATABASE src; VACUUM;");
    if (rc == EW_OK) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(b, "SELECT count(*) FROM records", -1, &st, NULL);
        *nrec = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
    }
    if (sqlite3_close(b) != SQLITE_OK && rc == EW_OK)
        rc = ew_err(err, EW_EIO, "cannot finish the bundle");
    return rc;
}

/* Copies bytes to the stick under `name` in edir through a temporary name:
 * write, fsync, close, rename, fsync the folder. */
int sync_put_file(StickIO *io, const char *edir, const char *name, const unsigned char *data,
                  size_t len, FILE *from, EwErr *err)
{
    char *tmp = ew_xasprintf("%s/tmp-%s", edir, name), *final = join(edir, name);
    int fd = -1, rc = io->create(io, tmp, &fd);
    if (rc == -EEXIST) {
        io->unlink(io, tmp);
        rc = io->create(io, tmp, &fd);
    }
    if (rc == 0 && data)
        rc = io->write(io, fd, data, len);
    if (rc == 0 && from) {
        unsigned char buf[65536];
        size_t n;
        rewind(from);
        while (rc == 0 && (n = fread(buf, 1, sizeof buf, from)) > 0)
            rc = io->write(io, fd, buf, n);
        if (rc == 0 && ferror(from))
            rc = -EIO;
    }
    if (rc == 0)
        rc = io->fsync(io, fd);
    if (fd >= 0) {
        int c = io->close(io, fd);
        if (rc == 0)
            rc = c;
    }
    if (rc == 0)
        rc = io->rename(io, tmp, final);
    if (rc == 0)
        rc = io->fsync_dir(io, edir);
    if (rc < 0) {
        io->unlink(io, tmp); /* best effort: a full stick keeps its old files */
        ew_err(err, EW_EIO, "cannot write %s: %s", name, stickio_strerror(rc));
    }
    free(tmp);
    free(final);
    return rc < 0 ? EW_EIO : EW_OK;
}

/* The manifest for a bundle, signed by this device. */
static json_t *make_manifest(sqlite3 *db, const Author *self, const char *bundle, uint64_t len,
                             const unsigned char hash[32], EwErr *err)
{
    char dev[33], hex[65], sig[129];
    device_hex(self->id, dev);
    ew_hex(hash, 32, hex);
    char *cert = NULL;
    db_text(db, err, &cert, "SELECT cert FROM devices WHERE device=?", "b", self->id,
            (size_t)EW_DEVICE_LEN);
    json_t *certj = cert ? json_loads(cert, 0, NULL) : NULL;
    free(cert);
    if (!certj) {
        ew_err(err, EW_ESTATE, "this device has no certificate: enrol it at the office first");
        return NULL;
    }
    json_t *vv = json_object();
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT r.device, r.seq, r.hash FROM records r JOIN (SELECT "
                               "device, max(seq) AS top FROM records GROUP BY device) t ON "
                               "t.device=r.device AND t.top=r.seq",
                               NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        char d[33], h[65];
        if (sqlite3_column_bytes(st, 0) != EW_DEVICE_LEN ||
            sqlite3_column_bytes(st, 2) != EW_HASH_LEN)
            continue;
        device_hex(sqlite3_column_blob(st, 0), d);
        ew_hex(sqlite3_column_blob(st, 2), EW_HASH_LEN, h);
        json_object_set_new(vv, d, json_pack("[I,s]", (json_int_t)sqlite3_column_int64(st, 1), h));
    }
    db_done(st);
    int64_t hlc = 0;
    db_int(db, NULL, &hlc, 0, "SELECT max(hlc) FROM records", NULL);
    json_t *m = json_pack("{s:i,s:i,s:s,s:o,s:s,s:I,s:s,s:o,s:I,s:I}", "format", SYNC_FORMAT,
                          "reader", SYNC_FORMAT, "device", dev, "cert", certj, "bundle", bundle,
                          "length", (json_int_t)len, "hash", hex, "vv", vv, "hlc",
                          (json_int_t)hlc, "wall", (json_int_t)db_now_ms(db));
    if (strcmp(self->role, "office") == 0) {
        json_t *ot = synclock_office_time(db, err);
        if (!ot) {
            json_decref(m);
            return NULL;
        }
        json_object_set_new(m, "office_time", ot);
    }
    unsigned char *bytes, s[crypto_sign_BYTES];
    size_t n;
    record_canonical(m, &bytes, &n);
    crypto_sign_detached(s, NULL, bytes, n, self->sk);
    free(bytes);
    ew_hex(s, sizeof s, sig);
    json_object_set_new(m, "sig", json_string(sig));
    return m;
}

int sync_export(sqlite3 *db, StickIO *io, const char *dir, json_t *report, EwErr *err)
{
    Author self;
    int rc = device_load_self(db, &self, err);
    if (rc)
        return rc;
    char dev[33];
    device_hex(self.id, dev);
    char *edir = join(dir, "echowall"), *local = local_temp(db, "out");
    int mk = io->mkdir(io, edir);
    if (mk < 0 && mk != -EEXIST) {
        rc = io_fail(err, mk, "cannot make the folder", edir);
        goto out;
    }
    if (mk == 0 && (mk = io->fsync_dir(io, dir)) < 0) {
        rc = io_fail(err, mk, "cannot make the folder", edir);
        goto out;
    }
    int64_t nrec = 0;
    rc = build_bundle(db, &self, local, &nrec, err);
    if (rc)
        goto out;
    FILE *f = fopen(local, "rb");
    unsigned char hash[32];
    uint64_t len = 0;
    if (!f) {
        rc = ew_err(err, EW_EIO, "cannot read back the bundle %s", local);
        goto out;
    }
    sync_hash_file(f, hash, &len);
    char hex[17], bundle[80];
    ew_hex(hash, 8, hex);
    snprintf(bundle, sizeof bundle, "%s-%s.bundle", dev, hex);
    /* The manifest's number: past ours on the stick and in our counter. */
    StickEntry *ents = NULL;
    size_t ne = 0;
    int64_t next = 1;
    db_int(db, NULL, &next, 1, "SELECT manifest_next FROM device_self", NULL);
    if (io->list(io, edir, &ents, &ne) == 0)
        for (size_t i = 0; i < ne; i++) {
            char d[33];
            uint64_t s;
            if (manifest_name(ents[i].name, d, &s) == 0 && strcmp(d, dev) == 0 &&
                s >= (uint64_t)next)
                next = (int64_t)s + 1;
        }
    rc = sync_put_file(io, edir, bundle, NULL, 0, f, err);
    fclose(f);
    json_t *m = rc ? NULL : make_manifest(db, &self, bundle, len, hash, err);
    char mname[80];
    snprintf(mname, sizeof mname, "%s-%lld.manifest", dev, (long long)next);
    if (rc == EW_OK && !m)
        rc = err->code;
    if (rc == EW_OK) {
        char *text = json_dumps(m, JSON_SORT_KEYS | JSON_COMPACT);
        rc = sync_put_file(io, edir, mname, (const unsigned char *)text, strlen(text), NULL, err);
        free(text);
    }
    json_decref(m);
    if (rc == EW_OK)
        rc = db_run(db, err, "UPDATE device_self SET manifest_next=?", "i", next + 1);
    if (rc == EW_OK) {
        /* Only now is the new bundle live: remove this device's older files. */
        int removed = 0;
        for (size_t i = 0; i < ne; i++) {
            const char *nm = ents[i].name;
            char d[33];
            uint64_t s;
            int old = (manifest_name(nm, d, &s) == 0 && strcmp(d, dev) == 0 &&
                       strcmp(nm, mname) != 0) ||
                      (bundle_name_ok(nm, dev) && strcmp(nm, bundle) != 0) ||
                      (strncmp(nm, "tmp-", 4) == 0 && strncmp(nm + 4, dev, 32) == 0);
            if (old && ents[i].type == STICK_REG) {
                char *p = join(edir, nm);
                if (io->unlink(io, p) == 0)
                    removed++;
                free(p);
            }
        }
        if (removed)
            io->fsync_dir(io, edir);
        json_object_set_new(report, "wrote",
                            json_pack("{s:s,s:s,s:I,s:I}", "bundle", bundle, "manifest", mname,
                                      "records", (json_int_t)nrec, "bytes", (json_int_t)len));
    }
    free(ents);
out:
    unlink_local(local);
    free(local);
    free(edir);
    sodium_memzero(&self, sizeof self);
    return rc;
}

int sync_stick(sqlite3 *db, StickIO *io, const char *dir, json_t **report, EwErr *err)
{
    return sync_stick_progress(db, io, dir, NULL, report, err);
}

int sync_stick_progress(sqlite3 *db, StickIO *io, const char *dir, const SyncProgress *p,
                        json_t **report, EwErr *err)
{
    json_t *r = json_pack("{s:[],s:[],s:[],s:[],s:b,s:b}", "imported", "refused", "skipped",
                          "forks", "office_seen", 0, "safe_to_remove", 0);
    *report = r;
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
    if (device_town_pk(db, town_pk) != 0 || !device_certified(db))
        return ew_err(err, EW_ESTATE, "this device is not enrolled: run `echowallctl enroll "
                                      "DIR` with a stick, and take the stick to the office");
    int rc = device_check_board(db, err);
    if (rc)
        return rc;
    rc = import_all(db, io, dir, r, p, err);
    if (rc == EW_OK) {
        progress(p, "export", 0, 1);
        rc = sync_export(db, io, dir, r, err);
        progress(p, "export", 1, 1);
    }
    json_object_set_new(r, "safe_to_remove", json_boolean(rc == EW_OK));
    json_t *clk = NULL;
    if (synclock_state(db, &clk, NULL) == EW_OK && json_is_false(json_object_get(clk, "confirmed")))
        json_object_set_new(r, "clock",
                            json_pack("{s:s}", "confirm",
                                      "the office clock went back or jumped ahead: check the "
                                      "date and run `echowallctl clock confirm`; until then "
                                      "kiosks keep their own time"));
    json_decref(clk);
    char *text = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
    db_run(db, NULL, "INSERT INTO sync_log(at, dir, office_seen, report) VALUES(?,?,?,?)", "itdt",
           db_now_ms(db), dir, json_is_true(json_object_get(r, "office_seen")), text);
    free(text);
    return rc;
}

const char *sync_bundle_schema(void) { return BUNDLE_SCHEMA; }

int sync_import_vouched(sqlite3 *db, const char *bundle_path, json_t *report, EwErr *err)
{
    Author self;
    int rc = device_load_self(db, &self, err);
    if (rc)
        return rc;
    CertFacts writer;
    cert_facts_of(&self, &writer);
    sodium_memzero(&self, sizeof self);
    sqlite3 *b;
    if ((rc = open_bundle(bundle_path, &b, err)))
        return rc;
    json_t *vv = json_object();
    Tally t = {0};
    rc = import_bundle(db, b, "vouched", &writer, vv, report, &t, err);
    if (rc == EW_OK)
        rc = fold_settle(db, err);
    json_decref(vv);
    sqlite3_close(b);
    return rc;
}
