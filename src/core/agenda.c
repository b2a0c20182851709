/*
 * agenda.c: the joint meeting's agenda of orange appeals (see agenda.h).
 *
 * The appeals come from view_appeals_each (orange ones), those not yet
 * solved are kept, read again with their timelines (view_appeal) and
 * sorted, and the page is built in an HtmlBuf; agenda_write puts it on
 * disk through a temporary file. Words and looks are the tables and the
 * style sheet below.
 */
#include "agenda.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "domain.h"
#include "html.h"
#include "view.h"

/* ---- words and looks ---- */

static const char TITLE[] = "党政联席会议 · 橙色诉求议程";
static const char W_NONE[] = "目前没有未办结的橙色诉求，本次党政联席会议没有需要研究的诉求。";
static const char W_REDACTED[] = "内容已由镇里撤下";
static const char W_MISSING[] = "诉求内容尚未同步到本机";
static const char W_UNASSIGNED[] = "未分派";
static const char W_NO_NOTE[] = "暂无";

/* The status as the agenda says it. */
static const struct {
    const char *key, *word;
} STATUS_WORDS[] = {
    {"received", "已受理，未分派"},
    {"assigned", "已分派"},
    {"in_progress", "办理中"},
    {"escalated", "已提交联席会"},
};

/* Timeline steps whose note is the latest word on an appeal, and how the
 * agenda names them. */
static const struct {
    const char *kind, *word;
} NOTE_STEPS[] = {
    {"progress", "办理进展"},
    {"reopen", "重新办理"},
    {"escalate", "提交联席会"},
};

static const char STYLE[] =
    ":root{--orange:#E8862A;--red:#C62828;--text:#1F1F1F;--text2:#5F6368;--line:#C9CDD2}\n"
    "*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{margin:0 auto;max-width:190mm;padding:8mm 6mm;color:var(--text);font-size:10.5pt;"
    "line-height:1.45;font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"SimSun\","
    "\"Noto Sans CJK SC\",\"Microsoft YaHei\",serif;overflow-wrap:anywhere}\n"
    "header{border-bottom:2px solid var(--red);padding-bottom:3mm;margin-bottom:4mm}\n"
    "h1{margin:1mm 0;font-size:19pt;color:var(--red);letter-spacing:.04em}\n"
    ".sub{margin:1mm 0 0}\n"
    ".item{border:1px solid var(--line);border-left:5mm solid var(--orange);border-radius:2mm;"
    "padding:2.5mm 4mm;margin:0 0 3.5mm;break-inside:avoid;page-break-inside:avoid}\n"
    ".item h2{margin:0 0 1.5mm;font-size:13pt}\n"
    ".item h2 .no{display:inline-block;min-width:8mm;color:var(--orange)}\n"
    ".code{font-family:\"DejaVu Sans Mono\",Consolas,monospace;font-weight:bold}\n"
    ".status{font-size:10.5pt;font-weight:normal;border:1px solid var(--line);"
    "border-radius:3mm;padding:0 2.5mm;margin-left:2mm;white-space:nowrap}\n"
    ".text{white-space:pre-line;margin:0 0 1.5mm;font-size:11.5pt}\n"
    ".text.gone{color:var(--text2)}\n"
    "dl{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:.5mm 3mm;"
    "margin:0}\n"
    "dt{color:var(--text2)}dd{margin:0}\n"
    "dd.wide{grid-column:2 / 5;white-space:pre-line}\n"
    ".overdue{color:var(--red);font-weight:bold}\n"
    ".decide{margin:2mm 0 0;border-top:1px dashed var(--line);padding-top:1mm;min-height:12mm;"
    "color:var(--text2)}\n"
    ".none{font-size:13pt;margin:8mm 0}\n"
    "footer{margin-top:5mm;color:var(--text2);font-size:10pt}\n"
    "@page{size:A4 portrait;margin:15mm 14mm}\n"
    "@media print{body{max-width:none;padding:0}}\n";

/* ---- reading the appeals ---- */

typedef struct Agenda {
    json_t **a;     /* the unsolved orange appeals (references held) */
    size_t n, cap;
} Agenda;

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* view_appeals_each's callback: keeps the appeals not yet solved. */
static int keep(void *ctx, json_t *appeal)
{
    Agenda *g = ctx;
    const char *status = str(appeal, "status");
    if (!status || strcmp(status, "solved") == 0)
        return 0;
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 32;
        g->a = ew_xrealloc(g->a, g->cap * sizeof *g->a);
    }
    g->a[g->n++] = json_incref(appeal);
    return 0;
}

/* Two strings in order, a missing one last. */
static int cmp_opt(const char *x, const char *y)
{
    if (!x || !y)
        return (x == NULL) - (y == NULL);
    return strcmp(x, y);
}

/* Oldest time limit first, then the oldest received, then by code (days are
 * YYYY-MM-DD, so text order is date order). */
static int by_due(const void *p, const void *q)
{
    json_t *a = *(json_t *const *)p, *b = *(json_t *const *)q;
    int c = cmp_opt(str(a, "due"), str(b, "due"));
    if (!c)
        c = cmp_opt(str(a, "created"), str(b, "created"));
    return c ? c : cmp_opt(str(a, "code"), str(b, "code"));
}

static void agenda_free(Agenda *g)
{
    for (size_t i = 0; i < g->n; i++)
        json_decref(g->a[i]);
    free(g->a);
}

/* ---- the page ---- */

static const char *status_word(const char *key)
{
    for (size_t i = 0; key && i < sizeof STATUS_WORDS / sizeof STATUS_WORDS[0]; i++)
        if (strcmp(STATUS_WORDS[i].key, key) == 0)
            return STATUS_WORDS[i].word;
    const Term *t = domain_find(DOMAIN_STATUSES, key);
    return t ? t->zh : (key ? key : "");
}

/* The latest applied step of the timeline that carries a note, or NULL;
 * *word names its kind. */
static json_t *latest_note(json_t *appeal, const char **word)
{
    json_t *found = NULL, *step;
    size_t i;
    json_array_foreach(json_object_get(appeal, "timeline"), i, step) {
        const char *kind = str(step, "kind");
        if (!kind || !str(step, "text") || !json_is_true(json_object_get(step, "applied")))
            continue;
        for (size_t k = 0; k < sizeof NOTE_STEPS / sizeof NOTE_STEPS[0]; k++)
            if (strcmp(NOTE_STEPS[k].kind, kind) == 0) {
                found = step;
                *word = NOTE_STEPS[k].word;
            }
    }
    return found;
}

/* The office's reason for a redaction, from the timeline, or NULL. */
static const char *redact_reason(json_t *appeal)
{
    const char *reason = NULL;
    json_t *step;
    size_t i;
    json_array_foreach(json_object_get(appeal, "timeline"), i, step) {
        const char *kind = str(step, "kind");
        if (kind && strcmp(kind, "redact") == 0 && json_is_true(json_object_get(step, "applied")))
            reason = str(step, "text");
    }
    return reason;
}

/* A <dt>/<dd> pair; value NULL shows `none`. */
static void fact(HtmlBuf *b, const char *name, const char *value, const char *none)
{
    html_printf(b, "<dt>%s</dt><dd>", name);
    html_esc(b, value ? value : none);
    html_puts(b, "</dd>");
}

static void item(HtmlBuf *b, int no, json_t *a)
{
    const char *code = str(a, "code");
    html_puts(b, "<article class=\"item\" id=\"");
    html_esc(b, code);
    html_printf(b, "\">\n<h2><span class=\"no\">%d.</span> <span class=\"code\">", no);
    html_esc(b, code);
    html_puts(b, "</span> ");
    html_esc(b, str(a, "hall_name") ? str(a, "hall_name") : str(a, "hall"));
    html_puts(b, " · ");
    html_esc(b, str(a, "category_zh") ? str(a, "category_zh") : str(a, "category"));
    html_puts(b, "<span class=\"status\">");
    html_esc(b, status_word(str(a, "status")));
    html_puts(b, "</span></h2>\n");

    /* The text: the office's own paper shows it, approved for the wall or
     * not, but not once the office redacted it. */
    if (json_is_true(json_object_get(a, "redacted"))) {
        const char *reason = redact_reason(a);
        html_printf(b, "<p class=\"text gone\">（%s", W_REDACTED);
        if (reason) {
            html_puts(b, "：");
            html_esc(b, reason);
        }
        html_puts(b, "）</p>\n");
    } else if (!str(a, "text")) {
        html_printf(b, "<p class=\"text gone\">（%s）</p>\n", W_MISSING);
    } else {
        html_puts(b, "<p class=\"text\">");
        html_esc(b, str(a, "text"));
        html_puts(b, "</p>\n");
    }

    html_puts(b, "<dl>");
    html_puts(b, "<dt>所在支部</dt><dd>");
    html_esc(b, str(a, "hall_name") ? str(a, "hall_name") : str(a, "hall"));
    html_puts(b, "（");
    html_esc(b, str(a, "hall"));
    html_puts(b, "）</dd>");
    fact(b, "网格", str(a, "grid"), "—");
    fact(b, "类别", str(a, "category_zh") ? str(a, "category_zh") : str(a, "category"), "—");
    fact(b, "受理日期", str(a, "created"), "—");
    fact(b, "分级日期", str(a, "graded"), "—");
    html_puts(b, "<dt>办理时限</dt><dd>");
    html_esc(b, str(a, "due") ? str(a, "due") : "—");
    json_int_t over = json_integer_value(json_object_get(a, "overdue_days"));
    if (over > 0)
        html_printf(b, " <span class=\"overdue\">已超期 %lld 天</span>", (long long)over);
    html_puts(b, "</dd>");
    fact(b, "包联党员", str(a, "member"), W_UNASSIGNED);
    fact(b, "责任领导", str(a, "leader"), W_UNASSIGNED);
    html_puts(b, "<dt>责任单位</dt><dd class=\"wide\">");
    html_esc(b, str(a, "unit") ? str(a, "unit") : W_UNASSIGNED);
    html_puts(b, "</dd>");
    const char *word = NULL;
    json_t *note = latest_note(a, &word);
    html_puts(b, "<dt>最新进展</dt><dd class=\"wide\">");
    if (note) {
        html_esc(b, str(note, "day"));
        html_printf(b, " %s：", word);
        html_esc(b, str(note, "text"));
    } else {
        html_puts(b, W_NO_NOTE);
    }
    html_puts(b, "</dd></dl>\n<p class=\"decide\">会议议定：</p>\n</article>\n");
}

static void page(HtmlBuf *b, const char *town, const char *today, const Agenda *g)
{
    int escalated = 0, overdue = 0;
    for (size_t i = 0; i < g->n; i++) {
        const char *status = str(g->a[i], "status");
        escalated += status && strcmp(status, "escalated") == 0;
        overdue += json_integer_value(json_object_get(g->a[i], "overdue_days")) > 0;
    }
    html_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>");
    html_esc(b, town);
    html_printf(b, "%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", TITLE,
                STYLE);
    html_esc(b, town);
    html_printf(b, "%s</h1>\n<p class=\"sub\">制表日期 ", TITLE);
    html_esc(b, today);
    if (g->n)
        html_printf(b, " · 未办结的橙色诉求 %zu 件（已提交联席会 %d 件，已超期 <span "
                       "class=\"overdue\">%d</span> 件），按办理时限先后排列",
                    g->n, escalated, overdue);
    html_puts(b, "</p>\n</header>\n<main>\n");
    if (!g->n)
        html_printf(b, "<p class=\"none\">%s</p>\n", W_NONE);
    for (size_t i = 0; i < g->n; i++)
        item(b, (int)i + 1, g->a[i]);
    html_puts(b, "</main>\n<footer>");
    html_esc(b, town);
    html_puts(b, " · 制表日期 ");
    html_esc(b, today);
    html_puts(b, " · 本议程供镇党政联席会议内部使用，群众的联系方式不在其中。</footer>\n"
                 "</body>\n</html>\n");
}

int agenda_html(sqlite3 *db, char **out, size_t *len, int *items, EwErr *err)
{
    Agenda g = {0};
    char *town = NULL, today[11];
    *out = NULL;
    *len = 0;
    int rc = db_exec(db, err, "SAVEPOINT agenda");
    if (rc)
        return rc;
    clock_format_day(db_today(db), today);
    config_get(db, "town.name", &town, NULL);
    /* Most orange appeals are solved: timelines only for those kept. */
    AppealFilter f = {.grade = "orange"};
    rc = view_appeals_each(db, &f, keep, &g, err);
    for (size_t i = 0; rc == EW_OK && i < g.n; i++) {
        json_t *full = NULL;
        rc = view_appeal(db, str(g.a[i], "code"), &full, err);
        json_decref(g.a[i]);
        g.a[i] = full ? full : json_object();
    }
    db_exec(db, NULL, "RELEASE agenda");
    if (rc == EW_OK) {
        if (g.n)
            qsort(g.a, g.n, sizeof *g.a, by_due);
        HtmlBuf b = {0};
        page(&b, town ? town : "", today, &g);
        *out = b.s;
        *len = b.n;
        if (items)
            *items = (int)g.n;
    }
    agenda_free(&g);
    free(town);
    return rc;
}

/* ---- the file ---- */

static int ends_with_html(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && ew_strieq(path + n - 5, ".html")) || (n > 4 && ew_strieq(path + n - 4, ".htm"));
}

/* Flushes the folder holding path (where the rename happened). */
static int fsync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? ew_xasprintf("%.*s", slash == path ? 1 : (int)(slash - path), path)
                      : ew_xstrdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

/* Writes all n bytes to fd; 0, or an errno value. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : ENOSPC;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int agenda_write(sqlite3 *db, const char *path, int *items, EwErr *err)
{
    if (!path || !ends_with_html(path))
        return ew_err(err, EW_EINPUT, "--out '%s' must be a file ending in .html",
                      path ? path : "");
    char *html = NULL;
    size_t len = 0;
    int rc = agenda_html(db, &html, &len, items, err);
    if (rc)
        return rc;
    /* A name of our own beside path: never an existing file. */
    char *tmp = ew_xasprintf("%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = ew_err(err, EW_EIO, "cannot write %s: %s", path, strerror(errno));
        goto done;
    }
    int e = write_all(fd, html, len);
    if (!e && fchmod(fd, 0644) != 0)
        e = errno;
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        rc = ew_err(err, EW_EIO, "cannot write %s: %s", path, strerror(e));
        goto done;
    }
    if (fsync_parent(path) != 0)
        rc = ew_err(err, EW_EIO, "wrote %s, but could not flush its folder: %s", path,
                    strerror(errno));
done:
    free(tmp);
    free(html);
    return rc;
}
