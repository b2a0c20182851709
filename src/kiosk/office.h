/*
 * office.h: the town office station's data for the screens (model.h's
 * office_* callbacks), over the core.
 */
#ifndef EW_KIOSK_OFFICE_H
#define EW_KIOSK_OFFICE_H

#include <sqlite3.h>

#include "model.h"

typedef struct Office Office;

/* The office's state over db (borrowed; must outlive it); exports go to
 * the stick mounted at mount (NULL: none). */
Office *office_new(sqlite3 *db, const char *mount);
void office_free(Office *o);
/* How many passes over the appeals the lists have made (a list tab
 * answered from the kept pass makes none): tests and the bench. */
long office_list_passes(const Office *of);
/* Fills src's office_* callbacks with of's. */
void office_source_init(Source *src, Office *of);

#endif
