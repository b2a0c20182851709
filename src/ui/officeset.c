/*
 * officeset.c: the town's settings on the office (镇里设置): the town's
 * name, the tracking URL the slips' QR codes carry, and the default time
 * limits of green, blue and orange appeals. Each row shows the value in
 * force with 修改, which opens the text screen (pinyin, or the desk's
 * keyboard; the digits for a time limit) holding the value; 确认 writes it
 * as a config.set record, which sticks take to every hall. A setting of two
 * values (whether the tracking site shows the evaluation results) turns
 * over at 修改 without a keyboard. A value the
 * rules refuse (a limit of 0, a URL without {code}) is said plainly and
 * nothing is written.
 *
 * Also here: the top every such office page shares, and 导入台账, the sheet
 * that imports the ledger CSV staff saved from Excel onto a stick (all its
 * rows or none).
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
#include "ew.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static const struct {
    const char *key; /* config.c's key */
    StrId label;
    int digits;      /* typed on the digits */
    int chars;       /* at most this many characters */
    const char *on, *off; /* a two-valued setting: its values (words: S_OS_YES, S_OS_NO) */
} settings[OFFICE_SETTINGS] = {
    {"town.name", S_OS_TOWN_NAME, 0, 20, NULL, NULL},
    {"town.tracking_url", S_OS_URL, 0, 200, NULL, NULL},
    {"limit.green", S_OS_LIMIT_GREEN, 1, 3, NULL, NULL},
    {"limit.blue", S_OS_LIMIT_BLUE, 1, 3, NULL, NULL},
    {"limit.orange", S_OS_LIMIT_ORANGE, 1, 3, NULL, NULL},
    {"site.results", S_OS_SITE_RESULTS, 0, 0, "all", "none"},
};

int office_page_top(App *a, StrId title, StrId note, int state, const char *msg, int *x, int *w)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, tr(a->lang, title), NULL);
    ui_column(a, 200, x, w);
    int y = band_h + m->gap, slh = ui_line_h(a, FACE_REGULAR, m->small);
    const char *text = tr(a->lang, note);
    LineSpan ls[3];
    int n = ui_break(a, FACE_REGULAR, m->small, text, *w, 2, ls, 3);
    ui_lines(a, FACE_REGULAR, m->small, C_TEXT2, *x, y, slh, text, ls, n);
    y += n * slh;
    if (state) {
        n = ui_break(a, FACE_REGULAR, m->small, msg, *w, 3, ls, 3);
        ui_lines(a, FACE_REGULAR, m->small, state == 1 ? C_GREEN : C_OVERDUE, *x, y, slh, msg, ls, n);
        y += n * slh;
    }
    return y + m->gap / 2;
}

StrId office_setting_label(int i)
{
    return i >= 0 && i < OFFICE_SETTINGS ? settings[i].label : S_OS_TITLE;
}

static void load(App *a)
{
    OfficeState *o = &a->off;
    for (int i = 0; i < OFFICE_SETTINGS; i++) {
        char msg[256];
        o->set_vals[i][0] = 0;
        if (a->src->office_config_get &&
            a->src->office_config_get(a->src->office_ctx, settings[i].key, o->set_vals[i],
                                      sizeof o->set_vals[i], msg, sizeof msg) != 0) {
            SDL_Log("office settings %s: %s", settings[i].key, msg);
            o->set_vals[i][0] = 0;
        }
    }
}

void office_settings_scroll_by(App *a, double dy)
{
    OfficeState *o = &a->off;
    ui_scroll(a, &o->set_scroll, &o->set_vel, o->set_h - (a->h - o->set_top), dy);
}

void office_settings_open(App *a)
{
    a->off.set_state = 0;
    a->off.set_scroll = a->off.set_vel = 0;
    load(a);
    app_go(a, SCR_OFFICE_SETTINGS);
}

/* Writes value to the setting set_i; says what happened. */
static void save(App *a, const char *value)
{
    OfficeState *o = &a->off;
    char msg[300] = "";
    int rc = a->src->office_config_set
                 ? a->src->office_config_set(a->src->office_ctx, settings[o->set_i].key, value, msg,
                                             sizeof msg)
                 : -1;
    o->set_state = rc == 0 ? 1 : 2;
    if (rc == 0) {
        char what[460];
        const char *word = !settings[o->set_i].on ? value
                           : strcmp(value, settings[o->set_i].on) == 0 ? tr(a->lang, S_OS_YES)
                                                                       : tr(a->lang, S_OS_NO);
        snprintf(what, sizeof what, "%s = %s", tr(a->lang, settings[o->set_i].label), word);
        snprintf(o->set_msg, sizeof o->set_msg, tr(a->lang, S_OS_SAVED_FMT), what);
    } else {
        snprintf(o->set_msg, sizeof o->set_msg, tr(a->lang, S_OD_NOT_DONE_FMT), msg);
    }
    load(a);
}

void office_setting_edit(App *a, int i)
{
    OfficeState *o = &a->off;
    if (i < 0 || i >= OFFICE_SETTINGS)
        return;
    o->set_i = i;
    if (settings[i].on) { /* two values: turned over, no keyboard */
        save(a, strcmp(o->set_vals[i], settings[i].on) == 0 ? settings[i].off : settings[i].on);
        return;
    }
    o->text_for = OT_SETTING;
    kb_start(a, o->set_vals[i], settings[i].chars);
    a->kb.hint = S_OT_HINT;
    if (settings[i].digits)
        kb_set_mode(a, KB_DIGITS);
    app_go(a, SCR_OFFICE_TEXT);
}

void office_setting_typed(App *a)
{
    char value[400];
    ew_utf8_copy(value, sizeof value, a->kb.text);
    for (char *p = value; *p; p++) /* one line */
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    kb_clear(a);
    save(a, value);
    app_go(a, SCR_OFFICE_SETTINGS);
}

void office_settings_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int x, w;
    int y = office_page_top(a, S_OS_TITLE, S_OS_NOTE, o->set_state, o->set_msg, &x, &w);
    int slh = ui_line_h(a, FACE_REGULAR, m->small), blh = ui_line_h(a, FACE_REGULAR, m->body);
    const char *edit = tr(a->lang, S_OS_EDIT);
    int bw = ui_width(a, FACE_BOLD, m->body, edit) + 3 * m->pad;
    /* One line a setting: its name, its value, 修改; scrolled on a low
     * screen. */
    int lw = (w - bw) * 2 / 5;
    SDL_Rect area = {0, y, a->w, a->h - y};
    o->set_top = y;
    o->set_h = OFFICE_SETTINGS * (m->target + m->gap);
    office_settings_scroll_by(a, 0); /* in range as the screen changes */
    SDL_RenderSetClipRect(a->r, &area);
    y -= (int)o->set_scroll;
    for (int i = 0; i < OFFICE_SETTINGS && y < a->h; i++) {
        SDL_Rect r = {x, y, w, m->target};
        draw_round(a->r, r, m->radius, rgb(C_WHITE));
        int tx = x + m->pad / 2;
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, tx, y + (m->target - slh) / 2,
                    lw - m->pad, tr(a->lang, settings[i].label));
        const char *shown = !o->set_vals[i][0] ? "—"
                            : !settings[i].on ? o->set_vals[i]
                            : strcmp(o->set_vals[i], settings[i].on) == 0 ? tr(a->lang, S_OS_YES)
                                                                          : tr(a->lang, S_OS_NO);
        ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, tx + lw, y + (m->target - blh) / 2,
                    w - bw - lw - m->pad, shown);
        SDL_Rect b = {x + w - bw, y, bw, m->target};
        ui_button(a, b, edit, ACT_OFF_SET_EDIT, i, 0xE8EAED, C_TEXT, o->set_vals[i][0] != 0);
        y += m->target + m->gap;
    }
    SDL_RenderSetClipRect(a->r, NULL);
}

/* ---- 导入台账: the ledger from the stick ---------------------------------------- */

void office_import(App *a)
{
    OfficeState *o = &a->off;
    char msg[400] = "";
    long n = 0;
    int rc = a->src->office_import ? a->src->office_import(a->src->office_ctx, &n, msg, sizeof msg)
                                   : -1;
    if (rc < 0)
        SDL_Log("office import: %s", msg);
    o->import_state = rc == 0 ? 1 : 2;
    if (rc == 0)
        snprintf(o->import_msg, sizeof o->import_msg, tr(a->lang, S_OI_DONE_FMT), msg, n);
    else if (rc == 1)
        snprintf(o->import_msg, sizeof o->import_msg, "%s", tr(a->lang, S_OX_NO_STICK));
    else if (rc == 2)
        snprintf(o->import_msg, sizeof o->import_msg, "%s", tr(a->lang, S_OI_NO_CSV));
    else if (rc == 3)
        snprintf(o->import_msg, sizeof o->import_msg, tr(a->lang, S_OI_SEVERAL_FMT), msg);
    else
        snprintf(o->import_msg, sizeof o->import_msg, tr(a->lang, S_OI_FAILED_FMT), msg);
    if (rc == 0)
        o->loaded = 0; /* the lists show the new appeals */
}

void office_import_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int hlh = ui_line_h(a, FACE_BOLD, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int w = (int)(150 * m->pxmm);
    if (w > a->w - 2 * m->pad)
        w = a->w - 2 * m->pad;
    int iw = w - 2 * m->pad;
    const char *note = tr(a->lang, S_OI_NOTE);
    LineSpan ln[5], lr[4];
    int nn = ui_break(a, FACE_REGULAR, m->small, note, iw, 5, ln, 5);
    int nr = o->import_state ? ui_break(a, FACE_REGULAR, m->small, o->import_msg, iw, 4, lr, 4) : 0;
    ui_dim(a);
    SDL_Rect s = ui_sheet(a, w, 2 * m->pad + hlh + m->gap + (nn + nr) * slh + m->gap + m->target);
    int x = s.x + m->pad, y = s.y + m->pad;
    ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, x, y, iw, tr(a->lang, S_OI_TITLE));
    y += hlh + m->gap;
    ui_lines(a, FACE_REGULAR, m->small, C_TEXT2, x, y, slh, note, ln, nn);
    y += nn * slh;
    ui_lines(a, FACE_REGULAR, m->small, o->import_state == 1 ? C_GREEN : C_OVERDUE, x, y, slh,
             o->import_msg, lr, nr);
    int bw = (iw - m->gap) / 2;
    SDL_Rect close = {x, s.y + s.h - m->pad - m->target, bw, m->target};
    ui_button(a, close, tr(a->lang, S_CLOSE), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect go = {x + bw + m->gap, close.y, bw, m->target};
    ui_button(a, go, tr(a->lang, S_OI_GO), ACT_OFF_IMPORT, 0, C_RED, C_WHITE, 1);
}
