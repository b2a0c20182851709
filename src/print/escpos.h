/*
 * escpos.h: a canvas as ESC/POS bytes for a receipt printer.
 *
 * A job is: ESC @ (initialise: forget any earlier job's modes), the canvas
 * as raster bit images `GS v 0 m xL xH yL yH d...` in bands of at most
 * ESCPOS_BAND_ROWS rows, ESC d n (print and feed n lines, so the end of the
 * slip clears the cutter that sits above the print head), GS V 1 (partial
 * cut: the slip stays hanging by a thread and does not fall on the floor).
 * The bytes depend on the canvas alone: the same slip gives the same bytes.
 *
 * Why bands of 255 rows: a `GS v 0` image is held whole in the printer's
 * buffer before it prints, and cheap 58 mm printers have small ones (4-8
 * KiB is common; 255 rows of 72 bytes is 18 KiB on 80 mm); some firmwares
 * also read only yL, the low byte of the height. 255 rows keep yH at 0
 * and every band 32 mm long; thermal heads print one dot row at a time, so
 * the seams do not show.
 */
#ifndef EW_PRINT_ESCPOS_H
#define EW_PRINT_ESCPOS_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "ew.h"

#define ESCPOS_BAND_ROWS 255
#define ESCPOS_FEED_LINES 4

/* A growing byte buffer. Zero-initialise it; escpos_buf_free releases it. */
typedef struct EscBuf {
    uint8_t *data; /* len bytes of output (owned) */
    size_t len;
    size_t cap;
} EscBuf;

void escpos_buf_free(EscBuf *b);

/* Appends one whole job for canvas c to b: init, raster bands, feed, cut.
 * Several slips (a batch of ballot tokens) are several calls on one
 * buffer, each slip cut off by itself. EW_EINPUT for an empty canvas. */
int escpos_encode(const Canvas *c, EscBuf *b, EwErr *err);

/* Writes bytes to path (created or truncated; written whole or removed). */
int escpos_write_file(const char *path, const uint8_t *bytes, size_t len, EwErr *err);

#endif
