/*
 * input.c: pinyin and handwriting for the kiosk's keyboard (see input.h).
 */
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ew.h"
#include "hand.h"
#include "pinyin.h"

struct Input {
    ImePinyin *py;
    ImeHand *hand;
    int py_failed, hand_failed; /* tried once and could not open */
};

Input *input_new(void)
{
    return ew_xcalloc(1, sizeof(Input));
}

void input_free(Input *in)
{
    if (!in)
        return;
    ime_pinyin_close(in->py);
    ime_hand_close(in->hand);
    free(in);
}

/* Copies what fits: a candidate longer than the view's slot is left out
 * rather than cut inside a character. */
static void copy_cand(ImeView *v, const char *s)
{
    if (v->n < IME_CANDS && strlen(s) < sizeof v->cand[0])
        snprintf(v->cand[v->n++], sizeof v->cand[0], "%s", s);
}

static void pinyin(void *ctx, int op, int arg, ImeView *view, char *commit, int commitlen)
{
    Input *in = ctx;
    if (commit && commitlen > 0)
        commit[0] = 0;
    memset(view, 0, sizeof *view);
    if (!in->py && !in->py_failed) {
        EwErr e = {0};
        in->py = ime_pinyin_open(NULL, NULL, &e);
        if (!in->py) {
            in->py_failed = 1;
            fprintf(stderr, "echowall: pinyin input is off: %s\n", e.msg);
        } else {
            ime_pinyin_set_page_size(in->py, IME_CANDS);
        }
    }
    if (!in->py) {
        view->off = 1;
        return;
    }
    char done[IME_TEXT_MAX];
    switch (op) {
    case IME_KEY:
        ime_pinyin_key(in->py, arg);
        break;
    case IME_BACK:
        ime_pinyin_backspace(in->py);
        break;
    case IME_CLEAR:
        ime_pinyin_clear(in->py);
        break;
    case IME_PAGE:
        ime_pinyin_page(in->py, arg);
        break;
    case IME_PICK:
        if (ime_pinyin_pick(in->py, arg, done, sizeof done) == 1 && commit)
            snprintf(commit, (size_t)commitlen, "%s", done);
        break;
    }
    static ImeState st; /* 2.5 KiB: not on the stack of every keystroke; one UI thread */
    ime_pinyin_state(in->py, &st);
    snprintf(view->preedit, sizeof view->preedit, "%s", st.preedit);
    snprintf(view->raw, sizeof view->raw, "%s", st.input);
    for (int i = 0; i < st.ncand; i++)
        copy_cand(view, st.cand[i]);
    view->page = st.page;
    view->more = st.more;
}

static void hand(void *ctx, int op, int x, int y, ImeView *view)
{
    Input *in = ctx;
    memset(view, 0, sizeof *view);
    if (!in->hand && !in->hand_failed) {
        EwErr e = {0};
        in->hand = ime_hand_open(NULL, &e);
        if (!in->hand || ime_hand_begin(in->hand, 1000, 1000) != EW_OK) {
            in->hand_failed = 1;
            fprintf(stderr, "echowall: handwriting input is off: %s\n", e.msg);
            ime_hand_close(in->hand);
            in->hand = NULL;
        }
    }
    if (!in->hand) {
        view->off = 1;
        return;
    }
    switch (op) {
    case HAND_POINT:
        ime_hand_stroke_point(in->hand, x, y);
        break;
    case HAND_END:
        ime_hand_stroke_end(in->hand);
        break;
    case HAND_UNDO:
        ime_hand_undo(in->hand);
        break;
    case HAND_CLEAR:
        ime_hand_clear(in->hand);
        break;
    }
    char out[IME_CANDS][IME_HAND_CHAR_MAX];
    int n = ime_hand_candidates(in->hand, IME_CANDS, out, NULL);
    for (int i = 0; i < n; i++)
        copy_cand(view, out[i]);
}

void input_wire(Source *src, Input *in)
{
    src->pinyin = pinyin;
    src->hand = hand;
    src->ime_ctx = in;
}
