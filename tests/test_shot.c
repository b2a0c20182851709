/*
 * test_shot.c: screenshots written as PNG on two threads (src/ui/shot.c).
 *
 * Every file is read back by libpng's own decoder, an independent reader of
 * the stripes' joined deflate streams, and compared pixel for pixel:
 * - frames of 1x1, a width of 1, heights of one stripe, one row past it, an
 *   odd number of stripes and an even one, up to 1920x1080; flat colour,
 *   gradients and noise (which deflate cannot shrink, the worst case for
 *   the output buffers);
 * - with the helper thread and without it (ECHOWALL_SHOT_THREADS=1) the
 *   files are the same, byte for byte.
 * Failure paths: the frame cannot be read back at the first stripe, at a
 * stripe of the helper's, at the last; a folder that does not exist; a full
 * disk (a link to /dev/full); an empty frame. Each gives a clear message and
 * leaves no file behind.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shot.h"
#include "testutil.h"

enum { FLAT, GRADIENT, NOISE };

typedef struct Frame {
    int w, h, kind;
    int fail_at; /* rows() fails for the stripe starting at this row; -1 never */
    int calls;   /* rows() calls made */
} Frame;

static uint32_t pixel(const Frame *f, int x, int y)
{
    switch (f->kind) {
    case FLAT:
        return 0xFFEEF0F3u;
    case GRADIENT:
        return (uint32_t)(x * 255 / (f->w > 1 ? f->w - 1 : 1)) << 16 |
               (uint32_t)(y * 255 / (f->h > 1 ? f->h - 1 : 1)) << 8 | (uint32_t)((x + y) & 0xFF);
    default: { /* a hash of (x, y): noise, the same every time */
        uint32_t v = (uint32_t)x * 2654435761u ^ (uint32_t)y * 2246822519u;
        v ^= v >> 15;
        v *= 2654435761u;
        return v ^ (v >> 13);
    }
    }
}

static int rows(void *ctx, int y0, int n, uint32_t *px)
{
    Frame *f = ctx;
    f->calls++;
    assert_true(y0 >= 0 && n >= 1 && n <= SHOT_STRIPE && y0 + n <= f->h);
    if (y0 == f->fail_at)
        return -1;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < f->w; x++)
            px[(size_t)y * (size_t)f->w + (size_t)x] = pixel(f, x, y0 + y);
    return 0;
}

/* Writes the frame to path and reads it back with libpng: the same pixels. */
static void write_and_check(const char *path, int w, int h, int kind)
{
    Frame f = {w, h, kind, -1, 0};
    char err[256] = "";
    if (shot_write_png(path, w, h, rows, &f, err, sizeof err) != 0)
        fail_msg("%dx%d: %s", w, h, err);
    assert_int_equal(f.calls, (h + SHOT_STRIPE - 1) / SHOT_STRIPE);
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path))
        fail_msg("%dx%d: libpng cannot read it: %s", w, h, im.message);
    assert_int_equal(im.width, w);
    assert_int_equal(im.height, h);
    assert_int_equal(im.format, PNG_FORMAT_RGB);
    unsigned char *got = malloc(PNG_IMAGE_SIZE(im));
    assert_non_null(got);
    if (!png_image_finish_read(&im, NULL, got, 0, NULL))
        fail_msg("%dx%d: libpng cannot decode it: %s", w, h, im.message);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t want = pixel(&f, x, y);
            const unsigned char *p = got + ((size_t)y * (size_t)w + (size_t)x) * 3;
            if (p[0] != (uint8_t)(want >> 16) || p[1] != (uint8_t)(want >> 8) ||
                p[2] != (uint8_t)want)
                fail_msg("%dx%d kind %d: pixel (%d,%d) is %02x%02x%02x, not %06x", w, h, kind, x,
                         y, p[0], p[1], p[2], (unsigned)(want & 0xFFFFFF));
        }
    free(got);
}

static void test_sizes(void **state)
{
    (void)state;
    static const int sizes[][2] = {
        {1, 1}, {1, 100}, {5, SHOT_STRIPE}, {7, SHOT_STRIPE + 1}, {33, 3 * SHOT_STRIPE},
        {64, 4 * SHOT_STRIPE}, {100, 65}, {800, 480}, {1080, 1920}, {1920, 1080},
    };
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "shot.png");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int kind = FLAT; kind <= NOISE; kind++)
            write_and_check(path, sizes[i][0], sizes[i][1], kind);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_one_thread_same_file(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *two = tu_path(dir, "two.png");
    char *one = tu_path(dir, "one.png");
    for (int kind = FLAT; kind <= NOISE; kind++) {
        write_and_check(two, 1920, 1080, kind);
        setenv("ECHOWALL_SHOT_THREADS", "1", 1);
        write_and_check(one, 1920, 1080, kind);
        unsetenv("ECHOWALL_SHOT_THREADS");
        assert_true(tu_same_file(one, two));
    }
    free(one);
    free(two);
    tu_rmdir(dir);
    free(dir);
}

static void expect_failure(const char *path, int w, int h, int fail_at, const char *in_msg)
{
    Frame f = {w, h, GRADIENT, fail_at, 0};
    char err[256] = "";
    assert_int_equal(shot_write_png(path, w, h, rows, &f, err, sizeof err), -1);
    if (!strstr(err, in_msg) || !strstr(err, path))
        fail_msg("message \"%s\" does not name %s and say \"%s\"", err, path, in_msg);
    struct stat st;
    if (lstat(path, &st) == 0)
        fail_msg("%s left behind after: %s", path, err);
}

static void test_failures(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "shot.png");
    /* The frame cannot be read back: at the first stripe, at the second
     * (the helper's), at the last of an odd number. */
    expect_failure(path, 200, 10 * SHOT_STRIPE, 0, "cannot read the screen back");
    expect_failure(path, 200, 10 * SHOT_STRIPE, SHOT_STRIPE, "cannot read the screen back");
    expect_failure(path, 200, 9 * SHOT_STRIPE, 8 * SHOT_STRIPE, "cannot read the screen back");
    setenv("ECHOWALL_SHOT_THREADS", "1", 1);
    expect_failure(path, 200, 10 * SHOT_STRIPE, 3 * SHOT_STRIPE, "cannot read the screen back");
    unsetenv("ECHOWALL_SHOT_THREADS");
    /* A folder that is not there. */
    char *nowhere = tu_path(dir, "nowhere/shot.png");
    expect_failure(nowhere, 200, 100, -1, strerror(ENOENT));
    /* A full disk: writes to /dev/full fail with ENOSPC; the link is what
     * is removed, never the device. */
    char *full = tu_path(dir, "full.png");
    assert_int_equal(symlink("/dev/full", full), 0);
    expect_failure(full, 1920, 1080, -1, strerror(ENOSPC));
    struct stat st;
    assert_int_equal(stat("/dev/full", &st), 0);
    /* An empty frame. */
    expect_failure(path, 0, 100, -1, "empty");
    expect_failure(path, 100, 0, -1, "empty");
    free(full);
    free(nowhere);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_one_thread_same_file),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
