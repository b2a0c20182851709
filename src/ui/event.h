/*
 * event.h: the one place SDL input becomes the app's own events.
 *
 * Mouse and touch both become EV_DOWN/MOVE/UP in logical pixels (the
 * screen as the villager sees it, after any rotation of the panel); only
 * the first finger down counts, and the mouse events SDL synthesises from
 * touches are ignored, so a tap is one tap. Keys and text input become
 * EV_KEY and EV_TEXT; SDL_QUIT becomes EV_QUIT.
 */
#ifndef EW_EVENT_H
#define EW_EVENT_H

#include <SDL.h>

#include "app.h"

typedef struct EventMap {
    int win_w, win_h; /* the window (panel) in pixels */
    int log_w, log_h; /* the app's logical screen */
    int rotation;     /* 0, 90, 180 or 270: how the logical image is turned on the panel */
    SDL_FingerID finger; /* the finger being followed */
    int finger_down;
    /* Fingers down on a touch device now (SDL_GetNumTouchFingers on a live
     * display), or NULL: lets a new finger take over from one whose lift
     * was never reported. */
    int (*count_fingers)(SDL_TouchID touch);
} EventMap;

/* Maps a panel pixel to the logical screen. */
void event_map_point(const EventMap *m, int wx, int wy, int *lx, int *ly);
/* Turns e into *out: 1 when it is an app event, 0 when it is not (ignored). */
int event_from_sdl(const SDL_Event *e, EventMap *m, AppEvent *out);
/* KEY_* for a script's key NAME (Return, BackSpace, ...), KEY_NONE if unknown. */
int event_key_from_name(const char *name);

#endif
