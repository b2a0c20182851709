/*
 * source.c: the model's Source over the core's views.
 *
 * view.c already gives each appeal as the public may see it (never the
 * contact nor the rating code); this file only copies those JSON fields
 * into Cards, Details and Figures, and works out days left and time limits
 * on the device's own calendar (db_today, which follows the office's
 * confirmed clock).
 */
#include "source.h"
#include "sourceint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "device.h"
#include "ew.h"
#include "staff.h"
#include "appeal.h"
#include "config.h"
#include "printjob.h"
#include "ballot.h"
#include "evalres.h"
#include "meeting.h"
#include "report.h"
#include "roster.h"
#include "view.h"

char *source_dup(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? ew_xstrdup(s) : NULL;
}

void source_copy(json_t *o, const char *k, char *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, k));
    snprintf(out, n, "%s", s ? s : "");
}

static int64_t day_of(json_t *o, const char *k)
{
    int64_t d;
    const char *s = json_string_value(json_object_get(o, k));
    return s && clock_parse_day(s, &d) == 0 ? d : -1;
}

void source_fill_card(Card *c, json_t *o, int64_t today)
{
    source_copy(o, "code", c->code, sizeof c->code);
    source_copy(o, "hall", c->hall, sizeof c->hall);
    c->hall_name = source_dup(o, "hall_name");
    c->category = source_dup(o, "category");
    if (json_is_true(json_object_get(o, "published")))
        c->text = source_dup(o, "text"); /* NULL once purged */
    const char *g = json_string_value(json_object_get(o, "grade"));
    c->grade = !g ? GRADE_NONE
               : strcmp(g, "green") == 0 ? GRADE_GREEN
               : strcmp(g, "blue") == 0  ? GRADE_BLUE
               : strcmp(g, "orange") == 0 ? GRADE_ORANGE
                                          : GRADE_NONE;
    c->status = source_dup(o, "status");
    if (!c->status)
        c->status = ew_xstrdup("received");
    c->member = source_dup(o, "member");
    c->unit = source_dup(o, "unit");
    source_copy(o, "due", c->due, sizeof c->due);
    source_copy(o, "created", c->created, sizeof c->created);
    c->overdue_days = (int)json_integer_value(json_object_get(o, "overdue_days"));
    int64_t due = day_of(o, "due"), graded = day_of(o, "graded"), solved = day_of(o, "solved");
    c->days_left = due >= 0 && due >= today ? (int)(due - today) : 0;
    c->limit_days = due >= 0 && graded >= 0 && due > graded ? (int)(due - graded) : 0;
    c->solved_late = solved >= 0 && due >= 0 && solved > due;
    if (strcmp(c->status, "solved") == 0)
        c->answer = source_dup(o, "answer");
}

/* This kiosk's hall code into hall[4]; 0 when it is not (yet) a hall's.
 * The identity's keys are wiped as soon as the code is read. */
static int own_hall(sqlite3 *db, char hall[4])
{
    Author self;
    hall[0] = 0;
    if (device_load_self(db, &self, NULL) == EW_OK)
        snprintf(hall, 4, "%s", self.hall);
    sodium_memzero(&self, sizeof self);
    return hall[0] != 0;
}

int source_fail(char *msg, int msglen, const EwErr *e)
{
    snprintf(msg, (size_t)msglen, "%s", e->msg[0] ? e->msg : "database error");
    return -1;
}

static int figures(void *ctx, Figures *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    json_t *s = NULL;
    memset(out, 0, sizeof *out);
    if (view_stats(db, &s, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    out->town = source_dup(s, "town");
    out->meetings = (int)json_integer_value(json_object_get(s, "meetings"));
    out->appeals = (int)json_integer_value(json_object_get(s, "appeals"));
    out->solved = (int)json_integer_value(json_object_get(s, "solved"));
    out->overdue = (int)json_integer_value(json_object_get(s, "overdue"));
    out->last_sync = source_dup(s, "last_office_sync");
    json_decref(s);
    clock_format_day(db_today(db), out->today);
    out->enrolled = device_certified(db);
    int64_t records = 1;
    db_int(db, NULL, &records, 1, "SELECT EXISTS (SELECT 1 FROM records)", NULL);
    out->blank = !out->enrolled && records == 0;
    int64_t gap_from, gap_to;
    out->held = device_own_gap(db, &gap_from, &gap_to);
    if (own_hall(db, out->hall))
        db_text(db, NULL, &out->hall_name, "SELECT name FROM branches WHERE code=?", "t",
                out->hall);
    return 0;
}

typedef struct Fill {
    CardList *out;
    int cap;
    int64_t today;
} Fill;

static int add_card(void *ctx, json_t *o)
{
    Fill *f = ctx;
    if (f->out->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->out->cards = ew_xrealloc(f->out->cards, (size_t)f->cap * sizeof *f->out->cards);
    }
    Card *c = &f->out->cards[f->out->n++];
    memset(c, 0, sizeof *c);
    source_fill_card(c, o, f->today);
    return 0;
}

static int cards(void *ctx, const WallQuery *q, CardList *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    static const char *const grades[GRADE_COUNT] = {"none", "green", "blue", "orange"};
    AppealFilter f = {0};
    f.hall = q->hall;
    f.limit = q->limit;
    if (q->grade >= 0 && q->grade < GRADE_COUNT)
        f.grade = grades[q->grade];
    if (q->status && strcmp(q->status, "overdue") == 0)
        f.overdue = 1;
    else
        f.status = q->status;
    memset(out, 0, sizeof *out);
    Fill fill = {out, 0, db_today(db)};
    /* Row by row into Cards: the wall of a big town never exists as JSON. */
    if (view_appeals_each(db, &f, add_card, &fill, &e) != EW_OK) {
        cardlist_free(out);
        return source_fail(msg, msglen, &e);
    }
    return 0;
}

/* What a timeline step shows besides its kind: public facts only. */
static char *step_detail(json_t *s)
{
    const char *kind = json_string_value(json_object_get(s, "kind"));
    if (!kind)
        return NULL;
    if (strcmp(kind, "grade") == 0)
        return source_dup(s, "grade");
    if (strcmp(kind, "assign") == 0) {
        const char *m = json_string_value(json_object_get(s, "member_name"));
        const char *u = json_string_value(json_object_get(s, "unit_name"));
        if (!m && !u)
            return NULL;
        return ew_xasprintf("%s%s%s", m ? m : "", m && u ? " / " : "", u ? u : "");
    }
    if (strcmp(kind, "progress") == 0 || strcmp(kind, "solve") == 0 ||
        strcmp(kind, "escalate") == 0 || strcmp(kind, "reopen") == 0 ||
        strcmp(kind, "redact") == 0)
        return source_dup(s, "text");
    return NULL;
}

void source_fill_detail(sqlite3 *db, Detail *out, json_t *o)
{
    source_fill_card(&out->card, o, db_today(db));
    out->grid = source_dup(o, "grid");
    out->satisfaction = source_dup(o, "satisfaction");
    json_t *tl = json_object_get(o, "timeline");
    size_t n = json_array_size(tl);
    out->steps = n ? ew_xcalloc(n, sizeof *out->steps) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(tl, i);
        if (!json_is_true(json_object_get(s, "applied")))
            continue; /* refused records are not part of the public story */
        TimeStep *t = &out->steps[out->nsteps++];
        source_copy(s, "day", t->day, sizeof t->day);
        t->kind = source_dup(s, "kind");
        const char *by = json_string_value(json_object_get(s, "by"));
        t->by_office = by && strcmp(by, "office") == 0;
        t->detail = step_detail(s);
    }
}

static int detail(void *ctx, const char *code, Detail *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    json_t *o = NULL;
    memset(out, 0, sizeof *out);
    int rc = view_appeal(db, code, &o, &e);
    if (rc == EW_ENOTFOUND)
        return 1;
    if (rc != EW_OK)
        return source_fail(msg, msglen, &e);
    source_fill_detail(db, out, o);
    json_decref(o);
    return 0;
}

static int check_pin(void *ctx, const char *pin, int64_t now_ms, int64_t *wait_ms)
{
    sqlite3 *db = ctx;
    (void)now_ms; /* the back-off is kept on the database's clock, as the CLI does */
    EwErr e = {0};
    int rc = staff_pin_check(db, pin, db_now_ms(db), wait_ms, &e);
    switch (rc) {
    case EW_OK:
        return staff_pin_must_change(db) ? 4 : 0; /* the office's temporary PIN */
    case EW_EDENIED:
    case EW_EINPUT:
        return 1;
    case EW_ESTATE:
        return 2;
    case EW_ENOTFOUND:
        return 3;
    default:
        fprintf(stderr, "echowall: staff PIN: %s\n", e.msg);
        return -1;
    }
}

static int meeting(void *ctx, MeetingInfo *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    char hall[4];
    memset(out, 0, sizeof *out);
    if (!own_hall(db, hall))
        return 1; /* not a hall's kiosk (yet): no meetings here */
    json_t *m = NULL;
    int rc = ballot_meeting(db, hall, &m, &e);
    if (rc == EW_ENOTFOUND)
        return 1;
    if (rc != EW_OK)
        return source_fail(msg, msglen, &e);
    snprintf(out->id, sizeof out->id, "%s", json_string_value(json_object_get(m, "id")));
    out->topic = source_dup(m, "topic");
    out->cap = (int)json_integer_value(json_object_get(m, "cap"));
    out->ballots = (int)json_integer_value(json_object_get(m, "ballots"));
    out->tokens = json_is_true(json_object_get(m, "tokens"));
    json_t *subj = json_object_get(m, "subjects");
    out->n = (int)json_array_size(subj);
    out->names = ew_xcalloc((size_t)(out->n ? out->n : 1), sizeof *out->names);
    out->roles = ew_xcalloc((size_t)(out->n ? out->n : 1), sizeof *out->roles);
    for (int i = 0; i < out->n; i++) {
        out->names[i] = source_dup(json_array_get(subj, (size_t)i), "name");
        out->roles[i] = source_dup(json_array_get(subj, (size_t)i), "role");
    }
    json_decref(m);
    return 0;
}

static int cast(void *ctx, const char *meeting_id, const char *token, const char *const *ratings,
                int n, char *msg, int msglen)
{
    EwErr e = {0};
    int rc = ballot_cast_token(ctx, meeting_id, token, ratings, n, &e);
    if (rc == EW_ESTATE)
        return 1;
    return rc == EW_OK ? 0 : source_fail(msg, msglen, &e);
}

static int results(void *ctx, MeetingResult *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    char hall[4];
    memset(out, 0, sizeof *out);
    if (!own_hall(db, hall))
        return 1;
    char *id = NULL, *topic = NULL;
    int64_t day = 0, ballots = 0;
    db_text(db, NULL, &id,
            "SELECT id FROM meetings WHERE hall=? AND status='closed' "
            "ORDER BY opened_day DESC, id DESC LIMIT 1",
            "t", hall);
    if (!id)
        return 1;
    json_t *rows = NULL;
    if (eval_meeting(db, id, EVAL_MIN_RATINGS, &rows, &e) != EW_OK) {
        free(id);
        return source_fail(msg, msglen, &e);
    }
    db_text(db, NULL, &topic, "SELECT topic FROM meetings WHERE id=?", "t", id);
    db_int(db, NULL, &day, 0, "SELECT opened_day FROM meetings WHERE id=?", "t", id);
    db_int(db, NULL, &ballots, 0, "SELECT ballots FROM meetings WHERE id=?", "t", id);
    snprintf(out->id, sizeof out->id, "%s", id);
    out->topic = topic;
    clock_format_day(day, out->day);
    out->ballots = (int)ballots;
    out->n = (int)json_array_size(rows);
    out->rows = ew_xcalloc((size_t)(out->n ? out->n : 1), sizeof *out->rows);
    static const char *const keys[5] = {"excellent", "good", "fair", "poor", "unknown"};
    for (int i = 0; i < out->n; i++) {
        json_t *r = json_array_get(rows, (size_t)i);
        ResultRow *o = &out->rows[i];
        o->name = source_dup(r, "name");
        o->role = source_dup(r, "role");
        for (int k = 0; k < 5; k++)
            o->counts[k] = (int)json_integer_value(json_object_get(json_object_get(r, "counts"), keys[k]));
        json_t *rate = json_object_get(r, "excellence_rate");
        o->rate = json_is_number(rate) ? json_number_value(rate) : -1;
        o->rank = (int)json_integer_value(json_object_get(r, "rank"));
    }
    json_decref(rows);
    free(id);
    return 0;
}

/* The branch, its secretary and its micro-grid leaders, as meeting_open
 * offers them by default. */
static int candidates(void *ctx, CandidateList *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    char hall[4];
    memset(out, 0, sizeof *out);
    if (!own_hall(db, hall)) {
        snprintf(msg, (size_t)msglen, "this kiosk is not enrolled for a hall");
        return -1;
    }
    json_t *who = NULL;
    if (roster_meeting_subjects(db, hall, &who, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    out->n = (int)json_array_size(who);
    out->v = ew_xcalloc((size_t)(out->n ? out->n : 1), sizeof *out->v);
    for (int i = 0; i < out->n; i++) {
        Candidate *c = &out->v[i];
        snprintf(c->who, sizeof c->who, "%s", json_string_value(json_array_get(who, (size_t)i)));
        roster_subject(db, hall, c->who, &c->name, &c->role);
    }
    json_decref(who);
    return 0;
}

int source_write(sqlite3 *db, WriteFn fn, const void *arg, EwErr *e)
{
    Author self;
    int rc = db_begin(db, e);
    if (rc == EW_OK)
        rc = device_load_self(db, &self, e);
    if (rc == EW_OK)
        rc = fn(db, &self, arg, e);
    if (rc == EW_OK)
        rc = db_commit(db, e);
    if (rc)
        db_rollback(db);
    sodium_memzero(&self, sizeof self);
    return rc;
}

typedef struct OpenArg {
    const MeetingSetup *s;
    BallotToken *tokens; /* s->tokens of them, filled by the open */
} OpenArg;

static int w_open(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const OpenArg *o = arg;
    const MeetingSetup *s = o->s;
    const char **who = ew_xcalloc((size_t)s->n + 1, sizeof *who);
    for (int i = 0; i < s->n; i++)
        who[i] = s->who[i];
    char id[MEETING_ID_MAX];
    int rc = meeting_open_tokens(db, self, self->hall, s->topic, who, s->cap, NULL, 0, s->tokens,
                                 o->tokens, id, e);
    free(who);
    return rc;
}

/* With tokens, the printer is asked first: no meeting is opened whose
 * slips cannot be printed. */
static int open_meeting(void *ctx, const MeetingSetup *s, char *msg, int msglen)
{
    EwErr e = {0};
    if (s->n < 1)
        return snprintf(msg, (size_t)msglen, "no subjects chosen"), 1;
    if (s->tokens > 0 && !printjob_ready(ctx, msg, msglen))
        return 3;
    OpenArg o = {s, s->tokens > 0 ? ew_xcalloc((size_t)s->tokens, sizeof(BallotToken)) : NULL};
    int rc = source_write(ctx, w_open, &o, &e);
    if (rc != EW_OK) {
        free(o.tokens);
        source_fail(msg, msglen, &e);
        return rc == EW_ESTATE ? 1 : -1;
    }
    int printed = s->tokens == 0 || printjob_tokens(ctx, s->topic, o.tokens, s->tokens, msg, msglen) == EW_OK;
    sodium_memzero(o.tokens, (size_t)s->tokens * sizeof(BallotToken));
    free(o.tokens);
    return printed ? 0 : 2;
}

/* A token typed or scanned: 0 good and unused, 1 not (used, unknown, not
 * this meeting's, not 8 digits). Not spent: the ballot spends it. */
static int check_token(void *ctx, const char *meeting_id, const char *token, char *msg, int msglen)
{
    EwErr e = {0};
    int rc = ballot_token_check(ctx, meeting_id, token, &e);
    if (rc == EW_OK)
        return 0;
    source_fail(msg, msglen, &e);
    return rc == EW_EDENIED || rc == EW_EINPUT || rc == EW_ENOTFOUND ? 1 : -1;
}

static int w_close(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    return meeting_close(db, self, arg, NULL, 0, e);
}

static int close_meeting(void *ctx, const char *meeting_id, char *msg, int msglen)
{
    EwErr e = {0};
    return source_write(ctx, w_close, meeting_id, &e) == EW_OK ? 0 : source_fail(msg, msglen, &e);
}

typedef struct RateArg {
    const char *code, *proof;
    int satisfied;
} RateArg;

static int w_rate(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const RateArg *r = arg;
    return appeal_rate(db, self, r->code, r->proof, r->satisfied ? "satisfied" : "unsatisfied",
                       NULL, 0, e);
}

/* The fold refuses a wrong rating code (EW_EDENIED) and an appeal not
 * solved or rated already (EW_ESTATE); nothing is written then. */
static int rate(void *ctx, const char *code, const char *proof, int satisfied, char *msg,
                int msglen)
{
    EwErr e = {0};
    RateArg r = {code, proof, satisfied};
    int rc = source_write(ctx, w_rate, &r, &e);
    if (rc == EW_EDENIED || rc == EW_EINPUT)
        return 1;
    if (rc == EW_ESTATE)
        return 2;
    return rc == EW_OK ? 0 : source_fail(msg, msglen, &e);
}

static int grids(void *ctx, StrList *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    char hall[4], *g = NULL;
    memset(out, 0, sizeof *out);
    if (!own_hall(db, hall))
        return 0; /* the office: no hall, no grids */
    EwErr e = {0};
    if (db_text(db, &e, &g, "SELECT grids FROM branches WHERE code=?", "t", hall) != EW_OK)
        return source_fail(msg, msglen, &e);
    json_t *list = g ? json_loads(g, 0, NULL) : NULL;
    free(g);
    out->n = (int)json_array_size(list);
    out->v = ew_xcalloc((size_t)(out->n ? out->n : 1), sizeof *out->v);
    for (int i = 0; i < out->n; i++) {
        const char *s = json_string_value(json_array_get(list, (size_t)i));
        out->v[i] = ew_xstrdup(s ? s : "");
    }
    json_decref(list);
    return 0;
}

typedef struct SubmitArg {
    const AppealDraft *d;
    Receipt *out;
} SubmitArg;

static int w_submit(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    const SubmitArg *s = arg;
    AppealNew in = {.hall = self->hall, .category = s->d->category, .text = s->d->text,
                    .grid = s->d->grid, .source = s->d->at_meeting ? "meeting" : "kiosk",
                    .contact = s->d->contact};
    return appeal_add(db, self, &in, 0, s->out->code, s->out->rating, e);
}

/* The villager's appeal, as this hall's device wrote it: the contact is
 * sealed to the office's key by appeal_add. */
static int submit(void *ctx, const AppealDraft *d, Receipt *out, char *msg, int msglen)
{
    EwErr e = {0};
    memset(out, 0, sizeof *out);
    SubmitArg s = {d, out};
    if (source_write(ctx, w_submit, &s, &e) != EW_OK)
        return source_fail(msg, msglen, &e);
    config_tracking_url(ctx, out->code, out->url, sizeof out->url);
    return 0;
}

/* This hall's appeals whose text is not on the wall yet (nor redacted by
 * the office), with the text: staff read it before approving it. */
static int pending(void *ctx, CardList *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    char hall[4];
    memset(out, 0, sizeof *out);
    if (!own_hall(db, hall))
        return 0;
    sqlite3_stmt *st = db_prep(db, &e,
                               "SELECT code FROM appeals WHERE hall=? AND published=0 AND "
                               "redacted=0 ORDER BY created_day, code",
                               "t", hall);
    if (!st)
        return source_fail(msg, msglen, &e);
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *o = NULL;
        if (view_appeal(db, (const char *)sqlite3_column_text(st, 0), &o, &e) != EW_OK)
            continue;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            out->cards = ew_xrealloc(out->cards, (size_t)cap * sizeof *out->cards);
        }
        Card *c = &out->cards[out->n++];
        memset(c, 0, sizeof *c);
        source_fill_card(c, o, db_today(db));
        free(c->text);
        c->text = source_dup(o, "text"); /* staff see it before the wall does */
        json_decref(o);
    }
    db_done(st);
    return 0;
}

static int w_publish(sqlite3 *db, Author *self, const void *arg, EwErr *e)
{
    return appeal_publish(db, self, arg, NULL, 0, e);
}

static int publish(void *ctx, const char *code, char *msg, int msglen)
{
    EwErr e = {0};
    return source_write(ctx, w_publish, code, &e) == EW_OK ? 0 : source_fail(msg, msglen, &e);
}

static int set_pin(void *ctx, const char *pin, char *msg, int msglen)
{
    EwErr e = {0};
    int rc = staff_pin_set(ctx, pin, &e);
    if (rc == EW_EINPUT)
        return 1;
    return rc == EW_OK ? 0 : source_fail(msg, msglen, &e);
}

static int first_pin_allowed(void *ctx)
{
    return staff_pin_first_allowed(ctx);
}

static int set_first_pin(void *ctx, const char *pin, char *msg, int msglen)
{
    EwErr e = {0};
    int rc = staff_pin_set_first(ctx, pin, &e);
    if (rc == EW_EINPUT)
        return 1;
    if (rc == EW_ESTATE)
        return 2;
    return rc == EW_OK ? 0 : source_fail(msg, msglen, &e);
}

/* ---- the figures page's charts --------------------------------------------- */

typedef struct MonthFill {
    Charts *c;
    int64_t first; /* the first month shown, as y * 12 + m - 1 */
} MonthFill;

static int count_month(void *ctx, json_t *o)
{
    MonthFill *f = ctx;
    int64_t day;
    int y, m, d;
    const char *created = json_string_value(json_object_get(o, "created"));
    if (!created || clock_parse_day(created, &day) != 0)
        return 0;
    clock_civil_from_days(day, &y, &m, &d);
    int64_t i = (int64_t)y * 12 + m - 1 - f->first;
    if (i < 0 || i >= f->c->months)
        return 0;
    Card c = {0};
    source_fill_card(&c, o, 0);
    f->c->by_grade[i][c.grade]++;
    int solved = c.status && strcmp(c.status, "solved") == 0;
    f->c->by_status[i][solved ? CS_SOLVED : c.overdue_days > 0 ? CS_OVERDUE : CS_OPEN]++;
    card_clear(&c);
    return 0;
}

static int by_rate(const void *x, const void *y)
{
    const ChartBar *a = x, *b = y;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return strcmp(a->label, b->label);
}

/* Rows of list whose rate_key is a number (and, with role, of that role;
 * with id_key, with an id: not the row of appeals without a unit), as
 * bars, best first. */
static ChartBar *bars(json_t *list, const char *rate_key, const char *role, const char *id_key,
                      int *n)
{
    ChartBar *v = ew_xcalloc(json_array_size(list) + 1, sizeof *v);
    size_t i;
    json_t *e;
    *n = 0;
    json_array_foreach(list, i, e) {
        json_t *rate = json_object_get(e, rate_key);
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *r = json_string_value(json_object_get(e, "role"));
        if (!json_is_number(rate) || !name || (role && (!r || strcmp(r, role) != 0)) ||
            (id_key && !json_is_string(json_object_get(e, id_key))))
            continue;
        v[*n].label = ew_xstrdup(name);
        v[(*n)++].value = json_number_value(rate);
    }
    if (*n > 1)
        qsort(v, (size_t)*n, sizeof *v, by_rate);
    return v;
}

/* The last CHART_MONTHS months by grade and by how they stand, on-time
 * rate by unit (report_figures, as the workbook's) and excellence rate by
 * branch in this quarter's round (eval_round). */
static int charts(void *ctx, Charts *out, char *msg, int msglen)
{
    sqlite3 *db = ctx;
    EwErr e = {0};
    memset(out, 0, sizeof *out);
    int y, m, d;
    clock_civil_from_days(db_today(db), &y, &m, &d);
    int64_t now = (int64_t)y * 12 + m - 1;
    MonthFill f = {out, now - (CHART_MONTHS - 1)};
    out->months = CHART_MONTHS;
    for (int i = 0; i < CHART_MONTHS; i++) {
        int64_t k = f.first + i;
        snprintf(out->month[i], sizeof out->month[i], "%04d-%02d", (int)(k / 12) % 10000,
                 (int)(k % 12) + 1);
    }
    snprintf(out->round, sizeof out->round, "%04dQ%d", y % 10000, ((m - 1) / 3) % 4 + 1);
    AppealFilter all = {0};
    json_t *fig = NULL, *eval = NULL;
    int rc = view_appeals_each(db, &all, count_month, &f, &e);
    if (rc == EW_OK)
        rc = report_figures(db, &fig, &e);
    if (rc == EW_OK)
        rc = eval_round(db, out->round, EVAL_MIN_RATINGS, &eval, &e);
    if (rc == EW_OK) {
        out->units = bars(json_object_get(fig, "by_unit"), "on_time_rate", NULL, "unit",
                          &out->nunits);
        out->branches = bars(eval, "excellence_rate", "branch", NULL, &out->nbranches);
    }
    json_decref(fig);
    json_decref(eval);
    if (rc != EW_OK) {
        charts_free(out);
        return source_fail(msg, msglen, &e);
    }
    return 0;
}

void source_init(Source *src, sqlite3 *db)
{
    memset(src, 0, sizeof *src);
    src->ctx = db;
    src->figures = figures;
    src->cards = cards;
    src->detail = detail;
    src->check_pin = check_pin;
    src->meeting = meeting;
    src->cast = cast;
    src->results = results;
    src->candidates = candidates;
    src->open_meeting = open_meeting;
    src->close_meeting = close_meeting;
    src->set_pin = set_pin;
    src->first_pin_allowed = first_pin_allowed;
    src->set_first_pin = set_first_pin;
    src->rate = rate;
    src->check_token = check_token;
    src->grids = grids;
    src->submit = submit;
    src->pending = pending;
    src->publish = publish;
    src->charts = charts;
}
