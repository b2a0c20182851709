/*
 * test_ctl.c: the echowallctl command line, run in-process (issue 2, §4).
 *
 * What is tested: exit codes (0 ok, 1 failure, 2 bad usage or input) with a
 * one-line message naming the offending argument; that usage and value
 * syntax are checked before the database is even opened (so a bad command
 * never creates a file); init, demo and the demo's published figures; the
 * JSON shapes of `appeal show`, `meeting list` and `roster list`; a whole
 * appeal lifecycle; that a contact never shows in public output and only the
 * office reads it (`appeal contact`); meetings on
 * a hall; config of device and town keys; and that a failing write leaves
 * the database file byte-for-byte unchanged.
 *
 * One demo database is made for the whole program (group setup) and copied
 * for each test that needs it; the day is pinned so dates are stable.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "code.h"

#define TODAY "2026-09-01"

static char *g_dir;  /* holds the shared demo database */
static char *g_demo; /* the demo database (closed; copy it, never write it) */

/* ---- helpers ---- */

/* tu_ctl with an argument vector of up to 15 words (NULL-terminated). */
static CtlRun ctl_v(const char *db, const char *const *w)
{
    const char *a[16] = {0};
    for (int i = 0; i < 15 && w[i]; i++)
        a[i] = w[i];
    return tu_ctl(db, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
                  a[12], a[13], a[14], a[15], NULL);
}

#define CTL(db, ...) tu_ctl((db), __VA_ARGS__, NULL)

/* Checks a run's status, and that stderr holds `needle` (when not NULL). */
#define EXPECT(r, st, needle) expect_run(&(r), (st), (needle), __FILE__, __LINE__)
static void expect_run(const CtlRun *r, int st, const char *needle, const char *file, int line)
{
    if (r->status != st || (needle && !strstr(r->err, needle))) {
        print_error("%s:%d: exit %d (want %d), stderr should hold \"%s\"\nstdout: %s\nstderr: %s\n",
                    file, line, r->status, st, needle ? needle : "", r->out, r->err);
        fail();
    }
}

/* A failure message is exactly one line on stderr, and nothing on stdout. */
static void expect_one_line(const CtlRun *r)
{
    size_t n = strlen(r->err);
    const char *nl = strchr(r->err, '\n');
    if (n == 0 || !nl || nl != r->err + n - 1 || r->out[0]) {
        print_error("want one line on stderr and nothing on stdout\nstdout: %s\nstderr: %s\n",
                    r->out, r->err);
        fail();
    }
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

static json_t *parse_json(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j) {
        print_error("not JSON (%s): %s\n", je.text, text);
        fail();
    }
    return j;
}

/* `appeal show CODE --json` as an object (caller decrefs). */
static json_t *show(const char *db, const char *code)
{
    CtlRun r = CTL(db, "appeal", "show", code, "--json");
    EXPECT(r, 0, NULL);
    json_t *o = parse_json(r.out);
    tu_ctl_free(&r);
    return o;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        char *d = json_dumps(o, 0);
        print_error("key %s is not a string in %s\n", key, d);
        free(d);
        fail();
    }
    return json_string_value(v);
}

static void assert_jnull(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!v || !json_is_null(v)) {
        print_error("key %s should be null\n", key);
        fail();
    }
}

/* Adds an appeal; returns its code (malloc'd) and the rating code. */
static char *add_appeal(const char *db, const char *hall, const char *text, char rating[7])
{
    CtlRun r = CTL(db, "appeal", "add", "--hall", hall, "--category", "路灯", "--text", text);
    EXPECT(r, 0, NULL);
    char code[CODE_MAX], first[64] = "", rc[16] = "";
    assert_int_equal(sscanf(r.out, "%63s\nrating code: %15s", first, rc), 2);
    assert_int_equal(code_normalize(first, code, NULL), EW_OK);
    assert_string_equal(code, first);
    assert_int_equal(strlen(rc), 6);
    if (rating)
        memcpy(rating, rc, 7);
    tu_ctl_free(&r);
    return strdup(code);
}

/* A syntactically valid code that no demo appeal has. */
static void unused_code(char out[CODE_MAX]) { assert_int_equal(code_make("H01", 'Y', 29000, out), 0); }

/* A name held by two or more non-leaders of a roster; ids of two of them. */
static char *namesake(const char *db, char id1[40], char id2[40])
{
    CtlRun r = CTL(db, "roster", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *ro = parse_json(r.out), *people = json_object_get(ro, "people");
    char *found = NULL;
    size_t i, k;
    json_t *p, *q;
    json_array_foreach(people, i, p) {
        if (found || strcmp(jstr(p, "role"), "leader") == 0)
            continue;
        json_array_foreach(people, k, q) {
            if (k > i && strcmp(jstr(q, "role"), "leader") != 0 &&
                strcmp(jstr(p, "name"), jstr(q, "name")) == 0 && !found) {
                found = strdup(jstr(p, "name"));
                snprintf(id1, 40, "%s", jstr(p, "id"));
                snprintf(id2, 40, "%s", jstr(q, "id"));
            }
        }
    }
    json_decref(ro);
    tu_ctl_free(&r);
    return found;
}

/* The first person (leader or not) or unit whose name is unique there. */
static char *unique_name(json_t *arr, const char *want_role, int skip, char id[40])
{
    size_t i, k;
    json_t *p, *q;
    json_array_foreach(arr, i, p) {
        const char *role = json_is_string(json_object_get(p, "role")) ? jstr(p, "role") : NULL;
        if (want_role && (!role || (strcmp(want_role, "leader") == 0) != (strcmp(role, "leader") == 0)))
            continue;
        int n = 0;
        json_array_foreach(arr, k, q) n += strcmp(jstr(p, "name"), jstr(q, "name")) == 0;
        if (n == 1 && skip-- == 0) {
            snprintf(id, 40, "%s", jstr(p, "id"));
            return strdup(jstr(p, "name"));
        }
    }
    fail_msg("no unique name in the roster");
    return NULL;
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
    (void)state;
    tu_pin_day(TODAY);
    g_dir = tu_tmpdir();
    g_demo = tu_path(g_dir, "demo.db");
    CtlRun r = CTL(g_demo, "demo");
    if (r.status != 0) {
        print_error("demo failed: %s\n", r.err);
        tu_ctl_free(&r);
        return -1;
    }
    tu_ctl_free(&r);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmdir(g_dir);
    free(g_dir);
    free(g_demo);
    return 0;
}

/* Each test: its own temporary directory in *state. */
static int setup(void **state)
{
    tu_pin_day(TODAY);
    *state = tu_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    tu_rmdir(*state);
    free(*state);
    return 0;
}

/* ---- exit 2: usage and syntax, before any lookup ---- */

typedef struct Bad {
    const char *w[15];    /* the command words */
    const char *needle;   /* what the message must name */
} Bad;

static void bad_cases(const char *valid, const char *mistyped, const char *swapped,
                      void (*each)(const Bad *b, void *ctx), void *ctx)
{
    const Bad cases[] = {
        {{"frobnicate"}, "frobnicate"},
        {{"appeal", "frob", "H01"}, "frob"},
        {{"--frob", "stats"}, "--frob"},
        {{"appeal", "add", "--colour", "red", "--hall", "H01"}, "--colour"},
        {{"stats", "--json=yes"}, "--json"},
        {{"stats", "extra"}, "extra"},
        {{"appeal", "add", "--category", "路灯", "--text", "x", "--hall"}, "--hall"},
        {{"appeal", "add", "--hall", "X7", "--category", "路灯", "--text", "灯坏了"}, "--hall"},
        {{"appeal", "add", "--hall", "H100", "--category", "路灯", "--text", "灯坏了"}, "--hall"},
        {{"appeal", "add", "--category", "路灯", "--text", "灯坏了"}, "--hall"},
        {{"appeal", "add", "--hall", "H01", "--category", "lamp", "--text", "灯坏了"}, "lamp"},
        {{"appeal", "add", "--hall", "H01", "--category", "路灯", "--text", "  "}, "--text"},
        {{"appeal", "add", "--hall", "H01", "--category", "路灯", "--text", ""}, "--text"},
        {{"appeal", "add", "--hall", "H01", "--category", "路灯"}, "--text"},
        {{"appeal", "add", "--hall", "H01", "--category", "路灯", "--text", "x", "--source",
          "fax"}, "--source"},
        {{"appeal", "add", "--hall", "H01", "--category", "路灯", "--text", "x", "--contact",
          "call me"}, "--contact"},
        {{"appeal", "assign", valid, "--member", "张三", "--leader", "李四", "--unit", "镇水利站",
          "--due", "2026-02-30"}, "--due"},
        {{"appeal", "assign", valid, "--member", "张三", "--leader", "李四", "--unit", "镇水利站",
          "--due", "2026/3/5"}, "--due"},
        {{"appeal", "assign", valid, "--member", "张三", "--leader", "李四"}, "--unit"},
        {{"appeal", "grade", valid, "purple"}, "purple"},
        {{"appeal", "grade", valid}, "grade"},
        {{"appeal", "show", "H01-###"}, "H01-###"},
        {{"appeal", "show", "banana"}, "banana"},
        {{"appeal", "show", mistyped}, mistyped},
        {{"appeal", "show", swapped}, swapped},
        {{"appeal", "solve", mistyped, "--answer", "done"}, mistyped},
        {{"appeal", "grade", swapped, "green"}, swapped},
        {{"appeal", "progress", valid}, "--note"},
        {{"appeal", "solve", valid, "--answer", " "}, "--answer"},
        {{"appeal", "rate", valid, "--rating-code", "12ab56", "satisfied"}, "--rating-code"},
        {{"appeal", "rate", valid, "--rating-code", "123456", "happy"}, "happy"},
        {{"appeal", "list", "--status", "done"}, "--status"},
        {{"appeal", "list", "--grade", "red"}, "--grade"},
        {{"meeting", "open", "--hall", "H01", "--topic", "评议", "--cap", "0"}, "--cap"},
        {{"meeting", "open", "--hall", "H01", "--topic", "评议", "--cap", "ten"}, "--cap"},
        {{"meeting", "open", "--hall", "H01", "--topic", "评议", "--cap", "5x"}, "--cap"},
        {{"meeting", "open", "--hall", "H01", "--topic", " "}, "--topic"},
        {{"meeting", "open", "--hall", "H1", "--topic", "评议"}, "--hall"},
        {{"init", "--role", "boss"}, "--role"},
        {{"init", "--role", "hall"}, "--hall"},
        {{"init", "--role", "hall", "--hall", "H7"}, "H7"},
        {{"demo", "--seed", "x"}, "--seed"},
        {{"demo", "--hall", "7"}, "--hall"},
        {{"config", "set", "nosuch.key", "1"}, "nosuch.key"},
        {{"config", "get", "nosuch.key"}, "nosuch.key"},
        {{"config", "set", "printer.width", "66"}, "printer.width"},
        {{"config", "set", "limit.green", "0"}, "limit.green"},
        {{"config", "frob"}, "frob"},
        {{"import", "ledger"}, "FILE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        each(&cases[i], ctx);
}

/* Codes for the syntax cases: a valid one, one mistyped, one with a swap. */
static void test_codes(char valid[CODE_MAX], char mistyped[CODE_MAX], char swapped[CODE_MAX])
{
    unused_code(valid);
    snprintf(mistyped, CODE_MAX, "%s", valid);
    const char *alpha = CODE_ALPHABET;
    mistyped[6] = alpha[(strchr(alpha, mistyped[6]) - alpha + 1) % 31];
    char c;
    assert_int_not_equal(code_normalize(mistyped, (char[CODE_MAX]){0}, NULL), EW_OK);
    snprintf(swapped, CODE_MAX, "%s", valid);
    size_t n = strlen(swapped), i;
    for (i = 5; i + 1 < n && swapped[i] == swapped[i + 1]; i++)
        ;
    assert_true(i + 1 < n);
    c = swapped[i];
    swapped[i] = swapped[i + 1];
    swapped[i + 1] = c;
    assert_int_not_equal(code_normalize(swapped, (char[CODE_MAX]){0}, NULL), EW_OK);
    /* Case does not matter, spaces are ignored. */
    char lower[CODE_MAX + 2], out[CODE_MAX];
    snprintf(lower, sizeof lower, " %s", valid);
    for (char *p = lower; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    assert_int_equal(code_normalize(lower, out, NULL), EW_OK);
    assert_string_equal(out, valid);
}

static void bad_on_missing(const Bad *b, void *ctx)
{
    const char *db = ctx;
    CtlRun r = ctl_v(db, b->w);
    if (r.status != 2 || !strstr(r.err, b->needle)) {
        print_error("`%s %s %s ...` on a missing db: exit %d, stderr %s(want 2 naming %s)\n",
                    b->w[0], b->w[1] ? b->w[1] : "", b->w[2] ? b->w[2] : "", r.status, r.err,
                    b->needle);
        fail();
    }
    expect_one_line(&r);
    tu_ctl_free(&r);
    char *wal = tu_suffixed(db, "-wal"), *jr = tu_suffixed(db, "-journal");
    if (exists(db) || exists(wal) || exists(jr)) {
        print_error("`%s %s` created the database\n", b->w[0], b->w[1] ? b->w[1] : "");
        fail();
    }
    free(wal);
    free(jr);
}

static void test_usage_before_lookup(void **state)
{
    char valid[CODE_MAX], mistyped[CODE_MAX], swapped[CODE_MAX];
    test_codes(valid, mistyped, swapped);
    char *db = tu_path(*state, "none.db");
    bad_cases(valid, mistyped, swapped, bad_on_missing, db);
    free(db);
}

typedef struct OnDemo {
    TuSnap *snap;
} OnDemo;

static void bad_on_demo(const Bad *b, void *ctx)
{
    OnDemo *o = ctx;
    CtlRun r = ctl_v(o->snap->db, b->w);
    if (r.status != 2 || !strstr(r.err, b->needle)) {
        print_error("`%s %s ...` on the demo: exit %d, stderr %s(want 2 naming %s)\n", b->w[0],
                    b->w[1] ? b->w[1] : "", r.status, r.err, b->needle);
        fail();
    }
    tu_ctl_free(&r);
    if (!tu_snap_same(o->snap)) {
        print_error("`%s %s ...` changed the database\n", b->w[0], b->w[1] ? b->w[1] : "");
        fail();
    }
}

/* The same bad commands on a real database: still 2, nothing changes. */
static void test_usage_on_demo(void **state)
{
    char valid[CODE_MAX], mistyped[CODE_MAX], swapped[CODE_MAX];
    test_codes(valid, mistyped, swapped);
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    TuSnap s = tu_snap_take(db);
    OnDemo o = {&s};
    bad_cases(valid, mistyped, swapped, bad_on_demo, &o);
    tu_snap_free(&s);
    free(db);
}

/* Without a command: usage on stderr, exit 2; --help: exit 0. */
static void test_no_command(void **state)
{
    (void)state;
    CtlRun r = tu_ctl(NULL, NULL);
    EXPECT(r, 2, "usage");
    tu_ctl_free(&r);
    r = CTL(NULL, "--help");
    EXPECT(r, 0, NULL);
    assert_non_null(strstr(r.out, "appeal add"));
    tu_ctl_free(&r);
}

/* ---- exit 1 ---- */

static void test_missing_database(void **state)
{
    char valid[CODE_MAX];
    unused_code(valid);
    char *db = tu_path(*state, "absent.db"), *csv = tu_path(*state, "x.csv");
    tu_write_file(csv, "支部,诉求内容\n青石村,灯坏了\n", strlen("支部,诉求内容\n青石村,灯坏了\n"));
    const char *const cmds[][12] = {
        {"stats"},
        {"stats", "--json"},
        {"appeal", "show", valid},
        {"appeal", "list"},
        {"appeal", "add", "--hall", "H01", "--category", "路灯", "--text", "灯坏了"},
        {"appeal", "grade", valid, "green"},
        {"meeting", "open", "--hall", "H01", "--topic", "评议"},
        {"meeting", "list"},
        {"roster", "list", "--json"},
        {"config", "get", "ui.lang"},
        {"config", "set", "ui.lang", "en"},
        {"import", "ledger", csv},
        {"export", "ledger", csv},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        CtlRun r = ctl_v(db, cmds[i]);
        if (r.status != 1 || !strstr(r.err, db)) {
            print_error("`%s %s` without a database: exit %d, %s\n", cmds[i][0],
                        cmds[i][1] ? cmds[i][1] : "", r.status, r.err);
            fail();
        }
        expect_one_line(&r);
        tu_ctl_free(&r);
        assert_false(exists(db));
    }
    free(db);
    free(csv);
}

static void test_not_found(void **state)
{
    char valid[CODE_MAX];
    unused_code(valid);
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    TuSnap s = tu_snap_take(db);
    CtlRun r = CTL(db, "appeal", "show", valid, "--json");
    EXPECT(r, 1, valid);
    expect_one_line(&r);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "grade", valid, "green");
    EXPECT(r, 1, valid);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "publish", valid);
    EXPECT(r, 1, valid);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "assign", valid, "--member", "没有这人", "--leader", "L01", "--unit",
            "U01");
    EXPECT(r, 1, "--member");
    tu_ctl_free(&r);
    r = CTL(db, "meeting", "close", "H01-M999");
    EXPECT(r, 1, "H01-M999");
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&s));
    tu_snap_free(&s);
    free(db);
}

/* Transitions the status rules refuse: exit 1, nothing changes. */
static void test_transitions_refused(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    char rating[7];
    char *code = add_appeal(db, "H01", "村口路灯不亮", rating);
    TuSnap s = tu_snap_take(db);
    static const struct {
        const char *w[10];
        const char *needle;
    } steps[] = {
        {{"appeal", "solve", NULL, "--answer", "修好了"}, "received"},
        {{"appeal", "progress", NULL, "--note", "在办"}, "received"},
        {{"appeal", "reopen", NULL, "--note", "再看看"}, "received"},
        {{"appeal", "escalate", NULL}, "orange"},
        {{"appeal", "assign", NULL, "--member", "P0001", "--leader", "L01", "--unit", "U01"},
         "grade"},
        {{"appeal", "rate", NULL, "--rating-code", "000000", "satisfied"}, NULL},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const char *w[10] = {0};
        for (int k = 0; k < 10 && (k == 2 || steps[i].w[k]); k++)
            w[k] = k == 2 ? code : steps[i].w[k];
        CtlRun r = ctl_v(db, w);
        if (r.status != 1 || (steps[i].needle && !strstr(r.err, steps[i].needle))) {
            print_error("`appeal %s` on a received appeal: exit %d, %s\n", steps[i].w[1],
                        r.status, r.err);
            fail();
        }
        expect_one_line(&r);
        tu_ctl_free(&r);
        assert_true(tu_snap_same(&s));
    }
    /* A graded green appeal cannot be escalated either. */
    CtlRun r = CTL(db, "appeal", "grade", code, "green");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "escalate", code);
    EXPECT(r, 1, "orange");
    tu_ctl_free(&r);
    tu_snap_free(&s);
    free(code);
    free(db);
}

/* Role rules: a hall device may grade only green, sets no town keys,
 * imports no ledgers; the office opens no meetings. */
static void test_role_refused(void **state)
{
    char *hall = tu_path(*state, "hall.db");
    CtlRun r = CTL(hall, "init", "--role", "hall", "--hall", "H07");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    char *code = add_appeal(hall, "H07", "路灯坏了三天", NULL);
    TuSnap s = tu_snap_take(hall);
    r = CTL(hall, "appeal", "grade", code, "blue");
    EXPECT(r, 1, "green");
    expect_one_line(&r);
    tu_ctl_free(&r);
    r = CTL(hall, "appeal", "grade", code, "orange");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    /* A hall grades green with the default limit only; --due is the office's. */
    r = CTL(hall, "appeal", "grade", code, "green", "--due", "2026-12-31");
    EXPECT(r, 1, "time limit");
    tu_ctl_free(&r);
    r = CTL(hall, "appeal", "add", "--hall", "H08", "--category", "垃圾", "--text", "别村的事");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&s));
    tu_snap_free(&s);
    r = CTL(hall, "appeal", "grade", code, "green");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    json_t *o = show(hall, code);
    assert_string_equal(jstr(o, "grade"), "green");
    json_decref(o);

    char *office = tu_path(*state, "office.db");
    r = CTL(office, "init", "--role", "office");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(office, "meeting", "open", "--hall", "H07", "--topic", "评议");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    free(code);
    free(hall);
    free(office);
}

/* An ambiguous name is exit 2 listing the candidates; an ID settles it. */
static void test_ambiguous_name(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    char id1[40], id2[40];
    char *name = namesake(db, id1, id2);
    assert_non_null(name);
    char *code = add_appeal(db, "H02", "桥面有坑", NULL);
    CtlRun r = CTL(db, "appeal", "grade", code, "blue");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    TuSnap s = tu_snap_take(db);
    r = CTL(db, "appeal", "assign", code, "--member", name, "--leader", "L01", "--unit", "U01");
    EXPECT(r, 2, "--member");
    expect_one_line(&r);
    assert_non_null(strstr(r.err, name));
    assert_non_null(strstr(r.err, id1));
    assert_non_null(strstr(r.err, id2));
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&s));
    tu_snap_free(&s);
    r = CTL(db, "appeal", "assign", code, "--member", id2, "--leader", "L01", "--unit", "U01");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    json_t *o = show(db, code);
    assert_string_equal(jstr(o, "member_id"), id2);
    assert_string_equal(jstr(o, "member"), name);
    json_decref(o);
    free(name);
    free(code);
    free(db);
}

/* ---- exit 0 ---- */

static void test_init(void **state)
{
    char *office = tu_path(*state, "office.db"), *hall = tu_path(*state, "hall.db");
    CtlRun r = CTL(office, "init", "--role", "office", "--name", "白沙镇");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    assert_true(exists(office));
    r = CTL(office, "config", "get", "town.name");
    EXPECT(r, 0, NULL);
    assert_string_equal(r.out, "白沙镇\n");
    tu_ctl_free(&r);
    r = CTL(hall, "init", "--role", "hall", "--hall", "H12");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(hall, "stats", "--json");
    EXPECT(r, 0, NULL);
    json_t *st = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(st, "appeals")), 0);
    json_decref(st);
    tu_ctl_free(&r);
    /* A second init is refused and changes nothing. */
    TuSnap s = tu_snap_take(office);
    r = CTL(office, "init", "--role", "office");
    EXPECT(r, 1, NULL);
    expect_one_line(&r);
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&s));
    tu_snap_free(&s);
    free(office);
    free(hall);
}

/* The demo reproduces the programme's published figures. */
static void test_demo_figures(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    CtlRun r = CTL(db, "stats", "--json");
    EXPECT(r, 0, NULL);
    json_t *s = parse_json(r.out);
    static const struct {
        const char *key;
        long long want;
    } figures[] = {{"branches", 38}, {"meetings", 39},        {"appeals", 183},
                   {"leading_members", 135}, {"leaders", 11}, {"units", 23},
                   {"solved", 162}};
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        json_t *v = json_object_get(s, figures[i].key);
        if (!json_is_integer(v) || json_integer_value(v) != figures[i].want) {
            print_error("stats %s: got %lld, want %lld\n", figures[i].key,
                        (long long)json_integer_value(v), figures[i].want);
            fail();
        }
    }
    assert_true(json_is_integer(json_object_get(s, "overdue")));
    long long sum = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(s, "by_grade"), k, v) sum += json_integer_value(v);
    assert_int_equal(sum, 183);
    sum = 0;
    json_object_foreach(json_object_get(s, "by_status"), k, v) sum += json_integer_value(v);
    assert_int_equal(sum, 183);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "by_status"), "solved")),
                     162);
    json_decref(s);
    tu_ctl_free(&r);
    /* A demo on a database that holds a town is refused, changing nothing. */
    TuSnap sn = tu_snap_take(db);
    r = CTL(db, "demo");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&sn));
    tu_snap_free(&sn);
    free(db);
}

static void test_appeal_add_show(void **state)
{
    char *db = tu_path(*state, "office.db");
    CtlRun r = CTL(db, "init", "--role", "office");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    char *code = add_appeal(db, "H03", "桥头路灯晚上不亮", NULL);
    assert_int_equal(strncmp(code, "H03-", 4), 0);
    /* Case-insensitive input. */
    char lower[CODE_MAX];
    for (size_t i = 0; i <= strlen(code); i++)
        lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    json_t *o = show(db, lower);
    static const char *const keys[] = {"code",      "hall",     "category", "text",    "published",
                                       "grade",     "status",   "member",   "leader",  "unit",
                                       "member_id", "leader_id", "unit_id", "due",     "overdue_days",
                                       "answer",    "timeline"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!json_object_get(o, keys[i])) {
            print_error("appeal show --json has no key %s\n", keys[i]);
            fail();
        }
    assert_string_equal(jstr(o, "code"), code);
    assert_string_equal(jstr(o, "hall"), "H03");
    assert_string_equal(jstr(o, "category"), "street_light");
    assert_string_equal(jstr(o, "text"), "桥头路灯晚上不亮");
    assert_true(json_is_false(json_object_get(o, "published")));
    assert_jnull(o, "grade");
    assert_string_equal(jstr(o, "status"), "received");
    static const char *const nulls[] = {"member", "leader", "unit", "member_id", "leader_id",
                                        "unit_id", "due", "answer"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        assert_jnull(o, nulls[i]);
    assert_int_equal(json_integer_value(json_object_get(o, "overdue_days")), 0);
    json_t *tl = json_object_get(o, "timeline");
    assert_true(json_is_array(tl));
    assert_int_equal(json_array_size(tl), 1);
    json_decref(o);
    /* By key too; a list holds the same object. */
    char *c2 = NULL;
    r = CTL(db, "appeal", "add", "--hall", "H03", "--category", "traffic_safety", "--text",
            "路口没有减速带", "--json");
    EXPECT(r, 0, NULL);
    json_t *j = parse_json(r.out);
    c2 = strdup(jstr(j, "code"));
    json_decref(j);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *arr = parse_json(r.out);
    assert_int_equal(json_array_size(arr), 2);
    size_t i;
    int seen = 0;
    json_array_foreach(arr, i, o) {
        if (strcmp(jstr(o, "code"), c2) == 0) {
            seen = 1;
            assert_string_equal(jstr(o, "category"), "traffic_safety");
            assert_non_null(json_object_get(o, "timeline"));
        }
    }
    assert_true(seen);
    json_decref(arr);
    tu_ctl_free(&r);
    free(c2);
    free(code);
    free(db);
}

/* add -> grade -> assign (names, then IDs) -> progress -> solve -> rate -> reopen. */
static void test_lifecycle(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    CtlRun r = CTL(db, "roster", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *ro = parse_json(r.out);
    tu_ctl_free(&r);
    char mid[40], lid[40], uid[40], mid2[40], lid2[40], uid2[40];
    json_t *people = json_object_get(ro, "people"), *units = json_object_get(ro, "units");
    char *member = unique_name(people, "member", 0, mid), *leader = unique_name(people, "leader", 0, lid);
    char *unit = unique_name(units, NULL, 0, uid);
    char *member2 = unique_name(people, "member", 1, mid2), *leader2 = unique_name(people, "leader", 1, lid2);
    char *unit2 = unique_name(units, NULL, 1, uid2);
    json_decref(ro);

    char rating[7];
    char *code = add_appeal(db, "H05", "水渠堵了，田里进不了水", rating);
    r = CTL(db, "appeal", "grade", code, "blue");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    json_t *o = show(db, code);
    assert_string_equal(jstr(o, "grade"), "blue");
    assert_string_equal(jstr(o, "status"), "received");
    assert_string_equal(jstr(o, "due"), "2026-09-16"); /* 15 days for blue */
    json_decref(o);
    /* The office may grade with a time limit of its own. */
    r = CTL(db, "appeal", "grade", code, "blue", "--due", "2026-09-30");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    o = show(db, code);
    assert_string_equal(jstr(o, "due"), "2026-09-30");
    json_decref(o);
    r = CTL(db, "appeal", "grade", code, "blue", "--due", "2026-02-30");
    EXPECT(r, 2, "--due");
    tu_ctl_free(&r);

    r = CTL(db, "appeal", "assign", code, "--member", member, "--leader", leader, "--unit", unit,
            "--due", "2026-08-29");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    o = show(db, code);
    assert_string_equal(jstr(o, "status"), "assigned");
    assert_string_equal(jstr(o, "member"), member);
    assert_string_equal(jstr(o, "leader"), leader);
    assert_string_equal(jstr(o, "unit"), unit);
    assert_string_equal(jstr(o, "member_id"), mid);
    assert_string_equal(jstr(o, "leader_id"), lid);
    assert_string_equal(jstr(o, "unit_id"), uid);
    assert_string_equal(jstr(o, "due"), "2026-08-29");
    assert_int_equal(json_integer_value(json_object_get(o, "overdue_days")), 3);
    json_decref(o);
    r = CTL(db, "appeal", "list", "--overdue", "--json");
    EXPECT(r, 0, NULL);
    assert_non_null(strstr(r.out, code));
    tu_ctl_free(&r);

    r = CTL(db, "appeal", "assign", code, "--member", mid2, "--leader", lid2, "--unit", uid2,
            "--due", "2026-09-20");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    o = show(db, code);
    assert_string_equal(jstr(o, "member"), member2);
    assert_string_equal(jstr(o, "leader"), leader2);
    assert_string_equal(jstr(o, "unit"), unit2);
    assert_string_equal(jstr(o, "member_id"), mid2);
    assert_string_equal(jstr(o, "due"), "2026-09-20");
    assert_int_equal(json_integer_value(json_object_get(o, "overdue_days")), 0);
    json_decref(o);

    r = CTL(db, "appeal", "progress", code, "--note", "已联系水利站清淤");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    o = show(db, code);
    assert_string_equal(jstr(o, "status"), "in_progress");
    json_decref(o);
    r = CTL(db, "appeal", "solve", code, "--answer", "水渠已清淤，恢复通水");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    o = show(db, code);
    assert_string_equal(jstr(o, "status"), "solved");
    assert_string_equal(jstr(o, "answer"), "水渠已清淤，恢复通水");
    json_decref(o);

    /* A wrong rating code is refused; the right one is taken once. */
    char wrong[16];
    snprintf(wrong, sizeof wrong, "%06d", (atoi(rating) + 1) % 1000000);
    r = CTL(db, "appeal", "rate", code, "--rating-code", wrong, "satisfied");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "rate", code, "--rating-code", rating, "satisfied");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    o = show(db, code);
    assert_string_equal(jstr(o, "satisfaction"), "satisfied");
    json_decref(o);
    r = CTL(db, "appeal", "rate", code, "--rating-code", rating, "unsatisfied");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);

    r = CTL(db, "appeal", "reopen", code, "--note", "群众反映仍有堵塞");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    o = show(db, code);
    assert_string_equal(jstr(o, "status"), "in_progress");
    assert_jnull(o, "answer");
    json_t *tl = json_object_get(o, "timeline"), *step;
    const char *const kinds[] = {"new", "grade", "grade", "assign", "assign", "progress", "solve", "rate",
                                 "reopen"};
    assert_int_equal(json_array_size(tl), sizeof kinds / sizeof kinds[0]);
    size_t i;
    json_array_foreach(tl, i, step) {
        if (!strstr(jstr(step, "kind"), kinds[i])) {
            print_error("timeline step %zu is %s, want %s\n", i, jstr(step, "kind"), kinds[i]);
            fail();
        }
        assert_true(json_is_true(json_object_get(step, "applied")));
    }
    json_decref(o);
    /* Human-readable show works too. */
    r = CTL(db, "appeal", "show", code);
    EXPECT(r, 0, NULL);
    assert_non_null(strstr(r.out, code));
    tu_ctl_free(&r);
    free(member);
    free(leader);
    free(unit);
    free(member2);
    free(leader2);
    free(unit2);
    free(code);
    free(db);
}

/* The contact is sealed: it never shows in show, list or export. */
static void test_contact_hidden(void **state)
{
    char *db = tu_path(*state, "office.db"), *csv = tu_path(*state, "out.csv");
    CtlRun r = CTL(db, "init", "--role", "office");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "add", "--hall", "H04", "--category", "两险", "--text",
            "医保卡报销比例不清楚", "--contact", "139-8765-4321");
    EXPECT(r, 0, NULL);
    char code[CODE_MAX] = "";
    assert_int_equal(sscanf(r.out, "%23s", code), 1);
    tu_ctl_free(&r);
    const char *const reads[][6] = {
        {"appeal", "show", code, "--json"}, {"appeal", "show", code}, {"appeal", "list", "--json"},
        {"appeal", "list"},                 {"export", "ledger", csv},
    };
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        r = ctl_v(db, reads[i]);
        EXPECT(r, 0, NULL);
        assert_null(strstr(r.out, "8765"));
        assert_null(strstr(r.out, "4321"));
        tu_ctl_free(&r);
    }
    size_t n;
    char *text = (char *)tu_read_file(csv, &n);
    assert_non_null(text);
    text = realloc(text, n + 1);
    text[n] = '\0';
    assert_non_null(strstr(text, code));
    assert_null(strstr(text, "8765"));
    assert_null(strstr(text, "4321"));
    free(text);
    /* Nor is it stored in the clear anywhere in the file. */
    unsigned char *raw = tu_read_file(db, &n);
    assert_null(memmem(raw, n, "8765-4321", 9));
    free(raw);
    free(db);
    free(csv);
}

/* `appeal contact CODE`: the office reads it; usage is checked first; a
 * hall's kiosk is refused; no contact and no appeal are failures. */
static void test_contact_read(void **state)
{
    char *db = tu_path(*state, "office.db"), *hall = tu_path(*state, "hall.db");
    CtlRun r = CTL(db, "init", "--role", "office");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "add", "--hall", "H04", "--category", "两险", "--text",
            "医保卡报销比例不清楚", "--contact", "139-8765-4321");
    EXPECT(r, 0, NULL);
    char code[CODE_MAX] = "", rating[7];
    assert_int_equal(sscanf(r.out, "%23s", code), 1);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "contact", code);
    EXPECT(r, 0, NULL);
    assert_string_equal(r.out, "139-8765-4321\n");
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "contact", code, "--json");
    EXPECT(r, 0, NULL);
    json_t *j = parse_json(r.out);
    assert_string_equal(jstr(j, "code"), code);
    assert_string_equal(jstr(j, "contact"), "139-8765-4321");
    json_decref(j);
    tu_ctl_free(&r);

    char *plain = add_appeal(db, "H04", "没有留电话", rating);
    char unknown[CODE_MAX];
    assert_int_equal(code_make("H05", '7', 4242, unknown), 0);
    static const struct {
        const char *w[6];
        int status;
        const char *needle;
    } bad[] = {
        {{"appeal", "contact"}, 2, "tracking code"},
        {{"appeal", "contact", "H04-2"}, 2, "H04-2"},
        {{"appeal", "contact", "x", "y"}, 2, "'y'"},
        {{"appeal", "contact", "--note", "x"}, 2, "--note"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = ctl_v(db, bad[i].w);
        EXPECT(r, bad[i].status, bad[i].needle);
        expect_one_line(&r);
        tu_ctl_free(&r);
    }
    r = CTL(db, "appeal", "contact", plain);
    EXPECT(r, 1, "without a contact");
    expect_one_line(&r);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "contact", unknown);
    EXPECT(r, 1, "no appeal");
    expect_one_line(&r);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "redact", code, "--reason", "留错了号码");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "appeal", "contact", code);
    EXPECT(r, 1, "redacted");
    expect_one_line(&r);
    tu_ctl_free(&r);

    /* A hall's kiosk: it sealed the number itself, and cannot open it. */
    r = CTL(hall, "demo", "--hall", "H07");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(hall, "appeal", "add", "--hall", "H07", "--category", "路灯", "--text", "路灯不亮",
            "--contact", "13800138000");
    EXPECT(r, 0, NULL);
    char hcode[CODE_MAX] = "";
    assert_int_equal(sscanf(r.out, "%23s", hcode), 1);
    tu_ctl_free(&r);
    r = CTL(hall, "appeal", "contact", hcode);
    EXPECT(r, 1, "only the office");
    expect_one_line(&r);
    assert_null(strstr(r.err, "13800138000"));
    tu_ctl_free(&r);
    free(plain);
    free(db);
    free(hall);
}

static void test_meetings(void **state)
{
    char *db = tu_path(*state, "hall.db");
    CtlRun r = CTL(db, "init", "--role", "hall", "--hall", "H09");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "meeting", "open", "--hall", "H09", "--topic", "九月评议会", "--cap", "40");
    EXPECT(r, 0, NULL);
    size_t n = strlen(r.out);
    assert_true(n > 1 && r.out[n - 1] == '\n' && strchr(r.out, '\n') == r.out + n - 1);
    assert_null(strchr(r.out, ' '));
    char *id = strndup(r.out, n - 1);
    tu_ctl_free(&r);
    /* One open meeting per hall. */
    r = CTL(db, "meeting", "open", "--hall", "H09", "--topic", "又一个");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "meeting", "open", "--hall", "H10", "--topic", "别村的会");
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "meeting", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *arr = parse_json(r.out);
    tu_ctl_free(&r);
    assert_int_equal(json_array_size(arr), 1);
    json_t *m = json_array_get(arr, 0);
    assert_string_equal(jstr(m, "id"), id);
    assert_string_equal(jstr(m, "hall"), "H09");
    assert_string_equal(jstr(m, "topic"), "九月评议会");
    assert_string_equal(jstr(m, "status"), "open");
    json_decref(arr);
    r = CTL(db, "meeting", "close", id);
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "meeting", "close", id);
    EXPECT(r, 1, NULL);
    tu_ctl_free(&r);
    r = CTL(db, "meeting", "list", "--json");
    EXPECT(r, 0, NULL);
    arr = parse_json(r.out);
    assert_string_equal(jstr(json_array_get(arr, 0), "status"), "closed");
    json_decref(arr);
    tu_ctl_free(&r);
    r = CTL(db, "meeting", "list");
    EXPECT(r, 0, NULL);
    assert_non_null(strstr(r.out, id));
    tu_ctl_free(&r);
    free(id);
    free(db);
}

static void test_config(void **state)
{
    char *office = tu_path(*state, "office.db"), *hall = tu_path(*state, "hall.db");
    CtlRun r = CTL(office, "init", "--role", "office");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(hall, "init", "--role", "hall", "--hall", "H02");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);

    r = CTL(office, "config", "get", "limit.green");
    EXPECT(r, 0, NULL);
    assert_string_equal(r.out, "7\n");
    tu_ctl_free(&r);
    r = CTL(office, "config", "set", "limit.green", "5");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(office, "config", "get", "limit.green");
    EXPECT(r, 0, NULL);
    assert_string_equal(r.out, "5\n");
    tu_ctl_free(&r);
    r = CTL(office, "config", "get", "limit.green", "--json");
    EXPECT(r, 0, NULL);
    json_t *j = parse_json(r.out);
    assert_string_equal(jstr(j, "key"), "limit.green");
    assert_string_equal(jstr(j, "value"), "5");
    json_decref(j);
    tu_ctl_free(&r);
    /* The new limit is used for the next grading. */
    char *code = add_appeal(office, "H02", "垃圾桶满了没人清", NULL);
    r = CTL(office, "appeal", "grade", code, "green");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    json_t *o = show(office, code);
    assert_string_equal(jstr(o, "due"), "2026-09-06");
    json_decref(o);

    r = CTL(office, "config", "set", "ui.lang", "en");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(office, "config", "get", "ui.lang");
    EXPECT(r, 0, NULL);
    assert_string_equal(r.out, "en\n");
    tu_ctl_free(&r);

    /* The hall sets its own keys but not the town's. */
    r = CTL(hall, "config", "set", "printer.width", "80");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(hall, "config", "get", "printer.width");
    EXPECT(r, 0, NULL);
    assert_string_equal(r.out, "80\n");
    tu_ctl_free(&r);
    TuSnap s = tu_snap_take(hall);
    r = CTL(hall, "config", "set", "limit.green", "5");
    EXPECT(r, 1, "limit.green");
    expect_one_line(&r);
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&s));
    tu_snap_free(&s);
    r = CTL(hall, "config", "get", "limit.green");
    EXPECT(r, 0, NULL);
    assert_string_equal(r.out, "7\n");
    tu_ctl_free(&r);

    r = CTL(office, "config", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *l = parse_json(r.out);
    assert_true(json_is_array(l) && json_array_size(l) > 5);
    json_decref(l);
    tu_ctl_free(&r);
    free(code);
    free(office);
    free(hall);
}

static void test_roster_list_shape(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    CtlRun r = CTL(db, "roster", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *ro = parse_json(r.out);
    tu_ctl_free(&r);
    json_t *b = json_object_get(ro, "branches"), *p = json_object_get(ro, "people"),
           *u = json_object_get(ro, "units"), *x;
    assert_true(json_is_array(b) && json_is_array(p) && json_is_array(u));
    assert_int_equal(json_array_size(b), 38);
    assert_int_equal(json_array_size(p), 135 + 11);
    assert_int_equal(json_array_size(u), 23);
    size_t i;
    json_array_foreach(b, i, x) {
        char want[24];
        snprintf(want, sizeof want, "H%02zu", i + 1);
        assert_string_equal(jstr(x, "code"), want);
        assert_true(strlen(jstr(x, "name")) > 0);
    }
    int leaders = 0;
    json_array_foreach(p, i, x) {
        assert_true(strlen(jstr(x, "id")) > 0 && strlen(jstr(x, "name")) > 0);
        const char *role = jstr(x, "role");
        static const char *const roles[] = {"secretary", "first_secretary", "grid_leader",
                                            "member", "leader"};
        int known = 0;
        for (int k = 0; k < 5; k++)
            known |= strcmp(role, roles[k]) == 0;
        assert_true(known);
        json_t *br = json_object_get(x, "branch");
        assert_non_null(br);
        if (strcmp(role, "leader") == 0) {
            leaders++;
            assert_true(json_is_null(br));
        } else {
            assert_true(code_hall_valid(json_string_value(br)));
        }
    }
    assert_int_equal(leaders, 11);
    json_array_foreach(u, i, x) assert_true(strlen(jstr(x, "id")) > 0 && strlen(jstr(x, "name")) > 0);
    json_decref(ro);
    r = CTL(db, "roster", "list");
    EXPECT(r, 0, NULL);
    assert_non_null(strstr(r.out, "branch H01"));
    tu_ctl_free(&r);
    free(db);
}

/* A set of failing writes on a demo database: the file stays byte-identical. */
static void test_failed_writes_change_nothing(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db");
    char *bad_csv = tu_path(*state, "bad.csv");
    const char bad[] = "支部,诉求内容,日期\n青石村,路灯坏了,2026-03-05\n河口村,垃圾没人收,2026-02-30\n";
    tu_write_file(bad_csv, bad, strlen(bad));
    /* Appeals of the demo in each state. */
    CtlRun r = CTL(db, "appeal", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *arr = parse_json(r.out), *o;
    tu_ctl_free(&r);
    char received[CODE_MAX] = "", solved[CODE_MAX] = "", open[CODE_MAX] = "";
    size_t i;
    json_array_foreach(arr, i, o) {
        const char *st = jstr(o, "status");
        if (!received[0] && strcmp(st, "received") == 0)
            snprintf(received, CODE_MAX, "%s", jstr(o, "code"));
        if (!solved[0] && strcmp(st, "solved") == 0 && json_is_null(json_object_get(o, "satisfaction")))
            snprintf(solved, CODE_MAX, "%s", jstr(o, "code"));
        if (!open[0] && strcmp(st, "in_progress") == 0)
            snprintf(open, CODE_MAX, "%s", jstr(o, "code"));
    }
    json_decref(arr);
    assert_true(received[0] && solved[0] && open[0]);
    char id1[40], id2[40];
    char *name = namesake(db, id1, id2);
    assert_non_null(name);
    char unknown[CODE_MAX];
    unused_code(unknown);

    TuSnap s = tu_snap_take(db);
    const struct {
        const char *w[12];
        int status;
    } cmds[] = {
        {{"appeal", "solve", received, "--answer", "好了"}, 1},
        {{"appeal", "progress", received, "--note", "在办"}, 1},
        {{"appeal", "reopen", open, "--note", "再办"}, 1},
        {{"appeal", "grade", solved, "orange"}, 1},
        {{"appeal", "rate", solved, "--rating-code", "999999", "satisfied"}, 1},
        {{"appeal", "assign", open, "--member", name, "--leader", "L01", "--unit", "U01"}, 2},
        {{"appeal", "assign", solved, "--member", id1, "--leader", "L01", "--unit", "U01"}, 1},
        {{"appeal", "assign", open, "--member", id1, "--leader", "无此人", "--unit", "U01"}, 1},
        {{"appeal", "grade", unknown, "green"}, 1},
        {{"appeal", "grade", received, "purple"}, 2},
        {{"appeal", "add", "--hall", "H01", "--category", "路灯", "--text", " "}, 2},
        {{"meeting", "open", "--hall", "H01", "--topic", "评议"}, 1},
        {{"meeting", "close", "H01-M999"}, 1},
        {{"config", "set", "limit.green", "9999"}, 2},
        {{"config", "set", "nosuch", "1"}, 2},
        {{"import", "ledger", bad_csv}, 2},
        {{"init", "--role", "office"}, 1},
        {{"demo"}, 1},
    };
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
        r = ctl_v(db, cmds[k].w);
        if (r.status != cmds[k].status) {
            print_error("`%s %s` exit %d, want %d: %s\n", cmds[k].w[0], cmds[k].w[1], r.status,
                        cmds[k].status, r.err);
            fail();
        }
        tu_ctl_free(&r);
        if (!tu_snap_same(&s)) {
            print_error("`%s %s %s` changed the database file\n", cmds[k].w[0], cmds[k].w[1],
                        cmds[k].w[2] ? cmds[k].w[2] : "");
            fail();
        }
    }
    /* And a write that succeeds does change it (the check can fail). */
    r = CTL(db, "appeal", "progress", open, "--note", "又去看了一次");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    assert_false(tu_snap_same(&s));
    tu_snap_free(&s);
    free(name);
    free(bad_csv);
    free(db);
}

/* demo and init create the database; when they fail they leave no file. */
static void test_failed_create_leaves_no_file(void **state)
{
    char *db = tu_path(*state, "new.db");
    CtlRun r = CTL(db, "demo", "--hall", "H99");
    EXPECT(r, 2, "H99");
    tu_ctl_free(&r);
    char *wal = tu_suffixed(db, "-wal"), *shm = tu_suffixed(db, "-shm");
    assert_false(exists(db));
    assert_false(exists(wal));
    assert_false(exists(shm));
    free(wal);
    free(shm);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_usage_before_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_on_demo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transitions_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_role_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ambiguous_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_demo_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_appeal_add_show, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contact_hidden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contact_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meetings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roster_list_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_writes_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_create_leaves_no_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
