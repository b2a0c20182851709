/*
 * evalres.c: evaluation results and the early warning (see evalres.h).
 */
#include "evalres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain.h"
#include "roster.h"

static int by_rate_desc(const void *x, const void *y)
{
    double a = **(const double *const *)x, b = **(const double *const *)y;
    return a < b ? 1 : a > b ? -1 : 0;
}

void eval_rank(EvalRow *rows, int n, int min_ratings, int warn)
{
    const double **order = ew_xcalloc((size_t)(n ? n : 1), sizeof *order);
    int m = 0;
    for (int i = 0; i < n; i++) {
        EvalRow *r = &rows[i];
        int64_t rated = r->counts[0] + r->counts[1] + r->counts[2] + r->counts[3];
        r->ranked = rated >= min_ratings && rated > 0;
        r->rate = r->ranked ? (double)r->counts[0] / (double)rated : 0;
        r->rank = 0;
        r->warning = 0;
        if (r->ranked)
            order[m++] = &r->rate;
    }
    qsort(order, (size_t)m, sizeof *order, by_rate_desc);
    for (int i = 0; i < n; i++) {
        if (!rows[i].ranked)
            continue;
        int better = 0;
        for (int j = 0; j < m; j++)
            better += *order[j] > rows[i].rate;
        rows[i].rank = better + 1;
    }
    if (warn && m > 0) {
        int k = m / 5; /* floor(0.2 m) */
        if (m >= 5 && k < 1)
            k = 1;
        int all_tied = *order[0] == *order[m - 1];
        if (k > 0 && !all_tied) {
            double boundary = *order[m - k]; /* the k-th lowest */
            for (int i = 0; i < n; i++)
                rows[i].warning = rows[i].ranked && rows[i].rate <= boundary;
        }
    }
    free(order);
}

/* Adds tallies[subject] into counts. */
static void add_counts(json_t *tally, int64_t counts[5])
{
    for (int j = 0; j < 5 && DOMAIN_RATINGS[j].key; j++)
        counts[j] += json_integer_value(json_object_get(tally, DOMAIN_RATINGS[j].key));
}

static json_t *row_json(const char *key, const char *name, const char *role, const EvalRow *r)
{
    json_t *c = json_object();
    int64_t ballots = 0;
    for (int j = 0; j < 5; j++) {
        json_object_set_new(c, DOMAIN_RATINGS[j].key, json_integer(r->counts[j]));
        ballots += r->counts[j];
    }
    return json_pack("{s:s,s:s,s:s,s:o,s:I,s:o,s:o,s:b,s:b}", "who", key, "name", name, "role",
                     role, "counts", c, "ballots", (json_int_t)ballots, "excellence_rate",
                     r->ranked ? json_real(r->rate) : json_null(), "rank",
                     r->ranked ? json_integer(r->rank) : json_null(), "warning", r->warning,
                     "too_few", !r->ranked);
}

int eval_meeting(sqlite3 *db, const char *id, int min_ratings, json_t **out, EwErr *err)
{
    *out = NULL;
    char *status = NULL, *tallies = NULL, *subjects = NULL, *hall = NULL, *reason = NULL;
    int rc = EW_OK;
    sqlite3_stmt *st = db_prep(
        db, err, "SELECT status, tallies, subjects, hall, void_reason FROM meetings WHERE id=?",
        "t", id);
    if (!st)
        return EW_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        char **cols[5] = {&status, &tallies, &subjects, &hall, &reason};
        for (int c = 0; c < 5; c++)
            if (sqlite3_column_type(st, c) != SQLITE_NULL)
                *cols[c] = ew_xstrdup((const char *)sqlite3_column_text(st, c));
    }
    db_done(st);
    if (!status)
        rc = ew_err(err, EW_ENOTFOUND, "no meeting %s", id);
    else if (strcmp(status, "void") == 0)
        rc = ew_err(err, EW_ESTATE, "meeting %s was voided: %s", id, reason ? reason : "");
    else if (strcmp(status, "closed") != 0)
        rc = ew_err(err, EW_ESTATE, "meeting %s is still open: results come when it closes", id);
    json_t *t = rc == EW_OK && tallies ? json_loads(tallies, 0, NULL) : NULL;
    json_t *s = rc == EW_OK && subjects ? json_loads(subjects, 0, NULL) : NULL;
    if (rc == EW_OK && (!json_is_object(t) || !json_is_array(s)))
        rc = ew_err(err, EW_ECORRUPT, "meeting %s has no tallies", id);
    if (rc == EW_OK) {
        int n = (int)json_array_size(s);
        EvalRow *rows = ew_xcalloc((size_t)(n ? n : 1), sizeof *rows);
        for (int i = 0; i < n; i++)
            add_counts(json_object_get(t, json_string_value(json_array_get(s, (size_t)i))),
                       rows[i].counts);
        eval_rank(rows, n, min_ratings, 0);
        *out = json_array();
        for (int i = 0; i < n; i++) {
            const char *key = json_string_value(json_array_get(s, (size_t)i));
            char *name, *role;
            roster_subject(db, hall, key ? key : "", &name, &role);
            json_array_append_new(*out, row_json(key ? key : "", name, role, &rows[i]));
            free(name);
            free(role);
        }
        free(rows);
    }
    json_decref(t);
    json_decref(s);
    free(status);
    free(tallies);
    free(subjects);
    free(hall);
    free(reason);
    return rc;
}

typedef struct Sorted {
    const char *role, *key;
    const EvalRow *row;
    int i;
} Sorted;

static int by_role_rank(const void *x, const void *y)
{
    const Sorted *a = x, *b = y;
    int c = strcmp(a->role, b->role);
    if (c)
        return c;
    if (a->row->ranked != b->row->ranked)
        return b->row->ranked - a->row->ranked;
    if (a->row->rank != b->row->rank)
        return a->row->rank - b->row->rank;
    return strcmp(a->key, b->key);
}

int eval_round(sqlite3 *db, const char *round, int min_ratings, json_t **out, EwErr *err)
{
    *out = NULL;
    int y, q;
    char tail;
    if (!round || sscanf(round, "%4dQ%1d%c", &y, &q, &tail) != 2 || q < 1 || q > 4 || y < 2000 ||
        strlen(round) != 6)
        return ew_err(err, EW_EINPUT, "--round '%s' must be a quarter like 2026Q4",
                      round ? round : "");
    int64_t from = clock_days_from_civil(y, 3 * q - 2, 1);
    int64_t to = q == 4 ? clock_days_from_civil(y + 1, 1, 1) : clock_days_from_civil(y, 3 * q + 1, 1);
    /* Every subject of the round: a person by id, a branch as "branch:H07".
     * Only closed meetings count: open ones have no tallies yet, and the
     * office's voided ones ('void') are left out of every result. */
    json_t *sum = json_object(); /* key -> [counts x5] */
    json_t *halls = json_object();
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT hall, tallies FROM meetings WHERE status='closed' AND "
                               "opened_day >= ? AND opened_day < ? ORDER BY opened_day, id",
                               "ii", from, to);
    if (!st) {
        json_decref(sum);
        json_decref(halls);
        return EW_EDB;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *hall = (const char *)sqlite3_column_text(st, 0);
        json_t *t = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
        const char *k;
        json_t *v;
        json_object_foreach(t, k, v) {
            char key[64];
            snprintf(key, sizeof key, "%s%s%s", k, strcmp(k, "branch") == 0 ? ":" : "",
                     strcmp(k, "branch") == 0 ? hall : "");
            json_t *acc = json_object_get(sum, key);
            if (!acc) {
                acc = json_pack("[iiiii]", 0, 0, 0, 0, 0);
                json_object_set_new(sum, key, acc);
                json_object_set_new(halls, key, json_string(hall));
            }
            for (int j = 0; j < 5; j++) {
                json_int_t n = json_integer_value(json_array_get(acc, (size_t)j)) +
                               json_integer_value(json_object_get(v, DOMAIN_RATINGS[j].key));
                json_array_set_new(acc, (size_t)j, json_integer(n));
            }
        }
        json_decref(t);
    }
    db_done(st);
    /* Rank within each role; the warning among micro-grid leaders. */
    int n = (int)json_object_size(sum);
    EvalRow *rows = ew_xcalloc((size_t)(n ? n : 1), sizeof *rows);
    char **keys = ew_xcalloc((size_t)(n ? n : 1), sizeof *keys);
    char **names = ew_xcalloc((size_t)(n ? n : 1), sizeof *names);
    char **roles = ew_xcalloc((size_t)(n ? n : 1), sizeof *roles);
    int i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(sum, k, v) {
        keys[i] = ew_xstrdup(k);
        for (int j = 0; j < 5; j++)
            rows[i].counts[j] = json_integer_value(json_array_get(v, (size_t)j));
        const char *hall = json_string_value(json_object_get(halls, k));
        roster_subject(db, hall, strncmp(k, "branch:", 7) == 0 ? "branch" : k, &names[i], &roles[i]);
        i++;
    }
    EvalRow *group = ew_xcalloc((size_t)(n ? n : 1), sizeof *group);
    int *idx = ew_xcalloc((size_t)(n ? n : 1), sizeof *idx);
    for (int a = 0; a < n; a++) {
        int seen = 0;
        for (int b = 0; b < a; b++)
            seen |= strcmp(roles[a], roles[b]) == 0;
        if (seen)
            continue; /* this role was ranked with an earlier one */
        int m = 0;
        for (int b = 0; b < n; b++)
            if (strcmp(roles[a], roles[b]) == 0) {
                idx[m] = b;
                group[m++] = rows[b];
            }
        eval_rank(group, m, min_ratings, strcmp(roles[a], "grid_leader") == 0);
        for (int j = 0; j < m; j++)
            rows[idx[j]] = group[j];
    }
    /* A stable order: by role, ranked first by rank, then by key. */
    Sorted *order = ew_xcalloc((size_t)(n ? n : 1), sizeof *order);
    for (int a = 0; a < n; a++)
        order[a] = (Sorted){roles[a], keys[a], &rows[a], a};
    qsort(order, (size_t)n, sizeof *order, by_role_rank);
    *out = json_array();
    for (int j = 0; j < n; j++) {
        int a = order[j].i;
        json_array_append_new(*out, row_json(keys[a], names[a], roles[a], &rows[a]));
    }
    free(order);
    for (int a = 0; a < n; a++) {
        free(keys[a]);
        free(names[a]);
        free(roles[a]);
    }
    free(keys);
    free(names);
    free(roles);
    free(rows);
    free(group);
    free(idx);
    json_decref(sum);
    json_decref(halls);
    return EW_OK;
}

/* ---- one person over time ---- */

/* The row of who in results (eval_meeting's or eval_round's), or NULL;
 * *of: the ranked rows it is ranked among (of its role when by_role). */
static json_t *row_of(json_t *results, const char *who, int by_role, int64_t *of)
{
    json_t *hit = NULL, *x;
    size_t i;
    *of = 0;
    json_array_foreach(results, i, x)
        if (strcmp(json_string_value(json_object_get(x, "who")), who) == 0)
            hit = x;
    const char *role = hit ? json_string_value(json_object_get(hit, "role")) : NULL;
    json_array_foreach(results, i, x)
        *of += hit && json_is_integer(json_object_get(x, "rank")) &&
               (!by_role || strcmp(json_string_value(json_object_get(x, "role")), role) == 0);
    return hit;
}

/* The person's figures from a results row, with of, into a new object
 * whose first fields the caller has set. */
static void add_figures(json_t *o, json_t *row, int64_t of)
{
    static const char *const keys[] = {"counts", "ballots", "excellence_rate", "rank", "too_few"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        json_object_set(o, keys[k], json_object_get(row, keys[k]));
    json_object_set_new(o, "of", json_integer(of));
}

/* "2026Q4" for a day number. */
static void round_of(int64_t day, char out[16])
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04dQ%d", y, (m - 1) / 3 + 1);
}

/* One entry of "meetings" for eval_person; NULL when who was not rated. */
static int person_meeting(sqlite3 *db, const char *who, int min_ratings, sqlite3_stmt *m,
                          json_t **entry, EwErr *err)
{
    const char *id = (const char *)sqlite3_column_text(m, 0);
    json_t *results = NULL;
    *entry = NULL;
    int rc = eval_meeting(db, id, min_ratings, &results, err);
    int64_t of = 0;
    json_t *row = rc ? NULL : row_of(results, who, 0, &of);
    if (row) {
        char day[11];
        clock_format_day(sqlite3_column_int64(m, 1), day);
        *entry = json_pack("{s:s,s:s,s:s,s:s,s:O}", "meeting", id, "day", day, "topic",
                           sqlite3_column_text(m, 2), "hall", sqlite3_column_text(m, 3), "role",
                           json_object_get(row, "role"));
        add_figures(*entry, row, of);
    }
    json_decref(results);
    return rc;
}

/* One entry of "rounds" for eval_person; NULL when who was not rated. */
static int person_round(sqlite3 *db, const char *who, int min_ratings, const char *round,
                        json_t **entry, EwErr *err)
{
    json_t *results = NULL;
    *entry = NULL;
    int rc = eval_round(db, round, min_ratings, &results, err);
    int64_t of = 0;
    json_t *row = rc ? NULL : row_of(results, who, 1, &of);
    if (row) {
        *entry = json_pack("{s:s,s:O}", "round", round, "warning",
                           json_object_get(row, "warning"));
        add_figures(*entry, row, of);
    }
    json_decref(results);
    return rc;
}

int eval_person(sqlite3 *db, const char *who, int min_ratings, json_t **out, EwErr *err)
{
    *out = NULL;
    char *name = NULL, *role = NULL;
    int rc = db_text(db, err, &name, "SELECT name FROM people WHERE id=?", "t", who ? who : "");
    if (rc == EW_OK)
        rc = db_text(db, err, &role, "SELECT role FROM people WHERE id=?", "t", who ? who : "");
    if (rc == EW_OK && !name)
        rc = ew_err(err, EW_ENOTFOUND, "no person %s in the roster", who ? who : "");
    json_t *meetings = json_array(), *rounds = json_array();
    /* Oldest first: the meetings that rated who, closed and not void. */
    sqlite3_stmt *m = rc ? NULL
                         : db_prep(db, err,
                                   "SELECT id, opened_day, topic, hall FROM meetings WHERE "
                                   "status='closed' AND EXISTS (SELECT 1 FROM "
                                   "json_each(meetings.subjects) WHERE value=?) "
                                   "ORDER BY opened_day, id",
                                   "t", who);
    if (rc == EW_OK && !m)
        rc = EW_EDB;
    char last[16] = "";
    while (rc == EW_OK && sqlite3_step(m) == SQLITE_ROW) {
        json_t *e = NULL;
        char round[16];
        rc = person_meeting(db, who, min_ratings, m, &e, err);
        if (e)
            json_array_append_new(meetings, e);
        /* The rounds in the same order, each once. */
        round_of(sqlite3_column_int64(m, 1), round);
        if (rc == EW_OK && strcmp(round, last) != 0) {
            rc = person_round(db, who, min_ratings, round, &e, err);
            if (e)
                json_array_append_new(rounds, e);
            memcpy(last, round, sizeof last);
        }
    }
    db_done(m);
    if (rc == EW_OK)
        *out = json_pack("{s:s,s:s,s:s,s:O,s:O}", "who", who, "name", name, "role", role, "meetings",
                         meetings, "rounds", rounds);
    json_decref(meetings);
    json_decref(rounds);
    free(name);
    free(role);
    return rc;
}
