/*
 * listcache.h: the office's lists of appeals, and the one pass over the
 * town's appeals they come from, kept between taps.
 *
 * Every list tab shows the sizes of all the lists, so each needs a look at
 * every appeal: on a town of 10,000 appeals that pass (view.c's JSON, then
 * a Card each) takes hundreds of milliseconds. The cache keeps the pass's
 * Cards, each with the lists it is on, and answers a tap from them. It is
 * taken again exactly when what it was made from may have changed:
 *   - the database's data version moved: another connection committed (the
 *     stick's sync thread, echowallctl, another process);
 *   - this connection changed rows (sqlite3_total_changes64: an office
 *     action folded, a roster edit, a setting);
 *   - the device's day moved (db_today: midnight passed, or the office's
 *     confirmed clock changed it), which moves appeals into overdue and
 *     due-this-week.
 * Anything else the lists show is read fresh on every call (the grades'
 * default limits). A change that touches no appeal still drops the cache:
 * it errs towards a new pass, never towards stale rows.
 *
 * Usage: listcache_new() once per database connection, listcache_query()
 * per tap, listcache_free() at the end. Not thread-safe: the screen's
 * thread only.
 */
#ifndef EW_KIOSK_LISTCACHE_H
#define EW_KIOSK_LISTCACHE_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"
#include "model.h"

typedef struct ListCache ListCache;

/* An empty cache over db (borrowed: must outlive it). */
ListCache *listcache_new(sqlite3 *db);
/* NULL-safe. */
void listcache_free(ListCache *c);
/* Fills *out (cards, counts; not limit_days) for q, from the cache when it
 * is current, else after one new pass. EW_EINPUT for a list that does not
 * exist; a database error leaves *out empty and the cache dropped. */
int listcache_query(ListCache *c, const OfficeQuery *q, OfficeList *out, EwErr *err);
/* How many passes over the appeals have been made (tests, the bench). */
long listcache_passes(const ListCache *c);
/* Where a view.c appeal's text stands for the office (TEXT_*). */
int listcache_text_state(json_t *o);

#endif
