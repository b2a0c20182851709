/*
 * synclock.h: the town's time, carried by sticks (SYNC.md "Clock").
 *
 * Order never depends on wall time (records carry HLC stamps), but dates,
 * deadlines and "days overdue" do. The office's clock is the town's truth:
 * it has a real-time clock, and its time counts as confirmed unless it went
 * backwards or jumped more than 30 days ahead since the office last used
 * it; then staff confirm the date (`echowallctl clock confirm`). Office
 * manifests carry {"wall", "confirmed"}. A kiosk has no real-time clock: it
 * adopts a confirmed office time that is later than its own, as an offset
 * (local_config clock.offset_ms, read by db_now_ms), but never one more than
 * 7 days ahead of the last confirmed office time it knows; that is
 * reported instead.
 */
#ifndef EW_SYNCLOCK_H
#define EW_SYNCLOCK_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

#define SYNCLOCK_JUMP_MS (30LL * 86400 * 1000)   /* office: a jump to confirm */
#define SYNCLOCK_AHEAD_MS (7LL * 86400 * 1000)   /* kiosk: the most it adopts ahead */

/* Office: the office_time object for a manifest; also remembers now as the
 * last time seen when it is confirmed. Caller decrefs. */
json_t *synclock_office_time(sqlite3 *db, EwErr *err);
/* Office: staff confirm that the clock is right now. */
int synclock_confirm(sqlite3 *db, EwErr *err);
/* Hall: considers an office manifest's office_time; adds what it did to
 * report ("clock": {"adopted": ms ahead} or {"refused": reason}). */
int synclock_adopt(sqlite3 *db, json_t *office_time, json_t *report, EwErr *err);
/* The clock as this device sees it: {now, offset_ms, office_confirmed,
 * last_office_time, role}. */
int synclock_state(sqlite3 *db, json_t **out, EwErr *err);

#endif
