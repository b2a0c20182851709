/*
 * test_converge.c: a randomised town converges.
 *
 * The office and a set of halls (each enrolled through a stick, as staff
 * would) do random operations — appeals and their whole lifecycle,
 * meetings, roster changes, town settings, redactions, revocations; many of
 * them refused by the rules, as in life — and exchange several sticks along
 * random routes: sticks get lost, a stale copy of a stick comes back later,
 * a hall's SD card is cloned and both copies go on working (a fork), and the
 * office dies and is restored from its backup. After enough rounds of
 * exchanges every device holds the same records and folds them to the same
 * state, compared as canonical dumps.
 *
 * ECHOWALL_SIM_SEEDS and ECHOWALL_SIM_STEPS and ECHOWALL_SIM_HALLS (environment) make it
 * bigger; ctest runs the default size on several seeds, and a `slow`
 * entry runs 38 halls.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "appeal.h"
#include "backup.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "enroll.h"
#include "memfs.h"
#include "meeting.h"
#include "roster.h"
#include "sync.h"
#include "testutil.h"

#define MAX_DEV 48
#define NSTICKS 3
#define PASS "a long town passphrase"

typedef struct Dev {
    sqlite3 *db;
    char *path;
    char hall[4]; /* "" for the office */
    int alive;
} Dev;

typedef struct Sim {
    char *dir;
    uint64_t rng;
    Dev dev[MAX_DEV];
    int ndev;
    int nhalls;
    StickIO *stick[NSTICKS];
    StickIO *stale;       /* an old copy of a stick, brought back later */
    int backup_taken;
    int64_t now;          /* ms, advanced by each step */
    int ops_ok, ops_refused, syncs;
} Sim;

static uint64_t rnd(Sim *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int pick(Sim *s, int n) { return (int)(rnd(s) % (uint64_t)n); }

static void tick(Sim *s)
{
    s->now += 60000 + pick(s, 3600000);
    clock_set_fixed(s->now);
}

static StickIO *new_stick(void)
{
    StickIO *io = memfs_new();
    assert_int_equal(io->mkdir(io, "/stick"), 0);
    return io;
}

/* Copies every file of a stick into a new one (a stale copy). */
static StickIO *copy_stick(StickIO *from)
{
    StickIO *to = new_stick();
    StickEntry *ents = NULL;
    size_t n = 0;
    if (from->list(from, "/stick/echowall", &ents, &n) == 0) {
        to->mkdir(to, "/stick/echowall");
        for (size_t i = 0; i < n; i++) {
            char path[320];
            unsigned char *data = NULL;
            size_t len = 0;
            snprintf(path, sizeof path, "/stick/echowall/%s", ents[i].name);
            if (from->read_file(from, path, 1 << 30, &data, &len) == 0)
                memfs_add_file(to, path, data, len);
            free(data);
        }
    }
    free(ents);
    return to;
}

static int sync_dev(Sim *s, Dev *d, StickIO *io)
{
    json_t *r = NULL;
    EwErr e = {0};
    tick(s);
    int rc = sync_stick(d->db, io, "/stick", &r, &e);
    if (rc != EW_OK)
        fail_msg("sync of %s failed: %s", d->hall[0] ? d->hall : "office", e.msg);
    /* Nothing a device of this town wrote is ever refused as a file. */
    if (json_array_size(json_object_get(r, "refused"))) {
        char *t = json_dumps(r, JSON_INDENT(1));
        fail_msg("sync of %s refused a file: %s", d->hall[0] ? d->hall : "office", t);
    }
    json_decref(r);
    s->syncs++;
    return rc;
}

static Dev *office(Sim *s) { return &s->dev[0]; }

static sqlite3 *open_new(Sim *s, const char *name, char **path)
{
    *path = tu_path(s->dir, name);
    sqlite3 *db;
    EwErr e = {0};
    assert_int_equal(db_open(*path, 1, &db, &e), EW_OK);
    return db;
}

/* Runs one write in a transaction; refusals roll back. */
typedef int (*Op)(Sim *s, Dev *d, Author *a, EwErr *e);
static void run(Sim *s, Dev *d, Op op)
{
    EwErr e = {0};
    Author a;
    tick(s);
    assert_int_equal(db_begin(d->db, &e), EW_OK);
    assert_int_equal(device_load_self(d->db, &a, &e), EW_OK);
    int rc = op(s, d, &a, &e);
    if (rc == EW_OK) {
        assert_int_equal(db_commit(d->db, &e), EW_OK);
        s->ops_ok++;
    } else {
        if (rc == EW_EDB || rc == EW_EIO || rc == EW_ECORRUPT)
            fail_msg("operation failed hard: %s", e.msg);
        db_rollback(d->db);
        s->ops_refused++;
    }
}

/* A random appeal this device knows, or NULL. code_out[CODE_MAX]. */
static int any_appeal(Sim *s, Dev *d, char *code_out)
{
    int64_t n = 0;
    db_int(d->db, NULL, &n, 0, "SELECT count(*) FROM appeals", NULL);
    if (!n)
        return 0;
    char *code = NULL;
    db_text(d->db, NULL, &code, "SELECT code FROM appeals ORDER BY code LIMIT 1 OFFSET ?", "i",
            (int64_t)pick(s, (int)n));
    if (!code)
        return 0;
    snprintf(code_out, CODE_MAX, "%s", code);
    free(code);
    return 1;
}

static const char *const TEXTS[] = {"路灯不亮了", "垃圾没人收", "桥面开裂", "水渠堵塞",
                                    "宅基地纠纷", "医保报销慢", "路口没有减速带", "广场太吵"};
static const char *const CATS[] = {"street_light", "garbage", "road_bridge", "water",
                                   "housing_site", "insurance", "traffic_safety", "other"};

static int op_add(Sim *s, Dev *d, Author *a, EwErr *e)
{
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1], hall[16];
    int k = pick(s, 8);
    if (d->hall[0])
        snprintf(hall, sizeof hall, "%s", d->hall);
    else
        snprintf(hall, sizeof hall, "H%02d", (1 + pick(s, s->nhalls)) % 100);
    AppealNew in = {.hall = hall, .category = CATS[k], .text = TEXTS[k],
                    .source = d->hall[0] ? "kiosk" : "staff"};
    if (!d->hall[0] && pick(s, 4) == 0)
        in.contact = "13800138000";
    return appeal_add(d->db, a, &in, 0, code, rating, e);
}

static int op_step(Sim *s, Dev *d, Author *a, EwErr *e)
{
    char code[CODE_MAX];
    if (!any_appeal(s, d, code))
        return EW_ENOTFOUND;
    static const char *const grades[] = {"green", "blue", "orange"};
    switch (pick(s, 9)) {
    case 0:
        return appeal_grade(d->db, a, code, grades[pick(s, 3)], NULL, NULL, 0, e);
    case 1: {
        char m[16], l[16], u[16];
        snprintf(m, sizeof m, "P%04d", 1 + pick(s, 8));
        snprintf(l, sizeof l, "L%02d", 1 + pick(s, 3));
        snprintf(u, sizeof u, "U%02d", 1 + pick(s, 3));
        return appeal_assign(d->db, a, code, m, l, u, NULL, NULL, 0, e);
    }
    case 2:
        return appeal_step(d->db, a, "progress", code, "正在处理", NULL, 0, e);
    case 3:
        return appeal_step(d->db, a, "escalate", code, NULL, NULL, 0, e);
    case 4:
        return appeal_step(d->db, a, "solve", code, "已经办好", NULL, 0, e);
    case 5:
        return appeal_step(d->db, a, "reopen", code, "群众不满意", NULL, 0, e);
    case 6:
        return appeal_publish(d->db, a, code, NULL, 0, e);
    case 7:
        return appeal_rate(d->db, a, code, "123456", "satisfied", NULL, 0, e);
    default:
        return pick(s, 6) == 0 ? appeal_redact(d->db, a, code, "含个人信息", e)
                               : appeal_grade(d->db, a, code, "green", NULL, NULL, 0, e);
    }
}

static int op_meeting(Sim *s, Dev *d, Author *a, EwErr *e)
{
    char *open = NULL;
    db_text(d->db, NULL, &open, "SELECT id FROM meetings WHERE hall=? AND status='open'", "t",
            d->hall[0] ? d->hall : "H01");
    int rc;
    if (open) {
        rc = meeting_close(d->db, a, open, NULL, 0, e);
    } else {
        char id[MEETING_ID_MAX];
        rc = meeting_open(d->db, a, d->hall[0] ? d->hall : "H01", "季度述职评议", NULL, pick(s, 2) ? 30 : 0,
                          NULL, 0, id, e);
    }
    free(open);
    return rc;
}

static int op_roster(Sim *s, Dev *d, Author *a, EwErr *e)
{
    char id[ROSTER_ID_MAX];
    (void)d;
    switch (pick(s, 3)) {
    case 0:
        return roster_add_person(d->db, a, NULL, "新党员", "member", "H01", 0, id, e);
    case 1:
        return config_set(d->db, a, "limit.green", pick(s, 2) ? "5" : "7", e);
    default:
        return roster_add_unit(d->db, a, NULL, "新单位", 0, id, e);
    }
}

/* Enrols a blank kiosk for hall through a stick. */
static void enrol(Sim *s, Dev *d, const char *hall)
{
    StickIO *io = new_stick();
    json_t *r = NULL;
    EwErr e = {0};
    assert_int_equal(enroll_device(d->db, io, "/stick", &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "requested");
    json_decref(r);
    tick(s);
    if (enroll_provision(office(s)->db, io, "/stick", hall, &r, &e) != EW_OK)
        fail_msg("provision: %s", e.msg);
    json_decref(r);
    tick(s);
    if (enroll_device(d->db, io, "/stick", &r, &e) != EW_OK)
        fail_msg("install: %s", e.msg);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "enrolled");
    json_decref(r);
    snprintf(d->hall, sizeof d->hall, "%.3s", hall);
    memfs_free(io);
}

static void make_town(Sim *s)
{
    Dev *o = &s->dev[0];
    o->db = open_new(s, "office.db", &o->path);
    o->alive = 1;
    EwErr e = {0};
    DeviceSpec spec = {.role = "office", .town_name = "青石镇"};
    assert_int_equal(db_begin(o->db, &e), EW_OK);
    assert_int_equal(device_init(o->db, &spec, &e), EW_OK);
    Author a;
    assert_int_equal(device_load_self(o->db, &a, &e), EW_OK);
    char id[ROSTER_ID_MAX];
    for (int h = 1; h <= s->nhalls; h++) {
        char code[16];
        snprintf(code, sizeof code, "H%02d", h % 100);
        assert_int_equal(roster_add_branch(o->db, &a, code, "某村", NULL, 0, &e), EW_OK);
    }
    for (int i = 0; i < 8; i++)
        assert_int_equal(roster_add_person(o->db, &a, NULL, i % 3 ? "王伟" : "李娜",
                                           i < 4 ? "grid_leader" : "secretary", "H01", 0, id, &e),
                         EW_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(roster_add_person(o->db, &a, NULL, "周建国", "leader", NULL, 0, id, &e),
                         EW_OK);
        assert_int_equal(roster_add_unit(o->db, &a, NULL, "镇水利站", 0, id, &e), EW_OK);
    }
    assert_int_equal(db_commit(o->db, &e), EW_OK);
    s->ndev = 1;
    for (int h = 1; h <= s->nhalls; h++) {
        Dev *d = &s->dev[s->ndev++];
        char name[32], hall[16];
        snprintf(name, sizeof name, "hall%02d.db", h);
        snprintf(hall, sizeof hall, "H%02d", h % 100);
        d->db = open_new(s, name, &d->path);
        d->alive = 1;
        enrol(s, d, hall);
    }
}

/* The hall's SD card is copied into a second kiosk: same identity. */
static void clone_card(Sim *s, int i)
{
    Dev *src = &s->dev[i], *d = &s->dev[s->ndev++];
    db_close(src->db);
    d->path = tu_copy_db(src->path, s->dir, "clone.db");
    EwErr e = {0};
    assert_int_equal(db_open(src->path, 0, &src->db, &e), EW_OK);
    assert_int_equal(db_open(d->path, 0, &d->db, &e), EW_OK);
    memcpy(d->hall, src->hall, sizeof d->hall);
    d->alive = 1;
}

/* The office dies; a new station is restored from the backup stick. */
static void restore_office(Sim *s, StickIO *backup_stick)
{
    Dev *o = office(s);
    db_close(o->db);
    char *path = tu_path(s->dir, "office-restored.db");
    StickEntry *ents = NULL;
    size_t n = 0;
    char file[400] = "";
    assert_int_equal(backup_stick->list(backup_stick, "/stick/echowall", &ents, &n), 0);
    for (size_t i = 0; i < n; i++)
        if (strncmp(ents[i].name, "backup-", 7) == 0)
            snprintf(file, sizeof file, "/stick/echowall/%s", ents[i].name);
    free(ents);
    json_t *r = NULL;
    EwErr e = {0};
    if (backup_restore(backup_stick, file, PASS, path, &r, &e) != EW_OK)
        fail_msg("restore: %s", e.msg);
    json_decref(r);
    free(o->path);
    o->path = path;
    assert_int_equal(db_open(path, 0, &o->db, &e), EW_OK);
}

/* Canonical hash of a device's records (what it holds). */
static char *records_of(sqlite3 *db)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT hex(device), seq, hex(hash) FROM records ORDER BY device, seq",
                       -1, &st, NULL);
    while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(f, "%s %lld %s\n", sqlite3_column_text(st, 0),
                (long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    fclose(f);
    return out;
}

static void simulate(uint64_t seed, int halls, int steps)
{
    Sim *s = calloc(1, sizeof *s);
    s->dir = tu_tmpdir();
    s->rng = seed;
    s->nhalls = halls;
    s->now = clock_ms_of_day(clock_days_from_civil(2026, 9, 1));
    clock_set_fixed(s->now);
    for (int i = 0; i < NSTICKS; i++)
        s->stick[i] = new_stick();
    make_town(s);
    StickIO *backup_stick = new_stick();
    int clone_at = steps / 3, backup_at = steps / 4, restore_at = steps / 2,
        stale_at = steps / 5, stale_back = (steps * 3) / 4;
    for (int step = 0; step < steps; step++) {
        Dev *d = &s->dev[pick(s, s->ndev)];
        int r = pick(s, 100);
        if (r < 30) {
            sync_dev(s, d, s->stick[pick(s, NSTICKS)]);
        } else if (r < 55) {
            run(s, d, op_add);
        } else if (r < 85) {
            run(s, d, op_step);
        } else if (r < 93) {
            run(s, d, d->hall[0] ? op_meeting : op_roster);
        } else if (r < 95) {
            int k = pick(s, NSTICKS); /* a stick is lost; a blank one replaces it */
            memfs_free(s->stick[k]);
            s->stick[k] = new_stick();
        } else {
            run(s, d, op_step);
        }
        if (step == stale_at)
            s->stale = copy_stick(s->stick[0]);
        if (step == stale_back && s->stale) {
            for (int i = 0; i < s->ndev; i++)
                sync_dev(s, &s->dev[i], s->stale);
        }
        if (step == clone_at && s->nhalls >= 2)
            clone_card(s, 2);
        if (step == backup_at) {
            char name[64];
            EwErr e = {0};
            assert_int_equal(backup_write(office(s)->db, backup_stick, "/stick", PASS, name, &e),
                             EW_OK);
        }
        if (step == restore_at)
            restore_office(s, backup_stick);
    }
    /* Enough exchanges: everyone meets one stick in turn, several times. */
    for (int round = 0; round < 4; round++)
        for (int i = 0; i < s->ndev; i++)
            sync_dev(s, &s->dev[i], s->stick[0]);
    char *want = records_of(office(s)->db), *state = tu_dump_state(office(s)->db);
    for (int i = 1; i < s->ndev; i++) {
        char *got = records_of(s->dev[i].db), *st2 = tu_dump_state(s->dev[i].db);
        if (strcmp(want, got) != 0 && getenv("ECHOWALL_SIM_DEBUG")) {
            tu_write_file("/tmp/sim-office.txt", want, strlen(want));
            tu_write_file("/tmp/sim-device.txt", got, strlen(got));
            sqlite3_stmt *q;
            sqlite3_prepare_v2(office(s)->db, "SELECT hex(device), role, hall, slot FROM devices",
                               -1, &q, NULL);
            while (sqlite3_step(q) == SQLITE_ROW)
                fprintf(stderr, "device %s %s %s %s\n", sqlite3_column_text(q, 0),
                        sqlite3_column_text(q, 1), sqlite3_column_text(q, 2),
                        sqlite3_column_text(q, 3));
            sqlite3_finalize(q);
            sqlite3_prepare_v2(office(s)->db, "SELECT hex(device), seq, hex(hash) FROM forks",
                               -1, &q, NULL);
            while (sqlite3_step(q) == SQLITE_ROW)
                fprintf(stderr, "office fork %s %s %s\n", sqlite3_column_text(q, 0),
                        sqlite3_column_text(q, 1), sqlite3_column_text(q, 2));
            sqlite3_finalize(q);
        }
        if (strcmp(want, got) != 0)
            fail_msg("seed %llu: device %d (%s) holds other records than the office",
                     (unsigned long long)seed, i, s->dev[i].hall);
        if (strcmp(state, st2) != 0)
            fail_msg("seed %llu: device %d (%s) folds to another state", (unsigned long long)seed,
                     i, s->dev[i].hall);
        free(got);
        free(st2);
    }
    int64_t nrec = 0, nforks = 0, napplied = 0;
    db_int(office(s)->db, NULL, &nrec, 0, "SELECT count(*) FROM records", NULL);
    db_int(office(s)->db, NULL, &napplied, 0, "SELECT count(*) FROM records WHERE state=1", NULL);
    db_int(office(s)->db, NULL, &nforks, 0, "SELECT count(*) FROM forks", NULL);
    printf("seed %llu: %d devices, %d steps, %d writes (%d refused), %d syncs; office holds %lld "
           "records (%lld applied), %lld quarantined\n",
           (unsigned long long)seed, s->ndev, steps, s->ops_ok, s->ops_refused, s->syncs,
           (long long)nrec, (long long)napplied, (long long)nforks);
    assert_true(nrec > 0 && napplied > 0);
    free(want);
    free(state);
    for (int i = 0; i < s->ndev; i++) {
        db_close(s->dev[i].db);
        free(s->dev[i].path);
    }
    for (int i = 0; i < NSTICKS; i++)
        memfs_free(s->stick[i]);
    if (s->stale)
        memfs_free(s->stale);
    memfs_free(backup_stick);
    tu_rmdir(s->dir);
    free(s->dir);
    free(s);
    clock_set_fixed(0);
}

/* Deterministic randomness for libsodium (keys, salts, nonces), so that a
 * failing seed fails again: ChaCha20 keyed by the simulation's seed. */
static unsigned char det_key[crypto_stream_chacha20_KEYBYTES];
static uint64_t det_counter;

static const char *det_name(void) { return "echowall-test-deterministic"; }
static void det_buf(void *const buf, const size_t size)
{
    unsigned char nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
    uint64_t c = det_counter++;
    memcpy(nonce, &c, sizeof c < sizeof nonce ? sizeof c : sizeof nonce);
    crypto_stream_chacha20(buf, size, nonce, det_key);
}
static uint32_t det_random(void)
{
    uint32_t v;
    det_buf(&v, sizeof v);
    return v;
}
static struct randombytes_implementation det_impl = {
    .implementation_name = det_name, .random = det_random, .buf = det_buf};

static void det_seed(uint64_t seed)
{
    memset(det_key, 0, sizeof det_key);
    memcpy(det_key, &seed, sizeof seed);
    det_counter = 0;
}

static int env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    return v && atoi(v) > 0 ? atoi(v) : dflt;
}

static void test_converge(void **state)
{
    (void)state;
    int seeds = env_int("ECHOWALL_SIM_SEEDS", 3), halls = env_int("ECHOWALL_SIM_HALLS", 4),
        steps = env_int("ECHOWALL_SIM_STEPS", 600);
    int first = env_int("ECHOWALL_SIM_FIRST", 1);
    for (int k = first; k < first + seeds; k++) {
        det_seed((uint64_t)k * 7919);
        simulate((uint64_t)k * 7919, halls, steps);
    }
}

int main(void)
{
    randombytes_set_implementation(&det_impl);
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_converge)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
