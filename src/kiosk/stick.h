/*
 * stick.h: the kiosk's side of the USB stick. A stick mounted at the
 * configured `sync.mount` (the appliance mounts it there) is noticed by
 * polling, and synced, or used to enrol this kiosk when it has no
 * certificate yet, on a thread of its own with its own database
 * connection, so the screen keeps answering and shows progress.
 */
#ifndef EW_KIOSK_STICK_H
#define EW_KIOSK_STICK_H

#include <stdint.h>

#include "model.h"

typedef struct Stick Stick;

/* A watcher for the database at db_path and sticks mounted at mount. */
Stick *stick_new(const char *db_path, const char *mount);
/* Waits for a running sync to end, then frees. NULL-safe. */
void stick_free(Stick *s);
/* Polls (at most once a second of real time) and copies the status. */
void stick_poll(Stick *s, StickStatus *out);
/* stick_poll with the Source's signature (ctx is the Stick). */
void stick_poll_cb(void *ctx, StickStatus *out);
/* Holds the watcher back (on 1: no new sync or enrolment starts; one
 * running goes on) or lets it go (0: a stick in by then is taken as synced,
 * so it starts nothing until it is taken out). */
void stick_hold(Stick *s, int on);
/* stick_hold with the Source's signature (ctx is the Stick). */
void stick_hold_cb(void *ctx, int on);
/* 1 when a stick seems present at mount: the folder is a mount point, or
 * is not empty (a test's stand-in folder). */
int stick_present(const char *mount);

#endif
