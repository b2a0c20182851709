/*
 * runner.h: runs a test script (script.h) against the App on a Display.
 *
 * Taps and drags become the same app events a finger makes; press finds a
 * control in what the last frame drew; wait advances the app's clock (so a
 * 90 s idle timeout takes no real time); a frame is drawn after every step,
 * so expect and press always read the screen as it is.
 */
#ifndef EW_RUNNER_H
#define EW_RUNNER_H

#include <stddef.h>

#include "app.h"
#include "display.h"
#include "script.h"

/* Draws one frame onto the display (and a screenshot to path when not NULL). */
int runner_frame(App *a, Display *d, const char *shot, char *err, size_t errlen);

/* Runs every step. 0 when all passed; -1 with *line and msg for the first
 * failed step. Screenshots go to shotdir (created if missing). */
int runner_run(App *a, Display *d, const Script *s, const char *shotdir, int *line, char *msg,
               size_t msglen);

#endif
