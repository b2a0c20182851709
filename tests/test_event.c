/*
 * test_event.c: SDL input to the app's events (src/ui/event.c).
 *
 * event_map_point for every rotation: the panel's corners land on the
 * logical corners the turned image puts there, every panel pixel maps into
 * the logical screen, and a round trip through the forward mapping written
 * here (logical pixel to panel pixel, as display_finish turns the frame)
 * gives back the same point; a window scaled 2x maps to the same logical
 * pixels. event_from_sdl on synthetic events (no video needed): fingers in
 * normalised coordinates become logical pixels, the edge of the glass
 * (1.0) stays on screen, a second finger is ignored while the first is
 * down, mouse events synthesised from touches and other buttons are
 * ignored, quit, keys and text input. event_key_from_name for every name a
 * script may use and near misses. Last, one real headless display checks
 * that the mapping agrees with the way display.c actually turns the frame:
 * a mark drawn at a logical corner shows on the panel where a touch at
 * that panel pixel maps back to it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "display.h"
#include "event.h"
#include "testutil.h"

/* A map for a logical screen lw x lh turned by rot onto a panel of its
 * size times scale. */
static EventMap map_for(int lw, int lh, int rot, int scale)
{
    EventMap m;
    memset(&m, 0, sizeof m);
    m.log_w = lw;
    m.log_h = lh;
    m.rotation = rot;
    m.win_w = (rot % 180 ? lh : lw) * scale;
    m.win_h = (rot % 180 ? lw : lh) * scale;
    return m;
}

/* Where logical pixel (lx, ly) shows on the panel (scale 1): the frame
 * turned clockwise by rot degrees, as SDL_RenderCopyEx turns it. */
static void forward(const EventMap *m, int lx, int ly, int *px, int *py)
{
    switch (m->rotation) {
    case 90: /* the logical top-left goes to the panel's top-right */
        *px = m->log_h - 1 - ly;
        *py = lx;
        break;
    case 180:
        *px = m->log_w - 1 - lx;
        *py = m->log_h - 1 - ly;
        break;
    case 270: /* the logical top-left goes to the panel's bottom-left */
        *px = ly;
        *py = m->log_w - 1 - lx;
        break;
    default:
        *px = lx;
        *py = ly;
    }
}

static void map(const EventMap *m, int wx, int wy, int *lx, int *ly)
{
    *lx = *ly = -12345;
    event_map_point(m, wx, wy, lx, ly);
}

static void test_map_corners(void **state)
{
    (void)state;
    const int lw = 800, lh = 1280; /* a portrait app on a landscape panel, and the others */
    for (int rot = 0; rot < 360; rot += 90) {
        EventMap m = map_for(lw, lh, rot, 1);
        int W = m.win_w - 1, H = m.win_h - 1;
        /* The panel's corners in order TL, TR, BR, BL, and the logical
         * corner each must show: the frame turned clockwise moves every
         * corner one place on per 90 degrees. */
        const int pc[4][2] = {{0, 0}, {W, 0}, {W, H}, {0, H}};
        const int lc[4][2] = {{0, 0}, {lw - 1, 0}, {lw - 1, lh - 1}, {0, lh - 1}};
        int turn = rot / 90;
        for (int i = 0; i < 4; i++) {
            int x, y;
            map(&m, pc[i][0], pc[i][1], &x, &y);
            const int *want = lc[(i - turn + 4) % 4];
            if (x != want[0] || y != want[1])
                print_error("rotation %d: panel (%d,%d) -> (%d,%d), want (%d,%d)\n", rot,
                            pc[i][0], pc[i][1], x, y, want[0], want[1]);
            assert_int_equal(x, want[0]);
            assert_int_equal(y, want[1]);
        }
    }
}

static void test_map_round_trip(void **state)
{
    (void)state;
    const int sizes[2][2] = {{1280, 800}, {1080, 1920}};
    uint32_t seed = 12345;
    for (int s = 0; s < 2; s++)
        for (int rot = 0; rot < 360; rot += 90) {
            EventMap m = map_for(sizes[s][0], sizes[s][1], rot, 1);
            for (int k = 0; k < 5000; k++) {
                seed = seed * 1103515245u + 12345u;
                int lx = (int)((seed >> 8) % (uint32_t)m.log_w);
                seed = seed * 1103515245u + 12345u;
                int ly = (int)((seed >> 8) % (uint32_t)m.log_h);
                int px, py, bx, by;
                forward(&m, lx, ly, &px, &py);
                assert_true(px >= 0 && px < m.win_w && py >= 0 && py < m.win_h);
                map(&m, px, py, &bx, &by);
                if (bx != lx || by != ly)
                    print_error("rotation %d: (%d,%d) -> panel (%d,%d) -> (%d,%d)\n", rot, lx, ly,
                                px, py, bx, by);
                assert_int_equal(bx, lx);
                assert_int_equal(by, ly);
            }
            /* Every panel pixel of the edges maps into the logical screen. */
            for (int x = 0; x < m.win_w; x++)
                for (int e = 0; e < 2; e++) {
                    int lx, ly;
                    map(&m, x, e ? m.win_h - 1 : 0, &lx, &ly);
                    assert_true(lx >= 0 && lx < m.log_w && ly >= 0 && ly < m.log_h);
                }
        }
}

static void test_map_scaled(void **state)
{
    (void)state;
    /* A window twice the logical size (the panel scaled): each 2x2 block
     * of panel pixels is one logical pixel. */
    for (int rot = 0; rot < 360; rot += 90) {
        EventMap m1 = map_for(1280, 800, rot, 1), m2 = map_for(1280, 800, rot, 2);
        for (int px = 0; px < m1.win_w; px += 37)
            for (int py = 0; py < m1.win_h; py += 23)
                for (int d = 0; d < 4; d++) {
                    int ax, ay, bx, by;
                    map(&m1, px, py, &ax, &ay);
                    map(&m2, 2 * px + (d & 1), 2 * py + (d >> 1), &bx, &by);
                    assert_int_equal(ax, bx);
                    assert_int_equal(ay, by);
                }
    }
}

static SDL_Event finger(Uint32 type, SDL_FingerID id, float x, float y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.tfinger.type = type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = id;
    e.tfinger.x = x;
    e.tfinger.y = y;
    e.tfinger.pressure = 1;
    return e;
}

static void test_finger(void **state)
{
    (void)state;
    EventMap m = map_for(1280, 800, 0, 1);
    AppEvent ev;
    SDL_Event e = finger(SDL_FINGERDOWN, 7, 0.5f, 0.25f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_DOWN);
    assert_int_equal(ev.x, 640);
    assert_int_equal(ev.y, 200);
    e = finger(SDL_FINGERMOTION, 7, 0.75f, 0.5f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_MOVE);
    assert_int_equal(ev.x, 960);
    assert_int_equal(ev.y, 400);
    e = finger(SDL_FINGERUP, 7, 0.1f, 0.9f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_UP);
    assert_int_equal(ev.x, 128);
    assert_int_equal(ev.y, 720);
    /* Motion after the finger is up: nothing. */
    e = finger(SDL_FINGERMOTION, 7, 0.2f, 0.2f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);

    /* Rotated: the panel is 800 x 1280 and the app's screen 1280 x 800
     * turned 90 degrees; the panel's top-right corner is the app's origin. */
    EventMap r = map_for(1280, 800, 90, 1);
    e = finger(SDL_FINGERDOWN, 1, 0.999f, 0.0f);
    assert_int_equal(event_from_sdl(&e, &r, &ev), 1);
    assert_int_equal(ev.x, 0);
    assert_int_equal(ev.y, 0);
    e = finger(SDL_FINGERUP, 1, 0.999f, 0.0f);
    assert_int_equal(event_from_sdl(&e, &r, &ev), 1);
}

static void test_finger_edge(void **state)
{
    (void)state;
    /* The far edge of the glass reports 1.0 (evdev: (value - min) / (max -
     * min)); a finger there must still be on the screen, at the last
     * pixel, whatever the rotation. */
    for (int rot = 0; rot < 360; rot += 90) {
        EventMap m = map_for(1280, 800, rot, 1);
        const float xs[3] = {0.0f, 1.0f, 0.5f}, ys[3] = {1.0f, 1.0f, 1.0f};
        for (int i = 0; i < 3; i++) {
            AppEvent ev;
            SDL_Event e = finger(SDL_FINGERDOWN, 3, xs[i], ys[i]);
            assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
            if (ev.x < 0 || ev.x >= 1280 || ev.y < 0 || ev.y >= 800)
                print_error("rotation %d: finger at (%.1f, %.1f) maps to (%d, %d), off screen\n",
                            rot, (double)xs[i], (double)ys[i], ev.x, ev.y);
            assert_true(ev.x >= 0 && ev.x < 1280);
            assert_true(ev.y >= 0 && ev.y < 800);
            e = finger(SDL_FINGERUP, 3, xs[i], ys[i]);
            assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
            assert_true(ev.x >= 0 && ev.x < 1280 && ev.y >= 0 && ev.y < 800);
        }
        /* Rotation 0: the bottom-right corner is the last pixel. */
        if (rot == 0) {
            AppEvent ev;
            SDL_Event e = finger(SDL_FINGERDOWN, 3, 1.0f, 1.0f);
            assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
            assert_int_equal(ev.x, 1279);
            assert_int_equal(ev.y, 799);
        }
    }
}

static void test_second_finger(void **state)
{
    (void)state;
    EventMap m = map_for(1280, 800, 0, 1);
    AppEvent ev;
    SDL_Event e = finger(SDL_FINGERDOWN, 1, 0.1f, 0.1f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    /* A second finger: down, moves and up are all ignored... */
    e = finger(SDL_FINGERDOWN, 2, 0.9f, 0.9f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    e = finger(SDL_FINGERMOTION, 2, 0.8f, 0.8f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    e = finger(SDL_FINGERUP, 2, 0.8f, 0.8f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    /* ... and do not end the first one's touch. */
    assert_int_equal(m.finger_down, 1);
    e = finger(SDL_FINGERMOTION, 1, 0.2f, 0.1f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_MOVE);
    assert_int_equal(ev.x, 256);
    e = finger(SDL_FINGERUP, 1, 0.2f, 0.1f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_UP);
    /* Once the first is lifted, another finger counts. */
    e = finger(SDL_FINGERDOWN, 2, 0.5f, 0.5f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_DOWN);
    assert_int_equal(ev.x, 640);
    assert_int_equal(ev.y, 400);
}

static int one_finger(SDL_TouchID touch)
{
    (void)touch;
    return 1; /* only the new finger is on the glass */
}

/* The followed finger's lift was lost (the controller reset): the panel
 * says one finger is down, the new one, so it is followed. */
static void test_lost_lift(void **state)
{
    (void)state;
    EventMap m = map_for(1280, 800, 0, 1);
    m.count_fingers = one_finger;
    AppEvent ev;
    SDL_Event e = finger(SDL_FINGERDOWN, 1, 0.1f, 0.1f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    e = finger(SDL_FINGERDOWN, 2, 0.5f, 0.5f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_DOWN);
    assert_int_equal(ev.x, 640);
    e = finger(SDL_FINGERUP, 2, 0.5f, 0.5f);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_UP);
    e = finger(SDL_FINGERUP, 1, 0.1f, 0.1f); /* the old one, late: ignored */
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
}

static SDL_Event button(Uint32 type, Uint32 which, Uint8 b, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.button.type = type;
    e.button.which = which;
    e.button.button = b;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    return e;
}

static SDL_Event motion(Uint32 which, Uint32 buttons, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEMOTION;
    e.motion.type = SDL_MOUSEMOTION;
    e.motion.which = which;
    e.motion.state = buttons;
    e.motion.x = x;
    e.motion.y = y;
    return e;
}

static void test_mouse(void **state)
{
    (void)state;
    EventMap m = map_for(1280, 800, 0, 1);
    AppEvent ev;
    SDL_Event e = button(SDL_MOUSEBUTTONDOWN, 0, SDL_BUTTON_LEFT, 100, 200);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_DOWN);
    assert_int_equal(ev.x, 100);
    assert_int_equal(ev.y, 200);
    e = motion(0, SDL_BUTTON_LMASK, 110, 210);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_MOVE);
    assert_int_equal(ev.x, 110);
    assert_int_equal(ev.y, 210);
    e = button(SDL_MOUSEBUTTONUP, 0, SDL_BUTTON_LEFT, 120, 220);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_UP);
    assert_int_equal(ev.x, 120);
    /* Hovering (no button held) is no event. */
    e = motion(0, 0, 130, 230);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    /* Mouse events SDL makes from touches: ignored (the finger events count). */
    e = button(SDL_MOUSEBUTTONDOWN, SDL_TOUCH_MOUSEID, SDL_BUTTON_LEFT, 100, 200);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    e = motion(SDL_TOUCH_MOUSEID, SDL_BUTTON_LMASK, 110, 210);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    e = button(SDL_MOUSEBUTTONUP, SDL_TOUCH_MOUSEID, SDL_BUTTON_LEFT, 100, 200);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    /* Right and middle buttons: ignored; a right-drag is no drag. */
    e = button(SDL_MOUSEBUTTONDOWN, 0, SDL_BUTTON_RIGHT, 100, 200);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    e = motion(0, SDL_BUTTON_RMASK, 110, 210);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    e = button(SDL_MOUSEBUTTONUP, 0, SDL_BUTTON_RIGHT, 100, 200);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    e = button(SDL_MOUSEBUTTONDOWN, 0, SDL_BUTTON_MIDDLE, 100, 200);
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    /* The wheel: notches up (away) positive, a flipped wheel turned back;
     * none from a touch, and a sideways-only turn is nothing. */
    SDL_Event w;
    memset(&w, 0, sizeof w);
    w.type = SDL_MOUSEWHEEL;
    w.wheel.type = SDL_MOUSEWHEEL;
    w.wheel.y = 2;
    assert_int_equal(event_from_sdl(&w, &m, &ev), 1);
    assert_int_equal(ev.type, EV_WHEEL);
    assert_int_equal(ev.y, 2);
    w.wheel.direction = SDL_MOUSEWHEEL_FLIPPED;
    assert_int_equal(event_from_sdl(&w, &m, &ev), 1);
    assert_int_equal(ev.y, -2);
    w.wheel.y = 0;
    w.wheel.x = 1;
    assert_int_equal(event_from_sdl(&w, &m, &ev), 0);
    w.wheel.y = 1;
    w.wheel.which = SDL_TOUCH_MOUSEID;
    assert_int_equal(event_from_sdl(&w, &m, &ev), 0);
    /* Rotated, the mouse is mapped like a finger. */
    EventMap r = map_for(1280, 800, 270, 1); /* panel 800 x 1280 */
    e = button(SDL_MOUSEBUTTONDOWN, 0, SDL_BUTTON_LEFT, 0, 1279);
    assert_int_equal(event_from_sdl(&e, &r, &ev), 1);
    assert_int_equal(ev.x, 0);
    assert_int_equal(ev.y, 0);
}

static void test_quit_text_keys(void **state)
{
    (void)state;
    EventMap m = map_for(1280, 800, 0, 1);
    AppEvent ev;
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_QUIT;
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_QUIT);

    memset(&e, 0, sizeof e);
    e.type = SDL_TEXTINPUT;
    snprintf(e.text.text, sizeof e.text.text, "%s", "回音3");
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(ev.type, EV_TEXT);
    assert_string_equal(ev.text, "回音3");
    /* The longest text SDL can send (31 bytes) arrives whole. */
    memset(e.text.text, 'x', sizeof e.text.text - 1);
    e.text.text[sizeof e.text.text - 1] = 0;
    assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
    assert_int_equal(strlen(ev.text), sizeof e.text.text - 1);

    static const struct {
        SDL_Keycode sym;
        int key;
    } keys[] = {{SDLK_RETURN, KEY_RETURN},       {SDLK_KP_ENTER, KEY_RETURN},
                {SDLK_BACKSPACE, KEY_BACKSPACE}, {SDLK_ESCAPE, KEY_ESCAPE},
                {SDLK_TAB, KEY_TAB},             {SDLK_LEFT, KEY_LEFT},
                {SDLK_RIGHT, KEY_RIGHT},         {SDLK_UP, KEY_UP},
                {SDLK_DOWN, KEY_DOWN},           {SDLK_HOME, KEY_HOME},
                {SDLK_END, KEY_END},             {SDLK_DELETE, KEY_DELETE},
                {SDLK_SPACE, KEY_SPACE},         {SDLK_F1, KEY_F1},
                {SDLK_F5, KEY_F1 + 4},           {SDLK_F12, KEY_F1 + 11}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        memset(&e, 0, sizeof e);
        e.type = SDL_KEYDOWN;
        e.key.keysym.sym = keys[i].sym;
        assert_int_equal(event_from_sdl(&e, &m, &ev), 1);
        assert_int_equal(ev.type, EV_KEY);
        assert_int_equal(ev.key, keys[i].key);
    }
    /* Keys the app has no use for, key releases and other events: nothing. */
    const SDL_Keycode other[] = {SDLK_a, SDLK_F13, SDLK_LSHIFT, SDLK_0};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        memset(&e, 0, sizeof e);
        e.type = SDL_KEYDOWN;
        e.key.keysym.sym = other[i];
        assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    }
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYUP;
    e.key.keysym.sym = SDLK_ESCAPE;
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEWHEEL;
    assert_int_equal(event_from_sdl(&e, &m, &ev), 0);
}

static void test_key_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int key;
    } ok[] = {{"Return", KEY_RETURN}, {"BackSpace", KEY_BACKSPACE}, {"Escape", KEY_ESCAPE},
              {"Tab", KEY_TAB},       {"Left", KEY_LEFT},           {"Right", KEY_RIGHT},
              {"Up", KEY_UP},         {"Down", KEY_DOWN},           {"Home", KEY_HOME},
              {"End", KEY_END},       {"Delete", KEY_DELETE},       {"Space", KEY_SPACE},
              {"F1", KEY_F1},         {"F9", KEY_F1 + 8},           {"F10", KEY_F1 + 9},
              {"F11", KEY_F1 + 10},   {"F12", KEY_F1 + 11}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (event_key_from_name(ok[i].name) != ok[i].key)
            print_error("%s\n", ok[i].name);
        assert_int_equal(event_key_from_name(ok[i].name), ok[i].key);
    }
    static const char *const bad[] = {"F13", "F0",  "F01",    "F",        "F1x",  "F123",
                                      "f1",  "F20", "return", "RETURN",   "",     "Backspace",
                                      " Up", "Up ", "Esc",    "Escape\n", "F-1",  "F99"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (event_key_from_name(bad[i]) != KEY_NONE)
            print_error("\"%s\" is a key\n", bad[i]);
        assert_int_equal(event_key_from_name(bad[i]), KEY_NONE);
    }
}

/* The logical frame's pixel at (x, y) after display_finish has turned it
 * onto the panel: read from the window's surface. */
static Uint32 panel_pixel(Display *d, int x, int y)
{
    SDL_Rect r = {x, y, 1, 1};
    Uint32 px = 0;
    assert_int_equal(SDL_RenderReadPixels(d->r, &r, SDL_PIXELFORMAT_ARGB8888, &px, 4), 0);
    return px & 0xFFFFFF;
}

static void test_display_agrees(void **state)
{
    (void)state;
    /* The mapping must match what display.c draws: a red 8 x 8 mark at the
     * logical top-left and a blue one at the logical top-right; on the
     * panel, a touch on each mark must map back into it. */
    for (int rot = 0; rot < 360; rot += 90) {
        Display d;
        DisplaySpec spec = {.w = 320, .h = 240, .headless = 1, .rotation = rot};
        char err[256] = "";
        int rc = display_open(&d, &spec, err, sizeof err);
        if (rc)
            print_error("display_open: %s\n", err);
        assert_int_equal(rc, 0);
        display_begin(&d);
        SDL_SetRenderDrawColor(d.r, 0, 0, 0, 255);
        SDL_RenderClear(d.r);
        SDL_Rect tl = {0, 0, 8, 8}, tr = {d.log_w - 8, 0, 8, 8};
        SDL_SetRenderDrawColor(d.r, 255, 0, 0, 255);
        SDL_RenderFillRect(d.r, &tl);
        SDL_SetRenderDrawColor(d.r, 0, 0, 255, 255);
        SDL_RenderFillRect(d.r, &tr);
        display_finish(&d);
        /* Find the marks on the panel and map each of their pixels back. */
        int reds = 0, blues = 0;
        for (int y = 0; y < d.map.win_h; y++)
            for (int x = 0; x < d.map.win_w; x++) {
                if ((x > 10 && x < d.map.win_w - 11) && (y > 10 && y < d.map.win_h - 11))
                    continue; /* only near the panel's corners */
                Uint32 c = panel_pixel(&d, x, y);
                if (c != 0xFF0000 && c != 0x0000FF)
                    continue;
                int lx, ly;
                event_map_point(&d.map, x, y, &lx, &ly);
                const SDL_Rect *want = c == 0xFF0000 ? &tl : &tr;
                if (lx < want->x || lx >= want->x + 8 || ly < 0 || ly >= 8)
                    print_error("rotation %d: panel (%d,%d) shows the %s mark but maps to "
                                "(%d,%d)\n",
                                rot, x, y, c == 0xFF0000 ? "top-left" : "top-right", lx, ly);
                assert_true(lx >= want->x && lx < want->x + 8 && ly >= 0 && ly < 8);
                if (c == 0xFF0000)
                    reds++;
                else
                    blues++;
            }
        assert_int_equal(reds, 64);
        assert_int_equal(blues, 64);
        display_close(&d);
    }
    SDL_Quit();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_corners),     cmocka_unit_test(test_map_round_trip),
        cmocka_unit_test(test_map_scaled),      cmocka_unit_test(test_finger),
        cmocka_unit_test(test_finger_edge),     cmocka_unit_test(test_second_finger),
        cmocka_unit_test(test_lost_lift),
        cmocka_unit_test(test_mouse),           cmocka_unit_test(test_quit_text_keys),
        cmocka_unit_test(test_key_names),       cmocka_unit_test(test_display_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
