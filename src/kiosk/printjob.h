/*
 * printjob.h: the kiosk's receipt printer behind the Source's print_start
 * and print_poll (model.h). The slip is laid out on the screen's thread
 * (its fonts share FreeType with the screen's) and sent by a worker
 * thread, so the screen keeps answering while a slow or jammed printer
 * takes its few seconds.
 */
#ifndef EW_KIOSK_PRINTJOB_H
#define EW_KIOSK_PRINTJOB_H

#include <sqlite3.h>

#include "ballot.h"
#include "model.h"

typedef struct PrintJob PrintJob;

PrintJob *printjob_new(sqlite3 *db);
/* Waits for a job still running, then frees. NULL is fine. */
void printjob_free(PrintJob *p);
/* Sets src->print_start, src->print_poll and src->print_ctx to p. */
void printjob_wire(Source *src, PrintJob *p);

/* Staff's printing, done while they wait: whether the printer can print
 * (1; else 0 and why in msg), and n ballot tokens for a meeting, one slip
 * a job (EW_OK, or an error with msg). */
int printjob_ready(sqlite3 *db, char *msg, int msglen);
int printjob_tokens(sqlite3 *db, const char *topic, const BallotToken *tokens, int n, char *msg,
                    int msglen);

#endif
