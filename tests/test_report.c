/*
 * test_report.c: the town's report (src/core/report.c).
 *
 * The demo town (seen from the office, on 2025-06-01), with two appeals
 * that carry a private phone number and one whose text is made to trip up
 * CSV (a leading '=', commas, quotes, a line break, a trailing space), is
 * written once as a workbook and once as CSV. Then:
 *
 *  - report_figures agrees with the figures computed here with plain SQL;
 *  - the CSV has a BOM, the ledger's 13 columns exactly as ledger_export
 *    writes them (same headers, same cells for every appeal) and the
 *    report's own three columns as the database has them; the text that
 *    starts with '=' is written with an apostrophe (no formula for Excel)
 *    and reads back as typed;
 *  - the workbook's XML (unzip) holds no phone number and no sealed
 *    contact, has its five charts, and every table sheet a frozen pane;
 *  - LibreOffice (headless, converting once, every sheet to its own CSV,
 *    text cells quoted so that a date or number shows unquoted) reads
 *    every sheet: the ledger sheet equals the CSV cell for cell with its
 *    dates and day counts as numbers, the figures by branch and by unit
 *    match the SQL, the evaluation sheet matches eval_round's JSON with
 *    its warning list, the chart tables match the counts;
 *  - a path of another kind, an unwritable folder and an empty town.
 *
 * Without `libreoffice` (or `unzip`) on PATH those parts are skipped and
 * say so; image/debian-packages.txt installs both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "csv.h"
#include "db.h"
#include "domain.h"
#include "evalres.h"
#include "ledger.h"
#include "report.h"
#include "testutil.h"

#define TODAY "2025-06-01"
#define ROUND "2025Q2"
#define PHONE1 "13912345678"
#define PHONE2 "+86 138-0000-4321"
#define AWKWARD "=SUM(1,2) \"路灯\"坏了，\n第二行 "

/* Built once for all the tests. */
typedef struct Fixture {
    char *dir;
    char *dbpath;
    sqlite3 *db;   /* the demo town, office view */
    char *xlsx;    /* dir/town.xlsx */
    char *csv;     /* dir/town.csv */
    char *ledger;  /* dir/ledger.csv, ledger_export's */
    char *awkward; /* the code of the appeal with the awkward text */
    int64_t today;
} Fixture;

static Fixture fx;

static char *ctl_code(const char *hall, const char *text, const char *contact)
{
    CtlRun r = tu_ctl(fx.dbpath, "appeal", "add", "--hall", hall, "--category", "路灯", "--text",
                      text, "--contact", contact, NULL);
    if (r.status)
        print_error("appeal add: %s\n", r.err);
    assert_int_equal(r.status, 0);
    char *nl = strchr(r.out, '\n');
    if (nl)
        *nl = 0;
    char *code = strdup(r.out);
    tu_ctl_free(&r);
    return code;
}

static int setup(void **state)
{
    (void)state;
    tu_pin_day(TODAY);
    assert_int_equal(clock_parse_day(TODAY, &fx.today), 0);
    fx.dir = tu_tmpdir();
    fx.dbpath = tu_path(fx.dir, "town.db");
    fx.db = tu_demo_db(fx.dir, "town.db", 1, NULL, fx.today);
    free(ctl_code("H01", "门口的路灯不亮了，晚上看不见路", PHONE1));
    fx.awkward = ctl_code("H02", AWKWARD, PHONE2);
    fx.xlsx = tu_path(fx.dir, "town.xlsx");
    fx.csv = tu_path(fx.dir, "town.csv");
    fx.ledger = tu_path(fx.dir, "ledger.csv");

    EwErr e = {0};
    int64_t t0 = clock_mono_ms();
    int rc = report_town(fx.db, fx.xlsx, &e);
    int64_t t1 = clock_mono_ms();
    if (rc)
        print_error("report_town: %s\n", e.msg);
    assert_int_equal(rc, EW_OK);
    size_t len = 0;
    free(tu_read_file(fx.xlsx, &len));
    print_message("report_town: the demo town's workbook in %lld ms, %zu bytes\n",
                  (long long)(t1 - t0), len);
    rc = report_town(fx.db, fx.csv, &e);
    if (rc)
        print_error("report_town csv: %s\n", e.msg);
    assert_int_equal(rc, EW_OK);
    int n = 0;
    assert_int_equal(ledger_export(fx.db, fx.ledger, &n, &e), EW_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(fx.db);
    tu_rmdir(fx.dir);
    free(fx.dir);
    free(fx.dbpath);
    free(fx.xlsx);
    free(fx.csv);
    free(fx.ledger);
    free(fx.awkward);
    clock_set_fixed(0);
    return 0;
}

/* ---- figures computed here, with SQL ---- */

/* One branch's or unit's figures as the test counts them. */
typedef struct Fig {
    char key[40], name[200];
    int64_t received, solved, open, overdue, on_time, due;
    double median; /* NAN when none solved */
} Fig;

static double sql_median(const char *where, const char *key)
{
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT solved_day - created_day FROM appeals a WHERE status='solved' AND %s "
             "ORDER BY 1", where);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx.db, sql, -1, &st, NULL), SQLITE_OK);
    if (key)
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int64_t v[4096];
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < 4096)
        v[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!n)
        return NAN;
    return n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* Figures per group: by branch (units 0) or by unit; the last one is the
 * total. Returns the count (caller frees *out). */
static size_t sql_figures(int units, Fig **out)
{
    static const char cols[] =
        "count(a.code), coalesce(sum(a.status='solved'),0), coalesce(sum(a.status<>'solved'),0), "
        "coalesce(sum(a.status<>'solved' AND a.due_day < ?1),0), "
        "coalesce(sum(a.status='solved' AND a.due_day IS NOT NULL AND a.solved_day <= a.due_day),0), "
        "coalesce(sum(a.due_day IS NOT NULL AND (a.status='solved' OR a.due_day < ?1)),0)";
    char sql[1200];
    if (units)
        snprintf(sql, sizeof sql,
                 "SELECT u.id, u.name, %s FROM units u LEFT JOIN appeals a ON a.unit=u.id "
                 "GROUP BY u.id UNION ALL "
                 "SELECT NULL, '（未指派单位）', %s FROM appeals a WHERE a.unit IS NULL "
                 "HAVING count(*) > 0 UNION ALL SELECT 'total', '合计', %s FROM appeals a",
                 cols, cols, cols);
    else
        snprintf(sql, sizeof sql,
                 "SELECT b.code, b.name, %s FROM branches b LEFT JOIN appeals a ON a.hall=b.code "
                 "GROUP BY b.code UNION ALL SELECT 'total', '合计', %s FROM appeals a",
                 cols, cols);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(fx.db, sql, -1, &st, NULL);
    if (rc)
        print_error("%s\n", sqlite3_errmsg(fx.db));
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_bind_int64(st, 1, fx.today);
    Fig *f = NULL;
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        f = realloc(f, (n + 1) * sizeof *f);
        Fig *g = &f[n++];
        const char *key = (const char *)sqlite3_column_text(st, 0);
        snprintf(g->key, sizeof g->key, "%s", key ? key : "");
        snprintf(g->name, sizeof g->name, "%s", sqlite3_column_text(st, 1));
        int64_t *v[] = {&g->received, &g->solved, &g->open, &g->overdue, &g->on_time, &g->due};
        for (int k = 0; k < 6; k++)
            *v[k] = sqlite3_column_int64(st, 2 + k);
        if (!key)
            g->median = sql_median("a.unit IS NULL", NULL);
        else if (!strcmp(key, "total"))
            g->median = sql_median("1", NULL);
        else
            g->median = sql_median(units ? "a.unit = ?" : "a.hall = ?", key);
    }
    sqlite3_finalize(st);
    *out = f;
    return n;
}

static void check_fig_json(const Fig *f, json_t *o)
{
    static const char *const keys[] = {"received", "solved", "open", "overdue", "on_time", "due"};
    const int64_t v[] = {f->received, f->solved, f->open, f->overdue, f->on_time, f->due};
    for (int k = 0; k < 6; k++) {
        if (json_integer_value(json_object_get(o, keys[k])) != v[k])
            print_error("%s %s: %s %lld, expected %lld\n", f->key, f->name, keys[k],
                        (long long)json_integer_value(json_object_get(o, keys[k])),
                        (long long)v[k]);
        assert_int_equal(json_integer_value(json_object_get(o, keys[k])), v[k]);
    }
    json_t *rate = json_object_get(o, "on_time_rate"), *median = json_object_get(o, "median_days");
    if (f->due)
        assert_true(fabs(json_number_value(rate) - (double)f->on_time / (double)f->due) < 1e-12);
    else
        assert_true(json_is_null(rate));
    if (isnan(f->median))
        assert_true(json_is_null(median));
    else
        assert_true(fabs(json_number_value(median) - f->median) < 1e-12);
}

static void test_figures(void **state)
{
    (void)state;
    json_t *o = NULL;
    EwErr e = {0};
    assert_int_equal(report_figures(fx.db, &o, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(o, "today")), TODAY);
    for (int units = 0; units < 2; units++) {
        Fig *f;
        size_t n = sql_figures(units, &f);
        json_t *list = json_object_get(o, units ? "by_unit" : "by_branch");
        assert_int_equal(json_array_size(list) + 1, n);
        assert_int_equal(n, units ? 23 + 1 + 1 : 38 + 1); /* the demo has unassigned appeals */
        for (size_t i = 0; i + 1 < n; i++) {
            json_t *g = json_array_get(list, i);
            const char *key = json_string_value(json_object_get(g, units ? "unit" : "hall"));
            assert_string_equal(key ? key : "", f[i].key);
            assert_string_equal(json_string_value(json_object_get(g, "name")), f[i].name);
            check_fig_json(&f[i], g);
        }
        check_fig_json(&f[n - 1], json_object_get(o, "total"));
        assert_int_equal(f[n - 1].received, 185);
        free(f);
    }
    json_decref(o);
}

/* ---- the CSV ---- */

/* The row of table t whose first cell is code, or -1. */
static long find_row(const CsvTable *t, const char *code)
{
    for (size_t r = 1; r < t->nrows; r++)
        if (t->ncols[r] && !strcmp(t->cells[r][0], code))
            return (long)r;
    return -1;
}

static char *sql_text(const char *sql, const char *arg)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx.db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    char *s = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        s = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return s ? s : strdup("");
}

/* The report's own columns (办结日期 满意度 超期天数) of an appeal, from SQL. */
static void sql_extra(const char *code, char solved[11], char sat[16], char overdue[24])
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx.db,
                                        "SELECT solved_day, rating, status, due_day FROM appeals "
                                        "WHERE code=?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    solved[0] = sat[0] = overdue[0] = 0;
    if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        clock_format_day(sqlite3_column_int64(st, 0), solved);
    const char *r = (const char *)sqlite3_column_text(st, 1);
    snprintf(sat, 16, "%s", !r ? "" : !strcmp(r, "satisfied") ? "满意" : "不满意");
    if (strcmp((const char *)sqlite3_column_text(st, 2), "solved") &&
        sqlite3_column_type(st, 3) != SQLITE_NULL && sqlite3_column_int64(st, 3) < fx.today)
        snprintf(overdue, 24, "%lld", (long long)(fx.today - sqlite3_column_int64(st, 3)));
    sqlite3_finalize(st);
}

/* A whole file as a NUL-terminated string (malloc'd), NULL when
 * unreadable; *len its length when len is not NULL. */
static char *read_text(const char *path, size_t *len)
{
    size_t n = 0;
    unsigned char *raw = tu_read_file(path, &n);
    if (!raw)
        return NULL;
    raw = realloc(raw, n + 1);
    raw[n] = 0;
    if (len)
        *len = n;
    return (char *)raw;
}

static const char *const HEAD[] = {"编号", "支部", "日期", "诉求内容", "类别", "等级",
                                   "包联党员", "责任领导", "责任单位", "时限", "进度",
                                   "办理结果", "状态", "办结日期", "满意度", "超期天数"};

static void test_csv(void **state)
{
    (void)state;
    size_t len = 0;
    char *raw = read_text(fx.csv, &len);
    assert_non_null(raw);
    assert_true(len > 3 && !memcmp(raw, "\xEF\xBB\xBF", 3));
    /* The text that starts with '=' is guarded by an apostrophe (Excel would
     * run it); it reads back as typed (below). */
    assert_non_null(strstr(raw, ",\"'=SUM(1,2) \"\"路灯\"\"坏了"));
    assert_null(strstr(raw, ",\"=SUM"));
    assert_null(strstr(raw, PHONE1));
    assert_null(strstr(raw, "0000-4321"));
    free(raw);

    CsvTable t = {0}, l = {0};
    char msg[200];
    assert_int_equal(csv_read_file(fx.csv, &t, msg, sizeof msg), 0);
    assert_int_equal(csv_read_file(fx.ledger, &l, msg, sizeof msg), 0);
    int64_t appeals = 0;
    db_int(fx.db, NULL, &appeals, 0, "SELECT count(*) FROM appeals", NULL);
    assert_int_equal(appeals, 185);
    assert_int_equal(t.nrows, (size_t)appeals + 1);
    assert_int_equal(l.nrows, t.nrows);
    /* The headers: the ledger's 13, then the report's 3. */
    assert_int_equal(t.ncols[0], 16);
    assert_int_equal(l.ncols[0], 13);
    for (size_t c = 0; c < 16; c++)
        assert_string_equal(t.cells[0][c], HEAD[c]);
    for (size_t c = 0; c < 13; c++)
        assert_string_equal(t.cells[0][c], l.cells[0][c]);
    /* Every appeal: ledger_export's cells, then SQL's. */
    for (size_t r = 1; r < t.nrows; r++) {
        assert_int_equal(t.ncols[r], 16);
        long lr = find_row(&l, t.cells[r][0]);
        assert_true(lr > 0);
        for (size_t c = 0; c < 13; c++) {
            if (strcmp(t.cells[r][c], l.cells[lr][c]))
                print_error("%s %s: '%s', the ledger has '%s'\n", t.cells[r][0], HEAD[c],
                            t.cells[r][c], l.cells[lr][c]);
            assert_string_equal(t.cells[r][c], l.cells[lr][c]);
        }
        char solved[11], sat[16], overdue[24];
        sql_extra(t.cells[r][0], solved, sat, overdue);
        assert_string_equal(t.cells[r][13], solved);
        assert_string_equal(t.cells[r][14], sat);
        assert_string_equal(t.cells[r][15], overdue);
    }
    long aw = find_row(&t, fx.awkward);
    assert_true(aw > 0);
    assert_string_equal(t.cells[aw][3], AWKWARD);
    csv_table_free(&t);
    csv_table_free(&l);
}

/* ---- the workbook's XML ---- */

static int have(const char *prog)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

/* The output of a shell command (malloc'd). */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 4096)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = 0;
    assert_int_equal(pclose(p), 0);
    return buf;
}

static void test_xlsx_xml(void **state)
{
    (void)state;
    if (!have("unzip")) {
        print_message("SKIPPED: unzip is not installed (Debian package unzip)\n");
        skip();
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "unzip -p '%s'", fx.xlsx);
    char *all = run(cmd);
    /* The contact: neither the number nor its sealed box. */
    assert_null(strstr(all, PHONE1));
    assert_null(strstr(all, "138-0000-4321"));
    assert_null(strstr(all, "13800004321"));
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx.db, "SELECT contact_hash FROM appeals WHERE "
                                        "contact_hash IS NOT NULL", -1, &st, NULL), SQLITE_OK);
    int sealed = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        assert_null(strstr(all, (const char *)sqlite3_column_text(st, 0)));
        sealed++;
    }
    sqlite3_finalize(st);
    assert_int_equal(sealed, 2);
    free(all);
    /* Five charts, and the table sheets' frozen panes. */
    snprintf(cmd, sizeof cmd, "unzip -l '%s'", fx.xlsx);
    char *list = run(cmd);
    for (int i = 1; i <= 5; i++) {
        char name[40];
        snprintf(name, sizeof name, "xl/charts/chart%d.xml", i);
        assert_non_null(strstr(list, name));
    }
    assert_null(strstr(list, "xl/charts/chart6.xml"));
    free(list);
    for (int i = 1; i <= 4; i++) {
        snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet%d.xml", fx.xlsx, i);
        char *xml = run(cmd);
        assert_non_null(strstr(xml, "state=\"frozen\""));
        assert_non_null(strstr(xml, "<cols>"));
        free(xml);
    }
}

/* ---- LibreOffice reading every sheet ---- */

/* A CSV as LibreOffice writes it, keeping whether each cell was quoted
 * (with "quote all text cells" a number or date is the one unquoted). */
typedef struct QCell {
    char *s;
    int quoted;
} QCell;
typedef struct QRow {
    QCell *c;
    size_t n;
} QRow;
typedef struct QSheet {
    QRow *r;
    size_t n;
} QSheet;

static QSheet qread(const char *path)
{
    size_t len = 0;
    char *raw = (char *)tu_read_file(path, &len);
    if (!raw)
        print_error("LibreOffice wrote no %s\n", path);
    assert_non_null(raw);
    QSheet q = {0};
    size_t i = 0;
    if (len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3))
        i = 3;
    QRow row = {0};
    while (i < len) {
        char *cell = malloc(len + 1);
        size_t k = 0;
        int quoted = raw[i] == '"';
        if (quoted) {
            for (i++; i < len; i++) {
                if (raw[i] == '"' && i + 1 < len && raw[i + 1] == '"')
                    cell[k++] = raw[i++];
                else if (raw[i] == '"')
                    break;
                else
                    cell[k++] = raw[i];
            }
            i++; /* the closing quote */
        } else {
            while (i < len && raw[i] != ',' && raw[i] != '\n' && raw[i] != '\r')
                cell[k++] = raw[i++];
        }
        cell[k] = 0;
        row.c = realloc(row.c, (row.n + 1) * sizeof *row.c);
        row.c[row.n++] = (QCell){cell, quoted};
        if (i < len && raw[i] == ',') {
            i++;
            continue;
        }
        if (i < len && raw[i] == '\r')
            i++;
        if (i < len && raw[i] == '\n')
            i++;
        q.r = realloc(q.r, (q.n + 1) * sizeof *q.r);
        q.r[q.n++] = row;
        row = (QRow){0};
    }
    if (row.n) {
        q.r = realloc(q.r, (q.n + 1) * sizeof *q.r);
        q.r[q.n++] = row;
    }
    free(raw);
    return q;
}

static void qfree(QSheet *q)
{
    for (size_t r = 0; r < q->n; r++) {
        for (size_t c = 0; c < q->r[r].n; c++)
            free(q->r[r].c[c].s);
        free(q->r[r].c);
    }
    free(q->r);
}

static const char *qcell(const QSheet *q, size_t r, size_t c)
{
    return r < q->n && c < q->r[r].n ? q->r[r].c[c].s : "";
}

/* A cell that must be a number (unquoted) equal to v. */
static void qint(const QSheet *q, size_t r, size_t c, int64_t v)
{
    char want[24];
    snprintf(want, sizeof want, "%lld", (long long)v);
    if (strcmp(qcell(q, r, c), want) || q->r[r].c[c].quoted)
        print_error("row %zu col %zu: '%s'%s, expected the number %s\n", r, c, qcell(q, r, c),
                    r < q->n && c < q->r[r].n && q->r[r].c[c].quoted ? " (text)" : "", want);
    assert_string_equal(qcell(q, r, c), want);
    assert_false(q->r[r].c[c].quoted);
}

/* A percentage cell ("85.7%", unquoted) within rounding of rate; empty
 * when rate is NAN. */
static void qrate(const QSheet *q, size_t r, size_t c, double rate)
{
    const char *s = qcell(q, r, c);
    if (isnan(rate)) {
        assert_string_equal(s, "");
        return;
    }
    size_t n = strlen(s);
    assert_true(n > 1 && s[n - 1] == '%');
    assert_false(q->r[r].c[c].quoted);
    double shown = strtod(s, NULL);
    if (fabs(shown - 100 * rate) > 0.05 + 1e-9)
        print_error("row %zu col %zu: %s, expected %.4f%%\n", r, c, s, 100 * rate);
    assert_true(fabs(shown - 100 * rate) <= 0.05 + 1e-9);
}

static char *sheet_path(const char *outdir, const char *sheet)
{
    char name[200];
    snprintf(name, sizeof name, "town-%s.csv", sheet);
    return tu_path(outdir, name);
}

static void check_ledger_sheet(const QSheet *q)
{
    CsvTable t = {0};
    char msg[200];
    assert_int_equal(csv_read_file(fx.csv, &t, msg, sizeof msg), 0);
    assert_int_equal(q->n, t.nrows);
    for (size_t r = 0; r < t.nrows; r++) {
        assert_int_equal(q->r[r].n, 16);
        for (size_t c = 0; c < 16; c++) {
            if (strcmp(qcell(q, r, c), t.cells[r][c]))
                print_error("民情台账 row %zu %s: LibreOffice reads '%s', the CSV has '%s'\n", r,
                            HEAD[c], qcell(q, r, c), t.cells[r][c]);
            assert_string_equal(qcell(q, r, c), t.cells[r][c]);
            int number = r > 0 && (c == 2 || c == 9 || c == 13 || c == 15);
            /* A date or a day count is a number; everything else text. */
            if (*t.cells[r][c])
                assert_int_equal(q->r[r].c[c].quoted, !number);
        }
    }
    csv_table_free(&t);
    /* And against the database, directly: code, branch, date, grade. */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx.db,
                                        "SELECT a.code, b.name, a.created_day, a.grade, a.due_day "
                                        "FROM appeals a JOIN branches b ON b.code=a.hall",
                                        -1, &st, NULL), SQLITE_OK);
    size_t seen = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        size_t r = 1;
        while (r < q->n && strcmp(qcell(q, r, 0), code))
            r++;
        assert_true(r < q->n);
        assert_string_equal(qcell(q, r, 1), sqlite3_column_text(st, 1));
        char day[11];
        clock_format_day(sqlite3_column_int64(st, 2), day);
        assert_string_equal(qcell(q, r, 2), day);
        const Term *g = domain_find(DOMAIN_GRADES, (const char *)sqlite3_column_text(st, 3));
        assert_string_equal(qcell(q, r, 5), g ? g->zh : "");
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            clock_format_day(sqlite3_column_int64(st, 4), day);
            assert_string_equal(qcell(q, r, 9), day);
        } else {
            assert_string_equal(qcell(q, r, 9), "");
        }
        seen++;
    }
    sqlite3_finalize(st);
    assert_int_equal(seen, q->n - 1);
}

static void check_figures_sheet(const QSheet *q, int units)
{
    Fig *f;
    size_t n = sql_figures(units, &f);
    int first = units ? 1 : 2;
    assert_string_equal(qcell(q, 0, (size_t)first - 1), units ? "责任单位" : "支部");
    assert_string_equal(qcell(q, 0, (size_t)first + 4), "按期办结率");
    for (size_t i = 0; i < n; i++) {
        size_t r = i + 1;
        if (i + 1 == n) {
            assert_string_equal(qcell(q, r, 0), "合计");
        } else {
            if (!units)
                assert_string_equal(qcell(q, r, 0), f[i].key);
            assert_string_equal(qcell(q, r, (size_t)first - 1), f[i].name);
        }
        const int64_t v[] = {f[i].received, f[i].solved, f[i].open, f[i].overdue};
        for (int k = 0; k < 4; k++)
            qint(q, r, (size_t)(first + k), v[k]);
        qrate(q, r, (size_t)first + 4, f[i].due ? (double)f[i].on_time / (double)f[i].due : NAN);
        const char *median = qcell(q, r, (size_t)first + 5);
        if (isnan(f[i].median)) {
            assert_string_equal(median, "");
        } else {
            assert_false(q->r[r].c[first + 5].quoted);
            assert_true(fabs(strtod(median, NULL) - f[i].median) < 1e-9);
        }
    }
    free(f);
}

static void check_eval_sheet(const QSheet *q)
{
    json_t *res = NULL;
    EwErr e = {0};
    assert_int_equal(eval_round(fx.db, ROUND, EVAL_MIN_RATINGS, &res, &e), EW_OK);
    assert_true(json_array_size(res) > 10);
    assert_non_null(strstr(qcell(q, 0, 0), ROUND));
    assert_string_equal(qcell(q, 1, 1), "评议对象");
    size_t i, warned = 0;
    json_t *x;
    json_array_foreach(res, i, x) {
        size_t r = i + 2;
        const char *who = json_string_value(json_object_get(x, "who"));
        const char *role = json_string_value(json_object_get(x, "role"));
        json_t *rank = json_object_get(x, "rank");
        if (json_is_integer(rank))
            qint(q, r, 0, json_integer_value(rank));
        else
            assert_string_equal(qcell(q, r, 0), "");
        assert_string_equal(qcell(q, r, 1), json_string_value(json_object_get(x, "name")));
        const Term *t = domain_find(DOMAIN_ROLES, role);
        assert_string_equal(qcell(q, r, 2), !strcmp(role, "branch") ? "支部" : t->zh);
        char *branch = !strncmp(who, "branch:", 7)
                           ? sql_text("SELECT name FROM branches WHERE code=?", who + 7)
                           : sql_text("SELECT b.name FROM people p JOIN branches b ON "
                                      "b.code=p.branch WHERE p.id=?", who);
        assert_string_equal(qcell(q, r, 3), branch);
        free(branch);
        for (int k = 0; k < 5; k++)
            qint(q, r, 4 + (size_t)k,
                 json_integer_value(json_object_get(json_object_get(x, "counts"),
                                                    DOMAIN_RATINGS[k].key)));
        qint(q, r, 9, json_integer_value(json_object_get(x, "ballots")));
        json_t *rate = json_object_get(x, "excellence_rate");
        qrate(q, r, 10, json_is_number(rate) ? json_number_value(rate) : NAN);
        int warn = json_is_true(json_object_get(x, "warning"));
        assert_string_equal(qcell(q, r, 11), warn ? "预警" : "");
        warned += warn;
    }
    assert_true(warned >= 1); /* the demo's round has a bottom 20 % */
    /* The warning list: its title, its header, one row per warning. */
    size_t r = json_array_size(res) + 2;
    while (r < q->n && strncmp(qcell(q, r, 0), "末位", 6))
        r++;
    assert_true(r < q->n);
    assert_string_equal(qcell(q, r + 1, 1), "姓名");
    r += 2;
    json_array_foreach(res, i, x) {
        if (!json_is_true(json_object_get(x, "warning")))
            continue;
        assert_string_equal(qcell(q, r, 1), json_string_value(json_object_get(x, "name")));
        qint(q, r, 0, json_integer_value(json_object_get(x, "rank")));
        qrate(q, r, 3, json_number_value(json_object_get(x, "excellence_rate")));
        r++;
    }
    assert_string_equal(qcell(q, r, 1), "");
    json_decref(res);
}

/* The row of q whose first cell is s, from row `from`. */
static size_t qfind(const QSheet *q, size_t from, const char *s)
{
    while (from < q->n && strcmp(qcell(q, from, 0), s))
        from++;
    assert_true(from < q->n);
    return from;
}

static void check_chart_sheet(const QSheet *q)
{
    size_t r = qfind(q, 0, "诉求按等级") + 2;
    for (int g = 0; g < 4; g++, r++) {
        int64_t n = 0;
        if (g < 3)
            db_int(fx.db, NULL, &n, 0, "SELECT count(*) FROM appeals WHERE grade=?", "t",
                   DOMAIN_GRADES[g].key);
        else
            db_int(fx.db, NULL, &n, 0, "SELECT count(*) FROM appeals WHERE grade IS NULL", NULL);
        assert_string_equal(qcell(q, r, 0), g < 3 ? DOMAIN_GRADES[g].zh : "未定级");
        qint(q, r, 1, n);
    }
    r = qfind(q, r, "诉求按状态") + 2;
    for (int k = 0; DOMAIN_STATUSES[k].key; k++, r++) {
        int64_t n = 0;
        db_int(fx.db, NULL, &n, 0, "SELECT count(*) FROM appeals WHERE status=?", "t",
               DOMAIN_STATUSES[k].key);
        assert_string_equal(qcell(q, r, 0), DOMAIN_STATUSES[k].zh);
        qint(q, r, 1, n);
    }
    /* Per month: every appeal counted once. */
    r = qfind(q, r, "各月受理诉求（按等级）") + 2;
    int64_t sum = 0;
    for (; r < q->n && *qcell(q, r, 0); r++)
        for (size_t c = 1; c <= 4; c++)
            sum += strtoll(qcell(q, r, c), NULL, 10);
    assert_int_equal(sum, 185);
    qfind(q, r, "各责任单位按期办结率");
    qfind(q, r, "各支部优秀率（" ROUND "）");
}

static void test_libreoffice(void **state)
{
    (void)state;
    if (!have("libreoffice")) {
        print_message("SKIPPED: libreoffice is not installed (Debian package "
                      "libreoffice-calc-nogui): the workbook was not read back\n");
        skip();
    }
    char *outdir = tu_path(fx.dir, "lo");
    char cmd[2000];
    /* Every sheet to its own CSV (token 12: -1), UTF-8 (76), text cells
     * quoted (token 7) so that numbers and dates show unquoted, cells as
     * shown (token 9), in en-US (1033); a profile of its own. */
    snprintf(cmd, sizeof cmd,
             "libreoffice -env:UserInstallation=file://%s/profile --headless --convert-to "
             "'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,true,false,false,-1' "
             "--outdir '%s' '%s' >'%s/log' 2>&1",
             outdir, outdir, fx.xlsx, fx.dir);
    int64_t t0 = clock_mono_ms();
    int rc = system(cmd);
    print_message("LibreOffice converted the workbook in %lld ms\n",
                  (long long)(clock_mono_ms() - t0));
    if (rc) {
        char *log = tu_path(fx.dir, "log");
        char *text = read_text(log, NULL);
        print_error("libreoffice failed (%d): %s\n", rc, text ? text : "");
        free(text);
        free(log);
    }
    assert_int_equal(rc, 0);
    static const char *const sheets[] = {"民情台账", "分村统计", "分单位统计", "评议结果", "图表"};
    QSheet q[5];
    for (int i = 0; i < 5; i++) {
        char *p = sheet_path(outdir, sheets[i]);
        q[i] = qread(p);
        char *text = read_text(p, NULL);
        assert_null(strstr(text, PHONE1));
        assert_null(strstr(text, "0000-4321"));
        assert_null(strstr(text, "13800004321"));
        free(text);
        free(p);
    }
    check_ledger_sheet(&q[0]);
    check_figures_sheet(&q[1], 0);
    check_figures_sheet(&q[2], 1);
    check_eval_sheet(&q[3]);
    check_chart_sheet(&q[4]);
    for (int i = 0; i < 5; i++)
        qfree(&q[i]);
    free(outdir);
}

/* ---- failures and the empty town ---- */

static void test_bad_paths(void **state)
{
    (void)state;
    EwErr e = {0};
    char *txt = tu_path(fx.dir, "town.txt");
    assert_int_equal(report_town(fx.db, txt, &e), EW_EINPUT);
    assert_non_null(strstr(e.msg, ".xlsx"));
    assert_int_equal(access(txt, F_OK), -1);
    free(txt);
    assert_int_equal(report_town(fx.db, "xlsx", &e), EW_EINPUT);
    static const char *const names[] = {"none/town.xlsx", "none/town.CSV"};
    for (int i = 0; i < 2; i++) {
        char *p = tu_path(fx.dir, names[i]);
        e = (EwErr){0};
        assert_int_equal(report_town(fx.db, p, &e), EW_EIO);
        assert_non_null(strstr(e.msg, "cannot write"));
        char *tmp = tu_suffixed(p, ".tmp");
        assert_int_equal(access(tmp, F_OK), -1);
        free(tmp);
        free(p);
    }
    /* A failed write leaves the earlier file whole. */
    char *sub = tu_path(fx.dir, "ro");
    char *p = tu_path(sub, "town.xlsx");
    char mk[600];
    snprintf(mk, sizeof mk, "mkdir -p '%s' && cp '%s' '%s' && mkdir '%s.tmp'", sub, fx.xlsx, p, p);
    assert_int_equal(system(mk), 0);
    e = (EwErr){0};
    assert_int_equal(report_town(fx.db, p, &e), EW_EIO);
    assert_true(tu_same_file(p, fx.xlsx));
    free(p);
    free(sub);
}

static void test_empty_town(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "empty.db");
    sqlite3 *db;
    EwErr e = {0};
    assert_int_equal(db_open(path, 1, &db, &e), EW_OK);
    char *xlsx = tu_path(dir, "empty.xlsx"), *csv = tu_path(dir, "empty.csv");
    int rc = report_town(db, xlsx, &e);
    if (rc)
        print_error("report_town: %s\n", e.msg);
    assert_int_equal(rc, EW_OK);
    assert_int_equal(report_town(db, csv, &e), EW_OK);
    size_t len = 0;
    char *text = read_text(csv, &len);
    assert_non_null(text);
    assert_true(len > 3 && !memcmp(text, "\xEF\xBB\xBF编号,", 3 + strlen("编号,")));
    assert_int_equal(strchr(text, '\n') - text, (long)len - 1); /* the header alone */
    free(text);
    json_t *f = NULL;
    assert_int_equal(report_figures(db, &f, &e), EW_OK);
    assert_int_equal(json_array_size(json_object_get(f, "by_branch")), 0);
    assert_int_equal(json_array_size(json_object_get(f, "by_unit")), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "total"), "received")), 0);
    assert_true(json_is_null(json_object_get(json_object_get(f, "total"), "on_time_rate")));
    json_decref(f);
    db_close(db);
    tu_rmdir(dir);
    free(dir);
    free(path);
    free(xlsx);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),   cmocka_unit_test(test_csv),
        cmocka_unit_test(test_xlsx_xml),  cmocka_unit_test(test_libreoffice),
        cmocka_unit_test(test_bad_paths), cmocka_unit_test(test_empty_town),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
