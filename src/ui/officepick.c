/*
 * officepick.c: the roster searched as staff type, for choosing who
 * handles an appeal (a leading member, a responsible leader, a unit),
 * which unit's or branch's appeals to list, which hall a new kiosk stands
 * in, and on 花名册 which entry to edit (officeform.c); pick_back says
 * which.
 *
 * What is typed is matched as it is, not composed: Chinese characters (a
 * desk keyboard's own input method, a scanner) match the name's
 * characters, Latin letters its pinyin or the pinyin's initials ("zs" or
 * "zhangs" finds 张三; src/ime/namematch.c), so the on-screen keys are
 * plain letters. Namesakes are told apart by their role and branch. Each
 * keystroke asks the source again: a roster is a few hundred names.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
#include "ew.h"

#define PICK_MAX 40 /* matches shown at most */

static const char *const ROWS[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

static void search(App *a)
{
    OfficeState *o = &a->off;
    picklist_free(&o->picks);
    char msg[256];
    o->picks_failed = a->src->office_pick(a->src->office_ctx, o->pick_kind, o->query, PICK_MAX,
                                          &o->picks, msg, sizeof msg) != 0;
    if (o->picks_failed)
        SDL_Log("office pick: %s", msg);
    a->dirty = 1;
}

void office_pick_open(App *a, int kind, int back)
{
    OfficeState *o = &a->off;
    o->pick_kind = kind;
    o->pick_back = back;
    o->query[0] = 0;
    search(a);
    app_go(a, SCR_OFFICE_PICK);
}

void office_pick_type(App *a, const char *text)
{
    OfficeState *o = &a->off;
    size_t n = strlen(o->query);
    /* Whole characters while they fit, never half of a UTF-8 sequence;
     * control characters are not part of a name. */
    for (const char *p = text; *p;) {
        size_t len = 1;
        while (((unsigned char)p[len] & 0xC0) == 0x80)
            len++;
        if (n + len >= sizeof o->query)
            break;
        if ((unsigned char)*p >= 0x20 && *p != 0x7f) {
            memcpy(o->query + n, p, len);
            n += len;
        }
        p += len;
    }
    o->query[n] = 0;
    search(a);
}

static void delete_char(App *a)
{
    OfficeState *o = &a->off;
    size_t n = strlen(o->query);
    while (n > 0 && ((unsigned char)o->query[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    o->query[n] = 0;
    search(a);
}

void office_pick_key(App *a, int key)
{
    OfficeState *o = &a->off;
    if (key == KEY_BACKSPACE) {
        delete_char(a);
    } else if (key == KEY_DELETE) {
        o->query[0] = 0;
        search(a);
    } else if (key == KEY_RETURN && o->picks.n > 0) {
        office_pick_choose(a, 0); /* the best match */
    }
}

void office_pick_choose(App *a, int i)
{
    OfficeState *o = &a->off;
    if (i < 0 || i >= o->picks.n)
        return;
    const PickItem *p = &o->picks.v[i];
    if (o->pick_back == SCR_OFFICE_FORM && o->form_branch_pick) { /* the person's branch */
        snprintf(o->form_branch, sizeof o->form_branch, "%.3s", p->id); /* a hall code */
        ew_utf8_copy(o->form_branch_name, sizeof o->form_branch_name, p->name);
        o->form_branch_pick = 0;
        app_go(a, SCR_OFFICE_FORM);
    } else if (o->pick_back == SCR_OFFICE_FORM) { /* 花名册: this entry, to edit */
        office_form_open(a, p);
    } else if (o->pick_back == SCR_OFFICE_DEVICES) {
        office_enrol(a, p->id, p->name); /* the hall whose new kiosk asked */
    } else if (o->pick_back == SCR_OFFICE) {
        snprintf(o->key, sizeof o->key, "%s", p->id);
        ew_utf8_copy(o->key_name, sizeof o->key_name, p->name);
        o->list = o->pick_kind == PICK_UNIT ? OL_UNIT : OL_BRANCH;
        o->loaded = 0;
        o->scroll = o->vel = 0;
        o->sel = 0;
        app_go(a, SCR_OFFICE);
    } else {
        int slot = o->pick_kind == PICK_MEMBER ? 0 : o->pick_kind == PICK_LEADER ? 1 : 2;
        snprintf(o->who[slot], sizeof o->who[slot], "%s", p->id);
        ew_utf8_copy(o->who_name[slot], sizeof o->who_name[slot], p->name);
        app_go(a, SCR_OFFICE_ASSIGN);
    }
}

/* A key of the picker's. */
static void key(App *a, SDL_Rect b, int letter)
{
    char lab[2] = {(char)letter, 0};
    ui_button(a, b, lab, ACT_OFF_QKEY, letter, C_WHITE, C_TEXT, 1);
}

/* The letter keys with 删除 and 清空; returns their top. Ten keys of 12 mm
 * across make a QWERTY board; a narrower screen gets the alphabet in two
 * rows a page, with a key to turn the page. */
static int keys(App *a)
{
    const Metrics *m = &a->m;
    int step = m->target + m->gap;
    int w = a->w - 2 * m->pad;
    int maxw = (int)(200 * m->pxmm);
    if (w > maxw)
        w = maxw;
    int cols = (w + m->gap) / step;
    cols = cols > 10 ? 10 : cols < 4 ? 4 : cols;
    int kw = (w - (cols - 1) * m->gap) / cols;
    if (kw < m->target)
        kw = m->target; /* at least 12 mm, even if the row is cut */
    int x0 = (a->w - (cols * kw + (cols - 1) * m->gap)) / 2;
    int rows = cols == 10 ? 3 : 2;
    int top = a->h - m->pad - rows * step + m->gap;
    int by = top + (rows - 1) * step, bx, bw;
    if (cols == 10) {
        for (int r = 0; r < 3; r++) {
            int n = (int)strlen(ROWS[r]);
            int x = x0 + (r == 1 ? kw / 2 : 0);
            for (int i = 0; i < n; i++)
                key(a, (SDL_Rect){x + i * (kw + m->gap), top + r * step, kw, m->target},
                    ROWS[r][i]);
        }
        bx = x0 + 7 * (kw + m->gap);
        bw = (3 * kw + m->gap) / 2;
    } else {
        int per = 2 * cols - 3; /* letters a page: 删除, 清空 and the page key close row two */
        int pages = (26 + per - 1) / per;
        int page = a->off.kpage % pages;
        int first = page * per, n = 26 - first < per ? 26 - first : per;
        for (int i = 0; i < n; i++)
            key(a, (SDL_Rect){x0 + (i % cols) * (kw + m->gap), top + (i / cols) * step, kw,
                              m->target},
                'a' + first + i);
        char lab[16];
        int next = (page + 1) % pages, nf = next * per, nl = nf + per - 1 > 25 ? 25 : nf + per - 1;
        snprintf(lab, sizeof lab, "%c-%c", 'a' + nf, 'a' + nl);
        SDL_Rect pb = {x0 + (cols - 3) * (kw + m->gap), by, kw, m->target};
        ui_button(a, pb, lab, ACT_OFF_QPAGE, 0, 0xE8EAED, C_TEXT, 1);
        bx = x0 + (cols - 2) * (kw + m->gap);
        bw = kw;
    }
    SDL_Rect del = {bx, by, bw, m->target};
    ui_button(a, del, tr(a->lang, S_DELETE), ACT_OFF_QDEL, 0, 0xE8EAED, C_TEXT,
              a->off.query[0] != 0);
    SDL_Rect clr = {bx + bw + m->gap, by, bw, m->target};
    ui_button(a, clr, tr(a->lang, S_PK_CLEAR), ACT_OFF_QCLEAR, 0, 0xE8EAED, C_TEXT,
              a->off.query[0] != 0);
    return top;
}

void office_pick_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    static const StrId titles[5] = {S_PK_MEMBER, S_PK_LEADER, S_PK_UNIT, S_PK_BRANCH, S_RO_TITLE};
    int roster = o->pick_back == SCR_OFFICE_FORM && !o->form_branch_pick;
    ui_header(a, band, 1, tr(a->lang, roster ? S_RO_TITLE : titles[o->pick_kind]), NULL);
    int x, w;
    ui_column(a, 200, &x, &w);
    int y = band_h + m->gap;
    if (roster) { /* 花名册: which list, and 新增 */
        office_roster_bar(a, y);
        y += m->target + m->gap;
    }
    int blh = ui_line_h(a, FACE_REGULAR, m->body);
    /* The query, in a white box with a caret; the hint while empty. */
    SDL_Rect q = {x, y, w, blh + m->pad / 2};
    draw_round(a->r, q, m->radius, rgb(C_WHITE));
    draw_round_outline(a->r, q, m->radius, 2, rgb(C_RED));
    if (o->query[0]) {
        int tw = ui_text_fit(a, FACE_REGULAR, m->body, C_TEXT, x + m->pad / 2, y + m->pad / 4,
                             w - m->pad, o->query);
        SDL_Rect caret = {x + m->pad / 2 + tw + 2, y + m->pad / 4, 2, blh};
        draw_fill(a->r, caret, rgb(C_RED));
    } else {
        ui_text_fit(a, FACE_REGULAR, m->body, C_GREY, x + m->pad / 2, y + m->pad / 4, w - m->pad,
                    tr(a->lang, S_PK_HINT));
    }
    y += q.h + m->gap;
    int top = keys(a);
    /* The matches, in two columns on a wide screen, as many as fit. */
    SDL_Rect area = {x, y, w, top - m->gap - y};
    if (o->picks_failed || o->picks.n == 0) {
        ui_text_center(a, FACE_REGULAR, m->body, C_TEXT2, area,
                       tr(a->lang, o->picks_failed ? S_LOAD_FAILED : S_PK_NONE));
        return;
    }
    int cols = w >= (int)(150 * m->pxmm) ? 2 : 1;
    int cw = (w - (cols - 1) * m->gap) / cols;
    int rows = (area.h + m->gap) / (m->target + m->gap);
    if (rows < 1)
        rows = 1; /* a very short screen: the best match still shows */
    for (int i = 0; i < o->picks.n && i < rows * cols; i++) {
        const PickItem *p = &o->picks.v[i];
        SDL_Rect r = {x + (i / rows) * (cw + m->gap), y + (i % rows) * (m->target + m->gap),
                      cw, m->target};
        ui_control(a, r, p->name, ACT_OFF_PICK, i, 1);
        int pressed = ui_is_pressed(a, ACT_OFF_PICK, i);
        draw_round(a->r, r, m->radius, rgb(pressed ? 0xDDE1E6 : i == 0 ? 0xFFF4E5 : C_WHITE));
        int nw = ui_text_fit(a, FACE_BOLD, m->body, C_TEXT, r.x + m->pad / 2,
                             r.y + (r.h - blh) / 2, r.w - m->pad, p->name);
        if (p->sub)
            ui_text_fit(a, FACE_REGULAR, m->small, C_TEXT2, r.x + m->pad + nw,
                        r.y + (r.h - ui_line_h(a, FACE_REGULAR, m->small)) / 2,
                        r.w - 3 * m->pad / 2 - nw, p->sub);
    }
}
