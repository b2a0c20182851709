/*
 * device.c: device identity and record authoring (see device.h).
 */
#include "device.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "clock.h"
#include "code.h"
#include "db.h"
#include "fold.h"

void device_hex(const unsigned char id[EW_DEVICE_LEN], char out[33]) { ew_hex(id, EW_DEVICE_LEN, out); }

static char default_slot(const char *role) { return strcmp(role, "office") == 0 ? '2' : 'A'; }

void device_make_author(Author *a, const DeviceSpec *spec)
{
    memset(a, 0, sizeof *a);
    if (spec->seed) {
        unsigned char k[crypto_sign_SEEDBYTES];
        crypto_generichash(k, sizeof k, spec->seed, 32, (const unsigned char *)"key", 3);
        crypto_sign_seed_keypair(a->pk, a->sk, k);
        crypto_generichash(a->id, sizeof a->id, spec->seed, 32, (const unsigned char *)"id", 2);
    } else {
        crypto_sign_keypair(a->pk, a->sk);
        randombytes_buf(a->id, sizeof a->id);
    }
    snprintf(a->role, sizeof a->role, "%s", spec->role);
    snprintf(a->hall, sizeof a->hall, "%s", spec->hall ? spec->hall : "");
    a->slot = spec->slot ? spec->slot : default_slot(spec->role);
    a->next_seq = 1;
    a->meeting_next = 1;
}

int device_register(sqlite3 *db, const Author *a, const unsigned char *town_sk, EwErr *err)
{
    unsigned char *cert = NULL;
    size_t certlen = 0;
    char slot[2] = {a->slot, 0};
    if (town_sk) {
        CertFacts f;
        cert_facts_of(a, &f);
        cert_make(&f, town_sk, &cert, &certlen);
    }
    int rc = db_run(db, err,
                    "INSERT INTO devices(device,pk,role,hall,slot,cert) VALUES(?,?,?,?,?,?) "
                    "ON CONFLICT(device) DO UPDATE SET cert=coalesce(excluded.cert, cert)",
                    "bbtttb", a->id, (size_t)EW_DEVICE_LEN, a->pk, sizeof a->pk, a->role,
                    a->hall[0] ? a->hall : NULL, slot, cert, certlen);
    free(cert);
    return rc;
}

int device_exists(sqlite3 *db)
{
    int64_t n = 0;
    db_int(db, NULL, &n, 0, "SELECT count(*) FROM device_self", NULL);
    return n > 0;
}

int device_certified(sqlite3 *db)
{
    int64_t n = 0;
    db_int(db, NULL, &n, 0,
           "SELECT count(*) FROM devices d JOIN device_self s ON s.device=d.device "
           "WHERE d.cert IS NOT NULL",
           NULL);
    return n > 0;
}

int device_init(sqlite3 *db, const DeviceSpec *spec, EwErr *err)
{
    if (device_exists(db))
        return ew_err(err, EW_ESTATE, "this database already belongs to a device");
    if (!spec->role || (strcmp(spec->role, "office") != 0 && strcmp(spec->role, "hall") != 0))
        return ew_err(err, EW_EINPUT, "role '%s' is not office or hall",
                      spec->role ? spec->role : "");
    if (strcmp(spec->role, "hall") == 0 && !spec->pending && !code_hall_valid(spec->hall))
        return ew_err(err, EW_EINPUT, "a hall device needs a hall code like H07, not '%s'",
                      spec->hall ? spec->hall : "");
    Author a;
    device_make_author(&a, spec);
    if (!code_slot_valid(a.role, a.slot))
        return ew_err(err, EW_EINPUT, "slot '%c' is not valid for a%s %s device", a.slot,
                      strcmp(a.role, "office") == 0 ? "n" : "", a.role);
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES], town_sk[crypto_sign_SECRETKEYBYTES];
    int office = strcmp(a.role, "office") == 0;
    if (office) {
        if (spec->town_seed)
            crypto_sign_seed_keypair(town_pk, town_sk, spec->town_seed);
        else
            crypto_sign_keypair(town_pk, town_sk);
    }
    char slot[2] = {a.slot, 0};
    unsigned char zeros[EW_HASH_LEN] = {0};
    int rc = db_run(db, err,
                    "INSERT INTO device_self(one,device,role,hall,slot,pk,sk,town_pk,town_sk,"
                    "town_name,next_seq,prev,hlc,created) VALUES(1,?,?,?,?,?,?,?,?,?,1,?,0,?)",
                    "btttbbbbtbi", a.id, (size_t)EW_DEVICE_LEN, a.role, office || !a.hall[0] ? NULL : a.hall,
                    slot, a.pk, sizeof a.pk, a.sk, sizeof a.sk, office ? town_pk : NULL,
                    sizeof town_pk, office ? town_sk : NULL, sizeof town_sk,
                    spec->town_name, zeros, sizeof zeros, clock_now_ms());
    if (rc == EW_OK)
        rc = device_register(db, &a, office ? town_sk : NULL, err);
    if (rc == EW_OK)
        rc = device_bind_board(db, err);
    sodium_memzero(town_sk, sizeof town_sk);
    sodium_memzero(&a, sizeof a);
    return rc;
}

static int copy_blob(sqlite3_stmt *st, int col, void *out, size_t n)
{
    if (sqlite3_column_bytes(st, col) != (int)n)
        return -1;
    memcpy(out, sqlite3_column_blob(st, col), n);
    return 0;
}

int device_load_self(sqlite3 *db, Author *a, EwErr *err)
{
    memset(a, 0, sizeof *a);
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT device,pk,sk,role,coalesce(hall,''),slot,next_seq,prev,hlc,"
                               "code_next,meeting_next "
                               "FROM device_self",
                               NULL);
    if (!st)
        return EW_EDB;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        db_done(st);
        return rc == SQLITE_DONE
                   ? ew_err(err, EW_ENOTFOUND,
                            "this database has no device identity (run `echowallctl init`)")
                   : db_fail(db, err, "reading the device identity");
    }
    int bad = copy_blob(st, 0, a->id, sizeof a->id) | copy_blob(st, 1, a->pk, sizeof a->pk) |
              copy_blob(st, 2, a->sk, sizeof a->sk) | copy_blob(st, 7, a->prev, sizeof a->prev);
    snprintf(a->role, sizeof a->role, "%s", (const char *)sqlite3_column_text(st, 3));
    snprintf(a->hall, sizeof a->hall, "%s", (const char *)sqlite3_column_text(st, 4));
    a->slot = ((const char *)sqlite3_column_text(st, 5))[0];
    a->next_seq = sqlite3_column_int64(st, 6);
    a->hlc = sqlite3_column_int64(st, 8);
    a->code_next = sqlite3_column_int64(st, 9);
    a->meeting_next = sqlite3_column_int64(st, 10);
    a->is_self = 1;
    db_done(st);
    if (bad)
        return ew_err(err, EW_ECORRUPT, "the device identity in this database is damaged");
    return EW_OK;
}

int device_town_pk(sqlite3 *db, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
    sqlite3_stmt *st = db_prep(db, NULL, "SELECT town_pk FROM device_self", NULL);
    int rc = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW && copy_blob(st, 0, pk, crypto_sign_PUBLICKEYBYTES) == 0)
        rc = 0;
    db_done(st);
    return rc;
}

int device_town_sk(sqlite3 *db, unsigned char sk[crypto_sign_SECRETKEYBYTES], EwErr *err)
{
    sqlite3_stmt *st = db_prep(db, err, "SELECT town_sk FROM device_self", NULL);
    if (!st)
        return EW_EDB;
    int found = sqlite3_step(st) == SQLITE_ROW &&
                copy_blob(st, 0, sk, crypto_sign_SECRETKEYBYTES) == 0;
    db_done(st);
    /* err is only touched on failure: a success leaves no stale refusal. */
    return found ? EW_OK : ew_err(err, EW_EDENIED, "only the office station holds the town key");
}

void device_board(char out[65])
{
    const char *env = getenv("ECHOWALL_BOARD");
    out[0] = '\0';
    if (env) {
        snprintf(out, 65, "%s", env);
        return;
    }
    static const char *const paths[] = {"/sys/firmware/devicetree/base/serial-number",
                                        "/etc/machine-id"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0] && !out[0]; i++) {
        FILE *f = fopen(paths[i], "r");
        if (!f)
            continue;
        size_t n = fread(out, 1, 64, f);
        fclose(f);
        out[n] = '\0';
        /* keep printable characters only (the Pi's serial ends in NUL) */
        size_t k = 0;
        for (size_t j = 0; j < n && out[j]; j++)
            if (out[j] > ' ' && out[j] < 127)
                out[k++] = out[j];
        out[k] = '\0';
    }
}

int device_bind_board(sqlite3 *db, EwErr *err)
{
    char board[65];
    device_board(board);
    return db_run(db, err,
                  "INSERT INTO local_config(key,value) VALUES('device.board',?) "
                  "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                  "t", board);
}

int device_check_board(sqlite3 *db, EwErr *err)
{
    char *bound = NULL, *role = NULL, board[65];
    db_text(db, NULL, &bound, "SELECT value FROM local_config WHERE key='device.board'", NULL);
    db_text(db, NULL, &role, "SELECT role FROM device_self", NULL);
    device_board(board);
    int rc = EW_OK;
    if (bound && *bound && board[0] && role && strcmp(role, "hall") == 0 &&
        strcmp(bound, board) != 0)
        rc = ew_err(err, EW_ESTATE,
                    "this kiosk's database was made on another board (a copied SD card?): "
                    "enrol this kiosk again with `echowallctl enroll DIR`");
    free(bound);
    free(role);
    return rc;
}

int device_rekey(sqlite3 *db, EwErr *err)
{
    Author a;
    DeviceSpec spec = {.role = "hall", .pending = 1};
    device_make_author(&a, &spec);
    unsigned char zeros[EW_HASH_LEN] = {0};
    int rc = db_run(db, err,
                    "UPDATE device_self SET device=?, pk=?, sk=?, hall=NULL, slot='A', "
                    "next_seq=1, prev=?, code_next=0, meeting_next=1, manifest_next=1",
                    "bbbb", a.id, (size_t)EW_DEVICE_LEN, a.pk, sizeof a.pk, a.sk, sizeof a.sk,
                    zeros, sizeof zeros);
    if (rc == EW_OK)
        rc = device_register(db, &a, NULL, err);
    if (rc == EW_OK)
        rc = device_bind_board(db, err);
    sodium_memzero(&a, sizeof a);
    return rc;
}

int device_own_gap(sqlite3 *db, int64_t *from, int64_t *to)
{
    Author self;
    *from = *to = 0;
    if (device_load_self(db, &self, NULL) != EW_OK)
        return 0;
    int gap = 0;
    if (self.next_seq > 1) {
        int64_t held = 0, parked = 0, top = 0;
        db_int(db, NULL, &held, 0, "SELECT count(*) FROM records WHERE device=? AND seq=?", "bi",
               self.id, (size_t)EW_DEVICE_LEN, self.next_seq - 1);
        db_int(db, NULL, &parked, 0,
               "SELECT count(*) FROM forks WHERE device=? AND seq=? AND hash=?", "bib", self.id,
               (size_t)EW_DEVICE_LEN, self.next_seq - 1, self.prev, (size_t)EW_HASH_LEN);
        db_int(db, NULL, &top, 0, "SELECT max(seq) FROM records WHERE device=?", "b", self.id,
               (size_t)EW_DEVICE_LEN);
        if (!held && !parked) {
            gap = 1;
            *from = top + 1;
            *to = self.next_seq - 1;
        }
    }
    sodium_memzero(&self, sizeof self);
    return gap;
}

/* One record waiting for its signature. */
typedef struct SignJob {
    unsigned char device[EW_DEVICE_LEN];            /* the record's key: device, seq */
    int64_t seq;
    unsigned char hash[EW_HASH_LEN];                /* what is signed */
    unsigned char sk[crypto_sign_SECRETKEYBYTES];   /* the author's key (wiped once used) */
    unsigned char sig[EW_SIG_LEN];                  /* the result */
} SignJob;

#define SIGNQ_BATCH 1024 /* signatures written to the database at a time */
/* Jobs queued before an idle signer is woken. Waking it for every job cost
 * the author a futex call and the signer a sleep and a wake-up per record,
 * 9 % of building the demo town: the author makes a record in about twice
 * the time a signature takes, so the signer was always idle. */
#define SIGNQ_WAKE 32

struct SignQueue {
    pthread_t thread;
    pthread_mutex_t lock;  /* guards every field below */
    pthread_cond_t more;   /* jobs added or closed */
    SignJob *jobs;         /* in the order they were queued */
    size_t n, cap;         /* queued, allocated */
    size_t signed_n;       /* jobs[0..signed_n) are signed */
    int idle;              /* the thread is waiting on more */
    int closed;            /* no more jobs: the thread ends once it is through */
};

static void *signq_run(void *arg)
{
    SignQueue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (q->signed_n == q->n && !q->closed) {
            q->idle = 1;
            pthread_cond_wait(&q->more, &q->lock);
            q->idle = 0;
        }
        if (q->signed_n == q->n)
            break;
        /* jobs may move when the author grows it: sign a copy, unlocked */
        SignJob job = q->jobs[q->signed_n];
        pthread_mutex_unlock(&q->lock);
        crypto_sign_detached(job.sig, NULL, job.hash, EW_HASH_LEN, job.sk);
        sodium_memzero(job.sk, sizeof job.sk);
        pthread_mutex_lock(&q->lock);
        memcpy(q->jobs[q->signed_n].sig, job.sig, EW_SIG_LEN);
        sodium_memzero(q->jobs[q->signed_n].sk, sizeof job.sk);
        q->signed_n++;
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

SignQueue *signq_start(void)
{
    SignQueue *q = ew_xcalloc(1, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->more, NULL);
    if (pthread_create(&q->thread, NULL, signq_run, q) != 0) {
        pthread_cond_destroy(&q->more);
        pthread_mutex_destroy(&q->lock);
        free(q);
        return NULL;
    }
    return q;
}

static void signq_push(SignQueue *q, const Record *r, const unsigned char *sk)
{
    pthread_mutex_lock(&q->lock);
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 1024;
        q->jobs = ew_xrealloc(q->jobs, q->cap * sizeof *q->jobs);
    }
    SignJob *j = &q->jobs[q->n++];
    memcpy(j->device, r->device, EW_DEVICE_LEN);
    j->seq = r->seq;
    memcpy(j->hash, r->hash, EW_HASH_LEN);
    memcpy(j->sk, sk, sizeof j->sk);
    if (q->idle && q->n - q->signed_n >= SIGNQ_WAKE)
        pthread_cond_signal(&q->more);
    pthread_mutex_unlock(&q->lock);
}

/* Writes the signatures made so far and drops their jobs, so that the
 * queue holds only what is still to sign (a town of 100,000 appeals would
 * otherwise keep half a million jobs). Only when at least min are ready. */
static int signq_drain(SignQueue *q, sqlite3 *db, size_t min, EwErr *err)
{
    pthread_mutex_lock(&q->lock);
    size_t k = q->signed_n;
    if (k == 0 || k < min) {
        pthread_mutex_unlock(&q->lock);
        return EW_OK;
    }
    SignJob *done = ew_xmalloc(k * sizeof *done);
    memcpy(done, q->jobs, k * sizeof *done);
    /* the job being signed moves down too: the thread finds it again by
     * signed_n, which restarts at 0 */
    memmove(q->jobs, q->jobs + k, (q->n - k) * sizeof *q->jobs);
    q->n -= k;
    q->signed_n = 0;
    pthread_mutex_unlock(&q->lock);
    /* Matched by hash too: a record refused and rolled back leaves its job
     * here, and its (device, seq) may since belong to another record. */
    int rc = EW_OK;
    for (size_t i = 0; rc == EW_OK && i < k; i++)
        rc = db_run(db, err, "UPDATE records SET sig=? WHERE device=? AND seq=? AND hash=?",
                    "bbib", done[i].sig, (size_t)EW_SIG_LEN, done[i].device,
                    (size_t)EW_DEVICE_LEN, done[i].seq, done[i].hash, (size_t)EW_HASH_LEN);
    sodium_memzero(done, k * sizeof *done);
    free(done);
    return rc;
}

int signq_finish(SignQueue *q, sqlite3 *db, EwErr *err)
{
    if (!q)
        return EW_OK;
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_signal(&q->more);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    int rc = signq_drain(q, db, 0, err);
    if (q->jobs)
        sodium_memzero(q->jobs, q->cap * sizeof *q->jobs);
    free(q->jobs);
    pthread_cond_destroy(&q->more);
    pthread_mutex_destroy(&q->lock);
    free(q);
    return rc;
}

int device_author(sqlite3 *db, Author *a, int64_t hlc, const char *kind, json_t *body,
                  EwErr *err)
{
    Record r;
    memset(&r, 0, sizeof r);
    if (a->is_self) {
        int brc = device_check_board(db, err);
        if (brc)
            return brc;
        int64_t from, to;
        if (device_own_gap(db, &from, &to))
            return ew_err(err, EW_ESTATE,
                          "this device lost its own records %lld-%lld when its database was "
                          "repaired and writes nothing until they are back: sync with a stick "
                          "from the town office (see `echowallctl db check`)",
                          (long long)from, (long long)to);
    }
    if (strlen(kind) > EW_KIND_MAX)
        return ew_err(err, EW_EINPUT, "record kind '%s' is too long", kind);
    int64_t seen = 0;
    int rc = db_int(db, err, &seen, 0, "SELECT max(hlc) FROM records", NULL);
    if (rc)
        return rc;
    if (hlc == 0)
        hlc = db_now_ms(db) << 16;
    if (hlc <= seen)
        hlc = seen + 1;
    if (hlc <= a->hlc)
        hlc = a->hlc + 1;
    memcpy(r.device, a->id, EW_DEVICE_LEN);
    r.seq = a->next_seq;
    r.hlc = hlc;
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    memcpy(r.prev, a->prev, EW_HASH_LEN);
    if (record_canonical(body, &r.body, &r.body_len) != EW_OK)
        return ew_err(err, EW_EINPUT, "record body cannot be serialised");
    if (a->signq) {
        record_hash(&r, r.hash); /* r.sig stays zero until the queue's turn */
        signq_push(a->signq, &r, a->sk);
    } else {
        record_sign(&r, a->sk);
    }
    rc = record_insert(db, &r, err);
    if (rc == EW_OK && a->signq)
        rc = signq_drain(a->signq, db, SIGNQ_BATCH, err);
    FoldWatch w;
    memset(&w, 0, sizeof w);
    memcpy(w.device, r.device, EW_DEVICE_LEN);
    w.seq = r.seq;
    if (rc == EW_OK)
        rc = fold_pending(db, &w, err);
    if (rc == EW_OK && !w.applied)
        rc = ew_err(err, w.why.code ? w.why.code : EW_ESTATE, "%s", w.why.msg);
    if (rc == EW_OK && a->is_self)
        rc = db_run(db, err,
                    "UPDATE device_self SET next_seq=?, prev=?, hlc=?, code_next=?, "
                    "meeting_next=?",
                    "ibiii", r.seq + 1, r.hash, (size_t)EW_HASH_LEN, hlc, a->code_next,
                    a->meeting_next);
    if (rc == EW_OK) {
        a->next_seq = r.seq + 1;
        memcpy(a->prev, r.hash, EW_HASH_LEN);
        a->hlc = hlc;
    }
    record_clear(&r);
    return rc;
}

int device_list(sqlite3 *db, json_t **out, EwErr *err)
{
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT lower(hex(d.device)), coalesce(d.role, ''), d.hall, "
                               "coalesce(d.slot, ''), d.cert IS NOT NULL, v.after_seq, "
                               "(SELECT max(seq) FROM records r WHERE r.device=d.device), "
                               "d.device=(SELECT device FROM device_self), b.name "
                               "FROM devices d LEFT JOIN revoked v ON v.device=d.device "
                               "LEFT JOIN branches b ON b.code=d.hall "
                               "ORDER BY d.role DESC, d.hall, d.slot",
                               NULL);
    if (!st)
        return EW_EDB;
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(
            arr, json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:b,s:b,s:I,s:b}", "device",
                           sqlite3_column_text(st, 0), "role", sqlite3_column_text(st, 1), "hall",
                           sqlite3_column_text(st, 2), "hall_name", sqlite3_column_text(st, 8),
                           "slot", sqlite3_column_text(st, 3), "certified",
                           sqlite3_column_int(st, 4), "revoked",
                           sqlite3_column_type(st, 5) != SQLITE_NULL, "records",
                           (json_int_t)sqlite3_column_int64(st, 6), "self",
                           sqlite3_column_int(st, 7)));
    db_done(st);
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return ew_err(err, EW_EDB, "listing the devices: %s", sqlite3_errmsg(db));
    }
    *out = arr;
    return EW_OK;
}
