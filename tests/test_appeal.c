/*
 * test_appeal.c: what may be done to appeals and meetings, by whom and when
 * (src/core/appeal.c, meeting.c, roster.c and the rules in fold.c).
 *
 * Everything goes through the API, on one office database that also knows
 * two simulated hall kiosks (H01, H02), as the demo does. Each operation
 * runs in its own transaction, committed on success and rolled back on an
 * error, as the command line does. For the lifecycle (received, assigned,
 * in progress, escalated, solved, reopened), the role table of SYNC.md, the
 * meeting rules, publication and the villager's rating, every refusal is
 * checked for its EW_E* code, a message that gives the reason, and a
 * database left exactly as it was. Then due dates (default limits per grade
 * counted from grading, changed by the office, overridden by --due, overdue
 * days against a pinned clock) and the private contact (never in the view
 * nor in any record body; a sealed box only the town key opens), read back
 * by the office with appeal_contact() and refused everywhere else.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeal.h"
#include "clock.h"
#include "code.h"
#include "config.h"
#include "db.h"
#include "device.h"
#include "meeting.h"
#include "record.h"
#include "roster.h"
#include "testutil.h"
#include "view.h"

/* One office database with two simulated kiosks. */
typedef struct Fx {
    char *dir;
    sqlite3 *db;
    Author off;      /* this database's own device: the office */
    Author h1, h2;   /* kiosks of H01 and H02 */
    EwErr e;         /* the last operation's error */
} Fx;

/* ---- helpers ---- */

static void ok_rc(int rc, const EwErr *e, const char *what)
{
    if (rc)
        print_error("%s: unexpected error %d: %s\n", what, rc, e->msg);
    assert_int_equal(rc, EW_OK);
}

/* Fails, showing the first line that differs, when two dumps differ. */
static void same_text(const char *a, const char *b, const char *what)
{
    if (strcmp(a, b) == 0)
        return;
    const char *x = a, *y = b;
    while (*x && *x == *y)
        x++, y++;
    while (x > a && x[-1] != '\n')
        x--, y--;
    print_error("%s differ; first at:\n  %.300s\nvs\n  %.300s\n", what, x, y);
    fail();
}

/* Everything a write could change: the derived state, the log, blobs, the
 * identity's counters, devices, local settings and open-meeting counters. */
static char *snapshot(sqlite3 *db)
{
    static const char *const qs[] = {
        "SELECT hex(device), seq, hlc, kind, hex(body), hex(hash) FROM records "
        "ORDER BY device, seq",
        "SELECT hex(hash), length(data) FROM blobs ORDER BY hash",
        "SELECT hex(device), next_seq, hex(prev), hlc, code_next, meeting_next, "
        "hex(town_pk) FROM device_self",
        "SELECT hex(device), role, hall, slot FROM devices ORDER BY device",
        "SELECT * FROM local_config ORDER BY key",
        "SELECT * FROM meeting_tally ORDER BY meeting, subject, rating",
        "SELECT * FROM fold_state",
    };
    char *state = tu_dump_state(db), *rest = tu_dump_queries(db, qs, sizeof qs / sizeof qs[0]);
    char *buf;
    size_t n;
    FILE *f = open_memstream(&buf, &n);
    fputs(state, f);
    fputs(rest, f);
    fclose(f);
    free(state);
    free(rest);
    return buf;
}

/* Transactions as the command line runs them: begin, the operation, commit
 * on success or roll back on any error. */
static void tx_begin(Fx *fx)
{
    memset(&fx->e, 0, sizeof fx->e);
    ok_rc(db_begin(fx->db, &fx->e), &fx->e, "begin");
}

static int tx_end(Fx *fx, int rc)
{
    if (rc == EW_OK) {
        EwErr e = {0};
        ok_rc(db_commit(fx->db, &e), &e, "commit");
    } else {
        db_rollback(fx->db);
    }
    assert_true(sqlite3_get_autocommit(fx->db));
    return rc;
}

/* Runs one operation in its own transaction; its value is the result. */
#define RUN(call) (tx_begin(fx), tx_end(fx, (call)))

/* Runs one operation that must succeed. */
#define OK(call) ok_rc(RUN(call), &fx->e, #call)

/* Runs one operation that must be refused with `want` and a message
 * containing `reason`, and leave the database as it was. */
#define REFUSED(want, reason, call)                                                            \
    do {                                                                                       \
        char *before_ = snapshot(fx->db);                                                      \
        int rc_ = RUN(call);                                                                   \
        if (rc_ != (want) || !strstr(fx->e.msg, (reason)))                                     \
            print_error("%s:%d: %s\n  gave %d \"%s\", expected %d \"...%s...\"\n", __FILE__,   \
                        __LINE__, #call, rc_, fx->e.msg, (want), (reason));                    \
        assert_int_equal(rc_, (want));                                                         \
        assert_int_equal(fx->e.code, (want));                                                  \
        assert_non_null(strstr(fx->e.msg, (reason)));                                          \
        char *after_ = snapshot(fx->db);                                                       \
        same_text(before_, after_, "database before and after a refused " #call);              \
        free(before_);                                                                         \
        free(after_);                                                                          \
    } while (0)

static sqlite3 *open_db(const char *dir, const char *name)
{
    char *path = tu_path(dir, name);
    sqlite3 *db;
    EwErr e = {0};
    ok_rc(db_open(path, 1, &db, &e), &e, path);
    free(path);
    return db;
}

static void make_hall(Author *a, const char *hall, int n)
{
    unsigned char seed[32] = {0};
    seed[0] = (unsigned char)n;
    memcpy(seed + 1, "echowall-test-kiosk", 19);
    DeviceSpec s = {.role = "hall", .hall = hall, .seed = seed};
    device_make_author(a, &s);
}

static int setup(void **state)
{
    Fx *fx = calloc(1, sizeof *fx);
    tu_pin_day("2025-03-01");
    fx->dir = tu_tmpdir();
    fx->db = open_db(fx->dir, "office.db");
    DeviceSpec os = {.role = "office", .town_name = "青石镇"};
    ok_rc(device_init(fx->db, &os, &fx->e), &fx->e, "device_init");
    unsigned char town_sk[crypto_sign_SECRETKEYBYTES];
    memset(&fx->e, 0, sizeof fx->e);
    ok_rc(device_town_sk(fx->db, town_sk, &fx->e), &fx->e, "town key");
    assert_int_equal(fx->e.code, EW_OK); /* a success leaves no stale error behind */
    make_hall(&fx->h1, "H01", 1);
    make_hall(&fx->h2, "H02", 2);
    tx_begin(fx);
    ok_rc(device_load_self(fx->db, &fx->off, &fx->e), &fx->e, "load self");
    ok_rc(device_register(fx->db, &fx->h1, town_sk, &fx->e), &fx->e, "register H01");
    ok_rc(device_register(fx->db, &fx->h2, town_sk, &fx->e), &fx->e, "register H02");
    sodium_memzero(town_sk, sizeof town_sk);
    /* The roster. */
    static const char *const g1[] = {"东片", "西片", NULL};
    static const char *const g2[] = {"南片", NULL};
    char id[ROSTER_ID_MAX];
    Author *o = &fx->off;
    EwErr *e = &fx->e;
    int rc = roster_add_branch(fx->db, o, "H01", "石桥村", g1, 0, e);
    if (!rc) rc = roster_add_branch(fx->db, o, "H02", "河口村", g2, 0, e);
    if (!rc) rc = roster_add_person(fx->db, o, NULL, "王建国", "secretary", "H01", 0, id, e);
    if (!rc) rc = roster_add_person(fx->db, o, NULL, "李红", "grid_leader", "H01", 0, id, e);
    if (!rc) rc = roster_add_person(fx->db, o, NULL, "张伟", "secretary", "H02", 0, id, e);
    if (!rc) rc = roster_add_person(fx->db, o, "L01", "赵镇长", "leader", NULL, 0, id, e);
    if (!rc) rc = roster_add_unit(fx->db, o, NULL, "供电所", 0, id, e);
    ok_rc(tx_end(fx, rc), e, "roster");
    assert_string_equal(id, "U01");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fx *fx = *state;
    db_close(fx->db);
    tu_rmdir(fx->dir);
    free(fx->dir);
    sodium_memzero(fx, sizeof *fx);
    free(fx);
    clock_set_fixed(0);
    return 0;
}

/* Takes an appeal for `hall` by author a; code into code (CODE_MAX). */
static int add(Fx *fx, Author *a, const char *hall, const char *day, char *code, char *rating)
{
    AppealNew in = {.hall = hall, .category = "street_light", .text = "村口路灯坏了三个月",
                    .source = "kiosk", .day = day};
    char r[RATING_CODE_LEN + 1];
    return appeal_add(fx->db, a, &in, 0, code, rating ? rating : r, &fx->e);
}

static void add_ok(Fx *fx, Author *a, const char *hall, const char *day, char *code, char *rating)
{
    ok_rc(RUN(add(fx, a, hall, day, code, rating)), &fx->e, "appeal_add");
}

static int grade(Fx *fx, Author *a, const char *code, const char *g, const char *day)
{
    return appeal_grade(fx->db, a, code, g, NULL, day, 0, &fx->e);
}

static int assign(Fx *fx, Author *a, const char *code, const char *due, const char *day)
{
    return appeal_assign(fx->db, a, code, "P0002", "L01", "U01", due, day, 0, &fx->e);
}

static int step(Fx *fx, Author *a, const char *action, const char *code)
{
    const char *text = strcmp(action, "solve") == 0 ? "已更换灯泡，恢复照明" : "正在协调";
    return appeal_step(fx->db, a, action, code, text, NULL, 0, &fx->e);
}

/* The appeal as the wall shows it (caller json_decref's). */
static json_t *view(Fx *fx, const char *code)
{
    json_t *o = NULL;
    ok_rc(view_appeal(fx->db, code, &o, &fx->e), &fx->e, "view_appeal");
    return o;
}

static const char *vstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void expect(Fx *fx, const char *code, const char *key, const char *value)
{
    json_t *o = view(fx, code);
    const char *v = vstr(o, key);
    if (!value) {
        assert_true(json_is_null(json_object_get(o, key)));
    } else {
        if (!v || strcmp(v, value) != 0)
            print_error("%s.%s is %s, expected %s\n", code, key, v ? v : "null", value);
        assert_non_null(v);
        assert_string_equal(v, value);
    }
    json_decref(o);
}

static json_int_t overdue(Fx *fx, const char *code)
{
    json_t *o = view(fx, code);
    json_int_t d = json_integer_value(json_object_get(o, "overdue_days"));
    json_decref(o);
    return d;
}

/* An appeal of `hall` graded `g` and assigned by the office. */
static void assigned_appeal(Fx *fx, Author *taker, const char *hall, const char *g, char *code)
{
    add_ok(fx, taker, hall, NULL, code, NULL);
    OK(grade(fx, &fx->off, code, g, NULL));
    OK(assign(fx, &fx->off, code, NULL, NULL));
}

/* ---- the lifecycle ---- */

static void test_lifecycle(void **state)
{
    Fx *fx = *state;
    char code[CODE_MAX];
    add_ok(fx, &fx->off, "H01", NULL, code, NULL);
    assert_int_equal(strncmp(code, "H01-2", 5), 0); /* office slot 2 */
    expect(fx, code, "status", "received");
    expect(fx, code, "grade", NULL);
    expect(fx, code, "text", "村口路灯坏了三个月");

    OK(grade(fx, &fx->off, code, "blue", NULL));
    expect(fx, code, "status", "received");
    expect(fx, code, "grade", "blue");
    OK(assign(fx, &fx->off, code, NULL, NULL));
    expect(fx, code, "status", "assigned");
    expect(fx, code, "member", "李红");
    expect(fx, code, "leader", "赵镇长");
    expect(fx, code, "unit", "供电所");
    expect(fx, code, "answer", NULL);
    OK(step(fx, &fx->off, "progress", code));
    expect(fx, code, "status", "in_progress");
    OK(step(fx, &fx->off, "progress", code)); /* more notes as work goes on */
    expect(fx, code, "status", "in_progress");
    OK(step(fx, &fx->off, "solve", code));
    expect(fx, code, "status", "solved");
    expect(fx, code, "answer", "已更换灯泡，恢复照明");
    expect(fx, code, "solved", "2025-03-01");

    /* Every step is on the timeline, applied, in order. */
    json_t *o = view(fx, code);
    json_t *tl = json_object_get(o, "timeline");
    static const char *const kinds[] = {"new", "grade", "assign", "progress", "progress", "solve"};
    assert_int_equal(json_array_size(tl), 6);
    for (size_t i = 0; i < 6; i++) {
        json_t *s = json_array_get(tl, i);
        assert_string_equal(vstr(s, "kind"), kinds[i]);
        assert_true(json_is_true(json_object_get(s, "applied")));
        assert_string_equal(vstr(s, "by"), "office");
    }
    assert_string_equal(vstr(json_array_get(tl, 5), "text"), "已更换灯泡，恢复照明");
    json_decref(o);

    /* Reopened, it is in progress again, and can be solved again. */
    OK(step(fx, &fx->off, "reopen", code));
    expect(fx, code, "status", "in_progress");
    expect(fx, code, "solved", NULL);
    OK(step(fx, &fx->off, "solve", code));
    expect(fx, code, "status", "solved");

    /* Orange: escalated to the joint meeting, then solved. */
    char c2[CODE_MAX];
    add_ok(fx, &fx->h1, "H01", NULL, c2, NULL);
    assert_int_equal(strncmp(c2, "H01-A", 5), 0); /* the kiosk's slot */
    OK(grade(fx, &fx->off, c2, "orange", NULL));
    OK(assign(fx, &fx->off, c2, NULL, NULL));
    OK(step(fx, &fx->off, "escalate", c2));
    expect(fx, c2, "status", "escalated");
    OK(step(fx, &fx->off, "progress", c2)); /* notes keep it escalated */
    expect(fx, c2, "status", "escalated");
    OK(step(fx, &fx->off, "solve", c2));
    expect(fx, c2, "status", "solved");

    /* Escalating needs no note. */
    char c3[CODE_MAX];
    assigned_appeal(fx, &fx->off, "H02", "orange", c3);
    OK(appeal_step(fx->db, &fx->off, "escalate", c3, NULL, NULL, 0, &fx->e));
    expect(fx, c3, "status", "escalated");
}

static void test_status_refusals(void **state)
{
    Fx *fx = *state;
    char code[CODE_MAX];
    add_ok(fx, &fx->off, "H01", NULL, code, NULL);

    /* Received, ungraded. */
    REFUSED(EW_ESTATE, "once it is assigned", step(fx, &fx->off, "progress", code));
    REFUSED(EW_ESTATE, "no grade yet", assign(fx, &fx->off, code, NULL, NULL));
    REFUSED(EW_ESTATE, "not graded orange", step(fx, &fx->off, "escalate", code));
    REFUSED(EW_ESTATE, "only assigned, in-progress or escalated",
            step(fx, &fx->off, "solve", code));
    REFUSED(EW_ESTATE, "only solved appeals can be reopened", step(fx, &fx->off, "reopen", code));

    /* Graded, not yet assigned. */
    OK(grade(fx, &fx->off, code, "blue", NULL));
    REFUSED(EW_ESTATE, "once it is assigned", step(fx, &fx->off, "progress", code));
    REFUSED(EW_ESTATE, "only assigned, in-progress or escalated",
            step(fx, &fx->off, "solve", code));
    REFUSED(EW_ESTATE, "not graded orange", step(fx, &fx->off, "escalate", code));

    /* Assigned: escalation still needs orange; reopen needs solved. */
    OK(assign(fx, &fx->off, code, NULL, NULL));
    REFUSED(EW_ESTATE, "not graded orange", step(fx, &fx->off, "escalate", code));
    REFUSED(EW_ESTATE, "only solved appeals can be reopened", step(fx, &fx->off, "reopen", code));

    /* Solved: nothing but reopening (and rating). */
    OK(step(fx, &fx->off, "solve", code));
    REFUSED(EW_ESTATE, "until it is solved", step(fx, &fx->off, "progress", code));
    REFUSED(EW_ESTATE, "only assigned, in-progress or escalated",
            step(fx, &fx->off, "solve", code));
    REFUSED(EW_ESTATE, "reopen it first", assign(fx, &fx->off, code, NULL, NULL));
    REFUSED(EW_ESTATE, "reopen it before grading", grade(fx, &fx->off, code, "green", NULL));

    /* Escalated twice, or once solved. */
    char c2[CODE_MAX];
    assigned_appeal(fx, &fx->off, "H01", "orange", c2);
    OK(step(fx, &fx->off, "escalate", c2));
    REFUSED(EW_ESTATE, "cannot be escalated", step(fx, &fx->off, "escalate", c2));
    OK(step(fx, &fx->off, "solve", c2));
    REFUSED(EW_ESTATE, "cannot be escalated", step(fx, &fx->off, "escalate", c2));

    /* Syntax is checked before anything is written. */
    REFUSED(EW_EINPUT, "grade 'purple'", grade(fx, &fx->off, code, "purple", NULL));
    REFUSED(EW_EINPUT, "unknown appeal action", step(fx, &fx->off, "close", code));
    REFUSED(EW_EINPUT, "--answer is empty",
            appeal_step(fx->db, &fx->off, "solve", c2, "  ", NULL, 0, &fx->e));
    REFUSED(EW_EINPUT, "--due", assign(fx, &fx->off, code, "2025-02-30", NULL));
    char typo[CODE_MAX];
    snprintf(typo, sizeof typo, "%s", code);
    typo[strlen(typo) - 1] = typo[strlen(typo) - 1] == '2' ? '3' : '2';
    REFUSED(EW_EINPUT, "check character", grade(fx, &fx->off, typo, "green", NULL));
    REFUSED(EW_EINPUT, "not a tracking code", grade(fx, &fx->off, "H01-2222", "green", NULL));
    char missing[CODE_MAX];
    assert_int_equal(code_make("H01", '2', 999, missing), 0);
    REFUSED(EW_ENOTFOUND, "no appeal", grade(fx, &fx->off, missing, "green", NULL));
    /* A leader is not a leading member, and a member is not a leader. */
    char c3[CODE_MAX];
    add_ok(fx, &fx->off, "H02", NULL, c3, NULL);
    OK(grade(fx, &fx->off, c3, "green", NULL));
    REFUSED(EW_ENOTFOUND, "P9999",
            appeal_assign(fx->db, &fx->off, c3, "P9999", "L01", "U01", NULL, NULL, 0, &fx->e));
    REFUSED(EW_ENOTFOUND, "leading party member L01",
            appeal_assign(fx->db, &fx->off, c3, "L01", "L01", "U01", NULL, NULL, 0, &fx->e));
    REFUSED(EW_ENOTFOUND, "responsible leader P0001",
            appeal_assign(fx->db, &fx->off, c3, "P0001", "P0001", "U01", NULL, NULL, 0, &fx->e));
    REFUSED(EW_ENOTFOUND, "unit U77",
            appeal_assign(fx->db, &fx->off, c3, "P0001", "L01", "U77", NULL, NULL, 0, &fx->e));

    /* After all those refusals the office carries on writing normally. */
    OK(assign(fx, &fx->off, c3, NULL, NULL));
    expect(fx, c3, "status", "assigned");
    int64_t gaps = -1;
    db_int(fx->db, NULL, &gaps, -1,
           "SELECT count(*) FROM records r JOIN device_self s ON s.device = r.device "
           "WHERE r.seq <> (SELECT count(*) FROM records q WHERE q.device = r.device AND "
           "q.seq <= r.seq)",
           NULL);
    assert_int_equal(gaps, 0);
}

/* ---- roles (SYNC.md "Who may write what") ---- */

static void test_hall_grading(void **state)
{
    Fx *fx = *state;
    char own[CODE_MAX], other[CODE_MAX];
    add_ok(fx, &fx->h1, "H01", NULL, own, NULL);
    add_ok(fx, &fx->h2, "H02", NULL, other, NULL);

    REFUSED(EW_EDENIED, "only grade appeals green", grade(fx, &fx->h1, own, "blue", NULL));
    REFUSED(EW_EDENIED, "only grade appeals green", grade(fx, &fx->h1, own, "orange", NULL));
    REFUSED(EW_EDENIED, "own branch", grade(fx, &fx->h1, other, "green", NULL));
    OK(grade(fx, &fx->h1, own, "green", NULL));
    expect(fx, own, "grade", "green");
    REFUSED(EW_EDENIED, "already graded", grade(fx, &fx->h1, own, "green", NULL));
    /* The office regrades. */
    OK(grade(fx, &fx->off, own, "blue", NULL));
    expect(fx, own, "grade", "blue");
    REFUSED(EW_EDENIED, "already graded", grade(fx, &fx->h1, own, "green", NULL));
    /* An appeal the office graded is not the hall's to grade either. */
    OK(grade(fx, &fx->off, other, "orange", NULL));
    REFUSED(EW_EDENIED, "already graded", grade(fx, &fx->h2, other, "green", NULL));

    /* Refusals show on the wall's timeline only when the record came from
     * elsewhere; here they were rolled back, so the timeline is clean. */
    json_t *o = view(fx, own);
    json_t *tl = json_object_get(o, "timeline");
    assert_int_equal(json_array_size(tl), 3);
    assert_string_equal(vstr(json_array_get(tl, 1), "by"), "hall");
    assert_string_equal(vstr(json_array_get(tl, 1), "hall"), "H01");
    json_decref(o);
}

static void test_hall_solving(void **state)
{
    Fx *fx = *state;
    char green[CODE_MAX], blue[CODE_MAX], orange[CODE_MAX], other[CODE_MAX];
    assigned_appeal(fx, &fx->h1, "H01", "green", green);
    assigned_appeal(fx, &fx->h1, "H01", "blue", blue);
    assigned_appeal(fx, &fx->off, "H01", "orange", orange);
    assigned_appeal(fx, &fx->h2, "H02", "green", other);

    REFUSED(EW_EDENIED, "only solve green", step(fx, &fx->h1, "solve", blue));
    REFUSED(EW_EDENIED, "only solve green", step(fx, &fx->h1, "solve", orange));
    REFUSED(EW_EDENIED, "own branch", step(fx, &fx->h1, "solve", other));
    REFUSED(EW_EDENIED, "own branch", step(fx, &fx->h1, "progress", other));
    /* Progress on its own branch's appeals, whatever the grade. */
    OK(step(fx, &fx->h1, "progress", blue));
    expect(fx, blue, "status", "in_progress");
    OK(step(fx, &fx->h1, "progress", green));
    OK(step(fx, &fx->h1, "solve", green));
    expect(fx, green, "status", "solved");

    /* What only the office does. */
    char fresh[CODE_MAX];
    add_ok(fx, &fx->h1, "H01", NULL, fresh, NULL);
    OK(grade(fx, &fx->h1, fresh, "green", NULL));
    REFUSED(EW_EDENIED, "only the office may assign", assign(fx, &fx->h1, fresh, NULL, NULL));
    REFUSED(EW_EDENIED, "only the office may escalate", step(fx, &fx->h1, "escalate", orange));
    REFUSED(EW_EDENIED, "only the office may reopen", step(fx, &fx->h1, "reopen", green));
    /* The hall may not solve its green appeal before it is assigned either. */
    REFUSED(EW_ESTATE, "only assigned, in-progress or escalated",
            step(fx, &fx->h1, "solve", fresh));
    /* Roster and town settings are the office's. */
    REFUSED(EW_EDENIED, "only the office may change the roster",
            roster_add_branch(fx->db, &fx->h1, "H09", "新村", NULL, 0, &fx->e));
    char id[ROSTER_ID_MAX];
    REFUSED(EW_EDENIED, "only the office may change the roster",
            roster_add_person(fx->db, &fx->h1, NULL, "钱七", "member", "H01", 0, id, &fx->e));
    REFUSED(EW_EDENIED, "only the office may change the roster",
            roster_add_unit(fx->db, &fx->h1, NULL, "水站", 0, id, &fx->e));
    json_t *body = json_pack("{s:s,s:s}", "key", "limit.green", "value", "2");
    REFUSED(EW_EDENIED, "only the office may change the town's settings",
            device_author(fx->db, &fx->h1, 0, "config.set", body, &fx->e));
    json_decref(body);
}

static void test_hall_taking_appeals(void **state)
{
    Fx *fx = *state;
    char code[CODE_MAX];
    /* Its own branch only: the office-issued slot and hall are in the code. */
    REFUSED(EW_EDENIED, "own branch", add(fx, &fx->h1, "H02", NULL, code, NULL));
    /* A code in another device's slot of the same hall, or of another hall. */
    char foreign[CODE_MAX];
    assert_int_equal(code_make("H01", 'B', 5, foreign), 0);
    AppealNew in = {.hall = "H01", .category = "water", .text = "水渠堵了", .code = foreign};
    char rating[RATING_CODE_LEN + 1];
    REFUSED(EW_EDENIED, "own slot", appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e));
    assert_int_equal(code_make("H02", 'A', 5, foreign), 0);
    in.hall = "H02";
    REFUSED(EW_EDENIED, "own branch", appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e));
    /* A code whose hall is not the appeal's hall. */
    assert_int_equal(code_make("H01", 'A', 5, foreign), 0);
    in.hall = "H02";
    REFUSED(EW_EINPUT, "tracking code is malformed",
            appeal_add(fx->db, &fx->h2, &in, 0, code, rating, &fx->e));
    /* Syntax. */
    in.hall = "H1";
    REFUSED(EW_EINPUT, "--hall", appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e));
    in = (AppealNew){.hall = "H01", .category = "weather", .text = "x"};
    REFUSED(EW_EINPUT, "--category", appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e));
    in = (AppealNew){.hall = "H01", .category = "water", .text = " "};
    REFUSED(EW_EINPUT, "--text is empty",
            appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e));

    /* Its own: minted in its own slot, counting on. */
    char c1[CODE_MAX], c2[CODE_MAX];
    add_ok(fx, &fx->h1, "H01", NULL, c1, NULL);
    add_ok(fx, &fx->h1, "H01", NULL, c2, NULL);
    char hall[4], slot;
    int64_t n1, n2;
    assert_int_equal(code_parse(c1, hall, &slot, &n1), 0);
    assert_string_equal(hall, "H01");
    assert_int_equal(slot, 'A');
    assert_int_equal(code_parse(c2, hall, &slot, &n2), 0);
    assert_true(n2 > n1);
    /* The same code twice is refused. */
    in = (AppealNew){.hall = "H01", .category = "water", .text = "水渠堵了", .code = c1};
    REFUSED(EW_ESTATE, "already exists", appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e));
}

static void test_publish_and_rate(void **state)
{
    Fx *fx = *state;
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1], other[CODE_MAX],
        other_rating[RATING_CODE_LEN + 1];
    add_ok(fx, &fx->h1, "H01", NULL, code, rating);
    add_ok(fx, &fx->h2, "H02", NULL, other, other_rating);
    assert_int_equal(strlen(rating), RATING_CODE_LEN);
    assert_int_equal(strspn(rating, "0123456789"), RATING_CODE_LEN);

    /* Publication: own branch for halls, once. */
    json_t *o = view(fx, code);
    assert_true(json_is_false(json_object_get(o, "published")));
    json_decref(o);
    REFUSED(EW_EDENIED, "own branch", appeal_publish(fx->db, &fx->h2, code, NULL, 0, &fx->e));
    OK(appeal_publish(fx->db, &fx->h1, code, NULL, 0, &fx->e));
    o = view(fx, code);
    assert_true(json_is_true(json_object_get(o, "published")));
    json_decref(o);
    REFUSED(EW_ESTATE, "already published",
            appeal_publish(fx->db, &fx->off, code, NULL, 0, &fx->e));
    REFUSED(EW_ESTATE, "already published",
            appeal_publish(fx->db, &fx->h1, code, NULL, 0, &fx->e));
    OK(appeal_publish(fx->db, &fx->off, other, NULL, 0, &fx->e));

    /* Rating: the slip's code, a solved appeal, once; at any kiosk. */
    char wrong[RATING_CODE_LEN + 1];
    memcpy(wrong, rating, sizeof wrong);
    wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
    REFUSED(EW_ESTATE, "not solved yet",
            appeal_rate(fx->db, &fx->h2, code, rating, "satisfied", NULL, 0, &fx->e));
    OK(grade(fx, &fx->h1, code, "green", NULL));
    OK(assign(fx, &fx->off, code, NULL, NULL));
    OK(step(fx, &fx->h1, "solve", code));
    REFUSED(EW_EDENIED, "does not match",
            appeal_rate(fx->db, &fx->h2, code, wrong, "satisfied", NULL, 0, &fx->e));
    if (strcmp(other_rating, rating) != 0)
        REFUSED(EW_EDENIED, "does not match",
                appeal_rate(fx->db, &fx->h2, code, other_rating, "satisfied", NULL, 0, &fx->e));
    REFUSED(EW_EINPUT, "--rating-code",
            appeal_rate(fx->db, &fx->h2, code, "12ab56", "satisfied", NULL, 0, &fx->e));
    REFUSED(EW_EINPUT, "--rating-code",
            appeal_rate(fx->db, &fx->h2, code, "1234567", "satisfied", NULL, 0, &fx->e));
    REFUSED(EW_EINPUT, "rating 'happy'",
            appeal_rate(fx->db, &fx->h2, code, rating, "happy", NULL, 0, &fx->e));
    expect(fx, code, "satisfaction", NULL);
    OK(appeal_rate(fx->db, &fx->h2, code, rating, "unsatisfied", NULL, 0, &fx->e));
    expect(fx, code, "satisfaction", "unsatisfied");
    REFUSED(EW_ESTATE, "already been rated",
            appeal_rate(fx->db, &fx->h1, code, rating, "satisfied", NULL, 0, &fx->e));
    REFUSED(EW_ESTATE, "already been rated",
            appeal_rate(fx->db, &fx->off, code, rating, "satisfied", NULL, 0, &fx->e));
    expect(fx, code, "satisfaction", "unsatisfied");

    /* The rating code never shows, not even hashed, in the view. */
    o = view(fx, code);
    char *txt = json_dumps(o, 0);
    char hash[65];
    appeal_rating_hash(code, rating, hash);
    assert_null(strstr(txt, hash));
    assert_null(strstr(txt, rating));
    free(txt);
    json_decref(o);
}

/* ---- meetings ---- */

static void test_meetings(void **state)
{
    Fx *fx = *state;
    char id[MEETING_ID_MAX], id2[MEETING_ID_MAX];
    const char *topic = "三月民情恳谈会";

    REFUSED(EW_EDENIED, "not the office",
            meeting_open(fx->db, &fx->off, "H01", topic, NULL, 0, NULL, 0, id, &fx->e));
    REFUSED(EW_EDENIED, "cannot open a meeting of H02",
            meeting_open(fx->db, &fx->h1, "H02", topic, NULL, 0, NULL, 0, id, &fx->e));
    /* The same rules hold in the fold, for records that skip the API. */
    json_t *body = json_pack("{s:s,s:s,s:s,s:[s]}", "id", "H01-M21", "hall", "H01", "topic", topic,
                             "subjects", "branch");
    REFUSED(EW_EDENIED, "not the office",
            device_author(fx->db, &fx->off, 0, "meeting.open", body, &fx->e));
    json_decref(body);
    body = json_pack("{s:s,s:s,s:s,s:[s]}", "id", "H02-MA9", "hall", "H02", "topic", topic,
                     "subjects", "branch");
    REFUSED(EW_EDENIED, "own branch",
            device_author(fx->db, &fx->h1, 0, "meeting.open", body, &fx->e));
    json_decref(body);
    REFUSED(EW_EINPUT, "--topic",
            meeting_open(fx->db, &fx->h1, "H01", "", NULL, 0, NULL, 0, id, &fx->e));

    OK(meeting_open(fx->db, &fx->h1, "H01", topic, NULL, 0, NULL, 0, id, &fx->e));
    assert_string_equal(id, "H01-MA1");
    OK(meeting_open(fx->db, &fx->h2, "H02", topic, NULL, 0, NULL, 0, id2, &fx->e));
    /* The default subjects: the branch, its secretary, its grid leaders. */
    char *subj = NULL;
    db_text(fx->db, NULL, &subj, "SELECT subjects FROM meetings WHERE id=?", "t", id);
    assert_non_null(subj);
    assert_string_equal(subj, "[\"branch\",\"P0001\",\"P0002\"]");
    free(subj);
    /* One open meeting per hall. */
    char id3[MEETING_ID_MAX];
    REFUSED(EW_ESTATE, "still open",
            meeting_open(fx->db, &fx->h1, "H01", "又一次", NULL, 0, NULL, 0, id3, &fx->e));

    /* Ballots go into counters outside the log. */
    db_run(fx->db, NULL, "INSERT INTO meeting_tally(meeting,subject,rating,count) VALUES "
                         "(?1,'branch','excellent',4),(?1,'branch','good',1),"
                         "(?1,'P0001','excellent',2),(?1,'P0001','unknown',3)",
           "t", id);
    /* Only the hall that opened it closes it. */
    REFUSED(EW_EDENIED, "only the hall that opened",
            meeting_close(fx->db, &fx->h2, id, NULL, 0, &fx->e));
    REFUSED(EW_EDENIED, "only the hall that opened",
            meeting_close(fx->db, &fx->off, id, NULL, 0, &fx->e));
    REFUSED(EW_ENOTFOUND, "no meeting",
            meeting_close(fx->db, &fx->h1, "H01-MA7", NULL, 0, &fx->e));
    OK(meeting_close(fx->db, &fx->h1, id, NULL, 0, &fx->e));
    int64_t n = -1;
    db_int(fx->db, NULL, &n, -1, "SELECT count(*) FROM meeting_tally WHERE meeting=?", "t", id);
    assert_int_equal(n, 0);
    char *tallies = NULL;
    db_text(fx->db, NULL, &tallies,
            "SELECT status||' '||ballots||' '||tallies FROM meetings WHERE id=?", "t", id);
    assert_non_null(tallies);
    assert_non_null(strstr(tallies, "closed 5 "));
    assert_non_null(strstr(tallies, "\"branch\":{\"excellent\":4,\"fair\":0,\"good\":1"));
    free(tallies);
    REFUSED(EW_ESTATE, "already closed", meeting_close(fx->db, &fx->h1, id, NULL, 0, &fx->e));
    /* Closed, the hall may open its next meeting; H02's is still open. */
    OK(meeting_open(fx->db, &fx->h1, "H01", "四月恳谈会", NULL, 0, NULL, 0, id3, &fx->e));
    assert_string_equal(id3, "H01-MA2");
    json_t *list = NULL;
    ok_rc(meeting_list(fx->db, &list, &fx->e), &fx->e, "meeting_list");
    assert_int_equal(json_array_size(list), 3);
    json_decref(list);
}

/* ---- due dates ---- */

static void test_due_dates(void **state)
{
    Fx *fx = *state;
    char g[CODE_MAX], b[CODE_MAX], o[CODE_MAX];
    add_ok(fx, &fx->h1, "H01", "2025-03-01", g, NULL);
    add_ok(fx, &fx->off, "H01", "2025-03-01", b, NULL);
    add_ok(fx, &fx->off, "H02", "2025-03-01", o, NULL);
    expect(fx, g, "due", NULL);
    assert_int_equal(overdue(fx, g), 0);

    /* Counted from grading, not from taking. */
    OK(grade(fx, &fx->h1, g, "green", "2025-03-03"));
    OK(grade(fx, &fx->off, b, "blue", "2025-03-03"));
    OK(grade(fx, &fx->off, o, "orange", "2025-03-03"));
    expect(fx, g, "graded", "2025-03-03");
    expect(fx, g, "due", "2025-03-10");
    expect(fx, b, "due", "2025-03-18");
    expect(fx, o, "due", "2025-04-02");
    /* Assigning without --due keeps the grade's limit. */
    OK(assign(fx, &fx->off, g, NULL, "2025-03-04"));
    expect(fx, g, "due", "2025-03-10");

    /* Overdue days against the (pinned) day the wall is looked at. */
    tu_pin_day("2025-03-10");
    assert_int_equal(overdue(fx, g), 0);
    tu_pin_day("2025-03-11");
    assert_int_equal(overdue(fx, g), 1);
    tu_pin_day("2025-03-20");
    assert_int_equal(overdue(fx, g), 10);
    assert_int_equal(overdue(fx, b), 2);
    assert_int_equal(overdue(fx, o), 0);
    AppealFilter f = {.overdue = 1};
    json_t *arr = NULL;
    ok_rc(view_appeals(fx->db, &f, &arr, &fx->e), &fx->e, "view_appeals");
    assert_int_equal(json_array_size(arr), 2);
    json_decref(arr);
    json_t *s = NULL;
    ok_rc(view_stats(fx->db, &s, &fx->e), &fx->e, "view_stats");
    assert_int_equal(json_integer_value(json_object_get(s, "overdue")), 2);
    json_decref(s);
    /* Solved, it is no longer overdue. */
    OK(step(fx, &fx->h1, "solve", g));
    assert_int_equal(overdue(fx, g), 0);

    /* An explicit --due overrides the default. */
    OK(assign(fx, &fx->off, b, "2025-03-25", NULL));
    expect(fx, b, "due", "2025-03-25");
    assert_int_equal(overdue(fx, b), 0);
    tu_pin_day("2025-03-28");
    assert_int_equal(overdue(fx, b), 3);

    /* The office changes the default limits; later gradings use them. */
    OK(config_set(fx->db, &fx->off, "limit.green", "3", &fx->e));
    OK(config_set(fx->db, &fx->off, "limit.orange", "60", &fx->e));
    char *v = NULL;
    ok_rc(config_get(fx->db, "limit.green", &v, &fx->e), &fx->e, "config_get");
    assert_string_equal(v, "3");
    free(v);
    REFUSED(EW_EINPUT, "limit.green", config_set(fx->db, &fx->off, "limit.green", "0", &fx->e));
    REFUSED(EW_EINPUT, "limit.blue", config_set(fx->db, &fx->off, "limit.blue", "abc", &fx->e));
    char g2[CODE_MAX], o2[CODE_MAX];
    add_ok(fx, &fx->h1, "H01", "2025-03-28", g2, NULL);
    add_ok(fx, &fx->off, "H01", "2025-03-28", o2, NULL);
    OK(grade(fx, &fx->h1, g2, "green", "2025-03-28"));
    OK(grade(fx, &fx->off, o2, "orange", "2025-03-28"));
    expect(fx, g2, "due", "2025-03-31");
    expect(fx, o2, "due", "2025-05-27");
    /* Earlier gradings keep their dates. */
    expect(fx, o, "due", "2025-04-02");

    /* A hall cannot change a town setting, but may set its own. */
    REFUSED(EW_EDENIED, "only the office", config_set(fx->db, &fx->h1, "limit.green", "9", &fx->e));
    sqlite3 *hdb = open_db(fx->dir, "kiosk.db");
    EwErr e = {0};
    /* A kiosk identity needs a real role and, for a hall, its hall code. */
    DeviceSpec bad = {.role = "hall"};
    assert_int_equal(device_init(hdb, &bad, &e), EW_EINPUT);
    assert_non_null(strstr(e.msg, "hall code"));
    bad = (DeviceSpec){.role = "hall", .hall = "7"};
    assert_int_equal(device_init(hdb, &bad, &e), EW_EINPUT);
    bad = (DeviceSpec){.role = "kiosk", .hall = "H01"};
    assert_int_equal(device_init(hdb, &bad, &e), EW_EINPUT);
    assert_non_null(strstr(e.msg, "office or hall"));
    assert_false(device_exists(hdb));
    DeviceSpec hs = {.role = "hall", .hall = "H01"};
    ok_rc(device_init(hdb, &hs, &e), &e, "kiosk init");
    /* It holds no town key. */
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    assert_int_equal(device_town_sk(hdb, sk, &e), EW_EDENIED);
    assert_non_null(strstr(e.msg, "town key"));
    Author self;
    ok_rc(db_begin(hdb, &e), &e, "begin");
    ok_rc(device_load_self(hdb, &self, &e), &e, "load kiosk");
    assert_int_equal(config_set(hdb, &self, "limit.green", "9", &e), EW_EDENIED);
    assert_non_null(strstr(e.msg, "only the office"));
    assert_int_equal(config_set(hdb, &self, "town.name", "别处", &e), EW_EDENIED);
    ok_rc(config_set(hdb, &self, "ui.lang", "en", &e), &e, "local setting");
    ok_rc(db_commit(hdb, &e), &e, "commit");
    int64_t nrec = -1;
    db_int(hdb, NULL, &nrec, -1, "SELECT count(*) FROM records", NULL);
    assert_int_equal(nrec, 0);
    assert_int_equal(config_town_int(hdb, "limit.green"), 7);
    sodium_memzero(&self, sizeof self);
    db_close(hdb);
}

/* Signing on a second thread (device.h, SignQueue): records written in one
 * transaction by authors sharing a queue carry zero signatures until
 * signq_finish writes them; then every one verifies against its author's
 * key. A transaction that fails half-way still ends the thread cleanly and
 * leaves nothing behind. */
static void test_sign_queue(void **state)
{
    Fx *fx = *state;
    int64_t before = tu_q_int(fx->db, "SELECT count(*) FROM records");
    SignQueue *q = signq_start();
    assert_non_null(q);
    fx->h1.signq = fx->off.signq = q;
    tx_begin(fx);
    char codes[5][CODE_MAX], rating[RATING_CODE_LEN + 1];
    int rc = EW_OK;
    for (int i = 0; rc == EW_OK && i < 5; i++) {
        AppealNew in = {.hall = "H01", .category = "road_bridge", .text = "村口的路灯坏了",
                        .source = "kiosk"};
        rc = appeal_add(fx->db, &fx->h1, &in, 0, codes[i], rating, &fx->e);
        if (rc == EW_OK)
            rc = appeal_grade(fx->db, &fx->off, codes[i], "green", NULL, NULL, 0, &fx->e);
    }
    ok_rc(rc, &fx->e, "five appeals, graded");
    /* Not signed yet: the queue writes the signatures at the end. */
    assert_int_equal(tu_q_int(fx->db, "SELECT count(*) FROM records WHERE sig=zeroblob(64)"), 10);
    ok_rc(signq_finish(q, fx->db, &fx->e), &fx->e, "signq_finish");
    ok_rc(tx_end(fx, EW_OK), &fx->e, "commit");
    fx->h1.signq = fx->off.signq = NULL;
    assert_int_equal(tu_q_int(fx->db, "SELECT count(*) FROM records"), before + 10);
    assert_int_equal(tu_q_int(fx->db, "SELECT count(*) FROM records WHERE sig=zeroblob(64)"), 0);
    assert_int_equal(tu_bad_signatures(fx->db, NULL), 0);

    /* Half-way failure: a refused step, the transaction rolled back, the
     * queue finished all the same; nothing of it stays. */
    q = signq_start();
    assert_non_null(q);
    fx->h1.signq = fx->off.signq = q;
    tx_begin(fx);
    AppealNew in = {.hall = "H01", .category = "road_bridge", .text = "桥栏杆松了",
                    .source = "kiosk"};
    char code[CODE_MAX];
    rc = appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e);
    ok_rc(rc, &fx->e, "appeal_add");
    rc = appeal_step(fx->db, &fx->off, "progress", code, "已派人", NULL, 0, &fx->e);
    /* refused: it is not assigned yet */
    assert_int_equal(rc, EW_ESTATE);
    EwErr e2 = {0};
    assert_int_equal(signq_finish(q, fx->db, &e2), EW_OK);
    tx_end(fx, rc);
    fx->h1.signq = fx->off.signq = NULL;
    assert_int_equal(tu_q_int(fx->db, "SELECT count(*) FROM records"), before + 10);
    assert_int_equal(tu_bad_signatures(fx->db, NULL), 0);
    /* And an author without a queue signs in place as always. */
    OK(appeal_add(fx->db, &fx->h1, &in, 0, code, rating, &fx->e));
    assert_int_equal(tu_bad_signatures(fx->db, NULL), 0);
}

/* screen.night: the hall screen's night, as the kiosk reads it. */
static void test_night_setting(void **state)
{
    (void)state;
    int from, to;
    assert_int_equal(config_parse_night("22:00-06:00", &from, &to), 0);
    assert_int_equal(from, 22 * 60);
    assert_int_equal(to, 6 * 60);
    /* across midnight: the end minute is day again */
    assert_true(config_night_covers(from, to, 22 * 60));
    assert_true(config_night_covers(from, to, 0));
    assert_true(config_night_covers(from, to, 6 * 60 - 1));
    assert_false(config_night_covers(from, to, 6 * 60));
    assert_false(config_night_covers(from, to, 21 * 60 + 59));
    /* within one day (a midday rest) */
    assert_int_equal(config_parse_night("12:30-13:45", &from, &to), 0);
    assert_true(config_night_covers(from, to, 12 * 60 + 30));
    assert_false(config_night_covers(from, to, 13 * 60 + 45));
    assert_false(config_night_covers(from, to, 0));
    /* off: never night */
    assert_int_equal(config_parse_night("off", &from, &to), 0);
    assert_int_equal(from, -1);
    assert_false(config_night_covers(from, to, 0));
    const char *bad[] = {"", "22:00", "22:00-22:00", "24:00-06:00", "22:60-06:00", "2:00-6:00",
                         "22:00-06:00 ", "22:00~06:00", "22:00-06:00-07:00", "OFF", "-"};
    EwErr e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(config_parse_night(bad[i], &from, &to), -1);
        assert_int_equal(from, -1);
        assert_int_equal(config_validate("screen.night", bad[i], &e), EW_EINPUT);
        assert_non_null(strstr(e.msg, "22:00-06:00"));
    }
    ok_rc(config_validate("screen.night", "23:30-05:15", &e), &e, "a night");
    assert_int_equal(config_scope("screen.night"), 0); /* the device's own */
}

/* ---- the private contact ---- */

/* Every record body as bytes, concatenated (malloc'd), and its length. */
static unsigned char *all_bodies(sqlite3 *db, size_t *len)
{
    char *buf;
    FILE *f = open_memstream(&buf, len);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT body FROM records", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        fwrite(sqlite3_column_blob(st, 0), 1, (size_t)sqlite3_column_bytes(st, 0), f);
    sqlite3_finalize(st);
    fclose(f);
    return (unsigned char *)buf;
}

static int contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

/* Opens the appeal's sealed contact with the town key (NULL if absent). */
static char *open_contact(Fx *fx, const char *code)
{
    char *body = NULL;
    db_text(fx->db, NULL, &body,
            "SELECT body FROM records WHERE kind='appeal.new' AND state=1 AND "
            "json_extract(body, '$.code')=?",
            "t", code);
    assert_non_null(body);
    json_t *j = json_loads(body, 0, NULL);
    free(body);
    const char *hex = json_string_value(json_object_get(j, "contact"));
    if (!hex) {
        json_decref(j);
        return NULL;
    }
    unsigned char h[32];
    assert_int_equal(ew_unhex(hex, h, sizeof h), 0);
    json_decref(j);
    sqlite3_stmt *st = db_prep(fx->db, NULL, "SELECT data FROM blobs WHERE hash=?", "b", h,
                               sizeof h);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    assert_true(n > crypto_box_SEALBYTES);
    unsigned char *sealed = malloc(n);
    memcpy(sealed, sqlite3_column_blob(st, 0), n);
    db_done(st);

    unsigned char town_sk[crypto_sign_SECRETKEYBYTES], town_pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char xsk[crypto_box_SECRETKEYBYTES], xpk[crypto_box_PUBLICKEYBYTES];
    ok_rc(device_town_sk(fx->db, town_sk, &fx->e), &fx->e, "town key");
    assert_int_equal(device_town_pk(fx->db, town_pk), 0);
    assert_int_equal(crypto_sign_ed25519_sk_to_curve25519(xsk, town_sk), 0);
    assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(xpk, town_pk), 0);
    char *plain = calloc(1, n - crypto_box_SEALBYTES + 1);
    int rc = crypto_box_seal_open((unsigned char *)plain, sealed, n, xpk, xsk);
    /* A sealed box opens with the town key only: not with a kiosk's. */
    unsigned char ksk[crypto_box_SECRETKEYBYTES], kpk[crypto_box_PUBLICKEYBYTES];
    assert_int_equal(crypto_sign_ed25519_sk_to_curve25519(ksk, fx->h1.sk), 0);
    assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(kpk, fx->h1.pk), 0);
    char *junk = calloc(1, n);
    assert_int_not_equal(crypto_box_seal_open((unsigned char *)junk, sealed, n, kpk, ksk), 0);
    free(junk);
    sodium_memzero(town_sk, sizeof town_sk);
    sodium_memzero(xsk, sizeof xsk);
    free(sealed);
    assert_int_equal(rc, 0);
    return plain;
}

static void test_contact(void **state)
{
    Fx *fx = *state;
    static const char *const phones[] = {"13800138000", "+86 139-1234-5678"};
    static const char *const needles[] = {"13800138000", "1380013", "139-1234-5678", "12345678",
                                          "1391234"};
    char codes[2][CODE_MAX], rating[RATING_CODE_LEN + 1], plain[CODE_MAX];
    for (int i = 0; i < 2; i++) {
        AppealNew in = {.hall = "H01", .category = "garbage", .text = "垃圾没人收",
                        .source = "kiosk", .contact = phones[i]};
        OK(appeal_add(fx->db, i ? &fx->off : &fx->h1, &in, 0, codes[i], rating, &fx->e));
    }
    add_ok(fx, &fx->h1, "H01", NULL, plain, NULL);
    OK(appeal_publish(fx->db, &fx->h1, codes[0], NULL, 0, &fx->e));
    OK(grade(fx, &fx->h1, codes[0], "green", NULL));
    OK(assign(fx, &fx->off, codes[0], NULL, NULL));
    OK(step(fx, &fx->h1, "solve", codes[0]));

    /* Not in the view, one appeal or the list, timeline included. */
    for (int i = 0; i < 2; i++) {
        json_t *o = view(fx, codes[i]);
        char *txt = json_dumps(o, 0);
        for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++)
            assert_null(strstr(txt, needles[k]));
        assert_null(strstr(txt, "contact"));
        free(txt);
        json_decref(o);
    }
    AppealFilter f = {.timeline = 1};
    json_t *arr = NULL;
    ok_rc(view_appeals(fx->db, &f, &arr, &fx->e), &fx->e, "view_appeals");
    assert_int_equal(json_array_size(arr), 3);
    char *txt = json_dumps(arr, 0);
    for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++)
        assert_null(strstr(txt, needles[k]));
    free(txt);
    json_decref(arr);

    /* Not in any record's body, nor in any blob in the clear. */
    size_t n;
    unsigned char *bodies = all_bodies(fx->db, &n);
    assert_true(n > 0);
    for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++)
        assert_false(contains(bodies, n, needles[k]));
    free(bodies);
    int64_t clear = -1;
    db_int(fx->db, NULL, &clear, -1,
           "SELECT count(*) FROM blobs WHERE instr(data, CAST('1380013' AS BLOB)) > 0 OR "
           "instr(data, CAST('1234-5678' AS BLOB)) > 0",
           NULL);
    assert_int_equal(clear, 0);

    /* The office opens them with the town key. */
    for (int i = 0; i < 2; i++) {
        char *c = open_contact(fx, codes[i]);
        assert_non_null(c);
        assert_string_equal(c, phones[i]);
        free(c);
    }
    assert_null(open_contact(fx, plain));

    /* A malformed number is refused; a kiosk not yet enrolled (no town key
     * pinned) cannot keep a contact at all. */
    AppealNew bad = {.hall = "H01", .category = "garbage", .text = "垃圾没人收",
                     .contact = "call me maybe"};
    char code[CODE_MAX];
    REFUSED(EW_EINPUT, "--contact", appeal_add(fx->db, &fx->h1, &bad, 0, code, rating, &fx->e));
    bad.contact = "1234";
    REFUSED(EW_EINPUT, "--contact", appeal_add(fx->db, &fx->h1, &bad, 0, code, rating, &fx->e));
    sqlite3 *hdb = open_db(fx->dir, "blank.db");
    DeviceSpec hs = {.role = "hall", .hall = "H01"};
    EwErr e = {0};
    ok_rc(device_init(hdb, &hs, &e), &e, "kiosk init");
    Author self;
    ok_rc(device_load_self(hdb, &self, &e), &e, "load kiosk");
    bad.contact = "13800138000";
    ok_rc(db_begin(hdb, &e), &e, "begin");
    int rc = appeal_add(hdb, &self, &bad, 0, code, rating, &e);
    db_rollback(hdb);
    assert_int_equal(rc, EW_ESTATE);
    assert_non_null(strstr(e.msg, "town's key"));
    int64_t nrec = -1, nblob = -1;
    db_int(hdb, NULL, &nrec, -1, "SELECT count(*) FROM records", NULL);
    db_int(hdb, NULL, &nblob, -1, "SELECT count(*) FROM blobs", NULL);
    assert_int_equal(nrec, 0);
    assert_int_equal(nblob, 0);
    sodium_memzero(&self, sizeof self);
    db_close(hdb);
}

/* ---- reading the contact (appeal_contact) ---- */

/* appeal_contact must fail with `want`, a message holding `reason`, an
 * empty out, and the database as it was (it only reads). */
static void contact_refused(Fx *fx, sqlite3 *db, const char *code, int want, const char *reason)
{
    char out[APPEAL_CONTACT_MAX];
    memset(out, 'x', sizeof out);
    EwErr e = {0};
    char *before = snapshot(db);
    int rc = appeal_contact(db, code, out, sizeof out, &e);
    if (rc != want || !strstr(e.msg, reason))
        print_error("appeal_contact(%s) gave %d \"%s\", expected %d \"...%s...\"\n", code, rc,
                    e.msg, want, reason);
    assert_int_equal(rc, want);
    assert_int_equal(e.code, want);
    assert_non_null(strstr(e.msg, reason));
    assert_string_equal(out, "");
    char *after = snapshot(db);
    same_text(before, after, "database before and after appeal_contact");
    free(before);
    free(after);
    (void)fx;
}

/* An appeal.new written by kiosk a with `box` (n bytes) stored as its
 * contact blob, or, with store 0, only named (the blob never arrived):
 * what a kiosk with a bug, or a hostile one, could send. */
static void forged_contact(Fx *fx, Author *a, const void *box, size_t n, int store,
                           char code[CODE_MAX])
{
    char text[65], contact[65], rating[65];
    tx_begin(fx);
    ok_rc(code_make("H01", a->slot, a->code_next++, code), &fx->e, "code_make");
    ok_rc(blob_put(fx->db, "门口的水沟堵了", strlen("门口的水沟堵了"), text, &fx->e), &fx->e, "text");
    if (store)
        ok_rc(blob_put(fx->db, box, n, contact, &fx->e), &fx->e, "contact blob");
    else
        blob_hash_hex(box, n, contact);
    appeal_rating_hash(code, "123456", rating);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", code, "hall", "H01",
                             "category", "water", "source", "kiosk", "rating", rating, "text",
                             text, "contact", contact);
    int rc = device_author(fx->db, a, 0, "appeal.new", body, &fx->e);
    json_decref(body);
    ok_rc(tx_end(fx, rc), &fx->e, "forged appeal.new");
}

/* A sealed box of `plain` to this office's town key. */
static unsigned char *seal_to_town(Fx *fx, const char *plain, size_t *n)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], xpk[crypto_box_PUBLICKEYBYTES];
    assert_int_equal(device_town_pk(fx->db, pk), 0);
    assert_int_equal(crypto_sign_ed25519_pk_to_curve25519(xpk, pk), 0);
    *n = strlen(plain) + crypto_box_SEALBYTES;
    unsigned char *box = malloc(*n);
    crypto_box_seal(box, (const unsigned char *)plain, strlen(plain), xpk);
    return box;
}

static void test_contact_read(void **state)
{
    Fx *fx = *state;
    static const char *const phones[] = {"13800138000", "+86 139-1234-5678"};
    char codes[2][CODE_MAX], rating[RATING_CODE_LEN + 1], plain[CODE_MAX], out[APPEAL_CONTACT_MAX];
    /* Taken at a kiosk (sealed there) and at the office: the office reads both. */
    for (int i = 0; i < 2; i++) {
        AppealNew in = {.hall = "H01", .category = "garbage", .text = "垃圾没人收",
                        .source = "kiosk", .contact = phones[i]};
        OK(appeal_add(fx->db, i ? &fx->off : &fx->h1, &in, 0, codes[i], rating, &fx->e));
    }
    add_ok(fx, &fx->h1, "H01", NULL, plain, NULL);
    for (int i = 0; i < 2; i++) {
        EwErr e = {0};
        char *before = snapshot(fx->db);
        ok_rc(appeal_contact(fx->db, codes[i], out, sizeof out, &e), &e, "appeal_contact");
        assert_string_equal(out, phones[i]);
        assert_int_equal(e.code, EW_OK);
        char *after = snapshot(fx->db);
        same_text(before, after, "database before and after reading a contact");
        free(before);
        free(after);
    }
    /* The code as a villager types it: lower case, no dash. */
    char typed[CODE_MAX];
    snprintf(typed, sizeof typed, "%s", codes[0]);
    for (char *p = typed; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    EwErr e = {0};
    ok_rc(appeal_contact(fx->db, typed, out, sizeof out, &e), &e, "lower-case code");
    assert_string_equal(out, phones[0]);
    /* Too small a buffer: refused, nothing half-written. */
    memset(out, 'x', sizeof out);
    assert_int_equal(appeal_contact(fx->db, codes[1], out, 8, &e), EW_EINPUT);
    assert_string_equal(out, "");

    /* No contact; no such appeal; not a code at all. */
    contact_refused(fx, fx->db, plain, EW_ENOTFOUND, "without a contact");
    char unknown[CODE_MAX];
    ok_rc(code_make("H02", '9', 777, unknown), &fx->e, "code_make");
    contact_refused(fx, fx->db, unknown, EW_ENOTFOUND, "no appeal");
    contact_refused(fx, fx->db, "H01-ABC", EW_EINPUT, "H01-ABC");

    /* Redacted: the sealed box is deleted everywhere, and the answer says so. */
    OK(appeal_redact(fx->db, &fx->off, codes[0], "含有他人的电话", &fx->e));
    contact_refused(fx, fx->db, codes[0], EW_ENOTFOUND, "redacted");
    int64_t purged = 0;
    db_int(fx->db, NULL, &purged, 0,
           "SELECT count(*) FROM blobs WHERE lower(hex(hash))=(SELECT contact_hash FROM appeals "
           "WHERE code=?)",
           "t", codes[0]);
    assert_int_equal(purged, 0);
    ok_rc(appeal_contact(fx->db, codes[1], out, sizeof out, &e), &e, "the other one still opens");
    assert_string_equal(out, phones[1]);

    /* What a faulty or hostile kiosk could send: a box not sealed to the
     * town key, a truncated one, one holding a terminal's escape sequence
     * instead of a number, and one whose blob never arrived. */
    char forged[4][CODE_MAX];
    unsigned char junk[80];
    randombytes_buf(junk, sizeof junk);
    forged_contact(fx, &fx->h1, junk, sizeof junk, 1, forged[0]);
    forged_contact(fx, &fx->h1, junk, crypto_box_SEALBYTES, 1, forged[1]);
    size_t n;
    unsigned char *box = seal_to_town(fx, "\x1b]0;pwned\x07 138", &n);
    forged_contact(fx, &fx->h1, box, n, 1, forged[2]);
    free(box);
    box = seal_to_town(fx, "13800138000", &n);
    forged_contact(fx, &fx->h1, box, n, 0, forged[3]);
    free(box);
    contact_refused(fx, fx->db, forged[0], EW_ECORRUPT, "does not open with the town key");
    contact_refused(fx, fx->db, forged[1], EW_ECORRUPT, "truncated");
    contact_refused(fx, fx->db, forged[2], EW_ECORRUPT, "not a phone number");
    contact_refused(fx, fx->db, forged[3], EW_ENOTFOUND, "not reached this station");

    /* A hall's kiosk holds sealed contacts it took, and cannot open them,
     * nor learn which appeals have one. */
    int64_t today = 0;
    assert_int_equal(clock_parse_day("2025-03-01", &today), 0);
    sqlite3 *hdb = tu_demo_db(fx->dir, "h07.db", 1, "H07", today);
    Author self;
    ok_rc(device_load_self(hdb, &self, &e), &e, "load kiosk");
    AppealNew in = {.hall = "H07", .category = "road_bridge", .text = "桥面裂了",
                    .source = "kiosk", .contact = phones[0]};
    char hcode[CODE_MAX];
    ok_rc(db_begin(hdb, &e), &e, "begin");
    ok_rc(appeal_add(hdb, &self, &in, 0, hcode, rating, &e), &e, "kiosk appeal with a phone");
    ok_rc(db_commit(hdb, &e), &e, "commit");
    contact_refused(fx, hdb, hcode, EW_EDENIED, "only the office");
    contact_refused(fx, hdb, "H07-ABC", EW_EDENIED, "only the office");
    sodium_memzero(&self, sizeof self);
    db_close(hdb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hall_grading, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hall_solving, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hall_taking_appeals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish_and_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meetings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_due_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_queue, setup, teardown),
        cmocka_unit_test(test_night_setting),
        cmocka_unit_test_setup_teardown(test_contact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contact_read, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
