/*
 * demo.c: generating the demo town (see demo.h).
 *
 * The town's history is planned first as a list of dated events (roster,
 * meetings, each appeal's steps), sorted by time, then written in that
 * order by the device that would have written each one, so HLC stamps and
 * dates agree and every device's hash chain is in time order.
 */
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeal.h"
#include "clock.h"
#include "code.h"
#include "config.h"
#include "db.h"
#include "demo_data.h"
#include "device.h"
#include "domain.h"
#include "meeting.h"
#include "roster.h"

#define NHALLS DEMO_N_VILLAGES
#define NPEOPLE 135
#define NMEETINGS 39
#define NAPPEALS 183
#define NSOLVED 162
#define HISTORY_DAYS 240

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t next(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int pick(Rng *r, int n) { return (int)(next(r) % (uint64_t)n); }
static int chance(Rng *r, int percent) { return pick(r, 100) < percent; }

enum EvType { EV_ROSTER, EV_OPEN, EV_CLOSE, EV_NEW, EV_PUBLISH, EV_GRADE, EV_ASSIGN,
              EV_PROGRESS, EV_ESCALATE, EV_SOLVE, EV_RATE };

typedef struct Event {
    int64_t ms;   /* when it happened */
    int type;     /* EvType */
    int idx;      /* appeal or meeting index */
    int order;    /* tie-break: planning order */
} Event;

/* One planned appeal. */
typedef struct Plan {
    int hall;           /* 0-based */
    int category;
    int text, answer, progress;
    int source;         /* 0 kiosk, 1 meeting, 2 staff */
    int grade;          /* -1 none, 0 green, 1 blue, 2 orange */
    int hall_grades, hall_solves, published_by_hall;
    int member, leader, unit;
    int explicit_due;   /* days from grading, 0: the default */
    int rated, satisfied, rater;
    char code[CODE_MAX];
    char rating[RATING_CODE_LEN + 1];
} Plan;

typedef struct Town {
    Rng rng;
    Author authors[NHALLS + 1]; /* 0 the office, 1..38 the halls */
    char people_ids[NPEOPLE][ROSTER_ID_MAX];
    int people_branch[NPEOPLE];  /* hall index or -1 */
    char names[NPEOPLE][32];
    const char *roles[NPEOPLE];
    Plan *plans;
    int nplans;
    int nmeetings;
    int *meeting_hall;                    /* [nmeetings] */
    char (*meeting_id)[MEETING_ID_MAX];   /* [nmeetings] */
    Event *ev;
    int nev, cap;
} Town;

static void add_ev(Town *t, int64_t day, int minutes, int type, int idx)
{
    if (t->nev == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->ev = ew_xrealloc(t->ev, sizeof *t->ev * (size_t)t->cap);
    }
    /* minutes after midnight, CST */
    int64_t midnight = clock_ms_of_day(day) - 10LL * 3600 * 1000;
    t->ev[t->nev] = (Event){midnight + minutes * 60000LL, type, idx, t->nev};
    t->nev++;
}

static int cmp_ev(const void *a, const void *b)
{
    const Event *x = a, *y = b;
    if (x->ms != y->ms)
        return x->ms < y->ms ? -1 : 1;
    return x->order - y->order;
}

static void hall_code(int i, char out[4])
{
    out[0] = 'H';
    out[1] = (char)('0' + (i + 1) / 10 % 10);
    out[2] = (char)('0' + (i + 1) % 10);
    out[3] = '\0';
}

/* The roster: who is who in the town. */
static void plan_people(Town *t)
{
    /* 38 secretaries, 10 first secretaries, 80 grid leaders, 7 members. */
    for (int i = 0; i < NPEOPLE; i++) {
        /* One draw per statement: the order in which a function's arguments
         * are evaluated is unspecified, and the town must not depend on it. */
        int surname = pick(&t->rng, DEMO_N_SURNAMES);
        int given = pick(&t->rng, DEMO_N_GIVEN);
        snprintf(t->names[i], sizeof t->names[i], "%s%s", DEMO_SURNAMES[surname],
                 DEMO_GIVEN[given]);
        if (i < 38) {
            t->roles[i] = "secretary";
            t->people_branch[i] = i;
        } else if (i < 48) {
            t->roles[i] = "first_secretary";
            t->people_branch[i] = pick(&t->rng, NHALLS);
        } else if (i < 128) {
            t->roles[i] = "grid_leader";
            t->people_branch[i] = (i - 48) % NHALLS; /* two or three per branch */
        } else {
            t->roles[i] = "member";
            t->people_branch[i] = pick(&t->rng, NHALLS);
        }
        snprintf(t->people_ids[i], ROSTER_ID_MAX, "P%04d", i + 1);
    }
    /* Namesakes, as in any village: same name, different person. */
    snprintf(t->names[60], sizeof t->names[60], "%s", t->names[5]);
    snprintf(t->names[101], sizeof t->names[101], "%s", t->names[77]);
}

/* A leading member of the hall's branch (secretary or one of its people). */
static int member_of(Town *t, int hall)
{
    int cands[NPEOPLE], n = 0;
    for (int i = 0; i < NPEOPLE; i++)
        if (t->people_branch[i] == hall)
            cands[n++] = i;
    return n ? cands[pick(&t->rng, n)] : hall;
}

/* A unit that fits the category (index into DEMO_UNITS). */
static int unit_for(Town *t, int category)
{
    /* 0-based DEMO_UNITS indexes, by category (see demo_data.c). */
    static const int fit[8][4] = {
        {0, 0, 3, -1},     /* street_light: power station, village building office */
        {13, 14, 12, -1},  /* garbage: sanitation, environment, enforcement */
        {9, 3, 18, -1},    /* road_bridge: highway branch, building office, emergency */
        {1, 19, 17, -1},   /* water: water station, waterworks, forestry */
        {2, 3, 12, -1},    /* housing_site: natural resources, building, enforcement */
        {10, 11, 6, -1},   /* insurance: medical insurance, social security, clinic */
        {8, 5, 9, -1},     /* traffic_safety: traffic station, police, highway */
        {4, 15, 21, 7},    /* other: service centre, civil affairs, general office, farming */
    };
    int n = 0;
    while (n < 4 && fit[category][n] >= 0)
        n++;
    return fit[category][pick(&t->rng, n)];
}

/* qsort helper: appeal indexes by creation day, newest first, then index. */
static const int64_t *sort_created;
static int newest_first(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (sort_created[x] != sort_created[y])
        return sort_created[x] > sort_created[y] ? -1 : 1;
    return x - y;
}

static void plan_appeals(Town *t, int64_t today, int total)
{
    t->nplans = total;
    t->plans = ew_xcalloc((size_t)total, sizeof *t->plans);
    int solved_target = total == NAPPEALS ? NSOLVED : total * NSOLVED / NAPPEALS;
    int64_t *created = ew_xcalloc((size_t)total, sizeof *created);
    int *order = ew_xcalloc((size_t)total, sizeof *order);
    for (int i = 0; i < total; i++) {
        Plan *p = &t->plans[i];
        p->hall = pick(&t->rng, 10) < 3 ? pick(&t->rng, 8) : pick(&t->rng, NHALLS);
        p->category = pick(&t->rng, DEMO_N_CATEGORIES);
        p->text = pick(&t->rng, DEMO_N_APPEAL_TEXTS);
        p->answer = pick(&t->rng, DEMO_N_ANSWERS);
        p->progress = pick(&t->rng, DEMO_N_PROGRESS);
        int s = pick(&t->rng, 100);
        p->source = s < 55 ? 0 : s < 85 ? 1 : 2;
        int g = pick(&t->rng, 100);
        p->grade = g < 58 ? 0 : g < 86 ? 1 : 2;
        p->hall_grades = p->grade == 0 && chance(&t->rng, 35);
        p->hall_solves = p->grade == 0 && chance(&t->rng, 45);
        p->published_by_hall = chance(&t->rng, 50);
        p->member = member_of(t, p->hall);
        p->leader = pick(&t->rng, DEMO_N_LEADERS);
        p->unit = unit_for(t, p->category);
        p->explicit_due = chance(&t->rng, 20) ? 5 + pick(&t->rng, 25) : 0;
        p->satisfied = chance(&t->rng, 88);
        p->rated = chance(&t->rng, 40);
        p->rater = pick(&t->rng, NHALLS);
        snprintf(p->rating, sizeof p->rating, "%06d", pick(&t->rng, 1000000));
        created[i] = today - 2 - pick(&t->rng, 200);
        order[i] = i;
    }
    /* Unsolved: the newest ones, and a few older ones now overdue. */
    int *unsolved = ew_xcalloc((size_t)total, sizeof *unsolved);
    sort_created = created;
    qsort(order, (size_t)total, sizeof *order, newest_first);
    int open = total - solved_target, recent = open * 4 / 7;
    for (int k = 0; k < recent; k++)
        unsolved[order[k]] = 1;
    for (int k = recent; k < open;) {
        int i = order[recent + pick(&t->rng, total - recent)];
        if (!unsolved[i]) {
            unsolved[i] = 2; /* older, still open: likely overdue */
            k++;
        }
    }
    for (int i = 0; i < total; i++) {
        Plan *p = &t->plans[i];
        int64_t c = created[i];
        int minute = 8 * 60 + pick(&t->rng, 7 * 60);
        add_ev(t, c, minute, EV_NEW, i);
        int recent_open = unsolved[i] == 1;
        if (chance(&t->rng, 85) && !(recent_open && chance(&t->rng, 50)))
            add_ev(t, c + pick(&t->rng, 2), minute + 30, EV_PUBLISH, i);
        if (recent_open && today - c <= 6 && chance(&t->rng, 50)) {
            p->grade = -1; /* not graded yet */
            continue;
        }
        int64_t g = c + pick(&t->rng, 3);
        if (g >= today)
            g = today - 1;
        add_ev(t, g, minute + 60, EV_GRADE, i);
        if (recent_open && chance(&t->rng, 30))
            continue; /* graded, not yet assigned */
        int64_t as = g + pick(&t->rng, 2);
        if (as >= today)
            as = today - 1;
        add_ev(t, as, minute + 90, EV_ASSIGN, i);
        int limit = p->explicit_due ? p->explicit_due : p->grade == 0 ? 7 : p->grade == 1 ? 15 : 30;
        int64_t es = as;
        if (p->grade == 2 && (chance(&t->rng, 70) || unsolved[i] == 2)) {
            es = as + 1 + pick(&t->rng, 4);
            if (es >= today)
                es = as;
            add_ev(t, es, minute + 120, EV_ESCALATE, i);
        }
        int64_t sv = g + 1 + pick(&t->rng, limit + limit / 3);
        if (sv < es)
            sv = es;
        if (!unsolved[i] && sv >= today)
            sv = today - 1;
        if ((unsolved[i] || chance(&t->rng, 50)) && as + 1 < (unsolved[i] ? today : sv))
            add_ev(t, as + 1 + pick(&t->rng, (int)((unsolved[i] ? today : sv) - as - 1)),
                   minute + 150, EV_PROGRESS, i);
        if (unsolved[i])
            continue;
        add_ev(t, sv, minute + 180, EV_SOLVE, i);
        if (p->rated && sv + 1 < today)
            add_ev(t, sv + 1 + pick(&t->rng, (int)(today - sv - 1 < 10 ? today - sv - 1 : 10)),
                   minute + 210, EV_RATE, i);
    }
    free(created);
    free(order);
    free(unsolved);
}

static void plan_meetings(Town *t, int64_t today)
{
    int64_t *days = ew_xcalloc((size_t)t->nmeetings, sizeof *days);
    for (int m = 0; m < t->nmeetings; m++) {
        /* 39: every branch once and H07 twice; more: round the branches. */
        int h = t->nmeetings == NMEETINGS ? (m < NHALLS ? m : 6) : m % NHALLS;
        t->meeting_hall[m] = h;
        int64_t d = today - 3 - pick(&t->rng, t->nmeetings <= NMEETINGS ? 180 : 200);
        /* One open meeting per hall at a time: never two on one day. */
        for (int taken = 1; taken;) {
            taken = 0;
            for (int q = 0; q < m; q++)
                if (t->meeting_hall[q] == h && days[q] == d)
                    taken = 1;
            if (taken)
                d = d > today - 230 ? d - 1 : today - 3;
        }
        days[m] = d;
        add_ev(t, d, 19 * 60, EV_OPEN, m);
        add_ev(t, d, 21 * 60, EV_CLOSE, m);
    }
    free(days);
}

static Author *office(Town *t) { return &t->authors[0]; }
static Author *hall_dev(Town *t, int hall) { return &t->authors[1 + hall]; }

static int write_roster(sqlite3 *db, Town *t, int64_t hlc, EwErr *err)
{
    Author *o = office(t);
    char id[ROSTER_ID_MAX];
    json_t *b = json_pack("{s:s,s:s}", "key", "town.name", "value", "青石镇");
    int rc = device_author(db, o, hlc, "config.set", b, err);
    json_decref(b);
    for (int i = 0; rc == EW_OK && i < NHALLS; i++) {
        char code[4];
        hall_code(i, code);
        rc = roster_add_branch(db, o, code, DEMO_VILLAGES[i], DEMO_GRIDS[i], hlc, err);
    }
    for (int i = 0; rc == EW_OK && i < NPEOPLE; i++) {
        char code[4];
        hall_code(t->people_branch[i], code);
        rc = roster_add_person(db, o, t->people_ids[i], t->names[i], t->roles[i], code, hlc, id,
                               err);
    }
    for (int i = 0; rc == EW_OK && i < DEMO_N_LEADERS; i++) {
        char lid[ROSTER_ID_MAX];
        snprintf(lid, sizeof lid, "L%02d", i + 1);
        rc = roster_add_person(db, o, lid, DEMO_LEADERS[i], "leader", NULL, hlc, id, err);
    }
    for (int i = 0; rc == EW_OK && i < DEMO_N_UNITS; i++) {
        char uid[ROSTER_ID_MAX];
        snprintf(uid, sizeof uid, "U%02d", i + 1);
        rc = roster_add_unit(db, o, uid, DEMO_UNITS[i], hlc, id, err);
    }
    return rc;
}

static json_t *tallies_for(Town *t, int m, const char *subjects_json, int64_t *ballots)
{
    json_t *subj = json_loads(subjects_json, 0, NULL), *out = json_object(), *s;
    size_t i;
    int n = 18 + pick(&t->rng, 40);
    *ballots = n;
    (void)m;
    json_array_foreach(subj, i, s) {
        int counts[5] = {0};
        int bias = pick(&t->rng, 40); /* how well this subject is liked */
        for (int b = 0; b < n; b++) {
            int r = pick(&t->rng, 100);
            counts[r < 40 + bias ? 0 : r < 75 + bias / 3 ? 1 : r < 88 ? 2 : r < 93 ? 3 : 4]++;
        }
        json_object_set_new(out, json_string_value(s),
                            json_pack("{s:i,s:i,s:i,s:i,s:i}", "excellent", counts[0], "good",
                                      counts[1], "fair", counts[2], "poor", counts[3], "unknown",
                                      counts[4]));
    }
    json_decref(subj);
    return out;
}

static int run_event(sqlite3 *db, Town *t, const Event *e, EwErr *err)
{
    int64_t hlc = e->ms << 16;
    char day[11], hall[4];
    clock_format_day(clock_day_of_ms(e->ms), day);
    if (e->type == EV_ROSTER)
        return write_roster(db, t, hlc, err);
    if (e->type == EV_OPEN || e->type == EV_CLOSE) {
        int h = t->meeting_hall[e->idx];
        hall_code(h, hall);
        if (e->type == EV_OPEN)
            return meeting_open(db, hall_dev(t, h), hall, DEMO_MEETING_TOPICS[e->idx % DEMO_N_MEETING_TOPICS],
                                NULL, 0, NULL, hlc, t->meeting_id[e->idx], err);
        char *subjects = NULL;
        int64_t ballots;
        int rc = db_text(db, err, &subjects, "SELECT subjects FROM meetings WHERE id=?", "t",
                         t->meeting_id[e->idx]);
        if (rc || !subjects)
            return rc ? rc : ew_err(err, EW_ECORRUPT, "demo meeting vanished");
        json_t *tallies = tallies_for(t, e->idx, subjects, &ballots);
        free(subjects);
        rc = meeting_close_with(db, hall_dev(t, h), t->meeting_id[e->idx], tallies, ballots, NULL,
                                hlc, err);
        json_decref(tallies);
        return rc;
    }
    Plan *p = &t->plans[e->idx];
    hall_code(p->hall, hall);
    static const char *const grades[] = {"green", "blue", "orange"};
    char rating[RATING_CODE_LEN + 1];
    switch (e->type) {
    case EV_NEW: {
        AppealNew in = {
            .hall = hall,
            .category = DOMAIN_CATEGORIES[p->category].key,
            .text = DEMO_APPEAL_TEXTS[p->category][p->text],
            .grid = DEMO_GRIDS[p->hall][pick(&t->rng, 2)],
            .source = p->source == 0 ? "kiosk" : p->source == 1 ? "meeting" : "staff",
            /* No private contact: a sealed box is random by design, and the
             * demo must give the same records for the same seed. Villagers'
             * sealed contacts are covered by tests/test_appeal.c. */
            .contact = NULL,
            .rating_code = p->rating,
        };
        return appeal_add(db, p->source == 2 ? office(t) : hall_dev(t, p->hall), &in, hlc,
                          p->code, rating, err);
    }
    case EV_PUBLISH:
        return appeal_publish(db, p->published_by_hall ? hall_dev(t, p->hall) : office(t),
                              p->code, NULL, hlc, err);
    case EV_GRADE:
        return appeal_grade(db, p->hall_grades ? hall_dev(t, p->hall) : office(t), p->code,
                            grades[p->grade], NULL, NULL, hlc, err);
    case EV_ASSIGN: {
        char lid[16], uid[16], due[11];
        snprintf(lid, sizeof lid, "L%02d", p->leader + 1);
        snprintf(uid, sizeof uid, "U%02d", p->unit + 1);
        if (p->explicit_due)
            clock_format_day(clock_day_of_ms(e->ms) + p->explicit_due, due);
        return appeal_assign(db, office(t), p->code, t->people_ids[p->member], lid, uid,
                             p->explicit_due ? due : NULL, NULL, hlc, err);
    }
    case EV_PROGRESS:
        return appeal_step(db, p->hall_solves ? hall_dev(t, p->hall) : office(t), "progress",
                           p->code, DEMO_PROGRESS[p->category][p->progress], NULL, hlc, err);
    case EV_ESCALATE:
        return appeal_step(db, office(t), "escalate", p->code,
                           DEMO_ESCALATION_NOTES[p->text % DEMO_N_ESCALATION_NOTES], NULL, hlc, err);
    case EV_SOLVE:
        return appeal_step(db, p->hall_solves ? hall_dev(t, p->hall) : office(t), "solve",
                           p->code, DEMO_ANSWERS[p->category][p->answer], NULL, hlc, err);
    case EV_RATE:
        return appeal_rate(db, hall_dev(t, p->rater), p->code, p->rating,
                           p->satisfied ? "satisfied" : "unsatisfied", NULL, hlc, err);
    }
    return EW_OK;
}

/* The town's devices: this database's own, and simulated ones for the rest,
 * with keys derived from the seed so every demo database of the same seed
 * holds the same devices. */
static int make_devices(sqlite3 *db, Town *t, const DemoSpec *spec, EwErr *err)
{
    unsigned char seed[32], town_seed[32], town_pk[32], town_sk[64];
    char label[48];
    uint64_t s = spec->seed ? spec->seed : 1;
    snprintf(label, sizeof label, "echowall/demo/town/%llu", (unsigned long long)s);
    crypto_generichash(town_seed, 32, (const unsigned char *)label, strlen(label), NULL, 0);
    int rc = EW_OK;
    if (!device_exists(db)) {
        char code[4] = "";
        snprintf(label, sizeof label, "echowall/demo/%llu/%s", (unsigned long long)s,
                 spec->hall ? spec->hall : "office");
        crypto_generichash(seed, 32, (const unsigned char *)label, strlen(label), NULL, 0);
        if (spec->hall)
            snprintf(code, sizeof code, "%s", spec->hall);
        DeviceSpec ds = {.role = spec->hall ? "hall" : "office", .hall = spec->hall ? code : NULL,
                         .town_name = "青石镇", .seed = seed, .town_seed = town_seed};
        rc = device_init(db, &ds, err);
        if (rc)
            return rc;
    }
    Author self;
    if ((rc = device_load_self(db, &self, err)))
        return rc;
    int self_office = strcmp(self.role, "office") == 0;
    if (self_office) {
        if ((rc = device_town_sk(db, town_sk, err)))
            return rc;
        crypto_sign_ed25519_sk_to_pk(town_pk, town_sk);
    } else {
        crypto_sign_seed_keypair(town_pk, town_sk, town_seed);
        rc = db_run(db, err, "UPDATE device_self SET town_pk=coalesce(town_pk, ?)", "b", town_pk,
                    sizeof town_pk);
    }
    for (int i = 0; rc == EW_OK && i <= NHALLS; i++) {
        char code[4] = "";
        if (i)
            hall_code(i - 1, code);
        if ((i == 0 && self_office) || (i && !self_office && strcmp(self.hall, code) == 0)) {
            t->authors[i] = self;
            rc = device_register(db, &self, town_sk, err);
            continue;
        }
        snprintf(label, sizeof label, "echowall/demo/%llu/%s", (unsigned long long)s,
                 i ? code : "office");
        crypto_generichash(seed, 32, (const unsigned char *)label, strlen(label), NULL, 0);
        DeviceSpec ds = {.role = i ? "hall" : "office", .hall = i ? code : NULL, .seed = seed};
        device_make_author(&t->authors[i], &ds);
        rc = device_register(db, &t->authors[i], town_sk, err);
    }
    sodium_memzero(town_sk, sizeof town_sk);
    return rc;
}

int demo_fill(sqlite3 *db, const DemoSpec *spec, EwErr *err)
{
    if (spec->hall && !code_hall_valid(spec->hall))
        return ew_err(err, EW_EINPUT, "--hall '%s' is not a hall code like H07", spec->hall);
    if (spec->hall && atoi(spec->hall + 1) > NHALLS)
        return ew_err(err, EW_EINPUT, "--hall '%s': the demo town has halls H01 to H%02d",
                      spec->hall, NHALLS);
    int64_t n = 0;
    int rc = db_int(db, err, &n, 0, "SELECT count(*) FROM records", NULL);
    if (rc)
        return rc;
    if (n)
        return ew_err(err, EW_ESTATE, "this database already holds a town (%lld records); the "
                                      "demo needs an empty one", (long long)n);
    Town *t = ew_xcalloc(1, sizeof *t);
    t->rng.s = spec->seed ? spec->seed : 1;
    int64_t today = spec->today ? spec->today : db_today(db);
    rc = db_begin(db, err);
    if (rc == EW_OK)
        rc = make_devices(db, t, spec, err);
    if (rc == EW_OK) {
        if (spec->hall) {
            Author self;
            device_load_self(db, &self, NULL);
            if (strcmp(self.role, "hall") != 0 || strcmp(self.hall, spec->hall) != 0)
                rc = ew_err(err, EW_EINPUT,
                            "--hall %s does not match this database's device (%s%s%s)",
                            spec->hall, self.role, self.hall[0] ? " " : "", self.hall);
        }
    }
    if (rc == EW_OK) {
        plan_people(t);
        add_ev(t, today - HISTORY_DAYS, 9 * 60, EV_ROSTER, 0);
        t->nmeetings = spec->meetings > 0 ? spec->meetings : NMEETINGS;
        t->meeting_hall = ew_xcalloc((size_t)t->nmeetings, sizeof *t->meeting_hall);
        t->meeting_id = ew_xcalloc((size_t)t->nmeetings, sizeof *t->meeting_id);
        plan_meetings(t, today);
        plan_appeals(t, today, spec->appeals ? spec->appeals : NAPPEALS);
        qsort(t->ev, (size_t)t->nev, sizeof *t->ev, cmp_ev);
        /* Half the work is signing: a second core does it (device.h). */
        SignQueue *q = signq_start();
        for (int i = 0; i <= NHALLS; i++)
            t->authors[i].signq = q;
        for (int i = 0; rc == EW_OK && i < t->nev; i++) {
            rc = run_event(db, t, &t->ev[i], err);
            if (rc) {
                char msg[sizeof err->msg];
                snprintf(msg, sizeof msg, "%s", err->msg);
                ew_err(err, rc, "demo event %d (type %d) failed: %s", i, t->ev[i].type, msg);
            }
        }
        int qrc = signq_finish(q, db, rc ? NULL : err);
        if (rc == EW_OK)
            rc = qrc;
        for (int i = 0; i <= NHALLS; i++)
            t->authors[i].signq = NULL;
    }
    if (rc == EW_OK)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    free(t->plans);
    free(t->ev);
    free(t->meeting_hall);
    free(t->meeting_id);
    sodium_memzero(t, sizeof *t);
    free(t);
    return rc;
}
