/*
 * home.c: the Home screen. A red band with the town, the hall and today's
 * date, the town's running figures, four big tiles, and when there is room
 * a quiet attract panel that turns every 8 s (by the app's clock) between
 * the figures and recently solved appeals. The hall's name answers a 3 s
 * press-and-hold with the staff PIN pad.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_strings checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "clock.h"

#define ATTRACT_MS 8000

static void date_line(App *a, char *out, size_t n)
{
    int64_t day;
    if (!a->fig.today[0] || clock_parse_day(a->fig.today, &day) != 0) {
        out[0] = 0;
        return;
    }
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    int wd = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    static const char *const zh[7] = {"日", "一", "二", "三", "四", "五", "六"};
    static const char *const en[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    if (a->lang == LANG_ZH)
        snprintf(out, n, "%d年%d月%d日 星期%s", y, m, d, zh[wd]);
    else
        snprintf(out, n, "%s %04d-%02d-%02d", en[wd], y, m, d);
}

static void tile(App *a, SDL_Rect r, int i)
{
    static const StrId title[4] = {S_TILE_WALL, S_TILE_EVAL, S_TILE_APPEAL, S_TILE_TRACK};
    static const StrId sub[4] = {S_TILE_WALL_SUB, S_TILE_EVAL_SUB, S_TILE_APPEAL_SUB,
                                 S_TILE_TRACK_SUB};
    const char *label = tr(a->lang, title[i]);
    ui_control(a, r, label, ACT_TILE, i, 1);
    int pressed = ui_is_pressed(a, ACT_TILE, i);
    draw_shadow(a->r, r, a->m.radius * 2, 3);
    uint32_t bg = i == 0 ? C_RED : C_WHITE;
    if (pressed)
        bg = i == 0 ? 0x8E141C : 0xE2E5EA;
    draw_round(a->r, r, a->m.radius * 2, rgb(bg));
    if (i != 0) {
        SDL_Rect strip = {r.x, r.y + a->m.radius * 2, a->m.bar * 2, r.h - a->m.radius * 4};
        draw_fill(a->r, strip, rgb(C_RED));
    }
    uint32_t fg = i == 0 ? C_WHITE : C_RED;
    uint32_t fg2 = i == 0 ? 0xF6DADC : C_TEXT2;
    int hpx = r.h > 45 * a->m.pxmm ? a->m.heading * 4 / 3 : a->m.heading; /* big tiles, big words */
    int lh = ui_line_h(a, FACE_BOLD, hpx);
    int slh = ui_line_h(a, FACE_REGULAR, a->m.small);
    int inner = r.w - 2 * a->m.pad - a->m.bar * 2;
    while (ui_width(a, FACE_BOLD, hpx, label) > inner && hpx > a->m.body)
        hpx--;
    lh = ui_line_h(a, FACE_BOLD, hpx);
    LineSpan sl[2];
    int ns = r.h >= lh + 2 * slh + 2 * a->m.pad ? 2 : r.h >= lh + slh + a->m.pad ? 1 : 0;
    const char *s = tr(a->lang, sub[i]);
    ns = ns ? ui_break(a, FACE_REGULAR, a->m.small, s, inner, ns, sl, 2) : 0;
    int total = lh + ns * slh;
    int x = r.x + a->m.pad + a->m.bar * 2, y = r.y + (r.h - total) / 2;
    ui_text(a, FACE_BOLD, hpx, fg, x, y, label);
    ui_lines(a, FACE_REGULAR, a->m.small, fg2, x, y + lh, slh, s, sl, ns);
}

/* One recently solved appeal in the attract panel, at y; returns its height. */
static int recent_item(App *a, const Card *c, int x, int y, int w, int max_h)
{
    int blh = ui_line_h(a, FACE_REGULAR, a->m.body), slh = ui_line_h(a, FACE_REGULAR, a->m.small);
    int y0 = y;
    ui_text(a, FACE_MONO, a->m.code, C_TEXT, x, y, c->code);
    int cx = x + ui_width(a, FACE_MONO, a->m.code, c->code) + a->m.gap;
    ui_text_fit(a, FACE_REGULAR, a->m.small, C_TEXT2, cx, y, x + w - cx,
                c->hall_name ? c->hall_name : "");
    y += slh;
    const char *body = c->text ? c->text : tr(a->lang, S_PENDING_TEXT);
    LineSpan ls[2];
    int n = ui_break(a, FACE_REGULAR, a->m.body, body, w, max_h >= 4 * blh ? 2 : 1, ls, 2);
    ui_lines(a, FACE_REGULAR, a->m.body, c->text ? C_TEXT : C_TEXT2, x, y, blh, body, ls, n);
    y += n * blh;
    if (c->answer && y + slh + a->m.pad / 2 <= y0 + max_h) {
        char ans[1024];
        snprintf(ans, sizeof ans, "%s%s", tr(a->lang, S_ANSWER), c->answer);
        SDL_Rect box = {x, y + a->m.pad / 6, w, slh + a->m.pad / 3};
        draw_round(a->r, box, a->m.radius, rgb(C_ANSWER));
        ui_text_fit(a, FACE_REGULAR, a->m.small, 0x1E5E32, x + a->m.pad / 3, y + a->m.pad / 3,
                    w - a->m.pad * 2 / 3, ans);
        y += box.h + a->m.pad / 6;
    }
    return y - y0;
}

/* The attract panel: the figures, then pages of recently solved appeals. */
static void attract(App *a, SDL_Rect r)
{
    int blh = ui_line_h(a, FACE_REGULAR, a->m.body), slh = ui_line_h(a, FACE_REGULAR, a->m.small);
    int item_h = slh + 2 * blh + slh + a->m.pad / 2 + a->m.gap;
    int inner_h = r.h - 2 * a->m.pad - blh - a->m.gap / 2;
    int per_page = inner_h / item_h > 0 ? inner_h / item_h : 1;
    int nrecent = a->recent.n < RECENT_MAX ? a->recent.n : RECENT_MAX;
    int pages = 1 + (nrecent + per_page - 1) / per_page;
    int page = (int)((a->now / ATTRACT_MS) % pages);
    a->attract_page = (int)((a->now / ATTRACT_MS) & 0x7fffffff);
    draw_shadow(a->r, r, a->m.radius * 2, 3);
    draw_round(a->r, r, a->m.radius * 2, rgb(C_WHITE));
    int x = r.x + a->m.pad, y = r.y + a->m.pad, w = r.w - 2 * a->m.pad;
    if (page == 0) {
        const int vals[4] = {a->fig.meetings, a->fig.appeals, a->fig.solved, a->fig.overdue};
        const StrId labs[4] = {S_FIG_MEETINGS, S_FIG_APPEALS, S_FIG_SOLVED, S_FIG_OVERDUE};
        const uint32_t cols[4] = {C_RED, C_RED, C_GREEN, C_OVERDUE};
        int cw = w / 2, ch = (r.h - 2 * a->m.pad) / 2;
        int fpx = ch / 2 < (int)(16 * a->m.pxmm) ? ch / 2 : (int)(16 * a->m.pxmm);
        if (fpx < a->m.body)
            fpx = a->m.body;
        int flh = ui_line_h(a, FACE_BOLD, fpx);
        while (flh + blh > ch && fpx > a->m.body) {
            fpx -= 2;
            flh = ui_line_h(a, FACE_BOLD, fpx);
        }
        for (int i = 0; i < 4; i++) {
            char num[16];
            snprintf(num, sizeof num, "%d", vals[i]);
            int cx = x + (i % 2) * cw, cy = y + (i / 2) * ch + (ch - flh - blh) / 2;
            ui_text(a, FACE_BOLD, fpx, cols[i], cx, cy, num);
            ui_text(a, FACE_REGULAR, a->m.body, C_TEXT2, cx, cy + flh, tr(a->lang, labs[i]));
        }
        return;
    }
    ui_text(a, FACE_BOLD, a->m.body, C_GREEN, x, y, tr(a->lang, S_RECENT_SOLVED));
    y += blh + a->m.gap / 2;
    int bottom = r.y + r.h - a->m.pad;
    for (int i = (page - 1) * per_page; i < nrecent && i < page * per_page; i++) {
        if (y + slh + blh > bottom)
            break;
        y += recent_item(a, &a->recent.cards[i], x, y, w, bottom - y) + a->m.gap;
    }
}

void home_draw(App *a)
{
    app_load_figures(a);
    const Metrics *m = &a->m;
    double hmm = a->h / m->pxmm, wmm = a->w / m->pxmm;
    int compact = hmm < 110; /* 800x480: one row of header */
    int tlh = ui_line_h(a, FACE_BOLD, m->title);
    int flh = ui_line_h(a, FACE_BOLD, m->figure);
    int band_h = compact ? tlh + m->pad : tlh + flh + 2 * m->pad;
    SDL_Rect band = {m->pad, m->pad, a->w - 2 * m->pad, band_h};
    draw_round(a->r, band, m->radius * 2, rgb(C_RED));
    int x = band.x + m->pad * 3 / 2, y = band.y + (compact ? m->pad / 2 : m->pad);
    const char *title = tr(a->lang, S_APP_TITLE);
    ui_text(a, FACE_BOLD, m->title, C_WHITE, x, y, title);
    int tw = ui_width(a, FACE_BOLD, m->title, title);
    /* The hall's name: press and hold 3 s for staff. */
    char sub[256];
    if (a->fig_failed)
        snprintf(sub, sizeof sub, "%s", tr(a->lang, S_LOAD_FAILED));
    else if (!a->fig.enrolled) /* a blank kiosk: its first stick enrols it */
        snprintf(sub, sizeof sub, "%s", tr(a->lang, S_NOT_ENROLLED));
    else
        snprintf(sub, sizeof sub, "%s%s%s", a->fig.town ? a->fig.town : "",
                 a->fig.hall_name ? " · " : "", a->fig.hall_name ? a->fig.hall_name : "");
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    int sx = x + tw + m->pad;
    char date[64];
    date_line(a, date, sizeof date);
    int dw = ui_width(a, FACE_REGULAR, m->body, date);
    int sub_max = band.x + band.w - sx - m->pad - (compact ? 0 : dw + m->pad);
    if (!compact) { /* on a small screen the town and hall go to the footer */
        int sw = ui_text_fit(a, FACE_REGULAR, m->body, 0xF6DADC, sx, y + tlh - blh - tlh / 8,
                             sub_max, sub);
        SDL_Rect hold = {band.x, band.y, sx + sw - band.x, band_h}; /* title and hall */
        ui_control(a, hold, "", ACT_STAFF_HOLD, 0, 1);
    } else {
        SDL_Rect hold = {band.x, band.y, x + tw - band.x, band_h}; /* the title */
        ui_control(a, hold, "", ACT_STAFF_HOLD, 0, 1);
    }
    /* The figures open 数据图表: a "›" after them says so. */
    const char *more = "›";
    int fw;
    if (compact) {
        int fpx = m->heading, lpx = m->small;
        int mw = ui_width(a, FACE_BOLD, fpx, more) + m->pad / 2;
        int fy = band.y + (band_h - ui_line_h(a, FACE_BOLD, fpx)) / 2;
        fw = ui_figures(a, band.x + band.w - m->pad - mw, fy, fpx, lpx) + mw;
        ui_text(a, FACE_BOLD, fpx, C_WHITE, band.x + band.w - m->pad - mw + m->pad / 2, fy, more);
    } else {
        ui_text(a, FACE_REGULAR, m->body, 0xF6DADC, band.x + band.w - m->pad - dw, y, date);
        int mw = ui_width(a, FACE_BOLD, m->figure, more) + m->pad / 2;
        fw = ui_figures(a, band.x + band.w - m->pad * 3 / 2 - mw, y + tlh, m->figure,
                        m->heading * 3 / 4) + mw;
        ui_text(a, FACE_BOLD, m->figure, C_WHITE, band.x + band.w - m->pad * 3 / 2 - mw + m->pad / 2,
                y + tlh, more);
    }
    if (a->src->charts) {
        SDL_Rect figs = {band.x + band.w - m->pad * 3 / 2 - fw - m->pad / 2, band.y + (compact ? 0 : tlh),
                         fw + m->pad * 3 / 2, band_h - (compact ? 0 : tlh)};
        if (figs.h < m->target) { /* 12 mm at least, within the band */
            figs.y = band.y + band_h - m->target;
            figs.h = m->target;
        }
        ui_control(a, figs, tr(a->lang, S_CH_TITLE), ACT_FIGURES, 0, 1);
    }

    /* Footer: the date on compact screens, and the last sync. */
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    int foot_y = a->h - m->pad / 2 - slh;
    char sync[160];
    if (a->fig.held)
        snprintf(sync, sizeof sync, "%s", tr(a->lang, S_DB_HELD));
    else if (a->fig.last_sync)
        snprintf(sync, sizeof sync, tr(a->lang, S_LAST_SYNC_FMT), a->fig.last_sync);
    else
        snprintf(sync, sizeof sync, "%s", tr(a->lang, S_NEVER_SYNCED));
    int sync_w = ui_width(a, FACE_REGULAR, m->small, sync);
    ui_text(a, FACE_REGULAR, m->small, C_TEXT2, a->w - m->pad - sync_w, foot_y, sync);
    if (compact) {
        char foot[400];
        snprintf(foot, sizeof foot, "%s  %s", sub, date);
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, m->pad, foot_y,
                    a->w - 3 * m->pad - sync_w, foot);
    }

    /* Tiles, and the attract panel where there is room. */
    int top = band.y + band.h + m->gap, bottom = foot_y - m->gap / 2;
    SDL_Rect grid = {m->pad, top, a->w - 2 * m->pad, bottom - top};
    if (a->h > a->w) { /* portrait: attract above, tiles in the lower half */
        int th = (bottom - top) / 2;
        SDL_Rect att = {m->pad, top, a->w - 2 * m->pad, bottom - top - th - m->gap};
        if (att.h > 3 * blh)
            attract(a, att);
        grid.y = bottom - th;
        grid.h = th;
    } else if (wmm >= 200 && hmm >= 110) {
        int aw = (int)(grid.w * 0.38);
        SDL_Rect att = {m->pad, top, aw, bottom - top};
        attract(a, att);
        grid.x += aw + m->gap;
        grid.w -= aw + m->gap;
    }
    int gw = (grid.w - m->gap) / 2, gh = (grid.h - m->gap) / 2;
    for (int i = 0; i < 4; i++) {
        SDL_Rect r = {grid.x + (i % 2) * (gw + m->gap), grid.y + (i / 2) * (gh + m->gap), gw, gh};
        tile(a, r, i);
    }
}
