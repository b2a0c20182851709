/*
 * slip.h: the two slips the hall's printer prints, as layouts on a canvas.
 *
 * Input is a plain struct of strings filled by the caller (the kiosk or
 * echowallctl reads the database; nothing here does). Sizes are given for
 * 58 mm paper (384 dots) and scaled with the canvas width, so an 80 mm slip
 * is the same slip, larger. Long names and topics wrap; the appeal's text
 * is cut to its first line, with "…" when it was longer.
 *
 * Ballot token (issue 4 §3):        Appeal slip (issue 5 §4):
 *     hall name                         hall name
 *     meeting topic                     民情诉求回执 · date
 *     date                              ────────────
 *     ────────────                      查询编号
 *     4821 0937      (large)            H07-A3K9Q     (large, fixed width)
 *     [QR: 48210937]                    类别：category
 *     凭此票在大厅屏幕上评议一次         first line of the text…
 *                                       [QR: tracking URL]
 *                                       评价码 123456
 *                                       扫码或在大厅屏幕“查询进度”输入编号
 */
#ifndef EW_PRINT_SLIP_H
#define EW_PRINT_SLIP_H

#include "canvas.h"
#include "ew.h"

typedef struct TokenSlip {
    const char *hall;   /* the hall's name, e.g. "城关村党群服务中心" */
    const char *topic;  /* the meeting's topic; NULL or "" leaves it out */
    const char *date;   /* the meeting's date as printed, e.g. "2025-03-14" */
    const char *token;  /* exactly 8 digits; printed "4821 0937", QR holds the 8 digits */
} TokenSlip;

typedef struct AppealSlip {
    const char *hall;        /* the hall's name */
    const char *date;        /* as printed, e.g. "2025-03-14" */
    const char *code;        /* tracking code, e.g. "H07-A3K9Q" (ASCII, at most 24) */
    const char *category;    /* category name; NULL or "" leaves the line out */
    const char *text;        /* the appeal's text: its first line is printed; NULL or "" none */
    const char *url;         /* tracking URL for the QR, e.g. "https://town.example/a/H07-A3K9Q" */
    const char *rating_code; /* 6 digits (private: printed, never on the wall); NULL or "" on a
                              * reprint, which leaves the line out */
} AppealSlip;

/* Draws a ballot token slip on c (appending below what is there).
 * EW_EINPUT naming the field for a missing or malformed one. */
int slip_token(Canvas *c, PrintFonts *f, const TokenSlip *s, EwErr *err);

/* Draws an appeal slip on c. EW_EINPUT naming the field for a missing or
 * malformed one. */
int slip_appeal(Canvas *c, PrintFonts *f, const AppealSlip *s, EwErr *err);

#endif
