/*
 * restore.c: a new station's first start. Home on a blank database
 * (Figures.blank) is the first-run page: a hall's kiosk waits for the
 * stick from the town office, as it always did (the stick enrols it by
 * itself); the office's replacement station restores its backup here.
 *
 * 从备份恢复（U盘） lists the backups on the stick (Source.restore_list),
 * a file tapped asks for its passphrase on the text screen (dots only,
 * never kept), and the restore (Source.restore_run) either makes this
 * station the office — the page then shows the town key's fingerprint to
 * compare and 继续 leads to the office's login — or says in plain words
 * why not, with nothing changed. While the page is open the stick is held
 * back from syncing and enrolling (Source.stick_hold).
 */
#include "appint.h"

/* The formats come from the string tables (strings.c), checked there. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#include <stdio.h>
#include <string.h>

#include "imetext.h"

/* Lines of s wrapped to w at px, drawn at (x, y) in colour; returns the
 * height drawn. */
static int para(App *a, Face f, int px, uint32_t colour, int x, int y, int w, const char *s,
                int max_lines)
{
    LineSpan ls[8];
    if (max_lines > 8)
        max_lines = 8;
    int n = ui_break(a, f, px, s, w, max_lines, ls, 8);
    int lh = ui_line_h(a, f, px);
    ui_lines(a, f, px, colour, x, y, lh, s, ls, n);
    return n * lh;
}

/* ---- the first-run page (Home of a blank station) ---------------------------- */

/* One of the page's two cards: a heading (at hpx), a line in red, lines
 * (more: NULL none) and a button (label NULL: none), at least r.h tall.
 * Returns its height; draws only when draw is 1. */
static int card(App *a, SDL_Rect r, int draw, int hpx, const char *head, const char *first,
                const char *more, const char *label, Action act)
{
    const Metrics *m = &a->m;
    int hlh = ui_line_h(a, FACE_BOLD, hpx), blh = ui_line_h(a, FACE_REGULAR, m->body);
    int iw = r.w - 2 * m->pad;
    LineSpan ls[6];
    int nmore = more ? ui_break(a, FACE_REGULAR, m->body, more, iw, 4, ls, 6) : 0;
    int h = m->pad + hlh + m->gap / 2 + (first ? blh : 0) + nmore * blh +
            (label ? m->gap / 2 + m->target : 0) + m->pad;
    if (h < r.h)
        h = r.h;
    if (!draw)
        return h;
    r.h = h;
    draw_round(a->r, r, m->radius, rgb(C_WHITE));
    int x = r.x + m->pad, y = r.y + m->pad;
    ui_text_fit(a, FACE_BOLD, hpx, C_TEXT, x, y, iw, head);
    y += hlh + m->gap / 2;
    if (first) {
        ui_text_fit(a, FACE_BOLD, m->body, C_RED, x, y, iw, first);
        y += blh;
    }
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT2, x, y, blh, more, ls, nmore);
    y += nmore * blh;
    if (label) {
        int bw = ui_width(a, FACE_BOLD, m->body, label) + 4 * m->pad;
        if (bw > iw)
            bw = iw;
        ui_button(a, (SDL_Rect){x, y + m->gap / 2, bw, m->target}, label, act, 0, C_RED, C_WHITE,
                  1);
    }
    return h;
}

void firstrun_draw(App *a)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    ui_header(a, (SDL_Rect){0, 0, a->w, band_h}, 0, tr(a->lang, S_APP_TITLE),
              tr(a->lang, S_FR_TITLE));
    int x, w;
    ui_column(a, 240, &x, &w);
    const char *hall_head = tr(a->lang, S_FR_HALL_HEAD), *hall_first = tr(a->lang, S_NOT_ENROLLED);
    const char *office_head = tr(a->lang, S_FR_OFFICE_HEAD);
    const char *more[2] = {tr(a->lang, S_FR_HALL_TEXT), tr(a->lang, S_FR_OFFICE_TEXT)};
    const char *label = a->src->restore_run ? tr(a->lang, S_FR_RESTORE) : NULL;
    int top = band_h + m->gap, room = a->h - top - m->pad, hpx = m->heading;
    int wide = w / m->pxmm >= 200; /* the cards side by side */
    int cw = wide ? (w - m->gap) / 2 : w;
    SDL_Rect l = {x, 0, cw, 0}, r = {wide ? x + cw + m->gap : x, 0, cw, 0};
    /* A low screen: the explanations go (the hall's first), then the
     * headings shrink, until both cards fit. */
    int h = 0;
    for (int step = 0; step < 4; step++) {
        if (step == 1)
            more[0] = NULL;
        if (step == 2)
            more[1] = NULL;
        if (step == 3)
            hpx = m->body;
        l.h = r.h = 0;
        int hl = card(a, l, 0, hpx, hall_head, hall_first, more[0], NULL, ACT_NONE);
        int hr = card(a, r, 0, hpx, office_head, NULL, more[1], label, ACT_RESTORE_OPEN);
        h = wide ? (hl > hr ? hl : hr) : hl + m->gap + hr;
        if (wide)
            l.h = r.h = h;
        else
            l.h = hl, r.h = hr;
        if (h <= room)
            break;
    }
    l.y = top + (room > h ? (room - h) / 3 : 0); /* a little above the middle */
    r.y = wide ? l.y : l.y + l.h + m->gap;
    card(a, l, 1, hpx, hall_head, hall_first, more[0], NULL, ACT_NONE);
    card(a, r, 1, hpx, office_head, NULL, more[1], label, ACT_RESTORE_OPEN);
}

/* ---- 从备份恢复（U盘） ---------------------------------------------------------------- */

static void list_backups(App *a)
{
    RestoreState *rs = &a->rs;
    char msg[256] = "";
    int rc = a->src->restore_list ? a->src->restore_list(a->src->restore_ctx, &rs->files, msg,
                                                         sizeof msg)
                                  : -1;
    if (rc < 0)
        SDL_Log("restore: listing the stick: %s", msg);
    rs->listed = rc == 0 ? 1 : rc == 1 ? 2 : 3;
    snprintf(rs->list_msg, sizeof rs->list_msg, "%s", msg);
}

void restore_open(App *a)
{
    RestoreState *rs = &a->rs;
    memset(&rs->res, 0, sizeof rs->res);
    rs->tried = 0;
    if (!rs->held && a->src->stick_hold) {
        a->src->stick_hold(a->src->stick_ctx, 1);
        rs->held = 1;
    }
    list_backups(a);
    app_go(a, SCR_RESTORE);
}

void restore_rescan(App *a)
{
    list_backups(a);
    a->rs.tried = 0; /* a new look: the last failure is behind */
}

void restore_release(App *a)
{
    if (a->rs.held && a->src->stick_hold)
        a->src->stick_hold(a->src->stick_ctx, 0);
    a->rs.held = 0;
}

void restore_choose(App *a, int i)
{
    RestoreState *rs = &a->rs;
    if (i < 0 || i >= rs->files.n)
        return;
    rs->chosen = i;
    office_secret_open(a, OT_RESTORE, S_RS_PASS_HINT);
}

void restore_run(App *a, const char *passphrase)
{
    RestoreState *rs = &a->rs;
    if (rs->chosen < 0 || rs->chosen >= rs->files.n || !a->src->restore_run)
        return;
    int rc = a->src->restore_run(a->src->restore_ctx, rs->files.v[rs->chosen].name, passphrase,
                                 &rs->res);
    SDL_Log("restore %s: %s", rs->files.v[rs->chosen].name, rs->res.msg);
    rs->tried = 1;
    if (rc != 0 && rs->res.outcome == RESTORE_DONE)
        rs->res.outcome = RESTORE_FAILED;
    if (rc != 0)
        list_backups(a); /* the stick may have gone, or come back */
    app_go(a, SCR_RESTORE);
}

void restore_done(App *a)
{
    restore_release(a); /* the stick in now was the backup's: not synced again */
    a->rs.tried = 0;
    app_go(a, SCR_HOME); /* the office's login now */
}

/* What went wrong, in the station's words. */
static StrId why(int outcome)
{
    switch (outcome) {
    case RESTORE_NO_STICK:
        return S_RS_ERR_NO_STICK;
    case RESTORE_PASSPHRASE:
        return S_RS_ERR_PASS;
    case RESTORE_DAMAGED:
        return S_RS_ERR_DAMAGED;
    case RESTORE_STICK:
        return S_RS_ERR_STICK;
    case RESTORE_NO_ROOM:
        return S_RS_ERR_NO_ROOM;
    case RESTORE_NOT_BLANK:
        return S_RS_ERR_NOT_BLANK;
    default:
        return S_RS_ERR_FAILED;
    }
}

/* The page after a good restore: what it is now, the fingerprint, 继续. */
static void done_draw(App *a, int x, int y, int w)
{
    const Metrics *m = &a->m;
    RestoreState *rs = &a->rs;
    char line[400];
    snprintf(line, sizeof line, tr(a->lang, S_RS_DONE_FMT), rs->res.slot, rs->res.records);
    y += para(a, FACE_BOLD, m->body, C_GREEN, x, y, w, line, 3) + m->gap;
    ui_text(a, FACE_REGULAR, m->body, C_TEXT2, x, y, tr(a->lang, S_RS_FP));
    y += ui_line_h(a, FACE_REGULAR, m->body);
    int fpx = m->heading, fw = ui_width(a, FACE_MONO, fpx, rs->res.fingerprint);
    if (fw > w) /* a narrow screen: the whole string, smaller */
        fpx = fpx * w / fw;
    ui_text(a, FACE_MONO, fpx, C_TEXT, x, y, rs->res.fingerprint);
    y += ui_line_h(a, FACE_MONO, fpx) + m->gap / 2;
    int bottom = a->h - m->pad - m->target - m->gap;
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    int room = (bottom - y) / slh;
    if (room > 0)
        para(a, FACE_REGULAR, m->small, C_TEXT, x, y, w, tr(a->lang, S_RS_FP_NOTE), room);
    const char *go = tr(a->lang, S_RS_CONTINUE);
    int bw = ui_width(a, FACE_BOLD, m->body, go) + 4 * m->pad;
    ui_button(a, (SDL_Rect){x + w - bw, a->h - m->pad - m->target, bw, m->target}, go,
              ACT_RESTORE_DONE, 0, C_RED, C_WHITE, 1);
}

void restore_draw(App *a)
{
    const Metrics *m = &a->m;
    RestoreState *rs = &a->rs;
    int band_h = m->target + m->pad;
    int ok = rs->tried && rs->res.outcome == RESTORE_DONE;
    ui_header(a, (SDL_Rect){0, 0, a->w, band_h}, !ok, tr(a->lang, S_FR_RESTORE), NULL);
    int x, w;
    ui_column(a, 180, &x, &w);
    int y = band_h + m->gap;
    if (ok) {
        done_draw(a, x, y, w);
        return;
    }
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    if (!rs->tried) { /* what to do; after a failure, why instead (room for the files) */
        y += para(a, FACE_REGULAR, m->body, C_TEXT, x, y, w, tr(a->lang, S_RS_INTRO), 2) +
             m->gap / 2;
    } else { /* why the last try failed: nothing was changed */
        y += para(a, FACE_BOLD, m->body, C_OVERDUE, x, y, w, tr(a->lang, why(rs->res.outcome)), 3);
        char detail[400];
        snprintf(detail, sizeof detail, tr(a->lang, S_RS_DETAIL_FMT), rs->res.msg);
        y += para(a, FACE_REGULAR, m->small, C_TEXT2, x, y, w, detail, 1) + m->gap / 2;
    }
    /* 重新查找 at the bottom; the files between. */
    const char *again = tr(a->lang, S_RS_SCAN);
    int aw = ui_width(a, FACE_BOLD, m->body, again) + 4 * m->pad;
    SDL_Rect scan = {x, a->h - m->pad - m->target, aw, m->target};
    ui_button(a, scan, again, ACT_RESTORE_SCAN, 0, C_WHITE, C_RED, 1);
    int bottom = scan.y - m->gap;
    if (rs->listed != 1 || rs->files.n == 0) {
        char msg[400];
        if (rs->listed == 3)
            snprintf(msg, sizeof msg, tr(a->lang, S_RS_LIST_FAILED_FMT), rs->list_msg);
        else
            snprintf(msg, sizeof msg, "%s",
                     tr(a->lang, rs->listed == 2 ? S_RS_NO_STICK : S_RS_EMPTY));
        para(a, FACE_BOLD, m->body, C_TEXT, x, y, w, msg, 3);
        return;
    }
    int shown = 0;
    for (int i = 0; i < rs->files.n; i++) {
        if (y + m->target > bottom - (i + 1 < rs->files.n ? slh : 0))
            break;
        char label[200];
        snprintf(label, sizeof label, tr(a->lang, S_RS_FILE_FMT), rs->files.v[i].name,
                 (double)rs->files.v[i].size / (1024.0 * 1024.0));
        SDL_Rect r = {x, y, w, m->target};
        ui_control(a, r, rs->files.v[i].name, ACT_RESTORE_FILE, i, 1);
        draw_round(a->r, r, m->radius,
                   rgb(ui_is_pressed(a, ACT_RESTORE_FILE, i) ? 0xF6DADC : C_WHITE));
        ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, x + m->pad,
                    y + (m->target - ui_line_h(a, FACE_REGULAR, m->body)) / 2, w - 2 * m->pad, label);
        y += m->target + m->gap;
        shown++;
    }
    if (shown < rs->files.n || rs->files.more)
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, w, tr(a->lang, S_RS_MORE));
}

/* The passphrase typed on the text screen: 确认 runs the restore. */
int restore_pass_ready(const App *a)
{
    return ime_text_chars(a->kb.text) >= BACKUP_PASS_MIN;
}
