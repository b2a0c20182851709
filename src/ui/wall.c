/*
 * wall.c: the echo wall. Cards of appeals in one to three columns, the
 * hall's own first and the whole town's one tap away, filtered by grade
 * and status, scrolled by finger with a fling that slows by the app's clock.
 *
 * Cards are laid out lazily: a row's line breaks and height are measured
 * the first time it comes near the screen, and kept, so a wall of 10,000
 * appeals opens as fast as one of 10 and scrolling never re-measures. The
 * scroll range beyond the measured rows is an estimate from their average
 * height, corrected as rows are measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_strings checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "domain.h"
#include "ew.h"


void wall_reset(App *a)
{
    WallState *w = &a->wall;
    cardlist_free(&w->list);
    free(w->lay);
    free(w->row_y);
    free(w->row_h);
    memset(w, 0, sizeof *w); /* a new villager starts on the hall's own appeals */
    w->grade = -1;
}

static void load(App *a)
{
    WallState *w = &a->wall;
    if (w->loaded)
        return;
    cardlist_free(&w->list);
    free(w->lay);
    w->lay = NULL;
    char msg[256];
    WallQuery q = {NULL, w->grade, STATUS_FILTERS[w->status], 0};
    if (!w->scope_town && a->fig.hall[0])
        q.hall = a->fig.hall;
    w->failed = a->src->cards(a->src->ctx, &q, &w->list, msg, sizeof msg) != 0;
    if (w->failed)
        SDL_Log("wall: %s", msg);
    if (w->list.n)
        w->lay = ew_xcalloc((size_t)w->list.n, sizeof *w->lay);
    w->measured = 0;
    w->loaded = 1;
    w->vel = 0;
}

/* Geometry shared by measuring and drawing. */
typedef struct CardGeo {
    int inner_x, inner_w; /* text column, relative to the card */
    int line1, blh, slh;  /* first row, body and small line heights */
} CardGeo;

static CardGeo geo(App *a, int cw)
{
    CardGeo g;
    g.inner_x = a->m.bar + a->m.pad;
    g.inner_w = cw - g.inner_x - a->m.pad;
    g.blh = ui_line_h(a, FACE_REGULAR, a->m.body);
    g.slh = ui_line_h(a, FACE_REGULAR, a->m.small);
    g.line1 = ui_line_h(a, FACE_BOLD, a->m.small) + a->m.pad / 2;
    return g;
}

static void measure_card(App *a, int i, const CardGeo *g)
{
    const Card *c = &a->wall.list.cards[i];
    CardLayout *l = &a->wall.lay[i];
    const char *body = c->text ? c->text : tr(a->lang, S_PENDING_TEXT);
    l->ntext = ui_break(a, FACE_REGULAR, a->m.body, body, g->inner_w, 3, l->text, 3);
    l->nans = 0;
    if (c->answer && strcmp(c->status, "solved") == 0) {
        char ans[2048];
        snprintf(ans, sizeof ans, "%s%s", tr(a->lang, S_ANSWER), c->answer);
        l->nans = ui_break(a, FACE_REGULAR, a->m.small, ans, g->inner_w - a->m.pad, 2, l->ans, 2);
    }
    int h = a->m.pad + g->line1 + a->m.gap / 2 + l->ntext * g->blh + a->m.gap / 3 + 2 * g->slh +
            a->m.pad;
    if (l->nans)
        h += a->m.gap / 2 + l->nans * g->slh + a->m.pad / 2;
    l->h = h;
}

static void layout_columns(App *a)
{
    WallState *w = &a->wall;
    double wmm = a->w / a->m.pxmm;
    int cols = a->w > a->h ? (int)(wmm / 105.0) : 1;
    if (cols < 1)
        cols = 1;
    if (cols > 3)
        cols = 3;
    if (cols != w->cols || w->measured == 0) {
        w->cols = cols;
        w->col_w = (a->w - 2 * a->m.pad - (cols - 1) * a->m.gap) / cols;
        w->rows = (w->list.n + cols - 1) / cols;
        free(w->row_y);
        free(w->row_h);
        w->row_y = w->rows ? ew_xcalloc((size_t)w->rows, sizeof *w->row_y) : NULL;
        w->row_h = w->rows ? ew_xcalloc((size_t)w->rows, sizeof *w->row_h) : NULL;
        w->measured = 0;
    }
}

/* Measures rows until their bottom passes y (content coordinates). */
static void measure_to(App *a, double y)
{
    WallState *w = &a->wall;
    CardGeo g = geo(a, w->col_w);
    while (w->measured < w->rows) {
        int r = w->measured;
        int top = r == 0 ? 0 : w->row_y[r - 1] + w->row_h[r - 1] + a->m.gap;
        if (r > 0 && top > y)
            break;
        int h = 0;
        for (int c = 0; c < w->cols; c++) {
            int i = r * w->cols + c;
            if (i >= w->list.n)
                break;
            measure_card(a, i, &g);
            if (w->lay[i].h > h)
                h = w->lay[i].h;
        }
        w->row_y[r] = top;
        w->row_h[r] = h;
        w->measured++;
    }
}

static double content_h(const App *a)
{
    const WallState *w = &a->wall;
    if (w->measured == 0)
        return 0;
    int last = w->measured - 1;
    double end = w->row_y[last] + w->row_h[last];
    if (w->measured < w->rows)
        end += (end / w->measured) * (w->rows - w->measured);
    return end + a->m.pad;
}

static double max_scroll(const App *a)
{
    double m = content_h(a) - (a->h - a->wall.top);
    return m > 0 ? m : 0;
}

void wall_scroll_by(App *a, double dy)
{
    WallState *w = &a->wall;
    w->scroll += dy;
    measure_to(a, w->scroll + 2.0 * a->h);
    double mx = max_scroll(a);
    if (w->scroll > mx) {
        w->scroll = mx;
        w->vel = 0;
    }
    if (w->scroll < 0) {
        w->scroll = 0;
        w->vel = 0;
    }
    a->dirty = 1;
}

void wall_open_card(App *a, int index)
{
    if (index < 0 || index >= a->wall.list.n)
        return;
    detail_open(a, a->wall.list.cards[index].code);
}

/* A small rounded label with text; returns its width. */
static int chip(App *a, int x, int y, int h, const char *s, uint32_t bg, uint32_t fg, Face f,
                const char *icon_cat)
{
    int px = a->m.small;
    int icon = icon_cat ? h - a->m.pad / 2 : 0;
    int w = ui_width(a, f, px, s) + a->m.pad + (icon ? icon + a->m.pad / 4 : 0);
    SDL_Rect r = {x, y, w, h};
    draw_round(a->r, r, a->m.radius, rgb(bg));
    int tx = x + a->m.pad / 2;
    if (icon) {
        SDL_Rect ir = {tx - a->m.pad / 6, y + (h - icon) / 2, icon, icon};
        ui_icon(a, icon_cat, ir, fg);
        tx += icon + a->m.pad / 4 - a->m.pad / 6;
    }
    ui_text(a, f, px, fg, tx, y + (h - ui_line_h(a, f, px)) / 2, s);
    return w;
}

static void limit_line(App *a, const Card *c, char *out, size_t n, int *red)
{
    *red = 0;
    if (strcmp(c->status, "solved") == 0) {
        char lim[64] = "";
        if (c->limit_days > 0)
            snprintf(lim, sizeof lim, tr(a->lang, S_LIMIT_DAYS_FMT), c->limit_days);
        snprintf(out, n, "%s%s%s", lim, lim[0] ? " · " : "",
                 tr(a->lang, c->solved_late ? S_SOLVED_LATE : S_SOLVED_ON_TIME));
        return;
    }
    if (!c->due[0]) {
        snprintf(out, n, "%s", tr(a->lang, S_NOT_GRADED_YET));
        return;
    }
    char due[64];
    snprintf(due, sizeof due, tr(a->lang, S_DUE_FMT), c->due + 5); /* MM-DD */
    char rest[64];
    if (c->overdue_days > 0) {
        snprintf(rest, sizeof rest, tr(a->lang, S_OVERDUE_FMT), c->overdue_days);
        *red = 1;
    } else if (c->days_left == 0) {
        snprintf(rest, sizeof rest, "%s", tr(a->lang, S_DUE_TODAY));
    } else {
        snprintf(rest, sizeof rest, tr(a->lang, S_DAYS_LEFT_FMT), c->days_left);
    }
    snprintf(out, n, "%s · %s", due, rest);
}

static void draw_card(App *a, int i, SDL_Rect r, const CardGeo *g)
{
    const Card *c = &a->wall.list.cards[i];
    const CardLayout *l = &a->wall.lay[i];
    const Metrics *m = &a->m;
    ui_control(a, r, c->code, ACT_CARD, i, 1);
    int pressed = ui_is_pressed(a, ACT_CARD, i);
    draw_shadow(a->r, r, m->radius * 2, 3);
    draw_barred(a->r, r, m->radius * 2, m->bar, rgb(grade_colour(c->grade)),
                rgb(pressed ? 0xE6E9EE : C_WHITE));

    int x = r.x + g->inner_x, y = r.y + m->pad;
    int ch = g->line1 - m->pad / 4;
    /* Row 1: code, category, grade; status on the right. */
    int clh = ui_line_h(a, FACE_MONO, m->code);
    ui_text(a, FACE_MONO, m->code, C_TEXT, x, y + (ch - clh) / 2, c->code);
    int cx = x + ui_width(a, FACE_MONO, m->code, c->code) + m->gap / 2;
    const char *status = status_word(a, c->status);
    int sw = ui_width(a, FACE_BOLD, m->small, status) + m->pad;
    int right = r.x + r.w - m->pad;
    SDL_Rect st = {right - sw, y, sw, ch};
    draw_round(a->r, st, m->radius, rgb(status_colour(c->status)));
    ui_text_center(a, FACE_BOLD, m->small, C_WHITE, st, status);
    const char *cat = c->category ? c->category : "other";
    const Term *t = domain_find(DOMAIN_CATEGORIES, cat);
    const char *catw = t ? (a->lang == LANG_EN ? t->en : t->zh) : cat;
    int room = st.x - m->gap / 2 - cx;
    int catw_px = ui_width(a, FACE_REGULAR, m->small, catw) + m->pad + ch;
    if (catw_px <= room) {
        cx += chip(a, cx, y, ch, catw, C_CHIP, C_TEXT2, FACE_REGULAR, cat) + m->gap / 2;
        const char *gw = grade_word(a, c->grade);
        if (cx + ui_width(a, FACE_BOLD, m->small, gw) <= st.x - m->gap / 2)
            ui_text(a, FACE_BOLD, m->small, grade_colour(c->grade) == C_GREY ? C_TEXT2
                                                                              : grade_colour(c->grade),
                    cx, y + (ch - ui_line_h(a, FACE_BOLD, m->small)) / 2, gw);
    }
    y += g->line1 + m->gap / 2;
    /* The text, or the note that it awaits review. */
    const char *body = c->text ? c->text : tr(a->lang, S_PENDING_TEXT);
    ui_lines(a, FACE_REGULAR, m->body, c->text ? C_TEXT : C_TEXT2, x, y, g->blh, body, l->text,
             l->ntext);
    y += l->ntext * g->blh + m->gap / 3;
    /* Who handles it. */
    char who[512];
    if (c->member || c->unit)
        snprintf(who, sizeof who, "%s%s   %s%s", tr(a->lang, S_MEMBER),
                 c->member ? c->member : "—", tr(a->lang, S_UNIT), c->unit ? c->unit : "—");
    else
        snprintf(who, sizeof who, "%s%s", tr(a->lang, S_MEMBER), tr(a->lang, S_NONE_YET));
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, g->inner_w, who);
    y += g->slh;
    char lim[160];
    int red;
    limit_line(a, c, lim, sizeof lim, &red);
    if (red) {
        /* "时限 05-24 · " in grey, the overdue words in bold red. */
        char *dot = strstr(lim, " · ");
        if (dot) {
            *dot = 0;
            ui_text(a, FACE_REGULAR, m->small, C_TEXT2, x, y, lim);
            int w1 = ui_width(a, FACE_REGULAR, m->small, lim);
            ui_text(a, FACE_REGULAR, m->small, C_TEXT2, x + w1, y, " · ");
            int w2 = ui_width(a, FACE_REGULAR, m->small, " · ");
            ui_text(a, FACE_BOLD, m->small, C_OVERDUE, x + w1 + w2, y, dot + 3);
        }
    } else {
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, g->inner_w, lim);
    }
    y += g->slh;
    if (l->nans) {
        char ans[2048];
        snprintf(ans, sizeof ans, "%s%s", tr(a->lang, S_ANSWER), c->answer);
        y += m->gap / 2;
        SDL_Rect box = {x, y - m->pad / 4, g->inner_w, l->nans * g->slh + m->pad / 2};
        draw_round(a->r, box, m->radius, rgb(C_ANSWER));
        ui_lines(a, FACE_REGULAR, m->small, 0x1E5E32, x + m->pad / 2, y, g->slh, ans, l->ans,
                 l->nans);
    }
}

static void toolbar(App *a, int y, int h)
{
    WallState *w = &a->wall;
    const Metrics *m = &a->m;
    int x = m->pad;
    if (a->fig.hall[0]) {
        const char *hall = tr(a->lang, S_SCOPE_HALL), *town = tr(a->lang, S_SCOPE_TOWN);
        SDL_Rect r1 = {x, y, ui_chip_w(a, hall), h};
        ui_chip(a, r1, hall, ACT_SCOPE, 0, !w->scope_town);
        x += r1.w + m->gap;
        SDL_Rect r2 = {x, y, ui_chip_w(a, town), h};
        ui_chip(a, r2, town, ACT_SCOPE, 1, w->scope_town);
        x += r2.w + m->gap;
    }
    char g[96], s[96];
    snprintf(g, sizeof g, tr(a->lang, S_FILTER_FMT), tr(a->lang, S_FILTER_GRADE),
             w->grade < 0 ? tr(a->lang, S_ALL) : grade_word(a, w->grade));
    snprintf(s, sizeof s, tr(a->lang, S_FILTER_FMT), tr(a->lang, S_FILTER_STATUS),
             w->status == 0 ? tr(a->lang, S_ALL) : status_word(a, STATUS_FILTERS[w->status]));
    SDL_Rect rg = {x, y, ui_chip_w(a, g), h};
    ui_chip(a, rg, g, ACT_PICK_GRADE, 0, 0);
    x += rg.w + m->gap;
    SDL_Rect rs = {x, y, ui_chip_w(a, s), h};
    ui_chip(a, rs, s, ACT_PICK_STATUS, 0, 0);
    x += rs.w + m->gap;
    char count[64];
    snprintf(count, sizeof count, tr(a->lang, S_COUNT_FMT), w->list.n);
    int cw = ui_width(a, FACE_REGULAR, m->body, count);
    if (x + cw <= a->w - m->pad)
        ui_text(a, FACE_REGULAR, m->body, C_TEXT2, a->w - m->pad - cw,
                y + (h - ui_line_h(a, FACE_REGULAR, m->body)) / 2, count);
}

void wall_draw(App *a)
{
    WallState *w = &a->wall;
    const Metrics *m = &a->m;
    app_load_figures(a); /* the hall code and the town name */
    load(a);
    layout_columns(a);
    int band_h = m->target + m->pad;
    char sub[256];
    snprintf(sub, sizeof sub, tr(a->lang, S_TOWN_WALL_FMT), a->fig.town ? a->fig.town : "");
    double wmm = a->w / m->pxmm;
    /* 评议结果 and 数据图表 on the band's right, when there are such to show. */
    int rbw = a->src->results ? ui_width(a, FACE_BOLD, m->body, tr(a->lang, S_RESULTS)) + 3 * m->pad
                              : 0;
    int cbw = a->src->charts ? ui_width(a, FACE_BOLD, m->body, tr(a->lang, S_CH_TITLE)) + 3 * m->pad
                             : 0;
    int right_w = (rbw ? rbw + m->pad : 0) + (cbw ? cbw + m->pad : 0);
    SDL_Rect text_band = {0, 0, a->w - right_w, band_h};
    ui_header(a, text_band, 1, tr(a->lang, S_APP_TITLE), wmm >= 250 ? NULL : sub);
    SDL_Rect rest = {text_band.w, 0, a->w - text_band.w, band_h};
    draw_fill(a->r, rest, rgb(C_RED));
    int bx = a->w;
    if (rbw) {
        bx -= m->pad + rbw;
        SDL_Rect b = {bx, (band_h - m->target) / 2, rbw, m->target};
        ui_button(a, b, tr(a->lang, S_RESULTS), ACT_RESULTS, 0, 0x961720, C_WHITE, 1);
    }
    if (cbw) {
        bx -= m->pad + cbw;
        SDL_Rect b = {bx, (band_h - m->target) / 2, cbw, m->target};
        ui_button(a, b, tr(a->lang, S_CH_TITLE), ACT_FIGURES, 0, 0x961720, C_WHITE, 1);
    }
    if (wmm >= 250) {
        int fpx = m->heading, lpx = m->body;
        int fy = (band_h - ui_line_h(a, FACE_BOLD, fpx)) / 2;
        ui_figures(a, bx - m->pad, fy, fpx, lpx);
    }
    int ty = band_h + m->gap / 2;
    toolbar(a, ty, m->target);
    w->top = ty + m->target + m->gap;

    SDL_Rect area = {0, w->top, a->w, a->h - w->top};
    if (w->failed || w->list.n == 0) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       tr(a->lang, w->failed ? S_LOAD_FAILED : S_EMPTY_WALL));
        return;
    }
    measure_to(a, w->scroll + 2.0 * a->h);
    if (w->scroll > max_scroll(a))
        w->scroll = max_scroll(a);
    SDL_RenderSetClipRect(a->r, &area);
    CardGeo g = geo(a, w->col_w);
    /* First row whose bottom is below the top of the area. */
    int lo = 0, hi = w->measured - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (w->row_y[mid] + w->row_h[mid] < w->scroll)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int r = lo; r < w->measured; r++) {
        int y = w->top + w->row_y[r] - (int)w->scroll;
        if (y >= a->h)
            break;
        for (int c = 0; c < w->cols; c++) {
            int i = r * w->cols + c;
            if (i >= w->list.n)
                break;
            SDL_Rect rc = {m->pad + c * (w->col_w + m->gap), y, w->col_w, w->row_h[r]};
            draw_card(a, i, rc, &g);
        }
    }
    SDL_RenderSetClipRect(a->r, NULL);
    /* A thin scroll indicator. */
    double mx = max_scroll(a);
    if (mx > 0) {
        int track = area.h - 2 * m->pad;
        int th = (int)(track * (area.h / (mx + area.h)));
        if (th < m->target / 2)
            th = m->target / 2;
        int ty2 = area.y + m->pad + (int)((track - th) * (w->scroll / mx));
        SDL_Rect bar = {a->w - m->pad / 2 - 3, ty2, 6, th};
        draw_round(a->r, bar, 3, rgba(0x000000, 60));
    }
}
