/*
 * ledger.c: importing and exporting the CSV appeal ledger (see ledger.h).
 */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appeal.h"
#include "clock.h"
#include "code.h"
#include "config.h"
#include "csv.h"
#include "db.h"
#include "domain.h"
#include "roster.h"

enum Col { C_CODE, C_BRANCH, C_DATE, C_TEXT, C_CAT, C_GRADE, C_MEMBER, C_LEADER, C_UNIT, C_DUE,
           C_PROGRESS, C_ANSWER, C_STATUS, NCOLS };

static const char *const HEADERS[NCOLS] = {"编号", "支部", "日期", "诉求内容", "类别", "等级", "包联党员",
                                           "责任领导", "责任单位", "时限", "进度", "办理结果", "状态"};
static const int REQUIRED[] = {C_BRANCH, C_TEXT};

/* A row, checked and normalised. */
typedef struct Row {
    const char *cell[NCOLS]; /* borrowed from the table; "" when absent */
    char code[CODE_MAX];     /* canonical code, or "" to mint one */
    const char *ledger_no;   /* the ledger's own number when not a code */
    char hall[4];
    char day[11], due[11];
    const char *category;    /* key */
    const char *grade;       /* key or NULL */
    const char *status;      /* key */
    int assigned;            /* names a member, leader or unit */
    int blank;               /* every cell empty: not a row (spreadsheet residue) */
} Row;

static const char *cell(const CsvTable *t, size_t r, int col)
{
    return col >= 0 && (size_t)col < t->ncols[r] ? t->cells[r][col] : "";
}

static int row_err(EwErr *err, size_t row, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int row_err(EwErr *err, size_t row, int col, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ew_err(err, EW_EINPUT, "row %zu, column %s: %s (nothing was imported)", row,
                  HEADERS[col], what);
}

static const char *status_from_zh(const char *s)
{
    const Term *t = domain_find(DOMAIN_STATUSES, s);
    return t ? t->key : NULL;
}

static const char *grade_from_zh(const char *s)
{
    static const struct {
        const char *name, *key;
    } map[] = {{"绿", "green"}, {"绿色", "green"}, {"蓝", "blue"}, {"蓝色", "blue"},
               {"橙", "orange"}, {"橙色", "orange"}, {"green", "green"}, {"blue", "blue"},
               {"orange", "orange"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, s) == 0)
            return map[i].key;
    return NULL;
}

static int status_rank(const char *key) { return domain_index(DOMAIN_STATUSES, key); }

/* Whether a 编号 has the shape of a tracking code (H07-...), spaces aside. */
static int code_shaped(const char *s)
{
    char b[6];
    size_t n = 0;
    for (; *s && n < sizeof b; s++)
        if (*s != ' ' && *s != '\t')
            b[n++] = *s;
    return n >= 5 && (b[0] == 'H' || b[0] == 'h') && b[3] == '-';
}

/* A row whose cells are all blank: what spreadsheets leave below a table. */
static int row_blank(const CsvTable *t, size_t r)
{
    for (size_t c = 0; c < t->ncols[r]; c++)
        if (!ew_blank(t->cells[r][c]))
            return 0;
    return 1;
}

/* CR LF inside a quoted cell (a line break typed in a cell by some
 * spreadsheets) becomes LF: a bare CR is a control character in text. */
static void cells_crlf_to_lf(CsvTable *t)
{
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols[r]; c++) {
            char *s = t->cells[r][c], *d = s;
            for (; *s; s++)
                if (!(s[0] == '\r' && s[1] == '\n'))
                    *d++ = *s;
            *d = '\0';
        }
}

/* Checks one data row (1-based number n) and fills r. */
static int check_row(sqlite3 *db, const CsvTable *t, size_t tr, size_t n, const int *map, Row *r,
                     EwErr *err)
{
    memset(r, 0, sizeof *r);
    for (int c = 0; c < NCOLS; c++)
        r->cell[c] = cell(t, tr, map[c]);
    EwErr e = {0};
    if (ew_blank(r->cell[C_BRANCH]))
        return row_err(err, n, C_BRANCH, "is empty%s", "");
    if (roster_find_branch(db, r->cell[C_BRANCH], r->hall, &e) != EW_OK)
        return row_err(err, n, C_BRANCH, "'%s' is not a branch in the roster", r->cell[C_BRANCH]);
    if (appeal_check_text("text", r->cell[C_TEXT], APPEAL_TEXT_MAX, &e) != EW_OK)
        return row_err(err, n, C_TEXT, "%s", ew_blank(r->cell[C_TEXT]) ? "is empty" : e.msg);
    if (!ew_blank(r->cell[C_CODE])) {
        if (code_normalize(r->cell[C_CODE], r->code, NULL) == EW_OK) {
            if (strncmp(r->code, r->hall, 3) != 0)
                return row_err(err, n, C_CODE, "code %s belongs to another hall than 支部",
                               r->code);
            int64_t exists = 0;
            db_int(db, NULL, &exists, 0, "SELECT count(*) FROM appeals WHERE code=?", "t", r->code);
            if (exists)
                return row_err(err, n, C_CODE, "appeal %s is already in the database", r->code);
        } else if (code_shaped(r->cell[C_CODE])) {
            /* H07-... is one of our codes, mistyped: not a ledger number. */
            code_normalize(r->cell[C_CODE], r->code, &e);
            return row_err(err, n, C_CODE, "%s", e.msg);
        } else {
            r->ledger_no = r->cell[C_CODE];
            char *code = NULL;
            db_text(db, NULL, &code, "SELECT code FROM appeals WHERE ledger_no=? LIMIT 1", "t",
                    r->ledger_no);
            if (code) {
                int rc = row_err(err, n, C_CODE, "ledger number %s is already in the database "
                                 "(appeal %s)", r->ledger_no, code);
                free(code);
                return rc;
            }
        }
    }
    int64_t d;
    if (ew_blank(r->cell[C_DATE]))
        clock_format_day(db_today(db), r->day);
    else if (csv_parse_date(r->cell[C_DATE], r->day) != 0 || clock_parse_day(r->day, &d) != 0)
        return row_err(err, n, C_DATE, "'%s' is not a date like 2026-03-05, 2026/3/5 or 2026年3月5日",
                       r->cell[C_DATE]);
    if (!ew_blank(r->cell[C_DUE]) && csv_parse_date(r->cell[C_DUE], r->due) != 0)
        return row_err(err, n, C_DUE, "'%s' is not a date like 2026-03-05, 2026/3/5 or 2026年3月5日",
                       r->cell[C_DUE]);
    const Term *cat = domain_find(DOMAIN_CATEGORIES, ew_blank(r->cell[C_CAT]) ? "other" : r->cell[C_CAT]);
    if (!cat)
        return row_err(err, n, C_CAT,
                       "'%s' is not one of 路灯 垃圾 道路桥梁 水利 宅基地 两险 交通安全 其他",
                       r->cell[C_CAT]);
    r->category = cat->key;
    if (!ew_blank(r->cell[C_GRADE]) && !(r->grade = grade_from_zh(r->cell[C_GRADE])))
        return row_err(err, n, C_GRADE, "'%s' is not 绿, 蓝, 橙 or empty", r->cell[C_GRADE]);
    int assigned = !ew_blank(r->cell[C_MEMBER]) || !ew_blank(r->cell[C_LEADER]) ||
                   !ew_blank(r->cell[C_UNIT]);
    if (ew_blank(r->cell[C_STATUS]))
        r->status = !ew_blank(r->cell[C_ANSWER]) ? "solved"
                    : !ew_blank(r->cell[C_PROGRESS]) ? "in_progress"
                    : assigned ? "assigned" : "received";
    else if (!(r->status = status_from_zh(r->cell[C_STATUS])))
        return row_err(err, n, C_STATUS, "'%s' is not 已受理, 已分派, 办理中, 已上报 or 已办结",
                       r->cell[C_STATUS]);
    int rank = status_rank(r->status);
    r->assigned = assigned;
    if (rank >= status_rank("assigned")) {
        if (!r->grade)
            return row_err(err, n, C_GRADE, "is empty, but an appeal that is %s needs a grade",
                           DOMAIN_STATUSES[rank].zh);
        /* Only an orange appeal reaches 已上报 (and then 已办结) without
         * being assigned: the joint meeting may take it as it came in. */
        int unassigned_ok = strcmp(r->status, "escalated") == 0 ||
                            (strcmp(r->status, "solved") == 0 && strcmp(r->grade, "orange") == 0);
        static const int need[] = {C_MEMBER, C_LEADER, C_UNIT};
        for (int i = 0; i < 3 && (assigned || !unassigned_ok); i++)
            if (ew_blank(r->cell[need[i]]))
                return row_err(err, n, need[i], "is empty, but the appeal is %s: it needs a "
                               "leading member, a responsible leader and a unit",
                               DOMAIN_STATUSES[rank].zh);
    } else if (assigned) {
        return row_err(err, n, C_STATUS, "is %s, but the row names who handles it (use 已分派)",
                       DOMAIN_STATUSES[rank].zh);
    }
    if (strcmp(r->status, "escalated") == 0 && strcmp(r->grade, "orange") != 0)
        return row_err(err, n, C_GRADE, "must be 橙 for an appeal that is 已上报%s", "");
    if (strcmp(r->status, "solved") == 0 &&
        appeal_check_text("answer", r->cell[C_ANSWER], APPEAL_TEXT_MAX, NULL) != EW_OK)
        return row_err(err, n, C_ANSWER, "is empty, but the appeal is 已办结%s", "");
    if (strcmp(r->status, "solved") != 0 && !ew_blank(r->cell[C_ANSWER]))
        return row_err(err, n, C_STATUS, "is %s, but the row has an answer (use 已办结)",
                       DOMAIN_STATUSES[rank].zh);
    if (!ew_blank(r->cell[C_PROGRESS]) && rank < status_rank("in_progress"))
        return row_err(err, n, C_STATUS, "is %s, but the row has progress notes (use 办理中)",
                       DOMAIN_STATUSES[rank].zh);
    if (strcmp(r->status, "in_progress") == 0 && ew_blank(r->cell[C_PROGRESS]))
        return row_err(err, n, C_PROGRESS, "is empty, but the appeal is 办理中: note what is "
                       "being done%s", "");
    static const int texts[] = {C_MEMBER, C_LEADER, C_UNIT, C_PROGRESS};
    for (int i = 0; i < 4; i++)
        if (!ew_blank(r->cell[texts[i]]) &&
            appeal_check_text(HEADERS[texts[i]], r->cell[texts[i]], APPEAL_TEXT_MAX, &e) != EW_OK)
            return row_err(err, n, texts[i], "%s", e.msg);
    return EW_OK;
}

/* Finds (or adds) the person a ledger names: by name, then the row's branch,
 * then role; what was guessed goes into the report. */
static int person_for(sqlite3 *db, Author *a, const char *name, const char *hall, int leader,
                      size_t n, int col, json_t *report, char id[ROSTER_ID_MAX], EwErr *err)
{
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT id, coalesce(branch,''), role FROM people WHERE name=? AND "
                               "(role='leader')=? ORDER BY (branch IS ?) DESC, "
                               "CASE role WHEN 'secretary' THEN 0 WHEN 'first_secretary' THEN 1 "
                               "WHEN 'grid_leader' THEN 2 ELSE 3 END, id",
                               "tdt", name, leader, hall);
    if (!st)
        return EW_EDB;
    int count = 0, same_branch = 0;
    char branch[8] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (count == 0) {
            snprintf(id, ROSTER_ID_MAX, "%s", sqlite3_column_text(st, 0));
            snprintf(branch, sizeof branch, "%s", sqlite3_column_text(st, 1));
        }
        same_branch += strcmp((const char *)sqlite3_column_text(st, 1), hall) == 0;
        count++;
    }
    db_done(st);
    if (count == 0) {
        int rc = roster_add_person(db, a, NULL, name, leader ? "leader" : "member",
                                   leader ? NULL : hall, 0, id, err);
        if (rc == EW_OK)
            json_array_append_new(json_object_get(report, "people_added"),
                                  json_sprintf("%s %s (%s)", id, name, leader ? "leader" : hall));
        return rc;
    }
    if (count > 1) {
        char *g = ew_xasprintf("row %zu %s %s: %d people have this name; took %s%s%s%s", n,
                               HEADERS[col], name, count, id, branch[0] ? " of " : "", branch,
                               same_branch == 1 ? " (the row's branch)"
                               : same_branch > 1 ? " (the row's branch, by role)" : " (by role)");
        json_array_append_new(json_object_get(report, "guesses"), json_string(g));
        free(g);
    }
    return EW_OK;
}

static int unit_for(sqlite3 *db, Author *a, const char *name, json_t *report,
                    char id[ROSTER_ID_MAX], EwErr *err)
{
    char *found = NULL;
    int rc = db_text(db, err, &found, "SELECT id FROM units WHERE name=? ORDER BY id", "t", name);
    if (rc)
        return rc;
    if (found) {
        snprintf(id, ROSTER_ID_MAX, "%s", found);
        free(found);
        return EW_OK;
    }
    rc = roster_add_unit(db, a, NULL, name, 0, id, err);
    if (rc == EW_OK)
        json_array_append_new(json_object_get(report, "units_added"),
                              json_sprintf("%s %s", id, name));
    return rc;
}

static int import_row(sqlite3 *db, Author *a, Row *r, size_t n, json_t *report, EwErr *err)
{
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = r->hall, .category = r->category, .text = r->cell[C_TEXT],
                    .source = "ledger", .day = r->day, .code = r->code,
                    .ledger_no = r->ledger_no};
    const char *day = r->day;
    if (r->due[0] && !r->grade)
        json_array_append_new(json_object_get(report, "notes"),
                              json_sprintf("row %zu %s %s: ignored, an appeal without a grade "
                                           "has no time limit", n, HEADERS[C_DUE], r->due));
    int rc = appeal_add(db, a, &in, 0, code, rating, err);
    if (rc == EW_OK && r->grade)
        rc = appeal_grade(db, a, code, r->grade, r->due[0] && !r->assigned ? r->due : NULL,
                          day, 0, err);
    if (rc == EW_OK && r->assigned) {
        char member[ROSTER_ID_MAX], leader[ROSTER_ID_MAX], unit[ROSTER_ID_MAX];
        rc = person_for(db, a, r->cell[C_MEMBER], r->hall, 0, n, C_MEMBER, report, member, err);
        if (rc == EW_OK)
            rc = person_for(db, a, r->cell[C_LEADER], r->hall, 1, n, C_LEADER, report, leader, err);
        if (rc == EW_OK)
            rc = unit_for(db, a, r->cell[C_UNIT], report, unit, err);
        if (rc == EW_OK)
            rc = appeal_assign(db, a, code, member, leader, unit, r->due[0] ? r->due : NULL,
                               day, 0, err);
    }
    /* Escalated, or solved without an assignment (which only escalation
     * allows): the joint meeting took it. */
    int escalate = strcmp(r->status, "escalated") == 0 ||
                   (strcmp(r->status, "solved") == 0 && !r->assigned);
    if (rc == EW_OK && escalate)
        rc = appeal_step(db, a, "escalate", code, NULL, day, 0, err);
    if (rc == EW_OK && !ew_blank(r->cell[C_PROGRESS]))
        rc = appeal_step(db, a, "progress", code, r->cell[C_PROGRESS], day, 0, err);
    if (rc == EW_OK && strcmp(r->status, "solved") == 0)
        rc = appeal_step(db, a, "solve", code, r->cell[C_ANSWER], day, 0, err);
    if (rc) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        ew_err(err, rc, "row %zu: %s (nothing was imported)", n, msg);
    }
    return rc;
}

/* Whether a code is held by an appeal or by a row of the file. */
static int code_taken(sqlite3 *db, const Row *rows, size_t nrows, const char *code)
{
    for (size_t r = 1; r < nrows; r++)
        if (strcmp(rows[r].code, code) == 0)
            return 1;
    int64_t n = 0;
    db_int(db, NULL, &n, 0, "SELECT count(*) FROM appeals WHERE code=?", "t", code);
    return n > 0;
}

/* Codes for the rows without one, made here rather than by appeal_add so
 * that none is a code that a later row of the file brings with it. */
static int mint_codes(sqlite3 *db, Author *a, Row *rows, size_t nrows, EwErr *err)
{
    for (size_t r = 1; r < nrows; r++) {
        if (rows[r].blank || rows[r].code[0])
            continue;
        char code[CODE_MAX];
        do {
            if (code_make(rows[r].hall, a->slot, a->code_next++, code) != 0)
                return ew_err(err, EW_ESTATE, "no free tracking code left in slot %c", a->slot);
        } while (code_taken(db, rows, nrows, code));
        snprintf(rows[r].code, sizeof rows[r].code, "%s", code);
    }
    return EW_OK;
}

/* ---- locating a file the CSV reader refused ---- */

/* The raw bytes of a file (at most 64 MiB; caller frees), or NULL. */
static unsigned char *read_raw(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0, got;
    unsigned char *b = ew_xmalloc(cap);
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > 64u << 20)
            break;
        if (n == cap)
            b = ew_xrealloc(b, cap *= 2);
    }
    fclose(f);
    *len = n;
    return b;
}

static int is_row_end(const unsigned char *s, size_t p, size_t len)
{
    return p < len && (s[p] == '\n' || (s[p] == '\r' && p + 1 < len && s[p + 1] == '\n'));
}

/*
 * Finds the data row and column of what the CSV reader refused, by reading
 * the undecoded bytes with the same rules as csv_parse(): the characters
 * that shape a CSV file (comma, quote, CR, LF) are ASCII and never part of
 * a UTF-8 or GB18030 multi-byte character. Checks each field for a quote
 * that is never closed, text after a closing quote, a NUL byte, and bytes
 * that are neither UTF-8 nor GB18030. A line the reader refused although
 * each of its fields reads well mixes the two encodings: bad_line (from the
 * reader's message) finds it. Fills *row (0 = the header), *col and *what,
 * and *hdr_end (where the header row ends); returns 0 when found.
 */
static int locate(const unsigned char *s, size_t len, size_t bad_line, size_t *row, size_t *col,
                  const char **what, size_t *hdr_end)
{
    size_t p = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, r = 0, line = 1;
    int mixed = 0;
    *hdr_end = p;
    while (p < len) {
        if (is_row_end(s, p, len)) { /* a completely empty row: skipped */
            p += s[p] == '\r' ? 2 : 1;
            line++;
            continue;
        }
        for (size_t c = 0;; c++) {
            size_t from, to, first = line;
            const char *bad = NULL;
            if (p < len && s[p] == '"') {
                from = ++p;
                while (p < len && !(s[p] == '"' && !(p + 1 < len && s[p + 1] == '"'))) {
                    line += s[p] == '\n';
                    p += s[p] == '"' ? 2 : 1;
                }
                to = p;
                if (p >= len)
                    bad = "has an opening quote that is never closed";
                else if (++p < len && s[p] != ',' && !is_row_end(s, p, len))
                    bad = "has text after its closing quote (a quote inside a field is "
                          "written twice)";
            } else {
                from = p;
                while (p < len && s[p] != ',' && !is_row_end(s, p, len))
                    p++;
                to = p;
            }
            char *text = NULL;
            size_t tn;
            if (!bad && memchr(s + from, '\0', to - from))
                bad = "contains a NUL byte";
            else if (!bad && csv_decode(s + from, to - from, &text, &tn, NULL, 0) != 0)
                bad = "is neither UTF-8 nor GB18030 text";
            free(text);
            if (!bad && !mixed && first <= bad_line && bad_line <= line) {
                for (size_t i = from; i < to && !mixed; i++)
                    if (s[i] >= 0x80) {
                        mixed = 1;
                        *row = r;
                        *col = c;
                        *what = "is on a line that mixes UTF-8 and GB18030 text (save the file "
                                "in one encoding)";
                    }
            }
            if (bad) {
                *row = r;
                *col = c;
                *what = bad;
                return 0;
            }
            if (p < len && s[p] == ',') {
                p++;
                continue;
            }
            if (p < len) {
                p += s[p] == '\r' ? 2 : 1;
                line++;
            }
            break;
        }
        if (mixed) /* the refused line's row, where nothing worse was found */
            return 0;
        if (r++ == 0)
            *hdr_end = p;
    }
    return -1;
}

/* A file csv_read_file() refused: names the row and column when it can. */
static int unreadable(const char *path, const char *msg, EwErr *err)
{
    size_t len = 0, row = 0, col = 0, hdr_end = 0;
    const char *what = "";
    unsigned char *raw = strncmp(msg, "line ", 5) == 0 ? read_raw(path, &len) : NULL;
    size_t bad_line = raw ? strtoull(msg + 5, NULL, 10) : 0;
    int rc;
    if (!raw || locate(raw, len, bad_line, &row, &col, &what, &hdr_end) != 0) {
        rc = ew_err(err, EW_EINPUT, "%s: %s", path, msg);
    } else if (row == 0) {
        rc = ew_err(err, EW_EINPUT, "%s: the header row, column %zu %s (nothing was imported)",
                    path, col + 1, what);
    } else {
        /* The header row itself reads well: name the column by it. */
        char *text = NULL;
        size_t tn;
        CsvTable h = {0};
        const char *name = NULL;
        if (csv_decode(raw, hdr_end, &text, &tn, NULL, 0) == 0 &&
            csv_parse(text, tn, &h, NULL, 0) == 0 && h.nrows > 0 && col < h.ncols[0])
            name = h.cells[0][col];
        if (name && *name)
            rc = ew_err(err, EW_EINPUT, "row %zu, column %s: %s (nothing was imported)", row,
                        name, what);
        else
            rc = ew_err(err, EW_EINPUT, "row %zu, column %zu: %s (nothing was imported)", row,
                        col + 1, what);
        csv_table_free(&h);
        free(text);
    }
    free(raw);
    return rc;
}

int ledger_import(sqlite3 *db, Author *a, const char *path, json_t **report, EwErr *err)
{
    CsvTable t;
    char msg[400];
    *report = NULL;
    if (strcmp(a->role, "office") != 0)
        return ew_err(err, EW_EDENIED, "ledgers are imported at the office station");
    if (csv_read_file(path, &t, msg, sizeof msg) != 0)
        return unreadable(path, msg, err);
    cells_crlf_to_lf(&t);
    int map[NCOLS], rc = EW_OK;
    for (int c = 0; c < NCOLS; c++)
        map[c] = -1;
    if (t.nrows == 0) {
        csv_table_free(&t);
        return ew_err(err, EW_EINPUT, "%s is empty: expected a header row (编号, 支部, 日期, 诉求内容, ...)",
                      path);
    }
    for (size_t c = 0; c < t.ncols[0]; c++)
        for (int k = 0; k < NCOLS; k++)
            if (strcmp(t.cells[0][c], HEADERS[k]) == 0 && map[k] < 0)
                map[k] = (int)c;
    for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++)
        if (map[REQUIRED[i]] < 0) {
            csv_table_free(&t);
            return ew_err(err, EW_EINPUT, "%s has no %s column in its header row", path,
                          HEADERS[REQUIRED[i]]);
        }
    /* First pass: check every row before writing anything. Rows are
     * numbered as the file has them, blank ones included. */
    Row *rows = ew_xcalloc(t.nrows, sizeof *rows);
    size_t imported = 0;
    for (size_t r = 1; rc == EW_OK && r < t.nrows; r++) {
        if ((rows[r].blank = row_blank(&t, r)))
            continue;
        imported++;
        rc = check_row(db, &t, r, r, map, &rows[r], err);
        for (size_t q = 1; rc == EW_OK && q < r; q++) {
            if (rows[r].code[0] && strcmp(rows[q].code, rows[r].code) == 0)
                rc = row_err(err, r, C_CODE, "code %s appears twice in the file (rows %zu and "
                             "%zu)", rows[r].code, q, r);
            else if (rows[r].ledger_no && rows[q].ledger_no &&
                     strcmp(rows[q].ledger_no, rows[r].ledger_no) == 0)
                rc = row_err(err, r, C_CODE, "ledger number %s appears twice in the file (rows "
                             "%zu and %zu)", rows[r].ledger_no, q, r);
        }
    }
    json_t *rep = json_pack("{s:i,s:[],s:[],s:[],s:[]}", "imported", 0, "people_added",
                            "units_added", "guesses", "notes");
    if (rc == EW_OK)
        rc = db_begin(db, err);
    if (rc == EW_OK)
        rc = mint_codes(db, a, rows, t.nrows, err);
    for (size_t r = 1; rc == EW_OK && r < t.nrows; r++)
        if (!rows[r].blank)
            rc = import_row(db, a, &rows[r], r, rep, err);
    if (rc == EW_OK)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        json_decref(rep);
    } else {
        json_object_set_new(rep, "imported", json_integer((json_int_t)imported));
        *report = rep;
    }
    free(rows);
    csv_table_free(&t);
    return rc;
}

/* The last progress note of an appeal, or "" (caller frees). A reopening's
 * note counts: it is what a reopened appeal (办理中) is being done about, and
 * an import needs a note to put it back in progress. */
static char *last_note(sqlite3 *db, const char *code)
{
    char *detail = NULL;
    db_text(db, NULL, &detail,
            "SELECT detail FROM timeline WHERE code=? AND kind IN ('progress','reopen') AND applied "
            "ORDER BY hlc DESC, device DESC, seq DESC LIMIT 1",
            "t", code);
    json_t *b = detail ? json_loads(detail, 0, NULL) : NULL;
    char *text = b ? blob_get_text(db, json_string_value(json_object_get(b, "note"))) : NULL;
    json_decref(b);
    free(detail);
    return text ? text : ew_xstrdup("");
}

int ledger_export(sqlite3 *db, const char *path, int *count, EwErr *err)
{
    char *tmp = ew_xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int rc = ew_err(err, EW_EIO, "cannot write %s: %m", tmp);
        free(tmp);
        return rc;
    }
    int bad = fputs("\xEF\xBB\xBF", f) < 0 || csv_write_row(f, HEADERS, NCOLS) != 0;
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT a.code, coalesce(b.name, a.hall), a.created_day, a.text_hash, "
                               "a.category, a.grade, pm.name, pl.name, u.name, a.due_day, "
                               "a.answer_hash, a.status, a.ledger_no FROM appeals a "
                               "LEFT JOIN branches b ON b.code=a.hall "
                               "LEFT JOIN people pm ON pm.id=a.member "
                               "LEFT JOIN people pl ON pl.id=a.leader "
                               "LEFT JOIN units u ON u.id=a.unit ORDER BY a.created_hlc, a.code",
                               NULL);
    *count = 0;
    while (!bad && st && sqlite3_step(st) == SQLITE_ROW) {
        char created[11], due[11] = "";
        const char *code = (const char *)sqlite3_column_text(st, 0);
        clock_format_day(sqlite3_column_int64(st, 2), created);
        if (sqlite3_column_type(st, 9) != SQLITE_NULL)
            clock_format_day(sqlite3_column_int64(st, 9), due);
        char *text = blob_get_text(db, (const char *)sqlite3_column_text(st, 3));
        const char *status = (const char *)sqlite3_column_text(st, 11);
        char *answer = strcmp(status, "solved") == 0
                           ? blob_get_text(db, (const char *)sqlite3_column_text(st, 10))
                           : NULL;
        char *note = last_note(db, code);
        const Term *cat = domain_find(DOMAIN_CATEGORIES, (const char *)sqlite3_column_text(st, 4));
        const Term *grade = domain_find(DOMAIN_GRADES, (const char *)sqlite3_column_text(st, 5));
        const Term *stat = domain_find(DOMAIN_STATUSES, status);
        const char *fields[NCOLS] = {
            code, (const char *)sqlite3_column_text(st, 1), created, text ? text : "",
            cat ? cat->zh : "", grade ? grade->zh : "",
            (const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 7),
            (const char *)sqlite3_column_text(st, 8), due, note, answer ? answer : "",
            stat ? stat->zh : status};
        bad = csv_write_row(f, fields, NCOLS) != 0;
        free(text);
        free(answer);
        free(note);
        (*count)++;
    }
    db_done(st);
    bad |= !st;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    int rc = EW_OK;
    if (bad || rename(tmp, path) != 0) {
        rc = ew_err(err, EW_EIO, "cannot write %s: %m", path);
        unlink(tmp);
    }
    free(tmp);
    return rc;
}
