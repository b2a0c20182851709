/*
 * canvas.c: the 1-bit receipt bitmap (see canvas.h): growing, rules, blank
 * space, and writing it as a PNG.
 *
 * Rows are allocated in chunks and zeroed as they are added, so an
 * operation only ever sets bits. The PNG is greyscale at one bit a pixel,
 * where 0 is black: the canvas bytes are written inverted.
 */
#include "canvas.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Canvas *canvas_new(int width, EwErr *err)
{
    if (width < 64 || width > 2048 || width % 8 != 0) {
        ew_err(err, EW_EINPUT, "paper width %d dots: must be a multiple of 8 from 64 to 2048 "
                               "(384 for 58 mm paper, 576 for 80 mm)", width);
        return NULL;
    }
    Canvas *c = ew_xcalloc(1, sizeof *c);
    c->width = width;
    c->stride = width / 8;
    return c;
}

void canvas_free(Canvas *c)
{
    if (!c)
        return;
    free(c->bits);
    free(c);
}

int canvas_grow(Canvas *c, int rows, EwErr *err)
{
    if (rows < 0 || rows > CANVAS_MAX_ROWS - c->height)
        return ew_err(err, EW_EINPUT, "the slip would be longer than %d dot rows (%d mm)",
                      CANVAS_MAX_ROWS, CANVAS_MAX_ROWS / 8);
    int first = c->height;
    if (c->height + rows > c->cap) {
        int cap = c->cap ? c->cap : 256;
        while (cap < c->height + rows)
            cap *= 2;
        c->bits = ew_xrealloc(c->bits, (size_t)cap * (size_t)c->stride);
        c->cap = cap;
    }
    memset(c->bits + (size_t)first * (size_t)c->stride, 0, (size_t)rows * (size_t)c->stride);
    c->height += rows;
    return first;
}

int canvas_space(Canvas *c, int rows, EwErr *err)
{
    int rc = canvas_grow(c, rows, err);
    return rc < 0 ? rc : EW_OK;
}

void canvas_set(Canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->width || y >= c->height)
        return;
    c->bits[(size_t)y * (size_t)c->stride + (size_t)(x >> 3)] |= (uint8_t)(0x80u >> (x & 7));
}

int canvas_get(const Canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->width || y >= c->height)
        return 0;
    return (c->bits[(size_t)y * (size_t)c->stride + (size_t)(x >> 3)] >> (7 - (x & 7))) & 1;
}

int canvas_rule(Canvas *c, int thickness, int margin, EwErr *err)
{
    if (thickness < 1 || margin < 0 || 2 * margin >= c->width)
        return ew_err(err, EW_EINPUT, "rule %d dots thick with margins of %d: out of range",
                      thickness, margin);
    int y0 = canvas_grow(c, thickness, err);
    if (y0 < 0)
        return y0;
    for (int y = y0; y < y0 + thickness; y++)
        for (int x = margin; x < c->width - margin; x++)
            canvas_set(c, x, y);
    return EW_OK;
}

int canvas_write_png(const Canvas *c, const char *path, EwErr *err)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return ew_err(err, EW_EIO, "cannot write %s", path);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = ew_xmalloc((size_t)c->stride);
    int rc = EW_OK;
    if (!info) {
        rc = ew_err(err, EW_EIO, "cannot start libpng");
        goto done;
    }
    if (setjmp(png_jmpbuf(png))) {
        rc = ew_err(err, EW_EIO, "cannot write the PNG %s (disk full?)", path);
        goto done;
    }
    int h = c->height > 0 ? c->height : 1;
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)c->width, (png_uint_32)h, 1, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* 203 dpi: 7992 dots per metre, so viewers show the slip at paper size. */
    png_set_pHYs(png, info, 7992, 7992, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        for (int i = 0; i < c->stride; i++)
            row[i] = y < c->height ? (uint8_t) ~c->bits[(size_t)y * (size_t)c->stride + (size_t)i]
                                   : 0xff;
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
done:
    png_destroy_write_struct(&png, info ? &info : NULL);
    free(row);
    if (fclose(fp) != 0 && rc == EW_OK)
        rc = ew_err(err, EW_EIO, "cannot write %s", path);
    if (rc != EW_OK)
        remove(path);
    return rc;
}
