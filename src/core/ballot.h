/*
 * ballot.h: villagers' anonymous ballots at an open evaluation meeting.
 *
 * A ballot rates every subject of the meeting (the branch, its secretary,
 * its micro-grid leaders...) with one of 优秀 良好 一般 差 不了解, and counts
 * whole or not at all. While the meeting is open the hall keeps only one
 * counter per subject and rating (meeting_tally), never a row per ballot:
 * every ballot rewrites all the counters together, in a fixed order (an
 * increment in place would move a growing cell depending on which counter
 * grew first); secure_delete is on and the
 * WAL is checkpointed and truncated after every ballot, so neither the
 * database file nor its WAL holds anything that orders the ballots or dates
 * them finer than the meeting's day. Closing the meeting (meeting.h) turns
 * the counters into one record.
 */
#ifndef EW_BALLOT_H
#define EW_BALLOT_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

/* The open meeting of hall for a ballot: {"id", "topic", "cap" (0: none),
 * "ballots" (cast so far), "subjects": [{"who", "name", "role"}]} (role is
 * "branch" for the branch itself, else a DOMAIN_ROLES key). EW_ENOTFOUND
 * when the hall has no open meeting. *out: caller json_decref's. */
int ballot_meeting(sqlite3 *db, const char *hall, json_t **out, EwErr *err);

/* Casts one whole ballot: ratings[i] (a DOMAIN_RATINGS key) for the
 * meeting's i-th subject, n of them. Its own transaction (call it outside
 * one). EW_ENOTFOUND: no such open meeting; EW_EINPUT: wrong count or an
 * unknown rating; EW_ESTATE: the cap is reached. Nothing is counted on an
 * error. */
int ballot_cast(sqlite3 *db, const char *meeting, const char *const *ratings, int n, EwErr *err);

#endif
