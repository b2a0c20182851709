/*
 * model.c: freeing what a Source filled.
 */
#include "model.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void card_clear(Card *c)
{
    if (!c)
        return;
    free(c->hall_name);
    free(c->category);
    free(c->text);
    free(c->status);
    free(c->member);
    free(c->unit);
    free(c->answer);
    free(c->leader);
    memset(c, 0, sizeof *c);
}

void cardlist_free(CardList *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++)
        card_clear(&l->cards[i]);
    free(l->cards);
    l->cards = NULL;
    l->n = 0;
}

void detail_free(Detail *d)
{
    if (!d)
        return;
    card_clear(&d->card);
    free(d->grid);
    free(d->satisfaction);
    if (d->contact) /* the villager's phone: gone from memory, not just freed */
        sodium_memzero(d->contact, strlen(d->contact));
    free(d->contact);
    free(d->source);
    for (int i = 0; i < d->nsteps; i++) {
        free(d->steps[i].kind);
        free(d->steps[i].detail);
    }
    free(d->steps);
    memset(d, 0, sizeof *d);
}

void figures_free(Figures *f)
{
    if (!f)
        return;
    free(f->town);
    free(f->hall_name);
    free(f->last_sync);
    memset(f, 0, sizeof *f);
}

void meeting_info_free(MeetingInfo *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n; i++) {
        free(m->names[i]);
        free(m->roles[i]);
    }
    free(m->names);
    free(m->roles);
    free(m->topic);
    memset(m, 0, sizeof *m);
}

void strlist_free(StrList *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void candidates_free(CandidateList *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].role);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

void meeting_result_free(MeetingResult *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++) {
        free(r->rows[i].name);
        free(r->rows[i].role);
    }
    free(r->rows);
    free(r->topic);
    memset(r, 0, sizeof *r);
}

void office_list_free(OfficeList *l)
{
    cardlist_free(&l->cards);
    memset(l, 0, sizeof *l);
}

void picklist_free(PickList *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].sub);
        free(l->v[i].grids);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

void charts_free(Charts *c)
{
    for (int i = 0; i < c->nunits; i++)
        free(c->units[i].label);
    for (int i = 0; i < c->nbranches; i++)
        free(c->branches[i].label);
    free(c->units);
    free(c->branches);
    memset(c, 0, sizeof *c);
}

void personeval_free(PersonEval *p)
{
    for (int i = 0; i < p->nm; i++)
        free(p->m[i].label);
    for (int i = 0; i < p->nr; i++)
        free(p->r[i].label);
    free(p->m);
    free(p->r);
    memset(p, 0, sizeof *p);
}

void meetinglist_free(MeetingList *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].hall_name);
        free(l->v[i].topic);
        free(l->v[i].void_reason);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

void devicelist_free(DeviceList *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i].hall_name);
    free(l->v);
    memset(l, 0, sizeof *l);
}
