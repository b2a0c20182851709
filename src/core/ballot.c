/*
 * ballot.c: casting ballots into an open meeting's counters (see ballot.h).
 */
#include "ballot.h"

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
    if (rc == EW_OK)
        rc = open_meeting(db, id, &subjects, &cap, err);
    if (rc == EW_OK)
        rc = db_text(db, err, &topic, "SELECT topic FROM meetings WHERE id=?", "t", id);
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
        *out = json_pack("{s:s,s:s,s:I,s:I,s:o}", "id", id, "topic", topic ? topic : "", "cap",
                         (json_int_t)cap, "ballots", (json_int_t)cast_so_far(db, id, subjects),
                         "subjects", list);
    }
    json_decref(subjects);
    free(id);
    free(topic);
    return rc;
}

int ballot_cast(sqlite3 *db, const char *meeting, const char *const *ratings, int n, EwErr *err)
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
