/*
 * panel.h: the panel's signal off for the night and back on.
 *
 * The app draws one dark frame when the night begins (screen.night); on the
 * appliance the kiosk then turns the panel off too, through DPMS on every
 * connected connector of the DRM device that SDL's KMSDRM driver opened
 * (SDL has no call of its own for it, and holds the device as its master).
 * A monitor on HDMI goes to standby; a panel whose backlight ignores DPMS
 * still shows the dark frame, which is what keeps the picture from burning
 * in. Other drivers (a desktop window, the offscreen driver) cannot: the
 * dark frame is all there is.
 */
#ifndef EW_PANEL_H
#define EW_PANEL_H

#include <SDL.h>
#include <stddef.h>

/* Turns the panel of win off (on = 0) or on. 0 when done, 1 when this video
 * driver cannot, -1 with a message when the device refused. */
int panel_set_power(SDL_Window *win, int on, char *err, size_t errlen);

#endif
