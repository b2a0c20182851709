/*
 * appeal.h: what can be done to an appeal (DESIGN.md §2).
 *
 * Each operation checks its inputs (syntax only), turns them into one
 * record and writes it with device_author(): the fold decides whether the
 * author's role and the appeal's status allow it, so the rules are the same
 * for the command line, the kiosk, the office and records from a stick.
 * Free text (the appeal, notes, answers) goes into blobs; the optional
 * contact is sealed to the town's public key (libsodium sealed box) so only
 * the office can open it. All run inside the caller's transaction.
 *
 * `day` arguments ("YYYY-MM-DD" or NULL for today) backdate an event, as the
 * ledger import and the demo do; `hlc` 0 stamps records now.
 */
#ifndef EW_APPEAL_H
#define EW_APPEAL_H

#include <sqlite3.h>

#include "code.h"
#include "device.h"

#define APPEAL_TEXT_MAX 2000 /* bytes of UTF-8 */
#define RATING_CODE_LEN 6
#define APPEAL_CONTACT_MAX 64 /* bytes a contact needs, NUL included */

typedef struct AppealNew {
    const char *hall;       /* hall code */
    const char *category;   /* key or Chinese name */
    const char *text;
    const char *grid;       /* optional */
    const char *source;     /* kiosk | meeting | staff | ledger (default staff) */
    const char *contact;    /* optional phone number */
    const char *day;        /* optional backdate */
    const char *code;       /* optional: a code minted elsewhere (ledger import) */
    const char *ledger_no;  /* optional: the ledger's own number */
    const char *rating_code;/* optional: fixed rating code (demo); else random */
} AppealNew;

/* Takes an appeal. Writes the tracking code into code_out and the private
 * rating code into rating_out. */
int appeal_add(sqlite3 *db, Author *a, const AppealNew *in, int64_t hlc, char code_out[CODE_MAX],
               char rating_out[RATING_CODE_LEN + 1], EwErr *err);
/* due NULL: the grade's default time limit counted from the grading day;
 * else that date (office only). */
int appeal_grade(sqlite3 *db, Author *a, const char *code, const char *grade, const char *due,
                 const char *day, int64_t hlc, EwErr *err);
/* member, leader, unit are roster ids; due may be NULL (keeps the default). */
int appeal_assign(sqlite3 *db, Author *a, const char *code, const char *member,
                  const char *leader, const char *unit, const char *due, const char *day,
                  int64_t hlc, EwErr *err);
/* action: "progress", "escalate", "solve" or "reopen"; text is the note
 * (the answer for solve). */
int appeal_step(sqlite3 *db, Author *a, const char *action, const char *code, const char *text,
                const char *day, int64_t hlc, EwErr *err);
int appeal_publish(sqlite3 *db, Author *a, const char *code, const char *day, int64_t hlc,
                   EwErr *err);
/* Office: hides the appeal's text and contact everywhere (reason required). */
int appeal_redact(sqlite3 *db, Author *a, const char *code, const char *reason, EwErr *err);
/* rating: "satisfied" or "unsatisfied"; proof: the slip's rating code. */
int appeal_rate(sqlite3 *db, Author *a, const char *code, const char *proof, const char *rating,
                const char *day, int64_t hlc, EwErr *err);

/* The office reads an appeal's private contact: opens the sealed box with
 * the town's secret key (converted to X25519 as appeal_add converts the
 * public key), checks that what it held is a phone number, and writes it,
 * NUL-terminated, to out (outlen bytes; APPEAL_CONTACT_MAX is enough). The
 * keys and any copy of the number are wiped before returning. Only reads.
 * EW_EDENIED on a device without the town key (a hall kiosk), whatever the
 * code; EW_ENOTFOUND when there is no such appeal, when it was taken
 * without a contact, when the office redacted it (its sealed box is
 * deleted everywhere) or when its sealed box has not reached this station;
 * EW_ECORRUPT when the box does not open with the town key or holds no
 * phone number; EW_EINPUT for a malformed code or an out too small. out is
 * "" on any failure. */
int appeal_contact(sqlite3 *db, const char *code, char *out, size_t outlen, EwErr *err);

/* The hash of a rating code, as appeal.new stores it, hex into out[65]. */
void appeal_rating_hash(const char *code, const char *proof, char out[65]);
/* Checks free text a person typed: non-blank UTF-8 within max bytes. */
int appeal_check_text(const char *what, const char *text, size_t max, EwErr *err);
/* Checks a phone number: digits with optional +, spaces and dashes (5 to
 * 20 digits, shorter than APPEAL_CONTACT_MAX). */
int appeal_check_contact(const char *contact, EwErr *err);

#endif
