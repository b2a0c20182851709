/*
 * officedev.c: the office's devices (设备管理): the office station and
 * every hall's kiosk it knows, with how many records each has sent and
 * whether it is enrolled or retired; 为新机注册 answers the enrolment
 * requests a hall's new kiosk wrote onto the stick (the hall chosen by
 * search, as in 交办), and 停用 retires a kiosk (a lost or stolen one),
 * after asking: what it writes from then on is refused on import. 重设密码
 * gives a hall whose staff forgot their PIN a temporary one, shown once
 * (staff.pin_reset). 修改工作人员密码 changes this station's own PIN on
 * the number pad (staffmeet.c): the PIN in use, checked with the login's
 * back-off, then the new one twice; it is here rather than on 镇里设置
 * because, like the clock, it belongs to this station and never travels,
 * while 镇里设置 holds the town's settings that sticks carry to the halls.
 * The station's date heads the page, with 确认时钟 when its clock jumped
 * and must be confirmed before halls follow it.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static void load(App *a)
{
    OfficeState *o = &a->off;
    devicelist_free(&o->devs);
    char msg[256];
    o->devs_failed = a->src->office_devices(a->src->office_ctx, &o->devs, msg, sizeof msg) != 0;
    if (o->devs_failed)
        SDL_Log("office devices: %s", msg);
    o->clock_today[0] = 0;
    o->clock_ok = 1;
    if (a->src->office_clock &&
        a->src->office_clock(a->src->office_ctx, o->clock_today, &o->clock_ok, msg, sizeof msg) != 0) {
        SDL_Log("office clock: %s", msg);
        o->clock_today[0] = 0;
        o->clock_ok = 1;
    }
}

void office_devices_scroll_by(App *a, double dy)
{
    OfficeState *o = &a->off;
    ui_scroll(a, &o->dev_scroll, &o->dev_vel, o->dev_h - (a->h - o->dev_top), dy);
}

void office_devices_open(App *a)
{
    a->off.dev_state = 0;
    sodium_memzero(a->off.dev_msg, sizeof a->off.dev_msg); /* it may hold a temporary PIN */
    a->off.dev_scroll = a->off.dev_vel = 0;
    load(a);
    app_go(a, SCR_OFFICE_DEVICES);
}

void office_enrol(App *a, const char *hall, const char *name)
{
    OfficeState *o = &a->off;
    char msg[200] = "";
    int rc = a->src->office_enrol(a->src->office_ctx, hall, msg, sizeof msg);
    if (rc < 0)
        SDL_Log("office enrol %s: %s", hall, msg);
    o->dev_state = rc == 0 ? 1 : 2;
    if (rc == 0) {
        char who[240];
        snprintf(who, sizeof who, "%s（%s）", name, msg);
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_ENROLLED_FMT), who);
    } else {
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_NOT_DONE_FMT), msg);
    }
    load(a);
    app_go(a, SCR_OFFICE_DEVICES);
}

void office_revoke(App *a)
{
    OfficeState *o = &a->off;
    a->overlay = OV_NONE;
    if (o->revoke_i < 0 || o->revoke_i >= o->devs.n)
        return;
    char msg[200] = "";
    int rc = a->src->office_revoke(a->src->office_ctx, o->devs.v[o->revoke_i].id, msg, sizeof msg);
    if (rc < 0)
        SDL_Log("office revoke: %s", msg);
    o->dev_state = rc == 0 ? 1 : 2;
    if (rc == 0)
        snprintf(o->dev_msg, sizeof o->dev_msg, "%s", tr(a->lang, S_OD_REVOKED_OK));
    else
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_NOT_DONE_FMT), msg);
    load(a);
}

void office_pin_reset(App *a)
{
    OfficeState *o = &a->off;
    a->overlay = OV_NONE;
    if (o->revoke_i < 0 || o->revoke_i >= o->devs.n || !a->src->office_pin_reset)
        return;
    const DeviceRow *d = &o->devs.v[o->revoke_i];
    char msg[200] = "", pin[16] = "", who[200];
    int rc = a->src->office_pin_reset(a->src->office_ctx, d->hall, pin, msg, sizeof msg);
    if (rc < 0)
        SDL_Log("office PIN reset %s: %s", d->hall, msg);
    o->dev_state = rc == 0 ? 1 : 2;
    snprintf(who, sizeof who, "%s（%s）", d->hall_name ? d->hall_name : d->hall, d->hall);
    if (rc == 0)
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_PIN_DONE_FMT), who, pin);
    else
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_NOT_DONE_FMT), msg);
    sodium_memzero(pin, sizeof pin);
}

void office_sign_update(App *a)
{
    OfficeState *o = &a->off;
    char msg[300] = "";
    int rc = a->src->office_sign_update ? a->src->office_sign_update(a->src->office_ctx, msg,
                                                                     sizeof msg)
                                        : -1;
    if (rc < 0)
        SDL_Log("office update: %s", msg);
    o->dev_state = rc == 0 ? 1 : 2;
    if (rc == 0)
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_SIGNED_FMT), msg);
    else if (rc == 1)
        snprintf(o->dev_msg, sizeof o->dev_msg, "%s", tr(a->lang, S_OX_NO_STICK));
    else if (rc == 2)
        snprintf(o->dev_msg, sizeof o->dev_msg, "%s", tr(a->lang, S_OD_NO_DEB));
    else if (rc == 3)
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_SEVERAL_DEB_FMT), msg);
    else
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_NOT_DONE_FMT), msg);
}

void office_clock_confirm(App *a)
{
    OfficeState *o = &a->off;
    char msg[200] = "";
    int rc = a->src->office_clock_confirm ? a->src->office_clock_confirm(a->src->office_ctx, msg, sizeof msg)
                                          : -1;
    load(a);
    o->dev_state = rc == 0 ? 1 : 2;
    if (rc == 0)
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_CLOCK_DONE_FMT), o->clock_today);
    else
        snprintf(o->dev_msg, sizeof o->dev_msg, tr(a->lang, S_OD_NOT_DONE_FMT), msg);
}

void office_secret_open(App *a, int text_for, StrId hint)
{
    a->off.text_for = text_for;
    kb_start(a, NULL, 64);
    a->kb.secret = 1;
    a->kb.hint = hint;
    kb_set_mode(a, KB_DIGITS); /* the only mode a secret has: desk letters go in as typed */
    app_go(a, SCR_OFFICE_TEXT);
}

void office_backup_open(App *a)
{
    office_secret_open(a, OT_BACKUP, S_OT_BACKUP_HINT);
}

void office_backup(App *a, const char *passphrase)
{
    OfficeState *o = &a->off;
    char msg[200] = "";
    int rc = a->src->office_backup(a->src->office_ctx, passphrase, msg, sizeof msg);
    if (rc < 0)
        SDL_Log("office backup: %s", msg);
    o->dev_state = rc == 0 ? 1 : 2;
    snprintf(o->dev_msg, sizeof o->dev_msg,
             tr(a->lang, rc == 0 ? S_OD_BACKED_UP_FMT : S_OD_NOT_DONE_FMT), msg);
    load(a);
    app_go(a, SCR_OFFICE_DEVICES);
}

static const char *place(App *a, const DeviceRow *d)
{
    if (d->office)
        return tr(a->lang, S_OD_OFFICE);
    return d->hall_name ? d->hall_name : d->hall;
}

void office_revoke_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    if (o->revoke_i < 0 || o->revoke_i >= o->devs.n) {
        a->overlay = OV_NONE;
        return;
    }
    const DeviceRow *d = &o->devs.v[o->revoke_i];
    char ask[400];
    if (o->ask_pin)
        snprintf(ask, sizeof ask, tr(a->lang, S_OD_PIN_ASK_FMT), place(a, d));
    else
        snprintf(ask, sizeof ask, tr(a->lang, S_OD_REVOKE_ASK_FMT), place(a, d), d->slot);
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    ui_dim(a);
    int w = (int)(130 * m->pxmm);
    if (w > a->w - 2 * m->pad)
        w = a->w - 2 * m->pad;
    LineSpan ls[4];
    int n = ui_break(a, FACE_REGULAR, m->body, ask, w - 2 * m->pad, 4, ls, 4);
    SDL_Rect s = ui_sheet(a, w, 2 * m->pad + n * blh + m->gap + m->target);
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT, s.x + m->pad, s.y + m->pad, blh, ask, ls, n);
    int bw = (s.w - 2 * m->pad - m->gap) / 2;
    SDL_Rect no = {s.x + m->pad, s.y + s.h - m->pad - m->target, bw, m->target};
    ui_button(a, no, tr(a->lang, S_CANCEL), ACT_CLOSE_OVERLAY, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect yes = {no.x + bw + m->gap, no.y, bw, m->target};
    ui_button(a, yes, tr(a->lang, o->ask_pin ? S_OD_PIN_RESET : S_OD_REVOKE), ACT_OFF_REVOKE_OK, 0,
              C_RED, C_WHITE, 1);
}

void office_devices_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, tr(a->lang, S_OD_TITLE), NULL);
    int x, w;
    ui_column(a, 200, &x, &w);
    int y = band_h + m->gap;
    /* The page's tasks, wrapping on a narrow screen; 确认时钟 only when the
     * clock needs it. */
    const struct {
        StrId label;
        Action act;
        int on, red;
    } tasks[5] = {{S_OD_ENROL, ACT_OFF_ENROL, a->src->office_enrol != NULL, 1},
                  {S_OD_BACKUP, ACT_OFF_BACKUP, a->src->office_backup != NULL, 0},
                  {S_OD_SIGN, ACT_OFF_SIGN, a->src->office_sign_update != NULL, 0},
                  {S_OD_MY_PIN, ACT_OFF_MY_PIN, a->src->check_pin && a->src->set_pin, 0},
                  {S_OD_CLOCK_CONFIRM, ACT_OFF_CLOCK, !o->clock_ok, 1}};
    int bx = x;
    for (int i = 0; i < 5; i++) {
        if (tasks[i].act == ACT_OFF_CLOCK && !tasks[i].on)
            continue;
        const char *lab = tr(a->lang, tasks[i].label);
        int bw = ui_width(a, FACE_BOLD, m->body, lab) + 3 * m->pad;
        if (bx > x && bx + bw > x + w) {
            bx = x;
            y += m->target + m->gap;
        }
        ui_button(a, (SDL_Rect){bx, y, bw, m->target}, lab, tasks[i].act, 0,
                  tasks[i].red ? C_RED : C_WHITE, tasks[i].red ? C_WHITE : C_RED, tasks[i].on);
        bx += bw + m->gap;
    }
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    y += m->target + m->gap / 2;
    if (o->clock_today[0]) {
        char line[300];
        snprintf(line, sizeof line, tr(a->lang, o->clock_ok ? S_OD_CLOCK_OK_FMT : S_OD_CLOCK_ASK_FMT),
                 o->clock_today);
        LineSpan ls[2];
        int n = ui_break(a, FACE_REGULAR, m->small, line, w, 2, ls, 2);
        ui_lines(a, FACE_REGULAR, m->small, o->clock_ok ? C_TEXT2 : C_OVERDUE, x, y, slh, line, ls, n);
        y += n * slh;
    }
    if (o->dev_state) {
        LineSpan ls[3];
        int n = ui_break(a, FACE_REGULAR, m->small, o->dev_msg, w, 3, ls, 3);
        ui_lines(a, FACE_REGULAR, m->small, o->dev_state == 1 ? C_GREEN : C_OVERDUE, x, y, slh,
                 o->dev_msg, ls, n);
        y += n * slh;
    }
    y += m->gap / 2;
    if (o->devs_failed) {
        SDL_Rect area = {0, y, a->w, a->h - y};
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area, tr(a->lang, S_LOAD_FAILED));
        return;
    }
    const char *retire = tr(a->lang, S_OD_REVOKE), *reset = tr(a->lang, S_OD_PIN_RESET);
    int bw = ui_width(a, FACE_BOLD, m->body, retire) + 3 * m->pad;
    int pw = a->src->office_pin_reset ? ui_width(a, FACE_BOLD, m->body, reset) + 3 * m->pad : 0;
    SDL_Rect area = {0, y, a->w, a->h - y};
    o->dev_top = y;
    o->dev_h = o->devs.n * (m->target + m->gap);
    office_devices_scroll_by(a, 0); /* in range as the list changes */
    SDL_RenderSetClipRect(a->r, &area);
    y -= (int)o->dev_scroll;
    for (int i = 0; i < o->devs.n && y < a->h; i++) {
        const DeviceRow *d = &o->devs.v[i];
        SDL_Rect r = {x, y, w, m->target};
        draw_round(a->r, r, m->radius, rgb(C_WHITE));
        char line[200];
        snprintf(line, sizeof line, tr(a->lang, S_OD_ROW_FMT), place(a, d), d->slot, d->records);
        const char *state = d->revoked    ? tr(a->lang, S_OD_REVOKED)
                            : d->self     ? tr(a->lang, S_OD_SELF)
                            : !d->certified ? tr(a->lang, S_OD_UNCERT)
                                            : "";
        int sw = ui_width(a, FACE_BOLD, m->small, state);
        int tx = x + m->pad / 2, ty = y + (m->target - blh) / 2;
        int right = d->office ? x + w - m->pad /* no buttons on the station's own row */
                              : x + w - bw - m->pad - (pw ? pw + m->gap : 0);
        ui_text_fit(a, FACE_REGULAR, m->body, d->revoked ? C_TEXT2 : C_TEXT, tx, ty,
                    right - sw - m->pad - tx, line);
        ui_text(a, FACE_BOLD, m->small, d->revoked ? C_OVERDUE : C_TEXT2, right - sw,
                y + (m->target - slh) / 2, state);
        if (!d->office) {
            SDL_Rect b = {x + w - bw, y, bw, m->target};
            ui_button(a, b, retire, ACT_OFF_REVOKE, i, 0xE8EAED, C_OVERDUE,
                      !d->revoked && !d->self);
            SDL_Rect pb = {b.x - m->gap - pw, y, pw, m->target};
            if (pw && d->hall[0])
                ui_button(a, pb, reset, ACT_OFF_PIN, i, 0xE8EAED, C_TEXT, !d->revoked);
        }
        y += m->target + m->gap;
    }
    SDL_RenderSetClipRect(a->r, NULL);
}
