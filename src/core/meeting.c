/*
 * meeting.c: opening, closing and listing meetings (see meeting.h).
 */
#include "meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "code.h"
#include "db.h"
#include "domain.h"
#include "roster.h"

int meeting_open(sqlite3 *db, Author *a, const char *hall, const char *topic,
                 const char *const *subjects, int64_t cap, const char *day, int64_t hlc,
                 char id_out[MEETING_ID_MAX], EwErr *err)
{
    return meeting_open_tokens(db, a, hall, topic, subjects, cap, day, hlc, 0, NULL, id_out, err);
}

int meeting_open_tokens(sqlite3 *db, Author *a, const char *hall, const char *topic,
                        const char *const *subjects, int64_t cap, const char *day, int64_t hlc,
                        int ntokens, BallotToken *tokens, char id_out[MEETING_ID_MAX], EwErr *err)
{
    int64_t d;
    if (!code_hall_valid(hall))
        return ew_err(err, EW_EINPUT, "--hall '%s' is not a hall code like H07", hall ? hall : "");
    if (!topic || ew_blank(topic) || !ew_text_ok(topic, 400) || strchr(topic, '\n'))
        return ew_err(err, EW_EINPUT, "--topic must be one non-blank line of text");
    if (cap < 0)
        return ew_err(err, EW_EINPUT, "--cap must be a positive number");
    if (ntokens < 0 || ntokens > BALLOT_TOKENS_MAX || (ntokens && !tokens))
        return ew_err(err, EW_EINPUT, "--tokens must be a number of ballot slips from 1 to %d",
                      BALLOT_TOKENS_MAX);
    if (day && clock_parse_day(day, &d) != 0)
        return ew_err(err, EW_EINPUT, "date '%s' is not a real YYYY-MM-DD date", day);
    if (strcmp(a->role, "hall") != 0)
        return ew_err(err, EW_EDENIED, "meetings are opened on the hall's kiosk, not the office");
    if (strcmp(a->hall, hall) != 0)
        return ew_err(err, EW_EDENIED, "this kiosk belongs to %s and cannot open a meeting of %s",
                      a->hall, hall);
    json_t *subj = NULL;
    int rc = EW_OK;
    if (subjects) {
        subj = json_array();
        for (int i = 0; subjects[i] && rc == EW_OK; i++) {
            char id[ROSTER_ID_MAX];
            if (strcmp(subjects[i], "branch") == 0) {
                json_array_append_new(subj, json_string("branch"));
                continue;
            }
            rc = roster_find_person(db, subjects[i], NULL, "--subject", id, err);
            if (rc == EW_OK)
                json_array_append_new(subj, json_string(id));
        }
    } else {
        rc = roster_meeting_subjects(db, hall, &subj, err);
    }
    if (rc) {
        json_decref(subj);
        return rc;
    }
    snprintf(id_out, MEETING_ID_MAX, "%s-M%c%lld", hall, a->slot, (long long)a->meeting_next);
    a->meeting_next++;
    json_t *body = json_pack("{s:s,s:s,s:s,s:o}", "id", id_out, "hall", hall, "topic", topic,
                             "subjects", subj);
    if (cap)
        json_object_set_new(body, "cap", json_integer(cap));
    if (day)
        json_object_set_new(body, "day", json_string(day));
    rc = device_author(db, a, hlc, "meeting.open", body, err);
    json_decref(body);
    /* The slips' tokens stay on this kiosk, outside every record. */
    if (rc == EW_OK && ntokens)
        rc = ballot_tokens_issue(db, id_out, ntokens, tokens, err);
    if (rc)
        a->meeting_next--;
    return rc;
}

int meeting_close_with(sqlite3 *db, Author *a, const char *id, json_t *tallies, int64_t ballots,
                       const char *day, int64_t hlc, EwErr *err)
{
    /* The tallies are stamped one logical tick after the newest stamp this
     * device holds (device_author raises hlc 1 past it), never by a fresh
     * clock reading: a clock reading would tell when the last ballot was
     * cast, to the millisecond, and the issue wants nothing finer than the
     * meeting's day stored with a tally. That stamp no longer says the day,
     * so the body carries the day itself, and only the day. */
    char today[11];
    if (hlc == 0) {
        hlc = 1;
        if (!day) {
            clock_format_day(db_today(db), today);
            day = today;
        }
    }
    json_t *body = json_pack("{s:s,s:O,s:I}", "id", id, "tallies", tallies, "ballots",
                             (json_int_t)ballots);
    if (day)
        json_object_set_new(body, "day", json_string(day));
    int rc = device_author(db, a, hlc, "meeting.close", body, err);
    json_decref(body);
    return rc;
}

/* The final count of an open meeting from its counters: {subject: {rating:
 * n}} and the number of ballots (each ballot rates every subject once). */
static json_t *count_tallies(sqlite3 *db, const char *id, json_t *subjects, int64_t *ballots)
{
    json_t *tallies = json_object();
    size_t i;
    json_t *s;
    *ballots = 0;
    json_array_foreach(subjects, i, s) {
        json_t *counts = json_object();
        int64_t total = 0;
        for (const Term *t = DOMAIN_RATINGS; t->key; t++) {
            int64_t n = 0;
            db_int(db, NULL, &n, 0,
                   "SELECT count FROM meeting_tally WHERE meeting=? AND subject=? AND rating=?",
                   "ttt", id, json_string_value(s), t->key);
            json_object_set_new(counts, t->key, json_integer(n));
            total += n;
        }
        if (total > *ballots)
            *ballots = total;
        json_object_set_new(tallies, json_string_value(s), counts);
    }
    return tallies;
}

int meeting_close(sqlite3 *db, Author *a, const char *id, const char *day, int64_t hlc,
                  EwErr *err)
{
    char *subjects = NULL, *status = NULL;
    int rc = db_text(db, err, &subjects, "SELECT subjects FROM meetings WHERE id=?", "t", id);
    if (rc == EW_OK)
        rc = db_text(db, err, &status, "SELECT status FROM meetings WHERE id=?", "t", id);
    if (rc == EW_OK && !subjects)
        rc = ew_err(err, EW_ENOTFOUND, "no meeting %s", id);
    /* Its counters and slips went with the office's void: nothing to count. */
    else if (rc == EW_OK && strcmp(status, "void") == 0)
        rc = ew_err(err, EW_ESTATE, "meeting %s was voided by the office; there is nothing to "
                    "close", id);
    json_t *subj = rc == EW_OK ? json_loads(subjects, 0, NULL) : NULL;
    free(subjects);
    free(status);
    if (rc)
        return rc;
    int64_t ballots;
    json_t *tallies = count_tallies(db, id, subj, &ballots);
    json_decref(subj);
    /* The fold deletes the counters and slips once the close is applied. */
    rc = meeting_close_with(db, a, id, tallies, ballots, day, hlc, err);
    json_decref(tallies);
    return rc;
}

int meeting_void(sqlite3 *db, Author *a, const char *id, const char *reason, int64_t hlc,
                 EwErr *err)
{
    if (!id || !*id)
        return ew_err(err, EW_EINPUT, "missing meeting ID");
    if (!reason || ew_blank(reason) || !ew_text_ok(reason, 400) || strchr(reason, '\n'))
        return ew_err(err, EW_EINPUT, "--reason must be one non-blank line of text");
    if (strcmp(a->role, "office") != 0)
        return ew_err(err, EW_EDENIED, "only the office may void a meeting");
    json_t *body = json_pack("{s:s,s:s}", "id", id, "reason", reason);
    int rc = device_author(db, a, hlc, "meeting.void", body, err);
    json_decref(body);
    return rc;
}

int meeting_list(sqlite3 *db, json_t **out, EwErr *err)
{
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT id, hall, topic, opened_day, closed_day, status, cap, "
                               "subjects, ballots, tallies, void_reason FROM meetings "
                               "ORDER BY opened_day, id",
                               NULL);
    if (!st)
        return EW_EDB;
    json_t *arr = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        char opened[11], closed[11];
        clock_format_day(sqlite3_column_int64(st, 3), opened);
        clock_format_day(sqlite3_column_int64(st, 4), closed);
        json_t *subj = json_loads((const char *)sqlite3_column_text(st, 7), 0, NULL);
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", sqlite3_column_text(st, 0), "hall",
                              sqlite3_column_text(st, 1), "topic", sqlite3_column_text(st, 2),
                              "opened", opened, "status", sqlite3_column_text(st, 5), "subjects",
                              subj ? subj : json_array());
        json_object_set_new(o, "closed", sqlite3_column_type(st, 4) == SQLITE_NULL
                                             ? json_null()
                                             : json_string(closed));
        json_object_set_new(o, "cap", sqlite3_column_type(st, 6) == SQLITE_NULL
                                          ? json_null()
                                          : json_integer(sqlite3_column_int64(st, 6)));
        json_object_set_new(o, "ballots", sqlite3_column_type(st, 8) == SQLITE_NULL
                                              ? json_null()
                                              : json_integer(sqlite3_column_int64(st, 8)));
        /* The closing record's counts per subject and rating, once closed. */
        json_t *tallies = sqlite3_column_type(st, 9) == SQLITE_NULL
                              ? NULL
                              : json_loads((const char *)sqlite3_column_text(st, 9), 0, NULL);
        json_object_set_new(o, "tallies", tallies ? tallies : json_null());
        json_object_set_new(o, "void_reason",
                            sqlite3_column_type(st, 10) == SQLITE_NULL
                                ? json_null()
                                : json_string((const char *)sqlite3_column_text(st, 10)));
        json_array_append_new(arr, o);
    }
    db_done(st);
    *out = arr;
    return EW_OK;
}
