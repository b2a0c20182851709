/*
 * ctl.c: every echowallctl command (see ctl.h).
 *
 * Each command is a row in the table at the bottom: its words, the options
 * it accepts and its handler. Options are parsed by one small parser
 * against that spec, so unknown options and missing values are refused the
 * same way everywhere (exit 2, naming the option).
 */
#include "ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "agenda.h"
#include "appeal.h"
#include "backup.h"
#include "ballot.h"
#include "cert.h"
#include "clock.h"
#include "code.h"
#include "config.h"
#include "db.h"
#include "dbcheck.h"
#include "demo.h"
#include "device.h"
#include "domain.h"
#include "enroll.h"
#include "ledger.h"
#include "meeting.h"
#include "print.h"
#include "evalres.h"
#include "report.h"
#include "roster.h"
#include "site.h"
#include "staff.h"
#include "stickio.h"
#include "sync.h"
#include "synclock.h"
#include "update.h"
#include "view.h"

#define DEFAULT_DB "/var/lib/echowall/echowall.db"
#define MAX_ARGS 64

/* Parsed command line of one command. */
typedef struct Args {
    const char *db;                 /* --db */
    const char *pos[MAX_ARGS];      /* positional arguments */
    int npos;
    const char *name[MAX_ARGS];     /* options given, without "--" */
    char namebuf[MAX_ARGS][64];     /* storage for name[] */
    const char *action;             /* appeal step being run (w_step) */
    char code[CODE_MAX];            /* tracking code a command names */
    AppealFilter filter;            /* appeal list */
    const char *val[MAX_ARGS];      /* their values (NULL for flags) */
    int nopt;
    char pin[STAFF_PIN_MAX + 1];    /* a PIN read from stdin (staff); zeroed after use */
    FILE *in, *out, *err;           /* in: stdin, where PINs are read from */
} Args;

typedef int (*Cmd)(Args *a, EwErr *e);

static const char *opt(const Args *a, const char *name)
{
    for (int i = a->nopt - 1; i >= 0; i--)
        if (strcmp(a->name[i], name) == 0)
            return a->val[i] ? a->val[i] : "";
    return NULL;
}

static int flag(const Args *a, const char *name) { return opt(a, name) != NULL; }

/* Exit status for an error code. */
static int status_of(int code)
{
    return code == EW_OK ? 0 : (code == EW_EINPUT || code == EW_EAMBIG) ? 2 : 1;
}

#define usage(e, ...) ew_err((e), EW_EINPUT, __VA_ARGS__)

/* Prints JSON (pretty when a person reads it). */
static void print_json(FILE *f, json_t *j)
{
    json_dumpf(j, f, JSON_INDENT(2) | JSON_ENSURE_ASCII * 0);
    fputc('\n', f);
}

/* ---- opening the database ---- */

/* Makes the folder a new database goes into (as `mkdir -p`, mode 0755). */
static int make_parent(const char *path, EwErr *e)
{
    char *dir = ew_xstrdup(path);
    char *slash = strrchr(dir, '/');
    int rc = EW_OK;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; rc == EW_OK; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0755) != 0 && errno != EEXIST)
                rc = ew_err(e, EW_EIO, "cannot make folder %s for the database: %s", dir,
                            strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    free(dir);
    return rc;
}

static int open_db(Args *a, int create, sqlite3 **db, EwErr *e)
{
    int rc = create ? make_parent(a->db, e) : EW_OK;
    return rc ? rc : db_open(a->db, create, db, e);
}

/* Runs fn inside one transaction on a database with an identity. */
typedef int (*WriteFn)(sqlite3 *db, Author *self, Args *a, EwErr *e);
static int write_tx(Args *a, WriteFn fn, EwErr *e)
{
    sqlite3 *db;
    Author self;
    int rc = open_db(a, 0, &db, e);
    if (rc)
        return rc;
    rc = db_begin(db, e);
    if (rc == EW_OK)
        rc = device_load_self(db, &self, e);
    if (rc == EW_OK)
        rc = fn(db, &self, a, e);
    if (rc == EW_OK)
        rc = db_commit(db, e);
    if (rc)
        db_rollback(db);
    sodium_memzero(&self, sizeof self);
    db_close(db);
    return rc;
}

/* Read commands: fn produces JSON from the database; it is printed as JSON
 * with --json, else as text by text(). */
typedef int (*ReadFn)(sqlite3 *db, Args *a, json_t **out, EwErr *e);
typedef void (*TextFn)(FILE *f, json_t *j);
static int read_cmd(Args *a, ReadFn fn, TextFn text, EwErr *e)
{
    sqlite3 *db;
    json_t *j = NULL;
    int rc = open_db(a, 0, &db, e);
    if (rc)
        return rc;
    rc = fn(db, a, &j, e);
    if (rc == EW_OK) {
        if (flag(a, "json"))
            print_json(a->out, j);
        else
            text(a->out, j);
    }
    json_decref(j);
    db_close(db);
    return rc;
}

/* ---- syntax checks made before any lookup ---- */

static int need_pos(Args *a, int n, const char *what, EwErr *e)
{
    if (a->npos < n)
        return usage(e, "missing %s", what);
    if (a->npos > n)
        return usage(e, "unexpected argument '%s'", a->pos[n]);
    return EW_OK;
}

static int check_code(const char *s, char out[CODE_MAX], EwErr *e)
{
    return code_normalize(s, out, e);
}

static int check_day(const char *what, const char *s, EwErr *e)
{
    int64_t d;
    if (s && clock_parse_day(s, &d) != 0)
        return ew_err(e, EW_EINPUT, "%s '%s' is not a real date in the form YYYY-MM-DD", what, s);
    return EW_OK;
}

static int check_text(const char *what, const char *s, EwErr *e)
{
    return appeal_check_text(what, s, APPEAL_TEXT_MAX, e);
}

/* ---- init and demo ---- */

static int cmd_init(Args *a, EwErr *e)
{
    const char *role = opt(a, "role"), *hall = opt(a, "hall"), *name = opt(a, "name"),
               *slot = opt(a, "slot");
    int rc = need_pos(a, 0, "", e);
    if (rc)
        return rc;
    if (!role || (strcmp(role, "office") && strcmp(role, "hall")))
        return usage(e, "--role must be office or hall%s", "");
    if (strcmp(role, "hall") == 0 && !code_hall_valid(hall))
        return usage(e, "--hall '%s' must be a hall code like H07 for a hall device",
                     hall ? hall : "");
    if (strcmp(role, "office") == 0 && hall)
        return usage(e, "--hall is for hall devices%s", "");
    if (name && (ew_blank(name) || !ew_text_ok(name, 200)))
        return usage(e, "--name '%s' must be a non-blank line of text", name);
    if (slot && (strlen(slot) != 1 || !code_slot_valid(role, slot[0])))
        return usage(e, "--slot '%s' must be %s", slot,
                     strcmp(role, "office") == 0 ? "a digit 2-9 for an office device"
                                                 : "a letter A-Y (not I or O) for a hall device");
    sqlite3 *db;
    if ((rc = open_db(a, 1, &db, e)))
        return rc;
    DeviceSpec ds = {.role = role, .hall = hall, .slot = slot ? slot[0] : 0,
                     .town_name = name ? name : NULL};
    rc = db_begin(db, e);
    if (rc == EW_OK)
        rc = device_init(db, &ds, e);
    if (rc == EW_OK && name) {
        Author self;
        device_load_self(db, &self, NULL);
        rc = config_set(db, &self, "town.name", name, e);
    }
    if (rc == EW_OK)
        rc = db_commit(db, e);
    if (rc) {
        db_rollback(db);
    } else {
        unsigned char pk[32];
        char fp[20] = "";
        if (device_town_pk(db, pk) == 0)
            cert_fingerprint(pk, fp);
        fprintf(a->out, "initialised %s device%s%s in %s\n", role, hall ? " for " : "",
                hall ? hall : "", a->db);
        if (fp[0])
            fprintf(a->out, "town key fingerprint: %s\n", fp);
    }
    db_close(db);
    return rc;
}

static void print_stats(FILE *f, json_t *s)
{
    json_t *g = json_object_get(s, "by_grade"), *st = json_object_get(s, "by_status");
#define N(o, k) (long long)json_integer_value(json_object_get(o, k))
    fprintf(f, "%s: %lld branches, %lld meetings, %lld appeals, %lld solved, %lld overdue\n",
            json_string_value(json_object_get(s, "town")), N(s, "branches"), N(s, "meetings"),
            N(s, "appeals"), N(s, "solved"), N(s, "overdue"));
    fprintf(f, "%lld leading party members, %lld responsible leaders, %lld responsible units\n",
            N(s, "leading_members"), N(s, "leaders"), N(s, "units"));
    fprintf(f, "grades: %lld green, %lld blue, %lld orange, %lld ungraded\n", N(g, "green"),
            N(g, "blue"), N(g, "orange"), N(g, "none"));
    fprintf(f, "status: %lld received, %lld assigned, %lld in progress, %lld escalated, %lld "
               "solved\n",
            N(st, "received"), N(st, "assigned"), N(st, "in_progress"), N(st, "escalated"),
            N(st, "solved"));
    json_t *last = json_object_get(s, "last_office_sync");
    if (json_is_string(last))
        fprintf(f, "last synced with the office: %s\n", json_string_value(last));
#undef N
}

static int cmd_demo(Args *a, EwErr *e)
{
    const char *hall = opt(a, "hall"), *seed = opt(a, "seed"), *date = opt(a, "date"),
               *count = opt(a, "appeals");
    int rc = need_pos(a, 0, "", e);
    if (rc)
        return rc;
    if (hall && !code_hall_valid(hall))
        return usage(e, "--hall '%s' must be a hall code like H07", hall);
    char *end = NULL;
    DemoSpec spec = {.hall = hall};
    if (seed && (spec.seed = strtoull(seed, &end, 10), !*seed || *end || spec.seed == 0))
        return usage(e, "--seed '%s' must be a positive number", seed);
    if (count && (spec.appeals = (int)strtol(count, &end, 10), !*count || *end ||
                  spec.appeals < 1 || spec.appeals > 1000000))
        return usage(e, "--appeals '%s' must be a number from 1 to 1000000", count);
    if ((rc = check_day("--date", date, e)))
        return rc;
    if (date)
        clock_parse_day(date, &spec.today);
    sqlite3 *db;
    if ((rc = open_db(a, 1, &db, e)))
        return rc;
    rc = demo_fill(db, &spec, e);
    if (rc == EW_OK) {
        json_t *s;
        view_stats(db, &s, e);
        if (flag(a, "json"))
            print_json(a->out, s);
        else
            print_stats(a->out, s);
        json_decref(s);
    }
    db_close(db);
    return rc;
}

/* ---- appeals ---- */

static int w_appeal_add(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    AppealNew in = {.hall = opt(a, "hall"), .category = opt(a, "category"),
                    .text = opt(a, "text"), .grid = opt(a, "grid"), .source = opt(a, "source"),
                    .contact = opt(a, "contact")};
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    int rc = appeal_add(db, self, &in, 0, code, rating, e);
    if (rc == EW_OK) {
        if (flag(a, "json")) {
            json_t *j = json_pack("{s:s,s:s}", "code", code, "rating_code", rating);
            print_json(a->out, j);
            json_decref(j);
        } else {
            fprintf(a->out, "%s\nrating code: %s\n", code, rating);
        }
    }
    return rc;
}

static int cmd_appeal_add(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    if (rc)
        return rc;
    const char *hall = opt(a, "hall"), *cat = opt(a, "category"), *text = opt(a, "text"),
               *src = opt(a, "source"), *contact = opt(a, "contact"), *grid = opt(a, "grid");
    if (!code_hall_valid(hall))
        return usage(e, "--hall '%s' must be a hall code like H07", hall ? hall : "");
    if (!domain_find(DOMAIN_CATEGORIES, cat))
        return usage(e, "--category '%s' is not one of street_light 路灯, garbage 垃圾, "
                        "road_bridge 道路桥梁, water 水利, housing_site 宅基地, insurance 两险, "
                        "traffic_safety 交通安全, other 其他",
                     cat ? cat : "");
    if ((rc = check_text("--text", text, e)))
        return rc;
    if (src && strcmp(src, "kiosk") && strcmp(src, "meeting") && strcmp(src, "staff"))
        return usage(e, "--source '%s' must be kiosk, meeting or staff", src);
    if (grid && (rc = check_text("--grid", grid, e)))
        return rc;
    if (contact && (rc = appeal_check_contact(contact, e)))
        return rc;
    return write_tx(a, w_appeal_add, e);
}

static void print_appeal(FILE *f, json_t *o, int brief)
{
#define S(k) (json_is_string(json_object_get(o, k)) ? json_string_value(json_object_get(o, k)) : "-")
    long long overdue = (long long)json_integer_value(json_object_get(o, "overdue_days"));
    if (brief) {
        fprintf(f, "%-12s %s %-12s %-7s %-12s due %s", S("code"), S("hall"), S("category_zh"),
                S("grade"), S("status"), S("due"));
        if (overdue)
            fprintf(f, "  %lld days overdue", overdue);
        fputc('\n', f);
        return;
    }
    fprintf(f, "code:      %s\nhall:      %s %s\ncategory:  %s (%s)\n", S("code"), S("hall"),
            S("hall_name"), S("category_zh"), S("category"));
    fprintf(f, "text:      %s\npublished: %s\n", S("text"),
            json_is_true(json_object_get(o, "published")) ? "yes" : "no");
    fprintf(f, "grade:     %s\nstatus:    %s\n", S("grade"), S("status"));
    fprintf(f, "member:    %s (%s)\nleader:    %s (%s)\nunit:      %s (%s)\n", S("member"),
            S("member_id"), S("leader"), S("leader_id"), S("unit"), S("unit_id"));
    fprintf(f, "created:   %s\ndue:       %s", S("created"), S("due"));
    if (overdue)
        fprintf(f, "  (%lld days overdue)", overdue);
    fprintf(f, "\nanswer:    %s\nrating:    %s\ntimeline:\n", S("answer"), S("satisfaction"));
    json_t *t = json_object_get(o, "timeline"), *step;
    size_t i;
    json_array_foreach(t, i, step) {
        json_t *text = json_object_get(step, "text");
        fprintf(f, "  %s  %-9s by %s%s%s%s%s%s\n",
                json_string_value(json_object_get(step, "day")),
                json_string_value(json_object_get(step, "kind")),
                json_string_value(json_object_get(step, "by")),
                json_is_string(json_object_get(step, "hall")) ? " " : "",
                json_is_string(json_object_get(step, "hall"))
                    ? json_string_value(json_object_get(step, "hall"))
                    : "",
                json_is_string(text) ? ": " : "", json_is_string(text) ? json_string_value(text) : "",
                json_is_true(json_object_get(step, "applied")) ? "" : "  [not applied]");
    }
#undef S
}

static void text_appeal(FILE *f, json_t *o) { print_appeal(f, o, 0); }

static void text_appeals(FILE *f, json_t *arr)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) print_appeal(f, o, 1);
    fprintf(f, "%zu appeals\n", json_array_size(arr));
}

static int r_appeal(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    return view_appeal(db, a->code, out, e);
}

static int r_appeals(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    return view_appeals(db, &a->filter, out, e);
}

static int cmd_appeal_show(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "tracking code", e);
    if (rc || (rc = check_code(a->pos[0], a->code, e)))
        return rc;
    return read_cmd(a, r_appeal, text_appeal, e);
}

/* The paper's width in dots: --width (384 or 576, or 58 / 80 mm), else the
 * printer.width setting. */
static int slip_width(sqlite3 *db, Args *a, int *dots, EwErr *e)
{
    char *w = NULL;
    if (!opt(a, "width"))
        config_get(db, "printer.width", &w, NULL);
    int rc = print_width_dots(opt(a, "width") ? opt(a, "width") : w ? w : "58", dots, e);
    free(w);
    return rc ? usage(e, "--width must be 384 (58 mm paper) or 576 (80 mm)%s", "") : EW_OK;
}

/* print CODE --out FILE: an appeal's slip as the printer's bytes, or a
 * picture (.png). The rating code is known only when the appeal is taken:
 * a reprint leaves it out unless --rating-code gives it. */
static int cmd_print(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "tracking code", e);
    if (rc || (rc = check_code(a->pos[0], a->code, e)))
        return rc;
    const char *out = opt(a, "out"), *proof = opt(a, "rating-code");
    if (!out || !*out)
        return usage(e, "--out FILE is required (ESC/POS bytes, or a picture when it ends in .png)%s",
                     "");
    if (proof && (strlen(proof) != RATING_CODE_LEN || strspn(proof, "0123456789") != strlen(proof)))
        return usage(e, "--rating-code must be the %d digits printed on the slip", RATING_CODE_LEN);
    sqlite3 *db;
    if ((rc = open_db(a, 0, &db, e)))
        return rc;
    int dots = 384;
    json_t *o = NULL;
    rc = slip_width(db, a, &dots, e);
    if (rc == EW_OK)
        rc = view_appeal(db, a->code, &o, e);
    if (rc == EW_OK) {
        char url[512];
        config_tracking_url(db, a->code, url, sizeof url);
#define J(k) (json_is_string(json_object_get(o, k)) ? json_string_value(json_object_get(o, k)) : NULL)
        AppealSlip slip = {.hall = J("hall_name") ? J("hall_name") : J("hall"),
                           .date = J("created"), .code = a->code, .category = J("category_zh"),
                           .text = J("text"), .url = url, .rating_code = proof};
#undef J
        rc = print_appeal_to_file(&slip, dots, out, e);
    }
    json_decref(o);
    db_close(db);
    if (rc == EW_OK)
        fprintf(a->out, "wrote the slip of %s to %s\n", a->code, out);
    return rc;
}

static int cmd_appeal_list(Args *a, EwErr *e)
{
    AppealFilter f = {.hall = opt(a, "hall"), .grade = opt(a, "grade"),
                      .status = opt(a, "status"), .overdue = flag(a, "overdue"),
                      .timeline = flag(a, "json")};
    int rc = need_pos(a, 0, "", e);
    if (rc)
        return rc;
    if (f.hall && !code_hall_valid(f.hall))
        return usage(e, "--hall '%s' must be a hall code like H07", f.hall);
    if (f.grade && strcmp(f.grade, "none") && !domain_find(DOMAIN_GRADES, f.grade))
        return usage(e, "--grade '%s' must be green, blue, orange or none", f.grade);
    if (f.grade && strcmp(f.grade, "none"))
        f.grade = domain_find(DOMAIN_GRADES, f.grade)->key;
    if (f.status && domain_index(DOMAIN_STATUSES, f.status) < 0)
        return usage(e, "--status '%s' must be received, assigned, in_progress, escalated or "
                        "solved",
                     f.status);
    a->filter = f;
    return read_cmd(a, r_appeals, text_appeals, e);
}

static int w_grade(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    return appeal_grade(db, self, a->pos[0], a->pos[1], opt(a, "due"), NULL, 0, e);
}

static int cmd_appeal_grade(Args *a, EwErr *e)
{
    char code[CODE_MAX];
    int rc = need_pos(a, 2, "tracking code and grade (green, blue or orange)", e);
    if (rc || (rc = check_code(a->pos[0], code, e)))
        return rc;
    if (!domain_find(DOMAIN_GRADES, a->pos[1]))
        return usage(e, "grade '%s' must be green, blue or orange", a->pos[1]);
    if ((rc = check_day("--due", opt(a, "due"), e)))
        return rc;
    return write_tx(a, w_grade, e);
}

static int w_assign(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    char m[ROSTER_ID_MAX], l[ROSTER_ID_MAX], u[ROSTER_ID_MAX];
    int rc = roster_find_person(db, opt(a, "member"), NULL, "--member", m, e);
    if (rc == EW_OK)
        rc = roster_find_person(db, opt(a, "leader"), "leader", "--leader", l, e);
    if (rc == EW_OK)
        rc = roster_find_unit(db, opt(a, "unit"), "--unit", u, e);
    if (rc == EW_OK)
        rc = appeal_assign(db, self, a->pos[0], m, l, u, opt(a, "due"), NULL, 0, e);
    return rc;
}

static int cmd_appeal_assign(Args *a, EwErr *e)
{
    char code[CODE_MAX];
    int rc = need_pos(a, 1, "tracking code", e);
    if (rc || (rc = check_code(a->pos[0], code, e)))
        return rc;
    static const char *const need[] = {"member", "leader", "unit"};
    for (int i = 0; i < 3; i++) {
        const char *v = opt(a, need[i]);
        if (!v || ew_blank(v))
            return usage(e, "--%s is required (a roster ID or a unique name)", need[i]);
    }
    if ((rc = check_day("--due", opt(a, "due"), e)))
        return rc;
    return write_tx(a, w_assign, e);
}

/* progress / escalate / solve / reopen share one shape. */
static int w_step(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    const char *action = a->action;
    const char *text = strcmp(action, "solve") == 0 ? opt(a, "answer") : opt(a, "note");
    return appeal_step(db, self, action, a->pos[0], text, NULL, 0, e);
}

static int step_cmd(Args *a, EwErr *e, const char *action, const char *textopt, int required)
{
    char code[CODE_MAX];
    int rc = need_pos(a, 1, "tracking code", e);
    if (rc || (rc = check_code(a->pos[0], code, e)))
        return rc;
    const char *text = opt(a, textopt);
    char what[16];
    snprintf(what, sizeof what, "--%s", textopt);
    if ((text || required) && (rc = check_text(what, text, e)))
        return rc;
    a->action = action;
    return write_tx(a, w_step, e);
}

static int cmd_progress(Args *a, EwErr *e) { return step_cmd(a, e, "progress", "note", 1); }
static int cmd_escalate(Args *a, EwErr *e) { return step_cmd(a, e, "escalate", "note", 0); }
static int cmd_solve(Args *a, EwErr *e) { return step_cmd(a, e, "solve", "answer", 1); }
static int cmd_reopen(Args *a, EwErr *e) { return step_cmd(a, e, "reopen", "note", 1); }

static int w_publish(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    return appeal_publish(db, self, a->pos[0], NULL, 0, e);
}

static int cmd_publish(Args *a, EwErr *e)
{
    char code[CODE_MAX];
    int rc = need_pos(a, 1, "tracking code", e);
    if (rc || (rc = check_code(a->pos[0], code, e)))
        return rc;
    return write_tx(a, w_publish, e);
}

static int w_redact(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    return appeal_redact(db, self, a->pos[0], opt(a, "reason"), e);
}

static int cmd_redact(Args *a, EwErr *e)
{
    char code[CODE_MAX];
    int rc = need_pos(a, 1, "tracking code", e);
    if (rc || (rc = check_code(a->pos[0], code, e)))
        return rc;
    if ((rc = appeal_check_text("--reason", opt(a, "reason"), 400, e)))
        return rc;
    return write_tx(a, w_redact, e);
}

/* appeal contact CODE: the office reads the villager's private phone number
 * (opened with the town key; a kiosk is refused). Printed, never stored. */
static int cmd_appeal_contact(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "tracking code", e);
    if (rc || (rc = check_code(a->pos[0], a->code, e)))
        return rc;
    sqlite3 *db;
    if ((rc = open_db(a, 0, &db, e)))
        return rc;
    char contact[APPEAL_CONTACT_MAX];
    rc = appeal_contact(db, a->code, contact, sizeof contact, e);
    db_close(db);
    /* A checked phone number and a canonical code need no JSON escaping;
     * printed directly, no copy of the number is left in a JSON tree. */
    if (rc == EW_OK && flag(a, "json"))
        fprintf(a->out, "{\n  \"code\": \"%s\",\n  \"contact\": \"%s\"\n}\n", a->code, contact);
    else if (rc == EW_OK)
        fprintf(a->out, "%s\n", contact);
    sodium_memzero(contact, sizeof contact);
    return rc;
}

static int w_rate(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    return appeal_rate(db, self, a->pos[0], opt(a, "rating-code"), a->pos[1], NULL, 0, e);
}

static int cmd_rate(Args *a, EwErr *e)
{
    char code[CODE_MAX];
    int rc = need_pos(a, 2, "tracking code and satisfied|unsatisfied", e);
    if (rc || (rc = check_code(a->pos[0], code, e)))
        return rc;
    if (strcmp(a->pos[1], "satisfied") && strcmp(a->pos[1], "unsatisfied"))
        return usage(e, "rating '%s' must be satisfied or unsatisfied", a->pos[1]);
    const char *proof = opt(a, "rating-code");
    if (!proof || strlen(proof) != RATING_CODE_LEN || strspn(proof, "0123456789") != RATING_CODE_LEN)
        return usage(e, "--rating-code must be the 6 digits printed on the slip%s", "");
    return write_tx(a, w_rate, e);
}

/* ---- meetings ---- */

static int w_meeting_open(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    const char *subjects[MAX_ARGS + 1];
    int n = 0;
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->name[i], "subject") == 0)
            subjects[n++] = a->val[i];
    subjects[n] = NULL;
    const char *cap = opt(a, "cap"), *tokens = opt(a, "tokens");
    int nt = tokens ? atoi(tokens) : 0;
    BallotToken *t = nt ? ew_xcalloc((size_t)nt, sizeof *t) : NULL;
    char id[MEETING_ID_MAX];
    int rc = meeting_open_tokens(db, self, opt(a, "hall"), opt(a, "topic"), n ? subjects : NULL,
                                 cap ? atoll(cap) : 0, NULL, 0, nt, t, id, e);
    /* With --out, the slips go to a file (the printer's bytes, or a .png)
     * inside the transaction: no meeting whose slips were not written. */
    const char *out = opt(a, "out");
    if (rc == EW_OK && nt && out) {
        int dots = 384;
        char *hall_name = NULL, today[11];
        db_text(db, NULL, &hall_name, "SELECT name FROM branches WHERE code=?", "t", opt(a, "hall"));
        clock_format_day(db_today(db), today);
        const char **digits = ew_xcalloc((size_t)nt, sizeof *digits);
        for (int i = 0; i < nt; i++)
            digits[i] = t[i].digits;
        TokenSlip slip = {.hall = hall_name ? hall_name : opt(a, "hall"), .topic = opt(a, "topic"),
                          .date = today, .token = t[0].digits};
        rc = slip_width(db, a, &dots, e);
        if (rc == EW_OK)
            rc = print_tokens_to_file(&slip, digits, nt, dots, out, e);
        free(digits);
        free(hall_name);
    }
    /* The meeting's ID first, then one slip's token a line, to print. */
    if (rc == EW_OK)
        fprintf(a->out, "%s\n", id);
    for (int i = 0; rc == EW_OK && i < nt; i++)
        fprintf(a->out, "token %s\n", t[i].digits);
    free(t);
    return rc;
}

static int cmd_meeting_open(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    if (rc)
        return rc;
    const char *hall = opt(a, "hall"), *topic = opt(a, "topic"), *cap = opt(a, "cap"),
               *tokens = opt(a, "tokens");
    if (!code_hall_valid(hall))
        return usage(e, "--hall '%s' must be a hall code like H07", hall ? hall : "");
    if (!topic || ew_blank(topic) || !ew_text_ok(topic, 400) || strchr(topic, '\n'))
        return usage(e, "--topic must be one non-blank line of text%s", "");
    char *end;
    if (cap && (strtol(cap, &end, 10) < 1 || *end || strtol(cap, NULL, 10) > 100000))
        return usage(e, "--cap '%s' must be a number from 1 to 100000", cap);
    if (tokens && (strtol(tokens, &end, 10) < 1 || *end ||
                   strtol(tokens, NULL, 10) > BALLOT_TOKENS_MAX))
        return usage(e, "--tokens '%s' must be a number of ballot slips from 1 to %d", tokens,
                     BALLOT_TOKENS_MAX);
    for (int i = 0; i < a->nopt; i++)
        if (strcmp(a->name[i], "subject") == 0 && ew_blank(a->val[i]))
            return usage(e, "--subject is empty%s", "");
    return write_tx(a, w_meeting_open, e);
}

static int w_meeting_close(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    return meeting_close(db, self, a->pos[0], NULL, 0, e);
}

static int cmd_meeting_close(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "meeting ID", e);
    return rc ? rc : write_tx(a, w_meeting_close, e);
}

static int w_meeting_void(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    int rc = meeting_void(db, self, a->pos[0], opt(a, "reason"), 0, e);
    if (rc == EW_OK)
        fprintf(a->out, "meeting %s voided\n", a->pos[0]);
    return rc;
}

static int cmd_meeting_void(Args *a, EwErr *e)
{
    const char *reason = opt(a, "reason");
    int rc = need_pos(a, 1, "meeting ID", e);
    if (rc == EW_OK && (!reason || ew_blank(reason) || !ew_text_ok(reason, 400) ||
                        strchr(reason, '\n')))
        rc = usage(e, "--reason must be one non-blank line of text saying why%s", "");
    return rc ? rc : write_tx(a, w_meeting_void, e);
}

static void text_meetings(FILE *f, json_t *arr)
{
    size_t i;
    json_t *m;
    json_array_foreach(arr, i, m) {
        json_t *b = json_object_get(m, "ballots");
        fprintf(f, "%-12s %s  %s  %-6s %s", json_string_value(json_object_get(m, "id")),
                json_string_value(json_object_get(m, "hall")),
                json_string_value(json_object_get(m, "opened")),
                json_string_value(json_object_get(m, "status")),
                json_string_value(json_object_get(m, "topic")));
        if (json_is_integer(b))
            fprintf(f, "  (%lld ballots)", (long long)json_integer_value(b));
        if (json_is_string(json_object_get(m, "void_reason")))
            fprintf(f, "  voided: %s", json_string_value(json_object_get(m, "void_reason")));
        fputc('\n', f);
    }
}

static int r_meetings(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    (void)a;
    return meeting_list(db, out, e);
}

static int cmd_meeting_list(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    return rc ? rc : read_cmd(a, r_meetings, text_meetings, e);
}

/* ---- evaluation results ---- */

/* "62.5%", or "too few" without a rate. */
static void format_rate(json_t *rate, char out[16])
{
    if (json_is_real(rate))
        snprintf(out, 16, "%5.1f%%", json_real_value(rate) * 100.0);
    else
        snprintf(out, 16, "too few");
}

/* A subject's counts per rating, as the ballot names them. */
static void print_counts(FILE *f, json_t *c)
{
    fprintf(f, "优秀%lld 良好%lld 一般%lld 差%lld 不了解%lld",
            (long long)json_integer_value(json_object_get(c, "excellent")),
            (long long)json_integer_value(json_object_get(c, "good")),
            (long long)json_integer_value(json_object_get(c, "fair")),
            (long long)json_integer_value(json_object_get(c, "poor")),
            (long long)json_integer_value(json_object_get(c, "unknown")));
}

static void text_eval(FILE *f, json_t *arr)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        json_t *c = json_object_get(x, "counts");
        char r[16], rank[16] = "-";
        if (json_is_integer(json_object_get(x, "rank")))
            snprintf(rank, sizeof rank, "%lld",
                     (long long)json_integer_value(json_object_get(x, "rank")));
        format_rate(json_object_get(x, "excellence_rate"), r);
        fprintf(f, "%-4s %-10s %-12s %-8s ", rank, json_string_value(json_object_get(x, "name")),
                json_string_value(json_object_get(x, "role")), r);
        print_counts(f, c);
        fprintf(f, "%s\n", json_is_true(json_object_get(x, "warning")) ? "  ⚠ 预警" : "");
    }
}

static int r_eval(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    const char *id = opt(a, "meeting"), *round = opt(a, "round"), *min = opt(a, "min");
    int m = min ? atoi(min) : EVAL_MIN_RATINGS;
    return id ? eval_meeting(db, id, m, out, e) : eval_round(db, round, m, out, e);
}

static int cmd_eval_results(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    if (rc)
        return rc;
    const char *id = opt(a, "meeting"), *round = opt(a, "round"), *min = opt(a, "min");
    if (!id == !round)
        return usage(e, "give --meeting ID or --round YYYYQn%s", "");
    char *end = NULL;
    if (min && (strtol(min, &end, 10) < 1 || *end || strtol(min, NULL, 10) > 100000))
        return usage(e, "--min '%s' must be a number of ratings from 1", min);
    return read_cmd(a, r_eval, text_eval, e);
}

/* "2 of 5", or "-" unranked. */
static void format_rank(json_t *x, char out[32])
{
    json_t *rank = json_object_get(x, "rank");
    if (json_is_integer(rank))
        snprintf(out, 32, "%lld of %lld", (long long)json_integer_value(rank),
                 (long long)json_integer_value(json_object_get(x, "of")));
    else
        snprintf(out, 32, "-");
}

static void text_eval_person(FILE *f, json_t *p)
{
    size_t i;
    json_t *x;
    fprintf(f, "%s  %s  (%s)\n", json_string_value(json_object_get(p, "who")),
            json_string_value(json_object_get(p, "name")),
            json_string_value(json_object_get(p, "role")));
    if (!json_array_size(json_object_get(p, "meetings")))
        fputs("no closed meeting has rated this person yet\n", f);
    json_array_foreach(json_object_get(p, "meetings"), i, x) {
        char rate[16], rank[32];
        format_rate(json_object_get(x, "excellence_rate"), rate);
        format_rank(x, rank);
        fprintf(f, "%-12s %s  %-8s %-9s ", json_string_value(json_object_get(x, "meeting")),
                json_string_value(json_object_get(x, "day")), rate, rank);
        print_counts(f, json_object_get(x, "counts"));
        fprintf(f, "  %s\n", json_string_value(json_object_get(x, "topic")));
    }
    json_array_foreach(json_object_get(p, "rounds"), i, x) {
        char rate[16], rank[32];
        format_rate(json_object_get(x, "excellence_rate"), rate);
        format_rank(x, rank);
        fprintf(f, "round %s  %-8s %s%s\n", json_string_value(json_object_get(x, "round")), rate,
                rank, json_is_true(json_object_get(x, "warning")) ? "  ⚠ 预警" : "");
    }
}

static int r_eval_person(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    const char *min = opt(a, "min");
    char id[ROSTER_ID_MAX];
    int rc = roster_find_person(db, a->pos[0], NULL, "WHO", id, e);
    return rc ? rc : eval_person(db, id, min ? atoi(min) : EVAL_MIN_RATINGS, out, e);
}

static int cmd_eval_person(Args *a, EwErr *e)
{
    const char *min = opt(a, "min");
    char *end = NULL;
    int rc = need_pos(a, 1, "WHO (a roster ID or a unique name)", e);
    if (rc == EW_OK && ew_blank(a->pos[0]))
        rc = usage(e, "WHO is empty%s", "");
    if (rc == EW_OK && min &&
        (strtol(min, &end, 10) < 1 || *end || strtol(min, NULL, 10) > 100000))
        rc = usage(e, "--min '%s' must be a number of ratings from 1", min);
    return rc ? rc : read_cmd(a, r_eval_person, text_eval_person, e);
}

/* ---- figures, roster, config ---- */

static int r_stats(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    (void)a;
    return view_stats(db, out, e);
}

static int cmd_stats(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    return rc ? rc : read_cmd(a, r_stats, print_stats, e);
}

static void text_roster(FILE *f, json_t *r)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "branches"), i, x)
        fprintf(f, "branch %s %s\n", json_string_value(json_object_get(x, "code")),
                json_string_value(json_object_get(x, "name")));
    json_array_foreach(json_object_get(r, "people"), i, x) {
        json_t *b = json_object_get(x, "branch");
        fprintf(f, "person %s %s %s %s\n", json_string_value(json_object_get(x, "id")),
                json_string_value(json_object_get(x, "name")),
                json_string_value(json_object_get(x, "role")),
                json_is_string(b) ? json_string_value(b) : "town");
    }
    json_array_foreach(json_object_get(r, "units"), i, x)
        fprintf(f, "unit %s %s\n", json_string_value(json_object_get(x, "id")),
                json_string_value(json_object_get(x, "name")));
}

static int r_roster(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    (void)a;
    return roster_json(db, out, e);
}

static int cmd_roster_list(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    return rc ? rc : read_cmd(a, r_roster, text_roster, e);
}

static int w_config_set(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    return config_set(db, self, a->pos[1], a->pos[2], e);
}

static int r_config_get(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    char *v = NULL;
    int rc = config_get(db, a->pos[1], &v, e);
    if (rc == EW_OK)
        *out = json_pack("{s:s,s:s}", "key", a->pos[1], "value", v);
    free(v);
    return rc;
}

static void text_config_get(FILE *f, json_t *j)
{
    fprintf(f, "%s\n", json_string_value(json_object_get(j, "value")));
}

static int r_config_list(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    (void)a;
    return config_list(db, out, e);
}

static void text_config_list(FILE *f, json_t *l)
{
    size_t i;
    json_t *x;
    json_array_foreach(l, i, x)
        fprintf(f, "%-18s %-6s %s\n", json_string_value(json_object_get(x, "key")),
                json_string_value(json_object_get(x, "scope")),
                json_string_value(json_object_get(x, "value")));
}

static int cmd_config(Args *a, EwErr *e)
{
    if (a->npos < 1)
        return usage(e, "config needs get KEY, set KEY VALUE or list%s", "");
    const char *verb = a->pos[0];
    int rc;
    if (strcmp(verb, "set") == 0) {
        if ((rc = need_pos(a, 3, "KEY and VALUE", e)) || (rc = config_validate(a->pos[1], a->pos[2], e)))
            return rc;
        return write_tx(a, w_config_set, e);
    }
    if (strcmp(verb, "get") == 0) {
        if ((rc = need_pos(a, 2, "KEY", e)))
            return rc;
        if (config_scope(a->pos[1]) < 0)
            return usage(e, "unknown setting '%s' (see `echowallctl config list`)", a->pos[1]);
    } else if (strcmp(verb, "list") == 0) {
        if ((rc = need_pos(a, 1, "", e)))
            return rc;
    } else {
        return usage(e, "unknown config verb '%s' (get, set or list)", verb);
    }
    return strcmp(verb, "get") == 0 ? read_cmd(a, r_config_get, text_config_get, e)
                                    : read_cmd(a, r_config_list, text_config_list, e);
}

/* ---- ledger ---- */

static int cmd_import_ledger(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "FILE.csv", e);
    sqlite3 *db;
    if (rc || (rc = open_db(a, 0, &db, e)))
        return rc;
    Author self;
    json_t *report = NULL;
    rc = device_load_self(db, &self, e);
    if (rc == EW_OK)
        rc = ledger_import(db, &self, a->pos[0], &report, e);
    if (rc == EW_OK) {
        if (flag(a, "json")) {
            print_json(a->out, report);
        } else {
            size_t i;
            json_t *x;
            fprintf(a->out, "imported %lld appeals from %s\n",
                    (long long)json_integer_value(json_object_get(report, "imported")), a->pos[0]);
            json_array_foreach(json_object_get(report, "people_added"), i, x)
                fprintf(a->out, "added person %s\n", json_string_value(x));
            json_array_foreach(json_object_get(report, "units_added"), i, x)
                fprintf(a->out, "added unit %s\n", json_string_value(x));
            json_array_foreach(json_object_get(report, "guesses"), i, x)
                fprintf(a->out, "guessed: %s\n", json_string_value(x));
            json_array_foreach(json_object_get(report, "notes"), i, x)
                fprintf(a->out, "note: %s\n", json_string_value(x));
        }
    }
    json_decref(report);
    sodium_memzero(&self, sizeof self);
    db_close(db);
    return rc;
}

static int cmd_export_ledger(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "FILE.csv", e);
    sqlite3 *db;
    if (rc || (rc = open_db(a, 0, &db, e)))
        return rc;
    int n = 0;
    rc = ledger_export(db, a->pos[0], &n, e);
    if (rc == EW_OK)
        fprintf(a->out, "wrote %d appeals to %s\n", n, a->pos[0]);
    db_close(db);
    return rc;
}

/* report town --out FILE.xlsx|FILE.csv: the office's workbook. */
static int cmd_report_town(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    const char *out = opt(a, "out");
    if (rc)
        return rc;
    if (!out || !*out)
        return usage(e, "--out FILE.xlsx (the workbook) or FILE.csv (its ledger sheet) is required%s",
                     "");
    sqlite3 *db;
    if ((rc = open_db(a, 0, &db, e)))
        return rc;
    rc = report_town(db, out, e);
    if (rc == EW_OK)
        fprintf(a->out, "wrote %s\n", out);
    db_close(db);
    return rc;
}

/* report agenda --out FILE.html: the orange appeals for the next joint
 * party-government meeting, one printable page. */
static int cmd_report_agenda(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    const char *out = opt(a, "out");
    if (rc)
        return rc;
    if (!out || !*out)
        return usage(e, "--out FILE.html (the agenda's printable page) is required%s", "");
    size_t n = strlen(out);
    if (!((n > 5 && ew_strieq(out + n - 5, ".html")) || (n > 4 && ew_strieq(out + n - 4, ".htm"))))
        return usage(e, "--out '%s' must be a file ending in .html", out);
    sqlite3 *db;
    if ((rc = open_db(a, 0, &db, e)))
        return rc;
    int items = 0;
    rc = agenda_write(db, out, &items, e);
    if (rc == EW_OK)
        fprintf(a->out, "wrote %s (%d orange appeals on the agenda)\n", out, items);
    db_close(db);
    return rc;
}

/* export site DIR: the public tracking site the slips' QR codes lead to. */
static int cmd_export_site(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "DIR", e);
    sqlite3 *db;
    if (rc || (rc = open_db(a, 0, &db, e)))
        return rc;
    rc = site_export(db, a->pos[0], e);
    if (rc == EW_OK)
        fprintf(a->out, "wrote the tracking site to %s\n", a->pos[0]);
    db_close(db);
    return rc;
}

/* ---- sync, enrolment, devices ---- */

static void text_sync(FILE *f, json_t *r)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "imported"), i, x) {
        json_t *hall = json_object_get(x, "hall");
        fprintf(f, "imported %s (%s%s%s): %lld new records, %lld already here",
                json_string_value(json_object_get(x, "file")),
                json_string_value(json_object_get(x, "role")), json_is_string(hall) ? " " : "",
                json_is_string(hall) ? json_string_value(hall) : "",
                (long long)json_integer_value(json_object_get(x, "records")),
                (long long)json_integer_value(json_object_get(x, "duplicates")));
        long long w = (long long)json_integer_value(json_object_get(x, "waiting"));
        long long sk = (long long)json_integer_value(json_object_get(x, "skipped"));
        if (w)
            fprintf(f, ", %lld waiting for earlier ones", w);
        if (sk)
            fprintf(f, ", %lld skipped", sk);
        fputc('\n', f);
    }
    json_array_foreach(json_object_get(r, "refused"), i, x)
        fprintf(f, "refused %s: %s\n", json_string_value(json_object_get(x, "file")),
                json_string_value(json_object_get(x, "reason")));
    json_array_foreach(json_object_get(r, "skipped"), i, x) {
        json_t *seq = json_object_get(x, "seq");
        fprintf(f, "skipped a record in %s", json_string_value(json_object_get(x, "file")));
        if (json_is_integer(seq))
            fprintf(f, " (device %.8s, seq %lld, %s)",
                    json_string_value(json_object_get(x, "device")),
                    (long long)json_integer_value(seq),
                    json_string_value(json_object_get(x, "kind")));
        fprintf(f, ": %s\n", json_string_value(json_object_get(x, "reason")));
    }
    json_array_foreach(json_object_get(r, "forks"), i, x)
        fprintf(f, "fork: device %.8s wrote two records numbered %lld; kept %.16s\n",
                json_string_value(json_object_get(x, "device")),
                (long long)json_integer_value(json_object_get(x, "seq")),
                json_string_value(json_object_get(x, "kept")));
    json_t *w = json_object_get(r, "wrote");
    if (w)
        fprintf(f, "wrote %s (%lld records, %lld bytes)\n",
                json_string_value(json_object_get(w, "bundle")),
                (long long)json_integer_value(json_object_get(w, "records")),
                (long long)json_integer_value(json_object_get(w, "bytes")));
    json_t *clk = json_object_get(r, "clock");
    if (json_is_integer(json_object_get(clk, "adopted")))
        fprintf(f, "set this kiosk's clock to the office's time (%lld minutes ahead)\n",
                (long long)json_integer_value(json_object_get(clk, "adopted")) / 60000);
    if (json_is_string(json_object_get(clk, "refused")))
        fprintf(f, "clock: %s\n", json_string_value(json_object_get(clk, "refused")));
    if (json_is_string(json_object_get(clk, "confirm")))
        fprintf(f, "clock: %s\n", json_string_value(json_object_get(clk, "confirm")));
    fputs(json_is_true(json_object_get(r, "safe_to_remove"))
              ? "safe to remove the stick\n"
              : "the stick was not written completely: keep it in and try again\n",
          f);
}

/* Runs a stick command: fn fills *report; printed even on failure. */
typedef int (*StickFn)(sqlite3 *db, Args *a, json_t **report, EwErr *e);
static int stick_cmd(Args *a, int create, StickFn fn, TextFn text, EwErr *e)
{
    sqlite3 *db;
    int rc = open_db(a, create, &db, e);
    if (rc)
        return rc;
    json_t *report = NULL;
    rc = fn(db, a, &report, e);
    if (report) {
        if (flag(a, "json"))
            print_json(a->out, report);
        else
            text(a->out, report);
    }
    json_decref(report);
    db_close(db);
    return rc;
}

static int s_sync(sqlite3 *db, Args *a, json_t **report, EwErr *e)
{
    return sync_stick(db, stickio_posix(), a->pos[0], report, e);
}

static int cmd_sync(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "the stick's folder (DIR)", e);
    return rc ? rc : stick_cmd(a, 0, s_sync, text_sync, e);
}

/* db check: the boot-time integrity check (echowall-dbcheck.service runs
 * it with --repair before the kiosk starts); see dbcheck.h. */
static int cmd_db_check(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    if (rc)
        return rc;
    json_t *r = NULL;
    rc = dbcheck_run(a->db, flag(a, "repair"), NULL, &r, e);
    if (r && flag(a, "json"))
        print_json(a->out, r);
    else if (r)
        fprintf(a->out, "%s\n", json_string_value(json_object_get(r, "text")));
    json_decref(r);
    return rc;
}

/* db salvage FILE: the records of a kept damaged file (or any database of
 * this town), re-verified, into this one. */
static int cmd_db_salvage(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "the file to take records from (FILE)", e);
    sqlite3 *db = NULL;
    if (rc == EW_OK)
        rc = open_db(a, 0, &db, e);
    if (rc)
        return rc;
    json_t *r = NULL;
    rc = dbcheck_salvage(db, a->pos[0], &r, e);
    if (rc == EW_OK && flag(a, "json"))
        print_json(a->out, r);
    else if (rc == EW_OK)
        fprintf(a->out, "%s\n", json_string_value(json_object_get(r, "text")));
    json_decref(r);
    db_close(db);
    return rc;
}

static void text_enroll(FILE *f, json_t *r)
{
    const char *state = json_string_value(json_object_get(r, "state"));
    const char *fp = json_string_value(json_object_get(r, "fingerprint"));
    if (!state)
        return;
    if (strcmp(state, "requested") == 0)
        fprintf(f, "wrote an enrolment request for device %s: take the stick to the town "
                   "office, then run `echowallctl enroll` again with it\n",
                json_string_value(json_object_get(r, "device")));
    else
        fprintf(f, "%s hall %s%s%s\ntown key fingerprint: %s (compare it with the office's "
                   "screen)\n",
                strcmp(state, "already") == 0 ? "already enrolled for" : "enrolled for",
                json_string_value(json_object_get(r, "hall")),
                json_object_get(r, "slot") ? ", slot " : "",
                json_object_get(r, "slot") ? json_string_value(json_object_get(r, "slot")) : "",
                fp ? fp : "?");
    if (json_is_object(json_object_get(r, "sync")))
        text_sync(f, json_object_get(r, "sync"));
}

static int s_enroll(sqlite3 *db, Args *a, json_t **report, EwErr *e)
{
    return enroll_device(db, stickio_posix(), a->pos[0], report, e);
}

static int cmd_enroll(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "the stick's folder (DIR)", e);
    return rc ? rc : stick_cmd(a, 1, s_enroll, text_enroll, e);
}

static void text_provision(FILE *f, json_t *r)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "provisioned"), i, x)
        fprintf(f, "enrolled device %s for %s, slot %s\n",
                json_string_value(json_object_get(x, "device")),
                json_string_value(json_object_get(x, "hall")),
                json_string_value(json_object_get(x, "slot")));
    json_array_foreach(json_object_get(r, "refused"), i, x)
        fprintf(f, "refused %s: %s\n", json_string_value(json_object_get(x, "file")),
                json_string_value(json_object_get(x, "reason")));
    if (json_is_object(json_object_get(r, "sync")))
        text_sync(f, json_object_get(r, "sync"));
}

static int s_provision(sqlite3 *db, Args *a, json_t **report, EwErr *e)
{
    return enroll_provision(db, stickio_posix(), a->pos[0], opt(a, "hall"), report, e);
}

static int cmd_provision(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "the stick's folder (DIR)", e);
    if (rc)
        return rc;
    if (!code_hall_valid(opt(a, "hall")))
        return usage(e, "--hall '%s' must be a hall code like H07",
                     opt(a, "hall") ? opt(a, "hall") : "");
    return stick_cmd(a, 0, s_provision, text_provision, e);
}

static int w_revoke(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    char hex[33];
    const char *after = opt(a, "after-seq");
    int rc = enroll_revoke(db, self, a->pos[0], after ? atoll(after) : -1, hex, e);
    if (rc == EW_OK)
        fprintf(a->out, "revoked device %s\n", hex);
    return rc;
}

static int cmd_revoke(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "the device id", e);
    const char *after = opt(a, "after-seq");
    char *end;
    if (rc == EW_OK && after && (strtoll(after, &end, 10) < 0 || *end || !*after))
        rc = usage(e, "--after-seq '%s' must be a number", after);
    size_t n = rc ? 0 : strlen(a->pos[0]);
    if (rc == EW_OK && (n < 6 || n > 32 || strspn(a->pos[0], "0123456789abcdef") != n))
        rc = usage(e, "device '%s' must be a device id in hex, at least 6 characters",
                   a->pos[0]);
    return rc ? rc : write_tx(a, w_revoke, e);
}

static int r_devices(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    (void)a;
    return device_list(db, out, e);
}

static void text_devices(FILE *f, json_t *arr)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        json_t *hall = json_object_get(x, "hall");
        fprintf(f, "%s %-6s %-3s %s %6lld records%s%s%s\n",
                json_string_value(json_object_get(x, "device")),
                json_string_value(json_object_get(x, "role")),
                json_is_string(hall) ? json_string_value(hall) : "-",
                json_string_value(json_object_get(x, "slot")),
                (long long)json_integer_value(json_object_get(x, "records")),
                json_is_true(json_object_get(x, "certified")) ? "" : "  not certified",
                json_is_true(json_object_get(x, "revoked")) ? "  REVOKED" : "",
                json_is_true(json_object_get(x, "self")) ? "  (this device)" : "");
    }
}

static int cmd_devices(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    return rc ? rc : read_cmd(a, r_devices, text_devices, e);
}

/* ---- the clock ---- */

static int r_clock(sqlite3 *db, Args *a, json_t **out, EwErr *e)
{
    (void)a;
    return synclock_state(db, out, e);
}

static void text_clock(FILE *f, json_t *c)
{
    json_t *conf = json_object_get(c, "confirmed");
    fprintf(f, "today %s (offset %lld ms from this machine's clock)\n",
            json_string_value(json_object_get(c, "today")),
            (long long)json_integer_value(json_object_get(c, "offset_ms")));
    if (conf)
        fprintf(f, "%s\n", json_is_true(conf) ? "the office clock is confirmed"
                                              : "the office clock needs confirming: check the "
                                                "date, then `echowallctl clock confirm`");
}

static int w_clock_confirm(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    if (strcmp(self->role, "office") != 0)
        return ew_err(e, EW_EDENIED, "only the office confirms the town's clock; kiosks take it "
                                     "from the office's stick");
    int rc = synclock_confirm(db, e);
    if (rc == EW_OK) {
        char day[11];
        clock_format_day(db_today(db), day);
        fprintf(a->out, "confirmed: today is %s\n", day);
    }
    return rc;
}

static int cmd_clock(Args *a, EwErr *e)
{
    if (a->npos == 1 && strcmp(a->pos[0], "confirm") == 0)
        return write_tx(a, w_clock_confirm, e);
    int rc = need_pos(a, 0, "", e);
    return rc ? usage(e, "clock takes no argument but `confirm`") : read_cmd(a, r_clock, text_clock, e);
}

/* ---- backups ---- */

/* The passphrase: the first line of --passphrase-file, else
 * $ECHOWALL_PASSPHRASE. *out malloc'd. */
static int passphrase(Args *a, char **out, EwErr *e)
{
    const char *file = opt(a, "passphrase-file"), *env = getenv("ECHOWALL_PASSPHRASE");
    *out = NULL;
    if (file) {
        FILE *f = fopen(file, "r");
        char line[512];
        if (!f)
            return ew_err(e, EW_EINPUT, "--passphrase-file %s: %s", file, strerror(errno));
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
        line[strcspn(line, "\r\n")] = '\0';
        *out = ew_xstrdup(line);
    } else if (env) {
        *out = ew_xstrdup(env);
    } else {
        return ew_err(e, EW_EINPUT, "give the backup passphrase with --passphrase-file FILE "
                                    "(or $ECHOWALL_PASSPHRASE)");
    }
    if (strlen(*out) < BACKUP_PASSPHRASE_MIN) {
        free(*out);
        *out = NULL;
        return ew_err(e, EW_EINPUT, "the backup passphrase must have at least %d characters",
                      BACKUP_PASSPHRASE_MIN);
    }
    return EW_OK;
}

static int cmd_backup(Args *a, EwErr *e)
{
    char *pass = NULL;
    int rc = need_pos(a, 1, "the stick's folder (DIR)", e);
    if (rc || (rc = passphrase(a, &pass, e)))
        return rc;
    sqlite3 *db;
    if ((rc = open_db(a, 0, &db, e)) == EW_OK) {
        char name[64];
        rc = backup_write(db, stickio_posix(), a->pos[0], pass, name, e);
        if (rc == EW_OK)
            fprintf(a->out, "wrote %s/echowall/%s\nkeep the passphrase apart from the stick; "
                            "safe to remove the stick\n",
                    a->pos[0], name);
        db_close(db);
    }
    sodium_memzero(pass, strlen(pass));
    free(pass);
    return rc;
}

static void text_restore(FILE *f, json_t *r)
{
    fprintf(f, "restored %lld records as a new office device %s (slot %s)\n"
               "town key fingerprint: %s\nthe halls' next syncs bring back what the backup "
               "lacked\n",
            (long long)json_integer_value(json_object_get(r, "records")),
            json_string_value(json_object_get(r, "new_device")),
            json_string_value(json_object_get(r, "slot")),
            json_string_value(json_object_get(r, "fingerprint")));
}

static int cmd_restore(Args *a, EwErr *e)
{
    char *pass = NULL;
    int rc = need_pos(a, 1, "the backup file", e);
    if (rc || (rc = passphrase(a, &pass, e)))
        return rc;
    json_t *report = NULL;
    if ((rc = make_parent(a->db, e)) == EW_OK)
        rc = backup_restore(stickio_posix(), a->pos[0], pass, a->db, &report, e);
    if (rc == EW_OK) {
        if (flag(a, "json"))
            print_json(a->out, report);
        else
            text_restore(a->out, report);
    }
    json_decref(report);
    sodium_memzero(pass, strlen(pass));
    free(pass);
    return rc;
}

/* ---- updates by stick ---- */

static void text_update_info(FILE *f, const UpdateInfo *u)
{
    char hex[65];
    ew_hex(u->hash, sizeof u->hash, hex);
    fprintf(f, "package=%s\nversion=%s\narch=%s\nsize=%llu\nblake2b=%s\n", u->package, u->version,
            u->arch, (unsigned long long)u->size, hex);
}

static int cmd_update_sign(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "the package (PKG.deb)", e);
    if (rc == EW_OK && (!opt(a, "stick") || !*opt(a, "stick")))
        rc = usage(e, "missing --stick DIR (the stick's mount point)");
    sqlite3 *db;
    if (rc || (rc = open_db(a, 0, &db, e)))
        return rc;
    UpdateInfo u;
    rc = update_sign(db, stickio_posix(), a->pos[0], opt(a, "stick"), &u, e);
    db_close(db);
    if (rc == EW_OK) {
        text_update_info(a->out, &u);
        fprintf(a->out, "wrote %s/echowall/update-%s.deb and .sig; safe to remove the stick\n",
                opt(a, "stick"), u.version);
    }
    return rc;
}

/* The town key to check against: --town-key HEX, else the one pinned in the
 * database. */
static int town_key(Args *a, unsigned char pk[crypto_sign_PUBLICKEYBYTES], EwErr *e)
{
    const char *hex = opt(a, "town-key");
    if (hex)
        return strlen(hex) == 2 * crypto_sign_PUBLICKEYBYTES &&
                       ew_unhex(hex, pk, crypto_sign_PUBLICKEYBYTES) == 0
                   ? EW_OK
                   : usage(e, "--town-key must be the town's public key in 64 hex digits");
    sqlite3 *db;
    int rc = open_db(a, 0, &db, e);
    if (rc)
        return rc;
    if (device_town_pk(db, pk) != 0)
        rc = ew_err(e, EW_ESTATE, "this device does not know the town's key (enrol it first)");
    db_close(db);
    return rc;
}

static int cmd_update_verify(Args *a, EwErr *e)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    int rc = need_pos(a, 2, "the package and its signature (PKG.deb PKG.sig)", e);
    int cmp;
    if (rc == EW_OK && opt(a, "running"))
        rc = update_version_cmp(opt(a, "running"), "0.0.0", &cmp, e) ? usage(e, "--running: %s", e->msg)
                                                                     : EW_OK;
    if (rc || (rc = town_key(a, pk, e)))
        return rc;
    UpdateTarget t = {opt(a, "arch"), opt(a, "running")};
    UpdateInfo u;
    rc = update_verify_files(a->pos[0], a->pos[1], pk, &t, &u, e);
    if (rc == EW_OK)
        text_update_info(a->out, &u);
    return rc;
}

static int cmd_update_key(Args *a, EwErr *e)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char hex[65];
    int rc = need_pos(a, 0, "", e);
    if (rc || (rc = town_key(a, pk, e)))
        return rc;
    ew_hex(pk, sizeof pk, hex);
    fprintf(a->out, "%s\n", hex);
    return EW_OK;
}

static int cmd_update_fetch(Args *a, EwErr *e)
{
    int rc = need_pos(a, 1, "the stick's folder (DIR)", e);
    sqlite3 *db;
    if (rc || (rc = open_db(a, 0, &db, e)))
        return rc;
    UpdatePaths p = {opt(a, "spool"), opt(a, "state")};
    json_t *r = NULL;
    rc = update_take(db, stickio_posix(), a->pos[0], &p, NULL, &r, e);
    db_close(db);
    if (rc == EW_OK && flag(a, "json"))
        print_json(a->out, r ? r : json_null());
    else if (rc == EW_OK && !r)
        fputs("no update on the stick\n", a->out);
    else if (rc == EW_OK)
        fprintf(a->out, "%s %s%s%s\n", json_string_value(json_object_get(r, "state")),
                json_string_value(json_object_get(r, "version")),
                json_object_get(r, "reason") ? ": " : "",
                json_object_get(r, "reason") ? json_string_value(json_object_get(r, "reason")) : "");
    json_decref(r);
    return rc;
}

/* ---- the staff PIN ---- */

/* Reads one line (a PIN) from a->in into buf. On a terminal it first shows
 * prompt on a->err and turns echo off while the line is typed. Never from
 * argv: that would show in `ps` and the shell's history. */
static int read_line(Args *a, const char *prompt, char *buf, size_t size, EwErr *e)
{
    int fd = fileno(a->in), tty = isatty(fd);
    struct termios saved, quiet;
    if (tty && tcgetattr(fd, &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        fputs(prompt, a->err);
        fflush(a->err);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    } else {
        tty = 0;
    }
    char *got = fgets(buf, (int)size, a->in);
    if (tty)
        tcsetattr(fd, TCSAFLUSH, &saved);
    if (!got) {
        buf[0] = '\0';
        return usage(e, "no PIN on standard input (type it, or pipe it in: never give it as "
                        "an argument)%s", "");
    }
    if (!strchr(buf, '\n') && !feof(a->in)) {
        int c;
        while ((c = fgetc(a->in)) != EOF && c != '\n')
            ;
        sodium_memzero(buf, size);
        return usage(e, "the PIN must have %d to %d digits; that line is much longer",
                     STAFF_PIN_MIN, STAFF_PIN_MAX);
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return EW_OK;
}

/* Reads the PIN into a->pin and checks its form: twice on a terminal (the
 * two must agree), once from a pipe. */
static int read_pin(Args *a, int confirm, EwErr *e)
{
    char line[64], again[64] = "";
    int tty = isatty(fileno(a->in));
    int rc = read_line(a, confirm ? "new PIN: " : "PIN: ", line, sizeof line, e);
    if (rc == EW_OK)
        rc = staff_pin_valid(line, e);
    if (rc == EW_OK && confirm && tty)
        rc = read_line(a, "again: ", again, sizeof again, e);
    if (rc == EW_OK && confirm && tty && strcmp(line, again) != 0)
        rc = usage(e, "the two PINs differ; nothing changed%s", "");
    if (rc == EW_OK)
        memcpy(a->pin, line, strlen(line) + 1);
    sodium_memzero(line, sizeof line);
    sodium_memzero(again, sizeof again);
    return rc;
}

static int w_staff_set_pin(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    (void)self;
    int rc = staff_pin_set(db, a->pin, e);
    if (rc == EW_OK)
        fputs("staff PIN set\n", a->out);
    return rc;
}

static int cmd_staff_set_pin(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    if (rc == EW_OK)
        rc = read_pin(a, 1, e);
    if (rc == EW_OK)
        rc = write_tx(a, w_staff_set_pin, e);
    sodium_memzero(a->pin, sizeof a->pin);
    return rc;
}

static int cmd_staff_check_pin(Args *a, EwErr *e)
{
    sqlite3 *db;
    int rc = need_pos(a, 0, "", e);
    if (rc == EW_OK)
        rc = read_pin(a, 0, e);
    if (rc == EW_OK && (rc = open_db(a, 0, &db, e)) == EW_OK) {
        rc = staff_pin_check(db, a->pin, db_now_ms(db), NULL, e);
        if (rc == EW_OK)
            fputs("PIN right\n", a->out);
        db_close(db);
    }
    sodium_memzero(a->pin, sizeof a->pin);
    return rc;
}

static int w_staff_reset_pin(sqlite3 *db, Author *self, Args *a, EwErr *e)
{
    int rc = staff_pin_reset(db, self, opt(a, "hall"), a->pin, e);
    if (rc == EW_OK)
        fprintf(a->out,
                "temporary staff PIN for %s: %s\n"
                "Read it to the hall's staff by phone; it is not shown again. It opens staff "
                "mode on %s's kiosk once a stick has brought this reset there, and the kiosk "
                "then asks for a new PIN.\n",
                opt(a, "hall"), a->pin, opt(a, "hall"));
    return rc;
}

static int cmd_staff_reset_pin(Args *a, EwErr *e)
{
    int rc = need_pos(a, 0, "", e);
    if (rc == EW_OK && !code_hall_valid(opt(a, "hall")))
        rc = usage(e, "--hall '%s' must be a hall code like H07",
                   opt(a, "hall") ? opt(a, "hall") : "");
    if (rc == EW_OK)
        rc = write_tx(a, w_staff_reset_pin, e);
    sodium_memzero(a->pin, sizeof a->pin);
    return rc;
}

/* ---- the table ---- */

typedef struct Command {
    const char *w1, *w2;  /* words; w2 NULL for one-word commands */
    const char *options;  /* "name=" takes a value, "name" is a flag, "name=*" repeats */
    Cmd fn;
    const char *help;
} Command;

static const Command commands[] = {
    {"init", NULL, "role= hall= name= slot=", cmd_init,
     "init --role office [--name TOWN] | init --role hall --hall CODE [--slot S]"},
    {"demo", NULL, "hall= seed= date= appeals= json", cmd_demo,
     "demo [--hall CODE] [--seed N] [--date YYYY-MM-DD] [--json]"},
    {"appeal", "add", "hall= category= text= grid= source= contact= json", cmd_appeal_add,
     "appeal add --hall CODE --category CAT --text TEXT [--grid G] [--source kiosk|meeting|staff] "
     "[--contact PHONE]"},
    {"appeal", "show", "json", cmd_appeal_show, "appeal show CODE [--json]"},
    {"appeal", "list", "hall= grade= status= overdue json", cmd_appeal_list,
     "appeal list [--hall CODE] [--grade G] [--status S] [--overdue] [--json]"},
    {"appeal", "grade", "due=", cmd_appeal_grade,
     "appeal grade CODE green|blue|orange [--due YYYY-MM-DD]"},
    {"appeal", "assign", "member= leader= unit= due=", cmd_appeal_assign,
     "appeal assign CODE --member WHO --leader WHO --unit WHO [--due YYYY-MM-DD]"},
    {"appeal", "progress", "note=", cmd_progress, "appeal progress CODE --note TEXT"},
    {"appeal", "escalate", "note=", cmd_escalate, "appeal escalate CODE [--note TEXT]"},
    {"appeal", "solve", "answer=", cmd_solve, "appeal solve CODE --answer TEXT"},
    {"appeal", "reopen", "note=", cmd_reopen, "appeal reopen CODE --note TEXT"},
    {"appeal", "publish", "", cmd_publish, "appeal publish CODE"},
    {"appeal", "redact", "reason=", cmd_redact,
     "appeal redact CODE --reason TEXT  (office: hides its text and contact everywhere)"},
    {"appeal", "contact", "json", cmd_appeal_contact,
     "appeal contact CODE [--json]  (office: the villager's private phone number, opened with "
     "the town key)"},
    {"appeal", "rate", "rating-code=", cmd_rate,
     "appeal rate CODE --rating-code N satisfied|unsatisfied"},
    {"meeting", "open", "hall= topic= subject=* cap= tokens= out= width=", cmd_meeting_open,
     "meeting open --hall CODE --topic T [--subject WHO ...] [--cap N] [--tokens N "
     "[--out FILE [--width 384|576]]]  (prints the ID, then one 'token DIGITS' line a ballot "
     "slip; --out writes the slips for the printer, or a .png)"},
    {"print", NULL, "width= rating-code= out=", cmd_print,
     "print CODE --out FILE [--width 384|576] [--rating-code N]  (an appeal's slip: ESC/POS "
     "bytes, or a picture for a .png)"},
    {"meeting", "close", "", cmd_meeting_close, "meeting close ID"},
    {"meeting", "void", "reason=", cmd_meeting_void,
     "meeting void ID --reason TEXT  (office: leaves the meeting out of all results)"},
    {"eval", "results", "meeting= round= min= json", cmd_eval_results,
     "eval results (--meeting ID | --round YYYYQn) [--min N] [--json]"},
    {"eval", "person", "min= json", cmd_eval_person,
     "eval person WHO [--min N] [--json]  (one person's results, meeting by meeting and by round)"},
    {"meeting", "list", "json", cmd_meeting_list, "meeting list [--json]"},
    {"stats", NULL, "json", cmd_stats, "stats [--json]"},
    {"roster", "list", "json", cmd_roster_list, "roster list [--json]"},
    {"config", NULL, "json", cmd_config, "config get KEY | config set KEY VALUE | config list"},
    {"import", "ledger", "json", cmd_import_ledger, "import ledger FILE.csv [--json]"},
    {"export", "ledger", "", cmd_export_ledger, "export ledger FILE.csv"},
    {"report", "town", "out=", cmd_report_town,
     "report town --out FILE.xlsx|FILE.csv  (the office's workbook; .csv: the ledger sheet alone)"},
    {"report", "agenda", "out=", cmd_report_agenda,
     "report agenda --out FILE.html  (the orange appeals not yet solved, for the joint "
     "party-government meeting: a page to print)"},
    {"export", "site", "", cmd_export_site,
     "export site DIR  (the public tracking site: DIR is the web root of town.tracking_url)"},
    {"sync", NULL, "json", cmd_sync, "sync DIR [--json]  (DIR: the stick's mount point)"},
    {"enroll", NULL, "json", cmd_enroll, "enroll DIR [--json]  (a hall kiosk)"},
    {"provision", NULL, "hall= json", cmd_provision, "provision --hall CODE DIR [--json]  (office)"},
    {"revoke", NULL, "after-seq=", cmd_revoke, "revoke DEVICE [--after-seq N]  (office)"},
    {"devices", NULL, "json", cmd_devices, "devices [--json]"},
    {"db", "check", "repair json", cmd_db_check,
     "db check [--repair] [--json]  (integrity check; --repair rebuilds a damaged database, "
     "keeping it aside; exit 0 clean or repaired, 1 damaged)"},
    {"db", "salvage", "json", cmd_db_salvage,
     "db salvage FILE [--json]  (takes the records of a kept damaged file, re-verified)"},
    {"clock", NULL, "json", cmd_clock, "clock [--json] | clock confirm  (office)"},
    {"backup", NULL, "passphrase-file=", cmd_backup,
     "backup DIR [--passphrase-file F]  (office: town key and database, encrypted)"},
    {"restore", NULL, "passphrase-file= json", cmd_restore,
     "restore FILE [--passphrase-file F]  (into a new --db path, as a new office device)"},
    {"update", "sign", "stick=", cmd_update_sign,
     "update sign PKG.deb --stick DIR  (office: the package and its signature by the town key "
     "onto the stick)"},
    {"update", "verify", "town-key= running= arch=", cmd_update_verify,
     "update verify PKG.deb PKG.sig [--town-key HEX] [--running X.Y.Z] [--arch ARCH]  (exit 0 "
     "when signed by the town and newer than the running version; prints its fields)"},
    {"update", "key", "", cmd_update_key, "update key  (the pinned town public key, in hex)"},
    {"update", "fetch", "spool= state= json", cmd_update_fetch,
     "update fetch DIR [--spool D] [--state D] [--json]  (a kiosk: take the stick's update for "
     "the root helper to install)"},
    {"staff", "set-pin", "", cmd_staff_set_pin,
     "staff set-pin  (reads the new PIN, 4-8 digits, from standard input)"},
    {"staff", "check-pin", "", cmd_staff_check_pin,
     "staff check-pin  (reads a PIN from standard input; exit 0 right, 1 wrong or locked)"},
    {"staff", "reset-pin", "hall=", cmd_staff_reset_pin,
     "staff reset-pin --hall CODE  (office: prints a temporary PIN for that hall's kiosk, once)"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void print_usage(FILE *f)
{
    fputs("usage: echowallctl [--db PATH] COMMAND ...\n"
          "  --db PATH   the device database (default $ECHOWALL_DB or " DEFAULT_DB ")\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %s\n", commands[i].help);
}

/* Whether spec lists option name; *takes is set when it takes a value. */
static int spec_has(const char *spec, const char *name, int *takes)
{
    size_t n = strlen(name);
    for (const char *p = spec; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        size_t base = len;
        while (base && (p[base - 1] == '=' || p[base - 1] == '*'))
            base--;
        if (base == n && strncmp(p, name, n) == 0) {
            *takes = base < len;
            return 1;
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    return 0;
}

/* Removes a database file and its companions (after a failed create). */
static void remove_db_files(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char *p = ew_xasprintf("%s%s", path, suffix[i]);
        unlink(p);
        free(p);
    }
}

int ctl_main(int argc, char **argv, FILE *out, FILE *errf)
{
    EwErr e = {0};
    Args a;
    memset(&a, 0, sizeof a);
    a.in = stdin;
    a.out = out;
    a.err = errf;
    a.db = getenv("ECHOWALL_DB") ? getenv("ECHOWALL_DB") : DEFAULT_DB;
    if (sodium_init() < 0) {
        fputs("echowallctl: cannot initialise libsodium\n", errf);
        return 1;
    }
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            a.db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            a.db = argv[i] + 5;
        } else if (strcmp(argv[i], "--help") == 0) {
            print_usage(out);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            fprintf(out, "echowallctl %s (%s)\n", update_running_version(), update_build_arch());
            return 0;
        } else {
            fprintf(errf, "echowallctl: unknown or incomplete option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc || strcmp(argv[i], "help") == 0) {
        print_usage(i >= argc ? errf : out);
        return i >= argc ? 2 : 0;
    }
    const Command *cmd = NULL;
    for (size_t k = 0; k < NCOMMANDS && !cmd; k++) {
        if (strcmp(commands[k].w1, argv[i]) != 0)
            continue;
        if (!commands[k].w2)
            cmd = &commands[k];
        else if (i + 1 < argc && strcmp(commands[k].w2, argv[i + 1]) == 0)
            cmd = &commands[k];
    }
    if (!cmd) {
        int known = 0;
        for (size_t k = 0; k < NCOMMANDS; k++)
            known |= strcmp(commands[k].w1, argv[i]) == 0;
        if (known && i + 1 < argc)
            fprintf(errf, "echowallctl: unknown command '%s %s'; '%s' needs one of:", argv[i],
                    argv[i + 1], argv[i]);
        else if (known)
            fprintf(errf, "echowallctl: '%s' needs one of:", argv[i]);
        else
            fprintf(errf, "echowallctl: unknown command '%s' (see echowallctl --help)\n", argv[i]);
        for (size_t k = 0; known && k < NCOMMANDS; k++)
            if (strcmp(commands[k].w1, argv[i]) == 0)
                fprintf(errf, " %s", commands[k].w2);
        if (known)
            fputc('\n', errf);
        return 2;
    }
    i += cmd->w2 ? 2 : 1;
    for (; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--") == 0) {
            for (i++; i < argc && a.npos < MAX_ARGS - 2; i++)
                a.pos[a.npos++] = argv[i];
            break;
        }
        if (strncmp(s, "--", 2) != 0 || strlen(s) == 2) {
            if (a.npos >= MAX_ARGS - 2) {
                fputs("echowallctl: too many arguments\n", errf);
                return 2;
            }
            a.pos[a.npos++] = s;
            continue;
        }
        char name[64];
        const char *eq = strchr(s + 2, '=');
        size_t n = eq ? (size_t)(eq - s - 2) : strlen(s + 2);
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s + 2);
        int takes = 0;
        if (strcmp(name, "db") == 0) {
            takes = 1;
        } else if (!spec_has(cmd->options, name, &takes)) {
            fprintf(errf, "echowallctl: unknown option --%s for `%s%s%s` (usage: %s)\n", name,
                    cmd->w1, cmd->w2 ? " " : "", cmd->w2 ? cmd->w2 : "", cmd->help);
            return 2;
        }
        const char *val = NULL;
        if (takes) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else {
                fprintf(errf, "echowallctl: option --%s needs a value\n", name);
                return 2;
            }
        } else if (eq) {
            fprintf(errf, "echowallctl: option --%s takes no value\n", name);
            return 2;
        }
        if (strcmp(name, "db") == 0) {
            a.db = val;
            continue;
        }
        if (a.nopt >= MAX_ARGS) {
            fputs("echowallctl: too many options\n", errf);
            return 2;
        }
        memcpy(a.namebuf[a.nopt], name, sizeof name);
        a.name[a.nopt] = a.namebuf[a.nopt];
        a.val[a.nopt] = val;
        a.nopt++;
    }
    /* init and demo create the database: when they fail, a file they created
     * is removed again, so that a failed command changes nothing. */
    struct stat st;
    int creates = cmd->fn == cmd_init || cmd->fn == cmd_demo;
    int existed = !creates || stat(a.db, &st) == 0;
    int rc = cmd->fn(&a, &e);
    if (rc && !existed)
        remove_db_files(a.db);
    if (rc) {
        fprintf(errf, "echowallctl: %s\n", e.msg[0] ? e.msg : "failed");
        return status_of(rc);
    }
    return 0;
}
