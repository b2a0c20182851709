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
 *
 * Ballot slips (optional, meeting_open_tokens): the hall may print one
 * slip per villager, each with a one-time token of 8 random digits, and the
 * meeting then counts a ballot only with an unused token ("token mode").
 * The tokens live in ballot_tokens, outside the record log, with one flag
 * each: used, never who, when or which ballot. A ballot flips its token's
 * flag from 0 to 1 in place in the same transaction as the counters (both
 * values are stored in the record header alone, so the row keeps its size
 * and its place); nothing links the token to the ratings. Closing or
 * voiding the meeting deletes its tokens, zeroed on disk (secure_delete).
 */
#ifndef EW_BALLOT_H
#define EW_BALLOT_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

/* The open meeting of hall for a ballot: {"id", "topic", "cap" (0: none),
 * "ballots" (cast so far), "tokens" (true in token mode: ask for the slip
 * first), "subjects": [{"who", "name", "role"}]} (role is
 * "branch" for the branch itself, else a DOMAIN_ROLES key). EW_ENOTFOUND
 * when the hall has no open meeting. *out: caller json_decref's. */
int ballot_meeting(sqlite3 *db, const char *hall, json_t **out, EwErr *err);

#define BALLOT_TOKEN_DIGITS 8
#define BALLOT_TOKENS_MAX 5000 /* slips one meeting may print */

/* One ballot slip's token: 8 digits and a NUL. */
typedef struct BallotToken {
    char digits[BALLOT_TOKEN_DIGITS + 1];
} BallotToken;

/* Casts one whole ballot: ratings[i] (a DOMAIN_RATINGS key) for the
 * meeting's i-th subject, n of them, with the slip's token in token mode
 * (as typed or scanned: see ballot_token_normalize) and NULL otherwise. Its
 * own transaction (call it outside one); the token is spent in it. Errors,
 * with nothing counted and no token spent:
 *  - EW_ENOTFOUND: no such open meeting;
 *  - EW_EINPUT: wrong count, an unknown rating, a token that is not 8
 *    digits, or a token for a meeting without slips;
 *  - EW_EDENIED: token mode and no token, or a token already used or not
 *    one of this meeting's (the message says which);
 *  - EW_ESTATE: the cap is reached. */
int ballot_cast_token(sqlite3 *db, const char *meeting, const char *token,
                      const char *const *ratings, int n, EwErr *err);
/* ballot_cast_token without a token: for meetings without slips (a
 * meeting in token mode refuses it with EW_EDENIED). */
int ballot_cast(sqlite3 *db, const char *meeting, const char *const *ratings, int n, EwErr *err);

/* Reads a token as a person types it or a scanner reads a slip's QR code:
 * spaces and dashes are dropped ("1234 5678", "1234-5678"), and a QR
 * payload may end with the digits after its last '/' or '='
 * (".../b/12345678", "t=12345678"). out: the 8 digits. EW_EINPUT when
 * what is left is not 8 digits. */
int ballot_token_normalize(const char *typed, char out[BALLOT_TOKEN_DIGITS + 1], EwErr *err);

/* Makes n tokens (1..BALLOT_TOKENS_MAX), unique within the meeting, from
 * libsodium's random numbers, and stores them unused; out[0..n) gets them
 * in ascending order (to print). In the caller's transaction, right after
 * the meeting is opened. EW_EINPUT for a bad n. */
int ballot_tokens_issue(sqlite3 *db, const char *meeting, int n, BallotToken *out, EwErr *err);

/* Whether a slip's token may vote now, without spending it: EW_OK unused;
 * EW_EDENIED used, or not one of this meeting's (a kind message for the
 * villager); EW_EINPUT not 8 digits; EW_ENOTFOUND no such open meeting;
 * EW_ESTATE the meeting takes no slips. */
int ballot_token_check(sqlite3 *db, const char *meeting, const char *token, EwErr *err);

#endif
