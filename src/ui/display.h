/*
 * display.h: the window, the renderer, rotation and screenshots.
 *
 * Fullscreen on the panel (KMSDRM on the Pi), a window of a given size on a
 * desktop, or the offscreen driver with the software renderer for tests
 * and benchmarks. With a rotation the app draws upright into a texture of
 * its logical size, which is turned onto the panel; touches are mapped back
 * (event.c), and screenshots show the logical, upright image.
 */
#ifndef EW_DISPLAY_H
#define EW_DISPLAY_H

#include <SDL.h>
#include <stddef.h>

#include "event.h"

typedef struct DisplaySpec {
    int w, h;       /* window size; 0 = the panel's size (fullscreen) */
    int fullscreen; /* 1 on the appliance */
    int headless;   /* offscreen driver, software renderer */
    int rotation;   /* 0, 90, 180, 270 */
} DisplaySpec;

typedef struct Display {
    SDL_Window *win;
    SDL_Renderer *r;
    SDL_Texture *target; /* the logical frame when rotated, else NULL */
    int log_w, log_h;    /* the app's screen size */
    int rotation;
    EventMap map;        /* for event_from_sdl */
    char driver[32];     /* video driver in use */
} Display;

/* Initialises SDL video and opens the display; -1 with a message. */
int display_open(Display *d, const DisplaySpec *s, char *err, size_t errlen);
void display_close(Display *d);
/* Makes the logical frame the render target (call before drawing). */
void display_begin(Display *d);
/* Writes the logical frame just drawn to path as PNG (before finish). */
int display_screenshot(Display *d, const char *path, char *err, size_t errlen);
/* Puts the frame on the panel. */
void display_finish(Display *d);

#endif
