/*
 * test_kiosk_print.c: 我要反映 at the kiosk, through to the receipt printer,
 * with the printer fine, out of paper, hanging up mid-slip, and missing.
 *
 * The whole kiosk runs in-process and headless (the demo town seen from
 * hall H07, the core's Source, the offscreen display, the App with its
 * input methods), driven by pushed touches and its own clock as in
 * test_kiosk_storm.c. A villager taps 我要反映, 其他, 不清楚, the 123
 * keyboard and a few digits, 下一步, 不留电话, 提交; the done page is drawn
 * (正在打印回执), and on the next clock step the kiosk prints the slip
 * (appeal_print, synchronously: app_busy says a slip is due).
 *
 * The printer (the device setting printer.path) is a fake on a
 * pseudo-terminal, served by a thread: it answers the DLE EOT status
 * questions with scripted bytes and reads whatever else comes. The cases:
 *   fine       answers "fine"; every byte of the slip arrives. The test
 *              decodes the ESC/POS job back into a bitmap (its own reader:
 *              ESC @, GS v 0 bands, ESC d n, GS V m), reads the QR with
 *              zbar and wants exactly config_tracking_url of the new code.
 *   paper out  answers "no paper": nothing of the slip may arrive; the
 *              screen says so and shows the rating code instead.
 *   hang-up    reads part of the slip, then closes its end (the cable
 *              pulled): the screen says the slip did not print.
 *   silent     answers no status question (most USB printers): the slip
 *              is sent all the same and decodes to the URL; the screen
 *              says it was sent.
 *   absent     no device at the path.
 * In every case exactly one appeal is stored (what was entered), the done
 * page shows its code and a QR that zbar reads (from a screenshot) as the
 * tracking URL; where no slip came out it also shows the rating code (the
 * one whose hash the appeal holds) and outlasts the idle timeout; 完成
 * goes Home; and the print takes no more than a few seconds. Every wait
 * has a deadline: the fake gives up after FAKE_DEADLINE_MS and each
 * case's teardown stops and joins it.
 */
#define _GNU_SOURCE /* cfmakeraw */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <png.h>
#include <zbar.h>

#include "app.h"
#include "appeal.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "device.h"
#include "display.h"
#include "input.h"
#include "printjob.h"
#include "runner.h"
#include "source.h"
#include "strings.h"
#include "testutil.h"
#include "view.h"

#define DAY "2026-11-28"
#define IDLE_S 90
#define TEXT "2580"            /* what the villager types on the 123 keyboard */
#define FAKE_DEADLINE_MS 15000 /* the fake printer never lives longer */
#define PRINT_MAX_MS 3000      /* a print, whatever the printer does, returns within this */
#define HANG_UP_AFTER 3000     /* job bytes the hanging-up printer reads */

/* ---- the fake printer ---------------------------------------------------- */

typedef enum { FAKE_READ_ALL, FAKE_HANG_UP } FakeMode;

/* A printer at the master side of a pseudo-terminal; the kiosk opens the
 * slave side (path). Its thread answers DLE EOT 1, 2, 4 (10 04 n) before
 * the job; the first other byte starts the job, and everything from there
 * is kept. Results are read after fake_stop has joined the thread. */
typedef struct Fake {
    char path[128];    /* the slave: the "device" the kiosk is told about */
    int master;        /* the printer's end (closed by the thread) */
    int slave;         /* the test's own slave fd, raw: keeps the terminal up */
    int answer[3];     /* to DLE EOT 1, 2 and 4: a byte, or -1 to stay silent */
    FakeMode mode;
    size_t hang_after; /* FAKE_HANG_UP: job bytes read before hanging up */
    atomic_int stop;   /* set by the test: finish once the line is quiet */
    pthread_t thread;
    int running;       /* 1 while the thread is to be joined */
    /* what happened (read after the join) */
    int asked[3];      /* DLE EOT 1, 2, 4 questions seen */
    int odd;           /* questions for another n */
    uint8_t *job;      /* the bytes after the questions (malloc'd) */
    size_t len, cap;
    int hung_up;       /* FAKE_HANG_UP: it did */
    int timed_out;     /* the deadline passed */
    int error;         /* errno of a failed read, 0 if none */
} Fake;

static void fake_keep(Fake *f, const uint8_t *b, size_t n)
{
    if (f->len + n > f->cap) {
        f->cap = (f->len + n) * 2;
        f->job = realloc(f->job, f->cap);
        if (!f->job)
            abort();
    }
    memcpy(f->job + f->len, b, n);
    f->len += n;
}

static void *fake_main(void *arg)
{
    Fake *f = arg;
    int64_t deadline = clock_mono_ms() + FAKE_DEADLINE_MS, quiet_since = -1;
    uint8_t q[3]; /* a question being read */
    int nq = 0, in_job = 0;
    for (;;) {
        int64_t now = clock_mono_ms();
        if (now >= deadline) {
            f->timed_out = 1;
            break;
        }
        struct pollfd pf = {f->master, POLLIN, 0};
        int r = poll(&pf, 1, 20);
        if (r < 0 && errno != EINTR) {
            f->error = errno;
            break;
        }
        if (r > 0 && (pf.revents & POLLIN)) {
            uint8_t buf[4096];
            size_t want = sizeof buf;
            if (!in_job)
                want = (size_t)(3 - nq); /* a question at a time, so a job starts on a read */
            if (f->mode == FAKE_HANG_UP && in_job && f->hang_after - f->len < want)
                want = f->hang_after - f->len;
            ssize_t n = read(f->master, buf, want);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (n <= 0) {
                f->error = n < 0 ? errno : EIO;
                break;
            }
            quiet_since = -1;
            for (ssize_t i = 0; i < n; i++) {
                if (in_job) {
                    fake_keep(f, buf + i, (size_t)(n - i));
                    break;
                }
                if (nq == 0 && buf[i] != 0x10) { /* not a question: the job begins */
                    in_job = 1;
                    fake_keep(f, buf + i, (size_t)(n - i));
                    break;
                }
                q[nq++] = buf[i];
                if (nq < 3)
                    continue;
                nq = 0;
                int k = q[1] != 0x04 ? -1 : q[2] == 1 ? 0 : q[2] == 2 ? 1 : q[2] == 4 ? 2 : -1;
                if (k < 0) {
                    f->odd++;
                    continue;
                }
                f->asked[k]++;
                uint8_t a = (uint8_t)f->answer[k];
                if (f->answer[k] >= 0 && write(f->master, &a, 1) != 1)
                    f->error = errno;
            }
            if (f->mode == FAKE_HANG_UP && in_job && f->len >= f->hang_after) {
                close(f->master); /* the cable pulled in the middle of the slip */
                f->master = -1;
                f->hung_up = 1;
                break;
            }
            continue;
        }
        if (r > 0 && (pf.revents & (POLLHUP | POLLERR | POLLNVAL)))
            poll(NULL, 0, 20); /* (the test holds a slave fd: not expected) */
        if (atomic_load(&f->stop)) {
            if (quiet_since < 0)
                quiet_since = now;
            else if (now - quiet_since >= 200)
                break; /* told to stop and nothing more came */
        }
    }
    if (f->master >= 0)
        close(f->master);
    f->master = -1;
    return NULL;
}

/* Opens the terminal, puts its slave side in raw mode and starts the
 * printer's thread. */
static void fake_start(Fake *f, const int answer[3], FakeMode mode, size_t hang_after)
{
    memset(f, 0, sizeof *f);
    f->master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(f->master >= 0);
    assert_int_equal(grantpt(f->master), 0);
    assert_int_equal(unlockpt(f->master), 0);
    const char *name = ptsname(f->master);
    assert_non_null(name);
    snprintf(f->path, sizeof f->path, "%s", name);
    f->slave = open(f->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(f->slave >= 0);
    struct termios t;
    assert_int_equal(tcgetattr(f->slave, &t), 0);
    cfmakeraw(&t);
    assert_int_equal(tcsetattr(f->slave, TCSANOW, &t), 0);
    memcpy(f->answer, answer, sizeof f->answer);
    f->mode = mode;
    f->hang_after = hang_after;
    atomic_init(&f->stop, 0);
    assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
    f->running = 1;
}

/* Tells the printer to finish once the line is quiet and joins it. */
static void fake_stop(Fake *f)
{
    if (!f->running)
        return;
    atomic_store(&f->stop, 1);
    pthread_join(f->thread, NULL);
    f->running = 0;
    if (f->slave >= 0)
        close(f->slave);
    f->slave = -1;
}

static void fake_free(Fake *f)
{
    fake_stop(f);
    free(f->job);
    f->job = NULL;
}

/* ---- reading the slip back ----------------------------------------------- */

/* A picture as 8-bit grey, 0 = black. */
typedef struct Grey {
    int w, h;
    uint8_t *px; /* w * h (malloc'd) */
} Grey;

/* Decodes one ESC/POS job (ESC @, GS v 0 m xL xH yL yH d... bands, ESC d n,
 * GS V m [n]) into g; fails the test on any other byte, a band of another
 * width, a truncated band, or bytes after the cut. */
static void decode_job(const uint8_t *b, size_t len, Grey *g)
{
    memset(g, 0, sizeof *g);
    size_t i = 0;
    int bytes_per_row = 0, cut = 0;
    assert_true(len >= 2);
    assert_int_equal(b[0], 0x1B); /* ESC @ */
    assert_int_equal(b[1], 0x40);
    i = 2;
    while (i < len && !cut) {
        if (i + 8 <= len && b[i] == 0x1D && b[i + 1] == 0x76 && b[i + 2] == 0x30) {
            int m = b[i + 3], xb = b[i + 4] | b[i + 5] << 8, rows = b[i + 6] | b[i + 7] << 8;
            assert_int_equal(m, 0); /* normal density */
            assert_true(xb > 0 && rows > 0);
            if (bytes_per_row == 0)
                bytes_per_row = xb;
            assert_int_equal(xb, bytes_per_row);
            i += 8;
            size_t n = (size_t)xb * (size_t)rows;
            assert_true(i + n <= len);
            g->w = xb * 8;
            g->px = realloc(g->px, (size_t)g->w * (size_t)(g->h + rows));
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < g->w; x++) {
                    int bit = b[i + (size_t)y * (size_t)xb + (size_t)(x / 8)] >> (7 - x % 8) & 1;
                    g->px[(size_t)(g->h + y) * (size_t)g->w + (size_t)x] = bit ? 0 : 255;
                }
            g->h += rows;
            i += n;
        } else if (i + 3 <= len && b[i] == 0x1B && b[i + 1] == 0x64) { /* ESC d n */
            i += 3;
        } else if (i + 3 <= len && b[i] == 0x1D && b[i + 1] == 0x56) { /* GS V m [n] */
            i += b[i + 2] >= 65 ? 4 : 3;
            cut = 1;
        } else {
            fail_msg("unexpected byte 0x%02x at %zu of the job's %zu", b[i], i, len);
        }
    }
    assert_true(cut);
    assert_int_equal(i, len); /* one job, nothing after the cut */
    assert_true(g->h > 0);
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
        const char *d = zbar_symbol_get_data(s);
        size_t n = strlen(out);
        out = realloc(out, n + strlen(d) + 2);
        sprintf(out + n, "%s%s", n ? "|" : "", d);
    }
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(sc);
    return out;
}

/* ---- the kiosk ----------------------------------------------------------- */

typedef struct Kiosk {
    char *dir;
    sqlite3 *db;
    Source src;
    Input *input;
    PrintJob *printer;
    Display d;
    App *a;
    char *fonts, *assets;
    Fake fake; /* the case's printer, if any (joined by the case's teardown) */
} Kiosk;

static void frame(Kiosk *k)
{
    char err[256] = "";
    int rc = runner_frame(k->a, &k->d, NULL, err, sizeof err);
    if (rc)
        print_error("runner_frame: %s\n", err);
    assert_int_equal(rc, 0);
}

/* What the QR codes on the screen hold: a frame drawn to a PNG screenshot,
 * read back with libpng and zbar (malloc'd, '|' between codes). */
static char *screen_qr(Kiosk *k)
{
    char *path = tu_path(k->dir, "screen.png"), err[256] = "";
    if (runner_frame(k->a, &k->d, path, err, sizeof err) != 0)
        fail_msg("screenshot: %s", err);
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&im, path));
    im.format = PNG_FORMAT_GRAY;
    Grey g = {(int)im.width, (int)im.height, malloc(PNG_IMAGE_SIZE(im))};
    assert_non_null(g.px);
    assert_true(png_image_finish_read(&im, NULL, g.px, 0, NULL));
    char *got = zbar_read(&g);
    free(g.px);
    unlink(path);
    free(path);
    return got;
}

/* Taps the control labelled label on the last frame (which must show it),
 * as a finger would, and draws the frame after. */
static void press(Kiosk *k, const char *label)
{
    int x, y;
    char msg[1024] = "";
    if (app_find_control(k->a, label, 0, &x, &y, msg, sizeof msg) != 0) {
        char list[4096];
        app_list_controls(k->a, list, sizeof list);
        fail_msg("on %s: %s (controls: %s)", app_screen_name(k->a), msg, list);
    }
    app_push_pointer(k->a, EV_DOWN, x, y);
    app_handle(k->a);
    app_advance(k->a, 80);
    app_push_pointer(k->a, EV_UP, x, y);
    app_handle(k->a);
    frame(k);
}

static void expect(Kiosk *k, const char *text)
{
    if (!app_text_visible(k->a, text))
        fail_msg("\"%s\" is not on the %s screen", text, app_screen_name(k->a));
}

static int64_t appeal_count(Kiosk *k)
{
    int64_t n = -1;
    assert_int_equal(db_int(k->db, NULL, &n, 0, "SELECT count(*) FROM appeals", NULL), EW_OK);
    return n;
}

static int group_setup(void **state)
{
    Kiosk *k = calloc(1, sizeof *k);
    assert_non_null(k);
    tu_pin_day(DAY);
    int64_t day;
    assert_int_equal(clock_parse_day(DAY, &day), 0);
    k->dir = tu_tmpdir();
    k->db = tu_demo_db(k->dir, "hall.db", 0, "H07", day);
    source_init(&k->src, k->db);
    k->input = input_new(); /* pinyin and handwriting, so the 123 key is there to press */
    input_wire(&k->src, k->input);
    k->printer = printjob_new(k->db); /* the kiosk's own background printing */
    printjob_wire(&k->src, k->printer);
    DisplaySpec spec = {.w = 1280, .h = 800, .headless = 1};
    char err[512] = "";
    if (display_open(&k->d, &spec, err, sizeof err) != 0)
        fail_msg("display_open: %s", err);
    IMG_Init(IMG_INIT_PNG);
    const char *data = getenv("ECHOWALL_DATA");
    assert_non_null(data);
    k->fonts = tu_path(data, "fonts");
    k->assets = tu_path(data, "assets");
    AppConfig cfg = {.lang = LANG_ZH, .px_per_mm = 5.6, .idle_s = IDLE_S, .fontdir = k->fonts,
                     .assetdir = k->assets, .allow_quit = 0};
    k->a = app_new(k->d.r, k->d.log_w, k->d.log_h, &cfg, &k->src, err, sizeof err);
    if (!k->a)
        fail_msg("app_new: %s", err);
    *state = k;
    return 0;
}

static int group_teardown(void **state)
{
    Kiosk *k = *state;
    app_free(k->a);
    printjob_free(k->printer);
    input_free(k->input);
    display_close(&k->d);
    IMG_Quit();
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    free(k->fonts);
    free(k->assets);
    db_close(k->db);
    tu_rmdir(k->dir);
    free(k->dir);
    free(k);
    clock_set_fixed(0);
    return 0;
}

/* Each case: whatever its printer, stopped and joined. */
static int case_teardown(void **state)
{
    Kiosk *k = *state;
    fake_free(&k->fake);
    return 0;
}

/* The device setting, as `echowallctl config set printer.path` writes it. */
static void set_printer(Kiosk *k, const char *path)
{
    Author self;
    EwErr e = {0};
    assert_int_equal(device_load_self(k->db, &self, &e), EW_OK);
    if (config_set(k->db, &self, "printer.path", path, &e) != EW_OK)
        fail_msg("config_set printer.path %s: %s", path, e.msg);
}

/* What one submission left behind. */
typedef struct Outcome {
    char code[32];     /* the new appeal's tracking code */
    char url[512];     /* config_tracking_url of it */
    int64_t print_ms;  /* how long the print step took */
} Outcome;

/* The rating code on the done page, read off the screen digit by digit
 * (app_text_visible matches part of a text drawn); "" when none shows. */
static void rating_on_screen(Kiosk *k, char out[8])
{
    const char *fmt = tr(LANG_ZH, S_AP_RATING_FMT); /* "评价码：%s（…" */
    const char *s = strstr(fmt, "%s");
    assert_non_null(s);
    char probe[128];
    int prefix = (int)(s - fmt);
    out[0] = 0;
    for (int n = 0; n < 7; n++) {
        int found = -1;
        for (int d = 0; d <= 9 && found < 0; d++) {
            snprintf(probe, sizeof probe, "%.*s%s%d", prefix, fmt, out, d);
            if (app_text_visible(k->a, probe))
                found = d;
        }
        if (found < 0)
            break;
        out[n] = (char)('0' + found);
        out[n + 1] = 0;
    }
}

/* A villager raises an appeal at the kiosk and the slip is printed (or
 * not); checks what every case must see and returns what the case needs. */
static void raise_appeal(Kiosk *k, StrId want_state_word, Outcome *o)
{
    memset(o, 0, sizeof *o);
    /* From wherever the last case left it (a failed one too), the idle
     * timeout brings it Home: three times as long on a page whose slip
     * did not print. */
    app_advance(k->a, (3 * IDLE_S + 1) * 1000);
    frame(k);
    assert_string_equal(app_screen_name(k->a), "home");
    int64_t before = appeal_count(k);

    press(k, tr(LANG_ZH, S_TILE_APPEAL)); /* 我要反映 */
    assert_string_equal(app_screen_name(k->a), "appeal");
    press(k, "其他");
    expect(k, tr(LANG_ZH, S_AP_GRID_ASK)); /* H07 has micro-grids */
    press(k, tr(LANG_ZH, S_AP_GRID_UNSURE)); /* 不清楚 */
    press(k, tr(LANG_ZH, S_KB_DIGITS));     /* 123 */
    for (const char *p = TEXT; *p; p++) {
        char key[2] = {*p, 0};
        press(k, key);
    }
    expect(k, TEXT);
    press(k, tr(LANG_ZH, S_AP_NEXT));     /* 下一步 */
    press(k, tr(LANG_ZH, S_AP_NO_PHONE)); /* 不留电话 */
    press(k, tr(LANG_ZH, S_SUBMIT));      /* 提交 */

    /* The done page is up, the slip not printed yet. */
    expect(k, tr(LANG_ZH, S_AP_RECEIVED));
    expect(k, tr(LANG_ZH, S_PRINTING));
    assert_int_equal(app_busy(k->a), 1);
    assert_int_equal(appeal_count(k), before + 1);
    char *code = NULL;
    EwErr e = {0};
    assert_int_equal(db_text(k->db, &e, &code,
                             "SELECT code FROM appeals ORDER BY created_hlc DESC, rowid DESC "
                             "LIMIT 1", NULL),
                     EW_OK);
    assert_non_null(code);
    snprintf(o->code, sizeof o->code, "%s", code);
    free(code);
    config_tracking_url(k->db, o->code, o->url, sizeof o->url);
    expect(k, o->code);

    /* 完成 is not offered while the slip prints: a tap made meanwhile (the
     * print holds the UI thread, so it waits in the queue) must not leave
     * before the page says how printing went. */
    int fx, fy;
    char why[256];
    assert_int_not_equal(app_find_control(k->a, tr(LANG_ZH, S_AP_FINISH), 0, &fx, &fy, why,
                                          sizeof why),
                         0);
    assert_non_null(strstr(why, "disabled"));

    /* The kiosk's next clock step prints (the live loop's, or the script
     * runner's wait for app_busy). */
    int64_t t0 = clock_mono_ms();
    /* The printer works on its own thread: the app's steps go on meanwhile
     * (frames too, as on the screen), until it says how it went. */
    for (int waited = 0; app_busy(k->a) && waited < 15000; waited += 5) {
        app_advance(k->a, 16);
        frame(k);
        SDL_Delay(5);
    }
    o->print_ms = clock_mono_ms() - t0;
    assert_int_equal(app_busy(k->a), 0);
    frame(k);
    if (o->print_ms > PRINT_MAX_MS)
        fail_msg("the print took %lld ms", (long long)o->print_ms);

    /* The done page still, with the code and how printing went. */
    assert_string_equal(app_screen_name(k->a), "appeal");
    expect(k, tr(LANG_ZH, S_AP_RECEIVED));
    expect(k, o->code);
    expect(k, tr(LANG_ZH, want_state_word));
    assert_false(app_text_visible(k->a, tr(LANG_ZH, S_PRINTING)));

    /* Exactly one appeal, the one entered. */
    assert_int_equal(appeal_count(k), before + 1);
    int64_t same = 0;
    assert_int_equal(db_int(k->db, NULL, &same, 0,
                            "SELECT count(*) FROM appeals WHERE code=? AND hall='H07' AND "
                            "category='other' AND grid IS NULL AND source='kiosk' AND "
                            "contact_hash IS NULL",
                            "t", o->code),
                     EW_OK);
    assert_int_equal(same, 1);
    json_t *ap = NULL;
    assert_int_equal(view_appeal(k->db, o->code, &ap, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(ap, "text")), TEXT);
    json_decref(ap);

    /* The QR on the screen holds the tracking URL, whatever the printer did. */
    char *qr = screen_qr(k);
    assert_string_equal(qr, o->url);
    free(qr);

    /* Where the printer said the slip printed, the rating code is on the
     * slip only. Otherwise it is on the screen too (the one the appeal was
     * stored with): a printer that says nothing may be jammed. Where no
     * slip came out at all, the page outstays the idle timeout for the
     * villager to copy the codes. */
    int printed = want_state_word == S_PRINTED;
    int sent = want_state_word == S_PRINT_SENT;
    char rating[8];
    rating_on_screen(k, rating);
    if (printed) {
        assert_string_equal(rating, "");
    } else {
        assert_int_equal(strlen(rating), RATING_CODE_LEN);
        char *stored = NULL, hash[65];
        assert_int_equal(db_text(k->db, &e, &stored,
                                 "SELECT rating_hash FROM appeals WHERE code=?", "t", o->code),
                         EW_OK);
        appeal_rating_hash(o->code, rating, hash);
        assert_string_equal(hash, stored);
        free(stored);
    }
    if (!printed && !sent) {
        app_advance(k->a, (IDLE_S + 5) * 1000);
        frame(k);
        assert_string_equal(app_screen_name(k->a), "appeal");
        expect(k, o->code);
        expect(k, tr(LANG_ZH, want_state_word));
        char again[8];
        rating_on_screen(k, again);
        assert_string_equal(again, rating);
    }

    /* 完成: Home, a sane screen, nothing more stored. */
    press(k, tr(LANG_ZH, S_AP_FINISH));
    assert_string_equal(app_screen_name(k->a), "home");
    frame(k);
    int x, y;
    char msg[256];
    assert_int_equal(app_find_control(k->a, tr(LANG_ZH, S_TILE_WALL), 0, &x, &y, msg, sizeof msg),
                     0);
    assert_int_equal(app_find_control(k->a, tr(LANG_ZH, S_TILE_APPEAL), 0, &x, &y, msg,
                                      sizeof msg),
                     0);
    assert_int_equal(app_busy(k->a), 0);
    assert_int_equal(appeal_count(k), before + 1);
    print_message("%s: printed in %lld ms\n", o->code, (long long)o->print_ms);
}

/* ---- the cases ----------------------------------------------------------- */

static const int FINE[3] = {0x12, 0x12, 0x12};      /* online, no error, paper */
static const int PAPER_OUT[3] = {0x1A, 0x32, 0x72}; /* offline: paper end, none left */
static const int SILENT[3] = {-1, -1, -1};          /* answers nothing (most USB printers) */

/* The printer is fine: the whole slip arrives, and its QR is the URL. */
static void test_printer_fine(void **state)
{
    Kiosk *k = *state;
    fake_start(&k->fake, FINE, FAKE_READ_ALL, 0);
    set_printer(k, k->fake.path);
    Outcome o;
    raise_appeal(k, S_PRINTED, &o);
    fake_stop(&k->fake);
    Fake *f = &k->fake;
    assert_false(f->timed_out);
    assert_int_equal(f->error, 0);
    assert_int_equal(f->odd, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(f->asked[i], 1); /* asked once before the job, not again */
    Grey g;
    decode_job(f->job, f->len, &g);
    assert_int_equal(g.w, 384); /* printer.width's default: 58 mm */
    char *got = zbar_read(&g);
    print_message("%zu bytes, a %dx%d slip; its QR: %s\n", f->len, g.w, g.h, got);
    assert_string_equal(got, o.url);
    free(got);
    free(g.px);
}

/* Paper out: nothing is sent; the villager is told, with the rating code. */
static void test_printer_paper_out(void **state)
{
    Kiosk *k = *state;
    fake_start(&k->fake, PAPER_OUT, FAKE_READ_ALL, 0);
    set_printer(k, k->fake.path);
    Outcome o;
    raise_appeal(k, S_PRINT_PAPER_OUT, &o);
    fake_stop(&k->fake);
    assert_false(k->fake.timed_out);
    assert_int_equal(k->fake.error, 0);
    assert_int_equal(k->fake.asked[0], 1);
    assert_int_equal(k->fake.len, 0); /* not one byte of the slip */
}

/* The printer hangs up mid-slip: the slip did not print, quickly. */
static void test_printer_hangs_up(void **state)
{
    Kiosk *k = *state;
    fake_start(&k->fake, FINE, FAKE_HANG_UP, HANG_UP_AFTER);
    set_printer(k, k->fake.path);
    Outcome o;
    raise_appeal(k, S_PRINT_FAILED, &o);
    fake_stop(&k->fake);
    Fake *f = &k->fake;
    assert_false(f->timed_out);
    assert_int_equal(f->error, 0);
    assert_int_equal(f->odd, 0);
    assert_true(f->hung_up);
    assert_int_equal(f->len, HANG_UP_AFTER);
    assert_int_equal(f->job[0], 0x1B); /* the slip's start: ESC @ GS v 0 */
    assert_int_equal(f->job[1], 0x40);
    assert_int_equal(f->job[2], 0x1D);
    assert_int_equal(f->job[3], 0x76);
}

/* A printer that answers no status question (most USB printers): the slip
 * is sent all the same, and the screen says it was sent. */
static void test_printer_silent(void **state)
{
    Kiosk *k = *state;
    fake_start(&k->fake, SILENT, FAKE_READ_ALL, 0);
    set_printer(k, k->fake.path);
    Outcome o;
    raise_appeal(k, S_PRINT_SENT, &o);
    fake_stop(&k->fake);
    Fake *f = &k->fake;
    assert_false(f->timed_out);
    assert_int_equal(f->error, 0);
    assert_int_equal(f->asked[0], 1); /* it stops asking after the first silence */
    assert_int_equal(f->asked[1] + f->asked[2], 0);
    Grey g;
    decode_job(f->job, f->len, &g);
    char *got = zbar_read(&g);
    assert_string_equal(got, o.url);
    free(got);
    free(g.px);
}

/* No device at the configured path. */
static void test_printer_absent(void **state)
{
    Kiosk *k = *state;
    char *path = tu_path(k->dir, "no-printer");
    set_printer(k, path);
    Outcome o;
    raise_appeal(k, S_PRINT_NONE, &o);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_printer_fine, case_teardown),
        cmocka_unit_test_teardown(test_printer_paper_out, case_teardown),
        cmocka_unit_test_teardown(test_printer_hangs_up, case_teardown),
        cmocka_unit_test_teardown(test_printer_silent, case_teardown),
        cmocka_unit_test_teardown(test_printer_absent, case_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
