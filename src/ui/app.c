/*
 * app.c: the App's event queue, clock, input handling and frame, plus the
 * drawing helpers every screen uses (which also record what was shown).
 *
 * Input: a finger down presses the control under it (overlay controls
 * first; a modal overlay hides the screen's controls); lifting it on the
 * same control activates it after the frame. Moving more than 3 mm turns
 * the touch into a scroll of the current screen instead, and lifting then
 * flings it with the finger's speed. Every touch or key restarts the idle
 * timer; 10 s before the timeout a "still there?" overlay counts down, and
 * at the timeout the app returns Home.
 */
#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_strings checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "domain.h"
#include "ew.h"
#include "icons.h"

#define HOLD_MS 3000    /* staff: press and hold the hall's name */
#define TOAST_MS 2500
#define IDLE_WARN_MS 10000
#define ATTRACT_MS 8000
#define LOST_TOUCH_MS 60000 /* a touch without news this long was lifted unseen */

const char *const STATUS_FILTERS[] = {NULL, "received", "in_progress", "escalated", "solved",
                                      "overdue"};
const int N_STATUS_FILTERS = 6;

static void metrics(App *a)
{
    double k = a->cfg.px_per_mm > 0 ? a->cfg.px_per_mm : 5.6;
    Metrics *m = &a->m;
    m->pxmm = k;
    m->body = (int)(5.0 * k + 0.5);
    m->small = (int)(4.0 * k + 0.5);
    m->heading = (int)(7.0 * k + 0.5);
    m->title = (int)(10.0 * k + 0.5);
    m->figure = (int)(9.0 * k + 0.5);
    m->code = (int)(4.6 * k + 0.5);
    m->codebig = (int)(7.0 * k + 0.5);
    m->pad = (int)(4.0 * k + 0.5);
    m->gap = (int)(3.0 * k + 0.5);
    m->target = (int)(12.0 * k + 0.5);
    m->radius = (int)(1.5 * k + 0.5);
    m->bar = (int)(1.2 * k + 0.5);
}

static void load_icons(App *a, struct IconLoad *started)
{
    SDL_Surface *s[ICON_COUNT];
    char why[512];
    icons_finish(started, a->cfg.assetdir, s, why, sizeof why);
    if (why[0])
        fprintf(stderr, "echowall: icons are not shown: %s\n", why);
    for (int i = 0; i < ICON_COUNT; i++) {
        if (!s[i])
            continue; /* drawn without its icon; the word is always there */
        a->icons[i] = SDL_CreateTextureFromSurface(a->r, s[i]);
        SDL_FreeSurface(s[i]);
        if (a->icons[i]) {
            SDL_SetTextureBlendMode(a->icons[i], SDL_BLENDMODE_BLEND);
            SDL_SetTextureScaleMode(a->icons[i], SDL_ScaleModeLinear);
        }
    }
}

App *app_new(SDL_Renderer *r, int w, int h, const AppConfig *cfg, const Source *src, char *err,
             size_t errlen)
{
    Text *t = text_new(r, cfg->fontdir, err, errlen);
    if (!t) {
        icons_drop(cfg->icons);
        return NULL;
    }
    App *a = ew_xcalloc(1, sizeof *a);
    a->r = r;
    a->text = t;
    a->w = w;
    a->h = h;
    a->cfg = *cfg;
    if (a->cfg.idle_s < 20)
        a->cfg.idle_s = 20;
    a->lang = cfg->lang;
    a->src = src;
    a->pressed = 0;
    a->dirty = 1;
    a->wall.grade = -1;
    a->attract_page = -1;
    a->wall_base = clock_now_ms();
    metrics(a);
    load_icons(a, cfg->icons);
    a->cfg.icons = NULL;
    return a;
}

void app_free(App *a)
{
    if (!a)
        return;
    wall_reset(a);
    detail_reset(a);
    meeting_info_free(&a->meeting);
    meeting_info_free(&a->staff_meeting);
    candidates_free(&a->cands);
    cardlist_free(&a->pending);
    appeal_reset(a);
    meeting_result_free(&a->results);
    figures_free(&a->fig);
    cardlist_free(&a->recent);
    office_reset(a);
    figures_reset(a);
    for (int i = 0; i < 16; i++)
        if (a->icons[i])
            SDL_DestroyTexture(a->icons[i]);
    text_free(a->text);
    free(a->shown_buf);
    free(a);
}

void app_push(App *a, const AppEvent *ev)
{
    if (a->qlen == QUEUE_LEN) {
        a->dropped++;
        return;
    }
    a->queue[(a->qhead + a->qlen) % QUEUE_LEN] = *ev;
    a->qlen++;
}

void app_push_pointer(App *a, EvType type, int x, int y)
{
    AppEvent ev = {0};
    ev.type = type;
    ev.x = x;
    ev.y = y;
    app_push(a, &ev);
}

int64_t app_now(const App *a)
{
    return a->now;
}

int app_quit_requested(const App *a)
{
    return a->quit;
}

const char *app_screen_name(const App *a)
{
    static const char *const names[] = {
        [SCR_HOME] = "home",     [SCR_WALL] = "wall",     [SCR_DETAIL] = "detail",
        [SCR_SOON] = "soon",     [SCR_BALLOT] = "ballot", [SCR_THANKS] = "thanks",
        [SCR_RESULTS] = "results", [SCR_MEET_SETUP] = "meeting-setup", [SCR_TRACK] = "track",
        [SCR_APPEAL] = "appeal", [SCR_APPROVE] = "approve", [SCR_TOPIC] = "topic",
        [SCR_OFFICE] = "office", [SCR_OFFICE_CASE] = "office-case",
        [SCR_OFFICE_ASSIGN] = "office-assign", [SCR_OFFICE_PICK] = "office-pick",
        [SCR_OFFICE_TEXT] = "office-text", [SCR_FIGURES] = "figures",
        [SCR_OFFICE_DEVICES] = "office-devices", [SCR_OFFICE_FORM] = "office-form",
        [SCR_OFFICE_SETTINGS] = "office-settings", [SCR_OFFICE_MEETINGS] = "office-meetings",
        [SCR_OFFICE_PERSON] = "office-person", [SCR_OFFICE_ROUND] = "office-round",
        [SCR_RESTORE] = "restore"};
    _Static_assert(sizeof names / sizeof names[0] == SCR_RESTORE + 1, "a name per screen");
    if (a->asleep)
        return "asleep";
    if (a->screen == SCR_HOME && office_mode(a))
        return "office-login";
    if (a->screen == SCR_HOME && a->fig.blank && a->fig_loaded && !a->fig_failed)
        return "first-run";
    return names[a->screen];
}

void app_resize(App *a, int w, int h)
{
    if (w == a->w && h == a->h)
        return;
    a->w = w;
    a->h = h;
    a->wall.measured = 0; /* columns and line breaks depend on the width */
    free(a->wall.lay);
    a->wall.lay = a->wall.list.n ? ew_xcalloc((size_t)a->wall.list.n, sizeof *a->wall.lay) : NULL;
    a->dirty = 1;
}

void app_go(App *a, ScreenId s)
{
    if (a->screen == SCR_OFFICE_TEXT && s != SCR_OFFICE_TEXT)
        kb_clear(a); /* a note not sent, or a passphrase: not kept */
    if (a->rs.held && s != SCR_RESTORE && s != SCR_OFFICE_TEXT)
        restore_release(a); /* out of the restore: the stick syncs again */
    a->screen = s;
    a->overlay = OV_NONE;
    a->pressed = 0;
    a->dirty = 1;
    if (s == SCR_HOME) {
        a->fig_loaded = 0; /* fresh figures each time Home shows */
        a->attract_page = -1;
    }
}

/* Reads the stick's status; opens its overlay for a running sync or an
 * unread result, and reloads the screens once a sync has brought data. */
void app_poll(App *a)
{
    appeal_print(a);
    if (!a->src->stick)
        return;
    StickStatus st;
    a->src->stick(a->src->stick_ctx, &st);
    if (memcmp(&st, &a->stick, sizeof st) != 0)
        a->dirty = 1;
    a->stick = st;
    int show = st.state == STICK_RUNNING ||
               ((st.state == STICK_DONE || st.state == STICK_FAILED) && st.serial != a->stick_acked);
    if (show && a->overlay != OV_STICK) {
        a->overlay = OV_STICK;
        a->pressed = 0;
        a->down = 0;
        a->dirty = 1;
    }
    if (show && a->asleep) { /* a stick at night: staff must see its progress */
        a->asleep = 0;
        a->dirty = 1;
    }
    if (st.state == STICK_RUNNING)
        a->last_input = a->now; /* staff are at the screen: no idle prompt */
    if ((st.state == STICK_DONE || st.state == STICK_FAILED) && st.serial != a->stick_reloaded) {
        a->stick_reloaded = st.serial;
        a->fig_loaded = 0; /* new records: fresh figures and wall */
        a->wall.loaded = 0;
        a->wall.measured = 0;
    }
}

int app_busy(const App *a)
{
    if (a->screen == SCR_APPEAL && a->ap.step == AP_DONE && a->ap.print_state < 0)
        return 1; /* a slip about to print: scripts wait for how it went */
    return a->stick.state == STICK_RUNNING;
}

void app_load_figures(App *a)
{
    if (a->fig_loaded)
        return;
    char msg[256];
    figures_free(&a->fig);
    a->fig_failed = a->src->figures(a->src->ctx, &a->fig, msg, sizeof msg) != 0;
    if (a->fig_failed)
        SDL_Log("figures: %s", msg);
    cardlist_free(&a->recent);
    WallQuery q = {NULL, -1, "solved", RECENT_MAX};
    if (a->src->cards(a->src->ctx, &q, &a->recent, msg, sizeof msg) != 0)
        SDL_Log("recent: %s", msg);
    a->fig_loaded = 1;
}

void ui_toast(App *a, StrId id)
{
    a->toast = id;
    a->toast_until = a->now + TOAST_MS;
    a->dirty = 1;
}

/* Where 返回 and Escape lead from the screen showing. */
static ScreenId parent(const App *a)
{
    if (a->screen == SCR_DETAIL && a->detail.from_track)
        return SCR_TRACK;
    if (a->screen == SCR_TOPIC)
        return SCR_MEET_SETUP; /* the typed topic is dropped */
    if (a->screen == SCR_OFFICE_CASE || a->screen == SCR_OFFICE_DEVICES ||
        a->screen == SCR_OFFICE_SETTINGS || a->screen == SCR_OFFICE_MEETINGS)
        return SCR_OFFICE;
    if (a->screen == SCR_OFFICE_TEXT && a->off.text_for == OT_VOID)
        return SCR_OFFICE_MEETINGS; /* the reason typed is dropped */
    if (a->screen == SCR_OFFICE_TEXT && a->off.text_for == OT_SETTING)
        return SCR_OFFICE_SETTINGS; /* the value typed is dropped */
    if (a->screen == SCR_OFFICE_TEXT && a->off.text_for == OT_BACKUP)
        return SCR_OFFICE_DEVICES;
    if (a->screen == SCR_OFFICE_TEXT && a->off.text_for == OT_RESTORE)
        return SCR_RESTORE; /* the passphrase typed is dropped */
    if (a->screen == SCR_OFFICE_ASSIGN || a->screen == SCR_OFFICE_TEXT)
        return SCR_OFFICE_CASE; /* what was chosen or typed is dropped */
    if (a->screen == SCR_OFFICE_PICK && a->off.pick_back == SCR_OFFICE_FORM)
        return a->off.form_branch_pick ? SCR_OFFICE_FORM : SCR_OFFICE; /* out of the roster */
    if (a->screen == SCR_OFFICE_PICK)
        return (ScreenId)a->off.pick_back;
    if (a->screen == SCR_OFFICE_FORM)
        return SCR_OFFICE_PICK;
    if (a->screen == SCR_OFFICE_PERSON)
        return SCR_OFFICE_FORM; /* the form as it was left */
    if (a->screen == SCR_OFFICE_ROUND)
        return SCR_OFFICE_MEETINGS; /* back to the roster's list: the changes dropped */
    if (a->screen == SCR_OFFICE_TEXT &&
        (a->off.text_for == OT_NAME || a->off.text_for == OT_GRIDS))
        return SCR_OFFICE_FORM;
    if (a->screen == SCR_FIGURES)
        return a->figs.back;
    return a->screen == SCR_DETAIL || a->screen == SCR_RESULTS ? SCR_WALL : SCR_HOME;
}

static void go_home_after_idle(App *a)
{
    if (office_mode(a)) { /* an office desk left alone logs out */
        office_logout(a);
        return;
    }
    if (a->stick.state != STICK_RUNNING)
        a->stick_acked = a->stick.serial; /* nobody read it: the next villager need not */
    ballot_discard(a); /* walking away discards a ballot: it counts whole or not at all */
    app_go(a, SCR_HOME);
    wall_reset(a); /* the next villager starts on a fresh wall */
    detail_reset(a);
    pad_wipe(a);
    a->track_code[0] = 0;
    a->scan[0] = 0;
    appeal_reset(a); /* an appeal walked away from is not taken */
}

/* ---- input -------------------------------------------------------------- */

static int hit(const App *a, int x, int y)
{
    int modal = a->overlay != OV_NONE && a->overlay != OV_IDLE;
    for (int i = a->nctl - 1; i >= 0; i--) {
        const Control *c = &a->ctl[i];
        if (modal && c->layer == 0)
            continue;
        if (x >= c->r.x && x < c->r.x + c->r.w && y >= c->r.y && y < c->r.y + c->r.h)
            return i;
    }
    return -1;
}

static void activate(App *a, const Control *c);

static void scroll_by(App *a, double dy)
{
    if (a->screen == SCR_WALL)
        wall_scroll_by(a, dy);
    else if (a->screen == SCR_DETAIL)
        detail_scroll_by(a, dy);
    else if (a->screen == SCR_OFFICE)
        office_scroll_by(a, dy);
    else if (a->screen == SCR_OFFICE_CASE)
        office_case_scroll_by(a, dy);
    else if (a->screen == SCR_FIGURES)
        figures_scroll_by(a, dy);
    else if (a->screen == SCR_OFFICE_DEVICES)
        office_devices_scroll_by(a, dy);
    else if (a->screen == SCR_OFFICE_SETTINGS)
        office_settings_scroll_by(a, dy);
    else if (a->screen == SCR_OFFICE_MEETINGS)
        office_meetings_scroll_by(a, dy);
    else if (a->screen == SCR_OFFICE_PERSON || a->screen == SCR_OFFICE_ROUND)
        office_person_scroll_by(a, dy);
}

/* Where a fling's velocity is kept on this screen, or NULL. */
static double *fling_of(App *a)
{
    switch (a->screen) {
    case SCR_WALL:
        return &a->wall.vel;
    case SCR_DETAIL:
        return &a->detail.vel;
    case SCR_OFFICE:
        return &a->off.vel;
    case SCR_OFFICE_CASE:
        return &a->off.case_vel;
    case SCR_FIGURES:
        return &a->figs.vel;
    case SCR_OFFICE_DEVICES:
        return &a->off.dev_vel;
    case SCR_OFFICE_SETTINGS:
        return &a->off.set_vel;
    case SCR_OFFICE_MEETINGS:
        return &a->off.meet_vel;
    case SCR_OFFICE_PERSON:
    case SCR_OFFICE_ROUND:
        return &a->off.pe_vel;
    default:
        return NULL;
    }
}

static int scrollable(App *a)
{
    return a->overlay == OV_NONE && fling_of(a) != NULL;
}

static void on_event(App *a, const AppEvent *ev)
{
    if (ev->type == EV_QUIT) {
        if (a->cfg.allow_quit)
            a->quit = 1;
        return;
    }
    if (a->asleep) {
        if (ev->type == EV_MOVE || ev->type == EV_UP)
            return; /* the rest of the touch that woke the screen */
        a->asleep = 0; /* the first touch only lights the screen; a key or a scan goes on */
        a->last_input = a->now;
        a->dirty = 1;
        if (ev->type == EV_DOWN) {
            a->down = a->pressed = 0;
            return;
        }
    }
    a->last_input = a->now;
    a->dirty = 1;
    if (a->overlay == OV_IDLE) { /* any touch cancels the count-down */
        if (ev->type == EV_DOWN || ev->type == EV_KEY || ev->type == EV_TEXT)
            a->overlay = OV_NONE;
        if (ev->type == EV_DOWN)
            a->down = 0; /* this touch only wakes the screen */
        return;
    }
    if ((ev->type == EV_DOWN || ev->type == EV_MOVE || ev->type == EV_UP) && kb_pointer(a, ev)) {
        a->down = 0; /* the handwriting pad drew with it */
        a->pressed = 0;
        return;
    }
    switch (ev->type) {
    case EV_DOWN:
        a->scan[0] = 0; /* a touch: whatever was typed on Home was not a scan */
        a->down = 1;
        a->down_x = a->last_x = ev->x;
        a->down_y = a->last_y = ev->y;
        a->down_at = a->last_move_at = a->now;
        a->dragging = 0;
        a->drag_vel = 0;
        {
            int i = hit(a, ev->x, ev->y);
            a->pressed = i >= 0;
            if (i >= 0) {
                a->pc = a->ctl[i];
                if (!a->pc.enabled) /* a disabled control says why it does nothing */
                    a->pc.act = ACT_HINT, a->pc.arg = S_DISABLED_HINT, a->pc.enabled = 1;
            }
        }
        if (fling_of(a))
            *fling_of(a) = 0; /* a touch stops a fling */
        break;
    case EV_MOVE: {
        if (!a->down)
            break;
        int dx = ev->x - a->down_x, dy = ev->y - a->down_y;
        double slop = 3.0 * a->m.pxmm;
        if (!a->dragging && scrollable(a) && (double)dy * dy + (double)dx * dx > slop * slop) {
            a->dragging = 1;
            a->pressed = 0;
        }
        if (a->dragging) {
            double step = (double)(ev->y - a->last_y);
            int64_t dt = a->now - a->last_move_at;
            scroll_by(a, -step);
            if (dt > 0) {
                double v = -step / (double)dt;
                a->drag_vel = 0.6 * v + 0.4 * a->drag_vel;
            } else {
                a->drag_vel = 0.6 * (-step / 8.0) + 0.4 * a->drag_vel;
            }
            a->last_move_at = a->now;
        } else if (a->pressed) {
            const SDL_Rect *r = &a->pc.r;
            if (ev->x < r->x || ev->x >= r->x + r->w || ev->y < r->y || ev->y >= r->y + r->h)
                a->pressed = 0; /* slid off the button: no tap */
        }
        a->last_x = ev->x;
        a->last_y = ev->y;
        a->last_move_at = a->now;
        break;
    }
    case EV_UP:
        if (!a->down)
            break;
        a->down = 0;
        if (a->dragging) {
            a->dragging = 0;
            double v = a->now - a->last_move_at > 100 ? 0 : a->drag_vel;
            if (fling_of(a))
                *fling_of(a) = v;
        } else if (a->pressed) {
            const SDL_Rect *r = &a->pc.r;
            Control c = a->pc;
            a->pressed = 0;
            if (ev->x >= r->x && ev->x < r->x + r->w && ev->y >= r->y && ev->y < r->y + r->h)
                activate(a, &c);
        }
        break;
    case EV_KEY:
        if (ev->key == KEY_ESCAPE) {
            if (a->overlay == OV_PIN)
                pad_wipe(a);
            if (a->overlay != OV_NONE)
                a->overlay = OV_NONE;
            else if (a->screen != SCR_HOME && a->screen != SCR_OFFICE) { /* 退出登录 logs out */
                ballot_discard(a); /* leaving a ballot unsubmitted discards it */
                appeal_reset(a);   /* and an appeal not yet submitted */
                app_go(a, parent(a));
            }
        } else if (a->overlay == OV_PIN && ev->key == KEY_BACKSPACE) {
            size_t n = strlen(a->pin);
            if (n)
                a->pin[n - 1] = 0;
        } else if (a->overlay == OV_PIN && ev->key == KEY_RETURN) {
            pad_ok(a); /* a keyboard's Enter, or a barcode scanner's after a token */
        } else if (a->overlay == OV_NONE && a->screen == SCR_TRACK && ev->key == KEY_RETURN) {
            track_go(a);
        } else if (a->overlay == OV_NONE && a->screen == SCR_TRACK && ev->key == KEY_BACKSPACE) {
            track_delete(a);
        } else if (a->overlay == OV_NONE && kb_showing(a)) {
            kb_key(a, ev->key);
        } else if (a->overlay == OV_NONE && a->screen == SCR_OFFICE) {
            office_key(a, ev->key);
        } else if (a->overlay == OV_NONE && a->screen == SCR_OFFICE_PICK) {
            office_pick_key(a, ev->key);
        } else if (a->overlay == OV_NONE && a->screen == SCR_OFFICE_CASE) {
            double page = a->h * 0.6;
            if (ev->key == KEY_DOWN || ev->key == KEY_SPACE)
                scroll_by(a, ev->key == KEY_DOWN ? page / 4 : page);
            else if (ev->key == KEY_UP)
                scroll_by(a, -page / 4);
        } else if (a->overlay == OV_NONE && a->screen == SCR_HOME && ev->key == KEY_RETURN) {
            scan_done(a); /* a barcode scanner ends its line with Return */
        } else if (a->overlay == OV_NONE && (a->screen == SCR_WALL || a->screen == SCR_DETAIL ||
                                             a->screen == SCR_FIGURES)) {
            double page = a->h * 0.6;
            if (ev->key == KEY_DOWN || ev->key == KEY_SPACE)
                scroll_by(a, page);
            else if (ev->key == KEY_UP)
                scroll_by(a, -page);
        }
        break;
    case EV_TEXT:
        /* Keys on Home are a barcode scanner's: kept until its Return
         * (scan_done). On 查询进度 they are the code. */
        if (a->overlay == OV_PIN) {
            pad_type(a, ev->text);
        } else if (a->overlay == OV_NONE && a->screen == SCR_TRACK) {
            track_type(a, ev->text);
        } else if (a->overlay == OV_NONE && kb_showing(a)) {
            kb_type(a, ev->text);
        } else if (a->overlay == OV_NONE && a->screen == SCR_OFFICE_PICK) {
            office_pick_type(a, ev->text);
        } else if (a->overlay == OV_NONE && a->screen == SCR_HOME) {
            size_t n = strlen(a->scan), k = strlen(ev->text);
            if (n + k < sizeof a->scan)
                memcpy(a->scan + n, ev->text, k + 1);
        }
        break;
    case EV_WHEEL: /* three lines a notch, wherever the page scrolls */
        if (scrollable(a))
            scroll_by(a, -(double)ev->y * 3 * ui_line_h(a, FACE_REGULAR, a->m.body));
        break;
    case EV_QUIT:
        break;
    }
}

static void activate(App *a, const Control *c)
{
    a->dirty = 1;
    switch (c->act) {
    case ACT_NONE:
    case ACT_STAFF_HOLD:
        break;
    case ACT_TILE:
        if (c->arg == 0) {
            app_go(a, SCR_WALL);
        } else if (c->arg == 1 && a->src->meeting) {
            ballot_start(a, 0);
        } else if (c->arg == 2 && a->src->submit) {
            appeal_open(a, 0);
        } else if (c->arg == 3) {
            track_open(a);
        } else {
            a->soon_tile = c->arg;
            app_go(a, SCR_SOON);
        }
        break;
    case ACT_BACK:
        if (a->screen == SCR_BALLOT)
            ballot_back(a);
        else if (a->screen == SCR_APPEAL)
            appeal_act(a, c);
        else
            app_go(a, parent(a));
        break;
    case ACT_RATE:
        ballot_rate(a, c->arg);
        break;
    case ACT_BALLOT_SUBMIT:
        ballot_submit(a);
        break;
    case ACT_BALLOT_CANCEL:
        ballot_discard(a);
        app_go(a, SCR_HOME);
        break;
    case ACT_THANKS_DONE:
        app_go(a, SCR_HOME);
        break;
    case ACT_RESULTS:
        results_open(a);
        break;
    case ACT_CARD:
        wall_open_card(a, c->arg);
        break;
    case ACT_SCOPE:
        a->wall.scope_town = c->arg;
        a->wall.loaded = 0;
        a->wall.scroll = 0;
        break;
    case ACT_PICK_GRADE:
        a->overlay = OV_PICK_GRADE;
        break;
    case ACT_PICK_STATUS:
        a->overlay = OV_PICK_STATUS;
        break;
    case ACT_GRADE:
    case ACT_STATUS:
        if (c->act == ACT_GRADE)
            a->wall.grade = c->arg;
        else
            a->wall.status = c->arg;
        a->wall.loaded = 0; /* a new filter: reload from the top */
        a->wall.scroll = 0;
        a->overlay = OV_NONE;
        break;
    case ACT_CLOSE_OVERLAY:
    case ACT_IDLE_KEEP:
        pad_wipe(a); /* what was typed, and a new PIN's first entry */
        a->overlay = OV_NONE;
        break;
    case ACT_PIN_DIGIT: {
        char d[2] = {(char)('0' + c->arg), 0};
        pad_type(a, d);
        break;
    }
    case ACT_PIN_DELETE: {
        size_t n = strlen(a->pin);
        if (n)
            a->pin[n - 1] = 0;
        break;
    }
    case ACT_PIN_OK:
        pad_ok(a);
        break;
    case ACT_STAFF_OPEN:
        meet_setup_open(a);
        break;
    case ACT_STAFF_CLOSE:
        a->overlay = OV_CLOSE_MEETING;
        break;
    case ACT_CLOSE_CONFIRM:
        meet_close(a);
        break;
    case ACT_PICK_TOPIC:
        a->overlay = OV_PICK_TOPIC;
        break;
    case ACT_TOPIC:
        a->overlay = OV_NONE;
        if (c->arg == 3) { /* 自己输入: the keyboard, starting from the topic chosen */
            kb_start(a, a->topics[a->topic_choice], TOPIC_CHARS);
            app_go(a, SCR_TOPIC);
        } else if (c->arg >= 0 && c->arg < 3) {
            a->topic_choice = c->arg;
        }
        break;
    case ACT_TOPIC_DONE:
        topic_done(a);
        break;
    case ACT_SUBJECT:
        meet_toggle(a, c->arg);
        break;
    case ACT_PAD:
        pad_open(a, (PadFor)c->arg);
        break;
    case ACT_MEET_START:
        meet_start(a);
        break;
    case ACT_TRACK_KEY: {
        char k[2] = {(char)c->arg, 0};
        track_type(a, k);
        break;
    }
    case ACT_TRACK_DELETE:
        track_delete(a);
        break;
    case ACT_TRACK_GO:
        track_go(a);
        break;
    case ACT_SATISFY:
        rate_ask(a, c->arg);
        break;
    case ACT_STAFF_LOG:
        appeal_open(a, 1);
        break;
    case ACT_STAFF_APPROVE:
        approve_open(a);
        break;
    case ACT_APPROVE:
        approve_answer(a, c->arg);
        break;
    case ACT_AP_CATEGORY:
    case ACT_AP_GRID:
    case ACT_AP_NEXT:
    case ACT_AP_PREV:
    case ACT_AP_SUBMIT:
    case ACT_AP_DONE:
    case ACT_AP_NO_PHONE:
    case ACT_PHONE_DIGIT:
    case ACT_KB_MODE:
    case ACT_KB_KEY:
    case ACT_KB_CHAR:
    case ACT_KB_CAND:
    case ACT_KB_RAW:
    case ACT_KB_PAGE:
    case ACT_KB_DELETE:
    case ACT_KB_UNDO:
    case ACT_KB_CLEAR:
    case ACT_HAND_PAD:
        appeal_act(a, c);
        break;
    case ACT_STAFF_QUIT:
        a->quit = 1;
        break;
    case ACT_STAFF_POWEROFF:
        a->poweroff_at = 0;
        a->poweroff_msg[0] = 0;
        a->overlay = OV_POWEROFF;
        break;
    case ACT_STAFF_BACK:
        staff_menu_open(a);
        break;
    case ACT_POWEROFF_CONFIRM:
        if (a->src->poweroff &&
            a->src->poweroff(a->src->ctx, a->poweroff_msg, sizeof a->poweroff_msg) == 0) {
            a->poweroff_msg[0] = 0;
            a->poweroff_at = a->now;
        } else if (!a->poweroff_msg[0]) {
            snprintf(a->poweroff_msg, sizeof a->poweroff_msg, "?");
        }
        break;
    case ACT_HINT:
        ui_toast(a, (StrId)c->arg);
        break;
    case ACT_STICK_OK:
        a->stick_acked = a->stick.serial;
        a->overlay = OV_NONE;
        break;
    case ACT_OFF_LOGIN:
        office_login(a);
        break;
    case ACT_OFF_LOGOUT:
        office_logout(a);
        break;
    case ACT_OFF_LIST:
        office_show_list(a, c->arg);
        break;
    case ACT_OFF_KEY:
        office_pick_open(a, c->arg == OL_UNIT ? PICK_UNIT : PICK_BRANCH, SCR_OFFICE);
        break;
    case ACT_OFF_ROW:
        if (c->arg >= 0 && c->arg < a->off.ol.cards.n) {
            a->off.sel = c->arg;
            office_case_open(a, a->off.ol.cards.cards[c->arg].code);
        }
        break;
    case ACT_OFF_DO:
        office_do(a, c->arg);
        break;
    case ACT_OFF_GRADE:
        a->off.grade = c->arg;
        a->off.days = a->off.ol.limit_days[c->arg]; /* the grade's own default */
        a->off.keep_due = 0;
        break;
    case ACT_OFF_DAYS:
        a->off.days += c->arg;
        a->off.days = a->off.days < 1 ? 1 : a->off.days;
        a->off.keep_due = 0;
        break;
    case ACT_OFF_GRADE_OK:
        office_grade_ok(a);
        break;
    case ACT_OFF_SLOT:
        office_pick_open(a, c->arg == 0 ? PICK_MEMBER : c->arg == 1 ? PICK_LEADER : PICK_UNIT,
                         SCR_OFFICE_ASSIGN);
        break;
    case ACT_OFF_ASSIGN_OK:
        office_assign_ok(a);
        break;
    case ACT_OFF_TEXT_OK:
        office_text_ok(a);
        break;
    case ACT_OFF_PICK:
        office_pick_choose(a, c->arg);
        break;
    case ACT_OFF_QKEY: {
        char t[2] = {(char)c->arg, 0};
        office_pick_type(a, t);
        break;
    }
    case ACT_OFF_QDEL:
        office_pick_key(a, KEY_BACKSPACE);
        break;
    case ACT_OFF_QCLEAR:
        office_pick_key(a, KEY_DELETE);
        break;
    case ACT_OFF_QPAGE:
        a->off.kpage++;
        break;
    case ACT_OFF_EXPORTS:
        a->off.export_state = 0;
        a->overlay = OV_OFFICE_EXPORT;
        break;
    case ACT_OFF_EXPORT:
        office_export(a, c->arg);
        break;
    case ACT_FIGURES:
        figures_open(a, a->screen);
        break;
    case ACT_OFF_DEVICES:
        office_devices_open(a);
        break;
    case ACT_OFF_ENROL:
        office_pick_open(a, PICK_BRANCH, SCR_OFFICE_DEVICES);
        break;
    case ACT_OFF_REVOKE:
    case ACT_OFF_PIN:
        a->off.revoke_i = c->arg;
        a->off.ask_pin = c->act == ACT_OFF_PIN;
        a->overlay = OV_OFFICE_REVOKE;
        break;
    case ACT_OFF_REVOKE_OK:
        if (a->off.ask_pin)
            office_pin_reset(a);
        else
            office_revoke(a);
        break;
    case ACT_OFF_CLOCK:
        office_clock_confirm(a);
        break;
    case ACT_OFF_MY_PIN:
        a->off.dev_state = 0; /* the page's last outcome gives way */
        pad_open(a, PAD_CUR_PIN);
        break;
    case ACT_OFF_SIGN:
        office_sign_update(a);
        break;
    case ACT_OFF_BACKUP:
        office_backup_open(a);
        break;
    case ACT_OFF_ROSTER:
        office_roster_open(a, PICK_PERSON);
        break;
    case ACT_OFF_SETTINGS:
        office_settings_open(a);
        break;
    case ACT_OFF_MEETINGS:
        office_meetings_open(a);
        break;
    case ACT_OFF_PERSON:
        office_person_open(a);
        break;
    case ACT_OFF_ROUND:
        office_round_open(a, c->arg);
        break;
    case ACT_OFF_IMPORTS:
        a->off.import_state = 0;
        a->overlay = OV_OFFICE_IMPORT;
        break;
    case ACT_OFF_IMPORT:
        office_import(a);
        break;
    case ACT_OFF_VOID:
        office_void_edit(a, c->arg);
        break;
    case ACT_OFF_SET_EDIT:
        office_setting_edit(a, c->arg);
        break;
    case ACT_OFF_RKIND:
        office_roster_open(a, c->arg);
        break;
    case ACT_OFF_RNEW:
        office_form_open(a, NULL);
        break;
    case ACT_OFF_FNAME:
        office_form_text(a, OT_NAME);
        break;
    case ACT_OFF_FGRIDS:
        office_form_text(a, OT_GRIDS);
        break;
    case ACT_OFF_FROLE:
        a->off.form_role = c->arg;
        break;
    case ACT_OFF_FBRANCH:
        a->off.form_branch_pick = 1;
        office_pick_open(a, PICK_BRANCH, SCR_OFFICE_FORM);
        break;
    case ACT_RESTORE_OPEN:
        restore_open(a);
        break;
    case ACT_RESTORE_SCAN:
        restore_rescan(a);
        break;
    case ACT_RESTORE_FILE:
        restore_choose(a, c->arg);
        break;
    case ACT_RESTORE_DONE:
        restore_done(a);
        break;
    case ACT_OFF_FSAVE:
        office_form_save(a);
        break;
    }
}

void app_handle(App *a)
{
    while (a->qlen > 0) {
        AppEvent ev = a->queue[a->qhead];
        a->qhead = (a->qhead + 1) % QUEUE_LEN;
        a->qlen--;
        on_event(a, &ev);
    }
}

/* ---- clock -------------------------------------------------------------- */

/* The night (screen.night): a hall screen left idle on Home goes dark, so
 * the same picture is not burnt into the panel all night; the morning
 * lights it again (a touch does too: on_event). An office desk, a screen
 * in use or a stick being synced never sleeps. */
static void night(App *a, int away, int idle_long)
{
    int64_t wall = a->wall_base + a->now + CLOCK_CST_OFFSET_MS;
    int minute = (int)(((wall % CLOCK_DAY_MS) + CLOCK_DAY_MS) % CLOCK_DAY_MS / 60000);
    int dark = config_night_covers(a->cfg.night_from, a->cfg.night_to, minute);
    if (a->asleep && !dark) {
        a->asleep = 0;
        a->last_input = a->now; /* a full idle period lit before it may sleep again */
        a->dirty = 1;
    }
    else if (!a->asleep && dark && !away && idle_long && !a->down && !office_mode(a) &&
             a->stick.state != STICK_RUNNING) {
        a->asleep = 1;
        a->dirty = 1;
    }
}

static void step(App *a)
{
    a->now += STEP_MS;
    app_poll(a);
    double *vel = fling_of(a); /* a fling goes on while no finger holds it */
    if (vel && !a->down && ui_fling(a, vel, scroll_by))
        a->dirty = 1;
    /* Press and hold on the hall's name opens the staff PIN. */
    if (a->down && a->pressed && a->pc.act == ACT_STAFF_HOLD &&
        a->now - a->down_at >= HOLD_MS) {
        a->pressed = 0;
        a->down = 0;
        pad_open(a, PAD_PIN);
    }
    if (a->screen == SCR_THANKS && a->now >= a->thanks_until) {
        app_go(a, SCR_HOME); /* the thank-you page ends by itself */
    }
    if (a->toast_until && a->now >= a->toast_until) {
        a->toast_until = 0;
        a->dirty = 1;
    }
    if (a->overlay == OV_POWEROFF && a->poweroff_at && a->now - a->poweroff_at >= 60000 &&
        a->now - STEP_MS - a->poweroff_at < 60000)
        a->dirty = 1; /* a minute and still here: say so */
    int64_t idle = a->now - a->last_input;
    int64_t limit = (int64_t)a->cfg.idle_s * 1000;
    /* A slip that did not print: the code, its QR and the rating code stay
     * on the screen three times as long, for the villager to copy them. */
    if (a->screen == SCR_APPEAL && a->ap.step == AP_DONE && a->ap.print_state > PRINT_SENT_UNKNOWN)
        limit *= 3;
    /* Away from the resting state: another screen, or anything open on Home
     * (the idle prompt itself included, so its count-down always ends). */
    int away = a->screen != SCR_HOME || a->overlay != OV_NONE;
    if (a->down && a->now - a->last_move_at > LOST_TOUCH_MS)
        a->down = a->pressed = a->dragging = 0; /* a lift the panel never reported */
    if (a->down)
        a->last_input = a->now; /* a finger resting on the glass is use */
    else if (away && idle >= limit)
        go_home_after_idle(a);
    else if (!away && idle >= limit && (a->wall.loaded || a->wall.scope_town ||
                                        a->wall.grade >= 0 || a->wall.status || a->detail.loaded)) {
        wall_reset(a); /* left on Home: the next villager starts on a fresh wall too */
        detail_reset(a);
        a->dirty = 1;
    }
    else if (away && idle >= limit - IDLE_WARN_MS) {
        if (a->overlay != OV_IDLE) {
            a->overlay = OV_IDLE;
            a->pressed = 0;
        }
        /* The count-down shows whole seconds: redraw when the number changes. */
        if ((limit - idle) % 1000 < STEP_MS)
            a->dirty = 1;
    }
    night(a, away, idle >= limit);
    if (a->screen == SCR_HOME && a->overlay == OV_NONE && !a->asleep) {
        int page = (int)((a->now / ATTRACT_MS) & 0x7fffffff);
        if (a->attract_page >= 0 && page != a->attract_page)
            a->dirty = 1;
    }
}

void app_advance(App *a, int64_t ms)
{
    /* Whole steps, so every run of the same script sees the same states;
     * what is left over waits for the next call. */
    if (ms < 0)
        ms = 0;
    a->acc += ms;
    while (a->acc >= STEP_MS) {
        step(a);
        a->acc -= STEP_MS;
    }
}

void app_set_wall_ms(App *a, int64_t epoch_ms)
{
    a->wall_base = epoch_ms - a->now;
}

int app_asleep(const App *a)
{
    return a->asleep;
}

int app_wants_frame(const App *a)
{
    return a->dirty || a->qlen > 0;
}

/* ---- frame -------------------------------------------------------------- */

static void shown_reset(App *a)
{
    a->nctl = 0;
    a->nshown = 0;
    a->shown_len = 0;
}

static void record_shown(App *a, SDL_Rect r, const char *s)
{
    if (a->nshown == MAX_SHOWN || !s || !*s)
        return;
    if (r.x >= a->w || r.y >= a->h || r.x + r.w <= 0 || r.y + r.h <= 0)
        return; /* off screen: not visible */
    if (SDL_RenderIsClipEnabled(a->r)) { /* scrolled out of its area */
        SDL_Rect clip;
        SDL_RenderGetClipRect(a->r, &clip);
        if (!SDL_HasIntersection(&r, &clip))
            return;
    }
    size_t n = strlen(s) + 1;
    if (a->shown_len + n > a->shown_cap) {
        size_t cap = a->shown_cap ? a->shown_cap * 2 : 8192;
        while (cap < a->shown_len + n)
            cap *= 2;
        char *nb = ew_xrealloc(a->shown_buf, cap);
        for (int i = 0; i < a->nshown; i++) /* re-point into the new buffer */
            a->shown[i].text = nb + (a->shown[i].text - a->shown_buf);
        a->shown_buf = nb;
        a->shown_cap = cap;
    }
    memcpy(a->shown_buf + a->shown_len, s, n);
    a->shown[a->nshown].r = r;
    a->shown[a->nshown].text = a->shown_buf + a->shown_len;
    a->shown_len += n;
    a->nshown++;
}

static void draw_toast(App *a)
{
    if (!a->toast_until)
        return;
    const char *s = tr(a->lang, a->toast);
    int tw = ui_width(a, FACE_REGULAR, a->m.body, s) + 2 * a->m.pad;
    int th = a->m.target;
    SDL_Rect r = {(a->w - tw) / 2, a->h - th - 2 * a->m.pad, tw, th};
    draw_round(a->r, r, th / 2, rgba(0x333333, 235));
    ui_text_center(a, FACE_REGULAR, a->m.body, C_WHITE, r, s);
}

void app_frame(App *a)
{
    app_handle(a);
    shown_reset(a);
    a->dirty = 0;
    if (a->asleep) { /* dark: nothing shown, nothing to press */
        SDL_SetRenderDrawColor(a->r, 0, 0, 0, 255);
        SDL_RenderClear(a->r);
        return;
    }
    SDL_SetRenderDrawColor(a->r, 0xEE, 0xF0, 0xF3, 255);
    SDL_SetRenderDrawBlendMode(a->r, SDL_BLENDMODE_NONE);
    SDL_RenderClear(a->r);
    switch (a->screen) {
    case SCR_HOME:
        if (office_mode(a)) {
            office_login_draw(a);
        } else {
            app_load_figures(a);
            if (a->fig.blank && !a->fig_failed)
                firstrun_draw(a); /* a new station: enrol, or restore the office */
            else
                home_draw(a);
        }
        break;
    case SCR_RESTORE:
        restore_draw(a);
        break;
    case SCR_WALL:
        wall_draw(a);
        break;
    case SCR_DETAIL:
        detail_draw(a);
        break;
    case SCR_SOON:
        soon_draw(a);
        break;
    case SCR_BALLOT:
        ballot_draw(a);
        break;
    case SCR_THANKS:
        thanks_draw(a);
        break;
    case SCR_RESULTS:
        results_draw(a);
        break;
    case SCR_MEET_SETUP:
        meet_setup_draw(a);
        break;
    case SCR_TRACK:
        track_draw(a);
        break;
    case SCR_APPEAL:
        appeal_draw(a);
        break;
    case SCR_APPROVE:
        approve_draw(a);
        break;
    case SCR_TOPIC:
        topic_draw(a);
        break;
    case SCR_OFFICE:
        office_list_draw(a);
        break;
    case SCR_OFFICE_CASE:
        office_case_draw(a);
        break;
    case SCR_OFFICE_ASSIGN:
        office_assign_draw(a);
        break;
    case SCR_OFFICE_PICK:
        office_pick_draw(a);
        break;
    case SCR_OFFICE_TEXT:
        office_text_draw(a);
        break;
    case SCR_FIGURES:
        figures_draw(a);
        break;
    case SCR_OFFICE_DEVICES:
        office_devices_draw(a);
        break;
    case SCR_OFFICE_FORM:
        office_form_draw(a);
        break;
    case SCR_OFFICE_SETTINGS:
        office_settings_draw(a);
        break;
    case SCR_OFFICE_MEETINGS:
        office_meetings_draw(a);
        break;
    case SCR_OFFICE_PERSON:
        office_person_draw(a);
        break;
    case SCR_OFFICE_ROUND:
        office_round_draw(a);
        break;
    }
    if (a->overlay != OV_NONE) {
        a->drawing_overlay = 1;
        overlay_draw(a);
        a->drawing_overlay = 0;
    }
    draw_toast(a);
}

/* ---- drawing helpers ---------------------------------------------------- */

int ui_width(App *a, Face f, int px, const char *s)
{
    return text_width(a->text, f, px, s, strlen(s));
}

int ui_line_h(App *a, Face f, int px)
{
    return text_line_height(a->text, f, px);
}

void ui_text(App *a, Face f, int px, uint32_t colour, int x, int y, const char *s)
{
    int w, h;
    SDL_Texture *t = text_texture(a->text, f, px, colour, s, &w, &h);
    if (!t)
        return;
    SDL_Rect dst = {x, y, w, h};
    SDL_RenderCopy(a->r, t, NULL, &dst);
    record_shown(a, dst, s);
}

static int measure_cb(void *ctx, const char *s, size_t len)
{
    void **p = ctx;
    App *a = p[0];
    const int *fp = p[1];
    return text_width(a->text, (Face)fp[0], fp[1], s, len);
}

int ui_break(App *a, Face f, int px, const char *s, int max_w, int max_lines, LineSpan *out, int cap)
{
    int fp[2] = {f, px};
    void *ctx[2] = {a, fp};
    int n = 0;
    if (max_w < px)
        max_w = px;
    if (linebreak(s, max_w, max_lines, measure_cb, ctx, out, cap, &n) != 0)
        return 0;
    return n;
}

void ui_lines(App *a, Face f, int px, uint32_t colour, int x, int y, int lh, const char *s,
              const LineSpan *lines, int n)
{
    char buf[1024];
    for (int i = 0; i < n; i++) {
        size_t len = lines[i].len;
        if (len > sizeof buf - 4)
            len = sizeof buf - 4;
        memcpy(buf, s + lines[i].start, len);
        buf[len] = 0;
        if (lines[i].ellipsis)
            strcat(buf, LINEBREAK_ELLIPSIS);
        ui_text(a, f, px, colour, x, y + i * lh, buf);
    }
}

int ui_text_fit(App *a, Face f, int px, uint32_t colour, int x, int y, int max_w, const char *s)
{
    LineSpan l[1];
    int n = ui_break(a, f, px, s, max_w, 1, l, 1);
    ui_lines(a, f, px, colour, x, y, 0, s, l, n);
    if (n == 0)
        return 0;
    int w = text_width(a->text, f, px, s + l[0].start, l[0].len);
    return l[0].ellipsis ? w + ui_width(a, f, px, LINEBREAK_ELLIPSIS) : w;
}

void ui_text_center(App *a, Face f, int px, uint32_t colour, SDL_Rect rc, const char *s)
{
    int w = ui_width(a, f, px, s);
    int lh = ui_line_h(a, f, px);
    if (w > rc.w) {
        ui_text_fit(a, f, px, colour, rc.x, rc.y + (rc.h - lh) / 2, rc.w, s);
        return;
    }
    ui_text(a, f, px, colour, rc.x + (rc.w - w) / 2, rc.y + (rc.h - lh) / 2, s);
}

int ui_control(App *a, SDL_Rect r, const char *label, Action act, int arg, int enabled)
{
    if (a->nctl == MAX_CONTROLS)
        return -1;
    int clipped = 0;
    if (SDL_RenderIsClipEnabled(a->r)) { /* only the part inside the area can be touched */
        SDL_Rect clip, in;
        SDL_RenderGetClipRect(a->r, &clip);
        if (!SDL_IntersectRect(&r, &clip, &in))
            return -1;
        clipped = in.w != r.w || in.h != r.h;
        r = in;
    }
    Control *c = &a->ctl[a->nctl];
    c->clipped = clipped;
    c->r = r;
    snprintf(c->label, sizeof c->label, "%s", label ? label : "");
    c->act = act;
    c->arg = arg;
    c->enabled = enabled;
    c->layer = a->drawing_overlay;
    return a->nctl++;
}

void ui_scroll(App *a, double *scroll, double *vel, double most, double dy)
{
    if (most < 0)
        most = 0;
    *scroll += dy;
    if (*scroll < 0)
        *scroll = 0, *vel = 0;
    if (*scroll > most)
        *scroll = most, *vel = 0;
    a->dirty = 1;
}

int ui_fling(App *a, double *vel, void (*scroll)(App *, double))
{
    if (*vel == 0)
        return 0;
    scroll(a, *vel * STEP_MS); /* may stop it at an end */
    *vel *= FRICTION;
    if (*vel > -0.02 && *vel < 0.02)
        *vel = 0;
    return 1;
}

int ui_is_pressed(const App *a, Action act, int arg)
{
    return a->pressed && a->pc.act == act && a->pc.arg == arg;
}

/* Darkens a colour for the pressed look. */
static uint32_t darker(uint32_t c)
{
    uint32_t r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
    return ((r * 4 / 5) << 16) | ((g * 4 / 5) << 8) | (b * 4 / 5);
}

void ui_button(App *a, SDL_Rect r, const char *label, Action act, int arg, uint32_t bg,
               uint32_t fg, int enabled)
{
    ui_control(a, r, label, act, arg, enabled);
    uint32_t fill = !enabled ? 0xD5D8DC : ui_is_pressed(a, act, arg) ? darker(bg) : bg;
    draw_round(a->r, r, a->m.radius * 2, rgb(fill));
    ui_text_center(a, FACE_BOLD, a->m.body, enabled ? fg : 0x80868B, r, label);
}

int ui_chip_w(App *a, const char *label)
{
    return ui_width(a, FACE_BOLD, a->m.body, label) + 2 * a->m.pad;
}

void ui_chip(App *a, SDL_Rect r, const char *label, Action act, int arg, int selected)
{
    /* A selected chip still answers a tap: it says it is already chosen. */
    Action real = selected ? ACT_HINT : act;
    int real_arg = selected ? S_DISABLED_HINT : arg;
    ui_control(a, r, label, real, real_arg, 1);
    int pressed = ui_is_pressed(a, real, real_arg) && a->pc.r.x == r.x && a->pc.r.y == r.y;
    uint32_t bg = selected ? C_RED : pressed ? 0xD0D4DA : C_WHITE;
    draw_round(a->r, r, r.h / 2, rgb(bg));
    if (!selected)
        draw_round_outline(a->r, r, r.h / 2, 2, rgb(0xC4C8CE));
    ui_text_center(a, FACE_BOLD, a->m.body, selected ? C_WHITE : C_TEXT, r, label);
}

void ui_icon(App *a, const char *category, SDL_Rect r, uint32_t colour)
{
    int i = domain_index(DOMAIN_CATEGORIES, category);
    if (i < 0 || i >= ICON_COUNT || !a->icons[i])
        return;
    SDL_Color c = rgb(colour);
    SDL_SetTextureColorMod(a->icons[i], c.r, c.g, c.b);
    SDL_RenderCopy(a->r, a->icons[i], NULL, &r);
}

const char *grade_word(App *a, int grade)
{
    static const StrId ids[GRADE_COUNT] = {S_GRADE_NONE, S_GRADE_GREEN, S_GRADE_BLUE,
                                           S_GRADE_ORANGE};
    return tr(a->lang, ids[grade >= 0 && grade < GRADE_COUNT ? grade : 0]);
}

uint32_t grade_colour(int grade)
{
    static const uint32_t c[GRADE_COUNT] = {C_GREY, C_GREEN, C_BLUE, C_ORANGE};
    return c[grade >= 0 && grade < GRADE_COUNT ? grade : 0];
}

const char *status_word(App *a, const char *key)
{
    if (key && strcmp(key, "overdue") == 0)
        return tr(a->lang, S_OVERDUE);
    const Term *t = key ? domain_find(DOMAIN_STATUSES, key) : NULL;
    if (!t)
        return key ? key : "";
    return a->lang == LANG_EN ? t->en : t->zh;
}

uint32_t status_colour(const char *key)
{
    if (!key)
        return C_GREY;
    if (strcmp(key, "solved") == 0)
        return C_GREEN;
    if (strcmp(key, "escalated") == 0)
        return C_ORANGE;
    if (strcmp(key, "received") == 0)
        return 0x80868B;
    return C_BLUE;
}

/* The red band on top of a screen: optional 返回, title and subtitle. */
void ui_column(const App *a, int mm, int *x, int *w)
{
    *x = a->m.pad;
    *w = a->w - 2 * a->m.pad;
    int most = (int)(mm * a->m.pxmm);
    if (*w > most) {
        *w = most;
        *x = (a->w - most) / 2;
    }
}

void ui_header(App *a, SDL_Rect band, int with_back, const char *title, const char *subtitle)
{
    draw_fill(a->r, band, rgb(C_RED));
    int x = band.x + a->m.pad;
    if (with_back) {
        const char *back = tr(a->lang, S_BACK);
        int bw = ui_width(a, FACE_BOLD, a->m.body, back) + 3 * a->m.pad;
        SDL_Rect b = {x, band.y + (band.h - a->m.target) / 2, bw, a->m.target};
        ui_control(a, b, back, ACT_BACK, 0, 1);
        draw_round(a->r, b, a->m.radius * 2,
                   rgb(ui_is_pressed(a, ACT_BACK, 0) ? 0x7E1218 : 0x961720));
        /* A chevron drawn as text keeps to the fonts we ship. */
        char lab[64];
        snprintf(lab, sizeof lab, "‹ %s", back);
        ui_text_center(a, FACE_BOLD, a->m.body, C_WHITE, b, lab);
        x += bw + a->m.pad;
    }
    int th = ui_line_h(a, FACE_BOLD, a->m.heading);
    int ty = band.y + (band.h - th) / 2;
    ui_text(a, FACE_BOLD, a->m.heading, C_WHITE, x, ty, title);
    x += ui_width(a, FACE_BOLD, a->m.heading, title) + a->m.pad;
    int room = band.x + band.w - x - a->m.pad;
    if (subtitle && room >= 6 * a->m.body) { /* a stub of a subtitle says nothing: none then */
        int sh = ui_line_h(a, FACE_REGULAR, a->m.body);
        ui_text_fit(a, FACE_REGULAR, a->m.body, 0xF6DADC, x, ty + th - sh - th / 10, room,
                    subtitle);
    }
}

/* The town's figures right-aligned at (right, y): yellow digits, white words. */
int ui_figures(App *a, int right, int y, int dpx, int lpx)
{
    char num[3][16];
    snprintf(num[0], 16, "%d", a->fig.meetings);
    snprintf(num[1], 16, "%d", a->fig.appeals);
    snprintf(num[2], 16, "%d", a->fig.solved);
    const char *lab[3] = {tr(a->lang, S_FIG_MEETINGS), tr(a->lang, S_FIG_APPEALS),
                          tr(a->lang, S_FIG_SOLVED)};
    const char *dot = " · ";
    int sp = a->lang == LANG_EN ? ui_width(a, FACE_BOLD, lpx, " ") : 0;
    int total = 0;
    for (int i = 0; i < 3; i++)
        total += ui_width(a, FACE_BOLD, dpx, num[i]) + sp + ui_width(a, FACE_BOLD, lpx, lab[i]) +
                 (i < 2 ? ui_width(a, FACE_BOLD, lpx, dot) : 0);
    int x = right - total;
    int dh = ui_line_h(a, FACE_BOLD, dpx), lh = ui_line_h(a, FACE_BOLD, lpx);
    for (int i = 0; i < 3; i++) {
        ui_text(a, FACE_BOLD, dpx, C_YELLOW, x, y, num[i]);
        x += ui_width(a, FACE_BOLD, dpx, num[i]) + sp;
        ui_text(a, FACE_BOLD, lpx, C_WHITE, x, y + dh - lh - dh / 12, lab[i]);
        x += ui_width(a, FACE_BOLD, lpx, lab[i]);
        if (i < 2) {
            ui_text(a, FACE_BOLD, lpx, C_WHITE, x, y + dh - lh - dh / 12, dot);
            x += ui_width(a, FACE_BOLD, lpx, dot);
        }
    }
    return total;
}

/* ---- what the runner reads ---------------------------------------------- */

static int visible_ctl(const App *a, const Control *c)
{
    int modal = a->overlay != OV_NONE && a->overlay != OV_IDLE;
    if (modal && c->layer == 0)
        return 0;
    return c->r.x < a->w && c->r.y < a->h && c->r.x + c->r.w > 0 && c->r.y + c->r.h > 0;
}

int app_find_control(App *a, const char *label, int nth, int *x, int *y, char *msg, size_t msglen)
{
    const Control *found[MAX_CONTROLS];
    int n = 0, disabled = 0;
    for (int i = 0; i < a->nctl; i++) {
        const Control *c = &a->ctl[i];
        if (strcmp(c->label, label) != 0 || !visible_ctl(a, c))
            continue;
        if (!c->enabled) {
            disabled++;
            continue;
        }
        found[n++] = c;
    }
    /* Reading order: top to bottom, then left to right. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            const SDL_Rect *p = &found[j - 1]->r, *q = &found[j]->r;
            if (q->y < p->y || (q->y == p->y && q->x < p->x)) {
                const Control *t = found[j];
                found[j] = found[j - 1];
                found[j - 1] = t;
            }
        }
    if (n == 0) {
        if (disabled)
            snprintf(msg, msglen, "\"%s\" is disabled", label);
        else {
            char list[600];
            app_list_controls(a, list, sizeof list);
            snprintf(msg, msglen, "no control labelled \"%s\" (on screen: %s)", label, list);
        }
        return -1;
    }
    if (nth == 0 && n > 1) {
        snprintf(msg, msglen, "%d controls are labelled \"%s\": say which with #N", n, label);
        return -1;
    }
    if (nth > n) {
        snprintf(msg, msglen, "only %d controls are labelled \"%s\"", n, label);
        return -1;
    }
    const SDL_Rect *r = &found[nth ? nth - 1 : 0]->r;
    /* The centre of its visible part. */
    int x0 = r->x < 0 ? 0 : r->x, y0 = r->y < 0 ? 0 : r->y;
    int x1 = r->x + r->w > a->w ? a->w : r->x + r->w, y1 = r->y + r->h > a->h ? a->h : r->y + r->h;
    *x = (x0 + x1) / 2;
    *y = (y0 + y1) / 2;
    return 0;
}

int app_text_visible(const App *a, const char *text)
{
    for (int i = 0; i < a->nshown; i++)
        if (strstr(a->shown[i].text, text))
            return 1;
    return 0;
}

void app_list_controls(const App *a, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = 0;
    for (int i = 0; i < a->nctl && len + 4 < outlen; i++) {
        const Control *c = &a->ctl[i];
        if (!c->enabled || !visible_ctl(a, c) || !c->label[0])
            continue;
        int n = snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", c->label);
        if (n < 0 || (size_t)n >= outlen - len)
            break;
        len += (size_t)n;
    }
}

/* Gap in pixels between two rectangles that do not overlap (0 if they do). */
static int rect_gap(const SDL_Rect *p, const SDL_Rect *q)
{
    int dx = q->x >= p->x + p->w ? q->x - (p->x + p->w) : p->x >= q->x + q->w ? p->x - (q->x + q->w) : 0;
    int dy = q->y >= p->y + p->h ? q->y - (p->y + p->h) : p->y >= q->y + q->h ? p->y - (q->y + q->h) : 0;
    return dx > dy ? dx : dy;
}

int app_check_targets(const App *a, char *msg, size_t msglen)
{
    int min = (int)(12.0 * a->m.pxmm) - 1, gap = (int)(3.0 * a->m.pxmm) - 1;
    for (int i = 0; i < a->nctl; i++) {
        const Control *c = &a->ctl[i];
        if (!c->enabled || c->clipped || c->act == ACT_STAFF_HOLD || !visible_ctl(a, c))
            continue;
        if (c->r.w < min || c->r.h < min) {
            snprintf(msg, msglen, "\"%s\" is %dx%d px, under 12 mm (%d px) on the %s screen",
                     c->label, c->r.w, c->r.h, min + 1, app_screen_name(a));
            return -1;
        }
        for (int j = i + 1; j < a->nctl; j++) {
            const Control *d = &a->ctl[j];
            if (!d->enabled || d->clipped || d->act == ACT_STAFF_HOLD || d->layer != c->layer ||
                !visible_ctl(a, d) || SDL_HasIntersection(&c->r, &d->r))
                continue;
            int g = rect_gap(&c->r, &d->r);
            if (g < gap) {
                snprintf(msg, msglen, "\"%s\" and \"%s\" are %d px apart, under 3 mm (%d px) on the %s screen",
                         c->label, d->label, g, gap + 1, app_screen_name(a));
                return -1;
            }
        }
    }
    return 0;
}
