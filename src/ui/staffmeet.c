/*
 * staffmeet.c: what hall staff do behind the PIN: the staff menu's
 * meeting buttons, opening a meeting (topic, who is evaluated, a cap on
 * ballots, ballot tokens to print) and closing it; and the number pad
 * that every PIN, number and ballot token is typed on.
 *
 * The topic is chosen from this quarter's report, this month's village
 * affairs meeting and the year-end report, so that no keyboard is needed;
 * the subjects are the branch, its secretary and its micro-grid leaders
 * from the roster, chosen by tapping, evaluated in the order tapped.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "domain.h"

#define MAX_CAP 9999
#define MAX_TOKENS 500

void staff_menu_open(App *a)
{
    meeting_info_free(&a->staff_meeting);
    char msg[256];
    int rc = a->src->meeting ? a->src->meeting(a->src->ctx, &a->staff_meeting, msg, sizeof msg) : 1;
    if (rc < 0)
        SDL_Log("meeting: %s", msg);
    if (rc != 0)
        meeting_info_free(&a->staff_meeting); /* id "": none open */
    a->overlay = OV_STAFF;
    a->pin_msg = 0;
    a->dirty = 1;
}

/* The three topics on offer, from today's date. */
static void make_topics(App *a)
{
    app_load_figures(a);
    int y = 2026, mo = 1;
    if (sscanf(a->fig.today, "%d-%d", &y, &mo) != 2 || mo < 1 || mo > 12)
        y = 2026, mo = 1;
    static const char *const quarter[2][4] = {{"一", "二", "三", "四"}, {"1", "2", "3", "4"}};
    snprintf(a->topics[0], sizeof a->topics[0], tr(a->lang, S_TOPIC_QUARTER_FMT), y,
             quarter[a->lang == LANG_EN][(mo - 1) / 3]);
    snprintf(a->topics[1], sizeof a->topics[1], tr(a->lang, S_TOPIC_MONTH_FMT), y, mo);
    snprintf(a->topics[2], sizeof a->topics[2], tr(a->lang, S_TOPIC_YEAR_FMT), y);
    a->topics[3][0] = 0; /* typed on the keyboard (topic_done) */
}

/* Typing a topic: the keyboard under a band with 返回 and 确定. */
void topic_draw(App *a)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, tr(a->lang, S_TOPIC_TYPE_TITLE), NULL);
    const char *ok = tr(a->lang, S_CONFIRM);
    int gw = ui_width(a, FACE_BOLD, m->body, ok) + 4 * m->pad;
    SDL_Rect done = {a->w - m->pad - gw, (band_h - m->target) / 2, gw, m->target};
    int blank = 1;
    for (const char *p = a->kb.text; *p; p++)
        blank &= *p == ' ';
    ui_button(a, done, ok, ACT_TOPIC_DONE, 0, C_WHITE, C_RED, !blank);
    SDL_Rect area = {0, band_h, a->w, a->h - band_h};
    kb_draw(a, area);
}

/* The typed topic becomes the meeting's: one line, spaces trimmed. */
void topic_done(App *a)
{
    char *t = a->kb.text;
    for (char *p = t; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    size_t start = strspn(t, " "), end = strlen(t);
    while (end > start && t[end - 1] == ' ')
        end--;
    if (end == start) {
        ui_toast(a, S_DISABLED_HINT);
        return;
    }
    snprintf(a->topics[3], sizeof a->topics[3], "%.*s", (int)(end - start), t + start);
    a->topic_choice = 3;
    kb_clear(a);
    app_go(a, SCR_MEET_SETUP);
}

void meet_setup_open(App *a)
{
    candidates_free(&a->cands);
    memset(a->cand_chosen, 0, sizeof a->cand_chosen);
    char msg[256];
    int rc = a->src->candidates ? a->src->candidates(a->src->ctx, &a->cands, msg, sizeof msg) : -1;
    if (rc != 0) {
        SDL_Log("candidates: %s", a->src->candidates ? msg : "none");
        candidates_free(&a->cands);
    }
    if (a->cands.n > (int)(sizeof a->cand_chosen / sizeof a->cand_chosen[0]))
        a->cands.n = (int)(sizeof a->cand_chosen / sizeof a->cand_chosen[0]);
    a->cands_state = rc == 0 ? 1 : 2;
    /* Everyone offered is chosen, in the roster's order: the usual meeting
     * hears them all; staff tap away whoever did not report. */
    for (int i = 0; i < a->cands.n; i++)
        a->cand_chosen[i] = i + 1;
    make_topics(a);
    a->topic_choice = 0;
    a->setup_cap = 0;
    a->setup_tokens = 0;
    app_go(a, SCR_MEET_SETUP);
}

/* Chosen: appended after the others. Unchosen: the later ones move up. */
void meet_toggle(App *a, int i)
{
    if (i < 0 || i >= a->cands.n)
        return;
    int was = a->cand_chosen[i];
    if (was) {
        a->cand_chosen[i] = 0;
        for (int j = 0; j < a->cands.n; j++)
            if (a->cand_chosen[j] > was)
                a->cand_chosen[j]--;
    } else {
        int most = 0;
        for (int j = 0; j < a->cands.n; j++)
            if (a->cand_chosen[j] > most)
                most = a->cand_chosen[j];
        a->cand_chosen[i] = most + 1;
    }
}

static int chosen_count(const App *a)
{
    int n = 0;
    for (int i = 0; i < a->cands.n; i++)
        n += a->cand_chosen[i] != 0;
    return n;
}

void meet_start(App *a)
{
    const char *who[64];
    int n = chosen_count(a);
    for (int i = 0; i < a->cands.n; i++)
        if (a->cand_chosen[i])
            who[a->cand_chosen[i] - 1] = a->cands.v[i].who;
    if (n == 0) {
        ui_toast(a, S_MEET_NONE_CHOSEN);
        return;
    }
    MeetingSetup s = {.topic = a->topics[a->topic_choice], .who = who, .n = n,
                      .cap = a->setup_cap, .tokens = a->setup_tokens};
    char msg[256] = "";
    int rc = a->src->open_meeting ? a->src->open_meeting(a->src->ctx, &s, msg, sizeof msg) : -1;
    if (rc == 0) {
        app_go(a, SCR_HOME);
        ui_toast(a, S_MEET_OPENED);
        return;
    }
    SDL_Log("open meeting: %s", msg);
    if (rc == 2) { /* open, but nobody holds a token: staff must know */
        app_go(a, SCR_HOME);
        ui_toast(a, S_MEET_TOKENS_UNPRINTED);
        return;
    }
    ui_toast(a, rc == 1 ? S_MEET_ALREADY_OPEN : rc == 3 ? S_MEET_NO_PRINTER : S_MEET_OPEN_FAILED);
}

void meet_close(App *a)
{
    char msg[256] = "";
    int rc = a->src->close_meeting
                 ? a->src->close_meeting(a->src->ctx, a->staff_meeting.id, msg, sizeof msg)
                 : -1;
    meeting_info_free(&a->staff_meeting);
    if (rc != 0) {
        SDL_Log("close meeting: %s", msg);
        a->overlay = OV_NONE;
        ui_toast(a, S_MEET_CLOSE_FAILED);
        return;
    }
    results_open(a); /* the results, at once, for the room */
}

/* A labelled field that opens a chooser: label above, value in a box. */
static void field(App *a, SDL_Rect r, const char *label, const char *value, Action act, int arg)
{
    const Metrics *m = &a->m;
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, r.x, r.y, r.w, label);
    SDL_Rect b = {r.x, r.y + slh, r.w, m->target};
    ui_control(a, b, value, act, arg, 1);
    int pressed = ui_is_pressed(a, act, arg);
    draw_round(a->r, b, m->radius * 2, rgb(pressed ? 0xE2E5EA : C_WHITE));
    draw_round_outline(a->r, b, m->radius * 2, 2, rgb(0xC4C8CE));
    int aw = ui_width(a, FACE_BOLD, m->body, "▼");
    ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, b.x + m->pad, b.y + (b.h - ui_line_h(a, FACE_BOLD, m->body)) / 2,
                b.w - 3 * m->pad - aw, value);
    ui_text(a, FACE_BOLD, m->body, C_TEXT2, b.x + b.w - m->pad - aw,
            b.y + (b.h - ui_line_h(a, FACE_BOLD, m->body)) / 2, "▼");
}

static const char *role_label(App *a, const char *role)
{
    if (!role || strcmp(role, "branch") == 0)
        return tr(a->lang, S_ROLE_BRANCH);
    const Term *t = domain_find(DOMAIN_ROLES, role);
    return t ? (a->lang == LANG_EN ? t->en : t->zh) : role;
}

/* The candidates as toggles that flow across the screen: "1 王建国 · 支部书记".
 * 0 when they do not all fit (then nothing is drawn). */
static int subjects(App *a, int x, int y, int w, int bottom, int px, int draw)
{
    const Metrics *m = &a->m;
    int cx = x, cy = y;
    for (int i = 0; i < a->cands.n; i++) {
        const Candidate *c = &a->cands.v[i];
        char label[160];
        int k = a->cand_chosen[i];
        if (k)
            snprintf(label, sizeof label, "%d  %s · %s", k, c->name ? c->name : "",
                     role_label(a, c->role));
        else
            snprintf(label, sizeof label, "%s · %s", c->name ? c->name : "", role_label(a, c->role));
        int bw = ui_width(a, FACE_BOLD, px, label) + 2 * m->pad;
        if (bw > w)
            bw = w;
        if (cx > x && cx + bw > x + w) {
            cx = x;
            cy += m->target + m->gap;
        }
        if (cy + m->target > bottom)
            return 0;
        cx += bw + m->gap;
        if (!draw)
            continue;
        SDL_Rect r = {cx - bw - m->gap, cy, bw, m->target};
        ui_control(a, r, c->name ? c->name : "", ACT_SUBJECT, i, 1); /* scripts tap a name */
        int pressed = ui_is_pressed(a, ACT_SUBJECT, i);
        draw_round(a->r, r, r.h / 2, rgb(k ? C_RED : pressed ? 0xD0D4DA : C_WHITE));
        if (!k)
            draw_round_outline(a->r, r, r.h / 2, 2, rgb(0xC4C8CE));
        ui_text_center(a, FACE_BOLD, px, k ? C_WHITE : C_TEXT, r, label);
    }
    return 1;
}

void meet_setup_draw(App *a)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, tr(a->lang, S_STAFF_OPEN_MEETING), NULL);
    /* 开始评议 in the band, where 返回 (the way to cancel) is too: the whole
     * height below is the form's, even on a 480-line screen. */
    const char *go = tr(a->lang, S_MEET_START);
    int gw = ui_width(a, FACE_BOLD, m->body, go) + 4 * m->pad;
    SDL_Rect start = {a->w - m->pad - gw, (band_h - m->target) / 2, gw, m->target};
    ui_button(a, start, go, ACT_MEET_START, 0, C_WHITE, C_RED, chosen_count(a) > 0);
    int x, w;
    ui_column(a, 220, &x, &w); /* a form, not a banner: within reach */
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    int y = band_h + m->gap;
    int fh = slh + m->target;
    if (a->cands_state != 1) {
        ui_text_fit(a, FACE_REGULAR, m->body, C_OVERDUE, x, y, w, tr(a->lang, S_LOAD_FAILED));
        return;
    }
    /* The topic on a line of its own, the numbers below, then who; on a
     * short screen where who would not fit, the three fields share a line. */
    int sub_y = y + 2 * (fh + m->gap) + slh;
    int row = !subjects(a, x, sub_y, w, a->h - m->pad, m->small, 0);
    int tw = row ? (w - 2 * m->gap) / 2 : w;
    int nw = row ? (w - tw - 2 * m->gap) / 2 : (w - m->gap) / 2;
    SDL_Rect topic = {x, y, tw, fh};
    field(a, topic, tr(a->lang, S_MEET_TOPIC), a->topics[a->topic_choice], ACT_PICK_TOPIC, 0);
    if (!row)
        y += fh + m->gap;
    char cap[32], tokens[64];
    if (a->setup_cap > 0)
        snprintf(cap, sizeof cap, "%d", a->setup_cap);
    else
        snprintf(cap, sizeof cap, "%s", tr(a->lang, S_MEET_NO_CAP));
    if (a->setup_tokens > 0)
        snprintf(tokens, sizeof tokens, tr(a->lang, S_MEET_TOKENS_FMT), a->setup_tokens);
    else
        snprintf(tokens, sizeof tokens, "%s", tr(a->lang, S_MEET_NO_TOKENS));
    int nx = row ? x + tw + m->gap : x;
    SDL_Rect capr = {nx, y, nw, fh}, tokr = {nx + nw + m->gap, y, nw, fh};
    field(a, capr, tr(a->lang, S_MEET_CAP), cap, ACT_PAD, PAD_CAP);
    field(a, tokr, tr(a->lang, S_MEET_TOKENS), tokens, ACT_PAD, PAD_TOKENS);
    y += fh + m->gap;
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, w, tr(a->lang, S_MEET_SUBJECTS));
    y += slh;
    /* Body text when they all fit, else smaller text. */
    int px = subjects(a, x, y, w, a->h - m->pad, m->body, 0) ? m->body : m->small;
    subjects(a, x, y, w, a->h, px, 1);
}

/* ---- the number pad ------------------------------------------------------ */

StrId pad_title(const App *a)
{
    switch (a->pad_for) {
    case PAD_NEW_PIN:
        return a->new_pin_for == NP_FIRST    ? S_FIRST_PIN
               : a->new_pin_for == NP_CHANGE ? S_CHANGE_PIN_NEW
                                             : S_NEW_PIN;
    case PAD_NEW_PIN2:
        return S_NEW_PIN_AGAIN;
    case PAD_CUR_PIN:
        return S_CUR_PIN;
    case PAD_CAP:
        return S_CAP_TITLE;
    case PAD_TOKENS:
        return S_TOKENS_TITLE;
    case PAD_TOKEN:
        return S_TOKEN_TITLE;
    case PAD_RATING:
        return S_RATING_TITLE;
    case PAD_PIN:
        break;
    }
    return S_STAFF_PIN;
}

int pad_secret(const App *a)
{
    return a->pad_for == PAD_PIN || a->pad_for == PAD_NEW_PIN || a->pad_for == PAD_NEW_PIN2 ||
           a->pad_for == PAD_CUR_PIN;
}

void pad_wipe(App *a)
{
    sodium_memzero(a->pin, sizeof a->pin);
    sodium_memzero(a->new_pin, sizeof a->new_pin);
}

void pad_open(App *a, PadFor what)
{
    a->pad_for = what;
    sodium_memzero(a->pin, sizeof a->pin); /* a new PIN's first entry stays, for PAD_NEW_PIN2 */
    a->pin_msg = 0;
    a->overlay = OV_PIN;
    a->dirty = 1;
}

/* Digits only, as many as the thing typed has; a ballot token also takes
 * what a scanner types for its QR (the code, or a URL ending in it). */
void pad_type(App *a, const char *text)
{
    static const size_t most[] = {[PAD_PIN] = 8,     [PAD_NEW_PIN] = 8, [PAD_NEW_PIN2] = 8,
                                  [PAD_CUR_PIN] = 8, [PAD_CAP] = 4,     [PAD_TOKENS] = 3,
                                  [PAD_TOKEN] = 64,  [PAD_RATING] = 6};
    size_t n = strlen(a->pin);
    for (const char *p = text; *p && n < most[a->pad_for] && n + 1 < sizeof a->pin; p++) {
        int digit = *p >= '0' && *p <= '9';
        if (digit || (a->pad_for == PAD_TOKEN && *p > ' ' && *p < 0x7f)) {
            a->pin[n++] = *p;
            a->pin[n] = 0;
        }
    }
    a->pin_msg = 0;
    a->dirty = 1;
}

void pad_new_pin(App *a, NewPinFor why)
{
    sodium_memzero(a->new_pin, sizeof a->new_pin);
    a->new_pin_for = why;
    pad_open(a, PAD_NEW_PIN);
}

void office_login(App *a)
{
    if (a->src->first_pin_allowed && a->src->first_pin_allowed(a->src->ctx))
        pad_new_pin(a, NP_FIRST); /* a new station: its first PIN, then in */
    else
        pad_open(a, PAD_PIN);
}

/* The PIN typed, checked with the login's back-off: to log in or open the
 * staff menu (PAD_PIN), or before the office changes it (PAD_CUR_PIN). */
static void check_pin(App *a)
{
    int64_t wait = 0;
    int rc = a->src->check_pin ? a->src->check_pin(a->src->ctx, a->pin, a->now, &wait) : 3;
    int changing = a->pad_for == PAD_CUR_PIN;
    sodium_memzero(a->pin, sizeof a->pin);
    if (rc == 0 && changing) {
        pad_new_pin(a, NP_CHANGE);
    } else if (rc == 0 && office_mode(a)) {
        office_open(a); /* the office's desk: its lists */
    } else if (rc == 0) {
        staff_menu_open(a);
    } else if (rc == 4) {
        pad_new_pin(a, NP_RESET); /* the office's temporary PIN: choose one now */
    } else if (rc == 2) {
        a->pin_msg = S_STAFF_LOCKED_FMT;
        a->pin_wait_s = (wait + 999) / 1000;
    } else if (rc == 3 && office_mode(a) && a->src->first_pin_allowed &&
               a->src->first_pin_allowed(a->src->ctx)) {
        pad_new_pin(a, NP_FIRST);
    } else {
        a->pin_msg = rc == 3 ? S_STAFF_NO_PIN : rc == 1 ? S_STAFF_WRONG : S_LOAD_FAILED;
    }
}

/* Sets the new PIN typed twice, as new_pin_for says: 0 set, 1 not 4 to 8
 * digits, 2 a first PIN no longer allowed, -1 an error (msg). */
static int set_new_pin(App *a, char *msg, int msglen)
{
    if (a->new_pin_for == NP_FIRST)
        return a->src->set_first_pin ? a->src->set_first_pin(a->src->ctx, a->pin, msg, msglen) : 2;
    return a->src->set_pin ? a->src->set_pin(a->src->ctx, a->pin, msg, msglen) : -1;
}

static void new_pin(App *a)
{
    size_t n = strlen(a->pin);
    if (a->pad_for == PAD_NEW_PIN) {
        if (n < 4 || n > 8) { /* staff.c's STAFF_PIN_MIN, _MAX */
            sodium_memzero(a->pin, sizeof a->pin);
            a->pin_msg = S_NEW_PIN_BAD;
            return;
        }
        memcpy(a->new_pin, a->pin, n + 1); /* n <= 8 */
        pad_open(a, PAD_NEW_PIN2);
        return;
    }
    int same = strcmp(a->pin, a->new_pin) == 0;
    char msg[256] = "";
    int rc = same ? set_new_pin(a, msg, sizeof msg) : 1;
    pad_wipe(a);
    if (rc < 0)
        SDL_Log("set PIN: %s", msg);
    if (rc == 2) { /* set meanwhile (echowallctl): the login's pad, to type it */
        pad_open(a, PAD_PIN);
        a->pin_msg = S_FIRST_PIN_TAKEN;
    } else if (!same || rc != 0) {
        pad_new_pin(a, a->new_pin_for);
        a->pin_msg = !same ? S_NEW_PIN_MISMATCH : rc > 0 ? S_NEW_PIN_BAD : S_LOAD_FAILED;
    } else if (a->new_pin_for == NP_FIRST) {
        office_open(a);
        ui_toast(a, S_NEW_PIN_SET);
    } else if (a->new_pin_for == NP_CHANGE) {
        a->overlay = OV_NONE;
        a->off.dev_state = 1;
        snprintf(a->off.dev_msg, sizeof a->off.dev_msg, "%s", tr(a->lang, S_OD_MY_PIN_DONE));
    } else {
        staff_menu_open(a);
        ui_toast(a, S_NEW_PIN_SET);
    }
}

void pad_ok(App *a)
{
    int v = atoi(a->pin);
    switch (a->pad_for) {
    case PAD_PIN:
    case PAD_CUR_PIN:
        check_pin(a);
        return;
    case PAD_NEW_PIN:
    case PAD_NEW_PIN2:
        new_pin(a);
        return;
    case PAD_CAP:
        a->setup_cap = v > MAX_CAP ? MAX_CAP : v;
        break;
    case PAD_TOKENS:
        if (v > MAX_TOKENS) {
            a->pin_msg = S_TOKENS_TOO_MANY;
            return;
        }
        a->setup_tokens = v;
        break;
    case PAD_TOKEN:
        ballot_token_entered(a);
        return;
    case PAD_RATING:
        rate_entered(a);
        return;
    }
    a->pin[0] = 0;
    a->overlay = OV_NONE;
}
