/*
 * display.c: see display.h.
 */
#include "display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shot.h"

int display_open(Display *d, const DisplaySpec *s, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (s->headless) {
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
        /* Plain memory for the window's pixels: no probing for a GPU (which
         * loads Mesa, slow to start and leaving allocations behind). */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1"); /* the program handles SIGTERM itself */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");  /* a touch is a touch, not also a click */
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot start the display: %s", SDL_GetError());
        return -1;
    }
    snprintf(d->driver, sizeof d->driver, "%s", SDL_GetCurrentVideoDriver());
    int w = s->w, h = s->h;
    Uint32 flags = SDL_WINDOW_SHOWN;
    if (s->fullscreen || w == 0 || h == 0) {
        SDL_DisplayMode mode;
        if (SDL_GetDesktopDisplayMode(0, &mode) == 0) {
            w = mode.w;
            h = mode.h;
        } else {
            w = 1280;
            h = 800;
        }
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    }
    d->win = SDL_CreateWindow("echowall", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!d->win) {
        snprintf(err, errlen, "cannot open a %dx%d window: %s", w, h, SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return -1;
    }
    SDL_GetWindowSize(d->win, &w, &h);
    Uint32 rflags = s->headless ? SDL_RENDERER_SOFTWARE : 0;
    d->r = SDL_CreateRenderer(d->win, -1, rflags | SDL_RENDERER_TARGETTEXTURE);
    if (!d->r && !s->headless) /* no GPU: draw in software */
        d->r = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE | SDL_RENDERER_TARGETTEXTURE);
    if (!d->r) {
        snprintf(err, errlen, "cannot draw on the window: %s", SDL_GetError());
        display_close(d);
        return -1;
    }
    d->rotation = s->rotation;
    d->log_w = s->rotation % 180 ? h : w;
    d->log_h = s->rotation % 180 ? w : h;
    if (s->rotation) {
        d->target = SDL_CreateTexture(d->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                      d->log_w, d->log_h);
        if (!d->target) {
            snprintf(err, errlen, "cannot rotate the screen: %s", SDL_GetError());
            display_close(d);
            return -1;
        }
    }
    d->map.win_w = w;
    d->map.win_h = h;
    d->map.log_w = d->log_w;
    d->map.log_h = d->log_h;
    d->map.rotation = s->rotation;
    d->map.count_fingers = SDL_GetNumTouchFingers;
    if (s->fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    return 0;
}

void display_close(Display *d)
{
    if (d->target)
        SDL_DestroyTexture(d->target);
    if (d->r)
        SDL_DestroyRenderer(d->r);
    if (d->win)
        SDL_DestroyWindow(d->win);
    if (SDL_WasInit(SDL_INIT_VIDEO))
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
    memset(d, 0, sizeof *d);
}

void display_begin(Display *d)
{
    SDL_SetRenderTarget(d->r, d->target);
}

/* shot.c's rows(): the frame read back in the renderer's own 32-bit
 * format where it is one of the two with red, green and blue in the low 24
 * bits of a host-order pixel (offscreen's window is RGB888, a rotated
 * frame's texture ARGB8888), so that SDL copies rows rather than converting
 * pixels; else converted to RGB888 by SDL. */
static int read_rows(void *ctx, int y0, int n, uint32_t *px)
{
    Display *d = ctx;
    Uint32 fmt = d->target ? SDL_PIXELFORMAT_ARGB8888 : SDL_GetWindowPixelFormat(d->win);
    if (fmt != SDL_PIXELFORMAT_ARGB8888 && fmt != SDL_PIXELFORMAT_RGB888)
        fmt = SDL_PIXELFORMAT_RGB888;
    SDL_Rect r = {0, y0, d->log_w, n};
    return SDL_RenderReadPixels(d->r, &r, fmt, px, d->log_w * 4) == 0 ? 0 : -1;
}

int display_screenshot(Display *d, const char *path, char *err, size_t errlen)
{
    return shot_write_png(path, d->log_w, d->log_h, read_rows, d, err, errlen);
}

void display_finish(Display *d)
{
    if (d->target) {
        SDL_SetRenderTarget(d->r, NULL);
        SDL_SetRenderDrawColor(d->r, 0, 0, 0, 255);
        SDL_RenderClear(d->r);
        int pw = d->map.win_w, ph = d->map.win_h;
        SDL_Rect dst = {(pw - d->log_w) / 2, (ph - d->log_h) / 2, d->log_w, d->log_h};
        SDL_RenderCopyEx(d->r, d->target, NULL, &dst, d->rotation, NULL, SDL_FLIP_NONE);
    }
    SDL_RenderPresent(d->r);
}
