/*
 * office.c: the town office station's Source callbacks (model.h): its
 * lists of appeals, one appeal as the office sees it (the text before it
 * is public, the sealed contact), what the office does to an appeal, and
 * the roster searched as staff type.
 *
 * The lists are one pass over view.c's appeals (the same rows the wall
 * reads), counted for every list at once so the list tabs can show their
 * sizes; the town of 10,000 appeals never exists as JSON, and the pass is
 * kept between taps until the database or the day changes (listcache.c). Writes go
 * through the core's appeal_* functions in one transaction as this device,
 * so the fold checks the office's rights and the appeal's state exactly as
 * it does for `echowallctl`; a refusal comes back as 1 with its reason.
 */
#include "office.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agenda.h"
#include "appeal.h"
#include "backup.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "device.h"
#include "domain.h"
#include "enroll.h"
#include "update.h"
#include "evalres.h"
#include "ledger.h"
#include "listcache.h"
#include "meeting.h"
#include "ew.h"
#include "namematch.h"
#include "report.h"
#include "roster.h"
#include "site.h"
#include "staff.h"
#include "stick.h"
#include "synclock.h"
#include "stickio.h"
#include "sourceint.h"
#include "view.h"

#define EXPORT_DIR "echowall-office" /* the office's files on a stick */

struct Office {
    sqlite3 *db;
    char *mount;      /* where a stick is mounted, or NULL */
    ImeNameIndex *names; /* pinyin readings, opened at the first search */
    int names_failed; /* 1: no readings; names match as typed only */
    ListCache *lists; /* the lists' pass over the appeals, kept between taps */
};

Office *office_new(sqlite3 *db, const char *mount)
{
    Office *o = ew_xcalloc(1, sizeof *o);
    o->db = db;
    o->mount = mount ? ew_xstrdup(mount) : NULL;
    o->lists = listcache_new(db);
    return o;
}

void office_free(Office *o)
{
    if (!o)
        return;
    ime_name_index_free(o->names);
    listcache_free(o->lists);
    free(o->mount);
    free(o);
}

/* ---- lists --------------------------------------------------------------- */

long office_list_passes(const Office *of)
{
    return listcache_passes(of->lists);
}

static int list(void *ctx, const OfficeQuery *q, OfficeList *out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    if (listcache_query(of->lists, q, out, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    static const char *const keys[GRADE_COUNT] = {NULL, "limit.green", "limit.blue",
                                                  "limit.orange"};
    for (int g = GRADE_GREEN; g < GRADE_COUNT; g++)
        out->limit_days[g] = (int)config_town_int(of->db, keys[g]);
    return 0;
}

/* ---- one appeal ----------------------------------------------------------- */

static int one(void *ctx, const char *code, Detail *out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    json_t *o = NULL;
    memset(out, 0, sizeof *out);
    int rc = view_appeal(of->db, code, &o, &e);
    if (rc == EW_ENOTFOUND)
        return 1;
    if (rc != EW_OK)
        return source_fail(msg, msglen, &e);
    source_fill_detail(of->db, out, o);
    Card *c = &out->card;
    free(c->text);
    c->text = source_dup(o, "text");
    c->leader = source_dup(o, "leader");
    c->text_state = listcache_text_state(o);
    out->source = source_dup(o, "source");
    /* The villager's phone, opened with the town key for the office's eyes
     * only (none, or redacted: NULL). */
    char phone[APPEAL_CONTACT_MAX];
    EwErr ce = {0};
    if (appeal_contact(of->db, c->code, phone, sizeof phone, &ce) == EW_OK)
        out->contact = ew_xstrdup(phone);
    sodium_memzero(phone, sizeof phone);
    static const char *const ids[3] = {"member_id", "leader_id", "unit_id"};
    for (int i = 0; i < 3; i++)
        source_copy(o, ids[i], out->who[i], sizeof out->who[i]);
    json_decref(o);
    return 0;
}

/* ---- doing ----------------------------------------------------------------- */

static int w_do(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const OfficeAction *a = arg;
    static const char *const grades[GRADE_COUNT] = {NULL, "green", "blue", "orange"};
    char due[11];
    const char *pdue = NULL;
    if (a->due) {
        pdue = a->due;
    } else if (a->limit_days > 0) {
        clock_format_day(db_today(db) + a->limit_days, due);
        pdue = due;
    }
    switch (a->what) {
    case OA_PUBLISH:
        return appeal_publish(db, self, a->code, NULL, 0, e);
    case OA_REDACT:
        return appeal_redact(db, self, a->code, a->text, e);
    case OA_GRADE:
        if (a->grade < GRADE_GREEN || a->grade >= GRADE_COUNT)
            return ew_err(e, EW_EINPUT, "no such grade");
        return appeal_grade(db, self, a->code, grades[a->grade], pdue, NULL, 0, e);
    case OA_ASSIGN:
        return appeal_assign(db, self, a->code, a->member, a->leader, a->unit, pdue, NULL, 0, e);
    case OA_PROGRESS:
        return appeal_step(db, self, "progress", a->code, a->text, NULL, 0, e);
    case OA_ESCALATE:
        return appeal_step(db, self, "escalate", a->code, a->text, NULL, 0, e);
    case OA_SOLVE:
        return appeal_step(db, self, "solve", a->code, a->text, NULL, 0, e);
    case OA_REOPEN:
        return appeal_step(db, self, "reopen", a->code, a->text, NULL, 0, e);
    default:
        return ew_err(e, EW_EINPUT, "no such action");
    }
}

static int act(void *ctx, const OfficeAction *a, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    int rc = source_write(of->db, w_do, a, &e);
    if (rc == EW_OK)
        return 0;
    source_fail(msg, msglen, &e);
    /* The rules said no (a state, a right, a malformed input): nothing was
     * written; staff read why. Anything else is the database's trouble. */
    return rc == EW_ESTATE || rc == EW_EDENIED || rc == EW_EINPUT || rc == EW_ENOTFOUND ? 1 : -1;
}

/* ---- the roster, searched ---------------------------------------------------- */

typedef struct Hit {
    int score;
    PickItem item;
} Hit;

static int by_score(const void *x, const void *y)
{
    const Hit *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    int c = strcmp(a->item.name, b->item.name);
    return c ? c : strcmp(a->item.id, b->item.id);
}

static int score(Office *of, const char *name, const char *id, const char *query)
{
    if (!of->names && !of->names_failed) {
        EwErr e = {0};
        of->names = ime_name_index_open(NULL, &e);
        of->names_failed = !of->names;
        if (!of->names)
            fprintf(stderr, "echowall: names match as typed only: %s\n", e.msg);
    }
    int s = ime_name_match(of->names, name, query);
    int t = id ? ime_name_match(NULL, id, query) : 0; /* a roster id typed as it is */
    return s > t ? s : t;
}

/* A branch's grids (a JSON array) as one line: 东片、西片. */
static char *joined(const char *grids_json)
{
    json_t *g = json_loads(grids_json, 0, NULL);
    size_t n = json_array_size(g), len = 1;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(g, i));
        len += (s ? strlen(s) : 0) + 3; /* and a 、 */
    }
    char *out = ew_xcalloc(len, 1);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(g, i));
        if (s && *s) {
            if (out[0])
                strcat(out, "、");
            strcat(out, s);
        }
    }
    json_decref(g);
    return out;
}

static int pick(void *ctx, int kind, const char *query, int max, PickList *out, char *msg,
                int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    memset(out, 0, sizeof *out);
    /* id, name, role, branch name, branch code, grids */
    const char *people = "SELECT p.id, p.name, p.role, b.name, p.branch, NULL FROM people p "
                         "LEFT JOIN branches b ON b.code = p.branch";
    char *sql = kind == PICK_UNIT     ? ew_xstrdup("SELECT id, name, NULL, NULL, NULL, NULL FROM units")
                : kind == PICK_BRANCH ? ew_xstrdup("SELECT code, name, NULL, code, NULL, grids "
                                                   "FROM branches")
                : kind == PICK_LEADER ? ew_xasprintf("%s WHERE p.role = 'leader'", people)
                : kind == PICK_MEMBER ? ew_xasprintf("%s WHERE p.role <> 'leader'", people)
                                      : ew_xstrdup(people);
    sqlite3_stmt *st = db_prep(of->db, &e, sql, "");
    free(sql);
    if (!st)
        return source_fail(msg, msglen, &e);
    Hit *hits = NULL;
    int n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *role = (const char *)sqlite3_column_text(st, 2);
        const char *branch = (const char *)sqlite3_column_text(st, 3);
        const char *code = (const char *)sqlite3_column_text(st, 4);
        const char *grids = (const char *)sqlite3_column_text(st, 5);
        if (!id || !name)
            continue;
        int sc = score(of, name, id, query ? query : "");
        if (sc <= 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            hits = ew_xrealloc(hits, (size_t)cap * sizeof *hits);
        }
        Hit *h = &hits[n++];
        memset(h, 0, sizeof *h);
        h->score = sc;
        snprintf(h->item.id, sizeof h->item.id, "%s", id);
        h->item.name = ew_xstrdup(name);
        snprintf(h->item.role, sizeof h->item.role, "%s", role ? role : "");
        snprintf(h->item.branch, sizeof h->item.branch, "%s", code ? code : "");
        h->item.grids = grids ? joined(grids) : NULL;
        const Term *t = role ? domain_find(DOMAIN_ROLES, role) : NULL;
        if (t || branch)
            h->item.sub = ew_xasprintf("%s%s%s", t ? t->zh : "", t && branch ? " · " : "",
                                       branch ? branch : "");
    }
    db_done(st);
    if (n > 1)
        qsort(hits, (size_t)n, sizeof *hits, by_score);
    int keep = max > 0 && n > max ? max : n;
    out->v = ew_xcalloc((size_t)(keep ? keep : 1), sizeof *out->v);
    for (int i = 0; i < n; i++) {
        if (i < keep) {
            out->v[out->n++] = hits[i].item;
        } else {
            free(hits[i].item.name);
            free(hits[i].item.sub);
            free(hits[i].item.grids);
        }
    }
    free(hits);
    return 0;
}

/* ---- exports onto the stick ------------------------------------------------ */

/* 1 when a stick is in; else 0 and msg says so. */
static int stick_in(Office *of, char *msg, int msglen)
{
    if (of->mount && stick_present(of->mount))
        return 1;
    snprintf(msg, (size_t)msglen, "no stick at %s", of->mount ? of->mount : "(none)");
    return 0;
}

static int export(void *ctx, int what, char *msg, int msglen)
{
    Office *of = ctx;
    if (!stick_in(of, msg, msglen))
        return 1;
    char day[11];
    clock_format_day(db_today(of->db), day);
    char *dir = ew_xasprintf("%s/%s", of->mount, EXPORT_DIR);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(msg, (size_t)msglen, "cannot make %s: %s", dir, strerror(errno));
        free(dir);
        return -1;
    }
    char *name = what == EXPORT_LEDGER   ? ew_xasprintf("民情台账-%s.xlsx", day)
                 : what == EXPORT_AGENDA ? ew_xasprintf("党政联席会议议程-%s.html", day)
                                         : ew_xstrdup("site");
    char *path = ew_xasprintf("%s/%s", dir, name);
    EwErr e = {0};
    int items = 0;
    int rc = what == EXPORT_LEDGER   ? report_town(of->db, path, &e)
             : what == EXPORT_AGENDA ? agenda_write(of->db, path, &items, &e)
                                     : site_export(of->db, path, &e);
    if (rc == EW_OK)
        snprintf(msg, (size_t)msglen, "%s/%s", EXPORT_DIR, name);
    else
        source_fail(msg, msglen, &e);
    free(path);
    free(name);
    free(dir);
    return rc == EW_OK ? 0 : -1;
}

/* ---- the ledger from the stick ---------------------------------------------------- */

#define IMPORT_MAX (32L << 20) /* a ledger CSV of 32 MiB is some 100,000 appeals */

/* 1 when name starts with prefix and ends in "." and ext (three lower-case
 * letters, matched in any case: Windows writes .CSV too), not hidden. */
static int named(const char *name, const char *prefix, const char *ext)
{
    size_t n = strlen(name);
    if (name[0] == '.' || n <= 4 + strlen(prefix) || name[n - 4] != '.' ||
        strncmp(name, prefix, strlen(prefix)) != 0)
        return 0;
    const char *e = name + n - 3;
    return (e[0] | 0x20) == ext[0] && (e[1] | 0x20) == ext[1] && (e[2] | 0x20) == ext[2];
}

/* The files named prefix*.ext at the stick's top and in EXPORT_DIR, as
 * the stick I/O layer lists them: regular files only (its types come from
 * lstat, so a link is never one). Their count; the last one's path in
 * *found (caller frees), every name listed in names. */
static int find_on_stick(const char *mount, const char *prefix, const char *ext, char **found,
                         char *names, size_t nlen)
{
    StickIO *io = stickio_posix();
    int count = 0;
    names[0] = 0;
    for (int d = 0; d < 2; d++) {
        char *dir = d ? ew_xasprintf("%s/%s", mount, EXPORT_DIR) : ew_xstrdup(mount);
        StickEntry *ents = NULL;
        size_t n = 0;
        if (io->list(io, dir, &ents, &n) < 0)
            n = 0; /* no such folder: nothing there */
        for (size_t i = 0; i < n; i++) {
            if (ents[i].type != STICK_REG || !named(ents[i].name, prefix, ext))
                continue;
            count++;
            free(*found);
            *found = ew_xasprintf("%s/%s", dir, ents[i].name);
            size_t used = strlen(names);
            snprintf(names + used, nlen - used, "%s%s%s", used ? "、" : "", d ? EXPORT_DIR "/" : "",
                     ents[i].name);
        }
        free(ents);
        free(dir);
    }
    return count;
}

/* Copies the stick's file into a private temporary folder with the stick
 * I/O layer's copy_out (never following a link, at most IMPORT_MAX bytes),
 * so that a stick pulled or changed half-way cannot change what is read.
 * 0 and *tmp, the copy (caller removes it and its folder, and frees), or -1
 * with msg. */
static int copy_in(const char *path, char **tmp, char *msg, int msglen)
{
    const char *base = getenv("TMPDIR");
    char *dir = ew_xasprintf("%s/echowall-ledger-XXXXXX", base && *base ? base : "/tmp");
    *tmp = NULL;
    if (!mkdtemp(dir)) {
        snprintf(msg, (size_t)msglen, "no temporary folder: %s", strerror(errno));
        free(dir);
        return -1;
    }
    *tmp = ew_xasprintf("%s/ledger.csv", dir);
    StickIO *io = stickio_posix();
    int rc = io->copy_out(io, path, *tmp, IMPORT_MAX, NULL, NULL);
    if (rc < 0) {
        if (rc == -EFBIG)
            snprintf(msg, (size_t)msglen, "%s is larger than %ld MiB", path, IMPORT_MAX >> 20);
        else
            snprintf(msg, (size_t)msglen, "cannot read %s: %s", path, stickio_strerror(rc));
        rmdir(dir);
        free(*tmp);
        *tmp = NULL;
    }
    free(dir);
    return rc < 0 ? -1 : 0;
}

/* Removes copy_in's copy and its folder. */
static void copy_drop(char *tmp)
{
    if (!tmp)
        return;
    unlink(tmp);
    char *slash = strrchr(tmp, '/');
    if (slash) {
        *slash = 0;
        rmdir(tmp);
    }
    free(tmp);
}

static int import(void *ctx, long *imported, char *msg, int msglen)
{
    Office *of = ctx;
    *imported = 0;
    if (!stick_in(of, msg, msglen))
        return 1;
    char *found = NULL, *tmp = NULL;
    int n = find_on_stick(of->mount, "", "csv", &found, msg, (size_t)msglen);
    if (n != 1) {
        free(found);
        return n == 0 ? 2 : 3;
    }
    if (copy_in(found, &tmp, msg, msglen) != 0) {
        free(found);
        return -1;
    }
    EwErr e = {0};
    Author self;
    json_t *report = NULL;
    int rc = device_load_self(of->db, &self, &e);
    if (rc == EW_OK)
        rc = ledger_import(of->db, &self, tmp, &report, &e);
    sodium_memzero(&self, sizeof self);
    copy_drop(tmp);
    if (rc == EW_OK) {
        *imported = (long)json_integer_value(json_object_get(report, "imported"));
        const char *base = strrchr(found, '/');
        snprintf(msg, (size_t)msglen, "%s", base ? base + 1 : found);
    } else {
        source_fail(msg, msglen, &e);
    }
    json_decref(report);
    free(found);
    return rc == EW_OK ? 0 : -1;
}

/* ---- an update for the halls ------------------------------------------------------ */

/* The one echowall_*.deb on the stick, signed with the town key and put in
 * the stick's echowall/ folder, where the halls' kiosks find it after their
 * sync. 0 and msg its version; 1 no stick, 2 no package, 3 several (msg:
 * their names), -1 refused or failed (msg). */
static int sign_update(void *ctx, char *msg, int msglen)
{
    Office *of = ctx;
    if (!stick_in(of, msg, msglen))
        return 1;
    char *found = NULL;
    int n = find_on_stick(of->mount, "echowall_", "deb", &found, msg, (size_t)msglen);
    if (n != 1) {
        free(found);
        return n == 0 ? 2 : 3;
    }
    EwErr e = {0};
    UpdateInfo u;
    int rc = update_sign(of->db, stickio_posix(), found, of->mount, &u, &e);
    free(found);
    if (rc != EW_OK)
        return source_fail(msg, msglen, &e);
    snprintf(msg, (size_t)msglen, "%s (%s)", u.version, u.arch);
    return 0;
}

/* ---- devices ------------------------------------------------------------------ */

static int devices(void *ctx, DeviceList *out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    json_t *arr = NULL;
    memset(out, 0, sizeof *out);
    if (device_list(of->db, &arr, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    out->v = ew_xcalloc(json_array_size(arr) + 1, sizeof *out->v);
    size_t i;
    json_t *d;
    json_array_foreach(arr, i, d) {
        DeviceRow *r = &out->v[out->n++];
        source_copy(d, "device", r->id, sizeof r->id);
        source_copy(d, "hall", r->hall, sizeof r->hall);
        source_copy(d, "slot", r->slot, sizeof r->slot);
        r->hall_name = source_dup(d, "hall_name");
        r->records = (long)json_integer_value(json_object_get(d, "records"));
        const char *role = json_string_value(json_object_get(d, "role"));
        r->office = role && strcmp(role, "office") == 0;
        r->certified = json_is_true(json_object_get(d, "certified"));
        r->revoked = json_is_true(json_object_get(d, "revoked"));
        r->self = json_is_true(json_object_get(d, "self"));
    }
    json_decref(arr);
    return 0;
}

static int w_revoke(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    char hex[33];
    return enroll_revoke(db, self, arg, -1, hex, e);
}

static int revoke(void *ctx, const char *id, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    int rc = source_write(of->db, w_revoke, id, &e);
    if (rc == EW_OK)
        return 0;
    source_fail(msg, msglen, &e);
    return rc == EW_EDB || rc == EW_EIO ? -1 : 1;
}

/* The stick's requests from hall's new kiosks, answered: each gets its
 * certificate and slot on the stick, to take back to the hall. */
static int enrol(void *ctx, const char *hall, char *msg, int msglen)
{
    Office *of = ctx;
    if (!stick_in(of, msg, msglen))
        return 1;
    EwErr e = {0};
    json_t *report = NULL;
    int rc = enroll_provision(of->db, stickio_posix(), of->mount, hall, &report, &e);
    if (rc != EW_OK) {
        json_decref(report); /* set on some refusals too */
        return source_fail(msg, msglen, &e), rc == EW_EIO || rc == EW_EDB ? -1 : 1;
    }
    json_t *done = json_object_get(report, "provisioned");
    size_t n = json_array_size(done);
    if (n == 0) {
        json_decref(report);
        return snprintf(msg, (size_t)msglen, "no enrolment request of %s on the stick", hall), 1;
    }
    size_t at = 0;
    msg[0] = 0;
    for (size_t i = 0; i < n && at < (size_t)msglen; i++) {
        json_t *p = json_array_get(done, i);
        const char *hall_in = json_string_value(json_object_get(p, "hall"));
        const char *slot = json_string_value(json_object_get(p, "slot"));
        at += (size_t)snprintf(msg + at, (size_t)msglen - at, "%s%s %s", i ? ", " : "",
                               hall_in ? hall_in : "?", slot ? slot : "?");
    }
    json_decref(report);
    return 0;
}

static int backup(void *ctx, const char *passphrase, char *msg, int msglen)
{
    Office *of = ctx;
    if (!stick_in(of, msg, msglen))
        return 1;
    EwErr e = {0};
    char name[64];
    if (backup_write(of->db, stickio_posix(), of->mount, passphrase, name, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    snprintf(msg, (size_t)msglen, "echowall/%s", name);
    return 0;
}

/* ---- one person's evaluation results ------------------------------------------------- */

static void eval_rows(sqlite3 *db, json_t *arr, EvalLine **out, int *n, const char *label_key)
{
    *n = 0;
    *out = ew_xcalloc(json_array_size(arr) + 1, sizeof **out);
    size_t i;
    json_t *d;
    json_array_foreach(arr, i, d) {
        EvalLine *r = &(*out)[(*n)++];
        if (label_key)
            r->label = source_dup(d, label_key);
        else { /* a meeting: its day, hall and topic */
            const char *hall = json_string_value(json_object_get(d, "hall"));
            char *name = NULL;
            db_text(db, NULL, &name, "SELECT name FROM branches WHERE code=?", "t", hall ? hall : "");
            r->label = ew_xasprintf("%s · %s · %s", json_string_value(json_object_get(d, "day")),
                                    name ? name : hall, json_string_value(json_object_get(d, "topic")));
            free(name);
        }
        json_t *rate = json_object_get(d, "excellence_rate");
        r->rate = json_is_true(json_object_get(d, "too_few")) || !json_is_number(rate)
                      ? -1
                      : json_number_value(rate);
        json_t *rank = json_object_get(d, "rank"), *of = json_object_get(d, "of");
        r->rank = json_is_integer(rank) ? (int)json_integer_value(rank) : 0;
        r->of = json_is_integer(of) ? (int)json_integer_value(of) : 0;
        r->ballots = (long)json_integer_value(json_object_get(d, "ballots"));
        r->warning = json_is_true(json_object_get(d, "warning"));
    }
}

static int person(void *ctx, const char *who, PersonEval *out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    json_t *res = NULL;
    memset(out, 0, sizeof *out);
    int rc = eval_person(of->db, who, EVAL_MIN_RATINGS, &res, &e);
    if (rc != EW_OK) {
        source_fail(msg, msglen, &e);
        return rc == EW_ENOTFOUND || rc == EW_EINPUT ? 1 : -1;
    }
    eval_rows(of->db, json_object_get(res, "meetings"), &out->m, &out->nm, NULL);
    eval_rows(of->db, json_object_get(res, "rounds"), &out->r, &out->nr, "round");
    json_decref(res);
    return 0;
}

static int round_results(void *ctx, char *round, PersonEval *out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    memset(out, 0, sizeof *out);
    if (!round[0]) { /* the newest quarter with a closed meeting */
        int64_t day = -1;
        if (db_int(of->db, &e, &day, -1,
                   "SELECT coalesce(max(opened_day), -1) FROM meetings WHERE status='closed'",
                   NULL) != EW_OK)
            return source_fail(msg, msglen, &e);
        if (day < 0)
            return 1;
        int y, m, d;
        clock_civil_from_days(day, &y, &m, &d);
        char r[16];
        snprintf(r, sizeof r, "%04dQ%d", y % 10000, (m + 2) / 3 % 10);
        memcpy(round, r, 7);
        round[7] = 0;
    }
    json_t *arr = NULL;
    if (eval_round(of->db, round, EVAL_MIN_RATINGS, &arr, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    eval_rows(of->db, arr, &out->m, &out->nm, "name");
    size_t i;
    json_t *d;
    json_array_foreach(arr, i, d) { /* the name with its role; ranked among how many */
        const char *role = json_string_value(json_object_get(d, "role"));
        size_t j;
        json_t *o;
        json_array_foreach(arr, j, o) {
            const char *r2 = json_string_value(json_object_get(o, "role"));
            if (role && r2 && strcmp(role, r2) == 0 && json_is_integer(json_object_get(o, "rank")))
                out->m[i].of++;
        }
        const Term *t = role && strcmp(role, "branch") != 0 ? domain_find(DOMAIN_ROLES, role) : NULL;
        char *label = ew_xasprintf("%s · %s", out->m[i].label ? out->m[i].label : "",
                                   t ? t->zh : "村党支部");
        free(out->m[i].label);
        out->m[i].label = label;
    }
    json_decref(arr);
    return 0;
}

/* ---- the evaluation meetings --------------------------------------------------------- */

static int meetings(void *ctx, MeetingList *out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    json_t *arr = NULL;
    memset(out, 0, sizeof *out);
    if (meeting_list(of->db, &arr, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    size_t n = json_array_size(arr);
    out->v = ew_xcalloc(n + 1, sizeof *out->v);
    for (size_t i = n; i-- > 0;) { /* newest first */
        json_t *d = json_array_get(arr, i);
        MeetingRow *r = &out->v[out->n++];
        source_copy(d, "id", r->id, sizeof r->id);
        source_copy(d, "hall", r->hall, sizeof r->hall);
        source_copy(d, "opened", r->opened, sizeof r->opened);
        source_copy(d, "status", r->status, sizeof r->status);
        r->topic = source_dup(d, "topic");
        r->void_reason = source_dup(d, "void_reason");
        json_t *b = json_object_get(d, "ballots");
        r->ballots = json_is_integer(b) ? (long)json_integer_value(b) : -1;
        char *name = NULL;
        if (db_text(of->db, NULL, &name, "SELECT name FROM branches WHERE code=?", "t", r->hall) ==
            EW_OK)
            r->hall_name = name;
    }
    json_decref(arr);
    return 0;
}

typedef struct VoidArg {
    const char *id, *reason;
} VoidArg;

static int w_void(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const VoidArg *v = arg;
    return meeting_void(db, self, v->id, v->reason, 0, e);
}

static int void_meeting(void *ctx, const char *id, const char *reason, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    VoidArg v = {id, reason};
    int rc = source_write(of->db, w_void, &v, &e);
    if (rc == EW_OK)
        return 0;
    source_fail(msg, msglen, &e);
    return rc == EW_EDB || rc == EW_EIO ? -1 : 1;
}

/* ---- the town's settings ------------------------------------------------------------- */

static int config_read(void *ctx, const char *key, char *out, int outlen, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    char *v = NULL;
    if (config_get(of->db, key, &v, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    ew_utf8_copy(out, (size_t)outlen, v ? v : "");
    free(v);
    return 0;
}

typedef struct ConfigArg {
    const char *key, *value;
} ConfigArg;

static int w_config(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const ConfigArg *c = arg;
    if (config_scope(c->key) != 1) /* this screen writes the town's, nothing else */
        return ew_err(e, EW_EINPUT, "'%s' is not a town setting", c->key);
    return config_set(db, self, c->key, c->value, e);
}

static int config_write(void *ctx, const char *key, const char *value, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    ConfigArg c = {key, value};
    int rc = source_write(of->db, w_config, &c, &e);
    if (rc == EW_OK)
        return 0;
    source_fail(msg, msglen, &e);
    return rc == EW_EDB || rc == EW_EIO ? -1 : 1;
}

/* ---- a hall's staff PIN, the station's clock ---------------------------------------- */

typedef struct PinArg {
    const char *hall;
    char *pin; /* STAFF_PIN_MAX + 1 bytes */
} PinArg;

static int w_pin_reset(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const PinArg *p = arg;
    return staff_pin_reset(db, self, p->hall, p->pin, e);
}

static int pin_reset(void *ctx, const char *hall, char *pin_out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    char pin[STAFF_PIN_MAX + 1] = "";
    PinArg p = {hall, pin};
    int rc = source_write(of->db, w_pin_reset, &p, &e);
    if (rc == EW_OK)
        memcpy(pin_out, pin, sizeof pin);
    sodium_memzero(pin, sizeof pin);
    if (rc == EW_OK)
        return 0;
    source_fail(msg, msglen, &e);
    return rc == EW_EDB || rc == EW_EIO ? -1 : 1;
}

static int clock_state(void *ctx, char *today, int *confirmed, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    json_t *st = NULL;
    if (synclock_state(of->db, &st, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    source_copy(st, "today", today, 11);
    json_t *c = json_object_get(st, "confirmed");
    *confirmed = !json_is_false(c); /* absent: nothing to confirm */
    json_decref(st);
    return 0;
}

static int w_clock_confirm(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    (void)self;
    (void)arg;
    return synclock_confirm(db, e);
}

static int clock_confirm(void *ctx, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    if (source_write(of->db, w_clock_confirm, NULL, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    return 0;
}

/* ---- the roster ------------------------------------------------------------------ */

/* Splits grids at 、，, ; and spaces into a NULL-ended list (*buf holds
 * the strings; free both). */
static const char **split_grids(const char *grids, char **buf)
{
    static const char *const seps[] = {"、", "，", "；", ",", ";", " ", "\t", "\n"};
    *buf = ew_xstrdup(grids ? grids : "");
    const char **v = ew_xcalloc(strlen(*buf) + 2, sizeof *v);
    int n = 0;
    char *p = *buf, *start = p;
    while (*p) {
        size_t cut = 0;
        for (size_t i = 0; i < sizeof seps / sizeof seps[0] && !cut; i++)
            if (strncmp(p, seps[i], strlen(seps[i])) == 0)
                cut = strlen(seps[i]);
        if (cut) {
            *p = 0;
            if (*start)
                v[n++] = start;
            p += cut;
            start = p;
        } else {
            p++;
        }
    }
    if (*start)
        v[n++] = start;
    return v;
}

typedef struct RosterArg {
    const RosterEdit *r;
    char *id_out;
} RosterArg;

static int w_roster(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const RosterArg *ra = arg;
    const RosterEdit *r = ra->r;
    char id[ROSTER_ID_MAX] = "";
    int rc;
    if (!r->name || ew_blank(r->name))
        return ew_err(e, EW_EINPUT, "a name is needed");
    if (r->kind == PICK_BRANCH) {
        char *buf;
        const char **grids = split_grids(r->grids, &buf);
        rc = roster_add_branch(db, self, r->id ? r->id : "", r->name, grids, 0, e);
        snprintf(id, sizeof id, "%s", r->id ? r->id : "");
        free(grids);
        free(buf);
    } else if (r->kind == PICK_UNIT) {
        rc = roster_add_unit(db, self, r->id, r->name, 0, id, e);
    } else {
        rc = roster_add_person(db, self, r->id, r->name, r->role, r->branch, 0, id, e);
    }
    if (rc == EW_OK)
        snprintf(ra->id_out, 40, "%s", id);
    return rc;
}

static int roster(void *ctx, const RosterEdit *r, char *id_out, char *msg, int msglen)
{
    Office *of = ctx;
    EwErr e = {0};
    RosterArg ra = {r, id_out};
    id_out[0] = 0;
    int rc = source_write(of->db, w_roster, &ra, &e);
    if (rc == EW_OK)
        return 0;
    source_fail(msg, msglen, &e);
    return rc == EW_EDB || rc == EW_EIO ? -1 : 1;
}

void office_source_init(Source *src, Office *of)
{
    src->office_ctx = of;
    src->office_list = list;
    src->office_case = one;
    src->office_do = act;
    src->office_pick = pick;
    src->office_export = export;
    src->office_devices = devices;
    src->office_revoke = revoke;
    src->office_enrol = enrol;
    src->office_backup = backup;
    src->office_roster = roster;
    src->office_pin_reset = pin_reset;
    src->office_import = import;
    src->office_sign_update = sign_update;
    src->office_person = person;
    src->office_round = round_results;
    src->office_meetings = meetings;
    src->office_void = void_meeting;
    src->office_config_get = config_read;
    src->office_config_set = config_write;
    src->office_clock = clock_state;
    src->office_clock_confirm = clock_confirm;
}
