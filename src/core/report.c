/*
 * report.c: the town's report workbook and its CSV (see report.h).
 *
 * Everything is read first, inside one savepoint (one snapshot of the
 * database), into a Town: the appeals through view_appeals_each (as the
 * ledger's rows), the roster, view_stats, the figures by branch and unit
 * and eval_round of the current quarter. The writers then only format:
 * write_csv the ledger sheet, write_xlsx every sheet with libxlsxwriter
 * (opened at the first workbook: xlsx.h).
 */
#include "report.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "csv.h"
#include "db.h"
#include "domain.h"
#include "evalres.h"
#include "roster.h"
#include "view.h"
#include "xlsx.h" /* libxlsxwriter, opened at the first workbook */

/* ---- the ledger sheet's columns ---- */

enum Col { C_CODE, C_BRANCH, C_DATE, C_TEXT, C_CAT, C_GRADE, C_MEMBER, C_LEADER, C_UNIT, C_DUE,
           C_PROGRESS, C_ANSWER, C_STATUS, C_SOLVED, C_SATISFIED, C_OVERDUE, NCOLS };

enum Kind { K_TEXT, K_WRAP, K_DATE, K_NUM };

/* The first 13 are the ledger's columns (ledger.c's HEADERS, in its order:
 * test_report checks them against ledger_export's header row), so that the
 * sheet saved as CSV imports back; the rest are the report's own. */
static const struct {
    const char *head; /* Chinese header */
    enum Kind kind;   /* how the xlsx writes the cell */
} COLS[NCOLS] = {
    {"编号", K_TEXT},     {"支部", K_TEXT},       {"日期", K_DATE},     {"诉求内容", K_WRAP},
    {"类别", K_TEXT},     {"等级", K_TEXT},       {"包联党员", K_TEXT}, {"责任领导", K_TEXT},
    {"责任单位", K_TEXT}, {"时限", K_DATE},       {"进度", K_WRAP},     {"办理结果", K_WRAP},
    {"状态", K_TEXT},     {"办结日期", K_DATE},   {"满意度", K_TEXT},   {"超期天数", K_NUM},
};

/* Excel's day number of 1970-01-01 (its epoch is 1899-12-30). */
#define EXCEL_1970 25569
/* Widest a column is made, in character widths: longer text wraps. */
#define WIDTH_WRAP 40
#define WIDTH_MAX 50

/* One appeal as the ledger shows it. */
typedef struct Row {
    char *cell[NCOLS]; /* each cell as text, "" when empty (malloc'd); dates YYYY-MM-DD */
    char hall[8];      /* hall code */
    char *unit;        /* unit ID or NULL (malloc'd) */
    int grade;         /* index in DOMAIN_GRADES, -1 when not graded */
    int status;        /* index in DOMAIN_STATUSES */
    int64_t created;   /* day numbers; -1 when none */
    int64_t due;
    int64_t solved;
    int64_t overdue;   /* days past due while not solved, else 0 */
} Row;

/* What the report is made of, read in one snapshot. */
typedef struct Town {
    Row *rows;       /* the appeals, oldest first */
    size_t n, cap;
    int64_t today;   /* the device's today (CST day number) */
    char round[16];  /* the current round, "2026Q2" */
    int64_t round_from, round_to; /* its first and last day */
    json_t *stats;   /* view_stats */
    json_t *roster;  /* roster_json */
    json_t *figures; /* report_figures' object */
    json_t *eval;    /* eval_round of round */
} Town;

static char *dup_or_empty(const char *s) { return ew_xstrdup(s ? s : ""); }

static int64_t json_day(json_t *o, const char *key)
{
    int64_t d;
    const char *s = json_string_value(json_object_get(o, key));
    return s && clock_parse_day(s, &d) == 0 ? d : -1;
}

static char *day_text(int64_t day)
{
    char d[11] = "";
    if (day >= 0)
        clock_format_day(day, d);
    return ew_xstrdup(d);
}

/* The latest applied progress or reopening note of a timeline, as the
 * ledger's 进度 (ledger.c's last_note: the same steps, the same choice). */
static const char *last_note(json_t *timeline)
{
    const char *note = NULL;
    size_t i;
    json_t *e;
    json_array_foreach(timeline, i, e) {
        const char *kind = json_string_value(json_object_get(e, "kind"));
        if (kind && (!strcmp(kind, "progress") || !strcmp(kind, "reopen")) &&
            json_is_true(json_object_get(e, "applied"))) {
            const char *t = json_string_value(json_object_get(e, "text"));
            note = t ? t : "";
        }
    }
    return note;
}

/* view_appeals_each's callback: one appeal into a Row. */
static int collect(void *ctx, json_t *a)
{
    Town *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->rows = ew_xrealloc(t->rows, t->cap * sizeof *t->rows);
    }
    Row *r = &t->rows[t->n++];
    memset(r, 0, sizeof *r);
    const char *hall = json_string_value(json_object_get(a, "hall"));
    const char *hall_name = json_string_value(json_object_get(a, "hall_name"));
    const char *status = json_string_value(json_object_get(a, "status"));
    const char *grade = json_string_value(json_object_get(a, "grade"));
    const char *unit_id = json_string_value(json_object_get(a, "unit_id"));
    const char *sat = json_string_value(json_object_get(a, "satisfaction"));
    const Term *g = domain_find(DOMAIN_GRADES, grade);
    const Term *s = domain_find(DOMAIN_STATUSES, status);
    snprintf(r->hall, sizeof r->hall, "%s", hall ? hall : "");
    r->unit = unit_id ? ew_xstrdup(unit_id) : NULL;
    r->grade = g ? domain_index(DOMAIN_GRADES, g->key) : -1;
    r->status = s ? domain_index(DOMAIN_STATUSES, s->key) : -1;
    r->created = json_day(a, "created");
    r->due = json_day(a, "due");
    r->solved = json_day(a, "solved");
    r->overdue = json_integer_value(json_object_get(a, "overdue_days"));
    r->cell[C_CODE] = dup_or_empty(json_string_value(json_object_get(a, "code")));
    r->cell[C_BRANCH] = dup_or_empty(hall_name ? hall_name : hall);
    r->cell[C_DATE] = day_text(r->created);
    r->cell[C_TEXT] = dup_or_empty(json_string_value(json_object_get(a, "text")));
    r->cell[C_CAT] = dup_or_empty(json_string_value(json_object_get(a, "category_zh")));
    r->cell[C_GRADE] = dup_or_empty(g ? g->zh : NULL);
    r->cell[C_MEMBER] = dup_or_empty(json_string_value(json_object_get(a, "member")));
    r->cell[C_LEADER] = dup_or_empty(json_string_value(json_object_get(a, "leader")));
    r->cell[C_UNIT] = dup_or_empty(json_string_value(json_object_get(a, "unit")));
    r->cell[C_DUE] = day_text(r->due);
    r->cell[C_PROGRESS] = dup_or_empty(last_note(json_object_get(a, "timeline")));
    r->cell[C_ANSWER] = dup_or_empty(json_string_value(json_object_get(a, "answer")));
    r->cell[C_STATUS] = dup_or_empty(s ? s->zh : status);
    r->cell[C_SOLVED] = day_text(r->solved);
    r->cell[C_SATISFIED] = dup_or_empty(!sat                           ? NULL
                                        : !strcmp(sat, "satisfied")   ? "满意"
                                        : !strcmp(sat, "unsatisfied") ? "不满意"
                                                                      : sat);
    r->cell[C_OVERDUE] = r->overdue > 0 ? ew_xasprintf("%lld", (long long)r->overdue)
                                        : ew_xstrdup("");
    return 0;
}

static void town_free(Town *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (int c = 0; c < NCOLS; c++)
            free(t->rows[i].cell[c]);
        free(t->rows[i].unit);
    }
    free(t->rows);
    json_decref(t->stats);
    json_decref(t->roster);
    json_decref(t->figures);
    json_decref(t->eval);
    memset(t, 0, sizeof *t);
}

/* The appeals, oldest first (the view gives the newest first). */
static int load_rows(sqlite3 *db, Town *t, int timeline, EwErr *err)
{
    AppealFilter f = {.timeline = timeline};
    int rc = view_appeals_each(db, &f, collect, t, err);
    for (size_t i = 0; rc == EW_OK && i < t->n / 2; i++) {
        Row tmp = t->rows[i];
        t->rows[i] = t->rows[t->n - 1 - i];
        t->rows[t->n - 1 - i] = tmp;
    }
    return rc;
}

/* ---- figures by branch and by unit ---- */

/* One branch's or unit's figures while they are counted. */
typedef struct Group {
    const char *key;  /* hall code or unit ID (borrowed); NULL: appeals with no unit */
    const char *name; /* borrowed */
    int64_t received, solved, open, overdue, on_time, due;
    int64_t *days;    /* days from received to solved, one per solved appeal */
    size_t ndays;
} Group;

static void group_add(Group *g, const Row *r, int64_t today)
{
    int solved = r->status == domain_index(DOMAIN_STATUSES, "solved");
    g->received++;
    g->solved += solved;
    g->open += !solved;
    g->overdue += !solved && r->due >= 0 && r->due < today;
    if (r->due >= 0 && (solved || r->due < today)) {
        g->due++;
        g->on_time += solved && r->solved >= 0 && r->solved <= r->due;
    }
    if (solved && r->solved >= 0 && r->created >= 0) {
        g->days = ew_xrealloc(g->days, (g->ndays + 1) * sizeof *g->days);
        g->days[g->ndays++] = r->solved - r->created;
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The group's figures into o (frees its days). */
static void group_json(Group *g, json_t *o)
{
    json_object_set_new(o, "received", json_integer(g->received));
    json_object_set_new(o, "solved", json_integer(g->solved));
    json_object_set_new(o, "open", json_integer(g->open));
    json_object_set_new(o, "overdue", json_integer(g->overdue));
    json_object_set_new(o, "on_time", json_integer(g->on_time));
    json_object_set_new(o, "due", json_integer(g->due));
    json_object_set_new(o, "on_time_rate",
                        g->due ? json_real((double)g->on_time / (double)g->due) : json_null());
    json_t *median = json_null();
    if (g->ndays) {
        qsort(g->days, g->ndays, sizeof *g->days, cmp_i64);
        size_t m = g->ndays / 2;
        median = json_real(g->ndays % 2 ? (double)g->days[m]
                                        : (double)(g->days[m - 1] + g->days[m]) / 2.0);
    }
    json_object_set_new(o, "median_days", median);
    free(g->days);
    g->days = NULL;
}

/* The group of key among gs[0..*n), appended (named name) when absent. */
static Group *group_of(Group **gs, size_t *n, const char *key, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if ((*gs)[i].key == key || ((*gs)[i].key && key && !strcmp((*gs)[i].key, key)))
            return &(*gs)[i];
    *gs = ew_xrealloc(*gs, (*n + 1) * sizeof **gs);
    (*gs)[*n] = (Group){.key = key, .name = name};
    return &(*gs)[(*n)++];
}

/* by_branch or by_unit: every roster entry of list (key field id_key), then
 * any key only the appeals name, then the appeals with none (units). */
static json_t *figures_by(const Town *t, json_t *list, const char *id_key, int units)
{
    size_t n = 0, i;
    Group *gs = NULL;
    json_t *e;
    json_array_foreach(list, i, e)
        group_of(&gs, &n, json_string_value(json_object_get(e, id_key)),
                 json_string_value(json_object_get(e, "name")));
    for (size_t r = 0; r < t->n; r++) {
        const Row *row = &t->rows[r];
        const char *key = units ? row->unit : row->hall;
        const char *name = units ? (key ? row->cell[C_UNIT] : "（未指派单位）") : row->cell[C_BRANCH];
        group_add(group_of(&gs, &n, key, name), row, t->today);
    }
    json_t *arr = json_array();
    for (i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, units ? "unit" : "hall", gs[i].key ? json_string(gs[i].key) : json_null());
        json_object_set_new(o, "name", json_string(gs[i].name ? gs[i].name : gs[i].key));
        group_json(&gs[i], o);
        json_array_append_new(arr, o);
    }
    free(gs);
    return arr;
}

static json_t *figures(const Town *t)
{
    Group all = {0};
    for (size_t r = 0; r < t->n; r++)
        group_add(&all, &t->rows[r], t->today);
    json_t *total = json_object();
    group_json(&all, total);
    char today[11];
    clock_format_day(t->today, today);
    return json_pack("{s:s,s:o,s:o,s:o}", "today", today, "by_branch",
                     figures_by(t, json_object_get(t->roster, "branches"), "code", 0), "by_unit",
                     figures_by(t, json_object_get(t->roster, "units"), "id", 1), "total", total);
}

/* Reads the whole town into t (one snapshot); with_eval adds the stats and
 * the round's results the workbook needs. */
static int town_load(sqlite3 *db, Town *t, int timeline, int with_eval, EwErr *err)
{
    memset(t, 0, sizeof *t);
    int rc = db_exec(db, err, "SAVEPOINT report");
    if (rc)
        return rc;
    t->today = db_today(db);
    int y, m, d;
    clock_civil_from_days(t->today, &y, &m, &d);
    int q = (m - 1) / 3 + 1;
    snprintf(t->round, sizeof t->round, "%04dQ%d", y, q);
    t->round_from = clock_days_from_civil(y, 3 * q - 2, 1);
    t->round_to = (q == 4 ? clock_days_from_civil(y + 1, 1, 1)
                          : clock_days_from_civil(y, 3 * q + 1, 1)) - 1;
    rc = roster_json(db, &t->roster, err);
    if (rc == EW_OK)
        rc = load_rows(db, t, timeline, err);
    if (rc == EW_OK && with_eval) {
        rc = view_stats(db, &t->stats, err);
        if (rc == EW_OK)
            rc = eval_round(db, t->round, EVAL_MIN_RATINGS, &t->eval, err);
    }
    if (rc == EW_OK)
        t->figures = figures(t);
    db_exec(db, NULL, "RELEASE report");
    if (rc != EW_OK)
        town_free(t);
    return rc;
}

int report_figures(sqlite3 *db, json_t **out, EwErr *err)
{
    Town t;
    *out = NULL;
    int rc = town_load(db, &t, 0, 0, err);
    if (rc == EW_OK) {
        *out = json_incref(t.figures);
        town_free(&t);
    }
    return rc;
}

/* ---- writing files ---- */

/* Makes what was written to tmp durable, then renames it over path; on any
 * failure removes tmp. bad: the writer already failed. */
static int finish_file(const char *tmp, const char *path, int bad, const char *why, EwErr *err)
{
    if (!bad) {
        int fd = open(tmp, O_RDONLY);
        bad = fd < 0 || fsync(fd) != 0;
        if (fd >= 0)
            close(fd);
        why = NULL;
    }
    if (!bad && rename(tmp, path) == 0)
        return EW_OK;
    int rc = why ? ew_err(err, EW_EIO, "cannot write %s: %s", path, why)
                 : ew_err(err, EW_EIO, "cannot write %s: %m", path);
    unlink(tmp);
    return rc;
}

/* The ledger sheet as UTF-8 CSV with a BOM. */
static int write_csv(const Town *t, const char *path, EwErr *err)
{
    char *tmp = ew_xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int rc = ew_err(err, EW_EIO, "cannot write %s: %m", tmp);
        free(tmp);
        return rc;
    }
    const char *head[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        head[c] = COLS[c].head;
    int bad = fputs("\xEF\xBB\xBF", f) < 0 || csv_write_row(f, head, NCOLS) != 0;
    for (size_t i = 0; !bad && i < t->n; i++)
        bad = csv_write_row(f, (const char *const *)t->rows[i].cell, NCOLS) != 0;
    bad |= fflush(f) != 0;
    bad |= fclose(f) != 0;
    int rc = finish_file(tmp, path, bad, NULL, err);
    free(tmp);
    return rc;
}

/* -- the workbook -- */

/* How wide s shows, in character widths: its longest line, a CJK (wide)
 * character counting as two. With avail > 0, *lines is how many lines it
 * takes in a column avail wide (a line that is too long wraps). */
static double text_measure(const char *s, double avail, int *lines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    double line = 0, widest = 0;
    int count = 0;
    for (;;) {
        uint32_t cp = '\n';
        if (i < n) {
            size_t len = ew_utf8_next(p + i, n - i, &cp);
            if (!len) {
                cp = '?';
                len = 1;
            }
            i += len;
        }
        if (cp == '\n') { /* a line ends (the last one at the end of s) */
            count += avail > 0 && line > avail ? (int)((line + avail - 1) / avail) : 1;
            line = 0;
            if (i >= n)
                break;
            continue;
        }
        int wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                   (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                   (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                   (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        line += wide ? 2 : 1;
        if (line > widest)
            widest = line;
    }
    if (lines)
        *lines = count;
    return widest;
}

static double text_width(const char *s) { return text_measure(s, 0, NULL); }

enum Fmt { F_HEAD, F_TEXT, F_WRAP, F_DATE, F_NUM, F_PCT, F_RED, F_TITLE, F_BOLD, F_GREEN, F_BLUE,
           F_ORANGE, NFMTS };

#define MAXCOLS 20

/* A worksheet being written, with its widest cell per column. */
typedef struct Sheet {
    lxw_worksheet *ws;
    lxw_format **fmt;        /* the workbook's formats (borrowed) */
    double width[MAXCOLS];   /* widest cell so far, in character widths */
    int wrap[MAXCOLS];       /* the column wraps at WIDTH_WRAP */
    lxw_error bad;           /* the first error, LXW_NO_ERROR when none */
} Sheet;

static void note_err(Sheet *s, lxw_error e)
{
    if (e != LXW_NO_ERROR && s->bad == LXW_NO_ERROR)
        s->bad = e;
}

static void measure(Sheet *s, int col, double w)
{
    if (col < MAXCOLS && w > s->width[col])
        s->width[col] = w;
}

static void put_text(Sheet *s, int row, int col, const char *text, int fmt)
{
    if (text && *text)
        note_err(s, worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, text, s->fmt[fmt]));
    else
        note_err(s, worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)col, s->fmt[fmt]));
    measure(s, col, text_width(text ? text : ""));
}

/* A number; shown is how it displays (for the width). */
static void put_num(Sheet *s, int row, int col, double v, int fmt, const char *shown)
{
    note_err(s, worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, s->fmt[fmt]));
    measure(s, col, text_width(shown));
}

static void put_int(Sheet *s, int row, int col, int64_t v)
{
    char shown[24];
    snprintf(shown, sizeof shown, "%lld", (long long)v);
    put_num(s, row, col, (double)v, F_NUM, shown);
}

/* A rate 0..1 as a percentage; a JSON null as an empty cell. */
static void put_rate(Sheet *s, int row, int col, json_t *rate)
{
    if (!json_is_number(rate)) {
        put_text(s, row, col, "", F_TEXT);
        return;
    }
    char shown[16];
    snprintf(shown, sizeof shown, "%.1f%%", 100 * json_number_value(rate));
    put_num(s, row, col, json_number_value(rate), F_PCT, shown);
}

/* A day number as an Excel date; -1 as an empty cell. */
static void put_date(Sheet *s, int row, int col, int64_t day, int fmt)
{
    if (day < 0) {
        put_text(s, row, col, "", fmt);
        return;
    }
    put_num(s, row, col, (double)(day + EXCEL_1970), F_DATE, "2000-01-01");
}

/* A header row; the header is measured like the cells (bold: a little wider). */
static void put_head(Sheet *s, int row, const char *const *head, int n)
{
    for (int c = 0; c < n; c++) {
        put_text(s, row, c, head[c], F_HEAD);
        measure(s, c, text_width(head[c]) + 1);
    }
}

/* Sets each column's width to its widest cell (and a little room). */
static void sheet_widths(Sheet *s, int ncols)
{
    for (int c = 0; c < ncols && c < MAXCOLS; c++) {
        double w = s->width[c] + 2, cap = s->wrap[c] ? WIDTH_WRAP : WIDTH_MAX;
        note_err(s, worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, w > cap ? cap : w, NULL));
    }
}

static void sheet_ledger(const Town *t, Sheet *s)
{
    const char *head[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        head[c] = COLS[c].head;
        s->wrap[c] = COLS[c].kind == K_WRAP;
    }
    put_head(s, 0, head, NCOLS);
    /* The wrapping columns' widths first: a row is as tall as its longest
     * wrapped cell needs (neither Excel nor LibreOffice works that out for
     * rows written by libxlsxwriter). */
    double avail[NCOLS] = {0};
    for (int c = 0; c < NCOLS; c++) {
        if (!s->wrap[c])
            continue;
        double w = s->width[c];
        for (size_t i = 0; i < t->n; i++) {
            double x = text_width(t->rows[i].cell[c]);
            w = x > w ? x : w;
        }
        avail[c] = (w + 2 > WIDTH_WRAP ? WIDTH_WRAP : w + 2) - 1;
    }
    static const int grade_fmt[] = {F_GREEN, F_BLUE, F_ORANGE};
    for (size_t i = 0; i < t->n; i++) {
        const Row *r = &t->rows[i];
        int row = (int)i + 1, lines = 1;
        for (int c = 0; c < NCOLS; c++) {
            int k = 1;
            if (s->wrap[c])
                text_measure(r->cell[c], avail[c], &k);
            lines = k > lines ? k : lines;
        }
        if (lines > 1) /* 15 points a line; Excel's limit is 409 */
            note_err(s, worksheet_set_row(s->ws, (lxw_row_t)row, lines > 27 ? 409 : 15.0 * lines,
                                          NULL));
        for (int c = 0; c < NCOLS; c++) {
            switch (COLS[c].kind) {
            case K_DATE:
                put_date(s, row, c, c == C_DATE ? r->created : c == C_DUE ? r->due : r->solved,
                         F_TEXT);
                break;
            case K_NUM:
                if (r->overdue > 0)
                    put_num(s, row, c, (double)r->overdue, F_RED, r->cell[c]);
                else
                    put_text(s, row, c, "", F_TEXT);
                break;
            case K_WRAP:
                put_text(s, row, c, r->cell[c], F_WRAP);
                break;
            case K_TEXT:
                put_text(s, row, c, r->cell[c],
                         c == C_GRADE && r->grade >= 0 && r->grade < 3 ? grade_fmt[r->grade] : F_TEXT);
                break;
            }
        }
    }
    worksheet_freeze_panes(s->ws, 1, 0);
    if (t->n)
        note_err(s, worksheet_autofilter(s->ws, 0, 0, (lxw_row_t)t->n, NCOLS - 1));
    sheet_widths(s, NCOLS);
}

/* 分村统计 or 分单位统计 from the figures' list. */
static void sheet_figures(const Town *t, Sheet *s, int units)
{
    static const char *const branch_head[] = {"编号", "支部", "受理", "办结", "未办结", "超期",
                                              "按期办结率", "办结天数中位数"};
    static const char *const unit_head[] = {"责任单位", "受理", "办结", "未办结", "超期",
                                            "按期办结率", "办结天数中位数"};
    int first = units ? 1 : 2; /* the first column of figures */
    put_head(s, 0, units ? unit_head : branch_head, first + 6);
    json_t *list = json_object_get(t->figures, units ? "by_unit" : "by_branch");
    size_t n = json_array_size(list);
    for (size_t i = 0; i <= n; i++) {
        json_t *g = i < n ? json_array_get(list, i) : json_object_get(t->figures, "total");
        int row = (int)i + 1;
        if (i == n) {
            put_text(s, row, 0, "合计", F_BOLD);
            if (!units)
                put_text(s, row, 1, "", F_TEXT);
        } else {
            if (!units)
                put_text(s, row, 0, json_string_value(json_object_get(g, "hall")), F_TEXT);
            put_text(s, row, first - 1, json_string_value(json_object_get(g, "name")), F_TEXT);
        }
        static const char *const keys[] = {"received", "solved", "open", "overdue"};
        for (int k = 0; k < 4; k++)
            put_int(s, row, first + k, json_integer_value(json_object_get(g, keys[k])));
        put_rate(s, row, first + 4, json_object_get(g, "on_time_rate"));
        json_t *median = json_object_get(g, "median_days");
        if (json_is_number(median)) {
            char shown[24];
            snprintf(shown, sizeof shown, "%g", json_number_value(median));
            put_num(s, row, first + 5, json_number_value(median), F_NUM, shown);
        } else {
            put_text(s, row, first + 5, "", F_TEXT);
        }
    }
    /* How the figures are counted, below the table (not measured: it may
     * run across the columns). */
    const char *notes[] = {
        "按期办结率 = 在时限内办结的诉求 ÷（已办结的 + 已过时限仍未办结的）有时限的诉求；"
        "未定时限的诉求不计。",
        "办结天数：从受理日期到办结日期；超期：已过时限仍未办结。",
        NULL};
    char asof[64];
    snprintf(asof, sizeof asof, "统计截至 %s。", json_string_value(json_object_get(t->figures, "today")));
    notes[2] = asof;
    for (int k = 0; k < 3; k++)
        note_err(s, worksheet_write_string(s->ws, (lxw_row_t)(n + 3 + (size_t)k), 0, notes[k], NULL));
    worksheet_freeze_panes(s->ws, 1, 0);
    sheet_widths(s, first + 6);
}

/* The branch name of an evaluation subject ("branch:H07" or a person's ID). */
static const char *subject_branch(const Town *t, const char *who)
{
    const char *hall = NULL;
    size_t i;
    json_t *e;
    if (!strncmp(who, "branch:", 7)) {
        hall = who + 7;
    } else {
        json_array_foreach(json_object_get(t->roster, "people"), i, e)
            if (!strcmp(json_string_value(json_object_get(e, "id")), who))
                hall = json_string_value(json_object_get(e, "branch"));
    }
    if (!hall)
        return "";
    json_array_foreach(json_object_get(t->roster, "branches"), i, e)
        if (!strcmp(json_string_value(json_object_get(e, "code")), hall))
            return json_string_value(json_object_get(e, "name"));
    return hall;
}

static const char *role_zh(const char *role)
{
    if (role && !strcmp(role, "branch"))
        return "支部";
    const Term *r = domain_find(DOMAIN_ROLES, role);
    return r ? r->zh : role ? role : "";
}

static void sheet_eval(const Town *t, Sheet *s)
{
    static const char *const head[] = {"排名", "评议对象", "角色", "所属支部", "优秀", "良好",
                                       "一般", "差", "不了解", "票数", "优秀率", "预警", "备注"};
    enum { NH = sizeof head / sizeof head[0] };
    char from[11], to[11];
    clock_format_day(t->round_from, from);
    clock_format_day(t->round_to, to);
    char *title = ew_xasprintf("评议轮次 %s（%s 至 %s）：每个对象少于 %d 票（不计不了解）不排名；"
                               "排名在同一角色中；末位 20%% 预警在微网格长中评出。",
                               t->round, from, to, EVAL_MIN_RATINGS);
    note_err(s, worksheet_write_string(s->ws, 0, 0, title, s->fmt[F_TITLE]));
    free(title);
    put_head(s, 1, head, NH);
    size_t n = json_array_size(t->eval), i;
    json_t *e;
    int64_t leaders = 0; /* the micro-grid leaders ranked this round */
    json_array_foreach(t->eval, i, e) {
        int row = (int)i + 2;
        const char *who = json_string_value(json_object_get(e, "who"));
        const char *role = json_string_value(json_object_get(e, "role"));
        json_t *rank = json_object_get(e, "rank");
        if (json_is_integer(rank))
            put_int(s, row, 0, json_integer_value(rank));
        else
            put_text(s, row, 0, "", F_TEXT);
        put_text(s, row, 1, json_string_value(json_object_get(e, "name")), F_TEXT);
        put_text(s, row, 2, role_zh(role), F_TEXT);
        put_text(s, row, 3, subject_branch(t, who), F_TEXT);
        for (int k = 0; k < 5; k++)
            put_int(s, row, 4 + k,
                    json_integer_value(json_object_get(json_object_get(e, "counts"),
                                                       DOMAIN_RATINGS[k].key)));
        put_int(s, row, 9, json_integer_value(json_object_get(e, "ballots")));
        put_rate(s, row, 10, json_object_get(e, "excellence_rate"));
        int warn = json_is_true(json_object_get(e, "warning"));
        put_text(s, row, 11, warn ? "预警" : "", warn ? F_RED : F_TEXT);
        put_text(s, row, 12, json_is_true(json_object_get(e, "too_few")) ? "票数不足，不排名" : "",
                 F_TEXT);
        leaders += role && !strcmp(role, "grid_leader") && json_is_integer(rank);
    }
    size_t row = n + 2;
    if (!n)
        note_err(s, worksheet_write_string(s->ws, (lxw_row_t)row++, 0,
                                           "本轮尚无已结束的评议会。", NULL));
    /* The early-warning list below the results. */
    row++;
    char *wtitle = ew_xasprintf("末位 20%% 预警名单（%s，%lld 名微网格长参与排名）", t->round,
                                (long long)leaders);
    note_err(s, worksheet_write_string(s->ws, (lxw_row_t)row++, 0, wtitle, s->fmt[F_TITLE]));
    free(wtitle);
    static const char *const whead[] = {"排名", "姓名", "所属支部", "优秀率", "票数"};
    put_head(s, (int)row++, whead, 5);
    int warned = 0;
    json_array_foreach(t->eval, i, e) {
        if (!json_is_true(json_object_get(e, "warning")))
            continue;
        put_int(s, (int)row, 0, json_integer_value(json_object_get(e, "rank")));
        put_text(s, (int)row, 1, json_string_value(json_object_get(e, "name")), F_TEXT);
        put_text(s, (int)row, 2, subject_branch(t, json_string_value(json_object_get(e, "who"))),
                 F_TEXT);
        put_rate(s, (int)row, 3, json_object_get(e, "excellence_rate"));
        put_int(s, (int)row++, 4, json_integer_value(json_object_get(e, "ballots")));
        warned++;
    }
    if (!warned)
        note_err(s, worksheet_write_string(s->ws, (lxw_row_t)row, 0, "本轮无预警。", NULL));
    worksheet_freeze_panes(s->ws, 2, 0);
    sheet_widths(s, NH);
}

/* -- the charts -- */

static const char CHARTS[] = "图表";
static const lxw_color_t GRADE_COLORS[] = {0x4CAF50, 0x2F75B5, 0xED7D31, 0xA5A5A5};

/* A label and a value, for a chart's table. */
typedef struct Pair {
    const char *label; /* borrowed */
    double value;
} Pair;

static int by_value_desc(const void *a, const void *b)
{
    double x = ((const Pair *)a)->value, y = ((const Pair *)b)->value;
    return (x < y) - (x > y);
}

/* A chart of one series from a two-column table written at row r0 (head,
 * then n pairs); inserted to the right of it. Returns the rows it takes. */
static int chart_table(lxw_workbook *wb, Sheet *s, int r0, const char *title, const char *head0,
                       const char *head1, const Pair *p, int n, uint8_t type, int pct)
{
    const char *head[] = {head0, head1};
    note_err(s, worksheet_write_string(s->ws, (lxw_row_t)r0, 0, title, s->fmt[F_TITLE]));
    put_head(s, r0 + 1, head, 2);
    for (int i = 0; i < n; i++) {
        put_text(s, r0 + 2 + i, 0, p[i].label, F_TEXT);
        if (pct) {
            json_t *v = json_real(p[i].value);
            put_rate(s, r0 + 2 + i, 1, v);
            json_decref(v);
        } else {
            put_int(s, r0 + 2 + i, 1, (int64_t)p[i].value);
        }
    }
    if (!n) {
        note_err(s, worksheet_write_string(s->ws, (lxw_row_t)r0 + 2, 0, "（无数据）", NULL));
        return 4;
    }
    lxw_chart *c = workbook_add_chart(wb, type);
    lxw_chart_series *ser = chart_add_series(c, NULL, NULL);
    chart_series_set_categories(ser, CHARTS, (lxw_row_t)r0 + 2, 0, (lxw_row_t)(r0 + 1 + n), 0);
    chart_series_set_values(ser, CHARTS, (lxw_row_t)r0 + 2, 1, (lxw_row_t)(r0 + 1 + n), 1);
    chart_series_set_name(ser, head1);
    chart_title_set_name(c, title);
    chart_series_set_labels(ser);
    if (pct)
        chart_series_set_labels_num_format(ser, "0.0%");
    double height = 288;
    if (type == LXW_CHART_PIE) {
        lxw_chart_fill fills[4];
        lxw_chart_point pts[4];
        lxw_chart_point *ptrs[5] = {NULL};
        for (int i = 0; i < n && i < 4; i++) {
            fills[i] = (lxw_chart_fill){.color = GRADE_COLORS[i]};
            pts[i] = (lxw_chart_point){.fill = &fills[i]};
            ptrs[i] = &pts[i];
        }
        note_err(s, chart_series_set_points(ser, ptrs));
        chart_series_set_labels_options(ser, LXW_FALSE, LXW_TRUE, LXW_TRUE);
        chart_legend_set_position(c, LXW_CHART_LEGEND_RIGHT);
    } else {
        chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
        if (type == LXW_CHART_BAR) {
            /* Values run along x; the first row at the top. */
            chart_axis_set_reverse(c->y_axis);
            height = 22.0 * n + 90 > height ? 22.0 * n + 90 : height;
        }
        if (pct) {
            lxw_chart_axis *value = type == LXW_CHART_BAR ? c->x_axis : c->y_axis;
            chart_axis_set_num_format(value, "0%");
            chart_axis_set_min(value, 0);
            chart_axis_set_max(value, 1);
        }
    }
    lxw_chart_options o = {.y_offset = 6, .x_scale = 1.2, .y_scale = height / 288};
    note_err(s, worksheet_insert_chart_opt(s->ws, (lxw_row_t)r0, 3, c, &o));
    int rows = (int)(height / 20) + 1;
    return (n + 2 > rows ? n + 2 : rows) + 2;
}

/* Appeals received per month, by grade: a stacked column chart. */
static int chart_months(lxw_workbook *wb, const Town *t, Sheet *s, int r0)
{
    static const char title[] = "各月受理诉求（按等级）";
    note_err(s, worksheet_write_string(s->ws, (lxw_row_t)r0, 0, title, s->fmt[F_TITLE]));
    const char *head[] = {"月份", "绿", "蓝", "橙", "未定级"};
    put_head(s, r0 + 1, head, 5);
    int64_t first = -1, last = -1; /* months as y*12+m-1 */
    for (size_t i = 0; i < t->n; i++) {
        int y, m, d;
        if (t->rows[i].created < 0)
            continue;
        clock_civil_from_days(t->rows[i].created, &y, &m, &d);
        int64_t k = (int64_t)y * 12 + m - 1;
        first = first < 0 || k < first ? k : first;
        last = k > last ? k : last;
    }
    int n = first < 0 ? 0 : (int)(last - first + 1);
    int64_t(*count)[4] = ew_xcalloc((size_t)(n ? n : 1), sizeof *count);
    for (size_t i = 0; i < t->n; i++) {
        int y, m, d;
        const Row *r = &t->rows[i];
        if (r->created < 0)
            continue;
        clock_civil_from_days(r->created, &y, &m, &d);
        count[(int64_t)y * 12 + m - 1 - first][r->grade >= 0 && r->grade < 3 ? r->grade : 3]++;
    }
    for (int i = 0; i < n; i++) {
        char month[48];
        int64_t k = first + i;
        snprintf(month, sizeof month, "%04lld-%02lld", (long long)(k / 12), (long long)(k % 12 + 1));
        put_text(s, r0 + 2 + i, 0, month, F_TEXT);
        for (int g = 0; g < 4; g++)
            put_int(s, r0 + 2 + i, 1 + g, count[i][g]);
    }
    free(count);
    if (!n) {
        note_err(s, worksheet_write_string(s->ws, (lxw_row_t)r0 + 2, 0, "（无数据）", NULL));
        return 4;
    }
    lxw_chart *c = workbook_add_chart(wb, LXW_CHART_COLUMN_STACKED);
    for (int g = 0; g < 4; g++) {
        lxw_chart_series *ser = chart_add_series(c, NULL, NULL);
        chart_series_set_categories(ser, CHARTS, (lxw_row_t)r0 + 2, 0, (lxw_row_t)(r0 + 1 + n), 0);
        chart_series_set_values(ser, CHARTS, (lxw_row_t)r0 + 2, (lxw_col_t)(1 + g),
                                (lxw_row_t)(r0 + 1 + n), (lxw_col_t)(1 + g));
        chart_series_set_name_range(ser, CHARTS, (lxw_row_t)r0 + 1, (lxw_col_t)(1 + g));
        lxw_chart_fill fill = {.color = GRADE_COLORS[g]};
        chart_series_set_fill(ser, &fill);
    }
    chart_title_set_name(c, title);
    chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options o = {.y_offset = 6, .x_scale = 1.0, .y_scale = 1};
    note_err(s, worksheet_insert_chart_opt(s->ws, (lxw_row_t)r0, 5, c, &o));
    return (n + 2 > 15 ? n + 2 : 15) + 2;
}

/* The chart sheet prints at 80 % on landscape A4, where 40 rows (20 px
 * each) fit on a page. Manual page breaks keep each chart whole (a fit-to-
 * page setting would make Excel ignore them). */
#define PAGE_SCALE 75
#define PAGE_ROWS 40

/* Starts a new printed page at row r when the block of rows before it
 * would not fit on the page it began on (the charts never print cut). */
static void page_fit(int *page_top, int r, int rows, lxw_row_t *breaks, int *nbreaks)
{
    if (r > *page_top && r + rows - *page_top > PAGE_ROWS) {
        breaks[(*nbreaks)++] = (lxw_row_t)r;
        *page_top = r;
    }
}

static void sheet_charts(lxw_workbook *wb, const Town *t, Sheet *s)
{
    int r = 0, top = 0, nb = 0, rows;
    lxw_row_t breaks[8] = {0};
    /* By grade and by status: view_stats' figures. */
    json_t *by_grade = json_object_get(t->stats, "by_grade");
    Pair grades[4];
    for (int g = 0; g < 4; g++)
        grades[g] = (Pair){g < 3 ? DOMAIN_GRADES[g].zh : "未定级",
                           (double)json_integer_value(json_object_get(
                               by_grade, g < 3 ? DOMAIN_GRADES[g].key : "none"))};
    r += chart_table(wb, s, r, "诉求按等级", "等级", "诉求数", grades, t->n ? 4 : 0, LXW_CHART_PIE, 0);
    /* Each block is placed, then its page break (if any) put before it. */
    json_t *by_status = json_object_get(t->stats, "by_status");
    int ns = domain_count(DOMAIN_STATUSES);
    Pair *statuses = ew_xcalloc((size_t)ns, sizeof *statuses);
    for (int k = 0; k < ns; k++)
        statuses[k] = (Pair){DOMAIN_STATUSES[k].zh, (double)json_integer_value(json_object_get(
                                                        by_status, DOMAIN_STATUSES[k].key))};
    rows = chart_table(wb, s, r, "诉求按状态", "状态", "诉求数", statuses, t->n ? ns : 0,
                       LXW_CHART_COLUMN, 0);
    page_fit(&top, r, rows, breaks, &nb);
    r += rows;
    free(statuses);
    rows = chart_months(wb, t, s, r);
    page_fit(&top, r, rows, breaks, &nb);
    r += rows;
    /* On-time rate by unit: the units that have one, highest first. */
    json_t *units = json_object_get(t->figures, "by_unit"), *e;
    size_t i;
    Pair *p = ew_xcalloc(json_array_size(units) + 1, sizeof *p);
    int n = 0;
    json_array_foreach(units, i, e)
        if (json_is_number(json_object_get(e, "on_time_rate")))
            p[n++] = (Pair){json_string_value(json_object_get(e, "name")),
                            json_number_value(json_object_get(e, "on_time_rate"))};
    qsort(p, (size_t)n, sizeof *p, by_value_desc);
    rows = chart_table(wb, s, r, "各责任单位按期办结率", "责任单位", "按期办结率", p, n,
                       LXW_CHART_BAR, 1);
    page_fit(&top, r, rows, breaks, &nb);
    r += rows;
    free(p);
    /* Excellence rate by branch in this round: eval_round's branch rows,
     * already best first. */
    p = ew_xcalloc(json_array_size(t->eval) + 1, sizeof *p);
    n = 0;
    json_array_foreach(t->eval, i, e) {
        const char *role = json_string_value(json_object_get(e, "role"));
        if (role && !strcmp(role, "branch") && json_is_number(json_object_get(e, "excellence_rate")))
            p[n++] = (Pair){json_string_value(json_object_get(e, "name")),
                            json_number_value(json_object_get(e, "excellence_rate"))};
    }
    char *title = ew_xasprintf("各支部优秀率（%s）", t->round);
    rows = chart_table(wb, s, r, title, "支部", "优秀率", p, n, LXW_CHART_BAR, 1);
    page_fit(&top, r, rows, breaks, &nb);
    free(title);
    free(p);
    if (nb)
        note_err(s, worksheet_set_h_pagebreaks(s->ws, breaks));
    double w0 = s->width[0] + 2;
    note_err(s, worksheet_set_column(s->ws, 0, 0, w0 > 12 ? (w0 > WIDTH_MAX ? WIDTH_MAX : w0) : 12,
                                     NULL));
    note_err(s, worksheet_set_column(s->ws, 1, 5, 8, NULL));
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9); /* A4 */
    worksheet_set_print_scale(s->ws, PAGE_SCALE);
}

/* The workbook's formats, indexed by enum Fmt. */
static void make_formats(lxw_workbook *wb, lxw_format **f)
{
    for (int i = 0; i < NFMTS; i++) {
        f[i] = workbook_add_format(wb);
        if (i != F_TITLE && i != F_HEAD)
            format_set_align(f[i], LXW_ALIGN_VERTICAL_TOP);
    }
    format_set_bold(f[F_HEAD]);
    format_set_bg_color(f[F_HEAD], 0xD9E1F2);
    format_set_border(f[F_HEAD], LXW_BORDER_THIN);
    format_set_align(f[F_HEAD], LXW_ALIGN_CENTER);
    format_set_align(f[F_HEAD], LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(f[F_WRAP]);
    format_set_num_format(f[F_DATE], "yyyy-mm-dd");
    format_set_num_format(f[F_PCT], "0.0%");
    format_set_font_color(f[F_RED], 0xC00000);
    format_set_bold(f[F_RED]);
    format_set_bold(f[F_TITLE]);
    format_set_font_size(f[F_TITLE], 12);
    format_set_bold(f[F_BOLD]);
    format_set_bg_color(f[F_GREEN], 0xC6EFCE);
    format_set_bg_color(f[F_BLUE], 0xBDD7EE);
    format_set_bg_color(f[F_ORANGE], 0xF8CBAD);
}

static int write_xlsx(sqlite3 *db, const Town *t, const char *path, EwErr *err)
{
    int lrc = xlsx_load(err);
    if (lrc)
        return lrc;
    char *tmp = ew_xasprintf("%s.tmp", path);
    /* Tried first, so that a folder that is missing or read-only gets our
     * message rather than libxlsxwriter's on stderr at the very end. */
    FILE *probe = fopen(tmp, "wb");
    if (!probe || fclose(probe) != 0) {
        int rc = ew_err(err, EW_EIO, "cannot write %s: %m", path);
        free(tmp);
        return rc;
    }
    lxw_workbook *wb = workbook_new(tmp);
    if (!wb) {
        int rc = ew_err(err, EW_EIO, "cannot write %s: libxlsxwriter could not start", path);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    const char *town = json_string_value(json_object_get(t->stats, "town"));
    char *title = ew_xasprintf("%s民情台账与统计", town ? town : "");
    lxw_doc_properties props = {.title = title, .author = "echowall", .company = (char *)(town ? town : ""),
                                .created = (time_t)(db_now_ms(db) / 1000)};
    workbook_set_properties(wb, &props);
    lxw_format *fmt[NFMTS];
    make_formats(wb, fmt);
    Sheet sheets[5];
    static const char *const names[5] = {"民情台账", "分村统计", "分单位统计", "评议结果", CHARTS};
    for (int i = 0; i < 5; i++)
        sheets[i] = (Sheet){.ws = workbook_add_worksheet(wb, names[i]), .fmt = fmt};
    sheet_ledger(t, &sheets[0]);
    sheet_figures(t, &sheets[1], 0);
    sheet_figures(t, &sheets[2], 1);
    sheet_eval(t, &sheets[3]);
    /* Printed: landscape A4, as wide as one page, the header on every page. */
    for (int i = 0; i < 4; i++) {
        worksheet_set_landscape(sheets[i].ws);
        worksheet_set_paper(sheets[i].ws, 9);
        worksheet_fit_to_pages(sheets[i].ws, 1, 0);
        lxw_row_t head = i == 3 ? 1 : 0;
        note_err(&sheets[i], worksheet_repeat_rows(sheets[i].ws, head, head));
    }
    sheet_charts(wb, t, &sheets[4]);
    lxw_error bad = LXW_NO_ERROR;
    for (int i = 0; i < 5 && !bad; i++)
        bad = sheets[i].bad;
    lxw_error closed = workbook_close(wb); /* frees wb whatever happens */
    if (!bad)
        bad = closed;
    int rc = finish_file(tmp, path, bad != LXW_NO_ERROR, bad ? lxw_strerror(bad) : NULL, err);
    free(title);
    free(tmp);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && ew_strieq(s + n - k, suffix);
}

int report_town(sqlite3 *db, const char *path, EwErr *err)
{
    int csv = path && ends_with(path, ".csv");
    if (!path || (!csv && !ends_with(path, ".xlsx")))
        return ew_err(err, EW_EINPUT, "--out '%s' must end in .xlsx (the workbook) or .csv "
                                      "(the ledger sheet alone)", path ? path : "");
    Town t;
    int rc = town_load(db, &t, 1, !csv, err);
    if (rc)
        return rc;
    rc = csv ? write_csv(&t, path, err) : write_xlsx(db, &t, path, err);
    town_free(&t);
    return rc;
}
