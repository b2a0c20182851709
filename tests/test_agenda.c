/*
 * test_agenda.c: the joint meeting's agenda of orange appeals
 * (src/core/agenda.c, `echowallctl report agenda`).
 *
 * On the demo town seen from the office on 2025-06-01 (none of its orange
 * appeals is still open that day) the office adds orange appeals in every
 * open state — received and unassigned, assigned and in progress,
 * escalated with notes, solved and reopened, two with the same time limit
 * — plus one solved (not on the agenda), one blue (not either), one whose
 * text is HTML and which has a private phone, one redacted, and one of a
 * branch and a unit whose names hold & < >. Then:
 *  - the items are exactly the orange appeals not solved, as SQL finds
 *    them, in the order of their time limit (then received, then code),
 *    numbered from 1; each shows its branch, grid, category, status, text,
 *    graded day, due day, the days overdue in red (only when overdue),
 *    leading member, leader, unit and latest note as the database has them;
 *  - every text is escaped; the redacted text and the phone are nowhere,
 *    the redaction's reason is; the same database gives the same bytes;
 *  - with no open orange appeal the page says so and lists nothing;
 *  - agenda_write writes exactly the page, replaces an earlier file whole,
 *    refuses a path not ending in .html, and when it cannot write (no such
 *    folder, a folder in the way, the file size limit reached mid-write)
 *    says why and leaves no partial file and an earlier file whole;
 *  - the command line's exit statuses;
 *  - headless Chromium prints it to PDF (A4) and pdftotext reads every
 *    item back, in order, each on one page (print CSS: no item split).
 *    Without chromium or pdftotext that part is skipped, saying so.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agenda.h"
#include "appeal.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "roster.h"
#include "testutil.h"

#define TODAY "2025-06-01"
#define TITLE "青石镇党政联席会议 · 橙色诉求议程"
#define SCRIPT_TEXT "桥要塌了 <script>alert('x')</script> & \"快修\""
#define PHONE "13912345678"
#define REDACTED_TEXT "这条写了别人的名字，议程上不能出现"
#define REDACT_REASON "含有他人姓名 <b>"
#define ODD_BRANCH "李家&王家<村>"
#define ODD_UNIT "<b>县交通局</b>"
#define NONE_WORDS "目前没有未办结的橙色诉求"

/* The appeals the office adds (codes filled in by group_setup). */
enum { A_RECEIVED, B_ESCALATED, C_PROGRESS, D_TIE, E_SOLVED, F_REOPENED, G_BLUE, H_SCRIPT,
       I_REDACTED, J_ODD, NADDED };

static struct {
    char *dir;
    char *dbpath, *emptypath;
    sqlite3 *db;    /* the town with the added appeals */
    sqlite3 *empty; /* the demo town alone */
    Author self;    /* the office */
    char code[NADDED][CODE_MAX];
} fx;

/* ---- helpers ---- */

static void ok(int rc, const EwErr *e, const char *what)
{
    if (rc != EW_OK)
        print_error("%s: %d %s\n", what, rc, e->msg);
    assert_int_equal(rc, EW_OK);
}

/* s as the page escapes it (malloc'd). */
static char *html(const char *s)
{
    size_t n = 0;
    char *out = malloc(strlen(s) * 6 + 1);
    for (; *s; s++) {
        const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                      : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
        if (r) {
            memcpy(out + n, r, strlen(r));
            n += strlen(r);
        } else {
            out[n++] = *s;
        }
    }
    out[n] = 0;
    return out;
}

static char *page_of(sqlite3 *db, int *items)
{
    char *out = NULL;
    size_t len = 0;
    EwErr e = {0};
    ok(agenda_html(db, &out, &len, items, &e), &e, "agenda_html");
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    return out;
}

/* The text of one SQL value (malloc'd). */
static char *sql_text(const char *sql, const char *arg)
{
    char *v = NULL;
    EwErr e = {0};
    ok(db_text(fx.db, &e, &v, sql, "t", arg), &e, sql);
    assert_non_null(v);
    return v;
}

/* The item of code in page (malloc'd), or NULL when it is not there. */
static char *item_of(const char *page, const char *code)
{
    char head[80];
    snprintf(head, sizeof head, "<article class=\"item\" id=\"%s\">", code);
    const char *a = strstr(page, head);
    if (!a)
        return NULL;
    const char *b = strstr(a, "</article>");
    assert_non_null(b);
    return strndup(a, (size_t)(b - a));
}

static void has(const char *hay, const char *needle, const char *where)
{
    if (!strstr(hay, needle))
        print_error("%s lacks \"%s\":\n%s\n", where, needle, hay);
    assert_non_null(strstr(hay, needle));
}

/* Runs one office operation in its own transaction. */
#define OFFICE(call)                                                                           \
    do {                                                                                       \
        EwErr e_ = {0};                                                                        \
        ok(db_begin(fx.db, &e_), &e_, "begin");                                                \
        EwErr *e = &e_;                                                                        \
        int rc_ = (call);                                                                      \
        if (rc_ == EW_OK)                                                                      \
            rc_ = db_commit(fx.db, e);                                                         \
        else                                                                                   \
            db_rollback(fx.db);                                                                \
        ok(rc_, e, #call);                                                                     \
    } while (0)

static void add(int which, const char *hall, const char *category, const char *text,
                const char *day, const char *contact)
{
    AppealNew in = {.hall = hall, .category = category, .text = text, .source = "kiosk",
                    .day = day, .contact = contact, .grid = "东片"};
    char rating[RATING_CODE_LEN + 1];
    OFFICE(appeal_add(fx.db, &fx.self, &in, 0, fx.code[which], rating, e));
}

static void grade(int which, const char *g, const char *due, const char *day)
{
    OFFICE(appeal_grade(fx.db, &fx.self, fx.code[which], g, due, day, 0, e));
}

static void assign(int which, const char *unit, const char *day)
{
    OFFICE(appeal_assign(fx.db, &fx.self, fx.code[which], "P0010", "L02", unit, NULL, day, 0, e));
}

static void step(int which, const char *action, const char *text, const char *day)
{
    OFFICE(appeal_step(fx.db, &fx.self, action, fx.code[which], text, day, 0, e));
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
    (void)state;
    int64_t today;
    tu_pin_day(TODAY);
    assert_int_equal(clock_parse_day(TODAY, &today), 0);
    fx.dir = tu_tmpdir();
    fx.dbpath = tu_path(fx.dir, "town.db");
    fx.emptypath = tu_path(fx.dir, "empty.db");
    fx.empty = tu_demo_db(fx.dir, "empty.db", 1, NULL, today);
    fx.db = tu_demo_db(fx.dir, "town.db", 1, NULL, today);
    EwErr err = {0};
    ok(device_load_self(fx.db, &fx.self, &err), &err, "load the office");

    char id[ROSTER_ID_MAX];
    static const char *const grids[] = {"东片", NULL};
    OFFICE(roster_add_branch(fx.db, &fx.self, "H39", ODD_BRANCH, grids, 0, e));
    OFFICE(roster_add_unit(fx.db, &fx.self, "U99", ODD_UNIT, 0, id, e));

    add(A_RECEIVED, "H03", "road_bridge", "村口的老桥桥面开裂，还没人来看过", "2025-05-28", NULL);
    grade(A_RECEIVED, "orange", NULL, "2025-05-28"); /* due: 30 days, 2025-06-27 */

    add(B_ESCALATED, "H05", "road_bridge", "进村道路塌方一段，车辆无法通行", "2025-04-20", NULL);
    grade(B_ESCALATED, "orange", "2025-05-20", "2025-04-20");
    assign(B_ESCALATED, "U03", "2025-04-21");
    step(B_ESCALATED, "progress", "已请县交通局勘察", "2025-04-25");
    step(B_ESCALATED, "escalate", "需镇党政联席会研究资金", "2025-05-10");

    add(C_PROGRESS, "H07", "water", "灌溉渠年久失修，今年春灌放不下水", "2025-05-01", NULL);
    grade(C_PROGRESS, "orange", "2025-06-10", "2025-05-01");
    assign(C_PROGRESS, "U99", "2025-05-02");
    step(C_PROGRESS, "progress", "正在协调水利站的资金", "2025-05-15");

    add(D_TIE, "H09", "housing_site", "宅基地边界和邻居有纠纷，村里调解不了", "2025-04-20", NULL);
    grade(D_TIE, "orange", "2025-05-20", "2025-04-20");

    add(E_SOLVED, "H11", "road_bridge", "已经修好的桥", "2025-03-01", NULL);
    grade(E_SOLVED, "orange", NULL, "2025-03-01");
    step(E_SOLVED, "escalate", NULL, "2025-03-05");
    step(E_SOLVED, "solve", "联席会议定后已修复", "2025-04-01");

    add(F_REOPENED, "H12", "road_bridge", "村道的排水沟又堵了", "2025-04-01", NULL);
    grade(F_REOPENED, "orange", "2025-05-28", "2025-04-01");
    step(F_REOPENED, "escalate", "报联席会", "2025-04-02");
    step(F_REOPENED, "solve", "已疏通", "2025-04-20");
    step(F_REOPENED, "reopen", "群众反映又堵了", "2025-05-20");

    add(G_BLUE, "H13", "street_light", "路灯不亮", "2025-05-01", NULL);
    grade(G_BLUE, "blue", NULL, "2025-05-01");

    add(H_SCRIPT, "H14", "road_bridge", SCRIPT_TEXT, "2025-05-30", PHONE);
    grade(H_SCRIPT, "orange", "2025-08-01", "2025-05-30");

    add(I_REDACTED, "H15", "other", REDACTED_TEXT, "2025-05-30", NULL);
    grade(I_REDACTED, "orange", "2025-07-15", "2025-05-30");
    OFFICE(appeal_redact(fx.db, &fx.self, fx.code[I_REDACTED], REDACT_REASON, e));

    add(J_ODD, "H39", "road_bridge", "新村的路还没修", "2025-05-30", NULL);
    grade(J_ODD, "orange", "2025-07-20", "2025-05-30");
    assign(J_ODD, "U99", "2025-05-30");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    sodium_memzero(&fx.self, sizeof fx.self);
    db_close(fx.db);
    db_close(fx.empty);
    tu_rmdir(fx.dir);
    free(fx.dir);
    free(fx.dbpath);
    free(fx.emptypath);
    clock_set_fixed(0);
    return 0;
}

/* The codes of the unsolved orange appeals in agenda order, by SQL alone. */
static char **expected_codes(int *n)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx.db,
                                        "SELECT code FROM appeals WHERE grade='orange' AND "
                                        "status<>'solved' ORDER BY due_day IS NULL, due_day, "
                                        "created_day, code",
                                        -1, &st, NULL),
                     SQLITE_OK);
    char **codes = NULL;
    *n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        codes = realloc(codes, (size_t)(*n + 1) * sizeof *codes);
        codes[(*n)++] = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return codes;
}

/* ---- tests ---- */

static void test_items(void **state)
{
    (void)state;
    int items = -1, n = 0;
    char *page = page_of(fx.db, &items);
    char **want = expected_codes(&n);
    /* A..D, F, H, I, J: every added orange appeal but the solved one. */
    assert_int_equal(n, 8);
    assert_int_equal(items, n);
    /* B and D share their time limit and day received: by code. */
    int bd = strcmp(fx.code[B_ESCALATED], fx.code[D_TIE]) > 0;
    const char *const order[] = {fx.code[bd ? D_TIE : B_ESCALATED], fx.code[bd ? B_ESCALATED : D_TIE],
                                 fx.code[F_REOPENED], fx.code[C_PROGRESS], fx.code[A_RECEIVED],
                                 fx.code[I_REDACTED], fx.code[J_ODD], fx.code[H_SCRIPT]};
    for (int i = 0; i < n; i++)
        assert_string_equal(want[i], order[i]);

    /* The page's items, in order, are exactly these, numbered from 1. */
    const char *p = page;
    int found = 0;
    while ((p = strstr(p, "<article class=\"item\" id=\""))) {
        p += strlen("<article class=\"item\" id=\"");
        size_t len = strcspn(p, "\"");
        assert_true(found < n);
        if (strlen(want[found]) != len || strncmp(p, want[found], len) != 0)
            print_error("item %d is %.*s, expected %s\n", found + 1, (int)len, p, want[found]);
        assert_int_equal(strlen(want[found]), len);
        assert_memory_equal(p, want[found], len);
        char no[48];
        snprintf(no, sizeof no, "<span class=\"no\">%d.</span>", found + 1);
        char *it = item_of(page, want[found]);
        has(it, no, want[found]);
        free(it);
        found++;
    }
    assert_int_equal(found, n);
    assert_null(item_of(page, fx.code[E_SOLVED]));
    assert_null(item_of(page, fx.code[G_BLUE]));

    /* The escalated one, field by field against the database. */
    char *b = item_of(page, fx.code[B_ESCALATED]);
    char *hall = sql_text("SELECT b.name FROM appeals a JOIN branches b ON b.code=a.hall WHERE "
                          "a.code=?", fx.code[B_ESCALATED]);
    char *member = sql_text("SELECT name FROM people WHERE id=?", "P0010");
    char *leader = sql_text("SELECT name FROM people WHERE id=?", "L02");
    char *unit = sql_text("SELECT name FROM units WHERE id=?", "U03");
    const char *bwant[] = {hall, "（H05）", "东片", "道路桥梁", "已提交联席会",
                           "进村道路塌方一段，车辆无法通行", "<dt>受理日期</dt><dd>2025-04-20</dd>",
                           "<dt>分级日期</dt><dd>2025-04-20</dd>",
                           "<dt>办理时限</dt><dd>2025-05-20 <span class=\"overdue\">已超期 12 天</span>",
                           member, leader, unit, "2025-05-10 提交联席会：需镇党政联席会研究资金",
                           "会议议定"};
    for (size_t i = 0; i < sizeof bwant / sizeof bwant[0]; i++) {
        char *x = html(bwant[i]);
        has(b, strncmp(bwant[i], "<dt>", 4) == 0 ? bwant[i] : x, "the escalated item");
        free(x);
    }
    free(b);
    free(hall);
    free(member);
    free(leader);
    free(unit);

    /* Not overdue: no red mark. Its unit's name escaped; the latest note. */
    char *c = item_of(page, fx.code[C_PROGRESS]);
    assert_null(strstr(c, "overdue"));
    has(c, "办理中", "the item in progress");
    has(c, "2025-05-15 办理进展：正在协调水利站的资金", "the item in progress");
    char *odd = html(ODD_UNIT);
    has(c, odd, "the item in progress");
    assert_null(strstr(c, ODD_UNIT));
    free(odd);
    free(c);
    /* Received, unassigned, not approved for the wall: the text is there. */
    char *a = item_of(page, fx.code[A_RECEIVED]);
    has(a, "村口的老桥桥面开裂，还没人来看过", "the received item");
    has(a, "已受理，未分派", "the received item");
    has(a, "<dt>包联党员</dt><dd>未分派</dd>", "the received item");
    has(a, "<dt>办理时限</dt><dd>2025-06-27</dd>", "the received item");
    has(a, "<dt>最新进展</dt><dd class=\"wide\">暂无</dd>", "the received item");
    free(a);
    /* Reopened: the reopening's note is the latest word; 4 days overdue. */
    char *f = item_of(page, fx.code[F_REOPENED]);
    has(f, "2025-05-20 重新办理：群众反映又堵了", "the reopened item");
    has(f, "已超期 4 天", "the reopened item");
    free(f);
    /* A branch whose name holds & and <. */
    char *j = item_of(page, fx.code[J_ODD]);
    char *oddb = html(ODD_BRANCH);
    has(j, oddb, "the odd branch's item");
    assert_null(strstr(page, ODD_BRANCH));
    free(oddb);
    free(j);

    /* Escaping, privacy, the redaction. */
    char *script = html(SCRIPT_TEXT);
    has(page, script, "the page");
    free(script);
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, PHONE));
    assert_null(strstr(page, REDACTED_TEXT));
    char *i = item_of(page, fx.code[I_REDACTED]);
    char *reason = html(REDACT_REASON);
    has(i, "内容已由镇里撤下", "the redacted item");
    has(i, reason, "the redacted item");
    free(reason);
    free(i);

    /* The page: title, day made, figures, print CSS. */
    has(page, "<!DOCTYPE html>", "the page");
    has(page, "<meta charset=\"utf-8\">", "the page");
    has(page, "<title>" TITLE "</title>", "the page");
    has(page, "<h1>" TITLE "</h1>", "the page");
    has(page, "制表日期 " TODAY, "the page");
    has(page, "未办结的橙色诉求 8 件（已提交联席会 1 件，已超期 <span class=\"overdue\">3</span> 件）",
        "the page");
    has(page, "@page{size:A4", "the page");
    has(page, "break-inside:avoid", "the page");
    assert_null(strstr(page, NONE_WORDS));

    /* The same database, the same bytes. */
    char *again = page_of(fx.db, NULL);
    assert_string_equal(page, again);
    free(again);
    for (int k = 0; k < n; k++)
        free(want[k]);
    free(want);
    free(page);
}

static void test_empty(void **state)
{
    (void)state;
    int items = -1;
    char *page = page_of(fx.empty, &items);
    assert_int_equal(items, 0);
    int64_t open = -1;
    db_int(fx.empty, NULL, &open, -1,
           "SELECT count(*) FROM appeals WHERE grade='orange' AND status<>'solved'", NULL);
    assert_int_equal(open, 0);
    has(page, NONE_WORDS, "the empty agenda");
    has(page, "<h1>" TITLE "</h1>", "the empty agenda");
    assert_null(strstr(page, "<article"));
    assert_null(strstr(page, "件）"));
    free(page);
}

/* The names in dir other than keep (for leftovers), one string. */
static char *others(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *all = strdup("");
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
            (keep && !strcmp(de->d_name, keep)))
            continue;
        char *x;
        assert_true(asprintf(&x, "%s %s", all, de->d_name) > 0);
        free(all);
        all = x;
    }
    closedir(d);
    return all;
}

static void test_file(void **state)
{
    (void)state;
    char *dir = tu_path(fx.dir, "out");
    assert_int_equal(mkdir(dir, 0755), 0);
    char *path = tu_path(dir, "议程.html");
    EwErr e = {0};
    int items = -1;
    char *page = page_of(fx.db, NULL);
    /* An earlier file is replaced whole. */
    tu_write_file(path, "old", 3);
    ok(agenda_write(fx.db, path, &items, &e), &e, "agenda_write");
    assert_int_equal(items, 8);
    size_t len;
    unsigned char *got = tu_read_file(path, &len);
    assert_int_equal(len, strlen(page));
    assert_memory_equal(got, page, len);
    free(got);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *left = others(dir, "议程.html");
    assert_string_equal(left, "");
    free(left);

    /* Not an .html path: refused before anything. */
    char *txt = tu_path(dir, "agenda.txt");
    assert_int_equal(agenda_write(fx.db, txt, NULL, &e), EW_EINPUT);
    has(e.msg, ".html", "the refusal");
    assert_int_not_equal(access(txt, F_OK), 0);
    free(txt);
    char *upper = tu_path(dir, "AGENDA.HTM");
    ok(agenda_write(fx.db, upper, NULL, &e), &e, "agenda_write .HTM");
    unlink(upper);
    free(upper);

    /* No such folder. */
    char *nodir = tu_path(dir, "missing/agenda.html");
    e = (EwErr){0};
    assert_int_equal(agenda_write(fx.db, nodir, NULL, &e), EW_EIO);
    has(e.msg, nodir, "the refusal");
    has(e.msg, "No such file or directory", "the refusal");
    free(nodir);
    /* A folder where the file should go: written, then the rename fails;
     * nothing is left beside it. */
    char *indir = tu_path(dir, "sub.html");
    assert_int_equal(mkdir(indir, 0755), 0);
    e = (EwErr){0};
    assert_int_equal(agenda_write(fx.db, indir, NULL, &e), EW_EIO);
    has(e.msg, indir, "the refusal");
    assert_int_equal(stat(indir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    left = others(dir, "议程.html");
    assert_string_equal(left, " sub.html");
    free(left);
    rmdir(indir);
    free(indir);

    /* The disk "fills" mid-write (the file size limit): the earlier file
     * stays whole, no partial file is left. */
    struct rlimit saved, small = {.rlim_cur = 2000, .rlim_max = RLIM_INFINITY};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    small.rlim_max = saved.rlim_max;
    void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
    tu_write_file(path, "earlier agenda", 14);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    e = (EwErr){0};
    int rc = agenda_write(fx.db, path, NULL, &e);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, old);
    assert_int_equal(rc, EW_EIO);
    has(e.msg, "File too large", "the refusal");
    got = tu_read_file(path, &len);
    assert_int_equal(len, 14);
    assert_memory_equal(got, "earlier agenda", 14);
    free(got);
    left = others(dir, "议程.html");
    assert_string_equal(left, "");
    free(left);

    tu_rmdir(dir);
    free(dir);
    free(path);
    free(page);
}

static void test_cli(void **state)
{
    (void)state;
    char *out = tu_path(fx.dir, "cli.html");
    CtlRun r = tu_ctl(fx.dbpath, "report", "agenda", "--out", out, NULL);
    if (r.status)
        print_error("%s", r.err);
    assert_int_equal(r.status, 0);
    has(r.out, "8 orange appeals", "the command's answer");
    tu_ctl_free(&r);
    char *page = page_of(fx.db, NULL);
    size_t len;
    unsigned char *got = tu_read_file(out, &len);
    assert_int_equal(len, strlen(page));
    assert_memory_equal(got, page, len);
    free(got);
    free(page);
    static const struct {
        const char *w[5];
        int status;
        const char *needle;
    } bad[] = {
        {{"report", "agenda"}, 2, "--out"},
        {{"report", "agenda", "--out", "x.pdf"}, 2, ".html"},
        {{"report", "agenda", "--out", "a.html", "extra"}, 2, "extra"},
        {{"report", "agenda", "--out", "/nonexistent-echowall/a.html"}, 1, "/nonexistent-echowall/a.html"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = tu_ctl(fx.dbpath, bad[i].w[0], bad[i].w[1], bad[i].w[2], bad[i].w[3], bad[i].w[4],
                   NULL);
        if (r.status != bad[i].status || !strstr(r.err, bad[i].needle))
            print_error("case %zu: exit %d, %s", i, r.status, r.err);
        assert_int_equal(r.status, bad[i].status);
        has(r.err, bad[i].needle, "the message");
        assert_non_null(strchr(r.err, '\n'));
        assert_int_equal(strchr(r.err, '\n')[1], 0); /* one line */
        tu_ctl_free(&r);
    }
    free(out);
}

/* Headless Chromium prints the page; pdftotext reads it back. */
static void test_print(void **state)
{
    (void)state;
    if (system("command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1")) {
        fprintf(stderr, "chromium or pdftotext is not installed (Debian packages chromium, "
                        "poppler-utils): the printing check is SKIPPED\n");
        skip();
    }
    char *page = tu_path(fx.dir, "print.html"), *pdf = tu_path(fx.dir, "print.pdf"),
         *profile = tu_path(fx.dir, "chromium-profile"), *cmd;
    EwErr e = {0};
    ok(agenda_write(fx.db, page, NULL, &e), &e, "agenda_write");
    assert_true(asprintf(&cmd,
                         "timeout 90 chromium --headless --disable-gpu --no-sandbox "
                         "--no-first-run --user-data-dir='%s' --no-pdf-header-footer "
                         "--print-to-pdf='%s' 'file://%s' >/dev/null 2>&1",
                         profile, pdf, page) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    int n = 0;
    char **want = expected_codes(&n);
    int next = 0, pages = 0;
    for (int pg = 1; pg < 50; pg++) {
        char *txt = tu_path(fx.dir, "print.txt");
        assert_true(asprintf(&cmd, "pdftotext -q -f %d -l %d '%s' '%s'", pg, pg, pdf, txt) > 0);
        int rc = system(cmd);
        free(cmd);
        size_t len = 0;
        char *t = rc == 0 ? (char *)tu_read_file(txt, &len) : NULL;
        free(txt);
        if (!t || len == 0 || strspn(t, " \n\f") == len) { /* past the last page */
            free(t);
            break;
        }
        t = realloc(t, len + 1);
        t[len] = 0;
        pages++;
        if (pg == 1)
            has(t, "橙色诉求议程", "page 1 of the PDF");
        /* Each item on this page: its code, and its box for the decision
         * after it on the same page. */
        int here = 0;
        const char *p = t;
        while (next < n && (p = strstr(p, want[next]))) {
            p += strlen(want[next]);
            next++;
            here++;
        }
        int boxes = 0;
        for (const char *q = t; (q = strstr(q, "会议议定")); q++)
            boxes++;
        if (boxes != here)
            print_error("page %d holds %d codes but %d decision boxes: an item is split\n%s\n",
                        pg, here, boxes, t);
        assert_int_equal(boxes, here);
        free(t);
    }
    fprintf(stderr, "the agenda of %d items printed on %d A4 pages\n", n, pages);
    assert_int_equal(next, n);
    assert_true(pages >= 2);
    for (int k = 0; k < n; k++)
        free(want[k]);
    free(want);
    free(page);
    free(pdf);
    free(profile);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items), cmocka_unit_test(test_empty), cmocka_unit_test(test_file),
        cmocka_unit_test(test_cli),   cmocka_unit_test(test_print),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
