/*
 * officemeet.c: the town's evaluation meetings on the office (评议会),
 * newest first: the hall, the day it opened, its topic, whether it is open,
 * closed with so many ballots, or voided and why. 作废 on a closed or open
 * meeting asks for the reason on the text screen; 确认 writes the
 * meeting.void record (`echowallctl meeting void`), after which the
 * meeting counts in no results anywhere. A void cannot be undone, and the
 * page says so before anyone starts.
 *
 * Also here: a quarter's results (季度结果: every subject ranked with the
 * others of the same role, the micro-grid leaders' bottom-fifth warning,
 * quarter by quarter), and one person's evaluation results (评议结果 on the roster's form
 * of a person): meeting by meeting, then quarter by quarter with the rank
 * among the town's others of the same role and the bottom-fifth warning,
 * as `echowallctl eval person` gives them.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
#include "ew.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define REASON_CHARS 100

static void load(App *a)
{
    OfficeState *o = &a->off;
    meetinglist_free(&o->meets);
    char msg[256];
    o->meets_failed = !a->src->office_meetings ||
                      a->src->office_meetings(a->src->office_ctx, &o->meets, msg, sizeof msg) != 0;
    if (o->meets_failed)
        SDL_Log("office meetings: %s", a->src->office_meetings ? msg : "no source");
}

void office_meetings_scroll_by(App *a, double dy)
{
    OfficeState *o = &a->off;
    ui_scroll(a, &o->meet_scroll, &o->meet_vel, o->meet_h - (a->h - o->meet_top), dy);
}

void office_meetings_open(App *a)
{
    a->off.meet_state = 0;
    a->off.meet_scroll = a->off.meet_vel = 0;
    load(a);
    app_go(a, SCR_OFFICE_MEETINGS);
}

void office_void_edit(App *a, int i)
{
    OfficeState *o = &a->off;
    if (i < 0 || i >= o->meets.n || strcmp(o->meets.v[i].status, "void") == 0)
        return;
    o->meet_i = i;
    o->text_for = OT_VOID;
    kb_start(a, NULL, REASON_CHARS);
    a->kb.hint = S_OT_HINT;
    app_go(a, SCR_OFFICE_TEXT);
}

void office_void_typed(App *a)
{
    OfficeState *o = &a->off;
    if (o->meet_i < 0 || o->meet_i >= o->meets.n)
        return;
    const MeetingRow *r = &o->meets.v[o->meet_i];
    char reason[400], msg[300] = "", what[300];
    ew_utf8_copy(reason, sizeof reason, a->kb.text);
    for (char *p = reason; *p; p++) /* one line */
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    snprintf(what, sizeof what, "%s %s %s", r->hall_name ? r->hall_name : r->hall, r->opened,
             r->topic ? r->topic : "");
    int rc = a->src->office_void ? a->src->office_void(a->src->office_ctx, r->id, reason, msg,
                                                         sizeof msg)
                                 : -1;
    o->meet_state = rc == 0 ? 1 : 2;
    if (rc == 0)
        snprintf(o->meet_msg, sizeof o->meet_msg, tr(a->lang, S_OM_DONE_FMT), what);
    else
        snprintf(o->meet_msg, sizeof o->meet_msg, tr(a->lang, S_OD_NOT_DONE_FMT), msg);
    kb_clear(a);
    load(a);
    app_go(a, SCR_OFFICE_MEETINGS);
}

void office_meetings_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int x, w;
    int y = office_page_top(a, S_OM_TITLE, S_OM_NOTE, o->meet_state, o->meet_msg, &x, &w);
    int slh = ui_line_h(a, FACE_REGULAR, m->small), blh = ui_line_h(a, FACE_REGULAR, m->body);
    if (a->src->office_round) { /* the quarters' results, ranked */
        const char *lab = tr(a->lang, S_OR_BUTTON);
        int rw = ui_width(a, FACE_BOLD, m->body, lab) + 3 * m->pad;
        ui_button(a, (SDL_Rect){x, y, rw, m->target}, lab, ACT_OFF_ROUND, 0, C_WHITE, C_RED, 1);
        y += m->target + m->gap;
    }
    SDL_Rect area = {0, y, a->w, a->h - y};
    if (o->meets_failed || o->meets.n == 0) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       tr(a->lang, o->meets_failed ? S_LOAD_FAILED : S_OM_NONE));
        return;
    }
    const char *vw = tr(a->lang, S_OM_VOID);
    int bw = ui_width(a, FACE_BOLD, m->body, vw) + 3 * m->pad;
    int rh = blh + slh + m->pad; /* the meeting over its state */
    if (rh < m->target)
        rh = m->target;
    o->meet_top = y;
    o->meet_h = o->meets.n * (rh + m->gap);
    office_meetings_scroll_by(a, 0); /* in range as the list changes */
    SDL_RenderSetClipRect(a->r, &area);
    y -= (int)o->meet_scroll;
    for (int i = 0; i < o->meets.n && y < a->h; i++) {
        const MeetingRow *r = &o->meets.v[i];
        if (y + rh < area.y) { /* scrolled past */
            y += rh + m->gap;
            continue;
        }
        int voided = strcmp(r->status, "void") == 0, open = strcmp(r->status, "open") == 0;
        SDL_Rect box = {x, y, w, rh};
        draw_round(a->r, box, m->radius, rgb(C_WHITE));
        char line[400], state[300];
        snprintf(line, sizeof line, tr(a->lang, S_OM_ROW_FMT),
                 r->hall_name ? r->hall_name : r->hall, r->opened, r->topic ? r->topic : "");
        if (voided)
            snprintf(state, sizeof state, "%s：%s", tr(a->lang, S_OM_VOIDED),
                     r->void_reason ? r->void_reason : "");
        else if (open)
            snprintf(state, sizeof state, "%s", tr(a->lang, S_OM_OPEN));
        else
            snprintf(state, sizeof state, tr(a->lang, S_OM_BALLOTS_FMT), r->ballots);
        int tx = x + m->pad / 2, tw = w - bw - m->pad - m->pad / 2;
        int ty = y + (rh - blh - slh) / 2;
        ui_text_fit(a, FACE_REGULAR, m->body, voided ? C_TEXT2 : C_TEXT, tx, ty, tw, line);
        ui_text_fit(a, FACE_REGULAR, m->small, voided ? C_OVERDUE : C_TEXT2, tx, ty + blh, tw, state);
        SDL_Rect b = {x + w - bw, y + (rh - m->target) / 2, bw, m->target};
        ui_button(a, b, vw, ACT_OFF_VOID, i, 0xE8EAED, C_OVERDUE, !voided);
        y += rh + m->gap;
    }
    SDL_RenderSetClipRect(a->r, NULL);
}

/* ---- one person's results -------------------------------------------------------- */

void office_person_scroll_by(App *a, double dy)
{
    OfficeState *o = &a->off;
    ui_scroll(a, &o->pe_scroll, &o->pe_vel, o->pe_h - (a->h - o->pe_top), dy);
}

void office_person_open(App *a)
{
    OfficeState *o = &a->off;
    personeval_free(&o->pe);
    o->pe_scroll = o->pe_vel = 0;
    o->pe_msg[0] = 0;
    o->pe_failed = a->src->office_person ? a->src->office_person(a->src->office_ctx, o->form_id,
                                                                 &o->pe, o->pe_msg, sizeof o->pe_msg)
                                         : -1;
    if (o->pe_failed < 0)
        SDL_Log("office person %s: %s", o->form_id, o->pe_msg);
    app_go(a, SCR_OFFICE_PERSON);
}

/* One result: its label over its figures; returns the height used. */
static int eval_row(App *a, int x, int y, int w, const EvalLine *r, int draw)
{
    const Metrics *m = &a->m;
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int h = blh + slh + m->pad;
    if (!draw)
        return h + m->gap;
    SDL_Rect box = {x, y, w, h};
    draw_round(a->r, box, m->radius, rgb(C_WHITE));
    char line[300];
    int pct = r->rate >= 0 ? (int)(r->rate * 100.0 + 0.5) : 0;
    if (r->rate < 0)
        snprintf(line, sizeof line, tr(a->lang, S_OP_TOO_FEW_FMT), r->ballots);
    else if (r->rank > 0)
        snprintf(line, sizeof line, tr(a->lang, S_OP_ROW_FMT), pct, r->rank, r->of, r->ballots);
    else
        snprintf(line, sizeof line, tr(a->lang, S_OP_UNRANKED_FMT), pct, r->ballots);
    int tx = x + m->pad / 2, ty = y + m->pad / 2;
    const char *warn = r->warning ? tr(a->lang, S_OP_WARNING) : "";
    int ww = r->warning ? ui_width(a, FACE_BOLD, m->small, warn) + m->pad : 0;
    ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, tx, ty, w - m->pad, r->label ? r->label : "");
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, tx, ty + blh, w - m->pad - ww, line);
    if (r->warning)
        ui_text(a, FACE_BOLD, m->small, C_OVERDUE, x + w - ww, ty + blh, warn);
    return h + m->gap;
}

void office_person_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char title[300];
    snprintf(title, sizeof title, "%s · %s", o->form_name, tr(a->lang, S_OP_BUTTON));
    ui_header(a, band, 1, title, o->form_id);
    int x, w;
    ui_column(a, 200, &x, &w);
    int y = band_h + m->gap;
    SDL_Rect area = {0, y, a->w, a->h - y};
    if (o->pe_failed || (o->pe.nm == 0 && o->pe.nr == 0)) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       o->pe_failed > 0 ? o->pe_msg
                       : o->pe_failed < 0 ? tr(a->lang, S_LOAD_FAILED)
                                          : tr(a->lang, S_OP_NONE));
        return;
    }
    int hlh = ui_line_h(a, FACE_BOLD, m->body);
    o->pe_top = y;
    o->pe_h = 2 * (hlh + m->gap);
    for (int i = 0; i < o->pe.nm; i++)
        o->pe_h += eval_row(a, 0, 0, w, &o->pe.m[i], 0);
    for (int i = 0; i < o->pe.nr; i++)
        o->pe_h += eval_row(a, 0, 0, w, &o->pe.r[i], 0);
    office_person_scroll_by(a, 0); /* in range as the screen changes */
    SDL_RenderSetClipRect(a->r, &area);
    y -= (int)o->pe_scroll;
    for (int part = 0; part < 2; part++) {
        int n = part ? o->pe.nr : o->pe.nm;
        const EvalLine *rows = part ? o->pe.r : o->pe.m;
        ui_text(a, FACE_BOLD, m->body, C_TEXT, x, y, tr(a->lang, part ? S_OP_ROUNDS : S_OP_MEETINGS));
        y += hlh + m->gap;
        for (int i = 0; i < n && y < a->h; i++)
            y += eval_row(a, x, y, w, &rows[i], 1);
    }
    SDL_RenderSetClipRect(a->r, NULL);
}

/* ---- a quarter's results ------------------------------------------------------------- */

/* round moved by step quarters ("2026Q4" + 1 = "2027Q1"); unchanged when
 * it is not a round. */
static void round_step(char round[8], int step)
{
    int y, q;
    if (sscanf(round, "%4dQ%1d", &y, &q) != 2 || q < 1 || q > 4)
        return;
    int i = y * 4 + (q - 1) + step;
    if (i < 1900 * 4 || i >= 3000 * 4) /* the years a civil date may have */
        return;
    char out[16];
    snprintf(out, sizeof out, "%04dQ%d", i / 4, i % 4 + 1);
    memcpy(round, out, 7);
    round[7] = 0;
}

void office_round_open(App *a, int step)
{
    OfficeState *o = &a->off;
    if (step == 0)
        o->round[0] = 0; /* the newest */
    else
        round_step(o->round, step);
    personeval_free(&o->pe);
    o->pe_scroll = o->pe_vel = 0;
    o->pe_msg[0] = 0;
    o->pe_failed = a->src->office_round ? a->src->office_round(a->src->office_ctx, o->round, &o->pe,
                                                               o->pe_msg, sizeof o->pe_msg)
                                        : -1;
    if (o->pe_failed < 0)
        SDL_Log("office round %s: %s", o->round, o->pe_msg);
    app_go(a, SCR_OFFICE_ROUND);
}

void office_round_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    char title[64];
    snprintf(title, sizeof title, tr(a->lang, S_OR_TITLE_FMT), o->round);
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, title, NULL);
    int x, w;
    ui_column(a, 200, &x, &w);
    int y = band_h + m->gap;
    if (o->round[0]) { /* a quarter before, a quarter after */
        const char *prev = tr(a->lang, S_OR_PREV), *next = tr(a->lang, S_OR_NEXT);
        int pw = ui_width(a, FACE_BOLD, m->body, prev) + 3 * m->pad;
        int nw = ui_width(a, FACE_BOLD, m->body, next) + 3 * m->pad;
        ui_button(a, (SDL_Rect){x, y, pw, m->target}, prev, ACT_OFF_ROUND, -1, C_WHITE, C_TEXT, 1);
        ui_button(a, (SDL_Rect){x + pw + m->gap, y, nw, m->target}, next, ACT_OFF_ROUND, 1, C_WHITE,
                  C_TEXT, 1);
        y += m->target + m->gap;
    }
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    const char *note = tr(a->lang, S_OR_NOTE);
    LineSpan ls[3];
    int n = ui_break(a, FACE_REGULAR, m->small, note, w, 2, ls, 3);
    ui_lines(a, FACE_REGULAR, m->small, C_TEXT2, x, y, slh, note, ls, n);
    y += n * slh + m->gap / 2;
    SDL_Rect area = {0, y, a->w, a->h - y};
    if (o->pe_failed || o->pe.nm == 0) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       o->pe_failed < 0 ? tr(a->lang, S_LOAD_FAILED) : tr(a->lang, S_OR_NONE));
        return;
    }
    o->pe_top = y;
    o->pe_h = 0;
    for (int i = 0; i < o->pe.nm; i++)
        o->pe_h += eval_row(a, 0, 0, w, &o->pe.m[i], 0);
    office_person_scroll_by(a, 0); /* in range as the screen changes */
    SDL_RenderSetClipRect(a->r, &area);
    y -= (int)o->pe_scroll;
    for (int i = 0; i < o->pe.nm && y < a->h; i++)
        y += eval_row(a, x, y, w, &o->pe.m[i], 1);
    SDL_RenderSetClipRect(a->r, NULL);
}
