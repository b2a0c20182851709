/*
 * officeform.c: 花名册, the roster edited at the office. The roster's
 * people, units and branches are found with the same search as 交办
 * (officepick.c, with a bar to switch between the three and 新增); a tap
 * opens the entry's form: a person's name, role and branch, a unit's name,
 * a branch's name and micro-grids. Names and grids are typed on the text
 * screen (pinyin, handwriting or a desk keyboard). 确认 writes a roster
 * record (roster_add_*, the same as a ledger import), which later sticks
 * carry to the halls; the fold keeps the latest. A new branch needs a new
 * hall and its kiosk, so branches are edited, never added, here.
 */
#include <stdio.h>
#include <string.h>

#include "appint.h"
/* printf formats here come from the string tables (strings.c), whose
 * conversions test_text checks against each _FMT entry's arguments. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "domain.h"
#include "ew.h"

#define NAME_CHARS 40
#define GRIDS_CHARS 150

void office_roster_open(App *a, int kind)
{
    a->off.form_branch_pick = 0;
    office_pick_open(a, kind, SCR_OFFICE_FORM);
}

/* The picker's bar on the roster: 人员, 单位, 支部 and 新增. */
void office_roster_bar(App *a, int y)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    static const struct {
        int kind;
        StrId label;
    } kinds[3] = {{PICK_PERSON, S_RO_PEOPLE}, {PICK_UNIT, S_RO_UNITS}, {PICK_BRANCH, S_RO_BRANCHES}};
    int x, w;
    ui_column(a, 200, &x, &w);
    for (int i = 0; i < 3; i++) {
        const char *lab = tr(a->lang, kinds[i].label);
        int cw = ui_chip_w(a, lab);
        ui_chip(a, (SDL_Rect){x, y, cw, m->target}, lab, ACT_OFF_RKIND, kinds[i].kind,
                o->pick_kind == kinds[i].kind);
        x += cw + m->gap;
    }
    const char *add = tr(a->lang, S_RO_NEW);
    int bw = ui_width(a, FACE_BOLD, m->body, add) + 4 * m->pad;
    int right = a->w - m->pad;
    if (x + bw <= right) /* branches come with halls: none is added here */
        ui_button(a, (SDL_Rect){right - bw, y, bw, m->target}, add, ACT_OFF_RNEW, 0, C_RED,
                  C_WHITE, o->pick_kind != PICK_BRANCH);
}

void office_form_open(App *a, const PickItem *p)
{
    OfficeState *o = &a->off;
    o->form_kind = o->pick_kind;
    o->form_id[0] = o->form_name[0] = o->form_branch[0] = o->form_branch_name[0] = 0;
    o->form_grids[0] = 0;
    o->form_role = -1;
    if (p) {
        snprintf(o->form_id, sizeof o->form_id, "%s", p->id);
        ew_utf8_copy(o->form_name, sizeof o->form_name, p->name);
        o->form_role = p->role[0] ? domain_index(DOMAIN_ROLES, p->role) : -1;
        snprintf(o->form_branch, sizeof o->form_branch, "%s", p->branch);
        ew_utf8_copy(o->form_grids, sizeof o->form_grids, p->grids);
        /* the branch's name is the part of sub after the role */
        const char *dot = p->sub ? strstr(p->sub, " · ") : NULL;
        ew_utf8_copy(o->form_branch_name, sizeof o->form_branch_name,
                     dot ? dot + strlen(" · ") : p->branch[0] ? p->sub : "");
    } else if (o->form_kind == PICK_BRANCH) {
        return; /* no new branches here */
    }
    app_go(a, SCR_OFFICE_FORM);
}

void office_form_text(App *a, int what)
{
    OfficeState *o = &a->off;
    o->text_for = what;
    kb_start(a, what == OT_NAME ? o->form_name : o->form_grids,
             what == OT_NAME ? NAME_CHARS : GRIDS_CHARS);
    a->kb.hint = S_OT_HINT;
    app_go(a, SCR_OFFICE_TEXT);
}

/* The text screen's 确认 for a name or the grids: into the form. */
void office_form_typed(App *a)
{
    OfficeState *o = &a->off;
    char *dst = o->text_for == OT_NAME ? o->form_name : o->form_grids;
    size_t n = o->text_for == OT_NAME ? sizeof o->form_name : sizeof o->form_grids;
    ew_utf8_copy(dst, n, a->kb.text);
    for (char *p = dst; *p; p++) /* one line */
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    app_go(a, SCR_OFFICE_FORM);
}

static int ready(const OfficeState *o)
{
    if (ew_blank(o->form_name))
        return 0;
    return o->form_kind != PICK_PERSON || o->form_role >= 0;
}

void office_form_save(App *a)
{
    OfficeState *o = &a->off;
    if (!ready(o))
        return;
    int leader = o->form_role >= 0 && strcmp(DOMAIN_ROLES[o->form_role].key, "leader") == 0;
    RosterEdit r = {.kind = o->form_kind,
                    .id = o->form_id[0] ? o->form_id : NULL,
                    .name = o->form_name,
                    .role = o->form_role >= 0 ? DOMAIN_ROLES[o->form_role].key : NULL,
                    .branch = !leader && o->form_branch[0] ? o->form_branch : NULL,
                    .grids = o->form_grids};
    char id[40], msg[256] = "";
    int rc = a->src->office_roster(a->src->office_ctx, &r, id, msg, sizeof msg);
    if (rc != 0) {
        SDL_Log("office roster: %s", msg);
        snprintf(o->why, sizeof o->why, "%s", msg);
        ui_toast(a, rc > 0 ? S_OC_REFUSED : S_LOAD_FAILED);
        return; /* the form stays, to be mended */
    }
    o->why[0] = 0;
    ui_toast(a, S_OF_SAVED);
    office_roster_open(a, o->form_kind); /* the list again, with the change */
    snprintf(o->query, sizeof o->query, "%s", id); /* showing the entry saved */
    office_pick_type(a, "");
}

/* A label and the button that changes it, on one row; returns the row's
 * height. */
static int row(App *a, int x, int y, int w, int lw, StrId label, const char *value, Action act)
{
    const Metrics *m = &a->m;
    int blh = ui_line_h(a, FACE_BOLD, m->body);
    ui_text(a, FACE_BOLD, m->body, C_TEXT, x, y + (m->target - blh) / 2, tr(a->lang, label));
    char lab[700];
    snprintf(lab, sizeof lab, tr(a->lang, S_OL_CHOOSE_FMT), value && *value ? value : tr(a->lang, S_OF_FILL));
    ui_button(a, (SDL_Rect){x + lw, y, w - lw, m->target}, lab, act, 0, C_WHITE,
              value && *value ? C_TEXT : C_TEXT2, 1);
    return m->target + m->gap;
}

void office_form_draw(App *a)
{
    const Metrics *m = &a->m;
    OfficeState *o = &a->off;
    int band_h = m->target + m->pad;
    SDL_Rect band = {0, 0, a->w, band_h};
    StrId title = o->form_kind == PICK_BRANCH ? S_OF_EDIT_BRANCH
                  : o->form_kind == PICK_UNIT ? (o->form_id[0] ? S_OF_EDIT_UNIT : S_OF_NEW_UNIT)
                                              : (o->form_id[0] ? S_OF_EDIT_PERSON : S_OF_NEW_PERSON);
    ui_header(a, band, 1, tr(a->lang, title), o->form_id[0] ? o->form_id : NULL);
    const char *ok = tr(a->lang, S_CONFIRM);
    int gw = ui_width(a, FACE_BOLD, m->body, ok) + 4 * m->pad;
    ui_button(a, (SDL_Rect){a->w - m->pad - gw, (band_h - m->target) / 2, gw, m->target}, ok,
              ACT_OFF_FSAVE, 0, C_WHITE, C_RED, ready(o));
    int x, w;
    ui_column(a, 170, &x, &w);
    int lw = 0;
    static const StrId labels[4] = {S_OF_NAME, S_OF_ROLE, S_OF_BRANCH, S_OF_GRIDS};
    for (int i = 0; i < 4; i++) {
        int t = ui_width(a, FACE_BOLD, m->body, tr(a->lang, labels[i])) + m->pad;
        lw = t > lw ? t : lw;
    }
    int y = band_h + 2 * m->gap;
    if (o->why[0]) {
        char line[400];
        snprintf(line, sizeof line, "%s：%s", tr(a->lang, S_OC_REFUSED), o->why);
        ui_text_fit(a, FACE_REGULAR, m->small, C_OVERDUE, x, y - m->gap, w, line);
        y += ui_line_h(a, FACE_REGULAR, m->small);
    }
    y += row(a, x, y, w, lw, S_OF_NAME, o->form_name, ACT_OFF_FNAME);
    if (o->form_kind == PICK_PERSON) {
        /* Roles as chips, wrapping under their label. */
        int blh = ui_line_h(a, FACE_BOLD, m->body);
        ui_text(a, FACE_BOLD, m->body, C_TEXT, x, y + (m->target - blh) / 2,
                tr(a->lang, S_OF_ROLE));
        int cx = x + lw;
        for (int i = 0; DOMAIN_ROLES[i].key; i++) {
            const char *lab = a->lang == LANG_EN ? DOMAIN_ROLES[i].en : DOMAIN_ROLES[i].zh;
            int cw = ui_chip_w(a, lab);
            if (cx > x + lw && cx + cw > x + w) {
                cx = x + lw;
                y += m->target + m->gap;
            }
            ui_chip(a, (SDL_Rect){cx, y, cw, m->target}, lab, ACT_OFF_FROLE, i, o->form_role == i);
            cx += cw + m->gap;
        }
        y += m->target + m->gap;
        int leader = o->form_role >= 0 && strcmp(DOMAIN_ROLES[o->form_role].key, "leader") == 0;
        if (!leader) /* the town's leaders belong to no branch */
            y += row(a, x, y, w, lw, S_OF_BRANCH, o->form_branch_name, ACT_OFF_FBRANCH);
        if (o->form_id[0] && a->src->office_person) { /* a person on the roster: their results */
            const char *lab = tr(a->lang, S_OP_BUTTON);
            int bw = ui_width(a, FACE_BOLD, m->body, lab) + 3 * m->pad;
            ui_button(a, (SDL_Rect){x + lw, y, bw, m->target}, lab, ACT_OFF_PERSON, 0, C_WHITE,
                      C_RED, 1);
        }
    } else if (o->form_kind == PICK_BRANCH) {
        y += row(a, x, y, w, lw, S_OF_GRIDS, o->form_grids, ACT_OFF_FGRIDS);
    }
}
