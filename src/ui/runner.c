/*
 * runner.c: see runner.h.
 */
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ew.h"

int runner_frame(App *a, Display *d, const char *shot, char *err, size_t errlen)
{
    display_begin(d);
    app_frame(a);
    int rc = 0;
    if (shot)
        rc = display_screenshot(d, shot, err, errlen);
    display_finish(d);
    return rc;
}

static void tap(App *a, Display *d, int x, int y)
{
    /* Down and up at the same instant: no frame between (the pressed look
     * lasts no time), both are handled in order by the next frame. */
    app_push_pointer(a, EV_DOWN, x, y);
    app_push_pointer(a, EV_UP, x, y);
    runner_frame(a, d, NULL, NULL, 0);
}

static void drag(App *a, Display *d, const Step *s)
{
    app_push_pointer(a, EV_DOWN, s->x1, s->y1);
    runner_frame(a, d, NULL, NULL, 0);
    int n = s->ms / 16;
    if (n < 1)
        n = 1;
    for (int i = 1; i <= n; i++) {
        app_advance(a, s->ms / n);
        app_push_pointer(a, EV_MOVE, s->x1 + (s->x2 - s->x1) * i / n, s->y1 + (s->y2 - s->y1) * i / n);
        runner_frame(a, d, NULL, NULL, 0);
    }
    app_push_pointer(a, EV_UP, s->x2, s->y2);
    runner_frame(a, d, NULL, NULL, 0);
}

static void type(App *a, const char *text)
{
    size_t len = strlen(text), i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ew_utf8_next((const unsigned char *)text + i, len - i, &cp);
        if (n == 0)
            n = 1;
        AppEvent ev = {0};
        ev.type = EV_TEXT;
        memcpy(ev.text, text + i, n);
        app_push(a, &ev);
        app_handle(a); /* one at a time: a long TEXT must not overflow the app's queue */
        i += n;
    }
}

int runner_run(App *a, Display *d, const Script *s, const char *shotdir, int *line, char *msg,
               size_t msglen)
{
    int made = 0; /* shotdir is made at the first screenshot, so its error names a line */
    runner_frame(a, d, NULL, NULL, 0);
    for (size_t i = 0; i < s->n; i++) {
        const Step *st = &s->steps[i];
        *line = st->line;
        msg[0] = 0;
        switch (st->kind) {
        case STEP_TAP:
            tap(a, d, st->x1, st->y1);
            break;
        case STEP_DRAG:
            drag(a, d, st);
            break;
        case STEP_PRESS: {
            int x, y;
            if (app_find_control(a, st->text, st->nth, &x, &y, msg, msglen) != 0)
                return -1;
            tap(a, d, x, y);
            break;
        }
        case STEP_EXPECT:
            if (!app_text_visible(a, st->text)) {
                snprintf(msg, msglen, "\"%s\" is not visible on the %s screen", st->text,
                         app_screen_name(a));
                return -1;
            }
            break;
        case STEP_TYPE:
            type(a, st->text);
            runner_frame(a, d, NULL, NULL, 0);
            break;
        case STEP_KEY: {
            AppEvent ev = {0};
            ev.type = EV_KEY;
            ev.key = event_key_from_name(st->text);
            app_push(a, &ev);
            runner_frame(a, d, NULL, NULL, 0);
            break;
        }
        case STEP_WAIT:
            app_advance(a, st->ms);
            runner_frame(a, d, NULL, NULL, 0);
            break;
        case STEP_SCREENSHOT: {
            if (shotdir && !made) {
                if (mkdir(shotdir, 0755) != 0 && errno != EEXIST) {
                    snprintf(msg, msglen, "cannot make %s: %s", shotdir, strerror(errno));
                    return -1;
                }
                made = 1;
            }
            char path[4200];
            snprintf(path, sizeof path, "%s/%s.png", shotdir ? shotdir : ".", st->text);
            if (runner_frame(a, d, path, msg, msglen) != 0)
                return -1;
            break;
        }
        }
        /* Background work (a stick being synced, a slip printing) finishes
         * within the step; frames go on meanwhile, as on the screen. */
        for (int waited = 0; app_busy(a) && waited < 120000; waited += 10) {
            SDL_Delay(10);
            app_poll(a);
            runner_frame(a, d, NULL, NULL, 0);
        }
        if (getenv("ECHOWALL_CHECK_TARGETS") && app_check_targets(a, msg, msglen) != 0)
            return -1;
        if (app_quit_requested(a))
            break;
    }
    return 0;
}
