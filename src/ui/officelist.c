/*
 * officelist.c: the town office station's first screens. On the office's
 * database Home is a login page (the staff PIN on the same number pad as
 * the halls'); behind it, the lists of appeals: 待处理 (new, or a text to
 * approve), 已超期, 本周到期, 橙色上会 (for the joint party-government
 * meeting), 按单位, 按支部 and 全部, each tab with its size.
 *
 * A list is rows of one height, so only the rows on the screen are drawn
 * and a town of 10,000 appeals scrolls as one of ten. Rows are controls
 * named by their tracking code: a tap (or Return on the row the arrow keys
 * chose) opens the appeal (officecase.c).
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "domain.h"
#include "ew.h"

#define OFFICE_IDLE_S 600 /* the office logs out after 10 minutes untouched */

static const StrId LIST_WORDS[OL_COUNT] = {S_OL_INBOX, S_OL_OVERDUE, S_OL_WEEK, S_OL_ORANGE,
                                          S_OL_UNIT, S_OL_BRANCH, S_OL_ALL};

int office_mode(const App *a)
{
    return a->src->office_list != NULL;
}

void office_reset(App *a)
{
    OfficeState *o = &a->off;
    office_list_free(&o->ol);
    detail_free(&o->d);
    picklist_free(&o->picks);
    devicelist_free(&o->devs);
    meetinglist_free(&o->meets);
    personeval_free(&o->pe);
    memset(o, 0, sizeof *o);
}

static void load(App *a)
{
    OfficeState *o = &a->off;
    if (o->loaded)
        return;
    office_list_free(&o->ol);
    char msg[256];
    OfficeQuery q = {o->list, o->key[0] ? o->key : NULL};
    o->failed = a->src->office_list(a->src->office_ctx, &q, &o->ol, msg, sizeof msg) != 0;
    if (o->failed)
        SDL_Log("office list: %s", msg);
    o->loaded = 1;
    if (o->sel >= o->ol.cards.n)
        o->sel = o->ol.cards.n - 1;
    if (o->sel < 0)
        o->sel = 0;
}

void office_open(App *a)
{
    office_reset(a);
    if (a->cfg.idle_s < OFFICE_IDLE_S)
        a->cfg.idle_s = OFFICE_IDLE_S; /* desk work: typed answers take time */
    a->off.list = OL_INBOX;
    app_go(a, SCR_OFFICE);
}

void office_logout(App *a)
{
    pad_wipe(a); /* the number pad closes with the page (app_go) */
    office_reset(a);
    kb_clear(a);
    app_go(a, SCR_HOME);
}

void office_show_list(App *a, int list)
{
    OfficeState *o = &a->off;
    if (list < 0 || list >= OL_COUNT)
        return;
    if ((list == OL_UNIT || list == OL_BRANCH) && (o->list != list || !o->key[0])) {
        /* which unit or branch first */
        office_pick_open(a, list == OL_UNIT ? PICK_UNIT : PICK_BRANCH, SCR_OFFICE);
        return;
    }
    if (list != OL_UNIT && list != OL_BRANCH)
        o->key[0] = o->key_name[0] = 0;
    o->list = list;
    o->loaded = 0;
    o->scroll = o->vel = 0;
    o->sel = 0;
}

/* ---- the login page ------------------------------------------------------- */

void office_login_draw(App *a)
{
    const Metrics *m = &a->m;
    app_load_figures(a);
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char title[160];
    snprintf(title, sizeof title, tr(a->lang, S_OFF_LOGIN_TITLE_FMT),
             a->fig.town ? a->fig.town : "");
    ui_header(a, band, 0, title, a->fig.today);
    int x, w;
    ui_column(a, 150, &x, &w);
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    const char *note = tr(a->lang, S_OFF_LOGIN_NOTE);
    LineSpan ls[4];
    int n = ui_break(a, FACE_REGULAR, m->body, note, w, 4, ls, 4);
    int block = n * blh + m->gap + m->target;
    int y = band_h + (a->h - band_h - block) / 2;
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT2, x, y, blh, note, ls, n);
    int bw = (int)(70 * m->pxmm);
    if (bw > w)
        bw = w;
    SDL_Rect b = {(a->w - bw) / 2, y + n * blh + m->gap, bw, m->target};
    ui_button(a, b, tr(a->lang, S_OFF_LOGIN), ACT_OFF_LOGIN, 0, C_RED, C_WHITE, 1);
}

/* ---- the lists ------------------------------------------------------------ */

/* The tabs, wrapped onto as many rows as the width needs; returns the y
 * below them. */
static int tabs(App *a, int y)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int x = m->pad;
    for (int l = 0; l < OL_COUNT; l++) {
        /* The control is named by the list's word alone (scripts press
         * 已超期 whatever the count); the tab shows the count beside it. */
        const char *word = tr(a->lang, LIST_WORDS[l]);
        char lab[96];
        if ((l == OL_UNIT || l == OL_BRANCH) && o->list == l && o->key_name[0])
            snprintf(lab, sizeof lab, tr(a->lang, S_OL_CHOOSE_FMT), o->key_name);
        else if (l == OL_UNIT || l == OL_BRANCH)
            snprintf(lab, sizeof lab, "%s", word);
        else
            snprintf(lab, sizeof lab, tr(a->lang, S_OL_TAB_FMT), word,
                     o->loaded && !o->failed ? o->ol.counts[l] : 0);
        int cw = ui_chip_w(a, lab);
        if (x > m->pad && x + cw > a->w - m->pad) {
            x = m->pad;
            y += m->target + m->gap;
        }
        SDL_Rect r = {x, y, cw, m->target};
        int on = o->list == l;
        /* The chosen unit's or branch's tab reopens its picker: another one. */
        Action act = on && (l == OL_UNIT || l == OL_BRANCH) ? ACT_OFF_KEY : ACT_OFF_LIST;
        ui_control(a, r, l == OL_UNIT || l == OL_BRANCH ? lab : word, act, l, 1);
        int pressed = ui_is_pressed(a, act, l);
        draw_round(a->r, r, r.h / 2, rgb(on ? C_RED : pressed ? 0xD0D4DA : C_WHITE));
        if (!on)
            draw_round_outline(a->r, r, r.h / 2, 2, rgb(0xC4C8CE));
        ui_text_center(a, FACE_BOLD, m->body, on ? C_WHITE : C_TEXT, r, lab);
        x += cw + m->gap;
    }
    /* Then the town's figures as charts, the ledger's import, the roster,
     * the meetings, the devices and the town's settings. */
    const struct {
        int on;
        StrId label;
        Action act;
    } more[6] = {{a->src->charts != NULL, S_CH_TITLE, ACT_FIGURES},
                 {a->src->office_import != NULL, S_OI_TITLE, ACT_OFF_IMPORTS},
                 {a->src->office_roster != NULL, S_RO_TITLE, ACT_OFF_ROSTER},
                 {a->src->office_meetings != NULL, S_OM_TITLE, ACT_OFF_MEETINGS},
                 {a->src->office_devices != NULL, S_OD_TITLE, ACT_OFF_DEVICES},
                 {a->src->office_config_set != NULL, S_OS_TITLE, ACT_OFF_SETTINGS}};
    for (int i = 0; i < 6; i++) {
        if (!more[i].on)
            continue;
        const char *lab = tr(a->lang, more[i].label);
        int cw = ui_chip_w(a, lab);
        if (x > m->pad && x + cw > a->w - m->pad) {
            x = m->pad;
            y += m->target + m->gap;
        }
        ui_chip(a, (SDL_Rect){x, y, cw, m->target}, lab, more[i].act, 0, 0);
        x += cw + m->gap;
    }
    return y + m->target + m->gap;
}

static int row_h(const App *a)
{
    int two = 2 * (a->m.body * 3 / 2) + a->m.pad / 2;
    return two > a->m.target ? two : a->m.target;
}

/* The due day as the list says it: days left, due today, days overdue. */
static void due_words(App *a, const Card *c, char *out, size_t n, uint32_t *colour)
{
    *colour = C_TEXT2;
    out[0] = 0;
    if (!c->due[0] || (c->status && strcmp(c->status, "solved") == 0))
        return;
    if (c->overdue_days > 0) {
        snprintf(out, n, tr(a->lang, S_OVERDUE_FMT), c->overdue_days);
        *colour = C_OVERDUE;
    } else if (c->days_left == 0) {
        snprintf(out, n, "%s", tr(a->lang, S_DUE_TODAY));
        *colour = C_ORANGE;
    } else {
        snprintf(out, n, tr(a->lang, S_DAYS_LEFT_FMT), c->days_left);
    }
}

static void draw_row(App *a, const Card *c, SDL_Rect r, int selected)
{
    const Metrics *m = &a->m;
    ui_control(a, r, c->code, ACT_OFF_ROW, (int)(c - a->off.ol.cards.cards), 1);
    int pressed = ui_is_pressed(a, ACT_OFF_ROW, (int)(c - a->off.ol.cards.cards));
    draw_round(a->r, r, m->radius, rgb(pressed ? 0xDDE1E6 : selected ? 0xFFF4E5 : C_WHITE));
    SDL_Rect bar = {r.x, r.y, m->bar, r.h};
    draw_fill(a->r, bar, rgb(grade_colour(c->grade)));
    int lh = ui_line_h(a, FACE_REGULAR, m->body);
    int x = r.x + m->bar + m->pad / 2, y = r.y + m->pad / 4;
    int right = r.x + r.w - m->pad / 2;
    /* Right: status, and the due day's words under it. */
    const char *st = status_word(a, c->status);
    int sw = ui_width(a, FACE_BOLD, m->body, st);
    ui_text(a, FACE_BOLD, m->body, status_colour(c->status), right - sw, y, st);
    char due[64];
    uint32_t dc;
    due_words(a, c, due, sizeof due, &dc);
    int dw = due[0] ? ui_width(a, FACE_REGULAR, m->small, due) : 0;
    if (due[0])
        ui_text(a, FACE_REGULAR, m->small, dc, right - dw, y + lh, due);
    int rw = (sw > dw ? sw : dw) + m->pad;
    /* Left: code, grade, branch, category, day; then the text's first line. */
    const Term *t = domain_find(DOMAIN_CATEGORIES, c->category ? c->category : "other");
    char head[256];
    snprintf(head, sizeof head, "%s  %s · %s · %s · %s", c->code, grade_word(a, c->grade),
             c->hall_name ? c->hall_name : c->hall, t ? (a->lang == LANG_EN ? t->en : t->zh) : "",
             c->created);
    ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, x, y, right - rw - x, head);
    char line[400]; /* a row shows one line of it: whole characters, cut */
    const char *tag = c->text_state == TEXT_WAITING  ? tr(a->lang, S_TEXT_WAITING)
                      : c->text_state == TEXT_HIDDEN ? tr(a->lang, S_TEXT_HIDDEN)
                                                     : NULL;
    int k = snprintf(line, sizeof line, "%s%s%s", tag ? "【" : "", tag ? tag : "", tag ? "】" : "");
    ew_utf8_copy(line + k, sizeof line - (size_t)k, c->text);
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    ui_text_fit(a, FACE_REGULAR, m->small, c->text_state == TEXT_WAITING ? C_ORANGE : C_TEXT2, x,
                y + lh, right - rw - x, line);
}

static int content_h(App *a)
{
    return a->off.ol.cards.n * (row_h(a) + a->m.gap);
}

void office_scroll_by(App *a, double dy)
{
    OfficeState *o = &a->off;
    ui_scroll(a, &o->scroll, &o->vel, content_h(a) - (a->h - o->top) + a->m.pad, dy);
}

/* Arrow keys walk the rows (the list scrolls to keep the row in view),
 * Page keys and Space scroll, Return opens the row. */
void office_key(App *a, int key)
{
    OfficeState *o = &a->off;
    int n = o->ol.cards.n;
    if (!n)
        return;
    int step = row_h(a) + a->m.gap;
    if (key == KEY_DOWN || key == KEY_UP) {
        o->sel += key == KEY_DOWN ? 1 : -1;
        o->sel = o->sel < 0 ? 0 : o->sel >= n ? n - 1 : o->sel;
        double y = (double)o->sel * step, view = a->h - o->top - a->m.pad;
        if (y < o->scroll)
            office_scroll_by(a, y - o->scroll);
        else if (y + step > o->scroll + view)
            office_scroll_by(a, y + step - (o->scroll + view));
    } else if (key == KEY_SPACE) {
        office_scroll_by(a, (a->h - o->top) * 0.8);
    } else if (key == KEY_HOME) {
        o->sel = 0;
        office_scroll_by(a, -o->scroll);
    } else if (key == KEY_END) {
        o->sel = n - 1;
        office_scroll_by(a, content_h(a));
    } else if (key == KEY_RETURN) {
        office_case_open(a, o->ol.cards.cards[o->sel].code);
    }
    a->dirty = 1;
}

void office_list_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    app_load_figures(a);
    load(a);
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char sub[160];
    snprintf(sub, sizeof sub, "%s · %s", a->fig.town ? a->fig.town : "", a->fig.today);
    /* Export, quit and log out at the right of the band, the title in what
     * is left. */
    const char *out = tr(a->lang, S_OFF_LOGOUT), *quit = tr(a->lang, S_STAFF_EXIT),
               *exp = tr(a->lang, S_OX_BUTTON);
    int ow = ui_width(a, FACE_BOLD, m->body, out) + 3 * m->pad;
    int qw = ui_width(a, FACE_BOLD, m->body, quit) + 3 * m->pad;
    int ew = ui_width(a, FACE_BOLD, m->body, exp) + 3 * m->pad;
    SDL_Rect title_band = {0, 0, a->w - ow - qw - ew - 3 * m->gap, band_h};
    draw_fill(a->r, band, rgb(C_RED));
    ui_header(a, title_band, 0, tr(a->lang, S_OFF_TITLE), sub);
    SDL_Rect ob = {a->w - m->pad - ow, (band_h - m->target) / 2, ow, m->target};
    ui_button(a, ob, out, ACT_OFF_LOGOUT, 0, 0x961720, C_WHITE, 1);
    SDL_Rect qb = {ob.x - m->gap - qw, ob.y, qw, m->target};
    ui_button(a, qb, quit, ACT_STAFF_QUIT, 0, 0x961720, C_WHITE, 1);
    SDL_Rect eb = {qb.x - m->gap - ew, ob.y, ew, m->target};
    ui_button(a, eb, exp, ACT_OFF_EXPORTS, 0, C_WHITE, C_RED, a->src->office_export != NULL);
    int y = tabs(a, band_h + m->gap);
    o->top = y;
    SDL_Rect area = {0, y, a->w, a->h - y};
    if (o->failed || o->ol.cards.n == 0) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       tr(a->lang, o->failed ? S_LOAD_FAILED : S_OL_EMPTY));
        return;
    }
    office_scroll_by(a, 0); /* keeps the scroll in range as the list changes */
    int x, w;
    ui_column(a, 260, &x, &w);
    int rh = row_h(a), step = rh + m->gap;
    SDL_RenderSetClipRect(a->r, &area);
    int first = (int)(o->scroll / step);
    for (int i = first; i < o->ol.cards.n; i++) {
        int ry = y + i * step - (int)o->scroll;
        if (ry > a->h)
            break;
        SDL_Rect r = {x, ry, w, rh};
        draw_row(a, &o->ol.cards.cards[i], r, i == o->sel);
    }
    SDL_RenderSetClipRect(a->r, NULL);
}

/* ---- exports onto the stick ----------------------------------------------- */

void office_export(App *a, int what)
{
    OfficeState *o = &a->off;
    char msg[256] = "";
    int rc = a->src->office_export(a->src->office_ctx, what, msg, sizeof msg);
    if (rc < 0)
        SDL_Log("office export: %s", msg);
    o->export_state = rc == 0 ? 1 : rc > 0 ? 2 : 3;
    snprintf(o->export_msg, sizeof o->export_msg, "%s", msg);
}

void office_export_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    static const StrId labels[EXPORT_COUNT] = {S_OX_LEDGER, S_OX_AGENDA, S_OX_SITE};
    int hlh = ui_line_h(a, FACE_BOLD, m->body), blh = ui_line_h(a, FACE_REGULAR, m->body);
    int h = 2 * m->pad + hlh + m->gap + EXPORT_COUNT * (m->target + m->gap) + 2 * blh + m->gap +
            m->target;
    ui_dim(a);
    SDL_Rect s = ui_sheet(a, (int)(150 * m->pxmm), h);
    int x = s.x + m->pad, w = s.w - 2 * m->pad, y = s.y + m->pad;
    ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, x, y, w, tr(a->lang, S_OX_TITLE));
    y += hlh + m->gap;
    for (int i = 0; i < EXPORT_COUNT; i++) {
        SDL_Rect b = {x, y, w, m->target};
        ui_button(a, b, tr(a->lang, labels[i]), ACT_OFF_EXPORT, i, C_WHITE, C_TEXT, 1);
        draw_round_outline(a->r, b, m->radius * 2, 2, rgb(0xC4C8CE));
        y += m->target + m->gap;
    }
    char line[400] = "";
    if (o->export_state == 1)
        snprintf(line, sizeof line, tr(a->lang, S_OX_DONE_FMT), o->export_msg);
    else if (o->export_state == 2)
        snprintf(line, sizeof line, "%s", tr(a->lang, S_OX_NO_STICK));
    else if (o->export_state == 3)
        snprintf(line, sizeof line, tr(a->lang, S_OX_FAILED_FMT), o->export_msg);
    LineSpan ls[2];
    int n = line[0] ? ui_break(a, FACE_REGULAR, m->body, line, w, 2, ls, 2) : 0;
    ui_lines(a, FACE_REGULAR, m->body, o->export_state == 1 ? C_GREEN : C_OVERDUE, x, y, blh, line,
             ls, n);
    int bw = (int)(40 * m->pxmm);
    SDL_Rect close = {s.x + s.w - m->pad - bw, s.y + s.h - m->pad - m->target, bw, m->target};
    ui_button(a, close, tr(a->lang, S_CLOSE), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
}
