/*
 * officemeet.c: the town's evaluation meetings on the office (评议会),
 * newest first: the hall, the day it opened, its topic, whether it is open,
 * closed with so many ballots, or voided and why. 作废 on a closed or open
 * meeting asks for the reason on the text screen; 确认 writes the
 * meeting.void record (`echowallctl meeting void`), after which the
 * meeting counts in no results anywhere. A void cannot be undone, and the
 * page says so before anyone starts.
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
