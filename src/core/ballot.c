/*
 * ballot.c: casting ballots into an open meeting's counters (see ballot.h).
 */
#include "ballot.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "domain.h"
#include "roster.h"

/* The subjects of an open meeting and its cap; EW_ENOTFOUND when it is not
 * open. *subjects: caller json_decref's. */
static int open_meeting(sqlite3 *db, const char *id, json_t **subjects, int64_t *cap, EwErr *err)
{
    char *text = NULL;
    *subjects = NULL;
    int rc = db_text(db, err, &text, "SELECT subjects FROM meetings WHERE id=? AND status='open'",
                     "t", id);
    if (rc)
        return rc;
    if (!text)
        return ew_err(err, EW_ENOTFOUND, "no open meeting %s", id);
    *subjects = json_loads(text, 0, NULL);
    free(text);
    if (!json_is_array(*subjects)) {
        json_decref(*subjects);
        *subjects = NULL;
        return ew_err(err, EW_ECORRUPT, "meeting %s has no list of subjects", id);
    }
    return db_int(db, err, cap, 0, "SELECT cap FROM meetings WHERE id=?", "t", id);
}

/* Ballots cast so far: every ballot rates the first subject once. */
static int64_t cast_so_far(sqlite3 *db, const char *id, json_t *subjects)
{
    int64_t n = 0;
    db_int(db, NULL, &n, 0, "SELECT sum(count) FROM meeting_tally WHERE meeting=? AND subject=?",
           "tt", id, json_string_value(json_array_get(subjects, 0)));
    return n;
}

/* *on = 1 when the meeting counts ballots by slip (it was given tokens). */
static int token_mode(sqlite3 *db, const char *id, int *on, EwErr *err)
{
    int64_t n = 0;
    int rc = db_int(db, err, &n, 0, "SELECT EXISTS (SELECT 1 FROM ballot_tokens WHERE meeting=?)",
                    "t", id);
    *on = n > 0;
    return rc;
}

int ballot_token_normalize(const char *typed, char out[BALLOT_TOKEN_DIGITS + 1], EwErr *err)
{
    const char *s = typed ? typed : "", *slash = strrchr(s, '/'), *eq = strrchr(s, '=');
    const char *cut = eq && (!slash || eq > slash) ? eq : slash;
    size_t n = 0;
    for (s = cut ? cut + 1 : s; *s && n <= BALLOT_TOKEN_DIGITS; s++) {
        if (strchr(" -\t\r\n", *s))
            continue;
        if (*s < '0' || *s > '9')
            break;
        if (n < BALLOT_TOKEN_DIGITS)
            out[n] = *s;
        n++;
    }
    if (*s || n != BALLOT_TOKEN_DIGITS) {
        out[0] = '\0';
        return ew_err(err, EW_EINPUT,
                      "the number on a ballot slip has %d digits: type it as printed, or scan "
                      "the slip",
                      BALLOT_TOKEN_DIGITS);
    }
    out[n] = '\0';
    return EW_OK;
}

/* EW_OK when digits is one of the meeting's tokens and unused, else
 * EW_EDENIED telling the villager which it is. */
static int token_unused(sqlite3 *db, const char *meeting, const char *digits, EwErr *err)
{
    int64_t used = -1;
    int rc = db_int(db, err, &used, -1,
                    "SELECT used FROM ballot_tokens WHERE meeting=? AND token=?", "tt", meeting,
                    digits);
    if (rc == EW_OK && used < 0)
        rc = ew_err(err, EW_EDENIED,
                    "%s is not the number of a ballot slip of this meeting: please check the "
                    "digits",
                    digits);
    else if (rc == EW_OK && used)
        rc = ew_err(err, EW_EDENIED,
                    "the ballot slip %s has been used already: each slip counts one ballot",
                    digits);
    return rc;
}

/* The slip rule of a ballot: a meeting in token mode needs an unused token
 * of its own (normalised into digits), any other takes none ("" then). */
static int token_rule(sqlite3 *db, const char *meeting, const char *token,
                      char digits[BALLOT_TOKEN_DIGITS + 1], EwErr *err)
{
    int on = 0;
    digits[0] = '\0';
    int rc = token_mode(db, meeting, &on, err);
    if (rc == EW_OK && !on && token)
        rc = ew_err(err, EW_EINPUT, "meeting %s has no ballot slips: vote without a number",
                    meeting);
    else if (rc == EW_OK && on && !token)
        rc = ew_err(err, EW_EDENIED,
                    "this meeting counts ballots by slip: enter the number on your ballot slip");
    else if (rc == EW_OK && on)
        rc = ballot_token_normalize(token, digits, err);
    if (rc == EW_OK && on)
        rc = token_unused(db, meeting, digits, err);
    return rc;
}

static int by_digits(const void *x, const void *y)
{
    return strcmp(((const BallotToken *)x)->digits, ((const BallotToken *)y)->digits);
}

static void draw_token(BallotToken *t)
{
    snprintf(t->digits, sizeof t->digits, "%08u", (unsigned)randombytes_uniform(100000000));
}

int ballot_tokens_issue(sqlite3 *db, const char *meeting, int n, BallotToken *out, EwErr *err)
{
    if (n < 1 || n > BALLOT_TOKENS_MAX)
        return ew_err(err, EW_EINPUT, "--tokens must be a number of ballot slips from 1 to %d",
                      BALLOT_TOKENS_MAX);
    if (sodium_init() < 0)
        return ew_err(err, EW_EIO, "cannot initialise libsodium");
    for (int i = 0; i < n; i++)
        draw_token(&out[i]);
    /* Sorted, a repeat sits beside its twin: draw it again until none is
     * left. The sorted order is also the order of insertion, so that the
     * table's pages take the same shape whatever numbers were drawn, and
     * deleting them at the close leaves the same bytes (test_ballot). */
    for (int again = 1; again;) {
        qsort(out, (size_t)n, sizeof *out, by_digits);
        again = 0;
        for (int i = 1; i < n; i++)
            if (strcmp(out[i].digits, out[i - 1].digits) == 0) {
                draw_token(&out[i]);
                again = 1;
            }
    }
    int rc = EW_OK;
    for (int i = 0; rc == EW_OK && i < n; i++)
        rc = db_run(db, err, "INSERT INTO ballot_tokens(meeting,token,used) VALUES(?,?,0)", "tt",
                    meeting, out[i].digits);
    return rc;
}

int ballot_token_check(sqlite3 *db, const char *meeting, const char *token, EwErr *err)
{
    char digits[BALLOT_TOKEN_DIGITS + 1];
    int64_t open = 0;
    int on = 0;
    int rc = ballot_token_normalize(token, digits, err);
    if (rc == EW_OK)
        rc = db_int(db, err, &open, 0, "SELECT count(*) FROM meetings WHERE id=? AND status='open'",
                    "t", meeting ? meeting : "");
    if (rc == EW_OK && !open)
        rc = ew_err(err, EW_ENOTFOUND, "no open meeting %s", meeting ? meeting : "");
    if (rc == EW_OK)
        rc = token_mode(db, meeting, &on, err);
    if (rc == EW_OK && !on)
        rc = ew_err(err, EW_ESTATE, "meeting %s has no ballot slips", meeting);
    return rc ? rc : token_unused(db, meeting, digits, err);
}

int ballot_meeting(sqlite3 *db, const char *hall, json_t **out, EwErr *err)
{
    *out = NULL;
    char *id = NULL, *topic = NULL;
    int rc = db_text(db, err, &id, "SELECT id FROM meetings WHERE hall=? AND status='open'", "t",
                     hall ? hall : "");
    if (rc == EW_OK && !id)
        rc = ew_err(err, EW_ENOTFOUND, "%s has no open meeting", hall ? hall : "this hall");
    json_t *subjects = NULL;
    int64_t cap = 0;
    int tokens = 0;
    if (rc == EW_OK)
        rc = open_meeting(db, id, &subjects, &cap, err);
    if (rc == EW_OK)
        rc = db_text(db, err, &topic, "SELECT topic FROM meetings WHERE id=?", "t", id);
    if (rc == EW_OK)
        rc = token_mode(db, id, &tokens, err);
    if (rc == EW_OK) {
        json_t *list = json_array();
        size_t i;
        json_t *s;
        json_array_foreach(subjects, i, s) {
            const char *who = json_string_value(s) ? json_string_value(s) : "";
            char *name, *role;
            roster_subject(db, hall, who, &name, &role);
            json_array_append_new(list,
                                  json_pack("{s:s,s:s,s:s}", "who", who, "name", name, "role", role));
            free(name);
            free(role);
        }
        *out = json_pack("{s:s,s:s,s:I,s:I,s:b,s:o}", "id", id, "topic", topic ? topic : "",
                         "cap", (json_int_t)cap, "ballots",
                         (json_int_t)cast_so_far(db, id, subjects), "tokens", tokens, "subjects",
                         list);
    }
    json_decref(subjects);
    free(id);
    free(topic);
    return rc;
}

int ballot_cast_token(sqlite3 *db, const char *meeting, const char *token,
                      const char *const *ratings, int n, EwErr *err)
{
    /* Freed pages are zeroed: an overwritten counter leaves no old value. */
    int rc = db_exec(db, err, "PRAGMA secure_delete=ON");
    if (rc == EW_OK)
        rc = db_begin(db, err);
    if (rc)
        return rc;
    json_t *subjects = NULL;
    int64_t cap = 0;
    rc = open_meeting(db, meeting, &subjects, &cap, err);
    if (rc == EW_OK && (n != (int)json_array_size(subjects) || n == 0))
        rc = ew_err(err, EW_EINPUT, "a ballot for %s rates %zu subjects, not %d", meeting,
                    json_array_size(subjects), n);
    for (int i = 0; rc == EW_OK && i < n; i++)
        if (!ratings[i] || domain_index(DOMAIN_RATINGS, ratings[i]) < 0)
            rc = ew_err(err, EW_EINPUT, "'%s' is not a rating (excellent good fair poor unknown)",
                        ratings[i] ? ratings[i] : "");
    if (rc == EW_OK && cap > 0 && cast_so_far(db, meeting, subjects) >= cap)
        rc = ew_err(err, EW_ESTATE, "all %lld ballots of %s are cast", (long long)cap, meeting);
    char digits[BALLOT_TOKEN_DIGITS + 1] = "";
    if (rc == EW_OK)
        rc = token_rule(db, meeting, token, digits, err);
    /* The slip is spent in place: used goes from 0 to 1, two values SQLite
     * keeps in the record header alone, so the row keeps its size and its
     * place in the page and nothing tells which slip went with which
     * ratings, or in what order slips were used. */
    if (rc == EW_OK && digits[0])
        rc = db_run(db, err, "UPDATE ballot_tokens SET used=1 WHERE meeting=? AND token=?", "tt",
                    meeting, digits);
    /* The counters are rewritten whole, in a fixed order, after every
     * ballot: read them, add this ballot, delete them all (secure_delete
     * zeroes what they held, and an emptied page starts afresh) and insert
     * them again. Incrementing in place would not do: a count that grows
     * from 1 to 2 takes a byte more, and where SQLite then puts the cell
     * depends on which counter grew first, that is, on the order of the
     * ballots (test_ballot caught it). */
    int nr = domain_count(DOMAIN_RATINGS);
    int64_t *counts = ew_xcalloc((size_t)(n > 0 ? n : 1) * (size_t)nr, sizeof *counts);
    for (int i = 0; rc == EW_OK && i < n; i++)
        for (int j = 0; rc == EW_OK && j < nr; j++)
            rc = db_int(db, err, &counts[i * nr + j], 0,
                        "SELECT count FROM meeting_tally WHERE meeting=? AND subject=? AND "
                        "rating=?",
                        "ttt", meeting, json_string_value(json_array_get(subjects, (size_t)i)),
                        DOMAIN_RATINGS[j].key);
    for (int i = 0; rc == EW_OK && i < n; i++)
        counts[i * nr + domain_index(DOMAIN_RATINGS, ratings[i])]++;
    if (rc == EW_OK)
        rc = db_run(db, err, "DELETE FROM meeting_tally WHERE meeting=?", "t", meeting);
    for (int i = 0; rc == EW_OK && i < n; i++)
        for (int j = 0; rc == EW_OK && j < nr; j++)
            rc = db_run(db, err,
                        "INSERT INTO meeting_tally(meeting,subject,rating,count) VALUES(?,?,?,?)",
                        "ttti", meeting, json_string_value(json_array_get(subjects, (size_t)i)),
                        DOMAIN_RATINGS[j].key, counts[i * nr + j]);
    free(counts);
    json_decref(subjects);
    if (rc == EW_OK)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    /* Into the database file, and the WAL emptied: it held this ballot's
     * pages in the order they were written. */
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return EW_OK;
}

int ballot_cast(sqlite3 *db, const char *meeting, const char *const *ratings, int n, EwErr *err)
{
    return ballot_cast_token(db, meeting, NULL, ratings, n, err);
}
