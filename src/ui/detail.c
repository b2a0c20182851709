/*
 * detail.c: one appeal with its whole timeline. The content is laid out
 * each frame (it is one appeal) and scrolls by finger like the wall.
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


void detail_reset(App *a)
{
    detail_free(&a->detail.d);
    memset(&a->detail, 0, sizeof a->detail);
}

void detail_open(App *a, const char *code)
{
    char c[16];
    snprintf(c, sizeof c, "%s", code);
    detail_reset(a);
    char msg[256];
    a->detail.failed = a->src->detail(a->src->ctx, c, &a->detail.d, msg, sizeof msg) != 0;
    if (a->detail.failed) {
        SDL_Log("detail %s: %s", c, msg);
        snprintf(a->detail.d.card.code, sizeof a->detail.d.card.code, "%s", c);
    }
    a->detail.loaded = 1;
    app_go(a, SCR_DETAIL);
}

static double max_scroll(const App *a, int area_h)
{
    double m = a->detail.content_h - area_h;
    return m > 0 ? m : 0;
}

void detail_scroll_by(App *a, double dy)
{
    DetailState *d = &a->detail;
    d->scroll += dy;
    int band_h = a->m.target + a->m.pad;
    double mx = max_scroll(a, a->h - band_h);
    if (d->scroll > mx)
        d->scroll = mx, d->vel = 0;
    if (d->scroll < 0)
        d->scroll = 0, d->vel = 0;
    a->dirty = 1;
}

const char *ui_step_words(App *a, const TimeStep *s, const char **detail)
{
    static const struct {
        const char *k;
        StrId id;
    } map[] = {{"new", S_STEP_NEW},         {"grade", S_STEP_GRADE},
               {"assign", S_STEP_ASSIGN},   {"progress", S_STEP_PROGRESS},
               {"escalate", S_STEP_ESCALATE}, {"solve", S_STEP_SOLVE},
               {"reopen", S_STEP_REOPEN},   {"publish", S_STEP_PUBLISH},
               {"redact", S_STEP_REDACT},   {"rate", S_STEP_RATE}};
    *detail = s->detail;
    if (s->detail && s->kind && strcmp(s->kind, "grade") == 0) {
        static const char *const keys[GRADE_COUNT] = {"", "green", "blue", "orange"};
        for (int g = 1; g < GRADE_COUNT; g++)
            if (strcmp(s->detail, keys[g]) == 0)
                *detail = grade_word(a, g);
    }
    for (size_t i = 0; s->kind && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].k, s->kind) == 0)
            return tr(a->lang, map[i].id);
    return tr(a->lang, S_STEP_OTHER);
}

/* Draws wrapped text at (x, y) and returns its height; draw = 0 only measures. */
static int para(App *a, Face f, int px, uint32_t col, int x, int y, int w, const char *s)
{
    LineSpan ls[64];
    int n = ui_break(a, f, px, s, w, 64, ls, 64);
    int lh = ui_line_h(a, f, px);
    ui_lines(a, f, px, col, x, y, lh, s, ls, n);
    return n * lh;
}

/* Under a solved appeal looked up by its code: how it was rated, or the
 * question with 满意 and 不满意 (the slip's rating code comes next). */
static int satisfaction(App *a, int x, int y, int w)
{
    const Metrics *m = &a->m;
    const char *rated = a->detail.d.satisfaction;
    int blh = ui_line_h(a, FACE_BOLD, m->body);
    if (rated) {
        char line[160];
        snprintf(line, sizeof line, tr(a->lang, S_RATED_FMT),
                 tr(a->lang, strcmp(rated, "satisfied") == 0 ? S_SATISFIED : S_UNSATISFIED));
        ui_text(a, FACE_BOLD, m->body, C_TEXT, x, y, line);
        return y + blh + m->gap;
    }
    const char *ask = tr(a->lang, S_RATE_ASK);
    int bw = (int)(40 * m->pxmm);
    int aw = ui_width(a, FACE_BOLD, m->body, ask);
    int row = aw + m->pad + 2 * bw + m->gap <= w; /* the question beside its buttons */
    ui_text(a, FACE_BOLD, m->body, C_TEXT, x, row ? y + (m->target - blh) / 2 : y, ask);
    int by = row ? y : y + blh + m->gap / 2;
    if (!row && 2 * bw + m->gap > w)
        bw = (w - m->gap) / 2;
    int bx = row ? x + w - 2 * bw - m->gap : x;
    SDL_Rect yes = {bx, by, bw, m->target}, no = {bx + bw + m->gap, by, bw, m->target};
    ui_button(a, yes, tr(a->lang, S_SATISFIED), ACT_SATISFY, 1, C_GREEN, C_WHITE, 1);
    ui_button(a, no, tr(a->lang, S_UNSATISFIED), ACT_SATISFY, 0, 0xE8EAED, C_TEXT, 1);
    return by + m->target + m->gap;
}

void detail_draw(App *a)
{
    DetailState *ds = &a->detail;
    const Card *c = &ds->d.card;
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    ui_header(a, band, 1, c->code, ds->failed ? NULL : status_word(a, c->status));
    SDL_Rect area = {0, band_h, a->w, a->h - band_h};
    if (ds->failed) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area, tr(a->lang, S_LOAD_FAILED));
        return;
    }
    SDL_RenderSetClipRect(a->r, &area);
    int cx, cw;
    ui_column(a, 190, &cx, &cw);
    int top = band_h + m->gap - (int)ds->scroll;
    int x = cx + m->bar + m->pad, w = cw - m->bar - 2 * m->pad;
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    /* The card: measured by drawing it once off to the side is wasteful, so
     * its height is computed from the same pieces first. */
    const char *body = c->text ? c->text : tr(a->lang, S_PENDING_TEXT);
    LineSpan tmp[64];
    int nbody = ui_break(a, FACE_REGULAR, m->body, body, w, 64, tmp, 64);
    char ans[2048] = "";
    int nans = 0;
    if (c->answer) {
        snprintf(ans, sizeof ans, "%s%s", tr(a->lang, S_ANSWER), c->answer);
        nans = ui_break(a, FACE_REGULAR, m->body, ans, w - m->pad, 64, tmp, 64);
    }
    int card_h = m->pad + slh + m->gap / 2 + nbody * blh + m->gap / 2 + 2 * slh + m->pad +
                 (nans ? nans * blh + m->pad + m->gap / 2 : 0);
    SDL_Rect card = {cx, top, cw, card_h};
    draw_shadow(a->r, card, m->radius * 2, 3);
    draw_barred(a->r, card, m->radius * 2, m->bar, rgb(grade_colour(c->grade)), rgb(C_WHITE));
    int y = top + m->pad;
    const Term *t = domain_find(DOMAIN_CATEGORIES, c->category ? c->category : "other");
    char facts[512];
    snprintf(facts, sizeof facts, "%s · %s · %s%s%s · %s", t ? (a->lang ? t->en : t->zh) : "",
             grade_word(a, c->grade), c->hall_name ? c->hall_name : c->hall,
             ds->d.grid ? " " : "", ds->d.grid ? ds->d.grid : "", c->created);
    SDL_Rect ir = {x, y, slh, slh};
    ui_icon(a, c->category, ir, C_TEXT2);
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x + slh + m->pad / 3, y, w - slh, facts);
    y += slh + m->gap / 2;
    y += para(a, FACE_REGULAR, m->body, c->text ? C_TEXT : C_TEXT2, x, y, w, body);
    y += m->gap / 2;
    char who[512];
    snprintf(who, sizeof who, "%s%s   %s%s", tr(a->lang, S_MEMBER),
             c->member ? c->member : tr(a->lang, S_NONE_YET), tr(a->lang, S_UNIT),
             c->unit ? c->unit : "—");
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, w, who);
    y += slh;
    char lim[160];
    if (strcmp(c->status, "solved") == 0)
        snprintf(lim, sizeof lim, "%s", tr(a->lang, c->solved_late ? S_SOLVED_LATE : S_SOLVED_ON_TIME));
    else if (!c->due[0])
        snprintf(lim, sizeof lim, "%s", tr(a->lang, S_NOT_GRADED_YET));
    else if (c->overdue_days > 0)
        snprintf(lim, sizeof lim, tr(a->lang, S_OVERDUE_FMT), c->overdue_days);
    else
        snprintf(lim, sizeof lim, tr(a->lang, S_DAYS_LEFT_FMT), c->days_left);
    char due[64] = "";
    if (c->due[0])
        snprintf(due, sizeof due, tr(a->lang, S_DUE_FMT), c->due);
    char line[256];
    snprintf(line, sizeof line, "%s%s%s", due, due[0] ? " · " : "", lim);
    ui_text_fit(a, c->overdue_days > 0 ? FACE_BOLD : FACE_REGULAR, m->small,
                c->overdue_days > 0 ? C_OVERDUE : C_TEXT2, x, y, w, line);
    y += slh;
    if (nans) {
        y += m->gap / 2;
        SDL_Rect box = {x, y, w, nans * blh + m->pad / 2};
        draw_round(a->r, box, m->radius, rgb(C_ANSWER));
        para(a, FACE_REGULAR, m->body, 0x1E5E32, x + m->pad / 2, y + m->pad / 4, w - m->pad, ans);
        y += box.h;
    }
    y = top + card_h + m->gap;
    if (ds->from_track && strcmp(c->status, "solved") == 0)
        y = satisfaction(a, cx, y, cw);

    /* The timeline. */
    ui_text(a, FACE_BOLD, m->heading, C_TEXT, cx, y, tr(a->lang, S_TIMELINE));
    y += ui_line_h(a, FACE_BOLD, m->heading) + m->gap / 2;
    int dot = m->pad / 2;
    int tx = cx + 3 * dot + m->pad;
    for (int i = 0; i < ds->d.nsteps; i++) {
        const TimeStep *s = &ds->d.steps[i];
        int y0 = y;
        char head[256];
        const char *d;
        snprintf(head, sizeof head, "%s  %s", s->day, ui_step_words(a, s, &d));
        ui_text(a, FACE_BOLD, m->body, C_TEXT, tx, y, head);
        int hw = ui_width(a, FACE_BOLD, m->body, head);
        ui_text(a, FACE_REGULAR, m->small, C_TEXT2, tx + hw + m->pad,
                y + blh - slh - blh / 10, tr(a->lang, s->by_office ? S_BY_OFFICE : S_BY_HALL));
        y += blh;
        if (d) {
            y += para(a, FACE_REGULAR, m->body, C_TEXT2, tx, y, cx + cw - tx, d);
        }
        int cy = y0 + blh / 2;
        if (i + 1 < ds->d.nsteps) {
            SDL_Rect line_r = {cx + dot + dot / 2 - 1, cy, 3, y - y0 + m->gap / 2};
            draw_fill(a->r, line_r, rgb(0xC4C8CE));
        }
        int last = i + 1 == ds->d.nsteps;
        draw_circle(a->r, cx + dot + dot / 2, cy, dot,
                    rgb(last ? status_colour(c->status) : 0x9AA0A6));
        y += m->gap / 2;
    }
    SDL_RenderSetClipRect(a->r, NULL);
    ds->content_h = y + (int)ds->scroll - band_h + m->pad;
    double mx = max_scroll(a, area.h);
    if (ds->scroll > mx)
        ds->scroll = mx;
}
