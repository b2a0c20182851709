/*
 * demo.h: the demo town, 青石镇.
 *
 * demo_fill() writes a whole town's history into a database as records by
 * its devices (the office and one kiosk per hall), exactly as if they had
 * been synced: 38 branches H01..H38, 135 leading party members, 11
 * responsible leaders, 23 units, 39 closed evaluation meetings and 183
 * appeals of which 162 are solved, over the 240 days before `today`, with a
 * realistic spread of grades, deadlines (some overdue), timelines, answers,
 * publication and satisfaction. The same seed and day give the same records.
 *
 * The database keeps its own identity when it has one (made by init): its
 * device then authors its own role's records. Without one, demo_fill makes
 * the identity of the town's office, or of hall `hall`'s kiosk.
 */
#ifndef EW_DEMO_H
#define EW_DEMO_H

#include <sqlite3.h>

#include "ew.h"

typedef struct DemoSpec {
    uint64_t seed;    /* 0: the default seed (1) */
    const char *hall; /* NULL: seen from the office; else that hall's kiosk */
    int64_t today;    /* CST day number the history ends at; 0: today */
    int appeals;      /* 0: 183 (the bench asks for more) */
    int meetings;     /* 0: 39 */
} DemoSpec;

/* Fills an empty town (EW_ESTATE when the database already holds records).
 * One transaction: on failure nothing is written. */
int demo_fill(sqlite3 *db, const DemoSpec *spec, EwErr *err);

#endif
