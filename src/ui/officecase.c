/*
 * officecase.c: one appeal on the office station, and what the office does
 * to it: 同意上墙 (publish its text), 屏蔽内容 (redact it, with a reason),
 * 定级 (a grade and its time limit), 交办 (the leading member, responsible
 * leader and unit), 添加进展, 上报 (orange ones), 办结 (the public answer)
 * and 重新打开.
 *
 * The page shows everything the office may read: the text before it is
 * public, the sealed phone number, the whole timeline. Buttons are enabled
 * as the appeal's state allows (the fold checks again and has the last
 * word: a refusal is shown with its reason). Notes, answers and reasons
 * are typed on the same keyboard as the villagers' appeals, pinyin through
 * librime whether tapped or typed on a desk keyboard.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "clock.h"
#include "imetext.h"
#include "domain.h"
#include "ew.h"

#define NOTE_CHARS 400 /* a note, an answer or a reason, at most */
#define MAX_LIMIT_DAYS 730

/* The buttons of a case, in the order of the work. */
static const struct {
    int what;
    StrId label;
} ACTIONS[] = {
    {OA_PUBLISH, S_APPROVE_YES}, {OA_REDACT, S_OC_REDACT},     {OA_GRADE, S_OC_GRADE},
    {OA_ASSIGN, S_OC_ASSIGN},    {OA_PROGRESS, S_OC_PROGRESS}, {OA_ESCALATE, S_OC_ESCALATE},
    {OA_SOLVE, S_OC_SOLVE},      {OA_REOPEN, S_OC_REOPEN},
};
#define N_ACTIONS ((int)(sizeof ACTIONS / sizeof ACTIONS[0]))

static int status_is(const Card *c, const char *s)
{
    return c->status && strcmp(c->status, s) == 0;
}

/* Whether the appeal's state allows what (as the fold's rules do). */
static int allowed(const Card *c, int what)
{
    int solved = status_is(c, "solved");
    int working = status_is(c, "assigned") || status_is(c, "in_progress") ||
                  status_is(c, "escalated");
    switch (what) {
    case OA_PUBLISH:
        return c->text_state == TEXT_WAITING;
    case OA_REDACT:
        return c->text_state != TEXT_HIDDEN;
    case OA_GRADE:
        return !solved;
    case OA_ASSIGN:
        return !solved && c->grade != GRADE_NONE;
    case OA_PROGRESS:
    case OA_SOLVE:
        return working;
    case OA_ESCALATE:
        return c->grade == GRADE_ORANGE && (status_is(c, "assigned") || status_is(c, "in_progress"));
    case OA_REOPEN:
        return solved;
    default:
        return 0;
    }
}

static void load(App *a, const char *code)
{
    OfficeState *o = &a->off;
    char keep[sizeof o->d.card.code];
    snprintf(keep, sizeof keep, "%s", code); /* code may be the detail's own */
    detail_free(&o->d);
    char msg[256];
    int rc = a->src->office_case(a->src->office_ctx, keep, &o->d, msg, sizeof msg);
    if (rc < 0)
        SDL_Log("office case %s: %s", keep, msg);
    o->case_failed = rc != 0;
    if (rc != 0)
        snprintf(o->d.card.code, sizeof o->d.card.code, "%s", keep);
}

void office_case_open(App *a, const char *code)
{
    OfficeState *o = &a->off;
    load(a, code);
    o->case_scroll = o->case_vel = 0;
    o->why[0] = 0;
    app_go(a, SCR_OFFICE_CASE);
}

/* After an action: the case, the lists and the wall read afresh. */
static void done(App *a, int rc, const char *msg)
{
    OfficeState *o = &a->off;
    if (rc == 0) {
        o->why[0] = 0;
        ui_toast(a, S_OC_DONE);
    } else {
        snprintf(o->why, sizeof o->why, "%s", msg);
        ui_toast(a, rc > 0 ? S_OC_REFUSED : S_LOAD_FAILED);
    }
    o->loaded = 0;
    a->fig_loaded = 0;
    a->wall.loaded = 0;
    load(a, o->d.card.code);
    app_go(a, SCR_OFFICE_CASE);
}

static void run(App *a, const OfficeAction *act)
{
    char msg[256] = "";
    int rc = a->src->office_do(a->src->office_ctx, act, msg, sizeof msg);
    if (rc)
        SDL_Log("office %s: %s", act->code, msg);
    done(a, rc, msg);
}

static StrId text_title(int what)
{
    switch (what) {
    case OA_REDACT:
        return S_OT_REDACT;
    case OA_ESCALATE:
        return S_OT_ESCALATE;
    case OA_SOLVE:
        return S_OT_SOLVE;
    case OA_REOPEN:
        return S_OT_REOPEN;
    default:
        return S_OT_PROGRESS;
    }
}

void office_do(App *a, int what)
{
    OfficeState *o = &a->off;
    const Card *c = &o->d.card;
    if (o->case_failed || !allowed(c, what))
        return;
    if (what == OA_PUBLISH) {
        OfficeAction act = {.what = OA_PUBLISH, .code = c->code};
        run(a, &act);
    } else if (what == OA_GRADE) {
        /* A graded appeal keeps its due day unless staff change the grade
         * or the days; a new one starts from green's default. */
        o->grade = c->grade != GRADE_NONE ? c->grade : GRADE_GREEN;
        o->keep_due = c->due[0] != 0;
        o->days = o->keep_due ? (c->days_left > 0 ? c->days_left : 1) : o->ol.limit_days[o->grade];
        a->overlay = OV_OFFICE_GRADE;
    } else if (what == OA_ASSIGN) {
        const char *names[3] = {c->member, c->leader, c->unit};
        for (int i = 0; i < 3; i++) {
            snprintf(o->who[i], sizeof o->who[i], "%s", o->d.who[i]);
            ew_utf8_copy(o->who_name[i], sizeof o->who_name[i],
                         o->d.who[i][0] && names[i] ? names[i] : "");
        }
        app_go(a, SCR_OFFICE_ASSIGN);
    } else {
        o->text_for = what;
        kb_start(a, NULL, NOTE_CHARS);
        a->kb.hint = S_OT_HINT;
        app_go(a, SCR_OFFICE_TEXT);
    }
}

/* ---- the page --------------------------------------------------------------- */

static const char *source_word(App *a, const char *s)
{
    const Term *t = s ? domain_find(DOMAIN_SOURCES, s) : NULL;
    return !t ? "" : a->lang == LANG_EN ? t->en : t->zh;
}

/* Wrapped text at (x, y), at most max lines; returns the height drawn. */
static int para(App *a, int px, uint32_t colour, int x, int y, int w, const char *s, int max)
{
    LineSpan ls[40];
    if (max > 40)
        max = 40;
    int lh = ui_line_h(a, FACE_REGULAR, px);
    int n = ui_break(a, FACE_REGULAR, px, s, w, max, ls, 40);
    ui_lines(a, FACE_REGULAR, px, colour, x, y, lh, s, ls, n);
    return n * lh;
}

/* The content, from y (scrolled), in a column x..x+w; returns its height. */
static int content(App *a, int x, int y0, int w)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    const Card *c = &o->d.card;
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int y = y0;
    char line[AP_TEXT_CHARS * 4 + 256]; /* the longest text or note, and its words */
    if (o->why[0]) { /* the last refusal, in the fold's words */
        snprintf(line, sizeof line, "%s：%s", tr(a->lang, S_OC_REFUSED), o->why);
        y += para(a, m->small, C_OVERDUE, x, y, w, line, 3) + m->gap / 2;
    }
    /* Grade, status, time limit. */
    char due[64] = "";
    if (c->overdue_days > 0)
        snprintf(due, sizeof due, tr(a->lang, S_OVERDUE_FMT), c->overdue_days);
    else if (c->due[0] && !status_is(c, "solved"))
        snprintf(due, sizeof due, tr(a->lang, S_DUE_FMT), c->due);
    snprintf(line, sizeof line, "%s · %s%s%s", grade_word(a, c->grade), status_word(a, c->status),
             due[0] ? " · " : "", due);
    SDL_Rect dot = {x, y + blh / 4, blh / 2, blh / 2};
    draw_round(a->r, dot, dot.w / 2, rgb(grade_colour(c->grade)));
    ui_text_fit(a, FACE_BOLD, m->body, c->overdue_days > 0 ? C_OVERDUE : C_TEXT, x + blh * 3 / 4, y,
                w - blh, line);
    y += blh + m->gap / 2;
    const Term *t = domain_find(DOMAIN_CATEGORIES, c->category ? c->category : "other");
    snprintf(line, sizeof line, "%s%s · %s · %s · %s", tr(a->lang, S_GRID),
             o->d.grid ? o->d.grid : "-", t ? (a->lang == LANG_EN ? t->en : t->zh) : "",
             source_word(a, o->d.source), c->created);
    y += para(a, m->small, C_TEXT2, x, y, w, line, 2);
    if (o->d.contact)
        snprintf(line, sizeof line, tr(a->lang, S_OC_CONTACT_FMT), o->d.contact);
    else
        snprintf(line, sizeof line, "%s", tr(a->lang, S_OC_NO_CONTACT));
    y += para(a, m->small, C_TEXT2, x, y, w, line, 1) + m->gap;
    /* The text, in a white box, with where it stands. */
    const char *tag = c->text_state == TEXT_WAITING  ? tr(a->lang, S_TEXT_WAITING)
                      : c->text_state == TEXT_HIDDEN ? tr(a->lang, S_TEXT_HIDDEN)
                                                     : NULL;
    snprintf(line, sizeof line, "%s%s%s%s", tr(a->lang, S_OC_TEXT), tag ? "（" : "",
             tag ? tag : "", tag ? "）" : "");
    ui_text(a, FACE_BOLD, m->body, tag && c->text_state == TEXT_WAITING ? C_ORANGE : C_TEXT, x, y,
            line);
    y += blh + m->gap / 4;
    const char *text = c->text ? c->text : "—";
    LineSpan tl[40];
    int n = ui_break(a, FACE_REGULAR, m->body, text, w - m->pad, 40, tl, 40);
    SDL_Rect box = {x, y, w, n * blh + m->pad / 2};
    draw_round(a->r, box, m->radius, rgb(C_WHITE));
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT, x + m->pad / 2, y + m->pad / 4, blh, text, tl, n);
    y += box.h + m->gap;
    /* Who handles it. */
    snprintf(line, sizeof line, "%s%s · %s%s · %s%s", tr(a->lang, S_OC_LEAD_MEMBER),
             c->member ? c->member : tr(a->lang, S_NONE_YET), tr(a->lang, S_OC_LEADER),
             c->leader ? c->leader : "-", tr(a->lang, S_UNIT), c->unit ? c->unit : "-");
    y += para(a, m->body, C_TEXT, x, y, w, line, 3) + m->gap / 2;
    if (c->answer) {
        snprintf(line, sizeof line, "%s%s", tr(a->lang, S_ANSWER), c->answer);
        LineSpan al[20];
        int na = ui_break(a, FACE_REGULAR, m->body, line, w - m->pad, 20, al, 20);
        SDL_Rect ab = {x, y, w, na * blh + m->pad / 2};
        draw_round(a->r, ab, m->radius, rgb(C_ANSWER));
        ui_lines(a, FACE_REGULAR, m->body, C_TEXT, x + m->pad / 2, y + m->pad / 4, blh, line, al,
                 na);
        y += ab.h + m->gap;
    }
    /* The timeline, oldest first. */
    ui_text(a, FACE_BOLD, m->body, C_TEXT, x, y, tr(a->lang, S_TIMELINE));
    y += blh + m->gap / 4;
    for (int i = 0; i < o->d.nsteps; i++) {
        const TimeStep *s = &o->d.steps[i];
        const char *detail;
        const char *what = ui_step_words(a, s, &detail);
        snprintf(line, sizeof line, "%s  %s  %s%s%s", s->day,
                 tr(a->lang, s->by_office ? S_BY_OFFICE : S_BY_HALL), what, detail ? "：" : "",
                 detail ? detail : "");
        y += para(a, m->small, C_TEXT2, x, y, w, line, 4) + slh / 4;
    }
    return y - y0 + m->pad;
}

static int actions_w(const App *a)
{
    return (int)(48 * a->m.pxmm);
}

/* Side by side (content left, buttons right) when the screen is wide and
 * tall enough for the column of buttons. */
static int wide(const App *a)
{
    int column = a->m.target + a->m.pad + a->m.gap + N_ACTIONS * (a->m.target + a->m.gap);
    return a->w >= (int)(170 * a->m.pxmm) && a->h >= column;
}

void office_case_scroll_by(App *a, double dy)
{
    OfficeState *o = &a->off;
    int band_h = a->m.target + a->m.pad;
    int rows = wide(a) ? 0 : (N_ACTIONS + 3) / 4;
    int view = a->h - band_h - rows * (a->m.target + a->m.gap) - a->m.gap;
    ui_scroll(a, &o->case_scroll, &o->case_vel, o->case_h - view, dy);
}

void office_case_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    const Card *c = &o->d.card;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char sub[160] = "";
    if (!o->case_failed)
        snprintf(sub, sizeof sub, "%s", c->hall_name ? c->hall_name : c->hall);
    ui_header(a, band, 1, c->code, sub[0] ? sub : NULL);
    if (o->case_failed) {
        SDL_Rect area = {0, band_h, a->w, a->h - band_h};
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area, tr(a->lang, S_LOAD_FAILED));
        return;
    }
    /* The buttons: a column on the right, or rows of four at the bottom. */
    int aw = actions_w(a), side = wide(a);
    int rows = side ? 0 : (N_ACTIONS + 3) / 4;
    SDL_Rect area = {0, band_h, side ? a->w - aw - m->pad : a->w,
                     a->h - band_h - rows * (m->target + m->gap) - (side ? 0 : m->gap)};
    for (int i = 0; i < N_ACTIONS; i++) {
        SDL_Rect b;
        if (side) {
            b = (SDL_Rect){a->w - m->pad - aw, band_h + m->gap + i * (m->target + m->gap), aw,
                           m->target};
        } else {
            int bw = (a->w - 2 * m->pad - 3 * m->gap) / 4;
            b = (SDL_Rect){m->pad + (i % 4) * (bw + m->gap),
                           area.y + area.h + m->gap + (i / 4) * (m->target + m->gap), bw,
                           m->target};
        }
        int ok = allowed(c, ACTIONS[i].what);
        int strong = ACTIONS[i].what == OA_SOLVE || ACTIONS[i].what == OA_PUBLISH;
        ui_button(a, b, tr(a->lang, ACTIONS[i].label), ACT_OFF_DO, ACTIONS[i].what,
                  strong ? C_RED : C_WHITE, strong ? C_WHITE : C_TEXT, ok);
    }
    int x = m->pad, w = area.w - 2 * m->pad;
    int most = (int)(200 * m->pxmm);
    if (w > most)
        w = most;
    SDL_RenderSetClipRect(a->r, &area);
    o->case_h = content(a, x, area.y + m->gap - (int)o->case_scroll, w);
    SDL_RenderSetClipRect(a->r, NULL);
}

/* ---- the grade sheet ------------------------------------------------------------ */

void office_grade_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    int hlh = ui_line_h(a, FACE_BOLD, m->heading);
    int h = 2 * m->pad + hlh + 3 * (m->target + m->gap);
    ui_dim(a);
    SDL_Rect s = ui_sheet(a, (int)(150 * m->pxmm), h);
    int x = s.x + m->pad, w = s.w - 2 * m->pad, y = s.y + m->pad;
    ui_text(a, FACE_BOLD, m->heading, C_TEXT, x, y, tr(a->lang, S_OG_TITLE));
    y += hlh + m->gap;
    int bw = (w - 2 * m->gap) / 3;
    for (int g = GRADE_GREEN; g < GRADE_COUNT; g++) {
        SDL_Rect b = {x + (g - GRADE_GREEN) * (bw + m->gap), y, bw, m->target};
        int on = o->grade == g;
        ui_button(a, b, grade_word(a, g), ACT_OFF_GRADE, g, on ? grade_colour(g) : C_WHITE,
                  on ? C_WHITE : C_TEXT, 1);
        if (!on)
            draw_round_outline(a->r, b, a->m.radius * 2, 3, rgb(grade_colour(g)));
    }
    y += m->target + m->gap;
    /* The due day as the source counts it: today plus the days. */
    char due[11] = "", line[160];
    app_load_figures(a);
    int64_t today;
    if (clock_parse_day(a->fig.today, &today) == 0)
        clock_format_day(today + o->days, due);
    if (o->keep_due)
        snprintf(line, sizeof line, tr(a->lang, S_OG_KEEP_FMT), o->d.card.due);
    else
        snprintf(line, sizeof line, tr(a->lang, S_OG_DAYS_FMT), o->days, due);
    int sbw = bw * 2 / 3;
    SDL_Rect l = {x + w - 2 * sbw - m->gap, y, sbw, m->target};
    SDL_Rect r = {x + w - sbw, y, sbw, m->target};
    ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, x, y + (m->target - blh) / 2,
                l.x - m->gap - x, line);
    ui_button(a, l, tr(a->lang, S_OG_LESS), ACT_OFF_DAYS, -1, 0xE8EAED, C_TEXT, o->days > 1);
    ui_button(a, r, tr(a->lang, S_OG_MORE), ACT_OFF_DAYS, 1, 0xE8EAED, C_TEXT,
              o->days < MAX_LIMIT_DAYS);
    SDL_Rect cancel = {x, s.y + s.h - m->pad - m->target, bw, m->target};
    ui_button(a, cancel, tr(a->lang, S_CANCEL), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect ok = {x + w - bw, cancel.y, bw, m->target};
    ui_button(a, ok, tr(a->lang, S_CONFIRM), ACT_OFF_GRADE_OK, 0, C_RED, C_WHITE, 1);
}

void office_grade_ok(App *a)
{
    OfficeState *o = &a->off;
    a->overlay = OV_NONE;
    int dflt = o->ol.limit_days[o->grade];
    OfficeAction act = {.what = OA_GRADE, .code = o->d.card.code, .grade = o->grade,
                        .limit_days = o->days == dflt ? 0 : o->days,
                        .due = o->keep_due ? o->d.card.due : NULL};
    run(a, &act);
}

/* ---- assigning -------------------------------------------------------------------- */

void office_assign_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, tr(a->lang, S_OC_ASSIGN), o->d.card.code);
    int x, w;
    ui_column(a, 160, &x, &w);
    int y = band_h + 2 * m->gap;
    static const StrId labels[3] = {S_OC_LEAD_MEMBER, S_OC_LEADER, S_UNIT};
    int lw = 0;
    for (int i = 0; i < 3; i++) {
        int t = ui_width(a, FACE_BOLD, m->body, tr(a->lang, labels[i]));
        lw = t > lw ? t : lw;
    }
    int blh = ui_line_h(a, FACE_BOLD, m->body);
    for (int i = 0; i < 3; i++) {
        ui_text(a, FACE_BOLD, m->body, C_TEXT, x, y + (m->target - blh) / 2,
                tr(a->lang, labels[i]));
        SDL_Rect b = {x + lw + m->pad, y, w - lw - m->pad, m->target};
        char lab[96];
        snprintf(lab, sizeof lab, tr(a->lang, S_OL_CHOOSE_FMT),
                 o->who[i][0] ? o->who_name[i] : tr(a->lang, S_OA_CHOOSE));
        ui_button(a, b, lab, ACT_OFF_SLOT, i, C_WHITE, o->who[i][0] ? C_TEXT : C_TEXT2, 1);
        y += m->target + m->gap;
    }
    int ok = o->who[0][0] && o->who[1][0] && o->who[2][0];
    int bw = (int)(50 * m->pxmm);
    SDL_Rect b = {x + w - bw, a->h - m->pad - m->target, bw, m->target};
    ui_button(a, b, tr(a->lang, S_CONFIRM), ACT_OFF_ASSIGN_OK, 0, C_RED, C_WHITE, ok);
}

void office_assign_ok(App *a)
{
    OfficeState *o = &a->off;
    if (!o->who[0][0] || !o->who[1][0] || !o->who[2][0])
        return;
    OfficeAction act = {.what = OA_ASSIGN, .code = o->d.card.code, .member = o->who[0],
                        .leader = o->who[1], .unit = o->who[2]};
    run(a, &act);
}

/* ---- typing a note, an answer, a reason ------------------------------------------ */

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t')
            return 0;
    return 1;
}

void office_text_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    int restore = o->text_for == OT_RESTORE;
    int backup = o->text_for == OT_BACKUP || restore,
        form = o->text_for == OT_NAME || o->text_for == OT_GRIDS;
    int setting = o->text_for == OT_SETTING, vd = o->text_for == OT_VOID;
    StrId title = restore   ? S_RS_PASS
                  : backup  ? S_OT_BACKUP
                  : vd      ? S_OM_VOID_TITLE
                  : setting ? office_setting_label(o->set_i)
                  : form    ? (o->text_for == OT_NAME ? S_OT_NAME : S_OT_GRIDS)
                            : text_title(o->text_for);
    form |= setting | vd;
    ui_header(a, band, 1, tr(a->lang, title), backup || form ? NULL : o->d.card.code);
    const char *ok = tr(a->lang, S_CONFIRM);
    int gw = ui_width(a, FACE_BOLD, m->body, ok) + 4 * m->pad;
    SDL_Rect done = {a->w - m->pad - gw, (band_h - m->target) / 2, gw, m->target};
    /* An escalation may go without a note; the rest say something; a
     * passphrase has its length. */
    int ready = backup ? ime_text_chars(a->kb.text) >= BACKUP_PASS_MIN
                       : o->text_for == OA_ESCALATE || o->text_for == OT_GRIDS || !blank(a->kb.text);
    ui_button(a, done, ok, ACT_OFF_TEXT_OK, 0, C_WHITE, C_RED, ready);
    SDL_Rect area = {0, band_h, a->w, a->h - band_h};
    kb_draw(a, area);
}

void office_text_ok(App *a)
{
    OfficeState *o = &a->off;
    if (a->kb.view.preedit[0])
        kb_key(a, KEY_RETURN); /* a composition in progress is taken as shown */
    if (o->text_for == OT_NAME || o->text_for == OT_GRIDS) {
        office_form_typed(a);
        return;
    }
    if (o->text_for == OT_SETTING) {
        if (!blank(a->kb.text))
            office_setting_typed(a);
        return;
    }
    if (o->text_for == OT_VOID) {
        if (!blank(a->kb.text))
            office_void_typed(a);
        return;
    }
    if (o->text_for == OT_BACKUP) {
        if (ime_text_chars(a->kb.text) >= BACKUP_PASS_MIN)
            office_backup(a, a->kb.text);
        kb_clear(a); /* the passphrase is not kept */
        return;
    }
    if (o->text_for == OT_RESTORE) {
        if (restore_pass_ready(a))
            restore_run(a, a->kb.text);
        kb_clear(a); /* the passphrase is not kept */
        return;
    }
    if (o->text_for != OA_ESCALATE && blank(a->kb.text))
        return;
    OfficeAction act = {.what = o->text_for, .code = o->d.card.code,
                        .text = blank(a->kb.text) ? NULL : a->kb.text};
    run(a, &act);
    kb_clear(a);
}
