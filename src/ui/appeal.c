/*
 * appeal.c: 我要反映. A villager raises an appeal in five steps — the
 * category (big icons), the micro-grid, the text (keyboard.c: pinyin,
 * handwriting, digits), an optional phone number for a call back (private:
 * sealed for the office, never on the wall), a review — then 提交. The
 * last page shows the tracking code in large type and its QR code, says
 * the text waits for staff approval before it shows on the wall, and
 * prints the slip when a printer is there; without one, the rating code
 * is shown for the villager to write down, since it is printed nowhere else.
 * Hall staff log an appeal raised aloud at a meeting the same way (source
 * "meeting"). Walking away discards the draft: only 提交 makes an appeal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "domain.h"
#include "imetext.h"

#define PHONE_MAX 13
#define PRINT_TODO (-3)    /* the page is not drawn yet */
#define PRINT_SHOWN (-2)   /* drawn: start printing */
#define PRINT_RUNNING (-1) /* the printer has it */

void appeal_reset(App *a)
{
    kb_clear(a); /* the draft's text goes with it */
    strlist_free(&a->ap.grids);
    memset(&a->ap, 0, sizeof a->ap);
    a->ap.category = -1;
    a->ap.grid = -1;
}

void appeal_open(App *a, int at_meeting)
{
    appeal_reset(a);
    a->ap.at_meeting = at_meeting;
    char msg[256];
    if (a->src->grids && a->src->grids(a->src->ctx, &a->ap.grids, msg, sizeof msg) != 0) {
        SDL_Log("grids: %s", msg);
        strlist_free(&a->ap.grids);
    }
    a->ap.step = AP_CATEGORY;
    kb_start(a, NULL, AP_TEXT_CHARS);
    app_go(a, SCR_APPEAL);
}

static int text_ready(const App *a)
{
    int seen = 0;
    for (const char *p = a->kb.text; *p; p++)
        seen += *p != ' ';
    return seen > 0 && ime_text_chars(a->kb.text) >= 2;
}

static void go_step(App *a, AppealStep s)
{
    a->ap.step = s;
    a->pressed = 0;
    a->dirty = 1;
}

static void submit(App *a)
{
    AppealState *ap = &a->ap;
    AppealDraft d = {
        .category = DOMAIN_CATEGORIES[ap->category].key,
        .grid = ap->grid >= 0 && ap->grid < ap->grids.n ? ap->grids.v[ap->grid] : NULL,
        .text = a->kb.text,
        .contact = ap->phone[0] ? ap->phone : NULL,
        .at_meeting = ap->at_meeting,
    };
    char msg[256] = "";
    int rc = a->src->submit ? a->src->submit(a->src->ctx, &d, &ap->receipt, msg, sizeof msg) : -1;
    if (rc != 0) {
        SDL_Log("submit: %s", a->src->submit ? msg : "no source");
        ui_toast(a, S_AP_FAILED); /* the draft stays: 提交 can be tapped again */
        return;
    }
    memset(ap->phone, 0, sizeof ap->phone); /* sealed in the record now */
    ap->print_state = PRINT_TODO;
    go_step(a, AP_DONE);
}

/* Starts the slip once the last page has been drawn (the villager sees
 * "正在打印" meanwhile), then watches the printer, which works in the
 * background: the screen keeps answering. */
void appeal_print(App *a)
{
    AppealState *ap = &a->ap;
    if (a->screen != SCR_APPEAL || ap->step != AP_DONE)
        return;
    if (ap->print_state == PRINT_SHOWN) {
        if (!a->src->print_start || !a->src->print_poll) {
            ap->print_state = PRINT_NO_PRINTER;
            a->dirty = 1;
            return;
        }
        AppealDraft d = {.category = DOMAIN_CATEGORIES[ap->category].key,
                         .grid = ap->grid >= 0 && ap->grid < ap->grids.n ? ap->grids.v[ap->grid]
                                                                        : NULL,
                         .text = a->kb.text,
                         .at_meeting = ap->at_meeting};
        a->src->print_start(a->src->print_ctx, &d, &ap->receipt);
        ap->print_state = PRINT_RUNNING;
    }
    if (ap->print_state != PRINT_RUNNING)
        return;
    char msg[256] = "";
    int r = a->src->print_poll(a->src->print_ctx, msg, sizeof msg);
    if (r < 0)
        return;
    ap->print_state = r;
    if (r != PRINT_DONE && msg[0])
        SDL_Log("print %s: %s", ap->receipt.code, msg);
    a->last_input = a->now; /* the villager reads how it went from now */
    a->dirty = 1;
}

void appeal_act(App *a, const Control *c)
{
    AppealState *ap = &a->ap;
    switch (c->act) {
    case ACT_AP_CATEGORY:
        ap->category = c->arg;
        go_step(a, ap->grids.n > 0 ? AP_GRID : AP_TEXT);
        break;
    case ACT_AP_GRID:
        ap->grid = c->arg;
        go_step(a, AP_TEXT);
        break;
    case ACT_AP_NEXT:
        if (ap->step == AP_TEXT && !text_ready(a)) {
            ui_toast(a, S_AP_TEXT_EMPTY);
            break;
        }
        if (ap->step == AP_PHONE && ap->phone[0] && strlen(ap->phone) < 7) {
            ui_toast(a, S_AP_PHONE_SHORT);
            break;
        }
        go_step(a, ap->step + 1);
        break;
    case ACT_AP_NO_PHONE:
        memset(ap->phone, 0, sizeof ap->phone);
        go_step(a, AP_REVIEW);
        break;
    case ACT_AP_PREV:
    case ACT_BACK:
        if (ap->step == AP_CATEGORY || ap->step == AP_DONE) {
            appeal_reset(a);
            app_go(a, SCR_HOME);
        } else {
            go_step(a, ap->step == AP_TEXT && ap->grids.n == 0 ? AP_CATEGORY : ap->step - 1);
        }
        break;
    case ACT_PHONE_DIGIT: {
        size_t n = strlen(ap->phone);
        if (n < PHONE_MAX) {
            ap->phone[n] = (char)('0' + c->arg);
            ap->phone[n + 1] = 0;
        }
        break;
    }
    case ACT_AP_SUBMIT:
        submit(a);
        break;
    case ACT_AP_DONE:
        appeal_reset(a);
        app_go(a, SCR_HOME);
        break;
    default:
        kb_act(a, c);
        break;
    }
}

/* ---- drawing ------------------------------------------------------------ */

static const StrId STEP_NAME[] = {S_AP_STEP_CATEGORY, S_AP_STEP_GRID, S_AP_STEP_TEXT,
                                  S_AP_STEP_PHONE, S_AP_STEP_REVIEW};

/* The band: 返回 (a step back), the title, the step, and 下一步 when the
 * step has one. Returns the band's height. */
static int band(App *a, int next, int next_ok)
{
    const Metrics *m = &a->m;
    int band_h = m->target + m->pad;
    SDL_Rect b = {0, 0, a->w, band_h};
    char sub[96] = "";
    if (a->ap.step < AP_DONE)
        snprintf(sub, sizeof sub, tr(a->lang, S_AP_STEP_FMT), (int)a->ap.step + 1,
                 tr(a->lang, STEP_NAME[a->ap.step]));
    const char *title = tr(a->lang, a->ap.at_meeting ? S_STAFF_LOG_APPEAL : S_TILE_APPEAL);
    const char *go = tr(a->lang, S_AP_NEXT);
    int gw = ui_width(a, FACE_BOLD, m->body, go) + 4 * m->pad;
    /* The step's words only where they clear 下一步. */
    int used = ui_width(a, FACE_BOLD, m->body, tr(a->lang, S_BACK)) + 5 * m->pad +
               ui_width(a, FACE_BOLD, m->heading, title) + m->pad +
               ui_width(a, FACE_REGULAR, m->body, sub) + (next ? gw + m->pad : 0);
    if (used > a->w)
        snprintf(sub, sizeof sub, "%d / 5", (int)a->ap.step + 1);
    ui_header(a, b, a->ap.step != AP_DONE, title, sub[0] ? sub : NULL);
    if (next) {
        SDL_Rect r = {a->w - m->pad - gw, (band_h - m->target) / 2, gw, m->target};
        ui_button(a, r, go, ACT_AP_NEXT, 0, C_WHITE, C_RED, next_ok);
    }
    return band_h;
}

static const char *category_word(App *a, int i)
{
    return a->lang == LANG_EN ? DOMAIN_CATEGORIES[i].en : DOMAIN_CATEGORIES[i].zh;
}

/* Eight big tiles, each an icon over its name. */
static void categories(App *a, int top)
{
    const Metrics *m = &a->m;
    int n = domain_count(DOMAIN_CATEGORIES);
    int cols = a->w > a->h ? 4 : 2, rows = (n + cols - 1) / cols;
    int x0 = m->pad, w = a->w - 2 * m->pad, h = a->h - top - 2 * m->pad;
    int tw = (w - (cols - 1) * m->gap) / cols, th = (h - (rows - 1) * m->gap) / rows;
    int maxh = (int)(45 * m->pxmm);
    if (th > maxh)
        th = maxh;
    int y0 = top + m->pad + (h - rows * th - (rows - 1) * m->gap) / 2;
    int blh = ui_line_h(a, FACE_BOLD, m->heading);
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {x0 + (i % cols) * (tw + m->gap), y0 + (i / cols) * (th + m->gap), tw, th};
        const char *name = category_word(a, i);
        ui_control(a, r, name, ACT_AP_CATEGORY, i, 1);
        int pressed = ui_is_pressed(a, ACT_AP_CATEGORY, i);
        draw_shadow(a->r, r, m->radius * 2, 2);
        draw_round(a->r, r, m->radius * 2, rgb(pressed ? 0xE2E5EA : C_WHITE));
        int icon = th - blh - 2 * m->gap;
        if (icon > (int)(18 * m->pxmm))
            icon = (int)(18 * m->pxmm);
        if (icon > tw - 2 * m->pad)
            icon = tw - 2 * m->pad;
        int iy = r.y + (th - icon - blh - m->gap / 2) / 2;
        if (icon >= (int)(6 * m->pxmm)) {
            SDL_Rect ir = {r.x + (tw - icon) / 2, iy, icon, icon};
            ui_icon(a, DOMAIN_CATEGORIES[i].key, ir, C_RED);
        } else {
            icon = 0, iy = r.y + (th - blh) / 2;
        }
        SDL_Rect tr_ = {r.x, iy + icon + m->gap / 2, tw, blh};
        ui_text_center(a, FACE_BOLD, m->heading, C_TEXT, tr_, name);
    }
}

/* The hall's micro-grids as big buttons, and 不清楚. */
static void grids(App *a, int top)
{
    const Metrics *m = &a->m;
    int n = a->ap.grids.n + 1;
    int x, w;
    ui_column(a, 200, &x, &w);
    int y = top + m->gap;
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT2, x, y, w, tr(a->lang, S_AP_GRID_ASK));
    y += blh + m->gap;
    int cols = a->w / m->pxmm >= 150 ? 3 : 2;
    int bw = (w - (cols - 1) * m->gap) / cols;
    int bh = (int)(18 * m->pxmm);
    int rows = (n + cols - 1) / cols;
    if (rows * (bh + m->gap) > a->h - y - m->pad)
        bh = (a->h - y - m->pad) / rows - m->gap;
    if (bh < m->target)
        bh = m->target;
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {x + (i % cols) * (bw + m->gap), y + (i / cols) * (bh + m->gap), bw, bh};
        const char *label = i < a->ap.grids.n ? a->ap.grids.v[i] : tr(a->lang, S_AP_GRID_UNSURE);
        ui_button(a, r, label, ACT_AP_GRID, i, i < a->ap.grids.n ? C_WHITE : 0xE8EAED, C_TEXT, 1);
    }
}

/* The phone: what it is for, that it stays private, the digits, a pad. */
static void phone(App *a, int top)
{
    const Metrics *m = &a->m;
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int key = m->target, gap = m->gap;
    int kw = (int)(24 * m->pxmm);
    int keys_w = 3 * kw + 2 * gap, keys_h = 4 * key + 3 * gap;
    int side = a->w > a->h; /* words beside the pad on a landscape screen */
    int lw = side ? a->w - 3 * m->pad - keys_w : a->w - 2 * m->pad;
    int x = m->pad, y = top + m->gap;
    LineSpan ls[3];
    const char *ask = tr(a->lang, S_AP_PHONE_ASK);
    int n = ui_break(a, FACE_BOLD, m->body, ask, lw, 3, ls, 3);
    ui_lines(a, FACE_BOLD, m->body, C_TEXT, x, y, blh, ask, ls, n);
    y += n * blh + m->gap / 2;
    const char *priv = tr(a->lang, S_AP_PHONE_PRIVATE);
    n = ui_break(a, FACE_REGULAR, m->small, priv, lw, 3, ls, 3);
    ui_lines(a, FACE_REGULAR, m->small, C_GREEN, x, y, slh, priv, ls, n);
    y += n * slh + m->gap;
    SDL_Rect d = {x, y, lw, ui_line_h(a, FACE_MONO, m->codebig)};
    ui_text_fit(a, FACE_MONO, m->codebig, a->ap.phone[0] ? C_TEXT : C_TEXT2, d.x, d.y, d.w,
                a->ap.phone[0] ? a->ap.phone : "—");
    y += d.h + m->gap;
    SDL_Rect none = {x, side ? a->h - m->pad - key : y, (int)(50 * m->pxmm), key};
    if (none.w > lw)
        none.w = lw;
    ui_button(a, none, tr(a->lang, S_AP_NO_PHONE), ACT_AP_NO_PHONE, 0, 0xE8EAED, C_TEXT, 1);
    int kx = side ? a->w - m->pad - keys_w : (a->w - keys_w) / 2;
    int ky = side ? top + (a->h - top - keys_h) / 2 : none.y + key + gap;
    if (ky + keys_h > a->h - m->pad)
        ky = a->h - m->pad - keys_h;
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", ""};
    for (int i = 0; i < 12; i++) {
        SDL_Rect b = {kx + (i % 3) * (kw + gap), ky + (i / 3) * (key + gap), kw, key};
        if (i == 9)
            ui_button(a, b, tr(a->lang, S_DELETE), ACT_KB_DELETE, 0, 0xE8EAED, C_TEXT, 1);
        else if (i != 11)
            ui_button(a, b, keys[i], ACT_PHONE_DIGIT, keys[i][0] - '0', C_WHITE, C_TEXT, 1);
    }
}

/* "138****5678": enough to recognise, not enough to read off the screen. */
static void masked_phone(const char *p, char *out, size_t n)
{
    size_t len = strlen(p);
    if (len < 7) {
        snprintf(out, n, "%s", p);
        return;
    }
    snprintf(out, n, "%.3s%.*s%s", p, (int)(len - 7), "********", p + len - 4);
}

static void review(App *a, int top)
{
    const Metrics *m = &a->m;
    AppealState *ap = &a->ap;
    int x, w;
    ui_column(a, 190, &x, &w);
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int bottom = a->h - m->pad - m->target - m->gap;
    int y = top + m->gap;
    char line[256];
    SDL_Rect ir = {x, y, blh, blh};
    ui_icon(a, DOMAIN_CATEGORIES[ap->category].key, ir, C_RED);
    snprintf(line, sizeof line, "%s · %s", category_word(a, ap->category),
             ap->grid >= 0 && ap->grid < ap->grids.n ? ap->grids.v[ap->grid]
                                                    : tr(a->lang, S_AP_GRID_UNSURE));
    ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, x + blh + m->pad / 2, y, w - blh, line);
    y += blh + m->gap / 2;
    char ph[32] = "";
    if (ap->phone[0])
        masked_phone(ap->phone, ph, sizeof ph);
    snprintf(line, sizeof line, tr(a->lang, S_AP_REVIEW_PHONE_FMT),
             ph[0] ? ph : tr(a->lang, S_AP_NO_PHONE_GIVEN));
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, w, line);
    y += slh + m->gap / 2;
    int lines = (bottom - y - m->gap) / blh;
    if (lines > 12)
        lines = 12;
    if (lines < 1)
        lines = 1;
    LineSpan ls[12];
    int n = ui_break(a, FACE_REGULAR, m->body, a->kb.text, w - m->pad, lines, ls, 12);
    SDL_Rect box = {x, y, w, n * blh + m->pad / 2};
    draw_round(a->r, box, m->radius, rgb(C_WHITE));
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT, x + m->pad / 2, y + m->pad / 4, blh, a->kb.text, ls,
             n);
    int bw = (int)(60 * m->pxmm);
    if (bw > (w - m->gap) / 2)
        bw = (w - m->gap) / 2;
    SDL_Rect change = {x, a->h - m->pad - m->target, bw, m->target};
    ui_button(a, change, tr(a->lang, S_AP_CHANGE), ACT_AP_PREV, 0, 0xE8EAED, C_TEXT, 1);
    SDL_Rect go = {x + w - bw, change.y, bw, m->target};
    ui_button(a, go, tr(a->lang, S_SUBMIT), ACT_AP_SUBMIT, 0, C_RED, C_WHITE, 1);
}

/* A QR code: black modules on white with a quiet zone of four, scaled to
 * whole pixels per module and centred in r. */
void ui_qr(App *a, SDL_Rect r, const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return;
    int side = q->width + 8;
    int px = (r.w < r.h ? r.w : r.h) / side;
    if (px < 1)
        px = 1;
    int size = px * side;
    int x0 = r.x + (r.w - size) / 2, y0 = r.y + (r.h - size) / 2;
    SDL_Rect bg = {x0, y0, size, size};
    draw_fill(a->r, bg, rgb(C_WHITE));
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width; x++)
            if (q->data[y * q->width + x] & 1) {
                SDL_Rect dot = {x0 + (x + 4) * px, y0 + (y + 4) * px, px, px};
                draw_fill(a->r, dot, rgb(0x000000));
            }
    QRcode_free(q);
}

static StrId print_word(int state)
{
    switch (state) {
    case PRINT_TODO:
    case PRINT_SHOWN:
    case PRINT_RUNNING:
        return S_PRINTING;
    case PRINT_DONE:
        return S_PRINTED;
    case PRINT_PAPER_LOW:
        return S_PRINTED_PAPER_LOW;
    case PRINT_SENT_UNKNOWN:
        return S_PRINT_SENT;
    case PRINT_NO_PRINTER:
        return S_PRINT_NONE;
    case PRINT_PAPER_OUT:
        return S_PRINT_PAPER_OUT;
    case PRINT_COVER_OPEN:
        return S_PRINT_COVER_OPEN;
    case PRINT_OFFLINE:
        return S_PRINT_OFFLINE;
    default:
        return S_PRINT_FAILED;
    }
}

/* The code large, its QR, the approval note, how printing went, 完成. */
static void done(App *a, int top)
{
    const Metrics *m = &a->m;
    AppealState *ap = &a->ap;
    if (ap->print_state == PRINT_TODO)
        ap->print_state = PRINT_SHOWN; /* drawn now: print on the next step */
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    int tlh = ui_line_h(a, FACE_BOLD, m->title);
    int side = a->w > a->h;
    int qr = side ? a->h - top - 2 * m->pad : a->w / 2;
    if (qr > (int)(60 * m->pxmm))
        qr = (int)(60 * m->pxmm);
    int lw = side ? a->w - 3 * m->pad - qr : a->w - 2 * m->pad;
    int x = m->pad, y = top + m->gap;
    ui_text_fit(a, FACE_BOLD, m->title, C_RED, x, y, lw, tr(a->lang, S_AP_RECEIVED));
    y += tlh;
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, y, lw, tr(a->lang, S_AP_YOUR_CODE));
    y += slh;
    int cpx = (int)(15 * m->pxmm); /* UI.md: the code 15 mm tall on the result screen */
    while (cpx > m->body && ui_width(a, FACE_MONO, cpx, ap->receipt.code) > lw)
        cpx -= 2;
    ui_text(a, FACE_MONO, cpx, C_TEXT, x, y, ap->receipt.code);
    y += ui_line_h(a, FACE_MONO, cpx) + m->gap / 2;
    LineSpan ls[4];
    const char *note = tr(a->lang, S_AP_PENDING_NOTE);
    int n = ui_break(a, FACE_REGULAR, m->body, note, lw, 4, ls, 4);
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT, x, y, blh, note, ls, n);
    y += n * blh + m->gap / 2;
    int ps = ap->print_state;
    const char *pw = tr(a->lang, print_word(ps));
    n = ui_break(a, FACE_BOLD, m->body, pw, lw, 3, ls, 3);
    uint32_t pc = ps == PRINT_DONE || ps == PRINT_PAPER_LOW || ps < 0 ? C_GREEN
                  : ps == PRINT_SENT_UNKNOWN                         ? C_TEXT
                                                                     : C_OVERDUE;
    ui_lines(a, FACE_BOLD, m->body, pc, x, y, blh, pw, ls, n);
    y += n * blh;
    /* No slip, or none the printer vouched for: the rating code has
     * nowhere else to be. */
    if (ps >= PRINT_SENT_UNKNOWN) {
        char rc[96];
        snprintf(rc, sizeof rc, tr(a->lang, S_AP_RATING_FMT), ap->receipt.rating);
        ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, x, y, lw, rc);
    }
    SDL_Rect q = side ? (SDL_Rect){a->w - m->pad - qr, top + m->pad, qr, qr}
                      : (SDL_Rect){(a->w - qr) / 2, y + blh + m->gap, qr, qr};
    ui_qr(a, q, ap->receipt.url[0] ? ap->receipt.url : ap->receipt.code);
    int bw = (int)(50 * m->pxmm);
    if (bw > lw)
        bw = lw;
    SDL_Rect ok = {x, a->h - m->pad - m->target, bw, m->target};
    /* Not while the slip prints: a tap queued meanwhile would leave before
     * the page could say the slip did not print. */
    ui_button(a, ok, tr(a->lang, S_AP_FINISH), ACT_AP_DONE, 0, C_RED, C_WHITE, ps >= 0);
}

void appeal_draw(App *a)
{
    AppealState *ap = &a->ap;
    switch (ap->step) {
    case AP_CATEGORY:
        categories(a, band(a, 0, 0));
        break;
    case AP_GRID:
        grids(a, band(a, 0, 0));
        break;
    case AP_TEXT: {
        int top = band(a, 1, text_ready(a));
        SDL_Rect area = {0, top, a->w, a->h - top};
        kb_draw(a, area);
        break;
    }
    case AP_PHONE:
        phone(a, band(a, 1, 1));
        break;
    case AP_REVIEW:
        review(a, band(a, 0, 0));
        break;
    case AP_DONE:
        done(a, band(a, 0, 0));
        break;
    }
}
