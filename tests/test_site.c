/*
 * test_site.c: the static tracking site (src/core/site.c).
 *
 * On the demo town (seen from the office, 2025-06-01) with four appeals
 * added by the office: one with a private contact and a known rating code,
 * one whose text is HTML (<script>...), one never approved for the wall,
 * one approved and then redacted. The site is exported and read back:
 *  - every appeal has its page at the path the tracking URL names
 *    (site_page_path, and the rule spelt out here by hand);
 *  - every href and src of every page is relative and names a file of the
 *    export; every page is UTF-8 HTML5 in Chinese with a viewport and no
 *    script;
 *  - approved texts are on their pages, texts not approved (or redacted)
 *    on no page, the redaction's reason is; no contact, rating code or
 *    stored hash appears in any file; HTML in a text arrives escaped;
 *  - the town's figures, every hall's page and the closed meetings' results
 *    (subjects with too few ratings without figures; voided meetings left
 *    out) are there;
 *  - a second export is byte-identical; exporting over a previous export
 *    replaces it; a folder that is not an export is refused and untouched;
 *  - a template ending in {code}.html gives that layout, with links that
 *    still resolve; templates a static host cannot serve are refused;
 *  - headless Chromium renders the index and an appeal's page at phone
 *    size (390x844): the screenshots are read back and must show the red
 *    band and text. Without chromium this part is skipped, saying so.
 * ECHOWALL_SITE_KEEP=DIR copies the export and the screenshots there.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "appeal.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "device.h"
#include "meeting.h"
#include "site.h"
#include "testutil.h"
#include "view.h"

#define TODAY "2025-06-01"
#define CONTACT "13912345678"
#define RATING "735194"
#define SCRIPT_TEXT "路灯坏了 <script>alert('x')</script> & \"引号\""
#define SECRET_TEXT "这条诉求还没有审核，网上不能出现"
#define REDACTED_TEXT "这条诉求被镇里撤下，网上不能出现"
#define REDACT_REASON "含有他人姓名"
#define CONTACT_TEXT "村口的水渠堵了，下雨就漫到路上"

typedef struct Fixture {
    char *dir;
    sqlite3 *db;
    char contact_code[CODE_MAX], script_code[CODE_MAX], secret_code[CODE_MAX],
        redacted_code[CODE_MAX];
} Fixture;

static Fixture *fx;

/* ---- helpers ---- */

static void ok(int rc, const EwErr *e, const char *what)
{
    if (rc != EW_OK)
        print_error("%s: %d %s\n", what, rc, e->msg);
    assert_int_equal(rc, EW_OK);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Every regular file under a folder, relative paths, sorted. */
typedef struct Files {
    char **rel;
    int n;
} Files;

static Files *walking;
static size_t walk_base;

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_F && S_ISREG(st->st_mode)) {
        walking->rel = realloc(walking->rel, (size_t)(walking->n + 1) * sizeof *walking->rel);
        walking->rel[walking->n++] = strdup(path + walk_base + 1);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static Files list_files(const char *dir)
{
    Files f = {0};
    walking = &f;
    walk_base = strlen(dir);
    assert_int_equal(nftw(dir, walk_one, 16, FTW_PHYS), 0);
    walking = NULL;
    qsort(f.rel, (size_t)f.n, sizeof *f.rel, cmp_str);
    return f;
}

static void files_free(Files *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->rel[i]);
    free(f->rel);
}

/* A whole file, NUL-terminated (malloc'd); NULL when unreadable. */
static char *slurp(const char *path, size_t *len)
{
    size_t n;
    unsigned char *d = tu_read_file(path, &n);
    if (!d)
        return NULL;
    char *s = malloc(n + 1);
    memcpy(s, d, n);
    s[n] = 0;
    free(d);
    *len = n;
    return s;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* Every file of an export, concatenated (malloc'd), to look for strings. */
static char *all_text(const char *dir, size_t *len)
{
    Files f = list_files(dir);
    char *all = NULL;
    size_t n = 0;
    for (int i = 0; i < f.n; i++) {
        char *p = tu_path(dir, f.rel[i]);
        size_t l;
        unsigned char *d = tu_read_file(p, &l);
        assert_non_null(d);
        all = realloc(all, n + l + 2);
        memcpy(all + n, d, l);
        n += l;
        all[n++] = '\n';
        all[n] = 0;
        free(d);
        free(p);
    }
    files_free(&f);
    *len = n;
    return all;
}

static int contains(const char *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* s as the site escapes it (malloc'd). */
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
        } else if (*s != '\r') {
            out[n++] = *s;
        }
    }
    out[n] = 0;
    return out;
}

static int export(const char *dir, EwErr *e)
{
    memset(e, 0, sizeof *e);
    return site_export(fx->db, dir, e);
}

/* The page of code under the default template, by the rule in site.h. */
static char *page_of(const char *dir, const char *code)
{
    char *p;
    assert_true(asprintf(&p, "%s/echowall/%s/index.html", dir, code) > 0);
    return p;
}

/* ---- the fixture: demo town plus four appeals ---- */

static void add(Author *off, const char *hall, const char *text, const char *contact,
                char code[CODE_MAX])
{
    EwErr e = {0};
    char rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = hall, .category = "water", .text = text, .contact = contact,
                    .grid = "第二网格", .rating_code = RATING};
    ok(appeal_add(fx->db, off, &in, 0, code, rating, &e), &e, "appeal_add");
    assert_string_equal(rating, RATING);
}

static int setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    fx->dir = tu_tmpdir();
    tu_pin_day(TODAY);
    int64_t today;
    assert_int_equal(clock_parse_day(TODAY, &today), 0);
    double t0 = now_s();
    fx->db = tu_demo_db(fx->dir, "town.db", 1, NULL, today);
    EwErr e = {0};
    Author off;
    ok(db_begin(fx->db, &e), &e, "begin");
    ok(device_load_self(fx->db, &off, &e), &e, "load office");
    add(&off, "H07", CONTACT_TEXT, CONTACT, fx->contact_code);
    ok(appeal_publish(fx->db, &off, fx->contact_code, NULL, 0, &e), &e, "publish");
    add(&off, "H07", SCRIPT_TEXT, NULL, fx->script_code);
    ok(appeal_publish(fx->db, &off, fx->script_code, NULL, 0, &e), &e, "publish");
    char *member = NULL, *leader = NULL, *unit = NULL;
    ok(db_text(fx->db, &e, &member, "SELECT id FROM people WHERE branch='H07' AND "
               "role<>'leader' ORDER BY id LIMIT 1", NULL), &e, "member");
    ok(db_text(fx->db, &e, &leader, "SELECT id FROM people WHERE role='leader' ORDER BY id LIMIT 1",
               NULL), &e, "leader");
    ok(db_text(fx->db, &e, &unit, "SELECT id FROM units ORDER BY id LIMIT 1", NULL), &e, "unit");
    ok(appeal_grade(fx->db, &off, fx->script_code, "blue", NULL, NULL, 0, &e), &e, "grade");
    ok(appeal_assign(fx->db, &off, fx->script_code, member, leader, unit, NULL, NULL, 0, &e), &e,
       "assign");
    ok(appeal_step(fx->db, &off, "progress", fx->script_code, "已派电工 <b>查看</b>", NULL, 0, &e),
       &e, "progress");
    free(member);
    free(leader);
    free(unit);
    add(&off, "H08", SECRET_TEXT, NULL, fx->secret_code);
    add(&off, "H09", REDACTED_TEXT, "13800001111", fx->redacted_code);
    ok(appeal_publish(fx->db, &off, fx->redacted_code, NULL, 0, &e), &e, "publish");
    ok(appeal_redact(fx->db, &off, fx->redacted_code, REDACT_REASON, &e), &e, "redact");
    ok(db_commit(fx->db, &e), &e, "commit");
    sodium_memzero(&off, sizeof off);
    fprintf(stderr, "demo town with four more appeals: %.2f s\n", now_s() - t0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(fx->db);
    tu_rmdir(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

/* ---- the tests ---- */

static void test_page_paths(void **state)
{
    (void)state;
    static const struct {
        const char *tmpl, *path;
    } good[] = {
        {"https://example.gov.cn/echowall/{code}", "echowall/H07-A3K9Q/index.html"},
        {"https://example.gov.cn/echowall/{code}/", "echowall/H07-A3K9Q/index.html"},
        {"https://example.gov.cn/echowall/{code}.html", "echowall/H07-A3K9Q.html"},
        {"http://example.gov.cn/a/b/sq-{code}.HTM", "a/b/sq-H07-A3K9Q.HTM"},
        {"https://example.gov.cn/{code}", "H07-A3K9Q/index.html"},
        {"https://example.gov.cn/hf/{code}?from=qr#top", "hf/H07-A3K9Q/index.html"},
        {"https://example.gov.cn/hf/{code}/jd.html", "hf/H07-A3K9Q/jd.html"},
        {"https://example.gov.cn/回音壁/{code}", "回音壁/H07-A3K9Q/index.html"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char out[512];
        EwErr e = {0};
        ok(site_page_path(good[i].tmpl, "H07-A3K9Q", out, sizeof out, &e), &e, good[i].tmpl);
        assert_string_equal(out, good[i].path);
    }
    static const char *const bad[] = {
        "https://example.gov.cn/track?code={code}", "https://{code}.example.gov.cn/",
        "https://example.gov.cn/a/{code}.php",      "https://example.gov.cn/a/../{code}",
        "https://example.gov.cn/a%20b/{code}",      "https://example.gov.cn//{code}",
        "ftp://example.gov.cn/{code}",              "https://example.gov.cn/a:b/{code}",
        "https://example.gov.cn/echowall/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[512];
        EwErr e = {0};
        assert_int_equal(site_page_path(bad[i], "H07-A3K9Q", out, sizeof out, &e), EW_EINPUT);
        assert_true(strstr(e.msg, "town.tracking_url") != NULL);
    }
    char tiny[8];
    EwErr e = {0};
    assert_int_equal(site_page_path("https://x.cn/{code}", "H07-A3K9Q", tiny, sizeof tiny, &e),
                     EW_EINPUT);
}

/* Checks every link of every page of the export in dir; returns how many. */
static int check_links(const char *dir)
{
    Files f = list_files(dir);
    int links = 0, pages = 0;
    for (int i = 0; i < f.n; i++) {
        if (!ends_with(f.rel[i], ".html"))
            continue;
        pages++;
        char *path = tu_path(dir, f.rel[i]);
        size_t len;
        char *doc = slurp(path, &len);
        assert_non_null(doc);
        /* HTML5, Chinese, UTF-8, phone-sized, no script at all. */
        assert_true(strncmp(doc, "<!DOCTYPE html>\n<html lang=\"zh-CN\">", 35) == 0);
        assert_non_null(strstr(doc, "<meta charset=\"utf-8\">"));
        assert_non_null(strstr(doc, "name=\"viewport\" content=\"width=device-width"));
        assert_null(strcasestr(doc, "<script"));
        uint32_t cp;
        for (size_t k = 0; k < len;) {
            size_t n = ew_utf8_next((const unsigned char *)doc + k, len - k, &cp);
            if (!n)
                fail_msg("%s: not UTF-8 at byte %zu", f.rel[i], k);
            k += n;
        }
        assert_non_null(strstr(doc, "</html>\n"));
        static const char *const attrs[] = {" href=\"", " src=\""};
        for (size_t a = 0; a < 2; a++) {
            for (const char *p = strstr(doc, attrs[a]); p; p = strstr(p + 1, attrs[a])) {
                const char *v = p + strlen(attrs[a]);
                size_t vl = strcspn(v, "\"");
                char *link = strndup(v, vl);
                char *hash = strchr(link, '#');
                if (hash)
                    *hash = 0;
                if (!*link) { /* a fragment of the same page */
                    free(link);
                    continue;
                }
                if (strstr(link, "://") || link[0] == '/' || strchr(link, '&') ||
                    strchr(link, '?'))
                    fail_msg("%s: link %s is not a plain relative path", f.rel[i], link);
                /* Resolve against the page's folder, staying inside dir. */
                char *rel = strdup(f.rel[i]);
                char *slash = strrchr(rel, '/');
                if (slash)
                    slash[1] = 0;
                else
                    rel[0] = 0;
                char *target;
                assert_true(asprintf(&target, "%s%s", rel, link) > 0);
                char *segs[64];
                int ns = 0;
                for (char *save, *t = strtok_r(target, "/", &save); t;
                     t = strtok_r(NULL, "/", &save)) {
                    if (strcmp(t, "..") == 0) {
                        if (ns == 0)
                            fail_msg("%s: link %s leaves the export", f.rel[i], link);
                        ns--;
                    } else if (strcmp(t, ".") != 0) {
                        assert_true(ns < 64);
                        segs[ns++] = t;
                    }
                }
                char full[4096];
                size_t fl = (size_t)snprintf(full, sizeof full, "%s", dir);
                for (int k = 0; k < ns; k++)
                    fl += (size_t)snprintf(full + fl, sizeof full - fl, "/%s", segs[k]);
                if (!is_file(full))
                    fail_msg("%s: link %s names no file (%s)", f.rel[i], link, full);
                links++;
                free(target);
                free(rel);
                free(link);
            }
        }
        free(doc);
        free(path);
    }
    files_free(&f);
    assert_true(pages > 0);
    return links;
}

static void test_export(void **state)
{
    (void)state;
    EwErr e;
    char *site = tu_path(fx->dir, "site");
    double t0 = now_s();
    ok(export(site, &e), &e, "site_export");
    double took = now_s() - t0;
    /* Nothing left beside it. */
    char *pat = tu_path(fx->dir, "site.tmp-");
    Files top = list_files(fx->dir);
    for (int i = 0; i < top.n; i++)
        assert_null(strstr(top.rel[i], "site.tmp-"));
    files_free(&top);
    free(pat);

    /* Every appeal at its path, with its code. */
    json_t *all = NULL;
    AppealFilter f = {0};
    ok(view_appeals(fx->db, &f, &all, &e), &e, "view_appeals");
    assert_int_equal(json_array_size(all), 187);
    size_t i;
    json_t *a;
    json_array_foreach(all, i, a) {
        const char *code = json_string_value(json_object_get(a, "code"));
        char *want = page_of(site, code);
        char rel[512];
        ok(site_page_path("https://example.gov.cn/echowall/{code}", code, rel, sizeof rel, &e),
           &e, "path");
        char *got = tu_path(site, rel);
        assert_string_equal(got, want);
        if (!is_file(want))
            fail_msg("no page for %s at %s", code, want);
        size_t len;
        char *doc = slurp(want, &len);
        assert_non_null(strstr(doc, code));
        /* The approved text on its page. */
        const char *text = json_string_value(json_object_get(a, "text"));
        if (text && json_is_true(json_object_get(a, "published")) &&
            !json_is_true(json_object_get(a, "redacted"))) {
            char *h = html(text);
            if (!strstr(doc, h))
                fail_msg("%s: its approved text is not on its page", code);
            free(h);
        }
        free(doc);
        free(got);
        free(want);
    }

    size_t n;
    char *text = all_text(site, &n);
    /* Texts not approved for the wall are nowhere (unless the very same
     * words were approved in another appeal). */
    int hidden = 0, shown = 0;
    json_array_foreach(all, i, a) {
        const char *t = json_string_value(json_object_get(a, "text"));
        if (!t)
            continue;
        int pub = json_is_true(json_object_get(a, "published")) &&
                  !json_is_true(json_object_get(a, "redacted"));
        if (pub) {
            shown++;
            continue;
        }
        int twin = 0;
        size_t j;
        json_t *b;
        json_array_foreach(all, j, b) {
            const char *u = json_string_value(json_object_get(b, "text"));
            twin |= u && strcmp(u, t) == 0 && json_is_true(json_object_get(b, "published")) &&
                    !json_is_true(json_object_get(b, "redacted"));
        }
        if (twin)
            continue;
        char *h = html(t);
        if (contains(text, n, h))
            fail_msg("the unapproved text of %s is in the site", json_string_value(json_object_get(a, "code")));
        free(h);
        hidden++;
    }
    assert_true(hidden >= 2 && shown > 20);
    assert_false(contains(text, n, SECRET_TEXT));
    assert_false(contains(text, n, REDACTED_TEXT));
    assert_true(contains(text, n, REDACT_REASON));
    assert_true(contains(text, n, CONTACT_TEXT));
    /* Nothing private: contacts, the rating code, stored hashes. */
    assert_false(contains(text, n, CONTACT));
    assert_false(contains(text, n, "13800001111"));
    assert_false(contains(text, n, RATING));
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(fx->db,
                                        "SELECT rating_hash FROM appeals UNION "
                                        "SELECT contact_hash FROM appeals WHERE contact_hash "
                                        "IS NOT NULL UNION SELECT text_hash FROM appeals",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int hashes = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(st, 0);
        assert_false(contains(text, n, h));
        hashes++;
    }
    sqlite3_finalize(st);
    assert_true(hashes > 183);
    /* HTML in a text arrives as text. */
    assert_false(contains(text, n, "<script"));
    assert_false(contains(text, n, "<b>查看</b>"));
    char *h = html(SCRIPT_TEXT);
    assert_true(contains(text, n, h));
    assert_true(contains(text, n, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;"));
    assert_true(contains(text, n, "已派电工 &lt;b&gt;查看&lt;/b&gt;"));
    free(h);
    free(text);

    /* The index: the town's figures and every appeal, newest first, on two pages. */
    char *index = tu_path(site, "echowall/index.html");
    char *doc = slurp(index, &n);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "青石镇"));
    assert_non_null(strstr(doc, "<b>187</b>条诉求"));
    assert_non_null(strstr(doc, "<b>39</b>场评议活动"));
    assert_non_null(strstr(doc, "（共 187 条，新的在前）"));
    assert_non_null(strstr(doc, "第 1 / 2 页"));
    const char *first = json_string_value(json_object_get(json_array_get(all, 0), "code"));
    char *want = NULL;
    assert_true(asprintf(&want, "href=\"%s/index.html\"", first) > 0);
    assert_non_null(strstr(doc, want)); /* the newest, linked */
    free(want);
    for (const char *g = "绿色\0蓝色\0橙色\0未分级\0"; *g; g += strlen(g) + 1)
        assert_non_null(strstr(doc, g)); /* every grade in words */
    free(doc);
    free(index);
    char *p2 = tu_path(site, "echowall/page-2.html");
    assert_true(is_file(p2));
    free(p2);
    /* Every hall has its page; H07 lists the contact appeal. */
    for (int k = 1; k <= 38; k++) {
        char name[64];
        snprintf(name, sizeof name, "echowall/hall/H%02d.html", k);
        char *hp = tu_path(site, name);
        assert_true(is_file(hp));
        free(hp);
    }
    char *h07 = tu_path(site, "echowall/hall/H07.html");
    doc = slurp(h07, &n);
    assert_non_null(strstr(doc, fx->contact_code));
    assert_null(strstr(doc, fx->secret_code)); /* H08's */
    free(doc);
    free(h07);
    /* Results: the 39 closed meetings, without figures for too few ratings. */
    char *res = tu_path(site, "echowall/results.html");
    doc = slurp(res, &n);
    assert_non_null(doc);
    int meetings = 0;
    for (const char *p = strstr(doc, "<section"); p; p = strstr(p + 1, "<section"))
        meetings++;
    assert_int_equal(meetings, 39);
    assert_non_null(strstr(doc, "优秀率 "));
    free(doc);
    free(res);

    int links = check_links(site);
    Files files = list_files(site);
    off_t bytes = 0;
    for (int k = 0; k < files.n; k++) {
        char *p = tu_path(site, files.rel[k]);
        struct stat sst;
        assert_int_equal(stat(p, &sst), 0);
        bytes += sst.st_size;
        free(p);
    }
    fprintf(stderr, "export: %d files, %lld bytes, %d links checked, %.2f s\n", files.n,
            (long long)bytes, links, took);
    files_free(&files);
    json_decref(all);
    free(site);
}

/* A voided meeting's results are not published. */
static void test_void_left_out(void **state)
{
    (void)state;
    EwErr e = {0};
    char *id = NULL;
    assert_int_equal(db_text(fx->db, &e, &id,
                             "SELECT id FROM meetings WHERE status='closed' ORDER BY id LIMIT 1",
                             NULL),
                     EW_OK);
    assert_non_null(id);
    char *site = tu_path(fx->dir, "void-site");
    ok(export(site, &e), &e, "export");
    char *res = tu_path(site, "echowall/results.html");
    size_t n;
    char *doc = slurp(res, &n);
    char anchor[128];
    snprintf(anchor, sizeof anchor, "id=\"m-%s\"", id);
    assert_non_null(strstr(doc, anchor));
    free(doc);
    Author off;
    ok(db_begin(fx->db, &e), &e, "begin");
    ok(device_load_self(fx->db, &off, &e), &e, "self");
    ok(meeting_void(fx->db, &off, id, "测试作废", 0, &e), &e, "void");
    ok(db_commit(fx->db, &e), &e, "commit");
    sodium_memzero(&off, sizeof off);
    ok(export(site, &e), &e, "export again");
    doc = slurp(res, &n);
    assert_null(strstr(doc, anchor));
    assert_non_null(strstr(doc, "已结束的 38 场评议会"));
    free(doc);
    /* The town keeps its results off the web (site.results none): the page
     * says where to see them and names nobody. */
    ok(db_begin(fx->db, &e), &e, "begin");
    ok(device_load_self(fx->db, &off, &e), &e, "self");
    ok(config_set(fx->db, &off, "site.results", "none", &e), &e, "site.results none");
    ok(db_commit(fx->db, &e), &e, "commit");
    sodium_memzero(&off, sizeof off);
    ok(export(site, &e), &e, "export without results");
    doc = slurp(res, &n);
    assert_non_null(strstr(doc, "评议结果不在网上公布"));
    assert_null(strstr(doc, "优秀率"));
    assert_null(strstr(doc, "id=\"m-"));
    free(doc);
    ok(db_begin(fx->db, &e), &e, "begin");
    ok(device_load_self(fx->db, &off, &e), &e, "self");
    ok(config_set(fx->db, &off, "site.results", "all", &e), &e, "site.results all");
    ok(db_commit(fx->db, &e), &e, "commit");
    sodium_memzero(&off, sizeof off);
    free(res);
    tu_rmdir(site);
    free(site);
    free(id);
}

static int same_tree(const char *a, const char *b)
{
    Files fa = list_files(a), fb = list_files(b);
    int same = fa.n == fb.n;
    for (int i = 0; same && i < fa.n; i++) {
        same = strcmp(fa.rel[i], fb.rel[i]) == 0;
        char *pa = tu_path(a, fa.rel[i]), *pb = tu_path(b, fb.rel[i]);
        same = same && tu_same_file(pa, pb);
        if (!same)
            fprintf(stderr, "differs: %s\n", fa.rel[i]);
        free(pa);
        free(pb);
    }
    files_free(&fa);
    files_free(&fb);
    return same;
}

static void test_deterministic_and_replace(void **state)
{
    (void)state;
    EwErr e;
    char *a = tu_path(fx->dir, "det-a"), *b = tu_path(fx->dir, "det-b");
    ok(export(a, &e), &e, "export a");
    assert_int_equal(mkdir(b, 0755), 0); /* an empty folder is fine */
    ok(export(b, &e), &e, "export b");
    assert_true(same_tree(a, b));
    /* Over a previous export: replaced whole (a stray page goes too). */
    char *stray = tu_path(b, "echowall/H07-OLD/index.html");
    char *stray_dir = tu_path(b, "echowall/H07-OLD");
    assert_int_equal(mkdir(stray_dir, 0755), 0);
    tu_write_file(stray, "old", 3);
    char *slash = tu_suffixed(b, "/");
    ok(export(slash, &e), &e, "export over b");
    assert_false(is_file(stray));
    assert_true(same_tree(a, b));
    Files top = list_files(fx->dir);
    for (int i = 0; i < top.n; i++)
        assert_null(strstr(top.rel[i], ".tmp-"));
    files_free(&top);
    free(slash);
    free(stray);
    free(stray_dir);
    tu_rmdir(a);
    tu_rmdir(b);
    free(a);
    free(b);
}

static void test_refuses_foreign_folder(void **state)
{
    (void)state;
    EwErr e;
    char *d = tu_path(fx->dir, "theirs");
    assert_int_equal(mkdir(d, 0755), 0);
    char *keep = tu_path(d, "keep.txt");
    tu_write_file(keep, "mine", 4);
    assert_int_equal(export(d, &e), EW_ESTATE);
    assert_non_null(strstr(e.msg, "not a site exported by echowall"));
    size_t n;
    unsigned char *k = tu_read_file(keep, &n);
    assert_non_null(k);
    assert_int_equal(n, 4);
    free(k);
    Files f = list_files(d);
    assert_int_equal(f.n, 1);
    files_free(&f);
    /* A file, not a folder. */
    assert_int_equal(export(keep, &e), EW_ESTATE);
    /* A parent that does not exist. */
    char *deep = tu_path(fx->dir, "no/such/site");
    assert_int_equal(export(deep, &e), EW_EIO);
    assert_int_equal(export("", &e), EW_EINPUT);
    /* Nothing left behind. */
    Files top = list_files(fx->dir);
    for (int i = 0; i < top.n; i++)
        assert_null(strstr(top.rel[i], ".tmp-"));
    files_free(&top);
    free(deep);
    free(keep);
    free(d);
}

static void set_template(const char *url)
{
    EwErr e = {0};
    Author off;
    ok(db_begin(fx->db, &e), &e, "begin");
    ok(device_load_self(fx->db, &off, &e), &e, "self");
    ok(config_set(fx->db, &off, "town.tracking_url", url, &e), &e, "config_set");
    ok(db_commit(fx->db, &e), &e, "commit");
    sodium_memzero(&off, sizeof off);
}

static void test_html_template(void **state)
{
    (void)state;
    EwErr e;
    set_template("https://www.qingshi.gov.cn/{code}.html?src=qr");
    char *site = tu_path(fx->dir, "html-site");
    ok(export(site, &e), &e, "export");
    char name[64];
    snprintf(name, sizeof name, "%s.html", fx->script_code);
    char *page = tu_path(site, name), *index = tu_path(site, "index.html");
    assert_true(is_file(page));
    assert_true(is_file(index));
    size_t n;
    char *doc = slurp(index, &n);
    char want[96];
    snprintf(want, sizeof want, "href=\"%s.html\"", fx->script_code);
    assert_non_null(strstr(doc, want));
    free(doc);
    check_links(site);
    /* A template a static host cannot serve: refused, nothing written. */
    set_template("https://www.qingshi.gov.cn/track.php?code={code}");
    char *other = tu_path(fx->dir, "php-site");
    assert_int_equal(export(other, &e), EW_EINPUT);
    assert_false(is_file(other));
    struct stat st;
    assert_int_equal(stat(other, &st), -1);
    set_template("https://example.gov.cn/echowall/{code}");
    tu_rmdir(site);
    free(other);
    free(page);
    free(index);
    free(site);
}

/* ---- headless Chromium at phone size ---- */

typedef struct Shot {
    int w, h;
    long red;      /* pixels of the band's red */
    long dark;     /* text-dark pixels */
    long colours;  /* distinct colours (of 4096 buckets) */
    double band_h; /* height of the red band in the first column of red */
} Shot;

static int read_png(const char *path, Shot *s)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        return -1;
    img.format = PNG_FORMAT_RGB;
    size_t stride = PNG_IMAGE_ROW_STRIDE(img);
    unsigned char *px = malloc(PNG_IMAGE_BUFFER_SIZE(img, stride));
    if (!png_image_finish_read(&img, NULL, px, (png_int_32)stride, NULL)) {
        free(px);
        return -1;
    }
    memset(s, 0, sizeof *s);
    s->w = (int)img.width;
    s->h = (int)img.height;
    static unsigned char seen[4096];
    memset(seen, 0, sizeof seen);
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            const unsigned char *p = px + (size_t)y * stride + (size_t)x * 3;
            if (abs(p[0] - 0xB3) < 12 && abs(p[1] - 0x1B) < 12 && abs(p[2] - 0x25) < 12) {
                s->red++;
                if (x == 2 && y == (int)s->band_h)
                    s->band_h++;
            }
            if (p[0] < 80 && p[1] < 80 && p[2] < 80)
                s->dark++;
            int bucket = (p[0] >> 4) << 8 | (p[1] >> 4) << 4 | (p[2] >> 4);
            if (!seen[bucket]) {
                seen[bucket] = 1;
                s->colours++;
            }
        }
    free(px);
    return 0;
}

static void shoot(const char *page, const char *png, const char *profile)
{
    char *cmd;
    assert_true(asprintf(&cmd,
                         "timeout 90 chromium --headless --disable-gpu --no-sandbox "
                         "--no-first-run --hide-scrollbars --user-data-dir='%s' "
                         "--window-size=390,844 --screenshot='%s' 'file://%s' "
                         ">/dev/null 2>&1",
                         profile, png, page) > 0);
    double t0 = now_s();
    int rc = system(cmd);
    fprintf(stderr, "chromium: %.2f s\n", now_s() - t0);
    free(cmd);
    if (rc != 0)
        fail_msg("chromium failed (%d) on %s", rc, page);
    Shot s = {0};
    if (read_png(png, &s) != 0)
        fail_msg("%s: not a PNG", png);
    fprintf(stderr, "  %s: %dx%d, red %ld, dark %ld, colours %ld, band %.0f px\n", png, s.w, s.h,
            s.red, s.dark, s.colours, s.band_h);
    assert_int_equal(s.w, 390);
    assert_int_equal(s.h, 844);
    /* The red band across the top, text on the page, anti-aliased glyphs. */
    assert_true(s.band_h >= 60);
    assert_true(s.red >= 390 * 60);
    assert_true(s.dark >= 2000);
    assert_true(s.colours >= 40);
}

static void test_chromium(void **state)
{
    (void)state;
    if (system("command -v chromium >/dev/null 2>&1") != 0) {
        fprintf(stderr, "chromium is not installed (Debian package chromium, in "
                        "image/debian-packages.txt): the phone-size rendering check is "
                        "SKIPPED\n");
        skip();
    }
    EwErr e;
    char *site = tu_path(fx->dir, "shot-site");
    ok(export(site, &e), &e, "export");
    char *shots = tu_path(fx->dir, "shots");
    assert_int_equal(mkdir(shots, 0755), 0);
    char *profile = tu_path(fx->dir, "chromium-profile");
    char *index = tu_path(site, "echowall/index.html");
    char *index_png = tu_path(shots, "index.png");
    shoot(index, index_png, profile);
    /* An appeal with a published text, an answer and a long timeline. */
    char *code = NULL;
    assert_int_equal(db_text(fx->db, &e, &code,
                             "SELECT a.code FROM appeals a WHERE a.status='solved' AND "
                             "a.published=1 AND a.redacted=0 ORDER BY (SELECT count(*) FROM "
                             "timeline t WHERE t.code=a.code) DESC, a.code LIMIT 1",
                             NULL),
                     EW_OK);
    assert_non_null(code);
    char *page = page_of(site, code);
    char *page_png = tu_path(shots, "appeal.png");
    shoot(page, page_png, profile);
    const char *keep = getenv("ECHOWALL_SITE_KEEP");
    if (keep && *keep) {
        char *cmd;
        assert_true(asprintf(&cmd, "mkdir -p '%s' && cp -r '%s' '%s' '%s/'", keep, site, shots,
                             keep) > 0);
        assert_int_equal(system(cmd), 0);
        free(cmd);
        fprintf(stderr, "kept in %s (appeal %s)\n", keep, code);
    }
    free(code);
    free(page);
    free(page_png);
    free(index_png);
    free(index);
    free(profile);
    free(shots);
    free(site);
}

/* From a hall's database too; a subject with fewer than 5 ratings is named
 * without figures. */
static void test_hall_too_few(void **state)
{
    (void)state;
    int64_t today;
    assert_int_equal(clock_parse_day(TODAY, &today), 0);
    sqlite3 *db = tu_demo_db(fx->dir, "hall.db", 1, "H07", today);
    EwErr e = {0};
    Author self;
    char *person = NULL, id[MEETING_ID_MAX];
    ok(db_text(db, &e, &person, "SELECT id FROM people WHERE branch='H07' AND role='grid_leader' "
               "ORDER BY id LIMIT 1", NULL), &e, "person");
    assert_non_null(person);
    const char *subjects[] = {"branch", person, NULL};
    ok(db_begin(db, &e), &e, "begin");
    ok(device_load_self(db, &self, &e), &e, "self");
    ok(meeting_open(db, &self, "H07", "少数人参加的评议", subjects, 0, NULL, 0, id, &e), &e, "open");
    json_t *tallies = json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "branch", "excellent", 3, "unknown", 6,
                                person, "excellent", 5, "good", 4);
    ok(meeting_close_with(db, &self, id, tallies, 9, NULL, 0, &e), &e, "close");
    json_decref(tallies);
    ok(db_commit(db, &e), &e, "commit");
    sodium_memzero(&self, sizeof self);
    char *site = tu_path(fx->dir, "hall-site");
    ok(site_export(db, site, &e), &e, "export from the hall");
    char *res = tu_path(site, "echowall/results.html");
    size_t n;
    char *doc = slurp(res, &n);
    assert_non_null(doc);
    char anchor[128];
    snprintf(anchor, sizeof anchor, "id=\"m-%s\"", id);
    char *sec = strstr(doc, anchor);
    assert_non_null(sec);
    char *end = strstr(sec, "</section>");
    assert_non_null(end);
    *end = 0;
    /* The branch: 3 ratings, named, no figures; the leader: 9, with figures. */
    assert_non_null(strstr(sec, "评价票不足 5 张，不公布结果"));
    assert_null(strstr(sec, "优秀 3"));
    assert_non_null(strstr(sec, "优秀率 56%"));
    assert_non_null(strstr(sec, "优秀 5 · 良好 4 · 一般 0 · 差 0 · 不了解 0"));
    free(doc);
    check_links(site);
    struct stat st;
    assert_int_equal(stat(site, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0755);
    tu_rmdir(site);
    free(res);
    free(site);
    free(person);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_paths),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_deterministic_and_replace),
        cmocka_unit_test(test_refuses_foreign_folder),
        cmocka_unit_test(test_html_template),
        cmocka_unit_test(test_chromium),
        cmocka_unit_test(test_void_left_out),
        cmocka_unit_test(test_hall_too_few),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
