/*
 * evaluate.c: the villager's ballot (我要评议). One subject a page with five
 * big buttons; a tap records the rating and moves on, 返回 goes back one;
 * a review page, 提交, a thank-you page for about 3 s of the app's clock (or
 * a tap), then Home. The ballot lives only in memory until it is submitted
 * whole: 取消, or walking away (the idle timeout), discards it. A short
 * cooldown keeps two ballots apart.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "domain.h"

#define THANKS_MS 3000
#define MAX_SUBJECTS 64

void ballot_discard(App *a)
{
    meeting_info_free(&a->meeting);
    memset(a->ballot_token, 0, sizeof a->ballot_token);
    memset(a->ballot_rating, 0, sizeof a->ballot_rating);
    a->ballot_page = 0;
}

void ballot_start(App *a, int scanned)
{
    if (scanned && a->now < a->cooldown_until)
        return; /* keys typed on Home, not a tap: nothing to say yet */
    if (a->now < a->cooldown_until) {
        ui_toast(a, S_BALLOT_WAIT);
        return;
    }
    ballot_discard(a);
    char msg[256];
    int rc = a->src->meeting(a->src->ctx, &a->meeting, msg, sizeof msg);
    if (rc != 0) {
        if (rc < 0)
            SDL_Log("meeting: %s", msg);
        ui_toast(a, rc > 0 ? S_NO_MEETING : S_LOAD_FAILED);
        ballot_discard(a);
        return;
    }
    if (a->meeting.cap > 0 && a->meeting.ballots >= a->meeting.cap) {
        ui_toast(a, S_BALLOT_FULL);
        ballot_discard(a);
        return;
    }
    if (a->meeting.n < 1 || a->meeting.n > MAX_SUBJECTS) {
        ui_toast(a, S_LOAD_FAILED);
        ballot_discard(a);
        return;
    }
    if (scanned && !a->meeting.tokens) {
        ballot_discard(a); /* typing on Home means nothing without tokens */
        return;
    }
    for (int i = 0; i < a->meeting.n; i++)
        a->ballot_rating[i] = -1;
    a->ballot_page = 0;
    if (a->meeting.tokens)
        pad_open(a, PAD_TOKEN); /* first the token, then the subjects */
    else
        app_go(a, SCR_BALLOT);
}

/* The token typed or scanned: checked, not spent (提交 spends it with the
 * ballot, so a ballot walked away from leaves its token good). */
void ballot_token_entered(App *a)
{
    char msg[256];
    int rc = a->src->check_token
                 ? a->src->check_token(a->src->ctx, a->meeting.id, a->pin, msg, sizeof msg)
                 : -1;
    if (rc != 0) {
        if (rc < 0)
            SDL_Log("token: %s", a->src->check_token ? msg : "no check");
        a->pin[0] = 0;
        a->pin_msg = rc > 0 ? S_TOKEN_BAD : S_LOAD_FAILED;
        return;
    }
    snprintf(a->ballot_token, sizeof a->ballot_token, "%s", a->pin);
    memset(a->pin, 0, sizeof a->pin);
    app_go(a, SCR_BALLOT);
}

void ballot_rate(App *a, int rating)
{
    if (a->ballot_page >= a->meeting.n || rating < 0 || rating >= domain_count(DOMAIN_RATINGS))
        return;
    a->ballot_rating[a->ballot_page++] = rating;
    a->dirty = 1;
}

void ballot_back(App *a)
{
    if (a->ballot_page > 0) {
        a->ballot_page--;
    } else {
        ballot_discard(a);
        app_go(a, SCR_HOME);
    }
    a->dirty = 1;
}

void ballot_submit(App *a)
{
    const char *ratings[MAX_SUBJECTS];
    for (int i = 0; i < a->meeting.n; i++) {
        if (a->ballot_rating[i] < 0)
            return; /* the review page only offers 提交 once every subject is rated */
        ratings[i] = DOMAIN_RATINGS[a->ballot_rating[i]].key;
    }
    char msg[256];
    int rc = a->src->cast(a->src->ctx, a->meeting.id,
                          a->meeting.tokens ? a->ballot_token : NULL, ratings, a->meeting.n,
                          msg, sizeof msg);
    ballot_discard(a);
    if (rc == 0) {
        a->cooldown_until = a->now + (int64_t)a->cfg.cooldown_s * 1000;
        a->thanks_until = a->now + THANKS_MS;
        app_go(a, SCR_THANKS);
        return;
    }
    if (rc < 0)
        SDL_Log("ballot: %s", msg);
    app_go(a, SCR_HOME);
    ui_toast(a, rc > 0 ? S_BALLOT_FULL : S_BALLOT_FAILED);
}

static const char *rating_word(App *a, int r)
{
    return a->lang == LANG_EN ? DOMAIN_RATINGS[r].en : DOMAIN_RATINGS[r].zh;
}

static const char *role_word(App *a, const char *role)
{
    if (!role || strcmp(role, "branch") == 0)
        return tr(a->lang, S_ROLE_BRANCH);
    const Term *t = domain_find(DOMAIN_ROLES, role);
    return t ? (a->lang == LANG_EN ? t->en : t->zh) : role;
}

/* One subject: who, and the five ratings. */
static void subject_page(App *a, int top)
{
    const Metrics *m = &a->m;
    int i = a->ballot_page;
    int x = m->pad, w = a->w - 2 * m->pad;
    int y = top + m->gap;
    int slh = ui_line_h(a, FACE_REGULAR, m->small), blh = ui_line_h(a, FACE_REGULAR, m->body);
    if (a->meeting.topic)
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, w, a->meeting.topic);
    y += slh;
    int tpx = m->title;
    const char *name = a->meeting.names[i] ? a->meeting.names[i] : "";
    while (ui_width(a, FACE_BOLD, tpx, name) > w && tpx > m->body)
        tpx -= 2;
    ui_text_fit(a, FACE_BOLD, tpx, C_TEXT, x, y, w, name);
    y += ui_line_h(a, FACE_BOLD, tpx);
    ui_text(a, FACE_REGULAR, m->body, C_TEXT2, x, y, role_word(a, a->meeting.roles[i]));
    y += blh + m->gap;
    /* The five ratings: a row on a wide screen, a column on a narrow one. */
    int nr = domain_count(DOMAIN_RATINGS);
    int bottom = a->h - m->pad - m->target - m->gap; /* 取消 below */
    double wmm = a->w / m->pxmm;
    /* A row when five buttons of 24 mm fit across, or when a column would
     * not fit down the screen. */
    int row = wmm >= 5 * 24 + 4 * 3 || nr * m->target + (nr - 1) * m->gap > bottom - y;
    int bw = row ? (w - (nr - 1) * m->gap) / nr : w;
    int bh = row ? bottom - y : (bottom - y - (nr - 1) * m->gap) / nr;
    int maxh = (int)((row ? 40 : 18) * m->pxmm);
    if (bh > maxh)
        bh = maxh;
    if (bh < m->target)
        bh = m->target;
    static const uint32_t accent[] = {C_GREEN, C_BLUE, 0x80868B, C_OVERDUE, C_GREY};
    for (int r = 0; r < nr; r++) {
        SDL_Rect b = {row ? x + r * (bw + m->gap) : x, row ? y : y + r * (bh + m->gap), bw, bh};
        int chosen = a->ballot_rating[i] == r;
        ui_control(a, b, rating_word(a, r), ACT_RATE, r, 1);
        int pressed = ui_is_pressed(a, ACT_RATE, r);
        draw_shadow(a->r, b, m->radius * 2, 2);
        draw_round(a->r, b, m->radius * 2, rgb(chosen ? C_RED : pressed ? 0xE2E5EA : C_WHITE));
        SDL_Rect bar = {b.x, b.y + b.h - m->bar, b.w, m->bar};
        if (!chosen)
            draw_fill(a->r, bar, rgb(accent[r % 5]));
        ui_text_center(a, FACE_BOLD, m->heading, chosen ? C_WHITE : C_TEXT, b,
                       rating_word(a, r));
    }
    int cw = (int)(45 * m->pxmm);
    SDL_Rect cancel = {x, a->h - m->pad - m->target, cw, m->target};
    ui_button(a, cancel, tr(a->lang, S_CANCEL), ACT_BALLOT_CANCEL, 0, 0xE8EAED, C_TEXT, 1);
}

/* Every subject with the rating chosen, then 提交. */
static void review_page(App *a, int top)
{
    const Metrics *m = &a->m;
    int x = m->pad, w = a->w - 2 * m->pad;
    int y = top + m->gap;
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    int bottom = a->h - m->pad - m->target - m->gap;
    int cols = a->meeting.n > 4 && a->w / m->pxmm >= 180 ? 2 : 1;
    int cw = (w - (cols - 1) * m->gap) / cols;
    int maxw = (int)(120 * m->pxmm); /* a name and its rating stay within one glance */
    if (cw > maxw) {
        cw = maxw;
        x = (a->w - (cols * cw + (cols - 1) * m->gap)) / 2;
    }
    int rows = (a->meeting.n + cols - 1) / cols;
    int rh = blh + m->gap / 2;
    if (rows * rh > bottom - y && rows > 0)
        rh = (bottom - y) / rows;
    for (int i = 0; i < a->meeting.n; i++) {
        int cx = x + (i / rows) * (cw + m->gap), cy = y + (i % rows) * rh;
        int r = a->ballot_rating[i];
        const char *word = r >= 0 ? rating_word(a, r) : tr(a->lang, S_BALLOT_NOT_RATED);
        int ww = ui_width(a, FACE_BOLD, m->body, word);
        ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, cx, cy, cw - ww - m->gap,
                    a->meeting.names[i] ? a->meeting.names[i] : "");
        ui_text(a, FACE_BOLD, m->body, r >= 0 ? C_RED : C_TEXT2, cx + cw - ww, cy, word);
    }
    int bw = (int)(60 * m->pxmm);
    if (bw > (w - m->gap) / 2)
        bw = (w - m->gap) / 2;
    SDL_Rect cancel = {m->pad, a->h - m->pad - m->target, bw, m->target};
    ui_button(a, cancel, tr(a->lang, S_CANCEL), ACT_BALLOT_CANCEL, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect submit = {a->w - m->pad - bw, a->h - m->pad - m->target, bw, m->target};
    ui_button(a, submit, tr(a->lang, S_SUBMIT), ACT_BALLOT_SUBMIT, 0, C_RED, C_WHITE, 1);
}

void ballot_draw(App *a)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char sub[96];
    if (a->ballot_page < a->meeting.n)
        snprintf(sub, sizeof sub, tr(a->lang, S_BALLOT_PROGRESS_FMT), a->ballot_page + 1,
                 a->meeting.n);
    else
        snprintf(sub, sizeof sub, "%s", tr(a->lang, S_BALLOT_REVIEW));
    ui_header(a, band, 1, tr(a->lang, S_TILE_EVAL), sub);
    if (a->ballot_page < a->meeting.n)
        subject_page(a, band_h);
    else
        review_page(a, band_h);
}

void thanks_draw(App *a)
{
    const Metrics *m = &a->m;
    SDL_Rect all = {0, 0, a->w, a->h};
    ui_control(a, all, "", ACT_THANKS_DONE, 0, 1); /* a tap anywhere: Home */
    int tlh = ui_line_h(a, FACE_BOLD, m->title), blh = ui_line_h(a, FACE_REGULAR, m->body);
    int y = (a->h - tlh - blh - m->gap - m->target - m->gap) / 2;
    SDL_Rect t = {0, y, a->w, tlh};
    ui_text_center(a, FACE_BOLD, m->title, C_RED, t, tr(a->lang, S_BALLOT_THANKS));
    SDL_Rect s = {0, y + tlh + m->gap / 2, a->w, blh};
    ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, s, tr(a->lang, S_BALLOT_THANKS_SUB));
    int bw = (int)(50 * m->pxmm);
    SDL_Rect b = {(a->w - bw) / 2, s.y + blh + m->gap, bw, m->target};
    ui_button(a, b, tr(a->lang, S_CONFIRM), ACT_THANKS_DONE, 0, C_RED, C_WHITE, 1);
}

void results_open(App *a)
{
    meeting_result_free(&a->results);
    char msg[256];
    int rc = a->src->results ? a->src->results(a->src->ctx, &a->results, msg, sizeof msg) : 1;
    if (rc < 0)
        SDL_Log("results: %s", msg);
    a->results_state = rc == 0 ? 1 : rc > 0 ? 2 : 3;
    app_go(a, SCR_RESULTS);
}

/* One line a subject: name and role, the five counts, the rate, the rank. */
void results_draw(App *a)
{
    const Metrics *m = &a->m;
    const MeetingResult *r = &a->results;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char sub[256] = "";
    if (a->results_state == 1)
        snprintf(sub, sizeof sub, tr(a->lang, S_RESULTS_SUB_FMT), r->topic ? r->topic : "",
                 r->day, r->ballots);
    ui_header(a, band, 1, tr(a->lang, S_RESULTS), sub[0] ? sub : NULL);
    SDL_Rect area = {0, band_h, a->w, a->h - band_h};
    if (a->results_state != 1) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       tr(a->lang, a->results_state == 2 ? S_NO_RESULTS : S_LOAD_FAILED));
        return;
    }
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int x = m->pad, w = a->w - 2 * m->pad, y = band_h + m->gap;
    int row_h = blh + slh + m->gap;
    for (int i = 0; i < r->n && y + row_h <= a->h; i++) {
        const ResultRow *o = &r->rows[i];
        SDL_Rect card = {x, y, w, row_h - m->gap / 2};
        draw_round(a->r, card, m->radius * 2, rgb(C_WHITE));
        int cx = x + m->pad, cy = y + m->gap / 4;
        char rate[64], rank[64];
        if (o->rate >= 0) {
            snprintf(rate, sizeof rate, "%s %.0f%%", tr(a->lang, S_RATE), o->rate * 100.0);
            snprintf(rank, sizeof rank, tr(a->lang, S_RANK_FMT), o->rank);
        } else {
            snprintf(rate, sizeof rate, "%s", tr(a->lang, S_TOO_FEW));
            rank[0] = 0;
        }
        int rw = ui_width(a, FACE_BOLD, m->body, rank);
        int tw = ui_width(a, FACE_BOLD, m->body, rate);
        int right = x + w - m->pad;
        if (rank[0])
            ui_text(a, FACE_BOLD, m->body, C_RED, right - rw, cy, rank);
        ui_text(a, FACE_BOLD, m->body, o->rate >= 0 ? C_TEXT : C_TEXT2,
                right - rw - m->gap - tw, cy, rate);
        ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, cx, cy, right - rw - 2 * m->gap - tw - cx,
                    o->name ? o->name : "");
        char counts[256];
        int nr = domain_count(DOMAIN_RATINGS);
        size_t len = 0;
        counts[0] = 0;
        len += (size_t)snprintf(counts, sizeof counts, "%s   ", role_word(a, o->role));
        for (int k = 0; k < nr && k < 5 && len < sizeof counts; k++)
            len += (size_t)snprintf(counts + len, sizeof counts - len, "%s %d  ",
                                    rating_word(a, k), o->counts[k]);
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, cx, cy + blh, w - 2 * m->pad, counts);
        y += row_h;
    }
}
