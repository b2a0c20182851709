/*
 * backup.c: encrypted office backups and restore (see backup.h).
 */
#include "backup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cert.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "sync.h"

#define MAGIC "EWBAK\1\0\0"
#define PREAMBLE (8 + 16 + 8 + 8 + crypto_secretstream_xchacha20poly1305_HEADERBYTES)
#define CHUNK 65536
#define BACKUP_MAX (4ULL << 30)

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int check_passphrase(const char *p, EwErr *err)
{
    if (!p || strlen(p) < BACKUP_PASSPHRASE_MIN)
        return ew_err(err, EW_EINPUT, "the backup passphrase must have at least %d characters",
                      BACKUP_PASSPHRASE_MIN);
    return EW_OK;
}

static int derive(unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES],
                  const char *pass, const unsigned char *salt, uint64_t ops, uint64_t mem)
{
    return crypto_pwhash(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, pass, strlen(pass),
                         salt, ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13);
}

/* Encrypts the file at plain into the open stream out. */
static int encrypt_file(const char *plain, FILE *out, const char *pass, EwErr *err)
{
    unsigned char pre[PREAMBLE], key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    uint64_t ops = crypto_pwhash_OPSLIMIT_INTERACTIVE, mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    memcpy(pre, MAGIC, 8);
    randombytes_buf(pre + 8, 16);
    put64(pre + 24, ops);
    put64(pre + 32, mem);
    if (derive(key, pass, pre + 8, ops, mem) != 0)
        return ew_err(err, EW_EIO, "not enough memory to derive the backup key");
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_secretstream_xchacha20poly1305_init_push(&st, pre + 40, key);
    sodium_memzero(key, sizeof key);
    FILE *in = fopen(plain, "rb");
    if (!in)
        return ew_err(err, EW_EIO, "cannot read the database copy");
    int bad = fwrite(pre, 1, sizeof pre, out) != sizeof pre;
    unsigned char *buf = ew_xmalloc(CHUNK), *c = ew_xmalloc(CHUNK + 17);
    size_t n = fread(buf, 1, CHUNK, in);
    while (!bad) {
        unsigned char next[1];
        size_t more = fread(next, 1, 1, in);
        unsigned char tag = more ? 0 : crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        unsigned long long clen;
        crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, buf, n, pre, sizeof pre, tag);
        unsigned char len[4] = {(unsigned char)(clen >> 24), (unsigned char)(clen >> 16),
                                (unsigned char)(clen >> 8), (unsigned char)clen};
        bad = fwrite(len, 1, 4, out) != 4 || fwrite(c, 1, (size_t)clen, out) != clen;
        if (!more)
            break;
        buf[0] = next[0];
        n = 1 + fread(buf + 1, 1, CHUNK - 1, in);
    }
    bad |= ferror(in);
    fclose(in);
    free(buf);
    free(c);
    return bad ? ew_err(err, EW_EIO, "cannot write the backup") : EW_OK;
}

int backup_write(sqlite3 *db, StickIO *io, const char *dir, const char *passphrase,
                 char name_out[64], EwErr *err)
{
    int rc = check_passphrase(passphrase, err);
    if (rc)
        return rc;
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    if ((rc = device_town_sk(db, sk, err)))
        return ew_err(err, EW_EDENIED, "only the office station makes backups");
    sodium_memzero(sk, sizeof sk);
    const char *path = sqlite3_db_filename(db, "main");
    char *copy = ew_xasprintf("%s.backup-copy", path), *enc = ew_xasprintf("%s.backup-enc", path);
    unlink(copy);
    char *sql = sqlite3_mprintf("VACUUM INTO %Q", copy);
    rc = db_exec(db, err, sql);
    sqlite3_free(sql);
    FILE *out = rc ? NULL : fopen(enc, "w+b");
    if (rc == EW_OK && !out)
        rc = ew_err(err, EW_EIO, "cannot write %s", enc);
    if (rc == EW_OK)
        rc = encrypt_file(copy, out, passphrase, err);
    if (rc == EW_OK && fflush(out) != 0)
        rc = ew_err(err, EW_EIO, "cannot write the backup");
    char *edir = ew_xasprintf("%s/echowall", dir);
    if (rc == EW_OK) {
        int mk = io->mkdir(io, edir);
        if (mk < 0 && mk != -EEXIST)
            rc = ew_err(err, EW_EIO, "cannot make %s: %s", edir, stickio_strerror(mk));
        else if (mk == 0)
            io->fsync_dir(io, dir);
    }
    if (rc == EW_OK) {
        char day[11];
        clock_format_day(db_today(db), day);
        StickEntry *ents = NULL;
        size_t n = 0;
        io->list(io, edir, &ents, &n);
        for (int k = 1; k < 1000; k++) {
            if (k == 1)
                snprintf(name_out, 64, "backup-%s.ewbak", day);
            else
                snprintf(name_out, 64, "backup-%s-%d.ewbak", day, k);
            int taken = 0;
            for (size_t i = 0; i < n; i++)
                taken |= strcmp(ents[i].name, name_out) == 0;
            if (!taken)
                break;
        }
        free(ents);
        rc = sync_put_file(io, edir, name_out, NULL, 0, out, err);
    }
    if (out)
        fclose(out);
    unlink(copy);
    unlink(enc);
    free(copy);
    free(enc);
    free(edir);
    return rc;
}

/* Decrypts the local file enc into plain; EW_ECORRUPT when the passphrase
 * is wrong or the file damaged or cut short. */
static int decrypt_file(const char *enc, const char *plain, const char *pass, BackupWhy *why,
                        EwErr *err)
{
    FILE *in = fopen(enc, "rb");
    if (!in)
        return ew_err(err, EW_EIO, "cannot read the backup copy");
    FILE *out = fopen(plain, "wbx");
    if (!out) {
        fclose(in);
        return ew_err(err, EW_EIO, "cannot write %s", plain);
    }
    unsigned char pre[PREAMBLE], key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    int rc = EW_OK;
    uint64_t ops = 0, mem = 0;
    if (fread(pre, 1, sizeof pre, in) != sizeof pre || memcmp(pre, MAGIC, 8) != 0)
        rc = ew_err(err, EW_ECORRUPT, "not an echowall backup");
    if (rc == EW_OK) {
        ops = get64(pre + 24);
        mem = get64(pre + 32);
        if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
            mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
            rc = ew_err(err, EW_ECORRUPT, "the backup's key parameters are damaged");
    }
    if (rc == EW_OK && derive(key, pass, pre + 8, ops, mem) != 0)
        rc = ew_err(err, EW_EIO, "not enough memory to derive the backup key");
    crypto_secretstream_xchacha20poly1305_state st;
    if (rc == EW_OK &&
        crypto_secretstream_xchacha20poly1305_init_pull(&st, pre + 40, key) != 0)
        rc = ew_err(err, EW_ECORRUPT, "the backup is damaged");
    sodium_memzero(key, sizeof key);
    unsigned char *c = ew_xmalloc(CHUNK + 17), *m = ew_xmalloc(CHUNK);
    int final = 0, first = 1;
    while (rc == EW_OK && !final) {
        unsigned char len[4];
        if (fread(len, 1, 4, in) != 4) {
            rc = ew_err(err, EW_ECORRUPT, "the backup is cut short");
            break;
        }
        size_t clen = (size_t)len[0] << 24 | (size_t)len[1] << 16 | (size_t)len[2] << 8 | len[3];
        unsigned long long mlen;
        unsigned char tag;
        if (clen < 17 || clen > CHUNK + 17 || fread(c, 1, clen, in) != clen)
            rc = ew_err(err, EW_ECORRUPT, "the backup is cut short or damaged");
        else if (crypto_secretstream_xchacha20poly1305_pull(&st, m, &mlen, &tag, c, clen, pre,
                                                            sizeof pre) != 0) {
            rc = ew_err(err, EW_ECORRUPT, first ? "wrong passphrase, or the backup is damaged"
                                                : "the backup is damaged");
            *why = first ? BACKUP_WHY_PASSPHRASE : BACKUP_WHY_DAMAGED;
        } else if (fwrite(m, 1, (size_t)mlen, out) != mlen) {
            rc = ew_err(err, EW_EIO, "cannot write %s: %s", plain, strerror(errno));
            *why = errno == ENOSPC || errno == EFBIG || errno == EDQUOT ? BACKUP_WHY_NO_ROOM
                                                                        : BACKUP_WHY_OTHER;
        }
        final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
        first = 0;
    }
    unsigned char extra;
    if (rc == EW_OK && fread(&extra, 1, 1, in) == 1)
        rc = ew_err(err, EW_ECORRUPT, "the backup has data after its end");
    sodium_memzero(m, CHUNK);
    free(c);
    free(m);
    fclose(in);
    if ((fflush(out) != 0 || fsync(fileno(out)) != 0) && rc == EW_OK) {
        rc = ew_err(err, EW_EIO, "cannot write %s: %s", plain, strerror(errno));
        *why = errno == ENOSPC || errno == EFBIG || errno == EDQUOT ? BACKUP_WHY_NO_ROOM
                                                                    : BACKUP_WHY_OTHER;
    }
    fclose(out);
    if (rc && *why == BACKUP_WHY_NONE)
        *why = rc == EW_ECORRUPT ? BACKUP_WHY_DAMAGED : BACKUP_WHY_OTHER;
    return rc;
}

/* Gives the restored office a new identity under the same town key. */
static int new_identity(sqlite3 *db, json_t *report, EwErr *err)
{
    Author old;
    unsigned char town_sk[crypto_sign_SECRETKEYBYTES], town_pk[crypto_sign_PUBLICKEYBYTES];
    int rc = device_load_self(db, &old, err);
    if (rc == EW_OK && strcmp(old.role, "office") != 0)
        rc = ew_err(err, EW_ECORRUPT, "the backup is not of an office station");
    if (rc == EW_OK)
        rc = device_town_sk(db, town_sk, err);
    if (rc)
        return rc;
    crypto_sign_ed25519_sk_to_pk(town_pk, town_sk);
    Author a;
    DeviceSpec spec = {.role = "office"};
    device_make_author(&a, &spec);
    a.slot = 0;
    for (char s = '2'; s <= '9' && !a.slot; s++) {
        char slot[2] = {s, 0};
        int64_t used = 0;
        db_int(db, NULL, &used, 0, "SELECT count(*) FROM devices WHERE role='office' AND slot=?",
               "t", slot);
        if (!used)
            a.slot = s;
    }
    if (!a.slot)
        rc = ew_err(err, EW_ESTATE, "no office slot left (2-9 all used by earlier offices)");
    char slot[2] = {a.slot, 0};
    unsigned char zeros[EW_HASH_LEN] = {0};
    if (rc == EW_OK)
        rc = db_run(db, err,
                    "UPDATE device_self SET device=?, pk=?, sk=?, slot=?, next_seq=1, prev=?, "
                    "code_next=0, meeting_next=1, manifest_next=1",
                    "bbbtb", a.id, (size_t)EW_DEVICE_LEN, a.pk, sizeof a.pk, a.sk, sizeof a.sk,
                    slot, zeros, sizeof zeros);
    if (rc == EW_OK)
        rc = device_register(db, &a, town_sk, err);
    if (rc == EW_OK) {
        char o[33], n[33], fp[20];
        int64_t records = 0;
        device_hex(old.id, o);
        device_hex(a.id, n);
        cert_fingerprint(town_pk, fp);
        db_int(db, NULL, &records, 0, "SELECT count(*) FROM records", NULL);
        json_object_set_new(report, "old_device", json_string(o));
        json_object_set_new(report, "new_device", json_string(n));
        json_object_set_new(report, "slot", json_string(slot));
        json_object_set_new(report, "records", json_integer(records));
        json_object_set_new(report, "fingerprint", json_string(fp));
    }
    sodium_memzero(town_sk, sizeof town_sk);
    sodium_memzero(&a, sizeof a);
    sodium_memzero(&old, sizeof old);
    return rc;
}

/* The size of the stick file at path (its folder listed), or 0. */
static uint64_t stick_size(StickIO *io, const char *path)
{
    char *dir = ew_xstrdup(path), *slash = strrchr(dir, '/');
    uint64_t size = 0;
    if (slash) {
        *slash = 0;
        StickEntry *ents = NULL;
        size_t n = 0;
        if (io->list(io, *dir ? dir : "/", &ents, &n) == 0)
            for (size_t i = 0; i < n; i++)
                if (ents[i].type == STICK_REG && strcmp(ents[i].name, slash + 1) == 0)
                    size = ents[i].size;
        free(ents);
    }
    free(dir);
    return size;
}

/* backup_restore, saying why it failed. */
static int restore_file(StickIO *io, const char *path, const char *passphrase,
                        const char *db_path, json_t **report, BackupWhy *why, EwErr *err)
{
    *why = BACKUP_WHY_NONE;
    *report = json_pack("{s:s}", "file", path);
    int rc = check_passphrase(passphrase, err);
    if (rc)
        return rc;
    struct stat sb;
    if (lstat(db_path, &sb) == 0)
        return ew_err(err, EW_ESTATE, "%s already exists: restore into a new database path",
                      db_path);
    char *enc = ew_xasprintf("%s.restore-enc", db_path), *plain = ew_xasprintf("%s.restore", db_path);
    unlink(enc);
    unlink(plain);
    unsigned char hash[32];
    uint64_t len = 0;
    int io_rc = io->copy_out(io, path, enc, BACKUP_MAX, hash, &len);
    /* The local copy's errors come back as negative errno values too: a
     * full disk, or a file larger than this station may write (EFBIG, as
     * from a stick file over the cap: told apart by the file's size). */
    int local = io_rc == -ENOSPC || io_rc == -EDQUOT ||
                (io_rc == -EFBIG && stick_size(io, path) <= BACKUP_MAX);
    if (io_rc < 0 && local) {
        rc = ew_err(err, EW_EIO, "cannot copy %s onto this station's disk: %s", path,
                    strerror(-io_rc));
        *why = BACKUP_WHY_NO_ROOM;
    } else if (io_rc < 0) {
        rc = ew_err(err, io_rc == -EIO ? EW_EIO : EW_ECORRUPT, "cannot read %s: %s", path,
                    stickio_strerror(io_rc));
        *why = io_rc == -EIO || io_rc == -ENOENT ? BACKUP_WHY_STICK : BACKUP_WHY_DAMAGED;
    }
    if (rc == EW_OK)
        rc = decrypt_file(enc, plain, passphrase, why, err);
    unlink(enc);
    sqlite3 *db = NULL;
    if (rc == EW_OK)
        rc = db_open(plain, 0, &db, err);
    if (rc == EW_OK)
        rc = db_begin(db, err);
    if (rc == EW_OK && (rc = new_identity(db, *report, err)) == EW_ECORRUPT)
        *why = BACKUP_WHY_DAMAGED; /* not an office's */
    if (rc == EW_OK)
        rc = db_commit(db, err);
    else if (db)
        db_rollback(db);
    if (db && rc == EW_OK)
        rc = db_exec(db, err, "PRAGMA wal_checkpoint(TRUNCATE)");
    db_close(db);
    if (rc == EW_OK && rename(plain, db_path) != 0)
        rc = ew_err(err, EW_EIO, "cannot move the restored database to %s", db_path);
    if (rc) {
        unlink(plain);
    }
    char *wal = ew_xasprintf("%s-wal", plain), *shm = ew_xasprintf("%s-shm", plain);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    free(enc);
    free(plain);
    if (rc && *why == BACKUP_WHY_NONE)
        *why = BACKUP_WHY_OTHER;
    return rc;
}

int backup_restore(StickIO *io, const char *path, const char *passphrase, const char *db_path,
                   json_t **report, EwErr *err)
{
    BackupWhy why;
    return restore_file(io, path, passphrase, db_path, report, &why, err);
}

int backup_restore_into(sqlite3 *db, StickIO *io, const char *path, const char *passphrase,
                        json_t **report, BackupWhy *why, EwErr *err)
{
    *report = NULL;
    *why = BACKUP_WHY_NONE;
    int64_t records = 0;
    int rc = db_int(db, err, &records, 0, "SELECT count(*) FROM records", NULL);
    if (rc == EW_OK && (records > 0 || device_certified(db))) {
        *why = BACKUP_WHY_NOT_BLANK;
        return ew_err(err, EW_ESTATE, "this station already holds a town's data: a backup is "
                                      "restored only onto a new, blank station");
    }
    if (rc) {
        *why = BACKUP_WHY_OTHER;
        return rc;
    }
    const char *db_path = sqlite3_db_filename(db, "main");
    if (!db_path || !*db_path) {
        *why = BACKUP_WHY_OTHER;
        return ew_err(err, EW_ESTATE, "the database has no file to restore beside");
    }
    /* Room for the encrypted copy, the database and its copy into db. */
    char *dir = ew_xstrdup(db_path), *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir] = 0; /* the folder ("/" for a file at the root) */
    struct statvfs vfs;
    uint64_t size = stick_size(io, path);
    if (statvfs(slash ? dir : ".", &vfs) == 0) {
        uint64_t room = (uint64_t)vfs.f_bavail * vfs.f_frsize, need = 3 * size + (1u << 20);
        if (room < need) {
            *why = BACKUP_WHY_NO_ROOM;
            rc = ew_err(err, EW_EIO, "not enough room on this station's disk: %llu MB needed, "
                                     "%llu MB free",
                        (unsigned long long)(need >> 20), (unsigned long long)(room >> 20));
        }
    }
    free(dir);
    if (rc)
        return rc;
    char *tmp = ew_xasprintf("%s.restore-new", db_path);
    char *side[3] = {ew_xasprintf("%s-wal", tmp), ew_xasprintf("%s-shm", tmp),
                     ew_xasprintf("%s-journal", tmp)};
    unlink(tmp); /* a power cut's leftovers: nothing of them is trusted */
    for (int i = 0; i < 3; i++)
        unlink(side[i]);
    rc = restore_file(io, path, passphrase, tmp, report, why, err);
    sqlite3 *from = NULL;
    if (rc == EW_OK && sqlite3_open_v2(tmp, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW,
                                       NULL) != SQLITE_OK)
        rc = ew_err(err, EW_EIO, "cannot open the restored copy: %s",
                    from ? sqlite3_errmsg(from) : "out of memory");
    if (rc == EW_OK) {
        /* One write transaction on db: all of the backup's pages, or none. */
        sqlite3_backup *b = sqlite3_backup_init(db, "main", from, "main");
        int step = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(db);
        int fin = b ? sqlite3_backup_finish(b) : step;
        if (step != SQLITE_DONE || fin != SQLITE_OK) {
            int ext = step != SQLITE_DONE ? step : fin;
            rc = ew_err(err, EW_EIO, "cannot copy the restored database in: %s",
                        sqlite3_errstr(ext));
            *why = (ext & 0xff) == SQLITE_FULL ? BACKUP_WHY_NO_ROOM : BACKUP_WHY_OTHER;
        }
    }
    if (from)
        sqlite3_close(from);
    if (rc == EW_OK)
        rc = db_exec(db, err, "PRAGMA wal_checkpoint(TRUNCATE)");
    unlink(tmp);
    for (int i = 0; i < 3; i++) {
        unlink(side[i]);
        free(side[i]);
    }
    free(tmp);
    if (rc && *why == BACKUP_WHY_NONE)
        *why = BACKUP_WHY_OTHER;
    return rc;
}
