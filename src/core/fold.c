/*
 * fold.c: applying records to the derived tables (see fold.h).
 *
 * One handler per record kind. A handler reads the body, checks the
 * author's role and the state, and either changes the tables or refuses
 * with a reason. Appeal records also leave an entry on the appeal's
 * timeline, applied or not.
 */
#include "fold.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeal.h"
#include "clock.h"
#include "code.h"
#include "config.h"
#include "db.h"
#include "domain.h"

/* The author of the record being folded, from the devices table. */
typedef struct Who {
    char role[8];   /* "office" or "hall"; "" for an unknown device */
    char hall[4];
    char slot;
} Who;

/* What a handler gets. */
typedef struct Ctx {
    sqlite3 *db;
    const Record *r;
    json_t *body;
    Who who;
    int64_t day;     /* event day */
    EwErr why;       /* the refusal */
} Ctx;

static int office(const Ctx *c) { return strcmp(c->who.role, "office") == 0; }
static int hall_of(const Ctx *c, const char *hall)
{
    return strcmp(c->who.role, "hall") == 0 && hall && strcmp(c->who.hall, hall) == 0;
}

static const char *str(json_t *body, const char *key)
{
    json_t *v = json_object_get(body, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A refusal: the record stays, marked refused. Returns 1 (refused). */
static int refuse(Ctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(Ctx *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why.msg, sizeof c->why.msg, fmt, ap);
    va_end(ap);
    c->why.code = code;
    return 1;
}

/* Handlers return 0 applied, 1 refused, or a negative EW_E* for a database
 * failure (which aborts the fold). */
typedef int (*Handler)(Ctx *c, EwErr *err);

static int is_hash(const char *s)
{
    unsigned char h[32];
    return s && ew_unhex(s, h, sizeof h) == 0;
}

static int text_field(Ctx *c, const char *key, int required, const char **out)
{
    *out = str(c->body, key);
    if (!*out && !required && !json_object_get(c->body, key))
        return 0;
    if (!is_hash(*out))
        return refuse(c, EW_EINPUT, "the record's %s is missing or malformed", key);
    return 0;
}

/* ---- roster and town settings (office only) ---- */

static int need_office(Ctx *c, const char *what)
{
    if (!office(c))
        return refuse(c, EW_EDENIED, "only the office may %s", what);
    return 0;
}

static int h_branch(Ctx *c, EwErr *err)
{
    if (need_office(c, "change the roster"))
        return 1;
    const char *code = str(c->body, "code"), *name = str(c->body, "name");
    json_t *grids = json_object_get(c->body, "grids");
    if (!code_hall_valid(code) || !name || !*name || (grids && !json_is_array(grids)))
        return refuse(c, EW_EINPUT, "malformed branch record");
    char *g = grids ? json_dumps(grids, JSON_COMPACT) : ew_xstrdup("[]");
    int rc = db_run(c->db, err,
                    "INSERT INTO branches(code,name,grids) VALUES(?,?,?) ON CONFLICT(code) "
                    "DO UPDATE SET name=excluded.name, grids=excluded.grids",
                    "ttt", code, name, g);
    free(g);
    return rc;
}

static int h_person(Ctx *c, EwErr *err)
{
    if (need_office(c, "change the roster"))
        return 1;
    const char *id = str(c->body, "id"), *name = str(c->body, "name"),
               *role = str(c->body, "role"), *branch = str(c->body, "branch");
    if (!id || !*id || strlen(id) > 32 || !name || !*name || domain_index(DOMAIN_ROLES, role) < 0 ||
        (branch && !code_hall_valid(branch)))
        return refuse(c, EW_EINPUT, "malformed person record");
    return db_run(c->db, err,
                  "INSERT INTO people(id,name,role,branch) VALUES(?,?,?,?) ON CONFLICT(id) "
                  "DO UPDATE SET name=excluded.name, role=excluded.role, branch=excluded.branch",
                  "tttt", id, name, role, branch);
}

static int h_unit(Ctx *c, EwErr *err)
{
    if (need_office(c, "change the roster"))
        return 1;
    const char *id = str(c->body, "id"), *name = str(c->body, "name");
    if (!id || !*id || strlen(id) > 32 || !name || !*name)
        return refuse(c, EW_EINPUT, "malformed unit record");
    return db_run(c->db, err,
                  "INSERT INTO units(id,name) VALUES(?,?) ON CONFLICT(id) "
                  "DO UPDATE SET name=excluded.name",
                  "tt", id, name);
}

static int h_config(Ctx *c, EwErr *err)
{
    if (need_office(c, "change the town's settings"))
        return 1;
    const char *key = str(c->body, "key"), *value = str(c->body, "value");
    EwErr e = {0};
    if (!key || !value || config_town_validate(key, value, &e) != EW_OK)
        return refuse(c, EW_EINPUT, "%s", e.msg[0] ? e.msg : "malformed setting record");
    return db_run(c->db, err,
                  "INSERT INTO town_config(key,value) VALUES(?,?) ON CONFLICT(key) "
                  "DO UPDATE SET value=excluded.value",
                  "tt", key, value);
}

/* ---- appeals ---- */

typedef struct Appeal {
    int found;
    char hall[4];
    char grade[8];    /* "" when ungraded */
    char status[16];
    int published;
    int rated;
    char rating_hash[65];
} Appeal;

static int load_appeal(Ctx *c, const char *code, Appeal *a, EwErr *err)
{
    memset(a, 0, sizeof *a);
    sqlite3_stmt *st = db_prep(c->db, err,
                               "SELECT hall, coalesce(grade,''), status, published, "
                               "rating IS NOT NULL, rating_hash FROM appeals WHERE code=?",
                               "t", code);
    if (!st)
        return EW_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        a->found = 1;
        snprintf(a->hall, sizeof a->hall, "%s", sqlite3_column_text(st, 0));
        snprintf(a->grade, sizeof a->grade, "%s", sqlite3_column_text(st, 1));
        snprintf(a->status, sizeof a->status, "%s", sqlite3_column_text(st, 2));
        a->published = sqlite3_column_int(st, 3);
        a->rated = sqlite3_column_int(st, 4);
        snprintf(a->rating_hash, sizeof a->rating_hash, "%s", sqlite3_column_text(st, 5));
    }
    db_done(st);
    return EW_OK;
}

static int status_in(const Appeal *a, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(a->status, *set) == 0)
            return 1;
    return 0;
}

static const char *status_name(const char *key)
{
    const Term *t = domain_find(DOMAIN_STATUSES, key);
    return t ? t->en : key;
}

static int h_appeal_new(Ctx *c, EwErr *err)
{
    const char *code = str(c->body, "code"), *hall = str(c->body, "hall"),
               *category = str(c->body, "category"), *source = str(c->body, "source"),
               *grid = str(c->body, "grid"), *ledger_no = str(c->body, "ledger_no");
    const char *text, *contact, *rating;
    char chall[4], slot;
    int64_t counter;
    if (text_field(c, "text", 1, &text) || text_field(c, "contact", 0, &contact) ||
        text_field(c, "rating", 1, &rating))
        return 1;
    if (!code || code_parse(code, chall, &slot, &counter) != 0 || !hall ||
        strcmp(chall, hall) != 0)
        return refuse(c, EW_EINPUT, "the appeal's tracking code is malformed");
    if (domain_index(DOMAIN_CATEGORIES, category) < 0 || domain_index(DOMAIN_SOURCES, source) < 0)
        return refuse(c, EW_EINPUT, "the appeal's category or source is unknown");
    if (!office(c)) {
        if (!hall_of(c, hall))
            return refuse(c, EW_EDENIED, "a hall device may only take appeals for its own branch");
        if (slot != c->who.slot)
            return refuse(c, EW_EDENIED, "a device may only mint codes in its own slot");
    }
    Appeal a;
    int rc = load_appeal(c, code, &a, err);
    if (rc)
        return rc;
    if (a.found)
        return refuse(c, EW_ESTATE, "appeal %s already exists", code);
    return db_run(c->db, err,
                  "INSERT INTO appeals(code,hall,grid,category,text_hash,source,contact_hash,"
                  "rating_hash,ledger_no,created_day,created_hlc,status) "
                  "VALUES(?,?,?,?,?,?,?,?,?,?,?,'received')",
                  "tttttttttii", code, hall, grid, category, text, source, contact, rating,
                  ledger_no, c->day, c->r->hlc);
}

/* Common preamble: the appeal must exist; fills a. */
static int appeal_of(Ctx *c, Appeal *a, const char **code, EwErr *err)
{
    *code = str(c->body, "code");
    if (!*code)
        return refuse(c, EW_EINPUT, "the record names no appeal");
    int rc = load_appeal(c, *code, a, err);
    if (rc)
        return rc;
    if (!a->found)
        return refuse(c, EW_ENOTFOUND, "no appeal %s", *code);
    return 0;
}

static int h_grade(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    const char *grade = str(c->body, "grade"), *due = str(c->body, "due");
    int64_t due_day = 0;
    if (domain_index(DOMAIN_GRADES, grade) < 0)
        return refuse(c, EW_EINPUT, "unknown grade");
    if (due && clock_parse_day(due, &due_day) != 0)
        return refuse(c, EW_EINPUT, "malformed due date");
    if (strcmp(a.status, "solved") == 0)
        return refuse(c, EW_ESTATE, "appeal %s is solved; reopen it before grading it again", code);
    if (!office(c)) {
        if (!hall_of(c, a.hall))
            return refuse(c, EW_EDENIED, "a hall may only grade its own branch's appeals");
        if (strcmp(grade, "green") != 0)
            return refuse(c, EW_EDENIED, "a hall may only grade appeals green; blue and orange "
                                         "are graded by the office");
        if (a.grade[0])
            return refuse(c, EW_EDENIED, "appeal %s is already graded; only the office regrades",
                          code);
        if (due)
            return refuse(c, EW_EDENIED, "only the office sets a time limit other than the "
                                         "default");
    }
    int64_t limit = config_town_int(c->db, grade[0] == 'g' ? "limit.green"
                                           : grade[0] == 'b' ? "limit.blue"
                                                             : "limit.orange");
    return db_run(c->db, err, "UPDATE appeals SET grade=?, graded_day=?, due_day=? WHERE code=?",
                  "tiit", grade, c->day, due ? due_day : c->day + limit, code);
}

static int person_ok(Ctx *c, const char *id, const char *role, EwErr *err, int *ok)
{
    int64_t n = 0;
    int rc = role ? db_int(c->db, err, &n, 0,
                           "SELECT count(*) FROM people WHERE id=? AND role=?", "tt", id, role)
                  : db_int(c->db, err, &n, 0,
                           "SELECT count(*) FROM people WHERE id=? AND role<>'leader'", "t", id);
    *ok = n > 0;
    return rc;
}

static int h_assign(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    if (need_office(c, "assign appeals"))
        return 1;
    const char *member = str(c->body, "member"), *leader = str(c->body, "leader"),
               *unit = str(c->body, "unit"), *due = str(c->body, "due");
    int64_t due_day = 0;
    if (!member || !leader || !unit || (due && clock_parse_day(due, &due_day) != 0))
        return refuse(c, EW_EINPUT, "malformed assignment");
    if (!a.grade[0])
        return refuse(c, EW_ESTATE, "appeal %s has no grade yet; grade it before assigning it",
                      code);
    if (strcmp(a.status, "solved") == 0)
        return refuse(c, EW_ESTATE, "appeal %s is solved; reopen it first", code);
    int ok1, ok2;
    int64_t nunit = 0;
    if ((rc = person_ok(c, member, NULL, err, &ok1)) || (rc = person_ok(c, leader, "leader", err, &ok2)) ||
        (rc = db_int(c->db, err, &nunit, 0, "SELECT count(*) FROM units WHERE id=?", "t", unit)))
        return rc;
    if (!ok1)
        return refuse(c, EW_ENOTFOUND, "no leading party member %s in the roster", member);
    if (!ok2)
        return refuse(c, EW_ENOTFOUND, "no responsible leader %s in the roster", leader);
    if (!nunit)
        return refuse(c, EW_ENOTFOUND, "no responsible unit %s in the roster", unit);
    return db_run(c->db, err,
                  "UPDATE appeals SET member=?, leader=?, unit=?, due_day=coalesce(?, due_day), "
                  "status=CASE status WHEN 'received' THEN 'assigned' ELSE status END "
                  "WHERE code=?",
                  "tttNt", member, leader, unit, due ? &due_day : NULL, code);
}

static int h_progress(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code, *note;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    if (text_field(c, "note", 1, &note))
        return 1;
    if (!office(c) && !hall_of(c, a.hall))
        return refuse(c, EW_EDENIED, "a hall may only note progress on its own branch's appeals");
    static const char *const ok[] = {"assigned", "in_progress", "escalated", NULL};
    if (!status_in(&a, ok))
        return refuse(c, EW_ESTATE, "appeal %s is %s; progress can be noted once it is assigned "
                      "and until it is solved", code, status_name(a.status));
    return db_run(c->db, err,
                  "UPDATE appeals SET status='in_progress' WHERE code=? AND status='assigned'",
                  "t", code);
}

static int h_escalate(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code, *note;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    if (text_field(c, "note", 0, &note))
        return 1;
    if (need_office(c, "escalate appeals"))
        return 1;
    if (strcmp(a.grade, "orange") != 0)
        return refuse(c, EW_ESTATE, "appeal %s is not graded orange; only orange appeals go to "
                      "the joint meeting", code);
    static const char *const ok[] = {"received", "assigned", "in_progress", NULL};
    if (!status_in(&a, ok))
        return refuse(c, EW_ESTATE, "appeal %s is %s and cannot be escalated", code,
                      status_name(a.status));
    return db_run(c->db, err, "UPDATE appeals SET status='escalated' WHERE code=?", "t", code);
}

static int h_solve(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code, *answer;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    if (text_field(c, "answer", 1, &answer))
        return 1;
    if (!office(c)) {
        if (!hall_of(c, a.hall))
            return refuse(c, EW_EDENIED, "a hall may only solve its own branch's appeals");
        if (strcmp(a.grade, "green") != 0)
            return refuse(c, EW_EDENIED, "a hall may only solve green appeals");
    }
    static const char *const ok[] = {"assigned", "in_progress", "escalated", NULL};
    if (!status_in(&a, ok))
        return refuse(c, EW_ESTATE, "appeal %s is %s; only assigned, in-progress or escalated "
                      "appeals can be solved", code, status_name(a.status));
    return db_run(c->db, err,
                  "UPDATE appeals SET status='solved', answer_hash=?, solved_day=? WHERE code=?",
                  "tit", answer, c->day, code);
}

static int h_reopen(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code, *note;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    if (text_field(c, "note", 1, &note))
        return 1;
    if (need_office(c, "reopen appeals"))
        return 1;
    if (strcmp(a.status, "solved") != 0)
        return refuse(c, EW_ESTATE, "appeal %s is %s; only solved appeals can be reopened", code,
                      status_name(a.status));
    return db_run(c->db, err,
                  "UPDATE appeals SET status='in_progress', solved_day=NULL, rating=NULL "
                  "WHERE code=?",
                  "t", code);
}

static int h_publish(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    if (!office(c) && !hall_of(c, a.hall))
        return refuse(c, EW_EDENIED, "a hall may only publish its own branch's appeals");
    if (a.published)
        return refuse(c, EW_ESTATE, "appeal %s is already published", code);
    return db_run(c->db, err, "UPDATE appeals SET published=1 WHERE code=?", "t", code);
}

static int h_rate(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code;
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    const char *rating = str(c->body, "rating"), *proof = str(c->body, "proof");
    if (!rating || (strcmp(rating, "satisfied") && strcmp(rating, "unsatisfied")) || !proof)
        return refuse(c, EW_EINPUT, "malformed rating");
    char h[65];
    appeal_rating_hash(code, proof, h);
    if (strcmp(h, a.rating_hash) != 0)
        return refuse(c, EW_EDENIED, "the rating code does not match appeal %s", code);
    if (strcmp(a.status, "solved") != 0)
        return refuse(c, EW_ESTATE, "appeal %s is not solved yet; it can be rated once solved",
                      code);
    if (a.rated)
        return refuse(c, EW_ESTATE, "appeal %s has already been rated", code);
    return db_run(c->db, err, "UPDATE appeals SET rating=? WHERE code=?", "tt", rating, code);
}

/* appeal.redact {code, reason}: the office hides an appeal's text (and its
 * sealed contact) everywhere; every device that folds it deletes those
 * blobs and refuses them if they arrive again. The hashes stay in the
 * records, so every chain still verifies. */
static int h_redact(Ctx *c, EwErr *err)
{
    Appeal a;
    const char *code, *reason = str(c->body, "reason");
    int rc = appeal_of(c, &a, &code, err);
    if (rc)
        return rc;
    if (need_office(c, "redact appeals"))
        return 1;
    if (!reason || ew_blank(reason))
        return refuse(c, EW_EINPUT, "a redaction needs a reason");
    int64_t done = 0;
    rc = db_int(c->db, err, &done, 0, "SELECT redacted FROM appeals WHERE code=?", "t", code);
    if (rc)
        return rc;
    if (done)
        return refuse(c, EW_ESTATE, "appeal %s is already redacted", code);
    rc = db_run(c->db, err, "UPDATE appeals SET redacted=1 WHERE code=?", "t", code);
    if (rc == EW_OK)
        rc = db_run(c->db, err,
                    "INSERT OR IGNORE INTO purged(hash) SELECT text_hash FROM appeals WHERE code=? "
                    "UNION SELECT contact_hash FROM appeals WHERE code=? AND contact_hash IS NOT "
                    "NULL",
                    "tt", code, code);
    /* Identical text in another, unredacted appeal keeps its blob. */
    if (rc == EW_OK)
        rc = db_run(c->db, err,
                    "DELETE FROM blobs WHERE lower(hex(hash)) IN (SELECT hash FROM purged) AND "
                    "lower(hex(hash)) NOT IN (SELECT text_hash FROM appeals WHERE redacted=0)",
                    NULL);
    return rc;
}

/* ---- meetings (opened and closed by halls, voided by the office) ---- */

static int h_meeting_open(Ctx *c, EwErr *err)
{
    const char *id = str(c->body, "id"), *hall = str(c->body, "hall"),
               *topic = str(c->body, "topic");
    json_t *subjects = json_object_get(c->body, "subjects"), *cap = json_object_get(c->body, "cap");
    if (!id || !*id || !code_hall_valid(hall) || !topic || !*topic || !json_is_array(subjects) ||
        json_array_size(subjects) == 0 || (cap && (!json_is_integer(cap) || json_integer_value(cap) < 1)))
        return refuse(c, EW_EINPUT, "malformed meeting record");
    if (office(c))
        return refuse(c, EW_EDENIED, "meetings are opened by the hall's kiosk, not the office");
    if (!hall_of(c, hall))
        return refuse(c, EW_EDENIED, "a hall may only open meetings of its own branch");
    int64_t n = 0;
    int rc = db_int(c->db, err, &n, 0, "SELECT count(*) FROM meetings WHERE id=?", "t", id);
    if (rc)
        return rc;
    if (n)
        return refuse(c, EW_ESTATE, "meeting %s already exists", id);
    char *open = NULL;
    rc = db_text(c->db, err, &open, "SELECT id FROM meetings WHERE hall=? AND status='open'", "t",
                 hall);
    if (rc)
        return rc;
    if (open) {
        refuse(c, EW_ESTATE, "meeting %s of %s is still open; close it first", open, hall);
        free(open);
        return 1;
    }
    char *subj = json_dumps(subjects, JSON_COMPACT);
    int64_t capv = cap ? (int64_t)json_integer_value(cap) : 0;
    rc = db_run(c->db, err,
                "INSERT INTO meetings(id,hall,topic,opened_day,status,cap,subjects) "
                "VALUES(?,?,?,?,'open',?,?)",
                "tttiNt", id, hall, topic, c->day, cap ? &capv : NULL, subj);
    free(subj);
    return rc;
}

/* A meeting that is no longer open keeps no ballot traces on the hall that
 * held it: its counters and its slips' tokens are deleted, their bytes
 * zeroed (secure_delete), whether the close or the office's void ended it.
 * Elsewhere there are none to delete. */
static int forget_ballots(Ctx *c, const char *id, EwErr *err)
{
    int rc = db_exec(c->db, err, "PRAGMA secure_delete=ON");
    if (rc == EW_OK)
        rc = db_run(c->db, err, "DELETE FROM meeting_tally WHERE meeting=?", "t", id);
    if (rc == EW_OK)
        rc = db_run(c->db, err, "DELETE FROM ballot_tokens WHERE meeting=?", "t", id);
    return rc;
}

/* A meeting's hall, status and whether a close was applied; *hall NULL
 * when there is no such meeting. *hall and *status malloc'd. */
static int load_meeting(Ctx *c, const char *id, char **hall, char **status, int64_t *closed,
                        EwErr *err)
{
    *status = NULL;
    *closed = 0;
    int rc = db_text(c->db, err, hall, "SELECT hall FROM meetings WHERE id=?", "t", id);
    if (rc == EW_OK)
        rc = db_text(c->db, err, status, "SELECT status FROM meetings WHERE id=?", "t", id);
    if (rc == EW_OK)
        rc = db_int(c->db, err, closed, 0,
                    "SELECT closed_day IS NOT NULL FROM meetings WHERE id=?", "t", id);
    return rc;
}

/* meeting.close {id, tallies, ballots}: the hall's final count. A close
 * that comes after the office's void in the fold's order (the hall closed
 * before it had the void) is applied all the same: it records the tallies
 * and the day, and the meeting stays void. Refusing it instead would leave
 * the tallies in the row only where the close was folded first, and two
 * devices holding the same records would differ. */
static int h_meeting_close(Ctx *c, EwErr *err)
{
    const char *id = str(c->body, "id");
    json_t *tallies = json_object_get(c->body, "tallies"),
           *ballots = json_object_get(c->body, "ballots");
    if (!id || !json_is_object(tallies) || !json_is_integer(ballots))
        return refuse(c, EW_EINPUT, "malformed meeting record");
    char *hall = NULL, *status = NULL;
    int64_t closed = 0;
    int out = load_meeting(c, id, &hall, &status, &closed, err);
    if (out == EW_OK) {
        if (!hall)
            out = refuse(c, EW_ENOTFOUND, "no meeting %s", id);
        else if (!hall_of(c, hall))
            out = refuse(c, EW_EDENIED, "only the hall that opened meeting %s may close it", id);
        else if (closed)
            out = refuse(c, EW_ESTATE, "meeting %s is already closed", id);
        else {
            char *t = json_dumps(tallies, JSON_COMPACT | JSON_SORT_KEYS);
            out = db_run(c->db, err,
                         "UPDATE meetings SET status=CASE status WHEN 'void' THEN 'void' "
                         "ELSE 'closed' END, closed_day=?, tallies=?, ballots=? WHERE id=?",
                         "itit", c->day, t, (int64_t)json_integer_value(ballots), id);
            free(t);
            if (out == EW_OK)
                out = forget_ballots(c, id, err);
        }
    }
    free(hall);
    free(status);
    return out;
}

/* meeting.void {id, reason}: the office sets a meeting aside, open or
 * closed; results leave it out. The first void in the fold's order counts. */
static int h_meeting_void(Ctx *c, EwErr *err)
{
    const char *id = str(c->body, "id"), *reason = str(c->body, "reason");
    if (!id || !reason || ew_blank(reason) || strchr(reason, '\n'))
        return refuse(c, EW_EINPUT, "malformed meeting record");
    if (need_office(c, "void a meeting"))
        return 1;
    char *hall = NULL, *status = NULL;
    int64_t closed = 0;
    int out = load_meeting(c, id, &hall, &status, &closed, err);
    if (out == EW_OK) {
        if (!hall)
            out = refuse(c, EW_ENOTFOUND, "no meeting %s", id);
        else if (strcmp(status, "void") == 0)
            out = refuse(c, EW_ESTATE, "meeting %s is already void", id);
        else
            out = db_run(c->db, err, "UPDATE meetings SET status='void', void_reason=? WHERE id=?",
                         "tt", reason, id);
        if (out == EW_OK)
            out = forget_ballots(c, id, err);
    }
    free(hall);
    free(status);
    return out;
}

/* ---- staff PINs ---- */

/* staff.pin_reset {hall, pin_hash}: the office gives a hall's kiosk a
 * temporary PIN (staff.h). Every device keeps the newest reset per hall,
 * newest by the fold's order; whether it is in force is the kiosk's own
 * business (it compares the stamp with when its PIN was last set). */
static int h_pin_reset(Ctx *c, EwErr *err)
{
    if (need_office(c, "reset a hall's staff PIN"))
        return 1;
    const char *hall = str(c->body, "hall"), *hash = str(c->body, "pin_hash");
    if (!code_hall_valid(hall) || !hash || strlen(hash) >= crypto_pwhash_STRBYTES ||
        strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
                strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
        return refuse(c, EW_EINPUT, "malformed PIN reset");
    return db_run(c->db, err,
                  "INSERT INTO pin_resets(hall,hlc,pin_hash) VALUES(?,?,?) ON CONFLICT(hall) "
                  "DO UPDATE SET hlc=excluded.hlc, pin_hash=excluded.pin_hash",
                  "tit", hall, c->r->hlc, hash);
}

/* ---- devices ---- */

/* device.revoke {device, after_seq}: later records of that device are
 * refused everywhere. The revoked table is computed before folding (see
 * refresh_revoked), so this only checks the record itself. */
static int h_revoke(Ctx *c, EwErr *err)
{
    (void)err;
    unsigned char dev[EW_DEVICE_LEN];
    json_t *after = json_object_get(c->body, "after_seq");
    if (need_office(c, "revoke devices"))
        return 1;
    if (ew_unhex(str(c->body, "device"), dev, sizeof dev) != 0 || !json_is_integer(after) ||
        json_integer_value(after) < 0)
        return refuse(c, EW_EINPUT, "malformed revocation");
    return 0;
}

static const struct {
    const char *kind;
    Handler fn;
} handlers[] = {
    {"device.revoke", h_revoke},
    {"appeal.redact", h_redact},
    {"roster.branch", h_branch},   {"roster.person", h_person},
    {"roster.unit", h_unit},       {"config.set", h_config},
    {"appeal.new", h_appeal_new},  {"appeal.grade", h_grade},
    {"appeal.assign", h_assign},   {"appeal.progress", h_progress},
    {"appeal.escalate", h_escalate}, {"appeal.solve", h_solve},
    {"appeal.reopen", h_reopen},   {"appeal.publish", h_publish},
    {"appeal.rate", h_rate},       {"meeting.open", h_meeting_open},
    {"meeting.close", h_meeting_close}, {"meeting.void", h_meeting_void},
    {"staff.pin_reset", h_pin_reset},
};

int64_t fold_event_day(json_t *body, int64_t hlc)
{
    int64_t day;
    const char *s = body ? str(body, "day") : NULL;
    if (s && clock_parse_day(s, &day) == 0)
        return day;
    return clock_day_of_ms(hlc >> 16);
}

/* Folds one record; sets *applied. */
static int apply(sqlite3 *db, const Record *r, int *applied, EwErr *why, EwErr *err)
{
    Ctx c;
    memset(&c, 0, sizeof c);
    c.db = db;
    c.r = r;
    int rc = EW_OK, result;
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT role, coalesce(hall,''), slot FROM devices WHERE device=?",
                               "b", r->device, (size_t)EW_DEVICE_LEN);
    if (!st)
        return EW_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(c.who.role, sizeof c.who.role, "%s", sqlite3_column_text(st, 0));
        snprintf(c.who.hall, sizeof c.who.hall, "%s", sqlite3_column_text(st, 1));
        c.who.slot = ((const char *)sqlite3_column_text(st, 2))[0];
    }
    db_done(st);
    c.body = record_body_json(r);
    c.day = fold_event_day(c.body, r->hlc);
    int64_t revoked_after = -1;
    rc = db_int(db, err, &revoked_after, -1, "SELECT after_seq FROM revoked WHERE device=?", "b",
                r->device, (size_t)EW_DEVICE_LEN);
    if (rc)
        goto out;
    Handler fn = NULL;
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (strcmp(handlers[i].kind, r->kind) == 0)
            fn = handlers[i].fn;
    if (!c.who.role[0])
        result = refuse(&c, EW_EDENIED, "record from an unknown device");
    else if (revoked_after >= 0 && r->seq > revoked_after)
        result = refuse(&c, EW_EDENIED, "its device was revoked");
    else if (!c.body)
        result = refuse(&c, EW_EINPUT, "record body is not a JSON object");
    else if (!fn)
        result = refuse(&c, EW_ESTATE, "record kind %s is not known to this version", r->kind);
    else
        result = fn(&c, err);
    if (result < 0) {
        rc = result;
        goto out;
    }
    *applied = result == 0;
    if (!*applied && why)
        *why = c.why;
    if (strncmp(r->kind, "appeal.", 7) == 0 && c.body && str(c.body, "code")) {
        rc = db_run(db, err,
                    "INSERT OR REPLACE INTO timeline(code,hlc,device,seq,day,kind,by_role,by_hall,"
                    "detail,applied,note) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                    "tibiittttdt", str(c.body, "code"), r->hlc, r->device,
                    (size_t)EW_DEVICE_LEN, r->seq, c.day, r->kind + 7,
                    c.who.role[0] ? c.who.role : "unknown", c.who.hall[0] ? c.who.hall : NULL,
                    (const char *)r->body, *applied, *applied ? NULL : c.why.msg);
    }
    if (rc == EW_OK)
        rc = db_run(db, err, "UPDATE records SET state=?, note=? WHERE device=? AND seq=?", "dtbi",
                    *applied, *applied ? NULL : c.why.msg, r->device, (size_t)EW_DEVICE_LEN,
                    r->seq);
out:
    json_decref(c.body);
    return rc;
}

static int clear_derived(sqlite3 *db, EwErr *err)
{
    return db_exec(db, err,
                   "DELETE FROM branches; DELETE FROM people; DELETE FROM units;"
                   "DELETE FROM town_config; DELETE FROM appeals; DELETE FROM timeline;"
                   "DELETE FROM meetings; DELETE FROM fold_state; DELETE FROM revoked;"
                   "DELETE FROM purged; DELETE FROM pin_resets;"
                   "UPDATE records SET state=NULL, note=NULL WHERE state IS NOT NULL;");
}

/* Recomputes the revoked devices from every device.revoke record an office
 * device wrote: revocation applies to a device's later records whatever
 * their place in the fold's order. The lowest after_seq counts. */
static int refresh_revoked(sqlite3 *db, EwErr *err)
{
    int rc = db_exec(db, err, "DELETE FROM revoked");
    sqlite3_stmt *st = rc ? NULL
                          : db_prep(db, err,
                                    "SELECT r.body FROM records r JOIN devices d ON "
                                    "d.device=r.device WHERE r.kind='device.revoke' AND "
                                    "d.role='office'",
                                    NULL);
    if (!st)
        return EW_EDB;
    while (rc == EW_OK && sqlite3_step(st) == SQLITE_ROW) {
        json_t *b = json_loadb(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), 0,
                               NULL);
        unsigned char dev[EW_DEVICE_LEN];
        json_t *after = json_object_get(b, "after_seq");
        if (ew_unhex(str(b, "device"), dev, sizeof dev) == 0 && json_is_integer(after) &&
            json_integer_value(after) >= 0)
            rc = db_run(db, err,
                        "INSERT INTO revoked(device, after_seq) VALUES(?,?) ON CONFLICT(device) "
                        "DO UPDATE SET after_seq=min(after_seq, excluded.after_seq)",
                        "bi", dev, sizeof dev, (int64_t)json_integer_value(after));
        json_decref(b);
    }
    db_done(st);
    return rc;
}

int fold_pending(sqlite3 *db, FoldWatch *watch, EwErr *err)
{
    /* Where the fold stands, and where the earliest unfolded record sorts. */
    int64_t fhlc = -1, fseq = 0;
    unsigned char fdev[EW_DEVICE_LEN] = {0};
    int rc = EW_OK, have_frontier = 0;
    sqlite3_stmt *st = db_prep(db, err, "SELECT hlc, device, seq FROM fold_state", NULL);
    if (!st)
        return EW_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        have_frontier = 1;
        fhlc = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == EW_DEVICE_LEN)
            memcpy(fdev, sqlite3_column_blob(st, 1), EW_DEVICE_LEN);
        fseq = sqlite3_column_int64(st, 2);
    }
    db_done(st);
    int64_t revokes = 0;
    rc = db_int(db, err, &revokes, 0,
                "SELECT count(*) FROM records WHERE state IS NULL AND kind='device.revoke'", NULL);
    if (rc)
        return rc;
    if (have_frontier) {
        int64_t behind = 0;
        rc = db_int(db, err, &behind, 0,
                    "SELECT count(*) FROM records WHERE state IS NULL AND "
                    "(hlc, device, seq) < (?, ?, ?)",
                    "ibi", fhlc, fdev, (size_t)EW_DEVICE_LEN, fseq);
        if (rc)
            return rc;
        if (behind || revokes) {
            rc = clear_derived(db, err);
            if (rc)
                return rc;
            have_frontier = 0;
        }
    }
    if (!have_frontier && (rc = refresh_revoked(db, err)))
        return rc;
    st = db_prep(db, err,
                 "SELECT device,seq,hlc,kind,body,prev,hash,sig FROM records WHERE state IS NULL "
                 "ORDER BY hlc, device, seq",
                 NULL);
    if (!st)
        return EW_EDB;
    Record last;
    int any = 0;
    memset(&last, 0, sizeof last);
    while (rc == EW_OK && sqlite3_step(st) == SQLITE_ROW) {
        Record r;
        int applied = 0;
        EwErr why = {0};
        record_from_row(st, &r);
        rc = apply(db, &r, &applied, &why, err);
        if (watch && memcmp(watch->device, r.device, EW_DEVICE_LEN) == 0 && watch->seq == r.seq) {
            watch->applied = applied;
            watch->why = why;
        }
        free(r.body);
        memcpy(last.device, r.device, EW_DEVICE_LEN);
        last.seq = r.seq;
        last.hlc = r.hlc;
        any = 1;
    }
    db_done(st);
    if (rc == EW_OK && any)
        rc = db_run(db, err,
                    "INSERT INTO fold_state(one,hlc,device,seq,version) VALUES(1,?,?,?,?) "
                    "ON CONFLICT(one) DO UPDATE SET hlc=excluded.hlc, device=excluded.device, "
                    "seq=excluded.seq, version=excluded.version",
                    "ibid", last.hlc, last.device, (size_t)EW_DEVICE_LEN, last.seq, FOLD_VERSION);
    return rc;
}

int fold_rebuild(sqlite3 *db, EwErr *err)
{
    int rc = clear_derived(db, err);
    return rc ? rc : fold_pending(db, NULL, err);
}

int fold_settle(sqlite3 *db, EwErr *err)
{
    int64_t v = FOLD_VERSION;
    int rc = db_int(db, err, &v, FOLD_VERSION, "SELECT version FROM fold_state", NULL);
    if (rc)
        return rc;
    return v != FOLD_VERSION ? fold_rebuild(db, err) : fold_pending(db, NULL, err);
}

int fold_settle_tx(sqlite3 *db, EwErr *err)
{
    /* Nothing to do is the usual case: then take no write lock at all. */
    int64_t v = FOLD_VERSION, unfolded = 0;
    int rc = db_int(db, err, &v, FOLD_VERSION, "SELECT version FROM fold_state", NULL);
    if (rc == EW_OK)
        rc = db_int(db, err, &unfolded, 0,
                    "SELECT count(*) FROM (SELECT 1 FROM records WHERE state IS NULL LIMIT 1)",
                    NULL);
    if (rc || (v == FOLD_VERSION && !unfolded))
        return rc;
    rc = db_begin(db, err);
    if (rc == EW_OK)
        rc = fold_settle(db, err);
    if (rc == EW_OK)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
