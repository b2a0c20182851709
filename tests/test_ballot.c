/*
 * test_ballot.c: anonymous ballots (ballot.c): counted whole or not at all,
 * capped, and leaving nothing that orders them.
 *
 * The anonymity test casts the same ballots in two orders into two copies
 * of one database and compares the raw bytes of the database file and its
 * WAL after every pair of ballots (same multiset, different order) and
 * after the meeting is closed: they must be identical.
 *
 * In token mode (ballot slips) the same holds with the slips' tokens: the
 * same ballots cast with the same slips in another order and another
 * pairing of slip and ballot leave identical bytes after every pair; two
 * copies that drew different tokens and spent different slips in different
 * orders are identical once the meeting is closed; and a scan of the raw
 * bytes finds no token left after the close. A slip counts once, only at
 * its own meeting; nothing is counted or spent on a refusal.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ballot.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "meeting.h"
#include "testutil.h"

#define DAY "2026-11-28"

typedef struct Fx {
    char *dir;
    char *path;   /* the hall's database, meeting open, closed on disk */
    char id[MEETING_ID_MAX];
    int nsubj;
} Fx;

static int setup(void **state)
{
    Fx *fx = calloc(1, sizeof *fx);
    tu_pin_day(DAY);
    fx->dir = tu_tmpdir();
    int64_t today;
    clock_parse_day(DAY, &today);
    sqlite3 *db = tu_demo_db(fx->dir, "h07.db", 1, "H07", today);
    Author self;
    EwErr e = {0};
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(meeting_open(db, &self, "H07", "三季度述职评议", NULL, 0, NULL, 0, fx->id, &e),
                     EW_OK);
    json_t *m = NULL;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    fx->nsubj = (int)json_array_size(json_object_get(m, "subjects"));
    assert_true(fx->nsubj >= 3); /* the branch, its secretary, its grid leaders */
    assert_string_equal(json_string_value(json_object_get(json_array_get(
                            json_object_get(m, "subjects"), 0), "role")),
                        "branch");
    json_decref(m);
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    db_close(db);
    fx->path = tu_path(fx->dir, "h07.db");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fx *fx = *state;
    tu_rmdir(fx->dir);
    free(fx->dir);
    free(fx->path);
    free(fx);
    clock_set_fixed(0);
    return 0;
}

static sqlite3 *open_copy(Fx *fx, const char *name, char **path)
{
    *path = tu_copy_db(fx->path, fx->dir, name);
    sqlite3 *db = NULL;
    EwErr e = {0};
    assert_int_equal(db_open(*path, 0, &db, &e), EW_OK);
    return db;
}

static const char *const R[] = {"excellent", "good", "fair", "poor", "unknown"};

/* Ballot number b: every subject rated by a rule of b, so ballots differ. */
static void ballot_of(int b, int n, const char **out)
{
    for (int i = 0; i < n; i++)
        out[i] = R[(b * 3 + i * (b + 1)) % 5];
}

static void cast(sqlite3 *db, const char *id, int b, int n)
{
    const char *r[32];
    ballot_of(b, n, r);
    EwErr e = {0};
    assert_int_equal(ballot_cast(db, id, r, n, &e), EW_OK);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void same_bytes(const char *a, const char *b, const char *when)
{
    if (!tu_same_file(a, b))
        fail_msg("the database files differ %s", when);
    char *wa = tu_suffixed(a, "-wal"), *wb = tu_suffixed(b, "-wal");
    /* The WAL is truncated after every ballot: nothing of any ballot in it. */
    assert_true(file_size(wa) <= 0);
    assert_true(file_size(wb) <= 0);
    free(wa);
    free(wb);
}

static void test_order_leaves_no_trace(void **state)
{
    Fx *fx = *state;
    char *pa, *pb;
    sqlite3 *a = open_copy(fx, "a.db", &pa), *b = open_copy(fx, "b.db", &pb);
    /* b casts the same ballots with each pair swapped. */
    for (int k = 0; k < 12; k += 2) {
        cast(a, fx->id, k, fx->nsubj);
        cast(a, fx->id, k + 1, fx->nsubj);
        cast(b, fx->id, k + 1, fx->nsubj);
        cast(b, fx->id, k, fx->nsubj);
        char when[64];
        snprintf(when, sizeof when, "after %d ballots cast in two orders", k + 2);
        same_bytes(pa, pb, when);
    }
    Author sa, sb;
    EwErr e = {0};
    assert_int_equal(device_load_self(a, &sa, &e), EW_OK);
    assert_int_equal(device_load_self(b, &sb, &e), EW_OK);
    assert_int_equal(meeting_close(a, &sa, fx->id, NULL, 0, &e), EW_OK);
    assert_int_equal(meeting_close(b, &sb, fx->id, NULL, 0, &e), EW_OK);
    sqlite3_wal_checkpoint_v2(a, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_wal_checkpoint_v2(b, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    same_bytes(pa, pb, "after the meeting closed");
    /* The closing record holds the whole count: 12 ballots. */
    json_t *list = NULL;
    assert_int_equal(meeting_list(a, &list, &e), EW_OK);
    size_t i;
    json_t *m;
    int found = 0;
    json_array_foreach(list, i, m) {
        if (strcmp(json_string_value(json_object_get(m, "id")), fx->id) == 0) {
            found = 1;
            assert_int_equal(json_integer_value(json_object_get(m, "ballots")), 12);
            assert_string_equal(json_string_value(json_object_get(m, "status")), "closed");
        }
    }
    assert_true(found);
    json_decref(list);
    db_close(a);
    db_close(b);
    free(pa);
    free(pb);
}

static void test_counts_and_refusals(void **state)
{
    Fx *fx = *state;
    char *p;
    sqlite3 *db = open_copy(fx, "c.db", &p);
    EwErr e = {0};
    const char *r[32];
    for (int i = 0; i < fx->nsubj; i++)
        r[i] = "excellent";
    r[1] = "unknown";
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_OK);
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_OK);
    /* A ballot counts whole or not at all. */
    r[2] = "superb";
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_EINPUT);
    r[2] = "good";
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj - 1, &e), EW_EINPUT);
    assert_int_equal(ballot_cast(db, "H07-MZ9", r, fx->nsubj, &e), EW_ENOTFOUND);
    json_t *m = NULL;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    assert_int_equal(json_integer_value(json_object_get(m, "ballots")), 2);
    json_decref(m);
    int64_t n = -1;
    db_int(db, NULL, &n, 0,
           "SELECT count FROM meeting_tally WHERE meeting=? AND subject='branch' AND "
           "rating='excellent'",
           "t", fx->id);
    assert_int_equal(n, 2);
    db_int(db, NULL, &n, 0, "SELECT count(*) FROM meeting_tally WHERE meeting=?", "t", fx->id);
    assert_int_equal(n, fx->nsubj * 5); /* every counter, from the first ballot */
    /* No other hall's meeting, and none once closed. */
    assert_int_equal(ballot_meeting(db, "H08", &m, &e), EW_ENOTFOUND);
    Author self;
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(meeting_close(db, &self, fx->id, NULL, 0, &e), EW_OK);
    assert_int_equal(ballot_cast(db, fx->id, r, fx->nsubj, &e), EW_ENOTFOUND);
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_ENOTFOUND);
    db_close(db);
    free(p);
}

/* ---- token mode ---- */

#define NSLIPS 300 /* enough for the tokens to fill several pages */

static void open_with_slips(sqlite3 *db, const char *id_closed, int n, int64_t cap,
                            BallotToken *t, char id[MEETING_ID_MAX])
{
    Author self;
    EwErr e = {0};
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    if (id_closed)
        assert_int_equal(meeting_close(db, &self, id_closed, NULL, 0, &e), EW_OK);
    const char *subj[] = {"branch", NULL};
    int rc = meeting_open_tokens(db, &self, "H07", "凭票评议", id_closed ? subj : NULL, cap, NULL,
                                 0, n, t, id, &e);
    if (rc)
        fail_msg("meeting_open_tokens: %s", e.msg);
}

static void cast_with(sqlite3 *db, const char *id, int b, int n, const char *token)
{
    const char *r[32];
    ballot_of(b, n, r);
    EwErr e = {0};
    if (ballot_cast_token(db, id, token, r, n, &e) != EW_OK)
        fail_msg("ballot %d with slip %s: %s", b, token, e.msg);
}

static void close_meeting(sqlite3 *db, const char *id)
{
    Author self;
    EwErr e = {0};
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(meeting_close(db, &self, id, NULL, 0, &e), EW_OK);
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

/* The raw bytes of a database file and its WAL, one after the other with
 * a NUL between (malloc'd). */
static unsigned char *raw_bytes(const char *path, size_t *n)
{
    char *wal = tu_suffixed(path, "-wal");
    size_t nd = 0, nw = 0;
    unsigned char *d = tu_read_file(path, &nd), *w = tu_read_file(wal, &nw);
    unsigned char *all = calloc(nd + nw + 1, 1);
    memcpy(all, d, nd);
    if (w)
        memcpy(all + nd + 1, w, nw);
    *n = nd + nw + 1;
    free(d);
    free(w);
    free(wal);
    return all;
}

static int holds(const unsigned char *b, size_t n, const char *s)
{
    return memmem(b, n, s, strlen(s)) != NULL;
}

/* 1 when the raw bytes of the database file or its WAL contain s. */
static int file_holds(const char *path, const char *s)
{
    size_t n;
    unsigned char *b = raw_bytes(path, &n);
    int found = holds(b, n, s);
    free(b);
    return found;
}

/* Tokens: 8 digits, ascending, all different. */
static void check_slips(const BallotToken *t, int n)
{
    for (int i = 0; i < n; i++) {
        assert_int_equal(strlen(t[i].digits), 8);
        assert_int_equal(strspn(t[i].digits, "0123456789"), 8);
        if (i)
            assert_true(strcmp(t[i - 1].digits, t[i].digits) < 0);
    }
}

/* No token of t[0..n) in the file's bytes after the close (those that the
 * file held before the meeting by chance, in other digits, excepted). */
static void no_slip_left(const char *path, const char *before, const BallotToken *t, int n)
{
    size_t na, nb;
    unsigned char *after = raw_bytes(path, &na), *was = raw_bytes(before, &nb);
    for (int i = 0; i < n; i++)
        if (!holds(was, nb, t[i].digits) && holds(after, na, t[i].digits))
            fail_msg("token %s is still in %s after the close", t[i].digits, path);
    free(after);
    free(was);
}

static void test_slips_leave_no_trace(void **state)
{
    Fx *fx = *state;
    char *pt;
    sqlite3 *t = open_copy(fx, "t.db", &pt);
    static BallotToken slip[NSLIPS];
    char id[MEETING_ID_MAX];
    open_with_slips(t, fx->id, NSLIPS, 0, slip, id);
    check_slips(slip, NSLIPS);
    json_t *m = NULL;
    EwErr e = {0};
    assert_int_equal(ballot_meeting(t, "H07", &m, &e), EW_OK);
    assert_true(json_is_true(json_object_get(m, "tokens")));
    int n = (int)json_array_size(json_object_get(m, "subjects"));
    json_decref(m);
    sqlite3_wal_checkpoint_v2(t, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    db_close(t);
    char *pa = tu_copy_db(pt, fx->dir, "ta.db"), *pb = tu_copy_db(pt, fx->dir, "tb.db");
    sqlite3 *a, *b;
    assert_int_equal(db_open(pa, 0, &a, &e), EW_OK);
    assert_int_equal(db_open(pb, 0, &b, &e), EW_OK);
    /* b spends the same two slips on the same two ballots, by turns in the
     * other order of ballots, of slips, or both, and the other pairing. */
    for (int k = 0; k < 12; k += 2) {
        cast_with(a, id, k, n, slip[k].digits);
        cast_with(a, id, k + 1, n, slip[k + 1].digits);
        int turn = k / 2 % 3, first = turn == 2 ? k : k + 1, slip1 = turn == 1 ? k : k + 1;
        cast_with(b, id, first, n, slip[slip1].digits);
        cast_with(b, id, 2 * k + 1 - first, n, slip[2 * k + 1 - slip1].digits);
        char when[80];
        snprintf(when, sizeof when, "after %d ballots cast with slips in two orders", k + 2);
        same_bytes(pa, pb, when);
    }
    assert_true(file_holds(pa, slip[200].digits)); /* the scan sees them while open */
    close_meeting(a, id);
    close_meeting(b, id);
    same_bytes(pa, pb, "after the meeting with slips closed");
    no_slip_left(pa, fx->path, slip, NSLIPS);
    assert_int_equal(ballot_token_check(a, id, slip[20].digits, &e), EW_ENOTFOUND);
    db_close(a);
    db_close(b);
    free(pa);
    free(pb);
    free(pt);
}

static void test_other_slips_same_bytes(void **state)
{
    Fx *fx = *state;
    char *pa, *pb;
    sqlite3 *a = open_copy(fx, "sa.db", &pa), *b = open_copy(fx, "sb.db", &pb);
    static BallotToken ta[NSLIPS], tb[NSLIPS];
    char ida[MEETING_ID_MAX], idb[MEETING_ID_MAX];
    open_with_slips(a, fx->id, NSLIPS, 0, ta, ida);
    open_with_slips(b, fx->id, NSLIPS, 0, tb, idb);
    assert_string_equal(ida, idb);
    assert_true(memcmp(ta, tb, sizeof ta) != 0); /* each drew its own */
    /* The same ballots, in other orders, with other slips. */
    for (int k = 0; k < 10; k++) {
        cast_with(a, ida, k, 1, ta[k].digits);
        cast_with(b, idb, 9 - k, 1, tb[NSLIPS - 1 - 3 * k].digits);
    }
    close_meeting(a, ida);
    close_meeting(b, idb);
    same_bytes(pa, pb, "after two meetings with different slips closed");
    no_slip_left(pa, fx->path, ta, NSLIPS);
    no_slip_left(pb, fx->path, tb, NSLIPS);
    db_close(a);
    db_close(b);
    free(pa);
    free(pb);
}

/* The meeting's count of ballots and of spent slips. */
static void expect_counted(sqlite3 *db, const char *id, int64_t ballots)
{
    json_t *m = NULL;
    EwErr e = {0};
    int64_t spent = -1;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    assert_int_equal(json_integer_value(json_object_get(m, "ballots")), ballots);
    json_decref(m);
    db_int(db, NULL, &spent, 0, "SELECT sum(used) FROM ballot_tokens WHERE meeting=?", "t", id);
    assert_int_equal(spent, ballots);
}

static void refused(int rc, const EwErr *e, int want, const char *part)
{
    if (rc != want || !strstr(e->msg, part))
        fail_msg("got %d \"%s\", want %d with \"%s\"", rc, e->msg, want, part);
}

static void test_slip_refusals(void **state)
{
    Fx *fx = *state;
    char *p;
    sqlite3 *db = open_copy(fx, "r.db", &p);
    BallotToken old[4], t[6];
    char id[MEETING_ID_MAX], first[MEETING_ID_MAX];
    EwErr e = {0};
    const char *r[] = {"good"};
    /* A slip of the previous meeting: its tokens went with its close. */
    open_with_slips(db, fx->id, 4, 0, old, first);
    cast_with(db, first, 1, 1, old[0].digits);
    open_with_slips(db, first, 6, 3, t, id);
    assert_int_equal(ballot_token_check(db, id, old[1].digits, &e), EW_EDENIED);
    refused(ballot_cast_token(db, id, old[1].digits, r, 1, &e), &e, EW_EDENIED,
            "not the number of a ballot slip of this meeting");
    /* No slip, a malformed one, an unknown one. */
    refused(ballot_cast(db, id, r, 1, &e), &e, EW_EDENIED, "enter the number on your ballot slip");
    refused(ballot_cast_token(db, id, "1234567", r, 1, &e), &e, EW_EINPUT, "8 digits");
    refused(ballot_cast_token(db, id, "12a45678", r, 1, &e), &e, EW_EINPUT, "8 digits");
    char unknown[9];
    snprintf(unknown, sizeof unknown, "%s", t[0].digits);
    unknown[7] = unknown[7] == '9' ? '0' : (char)(unknown[7] + 1);
    for (int i = 0; i < 6; i++)
        if (strcmp(unknown, t[i].digits) == 0)
            unknown[0] = unknown[0] == '9' ? '0' : (char)(unknown[0] + 1);
    refused(ballot_cast_token(db, id, unknown, r, 1, &e), &e, EW_EDENIED, "not the number");
    expect_counted(db, id, 0);
    /* Checking does not spend; typed with a space and a dash, it counts. */
    assert_int_equal(ballot_token_check(db, id, t[0].digits, &e), EW_OK);
    assert_int_equal(ballot_token_check(db, id, t[0].digits, &e), EW_OK);
    char typed[16];
    snprintf(typed, sizeof typed, "%.4s-%.2s %.2s", t[0].digits, t[0].digits + 4, t[0].digits + 6);
    assert_int_equal(ballot_cast_token(db, id, typed, r, 1, &e), EW_OK);
    expect_counted(db, id, 1);
    /* Once only. */
    refused(ballot_token_check(db, id, t[0].digits, &e), &e, EW_EDENIED, "used already");
    refused(ballot_cast_token(db, id, t[0].digits, r, 1, &e), &e, EW_EDENIED, "used already");
    expect_counted(db, id, 1);
    /* A bad ballot spends no slip. */
    const char *bad[] = {"superb"};
    refused(ballot_cast_token(db, id, t[1].digits, bad, 1, &e), &e, EW_EINPUT, "superb");
    assert_int_equal(ballot_token_check(db, id, t[1].digits, &e), EW_OK);
    /* Scanned slips: the digits after the payload's last '/' or '='. */
    char qr[64];
    snprintf(qr, sizeof qr, "https://echowall.example/b/%s", t[1].digits);
    assert_int_equal(ballot_cast_token(db, id, qr, r, 1, &e), EW_OK);
    snprintf(qr, sizeof qr, "EW1?slip=%s\r\n", t[2].digits);
    assert_int_equal(ballot_cast_token(db, id, qr, r, 1, &e), EW_OK);
    expect_counted(db, id, 3);
    /* The cap still holds, and the slip stays unspent. */
    refused(ballot_cast_token(db, id, t[3].digits, r, 1, &e), &e, EW_ESTATE, "all 3 ballots");
    assert_int_equal(ballot_token_check(db, id, t[3].digits, &e), EW_OK);
    expect_counted(db, id, 3);
    /* A meeting without slips takes none, and has none to check. */
    close_meeting(db, id);
    Author self;
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    char plain[MEETING_ID_MAX];
    const char *subj[] = {"branch", NULL};
    assert_int_equal(meeting_open(db, &self, "H07", "不凭票", subj, 0, NULL, 0, plain, &e), EW_OK);
    json_t *m = NULL;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    assert_true(json_is_false(json_object_get(m, "tokens")));
    json_decref(m);
    refused(ballot_cast_token(db, plain, t[4].digits, r, 1, &e), &e, EW_EINPUT, "no ballot slips");
    refused(ballot_token_check(db, plain, t[4].digits, &e), &e, EW_ESTATE, "no ballot slips");
    refused(ballot_token_check(db, "H07-MZ9", t[4].digits, &e), &e, EW_ENOTFOUND,
            "no open meeting");
    assert_int_equal(ballot_cast(db, plain, r, 1, &e), EW_OK);
    /* A bad count of slips. */
    BallotToken one[1];
    char x[MEETING_ID_MAX];
    close_meeting(db, plain);
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    refused(meeting_open_tokens(db, &self, "H07", "凭票", subj, 0, NULL, 0, BALLOT_TOKENS_MAX + 1,
                                one, x, &e),
            &e, EW_EINPUT, "--tokens");
    db_close(db);
    free(p);
}

static void test_slips_command(void **state)
{
    Fx *fx = *state;
    char *p = tu_copy_db(fx->path, fx->dir, "cli.db");
    CtlRun r = tu_ctl(p, "meeting", "close", fx->id, NULL);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    r = tu_ctl(p, "meeting", "open", "--hall", "H07", "--topic", "凭票评议", "--tokens", "0",
               NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--tokens"));
    tu_ctl_free(&r);
    r = tu_ctl(p, "meeting", "open", "--hall", "H07", "--topic", "凭票评议", "--tokens", "5001",
               NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(p, "meeting", "open", "--hall", "H07", "--topic", "凭票评议", "--tokens", "3",
               NULL);
    assert_int_equal(r.status, 0);
    /* The meeting's ID, then one "token DIGITS" line a slip. */
    char id[MEETING_ID_MAX], tok[3][9];
    assert_int_equal(sscanf(r.out, "%31s token %8s token %8s token %8s", id, tok[0], tok[1],
                            tok[2]),
                     4);
    assert_string_equal(id, "H07-MA4");
    tu_ctl_free(&r);
    sqlite3 *db;
    EwErr e = {0};
    assert_int_equal(db_open(p, 0, &db, &e), EW_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ballot_token_check(db, id, tok[i], &e), EW_OK);
    db_close(db);
    free(p);
}

static void test_cap(void **state)
{
    Fx *fx = *state;
    char *p;
    sqlite3 *db = open_copy(fx, "d.db", &p);
    EwErr e = {0};
    Author self;
    assert_int_equal(device_load_self(db, &self, &e), EW_OK);
    assert_int_equal(meeting_close(db, &self, fx->id, NULL, 0, &e), EW_OK);
    char id[MEETING_ID_MAX];
    const char *subj[] = {"branch", NULL};
    assert_int_equal(meeting_open(db, &self, "H07", "冬季评议", subj, 3, NULL, 0, id, &e), EW_OK);
    const char *r[] = {"good"};
    for (int i = 0; i < 3; i++)
        assert_int_equal(ballot_cast(db, id, r, 1, &e), EW_OK);
    assert_int_equal(ballot_cast(db, id, r, 1, &e), EW_ESTATE);
    json_t *m = NULL;
    assert_int_equal(ballot_meeting(db, "H07", &m, &e), EW_OK);
    assert_int_equal(json_integer_value(json_object_get(m, "ballots")), 3);
    assert_int_equal(json_integer_value(json_object_get(m, "cap")), 3);
    json_decref(m);
    db_close(db);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_and_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slips_leave_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_slips_same_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slip_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slips_command, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
