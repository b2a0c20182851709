/*
 * canvas_qr.c: QR codes on the canvas with libqrencode (see canvas.h).
 *
 * libqrencode picks the smallest version that holds the payload at level
 * M (15 % of the symbol may be lost and it still reads: a thermal slip
 * fades and creases) and splits the payload into numeric, alphanumeric and
 * byte segments itself. Each module is drawn as a square of whole dots, so
 * every module is the same size on paper: a scaled, resampled symbol would
 * have uneven modules that phone cameras read badly.
 */
#include "canvas.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#define QUIET 4      /* quiet zone, in modules, on every side */
#define MIN_MODULE 3 /* dots: below this (0.375 mm) phones struggle */
#define MAX_MODULE 10

int canvas_qr(Canvas *c, const char *payload, int max_dots, int *modules, EwErr *err)
{
    if (!payload || !*payload)
        return ew_err(err, EW_EINPUT, "nothing to put in the QR code");
    if (strlen(payload) > 1000)
        return ew_err(err, EW_EINPUT, "QR payload of %zu bytes: too long for a slip",
                      strlen(payload));
    errno = 0;
    QRcode *qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return ew_err(err, EW_EINPUT, "cannot make a QR code of \"%.60s\": %s", payload,
                      errno ? strerror(errno) : "libqrencode failed");
    int n = qr->width, total = n + 2 * QUIET;
    int limit = max_dots < c->width ? max_dots : c->width;
    int m = limit / total;
    if (m > MAX_MODULE)
        m = MAX_MODULE;
    if (m < MIN_MODULE) {
        QRcode_free(qr);
        return ew_err(err, EW_EINPUT,
                      "the QR code of %zu bytes (%d modules) does not fit in %d dots at %d dots "
                      "a module", strlen(payload), n, limit, MIN_MODULE);
    }
    int y0 = canvas_grow(c, total * m, err);
    if (y0 < 0) {
        QRcode_free(qr);
        return y0;
    }
    int x0 = (c->width - total * m) / 2 + QUIET * m;
    y0 += QUIET * m;
    for (int my = 0; my < n; my++)
        for (int mx = 0; mx < n; mx++) {
            if (!(qr->data[my * n + mx] & 1)) /* bit 0: dark module */
                continue;
            for (int dy = 0; dy < m; dy++)
                for (int dx = 0; dx < m; dx++)
                    canvas_set(c, x0 + mx * m + dx, y0 + my * m + dy);
        }
    QRcode_free(qr);
    if (modules)
        *modules = m;
    return EW_OK;
}
