/*
 * overlay.c: what opens over a screen (the filter pickers, the idle
 * count-down, the staff PIN pad and staff menu) and the coming-soon page.
 * Overlays other than the idle prompt are modal: only their controls
 * answer while they show.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_strings checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void ui_dim(App *a)
{
    SDL_Rect all = {0, 0, a->w, a->h};
    draw_fill(a->r, all, rgba(0x000000, 110));
}

/* A white sheet in the middle of the screen, w x h at most. */
SDL_Rect ui_sheet(App *a, int w, int h)
{
    if (w > a->w - 2 * a->m.pad)
        w = a->w - 2 * a->m.pad;
    if (h > a->h - 2 * a->m.pad)
        h = a->h - 2 * a->m.pad;
    SDL_Rect r = {(a->w - w) / 2, (a->h - h) / 2, w, h};
    draw_round(a->r, r, a->m.radius * 3, rgb(C_WHITE));
    return r;
}

/* Options as big buttons in a grid under a title; a 取消 at the bottom.
 * cols 0: as many as the screen's width suits (short labels). */
static void picker(App *a, const char *title, int n, const char *const *labels, Action act,
                   const int *args, int current, int cols)
{
    const Metrics *m = &a->m;
    int colw = cols ? 130 : 52; /* mm: one column is for long labels */
    if (!cols)
        cols = a->w / m->pxmm >= 180 ? 3 : 2;
    int rows = (n + cols - 1) / cols;
    int tpx = m->heading, pad = m->pad;
    int hlh = ui_line_h(a, FACE_BOLD, tpx);
    int bh = m->target, gap = m->gap;
    int h = pad + hlh + gap + rows * (bh + gap) + bh + pad;
    if (h > a->h - 2 * m->pad) { /* a short screen: a smaller title, not smaller targets */
        tpx = m->body;
        pad = m->pad / 2;
        hlh = ui_line_h(a, FACE_BOLD, tpx);
        if (cols == 1 && pad + hlh + gap + rows * (bh + gap) + bh + pad > a->h - 2 * m->pad) {
            cols = 2; /* long labels side by side rather than under 取消 */
            rows = (n + 1) / 2;
        }
        h = pad + hlh + gap + rows * (bh + gap) + bh + pad;
    }
    int w = (int)(cols * colw * m->pxmm);
    ui_dim(a);
    SDL_Rect s = ui_sheet(a, w, h);
    ui_text(a, FACE_BOLD, tpx, C_TEXT, s.x + m->pad, s.y + pad, title);
    int bw = (s.w - 2 * m->pad - (cols - 1) * gap) / cols;
    int y0 = s.y + pad + hlh + gap;
    for (int i = 0; i < n; i++) {
        SDL_Rect b = {s.x + m->pad + (i % cols) * (bw + gap), y0 + (i / cols) * (bh + gap), bw, bh};
        ui_chip(a, b, labels[i], act, args[i], args[i] == current);
    }
    SDL_Rect cancel = {s.x + s.w - m->pad - bw, s.y + s.h - pad - bh, bw, bh};
    ui_button(a, cancel, tr(a->lang, S_CANCEL), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
}

static void pick_grade(App *a)
{
    const char *labels[5] = {tr(a->lang, S_ALL), grade_word(a, GRADE_GREEN),
                             grade_word(a, GRADE_BLUE), grade_word(a, GRADE_ORANGE),
                             grade_word(a, GRADE_NONE)};
    const int args[5] = {-1, GRADE_GREEN, GRADE_BLUE, GRADE_ORANGE, GRADE_NONE};
    picker(a, tr(a->lang, S_PICK_GRADE), 5, labels, ACT_GRADE, args, a->wall.grade, 0);
}

static void pick_status(App *a)
{
    const char *labels[8];
    int args[8];
    for (int i = 0; i < N_STATUS_FILTERS && i < 8; i++) {
        labels[i] = i == 0 ? tr(a->lang, S_ALL) : status_word(a, STATUS_FILTERS[i]);
        args[i] = i;
    }
    picker(a, tr(a->lang, S_PICK_STATUS), N_STATUS_FILTERS, labels, ACT_STATUS, args,
           a->wall.status, 0);
}

static void pick_topic(App *a)
{
    const char *labels[4] = {a->topics[0], a->topics[1], a->topics[2],
                             tr(a->lang, S_TOPIC_TYPE)};
    const int args[4] = {0, 1, 2, 3};
    /* 自己输入 stays tappable when a typed topic is chosen: to change it. */
    picker(a, tr(a->lang, S_MEET_TOPIC), 4, labels, ACT_TOPIC, args,
           a->topic_choice == 3 ? -1 : a->topic_choice, 1);
}

static void idle(App *a)
{
    const Metrics *m = &a->m;
    int64_t left = (int64_t)a->cfg.idle_s * 1000 - (a->now - a->last_input);
    int secs = (int)((left + 999) / 1000);
    if (secs < 0)
        secs = 0;
    ui_dim(a);
    int hlh = ui_line_h(a, FACE_BOLD, m->heading), blh = ui_line_h(a, FACE_REGULAR, m->body);
    SDL_Rect s = ui_sheet(a, (int)(110 * m->pxmm), 2 * m->pad + hlh + blh + m->gap * 2 + m->target);
    SDL_Rect t = {s.x, s.y + m->pad, s.w, hlh};
    ui_text_center(a, FACE_BOLD, m->heading, C_TEXT, t, tr(a->lang, S_IDLE_ASK));
    char cnt[96];
    snprintf(cnt, sizeof cnt, tr(a->lang, S_IDLE_COUNT_FMT), secs);
    SDL_Rect c = {s.x, t.y + hlh + m->gap / 2, s.w, blh};
    ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, c, cnt);
    int bw = (int)(50 * m->pxmm);
    SDL_Rect b = {s.x + (s.w - bw) / 2, s.y + s.h - m->pad - m->target, bw, m->target};
    ui_button(a, b, tr(a->lang, S_IDLE_KEEP), ACT_IDLE_KEEP, 0, C_RED, C_WHITE, 1);
}

static void pin_keys(App *a, int x, int y, int w, int key, int gap)
{
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", ""};
    int kw = (w - 2 * gap) / 3;
    for (int i = 0; i < 12; i++) {
        SDL_Rect b = {x + (i % 3) * (kw + gap), y + (i / 3) * (key + gap), kw, key};
        if (i == 9)
            ui_button(a, b, tr(a->lang, S_DELETE), ACT_PIN_DELETE, 0, 0xE8EAED, C_TEXT, 1);
        else if (i == 11)
            ui_button(a, b, tr(a->lang, S_CONFIRM), ACT_PIN_OK, 0, C_RED, C_WHITE, a->pin[0] != 0);
        else
            ui_button(a, b, keys[i], ACT_PIN_DIGIT, keys[i][0] - '0', 0xF1F3F4, C_TEXT, 1);
    }
}

/* The PIN pad: title, dots for the digits typed, a message, 12 keys and
 * 取消. Side by side on a short landscape screen, stacked otherwise. */
static void pin_pad(App *a)
{
    const Metrics *m = &a->m;
    ui_dim(a);
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    int key = m->target, gap = m->gap;
    int keys_h = 4 * key + 3 * gap;
    int colw = (int)(80 * m->pxmm);
    /* The title: in heading type when it fits one line, else in body
     * type over up to three lines (a token's or a number's explains itself). */
    const char *title = tr(a->lang, pad_title(a));
    int one = ui_width(a, FACE_BOLD, m->heading, title) <= colw;
    int hlh = one ? ui_line_h(a, FACE_BOLD, m->heading) : 3 * ui_line_h(a, FACE_BOLD, m->body);
    int stacked_h = 2 * m->pad + hlh + blh * 2 + gap + keys_h + gap + key;
    int side = stacked_h > a->h - 2 * m->pad && a->w > a->h;
    SDL_Rect s = side ? ui_sheet(a, 2 * colw + 3 * m->pad, 2 * m->pad + keys_h + gap + key)
                      : ui_sheet(a, colw + 2 * m->pad, stacked_h);
    int lw = side ? (s.w - 3 * m->pad) / 2 : s.w - 2 * m->pad;
    int x = s.x + m->pad, y = s.y + m->pad;
    int tpx = ui_width(a, FACE_BOLD, m->heading, title) <= lw ? m->heading : m->body;
    LineSpan tl[3];
    int ntl = ui_break(a, FACE_BOLD, tpx, title, lw, 3, tl, 3);
    int tlh = ui_line_h(a, FACE_BOLD, tpx);
    for (int i = 0; i < ntl; i++) {
        char line[160];
        snprintf(line, sizeof line, "%.*s%s", (int)tl[i].len, title + tl[i].start,
                 tl[i].ellipsis ? LINEBREAK_ELLIPSIS : "");
        SDL_Rect t = {x, y + i * tlh, lw, tlh};
        ui_text_center(a, FACE_BOLD, tpx, C_TEXT, t, line);
    }
    y += ntl * tlh > hlh ? ntl * tlh : hlh;
    char shown[100] = "";
    if (pad_secret(a)) {
        for (size_t i = 0; i < strlen(a->pin) && i < 8; i++)
            strcat(shown, "● ");
    } else {
        /* Digits in fours, as a token is printed: 4821 0937. */
        size_t k = 0, n = strlen(a->pin);
        for (size_t i = 0; i < n && k + 2 < sizeof shown; i++) {
            if (i && i % 4 == 0 && n <= 8)
                shown[k++] = ' ';
            shown[k++] = a->pin[i];
        }
        shown[k] = 0;
    }
    SDL_Rect d = {x, y, lw, blh};
    ui_text_center(a, FACE_BOLD, m->body, C_TEXT, d, shown[0] ? shown : "—");
    y += blh;
    char msg[160] = "";
    if (a->pin_msg == S_STAFF_LOCKED_FMT)
        snprintf(msg, sizeof msg, tr(a->lang, S_STAFF_LOCKED_FMT), (int)a->pin_wait_s);
    else if (a->pin_msg)
        snprintf(msg, sizeof msg, "%s", tr(a->lang, (StrId)a->pin_msg));
    if (msg[0]) {
        LineSpan ls[3];
        int n = ui_break(a, FACE_REGULAR, m->small, msg, lw, 3, ls, 3);
        int slh = ui_line_h(a, FACE_REGULAR, m->small);
        ui_lines(a, FACE_REGULAR, m->small, C_OVERDUE, x, y, slh, msg, ls, n);
    }
    y += blh + gap;
    SDL_Rect cancel = {x, s.y + s.h - m->pad - key, lw, key};
    if (side)
        pin_keys(a, x + lw + m->pad, s.y + m->pad, lw, key, gap);
    else
        pin_keys(a, x, y, lw, key, gap);
    ui_button(a, cancel, tr(a->lang, S_CANCEL), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
}

/* The staff menu: open or close the meeting, log an appeal, approve texts,
 * shut down, quit the program, back. One column where it fits, else two
 * (a low landscape screen). */
static void staff(App *a)
{
    const Metrics *m = &a->m;
    ui_dim(a);
    typedef struct {
        StrId label;
        Action act;
        int red; /* the hall's own tasks in red, the way out in grey */
    } Item;
    Item b[7];
    int n = 0;
    if (a->src->open_meeting) {
        int open = a->staff_meeting.id[0] != 0;
        b[n++] = (Item){open ? S_STAFF_CLOSE_MEETING : S_STAFF_OPEN_MEETING,
                                open ? ACT_STAFF_CLOSE : ACT_STAFF_OPEN, 1};
    }
    if (a->src->submit)
        b[n++] = (Item){S_STAFF_LOG_APPEAL, ACT_STAFF_LOG, 1};
    if (a->src->pending)
        b[n++] = (Item){S_STAFF_APPROVE, ACT_STAFF_APPROVE, 1};
    if (a->src->poweroff)
        b[n++] = (Item){S_STAFF_POWEROFF, ACT_STAFF_POWEROFF, 0};
    b[n++] = (Item){S_STAFF_EXIT, ACT_STAFF_QUIT, 0};
    b[n++] = (Item){S_BACK, ACT_CLOSE_OVERLAY, 0};
    int hlh = ui_line_h(a, FACE_BOLD, m->heading), row = m->target + m->gap;
    int cols = 2 * m->pad + hlh + n * row > a->h - 2 * m->pad ? 2 : 1;
    int rows = (n + cols - 1) / cols;
    int colw = (int)(100 * m->pxmm);
    SDL_Rect s = ui_sheet(a, cols * colw + (cols - 1) * m->gap, 2 * m->pad + hlh + rows * row);
    SDL_Rect t = {s.x, s.y + m->pad, s.w, hlh};
    ui_text_center(a, FACE_BOLD, m->heading, C_TEXT, t, tr(a->lang, S_STAFF_TITLE));
    int bw = (s.w - 2 * m->pad - (cols - 1) * m->gap) / cols;
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {s.x + m->pad + (i % cols) * (bw + m->gap), t.y + hlh + m->gap + (i / cols) * row,
                      bw, m->target};
        ui_button(a, r, tr(a->lang, b[i].label), b[i].act, 0, b[i].red ? C_RED : 0xE8EAED,
                  b[i].red ? C_WHITE : C_TEXT, 1);
    }
}

/* Closing the meeting: what it is, how many ballots, no way back. */
static void close_meeting(App *a)
{
    const Metrics *m = &a->m;
    ui_dim(a);
    int hlh = ui_line_h(a, FACE_BOLD, m->heading), blh = ui_line_h(a, FACE_REGULAR, m->body);
    char msg[400];
    snprintf(msg, sizeof msg, tr(a->lang, S_CLOSE_CONFIRM_FMT),
             a->staff_meeting.topic ? a->staff_meeting.topic : "", a->staff_meeting.ballots);
    int w = (int)(130 * m->pxmm);
    if (w > a->w - 2 * m->pad)
        w = a->w - 2 * m->pad;
    LineSpan ls[4];
    int n = ui_break(a, FACE_REGULAR, m->body, msg, w - 2 * m->pad, 4, ls, 4);
    SDL_Rect s = ui_sheet(a, w, 2 * m->pad + hlh + n * blh + 2 * m->gap + m->target);
    SDL_Rect t = {s.x, s.y + m->pad, s.w, hlh};
    ui_text_center(a, FACE_BOLD, m->heading, C_TEXT, t, tr(a->lang, S_STAFF_CLOSE_MEETING));
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT, s.x + m->pad, t.y + hlh + m->gap, blh, msg, ls, n);
    int bw = (s.w - 2 * m->pad - m->gap) / 2;
    SDL_Rect back = {s.x + m->pad, s.y + s.h - m->pad - m->target, bw, m->target};
    ui_button(a, back, tr(a->lang, S_BACK), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect go = {back.x + bw + m->gap, back.y, bw, m->target};
    ui_button(a, go, tr(a->lang, S_STAFF_CLOSE_MEETING), ACT_CLOSE_CONFIRM, 0, C_RED, C_WHITE, 1);
}

/* 关机: asks first; once asked, says to wait for the dark screen; when the
 * system has not shut down a minute later (no appliance service, or it
 * failed), says that unplugging is safe: every record is on the card
 * (SQLite commits are synchronous) before the screen says it was taken. */
static void poweroff(App *a)
{
    const Metrics *m = &a->m;
    ui_dim(a);
    int hlh = ui_line_h(a, FACE_BOLD, m->heading), blh = ui_line_h(a, FACE_REGULAR, m->body);
    int asked = a->poweroff_at != 0, stuck = asked && a->now - a->poweroff_at >= 60000;
    char msg[400];
    if (a->poweroff_msg[0])
        snprintf(msg, sizeof msg, tr(a->lang, S_POWEROFF_FAILED_FMT), a->poweroff_msg);
    else
        snprintf(msg, sizeof msg, "%s",
                 tr(a->lang, stuck ? S_POWEROFF_STUCK : asked ? S_POWEROFF_GOING : S_POWEROFF_CONFIRM));
    int w = (int)(130 * m->pxmm);
    if (w > a->w - 2 * m->pad)
        w = a->w - 2 * m->pad;
    LineSpan ls[5];
    int n = ui_break(a, FACE_REGULAR, m->body, msg, w - 2 * m->pad, 5, ls, 5);
    int buttons = !asked || stuck || a->poweroff_msg[0];
    SDL_Rect s = ui_sheet(a, w, 2 * m->pad + hlh + n * blh + 2 * m->gap + buttons * m->target);
    SDL_Rect t = {s.x, s.y + m->pad, s.w, hlh};
    ui_text_center(a, FACE_BOLD, m->heading, C_TEXT, t, tr(a->lang, S_STAFF_POWEROFF));
    ui_lines(a, FACE_REGULAR, m->body, a->poweroff_msg[0] ? C_OVERDUE : C_TEXT, s.x + m->pad,
             t.y + hlh + m->gap, blh, msg, ls, n);
    if (!buttons)
        return; /* shutting down: nothing to press */
    int bw = (s.w - 2 * m->pad - m->gap) / 2;
    SDL_Rect back = {s.x + m->pad, s.y + s.h - m->pad - m->target, bw, m->target};
    if (asked || a->poweroff_msg[0]) { /* refused or stuck: back is all there is */
        back.w = s.w - 2 * m->pad;
        ui_button(a, back, tr(a->lang, S_BACK), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
        return;
    }
    ui_button(a, back, tr(a->lang, S_BACK), ACT_STAFF_BACK, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect go = {back.x + bw + m->gap, back.y, bw, m->target};
    ui_button(a, go, tr(a->lang, S_STAFF_POWEROFF), ACT_POWEROFF_CONFIRM, 0, C_RED, C_WHITE, 1);
}

/* What became of a new echowall version (UPD_*): its words for staff
 * (format: the version, then the one before), and whether it went well. */
static const struct {
    int update;  /* UPD_* */
    int fmt;     /* S_UPDATE_*_FMT */
    int good;    /* 1 went well, -1 went wrong */
} UPDATE_LINES[] = {
    {UPD_REQUESTED, S_UPDATE_REQUESTED_FMT, 1},
    {UPD_INSTALLED, S_UPDATE_INSTALLED_FMT, 1},
    {UPD_REFUSED, S_UPDATE_REFUSED_FMT, -1},
    {UPD_FAILED_BEFORE, S_UPDATE_FAILED_BEFORE_FMT, -1},
    {UPD_ROLLED_BACK, S_UPDATE_ROLLED_BACK_FMT, -1},
    {UPD_NOT_INSTALLED, S_UPDATE_NOT_INSTALLED_FMT, -1},
    {UPD_BROKEN, S_UPDATE_BROKEN_FMT, -1},
};

/* The line for st's update into out; 0 when there is nothing to say, else
 * the table's `good`. */
static int update_line(const App *a, const StickStatus *st, char *out, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < sizeof UPDATE_LINES / sizeof UPDATE_LINES[0]; i++)
        if (UPDATE_LINES[i].update == st->update) {
            snprintf(out, n, tr(a->lang, UPDATE_LINES[i].fmt),
                     st->update_version[0] ? st->update_version : "?",
                     st->update_from[0] ? st->update_from : "?");
            return UPDATE_LINES[i].good;
        }
    return 0;
}

/* The stick: a progress bar while it syncs, then what happened (and what
 * became of a new version on it); or, with no stick, what the update
 * helper did. */
static void stick(App *a)
{
    const Metrics *m = &a->m;
    const StickStatus *st = &a->stick;
    ui_dim(a);
    int hlh = ui_line_h(a, FACE_BOLD, m->heading), blh = ui_line_h(a, FACE_REGULAR, m->body);
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    int w = (int)(150 * m->pxmm);
    int ok0 = st->state == STICK_DONE;
    int only = ok0 && st->update_only;
    char upd[400];
    int updok = st->state == STICK_RUNNING ? 0 : update_line(a, st, upd, sizeof upd);
    int updwhy = updok < 0 && st->update_why[0];
    int lines = st->state == STICK_RUNNING ? 0
                                           : 2 + (ok0 && st->enrol == 2) +
                                                 (ok0 && !only && st->enrol != 1) * 2 +
                                                 (st->refused > 0) + (!ok0 && st->msg[0]) +
                                                 (updok != 0) * 2;
    int small = (ok0 && st->fingerprint[0]) * 2 + st->nwhy * 2 + updwhy * 2;
    int h = st->state == STICK_RUNNING ? 2 * m->pad + hlh + m->target / 2 + blh + 2 * m->gap
                                       : 2 * m->pad + lines * blh + small * slh + m->gap + m->target;
    SDL_Rect s = ui_sheet(a, w, h);
    int x = s.x + m->pad, y = s.y + m->pad, iw = s.w - 2 * m->pad;
    char line[400];
    if (st->state == STICK_RUNNING) {
        ui_text_fit(a, FACE_BOLD, m->heading, C_TEXT, x, y, iw, tr(a->lang, S_STICK_RUNNING));
        y += hlh + m->gap;
        double f = 0.05;
        if (strcmp(st->phase, "import") == 0 && st->total > 0)
            f = 0.05 + 0.65 * st->done / st->total;
        else if (strcmp(st->phase, "fold") == 0)
            f = 0.75;
        else if (strcmp(st->phase, "export") == 0)
            f = 0.8 + 0.2 * st->done / (st->total > 0 ? st->total : 1);
        SDL_Rect track = {x, y, iw, m->target / 2};
        draw_round(a->r, track, track.h / 2, rgb(0xE8EAED));
        SDL_Rect bar = {x, y, (int)(iw * f), track.h};
        draw_round(a->r, bar, track.h / 2, rgb(C_RED));
        y += track.h + m->gap;
        ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT2, x, y, iw, tr(a->lang, S_STICK_DONT_PULL));
        return;
    }
    int ok = st->state == STICK_DONE;
    const char *title = !ok              ? tr(a->lang, S_STICK_FAILED)
                        : only           ? tr(a->lang, S_UPDATE_TITLE)
                        : st->enrol == 1 ? tr(a->lang, S_STICK_REQUESTED)
                                         : tr(a->lang, S_STICK_DONE);
    LineSpan ls[3];
    int n = ui_break(a, FACE_BOLD, m->body, title, iw, 2, ls, 3);
    ui_lines(a, FACE_BOLD, m->body, ok && !(only && updok < 0) ? C_GREEN : C_OVERDUE, x, y, blh,
             title, ls, n);
    y += n * blh + m->gap / 2;
    if (ok && st->enrol == 2) {
        snprintf(line, sizeof line, tr(a->lang, S_STICK_ENROLLED_FMT), st->hall);
        ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, x, y, iw, line);
        y += blh;
    }
    if (ok && st->fingerprint[0]) {
        snprintf(line, sizeof line, tr(a->lang, S_STICK_FP_FMT), st->fingerprint);
        n = ui_break(a, FACE_REGULAR, m->small, line, iw, 2, ls, 3);
        ui_lines(a, FACE_REGULAR, m->small, C_TEXT, x, y, slh, line, ls, n);
        y += n * slh;
    }
    if (ok && !only && st->enrol != 1) {
        snprintf(line, sizeof line, tr(a->lang, S_STICK_IN_FMT), st->files_in, st->records_in);
        ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, x, y, iw, line);
        y += blh;
        if (st->records_out >= 0) {
            snprintf(line, sizeof line, tr(a->lang, S_STICK_OUT_FMT), st->records_out);
            ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, x, y, iw, line);
            y += blh;
        }
    }
    if (st->refused) {
        snprintf(line, sizeof line, tr(a->lang, S_STICK_REFUSED_FMT), st->refused);
        ui_text_fit(a, FACE_REGULAR, m->body, C_OVERDUE, x, y, iw, line);
        y += blh;
    }
    if (updok) {
        n = ui_break(a, FACE_REGULAR, m->body, upd, iw, 2, ls, 3);
        ui_lines(a, FACE_REGULAR, m->body, updok > 0 ? C_TEXT : C_OVERDUE, x, y, blh, upd, ls, n);
        y += n * blh;
        if (updwhy) {
            n = ui_break(a, FACE_REGULAR, m->small, st->update_why, iw, 2, ls, 3);
            ui_lines(a, FACE_REGULAR, m->small, C_TEXT2, x, y, slh, st->update_why, ls, n);
            y += n * slh;
        }
    }
    /* The technical detail, for staff. */
    for (int i = 0; i < st->nwhy && y + slh < s.y + s.h - m->pad - m->target; i++) {
        n = ui_break(a, FACE_REGULAR, m->small, st->why[i], iw, 2, ls, 3);
        ui_lines(a, FACE_REGULAR, m->small, C_TEXT2, x, y, slh, st->why[i], ls, n);
        y += n * slh;
    }
    if (!ok && st->msg[0])
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, iw, st->msg);
    int bw = (int)(50 * m->pxmm);
    SDL_Rect b = {s.x + s.w - m->pad - bw, s.y + s.h - m->pad - m->target, bw, m->target};
    ui_button(a, b, tr(a->lang, S_CONFIRM), ACT_STICK_OK, 0, C_RED, C_WHITE, 1);
}

void overlay_draw(App *a)
{
    switch (a->overlay) {
    case OV_NONE:
        break;
    case OV_PICK_GRADE:
        pick_grade(a);
        break;
    case OV_PICK_STATUS:
        pick_status(a);
        break;
    case OV_IDLE:
        idle(a);
        break;
    case OV_PIN:
        pin_pad(a);
        break;
    case OV_STAFF:
        staff(a);
        break;
    case OV_STICK:
        stick(a);
        break;
    case OV_PICK_TOPIC:
        pick_topic(a);
        break;
    case OV_CLOSE_MEETING:
        close_meeting(a);
        break;
    case OV_OFFICE_GRADE:
        office_grade_draw(a);
        break;
    case OV_OFFICE_EXPORT:
        office_export_draw(a);
        break;
    case OV_OFFICE_REVOKE:
        office_revoke_draw(a);
        break;
    case OV_POWEROFF:
        poweroff(a);
        break;
    case OV_OFFICE_IMPORT:
        office_import_draw(a);
        break;
    }
}

void soon_draw(App *a)
{
    static const StrId title[4] = {S_TILE_WALL, S_TILE_EVAL, S_TILE_APPEAL, S_TILE_TRACK};
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, tr(a->lang, title[a->soon_tile & 3]), NULL);
    int hlh = ui_line_h(a, FACE_BOLD, m->heading);
    int y = band_h + (a->h - band_h) / 4;
    SDL_Rect t = {0, y, a->w, hlh};
    ui_text_center(a, FACE_BOLD, m->heading, C_TEXT, t, tr(a->lang, S_SOON_TITLE));
    y += hlh + m->gap;
    const char *body = tr(a->lang, S_SOON_BODY);
    int w = a->w - 4 * m->pad;
    LineSpan ls[6];
    int n = ui_break(a, FACE_REGULAR, m->body, body, w, 6, ls, 6);
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    for (int i = 0; i < n; i++) {
        char line[512];
        size_t len = ls[i].len < sizeof line - 1 ? ls[i].len : sizeof line - 1;
        memcpy(line, body + ls[i].start, len);
        line[len] = 0;
        SDL_Rect lr = {0, y + i * blh, a->w, blh};
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, lr, line);
    }
    y += n * blh + m->gap * 2;
    int bw = (int)(60 * m->pxmm);
    SDL_Rect b = {(a->w - bw) / 2, y, bw, m->target};
    if (b.y + b.h > a->h - m->pad)
        b.y = a->h - m->pad - b.h;
    ui_button(a, b, tr(a->lang, S_GO_HOME), ACT_BACK, 0, C_RED, C_WHITE, 1);
}
