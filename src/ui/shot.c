/*
 * shot.c: see shot.h.
 *
 * The stripes go two at a time: this thread reads stripe 2k and 2k+1 back
 * (rows(): SDL's renderer is used from this thread only), hands 2k+1 to the
 * helper, filters (a 0 "None" filter byte, then R, G, B, for every row) and
 * deflates 2k itself while the helper does the same with 2k+1, waits for
 * the helper, and writes both. Each stripe is a raw deflate stream of its own,
 * started afresh (no dictionary from the stripe above: measured on the demo
 * wall, the file comes out no larger) and ended by a sync flush, which
 * leaves it on a byte boundary with no final block, so the next one simply
 * follows; the last stripe ends with Z_FINISH. Ahead of the first goes the
 * two-byte zlib header, after the last the Adler-32 of all the filtered
 * rows, which zlib's adler32_combine makes from the stripes' own.
 *
 * Measured on the demo wall at 1920x1080 (x86_64 VM, 2 cores): deflating
 * took 15 ms of the 26 ms the screenshot took on one thread.
 */
#include "shot.h"

#include <errno.h>
#include <png.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* One stripe: rows read back, filtered, and deflated. */
typedef struct Stripe {
    uint32_t *px;     /* rows() fills up to SHOT_STRIPE rows of w pixels here */
    int rows;         /* rows in px */
    uint8_t *raw;     /* the filtered rows: up to SHOT_STRIPE rows of 1 + 3w bytes */
    size_t len;       /* bytes used in raw */
    int first, last;  /* the image's first stripe (header ahead), last (Z_FINISH) */
    uint8_t *out;     /* zlib header (first), deflate output, Adler-32 (last) */
    size_t out_cap;   /* bytes allocated at out */
    size_t out_len;   /* bytes written at out */
    uLong adler;      /* Adler-32 of raw[0..len) */
    int failed;       /* deflate did not finish it */
} Stripe;

typedef struct Shot {
    int w;
    Stripe st[2];         /* [0] deflated here, [1] by the helper */
    z_stream z[2];        /* one stream each, reset for every stripe */
    int z_ok[2];          /* z[i] initialised */
    pthread_t helper;
    int have_helper;      /* the thread runs */
    pthread_mutex_t lock; /* guards posted and quit */
    pthread_cond_t cv;    /* posted or quit changed */
    int posted;           /* st[1] waits for the helper or is being deflated */
    int quit;             /* the helper ends once nothing is posted */
    FILE *f;              /* the file being written */
    int write_err;        /* errno of the first failed write, 0 while none */
} Shot;

/* Filters s's rows into its raw bytes and deflates them with z (see the
 * top of the file). */
static void deflate_stripe(int w, z_stream *z, Stripe *s)
{
    uint8_t *o = s->raw;
    for (int r = 0; r < s->rows; r++) {
        const uint32_t *p = s->px + (size_t)r * (size_t)w;
        *o++ = 0; /* filter: None */
        for (int x = 0; x < w; x++) {
            *o++ = (uint8_t)(p[x] >> 16);
            *o++ = (uint8_t)(p[x] >> 8);
            *o++ = (uint8_t)p[x];
        }
    }
    s->len = (size_t)(o - s->raw);
    size_t pre = s->first ? 2 : 0;
    s->adler = adler32(1L, s->raw, (uInt)s->len);
    deflateReset(z);
    z->next_in = s->raw;
    z->avail_in = (uInt)s->len;
    z->next_out = s->out + pre;
    z->avail_out = (uInt)(s->out_cap - pre - 4); /* room for the Adler-32 */
    int rc = deflate(z, s->last ? Z_FINISH : Z_SYNC_FLUSH);
    s->failed = z->avail_in != 0 || (s->last ? rc != Z_STREAM_END : rc != Z_OK || z->avail_out == 0);
    s->out_len = (size_t)(z->next_out - s->out);
}

static void *helper_run(void *arg)
{
    Shot *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->posted && !s->quit)
            pthread_cond_wait(&s->cv, &s->lock);
        if (!s->posted)
            break;
        pthread_mutex_unlock(&s->lock);
        deflate_stripe(s->w, &s->z[1], &s->st[1]);
        pthread_mutex_lock(&s->lock);
        s->posted = 0;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Has st[1] deflated: by the helper (call wait_helper before touching it
 * again), else here. */
static void post(Shot *s)
{
    if (!s->have_helper) {
        deflate_stripe(s->w, &s->z[1], &s->st[1]);
        return;
    }
    pthread_mutex_lock(&s->lock);
    s->posted = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->lock);
}

static void wait_helper(Shot *s)
{
    if (!s->have_helper)
        return;
    pthread_mutex_lock(&s->lock);
    while (s->posted)
        pthread_cond_wait(&s->cv, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

static void shot_free(Shot *s)
{
    if (!s)
        return;
    if (s->have_helper) {
        pthread_mutex_lock(&s->lock);
        s->quit = 1;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->helper, NULL);
    }
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->lock);
    for (int i = 0; i < 2; i++) {
        if (s->z_ok[i])
            deflateEnd(&s->z[i]);
        free(s->st[i].px);
        free(s->st[i].raw);
        free(s->st[i].out);
    }
    free(s);
}

/* NULL when memory is short. A helper thread that cannot be started is no
 * failure: everything is then deflated here, into the same file. */
static Shot *shot_new(int w)
{
    Shot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->w = w;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cv, NULL);
    size_t raw = (size_t)SHOT_STRIPE * (1 + 3 * (size_t)w);
    int ok = 1;
    for (int i = 0; ok && i < 2; i++) {
        s->z_ok[i] = deflateInit2(&s->z[i], 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
        /* deflateBound assumes one Z_FINISH; a sync flush adds an empty
         * stored block (5 bytes); then the header and the Adler-32 */
        s->st[i].out_cap = s->z_ok[i] ? deflateBound(&s->z[i], (uLong)raw) + 16 + 2 + 4 : 0;
        s->st[i].px = malloc((size_t)SHOT_STRIPE * 4 * (size_t)w);
        s->st[i].raw = malloc(raw);
        s->st[i].out = malloc(s->st[i].out_cap);
        ok = s->z_ok[i] && s->st[i].px && s->st[i].raw && s->st[i].out;
    }
    if (!ok) {
        shot_free(s);
        return NULL;
    }
    /* ECHOWALL_SHOT_THREADS=1: no helper (the tests compare the files, the
     * benchmarks the times) */
    const char *threads = getenv("ECHOWALL_SHOT_THREADS");
    if (!threads || strcmp(threads, "1") != 0)
        s->have_helper = pthread_create(&s->helper, NULL, helper_run, s) == 0;
    return s;
}

/* Reads rows y .. y+n-1 into st (filtered by deflate_stripe); -1 when
 * rows() fails. */
static int fill(Stripe *st, ShotRows rows, void *ctx, int y, int n, int h)
{
    if (rows(ctx, y, n, st->px) != 0)
        return -1;
    st->rows = n;
    st->first = y == 0;
    st->last = y + n == h;
    if (st->first) { /* zlib's header: deflate, 32 KB window, fastest level */
        st->out[0] = 0x78;
        st->out[1] = 0x01; /* (0x78 * 256 + 0x01) % 31 == 0, as the format asks */
    }
    return 0;
}

/* libpng's writes: a failure's errno is kept (in the Shot, which outlives
 * the longjmp) for the message. */
static void write_cb(png_structp png, png_bytep data, size_t len)
{
    Shot *s = png_get_io_ptr(png);
    if (fwrite(data, 1, len, s->f) != len) {
        s->write_err = errno ? errno : EIO;
        png_error(png, "write failed");
    }
}

static void flush_cb(png_structp png)
{
    (void)png;
}

/* libpng's errors end in the longjmp to shot_write_png, whose message
 * says what failed; nothing is printed. */
static void png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void put_be32(uint8_t *p, uLong v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int shot_write_png(const char *path, int w, int h, ShotRows rows, void *ctx, char *err,
                   size_t errlen)
{
    if (w <= 0 || h <= 0) {
        snprintf(err, errlen, "cannot write %s: the frame is empty", path);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    Shot *volatile s = shot_new(w); /* volatile: read after a longjmp */
    png_structp png = s ? png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_warn) : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* volatile: assigned after setjmp and read after a longjmp to it */
    const char *volatile why = "out of memory";
    if (!info || setjmp(png_jmpbuf(png))) {
        int werr = s ? s->write_err : 0;
        png_destroy_write_struct(&png, &info);
        shot_free(s); /* waits for the helper */
        fclose(f);
        remove(path);
        snprintf(err, errlen, "cannot write %s: %s", path, werr ? strerror(werr) : why);
        return -1;
    }
    why = "PNG encoding failed";
    s->f = f;
    png_set_write_fn(png, s, write_cb, flush_cb);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    uLong adler = adler32(0L, NULL, 0);
    for (int y = 0; y < h;) {
        int n0 = h - y < SHOT_STRIPE ? h - y : SHOT_STRIPE;
        if (fill(&s->st[0], rows, ctx, y, n0, h) != 0) {
            why = "cannot read the screen back";
            png_error(png, why);
        }
        y += n0;
        int two = y < h;
        if (two) {
            int n1 = h - y < SHOT_STRIPE ? h - y : SHOT_STRIPE;
            if (fill(&s->st[1], rows, ctx, y, n1, h) != 0) {
                why = "cannot read the screen back";
                png_error(png, why);
            }
            y += n1;
            post(s);
        }
        deflate_stripe(s->w, &s->z[0], &s->st[0]);
        wait_helper(s); /* before anything can longjmp out */
        for (int i = 0; i < 1 + two; i++) {
            Stripe *st = &s->st[i];
            if (st->failed)
                png_error(png, why);
            adler = adler32_combine(adler, st->adler, (z_off_t)st->len);
            if (st->last) {
                put_be32(st->out + st->out_len, adler);
                st->out_len += 4;
            }
            png_write_chunk(png, (png_const_bytep) "IDAT", st->out, st->out_len);
        }
    }
    png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
    png_destroy_write_struct(&png, &info);
    shot_free(s);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        remove(path);
        return -1;
    }
    return 0;
}
