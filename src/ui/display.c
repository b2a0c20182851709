/*
 * display.c: see display.h.
 */
#include "display.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define SHOT_BAND 32 /* rows read back from the renderer at a time */

/* Writes the logical frame as an 8-bit RGB PNG, compressed for speed
 * (screenshots are written in every test and in the bench). The frame is
 * read back a band of rows at a time: a whole 1920x1080 frame would be
 * 8 MB of fresh memory for every screenshot. */
int display_screenshot(Display *d, const char *path, char *err, size_t errlen)
{
    int w = d->log_w, h = d->log_h, pitch = w * 4;
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* volatile: assigned after setjmp and read after a longjmp to it */
    Uint8 *volatile band = malloc((size_t)pitch * SHOT_BAND);
    Uint8 *volatile row = malloc((size_t)w * 3);
    const char *volatile why = "PNG encoding failed";
    if (!png || !info || !band || !row || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(band);
        free(row);
        fclose(f);
        remove(path);
        snprintf(err, errlen, "cannot write %s: %s", path, why);
        return -1;
    }
    png_init_io(png, f);
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y0 = 0; y0 < h; y0 += SHOT_BAND) {
        SDL_Rect r = {0, y0, w, h - y0 < SHOT_BAND ? h - y0 : SHOT_BAND};
        /* RGBA32 is R, G, B, A in memory on any host (SDL's packed formats
         * follow the host's byte order; this alias does not). */
        if (SDL_RenderReadPixels(d->r, &r, SDL_PIXELFORMAT_RGBA32, band, pitch) != 0) {
            why = "cannot read the screen back";
            png_error(png, why);
        }
        for (int y = 0; y < r.h; y++) {
            const Uint8 *src = band + (size_t)y * (size_t)pitch;
            for (int x = 0; x < w; x++) {
                row[3 * x] = src[4 * x];
                row[3 * x + 1] = src[4 * x + 1];
                row[3 * x + 2] = src[4 * x + 2];
            }
            png_write_row(png, row);
        }
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(band);
    free(row);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        remove(path);
        return -1;
    }
    return 0;
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
