/*
 * test_print.c: the receipt canvas, its text and QR codes, the two slips,
 * their PNG pictures and their ESC/POS bytes (src/print).
 *
 * Everything printed is read back by independent readers: PNGs with
 * libpng's simplified reader, ESC/POS bytes with a small decoder written
 * here from the command reference (ESC @, GS v 0 m xL xH yL yH d..., ESC d
 * n, GS V m), QR codes with zbar. Each slip at 384 and 576 dots: its QR
 * holds exactly the tracking URL or the 8 token digits, read from the PNG
 * and from the image decoded out of the printer bytes; the bands' headers
 * say width/8 bytes and at most 255 rows; the raster bytes are the canvas
 * bits; the job ends with a feed and a partial cut; the same slip gives
 * the same bytes twice.
 *
 * Set ECHOWALL_PRINT_KEEP to a folder to keep the slips' PNGs there.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>

#include "canvas.h"
#include "escpos.h"
#include "print.h"
#include "slip.h"
#include "testutil.h"

static PrintFonts *fonts;
static char *tmp;

static const AppealSlip APPEAL = {
    .hall = "城关镇东风村党群服务中心",
    .date = "2025-03-14",
    .code = "H07-A3K9Q",
    .category = "道路交通",
    .text = "村口到小学的路灯坏了三个多月，晚上孩子放学很不安全，希望尽快修好。\n第二行不印。",
    .url = "https://town.example/a/H07-A3K9Q",
    .rating_code = "482913",
};

static const TokenSlip TOKEN = {
    .hall = "城关镇东风村党群服务中心",
    .topic = "2025年第一季度党员干部述职评议会",
    .date = "2025-03-14",
    .token = "48210937",
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- independent readers ---- */

/* A picture as 8-bit grey, 0 = black. */
typedef struct Grey {
    int w, h;
    uint8_t *px;
} Grey;

static Grey read_png(const char *path)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&im, path));
    im.format = PNG_FORMAT_GRAY;
    Grey g = {(int)im.width, (int)im.height, malloc(PNG_IMAGE_SIZE(im))};
    assert_true(png_image_finish_read(&im, NULL, g.px, 0, NULL));
    return g;
}

static Grey grey_of_bits(int width, int height, const uint8_t *bits)
{
    Grey g = {width, height, malloc((size_t)width * (size_t)height)};
    int stride = width / 8;
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            g.px[(size_t)y * (size_t)width + (size_t)x] =
                (bits[(size_t)y * (size_t)stride + (size_t)(x / 8)] >> (7 - x % 8)) & 1 ? 0 : 255;
    return g;
}

/* The data of every QR code zbar finds in g, joined by '|' (malloc'd). */
static char *zbar_read(const Grey *g)
{
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)g->w, (unsigned)g->h);
    zbar_image_set_data(img, g->px, (unsigned long)g->w * (unsigned long)g->h, NULL);
    zbar_scan_image(sc, img);
    char *out = calloc(1, 1);
    for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
        assert_int_equal(zbar_symbol_get_type(s), ZBAR_QRCODE);
        const char *d = zbar_symbol_get_data(s);
        size_t n = strlen(out);
        out = realloc(out, n + strlen(d) + 2);
        sprintf(out + n, "%s%s", n ? "|" : "", d);
    }
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(sc);
    return out;
}

/* ESC/POS bytes decoded back: the jobs' raster images one under another. */
typedef struct Job {
    int width;       /* dots, from xL xH */
    int height;      /* rows, all bands */
    uint8_t *bits;   /* the raster bytes */
    int bands;
    int feed;        /* n of ESC d n */
} Job;

/* Decodes one job at b[*pos]: ESC @, GS v 0 bands, ESC d n, GS V 1. */
static void decode_job(const uint8_t *b, size_t len, size_t *pos, Job *j)
{
    size_t i = *pos;
    memset(j, 0, sizeof *j);
    assert_true(i + 2 <= len);
    assert_int_equal(b[i], 0x1B);
    assert_int_equal(b[i + 1], 0x40);
    i += 2;
    for (;;) {
        assert_true(i + 3 <= len);
        if (b[i] == 0x1D && b[i + 1] == 0x76 && b[i + 2] == 0x30) {
            assert_true(i + 8 <= len);
            assert_int_equal(b[i + 3], 0); /* m: normal density */
            int bytes = b[i + 4] | b[i + 5] << 8, rows = b[i + 6] | b[i + 7] << 8;
            assert_true(rows >= 1 && rows <= 255);
            if (j->bands == 0)
                j->width = bytes * 8;
            assert_int_equal(bytes * 8, j->width);
            i += 8;
            size_t n = (size_t)bytes * (size_t)rows;
            assert_true(i + n <= len);
            j->bits = realloc(j->bits, (size_t)(j->height + rows) * (size_t)bytes);
            memcpy(j->bits + (size_t)j->height * (size_t)bytes, b + i, n);
            j->height += rows;
            j->bands++;
            i += n;
        } else if (b[i] == 0x1B && b[i + 1] == 0x64) {
            j->feed = b[i + 2];
            i += 3;
            assert_true(i + 3 <= len);
            assert_int_equal(b[i], 0x1D);
            assert_int_equal(b[i + 1], 0x56);
            assert_int_equal(b[i + 2], 0x01); /* partial cut */
            i += 3;
            break;
        } else {
            fail_msg("unexpected byte 0x%02x at %zu", b[i], i);
        }
    }
    *pos = i;
}

/* ---- fixtures ---- */

static int setup(void **state)
{
    (void)state;
    EwErr err = {0};
    double t0 = now_ms();
    fonts = print_fonts_new(NULL, &err);
    if (!fonts)
        fprintf(stderr, "%s\n", err.msg);
    else
        fprintf(stderr, "fonts opened in %.1f ms\n", now_ms() - t0);
    tmp = tu_tmpdir();
    return fonts ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    print_fonts_free(fonts);
    tu_rmdir(tmp);
    free(tmp);
    return 0;
}

static char *out_path(const char *name)
{
    const char *keep = getenv("ECHOWALL_PRINT_KEEP");
    return tu_path(keep && *keep ? keep : tmp, name);
}

static int black_in(const Canvas *c, int x0, int x1, int y0, int y1)
{
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += canvas_get(c, x, y);
    return n;
}

/* ---- the canvas ---- */

static void test_canvas_basics(void **state)
{
    (void)state;
    EwErr err = {0};
    assert_null(canvas_new(383, &err));
    assert_int_equal(err.code, EW_EINPUT);
    assert_null(canvas_new(0, &err));
    assert_null(canvas_new(4096, &err));
    Canvas *c = canvas_new(384, &err);
    assert_non_null(c);
    assert_int_equal(c->stride, 48);
    assert_int_equal(canvas_space(c, 10, &err), EW_OK);
    assert_int_equal(canvas_rule(c, 3, 8, &err), EW_OK);
    assert_int_equal(c->height, 13);
    assert_int_equal(black_in(c, 0, 384, 0, 10), 0);
    assert_int_equal(black_in(c, 8, 376, 10, 13), 3 * 368);
    assert_int_equal(black_in(c, 0, 8, 10, 13) + black_in(c, 376, 384, 10, 13), 0);
    /* MSB is the leftmost dot. */
    assert_int_equal(c->bits[10 * 48 + 1], 0xFF);
    assert_int_equal(c->bits[10 * 48 + 0], 0x00);
    assert_int_equal(canvas_get(c, -1, 11) + canvas_get(c, 384, 11) + canvas_get(c, 0, 13), 0);
    assert_int_equal(canvas_rule(c, 0, 0, &err), EW_EINPUT);
    assert_int_equal(canvas_rule(c, 1, 192, &err), EW_EINPUT);
    assert_int_equal(canvas_space(c, CANVAS_MAX_ROWS, &err), EW_EINPUT);
    assert_int_equal(c->height, 13);
    canvas_free(c);
    canvas_free(NULL);
}

static void test_png_roundtrip(void **state)
{
    (void)state;
    EwErr err = {0};
    Canvas *c = canvas_new(576, &err);
    canvas_space(c, 5, &err);
    canvas_rule(c, 2, 0, &err);
    canvas_space(c, 3, &err);
    for (int i = 0; i < 576; i += 7)
        canvas_set(c, i, 8);
    char *p = tu_path(tmp, "round.png");
    assert_int_equal(canvas_write_png(c, p, &err), EW_OK);
    Grey g = read_png(p);
    assert_int_equal(g.w, 576);
    assert_int_equal(g.h, c->height);
    for (int y = 0; y < g.h; y++)
        for (int x = 0; x < g.w; x++)
            assert_int_equal(g.px[y * g.w + x] == 0, canvas_get(c, x, y));
    free(g.px);
    assert_int_equal(canvas_write_png(c, "/nonexistent/dir/x.png", &err), EW_EIO);
    free(p);
    canvas_free(c);
}

/* ---- QR codes ---- */

static void test_qr_reads_back(void **state)
{
    (void)state;
    EwErr err = {0};
    const char *payloads[] = {"48210937", "https://town.example/a/H07-A3K9Q",
                              "https://example.gov.cn/echowall/H38-Z9Y8X?from=slip&v=1"};
    for (size_t k = 0; k < sizeof payloads / sizeof payloads[0]; k++) {
        Canvas *c = canvas_new(384, &err);
        int m = 0;
        assert_int_equal(canvas_qr(c, payloads[k], 240, &m, &err), EW_OK);
        assert_true(m >= 3 && m <= 10);
        assert_true(c->height <= 240);
        assert_int_equal(c->height % m, 0);
        int modules = c->height / m; /* symbol + 2 * 4 quiet */
        assert_int_equal((modules - 8 - 21) % 4, 0); /* a QR version: 21 + 4k modules */
        /* The quiet zone: 4 modules blank above, below, left, right. */
        int side = (384 - c->height) / 2;
        assert_int_equal(black_in(c, 0, 384, 0, 4 * m), 0);
        assert_int_equal(black_in(c, 0, 384, c->height - 4 * m, c->height), 0);
        assert_int_equal(black_in(c, 0, side + 4 * m, 0, c->height), 0);
        assert_int_equal(black_in(c, 384 - side - 4 * m, 384, 0, c->height), 0);
        assert_true(black_in(c, 0, 384, 0, c->height) > 0);
        Grey g = grey_of_bits(c->width, c->height, c->bits);
        char *got = zbar_read(&g);
        assert_string_equal(got, payloads[k]);
        free(got);
        free(g.px);
        canvas_free(c);
    }
    /* Too long for the room: refused, nothing drawn. */
    Canvas *c = canvas_new(384, &err);
    char big[900];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(canvas_qr(c, big, 120, NULL, &err), EW_EINPUT);
    assert_int_equal(c->height, 0);
    assert_int_equal(canvas_qr(c, "", 240, NULL, &err), EW_EINPUT);
    canvas_free(c);
}

/* ---- text ---- */

static void test_text_wraps_chinese(void **state)
{
    (void)state;
    EwErr err = {0};
    const char *text = "村口到小学的路灯坏了三个多月，晚上孩子放学很不安全，希望尽快修好。"
                       "另外村委会门前的垃圾清运也不及时，夏天气味很大，请H07-A3K9Q一并处理。";
    Canvas *c = canvas_new(384, &err);
    TextStyle st = {PFACE_REGULAR, 24, ALIGN_LEFT, 0};
    assert_int_equal(canvas_text(c, fonts, &st, 8, text, &err), EW_OK);
    int rows = (int)(24 * 1.30 + 0.5);
    assert_int_equal(c->height % rows, 0);
    int lines = c->height / rows;
    assert_true(lines >= 4 && lines <= 6);
    /* Every line has ink, none beyond the margins. */
    for (int k = 0; k < lines; k++)
        assert_true(black_in(c, 0, 384, k * rows, (k + 1) * rows) > 100);
    assert_int_equal(black_in(c, 0, 8, 0, c->height), 0);
    assert_int_equal(black_in(c, 376, 384, 0, c->height), 0);
    /* Lines are filled: the first line reaches near the right margin. */
    int right = 0;
    for (int x = 0; x < 384; x++)
        if (black_in(c, x, x + 1, 0, rows))
            right = x;
    assert_true(right > 376 - 2 * 24);
    canvas_free(c);

    /* At most one line: cut with an ellipsis. */
    c = canvas_new(384, &err);
    st.max_lines = 1;
    assert_int_equal(canvas_text(c, fonts, &st, 8, text, &err), EW_OK);
    assert_int_equal(c->height, rows);
    canvas_free(c);

    /* The same text at 576 takes fewer lines. */
    c = canvas_new(576, &err);
    st.max_lines = 0;
    assert_int_equal(canvas_text(c, fonts, &st, 8, text, &err), EW_OK);
    assert_true(c->height / rows < lines);
    canvas_free(c);
}

static void test_text_styles(void **state)
{
    (void)state;
    EwErr err = {0};
    /* Centred: as much room left as right. */
    Canvas *c = canvas_new(384, &err);
    TextStyle st = {PFACE_BOLD, 48, ALIGN_CENTRE, 0};
    assert_int_equal(canvas_text(c, fonts, &st, 0, "评议", &err), EW_OK);
    int left = -1, right = -1;
    for (int x = 0; x < 384; x++)
        if (black_in(c, x, x + 1, 0, c->height)) {
            if (left < 0)
                left = x;
            right = x;
        }
    assert_true(left > 100);
    assert_true(abs(left - (383 - right)) <= 6);
    int bold = black_in(c, 0, 384, 0, c->height);
    canvas_free(c);
    /* Bold is blacker than regular. */
    c = canvas_new(384, &err);
    st.face = PFACE_REGULAR;
    assert_int_equal(canvas_text(c, fonts, &st, 0, "评议", &err), EW_OK);
    int regular = black_in(c, 0, 384, 0, c->height);
    assert_true(regular > 200);
    assert_true(bold > regular * 6 / 5);
    canvas_free(c);
    /* Fixed width: "1111" as wide as "8888". */
    assert_int_equal(print_text_width(fonts, PFACE_MONO, 40, "1111", 4),
                     print_text_width(fonts, PFACE_MONO, 40, "8888", 4));
    assert_true(print_text_width(fonts, PFACE_MONO, 40, "8888", 4) > 80);
    /* A newline breaks; an empty line still takes a line. */
    c = canvas_new(384, &err);
    st = (TextStyle){PFACE_REGULAR, 24, ALIGN_LEFT, 0};
    assert_int_equal(canvas_text(c, fonts, &st, 8, "一\n\n三", &err), EW_OK);
    assert_int_equal(c->height, 3 * (int)(24 * 1.30 + 0.5));
    /* Refusals leave the canvas as it was. */
    int h = c->height;
    assert_int_equal(canvas_text(c, fonts, &st, 8, "bad \xff utf-8", &err), EW_EINPUT);
    st.size = 4;
    assert_int_equal(canvas_text(c, fonts, &st, 8, "小", &err), EW_EINPUT);
    st.size = 24;
    assert_int_equal(canvas_text(c, fonts, &st, 190, "小", &err), EW_EINPUT);
    assert_int_equal(c->height, h);
    canvas_free(c);
}

/* ---- the slips ---- */

/* Lays a slip out at width, writes its PNG and checks its QR from the PNG
 * and from its ESC/POS bytes decoded back. */
static void check_slip(int token, int width, const char *want)
{
    EwErr err = {0};
    Canvas *c = canvas_new(width, &err);
    double t0 = now_ms();
    int rc = token ? slip_token(c, fonts, &TOKEN, &err) : slip_appeal(c, fonts, &APPEAL, &err);
    double t1 = now_ms();
    if (rc != EW_OK)
        fail_msg("%s", err.msg);
    /* No ink in the side margins (8 dots at 384, scaled). */
    int margin = 8 * width / 384;
    assert_int_equal(black_in(c, 0, margin, 0, c->height), 0);
    assert_int_equal(black_in(c, width - margin, width, 0, c->height), 0);
    assert_true(c->height > width / 2 && c->height < width * 3);

    char name[64];
    snprintf(name, sizeof name, "slip_%s_%d.png", token ? "token" : "appeal", width);
    char *png = out_path(name);
    assert_int_equal(canvas_write_png(c, png, &err), EW_OK);
    Grey g = read_png(png);
    assert_int_equal(g.w, width);
    assert_int_equal(g.h, c->height);
    char *got = zbar_read(&g);
    assert_string_equal(got, want);
    free(got);
    free(g.px);

    EscBuf b = {0};
    double t2 = now_ms();
    assert_int_equal(escpos_encode(c, &b, &err), EW_OK);
    double t3 = now_ms();
    size_t pos = 0;
    Job j;
    decode_job(b.data, b.len, &pos, &j);
    assert_int_equal(pos, b.len);
    assert_int_equal(j.width, width);
    assert_int_equal(j.height, c->height);
    assert_int_equal(j.bands, (c->height + 254) / 255);
    assert_int_equal(j.feed, ESCPOS_FEED_LINES);
    assert_memory_equal(j.bits, c->bits, (size_t)c->height * (size_t)c->stride);
    g = grey_of_bits(j.width, j.height, j.bits);
    got = zbar_read(&g);
    assert_string_equal(got, want);
    free(got);
    free(g.px);
    free(j.bits);

    /* The front door gives the very same bytes. */
    EscBuf b2 = {0};
    rc = token ? print_token_bytes(&TOKEN, width, fonts, &b2, &err)
               : print_appeal_bytes(&APPEAL, width, fonts, &b2, &err);
    assert_int_equal(rc, EW_OK);
    assert_int_equal(b2.len, b.len);
    assert_memory_equal(b2.data, b.data, b.len);
    fprintf(stderr, "%-6s slip at %d dots: %d rows (%.1f mm), %zu ESC/POS bytes in %d bands; "
                    "layout %.1f ms, encode %.2f ms\n",
            token ? "token" : "appeal", width, c->height, c->height / 8.0, b.len, j.bands,
            t1 - t0, t3 - t2);
    escpos_buf_free(&b);
    escpos_buf_free(&b2);
    free(png);
    canvas_free(c);
}

static void test_slip_appeal_384(void **state)
{
    (void)state;
    check_slip(0, 384, APPEAL.url);
}

static void test_slip_appeal_576(void **state)
{
    (void)state;
    check_slip(0, 576, APPEAL.url);
}

static void test_slip_token_384(void **state)
{
    (void)state;
    check_slip(1, 384, "48210937");
}

static void test_slip_token_576(void **state)
{
    (void)state;
    check_slip(1, 576, "48210937");
}

static void test_slip_refusals(void **state)
{
    (void)state;
    EwErr err = {0};
    Canvas *c = canvas_new(384, &err);
    TokenSlip t = TOKEN;
    const char *bad_tokens[] = {NULL, "", "4821093", "482109377", "4821 093", "4821093a"};
    for (size_t i = 0; i < sizeof bad_tokens / sizeof bad_tokens[0]; i++) {
        t.token = bad_tokens[i];
        assert_int_equal(slip_token(c, fonts, &t, &err), EW_EINPUT);
        assert_non_null(strstr(err.msg, "8 digits"));
    }
    t = TOKEN;
    t.hall = NULL;
    assert_int_equal(slip_token(c, fonts, &t, &err), EW_EINPUT);
    assert_non_null(strstr(err.msg, "hall"));
    t = TOKEN;
    t.topic = NULL; /* optional */
    assert_int_equal(slip_token(c, fonts, &t, &err), EW_OK);
    int h = c->height;

    AppealSlip a = APPEAL;
    a.rating_code = "12345";
    assert_int_equal(slip_appeal(c, fonts, &a, &err), EW_EINPUT);
    assert_non_null(strstr(err.msg, "6 digits"));
    a = APPEAL;
    a.url = "";
    assert_int_equal(slip_appeal(c, fonts, &a, &err), EW_EINPUT);
    assert_non_null(strstr(err.msg, "URL"));
    a = APPEAL;
    a.code = "H07 A3K9Q<>";
    assert_int_equal(slip_appeal(c, fonts, &a, &err), EW_EINPUT);
    a = APPEAL;
    a.text = "bad \xc3 utf-8";
    assert_int_equal(slip_appeal(c, fonts, &a, &err), EW_EINPUT);
    assert_int_equal(c->height, h); /* refusals drew nothing */
    a = APPEAL;
    a.category = NULL;
    a.text = "\n\n  \n"; /* blank: no text line */
    assert_int_equal(slip_appeal(c, fonts, &a, &err), EW_OK);
    canvas_free(c);
}

/* The appeal's first line: a short one is printed whole; later lines are
 * not printed; either way the slip is one line of text long. */
static void test_slip_first_line(void **state)
{
    (void)state;
    EwErr err = {0};
    AppealSlip a = APPEAL;
    int heights[3];
    const char *texts[] = {"路灯坏了", "路灯坏了\n还有第二行\n第三行", APPEAL.text};
    for (int i = 0; i < 3; i++) {
        Canvas *c = canvas_new(384, &err);
        a.text = texts[i];
        assert_int_equal(slip_appeal(c, fonts, &a, &err), EW_OK);
        heights[i] = c->height;
        canvas_free(c);
    }
    assert_int_equal(heights[0], heights[1]);
    assert_int_equal(heights[0], heights[2]);
}

/* ---- files ---- */

static void test_files(void **state)
{
    (void)state;
    EwErr err = {0};
    char *bin = tu_path(tmp, "appeal.bin"), *png = out_path("tokens_384.png");
    assert_int_equal(print_appeal_to_file(&APPEAL, 384, bin, &err), EW_OK);
    size_t len = 0;
    unsigned char *bytes = tu_read_file(bin, &len);
    EscBuf b = {0};
    assert_int_equal(print_appeal_bytes(&APPEAL, 384, NULL, &b, &err), EW_OK); /* own fonts */
    assert_int_equal(len, b.len);
    assert_memory_equal(bytes, b.data, len);
    free(bytes);
    escpos_buf_free(&b);

    /* Three tokens: three jobs, each cut, each QR its own token. */
    const char *tokens[] = {"11112222", "33334444", "55556666"};
    char *tb = tu_path(tmp, "tokens.bin");
    assert_int_equal(print_tokens_to_file(&TOKEN, tokens, 3, 384, tb, &err), EW_OK);
    bytes = tu_read_file(tb, &len);
    size_t pos = 0;
    for (int i = 0; i < 3; i++) {
        Job j;
        decode_job(bytes, len, &pos, &j);
        Grey g = grey_of_bits(j.width, j.height, j.bits);
        char *got = zbar_read(&g);
        assert_string_equal(got, tokens[i]);
        free(got);
        free(g.px);
        free(j.bits);
    }
    assert_int_equal(pos, len);
    free(bytes);
    /* As a picture: the three slips one under another, three QR codes. */
    assert_int_equal(print_tokens_to_file(&TOKEN, tokens, 3, 384, png, &err), EW_OK);
    Grey g = read_png(png);
    char *got = zbar_read(&g);
    for (int i = 0; i < 3; i++)
        assert_non_null(strstr(got, tokens[i]));
    free(got);
    free(g.px);

    assert_int_equal(print_appeal_to_file(&APPEAL, 384, "/nonexistent/dir/a.bin", &err), EW_EIO);
    assert_int_equal(print_tokens_to_file(&TOKEN, tokens, 0, 384, tb, &err), EW_EINPUT);
    int dots = 0;
    assert_int_equal(print_width_dots("58", &dots, &err), EW_OK);
    assert_int_equal(dots, 384);
    assert_int_equal(print_width_dots("576", &dots, &err), EW_OK);
    assert_int_equal(dots, 576);
    assert_int_equal(print_width_dots("100", &dots, &err), EW_EINPUT);
    assert_int_equal(print_width_dots(NULL, &dots, &err), EW_EINPUT);
    EscBuf e = {0};
    Canvas *c = canvas_new(384, &err);
    assert_int_equal(escpos_encode(c, &e, &err), EW_EINPUT); /* empty */
    canvas_free(c);
    free(bin);
    free(tb);
    free(png);
}

/* Bands: a canvas of 600 rows is 255 + 255 + 90. */
static void test_bands(void **state)
{
    (void)state;
    EwErr err = {0};
    Canvas *c = canvas_new(576, &err);
    canvas_space(c, 600, &err);
    for (int y = 0; y < 600; y++)
        canvas_set(c, (y * 7) % 576, y);
    EscBuf b = {0};
    assert_int_equal(escpos_encode(c, &b, &err), EW_OK);
    assert_int_equal(b.len, 2 + 3 * 8 + 600 * 72 + 3 + 3);
    const uint8_t h1[] = {0x1D, 0x76, 0x30, 0, 72, 0, 255, 0};
    const uint8_t h3[] = {0x1D, 0x76, 0x30, 0, 72, 0, 90, 0};
    assert_memory_equal(b.data + 2, h1, 8);
    assert_memory_equal(b.data + 2 + 8 + 255 * 72, h1, 8);
    assert_memory_equal(b.data + 2 + 2 * (8 + 255 * 72), h3, 8);
    size_t pos = 0;
    Job j;
    decode_job(b.data, b.len, &pos, &j);
    assert_int_equal(j.bands, 3);
    assert_memory_equal(j.bits, c->bits, 600 * 72);
    free(j.bits);
    escpos_buf_free(&b);
    canvas_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canvas_basics),   cmocka_unit_test(test_png_roundtrip),
        cmocka_unit_test(test_qr_reads_back),   cmocka_unit_test(test_text_wraps_chinese),
        cmocka_unit_test(test_text_styles),     cmocka_unit_test(test_slip_appeal_384),
        cmocka_unit_test(test_slip_appeal_576), cmocka_unit_test(test_slip_token_384),
        cmocka_unit_test(test_slip_token_576),  cmocka_unit_test(test_slip_refusals),
        cmocka_unit_test(test_slip_first_line), cmocka_unit_test(test_files),
        cmocka_unit_test(test_bands),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
