/*
 * app.h: the kiosk application, independent of where its events come from.
 *
 * The App is driven from outside: events are pushed (app_push) in the
 * app's own form, its clock is advanced (app_advance), and a frame is drawn
 * when it asks for one (app_wants_frame, app_frame). The live loop in
 * src/kiosk feeds it SDL input and real time; the script runner feeds it
 * taps and `wait` steps; tests and the bench feed it directly. Screens are
 * views of the model (model.h) plus a handler: each frame records which
 * controls it drew (label, rectangle, enabled) and which texts are visible,
 * so a tap is resolved against what the villager actually saw, and a
 * script's `press` and `expect` read the same lists.
 */
#ifndef EW_APP_H
#define EW_APP_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "strings.h"

typedef enum {
    EV_DOWN,  /* finger or button down at x, y (logical pixels) */
    EV_MOVE,  /* moved while down */
    EV_UP,    /* lifted */
    EV_KEY,   /* key: one of the KEY_* below */
    EV_TEXT,  /* text input: text holds one or more UTF-8 characters */
    EV_QUIT,  /* the system asks the program to stop (SIGTERM, window closed) */
    EV_WHEEL  /* a mouse wheel: y notches, positive away from the user (back up the page) */
} EvType;

typedef enum {
    KEY_NONE = 0,
    KEY_RETURN, KEY_BACKSPACE, KEY_ESCAPE, KEY_TAB, KEY_LEFT, KEY_RIGHT, KEY_UP, KEY_DOWN,
    KEY_HOME, KEY_END, KEY_DELETE, KEY_SPACE, KEY_F1 /* .. KEY_F1 + 11 */
} KeyCode;

typedef struct AppEvent {
    EvType type;
    int x, y;      /* EV_DOWN/MOVE/UP; EV_WHEEL: y */
    int key;       /* EV_KEY */
    char text[32]; /* EV_TEXT */
} AppEvent;

typedef struct AppConfig {
    Lang lang;            /* starting language */
    double px_per_mm;     /* physical scale of the screen */
    int idle_s;           /* seconds without a touch before going Home (warning 10 s before) */
    const char *fontdir;  /* where the shipped fonts are */
    const char *assetdir; /* where assets/icons are */
    int allow_quit;       /* 1: EV_QUIT from a window close ends the program (desktop) */
    int cooldown_s;       /* seconds between two ballots */
    int night_from, night_to; /* screen.night in minutes of the day (CST): the screen
                               * goes dark while idle on Home; equal (0, 0) or -1: never */
    struct IconLoad *icons;   /* the icons being decoded (icons_start), taken and freed by
                               * app_new; NULL: app_new decodes them */
} AppConfig;

typedef struct App App;

/* Makes the app for a w x h logical screen drawn with r. NULL with a
 * message when the fonts cannot be opened. src is borrowed. */
App *app_new(SDL_Renderer *r, int w, int h, const AppConfig *cfg, const Source *src, char *err,
             size_t errlen);
void app_free(App *a);

/* Queues an event (dropped, counted, when the queue of 256 is full). */
void app_push(App *a, const AppEvent *ev);
/* Queues a pointer event (EV_DOWN, EV_MOVE, EV_UP) at logical (x, y). */
void app_push_pointer(App *a, EvType type, int x, int y);
/* Handles the queued events now (they are also handled by app_frame). */
void app_handle(App *a);
/* Moves the app's clock forward by ms, stepping animations and timers in
 * 16 ms steps. */
void app_advance(App *a, int64_t ms);
int64_t app_now(const App *a);
/* 1 when something changed or an animation runs. */
int app_wants_frame(const App *a);
/* Handles queued events and draws a frame onto the renderer's target. */
void app_frame(App *a);
/* 1 once the program should end (staff quit, or EV_QUIT when allowed). */
int app_quit_requested(const App *a);
/* A new logical size (a window resized). */
void app_resize(App *a, int w, int h);

/* What the last frame showed, for the script runner. Finds the centre of
 * the nth (1-based; 0 = the only one) enabled, visible control labelled
 * exactly label, in reading order. 0 when found; -1 with a message. */
int app_find_control(App *a, const char *label, int nth, int *x, int *y, char *msg, size_t msglen);
/* 1 when text is part of a text drawn, visible, in the last frame. */
int app_text_visible(const App *a, const char *text);
/* Every label of the last frame's enabled controls, comma separated. */
void app_list_controls(const App *a, char *out, size_t outlen);

/* Checks the last frame's touch targets (UI.md): each enabled, fully
 * visible control at least 12 mm wide and tall, at least 3 mm from its
 * neighbours. 0 when all pass; -1 with the first offender in msg. */
int app_check_targets(const App *a, char *msg, size_t msglen);

/* Looks at background work (the stick) now; done on every clock step too. */
void app_poll(App *a);
/* 1 while background work runs (a stick being synced): the script runner
 * waits for it in real time, so a script sees a sync as one step. */
int app_busy(const App *a);

/* Tells the app the wall time now (epoch ms); it counts on from there with
 * its own clock. The live loop calls it as it runs (the system clock may be
 * set by a sync); until then the app counts from clock_now_ms() at
 * app_new, which is what a script's `wait` moves on. */
void app_set_wall_ms(App *a, int64_t epoch_ms);
/* 1 while the screen is dark for the night (src/kiosk turns the panel off
 * too); the first touch, a key or a stick lights it, and so does the
 * morning. */
int app_asleep(const App *a);

/* The current screen's name (home, wall, detail, soon), for tests. */
const char *app_screen_name(const App *a);

#endif
