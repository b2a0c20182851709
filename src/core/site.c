/*
 * site.c: the static tracking site (see site.h).
 *
 * Each page is built in memory (a HtmlBuf) and written once, into a new
 * temporary folder beside the destination; when every file is written and
 * flushed the folder is swapped in by rename. Pages are made by three
 * passes over the appeals, each newest first as the wall lists them: one
 * with timelines (an appeal's own page, and each hall's figures), one for
 * the whole town's wall, and one per hall for its wall. Nothing here reads
 * a column that view.c does not already give to the kiosk's wall, and an
 * appeal's text is printed only where the wall would show it.
 *
 * Every string from the database goes through html_esc(); links are relative
 * (rel()), computed between two paths inside the export.
 */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE, nftw */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
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
#include "evalres.h"
#include "html.h"
#include "view.h"

/* ---- words and looks: data, not scattered literals ---- */

typedef struct GradeWord {
    const char *key;   /* view.h's grade, NULL for ungraded */
    const char *word;  /* always shown beside the colour */
    const char *css;   /* class giving the colour */
    const char *means; /* what the grade means, for the appeal's page */
} GradeWord;

static const GradeWord GRADES[] = {
    {"green", "绿色", "green", "包联党员和村党支部就能办理"},
    {"blue", "蓝色", "blue", "包联党员会同责任单位办理"},
    {"orange", "橙色", "orange", "难事：提交镇党政联席会研究解决"},
    {NULL, "未分级", "none", "等待镇里分级"},
};

static const struct {
    const char *kind, *word;
} STEPS[] = {
    {"new", "收到诉求"},       {"grade", "分级"},         {"assign", "分派"},
    {"progress", "办理进展"},  {"escalate", "提交镇党政联席会"},
    {"solve", "办结答复"},     {"reopen", "重新办理"},
    {"publish", "内容审核通过，公开上墙"}, {"redact", "内容已撤下"},
    {"rate", "群众评价"},
};

static const char SITE_TITLE[] = "群众诉求公开墙";
static const char W_PENDING[] = "内容待审核";
static const char W_REDACTED[] = "内容已撤下";
static const char W_NONE_YET[] = "待分派";
/* A code that satisfies the path rules, to check a template with. */
static const char PROBE_CODE[] = "H01-A222X";

static const char MARKER_TEXT[] =
    "echowall tracking site (echowallctl export site): this folder is replaced whole by the "
    "next export.\n";

static const char STYLE[] =
    "/* echowall tracking site: one style sheet, no scripts. */\n"
    ":root{--red:#B31B25;--bg:#EEF0F3;--text:#222222;--text2:#5F6368;--green:#2E9B4F;"
    "--blue:#2F6FD1;--orange:#E8862A;--none:#9AA0A6;--overdue:#D32F2F;--answer:#EAF5EC}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;background:var(--bg);color:var(--text);font-size:18px;line-height:1.6;"
    "font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\"Microsoft YaHei\","
    "\"WenQuanYi Micro Hei\",sans-serif;overflow-wrap:anywhere}\n"
    "a{color:#1A4FA0}\n"
    ".wrap{max-width:960px;margin:0 auto;padding:0 14px}\n"
    ".band{background:var(--red);color:#fff;padding:10px 0 14px}\n"
    ".band a{color:#fff;text-decoration:none}\n"
    ".band .town{margin:0;font-size:17px;opacity:.95}\n"
    ".band h1{margin:2px 0 0;font-size:27px;line-height:1.35}\n"
    ".band .sub{margin:4px 0 0;font-size:18px}\n"
    ".figs{display:flex;flex-wrap:wrap;gap:4px 20px;list-style:none;margin:8px 0 0;padding:0}\n"
    ".figs b{color:#FFD54F;font-size:32px;margin-right:4px;font-variant-numeric:tabular-nums}\n"
    ".tabs{display:flex;gap:8px;margin-top:12px;margin-bottom:12px}\n"
    ".tabs a{flex:1;display:block;min-height:48px;padding:10px 4px;text-align:center;"
    "background:#fff;color:var(--text);border-radius:8px;text-decoration:none;font-weight:bold;"
    "box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
    ".tabs a[aria-current]{background:var(--red);color:#fff}\n"
    "h2{font-size:22px;margin:18px 0 8px}\n"
    ".card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.14);"
    "border-left:8px solid var(--none);padding:10px 14px;margin:0 0 12px}\n"
    ".card.green{border-left-color:var(--green)}.card.blue{border-left-color:var(--blue)}"
    ".card.orange{border-left-color:var(--orange)}.card.plain{border-left-width:0}\n"
    ".card p{margin:4px 0}\n"
    ".meta{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:center}\n"
    ".code{font-family:\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-weight:bold;"
    "letter-spacing:.02em}\n"
    ".meta .code{font-size:20px}\n"
    ".chip{display:inline-block;border:1px solid #C4C8CE;border-radius:999px;padding:0 10px;"
    "font-size:16px;color:var(--text)}\n"
    ".grade{display:inline-block;font-size:16px;font-weight:bold;white-space:nowrap}\n"
    ".grade::before{content:\"\";display:inline-block;width:14px;height:14px;border-radius:50%;"
    "margin-right:5px;vertical-align:-1px;background:var(--none)}\n"
    ".grade.green::before{background:var(--green)}.grade.blue::before{background:var(--blue)}"
    ".grade.orange::before{background:var(--orange)}\n"
    ".status{font-weight:bold}\n"
    ".text{white-space:pre-line}\n"
    ".card .text.clip{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;"
    "line-clamp:3;overflow:hidden}\n"
    ".pending{color:var(--text2)}\n"
    ".small{font-size:16px;color:var(--text2)}\n"
    ".overdue{color:var(--overdue);font-weight:bold}\n"
    ".answer{background:var(--answer);color:#1E5E32;border-radius:8px;padding:6px 12px;"
    "margin:8px 0 4px;white-space:pre-line}\n"
    ".card .answer.clip{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;"
    "line-clamp:3;overflow:hidden}\n"
    ".more{display:block;min-height:44px;padding:8px 0 0;font-weight:bold}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}\n"
    "dl.facts dt{color:var(--text2)}dl.facts dd{margin:0}\n"
    "ol.timeline{list-style:none;margin:0;padding:0 0 0 4px}\n"
    "ol.timeline li{position:relative;padding:0 0 12px 26px;border-left:3px solid #C4C8CE}\n"
    "ol.timeline li:last-child{border-left-color:transparent}\n"
    "ol.timeline li::before{content:\"\";position:absolute;left:-9px;top:6px;width:15px;"
    "height:15px;border-radius:50%;background:var(--none)}\n"
    "ol.timeline li:last-child::before{background:var(--red)}\n"
    "ol.timeline p{margin:0}\n"
    ".by{font-size:15px;color:var(--text2);margin-left:8px}\n"
    ".note{white-space:pre-line;color:#333}\n"
    ".grades{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;margin:0;padding:0}\n"
    "ul.halls,ul.subjects{list-style:none;margin:0;padding:0}\n"
    "ul.halls a{display:block;min-height:48px;background:#fff;border-radius:8px;margin:0 0 8px;"
    "padding:8px 14px;text-decoration:none;color:var(--text);box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
    "ul.halls b{font-size:20px;margin-right:8px}\n"
    "ul.subjects li{border-top:1px solid #E0E3E7;padding:6px 0}\n"
    "ul.subjects li:first-child{border-top:0}\n"
    ".rate{font-weight:bold}.rank{color:var(--red);font-weight:bold;margin-left:10px}\n"
    ".pages{display:flex;justify-content:space-between;align-items:center;gap:8px;margin:12px 0}\n"
    ".pages a,.pages span{min-height:48px;padding:10px 14px}\n"
    ".pages a{background:#fff;border-radius:8px;font-weight:bold;text-decoration:none}\n"
    ".hint{color:var(--text2);font-size:16px}\n"
    "footer{color:var(--text2);font-size:15px;padding-top:8px;padding-bottom:24px}\n"
    "@media (min-width:720px){body{font-size:19px}.band h1{font-size:32px}}\n";

/* ---- the tracking URL's path ---- */

/* A path character a static host serves as it is. */
static int path_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c >= 0x80;
}

/* Splits tmpl's path around {code}: pre (from after the host's '/') and
 * post (up to any ? or #), each into 512 bytes. */
static int split_tmpl(const char *tmpl, char pre[512], char post[512], EwErr *err)
{
    const char *rest = NULL;
    if (!tmpl)
        return ew_err(err, EW_EINPUT, "town.tracking_url is not set");
    if (strncmp(tmpl, "https://", 8) == 0)
        rest = tmpl + 8;
    else if (strncmp(tmpl, "http://", 7) == 0)
        rest = tmpl + 7;
    if (!rest)
        return ew_err(err, EW_EINPUT, "town.tracking_url must start with https:// or http://");
    const char *at = strstr(tmpl, "{code}");
    const char *path = rest + strcspn(rest, "/?#");
    if (!at || at < path || *path != '/')
        return ew_err(err, EW_EINPUT,
                      "town.tracking_url %s: {code} must be in the URL's path (as in "
                      "https://example.gov.cn/echowall/{code}) for a static site",
                      tmpl);
    path++;
    const char *q = path + strcspn(path, "?#");
    if (q < at)
        return ew_err(err, EW_EINPUT,
                      "town.tracking_url %s: {code} is in the query; a static site needs it in "
                      "the path, as in https://example.gov.cn/echowall/{code}",
                      tmpl);
    const char *after = at + strlen("{code}");
    if ((size_t)(at - path) >= 512 || (size_t)(q - after) >= 512)
        return ew_err(err, EW_EINPUT, "town.tracking_url is too long for a site's path");
    snprintf(pre, 512, "%.*s", (int)(at - path), path);
    snprintf(post, 512, "%.*s", (int)(q - after), after);
    return EW_OK;
}

/* The index's folder: pre up to its last '/' (kept), "" when none. */
static void root_of(const char *pre, char root[512])
{
    const char *slash = strrchr(pre, '/');
    snprintf(root, 512, "%.*s", slash ? (int)(slash - pre + 1) : 0, pre);
}

int site_page_path(const char *tmpl, const char *code, char *out, size_t n, EwErr *err)
{
    char pre[512], post[512];
    int rc = split_tmpl(tmpl, pre, post, err);
    if (rc)
        return rc;
    char path[1200];
    snprintf(path, sizeof path, "%s%s%s", pre, code, post);
    /* Each segment plain; only the last may be empty (a trailing '/'). */
    for (const char *seg = path;;) {
        size_t len = strcspn(seg, "/");
        int last = seg[len] == 0;
        for (size_t i = 0; i < len; i++)
            if (!path_char_ok((unsigned char)seg[i]))
                return ew_err(err, EW_EINPUT,
                              "town.tracking_url %s: the character '%c' in its path cannot be a "
                              "file name on a static site (use letters, digits, - . _ ~)",
                              tmpl, seg[i]);
        if ((len == 0 && !last) || (len == 1 && seg[0] == '.') ||
            (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return ew_err(err, EW_EINPUT,
                          "town.tracking_url %s: its path has an empty, . or .. part", tmpl);
        if (last)
            break;
        seg += len + 1;
    }
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    const char *dot = strrchr(name, '.');
    const char *file;
    if (!*name)
        file = "index.html"; /* .../{code}/ */
    else if (!dot)
        file = "/index.html"; /* .../{code}: the folder's page */
    else if (ew_strieq(dot, ".html") || ew_strieq(dot, ".htm"))
        file = "";
    else
        return ew_err(err, EW_EINPUT,
                      "town.tracking_url %s: a static site serves pages ending in .html; end the "
                      "URL with {code}, {code}/ or {code}.html",
                      tmpl);
    if ((size_t)snprintf(out, n, "%s%s", path, file) >= n)
        return ew_err(err, EW_EINPUT, "town.tracking_url is too long for a site's path");
    return EW_OK;
}

/* ---- the export's state ---- */

typedef struct Hall {
    char code[8];   /* H07 */
    char *name;     /* the branch's name (malloc'd) */
    int appeals;    /* appeals of the hall */
    int solved;     /* of which solved */
    int overdue;    /* unsolved past their due date */
} Hall;

typedef struct Site {
    sqlite3 *db;
    EwErr *err;
    int rc;          /* the first error, EW_OK while none */
    char *tmp;       /* the folder being written (malloc'd) */
    char *tmpl;      /* town.tracking_url (malloc'd) */
    char root[512];  /* the index's folder inside the export: "" or ending in '/' */
    char *town;      /* the town's name (malloc'd) */
    int64_t today;   /* the database's today (CST day number) */
    char today_s[11];
    json_t *stats;   /* view_stats */
    Hall *halls;     /* every branch, by code */
    int nhalls;
    char **dirs;     /* folders made inside tmp, relative (for fsync) */
    int ndirs;
    HtmlBuf page;        /* the page being built */
    HtmlBuf list;        /* the cards of the wall page being built */
    int in_list;     /* cards in list */
    int listed;      /* cards of this wall so far */
    int total;       /* cards of this wall in all */
    const Hall *hall;/* the hall whose wall is built, NULL: the town's */
} Site;

static int fail_io(Site *s, const char *what, const char *path)
{
    if (!s->rc)
        s->rc = ew_err(s->err, EW_EIO, "%s %s: %s", what, path, strerror(errno));
    return s->rc;
}

/* Makes the folders of rel (a file's path) inside tmp. */
static int make_parents(Site *s, const char *rel)
{
    for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
        char *sub = ew_xasprintf("%.*s", (int)(p - rel), rel);
        char *full = ew_xasprintf("%s/%s", s->tmp, sub);
        if (mkdir(full, 0755) == 0) {
            s->dirs = ew_xrealloc(s->dirs, (size_t)(s->ndirs + 1) * sizeof *s->dirs);
            s->dirs[s->ndirs++] = sub;
            sub = NULL;
        } else if (errno != EEXIST) {
            fail_io(s, "cannot make the folder", full);
        }
        free(sub);
        free(full);
        if (s->rc)
            return s->rc;
    }
    return EW_OK;
}

/* Writes data as the new file rel inside tmp, and flushes it to disk. Two
 * pages at one path mean the template clashes with the site's own names. */
static int put_file(Site *s, const char *rel, const char *data, size_t n)
{
    if (s->rc || make_parents(s, rel))
        return s->rc;
    char *path = ew_xasprintf("%s/%s", s->tmp, rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        s->rc = ew_err(s->err, EW_EINPUT,
                       "town.tracking_url %s puts an appeal's page at %s, a file the site "
                       "needs for itself: choose another path",
                       s->tmpl, rel);
        free(path);
        return s->rc;
    }
    if (fd < 0) {
        fail_io(s, "cannot create", path);
        free(path);
        return s->rc;
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, data + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fail_io(s, "cannot write", path);
            break;
        }
        off += (size_t)w;
    }
    if (!s->rc && fsync(fd) != 0)
        fail_io(s, "cannot flush", path);
    if (close(fd) != 0 && !s->rc)
        fail_io(s, "cannot close", path);
    free(path);
    return s->rc;
}

static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* Removes a folder tree this export made (or a previous export). */
static void rm_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- pieces of pages ---- */

/* The link from the page at `from` to the file `to` (both inside the
 * export), escaped for an attribute. */
static void rel(HtmlBuf *b, const char *from, const char *to)
{
    const char *f = from, *t = to;
    for (;;) {
        const char *fs = strchr(f, '/'), *ts = strchr(t, '/');
        if (!fs || !ts || fs - f != ts - t || memcmp(f, t, (size_t)(fs - f)) != 0)
            break;
        f = fs + 1;
        t = ts + 1;
    }
    for (const char *p = strchr(f, '/'); p; p = strchr(p + 1, '/'))
        html_puts(b, "../");
    html_esc(b, t);
}

/* A file of the site's own, relative to the export: root + name. */
static const char *own(const Site *s, const char *name, char out[640])
{
    snprintf(out, 640, "%s%s", s->root, name);
    return out;
}

static void href(Site *s, HtmlBuf *b, const char *from, const char *name)
{
    char p[640];
    html_puts(b, "href=\"");
    rel(b, from, own(s, name, p));
    html_puts(b, "\"");
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static const GradeWord *grade_of(const char *key)
{
    size_t n = sizeof GRADES / sizeof GRADES[0];
    for (size_t i = 0; key && i + 1 < n; i++)
        if (strcmp(GRADES[i].key, key) == 0)
            return &GRADES[i];
    return &GRADES[n - 1];
}

static const char *status_word(const char *key)
{
    const Term *t = domain_find(DOMAIN_STATUSES, key);
    return t ? t->zh : (key ? key : "");
}

static const char *step_word(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof STEPS / sizeof STEPS[0]; i++)
        if (strcmp(STEPS[i].kind, kind) == 0)
            return STEPS[i].word;
    return "其他记录";
}

static const char *role_word(const char *role)
{
    if (!role || strcmp(role, "branch") == 0)
        return "村党支部";
    const Term *t = domain_find(DOMAIN_ROLES, role);
    return t ? t->zh : role;
}

static void grade_chip(HtmlBuf *b, const GradeWord *g)
{
    html_printf(b, "<span class=\"grade %s\">%s</span>", g->css, g->word);
}

/* The time limit as the kiosk says it: due date, then days left, due
 * today, overdue (in red, with words), solved on time or late. */
static void limit_line(Site *s, HtmlBuf *b, json_t *a, const char *label)
{
    const char *status = str(a, "status"), *due = str(a, "due"), *solved = str(a, "solved");
    int64_t dd = -1, sd = -1;
    if (due)
        clock_parse_day(due, &dd);
    if (solved)
        clock_parse_day(solved, &sd);
    if (due) {
        html_puts(b, label);
        html_esc(b, due);
        html_puts(b, " · ");
    }
    json_int_t over = json_integer_value(json_object_get(a, "overdue_days"));
    if (status && strcmp(status, "solved") == 0)
        html_puts(b, sd >= 0 && dd >= 0 && sd > dd ? "超期办结" : "已按期办结");
    else if (!due)
        html_puts(b, "等待镇里分级");
    else if (over > 0)
        html_printf(b, "<span class=\"overdue\">已超期 %lld 天</span>", (long long)over);
    else if (dd == s->today)
        html_puts(b, "今天到期");
    else
        html_printf(b, "还剩 %lld 天", (long long)(dd - s->today));
}

/* What the public may read of the appeal's own words: the text once
 * approved for the wall and not redacted; else a note (class pending). */
static void public_text(HtmlBuf *b, json_t *a, const char *cls, const char *reason)
{
    const char *text = str(a, "text");
    if (json_is_true(json_object_get(a, "redacted"))) {
        html_printf(b, "<p class=\"text pending\">%s", W_REDACTED);
        if (reason) {
            html_puts(b, "：");
            html_esc(b, reason);
        }
        html_puts(b, "</p>\n");
    } else if (json_is_true(json_object_get(a, "published")) && text) {
        html_printf(b, "<p class=\"text%s\">", cls);
        html_esc(b, text);
        html_puts(b, "</p>\n");
    } else {
        html_printf(b, "<p class=\"text pending\">%s</p>\n", W_PENDING);
    }
}

/* The start of every page: head, the red band's town line. The caller
 * writes the band's heading, then calls page_nav. */
static void page_head(Site *s, HtmlBuf *b, const char *from, const char *title)
{
    html_reset(b);
    html_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html_esc(b, title);
    html_puts(b, "</title>\n<link rel=\"stylesheet\" ");
    href(s, b, from, "style.css");
    html_puts(b, ">\n</head>\n<body>\n<header class=\"band\">\n<div class=\"wrap\">\n"
             "<p class=\"town\"><a ");
    href(s, b, from, "index.html");
    html_puts(b, ">");
    html_esc(b, s->town);
    html_printf(b, " · %s</a></p>\n", SITE_TITLE);
}

/* Closes the band and writes the tabs; cur: 0 town, 1 halls, 2 results, -1 none. */
static void page_nav(Site *s, HtmlBuf *b, const char *from, int cur)
{
    static const char *const names[3] = {"index.html", "halls.html", "results.html"};
    static const char *const words[3] = {"全镇诉求", "各村", "评议结果"};
    html_puts(b, "</div>\n</header>\n<nav class=\"tabs wrap\">");
    for (int i = 0; i < 3; i++) {
        html_puts(b, "<a ");
        href(s, b, from, names[i]);
        html_printf(b, "%s>%s</a>", i == cur ? " aria-current=\"page\"" : "", words[i]);
    }
    html_puts(b, "</nav>\n<main class=\"wrap\">\n");
}

static void page_end(Site *s, HtmlBuf *b)
{
    html_puts(b, "</main>\n<footer class=\"wrap\">数据截至 ");
    html_esc(b, s->today_s);
    html_puts(b, "。本站由回音壁系统生成，只公开办理情况；群众的联系方式和评价码不在网上公开。"
             "</footer>\n</body>\n</html>\n");
}

/* One appeal's card on a wall page at `from`, linking to its page. */
static void card(Site *s, HtmlBuf *b, const char *from, json_t *a)
{
    const char *code = str(a, "code");
    char page[1200];
    EwErr e;
    if (!code || site_page_path(s->tmpl, code, page, sizeof page, &e) != EW_OK)
        return; /* the template was checked; a code is always plain */
    const GradeWord *g = grade_of(str(a, "grade"));
    html_printf(b, "<article class=\"card %s\">\n<p class=\"meta\"><a class=\"code\" href=\"", g->css);
    rel(b, from, page);
    html_puts(b, "\">");
    html_esc(b, code);
    html_puts(b, "</a> <span class=\"chip\">");
    html_esc(b, str(a, "category_zh") ? str(a, "category_zh") : str(a, "category"));
    html_puts(b, "</span> ");
    grade_chip(b, g);
    html_puts(b, " <span class=\"status\">");
    html_esc(b, status_word(str(a, "status")));
    html_puts(b, "</span></p>\n");
    public_text(b, a, " clip", NULL);
    html_puts(b, "<p class=\"small\">");
    html_esc(b, str(a, "hall_name") ? str(a, "hall_name") : str(a, "hall"));
    html_puts(b, " · 包联：");
    html_esc(b, str(a, "member") ? str(a, "member") : W_NONE_YET);
    if (str(a, "unit")) {
        html_puts(b, " · 责任单位：");
        html_esc(b, str(a, "unit"));
    }
    html_puts(b, "</p>\n<p class=\"small\">反映于 ");
    html_esc(b, str(a, "created"));
    html_puts(b, " · ");
    limit_line(s, b, a, "时限 ");
    html_puts(b, "</p>\n");
    if (str(a, "answer")) {
        html_puts(b, "<p class=\"answer clip\">答复：");
        html_esc(b, str(a, "answer"));
        html_puts(b, "</p>\n");
    }
    html_puts(b, "<a class=\"more\" href=\"");
    rel(b, from, page);
    html_puts(b, "\">查看办理经过 ›</a>\n</article>\n");
}

/* ---- an appeal's own page ---- */

/* A timeline step's public detail, as the kiosk shows it. */
static void step_detail(HtmlBuf *b, json_t *t)
{
    const char *kind = str(t, "kind");
    if (!kind)
        return;
    HtmlBuf d = {0};
    if (strcmp(kind, "grade") == 0 && str(t, "grade")) {
        const GradeWord *g = grade_of(str(t, "grade"));
        grade_chip(&d, g);
        html_printf(&d, "：%s", g->means);
    } else if (strcmp(kind, "assign") == 0) {
        static const char *const who[][2] = {
            {"member_name", "包联党员"}, {"leader_name", "包联领导"}, {"unit_name", "责任单位"}};
        for (size_t i = 0; i < 3; i++) {
            if (!str(t, who[i][0]))
                continue;
            if (d.n)
                html_puts(&d, "；");
            html_printf(&d, "%s ", who[i][1]);
            html_esc(&d, str(t, who[i][0]));
        }
    } else if (strcmp(kind, "progress") == 0 || strcmp(kind, "solve") == 0 ||
               strcmp(kind, "escalate") == 0 || strcmp(kind, "reopen") == 0 ||
               strcmp(kind, "redact") == 0) {
        html_esc(&d, str(t, "text"));
    }
    if ((strcmp(kind, "grade") == 0 || strcmp(kind, "assign") == 0) && str(t, "due")) {
        html_puts(&d, d.n ? "；时限至 " : "时限至 ");
        html_esc(&d, str(t, "due"));
    }
    if (d.n) {
        html_puts(b, "<p class=\"note\">");
        html_put(b, d.s, d.n);
        html_puts(b, "</p>");
    }
    html_free(&d);
}

static void fact(HtmlBuf *b, const char *dt, const char *dd)
{
    html_printf(b, "<dt>%s</dt><dd>", dt);
    html_esc(b, dd);
    html_puts(b, "</dd>\n");
}

static Hall *find_hall(Site *s, const char *code)
{
    for (int i = 0; code && i < s->nhalls; i++)
        if (strcmp(s->halls[i].code, code) == 0)
            return &s->halls[i];
    return NULL;
}

static int appeal_page(Site *s, json_t *a, const char *path)
{
    HtmlBuf *b = &s->page;
    const char *code = str(a, "code"), *hall = str(a, "hall");
    const char *hall_name = str(a, "hall_name") ? str(a, "hall_name") : hall;
    const GradeWord *g = grade_of(str(a, "grade"));
    json_t *tl = json_object_get(a, "timeline");
    /* The office's reason, when it redacted the text. */
    const char *reason = NULL;
    for (size_t i = 0; i < json_array_size(tl); i++) {
        json_t *t = json_array_get(tl, i);
        if (json_is_true(json_object_get(t, "applied")) && str(t, "kind") &&
            strcmp(str(t, "kind"), "redact") == 0)
            reason = str(t, "text");
    }
    char title[256];
    snprintf(title, sizeof title, "%s · 办理进度 · %s回音壁", code, s->town);
    page_head(s, b, path, title);
    html_puts(b, "<h1><span class=\"code\">");
    html_esc(b, code);
    html_puts(b, "</span></h1>\n<p class=\"sub\">");
    html_esc(b, hall_name);
    html_puts(b, " · ");
    html_esc(b, str(a, "category_zh"));
    html_puts(b, " · <b>");
    html_esc(b, status_word(str(a, "status")));
    html_puts(b, "</b></p>\n");
    page_nav(s, b, path, -1);
    html_printf(b, "<article class=\"card %s\">\n<p class=\"meta\"><span class=\"chip\">", g->css);
    html_esc(b, str(a, "category_zh"));
    html_puts(b, "</span> ");
    grade_chip(b, g);
    html_puts(b, " <span class=\"status\">");
    html_esc(b, status_word(str(a, "status")));
    html_puts(b, "</span></p>\n");
    public_text(b, a, "", reason);
    html_puts(b, "<dl class=\"facts\">\n");
    html_puts(b, "<dt>所在村</dt><dd>");
    html_esc(b, hall_name);
    if (str(a, "grid")) {
        html_puts(b, " · ");
        html_esc(b, str(a, "grid"));
    }
    html_puts(b, "</dd>\n");
    fact(b, "反映日期", str(a, "created"));
    html_printf(b, "<dt>分级</dt><dd>");
    grade_chip(b, g);
    html_printf(b, "：%s</dd>\n", g->means);
    fact(b, "包联党员", str(a, "member") ? str(a, "member") : W_NONE_YET);
    if (str(a, "leader"))
        fact(b, "包联领导", str(a, "leader"));
    if (str(a, "unit"))
        fact(b, "责任单位", str(a, "unit"));
    html_puts(b, "<dt>办理时限</dt><dd>");
    limit_line(s, b, a, "");
    html_puts(b, "</dd>\n");
    if (str(a, "solved") && str(a, "answer"))
        fact(b, "办结日期", str(a, "solved"));
    html_puts(b, "</dl>\n");
    if (str(a, "answer")) {
        html_puts(b, "<p class=\"answer\"><b>答复：</b>");
        html_esc(b, str(a, "answer"));
        html_puts(b, "</p>\n");
    }
    html_puts(b, "</article>\n<h2>办理经过</h2>\n<ol class=\"timeline\">\n");
    for (size_t i = 0; i < json_array_size(tl); i++) {
        json_t *t = json_array_get(tl, i);
        if (!json_is_true(json_object_get(t, "applied")))
            continue; /* refused records are not part of the public story */
        const char *by = str(t, "by");
        html_puts(b, "<li><p><b>");
        html_esc(b, str(t, "day"));
        html_printf(b, " %s</b><span class=\"by\">%s</span></p>", step_word(str(t, "kind")),
             by && strcmp(by, "office") == 0 ? "镇里" : "村里");
        step_detail(b, t);
        html_puts(b, "</li>\n");
    }
    html_puts(b, "</ol>\n<p class=\"hint\">问题办结后，可以凭回执上的评价码在村里的触摸屏上评价办理结果。"
             "本页不公开反映人的联系方式。</p>\n<p>");
    if (find_hall(s, hall)) {
        char hp[64];
        snprintf(hp, sizeof hp, "hall/%s.html", hall);
        html_puts(b, "<a class=\"more\" ");
        href(s, b, path, hp);
        html_puts(b, ">看");
        html_esc(b, hall_name);
        html_puts(b, "的全部诉求 ›</a>");
    }
    html_puts(b, "<a class=\"more\" ");
    href(s, b, path, "index.html");
    html_puts(b, ">看全镇的诉求 ›</a></p>\n");
    page_end(s, b);
    return put_file(s, path, b->s, b->n);
}

static int each_page(void *ctx, json_t *a)
{
    Site *s = ctx;
    const char *code = str(a, "code");
    char path[1200];
    if (!code || site_page_path(s->tmpl, code, path, sizeof path, s->err) != EW_OK) {
        s->rc = s->rc ? s->rc : EW_EINPUT;
        return 1;
    }
    Hall *h = find_hall(s, str(a, "hall"));
    if (h) {
        h->appeals++;
        h->solved += str(a, "status") && strcmp(str(a, "status"), "solved") == 0;
        h->overdue += json_integer_value(json_object_get(a, "overdue_days")) > 0;
    }
    s->total++;
    return appeal_page(s, a, path) != EW_OK;
}

/* ---- walls: the town's and each hall's, SITE_PER_PAGE cards a page ---- */

/* The file of page no (1-based) of the current wall, relative to the export. */
static void wall_file(const Site *s, int no, char out[640])
{
    char name[64];
    if (s->hall)
        snprintf(name, sizeof name, no > 1 ? "hall/%s-p%d.html" : "hall/%s.html", s->hall->code, no);
    else if (no > 1)
        snprintf(name, sizeof name, "page-%d.html", no);
    else
        snprintf(name, sizeof name, "index.html");
    own(s, name, out);
}

static void figures(HtmlBuf *b, const int *v, const char *const *words, int n)
{
    html_puts(b, "<ul class=\"figs\">");
    for (int i = 0; i < n; i++)
        html_printf(b, "<li><b>%d</b>%s</li>", v[i], words[i]);
    html_puts(b, "</ul>\n");
}

static json_int_t figure(const Site *s, const char *k)
{
    return json_integer_value(json_object_get(s->stats, k));
}

/* Writes the current wall's page no with the cards gathered in s->list. */
static int wall_flush(Site *s, int no)
{
    int pages = s->total ? (s->total + SITE_PER_PAGE - 1) / SITE_PER_PAGE : 1;
    char path[640], title[256];
    wall_file(s, no, path);
    HtmlBuf *b = &s->page;
    const char *name = s->hall ? (s->hall->name ? s->hall->name : s->hall->code) : s->town;
    if (no > 1)
        snprintf(title, sizeof title, "%s · %s（第 %d 页）", name, SITE_TITLE, no);
    else
        snprintf(title, sizeof title, "%s · %s", name, SITE_TITLE);
    page_head(s, b, path, title);
    if (s->hall) {
        html_puts(b, "<h1>");
        html_esc(b, name);
        html_printf(b, "（%s）的诉求</h1>\n", s->hall->code);
    } else {
        html_puts(b, "<h1>全镇诉求办理情况</h1>\n");
    }
    static const char *const town_words[] = {"场评议活动", "条诉求", "件已解决", "件已超期"};
    static const char *const hall_words[] = {"条诉求", "件已解决", "件已超期"};
    if (s->hall) {
        int v[3] = {s->hall->appeals, s->hall->solved, s->hall->overdue};
        figures(b, v, hall_words, 3);
    } else {
        int v[4] = {(int)figure(s, "meetings"), (int)figure(s, "appeals"), (int)figure(s, "solved"),
                    (int)figure(s, "overdue")};
        figures(b, v, town_words, 4);
    }
    page_nav(s, b, path, s->hall ? 1 : 0);
    if (!s->hall && no == 1) {
        html_printf(b, "<p class=\"small\">全镇 %d 个村党支部 · %d 名包联党员 · %d 名包联领导 · "
                "%d 个责任单位</p>\n",
             (int)figure(s, "branches"), (int)figure(s, "leading_members"), (int)figure(s, "leaders"),
             (int)figure(s, "units"));
        html_puts(b, "<ul class=\"grades\">");
        json_t *bg = json_object_get(s->stats, "by_grade");
        for (size_t i = 0; i < sizeof GRADES / sizeof GRADES[0]; i++) {
            html_puts(b, "<li>");
            grade_chip(b, &GRADES[i]);
            html_printf(b, " %d 条</li>", (int)json_integer_value(
                                       json_object_get(bg, GRADES[i].key ? GRADES[i].key : "none")));
        }
        html_puts(b, "</ul>\n<p class=\"hint\">绿色：包联党员和村党支部就能办理；蓝色：会同责任单位办理；"
                 "橙色：难事，提交镇党政联席会研究。</p>\n");
    }
    html_printf(b, "<h2>%s（共 %d 条，新的在前）</h2>\n", s->hall ? "本村诉求" : "全部诉求", s->total);
    if (!s->total)
        html_puts(b, "<p class=\"pending\">这里还没有诉求。</p>\n");
    else
        html_put(b, s->list.s, s->list.n);
    if (pages > 1) {
        char other[640];
        html_puts(b, "<nav class=\"pages\">");
        if (no > 1) {
            wall_file(s, no - 1, other);
            html_puts(b, "<a href=\"");
            rel(b, path, other);
            html_puts(b, "\">‹ 上一页</a>");
        } else {
            html_puts(b, "<span></span>");
        }
        html_printf(b, "<span>第 %d / %d 页</span>", no, pages);
        if (no < pages) {
            wall_file(s, no + 1, other);
            html_puts(b, "<a href=\"");
            rel(b, path, other);
            html_puts(b, "\">下一页 ›</a>");
        } else {
            html_puts(b, "<span></span>");
        }
        html_puts(b, "</nav>\n");
    }
    page_end(s, b);
    html_reset(&s->list);
    s->in_list = 0;
    return put_file(s, path, b->s, b->n);
}

static int each_card(void *ctx, json_t *a)
{
    Site *s = ctx;
    char path[640];
    int no = s->listed / SITE_PER_PAGE + 1;
    wall_file(s, no, path);
    card(s, &s->list, path, a);
    s->listed++;
    s->in_list++;
    if (s->in_list == SITE_PER_PAGE && s->listed < s->total)
        return wall_flush(s, no) != EW_OK;
    return 0;
}

/* One wall (h NULL: the town's) of total appeals. */
static int wall(Site *s, const Hall *h, int total)
{
    AppealFilter f = {0};
    f.hall = h ? h->code : NULL;
    s->hall = h;
    s->total = total;
    s->listed = 0;
    html_reset(&s->list);
    s->in_list = 0;
    int rc = view_appeals_each(s->db, &f, each_card, s, s->err);
    if (rc && !s->rc)
        s->rc = rc;
    int last = (s->listed + SITE_PER_PAGE - 1) / SITE_PER_PAGE;
    if (!s->rc)
        wall_flush(s, last > 1 ? last : 1);
    s->hall = NULL;
    return s->rc;
}

static int halls_page(Site *s)
{
    char path[640];
    own(s, "halls.html", path);
    HtmlBuf *b = &s->page;
    char title[256];
    snprintf(title, sizeof title, "各村 · %s · %s", s->town, SITE_TITLE);
    page_head(s, b, path, title);
    html_printf(b, "<h1>各村的诉求</h1>\n<p class=\"sub\">%d 个村党支部</p>\n", s->nhalls);
    page_nav(s, b, path, 1);
    html_puts(b, "<ul class=\"halls\">\n");
    for (int i = 0; i < s->nhalls; i++) {
        const Hall *h = &s->halls[i];
        char hp[64];
        snprintf(hp, sizeof hp, "hall/%s.html", h->code);
        html_puts(b, "<li><a ");
        href(s, b, path, hp);
        html_puts(b, "><b>");
        html_esc(b, h->name ? h->name : h->code);
        html_puts(b, "</b><span class=\"small\">");
        html_esc(b, h->code);
        html_printf(b, " · %d 条诉求 · %d 件已解决", h->appeals, h->solved);
        if (h->overdue)
            html_printf(b, " · <span class=\"overdue\">%d 件已超期</span>", h->overdue);
        html_puts(b, "</span></a></li>\n");
    }
    html_puts(b, "</ul>\n");
    page_end(s, b);
    return put_file(s, path, b->s, b->n);
}

/* ---- evaluation results ---- */

typedef struct Meeting {
    char *id, *hall, *topic;
    int64_t day, ballots;
} Meeting;

static void meeting_card(Site *s, HtmlBuf *b, const Meeting *m, json_t *rows)
{
    const Hall *h = find_hall(s, m->hall);
    char day[11];
    clock_format_day(m->day, day);
    html_puts(b, "<section class=\"card plain\" id=\"m-");
    html_esc(b, m->id);
    html_puts(b, "\">\n<h2>");
    html_esc(b, h && h->name ? h->name : m->hall);
    html_puts(b, " · ");
    html_esc(b, day);
    html_puts(b, "</h2>\n<p class=\"small\">议题：");
    html_esc(b, m->topic);
    html_printf(b, " · %lld 张选票</p>\n<ul class=\"subjects\">\n", (long long)m->ballots);
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        json_t *rate = json_object_get(r, "excellence_rate");
        html_puts(b, "<li><p><b>");
        html_esc(b, str(r, "name"));
        html_puts(b, "</b> <span class=\"small\">");
        html_esc(b, role_word(str(r, "role")));
        html_puts(b, "</span></p>\n");
        if (json_is_true(json_object_get(r, "too_few")) || !json_is_number(rate)) {
            html_printf(b, "<p class=\"small\">评价票不足 %d 张，不公布结果</p></li>\n", EVAL_MIN_RATINGS);
            continue;
        }
        html_printf(b, "<p><span class=\"rate\">优秀率 %.0f%%</span>", json_number_value(rate) * 100.0);
        json_t *rank = json_object_get(r, "rank");
        if (json_is_integer(rank))
            html_printf(b, "<span class=\"rank\">第 %lld 名</span>", (long long)json_integer_value(rank));
        html_puts(b, "</p>\n<p class=\"small\">");
        json_t *counts = json_object_get(r, "counts");
        for (int k = 0; DOMAIN_RATINGS[k].key; k++)
            html_printf(b, "%s%s %lld", k ? " · " : "", DOMAIN_RATINGS[k].zh,
                 (long long)json_integer_value(json_object_get(counts, DOMAIN_RATINGS[k].key)));
        html_puts(b, "</p></li>\n");
    }
    html_puts(b, "</ul>\n</section>\n");
}

static int results_page(Site *s)
{
    Meeting *ms = NULL;
    int n = 0;
    /* site.results: the town may keep its evaluation results off the web. */
    char *choice = NULL;
    int hidden = config_get(s->db, "site.results", &choice, NULL) == EW_OK && choice &&
                 strcmp(choice, "none") == 0;
    free(choice);
    sqlite3_stmt *st = db_prep(s->db, s->err,
                               "SELECT id, hall, topic, opened_day, coalesce(ballots, 0) "
                               "FROM meetings WHERE status='closed' "
                               "ORDER BY opened_day DESC, id DESC",
                               NULL);
    if (!st)
        return s->rc = EW_EDB;
    while (!hidden && sqlite3_step(st) == SQLITE_ROW) {
        ms = ew_xrealloc(ms, (size_t)(n + 1) * sizeof *ms);
        ms[n].id = ew_xstrdup((const char *)sqlite3_column_text(st, 0));
        ms[n].hall = ew_xstrdup((const char *)sqlite3_column_text(st, 1));
        ms[n].topic = ew_xstrdup((const char *)sqlite3_column_text(st, 2));
        ms[n].day = sqlite3_column_int64(st, 3);
        ms[n].ballots = sqlite3_column_int64(st, 4);
        n++;
    }
    db_done(st);
    char path[640], title[256];
    own(s, "results.html", path);
    HtmlBuf *b = &s->page;
    snprintf(title, sizeof title, "评议结果 · %s · %s", s->town, SITE_TITLE);
    page_head(s, b, path, title);
    if (hidden) {
        html_puts(b, "<h1>评议结果</h1>\n");
        page_nav(s, b, path, 2);
        html_puts(b, "<p class=\"pending\">评议结果不在网上公布：请到村里的回音壁一体机上查看。</p>\n");
        page_end(s, b);
        return put_file(s, path, b->s, b->n);
    }
    html_printf(b, "<h1>评议结果</h1>\n<p class=\"sub\">已结束的 %d 场评议会，新的在前</p>\n", n);
    page_nav(s, b, path, 2);
    html_printf(b, "<p class=\"hint\">评议不记名，只计总数。优秀率 = 优秀票 ÷ 评价票（“不了解”不计在内）。"
            "评价票不足 %d 张的，不公布结果。</p>\n",
         EVAL_MIN_RATINGS);
    if (!n)
        html_puts(b, "<p class=\"pending\">还没有评议结果：评议会结束后在这里公布。</p>\n");
    for (int i = 0; i < n && !s->rc; i++) {
        json_t *rows = NULL;
        int rc = eval_meeting(s->db, ms[i].id, EVAL_MIN_RATINGS, &rows, s->err);
        if (rc == EW_OK)
            meeting_card(s, b, &ms[i], rows);
        else if (rc != EW_ESTATE && rc != EW_ENOTFOUND)
            s->rc = rc; /* voided or still open meanwhile: left out */
        json_decref(rows);
    }
    for (int i = 0; i < n; i++) {
        free(ms[i].id);
        free(ms[i].hall);
        free(ms[i].topic);
    }
    free(ms);
    if (s->rc)
        return s->rc;
    page_end(s, b);
    return put_file(s, path, b->s, b->n);
}

/* ---- the whole export ---- */

static int load(Site *s)
{
    sqlite3_stmt *st = db_prep(s->db, s->err, "SELECT code, name FROM branches ORDER BY code", NULL);
    if (!st)
        return s->rc = EW_EDB;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (!code || strlen(code) >= sizeof s->halls->code)
            continue;
        s->halls = ew_xrealloc(s->halls, (size_t)(s->nhalls + 1) * sizeof *s->halls);
        Hall *h = &s->halls[s->nhalls++];
        memset(h, 0, sizeof *h);
        snprintf(h->code, sizeof h->code, "%s", code);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        h->name = name ? ew_xstrdup(name) : NULL;
    }
    db_done(st);
    int rc = view_stats(s->db, &s->stats, s->err);
    if (rc)
        return s->rc = rc;
    s->town = ew_xstrdup(str(s->stats, "town") && *str(s->stats, "town") ? str(s->stats, "town")
                                                                          : "本镇");
    s->today = db_today(s->db);
    clock_format_day(s->today, s->today_s);
    return EW_OK;
}

static int write_all(Site *s)
{
    if (put_file(s, SITE_MARKER, MARKER_TEXT, sizeof MARKER_TEXT - 1))
        return s->rc;
    char p[640];
    if (put_file(s, own(s, "style.css", p), STYLE, sizeof STYLE - 1))
        return s->rc;
    AppealFilter all = {.timeline = 1};
    int rc = view_appeals_each(s->db, &all, each_page, s, s->err);
    if (rc && !s->rc)
        s->rc = rc;
    if (s->rc)
        return s->rc;
    int total = s->total;
    if (wall(s, NULL, total))
        return s->rc;
    for (int i = 0; i < s->nhalls; i++)
        if (wall(s, &s->halls[i], s->halls[i].appeals))
            return s->rc;
    if (halls_page(s) || results_page(s))
        return s->rc;
    /* Every folder's entries on disk before the folder is swapped in. */
    for (int i = s->ndirs - 1; i >= 0; i--) {
        char *full = ew_xasprintf("%s/%s", s->tmp, s->dirs[i]);
        if (fsync_dir(full) != 0)
            fail_io(s, "cannot flush the folder", full);
        free(full);
        if (s->rc)
            return s->rc;
    }
    if (fsync_dir(s->tmp) != 0)
        return fail_io(s, "cannot flush the folder", s->tmp);
    return EW_OK;
}

/* What dir is now: 0 absent, 1 an empty folder, 2 a previous export;
 * anything else is refused (EW_ESTATE). */
static int target_state(const char *dir, EwErr *err)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return ew_err(err, EW_EIO, "cannot read %s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return ew_err(err, EW_ESTATE, "%s exists and is not a folder: give a new folder's name",
                      dir);
    char *marker = ew_xasprintf("%s/%s", dir, SITE_MARKER);
    int ours = lstat(marker, &st) == 0 && S_ISREG(st.st_mode);
    free(marker);
    if (ours)
        return 2;
    DIR *d = opendir(dir);
    if (!d)
        return ew_err(err, EW_EIO, "cannot read %s: %s", dir, strerror(errno));
    int empty = 1;
    for (struct dirent *e; empty && (e = readdir(d));)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (empty)
        return 1;
    return ew_err(err, EW_ESTATE,
                  "%s already holds files and is not a site exported by echowall: nothing was "
                  "changed; give a new or empty folder",
                  dir);
}

/* Puts the finished tmp in place of dir (state as target_state said). */
static int swap_in(const char *tmp, const char *dir, int state, EwErr *err)
{
    if (state != 2) {
        if (rename(tmp, dir) != 0)
            return ew_err(err, EW_EIO, "cannot move the site into %s: %s", dir, strerror(errno));
        return EW_OK;
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        rm_tree(tmp); /* now the previous export */
        return EW_OK;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return ew_err(err, EW_EIO, "cannot swap the site into %s: %s", dir, strerror(errno));
    /* A file system without an atomic swap: two renames. */
    char *old = ew_xasprintf("%s.old", tmp);
    int rc = EW_OK;
    if (rename(dir, old) != 0) {
        rc = ew_err(err, EW_EIO, "cannot move the previous site %s aside: %s", dir,
                    strerror(errno));
    } else if (rename(tmp, dir) != 0) {
        rc = ew_err(err, EW_EIO, "cannot move the site into %s: %s", dir, strerror(errno));
        rename(old, dir);
    } else {
        rm_tree(old);
    }
    free(old);
    return rc;
}

int site_export(sqlite3 *db, const char *dir_in, EwErr *err)
{
    if (!dir_in || !*dir_in)
        return ew_err(err, EW_EINPUT, "give the folder to write the site into");
    Site s = {0};
    s.db = db;
    s.err = err;
    char *dir = ew_xstrdup(dir_in);
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
        dir[n - 1] = 0;
    char pre[512], post[512], probe[1200];
    int rc = config_get(db, "town.tracking_url", &s.tmpl, err);
    if (rc == EW_OK)
        rc = site_page_path(s.tmpl, PROBE_CODE, probe, sizeof probe, err);
    if (rc == EW_OK)
        rc = split_tmpl(s.tmpl, pre, post, err);
    int state = rc == EW_OK ? target_state(dir, err) : rc;
    if (state < 0) {
        rc = state;
        goto done;
    }
    root_of(pre, s.root);
    /* One read transaction: every page from the same snapshot. */
    int own_tx = sqlite3_get_autocommit(db);
    if (own_tx && (rc = db_exec(db, err, "BEGIN")) != EW_OK)
        goto done;
    if (load(&s))
        goto done_tx;
    s.tmp = ew_xasprintf("%s.tmp-XXXXXX", dir);
    if (!mkdtemp(s.tmp)) {
        s.rc = ew_err(err, EW_EIO, "cannot make a folder beside %s: %s", dir, strerror(errno));
        free(s.tmp);
        s.tmp = NULL;
        goto done_tx;
    }
    /* mkdtemp's folder is private; the site is for everyone to read. */
    if (chmod(s.tmp, 0755) != 0)
        fail_io(&s, "cannot set the permissions of", s.tmp);
    if (!s.rc && write_all(&s) == EW_OK)
        s.rc = swap_in(s.tmp, dir, state, err);
    if (s.rc) {
        rm_tree(s.tmp);
    } else {
        /* The parent's entry for dir, on disk too. */
        char *parent = ew_xstrdup(dir);
        char *slash = strrchr(parent, '/');
        if (slash == parent)
            slash[1] = 0;
        else if (slash)
            *slash = 0;
        fsync_dir(slash ? parent : ".");
        free(parent);
    }
done_tx:
    if (own_tx)
        db_exec(db, NULL, "COMMIT");
    rc = s.rc;
done:
    for (int i = 0; i < s.nhalls; i++)
        free(s.halls[i].name);
    free(s.halls);
    for (int i = 0; i < s.ndirs; i++)
        free(s.dirs[i]);
    free(s.dirs);
    html_free(&s.page);
    html_free(&s.list);
    json_decref(s.stats);
    free(s.town);
    free(s.tmpl);
    free(s.tmp);
    free(dir);
    return rc;
}
