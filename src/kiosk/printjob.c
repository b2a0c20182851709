/*
 * printjob.c: appeal slips to the printer on a worker thread (printjob.h).
 */
#include "printjob.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "device.h"
#include "domain.h"
#include "ew.h"
#include "print.h"

struct PrintJob {
    sqlite3 *db;
    pthread_t thread;
    int started;          /* a thread to join */
    pthread_mutex_t lock; /* guards done, result, msg */
    int done;
    int result;           /* a PRINT_* once done */
    char msg[256];
    /* The job, owned by the thread while it runs. */
    char *path;
    EscBuf bytes;
};

PrintJob *printjob_new(sqlite3 *db)
{
    PrintJob *p = ew_xcalloc(1, sizeof *p);
    p->db = db;
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

static void join(PrintJob *p)
{
    if (p->started)
        pthread_join(p->thread, NULL);
    p->started = 0;
    free(p->path);
    p->path = NULL;
    escpos_buf_free(&p->bytes);
}

void printjob_free(PrintJob *p)
{
    if (!p)
        return;
    join(p);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static int print_state(int rc, PrinterState st)
{
    if (rc == EW_OK)
        return st == PRINTER_STATUS_UNKNOWN ? PRINT_SENT_UNKNOWN
               : st == PRINTER_PAPER_LOW    ? PRINT_PAPER_LOW
                                            : PRINT_DONE;
    switch (st) {
    case PRINTER_ABSENT:
        return rc == EW_ENOTFOUND ? PRINT_NO_PRINTER : PRINT_FAILED;
    case PRINTER_PAPER_OUT:
        return PRINT_PAPER_OUT;
    case PRINTER_COVER_OPEN:
        return PRINT_COVER_OPEN;
    case PRINTER_OFFLINE:
        return PRINT_OFFLINE;
    default:
        return PRINT_FAILED;
    }
}

static void finish(PrintJob *p, int result, const char *msg)
{
    pthread_mutex_lock(&p->lock);
    p->result = result;
    snprintf(p->msg, sizeof p->msg, "%.*s", (int)sizeof p->msg - 1, msg ? msg : "");
    p->done = 1;
    pthread_mutex_unlock(&p->lock);
}

static void *send_job(void *arg)
{
    PrintJob *p = arg;
    EwErr e = {0};
    PrinterState st = PRINTER_ABSENT;
    int rc = print_send(p->path, p->bytes.data, p->bytes.len, &st, &e);
    finish(p, print_state(rc, st), rc == EW_OK ? "" : e.msg);
    return NULL;
}

/* Where and how this kiosk prints: its hall's name, printer.path, the
 * paper's width (printer.width) in dots, today. */
typedef struct Place {
    char hall[4];
    char *hall_name; /* NULL: the code stands in */
    char *path;
    int dots;
    char today[11];
} Place;

static int place(sqlite3 *db, Place *pl, EwErr *e)
{
    memset(pl, 0, sizeof *pl);
    Author self;
    if (device_load_self(db, &self, NULL) == EW_OK)
        snprintf(pl->hall, sizeof pl->hall, "%s", self.hall);
    sodium_memzero(&self, sizeof self);
    db_text(db, NULL, &pl->hall_name, "SELECT name FROM branches WHERE code=?", "t", pl->hall);
    config_get(db, "printer.path", &pl->path, NULL);
    char *width = NULL;
    config_get(db, "printer.width", &width, NULL);
    clock_format_day(db_today(db), pl->today);
    pl->dots = 384;
    int rc = print_width_dots(width ? width : "58", &pl->dots, e);
    free(width);
    return rc;
}

static void place_free(Place *pl)
{
    free(pl->hall_name);
    free(pl->path);
}

/* The slip laid out here, sent by a thread. */
static void print_start(void *ctx, const AppealDraft *d, const Receipt *r)
{
    PrintJob *p = ctx;
    join(p); /* the previous slip's thread ended long ago: the page waited for it */
    pthread_mutex_lock(&p->lock);
    p->done = 0;
    pthread_mutex_unlock(&p->lock);
    Place pl;
    EwErr e = {0};
    int rc = place(p->db, &pl, &e);
    const Term *cat = domain_find(DOMAIN_CATEGORIES, d->category);
    AppealSlip slip = {.hall = pl.hall_name ? pl.hall_name : pl.hall, .date = pl.today,
                       .code = r->code, .category = cat ? cat->zh : d->category, .text = d->text,
                       .url = r->url, .rating_code = r->rating};
    if (rc == EW_OK)
        rc = print_appeal_bytes(&slip, pl.dots, NULL, &p->bytes, &e);
    p->path = pl.path; /* the thread's now */
    pl.path = NULL;
    place_free(&pl);
    if (rc != EW_OK) { /* not the printer's fault: "failed", said at once */
        finish(p, PRINT_FAILED, e.msg);
        return;
    }
    if (pthread_create(&p->thread, NULL, send_job, p) != 0) {
        finish(p, PRINT_FAILED, "cannot start the printing thread");
        return;
    }
    p->started = 1;
}

int printjob_ready(sqlite3 *db, char *msg, int msglen)
{
    char *path = NULL;
    config_get(db, "printer.path", &path, NULL);
    Printer *pr = NULL;
    PrinterState st = PRINTER_ABSENT;
    EwErr e = {0};
    if (printer_open(path, &pr, &st, &e) == EW_OK)
        st = printer_status(pr, PRINTER_STATUS_TIMEOUT_MS, NULL);
    printer_close(pr);
    free(path);
    if (!printer_state_can_print(st))
        snprintf(msg, (size_t)msglen, "%s", printer_state_zh(st));
    return printer_state_can_print(st);
}

int printjob_tokens(sqlite3 *db, const char *topic, const BallotToken *tokens, int n, char *msg,
                    int msglen)
{
    Place pl;
    EwErr e = {0};
    EscBuf b = {0};
    int rc = place(db, &pl, &e);
    for (int i = 0; rc == EW_OK && i < n; i++) {
        TokenSlip slip = {.hall = pl.hall_name ? pl.hall_name : pl.hall, .topic = topic,
                          .date = pl.today, .token = tokens[i].digits};
        rc = print_token_bytes(&slip, pl.dots, NULL, &b, &e);
    }
    PrinterState st;
    if (rc == EW_OK)
        rc = print_send(pl.path, b.data, b.len, &st, &e);
    escpos_buf_free(&b);
    place_free(&pl);
    if (rc != EW_OK)
        snprintf(msg, (size_t)msglen, "%s", e.msg);
    return rc;
}

static int print_poll(void *ctx, char *msg, int msglen)
{
    PrintJob *p = ctx;
    pthread_mutex_lock(&p->lock);
    int done = p->done, result = p->result;
    if (done && msg)
        snprintf(msg, (size_t)msglen, "%s", p->msg);
    pthread_mutex_unlock(&p->lock);
    return done ? result : -1;
}

void printjob_wire(Source *src, PrintJob *p)
{
    src->print_start = print_start;
    src->print_poll = print_poll;
    src->print_ctx = p;
}
