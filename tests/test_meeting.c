/*
 * test_meeting.c: closing and voiding meetings (meeting.c and the meeting
 * rules in fold.c).
 *
 *  - The close record: stamped one logical tick after the newest stamp the
 *    kiosk holds, never by its clock, and dated by a day alone; the local
 *    counters and slips hold no time at all.
 *  - meeting.void: the office's alone (refused on a hall, by the fold, and
 *    on import from a stick), one line of reason, no second void; a voided
 *    meeting is listed as void with its reason, has no results, cannot be
 *    closed on the kiosk, and on the hall that held it the counters and
 *    slips are gone, down to the file's bytes.
 *  - Void wins whatever the order: the hall's close and the office's void,
 *    made concurrently on two devices and exchanged, fold to the same state
 *    on both, whichever comes first in the fold's order.
 *  - The command line: `meeting void ID --reason TEXT`.
 *
 * The databases are the demo town's (seed 1): the office's and H07's hold
 * the same simulated devices, so either can author as any of them.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ballot.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "evalres.h"
#include "fold.h"
#include "meeting.h"
#include "record.h"
#include "sync.h"
#include "testutil.h"

#define DAY "2026-11-28"
#define REASON "投票时有人代投"

typedef struct Fx {
    char *dir;
    sqlite3 *office;  /* the demo town seen from the office */
    sqlite3 *hall;    /* the same town seen from H07's kiosk */
    EwErr e;
} Fx;

static void ok(int rc, const EwErr *e, const char *what)
{
    if (rc)
        print_error("%s: unexpected error %d: %s\n", what, rc, e->msg);
    assert_int_equal(rc, EW_OK);
}

/* rc is the refusal want, with a message containing part. */
static void refused(int rc, const EwErr *e, int want, const char *part)
{
    if (rc != want || !strstr(e->msg, part))
        fail_msg("got %d \"%s\", want %d with \"%s\"", rc, e->msg, want, part);
}

static int64_t q_int(sqlite3 *db, const char *sql, const char *arg)
{
    int64_t v = -1;
    EwErr e = {0};
    ok(db_int(db, &e, &v, -1, sql, arg ? "t" : NULL, arg), &e, sql);
    return v;
}

static char *q_text(sqlite3 *db, const char *sql, const char *arg)
{
    char *v = NULL;
    EwErr e = {0};
    ok(db_text(db, &e, &v, sql, arg ? "t" : NULL, arg), &e, sql);
    return v;
}

/* A device of the demo town (the office or a hall's kiosk) as an author in
 * db, going on from its newest record there. */
static void sim_author(sqlite3 *db, const char *who, Author *a)
{
    char label[48];
    unsigned char seed[32];
    snprintf(label, sizeof label, "echowall/demo/%llu/%s", 1ULL, who);
    crypto_generichash(seed, 32, (const unsigned char *)label, strlen(label), NULL, 0);
    int office = strcmp(who, "office") == 0;
    DeviceSpec ds = {.role = office ? "office" : "hall", .hall = office ? NULL : who,
                     .seed = seed};
    device_make_author(a, &ds);
    int64_t top = 0;
    EwErr e = {0};
    ok(db_int(db, &e, &top, 0, "SELECT max(seq) FROM records WHERE device=?", "b", a->id,
              (size_t)EW_DEVICE_LEN),
       &e, "seq");
    a->next_seq = top + 1;
    if (top) {
        sqlite3_stmt *st = db_prep(db, NULL, "SELECT hash FROM records WHERE device=? AND seq=?",
                                   "bi", a->id, (size_t)EW_DEVICE_LEN, top);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        memcpy(a->prev, sqlite3_column_blob(st, 0), EW_HASH_LEN);
        db_done(st);
    }
    if (!office)
        a->meeting_next = 1 + q_int(db, "SELECT count(*) FROM meetings WHERE hall=?", who);
}

static int setup(void **state)
{
    Fx *fx = calloc(1, sizeof *fx);
    tu_pin_day(DAY);
    fx->dir = tu_tmpdir();
    int64_t today;
    clock_parse_day(DAY, &today);
    fx->office = tu_demo_db(fx->dir, "office.db", 1, NULL, today);
    fx->hall = tu_demo_db(fx->dir, "h07.db", 1, "H07", today);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fx *fx = *state;
    db_close(fx->office);
    db_close(fx->hall);
    tu_rmdir(fx->dir);
    free(fx->dir);
    free(fx);
    clock_set_fixed(0);
    return 0;
}

/* Runs one operation's result through a transaction the way the command
 * line does: begun before, committed on success, rolled back on error. */
static void begin(sqlite3 *db)
{
    EwErr e = {0};
    ok(db_begin(db, &e), &e, "begin");
}

static int end(sqlite3 *db, int rc)
{
    EwErr e = {0};
    if (rc == EW_OK)
        ok(db_commit(db, &e), &e, "commit");
    else
        db_rollback(db);
    return rc;
}

/* The hall's own open meeting, with n ballot slips (0: none). */
static void open_meeting(sqlite3 *db, int n, BallotToken *t, char id[MEETING_ID_MAX])
{
    Author self;
    EwErr e = {0};
    ok(device_load_self(db, &self, &e), &e, "self");
    begin(db);
    ok(end(db, meeting_open_tokens(db, &self, "H07", "冬季述职评议", NULL, 0, NULL, 0, n, t, id,
                                   &e)),
       &e, "meeting_open_tokens");
}

static void cast_excellent(sqlite3 *db, const char *id, const char *token)
{
    const char *r[32];
    json_t *m = NULL;
    EwErr e = {0};
    ok(ballot_meeting(db, "H07", &m, &e), &e, "ballot_meeting");
    int n = (int)json_array_size(json_object_get(m, "subjects"));
    json_decref(m);
    for (int i = 0; i < n; i++)
        r[i] = "excellent";
    ok(ballot_cast_token(db, id, token, r, n, &e), &e, "ballot_cast_token");
}

/* 1 when the bytes of the database file or its WAL contain s. */
static int file_holds(const char *path, const char *s)
{
    int found = 0;
    for (int w = 0; w < 2 && !found; w++) {
        char *p = w ? tu_suffixed(path, "-wal") : strdup(path);
        size_t len = 0;
        unsigned char *b = tu_read_file(p, &len);
        found = b && memmem(b, len, s, strlen(s)) != NULL;
        free(b);
        free(p);
    }
    return found;
}

/* ---- the close record ---- */

static void test_close_stamp(void **state)
{
    Fx *fx = *state;
    char id[MEETING_ID_MAX];
    open_meeting(fx->hall, 0, NULL, id);
    for (int i = 0; i < 3; i++)
        cast_excellent(fx->hall, id, NULL);
    /* The kiosk's clock runs on hours past its newest record: the close
     * takes none of it. */
    clock_set_fixed(clock_now_ms() + 5 * 3600 * 1000LL);
    int64_t newest = q_int(fx->hall, "SELECT max(hlc) FROM records", NULL);
    Author self;
    ok(device_load_self(fx->hall, &self, &fx->e), &fx->e, "self");
    begin(fx->hall);
    ok(end(fx->hall, meeting_close(fx->hall, &self, id, NULL, 0, &fx->e)), &fx->e, "close");
    assert_int_equal(q_int(fx->hall, "SELECT hlc FROM records WHERE kind='meeting.close' AND "
                                     "json_extract(body,'$.id')=?",
                           id),
                     newest + 1);
    /* The body: the id, the tallies, the ballots and the day, nothing more. */
    char *body = q_text(fx->hall,
                        "SELECT body FROM records WHERE kind='meeting.close' AND "
                        "json_extract(body,'$.id')=?",
                        id);
    json_t *b = json_loads(body, 0, NULL);
    assert_int_equal(json_object_size(b), 4);
    assert_string_equal(json_string_value(json_object_get(b, "day")), DAY);
    assert_int_equal(json_integer_value(json_object_get(b, "ballots")), 3);
    json_t *t = json_object_get(json_object_get(b, "tallies"), "branch");
    assert_int_equal(json_integer_value(json_object_get(t, "excellent")), 3);
    assert_int_equal(json_object_size(t), 5); /* one count per rating, no time */
    json_decref(b);
    free(body);
    /* Dated by its day; the counters are gone. */
    char day[11];
    clock_format_day(q_int(fx->hall, "SELECT closed_day FROM meetings WHERE id=?", id), day);
    assert_string_equal(day, DAY);
    assert_int_equal(q_int(fx->hall, "SELECT count(*) FROM meeting_tally WHERE meeting=?", id), 0);
    /* The local tables of an open meeting have no column for a time. */
    char *cols = q_text(fx->hall,
                        "SELECT group_concat(name, ',') FROM (SELECT name FROM "
                        "pragma_table_info('meeting_tally') UNION ALL SELECT name FROM "
                        "pragma_table_info('ballot_tokens'))",
                        NULL);
    assert_string_equal(cols, "meeting,subject,rating,count,meeting,token,used");
    free(cols);
}

static void test_close_refusals(void **state)
{
    Fx *fx = *state;
    Author self;
    ok(device_load_self(fx->hall, &self, &fx->e), &fx->e, "self");
    int64_t before = q_int(fx->hall, "SELECT count(*) FROM records", NULL);
    begin(fx->hall);
    refused(end(fx->hall, meeting_close(fx->hall, &self, "H07-MA9", NULL, 0, &fx->e)), &fx->e,
            EW_ENOTFOUND, "no meeting H07-MA9");
    begin(fx->hall);
    refused(end(fx->hall, meeting_close(fx->hall, &self, "H07-MA1", NULL, 0, &fx->e)), &fx->e,
            EW_ESTATE, "already closed");
    assert_int_equal(q_int(fx->hall, "SELECT count(*) FROM records", NULL), before);
}

/* ---- meeting.void ---- */

static void test_void_rules(void **state)
{
    Fx *fx = *state;
    sqlite3 *db = fx->office;
    Author off, h07;
    ok(device_load_self(db, &off, &fx->e), &fx->e, "self");
    sim_author(db, "H07", &h07);
    char id[MEETING_ID_MAX];
    begin(db);
    ok(end(db, meeting_open(db, &h07, "H07", "冬季述职评议", NULL, 0, NULL, 0, id, &fx->e)),
       &fx->e, "open");
    int64_t before = q_int(db, "SELECT count(*) FROM records", NULL);
    /* A hall may not void, through the API or a record of its own. */
    begin(db);
    refused(end(db, meeting_void(db, &h07, id, REASON, 0, &fx->e)), &fx->e, EW_EDENIED,
            "only the office");
    json_t *body = json_pack("{s:s,s:s}", "id", id, "reason", REASON);
    begin(db);
    refused(end(db, device_author(db, &h07, 0, "meeting.void", body, &fx->e)), &fx->e, EW_EDENIED,
            "only the office may void a meeting");
    json_decref(body);
    /* One non-blank line of reason; a meeting that exists. */
    const char *bad[] = {"", "  ", "两行\n理由"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        begin(db);
        refused(end(db, meeting_void(db, &off, id, bad[i], 0, &fx->e)), &fx->e, EW_EINPUT,
                "--reason");
    }
    begin(db);
    refused(end(db, meeting_void(db, &off, "H07-MA9", REASON, 0, &fx->e)), &fx->e, EW_ENOTFOUND,
            "no meeting H07-MA9");
    assert_int_equal(q_int(db, "SELECT count(*) FROM records", NULL), before);
    /* The office voids the open meeting. */
    begin(db);
    ok(end(db, meeting_void(db, &off, id, REASON, 0, &fx->e)), &fx->e, "void");
    json_t *list = NULL;
    ok(meeting_list(db, &list, &fx->e), &fx->e, "list");
    size_t i;
    json_t *m;
    int seen = 0;
    json_array_foreach(list, i, m) {
        const char *status = json_string_value(json_object_get(m, "status"));
        if (strcmp(json_string_value(json_object_get(m, "id")), id) == 0) {
            seen = 1;
            assert_string_equal(status, "void");
            assert_string_equal(json_string_value(json_object_get(m, "void_reason")), REASON);
        } else {
            assert_true(json_is_null(json_object_get(m, "void_reason")));
        }
    }
    assert_true(seen);
    json_decref(list);
    /* No second void; no results; the hall cannot close it any more. */
    begin(db);
    refused(end(db, meeting_void(db, &off, id, "再作废一次", 0, &fx->e)), &fx->e, EW_ESTATE,
            "already void");
    json_t *res = NULL;
    refused(eval_meeting(db, id, EVAL_MIN_RATINGS, &res, &fx->e), &fx->e, EW_ESTATE,
            "voided: " REASON);
    assert_null(res);
    begin(db);
    refused(end(db, meeting_close(db, &h07, id, NULL, 0, &fx->e)), &fx->e, EW_ESTATE, "voided");
    /* The hall may open its next meeting. */
    char next[MEETING_ID_MAX];
    begin(db);
    ok(end(db, meeting_open(db, &h07, "H07", "补开评议会", NULL, 0, NULL, 0, next, &fx->e)),
       &fx->e, "open the next");
}

/* The office's void of the hall's open meeting, folded on the hall: the
 * counters and the slips' tokens go, down to the bytes of the file. */
static void test_void_on_the_hall(void **state)
{
    Fx *fx = *state;
    sqlite3 *db = fx->hall;
    char *path = tu_path(fx->dir, "h07.db");
    BallotToken t[40];
    char id[MEETING_ID_MAX];
    open_meeting(db, 40, t, id);
    cast_excellent(db, id, t[0].digits);
    cast_excellent(db, id, t[1].digits);
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    assert_true(file_holds(path, t[7].digits)); /* the scan sees them while open */
    /* The stick comes after a restart: a connection that cast no ballot,
     * with secure_delete off (Debian's SQLite has it on by default; others
     * do not), so that the fold must turn it on itself. */
    db_close(db);
    ok(db_open(path, 0, &fx->hall, &fx->e), &fx->e, "reopen");
    db = fx->hall;
    ok(db_exec(db, &fx->e, "PRAGMA secure_delete=OFF"), &fx->e, "secure_delete off");
    Author off;
    sim_author(db, "office", &off);
    begin(db);
    ok(end(db, meeting_void(db, &off, id, REASON, 0, &fx->e)), &fx->e, "void folded on H07");
    assert_int_equal(q_int(db, "SELECT count(*) FROM meeting_tally WHERE meeting=?", id), 0);
    assert_int_equal(q_int(db, "SELECT count(*) FROM ballot_tokens WHERE meeting=?", id), 0);
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    for (int i = 0; i < 40; i++)
        if (file_holds(path, t[i].digits))
            fail_msg("token %s is still in the file after the void", t[i].digits);
    /* Nothing more to vote on or close. */
    json_t *m = NULL;
    refused(ballot_meeting(db, "H07", &m, &fx->e), &fx->e, EW_ENOTFOUND, "no open meeting");
    const char *r[] = {"good"};
    refused(ballot_cast_token(db, id, t[2].digits, r, 1, &fx->e), &fx->e, EW_ENOTFOUND,
            "no open meeting");
    Author self;
    ok(device_load_self(db, &self, &fx->e), &fx->e, "self");
    begin(db);
    refused(end(db, meeting_close(db, &self, id, NULL, 0, &fx->e)), &fx->e, EW_ESTATE, "voided");
    /* A rebuild of the derived tables keeps it void. */
    begin(db);
    ok(end(db, fold_rebuild(db, &fx->e)), &fx->e, "rebuild");
    char *status = q_text(db, "SELECT status||' '||void_reason FROM meetings WHERE id=?", id);
    assert_string_equal(status, "void " REASON);
    free(status);
    free(path);
}

/* ---- void and close in either order ---- */

/* Copies every record of the database at from_path into db and folds. */
static void take_records(sqlite3 *db, const char *from_path)
{
    char *sql = sqlite3_mprintf("ATTACH %Q AS other", from_path);
    EwErr e = {0};
    ok(db_exec(db, &e, sql), &e, sql);
    sqlite3_free(sql);
    begin(db);
    ok(db_exec(db, &e,
               "INSERT OR IGNORE INTO records(device,seq,hlc,kind,body,prev,hash,sig) "
               "SELECT device,seq,hlc,kind,body,prev,hash,sig FROM other.records"),
       &e, "copy records");
    ok(end(db, fold_pending(db, NULL, &e)), &e, "fold");
    ok(db_exec(db, &e, "DETACH other"), &e, "detach");
}

/* The meeting's row and what became of its records. */
static char *meeting_row(sqlite3 *db, const char *id)
{
    char *row = sqlite3_mprintf("SELECT * FROM meetings WHERE id=%Q", id);
    char *recs = sqlite3_mprintf("SELECT kind, state, note FROM records WHERE kind LIKE "
                                 "'meeting.%%' AND json_extract(body, '$.id')=%Q ORDER BY kind",
                                 id);
    const char *q[] = {row, recs};
    char *out = tu_dump_queries(db, q, 2);
    sqlite3_free(row);
    sqlite3_free(recs);
    return out;
}

/* The hall closes and the office voids, each on its own database, before
 * either has the other's record; then they exchange. close_later: the
 * hall's close sorts after the void in the fold's order (the hall went on
 * working after the office's void, not yet knowing of it). */
static char *close_and_void(Fx *fx, const char *name, int close_later)
{
    char *opath = tu_path(fx->dir, "office.db"), hp[64], op[64];
    snprintf(hp, sizeof hp, "%s-hall.db", name);
    snprintf(op, sizeof op, "%s-office.db", name);
    /* Both start from the office's database with H07's meeting open. */
    sqlite3_wal_checkpoint_v2(fx->office, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    char *hpath = tu_copy_db(opath, fx->dir, hp), *ppath = tu_copy_db(opath, fx->dir, op);
    sqlite3 *h, *o;
    ok(db_open(hpath, 0, &h, &fx->e), &fx->e, hpath);
    ok(db_open(ppath, 0, &o, &fx->e), &fx->e, ppath);
    char *id = q_text(o, "SELECT id FROM meetings WHERE hall='H07' AND status='open'", NULL);
    Author h07, off;
    sim_author(h, "H07", &h07);
    ok(device_load_self(o, &off, &fx->e), &fx->e, "office");
    json_t *tallies = json_pack("{s:{s:i,s:i,s:i,s:i,s:i}}", "branch", "excellent", 6, "good", 2,
                                "fair", 1, "poor", 0, "unknown", 1);
    int64_t void_hlc = (clock_now_ms() + 60000) << 16;
    begin(o);
    ok(end(o, meeting_void(o, &off, id, REASON, void_hlc, &fx->e)), &fx->e, "void");
    begin(h);
    ok(end(h, meeting_close_with(h, &h07, id, tallies, 10, DAY, close_later ? void_hlc + 1 : 0,
                                 &fx->e)),
       &fx->e, "close");
    json_decref(tallies);
    take_records(h, ppath);
    take_records(o, hpath);
    char *hs = tu_dump_state(h), *os = tu_dump_state(o);
    assert_string_equal(hs, os);
    char *row = meeting_row(o, id);
    free(hs);
    free(os);
    db_close(h);
    db_close(o);
    free(hpath);
    free(ppath);
    free(opath);
    free(id);
    return row;
}

static void test_void_wins_in_either_order(void **state)
{
    Fx *fx = *state;
    Author h07;
    sim_author(fx->office, "H07", &h07);
    char id[MEETING_ID_MAX];
    begin(fx->office);
    ok(end(fx->office, meeting_open(fx->office, &h07, "H07", "冬季述职评议", NULL, 0, NULL, 0,
                                    id, &fx->e)),
       &fx->e, "open");
    char *first = close_and_void(fx, "a", 0), *later = close_and_void(fx, "b", 1);
    /* The same meeting row either way: void, its reason, the hall's
     * tallies and day; the close and the void both applied. */
    assert_string_equal(first, later);
    assert_non_null(strstr(first, "|void|"));
    assert_non_null(strstr(first, "|" REASON));
    assert_non_null(strstr(first, "\"excellent\":6"));
    assert_non_null(strstr(first, "meeting.close|1|NULL"));
    assert_non_null(strstr(first, "meeting.void|1|NULL"));
    free(first);
    free(later);
}

/* ---- a hall's void from a stick ---- */

static const char BUNDLE_SCHEMA[] =
    "CREATE TABLE certs(device BLOB PRIMARY KEY, cert BLOB NOT NULL);"
    "CREATE TABLE records(device BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
    " kind TEXT NOT NULL, body BLOB NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL,"
    " sig BLOB NOT NULL, PRIMARY KEY (device, seq));"
    "CREATE TABLE blobs(hash BLOB PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TABLE vv(device BLOB PRIMARY KEY, seq INTEGER NOT NULL);";

static void test_hall_void_refused_on_import(void **state)
{
    Fx *fx = *state;
    sqlite3 *db = fx->office;
    Author h07;
    sim_author(db, "H07", &h07);
    /* H07's kiosk signs a void of its own closed meeting, in its chain. */
    Record r;
    memset(&r, 0, sizeof r);
    memcpy(r.device, h07.id, EW_DEVICE_LEN);
    r.seq = h07.next_seq;
    r.hlc = (q_int(db, "SELECT max(hlc) FROM records", NULL)) + 65536;
    snprintf(r.kind, sizeof r.kind, "meeting.void");
    json_t *body = json_pack("{s:s,s:s}", "id", "H07-MA1", "reason", REASON);
    assert_int_equal(record_canonical(body, &r.body, &r.body_len), EW_OK);
    json_decref(body);
    memcpy(r.prev, h07.prev, EW_HASH_LEN);
    record_sign(&r, h07.sk);
    char *bpath = tu_path(fx->dir, "h07.bundle");
    sqlite3 *b;
    assert_int_equal(sqlite3_open(bpath, &b), SQLITE_OK);
    assert_int_equal(sqlite3_exec(b, BUNDLE_SCHEMA, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(b, "INSERT INTO records VALUES(?,?,?,?,?,?,?,?)", -1, &st,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_blob(st, 1, r.device, EW_DEVICE_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, r.seq);
    sqlite3_bind_int64(st, 3, r.hlc);
    sqlite3_bind_text(st, 4, r.kind, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, r.body, (int)r.body_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 6, r.prev, EW_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, r.hash, EW_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, r.sig, EW_SIG_LEN, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(b);
    json_t *rep = json_object();
    begin(db);
    ok(end(db, sync_import_vouched(db, bpath, rep, &fx->e)), &fx->e, "import");
    json_t *skipped = json_array_get(json_object_get(rep, "skipped"), 0);
    assert_non_null(skipped);
    assert_int_equal(json_integer_value(json_object_get(skipped, "seq")), r.seq);
    char *why = json_dumps(skipped, 0);
    assert_non_null(strstr(why, "may not write"));
    free(why);
    json_decref(rep);
    /* Not held, and the meeting is as it was. */
    assert_int_equal(q_int(db, "SELECT count(*) FROM records WHERE kind='meeting.void'", NULL), 0);
    char *status = q_text(db, "SELECT status FROM meetings WHERE id='H07-MA1'", NULL);
    assert_string_equal(status, "closed");
    free(status);
    record_clear(&r);
    free(bpath);
}

/* ---- the command line ---- */

static void test_void_command(void **state)
{
    Fx *fx = *state;
    char *off = tu_path(fx->dir, "office.db"), *hall = tu_path(fx->dir, "h07.db");
    CtlRun r = tu_ctl(off, "meeting", "void", "H07-MA1", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--reason"));
    tu_ctl_free(&r);
    r = tu_ctl(off, "meeting", "void", "--reason", REASON, NULL);
    assert_int_equal(r.status, 2);
    tu_ctl_free(&r);
    r = tu_ctl(off, "meeting", "void", "H07-MA9", "--reason", REASON, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "no meeting H07-MA9"));
    tu_ctl_free(&r);
    r = tu_ctl(hall, "meeting", "void", "H07-MA1", "--reason", REASON, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "only the office"));
    tu_ctl_free(&r);
    r = tu_ctl(off, "meeting", "void", "H07-MA1", "--reason", REASON, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "meeting H07-MA1 voided\n");
    tu_ctl_free(&r);
    r = tu_ctl(off, "meeting", "list", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "void   "));
    assert_non_null(strstr(r.out, "voided: " REASON));
    tu_ctl_free(&r);
    r = tu_ctl(off, "eval", "results", "--meeting", "H07-MA1", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "voided: " REASON));
    tu_ctl_free(&r);
    free(off);
    free(hall);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_close_stamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_void_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_void_on_the_hall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_void_wins_in_either_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hall_void_refused_on_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_void_command, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
