/*
 * panel.c: see panel.h.
 *
 * Kept apart from display.c: SDL_syswm.h brings in the X11 headers, whose
 * Display and KeyCode clash with the app's own names.
 */
#include "panel.h"

#include <SDL_syswm.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

/* DPMS on one connector: 1 when set, 0 when it has no such property, -1
 * when the device refused. */
static int connector_dpms(int fd, uint32_t id, int on)
{
    drmModeObjectProperties *props = drmModeObjectGetProperties(fd, id, DRM_MODE_OBJECT_CONNECTOR);
    int rc = 0;
    for (uint32_t i = 0; props && i < props->count_props && rc == 0; i++) {
        drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);
        if (p && strcmp(p->name, "DPMS") == 0)
            rc = drmModeConnectorSetProperty(fd, id, p->prop_id,
                                             on ? DRM_MODE_DPMS_ON : DRM_MODE_DPMS_OFF) == 0
                     ? 1
                     : -1;
        drmModeFreeProperty(p);
    }
    drmModeFreeObjectProperties(props);
    return rc;
}

int panel_set_power(SDL_Window *win, int on, char *err, size_t errlen)
{
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!win || !SDL_GetWindowWMInfo(win, &info) || info.subsystem != SDL_SYSWM_KMSDRM)
        return 1;
#if defined(SDL_VIDEO_DRIVER_KMSDRM)
    int fd = info.info.kmsdrm.drm_fd;
    drmModeRes *res = fd >= 0 ? drmModeGetResources(fd) : NULL;
    if (!res) {
        snprintf(err, errlen, "the screen cannot be turned %s: no DRM resources (%s)",
                 on ? "on" : "off", strerror(errno));
        return -1;
    }
    int set = 0, refused = 0;
    for (int i = 0; i < res->count_connectors; i++) {
        drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);
        if (c && c->connection == DRM_MODE_CONNECTED) {
            int r = connector_dpms(fd, c->connector_id, on);
            set += r > 0;
            refused += r < 0;
        }
        drmModeFreeConnector(c);
    }
    drmModeFreeResources(res);
    if (refused || !set) {
        snprintf(err, errlen, "the screen cannot be turned %s: %s", on ? "on" : "off",
                 refused ? strerror(errno) : "no connected screen has DPMS");
        return -1;
    }
    return 0;
#else
    (void)on;
    (void)err;
    (void)errlen;
    return 1;
#endif
}
