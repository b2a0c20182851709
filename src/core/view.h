/*
 * view.h: appeals as the programs show them, read from the derived tables.
 *
 * An appeal's JSON object has: code, hall, hall_name, grid, category
 * (key), category_zh, text (null once purged), published, grade (or null),
 * status, member, leader, unit (names or null), member_id, leader_id,
 * unit_id, created, graded, due (YYYY-MM-DD or null), overdue_days (days
 * past due while unsolved, else 0), solved, answer, satisfaction
 * (satisfied/unsatisfied/null), source, ledger_no and timeline (each step:
 * day, kind, by, hall, applied, refusal, and its grade, assignment (ids and
 * member_name, leader_name, unit_name as the roster has them now) or text).
 * The private contact and the rating code's hash are never in it.
 */
#ifndef EW_VIEW_H
#define EW_VIEW_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

typedef struct AppealFilter {
    const char *hall;   /* hall code or NULL */
    const char *grade;  /* green|blue|orange|none or NULL */
    const char *status; /* a status key or NULL */
    int overdue;        /* only unsolved appeals past their due date */
    int timeline;       /* include each appeal's timeline */
    int limit;          /* at most this many (the newest), 0: all */
} AppealFilter;

/* Called with each appeal (borrowed: copy what you keep); nonzero stops. */
typedef int (*AppealFn)(void *ctx, json_t *appeal);

/* One appeal by canonical code; EW_ENOTFOUND when absent. */
int view_appeal(sqlite3 *db, const char *code, json_t **out, EwErr *err);
/* A JSON array of the appeals matching f, newest first. */
int view_appeals(sqlite3 *db, const AppealFilter *f, json_t **out, EwErr *err);
/* The same appeals one at a time, never all in memory as JSON (the kiosk's
 * wall of 10,000). */
int view_appeals_each(sqlite3 *db, const AppealFilter *f, AppealFn fn, void *ctx, EwErr *err);
/* Town figures: branches, meetings, appeals, leading_members, leaders,
 * units, solved, overdue, by_grade, by_status, town, last_office_sync
 * ("YYYY-MM-DD HH:MM" CST of the last stick that brought the office's
 * bundle, or null). */
int view_stats(sqlite3 *db, json_t **out, EwErr *err);

#endif
