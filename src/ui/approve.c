/*
 * approve.c: hall staff approve villagers' texts for the wall (审核上墙),
 * one appeal a page: its code, category, day and micro-grid, the whole
 * text, a reminder that approving makes it public, and 同意上墙 or 暂不
 * (leave it for the office, which may redact it). Until approved, the wall
 * shows the appeal's category and "内容待审核" only (DESIGN.md §2).
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "domain.h"

void approve_open(App *a)
{
    cardlist_free(&a->pending);
    char msg[256];
    a->pending_at = 0;
    a->pending_failed = a->src->pending
                            ? a->src->pending(a->src->ctx, &a->pending, msg, sizeof msg) != 0
                            : 1;
    if (a->pending_failed)
        SDL_Log("pending: %s", a->src->pending ? msg : "no source");
    app_go(a, SCR_APPROVE);
}

/* 同意上墙 (yes) or 暂不 (no): either way, on to the next. */
void approve_answer(App *a, int yes)
{
    if (a->pending_at >= a->pending.n)
        return;
    if (yes) {
        char msg[256];
        const char *code = a->pending.cards[a->pending_at].code;
        if (!a->src->publish || a->src->publish(a->src->ctx, code, msg, sizeof msg) != 0) {
            SDL_Log("publish %s: %s", code, a->src->publish ? msg : "no source");
            ui_toast(a, S_LOAD_FAILED);
            return; /* stays on this one: staff may try again */
        }
        ui_toast(a, S_APPROVED);
    }
    a->pending_at++;
    a->wall.loaded = 0; /* the wall shows the text now */
}

void approve_draw(App *a)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char sub[64] = "";
    int left = a->pending.n - a->pending_at;
    if (!a->pending_failed && left > 0)
        snprintf(sub, sizeof sub, tr(a->lang, S_APPROVE_LEFT_FMT), left);
    ui_header(a, band, 1, tr(a->lang, S_STAFF_APPROVE), sub[0] ? sub : NULL);
    SDL_Rect area = {0, band_h, a->w, a->h - band_h};
    if (a->pending_failed || left <= 0) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       tr(a->lang, a->pending_failed ? S_LOAD_FAILED : S_APPROVE_NONE));
        return;
    }
    const Card *c = &a->pending.cards[a->pending_at];
    int x, w;
    ui_column(a, 190, &x, &w);
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int y = band_h + m->gap;
    const Term *t = domain_find(DOMAIN_CATEGORIES, c->category ? c->category : "other");
    char facts[256];
    snprintf(facts, sizeof facts, "%s · %s · %s", c->code,
             t ? (a->lang == LANG_EN ? t->en : t->zh) : "", c->created);
    ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, x, y, w, facts);
    y += blh + m->gap / 2;
    int bottom = a->h - m->pad - m->target - m->gap;
    LineSpan ls[3];
    const char *note = tr(a->lang, S_APPROVE_NOTE);
    int nn = ui_break(a, FACE_REGULAR, m->small, note, w, 3, ls, 3);
    int note_y = bottom - nn * slh;
    ui_lines(a, FACE_REGULAR, m->small, C_OVERDUE, x, note_y, slh, note, ls, nn);
    int lines = (note_y - m->gap - y - m->pad / 2) / blh;
    if (lines > 20)
        lines = 20;
    if (lines < 1)
        lines = 1;
    LineSpan tl[20];
    const char *text = c->text ? c->text : "";
    int n = ui_break(a, FACE_REGULAR, m->body, text, w - m->pad, lines, tl, 20);
    SDL_Rect box = {x, y, w, n * blh + m->pad / 2};
    draw_round(a->r, box, m->radius, rgb(C_WHITE));
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT, x + m->pad / 2, y + m->pad / 4, blh, text, tl, n);
    int bw = (int)(60 * m->pxmm);
    if (bw > (w - m->gap) / 2)
        bw = (w - m->gap) / 2;
    SDL_Rect later = {x, a->h - m->pad - m->target, bw, m->target};
    ui_button(a, later, tr(a->lang, S_APPROVE_LATER), ACT_APPROVE, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect yes = {x + w - bw, later.y, bw, m->target};
    ui_button(a, yes, tr(a->lang, S_APPROVE_YES), ACT_APPROVE, 1, C_RED, C_WHITE, 1);
}
