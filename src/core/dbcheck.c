/*
 * dbcheck.c: the boot-time integrity check and the rebuild of a damaged
 * database (see dbcheck.h). Reading the damaged file is salvage.c's; this
 * file decides what is taken and how (records through the same import as a
 * stick's bundle), swaps the files safely, and says what happened.
 */
#include "dbcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "device.h"
#include "record.h"
#include "salvage.h"
#include "sync.h"

/* ---- small file helpers ---- */

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static char *suffixed(const char *path, const char *suffix)
{
    return ew_xasprintf("%s%s", path, suffix);
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int fsync_dir_of(const char *path)
{
    char *copy = ew_xstrdup(path);
    int rc = fsync_path(dirname(copy));
    free(copy);
    return rc;
}

/* ---- the check ---- */

/* What a read-only connection leaves beside a WAL database that had no
 * -wal and -shm: an empty -wal and an -shm, which it cannot remove itself.
 * Taken away again, so that a check leaves the folder as it found it, but
 * never while another process has the database open: each connection holds
 * a read lock on the -shm's "DMS" byte (128) while it is open, which F_GETLK
 * shows (a person running `db check` beside the running kiosk). */
static int integrity_of(const char *path, json_t *problems, sqlite3 **out);

typedef struct Beside {
    int wal, shm; /* the companion existed before */
} Beside;

static Beside beside_of(const char *path)
{
    char *wal = suffixed(path, "-wal"), *shm = suffixed(path, "-shm");
    Beside b = {exists(wal), exists(shm)};
    free(wal);
    free(shm);
    return b;
}

static int shm_in_use(const char *shm)
{
    int fd = open(shm, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
    int busy = fcntl(fd, F_GETLK, &lk) != 0 || lk.l_type != F_UNLCK;
    close(fd);
    return busy;
}

static void beside_restore(const char *path, Beside b)
{
    char *wal = suffixed(path, "-wal"), *shm = suffixed(path, "-shm");
    struct stat st;
    if (!b.wal && lstat(wal, &st) == 0 && st.st_size == 0 && !shm_in_use(shm)) {
        unlink(wal);
        if (!b.shm)
            unlink(shm);
    }
    free(wal);
    free(shm);
}

/* PRAGMA integrity_check on path: 1 clean, 0 damaged (problems appended,
 * at most 20). */
static int integrity(const char *path, json_t *problems)
{
    sqlite3 *db;
    Beside was = beside_of(path);
    int clean = integrity_of(path, problems, &db);
    sqlite3_close(db);
    beside_restore(path, was);
    return clean;
}

static int integrity_of(const char *path, json_t *problems, sqlite3 **out)
{
    sqlite3 *db;
    *out = NULL;
    if (salvage_open(path, &db) != 0) {
        json_array_append_new(problems, json_string("the file cannot be opened"));
        return 0;
    }
    sqlite3_stmt *st = NULL;
    int clean = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &st, NULL) != SQLITE_OK) {
        json_array_append_new(problems, json_string(sqlite3_errmsg(db)));
    } else {
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *line = (const char *)sqlite3_column_text(st, 0);
            if (line && strcmp(line, "ok") == 0)
                clean = 1;
            else
                json_array_append_new(problems, json_string(line ? line : "?"));
        }
        if (rc != SQLITE_DONE) {
            clean = 0;
            json_array_append_new(problems, json_string(sqlite3_errmsg(db)));
        }
    }
    sqlite3_finalize(st);
    *out = db;
    return clean;
}

/* ---- salvage ---- */

/* The identity: used only when its key pair is whole (the secret key's
 * public half is the public key) and its id has the right length. */
static int identity_ok(sqlite3 *db)
{
    Author a;
    if (device_load_self(db, &a, NULL) != EW_OK)
        return 0;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    int ok = crypto_sign_ed25519_sk_to_pk(pk, a.sk) == 0 && memcmp(pk, a.pk, sizeof pk) == 0 &&
             a.next_seq >= 1 && (a.role[0] == 'h' || a.role[0] == 'o');
    sodium_memzero(&a, sizeof a);
    return ok;
}

static int64_t count_of(sqlite3 *db, const char *sql)
{
    int64_t n = 0;
    db_int(db, NULL, &n, 0, sql, NULL);
    return n;
}

/* Commits when rc is EW_OK, else rolls back; returns the outcome. */
static int end_tx(sqlite3 *db, int rc, EwErr *err)
{
    if (rc == EW_OK)
        return db_commit(db, err);
    db_rollback(db);
    return rc;
}

/* Certificates, records (held and waiting) and texts of src: gathered
 * into a bundle file at bpath and imported into dst exactly as a stick's
 * bundle (sync_import_vouched), then src's quarantined forks still signed
 * by their authors. dst's temp.was_rec names the records to look for one
 * by one (salvage_read_keys). Counts go to salvaged, the outcome to report. */
static int take_records(sqlite3 *src, sqlite3 *dst, const char *bpath, json_t *salvaged,
                        json_t *report, EwErr *err)
{
    sqlite3 *b = NULL;
    json_t *imp = json_object();
    int rc = EW_OK;
    unlink(bpath);
    if (sqlite3_open_v2(bpath, &b, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = ew_err(err, EW_EIO, "cannot make %s: %s", bpath, sqlite3_errmsg(b));
        goto out;
    }
    rc = db_exec(b, err, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;");
    if (rc == EW_OK)
        rc = db_exec(b, err, sync_bundle_schema());
    SalvageCount certs = {0}, recs = {0}, waiting = {0}, blobs = {0};
    if (rc == EW_OK)
        rc = salvage_copy_table(src, "devices", b, "certs", "device,cert", &certs, err);
    if (rc == EW_OK)
        rc = salvage_copy_table(src, "records", b, "records", NULL, &recs, err);
    if (rc == EW_OK)
        rc = salvage_copy_table(src, "waiting", b, "records", NULL, &waiting, err);
    if (rc == EW_OK)
        rc = salvage_fill_records(src, dst, b, &recs, err);
    if (rc == EW_OK)
        rc = salvage_copy_table(src, "blobs", b, "blobs", NULL, &blobs, err);
    if (rc == EW_OK)
        rc = salvage_fill_blobs(src, b, &blobs, err);
    if (rc == EW_OK)
        rc = db_exec(b, err, "COMMIT");
    sqlite3_close(b);
    b = NULL;
    json_object_set_new(salvaged, "certificates",
                        json_pack("{s:I,s:b}", "rows", (json_int_t)certs.rows, "damaged",
                                  certs.damaged));
    json_object_set_new(salvaged, "records",
                        json_pack("{s:I,s:b}", "rows", (json_int_t)(recs.rows + waiting.rows),
                                  "damaged", recs.damaged || waiting.damaged));
    json_object_set_new(salvaged, "texts",
                        json_pack("{s:I,s:b}", "rows", (json_int_t)blobs.rows, "damaged",
                                  blobs.damaged));
    if (rc == EW_OK)
        rc = db_begin(dst, err);
    if (rc == EW_OK)
        rc = sync_import_vouched(dst, bpath, imp, err);
    if (rc == EW_OK) {
        /* Quarantined branches stay quarantined: kept when their author's
         * key still signs them. */
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(src,
                           "SELECT device,seq,hlc,kind,body,prev,hash,sig,found FROM forks "
                           "ORDER BY device, seq, hash",
                           -1, &st, NULL);
        while (rc == EW_OK && st && sqlite3_step(st) == SQLITE_ROW) {
            Record r;
            record_from_row(st, &r);
            sqlite3_stmt *k = db_prep(dst, err, "SELECT pk FROM devices WHERE device=?", "b",
                                      r.device, (size_t)EW_DEVICE_LEN);
            int ok = k && sqlite3_step(k) == SQLITE_ROW &&
                     sqlite3_column_bytes(k, 0) == crypto_sign_PUBLICKEYBYTES &&
                     record_verify(&r, sqlite3_column_blob(k, 0)) == 0;
            db_done(k);
            if (ok)
                rc = db_run(dst, err,
                            "INSERT OR IGNORE INTO forks(device,seq,hlc,kind,body,prev,hash,sig,"
                            "found) VALUES(?,?,?,?,?,?,?,?,?)",
                            "biitbbbbi", r.device, (size_t)EW_DEVICE_LEN, r.seq, r.hlc, r.kind,
                            r.body, r.body_len, r.prev, (size_t)EW_HASH_LEN, r.hash,
                            (size_t)EW_HASH_LEN, r.sig, (size_t)EW_SIG_LEN,
                            sqlite3_column_int64(st, 8));
            free(r.body);
        }
        sqlite3_finalize(st);
    }
    rc = end_tx(dst, rc, err);
    if (rc)
        goto out;
    json_object_set_new(report, "refused", json_incref(json_object_get(imp, "skipped")));
    json_object_set_new(report, "kept_records",
                        json_integer(count_of(dst, "SELECT count(*) FROM records")));
    json_object_set_new(report, "waiting_records",
                        json_integer(count_of(dst, "SELECT count(*) FROM waiting")));
    json_object_set_new(report, "appeals", json_integer(count_of(dst, "SELECT count(*) FROM appeals")));
    int64_t from, to;
    if (device_own_gap(dst, &from, &to))
        json_object_set_new(report, "own_missing",
                            json_pack("[I,I]", (json_int_t)from, (json_int_t)to));
out:
    json_decref(imp);
    sqlite3_close(b);
    unlink(bpath);
    return rc;
}

/* Tables copied as they are, in this order (the identity first). */
static const struct {
    const char *table; /* in both files */
    const char *what;  /* report key */
} PLAIN[] = {
    {"device_self", "identity"},     {"local_config", "settings"},
    {"peers", "peers"},              {"peer_vv", "peer_holdings"},
    {"sync_log", "sync_history"},    {"meeting_tally", "open_meeting_counters"},
    {"ballot_tokens", "ballot_tokens"},
};

/* Builds the rebuilt database at `out` from what src holds. */
static int salvage(sqlite3 *src, const char *out, json_t *report, EwErr *err)
{
    sqlite3 *dst = NULL;
    char *bpath = suffixed(out, ".bundle");
    json_t *salvaged = json_object();
    json_object_set(report, "salvaged", salvaged);
    int rc = db_open(out, 1, &dst, err);
    if (rc)
        goto done;
    rc = db_begin(dst, err);
    for (size_t i = 0; rc == EW_OK && i < sizeof PLAIN / sizeof PLAIN[0]; i++) {
        SalvageCount c = {0};
        rc = salvage_copy_table(src, PLAIN[i].table, dst, PLAIN[i].table, NULL, &c, err);
        json_object_set_new(salvaged, PLAIN[i].what,
                            json_pack("{s:I,s:b}", "rows", (json_int_t)c.rows, "damaged",
                                      c.damaged));
        if (rc == EW_OK && i == 0 && c.rows > 0 && !identity_ok(dst))
            rc = db_exec(dst, err, "DELETE FROM device_self");
    }
    int identity = rc == EW_OK && device_exists(dst);
    json_object_set_new(report, "identity", json_string(identity ? "kept" : "lost"));
    Author self;
    memset(&self, 0, sizeof self);
    if (identity) {
        rc = device_load_self(dst, &self, err);
        if (rc == EW_OK)
            rc = device_register(dst, &self, NULL, err);
        char hex[33];
        device_hex(self.id, hex);
        json_object_set_new(report, "device", json_string(hex));
    }
    rc = end_tx(dst, rc, err);
    if (rc)
        goto done;
    salvage_read_keys(src, dst, NULL);

    /* Certificates, records and texts: into a bundle, imported like one
     * from a stick. Without an identity and the town key nothing can be
     * checked, so nothing is taken (the records stay in the kept file). */
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
    if (!identity || device_town_pk(dst, town_pk) != 0) {
        json_object_set_new(report, "records_unchecked",
                            json_string(identity ? "this device was not enrolled"
                                                 : "this device's identity was lost"));
        goto done;
    }
    rc = take_records(src, dst, bpath, salvaged, report, err);
done:
    if (dst && rc == EW_OK) {
        int64_t nlost = 0;
        json_object_set_new(report, "lost_records", salvage_lost_records(dst, &nlost));
        json_object_set_new(report, "lost_count", json_integer(nlost));
        json_object_set_new(report, "lost_appeals", salvage_lost_appeals(dst));
    }
    json_decref(salvaged);
    free(bpath);
    if (dst) {
        db_exec(dst, NULL, "DROP TABLE IF EXISTS temp.was_rec; DROP TABLE IF EXISTS temp.was_appeal");
        if (rc == EW_OK) {
            char *text = NULL;
            json_t *keep = json_deep_copy(report);
            json_object_set_new(keep, "state", json_string("repaired"));
            text = json_dumps(keep, JSON_COMPACT | JSON_SORT_KEYS);
            rc = db_run(dst, err,
                        "INSERT INTO local_config(key, value) VALUES('dbcheck.report', ?) "
                        "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        "t", text);
            free(text);
            json_decref(keep);
        }
        if (rc == EW_OK)
            rc = db_exec(dst, err, "PRAGMA wal_checkpoint(TRUNCATE)");
        db_close(dst);
    }
    return rc;
}

/* ---- plain words ---- */

static void ranges_text(FILE *f, json_t *seqs)
{
    size_t i;
    json_t *r;
    json_array_foreach(seqs, i, r) {
        json_int_t a = json_integer_value(json_array_get(r, 0)),
                   b = json_integer_value(json_array_get(r, 1));
        if (i == 6) {
            fputs(", ...", f);
            break;
        }
        if (a == b)
            fprintf(f, "%s%" JSON_INTEGER_FORMAT, i ? ", " : "", a);
        else
            fprintf(f, "%s%" JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT, i ? ", " : "", a, b);
    }
}

static json_int_t rows_of(json_t *report, const char *what)
{
    return json_integer_value(
        json_object_get(json_object_get(json_object_get(report, "salvaged"), what), "rows"));
}

/* The report in plain words, for staff and the journal (malloc'd). */
static char *report_text(json_t *report)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    const char *state = json_string_value(json_object_get(report, "state"));
    const char *first = json_string_value(json_array_get(json_object_get(report, "problems"), 0));
    size_t nprob = json_array_size(json_object_get(report, "problems"));
    if (json_is_true(json_object_get(report, "header_rebuilt")))
        fputs("The file's first bytes (SQLite's header) were damaged; the rest was read "
              "through a copy with a new header.\n",
              f);
    if (strcmp(state, "salvaged") == 0) {
        fprintf(f, "Read %" JSON_INTEGER_FORMAT " records from %s, each checked again as a "
                   "stick's would be; this database now holds %" JSON_INTEGER_FORMAT
                   " records in its log and %" JSON_INTEGER_FORMAT " waiting for earlier ones "
                   "(%" JSON_INTEGER_FORMAT " appeals).",
                rows_of(report, "records"), json_string_value(json_object_get(report, "from")),
                json_integer_value(json_object_get(report, "kept_records")),
                json_integer_value(json_object_get(report, "waiting_records")),
                json_integer_value(json_object_get(report, "appeals")));
        size_t nref = json_array_size(json_object_get(report, "refused"));
        if (nref)
            fprintf(f, " Refused: %zu records that do not verify.", nref);
        json_int_t nlost = json_integer_value(json_object_get(report, "lost_count"));
        if (nlost)
            fprintf(f, " Still missing here: %" JSON_INTEGER_FORMAT " records the file names "
                       "but could not give.",
                    nlost);
    } else if (strcmp(state, "absent") == 0) {
        fputs("There is no database yet: nothing to check.", f);
    } else if (strcmp(state, "clean") == 0) {
        fputs("The database passed SQLite's integrity check.", f);
        const char *last = json_string_value(json_object_get(report, "last_repair"));
        if (last)
            fprintf(f, " It was rebuilt after damage; the damaged file was kept as %s.", last);
        json_t *own = json_object_get(report, "own_missing");
        if (own)
            fprintf(f, " After an earlier repair this device still lacks its own records %"
                       JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT " and writes nothing until "
                       "a stick from the town office brings them back.",
                    json_integer_value(json_array_get(own, 0)),
                    json_integer_value(json_array_get(own, 1)));
    } else if (strcmp(state, "damaged") == 0) {
        fprintf(f, "The database is damaged (%zu problem%s found by SQLite's integrity check, "
                   "first: %s). Nothing was changed; `echowallctl db check --repair` rebuilds it "
                   "and keeps the damaged file.",
                nprob, nprob == 1 ? "" : "s", first ? first : "?");
    } else {
        fprintf(f, "The database was damaged and has been rebuilt. The damaged file is kept as "
                   "%s.\n",
                json_string_value(json_object_get(report, "kept")));
        const char *identity = json_string_value(json_object_get(report, "identity"));
        if (identity && strcmp(identity, "kept") == 0)
            fputs("Kept: this device's identity and key", f);
        else
            fputs("This device's identity could not be read: the kiosk must be enrolled again "
                  "(`echowallctl enroll` with a stick from the town office)",
                  f);
        fprintf(f, "; %" JSON_INTEGER_FORMAT " settings; %" JSON_INTEGER_FORMAT
                   " certificates; %" JSON_INTEGER_FORMAT " records, each checked again "
                   "(signature, author, chain), of which %" JSON_INTEGER_FORMAT
                   " are in the log and %" JSON_INTEGER_FORMAT " wait for earlier ones; %"
                   JSON_INTEGER_FORMAT " texts; %" JSON_INTEGER_FORMAT
                   " open-meeting counters. The wall was rebuilt from the records: %"
                   JSON_INTEGER_FORMAT " appeals.\n",
                rows_of(report, "settings"), rows_of(report, "certificates"),
                rows_of(report, "records"),
                json_integer_value(json_object_get(report, "kept_records")),
                json_integer_value(json_object_get(report, "waiting_records")),
                rows_of(report, "texts"), rows_of(report, "open_meeting_counters"),
                json_integer_value(json_object_get(report, "appeals")));
        static const struct {
            const char *key, *words;
        } parts[] = {{"identity", "the identity"},
                     {"settings", "settings"},
                     {"certificates", "certificates"},
                     {"records", "records"},
                     {"texts", "texts"},
                     {"open_meeting_counters", "an open meeting's counters (ballots!)"},
                     {"ballot_tokens", "an open meeting's ballot tokens"},
                     {"sync_history", "the sync history"},
                     {"peers", "what other devices hold"},
                     {"peer_holdings", "what other devices hold"}};
        int n_part = 0;
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
            if (json_is_true(json_object_get(
                    json_object_get(json_object_get(report, "salvaged"), parts[i].key),
                    "damaged")))
                fprintf(f, "%s%s", n_part++ ? ", " : "Not everything could be read of: ",
                        parts[i].words);
        if (n_part)
            fputs(".\n", f);
        size_t nref = json_array_size(json_object_get(report, "refused"));
        if (nref)
            fprintf(f, "Refused: %zu records that no longer verify (damaged bytes).\n", nref);
        json_int_t nlost = json_integer_value(json_object_get(report, "lost_count"));
        json_t *lost = json_object_get(report, "lost_records");
        if (nlost) {
            fprintf(f, "Lost here: %" JSON_INTEGER_FORMAT " records (", nlost);
            size_t i;
            json_t *d;
            json_array_foreach(lost, i, d) {
                const char *hall = json_string_value(json_object_get(d, "hall"));
                const char *role = json_string_value(json_object_get(d, "role"));
                fprintf(f, "%s%s %.8s seq ", i ? "; " : "",
                        hall ? hall : role && strcmp(role, "office") == 0 ? "office" : "device",
                        json_string_value(json_object_get(d, "device")));
                ranges_text(f, json_object_get(d, "seqs"));
            }
            fputs(").\n", f);
        }
        json_t *gone = json_object_get(report, "lost_appeals");
        if (json_array_size(gone)) {
            fprintf(f, "Appeals not on the wall now: %zu (", json_array_size(gone));
            size_t i;
            json_t *c;
            json_array_foreach(gone, i, c) {
                if (i == 10) {
                    fputs(", ...", f);
                    break;
                }
                fprintf(f, "%s%s", i ? ", " : "", json_string_value(c));
            }
            fputs(").\n", f);
        }
        if (nlost || json_array_size(gone) || json_object_get(report, "records_unchecked"))
            fputs("What the town office holds comes back by stick: sync this kiosk, take the "
                  "stick to the office and sync there, bring it back and sync again.\n",
                  f);
        json_t *own = json_object_get(report, "own_missing");
        if (own)
            fprintf(f, "This device's own records %" JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT
                       " are missing: until they come back it takes no new appeals, ratings or "
                       "meeting records (writing now would fork its chain). If the office does "
                       "not hold them either, enrol the kiosk again.\n",
                    json_integer_value(json_array_get(own, 0)),
                    json_integer_value(json_array_get(own, 1)));
        if (json_object_get(report, "records_unchecked"))
            fprintf(f, "Records were not taken (%s): they stay in the kept file.\n",
                    json_string_value(json_object_get(report, "records_unchecked")));
    }
    fclose(f);
    while (n && out[n - 1] == '\n')
        out[--n] = '\0';
    return out;
}

/* ---- the repair's file steps ---- */

/* A new name for the damaged file: PATH.damaged-YYYYMMDD-HHMMSS[-N]. */
static char *kept_name(const char *path)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int i = 0;; i++) {
        char *name = i ? ew_xasprintf("%s.damaged-%s-%d", path, stamp, i)
                       : ew_xasprintf("%s.damaged-%s", path, stamp);
        char *wal = suffixed(name, "-wal");
        int taken = exists(name) || exists(wal);
        free(wal);
        if (!taken)
            return name;
        free(name);
    }
}

/* A clean database may still be waiting for its own records after an
 * earlier repair: the report says so. */
static void own_gap_of(const char *path, json_t *report)
{
    sqlite3 *db;
    int64_t from, to;
    Beside was = beside_of(path);
    if (salvage_open(path, &db) != 0)
        return;
    if (device_own_gap(db, &from, &to))
        json_object_set_new(report, "own_missing",
                            json_pack("[I,I]", (json_int_t)from, (json_int_t)to));
    json_t *last = dbcheck_last(db);
    if (json_string_value(json_object_get(last, "kept")))
        json_object_set(report, "last_repair", json_object_get(last, "kept"));
    json_decref(last);
    db_close(db);
    beside_restore(path, was);
}

static int stopped(const DbcheckHooks *h, int step)
{
    return h && h->stop_after && step >= h->stop_after;
}

static int cut(EwErr *err)
{
    return ew_err(err, EW_EIO, "power cut (test)");
}

static int move(const char *from, const char *to, EwErr *err)
{
    if (!exists(from))
        return EW_OK;
    if (rename(from, to) != 0)
        return ew_err(err, EW_EIO, "cannot rename %s to %s: %s", from, to, strerror(errno));
    if (fsync_dir_of(to) != 0)
        return ew_err(err, EW_EIO, "cannot sync the folder of %s: %s", to, strerror(errno));
    return EW_OK;
}

/* Steps 2-4: the damaged file aside (its -wal first: a -wal left beside
 * the new file would be read into it), the rebuilt file in its place. */
static int swap_in(const char *path, const char *rebuilt, const char *kept,
                   const DbcheckHooks *h, EwErr *err)
{
    char *wal = suffixed(path, "-wal"), *kwal = suffixed(kept, "-wal");
    char *shm = suffixed(path, "-shm");
    int rc = move(wal, kwal, err);
    if (rc == EW_OK && stopped(h, 2))
        rc = cut(err);
    unlink(shm); /* the -wal's index, rebuilt from the -wal when it is read */
    if (rc == EW_OK)
        rc = move(path, kept, err);
    if (rc == EW_OK && stopped(h, 3))
        rc = cut(err);
    if (rc == EW_OK)
        rc = move(rebuilt, path, err);
    free(wal);
    free(kwal);
    free(shm);
    return rc;
}

/* A complete rebuilt file from an interrupted repair: its report names
 * the kept file; the renames are finished. */
static int finish_interrupted(const char *path, const char *rebuilt, const DbcheckHooks *h,
                              json_t **report, EwErr *err)
{
    sqlite3 *db;
    char *text = NULL;
    Beside was = beside_of(rebuilt);
    if (salvage_open(rebuilt, &db) == 0) {
        db_text(db, NULL, &text, "SELECT value FROM local_config WHERE key='dbcheck.report'",
                NULL);
        db_close(db);
    }
    beside_restore(rebuilt, was);
    json_t *r = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    const char *kept = json_string_value(json_object_get(r, "kept"));
    if (!kept)
        return ew_err(err, EW_ECORRUPT, "%s is left from an interrupted repair but its report "
                                        "cannot be read: move it away and check again",
                      rebuilt);
    int rc = swap_in(path, rebuilt, kept, h, err);
    if (rc == EW_OK) {
        json_object_set_new(r, "finished_interrupted", json_true());
        *report = r;
    } else {
        json_decref(r);
    }
    return rc;
}

int dbcheck_run(const char *path, int repair, const DbcheckHooks *hooks, json_t **report,
                EwErr *err)
{
    char *rebuild = suffixed(path, ".rebuild"), *rebuilt = suffixed(path, ".rebuilt");
    json_t *r = NULL;
    int rc = EW_OK;
    *report = NULL;
    if (exists(rebuilt)) {
        if (!repair) {
            r = json_pack("{s:s,s:[s]}", "state", "damaged", "problems",
                          "a repair was interrupted (power cut?): run with --repair to finish it");
            rc = EW_ECORRUPT;
        } else {
            rc = finish_interrupted(path, rebuilt, hooks, &r, err);
        }
        goto out;
    }
    if (!exists(path)) {
        r = json_pack("{s:s}", "state", "absent");
        goto out;
    }
    r = json_pack("{s:s,s:[]}", "state", "clean", "problems");
    if (integrity(path, json_object_get(r, "problems"))) {
        own_gap_of(path, r);
        goto out;
    }
    json_object_set_new(r, "state", json_string("damaged"));
    if (!repair) {
        rc = ew_err(err, EW_ECORRUPT, "the database %s is damaged", path);
        goto out;
    }
    /* A half-built file from an interrupted run is ours: start again. */
    salvage_remove_db(rebuild);
    char *bundle = suffixed(rebuild, ".bundle");
    unlink(bundle);
    free(bundle);
    /* (the copy with a new header, PATH.rebuild.src, is removed below) */
    char *kept = kept_name(path);
    json_object_set_new(r, "kept", json_string(kept));
    sqlite3 *src = NULL;
    Beside was = beside_of(path);
    char *from = suffixed(rebuild, ".src");
    salvage_remove_db(from);
    if (salvage_open(path, &src) == 0 && !salvage_readable(src)) {
        sqlite3_close(src);
        src = NULL;
        if (salvage_rescue_header(path, from) == 0 && salvage_open(from, &src) == 0)
            json_object_set_new(r, "header_rebuilt", json_true());
        else if (salvage_open(path, &src) != 0)
            src = NULL;
    }
    if (src) {
        rc = salvage(src, rebuild, r, err);
        sqlite3_close(src);
        salvage_remove_db(from);
        beside_restore(path, was);
    } else { /* nothing readable: an empty database with the report */
        json_object_set_new(r, "identity", json_string("lost"));
        json_object_set_new(r, "records_unchecked", json_string("the file cannot be opened"));
        sqlite3 *dst;
        rc = db_open(rebuild, 1, &dst, err);
        if (rc == EW_OK) {
            char *text = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
            rc = db_run(dst, err, "INSERT INTO local_config VALUES('dbcheck.report', ?)", "t",
                        text);
            free(text);
            db_close(dst);
        }
    }
    if (rc == EW_OK && stopped(hooks, 1)) { /* the unsynced tail is lost */
        if (truncate(rebuild, 512) != 0)
            unlink(rebuild);
        rc = cut(err);
    }
    char *rwal = suffixed(rebuild, "-wal");
    if (rc == EW_OK && (fsync_path(rebuild) != 0 || exists(rwal)))
        rc = ew_err(err, EW_EIO, "cannot finish %s", rebuild);
    free(rwal);
    if (rc == EW_OK)
        rc = move(rebuild, rebuilt, err);
    if (rc == EW_OK)
        rc = swap_in(path, rebuilt, kept, hooks, err);
    free(kept);
    free(from);
    if (rc == EW_OK)
        json_object_set_new(r, "state", json_string("repaired"));
out:
    if (r) {
        char *text = report_text(r);
        json_object_set_new(r, "text", json_string(text));
        free(text);
    }
    *report = r;
    free(rebuild);
    free(rebuilt);
    return rc;
}

int dbcheck_salvage(sqlite3 *db, const char *file, json_t **report, EwErr *err)
{
    json_t *r = json_pack("{s:s,s:s}", "state", "salvaged", "from", file);
    *report = r;
    unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
    if (!device_exists(db) || device_town_pk(db, town_pk) != 0)
        return ew_err(err, EW_ESTATE, "this device is not enrolled: enrol it first (its town "
                                      "key checks the records), then take them from %s",
                      file);
    if (!exists(file))
        return ew_err(err, EW_ENOTFOUND, "no file %s", file);
    const char *me = sqlite3_db_filename(db, "main");
    char *base = ew_xstrdup(me && *me ? me : file);
    char *bpath = suffixed(base, ".salvage-bundle"), *copy = suffixed(base, ".salvage-src");
    Beside was = beside_of(file);
    sqlite3 *src = NULL;
    if (salvage_open(file, &src) == 0 && !salvage_readable(src)) {
        sqlite3_close(src);
        src = NULL;
        if (salvage_rescue_header(file, copy) == 0 && salvage_open(copy, &src) == 0)
            json_object_set_new(r, "header_rebuilt", json_true());
    }
    int rc = EW_OK;
    if (!src) {
        rc = ew_err(err, EW_ECORRUPT, "nothing in %s can be read as an echowall database", file);
    } else {
        json_t *salvaged = json_object();
        json_object_set(r, "salvaged", salvaged);
        salvage_read_keys(src, db, NULL);
        rc = take_records(src, db, bpath, salvaged, r, err);
        if (rc == EW_OK) {
            int64_t nlost = 0;
            json_object_set_new(r, "lost_records", salvage_lost_records(db, &nlost));
            json_object_set_new(r, "lost_count", json_integer(nlost));
        }
        db_exec(db, NULL,
                "DROP TABLE IF EXISTS temp.was_rec; DROP TABLE IF EXISTS temp.was_appeal");
        json_decref(salvaged);
        sqlite3_close(src);
    }
    salvage_remove_db(copy);
    beside_restore(file, was);
    free(bpath);
    free(copy);
    free(base);
    char *text = report_text(r);
    json_object_set_new(r, "text", json_string(text));
    free(text);
    return rc;
}

json_t *dbcheck_last(sqlite3 *db)
{
    char *text = NULL;
    db_text(db, NULL, &text, "SELECT value FROM local_config WHERE key='dbcheck.report'", NULL);
    json_t *r = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (r && !json_object_get(r, "text")) {
        json_object_set_new(r, "state", json_string("repaired"));
        char *t = report_text(r);
        json_object_set_new(r, "text", json_string(t));
        free(t);
    }
    return r;
}
