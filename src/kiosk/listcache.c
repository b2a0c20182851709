/*
 * listcache.c: the office's lists from one cached pass (see listcache.h).
 *
 * A pass reads view.c's appeals (the rows the wall reads) one at a time
 * into Entries: the Card as the office shows it (the text before it is
 * public, the responsible leader) and the bits of the lists it is on. The
 * lists that depend on a chosen unit or branch are not bits: the entry
 * keeps the unit's id and the Card its hall, compared with the query's key
 * at each tap. A tap copies the matching Cards out (the caller owns and
 * frees them as before) and orders them as its list wants.
 */
#include "listcache.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "sourceint.h"
#include "view.h"

#define WEEK_DAYS 7

/* One appeal as the last pass saw it. */
typedef struct Entry {
    Card card;        /* as the office's lists show it (owned) */
    unsigned on;      /* 1 << OL_* of the lists not needing a key */
    char unit_id[40]; /* the responsible unit's roster id, "" none */
} Entry;

struct ListCache {
    sqlite3 *db;       /* borrowed */
    Entry *v;          /* n entries, in view.c's order (newest first) */
    int n, cap;
    int valid;         /* 1 when v is what the key below was taken with */
    int64_t version;   /* PRAGMA data_version when the pass was made */
    int64_t changes;   /* sqlite3_total_changes64 then */
    int64_t today;     /* db_today then */
    long passes;       /* passes made so far */
};

ListCache *listcache_new(sqlite3 *db)
{
    ListCache *c = ew_xcalloc(1, sizeof *c);
    c->db = db;
    return c;
}

static void drop(ListCache *c)
{
    for (int i = 0; i < c->n; i++)
        card_clear(&c->v[i].card);
    c->n = 0;
    c->valid = 0;
}

void listcache_free(ListCache *c)
{
    if (!c)
        return;
    drop(c);
    free(c->v);
    free(c);
}

long listcache_passes(const ListCache *c)
{
    return c->passes;
}

static int is(json_t *o, const char *k, const char *v)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && v && strcmp(s, v) == 0;
}

/* Which of the keyless lists an appeal is on, as bits (1 << OL_*). */
static unsigned lists_of(json_t *o, int64_t today)
{
    unsigned on = 1u << OL_ALL;
    int solved = is(o, "status", "solved");
    int waiting = !json_is_true(json_object_get(o, "published")) &&
                  !json_is_true(json_object_get(o, "redacted")) &&
                  json_is_string(json_object_get(o, "text"));
    if (is(o, "status", "received") || (waiting && !solved))
        on |= 1u << OL_INBOX;
    int64_t due;
    const char *d = json_string_value(json_object_get(o, "due"));
    if (!solved && d && clock_parse_day(d, &due) == 0) {
        if (due < today)
            on |= 1u << OL_OVERDUE;
        else if (due - today < WEEK_DAYS)
            on |= 1u << OL_WEEK;
    }
    if (!solved && is(o, "grade", "orange"))
        on |= 1u << OL_ORANGE;
    return on;
}

/* Where the text stands: hidden once redacted (or purged), whether or not
 * it had been on the wall; else public or waiting for approval. */
int listcache_text_state(json_t *o)
{
    if (json_is_true(json_object_get(o, "redacted")) || !json_is_string(json_object_get(o, "text")))
        return TEXT_HIDDEN;
    return json_is_true(json_object_get(o, "published")) ? TEXT_PUBLIC : TEXT_WAITING;
}

static int add_entry(void *ctx, json_t *o)
{
    ListCache *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->v = ew_xrealloc(c->v, (size_t)c->cap * sizeof *c->v);
    }
    Entry *e = &c->v[c->n++];
    memset(e, 0, sizeof *e);
    source_fill_card(&e->card, o, c->today);
    free(e->card.text);
    e->card.text = source_dup(o, "text"); /* the office reads it before the wall does */
    e->card.leader = source_dup(o, "leader");
    e->card.text_state = listcache_text_state(o);
    e->on = lists_of(o, c->today);
    source_copy(o, "unit_id", e->unit_id, sizeof e->unit_id);
    return 0;
}

/* What the cache would be taken with now. */
static int key_now(ListCache *c, int64_t *version, int64_t *changes, int64_t *today, EwErr *err)
{
    int rc = db_int(c->db, err, version, 0, "PRAGMA data_version", NULL);
    *changes = (int64_t)sqlite3_total_changes64(c->db);
    *today = db_today(c->db);
    return rc;
}

/* Makes the cache current: a new pass unless nothing it depends on moved. */
static int refresh(ListCache *c, EwErr *err)
{
    int64_t version, changes, today;
    int rc = key_now(c, &version, &changes, &today, err);
    if (rc)
        return rc;
    if (c->valid && version == c->version && changes == c->changes && today == c->today)
        return EW_OK;
    drop(c);
    c->today = today;
    AppealFilter all = {0};
    rc = view_appeals_each(c->db, &all, add_entry, c, err);
    c->passes++;
    if (rc) {
        drop(c);
        return rc;
    }
    /* The pass only reads; the key is taken again after it in case the
     * reading itself settled something (a fold) on this connection. */
    if ((rc = key_now(c, &c->version, &c->changes, &today, err))) {
        drop(c);
        return rc;
    }
    c->valid = today == c->today; /* midnight passed during the pass: next time again */
    return EW_OK;
}

static char *dup_or_null(const char *s)
{
    return s ? ew_xstrdup(s) : NULL;
}

/* A deep copy of a Card. */
static void card_copy(Card *dst, const Card *src)
{
    *dst = *src;
    dst->hall_name = dup_or_null(src->hall_name);
    dst->category = dup_or_null(src->category);
    dst->text = dup_or_null(src->text);
    dst->status = dup_or_null(src->status);
    dst->member = dup_or_null(src->member);
    dst->unit = dup_or_null(src->unit);
    dst->answer = dup_or_null(src->answer);
    dst->leader = dup_or_null(src->leader);
}

/* Orders: the inbox oldest first (first come, first handled); overdue most
 * overdue first; due dates soonest first; the rest as view.c gives them,
 * newest first. Ties keep the code order, so a list never shuffles. */
static int by_created(const void *x, const void *y)
{
    const Card *a = x, *b = y;
    int c = strcmp(a->created, b->created);
    return c ? c : strcmp(a->code, b->code);
}

static int by_overdue(const void *x, const void *y)
{
    const Card *a = x, *b = y;
    if (a->overdue_days != b->overdue_days)
        return a->overdue_days > b->overdue_days ? -1 : 1;
    return strcmp(a->code, b->code);
}

static int by_due(const void *x, const void *y)
{
    const Card *a = x, *b = y;
    int c = strcmp(a->due, b->due);
    return c ? c : strcmp(a->code, b->code);
}

int listcache_query(ListCache *c, const OfficeQuery *q, OfficeList *out, EwErr *err)
{
    memset(out, 0, sizeof *out);
    if (q->list < 0 || q->list >= OL_COUNT)
        return ew_err(err, EW_EINPUT, "no such list");
    int rc = refresh(c, err);
    if (rc)
        return rc;
    const char *key = q->key;
    CardList *cl = &out->cards;
    int want = 0;
    for (int pass = 0; pass < 2; pass++) { /* count, then copy the list's cards */
        for (int i = 0; i < c->n; i++) {
            const Entry *e = &c->v[i];
            unsigned on = e->on;
            if (key && strcmp(e->unit_id, key) == 0)
                on |= 1u << OL_UNIT;
            if (key && strcmp(e->card.hall, key) == 0)
                on |= 1u << OL_BRANCH;
            if (pass == 0) {
                for (int l = 0; l < OL_COUNT; l++)
                    out->counts[l] += (on >> l) & 1;
            } else if ((on >> q->list) & 1) {
                card_copy(&cl->cards[cl->n++], &e->card);
            }
        }
        if (pass == 0) {
            want = out->counts[q->list];
            cl->cards = ew_xcalloc((size_t)(want ? want : 1), sizeof *cl->cards);
        }
    }
    int (*order)(const void *, const void *) = q->list == OL_INBOX     ? by_created
                                               : q->list == OL_OVERDUE ? by_overdue
                                               : q->list == OL_WEEK || q->list == OL_ORANGE ? by_due
                                                                                            : NULL;
    if (order && cl->n > 1)
        qsort(cl->cards, (size_t)cl->n, sizeof *cl->cards, order);
    return EW_OK;
}
