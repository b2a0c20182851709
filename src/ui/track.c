/*
 * track.c: 查询进度. A villager types the code on their slip on a key grid
 * (the hall's own prefix already there), or scans the slip's QR with a USB
 * barcode scanner, which types the code or the URL holding it, then
 * Return, on Home or here. The check character turns a mistyped code away
 * kindly before anything is looked up; a good code opens the appeal's
 * detail with its timeline, where a solved appeal can be rated once with
 * the slip's private 6-digit rating code (wrong codes back off, like the
 * staff PIN, so nobody can try them all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appint.h"
#include "code.h"

/* What a code may hold: the hall's digits and the counter's alphabet. */
static const char KEYS[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXY";
#define NKEYS ((int)sizeof KEYS - 1)

#define RATE_FREE_TRIES 3
#define RATE_LOCK_MS 30000
#define RATE_LOCK_MAX_MS (15 * 60 * 1000)

void track_open(App *a)
{
    app_load_figures(a);
    /* The hall's own prefix: most slips tracked here were printed here. */
    snprintf(a->track_code, sizeof a->track_code, "%s", a->fig.hall);
    a->track_msg = 0;
    app_go(a, SCR_TRACK);
}

/* Typed on the key grid, a keyboard or a scanner: letters upper-cased,
 * dashes and spaces left out (the dash is drawn), anything else ignored. */
void track_type(App *a, const char *text)
{
    size_t n = strlen(a->track_code);
    for (const char *p = text; *p; p++) {
        char ch = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (ch == '/' || ch == '=') {
            n = 0; /* a scanned URL: the code is what follows its last / or = */
        } else if (strchr(KEYS, ch) && ch && n + 1 < sizeof a->track_code) {
            a->track_code[n++] = ch;
        }
        a->track_code[n] = 0;
    }
    a->track_msg = 0;
    a->dirty = 1;
}

void track_delete(App *a)
{
    size_t n = strlen(a->track_code);
    if (n)
        a->track_code[n - 1] = 0;
    a->track_msg = 0;
}

/* "H07A22BE" as a code is written: "H07-A22BE". */
static void shown_code(const char *typed, char *out, size_t n)
{
    if (strlen(typed) > 3)
        snprintf(out, n, "%.3s-%s", typed, typed + 3);
    else
        snprintf(out, n, "%s", typed);
}

/* Looks the code up: a kind word when it cannot be right or is not here. */
void track_go(App *a)
{
    char typed[40], code[CODE_MAX];
    shown_code(a->track_code, typed, sizeof typed);
    EwErr e = {0};
    if (code_normalize(typed, code, &e) != EW_OK) {
        a->track_msg = S_TRACK_BAD;
        return;
    }
    detail_reset(a);
    char msg[256];
    int rc = a->src->detail(a->src->ctx, code, &a->detail.d, msg, sizeof msg);
    if (rc != 0) {
        if (rc < 0)
            SDL_Log("track %s: %s", code, msg);
        detail_reset(a);
        a->track_msg = rc > 0 ? S_TRACK_NOT_FOUND : S_LOAD_FAILED;
        return;
    }
    a->detail.loaded = 1;
    a->detail.from_track = 1;
    app_go(a, SCR_DETAIL);
}

/* A scanner's line typed on Home: a slip's code opens its appeal; anything
 * else may be a ballot token, when the meeting uses them. */
void scan_done(App *a)
{
    char line[sizeof a->scan];
    snprintf(line, sizeof line, "%s", a->scan);
    a->scan[0] = 0;
    if (!line[0])
        return;
    const char *tail = line;
    for (const char *p = line; *p; p++)
        if (*p == '/' || *p == '=')
            tail = p + 1;
    char code[CODE_MAX];
    EwErr e = {0};
    if (code_normalize(tail, code, &e) == EW_OK) {
        a->track_code[0] = 0;
        track_type(a, code);
        a->screen = SCR_TRACK;
        track_go(a);
        if (a->screen == SCR_TRACK) /* not found: the page says so */
            app_go(a, SCR_TRACK);
        return;
    }
    if (!a->src->meeting)
        return;
    ballot_start(a, 1);
    if (a->overlay == OV_PIN && a->pad_for == PAD_TOKEN) {
        pad_type(a, line);
        pad_ok(a);
    }
}

void track_draw(App *a)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    /* The key grid: keys up to 18 mm wide where the screen is wide enough
     * for seven of them a row, else as many 12 mm keys as fit. */
    int avail = a->w - 2 * m->pad;
    int big = (int)(18 * m->pxmm);
    int cols = (avail + m->gap) / (big + m->gap);
    if (cols < 7)
        cols = (avail + m->gap) / (m->target + m->gap);
    if (cols > 12)
        cols = 12;
    int nk = NKEYS + 2; /* and 删除, 查询 (two cells) */
    int rows = (nk + 1 + cols - 1) / cols;
    int kw = (avail - (cols - 1) * m->gap) / cols;
    if (kw > (int)(20 * m->pxmm))
        kw = (int)(20 * m->pxmm);
    /* Square keys where the height allows (a portrait screen), else 12 mm. */
    int kh = rows * (kw + m->gap) + 2 * m->codebig + band_h <= a->h / 2 ? kw : m->target;
    int grid_w = cols * kw + (cols - 1) * m->gap;
    int grid_h = rows * kh + (rows - 1) * m->gap;
    /* The code in large type above the keys; why it was not looked up
     * under it, or in the band where a short screen has no room. */
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    int px = 2 * m->codebig;
    int room = a->h - m->pad - grid_h - band_h - 2 * m->gap;
    while (px > m->body && ui_line_h(a, FACE_MONO, px) > room)
        px -= 2;
    int clh = ui_line_h(a, FACE_MONO, px);
    int msg_below = a->track_msg && clh + slh <= room;
    int block = clh + (msg_below ? slh : 0) + m->gap + grid_h;
    /* Together in the middle of a tall screen, not a screen apart. */
    int top = band_h + (a->h - band_h - block) / 2;
    if (top > band_h + (int)(30 * m->pxmm))
        top = band_h + (int)(30 * m->pxmm);
    if (top < band_h + m->gap / 2)
        top = band_h + m->gap / 2;
    const char *sub = a->track_msg && !msg_below ? tr(a->lang, (StrId)a->track_msg)
                                                  : tr(a->lang, S_TRACK_HINT);
    ui_header(a, band, 1, tr(a->lang, S_TILE_TRACK), sub);
    char shown[40];
    shown_code(a->track_code, shown, sizeof shown);
    SDL_Rect cr = {0, top, a->w, clh};
    ui_text_center(a, FACE_MONO, px, shown[0] ? C_TEXT : C_TEXT2, cr, shown[0] ? shown : "—");
    if (msg_below) {
        SDL_Rect mr = {m->pad, top + clh, a->w - 2 * m->pad, slh};
        ui_text_center(a, FACE_REGULAR, m->small, C_OVERDUE, mr, tr(a->lang, (StrId)a->track_msg));
    }
    int gx = (a->w - grid_w) / 2, gy = a->h - m->pad - grid_h;
    if (gy > top + block - grid_h)
        gy = top + block - grid_h;
    for (int i = 0; i < nk; i++) {
        SDL_Rect b = {gx + (i % cols) * (kw + m->gap), gy + (i / cols) * (kh + m->gap), kw, kh};
        if (i < NKEYS) {
            char k[2] = {KEYS[i], 0};
            ui_button(a, b, k, ACT_TRACK_KEY, (unsigned char)KEYS[i], 0xFFFFFF, C_TEXT, 1);
        } else if (i == NKEYS) {
            ui_button(a, b, tr(a->lang, S_DELETE), ACT_TRACK_DELETE, 0, 0xE8EAED, C_TEXT, 1);
        } else {
            if ((i % cols) + 1 < cols)
                b.w = 2 * kw + m->gap; /* 查询 takes two cells where the row has them */
            ui_button(a, b, tr(a->lang, S_TRACK_GO), ACT_TRACK_GO, 0, C_RED, C_WHITE,
                      strlen(a->track_code) > 3);
        }
    }
}

/* ---- rating a solved appeal --------------------------------------------- */

void rate_ask(App *a, int satisfied)
{
    if (a->now < a->rate_locked_until) {
        ui_toast(a, S_RATE_LOCKED);
        return;
    }
    a->rate_choice = satisfied;
    pad_open(a, PAD_RATING);
}

void rate_entered(App *a)
{
    if (strlen(a->pin) != 6) {
        a->pin[0] = 0;
        a->pin_msg = S_RATE_WRONG;
        return;
    }
    char msg[256], code[CODE_MAX];
    snprintf(code, sizeof code, "%s", a->detail.d.card.code);
    int rc = a->src->rate ? a->src->rate(a->src->ctx, code, a->pin, a->rate_choice, msg,
                                         sizeof msg)
                          : -1;
    memset(a->pin, 0, sizeof a->pin);
    if (rc == 1) {
        if (++a->rate_fails >= RATE_FREE_TRIES) {
            int64_t lock = (int64_t)RATE_LOCK_MS << (a->rate_fails - RATE_FREE_TRIES < 5
                                                        ? a->rate_fails - RATE_FREE_TRIES
                                                        : 5);
            a->rate_locked_until = a->now + (lock < RATE_LOCK_MAX_MS ? lock : RATE_LOCK_MAX_MS);
            a->overlay = OV_NONE;
            ui_toast(a, S_RATE_LOCKED);
            return;
        }
        a->pin_msg = S_RATE_WRONG;
        return;
    }
    a->overlay = OV_NONE;
    if (rc < 0)
        SDL_Log("rate %s: %s", code, a->src->rate ? msg : "no source");
    if (rc == 0) {
        a->rate_fails = 0;
        /* Read again: the page now says how it was rated. */
        detail_reset(a);
        if (a->src->detail(a->src->ctx, code, &a->detail.d, msg, sizeof msg) != 0)
            a->detail.failed = 1;
        a->detail.loaded = 1;
        a->detail.from_track = 1;
    }
    ui_toast(a, rc == 0 ? S_RATE_THANKS : rc == 2 ? S_RATE_CANNOT : S_LOAD_FAILED);
}
