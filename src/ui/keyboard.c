/*
 * keyboard.c: the text step of 我要反映 — the text so far, and a keyboard
 * with three modes: 拼音 (a QWERTY keyboard composing through the input
 * method, a candidate bar with paging; backspace takes a letter off the
 * composition before it takes a character off the text), 手写 (a pad drawn
 * on with a finger; candidates after every stroke, 撤销 a stroke, 重写 all)
 * and 123 (digits and Chinese punctuation). A physical keyboard types into
 * the same composition. The engines are behind the Source (model.h); this
 * file only draws and routes.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
#include "imetext.h"

/* Every key that types a character, by index (ACT_KB_CHAR's arg). */
static const char *const CHARS[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "0",           /* 0..9 */
    "，", "。", "？", "！", "、", "：", "；", "（", "）", "—",  /* 10..19 */
    "-", "/", "%", "号", "元", "米"};                           /* 20..25 */
#define NCHARS ((int)(sizeof CHARS / sizeof CHARS[0]))
/* The punctuation the candidate bar offers while nothing is composed. */
static const int BAR_PUNCT[] = {10, 11, 12, 13, 14, 15};

/* A key of a row: a letter (ACT_KB_KEY), a character (CHARS index), or a
 * function; units: how many key widths it takes. */
typedef struct Key {
    Action act;
    int arg;
    int units;
} Key;


/* Appends what fits of add: whole characters, up to AP_TEXT_CHARS. */
static void append(App *a, const char *add)
{
    KbState *ap = &a->kb;
    size_t len = strlen(ap->text);
    int room = ap->max_chars - (int)ime_text_chars(ap->text);
    for (const char *p = add; *p && room > 0;) {
        size_t k = 1;
        while (((unsigned char)p[k] & 0xC0) == 0x80)
            k++;
        if (len + k >= sizeof ap->text)
            break;
        memcpy(ap->text + len, p, k);
        len += k;
        ap->text[len] = 0;
        p += k;
        room--;
    }
    if (room <= 0 && *add)
        ui_toast(a, S_AP_TEXT_FULL);
}

static void pinyin(App *a, int op, int arg)
{
    char commit[256] = "";
    if (!a->src->pinyin)
        return;
    a->src->pinyin(a->src->ime_ctx, op, arg, &a->kb.view, commit, sizeof commit);
    a->kb.py_off |= a->kb.view.off;
    if (commit[0])
        append(a, commit);
}

static void hand(App *a, int op, int x, int y)
{
    if (a->src->hand) {
        a->src->hand(a->src->ime_ctx, op, x, y, &a->kb.view);
        a->kb.hand_off |= a->kb.view.off;
    }
}

static void hand_clear(App *a)
{
    a->kb.npts = a->kb.nstrokes = 0;
    a->kb.drawing = 0;
    hand(a, HAND_CLEAR, 0, 0);
}

/* The text as the field shows it: a secret one as a dot per character. */
static const char *shown(const App *a, char *buf, size_t n)
{
    if (!a->kb.secret)
        return a->kb.text;
    size_t k = 0, chars = ime_text_chars(a->kb.text);
    for (size_t i = 0; i < chars && k + 3 < n; i++) {
        memcpy(buf + k, "•", 3);
        k += 3;
    }
    buf[k] = 0;
    return buf;
}

void kb_clear(App *a)
{
    if (a->kb.view.preedit[0] && a->src->pinyin)
        a->src->pinyin(a->src->ime_ctx, IME_CLEAR, 0, &a->kb.view, NULL, 0);
    if (a->kb.nstrokes && a->src->hand)
        a->src->hand(a->src->ime_ctx, HAND_CLEAR, 0, 0, &a->kb.view);
    memset(&a->kb, 0, sizeof a->kb);
}

int kb_showing(const App *a)
{
    return (a->screen == SCR_APPEAL && a->ap.step == AP_TEXT) || a->screen == SCR_TOPIC ||
           a->screen == SCR_OFFICE_TEXT;
}

void kb_start(App *a, const char *text, int max_chars)
{
    kb_clear(a);
    a->kb.max_chars = max_chars;
    a->kb.hint = S_AP_TEXT_HINT;
    a->kb.mode = KB_DIGITS;
    if (text)
        append(a, text);
    kb_set_mode(a, kb_mode_ok(a, KB_PINYIN) ? KB_PINYIN : KB_HAND);
}

void kb_set_mode(App *a, KbMode mode)
{
    if (a->kb.mode == KB_PINYIN)
        pinyin(a, IME_CLEAR, 0);
    if (a->kb.mode == KB_HAND)
        hand_clear(a);
    memset(&a->kb.view, 0, sizeof a->kb.view);
    a->kb.mode = mode;
    /* Wake the engine now: it opens on first use, and says if it cannot. */
    if (mode == KB_PINYIN)
        pinyin(a, IME_CLEAR, 0);
    else if (mode == KB_HAND)
        hand(a, HAND_CLEAR, 0, 0);
    if (!kb_mode_ok(a, mode)) /* pinyin falls back on handwriting, that on digits */
        kb_set_mode(a, mode == KB_PINYIN && kb_mode_ok(a, KB_HAND) ? KB_HAND : KB_DIGITS);
}

static void delete(App *a)
{
    KbState *ap = &a->kb;
    if (a->screen == SCR_APPEAL && a->ap.step == AP_PHONE) {
        size_t n = strlen(a->ap.phone);
        if (n)
            a->ap.phone[n - 1] = 0;
    } else if (ap->mode == KB_PINYIN && ap->view.preedit[0]) {
        pinyin(a, IME_BACK, 0);
    } else {
        ime_text_backspace(a->kb.text);
    }
}

void kb_act(App *a, const Control *c)
{
    KbState *ap = &a->kb;
    switch (c->act) {
    case ACT_KB_MODE:
        kb_set_mode(a, (KbMode)c->arg);
        break;
    case ACT_KB_KEY:
        pinyin(a, IME_KEY, c->arg);
        break;
    case ACT_KB_CHAR:
        if (ap->mode == KB_PINYIN && ap->view.preedit[0])
            pinyin(a, IME_PICK, 0); /* punctuation ends the word being composed */
        if (c->arg >= 0 && c->arg < NCHARS)
            append(a, CHARS[c->arg]);
        break;
    case ACT_KB_CAND:
        if (c->arg < 0 || c->arg >= ap->view.n)
            break;
        if (ap->mode == KB_HAND) {
            append(a, ap->view.cand[c->arg]);
            hand_clear(a);
        } else {
            pinyin(a, IME_PICK, c->arg);
        }
        break;
    case ACT_KB_PAGE:
        pinyin(a, IME_PAGE, c->arg);
        break;
    case ACT_KB_RAW: {
        char raw[sizeof ap->view.raw];
        snprintf(raw, sizeof raw, "%s", ap->view.raw);
        pinyin(a, IME_CLEAR, 0);
        append(a, raw); /* Latin letters: a name, a plate, "WiFi" */
        break;
    }
    case ACT_KB_DELETE:
        delete(a);
        break;
    case ACT_KB_UNDO:
        if (ap->nstrokes > 0) {
            ap->nstrokes--;
            ap->npts = ap->nstrokes ? ap->ends[ap->nstrokes - 1] : 0;
            hand(a, HAND_UNDO, 0, 0);
        }
        break;
    case ACT_KB_CLEAR:
        hand_clear(a);
        break;
    default:
        break;
    }
    a->dirty = 1;
}

/* A physical keyboard: letters compose, other characters are typed. */
void kb_type(App *a, const char *text)
{
    if (!kb_showing(a))
        return;
    for (const char *p = text; *p; p++) {
        char ch = *p;
        if (a->kb.mode == KB_PINYIN && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
            pinyin(a, IME_KEY, ch | 0x20);
        } else if (ch == ' ' && a->kb.view.preedit[0]) {
            pinyin(a, IME_PICK, 0); /* space takes the first candidate */
        } else {
            if (a->kb.view.preedit[0])
                pinyin(a, IME_PICK, 0);
            char one[5] = {0};
            size_t k = 1;
            while (((unsigned char)p[k] & 0xC0) == 0x80 && k < 4)
                k++;
            memcpy(one, p, k);
            append(a, one);
            p += k - 1;
        }
    }
    a->dirty = 1;
}

void kb_key(App *a, int key)
{
    if (key == KEY_BACKSPACE)
        delete(a);
    else if (key == KEY_RETURN && a->kb.view.preedit[0])
        pinyin(a, IME_PICK, 0);
    a->dirty = 1;
}

/* The pad takes the finger that lands on it until it lifts. */
int kb_pointer(App *a, const AppEvent *ev)
{
    KbState *ap = &a->kb;
    if (!kb_showing(a) || ap->mode != KB_HAND || a->overlay != OV_NONE)
        return 0;
    SDL_Rect p = ap->pad;
    int in = ev->x >= p.x && ev->x < p.x + p.w && ev->y >= p.y && ev->y < p.y + p.h;
    if (ev->type == EV_DOWN && !in)
        return 0;
    if (ev->type != EV_DOWN && !ap->drawing)
        return 0;
    int x = p.w > 0 ? (ev->x - p.x) * 1000 / p.w : 0, y = p.h > 0 ? (ev->y - p.y) * 1000 / p.h : 0;
    x = x < 0 ? 0 : x > 1000 ? 1000 : x;
    y = y < 0 ? 0 : y > 1000 ? 1000 : y;
    if (ev->type == EV_DOWN) {
        if (ap->nstrokes >= (int)(sizeof ap->ends / sizeof ap->ends[0]) - 1)
            return 1; /* enough strokes for any character: wait for a candidate or 重写 */
        ap->drawing = 1;
    }
    if (ev->type != EV_UP && ap->npts < HAND_POINTS) {
        ap->pts[ap->npts][0] = (short)x;
        ap->pts[ap->npts][1] = (short)y;
        ap->npts++;
        hand(a, HAND_POINT, x, y);
    }
    if (ev->type == EV_UP) {
        ap->drawing = 0;
        ap->ends[ap->nstrokes++] = ap->npts;
        hand(a, HAND_END, 0, 0);
    }
    a->dirty = 1;
    return 1;
}

/* ---- drawing ------------------------------------------------------------ */

/* The text so far in a white box, its last lines when it is long, and how
 * many characters of the most. */
static void text_box(App *a, SDL_Rect r)
{
    const Metrics *m = &a->m;
    KbState *ap = &a->kb;
    draw_round(a->r, r, m->radius, rgb(C_WHITE));
    draw_round_outline(a->r, r, m->radius, 2, rgb(0xC4C8CE));
    int blh = ui_line_h(a, FACE_REGULAR, m->body), slh = ui_line_h(a, FACE_REGULAR, m->small);
    char count[32];
    snprintf(count, sizeof count, "%zu/%d", ime_text_chars(ap->text), ap->max_chars);
    int cw = ui_width(a, FACE_REGULAR, m->small, count);
    ui_text(a, FACE_REGULAR, m->small, C_TEXT2, r.x + r.w - m->pad / 2 - cw,
            r.y + r.h - slh - m->pad / 4, count);
    int w = r.w - m->pad - cw - m->pad / 2;
    int lines = (r.h - m->pad / 2) / blh;
    if (lines < 1)
        lines = 1;
    if (!ap->text[0]) {
        ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT2, r.x + m->pad / 2, r.y + m->pad / 4, w,
                    tr(a->lang, a->kb.hint));
        return;
    }
    /* Break it all, show the tail: the line being written is the last. */
    LineSpan ls[64];
    char dots[AP_TEXT_CHARS * 3 + 1];
    const char *text = shown(a, dots, sizeof dots);
    int n = ui_break(a, FACE_REGULAR, m->body, text, w, 64, ls, 64);
    int first = n > lines ? n - lines : 0;
    ui_lines(a, FACE_REGULAR, m->body, C_TEXT, r.x + m->pad / 2, r.y + m->pad / 4, blh, text,
             ls + first, n - first);
}

/* The composition and a page of candidates, ‹ › at the end; with nothing
 * composed, the common punctuation. */
static void cand_bar(App *a, SDL_Rect r)
{
    const Metrics *m = &a->m;
    const ImeView *v = &a->kb.view;
    int x = r.x;
    if (!v->preedit[0]) {
        for (size_t i = 0; i < sizeof BAR_PUNCT / sizeof BAR_PUNCT[0]; i++) {
            SDL_Rect b = {x, r.y, m->target, r.h};
            if (b.x + b.w > r.x + r.w)
                break;
            ui_button(a, b, CHARS[BAR_PUNCT[i]], ACT_KB_CHAR, BAR_PUNCT[i], C_WHITE, C_TEXT, 1);
            x += m->target + m->gap;
        }
        return;
    }
    int pw = ui_width(a, FACE_REGULAR, m->small, v->preedit);
    int maxw = r.w / 4;
    int slh = ui_line_h(a, FACE_REGULAR, m->small);
    ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, x, r.y + (r.h - slh) / 2, maxw, v->preedit);
    x += (pw < maxw ? pw : maxw) + m->gap;
    int aw = m->target;
    /* The letters as typed, last before the arrows: Latin text. */
    int rw = v->raw[0] ? ui_width(a, FACE_REGULAR, m->body, v->raw) + m->pad : 0;
    if (rw && rw < m->target)
        rw = m->target;
    int right = r.x + r.w - 2 * (aw + m->gap) - (rw ? rw + m->gap : 0);
    if (rw) {
        SDL_Rect b = {right + m->gap, r.y, rw, r.h};
        ui_button(a, b, v->raw, ACT_KB_RAW, 0, 0xE8EAED, C_TEXT, 1);
    }
    for (int i = 0; i < v->n; i++) {
        int bw = ui_width(a, FACE_BOLD, m->heading, v->cand[i]) + m->pad;
        if (bw < m->target)
            bw = m->target;
        if (x + bw > right)
            break;
        SDL_Rect b = {x, r.y, bw, r.h};
        ui_control(a, b, v->cand[i], ACT_KB_CAND, i, 1);
        int pressed = ui_is_pressed(a, ACT_KB_CAND, i);
        draw_round(a->r, b, m->radius, rgb(pressed ? 0xD0D4DA : i == 0 ? 0xFBE9EA : C_WHITE));
        ui_text_center(a, FACE_BOLD, m->heading, i == 0 ? C_RED : C_TEXT, b, v->cand[i]);
        x += bw + m->gap;
    }
    SDL_Rect prev = {r.x + r.w - 2 * aw - m->gap, r.y, aw, r.h};
    SDL_Rect next = {r.x + r.w - aw, r.y, aw, r.h};
    ui_button(a, prev, "‹", ACT_KB_PAGE, -1, 0xE8EAED, C_TEXT, v->page > 0);
    ui_button(a, next, "›", ACT_KB_PAGE, 1, 0xE8EAED, C_TEXT, v->more);
}

/* One row of keys, `units` key widths across, centred in w. */
static void key_row(App *a, const Key *keys, int n, int x, int y, int w, int kw)
{
    const Metrics *m = &a->m;
    int units = 0;
    for (int i = 0; i < n; i++)
        units += keys[i].units;
    int rw = units * kw + (units - 1) * m->gap;
    int cx = x + (w - rw) / 2;
    static const StrId mode_name[3] = {S_KB_PINYIN, S_KB_HAND, S_KB_DIGITS};
    for (int i = 0; i < n; i++) {
        const Key *k = &keys[i];
        SDL_Rect b = {cx, y, k->units * kw + (k->units - 1) * m->gap, m->target};
        char letter[2] = {(char)k->arg, 0};
        switch (k->act) {
        case ACT_KB_KEY:
            ui_button(a, b, letter, k->act, k->arg, C_WHITE, C_TEXT, 1);
            break;
        case ACT_KB_CHAR:
            ui_button(a, b, CHARS[k->arg], k->act, k->arg, C_WHITE, C_TEXT, 1);
            break;
        case ACT_KB_MODE:
            ui_button(a, b, tr(a->lang, mode_name[k->arg]), k->act, k->arg, 0xDADDE2, C_TEXT,
                      kb_mode_ok(a, (KbMode)k->arg));
            break;
        default: /* 删除 */
            ui_button(a, b, tr(a->lang, S_DELETE), ACT_KB_DELETE, 0, 0xDADDE2, C_TEXT, 1);
            break;
        }
        cx += b.w + m->gap;
    }
}

#define LETTER(c) {ACT_KB_KEY, c, 1}
#define CHAR(i) {ACT_KB_CHAR, i, 1}
#define MODE(k) {ACT_KB_MODE, k, 1}
#define DEL {ACT_KB_DELETE, 0, 2}

/* Three rows of ten keys: QWERTY with 手写 and 123 on its ends. */
static void qwerty(App *a, int x, int y, int w, int kw)
{
    const Metrics *m = &a->m;
    static const Key r1[] = {LETTER('q'), LETTER('w'), LETTER('e'), LETTER('r'), LETTER('t'),
                             LETTER('y'), LETTER('u'), LETTER('i'), LETTER('o'), LETTER('p')};
    static const Key r2[] = {LETTER('a'), LETTER('s'), LETTER('d'), LETTER('f'), LETTER('g'),
                             LETTER('h'), LETTER('j'), LETTER('k'), LETTER('l'), MODE(KB_HAND)};
    static const Key r3[] = {MODE(KB_DIGITS), LETTER('z'), LETTER('x'), LETTER('c'), LETTER('v'),
                             LETTER('b'),     LETTER('n'), LETTER('m'), DEL};
    key_row(a, r1, 10, x, y, w, kw);
    key_row(a, r2, 10, x, y + (m->target + m->gap), w, kw);
    key_row(a, r3, 9, x, y + 2 * (m->target + m->gap), w, kw);
}

/* Digits and punctuation: three rows of ten, or of nine on a narrow screen
 * (where there is no pinyin keyboard to go back to). */
static void digits(App *a, int x, int y, int w, int kw, int cols)
{
    const Metrics *m = &a->m;
    static const Key w1[] = {CHAR(0), CHAR(1), CHAR(2), CHAR(3), CHAR(4),
                             CHAR(5), CHAR(6), CHAR(7), CHAR(8), CHAR(9)};
    static const Key w2[] = {CHAR(10), CHAR(11), CHAR(12), CHAR(13), CHAR(14),
                             CHAR(15), CHAR(16), CHAR(17), CHAR(18), CHAR(19)};
    static const Key w3[] = {MODE(KB_PINYIN), MODE(KB_HAND), CHAR(20), CHAR(21), CHAR(22),
                             CHAR(23),        CHAR(24),      CHAR(25), DEL};
    static const Key n1[] = {CHAR(0), CHAR(1), CHAR(2), CHAR(3), CHAR(4),
                             CHAR(5), CHAR(6), CHAR(7), CHAR(8)};
    static const Key n2[] = {CHAR(9),  CHAR(10), CHAR(11), CHAR(12), CHAR(13),
                             CHAR(14), CHAR(15), CHAR(19), CHAR(20)};
    static const Key n3[] = {MODE(KB_HAND), CHAR(17), CHAR(18), CHAR(21), CHAR(23), CHAR(24), DEL};
    int step = m->target + m->gap;
    if (cols >= 10) {
        key_row(a, w1, 10, x, y, w, kw);
        key_row(a, w2, 10, x, y + step, w, kw);
        key_row(a, w3, 9, x, y + 2 * step, w, kw);
    } else {
        key_row(a, n1, 9, x, y, w, kw);
        key_row(a, n2, 9, x, y + step, w, kw);
        key_row(a, n3, 7, x, y + 2 * step, w, kw);
    }
}

/* The pad on the left with the strokes drawn so far; on the right the
 * candidates, then 撤销 重写 删除 and the other modes. */
static void handpad(App *a, int x, int y, int w, int h, int pinyin_ok)
{
    const Metrics *m = &a->m;
    KbState *ap = &a->kb;
    int side = h;
    if (side > w / 2)
        side = w / 2;
    SDL_Rect pad = {x, y, side, h};
    ap->pad = pad;
    ui_control(a, pad, "", ACT_HAND_PAD, 0, 1);
    draw_round(a->r, pad, m->radius, rgb(0xFFFDF5));
    draw_round_outline(a->r, pad, m->radius, 2, rgb(0xC4C8CE));
    /* A faint cross helps place a character. */
    SDL_Rect hl = {pad.x + m->pad, pad.y + pad.h / 2, pad.w - 2 * m->pad, 1};
    SDL_Rect vl = {pad.x + pad.w / 2, pad.y + m->pad, 1, pad.h - 2 * m->pad};
    draw_fill(a->r, hl, rgb(0xE6E1D3));
    draw_fill(a->r, vl, rgb(0xE6E1D3));
    SDL_SetRenderDrawColor(a->r, 0x22, 0x22, 0x22, 0xFF);
    int start = 0;
    for (int s = 0; s <= ap->nstrokes; s++) {
        int end = s < ap->nstrokes ? ap->ends[s] : ap->npts;
        for (int i = start + 1; i < end; i++) {
            int x1 = pad.x + ap->pts[i - 1][0] * pad.w / 1000;
            int y1 = pad.y + ap->pts[i - 1][1] * pad.h / 1000;
            int x2 = pad.x + ap->pts[i][0] * pad.w / 1000, y2 = pad.y + ap->pts[i][1] * pad.h / 1000;
            for (int d = -2; d <= 2; d++) { /* a line 5 px wide */
                SDL_RenderDrawLine(a->r, x1 + d, y1, x2 + d, y2);
                SDL_RenderDrawLine(a->r, x1, y1 + d, x2, y2 + d);
            }
        }
        start = end;
    }
    if (!ap->npts) {
        int slh = ui_line_h(a, FACE_REGULAR, m->small);
        SDL_Rect t = {pad.x, pad.y + pad.h / 4 - slh / 2, pad.w, slh};
        ui_text_center(a, FACE_REGULAR, m->small, C_TEXT2, t, tr(a->lang, S_KB_HAND_HINT));
    }
    int rx = x + side + m->gap, rw = x + w - rx;
    int step = m->target + m->gap;
    int rows = (h + m->gap) / step - 1; /* the last row is for the buttons */
    int cols = (rw + m->gap) / step;
    if (cols > 6)
        cols = 6;
    int cw = cols > 0 ? (rw - (cols - 1) * m->gap) / cols : rw;
    for (int i = 0; i < ap->view.n && i < cols * rows; i++) {
        SDL_Rect b = {rx + (i % cols) * (cw + m->gap), y + (i / cols) * step, cw, m->target};
        ui_control(a, b, ap->view.cand[i], ACT_KB_CAND, i, 1);
        int pressed = ui_is_pressed(a, ACT_KB_CAND, i);
        draw_round(a->r, b, m->radius, rgb(pressed ? 0xD0D4DA : i == 0 ? 0xFBE9EA : C_WHITE));
        ui_text_center(a, FACE_BOLD, m->heading, i == 0 ? C_RED : C_TEXT, b, ap->view.cand[i]);
    }
    /* 撤销 重写 删除 [拼音] 123 along the bottom of the right side. */
    int nb = pinyin_ok ? 5 : 4;
    int bw = (rw - (nb - 1) * m->gap) / nb;
    int by = y + h - m->target;
    SDL_Rect b = {rx, by, bw, m->target};
    ui_button(a, b, tr(a->lang, S_KB_UNDO), ACT_KB_UNDO, 0, 0xDADDE2, C_TEXT, ap->nstrokes > 0);
    b.x += bw + m->gap;
    ui_button(a, b, tr(a->lang, S_KB_CLEAR), ACT_KB_CLEAR, 0, 0xDADDE2, C_TEXT, ap->nstrokes > 0);
    b.x += bw + m->gap;
    ui_button(a, b, tr(a->lang, S_DELETE), ACT_KB_DELETE, 0, 0xDADDE2, C_TEXT, 1);
    b.x += bw + m->gap;
    if (pinyin_ok) {
        ui_button(a, b, tr(a->lang, S_KB_PINYIN), ACT_KB_MODE, KB_PINYIN, 0xDADDE2, C_TEXT, 1);
        b.x += bw + m->gap;
    }
    ui_button(a, b, tr(a->lang, S_KB_DIGITS), ACT_KB_MODE, KB_DIGITS, 0xDADDE2, C_TEXT, 1);
}


/* How many keys of full size fit across: 10 (a QWERTY keyboard) or fewer. */
static int kb_cols(const App *a)
{
    const Metrics *m = &a->m;
    int w = a->w - 2 * m->gap;
    return (w + m->gap) / (m->target + m->gap) >= 10 ? 10 : 9;
}

int kb_mode_ok(const App *a, KbMode mode)
{
    if (a->kb.secret && mode != KB_DIGITS)
        return 0; /* a passphrase never goes through an input method's memory */
    switch (mode) {
    case KB_PINYIN:
        return a->src->pinyin && !a->kb.py_off && kb_cols(a) >= 10;
    case KB_HAND:
        return a->src->hand && !a->kb.hand_off;
    case KB_DIGITS:
        break;
    }
    return 1;
}

void kb_draw(App *a, SDL_Rect area)
{
    const Metrics *m = &a->m;
    KbState *ap = &a->kb;
    int step = m->target + m->gap;
    int cols = kb_cols(a);
    if (!kb_mode_ok(a, ap->mode)) /* no room for QWERTY keys of full size */
        ap->mode = kb_mode_ok(a, KB_HAND) ? KB_HAND : KB_DIGITS;
    int x = area.x + m->gap, w = area.w - 2 * m->gap;
    int maxw = (int)(260 * m->pxmm);
    if (w > maxw) {
        w = maxw;
        x = area.x + (area.w - w) / 2;
    }
    int kw = (w - (cols - 1) * m->gap) / cols;
    if (kw > (int)(20 * m->pxmm))
        kw = (int)(20 * m->pxmm);
    int keys_h = 3 * step - m->gap;
    int bar_h = ap->mode == KB_PINYIN ? step : 0;
    int bottom = area.y + area.h - m->gap;
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    /* The pad grows into the room a tall screen has, up to 70 mm, leaving
     * the text three lines. */
    if (ap->mode == KB_HAND) {
        int room = area.h - 3 * m->gap - (3 * blh + m->pad);
        int most = (int)(70 * m->pxmm);
        keys_h = room > most ? most : room > keys_h ? room : keys_h;
    }
    int keys_y = bottom - keys_h;
    int text_h = keys_y - bar_h - area.y - 2 * m->gap;
    if (text_h > 12 * blh + m->pad)
        text_h = 12 * blh + m->pad;
    if (text_h >= blh + m->pad / 2) {
        SDL_Rect tb = {x, area.y + m->gap, w, text_h};
        text_box(a, tb);
    } else {
        /* A short screen: the text's last line in the band, over the title. */
        int back_w = ui_width(a, FACE_BOLD, m->body, tr(a->lang, S_BACK)) + 5 * m->pad;
        int next_w = ui_width(a, FACE_BOLD, m->body, tr(a->lang, S_AP_NEXT)) + 5 * m->pad;
        SDL_Rect tb = {back_w, (area.y - blh - m->pad / 2) / 2, a->w - back_w - next_w,
                       blh + m->pad / 2};
        draw_round(a->r, tb, m->radius, rgb(C_WHITE));
        LineSpan ls[64];
        char dots[AP_TEXT_CHARS * 3 + 1];
        const char *t = ap->text[0] ? shown(a, dots, sizeof dots) : tr(a->lang, a->kb.hint);
        int n = ui_break(a, FACE_REGULAR, m->body, t, tb.w - m->pad, 64, ls, 64);
        if (n > 0)
            ui_lines(a, FACE_REGULAR, m->body, ap->text[0] ? C_TEXT : C_TEXT2, tb.x + m->pad / 2,
                     tb.y + m->pad / 4, blh, t, ls + n - 1, 1);
    }
    if (bar_h) {
        SDL_Rect bar = {x, keys_y - bar_h, w, m->target};
        cand_bar(a, bar);
    }
    if (ap->mode == KB_PINYIN)
        qwerty(a, x, keys_y, w, kw);
    else if (ap->mode == KB_DIGITS)
        digits(a, x, keys_y, w, kw, cols);
    else
        handpad(a, x, keys_y, w, keys_h, kb_mode_ok(a, KB_PINYIN));
}
