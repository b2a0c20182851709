/*
 * figures.c: 数据图表, the town's figures drawn as simple charts (the
 * workbook's 图表 sheet shows the same): appeals received in each of the
 * last six months by grade, and by how they stand now (solved, open,
 * overdue); the on-time rate of each responsible unit; the excellence rate
 * of each branch in this quarter's evaluation round. Reached from the
 * figures on Home, from the wall's band and from the office's tabs.
 *
 * Columns and bars are plain filled rectangles with their numbers written
 * on them, so the page reads without a legend's colours too. Panels sit in
 * one column, two on a wide screen, and the page scrolls by finger, wheel
 * and keys like a detail.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static const uint32_t STATUS_COLOURS[CS_COUNT] = {C_GREEN, C_BLUE, C_OVERDUE};
static const StrId STATUS_WORDS[CS_COUNT] = {S_CH_SOLVED, S_CH_OPEN, S_CH_OVERDUE};

void figures_open(App *a, ScreenId back)
{
    FigState *f = &a->figs;
    charts_free(&f->c);
    char msg[256];
    f->failed = !a->src->charts || a->src->charts(a->src->ctx, &f->c, msg, sizeof msg) != 0;
    if (f->failed)
        SDL_Log("charts: %s", a->src->charts ? msg : "no source");
    f->scroll = f->vel = 0;
    f->back = back;
    app_go(a, SCR_FIGURES);
}

void figures_reset(App *a)
{
    charts_free(&a->figs.c);
    memset(&a->figs, 0, sizeof a->figs);
}

/* A legend: coloured squares and words in a row; returns its height. */
static int legend(App *a, int x, int y, int n, const uint32_t *colours, const char *const *words)
{
    const Metrics *m = &a->m;
    int lh = ui_line_h(a, FACE_REGULAR, m->small), sq = lh * 2 / 3;
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {x, y + (lh - sq) / 2, sq, sq};
        draw_fill(a->r, r, rgb(colours[i]));
        x += sq + m->pad / 4;
        ui_text(a, FACE_REGULAR, m->small, C_TEXT2, x, y, words[i]);
        x += ui_width(a, FACE_REGULAR, m->small, words[i]) + m->pad;
    }
    return lh;
}

/* Stacked columns, one a month, of k series (values[month][k]); returns
 * the height used. */
static int columns(App *a, SDL_Rect r, const Charts *c, const int *values, int k,
                   const uint32_t *colours)
{
    const Metrics *m = &a->m;
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    int most = 0;
    for (int i = 0; i < c->months; i++) {
        int sum = 0;
        for (int j = 0; j < k; j++)
            sum += values[i * k + j];
        most = sum > most ? sum : most;
    }
    int plot_h = r.h - 2 * slh; /* a total above, the month below */
    int slot = r.w / (c->months ? c->months : 1), cw = slot * 3 / 5;
    int base = r.y + slh + plot_h;
    SDL_Rect axis = {r.x, base, r.w, 2};
    draw_fill(a->r, axis, rgb(C_GREY));
    for (int i = 0; i < c->months; i++) {
        int x = r.x + i * slot + (slot - cw) / 2, y = base, sum = 0;
        for (int j = 0; j < k; j++) {
            int v = values[i * k + j];
            int h = most ? (int)((long long)v * plot_h / most) : 0;
            SDL_Rect seg = {x, y - h, cw, h};
            draw_fill(a->r, seg, rgb(colours[j]));
            y -= h;
            sum += v;
        }
        char n[16];
        snprintf(n, sizeof n, "%d", sum);
        SDL_Rect top = {x - slot / 5, y - slh, cw + 2 * (slot / 5), slh};
        ui_text_center(a, FACE_BOLD, m->small, C_TEXT, top, n);
        /* "2026-11" as 11月 / Nov: the year is in the page's subtitle */
        int mo = 0;
        sscanf(c->month[i] + 5, "%d", &mo);
        static const char *const en[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        char lab[16];
        if (a->lang == LANG_EN && mo >= 1 && mo <= 12)
            snprintf(lab, sizeof lab, "%s", en[mo - 1]);
        else
            snprintf(lab, sizeof lab, "%d月", mo);
        SDL_Rect under = {r.x + i * slot, base + 2, slot, slh};
        ui_text_center(a, FACE_REGULAR, m->small, C_TEXT2, under, lab);
    }
    return r.h;
}

/* Horizontal bars of rates (0 to 1), labels on the left; returns the
 * height used. */
static int rate_bars(App *a, int x, int y, int w, const ChartBar *v, int n)
{
    const Metrics *m = &a->m;
    int slh = ui_line_h(a, FACE_REGULAR, m->small), row = slh + m->gap / 2;
    if (n == 0) {
        ui_text(a, FACE_REGULAR, m->small, C_TEXT2, x, y, tr(a->lang, S_CH_NONE));
        return slh;
    }
    int lw = w * 2 / 5, pw = ui_width(a, FACE_BOLD, m->small, "100.0%") + m->pad / 2;
    int bw = w - lw - pw;
    for (int i = 0; i < n; i++) {
        int ry = y + i * row;
        ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT, x, ry, lw - m->pad / 2, v[i].label);
        double val = v[i].value < 0 ? 0 : v[i].value > 1 ? 1 : v[i].value;
        SDL_Rect track = {x + lw, ry + slh / 6, bw, slh * 2 / 3};
        draw_fill(a->r, track, rgb(C_CHIP));
        SDL_Rect bar = {track.x, track.y, (int)(bw * val), track.h};
        draw_fill(a->r, bar, rgb(val >= 0.9 ? C_GREEN : val >= 0.6 ? C_BLUE : C_ORANGE));
        char pct[16];
        snprintf(pct, sizeof pct, "%.1f%%", val * 100);
        ui_text(a, FACE_BOLD, m->small, C_TEXT, x + lw + bw + m->pad / 4, ry, pct);
    }
    return n * row;
}

/* A white panel with a title over its chart; returns its height. The
 * chart is drawn by kind: 0 grade columns, 1 status columns, 2 unit bars,
 * 3 branch bars. */
static int panel(App *a, int x, int y, int w, int kind)
{
    const Metrics *m = &a->m;
    const Charts *c = &a->figs.c;
    int blh = ui_line_h(a, FACE_BOLD, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int inner = w - m->pad;
    int chart_h = kind < 2 ? (int)(55 * m->pxmm)
                           : (slh + m->gap / 2) * (kind == 2 ? c->nunits : c->nbranches);
    if (chart_h < slh)
        chart_h = slh;
    int h = m->pad / 2 + blh + m->gap / 2 + (kind < 2 ? slh + m->gap / 2 : 0) + chart_h + m->pad / 2;
    SDL_Rect box = {x, y, w, h};
    draw_round(a->r, box, m->radius * 2, rgb(C_WHITE));
    int ix = x + m->pad / 2, iy = y + m->pad / 2;
    char title[160];
    if (kind == 3)
        snprintf(title, sizeof title, tr(a->lang, S_CH_BRANCHES_FMT), c->round);
    else
        snprintf(title, sizeof title, "%s",
                 tr(a->lang, kind == 0 ? S_CH_GRADES : kind == 1 ? S_CH_STATUS : S_CH_UNITS));
    ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, ix, iy, inner, title);
    iy += blh + m->gap / 2;
    if (kind == 0) { /* green, blue, orange, then the ungraded, bottom up */
        const uint32_t order_c[GRADE_COUNT] = {C_GREEN, C_BLUE, C_ORANGE, C_GREY};
        const char *order_w[GRADE_COUNT] = {grade_word(a, GRADE_GREEN), grade_word(a, GRADE_BLUE),
                                            grade_word(a, GRADE_ORANGE), grade_word(a, GRADE_NONE)};
        iy += legend(a, ix, iy, GRADE_COUNT, order_c, order_w) + m->gap / 2;
        int v[CHART_MONTHS * GRADE_COUNT];
        for (int i = 0; i < c->months; i++)
            for (int g = 0; g < GRADE_COUNT; g++)
                v[i * GRADE_COUNT + g] = c->by_grade[i][g == 3 ? GRADE_NONE : g + 1];
        columns(a, (SDL_Rect){ix, iy, inner, chart_h}, c, v, GRADE_COUNT, order_c);
    } else if (kind == 1) {
        const char *words[CS_COUNT];
        for (int s = 0; s < CS_COUNT; s++)
            words[s] = tr(a->lang, STATUS_WORDS[s]);
        iy += legend(a, ix, iy, CS_COUNT, STATUS_COLOURS, words) + m->gap / 2;
        columns(a, (SDL_Rect){ix, iy, inner, chart_h}, c, &c->by_status[0][0], CS_COUNT,
                STATUS_COLOURS);
    } else {
        rate_bars(a, ix, iy, inner, kind == 2 ? c->units : c->branches,
                  kind == 2 ? c->nunits : c->nbranches);
    }
    return h;
}

static int two_cols(const App *a)
{
    return a->w >= (int)(220 * a->m.pxmm);
}

void figures_scroll_by(App *a, double dy)
{
    FigState *f = &a->figs;
    int band_h = a->m.target + a->m.pad;
    ui_scroll(a, &f->scroll, &f->vel, f->content_h - (a->h - band_h), dy);
}

void figures_draw(App *a)
{
    const Metrics *m = &a->m;
    FigState *f = &a->figs;
    app_load_figures(a);
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    char sub[160];
    snprintf(sub, sizeof sub, "%s · %s", a->fig.town ? a->fig.town : "", a->fig.today);
    ui_header(a, band, 1, tr(a->lang, S_CH_TITLE), sub);
    SDL_Rect area = {0, band_h, a->w, a->h - band_h};
    if (f->failed) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area, tr(a->lang, S_LOAD_FAILED));
        return;
    }
    int x, w;
    ui_column(a, two_cols(a) ? 320 : 180, &x, &w);
    SDL_RenderSetClipRect(a->r, &area);
    int y0 = band_h + m->gap - (int)f->scroll;
    if (two_cols(a)) {
        int cw = (w - m->gap) / 2;
        int h0 = panel(a, x, y0, cw, 0), h1 = panel(a, x + cw + m->gap, y0, cw, 1);
        int y1 = y0 + (h0 > h1 ? h0 : h1) + m->gap;
        int h2 = panel(a, x, y1, cw, 2), h3 = panel(a, x + cw + m->gap, y1, cw, 3);
        f->content_h = y1 + (h2 > h3 ? h2 : h3) + m->gap - y0 + m->gap;
    } else {
        int y = y0;
        for (int k = 0; k < 4; k++)
            y += panel(a, x, y, w, k) + m->gap;
        f->content_h = y - y0 + m->gap;
    }
    SDL_RenderSetClipRect(a->r, NULL);
}
