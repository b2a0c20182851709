/*
 * test_staff.c: the hall staff PIN.
 *
 * A PIN of 4 to 8 digits is set and checked; anything else is refused and
 * not counted. Wrong tries back off exactly: three free, then 30 s, 60 s,
 * ... at most 15 min, by the clock the caller passes; a locked try is not
 * checked (a right PIN is refused too) and not counted. The count and the
 * lock survive closing the database; a clock that went back locks for at
 * most 15 min. Only an Argon2id string is stored: the digits are nowhere in
 * the database's bytes, and `config` neither lists nor sets it. The
 * echowallctl commands read the PIN from standard input, never argv.
 *
 * The office's reset (staff.pin_reset, authored here by a simulated office
 * device as if a stick had brought it): the temporary PIN opens instead of
 * the old one, with the same back-off, and the kiosk must have a new PIN
 * chosen; setting one ends the reset for good, through a rebuild of the
 * derived tables and a reopening; a newer reset takes over again; another
 * hall's reset does not apply; a hall cannot author one. `staff reset-pin`
 * on the office prints the temporary PIN once and stores only its hash.
 *
 * The first PIN from the office's screen: a fresh office station may set
 * it (a PIN not 4..8 digits refused, nothing written), once: then the
 * station is no longer "first", and a second first PIN is refused without
 * touching the one set. Never on a hall, nor on a station restored from
 * an office's backup that had no PIN.
 *
 * Each Argon2id call costs tens of ms under ASan, so the tests make a few
 * dozen of them in all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "db.h"
#include "device.h"
#include "fold.h"
#include "roster.h"
#include "staff.h"
#include "testutil.h"

#define PIN "73914682"   /* digits that occur nowhere else in a fresh database */
#define WRONG "73914683"
#define T0 1790000000000LL  /* some instant in 2026, the caller's clock */
#define SEC 1000LL
#define MIN (60 * SEC)

typedef struct Fix {
    char *dir, *path;
    sqlite3 *db;
} Fix;

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    tu_pin_day("2026-10-01");
    f->dir = tu_tmpdir();
    f->path = tu_path(f->dir, "hall.db");
    CtlRun r = tu_ctl(f->path, "init", "--role", "hall", "--hall", "H07", NULL);
    if (r.status != 0)
        print_error("init failed: %s\n", r.err);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    EwErr e = {0};
    if (db_open(f->path, 0, &f->db, &e) != EW_OK)
        fail_msg("open: %s", e.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    db_close(f->db);
    tu_rmdir(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
    clock_set_fixed(0);
    return 0;
}

static void set_pin(sqlite3 *db, const char *pin)
{
    EwErr e = {0};
    if (staff_pin_set(db, pin, &e) != EW_OK)
        fail_msg("set %s: %s", pin, e.msg);
}

/* Checks pin at now; asserts the result code and the wait. */
static void expect(sqlite3 *db, const char *pin, int64_t now, int want, int64_t want_wait)
{
    EwErr e = {0};
    int64_t wait = -1;
    int rc = staff_pin_check(db, pin, now, &wait, &e);
    if (rc != want || wait != want_wait)
        fail_msg("check %s at T0%+lld s: got %d (wait %lld ms, \"%s\"), want %d (wait %lld ms)",
                 pin, (long long)(now - T0) / SEC, rc, (long long)wait, e.msg, want,
                 (long long)want_wait);
}

static int64_t local(sqlite3 *db, const char *key)
{
    int64_t v = -1;
    assert_int_equal(db_int(db, NULL, &v, 0,
                            "SELECT CAST(value AS INTEGER) FROM local_config WHERE key=?", "t",
                            key),
                     EW_OK);
    return v;
}

static int64_t failures(sqlite3 *db) { return local(db, "staff.pin_failures"); }

/* Set, right and wrong; replacing the PIN; a right PIN clears the count. */
static void test_set_and_check(void **state)
{
    Fix *f = *state;
    EwErr e = {0};
    assert_false(staff_pin_is_set(f->db));
    assert_int_equal(staff_pin_check(f->db, PIN, T0, NULL, &e), EW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "set-pin"));

    set_pin(f->db, PIN);
    assert_true(staff_pin_is_set(f->db));
    expect(f->db, PIN, T0, EW_OK, 0);
    expect(f->db, WRONG, T0, EW_EDENIED, 0);
    expect(f->db, "0000", T0, EW_EDENIED, 0);
    assert_int_equal(failures(f->db), 2);
    expect(f->db, PIN, T0, EW_OK, 0);
    assert_int_equal(failures(f->db), 0);

    /* Replacing: the old PIN no longer opens; the count starts again. */
    expect(f->db, "2468", T0, EW_EDENIED, 0);
    set_pin(f->db, "2468");
    assert_int_equal(failures(f->db), 0);
    expect(f->db, PIN, T0, EW_EDENIED, 0);
    expect(f->db, "2468", T0, EW_OK, 0);
}

/* Too short, too long, not digits: refused with a message, nothing stored
 * or counted. */
static void test_bad_pins(void **state)
{
    Fix *f = *state;
    static const char *const bad[] = {
        "", "123", "123456789", "12a4", " 1234", "1234 ", "1234\n", "12-34", "+1234", "0x1234",
        "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94", /* fullwidth digits 1234 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EwErr e = {0};
        assert_int_equal(staff_pin_set(f->db, bad[i], &e), EW_EINPUT);
        assert_non_null(strstr(e.msg, "4 to 8"));
    }
    EwErr e = {0};
    assert_int_equal(staff_pin_set(f->db, NULL, &e), EW_EINPUT);
    assert_false(staff_pin_is_set(f->db));
    assert_int_equal(staff_pin_valid("1234", NULL), EW_OK);
    assert_int_equal(staff_pin_valid("12345678", NULL), EW_OK);

    set_pin(f->db, "1234");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(f->db, bad[i], T0, EW_EINPUT, 0);
    assert_int_equal(failures(f->db), 0);
    expect(f->db, "1234", T0, EW_OK, 0);
}

/* Three free wrong tries, then 30 s, 60 s, 2, 4, 8 min, then 15 min for
 * good; a locked try (right or wrong) is refused and not counted. */
static void test_backoff(void **state)
{
    Fix *f = *state;
    set_pin(f->db, PIN);
    int64_t t = T0;
    for (int i = 0; i < 3; i++)
        expect(f->db, WRONG, t += SEC, EW_EDENIED, 0);
    static const int64_t locks[] = {30 * SEC, 60 * SEC, 2 * MIN, 4 * MIN, 8 * MIN, 15 * MIN,
                                    15 * MIN};
    for (size_t i = 0; i < sizeof locks / sizeof locks[0]; i++) {
        EwErr e = {0};
        int64_t wait = 0;
        assert_int_equal(staff_pin_check(f->db, WRONG, t, &wait, &e), EW_EDENIED);
        assert_int_equal(wait, locks[i]);
        assert_non_null(strstr(e.msg, "try again in"));
        assert_int_equal(failures(f->db), 4 + (int64_t)i);
        if (i == 0) {
            /* Locked: the right PIN is refused, a wrong one too, neither counted. */
            expect(f->db, PIN, t, EW_ESTATE, 30 * SEC);
            expect(f->db, PIN, t + 29 * SEC, EW_ESTATE, SEC);
            expect(f->db, WRONG, t + 30 * SEC - 1, EW_ESTATE, 1);
            assert_int_equal(staff_pin_check(f->db, PIN, t + 10 * SEC, NULL, &e), EW_ESTATE);
            assert_non_null(strstr(e.msg, "try again in 20 s"));
            assert_int_equal(failures(f->db), 4);
        }
        t += locks[i];
    }
    /* Once the lock is over, the right PIN opens and clears everything. */
    expect(f->db, PIN, t, EW_OK, 0);
    assert_int_equal(failures(f->db), 0);
    assert_int_equal(local(f->db, "staff.pin_locked_until_ms"), 0);
    expect(f->db, WRONG, t, EW_EDENIED, 0);
}

/* The count and the lock are in the database: closing and opening it again
 * (a power cycle) changes nothing. */
static void test_survives_reopen(void **state)
{
    Fix *f = *state;
    set_pin(f->db, PIN);
    for (int i = 0; i < 3; i++)
        expect(f->db, WRONG, T0, EW_EDENIED, 0);
    expect(f->db, WRONG, T0, EW_EDENIED, 30 * SEC);
    db_close(f->db);
    EwErr e = {0};
    assert_int_equal(db_open(f->path, 0, &f->db, &e), EW_OK);
    assert_true(staff_pin_is_set(f->db));
    expect(f->db, PIN, T0 + 5 * SEC, EW_ESTATE, 25 * SEC);
    assert_int_equal(failures(f->db), 4);
    expect(f->db, WRONG, T0 + 30 * SEC, EW_EDENIED, 60 * SEC);
    db_close(f->db);
    assert_int_equal(db_open(f->path, 0, &f->db, &e), EW_OK);
    expect(f->db, PIN, T0 + 89 * SEC, EW_ESTATE, SEC);
    expect(f->db, PIN, T0 + 90 * SEC, EW_OK, 0);
}

/* A clock that went back (a kiosk with no real-time clock, after a power
 * cut) sees the lock-until far ahead: it waits 15 min, not for ever. */
static void test_clock_went_back(void **state)
{
    Fix *f = *state;
    set_pin(f->db, PIN);
    for (int i = 0; i < 4; i++)
        expect(f->db, WRONG, T0, EW_EDENIED, i < 3 ? 0 : 30 * SEC);
    int64_t back = T0 - 400LL * 86400 * SEC; /* a year and more earlier */
    expect(f->db, PIN, back, EW_ESTATE, 15 * MIN);
    /* The cut is kept: 10 min later 5 are left, not 15 again. */
    expect(f->db, PIN, back + 10 * MIN, EW_ESTATE, 5 * MIN);
    expect(f->db, PIN, back + 15 * MIN, EW_OK, 0);

    /* A lock-until far in the future however it got there (a clock from
     * before the epoch, or a corrupted row): still at most 15 min. */
    assert_int_equal(db_run(f->db, NULL,
                            "INSERT INTO local_config(key,value) VALUES"
                            "('staff.pin_locked_until_ms','9223372036854775807')",
                            NULL),
                     EW_OK);
    expect(f->db, PIN, 0, EW_ESTATE, 15 * MIN);
    expect(f->db, PIN, 15 * MIN, EW_OK, 0);
}

static int contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k && i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

/* Only an Argon2id string (16 MiB, 2 passes) is stored; the digits appear
 * nowhere in the database file or its journal, before or after a
 * checkpoint. */
static void test_stored_hash_only(void **state)
{
    Fix *f = *state;
    set_pin(f->db, PIN);
    expect(f->db, PIN, T0, EW_OK, 0);
    expect(f->db, WRONG, T0, EW_EDENIED, 0);
    char *hash = NULL;
    assert_int_equal(db_text(f->db, NULL, &hash,
                             "SELECT value FROM local_config WHERE key='staff.pin_hash'", NULL),
                     EW_OK);
    assert_non_null(hash);
    assert_true(strncmp(hash, "$argon2id$v=19$m=16384,t=2,p=1$", 31) == 0);
    assert_null(strstr(hash, PIN));

    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: the change still in the -wal; pass 1: checkpointed. */
        if (pass)
            assert_int_equal(db_exec(f->db, NULL, "PRAGMA wal_checkpoint(TRUNCATE)"), EW_OK);
        char *wal = tu_suffixed(f->path, "-wal");
        size_t n = 0, nw = 0;
        unsigned char *main_bytes = tu_read_file(f->path, &n);
        unsigned char *wal_bytes = tu_read_file(wal, &nw);
        assert_non_null(main_bytes);
        /* The hash is there to be found (so the right bytes are searched)... */
        assert_true(contains(main_bytes, n, hash) || (wal_bytes && contains(wal_bytes, nw, hash)));
        /* ...the PIN (and the wrong one) not. */
        assert_false(contains(main_bytes, n, PIN));
        assert_false(contains(main_bytes, n, WRONG));
        if (wal_bytes) {
            assert_false(contains(wal_bytes, nw, PIN));
            assert_false(contains(wal_bytes, nw, WRONG));
        }
        free(main_bytes);
        free(wal_bytes);
        free(wal);
    }
    free(hash);

    /* A stored value that is not an Argon2id string is reported, not taken
     * as a wrong PIN (and not counted). */
    assert_int_equal(db_run(f->db, NULL,
                            "UPDATE local_config SET value='1234' WHERE key='staff.pin_hash'",
                            NULL),
                     EW_OK);
    expect(f->db, PIN, T0, EW_ECORRUPT, 0);
    assert_int_equal(failures(f->db), 1);
}

/* `config` neither lists, shows nor sets the hash. */
static void test_not_in_config(void **state)
{
    Fix *f = *state;
    set_pin(f->db, PIN);
    CtlRun r = tu_ctl(f->path, "config", "list", NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "staff"));
    assert_null(strstr(r.out, "argon2"));
    tu_ctl_free(&r);
    r = tu_ctl(f->path, "config", "list", "--json", NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "staff"));
    assert_null(strstr(r.out, "argon2"));
    tu_ctl_free(&r);
    r = tu_ctl(f->path, "config", "get", "staff.pin_hash", NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(f->path, "config", "set", "staff.pin_hash", "x", NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    expect(f->db, PIN, T0, EW_OK, 0);
}

/* Makes standard input read `text` (what a pipe would bring). */
static void feed(Fix *f, const char *text)
{
    char *p = tu_path(f->dir, "stdin.txt");
    tu_write_file(p, text, strlen(text));
    assert_non_null(freopen(p, "r", stdin));
    free(p);
}

static void expect_ctl(Fix *f, const char *input, const char *verb, int status, const char *needle)
{
    feed(f, input);
    CtlRun r = tu_ctl(f->path, "staff", verb, NULL);
    if (r.status != status || (needle && !strstr(status ? r.err : r.out, needle)))
        fail_msg("staff %s <<< '%s': exit %d, out '%s', err '%s'; want exit %d with '%s'", verb,
                 input, r.status, r.out, r.err, status, needle ? needle : "");
    tu_ctl_free(&r);
}

/* echowallctl staff set-pin / check-pin: the PIN from standard input. */
static void test_cli(void **state)
{
    Fix *f = *state;
    expect_ctl(f, PIN "\n", "check-pin", 1, "no staff PIN");
    /* Bad input is exit 2, before the database is opened. */
    expect_ctl(f, "", "set-pin", 2, "standard input");
    expect_ctl(f, "123\n", "set-pin", 2, "4 to 8 digits");
    char long_line[100];
    memset(long_line, '7', sizeof long_line - 2);
    memcpy(long_line + sizeof long_line - 2, "\n", 2);
    expect_ctl(f, long_line, "set-pin", 2, "4 to 8 digits");
    expect_ctl(f, "abcd\n", "set-pin", 2, "digits only");
    feed(f, PIN "\n");
    CtlRun r = tu_ctl(f->path, "staff", "set-pin", PIN, NULL);
    assert_int_equal(r.status, 2); /* never from argv */
    assert_non_null(strstr(r.err, "unexpected argument"));
    tu_ctl_free(&r);
    char *missing = tu_path(f->dir, "missing.db");
    feed(f, "123\n");
    r = tu_ctl(missing, "staff", "check-pin", NULL);
    assert_int_equal(r.status, 2); /* syntax first: the database is not looked for */
    tu_ctl_free(&r);
    feed(f, PIN "\n");
    r = tu_ctl(missing, "staff", "check-pin", NULL);
    assert_int_equal(r.status, 1);
    tu_ctl_free(&r);
    size_t none;
    assert_null(tu_read_file(missing, &none));
    free(missing);
    assert_false(staff_pin_is_set(f->db));

    /* A pipe: one line, with or without its newline (CRLF too). */
    expect_ctl(f, PIN "\r\n", "set-pin", 0, "staff PIN set");
    assert_true(staff_pin_is_set(f->db));
    expect_ctl(f, PIN, "check-pin", 0, "PIN right");
    expect_ctl(f, "12x4\n", "check-pin", 2, "digits only");
    /* Three free wrong tries, then a wait the message tells (the CLI's
     * clock is db_now_ms, pinned here). */
    int64_t now = clock_now_ms();
    for (int i = 0; i < 3; i++)
        expect_ctl(f, WRONG "\n", "check-pin", 1, "wrong PIN");
    expect_ctl(f, WRONG "\n", "check-pin", 1, "try again in 30 s");
    expect_ctl(f, PIN "\n", "check-pin", 1, "try again in 30 s");
    clock_set_fixed(now + 20 * SEC);
    expect_ctl(f, PIN "\n", "check-pin", 1, "try again in 10 s");
    clock_set_fixed(now + 30 * SEC);
    expect_ctl(f, PIN "\n", "check-pin", 0, "PIN right");
    assert_int_equal(failures(f->db), 0);
}

/* ---- the office's reset ---- */

static void ok(int rc, const EwErr *e, const char *what)
{
    if (rc)
        fail_msg("%s: %d %s", what, rc, e->msg);
}

/* A simulated office device known to the hall's database, with branches
 * H07 and H08 in the roster. */
static void office_of(Fix *f, Author *off)
{
    DeviceSpec ds = {.role = "office"};
    EwErr e = {0};
    device_make_author(off, &ds);
    ok(device_register(f->db, off, NULL, &e), &e, "register");
    ok(db_begin(f->db, &e), &e, "begin");
    ok(roster_add_branch(f->db, off, "H07", "青石村", NULL, 0, &e), &e, "H07");
    ok(roster_add_branch(f->db, off, "H08", "河口村", NULL, 0, &e), &e, "H08");
    ok(db_commit(f->db, &e), &e, "commit");
}

/* Runs staff_pin_reset in a transaction of its own; its result. */
static int reset(Fix *f, Author *a, const char *hall, char pin[STAFF_PIN_MAX + 1], EwErr *e)
{
    ok(db_begin(f->db, e), e, "begin");
    int rc = staff_pin_reset(f->db, a, hall, pin, e);
    if (rc == EW_OK)
        ok(db_commit(f->db, e), e, "commit");
    else
        db_rollback(f->db);
    return rc;
}

static void reset_ok(Fix *f, Author *off, const char *hall, char pin[STAFF_PIN_MAX + 1])
{
    EwErr e = {0};
    ok(reset(f, off, hall, pin, &e), &e, "staff_pin_reset");
    assert_int_equal(strlen(pin), 8);
    assert_int_equal(strspn(pin, "0123456789"), 8);
}

static void test_reset_in_force(void **state)
{
    Fix *f = *state;
    Author off;
    char tmp[STAFF_PIN_MAX + 1], tmp2[STAFF_PIN_MAX + 1];
    EwErr e = {0};
    office_of(f, &off);
    set_pin(f->db, PIN);
    assert_false(staff_pin_must_change(f->db));
    reset_ok(f, &off, "H07", tmp);
    /* The temporary PIN opens, the old one no longer; a new one is due. */
    assert_true(staff_pin_must_change(f->db));
    assert_true(staff_pin_is_set(f->db));
    expect(f->db, PIN, T0, EW_EDENIED, 0);
    expect(f->db, tmp, T0, EW_OK, 0);
    assert_true(staff_pin_must_change(f->db));
    /* Setting a PIN ends it. */
    set_pin(f->db, "2468");
    assert_false(staff_pin_must_change(f->db));
    expect(f->db, tmp, T0, EW_EDENIED, 0);
    expect(f->db, "2468", T0, EW_OK, 0);
    /* For good: a rebuild of the derived tables and a reopening keep the
     * reset in pin_resets, and out of force. */
    ok(db_begin(f->db, &e), &e, "begin");
    ok(fold_rebuild(f->db, &e), &e, "rebuild");
    ok(db_commit(f->db, &e), &e, "commit");
    int64_t held = 0;
    db_int(f->db, NULL, &held, 0, "SELECT count(*) FROM pin_resets WHERE hall='H07'", NULL);
    assert_int_equal(held, 1);
    db_close(f->db);
    ok(db_open(f->path, 0, &f->db, &e), &e, "reopen");
    assert_false(staff_pin_must_change(f->db));
    expect(f->db, tmp, T0, EW_EDENIED, 0);
    expect(f->db, "2468", T0, EW_OK, 0);
    /* A newer reset takes over again; only the newest PIN opens. */
    reset_ok(f, &off, "H07", tmp2);
    assert_true(staff_pin_must_change(f->db));
    if (strcmp(tmp, tmp2) != 0)
        expect(f->db, tmp, T0, EW_EDENIED, 0);
    expect(f->db, "2468", T0, EW_EDENIED, 0);
    expect(f->db, tmp2, T0, EW_OK, 0);
}

/* No PIN ever set here: the office's reset gives the kiosk its first one,
 * with the same back-off. */
static void test_reset_without_pin(void **state)
{
    Fix *f = *state;
    Author off;
    char tmp[STAFF_PIN_MAX + 1];
    office_of(f, &off);
    assert_false(staff_pin_is_set(f->db));
    reset_ok(f, &off, "H07", tmp);
    assert_true(staff_pin_is_set(f->db));
    assert_true(staff_pin_must_change(f->db));
    const char *wrong = strcmp(tmp, WRONG) ? WRONG : PIN;
    for (int i = 0; i < 3; i++)
        expect(f->db, wrong, T0, EW_EDENIED, 0);
    expect(f->db, wrong, T0, EW_EDENIED, 30 * SEC);
    expect(f->db, tmp, T0 + 10 * SEC, EW_ESTATE, 20 * SEC);
    expect(f->db, tmp, T0 + 30 * SEC, EW_OK, 0);
}

/* Another hall's reset does not apply; only the office writes one, well
 * formed, for a branch of the roster. */
static void test_reset_refusals(void **state)
{
    Fix *f = *state;
    Author off, self;
    char tmp[STAFF_PIN_MAX + 1];
    EwErr e = {0};
    office_of(f, &off);
    set_pin(f->db, PIN);
    reset_ok(f, &off, "H08", tmp);
    assert_false(staff_pin_must_change(f->db));
    if (strcmp(tmp, PIN) != 0)
        expect(f->db, tmp, T0, EW_EDENIED, 0);
    expect(f->db, PIN, T0, EW_OK, 0);
    int64_t before = 0, after = 0;
    db_int(f->db, NULL, &before, 0, "SELECT count(*) FROM records", NULL);
    ok(device_load_self(f->db, &self, &e), &e, "self");
    assert_int_equal(reset(f, &self, "H07", tmp, &e), EW_EDENIED);
    assert_non_null(strstr(e.msg, "only the office"));
    assert_string_equal(tmp, "");
    assert_int_equal(reset(f, &off, "H7", tmp, &e), EW_EINPUT);
    assert_int_equal(reset(f, &off, "H09", tmp, &e), EW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "no branch H09"));
    /* The same rules in the fold, for records that skip the API. */
    json_t *body = json_pack("{s:s,s:s}", "hall", "H07", "pin_hash",
                             "$argon2id$v=19$m=16384,t=2,p=1$c2FsdHNhbHQ$aGFzaA");
    ok(db_begin(f->db, &e), &e, "begin");
    assert_int_equal(device_author(f->db, &self, 0, "staff.pin_reset", body, &e), EW_EDENIED);
    assert_non_null(strstr(e.msg, "only the office may reset"));
    db_rollback(f->db);
    json_object_set_new(body, "pin_hash", json_string("73914682"));
    ok(db_begin(f->db, &e), &e, "begin");
    assert_int_equal(device_author(f->db, &off, 0, "staff.pin_reset", body, &e), EW_EINPUT);
    assert_non_null(strstr(e.msg, "malformed PIN reset"));
    db_rollback(f->db);
    json_decref(body);
    db_int(f->db, NULL, &after, 0, "SELECT count(*) FROM records", NULL);
    assert_int_equal(after, before);
    assert_false(staff_pin_must_change(f->db));
    expect(f->db, PIN, T0, EW_OK, 0);
}

/* echowallctl staff reset-pin, on the office's database. */
static void test_reset_cli(void **state)
{
    Fix *f = *state;
    char *office = tu_path(f->dir, "office.db");
    CtlRun r = tu_ctl(office, "demo", NULL);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    r = tu_ctl(office, "staff", "reset-pin", NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(office, "staff", "reset-pin", "--hall", "H7", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "H7"));
    tu_ctl_free(&r);
    r = tu_ctl(office, "staff", "reset-pin", "--hall", "H39", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no branch H39"));
    tu_ctl_free(&r);
    r = tu_ctl(f->path, "staff", "reset-pin", "--hall", "H07", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "only the office"));
    tu_ctl_free(&r);
    r = tu_ctl(office, "staff", "reset-pin", "--hall", "H07", NULL);
    assert_int_equal(r.status, 0);
    char pin[16] = "";
    assert_int_equal(sscanf(r.out, "temporary staff PIN for H07: %15s", pin), 1);
    assert_int_equal(strlen(pin), 8);
    tu_ctl_free(&r);
    /* The record holds its hash; the office's files never the digits. */
    sqlite3 *db;
    EwErr e = {0};
    ok(db_open(office, 0, &db, &e), &e, "open");
    char *hash = NULL;
    db_text(db, NULL, &hash, "SELECT pin_hash FROM pin_resets WHERE hall='H07'", NULL);
    assert_non_null(hash);
    assert_int_equal(crypto_pwhash_str_verify(hash, pin, strlen(pin)), 0);
    assert_false(staff_pin_must_change(db)); /* the office has no hall */
    free(hash);
    db_close(db);
    for (int w = 0; w < 2; w++) {
        char *p = w ? tu_suffixed(office, "-wal") : strdup(office);
        size_t n = 0;
        unsigned char *b = tu_read_file(p, &n);
        assert_false(b && contains(b, n, pin));
        free(b);
        free(p);
    }
    free(office);
}

/* The first PIN: fresh office yes (once), hall no, restored office no. */
static void test_first_pin(void **state)
{
    Fix *f = *state;
    EwErr e = {0};
    assert_false(staff_pin_first_allowed(f->db)); /* a hall's PIN comes from the office */
    assert_int_equal(staff_pin_set_first(f->db, PIN, &e), EW_ESTATE);
    assert_false(staff_pin_is_set(f->db));

    char *office = tu_path(f->dir, "office.db");
    CtlRun r = tu_ctl(office, "init", "--role", "office", "--name", "青石镇", NULL);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    sqlite3 *db;
    ok(db_open(office, 0, &db, &e), &e, "open");
    assert_true(staff_pin_first_allowed(db));
    assert_int_equal(staff_pin_set_first(db, "123", &e), EW_EINPUT);
    assert_int_equal(staff_pin_set_first(db, "12a4", &e), EW_EINPUT);
    assert_true(staff_pin_first_allowed(db)); /* nothing written */
    assert_false(staff_pin_is_set(db));
    ok(staff_pin_set_first(db, PIN, &e), &e, "first PIN");
    assert_true(staff_pin_is_set(db));
    assert_false(staff_pin_first_allowed(db));
    e = (EwErr){0};
    assert_int_equal(staff_pin_set_first(db, WRONG, &e), EW_ESTATE);
    assert_non_null(strstr(e.msg, "staff set-pin"));
    expect(db, WRONG, T0, EW_EDENIED, 0); /* the first one stands */
    expect(db, PIN, T0, EW_OK, 0);
    /* Inside a caller's transaction it refuses rather than nest. */
    ok(db_begin(db, &e), &e, "begin");
    assert_int_equal(staff_pin_set_first(db, PIN, &e), EW_EDB);
    db_rollback(db);
    db_close(db);

    /* An office without a PIN, backed up and restored: the new station
     * holds the old office's records, so its screen may not set one. */
    char *bare = tu_path(f->dir, "bare.db"), *back = tu_path(f->dir, "back");
    char *restored = tu_path(f->dir, "restored.db");
    char *file = tu_path(back, "echowall/backup-2026-10-01.ewbak");
    r = tu_ctl(bare, "init", "--role", "office", "--name", "河口镇", NULL);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    assert_int_equal(mkdir(back, 0700), 0); /* the stick */
    setenv("ECHOWALL_PASSPHRASE", "correct horse battery", 1);
    r = tu_ctl(bare, "backup", back, NULL);
    if (r.status != 0)
        print_error("backup: %s\n", r.err);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    r = tu_ctl(restored, "restore", file, NULL);
    if (r.status != 0)
        print_error("restore: %s\n", r.err);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    unsetenv("ECHOWALL_PASSPHRASE");
    ok(db_open(bare, 0, &db, &e), &e, "open bare");
    assert_true(staff_pin_first_allowed(db)); /* the original still may */
    db_close(db);
    ok(db_open(restored, 0, &db, &e), &e, "open restored");
    assert_false(staff_pin_first_allowed(db));
    assert_int_equal(staff_pin_set_first(db, PIN, &e), EW_ESTATE);
    assert_false(staff_pin_is_set(db));
    db_close(db);
    free(office);
    free(bare);
    free(back);
    free(restored);
    free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_set_and_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_pins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_went_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stored_hash_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_in_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_in_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_without_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_pin, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
