/*
 * sourceint.h: what source.c (the hall's Source) shares with office.c (the
 * office station's). Not for anyone else.
 */
#ifndef EW_KIOSK_SOURCEINT_H
#define EW_KIOSK_SOURCEINT_H

#include <jansson.h>
#include <sqlite3.h>

#include "device.h"
#include "ew.h"
#include "model.h"

/* A copy of o's string k, or NULL. */
char *source_dup(json_t *o, const char *k);
/* o's string k into out (n bytes), "" when absent. */
void source_copy(json_t *o, const char *k, char *out, size_t n);
/* A view.c appeal as a Card: the text only once it is on the wall. */
void source_fill_card(Card *c, json_t *o, int64_t today);
/* A view.c appeal with its timeline as a Detail (applied steps only). */
void source_fill_detail(sqlite3 *db, Detail *out, json_t *o);
/* e's message into msg; returns -1. */
int source_fail(char *msg, int msglen, const EwErr *e);

/* One write as this device: begin, its identity, fn, commit (or roll back). */
typedef int (*WriteFn)(sqlite3 *db, Author *self, const void *arg, EwErr *e);
int source_write(sqlite3 *db, WriteFn fn, const void *arg, EwErr *e);

#endif
