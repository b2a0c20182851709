/*
 * meeting.h: evening report meetings as the hall opens and closes them.
 *
 * Only a hall device opens a meeting of its own branch and closes it; the
 * office cannot (SYNC.md). While a meeting is open its running tallies are
 * counters in meeting_tally, outside the record log (the evaluation issue
 * casts ballots into them); closing writes one meeting.close record with
 * the final tallies and deletes the counters.
 */
#ifndef EW_MEETING_H
#define EW_MEETING_H

#include <jansson.h>
#include <sqlite3.h>

#include "device.h"

#define MEETING_ID_MAX 32

/* subjects: NULL-terminated WHO list ("branch" for the branch itself), or
 * NULL for the branch, its secretary and its micro-grid leaders. cap 0: no
 * cap. day NULL: today. */
int meeting_open(sqlite3 *db, Author *a, const char *hall, const char *topic,
                 const char *const *subjects, int64_t cap, const char *day, int64_t hlc,
                 char id_out[MEETING_ID_MAX], EwErr *err);
/* Closes with the counters in meeting_tally. */
int meeting_close(sqlite3 *db, Author *a, const char *id, const char *day, int64_t hlc,
                  EwErr *err);
/* Closes with given tallies ({subject: {rating: n}}) and ballots (demo). */
int meeting_close_with(sqlite3 *db, Author *a, const char *id, json_t *tallies, int64_t ballots,
                       const char *day, int64_t hlc, EwErr *err);
/* [{id, hall, topic, opened, closed, status, cap, subjects, ballots, tallies
 * ({subject: {rating: n}} once closed, else null)}] */
int meeting_list(sqlite3 *db, json_t **out, EwErr *err);

#endif
