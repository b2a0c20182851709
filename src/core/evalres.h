/*
 * evalres.h: evaluation results, from closed meetings' tallies.
 *
 * For each subject: counts per rating, ballots, the excellence rate
 * (优秀 ÷ the ratings other than 不了解) and its rank. A subject rated
 * fewer than min_ratings times (不了解 does not count) has "too few
 * ballots": no rank, no warning. Ranks: highest rate first, ties share
 * a rank (1, 1, 3).
 *
 * The early warning, among the micro-grid leaders of a round (a calendar
 * quarter by default, across all meetings of the town): n ranked leaders,
 * k = floor(0.2 n), at least one when n >= 5; the k lowest rates are
 * flagged, and everyone tied with the k-th lowest too, except when all
 * are tied, then no one.
 */
#ifndef EW_EVALRES_H
#define EW_EVALRES_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

#define EVAL_MIN_RATINGS 5

/* One subject's figures, for the ranking rules. */
typedef struct EvalRow {
    int64_t counts[5];  /* excellent good fair poor unknown */
    double rate;        /* excellence rate, 0..1 (when ranked) */
    int ranked;         /* 1 with at least min_ratings ratings */
    int rank;           /* 1 = best, 0 when not ranked */
    int warning;        /* flagged by the early warning */
} EvalRow;

/* Fills rate, ranked and rank of rows[0..n), and warning when warn. */
void eval_rank(EvalRow *rows, int n, int min_ratings, int warn);

/* A closed meeting's results: a JSON array of {who, name, role, counts,
 * ballots, excellence_rate (null when too few), rank (null), warning
 * (false), too_few}. EW_ENOTFOUND; EW_ESTATE when still open, or voided by
 * the office (the message gives its reason). */
int eval_meeting(sqlite3 *db, const char *id, int min_ratings, json_t **out, EwErr *err);

/* A round's results ("2026Q4"): every subject of the closed meetings held
 * in that quarter (voided ones left out), summed; ranked among subjects of the same role; the
 * warning among micro-grid leaders. EW_EINPUT for a malformed round. */
int eval_round(sqlite3 *db, const char *round, int min_ratings, json_t **out, EwErr *err);

/* One person's results over time, for the office: {who, name, role,
 * meetings: [{meeting, day, topic, hall, role, counts, ballots,
 * excellence_rate, rank, of, too_few}] over the closed, not voided meetings
 * that rated them, oldest first (rank as in eval_meeting, of: the subjects
 * ranked in that meeting), rounds: [{round, counts, ballots,
 * excellence_rate, rank, of, warning, too_few}] for the quarters of those
 * meetings, oldest first (rank and warning as in eval_round, of: the
 * ranked subjects of the same role in the round)}. who is a roster ID
 * (roster_find_person resolves a name); EW_ENOTFOUND when unknown. */
int eval_person(sqlite3 *db, const char *who, int min_ratings, json_t **out, EwErr *err);

#endif
