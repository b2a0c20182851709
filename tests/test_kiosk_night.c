/*
 * test_kiosk_night.c: the hall screen at night (screen.night).
 *
 * The demo hall's kiosk on the offscreen driver, its clock pinned to an
 * evening and moved on by the app's own clock: left idle on Home past
 * 22:00 the screen goes dark (every pixel black, nothing to press, no
 * attract-loop redraws); the first touch only lights it (the tile under the
 * finger is not pressed); a screen in use never goes dark; a stick lights
 * it; the morning lights it by itself; "off" and an office desk never
 * sleep.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "config.h"
#include "db.h"
#include "display.h"
#include "source.h"
#include "testutil.h"

#define IDLE_S 90

typedef struct Night {
    char *dir;
    sqlite3 *db;
    Source src;
    Display d;
    App *a;
    char *fonts, *assets;
    StickStatus stick; /* what the fake stick reports */
} Night;

static void fake_stick(void *ctx, StickStatus *out)
{
    *out = ((Night *)ctx)->stick;
}

/* Epoch ms of hh:mm CST on 2026-11-28. */
static int64_t at(int hh, int mm)
{
    int64_t day;
    assert_int_equal(clock_parse_day("2026-11-28", &day), 0);
    return day * CLOCK_DAY_MS - CLOCK_CST_OFFSET_MS + ((int64_t)hh * 60 + mm) * 60000;
}

/* The demo hall's kiosk at hh:mm with screen.night = night. */
static void start(Night *n, int hh, int mm, const char *night)
{
    memset(n, 0, sizeof *n);
    tu_pin_day("2026-11-28");
    int64_t day;
    assert_int_equal(clock_parse_day("2026-11-28", &day), 0);
    n->dir = tu_tmpdir();
    n->db = tu_demo_db(n->dir, "night.db", 0, "H07", day);
    clock_set_fixed(at(hh, mm));
    source_init(&n->src, n->db);
    n->src.stick = fake_stick;
    n->src.stick_ctx = n;
    DisplaySpec spec = {.w = 1280, .h = 800, .headless = 1};
    char err[512] = "";
    int rc = display_open(&n->d, &spec, err, sizeof err);
    if (rc)
        print_error("display_open: %s\n", err);
    assert_int_equal(rc, 0);
    IMG_Init(IMG_INIT_PNG);
    const char *data = getenv("ECHOWALL_DATA");
    assert_non_null(data);
    n->fonts = tu_path(data, "fonts");
    n->assets = tu_path(data, "assets");
    AppConfig cfg = {.lang = LANG_ZH, .px_per_mm = 5.6, .idle_s = IDLE_S, .fontdir = n->fonts,
                     .assetdir = n->assets};
    assert_int_equal(config_parse_night(night, &cfg.night_from, &cfg.night_to), 0);
    n->a = app_new(n->d.r, n->d.log_w, n->d.log_h, &cfg, &n->src, err, sizeof err);
    assert_non_null(n->a);
}

static void stop(Night *n)
{
    app_free(n->a);
    display_close(&n->d);
    IMG_Quit();
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    free(n->fonts);
    free(n->assets);
    db_close(n->db);
    tu_rmdir(n->dir);
    free(n->dir);
    clock_set_fixed(0);
}

static void frame(Night *n)
{
    display_begin(&n->d);
    app_frame(n->a);
}

/* 1 when every pixel of the frame just drawn is black. */
static int all_black(Night *n)
{
    int w = n->d.log_w, h = n->d.log_h;
    Uint32 *px = malloc((size_t)w * (size_t)h * 4);
    assert_non_null(px);
    assert_int_equal(SDL_RenderReadPixels(n->d.r, NULL, SDL_PIXELFORMAT_ARGB8888, px, w * 4), 0);
    int black = 1;
    for (long i = 0; i < (long)w * h && black; i++)
        black = (px[i] & 0xFFFFFF) == 0;
    free(px);
    return black;
}

/* Moves on by s seconds, drawing whenever the app asks (as the live loop
 * does). */
static void pass(Night *n, int s)
{
    for (int i = 0; i < s; i++) {
        app_advance(n->a, 1000);
        if (app_wants_frame(n->a))
            frame(n);
    }
}

static void tap(Night *n, int x, int y)
{
    app_push_pointer(n->a, EV_DOWN, x, y);
    app_push_pointer(n->a, EV_UP, x, y);
    frame(n);
}

static void tap_label(Night *n, const char *label)
{
    int x, y;
    char msg[512];
    if (app_find_control(n->a, label, 0, &x, &y, msg, sizeof msg) != 0)
        print_error("%s\n", msg);
    tap(n, x, y);
}

static void test_dark_at_night_and_the_first_touch(void **state)
{
    (void)state;
    Night n;
    start(&n, 21, 58, "22:00-06:00");
    frame(&n);
    assert_string_equal(app_screen_name(n.a), "home");
    pass(&n, 100); /* 21:59:40, idle 100 s: still evening */
    assert_false(app_asleep(n.a));
    assert_true(app_text_visible(n.a, "看回音壁"));
    pass(&n, 30); /* 22:00:10 */
    assert_true(app_asleep(n.a));
    assert_string_equal(app_screen_name(n.a), "asleep");
    assert_true(all_black(&n));
    assert_false(app_text_visible(n.a, "看回音壁"));
    char list[256];
    app_list_controls(n.a, list, sizeof list);
    assert_string_equal(list, ""); /* nothing to press in the dark */
    /* Dark and still: no frames wanted for minutes (no attract loop). */
    for (int i = 0; i < 600; i++) {
        app_advance(n.a, 1000);
        assert_false(app_wants_frame(n.a));
    }
    /* The first touch, right on 看回音壁, only lights the screen. */
    int x = n.d.log_w / 4, y = n.d.log_h / 2;
    tap(&n, x, y);
    assert_false(app_asleep(n.a));
    assert_string_equal(app_screen_name(n.a), "home");
    assert_true(app_text_visible(n.a, "看回音壁"));
    assert_false(all_black(&n));
    /* Lit, it works as by day: the villager reads the wall for a while. */
    tap_label(&n, "看回音壁");
    assert_string_equal(app_screen_name(n.a), "wall");
    pass(&n, 60);
    assert_false(app_asleep(n.a)); /* a screen in use never goes dark */
    assert_string_equal(app_screen_name(n.a), "wall");
    /* Walked away: the idle count-down, then Home goes dark at once. */
    pass(&n, 25);
    assert_string_equal(app_screen_name(n.a), "wall");
    assert_true(app_text_visible(n.a, "还在使用吗"));
    pass(&n, 10);
    assert_true(app_asleep(n.a));
    tap(&n, 5, 5);
    assert_string_equal(app_screen_name(n.a), "home");
    pass(&n, IDLE_S + 1);
    assert_true(app_asleep(n.a));
    /* A key (a barcode scanner types) lights it and is not swallowed. */
    AppEvent ev = {.type = EV_TEXT};
    strcpy(ev.text, "7");
    app_push(n.a, &ev);
    frame(&n);
    assert_false(app_asleep(n.a));
    stop(&n);
}

static void test_morning_and_stick(void **state)
{
    (void)state;
    Night n;
    start(&n, 5, 50, "22:00-06:00");
    frame(&n);
    pass(&n, 95);
    assert_true(app_asleep(n.a));
    /* A stick at night: staff must see it sync. */
    n.stick.state = STICK_RUNNING;
    n.stick.serial = 1;
    snprintf(n.stick.phase, sizeof n.stick.phase, "import");
    pass(&n, 1);
    assert_false(app_asleep(n.a));
    assert_false(all_black(&n));
    n.stick.state = STICK_DONE;
    pass(&n, 1);
    /* Read, closed, left: dark again after the idle time. */
    tap_label(&n, "确认");
    pass(&n, IDLE_S + 2);
    assert_true(app_asleep(n.a));
    pass(&n, 5 * 60); /* 05:58:09: still night */
    assert_true(app_asleep(n.a));
    /* 06:00: the morning lights the screen by itself. */
    pass(&n, 2 * 60);
    assert_false(app_asleep(n.a));
    assert_string_equal(app_screen_name(n.a), "home");
    assert_true(app_text_visible(n.a, "看回音壁"));
    pass(&n, 3 * IDLE_S); /* day: never dark */
    assert_false(app_asleep(n.a));
    stop(&n);
}

static void test_never_off(void **state)
{
    (void)state;
    Night n;
    start(&n, 23, 0, "off");
    frame(&n);
    pass(&n, 3 * IDLE_S);
    assert_false(app_asleep(n.a));
    assert_true(app_text_visible(n.a, "看回音壁"));
    stop(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dark_at_night_and_the_first_touch),
        cmocka_unit_test(test_morning_and_stick),
        cmocka_unit_test(test_never_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
