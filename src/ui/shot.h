/*
 * shot.h: a frame written as an 8-bit RGB PNG, on two threads.
 *
 * Screenshots are written in every scripted test and in the benchmarks, and
 * at 1920x1080 deflating the image took as long as drawing three frames.
 * Here the image is cut into stripes of SHOT_STRIPE rows, each deflated as
 * a stream of its own: the even stripes on the calling thread, the odd ones
 * at the same time on a helper thread. The stripes' output, one after
 * another under one zlib header and the Adler-32 of the whole, is the PNG's
 * image data, in IDAT chunks written by libpng (a PNG decoder reads one
 * ordinary zlib stream, as pigz's output is one ordinary gzip stream).
 *
 * Pixels come from a callback that fills rows on the calling thread only
 * (SDL's renderer is not to be used from another), so the helper never
 * touches SDL. Without a helper thread (none could be started) every
 * stripe is deflated on the calling thread; the file is the same.
 */
#ifndef EW_SHOT_H
#define EW_SHOT_H

#include <stddef.h>
#include <stdint.h>

#define SHOT_STRIPE 32 /* rows deflated as one stream */

/* Fills rows y0 .. y0+n-1 of the frame into px: n rows of w pixels, pitch
 * 4*w bytes, each pixel a host-order uint32_t 0x..RRGGBB (the top byte is
 * ignored). Returns 0, or -1 when the frame cannot be read. */
typedef int (*ShotRows)(void *ctx, int y0, int n, uint32_t *px);

/* Writes the w x h frame that rows() gives to path. 0 when done; -1 with a
 * message in err, and no file left at path, when the frame cannot be read,
 * memory is short, or the file cannot be written. */
int shot_write_png(const char *path, int w, int h, ShotRows rows, void *ctx, char *err,
                   size_t errlen);

#endif
