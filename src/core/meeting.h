/*
 * meeting.h: evening report meetings as the hall opens and closes them.
 *
 * Only a hall device opens a meeting of its own branch and closes it; the
 * office cannot (SYNC.md). While a meeting is open its running tallies are
 * counters in meeting_tally, outside the record log (the evaluation issue
 * casts ballots into them); closing writes one meeting.close record with
 * the final tallies, and folding it deletes the counters (and the ballot
 * slips' tokens, ballot.h).
 *
 * The office may void a meeting, open or closed (meeting.void, with a
 * reason): it is then left out of every result, and the hall that holds
 * its counters and tokens deletes them when it folds the void. Void wins
 * whatever the order: a close that the fold meets after the void (the
 * hall closed before the office's stick came) still records its tallies
 * and day, but the meeting stays void, so every device ends with the same
 * row whichever of the two it folded first.
 */
#ifndef EW_MEETING_H
#define EW_MEETING_H

#include <jansson.h>
#include <sqlite3.h>

#include "ballot.h"
#include "device.h"

#define MEETING_ID_MAX 32

/* subjects: NULL-terminated WHO list ("branch" for the branch itself), or
 * NULL for the branch, its secretary and its micro-grid leaders. cap 0: no
 * cap. day NULL: today. */
int meeting_open(sqlite3 *db, Author *a, const char *hall, const char *topic,
                 const char *const *subjects, int64_t cap, const char *day, int64_t hlc,
                 char id_out[MEETING_ID_MAX], EwErr *err);
/* meeting_open in token mode: also makes ntokens one-time ballot tokens
 * (ballot_tokens_issue), written to tokens[0..ntokens) in ascending order
 * for printing on slips. ntokens 0: no slips (tokens may be NULL). */
int meeting_open_tokens(sqlite3 *db, Author *a, const char *hall, const char *topic,
                        const char *const *subjects, int64_t cap, const char *day, int64_t hlc,
                        int ntokens, BallotToken *tokens, char id_out[MEETING_ID_MAX], EwErr *err);
/* Closes with the counters in meeting_tally. hlc 0: the live close,
 * stamped one logical tick after the newest stamp held and dated today by
 * its day alone (see meeting.c). EW_ESTATE for a voided meeting. */
int meeting_close(sqlite3 *db, Author *a, const char *id, const char *day, int64_t hlc,
                  EwErr *err);
/* Closes with given tallies ({subject: {rating: n}}) and ballots (demo). */
int meeting_close_with(sqlite3 *db, Author *a, const char *id, json_t *tallies, int64_t ballots,
                       const char *day, int64_t hlc, EwErr *err);
/* The office voids meeting id, open or closed, for reason (one non-blank
 * line). EW_EDENIED on a hall; the fold's refusals (no such meeting,
 * already void) as EW_ENOTFOUND / EW_ESTATE. */
int meeting_void(sqlite3 *db, Author *a, const char *id, const char *reason, int64_t hlc,
                 EwErr *err);
/* [{id, hall, topic, opened, closed, status ("open", "closed" or "void"),
 * cap, subjects, ballots, tallies ({subject: {rating: n}} once closed, else
 * null), void_reason (null unless void)}] */
int meeting_list(sqlite3 *db, json_t **out, EwErr *err);

#endif
