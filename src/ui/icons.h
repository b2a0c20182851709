/*
 * icons.h: the category icons (assets/icons/<category>.png), decoded on a
 * thread of their own while the kiosk starts.
 *
 * SDL2_image decodes them; it is opened (dlopen) on that thread rather than
 * linked, because its TIFF, WebP and JPEG libraries, which the kiosk never
 * uses, were seven of the libraries the dynamic loader mapped and bound at
 * every start, ahead of main. The kiosk starts the decoding first thing
 * (icons_start) and takes the surfaces when it makes the App, after the
 * demo town and the display: decoding sixteen 192x192 icons took 2.9 ms of
 * the start on the main thread (x86_64 VM). A missing library or icon is
 * no failure: cards are drawn without the icon, the category's word is
 * always there.
 */
#ifndef EW_ICONS_H
#define EW_ICONS_H

#include <SDL.h>
#include <stddef.h>

#define ICON_COUNT 16 /* the first 16 of DOMAIN_CATEGORIES */

#ifndef EW_SDL2_IMAGE_SONAME
#define EW_SDL2_IMAGE_SONAME "libSDL2_image-2.0.so.0"
#endif

/* Decodes the icons from assetdir into out (NULL where an icon is missing
 * or unreadable); returns how many were decoded. When SDL2_image cannot be
 * opened or has no PNG support, every entry is NULL and why says so (""
 * otherwise). $ECHOWALL_SDL2_IMAGE_LIBRARY names another file (tests). */
int icons_load(const char *assetdir, SDL_Surface *out[ICON_COUNT], char *why, size_t len);

typedef struct IconLoad IconLoad;
/* Starts icons_load on a thread; NULL when none can start (icons_finish
 * then decodes on the calling thread). assetdir is copied. */
IconLoad *icons_start(const char *assetdir);
/* Waits for the thread and hands over its results as icons_load would;
 * frees l. With l NULL, decodes assetdir here. */
int icons_finish(IconLoad *l, const char *assetdir, SDL_Surface *out[ICON_COUNT], char *why,
                 size_t len);

/* Waits for the thread and frees what it decoded (the App was never made);
 * l may be NULL. */
void icons_drop(IconLoad *l);

/* SDL2_image's IMG_Quit, when it was opened; at the very end. */
void icons_quit(void);

#endif
