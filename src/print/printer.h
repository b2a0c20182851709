/*
 * printer.h: the receipt printer as a device: finding it, asking its
 * status, and writing to it without ever hanging the kiosk.
 *
 * The printer is a character device: a configured path, or the first
 * /dev/usb/lpN (the kernel's usblp driver). It is opened non-blocking and
 * every wait is a poll() with a deadline, so a printer that stops taking
 * data, never answers, or is unplugged mid-slip costs at most a few
 * seconds and gives a clear message. A serial printer (a tty path) is put
 * in raw mode; its speed is whatever the port is set to (stty).
 *
 * Status is asked with the real-time command DLE EOT n (10 04 n), which
 * ESC/POS printers answer with one byte even in the middle of a job:
 *   n = 1 printer:        bit 3 offline
 *   n = 2 offline cause:  bit 2 cover open, bit 5 stopped for paper end,
 *                         bit 6 error (cutter jam, head too hot, ...)
 *   n = 4 paper sensor:   bits 2-3 paper near its end, bits 5-6 paper out
 * In every answer bits 1 and 4 are 1 and bits 0 and 7 are 0; a byte that
 * does not have that shape is not an answer (it may be an Automatic Status
 * Back message) and is skipped. Many cheap printers answer nothing over
 * USB: that is PRINTER_STATUS_UNKNOWN, never "fine".
 */
#ifndef EW_PRINT_PRINTER_H
#define EW_PRINT_PRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "ew.h"

#define PRINTER_STATUS_TIMEOUT_MS 300 /* wait for one DLE EOT answer */
#define PRINTER_STALL_TIMEOUT_MS 5000 /* a write taking no byte for this long fails */
#define PRINTER_JOB_TIMEOUT_MS 60000  /* and no job writes for longer than this */

typedef enum PrinterState {
    PRINTER_OK = 0,         /* answered: online, paper, cover closed */
    PRINTER_PAPER_LOW,      /* prints, but the roll is near its end */
    PRINTER_PAPER_OUT,      /* no paper */
    PRINTER_COVER_OPEN,     /* the cover is open */
    PRINTER_OFFLINE,        /* offline or in error, for another or unknown reason */
    PRINTER_STATUS_UNKNOWN, /* present but did not answer (or not sensibly) */
    PRINTER_ABSENT,         /* no printer device (or it went away) */
    PRINTER_STATE_COUNT
} PrinterState;

/* An open printer device. */
typedef struct Printer Printer;

/* The device to use: configured when it is set (not NULL, "" or "auto"),
 * else the lpN with the lowest N in /dev/usb. Writes the path into out.
 * EW_ENOTFOUND when there is none. */
int printer_find(const char *configured, char *out, size_t outlen, EwErr *err);
/* printer_find's search, in folder dir instead of /dev/usb (for tests). */
int printer_find_in(const char *dir, char *out, size_t outlen, EwErr *err);

/* Opens the printer found by printer_find(configured). EW_ENOTFOUND (state
 * PRINTER_ABSENT) when there is none; EW_EIO with the reason (e.g. no
 * permission: the kiosk's user must be in group lp) when it cannot be
 * opened. *state, when not NULL, gets ABSENT or UNKNOWN on failure.
 * *out is freed with printer_close. */
int printer_open(const char *configured, Printer **out, PrinterState *state, EwErr *err);
void printer_close(Printer *p);
const char *printer_path(const Printer *p);

/* Asks DLE EOT 1, 2 and 4, waiting at most timeout_ms for each answer,
 * and decodes them. Stops asking after the first unanswered question.
 * raw, when not NULL, receives the three answer bytes (-1: none). A
 * device that fails the write (unplugged) is PRINTER_ABSENT. */
PrinterState printer_status(Printer *p, int timeout_ms, int raw[3]);

/* The state the answers to DLE EOT 1, 2 and 4 describe (-1: no answer, or
 * not an answer). Definite trouble in any answer wins, in the order cover
 * open, paper out, offline; "OK" and "paper low" need all three answers,
 * otherwise the state is unknown. */
PrinterState printer_status_decode(int s1, int s2, int s4);

/* Writes len bytes, waiting for the device as needed but failing when it
 * takes nothing for stall_ms (EW_EIO, "took no data ... paper or cover?"),
 * when the whole job passes PRINTER_JOB_TIMEOUT_MS, or when the device
 * goes away (EW_EIO, "went away ... cable or power"). *gone, when not NULL,
 * is set to 1 in that last case. The message says how many bytes went. */
int printer_write(Printer *p, const uint8_t *bytes, size_t len, int stall_ms, int *gone,
                  EwErr *err);

/* True for states in which a slip is worth sending: OK, PAPER_LOW and
 * STATUS_UNKNOWN (most printers that do not answer print all the same). */
int printer_state_can_print(PrinterState s);

/* Words for a state: a stable key ("printer.paper_out"), a sentence in
 * Chinese and one in English for the hall's screen. Static strings. */
const char *printer_state_key(PrinterState s);
const char *printer_state_zh(PrinterState s);
const char *printer_state_en(PrinterState s);

#endif
