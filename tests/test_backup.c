/*
 * test_backup.c: the office's encrypted backup and restore (backup.c).
 *
 * A backup restores to the same town state under a new office device; a
 * wrong passphrase, any flipped byte and a cut-short file restore nothing;
 * only the office makes backups; a new station's blank database takes a
 * backup in place (the first-run screen's restore), or refuses it leaving
 * nothing behind; and after a restore the halls' next syncs bring back
 * what the backup lacked.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appeal.h"
#include "backup.h"
#include "cert.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "memfs.h"
#include "sync.h"
#include "testutil.h"
#include "view.h"

#define PASS "correct horse battery staple"
#define DEMO_SEED 3

typedef struct Fix {
    char *dir;
    StickIO *io;
    int64_t today;
} Fix;

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->io = memfs_new();
    f->io->mkdir(f->io, "/stick");
    tu_pin_day("2026-11-20");
    clock_parse_day("2026-11-20", &f->today);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    memfs_free(f->io);
    tu_rmdir(f->dir);
    free(f->dir);
    free(f);
    clock_set_fixed(0);
    return 0;
}

static void sync_ok(sqlite3 *db, StickIO *io)
{
    json_t *r = NULL;
    EwErr e = {0};
    int rc = sync_stick(db, io, "/stick", &r, &e);
    if (rc)
        fail_msg("sync: %s", e.msg);
    assert_int_equal(json_array_size(json_object_get(r, "refused")), 0);
    json_decref(r);
}

/* The one backup file on the memfs stick, read out. */
static unsigned char *backup_bytes(StickIO *io, char *name, size_t *len)
{
    StickEntry *ents = NULL;
    size_t n = 0;
    assert_int_equal(io->list(io, "/stick/echowall", &ents, &n), 0);
    char path[400] = "";
    for (size_t i = 0; i < n; i++)
        if (strncmp(ents[i].name, "backup-", 7) == 0)
            snprintf(path, sizeof path, "/stick/echowall/%s", ents[i].name);
    free(ents);
    assert_true(path[0]);
    unsigned char *data = NULL;
    assert_int_equal(io->read_file(io, path, 1 << 30, &data, len), 0);
    if (name)
        strcpy(name, path);
    return data;
}

static void test_round_trip(void **state)
{
    Fix *f = *state;
    sqlite3 *office = tu_demo_db(f->dir, "office.db", DEMO_SEED, NULL, f->today);
    EwErr e = {0};
    char name[64];
    assert_int_equal(backup_write(office, f->io, "/stick", PASS, name, &e), EW_OK);
    assert_string_equal(name, "backup-2026-11-20.ewbak");
    /* A second backup the same day gets a name of its own. */
    char name2[64];
    assert_int_equal(backup_write(office, f->io, "/stick", PASS, name2, &e), EW_OK);
    assert_string_equal(name2, "backup-2026-11-20-2.ewbak");

    char *restored = tu_path(f->dir, "restored.db");
    json_t *report = NULL;
    assert_int_equal(backup_restore(f->io, "/stick/echowall/backup-2026-11-20.ewbak", PASS,
                                    restored, &report, &e),
                     EW_OK);
    sqlite3 *r;
    assert_int_equal(db_open(restored, 0, &r, &e), EW_OK);
    /* Same records, same state. */
    char *a = tu_dump_state(office), *b = tu_dump_state(r);
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* A new office device, a new slot, the same town key. */
    Author old, now;
    assert_int_equal(device_load_self(office, &old, &e), EW_OK);
    assert_int_equal(device_load_self(r, &now, &e), EW_OK);
    assert_memory_not_equal(old.id, now.id, EW_DEVICE_LEN);
    assert_memory_not_equal(old.pk, now.pk, sizeof old.pk);
    assert_int_equal(now.next_seq, 1);
    assert_true(now.slot != old.slot);
    unsigned char pk1[32], pk2[32];
    assert_int_equal(device_town_pk(office, pk1), 0);
    assert_int_equal(device_town_pk(r, pk2), 0);
    assert_memory_equal(pk1, pk2, 32);
    char fp[20];
    cert_fingerprint(pk1, fp);
    assert_string_equal(json_string_value(json_object_get(report, "fingerprint")), fp);
    /* It works as an office: a new appeal gets a code in its own slot. */
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = "H03", .category = "water", .text = "水渠堵了"};
    assert_int_equal(db_begin(r, &e), EW_OK);
    assert_int_equal(appeal_add(r, &now, &in, 0, code, rating, &e), EW_OK);
    assert_int_equal(db_commit(r, &e), EW_OK);
    assert_int_equal(code[4], now.slot);
    /* Restoring over an existing database is refused. */
    json_decref(report);
    assert_int_equal(backup_restore(f->io, "/stick/echowall/backup-2026-11-20.ewbak", PASS,
                                    restored, &report, &e),
                     EW_ESTATE);
    json_decref(report);
    db_close(r);
    db_close(office);
    free(restored);
}

static void test_refusals(void **state)
{
    Fix *f = *state;
    sqlite3 *office = tu_demo_db(f->dir, "office.db", DEMO_SEED, NULL, f->today);
    sqlite3 *hall = tu_demo_db(f->dir, "hall.db", DEMO_SEED, "H07", f->today);
    EwErr e = {0};
    char name[64];
    assert_int_equal(backup_write(hall, f->io, "/stick", PASS, name, &e), EW_EDENIED);
    assert_int_equal(backup_write(office, f->io, "/stick", "short", name, &e), EW_EINPUT);
    assert_int_equal(backup_write(office, f->io, "/stick", PASS, name, &e), EW_OK);
    size_t len;
    char path[400];
    unsigned char *good = backup_bytes(f->io, path, &len);
    char *target = tu_path(f->dir, "target.db");
    json_t *report = NULL;

    /* Wrong passphrase. */
    assert_int_equal(backup_restore(f->io, path, "another passphrase", target, &report, &e),
                     EW_ECORRUPT);
    assert_non_null(strstr(e.msg, "passphrase"));
    json_decref(report);
    assert_int_not_equal(access(target, F_OK), 0);

    /* A flipped byte anywhere: preamble, stream header, first and last chunk. */
    size_t spots[] = {3, 10, 30, 50, 70, 200, len / 2, len - 1};
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        unsigned char *bad = malloc(len);
        memcpy(bad, good, len);
        bad[spots[i]] ^= 0x40;
        char fpath[64];
        snprintf(fpath, sizeof fpath, "/stick/flipped-%zu.ewbak", i);
        assert_int_equal(memfs_add_file(f->io, fpath, bad, len), 0);
        int rc = backup_restore(f->io, fpath, PASS, target, &report, &e);
        if (rc == EW_OK)
            fail_msg("a byte flipped at %zu restored", spots[i]);
        json_decref(report);
        assert_int_not_equal(access(target, F_OK), 0);
        free(bad);
    }
    /* Cut short: by one byte, at a chunk boundary, after the preamble. */
    size_t cuts[] = {len - 1, 64 + 4 + 65536 + 17, 64, 10, 0};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        if (cuts[i] >= len)
            continue;
        char fpath[64];
        snprintf(fpath, sizeof fpath, "/stick/cut-%zu.ewbak", i);
        assert_int_equal(memfs_add_file(f->io, fpath, good, cuts[i]), 0);
        assert_int_not_equal(backup_restore(f->io, fpath, PASS, target, &report, &e), EW_OK);
        json_decref(report);
        assert_int_not_equal(access(target, F_OK), 0);
    }
    /* Data after the end. */
    unsigned char *longer = malloc(len + 5);
    memcpy(longer, good, len);
    memset(longer + len, 'x', 5);
    assert_int_equal(memfs_add_file(f->io, "/stick/long.ewbak", longer, len + 5), 0);
    assert_int_equal(backup_restore(f->io, "/stick/long.ewbak", PASS, target, &report, &e),
                     EW_ECORRUPT);
    json_decref(report);
    /* A link is not followed. */
    assert_int_equal(memfs_add_symlink(f->io, "/stick/link.ewbak", path), 0);
    assert_int_not_equal(backup_restore(f->io, "/stick/link.ewbak", PASS, target, &report, &e),
                         EW_OK);
    json_decref(report);
    assert_int_not_equal(access(target, F_OK), 0);
    free(longer);
    free(good);
    free(target);
    db_close(hall);
    db_close(office);
}

/* Only the file at dir made by the test (and SQLite's own beside it). */
static void only_db_in(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && strncmp(e->d_name, name, strlen(name)) == 0 &&
            strcmp(e->d_name, name) != 0 && strcmp(e->d_name + strlen(name), "-wal") != 0 &&
            strcmp(e->d_name + strlen(name), "-shm") != 0)
            fail_msg("left behind: %s", e->d_name);
    closedir(d);
}

/* A new station's first start: the backup restored into its open, blank
 * database; every refusal (wrong passphrase, a damaged or cut-short file,
 * a missing one, a station that holds data) leaves it blank with nothing
 * beside it, and says why. */
static void test_restore_into(void **state)
{
    Fix *f = *state;
    sqlite3 *office = tu_demo_db(f->dir, "office.db", DEMO_SEED, NULL, f->today);
    EwErr e = {0};
    char name[64], path[400];
    assert_int_equal(backup_write(office, f->io, "/stick", PASS, name, &e), EW_OK);
    size_t len;
    unsigned char *good = backup_bytes(f->io, path, &len);
    int64_t want = 0;
    assert_int_equal(db_int(office, NULL, &want, 0, "SELECT count(*) FROM appeals", NULL), EW_OK);
    char *blank_path = tu_path(f->dir, "new.db");
    sqlite3 *blank = NULL;
    assert_int_equal(db_open(blank_path, 1, &blank, &e), EW_OK); /* as the kiosk makes it */
    json_t *report = NULL;
    BackupWhy why;
    int64_t n = -1;

    assert_int_equal(backup_restore_into(blank, f->io, path, "another passphrase", &report, &why,
                                         &e), EW_ECORRUPT);
    assert_int_equal(why, BACKUP_WHY_PASSPHRASE);
    json_decref(report);
    unsigned char *bad = malloc(len);
    memcpy(bad, good, len);
    bad[len / 2] ^= 1;
    assert_int_equal(memfs_add_file(f->io, "/stick/echowall/flipped.ewbak", bad, len), 0);
    assert_int_not_equal(backup_restore_into(blank, f->io, "/stick/echowall/flipped.ewbak", PASS,
                                             &report, &why, &e), EW_OK);
    assert_int_equal(why, BACKUP_WHY_DAMAGED);
    json_decref(report);
    assert_int_equal(memfs_add_file(f->io, "/stick/echowall/cut.ewbak", good, len - 100), 0);
    assert_int_not_equal(backup_restore_into(blank, f->io, "/stick/echowall/cut.ewbak", PASS,
                                             &report, &why, &e), EW_OK);
    assert_int_equal(why, BACKUP_WHY_DAMAGED);
    json_decref(report);
    assert_int_not_equal(backup_restore_into(blank, f->io, "/stick/echowall/gone.ewbak", PASS,
                                             &report, &why, &e), EW_OK);
    assert_int_equal(why, BACKUP_WHY_STICK);
    json_decref(report);
    /* Still blank, nothing beside it. */
    assert_int_equal(db_int(blank, NULL, &n, -1, "SELECT count(*) FROM records", NULL), EW_OK);
    assert_int_equal(n, 0);
    only_db_in(f->dir, "new.db");

    /* The right passphrase: the open connection now shows the town, as a
     * new office device under the same town key. */
    assert_int_equal(backup_restore_into(blank, f->io, path, PASS, &report, &why, &e), EW_OK);
    assert_int_equal(why, BACKUP_WHY_NONE);
    assert_int_equal(db_int(blank, NULL, &n, -1, "SELECT count(*) FROM appeals", NULL), EW_OK);
    assert_int_equal(n, want);
    Author self, old;
    assert_int_equal(device_load_self(blank, &self, &e), EW_OK);
    assert_int_equal(device_load_self(office, &old, &e), EW_OK);
    assert_string_equal(self.role, "office");
    assert_memory_not_equal(self.id, old.id, EW_DEVICE_LEN);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char fp[20];
    assert_int_equal(device_town_pk(blank, pk), 0);
    cert_fingerprint(pk, fp);
    assert_string_equal(json_string_value(json_object_get(report, "fingerprint")), fp);
    json_decref(report);
    only_db_in(f->dir, "new.db");
    /* It holds a town now: a second restore is refused, and changes nothing. */
    assert_int_equal(backup_restore_into(blank, f->io, path, PASS, &report, &why, &e), EW_ESTATE);
    assert_int_equal(why, BACKUP_WHY_NOT_BLANK);
    json_decref(report);
    Author again;
    assert_int_equal(device_load_self(blank, &again, &e), EW_OK);
    assert_memory_equal(again.id, self.id, EW_DEVICE_LEN);
    /* Opened anew from its file, the same. */
    db_close(blank);
    assert_int_equal(db_open(blank_path, 0, &blank, &e), EW_OK);
    assert_int_equal(db_int(blank, NULL, &n, -1, "SELECT count(*) FROM appeals", NULL), EW_OK);
    assert_int_equal(n, want);
    sodium_memzero(&self, sizeof self);
    sodium_memzero(&old, sizeof old);
    sodium_memzero(&again, sizeof again);
    db_close(blank);
    db_close(office);
    free(bad);
    free(good);
    free(blank_path);
}

/* The office is lost after the backup; the hall's next sync resends what
 * the backup lacked. */
static void test_halls_resend(void **state)
{
    Fix *f = *state;
    sqlite3 *office = tu_demo_db(f->dir, "office.db", DEMO_SEED, NULL, f->today);
    sqlite3 *hall = tu_demo_db(f->dir, "hall.db", DEMO_SEED, "H07", f->today);
    sync_ok(hall, f->io);
    sync_ok(office, f->io);
    EwErr e = {0};
    char name[64];
    assert_int_equal(backup_write(office, f->io, "/stick", PASS, name, &e), EW_OK);
    /* After the backup: the hall takes an appeal and the office gets it. */
    Author h;
    assert_int_equal(device_load_self(hall, &h, &e), EW_OK);
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = "H07", .category = "road_bridge", .text = "桥面塌了一块", .source = "kiosk"};
    assert_int_equal(db_begin(hall, &e), EW_OK);
    assert_int_equal(appeal_add(hall, &h, &in, 0, code, rating, &e), EW_OK);
    assert_int_equal(db_commit(hall, &e), EW_OK);
    sync_ok(hall, f->io);
    sync_ok(office, f->io);
    sync_ok(hall, f->io); /* the hall learns that the office holds it */
    json_t *o = NULL;
    assert_int_equal(view_appeal(office, code, &o, &e), EW_OK);
    json_decref(o);
    db_close(office); /* the office station dies */
    tu_pin_day("2026-11-21"); /* the office's clock moves on */

    char *restored = tu_path(f->dir, "restored.db");
    json_t *report = NULL;
    char path[400];
    size_t len;
    free(backup_bytes(f->io, path, &len));
    assert_int_equal(backup_restore(f->io, path, PASS, restored, &report, &e), EW_OK);
    json_decref(report);
    sqlite3 *r;
    assert_int_equal(db_open(restored, 0, &r, &e), EW_OK);
    assert_int_equal(view_appeal(r, code, &o, &e), EW_ENOTFOUND);
    /* A fresh stick: the restored office writes, the hall answers, the office reads. */
    StickIO *io2 = memfs_new();
    io2->mkdir(io2, "/stick");
    sync_ok(r, io2);
    sync_ok(hall, io2);
    sync_ok(r, io2);
    assert_int_equal(view_appeal(r, code, &o, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(o, "text")), "桥面塌了一块");
    json_decref(o);
    memfs_free(io2);
    db_close(r);
    db_close(hall);
    free(restored);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_into, setup, teardown),
        cmocka_unit_test_setup_teardown(test_halls_resend, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
