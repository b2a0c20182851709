/*
 * escpos.c: canvas to ESC/POS bytes (see escpos.h).
 *
 * The canvas rows are already in the raster format GS v 0 expects (MSB =
 * leftmost dot, 1 = print), so each band is its header and a copy of the
 * rows. Numbers in headers are written byte by byte, low byte first, as the
 * command defines them: nothing depends on the host's byte order.
 */
#include "escpos.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void escpos_buf_free(EscBuf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static void put(EscBuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->data = ew_xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

int escpos_encode(const Canvas *c, EscBuf *b, EwErr *err)
{
    if (c->height <= 0)
        return ew_err(err, EW_EINPUT, "nothing to print: the slip is empty");
    static const uint8_t init[] = {0x1B, 0x40};                 /* ESC @ */
    static const uint8_t tail[] = {0x1B, 0x64, ESCPOS_FEED_LINES, /* ESC d n */
                                   0x1D, 0x56, 0x01};           /* GS V 1: partial cut */
    put(b, init, sizeof init);
    for (int y = 0; y < c->height; y += ESCPOS_BAND_ROWS) {
        int rows = c->height - y < ESCPOS_BAND_ROWS ? c->height - y : ESCPOS_BAND_ROWS;
        const uint8_t head[] = {0x1D, 0x76, 0x30, 0x00, /* GS v 0, m = 0: normal size */
                                (uint8_t)(c->stride & 0xFF), (uint8_t)(c->stride >> 8),
                                (uint8_t)(rows & 0xFF), (uint8_t)(rows >> 8)};
        put(b, head, sizeof head);
        put(b, c->bits + (size_t)y * (size_t)c->stride, (size_t)rows * (size_t)c->stride);
    }
    put(b, tail, sizeof tail);
    return EW_OK;
}

int escpos_write_file(const char *path, const uint8_t *bytes, size_t len, EwErr *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return ew_err(err, EW_EIO, "cannot write %s: %s", path, strerror(errno));
    struct stat st;
    int regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    size_t done = 0;
    int rc = EW_OK;
    while (done < len) {
        ssize_t n = write(fd, bytes + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = ew_err(err, EW_EIO, "cannot write %s: %s", path,
                        n < 0 ? strerror(errno) : "no progress");
            break;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0 && rc == EW_OK)
        rc = ew_err(err, EW_EIO, "cannot write %s: %s", path, strerror(errno));
    if (rc != EW_OK && regular)
        unlink(path); /* never a device node given as the output */
    return rc;
}
