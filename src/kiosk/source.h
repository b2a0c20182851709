/*
 * source.h: the kiosk's data, read from the core (view.c) into the UI's
 * model (model.h). The only file of the kiosk that knows the database.
 */
#ifndef EW_KIOSK_SOURCE_H
#define EW_KIOSK_SOURCE_H

#include <sqlite3.h>

#include "model.h"

/* Fills src with callbacks reading db (borrowed; must outlive src). */
void source_init(Source *src, sqlite3 *db);

#endif
